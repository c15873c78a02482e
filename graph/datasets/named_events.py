"""POLECAT and ICEWS files → events.  Both are tab-separated with a header row naming their columns.

POLECAT (PLOVER ontology, weekly files on Harvard Dataverse): ``Event ID``,
``Event Date``, ``Event Type``, ``Event Mode``, ``Contexts``, ``Actor Name``,
``Actor Country``, ``Actor Sectors``, ``Recipient Name``, ``Recipient
Country``, ``Recipient Sectors``, …, ``Version``.  The files carry no
confidence score as laid out in the public data; when a file has a
``Confidence`` column it is used, otherwise a POLECAT event counts 0.5 (one
machine-coded story).  The locator is the ``Story ID`` when there is one,
else the ``Event ID``.

ICEWS (CAMEO, Harvard Dataverse): ``Event ID``, ``Event Date``, ``Source
Name``, ``Source Sectors``, ``Source Country``, ``Event Text``, ``CAMEO
Code``, ``Intensity``, ``Target Name``, ``Target Sectors``, ``Target
Country``, ``Story ID``, ….  ICEWS gives no confidence: an event counts 0.5.
The locator is the story id.  CAMEO codes that lost their leading zero in a
spreadsheet ("42" for 042, "311" for 0311) are restored.

Actors: an organisation by its name (``NATO``, ``European Union``); a state
when the row names the country itself, or an actor of that country whose
sectors all act for the state (government, military, ministries, …).
"""

from __future__ import annotations

from collections.abc import Iterator

from .catalogue import version_problem
from .event_records import Event, EventReport, iso_date
from .files import RowStream
from .mapping import ActorTable, CameoTable, PloverTable

__all__ = ["POLECAT_COLUMNS", "ICEWS_COLUMNS", "read_polecat", "read_icews", "cameo_code"]

POLECAT_COLUMNS = ("event id", "event date", "event type", "actor name", "actor country", "recipient name",
                   "recipient country")
ICEWS_COLUMNS = ("event id", "event date", "source name", "source country", "cameo code", "target name",
                 "target country", "story id")
DEFAULT_CONFIDENCE = 0.5


def _header(stream: RowStream, required: tuple[str, ...], name: str, other: str) -> tuple[dict[str, int], str]:
    first = stream.first_line()
    if not first:
        raise ValueError("file is empty")
    delimiter = "\t" if "\t" in first else ","
    cols = [c.strip().strip('"').casefold() for c in first.rstrip("\r\n").split(delimiter)]
    index = {c: i for i, c in enumerate(cols) if c}
    missing = [c for c in required if c not in index]
    if missing:
        hint = ""
        if len(cols) in (57, 58, 61):
            hint = " (this looks like a GDELT file: use 'ingest-dataset gdelt')"
        elif all(c in index for c in (POLECAT_COLUMNS if other == "polecat" else ICEWS_COLUMNS)):
            hint = f" (this looks like a {other.upper() if other == 'icews' else 'POLECAT'} file: use 'ingest-dataset {other}')"
        lacks = ", ".join(repr(m.title()) for m in missing)
        raise ValueError(f"not {'an' if name == 'ICEWS' else 'a'} {name} file: the header row lacks {lacks}{hint}")
    return index, delimiter


def _who(row: list[str], name: int, country: int) -> str:
    return f"{row[name]} ({row[country]})" if row[country] else row[name]


Side = tuple[int, int, "int | None"]  # columns of name, country, sectors


def _dyad(row: list[str], line: int, actors: ActorTable, report: EventReport, first: Side, second: Side,
          i_date: int) -> tuple[str, str, str] | None:
    """Both actors and the date of a row, or None (what was wrong counted in ``report``)."""
    found = [actors.named(row[n], row[c], row[s] if s is not None else "") for n, c, s in (first, second)]
    a, b = found
    if not report.pair(a, b, _who(row, first[0], first[1]), _who(row, second[0], second[1])):
        return None
    date = iso_date(row[i_date])
    if date is None:
        report.bad_row(line, f"Event Date {row[i_date]!r} is not a date")
        return None
    assert a is not None and b is not None
    return a, b, date


def cameo_code(code: str) -> str:
    """A CAMEO code with the leading zero a spreadsheet may have dropped put back.

    >>> cameo_code("42"), cameo_code("042"), cameo_code("311"), cameo_code("163"), cameo_code("2041")
    ('042', '042', '0311', '163', '2041')
    """
    c = code.strip()
    if c.endswith(".0"):
        c = c[:-2]
    if len(c) == 2 and c.isdigit():
        return "0" + c
    if len(c) == 3 and c.isdigit() and int(c) > 204:  # CAMEO roots stop at 20: 211-874 are 0211-0874
        return "0" + c
    return c


def read_polecat(stream: RowStream, plover: PloverTable, actors: ActorTable, report: EventReport) -> Iterator[Event]:
    """The mapped POLECAT events between two actors of the ontology; the rest is counted in ``report``."""
    index, delimiter = _header(stream, POLECAT_COLUMNS, "POLECAT", "icews")
    report.layout = f"POLECAT, {len(index)} columns"
    ncols = max(index.values()) + 1
    get = index.get
    i_id, i_date, i_type = index["event id"], index["event date"], index["event type"]
    i_mode, i_ctx, i_ver = get("event mode"), get("contexts"), get("version")
    i_conf, i_story = get("confidence"), get("story id")
    a_name, a_country, a_sect = index["actor name"], index["actor country"], get("actor sectors", get("primary actor sector"))
    r_name, r_country, r_sect = (index["recipient name"], index["recipient country"],
                                 get("recipient sectors", get("primary recipient sector")))
    for line, row in stream.rows(delimiter):
        if line == 1:
            continue
        report.rows += 1
        if len(row) < ncols:
            report.bad_row(line, f"{len(row)} fields, expected {ncols} (POLECAT header)")
            continue
        etype = row[i_type].strip()
        mode = row[i_mode].strip() if i_mode is not None else ""
        contexts = tuple(c.strip().casefold() for c in row[i_ctx].replace(";", ",").split(",")) if i_ctx is not None else ()
        rule = plover.get(etype, mode, contexts)
        if rule is None:
            if not etype:
                report.bad_row(line, "Event Type is empty")
            else:
                report.unmapped[f"PLOVER {etype.upper()}" + (f" mode {mode.lower()}" if mode else "")] += 1
            continue
        found = _dyad(row, line, actors, report, (a_name, a_country, a_sect), (r_name, r_country, r_sect), i_date)
        if found is None:
            continue
        a, b, date = found
        confidence = DEFAULT_CONFIDENCE
        if i_conf is not None and row[i_conf].strip():
            try:
                confidence = float(row[i_conf])
            except ValueError:
                confidence = -1.0
            if not 0.0 <= confidence <= 1.0:
                report.bad_row(line, f"Confidence {row[i_conf]!r} is not a number between 0 and 1")
                continue
        if i_ver is not None and row[i_ver].strip():
            if (problem := version_problem(row[i_ver].strip())) is not None:
                report.bad_row(line, problem)
                continue
            report.versions.add(row[i_ver].strip())
        locator = (row[i_story].strip() if i_story is not None else "") or row[i_id].strip()
        s, o = (b, a) if rule.reverse else (a, b)
        yield Event(line, row[i_id], s, o, rule, date, f"POLECAT {locator}" if locator else None, round(confidence, 3),
                    f"POLECAT event {row[i_id]}: {row[a_name]} → {row[r_name]}, {rule.label} ({rule.meaning})")


def read_icews(stream: RowStream, cameo: CameoTable, actors: ActorTable, report: EventReport) -> Iterator[Event]:
    """The mapped ICEWS events between two actors of the ontology; the rest is counted in ``report``."""
    index, delimiter = _header(stream, ICEWS_COLUMNS, "ICEWS", "polecat")
    report.layout = f"ICEWS, {len(index)} columns"
    ncols = max(index.values()) + 1
    get = index.get
    i_id, i_date, i_code, i_story = index["event id"], index["event date"], index["cameo code"], index["story id"]
    i_text = get("event text")
    s_name, s_country, s_sect = index["source name"], index["source country"], get("source sectors")
    t_name, t_country, t_sect = index["target name"], index["target country"], get("target sectors")
    rules = cameo.rules
    for line, row in stream.rows(delimiter):
        if line == 1:
            continue
        report.rows += 1
        if len(row) < ncols:
            report.bad_row(line, f"{len(row)} fields, expected {ncols} (ICEWS header)")
            continue
        rule = report.cameo(rules, cameo_code(row[i_code]), line, "CAMEO Code")
        if rule is None:
            continue
        found = _dyad(row, line, actors, report, (s_name, s_country, s_sect), (t_name, t_country, t_sect), i_date)
        if found is None:
            continue
        a, b, date = found
        story = row[i_story].strip()
        text = f" ({row[i_text]})" if i_text is not None and row[i_text] else f" ({rule.meaning})"
        s, o = (b, a) if rule.reverse else (a, b)
        yield Event(line, row[i_id], s, o, rule, date, f"ICEWS story {story}" if story else None, DEFAULT_CONFIDENCE,
                    f"ICEWS event {row[i_id]}: {row[s_name]} → {row[t_name]}, {rule.label}{text}")
