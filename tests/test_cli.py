"""The CLI as a user meets it: help, exit codes, stdout/stderr, the main job on the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from graph.cli import cli

from .conftest import PROJECT

COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself(run, command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0, result.output
    assert cli.commands[command].help and len(result.stdout.splitlines()) > 5


def test_build_on_seeds(run, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("build", "--store", "memory", "--out", out)
    assert result.exit_code == 0, result.output
    assert "wrote" in result.stderr and result.stdout == ""
    g = Graph().parse(out / "alliances.ttl", format="turtle")
    rows = list(g.query("""
        PREFIX ag: <https://w3id.org/alliance-graph/ontology#>
        PREFIX actor: <https://w3id.org/alliance-graph/actor/>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?rel ?evidence ?title ?conf ?date WHERE {
          VALUES (?s ?rel ?o) { (actor:RUS ag:alliedWith actor:VEN) (actor:VEN ag:alliedWith actor:RUS)
                                (actor:RUS ag:creditorOf actor:VEN) }
          ?s ?rel ?o .
          ?c rdf:predicate ?rel ; ag:evidence ?evidence ; ag:confidence ?conf ; dcterms:date ?date ;
             prov:wasDerivedFrom ?a ; rdf:subject ?cs ; rdf:object ?co .
          FILTER((?cs = ?s && ?co = ?o) || (?cs = ?o && ?co = ?s))
          ?a dcterms:title ?title .
        }"""))
    found = {(str(r.rel).rsplit("#", 1)[1], str(r.date)) for r in rows}
    assert found >= {("alliedWith", "2021-06-23"), ("creditorOf", "2021-06-23")}
    assert all(r.title and r.evidence and 0 < float(r.conf) <= 1 for r in rows)
    assert (out / "alliances.html").stat().st_size > 1000 and (out / "report.md").read_text().startswith("#")


def test_build_twice_is_byte_identical(run, tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert run("build", "--store", "memory", "--out", tmp_path / name).exit_code == 0
    for f in ("alliances.ttl", "alliances.html", "report.md"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f


def test_committed_exports_are_fresh(run, tmp_path: Path) -> None:
    """exports/ in the repo is what `alliances build` writes; rebuild and compare."""
    assert run("build", "--store", "memory", "--out", tmp_path).exit_code == 0
    for f in ("alliances.ttl", "alliances.html", "report.md"):
        assert (PROJECT / "exports" / f).read_bytes() == (tmp_path / f).read_bytes(), (
            f"exports/{f} is stale: run `alliances build --store memory` and commit exports/")


def test_ingest_validate_stats_export(run, tmp_path: Path, facts_file: Path) -> None:
    store = tmp_path / "store"
    result = run("ingest", facts_file, "--store", store)
    assert result.exit_code == 0, result.output
    assert "3 facts; 3 claims in the store (+3)" in result.stderr
    result = run("validate", "--store", store)
    assert result.exit_code == 0 and result.stdout.startswith("conforms"), result.output
    result = run("stats", "--store", store, "--format", "json")
    assert '"claims": 3' in result.stdout
    result = run("export", "--store", store, "--format", "ntriples")
    assert result.exit_code == 0 and "<https://w3id.org/alliance-graph/actor/RUS>" in result.stdout
    target = tmp_path / "x.ttl"
    assert run("export", "--store", store, "-o", target).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("@prefix")


def test_bad_file_is_one_line_and_exit_1_others_still_ingested(run, tmp_path: Path, facts_file: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    store = tmp_path / "store"
    result = run("ingest", bad, facts_file, "--store", store)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: {bad}: looks like a binary file, expected UTF-8 text"]
    assert '"claims": 3' in run("stats", "--store", store, "--format", "json").stdout


def test_validate_reports_non_conforming_store(run, tmp_path: Path, facts_file: Path, vocab) -> None:
    from graph.store import AllianceStore

    store_dir = tmp_path / "store"
    run("ingest", facts_file, "--store", store_dir)
    s = AllianceStore(store_dir, vocab)
    s.ox.update('PREFIX ag: <https://w3id.org/alliance-graph/ontology#> '
                'INSERT { ?c ag:confidence 2.5 } WHERE { ?c a ag:Claim }')
    s.close()
    result = run("validate", "--store", store_dir)
    assert result.exit_code == 1 and "Conforms: False" in result.stdout


def test_missing_store_for_readers(run, tmp_path: Path) -> None:
    result = run("stats", "--store", tmp_path / "nothing")
    assert result.exit_code == 1 and "no store here" in result.stderr
