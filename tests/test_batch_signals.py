"""Killing or interrupting a batch: no partial file under a final name, no kernel left behind."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil
import pytest

from .conftest import ASSETS

FIXTURE = ASSETS / "batch" / "project"
RUN_CLI = ASSETS / "batch" / "run_cli.py"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")]


def slow_project(tmp_path: Path, slow: int = 4) -> Path:
    """The fixture project plus ``slow`` sectors that each sleep a moment."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    alpha = (project / "params" / "sectors" / "alpha.yaml").read_text()
    for i in range(slow):
        (project / "params" / "sectors" / f"slow-{i}.yaml").write_text(
            alpha.replace("alpha", f"slow-{i}"))
    return project


def start_cli(project: Path, log: Path, runtime: Path, *args: str,
              sleep: float = 1.5) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TM_TEST_MARK": str(runtime), "TM_FIXTURE_SLEEP": str(sleep)}
    return subprocess.Popen(
        [sys.executable, str(RUN_CLI), "run", "--project", str(project),
         "--out", str(project / "reports"), "--format", "html", "--log-json", str(log),
         "--quiet", *args],
        env=env, start_new_session=True, stdout=subprocess.DEVNULL,
        # a file, not a pipe: nobody reads until the end, and a full pipe would block the child
        stderr=(log.parent / f"{log.stem}.stderr").open("wb"))


def wait_for(log: Path, predicate: Any, timeout: float = 120) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists():
            events = [json.loads(x) for x in log.read_text().splitlines() if x.endswith("}")]
            if predicate(events):
                return events
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for the batch; log: {log.read_text()[-2000:]}")


def descendants(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


def kernels_of(mark: Path) -> list[psutil.Process]:
    """Kernel processes started by this test's batch (they inherit its environment)."""
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmd = " ".join(proc.info["cmdline"] or [])
        if "ipykernel" not in cmd:
            continue
        try:
            if proc.environ().get("TM_TEST_MARK") == str(mark):
                found.append(proc)
        except (psutil.AccessDenied, psutil.NoSuchProcess):
            continue
    return found


def _alive(p: psutil.Process) -> bool:
    try:  # is_running() also checks the create time, so a reused pid is not mistaken for it
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def assert_all_gone(procs: list[psutil.Process], runtime: Path, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = [p for p in procs if _alive(p)]
        if not alive and not kernels_of(runtime):
            return
        time.sleep(0.2)
    raise AssertionError(f"left running: {alive} {kernels_of(runtime)}")


def test_sigkill_mid_batch_leaves_no_partial_file_and_rerun_completes(tmp_path: Path) -> None:
    project = slow_project(tmp_path)
    runtime = tmp_path / "runtime"
    log = tmp_path / "events.jsonl"
    proc = start_cli(project, log, runtime, "--workers", "2")
    wait_for(log, lambda ev: sum(e["event"] == "done" for e in ev) >= 2)
    children = descendants(proc.pid)
    assert kernels_of(runtime), "kernels should be running"
    proc.send_signal(signal.SIGKILL)  # no chance to clean up
    proc.wait(timeout=10)
    scratch = f"techmonitor-batch-{proc.pid}-*"
    assert list(Path(tempfile.gettempdir()).glob(scratch))  # left behind by the kill
    # workers notice their parent is gone and kill their kernels
    assert_all_gone(children, runtime)

    out = project / "reports" / "2023Q3"
    for path in out.rglob("*"):
        if path.is_dir() or path.name.startswith("."):
            continue  # temporary files may remain; they never carry a final name
        data = path.read_bytes()
        if path.suffix == ".html":
            assert data.rstrip().endswith(b"</html>"), path
        elif path.suffix in (".json", ".ipynb"):
            json.loads(data)
    done_before = {e["report"] for e in json.loads((out / "manifest.json").read_text())
                   ["reports"] if e["status"] == "ok"}
    assert len(done_before) >= 2

    log2 = tmp_path / "events2.jsonl"
    again = start_cli(project, log2, runtime, "--workers", "2")
    assert again.wait(timeout=180) == 0, again.stderr.read() if again.stderr else ""
    events = [json.loads(x) for x in log2.read_text().splitlines()]
    cached = {e["report"] for e in events if e["event"] == "cached"}
    assert done_before <= cached  # resumed: finished reports were not redone
    assert not list(out.glob(".*.tmp"))  # stale temporary files cleared
    assert not list(Path(tempfile.gettempdir()).glob(scratch))  # and the killed scratch
    final = json.loads((out / "manifest.json").read_text())
    assert final["complete"] is True
    assert all(e["status"] == "ok" for e in final["reports"]) and len(final["reports"]) == 8


def test_ctrl_c_stops_cleanly_and_kills_kernels(tmp_path: Path) -> None:
    project = slow_project(tmp_path)
    runtime = tmp_path / "runtime"
    log = tmp_path / "events.jsonl"
    # slow reports that sleep long enough that, even on a loaded machine, the batch is still
    # running when the signal comes (Ctrl-C kills the kernels, so the test does not wait)
    proc = start_cli(project, log, runtime, "--workers", "2", sleep=20)
    wait_for(log, lambda ev: any(e["event"] == "start" and "slow" in e["report"] for e in ev))
    children = descendants(proc.pid)
    assert kernels_of(runtime)
    os.killpg(proc.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
    assert proc.wait(timeout=60) == 130
    err = (log.parent / f"{log.stem}.stderr").read_text()
    assert "interrupted" in err and "Traceback" not in err
    assert_all_gone(children, runtime, timeout=30)
    manifest = json.loads((project / "reports" / "2023Q3" / "manifest.json").read_text())
    assert manifest["complete"] is False


def test_a_worker_process_that_dies_is_reported_with_its_stage(tmp_path: Path) -> None:
    project = slow_project(tmp_path, slow=0)
    alpha = (project / "params" / "sectors" / "alpha.yaml").read_text()
    (project / "params" / "sectors" / "abort.yaml").write_text(alpha.replace("alpha", "abort"))
    log = tmp_path / "events.jsonl"
    proc = start_cli(project, log, tmp_path / "runtime", "--workers", "1")
    assert proc.wait(timeout=300) == 1
    manifest = json.loads((project / "reports" / "2023Q3" / "manifest.json").read_text())
    by_report = {e["report"]: e for e in manifest["reports"]}
    error = by_report["sector-abort"]["error"]
    assert "worker process died while executing the notebook (exit code -6, SIGABRT)" in error
    assert by_report["sector-abort"]["stage"] == "execute"
    # a new worker ran the rest
    assert all(e["status"] == "ok" for r, e in by_report.items() if r != "sector-abort")
    assert len(by_report) == 5  # national, region, alpha, beta, abort


def test_a_full_disk_is_one_line_naming_the_stage(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import errno

    import techmonitor.batch as batch
    import techmonitor.fsutil as fsutil
    from techmonitor.cli import main

    from .assets.batch.run_cli import fast_options

    project = slow_project(tmp_path, slow=0)
    out = tmp_path / "out"
    real = tempfile.mkstemp

    def full(*args: Any, **kwargs: Any) -> tuple[int, str]:
        if str(kwargs.get("dir", "")).startswith(str(out)):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "RunOptions", fast_options)
    monkeypatch.setattr(fsutil.tempfile, "mkstemp", full)
    code = main(["run", "--project", str(project), "--out", str(out), "--workers", "0",
                 "--format", "html", "--only", "sector:alpha", "--quiet"])
    err = capsys.readouterr().err
    assert code != 0
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith(f"error: writing {out / '2023Q3'}")
    assert "failed: No space left on device; free some space" in lines[0]
