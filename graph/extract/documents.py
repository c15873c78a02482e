"""Articles → the sentences worth reading: parsed, with their actor mentions and references.

A block of text is parsed only when it can hold a fact: two actors named in it, or one actor and a
phrase that refers back to actors named earlier ("the two countries", "the Gulf state", "he").
A headline and a dateline name actors without stating anything of them: their names are not
mentions, but they count as named before for what follows.  Sentences longer than
``MAX_SENT_TOKENS`` are not read, so work per article stays bounded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import Article
from .compiled import Compiled
from .mentions import (
    _HE,
    _TWO,
    DESCRIPTION,
    Mention,
    dateline_end,
    descriptions,
    find_mentions,
    headline_end,
    previous_person,
    two_countries,
)
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


@dataclass
class History:
    """The actors an article has named so far, with their offsets: states, organisations, people."""

    states: list[tuple[int, str]] = field(default_factory=list)
    orgs: list[tuple[int, str]] = field(default_factory=list)
    people: list[tuple[int, str]] = field(default_factory=list)

    def add(self, at: int, m: Mention, rules: Compiled) -> None:
        kind = rules.actor_kind.get(m.actor)
        if m.kind == "person":
            self.people.append((at, m.actor))
        if kind == "State":
            self.states.append((at, m.actor))
        elif kind == "Organization":
            self.orgs.append((at, m.actor))


_SURROGATE = re.compile("[\ud800-\udfff]")


def read_sentences(articles: Sequence[Article], rules: Compiled, batch_size: int = 64) -> Iterator[Unit]:
    """Every sentence of ``articles`` that names or refers to at least two actors, in order."""
    nlp = _pipeline()
    jobs: list[tuple[int, int, Any, list[Mention], History]] = []
    for n, article in enumerate(articles):
        history = History()
        skip = headline_end(article.text)  # names in a headline or a dateline are no parties
        for k, (start, block) in enumerate(blocks(article.text)):
            if _SURROGATE.search(block):  # spaCy cannot hash it (the loaders refuse such text): no facts here
                continue
            if k < 2 and start >= skip:
                skip = max(skip, start + dateline_end(block))
            doc = nlp.make_doc(block)
            found = find_mentions(doc, rules)
            mentions = []
            for m in found:
                at = start + doc[m.start].idx
                history.add(at, m, rules)
                if at >= skip:
                    mentions.append(m)
            # the history is shared and grows: each sentence looks only at what came before it
            if len({m.actor for m in mentions}) >= 2 or (history.states and _TWO.search(block)) or (mentions and (
                    ((history.states or history.orgs) and DESCRIPTION.search(block)) or
                    (history.people and _HE.search(block)))):
                jobs.append((n, start, doc, mentions, history))
    docs = nlp.pipe((job[2] for job in jobs), batch_size=batch_size)
    for (n, start, _, mentions, history), doc in zip(jobs, docs, strict=True):
        for sent in doc.sents:
            if len(sent) > MAX_SENT_TOKENS:
                continue
            ms = [m for m in mentions if sent.start <= m.start < sent.end]
            named = {m.actor for m in ms}
            refs = descriptions(sent, start, history.states, history.orgs, ms)
            refs.update(two_countries(sent, start, history.states))
            previous = previous_person(sent, start, history.people)
            named |= {k for p in refs.values() for k in p}
            if len(named | set(previous)) < 2:
                continue
            yield Unit(n, start, Sentence(sent, ms, rules, refs, previous))
