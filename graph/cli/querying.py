"""Commands that read the store as data: validate, stats, export, query, serve, push."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from ..export import write_atomic
from ..store import EXPORT_FORMATS, open_store
from .base import GRAPH_FORMATS, cli, load_vocab, ontology_option, projection_options, relations_value, store_option


@cli.command()
@store_option
@ontology_option
def validate(store_path: str, ontology_dir: Path) -> None:
    """Check the store against the SHACL shapes of ontology/shapes.ttl.

    Exit 0 when it conforms; exit 1 with the report on stdout when not.
    """
    from ..validate import validate as run_validate

    vocab = load_vocab(ontology_dir)
    with open_store(store_path, vocab, read_only=store_path != "memory") as store:
        conforms, text = run_validate(store)
    if conforms:
        click.echo("conforms: the store satisfies ontology/shapes.ttl")
    else:
        click.echo(text)
        sys.exit(1)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@store_option
@ontology_option
def stats(fmt: str, store_path: str, ontology_dir: Path) -> None:
    """Count articles, claims, actors and claims per relation."""
    vocab = load_vocab(ontology_dir)
    with open_store(store_path, vocab, read_only=store_path != "memory") as store:
        st = store.stats()
    if fmt == "json":
        click.echo(json.dumps(st, indent=2, sort_keys=True))
        return
    for key in ("articles", "claims", "rejected", "actors", "triples"):
        click.echo(f"{key:<28}{st[key]:>8}")
    for name, n in dict(st["relations"]).items():  # type: ignore[call-overload]
        click.echo(f"  {name:<26}{n:>8}")


@cli.command()
@click.option("--format", "fmt", type=click.Choice([*sorted(EXPORT_FORMATS), *GRAPH_FORMATS]), default="turtle",
              show_default=True, help="RDF (the whole graph), or the actor network: graphml, gexf (Gephi), "
                                      "csv (nodes.csv, edges.csv, claims.csv in the folder -o names).")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Write to this file (atomically) instead of stdout; with --format csv, the folder for the three files.")
@click.option("--with-reference", is_flag=True,
              help="Also write the reference graph (relations, actors, people of ontology/): a named graph of its own "
                   "in trig, nquads and jsonld, merged in turtle and ntriples.")
@projection_options
@store_option
@ontology_option
def export(fmt: str, output: Path | None, with_reference: bool, relations: tuple[str, ...], since: str | None,
           until: str | None, min_sources: int, store_path: str, ontology_dir: Path) -> None:
    """Write the graph (articles, claims, edges) as RDF, or the actor network for Gephi, Cytoscape, pandas, R.

    TriG and N-Quads put the data in the named graph
    https://w3id.org/alliance-graph/graph/data (and, with --with-reference,
    the ontology's reference data in …/graph/reference); JSON-LD is
    compacted with the project's prefixes as its @context.

    The actor network has the actors as nodes (label, kind, bloc,
    centrality) and one edge per pair and relation (polarity, sources,
    confidence, first and last date); --relations, --since, --until and
    --min-sources choose the claims it is made of (network formats only).

    \b
        alliances export --format turtle -o alliances.ttl
        alliances export --format nquads | gzip > alliances.nq.gz
        alliances export --format gexf -o alliances.gexf        # open in Gephi
        alliances export --format csv -o network/               # nodes.csv, edges.csv, claims.csv
    """
    vocab = load_vocab(ontology_dir)
    rels = relations_value(relations)
    network = fmt in GRAPH_FORMATS
    if network and with_reference:
        raise click.UsageError(f"--with-reference applies to the RDF formats, not {fmt}")
    if not network and (rels or since or until or min_sources > 1):
        raise click.UsageError(f"--relations, --since, --until and --min-sources apply to {', '.join(GRAPH_FORMATS)} only")
    if fmt == "csv" and output is None:
        raise click.UsageError("--format csv writes three files: give the folder with -o DIR")
    if output is not None and fmt != "csv" and output.is_dir():
        raise click.UsageError(f"{output} is a folder; give a file name with -o")
    if output is not None and fmt == "csv" and output.exists() and not output.is_dir():
        raise click.UsageError(f"{output} is a file; --format csv needs a folder with -o")
    with open_store(store_path, vocab, read_only=store_path != "memory") as store:
        if network:
            from .. import formats

            unknown = [n for n in rels or () if n not in vocab.relations]
            if unknown:
                raise click.BadParameter(f"unknown relation {unknown[0]!r}; choose from {', '.join(vocab.relations)}",
                                         param_hint="'--relations'")
            G = formats.actor_network(store, relations=rels, since=since, until=until, min_sources=min_sources)
            if fmt == "csv":
                assert output is not None
                files = formats.to_csv(G, vocab)
                for name, text in files.items():
                    write_atomic(output / name, text)
                click.echo(f"wrote {', '.join(str(output / n) for n in files)} "
                           f"({G.number_of_nodes()} actors, {G.number_of_edges()} edges)", err=True)
                return
            data = formats.to_graphml(G, vocab) if fmt == "graphml" else formats.to_gexf(G, vocab)
        else:
            data = store.export(fmt, with_reference=with_reference)
    if output:
        write_atomic(output, data)
        click.echo(f"wrote {output}", err=True)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--param")
        out[name.strip()] = value
    return out


@cli.command()
@click.argument("query_text", metavar="[QUERY | NAME]", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path),
              help="Read the query from this file ('-' for stdin).")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a query parameter (repeatable), e.g. --param actor=RUS.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "jsonl", "xml", "turtle", "ntriples"]),
              default="table", show_default=True,
              help="SELECT: table, csv, tsv, json, jsonl, xml; ASK: table, json, xml; CONSTRUCT/DESCRIBE: turtle, ntriples.")
@click.option("--list", "list_names", is_flag=True, help="List the named queries with their parameters and exit.")
@click.option("--max-rows", type=click.IntRange(min=0), default=100_000, show_default=True,
              help="Refuse a result of more rows (or triples) than this, printing nothing (0: no limit).")
@click.option("--timeout", type=click.FloatRange(min=0), default=120.0, show_default=True,
              help="Stop a query that runs longer than this many seconds, printing nothing (0: no limit).")
@store_option
@ontology_option
def query(query_text: str | None, query_file: Path | None, params: tuple[str, ...], fmt: str, list_names: bool,
          max_rows: int, timeout: float, store_path: str, ontology_dir: Path) -> None:
    """Run SPARQL over the store: QUERY text, --file F.rq, or a named query NAME.

    Prefixes ag:, actor:, article:, claim:, prov:, dcterms:, rdf:, rdfs:,
    owl:, skos:, xsd: and wd: are predeclared.  The default graph is the
    union of the data and the reference data (actors, memberships).  ASK
    prints true or false and exits 0 or 1.

    \b
        alliances query --list
        alliances query allies --param actor=RUS
        alliances query between -p a=RUS -p b=VEN --format json
        alliances query 'SELECT ?c ?e { ?c a ag:Claim ; ag:evidence ?e }' --format csv
    """
    from ..query import QUERIES_DIR, NamedQuery, list_queries, load_query, parse_header, resolve_query, run_query

    queries_dir = ontology_dir / "queries" if (ontology_dir / "queries").is_dir() else QUERIES_DIR
    if list_names:
        queries = list_queries(queries_dir)
        width = max((len(q.name) for q in queries), default=0) + 2
        for q in queries:
            args = " ".join(f"[{p.usage()}]" if not p.required else p.usage() for p in q.params)
            click.echo(f"{q.name:<{width}}{args}".rstrip())
            click.echo(f"{'':<{width}}{q.summary}")
            for p in q.params:
                if p.doc:
                    click.echo(f"{'':<{width + 2}}{p.name}: {p.doc}")
        return
    if (query_text is None) == (query_file is None):
        raise click.UsageError("give either QUERY (SPARQL text or a named query) or --file F.rq")
    if query_file is not None:
        if str(query_file) == "-":
            text = sys.stdin.read()
            description, declared = parse_header(text, "<stdin>")
            named = NamedQuery("stdin", text, description, declared, "<stdin>")
        else:
            named = load_query(query_file)
    else:
        assert query_text is not None
        named = resolve_query(query_text, queries_dir)
    from ..sandbox import time_limit

    def too_long() -> None:  # from the timer's thread: Oxigraph cannot be interrupted, so the process ends
        click.echo(f"Error: query stopped: it ran longer than the time limit ({timeout:g} s); "
                   "raise --timeout or ask for less", err=True)
        sys.stderr.flush()
        os._exit(1)

    with open_store(store_path, lambda: load_vocab(ontology_dir), read_only=store_path != "memory") as store:
        with time_limit(timeout, too_long):  # a reader only: ending the process leaves the store as it was
            result = run_query(store, named, _parse_params(params), max_rows=max_rows)
            text = result.serialize(fmt)
    click.echo(text, nl=False)
    if result.truncated:
        click.echo(f"Error: {result.stopped_message()}", err=True)
        sys.exit(1)
    if result.kind == "ask" and not result.boolean:
        sys.exit(1)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (127.0.0.1: this machine only).")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True, help="Port (0: any free port).")
@click.option("--page", type=click.Path(dir_okay=False, path_type=Path), default=Path("exports/alliances.html"),
              show_default=True, help="The interactive page served at / (as written by 'alliances build').")
@click.option("--timeout", type=click.FloatRange(min=1), default=30.0, show_default=True,
              help="Stop a query after this many seconds.")
@click.option("--max-result-bytes", type=click.IntRange(min=1), default=64 * 1024 * 1024, show_default=True,
              help="Refuse (413) an answer larger than this.")
@click.option("--max-memory", metavar="SIZE", default=None,
              help="Address-space limit of the query engine, e.g. 2G (default: half the RAM); "
                   "a query that needs more is stopped (503) and the engine restarted.")
@click.option("--allow-federation", is_flag=True,
              help="Let queries use SERVICE to call other endpoints (refused by default: the server would "
                   "fetch any URL a client names).")
@click.option("--cors", "cors", metavar="ORIGIN", multiple=True,
              help="Let browser pages from ORIGIN (e.g. https://yasgui.example; '*': any) query the endpoint: "
                   "CORS headers and preflight answers. Repeatable; off by default.")
@click.option("--quiet", is_flag=True, help="Do not log requests on stderr.")
@store_option
def serve(host: str, port: int, page: Path, timeout: float, max_result_bytes: int, max_memory: str | None,
          allow_federation: bool, cors: tuple[str, ...], quiet: bool, store_path: str) -> None:
    """Serve the store as a read-only SPARQL 1.1 endpoint, and the page.

    SPARQL at /sparql (GET or POST; results as JSON, XML, CSV or TSV by
    Accept; CONSTRUCT and DESCRIBE as Turtle unless an RDF format is
    asked for), the interactive page at /.  Updates and SERVICE are refused.
    --cors ORIGIN lets a browser SPARQL editor on another origin use it.
    While an ingest writes the store, the endpoint answers from the latest
    snapshot the ingest published.  The query engine runs with a memory
    limit and is restarted when it dies; when it cannot be, serve exits 1.
    Stop with Ctrl-C.

    \b
        alliances serve --port 7878
        curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?c a ag:Claim }' localhost:7878/sparql
    """
    import signal

    from ..sandbox import parse_size
    from ..serve import Endpoint

    try:
        memory = parse_size(max_memory) if max_memory is not None else None
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="'--max-memory'") from None

    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    log = None if quiet else (lambda msg: click.echo(msg, err=True))
    with Endpoint(store_path, host=host, port=port, page=page, timeout=timeout, log=log,
                  max_result_bytes=max_result_bytes, max_memory=memory, allow_federation=allow_federation,
                  cors=cors) as ep:
        click.echo(f"serving {ep.url} (SPARQL at {ep.url}sparql, read-only); Ctrl-C to stop", err=True)
        try:
            ep.serve_forever()
        except KeyboardInterrupt:
            click.echo("stopped", err=True)
    if ep.failure:
        raise click.ClickException(ep.failure)


@cli.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="Graph Store Protocol endpoint, e.g. http://localhost:7878/store (Oxigraph), .../ds/data (Fuseki).")
@click.option("--graph", "graph_iri", metavar="IRI", help="Target named graph (default: the server's default graph).")
@click.option("--replace", is_flag=True, help="Empty the target graph first (the first chunk is sent by PUT).")
@click.option("--chunk", type=click.IntRange(min=1), default=50_000, show_default=True, help="Triples per request.")
@click.option("--user", metavar="NAME", help="Basic authentication as NAME; the password comes from "
                                             "$ALLIANCE_GRAPH_PASSWORD or is asked for.")
@click.option("--token", metavar="TOKEN", envvar="ALLIANCE_GRAPH_TOKEN",
              help="Bearer token (also $ALLIANCE_GRAPH_TOKEN). Without --user or --token: the URL's "
                   "user:password@, else ~/.netrc.")
@click.option("--verify/--no-verify", default=True, show_default=True,
              help="Read the graph back afterwards (Graph Store GET) and check every triple sent is there.")
@click.option("--retries", type=click.IntRange(min=0), default=3, show_default=True,
              help="Attempts more per request after a 5xx, 429, timeout or dropped connection (pause 1 s, 2 s, 4 s …).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=120.0, show_default=True,
              help="Seconds to wait for each answer.")
@store_option
@ontology_option
def push(endpoint: str, graph_iri: str | None, replace: bool, chunk: int, user: str | None, token: str | None,
         verify: bool, retries: int, timeout: float, store_path: str, ontology_dir: Path) -> None:
    """Upload the data graph to a SPARQL 1.1 Graph Store Protocol server.

    Sends what 'alliances export' writes, as N-Triples in chunks by POST;
    progress on stderr.  A redirect, an HTML page or any answer but 200,
    201 or 204 is an error (saying how many triples had arrived); then the
    graph is read back and every triple looked for.  Credentials are never
    printed.

    \b
        oxigraph serve --location /data/alliances --bind 127.0.0.1:7878 &
        alliances push --endpoint http://127.0.0.1:7878/store --graph https://example.org/alliances
        ALLIANCE_GRAPH_PASSWORD=… alliances push --endpoint https://kg.example.org/ds/data --user editor
    """

    from ..remote import credentials_for, redact
    from ..remote import push as push_graph

    vocab = load_vocab(ontology_dir)
    password = None
    if user is not None and not token:
        password = os.environ.get("ALLIANCE_GRAPH_PASSWORD")
        if password is None:
            password = click.prompt(f"Password for {user}", hide_input=True, err=True)
    creds = credentials_for(endpoint, user=user, password=password, token=token)

    def progress(sent: int, total: int) -> None:
        click.echo(f"pushed {sent:,}/{total:,} triples", err=True)

    def retry(message: str) -> None:
        click.echo(f"warning: {message}", err=True)

    with open_store(store_path, vocab, read_only=store_path != "memory") as store:
        n = push_graph(store, endpoint, graph=graph_iri, replace=replace, chunk=chunk, timeout=timeout, retries=retries,
                       verify=verify, credentials=creds, on_progress=progress, on_retry=retry)
    where = f" (graph <{graph_iri}>)" if graph_iri else " (default graph)"
    checked = ", all found there when read back" if verify else ""
    click.echo(f"pushed {n:,} triples to {redact(endpoint)}{where}{checked}", err=True)
