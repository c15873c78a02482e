"""Articles → the sentences worth reading: parsed, with their actor mentions and references.

A block of text is parsed only when it can hold a fact: two actors named in it, or one actor and a
phrase that refers back to actors named earlier ("the two countries", "he").  Sentences longer than
``MAX_SENT_TOKENS`` are not read, so work per article stays bounded.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Article
from .compiled import Compiled
from .mentions import _HE, _TWO, Mention, find_mentions, previous_person, two_countries
from .nlp import MAX_SENT_TOKENS, _pipeline, blocks
from .rules import Sentence

__all__ = ["Unit", "read_sentences"]


@dataclass
class Unit:
    """One sentence of one article, ready for the rules and the model."""

    article: int  # index of the article in the batch
    block_start: int  # where the parsed block starts in ``article.text``
    sentence: Sentence  # the parsed sentence with its mentions and references

    @property
    def span(self) -> Any:
        return self.sentence.sent

    def char_span(self, article: Article) -> tuple[int, int]:
        """(start, end) of the sentence in ``article.text``, surrounding blanks left out."""
        text = self.span.text
        a = self.block_start + self.span.start_char + (len(text) - len(text.lstrip()))
        return a, a + len(text.strip())


def read_sentences(articles: Sequence[Article], rules: Compiled, batch_size: int = 64) -> Iterator[Unit]:
    """Every sentence of ``articles`` that names or refers to at least two actors, in order."""
    nlp = _pipeline()
    # article index, block offset, doc, mentions, the states named so far in the article (offset, id)
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
    docs = nlp.pipe((job[2] for job in jobs), batch_size=batch_size)
    for (n, start, _, mentions, history, people), doc in zip(jobs, docs, strict=True):
        for sent in doc.sents:
            if len(sent) > MAX_SENT_TOKENS:
                continue
            ms = [m for m in mentions if sent.start <= m.start < sent.end]
            pairs = two_countries(sent, start, history)
            previous = previous_person(sent, start, people)
            named = {m.actor for m in ms} | {k for p in pairs.values() for k in p}
            if len(named | set(previous)) < 2:
                continue
            yield Unit(n, start, Sentence(sent, ms, rules, pairs, previous))
