"""The interactive page: one self-contained HTML file drawn with vis-network.

``render_html`` takes the actor graph of ``analysis.project`` (an
``nx.MultiDiGraph``: nodes are actor ids with ``label``, ``kind``, ``bloc``
and ``centrality``; one edge per actor pair and relation, keyed by relation
name, with ``relation``, ``polarity``, ``directed``, ``sources``,
``confidence``, ``first``, ``last`` and ``evidence``) and returns the page as
a string.

The page needs nothing from the network: vis-network's script and style
(bundled with pyvis) are inlined, and a Content-Security-Policy allows only
those inline scripts (by hash), so the page cannot fetch anything nor run
script that someone slipped into an article.  Text from articles travels as
JSON inside a non-executed ``<script type="application/json">`` and reaches
the DOM only through ``textContent``.  Same graph, same bytes.

pyvis's own templates are not used: they link Bootstrap from a CDN whatever
``cdn_resources`` says, switch tooltips to ``innerHTML`` when a title contains
``href``, and do not escape ``heading=``; ``add_node`` is quadratic.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import re
from collections import deque
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
from markupsafe import Markup

from . import __version__
from .errors import AllianceGraphError, UnknownActor
from .vocab import Vocabulary

__all__ = [
    "DEFAULT_MAX_NODES",
    "MAX_EVIDENCE",
    "BLOC_COLOURS",
    "render_html",
    "page_data",
    "links",
    "neighbourhood",
    "SOURCE_KINDS",
    "json_for_script",
]

DEFAULT_MAX_NODES = 300
MAX_EVIDENCE = 20  # evidence sentences kept per link; the rest are counted
BLOC_COLOURS = ("#8dd3c7", "#fdb462", "#bebada", "#fb8072", "#80b1d3", "#b3de69",
                "#fccde5", "#ffed6f", "#bc80bd", "#ccebc5", "#d9d9d9", "#e5c494")
NO_BLOC = "#c6ccd6"
TEMPLATES = Path(__file__).resolve().parent / "templates"
EDGE_FIELDS = ("from", "to", "relation", "sources", "confidence", "first", "last", "directed", "negative")
EVIDENCE_FIELDS = ("sentence", "article", "date", "confidence", "kind")  # article: index into the articles
SOURCE_KINDS = {  # where a claim comes from → how the page names it (legend, evidence panel)
    "news": ("news article", "a sentence of an article: extracted, or curated by hand"),
    "event": ("event dataset", "coded events of GDELT, POLECAT or ICEWS, mapped by ontology/events/"),
    "treaty": ("treaty dataset", "a formal alliance coded by COW or ATOP"),
}
ARTICLE_FIELDS = ("article", "title", "source")
_HEX = re.compile(r"^#[0-9a-fA-F]{3,8}$")


# ---------------------------------------------------------------------------- assets


@functools.lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    """vis-network (shipped inside pyvis) and the page's own CSS/JS, newline-normalised."""
    vis = resources.files("pyvis") / "lib" / "vis-9.1.2"
    out = {
        "vis_js": vis.joinpath("vis-network.min.js").read_text(encoding="utf-8"),
        "vis_css": vis.joinpath("vis-network.css").read_text(encoding="utf-8"),
        "app_js": (TEMPLATES / "page.js").read_text(encoding="utf-8"),
        "page_css": (TEMPLATES / "page.css").read_text(encoding="utf-8"),
    }
    for key, text in out.items():
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        closer = "</script" if key.endswith("js") else "</style"
        if closer in text.lower():  # would end the inline element early
            raise AllianceGraphError(f"asset {key} contains {closer!r}; cannot inline it")
        out[key] = text
    return out


@functools.lru_cache(maxsize=1)
def _template() -> Any:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("page.html")


def _csp(*scripts: str) -> str:
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode('utf-8')).digest()).decode()}'"
                      for s in scripts)
    return (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; "
            "font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'")


def json_for_script(value: object) -> str:
    """JSON that is safe between ``<script>`` tags: no ``<``, ``>``, ``&``, U+2028/9.

    >>> json_for_script({"t": "</script><b>&\\u2028"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026\\\\u2028"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


# ---------------------------------------------------------------------------- graph selection


def _find_actor(G: nx.MultiDiGraph, vocab: Vocabulary, actor: str) -> str:
    if actor in G:
        return actor
    wanted = actor.strip().casefold()
    for n in sorted(G.nodes):
        if n.casefold() == wanted or str(G.nodes[n].get("label", "")).casefold() == wanted:
            return n
    known = [a.id for a in vocab.actors.values() if wanted in (a.id.casefold(), a.label.casefold())]
    if known:
        raise AllianceGraphError(f"actor {actor!r} has no links in this graph "
                                 "(check --relations, --since/--until and --min-sources)")
    raise UnknownActor(actor)


def _reach(G: nx.MultiDiGraph, actor: str, depth: int) -> set[str]:
    seen = {actor}
    frontier = deque([(actor, 0)])
    while frontier:
        n, d = frontier.popleft()
        if d >= depth:
            continue
        for m in (*G.succ[n], *G.pred[n]):
            if m not in seen:
                seen.add(m)
                frontier.append((m, d + 1))
    return seen


def neighbourhood(G: nx.MultiDiGraph, actor: str, depth: int = 1) -> nx.MultiDiGraph:
    """The actors within ``depth`` links of ``actor`` (either direction) and the links among them.

    >>> G = nx.MultiDiGraph([("A", "B", "r"), ("B", "C", "r"), ("C", "D", "r")])
    >>> sorted(neighbourhood(G, "B", 1))
    ['A', 'B', 'C']
    """
    return G.subgraph(_reach(G, actor, depth))


def _number(value: object, digits: int) -> float | None:
    t = type(value)
    if t is float:
        return round(value, digits) if value - value == 0 else None  # type: ignore[operator, call-overload]
    if t is int:
        return float(value)  # type: ignore[arg-type]
    if isinstance(value, int | float) and not isinstance(value, bool):  # numpy scalars, Decimal-free
        return _number(float(value), digits)
    return None


# ---------------------------------------------------------------------------- page data


def _date(value: object) -> str | None:
    return None if value is None else str(value)


def _evidence(items: Iterable[Mapping[str, Any]] | None) -> dict[str, Any]:
    items = list(items or ())
    kept = [{
        "sentence": str(e.get("sentence") or ""),
        "title": str(e.get("title") or ""),
        "date": _date(e.get("date")),
        "source": str(e.get("source") or ""),
        "article": str(e.get("article") or ""),
        "confidence": _number(e.get("confidence"), 3),
        "kind": _kind(e.get("kind")),
    } for e in items[:MAX_EVIDENCE]]
    return {"items": kept, "more": max(0, len(items) - MAX_EVIDENCE)}


def _kind(value: object) -> str:
    return value if isinstance(value, str) and value in SOURCE_KINDS else "news"


def _colour(value: str) -> str:
    return value if _HEX.match(value or "") else "#888888"


def search_names(vocab: Vocabulary) -> dict[str, list[str]]:
    """For each actor, the other names the page's search knows it by: aliases, demonyms, capitals, metonyms,
    leaders; the names ``path`` and ``ego`` accept (a name two actors share is left out, as they refuse it)."""
    owners: dict[str, set[str]] = {}
    spelled: dict[str, str] = {}
    for text, actor, _kind in vocab.names():
        key = " ".join(text.split()).casefold()
        owners.setdefault(key, set()).add(actor)
        spelled.setdefault(key, " ".join(text.split()))
    out: dict[str, list[str]] = {}
    for key, actors in sorted(owners.items()):
        (actor, *others) = actors
        label = vocab.actors[actor].label.casefold() if actor in vocab.actors else None
        if not others and key != label:
            out.setdefault(actor, []).append(spelled[key])
    return out


def page_data(G: nx.MultiDiGraph, vocab: Vocabulary, *, max_nodes: int | None = DEFAULT_MAX_NODES,
              focus: str | None = None, depth: int = 1) -> dict[str, Any]:
    """What the page draws, as plain JSON-able data (also what the tests inspect).

    Keeps at most ``max_nodes`` actors, the most central ones (and always
    ``focus``); ``left_out`` says how many actors and links were dropped.
    Works on the whole graph's edge list once (no subgraph views: they are
    slow to iterate).
    """
    total_nodes = G.number_of_nodes()
    focus_id = None
    pool: set[str] | None = None  # None: every actor
    if focus is not None:
        focus_id = _find_actor(G, vocab, focus)
        pool = _reach(G, focus_id, depth)
    node_attrs = G.nodes
    pool_nodes = total_nodes if pool is None else len(pool)

    # every link among the pool: (u, v, key, data); one pass, which also counts them all
    # (number_of_edges() would walk every node's degree again)
    all_edges = list(G.edges(keys=True, data=True))
    total_edges = len(all_edges)
    raw = [(u, v, k, d) for u, v, k, d in all_edges if pool is None or (u in pool and v in pool)]
    pool_edges = len(raw)
    degree: dict[str, int] = dict.fromkeys(pool if pool is not None else G.nodes, 0)
    for u, v, _, _ in raw:
        degree[u] += 1
        degree[v] += 1
    top = max(degree.values(), default=0) or 1
    centrality = {}
    for n in degree:
        c = _number(node_attrs[n].get("centrality"), 6)
        centrality[n] = c if c is not None else degree[n] / top

    truncated = max_nodes is not None and pool_nodes > max_nodes
    if truncated:
        ranked = sorted(centrality, key=lambda n: (n != focus_id, -centrality[n], n))
        keep = set(ranked[:max_nodes])
        raw = [e for e in raw if e[0] in keep and e[1] in keep]
        shown_degree = dict.fromkeys(keep, 0)
        for u, v, _, _ in raw:
            shown_degree[u] += 1
            shown_degree[v] += 1
    else:
        keep, shown_degree = set(degree), degree
    raw.sort(key=lambda e: e[:3])
    cmax = max((centrality[n] for n in keep), default=0.0) or 1.0

    nodes = []
    labels = {}
    blocs: dict[int, int] = {}
    known = search_names(vocab)
    for n in sorted(keep):
        d = node_attrs[n]
        actor = vocab.actors.get(n)
        label = labels[n] = str(d.get("label") or (actor.label if actor else n))
        kind = str(d.get("kind") or (actor.kind if actor else "State"))
        b = d.get("bloc")
        bloc = int(b) if isinstance(b, int | float) and not isinstance(b, bool) and math.isfinite(b) else None
        if bloc is not None:
            blocs[bloc] = blocs.get(bloc, 0) + 1
        colour = BLOC_COLOURS[bloc % len(BLOC_COLOURS)] if bloc is not None else NO_BLOC
        c = centrality[n]
        title = f"{label} ({n})\n{'organisation' if kind == 'Organization' else 'state'}"
        title += f" · bloc {bloc}" if bloc is not None else ""
        title += f" · centrality {c:.3f} · {shown_degree[n]} links"
        nodes.append({
            "id": n, "label": label, "kind": kind, "bloc": bloc, "centrality": round(c, 4),
            "shape": "diamond" if kind == "Organization" else "dot",
            "size": round(10 + 30 * math.sqrt(max(c, 0.0) / cmax), 2),
            "color": {"background": colour, "border": "#555555",
                      "highlight": {"background": colour, "border": "#000000"},
                      "hover": {"background": colour, "border": "#000000"}},
            "borderWidth": 3 if n == focus_id else 1,
            "title": title,
            "names": known.get(n, []),
        })

    # Links travel as compact rows (the page turns them into vis edges), evidence
    # as rows pointing into one table of articles: a 10,000-link page stays small.
    edges: list[list[Any]] = []
    evidence: list[list[Any]] = []
    articles: dict[tuple[str, str, str], int] = {}
    rel_index: dict[str, int] = {}
    rel_list = []
    kind_links = dict.fromkeys(SOURCE_KINDS, 0)
    for u, v, key, d in raw:
        name = str(d.get("relation") or key)
        r = rel_index.get(name)
        if r is None:
            rel_list.append(vocab.relation(name))
            r = rel_index[name] = len(rel_list) - 1
        rel = rel_list[r]
        polarity = d.get("polarity", rel.polarity)
        ev = list(d.get("evidence") or ())
        edges.append([u, v, r, int(d.get("sources") or len(ev) or 1), _number(d.get("confidence"), 3),
                      _date(d.get("first")), _date(d.get("last")), int(bool(d.get("directed", rel.directed))),
                      int(polarity is not None and polarity < 0)])
        rows = []
        for kind in {_kind(e.get("kind")) for e in ev}:
            kind_links[kind] += 1
        for e in ev[:MAX_EVIDENCE]:
            art = (str(e.get("article") or ""), str(e.get("title") or ""), str(e.get("source") or ""))
            i = articles.get(art)
            if i is None:
                i = articles[art] = len(articles)
            rows.append([str(e.get("sentence") or ""), i, _date(e.get("date")), _number(e.get("confidence"), 3),
                         _kind(e.get("kind"))])
        evidence.append([rows, max(0, len(ev) - MAX_EVIDENCE)])

    # relations in ontology order; rows refer to them by position
    order = [rel.name for rel in vocab.relations.values() if rel.name in rel_index]
    remap = [order.index(rel.name) for rel in rel_list]
    counts = [0] * len(order)
    for row in edges:
        row[2] = remap[row[2]]
        counts[row[2]] += 1
    relations = [{
        "name": rel.name, "label": rel.label, "comment": rel.comment, "colour": _colour(rel.colour),
        "directed": rel.directed, "negative": rel.polarity < 0, "count": counts[i],
    } for i, rel in enumerate(vocab.relation(name) for name in order)]
    n = len(nodes)
    options = {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": n <= 150},
        "physics": {
            "enabled": True, "solver": "forceAtlas2Based", "minVelocity": 1, "timestep": 0.5,
            "forceAtlas2Based": {"gravitationalConstant": -80, "centralGravity": 0.01, "springLength": 120,
                                 "springConstant": 0.08, "avoidOverlap": 0.3},
            "stabilization": {"enabled": True, "iterations": 1000 if n <= 150 else 300 if n <= 600 else 100,
                              "updateInterval": 50, "fit": True},
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": n > 300, "navigationButtons": False},
        "edges": {"smooth": False, "selectionWidth": 2, "hoverWidth": 1},
        "nodes": {"font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"}},
    }
    return {
        "version": 1,
        "edge_fields": EDGE_FIELDS, "evidence_fields": EVIDENCE_FIELDS, "article_fields": ARTICLE_FIELDS,
        "relations": relations, "nodes": nodes, "edges": edges, "evidence": evidence,
        "source_kinds": [{"name": k, "label": label, "comment": comment, "links": kind_links[k]}
                         for k, (label, comment) in SOURCE_KINDS.items()],
        "articles": [list(a) for a in articles], "options": options, "focus": focus_id, "blocs": dict(sorted(blocs.items())),
        "shown": {"nodes": n, "edges": len(edges)},
        "total": {"nodes": total_nodes, "edges": total_edges},
        "truncated": truncated,
        "left_out": {"nodes": pool_nodes - n, "edges": pool_edges - len(edges)},
    }


def links(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The link rows of ``page_data`` as dicts, with their relation name and evidence (for tests and tools)."""
    arts = [dict(zip(ARTICLE_FIELDS, a, strict=True)) for a in data["articles"]]
    out = []
    for row, (rows, more) in zip(data["edges"], data["evidence"], strict=True):
        d = dict(zip(EDGE_FIELDS, row, strict=True))
        d["relation"] = data["relations"][d["relation"]]["name"]
        d["evidence"] = [{**dict(zip(EVIDENCE_FIELDS, ev, strict=True)), **arts[ev[1]]} for ev in rows]
        d["more"] = more
        out.append(d)
    return out


def _summary(data: Mapping[str, Any]) -> str:
    n, m = data["shown"]["nodes"], data["shown"]["edges"]
    articles = {a[0] for a in data["articles"] if a[0]}
    text = f"{n:,} actor{'s' if n != 1 else ''} · {m:,} link{'s' if m != 1 else ''}"
    if articles:
        text += f" · evidence from {len(articles):,} article{'s' if len(articles) != 1 else ''}"
    return text


def render_html(G: nx.MultiDiGraph, vocab: Vocabulary, *, title: str = "Alliance graph",
                max_nodes: int | None = DEFAULT_MAX_NODES, focus: str | None = None, depth: int = 1,
                note: str | None = None) -> str:
    """The page for ``G`` as one self-contained HTML string (same graph, same bytes).

    ``max_nodes`` caps the actors drawn (the most central are kept and the
    page says what it left out; ``None`` draws all); ``focus`` draws only the
    actors within ``depth`` links of that actor (an id or a name).
    """
    data = page_data(G, vocab, max_nodes=max_nodes, focus=focus, depth=depth)
    legend, blocs = data["relations"], data["blocs"]
    notes = [note] if note else []
    if focus is not None:
        label = next(nd["label"] for nd in data["nodes"] if nd["id"] == data["focus"])
        notes.append(f"Showing {label} and the actors within {depth} link{'s' if depth != 1 else ''} of it.")
    if data["truncated"]:
        pool = data["shown"]["nodes"] + data["left_out"]["nodes"]
        notes.append(f"Showing the {data['shown']['nodes']:,} most central of {pool:,} actors: "
                     f"{data['left_out']['nodes']:,} actors and {data['left_out']['edges']:,} links left out. "
                     "Narrow the graph with --focus, --relations or --min-sources to see the rest.")
    assets = _assets()
    payload = json_for_script(data)
    actors = sorted(({"id": nd["id"], "label": nd["label"]} for nd in data["nodes"]), key=lambda a: (a["label"], a["id"]))
    page = _template().render(
        title=title, version=__version__, summary=_summary(data), note=" ".join(notes),
        example_actor=actors[0]["label"] if actors else "Russia",
        relations=legend, actors=actors, source_kinds=[k for k in data["source_kinds"] if k["links"]],
        blocs=[{"label": f"bloc {b}", "colour": BLOC_COLOURS[b % len(BLOC_COLOURS)], "count": c} for b, c in blocs.items()],
        csp=_csp(assets["vis_js"], assets["app_js"]),
        vis_css=Markup(assets["vis_css"]), page_css=Markup(assets["page_css"]),
        vis_js=Markup(assets["vis_js"]), app_js=Markup(assets["app_js"]), data=Markup(payload),
    )
    return page
