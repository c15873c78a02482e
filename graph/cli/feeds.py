"""``alliances watch`` and the feed/URL part of ``alliances ingest`` (see ``graph.feeds``)."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..model import Article
from ..store import AllianceStore, open_store
from .base import (
    check_model,
    cli,
    fetch_timeout_option,
    load_vocab,
    max_bytes_option,
    model_option,
    ontology_option,
    report_error,
    store_option,
)

if TYPE_CHECKING:
    from ..vocab import Vocabulary

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNIT = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}


def parse_duration(text: str) -> float:
    """Seconds in ``15m``, ``30s``, ``1.5h``, ``500ms`` or a plain number of seconds.

    >>> parse_duration("15m"), parse_duration("2h"), parse_duration("0.5s"), parse_duration("90")
    (900.0, 7200.0, 0.5, 90.0)
    """
    m = _DURATION.match(text)
    if not m:
        raise click.BadParameter(f"{text!r} is not a duration such as 30s, 15m or 1h", param_hint="'--every'")
    return float(m.group(1)) * _UNIT[m.group(2)]


def _line(article: Article, facts: int) -> str:
    return f"{article.date or '-'}\t{facts} facts\t{article.title or '(untitled)'}\t{article.source or article.path}"


def read_feeds(sources: list[str], store: AllianceStore, vocab: Vocabulary, *, extract: bool, max_bytes: int,
               timeout: float, model: str | None, echo_new: bool = False, seen: set[str] | None = None) -> bool:
    """Ingest feeds and URLs; errors on stderr, one line each; the summary on stderr.  True when no error."""
    from ..feeds import FeedResult, Reader
    from ..fetch import Fetcher

    result = FeedResult()
    on_new = (lambda a, n: click.echo(_line(a, n))) if echo_new else None
    with Fetcher(timeout=timeout, max_bytes=max_bytes) as fetcher, \
            Reader(store, vocab, fetcher, extract=extract, model=model, seen=seen) as reader:
        for source in sources:
            reader.read(source, result, on_new)
    for note in (n for article, _ in result.new for n in article.notes):  # a date that was not one
        click.echo(f"Warning: {note}", err=True)
    for e in result.errors:
        report_error(e)
    click.echo(result.summary(), err=True)
    return not result.errors


@cli.command()
@click.argument("feeds", nargs=-1, required=True, metavar="FEED|URL...")
@click.option("--every", default="15m", show_default=True, help="Time between polls: 30s, 15m, 1h, …")
@click.option("--max-polls", type=click.IntRange(min=1), default=None,
              help="Stop after this many polls (default: poll until stopped).")
@click.option("--no-extract", is_flag=True, help="Store articles without extracting facts from their text.")
@fetch_timeout_option
@store_option
@ontology_option
@max_bytes_option
@model_option
def watch(feeds: tuple[str, ...], every: str, max_polls: int | None, no_extract: bool, timeout: float, store_path: str,
          ontology_dir: Path, max_bytes: int, model: str | None) -> None:
    """Poll RSS/Atom feeds and ingest new entries until stopped (Ctrl-C).

    Each poll reads every FEED (a URL or a file) and ingests the entries
    not yet in the store, as `alliances ingest FEED` does, printing one line
    per new article on stdout: date, facts found, title, URL.  A feed that
    fails is reported on stderr and polled again next time.  The store is
    opened for each poll only, so other commands can use it in between.

    \b
        alliances watch https://example.org/world/rss.xml --every 15m
        alliances watch feeds/a.xml https://example.org/atom --every 30s --max-polls 4
    """
    import signal

    from ..feeds import is_url, polls

    interval = parse_duration(every)
    for f in feeds:
        if not is_url(f) and not Path(f).is_file():
            raise click.BadParameter(f"feed file '{f}' does not exist.", param_hint="'FEED|URL...'")
    vocab = load_vocab(ontology_dir)
    check_model(model)

    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    n = 0
    seen: set[str] = set()
    try:
        for _ in polls(interval, max_polls, time.sleep):
            n += 1
            with open_store(store_path, vocab) as store:
                read_feeds(list(feeds), store, vocab, extract=not no_extract, max_bytes=max_bytes, timeout=timeout,
                           model=model, echo_new=True, seen=seen)
            sys.stdout.flush()
    except KeyboardInterrupt:
        pass
    click.echo(f"stopped after {n} poll{'s' if n != 1 else ''}", err=True)
