"""The only place that orders the steps: files → articles/facts → store → exports.

Functions take plain iterables so the CLI can wrap them in progress bars;
errors of single files are collected, never raised, so the batch goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .datasets import LoadReport
from .errors import AllianceGraphError, InputError
from .export import write_atomic
from .loaders import DEFAULT_MAX_BYTES, _ArticleCache, is_article_file, is_fact_file, load_articles, load_facts
from .model import Article, Fact
from .store import AllianceStore
from .vocab import Vocabulary

__all__ = ["BatchResult", "ingest_files", "extract_articles", "build_exports", "project_graph", "render_page",
           "render_store_html",
           "ingest_dataset", "PROJECT_DIR", "SEEDS_DIR"]

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_DIR / "seeds"


@dataclass
class BatchResult:
    """What a batch did: counts, and one error per file that added nothing."""

    files: int = 0
    articles: int = 0
    facts: int = 0
    claims: int = 0
    errors: list[AllianceGraphError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        bad = f", {len(self.errors)} file{'s' if len(self.errors) != 1 else ''} refused" if self.errors else ""
        return f"{self.files} files, {self.articles} articles, {self.facts} facts, {self.claims} claims written{bad}"


def extract_articles(articles: Iterable[Article], vocab: Vocabulary) -> list[Fact]:
    """Run the extractor over articles (in this process)."""
    from .extract import extract

    out: list[Fact] = []
    for a in articles:
        out.extend(extract(a, vocab))
    return out


def ingest_files(files: Iterable[Path], store: AllianceStore, vocab: Vocabulary, *, extract: bool = True,
                 max_bytes: int = DEFAULT_MAX_BYTES,
                 on_error: Callable[[AllianceGraphError], None] | None = None) -> BatchResult:
    """Load each file and write what it holds, one article per transaction.

    A file with an error adds nothing; its error is recorded (and passed to
    ``on_error``) and the batch goes on.
    """
    from .extract import extract as run_extract

    result = BatchResult()
    cache = _ArticleCache(max_bytes)
    for path in files:
        result.files += 1
        try:
            if is_fact_file(path):
                pairs = load_facts(path, vocab, max_bytes=max_bytes, _cache=cache)
                by_article: dict[str, tuple[Article, list[Fact]]] = {}
                for article, fact in pairs:
                    by_article.setdefault(article.id, (article, []))[1].append(fact)
                for article, facts in by_article.values():
                    result.claims += store.write_article(article, facts)
                    result.facts += len(facts)
            elif is_article_file(path):
                for article in load_articles(path, max_bytes=max_bytes):
                    facts = run_extract(article, vocab) if extract else []
                    result.claims += store.write_article(article, facts, replace_extracted=extract)
                    result.articles += 1
                    result.facts += len(facts)
            else:
                raise InputError(path, f"not an article or fact file (suffix {path.suffix or 'none'!r})")
        except AllianceGraphError as e:
            result.errors.append(e)
            if on_error:
                on_error(e)
    return result


def project_graph(store: AllianceStore, *, relations: Sequence[str] | None = None, since: str | None = None,
                  until: str | None = None, min_sources: int = 1) -> Any:
    """The actor graph (an ``nx.MultiDiGraph``) the page draws: ``analysis.project`` with blocs and centrality."""
    from . import analysis

    G = analysis.project(store, relations=relations, since=since, until=until, min_sources=min_sources)
    analysis.annotate(G)
    return G


def render_page(store: AllianceStore, *, title: str = "Alliance graph", focus: str | None = None, depth: int = 1,
                relations: Sequence[str] | None = None, since: str | None = None, until: str | None = None,
                min_sources: int = 1, max_nodes: int | None = None) -> str:
    """The interactive page for the store, filtered like ``project_graph``."""
    from .render import DEFAULT_MAX_NODES, render_html

    vocab = store.vocab
    G = project_graph(store, relations=relations, since=since, until=until, min_sources=min_sources)
    if focus is not None:  # any name the ontology knows (Moscow, the Kremlin), as in `alliances ego`
        from .analysis import resolve_actor

        focus = resolve_actor(focus, vocab, G)
    filters = []
    if relations:
        filters.append("relations: " + ", ".join(vocab.relation(r).label for r in relations))
    if since:
        filters.append(f"since {since}")
    if until:
        filters.append(f"until {until}")
    if min_sources > 1:
        filters.append(f"at least {min_sources} sources per link")
    note = ("Filtered: " + "; ".join(filters) + ".") if filters else None
    return render_html(G, vocab, title=title, focus=focus, depth=depth, note=note,
                       max_nodes=DEFAULT_MAX_NODES if max_nodes is None else max_nodes or None)


render_store_html = render_page  # the first version's name


def build_exports(store: AllianceStore, out_dir: Path) -> list[Path]:
    """Write ``alliances.ttl``, ``alliances.html`` and ``report.md`` into ``out_dir``.

    Everything is computed in memory first and written last, each file
    atomically, so a failure leaves the previous exports intact.
    """
    from .report import report_markdown

    turtle = store.export("turtle")
    html = render_page(store)
    report = report_markdown(store)
    written = []
    for name, content in (("alliances.ttl", turtle), ("alliances.html", html), ("report.md", report)):
        path = out_dir / name
        write_atomic(path, content)
        written.append(path)
    return written


def ingest_dataset(path: Path, dataset: str, store: AllianceStore, vocab: Vocabulary, *,
                   version: str | None = None) -> tuple[int, LoadReport]:
    """Read a COW or ATOP file and replace that dataset's claims in the store (one transaction).

    Returns the claims written and the report of rows left out (malformed,
    unmapped codes, actors missing from the ontology).
    """
    from .datasets import dataset_iri, dataset_triples, load_crosswalk, read_dataset, spell_triples

    spells, report = read_dataset(path, dataset, vocab, load_crosswalk(vocab.directory), version=version)
    triples = dataset_triples(dataset, report.version, Path(path).name)
    for spell in spells:
        triples.extend(spell_triples(spell, vocab))
    claims = store.write_dataset(dataset_iri(dataset, report.version), triples)
    return claims, report
