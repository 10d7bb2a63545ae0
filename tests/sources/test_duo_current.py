"""Current DUO open-data files (p02ho1ejrs, gediplomeerde-mbo-studenten): hand-written fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from techmonitor.errors import DataValidationError
from techmonitor.reference import default_data_dir
from techmonitor.sources import duo_current
from techmonitor.sources.update import TABLES, TableSpec

from ..conftest import ASSETS

FIX = ASSETS / "raw_fixtures" / "duo_current"


def test_first_years_hbo_wo_by_hand() -> None:
    obs = duo_current.first_years(FIX / "p02ho1ejrs", TABLES["p02ho1ejrs"], default_data_dir())
    nl = obs[(obs.region == "NL") & (obs.sex == "all")]
    got = nl.set_index(["indicator", "period", "level"])["value"].to_dict()
    assert got[("inflow_tech", "2022/23", "hbo")] == 124  # 120 men + 4 women (a privacy 4)
    assert got[("inflow_tech", "2022/23", "wo")] == 30
    assert got[("inflow_tech", "2022/23", "ho")] == 154
    assert got[("inflow_total", "2022/23", "ho")] == 458
    assert got[("inflow_tech", "2023/24", "hbo")] == 90
    utrecht = obs[(obs.region == "PV26") & (obs.indicator == "inflow_tech") & (obs.sex == "all")
                  & (obs.level == "hbo")]
    assert utrecht["value"].tolist() == [124]
    assert obs.attrs["upper_bound"] == 2  # two cells of 4: flagged, kept as 4
    assert set(obs["vintage"]) == {"duo-p02ho1ejrs"}


def test_first_years_renamed_column() -> None:
    with pytest.raises(DataValidationError, match=r"hbo\.csv: required column 'CROHO ONDERDEEL'"):
        duo_current.first_years(FIX / "p02ho1ejrs_renamed", TABLES["p02ho1ejrs"],
                                default_data_dir())


def test_mbo_diplomas_by_hand() -> None:
    obs = duo_current.mbo_diplomas(FIX / "gediplomeerde-mbo-studenten")
    got = obs.set_index(["indicator", "period", "level", "sex"])["value"].to_dict()
    assert got[("mbo_diplomas_tech", "2021", "mbo", "all")] == 78
    assert got[("mbo_diplomas_tech", "2022", "mbo", "all")] == 95
    assert got[("mbo_diplomas_total", "2021", "mbo", "all")] == 158
    assert got[("mbo_diplomas_total", "2022", "mbo", "all")] == 175  # empty cell = 0
    assert got[("mbo_diplomas_tech", "2021", "mbo-4", "all")] == 54
    assert got[("mbo_diplomas_tech", "2021", "mbo", "vrouw")] == 8
    assert obs.attrs["upper_bound"] == 3


def test_mbo_diplomas_renamed_and_bad_cell(tmp_path: Path) -> None:
    src = (FIX / "gediplomeerde-mbo-studenten" / "mbo.csv").read_text(encoding="utf-8")
    bad = tmp_path / "mbo.csv"
    bad.write_text(src.replace("SECTORKAMER NAAM", "SECTORKAMER"), encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"\['SECTORKAMER NAAM'\] missing"):
        duo_current.mbo_diplomas(bad)
    bad.write_text(src.replace(";50;4;60;6", ";50;vier;60;6"), encoding="utf-8")
    with pytest.raises(DataValidationError, match="row 2, column DIPVROUW2021: 'vier'"):
        duo_current.mbo_diplomas(bad)


def test_mbo_entrants_by_hand() -> None:
    spec = TableSpec("instromende-mbo-studenten", "duo", ("duo-mbo-instroom",),
                     urls=(("2021", ""), ("2022", "")))
    obs = duo_current.mbo_entrants(FIX / "instromende-mbo-studenten", spec)
    got = obs.set_index(["indicator", "period", "level"])["value"].to_dict()
    # INSTROOM MBO summed over institutions and prior education; techniek by main group
    assert got[("mbo_entrants_tech", "2021/22", "mbo")] == 144  # 100 + 40 + 4
    assert got[("mbo_entrants_total", "2021/22", "mbo")] == 394
    assert got[("mbo_entrants_tech", "2021/22", "mbo-2")] == 104
    assert got[("mbo_entrants_tech", "2022/23", "mbo")] == 120
    assert obs.attrs["upper_bound"] == 1


def test_mbo_entrants_renamed_column(tmp_path: Path) -> None:
    src = (FIX / "instromende-mbo-studenten" / "2021.csv").read_text(encoding="utf-8")
    (tmp_path / "2021.csv").write_text(src.replace("INSTROOM MBO", "INSTROOM"),
                                       encoding="utf-8")
    spec = TableSpec("instromende-mbo-studenten", "duo", ("duo-mbo-instroom",),
                     urls=(("2021", ""),))
    with pytest.raises(DataValidationError, match=r"2021\.csv: required column\(s\) "
                       r"\['INSTROOM MBO'\] missing"):
        duo_current.mbo_entrants(tmp_path, spec)


def test_current_layout_privacy_minus_one(tmp_path: Path) -> None:
    """The current DUO files publish 1-4 as -1: suppressed (left out and counted), never -1."""
    src = (FIX / "p02ho1ejrs" / "hbo.csv").read_text(encoding="utf-8")
    folder = tmp_path / "p02ho1ejrs"
    folder.mkdir()
    (folder / "hbo.csv").write_text(src.replace("techniek,bouw,vrouw,4", "techniek,bouw,vrouw,-1"),
                                    encoding="utf-8")
    (folder / "wo.csv").write_text((FIX / "p02ho1ejrs" / "wo.csv").read_text(encoding="utf-8"),
                                   encoding="utf-8")
    obs = duo_current.first_years(folder, TABLES["p02ho1ejrs"], default_data_dir())
    nl = obs[(obs.region == "NL") & (obs.sex == "all") & (obs.level == "hbo")]
    got = nl.set_index(["indicator", "period"])["value"].to_dict()
    assert got[("inflow_tech", "2022/23")] == 120  # the -1 is left out, not subtracted
    assert obs.attrs["upper_bound"] == 1  # the other privacy 4 of the fixture is still flagged
