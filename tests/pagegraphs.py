"""Actor graphs shaped like ``analysis.project`` + ``annotate``, built by hand for the page tests."""

from __future__ import annotations

import networkx as nx

# Strings an article could carry; the page must show them as text and never run them.
HOSTILE_TITLE = "<img src=x onerror=\"window.__xss=1;alert(1)\">"
HOSTILE_SENTENCE = "Cuba backs Russia.</script><script>window.__xss=2;alert(2)</script><!-- \u2028\u2029 & &amp;"
HOSTILE_SOURCE = "javascript:window.__xss=3"

ACTORS = {
    "RUS": ("Russia", "State", 0, 0.9),
    "CUB": ("Cuba", "State", 0, 0.5),
    "VEN": ("Venezuela", "State", 0, 0.4),
    "NIC": ("Nicaragua", "State", 0, 0.3),
    "USA": ("United States", "State", 1, 0.6),
    "NATO": ("North Atlantic Treaty Organization", "Organization", 1, 0.45),
}


def evidence(sentence: str, n: int = 1, *, title: str = "A report", source: str = "https://news.example.org/a",
             date: str | None = "2021-06-23") -> list[dict[str, object]]:
    return [{"sentence": sentence if i == 0 else f"{sentence} ({i})", "article": f"https://w3id.org/alliance-graph/article/{i:016x}",
             "title": title, "date": date, "source": source, "confidence": 0.9} for i in range(n)]


# (subject, relation, object, polarity, directed, sources, evidence)
EDGES = [
    ("CUB", "alliedWith", "RUS", 1, False, 3, evidence("Russia reaffirmed its alliance with Cuba.", 3)),
    ("RUS", "supports", "CUB", 1, True, 1, evidence("Moscow backs Havana, the minister said.")),
    ("NIC", "alliedWith", "RUS", 1, False, 1, evidence("Nicaragua and Russia are allies.")),
    ("RUS", "visited", "NIC", 1, True, 1, evidence("Putin visited Managua in 2014.", date="2014-07-11")),
    ("RUS", "providesAidTo", "VEN", 1, True, 2, evidence("Russia sent aid to Venezuela.", 2)),
    ("USA", "sanctions", "VEN", -1, True, 1, evidence(HOSTILE_SENTENCE, title=HOSTILE_TITLE, source=HOSTILE_SOURCE)),
    ("NATO", "opposes", "RUS", -1, True, 2, evidence("NATO condemned Russia.", 2, date=None)),
    ("USA", "memberOf", "NATO", 1, True, 1, evidence("The United States is a founding member of NATO.")),
]


def contract_graph(*, reverse: bool = False) -> nx.MultiDiGraph:
    """Six actors, eight links; ``reverse`` inserts everything in the opposite order."""
    G = nx.MultiDiGraph()
    actors = list(ACTORS.items())
    edges = list(EDGES)
    if reverse:
        actors.reverse()
        edges.reverse()
    for actor_id, (label, kind, bloc, centrality) in actors:
        G.add_node(actor_id, label=label, kind=kind, bloc=bloc, centrality=centrality)
    for s, rel, o, polarity, directed, sources, ev in edges:
        dates = [e["date"] for e in ev if e["date"]]
        G.add_edge(s, o, key=rel, relation=rel, polarity=polarity, directed=directed, sources=sources, confidence=0.9,
                   first=min(dates, default=None), last=max(dates, default=None), evidence=ev)
    return G


def chain_graph(n: int) -> nx.MultiDiGraph:
    """``n`` actors; actor i has centrality i/n; each is allied with the next."""
    G = nx.MultiDiGraph()
    for i in range(n):
        G.add_node(f"A{i:04d}", label=f"Actor {i}", kind="State", bloc=i % 3, centrality=i / n)
    for i in range(n - 1):
        G.add_edge(f"A{i:04d}", f"A{i + 1:04d}", key="alliedWith", relation="alliedWith", polarity=1, directed=False,
                   sources=1, confidence=0.8, first=None, last=None, evidence=evidence(f"Actor {i} allied with actor {i + 1}."))
    return G
