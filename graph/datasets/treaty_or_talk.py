"""Treaty or talk?  The named queries that compare news claims with the formal alliances loaded."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib.namespace import XSD

from ..errors import InputError
from ..store import AllianceStore
from ..vocab import ACTOR, AG, BASE

__all__ = ["TREATY_QUERIES", "TreatyOrTalk", "run_treaty_query", "treaty_or_talk", "treaty_or_talk_markdown"]

TREATY_QUERIES = ("talk-without-treaty", "treaties-without-news", "treaty-partners-in-conflict")


@dataclass(frozen=True)
class TreatyOrTalk:
    """The three answers of "treaty or talk?", each a list of rows (column → text)."""

    talk_only: list[dict[str, str | None]]
    silent_treaties: list[dict[str, str | None]]
    partners_in_conflict: list[dict[str, str | None]]


def _plain(term: object) -> str | None:
    if term is None:
        return None
    value = str(getattr(term, "value", term))
    for prefix in (str(ACTOR), str(AG), BASE + "article/"):
        if value.startswith(prefix):
            return value[len(prefix):]
    return value


def run_treaty_query(store: AllianceStore, name: str, **params: str) -> list[dict[str, str | None]]:
    """Run one of ``TREATY_QUERIES`` from ``ontology/queries/`` with parameters bound.

    Parameters: ``actor`` (an actor id), ``from``/``to`` (ISO dates).  Actor
    and article IRIs come back as their ids, treaty and relation as labels.
    """
    import pyoxigraph as ox

    path = store.vocab.directory / "queries" / f"{name}.rq"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise InputError(path, f"cannot read named query: {e.strerror or e}") from None
    values: dict[str, ox.NamedNode | ox.Literal] = {}
    for key, value in params.items():
        if value is None:
            continue
        if key == "actor":
            values[key] = ox.NamedNode(str(ACTOR[value]))
        elif key in ("from", "to"):
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise InputError(path, f"parameter {key} must be a date YYYY-MM-DD, not {value!r}")
            values[key] = ox.Literal(value, datatype=ox.NamedNode(str(XSD.date)))
        else:
            raise InputError(path, f"unknown parameter {key!r}")
    if values:  # bind in the main WHERE group (these queries have no subquery before it)
        block = ("VALUES (" + " ".join(f"?{k}" for k in values) + ") { ("
                 + " ".join(str(v) for v in values.values()) + ") }")
        text = re.sub(r"\bWHERE\s*\{", lambda m: m.group(0) + "\n  " + block, text, count=1)
    try:
        solutions = store.query(text)
    except SyntaxError as e:
        raise InputError(path, f"not valid SPARQL: {e}") from None
    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    return [{n: _plain(row[n]) for n in names} for row in solutions]  # type: ignore[union-attr]


def treaty_or_talk(store: AllianceStore, start: str, end: str, *, actor: str | None = None) -> TreatyOrTalk:
    """Compare the news with the formal alliances loaded from datasets.

    ``talk_only``: news claims of alliance with no treaty in force at their
    date; ``silent_treaties``: treaties in force between ``start`` and ``end``
    that no article of that period calls an alliance; ``partners_in_conflict``:
    hostile news claims (negative polarity) between treaty partners.
    """
    return TreatyOrTalk(
        talk_only=run_treaty_query(store, "talk-without-treaty", actor=actor),  # type: ignore[arg-type]
        silent_treaties=run_treaty_query(store, "treaties-without-news", actor=actor, **{"from": start, "to": end}),  # type: ignore[arg-type]
        partners_in_conflict=run_treaty_query(store, "treaty-partners-in-conflict", actor=actor),  # type: ignore[arg-type]
    )


def treaty_or_talk_markdown(result: TreatyOrTalk, start: str, end: str) -> str:
    """The "Treaty or talk?" section of a report, as Markdown."""
    def table(rows: list[dict[str, str | None]], cols: list[str]) -> list[str]:
        if not rows:
            return ["(none)", ""]
        out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        for r in rows:
            out.append("| " + " | ".join((r.get(c) or "").replace("|", "\\|").replace("\n", " ") for c in cols) + " |")
        return [*out, ""]

    lines = ["## Treaty or talk?", "",
             f"### Called allied in the news, no treaty in force ({len(result.talk_only)})", ""]
    lines += table(result.talk_only, ["subject", "object", "date", "article"])
    lines += [f"### Treaties in force {start} to {end} that no article calls an alliance ({len(result.silent_treaties)})", ""]
    lines += table(result.silent_treaties, ["subject", "object", "treaty", "start", "end", "dataset"])
    lines += [f"### Treaty partners reported in conflict ({len(result.partners_in_conflict)})", ""]
    lines += table(result.partners_in_conflict, ["subject", "relation", "object", "date", "treaty", "article"])
    return "\n".join(lines)
