"""Benchmark `alliances ingest-dataset gdelt`: rows/s and peak memory on generated GDELT 2.0 files.

Generates GDELT 2.0 Events files in the real layout (61 tab-separated columns,
no header; our own rows, shaped like a day of GDELT: mostly statements and
meetings, many domestic or non-state actors, a few states and organisations,
each source URL repeated over several events), then runs the CLI on an
on-disk store in a child process, several times, and prints the medians:
rows/s and the child's peak RSS.  The anchor, in the same run: a child that
only reads and splits the same file's rows (what any reader must do), so
the ratio says what mapping, collapsing and writing cost on top.

    python scripts/bench_events.py                   # 200,000 rows, then 10x (2,000,000)
    python scripts/bench_events.py --rows 20000 --scale 1 --runs 1
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.eventfiles import GDELT2_COLUMNS  # noqa: E402  (the layout the tests use)

STATES = ["USA", "RUS", "CHN", "FRA", "DEU", "GBR", "IND", "IRN", "ISR", "UKR", "TUR", "JPN", "KOR", "PRK", "BRA",
          "ZAF", "NGA", "EGY", "SAU", "PAK", "AFG", "SYR", "IRQ", "VEN", "CUB", "MEX", "CAN", "AUS", "POL", "ITA"]
GROUPS = ["NAT", "EEC", "UNO", "ASN", "HMS", "TAL"]  # the last two are not actors of the ontology
TYPES = ["", "GOV", "GOV", "MIL", "REB", "BUS", "MED", "CVL", "OPP", "JUD"]
# event codes with weights roughly like a day of GDELT: statements (01), appeals, consultations (04)
# dominate; the mapped codes are a minority
CODES = [("010", 20), ("036", 6), ("040", 10), ("042", 4), ("043", 4), ("046", 5), ("051", 4), ("057", 2),
         ("061", 2), ("062", 1), ("071", 1), ("111", 5), ("112", 5), ("120", 2), ("138", 1), ("163", 1),
         ("173", 5), ("190", 4), ("020", 8), ("1312", 1)]


def _actor(rng: random.Random) -> tuple[str, str, str, str]:
    """(code, country, known group, type) of one side."""
    if rng.random() < 0.08:
        g = rng.choice(GROUPS)
        return g, "", g, "IGO"
    c = rng.choice(STATES)
    t = rng.choice(TYPES)
    return c + t, c, "", t


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """A gzipped GDELT 2.0 export of ``rows`` rows."""
    rng = random.Random(seed)
    codes, weights = zip(*CODES, strict=True)
    index = {c: i for i, c in enumerate(GDELT2_COLUMNS)}
    blank = [""] * len(GDELT2_COLUMNS)
    url_id = 0
    previous: list[str] | None = None
    with gzip.open(path, "wt", encoding="utf-8", newline="\n", compresslevel=1) as f:
        for i in range(rows):
            if previous is not None and rng.random() < 0.15:  # GDELT repeats an event of a story
                row = previous[:]
                row[index["GLOBALEVENTID"]] = str(1_000_000_000 + i)
                f.write("\t".join(row) + "\n")
                continue
            if rng.random() < 0.25:  # a new story every ~4 events
                url_id += 1
            row = blank[:]
            day = f"202401{1 + (i * 28 // rows):02d}"
            a1, a2 = _actor(rng), _actor(rng)
            if rng.random() < 0.35:  # domestic events: both sides of one country
                a2 = (a1[1] + "GOV", a1[1], "", "GOV") if a1[1] else a2
            code = rng.choices(codes, weights)[0]
            for n, (acode, country, group, typ) in (("1", a1), ("2", a2)):
                row[index[f"Actor{n}Code"]] = acode
                row[index[f"Actor{n}Name"]] = acode
                row[index[f"Actor{n}CountryCode"]] = country
                row[index[f"Actor{n}KnownGroupCode"]] = group
                row[index[f"Actor{n}Type1Code"]] = typ
                row[index[f"Actor{n}Geo_Type"]] = "1"
                row[index[f"Actor{n}Geo_FullName"]] = "Somewhere"
            sources = rng.choice((1, 1, 1, 2, 3, 5))
            row[index["GLOBALEVENTID"]] = str(1_000_000_000 + i)
            row[index["SQLDATE"]] = day
            row[index["MonthYear"]] = day[:6]
            row[index["Year"]] = day[:4]
            row[index["FractionDate"]] = "2024.0110"
            row[index["IsRootEvent"]] = "1"
            row[index["EventCode"]] = code
            row[index["EventBaseCode"]] = code[:3]
            row[index["EventRootCode"]] = code[:2]
            row[index["QuadClass"]] = "1"
            row[index["GoldsteinScale"]] = "3.0"
            row[index["NumMentions"]] = str(sources * 2)
            row[index["NumSources"]] = str(sources)
            row[index["NumArticles"]] = str(sources * 2)
            row[index["AvgTone"]] = "-1.25"
            row[index["ActionGeo_Type"]] = "1"
            row[index["ActionGeo_FullName"]] = "Somewhere"
            row[index["DATEADDED"]] = day + "121500"
            row[index["SOURCEURL"]] = f"https://news.example/{url_id % 40000}/story-{url_id}.html"
            f.write("\t".join(row) + "\n")
            previous = row


def _child(args: list[str]) -> tuple[float, int, str]:
    """Run a child process: (wall seconds, peak RSS in MiB, stderr)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"child failed ({proc.returncode}): {' '.join(args)}\n{err[-2000:]}")
    return seconds, usage.ru_maxrss // 1024, err


PARSE = ("import gzip, sys\n"
         "n = 0\n"
         "with gzip.open(sys.argv[1], 'rt', encoding='utf-8', errors='replace', newline='') as f:\n"
         "    for line in f:\n"
         "        row = line.rstrip('\\r\\n').split('\\t'); n += len(row) == 61\n"
         "print(n, file=sys.stderr)\n")


def measure(path: Path, rows: int, runs: int, work: Path) -> dict[str, float]:
    ingest, parse, peaks, parse_peaks = [], [], [], []
    claims = ""
    for _ in range(runs):
        store = work / "store"
        shutil.rmtree(store, ignore_errors=True)
        s, peak, err = _child([sys.executable, "-m", "graph", "ingest-dataset", "gdelt", str(path), "--store", str(store)])
        ingest.append(s)
        peaks.append(peak)
        claims = next((line for line in err.splitlines() if "event claims written" in line), "")
        s, peak, _ = _child([sys.executable, "-c", PARSE, str(path)])
        parse.append(s)
        parse_peaks.append(peak)
    t_ing, t_parse = statistics.median(ingest), statistics.median(parse)
    print(f"  {claims.split(': ', 1)[-1][:160]}")
    print(f"  ingest (CLI, on-disk store): median {t_ing:.2f} s = {rows / t_ing:,.0f} rows/s, "
          f"peak RSS median {statistics.median(peaks):,.0f} MiB (max {max(peaks):,})  [runs: "
          + ", ".join(f"{x:.2f}" for x in ingest) + "]")
    print(f"  anchor (read and split rows only): median {t_parse:.2f} s = {rows / t_parse:,.0f} rows/s, "
          f"peak RSS {statistics.median(parse_peaks):,.0f} MiB")
    print(f"  ratio ingest/anchor time: {t_ing / t_parse:.2f}x")
    return {"rate": rows / t_ing, "peak": statistics.median(peaks)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--scale", type=int, default=10, help="also run a file this many times larger (1: skip)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--big-runs", type=int, default=1)
    args = ap.parse_args()
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="bench-events-") as tmp:
        work = Path(tmp)
        sizes = [(args.rows, args.runs)] + ([(args.rows * args.scale, args.big_runs)] if args.scale > 1 else [])
        results = []
        for rows, runs in sizes:
            path = work / f"{rows}.export.CSV.gz"
            t = time.perf_counter()
            generate(path, rows)
            print(f"{rows:,} rows of GDELT 2.0 ({path.stat().st_size / 2**20:,.0f} MiB gzipped, "
                  f"generated in {time.perf_counter() - t:.0f} s), {runs} run(s):")
            results.append(measure(path, rows, runs, work))
            path.unlink()
        if len(results) == 2:
            a, b = results
            print(f"{args.scale}x larger file: rate ratio {b['rate'] / a['rate']:.2f}, "
                  f"peak RSS ratio {b['peak'] / a['peak']:.2f}")


if __name__ == "__main__":
    main()
