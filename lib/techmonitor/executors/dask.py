"""The Dask executor (``--executor dask``): the same worker code on a Dask cluster.

One kernel per Dask worker thread, kept in a per-process registry and shut down by a worker
plugin when the Dask worker closes.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

from techmonitor.errors import TechmonitorError
from techmonitor.executors import Event, failed_result
from techmonitor.worker import Task, TaskResult, Worker, WorkerSettings

_DASK_WORKERS: dict[tuple[int, WorkerSettings], Worker] = {}
_DASK_LOCK = threading.Lock()


def _dask_worker(settings: WorkerSettings) -> Worker:
    """The kept-alive worker of the current Dask worker thread (created on first use)."""
    key = (threading.get_ident(), settings)
    with _DASK_LOCK:
        worker = _DASK_WORKERS.get(key)
        if worker is None:
            worker = Worker(settings, name=f"dask-{os.getpid()}-{threading.get_ident()}")
            _DASK_WORKERS[key] = worker
    return worker


def dask_process(task: Task, settings: WorkerSettings) -> TaskResult:
    """Run one report on a Dask worker (the function the Dask executor submits)."""
    return _dask_worker(settings).process(task)


def close_dask_workers() -> None:
    """Stop every kernel of this process (Dask worker teardown and process exit)."""
    with _DASK_LOCK:
        workers = list(_DASK_WORKERS.values())
        _DASK_WORKERS.clear()
    for worker in workers:
        with contextlib.suppress(Exception):
            worker.close()


class KernelPlugin:
    """Dask worker plugin: stops the kept-alive kernels when the Dask worker closes."""

    name = "techmonitor-kernels"

    def setup(self, worker: Any) -> None:
        import atexit

        atexit.register(close_dask_workers)

    def teardown(self, worker: Any) -> None:
        close_dask_workers()


class DaskExecutor:
    """Run reports on a Dask cluster.

    Parameters
    ----------
    settings
        Worker settings; the project folder must be readable at the same path on the workers
        (results travel back to this process, so the output folder need not be shared).
    scheduler
        Address of a running scheduler (``tcp://host:8786``); None starts a LocalCluster.
    workers
        Worker processes of the LocalCluster (one thread and one kernel each).
    """

    def __init__(self, settings: WorkerSettings, *, scheduler: str | None = None,
                 workers: int = 2) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise TechmonitorError(
                "--executor dask needs Dask: pip install 'techmonitor[dask]'") from exc
        self.settings = settings
        self.cluster: Any = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout="10s")
            except OSError as exc:
                raise TechmonitorError(f"--scheduler {scheduler}: cannot connect ({exc})"
                                       ) from exc
        else:
            self.cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1,
                                        processes=True, dashboard_address=None)
            self.client = Client(self.cluster)
        self._register_plugin()
        self.futures: list[Any] = []

    def _register_plugin(self) -> None:
        from distributed.diagnostics.plugin import WorkerPlugin

        plugin_cls = type("TechmonitorKernelPlugin", (KernelPlugin, WorkerPlugin), {})
        self.client.register_plugin(plugin_cls(), name=KernelPlugin.name)

    def run(self, tasks: Sequence[Task]) -> Iterator[Event]:
        from distributed import as_completed

        by_future: dict[Any, Task] = {}
        now = time.time()
        for task in tasks:
            task.queued_at = now
            fut = self.client.submit(dask_process, task, self.settings, pure=False,
                                     key=f"techmonitor-{task.job.report_id}-{now:.6f}")
            by_future[fut] = task
        self.futures = list(by_future)
        for fut in as_completed(self.futures):
            task = by_future[fut]
            try:
                result = fut.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker fails one report
                result = failed_result(task, f"Dask task failed: {type(exc).__name__}: {exc}")
            yield Event("done", result.worker.get("name", "dask"), task.index, result)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            if self.futures:
                self.client.cancel(self.futures)
        with contextlib.suppress(Exception):
            self.client.close()
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close()

    def abort(self) -> None:
        self.close()
