"""Loaders: every kind of bad input is one InputError naming the file (and line)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.errors import InputError
from graph.loaders import find_inputs, load_articles, load_facts

from .conftest import write_facts


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".jsonl", ".yaml", ".csv"])
@pytest.mark.parametrize(("content", "problem"), [
    (b"", "file is empty"),
    (b"  \n\n ", "file is empty"),
    (b"\x00\x01\x02binary", "binary"),
    ("Café in Paris".encode("latin-1"), "not UTF-8 (byte 0xe9 at offset 3)"),
])
def test_bad_bytes_give_one_line_naming_the_file(tmp_path: Path, vocab, suffix: str, content: bytes, problem: str) -> None:
    bad = tmp_path / f"bad{suffix}"
    bad.write_bytes(content)
    with pytest.raises(InputError) as e:
        if suffix in (".yaml", ".csv"):
            load_facts(bad, vocab)
        else:
            load_articles(bad)
    msg = str(e.value)
    assert msg.startswith(f"{bad}: ") and problem in msg and "\n" not in msg


def test_over_size_article_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("Russia backs Venezuela. " * 100, encoding="utf-8")
    with pytest.raises(InputError, match="too large"):
        load_articles(big, max_bytes=1000)


def test_txt_header_and_offsets(article_file: Path) -> None:
    (a,) = load_articles(article_file)
    assert (a.title, a.date, a.source, a.publisher) == (
        "Ministers meet in Caracas", "2022-03-04", "https://example.org/news/ministers-meet", "Example News")
    raw = article_file.read_text(encoding="utf-8")
    assert raw[a.offset:].startswith("Russia and Venezuela signed")
    assert a.text == raw[a.offset:]


def test_txt_without_header_keeps_all_text(tmp_path: Path) -> None:
    p = tmp_path / "plain-story.txt"
    p.write_text("Moscow: a city of many voices.\n\nRussia backs Venezuela.\n", encoding="utf-8")
    (a,) = load_articles(p)
    assert a.offset == 0 and a.text.startswith("Moscow:") and a.title == "plain story"


def test_txt_bad_date_keeps_the_article_undated_with_a_note(tmp_path: Path) -> None:
    p = tmp_path / "d.txt"
    p.write_text("title: T\ndate: last Tuesday\n\nRussia backs Venezuela.\n", encoding="utf-8")
    (a,) = load_articles(p)
    assert a.date is None and a.text == "Russia backs Venezuela.\n"
    assert a.notes == (f"{p}:2: date 'last Tuesday' is not a date; the article is kept, undated",)


def test_markdown_front_matter(tmp_path: Path) -> None:
    p = tmp_path / "a.md"
    p.write_text("---\ntitle: Talks in Minsk\ndate: 2020-05-01\npublisher: Wire\n---\n\n# Talks\n\nBelarus backs Russia.\n",
                 encoding="utf-8")
    (a,) = load_articles(p)
    assert (a.title, a.date, a.publisher) == ("Talks in Minsk", "2020-05-01", "Wire")
    assert p.read_text(encoding="utf-8")[a.offset:] == a.text


def test_markdown_broken_front_matter(tmp_path: Path) -> None:
    p = tmp_path / "a.md"
    p.write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    with pytest.raises(InputError, match="broken YAML front matter"):
        load_articles(p)


def test_html_main_text_without_scripts(tmp_path: Path) -> None:
    p = tmp_path / "a.html"
    p.write_text("""<html><head><title>Page title</title>
      <meta property="og:title" content="Russia and Cuba sign pact">
      <meta property="article:published_time" content="2019-07-01T10:00:00Z">
      <script>var x = "Russia sanctions Cuba";</script></head>
      <body><nav>Home | World</nav><article><h1>Russia and Cuba sign pact</h1>
      <p>Russia and Cuba signed a <b>defence</b> pact.</p><p>Second paragraph.</p></article>
      <footer>Copyright</footer></body></html>""", encoding="utf-8")
    (a,) = load_articles(p)
    assert a.title == "Russia and Cuba sign pact" and a.date == "2019-07-01"
    assert "Russia and Cuba signed a defence pact." in a.text
    assert "sanctions" not in a.text and "Home" not in a.text and "Copyright" not in a.text


def test_jsonl_articles_and_bad_line(tmp_path: Path) -> None:
    p = tmp_path / "feed.jsonl"
    p.write_text(json.dumps({"title": "One", "date": "2021-01-02", "text": "Russia backs Cuba."}) + "\n\n"
                 + json.dumps({"title": "Two", "text": "China backs Iran."}) + "\n", encoding="utf-8")
    arts = load_articles(p)
    assert [a.title for a in arts] == ["One", "Two"] and arts[1].path == f"{p}:3"
    p.write_text(json.dumps({"text": "ok"}) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_articles(p)
    assert str(e.value).startswith(f"{p}:2: not valid JSON")
    p.write_text(json.dumps({"title": "no text"}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"1: missing field 'text'"):
        load_articles(p)


def test_jsonl_line_over_limit(tmp_path: Path) -> None:
    p = tmp_path / "feed.jsonl"
    p.write_text(json.dumps({"text": "x" * 5000}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"feed.jsonl:1: line is too large"):
        load_articles(p, max_bytes=1000)


def test_unknown_suffix(tmp_path: Path) -> None:
    p = tmp_path / "a.pdf"
    p.write_bytes(b"%PDF-1.4")
    with pytest.raises(InputError, match="unknown article type"):
        load_articles(p)


def test_yaml_facts_load_with_offsets(facts_file: Path, article_file: Path, vocab) -> None:
    pairs = load_facts(facts_file, vocab)
    assert len(pairs) == 3
    raw = article_file.read_text(encoding="utf-8")
    for article, fact in pairs:
        assert fact.article_id == article.id and fact.extractor == "curated"
        assert raw[fact.char_start:fact.char_end] == fact.evidence
    assert pairs[2][1].confidence == 0.5 and pairs[0][1].date == "2022-03-04"


@pytest.mark.parametrize(("fact", "problem"), [
    ({"subject": "RUS", "relation": "likes", "object": "VEN", "evidence": "x"}, "unknown relation 'likes'"),
    ({"subject": "RUS", "relation": "supports", "object": "XXX", "evidence": "x"}, "unknown actor 'XXX'"),
    ({"subject": "RUS", "relation": "supports", "object": "VEN"}, "missing field 'evidence'"),
    ({"subject": "RUS", "relation": "supports", "object": "VEN", "evidence": "Not in the text."},
     "evidence not found"),
    ({"subject": "RUS", "relation": "supports", "object": "VEN", "confidence": 7,
      "evidence": "Russia and Venezuela signed a new defence agreement on Friday."}, "not between 0 and 1"),
])
def test_bad_fact_names_file_and_line(tmp_path: Path, article_file: Path, vocab, fact, problem) -> None:
    good = {"subject": "RUS", "relation": "supports", "object": "VEN",
            "evidence": "Russia and Venezuela signed a new defence agreement on Friday."}
    p = write_facts(tmp_path / "facts" / "f.yaml", "../articles/meeting.txt", [good, fact])
    with pytest.raises(InputError) as e:
        load_facts(p, vocab)
    assert str(e.value).startswith(f"{p}:") and problem in str(e.value)
    assert e.value.line is not None and e.value.line > 3


def test_broken_yaml(tmp_path: Path, vocab) -> None:
    p = tmp_path / "f.yaml"
    p.write_text("facts:\n  - subject: RUS\n    relation: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"f.yaml:\d+: broken YAML"):
        load_facts(p, vocab)


def test_missing_article(tmp_path: Path, vocab) -> None:
    p = write_facts(tmp_path / "f.yaml", "nowhere.txt", [
        {"subject": "RUS", "relation": "supports", "object": "VEN", "evidence": "x"}])
    with pytest.raises(InputError, match=r"article 'nowhere\.txt' not found"):
        load_facts(p, vocab)


def test_csv_facts(tmp_path: Path, article_file: Path, vocab) -> None:
    p = tmp_path / "f.csv"
    p.write_text("subject,relation,object,article,evidence,rejected\n"
                 "RUS,agreementWith,VEN,articles/meeting.txt,Russia and Venezuela signed a new defence agreement on Friday.,no\n"
                 "RUS,supports,VEN,articles/meeting.txt,The two governments said they remain close allies.,yes\n",
                 encoding="utf-8")
    pairs = load_facts(p, vocab)
    assert [f.rejected for _, f in pairs] == [False, True]
    assert pairs[1][1].source_row == "f.csv:3"
    p.write_text("subject,relation,article\nRUS,supports,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="CSV header lacks columns object, evidence"):
        load_facts(p, vocab)
    p.write_text("subject,relation,object,article,evidence\n"
                 "RUS,hates,VEN,articles/meeting.txt,The two governments said they remain close allies.\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"f.csv:2: unknown relation 'hates'"):
        load_facts(p, vocab)


def test_find_inputs_recursive_and_sorted(tmp_path: Path) -> None:
    for name in ("b/2.txt", "a/1.md", "a/x.yaml", ".hidden/h.txt", "a/notes.pdf"):
        f = tmp_path / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("x", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in find_inputs([tmp_path])] == ["a/1.md", "a/x.yaml", "b/2.txt"]
