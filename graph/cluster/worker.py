"""What runs on the Dask workers: the extractor set up once per worker, and one task.

``ExtractorSetup`` is a worker plugin: every worker (and every worker that
joins or is restarted later) gets the vocabulary and the model once, loads
the spaCy pipeline and compiles the gazetteer for them, and keeps them in
this module's state.  Tasks only name the setup they need.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from ..errors import AllianceGraphError
from ..model import Article, Fact
from ..vocab import Vocabulary
from .inputs import Task, index_jsonl, read_part
from .shards import ShardInfo, jsonl_of, nquads_of, write_shard

__all__ = ["ExtractorSetup", "TaskResult", "run_task", "index_task", "worker_state"]

_STATE: dict[str, tuple[Vocabulary, Any]] = {}  # setup key -> (vocabulary, model or "rules")


class ExtractorSetup(WorkerPlugin):
    """Loads the vocabulary, the model and the spaCy pipeline once on each worker."""

    def __init__(self, vocab: Vocabulary, model: Any) -> None:
        self.vocab = vocab
        self.model = model  # a graph.extract.Model, or "rules"
        digest = hashlib.sha256(pickle.dumps((str(vocab.directory), len(vocab.actors), _model_name(model)))).hexdigest()
        self.key = digest[:12]
        self.name = f"alliance-graph-extractor-{self.key}"

    def setup(self, worker: Any = None) -> None:
        from ..extract import load_pipeline
        from ..extract.compiled import compiled

        load_pipeline()
        compiled(self.vocab)
        _STATE[self.key] = (self.vocab, self.model)


def _model_name(model: Any) -> str:
    return model if isinstance(model, str) else f"{model.name}:{len(model.features)}"


def worker_state(key: str) -> tuple[Vocabulary, Any]:
    try:
        return _STATE[key]
    except KeyError:
        raise RuntimeError(f"this worker has no extractor set up ({key}); was the plugin registered?") from None


@dataclass
class TaskResult:
    """What a task sends back: counts, refused inputs, the shard it wrote or the records themselves."""

    task: str
    articles: int = 0
    facts: int = 0
    errors: list[str] = field(default_factory=list)
    shard: ShardInfo | None = None
    records: list[tuple[Article, list[Fact]]] | None = None


def run_task(task: Task, key: str, max_bytes: int, fmt: str | None = None, out_dir: str | None = None) -> TaskResult:
    """Read the task's parts, extract, and write its shard (``out_dir``) or send the records back.

    An input that cannot be used adds nothing and is reported; the others go on.
    """
    from ..extract import extract_many

    vocab, model = worker_state(key)
    result = TaskResult(task.name)
    articles: list[Article] = []
    for part in task.parts:
        try:
            articles.extend(read_part(part, max_bytes, on_error=lambda e: result.errors.append(str(e))))
        except AllianceGraphError as e:
            result.errors.append(str(e))
    found = extract_many(articles, vocab, model=model) if articles else []
    records = list(zip(articles, found, strict=True))
    result.articles = len(articles)
    result.facts = sum(len(f) for f in found)
    if out_dir is None:
        result.records = records
    else:
        assert fmt is not None
        data = nquads_of(records, vocab) if fmt == "nquads" else jsonl_of(records)
        result.shard = write_shard(Path(out_dir), task.name, fmt, data, result.articles, result.facts)
    return result


def index_task(name: str, every: int) -> tuple[str, tuple[int, list[int]] | None, str | None]:
    """``index_jsonl`` on a worker; an input error comes back as its message."""
    try:
        return name, index_jsonl(name, every), None
    except AllianceGraphError as e:
        return name, None, str(e)
