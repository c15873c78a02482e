"""alliance-graph: a knowledge graph of international alliances built from news.

>>> from graph import load_vocabulary
>>> load_vocabulary().relation("creditorOf").label
'creditor of'
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import AllianceGraphError, InputError, QueryError, StoreError, StoreLocked, UnknownRelation
from .model import Article, Fact


def __getattr__(name: str) -> object:  # the ontology (rdflib) loads only when asked for
    if name in ("Vocabulary", "load_vocabulary"):
        from . import vocab

        return getattr(vocab, name)
    raise AttributeError(f"module 'graph' has no attribute {name!r}")

__all__ = [
    "__version__",
    "AllianceGraphError",
    "InputError",
    "QueryError",
    "StoreError",
    "StoreLocked",
    "UnknownRelation",
    "Article",
    "Fact",
    "Vocabulary",
    "load_vocabulary",
]
