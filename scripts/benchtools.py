"""Helpers of the benchmark scripts: time whole processes, alternate them with their anchor, print ratios of medians.

Everything is timed as a user meets it: a fresh process (``alliances ...``
through ``python -m graph``), the default on-disk store, medians of runs that
alternate with the anchor's runs so that the machine's load falls on both.

Two things a user's machine has that a test machine may not: the package's
bytecode (pip writes it when installing; an editable install writes it on the
first run, unless ``PYTHONDONTWRITEBYTECODE`` is set, which then makes every
run compile the CLI from source): ``cli()`` compiles it once; and a machine
of its own: each run also records the process's CPU seconds
(user + system), which another agent's load inflates much less than the
wall clock, and ``line()`` prints both.
"""

from __future__ import annotations

import compileall
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


class Seconds(float):
    """Wall-clock seconds of one run, with the CPU seconds (user + system) of its process in ``cpu``."""

    cpu: float | None = None

    def __new__(cls, wall: float, cpu: float | None = None) -> Seconds:
        x = super().__new__(cls, wall)
        x.cpu = cpu
        return x


_compiled = False


def cli(*args: object) -> list[str]:
    """The command line of ``alliances ARGS`` (the installed package, as the console script runs it).

    The first call compiles the package's bytecode, as installing it does.
    """
    global _compiled
    if not _compiled:
        import graph

        compileall.compile_dir(str(Path(graph.__file__).parent), quiet=1)
        _compiled = True
    return [sys.executable, "-m", "graph", *map(str, args)]


def run(argv: Sequence[str], *, cwd: Path | None = None, ok: Sequence[int] = (0,),
        env: dict[str, str] | None = None) -> tuple[Seconds, subprocess.CompletedProcess[bytes]]:
    """Run a process to its end; return its seconds (wall, and CPU in ``.cpu``) and the result.

    Stops the benchmark on a failure.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(list(argv), cwd=cwd, capture_output=True, env=env)
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(map(str, argv))[:200]} failed ({done.returncode}): {done.stderr.decode()[-800:]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return Seconds(elapsed, cpu), done


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
    """Median and runs; for runs of processes (``Seconds``) also the median CPU seconds."""
    cpus = _cpus(xs)
    cpu = f"   cpu {med(cpus):7.3f} {unit}" if cpus else ""
    return f"{label:<58} median {med(xs):8.3f} {unit}{cpu}   runs: {', '.join(f'{x:.3f}' for x in xs)}"


def _cpus(xs: Sequence[float]) -> list[float]:
    cpus = [x.cpu for x in xs if isinstance(x, Seconds) and x.cpu is not None]
    return cpus if len(cpus) == len(xs) else []


def ratio(label: str, ours: Sequence[float], anchor: Sequence[float], target: float | None = None) -> str:
    """Ratio of the medians (wall clock; and of the CPU seconds when both are runs of processes)."""
    r = med(ours) / med(anchor)
    verdict = "" if target is None else (f"   (target <= {target}: {'met' if r <= target else 'NOT met'})")
    a, b = _cpus(ours), _cpus(anchor)
    cpu = f"   cpu {med(a) / med(b):6.2f}x" if a and b and med(b) > 0 else ""
    return f"{label:<58} ratio  {r:8.2f}x{cpu}{verdict}"


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"machine: {os.cpu_count()} cores, load average {load}; {time.strftime('%Y-%m-%d %H:%M')} UTC"
