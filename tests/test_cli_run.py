"""``techmonitor run`` flags: clear one-line errors, and a no-change rerun that stays light."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from techmonitor.cli import main
from techmonitor.cli.parser import build_parser

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
    """The no-change path: hashing and the manifest only (no pandas, papermill, kernels).

    The second run is a process of its own, so an import at module level anywhere on the
    path (the batch, the index, the target check) counts, not only what the run adds."""
    project = tmp_path / "project"
    shutil.copytree(ASSETS / "batch" / "project", project)
    opts = ("opts = dict(warm_imports=(), warm_data=False,\n"
            "            validate=lambda d: [], formats=('html',), workers=0)\n")
    run = (f"b.run_batch(Path({str(project)!r}), Path({str(project / 'reports')!r}), "
           "options=b.RunOptions(**opts))\n")
    first = "import techmonitor.batch as b\nfrom pathlib import Path\n" + opts + run
    subprocess.run([sys.executable, "-c", first], check=True, timeout=300)
    second = (
        "import sys\nimport techmonitor.batch as b\nfrom pathlib import Path\n" + opts
        + "r = " + run
        + "assert len(r.cached) == 4, r.outcomes\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('pandas', 'papermill',\n"
        "    'nbconvert', 'typst', 'jupyter_client', 'matplotlib', 'statsmodels', 'scipy',\n"
        "    'seaborn'))\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", second], check=True, timeout=120)


def test_rebuilding_only_the_appendix_imports_no_analysis_library(tmp_path: Path) -> None:
    """Every report cached, the appendix gone: the batch process lays out the overview and the
    appendix from the results files and notebooks, without the trend stack (it had imported
    statsmodels and scipy for the overview's categories: 3 s of a 4.8 s appendix)."""
    project = tmp_path / "project"
    shutil.copytree(ASSETS / "batch" / "project", project)
    opts = ("opts = dict(warm_imports=(), warm_data=False,\n"
            "            validate=lambda d: [], formats=('html', 'pdf'), workers=0)\n")
    run = (f"b.run_batch(Path({str(project)!r}), Path({str(project / 'reports')!r}), "
           "options=b.RunOptions(**opts))\n")
    first = "import techmonitor.batch as b\nfrom pathlib import Path\n" + opts + run
    subprocess.run([sys.executable, "-c", first], check=True, timeout=300)
    (appendix,) = (project / "reports").glob("*/bijlage-*.pdf")
    appendix.unlink()
    second = (
        "import sys\nimport techmonitor.batch as b\nfrom pathlib import Path\n" + opts
        + "r = " + run
        + "assert len(r.cached) == 4 and r.appendix['status'] == 'ok', r.appendix\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('pandas', 'matplotlib',\n"
        "    'statsmodels', 'scipy', 'seaborn'))\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", second], check=True, timeout=120)
    assert appendix.is_file()


@pytest.mark.parametrize("command", ["list", "run", "validate"])
@pytest.mark.parametrize(("argv", "message"), [
    (["--period", "2023q3"],
     "error: command line: --period '2023q3': '2023q3' is not a quarter"),
    (["--set", "language=de"], "error: command line: --set language 'de': Input should be"),
    (["--set", "region=PV99"], "error: command line: --set region 'PV99': 'PV99' is not a CBS"),
])
def test_a_bad_command_line_value_is_reported_once_as_such(
        command: str, argv: list[str], message: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Not once per params file, and not blaming params/base.yaml."""
    project = ASSETS / "batch" / "project"
    extra = ["--out", "/nonexistent/never-written"] if command == "run" else []
    assert main([command, "--project", str(project), *extra, *argv]) == 1
    err = capsys.readouterr().err
    value = repr(argv[1].partition("=")[2] or argv[1])
    lines = [line for line in err.splitlines() if value in line]  # validate checks data too
    assert len(lines) == 1 and lines[0].startswith(message), lines
    assert "base.yaml" not in err


def test_a_period_far_beyond_the_data_is_refused(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    # the fixture's newest observation is the year 2023, which ends in 2023Q4
    project = ASSETS / "batch" / "project"
    assert main(["run", "--project", str(project), "--out", str(tmp_path),
                 "--period", "2031Q1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: command line: --period '2031Q1' lies more than 4 quarters "
                          "after the newest observation")
    assert "(2023Q4); choose 2024Q4 or earlier" in err
    assert not any(tmp_path.iterdir())  # refused before anything was written


def test_list_into_a_closed_pipe_stops_quietly() -> None:
    """``techmonitor list | head``: the reader goes away, no BrokenPipeError traceback."""
    project = ASSETS / "batch" / "project"
    proc = subprocess.Popen([sys.executable, "-c", "from techmonitor.cli import main; "
                             f"raise SystemExit(main(['list', '--project', {str(project)!r}]))"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the command has printed a line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
