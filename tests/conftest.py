"""Shared test fixtures and paths."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ROOT / "tests" / "assets"
RAW = (ROOT.parent / "shared" / "data" / "raw").resolve()


@pytest.fixture
def raw_dir() -> Path:
    """The real public raw files; tests that need them skip on a clone without them."""
    if not RAW.is_dir():
        pytest.skip(f"raw public data not found at {RAW} (CI has it; a plain clone may not)")
    return RAW


@pytest.fixture
def params_project(tmp_path: Path) -> Path:
    """A project with a copy of the bundled params (to edit) and the bundled data and
    templates linked in (read-only)."""
    shutil.copytree(ROOT / "params", tmp_path / "params")
    (tmp_path / "data").symlink_to(ROOT / "data")
    (tmp_path / "templates").symlink_to(ROOT / "templates")
    return tmp_path


def set_utrecht_target(project: Path, line: str) -> Path:
    """Replace the targets of Utrecht's params file by one target written as the flow mapping
    ``line`` (``indicator: ..., level: ...``); returns the file."""
    path = project / "params" / "regions" / "utrecht.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("targets:")] + "targets:\n  - {" + line + "}\n",
                    encoding="utf-8")
    return path
