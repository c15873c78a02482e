"""A parsed sentence with its actor mentions, and the noun phrases that name actors in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..compiled import Compiled
from ..mentions import Mention
from ..words import (
    FIRST_PERSON,
    MONEY,
    NON_STATE_HEADS,
    NP_DEPS,
    NP_PREPS,
    NP_PREPS_WIDE,
    OFFICIALS,
    REPORTING,
    THIRD_PERSON,
)


@dataclass
class Args:
    subjects: dict[str, float] = field(default_factory=dict)
    objects: dict[str, float] = field(default_factory=dict)
    # the subjects act together ("A and B signed"), so a symmetric cue relates them to each other; not
    # when they only stand side by side in a list ("imports from A, B and C")
    joint: bool = True


class Sentence:
    """One parsed sentence; mentions are keyed by token index."""

    def __init__(self, sent: Any, mentions: list[Mention], rules: Compiled,
                 pairs: dict[int, dict[str, float]] | None = None, previous: dict[str, float] | None = None) -> None:
        self.sent = sent
        self.rules = rules
        self.previous = previous or {}  # the person named last before the sentence: "he added"
        self.pairs = pairs or {}  # "the two countries": token index -> the two states it stands for
        self.mentions = mentions
        self.at: dict[int, Mention] = {}
        for m in mentions:
            for i in range(m.start, m.end):
                self.at[i] = m
        self.lo, self.hi = sent.start, sent.end

    def np(self, tok: Any, wide: bool = True) -> dict[str, float]:
        """Actors a noun phrase names: its head, modifiers, "of" phrases, appositions, conjuncts."""
        out: dict[str, float] = {}
        self._np(tok, out, NP_PREPS, 0)
        if not out and wide:
            self._np(tok, out, NP_PREPS_WIDE, 0)
        return out

    def _np(self, tok: Any, out: dict[str, float], preps: frozenset[str], depth: int) -> None:
        if depth > 12 or not (self.lo <= tok.i < self.hi):
            return
        if tok.i in self.pairs:
            for k, v in self.pairs[tok.i].items():
                out[k] = max(out.get(k, 0), v)
        m = self.at.get(tok.i)
        if m is not None:
            conf = 1.0 if m.kind in ("name", "alias") else 0.9 if m.kind in ("person", "capital", "metonym") else 0.85
            nxt = tok.nbor(1).lower_ if tok.i + 1 < self.hi else ""
            # "Iranian airline", "Russian opposition leader": the demonym does not name the state acting
            non_state = m.kind == "demonym" and (nxt in NON_STATE_HEADS or (
                tok.dep_ in ("amod", "compound", "nmod") and tok.head.lower_ in NON_STATE_HEADS))
            if not non_state:
                out[m.actor] = max(out.get(m.actor, 0), conf * (0.95 ** depth))
        for c in tok.children:
            dep = c.dep_
            if dep in NP_DEPS:
                if dep == "appos" and (c.lower_ in ("one", "some", "another") or c.lemma_.lower() in self.rules.agent_words):
                    continue  # "Estonia, a NATO member, ...": the apposition is a relation, not a name
                self._np(c, out, preps, depth + (0 if dep in ("conj", "compound", "flat", "appos") else 1))
            elif dep == "prep" and (c.lower_ in preps or (c.lower_ == "as" and tok.lower_ == "such")):
                # "from A and from B": the second preposition hangs on the first
                for p in [c, *(g for g in c.children if g.dep_ == "conj" and g.pos_ == "ADP")]:
                    for g in p.children:
                        if g.dep_ in ("pobj", "prep", "pcomp"):
                            self._np(g, out, preps, depth + 1)
            elif dep == "amod" or (dep == "advmod" and c.lower_ == "such"):
                self._np(c, out, preps, depth + 1)

    def pronoun_referent(self, pron: Any) -> dict[str, float]:
        """A possessive "its/his/their": the closest preceding actor in the sentence.

        In a predicate noun ("Y is its ally") the pronoun is not the clause's own subject.
        """
        own_subject: set[int] = set()
        top = self.top_np(pron.head)
        if top.dep_ in ("attr", "oprd"):
            own_subject = {t.i for c in top.head.children if c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree}
        for i in range(pron.i - 1, self.lo - 1, -1):
            if i in own_subject:
                continue
            m = self.at.get(i)
            if m is None:
                continue
            t = self.sent.doc[i]
            for _ in range(6):
                if t.dep_ in ("compound", "amod", "flat", "appos", "conj", "nmod") or (
                        t.dep_ == "pobj" and t.head.lower_ == "of"):
                    t = t.head if t.dep_ != "pobj" else t.head.head
                else:
                    break
            if t.dep_ in ("nsubj", "nsubjpass", "poss", "dobj", "pobj", "attr", "appos"):
                found = self.np(t, wide=False)
                if found:
                    return {k: v * 0.85 for k, v in found.items()}
        return {}

    def person_np(self, tok: Any, verb: Any) -> dict[str, float]:
        """A subject noun phrase; a first-person pronoun is the quoted speaker when the sentence names one."""
        if first_person(tok):
            return self.speaker()
        if tok.pos_ == "PRON" and tok.lower_ in THIRD_PERSON:
            return self.third_person(tok)
        if tok.pos_ == "PRON" and tok.lower_ in ("it", "they"):
            return self.reporter(verb)
        return self.np(tok)

    def reporter(self, verb: Any) -> dict[str, float]:
        """"Moscow said it would ...": "it"/"they" in a reported clause is the one who reports it."""
        t = verb
        while t.dep_ == "conj" and t.head.i != t.i:
            t = t.head
        if t.dep_ != "ccomp" or t.head.lemma_ not in REPORTING:
            return {}
        for c in t.head.children:
            if c.dep_ == "nsubj" and c.pos_ != "PRON":
                return {k: v * 0.85 for k, v in self.np(c).items()}
        return {}

    def third_person(self, tok: Any) -> dict[str, float]:
        """"he"/"she": the last person named before it in the sentence, else just before the sentence."""
        for i in range(tok.i - 1, self.lo - 1, -1):
            m = self.at.get(i)
            if m is not None and m.kind == "person":
                return {m.actor: 0.8}
        return {k: v * 0.8 for k, v in self.previous.items()}

    def speaker(self) -> dict[str, float]:
        for t in self.sent:
            if t.lemma_ in REPORTING and t.pos_ == "VERB":
                for c in t.children:
                    if c.dep_ in ("nsubj",) and not first_person(c):
                        found = self.person_np(c, t)
                        if found:
                            return {k: v * 0.8 for k, v in found.items()}
        return {}

    def top_np(self, noun: Any) -> Any:
        """Climb "one of the allies" / "the allies of" to the noun phrase's top."""
        t = noun
        for _ in range(6):
            if t.dep_ == "pobj" and t.head.dep_ == "prep" and t.head.lower_ in ("of", "among") and t.head.head.pos_ in (
                    "NUM", "PRON", "NOUN", "ADJ") and t.head.head.lower_ in ("one", "some", "two", "many", "most", "each",
                                                                            "another", "all", "both", "none", "several", "few"):
                t = t.head.head
            elif t.dep_ == "conj" and t.head.pos_ in ("NOUN", "PROPN"):
                t = t.head
            else:
                break
        return t

    def official(self, tok: Any) -> bool:
        """A person or an office ("Putin", "the Kenyan president", "a delegation from Laos")."""
        m = self.at.get(tok.i)
        if m is not None:
            return m.kind == "person"
        return tok.lemma_.lower() in OFFICIALS or (tok.pos_ == "PRON" and tok.lower_ in ("he", "she"))

    def places(self, tok: Any) -> dict[str, float]:
        """States named by "in X" on ``tok`` or one level below it ("met, that time in Athens")."""
        out: dict[str, float] = {}
        for c in tok.children:
            preps = [c] if c.dep_ == "prep" else [g for g in c.children if g.dep_ == "prep"] if c.dep_ in (
                "npadvmod", "advmod", "dobj", "pobj", "prep") else []
            for p in preps:
                if p.lower_ != "in":
                    continue
                for g in p.children:
                    if g.dep_ == "pobj":
                        m = self.at.get(g.i)
                        if m is not None and m.kind in ("name", "alias", "capital") and \
                                self.rules.actor_kind.get(m.actor) == "State":
                            out[m.actor] = 0.85
        return out


def is_amount(tok: Any) -> bool:
    """"two billion dollars (in aid)", "$400 million (in military aid)"."""
    return tok.like_num or tok.lower_ in MONEY or any(c.like_num or c.lower_ in MONEY for c in tok.children)


def first_person(tok: Any) -> bool:
    return tok.pos_ == "PRON" and tok.lower_ in FIRST_PERSON and tok.text not in ("US", "U.S.")
