"""Treaty spells → RDF: the dataset node and one claim per spell (edges are derived by the store)."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from ..rdf import Triple
from ..vocab import ACTOR, AG, BASE, CLAIM, Vocabulary
from .catalogue import DATASETS
from .treaties import TreatySpell

__all__ = ["DATASET", "dataset_iri", "dataset_triples", "spell_iri", "spell_triples"]

DATASET = BASE + "dataset/"

def dataset_iri(dataset: str, version: str) -> URIRef:
    """``…/dataset/cow-4.1``: one node per dataset and version."""
    return URIRef(f"{DATASET}{dataset}-{version}")


def dataset_triples(dataset: str, version: str, file_name: str) -> list[Triple]:
    info = DATASETS[dataset]
    d = dataset_iri(dataset, version)
    return [
        (d, RDF.type, AG.Dataset),
        (d, DCTERMS.title, Literal(info.title)),
        (d, AG.datasetVersion, Literal(version)),
        (d, DCTERMS.bibliographicCitation, Literal(info.citation)),
        (d, DCTERMS.source, Literal(file_name)),
    ]


def spell_iri(spell: TreatySpell) -> URIRef:
    return CLAIM[hashlib.sha256(spell.key().encode("utf-8")).hexdigest()[:20]]


def spell_triples(spell: TreatySpell, vocab: Vocabulary) -> list[Triple]:
    """The claim node of a spell (its edges are derived by the store)."""
    t = vocab.treaty_types[spell.treaty_type]
    c = spell_iri(spell)
    out: list[Triple] = [
        (c, RDF.type, AG.Claim),
        (c, RDF.subject, ACTOR[spell.subject]),
        (c, RDF.predicate, t.iri),
        (c, RDF.object, ACTOR[spell.object]),
        (c, AG.confidence, Literal(Decimal("1.000"), datatype=XSD.decimal)),
        (c, AG.extractor, Literal(f"dataset:{spell.dataset}/{spell.version}")),
        (c, PROV.wasDerivedFrom, dataset_iri(spell.dataset, spell.version)),
        (c, AG.startDate, Literal(spell.start, datatype=XSD.date)),
        (c, AG.sourceRow, Literal(spell.source_row)),
    ]
    if spell.end:
        out.append((c, AG.endDate, Literal(spell.end, datatype=XSD.date)))
    for aid in spell.alliance_ids:
        out.append((c, AG.allianceId, Literal(aid)))
    return out

