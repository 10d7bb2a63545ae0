"""Cache keys and atomic writes (no kernels: fast)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from techmonitor.cache import data_fingerprint, file_hash, library_fingerprint, report_key
from techmonitor.errors import TechmonitorError
from techmonitor.fsutil import atomic_write_bytes, exclusive_lock, remove_stale_temps
from techmonitor.paramfiles import expand

from .conftest import ASSETS


def keys(project: Path) -> dict[str, str]:
    lib, data = library_fingerprint(), data_fingerprint(project / "data")
    return {j.report_id: report_key(j, library=lib, data=data, template=file_hash(j.template))
            for j in expand(project)}


def test_key_follows_params_template_and_data(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(ASSETS / "batch" / "project", project)
    before = keys(project)
    assert len(set(before.values())) == 4
    assert keys(project) == before  # stable

    beta = project / "params" / "sectors" / "beta.yaml"
    beta.write_text(beta.read_text() + "target_year: 2031\n")
    after = keys(project)
    assert {r for r in before if before[r] != after[r]} == {"sector-beta"}

    template = project / "templates" / "report.ipynb"
    template.write_text(template.read_text().replace("Testbureau", "Testbureau ", 1))
    changed = keys(project)
    assert {r for r in after if after[r] != changed[r]} == {
        r for r in after if r.startswith(("sector-", "region-"))}
    after = changed

    (project / "data" / ".cache").mkdir()
    (project / "data" / ".cache" / "observations-x.parquet").write_bytes(b"derived")
    assert keys(project) == after  # hidden caches are not inputs

    (project / "data" / "observations.csv").write_text("indicator,period,value\n")
    assert all(keys(project)[r] != after[r] for r in after)


def test_project_location_is_not_part_of_the_key(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(ASSETS / "batch" / "project", a)
    shutil.copytree(ASSETS / "batch" / "project", b)
    assert keys(a) == keys(b)


def test_atomic_write_never_leaves_a_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    atomic_write_bytes(target, b"old")

    with pytest.raises(TypeError):
        atomic_write_bytes(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert not list(tmp_path.glob(".*.tmp"))
    (tmp_path / ".r.html.abc.tmp").write_bytes(b"half")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / ".x.ipynb.def.tmp").write_bytes(b"half")
    assert len(remove_stale_temps(tmp_path)) == 2
    assert target.read_bytes() == b"old"


def test_one_batch_per_output_folder(tmp_path: Path) -> None:
    with exclusive_lock(tmp_path), pytest.raises(TechmonitorError, match="another"):
        with exclusive_lock(tmp_path):
            pass
    with exclusive_lock(tmp_path):  # released again
        pass


def test_the_lock_names_the_run_of_another_process(tmp_path: Path) -> None:
    """A second process is refused while the first holds the folder, and told its pid."""
    import subprocess
    import sys

    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from techmonitor.fsutil import "
         "exclusive_lock\n"
         f"with exclusive_lock(Path({str(tmp_path)!r})):\n"
         "    print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(TechmonitorError, match=f"pid {holder.pid}"):
            with exclusive_lock(tmp_path):
                pass
    finally:
        holder.kill()
        holder.wait()
    with exclusive_lock(tmp_path):  # the dead holder's lock is gone with it
        pass
