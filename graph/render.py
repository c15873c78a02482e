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
from .store import AllianceStore
from .vocab import Vocabulary

__all__ = [
    "DEFAULT_MAX_NODES",
    "MAX_EVIDENCE",
    "BLOC_COLOURS",
    "render_html",
    "page_data",
    "neighbourhood",
    "store_graph",
    "render_store_html",
    "json_for_script",
]

DEFAULT_MAX_NODES = 300
MAX_EVIDENCE = 20  # evidence sentences kept per link; the rest are counted
BLOC_COLOURS = ("#8dd3c7", "#fdb462", "#bebada", "#fb8072", "#80b1d3", "#b3de69",
                "#fccde5", "#ffed6f", "#bc80bd", "#ccebc5", "#d9d9d9", "#e5c494")
NO_BLOC = "#c6ccd6"
TEMPLATES = Path(__file__).resolve().parent / "templates"
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
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
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


def neighbourhood(G: nx.MultiDiGraph, actor: str, depth: int = 1) -> nx.MultiDiGraph:
    """The actors within ``depth`` links of ``actor`` (either direction) and the links among them.

    >>> G = nx.MultiDiGraph([("A", "B", "r"), ("B", "C", "r"), ("C", "D", "r")])
    >>> sorted(neighbourhood(G, "B", 1))
    ['A', 'B', 'C']
    """
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
    return G.subgraph(seen)


def _centrality(G: nx.MultiDiGraph) -> dict[str, float]:
    """The graph's ``centrality`` attribute, or normalised degree where it is missing."""
    degree = dict(G.degree())
    top = max(degree.values(), default=0) or 1
    out = {}
    for n, d in G.nodes(data=True):
        c = d.get("centrality")
        out[n] = float(c) if isinstance(c, int | float) and math.isfinite(c) else degree[n] / top
    return out


# ---------------------------------------------------------------------------- page data


def _date(value: object) -> str | None:
    return None if value is None else str(value)


def _evidence(items: Iterable[Mapping[str, Any]] | None) -> dict[str, Any]:
    items = list(items or [])
    kept = []
    for e in items[:MAX_EVIDENCE]:
        conf = e.get("confidence")
        kept.append({
            "sentence": str(e.get("sentence") or ""),
            "title": str(e.get("title") or ""),
            "date": _date(e.get("date")),
            "source": str(e.get("source") or ""),
            "article": str(e.get("article") or ""),
            "confidence": round(float(conf), 3) if isinstance(conf, int | float) else None,
        })
    return {"items": kept, "more": max(0, len(items) - MAX_EVIDENCE)}


def _colour(value: str) -> str:
    return value if _HEX.match(value or "") else "#888888"


def page_data(G: nx.MultiDiGraph, vocab: Vocabulary, *, max_nodes: int | None = DEFAULT_MAX_NODES,
              focus: str | None = None, depth: int = 1) -> dict[str, Any]:
    """What the page draws, as plain JSON-able data (also what the tests inspect).

    Keeps at most ``max_nodes`` actors, the most central ones (and always
    ``focus``); ``left_out`` says how many actors and links were dropped.
    """
    total_nodes, total_edges = G.number_of_nodes(), G.number_of_edges()
    focus_id = None
    if focus is not None:
        focus_id = _find_actor(G, vocab, focus)
        G = neighbourhood(G, focus_id, depth)
    centrality = _centrality(G)
    pool_nodes, pool_edges = G.number_of_nodes(), G.number_of_edges()
    keep = sorted(G.nodes)
    truncated = max_nodes is not None and len(keep) > max_nodes
    if max_nodes is not None and truncated:
        ranked = sorted(G.nodes, key=lambda n: (n != focus_id, -centrality[n], str(n)))
        keep = sorted(ranked[:max_nodes])
        G = G.subgraph(keep)
    cmax = max(centrality.values(), default=0.0) or 1.0

    nodes = []
    blocs: dict[int, int] = {}
    for n in keep:
        d = G.nodes[n]
        label = str(d.get("label") or (vocab.actors[n].label if n in vocab.actors else n))
        kind = str(d.get("kind") or (vocab.actors[n].kind if n in vocab.actors else "State"))
        bloc = d.get("bloc")
        bloc = int(bloc) if isinstance(bloc, int | float) and not isinstance(bloc, bool) else None
        if bloc is not None:
            blocs[bloc] = blocs.get(bloc, 0) + 1
        colour = BLOC_COLOURS[bloc % len(BLOC_COLOURS)] if bloc is not None else NO_BLOC
        c = centrality[n]
        title = f"{label} ({n})\n{'organisation' if kind == 'Organization' else 'state'}"
        title += f" · bloc {bloc}" if bloc is not None else ""
        title += f" · centrality {c:.3f} · {G.degree(n)} links"
        nodes.append({
            "id": str(n), "label": label, "kind": kind, "bloc": bloc, "centrality": round(c, 4),
            "shape": "diamond" if kind == "Organization" else "dot",
            "size": round(10 + 30 * math.sqrt(max(c, 0.0) / cmax), 2),
            "color": {"background": colour, "border": "#555555",
                      "highlight": {"background": colour, "border": "#000000"},
                      "hover": {"background": colour, "border": "#000000"}},
            "borderWidth": 3 if n == focus_id else 1,
            "title": title,
        })

    edges = []
    evidence = {}
    counts: dict[str, int] = {}
    raw = sorted(G.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2])))
    pair_index: dict[tuple[str, str], int] = {}
    for u, v, key, d in raw:
        rel = vocab.relation(str(d.get("relation") or key))
        counts[rel.name] = counts.get(rel.name, 0) + 1
        polarity = d.get("polarity", rel.polarity)
        directed = bool(d.get("directed", rel.directed))
        sources = int(d.get("sources") or len(d.get("evidence") or ()) or 1)
        conf = d.get("confidence")
        first, last = _date(d.get("first")), _date(d.get("last"))
        eid = f"e{len(edges)}"
        ulabel, vlabel = G.nodes[u].get("label") or u, G.nodes[v].get("label") or v
        title = f"{ulabel} {'→' if directed else '—'} {vlabel}: {rel.label}\n{sources} source{'s' if sources != 1 else ''}"
        if first or last:
            title += " · " + (first if first == last else f"{first or '?'} to {last or '?'}")
        colour = _colour(rel.colour)
        pair = (min(str(u), str(v)), max(str(u), str(v)))
        k = pair_index[pair] = pair_index.get(pair, -1) + 1
        edge: dict[str, Any] = {
            "id": eid, "from": str(u), "to": str(v), "relation": rel.name, "relationLabel": rel.label,
            "directed": directed, "sources": sources,
            "confidence": round(float(conf), 3) if isinstance(conf, int | float) else None,
            "first": first, "last": last,
            "color": {"color": colour, "highlight": colour, "hover": colour, "inherit": False},
            "dashes": bool(polarity is not None and polarity < 0),
            "width": round(1 + 1.5 * math.log2(1 + max(sources, 1)), 2),
            "arrows": "to" if directed else "",
            "title": title,
        }
        if k:  # parallel links of one pair fan out instead of overlapping
            edge["smooth"] = {"enabled": True, "type": "curvedCW" if k % 2 else "curvedCCW",
                              "roundness": round(0.15 * ((k + 1) // 2), 2)}
        edges.append(edge)
        evidence[eid] = _evidence(d.get("evidence"))

    relations = [{
        "name": r.name, "label": r.label, "comment": r.comment, "colour": _colour(r.colour),
        "directed": r.directed, "negative": r.polarity < 0, "count": counts[r.name],
    } for r in vocab.relations.values() if r.name in counts]
    n = len(nodes)
    options = {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": n <= 150},
        "physics": {
            "enabled": True, "solver": "forceAtlas2Based", "minVelocity": 1, "timestep": 0.5,
            "forceAtlas2Based": {"gravitationalConstant": -80, "centralGravity": 0.01, "springLength": 120,
                                 "springConstant": 0.08, "avoidOverlap": 0.3},
            "stabilization": {"enabled": True, "iterations": 1000 if n <= 150 else 300, "updateInterval": 50, "fit": True},
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": n > 300, "navigationButtons": False},
        "edges": {"smooth": False, "selectionWidth": 2, "hoverWidth": 1},
        "nodes": {"font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"}},
    }
    return {
        "nodes": nodes, "edges": edges, "evidence": evidence, "options": options, "focus": focus_id,
        "relations": [r["name"] for r in relations],
        "_legend": relations, "_blocs": dict(sorted(blocs.items())),
        "shown": {"nodes": n, "edges": len(edges)},
        "total": {"nodes": total_nodes, "edges": total_edges},
        "truncated": truncated,
        "left_out": {"nodes": pool_nodes - n, "edges": pool_edges - len(edges)},
    }


def _summary(data: Mapping[str, Any]) -> str:
    n, m = data["shown"]["nodes"], data["shown"]["edges"]
    articles = {e["article"] for ev in data["evidence"].values() for e in ev["items"] if e["article"]}
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
    legend, blocs = data.pop("_legend"), data.pop("_blocs")
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
        relations=legend, actors=actors,
        blocs=[{"label": f"bloc {b}", "colour": BLOC_COLOURS[b % len(BLOC_COLOURS)], "count": c} for b, c in blocs.items()],
        csp=_csp(assets["vis_js"], assets["app_js"]),
        vis_css=Markup(assets["vis_css"]), page_css=Markup(assets["page_css"]),
        vis_js=Markup(assets["vis_js"]), app_js=Markup(assets["app_js"]), data=Markup(payload),
    )
    return page


# ---------------------------------------------------------------------------- from the store
# Stand-in for analysis.project until it lands on main; then pipeline switches to it.


def store_graph(store: AllianceStore, *, relations: Iterable[str] | None = None, since: str | None = None,
                until: str | None = None, min_sources: int = 1) -> nx.MultiDiGraph:
    """The actor graph of ``store`` shaped like ``analysis.project`` (without bloc/centrality)."""
    vocab = store.vocab
    wanted = {vocab.relation(r).name for r in relations} if relations else None
    q = """SELECT ?s ?p ?o ?a ?conf ?ev ?cdate ?title ?issued ?source WHERE {
      ?c a ag:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?a .
      FILTER NOT EXISTS { ?c ag:rejected true }
      OPTIONAL { ?c ag:confidence ?conf } OPTIONAL { ?c ag:evidence ?ev } OPTIONAL { ?c dcterms:date ?cdate }
      OPTIONAL { ?a dcterms:title ?title } OPTIONAL { ?a dcterms:issued ?issued } OPTIONAL { ?a dcterms:source ?source }
    }"""
    grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in store.query(q):  # type: ignore[union-attr]
        from rdflib import URIRef

        rel = vocab.relation_for_iri(URIRef(row["p"].value))
        s, o = vocab.actor_id(row["s"].value), vocab.actor_id(row["o"].value)
        if rel is None or s is None or o is None or (wanted is not None and rel.name not in wanted):
            continue
        date = (row["cdate"] or row["issued"])
        date_s = date.value if date is not None else None
        if (since and (date_s is None or date_s < since)) or (until and (date_s is None or date_s[: len(until)] > until)):
            continue
        if rel.symmetric and o < s:
            s, o = o, s
        grouped.setdefault((s, rel.name, o), []).append({
            "sentence": row["ev"].value if row["ev"] else "", "article": row["a"].value,
            "title": row["title"].value if row["title"] else "", "date": date_s,
            "source": row["source"].value if row["source"] else "",
            "confidence": float(row["conf"].value) if row["conf"] else None,
        })
    G = nx.MultiDiGraph()
    for (s, name, o), ev in sorted(grouped.items()):
        rel = vocab.relation(name)
        sources = len({e["article"] for e in ev})
        if sources < min_sources:
            continue
        ev.sort(key=lambda e: (e["date"] or "", e["article"], e["sentence"]))
        dates = [e["date"] for e in ev if e["date"]]
        confs = [e["confidence"] for e in ev if e["confidence"] is not None]
        for n in (s, o):
            if n not in G:
                a = vocab.actors.get(n)
                G.add_node(n, label=a.label if a else n, kind=a.kind if a else "State")
        G.add_edge(s, o, key=name, relation=name, polarity=rel.polarity, directed=rel.directed, sources=sources,
                   confidence=max(confs) if confs else None, first=min(dates, default=None), last=max(dates, default=None),
                   evidence=ev)
    return G


def render_store_html(store: AllianceStore, *, title: str = "Alliance graph", **options: Any) -> str:
    """The page for everything in ``store`` (the stand-in projection, no blocs)."""
    return render_html(store_graph(store), store.vocab, title=title, **options)
