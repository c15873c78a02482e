"""The ``alliances`` command: parse, call the library, print.  One error boundary.

One module a stage: ``base`` (the group, options, errors), ``ingesting`` (data in), ``querying`` (the
store as data), ``network`` (analysis and pages), ``feeds`` (watching feeds).
"""

from __future__ import annotations

from . import feeds, ingesting, network, querying  # noqa: F401  (register their commands on the group)
from .base import cli

__all__ = ["cli", "main"]


def main() -> None:  # pragma: no cover - console entry point
    cli()
