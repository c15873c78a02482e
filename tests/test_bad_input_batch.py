"""One bad file in a batch: one line naming it, the other files ingested, exit 1 (issue 12, item 4 and 13).

Bad source IRIs, lone surrogates from JSON or YAML escapes, control characters and
NUL characters used to raise where the article was written, outside the per-file
error handling, and stop the whole batch with a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

GOOD = "title: Talks {i}\nsource: https://example.org/news/{i}\n\nRussia and Venezuela held talks, round {i}.\n"
PAGE = """<!doctype html><html><head><title>Summit</title>
<meta property="og:url" content="{url}"><meta property="og:title" content="Summit in Havana"></head>
<body><article><h1>Summit in Havana</h1>
<p>Cuba and Venezuela signed a broad cooperation agreement in Havana on Tuesday, officials said.</p>
<p>The two governments promised closer ties in trade, energy and health care over the coming years.</p>
<p>Ministers of both countries met again later in the week to agree on the details of the plan.</p>
</article></body></html>
"""
FILLER = "Russia and Venezuela talked about trade. " * 250  # past the first 8 KiB

BAD = {
    "bracket-host.txt": "title: Bad\nsource: http://[::1\n\nCuba backs Venezuela.\n",
    "percent.txt": "title: Bad\nsource: http://example.org/%zz\n\nCuba backs Venezuela.\n",
    "control.txt": "title: Bad\nsource: http://example.org/a\x01b\n\nCuba backs Venezuela.\n",
    "og-url.html": PAGE.format(url="http://example.org/%zz"),  # trafilatura itself drops http://[bad
    "surrogate.jsonl": '{"title": "Bad", "text": "Cuba backs Venezuela \\ud800 today."}\n',
    "surrogate-title.jsonl": '{"title": "Bad \\udfff", "text": "Cuba backs Venezuela today."}\n',
    "surrogate.md": '---\ntitle: "Bad \\ud800"\n---\nCuba backs Venezuela today.\n',
    "nul-escape.jsonl": '{"title": "Bad", "text": "Cuba backs\\u0000 Venezuela today."}\n',
    "nul-late.txt": "title: Bad\n\n" + FILLER + "\x00 Cuba backs Venezuela.\n",
}
PROBLEM = {
    "bracket-host.txt": "source 'http://[::1' is not a valid IRI",
    "percent.txt": "source 'http://example.org/%zz' is not a valid IRI",
    "control.txt": "is not a valid IRI",
    "og-url.html": "source 'http://example.org/%zz' is not a valid IRI",
    "surrogate.jsonl": "text contains a lone surrogate U+D800",
    "surrogate-title.jsonl": "field 'title' contains a lone surrogate U+DFFF",
    "surrogate.md": "field 'title' contains a lone surrogate U+D800",
    "nul-escape.jsonl": "text contains a NUL character",
    "nul-late.txt": "a NUL byte at offset 10,",
}


def folder_with_one_bad(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    for i in range(8):
        (folder / f"a{i}.txt").write_text(GOOD.format(i=i), encoding="utf-8")
    (folder / name).write_text(BAD[name], encoding="utf-8", errors="surrogatepass")
    return folder


@pytest.mark.parametrize("name", sorted(BAD))
def test_one_bad_file_of_nine_is_one_line_and_the_other_eight_are_stored(run, tmp_path: Path, name: str) -> None:
    folder = folder_with_one_bad(tmp_path, name)
    store = tmp_path / "store"
    result = run("ingest", folder, "--store", store, "--no-extract")
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"Error: {folder / name}") and PROBLEM[name] in errors[0], errors[0]
    assert "Traceback" not in result.output
    stats = json.loads(run("stats", "--store", store, "--format", "json").stdout)
    assert stats["articles"] == 8


@pytest.mark.parametrize("name", ["bracket-host.txt", "surrogate.jsonl", "nul-late.txt", "og-url.html"])
def test_extract_reports_the_bad_file_and_goes_on(run, tmp_path: Path, name: str) -> None:
    folder = folder_with_one_bad(tmp_path, name)
    result = run("extract", folder, "--format", "jsonl")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and errors[0].startswith(f"Error: {folder / name}")
    assert "from 8 articles" in result.stderr


def test_curated_facts_with_a_lone_surrogate_are_refused_on_one_line(run, tmp_path: Path, article_file: Path) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_text(f'article: {article_file}\nfacts:\n  - {{subject: RUS, relation: alliedWith, object: VEN, '
                     f'evidence: "Russia \\ud800 allies"}}\n', encoding="utf-8")
    result = run("ingest", facts, article_file, "--store", tmp_path / "store", "--no-extract")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: {facts}:3: field 'evidence' contains a lone surrogate U+D800 (at 7), "
                      "which is not Unicode text"]
    assert "1 articles" in result.stderr


def test_the_store_refuses_a_bad_term_for_that_article_alone(vocab) -> None:
    """The loaders refuse these; if one still reaches the store, it fails that article only, on one line."""
    from graph.errors import StoreError
    from graph.model import Article
    from graph.store import AllianceStore

    store = AllianceStore("memory", vocab)
    bad = Article(path="x.txt", text="Cuba backs Venezuela.", title="Bad \ud800", id="0" * 16)
    with pytest.raises(StoreError, match=r"could not write article x\.txt"):
        store.write_article(bad, [])
    assert store.write_article(Article(path="y.txt", text="Cuba backs Venezuela."), []) == 0
    assert store.stats()["articles"] == 1


def test_extract_passes_over_a_paragraph_with_a_lone_surrogate(vocab) -> None:
    """The loaders refuse such text; an Article made in code still gets an id and its other paragraphs read."""
    from graph.extract import extract
    from graph.model import Article

    article = Article(path="x.txt", text="\ud800 Russia and Cuba are allies.\n\nRussia and Cuba are close allies.")
    facts = extract(article, vocab)
    assert facts and {f.evidence for f in facts} == {"Russia and Cuba are close allies."}
