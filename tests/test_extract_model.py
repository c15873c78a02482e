"""The shipped extractor (rules + learned model) on the kinds of sentence that fail on unseen news:
lists, places, the buyer's side, relation nouns and idioms, references back, headlines and
datelines, opinions and plans; and training (reproducible, corrections move the model).

Every sentence here is written for these tests (none comes from an evaluation set).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from graph.extract import extract, load_model
from graph.extract.train import read_curated, train
from graph.model import Article
from graph.vocab import Vocabulary

from .conftest import write_facts

Triple = tuple[str, str, str]


def found(text: str, vocab: Vocabulary, model: object = None) -> set[Triple]:
    """(subject, relation, object) of the facts in ``text``; symmetric pairs in sorted order."""
    out = set()
    for f in extract(Article(path="t.txt", text=text), vocab, model=model):
        s, o = f.subject, f.object
        if vocab.relation(f.relation).symmetric:
            s, o = sorted((s, o))
        out.add((s, f.relation, o))
    return out


def pairs_of(facts: set[Triple]) -> set[frozenset[str]]:
    return {frozenset((s, o)) for s, _, o in facts}


# text, facts that must be found, pairs (any relation) that must not be
CASES: dict[str, tuple[str, set[Triple], set[frozenset[str]]]] = {
    "members listed after 'include'": (
        "The members of the new defence pact include Kenya, Uganda and Rwanda, officials said.",
        set(), {frozenset(("KEN", "UGA")), frozenset(("KEN", "RWA")), frozenset(("UGA", "RWA"))},
    ),
    "targets of one ban are not partners": (
        "Moscow announced a ban on food imports from Norway, Australia and Canada.",
        set(), {frozenset(("NOR", "AUS")), frozenset(("NOR", "CAN")), frozenset(("AUS", "CAN"))},
    ),
    "sanctions on a list": (
        "Canada imposed sanctions on Iran, Syria and Belarus on Tuesday.",
        {("CAN", "sanctions", "IRN"), ("CAN", "sanctions", "SYR"), ("CAN", "sanctions", "BLR")},
        {frozenset(("IRN", "SYR")), frozenset(("IRN", "BLR")), frozenset(("SYR", "BLR"))},
    ),
    "the venue of a meeting is no party": (
        "The foreign ministers of Chile and Argentina met in Switzerland to discuss the border.",
        set(), {frozenset(("CHL", "CHE")), frozenset(("ARG", "CHE"))},
    ),
    "the place of a signing is no party": (
        "Ghana and Togo signed a security agreement in Paris on Monday.",
        {("GHA", "agreementWith", "TGO")}, {frozenset(("GHA", "FRA")), frozenset(("TGO", "FRA"))},
    ),
    "a host receives its guest": (
        "The president of Togo received the Ghanaian foreign minister in Lome on Monday.",
        {("GHA", "visited", "TGO")}, set(),
    ),
    "a dateline is not a party": (
        "NAIROBI, March 3 (Agency) - Ethiopia and Somalia signed a defence pact on Sunday.",
        {("ETH", "agreementWith", "SOM")}, {frozenset(("KEN", "ETH")), frozenset(("KEN", "SOM"))},
    ),
    "a two-city dateline": (
        "Washington/Brussels - Turkey threatened Greece over drilling rights on Thursday.",
        {("TUR", "threatens", "GRC")}, {frozenset(("USA", "TUR")), frozenset(("USA", "GRC"))},
    ),
    "the buyer's side": (
        "Egypt is buying 24 fighter jets from France.",
        {("FRA", "suppliesArmsTo", "EGY")}, set(),
    ),
    "one buyer, two sellers": (
        "Vietnam imported tanks from Russia and from Israel last year.",
        {("RUS", "suppliesArmsTo", "VNM"), ("ISR", "suppliesArmsTo", "VNM")}, {frozenset(("RUS", "ISR"))},
    ),
    "a credit line": (
        "India extended a $500 million line of credit to Sri Lanka for fuel imports.",
        {("IND", "creditorOf", "LKA")}, set(),
    ),
    "archrivals": (
        "The archrivals India and Pakistan exchanged fire along the border.", {("IND", "rivalOf", "PAK")}, set(),
    ),
    "a key lender": ("Japan is a key lender to Sri Lanka.", {("JPN", "creditorOf", "LKA")}, set()),
    "gave a credit": ("Qatar gave Egypt a $3 billion credit last year.", {("QAT", "creditorOf", "EGY")}, set()),
    "contributed money": (
        "Denmark contributed 20 million euros to Ukraine's reconstruction.", {("DNK", "providesAidTo", "UKR")}, set(),
    ),
    "severed ties": ("Bahrain severed ties with Qatar in 2017.", {("BHR", "opposes", "QAT")}, set()),
    "asset freezes and loan bans": (
        "Britain announced asset freezes and loan bans against Belarus.", {("GBR", "sanctions", "BLR")}, set(),
    ),
    "chided": ("Sweden chided Turkey over the delay.", {("SWE", "opposes", "TUR")}, set()),
    "a deal to buy jets": (
        "India signed a deal to buy 36 jets from France.", {("FRA", "suppliesArmsTo", "IND")}, set(),
    ),
    "criticised is opposition": (
        "Sweden sharply criticised Hungary over its delay of the vote.",
        {("SWE", "opposes", "HUN")}, set(),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_what_the_shipped_extractor_finds(name: str, vocab: Vocabulary) -> None:
    text, want, never = CASES[name]
    got = found(text, vocab)
    assert want <= got, (name, got)
    assert not (pairs_of(got) & never), (name, got)


def test_a_headline_reads_as_no_sanctions(vocab: Vocabulary) -> None:
    text = ("Peru Sanctions Chile In Row Over Fishing\n\nPeru recalled its ambassador from Santiago after a row over "
            "fishing rights, the ministry said on Friday.")
    assert ("PER", "sanctions", "CHL") not in found(text, vocab)


def test_a_sentence_that_begins_with_capitals_is_still_prose(vocab: Vocabulary) -> None:
    text = "Germany and France signed a defence agreement on Friday, officials in Berlin said."
    assert ("DEU", "agreementWith", "FRA") in found(text, vocab)


@pytest.mark.parametrize("text, actor", [
    ("Kenya hosted the summit in March. The East African country signed a trade agreement with Ethiopia "
     "on Tuesday.", "KEN"),
    ("The European Union met in Brussels. The bloc imposed sanctions on Belarus on Monday.", "EU"),
])
def test_a_description_stands_for_the_actor_named_before(text: str, actor: str, vocab: Vocabulary) -> None:
    assert any(actor in (s, o) for s, _, o in found(text, vocab)), found(text, vocab)


def test_the_two_countries_are_the_last_two_named(vocab: Vocabulary) -> None:
    text = "Officials from Chile met officials from Bolivia on Monday. The two countries signed a trade agreement."
    assert ("BOL", "agreementWith", "CHL") in found(text, vocab)


@pytest.mark.parametrize("text, fact", [
    ("Chile and Peru agree that the fishing crisis needs a regional answer.", ("CHL", "agreementWith", "PER")),
    ("Will Turkey sell drones to Poland?", ("TUR", "suppliesArmsTo", "POL")),
    ("Norway is about to impose sanctions on Belarus.", ("NOR", "sanctions", "BLR")),
    ("Ghana did not sign the trade agreement with Togo.", ("GHA", "agreementWith", "TGO")),
    ("Japan is on the verge of signing a defence pact with the Philippines.", ("JPN", "agreementWith", "PHL")),
])
def test_opinions_questions_plans_and_denials_are_no_facts(text: str, fact: Triple, vocab: Vocabulary) -> None:
    s, r, o = fact
    if vocab.relation(r).symmetric:
        s, o = sorted((s, o))
    assert (s, r, o) not in found(text, vocab)


def test_agreeing_on_a_deal_is_an_agreement(vocab: Vocabulary) -> None:
    assert ("CHL", "agreementWith", "PER") in found("Chile and Peru agreed on a fisheries deal on Monday.", vocab)


# --- training -------------------------------------------------------------------------------------

MINI = {
    "a.txt": "Ghana and Togo signed a trade agreement on Monday. Togo criticised Benin over the border.",
    "b.txt": "Kenya imposed sanctions on Somalia. Uganda and Rwanda held talks in Kigali.",
    "c.txt": "Chile and Peru signed a fisheries agreement in Lima. Chile condemned Bolivia.",
    "d.txt": "France supplied tanks to Egypt. Spain and Portugal are close allies.",
}
MINI_FACTS = {
    "a.txt": [("GHA", "agreementWith", "TGO", "Ghana and Togo signed"), ("TGO", "opposes", "BEN", "Togo criticised")],
    "b.txt": [("KEN", "sanctions", "SOM", "Kenya imposed"), ("UGA", "visited", "RWA", "Uganda and Rwanda")],
    "c.txt": [("CHL", "agreementWith", "PER", "Chile and Peru"), ("CHL", "opposes", "BOL", "Chile condemned")],
    "d.txt": [("FRA", "suppliesArmsTo", "EGY", "France supplied"), ("ESP", "alliedWith", "PRT", "Spain and Portugal")],
}


def mini_corpus(tmp_path: Path) -> list[Path]:
    """Four small articles of our own with curated facts (their evidence sentences)."""
    files = []
    for name, text in MINI.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        facts = []
        for s, r, o, start in MINI_FACTS[name]:
            sentence = next(x.strip() + "." for x in text.split(".") if x.strip().startswith(start))
            facts.append({"subject": s, "relation": r, "object": o, "evidence": sentence})
        files.append(write_facts(tmp_path / f"{name}.yaml", name, facts))
    return files


def test_training_is_reproducible(tmp_path: Path, vocab: Vocabulary) -> None:
    docs = read_curated(mini_corpus(tmp_path), vocab, weight=1.0)
    for d in docs:
        d.complete = True  # the mini corpus is fully annotated: other pairs are negatives
    digests = [hashlib.sha256(train(docs, vocab, seed=3).to_bytes()).hexdigest() for _ in range(2)]
    assert digests[0] == digests[1]
    other = hashlib.sha256(train(docs, vocab, seed=3, c=3.0).to_bytes()).hexdigest()
    assert other != digests[0]  # the settings are in the file: a different model is a different hash


def test_train_command_writes_a_model_the_extractor_reads(tmp_path: Path, run: object, vocab: Vocabulary) -> None:
    files = mini_corpus(tmp_path)
    out = tmp_path / "m.model.gz"
    result = run("train", *files, "-o", out)  # type: ignore[operator]
    assert result.exit_code == 0, result.output
    sha1 = hashlib.sha256(out.read_bytes()).hexdigest()
    assert run("train", *files, "-o", out).exit_code == 0  # type: ignore[operator]
    assert hashlib.sha256(out.read_bytes()).hexdigest() == sha1
    model = load_model(out)
    assert ("GHA", "agreementWith", "TGO") in found(MINI["a.txt"], vocab, model)


CORRECTED = "Chile and Peru signed a fisheries agreement in Lima."


def test_a_rejected_fact_is_unlearned(tmp_path: Path, run: object, vocab: Vocabulary) -> None:
    """A model that reads a wrong fact (planted by a first correction) unlearns it when the user rejects it."""
    wrong = ("CHL", "militaryCooperationWith", "PER")
    (tmp_path / "n.txt").write_text(CORRECTED, encoding="utf-8")
    fact = {"subject": "CHL", "relation": "militaryCooperationWith", "object": "PER", "evidence": CORRECTED}
    planted = write_facts(tmp_path / "plant" / "n.yaml", "../n.txt", [fact])
    rejected = write_facts(tmp_path / "reject" / "n.yaml", "../n.txt", [{**fact, "rejected": True}])
    bad, fixed = tmp_path / "bad.model.gz", tmp_path / "fixed.model.gz"
    assert run("train", planted, "-o", bad).exit_code == 0  # type: ignore[operator]
    assert wrong in found(CORRECTED, vocab, load_model(bad))
    result = run("train", rejected, "--base", bad, "-o", fixed)  # type: ignore[operator]
    assert result.exit_code == 0, result.output
    after = found(CORRECTED, vocab, load_model(fixed))
    assert wrong not in after
    assert ("CHL", "agreementWith", "PER") in after  # the rest of what it knew stays


def test_a_new_fact_is_learned(tmp_path: Path, run: object, vocab: Vocabulary) -> None:
    """A user adds a fact the shipped extractor misses; retraining on it makes the extractor read it."""
    text = "Chile and Peru pledged mutual defence in Lima on Monday."
    fact = ("CHL", "alliedWith", "PER")
    (tmp_path / "p.txt").write_text(text, encoding="utf-8")
    facts = write_facts(tmp_path / "p.yaml", "p.txt", [
        {"subject": "CHL", "relation": "alliedWith", "object": "PER", "evidence": text}])
    out = tmp_path / "added.model.gz"
    assert run("train", facts, "-o", out).exit_code == 0  # type: ignore[operator]
    assert fact in found(text, vocab, load_model(out))


def test_a_correction_that_matches_no_sentence_is_reported(tmp_path: Path, run: object) -> None:
    (tmp_path / "q.txt").write_text("Chile and Peru signed a fisheries agreement.", encoding="utf-8")
    facts = write_facts(tmp_path / "q.yaml", "q.txt", [
        {"subject": "CHL", "relation": "alliedWith", "object": "BOL", "evidence": "Chile and Peru signed"}])
    result = run("train", facts, "-o", tmp_path / "x.model.gz")  # type: ignore[operator]
    assert "matched no sentence" in result.output


def test_train_refuses_what_it_cannot_read(tmp_path: Path, run: object) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("facts: [unclosed", encoding="utf-8")
    result = run("train", bad, "-o", tmp_path / "m.model.gz")  # type: ignore[operator]
    assert result.exit_code != 0
    assert str(bad) in result.output and "Traceback" not in result.output
    assert not (tmp_path / "m.model.gz").exists()


def test_a_file_that_is_no_model_is_one_clear_error(tmp_path: Path, run: object) -> None:
    junk = tmp_path / "junk.model.gz"
    junk.write_bytes(b"not a model")
    article = tmp_path / "a.txt"
    article.write_text("Chile and Peru signed a fisheries agreement.", encoding="utf-8")
    result = run("extract", article, "--model", junk)  # type: ignore[operator]
    assert result.exit_code == 1
    assert "not a readable extractor model" in result.output and "Traceback" not in result.output


def test_a_rejected_fact_overrules_the_rules(tmp_path: Path, run: object, vocab: Vocabulary) -> None:
    """The rules read an agreement into 'agreed to expand trade'; a user rejects it and retrains."""
    text = "Chile and Peru agreed to expand trade."
    wrong = ("CHL", "agreementWith", "PER")
    assert wrong in found(text, vocab, "rules") and wrong in found(text, vocab)
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    facts = write_facts(tmp_path / "r.yaml", "r.txt", [
        {"subject": "CHL", "relation": "agreementWith", "object": "PER", "evidence": text, "rejected": True}])
    out = tmp_path / "veto.model.gz"
    assert run("train", facts, "-o", out).exit_code == 0  # type: ignore[operator]
    model = load_model(out)
    after = found(text, vocab, model)
    assert wrong not in after
    assert ("CHL", "tradePartnerOf", "PER") in after  # only the rejected fact goes
    assert wrong in found("Chile and Peru signed a fisheries agreement in Lima.", vocab, model)  # elsewhere it stays


@pytest.mark.parametrize("text, fact", [
    ("Peru recalled its ambassador from Chile after the vote.", ("PER", "opposes", "CHL")),
    ("Ghana declared the Togolese ambassador persona non grata.", ("GHA", "opposes", "TGO")),
    ("Bolivia suspended diplomatic relations with Peru.", ("BOL", "opposes", "PER")),
])
def test_breaking_ties_is_opposition(text: str, fact: Triple, vocab: Vocabulary) -> None:
    assert fact in found(text, vocab)


def test_lifted_sanctions_are_no_sanctions(vocab: Vocabulary) -> None:
    assert ("EU", "sanctions", "BLR") not in found("The European Union lifted its sanctions on Belarus.", vocab)


def _flat_model(vocab: Vocabulary, label: str, p: float, aggregate: bool) -> object:
    """A model that gives every pair probability ``p`` of ``label`` (and ~0 of every other label)."""
    import math

    import numpy as np

    from graph.extract import Model
    from graph.extract.classifier import labels_for

    labels = labels_for({r.name: r.symmetric for r in vocab.relations.values()})
    bias = [math.log(p / (1 - p)) if lab == label else -20.0 for lab in labels]
    return Model("flat", labels, {"bias": 0}, np.zeros((1, len(labels)), dtype=np.float32), bias,
                 [0.25] * len(labels), {"rules_stand": True, "aggregate": aggregate})


def test_sentences_that_each_lean_to_a_fact_state_it_together(vocab: Vocabulary) -> None:
    two = "Chile and Peru are neighbours on the Pacific. Chile and Peru both border Bolivia."
    one = "Chile and Peru are neighbours on the Pacific."
    fact = ("CHL", "tradePartnerOf", "PER")
    assert fact in found(two, vocab, _flat_model(vocab, "tradePartnerOf", 0.2, aggregate=True))  # 1 - 0.8² = 0.36
    assert fact not in found(two, vocab, _flat_model(vocab, "tradePartnerOf", 0.2, aggregate=False))
    assert fact not in found(one, vocab, _flat_model(vocab, "tradePartnerOf", 0.2, aggregate=True))
    assert fact not in found(two, vocab, _flat_model(vocab, "tradePartnerOf", 0.1, aggregate=True))  # under half
