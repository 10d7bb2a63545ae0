"""Replacing the ``data/`` folder so that it is whole at every instant, and recovering after a kill.

``data update`` builds a validated copy beside ``data/`` in a work folder
``.data-update-<pid>-*`` and then swaps the two. On Linux the swap is one system call,
``renameat2(RENAME_EXCHANGE)``: there is no moment without a ``data/``. Where that call is not
available (another system, a file system without it) the swap is two renames; a kill between
them leaves the old copy in the work folder, and :func:`recover_data` (run by every command)
puts it back and says so. Work folders of processes that no longer run are removed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
from pathlib import Path

from techmonitor.processes import pid_alive

#: the prefix of ``data update``'s work folders (beside ``data/``; git-ignored)
WORK_PREFIX = ".data-update-"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def work_prefix() -> str:
    """The work-folder prefix of this process (its pid lets a later run tell it is dead)."""
    return f"{WORK_PREFIX}{os.getpid()}-"


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one system call; False where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def replace_dir(current: Path, new: Path, old: Path) -> None:
    """Put ``new`` in the place of ``current``; the previous folder ends up at ``old``.

    Atomic where the system can exchange two paths; otherwise two renames, with
    ``old`` inside a work folder that :func:`recover_data` knows.
    """
    if _exchange(new, current):
        os.rename(new, old)  # ``new`` now holds the previous data: keep it apart
        return
    os.rename(current, old)
    try:
        os.rename(new, current)
    except OSError:
        os.rename(old, current)  # put the old folder back before reporting
        raise


def _owner(folder: Path) -> int | None:
    rest = folder.name.removeprefix(WORK_PREFIX)
    head = rest.split("-", 1)[0]
    return int(head) if head.isdigit() else None


def recover_data(data_dir: Path) -> list[str]:
    """Undo what a killed ``data update`` left: restore a missing ``data/`` from its work
    folder, and remove work folders of processes that no longer run.

    Parameters
    ----------
    data_dir
        The project's ``data/`` folder.

    Returns
    -------
    list of str
        One line per thing done, for the command to print (empty when nothing was left).
    """
    data_dir = Path(data_dir)
    parent = data_dir.parent
    said: list[str] = []
    if not parent.is_dir():
        return said
    for work in sorted(parent.glob(f"{WORK_PREFIX}*")):
        pid = _owner(work)
        if not work.is_dir() or (pid is not None and pid != os.getpid() and pid_alive(pid)):
            continue
        old = work / "old"
        if not data_dir.exists() and old.is_dir():
            os.rename(old, data_dir)
            said.append(f"{data_dir}: restored from {old} (a data update was stopped while "
                        "it swapped the folders); run `techmonitor data update` again")
        shutil.rmtree(work, ignore_errors=True)
        said.append(f"{work}: removed (left by a data update that did not finish)")
    return said
