"""The ``alliances`` command: parse, call the library, print.  One error boundary."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__, pipeline
from .errors import AllianceGraphError
from .export import write_atomic
from .loaders import DEFAULT_MAX_BYTES, find_inputs
from .store import EXPORT_FORMATS, AllianceStore, open_store
from .vocab import ONTOLOGY_DIR, Vocabulary, load_vocabulary

F = TypeVar("F", bound=Callable[..., Any])


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


def _progress(items: list[Path], label: str) -> Iterator[Path]:
    with click.progressbar(items, label=label, file=sys.stderr,
                           item_show_func=lambda p: str(p) if p else None) as bar:
        yield from bar


def _report_error(e: AllianceGraphError) -> None:
    click.echo(f"Error: {e}", err=True)


def _vocab(ontology_dir: Path) -> Vocabulary:
    return load_vocabulary(ontology_dir)


def _ingest(paths: Iterable[Path], store: AllianceStore, vocab: Vocabulary, extract: bool, max_bytes: int,
            label: str) -> pipeline.BatchResult:
    files = find_inputs(paths)
    if not files:
        raise click.ClickException("no article or fact files found in " + ", ".join(map(str, paths)))
    errors: list[AllianceGraphError] = []
    result = pipeline.ingest_files(_progress(files, label), store, vocab, extract=extract,
                                   max_bytes=max_bytes, on_error=errors.append)
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
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--no-extract", is_flag=True, help="Store articles without extracting facts from their text.")
@store_option
@ontology_option
@max_bytes_option
def ingest(paths: tuple[Path, ...], no_extract: bool, store_path: str, ontology_dir: Path, max_bytes: int) -> None:
    """Add articles and curated facts under PATHS to the store.

    Folders are read recursively.  Each article is written in one
    transaction; a bad file is reported on one line and adds nothing, the
    others are still ingested, and the exit status is 1.

    \b
        alliances ingest seeds/ news/2021/ --store .alliance-graph
    """
    vocab = _vocab(ontology_dir)
    with open_store(store_path, vocab) as store:
        result = _ingest(paths, store, vocab, not no_extract, max_bytes, "Ingesting")
    if not result.ok:
        sys.exit(1)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("exports"),
              show_default=True, help="Folder for alliances.ttl, alliances.html and report.md.")
@click.option("--no-extract", is_flag=True, help="Use curated facts only; do not extract from article text.")
@store_option
@ontology_option
@max_bytes_option
def build(paths: tuple[Path, ...], out_dir: Path, no_extract: bool, store_path: str, ontology_dir: Path,
          max_bytes: int) -> None:
    """The main job: PATHS (default: the bundled seeds) → store → exports.

    Ingests the articles and curated facts, then writes the Turtle export,
    the interactive page and the report into --out.  The same input always
    gives byte-identical files.

    \b
        alliances build                 # the bundled seeds into exports/
        alliances build news/ --out site/
    """
    vocab = _vocab(ontology_dir)
    inputs = list(paths) or [pipeline.SEEDS_DIR]
    with open_store(store_path, vocab) as store:
        result = _ingest(inputs, store, vocab, not no_extract, max_bytes, "Building")
        for path in pipeline.build_exports(store, out_dir):
            click.echo(f"wrote {path}", err=True)
    if not result.ok:
        sys.exit(1)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(sorted(EXPORT_FORMATS)), default="turtle", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (atomically) instead of stdout.")
@store_option
@ontology_option
def export(fmt: str, output: Path | None, store_path: str, ontology_dir: Path) -> None:
    """Write the graph (articles, claims, edges) as RDF.

    \b
        alliances export --format turtle -o alliances.ttl
        alliances export --format nquads | gzip > alliances.nq.gz
    """
    vocab = _vocab(ontology_dir)
    with open_store(store_path, vocab, read_only=store_path != "memory") as store:
        data = store.export(fmt)
    if output:
        write_atomic(output, data)
        click.echo(f"wrote {output}", err=True)
    else:
        click.get_binary_stream("stdout").write(data)


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
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table", "turtle"]), default="table", show_default=True)
@ontology_option
@max_bytes_option
def extract(files: tuple[Path, ...], fmt: str, ontology_dir: Path, max_bytes: int) -> None:
    """Extract facts from article FILES and print them on stdout.

    Progress and the summary go to stderr; a bad file is reported on one
    line and the others are still extracted (exit status 1).

    \b
        alliances extract news/*.txt --format jsonl > facts.jsonl
    """
    from .loaders import load_articles
    from .rdf import facts_to_graph

    vocab = _vocab(ontology_dir)
    errors = 0
    articles = []
    facts = []
    for path in _progress(find_inputs(files), "Extracting"):
        try:
            arts = load_articles(path, max_bytes=max_bytes)
        except AllianceGraphError as e:
            _report_error(e)
            errors += 1
            continue
        articles.extend(arts)
        found = pipeline.extract_articles(arts, vocab)
        facts.extend(found)
        if fmt == "jsonl":
            for fact in found:
                click.echo(json.dumps(fact.as_dict(), ensure_ascii=False))
        elif fmt == "table":
            for fact in found:
                click.echo(f"{fact.subject}\t{fact.relation}\t{fact.object}\t{fact.confidence:.2f}\t{fact.article}")
    if fmt == "turtle":
        g = facts_to_graph(articles, facts, vocab)
        click.echo(g.serialize(format="turtle"))
    click.echo(f"{len(facts)} facts from {len(articles)} articles", err=True)
    if errors:
        sys.exit(1)


def _relation_names(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> list[str] | None:
    names = [n.strip() for v in value for n in v.split(",") if n.strip()]
    return names or None


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    import re

    if value is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise click.BadParameter(f"{value!r} is not a date like 2021, 2021-06 or 2021-06-23")
    return value


@cli.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the page to this file (atomically) instead of stdout.")
@click.option("--focus", metavar="ACTOR", help="Draw only this actor (code or name) and its neighbours.")
@click.option("--depth", type=click.IntRange(min=1), default=1, show_default=True,
              help="With --focus: how many links away from the actor to go.")
@click.option("--relations", multiple=True, metavar="NAME[,NAME...]", callback=_relation_names,
              help="Only these relations (repeat or separate with commas).")
@click.option("--since", callback=_iso_date, metavar="DATE", help="Only evidence dated on or after DATE.")
@click.option("--until", callback=_iso_date, metavar="DATE", help="Only evidence dated on or before DATE.")
@click.option("--min-sources", type=click.IntRange(min=1), default=1, show_default=True,
              help="Only links supported by at least N distinct articles.")
@click.option("--max-nodes", type=click.IntRange(min=0), default=300, show_default=True,
              help="Draw at most N actors, the most central (0: all).")
@click.option("--title", default="Alliance graph", show_default=True, help="Heading and title of the page.")
@store_option
@ontology_option
def render(output: Path | None, focus: str | None, depth: int, relations: list[str] | None, since: str | None,
           until: str | None, min_sources: int, max_nodes: int, title: str, store_path: str, ontology_dir: Path) -> None:
    """Write the interactive network page: one HTML file that works offline.

    Click an actor or a link to read the sentences, articles and sources
    behind it; tick relations on and off; search for an actor.

    \b
        alliances render -o alliances.html
        alliances render --focus RUS --depth 2 --relations alliedWith,supports -o russia.html
        alliances render --since 2020 --min-sources 2 > recent.html
    """
    vocab = _vocab(ontology_dir)
    unknown = [n for n in relations or () if n not in vocab.relations]
    if unknown:
        raise click.BadParameter(f"unknown relation {unknown[0]!r}; choose from {', '.join(vocab.relations)}",
                                 param_hint="'--relations'")
    with open_store(store_path, vocab, read_only=store_path != "memory") as store:
        page = pipeline.render_page(store, title=title, focus=focus, depth=depth, relations=relations, since=since,
                                    until=until, min_sources=min_sources, max_nodes=max_nodes)
    if output:
        write_atomic(output, page)
        click.echo(f"wrote {output} ({len(page.encode('utf-8')) // 1024:,} KB)", err=True)
    else:
        click.echo(page, nl=False)


def main() -> None:  # pragma: no cover - console entry point
    cli()
