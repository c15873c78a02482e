"""Clause structure: the verb of a clause, its subjects and objects, prepositional phrases."""

from __future__ import annotations

from typing import Any

from ..words import (
    GOVERNMENT_NOUNS,
    OBJECT_PREPS,
    SUBJECT_PREPS,
)
from .grammar import Sentence


def clause_verb(s: Sentence, tok: Any) -> Any | None:
    """The verb whose clause ``tok`` (a noun or a verb) belongs to."""
    t = tok
    for _ in range(12):
        if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod", "compound"):
            return t
        if t.head.i == t.i:
            return None
        t = t.head
    return None


def subjects_of(s: Sentence, verb: Any, depth: int = 0) -> tuple[dict[str, float], dict[str, float]]:
    """(subjects, passive objects) of ``verb``; climbs through xcomp, conj, advcl, relative clauses."""
    if depth > 6:
        return {}, {}
    subj: dict[str, float] = {}
    passive: dict[str, float] = {}
    is_passive = any(c.dep_ == "auxpass" for c in verb.children)
    children = list(verb.children)
    if not any(c.dep_ in ("nsubj", "nsubjpass", "csubj") for c in children):  # "US" parsed under "has been"
        children += [g for c in children if c.dep_ in ("aux", "auxpass") for g in c.children]
    for c in children:
        if c.dep_ in ("nsubj", "csubj"):
            if c.lower_ in ("which", "that") and verb.dep_ == "relcl" and sum(
                    g.dep_ == "nsubj" for g in verb.children) >= 2:
                continue
            subj.update(s.person_np(c, verb))
        elif c.dep_ == "nsubjpass":
            if c.lower_ in ("which", "that", "who") and verb.dep_ == "relcl":
                passive.update(antecedent(s, verb))
            else:
                passive.update(s.np(c))
        elif c.dep_ == "agent":
            for g in c.children:
                if g.dep_ == "pobj":
                    subj.update(s.np(g))
    if is_passive and not subj:  # "was condemned in a statement by Egypt"
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "through", "via"):
                for g in c.children:
                    for p in g.children:
                        if g.dep_ == "pobj" and p.dep_ == "prep" and p.lower_ == "by":
                            subj.update({k: v * 0.9 for k, v in pobj(s, p).items()})
    if subj and (passive or not is_passive):
        return subj, passive
    rel_pron = any(c.dep_ in ("nsubj",) and c.lower_ in ("which", "that", "who") for c in verb.children)
    if verb.dep_ in ("relcl", "acl") and verb.head.i != verb.i:
        if rel_pron or verb.dep_ == "acl":
            found = s.np(verb.head, wide=False)
            if found:
                if is_passive and verb.dep_ == "acl":  # "a coalition led by X": X leads, the noun is led
                    return subj, found
                return {k: v * 0.9 for k, v in found.items()}, passive
        up = clause_verb(s, verb.head)
        if up is not None and up.i != verb.i:
            outer, _ = subjects_of(s, up, depth + 1)
            if is_passive:
                return subj, {**{k: v * 0.85 for k, v in outer.items()}, **passive}
            return {k: v * 0.85 for k, v in outer.items()}, passive
    if verb.dep_ in ("xcomp", "conj", "advcl", "pcomp") and verb.head.i != verb.i:
        up = clause_verb(s, verb.head)
        if up is not None and up.i != verb.i:
            outer, _ = subjects_of(s, up, depth + 1)
            outer = {k: v * 0.9 for k, v in outer.items()}
            if is_passive and verb.dep_ == "conj":  # "Turkey is ... and was condemned by X"
                return subj, {**outer, **passive}
            return outer, passive
    return subj, passive


def antecedent(s: Sentence, verb: Any) -> dict[str, float]:
    """What a relative clause's pronoun stands for; an actor-less antecedent ("a policy")
    stands for the subject of the clause it was introduced in."""
    found = s.np(verb.head, wide=False)
    if found:
        return found
    up = clause_verb(s, verb.head)
    if up is not None and up.i != verb.i:
        outer, _ = subjects_of(s, up, 1)
        return {k: v * 0.7 for k, v in outer.items()}
    return {}


def objects_of_verb(s: Sentence, verb: Any, skip: Any | None = None) -> dict[str, float]:
    direct: dict[str, float] = {}
    marked: dict[str, float] = {}
    for c in verb.children:
        if skip is not None and c.i == skip.i:
            continue
        if c.dep_ in ("dobj", "dative", "attr", "oprd") and c.pos_ != "ADP":
            if c.lower_ in ("which", "that", "whom") and verb.dep_ == "relcl":
                direct.update(antecedent(s, verb))
                continue
            found = s.np(c)
            if not found and c.lemma_.lower() in GOVERNMENT_NOUNS:  # "backed the government in Kabul"
                found = {k: v * 0.9 for k, v in s.places(verb).items()}
            direct.update(found)
            for p in c.children:
                if p.dep_ == "prep" and (p.lower_ in OBJECT_PREPS or p.lower_ in SUBJECT_PREPS):
                    marked.update(pobj(s, p))
        elif (c.dep_ == "prep" or (c.dep_ == "dative" and c.pos_ == "ADP")) and c.lower_ in OBJECT_PREPS:
            if direct and c.lower_ not in ("to", "with", "for"):
                continue
            marked.update(pobj(s, c))
    if verb.dep_ == "relcl":  # "a policy which the UN criticised" parsed with two subjects
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        if len(subjects) >= 2 and any(c.lower_ in ("which", "that") for c in subjects):
            direct.update(antecedent(s, verb))
    if direct:  # "sanctioned Iran over plots against X": the direct object is the object
        return direct
    return marked


def pobj(s: Sentence, prep: Any, depth: int = 0) -> dict[str, float]:
    out: dict[str, float] = {}
    for g in prep.children:
        if g.dep_ in ("pobj", "pcomp"):
            found = s.np(g)
            if not found and depth < 2:  # "restrictions on flights to Cuba"
                for p in g.children:
                    if p.dep_ == "prep" and p.lower_ in OBJECT_PREPS:
                        found.update({k: v * 0.9 for k, v in pobj(s, p, depth + 1).items()})
            out.update(found)
    for g in prep.children:  # "to X and to Y"
        if g.dep_ == "conj" and g.pos_ == "ADP":
            out.update(pobj(s, g))
    return out


def between(s: Sentence, noun: Any) -> dict[str, float] | None:
    """Actors of "between X and Y" on the noun or on its "of" phrase ("memoranda of understanding between")."""
    t = noun
    for _ in range(3):
        nxt = None
        for p in t.children:
            if p.dep_ == "prep" and p.lower_ == "between":
                found = pobj(s, p)
                return found if len(found) >= 2 else None
            if p.dep_ == "prep" and p.lower_ == "of":
                nxt = next((g for g in p.children if g.dep_ in ("pobj", "pcomp")), None)
        if nxt is None:
            return None
        t = nxt
    return None


def arg_of(s: Sentence, tok: Any, verb: Any) -> Any:
    """The child of ``verb`` whose subtree holds ``tok``."""
    t = tok
    while t.head.i != verb.i and t.head.i != t.i:
        t = t.head
    return t


def governing_verb(s: Sentence, noun: Any) -> tuple[Any | None, list[str]]:
    """The verb above ``noun`` and the dependency labels and prepositions on the way."""
    t = noun
    path: list[str] = []
    for _ in range(10):
        if t.head.i == t.i:
            return None, path
        path.append(t.dep_)
        if t.dep_ == "prep":
            path.append(t.lower_)
        t = t.head
        if t.pos_ in ("VERB", "AUX"):
            return t, path
    return None, path


def relative_clauses(s: Sentence, noun: Any) -> list[Any]:
    """Relative clauses of which ``noun`` is the object, also when the parser hung them one noun lower."""
    out = []
    frontier = [(noun, 0)]
    while frontier:
        t, depth = frontier.pop()
        for c in t.children:
            if c.dep_ == "relcl" and any(g.dep_ in ("nsubjpass", "dobj") and g.lower_ in ("which", "that")
                                         for g in c.children):
                out.append(c)
            elif depth < 2 and c.dep_ in ("relcl", "acl", "dobj", "pobj", "prep", "xcomp"):
                frontier.append((c, depth + 1))
    return out


def of_head(s: Sentence, noun: Any) -> Any | None:
    """The noun whose "of" phrase ``noun`` is in ("the withholding of aid" → withholding)."""
    if noun.dep_ in ("pobj",) and noun.head.lower_ == "of" and noun.head.head.pos_ in ("NOUN", "PROPN"):
        return noun.head.head
    return None


def in_addition(s: Sentence, noun: Any) -> bool:
    t = noun
    for _ in range(8):
        if t.lower_ == "in" and any(c.lower_ == "addition" for c in t.children):
            return True
        if t.head.i == t.i:
            return False
        t = t.head
    return False
