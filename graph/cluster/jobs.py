"""The three cluster jobs the CLI runs: records back in input order, shards in a folder, ingest into a store."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import AllianceGraphError, InputError
from ..model import Article, Fact
from ..store import AllianceStore
from ..vocab import Vocabulary
from .client import ClusterJob
from .inputs import expand_inputs, is_url
from .shards import MANIFEST, Manifest, ShardInfo, write_manifest

__all__ = ["extract_records", "extract_shards", "ingest_cluster", "worker_model"]


def worker_model(model: str | None) -> Any:
    """What the workers get: ``"rules"`` or the loaded model (so workers need no access to its file)."""
    if model == "rules":
        return "rules"
    from ..extract import load_model

    return load_model(model)


def extract_records(spec: str, paths: Sequence[str], vocab: Vocabulary, model: str | None, *, max_bytes: int,
                    task_articles: int, echo: Callable[[str], None],
                    on_error: Callable[[str], None]) -> Iterator[tuple[Article, list[Fact]]]:
    """Each article with its facts, extracted on the cluster, in input order."""
    files = expand_inputs(paths)
    with ClusterJob(spec, vocab, worker_model(model), echo) as job:
        tasks = job.plan(files, task_articles, on_error)
        waiting: dict[int, Any] = {}
        nxt = 0
        for i, result in job.run(tasks, max_bytes):
            for e in result.errors:
                on_error(e)
            waiting[i] = result
            while nxt in waiting:
                yield from waiting.pop(nxt).records or []
                nxt += 1


def extract_shards(spec: str, paths: Sequence[str], fmt: str, out_dir: Path, vocab: Vocabulary, model: str | None, *,
                   max_bytes: int, task_articles: int, echo: Callable[[str], None],
                   on_error: Callable[[str], None]) -> Manifest:
    """One shard per task in ``out_dir``, then the ``_SUCCESS`` manifest (written only when every task finished)."""
    files = expand_inputs(paths)
    if is_url(str(out_dir)):
        raise InputError(out_dir, "--out must be a folder that every worker can write (a shared file system)")
    out_dir = Path(out_dir).resolve()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / MANIFEST).unlink(missing_ok=True)  # the folder is not complete until this run says so
    except OSError as e:
        raise InputError(out_dir, f"cannot write the output folder: {e.strerror or e}") from None
    errors: list[str] = []

    def refuse(message: str) -> None:
        errors.append(message)
        on_error(message)

    with ClusterJob(spec, vocab, worker_model(model), echo) as job:
        tasks = job.plan(files, task_articles, refuse)
        shards: list[ShardInfo | None] = [None] * len(tasks)
        for i, result in job.run(tasks, max_bytes, fmt, str(out_dir)):
            for e in result.errors:
                refuse(e)
            shards[i] = result.shard
    for tmp in out_dir.glob(".part-*.tmp"):  # left by a worker that died while writing
        with contextlib.suppress(OSError):
            tmp.unlink()
    manifest = Manifest(fmt, [s for s in shards if s is not None], errors)
    write_manifest(out_dir, manifest)
    return manifest


def ingest_cluster(spec: str, paths: Sequence[str], store: AllianceStore, vocab: Vocabulary, model: str | None, *,
                   max_bytes: int, task_articles: int, echo: Callable[[str], None],
                   on_error: Callable[[AllianceGraphError | str], None]) -> Any:
    """Extract the articles on the cluster and write each here, in one transaction; curated facts are read here."""
    from .. import pipeline
    from ..loaders import is_fact_file

    files = expand_inputs(paths)
    facts = [Path(f) for f in files if is_fact_file(Path(f)) and not is_url(f)]
    articles = [f for f in files if not (is_fact_file(Path(f)) and not is_url(f))]
    result = pipeline.BatchResult()
    before = store.count_claims()

    def refuse(message: str) -> None:
        result.errors.append(AllianceGraphError(message))
        on_error(message)

    if articles:
        with ClusterJob(spec, vocab, worker_model(model), echo) as job:
            tasks = job.plan(articles, task_articles, refuse)
            result.files += len({p.name for t in tasks for p in t.parts})
            for _i, task_result in job.run(tasks, max_bytes):
                for e in task_result.errors:
                    refuse(e)
                for article, found in task_result.records or []:
                    try:
                        result.claims += store.write_article(article, found, replace_extracted=True)
                    except AllianceGraphError as e:
                        result.errors.append(e)
                        on_error(e)
                        continue
                    result.articles += 1
                    result.facts += len(found)
    if facts:
        curated = pipeline.ingest_files(facts, store, vocab, extract=False, max_bytes=max_bytes, on_error=on_error)
        result.files += curated.files
        result.facts += curated.facts
        result.errors.extend(curated.errors)
    return result.counted(store, before)
