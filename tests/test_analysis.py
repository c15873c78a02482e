"""Network analysis on hand-made graphs with known answers, and on small stores."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import networkx as nx
import pytest

from graph import analysis
from graph.analysis import ClaimRow, Period, parse_period, project, project_claims, projection
from graph.errors import AllianceGraphError, UnknownActor, UnknownRelation
from graph.pipeline import ingest_files
from graph.store import AllianceStore
from graph.vocab import Vocabulary


def claim(s: str, rel: str, o: str, article: str = "a1", date: str | None = "2021-01-01", *,
          sentence: str = "", confidence: float = 1.0) -> ClaimRow:
    return ClaimRow(s, rel, o, f"https://example.org/article/{article}", confidence,
                    sentence or f"{s} {rel} {o} ({article}).", date, f"Title {article}", None)


def graph_of(vocab: Vocabulary, *claims: ClaimRow, **kw: object) -> nx.MultiDiGraph:
    return project_claims(claims, vocab, **kw)  # type: ignore[arg-type]


def clique(names: str, rel: str = "alliedWith") -> list[ClaimRow]:
    return [claim(a, rel, b) for i, a in enumerate(names.split()) for b in names.split()[i + 1 :]]


# --------------------------------------------------------------------------- periods

@pytest.mark.parametrize("text, start, end", [
    ("2019", "2019-01-01", "2019-12-31"),
    ("2020-02", "2020-02-01", "2020-02-29"),
    ("2021-06-23", "2021-06-23", "2021-06-23"),
    ("2019..2020-06", "2019-01-01", "2020-06-30"),
    ("..2020", None, "2020-12-31"),
    ("2021-03..", "2021-03-01", None),
])
def test_parse_period(text: str, start: str | None, end: str | None) -> None:
    p = parse_period(text)
    assert (p.start, p.end) == (start, end)


@pytest.mark.parametrize("text", ["19", "2019-13", "2019-02-30", "2021..2019", "..", "2019/01"])
def test_bad_period_is_refused(text: str) -> None:
    with pytest.raises(AllianceGraphError):
        parse_period(text)


@pytest.mark.parametrize("date, inside", [
    ("2019-12-31", False), ("2020-01-01", True), ("2020", True), ("2020-07", True), ("2021-01-01", False), (None, False),
])
def test_period_contains_partial_dates_by_first_day(date: str | None, inside: bool) -> None:
    assert Period.between("2020", "2020").contains(date) is inside


# --------------------------------------------------------------------------- projection (hand-made rows)

def test_symmetric_relation_is_one_edge_with_u_before_v(vocab: Vocabulary) -> None:
    G = graph_of(vocab, claim("VEN", "alliedWith", "RUS", "a1"), claim("RUS", "alliedWith", "VEN", "a2"),
                 claim("VEN", "supports", "RUS", "a1"))
    assert sorted(G.edges(keys=True)) == [("RUS", "VEN", "alliedWith"), ("VEN", "RUS", "supports")]
    allied = G.edges["RUS", "VEN", "alliedWith"]
    assert (allied["directed"], allied["sources"], allied["polarity"]) == (False, 2, 1)
    assert G.edges["VEN", "RUS", "supports"]["directed"] is True


def test_edge_attributes_aggregate_claims(vocab: Vocabulary) -> None:
    G = graph_of(vocab,
                 claim("USA", "sanctions", "RUS", "b", "2022-03-01", confidence=0.5),
                 claim("USA", "sanctions", "RUS", "a", "2014-07", confidence=0.9),
                 claim("USA", "sanctions", "RUS", "c", None, confidence=0.7))
    d = G.edges["USA", "RUS", "sanctions"]
    assert (d["sources"], d["confidence"], d["first"], d["last"], d["polarity"]) == (3, 0.9, "2014-07", "2022-03-01", -1)
    assert [e["date"] for e in d["evidence"]] == ["2014-07", "2022-03-01", None]
    assert set(d["evidence"][0]) == {"sentence", "article", "title", "date", "source", "confidence", "kind"}
    assert G.nodes["USA"] == {"label": "United States", "kind": "State"}


def test_unknown_actor_keeps_its_id_as_label(vocab: Vocabulary) -> None:
    G = graph_of(vocab, claim("XYZ", "supports", "RUS"))
    assert G.nodes["XYZ"] == {"label": "XYZ", "kind": None}


# --------------------------------------------------------------------------- blocs

def test_two_cliques_joined_by_a_negative_tie_are_two_blocs(vocab: Vocabulary) -> None:
    G = graph_of(vocab, *clique("A B C D"), *clique("E F G H"), claim("D", "opposes", "E"))
    b = analysis.blocs(G)
    assert sorted(b.members) == [["A", "B", "C", "D"], ["E", "F", "G", "H"]]
    assert b.modularity == pytest.approx(0.5, abs=1e-4)
    analysis.annotate(G)
    assert {G.nodes[n]["bloc"] for n in "ABCD"} != {G.nodes[n]["bloc"] for n in "EFGH"}
    assert len({G.nodes[n]["bloc"] for n in "ABCD"}) == 1
    assert sum(G.nodes[n]["centrality"] for n in G) == pytest.approx(1, abs=1e-3)


def test_cliques_joined_by_a_positive_tie_still_split(vocab: Vocabulary) -> None:
    G = graph_of(vocab, *clique("A B C D E"), *clique("F G H I J"), claim("E", "supports", "F"))
    assert sorted(analysis.blocs(G).members) == [list("ABCDE"), list("FGHIJ")]


def test_actor_without_positive_ties_is_alone(vocab: Vocabulary) -> None:
    G = graph_of(vocab, *clique("A B C"), claim("X", "threatens", "A"))
    b = analysis.blocs(G)
    assert b.members == [["A", "B", "C"], ["X"]] and b.of()["X"] == 2


def test_blocs_are_deterministic(vocab: Vocabulary) -> None:
    rows = [*clique("A B C D"), *clique("C E F G"), *clique("G H I J"), claim("J", "supports", "A")]
    assert analysis.blocs(graph_of(vocab, *rows)) == analysis.blocs(graph_of(vocab, *reversed(rows)))


# --------------------------------------------------------------------------- balance

@pytest.mark.parametrize("rels, balanced", [
    (("alliedWith", "alliedWith", "supports"), True),  # + + +
    (("alliedWith", "opposes", "rivalOf"), True),  # + - -  the enemy of my enemy
    (("alliedWith", "alliedWith", "opposes"), False),  # + + -
    (("opposes", "sanctions", "threatens"), False),  # - - -
])
def test_balance_of_one_triangle(vocab: Vocabulary, rels: tuple[str, str, str], balanced: bool) -> None:
    G = graph_of(vocab, claim("A", rels[0], "B"), claim("B", rels[1], "C"), claim("C", rels[2], "A"))
    b = analysis.balance(G)
    assert (b.triads, b.balanced, b.share) == (1, int(balanced), 1.0 if balanced else 0.0)
    assert len(b.frustrating) == (0 if balanced else 3)


def test_balance_of_signed_k4(vocab: Vocabulary) -> None:
    # ABC +++ balanced, ABD +-- balanced, ACD +-+ unbalanced, BCD +-+ unbalanced
    G = graph_of(vocab, claim("A", "alliedWith", "B"), claim("A", "alliedWith", "C"), claim("B", "alliedWith", "C"),
                 claim("A", "opposes", "D"), claim("B", "sanctions", "D"), claim("C", "agreementWith", "D"),
                 claim("X", "creditorOf", "A"))  # neutral: no sign, no triad
    b = analysis.balance(G)
    assert (b.triads, b.balanced, b.share) == (4, 2, 0.5)
    worst = b.frustrating[0]
    assert (worst.a, worst.b, worst.sign, worst.unbalanced, worst.balanced) == ("C", "D", 1, 2, 0)


def test_pair_sign_is_net_polarity_of_support(vocab: Vocabulary) -> None:
    G = graph_of(vocab, claim("A", "alliedWith", "B", "a1"), claim("A", "alliedWith", "B", "a2"),
                 claim("A", "opposes", "B", "a3"), claim("C", "supports", "D"), claim("C", "opposes", "D"))
    D = analysis.dyads(G)
    assert (D.edges["A", "B"]["sign"], D.edges["C", "D"]["sign"]) == (1, 0)
    assert sorted(analysis.signed_dyads(G).edges) == [("A", "B")]


# --------------------------------------------------------------------------- centrality and dyads

def test_hub_is_most_central(vocab: Vocabulary) -> None:
    G = graph_of(vocab, *(claim(x, "supports", "H") for x in "ABCD"), claim("A", "alliedWith", "B"),
                 claim("H", "visited", "D"), claim("E", "opposes", "H"))
    scores, method = analysis.centrality(G)
    assert scores[0].id == "H" and method == "exact"
    h = scores[0]
    assert (h.degree, h.ties) == (5, 6)
    assert h.betweenness == max(s.betweenness for s in scores) > 0
    assert sum(s.pagerank for s in scores) == pytest.approx(1, abs=1e-3)


def test_pagerank_flows_from_subject_to_object(vocab: Vocabulary) -> None:
    scores, _ = analysis.centrality(graph_of(vocab, claim("A", "supports", "B")))
    assert [s.id for s in scores] == ["B", "A"]
    scores, _ = analysis.centrality(graph_of(vocab, claim("A", "alliedWith", "B")))
    assert scores[0].pagerank == scores[1].pagerank


def test_betweenness_is_sampled_above_the_limit(vocab: Vocabulary) -> None:
    G = graph_of(vocab, *(claim(f"N{i}", "supports", f"N{i + 1}") for i in range(30)))
    exact, m1 = analysis.centrality(G)
    approx, m2 = analysis.centrality(G, exact_limit=10, samples=8)
    assert m1 == "exact" and m2.startswith("approximate: 8 sampled sources of 31")
    assert approx == analysis.centrality(G, exact_limit=10, samples=8)[0]  # seeded
    assert max(exact, key=lambda s: s.betweenness).id == "N15"
    assert [s.pagerank for s in approx] == [s.pagerank for s in exact]


def test_strongest_dyads_sum_support_over_relations(vocab: Vocabulary) -> None:
    G = graph_of(vocab, claim("A", "alliedWith", "B", "a1"), claim("B", "supports", "A", "a1"),
                 claim("B", "supports", "A", "a2"), claim("C", "opposes", "A", "a1"))
    top = analysis.strongest_dyads(G)
    assert [(d.a, d.b, d.support, d.sign) for d in top] == [("A", "B", 3, 1), ("A", "C", 1, -1)]
    assert top[0].ties == ["alliedWith", "< supports"]


# --------------------------------------------------------------------------- paths and ego

def chain_graph(vocab: Vocabulary) -> nx.MultiDiGraph:
    return graph_of(vocab,
                    claim("A", "alliedWith", "B", sentence="A and B are allies."),
                    claim("A", "alliedWith", "E"),
                    claim("B", "supports", "C", "a1", sentence="B backs C."),
                    claim("B", "opposes", "C", "a2"),
                    claim("B", "supports", "C", "a3", sentence="B backs C again."),
                    claim("E", "visited", "C"),
                    claim("C", "opposes", "D", sentence="C condemned D."),
                    claim("X", "rivalOf", "Y"))


def test_shortest_chains_give_relation_and_evidence_per_step(vocab: Vocabulary) -> None:
    chains = analysis.shortest_chains(chain_graph(vocab), "A", "D")
    assert [[s.source for s in c] + [c[-1].target] for c in chains] == [list("ABCD"), list("AECD")]
    first = chains[0]
    assert [(s.subject, s.relation, s.object) for s in first] == [
        ("A", "alliedWith", "B"), ("B", "supports", "C"), ("C", "opposes", "D")]
    assert first[1].sources == 2 and first[1].sentence == "B backs C."
    assert all(s.sentence for c in chains for s in c)


def test_chain_walks_relations_against_their_direction(vocab: Vocabulary) -> None:
    (chain,) = analysis.shortest_chains(chain_graph(vocab), "D", "B", limit=1)
    assert [(s.source, s.target, s.subject, s.object) for s in chain] == [("D", "C", "C", "D"), ("C", "B", "B", "C")]


def test_no_chain_is_an_error(vocab: Vocabulary) -> None:
    with pytest.raises(AllianceGraphError, match="no chain of relations links A and X"):
        analysis.shortest_chains(chain_graph(vocab), "A", "X")
    with pytest.raises(AllianceGraphError, match="Q has no relations"):
        analysis.shortest_chains(chain_graph(vocab), "A", "Q")


@pytest.mark.parametrize("depth, actors", [(1, "ABE"), (2, "ABCE"), (3, "ABCDE")])
def test_ego_by_depth(vocab: Vocabulary, depth: int, actors: str) -> None:
    E = analysis.ego(chain_graph(vocab), "A", depth=depth)
    assert sorted(E.nodes) == list(actors)
    assert E.nodes["A"]["distance"] == 0 and max(d for _, d in E.nodes(data="distance")) == depth
    data = analysis.ego_dict(E)
    assert data["actors"][0]["id"] == "A" and data["center"] == "A"
    assert {(t["subject"], t["object"], t["relation"]) for t in data["ties"]} == set(E.edges(keys=True))


@pytest.mark.parametrize("text, actor", [
    ("RUS", "RUS"), ("rus", "RUS"), ("Russia", "RUS"), ("russian federation", "RUS"), ("Russian", "RUS"),
    ("north atlantic  alliance", "NATO"), ("Moscow", "RUS"), ("XYZ", "XYZ"),
])
def test_resolve_actor(vocab: Vocabulary, text: str, actor: str) -> None:
    G = graph_of(vocab, claim("XYZ", "supports", "RUS"))
    assert analysis.resolve_actor(text, vocab, G) == actor


def test_resolve_actor_refuses_unknown_and_ambiguous(vocab: Vocabulary) -> None:
    with pytest.raises(UnknownActor):
        analysis.resolve_actor("Atlantis", vocab)
    congo = {a: dataclasses.replace(vocab.actor(a), aliases=("Congo",)) for a in ("COG", "COD")}
    ambiguous = Vocabulary(relations=vocab.relations, actors=congo)
    with pytest.raises(AllianceGraphError, match="COD, COG"):
        analysis.resolve_actor("congo", ambiguous)


# --------------------------------------------------------------------------- change over time

def test_compare_two_periods(vocab: Vocabulary) -> None:
    rows = [claim("A", "alliedWith", "B", "a1", "2019-05-01"), claim("A", "supports", "C", "a2", "2019-06"),
            claim("A", "supports", "C", "a3", "2021-02-01"), claim("B", "opposes", "A", "a4", "2021-03-01"),
            claim("C", "tradePartnerOf", "D", "a5", "2021")]
    GA = graph_of(vocab, *rows, period=parse_period("2019"))
    GB = graph_of(vocab, *rows, period=parse_period("2021"))
    ch = analysis.compare(GA, GB, label_a="2019", label_b="2021")
    assert [(d.a, d.b, d.sign_a, d.sign_b, d.gained, d.lost) for d in ch.dyads] == [
        ("A", "B", 1, -1, ["< opposes"], ["alliedWith"]),  # reversal first
        ("C", "D", None, 1, ["tradePartnerOf"], []),
    ]
    assert [(a.id, a.gained, a.lost) for a in ch.actors] == [("A", 1, 1), ("B", 1, 1), ("D", 1, 0), ("C", 1, 0)]
    a, d = ch.actors[0], ch.actors[2]
    assert (a.degree_a, a.degree_b, d.degree_a, d.degree_b, d.pagerank_a) == (2, 2, 0, 1, 0.0)
    assert d.pagerank_b > 0


def test_compare_identical_periods_finds_nothing(vocab: Vocabulary) -> None:
    G = graph_of(vocab, *clique("A B C"))
    ch = analysis.compare(G, G.copy())
    assert ch.dyads == [] and ch.actors == []


# --------------------------------------------------------------------------- projection from a store

ARTICLE_1 = """title: Test article one
date: 2019-04-02
source: https://example.org/one

Venezuela and Russia renewed their alliance on Tuesday. The United States condemned Russia for it.
Russia also backed Cuba in the dispute.
"""
ARTICLE_2 = """title: Test article two
date: 2021-09-10

Russia and Venezuela remain allies, officials said. China lent money to Venezuela.
"""
FACTS_1 = """article: one.txt
facts:
  - {subject: VEN, relation: alliedWith, object: RUS, evidence: Venezuela and Russia renewed their alliance on Tuesday.}
  - {subject: USA, relation: opposes, object: RUS, evidence: The United States condemned Russia for it.}
  - {subject: RUS, relation: supports, object: CUB, evidence: Russia also backed Cuba in the dispute.,
     date: 2019-03-30}
  - {subject: USA, relation: sanctions, object: RUS, evidence: The United States condemned Russia for it.,
     rejected: true}
"""
FACTS_2 = """article: two.txt
facts:
  - {subject: RUS, relation: alliedWith, object: VEN, evidence: "Russia and Venezuela remain allies, officials said."}
  - {subject: CHN, relation: creditorOf, object: VEN, evidence: China lent money to Venezuela.}
"""


@pytest.fixture
def store(tmp_path: Path, vocab: Vocabulary) -> AllianceStore:
    files = {"one.txt": ARTICLE_1, "two.txt": ARTICLE_2, "one.yaml": FACTS_1, "two.yaml": FACTS_2}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    s = AllianceStore("memory", vocab)
    result = ingest_files([tmp_path / "one.yaml", tmp_path / "two.yaml"], s, vocab, extract=False)
    assert result.ok, result.errors
    return s


def test_projection_from_store(store: AllianceStore) -> None:
    G = project(store)
    assert sorted(G.edges(keys=True)) == [("CHN", "VEN", "creditorOf"), ("RUS", "CUB", "supports"),
                                          ("RUS", "VEN", "alliedWith"), ("USA", "RUS", "opposes")]
    allied = G.edges["RUS", "VEN", "alliedWith"]
    assert (allied["sources"], allied["directed"], allied["first"], allied["last"]) == (2, False, "2019-04-02", "2021-09-10")
    ev = allied["evidence"][0]
    assert ev == {"sentence": "Venezuela and Russia renewed their alliance on Tuesday.", "article": ev["article"],
                  "title": "Test article one", "date": "2019-04-02", "source": "https://example.org/one",
                  "confidence": 1.0, "kind": "news"}
    assert ev["article"].startswith("https://w3id.org/alliance-graph/article/")
    assert G.edges["RUS", "CUB", "supports"]["first"] == "2019-03-30"  # the fact's own date wins
    assert G.nodes["RUS"]["label"] == "Russia"


@pytest.mark.parametrize("kw, edges", [
    ({"relations": ["alliedWith", "opposes"]}, {("RUS", "VEN", "alliedWith"), ("USA", "RUS", "opposes")}),
    ({"since": "2021"}, {("RUS", "VEN", "alliedWith"), ("CHN", "VEN", "creditorOf")}),
    ({"until": "2019-03-31"}, {("RUS", "CUB", "supports")}),
    ({"since": "2019-04", "until": "2019-04-02"}, {("RUS", "VEN", "alliedWith"), ("USA", "RUS", "opposes")}),
    ({"min_sources": 2}, {("RUS", "VEN", "alliedWith")}),
    ({"period": parse_period("..2019")}, {("RUS", "VEN", "alliedWith"), ("USA", "RUS", "opposes"),
                                          ("RUS", "CUB", "supports")}),
])
def test_projection_filters(store: AllianceStore, kw: dict[str, object], edges: set[tuple[str, str, str]]) -> None:
    G = project(store, **kw)  # type: ignore[arg-type]
    assert set(G.edges(keys=True)) == edges
    assert set(G.nodes) == {n for e in edges for n in e[:2]}


def test_projection_counts_sources_within_the_period(store: AllianceStore) -> None:
    assert project(store, since="2021").edges["RUS", "VEN", "alliedWith"]["sources"] == 1


def test_projection_refuses_unknown_relation(store: AllianceStore) -> None:
    with pytest.raises(UnknownRelation):
        project(store, relations=["likes"])


def test_analysis_as_json_round_trips(store: AllianceStore) -> None:
    an = analysis.analyze(project(store))
    data = json.loads(json.dumps(an.as_dict()))
    assert data["central"][0]["id"] == "RUS"
    assert data["actors"] == 5 and data["ties"] == 4


# --------------------------------------------------------------------------- metrics agree with networkx

@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pagerank_and_betweenness_match_networkx(vocab: Vocabulary, seed: int) -> None:
    import random

    rng = random.Random(seed)
    names = [f"N{i:02d}" for i in range(25)]
    rels = ["alliedWith", "supports", "opposes", "visited", "creditorOf"]
    rows = [claim(rng.choice(names), rng.choice(rels), rng.choice(names), f"a{rng.randrange(6)}")
            for _ in range(80)]
    G = graph_of(vocab, *(r for r in rows if r.subject != r.object))
    scores, _ = analysis.centrality(G)
    W = nx.DiGraph()
    for u, v, d in G.edges(data=True):
        for a, b in [(u, v)] + ([] if d["directed"] else [(v, u)]):
            W.add_edge(a, b, weight=W.get_edge_data(a, b, {"weight": 0})["weight"] + d["sources"])
    pr = nx.pagerank(W, weight="weight")
    bc = nx.betweenness_centrality(analysis.dyads(G), weight="distance")
    for s in scores:
        assert s.pagerank == pytest.approx(pr[s.id], abs=2e-4)
        assert s.betweenness == pytest.approx(bc[s.id], abs=2e-4)


def test_empty_graph_analyses_to_nothing() -> None:
    an = analysis.analyze(nx.MultiDiGraph())
    assert (an.actors, an.dyads, an.actor_scores, an.blocs.members, an.balance.triads, an.strongest) == (0, 0, [], [], 0, [])
    assert an.balance.share is None and an.blocs.modularity is None


def _store_with_news_and_events(run, tmp_path: Path) -> Path:
    from .conftest import PROJECT
    from .eventfiles import POLECAT_COLUMNS, table, write
    from .test_events import POLECAT_ROWS

    store = tmp_path / "store"
    assert run("ingest", PROJECT / "seeds", "--no-extract", "--store", store).exit_code == 0
    events = write(tmp_path / "ngec_coded_all_2023-03-05.txt", table(POLECAT_COLUMNS, POLECAT_ROWS), "gz")
    assert run("ingest-dataset", "polecat", events, "--store", store).exit_code == 0
    return store


def _kept_claims_file(store: Path) -> Path:
    from graph.snapshots import CLAIMS, SNAPSHOTS, read_pointer

    pointer = read_pointer(store)
    assert pointer is not None
    return store / SNAPSHOTS / pointer.snapshot / CLAIMS


def _read_all(store: Path, vocab: Vocabulary, *, fresh: bool) -> list[list[ClaimRow]]:
    from graph.store import open_store

    out = []
    for kinds in (analysis.SOURCE_KINDS, ("news",), ("event",)):
        for relations in (None, ["opposes", "alliedWith"]):
            for evidence in (True, False):
                if fresh:
                    _kept_claims_file(store).unlink(missing_ok=True)
                with open_store(store, vocab, read_only=True) as s:
                    out.append(sorted(analysis.read_claims(s, relations, kinds, evidence=evidence)))
    return out


def test_claims_read_by_number_equal_those_read_as_iris(run, tmp_path: Path, vocab: Vocabulary,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Actors and articles come back as numbers from VALUES tables; past NUMBERED_LIMIT as IRIs: same rows."""
    store = _store_with_news_and_events(run, tmp_path)
    numbered = _read_all(store, vocab, fresh=True)
    monkeypatch.setattr(projection, "NUMBERED_LIMIT", 0)
    assert _read_all(store, vocab, fresh=True) == numbered
    assert {r.kind for r in numbered[0]} == {"news", "event"} and all(numbered[:4])


def test_claims_kept_in_the_snapshot_are_those_read(run, tmp_path: Path, vocab: Vocabulary) -> None:
    """Without evidence the rows are read once per snapshot, kept in it, and read back the same, filtered alike."""
    store = _store_with_news_and_events(run, tmp_path)
    fresh = _read_all(store, vocab, fresh=True)
    kept = _kept_claims_file(store)
    assert kept.is_file()
    assert _read_all(store, vocab, fresh=False) == fresh

    # later readers believe what is kept (they do not read the claims again) ...
    doc = json.loads(kept.read_text(encoding="utf-8"))
    doc["data"]["rows"] = doc["data"]["rows"][:1]
    kept.write_text(json.dumps(doc), encoding="utf-8")
    from graph.store import open_store

    with open_store(store, vocab, read_only=True) as s:
        assert len(analysis.read_claims(s, evidence=False)) == 1
    # ... when it was kept with the same ontology, and in the form _kept_claims writes
    for change in ({"ontology": ["https://example.org/actor/", []]}, {"rows": [[0, 1]]}, {"strings": "x"}):
        kept.write_text(json.dumps({**doc, "data": {**doc["data"], **change}}), encoding="utf-8")
        with open_store(store, vocab, read_only=True) as s:
            assert sorted(analysis.read_claims(s, evidence=False)) == fresh[1], change


def test_analysis_after_a_write_sees_the_new_claims(run, tmp_path: Path) -> None:
    from .conftest import PROJECT, write_facts

    store = tmp_path / "store"
    assert run("ingest", PROJECT / "seeds", "--no-extract", "--store", store).exit_code == 0
    before = json.loads(run("analyze", "--store", store, "--format", "json").stdout)
    assert json.loads(run("analyze", "--store", store, "--format", "json").stdout) == before  # read back, same
    (tmp_path / "b.txt").write_text("title: More\ndate: 2024-01-02\n\nJapan and India signed a pact.\n", encoding="utf-8")
    facts = write_facts(tmp_path / "b.yaml", "b.txt", [
        {"subject": "JPN", "relation": "agreementWith", "object": "IND", "evidence": "Japan and India signed a pact."}])
    assert run("ingest", facts, "--no-extract", "--store", store).exit_code == 0
    after = json.loads(run("analyze", "--store", store, "--format", "json", "--top", "0").stdout)
    assert (after["actors"], after["ties"]) == (before["actors"] + 2, before["ties"] + 1)
    assert {"JPN", "IND"} <= {a["id"] for a in after["central"]}
