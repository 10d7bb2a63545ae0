"""The papermill engine of a kept-alive kernel, with every wait on the kernel bounded.

nbclient waits for IOPub output with no timeout, and with a blocking client that wait blocks
its event loop, so its own liveness check never runs: a kernel that died mid-cell
(``os._exit``, the OOM killer) hung the batch for good. The engine registered here hands
nbclient a client whose waits come in 0.5 s slices that check the kernel process and the
running cell's deadline: a dead kernel raises :class:`KernelLost` within a second, a silent
one at the cell timeout, naming the cell and the stage the kernel recorded with
:func:`stage` (e.g. the own analysis). It also reuses the client the session proved to
receive replies, and closes it after the run.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ENGINE_NAME = "techmonitor"
#: environment variable naming the file where a kernel records the stage it is in
STAGE_ENV = "TECHMONITOR_STAGE_FILE"


class KernelLost(RuntimeError):
    """The kernel died or stopped answering while a cell ran.

    Parameters
    ----------
    reason
        ``died`` or ``timeout``.
    cell
        Index of the running cell (None: between cells).
    source
        That cell's source.
    """

    def __init__(self, reason: str, cell: int | None, source: str) -> None:
        super().__init__(f"kernel {reason}")
        self.reason, self.cell, self.source = reason, cell, source
        #: the stage the kernel recorded with :func:`stage` (e.g. ``the own analysis``)
        self.stage = ""


@contextlib.contextmanager
def stage(name: str) -> Iterator[None]:
    """Kernel side: record that the code inside runs ``name`` (e.g. ``the own analysis``).

    A kernel that dies takes its state with it; the file named by :data:`STAGE_ENV`
    survives, so the supervisor can say what the report was doing. Outside a
    :class:`KernelSession` (no such variable) this does nothing.
    """
    path = os.environ.get(STAGE_ENV)
    if not path:
        yield
        return
    with contextlib.suppress(OSError):
        Path(path).write_text(name, encoding="utf-8")
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            Path(path).unlink()


class _Deadline:
    """The running cell's deadline, shared by the guarded channels of one execution."""

    def __init__(self, timeout: float | None) -> None:
        self.timeout = timeout
        self.at: float | None = None
        self.cell: int | None = None
        self.source = ""

    def begin(self, cell: int, source: str) -> None:
        self.cell, self.source = cell, source
        self.at = None if self.timeout is None else time.monotonic() + self.timeout


class _GuardedChannel:
    """A blocking channel whose waits are bounded: they end when the kernel dies or the
    running cell passes its deadline.

    nbclient waits for IOPub output with no timeout, and with a blocking client that wait
    blocks its event loop, so its own liveness check never runs: a kernel that dies
    mid-cell (``os._exit``, the OOM killer) hung the report for good. Waiting in short
    slices and checking the kernel between them bounds every wait.
    """

    SLICE = 0.5

    def __init__(self, channel: Any, alive: Callable[[], bool], deadline: _Deadline) -> None:
        self._channel, self._alive, self._deadline = channel, alive, deadline

    def get_msg(self, timeout: float | None = None) -> Any:
        from queue import Empty

        end = None if timeout is None else time.monotonic() + timeout
        while True:
            now = time.monotonic()
            step = self.SLICE if end is None else max(0.0, min(self.SLICE, end - now))
            try:
                return self._channel.get_msg(timeout=step)
            except Empty:
                if not self._alive():
                    raise KernelLost("died", self._deadline.cell, self._deadline.source
                                     ) from None
                at = self._deadline.at
                if at is not None and time.monotonic() >= at:
                    raise KernelLost("timeout", self._deadline.cell, self._deadline.source
                                     ) from None
                if end is not None and time.monotonic() >= end:
                    raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._channel, name)


class _GuardedClient:
    """A kernel client whose shell and IOPub waits are bounded (see :class:`_GuardedChannel`)."""

    def __init__(self, kc: Any, alive: Callable[[], bool], deadline: _Deadline) -> None:
        self._kc = kc
        self.shell_channel = _GuardedChannel(kc.shell_channel, alive, deadline)
        self.iopub_channel = _GuardedChannel(kc.iopub_channel, alive, deadline)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._kc, name)


def _cancel_pending_tasks() -> None:
    """End the polling tasks nbclient leaves behind when a cell is abandoned (they would
    wake up during the next report, on a client that is gone)."""
    import asyncio

    from jupyter_core.utils import ensure_event_loop

    loop = ensure_event_loop()
    if loop.is_running():
        return
    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))


def register_engine() -> None:
    """Register the papermill engine that reuses a prepared client, bounds every wait on the
    kernel, and closes the client afterwards."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import remove_args

    if ENGINE_NAME in papermill_engines._engines:
        return

    class GuardedNotebookClient(PapermillNotebookClient):  # type: ignore[misc]
        techmonitor_deadline: _Deadline | None = None

        def execute_cell(self, cell: Any, cell_index: int, *args: Any, **kwargs: Any) -> Any:
            if self.techmonitor_deadline is not None:
                self.techmonitor_deadline.begin(cell_index, cell.get("source", ""))
            return super().execute_cell(cell, cell_index, *args, **kwargs)

    class KeptKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(  # type: ignore[override]
            cls,
            nb_man: Any,
            kernel_name: str,
            log_output: bool = False,
            stdout_file: Any = None,
            stderr_file: Any = None,
            start_timeout: int = 60,
            execution_timeout: int | None = None,
            **kwargs: Any,
        ) -> Any:
            client_in = kwargs.pop("techmonitor_kc", None)
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            client = GuardedNotebookClient(
                nb_man, timeout=execution_timeout, startup_timeout=start_timeout,
                kernel_name=kernel_name, log_output=log_output, stdout_file=stdout_file,
                stderr_file=stderr_file, **kwargs)
            deadline = _Deadline(execution_timeout)
            client.techmonitor_deadline = deadline
            km = kwargs["km"]
            client.kc = _GuardedClient(client_in, km.is_alive, deadline)
            try:
                return client.execute()
            except KernelLost:
                _cancel_pending_tasks()
                raise
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()
                    client.kc = None

    papermill_engines.register(ENGINE_NAME, KeptKernelEngine)
