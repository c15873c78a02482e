"""The client side of a cluster job: connect, set the workers up, map tasks, report progress.

``--cluster ADDRESS`` is a running Dask scheduler (``tcp://host:8786``);
``--cluster local[:N]`` starts a ``LocalCluster`` of N worker processes
(one thread each; N defaults to the number of CPUs) for the length of the job.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..errors import AllianceGraphError
from ..vocab import Vocabulary
from .inputs import Task, is_jsonl, plan_tasks
from .worker import ExtractorSetup, TaskResult, index_task, run_task

__all__ = ["ClusterError", "ClusterJob", "Progress", "parse_cluster"]

RETRIES = 2  # a task that raises is tried this many more times; a dead worker's tasks are moved by Dask itself


class ClusterError(AllianceGraphError):
    """The cluster cannot be reached or a task failed for good."""


def parse_cluster(spec: str) -> tuple[str, int | None]:
    """``("local", N)`` for ``local`` / ``local:N``, else ``("address", None)``.

    >>> parse_cluster("local:2"), parse_cluster("tcp://10.0.0.5:8786")
    (('local', 2), ('tcp://10.0.0.5:8786', None))
    """
    if spec == "local" or spec.startswith("local:"):
        n = spec.partition(":")[2]
        if not n:
            return "local", None
        if not n.isdigit() or int(n) < 1:
            raise ClusterError(f"--cluster {spec}: expected local or local:N with N a number of workers >= 1")
        return "local", int(n)
    if not spec.strip():
        raise ClusterError("--cluster: empty scheduler address")
    return spec, None


class Progress:
    """Tasks done / total, articles per second and the time left, as one line at most every ``every`` s."""

    def __init__(self, tasks: int, articles: int, echo: Callable[[str], None], every: float = 2.0) -> None:
        self.tasks, self.articles, self.echo, self.every = tasks, articles, echo, every
        self.done = self.done_articles = self.planned_done = 0
        self.start = time.monotonic()
        self._last = 0.0

    def update(self, articles: int, planned: int) -> None:
        self.done += 1
        self.done_articles += articles
        self.planned_done += planned
        now = time.monotonic()
        if self.done == self.tasks or now - self._last >= self.every:
            self._last = now
            self.echo(self.line(now))

    def line(self, now: float | None = None) -> str:
        elapsed = max((now or time.monotonic()) - self.start, 1e-9)
        rate = self.done_articles / elapsed
        left = max(self.articles - self.planned_done, 0)
        eta = f"{left / rate:.0f} s" if rate > 0 and left else ("0 s" if not left else "unknown")
        return (f"tasks {self.done}/{self.tasks}, {self.done_articles} articles, {rate:.1f} articles/s, "
                f"ETA {eta}")


class ClusterJob:
    """A connection to a Dask cluster with the extractor set up on its workers.

    Use as a context manager: a LocalCluster it started is closed at the end.
    """

    def __init__(self, spec: str, vocab: Vocabulary, model: Any, echo: Callable[[str], None]) -> None:
        self.spec, self.vocab, self.model, self.echo = spec, vocab, model, echo
        self.client: Any = None
        self.cluster: Any = None
        self.token = uuid.uuid4().hex[:8]

    def __enter__(self) -> ClusterJob:
        from distributed import Client, LocalCluster

        where, n = parse_cluster(self.spec)
        try:
            if where == "local":
                n = n or os.cpu_count() or 1
                import dask

                # Our own workers do without what slows extraction down in a Dask worker: the
                # MALLOC_TRIM_THRESHOLD_ of 64 KiB the nanny sets (glibc hands memory back to the
                # kernel so often that spaCy's extraction takes ~20 % more CPU) and the sampling
                # profiler, which interrupts the extracting thread every 10 ms (~3 %)
                with dask.config.set({"distributed.worker.profile.enabled": False,
                                      "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
                    self.cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                                dashboard_address=":0", silence_logs=logging.ERROR)
                self.client = Client(self.cluster)
                self.echo(f"started a local Dask cluster of {n} worker processes ({self.client.scheduler.address})")
            else:
                self.client = Client(where, timeout="15s")
                self.echo(f"connected to the Dask scheduler at {where} "
                          f"({len(self.client.scheduler_info().get('workers', {}))} workers)")
        except (OSError, TimeoutError, ValueError) as e:
            self.close()
            raise ClusterError(f"cannot reach the Dask scheduler at {self.spec}: {' '.join(str(e).split())[:200]}") from None
        dashboard = self.dashboard()
        if dashboard:
            import importlib.util

            hint = "" if importlib.util.find_spec("bokeh") else " (its pages need bokeh: pip install bokeh)"
            self.echo(f"dashboard: {dashboard}{hint}")
        self.setup = ExtractorSetup(self.vocab, self.model)
        self.client.register_plugin(self.setup)
        return self

    def dashboard(self) -> str | None:
        """The Dask dashboard's address, when the scheduler serves one (it needs ``bokeh``)."""
        with contextlib.suppress(Exception):
            if "dashboard" in self.client.scheduler_info().get("services", {}):
                return str(self.client.dashboard_link)
        return None

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.close()
            self.client = None
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close()
            self.cluster = None

    # ------------------------------------------------------------------ planning

    def plan(self, files: Sequence[str], task_articles: int, on_error: Callable[[str], None]) -> list[Task]:
        """Index the JSON Lines files on the workers, then cut everything into tasks."""
        from distributed import as_completed

        jsonl = [f for f in files if is_jsonl(f)]
        index: dict[str, tuple[int, list[int]]] = {}
        bad: set[str] = set()
        if jsonl:
            futures = [self.client.submit(index_task, f, task_articles, key=f"alliances-index-{self.token}-{i}",
                                          retries=RETRIES) for i, f in enumerate(jsonl)]
            for fut in as_completed(futures):
                name, found, error = fut.result()
                if error is not None:
                    on_error(error)
                    bad.add(name)
                else:
                    index[name] = found
        return plan_tasks([f for f in files if f not in bad], index, task_articles)

    # ------------------------------------------------------------------ running

    def run(self, tasks: Sequence[Task], max_bytes: int, fmt: str | None = None,
            out_dir: str | None = None) -> Iterator[tuple[int, TaskResult]]:
        """Run every task; yield (its index, its result) as each finishes, with progress on ``echo``."""
        from distributed import as_completed

        progress = Progress(len(tasks), sum(t.articles for t in tasks), self.echo)
        futures = []
        index = {}
        for i, task in enumerate(tasks):
            fut = self.client.submit(run_task, task, self.setup.key, max_bytes, fmt, out_dir,
                                     key=f"alliances-{task.name}-{self.token}", retries=RETRIES)
            futures.append(fut)
            index[fut.key] = i
        for fut in as_completed(futures):
            i = index[fut.key]
            try:
                result: TaskResult = fut.result()
            except Exception as e:  # the task failed on every try, or its workers kept dying
                raise ClusterError(f"task {tasks[i].name} ({', '.join(p.label for p in tasks[i].parts[:3])}) failed: "
                                   f"{type(e).__name__}: {' '.join(str(e).split())[:300]}") from None
            progress.update(result.articles, tasks[i].articles)
            fut.release()
            yield i, result
