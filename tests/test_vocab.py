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
    readme = (PROJECT / "docs" / "facts.md").read_text(encoding="utf-8")
    assert relation_table_markdown(vocab) in readme, "docs/facts.md relation table is stale: paste relation_table_markdown()"


def test_compiled_vocabulary_is_cached_by_the_files_hash(tmp_path, monkeypatch) -> None:
    import shutil

    from graph import vocab as vocab_module
    from graph.vocab import ONTOLOGY_DIR

    monkeypatch.setenv("ALLIANCE_GRAPH_CACHE", str(tmp_path / "cache"))
    onto = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY_DIR, onto)
    first = vocab_module.load_vocabulary.__wrapped__(onto)
    cached = list((tmp_path / "cache").glob("vocabulary-*.pickle"))
    assert len(cached) == 1
    assert vocab_module.load_vocabulary.__wrapped__(onto) == first  # read back from the cache
    # an edit to the ontology is a new key: the label changes
    text = (onto / "actors.ttl").read_text(encoding="utf-8")
    (onto / "actors.ttl").write_text(text.replace('"Russia"@en', '"Russian Federation"@en', 1), encoding="utf-8")
    edited = vocab_module.load_vocabulary.__wrapped__(onto)
    assert edited.actor("RUS").label == "Russian Federation" and len(list((tmp_path / "cache").glob("*.pickle"))) == 2
    # a damaged cache file is ignored
    for f in (tmp_path / "cache").glob("*.pickle"):
        f.write_bytes(b"not a pickle")
    assert vocab_module.load_vocabulary.__wrapped__(onto).actor("RUS").label == "Russian Federation"


def test_a_query_loads_neither_rdflib_nor_the_ontology(tmp_path, run, facts_file) -> None:
    import subprocess
    import sys

    assert run("ingest", facts_file, "--store", tmp_path / "store").exit_code == 0
    code = ("import sys; from graph.cli import cli\n"
            "try:\n    cli(['query', 'ASK { ?s ?p ?o }', '--store', 'store'])\n"
            "except SystemExit as e:\n    code = e.code\n"
            "print(code, 'rdflib' in sys.modules, 'spacy' in sys.modules, 'networkx' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert out.stdout.split() == ["true", "0", "False", "False", "False"]
