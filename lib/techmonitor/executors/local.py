"""Local executors: one worker in this process, or N worker processes on this machine.

* :class:`InlineExecutor` (``--workers 0``): one worker in this process; for debugging.
* :class:`ProcessExecutor` (default): N worker processes (``spawn``), each with one kept-alive
  kernel, pulling reports from a shared queue. Workers run in their own process group and
  watch their parent (see :mod:`techmonitor.executors` for the clean-stop rules).

Also the batch's scratch folder (:func:`scratch_dir`), named with the batch's process id so
that a later batch can remove what a killed one left.
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
from pathlib import Path
from typing import Any

from techmonitor.executors import Event, failed_result
from techmonitor.processes import kill_pid, pid_alive
from techmonitor.worker import Task, Worker, WorkerSettings

#: prefix of a batch's scratch folder in the system's temporary folder
SCRATCH_PREFIX = "techmonitor-batch-"


def scratch_dir() -> Path:
    """A new scratch folder for one batch, named with this process id.

    A batch that is killed (``SIGKILL``, a lost session) runs no clean-up, so the folders of
    batches whose process is gone are removed here first, as are unnamed ones left by
    versions before the process id was in the name.
    """
    tmp = Path(tempfile.gettempdir())
    for old in tmp.glob(f"{SCRATCH_PREFIX}*"):
        owner = old.name[len(SCRATCH_PREFIX):].split("-", 1)[0]
        if owner.isdigit() and pid_alive(int(owner)):
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
        # kernels announced before :meth:`run` read the queue (a stop during the params check)
        while self.results is not None:
            try:
                kind, _, value, _ = self.results.get_nowait()
            except (queue.Empty, OSError, ValueError):
                break
            if kind in ("kernel", "ready") and value:
                self.kernel_pids.add(value)
        for pid in self.kernel_pids:
            kill_pid(pid)
        for proc in self.procs.values():
            if proc.is_alive():
                proc.kill()
        for proc in self.procs.values():
            proc.join(timeout=2)
        self.close()
