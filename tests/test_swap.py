"""data/ stays whole when data update is killed, and leftovers are cleaned up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from techmonitor import swap
from techmonitor.cli import main


def _data(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "observations.csv").write_text(text, encoding="utf-8")
    return folder


def test_replace_dir_swaps_and_keeps_the_old_copy(tmp_path: Path) -> None:
    data = _data(tmp_path / "data", "old")
    work = tmp_path / f"{swap.work_prefix()}x"
    new = _data(work / "data", "new")
    swap.replace_dir(data, new, work / "old")
    assert (data / "observations.csv").read_text() == "new"
    assert (work / "old" / "observations.csv").read_text() == "old"
    assert not new.exists()


def test_replace_dir_without_an_exchange_call_still_ends_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(swap, "_exchange", lambda a, b: False)  # a system without renameat2
    data = _data(tmp_path / "data", "old")
    work = tmp_path / f"{swap.work_prefix()}x"
    swap.replace_dir(data, _data(work / "data", "new"), work / "old")
    assert (data / "observations.csv").read_text() == "new"


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_kill_between_the_two_renames_is_undone_by_the_next_command(tmp_path: Path) -> None:
    # what a kill after `rename(data, work/old)` and before `rename(new, data)` leaves
    project = tmp_path / "p"
    work = project / f"{swap.WORK_PREFIX}{_dead_pid()}-abc"
    _data(work / "old", "the data")
    _data(work / "data", "half-built")
    assert not (project / "data").exists()
    code = main(["list", "--project", str(project)])
    assert (project / "data" / "observations.csv").read_text() == "the data"
    assert not work.exists()  # the leftover is removed (2 MB each in the reported case)
    assert code in (0, 1)  # whatever list says of a project without params, data is back


def test_leftovers_of_running_updates_are_left_alone(tmp_path: Path) -> None:
    data = _data(tmp_path / "data", "x")
    mine = tmp_path / f"{swap.WORK_PREFIX}{os.getppid()}-running"  # a live process
    mine.mkdir()
    dead = tmp_path / f"{swap.WORK_PREFIX}{_dead_pid()}-old"
    dead.mkdir()
    said = swap.recover_data(data)
    assert mine.exists() and not dead.exists()
    assert len(said) == 1 and "removed" in said[0]
    assert swap.recover_data(data) == []  # nothing left to say


def test_gitignore_covers_the_work_folders() -> None:
    root = Path(__file__).resolve().parents[1]
    assert ".data-update-*/" in (root / ".gitignore").read_text().splitlines()
