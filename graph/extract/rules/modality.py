"""Negation, hedges and modality: whether a sentence asserts a cue or only denies, questions or hypothesises it."""

from __future__ import annotations

from typing import Any

from ..words import (
    CONDITIONAL_MARKS,
    HEDGES,
    IRREALIS_COMP,
    IRREALIS_OBJ,
    MODALS,
    NEGATIONS,
    OBJECT_PREPS,
    REPORTING,
    UNREAL_HEADS,
    UNREAL_NOUNS,
)
from .grammar import Sentence


def negates(dep: Any) -> bool:
    """Whether the dependent ``dep`` negates its head ("not", "never", "no deal", "without")."""
    return dep.dep_ == "neg" or (dep.dep_ in ("det", "advmod", "preconj") and dep.lower_ in NEGATIONS)


def unreal_head(tok: Any) -> bool:
    """A word that puts what follows it in the future or in doubt ("about to", "on the verge of")."""
    return tok.lemma_.lower() in UNREAL_HEADS and tok.pos_ != "ADP"


def irrealis(s: Sentence, cue: Any, agent: bool = False) -> bool:
    """True when the sentence denies, questions or only hypothesises the cue.

    An agent noun ("allies such as Poland") names a standing relation: a
    wish or request about what the allies should do does not undo it.
    """
    state_noun = agent and cue.dep_ in ("nsubj", "dobj", "pobj", "appos", "conj")
    embedded = False  # in an "of" phrase of another noun: a presupposed state, not the clause's event
    if s.sent.text.rstrip().rstrip('"”’\'').endswith("?"):
        return True
    t = cue
    for _ in range(12):
        for c in t.children:
            if negates(c):
                return True
            if c.dep_ in ("aux", "auxpass") and c.lower_ in MODALS:
                return True
            if c.dep_ == "advmod" and c.lower_ == "yet" and any(g.dep_ == "xcomp" for g in t.children):
                return True  # "has yet to be signed", "is yet to join"
            if c.dep_ == "mark" and c.lower_ in CONDITIONAL_MARKS:
                return True
            if c.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ in CONDITIONAL_MARKS for g in c.children):
                return True  # the main clause of "if ..., X will ..." is hypothetical
            if c.dep_ in ("amod", "advmod", "compound", "acomp") and c.lower_ in HEDGES:
                return True
        head, dep = t.head, t.dep_
        if head.i == t.i:
            break
        if dep == "pobj" and head.lower_ == "of" and head.head.pos_ == "NOUN" and t.pos_ in ("NOUN", "PROPN"):
            if head.head.lemma_ in UNREAL_NOUNS:
                return True  # "the possibility of an alliance", "talks on the creation of a trade zone"
            embedded = True
        hedgeable = not state_noun and not embedded
        if unreal_head(head) and head.i != cue.i and hedgeable:
            return True  # "on the verge of signing", "poised to join"
        if dep in ("xcomp", "ccomp", "acl", "relcl", "pcomp") and head.lemma_ in IRREALIS_COMP and head.i != cue.i \
                and hedgeable:
            return True
        if dep in ("dobj", "nsubjpass") and head.lemma_ in IRREALIS_OBJ and head.i != cue.i and hedgeable:
            return True
        if dep == "pobj" and head.head.lemma_ in IRREALIS_OBJ and head.lower_ in ("for", "on", "of", "to") \
                and hedgeable:
            return True  # "called for sanctions", "voted on a ban"
        if dep in ("conj", "parataxis", "advcl", "relcl", "acl") and t.pos_ in ("VERB", "AUX"):
            break  # another clause: its negation is its own
        if dep == "ccomp" and head.lemma_ in REPORTING:
            break
        t = head
    return False


def qualified(s: Sentence, head: Any, qualifiers: frozenset[str]) -> bool:
    for n, t in enumerate(head.subtree):
        if n > 40:
            break
        if t.lemma_.lower() in qualifiers or t.lower_ in qualifiers:
            return True
    if head.head.lemma_.lower() in qualifiers:
        return True
    if head.dep_ == "dobj":  # "increased cooperation ... with the navies of X"
        for p in head.head.children:
            if p.dep_ == "prep" and p.lower_ in OBJECT_PREPS:
                if any(t.lemma_.lower() in qualifiers for t in p.subtree):
                    return True
    return False
