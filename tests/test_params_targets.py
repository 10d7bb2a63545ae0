"""Parameter files mean what they say: targets are checked against the data, the notebook
path applies the batch's rules, and the shipped Energie target resolves."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from techmonitor.cli import main
from techmonitor.config import cross_checks, from_values
from techmonitor.errors import ParameterError
from techmonitor.paramfiles import resolve
from techmonitor.report import Report

from .conftest import ROOT, set_utrecht_target


def _validate(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["validate", "--project", str(project)])
    return code, capsys.readouterr().err


BASE = "source: illustrative, status: illustrative, target_period: 2025/26"


@pytest.mark.parametrize(("target", "expected"), [
    (f"indicator: inflow_tecnh, level: hbo, target_value: 5, {BASE}",
     ["targets[0]: indicator = 'inflow_tecnh' is not in data/indicators.yaml",
      "did you mean 'inflow_tech'"]),
    (f"indicator: inflow_tech, level: vwo, target_value: 5, {BASE}",
     ["targets[0]: level = 'vwo': inflow_tech has levels", "pick one of them"]),
    (f"indicator: inflow_tech, level: ho, target_value: 5, {BASE}",
     ["level = 'ho': this report shows inflow_tech for hbo, wo only", "add 'ho' to levels"]),
    (f"indicator: inflow_sector, level: hbo, target_value: 5, {BASE}",
     ["inflow_sector hbo has no data for this report (sector all, region PV26",
      "pick an indicator the report shows"]),
    (f"indicator: inflow_tech, level: hbo, baseline_period: 2009/10, target_change_pct: 10, "
     f"{BASE}",
     ["baseline_period = '2009/10' is not in the data of inflow_tech hbo",
      "choose a period with data"]),
])
def test_validate_names_file_key_value_and_fix(params_project: Path, target: str,
                                               expected: list[str],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = set_utrecht_target(params_project, target)
    code, err = _validate(params_project, capsys)
    assert code == 1
    line = next(ln for ln in err.splitlines() if "targets[0]" in ln)
    assert str(path) in line
    for part in expected:
        assert part in line


def test_validate_rejects_a_zero_baseline_for_a_relative_target(
        params_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A baseline value of 0 (here Energie hbo first-years in 2020/21 of the newest edition set
    to 0 in a copy of the data): +10% of that is no target."""
    (params_project / "data").unlink()
    shutil.copytree(ROOT / "data", params_project / "data")
    obs_path = params_project / "data" / "observations.csv"
    obs = pd.read_csv(obs_path, dtype=str, keep_default_na=False)
    row = ((obs.indicator == "inflow_sector") & (obs.period == "2020/21")
           & (obs.level == "hbo") & (obs.sector == "energie") & (obs.sex == "all")
           & (obs.region == "NL") & (obs.vintage == "duo-sector-hbo-2025"))
    assert row.sum() == 1
    obs.loc[row, "value"] = "0"
    obs.to_csv(obs_path, index=False, lineterminator="\n")
    path = params_project / "params" / "sectors" / "energie.yaml"
    assert "baseline_period: 2020/21" in path.read_text(encoding="utf-8")
    code, err = _validate(params_project, capsys)
    assert code == 1
    line = next(ln for ln in err.splitlines() if "targets[0]" in ln)
    assert str(path) in line and "the value in 2020/21 is 0" in line
    assert "choose another baseline period or give target_value" in line


def test_a_target_period_before_its_baseline_is_a_schema_error(params_project: Path) -> None:
    path = set_utrecht_target(params_project,
                              "indicator: inflow_tech, level: hbo, baseline_period: 2020/21, "
                              "target_change_pct: 5, target_period: 2018/19, "
                              "source: illustrative")
    with pytest.raises(ParameterError) as info:
        resolve(params_project / "params" / "base.yaml", path)
    assert str(path) in str(info.value)
    assert "target_period '2018/19' is not after baseline_period '2020/21'" in str(info.value)


def test_the_bundled_params_validate_and_energie_has_its_target(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--project", str(ROOT)]) == 0
    report = Report(resolve(ROOT / "params" / "base.yaml",
                            ROOT / "params" / "sectors" / "energie.yaml",
                            overrides={"project_dir": str(ROOT)}).params)
    item = next(i for i in report.context.items if i.key == "inflow_sector-hbo")
    assert item.error is None and item.target is not None
    obs = pd.read_csv(ROOT / "data" / "observations.csv", dtype=str)
    # the baseline is in the edition the report shows (DUO's current files)
    base = obs[(obs.indicator == "inflow_sector") & (obs.period == "2020/21")
               & (obs.level == "hbo") & (obs.sector == "energie") & (obs.sex == "all")
               & (obs.region == "NL") & (obs.vintage == "duo-sector-hbo-2025")]
    assert len(base) == 1
    baseline = float(base["value"].iloc[0])
    assert baseline > 0
    assert item.target.value == pytest.approx(baseline * 1.10)
    assert item.target.baseline_period == "2020/21"
    assert set(item.series["vintage"]) == {"duo-sector-hbo-2025"}


def test_a_target_that_matches_no_series_is_a_finding_not_a_silence() -> None:
    """Run anyway (no validate), a target for a level the report does not show is listed."""
    job = resolve(ROOT / "params" / "base.yaml", ROOT / "params" / "regions" / "utrecht.yaml",
                  overrides={"project_dir": str(ROOT), "targets": [
                      {"indicator": "inflow_tech", "level": "ho", "target_value": 10,
                       "target_period": "2025/26", "source": "illustrative"}]})
    report = Report(job.params)
    found = [f for f in report.context.findings if f.where == "targets[0]"]
    assert len(found) == 1 and "inflow_tech (ho)" in found[0].reason
    assert any("targets[0]" in w for w in report.summary().data["warnings"])  # type: ignore[union-attr]


def _namespace(**changes: object) -> dict[str, object]:
    job = resolve(ROOT / "params" / "base.yaml", ROOT / "params" / "sectors" / "energie.yaml",
                  overrides={"project_dir": str(ROOT)})
    return {**job.params.model_dump(), **changes}


def test_the_notebook_path_applies_the_batch_rules() -> None:
    with pytest.raises(ParameterError) as info:
        Report.from_namespace(_namespace(sector="chemie"))
    assert "template parameters: key 'sector' = 'chemie' must equal the slug 'energie'" \
        in str(info.value)
    with pytest.raises(ParameterError, match="key 'sbi'.*only applies to a sector report"):
        from_values(_namespace(kind="region", slug="utrecht", sector="all", region="PV26",
                               sbi=["sbi-C"]))
    with pytest.raises(ParameterError, match=r"key .target_year. = 1900"):
        Report.from_namespace(_namespace(target_year=1900))
    # the same rules as a params file: the batch and the notebook agree
    ok = from_values(_namespace())
    assert cross_checks(ok, "x") == []


def test_a_region_file_with_a_sector_is_rejected(params_project: Path) -> None:
    path = params_project / "params" / "regions" / "utrecht.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "sector: energie\n")
    with pytest.raises(ParameterError, match="key 'sector' = 'energie' only applies to a "
                                             "sector report"):
        resolve(params_project / "params" / "base.yaml", path)


def test_a_stated_baseline_value_with_a_relative_target_is_rejected(params_project: Path) -> None:
    """target_change_pct is taken on the value in the data; a stated value would be ignored."""
    path = set_utrecht_target(params_project,
                              "indicator: inflow_tech, level: hbo, baseline_period: 2018/19, "
                              "target_change_pct: 10, baseline_value: 50, " + BASE)
    with pytest.raises(ParameterError) as info:
        resolve(params_project / "params" / "base.yaml", path)
    assert str(path) in str(info.value)
    assert "baseline_value = 50 with target_change_pct" in str(info.value)


def test_validate_checks_the_sbi_codes_of_a_sector(params_project: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = params_project / "params" / "sectors" / "energie.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "sbi: [sbi-ZZ]\n", encoding="utf-8")
    code, err = _validate(params_project, capsys)
    assert code == 1
    assert f"{path}: key 'sbi': 'sbi-ZZ' is not an SBI sector code" in err


def test_a_params_file_that_is_not_utf8_names_file_and_line(params_project: Path) -> None:
    path = params_project / "params" / "sectors" / "energie.yaml"
    path.write_bytes(path.read_bytes() + "# B\u00e8ta\n".encode("cp1252"))
    with pytest.raises(ParameterError) as info:
        resolve(params_project / "params" / "base.yaml", path)
    line = path.read_bytes().count(b"\n")
    assert f"{path} line {line}: not UTF-8 text (byte 0xe8); save the file as UTF-8" \
        == str(info.value)
