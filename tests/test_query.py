"""Named queries on a small graph with known answers; parameters; errors; the ``query`` command."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph

from graph.cli import cli
from graph.errors import QueryError
from graph.query import list_queries, resolve_query, run_query

from ._sparql_data import article_id, build_store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    s = build_store(tmp_path_factory.mktemp("q"))
    yield s
    s.close()


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("qdir")
    build_store(tmp, tmp / "store").close()
    return tmp


def run(store_dir: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["query", *args, "--store", str(store_dir / "store"),
                                    "--ontology", str(store_dir / "ontology")], input=input)


def rows(store, name: str, **params: str) -> list[tuple[str | None, ...]]:
    result = run_query(store, resolve_query(name), params)
    return [tuple(r.values()) for r in result.records()]


NAMED_CASES = [
    ("allies", {"actor": "RUS"}, ["ally", "sources"],
     [("actor:VEN", "2"), ("actor:CUB", "1")]),
    ("allies", {"actor": "RUS", "min": "2"}, ["ally", "sources"], [("actor:VEN", "2")]),
    ("allies", {"actor": "CUB"}, ["ally", "name"], [("actor:RUS", "Russia")]),  # CUB–NIC was rejected
    ("allies", {"actor": "NIC"}, ["ally"], []),
    ("between", {"a": "VEN", "b": "RUS"}, ["subject", "relation", "object", "title"], [
        ("actor:RUS", "ag:alliedWith", "actor:VEN", "Moscow and Caracas"),
        ("actor:VEN", "ag:alliedWith", "actor:RUS", "Old friends"),
        ("actor:RUS", "ag:creditorOf", "actor:VEN", "Moscow and Caracas"),
        ("actor:RUS", "ag:suppliesArmsTo", "actor:VEN", "Moscow and Caracas"),
    ]),
    ("between", {"a": "USA", "b": "VEN"}, ["relation", "evidence"], [
        ("ag:sanctions", "Washington imposed sanctions on Venezuela."),
        ("ag:tradePartnerOf", "The United States still trades with Venezuela."),
    ]),
    ("creditors", {}, ["creditor", "debtor", "sources"], [("actor:CHN", "actor:VEN", "2"), ("actor:RUS", "actor:VEN", "1")]),
    ("creditors", {"creditor": "RUS"}, ["creditor", "debtor"], [("actor:RUS", "actor:VEN")]),
    ("creditors", {"debtor": "CHN"}, ["creditor"], []),
    ("arms-suppliers", {}, ["supplier", "recipient"], [("actor:RUS", "actor:IRN"), ("actor:RUS", "actor:VEN")]),
    ("arms-suppliers", {"recipient": "VEN"}, ["supplier", "evidence"], [("actor:RUS", "Moscow sold fighter jets to Caracas.")]),
    ("sanctions", {}, ["sanctioner", "target"],
     [("actor:FRA", "actor:IRN"), ("actor:USA", "actor:RUS"), ("actor:USA", "actor:VEN")]),
    ("sanctions", {"sanctioner": "USA"}, ["target"], [("actor:RUS",), ("actor:VEN",)]),
    ("members", {}, ["org", "member", "reference", "sources"], [
        ("actor:NATO", "actor:DEU", "no", "1"),
        ("actor:NATO", "actor:FRA", "yes", "0"),
        ("actor:NATO", "actor:USA", "yes", "1"),
    ]),
    ("members", {"org": "RUS"}, ["member"], []),
    ("few-sources", {"n": "3"}, ["subject", "relation", "object", "sources"], [
        ("actor:FRA", "ag:agreementWith", "actor:IRN", "1"),
        ("actor:CUB", "ag:alliedWith", "actor:RUS", "1"),
        ("actor:RUS", "ag:creditorOf", "actor:VEN", "1"),
        ("actor:DEU", "ag:memberOf", "actor:NATO", "1"),
        ("actor:USA", "ag:memberOf", "actor:NATO", "1"),
        ("actor:FRA", "ag:sanctions", "actor:IRN", "1"),
        ("actor:USA", "ag:sanctions", "actor:RUS", "1"),
        ("actor:USA", "ag:sanctions", "actor:VEN", "1"),
        ("actor:RUS", "ag:suppliesArmsTo", "actor:IRN", "1"),
        ("actor:RUS", "ag:suppliesArmsTo", "actor:VEN", "1"),
        ("actor:USA", "ag:tradePartnerOf", "actor:VEN", "1"),
        ("actor:RUS", "ag:alliedWith", "actor:VEN", "2"),  # two articles, written in both directions
        ("actor:CHN", "ag:creditorOf", "actor:VEN", "2"),
    ]),
    ("few-sources", {"n": "1"}, ["subject"], []),
    ("article", {"article": article_id("c.txt")}, ["subject", "relation", "object", "rejected"], [
        ("actor:FRA", "ag:sanctions", "actor:IRN", "false"),
        ("actor:FRA", "ag:agreementWith", "actor:IRN", "false"),
        ("actor:RUS", "ag:suppliesArmsTo", "actor:IRN", "false"),
        ("actor:USA", "ag:memberOf", "actor:NATO", "false"),
        ("actor:CUB", "ag:alliedWith", "actor:NIC", "true"),
    ]),
    ("contradictions", {}, ["a", "b", "positive", "negative"], [
        ("actor:FRA", "actor:IRN", "agreement with", "sanctions"),
        ("actor:USA", "actor:VEN", "trade partner of", "sanctions"),
    ]),
    ("contradictions", {"actor": "VEN"}, ["a", "b"], [("actor:USA", "actor:VEN")]),
]


@pytest.mark.parametrize("name, params, columns, expected", NAMED_CASES, ids=[c[0] for c in NAMED_CASES])
def test_named_query_answers(store, name, params, columns, expected):
    result = run_query(store, resolve_query(name), params)
    got = [tuple(r[c] for c in columns) for r in result.records()]
    assert got == expected


def test_every_named_query_is_tested_and_documented():
    queries = list_queries()
    tested_here = {c[0] for c in NAMED_CASES}
    elsewhere = "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_*.py")
                        if p.name != Path(__file__).name)
    assert tested_here <= {q.name for q in queries}
    for q in queries:  # every named query has a test here, or one that names it in another test module
        assert q.name in tested_here or f'"{q.name}"' in elsewhere or q.name in _graph_callers(), q.name
    for q in queries:
        assert q.summary and q.summary.endswith("."), q.name
        assert all(p.doc for p in q.params), q.name


def test_contradictions_follow_the_ontologys_polarity(store):
    """The pairs found are exactly those with a +1 and a -1 relation between them."""
    vocab = store.vocab
    edges: dict[frozenset[str], set[int]] = {}
    for row in store.query("SELECT ?s ?p ?o { ?s ?p ?o . ?p a ag:Relation }"):
        rel = vocab.relations[row["p"].value.split("#")[1]]
        pair = frozenset((vocab.actor_id(row["s"].value), vocab.actor_id(row["o"].value)))
        edges.setdefault(pair, set()).add(rel.polarity)
    expected = sorted(tuple(sorted(f"actor:{a}" for a in p)) for p, pol in edges.items() if {1, -1} <= pol)
    assert rows(store, "contradictions") and [r[:2] for r in rows(store, "contradictions")] == expected


@pytest.mark.parametrize("value", [
    "RUS> } ; DROP ALL ; SELECT * { <x",
    "RUS } UNION { ?a ?b ?c",
    'RUS" . ?x ?y ?z #',
    "actor:RUS\nFILTER(false)",
])
def test_hostile_actor_values_are_refused(store, value):
    with pytest.raises(QueryError, match="parameter 'actor'"):
        run_query(store, resolve_query("allies"), {"actor": value})


@pytest.mark.parametrize("value", [
    '" } } ; DROP ALL ; SELECT * { { "',
    "x' . ?s ?p ?o } #",
    "\\u0022 } UNION { ?s ?p ?o",
    "Zürich\n\t\"quoted\" \\ back",
])
def test_a_hostile_string_is_bound_as_one_literal(store, value):
    q = "SELECT ?x (COUNT(*) AS ?n) WHERE { ?s a ag:Article . BIND(?v AS ?x) } GROUP BY ?x"
    result = run_query(store, q, {"v": value})
    assert [(r["x"], r["n"]) for r in result.records()] == [(value, "3")]
    assert store.stats()["articles"] == 3


@settings(max_examples=150, deadline=None)
@given(value=st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40))
def test_any_string_binds_as_exactly_that_literal(store, value):
    q = "# @param v: string  Any text.\nSELECT ?x (COUNT(*) AS ?n) WHERE { ?s a ag:Article . BIND(?v AS ?x) } GROUP BY ?x"
    assert [(r["x"], r["n"]) for r in run_query(store, q, {"v": value}).records()] == [(value, "3")]


@settings(max_examples=150, deadline=None)
@given(value=st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30))
def test_any_actor_value_is_refused_or_one_known_actor(store, value):
    try:
        result = run_query(store, "# @param who: actor  Someone.\nSELECT ?who ?o { ?who ?p ?o }", {"who": value})
    except QueryError:
        return
    assert {r["who"] for r in result.records()} <= {f"actor:{a}" for a in store.vocab.actors}


def test_numbers_and_prefixed_names_without_a_header(store):
    assert [r["x"] for r in run_query(store, "SELECT ?x { BIND(?k + 1 AS ?x) }", {"k": "41"}).records()] == ["42"]
    assert [r["x"] for r in run_query(store, "SELECT ?x { BIND(?k * 2 AS ?x) }", {"k": "0.25"}).records()] == ["0.5"]
    found = run_query(store, "SELECT ?ally { ?who ag:alliedWith ?ally }", {"who": "actor:CUB"}).records()
    assert [r["ally"] for r in found] == ["actor:RUS"]


@pytest.mark.parametrize("name, params, problem", [
    ("allies", {}, "missing parameter 'actor'"),
    ("allies", {"actor": "XXX"}, "'XXX' is an unknown actor"),
    ("allies", {"actor": "RUS", "who": "VEN"}, "unknown parameter 'who'"),
    ("allies", {"actor": "RUS", "min": "two"}, "'two' is not an integer"),
    ("article", {"article": "not-an-id"}, "not an article id"),
])
def test_parameter_errors(store, name, params, problem):
    with pytest.raises(QueryError) as e:
        run_query(store, resolve_query(name), params)
    assert problem in str(e.value) and "\n" not in str(e.value)


def test_undeclared_parameter_must_be_a_variable_of_the_query(store):
    with pytest.raises(QueryError, match=r"no variable \?x"):
        run_query(store, "SELECT ?s { ?s a ag:Claim }", {"x": "1"})


@pytest.mark.parametrize("text, where", [
    ("SELECT ?s WHERE {\n  ?s ?p \n}", "line 3, column 2 near '}'"),
    ("SELECT ?s WHERE { ?s nope:thing ?o }", "line 1, column"),
    ("SELEKT * { ?s ?p ?o }", "line 1, column 1"),
])
def test_malformed_query_names_where(store, text, where):
    with pytest.raises(QueryError) as e:
        run_query(store, text)
    msg = str(e.value)
    assert msg.startswith("query: SPARQL syntax error at ") and where in msg and "\n" not in msg


def test_unknown_name_lists_the_named_queries():
    with pytest.raises(QueryError, match="allies"):
        resolve_query("no-such-query")


# ----------------------------------------------------------------------------- the command


def test_cli_table(store_dir):
    result = run(store_dir, "allies", "--param", "actor=RUS")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ally", "name", "sources", "evidence"]
    assert set(lines[1]) <= {"-", " "}
    assert [line.split()[:3] for line in lines[2:]] == [["actor:VEN", "Venezuela", "2"], ["actor:CUB", "Cuba", "1"]]
    assert result.stderr == ""


def test_cli_json_is_sparql_results_json(store_dir):
    result = run(store_dir, "sanctions", "-p", "target=VEN", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["head"]["vars"] == ["sanctioner", "target", "sources", "evidence"]
    [b] = data["results"]["bindings"]
    assert b["sanctioner"] == {"type": "uri", "value": "https://w3id.org/alliance-graph/actor/USA"}
    assert b["sources"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"


@pytest.mark.parametrize("fmt, sep", [("csv", ","), ("tsv", "\t")])
def test_cli_csv_tsv(store_dir, fmt, sep):
    result = run(store_dir, "creditors", "--format", fmt)
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.stdout), delimiter=sep))
    assert table[0] == (["creditor", "debtor", "sources", "evidence"] if fmt == "csv"
                        else ["?creditor", "?debtor", "?sources", "?evidence"])
    assert len(table) == 3


def test_cli_jsonl(store_dir):
    result = run(store_dir, "members", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["member"].rsplit("/", 1)[1], r["reference"], r["sources"]) for r in records] == [
        ("DEU", "no", 1), ("FRA", "yes", 0), ("USA", "yes", 1)]


@pytest.mark.parametrize("query, out, code", [
    ("ASK { actor:RUS ag:alliedWith actor:VEN }", "true", 0),
    ("ASK { actor:CUB ag:alliedWith actor:NIC }", "false", 1),  # rejected claim: no edge
])
def test_cli_ask_exit_status(store_dir, query, out, code):
    result = run(store_dir, query)
    assert (result.stdout.strip(), result.exit_code) == (out, code)


def test_cli_construct_prints_turtle(store_dir):
    result = run(store_dir, "CONSTRUCT { ?a ag:alliedWith ?b } WHERE { ?a ag:alliedWith ?b }")
    assert result.exit_code == 0, result.output
    g = Graph().parse(data=result.stdout, format="turtle")
    assert len(g) == 4  # RUS–VEN and RUS–CUB, both directions
    assert "@prefix actor:" in result.stdout


def test_cli_file_and_stdin(store_dir, tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("# Who is allied with whom.\n# @param a: actor  One side.\nSELECT ?b { ?a ag:alliedWith ?b }\n")
    result = run(store_dir, "--file", str(f), "-p", "a=CUB", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["b", "https://w3id.org/alliance-graph/actor/RUS"]
    result = run(store_dir, "--file", "-", "--format", "csv", input="SELECT ?x { BIND(1 AS ?x) }")
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["x", "1"]


def test_cli_list(store_dir):
    result = run(store_dir, "--list")
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.stdout.splitlines() if line and not line[0].isspace()]
    assert names == [q.name for q in list_queries()]


@pytest.mark.parametrize("args, message", [
    (["SELECT ?s WHERE {\n ?s ?p\n}"], "Error: query: SPARQL syntax error at line 3, column 2 near '}': expected"),
    (["allies"], "Error: "),
    (["allies", "-p", "actor=RUS", "--format", "turtle"], "SELECT results print as"),
    (["nope"], "no named query 'nope'"),
])
def test_cli_errors_are_one_line(store_dir, args, message):
    result = run(store_dir, *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("Error: ") and message in result.stderr


def test_cli_bad_param_syntax_is_a_usage_error(store_dir):
    result = run(store_dir, "allies", "--param", "actor")
    assert result.exit_code == 2


def test_named_queries_on_the_seed_facts_with_the_real_ontology():
    from graph import pipeline
    from graph.loaders import load_facts
    from graph.store import AllianceStore
    from graph.vocab import load_vocabulary

    vocab = load_vocabulary()
    files = sorted((pipeline.SEEDS_DIR / "facts").glob("*.yaml"))
    facts = [f for path in files for _, f in load_facts(path, vocab) if not f.rejected]
    with AllianceStore("memory", vocab) as store:
        assert pipeline.ingest_files(files, store, vocab, extract=False).ok
        allies = {f.object if f.subject == "RUS" else f.subject for f in facts
                  if f.relation == "alliedWith" and "RUS" in (f.subject, f.object)}
        assert allies
        assert {r["ally"] for r in run_query(store, resolve_query("allies"), {"actor": "RUS"}).records()} == {
            f"actor:{a}" for a in allies}
        nato = run_query(store, resolve_query("members"), {"org": "NATO"}).records()
        assert {r["member"] for r in nato if r["reference"] == "yes"} == {f"actor:{m}" for m in vocab.actor("NATO").members}


@pytest.mark.parametrize("text, expected", [
    ("SELECT ?v WHERE { BIND(?v AS ?x) }", "7"),
    ("SELECT ?v { BIND(?v AS ?x) }", "7"),
    ("SELECT ?v FROM <urn:x:g> WHERE { BIND(?v AS ?x) }", "7"),
    ('PREFIX e: <http://e/x#> SELECT ?v WHERE { BIND("}" AS ?y) BIND(?v AS ?x) }', "7"),
    ("SELECT ?v # WHERE { this is a comment\nWHERE { BIND(?v AS ?x) }", "7"),
    ("SELECT ?v WHERE { BIND('''}\n{''' AS ?y) { SELECT ?z { BIND(1 AS ?z) } } BIND(?v AS ?x) }", "7"),
    ("SELECT ?v (?v + 1 AS ?w) WHERE { FILTER(?v < 8 && ?v > 6) }", "7"),
])
def test_values_go_into_the_main_where_group(store, text, expected):
    result = run_query(store, text, {"v": "7"}).records()
    assert [r["v"] for r in result] == ([expected] if expected else [])


def test_values_in_ask_and_construct(store):
    assert run_query(store, "ASK { ?a ag:alliedWith ?b }", {"a": "actor:CUB"}).boolean is True
    assert run_query(store, "ASK { ?a ag:alliedWith ?b }", {"a": "actor:NIC"}).boolean is False
    q = "CONSTRUCT { ?a ag:alliedWith ?b } WHERE { ?a ag:alliedWith ?b }"
    text = run_query(store, q, {"a": "actor:CUB"}).serialize("turtle")
    g = Graph().parse(data=text, format="turtle")
    assert len(g) == 1


def test_a_missing_store_is_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["query", "ASK { ?s ?p ?o }", "--store", str(tmp_path / "nowhere")])
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1 and "no store here" in result.stderr

def _graph_callers() -> set[str]:
    """Named queries run by library functions (e.g. graph.datasets.treaty_or_talk) whose tests check the answers."""
    import re

    import graph

    src = "".join(p.read_text(encoding="utf-8") for p in Path(graph.__file__).parent.rglob("*.py"))
    return set(re.findall(r'run_treaty_query\(store, "([a-z-]+)"', src))


class _CountingStore:
    """A store that counts how often a query is run on it."""

    def __init__(self, store) -> None:
        self.store, self.vocab, self.runs = store, store.vocab, 0

    def query(self, text: str):
        self.runs += 1
        return self.store.query(text)


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "jsonl", "xml"])
def test_a_query_runs_once_whatever_the_format_and_stops_at_the_limit(store, fmt: str) -> None:
    counting = _CountingStore(store)
    q = "SELECT ?c ?e WHERE { ?c a ag:Claim ; ag:evidence ?e } ORDER BY ?c"
    whole = run_query(counting, q, max_rows=10_000)
    full = whole.serialize(fmt)
    assert counting.runs == 1 and not whole.truncated
    n = len(whole.rows())
    assert n >= 4
    cut = run_query(counting, q, max_rows=n - 1)
    text = cut.serialize(fmt)
    assert counting.runs == 2 and cut.truncated and len(cut.rows()) == n - 1
    assert "stopped after" in cut.stopped_message()
    if fmt == "json":
        assert len(json.loads(text)["results"]["bindings"]) == n - 1
    assert len(text) < len(full)


@pytest.mark.parametrize("fmt", ["CSV", "TSV", "JSON", "XML"])
def test_bounded_results_are_the_bytes_oxigraph_writes(fmt: str) -> None:
    import pyoxigraph as ox

    from graph.query import QueryResult

    s = ox.Store()
    x = "http://www.w3.org/2001/XMLSchema#"
    texts = ["a\u0001b", "<&>'\"", "a\rb\tc\nd", " lead", "emoji 😀", "back\\slash", "\u007f\u0085\u2028", "a,b"]
    for i, t in enumerate(texts):
        s.add(ox.Quad(ox.NamedNode(f"http://a/{i:02d}"), ox.NamedNode("http://a/p"), ox.Literal(t)))
        s.add(ox.Quad(ox.BlankNode(f"b{i}"), ox.NamedNode("http://a/p"), ox.Literal(t, language="en-GB")))
    for i, (v, dt) in enumerate([("-5", "integer"), ("bad", "integer"), (".5", "decimal"), ("1", "boolean"),
                                 ("1E3", "double"), ("2021-06-23", "date")]):
        s.add(ox.Quad(ox.NamedNode(f"http://a/z{i},x"), ox.NamedNode("http://a/p"), ox.Literal(v, datatype=ox.NamedNode(x + dt))))
    q = "SELECT ?s ?o ?unbound WHERE { ?s ?p ?o } ORDER BY ?s ?o"
    direct = s.query(q).serialize(format=getattr(ox.QueryResultsFormat, fmt)).decode()
    bounded = QueryResult(s.query(q), max_rows=1000).serialize(fmt.lower())
    assert bounded == (direct if direct.endswith("\n") else direct + "\n")
