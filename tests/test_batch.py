"""The batch engine on a tiny fixture project: workers, cache, failures, manifest, index."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import techmonitor.batch as batch
from techmonitor.batch import RunOptions, parse_formats, run_batch
from techmonitor.cli import main
from techmonitor.errors import DataValidationError, ParameterError

from .conftest import ASSETS

FIXTURE = ASSETS / "batch" / "project"
ALL = {"national-nl", "sector-alpha", "sector-beta", "region-utrecht"}

pytestmark = pytest.mark.slow


def fast(**kwargs: Any) -> RunOptions:
    """Fixture templates need no report library and no real data contract."""
    base: dict[str, Any] = {"warm_imports": (), "warm_data": False,
                            "validate": lambda data_dir: [], "formats": ("html",)}
    return RunOptions(**{**base, **kwargs})


def copy_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    return project


def manifest(out: Path) -> dict[str, Any]:
    return dict(json.loads((out / "2023Q3" / "manifest.json").read_text()))


def run(project: Path, **kwargs: Any) -> tuple[batch.BatchResult, list[dict[str, Any]]]:
    events: list[dict[str, Any]] = []
    only = kwargs.pop("only", None)
    result = run_batch(project, project / "reports", only=only, options=fast(**kwargs),
                       on_event=events.append)
    return result, events


def test_cache_skip_selective_rerun_and_force(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    out = project / "reports" / "2023Q3"

    first, events = run(project, workers=2)
    assert {o.report for o in first.outcomes} == ALL
    assert all(o.status == "ok" and not o.cached for o in first.outcomes)
    workers = {e["worker"] for e in events if e["event"] == "done"}
    # two worker processes pull from one queue; a fast one may take every report
    assert 1 <= len(workers) <= 2
    m = manifest(project / "reports")
    assert m["complete"] is True
    for entry in m["reports"]:
        assert len(entry["key"]) == 64
        assert {"queue", "execute", "html", "total"} <= set(entry["timings"])
        assert (out / entry["outputs"]["html"]).read_text().rstrip().endswith("</html>")
        assert (out / entry["outputs"]["notebook"]).is_file()
    index_mtime = (out / "index.html").stat().st_mtime_ns

    # nothing changed: no worker starts, nothing is rewritten but the manifest
    second, events = run(project, workers=2)
    assert all(o.cached for o in second.outcomes)
    assert not [e for e in events if e["event"] in ("worker_ready", "start", "done")]
    assert (out / "index.html").stat().st_mtime_ns == index_mtime
    assert all(e["cached"] for e in manifest(project / "reports")["reports"])

    # one params file changed: only that report runs, the index follows
    beta = project / "params" / "sectors" / "beta.yaml"
    beta.write_text(beta.read_text().replace("name: Sector Beta", "name: Sector Bèta"))
    third, events = run(project, workers=2)
    ran = {e["report"] for e in events if e["event"] == "done"}
    assert ran == {"sector-beta"}
    assert "Sector Bèta" in (out / "sector-beta.html").read_text()
    assert "Sector Bèta" in (out / "index.html").read_text()

    # --only with --force reruns just that report; the manifest keeps all four
    fourth, events = run(project, workers=0, force=True, only={("region", "utrecht")})
    assert {e["report"] for e in events if e["event"] == "done"} == {"region-utrecht"}
    assert {e["report"] for e in manifest(project / "reports")["reports"]} == ALL

    # a changed template reruns every report made from it (sectors and regions share one)
    tpl = project / "templates" / "report.ipynb"
    tpl.write_text(tpl.read_text().replace("x = 1", "x = 2"))
    _, events = run(project, workers=1)
    assert {e["report"] for e in events if e["event"] == "done"} == {
        "sector-alpha", "sector-beta", "region-utrecht"}
    # deleting an output reruns its report
    (out / "national-nl.html").unlink()
    _, events = run(project, workers=1)
    assert {e["report"] for e in events if e["event"] == "done"} == {"national-nl"}


def test_one_broken_report_does_not_stop_the_batch(tmp_path: Path, monkeypatch: Any,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    project = copy_project(tmp_path)
    alpha = project / "params" / "sectors" / "alpha.yaml"
    (project / "params" / "sectors" / "broken.yaml").write_text(
        alpha.read_text().replace("alpha", "broken"))
    monkeypatch.setattr(batch, "RunOptions", fast)
    code = main(["run", "--project", str(project), "--out", str(project / "reports"),
                 "--format", "html", "--workers", "2", "--quiet"])
    assert code == 1
    err = capsys.readouterr().err
    line = [x for x in err.splitlines() if "sector-broken" in x]
    assert line == ["error: report sector-broken failed in cell 3 (import time): "
                    "ValueError: boom in the fixture"]
    out = project / "reports" / "2023Q3"
    m = {e["report"]: e for e in manifest(project / "reports")["reports"]}
    assert {r for r, e in m.items() if e["status"] == "ok"} == ALL
    broken = m["sector-broken"]
    assert broken["status"] == "failed" and broken["cell"] == 3 and broken["key"] is None
    assert "boom in the fixture" in (out / broken["outputs"]["notebook"]).read_text()
    assert not (out / "sector-broken.html").exists()
    assert "boom in the fixture" in (out / "index.html").read_text()
    # the failed report is retried next time; the others are cached
    result, events = run(project, workers=1)
    assert {e["report"] for e in events if e["event"] == "done"} == {"sector-broken"}
    assert len(result.cached) == 4


def test_a_report_whose_pdf_fails_is_failed_and_the_rest_are_printed(tmp_path: Path) -> None:
    """A report whose PDF cannot be printed (an image without alt text) fails alone."""
    project = copy_project(tmp_path)
    alpha = project / "params" / "sectors" / "alpha.yaml"
    (project / "params" / "sectors" / "noalt.yaml").write_text(
        alpha.read_text().replace("alpha", "noalt"))
    out = project / "reports" / "2023Q3"
    result, events = run(project, workers=2, formats=("html", "pdf"))
    assert [o.report for o in result.failed] == ["sector-noalt"]
    failed = result.failed[0]
    assert failed.stage == "pdf" and "alt" in str(failed.error)
    assert not (out / "sector-noalt.html").exists() and not (out / "sector-noalt.pdf").exists()
    for rid in ALL:
        assert (out / f"{rid}.pdf").read_bytes().startswith(b"%PDF")
    assert {e["report"] for e in events if e["event"] == "done" and e["status"] != "ok"} == {
        "sector-noalt"}
    m = manifest(project / "reports")
    entry = next(e for e in m["reports"] if e["report"] == "sector-noalt")
    assert entry["status"] == "failed" and entry["key"] is None  # retried next run
    assert m["appendix"]["status"] != "ok" and not (out / "bijlage-2023Q3.pdf").exists()


def test_pdf_and_appendix_rebuilt_only_when_a_part_changed(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    out = project / "reports" / "2023Q3"
    result, _ = run(project, workers=2, formats=("html", "pdf"))
    assert not result.failed, [o.error for o in result.failed]
    appendix = out / "bijlage-2023Q3.pdf"
    assert appendix.read_bytes().startswith(b"%PDF")
    for rid in ALL:
        assert (out / f"{rid}.pdf").read_bytes().startswith(b"%PDF")
    m = manifest(project / "reports")
    assert m["appendix"]["status"] == "ok" and m["appendix"]["parts"][0] == "national-nl"
    assert all("pdf" in e["timings"] for e in m["reports"])
    stamp = appendix.stat().st_mtime_ns
    before = appendix.read_bytes()
    result, _ = run(project, workers=2, formats=("html", "pdf"))
    assert result.appendix["cached"] is True and appendix.stat().st_mtime_ns == stamp
    # HTML-only run of one report: the appendix is left alone
    run(project, workers=0, force=True, only={("sector", "alpha")})
    assert appendix.stat().st_mtime_ns == stamp
    # that run dropped nothing, but a changed report rebuilds the appendix
    beta = project / "params" / "sectors" / "beta.yaml"
    beta.write_text(beta.read_text().replace("name: Sector Beta", "name: Sector Gamma"))
    result, _ = run(project, workers=1, formats=("html", "pdf"))
    assert result.appendix["cached"] is False and appendix.read_bytes() != before


def test_invalid_data_stops_before_any_report(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    with pytest.raises(DataValidationError, match="1 problem"):
        run_batch(project, project / "reports",
                  options=fast(workers=1, validate=lambda d: ["observations.csv: bad row"]))
    assert not (project / "reports" / "2023Q3" / "manifest.json").exists()


def test_parse_formats() -> None:
    assert parse_formats("html,pdf") == ("html", "pdf")
    assert parse_formats(" PDF ") == ("pdf",)
    with pytest.raises(ParameterError, match="choose from html, pdf"):
        parse_formats("html,docx")


def test_warnings_reach_manifest_index_and_summary_and_strict_exits_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A report whose analysis had a step it could not do is done, but never silently."""
    from techmonitor.cli import main

    project = copy_project(tmp_path)
    shutil.rmtree(project / "data")  # the CLI validates the data contract first
    shutil.copytree(Path(__file__).parents[1] / "data", project / "data",
                    ignore=shutil.ignore_patterns(".cache"))
    alpha = project / "params" / "sectors" / "alpha.yaml"
    (project / "params" / "sectors" / "warned.yaml").write_text(
        alpha.read_text().replace("alpha", "warned"))
    argv = ["run", "--project", str(project), "--out", str(project / "reports"),
            "--format", "html", "--workers", "1", "--quiet"]
    assert main(argv) == 0  # warnings alone do not fail a run ...
    err = capsys.readouterr().err
    assert "warning: sector-warned: inflow_tech-hbo: trend: refused by the fixture" in err
    m = manifest(project / "reports")
    entry = next(e for e in m["reports"] if e["report"] == "sector-warned")
    assert entry["status"] == "ok"
    assert entry["warnings"] == ["inflow_tech-hbo: trend: refused by the fixture"]
    assert all(e["warnings"] == [] for e in m["reports"] if e["report"] != "sector-warned")
    index = (project / "reports" / "2023Q3" / "index.html").read_text()
    assert "refused by the fixture" in index and "1 waarschuwing" in index
    assert "waarschuwing(en)" not in index
    assert main([*argv, "--strict"]) == 1  # ... unless asked (cached reports keep them)
    assert "warning: sector-warned" in capsys.readouterr().err
