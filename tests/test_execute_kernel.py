"""A kept-alive kernel: reports run in it one after the other must not see each other's state."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from techmonitor.errors import ExecutionError
from techmonitor.execute import CellExecutionFailed, execute_report
from techmonitor.kernel import KernelSession
from techmonitor.paramfiles import resolve

from .conftest import ASSETS

TEMPLATES = ASSETS / "batch" / "templates"
PROJECT = ASSETS / "batch" / "project"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def session() -> Iterator[KernelSession]:
    s = KernelSession(TEMPLATES, warm_imports=("matplotlib.pyplot", "pandas"))
    s.start()
    yield s
    s.shutdown()


def _probe(session: KernelSession, out: Path) -> dict[str, object]:
    nb = session.execute(TEMPLATES / "probe.ipynb", out, {"x": 1})
    session.prepare(background=False)
    return dict(json.loads(nb.cells[-1].outputs[0]["text"]))


def test_no_state_leaks_between_two_reports_in_one_kernel(
        session: KernelSession, tmp_path: Path) -> None:
    pid, generation = session.pid, session.generation
    fresh = _probe(session, tmp_path / "probe-1.ipynb")
    session.execute(TEMPLATES / "leaky.ipynb", tmp_path / "leaky.ipynb", {"x": 1})
    session.prepare(background=True)  # the reset overlaps whatever the worker does next
    after = _probe(session, tmp_path / "probe-2.ipynb")
    assert after == fresh
    # and it was the same kernel: a reset, not a restart, cleaned up
    assert (session.pid, session.generation) == (pid, generation)
    assert fresh["linewidth"] == 1.5 and fresh["cwd"] == str(TEMPLATES)
    assert fresh["helper_counter"] == 0 and fresh["leak_var"] is False


def test_report_importing_a_stateful_library_gets_a_new_kernel(tmp_path: Path) -> None:
    s = KernelSession(TEMPLATES, warm_imports=())
    try:
        s.start()
        first = s.pid
        s.execute(TEMPLATES / "leaky.ipynb", tmp_path / "leaky.ipynb", {"x": 1})
        s.prepare(background=False)
        assert s.last_reset["restart"] is True  # matplotlib was not in the baseline
        assert s.generation == 2 and s.pid != first
    finally:
        s.shutdown()


def test_failing_cell_is_named_and_notebook_kept(session: KernelSession, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text((PROJECT / "params" / "sectors" / "alpha.yaml").read_text()
                      .replace("alpha", "broken"))
    sectors = tmp_path / "params" / "sectors"
    sectors.mkdir(parents=True)
    (sectors / "broken.yaml").write_text(broken.read_text())
    job = resolve(PROJECT / "params" / "base.yaml", sectors / "broken.yaml",
                  templates_dir=PROJECT / "templates")
    out = tmp_path / "out.ipynb"
    session.wait()
    with pytest.raises(ExecutionError) as info:
        execute_report(job, out, PROJECT, session=session)
    exc = info.value
    assert isinstance(exc, CellExecutionFailed)
    assert exc.cell == 3  # parameters, injected parameters, "x = 1", the body
    assert "ValueError: boom in the fixture" in str(exc)
    assert exc.source == "import time"
    assert "boom in the fixture" in out.read_text()
    session.prepare(restart=True, background=False)
    assert session.pid is not None


def _notebook(path: Path, body: str) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                 "display_name": "Python 3"}
    nb.cells = [nbformat.v4.new_code_cell("x = 0", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(body), nbformat.v4.new_code_cell("print('ran', x)")]
    nbformat.write(nb, path)
    return path


def test_a_dead_or_hung_kernel_fails_the_report_with_its_stage_and_a_new_one_takes_over(
        tmp_path: Path) -> None:
    import time

    from techmonitor.engine import KernelLost

    body = ("import os, signal, time\n"
            "from techmonitor.engine import stage\n"
            "with stage('the own analysis'):\n"
            "    if x == 1: os._exit(1)\n"
            "    if x == 2: os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer does\n"
            "if x == 3: time.sleep(60)\n")
    nb = _notebook(tmp_path / "dies.ipynb", body)
    s = KernelSession(TEMPLATES, warm_imports=(), stage_file=tmp_path / "stage")
    try:
        s.start()
        for x, reason, stage in ((1, "died", "the own analysis"),
                                 (2, "died", "the own analysis"), (3, "timeout", "")):
            t0 = time.monotonic()
            with pytest.raises(KernelLost) as info:
                s.execute(nb, tmp_path / f"out-{x}.ipynb", {"x": x}, timeout=3)
            assert time.monotonic() - t0 < 20  # bounded: no wait on a dead kernel
            assert (info.value.reason, info.value.cell, info.value.stage) == (reason, 2, stage)
            generation = s.generation
            s.prepare(restart=True, background=False)
            assert s.generation == generation + 1
        done = s.execute(nb, tmp_path / "out-0.ipynb", {"x": 0}, timeout=30)
        assert done.cells[-1].outputs[0]["text"] == "ran 0\n"
    finally:
        s.shutdown()
