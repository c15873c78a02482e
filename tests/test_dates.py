"""Dates as people and feeds write them; a date that is not one leaves the article undated, with a warning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

BODY = "Russia and Venezuela signed a defence agreement on Friday."


def stored_dates(run, store: Path) -> list[str]:
    result = run("query", "SELECT ?d WHERE { ?a a ag:Article OPTIONAL { ?a dcterms:issued ?d } } ORDER BY ?d",
                 "--store", store, "--format", "csv")
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()[1:]


@pytest.mark.parametrize("written, iso", [
    ("2023-04-04", "2023-04-04"),
    ("2023-04-04T22:15:00-05:00", "2023-04-04"),
    ("4 April 2023", "2023-04-04"),
    ("April 4, 2023", "2023-04-04"),
    ("Tue, 04 Apr 2023 10:30:00 +0000", "2023-04-04"),
    ("April 2023", "2023-04"),
])
@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_written_dates_are_read(run, tmp_path: Path, written: str, iso: str, suffix: str) -> None:
    header = f"title: T\ndate: {written}\n\n" if suffix == ".txt" else f"---\ntitle: T\ndate: {written}\n---\n"
    (tmp_path / f"a{suffix}").write_text(header + BODY + "\n", encoding="utf-8")
    result = run("ingest", tmp_path / f"a{suffix}", "--store", tmp_path / "s", "--no-extract")
    assert result.exit_code == 0 and "Warning" not in result.stderr, result.output
    assert stored_dates(run, tmp_path / "s") == [iso]


@pytest.mark.parametrize("written, problem", [
    ("unknown", "date 'unknown' is not a date"),
    ("", "date is empty"),
    ("04/05/2023", "date '04/05/2023' is ambiguous (day and month could be either way); write 2023-05-04 or 4 May 2023"),
    ("2023-02-30", "date '2023-02-30' is not a valid date"),
])
def test_a_date_that_is_not_one_keeps_the_article_undated_with_one_warning(run, tmp_path: Path, written: str,
                                                                           problem: str) -> None:
    f = tmp_path / "a.md"
    f.write_text(f"---\ntitle: T\nauthor: A\ndate: {written}\n---\n{BODY}\n", encoding="utf-8")
    result = run("ingest", f, "--store", tmp_path / "s", "--no-extract")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning")]
    assert warnings == [f"Warning: {f}:4: {problem}; the article is kept, undated"]
    assert stored_dates(run, tmp_path / "s") == [""]


def test_one_bad_line_of_a_feed_is_refused_alone(run, tmp_path: Path) -> None:
    f = tmp_path / "feed.jsonl"
    lines = [json.dumps({"title": "One", "date": "April 4, 2023", "text": "Russia backs Cuba."}),
             '{"title": "Two", "text": broken',
             json.dumps({"title": "Three", "date": "unknown", "text": "China backs Iran."}),
             json.dumps({"title": "Four", "text": "Iran backs Syria.", "date": "Tue, 04 Apr 2023 10:30:00 +0000"})]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("ingest", f, "--store", tmp_path / "s", "--no-extract")
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if line.startswith(("Error", "Warning"))] == [
        f"Warning: {f}:3: date 'unknown' is not a date; the article is kept, undated",
        f"Error: {f}:2: not valid JSON: Expecting value at column 26",
    ]
    assert "1 files, 3 articles" in result.stderr
    assert stored_dates(run, tmp_path / "s") == ["", "2023-04-04", "2023-04-04"]

    extracted = run("extract", f, "--format", "jsonl")  # extract reads the feed the same way
    assert extracted.exit_code == 1 and f"Error: {f}:2: not valid JSON" in extracted.stderr
    assert "from 3 articles" in extracted.stderr
