#!/usr/bin/env python3
"""Train the extractor model shipped in the package, from the corpus annotations.

    python scripts/train_model.py            # writes graph/extract/models/default.model.gz
    python scripts/train_model.py --check    # trains again and fails if the shipped file differs

The shipped model is fitted on the train and dev splits of ``annotations/splits.yaml`` (the test
split is never trained on); its settings are the ones below, chosen by 5-fold cross-validation on
those two splits (``scripts/eval_extract.py --cv``).  Same data, same seed → same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_extract import CORPUS, split_files  # noqa: E402

from graph.extract.classifier import DEFAULT_MODEL  # noqa: E402
from graph.extract.train import read_annotations, train  # noqa: E402
from graph.vocab import load_vocabulary  # noqa: E402

SETTINGS = {"seed": 0, "c": 0.3, "threshold": 0.25, "rules_stand": True, "aggregate": True}


def build(corpus: Path) -> object:
    vocab = load_vocabulary()
    docs = list(read_annotations(split_files("train") + split_files("dev"), corpus))
    model = train(docs, vocab, seed=SETTINGS["seed"], c=SETTINGS["c"], threshold=SETTINGS["threshold"],
                  rules_stand=SETTINGS["rules_stand"], aggregate=SETTINGS["aggregate"])
    model.meta["splits"] = ["train", "dev"]
    return model


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--check", action="store_true", help="fail if a fresh training differs from the shipped file")
    ap.add_argument("-o", "--output", type=Path, default=DEFAULT_MODEL)
    args = ap.parse_args()
    model = build(args.corpus)
    data = model.to_bytes()
    digest = hashlib.sha256(data).hexdigest()
    print(f"{model.meta['documents']} documents, {model.meta['examples']} examples, {len(model.features)} features; "
          f"data {model.meta['data']}; sha256 {digest}")
    if args.check:
        shipped = hashlib.sha256(DEFAULT_MODEL.read_bytes()).hexdigest()
        if shipped != digest:
            sys.exit(f"the shipped model ({shipped[:16]}) differs from a fresh training ({digest[:16]})")
        print("the shipped model is what the annotations and settings give")
        return
    os.makedirs(args.output.parent, exist_ok=True)
    model.save(args.output)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
