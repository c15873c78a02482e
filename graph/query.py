"""SPARQL over the store: one-shot queries, named queries with parameters, result formats.

Named queries live in ``ontology/queries/*.rq``.  Each starts with a comment
header: what it answers (the first line is the summary), then one line per
parameter::

    # Allies of an actor, with the number of distinct articles that say so.
    #
    # @param actor: actor          The actor whose allies to list (e.g. RUS).
    # @param min: integer = 1      Only allies named by at least this many articles.
    # @param other: actor?         Optional: when omitted, any actor matches.

Parameter types: actor (an actor id such as RUS → its IRI), relation (a
relation name → its IRI), article (an article id → its IRI), iri, string,
integer, decimal, date, boolean.  A parameter given but not declared is read
as a number when it looks like one, an IRI when written ``<…>`` or as a known
prefixed name, a string otherwise.

Values are bound with a ``VALUES`` block placed at the start of the query's
main ``WHERE`` group; every value is first turned into an RDF term by
pyoxigraph (which checks IRIs and escapes literals), so a value can never
change the query's text beyond that one term.  Parameters bind in the main
``WHERE`` group: a subquery sees one only through a variable it returns, and
``HAVING`` sees one only when it is in ``GROUP BY``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pyoxigraph as ox

from .errors import QueryError
from .terms import ACTOR, ARTICLE, ONTOLOGY_DIR, PREFIXES

if TYPE_CHECKING:
    from .vocab import Vocabulary

__all__ = [
    "DEFAULT_MAX_ROWS",
    "QUERIES_DIR",
    "PARAM_TYPES",
    "RESULT_FORMATS",
    "Param",
    "NamedQuery",
    "QueryResult",
    "parse_header",
    "list_queries",
    "load_query",
    "resolve_query",
    "bind_values",
    "run_query",
    "compact",
]

QUERIES_DIR = ONTOLOGY_DIR / "queries"
PARAM_TYPES = ("actor", "relation", "article", "iri", "string", "integer", "decimal", "date", "boolean")
T = TypeVar("T")
RESULT_FORMATS = ("table", "csv", "tsv", "json", "jsonl", "xml", "turtle", "ntriples")
DEFAULT_MAX_ROWS = 100_000  # rows (or triples) a query may return before it is refused
_XSD = PREFIXES["xsd"]
_AG = PREFIXES["ag"]
_PARAM_LINE = re.compile(r"^@param\s+([A-Za-z_]\w*)\s*:\s*([a-z]+)(\?)?(?:\s*=\s*(\S+))?\s*(.*)$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?\d*\.\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Param:
    """One declared parameter of a query."""

    name: str
    type: str
    default: str | None = None
    optional: bool = False
    doc: str = ""

    @property
    def required(self) -> bool:
        return self.default is None and not self.optional

    def usage(self) -> str:
        if self.default is not None:
            return f"{self.name}:{self.type}={self.default}"
        return f"{self.name}:{self.type}" + ("?" if self.optional else "")


@dataclass(frozen=True)
class NamedQuery:
    """A query text with its header: description and parameters."""

    name: str
    text: str
    description: str = ""
    params: tuple[Param, ...] = ()
    source: str = "query"

    @property
    def summary(self) -> str:
        """The first sentence of the description."""
        first = self.description.split("\n", 1)[0]
        m = re.match(r"^(.*?[.!?])(\s|$)", first)
        return m.group(1) if m else first


def parse_header(text: str, source: str = "query") -> tuple[str, tuple[Param, ...]]:
    """Description and parameters from the comment lines at the top of ``text``.

    >>> desc, params = parse_header('''# Allies of an actor.
    ... # @param actor: actor   Whose allies.
    ... # @param min: integer = 2
    ... SELECT * { ?a ?b ?c }''')
    >>> desc
    'Allies of an actor.'
    >>> [(p.name, p.type, p.default, p.required) for p in params]
    [('actor', 'actor', None, True), ('min', 'integer', '2', False)]
    """
    lines: list[str] = []
    params: list[Param] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            if params or lines:
                lines.append("")
            continue
        if not line.startswith("#"):
            break
        body = line.lstrip("#").strip()
        if body.startswith("@param"):
            m = _PARAM_LINE.match(body)
            if not m:
                raise QueryError(f"{source}:{n}: malformed @param line; expected '@param NAME: TYPE [= DEFAULT] description'")
            name, ptype, opt, default, doc = m.groups()
            if ptype not in PARAM_TYPES:
                raise QueryError(f"{source}:{n}: parameter {name!r} has unknown type {ptype!r}; "
                                 f"choose from {', '.join(PARAM_TYPES)}")
            if any(p.name == name for p in params):
                raise QueryError(f"{source}:{n}: parameter {name!r} declared twice")
            params.append(Param(name, ptype, default, bool(opt), doc.strip()))
        elif not params:
            lines.append(body)
    description = "\n".join(lines).strip()
    description = re.sub(r"(?<!\n)\n(?!\n)", " ", description)  # join wrapped lines, keep paragraphs
    return description, tuple(params)


def list_queries(directory: Path = QUERIES_DIR) -> list[NamedQuery]:
    """Every named query in ``directory`` (``*.rq``), sorted by name."""
    return [load_query(p) for p in sorted(Path(directory).glob("*.rq"))]


def load_query(path: Path) -> NamedQuery:
    """Read one ``.rq`` file with its header."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise QueryError(f"{path}: cannot read query: {e}") from None
    shown = str(path)
    try:  # the bundled queries are named as in the repository: ontology/queries/allies.rq
        shown = str(path.resolve().relative_to(ONTOLOGY_DIR.parent))
    except ValueError:
        pass
    description, params = parse_header(text, shown)
    return NamedQuery(path.stem, text, description, params, shown)


def resolve_query(query: str, directory: Path = QUERIES_DIR) -> NamedQuery:
    """A named query when ``query`` names one in ``directory``, else the text itself as a query.

    >>> resolve_query("ASK { ?s ?p ?o }").source
    'query'
    """
    if _NAME.match(query):
        path = Path(directory) / f"{query}.rq"
        if path.is_file():
            return load_query(path)
        names = ", ".join(q.name for q in list_queries(directory))
        raise QueryError(f"no named query {query!r} (named queries: {names or 'none'}); "
                         "pass SPARQL text, --file F.rq or a name from --list")
    description, params = parse_header(query)
    return NamedQuery("query", query, description, params, "query")


# --------------------------------------------------------------------------- parameters


def _literal(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(_XSD + datatype))


def _iri(value: str) -> ox.NamedNode:
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    elif ":" in value:
        prefix, _, local = value.partition(":")
        if prefix in PREFIXES and not local.startswith("//"):
            value = PREFIXES[prefix] + local
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value):
        raise ValueError("not an absolute IRI (write <http://…> or prefix:name)")
    return ox.NamedNode(value)  # raises ValueError on characters an IRI may not hold


def _term(param: Param, value: str, vocab: Vocabulary | None) -> ox.NamedNode | ox.Literal:
    t = param.type
    if t == "actor":
        actor_id = value.removeprefix("actor:")
        if vocab is not None and vocab.actors:
            if actor_id not in vocab.actors:
                raise ValueError("an unknown actor (not in ontology/actors.ttl)")
        elif not re.match(r"^[A-Za-z0-9_-]+$", actor_id):
            raise ValueError("not an actor id")
        return ox.NamedNode(str(ACTOR) + actor_id)
    if t == "relation":
        name = value.removeprefix("ag:")
        if vocab is not None:
            if name not in vocab.relations:
                raise ValueError(f"an unknown relation; choose from {', '.join(vocab.relations)}")
            return ox.NamedNode(str(vocab.relations[name].iri))
        if not re.match(r"^[A-Za-z]\w*$", name):
            raise ValueError("not a relation name")
        return ox.NamedNode(_AG + name)
    if t == "article":
        art = value.removeprefix("article:")
        if not re.match(r"^[0-9a-f]{16}$", art):
            raise ValueError("not an article id (16 hex digits)")
        return ox.NamedNode(str(ARTICLE) + art)
    if t == "iri":
        return _iri(value)
    if t == "integer":
        if not _INTEGER.match(value.strip()):
            raise ValueError("not an integer")
        return _literal(str(int(value)), "integer")
    if t == "decimal":
        try:
            d = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError("not a number") from None
        if not d.is_finite():
            raise ValueError("not a finite number")
        return _literal(str(d), "decimal")
    if t == "date":
        if not _DATE.match(value):
            raise ValueError("not a date (YYYY-MM-DD)")
        return _literal(value, "date")
    if t == "boolean":
        v = value.strip().lower()
        if v not in ("true", "false"):
            raise ValueError("not true or false")
        return _literal(v, "boolean")
    return ox.Literal(value)


def _guess(value: str) -> ox.NamedNode | ox.Literal:
    if _INTEGER.match(value):
        return _literal(str(int(value)), "integer")
    if _DECIMAL.match(value):
        return _literal(value, "decimal")
    if value.startswith("<") and value.endswith(">"):
        return _iri(value)
    prefix, sep, _ = value.partition(":")
    if sep and prefix in PREFIXES:
        return _iri(value)
    return ox.Literal(value)


def _mentions(text: str, name: str) -> bool:
    return re.search(rf"[?$]{re.escape(name)}(?![\w\u00B7\u0300-\u036F\u203F-\u2040])", text) is not None


def bind_values(query: NamedQuery, given: Mapping[str, str],
                vocab: Vocabulary | None = None) -> dict[str, ox.NamedNode | ox.Literal]:
    """Turn ``--param name=value`` strings into RDF terms, checking them against the header.

    >>> q = NamedQuery("q", "SELECT ?ally { ?actor ?p ?ally }", params=(Param("actor", "actor"),))
    >>> bind_values(q, {"actor": "RUS"})
    {'actor': <NamedNode value=https://w3id.org/alliance-graph/actor/RUS>}
    >>> bind_values(q, {"actor": "RUS> } ; DROP ALL #"})
    Traceback (most recent call last):
    ...
    graph.errors.QueryError: query: parameter 'actor': 'RUS> } ; DROP ALL #' is not an actor id
    """
    declared = {p.name: p for p in query.params}
    out: dict[str, ox.NamedNode | ox.Literal] = {}
    for name, value in given.items():
        if not re.match(r"^[A-Za-z_]\w*$", name):
            raise QueryError(f"{query.source}: {name!r} is not a parameter name")
        param = declared.get(name)
        if param is None and declared:
            raise QueryError(f"{query.source}: unknown parameter {name!r}; this query takes "
                             + ", ".join(p.usage() for p in query.params))
        if not _mentions(query.text, name):
            raise QueryError(f"{query.source}: parameter {name!r}: the query has no variable ?{name}")
        try:
            out[name] = _term(param, value, vocab) if param else _guess(value)
        except ValueError as e:
            reason = str(e).split("\n")[0]
            raise QueryError(f"{query.source}: parameter {name!r}: {value!r} is {reason}"
                             if reason.startswith(("not", "an ")) else
                             f"{query.source}: parameter {name!r}: {value!r}: {reason}") from None
    for p in query.params:
        if p.name in out:
            continue
        if p.default is not None:
            try:
                out[p.name] = _term(p, p.default, vocab)
            except ValueError as e:
                raise QueryError(f"{query.source}: default of parameter {p.name!r} is {e}") from None
        elif p.required:
            raise QueryError(f"{query.source}: missing parameter {p.name!r} ({p.type}); "
                             f"pass --param {p.name}=VALUE" + (f" — {p.doc}" if p.doc else ""))
    return out


def _where_brace(text: str) -> int | None:
    """Offset of the ``{`` that opens the query's main WHERE group (None when not found).

    Skips comments, strings and IRIs; a CONSTRUCT template is not the WHERE group.

    >>> q = 'PREFIX x: <http://e/{}> CONSTRUCT { ?s ?p "{" } WHERE { ?s ?p ?o }'
    >>> q[_where_brace(q):]
    '{ ?s ?p ?o }'
    >>> q = 'SELECT * # WHERE {\\n { ?s ?p ?o }'
    >>> q[_where_brace(q):]
    '{ ?s ?p ?o }'
    """
    i, n, depth = 0, len(text), 0
    form: str | None = None
    after_where = False
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            i = n if j == -1 else j + 1
            continue
        if c in "\"'":
            long = text.startswith(c * 3, i)
            quote = c * 3 if long else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
            continue
        if c == "<":
            m = _IRIREF.match(text, i)
            if m:
                i = m.end()
                continue
        if c in "?$":
            m = re.compile(r"[?$][\w\u00B7\u00C0-\uFFFD]*").match(text, i)
            i = m.end() if m else i + 1
            continue
        if c.isalpha() and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_:-.")):
            m = re.compile(r"[A-Za-z_][\w-]*(:[\w.-]*)?").match(text, i)
            assert m is not None
            word = m.group(0)
            if depth == 0 and ":" not in word:
                upper = word.upper()
                if form is None and upper in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
                    form = upper
                elif upper == "WHERE":
                    after_where = True
            i = m.end()
            continue
        if c == "{":
            if depth == 0 and (after_where or (form is not None and form != "CONSTRUCT")):
                return i
            depth += 1
        elif c == "}":
            depth -= 1
        i += 1
    return None


def _inject(text: str, values: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    if not values:
        return text
    at = _where_brace(text)
    if at is None:
        raise QueryError("query: cannot find the WHERE clause to bind parameters in")
    names = " ".join(f"?{k}" for k in values)
    terms = " ".join(str(v) for v in values.values())
    block = f" VALUES ({names}) {{ ({terms}) }} "
    return text[: at + 1] + block + text[at + 1 :]


# --------------------------------------------------------------------------- running


def _syntax_error(source: str, text: str, e: SyntaxError) -> QueryError:
    msg = " ".join(str(e).split())
    m = re.match(r"error at (\d+):(\d+): (.*)$", msg)
    if not m:
        return QueryError(f"{source}: SPARQL syntax error: {msg[:300]}")
    line, col, what = int(m.group(1)), int(m.group(2)), m.group(3)
    if len(what) > 160:
        what = what[:160] + "…"
    lines = text.split("\n")
    near = ""
    if 1 <= line <= len(lines):
        frag = lines[line - 1][max(col - 21, 0) : col + 9].strip()  # Oxigraph points just past the culprit
        near = f" near {frag!r}" if frag else ""
    return QueryError(f"{source}: SPARQL syntax error at line {line}, column {col}{near}: {what}")


_KIND = {ox.QuerySolutions: "select", ox.QueryBoolean: "ask", ox.QueryTriples: "graph"}


def _check_syntax(query: NamedQuery) -> str:
    # Parse the user's text as written (on an empty store: nothing is evaluated),
    # so error positions refer to what the user wrote, not to the bound query.
    # Only called once the query itself failed, or to learn a query's form (select, ask, graph).
    try:
        return _KIND[type(ox.Store().query(query.text, prefixes=PREFIXES))]
    except SyntaxError as e:
        raise _syntax_error(query.source, query.text, e) from None
    except (ValueError, OSError, RuntimeError) as e:
        raise QueryError(f"{query.source}: {' '.join(str(e).split())}") from None


class QueryResult:
    """The result of one query execution: ``kind`` is select, ask or graph.

    Rows (or triples) are read from the running query as they come, at most
    ``max_rows`` of them: when the query has more, reading stops there (the
    query is not evaluated further) and ``truncated`` is true.  The query is
    never run twice, whatever the output format.
    """

    def __init__(self, raw: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, source: str = "query",
                 *, max_rows: int | None = None) -> None:
        self.raw = raw
        self.max_rows = max_rows or None  # 0 or None: no limit
        self.kind = _KIND[type(raw)]
        self.source = source
        self.variables: list[str] = [v.value for v in raw.variables] if isinstance(raw, ox.QuerySolutions) else []
        self.truncated = False
        self._rows: list[list[ox.NamedNode | ox.Literal | ox.BlankNode | None]] | None = None
        self._triples: list[ox.Triple] | None = None

    @property
    def boolean(self) -> bool:
        if not isinstance(self.raw, ox.QueryBoolean):
            raise QueryError(f"{self.source}: not an ASK query")
        return bool(self.raw)

    def rows(self) -> list[list[ox.NamedNode | ox.Literal | ox.BlankNode | None]]:
        """SELECT rows as lists of terms (None where unbound), in the variables' order (at most ``max_rows``)."""
        if self._rows is None:
            if not isinstance(self.raw, ox.QuerySolutions):
                raise QueryError(f"{self.source}: not a SELECT query")
            variables = self.variables
            self._rows = [[sol[v] for v in variables] for sol in self._bounded(self.raw)]
        return self._rows

    def triples(self) -> list[ox.Triple]:
        """CONSTRUCT/DESCRIBE triples (at most ``max_rows``)."""
        if self._triples is None:
            if not isinstance(self.raw, ox.QueryTriples):
                raise QueryError(f"{self.source}: not a CONSTRUCT or DESCRIBE query")
            self._triples = list(self._bounded(self.raw))
        return self._triples

    def _bounded(self, items: Iterable[T]) -> Iterator[T]:
        """``items`` up to ``max_rows``; past it, stop reading and mark the result truncated."""
        try:
            if self.max_rows is None:
                yield from items
                return
            for n, item in enumerate(items, start=1):
                if n > self.max_rows:
                    self.truncated = True
                    return
                yield item
        except (OSError, RuntimeError, ValueError) as e:
            raise QueryError(f"{self.source}: query failed: {' '.join(str(e).split())}") from None

    def stopped_message(self) -> str:
        """What to tell the user when the result was cut at ``max_rows``."""
        what = "triples" if self.kind == "graph" else "rows"
        return (f"{self.source}: stopped after {self.max_rows:,} {what} (the --max-rows limit); the result has more: "
                "narrow the query, add LIMIT, or raise --max-rows")

    def records(self) -> list[dict[str, str | None]]:
        """SELECT rows as ``{variable: compact value}`` (prefixed names, literal values)."""
        return [{v: (compact(t) if t is not None else None) for v, t in zip(self.variables, row, strict=True)}
                for row in self.rows()]

    def to_dataframe(self) -> Any:
        """SELECT rows (or CONSTRUCT triples) as a pandas ``DataFrame``; needs pandas (the ``notebook`` extra).

        Columns are the variables (subject, predicate, object for triples);
        IRIs are full strings, numbers and booleans Python values, unbound ``None``.
        """
        from .notebook import require_pandas

        pd = require_pandas()
        if self.kind == "ask":
            raise QueryError(f"{self.source}: an ASK result is one boolean (.boolean), not a table")
        if self.kind == "graph":
            triples = list(self._bounded(self.raw))  # type: ignore[arg-type]
            return pd.DataFrame([[_plain(t.subject), _plain(t.predicate), _plain(t.object)] for t in triples],
                                columns=["subject", "predicate", "object"])
        return pd.DataFrame([[_plain(t) if t is not None else None for t in row] for row in self.rows()],
                            columns=self.variables)

    def serialize(self, fmt: str = "table") -> str:
        """The result as text in ``fmt`` (one of RESULT_FORMATS)."""
        if fmt not in RESULT_FORMATS:
            raise QueryError(f"unknown result format {fmt!r}; choose from {', '.join(RESULT_FORMATS)}")
        try:
            if self.kind == "graph":
                return self._graph(fmt)
            if self.kind == "ask":
                if fmt in ("table", "jsonl"):
                    return "true\n" if self.boolean else "false\n"
                return self._results(fmt)
            if fmt == "table":
                return format_table(self.variables, self.rows())
            if fmt == "jsonl":
                return "".join(json.dumps({v: _plain(t) for v, t in zip(self.variables, row, strict=True) if t is not None},
                                          ensure_ascii=False) + "\n" for row in self.rows())
            if fmt in ("turtle", "ntriples"):
                raise QueryError(f"{self.source}: SELECT results print as table, csv, tsv, json, jsonl or xml, not {fmt}")
            return self._results(fmt)
        except (OSError, RuntimeError) as e:
            raise QueryError(f"{self.source}: query failed: {' '.join(str(e).split())}") from None

    def _results(self, fmt: str) -> str:
        formats = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                   "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML}
        if fmt not in formats:
            raise QueryError(f"{self.source}: ASK results print as table, json, xml, csv or tsv, not {fmt}")
        solutions: ox.QuerySolutions | ox.QueryBoolean
        if isinstance(self.raw, ox.QuerySolutions) and (self.max_rows is not None or self._rows is not None):
            # the rows read so far (bounded), handed to Oxigraph's own writer: same bytes, one execution
            solutions = ox.parse_query_results(_results_json(self.variables, self.rows()), ox.QueryResultsFormat.JSON)
        else:
            solutions = self.raw  # type: ignore[assignment]
        out = solutions.serialize(format=formats[fmt])
        assert out is not None
        text = out.decode("utf-8")
        return text if text.endswith("\n") else text + "\n"

    def _graph(self, fmt: str) -> str:
        if fmt not in ("table", "turtle", "ntriples"):
            raise QueryError(f"{self.source}: CONSTRUCT and DESCRIBE results print as turtle or ntriples, not {fmt}")
        triples = self.triples()
        if fmt == "ntriples":
            out = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        else:
            out = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        assert out is not None
        return out.decode("utf-8")


def _term_json(term: ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple) -> dict[str, object]:
    """One term in the SPARQL 1.1 JSON results format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _term_json(term.subject), "predicate": _term_json(term.predicate),
                                        "object": _term_json(term.object)}}


def _results_json(variables: Sequence[str], rows: Sequence[Sequence[ox.NamedNode | ox.Literal | ox.BlankNode | None]]) -> str:
    bindings = [{v: _term_json(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
    return json.dumps({"head": {"vars": list(variables)}, "results": {"bindings": bindings}})


def run_query(store: object, query: NamedQuery | str, params: Mapping[str, str] | None = None,
              vocab: Vocabulary | None = None, *, max_rows: int | None = None) -> QueryResult:
    """Bind ``params`` into ``query`` and run it on ``store`` (an ``AllianceStore``) once.

    The default graph is the union of data and reference graphs, and the
    prefixes of ``graph.rdf.PREFIXES`` are declared.  With ``max_rows``, at
    most that many rows (or triples) are read; ``truncated`` then says
    whether there were more.
    """
    if isinstance(query, str):
        description, declared = parse_header(query)
        query = NamedQuery("query", query, description, declared)
    if params or query.params:  # only then is the ontology needed (actor and relation names)
        vocab = vocab if vocab is not None else getattr(store, "vocab", None)
    values = bind_values(query, params or {}, vocab)
    text = _inject(query.text, values)
    source = query.source
    try:
        raw = store.query(text)  # type: ignore[attr-defined]
    except SyntaxError as e:
        _check_syntax(query)  # point at the user's text when the error is there
        raise _syntax_error(source, text, e) from None
    except (OSError, RuntimeError, ValueError) as e:
        _check_syntax(query)
        raise QueryError(f"{source}: query failed: {' '.join(str(e).split())}") from None
    return QueryResult(raw, source, max_rows=max_rows)


# --------------------------------------------------------------------------- display


def compact(term: ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple) -> str:
    """A short form for display: ``actor:RUS`` for IRIs under a known prefix, the value of literals.

    >>> compact(ox.NamedNode("https://w3id.org/alliance-graph/actor/RUS"))
    'actor:RUS'
    >>> compact(ox.Literal("Russia", language="en"))
    'Russia'
    """
    if isinstance(term, ox.NamedNode):
        best = ""
        for prefix, ns in PREFIXES.items():
            if term.value.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
                local = term.value[len(ns):]
                if re.match(r"^[\w.-]*$", local) and not local.endswith("."):
                    best = prefix
        return f"{best}:{term.value[len(PREFIXES[best]):]}" if best else f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def _plain(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> object:
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if dt in (_XSD + "integer", _XSD + "int", _XSD + "long"):
            try:
                return int(term.value)
            except ValueError:
                return term.value
        if dt in (_XSD + "decimal", _XSD + "double", _XSD + "float"):
            try:
                return float(term.value)
            except ValueError:
                return term.value
        if dt == _XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return compact(term)


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1 for ch in s)


def _cell(term: ox.NamedNode | ox.Literal | ox.BlankNode | None, limit: int) -> str:
    if term is None:
        return ""
    s = " ".join(compact(term).split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def format_table(variables: Sequence[str], rows: Sequence[Sequence[ox.NamedNode | ox.Literal | ox.BlankNode | None]],
                 *, max_width: int = 80) -> str:
    """Rows as an aligned text table with a header line; numbers right-aligned.

    >>> print(format_table(["a", "n"], [[ox.NamedNode("https://w3id.org/alliance-graph/actor/RUS"), ox.Literal(12)]]), end="")
    a           n
    ---------  --
    actor:RUS  12
    """
    cells = [[_cell(t, max_width) for t in row] for row in rows]
    numeric = [
        bool(rows) and all(row[i] is None or (isinstance(row[i], ox.Literal) and _INTEGER.match(row[i].value) is not None)
                           for row in rows)
        for i in range(len(variables))
    ]
    widths = [max([_width(v)] + [_width(r[i]) for r in cells]) for i, v in enumerate(variables)]

    def line(values: Sequence[str]) -> str:
        parts = []
        for i, v in enumerate(values):
            pad = " " * (widths[i] - _width(v))
            parts.append(pad + v if numeric[i] else v + pad)
        return "  ".join(parts).rstrip()

    out = [line(list(variables)), "  ".join("-" * w for w in widths)]
    out.extend(line(r) for r in cells)
    return "\n".join(out) + "\n"
