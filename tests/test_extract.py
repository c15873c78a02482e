"""The rules stage of the extractor (``model="rules"``): own sentences → facts, negation and hedges, offsets,
robustness; and the extract CLI.

Every sentence here is written for these tests (none comes from the evaluation set).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.extract import RULES, extract, load_pipeline
from graph.loaders import load_articles
from graph.model import Article
from graph.pipeline import ingest_files
from graph.store import open_store
from graph.vocab import ACTOR, AG, Vocabulary

from .conftest import write_facts


@pytest.fixture(scope="session")
def nlp() -> object:
    """spaCy is loaded once for the whole session."""
    return load_pipeline()


def found(text: str, vocab: Vocabulary) -> set[tuple[str, str, str]]:
    """(subject, relation, object) of the facts in ``text``; symmetric pairs in sorted order."""
    out = set()
    for f in extract(Article(path="t.txt", text=text), vocab, model="rules"):
        s, o = f.subject, f.object
        if vocab.relation(f.relation).symmetric:
            s, o = sorted((s, o))
        out.add((s, f.relation, o))
    return out


CASES = {
    "coordination": (
        "Moscow renewed its alliance with Laos, Cambodia and Vietnam on Monday.",
        {("KHM", "alliedWith", "RUS"), ("LAO", "alliedWith", "RUS"), ("RUS", "alliedWith", "VNM")},
    ),
    "coordinated subjects, symmetric": (
        "Chile and Peru signed a fisheries agreement in Lima.",
        {("CHL", "agreementWith", "PER")},
    ),
    "possessive creditor with a second creditor": (
        "Japan is Indonesia's second biggest creditor, after China, according to the finance ministry.",
        {("JPN", "creditorOf", "IDN"), ("CHN", "creditorOf", "IDN")},
    ),
    "inverse cue": (
        "Zambia owes China more than six billion dollars.",
        {("CHN", "creditorOf", "ZMB")},
    ),
    "passive with agent": (
        "Iran was condemned by France and Germany for the seizure of the tanker.",
        {("FRA", "opposes", "IRN"), ("DEU", "opposes", "IRN")},
    ),
    "noun with 'to' object and possessive pronoun": (
        "Beijing reiterated its support to Pakistan during the talks.",
        {("CHN", "supports", "PAK")},
    ),
    "agent noun with 'such as'": (
        "Washington has urged allies such as Poland to spend more on defence.",
        {("POL", "alliedWith", "USA")},
    ),
    "metonym and leader": (
        "The Kremlin backs Lukashenko in his dispute with the opposition.",
        {("RUS", "supports", "BLR")},
    ),
    "title with demonym": (
        "The Russian defence minister signed a military cooperation agreement with Myanmar.",
        {("MMR", "agreementWith", "RUS"), ("MMR", "militaryCooperationWith", "RUS")},
    ),
    "speaker of a quotation": (
        "\"We stand with Ukraine and we will not look away,\" said Olaf Scholz.",
        {("DEU", "supports", "UKR")},
    ),
    "sanctions on": (
        "The European Union imposed sanctions on Belarus after the election.",
        {("EU", "sanctions", "BLR")},
    ),
    "between": (
        "Ministers praised the trade deal between Kenya and Uganda.",
        {("KEN", "agreementWith", "UGA"), ("KEN", "tradePartnerOf", "UGA")},
    ),
    "membership list": (
        "The Quad is ignored here, but ASEAN is a group of ten countries, Thailand, Vietnam and Laos among them.",
        {("THA", "memberOf", "ASEAN"), ("VNM", "memberOf", "ASEAN"), ("LAO", "memberOf", "ASEAN")},
    ),
    "meeting in a capital": (
        "The foreign ministers of Turkey and Azerbaijan held talks in Baku on Tuesday.",
        {("TUR", "visited", "AZE")},
    ),
    "receiving from": (
        "Moldova received humanitarian aid from Romania and Bulgaria.",
        {("ROU", "providesAidTo", "MDA"), ("BGR", "providesAidTo", "MDA")},
    ),
    "amount in aid": (
        "Qatar pledged three billion dollars in aid to Lebanon.",
        {("QAT", "providesAidTo", "LBN")},
    ),
    "borrowing is an inverse cue": (
        "Angola has borrowed heavily from China.",
        {("CHN", "creditorOf", "AGO")},
    ),
    "the two countries": (
        "Spain's prime minister flew to Rabat on Monday.\n\nThe two countries signed a migration accord.",
        {("ESP", "visited", "MAR"), ("ESP", "agreementWith", "MAR")},
    ),
    "generic cue with a military qualifier": (
        "Greece expanded its cooperation with the navies of Egypt and Cyprus.",
        {("EGY", "militaryCooperationWith", "GRC"), ("CYP", "militaryCooperationWith", "GRC")},
    ),
    "generic verb with a weapon in its phrase": (
        "Minsk supplied Yerevan with tanks and artillery shells.",
        {("BLR", "suppliesArmsTo", "ARM")},
    ),
    "an apposed relation is no name": (
        "Latvia, a NATO member, condemned Belarus.",
        {("LVA", "memberOf", "NATO"), ("LVA", "opposes", "BLR")},
    ),
    # travel: an official goes to a place; a trip lends its traveller to the clause; a host receives a guest
    "flew to a capital": ("The Thai prime minister flew to Jakarta on Sunday.", {("THA", "visited", "IDN")}),
    "went to a capital": ("Senegal's foreign minister went to Rabat in March.", {("SEN", "visited", "MAR")}),
    "headed to": ("The Moroccan king headed to Dakar after the vote.", {("MAR", "visited", "SEN")}),
    "goods go nowhere": ("Russian grain went to Egypt.", set()),
    "going to someone's aid is no visit": ("The British prime minister went to Kyiv's aid.", set()),
    "who flew": ("Lavrov, who flew to Pretoria on Monday, praised South Africa's neutrality.",
                 {("RUS", "visited", "ZAF"), ("RUS", "supports", "ZAF")}),
    "during a visit": ("During a visit to Accra, the Turkish foreign minister opened an embassy.",
                       {("TUR", "visited", "GHA")}),
    "on a visit": ("Erdogan was on a three-day visit to Qatar.", {("TUR", "visited", "QAT")}),
    "after a trip": ("After a trip to Hanoi, the Australian prime minister praised Vietnam.",
                     {("AUS", "visited", "VNM"), ("AUS", "supports", "VNM")}),
    "hosted a leader": ("Xi hosted the Brazilian president in Beijing.", {("BRA", "visited", "CHN")}),
    "hosted a minister": ("Hungary hosted the Chinese foreign minister.", {("CHN", "visited", "HUN")}),
    "hosted exercises": ("Poland hosted NATO exercises.", set()),
    "where someone travelled": ("The ministers met in Lisbon, where the Angolan president had travelled for a conference.",
                                {("AGO", "visited", "PRT")}),
    "an airport named for a city is no destination": (
        "The strike hit Kabul airport, where Pakistani diplomats were arriving.", set()),
    # a government "in" a capital stands for its state
    "the government in": ("Qatar backed the government in Tripoli.", {("QAT", "supports", "LBY")}),
    "the regime in": ("Turkey condemned the regime in Damascus.", {("TUR", "opposes", "SYR")}),
    # whoever holds or buys a state's debt is its creditor
    "holds debt": ("Germany holds Greek debt.", {("DEU", "creditorOf", "GRC")}),
    "bought debt": ("Saudi Arabia bought Egyptian debt last year.", {("SAU", "creditorOf", "EGY")}),
    # "he"/"she": the person named just before
    "he added": ("Lavrov arrived on Monday.\nHe added that Russia backs Serbia.", {("RUS", "supports", "SRB")}),
    "we ..., he said": ("Erdogan spoke on Monday.\n\"We condemn Israel,\" he said.", {("TUR", "opposes", "ISR")}),
    "said he": ("Putin said he backs Assad.", {("RUS", "supports", "SYR")}),
    "he, too far from any name": ("Xi spoke on Monday. " + "The hall was full and the speeches went on for hours. " * 8
                                  + "He condemned Japan.", set()),
    # "it"/"they" in a reported clause is the reporter
    "said it backs": ("The Kremlin said it backs Belarus.", {("RUS", "supports", "BLR")}),
    "said it ... and threatened": ("Moscow said it viewed the expansion with alarm and threatened Finland with retaliation.",
                                   {("RUS", "threatens", "FIN")}),
    "said they signed": ("Brazil and Argentina said they signed an agreement with Chile.",
                         {("ARG", "agreementWith", "CHL"), ("BRA", "agreementWith", "CHL")}),
    "said they would sign": ("Brazil and Argentina said they would sign an agreement with Chile.", set()),
    "landed in": ("The Nigerian president landed in Addis Ababa on Thursday.", {("NGA", "visited", "ETH")}),
    # who judges sanctions or aid has not given them
    "opposing sanctions is not sanctioning": ("Hungary said that it opposed sanctions on Russia.",
                                              {("HUN", "opposes", "RUS")}),
    "welcoming aid is not giving it": ("Cuba welcomed the aid to Haiti.", set()),
    # protest idioms; adjectives inside a verb cue
    "summoned the ambassador": ("Lithuania summoned the Chinese ambassador on Friday.", {("LTU", "opposes", "CHN")}),
    "expressed deep concern over": ("Japan expressed deep concern over China's military buildup.",
                                    {("JPN", "opposes", "CHN")}),
    "voiced concern about": ("Australia voiced serious concern about Beijing's actions.", {("AUS", "opposes", "CHN")}),
    "concern about a place is no opposition": ("France expressed concern about the drought in Somalia.", set()),
    "lashed out at": ("The Indian foreign ministry lashed out at Pakistan.", {("IND", "opposes", "PAK")}),
    "hit out at": ("Beijing hit out at Canberra over the new law.", {("CHN", "opposes", "AUS")}),
    # talks held somewhere
    "talks with a counterpart in a capital": ("The Cuban foreign minister held talks with his Russian counterpart in Moscow.",
                                              {("CUB", "visited", "RUS")}),
    "talks in a capital": ("The Thai king held talks with the Japanese emperor in Tokyo.", {("THA", "visited", "JPN")}),
    # who rejects a deal is no party to it
    "a deal that someone rejected": ("Egypt and Greece signed a maritime deal that Turkey rejected.",
                                     {("EGY", "agreementWith", "GRC"), ("TUR", "opposes", "EGY"),
                                      ("TUR", "opposes", "GRC")}),
    # receiving verbs: the giver supplies the receiver
    "acquired from": ("Kazakhstan acquired attack helicopters from Turkey last year.", {("TUR", "suppliesArmsTo", "KAZ")}),
    "ordered from": ("Serbia ordered six rocket launchers from China.", {("CHN", "suppliesArmsTo", "SRB")}),
    "bought from": ("Vietnam bought drones from Turkey.", {("TUR", "suppliesArmsTo", "VNM")}),
    "received fighters": ("Indonesia received its first Rafale fighters from France.",
                          {("FRA", "suppliesArmsTo", "IDN")}),
    "received no weapons": ("Pakistan received flood relief from Japan.", set()),
    # support idioms, adverbs inside a cue
    "stands squarely behind": ("Norway stands squarely behind Denmark.", {("NOR", "supports", "DNK")}),
    "rallied behind": ("The Czech government rallied behind Slovakia.", {("CZE", "supports", "SVK")}),
    "stood behind a government": ("Hungary stood behind the Serbian government.", {("HUN", "supports", "SRB")}),
    # military cooperation through personnel
    "training soldiers": ("Turkish officers are training Somali commandos.", {("SOM", "militaryCooperationWith", "TUR")}),
    "trained pilots": ("The Russian army has trained Syrian pilots since 2016.",
                       {("RUS", "militaryCooperationWith", "SYR")}),
    "fought alongside": ("Ukrainian soldiers fought alongside the Georgian army.",
                         {("GEO", "militaryCooperationWith", "UKR")}),
    "the two armies": ("Uganda sent officers to Nairobi in May.\n\nThe two armies held a joint exercise.",
                       {("KEN", "militaryCooperationWith", "UGA")}),
    # threats in a warning
    "warned of a military response": ("Venezuela warned of a military response against Guyana.",
                                      {("VEN", "opposes", "GUY"), ("VEN", "threatens", "GUY")}),
    "warned of consequences": ("North Korea warned Japan of serious consequences.",
                               {("PRK", "opposes", "JPN"), ("PRK", "threatens", "JPN")}),
    "a warning is no threat": ("Germany warned Russia about the spread of disinformation.", {("DEU", "opposes", "RUS")}),
    # "another of"
    "another of the partners": ("Ghana, another of Nigeria's trading partners, agreed.",
                                {("GHA", "tradePartnerOf", "NGA")}),
    "another of the creditors": ("Qatar, another of Egypt's creditors, signed.", {("QAT", "creditorOf", "EGY")}),
    "treaty allies are allies": ("South Korea and the Philippines are treaty allies of the United States.",
                                 {("KOR", "alliedWith", "USA"), ("PHL", "alliedWith", "USA")}),
    # negation, denial, hedges: nothing
    "yet to be signed": ("Britain's trade deal with Kenya has yet to be signed.", set()),
    "yet to join": ("Peru is yet to join the alliance with Chile.", set()),
    "pressing for": ("Canada is pressing for a free trade agreement with Ecuador.", set()),
    "a bid is no membership": ("Turkey opposed Sweden's bid to join NATO.", {("TUR", "opposes", "SWE")}),
    "negation": ("Brazil did not sign the agreement with Argentina.", set()),
    "denial": ("Iran denied supplying weapons to Russia.", set()),
    "may consider": ("Egypt may consider an alliance with Ethiopia.", set()),
    "expected to": ("India is expected to sign a trade deal with Australia next year.", set()),
    "proposed sanctions": ("The United States proposed sanctions on Nicaragua.", set()),
    "question": ("Will Norway join the European Union?", set()),
    "conditional": ("If Serbia recognises Kosovo, Russia will condemn Serbia.", set()),
    "one actor only": ("Germany condemned the attack.", set()),
    "regional adjective is no demonym": ("Spain backs its Latin American partners.", set()),
    "expressed disappointment": ("The European Union expressed disappointment at Hungary's veto.",
                                 {("EU", "opposes", "HUN")}),
    "voiced disappointment": ("Japan voiced deep disappointment with China's decision to ban seafood imports.",
                              {("JPN", "opposes", "CHN")}),
    "disappointment with no target": ("Fans expressed disappointment after Brazil lost the final.", set()),
}


@pytest.mark.parametrize("text, expected", list(CASES.values()), ids=list(CASES))
def test_sentences(vocab: Vocabulary, nlp: object, text: str, expected: set[tuple[str, str, str]]) -> None:
    assert found(text, vocab) == expected


def test_one_fact_per_triple_with_the_first_sentence(vocab: Vocabulary, nlp: object) -> None:
    text = "Ghana signed a trade deal with Togo.\n\nTogo and Ghana signed the trade deal again."
    facts = [f for f in extract(Article(path="a.txt", text=text), vocab, model="rules")
             if f.relation == "agreementWith"]
    assert len(facts) == 1
    assert facts[0].evidence == "Ghana signed a trade deal with Togo."


def test_fact_fields_and_offsets_point_into_the_file(vocab: Vocabulary, nlp: object, tmp_path: Path) -> None:
    path = tmp_path / "news.txt"
    path.write_text("title: Pact\ndate: 2023-05-02\n\nA short opening line.\n\n"
                    "Officials met on Monday.  Kenya signed a defence pact with Somalia in Nairobi.\n",
                    encoding="utf-8")
    (article,) = load_articles(path)
    facts = extract(article, vocab, model="rules")
    assert facts
    file_text = path.read_text(encoding="utf-8")
    for f in facts:
        assert file_text[f.char_start:f.char_end] == f.evidence == "Kenya signed a defence pact with Somalia in Nairobi."
        assert f.article == str(path) and f.article_id == article.id and f.date == "2023-05-02"
        assert f.extractor == RULES and 0 < f.confidence <= 1


def test_confidence_is_lower_for_indirect_arguments(vocab: Vocabulary, nlp: object) -> None:
    direct = extract(Article(path="a.txt", text="Canada condemned Iran."), vocab, model="rules")
    indirect = extract(Article(path="b.txt", text="\"We condemn this,\" the Canadian minister told Iran."), vocab,
                       model="rules")
    assert direct and direct[0].confidence > max((f.confidence for f in indirect), default=0)


def test_long_and_huge_texts_stay_bounded(vocab: Vocabulary, nlp: object) -> None:
    long_sentence = "Chile signed an accord with Peru" + ", and with Peru" * 400 + "."
    huge = ("Norway backs Sweden. " * 3000) + "\n\n" + "x" * 20000
    assert extract(Article(path="a.txt", text=long_sentence), vocab, model="rules") == []  # too long to parse: skipped
    facts = extract(Article(path="b.txt", text=huge), vocab, model="rules")
    assert [(f.subject, f.relation, f.object) for f in facts] == [("NOR", "supports", "SWE")]


WORDS = ["Russia", "Venezuela", "the Kremlin", "Putin", "Cuban", "NATO", "signed", "alliance", "with", "and",
         "not", "may", "sanctions", "on", "'s", "creditor", ",", ".", "\n\n", "\"", "which", "by", "was", "allies"]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=300), st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join)))
def test_arbitrary_text_never_crashes(vocab: Vocabulary, nlp: object, text: str) -> None:
    article = Article(path="any.txt", text=text)
    for model in ("rules", None):  # the rules alone, and the shipped model
        for f in extract(article, vocab, model=model):
            assert text[f.char_start:f.char_end] == f.evidence
            assert f.subject != f.object


# --------------------------------------------------------------------------- the CLI

NEWS = "Peru and Chile signed a fisheries agreement.\n\nThe Kremlin condemned Georgia.\n"


def _jsonl(result: Result) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_cli_extract_jsonl(run: Callable[..., Result], tmp_path: Path, nlp: object) -> None:
    path = tmp_path / "news.txt"
    path.write_text(NEWS, encoding="utf-8")
    result = run("extract", path, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = _jsonl(result)
    assert {(r["subject"], r["relation"], r["object"]) for r in rows} >= {("RUS", "opposes", "GEO")}
    for r in rows:
        assert {"article", "subject", "relation", "object", "evidence", "char_start", "char_end", "confidence",
                "extractor"} <= set(r)
        assert r["article"] == str(path)
        assert NEWS[r["char_start"]:r["char_end"]] == r["evidence"]  # type: ignore[misc]
    assert "facts from 1 articles" in result.stderr


@pytest.mark.slow  # starts two worker processes that load spaCy
def test_cli_extract_jobs_gives_the_same_output(run: Callable[..., Result], tmp_path: Path, nlp: object) -> None:
    paths = []
    for n in range(5):
        p = tmp_path / f"a{n}.txt"
        p.write_text(NEWS.replace("Georgia", ["Georgia", "Ukraine", "Moldova", "Estonia", "Latvia"][n]), encoding="utf-8")
        paths.append(p)
    one = run("extract", *paths, "--format", "jsonl")
    two = run("extract", *paths, "--format", "jsonl", "--jobs", "2")
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout
    assert [r["article"] for r in _jsonl(two)] == sorted((r["article"] for r in _jsonl(two)), key=lambda a: str(a))


@pytest.mark.parametrize("content, problem", [
    (b"", "file is empty"),
    (b"\x00\x01\x02binary", "binary"),
    ("Caf\u00e9 Cuba".encode("latin-1"), "not UTF-8"),
    (b"Chile backs Peru. " * 200, "too large"),
])
def test_cli_bad_file_is_one_line_and_others_are_extracted(run: Callable[..., Result], tmp_path: Path, nlp: object,
                                                          content: bytes, problem: str) -> None:
    good = tmp_path / "good.txt"
    good.write_text(NEWS, encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    result = run("extract", bad, good, "--format", "jsonl", "--max-bytes", "1000")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and errors[0].startswith(f"Error: {bad}: ") and problem in errors[0]
    assert _jsonl(result) and all(r["article"] == str(good) for r in _jsonl(result))


# --------------------------------------------------------------------------- curated precedence, end to end

def _edges(store: object, relation: str) -> set[tuple[str, str]]:
    q = f"SELECT ?s ?o WHERE {{ ?s <{AG[relation]}> ?o }}"
    rows = store.query(q)  # type: ignore[attr-defined]
    return {(r["s"].value.removeprefix(str(ACTOR)), r["o"].value.removeprefix(str(ACTOR))) for r in rows}


@pytest.mark.parametrize("jobs", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_rejected_curated_fact_suppresses_the_extracted_claim(vocab: Vocabulary, nlp: object, tmp_path: Path,
                                                              jobs: int) -> None:
    article = tmp_path / "articles" / "talks.txt"
    article.parent.mkdir(parents=True)
    article.write_text("The Kremlin condemned Georgia.\n\nArmenia signed a trade deal with Iran.\n", encoding="utf-8")
    curated = write_facts(tmp_path / "facts" / "talks.yaml", "../articles/talks.txt", [
        {"subject": "RUS", "relation": "opposes", "object": "GEO", "evidence": "The Kremlin condemned Georgia.",
         "rejected": True},
    ])
    with open_store("memory", vocab) as store:
        result = ingest_files([article, curated], store, vocab, jobs=jobs)
        assert result.ok, result.errors
        assert ("RUS", "GEO") not in _edges(store, "opposes")
        assert ("ARM", "IRN") in _edges(store, "agreementWith")  # the rest of the article is still there
    with open_store("memory", vocab) as store:  # and without the curated file the claim would be an edge
        ingest_files([article], store, vocab)
        assert ("RUS", "GEO") in _edges(store, "opposes")
