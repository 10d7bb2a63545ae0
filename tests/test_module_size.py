"""Modules stay small enough to read: one job per module (issue #19's rule).

At most two modules over 400 lines and none over 500. A module that grows past the limit
should hand one of its jobs to a module of its own, not squeeze its lines.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lib" / "techmonitor"


def _lines() -> dict[str, int]:
    return {str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines())
            for p in sorted(PACKAGE.rglob("*.py"))}


def test_no_module_over_500_lines_and_at_most_two_over_400() -> None:
    lines = _lines()
    assert len(lines) > 50, "the package was not found where the test looks for it"
    over_500 = {m: n for m, n in lines.items() if n > 500}
    over_400 = {m: n for m, n in lines.items() if n > 400}
    assert not over_500, f"modules over 500 lines: {over_500}"
    assert len(over_400) <= 2, f"more than two modules over 400 lines: {over_400}"
