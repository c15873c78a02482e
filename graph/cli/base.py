"""What every ``alliances`` command shares: the group, its error boundary, options and small helpers."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .. import __version__
from ..errors import AllianceGraphError
from ..loaders import DEFAULT_MAX_BYTES
from ..terms import ONTOLOGY_DIR


class _LazyModule:
    """A module imported on first attribute access."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        import importlib

        return getattr(importlib.import_module(self._name), attr)


if TYPE_CHECKING:
    from .. import pipeline
    from ..vocab import Vocabulary
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
        from ..cluster.inputs import is_url

        text = str(value)
        if is_url(text) or (set(text) & set("*?[") and not Path(text).exists()):
            return text
        return click.Path(exists=True, path_type=Path).convert(value, param, ctx)


def cluster_options(f: F) -> F:
    from ..cluster import DEFAULT_TASK_ARTICLES

    f = click.option("--task-articles", type=click.IntRange(min=1), default=DEFAULT_TASK_ARTICLES, show_default=True,
                     help="With --cluster: about this many articles per task (JSON Lines files are cut into line ranges).")(f)
    return click.option(
        "--cluster", metavar="ADDRESS|local[:N]", default=None,
        help="Extract on a Dask cluster: a scheduler address (tcp://host:8786) or local[:N] for N local worker "
             "processes. Inputs may then also be globs and fsspec URLs (s3://…), and .jsonl.gz shards.",
    )(f)


def plain_paths(paths: Iterable[Any], cluster: str | None) -> list[Path]:
    """The paths as local files; globs and URLs need --cluster."""
    out = []
    for p in paths:
        if not isinstance(p, Path):
            if cluster is None:
                raise click.ClickException(f"{p}: globs and URLs are read with --cluster only (or name local files)")
            continue
        out.append(p)
    return out


def check_model(model: str | None) -> str | None:
    """Fail early, in one line, on a model file that cannot be read."""
    if model not in (None, "rules"):
        from ..extract import load_model

        load_model(model)
    return model


def progress(items: list[Path], label: str) -> Iterator[Path]:
    with click.progressbar(items, label=label, file=sys.stderr,
                           item_show_func=lambda p: str(p) if p else None) as bar:
        yield from bar


def report_error(e: AllianceGraphError | str) -> None:
    click.echo(f"Error: {e}", err=True)


def report_warning(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)


def load_vocab(ontology_dir: Path) -> Vocabulary:
    from ..vocab import load_vocabulary

    return load_vocabulary(ontology_dir)


@click.group(cls=AlliancesGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, package_name="alliance-graph")
def cli() -> None:
    """Build, query and export a knowledge graph of international alliances.

    Articles and curated facts go in (ingest, build); claims with their
    evidence sentences live in an Oxigraph store; Turtle, an interactive page
    and a report come out (build, export).
    """


# --------------------------------------------------------------------------- analysis

def date_value(value: str | None) -> str | None:
    from ..periods import Period

    if value:
        try:
            Period.between(value, None)
        except AllianceGraphError as e:
            raise click.BadParameter(str(e)) from None
    return value


def relations_value(values: tuple[str, ...]) -> list[str] | None:
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    return names or None


def projection_options(f: F) -> F:
    """--relations, --since, --until, --min-sources: which claims the analysis sees."""
    f = click.option("--min-sources", type=click.IntRange(min=1), default=1, show_default=True,
                     help="Keep only ties (pair and relation) supported by at least this many articles.")(f)
    f = click.option("--until", metavar="DATE", callback=lambda c, p, v: date_value(v),
                     help="Only claims dated up to the end of DATE (YYYY, YYYY-MM or YYYY-MM-DD).")(f)
    f = click.option("--since", metavar="DATE", callback=lambda c, p, v: date_value(v),
                     help="Only claims dated from the start of DATE; undated claims are left out.")(f)
    f = click.option("--relations", "relations", metavar="NAMES", multiple=True,
                     help="Only these relations (comma-separated or repeated), e.g. alliedWith,supports.")(f)
    return f


def sources_option(f: F) -> F:
    return click.option(
        "--sources", type=click.Choice(["all", "news", "dataset", "events", "treaties"]), default="all",
        show_default=True, help="Only claims from these sources: news articles, datasets (event and treaty "
                                "datasets), event datasets (GDELT, POLECAT, ICEWS) or treaty datasets (COW, ATOP).")(f)


def fmt_option(f: F) -> F:
    return click.option("--format", "fmt", type=click.Choice(["table", "markdown", "json"]), default="table",
                        show_default=True)(f)
