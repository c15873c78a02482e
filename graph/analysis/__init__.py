"""Network analysis: the store's claims projected into networkx, and pure metrics over it.

``project(store)`` reads the claims (never the derived edges) and returns an
``nx.MultiDiGraph``: one node per actor, one edge per (actor pair, relation)
keyed by the relation name.  A symmetric relation is stored once per
unordered pair (``u < v``, ``directed=False``); the metrics decide what
direction means.  Everything else here is a pure function of such a graph:

- ``centrality``: degree, weighted PageRank and betweenness (distance = 1/support);
- ``blocs``: Louvain communities of the positive ties (fixed seed) and modularity;
- ``balance``: share of balanced signed triads and the ties that frustrate it;
- ``strongest_dyads``, ``compare`` (change between two periods);
- ``shortest_chains`` (``alliances path``) and ``ego`` (``alliances ego``).

One file a stage: ``projection`` (claims read and projected), ``metrics`` (centrality, blocs, balance,
strongest dyads), ``summary`` (the whole analysis, change between periods), ``paths`` (actors by name,
chains, neighbourhoods).  This package is the home of networkx (with ``render``) and of igraph (Louvain
and betweenness in C, imported when first used); it never writes RDF.
"""

from __future__ import annotations

from ..periods import Period, parse_period
from .metrics import (
    BETWEENNESS_EXACT_LIMIT,
    BETWEENNESS_SAMPLES,
    BLOC_SEED,
    ActorScore,
    Balance,
    Blocs,
    Dyad,
    Frustration,
    balance,
    blocs,
    centrality,
    dyads,
    signed_dyads,
    strongest_dyads,
)
from .paths import Step, ego, ego_dict, resolve_actor, shortest_chains
from .projection import SOURCE_CHOICES, SOURCE_KINDS, ClaimRow, project, project_claims, read_claims
from .summary import ActorChange, Analysis, Change, DyadChange, analyze, annotate, compare

__all__ = [
    "Period",
    "parse_period",
    "project",
    "project_claims",
    "read_claims",
    "ClaimRow",
    "SOURCE_KINDS",
    "SOURCE_CHOICES",
    "dyads",
    "signed_dyads",
    "centrality",
    "ActorScore",
    "blocs",
    "Blocs",
    "balance",
    "Balance",
    "Frustration",
    "strongest_dyads",
    "Dyad",
    "compare",
    "Change",
    "DyadChange",
    "ActorChange",
    "annotate",
    "analyze",
    "Analysis",
    "resolve_actor",
    "shortest_chains",
    "Step",
    "ego",
    "ego_dict",
    "BLOC_SEED",
    "BETWEENNESS_EXACT_LIMIT",
    "BETWEENNESS_SAMPLES",
]
