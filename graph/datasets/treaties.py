"""Reading the formal alliance datasets (COW Formal Alliances, ATOP) into treaty spells with dates.

The user downloads the files; the project never bundles or fetches them.
Rows give state codes of the Correlates of War system; the crosswalk in
``ontology/cow-crosswalk.ttl`` maps them to ISO 3166-1 alpha-3 actors year by
year.  Year rows (dyad-year files) collapse into intervals: consecutive years
of the same dyad and treaty type become one spell with a start and an end.
A malformed row is reported with file and line and the rest is loaded; a code
that has no ISO state in a year is counted as unmapped, never guessed.

Dates: a spell starts on the first day its data allow and ends on the last
(a year-only start is 1 January, a year-only end 31 December).  A spell that
reaches the last year of the file, or that the file codes as ongoing, has
no end date: it is taken to be still in force.
"""

from __future__ import annotations

import calendar
import csv
import io
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..infile import read_regular
from ..vocab import Vocabulary
from .catalogue import DATASETS, TREATY_DATASETS, version_problem
from .crosswalk import Crosswalk

__all__ = ["TreatySpell", "LoadReport", "read_dataset", "collapse_years"]

@dataclass(frozen=True, order=True)
class TreatySpell:
    """One treaty obligation between two actors over one interval, as a dataset codes it.

    ``subject``/``object`` are sorted (treaty types are symmetric); ``end`` is
    None while in force at the end of the data; ``source_row`` is
    ``file:line`` of the first row behind the spell.
    """

    subject: str
    object: str
    treaty_type: str
    start: str
    end: str | None
    dataset: str
    version: str
    source_row: str
    alliance_ids: tuple[str, ...] = ()

    def key(self) -> str:
        return "|".join((self.dataset, self.version, self.treaty_type, self.subject, self.object, self.start,
                         ",".join(self.alliance_ids)))


@dataclass
class LoadReport:
    """What reading a dataset file found besides its spells."""

    path: str
    dataset: str
    version: str
    rows: int = 0
    errors: list[InputError] = field(default_factory=list)
    unmapped: Counter[int] = field(default_factory=Counter)  # COW code -> rows (or row-years) it could not be mapped in
    missing_actors: Counter[str] = field(default_factory=Counter)  # ISO code not in actors.ttl -> rows
    no_obligation: int = 0

    def unmapped_lines(self, crosswalk: Crosswalk) -> list[str]:
        """One line per unmapped code: code, COW name, count, and why."""
        out = []
        for code, n in sorted(self.unmapped.items()):
            periods = crosswalk.periods.get(code, ())
            why = "; ".join(sorted({p.note for p in periods if p.actor is None and p.note})) or "no ISO state in those years"
            out.append(f"COW {code} {crosswalk.name(code)}: {n} row{'s' if n != 1 else ''} not loaded ({why})")
        for iso, n in sorted(self.missing_actors.items()):
            out.append(f"{iso}: {n} row{'s' if n != 1 else ''} not loaded (no actor {iso} in ontology/actors.ttl)")
        return out


# ---------------------------------------------------------------------------------------------- reading


class _RowError(Exception):
    pass


def _decode(path: Path) -> str:
    data = read_regular(path)  # a FIFO or a device is refused, never read
    if not data.strip():
        raise InputError(path, "file is empty")
    if data.startswith(b"<stata_dta>") or b"\x00" in data[:512]:
        raise InputError(path, "looks like a binary (Stata .dta?) file; use the CSV version of the dataset")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # older releases carry state names in Latin-1


def _rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str] | _RowError]]]:
    reader = csv.reader(io.StringIO(_decode(path), newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise InputError(path, "file is empty") from None

    def gen() -> Iterator[tuple[int, list[str] | _RowError]]:
        start = reader.line_num
        while True:
            try:
                values: list[str] | _RowError = next(reader)
            except StopIteration:
                return
            except csv.Error as e:  # a field over csv's limit (128 KiB), say: this row alone is skipped
                values = _RowError(f"not readable as CSV: {e}")
            line = start + 1
            start = reader.line_num
            if isinstance(values, _RowError) or any(values):
                yield line, values

    return header, gen()


_MISSING = {"", "na", ".", "-9", "-99", "nan"}


def _code(row: dict[str, str], col: str) -> int:
    v = row.get(col, "")
    if v.lower() in _MISSING:
        raise _RowError(f"missing state code in column {col}")
    try:
        return _integer(v)
    except ValueError:
        raise _RowError(f"state code {_shown(v)} in column {col} is not a number") from None


def _integer(v: str) -> int:
    """A whole number written as ``12`` or ``12.0``; ``ValueError`` for text, ``inf``, ``nan`` or ``1e400``.

    >>> _integer("1949.0")
    1949
    >>> _integer("1e400")
    Traceback (most recent call last):
    ...
    ValueError: not a finite number
    """
    f = float(v)
    if not math.isfinite(f):
        raise ValueError("not a finite number")
    return int(f)


def _shown(v: str, limit: int = 40) -> str:
    """``repr`` of a field, cut short: a field may be 100 KB long."""
    return repr(v if len(v) <= limit else v[:limit] + "…")


def _year(row: dict[str, str], col: str, *, required: bool = True) -> int | None:
    v = row.get(col, "")
    if v.lower() in _MISSING or (not required and v == "0"):
        if required:
            raise _RowError(f"missing year in column {col}")
        return None
    try:
        y = _integer(v)
    except ValueError:
        raise _RowError(f"year {_shown(v)} in column {col} is not a number") from None
    if not 1000 <= y <= 2999:
        raise _RowError(f"year {_shown(v)} in column {col} is out of range")
    return y


def _part(row: dict[str, str], col: str, lo: int, hi: int) -> int | None:
    v = row.get(col, "")
    try:
        n = _integer(v)
    except ValueError:
        return None
    return n if lo <= n <= hi else None


def _start_date(year: int, month: int | None, day: int | None) -> str:
    return f"{year:04d}-{month or 1:02d}-{(day if month and day else 1):02d}"


def _end_date(year: int, month: int | None, day: int | None) -> str:
    m = month or 12
    last = calendar.monthrange(year, m)[1]
    d = day if month and day and day <= last else last
    return f"{year:04d}-{m:02d}-{d:02d}"


def _flag(row: dict[str, str], col: str) -> bool:
    v = row.get(col, "")
    if v == "0":
        return False
    if v == "1":
        return True
    if v.lower() in _MISSING or v == "0.0":
        return False
    if v in ("1", "1.0"):
        return True
    raise _RowError(f"value {v!r} in column {col} is not 0 or 1")


def _columns(vocab: Vocabulary, dataset: str, suffix: str = "") -> dict[str, str]:
    """Column → treaty type name, from the ontology (ag:cowColumn / ag:atopColumn)."""
    return {t.columns[dataset] + suffix: t.name for t in vocab.treaty_types.values() if dataset in t.columns}


@dataclass(frozen=True)
class _Interval:
    """A row that codes an interval: two codes, types, start and end (None: ongoing)."""

    a: int
    b: int
    types: tuple[str, ...]
    start: tuple[int, int | None, int | None]
    end: tuple[int, int | None, int | None] | None
    alliance_id: str | None
    line: int


@dataclass(frozen=True)
class _YearRow:
    a: int
    b: int
    types: tuple[str, ...]
    year: int
    alliance_ids: tuple[str, ...]
    line: int


def _layout(header: list[str], dataset: str, path: Path) -> str:
    h = set(header)
    if dataset == "cow":
        if {"ccode1", "ccode2", "dyad_st_year"} <= h:
            return "cow-dyad"
        if {"ccode1", "ccode2", "year"} <= h:
            return "cow-yearly"
        if "ccode" in h:
            raise InputError(path, "a COW member-level file; use alliance_v4.1_by_dyad.csv (or a dyad-yearly file)")
        raise InputError(path, "not a COW Formal Alliances dyad file (expected columns ccode1, ccode2, dyad_st_year)")
    if {"statea", "stateb", "year"} <= h or {"mem1", "mem2", "year"} <= h:
        return "atop-dyad-year"
    if {"atopid", "member", "yrent"} <= h:
        return "atop-member"
    raise InputError(path, "not an ATOP dyad-year file (expected columns stateA, stateB, year) "
                           "nor an ATOP member file (atopid, member, yrent)")


def _types(row: dict[str, str], columns: dict[str, str]) -> tuple[str, ...]:
    return tuple(sorted({name for col, name in columns.items() if col in row and _flag(row, col)}))


def _alliance_id(value: str) -> str | None:
    if value.lower() in _MISSING:
        return None
    return value[:-2] if value.endswith(".0") else value


def read_dataset(path: Path, dataset: str, vocab: Vocabulary, crosswalk: Crosswalk, *,
                 version: str | None = None) -> tuple[list[TreatySpell], LoadReport]:
    """Read a COW or ATOP file into treaty spells and a report of what was left out.

    Raises InputError only when the file as a whole cannot be used (missing,
    binary, not a known layout); bad rows go into ``report.errors``.
    """
    if dataset not in TREATY_DATASETS:
        raise InputError(path, f"unknown treaty dataset {dataset!r}; choose from {', '.join(TREATY_DATASETS)}")
    path = Path(path)
    header, rows = _rows(path)
    layout = _layout(header, dataset, path)
    report = LoadReport(str(path), dataset, version or DATASETS[dataset].version)
    suffix = "m" if layout == "atop-member" else ""
    columns = _columns(vocab, dataset, suffix)
    if not any(col in header for col in columns):
        raise InputError(path, f"no treaty type column found (expected some of {', '.join(sorted(columns))})")
    file_version: set[str] = set()
    intervals: list[_Interval] = []
    years: list[_YearRow] = []
    members: list[tuple[str, int, tuple[int, int | None, int | None], tuple[int, int | None, int | None] | None,
                        tuple[str, ...], int]] = []
    id_cols = [h for h in header if re.fullmatch(r"atopid\d*", h)]
    wanted = {"version", "ccode1", "ccode2", "statea", "stateb", "mem1", "mem2", "year", "dyad_st_year", "dyad_st_month",
              "dyad_st_day", "dyad_end_year", "dyad_end_month", "dyad_end_day", "version4id", "version4.1_id", "atopid",
              "member", "yrent", "moent", "dayent", "yrexit", "moexit", "dayexit", *columns, *id_cols}
    index = [(h, i) for i, h in enumerate(header) if h in wanted]
    for line, values in rows:
        report.rows += 1
        try:
            if isinstance(values, _RowError):
                raise values
            row = {h: values[i].strip() if i < len(values) else "" for h, i in index}
            if row.get("version", "").lower() not in _MISSING:
                if (problem := version_problem(row["version"])) is not None:
                    raise _RowError(problem)
                file_version.add(row["version"])
            if layout == "atop-member":
                aid = _alliance_id(row.get("atopid", ""))
                if aid is None:
                    raise _RowError("missing atopid")
                code = _code(row, "member")
                start = (_year(row, "yrent") or 0, _part(row, "moent", 1, 12), _part(row, "dayent", 1, 31))
                ey = _year(row, "yrexit", required=False)
                end = (ey, _part(row, "moexit", 1, 12), _part(row, "dayexit", 1, 31)) if ey else None
                if end and end[0] < start[0]:
                    raise _RowError(f"ends ({end[0]}) before it starts ({start[0]})")
                if code not in crosswalk:
                    raise _RowError(f"unknown COW state code {code}")
                members.append((aid, code, start, end, _types(row, columns), line))
                continue
            if layout == "cow-dyad" or layout == "cow-yearly":
                a, b = _code(row, "ccode1"), _code(row, "ccode2")
            elif "statea" in row:
                a, b = _code(row, "statea"), _code(row, "stateb")
            else:
                a, b = _code(row, "mem1"), _code(row, "mem2")
            for c in (a, b):
                if c not in crosswalk:
                    raise _RowError(f"unknown COW state code {c}")
            if a == b:
                raise _RowError(f"a state cannot ally with itself (code {a})")
            types = _types(row, columns)
            if layout == "cow-dyad":
                sy = _year(row, "dyad_st_year")
                assert sy is not None
                start = (sy, _part(row, "dyad_st_month", 1, 12), _part(row, "dyad_st_day", 1, 31))
                ey = _year(row, "dyad_end_year", required=False)
                end = (ey, _part(row, "dyad_end_month", 1, 12), _part(row, "dyad_end_day", 1, 31)) if ey else None
                if end and _end_date(*end) < _start_date(*start):
                    raise _RowError(f"ends ({_end_date(*end)}) before it starts ({_start_date(*start)})")
                aid = _alliance_id(row.get("version4.1_id", row.get("version4id", "")))
                if not types:
                    report.no_obligation += 1
                    continue
                intervals.append(_Interval(a, b, types, start, end, aid, line))
            else:
                y = _year(row, "year")
                assert y is not None
                ids = tuple(sorted({i for c in id_cols if (i := _alliance_id(row.get(c, ""))) is not None}))
                if layout == "cow-yearly":
                    aid = _alliance_id(row.get("version4.1_id", row.get("version4id", "")))
                    ids = (aid,) if aid else ()
                if not types:
                    report.no_obligation += 1
                    continue
                years.append(_YearRow(a, b, types, y, ids, line))
        except _RowError as e:
            report.errors.append(InputError(path, str(e), line=line))
    if version is None and len(file_version) == 1:
        report.version = next(iter(file_version))
    name = path.name
    spells: list[TreatySpell] = []
    if intervals:
        spells.extend(_from_intervals(intervals, name, report, crosswalk, vocab))
    if years:
        spells.extend(collapse_years(years, name, report, crosswalk, vocab))
    if members:
        spells.extend(_from_members(members, name, report, crosswalk, vocab))
    unique: dict[str, TreatySpell] = {}
    for sp in spells:  # directed files give each treaty twice: keep the first row
        old = unique.get(sp.key())
        if old is None or _line_of(sp) < _line_of(old):
            unique[sp.key()] = sp
    return sorted(unique.values()), report


def _line_of(spell: TreatySpell) -> int:
    return int(spell.source_row.rsplit(":", 1)[1])


def _actor_ok(iso: str, vocab: Vocabulary, report: LoadReport) -> bool:
    if vocab.actors and iso not in vocab.actors:
        report.missing_actors[iso] += 1
        return False
    return True


def _from_intervals(rows: list[_Interval], name: str, report: LoadReport, crosswalk: Crosswalk,
                    vocab: Vocabulary) -> Iterator[TreatySpell]:
    """COW dyad rows: one spell per obligation, split where a code's ISO mapping changes."""
    for r in rows:
        start_s = _start_date(*r.start)
        end_s = _end_date(*r.end) if r.end else None
        last = r.end[0] if r.end else max(r.start[0], 2100)
        seg_a = crosswalk.segments(r.a, r.start[0], last)
        seg_b = crosswalk.segments(r.b, r.start[0], last)
        unmapped: set[int] = set()
        missing: set[str] = set()
        for (fa, ta, xa), (fb, tb, xb) in itertools.product(seg_a, seg_b):
            lo, hi = max(fa, fb), min(ta, tb)
            if lo > hi:
                continue
            if xa is None or xb is None:
                unmapped |= {code for code, x in ((r.a, xa), (r.b, xb)) if x is None}
                continue
            missing |= {x for x in (xa, xb) if vocab.actors and x not in vocab.actors}
            if xa == xb or missing & {xa, xb}:
                continue
            s = start_s if lo == r.start[0] else f"{lo:04d}-01-01"
            e = end_s if (r.end and hi == r.end[0]) else (None if not r.end and hi == last else f"{hi:04d}-12-31")
            subject, obj = sorted((xa, xb))
            for t in r.types:
                yield TreatySpell(subject, obj, t, s, e, report.dataset, report.version, f"{name}:{r.line}",
                                  (r.alliance_id,) if r.alliance_id else ())
        report.unmapped.update(unmapped)
        report.missing_actors.update(missing)


def collapse_years(rows: Iterable[_YearRow], name: str, report: LoadReport, crosswalk: Crosswalk,
                   vocab: Vocabulary) -> list[TreatySpell]:
    """Consecutive years of the same dyad and treaty type → one spell.

    A spell that reaches the last year in the file is left open (no end).
    Directed files give each dyad twice; the two directions are one spell.
    """
    rows = list(rows)
    last_year = max(r.year for r in rows)
    by_key: dict[tuple[str, str, str], dict[int, tuple[int, set[str]]]] = {}
    for r in rows:
        xa, xb = crosswalk.actor(r.a, r.year), crosswalk.actor(r.b, r.year)
        if xa is None or xb is None:
            for code, x in ((r.a, xa), (r.b, xb)):
                if x is None:
                    report.unmapped[code] += 1
            continue
        if xa == xb or not (_actor_ok(xa, vocab, report) and _actor_ok(xb, vocab, report)):
            continue
        s, o = sorted((xa, xb))
        for t in r.types:
            years = by_key.setdefault((s, o, t), {})
            line, ids = years.get(r.year, (r.line, set()))
            years[r.year] = (min(line, r.line), ids | set(r.alliance_ids))
    out = []
    for (s, o, t), years in sorted(by_key.items()):
        ordered = sorted(years)
        run: list[int] = []
        for y in [*ordered, None]:
            if run and (y is None or y != run[-1] + 1):
                first_line = min(years[yy][0] for yy in run)
                ids = tuple(sorted(set().union(*(years[yy][1] for yy in run)), key=lambda i: (len(i), i)))
                end = None if run[-1] == last_year else f"{run[-1]:04d}-12-31"
                out.append(TreatySpell(s, o, t, f"{run[0]:04d}-01-01", end, report.dataset, report.version,
                                       f"{name}:{first_line}", ids))
                run = []
            if y is not None:
                run.append(y)
    return out


def _from_members(members: list, name: str, report: LoadReport, crosswalk: Crosswalk,
                  vocab: Vocabulary) -> Iterator[TreatySpell]:
    """ATOP member rows: every two members of one alliance form a dyad while both are in it.

    The dyad carries an obligation when either member undertook it.
    """
    by_alliance: dict[str, list] = {}
    for m in members:
        by_alliance.setdefault(m[0], []).append(m)
    for aid, ms in sorted(by_alliance.items()):
        for (_, ca, sa, ea, ta, la), (_, cb, sb, eb, tb, lb) in itertools.combinations(ms, 2):
            if ca == cb:
                continue
            start = max(sa, sb, key=lambda d: (d[0], d[1] or 0, d[2] or 0))
            ends = [e for e in (ea, eb) if e]
            end = min(ends, key=lambda d: (d[0], d[1] or 12, d[2] or 31)) if ends else None
            if end and _end_date(*end) < _start_date(*start):
                continue  # the two were never members at the same time
            types = tuple(sorted(set(ta) | set(tb)))
            if not types:
                report.no_obligation += 1
                continue
            yield from _from_intervals([_Interval(ca, cb, types, start, end, aid, min(la, lb))], name, report,
                                       crosswalk, vocab)

