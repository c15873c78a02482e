"""The rules: cue phrases from the ontology, read off the dependency parse.

For each cue in a sentence the rules find its subject and object actors
(``arguments``) unless the sentence denies, questions or hypothesises it
(``modality``).  Their output is one of the features of the learned model.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..compiled import Compiled, Cue
from .arguments import arguments, collective_args, locative_args, travel_args
from .grammar import Args, Sentence
from .modality import irrealis, qualified

__all__ = ["Sentence", "facts_in_sentence", "opinion"]


def facts_in_sentence(s: Sentence, rules: Compiled) -> Iterator[tuple[str, str, str, float]]:
    sent = s.sent
    used: set[tuple[str, int]] = set()
    toks = list(sent)
    for idx, tok in enumerate(toks):
        forms = {tok.lower_, tok.lemma_.lower()}
        for first in forms:
            for cue in rules.cues.get(first, ()):
                n = match(toks, idx, cue.words)
                if not n:
                    continue
                if (cue.relation, tok.i) in used:
                    continue
                span_toks = toks[idx : idx + n]
                if any(t.pos_ == "PROPN" and t.text[:1].isupper() for t in span_toks):
                    continue  # part of a name: "Free Trade Area", "Treaty of Rome" is a name, not a cue
                for t in span_toks:
                    used.add((cue.relation, t.i))
                span = sent.doc[tok.i : tok.i + n]
                head = span.root
                if head.dep_ == "compound" and not cue.agent and head.head.lemma_.lower() in rules.agent_words:
                    continue  # "treaty allies", "trade rivals": the noun it modifies says what they are
                if irrealis(s, head, cue.agent) or (cue.opinion and opinion(head)):
                    continue
                if cue.qualifiers is not None and not qualified(s, head, cue.qualifiers):
                    continue
                args = Args()
                if cue.travel and head.pos_ in ("VERB", "AUX"):
                    travel_args(s, head, cue, args)
                    if cue.official or (args.subjects and args.objects):
                        yield from pairs(args, cue, rules)
                        continue
                    args = Args()
                if cue.collective:
                    collective_args(s, head, args)
                if cue.plain and not args.subjects:
                    args = arguments(s, head, cue, (tok.i, tok.i + n))
                if cue.locative and not (args.subjects and args.objects):
                    args = Args()
                    locative_args(s, head, args)
                yield from pairs(args, cue, rules)


def match(toks: list[Any], idx: int, words: tuple[str, ...]) -> int:
    """Tokens covered by the cue ``words`` from ``toks[idx]``, 0 when it does not match there.

    Adverbs and adjectives may come between the words of a verb cue ("stood firmly behind",
    "expressed deep concern").
    """
    k = idx
    for n, w in enumerate(words):
        while n and k < len(toks) and toks[k].pos_ in ("ADV", "ADJ") and toks[k].lower_ != w and toks[idx].pos_ in (
                "VERB", "AUX") and k - idx < len(words) + 2:
            k += 1
        if k >= len(toks) or (toks[k].lower_ != w and toks[k].lemma_.lower() != w):
            return 0
        k += 1
    return k - idx


def opinion(head: Any) -> bool:
    """"A and B agree that ...": the cue verb's complement is a clause, so it states an opinion."""
    return head.pos_ in ("VERB", "AUX") and any(
        c.dep_ == "ccomp" or (c.dep_ == "mark" and c.lower_ == "that") for c in head.children)


def pairs(args: Args, cue: Cue, rules: Compiled) -> Iterator[tuple[str, str, str, float]]:
    symmetric = cue.relation in rules.symmetric
    subjects, objects = args.subjects, args.objects
    if symmetric and not objects and len(subjects) >= 2 and args.joint:
        names = sorted(subjects)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                yield a, cue.relation, b, min(subjects[a], subjects[b]) * 0.9
        return
    if symmetric and not subjects and len(objects) >= 2:
        return
    want = rules.object_kind.get(cue.relation)
    for s, cs in subjects.items():
        for o, co in objects.items():
            if s == o:
                continue
            if want and rules.actor_kind.get(o) != want:
                continue
            if want and rules.actor_kind.get(s) == want:
                continue
            yield s, cue.relation, o, cs * co
