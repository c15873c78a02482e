"""Text → ``Fact``s, in stages, each a module of this package.

1. ``nlp``         the spaCy pipeline, loaded once per process, and the blocks of text it parses;
2. ``mentions``    actor mentions from the ontology's gazetteer (``compiled``), and phrases that refer
                   back to actors named earlier ("the two countries", "he");
3. ``documents``   the sentences worth reading: parsed, with their mentions;
4. ``candidates``  every pair of actors a sentence names;
5. ``rules``       the ontology's cue phrases read off the dependency parse (which actors a cue relates,
                   unless the sentence denies, questions or hypothesises it);
6. ``features``    what the model sees of a pair: the dependency path, roles, cues, the rules' reading,
                   negation and modality, lists and places;
7. ``classifier``  the learned model that decides for each pair which relations hold and in which
                   direction; ``train`` fits it on annotated text and curated facts.

``extract`` is a pure function of its inputs.  What is kept between calls is the spaCy pipeline,
what is compiled from a vocabulary for it (phrase matcher, cue index) and the model, cached per process.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..model import Article, Fact
from ..vocab import Vocabulary
from .candidates import Candidate, candidates
from .classifier import DEFAULT_MODEL, Model, fact_label, label_fact, load_model
from .compiled import Compiled, compiled
from .documents import Unit, read_sentences
from .features import UNASSERTED, VENUE, SentenceFeatures, pair_features
from .nlp import MODEL_NAMES, load_pipeline
from .rules import facts_in_sentence

__all__ = ["extract", "extract_many", "load_pipeline", "load_model", "EXTRACTOR", "RULES", "MODEL_NAMES",
           "DEFAULT_MODEL", "Model"]

EXTRACTOR = "learned/2.0"  # the name of the shipped model's facts
RULES = "rules/1.1"  # ``model="rules"``: the rules alone, without the model


def extract(article: Article, vocab: Vocabulary, model: Model | Path | str | None = None) -> list[Fact]:
    """Facts stated by ``article``; a pure function of its inputs.

    One fact per (subject, relation, object) — unordered for symmetric
    relations — with the first sentence that states it as evidence.
    ``model`` is a :class:`Model`, a model file, ``"rules"`` for the rules
    alone, or None for the model shipped in the package.
    """
    return extract_many([article], vocab, model=model)[0]


def extract_many(articles: Iterable[Article], vocab: Vocabulary, batch_size: int = 64,
                 model: Model | Path | str | None = None) -> list[list[Fact]]:
    """``extract`` for several articles at once (spaCy batches their blocks)."""
    rules = compiled(vocab)
    clf = None if model == "rules" else model if isinstance(model, Model) else load_model(model)
    articles = list(articles)
    found: list[dict[tuple[str, str, str], Fact]] = [{} for _ in articles]
    aggregate = clf is not None and clf.meta.get("aggregate")
    # article → fact → (probabilities of the sentences that lean to it, the most likely sentence, the
    # threshold of its label)
    weak: list[dict[tuple[str, str, str], tuple[list[float], Unit, float]]] = [{} for _ in articles]

    def add(unit: Unit, subj: str, rel: str, obj: str, conf: float) -> None:
        article = articles[unit.article]
        key = (subj, rel, obj) if rel not in rules.symmetric else (*sorted((subj, obj)), rel)
        if key in found[unit.article]:
            return
        a, b = unit.char_span(article)
        found[unit.article][key] = Fact(
            subject=subj,
            relation=rel,
            object=obj,
            article=article.path,
            evidence=article.text[a:b],
            char_start=article.offset + a,
            char_end=article.offset + b,
            confidence=round(max(0.05, min(1.0, conf)), 3),
            extractor=RULES if clf is None else clf.name,
            article_id=article.id,
            date=article.date,
        )

    for unit in read_sentences(articles, rules, batch_size):
        leaning: list[tuple[str, str, str, float, float]] | None = [] if aggregate else None
        stated = _rules_facts(unit, rules) if clf is None else _model_facts(unit, rules, clf, leaning)
        for subj, rel, obj, conf in stated:
            add(unit, subj, rel, obj, conf)
        for subj, rel, obj, p, t in leaning or ():
            if rel in rules.symmetric:
                subj, obj = sorted((subj, obj))
            ps, best, _ = weak[unit.article].get((subj, rel, obj), ([], unit, t))
            weak[unit.article][(subj, rel, obj)] = ([*ps, p], unit if p > max(ps, default=0.0) else best, t)
    for facts in weak:  # several sentences each leaning to a fact: the article states it (noisy-or)
        for (subj, rel, obj), (ps, unit, t) in facts.items():
            none = 1.0
            for p in ps:
                none *= 1.0 - p
            if len(ps) > 1 and 1.0 - none >= t:
                add(unit, subj, rel, obj, 1.0 - none)
    return [list(f.values()) for f in found]


def _rules_facts(unit: Unit, rules: Compiled) -> list[tuple[str, str, str, float]]:
    return list(facts_in_sentence(unit.sentence, rules))


def _model_facts(unit: Unit, rules: Compiled, clf: Model, leaning: list[tuple[str, str, str, float, float]] | None = None
                 ) -> list[tuple[str, str, str, float]]:
    """The model's facts for each candidate pair, beside the rules' facts.

    With ``rules_stand`` the rules' facts are kept, unless the model was refined on a user's
    corrections and now scores that fact's label under its veto floor (``meta["veto"]``: a rejected
    curated fact overrules the rules that read it).  No model fact comes from a pair whose link the
    sentence questions, denies or only plans, and no symmetric one from a pair of which one actor is
    only the place where something happened.
    """
    cands = candidates(unit.sentence)
    if not cands:
        return []
    sf = SentenceFeatures.of(unit.sentence, rules)
    veto = clf.meta.get("veto") or {}
    thresholds = dict(zip(clf.labels, clf.thresholds, strict=True))
    out: list[tuple[str, str, str, float]] = []
    scored: dict[frozenset[str], tuple[Candidate, dict[str, float]]] = {}
    for c in cands:
        feats = pair_features(c, sf, rules)
        scores = dict(zip(clf.labels, clf.scores(feats), strict=True))
        scored[frozenset((c.a, c.b))] = (c, scores)
        if feats.get(UNASSERTED):
            continue
        labels = clf.predict_scores(scores)
        if leaning is not None:  # under the threshold but over half of it: counted across sentences
            labels += [(lab, p) for lab, t in thresholds.items() if t / 2 <= (p := scores[lab]) < t]
        for label, p in labels:
            subj, rel, obj = label_fact(label, c.a, c.b)
            if feats.get(VENUE) and rel in rules.symmetric:
                continue  # a place is no party: "Ghana and Togo signed a pact in Paris"
            want = rules.object_kind.get(rel)
            if want and (rules.actor_kind.get(obj) != want or rules.actor_kind.get(subj) == want):
                continue  # "memberOf" needs an organisation as object and a state as subject
            if p < thresholds[label]:
                assert leaning is not None
                leaning.append((subj, rel, obj, p, thresholds[label]))
            else:
                out.append((subj, rel, obj, p))
    if clf.meta.get("rules_stand"):
        for (subj, rel, obj), conf in sf.rule_facts.items():
            hit = scored.get(frozenset((subj, obj)))
            if hit is not None:
                c, scores = hit
                label = fact_label(subj, rel, c.a, rules.symmetric)
                if label in veto and scores.get(label, 1.0) < veto[label]:
                    continue  # a user's correction overrules the rules here
            out.append((subj, rel, obj, conf))
    out.sort(key=lambda f: -f[3])
    return out
