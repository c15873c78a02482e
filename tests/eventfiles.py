"""Event files in the real layouts of GDELT 2.0 / 1.0, POLECAT and ICEWS, written for the tests.

The rows are our own, shaped like the public files: GDELT 2.0 Events exports
have 61 tab-separated columns and no header (GDELT 1.0 daily files 57, or 58
with SOURCEURL); POLECAT and ICEWS files are tab-separated with a header row.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

GDELT_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
               "Type1Code", "Type2Code", "Type3Code")
GDELT_GEO2 = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
GDELT2_COLUMNS = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(f"Actor1{c}" for c in GDELT_ACTOR), *(f"Actor2{c}" for c in GDELT_ACTOR),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"Actor1Geo_{c}" for c in GDELT_GEO2), *(f"Actor2Geo_{c}" for c in GDELT_GEO2),
    *(f"ActionGeo_{c}" for c in GDELT_GEO2), "DATEADDED", "SOURCEURL",
)
assert len(GDELT2_COLUMNS) == 61
GDELT1_COLUMNS = tuple(c for c in GDELT2_COLUMNS if not c.endswith("ADM2Code"))  # 58 with SOURCEURL
assert len(GDELT1_COLUMNS) == 58

POLECAT_COLUMNS = (
    "Event ID", "Event Date", "Event Type", "Event Mode", "Intensity", "Quad Code", "Contexts", "Actor Name",
    "Actor Country", "Actor COW", "Primary Actor Sector", "Actor Sectors", "Actor Title", "Actor Name Raw",
    "Wikipedia Actor ID", "Recipient Name", "Recipient Country", "Recipient COW", "Primary Recipient Sector",
    "Recipient Sectors", "Recipient Title", "Recipient Name Raw", "Wikipedia Recipient ID", "Placename", "City",
    "District", "Province", "Country", "Latitude", "Longitude", "GeoNames ID", "Raw Placename", "Feature Type",
    "Source", "Publication Date", "Story People", "Story Organizations", "Story Locations", "Language", "Version",
)
ICEWS_COLUMNS = (
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text", "CAMEO Code",
    "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID", "Sentence Number", "Publisher",
    "City", "District", "Province", "Country", "Latitude", "Longitude",
)


def gdelt_row(event_id: int, date: str, a1: str, a2: str, code: str, *, url: str = "", sources: int = 1,
              articles: int = 1, version: str = "2.0", **fields: str) -> str:
    """One GDELT row; ``a1``/``a2`` are 'USA', 'USAGOV', 'USAREB' (country + type) or 'NAT' (a known group code)."""
    values = dict.fromkeys(GDELT2_COLUMNS, "")
    values.update(GLOBALEVENTID=str(event_id), SQLDATE=date, MonthYear=date[:6], Year=date[:4],
                  FractionDate=f"{date[:4]}.0000", IsRootEvent="1", EventCode=code, EventBaseCode=code[:3],
                  EventRootCode=code[:2], QuadClass="1", GoldsteinScale="1.0", NumMentions=str(articles),
                  NumSources=str(sources), NumArticles=str(articles), AvgTone="0.5", DATEADDED=date + "120000",
                  SOURCEURL=url)
    for n, code_ in (("1", a1), ("2", a2)):
        values[f"Actor{n}Code"] = code_
        values[f"Actor{n}Name"] = code_
        if len(code_) == 3 and code_ in ("NAT", "EEC", "UNO", "HMS", "AFU", "WAS", "GOS", "SHA", "OAU"):
            values[f"Actor{n}KnownGroupCode"] = code_
        else:
            values[f"Actor{n}CountryCode"] = code_[:3]
            values[f"Actor{n}Type1Code"] = code_[3:6]
    values.update(fields)
    columns = GDELT2_COLUMNS if version == "2.0" else GDELT1_COLUMNS
    row = [values[c] for c in columns]
    if version == "1.0-57":
        row = row[:-1]
    return "\t".join(row)


def table(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    lines = ["\t".join(columns)]
    lines += ["\t".join(r.get(c, "") for c in columns) for r in rows]
    return "\n".join(lines) + "\n"


def write(path: Path, text: str, how: str = "plain") -> Path:
    """Write ``text`` plain, gzipped (``.gz``) or as the one member of a zip (``.zip``)."""
    data = text.encode("utf-8")
    if how == "gz":
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(data))
    elif how == "zip":
        path = path.with_name(path.name + ".zip")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(path.name[:-4], data)
        path.write_bytes(buf.getvalue())
    else:
        path.write_bytes(data)
    return path
