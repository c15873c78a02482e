"""Text → ``Fact``s, in stages, each a module of this package.

1. ``nlp``        the spaCy pipeline, loaded once per process, and the blocks of text it parses;
2. ``mentions``   actor mentions from the ontology's gazetteer (``compiled``), and references
                  to actors named earlier ("the two countries", "he");
3. ``rules``      cue phrases from the ontology read off the dependency parse: which actors a cue
                  relates, unless the sentence denies, questions or hypothesises it.

``extract`` is a pure function of its inputs.  The one thing kept between
calls is the spaCy pipeline and what is compiled from a vocabulary for it
(the phrase matcher and the cue index), cached per process.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..model import Article, Fact
from ..vocab import Vocabulary
from .compiled import compiled
from .mentions import _HE, _TWO, Mention, find_mentions, previous_person, two_countries
from .nlp import MAX_SENT_TOKENS, MODEL_NAMES, _pipeline, blocks, load_pipeline
from .rules import Sentence, facts_in_sentence

__all__ = ["extract", "extract_many", "load_pipeline", "EXTRACTOR", "MODEL_NAMES"]

EXTRACTOR = "rules/1.1"


def extract(article: Article, vocab: Vocabulary) -> list[Fact]:
    """Facts stated by ``article``; a pure function of its inputs.

    One fact per (subject, relation, object) — unordered for symmetric
    relations — with the first sentence that states it as evidence.
    """
    return extract_many([article], vocab)[0]


def extract_many(articles: Iterable[Article], vocab: Vocabulary, batch_size: int = 64) -> list[list[Fact]]:
    """``extract`` for several articles at once (spaCy batches their blocks)."""
    rules = compiled(vocab)
    nlp = _pipeline()
    articles = list(articles)
    # article index, block offset, doc, mentions, the states mentioned so far in the article (offset, id)
    # and the people named so far (offset, id)
    jobs: list[tuple[int, int, Any, list[Mention], list[tuple[int, str]], list[tuple[int, str]]]] = []
    for n, article in enumerate(articles):
        history: list[tuple[int, str]] = []
        people: list[tuple[int, str]] = []
        for start, block in blocks(article.text):
            doc = nlp.make_doc(block)
            mentions = find_mentions(doc, rules)
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
            pairs = two_countries(sent, start, history)
            previous = previous_person(sent, start, people)
            named = {m.actor for m in ms} | {k for p in pairs.values() for k in p}
            if len(named | set(previous)) < 2:
                continue
            s = Sentence(sent, ms, rules, pairs, previous)
            for subj, rel, obj, conf in facts_in_sentence(s, rules):
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
