"""Shared fixtures: an ontology folder with a few test actors, and a CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from graph.cli import cli
from graph.vocab import ONTOLOGY_DIR, Vocabulary, load_vocabulary

TEST_ACTORS = """\
@prefix ag: <https://w3id.org/alliance-graph/ontology#> .
@prefix actor: <https://w3id.org/alliance-graph/actor/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

actor:RUS a ag:State ; rdfs:label "Russia"@en ; skos:altLabel "Russian Federation"@en ; ag:demonym "Russian"@en .
actor:CUB a ag:State ; rdfs:label "Cuba"@en .
actor:NIC a ag:State ; rdfs:label "Nicaragua"@en .
actor:VEN a ag:State ; rdfs:label "Venezuela"@en .
actor:USA a ag:State ; rdfs:label "United States"@en ; skos:altLabel "US"@en, "America"@en .
actor:CHN a ag:State ; rdfs:label "China"@en .
actor:GBR a ag:State ; rdfs:label "United Kingdom"@en ; skos:altLabel "Britain"@en .
actor:FRA a ag:State ; rdfs:label "France"@en .
actor:DEU a ag:State ; rdfs:label "Germany"@en .
actor:NATO a ag:Organization ; rdfs:label "NATO"@en ; skos:altLabel "the Alliance"@en .
actor:COG a ag:State ; rdfs:label "Republic of the Congo"@en ; skos:altLabel "Congo"@en .
actor:COD a ag:State ; rdfs:label "Democratic Republic of the Congo"@en ; skos:altLabel "Congo"@en .
"""


@pytest.fixture
def ontology_dir(tmp_path: Path) -> Path:
    """The project's relations plus the test actors above, in a folder of its own."""
    d = tmp_path / "ontology"
    d.mkdir()
    shutil.copy(ONTOLOGY_DIR / "alliances.ttl", d / "alliances.ttl")
    (d / "actors.ttl").write_text(TEST_ACTORS, encoding="utf-8")
    return d


@pytest.fixture
def vocab(ontology_dir: Path) -> Vocabulary:
    return load_vocabulary(ontology_dir)


@pytest.fixture
def run() -> Callable[..., Result]:
    def invoke(*args: object) -> Result:
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return invoke
