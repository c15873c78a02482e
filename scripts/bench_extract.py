#!/usr/bin/env python3
"""Extraction throughput on a generated corpus, against the bare spaCy pipeline.

Generates (deterministically, from the templates below) a corpus of news-like
articles of about 400-500 words, then times

  * ``extract`` over all articles in this process (--jobs 1),
  * the same through a pool of 2 processes (--jobs 2), with and without worker start-up,
  * the pipeline extract uses (no NER) over every text, without the rules,
  * the bare spaCy pipeline (``nlp.pipe`` with the same model, all its
    components) over the same texts,

and prints articles/s, words/s and the ratio of our time to the bare
pipeline's, as medians of --repeat runs.

    python scripts/bench_extract.py --articles 200 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable

from graph.extract import MODEL_NAMES, extract_many, load_pipeline
from graph.model import Article
from graph.pipeline import Extractor
from graph.vocab import load_vocabulary

STATES = ["Russia", "China", "Venezuela", "Cuba", "Iran", "Turkey", "Greece", "Brazil", "India", "Japan", "Kenya",
          "Egypt", "France", "Germany", "Poland", "Mexico", "Chile", "Peru", "Nigeria", "Ghana", "Vietnam", "Laos"]
DEMONYMS = ["Russian", "Chinese", "Turkish", "Greek", "Brazilian", "Indian", "Japanese", "Egyptian", "French", "German"]
ORGS = ["NATO", "the European Union", "the African Union", "ASEAN", "BRICS", "the United Nations"]
PLACES = ["Moscow", "Beijing", "Ankara", "Athens", "Nairobi", "Cairo", "Paris", "Berlin", "Lima", "Hanoi"]
FACT_TEMPLATES = [
    "{A} reaffirmed its alliance with {B}, {C} and {D} on {day}.",
    "{A} and {B} signed a trade agreement covering energy and farm goods.",
    "The {dem} government condemned {B} for the border incident.",
    "{A} imposed new sanctions on {B} after the vote in parliament.",
    "{A} is {B}'s largest creditor, after {C}, according to the central bank.",
    "Officials from {A} and {B} held talks in {place} on {day}.",
    "{A} did not sign the defence pact with {B}, officials said.",
    "{A} may consider joining {org} next year.",
    "The {dem} defence minister announced joint military exercises with {B} and {C}.",
    "{A} has delivered weapons to {B} since the spring.",
    "{A} reiterated its support to {B} against what it called foreign pressure.",
    "\"We stand with {B},\" the {dem} foreign minister said in {place}.",
    "{B} was criticised by {A} and {C} over the detention of journalists.",
    "{A} joined {org} in {year}.",
    "{A} denied supplying drones to {B}.",
    "{A} financed a new port in {B} and sent engineers to build it.",
]
FILLER = [
    "Markets were calm during the morning session and analysts expected little change before the weekend.",
    "The announcement came after weeks of negotiations that were described as difficult by several participants.",
    "Local newspapers reported that the talks had been postponed twice because of scheduling problems.",
    "Critics said the plan lacked detail and would take years to put into practice.",
    "The ministry published a short statement on its website late in the evening.",
    "Observers noted that the region has seen a series of similar disputes over the last decade.",
    "Several opposition politicians called for a debate in parliament before any final decision.",
    "Prices for fuel and bread have risen sharply since the start of the year, adding to public frustration.",
    "A spokesperson declined to comment on the details, citing the sensitivity of the discussions.",
    "The agreement is expected to be reviewed by lawyers before it is published in full.",
    "Residents of the capital gathered in the main square to follow the speeches on large screens.",
    "According to the report, exports of minerals grew by eight percent in the first quarter.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def make_corpus(n: int, seed: int = 7) -> list[Article]:
    """``n`` articles of about 400-500 words, the same for the same seed."""
    rng = random.Random(seed)
    articles = []
    for i in range(n):
        paragraphs: list[str] = []
        words = 0
        target = rng.randint(400, 500)
        while words < target:
            sentences = []
            for _ in range(rng.randint(2, 4)):
                if rng.random() < 0.35:
                    a, b, c, d = rng.sample(STATES, 4)
                    sentences.append(rng.choice(FACT_TEMPLATES).format(
                        A=a, B=b, C=c, D=d, dem=rng.choice(DEMONYMS), org=rng.choice(ORGS),
                        place=rng.choice(PLACES), day=rng.choice(DAYS), year=rng.randint(1990, 2024)))
                else:
                    sentences.append(rng.choice(FILLER))
            paragraph = " ".join(sentences)
            paragraphs.append(paragraph)
            words += len(paragraph.split())
        articles.append(Article(path=f"bench/{i:04d}.txt", text="\n\n".join(paragraphs)))
    return articles


def timed(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    corpus = make_corpus(args.articles, args.seed)
    texts = [a.text for a in corpus]
    n_words = sum(len(t.split()) for t in texts)
    vocab = load_vocabulary()

    import importlib

    for name in MODEL_NAMES:
        try:
            bare = importlib.import_module(name).load()  # all components, as shipped
            break
        except ImportError:
            continue
    else:
        sys.exit("no spaCy English model installed")
    load_pipeline()
    facts = extract_many(corpus[:5], vocab)  # warm up: pipeline and compiled rules

    def ours() -> None:
        nonlocal facts
        facts = extract_many(corpus, vocab)

    def ours_jobs2() -> None:
        with Extractor(vocab, jobs=2) as ex:
            for _ in ex.map(corpus):
                pass

    def bare_pipe() -> None:
        for _ in bare.pipe(texts, batch_size=64):
            pass

    def our_pipe() -> None:  # the pipeline extract uses (no NER), over every text, without rules
        for _ in load_pipeline().pipe(texts, batch_size=64):
            pass

    warm = Extractor(vocab, jobs=2)
    list(warm.map(corpus[:16]))  # both workers started and warmed up

    def ours_jobs2_warm() -> None:
        for _ in warm.map(corpus):
            pass

    t_bare = timed(bare_pipe, args.repeat)
    t_pipe = timed(our_pipe, args.repeat)
    t_one = timed(ours, args.repeat)
    t_two = timed(ours_jobs2, args.repeat)
    t_warm = timed(ours_jobs2_warm, args.repeat)
    warm.close()
    n_facts = sum(len(f) for f in facts)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"corpus: {len(corpus)} articles, {n_words} words ({n_words / len(corpus):.0f} per article), "
          f"{n_facts} facts; model {bare.meta.get('name')} {bare.meta.get('version')}; median of {args.repeat} runs; "
          f"{os.cpu_count()} CPUs, load average {load:.1f}")
    print(f"{'run':40} {'seconds':>8} {'articles/s':>11} {'words/s':>9} {'x bare':>7}")
    for label, t in (("bare spaCy nlp.pipe (all components)", t_bare),
                     ("spaCy without NER, no rules", t_pipe),
                     ("extract --jobs 1", t_one),
                     ("extract --jobs 2 (incl. start-up)", t_two),
                     ("extract --jobs 2 (warm pool)", t_warm)):
        print(f"{label:40} {t:8.2f} {len(corpus) / t:11.1f} {n_words / t:9.0f} {t / t_bare:7.2f}")


if __name__ == "__main__":
    main()
