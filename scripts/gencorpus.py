"""A generated news-like corpus for the benchmarks: the same articles for the same seed.

Each article is 400-500 words of paragraphs mixing sentences that state facts between states and
organisations (about a third) with filler sentences, so the extractor has work of realistic shape.
"""

from __future__ import annotations

import random

from graph.model import Article

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

