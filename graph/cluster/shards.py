"""Shards: what one task writes (N-Quads or JSON Lines), and the ``_SUCCESS`` manifest that lists them.

A shard is written atomically under a name fixed by its task, so a task
that Dask runs again (its worker died, say) replaces its shard instead of
adding a second one.  The manifest is written last, only when every task
finished; it names each shard with its counts and SHA-256.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..edges import support_quads
from ..errors import InputError
from ..export import write_atomic
from ..model import Article, Fact
from ..rdf import article_triples, claim_iri, claim_triples
from ..store import to_ox
from ..vocab import ACTOR, Vocabulary

__all__ = ["SHARD_SUFFIXES", "MANIFEST", "ShardInfo", "Manifest", "nquads_of", "jsonl_of", "write_shard",
           "write_manifest", "read_manifest", "sha256_file"]

SHARD_SUFFIXES = {"nquads": ".nq", "jsonl": ".jsonl"}
MANIFEST = "_SUCCESS"


def nquads_of(records: Iterable[tuple[Article, Sequence[Fact]]], vocab: Vocabulary) -> bytes:
    """The articles, claims and edges of ``records`` as sorted N-Quads, one line each.

    The same quads as ``AllianceStore.write_article`` writes for extracted facts
    (articles, claims and edges in the default graph, the edges' links to their
    claims in ``edges.DERIVED_GRAPH``), so loading the shards gives the store
    that ingesting the articles gives.
    """
    lines: set[str] = set()
    for article, facts in records:
        triples = list(article_triples(article))
        supported = []
        for fact in facts:
            triples.extend(claim_triples(fact, vocab))
            if not fact.rejected:
                supported.append((str(claim_iri(fact, vocab)), str(vocab.relation(fact.relation).iri),
                                  ACTOR + fact.subject, ACTOR + fact.object))
        lines.update(f"{to_ox(s)} {to_ox(p)} {to_ox(o)} .\n" for s, p, o in triples)
        lines.update(f"{q} .\n" for q in support_quads(supported, vocab))  # edges, and their links to the claims
    return "".join(sorted(lines)).encode("utf-8")


def jsonl_of(records: Iterable[tuple[Article, Sequence[Fact]]]) -> bytes:
    """One JSON object per fact, as ``alliances extract --format jsonl`` prints them."""
    return "".join(json.dumps(f.as_dict(), ensure_ascii=False) + "\n" for _a, facts in records for f in facts).encode("utf-8")


@dataclass(frozen=True)
class ShardInfo:
    name: str
    articles: int
    facts: int
    lines: int
    bytes: int
    sha256: str


def write_shard(out_dir: Path, stem: str, fmt: str, data: bytes, articles: int, facts: int) -> ShardInfo:
    """Write one shard atomically (temporary file + rename) and describe it."""
    name = stem + SHARD_SUFFIXES[fmt]
    write_atomic(out_dir / name, data)
    return ShardInfo(name, articles, facts, data.count(b"\n"), len(data), hashlib.sha256(data).hexdigest())


@dataclass
class Manifest:
    """What ``_SUCCESS`` says: the format, totals, every shard, and the inputs refused."""

    format: str
    shards: list[ShardInfo]
    errors: list[str] = field(default_factory=list)

    @property
    def articles(self) -> int:
        return sum(s.articles for s in self.shards)

    @property
    def facts(self) -> int:
        return sum(s.facts for s in self.shards)

    def to_json(self) -> str:
        return json.dumps({"format": self.format, "tasks": len(self.shards), "articles": self.articles,
                           "facts": self.facts, "lines": sum(s.lines for s in self.shards),
                           "shards": [asdict(s) for s in self.shards], "errors": self.errors}, indent=1) + "\n"


def write_manifest(out_dir: Path, manifest: Manifest) -> Path:
    path = out_dir / MANIFEST
    write_atomic(path, manifest.to_json())
    return path


def read_manifest(out_dir: Path) -> Manifest:
    """The manifest of a shard folder; an ``InputError`` when it is missing or unreadable."""
    path = out_dir / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        shards = [ShardInfo(**s) for s in data["shards"]]
        return Manifest(str(data["format"]), shards, list(data.get("errors", [])))
    except FileNotFoundError:
        raise InputError(out_dir, f"no {MANIFEST} manifest: the extraction did not finish "
                                  "(run it again, or name the shard files)") from None
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise InputError(path, f"unreadable manifest: {' '.join(str(e).split())[:200]}") from None


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
