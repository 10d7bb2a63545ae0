"""``techmonitor open KIND:SLUG``: the report's template, parametrised, opened in JupyterLab.

The copy is papermill's *prepare-only* output: the template with the report's resolved
parameters injected after its ``parameters`` cell, not executed. It goes into the
git-ignored ``work/`` folder of the project, so the shared template is never edited by
accident; an author who wants a change in every report moves it into an analysis file or
into the template by a reviewed commit.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType

from techmonitor.errors import ParameterError, TechmonitorError
from techmonitor.paramfiles import Job, expand

#: the author's work folder inside the project (listed in .gitignore)
WORK_DIR = "work"
#: where the batch writes by default (``techmonitor run`` from the project folder)
REPORTS_DIR = "reports"


def job_for(project: Path, kind: str, slug: str, overrides: dict[str, object] | None = None
            ) -> Job:
    """The validated job of one report (every params file is checked, as the batch does),
    compared with the same earlier results as in the batch: the previous quarter's
    ``reports/<period>/results/<report>.json``, unless the params name one.

    Raises
    ------
    ParameterError
        A params problem, or no such report (naming the close one).
    """
    from techmonitor.batch import with_comparison

    try:
        jobs = expand(project, only={(kind, slug)}, overrides=overrides)
    except ParameterError as exc:  # worded for `open`/`preview`, which have no --only
        raise ParameterError(str(exc).replace(f"--only {kind}:{slug}", f"{kind}:{slug}")
                             ) from None
    return with_comparison(project, project / REPORTS_DIR, jobs[:1], None)[0]


def prepare(project: Path, job: Job, *, fresh: bool = False) -> tuple[Path, bool]:
    """Write ``work/<report>.ipynb``: the template with this report's parameters.

    Parameters
    ----------
    project
        The project folder.
    job
        The report.
    fresh
        Write a new copy even when one exists; the existing one is kept beside it as
        ``<report>.<time>.ipynb.bak``. Without it an existing copy (with the author's
        edits) is opened as it is.

    Returns
    -------
    tuple of (Path, bool)
        The notebook, and whether it was written now.

    Raises
    ------
    TechmonitorError
        If papermill cannot read the template.
    """
    import papermill as pm

    folder = project / WORK_DIR
    folder.mkdir(exist_ok=True)
    out = folder / f"{job.report_id}.ipynb"
    if out.exists():
        if not fresh:
            return out, False
        stamp = time.strftime("%Y%m%d-%H%M%S")
        shutil.copy2(out, folder / f"{job.report_id}.{stamp}.ipynb.bak")
    values = job.params.model_dump(mode="json")
    values["project_dir"] = ".."  # the notebook sits in work/, one below the project
    from nbformat import ValidationError
    from papermill.exceptions import PapermillException

    try:
        pm.execute_notebook(str(job.template), str(out), parameters=values,
                            prepare_only=True, kernel_name="python3", log_output=False,
                            progress_bar=False)
    except (OSError, ValueError, ValidationError, PapermillException) as exc:
        # unreadable, not JSON, not a valid notebook, or papermill's own complaint
        raise TechmonitorError(f"{job.template}: cannot prepare the notebook "
                               f"({type(exc).__name__}: {exc})") from exc
    return out, True


def free_port() -> int:
    """A free TCP port on localhost."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def require_lab() -> None:
    """Check that JupyterLab is installed.

    Raises
    ------
    ParameterError
        When it is not, saying that ``make lab`` installs it.
    """
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        raise ParameterError("JupyterLab is not installed in this environment; run "
                             "`make lab` (installs the 'lab' extra) and try again") from None


def lab_command(project: Path, notebook: Path, *, port: int, browser: bool) -> list[str]:
    """The command that starts JupyterLab on the project, bound to localhost.

    The access token goes in the environment (:func:`lab_env`), not on the command line,
    where every user of the machine could read it in the process list.

    Raises
    ------
    ParameterError
        When JupyterLab is not installed (``make lab`` installs it).
    """
    require_lab()
    rel = notebook.relative_to(project).as_posix()
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={project}",
           "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           "--ServerApp.port_retries=0", f"--LabApp.default_url=/lab/tree/{rel}"]
    if not browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI often run as root
        cmd.append("--allow-root")
    return cmd


def lab_env(token: str) -> dict[str, str]:
    """The environment for :func:`lab_command`: this one plus the access token."""
    return {**os.environ, "JUPYTER_TOKEN": token}


#: ``prctl`` option: the signal a process gets when its parent dies (Linux)
PR_SET_PDEATHSIG = 1
#: seconds JupyterLab gets to shut its kernels down before it is killed
STOP_SECONDS = 10.0


def _die_with_parent() -> None:
    """Runs in the child before ``exec``: ask Linux to send SIGTERM when ``open`` dies, even
    by SIGKILL (no handler of ours runs then)."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the signal handlers below still apply
        pass


class _Stopped(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def stop_group(proc: subprocess.Popen[bytes], seconds: float = STOP_SECONDS) -> None:
    """Stop JupyterLab's process group: SIGTERM (it shuts its kernels down), then SIGKILL."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        try:
            proc.wait(timeout=seconds)
            return
        except subprocess.TimeoutExpired:
            continue


def open_lab(project: Path, notebook: Path, *, port: int | None, browser: bool) -> int:
    """Run JupyterLab in the foreground until it is stopped; returns its exit status.

    Prints the URL of the prepared notebook (with its access token) first. JupyterLab runs
    in a process group of its own that is stopped whenever ``open`` is: on Ctrl-C,
    SIGTERM and SIGHUP (a closed terminal) by our handlers, and on Linux also when ``open``
    is killed outright (``PR_SET_PDEATHSIG``), so no server is left serving with its token.
    """
    import secrets

    port = port or free_port()
    token = secrets.token_hex(24)
    cmd = lab_command(project, notebook, port=port, browser=browser)
    rel = notebook.relative_to(project).as_posix()
    print(f"JupyterLab: http://127.0.0.1:{port}/lab/tree/{rel}?token={token}", flush=True)
    linux = sys.platform.startswith("linux")
    proc = subprocess.Popen(cmd, cwd=project, env=lab_env(token), start_new_session=True,
                            preexec_fn=_die_with_parent if linux else None)  # noqa: PLW1509
    old: dict[int, object] = {}

    def stop(signum: int, frame: FrameType | None) -> None:
        raise _Stopped(signum)

    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            old[sig] = signal.signal(sig, stop)
    try:
        return proc.wait()
    except _Stopped as exc:
        return 0 if exc.signum == signal.SIGINT else 128 + exc.signum
    except KeyboardInterrupt:
        return 0
    finally:
        for signum, handler in old.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
        stop_group(proc)
