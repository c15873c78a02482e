"""The datasets the project reads (never bundles or downloads): what they are and how to cite them."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["DatasetInfo", "DATASETS", "TREATY_DATASETS", "EVENT_DATASETS", "version_problem"]

_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,39}")


def version_problem(version: str) -> str | None:
    """Why ``version`` cannot name a dataset version (it becomes part of an IRI), or ``None``.

    >>> version_problem("4.1"), version_problem("5.1-beta")
    (None, None)
    >>> print(version_problem('4 "1" <x>'))
    version '4 "1" <x>' is not usable: up to 40 letters, digits and . _ + - (starting with a letter or digit)
    """
    if _VERSION.fullmatch(version):
        return None
    shown = version if len(version) <= 60 else version[:59] + "…"
    return (f"version {shown!r} is not usable: up to 40 letters, digits and . _ + - "
            "(starting with a letter or digit)")


@dataclass(frozen=True)
class DatasetInfo:
    """What the user needs to know about a dataset: where it lives and how to cite it."""

    key: str
    title: str
    version: str
    coverage: str
    where: str
    citation: str
    kind: str = "treaty"  # "treaty": formal alliances (COW, ATOP); "event": coded event data (GDELT, POLECAT, ICEWS)


DATASETS: dict[str, DatasetInfo] = {
    "cow": DatasetInfo(
        key="cow",
        title="Correlates of War Formal Alliances",
        version="4.1",
        coverage="1816-2012",
        where="the Correlates of War project website, Formal Alliances page (https://correlatesofwar.org/data-sets/formal-alliances/)",
        citation="Gibler, Douglas M. 2009. International Military Alliances, 1648-2008. CQ Press.",
    ),
    "atop": DatasetInfo(
        key="atop",
        title="Alliance Treaty Obligations and Provisions (ATOP)",
        version="5.1",
        coverage="1815-2018",
        where="the ATOP website (http://www.atopdata.org/)",
        citation=("Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. 2002. "
                  "\"Alliance Treaty Obligations and Provisions, 1815-1944.\" International Interactions 28: 237-260."),
    ),
    "gdelt": DatasetInfo(
        key="gdelt",
        title="GDELT Event Database",
        version="2.0",
        coverage="1979-today (1.0), 2015-today (2.0), machine-coded from world news",
        where="the GDELT Project (https://www.gdeltproject.org/data.html): GDELT 2.0 Events *.export.CSV.zip "
              "(15-minute files) or GDELT 1.0 daily files YYYYMMDD.export.CSV.zip",
        citation=("Leetaru, Kalev, and Philip A. Schrodt. 2013. \"GDELT: Global Data on Events, Location, and Tone, "
                  "1979-2012.\" Paper presented at the International Studies Association Annual Convention, San Francisco."),
        kind="event",
    ),
    "polecat": DatasetInfo(
        key="polecat",
        title="POLECAT Weekly Data (PLOVER)",
        version="unversioned",
        coverage="2018-today, machine-coded from world news, weekly files",
        where="Harvard Dataverse, POLECAT Weekly Data (https://doi.org/10.7910/DVN/AJGVIT)",
        citation=("Halterman, Andrew, Philip A. Schrodt, Andreas Beger, Benjamin E. Bagozzi, and Grace I. Scarborough. "
                  "2023. \"Creating Custom Event Data Without Dictionaries: A Bag-of-Tricks.\" arXiv:2304.01331. "
                  "Data: POLECAT Weekly Data, Harvard Dataverse, https://doi.org/10.7910/DVN/AJGVIT."),
        kind="event",
    ),
    "icews": DatasetInfo(
        key="icews",
        title="ICEWS Coded Event Data",
        version="unversioned",
        coverage="1995-2023, machine-coded from news stories (CAMEO), daily/yearly files",
        where="Harvard Dataverse, ICEWS Coded Event Data (https://doi.org/10.7910/DVN/28075)",
        citation=("Boschee, Elizabeth, Jennifer Lautenschlager, Sean O'Brien, Steve Shellman, James Starz, and "
                  "Michael Ward. 2015. \"ICEWS Coded Event Data.\" Harvard Dataverse. https://doi.org/10.7910/DVN/28075."),
        kind="event",
    ),
}

TREATY_DATASETS = tuple(k for k, d in DATASETS.items() if d.kind == "treaty")
EVENT_DATASETS = tuple(k for k, d in DATASETS.items() if d.kind == "event")
