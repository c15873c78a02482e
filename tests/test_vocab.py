"""The ontology is the single source of truth: relations, actors, and the README table made from them."""

from __future__ import annotations

from graph.vocab import relation_table_markdown

from .conftest import PROJECT


def test_fourteen_relations_fully_described(vocab) -> None:
    assert len(vocab.relations) == 14
    for rel in vocab.relations.values():
        assert rel.label and rel.comment and rel.cues, rel.name
        assert rel.polarity in (-1, 0, 1) and rel.colour.startswith("#")
    assert vocab.relation("creditorOf").inverse is not None
    assert {r.name for r in vocab.relations.values() if r.symmetric} == {
        "alliedWith", "militaryCooperationWith", "agreementWith", "tradePartnerOf", "rivalOf"}


def test_required_actors(vocab) -> None:
    for code in ("RUS", "VEN", "CUB", "NIC", "CHN", "USA", "NATO", "EU", "UN", "AU", "ASEAN", "OAS", "CSTO", "SCO",
                 "BRICS", "ALBA", "OPEC", "GCC", "G7", "G20", "MERCOSUR", "IMF"):
        assert code in vocab.actors, code
    assert sum(a.kind == "State" for a in vocab.actors.values()) >= 249


def test_readme_relation_table_is_generated_from_the_ontology(vocab) -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert relation_table_markdown(vocab) in readme, "README relation table is stale: paste relation_table_markdown()"
