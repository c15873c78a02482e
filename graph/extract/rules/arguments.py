"""The arguments of a cue: which actors are its subject and which its object."""

from __future__ import annotations

from typing import Any

from ..compiled import Cue
from ..words import (
    ATTITUDE,
    BLOCKING_PREPS,
    COPULAS,
    FROM_OBJECT_VERBS,
    HOLD,
    IRREALIS_OBJ,
    LISTING,
    MEETING_VERBS,
    OBJECT_PREPS,
    RECEIVE,
    SUBJECT_PREPS,
)
from .clauses import arg_of, between, governing_verb, in_addition, objects_of_verb, of_head, pobj, relative_clauses, subjects_of
from .grammar import Args, Sentence, first_person, is_amount


def arguments(s: Sentence, head: Any, cue: Cue, span: tuple[int, int]) -> Args:
    args = Args()
    if head.pos_ in ("VERB", "AUX") and not (cue.agent and head.pos_ != "VERB"):
        verb_args(s, head, args, span)
    else:
        noun_args(s, head, cue, args)
    for i in range(*span):  # the cue itself is no argument ("Russian Defense Minister" aside)
        m = s.at.get(i)
        if m is not None:
            args.subjects.pop(m.actor, None)
            args.objects.pop(m.actor, None)
    if cue.inverse:
        args.subjects, args.objects = args.objects, args.subjects
    return args


def verb_args(s: Sentence, verb: Any, args: Args, span: tuple[int, int] = (0, 0)) -> None:
    subj, passive = subjects_of(s, verb)
    args.subjects.update(subj)
    args.objects.update(objects_of_verb(s, verb))
    for c in verb.children:  # a preposition written in the cue ("invest in", "side with")
        if c.dep_ == "prep" and span[0] <= c.i < span[1]:
            args.objects.update(pobj(s, c))
    if not args.objects and verb.lemma_ in FROM_OBJECT_VERBS:  # "borrowed from China", "expelled ... from X"
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ == "from":
                args.objects.update(pobj(s, c))
    if not args.objects:  # "warned of a military response against Israel", "voiced concern about X"
        in_cue = [g for d in verb.children if span[0] <= d.i < span[1] for g in d.children]
        for c in [*verb.children, *in_cue]:
            if c.dep_ == "prep" and c.lower_ in ("of", "about"):  # not "concern about the drought in X"
                for g in c.children:
                    if g.dep_ == "pobj":
                        found = s.np(g, wide=False)
                        for p in g.children if not found else ():  # "a response against Israel"
                            if p.dep_ == "prep" and p.lower_ in OBJECT_PREPS:
                                found.update(pobj(s, p))
                        args.objects.update({k: v * 0.85 for k, v in found.items()})
    if not args.objects and not passive:  # "threatened to strike Iran"
        for c in verb.children:
            if c.dep_ == "xcomp":
                args.objects.update({k: v * 0.85 for k, v in objects_of_verb(s, c).items()})
    for k, v in passive.items():
        args.objects.setdefault(k, v)
    if verb.dep_ == "amod":  # "Iranian-backed militia"
        args.subjects.update(s.np(verb.head, wide=False))


def noun_args(s: Sentence, noun: Any, cue: Cue, args: Args) -> None:
    own_subj: dict[str, float] = {}
    own_obj: dict[str, float] = {}
    possessor: dict[str, float] = {}
    poss_pronoun = False
    preps = [c for c in noun.children if c.dep_ == "prep"]
    has_obj_prep = any(p.lower_ in OBJECT_PREPS for p in preps)
    for c in noun.children:
        if c.dep_ == "poss":
            if c.pos_ == "PRON":
                poss_pronoun = True
                possessor.update(s.speaker() if first_person(c) else s.pronoun_referent(c))
            else:
                possessor.update(s.np(c, wide=False))
        elif c.dep_ in ("amod", "compound", "nmod"):
            for k, v in s.np(c, wide=False).items():
                own_subj[k] = v * 0.9
    located: dict[str, float] = {}
    for p in preps:
        word = p.lower_
        if word == "between":
            continue
        elif word in SUBJECT_PREPS:
            own_subj.update(pobj(s, p))
            args.joint = False  # "imports from A, B and C": sources side by side, not parties to each other
        elif word == "of":
            (own_subj if (has_obj_prep and not cue.agent) else own_obj).update(pobj(s, p))
        elif word in OBJECT_PREPS:
            own_obj.update(pobj(s, p))
        elif word == "after" and cue.agent:  # "Y's second largest creditor, after Z"
            args.subjects.update({k: v * 0.8 for k, v in pobj(s, p).items()})
        elif word == "in":
            located.update({k: v * 0.8 for k, v in pobj(s, p).items()})
    if not own_obj:
        for c in relative_clauses(s, noun):  # "a coalition which was joined by X", "a deal which Y signed"
            if c.lemma_ in ATTITUDE or c.lemma_ in IRREALIS_OBJ:
                continue  # "a deal that Turkey rejected"
            outer, _ = subjects_of(s, c, 1)
            own_obj.update({k: v * 0.85 for k, v in outer.items() if k not in own_subj})
    parties = between(s, noun)
    if parties is not None and cue.relation in s.rules.symmetric:
        args.subjects.update(parties)
        args.joint = True
        return
    if cue.agent:
        agent_noun_args(s, noun, args, possessor, poss_pronoun, own_subj, own_obj)
        return
    # an event noun ("support", "sanctions", "alliance")
    args.subjects.update(possessor)
    args.subjects.update(own_subj)
    args.objects.update(own_obj)
    head_noun = of_head(s, noun)
    if head_noun is not None:  # "Russia's delivery of arms to X", "the presence of US troops in Iraq"
        hn_subj: dict[str, float] = {}
        for c in head_noun.children:
            if c.dep_ == "poss":
                hn_subj.update(s.pronoun_referent(c) if c.pos_ == "PRON" else s.np(c, wide=False))
            elif c.dep_ in ("compound", "amod", "nmod"):
                hn_subj.update(s.np(c, wide=False))
            elif c.dep_ == "prep" and c.lower_ in SUBJECT_PREPS:
                hn_subj.update(pobj(s, c))
            elif c.dep_ == "prep" and c.lower_ in OBJECT_PREPS and not args.objects:
                args.objects.update({k: v * 0.9 for k, v in pobj(s, c).items()})
            elif c.dep_ == "prep" and c.lower_ == "in":
                located.update({k: v * 0.8 for k, v in pobj(s, c).items()})
        if not args.subjects:
            args.subjects.update({k: v * 0.9 for k, v in hn_subj.items()})
    verb, path = governing_verb(s, noun)
    blocking = set(path) & BLOCKING_PREPS
    if blocking == {"in"} and verb is not None and (verb.lemma_ in COPULAS or in_addition(s, noun) or (
            noun.dep_ == "pobj" and noun.head.lower_ == "in" and is_amount(noun.head.head))):
        blocking = set()  # "X is in a conflict with Y", "in addition to the shipment of arms"
    if cue.travel:  # "during a visit to Lusaka, the minister ...", "was on a visit to India"
        blocking -= {"during", "on", "after", "before", "following", "since", "in", "at"}
    borrow = verb is not None and not blocking and not any(d in ("nsubj", "nsubjpass", "csubj") for d in path)
    if borrow and verb is not None and verb.lemma_ in RECEIVE and noun.dep_ == "dobj":
        # "Ukraine received aid from Poland", "India bought arms from Russia": the clause subject receives
        vsubj, _ = subjects_of(s, verb)
        giver = dict(own_subj)
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ == "from":
                giver.update(pobj(s, c))
        args.subjects.clear()
        args.subjects.update(giver)
        args.objects.update({k: v * 0.9 for k, v in vsubj.items() if k not in giver})
        return
    if borrow:
        assert verb is not None
        vsubj, vpassive = subjects_of(s, verb)
        under = noun.dep_ == "pobj" and noun.head.lower_ == "under"
        if under:  # "X is under EU sanctions"
            if args.subjects:
                args.objects.update(vsubj)
        elif not args.subjects and not (noun.dep_ == "dobj" and verb.lemma_ in ATTITUDE):
            args.subjects.update({k: v * 0.9 for k, v in vsubj.items()})
        if cue.inverse and not args.objects and noun.dep_ == "dobj" and verb.lemma_ in HOLD:
            args.objects.update({k: v * 0.9 for k, v in vsubj.items() if k not in args.subjects})  # "holds X's debt"
        if not args.objects and not under:
            own = arg_of(s, noun, verb)
            skip = own if own.i == s.top_np(noun).i else None  # the cue heads that argument: not an object
            args.objects.update({k: v * 0.85 for k, v in objects_of_verb(s, verb, skip=skip).items()
                                 if k not in args.subjects})
            for k, v in vpassive.items():
                args.objects.setdefault(k, v * 0.85)
    if not args.objects and (cue.stationed or cue.relation not in s.rules.symmetric):
        args.objects.update(located)  # "US troops in Iraq"; but "a pact signed in Paris" is not with France


def locative_args(s: Sentence, head: Any, args: Args) -> None:
    """"A and B met in Moscow", "a meeting between A and B in Moscow": A, B visited RUS."""
    participants: dict[str, float] = {}
    place: dict[str, float] = {}
    if head.pos_ in ("VERB", "AUX"):
        outer, _ = subjects_of(s, head)
        participants.update(outer)
        withs = []
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ == "with":
                withs.append(c)
            elif c.dep_ == "dobj":  # "held talks with X in Moscow"
                withs.extend(p for p in c.children if p.dep_ == "prep" and p.lower_ == "with")
                place.update(s.places(c))
                if head.lemma_ in MEETING_VERBS:  # "met the Ghanaian minister in Accra"
                    participants.update(s.np(c, wide=False))
        for w in withs:
            participants.update(pobj(s, w))
            for g in w.children:  # "talks with his counterpart in Moscow"
                if g.dep_ == "pobj" and not place:
                    place.update(s.places(g))
        place.update(s.places(head))
    else:
        participants.update(between(s, head) or {})
        for c in head.children:
            if c.dep_ in ("poss", "compound", "amod"):
                participants.update(s.np(c, wide=False))
            elif c.dep_ == "prep" and c.lower_ == "with":
                participants.update(pobj(s, c))
        place.update(s.places(head))
        verb, _ = governing_verb(s, head)
        if verb is not None and not place:
            place.update(s.places(verb))
        if verb is not None and not participants and verb.lemma_ in ("hold", "attend", "have", "host"):
            participants.update(subjects_of(s, verb)[0])
    # A place is no party: the host is a participant met at home ("A met B's minister in B's capital"),
    # or the place where a single foreign guest came; "A and B met in C" makes C no host.
    kinds = s.rules.actor_kind
    states = {k: v for k, v in participants.items() if kinds.get(k) == "State"}
    hosts = {k: v for k, v in place.items() if k in states}
    guests = {k: v for k, v in states.items() if k not in place}
    if not hosts and len(guests) == 1:
        hosts = place
    if hosts:
        args.subjects.update(guests)
        args.objects.update(hosts)


def travel_args(s: Sentence, verb: Any, cue: Cue, args: Args) -> None:
    """"X's foreign minister flew to Manila", "where Erdogan had travelled", "Putin hosted the Belarusian leader"."""
    kinds = s.rules.actor_kind
    travellers: list[Any] = []
    places: dict[str, float] = {}
    if cue.inverse:  # the host is the place, its guest the traveller
        travellers = [c for c in verb.children if c.dep_ == "dobj"]
        places.update(subjects_of(s, verb)[0])
        places.update(s.places(verb))
    else:
        t = verb
        for _ in range(4):
            subj = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subj or t.dep_ not in ("conj", "xcomp", "advcl") or t.head.i == t.i:
                break
            t = t.head
        travellers = [t.head if c.lower_ in ("who", "that") and t.dep_ == "relcl" else c  # "Lavrov, who flew"
                      for c in t.children if c.dep_ == "nsubj"]
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ in ("to", "in", "into"):  # the place itself, not "to Kyiv's aid"
                places.update({k: v for g in c.children if g.dep_ == "pobj" and g.i in s.at
                               for k, v in s.np(g, wide=False).items()})
            elif c.dep_ == "dobj" and cue.plain:  # "visited Japan"
                places.update(s.np(c, wide=False))
            elif c.dep_ == "advmod" and c.lower_ == "where" and verb.dep_ == "relcl" and verb.head.i in s.at:
                places.update(s.np(verb.head, wide=False))  # "Paris, where X had travelled", not "X airport, where"
    if cue.official:
        travellers = [t for t in travellers if s.official(t)]
    movers: dict[str, float] = {}
    for t in travellers:
        movers.update(s.person_np(t, verb))
    args.subjects.update({k: v for k, v in movers.items() if k not in places})
    args.objects.update({k: v for k, v in places.items() if kinds.get(k) == "State"})


def collective_args(s: Sentence, noun: Any, args: Args) -> None:
    """"G7 is a group of seven countries, A, B and C": A, B and C are members of G7."""
    kinds = s.rules.actor_kind
    if noun.dep_ == "attr":
        org, _ = subjects_of(s, noun.head)
    elif noun.dep_ == "appos":
        org = s.np(noun.head, wide=False)
    else:
        return
    org = {k: v for k, v in org.items() if kinds.get(k) == "Organization"}
    if not org:
        return
    members: dict[str, float] = {}
    for c in noun.children:
        if c.dep_ == "appos":
            members.update(s.np(c))
        elif c.dep_ == "prep" and c.lower_ in ("of", "including"):
            members.update(pobj(s, c))
    args.subjects.update({k: v * 0.9 for k, v in members.items() if kinds.get(k) == "State"})
    args.objects.update(org)


def agent_noun_args(s: Sentence, noun: Any, args: Args, possessor: dict[str, float], poss_pronoun: bool,
                    own_subj: dict[str, float], own_obj: dict[str, float]) -> None:
    """"Venezuela's creditor", "allies such as Germany", "X is a member of Y", "its members include A, B"."""
    holder: dict[str, float] = {}
    if noun.dep_ == "nsubj" and noun.head.lemma_ in LISTING:  # "the members of X include A, B and C"
        for c in noun.head.children:
            if c.dep_ in ("dobj", "attr"):
                holder.update(s.np(c))
            elif c.dep_ == "prep" and c.lower_ == "of":  # "consists of A and B"
                holder.update(pobj(s, c))
    for c in noun.children:
        if c.dep_ in ("appos",) or (c.dep_ == "prep" and c.lower_ in ("as", "including", "like")):
            holder.update(s.np(c) if c.dep_ == "appos" else pobj(s, c))
        elif c.dep_ == "amod" and c.lower_ == "such":
            for g in c.children:
                if g.dep_ == "prep":
                    holder.update(pobj(s, g))
    other: dict[str, float] = {}
    other.update(possessor)
    other.update(own_obj)
    other.update(own_subj)  # "NATO member", "Kremlin ally"
    top = s.top_np(noun)
    if not holder:
        if top.dep_ in ("attr", "acomp", "oprd"):  # "Moscow is Venezuela's creditor"
            outer, _ = subjects_of(s, top.head)
            holder.update(outer)
        elif top.dep_ == "appos":  # "Poland, a NATO member"
            holder.update(s.np(top.head, wide=False))
        elif top.dep_ in ("compound", "nmod", "amod"):  # "Russia's ally Belarus"
            m = s.at.get(top.head.i)
            if m is not None:
                holder[m.actor] = 0.85
    if not other:
        verb, _ = governing_verb(s, noun)
        if verb is not None:
            outer, _ = subjects_of(s, verb)
            if outer and not (set(outer) & set(holder)):
                other.update({k: v * 0.85 for k, v in outer.items()})
    if not holder and poss_pronoun:
        return
    args.subjects.update(holder)
    args.objects.update(other)
