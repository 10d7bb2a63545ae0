"""The same batch on a real Dask LocalCluster with two worker processes."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
from techmonitor.batch import RunOptions, run_batch

from .conftest import ASSETS

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow


def test_batch_on_a_local_dask_cluster(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(ASSETS / "batch" / "project", project)
    options = RunOptions(executor="dask", workers=2, formats=("html",), warm_imports=(),
                         warm_data=False, validate=lambda d: [])
    events: list[dict[str, Any]] = []
    result = run_batch(project, project / "reports", options=options, on_event=events.append)
    assert not result.failed, [o.error for o in result.failed]
    out = project / "reports" / "2023Q3"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["executor"] == {"kind": "dask", "workers": 2, "scheduler": None}
    names = {e["worker"]["name"] for e in manifest["reports"]}
    assert all(n.startswith("dask-") for n in names)
    for entry in manifest["reports"]:
        assert (out / entry["outputs"]["html"]).read_text().rstrip().endswith("</html>")
    # kernels were kept per Dask worker and stopped with the cluster
    pids = {e["worker"]["kernel_pid"] for e in manifest["reports"]}
    assert len(pids) <= 2
    deadline = time.monotonic() + 10
    while any(psutil.pid_exists(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(psutil.pid_exists(p) and psutil.Process(p).status() != "zombie"
                   for p in pids)
    # the cache works the same with Dask: nothing changed, nothing submitted
    again = run_batch(project, project / "reports", options=options)
    assert len(again.cached) == 4
