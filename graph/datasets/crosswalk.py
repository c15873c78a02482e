"""COW state codes → ISO 3166-1 alpha-3 actors, year by year (``ontology/cow-crosswalk.ttl``)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from ..errors import InputError
from ..vocab import ACTOR, AG, ONTOLOGY_DIR

__all__ = ["CROSSWALK_FILE", "CowPeriod", "Crosswalk", "load_crosswalk"]

CROSSWALK_FILE = "cow-crosswalk.ttl"

@dataclass(frozen=True)
class CowPeriod:
    """The years in which a COW code stands for one ISO actor (``actor`` None: for none)."""

    code: int
    abbr: str
    name: str
    actor: str | None
    from_year: int | None
    to_year: int | None
    former_iso3: str | None = None
    note: str = ""

    def covers(self, year: int) -> bool:
        return (self.from_year is None or self.from_year <= year) and (self.to_year is None or year <= self.to_year)


@dataclass(frozen=True, eq=False)
class Crosswalk:
    """COW state codes → ISO actors, period by period.

    >>> cw = load_crosswalk()
    >>> cw.actor(260, 1970), cw.actor(255, 1995), cw.actor(265, 1970)
    ('DEU', 'DEU', None)
    >>> cw.actor(345, 1960) is None, cw.actor(345, 2010)
    (True, 'SRB')
    """

    periods: dict[int, tuple[CowPeriod, ...]]

    def __contains__(self, code: int) -> bool:
        return code in self.periods

    def period(self, code: int, year: int) -> CowPeriod | None:
        return _period(self, code, year)

    def actor(self, code: int, year: int) -> str | None:
        p = self.period(code, year)
        return p.actor if p else None

    def name(self, code: int) -> str:
        ps = self.periods.get(code)
        return ps[0].name if ps else "?"

    def segments(self, code: int, first: int, last: int) -> list[tuple[int, int, str | None]]:
        """Split the years ``first..last`` by the periods of ``code``: ``(from, to, actor)``."""
        out: list[tuple[int, int, str | None]] = []
        year = first
        while year <= last:
            p = self.period(code, year)
            if p is None:  # a gap in the table: no ISO state until the next period starts
                nxt = min((q.from_year for q in self.periods.get(code, ()) if q.from_year and q.from_year > year),
                          default=last + 1)
                end = min(nxt - 1, last)
                out.append((year, end, None))
            else:
                end = min(p.to_year if p.to_year is not None else last, last)
                out.append((year, end, p.actor))
            year = end + 1
        return out


@functools.lru_cache(maxsize=65536)
def _period(cw: Crosswalk, code: int, year: int) -> CowPeriod | None:
    return next((p for p in cw.periods.get(code, ()) if p.covers(year)), None)


def _int(g: Graph, s: object, p: URIRef) -> int | None:
    v = g.value(s, p)  # type: ignore[arg-type]
    return int(v) if v is not None else None


@functools.lru_cache(maxsize=4)
def load_crosswalk(directory: Path | str = ONTOLOGY_DIR) -> Crosswalk:
    """Read ``cow-crosswalk.ttl`` (built by ``scripts/build_cow_crosswalk.py``)."""
    path = Path(directory) / CROSSWALK_FILE
    g = Graph()
    try:
        g.parse(path, format="turtle")
    except FileNotFoundError:
        raise InputError(path, "crosswalk file is missing (run python scripts/build_cow_crosswalk.py)") from None
    except Exception as e:  # rdflib raises several parser error types
        raise InputError(path, f"not valid Turtle: {e}") from e
    periods: dict[int, list[CowPeriod]] = {}
    for s in g.subjects(RDF.type, AG.CowState):
        code = _int(g, s, AG.cowCode)
        if code is None:
            raise InputError(path, f"{s} has no ag:cowCode")
        for node in g.objects(s, AG.period):
            actor = g.value(node, AG.actor)
            former = g.value(node, AG.formerIso3)
            periods.setdefault(code, []).append(CowPeriod(
                code=code, abbr=str(g.value(s, AG.cowAbbrev) or ""), name=str(g.value(s, RDFS.label) or code),
                actor=str(actor)[len(str(ACTOR)):] if actor is not None else None,
                from_year=_int(g, node, AG.fromYear), to_year=_int(g, node, AG.toYear),
                former_iso3=str(former) if former is not None else None,
                note=str(g.value(node, RDFS.comment) or ""),
            ))
    return Crosswalk({c: tuple(sorted(ps, key=lambda p: p.from_year or 0)) for c, ps in sorted(periods.items())})
