#!/usr/bin/env python3
"""Annotate the shared news corpus with gold facts, by document id and character offsets.

The corpus texts stay in ``../shared/corpus/news`` (never copied into the repo); the
annotations in ``annotations/corpus/<doc>.yaml`` hold only ids, relation names and offsets.
See ``annotations/README.md`` for the rules of the work.

    python scripts/annotate.py actors [WORD]       # actor ids you may use (grep-able)
    python scripts/annotate.py show DOC            # the document, one numbered sentence per line
    python scripts/annotate.py check [--double] [DOC ...]  # validate, turn sentence numbers into offsets, print for review
    python scripts/annotate.py stats               # counts per split, relation, annotator
    python scripts/annotate.py agree               # inter-annotator agreement on the double-annotated documents
    python scripts/annotate.py splits              # (once, up front) write annotations/splits.yaml

This script reads only the corpus, RELATIONS.md's relation names (from ontology/alliances.ttl) and
the actor ids (from ontology/actors.ttl); it knows nothing of the extractor.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import os
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ANNOTATIONS = ROOT / "annotations"
DOCS_DIR = ANNOTATIONS / "corpus"
DOUBLE_DIR = DOCS_DIR / "double"
SPLITS = ANNOTATIONS / "splits.yaml"
CORPUS = Path(os.environ.get("ALLIANCE_GRAPH_CORPUS", ROOT.parent / "shared" / "corpus" / "news"))

NEGATIVE_REASONS = ("none", "denied", "hypothetical", "place", "list", "force", "other")
RELATION_RE = re.compile(r"^ag:(\w+)\s+a\s+[^;]*owl:ObjectProperty", re.M)
ACTOR_RE = re.compile(r'^actor:(\w+) a ag:(State|Organization) ;\s*\n\s*rdfs:label "([^"]+)"', re.M)


# --- reference data ---------------------------------------------------------------------------

def relations() -> dict[str, bool]:
    """Relation name -> symmetric, read from the ontology."""
    text = (ROOT / "ontology" / "alliances.ttl").read_text(encoding="utf-8")
    out: dict[str, bool] = {}
    for block in re.split(r"\n\s*\n", text):
        m = re.search(r"^ag:(\w+)\s+a\s+([^;]*)", block, re.M)
        if m and "ag:Relation" in m.group(2):
            out[m.group(1)] = "owl:SymmetricProperty" in m.group(2)
    return out


def actors() -> dict[str, tuple[str, str]]:
    """Actor id -> (kind, label), read from the ontology."""
    text = (ROOT / "ontology" / "actors.ttl").read_text(encoding="utf-8")
    return {m.group(1): (m.group(2), m.group(3)) for m in ACTOR_RE.finditer(text)}


# --- documents and sentences ------------------------------------------------------------------

def doc_ids() -> list[str]:
    return sorted(p.stem for p in CORPUS.glob("*.txt"))


def read_doc(doc: str) -> str:
    path = CORPUS / f"{doc}.txt"
    if not path.is_file():
        raise SystemExit(f"{path}: no such corpus document")
    return path.read_text(encoding="utf-8")


def body_start(text: str) -> int:
    """Where the body begins: after the ``key: value`` header and its one blank line."""
    i = text.find("\n\n")
    return 0 if i < 0 else i + 2


ABBREVIATIONS = re.compile(
    r"(?:\b(?:[A-Z]\.){2,}|\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Sgt|Adm|Gov|Sen|Rep|Rev|St|Jr|Sr|Prof|Pres|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|Nos|vs|etc|Inc|Ltd|Co|Corp|approx|est)\.)$")
BOUNDARY = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of the body: paragraphs, then sentence ends, skipping abbreviations."""
    out: list[tuple[int, int]] = []
    start0 = body_start(text)
    for para in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text[start0:]):
        p0, ptext = start0 + para.start(), para.group(0)
        s = 0
        for m in BOUNDARY.finditer(ptext):
            cut = m.start() + 1
            while cut < len(ptext) and ptext[cut] in "\"”’')]":
                cut += 1
            if ABBREVIATIONS.search(ptext[s:m.start() + 1]):
                continue
            out.append((p0 + s, p0 + cut))
            s = m.end()
        rest = ptext[s:].rstrip()
        if rest.strip():
            out.append((p0 + s, p0 + s + len(rest)))
    return out


# --- annotation files -------------------------------------------------------------------------

def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError("not a mapping")
    return data


def span_of(ref: list, sents: list[tuple[int, int]], n_fields: int) -> tuple[int, int]:
    """A row's span: ``[..., N]`` (sentence N), ``[..., "N-M"]`` (sentences N..M) or ``[..., start, end]``."""
    tail = ref[n_fields:]
    if len(tail) == 2 and all(isinstance(x, int) for x in tail):
        return tail[0], tail[1]
    if len(tail) == 1:
        t = str(tail[0])
        m = re.fullmatch(r"s?(\d+)(?:\s*-\s*s?(\d+))?", t)
        if m:
            a, b = int(m.group(1)), int(m.group(2) or m.group(1))
            if not (1 <= a <= b <= len(sents)):
                raise ValueError(f"sentence {t} out of range 1..{len(sents)}")
            return sents[a - 1][0], sents[b - 1][1]
    raise ValueError(f"cannot read the evidence of {ref!r}: give a sentence number N, 'N-M', or start, end")


def normalise(path: Path, rels: dict[str, bool], acts: dict, write: bool) -> tuple[dict, list[str]]:
    """Validate one annotation file; with ``write`` store every span as offsets. Returns (data, problems)."""
    problems: list[str] = []
    data = load(path)
    doc = data.get("doc") or path.stem
    text = read_doc(doc)
    sents = sentences(text)
    b0 = body_start(text)
    facts, negs = [], []
    for i, row in enumerate(data.get("facts") or [], 1):
        try:
            if not isinstance(row, list) or len(row) < 4:
                raise ValueError("a fact is [SUBJECT, relation, OBJECT, sentence] or [S, r, O, start, end]")
            s, r, o = (str(x) for x in row[:3])
            if r not in rels:
                raise ValueError(f"unknown relation {r!r}")
            if s == o:
                raise ValueError("subject and object are the same actor")
            for a in (s, o):
                if a not in acts and not re.fullmatch(r"[A-Z][A-Za-z0-9]{1,11}", a):
                    raise ValueError(f"bad actor id {a!r}")
            start, end = span_of(row, sents, 3)
            if not (b0 <= start < end <= len(text)):
                raise ValueError(f"span {start}-{end} is outside the body ({b0}-{len(text)})")
            facts.append([s, r, o, start, end])
        except ValueError as e:
            problems.append(f"{path.name}: fact {i}: {e}")
    for i, row in enumerate(data.get("negatives") or [], 1):
        try:
            if not isinstance(row, list) or len(row) < 4:
                raise ValueError("a negative is [A, B, sentence, reason] or [A, B, start, end, reason]")
            reason = str(row[-1])
            if reason not in NEGATIVE_REASONS:
                raise ValueError(f"reason must be one of {', '.join(NEGATIVE_REASONS)}")
            a, b = str(row[0]), str(row[1])
            start, end = span_of(row[:-1], sents, 2)
            if not (b0 <= start < end <= len(text)):
                raise ValueError(f"span {start}-{end} is outside the body")
            negs.append([a, b, start, end, reason])
        except ValueError as e:
            problems.append(f"{path.name}: negative {i}: {e}")
    status = data.get("status", "started")
    if status not in ("started", "done"):
        problems.append(f"{path.name}: status must be 'started' or 'done'")
    out = {"doc": doc, "annotator": data.get("annotator", "?"), "status": status,
           "facts": facts, "negatives": negs}
    if write and not problems:
        dump(path, out)
    return out, problems


def dump(path: Path, data: dict) -> None:
    lines = [f"doc: {data['doc']}", f"annotator: {data['annotator']}", f"status: {data['status']}"]
    lines.append("facts:" if data["facts"] else "facts: []")
    lines += [f"  - [{s}, {r}, {o}, {a}, {b}]" for s, r, o, a, b in data["facts"]]
    lines.append("negatives:" if data["negatives"] else "negatives: []")
    lines += [f"  - [{x}, {y}, {a}, {b}, {why}]" for x, y, a, b, why in data["negatives"]]
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)


def annotation_files(double: bool = False) -> list[Path]:
    d = DOUBLE_DIR if double else DOCS_DIR
    return sorted(d.glob("*.yaml"))


# --- commands ---------------------------------------------------------------------------------

def cmd_actors(args: argparse.Namespace) -> None:
    for aid, (kind, label) in sorted(actors().items()):
        line = f"{aid}\t{kind}\t{label}"
        if not args.word or args.word.lower() in line.lower():
            print(line)


def cmd_show(args: argparse.Namespace) -> None:
    text = read_doc(args.doc)
    print(text[:body_start(text)].rstrip())
    print()
    for n, (a, b) in enumerate(sentences(text), 1):
        print(f"s{n} [{a}-{b}] {' '.join(text[a:b].split())}")


def cmd_check(args: argparse.Namespace) -> None:
    rels, acts = relations(), actors()
    folder = DOUBLE_DIR if args.double else DOCS_DIR
    paths = [Path(d) if d.endswith(".yaml") else folder / f"{d}.yaml" for d in args.docs] if args.docs \
        else annotation_files() + annotation_files(True)
    bad = 0
    for path in paths:
        if not path.is_file():
            print(f"{path}: missing", file=sys.stderr)
            bad += 1
            continue
        try:
            data, problems = normalise(path, rels, acts, write=True)
        except (ValueError, yaml.YAMLError) as e:
            print(f"{path.name}: {e}".splitlines()[0], file=sys.stderr)
            bad += 1
            continue
        for p in problems:
            print(p, file=sys.stderr)
        bad += bool(problems)
        if args.quiet:
            continue
        text = read_doc(data["doc"])
        print(f"== {data['doc']} ({data['annotator']}, {data['status']}): "
              f"{len(data['facts'])} facts, {len(data['negatives'])} negatives")
        for s, r, o, a, b in data["facts"]:
            flag = "" if s in acts and o in acts else "   (unlisted actor)"
            print(f"  {s} {r} {o}{flag}\n      | {' '.join(text[a:b].split())[:300]}")
        for x, y, a, b, why in data["negatives"]:
            print(f"  NOT {x}-{y} ({why})\n      | {' '.join(text[a:b].split())[:300]}")
    if bad:
        sys.exit(1)


def doc_facts(data: dict, rels: dict[str, bool]) -> set[tuple[str, str, str]]:
    """The document-level facts of one annotation (direction ignored for symmetric relations)."""
    out = set()
    for s, r, o, *_ in data["facts"]:
        if rels.get(r):
            s, o = sorted((s, o))
        out.add((s, r, o))
    return out


def load_splits() -> dict[str, str]:
    data = yaml.safe_load(SPLITS.read_text(encoding="utf-8"))
    return {doc: split for split, docs in data["splits"].items() for doc in docs}


def cmd_stats(args: argparse.Namespace) -> None:
    rels = relations()
    split_of = load_splits()
    by_split = collections.Counter()
    docs_by_split = collections.Counter()
    by_rel = collections.Counter()
    by_ann = collections.Counter()
    negs = collections.Counter()
    for path in annotation_files():
        data = load(path)
        if data.get("status") != "done":
            continue
        facts = doc_facts({"facts": data.get("facts") or []}, rels)
        split = split_of.get(data["doc"], "?")
        by_split[split] += len(facts)
        docs_by_split[split] += 1
        by_ann[data.get("annotator", "?")] += len(facts)
        for _, r, _ in facts:
            by_rel[r] += 1
        for row in data.get("negatives") or []:
            negs[row[-1]] += 1
    total = sum(by_split.values())
    print(f"documents done: {sum(docs_by_split.values())}; document-level facts: {total}")
    for split in ("train", "dev", "test"):
        print(f"  {split:6} {docs_by_split[split]:4} docs {by_split[split]:5} facts")
    print("by relation:", ", ".join(f"{r} {n}" for r, n in by_rel.most_common()))
    print("by annotator:", ", ".join(f"{a} {n}" for a, n in sorted(by_ann.items())))
    print("negatives:", ", ".join(f"{r} {n}" for r, n in negs.most_common()))


def cmd_agree(args: argparse.Namespace) -> None:
    rels = relations()
    excluded = set(args.exclude)
    tp = n1 = n2 = 0
    ptp = pn1 = pn2 = 0
    per_rel = collections.defaultdict(lambda: [0, 0, 0])
    docs = 0
    for second in annotation_files(True):
        first = DOCS_DIR / second.name
        if not first.is_file() or second.stem in excluded:
            continue
        a, b = load(first), load(second)
        if a.get("status") != "done" or b.get("status") != "done":
            continue
        docs += 1
        fa = doc_facts({"facts": a.get("facts") or []}, rels)
        fb = doc_facts({"facts": b.get("facts") or []}, rels)
        tp, n1, n2 = tp + len(fa & fb), n1 + len(fa), n2 + len(fb)
        pa = {tuple(sorted((s, o))) for s, _, o in fa}
        pb = {tuple(sorted((s, o))) for s, _, o in fb}
        ptp, pn1, pn2 = ptp + len(pa & pb), pn1 + len(pa), pn2 + len(pb)
        for r in rels:
            ra = {f for f in fa if f[1] == r}
            rb = {f for f in fb if f[1] == r}
            per_rel[r][0] += len(ra & rb)
            per_rel[r][1] += len(ra)
            per_rel[r][2] += len(rb)

    def f1(t: int, x: int, y: int) -> float:
        return 2 * t / (x + y) if x + y else 0.0

    print(f"double-annotated documents: {docs}")
    print(f"facts: first {n1}, second {n2}, both {tp}")
    print(f"exact agreement F1 {f1(tp, n1, n2):.3f} (positive specific agreement)")
    print(f"actor-pair agreement F1 {f1(ptp, pn1, pn2):.3f}")
    for r, (t, x, y) in sorted(per_rel.items()):
        if x or y:
            print(f"  {r:26} F1 {f1(t, x, y):.3f}  both {t:3}  first {x:3}  second {y:3}")


def cmd_splits(args: argparse.Namespace) -> None:
    if SPLITS.exists() and not args.force:
        raise SystemExit(f"{SPLITS} exists: the splits are decided once")
    kinds: dict[str, list[str]] = collections.defaultdict(list)
    for doc in doc_ids():
        kinds["digest" if doc.startswith("wcep-") else "article"].append(doc)
    splits: dict[str, list[str]] = {"train": [], "dev": [], "test": []}
    for docs in kinds.values():
        ranked = sorted(docs, key=lambda d: hashlib.sha256(f"alliance-graph split {d}".encode()).hexdigest())
        n = len(ranked)
        n_test, n_dev = round(n * 0.2), round(n * 0.2)
        splits["test"] += ranked[:n_test]
        splits["dev"] += ranked[n_test:n_test + n_dev]
        splits["train"] += ranked[n_test + n_dev:]
    lines = ["# Train / dev / test split of ../shared/corpus/news, by document, decided once (2026-12-01)",
             "# before any annotation: within each kind (wcep- digests, full articles) documents are ranked",
             "# by sha256('alliance-graph split ' + id); the first 20 % are test, the next 20 % dev, the rest train.",
             "# The test split is scored only when a change is done, never while writing rules or features.",
             "splits:"]
    for split in ("train", "dev", "test"):
        lines.append(f"  {split}:")
        lines += [f"    - {d}" for d in sorted(splits[split])]
    SPLITS.parent.mkdir(parents=True, exist_ok=True)
    SPLITS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print({k: len(v) for k, v in splits.items()})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("actors")
    p.add_argument("word", nargs="?")
    p.set_defaults(func=cmd_actors)
    p = sub.add_parser("show")
    p.add_argument("doc")
    p.set_defaults(func=cmd_show)
    p = sub.add_parser("check")
    p.add_argument("docs", nargs="*")
    p.add_argument("-q", "--quiet", action="store_true")
    p.add_argument("--double", action="store_true", help="the second annotation (annotations/corpus/double/)")
    p.set_defaults(func=cmd_check)
    sub.add_parser("stats").set_defaults(func=cmd_stats)
    p = sub.add_parser("agree")
    p.add_argument("--exclude", nargs="*", default=["wnsum-0025"],
                   help="documents left out (default: wnsum-0025, whose second annotator saw the first annotation)")
    p.set_defaults(func=cmd_agree)
    p = sub.add_parser("splits")
    p.add_argument("--force", action="store_true")
    p.set_defaults(func=cmd_splits)
    args = ap.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
