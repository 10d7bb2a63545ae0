"""Data contract: validation rules (one broken fixture each), loading, caching."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from techmonitor.datacheck import validate_data
from techmonitor.errors import DataValidationError
from techmonitor.observations import load_observations
from techmonitor.reference import default_data_dir

from .conftest import ASSETS

BROKEN = ASSETS / "data_broken"
REFERENCE = ["indicators.yaml", "sectors.yaml", "regions.yaml", "targets.yaml",
             "measures.yaml", "measure_progress.csv", "SOURCES.md", "sources.yaml"]

# rule folder -> substrings the message must contain (file, row, column, value, fix)
CASES = {
    "type_value": ["row 3, column value", "'twintig' is not a number"],
    "allowed_level": ["row 3, column level", "'bachelor'", "use one of vmbo"],
    "allowed_status": ["row 3, column status", "'final'", "definitive, provisional"],
    "period_format": ["row 3, column period", "'2016-17'", "2019/20 (school year)"],
    "duplicate_key": ["row 3: duplicate key", "keep one row per key"],
    "negative_count": ["row 3, column value", "-5.0 is a negative count"],
    "share_out_of_range": ["row 3, column value", "125.0 is a share outside 0-100"],
    "unknown_indicator": ["row 3, column indicator", "'inflow_tek' is not in"],
    "unknown_sector": ["row 3, column sector", "'ruimtevaart' is unknown"],
    "unknown_region": ["row 3, column region", "'AM05' is unknown"],
    "unknown_source": ["row 3, column source", "'duo-website' has no entry in data/SOURCES.md"],
    "mixed_definitions_vintage": ["row 3, column vintage", "'tp-2018' is not declared for "
                                  "inflow_tech", "must not be mixed"],
    "mixed_definitions_source": ["row 3, column source", "'techniekpact-monitor' is not a "
                                 "source of vintage duo-croho-2019"],
    "mixed_period_kinds": ["mixes period kinds ['school_year', 'year']"],
    "suppressed_cell": ["row 3, column value", "'<5' is a suppressed", "never as 0"],
    "missing_column": ["required column 'vintage' is missing"],
    "yaml_unknown_key": ["targets.yaml: targets[0]: unknown key 'doelwaarde'",
                         "allowed keys: id, name_nl"],
    "yaml_bad_sbi": ["sectors.yaml: top_sectors energie.vacancies.cbs-83599ned",
                     "'sbi-Z9' is not in sbi_sectors"],
    "progress_bad_period": ["measure_progress.csv: row 2, column period: '2013-Q4'",
                            "row 3, column measure_id: 'm9-onbekend'"],
}


def _fixture_dir(name: str, tmp_path: Path) -> Path:
    for ref in REFERENCE:
        shutil.copy2(default_data_dir() / ref, tmp_path / ref)
    for f in (BROKEN / name).iterdir():
        shutil.copy2(f, tmp_path / f.name)
    return tmp_path


def test_every_rule_has_a_fixture() -> None:
    folders = {p.name for p in BROKEN.iterdir() if p.is_dir()}
    assert folders == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_fixture_names_the_problem(name: str, tmp_path: Path) -> None:
    data = _fixture_dir(name, tmp_path)
    problems = validate_data(data)
    text = "\n".join(problems)
    for part in CASES[name]:
        assert part in text, f"{name}: {part!r} not in\n{text}"
    if name not in {"yaml_unknown_key", "yaml_bad_sbi", "progress_bad_period"}:
        with pytest.raises(DataValidationError) as exc:
            load_observations(data, use_cache=False)
        assert "observations.csv" in str(exc.value)


def test_all_problems_listed_at_once(tmp_path: Path) -> None:
    data = _fixture_dir("type_value", tmp_path)
    extra = ("inflow_tech,2017/18,wrong,all,NL,all,1,duo-ho-eerstejaars,duo-croho-2019,"
             "definitive\ninflow_tech,2018/19,hbo,all,XX,all,1,duo-ho-eerstejaars,"
             "duo-croho-2019,definitive\n")
    with (data / "observations.csv").open("a") as fh:
        fh.write(extra)
    with pytest.raises(DataValidationError) as exc:
        load_observations(data, use_cache=False)
    text = str(exc.value)
    assert "column value" in text and "column level" in text and "column region" in text


def test_bundled_data_valid_and_cached() -> None:
    data = default_data_dir()
    assert validate_data(data) == []
    obs = load_observations(data)
    assert list(obs.columns) == ["indicator", "period", "level", "sector", "region", "sex",
                                 "value", "source", "vintage", "status", "suppressed",
                                 "lower_bound", "published"]
    assert obs["value"].dtype == float
    assert obs["suppressed"].dtype == "int64" and obs["lower_bound"].dtype == bool
    # every published date is an ISO date; a lower bound always rests on suppressed cells
    assert obs["published"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert (obs.loc[obs["lower_bound"], "suppressed"] > 0).all()
    again = load_observations(data)
    pd.testing.assert_frame_equal(obs, again)
    again.loc[0, "value"] = -1  # callers get copies: the cache stays clean
    assert load_observations(data).loc[0, "value"] != -1
    assert (data / ".cache" / ".gitignore").exists()
