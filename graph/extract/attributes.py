"""Token attributes set faster than the pipeline sets them, to the same values.

The attribute ruler, read into lookup tables (a seventh of its time):

``en_core_web_sm`` sets each token's coarse part of speech, morphology and
some lemmas with an ``attribute_ruler``: 179 one- and two-token patterns
(mostly "this fine-grained tag", "this word with this tag") run through
spaCy's general ``Matcher``, which tries every pattern at every token.  That
was a quarter of extraction time.  ``FastAttributes`` reads the same patterns
when the pipeline loads and, for each token, tries only those whose first
token names its lowercase form or its tag (plus the few that name neither);
matches are applied exactly as the ruler applies them (in pattern order, so
later patterns win).  Patterns it cannot read (other attributes, operators)
leave the ruler in place: ``replace_ruler`` then returns False.

The lemmatizer, remembered (``CachedLemmas``): spaCy's rule lemmatizer keeps
what it finds for a word, part of speech and morphology, except for proper
nouns and base forms, which it works out again at every token.  Its answer
depends on nothing else, so each is kept once; what it found is set as it
would set it.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["FastAttributes", "CachedLemmas", "replace_ruler", "cache_lemmas"]

# a pattern key → the position of its value in the tuple ``_values`` makes of a token
_FIELD = {"TAG": 0, "LOWER": 1, "ORTH": 2, "TEXT": 2, "DEP": 3, "IS_SPACE": 4}

Test = tuple[int, str, Any]  # (field, "eq" | "in" | "not_in" | "regex", value)


def _values(token: Any) -> tuple[str, str, str, str, bool]:
    return token.tag_, token.lower_, token.text, token.dep_, token.is_space


def _tests(token_pattern: dict[str, Any]) -> list[Test] | None:
    """The checks of one token of a pattern, or None when it uses what this module does not read."""
    tests: list[Test] = []
    for key, want in token_pattern.items():
        field = _FIELD.get(key)
        if field is None:
            return None
        if isinstance(want, dict):
            if len(want) != 1 or next(iter(want)) not in ("IN", "NOT_IN", "REGEX"):
                return None
            op, values = next(iter(want.items()))
            if op == "REGEX":
                tests.append((field, "regex", re.compile(values)))  # the Matcher's REGEX is re.search
            else:
                tests.append((field, "in" if op == "IN" else "not_in", frozenset(values)))
        elif isinstance(want, str | bool):
            tests.append((field, "eq", want))
        else:
            return None
    return tests


def _holds(tests: list[Test], values: tuple[str, str, str, str, bool]) -> bool:
    for field, op, want in tests:
        v = values[field]
        if op == "eq":
            if v != want:
                return False
        elif op == "regex":
            if not want.search(v):
                return False
        elif (v in want) != (op == "in"):
            return False
    return True


def _keys(tests: list[Test]) -> list[tuple[int, Any]] | None:
    """The (field, value) pairs under which a pattern starting with ``tests`` is filed: one it requires.

    A lowercase form is the most selective, then the tag, then anything else that
    is required to equal one of a few values; None when nothing is (tried at every token).
    """
    for field in (1, 2, 0, 4, 3):
        for f, op, want in tests:
            if f == field and op == "eq":
                return [(f, want)]
            if f == field and op == "in":
                return [(f, w) for w in sorted(want, key=str)]
    return None


Entry = tuple[int, list[list[Test]]]  # (pattern number, the checks of each of its tokens)


class FastAttributes:
    """A pipeline component doing what the given ``AttributeRuler`` does, by table lookups."""

    def __init__(self, ruler: Any) -> None:
        from spacy.tokens._retokenize import set_token_attrs  # what the ruler itself calls

        self._set = set_token_attrs
        self.attrs, self.indices = ruler.attrs, ruler.indices
        self.filed: list[dict[Any, list[Entry]]] = [{} for _ in range(5)]  # per field: value → patterns
        self.other: list[Entry] = []
        self.complete = True
        for attr_id, entry in enumerate(ruler.patterns):
            for pattern in entry["patterns"]:
                compiled = [_tests(tok) for tok in pattern]
                if not pattern or any(c is None for c in compiled):
                    self.complete = False
                    return
                item = (attr_id, compiled)
                keys = _keys(compiled[0])  # type: ignore[arg-type]
                for field, value in keys or []:
                    self.filed[field].setdefault(value, []).append(item)  # type: ignore[arg-type]
                if keys is None:
                    self.other.append(item)  # type: ignore[arg-type]
        self.used = [f for f in range(5) if self.filed[f]]

    def __call__(self, doc: Any) -> Any:
        tokens = list(doc)
        values = [_values(t) for t in tokens]
        n = len(tokens)
        matches: list[tuple[int, int, int]] = []  # (pattern, start, end): the ruler's order once sorted
        filed, used, other = self.filed, self.used, self.other
        for i, v in enumerate(values):
            tried = [e for f in used for e in filed[f].get(v[f], ())]
            for attr_id, compiled in (*tried, *other) if other else tried:
                end = i + len(compiled)
                if end > n or not _holds(compiled[0], v):
                    continue
                if end == i + 1 or all(_holds(tests, values[i + k]) for k, tests in enumerate(compiled) if k):
                    matches.append((attr_id, i, end))
        matches.sort()
        for attr_id, start, end in matches:
            index = self.indices[attr_id]
            at = (start if index >= 0 else end) + index
            if not start <= at < end:
                raise ValueError(f"attribute pattern {attr_id}: index {index} outside its {end - start} tokens")
            self._set(tokens[at], self.attrs[attr_id])
        return doc


class CachedLemmas:
    """A pipeline component setting the lemmas a rule ``Lemmatizer`` sets, each word's worked out once."""

    LIMIT = 500_000  # words kept at most (the cache starts again beyond)

    def __init__(self, lemmatizer: Any) -> None:
        self.lemmatizer = lemmatizer
        self.strings = lemmatizer.vocab.strings
        self.cache: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Any) -> Any:
        lem = self.lemmatizer  # a rule lemmatizer: cache_lemmas swaps no other
        if not lem._validated:
            from spacy.errors import Errors

            lem._validate_tables(Errors.E1004)
        cache, overwrite = self.cache, lem.overwrite
        for token in doc:
            if overwrite or token.lemma == 0:
                key = (token.orth, token.pos, token.morph.key)
                lemma = cache.get(key)
                if lemma is None:
                    if len(cache) >= self.LIMIT:
                        cache.clear()
                    lemma = cache[key] = self.strings.add(lem.rule_lemmatize(token)[0])
                token.lemma = lemma
        return doc


_FACTORY = "alliance_graph_fast_attributes"
_LEMMAS = "alliance_graph_cached_lemmas"


def _make(nlp: Any, name: str, ruler: str) -> FastAttributes:
    return FastAttributes(nlp.get_pipe(ruler))


def _make_lemmas(nlp: Any, name: str, lemmatizer: str) -> CachedLemmas:
    return CachedLemmas(nlp.get_pipe(lemmatizer))


def _swap(nlp: Any, name: str, factory: str, make: Any, key: str) -> Any:
    """Add the component ``make`` builds from pipe ``name`` before it, then remove ``name``; return the new one."""
    from spacy.language import Language

    if not Language.has_factory(factory):
        Language.factory(factory, func=make)
    component = nlp.add_pipe(factory, name=f"{name}_fast", before=name, config={key: name})
    if getattr(component, "complete", True):
        nlp.remove_pipe(name)
    else:  # it cannot do the same as the original: the original stays
        nlp.remove_pipe(f"{name}_fast")
    return component


def cache_lemmas(nlp: Any, name: str = "lemmatizer") -> bool:
    """Put a ``CachedLemmas`` in place of the pipeline's rule lemmatizer; False (and nothing changed) if it cannot."""
    if name not in nlp.pipe_names or getattr(nlp.get_pipe(name), "mode", None) != "rule":
        return False
    _swap(nlp, name, _LEMMAS, _make_lemmas, "lemmatizer")
    return True


def replace_ruler(nlp: Any, name: str = "attribute_ruler") -> bool:
    """Put a ``FastAttributes`` in place of the pipeline's attribute ruler; False (and nothing changed) if it cannot."""
    if name not in nlp.pipe_names:
        return False
    return bool(_swap(nlp, name, _FACTORY, _make, "ruler").complete)
