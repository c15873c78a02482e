"""alliance-graph: a knowledge graph of international alliances built from news.

>>> from graph import load_vocabulary
>>> load_vocabulary().relation("creditorOf").label
'creditor of'
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import AllianceGraphError, InputError, QueryError, StoreError, StoreLocked, UnknownRelation
from .model import Article, Fact
from .vocab import Vocabulary, load_vocabulary

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
