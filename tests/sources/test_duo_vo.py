"""DUO vo exam candidates: a hand-written CSV with "<5" cells, layout errors, the real file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from techmonitor.errors import DataValidationError
from techmonitor.reference import default_data_dir, load_regions
from techmonitor.sources import duo_vo

from ..conftest import ASSETS

FIX = ASSETS / "raw_fixtures" / "duo_vo" / "examenkandidaten.csv"
PROVINCES = load_regions(default_data_dir()).province_codes_by_name()
REAL = "duo_vo_examenkandidaten_2019_2024_alleschools/duo_examen_raw_all.csv"


def _get(obs: pd.DataFrame, indicator: str, period: str, level: str, region: str = "NL",
         sex: str = "all") -> pd.Series:
    row = obs[(obs.indicator == indicator) & (obs.period == period) & (obs.level == level)
              & (obs.region == region) & (obs.sex == sex)]
    assert len(row) == 1, (indicator, period, level, region, sex)
    return row.iloc[0]


def test_exam_candidates_by_hand() -> None:
    obs = duo_vo.observations(FIX, PROVINCES)
    tech = _get(obs, "vmbo_exam_tech", "2022/23", "vmbo")
    # B 12 + K 22 + T 40; the leerwerktraject total "<5" is left out, counted, a lower bound
    assert (tech.value, tech.suppressed, tech.lower_bound) == (74, 1, True)
    assert _get(obs, "vmbo_exam_total", "2022/23", "vmbo").value == 12 + 11 + 22 + 40 + 15
    assert _get(obs, "vmbo_exam_tech", "2022/23", "vmbo-b").value == 12
    assert _get(obs, "vmbo_exam_total", "2022/23", "vmbo-b").value == 23
    assert _get(obs, "vmbo_exam_tech", "2022/23", "vmbo-k").value == 22
    assert _get(obs, "vmbo_exam_total", "2022/23", "vmbo-gt").value == 55  # G and T together
    women = _get(obs, "vmbo_exam_tech", "2022/23", "vmbo", sex="vrouw")
    assert (women.value, women.suppressed) == (10, 2)
    assert _get(obs, "vmbo_exam_tech", "2022/23", "vmbo", sex="man").value == 60
    assert _get(obs, "vmbo_exam_tech", "2022/23", "vmbo", "PV22").value == 12  # Assen
    assert _get(obs, "vmbo_exam_tech", "2022/23", "vmbo", "PV26").value == 62  # Utrecht
    later = _get(obs, "vmbo_exam_tech", "2023/24", "vmbo")
    assert (later.value, later.lower_bound) == (64, False)
    assert _get(obs, "havovwo_exam_nt", "2022/23", "havo").value == 50  # N&T / N&G counts
    assert _get(obs, "havovwo_exam_total", "2022/23", "havo-vwo").value == 142
    assert _get(obs, "havovwo_exam_total", "2022/23", "vwo", "PV28").value == 22  # 's-Gravenhage
    assert set(obs["vintage"]) == {"duo-vo-examen-2024"}


def test_exam_candidates_renamed_column(tmp_path: Path) -> None:
    bad = tmp_path / "exam.csv"
    bad.write_bytes(FIX.read_bytes().replace(b'"OPLEIDINGSNAAM"', b'"OPLEIDING"'))
    with pytest.raises(DataValidationError, match=r"exam\.csv: required column\(s\) "
                       r"\['OPLEIDINGSNAAM'\] missing"):
        duo_vo.observations(bad, PROVINCES)


def test_exam_candidates_bad_cells(tmp_path: Path) -> None:
    bad = tmp_path / "exam.csv"
    text = FIX.read_bytes().replace(b'"ASSEN";"VMBO";"0001";"VMBO B - techniek";"10"',
                                    b'"ASSEN";"VMBO";"0001";"VMBO B - techniek";"tien"')
    bad.write_bytes(text.replace(b'"UTRECHT";"VMBO";"0002";"VMBO K',
                                 b'"ATLANTIS";"VMBO";"0002";"VMBO K'))
    with pytest.raises(DataValidationError) as exc:
        duo_vo.observations(bad, PROVINCES)
    problems = "\n".join(exc.value.problems)
    assert "row 2, column EXAMENKANDIDATEN SCHOOLJAAR 2022-2023 - MAN: 'tien'" in problems
    assert "row 4, column GEMEENTENAAM: 'ATLANTIS' has no province" in problems


def test_real_vmbo_numbers(raw_dir: Path) -> None:
    """National numbers against pandas straight on the CSV (no project code)."""
    raw = pd.read_csv(raw_dir / REAL, sep=";", dtype=str, keep_default_na=False)
    obs = duo_vo.observations(raw_dir / REAL, PROVINCES)

    def total(mask: pd.Series, year: str) -> float:
        col = f"EXAMENKANDIDATEN SCHOOLJAAR {year} - TOTAAL"
        return float(pd.to_numeric(raw.loc[mask, col], errors="coerce").sum())

    name = raw["OPLEIDINGSNAAM"]
    vmbo_tech = name.str.startswith("VMBO") & name.str.endswith("techniek")
    expected = [19084, 17518, 16378, 15287, 16344]  # the README's quick check
    for i, start in enumerate(range(2019, 2024)):
        year, period = f"{start}-{start + 1}", f"{start}/{(start + 1) % 100:02d}"
        assert total(vmbo_tech, year) == expected[i]
        assert _get(obs, "vmbo_exam_tech", period, "vmbo").value == expected[i]
    b = name.str.startswith("VMBO B")
    k = name.str.startswith("VMBO K")
    share_b = total(b & vmbo_tech, "2019-2020") / total(b, "2019-2020")
    share_k = total(k & vmbo_tech, "2019-2020") / total(k, "2019-2020")
    assert round(share_b * 100, 1) == 24.8 and round(share_k * 100, 1) == 21.6
    got_b = (_get(obs, "vmbo_exam_tech", "2019/20", "vmbo-b").value
             / _get(obs, "vmbo_exam_total", "2019/20", "vmbo-b").value)
    assert got_b == pytest.approx(share_b)
    # the Monitor Techniekpact 2018 shares of third-year pupils (2017/18), as published
    facts = pd.read_csv(raw_dir / "published_figures" / "labour_market_facts.csv", dtype=str)
    monitor = {}
    for leerweg in ("basisberoeps", "kader"):
        row = facts[facts["indicator"].str.contains(f"share vmbo-{leerweg} 3rd year", regex=False)]
        monitor[leerweg] = float(row["value"].iloc[0].split("/")[1])  # "30 / 24" -> 24
    assert monitor == {"basisberoeps": 24.0, "kader": 22.0}
    assert abs(share_b * 100 - monitor["basisberoeps"]) < 1  # 24.8 vs 24
    assert abs(share_k * 100 - monitor["kader"]) < 1  # 21.6 vs 22
    nt = name.str.contains("N&T", regex=False)
    assert total(nt, "2019-2020") == 26451
    assert _get(obs, "havovwo_exam_nt", "2019/20", "havo-vwo").value == 26451
    # provinces add up to the national total (every school location has a province)
    prov = obs[(obs.indicator == "vmbo_exam_tech") & (obs.level == "vmbo") & (obs.sex == "all")
               & (obs.period == "2023/24") & (obs.region != "NL")]
    assert prov["value"].sum() == 16344 and len(prov) == 12
