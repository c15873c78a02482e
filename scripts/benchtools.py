"""Helpers of the benchmark scripts: time whole processes, alternate them with their anchor, print ratios of medians.

Everything is timed as a user meets it: a fresh process (``alliances ...``
through ``python -m graph``), the default on-disk store, medians of runs that
alternate with the anchor's runs so that the machine's load falls on both.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def cli(*args: object) -> list[str]:
    """The command line of ``alliances ARGS`` (the installed package, as the console script runs it)."""
    return [sys.executable, "-m", "graph", *map(str, args)]


def run(argv: Sequence[str], *, cwd: Path | None = None, ok: Sequence[int] = (0,),
        env: dict[str, str] | None = None) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    """Run a process to its end; return its wall-clock seconds and the result (stops the benchmark on a failure)."""
    t0 = time.perf_counter()
    done = subprocess.run(list(argv), cwd=cwd, capture_output=True, env=env)
    elapsed = time.perf_counter() - t0
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(map(str, argv))[:200]} failed ({done.returncode}): {done.stderr.decode()[-800:]}")
    return elapsed, done


def alternate(cases: dict[str, Callable[[], float]], runs: int) -> dict[str, list[float]]:
    """Run each case ``runs`` times, round-robin; each call returns the seconds it measured."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, fn in cases.items():
            times[name].append(fn())
    return times


def med(xs: Sequence[float]) -> float:
    return statistics.median(xs)


def line(label: str, xs: Sequence[float], unit: str = "s") -> str:
    return f"{label:<58} median {med(xs):8.3f} {unit}   runs: {', '.join(f'{x:.3f}' for x in xs)}"


def ratio(label: str, ours: Sequence[float], anchor: Sequence[float], target: float | None = None) -> str:
    r = med(ours) / med(anchor)
    verdict = "" if target is None else (f"   (target <= {target}: {'met' if r <= target else 'NOT met'})")
    return f"{label:<58} ratio  {r:8.2f}x{verdict}"


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"machine: {os.cpu_count()} cores, load average {load}; {time.strftime('%Y-%m-%d %H:%M')} UTC"
