"""The library in Jupyter: examples/explore.ipynb runs (nbclient + ipykernel), and what it shows is right.

The notebook is executed cell by cell in a real kernel, so it cannot rot;
its outputs are then checked: the page is the same offline page `alliances
render` writes (in an iframe srcdoc, and it draws in Chromium from there),
and the query results are pandas tables with the expected rows.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from .conftest import PROJECT

NOTEBOOK = PROJECT / "examples" / "explore.ipynb"
CHROMIUM = "/usr/bin/chromium"


RUN = """
import sys, nbformat
from jupyter_client import KernelManager
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
km = KernelManager(kernel_name="python3", transport="ipc", ip=sys.argv[3])  # a Unix socket, no TCP port
NotebookClient(nb, km=km, timeout=300, resources={"metadata": {"path": sys.argv[4]}}).execute()
nbformat.write(nb, sys.argv[2])
"""


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory):
    """The notebook executed by nbclient in a kernel (in a child process: zmq's sockets stay out of pytest's)."""
    import subprocess
    import sys

    nbformat = pytest.importorskip("nbformat", reason="nbformat comes with the test extra")
    tmp = tmp_path_factory.mktemp("nb")
    out = tmp / "explore.out.ipynb"
    proc = subprocess.run([sys.executable, "-c", RUN, str(NOTEBOOK), str(out), str(tmp / "kernel"), str(tmp)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return nbformat.read(out, as_version=4)


def outputs(nb, index: int) -> dict:
    code = [c for c in nb.cells if c.cell_type == "code"]
    (out,) = [o for o in code[index].outputs if o.output_type == "execute_result"]
    return out["data"]


@pytest.mark.slow
def test_notebook_runs_and_shows_page_and_tables(executed) -> None:
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    assert "claims in the store" in outputs(executed, 0)["text/plain"]

    page = outputs(executed, 1)["text/html"]
    m = re.fullmatch(r'<iframe srcdoc="([^"]*)" style="[^"]*" sandbox="allow-scripts allow-popups" title="[^"]*"></iframe>',
                     page)
    assert m, page[:300]
    inner = html.unescape(m.group(1))

    from graph import load_vocabulary
    from graph.loaders import find_inputs
    from graph.pipeline import SEEDS_DIR, ingest_files, render_page
    from graph.store import AllianceStore

    vocab = load_vocabulary()
    store = AllianceStore("memory", vocab)
    ingest_files(find_inputs([SEEDS_DIR]), store, vocab)
    assert inner == render_page(store, title="The seed graph"), "the notebook shows the page `alliances render` writes"

    allies = outputs(executed, 2)
    assert "<table" in allies["text/html"]
    assert [line.split()[-2] for line in allies["text/plain"].splitlines()[1:]] == ["Cuba", "Nicaragua", "Venezuela"]
    relations = outputs(executed, 3)["text/plain"]
    assert "alliedWith" in relations and "supports" in relations
    nodes = outputs(executed, 4)["text/plain"].splitlines()
    assert nodes[1].split()[1] == "RUS"  # the most central actor of the seed graph


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is absent (apt-get install -y chromium)")
def test_page_draws_inside_the_notebook_iframe(executed, tmp_path: Path) -> None:
    """The iframe as Jupyter renders it: its page draws the network, offline, without errors."""
    from playwright.sync_api import sync_playwright

    host = tmp_path / "notebook.html"
    host.write_text("<!doctype html><html><body>" + outputs(executed, 1)["text/html"] + "</body></html>", encoding="utf-8")
    requests, errors = [], []
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu",
                                                              "--disable-background-networking"])
        try:
            page = b.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

            def route(r) -> None:
                if r.request.url.startswith(("file:", "data:", "about:")):
                    r.continue_()
                else:
                    requests.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.goto(host.as_uri())
            frame = page.frame_locator("iframe")
            frame.locator("body[data-stabilized=true]").wait_for(state="attached", timeout=60_000)
            assert frame.locator("canvas").count() >= 1
        finally:
            b.close()
    assert not requests and not errors, (requests, errors)


def test_results_as_dataframes(vocab) -> None:
    from graph import notebook
    from graph.errors import QueryError
    from graph.loaders import find_inputs
    from graph.pipeline import SEEDS_DIR, ingest_files
    from graph.store import AllianceStore

    store = AllianceStore("memory", vocab)
    ingest_files(find_inputs([SEEDS_DIR]), store, vocab, extract=False)
    df = notebook.query(store, "SELECT ?c ?conf WHERE { ?c a ag:Claim ; ag:confidence ?conf }").to_dataframe()
    assert list(df.columns) == ["c", "conf"] and len(df) == store.count_claims() and df["conf"].dtype.kind == "f"
    triples = notebook.query(store, "CONSTRUCT { ?a ag:alliedWith ?b } WHERE { ?a ag:alliedWith ?b }").to_dataframe()
    assert list(triples.columns) == ["subject", "predicate", "object"] and len(triples) > 0
    assert set(triples["predicate"]) == {str(vocab.relation("alliedWith").iri)}
    with pytest.raises(QueryError, match="ASK result is one boolean"):
        notebook.query(store, "ASK { ?s ?p ?o }").to_dataframe()
    tables = notebook.tables(store)
    assert set(tables) == {"nodes", "edges", "claims"} and len(tables["claims"]) == store.count_claims()
    assert repr(notebook.page(store)).startswith("<Page: ")
