"""Web pages through trafilatura: five saved layouts give their article and nothing around it.

tests/pages/ holds pages written for this test in the shapes news sites use
(a news site with cookie banner, nav, ads, related stories and comments; a
blog with widgets, share buttons, related posts and a comment thread; a
table-and-div page with no semantic tags; a live-news layout with ads,
related links and a newsletter box between paragraphs; an AMP page with
JSON-LD metadata, a paywall prompt, recommendations and a consent dialog).
tests/pages/expected.yaml lists, per page, the metadata, the article's
paragraphs (which must all be there) and the boilerplate planted around them
(none of which may be).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from graph.errors import InputError
from graph.loaders import load_articles

PAGES = Path(__file__).parent / "pages"
EXPECTED = yaml.safe_load((PAGES / "expected.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_saved_page_gives_article_text_and_no_boilerplate(name: str) -> None:
    want = EXPECTED[name]
    (article,) = load_articles(PAGES / name)
    for paragraph in want["present"]:
        assert paragraph in article.text, f"{name}: article text lost: {paragraph!r}"
    leaked = [s for s in want["absent"] if s in article.text]
    assert not leaked, f"{name}: boilerplate in the article text: {leaked}"
    assert article.title == want["title"]
    assert article.date == want["date"]
    assert article.source == want["url"]
    assert article.publisher == want["publisher"]
    assert article.author is not None and want["author"] in article.author
    assert "\n\n" in article.text and "\n\n\n" not in article.text  # paragraphs, one blank line apart


def test_boilerplate_strings_really_are_on_the_pages() -> None:
    """The absent strings are planted: each occurs in its page's HTML (so their absence means something)."""
    import html

    for name, want in EXPECTED.items():
        raw = html.unescape((PAGES / name).read_text(encoding="utf-8"))
        missing = [s for s in want["absent"] if s not in raw]
        assert not missing, f"{name}: {missing}"


def test_page_with_no_article_is_one_line_error(tmp_path: Path) -> None:
    p = tmp_path / "menu.html"
    p.write_text("<html><head><title>Loading</title><script>var a = 'Russia backs Cuba';</script></head>"
                 "<body><div id='app'></div><noscript></noscript></body></html>", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_articles(p)
    assert str(e.value) == f"{p}: HTML page has no article text"


def test_extract_reads_only_the_article(run) -> None:
    """Through the CLI: facts come from the article's sentences, never from the comments or teasers."""
    result = run("extract", PAGES / "01-news-site.html", PAGES / "03-div-soup.html", "--format", "jsonl", "--model", "rules")
    assert result.exit_code == 0, result.output
    facts = [json.loads(line) for line in result.stdout.splitlines()]
    assert facts, "the rules find the pacts these pages report"
    texts = {n: load_articles(PAGES / n)[0].text for n in ("01-news-site.html", "03-div-soup.html")}
    for f in facts:
        name = Path(f["article"]).name
        assert f["evidence"] in texts[name]
        assert not any(s in f["evidence"] for s in EXPECTED[name]["absent"])
    pairs = {(f["subject"], f["relation"], f["object"]) for f in facts}
    assert any({"FRA", "DEU"} == {s, o} for s, _, o in pairs), pairs
    assert any({"JPN", "PHL"} == {s, o} for s, _, o in pairs), pairs
