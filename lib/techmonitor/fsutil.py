"""Atomic file writes and a batch lock: no reader sees a half-written file under its final name.

Every file the batch produces is written to a temporary file in the same folder
(``.<name>.<random>.tmp``) and renamed over the final name (``os.replace``, atomic on POSIX).
A run that is killed leaves at most such temporary files behind; :func:`remove_stale_temps`
clears them at the start of the next run.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from techmonitor.errors import TechmonitorError

TEMP_SUFFIX = ".tmp"


class OutputWriteError(TechmonitorError, OSError):
    """A file could not be written (e.g. the disk is full); one line naming file and cause.

    Also an :class:`OSError` (with the original ``errno``), so callers that tolerate a failed
    write (a cache) still do.
    """

    def __init__(self, path: Path, exc: OSError) -> None:
        why = exc.strerror or str(exc)
        hint = "; free some space and run again (finished files are kept)" \
            if exc.errno == errno.ENOSPC else ""
        super().__init__(f"writing {path} failed: {why}{hint}")
        self.errno = exc.errno
        self.path = path


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder + rename.

    Parameters
    ----------
    path
        Final file name; its folder is created if needed.
    data
        The complete content.

    Raises
    ------
    OutputWriteError
        When the file cannot be written (full disk, no permission); no temporary file is left.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    except OSError as exc:
        raise OutputWriteError(path, exc) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:  # a full disk, a read-only or vanished folder: one clear line
        Path(tmp).unlink(missing_ok=True)
        raise OutputWriteError(path, exc) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Text version of :func:`atomic_write_bytes` (UTF-8)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def remove_stale_temps(folder: Path) -> list[Path]:
    """Delete temporary files left by an interrupted run (``.*.tmp`` in ``folder``, one level
    deep, leaving alone subfolders that another batch locks).

    Returns
    -------
    list of Path
        The files removed.
    """
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    # a subfolder with a lock of its own belongs to another batch (a run in another language)
    subs = [p for p in folder.iterdir() if p.is_dir() and not (p / ".lock").exists()]
    for sub in (folder, *subs):
        for tmp in sub.glob(f".*{TEMP_SUFFIX}"):
            try:
                tmp.unlink()
                removed.append(tmp)
            except OSError:
                pass
    return removed


@contextmanager
def exclusive_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder/.lock`` (one batch per output folder at a time).

    The lock is :mod:`filelock`'s (an ``flock`` on an open file), so the operating system
    releases it when the process dies, also after ``SIGKILL``. The holder's pid is kept beside
    it in ``.lock.pid``, to name it in the error.

    Raises
    ------
    TechmonitorError
        If another run holds the lock.
    """
    from filelock import FileLock, Timeout

    folder.mkdir(parents=True, exist_ok=True)
    pid_file = folder / ".lock.pid"
    lock = FileLock(folder / ".lock", timeout=0)
    try:
        lock.acquire()
    except Timeout:
        try:
            holder = pid_file.read_text(encoding="utf-8").strip() or "unknown"
        except OSError:
            holder = "unknown"
        raise TechmonitorError(
            f"{folder}: another techmonitor run is writing here (pid {holder}); "
            "wait for it to finish or stop it") from None
    try:
        pid_file.write_text(str(os.getpid()), encoding="utf-8")
        yield
    finally:
        pid_file.unlink(missing_ok=True)
        lock.release()
