"""Retention (CBS wisseling van beroepsklasse) and Techniekpact employment connectors."""

from __future__ import annotations

from pathlib import Path

import pytest
from techmonitor.errors import DataValidationError
from techmonitor.sources import occupations

from ..conftest import ASSETS

FIX = ASSETS / "raw_fixtures" / "occupations"


def test_wisseling_fixture_by_hand() -> None:
    obs = occupations.read_wisseling(FIX / "wisseling_beroepsklasse_07_08.csv")
    # the year row (2018) is another measure (one year earlier) and is skipped
    assert "2018" not in set(obs["period"])
    got = obs.set_index(["indicator", "period", "vintage"])["value"].to_dict()
    assert got == {
        ("employed_prev_class_tech", "2020Q2", "cbs-83120ned"): 1_000_000,
        ("stayed_occupation_tech", "2020Q2", "cbs-83120ned"): 950_000,
        ("employed_prev_class_all", "2020Q2", "cbs-83120ned"): 8_000_000,
        # the same quarter in the other table is another vintage, never merged
        ("employed_prev_class_tech", "2020Q2", "cbs-85388ned"): 1_010_000,
        ("stayed_occupation_tech", "2020Q2", "cbs-85388ned"): 970_000,
        ("stayed_occupation_ict", "2021Q2", "cbs-85388ned"): 400_000,
    }
    assert set(obs["source"]) == {"cbs-83120ned", "cbs-85388ned"}


def test_wisseling_renamed_column_is_a_clear_error() -> None:
    path = FIX / "renamed_column.csv"
    with pytest.raises(DataValidationError) as err:
        occupations.read_wisseling(path)
    text = str(err.value)
    assert str(path) in text and "werkzame_beroepsbevolking_x1000" in text
    assert "werkzame_beroepsbevolking'" in text  # the columns found are listed


def test_wisseling_bad_cell(tmp_path: Path) -> None:
    src = (FIX / "wisseling_beroepsklasse_07_08.csv").read_text(encoding="utf-8")
    bad = tmp_path / "w.csv"
    bad.write_text(src.replace(",950,", ",9x0,"), encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"row 4, column werkzame.*'9x0'"):
        occupations.read_wisseling(bad)
    bad.write_text(src.replace("2020KW02,07 Technische beroepen,Totaal,1000",
                               "2020-2,07 Technische beroepen,Totaal,1000"), encoding="utf-8")
    with pytest.raises(DataValidationError, match="row 3, column period: '2020-2'"):
        occupations.read_wisseling(bad)


def test_technical_occupations_editions_stay_apart() -> None:
    obs = occupations.read_technical_occupations(FIX / "technical_occupations_published.csv")
    got = obs.set_index(["indicator", "period", "sex", "vintage"])["value"].to_dict()
    assert got == {
        # editions before 2022 are one series; the 2018 edition is on bedrijvenbeleidinbeeld
        ("employment_tech_occupations", "2013", "all", "tp-occ-pre2022"): 1_000_000,
        ("employment_tech_occupations", "2015", "all", "tp-occ-pre2022"): 1_040_000,
        ("employment_tech_change_since_2013", "2015", "all", "tp-occ-pre2022"): 40_000,
        ("employment_tech_occupations", "2013", "all", "tp-occ-2022"): 1_100_000,
        ("employment_tech_occupations", "2013", "vrouw", "tp-occ-2022"): 100_000,
        ("employment_tech_occupations", "2020", "all", "tp-occ-2023"): 1_300_000,
        # '210 duizend' in the quote is 210,000
        ("employment_tech_change_since_2013", "2020", "all", "tp-occ-2023"): 210_000,
    }
    src = obs.set_index(["period", "vintage"])["source"].to_dict()
    assert src[("2015", "tp-occ-pre2022")] == "bedrijvenbeleidinbeeld"
    assert src[("2013", "tp-occ-2022")] == "techniekpact-monitor"


def test_edition_without_year_is_an_error(tmp_path: Path) -> None:
    src = (FIX / "technical_occupations_published.csv").read_text(encoding="utf-8")
    bad = tmp_path / "t.csv"
    bad.write_text(src.replace("Techniekpact monitor 2023", "Monitor (undated)"),
                   encoding="utf-8")
    with pytest.raises(DataValidationError, match="row 5.*names no Techniekpact"):
        occupations.read_technical_occupations(bad)


def test_real_wisseling_figures_as_published(raw_dir: Path) -> None:
    folder = raw_dir / "cbs_wisseling_beroepsklasse_83120ned_85388ned"
    obs = occupations.read_wisseling(folder / "wisseling_beroepsklasse_07_08.csv")
    tech = obs[obs["indicator"].str.endswith("_tech")]
    got = tech.set_index(["vintage", "period", "indicator"])["value"].to_dict()
    # the README's figures, x 1 000: 1108/1156, 1204/1264 (old method), 1214/1270 (new)
    assert got == {
        ("cbs-83120ned", "2021Q2", "stayed_occupation_tech"): 1_108_000,
        ("cbs-83120ned", "2021Q2", "employed_prev_class_tech"): 1_156_000,
        ("cbs-83120ned", "2022Q2", "stayed_occupation_tech"): 1_204_000,
        ("cbs-83120ned", "2022Q2", "employed_prev_class_tech"): 1_264_000,
        ("cbs-85388ned", "2023Q2", "stayed_occupation_tech"): 1_214_000,
        ("cbs-85388ned", "2023Q2", "employed_prev_class_tech"): 1_270_000,
    }


def test_real_technical_occupations(raw_dir: Path) -> None:
    path = raw_dir / "techniekpact_technical_occupations" / "technical_occupations_published.csv"
    obs = occupations.read_technical_occupations(path)
    allsex = obs[(obs.indicator == "employment_tech_occupations") & (obs.sex == "all")]
    got = allsex.set_index(["vintage", "period"])["value"].to_dict()
    assert got[("tp-occ-pre2022", "2013")] == 1_395_000
    assert got[("tp-occ-2022", "2013")] == 1_471_000  # the revision: same year, new value
    change = obs[obs.indicator == "employment_tech_change_since_2013"]
    assert change.set_index("vintage")["value"].to_dict() == {
        "tp-occ-pre2022": 92_000, "tp-occ-2023": 358_000}
