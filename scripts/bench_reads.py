#!/usr/bin/env python3
"""Reads and start-up as a user meets them: whole ``alliances`` processes on the default on-disk store.

Builds two on-disk stores the way a user's store looks after an upgrade:
generated data bulk-loaded, then opened once by a writer (reference data,
the edges' support links, a published snapshot):

  * about ``--triples`` triples of claims shaped like ours (articles, 12 claims
    each with evidence and provenance, derived edges);
  * ``--actors`` actors and ``--claims`` claims for the analysis
    (``scripts/bench_analysis.py``'s generator).

Then times, alternating each command with its anchor in the same run:

  * ``alliances query 'ASK {}'``          vs a raw pyoxigraph process asking the same snapshot;
  * ``alliances query <count by relation> --format csv``  vs raw pyoxigraph running and writing it;
  * ``alliances stats``, first after a write (the published snapshot's counts not yet kept: it
    counts them and keeps them inside the snapshot) and repeated (reads the kept counts),
    vs a raw pyoxigraph process counting the triples;
  * ``alliances analyze`` (2,000 actors)  vs a raw pyoxigraph process reading the same claims.

    python scripts/bench_reads.py                 # ~1 M triples; 2,000 actors / 50,000 claims
    python scripts/bench_reads.py --triples 200000 --claims 10000 --runs 3
    python scripts/bench_reads.py --stores /tmp/reads   # build the stores there once, reuse them next time
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from benchtools import PROJECT, alternate, cli, line, machine, med, ratio, run

COUNT_BY_RELATION = """SELECT ?relation (COUNT(?claim) AS ?claims) WHERE {
  ?claim a ag:Claim ; rdf:predicate ?relation .
  FILTER NOT EXISTS { ?claim ag:rejected true }
} GROUP BY ?relation ORDER BY DESC(?claims)"""

RAW = """import sys, json, pyoxigraph as ox
path, q = sys.argv[1], sys.argv[2]
store = ox.Store.read_only(path)
prefixes = json.loads(sys.argv[3])
r = store.query(q, use_default_graph_as_union=True, prefixes=prefixes)
if isinstance(r, ox.QuerySolutions):
    sys.stdout.buffer.write(r.serialize(format=ox.QueryResultsFormat.CSV))
else:
    print(bool(r))
"""

RAW_CLAIMS = """import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
q = '''PREFIX ag: <https://w3id.org/alliance-graph/ontology#> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?s ?p ?o ?a ?conf ?ev ?date WHERE {
  ?c a ag:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?a .
  FILTER NOT EXISTS { ?c ag:rejected true }
  OPTIONAL { ?c ag:confidence ?conf } OPTIONAL { ?c ag:evidence ?ev } OPTIONAL { ?c dcterms:date ?date } }'''
print(sum(1 for row in store.query(q) for t in row if t is not None and t.value))
"""


def build_sparql_store(root: Path, n_triples: int) -> Path:
    code = f"""import sys; sys.path.insert(0, {str(PROJECT / 'scripts')!r})
import pyoxigraph as ox
from bench_sparql import generate
from graph.store import AllianceStore
from graph.vocab import load_vocabulary
data, _ = generate({n_triples})
ox.Store({str(root / 'store')!r}).bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
AllianceStore({str(root / 'store')!r}, load_vocabulary()).close()   # the first writer: reference, support links, snapshot
"""
    run([sys.executable, "-c", code])
    return root / "store"


def build_analysis_store(root: Path, actors: int, claims: int) -> Path:
    code = f"""import sys; sys.path.insert(0, {str(PROJECT / 'scripts')!r})
from bench_analysis import generate
from graph.store import AllianceStore
from graph.vocab import load_vocabulary
s = AllianceStore({str(root / 'astore')!r}, load_vocabulary())
generate(s, {actors}, {claims})
s.close()
AllianceStore({str(root / 'astore')!r}, load_vocabulary()).close()
"""
    run([sys.executable, "-c", code])
    return root / "astore"


def snapshot(store: Path) -> str:
    from graph.snapshots import SNAPSHOTS, read_pointer

    pointer = read_pointer(store)
    assert pointer is not None
    return str(store / SNAPSHOTS / pointer.snapshot)


def forget_counts(snap: str) -> None:
    """Drop the counts ``stats`` kept in the snapshot: the state right after a write published it."""
    from graph.snapshots import COUNTS

    (Path(snap) / COUNTS).unlink(missing_ok=True)


def within(label: str, xs: list[float], target: float) -> str:
    return f"{label:<58} median {med(xs):8.3f} s   (target <= {target} s: {'met' if med(xs) <= target else 'NOT met'})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--actors", type=int, default=2000)
    ap.add_argument("--claims", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--stores", type=Path, default=None,
                    help="Keep the stores in this folder and reuse them when present (same sizes assumed).")
    args = ap.parse_args()

    import json

    from graph.terms import PREFIXES

    root = args.stores or Path(tempfile.mkdtemp(prefix="bench-reads-"))
    root.mkdir(parents=True, exist_ok=True)
    print(machine())
    try:
        store = root / "store" if (root / "store").is_dir() else build_sparql_store(root, args.triples)
        astore = root / "astore" if (root / "astore").is_dir() else build_analysis_store(root, args.actors, args.claims)
        snap, asnap, prefixes = snapshot(store), snapshot(astore), json.dumps(PREFIXES)
        _, st = run(cli("stats", "--store", store, "--format", "json"))
        print(f"stores: {json.loads(st.stdout)['triples']:,} triples; analysis store {args.actors:,} actors, "
              f"{args.claims:,} claims")

        def timed(argv: list[str]) -> float:
            return run(argv, cwd=root, ok=(0, 1))[0]

        cases = {
            "ask": lambda: timed(cli("query", "ASK {}", "--store", store)),
            "ask raw": lambda: timed([sys.executable, "-c", RAW, snap, "ASK {}", prefixes]),
            "count": lambda: timed(cli("query", COUNT_BY_RELATION, "--format", "csv", "--store", store)),
            "count raw": lambda: timed([sys.executable, "-c", RAW, snap, COUNT_BY_RELATION, prefixes]),
            "stats first": lambda: (forget_counts(snap), timed(cli("stats", "--store", store)))[1],
            "stats": lambda: timed(cli("stats", "--store", store)),
            "stats raw": lambda: timed([sys.executable, "-c", RAW, snap, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", prefixes]),
            "analyze": lambda: timed(cli("analyze", "--store", astore)),
            "analyze raw": lambda: timed([sys.executable, "-c", RAW_CLAIMS, asnap]),
        }
        t = alternate(cases, args.runs)
        print(line("alliances query 'ASK {}'", t["ask"]))
        print(line("  raw pyoxigraph process, same snapshot", t["ask raw"]))
        print(ratio("  CLI / raw", t["ask"], t["ask raw"]))
        print(line("alliances query <count claims by relation> --format csv", t["count"]))
        print(line("  raw pyoxigraph process, same query, CSV", t["count raw"]))
        print(ratio("  CLI / raw", t["count"], t["count raw"], 1.5))
        print(line("alliances stats, first after a write (counts)", t["stats first"]))
        print(line("alliances stats, repeated (counts kept in the snapshot)", t["stats"]))
        print(line("  raw pyoxigraph process counting the triples", t["stats raw"]))
        print(ratio("  CLI first / raw", t["stats first"], t["stats raw"]))
        print(ratio("  CLI repeated / raw", t["stats"], t["stats raw"]))
        print(within("  alliances stats, repeated", t["stats"], 1.0))
        print(line(f"alliances analyze ({args.actors:,} actors, {args.claims:,} claims)", t["analyze"]))
        print(within("  alliances analyze", t["analyze"], 3.0))
        print(line("  raw pyoxigraph process reading the claims (plain pattern)", t["analyze raw"]))
        print(ratio("  CLI / raw read", t["analyze"], t["analyze raw"]))
        print(machine())
    finally:
        if args.stores is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
