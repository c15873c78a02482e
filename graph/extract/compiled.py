"""What is compiled from a vocabulary for the extractor: the actor phrase matcher and the cue index.

Cached per process and per vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..vocab import Vocabulary
from .nlp import _pipeline


@dataclass(frozen=True)
class Cue:
    relation: str
    words: tuple[str, ...]
    agent: bool = False  # the cue noun names the subject ("creditor"): possessor / "of" is the object
    inverse: bool = False  # the grammatical subject is the relation's object ("owe")
    qualifiers: frozenset[str] | None = None  # a generic cue: needs one of these in its phrase
    locative: bool = False  # "met in Moscow": the place is the object
    plain: bool = True  # also read with the ordinary subject/object rules
    collective: bool = False  # "G7 is a group of countries, A, B": members
    travel: bool = False  # "flew to Manila", "during a visit to Lusaka": the destination is the object
    official: bool = False  # a travel verb that counts only when a person or an official travels ("went to")
    opinion: bool = False  # with a clause as complement it states an opinion ("agree that ...")
    stationed: bool = False  # forces or bases: "in X" names a party ("US troops in Iraq")


@dataclass
class Compiled:
    matcher: Any
    surfaces: dict[int, tuple[str, str]]  # matcher key -> (actor id, kind)
    cues: dict[str, list[Cue]]  # first word -> cues, longest first
    symmetric: frozenset[str]
    object_kind: dict[str, str | None]
    actor_kind: dict[str, str]
    agent_words: frozenset[str] = frozenset()  # last words of agent cues ("member", "ally")
    memberships: frozenset[tuple[str, str]] = frozenset()  # (member, organisation) from the reference data


_RULES: dict[int, tuple[Vocabulary, Compiled]] = {}


def compiled(vocab: Vocabulary) -> Compiled:
    hit = _RULES.get(id(vocab))
    if hit is not None and hit[0] is vocab:
        return hit[1]
    rules = _compile(vocab)
    while len(_RULES) >= 4:  # a few vocabularies per process at most
        del _RULES[next(iter(_RULES))]
    _RULES[id(vocab)] = (vocab, rules)  # keeps vocab alive, so its id is not reused
    return rules


KIND_RANK = {"name": 0, "alias": 1, "person": 2, "capital": 3, "metonym": 3, "demonym": 4}


def _compile(vocab: Vocabulary) -> Compiled:
    from spacy.matcher import PhraseMatcher

    nlp = _pipeline()
    by_surface: dict[str, dict[str, str]] = {}
    for text, actor_id, kind in vocab.names():
        text = " ".join(text.split())
        if not text or not any(ch.isupper() for ch in text):
            continue  # lower-case surfaces would match ordinary words
        ids = by_surface.setdefault(text, {})
        if actor_id not in ids or KIND_RANK[kind] < KIND_RANK[ids[actor_id]]:
            ids[actor_id] = kind
        if text.lower().startswith("the ") and len(text) > 4:  # "the Kremlin" also as "Kremlin"
            by_surface.setdefault(text[4:], {}).setdefault(actor_id, kind)
    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    surfaces: dict[int, tuple[str, str]] = {}
    for n, (text, ids) in enumerate(sorted(by_surface.items())):
        if len(ids) != 1:
            continue  # ambiguous surface: stands for no one
        ((actor_id, kind),) = ids.items()
        name = f"ag-actor-{n}"
        surfaces[nlp.vocab.strings.add(name)] = (actor_id, kind)
        matcher.add(name, [nlp.make_doc(text)])
    cues: dict[str, list[Cue]] = {}
    for rel in vocab.relations.values():
        agent, inverse = set(rel.agent_cues), set(rel.inverse_cues)
        qualified, locative, collective = set(rel.qualified_cues), set(rel.locative_cues), set(rel.collective_cues)
        travel, opinion, stationed = set(rel.travel_cues), set(rel.opinion_cues), set(rel.stationed_cues)
        plain = set(rel.plain_cues) | agent | (inverse - travel) | qualified
        for cue in rel.cues:
            words = tuple(w for w in re.split(r"[\s]+", cue.lower().strip()) if w)
            if words:
                cues.setdefault(words[0], []).append(Cue(
                    rel.name, words, agent=cue in agent, inverse=cue in inverse,
                    qualifiers=frozenset(q.lower() for q in rel.qualifiers) if cue in qualified else None,
                    locative=cue in locative, plain=cue in plain, collective=cue in collective,
                    travel=cue in travel, official=cue in travel and cue not in rel.plain_cues,
                    opinion=cue in opinion, stationed=cue in stationed))
    for lst in cues.values():
        lst.sort(key=lambda c: (-len(c.words), c.relation))
    return Compiled(
        matcher=matcher,
        surfaces=surfaces,
        cues=cues,
        symmetric=frozenset(r.name for r in vocab.relations.values() if r.symmetric),
        object_kind={r.name: r.object_kind for r in vocab.relations.values()},
        actor_kind={a.id: a.kind for a in vocab.actors.values()},
        agent_words=frozenset(c.split()[-1].lower() for r in vocab.relations.values() for c in r.agent_cues if c.split()),
        memberships=frozenset((m, a.id) for a in vocab.actors.values() for m in a.members),
    )
