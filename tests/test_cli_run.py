"""``techmonitor run`` flags: clear one-line errors, and a no-change rerun that stays light."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from techmonitor.cli import build_parser, main

from .conftest import ASSETS


def test_run_flags_and_defaults() -> None:
    args = build_parser().parse_args(["run"])
    assert args.formats == "html,pdf" and args.workers is None and args.executor == "local"
    assert args.restart_every == 50 and not args.force and args.log_json is None


@pytest.mark.parametrize(("argv", "message"), [
    (["--format", "docx"], "error: --format 'docx': choose from html, pdf"),
    (["--scheduler", "tcp://x:1"], "error: --scheduler needs --executor dask"),
    (["--workers", "-1"], "error: --workers -1: give 0 or more"),
])
def test_bad_run_flags_give_one_clear_line(argv: list[str], message: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--project", str(tmp_path), *argv]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(message)


def test_cached_rerun_imports_no_heavy_library(tmp_path: Path) -> None:
    """The no-change path: hashing and the manifest only (no pandas, papermill, kernels)."""
    project = tmp_path / "project"
    shutil.copytree(ASSETS / "batch" / "project", project)
    code = (
        "import sys, techmonitor.batch as b\nfrom pathlib import Path\n"
        "from techmonitor.cli import main\n"
        f"out = {str(project / 'reports')!r}\n"
        "opts = dict(warm_imports=(), warm_data=False,\n"
        "            validate=lambda d: [], formats=('html',), workers=0)\n"
        f"b.run_batch(Path({str(project)!r}), Path(out), options=b.RunOptions(**opts))\n"
        "for m in ('pandas', 'papermill', 'nbconvert', 'typst', 'jupyter_client'):\n"
        "    sys.modules.pop(m, None)\n"
        "before = set(sys.modules)\n"
        f"r = b.run_batch(Path({str(project)!r}), Path(out), options=b.RunOptions(**opts))\n"
        "assert len(r.cached) == 4, r.outcomes\n"
        "new = set(sys.modules) - before\n"
        "heavy = [m for m in new if m.split('.')[0] in ('pandas', 'papermill', 'nbconvert',\n"
        "         'typst', 'jupyter_client', 'matplotlib', 'statsmodels')]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
