"""The only place that orders the steps: files → articles/facts → store → exports.

Functions take plain iterables so the CLI can wrap them in progress bars;
errors of single files are collected, never raised, so the batch goes on.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .datasets import LoadReport
from .errors import AllianceGraphError, InputError, StoreFull
from .export import write_atomic
from .loaders import DEFAULT_MAX_BYTES, _ArticleCache, is_article_file, is_fact_file, load_articles, load_facts
from .model import Article, Fact
from .store import AllianceStore
from .terms import SEEDS_DIR
from .vocab import Vocabulary

__all__ = ["BatchResult", "Extractor", "ingest_files", "extract_articles", "build_exports", "project_graph",
           "render_page", "ingest_dataset", "ingest_event_files", "PROJECT_DIR", "SEEDS_DIR"]

PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass
class BatchResult:
    """What a batch did: counts, and one error per file that added nothing."""

    files: int = 0
    articles: int = 0
    facts: int = 0
    claims: int = 0  # claims written; after ``counted``, what the store gained
    errors: list[AllianceGraphError] = field(default_factory=list)
    in_store: int | None = None  # claims in the store afterwards (``counted``)
    stopped: bool = False  # a write met a full disk: the files after it were not read

    @property
    def ok(self) -> bool:
        return not self.errors

    def counted(self, store: AllianceStore, before: int) -> BatchResult:
        """Count the store's claims now: ``claims`` becomes what it gained since it held ``before``.

        Facts and claims differ: a curated fact replaces the extracted claim
        it matches, a rejected one is kept as a rejected claim, and the same
        fact from two lines of one article is one claim.
        """
        self.in_store = store.count_claims()
        self.claims = self.in_store - before
        return self

    def summary(self) -> str:
        """One line: what was read and what the store holds now.

        >>> BatchResult(files=2, articles=1, facts=35, claims=18, in_store=18).summary()
        '2 files, 1 articles, 35 facts; 18 claims in the store (+18)'
        """
        bad = f", {len(self.errors)} refused" if self.errors else ""
        bad += "; stopped: the disk is full" if self.stopped else ""
        read = f"{self.files} files, {self.articles} articles, {self.facts} facts"
        if self.in_store is None:
            return f"{read}, {self.claims} claims written{bad}"
        return f"{read}; {self.in_store} claims in the store ({self.claims:+d}){bad}"


class Extractor:
    """Maps :func:`graph.extract.extract` over articles, here or in ``jobs`` processes.

    ``submit`` returns a future; ``map`` yields one list of facts per article
    in input order, whatever the number of processes.  Use it as a context
    manager so the process pool is shut down.
    """

    def __init__(self, vocab: Vocabulary, jobs: int = 1, chunk: int = 8, model: str | None = None) -> None:
        self.vocab = vocab
        self.model = model
        self.jobs = max(1, jobs)
        self.chunk = max(1, chunk)
        self._pool: ProcessPoolExecutor | None = None
        if self.jobs > 1:
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_worker_init, initargs=(vocab, model, os.getpid()))

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def submit(self, articles: list[Article]) -> Future[list[list[Fact]]]:
        """Extract from ``articles`` (one list of facts each), in the pool when there is one."""
        if self._pool is not None:
            return self._pool.submit(_worker_extract, articles)
        from .extract import extract_many

        done: Future[list[list[Fact]]] = Future()
        try:
            done.set_result(extract_many(articles, self.vocab, model=self.model))
        except Exception as e:  # handed to whoever asks for the result, as a pool would
            done.set_exception(e)
        return done

    def map(self, articles: Iterable[Article]) -> Iterator[list[Fact]]:
        """One list of facts per article, in input order."""
        pending: deque[Future[list[list[Fact]]]] = deque()
        batch: list[Article] = []
        window = 2 * self.jobs
        for article in articles:
            batch.append(article)
            if len(batch) >= self.chunk:
                pending.append(self.submit(batch))
                batch = []
                while len(pending) > window:
                    yield from pending.popleft().result()
        if batch:
            pending.append(self.submit(batch))
        while pending:
            yield from pending.popleft().result()


_WORKER_VOCAB: Vocabulary | None = None
_WORKER_MODEL: str | None = None


def _worker_init(vocab: Vocabulary, model: str | None = None,
                 parent: int | None = None) -> None:  # pragma: no cover - runs in worker processes
    """Set up one extraction worker: die with the parent, one thread of maths, pipeline loaded up front.

    ``parent`` is the pid of the process that started the pool: when it is
    already gone (it died before the kernel was asked), the worker exits.
    Numeric libraries keep to one thread each, so N workers use N cores
    rather than fighting over them.
    """
    import os
    import signal

    from .sandbox import die_with_parent

    global _WORKER_VOCAB, _WORKER_MODEL
    die_with_parent(signal.SIGKILL)
    if parent is not None and os.getppid() != parent:
        os._exit(1)
    _WORKER_VOCAB = vocab
    _WORKER_MODEL = model
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    from .extract import extract_many

    extract_many([], vocab, model=model)  # load spaCy, the rules and the model now, in parallel with the others


def _worker_extract(articles: list[Article]) -> list[list[Fact]]:  # pragma: no cover - runs in worker processes
    from .extract import extract_many

    assert _WORKER_VOCAB is not None
    return extract_many(articles, _WORKER_VOCAB, model=_WORKER_MODEL)


def extract_articles(articles: Iterable[Article], vocab: Vocabulary, *, jobs: int = 1,
                     model: str | None = None) -> list[Fact]:
    """Run the extractor over articles; ``jobs`` > 1 uses that many processes (same result, same order)."""
    with Extractor(vocab, jobs, model=model) as ex:
        return [fact for facts in ex.map(articles) for fact in facts]


def ingest_files(files: Iterable[Path], store: AllianceStore, vocab: Vocabulary, *, extract: bool = True,
                 max_bytes: int = DEFAULT_MAX_BYTES, jobs: int = 1,
                 on_error: Callable[[AllianceGraphError], None] | None = None, model: str | None = None,
                 on_warning: Callable[[str], None] | None = None) -> BatchResult:
    """Load each file and write what it holds, one article per transaction.

    A file with an error adds nothing (a bad line of a ``.jsonl`` file: that
    line alone); its error is recorded (and passed to ``on_error``) and the
    batch goes on.  Warnings about articles that are kept (a date that is
    not one) go to ``on_warning``.  With ``jobs`` > 1 extraction runs
    in that many processes while files are read and written here, in order.
    """
    result = BatchResult()
    before = store.count_claims()
    cache = _ArticleCache(max_bytes)
    # what is waiting to be written, in input order: (path, article, facts or a future of them)
    pending: deque[tuple[Path, list[tuple[Article, list[Fact]]] | None, list[Article], Future[list[list[Fact]]] | None]] = deque()

    def record(e: AllianceGraphError) -> None:
        result.errors.append(e)
        if on_error:
            on_error(e)

    def write_oldest() -> None:
        _path, curated, articles, future = pending.popleft()
        try:
            if curated is not None:
                for article, facts in curated:
                    result.claims += store.write_article(article, facts)
                    result.facts += len(facts)
                return
            found = future.result() if future is not None else [[] for _ in articles]
            for article, facts in zip(articles, found, strict=True):
                result.claims += store.write_article(article, facts, replace_extracted=extract)
                result.articles += 1
                result.facts += len(facts)
        except StoreFull as e:  # nothing more can be written: stop here, on this one line
            record(e)
            result.stopped = True
            pending.clear()
        except AllianceGraphError as e:
            record(e)

    with Extractor(vocab, jobs if extract else 1, model=model) as extractor:
        for path in files:
            if result.stopped:
                break
            result.files += 1
            try:
                if is_fact_file(path):
                    pairs = load_facts(path, vocab, max_bytes=max_bytes, _cache=cache)
                    by_article: dict[str, tuple[Article, list[Fact]]] = {}
                    for article, fact in pairs:
                        by_article.setdefault(article.id, (article, []))[1].append(fact)
                    pending.append((path, list(by_article.values()), [], None))
                elif is_article_file(path):
                    articles = load_articles(path, max_bytes=max_bytes, on_error=record)
                    for note in (n for a in articles for n in a.notes):
                        if on_warning:
                            on_warning(note)
                    pending.append((path, None, articles, extractor.submit(articles) if extract else None))
                else:
                    raise InputError(path, f"not an article or fact file (suffix {path.suffix or 'none'!r})")
            except AllianceGraphError as e:
                record(e)
            while len(pending) > 2 * extractor.jobs:
                write_oldest()
        while pending:
            write_oldest()
    return result.counted(store, before)


def project_graph(store: AllianceStore, *, relations: Sequence[str] | None = None, since: str | None = None,
                  until: str | None = None, min_sources: int = 1, sources: str = "all") -> Any:
    """The actor graph (an ``nx.MultiDiGraph``) the page draws: ``analysis.project`` with blocs and centrality."""
    from . import analysis

    G = analysis.project(store, relations=relations, since=since, until=until, min_sources=min_sources,
                         sources=sources)
    analysis.annotate(G)
    return G


def render_page(store: AllianceStore, *, title: str = "Alliance graph", focus: str | None = None, depth: int = 1,
                relations: Sequence[str] | None = None, since: str | None = None, until: str | None = None,
                min_sources: int = 1, max_nodes: int | None = None, sources: str = "all") -> str:
    """The interactive page for the store, filtered like ``project_graph``."""
    from .render import DEFAULT_MAX_NODES, render_html

    vocab = store.vocab
    G = project_graph(store, relations=relations, since=since, until=until, min_sources=min_sources, sources=sources)
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
    if sources != "all":
        filters.append(f"sources: {sources}")
    note = ("Filtered: " + "; ".join(filters) + ".") if filters else None
    return render_html(G, vocab, title=title, focus=focus, depth=depth, note=note,
                       max_nodes=DEFAULT_MAX_NODES if max_nodes is None else max_nodes or None)



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


def ingest_event_files(paths: Iterable[Path], dataset: str, store: AllianceStore, *, version: str | None = None,
                       on_error: Callable[[AllianceGraphError], None] | None = None,
                       on_progress: Callable[..., None] | None = None) -> list[Any]:
    """Stream GDELT, POLECAT or ICEWS files into the store, one after the other.

    Returns one ``EventReport`` per file read; a file that cannot be used is
    passed to ``on_error`` (or raised when there is none) and the others go on.
    Repeats collapse across the files of one call.
    """
    from .datasets.event_claims import RunClaims, ingest_events

    made = RunClaims()
    reports = []
    for path in paths:
        try:
            reports.append(ingest_events(path, dataset, store, version=version, made=made, on_progress=on_progress))
        except AllianceGraphError as e:
            if on_error is None:
                raise
            on_error(e)
            if isinstance(e, StoreFull):  # nothing more can be written: the other files are not read
                break
    return reports
