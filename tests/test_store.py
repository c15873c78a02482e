"""The store: claims plus edges, idempotent writes, atomic articles, curated precedence, round-trips."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic

from graph.errors import UnknownRelation
from graph.loaders import load_articles, load_facts
from graph.model import Fact
from graph.pipeline import ingest_files
from graph.store import EXPORT_FORMATS, AllianceStore

RDFLIB_FORMAT = {"turtle": "turtle", "trig": "trig", "nquads": "nquads", "ntriples": "nt", "jsonld": "json-ld"}


def dump(store: AllianceStore) -> set[str]:
    return {str(q) for q in store.ox}


def ask(store: AllianceStore, q: str) -> bool:
    return bool(store.query(f"ASK {{ {q} }}"))


def test_edges_symmetric_and_inverse(facts_file: Path, vocab) -> None:
    store = AllianceStore("memory", vocab)
    result = ingest_files([facts_file], store, vocab)
    assert result.ok and result.claims == 3
    assert ask(store, "actor:RUS ag:alliedWith actor:VEN . actor:VEN ag:alliedWith actor:RUS")
    assert ask(store, "actor:RUS ag:creditorOf actor:VEN . actor:VEN ag:debtorOf actor:RUS")
    assert not ask(store, "actor:VEN ag:creditorOf actor:RUS")
    assert ask(store, """?c a ag:Claim ; rdf:subject actor:RUS ; rdf:predicate ag:creditorOf ; rdf:object actor:VEN ;
                         ag:confidence 0.5 ; ag:evidence ?e ; prov:wasDerivedFrom ?a ; dcterms:date "2022-03-04"^^xsd:date .
                         ?a dcterms:title "Ministers meet in Caracas" """)


def test_reingest_leaves_store_exactly_as_it_was(facts_file: Path, article_file: Path, vocab, tmp_path: Path) -> None:
    store = AllianceStore(tmp_path / "store", vocab)
    ingest_files([article_file, facts_file], store, vocab)
    before = dump(store)
    ingest_files([facts_file, article_file], store, vocab)
    assert dump(store) == before
    store.close()
    reopened = AllianceStore(tmp_path / "store", vocab)
    assert dump(reopened) == before


def test_error_half_way_leaves_no_half_written_article(facts_file: Path, vocab) -> None:
    store = AllianceStore("memory", vocab)
    pairs = load_facts(facts_file, vocab)
    article = pairs[0][0]
    facts = [f for _, f in pairs] + [Fact("RUS", "befriends", "VEN", article.path, article_id=article.id)]
    before = dump(store)
    with pytest.raises(UnknownRelation):
        store.write_article(article, facts)
    assert dump(store) == before


def test_bad_fact_file_adds_nothing_and_batch_goes_on(tmp_path: Path, facts_file: Path, vocab) -> None:
    bad = tmp_path / "facts" / "bad.yaml"
    bad.write_text(facts_file.read_text(encoding="utf-8").replace("creditorOf", "owesMoneyTo"), encoding="utf-8")
    store = AllianceStore("memory", vocab)
    result = ingest_files([bad, facts_file], store, vocab)
    assert len(result.errors) == 1 and str(result.errors[0]).startswith(f"{bad}:")
    assert store.count_claims() == 3


def test_rejected_curated_fact_suppresses_edge(tmp_path: Path, facts_file: Path, vocab) -> None:
    store = AllianceStore("memory", vocab)
    ingest_files([facts_file], store, vocab)
    assert ask(store, "actor:RUS ag:creditorOf actor:VEN")
    text = facts_file.read_text(encoding="utf-8").replace("confidence: 0.5", "confidence: 0.5\n  rejected: true")
    facts_file.write_text(text, encoding="utf-8")
    ingest_files([facts_file], store, vocab)
    assert not ask(store, "actor:RUS ag:creditorOf actor:VEN")
    assert not ask(store, "actor:VEN ag:debtorOf actor:RUS")
    assert ask(store, "?c ag:rejected true ; rdf:predicate ag:creditorOf")
    # an extracted claim of the same fact does not overwrite the curator's word
    (article, _rejected), = [(a, f) for a, f in load_facts(facts_file, vocab) if f.rejected]
    extracted = Fact("RUS", "creditorOf", "VEN", article.path, evidence="x", confidence=0.9,
                     extractor="rules/test", article_id=article.id)
    store.write_article(article, [extracted], replace_extracted=True)
    assert not ask(store, "actor:RUS ag:creditorOf actor:VEN")
    assert ask(store, '?c ag:rejected true ; ag:extractor "curated"')


def test_reextraction_replaces_old_extracted_claims(article_file: Path, vocab) -> None:
    store = AllianceStore("memory", vocab)
    (article,) = load_articles(article_file)
    old = Fact("RUS", "sanctions", "VEN", article.path, extractor="rules/test", article_id=article.id)
    new = Fact("RUS", "supports", "VEN", article.path, extractor="rules/test", article_id=article.id)
    store.write_article(article, [old], replace_extracted=True)
    assert ask(store, "actor:RUS ag:sanctions actor:VEN")
    store.write_article(article, [new], replace_extracted=True)
    assert not ask(store, "actor:RUS ag:sanctions actor:VEN") and ask(store, "actor:RUS ag:supports actor:VEN")
    assert store.count_claims() == 1


def test_edge_survives_while_another_article_supports_it(tmp_path: Path, facts_file: Path, vocab) -> None:
    store = AllianceStore("memory", vocab)
    ingest_files([facts_file], store, vocab)
    other = tmp_path / "articles" / "other.txt"
    other.write_text("Russia is a creditor of Venezuela, officials said.\n", encoding="utf-8")
    (a2,) = load_articles(other)
    store.write_article(a2, [Fact("RUS", "creditorOf", "VEN", a2.path, extractor="rules/test", article_id=a2.id)],
                        replace_extracted=True)
    text = facts_file.read_text(encoding="utf-8").replace("confidence: 0.5", "confidence: 0.5\n  rejected: true")
    facts_file.write_text(text, encoding="utf-8")
    ingest_files([facts_file], store, vocab)
    assert ask(store, "actor:RUS ag:creditorOf actor:VEN")


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_export_round_trip_is_isomorphic(fmt: str, facts_file: Path, vocab) -> None:
    store = AllianceStore("memory", vocab)
    ingest_files([facts_file], store, vocab)
    expected = Graph()
    for t in store.data_triples():
        expected.parse(data=f"{t} .", format="nt")
    data = store.export(fmt)
    assert data == store.export(fmt)  # deterministic
    actual = Graph()
    if fmt in ("trig", "nquads"):
        from rdflib import Dataset

        d = Dataset()
        d.parse(data=data, format=RDFLIB_FORMAT[fmt])
        for s, p, o, _g in d.quads():
            actual.add((s, p, o))
    else:
        actual.parse(data=data, format=RDFLIB_FORMAT[fmt])
    if not isomorphic(actual, expected):
        _, extra, missing = graph_diff(actual, expected)
        raise AssertionError(f"unexpected:\n{extra.serialize(format='nt')}missing:\n{missing.serialize(format='nt')}")
    assert len(actual) > 20


def test_second_writer_gets_store_locked(tmp_path: Path, vocab) -> None:
    from graph.errors import StoreLocked

    first = AllianceStore(tmp_path / "s", vocab)
    with pytest.raises(StoreLocked, match="store is locked"):
        AllianceStore(tmp_path / "s", vocab)
    first.close()


def test_reference_data_in_named_graph(vocab) -> None:
    store = AllianceStore("memory", vocab)
    assert ask(store, 'actor:RUS rdfs:label "Russia"@en')
    assert not any(True for _ in store.ox.quads_for_pattern(None, None, None, ox.DefaultGraph()))
