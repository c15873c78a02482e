"""Actor mentions: gazetteer matches in a parsed block, and references to actors named earlier
("the two countries", "he").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .compiled import Compiled
from .words import REGION_QUALIFIERS, THIRD_PERSON


@dataclass
class Mention:
    actor: str
    kind: str
    start: int
    end: int


def find_mentions(doc: Any, rules: Compiled) -> list[Mention]:
    from spacy.util import filter_spans

    spans = []
    for key, start, end in rules.matcher(doc):
        span = doc[start:end]
        spans.append((span, rules.surfaces[key]))
    by_span = {(sp.start, sp.end): info for sp, info in spans}
    out = []
    for sp in filter_spans([sp for sp, _ in spans]):
        actor, kind = by_span[(sp.start, sp.end)]
        if sp.start > 0 and doc[sp.start - 1].text in REGION_QUALIFIERS:
            continue
        if sp.end < len(doc) and doc[sp.end].text in ("-", "–") and sp.end + 1 < len(doc) and \
                doc[sp.end + 1].lower_ in ("based", "born", "backed", "made", "owned", "led"):
            continue  # "Yemen-based", "Iranian-backed": not the state acting
        out.append(Mention(actor, kind, sp.start, sp.end))
    return out


_TWO = re.compile(r"\b(?:the two|both) (?:countries|nations|states|governments|sides|neighbou?rs|armies|militaries|"
                  r"navies|air forces|leaders|presidents|capitals|allies|partners)\b", re.I)


def two_countries(sent: Any, block_start: int, history: list[tuple[int, str]]) -> dict[int, dict[str, float]]:
    """"the two countries" / "both nations": the last two states named before the phrase."""
    out: dict[int, dict[str, float]] = {}
    for m in _TWO.finditer(sent.text):
        span = sent.doc.char_span(sent.start_char + m.start(), sent.start_char + m.end())
        if span is None:
            continue
        at = block_start + sent.start_char + m.start()
        recent: list[str] = []
        for offset, actor in reversed(history):
            if offset < at and actor not in recent:
                recent.append(actor)
                if len(recent) == 2:
                    break
        if len(recent) == 2:
            out[span.root.i] = {a: 0.6 for a in recent}
    return out


_HE = re.compile(r"\b(?:he|she)\b", re.I)
PREVIOUS_PERSON_CHARS = 400  # how far back "he"/"she" looks for the person it stands for


def previous_person(sent: Any, block_start: int, people: list[tuple[int, str]]) -> dict[str, float]:
    """The person named last before ``sent`` (at most PREVIOUS_PERSON_CHARS before it), when it says "he"/"she"."""
    if not any(t.lower_ in THIRD_PERSON and t.pos_ == "PRON" for t in sent):
        return {}
    at = block_start + sent.start_char
    for offset, actor in reversed(people):
        if offset < at:
            return {actor: 1.0} if at - offset <= PREVIOUS_PERSON_CHARS else {}
    return {}
