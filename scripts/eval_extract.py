#!/usr/bin/env python3
"""Score extraction on a split of the annotated corpus: P/R/F1 per relation, exact and pair.

    python scripts/eval_extract.py --split dev                 # the shipped model
    python scripts/eval_extract.py --split dev --model rules   # the rules alone
    python scripts/eval_extract.py --split dev --model m.gz --show

Scoring is the same as ``../shared/eval/score.py``: one fact per (subject, relation, object) per
document (order ignored for symmetric relations); *pair* compares the two actors and the polarity
of the relation.  Gold facts whose actors are not in the ontology count as gold (the extractor
cannot find them: that is part of its recall).

The test split is scored only when a change is done, never while writing rules or features.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.extract import extract_many  # noqa: E402
from graph.extract.train import read_annotations  # noqa: E402
from graph.vocab import load_vocabulary  # noqa: E402

CORPUS = Path(os.environ.get("ALLIANCE_GRAPH_CORPUS", ROOT.parent / "shared" / "corpus" / "news"))
ANNOTATIONS = ROOT / "annotations"


def split_files(split: str) -> list[Path]:
    splits = yaml.safe_load((ANNOTATIONS / "splits.yaml").read_text(encoding="utf-8"))["splits"]
    docs = splits[split] if split != "all" else [d for v in splits.values() for d in v]
    return [p for p in (ANNOTATIONS / "corpus" / f"{d}.yaml" for d in sorted(docs)) if p.is_file()]


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(gold: dict[str, set[tuple[str, str, str]]], pred: dict[str, set[tuple[str, str, str]]],
          polarity: dict[str, int]) -> dict[str, object]:
    """Micro-averaged exact and pair scores, and per-relation counts."""
    per_rel: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    tp = n_pred = n_gold = 0
    ptp = pn_pred = pn_gold = 0
    for doc in gold:
        g, p = gold[doc], pred.get(doc, set())
        tp, n_pred, n_gold = tp + len(g & p), n_pred + len(p), n_gold + len(g)
        for f in p:
            per_rel[f[1]][1] += 1
            per_rel[f[1]][0] += f in g
        for f in g:
            per_rel[f[1]][2] += 1
        gp = {(*sorted((s, o)), polarity.get(r, 0)) for s, r, o in g}
        pp = {(*sorted((s, o)), polarity.get(r, 0)) for s, r, o in p}
        ptp, pn_pred, pn_gold = ptp + len(gp & pp), pn_pred + len(pp), pn_gold + len(gp)
    return {"exact": prf(tp, n_pred, n_gold), "pair": prf(ptp, pn_pred, pn_gold), "per_rel": dict(per_rel),
            "counts": (tp, n_pred, n_gold)}


def key(s: str, r: str, o: str, symmetric: set[str]) -> tuple[str, str, str]:
    if r in symmetric:
        s, o = sorted((s, o))
    return (s, r, o)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="dev", choices=["train", "dev", "test", "all"])
    ap.add_argument("--model", default=None, help="a model file, or 'rules' (default: the shipped model)")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--show", action="store_true", help="list misses and false alarms")
    ap.add_argument("--cv", type=int, metavar="K", default=0,
                    help="K-fold cross-validation on train+dev (by document): each fold's model is trained on the "
                         "others with the shipped model's settings (scripts/train_model.py); --split is ignored")
    ap.add_argument("--thresholds", default="", metavar="T,T,…",
                    help="with --cv: score each fold's model at each of these thresholds (to choose the shipped one)")
    ap.add_argument("--aggregate", action="store_true",
                    help="with --cv: facts that several sentences lean to (noisy-or of their probabilities) count")
    args = ap.parse_args()

    vocab = load_vocabulary()
    symmetric = {r.name for r in vocab.relations.values() if r.symmetric}
    polarity = {r.name: r.polarity for r in vocab.relations.values()}
    files = split_files("train") + split_files("dev") if args.cv else split_files(args.split)
    docs = list(read_annotations(files, args.corpus))
    if not docs:
        sys.exit(f"no finished annotations in the {args.split} split")
    gold = {d.name: {key(r.subject, r.relation, r.object, symmetric) for r in d.rows} for d in docs}
    evidence = {}
    pred: dict[str, set[tuple[str, str, str]]] = {}
    if args.cv:
        from train_model import SETTINGS

        from graph.extract.train import train

        folds = [[d for n, d in enumerate(docs) if n % args.cv == k] for k in range(args.cv)]
        runs = []
        sweep = [float(t) for t in args.thresholds.split(",") if t.strip()]
        swept: dict[float, dict[str, set[tuple[str, str, str]]]] = {t: {} for t in sweep}
        for k, held in enumerate(folds):
            rest = [d for j, f in enumerate(folds) if j != k for d in f]
            model = train(rest, vocab, seed=SETTINGS["seed"], c=SETTINGS["c"], threshold=SETTINGS["threshold"],
                          rules_stand=SETTINGS["rules_stand"])
            model.meta["aggregate"] = SETTINGS["aggregate"] or args.aggregate
            runs.append((held, extract_many([d.article for d in held], vocab, model=model)))
            for t in sweep:
                model.thresholds = [t] * len(model.labels)
                for d, facts in zip(held, extract_many([d.article for d in held], vocab, model=model), strict=True):
                    swept[t][d.name] = {key(f.subject, f.relation, f.object, symmetric) for f in facts}
            print(f"fold {k + 1}/{args.cv}: trained on {len(rest)} documents", file=sys.stderr)
        for t in sweep:
            res = score(gold, swept[t], polarity)
            print("threshold {:.2f}: exact P {:.3f} R {:.3f} F1 {:.3f}".format(t, *res["exact"]))
    else:
        runs = [(docs, extract_many([d.article for d in docs], vocab, model=args.model))]
    for held, found in runs:
        for d, facts in zip(held, found, strict=True):
            pred[d.name] = set()
            for f in facts:
                k = key(f.subject, f.relation, f.object, symmetric)
                pred[d.name].add(k)
                evidence[(d.name, *k)] = f.evidence
    res = score(gold, pred, polarity)
    what = f"{args.cv}-fold cross-validation on train+dev" if args.cv else args.split
    print(f"{what}: {len(docs)} documents, {res['counts'][2]} gold facts, model {args.model or 'shipped'}")
    print(f"{'relation':26} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'pred':>5} {'gold':>5}")
    for rel in sorted(res["per_rel"]):
        tp, n_pred, n_gold = res["per_rel"][rel]
        p, r, f = prf(tp, n_pred, n_gold)
        print(f"{rel:26} {p:6.3f} {r:6.3f} {f:6.3f} {tp:4d} {n_pred:5d} {n_gold:5d}")
    if args.show:
        for d in docs:
            for k in sorted(gold[d.name] - pred[d.name]):
                print("MISS ", d.name, *k)
            for k in sorted(pred[d.name] - gold[d.name]):
                print("FALSE", d.name, *k, "|", " ".join(evidence[(d.name, *k)].split())[:160])
    print("pair  P {:.3f} R {:.3f} F1 {:.3f}".format(*res["pair"]))
    print("exact P {:.3f} R {:.3f} F1 {:.3f}".format(*res["exact"]))


if __name__ == "__main__":
    main()
