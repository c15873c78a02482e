"""The command examples of README and docs/ show what the commands print (rerun them when a figure changes)."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from graph.cli import cli

from .conftest import PROJECT


def examples(doc: str, first: str) -> list[tuple[str, list[str]]]:
    """The ``$ alliances …`` lines of the code block that starts with ``$ {first}``, each with its output lines."""
    text = (PROJECT / doc).read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"(?ms)^```[a-z]*\n(.*?)^```", text)
                if b.split("\n", 1)[0].split("  #", 1)[0].strip() == f"$ {first}"]
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:].split("  #", 1)[0].strip(), []))
        elif line.strip() and line.strip() != "…" and not line.startswith(("\t", "actor:")):
            steps[-1][1].append(line)
    return steps


def invoke(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_the_build_example_of_the_readme(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ALLIANCE_GRAPH_STORE", raising=False)
    ((command, shown),) = examples("README.md", "alliances build")
    assert command == "alliances build"
    code, _, err = invoke(["build"])
    assert code == 0 and err.splitlines() == shown, "README.md: rerun `alliances build` and paste its output"


def test_the_store_examples_of_docs_facts(tmp_path: Path) -> None:
    store = ["--store", str(tmp_path / "store")]
    for command, shown in examples("docs/facts.md", "alliances ingest seeds/"):
        words = command.split("|")[0].split()[1:]
        words = [str(PROJECT / "seeds") if w == "seeds/" else w for w in words]
        code, out, err = invoke([*words, *store])
        assert code == 0, (command, err)
        if "wc -l" in command:
            assert shown == [str(len(out.splitlines()))], f"docs/facts.md: `{command}` gives {len(out.splitlines())}"
        elif words[0] == "ingest":
            assert err.splitlines() == shown, f"docs/facts.md: rerun `{command}`"
        elif shown:
            got = out.splitlines()
            assert all(line in got for line in shown), f"docs/facts.md: `{command}` now prints {got}"
