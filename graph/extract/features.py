"""Features of a candidate pair: what the model sees.

- the dependency path between the two actors (labels, the words on it, the word where it meets);
- each actor's role: its dependency label, the word it hangs on, the preposition that introduces it,
  how it is named (name, demonym, capital, person, a reference);
- the cue phrases of the ontology in the sentence, and whether they lie on that path or between the two;
- what the rules read off the parse for this pair (relation and direction);
- negation, modal verbs, hedges, conditionals, questions and verbs of wishing or planning on the way;
- the words between the two, whether they only separate items of a list, and a place ("in X").

Features are strings (value 1.0) except the rules' confidences.  Relation names in them come from the
ontology, through the cue index and the rules; none is spelled here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .candidates import Anchor, Candidate, head_chain
from .compiled import Compiled, Cue
from .rules import Sentence, facts_in_sentence, opinion
from .rules import match as cue_length
from .rules.modality import irrealis, negates, unreal_head
from .words import CONDITIONAL_MARKS, HEDGES, IRREALIS_COMP, IRREALIS_OBJ, MODALS

__all__ = ["SentenceFeatures", "pair_features", "UNASSERTED", "VENUE"]

UNASSERTED = "unasserted"  # the sentence questions, denies or only plans what links the pair: no fact
VENUE = "venue"  # one of the two is only where something happened ("signed in Paris"): no symmetric relation

LIST_WORDS = frozenset({",", "and", "or", "&", "as", "well", "the", "both", "also", ";"})
PLACE_PREPS = frozenset({"in", "at", "near", "inside", "outside", "across", "throughout"})
FUTURE = frozenset({"will", "shall", "'ll", "wo"})
MAX_PATH = 7
RULE_SCALE = 6.0  # the rules' confidence enters at this scale, so the penalty on weights does not drown it


@dataclass
class CueHit:
    cue: Cue
    head: Any  # the root token of the cue's words
    start: int
    end: int


@dataclass
class SentenceFeatures:
    """What is computed once per sentence and shared by its candidates."""

    sentence: Sentence
    cues: list[CueHit] = field(default_factory=list)
    rule_facts: dict[tuple[str, str, str], float] = field(default_factory=dict)
    question: bool = False
    conditional: bool = False
    n_actors: int = 0
    opinions: set[int] = field(default_factory=set)  # heads of opinion cues ("agree that ...")

    @classmethod
    def of(cls, s: Sentence, rules: Compiled) -> SentenceFeatures:
        out = cls(s)
        toks = list(s.sent)
        for idx, tok in enumerate(toks):
            for form in {tok.lower_, tok.lemma_.lower()}:
                for cue in rules.cues.get(form, ()):
                    n = cue_length(toks, idx, cue.words)
                    if n:
                        span = s.sent.doc[tok.i:tok.i + n]
                        if cue.opinion and opinion(span.root):
                            out.opinions.add(span.root.i)  # "A and B agree that ...": no agreement
                            continue
                        out.cues.append(CueHit(cue, span.root, tok.i, tok.i + n))
        for subj, rel, obj, conf in facts_in_sentence(s, rules):
            key = (subj, rel, obj)
            out.rule_facts[key] = max(out.rule_facts.get(key, 0.0), conf)
        text = s.sent.text.rstrip().rstrip('"”’\'')
        out.question = text.endswith("?")
        out.conditional = any(t.lower_ in CONDITIONAL_MARKS and t.dep_ == "mark" for t in s.sent)
        out.n_actors = len({m.actor for m in s.mentions} | {a for p in s.pairs.values() for a in p} | set(s.previous))
        return out


def _bucket(n: int, edges: tuple[int, ...] = (0, 1, 2, 3, 5, 8, 12, 20)) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return f">{edges[-1]}"


def _path(ta: Any, tb: Any) -> tuple[list[Any], Any, list[Any]]:
    """(tokens from ``ta`` up to the meeting point, the meeting point, tokens from ``tb`` up to it)."""
    ca, cb = head_chain(ta), head_chain(tb)
    ib = {t.i: n for n, t in enumerate(cb)}
    for n, t in enumerate(ca):
        if t.i in ib:
            return ca[:n], t, cb[:ib[t.i]]
    return ca, ca[-1], cb  # different roots (a parse that splits the sentence)


def _lift(tok: Any) -> Any:
    """The head of the list or apposition ``tok`` is part of ("C" in "A, B and C" → "A"):
    every member of a list then has the same path to the rest of the sentence."""
    t = tok
    for _ in range(12):
        if t.dep_ in ("conj", "appos") and t.head.i != t.i:
            t = t.head
        else:
            break
    return t


def _np_top(tok: Any) -> Any:
    """Climb from a name to the noun phrase it sits in ("U.S." → "officials" in "U.S. officials")."""
    t = tok
    for _ in range(4):
        if t.dep_ in ("compound", "amod", "nmod", "flat", "poss") and t.head.i != t.i and t.head.pos_ in ("NOUN", "PROPN"):
            t = t.head
        else:
            break
    return t


def _role(prefix: str, tok: Any, anchor: Anchor, rules: Compiled, actor: str, out: dict[str, float]) -> None:
    out[f"k{prefix}:{anchor.kind}"] = 1.0
    out[f"t{prefix}:{rules.actor_kind.get(actor, '?')}"] = 1.0
    out[f"d{prefix}:{tok.dep_}"] = 1.0
    top = _np_top(tok)
    if top.i != tok.i:
        out[f"n{prefix}:{top.lemma_.lower()}"] = 1.0
    out[f"r{prefix}:{top.dep_}"] = 1.0
    out[f"h{prefix}:{top.head.lemma_.lower()}"] = 1.0
    if top.dep_ == "pobj":
        prep = top.head.lower_
        out[f"p{prefix}:{prep}"] = 1.0
        out[f"pp{prefix}:{prep}:{top.head.head.lemma_.lower()}"] = 1.0
        if prep in PLACE_PREPS:
            out[f"place{prefix}"] = 1.0
    if tok.i - tok.sent.start <= 2 and tok.i + 1 < tok.sent.end and tok.nbor(1).text in ("-", "—", "–", ":", "/"):
        out["dateline"] = 1.0


def _modality(tokens: list[Any], out: dict[str, float], prefix: str) -> None:
    for t in tokens:
        lemma = t.lemma_.lower()
        if lemma in IRREALIS_COMP or lemma in IRREALIS_OBJ:
            out[f"{prefix}irr:{lemma}"] = 1.0
        for ch in t.children:
            if negates(ch):
                out[f"{prefix}neg"] = 1.0
            elif ch.dep_ in ("aux", "auxpass"):
                if ch.lower_ in MODALS:
                    out[f"{prefix}modal"] = 1.0
                    out[f"{prefix}modal:{ch.lower_}"] = 1.0
                elif ch.lower_ in FUTURE:
                    out[f"{prefix}future"] = 1.0
                elif ch.lower_ == "to":
                    out[f"{prefix}to"] = 1.0
            elif ch.dep_ in ("amod", "advmod", "compound", "acomp") and ch.lower_ in HEDGES:
                out[f"{prefix}hedge"] = 1.0
            elif ch.dep_ == "mark" and ch.lower_ in CONDITIONAL_MARKS:
                out[f"{prefix}cond"] = 1.0


def pair_features(c: Candidate, sf: SentenceFeatures, rules: Compiled) -> dict[str, float]:
    """The features of candidate ``c`` in its sentence."""
    doc = sf.sentence.sent.doc
    out: dict[str, float] = {"bias": 1.0}
    # the two anchors closest in the parse
    best: tuple[int, int, Anchor, Anchor, tuple[list[Any], Any, list[Any]]] | None = None
    for x in c.anchors_a:
        for y in c.anchors_b:
            if x.i == y.i:
                continue
            up, lca, down = _path(_lift(doc[x.i]), _lift(doc[y.i]))
            key = (len(up) + len(down), abs(x.i - y.i))
            if best is None or key < best[:2]:
                best = (key[0], key[1], x, y, (up, lca, down))
    if best is None:  # both actors only in one shared phrase ("the two countries")
        out["same_anchor"] = 1.0
        x, y = c.anchors_a[0], c.anchors_b[0]
        up, lca, down = [], doc[x.i], []
    else:
        _, _, x, y, (up, lca, down) = best
    ta, tb = doc[x.i], doc[y.i]
    first, second = (ta, tb) if ta.i <= tb.i else (tb, ta)
    la, lb = _lift(ta), _lift(tb)
    if la.i != ta.i:
        out["listA"] = 1.0
    if lb.i != tb.i:
        out["listB"] = 1.0
    _role("A", la, x, rules, c.a, out)
    _role("B", lb, y, rules, c.b, out)
    out[f"kAB:{x.kind}|{y.kind}"] = 1.0
    out[f"tAB:{rules.actor_kind.get(c.a, '?')}|{rules.actor_kind.get(c.b, '?')}"] = 1.0
    if (c.a, c.b) in rules.memberships:  # the reference data knows A belongs to B
        out["member:>"] = 1.0
    elif (c.b, c.a) in rules.memberships:
        out["member:<"] = 1.0

    # the dependency path
    lca_lemma = lca.lemma_.lower()
    n_edges = len(up) + len(down)
    if n_edges <= MAX_PATH:
        deps = "".join(f"{t.dep_}<" for t in up) + "^" + "".join(f">{t.dep_}" for t in reversed(down))
        out[f"path:{deps}"] = 1.0
        out[f"pathw:{deps}|{lca_lemma}"] = 1.0
    else:
        out["path:long"] = 1.0
    out[f"plen:{_bucket(n_edges)}"] = 1.0
    out[f"lca:{lca_lemma}"] = 1.0
    out[f"lcapos:{lca.pos_}"] = 1.0
    inner = [t for t in up[1:]] + [t for t in down[1:]]
    for t in inner:
        if not t.is_punct:
            out[f"on:{t.lemma_.lower()}"] = 1.0
    ra = _np_top(la).dep_ if la.i != lca.i else "lca"
    rb = _np_top(lb).dep_ if lb.i != lca.i else "lca"
    out[f"svo:{ra}|{lca_lemma}|{rb}"] = 1.0
    out[f"svo_d:{ra}|{lca.pos_}|{rb}"] = 1.0

    # what governs the pair: "the dispute between A and B", "tensions with B" (words above their meeting point)
    above = head_chain(lca)[1:4]
    for n, t in enumerate(above):
        if t.pos_ != "ADP":
            out[f"above:{t.lemma_.lower()}"] = 1.0
        if n == 0:
            out[f"above1:{t.lemma_.lower()}"] = 1.0
    for name, tok in (("A", la), ("B", lb)):
        for t in head_chain(tok)[1:4]:
            if t.pos_ not in ("ADP", "PROPN", "DET"):
                out[f"up{name}:{t.lemma_.lower()}"] = 1.0

    # coordination: "A, B and C" side by side (one list, or one apposition)
    if la.i == lb.i:
        gov = la.head if la.head.i != la.i else la
        out["coord"] = 1.0
        out[f"coord:{la.dep_}|{gov.lemma_.lower()}"] = 1.0
        out[f"coordd:{la.dep_}"] = 1.0

    # words between the two
    between = [t for t in doc[first.i + 1:second.i]]
    out[f"dist:{_bucket(len(between))}"] = 1.0
    words = [t for t in between if not t.is_punct or t.text in (",", ";")]
    if words and all(t.lower_ in LIST_WORDS or t.pos_ in ("PROPN", "DET") for t in words):
        out["btw:listlike"] = 1.0
    for t in between[:12]:
        if not t.is_punct and not t.is_stop:
            out[f"btw:{t.lemma_.lower()}"] = 1.0
    actor_tokens = {a.i for a in c.anchors_a + c.anchors_b}
    others = sum(1 for i in sf.sentence.at if first.i < i < second.i and i not in actor_tokens)
    out[f"others_btw:{_bucket(others, (0, 1, 2, 4))}"] = 1.0
    out[f"nact:{_bucket(sf.n_actors, (2, 3, 4, 6))}"] = 1.0
    if first.i > sf.sentence.lo:
        out[f"w-1:{doc[first.i - 1].lower_}"] = 1.0
    if second.i + 1 < sf.sentence.hi:
        out[f"w+1:{doc[second.i + 1].lower_}"] = 1.0

    # cue phrases of the ontology
    path_ids = {t.i for t in up} | {t.i for t in down} | {lca.i}
    up_ids = {t.i for t in up}
    for hit in sf.cues:
        rel = hit.cue.relation
        out[f"cue:{rel}"] = 1.0
        covered = set(range(hit.start, hit.end))
        if covered & path_ids or hit.head.i in path_ids:
            side = "lca" if lca.i in covered else "A" if covered & up_ids else "B"
            out[f"cuep:{rel}"] = 1.0
            out[f"cuep:{rel}|{side}"] = 1.0
            out[f"cuepath:{rel}|{ra}|{rb}"] = 1.0
            if hit.cue.agent:
                out[f"cuep_agent:{rel}|{side}"] = 1.0
            if hit.cue.inverse:
                out[f"cuep_inverse:{rel}|{side}"] = 1.0
            _modality([hit.head], out, "cue_")
        elif hit.head.i in {t.i for t in above} or any(hit.start <= t.i < hit.end for t in above):
            out[f"cueg:{rel}"] = 1.0  # the cue governs the pair: "sanctions on A and B", "dispute between A and B"
        elif first.i < hit.start < second.i:
            out[f"cueb:{rel}"] = 1.0
        else:
            out[f"cueo:{rel}"] = 1.0

    # what the rules read
    for (s, rel, o), conf in sf.rule_facts.items():
        if {s, o} != {c.a, c.b}:
            continue
        if rel in rules.symmetric:
            out[f"rule:{rel}"] = conf * RULE_SCALE
        else:
            out[f"rule:{rel}:{'>' if s == c.a else '<'}"] = conf * RULE_SCALE
        out["rule:any"] = 1.0

    # modality on the way between the two and at their meeting point
    _modality([*up, lca, *down], out, "")
    if not asserted([*up, lca, *down], lca, sf):
        out[UNASSERTED] = 1.0
    if (out.get("placeA") or out.get("placeB")) and not any(h.cue.stationed for h in sf.cues) and not any(
            {s, o} == {c.a, c.b} for s, _, o in sf.rule_facts):
        out[VENUE] = 1.0
    if sf.question:
        out["question"] = 1.0
    if sf.conditional:
        out["s_cond"] = 1.0
    return out


def asserted(path: list[Any], lca: Any, sf: SentenceFeatures) -> bool:
    """Whether the sentence asserts what links the pair: not a question, a denial on the way between the
    two, an opinion ("agree that"), or a plan, wish or hypothesis at their meeting point."""
    if sf.question:
        return False
    for t in path:
        if t.i in sf.opinions:
            return False
        if unreal_head(t) and any(c.dep_ in ("xcomp", "prep") for c in t.children):
            return False  # "is about to sign", "on the verge of joining"
        if any(negates(c) for c in t.children):
            return False
    if irrealis(sf.sentence, lca):
        return False
    on_path = {t.i for t in path}
    at = sf.sentence.at  # a cue inside an actor's name ("Union") links no one
    hits = [h for h in sf.cues if h.head.i in on_path and not any(i in at for i in range(h.start, h.end))]
    # the cues that link the two are all denied, undone or hypothetical ("lifted sanctions on X")
    return not hits or not all(irrealis(sf.sentence, h.head, h.cue.agent) for h in hits)
