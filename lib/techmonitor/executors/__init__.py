"""Executors: where the workers run; this module holds what every executor reports.

* :class:`~techmonitor.executors.local.InlineExecutor` (``--workers 0``): one worker in this
  process; for debugging.
* :class:`~techmonitor.executors.local.ProcessExecutor` (default): N worker processes
  (``spawn``), each with one kept-alive kernel, pulling reports from a shared queue (the slow
  reports do not hold up a fixed share).
* :class:`~techmonitor.executors.dask.DaskExecutor` (``--executor dask``): the same worker
  code on a Dask cluster; one kernel per Dask worker thread, kept in a per-process registry
  and shut down by a worker plugin when the Dask worker closes.

An executor yields :class:`Event` objects: ``start`` (a worker took a report), ``done`` (a
:class:`~techmonitor.worker.TaskResult`) and ``ready`` (a worker's kernel is warm).

Clean stop: workers run in their own process group, so Ctrl-C reaches only the batch process,
which then kills every kernel it was told about and terminates the workers. Kernels are
started in their own session with ``JPY_PARENT_PID`` set, so a kernel whose worker dies exits
by itself, and every worker watches its parent: if the batch process is killed (even with
``SIGKILL``) the worker kills its kernel and exits.
"""

from __future__ import annotations

from dataclasses import dataclass

from techmonitor.worker import Task, TaskResult


@dataclass
class Event:
    """Something an executor reports: ``ready``, ``start`` or ``done``."""

    kind: str
    worker: str
    index: int | None = None
    result: TaskResult | None = None
    seconds: float | None = None


def failed_result(task: Task, message: str) -> TaskResult:
    """A result for a report that no worker could finish."""
    return TaskResult(index=task.index, report=task.job.report_id, key=task.key,
                      status="failed", title=task.job.params.display_name(),
                      error=f"report {task.job.report_id}: {message}", stage="worker")

