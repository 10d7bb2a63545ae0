"""A Jupyter kernel kept alive across reports, reset between them.

One :class:`KernelSession` owns one ``python3`` kernel. Starting a kernel and importing pandas,
statsmodels and seaborn costs about 3.5 s; running a report in a warm kernel costs what the
report computes. Between two reports the kernel is reset so that no state leaks (what a reset
restores, and the code that does it in the kernel: :mod:`techmonitor.kernelreset`). A report
that imports a stateful library the warm-up did not gets its kernel restarted instead, as does
a failed report, a failed reset, and every ``restart_every`` reports.

Two guards against the report's own code:

* **Every wait on the kernel is bounded** (the papermill engine of :mod:`techmonitor.engine`):
  a dead kernel raises :class:`~techmonitor.engine.KernelLost` within a second, a silent one
  at the cell timeout, naming the cell and the stage.
* **A kernel that ran author code is never reused.** A report with an analysis file marks the
  kernel tainted; it is restarted (in the background, while the report renders) before any
  other report runs. A reset cannot undo a monkeypatched library function; a new process can.
  Measured under load (2 cores, load ~12): the next report waited 15.6 s for the restart
  against 0.47 s for a reset; restarting *before* the author's report would cost the same
  start without the overlap, so the restart comes after it.

Measured pitfalls handled here: a kernel client opened before a papermill run stops getting
replies, so every reset opens a fresh client, and that same client, proven to receive
replies, is handed to papermill for the next report (saves nbclient's 0.2 s ready-wait);
papermill's own client is closed after each run (it otherwise leaks sockets and threads).
"""

from __future__ import annotations

import ast
import contextlib
import json
import logging
import os
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from techmonitor.engine import ENGINE_NAME, STAGE_ENV, KernelLost, register_engine
from techmonitor.kernelreset import RESET_CODE, RESULT_EXPR, baseline_code
from techmonitor.processes import kill_pid

KERNEL_NAME = "python3"
#: Imported in every kernel before the first report (the heavy part of a report's start).
DEFAULT_WARM_IMPORTS: tuple[str, ...] = ("techmonitor.report.core",)

log = logging.getLogger(__name__)

class KernelError(RuntimeError):
    """The kernel could not be started, warmed or reset."""


def kernel_env() -> dict[str, str]:
    """Environment of a kernel: ours, plus settings for reproducible, quiet output."""
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    env.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    # One BLAS thread per kernel: the batch already runs one worker per core, and threaded
    # BLAS on the tiny matrices of trend fits only oversubscribes the cores (3-4x slower
    # fits under load, measured with statsmodels on this machine kind).
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    return env


class KernelSession:
    """One kept-alive kernel, reset between reports.

    Parameters
    ----------
    cwd
        Working directory of the kernel (the project folder); restored by every reset.
    warm_imports
        Modules imported before the baseline is taken (default: the report library and
        through it pandas, statsmodels, matplotlib, seaborn).
    warm_code
        Extra code run during warm-up (e.g. loading the observations into the in-process cache).
    restart_every
        Restart the kernel after this many reports (a backstop against state no reset catches).
    startup_timeout
        Seconds to wait for a new kernel.
    on_start
        Called with the process id of every kernel started (so that a supervisor can kill
        kernels left behind if this process is killed).
    stage_file
        Where the kernel records its stage (:func:`stage`), read when it dies.
    """

    def __init__(
        self,
        cwd: Path,
        *,
        warm_imports: Sequence[str] = DEFAULT_WARM_IMPORTS,
        warm_code: str = "",
        restart_every: int = 50,
        startup_timeout: float = 60,
        on_start: Callable[[int | None], None] | None = None,
        stage_file: Path | None = None,
    ) -> None:
        self.cwd = Path(cwd).resolve()
        self.warm_imports = tuple(warm_imports)
        self.warm_code = warm_code
        self.restart_every = max(1, restart_every)
        self.startup_timeout = startup_timeout
        self.on_start = on_start
        self.stage_file = stage_file
        self.km: Any = None
        self._kc: Any = None
        self.reports_run = 0
        self.generation = 0
        self.starts: list[float] = []
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self.last_reset: dict[str, Any] = {}
        self.last_prepare = 0.0
        #: the kernel ran author code (an analysis file): no report runs in it again
        self.tainted = False

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        """Process id of the running kernel, if any."""
        prov = getattr(self.km, "provisioner", None)
        proc = getattr(prov, "process", None)
        return getattr(proc, "pid", None)

    def start(self) -> None:
        """Start (or restart) the kernel, warm it up and take the reset baseline."""
        self._kill()
        from jupyter_client import KernelManager

        register_engine()
        t0 = time.perf_counter()
        km = KernelManager(kernel_name=KERNEL_NAME)
        env = kernel_env()
        if self.stage_file is not None:
            env[STAGE_ENV] = str(self.stage_file)
        km.start_kernel(
            cwd=str(self.cwd),
            env=env,
            extra_arguments=["--HistoryManager.enabled=False"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.km = km
        if self.on_start is not None:
            self.on_start(self.pid)
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=self.startup_timeout)
        except RuntimeError as exc:
            kc.stop_channels()
            self._kill()
            raise KernelError(f"kernel did not start: {exc}") from exc
        from techmonitor.cache import PACKAGE_DIR

        warm = "".join(
            f"try:\n    import {m}\nexcept Exception:\n    pass\n" for m in self.warm_imports)
        if self.warm_code:
            warm += f"try:\n    exec({self.warm_code!r})\nexcept Exception:\n    pass\n"
        code = warm + baseline_code(self.cwd, PACKAGE_DIR)
        self._run(kc, code, timeout=max(self.startup_timeout, 120))
        self._kc = kc
        self.reports_run = 0
        self.tainted = False
        self.generation += 1
        self.starts.append(round(time.perf_counter() - t0, 3))

    def shutdown(self) -> None:
        """Stop the kernel now (idempotent); waits for a pending reset first."""
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._kill()

    def _kill(self) -> None:
        if self._kc is not None:
            try:
                self._kc.stop_channels()
            except Exception:  # noqa: BLE001 - best effort during teardown
                pass
            self._kc = None
        km, self.km = self.km, None
        if km is None:
            return
        pid = getattr(getattr(getattr(km, "provisioner", None), "process", None), "pid", None)
        try:
            km.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001 - fall back to a plain kill
            kill_pid(pid, only_kernels=False)
        try:
            km.cleanup_resources()
        except Exception:  # noqa: BLE001
            pass

    def _run(self, kc: Any, code: str, *, timeout: float,
             expressions: dict[str, str] | None = None) -> dict[str, Any]:
        reply = kc.execute_interactive(
            code, store_history=False, timeout=timeout, output_hook=lambda msg: None,
            user_expressions=expressions)
        content = reply["content"]
        if content.get("status") != "ok":
            raise KernelError(f"{content.get('ename')}: {content.get('evalue')}")
        return dict(content)

    # -- between reports ---------------------------------------------------------------------
    def reset(self) -> dict[str, Any]:
        """Reset the kernel now through a fresh client; returns what the reset found."""
        if self.km is None or not self.km.is_alive():
            raise KernelError("kernel is not running")
        kc = self.km.client()
        kc.start_channels()
        try:
            content = self._run(kc, RESET_CODE, timeout=30, expressions={"r": RESULT_EXPR})
        except BaseException:
            kc.stop_channels()
            raise
        result: dict[str, Any] = {}
        expr = content.get("user_expressions", {}).get("r", {})
        if expr.get("status") == "ok":
            result = json.loads(ast.literal_eval(expr["data"]["text/plain"]))
        self._kc = kc
        return result

    def prepare(self, *, restart: bool = False, background: bool = True) -> None:
        """Make the kernel ready for the next report: reset it, or restart it when asked, when
        the last reset asked for it, or every ``restart_every`` reports.

        With ``background`` the work runs in a thread, overlapping HTML/PDF rendering in the
        calling process; :meth:`wait` joins it.
        """
        if self._thread is not None:
            self.wait()
        restart = (restart or self.tainted or self.reports_run >= self.restart_every
                   or self.km is None)

        def work() -> None:
            t0 = time.perf_counter()
            try:
                if restart:
                    self.start()
                    return
                self.last_reset = self.reset()
                if self.last_reset.get("restart"):
                    self.start()
            except BaseException as exc:  # noqa: BLE001 - reported by wait()
                self._error = exc
            finally:
                self.last_prepare = round(time.perf_counter() - t0, 3)

        self._error = None
        if background:
            self._thread = threading.Thread(target=work, name="kernel-prepare", daemon=True)
            self._thread.start()
        else:
            work()

    def wait(self) -> float:
        """Wait until the kernel is ready (restarted if the reset failed); returns seconds."""
        t0 = time.perf_counter()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None or self._kc is None:
            if self._error is not None:
                log.warning("kernel reset failed (%s); restarting", self._error)
            self._error = None
            self.start()
        return round(time.perf_counter() - t0, 3)

    def execute(self, template: Path, output_path: Path, parameters: dict[str, Any], *,
                timeout: int = 600, author_code: bool = False) -> Any:
        """Run ``template`` with ``parameters`` in this kernel (papermill), writing
        ``output_path``; the kernel must be ready (:meth:`wait`).

        With ``author_code`` (the report runs an analysis file) the kernel is marked tainted:
        the next :meth:`prepare` restarts it instead of resetting it, and no report runs in
        it before that. A reset cannot undo what arbitrary code does (a monkeypatched
        library function, a thread, a changed C-level state); a new process can.

        Raises
        ------
        KernelLost
            When the kernel dies or a cell passes ``timeout`` seconds.
        """
        import papermill as pm

        self.wait()
        if self.tainted or self._kc is None:  # a caller that skipped prepare()
            self.start()
        kc, self._kc = self._kc, None
        self.reports_run += 1
        self.tainted = author_code
        if self.stage_file is not None:
            self.stage_file.unlink(missing_ok=True)
        try:
            return self._papermill(pm, template, output_path, parameters, timeout, kc)
        except KernelLost as exc:
            if self.stage_file is not None:
                with contextlib.suppress(OSError):
                    exc.stage = self.stage_file.read_text(encoding="utf-8")
            raise

    def _papermill(self, pm: Any, template: Path, output_path: Path,
                   parameters: dict[str, Any], timeout: int, kc: Any) -> Any:
        return pm.execute_notebook(
            str(template),
            str(output_path),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            engine_name=ENGINE_NAME,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            execution_timeout=timeout,
            km=self.km,
            techmonitor_kc=kc,
        )
