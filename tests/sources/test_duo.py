"""DUO connector: real files (totals checked with the csv module) and hand-written fixtures."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from techmonitor.errors import DataValidationError
from techmonitor.reference import EducationRules, load_sectors
from techmonitor.sources import duo

from ..conftest import ASSETS, ROOT

FIX = ASSETS / "raw_fixtures"
PROV = {"drenthe": "PV22", "zuid-holland": "PV28", "groningen": "PV20", "utrecht": "PV26"}
DUO_DIR = "duo_ho_mbo_2015_2019_tekkieworden"
DATA = ROOT / "data"


def _csv_sum(path: Path, year: str, *, where: dict[str, str], encoding: str) -> int:
    """Independent reference: plain csv module, no pandas, no connector code."""
    total = 0
    with path.open(encoding=encoding, newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            if all(row.get(k) == v for k, v in where.items()) and (row.get(year) or "").strip():
                total += int(row[year])
    return total


def _value(obs: pd.DataFrame, **key: str) -> float:
    m = np.ones(len(obs), dtype=bool)
    for k, v in key.items():
        m &= (obs[k] == v).to_numpy()
    assert m.sum() == 1, key
    return float(obs.loc[m, "value"].iloc[0])


def test_real_hbo_wo_first_years(raw_dir: Path) -> None:
    hbo = duo.read_duo(raw_dir / DUO_DIR / "hbo_inscriptions_2019.csv", level="hbo")
    wo = duo.read_duo(raw_dir / DUO_DIR / "wo_inscriptions_2019.csv", level="wo")
    micro = pd.concat([hbo, wo], ignore_index=True)
    prov = {p: c for p, c in PROV.items()} | {
        "friesland": "PV21", "overijssel": "PV23", "flevoland": "PV24", "gelderland": "PV25",
        "noord-holland": "PV27", "zeeland": "PV29", "noord-brabant": "PV30", "limburg": "PV31"}
    tech, _ = duo.aggregate(micro, indicator="inflow_tech", mask=micro["onderdeel"] == "techniek",
                            source="s", vintage="v", province_codes=prov)
    total, _ = duo.aggregate(micro, indicator="inflow_total", mask=None, source="s",
                             vintage="v", province_codes=prov)
    # Figures from ../shared/data/raw/README.md (sums of the files themselves).
    assert _value(tech, period="2015/16", level="hbo", region="NL", sex="all") == 20087
    assert _value(tech, period="2019/20", level="hbo", region="NL", sex="all") == 23561
    assert _value(tech, period="2015/16", level="wo", region="NL", sex="all") == 12735
    assert _value(tech, period="2019/20", level="wo", region="NL", sex="all") == 14275
    assert _value(tech, period="2015/16", level="hbo", region="NL", sex="vrouw") == 4258
    assert _value(tech, period="2019/20", level="hbo", region="NL", sex="vrouw") == 5465
    assert _value(tech, period="2019/20", level="ho", region="NL", sex="all") == 23561 + 14275
    assert _value(total, period="2015/16", level="hbo", region="NL", sex="all") == 95961
    assert _value(total, period="2019/20", level="hbo", region="NL", sex="all") == 113422
    assert _value(total, period="2019/20", level="wo", region="NL", sex="all") == 109833
    # A province, recomputed with the csv module.
    ref = _csv_sum(raw_dir / DUO_DIR / "hbo_inscriptions_2019.csv", "2017",
                   where={"PROVINCIE": "Noord-Brabant", "CROHO ONDERDEEL": "techniek"},
                   encoding="latin-1")
    assert _value(tech, period="2017/18", level="hbo", region="PV30", sex="all") == ref
    # Provinces add up to the national total.
    sub = tech[(tech.level == "hbo") & (tech.sex == "all") & (tech.period == "2018/19")]
    assert_allclose(sub[sub.region != "NL"]["value"].sum(), sub[sub.region == "NL"]["value"])


def test_real_diplomas_and_mbo(raw_dir: Path) -> None:
    dip = duo.read_duo(raw_dir / DUO_DIR / "hbo_gediplomeerden_2019.csv", level="hbo")
    obs, _ = duo.aggregate(dip, indicator="diplomas_tech", mask=dip["onderdeel"] == "techniek",
                           source="s", vintage="v", period_of="year", by_region=False)
    assert _value(obs, period="2014", level="hbo", sex="all") == 11054
    assert _value(obs, period="2018", level="hbo", sex="all") == 13819
    mbo = duo.read_duo(raw_dir / DUO_DIR / "mbo_inscriptions_2019.csv", level="mbo")
    obs, _ = duo.aggregate(mbo, indicator="mbo_participants_tech",
                           mask=mbo["onderdeel"] == "techniek", source="s", vintage="v",
                           by_region=False, mbo_levels=True, add_ho=False)
    assert _value(obs, period="2015/16", level="mbo", sex="all") == 132130
    assert _value(obs, period="2019/20", level="mbo", sex="all") == 134041
    levels = obs[(obs.period == "2019/20") & (obs.sex == "all") & obs.level.str.startswith("mbo-")]
    assert levels["value"].sum() == 134041
    ref = _csv_sum(raw_dir / DUO_DIR / "mbo_inscriptions_2019.csv", "VROUW2016",
                   where={"MBO SECTOR": "techniek", "KWALIFICATIENIVEAU": "3"},
                   encoding="utf-8-sig")
    assert _value(obs, period="2016/17", level="mbo-3", sex="vrouw") == ref


def test_wide_fixture_by_hand() -> None:
    micro = duo.read_duo(FIX / "duo" / "hbo_eerstejaars_fixture.csv", level="hbo")
    assert len(micro) == 6 * 5  # trailing empty row dropped
    obs, counts = duo.aggregate(micro, indicator="inflow_tech",
                                mask=micro["onderdeel"] == "techniek", source="s",
                                vintage="v", province_codes=PROV)
    # 2015 techniek: Drenthe 27+4, Zuid-Holland 72+6 (by hand)
    assert _value(obs, period="2015/16", level="hbo", region="NL", sex="all") == 109
    assert _value(obs, period="2015/16", level="hbo", region="PV22", sex="all") == 31
    assert _value(obs, period="2019/20", level="hbo", region="PV28", sex="vrouw") == 12
    assert counts == {"suppressed": 0, "upper_bound": 0}


def test_mbo_fixture_empty_cells_are_no_students() -> None:
    micro = duo.read_duo(FIX / "duo" / "mbo_deelnemers_fixture.csv")
    obs, _ = duo.aggregate(micro, indicator="x", mask=micro["onderdeel"] == "techniek",
                           source="s", vintage="v", by_region=False, mbo_levels=True,
                           add_ho=False)
    assert _value(obs, period="2015/16", level="mbo", sex="all") == 15
    assert _value(obs, period="2016/17", level="mbo", sex="all") == 12  # empty = 0 students
    assert _value(obs, period="2015/16", level="mbo-2", sex="man") == 3


def test_current_long_layout_keeps_privacy_fours() -> None:
    micro = duo.read_duo(FIX / "duo_long" / "eerstejaarsingeschrevenengeslhbo.csv")
    assert set(micro["year"]) == {2023, 2024}
    obs, counts = duo.aggregate(micro, indicator="inflow_total", mask=None, source="s",
                                vintage="v", province_codes=PROV)
    assert _value(obs, period="2023/24", level="hbo", region="PV20", sex="all") == 184
    assert counts["upper_bound"] == 2  # two cells published as 4 (true value 1..4)
    assert counts["suppressed"] == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_duidelijkduo_suppressed_cells_are_missing_not_zero(tmp_path: Path, fmt: str) -> None:
    src = FIX / "duo_long" / "duidelijkduo_ingeschrevenen_hbo.csv"
    path = src
    if fmt != "csv":
        df = pd.read_csv(src, sep=";", dtype=str, keep_default_na=False)
        path = tmp_path / f"duidelijkduo_ingeschrevenen_hbo.{fmt}"
        df.to_excel(path, index=False) if fmt == "xlsx" else df.to_parquet(path, index=False)
    micro = duo.read_duo(path, level="hbo")
    assert micro["suppressed"].sum() == 2
    obs, counts = duo.aggregate(micro, indicator="inflow_tech",
                                mask=micro["onderdeel"] == "techniek", source="s",
                                vintage="v", province_codes=PROV)
    assert counts["suppressed"] == 2
    # 2020 women in techniek: both cells '<5' -> no row at all (not a false 0)
    women = obs[(obs.period == "2020/21") & (obs.sex == "vrouw")]
    assert women.empty
    # 2020 all: 250 published + two suppressed cells -> lower bound 250
    assert _value(obs, period="2020/21", level="hbo", region="NL", sex="all") == 250
    assert _value(obs, period="2021/22", level="hbo", region="PV26", sex="all") == 272


def test_unknown_layout_and_bad_counts(tmp_path: Path) -> None:
    bad = tmp_path / "hbo_x.csv"
    bad.write_text("A;B\n1;2\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="not a known DUO layout"):
        duo.read_duo(bad)
    bad.write_text("CROHO ONDERDEEL;GESLACHT;PROVINCIE;2015\ntechniek;man;Drenthe;veel\n")
    with pytest.raises(DataValidationError) as exc:
        duo.read_duo(bad)
    assert "'veel' is not a count" in str(exc.value)


def test_parse_count() -> None:
    assert duo.parse_count("<5")[1] is True
    assert duo.parse_count("") == (0.0, False)
    assert duo.parse_count(" 12 ") == (12.0, False)
    with pytest.raises(ValueError):
        duo.parse_count("-3")


# --------------------------------------------------------------- delineations by code lists
def _rules(**codes: list[str]) -> EducationRules:
    return EducationRules(**codes)


def test_code_list_selects_exactly_the_listed_programmes() -> None:
    micro = duo.read_duo(FIX / "duo" / "hbo_delineation_fixture.csv", level="hbo")
    # An energy rule written by hand: electrical engineering, its energy Ad and the energy master.
    rules = _rules(hbo=["34267", "80123", "49396"], mbo=["25333"])
    chosen = set(micro.loc[duo.programme_mask(micro, rules), "programme"])
    # 'B Energiek Ondernemen' has "energie" in its name but is not listed: codes, not names.
    assert chosen == {"B Elektrotechniek", "Ad Elektrotechniek/Energietechniek",
                      "M Energy for Society"}
    obs, _ = duo.aggregate(micro, indicator="inflow_sector", mask=duo.programme_mask(micro, rules),
                           source="s", vintage="v", by_region=False)
    # 2019 by hand: 37 + 6 (B Elektrotechniek) + 21 (Ad) + 20 (M)
    assert _value(obs, period="2019/20", level="hbo", sex="all") == 84
    assert _value(obs, period="2015/16", level="hbo", sex="all") == 43


def test_code_lists_are_per_level() -> None:
    hbo = duo.read_duo(FIX / "duo" / "hbo_delineation_fixture.csv", level="hbo")
    mbo = duo.read_duo(FIX / "duo" / "mbo_delineation_fixture.csv", level="mbo")
    micro = pd.concat([hbo, mbo], ignore_index=True)
    # 34280 listed as mbo code and 25342 as hbo code select nothing: the level must match.
    rules = _rules(hbo=["25342"], mbo=["34280", "25201"])
    chosen = micro.loc[duo.programme_mask(micro, rules), ["level", "code"]].drop_duplicates()
    assert chosen.values.tolist() == [["mbo", "25201"]]
    # The star schema's integer croho_code works through the same function.
    star = pd.Series([34267, 30020, 80123])
    assert duo.delineation_mask(star, "hbo", _rules(hbo=["34267", "80123"])).tolist() == [
        True, False, True]


def test_bundled_energie_rules_on_fixtures() -> None:
    energie = load_sectors(DATA).get("energie").education
    hbo = duo.read_duo(FIX / "duo" / "hbo_delineation_fixture.csv", level="hbo")
    mbo = duo.read_duo(FIX / "duo" / "mbo_delineation_fixture.csv", level="mbo")
    micro = pd.concat([hbo, mbo], ignore_index=True)
    chosen = set(micro.loc[duo.programme_mask(micro, energie), "programme"])
    assert chosen == {"B Elektrotechniek", "Ad Elektrotechniek/Energietechniek",
                      "M Energy for Society", "Monteur elektrotechnische installaties"}


def test_missing_code_column_is_an_error(tmp_path: Path) -> None:
    text = (FIX / "duo" / "hbo_delineation_fixture.csv").read_text(encoding="latin-1")
    path = tmp_path / "hbo_nocode.csv"
    path.write_text(text.replace("OPLEIDINGSCODE ACTUEEL", "CODE WEG"), encoding="latin-1")
    micro = duo.read_duo(path, level="hbo")
    with pytest.raises(DataValidationError, match="no programme code column"):
        duo.programme_mask(micro, _rules(hbo=["34267"]))


def test_rules_reject_bad_codes() -> None:
    with pytest.raises(ValueError, match="digits"):
        _rules(hbo=["34267", "B Elektrotechniek"])
    with pytest.raises(ValueError, match="twice"):
        _rules(mbo=[25333, "25333"])
    assert _rules(wo=[56953]).codes("wo") == frozenset({"56953"})


def test_real_energie_selects_the_energy_programmes(raw_dir: Path) -> None:
    path = raw_dir / DUO_DIR / "hbo_inscriptions_2019.csv"
    micro = duo.read_duo(path, level="hbo")
    energie = load_sectors(DATA).get("energie").education
    mask = duo.programme_mask(micro, energie)
    chosen = set(micro.loc[mask, "programme"])
    assert {"B Elektrotechniek", "Ad Elektrotechniek", "Ad Elektrotechniek/Energietechniek",
            "Ad Gebouwgebonden Installatietechniek", "M Energy for Society"} <= chosen
    obs, _ = duo.aggregate(micro, indicator="inflow_sector", mask=mask, source="s",
                           vintage="v", by_region=False)
    # Independent reference: the csv module summing the listed codes' 2019 cells.
    ref = 0
    with path.open(encoding="latin-1", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            if row["OPLEIDINGSCODE ACTUEEL"] in energie.codes("hbo") and row["2019"].strip():
                ref += int(row["2019"])
    assert _value(obs, period="2019/20", level="hbo", sex="all") == ref
    assert ref >= 100  # large enough to judge, unlike the 48 of the old name filter
