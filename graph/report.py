"""The markdown report written by ``alliances build``.  (First version: counts and facts.)"""

from __future__ import annotations

from .store import AllianceStore

__all__ = ["report_markdown"]


def report_markdown(store: AllianceStore) -> str:
    vocab = store.vocab
    st = store.stats()
    lines = ["# Alliance graph report", "",
             f"{st['articles']} articles, {st['claims']} claims ({st['rejected']} rejected), {st['actors']} actors.", "",
             "| relation | claims |", "|---|---|"]
    for name, n in dict(st["relations"]).items():  # type: ignore[call-overload]
        lines.append(f"| {vocab.relation(name).label} | {n} |")
    return "\n".join(lines) + "\n"
