"""The endpoint's page at ``/sparql``: a query editor, the named queries, results as a table.

One HTML document, nothing fetched but the endpoint itself: the editor
(``graph/static/sparql.js``: a textarea over a highlighted copy of its text,
Ctrl+Enter runs), its styles (``sparql.css``) and the named queries of
``ontology/queries/`` (text, description, parameters) are inlined.  A named
query is one click away; its parameters get input boxes and are bound as a
VALUES block, as ``alliances query NAME --param`` binds them.  SELECT results
show as a table, ASK as true/false, CONSTRUCT/DESCRIBE as Turtle; each can be
downloaded (CSV, TSV, JSON; Turtle, N-Triples), fetched again from the
endpoint in that format.  A Content-Security-Policy allows only the inlined
script and style (by hash) and connections to the page's own origin.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
from pathlib import Path

from .query import QUERIES_DIR, list_queries
from .rdf import PREFIXES

__all__ = ["sparql_page", "STATIC_DIR"]

STATIC_DIR = Path(__file__).parent / "static"
EXAMPLE = """SELECT ?subject ?relation ?object ?evidence WHERE {
  ?claim a ag:Claim ; rdf:subject ?subject ; rdf:predicate ?relation ; rdf:object ?object .
  OPTIONAL { ?claim ag:evidence ?evidence }
} LIMIT 50"""
EXAMPLES = {"actor": "RUS", "relation": "alliedWith", "integer": "1", "date": "2021-01-01", "boolean": "true"}


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _json_script(value: object) -> str:
    """JSON safe inside ``<script type=application/json>`` (no ``</script>``, no ``<!--``)."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@functools.lru_cache(maxsize=4)
def sparql_page(queries_dir: Path = QUERIES_DIR, endpoint: str = "sparql") -> str:
    """The page (cached: the named queries are read once per process)."""
    queries = [{"name": q.name, "summary": q.summary, "description": q.description, "text": q.text,
                "params": [{"name": p.name, "type": p.type, "default": p.default, "required": p.required, "doc": p.doc}
                           for p in q.params]}
               for q in list_queries(queries_dir)]
    data = {"endpoint": endpoint, "queries": queries, "example": EXAMPLE, "examples": EXAMPLES,
            "prefixes": sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))}
    script = (STATIC_DIR / "sparql.js").read_text(encoding="utf-8")
    style = (STATIC_DIR / "sparql.css").read_text(encoding="utf-8")
    csp = (f"default-src 'none'; script-src {_hash(script)}; style-src {_hash(style)}; connect-src 'self'; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    prefixes = ", ".join(f"{p}:" for p in PREFIXES)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{html.escape(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>alliance-graph SPARQL endpoint</title>
<style>{style}</style>
</head>
<body>
<header>
  <h1>alliance-graph SPARQL</h1>
  <p>Read-only SPARQL 1.1 endpoint at <code>/sparql</code> (GET or POST; JSON, XML, CSV or TSV by Accept).
  Prefixes {html.escape(prefixes)} are declared. <a href="./">The network page</a></p>
</header>
<div id="layout">
  <nav id="named" aria-label="Named queries"><h2>Named queries</h2></nav>
  <main>
    <div id="editor"><pre id="shade" aria-hidden="true"></pre><textarea id="query" spellcheck="false" autocapitalize="off"
      autocomplete="off" aria-label="SPARQL query"></textarea></div>
    <div id="params"></div>
    <div id="toolbar"><button id="run" class="primary" type="button">Run</button>
      <span class="hint">Ctrl+Enter</span><span id="downloads"></span><span id="status" role="status"></span></div>
    <div id="results"></div>
  </main>
</div>
<script id="ag-data" type="application/json">{_json_script(data)}</script>
<script>{script}</script>
</body>
</html>
"""
