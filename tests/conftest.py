"""Shared fixtures: the vocabulary, a CLI runner, small articles and fact files written in tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from graph.cli import cli
from graph.vocab import Vocabulary, load_vocabulary

PROJECT = Path(__file__).resolve().parent.parent

ARTICLE = """title: Ministers meet in Caracas
date: 2022-03-04
source: https://example.org/news/ministers-meet
publisher: Example News

Russia and Venezuela signed a new defence agreement on Friday.
The two governments said they remain close allies.
"""


@pytest.fixture(scope="session")
def vocab() -> Vocabulary:
    return load_vocabulary()


@pytest.fixture
def run() -> Callable[..., Result]:
    def invoke(*args: object, input: str | None = None) -> Result:
        return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def article_file(tmp_path: Path) -> Path:
    p = tmp_path / "articles" / "meeting.txt"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(ARTICLE, encoding="utf-8")
    return p


def write_facts(path: Path, article: str, facts: list[dict[str, object]]) -> Path:
    """Write a curated YAML fact file pointing at ``article`` (relative path)."""
    import yaml

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"article": article, "facts": facts}, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


@pytest.fixture
def facts_file(tmp_path: Path, article_file: Path) -> Path:
    return write_facts(tmp_path / "facts" / "meeting.yaml", "../articles/meeting.txt", [
        {"subject": "RUS", "relation": "agreementWith", "object": "VEN",
         "evidence": "Russia and Venezuela signed a new defence agreement on Friday."},
        {"subject": "VEN", "relation": "alliedWith", "object": "RUS",
         "evidence": "The two governments said they remain close allies."},
        {"subject": "RUS", "relation": "creditorOf", "object": "VEN",
         "evidence": "The two governments said they remain close allies.", "confidence": 0.5},
    ])
