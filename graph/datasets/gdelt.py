"""GDELT Events files → events.

GDELT 2.0 Events exports (``*.export.CSV``, 15-minute files) have 61
tab-separated columns and no header; GDELT 1.0 daily files have 57 columns
(58 from April 2013, when SOURCEURL was added).  The two differ only in the
geography blocks (2.0 adds an ADM2 code to each), so the actor and event
columns are the same and the source URL is the last column.  A header row
(as in BigQuery exports) is recognised by its first field and skipped.

Actors: a side is an organisation when its known-group code names one of the
ontology (``ontology/events/actors.csv``); otherwise a state when it has a
country code that is (or maps to) a state of the ontology and every actor type
code on it acts for the state (government, military, …) — rebels, media,
businesses, ethnic or religious groups are not actors.

Confidence comes from GDELT's own signals: the number of distinct sources and
of articles that reported the event, ``0.4 + 0.1·log2(sources) +
0.05·log2(articles)``, at most 0.9 (one article from one source: 0.4).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from .event_records import Event, EventReport
from .files import RowStream
from .mapping import ActorTable, CameoTable

__all__ = ["LAYOUTS", "detect_layout", "read_gdelt", "gdelt_confidence"]

LAYOUTS = {61: "2.0", 58: "1.0", 57: "1.0"}
_ID, _DATE, _CODE, _SOURCES, _ARTICLES = 0, 1, 26, 32, 33
_A1, _A2 = 5, 15  # ActorNCode; +2 country, +3 known group, +4 ethnic, +5/+6 religion, +7..+9 types


def gdelt_confidence(sources: int, articles: int) -> float:
    """Confidence of a GDELT event from its number of sources and articles.

    >>> gdelt_confidence(1, 1), gdelt_confidence(2, 4), gdelt_confidence(50, 400)
    (0.4, 0.6, 0.9)
    """
    s, a = max(1, sources), max(1, articles)
    return round(min(0.9, 0.4 + 0.1 * math.log2(s) + 0.05 * math.log2(a)), 3)


def detect_layout(first_line: str) -> tuple[str, int, bool]:
    """``(version, columns, has_header)`` from the first line, or ValueError saying why not."""
    fields = first_line.rstrip("\r\n").split("\t")
    header = fields[0].strip().upper() == "GLOBALEVENTID"
    n = len(fields)
    if n not in LAYOUTS:
        hint = ""
        low = first_line.casefold()
        if "event id" in low and "recipient" in low:
            hint = " (this looks like a POLECAT file: use 'ingest-dataset polecat')"
        elif "event id" in low and "cameo code" in low:
            hint = " (this looks like an ICEWS file: use 'ingest-dataset icews')"
        raise ValueError(f"not a GDELT events file: {n} tab-separated columns on the first line "
                         f"(GDELT 2.0 has 61, GDELT 1.0 has 57 or 58){hint}")
    return LAYOUTS[n], n, header


def read_gdelt(stream: RowStream, cameo: CameoTable, actors: ActorTable, report: EventReport) -> Iterator[Event]:
    """The mapped events between two actors of the ontology, counting everything left out in ``report``."""
    first = stream.first_line()
    if not first:
        raise ValueError("file is empty")
    version, ncols, header = detect_layout(first)
    report.version = version
    report.layout = f"GDELT {version}, {ncols} columns"
    url_col = ncols - 1 if ncols in (58, 61) else None
    label = f"GDELT {version} event"
    side_cache: dict[tuple[str, ...], str | None] = {}
    rules = cameo.rules
    country = actors.country
    groups = actors.groups
    agents = actors.agents

    def side(row: list[str], at: int) -> str | None:
        key = tuple(row[at + 2:at + 10])
        try:
            return side_cache[key]
        except KeyError:
            pass
        code_country, group, ethnic, rel1, rel2, t1, t2, t3 = key
        found: str | None = None
        if group:
            found = groups.get(group)
        elif code_country and not (ethnic or rel1 or rel2) and all(agents.get(t, False) for t in (t1, t2, t3) if t):
            found = country(code_country)
        if len(side_cache) < 100_000:
            side_cache[key] = found
        return found

    tabs = ncols - 1
    for line, text in stream.lines():
        if header and line == 1:
            continue
        report.rows += 1
        if text.count("\t") != tabs:
            report.bad_row(line, f"{text.count(chr(9)) + 1} fields, expected {ncols} (GDELT {version})")
            continue
        code = text.split("\t", _CODE + 1)[_CODE]  # most rows stop here: their code maps to no relation
        rule = rules.get(code) or report.cameo(rules, code, line, "event code")
        if rule is None:
            continue
        row = text.split("\t", _ARTICLES + 1)  # the columns up to NumArticles; the URL is the last field
        a, b = side(row, _A1), side(row, _A2)
        if not report.pair(a, b, row[_A1] or row[_A1 + 2], row[_A2] or row[_A2 + 2]):
            continue
        assert a is not None and b is not None
        date = _date(row[_DATE])
        if date is None:
            report.bad_row(line, f"SQLDATE {row[_DATE]!r} is not a date YYYYMMDD")
            continue
        try:
            sources, articles = int(row[_SOURCES] or 1), int(row[_ARTICLES] or 1)
            if not (0 <= sources < 10**9 and 0 <= articles < 10**9):
                raise ValueError("out of range")
        except ValueError:
            report.bad_row(line, f"NumSources/NumArticles {row[_SOURCES][:20]!r}/{row[_ARTICLES][:20]!r} are not "
                                 "counts")
            continue
        url = text[text.rfind("\t") + 1:].strip() if url_col is not None else ""
        s, o = (b, a) if rule.reverse else (a, b)
        yield Event(line, row[_ID], s, o, rule, date, url or None, gdelt_confidence(sources, articles),
                    f"{label} {row[_ID]}: {row[_A1] or a} → {row[_A2] or b}, {rule.label}"
                    f" ({rule.meaning}); {sources} source{'s' if sources != 1 else ''}, "
                    f"{articles} article{'s' if articles != 1 else ''}")


def _date(v: str) -> str | None:
    if len(v) == 8 and v.isdigit() and "01" <= v[4:6] <= "12" and "01" <= v[6:8] <= "31":
        return f"{v[:4]}-{v[4:6]}-{v[6:8]}"
    return None
