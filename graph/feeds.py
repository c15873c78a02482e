"""RSS/Atom feeds and web pages → articles in the store (``alliances ingest FEED|URL``, ``alliances watch``).

A feed (a file, or a URL answering with RSS or Atom) is parsed with
feedparser; each entry's page is fetched (``fetch.Fetcher``: bounded,
robots.txt respected) and its main text read with trafilatura
(``web.read_page``).  An entry whose page cannot be had falls back to the
text the feed itself carries (``content:encoded``, Atom ``content``), when
there is some.  A URL that answers with an HTML page is one article.

An entry already in the store is skipped before its page is fetched when
its link is an article's source there, and after when its canonical URL is,
or when its text is (the article id is the hash of the normalised text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from .errors import AllianceGraphError, InputError
from .fetch import Fetcher
from .model import Article
from .store import AllianceStore
from .vocab import Vocabulary
from .web import PageError, read_page

__all__ = ["FEED_SUFFIXES", "is_url", "is_feed_file", "FeedResult", "Reader", "parse_feed", "Entry"]

FEED_SUFFIXES = (".xml", ".rss", ".atom")


def is_url(text: str) -> bool:
    """Whether a command-line argument names a URL (anything with a scheme) rather than a path.

    >>> is_url("https://example.org/feed.xml"), is_url("file:///tmp/x"), is_url("news/feed.xml")
    (True, True, False)
    """
    scheme, sep, rest = text.partition("://")
    return bool(sep) and scheme.isalpha() and bool(rest)


def is_feed_file(path: Path) -> bool:
    return path.suffix.lower() in FEED_SUFFIXES


@dataclass(frozen=True)
class Entry:
    link: str | None
    title: str | None
    date: str | None
    author: str | None
    html: str | None  # the entry's own content, when the feed carries it


@dataclass
class FeedResult:
    """What one ingest of feeds or pages did: new articles (with their fact counts), skips, errors."""

    new: list[tuple[Article, int]] = field(default_factory=list)
    skipped: int = 0
    claims: int = 0
    errors: list[AllianceGraphError] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{len(self.new)} new articles, {sum(n for _, n in self.new)} facts, {self.claims} claims written, "
                f"{self.skipped} already in the store" + (f", {len(self.errors)} errors" if self.errors else ""))


def _date(parsed: Any) -> str | None:
    if not parsed:
        return None
    try:
        return dt.date(*parsed[:3]).isoformat()
    except (TypeError, ValueError):
        return None


def parse_feed(data: bytes, where: str) -> tuple[str | None, list[Entry]]:
    """The feed's title and entries; ``InputError`` when ``data`` is no RSS or Atom feed."""
    import feedparser

    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=True)
    if not parsed.get("version"):
        problem = parsed.get("bozo_exception")
        detail = f" ({' '.join(str(problem).split())[:120]})" if problem else ""
        raise InputError(where, f"not an RSS or Atom feed{detail}")
    entries = []
    for e in parsed.entries:
        content = e.get("content") or []
        html = content[0].get("value") if content else None
        link = e.get("link") or ""
        entries.append(Entry(link=link if link.lower().startswith(("http://", "https://")) else None,
                             title=" ".join((e.get("title") or "").split()) or None,
                             date=_date(e.get("published_parsed") or e.get("updated_parsed")),
                             author=e.get("author") or None, html=html or None))
    title = parsed.feed.get("title") if parsed.get("feed") else None
    return (" ".join(title.split()) or None) if title else None, entries


def _looks_like_feed(content_type: str, data: bytes) -> bool:
    ct = content_type.split(";")[0].strip().lower()
    if ct in ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml"):
        return True
    head = data[:512].lstrip().lower()
    return head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf:rdf")) and b"<html" not in head


class Reader:
    """Reads feeds and pages into a store; one ``Fetcher`` and one extractor for its whole life."""

    def __init__(self, store: AllianceStore, vocab: Vocabulary, fetcher: Fetcher, *, extract: bool = True,
                 model: str | None = None, seen: set[str] | None = None) -> None:
        from .pipeline import Extractor

        self.store = store
        self.vocab = vocab
        self.fetcher = fetcher
        self.extract = extract
        self._extractor = Extractor(vocab, 1, model=model) if extract else None
        # entry links already handled (new or skipped): a watch passes the same set to every poll, so an
        # entry whose canonical URL differs from its link is fetched once, not at every poll
        self.seen = seen if seen is not None else set()

    def close(self) -> None:
        if self._extractor is not None:
            self._extractor.close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- what the store has

    def _has_source(self, url: str) -> bool:
        from .rdf import _source

        term = _source(url)
        return bool(self.store.query(f"ASK {{ ?a a ag:Article ; dcterms:source {term.n3()} }}"))

    def _has_article(self, article: Article) -> bool:
        from .rdf import article_iri

        return bool(self.store.query(f"ASK {{ <{article_iri(article)}> a ag:Article }}"))

    # ----------------------------------------------------------------- reading

    def _write(self, article: Article, result: FeedResult) -> bool:
        if (article.source and self._has_source(article.source)) or self._has_article(article):
            result.skipped += 1
            return False
        facts = next(iter(self._extractor.map([article]))) if self._extractor is not None else []
        result.claims += self.store.write_article(article, facts, replace_extracted=self.extract)
        result.new.append((article, len(facts)))
        return True

    def _page_article(self, url: str, html: bytes | str, *, title: str | None = None, date: str | None = None,
                      author: str | None = None, publisher: str | None = None, where: str | None = None) -> Article:
        from .loaders import _meta

        try:
            page = read_page(html, url=url)
        except PageError as e:
            raise InputError(where or url, str(e)) from None
        meta = {"title": page.title or title, "date": page.date or date, "source": page.url or url,
                "publisher": page.site or publisher, "license": page.license, "author": page.author or author}
        fields = _meta(where or url, meta)
        if fields["date"] is None and date and meta["date"] != date:  # the page's date was not one: the feed's
            fields = _meta(where or url, {**meta, "date": date})
        return Article(path=url, text=page.text, offset=0, **fields)

    def entries(self, where: str, feed_title: str | None, entries: list[Entry], result: FeedResult,
                on_new: Callable[[Article, int], None] | None = None) -> None:
        """Ingest a feed's entries, oldest first (so a watch prints them in the order they appeared)."""
        for entry in reversed(entries):
            try:
                if entry.link and (entry.link in self.seen or self._has_source(entry.link)):
                    result.skipped += 1
                    continue
                article = self._entry_article(where, feed_title, entry)
                if self._write(article, result) and on_new:
                    on_new(*result.new[-1])
                if entry.link:
                    self.seen.add(entry.link)
            except AllianceGraphError as e:
                result.errors.append(e)

    def _entry_article(self, where: str, feed_title: str | None, entry: Entry) -> Article:
        kw = {"title": entry.title, "date": entry.date, "author": entry.author, "publisher": feed_title}
        if entry.link:
            try:
                r = self.fetcher.get(entry.link, accept="text/html,application/xhtml+xml;q=0.9,*/*;q=0.1")
                return self._page_article(entry.link, r.content, **kw)
            except InputError:
                if not entry.html:
                    raise
        if entry.html:  # the feed's own copy of the text: a fragment, made a page
            html = (f"<html><head><title>{escape(entry.title or '')}</title></head>"
                    f"<body><article>{entry.html}</article></body></html>")
            return self._page_article(entry.link or where, html, where=where, **kw)
        raise InputError(where, f"entry {entry.title or '(untitled)'!r} has neither a link nor content")

    def feed_file(self, path: Path, result: FeedResult, on_new: Callable[[Article, int], None] | None = None) -> None:
        from .loaders import DEFAULT_MAX_BYTES

        try:
            size = path.stat().st_size
            if size > max(self.fetcher.max_bytes, DEFAULT_MAX_BYTES):
                raise InputError(path, f"file is too large ({size:,} bytes)")
            data = path.read_bytes()
        except OSError as e:
            raise InputError(path, f"cannot read: {e.strerror or e}") from None
        title, entries = parse_feed(data, str(path))
        self.entries(str(path), title, entries, result, on_new)

    def url(self, url: str, result: FeedResult, on_new: Callable[[Article, int], None] | None = None) -> None:
        """A feed URL (its entries) or a page URL (one article)."""
        r = self.fetcher.get(url, accept="application/rss+xml, application/atom+xml, text/html;q=0.9, */*;q=0.5")
        if _looks_like_feed(r.content_type, r.content):
            title, entries = parse_feed(r.content, url)
            self.entries(url, title, entries, result, on_new)
            return
        try:
            if self._has_source(url):
                result.skipped += 1
                return
            article = self._page_article(url, r.content)
            if self._write(article, result) and on_new:
                on_new(*result.new[-1])
        except AllianceGraphError as e:
            result.errors.append(e)

    def read(self, source: str, result: FeedResult, on_new: Callable[[Article, int], None] | None = None) -> None:
        """One command-line argument: a URL or a feed file; errors are recorded, not raised."""
        try:
            if is_url(source):
                self.url(source, result, on_new)
            else:
                path = Path(source)
                if not path.is_file():
                    raise InputError(path, "no such feed file")
                self.feed_file(path, result, on_new)
        except AllianceGraphError as e:
            result.errors.append(e)


def polls(every: float, max_polls: int | None, sleep: Callable[[float], None]) -> Iterator[int]:
    """Poll numbers 1, 2, … with ``every`` seconds between them, ``max_polls`` of them at most."""
    n = 0
    while max_polls is None or n < max_polls:
        if n:
            sleep(every)
        n += 1
        yield n
