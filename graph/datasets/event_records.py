"""What the event readers hand on: ``Event`` records and the ``EventReport`` of what they left out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..errors import InputError
from .mapping import Rule

__all__ = ["Event", "EventReport", "MAX_ERRORS", "iso_date"]

MAX_ERRORS = 20  # malformed rows reported one by one; the rest are counted


@dataclass(frozen=True, slots=True)
class Event:
    """One coded event between two actors of the ontology whose code a mapping row turns into a relation.

    ``subject``/``object`` are already in the relation's direction (a
    reversed rule has swapped them).  ``locator`` is the source URL or story
    id the dataset gives (``None`` when it gives none).
    """

    line: int
    event_id: str
    subject: str
    object: str
    rule: Rule
    date: str | None
    locator: str | None
    confidence: float
    description: str  # one line for the evidence panel: who, what code, what signals


@dataclass
class EventReport:
    """What reading one events file found, and what it left out."""

    path: str
    dataset: str
    version: str
    layout: str = ""
    rows: int = 0
    malformed: int = 0
    errors: list[InputError] = field(default_factory=list)
    unmapped: Counter[str] = field(default_factory=Counter)  # event code label → rows
    not_actors: Counter[str] = field(default_factory=Counter)  # actor code/name → rows
    same_actor: int = 0
    events: int = 0  # rows that became (or joined) a claim
    collapsed: int = 0  # repeats of a claim already made from this run
    existing: int = 0  # claims already in the store from an earlier ingest
    claims: int = 0  # claims written
    seconds: float = 0.0
    versions: set[str] = field(default_factory=set)

    def bad_row(self, line: int, problem: str) -> None:
        self.malformed += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(InputError(self.path, problem, line=line))

    def skipped_actor(self, what: str) -> None:
        self.not_actors[what or "(none)"] += 1

    def pair(self, a: str | None, b: str | None, what_a: str, what_b: str) -> bool:
        """Whether ``a`` and ``b`` make a dyad of two actors; counts why not (``what_*`` name the sides)."""
        if a is None or b is None:
            if a is None:
                self.skipped_actor(what_a)
            if b is None:
                self.skipped_actor(what_b)
            return False
        if a == b:
            self.same_actor += 1
            return False
        return True

    def cameo(self, rules: dict[str, Rule | None], code: str, line: int, column: str) -> Rule | None:
        """The rule for a CAMEO code, or None (counted as unmapped, or as malformed when not a code)."""
        rule = rules.get(code)
        if rule is None:
            if not code.isdigit():
                self.bad_row(line, f"{column} {code!r} is not a CAMEO code")
            else:
                self.unmapped[f"CAMEO {code}"] += 1
        return rule

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


def iso_date(value: str) -> str | None:
    """``YYYYMMDD`` or ``YYYY-MM-DD…`` as ``YYYY-MM-DD``; None when it is not a plausible date.

    >>> iso_date("20240131"), iso_date("2024-01-31 12:00"), iso_date("2024-13-01"), iso_date("")
    ('2024-01-31', '2024-01-31', None, None)
    """
    v = value.strip()
    if len(v) >= 10 and v[4] == "-" and v[7] == "-":
        y, m, d = v[:4], v[5:7], v[8:10]
    elif len(v) == 8 and v.isdigit():
        y, m, d = v[:4], v[4:6], v[6:8]
    else:
        return None
    if not (y.isdigit() and m.isdigit() and d.isdigit()) or not (1 <= int(m) <= 12 and 1 <= int(d) <= 31):
        return None
    if not 1800 <= int(y) <= 2999:
        return None
    return f"{y}-{m}-{d}"
