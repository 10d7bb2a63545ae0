"""Published-figure connector: real files and hand-written fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from techmonitor.sources import published

from ..conftest import ASSETS

FIX = ASSETS / "raw_fixtures" / "published"


def test_techniekpact_fixture_by_hand() -> None:
    obs = published.techniekpact_education(FIX / "techniekpact_monitor_education.csv")
    assert len(obs) == 4  # the 'landsdeel Noordwest' row is skipped (not a CBS region)
    split = obs[obs.level == "mbo-1"].set_index("period")["value"].to_dict()
    assert split == {"2007/08": 32.0, "2017/18": 28.0}  # '32 / 28' split over two periods
    women = obs[obs.sex == "vrouw"]
    assert women[["indicator", "level", "vintage"]].values.tolist() == [
        ["inflow_betatech_share", "ho", "tp-2022-04"]]


def test_vhto_versions_stay_apart() -> None:
    obs = published.vhto(FIX / "vhto_instroom_techniek.csv", None)
    assert set(obs["vintage"]) == {"vhto-a", "vhto-b", "vhto-mbo"}
    a = obs[obs.vintage == "vhto-a"].set_index("sex")["value"].to_dict()
    assert a == {"all": 100.0, "man": 80.0, "vrouw": 20.0}
    assert obs[obs.vintage == "vhto-b"]["period"].unique().tolist() == ["2016/17"]


def test_period_spellings() -> None:
    assert published.any_period("begin 2016") == "2016Q1"
    assert published.any_period("end 2022") == "2022Q4"
    assert published.any_period("2024 4e kwartaal") == "2024Q4"
    assert published.any_period("2021/'22*") == "2021/22"
    assert published.any_period("~2012") == "2012"
    with pytest.raises(ValueError):
        published.school_year("2019")


def test_real_published_files(raw_dir: Path) -> None:
    pub = raw_dir / "published_figures"
    tp = published.techniekpact_education(pub / "techniekpact_monitor_education.csv")
    ho = tp[(tp.indicator == "inflow_betatech") & (tp.level == "ho") & (tp.sex == "all")]
    assert ho.set_index(["vintage", "period"])["value"].to_dict() == {
        ("tp-2018", "2006/07"): 28313, ("tp-2018", "2016/17"): 44895,
        ("tp-2022-04", "2011/12"): 35013, ("tp-2022-04", "2021/22"): 50620}
    # Same year, two vintages, two values: kept apart, never spliced.
    share = tp[(tp.indicator == "inflow_betatech_share") & (tp.level == "ho")
               & (tp.sex == "all") & (tp.period == "2020/21")]
    assert share.set_index("vintage")["value"].to_dict() == {"tp-2021-01": 27, "tp-2022-04": 28}
    uwv = published.uwv_vacancies(pub / "uwv_technical_vacancies_via_techniekpact.csv")
    assert uwv.set_index(["vintage", "period"])["value"].to_dict()[
        ("uwv-tp-2022-05", "2016Q1")] == 41500
    assert uwv.set_index(["vintage", "period"])["value"].to_dict()[
        ("uwv-tp-2024-06", "2016Q1")] == 29200
    facts = published.labour_market_facts(pub / "labour_market_facts.csv")
    # persons with a technical occupation come from techniekpact_technical_occupations/
    # (sources.occupations, editions kept apart), not twice
    assert "employment_tech_occupations" not in set(facts["indicator"])
    occ = published.cbs_occupation_points(
        pub / "cbs_83359NED_2017_beroepsklasse_excerpt.csv", pub / "cbs_85276NED_excerpt.csv",
        raw_dir / "cbs_85276ned_beroepen_2023_nljobs" / "occupations.csv")
    tech = occ[occ.indicator == "employment_brc_technical"].set_index("period")["value"]
    assert tech["2017"] == 1222000 and tech["2024Q4"] == 1383000
