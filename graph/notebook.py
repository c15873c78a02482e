"""The library in Jupyter: objects that display themselves.

>>> from graph import load_vocabulary, notebook
>>> from graph.store import AllianceStore
>>> store = AllianceStore("memory", load_vocabulary())
>>> p = notebook.Page("<html><body><p>R&D \\"quoted\\"</p></body></html>", height=300)
>>> p._repr_html_().startswith('<iframe srcdoc="&lt;html&gt;')
True

- ``page(store, ...)`` is the interactive network page (what ``alliances
  render`` writes, offline, nothing fetched) as a ``Page``: a notebook shows
  it in an ``<iframe srcdoc>``, so its scripts and styles stay apart from
  the notebook's; ``.html`` is the page, ``.save(path)`` writes it.
- ``query(store, text_or_name, **params)`` runs SPARQL (or a named query)
  and returns a ``QueryResult``; ``.to_dataframe()`` makes a pandas table.
- ``tables(store, ...)`` is the actor network as pandas tables: nodes,
  edges and claims (the columns of ``alliances export --format csv``).

pandas comes with the ``notebook`` extra: ``pip install 'alliance-graph[notebook]'``.
"""

from __future__ import annotations

import html as _html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import AllianceGraphError
from .query import QueryResult

__all__ = ["Page", "page", "query", "tables", "require_pandas"]


def require_pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise AllianceGraphError("this needs pandas: pip install 'alliance-graph[notebook]'") from None
    return pandas


class Page:
    """An HTML page that Jupyter shows inline (``_repr_html_``: an iframe with the page as ``srcdoc``)."""

    def __init__(self, html: str, *, height: int = 640) -> None:
        self.html = html
        self.height = height

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{_html.escape(self.html, quote=True)}" '
                f'style="width:100%;height:{int(self.height)}px;border:1px solid #ddd" '
                'sandbox="allow-scripts allow-popups" title="alliance-graph page"></iframe>')

    def save(self, path: str | Path) -> Path:
        """Write the page (atomically); the file works offline on its own."""
        from .export import write_atomic

        write_atomic(Path(path), self.html)
        return Path(path)

    def __repr__(self) -> str:
        return f"<Page: {len(self.html.encode('utf-8')) // 1024:,} KB; shown inline in a notebook, .save(path) to keep>"


def page(store: Any, *, title: str = "Alliance graph", focus: str | None = None, depth: int = 1,
         relations: Sequence[str] | None = None, since: str | None = None, until: str | None = None,
         min_sources: int = 1, max_nodes: int | None = None, height: int = 640) -> Page:
    """The interactive page of ``store`` (filters as in ``alliances render``)."""
    from .pipeline import render_page

    return Page(render_page(store, title=title, focus=focus, depth=depth, relations=relations, since=since,
                            until=until, min_sources=min_sources, max_nodes=max_nodes), height=height)


def query(store: Any, text: str, *, max_rows: int | None = 100_000, **params: str) -> QueryResult:
    """SPARQL text or a named query (``allies``, ``between`` …) with its parameters as keywords."""
    from .query import QUERIES_DIR, resolve_query, run_query

    named = resolve_query(text, QUERIES_DIR)
    return run_query(store, named, params, store.vocab, max_rows=max_rows)


def tables(store: Any, *, relations: Sequence[str] | None = None, since: str | None = None, until: str | None = None,
           min_sources: int = 1) -> dict[str, Any]:
    """``{"nodes": DataFrame, "edges": DataFrame, "claims": DataFrame}`` of the actor network."""
    import io

    from .formats import actor_network, to_csv

    pd = require_pandas()
    G = actor_network(store, relations=relations, since=since, until=until, min_sources=min_sources)
    files = to_csv(G, store.vocab)
    return {name.removesuffix(".csv"): pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])
            for name, text in files.items()}
