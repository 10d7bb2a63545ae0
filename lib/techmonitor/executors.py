"""Executors: where the workers run.

* :class:`InlineExecutor` (``--workers 0``): one worker in this process; for debugging.
* :class:`ProcessExecutor` (default): N worker processes (``spawn``), each with one kept-alive
  kernel, pulling reports from a shared queue (the slow reports do not hold up a fixed share).
* :class:`DaskExecutor` (``--executor dask``): the same worker code on a Dask cluster; one
  kernel per Dask worker thread, kept in a per-process registry and shut down by a worker
  plugin when the Dask worker closes.

An executor yields :class:`Event` objects: ``start`` (a worker took a report), ``done`` (a
:class:`~techmonitor.worker.TaskResult`) and ``ready`` (a worker's kernel is warm).

Clean stop: workers run in their own process group, so Ctrl-C reaches only the batch process,
which then kills every kernel it was told about and terminates the workers. Kernels are
started in their own session with ``JPY_PARENT_PID`` set, so a kernel whose worker dies exits
by itself, and every worker watches its parent: if the batch process is killed (even with
``SIGKILL``) the worker kills its kernel and exits.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import queue
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from techmonitor.errors import TechmonitorError
from techmonitor.worker import Task, TaskResult, Worker, WorkerSettings


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


#: prefix of a batch's scratch folder in the system's temporary folder
SCRATCH_PREFIX = "techmonitor-batch-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def scratch_dir() -> Path:
    """A new scratch folder for one batch, named with this process id.

    A batch that is killed (``SIGKILL``, a lost session) runs no clean-up, so the folders of
    batches whose process is gone are removed here first, as are unnamed ones left by
    versions before the process id was in the name.
    """
    tmp = Path(tempfile.gettempdir())
    for old in tmp.glob(f"{SCRATCH_PREFIX}*"):
        owner = old.name[len(SCRATCH_PREFIX):].split("-", 1)[0]
        if owner.isdigit() and _pid_alive(int(owner)):
            continue
        try:
            if not owner.isdigit() and (any(old.iterdir())
                                        or time.time() - old.stat().st_mtime < 3600):
                continue  # an old-style folder that may still be in use: leave it
        except OSError:  # removed meanwhile, or not ours to read
            continue
        shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"))


#: the stages a worker reports, in words for a failure message
STAGE_WORDS = {"execute": "executing the notebook", "html": "rendering the HTML",
               "pdf": "rendering the PDF"}


def death_message(exitcode: int | None, stage: str | None) -> str:
    """Why a worker process ended, in one line: exit code (and signal) and its stage."""
    how = f"exit code {exitcode}"
    if exitcode is not None and exitcode < 0:
        with contextlib.suppress(ValueError):
            how += f", {signal.Signals(-exitcode).name}"
    where = f" while {STAGE_WORDS.get(stage, stage)}" if stage else ""
    return f"worker process died{where} ({how})"


def kill_pid(pid: int | None, *, only_kernels: bool = True) -> bool:
    """SIGKILL ``pid`` if it still runs (and, by default, is a Jupyter kernel)."""
    if not pid:
        return False
    if only_kernels:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            cmdline = b"ipykernel"  # no /proc: trust the pid we were given
        if b"ipykernel" not in cmdline:
            return False
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return False
    return True


# -- in-process --------------------------------------------------------------------------------


class InlineExecutor:
    """One worker in this process (``--workers 0``)."""

    def __init__(self, settings: WorkerSettings) -> None:
        self.settings = settings
        self.worker: Worker | None = None

    def run(self, tasks: Sequence[Task]) -> Iterator[Event]:
        if self.worker is None:
            self.worker = Worker(self.settings, name="inline")
        for task in tasks:
            yield Event("start", self.worker.name, task.index)
            result = self.worker.process(task)
            yield Event("done", self.worker.name, task.index, result)

    def close(self) -> None:
        if self.worker is not None:
            self.worker.close()
            self.worker = None


# -- local processes ---------------------------------------------------------------------------


def _worker_main(wid: str, settings: WorkerSettings, scratch: str, tasks: Any, results: Any,
                 parent: int) -> None:
    """Body of one worker process (module-level so that ``spawn`` can import it)."""
    os.setpgrp()  # Ctrl-C goes to the batch process only; it stops us
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    holder: dict[str, Worker] = {}

    def watchdog() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                w = holder.get("w")
                kill_pid(w.kernel_pid if w else None)
                os._exit(3)

    threading.Thread(target=watchdog, name="parent-watchdog", daemon=True).start()

    def on_kernel(pid: int | None) -> None:
        results.put(("kernel", wid, pid, None))

    worker = Worker(settings, name=wid, scratch=Path(scratch), on_kernel_start=on_kernel)
    holder["w"] = worker
    try:
        try:
            seconds = worker.start()
        except Exception as exc:  # noqa: BLE001 - reported to the batch, which fails the reports
            results.put(("fatal", wid, f"kernel could not start: {type(exc).__name__}: {exc}",
                         None))
            return
        results.put(("ready", wid, worker.kernel_pid, seconds))
        while True:
            task = tasks.get()
            if task is None:
                break
            results.put(("start", wid, task.index, None))
            result = worker.process(
                task, on_start=on_kernel,
                on_stage=lambda stage: results.put(("stage", wid, stage, None)))
            results.put(("done", wid, result, None))
    finally:
        worker.close()


class ProcessExecutor:
    """N local worker processes, one kept-alive kernel each.

    Parameters
    ----------
    settings
        Worker settings.
    workers
        Number of worker processes (at most the number of tasks are started).
    scratch
        Folder for the workers' scratch files (removed by the caller).
    """

    def __init__(self, settings: WorkerSettings, workers: int, scratch: Path) -> None:
        self.settings = settings
        self.n = max(1, workers)
        self.scratch = scratch
        self.ctx = mp.get_context("spawn")
        self.procs: dict[str, Any] = {}
        self.kernel_pids: set[int] = set()
        self.tasks: Any = None
        self.results: Any = None
        self._spawned = 0

    def _spawn(self) -> str:
        self._spawned += 1
        wid = f"worker-{self._spawned}"
        proc = self.ctx.Process(
            target=_worker_main, name=f"techmonitor-{wid}", daemon=True,
            args=(wid, self.settings, str(self.scratch), self.tasks, self.results, os.getpid()))
        proc.start()
        self.procs[wid] = proc
        return wid

    def start(self, count: int) -> None:
        """Start the worker processes before the tasks are known (they warm up meanwhile)."""
        if self.tasks is None:
            self.tasks = self.ctx.Queue()
            self.results = self.ctx.Queue()
            for _ in range(min(self.n, max(count, 1))):
                self._spawn()

    def run(self, tasks: Sequence[Task]) -> Iterator[Event]:
        self.start(len(tasks))
        by_index = {t.index: t for t in tasks}
        now = time.time()
        for task in tasks:
            task.queued_at = now
            self.tasks.put(task)
        for _ in range(len(self.procs)):
            self.tasks.put(None)
        pending = set(by_index)
        inflight: dict[str, int] = {}
        stages: dict[str, str] = {}
        finished: set[str] = set()
        ready: set[str] = set()
        fatal = ""
        while pending:
            try:
                kind, wid, value, seconds = self.results.get(timeout=0.5)
            except queue.Empty:
                for wid, proc in list(self.procs.items()):
                    if wid in finished or proc.is_alive():
                        continue
                    finished.add(wid)
                    if wid not in ready:
                        fatal = fatal or (
                            f"worker process {wid} died while starting (exit code "
                            f"{proc.exitcode}); a script that calls run_batch must guard it "
                            "with `if __name__ == '__main__':`")
                    if wid in inflight:
                        index = inflight.pop(wid)
                        pending.discard(index)
                        failed = failed_result(by_index[index],
                                               death_message(proc.exitcode, stages.get(wid)))
                        failed.stage = stages.get(wid) or failed.stage
                        yield Event("done", wid, index, failed)
                        if pending and self._spawned < 3 * self.n:
                            self.tasks.put(None)
                            self._spawn()
                if pending and all(w in finished for w in self.procs):
                    for index in sorted(pending):
                        yield Event("done", "-", index, failed_result(
                            by_index[index], fatal or "no worker left to run it"))
                    pending.clear()
                continue
            if kind == "kernel" and value:
                self.kernel_pids.add(value)
            elif kind == "ready":
                ready.add(wid)
                if value:
                    self.kernel_pids.add(value)
                yield Event("ready", wid, seconds=seconds)
            elif kind == "fatal":
                fatal = str(value)
                finished.add(wid)
            elif kind == "stage":
                stages[wid] = str(value)
            elif kind == "start":
                stages.pop(wid, None)
                inflight[wid] = value
                yield Event("start", wid, value)
            elif kind == "done":
                inflight.pop(wid, None)
                pending.discard(value.index)
                yield Event("done", wid, value.index, value)

    def close(self) -> None:
        """Stop workers and kill every kernel they started (also after Ctrl-C)."""
        procs = list(self.procs.values())
        if self.tasks is not None:
            deadline = time.monotonic() + 10
            for proc in procs:  # normal end: workers got their sentinel
                proc.join(timeout=max(0.0, deadline - time.monotonic()))
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
        for proc in procs:
            proc.join(timeout=2)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=2)
        for pid in self.kernel_pids:
            kill_pid(pid)
        for q in (self.tasks, self.results):
            if q is not None:
                q.close()
                q.cancel_join_thread()
        self.procs.clear()

    def abort(self) -> None:
        """Stop now (Ctrl-C): kill kernels first so no report keeps computing, then workers."""
        for pid in self.kernel_pids:
            kill_pid(pid)
        for proc in self.procs.values():
            if proc.is_alive():
                proc.kill()
        for proc in self.procs.values():
            proc.join(timeout=2)
        self.close()


# -- Dask --------------------------------------------------------------------------------------

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
