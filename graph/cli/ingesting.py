"""Commands that bring data in: ingest, build, extract, train, load, ingest-dataset."""

from __future__ import annotations

import json
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .. import snapshots
from ..errors import AllianceGraphError, InputError
from ..loaders import find_inputs
from ..model import Article, Fact
from ..store import AllianceStore, open_store
from .base import (
    InputName,
    check_model,
    cli,
    cluster_options,
    fetch_timeout_option,
    jobs_option,
    load_vocab,
    max_bytes_option,
    model_option,
    ontology_option,
    pipeline,
    plain_paths,
    progress,
    report_error,
    report_warning,
    store_option,
)

if TYPE_CHECKING:
    from ..vocab import Vocabulary


def _ingest(paths: Iterable[Path], store: AllianceStore, vocab: Vocabulary, extract: bool, max_bytes: int,
            label: str, jobs: int = 1, model: str | None = None) -> pipeline.BatchResult:
    files = find_inputs(paths)
    if not files:
        raise click.ClickException("no article or fact files found in " + ", ".join(map(str, paths)))
    errors: list[AllianceGraphError] = []
    warnings: list[str] = []
    result = pipeline.ingest_files(progress(files, label), store, vocab, extract=extract,
                                   max_bytes=max_bytes, jobs=jobs, on_error=errors.append, model=model,
                                   on_warning=warnings.append)
    for w in warnings:
        report_warning(w)
    for e in errors:
        report_error(e)
    click.echo(result.summary(), err=True)
    return result


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
    from ..feeds import is_feed_file, is_url

    if cluster and no_extract:
        raise click.ClickException("--cluster extracts facts: it cannot be used with --no-extract")
    remote = [] if cluster else [p for p in paths if is_url(p) or is_feed_file(Path(p))]
    local = [Path(p) for p in paths if p not in remote]
    for p in ([] if cluster else local) + [Path(r) for r in remote if not is_url(r)]:
        if not p.exists():
            raise click.BadParameter(f"Path '{p}' does not exist.", param_hint="'PATHS|FEED|URL...'")
    vocab = load_vocab(ontology_dir)
    check_model(model)
    ok = True
    with open_store(store_path, vocab) as store:
        if cluster:
            from ..cluster.jobs import ingest_cluster

            click.echo("Ingesting on the cluster", err=True)
            result = ingest_cluster(cluster, list(paths), store, vocab, model, max_bytes=max_bytes,
                                    task_articles=task_articles, echo=lambda m: click.echo(m, err=True),
                                    on_error=report_error)
            click.echo(result.summary(), err=True)
            ok = result.ok
        if local and not cluster:
            ok = _ingest(local, store, vocab, not no_extract, max_bytes, "Ingesting", jobs, model).ok
        if remote:
            from .feeds import read_feeds

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

    from ..builds import build_store, store_note

    named = click.get_current_context().get_parameter_source("store_path") != ParameterSource.DEFAULT
    inputs = list(paths) if named and store_path != "memory" else list(paths) or [pipeline.SEEDS_DIR]
    vocab = load_vocab(ontology_dir)
    check_model(model)
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
    from ..cluster.shards import nquads_of
    from ..loaders import load_articles
    from ..rdf import facts_to_graph

    plain = plain_paths(files, cluster)
    if out_dir is not None and (cluster is None or fmt not in ("jsonl", "nquads")):
        raise click.ClickException("--out writes shards on a cluster: use it with --cluster and --format jsonl or nquads")
    vocab = load_vocab(ontology_dir)
    check_model(model)
    errors = n_articles = n_facts = 0
    articles: list[Article] = []  # kept for Turtle only: the other formats stream in constant memory
    facts: list[Fact] = []

    def refuse(e: AllianceGraphError | str) -> None:
        nonlocal errors
        report_error(e)
        errors += 1

    if out_dir is not None:
        from ..cluster.jobs import extract_shards

        manifest = extract_shards(cluster, [str(f) for f in files], fmt, out_dir, vocab, model, max_bytes=max_bytes,
                                  task_articles=task_articles, echo=lambda m: click.echo(m, err=True), on_error=refuse)
        click.echo(f"{manifest.facts} facts from {manifest.articles} articles in {len(manifest.shards)} shards; "
                   f"wrote {out_dir / '_SUCCESS'}", err=True)
        if errors:
            sys.exit(1)
        return

    def loaded() -> Iterator[tuple[Article, list[Fact]]]:
        if cluster:
            from ..cluster.jobs import extract_records

            yield from extract_records(cluster, [str(f) for f in files], vocab, model, max_bytes=max_bytes,
                                       task_articles=task_articles, echo=lambda m: click.echo(m, err=True),
                                       on_error=refuse)
            return
        read: deque[Article] = deque()

        def each() -> Iterator[Article]:
            for path in progress(find_inputs(plain), "Extracting"):
                try:
                    arts = load_articles(path, max_bytes=max_bytes, on_error=refuse)
                except AllianceGraphError as e:
                    refuse(e)
                    continue
                for note in (n for a in arts for n in a.notes):
                    report_warning(note)
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
    from ..extract import load_model
    from ..extract.train import is_annotation_file, read_annotations, read_curated, refine
    from ..extract.train import train as fit_model
    from ..loaders import is_fact_file

    vocab = load_vocab(ontology_dir)
    files = sorted({f for p in paths for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file()})
    annotations = [f for f in files if is_annotation_file(f)]
    curated = [f for f in files if f not in set(annotations) and is_fact_file(f)]
    if not annotations and not curated:
        raise click.ClickException("no annotation or curated fact files found in " + ", ".join(map(str, paths)))
    if annotations and base:
        raise click.UsageError("--base refines a model with curated facts alone; with annotations the model is fitted anew")
    docs = read_curated(curated, vocab, correction_weight)
    if annotations:
        from ..pipeline import PROJECT_DIR

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
    from ..cluster.bulk import bulk_load, check_shards, resolve_shards

    vocab = load_vocab(ontology_dir)
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
    from ..datasets import DATASETS, load_crosswalk
    from ..datasets.catalogue import version_problem

    if dataset_version is not None and (problem := version_problem(dataset_version)) is not None:
        raise click.BadParameter(problem, param_hint="'--dataset-version'")
    vocab = load_vocab(ontology_dir)
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
                report_error(e)
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
    from ..datasets import DATASETS

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
        report_error(e)
    click.echo(f"Please cite: {info.citation}", err=True)
    if errors:
        sys.exit(1)
