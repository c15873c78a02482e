"""Plain records that flow through the pipeline: ``Article`` and ``Fact``.

Free of rdflib and click, so extraction can run anywhere (a process pool
today, a cluster later).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["Article", "Fact", "article_id", "CURATED"]

CURATED = "curated"


def normalise_text(text: str) -> str:
    """NFC, one space between words: what the article id is computed from."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def article_id(text: str) -> str:
    """First 16 hex digits of the SHA-256 of the normalised text.

    >>> article_id("Russia  backs\\nVenezuela.") == article_id("Russia backs Venezuela.")
    True
    """
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Article:
    """One article: its body text and metadata.

    ``path`` is where it came from as the user named it (``feed.jsonl:3`` for
    a line of a JSON Lines file); ``offset`` is where ``text`` starts in the
    decoded file, so fact offsets can point into the file itself.
    """

    path: str
    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    publisher: str | None = None
    license: str | None = None
    author: str | None = None
    offset: int = 0
    id: str = field(default="")
    notes: tuple[str, ...] = field(default=(), compare=False)  # warnings about it, for the user (a date not read)

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", article_id(self.text))


@dataclass(frozen=True, order=True)
class Fact:
    """One (subject, relation, object) stated by one article.

    ``char_start``/``char_end`` locate the evidence in the article file;
    ``extractor`` is ``"curated"`` for hand-checked facts.
    """

    subject: str
    relation: str
    object: str
    article: str
    evidence: str = ""
    char_start: int | None = None
    char_end: int | None = None
    confidence: float = 1.0
    extractor: str = CURATED
    article_id: str = ""
    rejected: bool = False
    source_row: str | None = None
    date: str | None = None

    @property
    def curated(self) -> bool:
        return self.extractor == CURATED

    def key(self, symmetric: bool) -> tuple[str, str, str, str]:
        """Identity of the fact: symmetric relations ignore direction.

        >>> a = Fact("VEN", "alliedWith", "RUS", "a.txt")
        >>> a.key(True) == Fact("RUS", "alliedWith", "VEN", "a.txt").key(True)
        True
        """
        s, o = self.subject, self.object
        if symmetric:
            s, o = sorted((s, o))
        return (self.article_id or self.article, s, self.relation, o)

    def as_dict(self) -> dict[str, object]:
        """The JSON form printed by ``alliances extract --format jsonl``."""
        d: dict[str, object] = {
            "article": self.article,
            "subject": self.subject,
            "relation": self.relation,
            "object": self.object,
            "evidence": self.evidence,
            "char_start": self.char_start,
            "char_end": self.char_end,
            "confidence": round(self.confidence, 3),
            "extractor": self.extractor,
        }
        if self.rejected:
            d["rejected"] = True
        return d
