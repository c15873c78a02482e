"""`alliances stats` counts what the plain, joined SPARQL counts: its cheaper query shapes change no figure.

``AllianceStore.stats`` scans one index per count (no join with ``a ag:Claim``)
and takes the default graph's triples as all quads less the named graphs'
(plus the type, label and iso3 of the actors it mentions: what export sends).
Here a store with curated claims, a rejected one, an event dataset and the
named graphs a writer keeps (reference data, support links) is counted both
ways: by the command, and by the straightforward queries.
"""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import PROJECT, write_facts


def _plain_counts(store: Path, vocab) -> dict[str, object]:
    from graph.store import open_store
    from graph.terms import PREFIXES

    def one(s, q: str) -> int:
        return int(next(iter(s.ox.query(q, prefixes=PREFIXES)))["n"].value)

    names = {str(r.iri): n for n, r in vocab.relations.items()}
    with open_store(store, vocab, read_only=True) as s:
        per_rel = {names[row["p"].value]: int(row["n"].value) for row in s.ox.query(
            "SELECT ?p (COUNT(?c) AS ?n) WHERE { ?c a ag:Claim ; rdf:predicate ?p FILTER NOT EXISTS { ?c ag:rejected true } }"
            " GROUP BY ?p", prefixes=PREFIXES) if row["p"].value in names}
        named = list(s.ox.named_graphs())
        return {
            "articles": one(s, "SELECT (COUNT(?a) AS ?n) WHERE { ?a a ag:Article }"),
            "claims": one(s, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a ag:Claim }"),
            "rejected": one(s, "SELECT (COUNT(?c) AS ?n) WHERE { ?c ag:rejected true }"),
            "actors": one(s, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?c a ag:Claim . "
                             "{ ?c rdf:subject ?a } UNION { ?c rdf:object ?a } }"),
            "triples": len(s.data_triples()),  # what export and push send: the data graph and its actors' labels
            "relations": dict(sorted(per_rel.items())),
        } | {"_named": len(named)}


def test_stats_equal_the_plain_counts(run, tmp_path: Path, vocab) -> None:
    from .eventfiles import POLECAT_COLUMNS, table, write
    from .test_events import POLECAT_ROWS

    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text(
        "title: Pact\ndate: 2023-02-01\n\nFrance and Germany signed a pact. Russia condemned it.\n", encoding="utf-8")
    facts = write_facts(tmp_path / "facts" / "a.yaml", "../articles/a.txt", [
        {"subject": "FRA", "relation": "agreementWith", "object": "DEU", "evidence": "France and Germany signed a pact."},
        {"subject": "RUS", "relation": "opposes", "object": "FRA", "evidence": "Russia condemned it."},
        {"subject": "RUS", "relation": "sanctions", "object": "DEU", "evidence": "Russia condemned it.", "rejected": True},
    ])
    store = tmp_path / "store"
    assert run("ingest", PROJECT / "seeds", facts, "--no-extract", "--store", store).exit_code == 0
    events = write(tmp_path / "ngec_coded_all_2023-03-05.txt", table(POLECAT_COLUMNS, POLECAT_ROWS), "gz")
    result = run("ingest-dataset", "polecat", events, "--store", store)
    assert result.exit_code == 0, result.output

    got = json.loads(run("stats", "--store", store, "--format", "json").stdout)
    want = _plain_counts(store, vocab)
    assert want.pop("_named") >= 2, "the writer's named graphs (reference, support links) are part of the test"
    assert got == want
    assert got["rejected"] == 1 and got["claims"] > got["relations"]["agreementWith"] > 0


def _kept(store: Path) -> Path:
    from graph.snapshots import COUNTS, SNAPSHOTS, read_pointer

    pointer = read_pointer(store)
    assert pointer is not None
    return store / SNAPSHOTS / pointer.snapshot / COUNTS


def test_stats_are_kept_with_their_snapshot_and_counted_anew_after_a_write(run, tmp_path: Path, vocab) -> None:
    store = tmp_path / "store"
    assert run("ingest", PROJECT / "seeds", "--no-extract", "--store", store).exit_code == 0
    first = json.loads(run("stats", "--store", store, "--format", "json").stdout)
    kept = _kept(store)
    assert kept.is_file() and json.loads(run("stats", "--store", store, "--format", "json").stdout) == first

    # a later stats on the same snapshot reports what was kept (it does not count again)
    doc = json.loads(kept.read_text(encoding="utf-8"))
    doc["counts"]["articles"] += 1000
    kept.write_text(json.dumps(doc), encoding="utf-8")
    assert json.loads(run("stats", "--store", store, "--format", "json").stdout)["articles"] == first["articles"] + 1000

    # a write publishes a new snapshot: its counts are counted again, and right
    (tmp_path / "b.txt").write_text("title: More\ndate: 2024-01-02\n\nJapan and India signed a pact.\n", encoding="utf-8")
    facts = write_facts(tmp_path / "b.yaml", "b.txt", [
        {"subject": "JPN", "relation": "agreementWith", "object": "IND", "evidence": "Japan and India signed a pact."}])
    assert run("ingest", facts, "--no-extract", "--store", store).exit_code == 0
    assert _kept(store) != kept and not _kept(store).exists()
    after = json.loads(run("stats", "--store", store, "--format", "json").stdout)
    want = _plain_counts(store, vocab)
    want.pop("_named")
    assert after == want and after["articles"] == first["articles"] + 1 and after["claims"] == first["claims"] + 1
    assert _kept(store).is_file()


def test_unreadable_kept_counts_are_counted_again(run, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run("ingest", PROJECT / "seeds", "--no-extract", "--store", store).exit_code == 0
    first = json.loads(run("stats", "--store", store, "--format", "json").stdout)
    for garbage in ("", "{not json", '{"version": 1, "counts": {"claims": 1}}', '{"version": 0, "counts": {}}'):
        _kept(store).write_text(garbage, encoding="utf-8")
        assert json.loads(run("stats", "--store", store, "--format", "json").stdout) == first, garbage
