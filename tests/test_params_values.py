"""Hostile values in params files: targets that cannot be meant, and codes with a trailing
newline (``$`` matches before a final newline; the patterns end at ``\\Z``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from techmonitor.cli import main
from techmonitor.errors import ParameterError
from techmonitor.paramfiles import resolve
from techmonitor.progress import assess_target

from .conftest import ROOT, set_utrecht_target

REST = "source: illustrative, status: illustrative"


@pytest.mark.parametrize(("target", "expected"), [
    (f"indicator: inflow_tech, level: hbo, target_value: .nan, target_period: 2025/26, {REST}",
     "key 'targets.0.target_value' = nan: Value error, nan is not a finite number"),
    (f"indicator: inflow_tech, level: hbo, target_value: .inf, target_period: 2025/26, {REST}",
     "key 'targets.0.target_value' = inf: Value error, inf is not a finite number"),
    (f"indicator: inflow_tech, level: hbo, target_value: 1.0e+308, target_period: 2025/26, "
     f"{REST}", "1e+308 is larger than 1e+12"),
    (f"indicator: inflow_tech, level: hbo, target_value: 5000, target_period: 9999/00, {REST}",
     "key 'targets.0.target_period' = '9999/00': Value error, period '9999/00' lies outside "
     "1900-2100"),
    (f"indicator: inflow_tech, level: hbo, target_change_pct: -150, baseline_period: 2015/16, "
     f"target_period: 2025/26, {REST}", "-150% is not a change a target can mean"),
])
def test_schema_refuses_targets_that_cannot_be_meant(params_project: Path, target: str,
                                                     expected: str) -> None:
    path = set_utrecht_target(params_project, target)
    with pytest.raises(ParameterError) as info:
        resolve(params_project / "params" / "base.yaml", path)
    assert str(info.value).startswith(f"{path}: ")
    assert expected in str(info.value)


@pytest.mark.parametrize(("target", "expected"), [
    (f"indicator: inflow_tech, level: hbo, target_value: -500, target_period: 2025/26, {REST}",
     "targets[0]: target_value = -500: the indicator is a count, so a target is a positive "
     "number of people or places"),
    (f"indicator: inflow_tech_share, level: hbo, target_value: 120, target_period: 2025/26, "
     f"{REST}", "targets[0]: target_value = 120: the indicator is a share, so a target lies "
     "within 0-100 (write 25 for 25%)"),
    (f"indicator: inflow_tech, level: hbo, target_value: 5000, target_period: 2040/41, {REST}",
     "targets[0]: target_period = '2040/41' lies more than 15 years after the newest data "
     "(2024/25)"),
])
def test_validate_refuses_targets_the_data_cannot_hold(params_project: Path, target: str,
                                                       expected: str,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    path = set_utrecht_target(params_project, target)
    code = main(["validate", "--project", str(params_project), "--only", "region:utrecht"])
    err = capsys.readouterr().err
    assert code == 1
    assert any(line.startswith(f"error: {path}: {expected}") for line in err.splitlines()), err


@pytest.mark.parametrize(("key", "value", "rule"), [
    ("region", '"PV29\\n"', "is not a CBS region code"),
    ("slug", '"utrecht\\n"', "is not a slug"),
    ("period", '"2023Q3\\n"', "is not a quarter"),
])
def test_a_trailing_newline_is_refused(params_project: Path, key: str, value: str,
                                       rule: str) -> None:
    path = params_project / "params" / "regions" / "utrecht.yaml"
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines()
             if not ln.startswith(f"{key}:")]
    path.write_text("\n".join([*lines, f"{key}: {value}"]) + "\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=rule):
        resolve(params_project / "params" / "base.yaml", path)


def test_a_trailing_newline_on_the_command_line_is_refused(params_project: Path) -> None:
    with pytest.raises(ParameterError, match=r"'2023Q3\\n' is not a quarter"):
        resolve(params_project / "params" / "base.yaml",
                params_project / "params" / "national.yaml", overrides={"period": "2023Q3\n"})


def test_a_passed_target_period_is_flagged() -> None:
    """Judged as before, and flagged: by the data (target period observed) or by the report
    period (the target period ended before it, though the data stop earlier)."""
    series = pd.Series([100.0, 110.0, 120.0], index=["2015/16", "2016/17", "2017/18"])
    observed = assess_target(series, 200.0, "2016/17")
    assert observed.period_passed
    ahead = assess_target(series, 200.0, "2020/21")
    assert not ahead.period_passed
    # 2020/21 ends in summer 2021; a report on 2021Q4 comes after it, one on 2021Q2 does not
    assert assess_target(series, 200.0, "2020/21", as_of="2021Q4").period_passed
    assert not assess_target(series, 200.0, "2020/21", as_of="2021Q2").period_passed
    assert ahead.category == assess_target(series, 200.0, "2020/21", as_of="2021Q4").category


def test_run_fails_the_report_whose_target_breaks_the_rules(params_project: Path,
                                                            tmp_path: Path) -> None:
    """Without `validate` first: a count target of -500 never reads "doel al gehaald"; that
    report fails before it runs, naming file and rule, and the batch goes on."""
    import json

    path = set_utrecht_target(params_project,
                              f"indicator: inflow_tech, level: hbo, target_value: -500, "
                              f"target_period: 2025/26, {REST}")
    (params_project / "templates").unlink()
    shutil.copytree(ROOT / "tests" / "assets" / "batch" / "project" / "templates",
                    params_project / "templates")  # the fixture's fast notebooks: no real analysis
    out = tmp_path / "out"
    code = main(["run", "--project", str(params_project), "--out", str(out), "--period", "2023Q3",
                 "--only", "region:utrecht", "--only", "region:zeeland", "--format", "html",
                 "--quiet", "--log-json", str(tmp_path / "events.jsonl")])
    assert code == 1
    events = [json.loads(line) for line in
              (tmp_path / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    start = next(e for e in events if e["event"] == "batch_start")
    # the refused report is neither run nor announced as unchanged
    assert (start["to_run"], start["cached"]) == (1, 0)
    assert not [e for e in events if e["event"] == "cached"]
    manifest = json.loads((out / "2023Q3" / "manifest.json").read_text(encoding="utf-8"))
    by_report = {r["report"]: r for r in manifest["reports"]}
    failed = by_report["region-utrecht"]
    assert failed["status"] == "failed" and failed["stage"] == "params"
    assert f"{path}: targets[0]: target_value = -500" in failed["error"]
    assert by_report["region-zeeland"]["status"] == "ok"
    assert not (out / "2023Q3" / "region-utrecht.html").exists()
    # the refused report alone: nothing runs, and the workers started meanwhile are stopped
    # and not recorded as the run's executor
    alone = tmp_path / "alone"
    code = main(["run", "--project", str(params_project), "--out", str(alone), "--period",
                 "2023Q3", "--only", "region:utrecht", "--format", "html", "--quiet"])
    assert code == 1
    manifest = json.loads((alone / "2023Q3" / "manifest.json").read_text(encoding="utf-8"))
    assert [r["status"] for r in manifest["reports"]] == ["failed"]
    assert manifest["executor"] == {}
