"""The ``alliances`` command: parse, call the library, print.  One error boundary."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__, snapshots
from .errors import AllianceGraphError, InputError
from .export import write_atomic
from .loaders import DEFAULT_MAX_BYTES, find_inputs
from .model import Article, Fact
from .store import EXPORT_FORMATS, AllianceStore, open_store
from .terms import ONTOLOGY_DIR


class _LazyModule:
    """A module imported on first attribute access."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        import importlib

        return getattr(importlib.import_module(self._name), attr)


if TYPE_CHECKING:
    from . import pipeline
    from .vocab import Vocabulary
else:  # heavy modules load when a command first uses them: `alliances query` never imports rdflib or spaCy
    pipeline = _LazyModule("graph.pipeline")

F = TypeVar("F", bound=Callable[..., Any])
GRAPH_FORMATS = ("graphml", "gexf", "csv")  # the actor network (graph/formats.py), besides the RDF formats


class AlliancesGroup(click.Group):
    """Turns library errors into ``Error: <one line>`` and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AllianceGraphError as e:
            raise click.ClickException(str(e)) from e


def store_option(f: F) -> F:
    return click.option(
        "--store", "store_path", metavar="PATH", envvar="ALLIANCE_GRAPH_STORE", default=".alliance-graph",
        show_default=True, help="Store directory, or 'memory' for a store that lives only while the command runs.",
    )(f)


def ontology_option(f: F) -> F:
    return click.option(
        "--ontology", "ontology_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path),
        default=ONTOLOGY_DIR, show_default=False, help="Folder with alliances.ttl, actors.ttl and shapes.ttl.",
    )(f)


def max_bytes_option(f: F) -> F:
    return click.option(
        "--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True,
        help="Refuse articles (and JSON Lines lines) larger than this.",
    )(f)


def fetch_timeout_option(f: F) -> F:
    return click.option(
        "--timeout", type=click.FloatRange(min=0.1), default=20.0, show_default=True,
        help="Feeds and URLs: give up on a connection or a read after this many seconds.",
    )(f)


def jobs_option(f: F) -> F:
    return click.option(
        "--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
        help="Extract in this many processes (output order stays the input order).",
    )(f)


def model_option(f: F) -> F:
    return click.option(
        "--model", "model", metavar="PATH", envvar="ALLIANCE_GRAPH_MODEL", default=None,
        help="Extractor model file (made by `alliances train`), or 'rules' for the rules alone; "
             "default: the model shipped in the package.",
    )(f)


class InputName(click.ParamType):
    """A file or folder that exists; with ``--cluster`` also a glob or an fsspec URL (checked by the job)."""

    name = "PATH"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from .cluster.inputs import is_url

        text = str(value)
        if is_url(text) or (set(text) & set("*?[") and not Path(text).exists()):
            return text
        return click.Path(exists=True, path_type=Path).convert(value, param, ctx)


def cluster_options(f: F) -> F:
    from .cluster import DEFAULT_TASK_ARTICLES

    f = click.option("--task-articles", type=click.IntRange(min=1), default=DEFAULT_TASK_ARTICLES, show_default=True,
                     help="With --cluster: about this many articles per task (JSON Lines files are cut into line ranges).")(f)
    return click.option(
        "--cluster", metavar="ADDRESS|local[:N]", default=None,
        help="Extract on a Dask cluster: a scheduler address (tcp://host:8786) or local[:N] for N local worker "
             "processes. Inputs may then also be globs and fsspec URLs (s3://…), and .jsonl.gz shards.",
    )(f)


def _plain_paths(paths: Iterable[Any], cluster: str | None) -> list[Path]:
    """The paths as local files; globs and URLs need --cluster."""
    out = []
    for p in paths:
        if not isinstance(p, Path):
            if cluster is None:
                raise click.ClickException(f"{p}: globs and URLs are read with --cluster only (or name local files)")
            continue
        out.append(p)
    return out


def _check_model(model: str | None) -> str | None:
    """Fail early, in one line, on a model file that cannot be read."""
    if model not in (None, "rules"):
        from .extract import load_model

        load_model(model)
    return model


def _progress(items: list[Path], label: str) -> Iterator[Path]:
    with click.progressbar(items, label=label, file=sys.stderr,
                           item_show_func=lambda p: str(p) if p else None) as bar:
        yield from bar


def _report_error(e: AllianceGraphError | str) -> None:
    click.echo(f"Error: {e}", err=True)


def _report_warning(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)


def _vocab(ontology_dir: Path) -> Vocabulary:
    from .vocab import load_vocabulary

    return load_vocabulary(ontology_dir)


def _ingest(paths: Iterable[Path], store: AllianceStore, vocab: Vocabulary, extract: bool, max_bytes: int,
            label: str, jobs: int = 1, model: str | None = None) -> pipeline.BatchResult:
    files = find_inputs(paths)
    if not files:
        raise click.ClickException("no article or fact files found in " + ", ".join(map(str, paths)))
    errors: list[AllianceGraphError] = []
    warnings: list[str] = []
    result = pipeline.ingest_files(_progress(files, label), store, vocab, extract=extract,
                                   max_bytes=max_bytes, jobs=jobs, on_error=errors.append, model=model,
                                   on_warning=warnings.append)
    for w in warnings:
        _report_warning(w)
    for e in errors:
        _report_error(e)
    click.echo(result.summary(), err=True)
    return result


@click.group(cls=AlliancesGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, package_name="alliance-graph")
def cli() -> None:
    """Build, query and export a knowledge graph of international alliances.

    Articles and curated facts go in (ingest, build); claims with their
    evidence sentences live in an Oxigraph store; Turtle, an interactive page
    and a report come out (build, export).
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATHS|FEED|URL...")
@click.option("--no-extract", is_flag=True, help="Store articles without extracting facts from their text.")
@fetch_timeout_option
@store_option
@ontology_option
@max_bytes_option
@jobs_option
@model_option
@cluster_options
def ingest(paths: tuple[str, ...], no_extract: bool, timeout: float, store_path: str, ontology_dir: Path,
           max_bytes: int, jobs: int, model: str | None, cluster: str | None, task_articles: int) -> None:
    """Add articles and curated facts under PATHS, RSS/Atom feeds and web pages to the store.

    Folders are read recursively.  Each article is written in one
    transaction; a bad file is reported on one line and adds nothing, the
    others are still ingested, and the exit status is 1.

    A feed (a .xml/.rss/.atom file, or an http(s) URL that answers with
    RSS or Atom) adds its entries: each entry's page is fetched and its
    main text read; entries already in the store (same URL, canonical URL
    or text) are skipped.  Any other URL is read as one article page.
    Fetching is bounded (--timeout, --max-bytes, 5 redirects), names
    itself in its User-Agent and respects robots.txt.

    \b
        alliances ingest seeds/ news/2021/ --store .alliance-graph
        alliances ingest https://example.org/world/rss.xml saved-feed.xml
        alliances ingest 's3://archive/2021/*.jsonl.gz' --cluster tcp://scheduler:8786

    With --cluster, articles are extracted by Dask workers (PATHS may then be
    globs, .jsonl.gz shards and fsspec URLs such as s3://…) and written here.
    """
    from .feeds import is_feed_file, is_url

    if cluster and no_extract:
        raise click.ClickException("--cluster extracts facts: it cannot be used with --no-extract")
    remote = [] if cluster else [p for p in paths if is_url(p) or is_feed_file(Path(p))]
    local = [Path(p) for p in paths if p not in remote]
    for p in ([] if cluster else local) + [Path(r) for r in remote if not is_url(r)]:
        if not p.exists():
            raise click.BadParameter(f"Path '{p}' does not exist.", param_hint="'PATHS|FEED|URL...'")
    vocab = _vocab(ontology_dir)
    _check_model(model)
    ok = True
    with open_store(store_path, vocab) as store:
        if cluster:
            from .cluster.jobs import ingest_cluster

            click.echo("Ingesting on the cluster", err=True)
            result = ingest_cluster(cluster, list(paths), store, vocab, model, max_bytes=max_bytes,
                                    task_articles=task_articles, echo=lambda m: click.echo(m, err=True),
                                    on_error=_report_error)
            click.echo(result.summary(), err=True)
            ok = result.ok
        if local and not cluster:
            ok = _ingest(local, store, vocab, not no_extract, max_bytes, "Ingesting", jobs, model).ok
        if remote:
            from .cli_feeds import read_feeds

            ok = read_feeds(remote, store, vocab, extract=not no_extract, max_bytes=max_bytes, timeout=timeout,
                            model=model) and ok
    if not ok:
        sys.exit(1)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("exports"),
              show_default=True, help="Folder for alliances.ttl, alliances.html and report.md.")
@click.option("--no-extract", is_flag=True, help="Use curated facts only; do not extract from article text.")
@click.option(
    "--store", "store_path", metavar="PATH", envvar="ALLIANCE_GRAPH_STORE", default=".alliance-graph",
    show_default=True, help="Without it, a new store of PATHS alone replaces the last build's store here. "
                            "Named (or $ALLIANCE_GRAPH_STORE): PATHS are added to that store; 'memory': a store "
                            "that lives only while the command runs.",
)
@ontology_option
@max_bytes_option
@jobs_option
@model_option
def build(paths: tuple[Path, ...], out_dir: Path, no_extract: bool, store_path: str, ontology_dir: Path,
          max_bytes: int, jobs: int, model: str | None) -> None:
    """The main job: the graph of exactly PATHS (default: the bundled seeds) → exports.

    Ingests the articles and curated facts into a new store, then writes the
    Turtle export, the interactive page and the report into --out.  The same
    input always gives byte-identical files.  The new store replaces the
    previous build's (.alliance-graph), so `query`, `serve` and the other
    commands read this graph; a store that `ingest` added to is never
    replaced.  With --store PATH, PATHS are added to that store instead
    (none: its exports as it is), which is how to export what `ingest` gathered.

    \b
        alliances build                 # the bundled seeds into exports/
        alliances build news/ --out site/
        alliances build --store .alliance-graph --out site/   # exports of what ingest gathered
    """
    from click.core import ParameterSource

    from .builds import build_store, store_note

    named = click.get_current_context().get_parameter_source("store_path") != ParameterSource.DEFAULT
    inputs = list(paths) if named and store_path != "memory" else list(paths) or [pipeline.SEEDS_DIR]
    vocab = _vocab(ontology_dir)
    _check_model(model)
    result = None
    with build_store(store_path, vocab, inputs, add=named) as store:
        if inputs:
            result = _ingest(inputs, store, vocab, not no_extract, max_bytes, "Building", jobs, model)
        else:
            click.echo(f"no PATHS: nothing added to {store_path}; writing its exports", err=True)
        for path in pipeline.build_exports(store, out_dir):
            click.echo(f"wrote {path}", err=True)
    click.echo(store_note(store_path, added=named), err=True)
    if result is not None and not result.ok:
        sys.exit(1)


@cli.command()
@store_option
@ontology_option
def validate(store_path: str, ontology_dir: Path) -> None:
    """Check the store against the SHACL shapes of ontology/shapes.ttl.

    Exit 0 when it conforms; exit 1 with the report on stdout when not.
    """
    from .validate import validate as run_validate

    vocab = _vocab(ontology_dir)
    with open_store(store_path, vocab, read_only=store_path != "memory") as store:
        conforms, text = run_validate(store)
    if conforms:
        click.echo("conforms: the store satisfies ontology/shapes.ttl")
    else:
        click.echo(text)
        sys.exit(1)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@store_option
@ontology_option
def stats(fmt: str, store_path: str, ontology_dir: Path) -> None:
    """Count articles, claims, actors and claims per relation."""
    vocab = _vocab(ontology_dir)
    with open_store(store_path, vocab, read_only=store_path != "memory") as store:
        st = store.stats()
    if fmt == "json":
        click.echo(json.dumps(st, indent=2, sort_keys=True))
        return
    for key in ("articles", "claims", "rejected", "actors", "triples"):
        click.echo(f"{key:<28}{st[key]:>8}")
    for name, n in dict(st["relations"]).items():  # type: ignore[call-overload]
        click.echo(f"  {name:<26}{n:>8}")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=InputName())
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table", "turtle", "nquads"]), default="table",
              show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="With --cluster: write one shard per task into this folder (--format jsonl or nquads), "
                   "then a _SUCCESS manifest, instead of printing.")
@ontology_option
@max_bytes_option
@jobs_option
@model_option
@cluster_options
def extract(files: tuple[Path, ...], fmt: str, out_dir: Path | None, ontology_dir: Path, max_bytes: int, jobs: int,
            model: str | None, cluster: str | None, task_articles: int) -> None:
    """Extract facts from article FILES and print them on stdout.

    Progress and the summary go to stderr; a bad file is reported on one
    line and the others are still extracted (exit status 1).  With --jobs N
    the articles are extracted in N processes; the output is the same.
    With --cluster the work is done by Dask workers; with --out it is
    written as shards (N-Quads shards are what `alliances load` reads).

    \b
        alliances extract news/*.txt --format jsonl > facts.jsonl
        alliances extract news/ --jobs 4 --format table
        alliances extract 'feeds/*.jsonl.gz' --cluster local:8 --format nquads --out shards/
    """
    from .cluster.shards import nquads_of
    from .loaders import load_articles
    from .rdf import facts_to_graph

    plain = _plain_paths(files, cluster)
    if out_dir is not None and (cluster is None or fmt not in ("jsonl", "nquads")):
        raise click.ClickException("--out writes shards on a cluster: use it with --cluster and --format jsonl or nquads")
    vocab = _vocab(ontology_dir)
    _check_model(model)
    errors = n_articles = n_facts = 0
    articles: list[Article] = []  # kept for Turtle only: the other formats stream in constant memory
    facts: list[Fact] = []

    def refuse(e: AllianceGraphError | str) -> None:
        nonlocal errors
        _report_error(e)
        errors += 1

    if out_dir is not None:
        from .cluster.jobs import extract_shards

        manifest = extract_shards(cluster, [str(f) for f in files], fmt, out_dir, vocab, model, max_bytes=max_bytes,
                                  task_articles=task_articles, echo=lambda m: click.echo(m, err=True), on_error=refuse)
        click.echo(f"{manifest.facts} facts from {manifest.articles} articles in {len(manifest.shards)} shards; "
                   f"wrote {out_dir / '_SUCCESS'}", err=True)
        if errors:
            sys.exit(1)
        return

    def loaded() -> Iterator[tuple[Article, list[Fact]]]:
        if cluster:
            from .cluster.jobs import extract_records

            yield from extract_records(cluster, [str(f) for f in files], vocab, model, max_bytes=max_bytes,
                                       task_articles=task_articles, echo=lambda m: click.echo(m, err=True),
                                       on_error=refuse)
            return
        read: deque[Article] = deque()

        def each() -> Iterator[Article]:
            for path in _progress(find_inputs(plain), "Extracting"):
                try:
                    arts = load_articles(path, max_bytes=max_bytes, on_error=refuse)
                except AllianceGraphError as e:
                    refuse(e)
                    continue
                for note in (n for a in arts for n in a.notes):
                    _report_warning(note)
                read.extend(arts)
                yield from arts

        with pipeline.Extractor(vocab, jobs, model=model) as extractor:
            for found in extractor.map(each()):
                yield read.popleft(), found

    for article, found in loaded():
        n_articles += 1
        n_facts += len(found)
        if fmt == "turtle":
            articles.append(article)
            facts.extend(found)
        elif fmt == "nquads":
            click.echo(nquads_of([(article, found)], vocab).decode("utf-8"), nl=False)
        elif fmt == "jsonl":
            for fact in found:
                click.echo(json.dumps(fact.as_dict(), ensure_ascii=False))
        else:
            for fact in found:
                click.echo(f"{fact.subject}\t{fact.relation}\t{fact.object}\t{fact.confidence:.2f}\t{fact.article}")
    if fmt == "turtle":
        g = facts_to_graph(articles, facts, vocab)
        click.echo(g.serialize(format="turtle"))
    click.echo(f"{n_facts} facts from {n_articles} articles", err=True)
    if errors:
        sys.exit(1)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the model (atomically).")
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), envvar="ALLIANCE_GRAPH_CORPUS",
              default=None, help="Folder of the texts that annotation files name (DOC.txt); "
                                 "default: ../shared/corpus/news beside the project.")
@click.option("--base", metavar="PATH", default=None,
              help="With curated facts only: the model to refine (default: the shipped model).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the fit (same data and seed, same file).")
@click.option("--regularisation", "-C", "c", type=click.FloatRange(min=1e-6), default=0.3, show_default=True,
              help="Inverse strength of the L2 penalty (for a refit: of the pull towards the base model).")
@click.option("--correction-weight", type=click.FloatRange(min=0.0, min_open=True), default=10.0, show_default=True,
              help="Weight of each curated fact against one annotated sentence.")
@ontology_option
def train(paths: tuple[Path, ...], output: Path, corpus: Path | None, base: str | None, seed: int, c: float,
          correction_weight: float, ontology_dir: Path) -> None:
    """Train the extractor's model on annotations and curated facts under PATHS.

    Annotation files (annotations/corpus/DOC.yaml: a corpus document id and
    its facts by character offsets) are complete: every actor pair they do
    not relate is a negative example.  Curated fact files (the YAML/CSV that
    `ingest` reads; `rejected: true` marks a wrong fact) teach the relation
    they name.  With annotations, the model is fitted anew; with curated
    facts alone, the base model is refined so that it learns them and keeps
    the rest.  Point extract, ingest or build at the result with --model.

    \b
        alliances train annotations/corpus/ my-corrections.yaml -o my.model.gz
        alliances train my-corrections.yaml -o my.model.gz      # refine the shipped model
        alliances extract news/ --model my.model.gz
    """
    from .extract import load_model
    from .extract.train import is_annotation_file, read_annotations, read_curated, refine
    from .extract.train import train as fit_model
    from .loaders import is_fact_file

    vocab = _vocab(ontology_dir)
    files = sorted({f for p in paths for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file()})
    annotations = [f for f in files if is_annotation_file(f)]
    curated = [f for f in files if f not in set(annotations) and is_fact_file(f)]
    if not annotations and not curated:
        raise click.ClickException("no annotation or curated fact files found in " + ", ".join(map(str, paths)))
    if annotations and base:
        raise click.UsageError("--base refines a model with curated facts alone; with annotations the model is fitted anew")
    docs = read_curated(curated, vocab, correction_weight)
    if annotations:
        from .pipeline import PROJECT_DIR

        folder = corpus or PROJECT_DIR.parent / "shared" / "corpus" / "news"
        docs = [*read_annotations(annotations, folder), *docs]
    if not docs:
        raise click.ClickException("no finished annotations (status: done) or curated facts to learn from")

    def progress(items: Any) -> Iterator[Any]:
        with click.progressbar(list(items), label="Reading", file=sys.stderr) as bar:
            yield from bar

    if annotations:
        model = fit_model(docs, vocab, seed=seed, c=c, progress=progress)
        how = f"fitted on {model.meta['documents']} documents, {model.meta['examples']} examples"
    else:
        start = load_model(base)
        model = refine(start, docs, vocab, c=c, progress=progress)
        how = f"refined {base or 'the shipped model'} with {len(docs)} articles' curated facts"
    digest = model.save(output)
    click.echo(f"{how}, {len(model.features)} features", err=True)
    unmatched = model.meta.get("refined", {}).get("unmatched", 0) if not annotations else 0
    if unmatched:
        click.echo(f"warning: {unmatched} curated fact(s) matched no sentence that names both actors; "
                   "they taught nothing (check their evidence and actors)", err=True)
    click.echo(f"wrote {output} (sha256 {digest[:16]})", err=True)


# --------------------------------------------------------------------------- analysis

def _date_option(value: str | None) -> str | None:
    from .periods import Period

    if value:
        try:
            Period.between(value, None)
        except AllianceGraphError as e:
            raise click.BadParameter(str(e)) from None
    return value


def _relations_option(values: tuple[str, ...]) -> list[str] | None:
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    return names or None


def projection_options(f: F) -> F:
    """--relations, --since, --until, --min-sources: which claims the analysis sees."""
    f = click.option("--min-sources", type=click.IntRange(min=1), default=1, show_default=True,
                     help="Keep only ties (pair and relation) supported by at least this many articles.")(f)
    f = click.option("--until", metavar="DATE", callback=lambda c, p, v: _date_option(v),
                     help="Only claims dated up to the end of DATE (YYYY, YYYY-MM or YYYY-MM-DD).")(f)
    f = click.option("--since", metavar="DATE", callback=lambda c, p, v: _date_option(v),
                     help="Only claims dated from the start of DATE; undated claims are left out.")(f)
    f = click.option("--relations", "relations", metavar="NAMES", multiple=True,
                     help="Only these relations (comma-separated or repeated), e.g. alliedWith,supports.")(f)
    return f


def sources_option(f: F) -> F:
    return click.option(
        "--sources", type=click.Choice(["all", "news", "dataset", "events", "treaties"]), default="all",
        show_default=True, help="Only claims from these sources: news articles, datasets (event and treaty "
                                "datasets), event datasets (GDELT, POLECAT, ICEWS) or treaty datasets (COW, ATOP).")(f)


def _fmt_option(f: F) -> F:
    return click.option("--format", "fmt", type=click.Choice(["table", "markdown", "json"]), default="table",
                        show_default=True)(f)


@cli.command()
@click.option("--format", "fmt", type=click.Choice([*sorted(EXPORT_FORMATS), *GRAPH_FORMATS]), default="turtle",
              show_default=True, help="RDF (the whole graph), or the actor network: graphml, gexf (Gephi), "
                                      "csv (nodes.csv, edges.csv, claims.csv in the folder -o names).")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Write to this file (atomically) instead of stdout; with --format csv, the folder for the three files.")
@click.option("--with-reference", is_flag=True,
              help="Also write the reference graph (relations, actors, people of ontology/): a named graph of its own "
                   "in trig, nquads and jsonld, merged in turtle and ntriples.")
@projection_options
@store_option
@ontology_option
def export(fmt: str, output: Path | None, with_reference: bool, relations: tuple[str, ...], since: str | None,
           until: str | None, min_sources: int, store_path: str, ontology_dir: Path) -> None:
    """Write the graph (articles, claims, edges) as RDF, or the actor network for Gephi, Cytoscape, pandas, R.

    TriG and N-Quads put the data in the named graph
    https://w3id.org/alliance-graph/graph/data (and, with --with-reference,
    the ontology's reference data in …/graph/reference); JSON-LD is
    compacted with the project's prefixes as its @context.

    The actor network has the actors as nodes (label, kind, bloc,
    centrality) and one edge per pair and relation (polarity, sources,
    confidence, first and last date); --relations, --since, --until and
    --min-sources choose the claims it is made of (network formats only).

    \b
        alliances export --format turtle -o alliances.ttl
        alliances export --format nquads | gzip > alliances.nq.gz
        alliances export --format gexf -o alliances.gexf        # open in Gephi
        alliances export --format csv -o network/               # nodes.csv, edges.csv, claims.csv
    """
    vocab = _vocab(ontology_dir)
    rels = _relations_option(relations)
    network = fmt in GRAPH_FORMATS
    if network and with_reference:
        raise click.UsageError(f"--with-reference applies to the RDF formats, not {fmt}")
    if not network and (rels or since or until or min_sources > 1):
        raise click.UsageError(f"--relations, --since, --until and --min-sources apply to {', '.join(GRAPH_FORMATS)} only")
    if fmt == "csv" and output is None:
        raise click.UsageError("--format csv writes three files: give the folder with -o DIR")
    if output is not None and fmt != "csv" and output.is_dir():
        raise click.UsageError(f"{output} is a folder; give a file name with -o")
    if output is not None and fmt == "csv" and output.exists() and not output.is_dir():
        raise click.UsageError(f"{output} is a file; --format csv needs a folder with -o")
    with open_store(store_path, vocab, read_only=store_path != "memory") as store:
        if network:
            from . import formats

            unknown = [n for n in rels or () if n not in vocab.relations]
            if unknown:
                raise click.BadParameter(f"unknown relation {unknown[0]!r}; choose from {', '.join(vocab.relations)}",
                                         param_hint="'--relations'")
            G = formats.actor_network(store, relations=rels, since=since, until=until, min_sources=min_sources)
            if fmt == "csv":
                assert output is not None
                files = formats.to_csv(G, vocab)
                for name, text in files.items():
                    write_atomic(output / name, text)
                click.echo(f"wrote {', '.join(str(output / n) for n in files)} "
                           f"({G.number_of_nodes()} actors, {G.number_of_edges()} edges)", err=True)
                return
            data = formats.to_graphml(G, vocab) if fmt == "graphml" else formats.to_gexf(G, vocab)
        else:
            data = store.export(fmt, with_reference=with_reference)
    if output:
        write_atomic(output, data)
        click.echo(f"wrote {output}", err=True)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


@cli.command()
@projection_options
@click.option("--compare", "compare_periods", metavar="A:B",
              help="Also show what changed from period A to period B.  Each is a year, month or day, or a range "
                   "FROM..TO with either end open: 2019:2021 (claims dated in 2019 vs in 2021), "
                   "..2020:2021.. (up to the end of 2020 vs from 2021 on), "
                   "2019-01-01..2019-06-30:2021-01..2021-06.")
@click.option("--top", type=click.IntRange(min=0), default=10, show_default=True,
              help="Rows per list (0: all).")
@sources_option
@click.option("--treaties", "treaty_period", metavar="PERIOD",
              help="Add 'Treaty or talk?' (needs COW/ATOP data, see ingest-dataset): news alliances without a "
                   "treaty, treaties in force in PERIOD (e.g. 2015..2024) that no article of PERIOD calls an "
                   "alliance, treaty partners in conflict.")
@_fmt_option
@store_option
@ontology_option
def analyze(relations: tuple[str, ...], since: str | None, until: str | None, min_sources: int,
            compare_periods: str | None, top: int, sources: str, treaty_period: str | None, fmt: str, store_path: str,
            ontology_dir: Path) -> None:
    """Central actors, blocs, structural balance, strongest pairs, change over time.

    Degree, weighted PageRank and betweenness per actor; blocs by Louvain on
    the positive ties (fixed seed); the share of balanced signed triads and
    the pairs that frustrate balance most; the pairs with most support; with
    --compare, the pairs and actors whose relations changed.

    \b
        alliances analyze --top 20
        alliances analyze --relations alliedWith,supports --format markdown
        alliances analyze --compare ..2020:2021.. --format json
    """
    from . import analysis
    from .report import format_analysis

    vocab = _vocab(ontology_dir)
    rels = _relations_option(relations)
    with open_store(store_path, vocab, read_only=store_path != "memory") as store:
        G = analysis.project(store, relations=rels, since=since, until=until, min_sources=min_sources, sources=sources,
                             evidence=False)  # the analysis reads no sentence: skip them
        change = None
        if compare_periods:
            a, sep, b = compare_periods.partition(":")
            if not sep or not a or not b:
                raise click.BadParameter("expected A:B, e.g. 2019:2021", param_hint="--compare")
            try:
                pa, pb = analysis.parse_period(a), analysis.parse_period(b)
            except AllianceGraphError as e:
                raise click.BadParameter(str(e), param_hint="--compare") from None
            if since or until:
                raise click.UsageError("--compare sets its own periods; drop --since/--until")
            change = analysis.compare(
                analysis.project(store, relations=rels, period=pa, min_sources=min_sources, sources=sources,
                                 evidence=False),
                analysis.project(store, relations=rels, period=pb, min_sources=min_sources, sources=sources,
                                 evidence=False),
                label_a=pa.label, label_b=pb.label, top=top or None)
        treaties = None
        if treaty_period:
            from .datasets import treaty_or_talk

            try:
                tp = analysis.parse_period(treaty_period)
            except AllianceGraphError as e:
                raise click.BadParameter(str(e), param_hint="--treaties") from None
            t_start, t_end = tp.start or "0001-01-01", tp.end or "9999-12-31"
            treaties = treaty_or_talk(store, t_start, t_end)
    an = analysis.analyze(G, top=top or None, change=change)
    out = format_analysis(an, vocab, fmt)
    if treaties is not None:
        from .datasets import treaty_or_talk_markdown

        if fmt == "json":
            doc = json.loads(out)
            doc["treaty_or_talk"] = {"from": t_start, "to": t_end, **dataclasses.asdict(treaties)}
            out = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        else:
            out = out.rstrip("\n") + "\n\n" + treaty_or_talk_markdown(treaties, t_start, t_end) + "\n"
    click.echo(out, nl=False)


@cli.command()
@click.argument("actor_a", metavar="A")
@click.argument("actor_b", metavar="B")
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True, help="At most this many chains.")
@projection_options
@_fmt_option
@store_option
@ontology_option
def path(actor_a: str, actor_b: str, limit: int, relations: tuple[str, ...], since: str | None, until: str | None,
         min_sources: int, fmt: str, store_path: str, ontology_dir: Path) -> None:
    """The shortest chains of relations between actors A and B.

    A and B are ids (RUS) or names the ontology knows (Russia, Moscow).
    Relations count in either direction; each step shows the best-supported
    relation between its two actors and an evidence sentence.

    \b
        alliances path Cuba "United States"
        alliances path CUB USA --relations alliedWith,supports --format json
    """
    from . import analysis
    from .report import format_chains

    vocab = _vocab(ontology_dir)
    with open_store(store_path, vocab, read_only=store_path != "memory") as store:
        G = analysis.project(store, relations=_relations_option(relations), since=since, until=until,
                             min_sources=min_sources)
    a, b = analysis.resolve_actor(actor_a, vocab, G), analysis.resolve_actor(actor_b, vocab, G)
    chains = analysis.shortest_chains(G, a, b, limit=limit)
    click.echo(format_chains(chains, vocab, fmt), nl=False)


@cli.command()
@click.argument("actor", metavar="A")
@click.option("--depth", type=click.IntRange(min=1), default=1, show_default=True,
              help="How many steps out from A.")
@projection_options
@_fmt_option
@store_option
@ontology_option
def ego(actor: str, depth: int, relations: tuple[str, ...], since: str | None, until: str | None,
        min_sources: int, fmt: str, store_path: str, ontology_dir: Path) -> None:
    """The neighbourhood of actor A: actors within --depth steps and the ties among them.

    \b
        alliances ego Russia --depth 2
        alliances ego VEN --format json
    """
    from . import analysis
    from .report import format_ego

    vocab = _vocab(ontology_dir)
    with open_store(store_path, vocab, read_only=store_path != "memory") as store:
        G = analysis.project(store, relations=_relations_option(relations), since=since, until=until,
                             min_sources=min_sources)
    a = analysis.resolve_actor(actor, vocab, G)
    click.echo(format_ego(analysis.ego_dict(analysis.ego(G, a, depth=depth)), vocab, fmt), nl=False)
def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--param")
        out[name.strip()] = value
    return out


@cli.command()
@click.argument("query_text", metavar="[QUERY | NAME]", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path),
              help="Read the query from this file ('-' for stdin).")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a query parameter (repeatable), e.g. --param actor=RUS.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "jsonl", "xml", "turtle", "ntriples"]),
              default="table", show_default=True,
              help="SELECT: table, csv, tsv, json, jsonl, xml; ASK: table, json, xml; CONSTRUCT/DESCRIBE: turtle, ntriples.")
@click.option("--list", "list_names", is_flag=True, help="List the named queries with their parameters and exit.")
@click.option("--max-rows", type=click.IntRange(min=0), default=100_000, show_default=True,
              help="Refuse a result of more rows (or triples) than this, printing nothing (0: no limit).")
@click.option("--timeout", type=click.FloatRange(min=0), default=120.0, show_default=True,
              help="Stop a query that runs longer than this many seconds, printing nothing (0: no limit).")
@store_option
@ontology_option
def query(query_text: str | None, query_file: Path | None, params: tuple[str, ...], fmt: str, list_names: bool,
          max_rows: int, timeout: float, store_path: str, ontology_dir: Path) -> None:
    """Run SPARQL over the store: QUERY text, --file F.rq, or a named query NAME.

    Prefixes ag:, actor:, article:, claim:, prov:, dcterms:, rdf:, rdfs:,
    owl:, skos:, xsd: and wd: are predeclared.  The default graph is the
    union of the data and the reference data (actors, memberships).  ASK
    prints true or false and exits 0 or 1.

    \b
        alliances query --list
        alliances query allies --param actor=RUS
        alliances query between -p a=RUS -p b=VEN --format json
        alliances query 'SELECT ?c ?e { ?c a ag:Claim ; ag:evidence ?e }' --format csv
    """
    from .query import QUERIES_DIR, NamedQuery, list_queries, load_query, parse_header, resolve_query, run_query

    queries_dir = ontology_dir / "queries" if (ontology_dir / "queries").is_dir() else QUERIES_DIR
    if list_names:
        queries = list_queries(queries_dir)
        width = max((len(q.name) for q in queries), default=0) + 2
        for q in queries:
            args = " ".join(f"[{p.usage()}]" if not p.required else p.usage() for p in q.params)
            click.echo(f"{q.name:<{width}}{args}".rstrip())
            click.echo(f"{'':<{width}}{q.summary}")
            for p in q.params:
                if p.doc:
                    click.echo(f"{'':<{width + 2}}{p.name}: {p.doc}")
        return
    if (query_text is None) == (query_file is None):
        raise click.UsageError("give either QUERY (SPARQL text or a named query) or --file F.rq")
    if query_file is not None:
        if str(query_file) == "-":
            text = sys.stdin.read()
            description, declared = parse_header(text, "<stdin>")
            named = NamedQuery("stdin", text, description, declared, "<stdin>")
        else:
            named = load_query(query_file)
    else:
        assert query_text is not None
        named = resolve_query(query_text, queries_dir)
    from .sandbox import time_limit

    def too_long() -> None:  # from the timer's thread: Oxigraph cannot be interrupted, so the process ends
        click.echo(f"Error: query stopped: it ran longer than the time limit ({timeout:g} s); "
                   "raise --timeout or ask for less", err=True)
        sys.stderr.flush()
        os._exit(1)

    with open_store(store_path, lambda: _vocab(ontology_dir), read_only=store_path != "memory") as store:
        with time_limit(timeout, too_long):  # a reader only: ending the process leaves the store as it was
            result = run_query(store, named, _parse_params(params), max_rows=max_rows)
            text = result.serialize(fmt)
    click.echo(text, nl=False)
    if result.truncated:
        click.echo(f"Error: {result.stopped_message()}", err=True)
        sys.exit(1)
    if result.kind == "ask" and not result.boolean:
        sys.exit(1)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (127.0.0.1: this machine only).")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True, help="Port (0: any free port).")
@click.option("--page", type=click.Path(dir_okay=False, path_type=Path), default=Path("exports/alliances.html"),
              show_default=True, help="The interactive page served at / (as written by 'alliances build').")
@click.option("--timeout", type=click.FloatRange(min=1), default=30.0, show_default=True,
              help="Stop a query after this many seconds.")
@click.option("--max-result-bytes", type=click.IntRange(min=1), default=64 * 1024 * 1024, show_default=True,
              help="Refuse (413) an answer larger than this.")
@click.option("--max-memory", metavar="SIZE", default=None,
              help="Address-space limit of the query engine, e.g. 2G (default: half the RAM); "
                   "a query that needs more is stopped (503) and the engine restarted.")
@click.option("--allow-federation", is_flag=True,
              help="Let queries use SERVICE to call other endpoints (refused by default: the server would "
                   "fetch any URL a client names).")
@click.option("--cors", "cors", metavar="ORIGIN", multiple=True,
              help="Let browser pages from ORIGIN (e.g. https://yasgui.example; '*': any) query the endpoint: "
                   "CORS headers and preflight answers. Repeatable; off by default.")
@click.option("--quiet", is_flag=True, help="Do not log requests on stderr.")
@store_option
def serve(host: str, port: int, page: Path, timeout: float, max_result_bytes: int, max_memory: str | None,
          allow_federation: bool, cors: tuple[str, ...], quiet: bool, store_path: str) -> None:
    """Serve the store as a read-only SPARQL 1.1 endpoint, and the page.

    SPARQL at /sparql (GET or POST; results as JSON, XML, CSV or TSV by
    Accept; CONSTRUCT and DESCRIBE as Turtle unless an RDF format is
    asked for), the interactive page at /.  Updates and SERVICE are refused.
    --cors ORIGIN lets a browser SPARQL editor on another origin use it.
    While an ingest writes the store, the endpoint answers from the latest
    snapshot the ingest published.  The query engine runs with a memory
    limit and is restarted when it dies; when it cannot be, serve exits 1.
    Stop with Ctrl-C.

    \b
        alliances serve --port 7878
        curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?c a ag:Claim }' localhost:7878/sparql
    """
    import signal

    from .sandbox import parse_size
    from .serve import Endpoint

    try:
        memory = parse_size(max_memory) if max_memory is not None else None
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="'--max-memory'") from None

    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    log = None if quiet else (lambda msg: click.echo(msg, err=True))
    with Endpoint(store_path, host=host, port=port, page=page, timeout=timeout, log=log,
                  max_result_bytes=max_result_bytes, max_memory=memory, allow_federation=allow_federation,
                  cors=cors) as ep:
        click.echo(f"serving {ep.url} (SPARQL at {ep.url}sparql, read-only); Ctrl-C to stop", err=True)
        try:
            ep.serve_forever()
        except KeyboardInterrupt:
            click.echo("stopped", err=True)
    if ep.failure:
        raise click.ClickException(ep.failure)


@cli.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="Graph Store Protocol endpoint, e.g. http://localhost:7878/store (Oxigraph), .../ds/data (Fuseki).")
@click.option("--graph", "graph_iri", metavar="IRI", help="Target named graph (default: the server's default graph).")
@click.option("--replace", is_flag=True, help="Empty the target graph first (the first chunk is sent by PUT).")
@click.option("--chunk", type=click.IntRange(min=1), default=50_000, show_default=True, help="Triples per request.")
@click.option("--user", metavar="NAME", help="Basic authentication as NAME; the password comes from "
                                             "$ALLIANCE_GRAPH_PASSWORD or is asked for.")
@click.option("--token", metavar="TOKEN", envvar="ALLIANCE_GRAPH_TOKEN",
              help="Bearer token (also $ALLIANCE_GRAPH_TOKEN). Without --user or --token: the URL's "
                   "user:password@, else ~/.netrc.")
@click.option("--verify/--no-verify", default=True, show_default=True,
              help="Read the graph back afterwards (Graph Store GET) and check every triple sent is there.")
@click.option("--retries", type=click.IntRange(min=0), default=3, show_default=True,
              help="Attempts more per request after a 5xx, 429, timeout or dropped connection (pause 1 s, 2 s, 4 s …).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=120.0, show_default=True,
              help="Seconds to wait for each answer.")
@store_option
@ontology_option
def push(endpoint: str, graph_iri: str | None, replace: bool, chunk: int, user: str | None, token: str | None,
         verify: bool, retries: int, timeout: float, store_path: str, ontology_dir: Path) -> None:
    """Upload the data graph to a SPARQL 1.1 Graph Store Protocol server.

    Sends what 'alliances export' writes, as N-Triples in chunks by POST;
    progress on stderr.  A redirect, an HTML page or any answer but 200,
    201 or 204 is an error (saying how many triples had arrived); then the
    graph is read back and every triple looked for.  Credentials are never
    printed.

    \b
        oxigraph serve --location /data/alliances --bind 127.0.0.1:7878 &
        alliances push --endpoint http://127.0.0.1:7878/store --graph https://example.org/alliances
        ALLIANCE_GRAPH_PASSWORD=… alliances push --endpoint https://kg.example.org/ds/data --user editor
    """

    from .remote import credentials_for, redact
    from .remote import push as push_graph

    vocab = _vocab(ontology_dir)
    password = None
    if user is not None and not token:
        password = os.environ.get("ALLIANCE_GRAPH_PASSWORD")
        if password is None:
            password = click.prompt(f"Password for {user}", hide_input=True, err=True)
    creds = credentials_for(endpoint, user=user, password=password, token=token)

    def progress(sent: int, total: int) -> None:
        click.echo(f"pushed {sent:,}/{total:,} triples", err=True)

    def retry(message: str) -> None:
        click.echo(f"warning: {message}", err=True)

    with open_store(store_path, vocab, read_only=store_path != "memory") as store:
        n = push_graph(store, endpoint, graph=graph_iri, replace=replace, chunk=chunk, timeout=timeout, retries=retries,
                       verify=verify, credentials=creds, on_progress=progress, on_retry=retry)
    where = f" (graph <{graph_iri}>)" if graph_iri else " (default graph)"
    checked = ", all found there when read back" if verify else ""
    click.echo(f"pushed {n:,} triples to {redact(endpoint)}{where}{checked}", err=True)


@cli.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the page to this file (atomically) instead of stdout.")
@click.option("--focus", metavar="ACTOR", help="Draw only this actor (code or name) and its neighbours.")
@click.option("--depth", type=click.IntRange(min=1), default=1, show_default=True,
              help="With --focus: how many links away from the actor to go.")
@projection_options
@click.option("--max-nodes", type=click.IntRange(min=0), default=300, show_default=True,
              help="Draw at most N actors, the most central (0: all).")
@click.option("--title", default="Alliance graph", show_default=True, help="Heading and title of the page.")
@sources_option
@store_option
@ontology_option
def render(output: Path | None, focus: str | None, depth: int, relations: tuple[str, ...], since: str | None,
           until: str | None, min_sources: int, max_nodes: int, title: str, sources: str, store_path: str,
           ontology_dir: Path) -> None:
    """Write the interactive network page: one HTML file that works offline.

    Click an actor or a link to read the sentences, articles and sources
    behind it; tick relations on and off; search for an actor.

    \b
        alliances render -o alliances.html
        alliances render --focus RUS --depth 2 --relations alliedWith,supports -o russia.html
        alliances render --since 2020 --min-sources 2 > recent.html
    """
    vocab = _vocab(ontology_dir)
    rels = _relations_option(relations)
    unknown = [n for n in rels or () if n not in vocab.relations]
    if unknown:
        raise click.BadParameter(f"unknown relation {unknown[0]!r}; choose from {', '.join(vocab.relations)}",
                                 param_hint="'--relations'")
    with open_store(store_path, vocab, read_only=store_path != "memory") as store:
        page = pipeline.render_page(store, title=title, focus=focus, depth=depth, relations=rels, since=since,
                                    until=until, min_sources=min_sources, max_nodes=max_nodes, sources=sources)
    if output:
        write_atomic(output, page)
        click.echo(f"wrote {output} ({len(page.encode('utf-8')) // 1024:,} KB)", err=True)
    else:
        click.echo(page, nl=False)



@cli.command()
@click.argument("shards", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@store_option
@ontology_option
def load(shards: tuple[Path, ...], store_path: str, ontology_dir: Path) -> None:
    """Bulk-load N-Quads SHARDS (files, or folders written by `extract --out`) into the store.

    Every shard is checked first (against the folder's _SUCCESS manifest, or
    parsed), so a bad one leaves the store as it was.  Oxigraph's bulk loader
    then writes them; the store is offline for other writers meanwhile, and
    readers (query, serve) keep the snapshot published before the load until
    the new one is published at the end.

    \b
        alliances extract news/ --cluster local --format nquads --out shards/
        alliances load shards/
    """
    from .cluster.bulk import bulk_load, check_shards, resolve_shards

    vocab = _vocab(ontology_dir)
    checked = check_shards(resolve_shards(list(shards)))
    lines = sum(s.lines or 0 for s in checked)
    with open_store(store_path, vocab) as store:
        click.echo(f"Loading {len(checked)} shards ({lines:,} lines) into {store.location}: the store is offline for "
                   "other writers until the load ends; readers keep the last published snapshot", err=True)

        def done(i: int, shard: Any) -> None:
            click.echo(f"  {i}/{len(checked)} {shard.path}", err=True)

        result = bulk_load(store, checked, on_shard=done)
        click.echo(f"loaded {result.shards} shards ({result.lines:,} lines) in {result.seconds:.1f} s; publishing a "
                   "snapshot for readers", err=True)
    pointer = None if store.location == "memory" else snapshots.read_pointer(Path(store.location))
    if pointer is not None:
        click.echo(f"published snapshot {pointer.snapshot}", err=True)


@cli.command("ingest-dataset")
@click.argument("dataset", type=click.Choice(["cow", "atop", "gdelt", "polecat", "icews"]))
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dataset-version", metavar="VERSION",
              help="Version to record (default: the file's version column or layout, else the dataset's default).")
@click.option("--strict", is_flag=True, help="Exit 1 when any row was malformed or could not be mapped (COW/ATOP).")
@store_option
@ontology_option
def ingest_dataset(dataset: str, paths: tuple[Path, ...], dataset_version: str | None, strict: bool, store_path: str,
                   ontology_dir: Path) -> None:
    """Load dataset files you downloaded: formal alliances (COW, ATOP) or coded events (GDELT, POLECAT, ICEWS).

    COW: alliance_v4.1_by_dyad.csv (or a dyad-yearly file); ATOP: a
    dyad-year file (atop5_1ddyr.csv, atop5_1dy.csv) or the member file
    (atop5_1m.csv).  State codes are mapped to ISO actors with
    ontology/cow-crosswalk.ttl; consecutive years become one claim with a
    start and an end date.  Loading the same dataset and version again
    replaces what was loaded before.

    GDELT (2.0 Events exports, 61 columns, or 1.0 daily files, 57/58
    columns), POLECAT (weekly files) and ICEWS (Dataverse files), plain,
    .gz or .zip, several at once: streamed row by row; each event whose
    code ontology/events/ maps to a relation, between two actors of the
    ontology, becomes a claim (one per actor pair, relation and source URL
    or story).  Ingesting a file again adds nothing.

    Malformed rows are reported with file and line, unmapped codes and
    actors with their counts; the rest is loaded.

    \b
        alliances ingest-dataset cow alliance_v4.1_by_dyad.csv
        alliances ingest-dataset atop atop5_1ddyr.csv --store .alliance-graph
        alliances ingest-dataset gdelt 20240101*.export.CSV.zip
        alliances ingest-dataset polecat ngec_coded_all_2024-01-01.txt.gz
    """
    from .datasets import DATASETS, load_crosswalk
    from .datasets.catalogue import version_problem

    if dataset_version is not None and (problem := version_problem(dataset_version)) is not None:
        raise click.BadParameter(problem, param_hint="'--dataset-version'")
    vocab = _vocab(ontology_dir)
    info = DATASETS[dataset]
    if info.kind == "event":
        _ingest_events(dataset, paths, dataset_version, store_path, vocab)
        return
    left_out = refused = 0
    with open_store(store_path, vocab) as store:
        for path in paths:
            try:
                claims, report = pipeline.ingest_dataset(path, dataset, store, vocab, version=dataset_version)
            except InputError as e:  # this file alone: the others are still loaded
                _report_error(e)
                refused += 1
                continue
            for e in report.errors:
                click.echo(f"skipped {e}", err=True)
            for line in report.unmapped_lines(load_crosswalk(ontology_dir)):
                click.echo(f"unmapped {line}", err=True)
            left_out += len(report.errors) + sum(report.unmapped.values()) + sum(report.missing_actors.values())
            click.echo(f"{path}: {report.rows} rows, {claims} treaty claims written ({info.title} {report.version}), "
                       f"{len(report.errors)} malformed rows, {sum(report.unmapped.values())} unmapped", err=True)
    click.echo(f"Please cite: {info.citation}", err=True)
    if refused or (strict and left_out):
        sys.exit(1)


def _top(counts: Any, n: int = 10) -> str:
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    text = "; ".join(f"{k} {v:,}" for k, v in items[:n])
    return text + (f"; … {len(items) - n:,} more" if len(items) > n else "")


def _ingest_events(dataset: str, paths: tuple[Path, ...], version: str | None, store_path: str,
                   vocab: Vocabulary) -> None:
    from .datasets import DATASETS

    info = DATASETS[dataset]
    errors: list[AllianceGraphError] = []
    bars: dict[str, Any] = {}

    def progress(report: Any, done: int, total: int) -> None:
        bar = bars.get(report.path)
        if bar is None:
            bar = bars[report.path] = click.progressbar(
                length=max(total, 1), label=Path(report.path).name, file=sys.stderr,
                item_show_func=lambda r: f"{r.rows:,} rows, {r.rate:,.0f} rows/s" if r else None)
            bar.__enter__()
        bar.current_item = report
        bar.update(max(0, done - bar.pos))
        if done >= total:
            bar.__exit__(None, None, None)

    with open_store(store_path, vocab) as store:
        reports = pipeline.ingest_event_files(paths, dataset, store, version=version, on_error=errors.append,
                                              on_progress=progress)
    for bar in bars.values():
        if not bar.finished:
            bar.__exit__(None, None, None)
    for r in reports:
        for e in r.errors:
            click.echo(f"skipped {e}", err=True)
        if r.malformed > len(r.errors):
            click.echo(f"skipped … and {r.malformed - len(r.errors):,} more malformed rows of {r.path}", err=True)
        if r.unmapped:
            click.echo(f"unmapped codes in {r.path}: {_top(r.unmapped)}", err=True)
        if r.not_actors:
            click.echo(f"not actors of the ontology in {r.path}: {_top(r.not_actors)}", err=True)
        click.echo(f"{r.path}: {r.layout}: {r.rows:,} rows in {r.seconds:.1f} s ({r.rate:,.0f} rows/s), "
                   f"{r.claims:,} event claims written ({info.title} {r.version}); {r.events:,} mapped events, "
                   f"{r.collapsed:,} repeats collapsed, {r.existing:,} already in the store; left out: "
                   f"{sum(r.unmapped.values()):,} unmapped codes, {sum(r.not_actors.values()):,} actors not in the "
                   f"ontology, {r.same_actor:,} same actor on both sides, {r.malformed:,} malformed", err=True)
    for e in errors:
        _report_error(e)
    click.echo(f"Please cite: {info.citation}", err=True)
    if errors:
        sys.exit(1)


from . import cli_feeds  # noqa: E402, F401  (registers `watch` on the group above)


def main() -> None:  # pragma: no cover - console entry point
    cli()
