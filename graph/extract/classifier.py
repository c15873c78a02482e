"""The learned model: one logistic regression per label over the features of a candidate pair.

Labels name a relation and, for a directed relation, its direction between the pair's actors
``a`` (named first) and ``b``: ``suppliesArmsTo>`` is a → b, ``suppliesArmsTo<`` is b → a; a
symmetric relation has one label.  The labels come from the vocabulary the model was trained with.

A model file is gzip (no timestamp) of one JSON header line and the weights as little-endian float32
(features × labels), so the same training data and seed give the same bytes.  Reading it needs
numpy only; training (``graph.extract.train``) needs scikit-learn.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError

__all__ = ["Model", "DEFAULT_MODEL", "load_model", "labels_for", "label_fact", "fact_label"]

FORMAT = "alliance-graph extractor model"
DEFAULT_MODEL = Path(__file__).resolve().parent / "models" / "default.model.gz"


def labels_for(relations: dict[str, bool]) -> list[str]:
    """Every label for relations given as name → symmetric.

    >>> labels_for({"alliedWith": True, "sanctions": False})
    ['alliedWith', 'sanctions<', 'sanctions>']
    """
    out: list[str] = []
    for name, symmetric in sorted(relations.items()):
        out += [name] if symmetric else [f"{name}<", f"{name}>"]
    return out


def label_fact(label: str, a: str, b: str) -> tuple[str, str, str]:
    """The (subject, relation, object) a label states about a candidate pair (a, b).

    >>> label_fact("sanctions<", "IRN", "USA")
    ('USA', 'sanctions', 'IRN')
    """
    if label.endswith("<"):
        return b, label[:-1], a
    if label.endswith(">"):
        return a, label[:-1], b
    return a, label, b


def fact_label(subject: str, relation: str, a: str, symmetric: frozenset[str] | set[str]) -> str:
    """The label that states ``subject relation …`` about a pair whose first-named actor is ``a``.

    >>> fact_label("USA", "sanctions", "IRN", frozenset())
    'sanctions<'
    """
    if relation in symmetric:
        return relation
    return f"{relation}>" if subject == a else f"{relation}<"


@dataclass
class Model:
    """Weights, labels and thresholds; ``scores`` gives each label's probability for a feature dict."""

    name: str
    labels: list[str]
    features: dict[str, int]
    weights: Any  # numpy float32 array, features × labels
    bias: list[float]
    thresholds: list[float]
    meta: dict[str, Any]

    def scores(self, feats: dict[str, float]) -> list[float]:
        """The probability of each label (in ``labels`` order) for one candidate."""
        import numpy as np

        idx = [self.features[f] for f in feats if f in self.features]
        z = np.asarray(self.bias, dtype=np.float64)
        if idx:
            vals = np.fromiter((feats[f] for f in feats if f in self.features), dtype=np.float64, count=len(idx))
            z = z + vals @ self.weights[idx].astype(np.float64)
        return [1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, v)))) for v in z]

    def predict(self, feats: dict[str, float]) -> list[tuple[str, float]]:
        """(label, probability) of every label at or above its threshold."""
        return self.predict_scores(dict(zip(self.labels, self.scores(feats), strict=True)))

    def predict_scores(self, scores: dict[str, float]) -> list[tuple[str, float]]:
        """(label, probability) of the labels of ``scores`` at or above their thresholds."""
        return [(lab, scores[lab]) for lab, t in zip(self.labels, self.thresholds, strict=True) if scores[lab] >= t]

    def explain(self, feats: dict[str, float], label: str, n: int = 3) -> list[str]:
        """The features that pushed ``label`` up the most, strongest first."""
        j = self.labels.index(label)
        contrib = [(feats[f] * float(self.weights[self.features[f], j]), f) for f in feats if f in self.features]
        return [f for w, f in sorted(contrib, reverse=True)[:n] if w > 0]

    # --- files --------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        import numpy as np

        names = sorted(self.features, key=self.features.__getitem__)
        header = {"format": FORMAT, "version": 1, "name": self.name, "labels": self.labels, "features": names,
                  "bias": [round(float(b), 6) for b in self.bias],
                  "thresholds": [round(float(t), 4) for t in self.thresholds], "meta": self.meta}
        body = json.dumps(header, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"
        body += np.ascontiguousarray(self.weights, dtype="<f4").tobytes()
        return gzip.compress(body, compresslevel=6, mtime=0)

    def save(self, path: Path | str) -> str:
        """Write the model atomically; returns the SHA-256 of the file."""
        from ..export import write_atomic

        data = self.to_bytes()
        write_atomic(Path(path), data)
        return hashlib.sha256(data).hexdigest()

    @classmethod
    def from_bytes(cls, data: bytes, origin: str = "model") -> Model:
        import numpy as np

        try:
            raw = gzip.decompress(data)
            nl = raw.index(b"\n")
            header = json.loads(raw[:nl])
            if header.get("format") != FORMAT:
                raise ValueError("not an alliance-graph extractor model")
            names, labels = header["features"], header["labels"]
            weights = np.frombuffer(raw[nl + 1:], dtype="<f4").reshape(len(names), len(labels))
        except (OSError, EOFError, ValueError, KeyError, TypeError) as e:
            raise InputError(origin, f"not a readable extractor model ({str(e).splitlines()[0][:120]})") from None
        return cls(name=header["name"], labels=labels, features={f: i for i, f in enumerate(names)},
                   weights=weights, bias=header["bias"], thresholds=header["thresholds"], meta=header.get("meta", {}))


@functools.lru_cache(maxsize=4)
def _load(path: str, mtime: float, size: int) -> Model:
    return Model.from_bytes(Path(path).read_bytes(), path)


def load_model(path: Path | str | None = None) -> Model:
    """The model at ``path`` (default: the one shipped in the package), cached per process."""
    p = Path(path) if path is not None else DEFAULT_MODEL
    try:
        st = p.stat()
    except OSError as e:
        raise InputError(p, f"cannot read the extractor model ({e.strerror or e})") from None
    return _load(str(p), st.st_mtime, st.st_size)
