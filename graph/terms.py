"""The project's IRIs as plain strings: cheap to import (no rdflib), for the fast read paths.

``graph.vocab`` builds its rdflib namespaces from these.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["BASE", "AG", "ACTOR", "ARTICLE", "CLAIM", "PERSON", "WD", "RDF", "RDFS", "OWL", "SKOS", "XSD", "PROV",
           "DCTERMS", "PREFIXES", "ONTOLOGY_DIR", "ONTOLOGY_FILES"]

BASE = "https://w3id.org/alliance-graph/"
AG = BASE + "ontology#"
ACTOR = BASE + "actor/"
ARTICLE = BASE + "article/"
CLAIM = BASE + "claim/"
PERSON = BASE + "person/"
WD = "http://www.wikidata.org/entity/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"

PREFIXES: dict[str, str] = {
    "ag": AG,
    "actor": ACTOR,
    "article": ARTICLE,
    "claim": CLAIM,
    "person": PERSON,
    "prov": PROV,
    "dcterms": DCTERMS,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "skos": SKOS,
    "xsd": XSD,
    "wd": WD,
}

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
ONTOLOGY_FILES = ("alliances.ttl", "actors.ttl")
