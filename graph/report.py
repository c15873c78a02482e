"""Analysis results as text: aligned tables, Markdown, and the report ``alliances build`` writes.

Everything here is deterministic (sorted rows, rounded numbers, fixed
seeds upstream), so two builds of the same store give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .analysis import Analysis, Period, Step, analyze, compare, project
from .store import AllianceStore
from .vocab import Vocabulary

__all__ = ["FORMATS", "table", "format_analysis", "format_chains", "format_ego", "report_markdown", "to_json"]

FORMATS = ("table", "markdown", "json")
BLOC_MEMBERS_SHOWN = 20  # members listed per bloc in text (JSON lists all)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str = "table") -> str:
    """Rows as an aligned plain-text table or a Markdown table.

    >>> print(table(["a", "bb"], [[1, "x"], [22, "yyy"]]))
    a   bb
    --  ---
    1   x
    22  yyy
    >>> print(table(["a", "b"], [[1, "x|y"]], "markdown"))
    | a | b |
    |---|---|
    | 1 | x\\|y |
    """
    cells = [[_cell(c) for c in r] for r in rows]
    if fmt == "markdown":
        out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in cells]
        return "\n".join(out)
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = [list(headers), ["-" * w for w in widths], *cells]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    return " ".join(str(value).split())


def _sign(s: int | None) -> str:
    return {1: "+", -1: "-", 0: "0", None: ""}[s]


def _name(vocab: Vocabulary, actor: str) -> str:
    a = vocab.actors.get(actor)
    return f"{a.label} ({actor})" if a and a.label != actor else actor


def _heading(text: str, fmt: str, level: int = 2) -> str:
    return f"{'#' * level} {text}" if fmt == "markdown" else text.upper()


def format_analysis(an: Analysis, vocab: Vocabulary, fmt: str = "table", *, level: int = 2) -> str:
    """The sections of ``alliances analyze``: central actors, blocs, balance, dyads, change."""
    if fmt == "json":
        return to_json(an.as_dict())
    bloc_of = an.blocs.of()
    f = an.filters
    scope = f"{an.actors} actors, {an.dyads} related pairs, {an.ties} ties (pair and relation)"
    scope += f"; claims dated {f['period']}" if f.get("period") not in (None, "all dates") else "; all claims"
    if f.get("relations"):
        scope += "; relations " + ", ".join(f["relations"])
    if (f.get("min_sources") or 1) > 1:
        scope += f"; ties with at least {f['min_sources']} sources"
    parts = [scope + "."]

    scores = an.actor_scores[: an.top] if an.top else an.actor_scores
    parts += [_heading("Central actors", fmt, level),
              "Ranked by weighted PageRank: a directed relation passes weight from subject to object, a symmetric "
              f"one both ways, weight = supporting articles. Betweenness {an.betweenness}, with distance = 1 / support.",
              table(["rank", "actor", "kind", "degree", "ties", "pagerank", "betweenness", "bloc"],
                    [[i, _name(vocab, s.id), s.kind, s.degree, s.ties, s.pagerank, s.betweenness, bloc_of[s.id]]
                     for i, s in enumerate(scores, start=1)], fmt)]

    groups = [(i, m) for i, m in enumerate(an.blocs.members, start=1) if len(m) > 1]
    alone = sum(1 for m in an.blocs.members if len(m) == 1)
    mod = f"modularity {an.blocs.modularity:.4f}" if an.blocs.modularity is not None else "no positive ties"
    text = f"Louvain communities of the positive ties (fixed seed); {mod}."
    if alone:
        text += f" {alone} actor{'s' if alone != 1 else ''} without a bloc partner stand{'s' if alone == 1 else ''} alone."
    parts += [_heading("Blocs", fmt, level), text]
    if groups:
        pr = {s.id: s.pagerank for s in an.actor_scores}

        def members(m: list[str]) -> str:
            shown = sorted(m, key=lambda a: (-pr[a], a))[:BLOC_MEMBERS_SHOWN]
            more = len(m) - len(shown)
            return ", ".join(shown) + (f", and {more} more" if more else "")

        parts.append(table(["bloc", "size", "members (most central first)"],
                           [[i, len(m), members(m)] for i, m in (groups[: an.top] if an.top else groups)], fmt))

    b = an.balance
    parts.append(_heading("Structural balance", fmt, level))
    if b.triads:
        parts.append(f"{b.balanced} of {b.triads} signed triads are balanced (share {b.share:.4f}).")
        if b.frustrating:
            parts.append("Pairs in the most unbalanced triads:")
            parts.append(table(["actor", "actor", "sign", "unbalanced triads", "balanced triads"],
                               [[_name(vocab, x.a), _name(vocab, x.b), _sign(x.sign), x.unbalanced, x.balanced]
                                for x in b.frustrating], fmt))
    else:
        parts.append("No triad of three actors whose three pairs all have a positive or negative sign.")

    parts += [_heading("Strongest dyads", fmt, level),
              "Support = supporting articles summed over the pair's relations; "
              "'>' reads left to right, '<' right to left.",
              table(["actor", "actor", "support", "sign", "relations"],
                    [[_name(vocab, d.a), _name(vocab, d.b), d.support, _sign(d.sign), ", ".join(d.ties)]
                     for d in an.strongest], fmt)]

    if an.change is not None:
        parts.append(format_change(an, vocab, fmt, level=level))
    return "\n\n".join(parts) + "\n"


def format_change(an: Analysis, vocab: Vocabulary, fmt: str, *, level: int = 2) -> str:
    ch = an.change
    assert ch is not None
    parts = [_heading(f"Change from {ch.period_a} to {ch.period_b}", fmt, level)]
    if not ch.dyads:
        parts.append("No pair gained or lost a relation.")
        return "\n\n".join(parts)
    parts += ["Pairs whose relations changed (sign reversals first):",
              table(["actor", "actor", f"sign {ch.period_a}", f"sign {ch.period_b}", "gained", "lost"],
                    [[_name(vocab, d.a), _name(vocab, d.b), _sign(d.sign_a), _sign(d.sign_b),
                      ", ".join(d.gained), ", ".join(d.lost)] for d in ch.dyads], fmt),
              "Actors whose ties changed:",
              table(["actor", f"degree {ch.period_a}", f"degree {ch.period_b}", f"pagerank {ch.period_a}",
                     f"pagerank {ch.period_b}", "gained", "lost"],
                    [[_name(vocab, a.id), a.degree_a, a.degree_b, a.pagerank_a, a.pagerank_b, a.gained, a.lost]
                     for a in ch.actors], fmt)]
    return "\n\n".join(parts)


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def format_chains(chains: list[list[Step]], vocab: Vocabulary, fmt: str = "table") -> str:
    """``alliances path``: each chain as its steps, with relation and evidence."""
    if fmt == "json":
        from dataclasses import asdict

        return to_json([[asdict(s) for s in chain] for chain in chains])
    parts = []
    for i, chain in enumerate(chains, start=1):
        hops = len(chain)
        head = f"Chain {i}: " + " - ".join([chain[0].source] + [s.target for s in chain])
        parts.append(_heading(head + f" ({hops} step{'s' if hops != 1 else ''})", fmt, 3) if fmt == "markdown" else head)
        rows = [[n, _name(vocab, s.subject), s.relation + ("" if s.directed else " (both ways)"), _name(vocab, s.object),
                 s.sources, s.date, s.sentence] for n, s in enumerate(chain, start=1)]
        parts.append(table(["step", "subject", "relation", "object", "sources", "date", "evidence"], rows, fmt))
    return "\n\n".join(parts) + "\n"


def format_ego(data: dict[str, Any], vocab: Vocabulary, fmt: str = "table") -> str:
    """``alliances ego``: the actors around the centre, then the ties among them."""
    if fmt == "json":
        return to_json(data)
    parts = [f"{_name(vocab, data['center'])}: {len(data['actors']) - 1} actors within {data['depth']} "
             f"step{'s' if data['depth'] != 1 else ''}, {len(data['ties'])} ties among them.",
             table(["actor", "kind", "distance", "degree"],
                   [[_name(vocab, a["id"]), a["kind"], a["distance"], a["degree"]] for a in data["actors"]], fmt),
             table(["subject", "relation", "object", "sources", "first", "last", "evidence"],
                   [[t["subject"], t["relation"], t["object"], t["sources"], t["first"], t["last"], t["sentence"]]
                    for t in data["ties"]], fmt)]
    return "\n\n".join(parts) + "\n"


def _years(store: AllianceStore) -> list[str]:
    """Years in which non-rejected claims are dated (claim date, else article date)."""
    q = """SELECT DISTINCT ?y WHERE {
      ?c a ag:Claim ; prov:wasDerivedFrom ?a .
      FILTER NOT EXISTS { ?c ag:rejected true }
      OPTIONAL { ?c dcterms:date ?cd } OPTIONAL { ?a dcterms:issued ?ad }
      BIND(SUBSTR(STR(COALESCE(?cd, ?ad)), 1, 4) AS ?y) FILTER(BOUND(?y))
    }"""
    return sorted(row["y"].value for row in store.query(q))  # type: ignore[union-attr]


def report_markdown(store: AllianceStore, *, top: int = 10) -> str:
    """The full analysis report of ``alliances build`` (``exports/report.md``).

    Counts, claims per relation, central actors, blocs, balance, strongest
    dyads, and the change from all earlier years to the latest year with
    dated claims.
    """
    vocab = store.vocab
    st = store.stats()
    lines = ["# Alliance graph report", "",
             f"{st['articles']} articles, {st['claims']} claims ({st['rejected']} rejected by curators), "
             f"{st['actors']} actors.", "",
             table(["relation", "polarity", "claims"],
                   [[vocab.relation(name).label, f"{vocab.relation(name).polarity:+d}" if vocab.relation(name).polarity
                     else "0", n] for name, n in dict(st["relations"]).items()],  # type: ignore[call-overload]
                   "markdown"), ""]
    G = project(store)
    change = None
    years = _years(store)
    if len(years) >= 2:
        before, last = Period.between(None, years[-2]), Period.between(years[-1], years[-1])
        change = compare(project(store, period=before), project(store, period=last),
                         label_a=before.label, label_b=last.label, top=top)
    an = analyze(G, top=top, change=change)
    lines.append(format_analysis(an, vocab, "markdown"))
    if change is None:
        lines += ["## Change over time", "",
                  f"All dated claims fall in {years[0]}; nothing to compare yet." if years
                  else "No claim is dated; nothing to compare.", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
