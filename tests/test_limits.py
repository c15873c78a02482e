"""Limits through the CLI: over-size input is refused on one line, the rest of the batch goes on, exit 1.

And every export format, written by ``alliances export --format X -o F``, parses back to the same graph.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import graph_diff, isomorphic

from graph.store import EXPORT_FORMATS, AllianceStore

from .conftest import write_facts

LIMIT = 2000


def big_article(path: Path, size: int) -> Path:
    sentence = "Russia and Venezuela met again to talk about trade and oil. "
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("title: Long\n\n" + sentence * (size // len(sentence) + 1), encoding="utf-8")
    return path


def errors_of(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error:")]


@pytest.mark.parametrize("command", ["ingest", "build", "extract"])
def test_oversize_article_refused_rest_processed(run, tmp_path: Path, facts_file: Path, command: str) -> None:
    big = big_article(tmp_path / "big" / "big.txt", LIMIT + 1)
    small = big_article(tmp_path / "small" / "small.txt", LIMIT // 2)
    args: list[object] = [command, big, small, "--max-bytes", LIMIT]
    if command != "extract":
        args += ["--store", tmp_path / "store", facts_file, "--no-extract"]
    if command == "build":
        args += ["--out", tmp_path / "out"]
    result = run(*args)
    assert result.exit_code == 1
    size = big.stat().st_size
    assert errors_of(result.stderr) == [f"Error: {big}: file is too large ({size:,} bytes, limit {LIMIT:,})"]
    if command == "extract":
        assert "from 1 articles" in result.stderr  # the small one was still read
        return
    st = json.loads(run("stats", "--store", tmp_path / "store", "--format", "json").stdout)
    assert (st["articles"], st["claims"]) == (2, 3)  # the small article and the curated one: nothing of the big one
    if command == "build":
        assert (tmp_path / "out" / "alliances.ttl").is_file()


def test_default_limit_is_5_mb(run, tmp_path: Path) -> None:
    big = big_article(tmp_path / "big.txt", 5 * 1024 * 1024 + 1)
    result = run("ingest", big, "--store", "memory", "--no-extract")
    assert result.exit_code == 1
    assert errors_of(result.stderr) == [f"Error: {big}: file is too large ({big.stat().st_size:,} bytes, limit 5,242,880)"]


def test_oversize_jsonl_line_refused_other_files_processed(run, tmp_path: Path, facts_file: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    ok = {"text": "Cuba and Russia held talks.", "title": "Talks"}
    huge = {"text": "Cuba and Russia held talks. " * (LIMIT // 20), "title": "Huge"}
    feed.write_text("\n".join(json.dumps(x) for x in (ok, huge, ok)) + "\n", encoding="utf-8")
    other = big_article(tmp_path / "other.txt", 100)
    store = tmp_path / "store"
    result = run("ingest", feed, other, facts_file, "--store", store, "--no-extract", "--max-bytes", LIMIT)
    assert result.exit_code == 1
    assert errors_of(result.stderr) == [f"Error: {feed}:2: line is too large (limit {LIMIT:,} bytes)"]
    st = json.loads(run("stats", "--store", store, "--format", "json").stdout)
    assert (st["articles"], st["claims"]) == (3, 3)  # the feed's other lines (one article, twice) went in


def test_store_is_untouched_by_a_refused_batch(run, tmp_path: Path, facts_file: Path, vocab) -> None:
    store = tmp_path / "store"
    assert run("ingest", facts_file, "--store", store).exit_code == 0
    before = run("export", "--store", store, "--format", "nquads").stdout
    bad = [big_article(tmp_path / "b1.txt", LIMIT + 1), tmp_path / "b2.yaml"]
    bad[1].write_text("facts: [", encoding="utf-8")
    result = run("ingest", *bad, "--store", store, "--max-bytes", LIMIT)
    assert result.exit_code == 1 and len(errors_of(result.stderr)) == 2
    assert run("export", "--store", store, "--format", "nquads").stdout == before
    assert run("validate", "--store", store).exit_code == 0


RDFLIB_FORMAT = {"turtle": "turtle", "trig": "trig", "nquads": "nquads", "ntriples": "nt", "jsonld": "json-ld"}


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_cli_export_round_trips(run, tmp_path: Path, facts_file: Path, vocab, fmt: str) -> None:
    """`alliances export --format X -o F`: F parses back to a graph isomorphic to the store's data."""
    # hostile text inside literals: quotes, backslashes, newlines, markup, non-BMP characters
    odd = tmp_path / "articles" / "odd.txt"
    odd.write_text('title: "Quotes" \\ back\\slash <b>&amp; 😀\n\nCuba said: "We\\n stand"\twith Russia. <script>x</script>\n',
                   encoding="utf-8")
    write_facts(tmp_path / "facts" / "odd.yaml", "../articles/odd.txt", [
        {"subject": "CUB", "relation": "supports", "object": "RUS", "evidence": 'Cuba said: "We\\n stand"\twith Russia.'}])
    store = tmp_path / "store"
    assert run("ingest", facts_file, tmp_path / "facts" / "odd.yaml", "--store", store).exit_code == 0
    out = tmp_path / f"export.{fmt}"
    result = run("export", "--store", store, "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and f"wrote {out}" in result.stderr
    with AllianceStore(store, vocab, read_only=True) as s:
        expected = Graph()
        for t in s.data_triples():
            expected.parse(data=f"{t} .", format="nt")
    if fmt in ("trig", "nquads"):
        d = Dataset()
        d.parse(out, format=RDFLIB_FORMAT[fmt])
        actual = Graph()
        for s_, p, o, _g in d.quads():
            actual.add((s_, p, o))
    else:
        actual = Graph().parse(out, format=RDFLIB_FORMAT[fmt])
    if not isomorphic(actual, expected):
        _, extra, missing = graph_diff(actual, expected)
        raise AssertionError(f"unexpected:\n{extra.serialize(format='nt')}missing:\n{missing.serialize(format='nt')}")
    assert len(actual) > 30
    # and stdout gives the same bytes as the file
    assert run("export", "--store", store, "--format", fmt).stdout_bytes == out.read_bytes()


@pytest.mark.parametrize("fmt, query", [
    ("table", "SELECT ?c WHERE { ?c a ag:Claim }"),
    ("csv", "SELECT ?c WHERE { ?c a ag:Claim }"),
    ("json", "SELECT ?c WHERE { ?c a ag:Claim }"),
    ("jsonl", "SELECT ?c WHERE { ?c a ag:Claim }"),
    ("xml", "SELECT ?c WHERE { ?c a ag:Claim }"),
    ("turtle", "CONSTRUCT { ?c a ag:Claim } WHERE { ?c a ag:Claim }"),
])
def test_query_row_limit(run, tmp_path: Path, facts_file: Path, fmt: str, query: str) -> None:
    store = tmp_path / "store"
    assert run("ingest", facts_file, "--store", store).exit_code == 0  # 3 claims
    over = run("query", query, "--store", store, "--format", fmt, "--max-rows", 2)
    # the first two rows are printed as a whole document, then the command says it stopped
    assert over.exit_code == 1
    assert len(set(re.findall(r"claim[:/]([0-9a-f]{12})", over.stdout))) == 2
    what = "triples" if fmt == "turtle" else "rows"
    assert over.stderr.splitlines()[-1] == (f"Error: query: stopped after 2 {what} (the --max-rows limit); the result "
                                            "has more: narrow the query, add LIMIT, or raise --max-rows")
    if fmt == "json":
        assert len(json.loads(over.stdout)["results"]["bindings"]) == 2
    for limit in (3, 0):  # exactly at the limit, and no limit
        ok = run("query", query, "--store", store, "--format", fmt, "--max-rows", limit)
        assert ok.exit_code == 0, ok.output
        assert len(set(re.findall(r"claim[:/]([0-9a-f]{12})", ok.stdout))) == 3


def test_query_row_limit_default_is_sensible(run) -> None:
    result = run("query", "--help")
    assert "--max-rows" in result.stdout and "100000" in result.stdout
