"""Periods of time for the analysis: ``--since``/``--until`` and each side of ``--compare``.

Apart from ``graph.analysis`` so that the CLI can check a date option while
it parses the command line without importing networkx and scipy.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from .errors import AllianceGraphError

__all__ = ["Period", "parse_period"]

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _first_day(value: str) -> str:
    """The first day a (partial) ISO date covers.

    >>> _first_day("2021"), _first_day("2021-06"), _first_day("2021-06-23")
    ('2021-01-01', '2021-06-01', '2021-06-23')
    """
    return value + "-01-01"[len(value) - 4 :] if len(value) < 10 else value[:10]


def _last_day(value: str) -> str:
    """The last day a (partial) ISO date covers.

    >>> _last_day("2020"), _last_day("2020-02"), _last_day("2020-02-03")
    ('2020-12-31', '2020-02-29', '2020-02-03')
    """
    if len(value) == 4:
        return value + "-12-31"
    if len(value) == 7:
        year, month = int(value[:4]), int(value[5:7])
        return f"{value}-{calendar.monthrange(year, month)[1]:02d}"
    return value[:10]


def _check_date(value: str) -> str:
    value = value.strip()
    if not _DATE.match(value):
        raise AllianceGraphError(f"{value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    month_ok = len(value) == 4 or 1 <= int(value[5:7]) <= 12
    day_ok = len(value) < 10 or (month_ok and 1 <= int(value[8:10]) <= int(_last_day(value[:7])[8:]))
    if not (month_ok and day_ok):
        raise AllianceGraphError(f"{value!r} is not a valid date")
    return value


@dataclass(frozen=True)
class Period:
    """A span of days, either end open: claims whose date falls in it.

    A partial date counts as its first day (a claim dated ``2021-06`` is on
    2021-06-01); undated claims fall in no period.

    >>> Period.between("2019", "2020").contains("2020-12-31")
    True
    >>> Period.between(since="2021-03").contains("2021")
    False
    """

    start: str | None = None  # first day, inclusive
    end: str | None = None  # last day, inclusive
    label: str = "all dates"

    @classmethod
    def between(cls, since: str | None = None, until: str | None = None) -> Period:
        start = _first_day(_check_date(since)) if since else None
        end = _last_day(_check_date(until)) if until else None
        if start and end and start > end:
            raise AllianceGraphError(f"period starts ({since}) after it ends ({until})")
        if since and until:
            label = since if since == until else f"{since}..{until}"
        elif since:
            label = f"{since}.."
        elif until:
            label = f"..{until}"
        else:
            label = "all dates"
        return cls(start, end, label)

    @property
    def open(self) -> bool:
        return self.start is None and self.end is None

    def contains(self, date: str | None) -> bool:
        if self.open:
            return True
        if not date:
            return False
        day = _first_day(date)
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


def parse_period(text: str) -> Period:
    """One side of ``--compare``: ``2019``, ``2019-06``, ``2019-06-30``, or a range with ``..``.

    A single date means all the days it covers; either end of a range may be
    left open (``..2020`` is everything up to the end of 2020).

    >>> parse_period("2019")
    Period(start='2019-01-01', end='2019-12-31', label='2019')
    >>> parse_period("2021-03..")
    Period(start='2021-03-01', end=None, label='2021-03..')
    """
    text = text.strip()
    if ".." in text:
        since, _, until = text.partition("..")
        if not since and not until:
            raise AllianceGraphError(f"period {text!r} has neither start nor end")
        return Period.between(since or None, until or None)
    return Period.between(text, text)
