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


# --- headlines and datelines: where an article names places and actors without stating anything ---

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DATELINE = re.compile(
    r"(?P<place>[A-Z][\w.'’]*(?:[ \-][A-Z][\w.'’]*){0,3}(?:\s*/\s*[A-Z][\w.'’]*(?:[ \-][A-Z][\w.'’]*){0,3})*)"
    r"(?P<rest>,[^\n\-–—:]{1,60}?)?\s*(?P<agency>\([^()\n]{1,40}\))?\s*(?:[-–—]{1,2}|:)\s+(?=\S)")


def dateline_end(block: str) -> int:
    """Length of the dateline that opens ``block`` ("NAIROBI, March 3 (Agency) -", "Washington/Brussels -"), else 0.

    >>> dateline_end("MOSCOW, May 2 (AP) - Russia said ...")
    21
    >>> dateline_end("Washington/Brussels - Officials said ...")
    22
    >>> dateline_end("Russia - and China too - said ...")
    0
    """
    m = _DATELINE.match(block)
    if not m:
        return 0
    place, rest, agency = m.group("place"), m.group("rest") or "", m.group("agency")
    letters = [ch for ch in place if ch.isalpha()]
    shouting = len(letters) > 2 and place.upper() == place
    dated = any(ch.isdigit() for ch in rest) or any(w.lower()[:3] in _MONTHS for w in re.findall(r"[A-Za-z]+", rest))
    after = block[m.end():m.end() + 1]
    if shouting or "/" in place or dated or agency or (rest and after.isupper()):
        return m.end()
    return 0


def headline_end(text: str) -> int:
    """Length of a headline that opens ``text`` (a short first line in title case with no final stop), else 0.

    >>> headline_end("Peru Sanctions Chile In Row Over Fishing\\n\\nPeru said ...")
    40
    >>> headline_end("Peru and Chile signed a pact.\\n\\nMore ...")
    0
    """
    line = text.split("\n", 1)[0]
    rest = text[len(line):]
    words = line.split()
    if not rest.strip() or not 2 <= len(words) <= 20 or line.rstrip()[-1:] in ".!?\"”’:;,":
        return 0
    content = [w for w in words if len(w) > 3 and w[0].isalpha()]
    if not content or sum(w[0].isupper() for w in content) < 0.75 * len(content):
        return 0
    return len(line.rstrip())


# --- descriptions: "the East African country", "the Gulf state", "the bloc" for an actor named before ---

_NOT_DESCRIBING = ("same", "whole", "entire", "other", "host", "home", "first", "second", "third", "next", "last",
                   "only", "each", "every", "one", "two", "both", "member", "foreign", "neighbouring", "neighboring",
                   "new", "target", "following", "latter", "former", "largest", "biggest", "world")
_ADJ = r"(?:[A-Za-z][\w'’]*(?:-[\w'’]+)* ){0,3}?"
_DESCRIBED_STATE = re.compile(rf"\b[Tt]he (?P<adj>{_ADJ})(?P<head>country|nation|kingdom|republic|emirate|state)\b")
_DESCRIBED_ORG = re.compile(rf"\b[Tt]he (?P<adj>{_ADJ})(?P<head>bloc|alliance|organisation|organization|grouping)\b")
DESCRIPTION = re.compile(rf"\b[Tt]he {_ADJ}(?:country|nation|kingdom|republic|emirate|state|bloc|alliance|"
                         r"organisation|organization|grouping)\b")
DESCRIPTION_CHARS = 1500  # how far back a description looks for the actor it stands for


def descriptions(sent: Any, block_start: int, states: list[tuple[int, str]], orgs: list[tuple[int, str]],
                 mentions: list[Mention]) -> dict[int, dict[str, float]]:
    """"the East African country" → the last state named before it; "the bloc" → the last organisation.

    Actors the sentence names before the phrase are passed over ("Kenya praised the Gulf state" is not Kenya).
    """
    out: dict[int, dict[str, float]] = {}
    for pattern, history in ((_DESCRIBED_STATE, states), (_DESCRIBED_ORG, orgs)):
        for m in pattern.finditer(sent.text):
            adj = m.group("adj").split()
            if any(w.lower() in _NOT_DESCRIBING for w in adj):
                continue
            if m.group("head") == "state" and not (adj and adj[-1][0].isupper()):
                continue  # "the Gulf state", not "the state" (of affairs, of the economy)
            span = sent.doc.char_span(sent.start_char + m.start(), sent.start_char + m.end())
            if span is None:
                continue
            named = {x.actor for x in mentions if x.start < span.start}
            at = block_start + sent.start_char + m.start()
            for offset, actor in reversed(history):
                if offset < at and actor not in named:
                    if at - offset <= DESCRIPTION_CHARS:
                        out[span.root.i] = {actor: 0.6}
                    break
    return out
