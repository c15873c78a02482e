"""Extraction beyond one machine: Dask tasks, sharded output, bulk loads.

1. ``inputs``  folders, globs, files and fsspec URLs → tasks (whole files, or line ranges of JSON Lines);
2. ``worker``  the extractor set up once per worker (a worker plugin) and the task that runs on it;
3. ``shards``  what a task writes (N-Quads or JSON Lines, atomically, named after the task) and ``_SUCCESS``;
4. ``client``  connecting (``local[:N]`` or a scheduler address), mapping tasks, progress;
5. ``jobs``    the CLI's jobs: records in input order, shards in a folder, ingest into the store;
6. ``bulk``    ``alliances load``: shards into the local store with Oxigraph's bulk loader.
"""

from __future__ import annotations

__all__ = ["DEFAULT_TASK_ARTICLES"]

DEFAULT_TASK_ARTICLES = 200  # articles per task: about 10-20 s of work on one core
