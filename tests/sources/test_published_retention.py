"""Published retention figures: a hand-written fixture, layout errors, the real file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from techmonitor.errors import DataValidationError
from techmonitor.sources.published_retention import read_published_retention

from ..conftest import ASSETS

FIX = ASSETS / "raw_fixtures" / "published_retention" / "retention_fixture.csv"


def test_published_points_by_hand() -> None:
    obs = read_published_retention(FIX)
    got = {(r.indicator, r.period, r.sex, r.vintage): r.value for r in obs.itertuples()}
    assert got == {
        ("hbo_diploma_6y_tech_pub", "2010/11", "all", "ocw-studiesucces-2016-direct"): 57.63,
        ("hbo_dropout_first_year_pub", "2017/18", "all", "vh-2018"): 15.7,
        ("hbo_dropout_first_year_pub", "2017/18", "man", "vh-2018"): 18.2,
        ("hbo_dropout_first_year_pub", "2012/13", "all", "telegraaf-vh-2014"): 14.7,
    }  # economie and the switch rate are not stored


def test_renamed_column_and_unknown_page(tmp_path: Path) -> None:
    bad = tmp_path / "retention.csv"
    bad.write_text(FIX.read_text(encoding="utf-8").replace(",breakdown,", ",split,", 1),
                   encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"retention\.csv: required column\(s\) "
                       r"\['breakdown'\] missing"):
        read_published_retention(bad)
    bad.write_text(FIX.read_text(encoding="utf-8").replace("www.telegraaf.nl", "example.org"),
                   encoding="utf-8")
    with pytest.raises(DataValidationError) as exc:
        read_published_retention(bad)
    assert "row 6: page 'https://example.org/nieuws/977625/" in exc.value.problems[0]


def test_real_file(raw_dir: Path) -> None:
    path = raw_dir / "published_retention_ho" / "retention_figures_published.csv"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    obs = read_published_retention(path)
    tech = raw[(raw["sector"] == "techniek")
               & (raw["indicator"] == "bachelor diploma within 6 years")]
    assert sorted(obs[obs.indicator == "hbo_diploma_6y_tech_pub"]["value"]) == sorted(
        tech["value"].astype(float))  # 50.17 (gap year) and 57.63 (direct)
    # each page its own vintage: no vintage holds two publications
    dropout = obs[obs.indicator == "hbo_dropout_first_year_pub"]
    assert dropout.groupby("vintage")["period"].nunique().max() <= 2
    assert len(dropout) == 11
