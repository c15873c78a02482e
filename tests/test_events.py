"""GDELT, POLECAT and ICEWS files through `alliances ingest-dataset`, and the mapping tables of ontology/events/.

The dataset files are never bundled: each test writes a few rows of its own in
the dataset's real layout (tests/eventfiles.py).
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.datasets import event_claims
from graph.datasets.mapping import load_actors, load_cameo, load_plover
from graph.datasets.named_events import cameo_code
from graph.store import open_store
from graph.vocab import ONTOLOGY_DIR, load_vocabulary
from tests.eventfiles import GDELT2_COLUMNS, ICEWS_COLUMNS, POLECAT_COLUMNS, gdelt_row, table, write

EVENTS = ONTOLOGY_DIR / "events"


def ingest(store: Path, dataset: str, *files: Path, ontology: Path | None = None):
    args = ["ingest-dataset", dataset, *map(str, files), "--store", str(store)]
    if ontology is not None:
        args += ["--ontology", str(ontology)]
    return CliRunner().invoke(cli, args)


def claims(store: Path) -> list[dict[str, str]]:
    q = """SELECT ?s ?p ?o ?conf ?x ?date ?src ?row ?map ?ev ?d WHERE {
      ?c a ag:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; ag:confidence ?conf ; ag:extractor ?x ;
         prov:wasDerivedFrom ?d ; ag:sourceRow ?row ; ag:mappingRow ?map ; ag:evidence ?ev .
      OPTIONAL { ?c dcterms:date ?date } OPTIONAL { ?c dcterms:source ?src } }"""
    vocab = load_vocabulary()
    with open_store(store, vocab, read_only=True) as s:
        out = []
        for r in s.query(q):
            d = {k: (r[k].value if r[k] is not None else None) for k in ("s", "p", "o", "conf", "x", "date", "src",
                                                                          "row", "map", "ev", "d")}
            d["s"], d["o"] = d["s"].rsplit("/", 1)[1], d["o"].rsplit("/", 1)[1]
            d["p"] = d["p"].split("#")[1]
            out.append(d)
    return sorted(out, key=lambda d: (d["p"], d["s"], d["o"], d["src"] or ""))


def edges(store: Path, relation: str) -> set[tuple[str, str]]:
    with open_store(store, load_vocabulary(), read_only=True) as s:
        return {(r["s"].value.rsplit("/", 1)[1], r["o"].value.rsplit("/", 1)[1])
                for r in s.query(f"SELECT ?s ?o WHERE {{ ?s ag:{relation} ?o }}")}


GDELT_ROWS = [
    gdelt_row(1, "20240105", "USAGOV", "FRAGOV", "057", url="https://news.example/a", sources=2, articles=4),
    gdelt_row(2, "20240106", "FRAGOV", "USAGOV", "057", url="https://news.example/a"),  # same story, other order
    gdelt_row(3, "20240105", "RUS", "UKRGOV", "138", url="https://news.example/b"),
    gdelt_row(4, "20240106", "USAREB", "FRAGOV", "057", url="https://news.example/c"),  # rebels: not an actor
    gdelt_row(5, "20240106", "USAGOV", "FRAGOV", "010", url="https://news.example/c"),  # a statement: unmapped
    gdelt_row(6, "20240106", "CHN", "NAT", "111", url="https://news.example/d"),  # NATO by its known group code
    gdelt_row(7, "20240106", "TURGOV", "RUSGOV", "043", url="https://news.example/e"),  # Turkey hosts Russia
    gdelt_row(8, "20240106", "USAGOV", "HMS", "163", url="https://news.example/f"),  # Hamas: not an actor
    gdelt_row(9, "20240106", "USAGOV", "USAMIL", "062", url="https://news.example/g"),  # domestic
    "10\t20240106\tUSA",  # cut short
    gdelt_row(11, "2024XX06", "USAGOV", "DEUGOV", "163", url="https://news.example/h"),  # not a date
    gdelt_row(12, "20240107", "USAGOV", "RUSGOV", "163", url="https://news.example/i", sources=1, articles=1),
]


@pytest.mark.parametrize("how", ["plain", "gz", "zip"])
def test_gdelt2_file_becomes_claims_with_provenance(tmp_path, how):
    f = write(tmp_path / "20240106.export.CSV", "\n".join(GDELT_ROWS) + "\n", how)
    store = tmp_path / "store"
    result = ingest(store, "gdelt", f)
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert "Traceback" not in result.output
    assert f"skipped {f}:10: 3 fields, expected 61 (GDELT 2.0)" in err
    assert f"skipped {f}:11: SQLDATE '2024XX06' is not a date YYYYMMDD" in err
    assert "unmapped codes in" in err and "CAMEO 010 1" in err
    assert re.search(r"not actors of the ontology in .*HMS 1.*USAREB 1", err)
    assert "GDELT 2.0, 61 columns: 12 rows" in err and "5 event claims written (GDELT Event Database 2.0)" in err
    assert "1 repeats collapsed" in err and "1 same actor on both sides" in err and "2 malformed" in err
    assert "Please cite: Leetaru, Kalev, and Philip A. Schrodt. 2013." in err
    got = claims(store)
    assert [(c["s"], c["p"], c["o"]) for c in got] == [
        ("USA", "agreementWith", "FRA"), ("CHN", "opposes", "NATO"), ("USA", "sanctions", "RUS"),
        ("RUS", "threatens", "UKR"), ("RUS", "visited", "TUR")]
    agreement = got[0]
    assert agreement["x"] == "dataset:gdelt/2.0" and agreement["d"].endswith("/dataset/gdelt-2.0")
    assert agreement["date"] == "2024-01-05" and agreement["src"] == "https://news.example/a"  # the first row stands
    assert float(agreement["conf"]) == 0.6  # 2 sources, 4 articles
    assert float(got[2]["conf"]) == 0.4  # 1 source, 1 article
    assert agreement["row"] == f"{f.name}:1" and "GDELT 2.0 event 1: USAGOV → FRAGOV, CAMEO 057" in agreement["ev"]
    # the mapping row cited is the row of the table that maps the code
    for c in got:
        path, line = re.match(r"(ontology/events/[a-z-]+\.csv):(\d+) ", c["map"]).groups()
        text = (ONTOLOGY_DIR.parent / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
        assert text.split(",")[1] == c["p"] and text.split(",")[0] in c["ev"]
    # edges are derived: symmetric both ways, directed one way, the host reversed
    assert edges(store, "agreementWith") == {("USA", "FRA"), ("FRA", "USA")}
    assert edges(store, "visited") == {("RUS", "TUR")}
    with open_store(store, load_vocabulary(), read_only=True) as s:  # each edge linked to the claim behind it
        links = s.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/alliance-graph/graph/derived> "
                        "{ ?e ag:supportedBy ?c } ?c a ag:Claim }")
        assert int(next(iter(links))["n"].value) == 6  # agreement both ways, four directed relations
    validate = CliRunner().invoke(cli, ["validate", "--store", str(store)])
    assert validate.exit_code == 0, validate.output


def test_ingesting_again_adds_nothing_and_files_collapse_together(tmp_path):
    a = write(tmp_path / "a.export.CSV", "\n".join(GDELT_ROWS[:3]) + "\n")
    b = write(tmp_path / "b.export.CSV", gdelt_row(20, "20240108", "FRAGOV", "USAGOV", "057",
                                                     url="https://news.example/a") + "\n")
    store = tmp_path / "store"
    first = ingest(store, "gdelt", a, b)
    assert first.exit_code == 0, first.output
    assert "2 event claims written" in first.stderr and first.stderr.count("repeats collapsed") == 2
    assert re.search(r"b\.export\.CSV: .* 0 event claims written .* 1 repeats collapsed", first.stderr)
    again = ingest(store, "gdelt", a)
    assert "0 event claims written" in again.stderr and "2 already in the store" in again.stderr
    assert len(claims(store)) == 2


def test_repeats_collapse_whether_their_claim_is_written_yet_or_not(tmp_path, monkeypatch):
    """A claim's repeat after its batch went to the store still collapses, and is counted as a repeat."""
    monkeypatch.setattr(event_claims, "BATCH", 1)  # every claim written before the next row is read
    f = write(tmp_path / "20240106.export.CSV", "\n".join(GDELT_ROWS) + "\n")
    store = tmp_path / "store"
    first = ingest(store, "gdelt", f)
    assert first.exit_code == 0, first.output
    assert "5 event claims written" in first.stderr and "1 repeats collapsed, 0 already in the store" in first.stderr
    g = write(tmp_path / "20240108.export.CSV", "\n".join([
        gdelt_row(20, "20240108", "DEUGOV", "RUSGOV", "163", url="https://news.example/new"),  # a new claim
        gdelt_row(21, "20240108", "USAGOV", "RUSGOV", "163", url="https://news.example/i")]) + "\n")  # an old one
    again = ingest(store, "gdelt", f, f, g)  # the same file twice in one run, then one more
    assert again.stderr.count("0 event claims written") == 2
    assert again.stderr.count("1 repeats collapsed, 5 already in the store") == 1
    assert again.stderr.count("6 repeats collapsed, 0 already in the store") == 1
    assert "1 event claims written" in again.stderr and len(claims(store)) == 6


def test_a_saturated_filter_of_the_run_changes_counts_at_most_never_claims(tmp_path, monkeypatch):
    """Every claim looks already made to a filter of 8 bits: the store's lookup decides, claims stay the same."""
    monkeypatch.setattr(event_claims.RunClaims, "BITS", 8)
    monkeypatch.setattr(event_claims, "BATCH", 1)
    f = write(tmp_path / "20240106.export.CSV", "\n".join(GDELT_ROWS) + "\n")
    store = tmp_path / "store"
    result = ingest(store, "gdelt", f)
    assert result.exit_code == 0, result.output
    assert "5 event claims written" in result.stderr and "1 repeats collapsed" in result.stderr
    assert [(c["s"], c["p"], c["o"]) for c in claims(store)] == [
        ("USA", "agreementWith", "FRA"), ("CHN", "opposes", "NATO"), ("USA", "sanctions", "RUS"),
        ("RUS", "threatens", "UKR"), ("RUS", "visited", "TUR")]


def test_known_group_codes_are_the_ones_the_cameo_sources_confirm(tmp_path):
    rows = [gdelt_row(1, "20240105", "AFU", "NERGOV", "163", url="https://news.example/au"),  # African Union
            gdelt_row(2, "20240105", "WAS", "NERGOV", "163", url="https://news.example/ecowas"),
            gdelt_row(3, "20240105", "GOS", "RUSGOV", "163", url="https://news.example/g7"),
            gdelt_row(4, "20240105", "SHA", "CHNGOV", "057", url="https://news.example/sco"),  # no confirmed code
            gdelt_row(5, "20000105", "OAU", "NERGOV", "163", url="https://news.example/oau")]  # not the AU
    f = write(tmp_path / "groups.export.CSV", "\n".join(rows) + "\n")
    store = tmp_path / "store"
    result = ingest(store, "gdelt", f)
    assert result.exit_code == 0, result.output
    assert re.search(r"not actors of the ontology in .*OAU 1.*SHA 1", result.stderr)
    assert [(c["s"], c["p"], c["o"]) for c in claims(store)] == [
        ("AU", "sanctions", "NER"), ("ECOWAS", "sanctions", "NER"), ("G7", "sanctions", "RUS")]
    source = {row[1]: row[3] for row in _table("actors.csv") if row[0] == "cameo-group"}
    assert "SHA" not in source and all("Table 3.4" in why for why in source.values())


def test_gdelt1_files_are_told_apart_by_their_column_count(tmp_path):
    rows58 = [gdelt_row(1, "20130405", "USAGOV", "CHNGOV", "042", url="https://news.example/v", version="1.0"),
              gdelt_row(2, "20130405", "USAGOV", "CHNGOV", "042", url="https://news.example/w", version="1.0")]
    rows57 = [gdelt_row(3, "20120105", "DEUGOV", "FRAGOV", "061", version="1.0-57"),
              gdelt_row(4, "20120105", "DEUGOV", "FRAGOV", "061", version="1.0-57"),  # same day: one claim
              gdelt_row(5, "20120106", "DEUGOV", "FRAGOV", "061", version="1.0-57")]
    assert len(rows58[0].split("\t")) == 58 and len(rows57[0].split("\t")) == 57
    store = tmp_path / "store"
    result = ingest(store, "gdelt", write(tmp_path / "20130405.export.CSV", "\n".join(rows58) + "\n"),
                    write(tmp_path / "20120106.export.CSV", "\n".join(rows57) + "\n"))
    assert result.exit_code == 0, result.output
    assert "GDELT 1.0, 58 columns" in result.stderr and "GDELT 1.0, 57 columns" in result.stderr
    got = claims(store)
    assert {c["x"] for c in got} == {"dataset:gdelt/1.0"}
    assert [(c["s"], c["p"], c["o"], c["src"]) for c in got] == [
        ("DEU", "tradePartnerOf", "FRA", None), ("DEU", "tradePartnerOf", "FRA", None),
        ("USA", "visited", "CHN", "https://news.example/v"), ("USA", "visited", "CHN", "https://news.example/w")]


def test_a_header_row_of_a_gdelt_export_is_skipped(tmp_path):
    text = "\t".join(GDELT2_COLUMNS) + "\n" + GDELT_ROWS[0] + "\n"
    store = tmp_path / "store"
    result = ingest(store, "gdelt", write(tmp_path / "bq.tsv", text))
    assert result.exit_code == 0 and "1 rows" in result.stderr and "1 event claims written" in result.stderr


POLECAT_ROWS = [
    {"Event ID": "e1", "Event Date": "2023-03-02", "Event Type": "THREATEN", "Event Mode": "", "Actor Name": "Russia",
     "Actor Country": "RUS", "Recipient Name": "Volodymyr Zelensky", "Recipient Country": "UKR",
     "Recipient Sectors": "Government", "Version": "1.1"},
    {"Event ID": "e2", "Event Date": "2023-03-03", "Event Type": "CONSULT", "Event Mode": "host",
     "Actor Name": "Xi Jinping", "Actor Country": "CHN", "Actor Sectors": "Government;Executive",
     "Recipient Name": "Vladimir Putin", "Recipient Country": "RUS", "Recipient Sectors": "Executive",
     "Version": "1.1"},
    {"Event ID": "e3", "Event Date": "2023-03-03", "Event Type": "COOPERATE", "Contexts": "military",
     "Actor Name": "United States", "Actor Country": "USA", "Recipient Name": "NATO", "Recipient Country": "",
     "Version": "1.1"},
    {"Event ID": "e4", "Event Date": "2023-03-04", "Event Type": "AID", "Actor Name": "Wagner Group",
     "Actor Country": "RUS", "Actor Sectors": "Rebels", "Recipient Name": "Mali", "Recipient Country": "MLI",
     "Version": "1.1"},
    {"Event ID": "e5", "Event Date": "2023-03-04", "Event Type": "AGREE", "Actor Name": "France",
     "Actor Country": "FRA", "Recipient Name": "Germany", "Recipient Country": "DEU", "Version": "1.1"},
    {"Event ID": "e6", "Event Date": "03/04/2023", "Event Type": "AID", "Actor Name": "Japan",
     "Actor Country": "JPN", "Recipient Name": "Philippines", "Recipient Country": "PHL", "Version": "1.1"},
    {"Event ID": "e7", "Event Date": "2023-03-05", "Event Type": "AID", "Contexts": "asylum",
     "Actor Name": "Germany", "Actor Country": "DEU", "Recipient Name": "Syria", "Recipient Country": "SYR",
     "Version": "1.1"},
]


def test_polecat_file_by_its_header(tmp_path):
    f = write(tmp_path / "ngec_coded_all_2023-03-05.txt", table(POLECAT_COLUMNS, POLECAT_ROWS), "gz")
    store = tmp_path / "store"
    result = ingest(store, "polecat", f)
    assert result.exit_code == 0, result.output
    assert "POLECAT, 40 columns: 7 rows" in result.stderr
    assert "3 event claims written (POLECAT Weekly Data (PLOVER) 1.1)" in result.stderr
    assert f"skipped {f}:7: Event Date '03/04/2023' is not a date" in result.stderr
    assert "PLOVER AGREE 1" in result.stderr and "PLOVER AID 1" in result.stderr  # asylum: no relation
    assert "Wagner Group (RUS) 1" in result.stderr
    got = claims(store)
    assert [(c["s"], c["p"], c["o"]) for c in got] == [
        ("USA", "militaryCooperationWith", "NATO"), ("RUS", "threatens", "UKR"), ("RUS", "visited", "CHN")]
    assert {c["x"] for c in got} == {"dataset:polecat/1.1"} and {float(c["conf"]) for c in got} == {0.5}
    assert got[1]["src"] == "POLECAT e1" and "plover-relations.csv" in got[1]["map"]


ICEWS_ROWS = [
    {"Event ID": "101", "Event Date": "2016-05-01", "Source Name": "Russian Federation", "Source Sectors": "",
     "Source Country": "Russian Federation", "Event Text": "Sign formal agreement", "CAMEO Code": "57",
     "Target Name": "Government (China)", "Target Sectors": "Government", "Target Country": "China",
     "Story ID": "9001", "Sentence Number": "1"},
    {"Event ID": "102", "Event Date": "2016-05-01", "Source Name": "Citizen (Russia)", "Source Sectors": "",
     "Source Country": "Russia", "Event Text": "Criticize or denounce", "CAMEO Code": "111",
     "Target Name": "Barack Obama", "Target Sectors": "Executive,Government", "Target Country": "United States",
     "Story ID": "9002", "Sentence Number": "1"},
    {"Event ID": "103", "Event Date": "2016-05-02", "Source Name": "European Union", "Source Sectors": "",
     "Source Country": "", "Event Text": "Impose embargo, boycott, or sanctions", "CAMEO Code": "163",
     "Target Name": "Russia", "Target Sectors": "", "Target Country": "Russia", "Story ID": "9003",
     "Sentence Number": "2"},
    {"Event ID": "104", "Event Date": "2016-05-02", "Source Name": "Foreign Affairs (Japan)",
     "Source Sectors": "Foreign Ministry,Government", "Source Country": "Japan", "Event Text": "Make statement",
     "CAMEO Code": "10", "Target Name": "China", "Target Sectors": "", "Target Country": "China",
     "Story ID": "9004", "Sentence Number": "1"},
]


def test_icews_file_by_its_header(tmp_path):
    f = write(tmp_path / "events.2016.tab", table(ICEWS_COLUMNS, ICEWS_ROWS), "zip")
    store = tmp_path / "store"
    result = ingest(store, "icews", f)
    assert result.exit_code == 0, result.output
    assert "ICEWS, 20 columns: 4 rows" in result.stderr and "2 event claims written" in result.stderr
    assert "CAMEO 010 1" in result.stderr and "Citizen (Russia) (Russia) 1" in result.stderr
    got = claims(store)
    assert [(c["s"], c["p"], c["o"], c["src"]) for c in got] == [
        ("RUS", "agreementWith", "CHN", "ICEWS story 9001"), ("EU", "sanctions", "RUS", "ICEWS story 9003")]
    assert "CAMEO 057" in got[0]["map"] and "(Sign formal agreement)" in got[0]["ev"]


def test_cameo_codes_that_lost_their_leading_zero_are_restored():
    assert [cameo_code(c) for c in ("42", "043", "311", "1312", "163", "204", "2041", "57.0")] == [
        "042", "043", "0311", "1312", "163", "204", "2041", "057"]


@pytest.mark.parametrize("dataset, content, problem", [
    ("gdelt", table(POLECAT_COLUMNS, POLECAT_ROWS[:1]),
     "not a GDELT events file: 40 tab-separated columns on the first line (GDELT 2.0 has 61, GDELT 1.0 has 57 or 58) "
     "(this looks like a POLECAT file: use 'ingest-dataset polecat')"),
    ("polecat", table(ICEWS_COLUMNS, ICEWS_ROWS[:1]), "not a POLECAT file: the header row lacks 'Event Type'"),
    ("icews", "\n".join(GDELT_ROWS[:1]) + "\n", "not an ICEWS file"),
    ("gdelt", "", "file is empty"),
])
def test_a_file_in_another_layout_is_one_error_line_and_the_others_still_load(tmp_path, dataset, content, problem):
    bad = write(tmp_path / "bad.txt", content)
    good = {"gdelt": write(tmp_path / "good.CSV", GDELT_ROWS[0] + "\n"),
            "polecat": write(tmp_path / "good.txt", table(POLECAT_COLUMNS, POLECAT_ROWS[:1])),
            "icews": write(tmp_path / "good.tab", table(ICEWS_COLUMNS, ICEWS_ROWS[:1]))}[dataset]
    store = tmp_path / "store"
    result = ingest(store, dataset, bad, good)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and errors[0].startswith(f"Error: {bad}: ") and problem in errors[0]
    assert "Traceback" not in result.output and "1 event claims written" in result.stderr
    assert len(claims(store)) == 1


def test_a_damaged_gzip_file_keeps_what_was_read_and_names_the_file(tmp_path):
    rows = [gdelt_row(i, "20240105", "USAGOV", "FRAGOV", "057", url=f"https://news.example/{i}") for i in range(3000)]
    f = write(tmp_path / "big.export.CSV", "\n".join(rows) + "\n", "gz")
    data = f.read_bytes()
    f.write_bytes(data[: len(data) // 2])
    result = ingest(tmp_path / "store", "gdelt", f)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert re.search(rf"Error: {re.escape(str(f))}: file is damaged after line \d+", result.stderr)


# ------------------------------------------------------------------ the mapping tables


def _table(name: str) -> list[list[str]]:
    lines = [line for line in (EVENTS / name).read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.reader(lines))[1:]


@pytest.mark.parametrize("name", ["cameo-relations.csv", "plover-relations.csv", "actors.csv"])
def test_every_mapping_row_has_a_comment_and_names_what_the_ontology_knows(name):
    vocab = load_vocabulary()
    rows = _table(name)
    assert rows
    for row in rows:
        assert row[-1].strip(), row
        if name != "actors.csv":
            rel = row[-3]
            assert rel == "" or rel in vocab.relations, row
        elif row[0] in ("cameo-country", "cameo-group", "name") and row[2]:
            assert row[2] in vocab.actors, row


def test_the_mapping_is_the_conservative_one_the_issue_names():
    vocab = load_vocabulary()
    cameo, plover = load_cameo(vocab), load_plover(vocab)
    assert cameo.get("057").relation == "agreementWith" and cameo.get("163").relation == "sanctions"
    assert plover.get("THREATEN", "", ()).relation == "threatens"
    assert cameo.get("043").reverse and plover.get("CONSULT", "host", ()).reverse
    for loose in ("010", "040", "036", "051", "190", "0311"):  # statements, meetings, intentions, praise, force
        assert cameo.get(loose) is None, loose
    assert plover.get("AGREE", "", ()) is None and plover.get("AID", "", ("asylum",)) is None
    actors = load_actors(vocab)
    assert actors.country("ROM") == "ROU" and actors.country("EUR") is None and actors.groups["NAT"] == "NATO"
    assert actors.named("Russian Federation", "Russian Federation", "") == "RUS"
    assert actors.named("Citizen (Russia)", "Russia", "") is None
    assert actors.named("Police (India)", "India", "Police") is None


def test_a_broken_mapping_table_is_one_error_line(tmp_path):
    onto = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY_DIR, onto)
    path = onto / "events" / "cameo-relations.csv"
    path.write_text(path.read_text(encoding="utf-8") + '999,likes,,"not a relation"\n', encoding="utf-8")
    result = ingest(tmp_path / "store", "gdelt", write(tmp_path / "a.CSV", GDELT_ROWS[0] + "\n"), ontology=onto)
    assert result.exit_code == 1
    assert re.search(rf"Error: {re.escape(str(path))}:\d+: unknown relation 'likes'", result.stderr)
