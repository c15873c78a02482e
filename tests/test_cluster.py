"""Extraction on a real Dask cluster (LocalCluster, 2 worker processes), shards, and ``alliances load``.

One corpus (JSON Lines, a gzipped JSON Lines shard and plain text files) is
extracted on the cluster and with ``--jobs 1``; the shards must hold exactly
the same quads, survive a worker killed mid-task, and load into the same
store that ``ingest`` builds.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from graph.cli import cli
from graph.serve import stop_process
from graph.store import AllianceStore
from graph.vocab import load_vocabulary

from .test_push import free_port

pytestmark = pytest.mark.slow  # starts worker processes that load spaCy

ACTORS = [("Russia", "Venezuela"), ("China", "Cuba"), ("France", "Germany"), ("Iran", "Syria"), ("Brazil", "India")]
TEMPLATES = [
    "{A} and {B} signed a trade agreement covering energy, report {i} said.",
    "{A} imposed new sanctions on {B} after vote number {i}.",
    "{A} reaffirmed its alliance with {B} in statement {i}.",
    "Markets were calm in session {i} and analysts expected little change.",
    "{A} has delivered weapons to {B} since spring, according to source {i}.",
]


def text(i: int) -> str:
    a, b = ACTORS[i % len(ACTORS)]
    return " ".join(t.format(A=a, B=b, i=i * 10 + k) for k, t in enumerate(TEMPLATES))


def write_corpus(root: Path, *, gz: bool) -> Path:
    """36 articles: 20 lines of JSON Lines, 10 more (gzipped when ``gz``), 6 text files."""
    root.mkdir(parents=True)
    lines = [json.dumps({"text": text(i), "title": f"Report {i}", "date": "2023-05-0" + str(1 + i % 9)})
             for i in range(30)]
    (root / "feed.jsonl").write_text("\n".join(lines[:20]) + "\n", encoding="utf-8")
    second = ("\n".join(lines[20:]) + "\n").encode("utf-8")
    if gz:
        (root / "more.jsonl.gz").write_bytes(gzip.compress(second))
    else:
        (root / "more.jsonl").write_bytes(second)
    for i in range(30, 36):
        (root / f"t{i}.txt").write_text(f"title: Note {i}\n\n{text(i)}\n", encoding="utf-8")
    return root


def cli_run(*args: object) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "graph", *map(str, args)], capture_output=True, text=True, timeout=300)


def invoke(*args: object) -> Result:
    """The CLI in this process (quicker: spaCy and the vocabulary are loaded once)."""
    return CliRunner().invoke(cli, [str(a) for a in args])


def quads(store_dir: Path) -> list[str]:
    store = AllianceStore(store_dir, load_vocabulary())
    try:
        return sorted(str(q) for q in store.ox)
    finally:
        store.close()


def default_graph(store_dir: Path) -> list[str]:
    """The data (default graph) of a store, as sorted triples."""
    store = AllianceStore(store_dir, load_vocabulary())
    try:
        return sorted(str(ox.Triple(q.subject, q.predicate, q.object))
                      for q in store.ox.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    finally:
        store.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("cluster")
    return write_corpus(tmp / "sharded", gz=True), write_corpus(tmp / "plain", gz=False)


@pytest.fixture(scope="module")
def shards(corpus: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """``extract --cluster local:2 --format nquads --out`` over the corpus, run as a user runs it."""
    out = tmp_path_factory.mktemp("shards") / "out"
    done = cli_run("extract", corpus[0], "--cluster", "local:2", "--task-articles", "6", "--format", "nquads",
                   "--out", out)
    assert done.returncode == 0, done.stderr
    return out, done.stderr


@pytest.fixture(scope="module")
def cluster() -> object:
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as lc, \
            Client(lc) as client:
        yield client


def test_cluster_extraction_equals_jobs_1(corpus: tuple[Path, Path], shards: tuple[Path, str]) -> None:
    out, stderr = shards
    manifest = json.loads((out / "_SUCCESS").read_text())
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([s["name"] for s in manifest["shards"]] + ["_SUCCESS"])  # nothing else, no temporary files
    # 20 + 10 JSON Lines split in ranges of 6 lines, plus the text files packed by 6: 4 + 2 + 1 tasks
    assert manifest["tasks"] == 7 and manifest["articles"] == 36 and manifest["errors"] == []
    assert "started a local Dask cluster of 2 worker processes" in stderr
    assert "tasks 7/7, 36 articles" in stderr and "articles/s" in stderr and "ETA" in stderr
    cluster_lines = set()
    for s in manifest["shards"]:
        data = (out / s["name"]).read_bytes()
        assert len(data) == s["bytes"] and data.count(b"\n") == s["lines"]
        cluster_lines |= set(data.decode().splitlines())

    result = CliRunner().invoke(cli, ["extract", str(corpus[1]), "--jobs", "1", "--format", "nquads"])
    assert result.exit_code == 0, result.output
    single = set(result.stdout.splitlines())
    assert len(single) > 400
    assert sorted(cluster_lines) == sorted(single)
    assert manifest["facts"] == int(result.stderr.splitlines()[-1].split()[0])


def test_worker_killed_mid_task_is_retried_without_duplicates(corpus: tuple[Path, Path], cluster: object,
                                                              tmp_path: Path) -> None:
    client = cluster
    address = client.scheduler.address  # type: ignore[attr-defined]
    out = tmp_path / "facts"
    proc = subprocess.Popen([sys.executable, "-m", "graph", "extract", str(corpus[0]), "--cluster", address,
                             "--task-articles", "3", "--format", "jsonl", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed = None
    try:
        deadline = time.monotonic() + 120
        while killed is None and proc.poll() is None and time.monotonic() < deadline:
            busy = [w for w, keys in client.processing().items()  # type: ignore[attr-defined]
                    if any(str(k).startswith("alliances-part-") for k in keys)]
            if busy:
                pids = client.run(os.getpid, workers=busy[:1])  # type: ignore[attr-defined]
                killed = next(iter(pids.values()))
                os.kill(killed, signal.SIGKILL)
            else:
                time.sleep(0.02)
        _, stderr = proc.communicate(timeout=240)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert killed is not None, "no task was seen running"
    assert proc.returncode == 0, stderr
    manifest = json.loads((out / "_SUCCESS").read_text())
    assert manifest["tasks"] == 13 and manifest["articles"] == 36
    assert sorted(p.name for p in out.iterdir()) == sorted([s["name"] for s in manifest["shards"]] + ["_SUCCESS"])
    lines = [line for s in manifest["shards"] for line in (out / s["name"]).read_text().splitlines()]
    assert len(lines) == len(set(lines)) == manifest["facts"]

    single = CliRunner().invoke(cli, ["extract", str(corpus[0] / "feed.jsonl"), *map(str, sorted(corpus[0].glob("*.txt"))),
                                      "--format", "jsonl"])
    expected = single.stdout.splitlines()
    assert sorted(line for line in lines if "more.jsonl.gz" not in line) == sorted(expected)
    assert sum("more.jsonl.gz" in line for line in lines) > 0

    # without --out the facts come back in input order, as with --jobs; inputs as an fsspec URL and a glob
    feed = corpus[0] / "feed.jsonl"
    printed = invoke("extract", f"file://{feed}", str(corpus[0] / "*.txt"), "--cluster", address, "--task-articles", "4",
                     "--format", "jsonl")
    assert printed.exit_code == 0, printed.output
    assert printed.stdout == single.stdout.replace(json.dumps(str(feed))[:-1], json.dumps(f"file://{feed}")[:-1])


def test_load_gives_the_store_ingest_builds(corpus: tuple[Path, Path], shards: tuple[Path, str], cluster: object,
                                            tmp_path: Path) -> None:
    out, _ = shards
    loaded = invoke("load", out, "--store", tmp_path / "loaded")
    assert loaded.exit_code == 0, loaded.output
    assert "offline for other writers" in loaded.stderr and "published snapshot" in loaded.stderr
    ingested = CliRunner().invoke(cli, ["ingest", str(corpus[1]), "--store", str(tmp_path / "ingested")])
    assert ingested.exit_code == 0, ingested.output
    address = cluster.scheduler.address  # type: ignore[attr-defined]
    on_cluster = invoke("ingest", corpus[0], "--cluster", address, "--task-articles", "6", "--store", tmp_path / "oncluster")
    assert on_cluster.exit_code == 0, on_cluster.output
    want = quads(tmp_path / "ingested")
    assert len(want) > 1000
    assert quads(tmp_path / "loaded") == want
    assert quads(tmp_path / "oncluster") == want
    # readers see the load through the published snapshot
    stats = CliRunner().invoke(cli, ["stats", "--format", "json", "--store", str(tmp_path / "loaded")])
    assert json.loads(stats.stdout)["articles"] == 36

    # loading the same shards again changes nothing: content-derived IRIs
    again = invoke("load", out, "--store", tmp_path / "loaded")
    assert again.exit_code == 0 and quads(tmp_path / "loaded") == want

    # the same shards in an Oxigraph server (`oxigraph load`), queried over HTTP
    binary = Path(sys.executable).parent / "oxigraph"
    files = sorted(str(p) for p in out.glob("*.nq"))
    done = subprocess.run([str(binary), "load", "--location", str(tmp_path / "server"), "--file", *files],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    port = free_port()
    server = subprocess.Popen([str(binary), "serve-read-only", "--location", str(tmp_path / "server"),
                               "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        query = urllib.parse.urlencode({"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"})
        deadline = time.monotonic() + 20
        while True:
            try:
                req = urllib.request.Request(f"http://127.0.0.1:{port}/query?{query}",
                                             headers={"Accept": "application/n-triples"})
                body = urllib.request.urlopen(req, timeout=10).read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "oxigraph serve-read-only did not answer"
                time.sleep(0.1)
    finally:
        stop_process(server, timeout=10)
    served = sorted(str(t) for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
    assert served == default_graph(tmp_path / "ingested")


def test_load_refuses_a_bad_shard_and_leaves_the_store(shards: tuple[Path, str], tmp_path: Path) -> None:
    out, _ = shards
    store = tmp_path / "store"
    first = invoke("load", out, "--store", store)
    assert first.exit_code == 0, first.output
    before = quads(store)
    bad = tmp_path / "bad.nq"
    bad.write_text('<https://example.org/a> <https://example.org/p> "x" .\n<https://example.org/b> <oops\n')
    done = invoke("load", bad, "--store", store)
    assert done.exit_code == 1 and done.stderr.strip().splitlines()[-1].startswith(f"Error: {bad}: not valid N-Quads")
    copy = tmp_path / "copy"
    copy.mkdir()
    for p in out.iterdir():
        copy.joinpath(p.name).write_bytes(p.read_bytes())
    victim = sorted(copy.glob("*.nq"))[-1]
    victim.write_bytes(victim.read_bytes() + b'<https://example.org/a> <https://example.org/p> "x" .\n')
    done = invoke("load", copy, "--store", store)
    assert done.exit_code == 1 and f"Error: {victim}: SHA-256 differs from the one in _SUCCESS" in done.stderr
    assert done.exception is None or isinstance(done.exception, SystemExit)
    assert quads(store) == before


VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = {isql}
DirsAllowed = ., {shards}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000

[HTTPServer]
ServerPort = {http}
ServerRoot = {d}
ServerThreads = 4

[SPARQL]
ResultSetMaxRows = 1000000
"""


@pytest.mark.skipif(shutil.which("virtuoso-t") is None or shutil.which("isql-vt") is None,
                    reason="Virtuoso is not installed (Debian package virtuoso-opensource-7-bin; .ci/run installs it)")
def test_shards_load_into_virtuoso(shards: tuple[Path, str], tmp_path: Path) -> None:
    """The shards through Virtuoso's bulk loader (ld_dir + rdf_loader_run), then asked over its SPARQL endpoint."""
    out, _ = shards
    isql, http = free_port(), free_port()
    (tmp_path / "virtuoso.ini").write_text(VIRTUOSO_INI.format(d=tmp_path, isql=isql, http=http, shards=out))
    server = subprocess.Popen(["virtuoso-t", "+configfile", str(tmp_path / "virtuoso.ini"), "+foreground"],
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    graph = "https://w3id.org/alliance-graph/graph/news"
    try:
        deadline = time.monotonic() + 60
        while True:
            sql = (f"ld_dir('{out}', '*.nq', '{graph}'); rdf_loader_run(); checkpoint; "
                   "SELECT COUNT(*) FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;")
            done = subprocess.run(["isql-vt", str(isql), "dba", "dba", f"exec={sql}"], capture_output=True, text=True,
                                  timeout=120)
            if done.returncode == 0:
                break
            assert server.poll() is None, "virtuoso-t exited"
            assert time.monotonic() < deadline, f"Virtuoso did not accept connections: {done.stderr[-500:]}"
            time.sleep(0.5)
        assert "\n0\n" in done.stdout, done.stdout  # no file had a load error
        query = f"SELECT ?c ?p WHERE {{ GRAPH <{graph}> {{ ?c <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> ?p }} }}"
        url = f"http://127.0.0.1:{http}/sparql?" + urllib.parse.urlencode({"query": query})
        req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
        rows = json.loads(urllib.request.urlopen(req, timeout=30).read())["results"]["bindings"]
        count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        req = urllib.request.Request(f"http://127.0.0.1:{http}/sparql?" + urllib.parse.urlencode({"query": count}),
                                     headers={"Accept": "application/sparql-results+json"})
        n = int(json.loads(urllib.request.urlopen(req, timeout=30).read())["results"]["bindings"][0]["n"]["value"])
    finally:
        stop_process(server, timeout=30)
    data = {ox.Triple(q.subject, q.predicate, q.object) for p in out.glob("*.nq")
            for q in ox.parse(path=p, format=ox.RdfFormat.N_QUADS) if isinstance(q.graph_name, ox.DefaultGraph)}
    claims = {(t.subject.value, t.object.value) for t in data
              if t.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate"}
    assert len(claims) > 50
    assert {(r["c"]["value"], r["p"]["value"]) for r in rows} == claims
    assert n == len(data)  # the default graph of the shards went into <graph>


def test_a_bad_line_of_a_feed_on_the_cluster_is_refused_alone(cluster: object, tmp_path: Path) -> None:
    address = cluster.scheduler.address  # type: ignore[attr-defined]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join([json.dumps({"title": "one", "text": text(1)}), '{"title": "two", "text": broken',
                               json.dumps({"title": "three", "text": text(3)})]) + "\n", encoding="utf-8")
    done = invoke("extract", feed, "--cluster", address, "--task-articles", "10", "--format", "jsonl")
    assert done.exit_code == 1
    assert [line for line in done.stderr.splitlines() if line.startswith("Error")] == [
        f"Error: {feed}:2: not valid JSON: Expecting value at column 26"]
    alone = invoke("extract", feed, "--format", "jsonl")  # the same two articles' facts as without the cluster
    assert alone.exit_code == 1 and sorted(done.stdout.splitlines()) == sorted(alone.stdout.splitlines())
    assert {json.loads(line)["article"] for line in done.stdout.splitlines()} == {f"{feed}:1", f"{feed}:3"}


def _worker_settings() -> tuple[str | None, bool]:
    import dask

    return os.environ.get("MALLOC_TRIM_THRESHOLD_"), bool(dask.config.get("distributed.worker.profile.enabled"))


def test_local_workers_run_without_the_malloc_trim_and_the_profiler_that_slow_extraction(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from graph.cluster.client import ClusterJob

    # a nanny writes its variables into its own process's environment, where later nannies find them:
    # other tests' clusters in this process leave it there; the CLI's process starts without it
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)

    with ClusterJob("local:1", load_vocabulary(), "rules", lambda _line: None) as job:
        settings = job.client.run(_worker_settings)
    assert list(settings.values()) == [(None, False)]
