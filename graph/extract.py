"""Text → ``Fact``s.  (Placeholder until the rule-based extractor lands: finds nothing.)"""

from __future__ import annotations

from .model import Article, Fact
from .vocab import Vocabulary

__all__ = ["extract", "EXTRACTOR"]

EXTRACTOR = "rules/0.0"


def extract(article: Article, vocab: Vocabulary) -> list[Fact]:
    """Facts stated by ``article``; a pure function of its inputs."""
    del article, vocab
    return []
