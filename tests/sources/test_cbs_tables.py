"""CBS tables fetched with cbsodata (retention, lateral inflow, school leavers, cohorts):
hand-written fixtures in the fetched format (``get_data`` rows + ``DataProperties``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from techmonitor.errors import DataValidationError
from techmonitor.sources import cbs_tables

from ..conftest import ASSETS

FIX = ASSETS / "raw_fixtures" / "cbs_tables"


def _values(obs):  # type: ignore[no-untyped-def]
    return obs.set_index(["indicator", "period"])["value"].to_dict()


def test_wisseling_fixture_by_hand() -> None:
    obs = cbs_tables.wisseling(FIX / "83120NED.json")
    assert _values(obs) == {
        ("employed_prev_class_tech", "2020Q2"): 1_000_000,
        ("stayed_occupation_tech", "2020Q2"): 940_000,
        ("employed_prev_class_tech", "2020Q3"): 1_010_000,
        ("stayed_occupation_tech", "2020Q3"): 960_000,
    }  # men only, 'andere beroepsklasse', the year row and the empty ICT cell are left out
    status = obs.set_index("period")["status"].to_dict()
    assert status == {"2020Q2": "definitive", "2020Q3": "provisional"}  # '*' = provisional
    assert set(obs["vintage"]) == {"cbs-83120ned"}


def test_renamed_measure_is_a_clear_error() -> None:
    path = FIX / "83120NED_renamed.json"
    with pytest.raises(DataValidationError) as err:
        cbs_tables.wisseling(path)
    text = str(err.value)
    assert str(path) in text and "83120NED" in text
    assert "measure 'Werkzame beroepsbevolking' not found" in text
    assert "Werkzame personen" in text  # the titles present are listed


def test_missing_category_and_no_total(tmp_path: Path) -> None:
    raw = json.loads((FIX / "83120NED.json").read_text(encoding="utf-8"))
    for row in raw["data"]:
        row["Geslacht"] = row["Geslacht"].replace("Totaal mannen en vrouwen", "Alle personen")
    path = tmp_path / "t.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(DataValidationError, match="total of dimension 'Geslacht'"):
        cbs_tables.wisseling(path)
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    with pytest.raises(DataValidationError, match="not a fetched CBS table"):
        cbs_tables.wisseling(tmp_path / "bad.json")


def test_lateral_inflow_fixture() -> None:
    obs = cbs_tables.lateral_mbo(FIX / "85574NED.json")
    assert _values(obs) == {("mbo_entrants_from_work", "2018/19"): 5200,
                            ("mbo_entrants_from_work", "2019/20"): 5450}
    assert set(obs["level"]) == {"mbo"}
    assert obs.set_index("period")["status"]["2019/20"] == "provisional"


def test_ho_leavers_fixture() -> None:
    obs = cbs_tables.ho_leavers(FIX / "85776NED.json")
    # working = with work, without benefit (1500) + with work, with benefit (100)
    assert _values(obs) == {("ho_leavers_tech", "2020/21"): 2000,
                            ("ho_leavers_tech_working", "2020/21"): 1600}


def test_hbo_cohorts_fixture() -> None:
    df = cbs_tables.hbo_cohorts(FIX / "83286NED.json")
    got = {(r.cohort, r.years): (r.entrants, r.retained) for r in df.itertuples()}
    assert got == {(2012, 4): (1000, 80), (2012, 5): (1000, 110), (2014, 4): (1200, 120)}
    assert list(df.columns) == cbs_tables.COHORT_COLUMNS


def test_period_titles() -> None:
    assert cbs_tables.period_code("2023 2e kwartaal") == ("2023Q2", False)
    assert cbs_tables.period_code("2018/'19*") == ("2018/19", True)
    assert cbs_tables.period_code("2019") == ("2019", False)
    with pytest.raises(ValueError, match="no quarter"):
        cbs_tables.period_code("2019 mei")
