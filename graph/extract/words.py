"""Generic English word lists the rules read: grammar, not vocabulary.

Relation cues and actor names live in ``ontology/``; these are function words,
reporting verbs, hedges and the like.
"""

from __future__ import annotations

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
    # "is about to sign", "poised to join", "on the verge of signing"
    "about", "poised", "due", "verge", "brink",
})
# words that put what follows them in the future or in doubt ("about to", "on the verge of")
UNREAL_HEADS = frozenset({"about", "verge", "brink", "poised", "due"})
# verbs of meeting someone, whose object is a participant ("received the minister")
MEETING_VERBS = frozenset({"meet", "visit", "host", "receive", "welcome"})
# verbs that list members or parties ("the members include A, B and C")
LISTING = frozenset({"include", "comprise", "consist", "number", "count"})
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
