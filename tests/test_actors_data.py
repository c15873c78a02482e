"""Checks of the reference actor data in ontology/actors.ttl."""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parent.parent
ACTORS_TTL = ROOT / "ontology" / "actors.ttl"
SCRIPT = ROOT / "scripts" / "build_actors.py"

AG = Namespace("https://w3id.org/alliance-graph/ontology#")
ACTOR = Namespace("https://w3id.org/alliance-graph/actor/")

REQUIRED_ORGS = (
    "NATO", "EU", "UN", "AU", "ASEAN", "OAS", "CSTO", "SCO",
    "BRICS", "ALBA", "OPEC", "GCC", "G7", "G20", "MERCOSUR", "IMF",
)  # fmt: skip

NAME_PROPERTIES = (RDFS.label, SKOS.altLabel, AG.demonym, AG.capital, AG.metonym)


@lru_cache(maxsize=1)
def graph() -> Graph:
    g = Graph()
    g.parse(ACTORS_TTL, format="turtle")
    return g


def members(org: str) -> set[str]:
    return {str(m).rsplit("/", 1)[-1] for m in graph().objects(ACTOR[org], AG.hasMember)}


def acts_for(alias: str) -> set[URIRef]:
    g = graph()
    people = set(g.subjects(SKOS.altLabel, Literal(alias, lang="en")))
    return {a for p in people for a in g.objects(p, AG.actsFor) if isinstance(a, URIRef)}


def test_every_iso_entry_is_a_state_with_codes() -> None:
    g = graph()
    states = set(g.subjects(RDF.type, AG.State))
    with_iso3 = {s for s in states if g.value(s, AG.iso3) is not None}
    assert len(with_iso3) >= 249
    for state in with_iso3:
        code = str(g.value(state, AG.iso3))
        assert state == ACTOR[code]
        assert g.value(state, AG.iso2) is not None
        assert g.value(state, AG.isoNumeric) is not None
        assert g.value(state, RDFS.label) is not None


def test_journalist_labels() -> None:
    g = graph()
    expected = {
        "RUS": "Russia", "VEN": "Venezuela", "IRN": "Iran", "SYR": "Syria",
        "KOR": "South Korea", "PRK": "North Korea", "USA": "United States",
        "GBR": "United Kingdom", "TUR": "Turkey", "COD": "DR Congo",
        "COG": "Republic of the Congo", "VAT": "Vatican City", "TWN": "Taiwan",
        "PSE": "Palestine", "VNM": "Vietnam", "LAO": "Laos",
    }  # fmt: skip
    for code, label in expected.items():
        assert g.value(ACTOR[code], RDFS.label) == Literal(label, lang="en"), code


def test_required_organisations_have_members() -> None:
    g = graph()
    for org in REQUIRED_ORGS:
        assert (ACTOR[org], RDF.type, AG.Organization) in g, org
        assert g.value(ACTOR[org], RDFS.label) is not None, org
        assert members(org), org
    assert {"USA", "DEU"} <= members("NATO")
    assert len(members("NATO")) == 32
    assert len(members("EU")) == 27
    assert len(members("UN")) == 193
    assert "RUS" in members("CSTO")
    assert {"VEN", "CUB", "NIC"} <= members("ALBA")
    assert {"CHN", "IND"} <= members("BRICS")
    assert (ACTOR.NATO, OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q7184")) in g


def test_members_are_actors() -> None:
    g = graph()
    actors = set(g.subjects(RDF.type, AG.State)) | set(g.subjects(RDF.type, AG.Organization))
    for org, member in g.subject_objects(AG.hasMember):
        assert member in actors, (org, member)


def test_state_names() -> None:
    g = graph()
    assert Literal("Russian", lang="en") in set(g.objects(ACTOR.RUS, AG.demonym))
    assert Literal("Caracas", lang="en") in set(g.objects(ACTOR.VEN, AG.capital))
    assert Literal("Kremlin", lang="en") in set(g.objects(ACTOR.RUS, AG.metonym))
    assert Literal("Burma", lang="en") in set(g.objects(ACTOR.MMR, SKOS.altLabel))


def test_leaders_act_for_their_state() -> None:
    expected = {
        "Putin": "RUS", "Shoigu": "RUS", "Lavrov": "RUS", "Maduro": "VEN",
        "Pompeo": "USA", "Xi": "CHN", "Erdogan": "TUR", "Stoltenberg": "NATO",
    }  # fmt: skip
    for alias, actor in expected.items():
        assert acts_for(alias) == {ACTOR[actor]}, alias


def test_current_leader_has_no_term_end() -> None:
    g = graph()
    people = set(g.subjects(SKOS.altLabel, Literal("Putin", lang="en")))
    assert len(people) == 1
    (putin,) = people
    assert g.value(putin, AG.termStart) is not None
    assert g.value(putin, AG.termEnd) is None
    (obama,) = set(g.subjects(SKOS.altLabel, Literal("Obama", lang="en")))
    assert str(g.value(obama, AG.termEnd)) == "2017-01-20"


def test_no_name_stands_for_two_actors() -> None:
    g = graph()
    owners: dict[str, set[URIRef]] = defaultdict(set)
    for kind in (AG.State, AG.Organization):
        for actor in g.subjects(RDF.type, kind):
            for prop in NAME_PROPERTIES:
                for name in g.objects(actor, prop):
                    owners[str(name).casefold()].add(actor)
    for person in g.subjects(RDF.type, AG.Person):
        targets = set(g.objects(person, AG.actsFor))
        assert len(targets) == 1, person
        for prop in (RDFS.label, SKOS.altLabel):
            for name in g.objects(person, prop):
                owners[str(name).casefold()] |= targets
    clashes = {name: sorted(actors) for name, actors in owners.items() if len(actors) > 1}
    assert not clashes


def test_no_bare_ambiguous_names() -> None:
    g = graph()
    names = {str(o).casefold() for p in NAME_PROPERTIES for o in g.objects(None, p)}
    for word in ("may", "kim", "khan", "li", "wang", "lee", "congo", "korean", "congolese"):
        assert word not in names, word


def test_script_reproduces_the_file(tmp_path: Path) -> None:
    out = tmp_path / "actors.ttl"
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    assert out.read_bytes() == ACTORS_TTL.read_bytes()
