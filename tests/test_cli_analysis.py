"""`alliances analyze`, `path` and `ego` through the CLI, and the report on the seed graph."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from graph.cli import cli
from tests.conftest import write_facts

DATED = [  # (subject, relation, object, date, sentence): one article per year
    ("RUS", "alliedWith", "VEN", "2019-05-01", "Russia and Venezuela are allies."),
    ("USA", "opposes", "VEN", "2019-05-01", "Washington condemned Caracas."),
    ("CUB", "supports", "VEN", "2019-05-01", "Havana backed Caracas."),
    ("RUS", "alliedWith", "VEN", "2021-08-02", "Moscow and Caracas renewed their alliance."),
    ("USA", "sanctions", "RUS", "2021-08-02", "Washington imposed sanctions on Moscow."),
    ("VEN", "rivalOf", "USA", "2021-08-02", "Caracas called Washington its enemy."),
    ("CUB", "opposes", "VEN", "2021-08-02", "Havana criticised Caracas."),
]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store on disk with two dated articles and their curated facts (built once; commands only read it)."""
    tmp_path = tmp_path_factory.mktemp("dated")
    for year in ("2019", "2021"):
        rows = [r for r in DATED if r[3].startswith(year)]
        text = f"title: Events of {year}\ndate: {rows[0][3]}\n\n" + " ".join(r[4] for r in rows) + "\n"
        (tmp_path / f"{year}.txt").write_text(text, encoding="utf-8")
        write_facts(tmp_path / f"{year}.yaml", f"{year}.txt",
                    [{"subject": s, "relation": r, "object": o, "evidence": e} for s, r, o, _, e in rows])
    store = tmp_path / "store"
    args = ["ingest", "--no-extract", "--store", store, tmp_path / "2019.yaml", tmp_path / "2021.yaml"]
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return store


def test_analyze_json(run: Callable[..., Result], store_dir: Path) -> None:
    result = run("analyze", "--store", store_dir, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["actors"] == 4 and data["ties"] == 6
    assert data["central"][0]["id"] == "VEN"
    # RUS-USA-VEN is + - -: balanced; CUB-VEN is supports + opposes, sign 0, so CUB is in no triad
    assert (data["balance"]["triads"], data["balance"]["balanced"], data["balance"]["share"]) == (1, 1, 1.0)
    assert data["change"] is None


@pytest.mark.parametrize("fmt, marker", [("table", "CENTRAL ACTORS"), ("markdown", "## Central actors")])
def test_analyze_text_formats(run: Callable[..., Result], store_dir: Path, fmt: str, marker: str) -> None:
    result = run("analyze", "--store", store_dir, "--format", fmt)
    assert result.exit_code == 0 and marker in result.stdout and result.stderr == ""


def test_analyze_filters(run: Callable[..., Result], store_dir: Path) -> None:
    data = json.loads(run("analyze", "--store", store_dir, "--format", "json", "--since", "2021",
                          "--relations", "sanctions,rivalOf", "--relations", "alliedWith").stdout)
    assert data["ties"] == 3 and data["filters"]["period"] == "2021.."
    assert data["filters"]["relations"] == ["alliedWith", "rivalOf", "sanctions"]
    assert json.loads(run("analyze", "--store", store_dir, "--format", "json", "--min-sources", "2").stdout)["ties"] == 1


def test_analyze_compare(run: Callable[..., Result], store_dir: Path) -> None:
    result = run("analyze", "--store", store_dir, "--compare", "2019:2021", "--format", "json")
    assert result.exit_code == 0, result.output
    change = json.loads(result.stdout)["change"]
    assert (change["period_a"], change["period_b"]) == ("2019", "2021")
    first = change["dyads"][0]
    assert (first["a"], first["b"], first["sign_a"], first["sign_b"]) == ("CUB", "VEN", 1, -1)
    pairs = {(d["a"], d["b"]) for d in change["dyads"]}
    assert pairs == {("CUB", "VEN"), ("RUS", "USA"), ("USA", "VEN")}  # RUS-VEN kept its alliance
    text = run("analyze", "--store", store_dir, "--compare", "..2020:2021..").stdout
    assert "CHANGE FROM ..2020 TO 2021.." in text


@pytest.mark.parametrize("args, message", [
    (["--compare", "2019"], "expected A:B"),
    (["--compare", "2019:20x"], "not a date"),
    (["--since", "2021-13"], "not a valid date"),
    (["--compare", "2019:2021", "--since", "2019"], "drop --since/--until"),
])
def test_analyze_bad_options_are_usage_errors(run: Callable[..., Result], store_dir: Path, args: list[str],
                                              message: str) -> None:
    result = run("analyze", "--store", store_dir, *args)
    assert result.exit_code == 2 and message in result.stderr and result.stdout == ""


def test_analyze_unknown_relation_is_one_line_error(run: Callable[..., Result], store_dir: Path) -> None:
    result = run("analyze", "--store", store_dir, "--relations", "likes")
    assert result.exit_code == 1 and result.stderr == "Error: unknown relation 'likes'\n"


def test_path_by_names(run: Callable[..., Result], store_dir: Path) -> None:
    result = run("path", "Cuba", "russia", "--store", store_dir, "--format", "json")
    assert result.exit_code == 0, result.output
    (chain,) = json.loads(result.stdout)
    assert [(s["subject"], s["relation"], s["object"]) for s in chain] == [
        ("CUB", "opposes", "VEN"), ("RUS", "alliedWith", "VEN")]  # equal support: the latest relation
    assert chain[1]["sentence"] == "Russia and Venezuela are allies." and chain[1]["sources"] == 2
    table = run("path", "CUB", "RUS", "--store", store_dir).stdout
    assert "Chain 1: CUB - VEN - RUS" in table and "Havana criticised Caracas." in table


@pytest.mark.parametrize("args, message", [
    (["CUB", "Atlantis"], "Error: unknown actor 'Atlantis'"),
    (["CUB", "CHN"], "Error: CHN has no relations in the selected claims"),
    (["CUB", "RUS", "--relations", "alliedWith"], "Error: CUB has no relations"),
])
def test_path_errors(run: Callable[..., Result], store_dir: Path, args: list[str], message: str) -> None:
    result = run("path", *args, "--store", store_dir)
    assert result.exit_code == 1 and result.stderr.startswith(message)


def test_ego(run: Callable[..., Result], store_dir: Path) -> None:
    data = json.loads(run("ego", "Russia", "--store", store_dir, "--format", "json").stdout)
    assert [a["id"] for a in data["actors"]] == ["RUS", "USA", "VEN"]
    assert [a["distance"] for a in data["actors"]] == [0, 1, 1]
    assert {(t["subject"], t["relation"], t["object"]) for t in data["ties"]} == {
        ("RUS", "alliedWith", "VEN"), ("USA", "sanctions", "RUS"), ("USA", "opposes", "VEN"), ("USA", "rivalOf", "VEN")}
    wider = json.loads(run("ego", "RUS", "--depth", "2", "--store", store_dir, "--format", "json").stdout)
    assert [a["id"] for a in wider["actors"]][-1] == "CUB"
    assert "Russia (RUS): 2 actors within 1 step" in run("ego", "RUS", "--store", store_dir).stdout


# --------------------------------------------------------------------------- the seed graph

def test_seed_report_names_russia_most_central(run: Callable[..., Result], tmp_path: Path) -> None:
    result = run("build", "--no-extract", "--store", "memory", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    central = report.split("## Central actors", 1)[1]
    first_row = next(line for line in central.splitlines() if line.startswith("| 1 |"))
    assert first_row.startswith("| 1 | Russia (RUS) | State |")


def test_report_is_byte_identical_across_builds(run: Callable[..., Result], tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert run("build", "--no-extract", "--store", tmp_path / f"store-{name}", "--out", tmp_path / name).exit_code == 0
    assert (tmp_path / "a" / "report.md").read_bytes() == (tmp_path / "b" / "report.md").read_bytes()


def test_readme_examples_are_real_output(run: Callable[..., Result], tmp_path: Path) -> None:
    from tests.conftest import PROJECT

    readme = (PROJECT / "docs" / "analysis.md").read_text(encoding="utf-8")
    store = tmp_path / "store"
    assert run("ingest", "--no-extract", "--store", store, PROJECT / "seeds").exit_code == 0
    analyze = run("analyze", "--store", store, "--top", "3").stdout
    assert "\n".join(analyze.splitlines()[:14]) in readme
    path = run("path", "Cuba", "United States", "--store", store).stdout
    assert path in readme


def test_report_compares_latest_year_with_earlier_ones(store_dir: Path) -> None:
    from graph.report import report_markdown
    from graph.store import open_store
    from graph.vocab import load_vocabulary

    with open_store(store_dir, load_vocabulary(), read_only=True) as store:
        report = report_markdown(store)
    change = report.split("## Change from ..2019 to 2021", 1)[1]
    assert "| Cuba (CUB) | Venezuela (VEN) | + | - | opposes > | supports > |" in change
    assert report.count("## ") == 5 and report.endswith("\n") and not report.endswith("\n\n")


def test_build_and_analyze_print_no_warning_on_a_graph_in_two_parts(tmp_path: Path) -> None:
    """Two pairs with nothing between them (the normal case for news): numpy's RuntimeWarning never shows."""
    import os
    import subprocess
    import sys

    article = tmp_path / "news" / "pairs.txt"
    article.parent.mkdir()
    article.write_text("title: Two pairs\ndate: 2024-05-01\n\nRussia and Venezuela are allies. "
                       "Japan and the Philippines are allies.\n", encoding="utf-8")
    write_facts(tmp_path / "news" / "pairs.yaml", "pairs.txt", [
        {"subject": "RUS", "relation": "alliedWith", "object": "VEN", "evidence": "Russia and Venezuela are allies."},
        {"subject": "JPN", "relation": "alliedWith", "object": "PHL", "evidence": "Japan and the Philippines are allies."}])
    env = {**os.environ, "PYTHONWARNINGS": "default"}  # a warning would be printed, not hidden
    env.pop("ALLIANCE_GRAPH_STORE", None)
    for args in (["build", "news", "--no-extract", "--out", "out"], ["analyze"]):
        done = subprocess.run([sys.executable, "-m", "graph", *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "Warning" not in done.stderr and "warn" not in done.stderr.lower(), done.stderr
    assert "Russia" in done.stdout and "Japan" in done.stdout
