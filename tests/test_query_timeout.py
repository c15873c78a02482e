"""``alliances query`` has a time limit (issue 12, item 13).

Oxigraph cannot be interrupted from Python, so a query over the limit ends
the process with one line; the store (read through a snapshot) is untouched.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ENDLESS = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # a count over 10^12 rows: no memory, no end


def bounded() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


def alliances(*args: object, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "graph", *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, preexec_fn=bounded, stdin=subprocess.DEVNULL)


def test_a_query_over_the_time_limit_is_stopped_on_one_line(run, tmp_path: Path, facts_file: Path) -> None:
    store = tmp_path / "store"
    assert run("ingest", facts_file, "--store", store, "--no-extract").exit_code == 0
    start = time.monotonic()
    result = alliances("query", ENDLESS, "--store", store, "--timeout", "2", cwd=tmp_path)
    took = time.monotonic() - start
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "Error: query stopped: it ran longer than the time limit (2 s); raise --timeout or ask for less"]
    assert took < 60
    # the store is as it was, and a quick query is answered within the limit
    quick = alliances("query", "SELECT (COUNT(*) AS ?n) { ?c a ag:Claim }", "--store", store, "--timeout", "30",
                      "--format", "json", cwd=tmp_path)
    assert quick.returncode == 0, quick.stderr
    assert json.loads(quick.stdout)["results"]["bindings"][0]["n"]["value"] == "3"


def test_the_time_limit_has_a_default(run) -> None:
    result = run("query", "--help")
    assert "--timeout FLOAT RANGE" in result.stdout and "[default: 120.0; x>=0]" in result.stdout
