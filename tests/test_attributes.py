"""The attribute ruler read into lookup tables, and the lemmatizer cached, set exactly what spaCy's components set."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import spacy

from graph.extract.attributes import FastAttributes, cache_lemmas, replace_ruler
from graph.extract.nlp import MODEL_NAMES, load_pipeline

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

OWN = [
    "Y'all ain't seen nothin' yet: they ain't going, and y all can't stop 'em.",
    "The minister, who'd flown in, wasn't told; we're gonna wanna know why.  \n\n  Spaces   too.",
    "Russia's arms -- 24 jets, S-400s & more -- were sold to Turkey (reportedly) in '19!",
]


def _shipped() -> spacy.language.Language:
    for name in MODEL_NAMES:
        try:
            return importlib.import_module(name).load(exclude=["ner"])
        except ImportError:
            continue
    pytest.skip("no en_core_web_sm installed")


def _attrs(doc: spacy.tokens.Doc) -> list[tuple[str, ...]]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, str(t.head.i)) for t in doc]


def _texts() -> list[str]:
    texts = [*OWN, (ROOT / "seeds" / "articles" / "russia-latin-america-allies.txt").read_text(encoding="utf-8")]
    dev = SHARED / "eval" / "dev"
    texts += [p.read_text(encoding="utf-8") for p in sorted(dev.rglob("*.txt"))] if dev.is_dir() else []
    return texts


def test_the_pipeline_uses_the_tables_and_the_cache():
    assert load_pipeline().pipe_names == ["tok2vec", "tagger", "parser", "attribute_ruler_fast", "lemmatizer_fast"]


def test_same_tags_lemmas_and_morphology_as_spacys_components():
    ruler, fast = _shipped(), _shipped()
    assert replace_ruler(fast) and cache_lemmas(fast)
    texts = _texts()
    assert [_attrs(d) for d in fast.pipe(texts)] == [_attrs(d) for d in ruler.pipe(texts)]
    assert [_attrs(d) for d in fast.pipe(texts)] == [_attrs(d) for d in ruler.pipe(texts)]  # now from the cache


def _blank(patterns: list[dict]) -> spacy.language.Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("attribute_ruler").add_patterns(patterns)
    return nlp


def test_later_patterns_win_and_indices_count_from_either_end():
    patterns = [
        {"patterns": [[{"LOWER": "arms"}]], "attrs": {"LEMMA": "first"}},
        {"patterns": [[{"LOWER": {"IN": ["arms", "jets"]}}]], "attrs": {"LEMMA": "second"}},
        {"patterns": [[{"LOWER": "sold"}, {"LOWER": "arms"}]], "attrs": {"LEMMA": "pair"}, "index": -1},
        {"patterns": [[{"LOWER": {"REGEX": "^t.rk"}}]], "attrs": {"LEMMA": "regex"}},
        {"patterns": [[{"LOWER": {"NOT_IN": ["arms", "jets", "sold", "turkey"]}}]], "attrs": {"LEMMA": "rest"}},
    ]
    ruler, fast = _blank(patterns), _blank(patterns)
    assert replace_ruler(fast)
    text = "They sold arms and jets to Turkey, arms again"
    got = [t.lemma_ for t in fast(text)]
    assert got == [t.lemma_ for t in ruler(text)]
    # "arms" after "sold": the pair's pattern comes last; "Turkey" is matched by its regex only
    assert got == ["rest", "", "pair", "rest", "second", "rest", "regex", "rest", "second", "rest"]
    assert [t.lemma_ for t in fast("sold arms")] == ["", "pair"]


def test_a_pattern_it_cannot_read_leaves_spacys_ruler():
    nlp = _blank([{"patterns": [[{"LENGTH": {">": 3}}]], "attrs": {"LEMMA": "long"}}])
    assert not FastAttributes(nlp.get_pipe("attribute_ruler")).complete
    assert not replace_ruler(nlp)
    assert nlp.pipe_names == ["attribute_ruler"]
    assert [t.lemma_ for t in nlp("a long word")] == ["", "long", "long"]


def test_a_lemmatizer_of_another_mode_is_left_alone():
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    assert not cache_lemmas(nlp)
    assert nlp.pipe_names == ["lemmatizer"]
