"""The tables of ``ontology/events/``: event codes → relations, actor codes and names → actors.

The tables are data, each row with a comment saying why: ``cameo-relations.csv``
(CAMEO, for GDELT and ICEWS), ``plover-relations.csv`` (PLOVER, for POLECAT)
and ``actors.csv`` (the CAMEO country codes that are not ISO, CAMEO known-group
codes of organisations, actor types and sectors that act for a state, and
country names).  A row cites itself as ``file:line``, and that citation goes
into every claim made by it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..vocab import Vocabulary

__all__ = ["EVENTS_DIR", "Rule", "CameoTable", "PloverTable", "ActorTable", "load_cameo", "load_plover", "load_actors"]

EVENTS_DIR = "events"
STATE = "state"


@dataclass(frozen=True)
class Rule:
    """One mapped row: the relation, whether it runs target → source, and where the row is."""

    relation: str
    reverse: bool
    row: str  # "ontology/events/cameo-relations.csv:14"
    label: str  # what the row maps, e.g. "CAMEO 057"
    meaning: str = ""  # the code's name, from the row's comment ("Sign formal agreement")


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The data rows of a table (comment lines start with '#'), with their line numbers."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise InputError(path, f"cannot read mapping table: {e.strerror or e}") from None
    lines = text.splitlines()
    numbered = [(i + 1, line) for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")]
    if not numbered:
        raise InputError(path, "mapping table has no header")
    reader = csv.reader(io.StringIO("\n".join(line for _, line in numbered)))
    header = [h.strip() for h in next(reader)]
    out = []
    for (number, _), values in zip(numbered[1:], reader, strict=True):
        if len(values) != len(header):
            raise InputError(path, f"{len(values)} fields, expected {len(header)} ({', '.join(header)})", line=number)
        out.append((number, {h: v.strip() for h, v in zip(header, values, strict=True)}))
    return out


def _rel(path: Path, line: int, row: dict[str, str], vocab: Vocabulary) -> str:
    name = row.get("relation", "")
    if name and name not in vocab.relations:
        raise InputError(path, f"unknown relation {name!r}", line=line)
    if not row.get("comment"):
        raise InputError(path, "every row needs a comment saying why", line=line)
    return name


def _meaning(row: dict[str, str]) -> str:
    return row.get("comment", "").split(":", 1)[0].strip()


def _cite(directory: Path, path: Path, line: int) -> str:
    return f"ontology/{EVENTS_DIR}/{path.name}:{line}" if path.parent == directory / EVENTS_DIR else f"{path}:{line}"


@dataclass(frozen=True, eq=False)
class CameoTable:
    """CAMEO event code → rule (``None``: unmapped, by decision or because the code is not listed)."""

    rules: dict[str, Rule | None]

    def get(self, code: str) -> Rule | None:
        return self.rules.get(code)


@dataclass(frozen=True, eq=False)
class PloverTable:
    """PLOVER (event type, mode, context) → rule; the first matching row wins."""

    rows: tuple[tuple[str, str, str, Rule | None], ...]

    def get(self, event_type: str, mode: str, contexts: tuple[str, ...]) -> Rule | None:
        t, m = event_type.upper(), mode.lower()
        for rt, rm, rc, rule in self.rows:
            if rt == t and (not rm or rm == m) and (not rc or rc in contexts):
                return rule
        return None


@dataclass(frozen=True, eq=False)
class ActorTable:
    """Codes and names of the event datasets → actor ids of the ontology (``None``: not an actor)."""

    vocab: Vocabulary
    countries: dict[str, str | None]  # CAMEO country code → actor id (exceptions only)
    groups: dict[str, str | None]  # CAMEO known group code → organisation id
    agents: dict[str, bool]  # CAMEO type code → acts for its state
    sectors: dict[str, bool]  # sector word (casefolded) → acts for its state
    names: dict[str, str | None] = field(default_factory=dict)  # casefolded name → actor id
    _named: dict[tuple[str, str, str], str | None] = field(default_factory=dict, repr=False)

    def country(self, code: str) -> str | None:
        """A CAMEO country code as an actor id of the ontology, or None."""
        if code in self.countries:
            return self.countries[code]
        actor = self.vocab.actors.get(code)
        return code if actor is not None and actor.kind == "State" else None

    def name(self, text: str) -> str | None:
        """A country or organisation name (or ISO alpha-3 code) as an actor id, or None."""
        key = text.strip().casefold()
        if not key:
            return None
        try:
            return self.names[key]
        except KeyError:
            found = self._lookup(text.strip())
            self.names[key] = found
            return found

    def _lookup(self, text: str) -> str | None:
        if len(text) == 3 and text.isupper():
            hit = self.country(text)
            if hit:
                return hit
        import pycountry

        try:
            iso = pycountry.countries.lookup(text).alpha_3
        except LookupError:
            return None
        actor = self.vocab.actors.get(iso)
        return iso if actor is not None else None

    def named(self, name: str, country: str, sectors: str) -> str | None:
        """The actor of an ICEWS/POLECAT row: an organisation by its name; a state when the row names
        the country itself, or an actor of that country whose sectors all act for the state."""
        key = (name, country, sectors)
        try:
            return self._named[key]
        except KeyError:
            pass
        found = self.name(name)
        if found is None or self.vocab.actors[found].kind != "Organization":
            state = self.name(country) if country else None
            if state is not None and self.vocab.actors[state].kind != "State":
                state = None
            if state is not None and not (found == state or (sectors and self.acts_for_state(sectors))):
                state = None
            found = state
        if len(self._named) < 200_000:  # bounded: names repeat, but a hostile file need not
            self._named[key] = found
        return found

    def acts_for_state(self, sectors: str) -> bool:
        """Whether every sector word of a comma- or semicolon-separated list acts for the state."""
        words = [w.strip().casefold() for w in sectors.replace(";", ",").split(",") if w.strip()]
        return bool(words) and all(self.sectors.get(w, False) for w in words)


def _directory(vocab: Vocabulary) -> Path:
    return Path(vocab.directory)


def _cameo(directory: Path, vocab: Vocabulary) -> CameoTable:
    path = directory / EVENTS_DIR / "cameo-relations.csv"
    rules: dict[str, Rule | None] = {}
    for line, row in _rows(path):
        code = row.get("code", "")
        if not code.isdigit():
            raise InputError(path, f"CAMEO code {code!r} is not digits", line=line)
        if code in rules:
            raise InputError(path, f"CAMEO code {code} is listed twice", line=line)
        rel = _rel(path, line, row, vocab)
        rules[code] = Rule(rel, row.get("reverse") == "yes", _cite(directory, path, line), f"CAMEO {code}",
                                 _meaning(row)) if rel else None
    return CameoTable(rules)


def load_cameo(vocab: Vocabulary) -> CameoTable:
    """``ontology/events/cameo-relations.csv`` of the vocabulary's ontology folder."""
    return _cameo(_directory(vocab), vocab)


def _plover(directory: Path, vocab: Vocabulary) -> PloverTable:
    path = directory / EVENTS_DIR / "plover-relations.csv"
    rows = []
    for line, row in _rows(path):
        t = row.get("event_type", "").upper()
        if not t:
            raise InputError(path, "event_type is empty", line=line)
        rel = _rel(path, line, row, vocab)
        mode, context = row.get("mode", "").lower(), row.get("context", "").lower()
        label = "PLOVER " + t + (f" mode {mode}" if mode else "") + (f" context {context}" if context else "")
        rows.append((t, mode, context, Rule(rel, row.get("reverse") == "yes", _cite(directory, path, line), label,
                                                         _meaning(row)) if rel else None))
    return PloverTable(tuple(rows))


def load_plover(vocab: Vocabulary) -> PloverTable:
    """``ontology/events/plover-relations.csv`` of the vocabulary's ontology folder."""
    return _plover(_directory(vocab), vocab)


def load_actors(vocab: Vocabulary) -> ActorTable:
    """``ontology/events/actors.csv`` plus every label, official name and alias of ``actors.ttl``.

    A fresh table each call: its name cache grows with the names it meets.
    """
    directory = _directory(vocab)
    path = directory / EVENTS_DIR / "actors.csv"
    countries: dict[str, str | None] = {}
    groups: dict[str, str | None] = {}
    agents: dict[str, bool] = {}
    sectors: dict[str, bool] = {}
    names: dict[str, str | None] = {}
    for a in vocab.actors.values():  # names the ontology knows, organisations by their acronym too
        for text in (a.id if a.kind == "Organization" else None, a.label, a.official_name, *a.aliases):
            if text:
                names.setdefault(text.casefold(), a.id)
    for line, row in _rows(path):
        scheme, code, actor = row.get("scheme", ""), row.get("code", ""), row.get("actor", "") or None
        if not row.get("comment"):
            raise InputError(path, "every row needs a comment saying why", line=line)
        if scheme in ("cameo-agent", "sector"):
            if actor not in (None, STATE):
                raise InputError(path, f"{scheme} rows take actor 'state' or nothing, not {actor!r}", line=line)
            if scheme == "cameo-agent":
                agents[code] = actor == STATE
            else:
                sectors[code.casefold()] = actor == STATE
            continue
        if actor is not None and actor not in vocab.actors:
            raise InputError(path, f"no actor {actor} in actors.ttl", line=line)
        if scheme == "cameo-country":
            countries[code] = actor
        elif scheme == "cameo-group":
            groups[code] = actor
        elif scheme == "name":
            names[code.casefold()] = actor
        else:
            raise InputError(path, f"unknown scheme {scheme!r}", line=line)
    return ActorTable(vocab, countries, groups, agents, sectors, names)
