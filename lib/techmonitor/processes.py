"""Other processes by id: whether one still runs, and killing a kernel left behind.

Several parts of the toolkit leave something named with their process id (a batch's scratch
folder, ``data update``'s work folder) or started a process they must stop (a worker's
kernel). They ask here, so that "is it alive" has one answer everywhere.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (also when it belongs to another user).

    Parameters
    ----------
    pid
        The process id.

    Returns
    -------
    bool
        False only when no such process exists.
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, it is just not ours to signal
        return True
    return True


def kill_pid(pid: int | None, *, only_kernels: bool = True) -> bool:
    """SIGKILL ``pid`` if it still runs (and, by default, is a Jupyter kernel).

    Parameters
    ----------
    pid
        The process id; None or 0 does nothing.
    only_kernels
        Kill only a process whose command line names ``ipykernel`` (a pid may have been
        reused by an unrelated process since it was recorded).

    Returns
    -------
    bool
        True when the signal was sent.
    """
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
