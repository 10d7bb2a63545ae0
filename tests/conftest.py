"""Shared test fixtures and paths."""

from __future__ import annotations

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
