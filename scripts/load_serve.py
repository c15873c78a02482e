"""Load test of ``alliances serve`` on loopback: a bounded burst of concurrent SPARQL requests.

    python scripts/load_serve.py                      # 2,000 requests, 16 at a time, 300 generated articles
    python scripts/load_serve.py --during-ingest      # the same while an ingest writes the store
    python scripts/load_serve.py --store .alliance-graph --requests 500

Prints requests, errors, p50/p99/max latency and throughput.  Only ever talks
to 127.0.0.1; the request count and the wall time (--cap seconds) are bounded.
An update is sent now and then and must be refused (403); anything else that
is not a 200 counts as an error.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

QUERIES = [
    "SELECT ?o WHERE { actor:RUS ag:agreementWith ?o }",
    "SELECT (COUNT(?c) AS ?n) WHERE { ?c a ag:Claim }",
    "ASK { actor:VEN ag:alliedWith actor:RUS }",
    "SELECT ?c ?e WHERE { ?c ag:evidence ?e } LIMIT 50",
    "SELECT ?label WHERE { actor:RUS rdfs:label ?label }",
]
UPDATE = "INSERT DATA { <urn:x> <urn:y> <urn:z> }"
COUNT = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a ag:Claim }"
_readers: dict[int, threading.Thread] = {}  # server pid -> the thread reading its stderr


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    refused_updates: int = 0
    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0
    messages: list[str] = field(default_factory=list)
    claim_counts: list[int] = field(default_factory=list)

    def summary(self) -> str:
        lat = sorted(self.latencies) or [0.0]
        p99 = lat[min(len(lat) - 1, round(0.99 * (len(lat) - 1)))]
        return (f"requests {self.requests}, errors {self.errors}, updates refused {self.refused_updates}, "
                f"p50 {statistics.median(lat) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, max {lat[-1] * 1000:.1f} ms, "
                f"{self.requests / self.wall if self.wall else 0:.0f} requests/s over {self.wall:.1f} s")


def start_server(store: Path, *options: str, timeout: float = 60) -> tuple[subprocess.Popen[str], str]:
    """``alliances serve`` on a free port, at its default address; returns the process and its URL.

    Stops it and exits when that address is not 127.0.0.1.
    """
    proc = subprocess.Popen([sys.executable, "-m", "graph", "serve", "--store", str(store),
                             "--port", "0", "--quiet", *options], cwd=PROJECT,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True)  # type: ignore[union-attr]
    reader.start()
    _readers[proc.pid] = reader
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            if proc.poll() is not None:
                break
            continue
        if m := re.search(r"serving (http://([\d.]+):\d+/)", line):
            if m.group(2) != "127.0.0.1":
                stop_server(proc)
                raise SystemExit(f"serve bound {m.group(2)}, not loopback: refusing to load it")
            return proc, m.group(1)
    stop_server(proc)
    raise SystemExit("alliances serve did not start")


def stop_server(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=15)
    reader = _readers.pop(proc.pid, None)
    if reader is not None:
        reader.join(timeout=15)
    if proc.stderr:
        proc.stderr.close()


def children(pid: int) -> list[int]:
    """Process ids of ``pid``'s children (the Oxigraph servers behind ``serve``), from /proc."""
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def request(url: str, query: str, *, update: bool = False, timeout: float = 30) -> tuple[int, bytes]:
    key = "update" if update else "query"
    data = urllib.parse.urlencode({key: query}).encode()
    req = urllib.request.Request(url + "sparql", data=data, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.read()


def claim_count(url: str) -> int:
    status, body = request(url, COUNT)
    if status != 200:
        raise RuntimeError(f"count query answered {status}: {body[:200]!r}")
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def run_load(url: str, *, requests: int = 2000, concurrency: int = 16, cap: float = 120.0,
             on_progress: Callable[[int], None] | None = None) -> LoadResult:
    """Send ``requests`` requests, ``concurrency`` at a time, for at most ``cap`` seconds."""
    if not url.startswith("http://127.0.0.1:"):
        raise SystemExit(f"{url}: load tests only run against 127.0.0.1")
    result = LoadResult()
    lock = threading.Lock()
    started = time.monotonic()

    def one(i: int) -> None:
        if time.monotonic() - started > cap:
            return
        update = i % 50 == 49
        query = UPDATE if update else QUERIES[i % len(QUERIES)]
        t0 = time.perf_counter()
        try:
            status, body = request(url, query, update=update)
            problem = None
            if update and status != 403:
                problem = f"update answered {status}"
            elif not update and status != 200:
                problem = f"{status}: {body[:200]!r}"
            elif query == COUNT:
                with lock:
                    result.claim_counts.append(int(json.loads(body)["results"]["bindings"][0]["n"]["value"]))
        except Exception as e:  # a dropped connection, a timeout: an error of the server under load
            problem = f"{type(e).__name__}: {e}"
        elapsed = time.perf_counter() - t0
        with lock:
            result.requests += 1
            result.latencies.append(elapsed)
            if problem:
                result.errors += 1
                if len(result.messages) < 10:
                    result.messages.append(problem)
            elif update:
                result.refused_updates += 1
            if on_progress:
                on_progress(result.requests)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for f in as_completed([pool.submit(one, i) for i in range(requests)]):
            f.result()
    result.wall = time.monotonic() - started
    return result


def build_store(root: Path, articles: int) -> tuple[Path, Path]:
    """A store of ``articles`` generated articles (3 claims each); returns it and a second, unloaded batch."""
    from graph.loaders import find_inputs
    from graph.pipeline import ingest_files
    from graph.store import AllianceStore
    from graph.vocab import load_vocabulary
    from tests.corpus import write_corpus

    vocab = load_vocabulary()
    first = write_corpus(root / "first", articles)[1]
    second = write_corpus(root / "second", articles, start=articles)[1]
    store = root / "store"
    with AllianceStore(store, vocab) as s:
        ingest_files(find_inputs([first]), s, vocab, extract=False)
    return store, second


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store", type=Path, help="Existing store (default: generate one in a temporary folder).")
    ap.add_argument("--articles", type=int, default=300, help="Generated articles in the store.")
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--cap", type=float, default=120.0, help="Stop sending after this many seconds.")
    ap.add_argument("--during-ingest", action="store_true",
                    help="Ingest as many articles again into the store while the load runs.")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        second = None
        if args.store:
            store = args.store
        else:
            store, second = build_store(Path(tmp), args.articles)
        proc, url = start_server(store)
        ingest = None
        try:
            print(f"serving {url} on {store}", file=sys.stderr)
            if args.during_ingest:
                if second is None:
                    raise SystemExit("--during-ingest needs a generated store (no --store)")
                ingest = subprocess.Popen([sys.executable, "-m", "graph", "ingest", str(second), "--store", str(store),
                                           "--no-extract"], cwd=PROJECT, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, env={**os.environ,
                                                                          "ALLIANCE_GRAPH_PUBLISH_INTERVAL": "0.5"})
            result = run_load(url, requests=args.requests, concurrency=args.concurrency, cap=args.cap)
            if ingest is not None:
                ingest.wait(timeout=600)
                time.sleep(1.5)  # the server moves to the final snapshot within a second
                final = claim_count(url)
                print(f"ingest exit {ingest.returncode}; claim counts seen during the load: "
                      f"{len(set(result.claim_counts))} distinct, {min(result.claim_counts, default=0)} .. "
                      f"{max(result.claim_counts, default=0)}; after the ingest: {final}; "
                      f"Oxigraph servers still running: {len(children(proc.pid))}")
        finally:
            if ingest is not None and ingest.poll() is None:
                ingest.kill()
            stop_server(proc)
    print(result.summary())
    for m in result.messages:
        print(f"  error: {m}")
    sys.exit(1 if result.errors else 0)


if __name__ == "__main__":
    main()
