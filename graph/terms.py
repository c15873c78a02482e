"""The project's IRIs as plain strings: cheap to import (no rdflib), for the fast read paths.

``graph.vocab`` builds its rdflib namespaces from these.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["BASE", "AG", "ACTOR", "ARTICLE", "CLAIM", "PERSON", "WD", "RDF", "RDFS", "OWL", "SKOS", "XSD", "PROV",
           "DCTERMS", "PREFIXES", "ONTOLOGY_DIR", "ONTOLOGY_FILES", "SEEDS_DIR", "bundled"]

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



def bundled(name: str) -> Path:
    """A folder shipped with the package: ``ontology`` or ``seeds``.

    Installed from a wheel (``pip install .``, ``pip install git+…``) it is
    package data, ``graph/_bundled/NAME`` (setup.py copies it there); in a
    checkout or an editable install it is the top-level folder ``NAME``.
    """
    packaged = resources.files(__package__) / "_bundled" / name
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / name


ONTOLOGY_DIR = bundled("ontology")
SEEDS_DIR = bundled("seeds")
ONTOLOGY_FILES = ("alliances.ttl", "actors.ttl")
