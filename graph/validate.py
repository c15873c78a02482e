"""SHACL validation of the store against ``ontology/shapes.ttl``."""

from __future__ import annotations

from rdflib import Graph

from .errors import InputError
from .store import AllianceStore

__all__ = ["validate"]


def validate(store: AllianceStore) -> tuple[bool, str]:
    """Return ``(conforms, report_text)`` for data plus reference graph."""
    import pyshacl

    shapes_path = store.vocab.directory / "shapes.ttl"
    shapes = Graph()
    try:
        shapes.parse(shapes_path, format="turtle")
    except Exception as e:  # rdflib raises several parser error types
        raise InputError(shapes_path, f"not valid Turtle: {e}") from e
    conforms, _report_graph, text = pyshacl.validate(
        store.union_graph(), shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    return bool(conforms), str(text)
