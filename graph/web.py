"""Web pages → main text and metadata, with trafilatura.

``read_page(html)`` keeps the article and drops the page around it (menus,
ads, related-article blocks, comments, cookie banners, share buttons,
newsletter boxes) and reads the title, date, author, canonical URL, site
name and licence from the page's metadata (Open Graph, schema.org JSON-LD,
Dublin Core, ``<link rel=canonical>``) with trafilatura and htmldate.
Trafilatura runs in its precision mode (``favor_precision``): a sentence of
boilerplate in the article costs more here (a fact with the wrong evidence)
than a short paragraph left out.  Paragraphs are separated by a blank line.  Two prune rules
(``PRUNE_XPATH``: paywall prompts, "recommended" blocks) add to trafilatura's own.

The loaders (``.html`` files) and the feed reader (pages fetched from the
web) both read pages through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Page", "read_page", "PageError"]


class PageError(ValueError):
    """The page has no article text (or cannot be parsed at all)."""


@dataclass(frozen=True)
class Page:
    """What a web page says about its article; every field but ``text`` may be ``None``."""

    text: str
    title: str | None = None
    date: str | None = None
    author: str | None = None
    url: str | None = None
    site: str | None = None
    license: str | None = None
    description: str | None = None


# trafilatura's tree of the main text (its XML output format): blocks, line breaks, inline marks
_BLOCKS = frozenset({"p", "head", "item", "quote", "code", "cell", "list", "table", "row", "div", "body"})

# Trafilatura's own rules leave these out on purpose (a class such as "paywall" or "recommended" can
# mark real content on some sites); for news they mark a subscription prompt or a block of teasers
# inside the article element more often than text, and one such sentence becomes false evidence.
PRUNE_XPATH = [
    "//*[self::div or self::section or self::aside or self::ul][contains(@class, 'paywall') or contains(@id, 'paywall')]",
    "//*[self::div or self::section or self::aside or self::ul][contains(@class, 'recommended') or contains(@id, 'recommended')]",
]


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _flat(el: Any) -> str:
    """The text of an element, ``<lb/>`` as a line end."""
    out = [el.text or ""]
    for child in el:
        out.append("\n" if child.tag == "lb" else _flat(child))
        out.append(child.tail or "")
    return "".join(out)


def _paragraphs(root: Any) -> list[str]:
    """The paragraphs of trafilatura's main-text tree: leaf blocks, split at line breaks, one line each.

    A layout table's cells (old sites put the whole story in one) give their
    paragraphs, not one ``| cell | cell |`` line.
    """
    out: list[str] = []

    def add(text: str | None) -> None:
        for line in (text or "").split("\n"):
            line = " ".join(line.split())
            if line:
                out.append(line)

    def walk(el: Any) -> None:
        if not any(child.tag in _BLOCKS for child in el.iterdescendants()):
            add(_flat(el))
            return
        add(el.text)
        for child in el:
            if child.tag in _BLOCKS:
                walk(child)
            elif child.tag != "lb":
                add(_flat(child))
            add(child.tail)

    walk(root)
    return out


def read_page(html: str | bytes, *, url: str | None = None) -> Page:
    """The article of an HTML page, its paragraphs separated by blank lines.

    ``url`` is where the page came from (used for relative canonical links
    and as the page's URL when it names none).  Raises ``PageError`` when no
    article text is found.

    >>> page = read_page('''<html><head><title>Pact | Example News</title>
    ...   <meta property="og:title" content="Russia and Cuba sign pact">
    ...   <link rel="canonical" href="https://news.example.org/2019/pact"></head>
    ...   <body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
    ...   <article><h1>Russia and Cuba sign pact</h1>
    ...   <p>Russia and Cuba signed a <b>defence</b> pact on Monday in Havana, the two governments said.</p>
    ...   <p>The agreement covers training and the supply of equipment over the next five years.</p></article>
    ...   <footer>Copyright Example News</footer></body></html>''')
    >>> page.title, page.url
    ('Russia and Cuba sign pact', 'https://news.example.org/2019/pact')
    >>> print(page.text)
    Russia and Cuba sign pact
    <BLANKLINE>
    Russia and Cuba signed a defence pact on Monday in Havana, the two governments said.
    <BLANKLINE>
    The agreement covers training and the supply of equipment over the next five years.
    """
    import trafilatura

    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    if not html.strip():
        raise PageError("page is empty")
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=True, include_images=False,
            include_links=False, favor_precision=True, deduplicate=False, prune_xpath=PRUNE_XPATH)
    except (ValueError, TypeError, AttributeError, RecursionError, LookupError) as e:  # lxml and trafilatura on soup
        raise PageError(f"cannot read the page: {' '.join(str(e).split())[:200] or type(e).__name__}") from None
    body = "\n\n".join(_paragraphs(doc.body)) if doc is not None and doc.body is not None else ""
    if not body:
        raise PageError("HTML page has no article text")
    return Page(
        text=body,
        title=_clean(doc.title),
        date=_clean(doc.date),
        author=_clean(doc.author),
        url=_clean(doc.url) or url,
        site=_clean(doc.sitename),
        license=_clean(getattr(doc, "license", None)),
        description=_clean(doc.description),
    )
