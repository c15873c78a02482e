"""Candidates: every pair of actors that a sentence names or refers to.

Each actor of the sentence has one or more anchors: the head token of each of its mentions, or the
token of a phrase that refers back to it ("the two countries", "he").  The model decides for each
pair which relations, if any, the sentence states between them and in which direction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from .rules import Sentence

__all__ = ["Anchor", "Candidate", "candidates"]


@dataclass(frozen=True)
class Anchor:
    """Where an actor stands in a sentence: a token index and how the actor is named there."""

    i: int
    # name, alias, demonym, capital, metonym, person; ref (a phrase naming two actors), desc ("the Gulf
    # state": one actor named before), pron (he/she)
    kind: str
    confidence: float = 1.0


@dataclass
class Candidate:
    """Two actors of one sentence; ``a`` is the one named first."""

    a: str
    b: str
    anchors_a: list[Anchor] = field(default_factory=list)
    anchors_b: list[Anchor] = field(default_factory=list)


def anchors(s: Sentence) -> dict[str, list[Anchor]]:
    """Actor id → its anchors in the sentence, in text order."""
    out: dict[str, list[Anchor]] = {}
    doc = s.sent.doc
    for m in s.mentions:
        root = doc[m.start:m.end].root
        out.setdefault(m.actor, []).append(Anchor(root.i, m.kind))
    for i, actors in s.pairs.items():
        for actor, conf in actors.items():  # "the two countries" names two, "the Gulf state" one
            out.setdefault(actor, []).append(Anchor(i, "ref" if len(actors) > 1 else "desc", conf))
    if s.previous:
        for t in s.sent:
            if t.pos_ == "PRON" and t.lower_ in ("he", "she"):
                for actor, conf in s.previous.items():
                    out.setdefault(actor, []).append(Anchor(t.i, "pron", conf))
    for lst in out.values():
        lst.sort(key=lambda a: a.i)
    return out


def candidates(s: Sentence) -> list[Candidate]:
    """One candidate per pair of distinct actors in ``s``, the first-named actor as ``a``."""
    found = anchors(s)
    order = sorted(found, key=lambda actor: (found[actor][0].i, actor))
    return [Candidate(a, b, found[a], found[b]) for a, b in combinations(order, 2)]


def head_chain(tok: Any) -> list[Any]:
    """``tok`` and its heads up to the root of its sentence."""
    chain = [tok]
    while chain[-1].head.i != chain[-1].i and len(chain) < 40:
        chain.append(chain[-1].head)
    return chain
