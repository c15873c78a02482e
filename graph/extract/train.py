"""Training the model from annotated text: the corpus annotations and a user's curated facts.

Two kinds of training data:

- **annotated documents** (``annotations/corpus/<doc>.yaml``: a document id, and facts as actor ids,
  relation and the character offsets of the sentence that states them).  Their annotation is
  complete, so every candidate pair with no annotated fact is a negative example;
- **curated fact files** (the YAML/CSV that ``ingest`` reads): each fact is a positive example of its
  relation for its pair in its evidence sentence, a ``rejected: true`` fact a negative one.  They say
  nothing of other relations or pairs, so they train only the label they name, with a larger weight
  (``correction_weight``): a user's correction must move the model.

The same stages as extraction (sentences, candidates, features) make the examples, so the model
learns from exactly what it will see.  Fitting needs scikit-learn; it is deterministic for a seed.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from ..model import Article
from ..vocab import Vocabulary
from .candidates import candidates
from .classifier import Model, fact_label, labels_for
from .compiled import compiled
from .documents import read_sentences
from .features import SentenceFeatures, pair_features

__all__ = ["GoldRow", "GoldDoc", "Example", "read_annotations", "read_curated", "examples", "fit", "train", "refine",
           "is_annotation_file"]

NAME = "learned/2.0"
# a label a user's correction rejected somewhere: the rules' facts of that label stand only where the
# refined model gives them at least this probability
REFINED_VETO = 0.05


@dataclass(frozen=True)
class GoldRow:
    """One annotated fact (or, with ``positive`` false, a rejected one) and where it is stated."""

    subject: str
    relation: str
    object: str
    start: int | None  # character offsets in the article's file
    end: int | None
    positive: bool = True
    evidence: str = ""  # used when there are no offsets


@dataclass
class GoldDoc:
    article: Article
    rows: list[GoldRow]
    complete: bool  # every fact of the document is annotated
    weight: float = 1.0
    name: str = ""


@dataclass
class Example:
    features: dict[str, float]
    labels: dict[str, int]  # label → 1/0, only the labels this example informs
    weight: float
    doc: str
    pair: tuple[str, str] = ("", "")
    matched: list[GoldRow] = field(default_factory=list)


def is_annotation_file(path: Path) -> bool:
    """An annotation of a corpus document (a mapping with ``doc``), not a curated fact file."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        return False
    try:
        with path.open(encoding="utf-8") as f:
            head = f.read(4096)
    except (OSError, UnicodeDecodeError):
        return False
    return any(line.startswith("doc:") for line in head.splitlines())


def read_annotations(files: Iterable[Path], corpus: Path, *, only_done: bool = True) -> Iterator[GoldDoc]:
    """The annotated corpus documents (``annotations/corpus/*.yaml``), with their texts from ``corpus``."""
    from ..loaders import load_articles

    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
            raise InputError(path, f"cannot read annotation: {str(e).splitlines()[0]}") from None
        if not isinstance(data, dict) or "doc" not in data:
            raise InputError(path, "not an annotation file (no 'doc')")
        if only_done and data.get("status") != "done":
            continue
        text_path = corpus / f"{data['doc']}.txt"
        if not text_path.is_file():
            raise InputError(path, f"corpus document {text_path} not found (--corpus names the folder)")
        (article,) = load_articles(text_path)
        rows = [GoldRow(str(s), str(r), str(o), int(a), int(b)) for s, r, o, a, b in data.get("facts") or []]
        yield GoldDoc(article, rows, complete=True, name=str(data["doc"]))


def read_curated(files: Iterable[Path], vocab: Vocabulary, weight: float) -> list[GoldDoc]:
    """Curated fact files as partial annotations of their articles."""
    from ..loaders import load_facts

    docs: dict[str, GoldDoc] = {}
    for path in files:
        for article, fact in load_facts(path, vocab):
            doc = docs.setdefault(article.path, GoldDoc(article, [], complete=False, weight=weight, name=article.path))
            doc.rows.append(GoldRow(fact.subject, fact.relation, fact.object, fact.char_start, fact.char_end,
                                    positive=not fact.rejected, evidence=fact.evidence))
    return list(docs.values())


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    inter = min(a1, b1) - max(a0, b0)
    return inter > 0 and inter >= 0.5 * min(a1 - a0, b1 - b0)


def _batches(docs: Iterable[GoldDoc], size: int) -> Iterator[list[GoldDoc]]:
    batch: list[GoldDoc] = []
    for d in docs:
        batch.append(d)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def examples(docs: Iterable[GoldDoc], vocab: Vocabulary, batch_size: int = 32) -> Iterator[Example]:
    """One example per candidate pair of every sentence of ``docs`` (an iterable: a progress bar may wrap it)."""
    rules = compiled(vocab)
    symmetric = rules.symmetric
    all_labels = labels_for({r.name: r.symmetric for r in vocab.relations.values()})
    for batch in _batches(docs, batch_size):
        for unit in read_sentences([d.article for d in batch], rules):
            doc = batch[unit.article]
            art = doc.article
            a0, a1 = unit.char_span(art)
            f0, f1 = art.offset + a0, art.offset + a1
            flat = " ".join(art.text[a0:a1].split())
            here = [r for r in doc.rows if (r.start is not None and r.end is not None and _overlaps(f0, f1, r.start, r.end))
                    or (r.start is None and r.evidence and (r.evidence in flat or flat in r.evidence))]
            cands = candidates(unit.sentence)
            if not cands:
                continue
            sf = SentenceFeatures.of(unit.sentence, rules)
            for c in cands:
                rows = [r for r in here if {r.subject, r.object} == {c.a, c.b}]
                if doc.complete:
                    labels = dict.fromkeys(all_labels, 0)
                elif rows:
                    labels = {}
                else:
                    continue
                for r in rows:
                    labels[fact_label(r.subject, r.relation, c.a, symmetric)] = int(r.positive)
                yield Example(pair_features(c, sf, rules), labels, doc.weight, doc.name, (c.a, c.b), rows)


def fit(data: Sequence[Example], vocab: Vocabulary, *, seed: int = 0, c: float = 0.3, min_count: int = 2,
        threshold: float = 0.25, rules_stand: bool = True, aggregate: bool = True,
        meta: dict[str, Any] | None = None) -> Model:
    """One L2-regularised logistic regression per label (scikit-learn, liblinear), deterministic for ``seed``.

    With ``rules_stand`` the facts the rules read stay facts whatever the model says of them: the
    model decides every other pair and relation.  With ``aggregate`` a fact that several sentences of
    an article lean to (each at least half the threshold) counts when their noisy-or reaches it.
    """
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    labels = labels_for({r.name: r.symmetric for r in vocab.relations.values()})
    counts: Counter[str] = Counter(f for ex in data for f in ex.features)
    names = sorted(f for f, n in counts.items() if n >= min_count)
    index = {f: i for i, f in enumerate(names)}
    rows, cols, vals = [], [], []
    for r, ex in enumerate(data):
        for f, v in sorted(ex.features.items()):
            j = index.get(f)
            if j is not None:
                rows.append(r)
                cols.append(j)
                vals.append(v)
    x = csr_matrix((np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(len(data), len(names)))
    weights = np.zeros((len(names), len(labels)), dtype=np.float32)
    bias = [-10.0] * len(labels)
    positives: dict[str, int] = {}
    with threadpool_limits(1):
        for j, lab in enumerate(labels):
            keep = [n for n, ex in enumerate(data) if lab in ex.labels]
            y = np.asarray([data[n].labels[lab] for n in keep], dtype=np.int64)
            positives[lab] = int(y.sum())
            if not keep or y.min() == y.max():
                continue  # nothing to learn: the label stays off (or there are no negatives)
            w = np.asarray([data[n].weight for n in keep], dtype=np.float64)
            clf = LogisticRegression(C=c, solver="liblinear", random_state=seed, max_iter=1000)
            clf.fit(x[keep], y, sample_weight=w)
            weights[:, j] = clf.coef_[0].astype(np.float32)
            bias[j] = float(clf.intercept_[0])
    info = {"examples": len(data), "features": len(names), "positives": positives, "seed": seed, "C": c,
            "min_count": min_count, "rules_stand": rules_stand, "aggregate": aggregate, **(meta or {})}
    return Model(NAME, labels, index, weights, bias, [threshold] * len(labels), info)


def data_hash(docs: Sequence[GoldDoc]) -> str:
    """A digest of the training data (texts and rows), recorded in the model."""
    h = hashlib.sha256()
    for d in docs:
        h.update(json.dumps([d.name, d.article.id, d.complete, d.weight,
                             [(r.subject, r.relation, r.object, r.start, r.end, r.positive) for r in d.rows]]).encode())
    return h.hexdigest()[:16]


def train(docs: Sequence[GoldDoc], vocab: Vocabulary, *, seed: int = 0, c: float = 0.3, min_count: int = 2,
          threshold: float = 0.25, rules_stand: bool = True, aggregate: bool = True,
          progress: Callable[[Iterable[GoldDoc]], Iterable[GoldDoc]] = iter) -> Model:
    """Examples from ``docs``, then ``fit``."""
    data = list(examples(progress(docs), vocab))
    meta = {"documents": len(docs), "data": data_hash(docs)}
    return fit(data, vocab, seed=seed, c=c, min_count=min_count, threshold=threshold, rules_stand=rules_stand,
               aggregate=aggregate,
               meta=meta)


def refine(base: Model, docs: Sequence[GoldDoc], vocab: Vocabulary, *, c: float = 0.3,
           progress: Callable[[Iterable[GoldDoc]], Iterable[GoldDoc]] = iter) -> Model:
    """``base`` moved towards the examples of ``docs`` (a user's corrections), label by label.

    For each label the examples inform, the weights of the features active in them (and the bias)
    minimise the examples' weighted log loss plus ``|θ − θ_base|² / 2c``: the corrections are
    learned, and the rest of what ``base`` knows stays.  Deterministic (L-BFGS from ``θ_base``).
    """
    import numpy as np
    from scipy.optimize import minimize

    data = list(examples(progress(docs), vocab))
    new = sorted({f for ex in data for f in ex.features} - set(base.features))
    names = sorted([*base.features, *new])
    index = {f: i for i, f in enumerate(names)}
    weights = np.zeros((len(names), len(base.labels)), dtype=np.float32)
    old = [index[f] for f in sorted(base.features, key=base.features.__getitem__)]
    weights[old] = base.weights
    bias = list(base.bias)
    touched = []
    for j, lab in enumerate(base.labels):
        rows = [ex for ex in data if lab in ex.labels]
        if not rows:
            continue
        touched.append(lab)
        active = sorted({index[f] for ex in rows for f in ex.features})
        col = {k: n for n, k in enumerate(active)}
        x = np.zeros((len(rows), len(active) + 1))
        x[:, -1] = 1.0  # the bias
        for r, ex in enumerate(rows):
            for f, v in ex.features.items():
                x[r, col[index[f]]] = v
        y = np.asarray([ex.labels[lab] for ex in rows], dtype=np.float64)
        w = np.asarray([ex.weight for ex in rows], dtype=np.float64)
        theta0 = np.append(weights[active, j].astype(np.float64), bias[j])

        def loss(theta: Any, x: Any = x, y: Any = y, w: Any = w, theta0: Any = theta0) -> tuple[float, Any]:
            z = x @ theta
            p = 1.0 / (1.0 + np.exp(-np.clip(z, -60, 60)))
            ll = np.sum(w * (np.logaddexp(0.0, z) - y * z))
            d = theta - theta0
            return float(ll + d @ d / (2 * c)), x.T @ (w * (p - y)) + d / c

        theta = minimize(loss, theta0, jac=True, method="L-BFGS-B").x
        weights[active, j] = theta[:-1].astype(np.float32)
        bias[j] = float(theta[-1])
    matched = {id(r) for ex in data for r in ex.matched}
    unmatched = sum(1 for d in docs for r in d.rows if id(r) not in matched)
    rejected = sorted({lab for ex in data for lab, y in ex.labels.items() if y == 0})
    veto = {**base.meta.get("veto", {}), **dict.fromkeys(rejected, REFINED_VETO)}
    meta = {**base.meta, "veto": veto,
            "refined": {"base": base.meta.get("data"), "documents": len(docs), "examples": len(data),
                        "labels": touched, "data": data_hash(docs), "C": c, "unmatched": unmatched}}
    return Model(base.name, base.labels, index, weights, bias, list(base.thresholds), meta)
