"""Commands on the actor network: analyze, path, ego, render."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from ..errors import AllianceGraphError
from ..export import write_atomic
from ..store import open_store
from .base import (
    cli,
    fmt_option,
    load_vocab,
    ontology_option,
    pipeline,
    projection_options,
    relations_value,
    sources_option,
    store_option,
)


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
@fmt_option
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
    from .. import analysis
    from ..report import format_analysis

    vocab = load_vocab(ontology_dir)
    rels = relations_value(relations)
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
            from ..datasets import treaty_or_talk

            try:
                tp = analysis.parse_period(treaty_period)
            except AllianceGraphError as e:
                raise click.BadParameter(str(e), param_hint="--treaties") from None
            t_start, t_end = tp.start or "0001-01-01", tp.end or "9999-12-31"
            treaties = treaty_or_talk(store, t_start, t_end)
    an = analysis.analyze(G, top=top or None, change=change)
    out = format_analysis(an, vocab, fmt)
    if treaties is not None:
        from ..datasets import treaty_or_talk_markdown

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
@fmt_option
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
    from .. import analysis
    from ..report import format_chains

    vocab = load_vocab(ontology_dir)
    with open_store(store_path, vocab, read_only=store_path != "memory") as store:
        G = analysis.project(store, relations=relations_value(relations), since=since, until=until,
                             min_sources=min_sources)
    a, b = analysis.resolve_actor(actor_a, vocab, G), analysis.resolve_actor(actor_b, vocab, G)
    chains = analysis.shortest_chains(G, a, b, limit=limit)
    click.echo(format_chains(chains, vocab, fmt), nl=False)


@cli.command()
@click.argument("actor", metavar="A")
@click.option("--depth", type=click.IntRange(min=1), default=1, show_default=True,
              help="How many steps out from A.")
@projection_options
@fmt_option
@store_option
@ontology_option
def ego(actor: str, depth: int, relations: tuple[str, ...], since: str | None, until: str | None,
        min_sources: int, fmt: str, store_path: str, ontology_dir: Path) -> None:
    """The neighbourhood of actor A: actors within --depth steps and the ties among them.

    \b
        alliances ego Russia --depth 2
        alliances ego VEN --format json
    """
    from .. import analysis
    from ..report import format_ego

    vocab = load_vocab(ontology_dir)
    with open_store(store_path, vocab, read_only=store_path != "memory") as store:
        G = analysis.project(store, relations=relations_value(relations), since=since, until=until,
                             min_sources=min_sources)
    a = analysis.resolve_actor(actor, vocab, G)
    click.echo(format_ego(analysis.ego_dict(analysis.ego(G, a, depth=depth)), vocab, fmt), nl=False)


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
    vocab = load_vocab(ontology_dir)
    rels = relations_value(relations)
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
