"""Publication dates as people and feeds write them, read into ISO 8601 (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``).

ISO dates and datetimes are read as written (the date part, without
converting the time zone); other forms ("4 April 2023", "April 4, 2023",
"Tue, 04 Apr 2023 10:30:00 +0000" as RSS writes them) by python-dateutil.
A date that gives no year, or two numbers either of which could be the
month ("04/05/2023"), is not guessed.  ``read_date`` raises ``DateProblem``
with the reason; the loaders then keep the article undated and warn.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

__all__ = ["DateProblem", "read_date"]

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ]\d{2}:\d{2}.*)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
_FAR = (dt.datetime(1, 1, 1), dt.datetime(2, 2, 2))  # two defaults: what differs was not in the text


class DateProblem(ValueError):
    """A value that is not a date this module reads; ``str()`` says why."""


def read_date(value: Any) -> str | None:
    """``value`` as an ISO date; ``None`` when there is no value.

    >>> [read_date(v) for v in ("2023-04-04", "2023-04-04T10:30:00+02:00", "2023-04", dt.date(2023, 4, 4))]
    ['2023-04-04', '2023-04-04', '2023-04', '2023-04-04']
    >>> [read_date(v) for v in ("4 April 2023", "April 4, 2023", "Tue, 04 Apr 2023 23:30:00 -0500", "April 2023")]
    ['2023-04-04', '2023-04-04', '2023-04-04', '2023-04']
    >>> read_date("unknown")
    Traceback (most recent call last):
    ...
    graph.dates.DateProblem: date 'unknown' is not a date
    >>> read_date("04/05/2023")
    Traceback (most recent call last):
    ...
    graph.dates.DateProblem: date '04/05/2023' is ambiguous (day and month could be either way); write 2023-05-04 or 4 May 2023
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = " ".join(str(value).split())
    if not text:
        raise DateProblem("date is empty")
    shown = text if len(text) <= 60 else text[:59] + "…"
    if len(text) > 100:  # no date is written this long; spare the parser hostile input
        raise DateProblem(f"date {shown!r} is not a date")
    m = _ISO.match(text)
    if m:
        year, month, day = (int(g) if g else None for g in m.groups())
        try:
            dt.date(year or 1, month or 1, day or 1)
        except ValueError:
            raise DateProblem(f"date {shown!r} is not a valid date") from None
        return text[: 10 if day else 7 if month else 4]
    n = _NUMERIC.match(text)
    if n and int(n.group(1)) <= 12 and int(n.group(2)) <= 12 and n.group(1).lstrip("0") != n.group(2).lstrip("0"):
        first, second, year_text = n.groups()
        year = int(year_text) if len(year_text) == 4 else 2000 + int(year_text)
        raise DateProblem(f"date {shown!r} is ambiguous (day and month could be either way); "
                          f"write {year}-{int(second):02d}-{int(first):02d} or "
                          f"{int(first)} {dt.date(2000, int(second), 1):%B} {year}")
    return _written(text, shown)


def _written(text: str, shown: str) -> str:
    from dateutil import parser

    try:
        a, b = (parser.parse(text, default=d) for d in _FAR)
    except (ValueError, OverflowError):
        raise DateProblem(f"date {shown!r} is not a date") from None
    if a.year != b.year:
        raise DateProblem(f"date {shown!r} has no year")
    if a.month != b.month:
        return f"{a.year:04d}"
    if a.day != b.day:
        return f"{a.year:04d}-{a.month:02d}"
    return a.date().isoformat()
