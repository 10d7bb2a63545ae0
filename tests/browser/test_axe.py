"""Every report of a small batch in headless Chromium with axe-core.

Zero serious or critical axe violations (WCAG 2.1 A/AA rules), no console errors, no request
other than ``file://``, and no sideways scrolling of the page at phone width (wide tables
scroll inside their ``.table-wrap``). Needs Debian's ``chromium`` and ``npm ci`` (axe-core);
``make browser-deps`` installs both. Outside CI the test is skipped when either is missing;
in CI (env ``CI`` set) it fails instead, so the check can never silently disappear.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from techmonitor.render.screenshots import block_network, browser, chromium_path

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
REPORTS = ("national:nl", "sector:energie", "region:utrecht")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = pytest.mark.slow


def _requirements() -> None:
    missing = []
    if chromium_path() is None:
        missing.append("chromium (/usr/bin/chromium)")
    if not AXE.exists():
        missing.append(f"axe-core ({AXE.relative_to(ROOT)})")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("python package playwright")
    if missing:
        reason = "browser check needs " + ", ".join(missing) + "; run `make browser-deps`"
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI is set: this check must run)")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _requirements()
    out = tmp_path_factory.mktemp("reports")
    cmd = [str(Path(sys.executable).parent / "techmonitor"), "run", "--project", str(ROOT),
           "--out", str(out), "--format", "html", "--quiet",
           "--workers", "1"]  # one kernel: its fits are shared by the three reports
    for r in REPORTS:
        cmd += ["--only", r]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    (period_dir,) = [p for p in out.iterdir() if p.is_dir()]
    return period_dir


def _pages(batch_dir: Path) -> list[Path]:
    pages = sorted(batch_dir.glob("*.html"))
    assert len(pages) == len(REPORTS) + 1  # the reports and index.html
    return pages


def test_reports_pass_axe_without_console_errors_or_network(batch_dir: Path) -> None:
    axe = AXE.read_text(encoding="utf-8")
    problems: list[str] = []
    with browser() as b:
        ctx = b.new_context(viewport={"width": 1024, "height": 900})
        for html in _pages(batch_dir):
            page = ctx.new_page()
            blocked: list[str] = []
            errors: list[str] = []
            block_network(page, blocked)
            page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
            page.goto(html.as_uri(), wait_until="load")
            page.add_script_tag(content=axe)
            result = page.evaluate(
                "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
                " resultTypes: ['violations']})", AXE_TAGS)
            for v in result["violations"]:
                if v["impact"] in ("serious", "critical"):
                    targets = [n["target"] for n in v["nodes"][:3]]
                    problems.append(f"{html.name}: {v['id']} ({v['impact']}): {v['help']} "
                                    f"at {targets}")
            problems += [f"{html.name}: console error: {e}" for e in errors]
            problems += [f"{html.name}: external request: {u}" for u in blocked]
            page.close()
        ctx.close()
    assert not problems, "\n".join(problems)


def test_reports_fit_a_phone_screen(batch_dir: Path) -> None:
    with browser() as b:
        ctx = b.new_context(viewport={"width": 390, "height": 844})
        for html in _pages(batch_dir):
            page = ctx.new_page()
            block_network(page)
            page.goto(html.as_uri(), wait_until="load")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{html.name} scrolls sideways by {overflow}px on a phone"
            page.close()
        ctx.close()
