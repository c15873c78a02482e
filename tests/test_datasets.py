"""COW and ATOP loaders, the COW↔ISO crosswalk, treaty claims in the store, and "treaty or talk?".

The dataset files are never bundled: each test writes a small CSV in the
dataset's real column layout.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.datasets import (
    DATASETS,
    load_crosswalk,
    read_dataset,
    treaty_or_talk,
    treaty_or_talk_markdown,
)
from graph.model import Article, Fact
from graph.pipeline import ingest_dataset
from graph.store import AllianceStore
from graph.vocab import ACTOR, AG, ONTOLOGY_DIR, load_vocabulary

ROOT = Path(__file__).resolve().parent.parent
STATES = {"USA": "United States", "GBR": "United Kingdom", "DEU": "Germany", "RUS": "Russia", "FRA": "France",
          "SRB": "Serbia", "GRC": "Greece", "TUR": "Turkey", "CAN": "Canada", "VEN": "Venezuela", "YEM": "Yemen"}

COW_HEADER = ("version4id,ccode1,state_name1,ccode2,state_name2,dyad_st_day,dyad_st_month,dyad_st_year,"
              "dyad_end_day,dyad_end_month,dyad_end_year,left_censor,right_censor,defense,neutrality,"
              "nonaggression,entente,version")
ATOP_DDYR_HEADER = ("stateA,stateB,year,atopally,defense,offense,neutral,nonagg,consul,shareob,bilatno,multino,"
                    "asymm,atopid1,atopid2,atopid3,version")
ATOP_MEMBER_HEADER = ("atopid,member,yrent,moent,dayent,yrexit,moexit,dayexit,defensem,offensem,neutralm,"
                      "nonaggm,consulm,version")


@pytest.fixture(scope="module")
def ontology(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's ontology with a small actors.ttl of our own (the states these tests use)."""
    d = tmp_path_factory.mktemp("ontology")
    for name in ("alliances.ttl", "shapes.ttl", "cow-crosswalk.ttl"):
        shutil.copy(ONTOLOGY_DIR / name, d / name)
    shutil.copytree(ONTOLOGY_DIR / "queries", d / "queries")
    lines = ["@prefix ag: <https://w3id.org/alliance-graph/ontology#> .",
             "@prefix actor: <https://w3id.org/alliance-graph/actor/> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> ."]
    for iso, label in STATES.items():
        lines.append(f'actor:{iso} a ag:State ; rdfs:label "{label}"@en ; ag:iso3 "{iso}" .')
    (d / "actors.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def vocab(ontology: Path):
    return load_vocabulary(ontology)


@pytest.fixture()
def store(vocab):
    s = AllianceStore("memory", vocab)
    yield s
    s.close()


def write_csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def cow_row(aid: int, c1: int, c2: int, start: tuple[int, int, int], end: tuple[int, int, int] | None,
            defense: int = 0, neutrality: int = 0, nonaggression: int = 0, entente: int = 0) -> str:
    sd, sm, sy = start
    ed, em, ey = end if end else ("", "", "")
    return (f"{aid},{c1},State {c1},{c2},State {c2},{sd},{sm},{sy},{ed},{em},{ey},0,{0 if end else 1},"
            f"{defense},{neutrality},{nonaggression},{entente},4.1")


def spells_by(spells, *fields):
    return sorted(tuple(getattr(s, f) for f in fields) for s in spells)


# ---------------------------------------------------------------------------------------------- ontology


def test_treaty_types_are_sub_properties_not_relations(vocab):
    assert len(vocab.relations) == 14
    assert set(vocab.treaty_types) == {"defencePact", "offencePact", "neutralityPact", "nonAggressionPact", "entente",
                                       "consultationPact"}
    for t in vocab.treaty_types.values():
        assert t.parent == "alliedWith"
        assert t.name not in vocab.relations
        assert t.columns, f"{t.name} is coded by no dataset column"
    assert vocab.treaty_types["defencePact"].columns == {"cow": "defense", "atop": "defense"}


# ---------------------------------------------------------------------------------------------- crosswalk


@pytest.mark.parametrize("code, year, expected", [
    (2, 1816, "USA"),
    (365, 1950, "RUS"),          # the Soviet Union: Russia is its continuator
    (255, 1900, "DEU"),
    (255, 1995, "DEU"),
    (260, 1955, "DEU"),
    (260, 1990, "DEU"),
    (260, 1991, None),           # code 260 ends with unification; 255 again after
    (265, 1970, None),           # GDR: no current ISO state
    (315, 1960, None),           # Czechoslovakia
    (316, 2000, "CZE"),
    (345, 1900, "SRB"),          # Kingdom of Serbia
    (345, 1960, None),           # SFR Yugoslavia
    (345, 1995, "SRB"),          # FR Yugoslavia, continued by Serbia
    (678, 1980, "YEM"),
    (680, 1980, None),           # South Yemen
    (679, 2000, "YEM"),
    (713, 2000, "TWN"),
    (817, 1970, None),
])
def test_crosswalk_maps_codes_with_their_years(code, year, expected):
    assert load_crosswalk().actor(code, year) == expected


def test_crosswalk_unmapped_periods_say_why():
    cw = load_crosswalk()
    for code, periods in cw.periods.items():
        for p in periods:
            assert p.actor is not None or p.note, f"COW {code} has a period without ISO state and no reason"
    assert cw.period(265, 1970).former_iso3 == "DDR"


def _build_script():
    spec = importlib.util.spec_from_file_location("build_cow_crosswalk", ROOT / "scripts" / "build_cow_crosswalk.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["build_cow_crosswalk"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_crosswalk_file_is_built_from_the_table():
    mod = _build_script()
    text = mod.to_turtle(mod.read_table())
    assert text == (ONTOLOGY_DIR / "cow-crosswalk.ttl").read_text(encoding="utf-8"), \
        "ontology/cow-crosswalk.ttl is stale: run python scripts/build_cow_crosswalk.py"


@pytest.mark.parametrize("row, problem", [
    ("2,USA,United States,XXX,,,,", "not an ISO 3166-1 alpha-3 code"),
    ("2,USA,United States,USA,1990,1980,,", "ends (1980) before it starts (1990)"),
    ("265,GDR,German Democratic Republic,,,,,", "needs a note"),
    ("265,GDR,German Democratic Republic,,,,QQQ,gone", "not a withdrawn ISO 3166-3 code"),
])
def test_crosswalk_table_errors_name_the_line(tmp_path, row, problem):
    mod = _build_script()
    src = tmp_path / "t.csv"
    src.write_text("# comment\ncow_code,cow_abbr,cow_name,iso3,from_year,to_year,former_iso3,note\n" + row + "\n")
    with pytest.raises(mod.TableError, match=re.escape(problem)) as e:
        mod.read_table(src)
    assert str(e.value).startswith("t.csv:3: ")


def test_crosswalk_table_refuses_overlapping_periods(tmp_path):
    mod = _build_script()
    src = tmp_path / "t.csv"
    src.write_text("cow_code,cow_abbr,cow_name,iso3,from_year,to_year,former_iso3,note\n"
                   "345,YUG,Yugoslavia,SRB,,1920,,\n345,YUG,Yugoslavia,,1918,,,dissolved\n")
    with pytest.raises(mod.TableError, match=re.escape("t.csv:3: COW code 345 already has a period")):
        mod.read_table(src)


# ---------------------------------------------------------------------------------------------- COW


def test_cow_dyad_rows_become_dated_spells_per_treaty_type(tmp_path, vocab):
    f = write_csv(tmp_path / "alliance_v4.1_by_dyad.csv", COW_HEADER, [
        cow_row(3180, 2, 200, (4, 4, 1949), None, defense=1, entente=1),
        cow_row(2001, 220, 365, (2, 5, 1935), (-9, -9, 1939), entente=1),
    ])
    spells, report = read_dataset(f, "cow", vocab, load_crosswalk(vocab.directory))
    assert report.errors == [] and not report.unmapped
    assert spells_by(spells, "subject", "object", "treaty_type", "start", "end", "source_row", "alliance_ids") == [
        ("FRA", "RUS", "entente", "1935-05-02", "1939-12-31", "alliance_v4.1_by_dyad.csv:3", ("2001",)),
        ("GBR", "USA", "defencePact", "1949-04-04", None, "alliance_v4.1_by_dyad.csv:2", ("3180",)),
        ("GBR", "USA", "entente", "1949-04-04", None, "alliance_v4.1_by_dyad.csv:2", ("3180",)),
    ]
    assert {s.dataset for s in spells} == {"cow"} and {s.version for s in spells} == {"4.1"}


def test_cow_rows_split_where_the_iso_mapping_changes(tmp_path, vocab):
    # GDR (265) - USSR (365) 1955-1991: the GDR has no ISO state, so nothing loads and 265 is counted.
    # Yugoslavia (345) - Greece 1953-2000: loads only from 1992 (Serbia), 1918-1991 is unmapped.
    f = write_csv(tmp_path / "alliance_v4.1_by_dyad.csv", COW_HEADER, [
        cow_row(3300, 265, 365, (14, 5, 1955), (1, 7, 1991), defense=1),
        cow_row(3001, 345, 350, (28, 2, 1953), (31, 12, 2000), nonaggression=1),
    ])
    spells, report = read_dataset(f, "cow", vocab, load_crosswalk(vocab.directory))
    assert spells_by(spells, "subject", "object", "treaty_type", "start", "end") == [
        ("GRC", "SRB", "nonAggressionPact", "1992-01-01", "2000-12-31")]
    assert report.unmapped == {265: 1, 345: 1}
    lines = report.unmapped_lines(load_crosswalk(vocab.directory))
    assert lines[0].startswith("COW 265 German Democratic Republic: 1 row not loaded (")
    assert lines[1].startswith("COW 345 Yugoslavia: 1 row not loaded (")


@pytest.mark.parametrize("row, problem", [
    (cow_row(1, 2, 999, (1, 1, 1960), None, defense=1), "unknown COW state code 999"),
    ("1,,,20,Canada,1,1,1960,,,,0,1,1,0,0,0,4.1", "missing state code in column ccode1"),
    (cow_row(1, 2, 20, (1, 1, 1970), (1, 1, 1960), defense=1), "ends (1960-01-01) before it starts (1970-01-01)"),
    ("1,2,USA,20,CAN,1,1,,,,,0,1,1,0,0,0,4.1", "missing year in column dyad_st_year"),
    (cow_row(1, 2, 20, (1, 1, 1970), None, defense=2), "value '2' in column defense is not 0 or 1"),
    ("1,x2,USA,20,CAN,1,1,1970,,,,0,1,1,0,0,0,4.1", "state code 'x2' in column ccode1 is not a number"),
])
def test_malformed_cow_rows_are_reported_with_file_and_line_and_the_rest_loads(tmp_path, vocab, row, problem):
    f = write_csv(tmp_path / "cow.csv", COW_HEADER, [cow_row(3180, 2, 200, (4, 4, 1949), None, defense=1), row])
    spells, report = read_dataset(f, "cow", vocab, load_crosswalk(vocab.directory))
    assert [str(e) for e in report.errors] == [f"{f}:3: {problem}"]
    assert spells_by(spells, "subject", "object") == [("GBR", "USA")]


def test_cow_directed_file_gives_one_claim_per_treaty(tmp_path, vocab):
    f = write_csv(tmp_path / "alliance_v4.1_by_directed.csv", COW_HEADER, [
        cow_row(3180, 2, 200, (4, 4, 1949), None, defense=1),
        cow_row(3180, 200, 2, (4, 4, 1949), None, defense=1),
    ])
    spells, _ = read_dataset(f, "cow", vocab, load_crosswalk(vocab.directory))
    assert spells_by(spells, "subject", "object", "source_row") == [("GBR", "USA", "alliance_v4.1_by_directed.csv:2")]


def test_cow_dyad_yearly_file_collapses_years(tmp_path, vocab):
    header = "version4id,ccode1,state_name1,ccode2,state_name2,year,defense,neutrality,nonaggression,entente,version"
    rows = [f"3180,2,USA,200,UKG,{y},1,0,0,1,4.1" for y in range(2000, 2013)]
    f = write_csv(tmp_path / "alliance_v4.1_by_dyad_yearly.csv", header, rows)
    spells, _ = read_dataset(f, "cow", vocab, load_crosswalk(vocab.directory))
    assert spells_by(spells, "treaty_type", "start", "end") == [
        ("defencePact", "2000-01-01", None), ("entente", "2000-01-01", None)]


# ---------------------------------------------------------------------------------------------- ATOP


def atop_row(a: int, b: int, year: int, defense: int = 0, offense: int = 0, neutral: int = 0, nonagg: int = 0,
             consul: int = 0, ids: tuple[int, ...] = ()) -> str:
    atopids = [str(i) for i in ids] + [""] * (3 - len(ids))
    ally = int(any((defense, offense, neutral, nonagg, consul)))
    return f"{a},{b},{year},{ally},{defense},{offense},{neutral},{nonagg},{consul},0,1,0,0,{','.join(atopids)},5.1"


def test_atop_directed_dyad_years_collapse_into_intervals(tmp_path, vocab):
    rows = []
    for y in [*range(2000, 2006), *range(2008, 2019)]:  # a gap in 2006-2007; 2018 is the file's last year
        for a, b in ((2, 200), (200, 2)):               # directed: each dyad twice
            rows.append(atop_row(a, b, y, defense=1, consul=int(y < 2003), ids=(3180,)))
    rows.append(atop_row(220, 365, 1995, nonagg=1, ids=(4000,)))
    rows.append(atop_row(220, 365, 1996, nonagg=1, ids=(4000, 4001)))
    f = write_csv(tmp_path / "atop5_1ddyr.csv", ATOP_DDYR_HEADER, rows)
    spells, report = read_dataset(f, "atop", vocab, load_crosswalk(vocab.directory))
    assert report.errors == [] and report.version == "5.1"
    assert spells_by(spells, "subject", "object", "treaty_type", "start", "end", "alliance_ids") == [
        ("FRA", "RUS", "nonAggressionPact", "1995-01-01", "1996-12-31", ("4000", "4001")),
        ("GBR", "USA", "consultationPact", "2000-01-01", "2002-12-31", ("3180",)),
        ("GBR", "USA", "defencePact", "2000-01-01", "2005-12-31", ("3180",)),
        ("GBR", "USA", "defencePact", "2008-01-01", None, ("3180",)),
    ]
    first = next(s for s in spells if s.treaty_type == "defencePact" and s.start == "2000-01-01")
    assert first.source_row == "atop5_1ddyr.csv:2"


def test_atop_years_collapse_across_a_cow_code_change(tmp_path, vocab):
    # West Germany (260) until 1990, Germany (255) from 1990: one DEU spell; the GDR (265) is unmapped.
    rows = [atop_row(2, 260, y, defense=1) for y in (1988, 1989, 1990)]
    rows += [atop_row(2, 255, y, defense=1) for y in (1990, 1991, 1992)]
    rows += [atop_row(265, 365, y, defense=1) for y in (1988, 1989)]
    rows += [atop_row(2, 20, 1993, defense=1)]
    f = write_csv(tmp_path / "atop.csv", ATOP_DDYR_HEADER, rows)
    spells, report = read_dataset(f, "atop", vocab, load_crosswalk(vocab.directory))
    assert spells_by(spells, "subject", "object", "start", "end") == [
        ("CAN", "USA", "1993-01-01", None), ("DEU", "USA", "1988-01-01", "1992-12-31")]
    assert report.unmapped == {265: 2}


def test_atop_non_directed_dyad_year_file_uses_mem1_mem2(tmp_path, vocab):
    header = "mem1,mem2,year,atopally,defense,offense,neutral,nonagg,consul,atopid1,version"
    f = write_csv(tmp_path / "atop5_1dy.csv", header, ["2,20,2017,1,1,0,0,0,0,3180,5.1", "2,20,2018,1,1,0,0,0,0,3180,5.1"])
    spells, _ = read_dataset(f, "atop", vocab, load_crosswalk(vocab.directory))
    assert spells_by(spells, "subject", "object", "treaty_type", "start", "end") == [
        ("CAN", "USA", "defencePact", "2017-01-01", None)]


def test_atop_member_file_pairs_members_while_both_are_in(tmp_path, vocab):
    f = write_csv(tmp_path / "atop5_1m.csv", ATOP_MEMBER_HEADER, [
        "3180,2,1949,4,4,0,0,0,1,0,0,0,1,5.1",
        "3180,200,1949,4,4,0,0,0,1,0,0,0,0,5.1",
        "3180,220,1949,4,4,1966,3,10,1,0,0,0,0,5.1",
        "3180,255,1955,5,6,0,0,0,1,0,0,0,0,5.1",
        "3180,,1955,5,6,0,0,0,1,0,0,0,0,5.1",
    ])
    spells, report = read_dataset(f, "atop", vocab, load_crosswalk(vocab.directory))
    assert [str(e) for e in report.errors] == [f"{f}:6: missing state code in column member"]
    got = spells_by(spells, "subject", "object", "treaty_type", "start", "end")
    assert ("FRA", "USA", "defencePact", "1949-04-04", "1966-03-10") in got
    assert ("DEU", "FRA", "defencePact", "1955-05-06", "1966-03-10") in got
    assert ("GBR", "USA", "consultationPact", "1949-04-04", None) in got  # the US undertook consultation
    assert ("DEU", "GBR", "consultationPact", "1955-05-06", None) not in got  # neither of them did
    assert len({(s, o) for s, o, *_ in got}) == 6  # every two of the four members


@pytest.mark.parametrize("dataset, content, problem", [
    ("cow", "a,b,c\n1,2,3\n", "not a COW Formal Alliances dyad file"),
    ("cow", "version4id,ccode,state_name,all_st_year\n1,2,USA,1949\n", "a COW member-level file"),
    ("atop", "x,y\n1,2\n", "not an ATOP dyad-year file"),
    ("atop", "", "file is empty"),
    ("cow", "<stata_dta><header>", "binary"),
])
def test_unusable_files_raise_one_line_naming_the_file(tmp_path, vocab, dataset, content, problem):
    from graph.errors import InputError

    f = tmp_path / "data.csv"
    f.write_text(content)
    with pytest.raises(InputError, match=re.escape(problem)) as e:
        read_dataset(f, dataset, vocab, load_crosswalk(vocab.directory))
    assert str(e.value).startswith(f"{f}: ") and "\n" not in str(e.value)


def test_states_missing_from_the_ontology_are_counted_not_loaded(tmp_path, vocab):
    f = write_csv(tmp_path / "cow.csv", COW_HEADER, [cow_row(1, 2, 900, (1, 9, 1951), None, defense=1)])  # USA-AUS
    spells, report = read_dataset(f, "cow", vocab, load_crosswalk(vocab.directory))
    assert spells == [] and report.missing_actors == {"AUS": 1}
    assert report.unmapped_lines(load_crosswalk(vocab.directory)) == [
        "AUS: 1 row not loaded (no actor AUS in ontology/actors.ttl)"]


# ---------------------------------------------------------------------------------------------- store


def edges(store: AllianceStore, predicate) -> set[tuple[str, str]]:
    q = f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o }}"
    return {(r["s"].value.rsplit("/", 1)[1], r["o"].value.rsplit("/", 1)[1]) for r in store.ox.query(q)}


def test_dataset_claims_derive_treaty_and_alliance_edges_and_reload_replaces(tmp_path, store, vocab):
    f = write_csv(tmp_path / "alliance_v4.1_by_dyad.csv", COW_HEADER, [
        cow_row(3180, 2, 200, (4, 4, 1949), None, defense=1),
        cow_row(2001, 220, 365, (2, 5, 1935), (-9, -9, 1939), entente=1),
    ])
    claims, _ = ingest_dataset(f, "cow", store, vocab)
    assert claims == 2 and store.count_claims() == 2
    allied = vocab.relation("alliedWith").iri
    assert edges(store, vocab.treaty_types["defencePact"].iri) == {("USA", "GBR"), ("GBR", "USA")}
    assert edges(store, allied) == {("USA", "GBR"), ("GBR", "USA"), ("FRA", "RUS"), ("RUS", "FRA")}
    assert ingest_dataset(f, "cow", store, vocab)[0] == 2 and store.count_claims() == 2  # same file: nothing new

    # news supports RUS-FRA too; a corrected file without the 1935 pact keeps the news edge, drops the treaty edge
    art = Article("a.txt", "Russia and France are allies.", date="2021-06-23")
    store.write_article(art, [Fact("RUS", "alliedWith", "FRA", "a.txt", article_id=art.id)])
    write_csv(f, COW_HEADER, [cow_row(3180, 2, 200, (4, 4, 1949), None, defense=1)])
    ingest_dataset(f, "cow", store, vocab)
    assert store.count_claims() == 2  # one treaty claim, one news claim
    assert edges(store, vocab.treaty_types["entente"].iri) == set()
    assert edges(store, allied) == {("USA", "GBR"), ("GBR", "USA"), ("FRA", "RUS"), ("RUS", "FRA")}

    write_csv(f, COW_HEADER, [cow_row(3180, 2, 20, (4, 4, 1949), None, defense=1)])  # now USA-CAN only
    ingest_dataset(f, "cow", store, vocab)
    assert ("USA", "GBR") not in edges(store, allied) and ("USA", "CAN") in edges(store, allied)


def test_news_claim_removed_keeps_the_alliance_edge_a_treaty_supports(tmp_path, store, vocab):
    f = write_csv(tmp_path / "cow.csv", COW_HEADER, [cow_row(3180, 2, 200, (4, 4, 1949), None, defense=1)])
    ingest_dataset(f, "cow", store, vocab)
    art = Article("a.txt", "The United States and Britain are allies.", date="2021-06-23")
    store.write_article(art, [Fact("USA", "alliedWith", "GBR", "a.txt", article_id=art.id, extractor="rules/0.1")])
    store.write_article(art, [], replace_extracted=True)  # extracted anew: the news claim is gone
    assert ("USA", "GBR") in edges(store, vocab.relation("alliedWith").iri)


def test_store_with_dataset_and_news_validates(tmp_path, store, vocab):
    from graph.validate import validate

    f = write_csv(tmp_path / "cow.csv", COW_HEADER, [cow_row(3180, 2, 200, (4, 4, 1949), None, defense=1)])
    ingest_dataset(f, "cow", store, vocab)
    art = Article("a.txt", "Russia and Venezuela are allies.", date="2021-06-23")
    store.write_article(art, [Fact("RUS", "alliedWith", "VEN", "a.txt", article_id=art.id)])
    conforms, text = validate(store)
    assert conforms, text
    # a treaty claim that ends before it starts does not conform
    c = next(iter(store.ox.query(f"SELECT ?c WHERE {{ ?c <{AG.startDate}> ?s }}")))["c"]
    store.ox.update(f'INSERT DATA {{ {c} <{AG.endDate}> "1900-01-01"^^<http://www.w3.org/2001/XMLSchema#date> }}')
    conforms, text = validate(store)
    assert not conforms and "ends before it starts" in text


# ---------------------------------------------------------------------------------------------- treaty or talk?


@pytest.fixture()
def news_and_treaties(tmp_path, store, vocab):
    """Treaties: USA-GBR defence (1949-), USA-DEU (1955-, via 260 then 255), FRA-RUS entente (1935-1939),
    GRC-TUR defence (1952-).  News: see each article."""
    f = write_csv(tmp_path / "alliance_v4.1_by_dyad.csv", COW_HEADER, [
        cow_row(3180, 2, 200, (4, 4, 1949), None, defense=1),
        cow_row(3180, 2, 260, (6, 5, 1955), (2, 10, 1990), defense=1),
        cow_row(3180, 2, 255, (3, 10, 1990), None, defense=1),
        cow_row(2001, 220, 365, (2, 5, 1935), (-9, -9, 1939), entente=1),
        cow_row(3180, 350, 640, (18, 2, 1952), None, defense=1),
    ])
    ingest_dataset(f, "cow", store, vocab)
    news = [
        ("a.txt", "2021-06-23", [("USA", "alliedWith", "GBR")]),       # treaty in force: not talk
        ("b.txt", "2021-06", [("RUS", "alliedWith", "FRA")]),          # treaty ended 1939: talk
        ("c.txt", "2020", [("VEN", "alliedWith", "RUS")]),             # never a treaty: talk
        ("d.txt", None, [("CAN", "alliedWith", "VEN")]),               # no date: cannot tell
        ("e.txt", "2019-03-01", [("TUR", "threatens", "GRC"),          # hostile between partners
                                 ("USA", "sanctions", "VEN"),          # hostile, no treaty
                                 ("USA", "supports", "DEU")]),         # not hostile
        ("f.txt", "1938-05-01", [("FRA", "opposes", "RUS")]),          # hostile while the entente held
        ("g.txt", "2012-01-01", [("USA", "alliedWith", "DEU")]),       # before the period asked about
    ]
    for path, date, facts in news:
        text = f"Article {path} about {facts}."
        art = Article(path, text, date=date)
        store.write_article(art, [Fact(s, r, o, path, article_id=art.id) for s, r, o in facts])
    return store


def test_talk_without_treaty(news_and_treaties):
    rows = treaty_or_talk(news_and_treaties, "2015-01-01", "2024-12-31").talk_only
    assert [(r["subject"], r["object"], r["date"]) for r in rows] == [
        ("VEN", "RUS", "2020-01-01"), ("RUS", "FRA", "2021-06-01")]


def test_treaties_without_news_in_a_period(news_and_treaties):
    rows = treaty_or_talk(news_and_treaties, "2015-01-01", "2024-12-31").silent_treaties
    assert [(r["subject"], r["object"], r["treaty"], r["start"], r["end"]) for r in rows] == [
        ("DEU", "USA", "defence pact with", "1990-10-03", None),
        ("GRC", "TUR", "defence pact with", "1952-02-18", None),
    ]
    assert rows[0]["dataset"] == "Correlates of War Formal Alliances 4.1"
    assert rows[0]["row"] == "alliance_v4.1_by_dyad.csv:4"
    # in 2010-2012 the USA-DEU alliance was in the news
    rows = treaty_or_talk(news_and_treaties, "2010-01-01", "2012-12-31").silent_treaties
    assert {(r["subject"], r["object"]) for r in rows} == {("GBR", "USA"), ("GRC", "TUR")}
    # in the 1930s only the Franco-Soviet entente was in force
    rows = treaty_or_talk(news_and_treaties, "1930-01-01", "1940-12-31").silent_treaties
    assert [(r["subject"], r["object"], r["end"]) for r in rows] == [("FRA", "RUS", "1939-12-31")]


def test_treaty_partners_in_conflict_by_polarity(news_and_treaties):
    rows = treaty_or_talk(news_and_treaties, "2015-01-01", "2024-12-31").partners_in_conflict
    assert [(r["subject"], r["relation"], r["object"], r["treaty"]) for r in rows] == [
        ("FRA", "opposes", "RUS", "entente with"),
        ("TUR", "threatens", "GRC", "defence pact with"),
    ]


def test_treaty_queries_filter_by_actor(news_and_treaties):
    result = treaty_or_talk(news_and_treaties, "2015-01-01", "2024-12-31", actor="TUR")
    assert result.talk_only == []
    assert [(r["subject"], r["object"]) for r in result.silent_treaties] == [("GRC", "TUR")]
    assert [r["relation"] for r in result.partners_in_conflict] == ["threatens"]


def test_treaty_or_talk_markdown_counts_each_answer(news_and_treaties):
    text = treaty_or_talk_markdown(treaty_or_talk(news_and_treaties, "2015-01-01", "2024-12-31"),
                                   "2015-01-01", "2024-12-31")
    assert "## Treaty or talk?" in text
    assert "no treaty in force (2)" in text and "calls an alliance (2)" in text and "in conflict (2)" in text


# ---------------------------------------------------------------------------------------------- CLI


def test_cli_ingest_dataset_reports_rows_and_prints_the_citation(tmp_path, ontology):
    f = write_csv(tmp_path / "alliance_v4.1_by_dyad.csv", COW_HEADER, [
        cow_row(3180, 2, 200, (4, 4, 1949), None, defense=1, entente=1),
        cow_row(3300, 265, 365, (14, 5, 1955), (1, 7, 1991), defense=1),
        cow_row(1, 2, 20, (1, 1, 1970), (1, 1, 1960), defense=1),
    ])
    store = tmp_path / "store"
    args = ["ingest-dataset", "cow", str(f), "--store", str(store), "--ontology", str(ontology)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    err = result.stderr.splitlines()
    assert f"skipped {f}:4: ends (1960-01-01) before it starts (1970-01-01)" in err
    assert any(line.startswith("unmapped COW 265 German Democratic Republic: 1 row not loaded") for line in err)
    assert f"{f}: 3 rows, 2 treaty claims written (Correlates of War Formal Alliances 4.1), 1 malformed rows, 1 unmapped" in err
    assert err[-1] == f"Please cite: {DATASETS['cow'].citation}"
    strict = CliRunner().invoke(cli, [*args, "--strict"])
    assert strict.exit_code == 1

    result = CliRunner().invoke(cli, ["validate", "--store", str(store), "--ontology", str(ontology)])
    assert result.exit_code == 0, result.output


def test_cli_ingest_dataset_atop_prints_atop_citation(tmp_path, ontology):
    f = write_csv(tmp_path / "atop5_1ddyr.csv", ATOP_DDYR_HEADER, [atop_row(2, 20, 2018, defense=1, ids=(3180,))])
    result = CliRunner().invoke(cli, ["ingest-dataset", "atop", str(f), "--store", "memory", "--ontology", str(ontology)])
    assert result.exit_code == 0, result.output
    assert "1 treaty claims written (Alliance Treaty Obligations and Provisions (ATOP) 5.1)" in result.stderr
    assert "Leeds, Brett Ashley" in result.stderr and "International Interactions 28: 237-260" in result.stderr


def test_cli_ingest_dataset_unusable_file_is_one_error_line(tmp_path, ontology):
    f = tmp_path / "x.csv"
    f.write_text("a,b\n1,2\n")
    result = CliRunner().invoke(cli, ["ingest-dataset", "cow", str(f), "--store", "memory", "--ontology", str(ontology)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and errors[0].startswith(f"Error: {f}: not a COW Formal Alliances dyad file")


def test_actor_iris_are_the_crosswalk_targets(vocab):
    # every ISO code the crosswalk maps to is a well-formed actor IRI
    for periods in load_crosswalk().periods.values():
        for p in periods:
            if p.actor:
                assert str(ACTOR[p.actor]).endswith("/" + p.actor) and len(p.actor) == 3


def test_cli_analyze_adds_treaty_or_talk(tmp_path, ontology, vocab):
    import json

    f = write_csv(tmp_path / "alliance_v4.1_by_dyad.csv", COW_HEADER, [
        cow_row(3180, 2, 200, (4, 4, 1949), None, defense=1),
        cow_row(2001, 220, 365, (2, 5, 1935), (-9, -9, 1939), entente=1),
    ])
    location = tmp_path / "store"
    with AllianceStore(location, vocab) as store:
        ingest_dataset(f, "cow", store, vocab)
        art = Article("b.txt", "France and Russia are allies again.", date="2021-06")
        store.write_article(art, [Fact("RUS", "alliedWith", "FRA", "b.txt", article_id=art.id)])
    base = ["analyze", "--store", str(location), "--ontology", str(ontology), "--treaties", "2015..2024"]
    result = CliRunner().invoke(cli, [*base, "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert "## Treaty or talk?" in result.stdout
    assert "| RUS | FRA | 2021-06-01 |" in result.stdout
    assert "Treaties in force 2015-01-01 to 2024-12-31 that no article calls an alliance (1)" in result.stdout
    result = CliRunner().invoke(cli, [*base, "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)["treaty_or_talk"]
    assert [(r["subject"], r["object"]) for r in doc["silent_treaties"]] == [("GBR", "USA")]
    assert doc["from"] == "2015-01-01" and doc["to"] == "2024-12-31"
    result = CliRunner().invoke(cli, ["analyze", "--store", str(location), "--ontology", str(ontology)])
    assert result.exit_code == 0 and "Treaty or talk?" not in result.stdout
    bad = CliRunner().invoke(cli, [*base[:-1], "2024..2015"])
    assert bad.exit_code == 2 and "--treaties" in bad.stderr
