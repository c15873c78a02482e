"""What the web sends: arbitrary bytes and text never crash a loader or the extractor.

Property-based (hypothesis): the only exception a loader may raise is
``InputError``, and its message is one line that starts with the file's name.
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.errors import InputError, StoreError
from graph.loaders import ARTICLE_SUFFIXES, FACT_SUFFIXES, load_articles, load_facts
from graph.model import Article
from graph.pipeline import ingest_files
from graph.store import AllianceStore

FUZZ = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
DEEP = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

SENTENCES = [
    "Russia and Venezuela signed a defence pact.",
    "Cuba condemned the sanctions imposed by the United States.",
    "NATO allies met in Brussels; Turkey did not attend.",
]
ARTICLE = "title: A page\ndate: 2022-01-02\n\n" + " ".join(SENTENCES) + "\n"
# Characters that mean something to YAML, JSON, CSV, HTML or our header parser.
SYNTAX = ":-[]{}&*!|>'\"#%@`,?<>/=\\;\n\t \r\x00\ufeff\u2028é"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("hostile")
    (d / "a.txt").write_text(ARTICLE, encoding="utf-8")
    return d


def write(workdir: Path, suffix: str, data: bytes) -> Path:
    path = workdir / f"input{suffix}"
    path.write_bytes(data)
    return path


def loader_for(suffix: str, vocab) -> Callable[[Path], object]:
    if suffix in FACT_SUFFIXES:
        return lambda p: load_facts(p, vocab)
    return load_articles


def survives(path: Path, load: Callable[[Path], object]) -> None:
    """Load ``path``; an error must be an InputError on one line naming the file."""
    try:
        load(path)
    except InputError as e:
        msg = str(e)
        assert msg.startswith(f"{path}:"), msg
        assert "\n" not in msg and "\r" not in msg and len(msg) < len(str(path)) + 600, msg


SUFFIXES = sorted(ARTICLE_SUFFIXES + FACT_SUFFIXES)
hostile_text = st.text(alphabet=st.one_of(st.sampled_from(SYNTAX), st.characters()), max_size=400)


@pytest.mark.parametrize("suffix", SUFFIXES)
@FUZZ
@given(data=st.binary(max_size=600))
def test_arbitrary_bytes(workdir: Path, vocab, suffix: str, data: bytes) -> None:
    survives(write(workdir, suffix, data), loader_for(suffix, vocab))


@pytest.mark.parametrize("suffix", SUFFIXES)
@FUZZ
@given(text=hostile_text)
def test_arbitrary_text(workdir: Path, vocab, suffix: str, text: str) -> None:
    survives(write(workdir, suffix, text.encode("utf-8", "surrogatepass")), loader_for(suffix, vocab))


# ---------------------------------------------------------------- shaped input reaches deeper code

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), hostile_text,
                    st.sampled_from(["RUS", "VEN", "CUB", "USA", "alliedWith", "sanctions", "a.txt", "../a.txt",
                                     "2022-01-02", "2022-13-40", *SENTENCES]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=8)
FIELDS = ["subject", "relation", "object", "evidence", "article", "confidence", "rejected", "date", "title", "text",
          "source", "publisher", "url"]
records = st.dictionaries(st.sampled_from(FIELDS), values, max_size=8)


def _dump_yaml(obj: object) -> bytes:
    try:
        return yaml.safe_dump(obj, allow_unicode=True).encode("utf-8", "surrogatepass")
    except yaml.YAMLError:
        return b"- x\n"


# Raw YAML from tokens: unquoted scalars YAML resolves itself (timestamps, numbers), anchors,
# aliases, tags, flow and block syntax -- what yaml.safe_dump of Python values never writes.
yaml_tokens = st.sampled_from([
    "subject: ", "relation: ", "object: ", "evidence: ", "article: ", "date: ", "confidence: ", "rejected: ",
    "facts:", "title: ", "- ", "  ", "\n", "\n  ", "\n- ", ": ", "? ", "[", "]", "{", "}", ", ", "&a ", "*a", "&b ", "*b",
    "!!binary ", "!!timestamp ", "!!int ", "!!set ", "!!omap ", "!!python/object ", "|", ">", "'", '"', "#", "~",
    "2022-01-02", "2022-13-40", "2022-02-30 25:61:00", "1e999", "0x1F", "-.inf", ".nan", "yes", "null", "9" * 40,
    "RUS", "VEN", "alliedWith", "a.txt", "../a.txt", "/dev/zero", "a\x00b", *SENTENCES,
])
raw_yaml = st.lists(yaml_tokens, max_size=40).map("".join)


@DEEP
@given(facts=st.lists(records, max_size=4), article=st.one_of(st.none(), values), wrap=st.booleans())
def test_yaml_fact_files(workdir: Path, vocab, facts: list[dict], article: object, wrap: bool) -> None:
    doc = {"article": article, "facts": facts} if wrap else facts
    survives(write(workdir, ".yaml", _dump_yaml(doc)), loader_for(".yaml", vocab))


@DEEP
@given(text=raw_yaml)
def test_raw_yaml_fact_files(workdir: Path, vocab, text: str) -> None:
    survives(write(workdir, ".yaml", text.encode("utf-8")), loader_for(".yaml", vocab))


@DEEP
@given(text=raw_yaml, body=hostile_text)
def test_raw_markdown_front_matter(workdir: Path, text: str, body: str) -> None:
    survives(write(workdir, ".md", f"---\n{text}\n---\n{body}x".encode("utf-8", "surrogatepass")), load_articles)


NESTING = {
    ".jsonl": lambda d: '{"text": "x", "title": ' + "[" * d + "]" * d + "}",
    ".yaml": lambda d: "[" * d + "]" * d,
    ".md": lambda d: "---\ntitle: " + "[" * d + "]" * d + "\n---\nbody",
    ".html": lambda d: "<div>" * d + "x" + "</div>" * d,
    ".csv": lambda d: "subject,relation,object,article,evidence\nRUS,alliedWith,VEN,a.txt," + "x" * (d * 50),
}


@pytest.mark.slow
@pytest.mark.parametrize("suffix", sorted(NESTING))
@settings(max_examples=6, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(depth=st.integers(0, 3000))
def test_deep_nesting_and_long_fields(workdir: Path, vocab, suffix: str, depth: int) -> None:
    """Nesting deeper than Python's recursion limit, fields longer than csv's field limit."""
    survives(write(workdir, suffix, NESTING[suffix](depth).encode("utf-8")), loader_for(suffix, vocab))


BOMB = "".join(f"{n}: &{n} [{', '.join([f'*{p}' if p else 'x'] * 9)}]\n" for p, n in
               zip(["", "a", "b", "c", "d", "e", "f"], ["a", "b", "c", "d", "e", "f", "g"], strict=True))


@pytest.mark.parametrize("suffix, text", [
    (".yaml", BOMB + "facts:\n- {subject: *g, relation: alliedWith, object: VEN, evidence: x, article: a.txt}\n"),
    (".md", "---\n" + BOMB + "title: *g\n---\nbody\n"),
    (".yaml", "article: \"a\\0b.txt\"\nfacts:\n- {subject: RUS, relation: alliedWith, object: VEN, evidence: x}\n"),
    (".yaml", "- {subject: RUS, relation: alliedWith, object: VEN, evidence: x, article: " + "d/" * 3000 + "a.txt}\n"),
    (".jsonl", '{"text": "x", "date": ' + "9" * 5000 + "}"),
    (".md", "---\ndate: 2022-13-45\n---\nbody\n"),
], ids=["yaml-alias-bomb", "front-matter-alias-bomb", "nul-in-path", "path-too-long", "huge-number", "month-13"])
def test_known_hostile_files(workdir: Path, vocab, suffix: str, text: str) -> None:
    """Each of these crashed a loader once (or took seconds to build a multi-megabyte message)."""
    import time

    start = time.perf_counter()
    survives(write(workdir, suffix, text.encode("utf-8")), loader_for(suffix, vocab))
    assert time.perf_counter() - start < 2.0


@DEEP
@given(header=st.lists(st.sampled_from(FIELDS), max_size=8), rows=st.lists(st.lists(scalars, max_size=9), max_size=4))
def test_csv_fact_files(workdir: Path, vocab, header: list[str], rows: list[list[object]]) -> None:
    import csv
    import io

    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(header or ["subject", "relation", "object", "article", "evidence"])
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    survives(write(workdir, ".csv", out.getvalue().encode("utf-8", "surrogatepass")), loader_for(".csv", vocab))


@DEEP
@given(lines=st.lists(st.one_of(records, values, hostile_text), max_size=4))
def test_jsonl_feeds(workdir: Path, lines: list[object]) -> None:
    text = "\n".join(line if isinstance(line, str) and not line.startswith("{") else json.dumps(line) for line in lines)
    survives(write(workdir, ".jsonl", text.encode("utf-8", "surrogatepass")), load_articles)


@DEEP
@given(front=records, raw=hostile_text, body=hostile_text, use_raw=st.booleans())
def test_markdown_front_matter(workdir: Path, front: dict, raw: str, body: str, use_raw: bool) -> None:
    matter = raw if use_raw else _dump_yaml(front).decode("utf-8", "surrogatepass")
    survives(write(workdir, ".md", f"---\n{matter}\n---\n{body}".encode("utf-8", "surrogatepass")), load_articles)


tags = st.sampled_from(["p", "div", "article", "main", "script", "style", "li", "h1", "meta", "title", "br", "nav"])
attrs = st.sampled_from(['', ' property="og:title" content="x"', ' name="date" content="2022-99-99"',
                         ' rel="canonical" href="javascript:alert(1)"', ' content=""', ' onerror="x()"'])
html_parts = st.one_of(hostile_text, st.builds(lambda t, a: f"<{t}{a}>", tags, attrs), st.builds("</{}>".format, tags),
                       st.just("<!--"), st.just("<![CDATA["), st.just("&#0;"), st.just("&amp"))


@DEEP
@given(parts=st.lists(html_parts, max_size=30))
def test_html_tag_soup(workdir: Path, parts: list[str]) -> None:
    survives(write(workdir, ".html", "".join(parts).encode("utf-8", "surrogatepass")), load_articles)


@DEEP
@given(header=st.lists(st.tuples(st.text(string.ascii_letters + "_-", min_size=1, max_size=10), hostile_text), max_size=5),
       body=hostile_text)
def test_txt_headers(workdir: Path, header: list[tuple[str, str]], body: str) -> None:
    head = "\n".join(f"{k}: {v}" for k, v in header)
    survives(write(workdir, ".txt", f"{head}\n\n{body}".encode("utf-8", "surrogatepass")), load_articles)


# ---------------------------------------------------------------- past the loaders: into the store

@pytest.fixture(scope="module")
def memory_store(vocab) -> AllianceStore:
    return AllianceStore("memory", vocab)


@DEEP
@given(lines=st.lists(records, min_size=1, max_size=3))
def test_whatever_loads_can_be_stored(workdir: Path, vocab, memory_store: AllianceStore, lines: list[dict]) -> None:
    """Control characters, odd IRIs and dates that the loader lets through must not break a write."""
    path = write(workdir, ".jsonl", "\n".join(json.dumps(r) for r in lines).encode("utf-8", "surrogatepass"))
    result = ingest_files([path], memory_store, vocab, extract=False)
    assert all(isinstance(e, InputError) and str(e).startswith(f"{path}:") for e in result.errors), result.errors


# ---------------------------------------------------------------- extraction

words = st.sampled_from([
    "Russia", "Moscow", "the Kremlin", "Venezuela", "Caracas", "Cuba", "NATO", "the United States", "China",
    "allies", "signed", "sanctions", "sanctioned", "condemned", "did not", "denied", "may", "with", "and", ",",
    ".", "'s", "(", ")", "—", "\n", "  ", "arms", "loan", "visited", "agreement", "not", "against", "to", "by",
])
sentencey = st.lists(st.one_of(words, hostile_text), max_size=40).map(" ".join)


@pytest.mark.slow
@settings(max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(sentencey, hostile_text), offset=st.integers(0, 50))
def test_extract_never_crashes_and_points_into_the_text(vocab, text: str, offset: int) -> None:
    from graph.extract import extract

    article = Article(path="hostile.txt", text=text, offset=offset)
    for fact in extract(article, vocab):
        assert fact.relation in vocab.relations and fact.subject in vocab.actors and fact.object in vocab.actors
        assert 0.0 <= fact.confidence <= 1.0
        if fact.char_start is not None and fact.char_end is not None:
            assert text[fact.char_start - offset: fact.char_end - offset] == fact.evidence


@pytest.mark.slow
@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(sentencey, hostile_text), title=hostile_text)
def test_what_extract_finds_in_any_text_can_be_stored(vocab, memory_store: AllianceStore, text: str, title: str) -> None:
    """Evidence cut from hostile text (control characters, quotes, backslashes) survives the SPARQL update."""
    from graph.extract import extract

    if not text.strip():
        return
    article = Article(path="hostile.txt", text=text, title=title or None)
    facts = extract(article, vocab)
    claims = {f.key(vocab.relation(f.relation).symmetric) for f in facts}
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in title):  # the loaders refuse such a title; the store fails the article alone
        with pytest.raises(StoreError, match=r"could not write article hostile\.txt"):
            memory_store.write_article(article, facts, replace_extracted=True)
        return
    assert memory_store.write_article(article, facts, replace_extracted=True) == len(claims)
