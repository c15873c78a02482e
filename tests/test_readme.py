"""The README keeps its promises: two Quickstart commands, a library example that runs."""

from __future__ import annotations

import contextlib
import io
import os
import re

from .conftest import PROJECT

README = (PROJECT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.S | re.M)
    assert m, f"README has no section {title!r}"
    return m.group(1)


def test_quickstart_has_exactly_two_commands() -> None:
    (block,) = re.findall(r"```sh\n(.*?)```", section("Quickstart"), re.S)
    commands = [line for line in block.splitlines() if line.strip()]
    assert commands == ['pip install -e . && alliances build', 'pip install -e ".[test]" && python -m pytest']


def test_library_example_runs_and_prints_what_it_says() -> None:
    (code,) = re.findall(r"```python\n(.*?)```", section("Using it as a library"), re.S)
    out = io.StringIO()
    cwd = os.getcwd()
    try:
        os.chdir(PROJECT)
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    assert [line.rsplit("/", 1)[1] for line in out.getvalue().split()] == ["CUB", "NIC", "VEN"]


def test_every_command_is_documented() -> None:
    from graph.cli import cli

    for name in cli.commands:
        assert f"alliances {name}" in README or f"`{name}`" in README, name
