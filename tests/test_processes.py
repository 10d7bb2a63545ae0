"""Processes by id: the one answer to "does it still run", and killing only kernels."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from techmonitor.processes import kill_pid, pid_alive

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def test_a_running_process_is_alive_and_a_reaped_one_is_not() -> None:
    assert pid_alive(os.getpid())
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()  # reaped: the pid names no process now
    assert not pid_alive(proc.pid)


def test_kill_pid_leaves_a_process_that_is_not_a_kernel_alone() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        if not os.path.exists(f"/proc/{proc.pid}/cmdline"):
            pytest.skip("no /proc: kill_pid cannot tell a kernel from another process")
        assert kill_pid(proc.pid) is False
        assert proc.poll() is None  # still running
        assert kill_pid(proc.pid, only_kernels=False) is True
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        proc.kill()
        proc.wait()


def test_kill_pid_without_a_pid_does_nothing() -> None:
    assert kill_pid(None) is False
    assert kill_pid(0, only_kernels=False) is False
