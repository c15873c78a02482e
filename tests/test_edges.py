"""Derived edges kept by support links: every write leaves exactly the edges a full re-derivation would give."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from graph import edges
from graph.model import CURATED, Article, Fact
from graph.store import AllianceStore

RELATIONS = ["alliedWith", "creditorOf", "sanctions", "supports", "tradePartnerOf"]
ACTORS = ["RUS", "VEN", "CUB", "USA", "CHN"]


def derived_from_scratch(store: AllianceStore) -> Counter[edges.EdgeKey]:
    """What the old full re-derivation gives: every edge with the number of claims behind it."""
    want: Counter[edges.EdgeKey] = Counter()
    q = """SELECT ?p ?s ?o WHERE { ?c a ag:Claim ; rdf:predicate ?p ; rdf:subject ?s ; rdf:object ?o .
           FILTER NOT EXISTS { ?c ag:rejected true } }"""
    for row in store.ox.query(q, prefixes={"ag": "https://w3id.org/alliance-graph/ontology#",
                                           "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}):
        for key in edges.claim_edges(row["p"].value, row["s"].value, row["o"].value, store.vocab):
            want[key] += 1
    return want


def edges_in_store(store: AllianceStore) -> set[edges.EdgeKey]:
    preds = edges.edge_predicates(store.vocab)
    return {(q.subject.value, q.predicate.value, q.object.value)
            for q in store.ox.quads_for_pattern(None, None, None, ox.DefaultGraph()) if q.predicate.value in preds}


def counts_in_store(store: AllianceStore) -> Counter[edges.EdgeKey]:
    out: Counter[edges.EdgeKey] = Counter()
    for key in edges_in_store(store):
        out[key] = edges.support_count(store.ox, key)
    return out


def assert_consistent(store: AllianceStore) -> None:
    want = derived_from_scratch(store)
    assert edges_in_store(store) == set(want)
    assert counts_in_store(store) == want


def test_random_writes_keep_edges_and_counts_exact(vocab) -> None:
    rng = random.Random(11)
    store = AllianceStore("memory", vocab)
    articles = [Article(f"a{i}.txt", f"Article number {i}.", date="2024-01-0" + str(i + 1)) for i in range(5)]
    for step in range(60):
        art = rng.choice(articles)
        facts = []
        for _ in range(rng.randint(0, 4)):
            s, o = rng.sample(ACTORS, 2)
            curated = rng.random() < 0.3
            facts.append(Fact(s, rng.choice(RELATIONS), o, art.path, article_id=art.id, evidence="x",
                              extractor=CURATED if curated else "rules/test", confidence=rng.random(),
                              rejected=curated and rng.random() < 0.3))
        store.write_article(art, facts, replace_extracted=rng.random() < 0.5)
        if step % 10 == 9:
            assert_consistent(store)
    assert_consistent(store)
    assert len(edges_in_store(store)) > 5  # the sequence did build a graph


def test_rewriting_the_same_article_changes_no_count(vocab) -> None:
    store = AllianceStore("memory", vocab)
    art = Article("a.txt", "Russia and Venezuela are allies.")
    facts = [Fact("RUS", "alliedWith", "VEN", "a.txt", article_id=art.id, extractor="rules/test")]
    store.write_article(art, facts, replace_extracted=True)
    before = {str(q) for q in store.ox}
    for _ in range(3):
        store.write_article(art, facts, replace_extracted=True)
    assert {str(q) for q in store.ox} == before
    key = (str(vocab.actor_iri("RUS")), str(vocab.relation("alliedWith").iri), str(vocab.actor_iri("VEN")))
    assert edges.support_count(store.ox, key) == 1


def test_old_store_without_counts_is_migrated_by_its_first_writer(tmp_path: Path, vocab) -> None:
    loc = tmp_path / "store"
    store = AllianceStore(loc, vocab)
    a1, a2 = Article("a1.txt", "One."), Article("a2.txt", "Two.")
    store.write_article(a1, [Fact("RUS", "creditorOf", "VEN", "a1.txt", article_id=a1.id, extractor="rules/test")])
    store.write_article(a2, [Fact("RUS", "creditorOf", "VEN", "a2.txt", article_id=a2.id, extractor="rules/test"),
                             Fact("CUB", "alliedWith", "RUS", "a2.txt", article_id=a2.id, extractor="rules/test")])
    # make it look like a store written before edge counts: no derived graph, and a stray edge left behind
    store.ox.update(f"DROP GRAPH <{edges.DERIVED_GRAPH}>")
    store.ox.update(f"INSERT DATA {{ <{vocab.actor_iri('USA')}> <{vocab.relation('sanctions').iri}> "
                    f"<{vocab.actor_iri('VEN')}> }}")
    store.close()

    store = AllianceStore(loc, vocab)
    assert not edges.needs_migration(store.ox)
    assert_consistent(store)
    key = (str(vocab.actor_iri("RUS")), str(vocab.relation("creditorOf").iri), str(vocab.actor_iri("VEN")))
    assert edges.support_count(store.ox, key) == 2
    # after the migration, removals count down correctly: the edge goes with its last claim
    store.write_article(a1, [], replace_extracted=True)
    assert edges.support_count(store.ox, key) == 1
    store.write_article(a2, [], replace_extracted=True)
    assert_consistent(store)
    assert edges_in_store(store) == set()
    store.close()


def test_the_export_holds_no_counts(vocab) -> None:
    store = AllianceStore("memory", vocab)
    art = Article("a.txt", "Russia and Venezuela are allies.")
    store.write_article(art, [Fact("RUS", "alliedWith", "VEN", "a.txt", article_id=art.id)])
    text = store.export("turtle").decode()
    assert "supportedBy" not in text and "/edge/" not in text and "alliedWith actor:VEN" in text


def test_event_claims_loaded_in_bulk_are_linked_to_their_edges(tmp_path: Path, vocab) -> None:
    from click.testing import CliRunner

    from graph.cli import cli
    from tests.eventfiles import gdelt_row, write

    rows = [gdelt_row(1, "20240105", "USAGOV", "FRAGOV", "057", url="https://news.example/a"),
            gdelt_row(2, "20240105", "RUSGOV", "UKRGOV", "138", url="https://news.example/b")]
    f = write(tmp_path / "20240106.export.CSV", "\n".join(rows) + "\n")
    loc = tmp_path / "store"
    result = CliRunner().invoke(cli, ["ingest-dataset", "gdelt", str(f), "--store", str(loc)])
    assert result.exit_code == 0, result.output
    store = AllianceStore(loc, vocab)
    assert derived_from_scratch(store)  # the file did give claims
    assert_consistent(store)
    # a news article that supports the same edge, then retracted: the event's claim still holds the edge
    art = Article("a.txt", "The United States and France signed an agreement.")
    store.write_article(art, [Fact("USA", "agreementWith", "FRA", "a.txt", article_id=art.id, extractor="rules/test")])
    store.write_article(art, [], replace_extracted=True)
    assert_consistent(store)
    key = (str(vocab.actor_iri("USA")), str(vocab.relation("agreementWith").iri), str(vocab.actor_iri("FRA")))
    assert key in edges_in_store(store)
    store.close()
