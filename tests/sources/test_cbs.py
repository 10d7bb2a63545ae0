"""CBS connector: real exports, hand-written exports, and fetch_cbs offline (cbsodata patched)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from numpy.testing import assert_allclose
from techmonitor.errors import TechmonitorError
from techmonitor.sources import cbs

from ..conftest import ASSETS

FIX = ASSETS / "raw_fixtures" / "cbs"
VAC = "cbs_vacatures_80472ned_83599ned"
REGIONS = {"PV20": "Groningen", "PV31": "Limburg", "LD01": "Noord-Nederland",
           "PV30": "Noord-Brabant"}


def _year_from_quarters(q: dict[str, float], year: int) -> float:
    """CBS rule (table metadata): (Q4 prev + 2*(Q1+Q2+Q3) + Q4) / 8."""
    return (q[f"{year - 1}Q4"] + 2 * (q[f"{year}Q1"] + q[f"{year}Q2"] + q[f"{year}Q3"])
            + q[f"{year}Q4"]) / 8


def test_real_80472ned(raw_dir: Path) -> None:
    keys = cbs.read_sbi_keys(raw_dir / VAC / "sectoren_metadata.csv")
    obs = cbs.read_80472ned(raw_dir / VAC / "vacatures.csv", sector_keys=keys,
                            metadata=raw_dir / VAC / "vacatures_metadata.csv")
    assert set(obs["indicator"]) == {"vacancies_open"}
    tot = obs[obs.sector == "all"].set_index("period")["value"].div(1000).to_dict()
    # README: year values 95.1 (2013), 281.1 (2019), 444.4 (2022) are CBS's weighted averages
    # of quarters, so our quarters must reproduce them (to CBS's rounding of 0.1).
    for year, published in ((2013, 95.1), (2019, 281.1), (2022, 444.4)):
        assert_allclose(_year_from_quarters(tot, year), published, atol=0.1)
    ind = obs[obs.sector == "sbi-C"].set_index("period")["value"].div(1000).to_dict()
    for year, published in ((2013, 8.3), (2019, 23.3), (2022, 35.6)):
        assert_allclose(_year_from_quarters(ind, year), published, atol=0.1)
    # One quarter, read independently with the csv module.
    with (raw_dir / VAC / "vacatures.csv").open(encoding="utf-8-sig") as fh:
        row = next(r for r in csv.DictReader(fh, delimiter=";")
                   if r["Bedrijfskenmerken"].strip() == "350000" and r["Perioden"] == "2018KW02")
    assert obs[(obs.sector == "sbi-F") & (obs.period == "2018Q2")]["value"].item() == round(
        float(row["OpenstaandeVacatures_1"]) * 1000)
    assert not obs["sector"].str.startswith("sbi-WP").any()  # size classes skipped
    assert obs[obs.period == "2023Q3"]["status"].eq("provisional").all()
    assert obs[obs.period == "2023Q2"]["status"].eq("definitive").all()


def test_real_83599ned(raw_dir: Path) -> None:
    keys = cbs.read_sbi_keys(raw_dir / VAC / "sectoren_metadata.csv")
    names = {"PV20": "Groningen", "PV30": "Noord-Brabant", "LD01": "Noord-Nederland"}
    all_names = {f"PV{i}": n for i, n in zip(range(20, 32), [
        "Groningen", "Friesland", "Drenthe", "Overijssel", "Flevoland", "Gelderland", "Utrecht",
        "Noord-Holland", "Zuid-Holland", "Zeeland", "Noord-Brabant", "Limburg"], strict=True)}
    all_names |= names | {"LD02": "x", "LD03": "y", "LD04": "z"}
    obs = cbs.read_83599ned(raw_dir / VAC / "vacatures_regio.csv", sector_keys=keys,
                            regions=all_names)
    assert set(obs["region"]) >= {"NL", "PV20", "PV31", "LD04"}
    assert "NL01" not in set(obs["region"])
    with (raw_dir / VAC / "vacatures_regio.csv").open(encoding="utf-8-sig") as fh:
        rows = [r for r in csv.DictReader(fh) if r["Perioden"] == "2019KW01"
                and r["BedrijfstakkenBranchesSBI2008"] == "T001081"
                and r["Regios"].strip().startswith("PV")]
    ref = sum(float(r["OpenstaandeVacatures"]) * 1000 for r in rows)
    got = obs[(obs.period == "2019Q1") & (obs.sector == "all")
              & obs.region.str.startswith("PV")]["value"].sum()
    assert_allclose(got, ref, atol=1)


def test_export_fixture_by_hand() -> None:
    keys = cbs.read_sbi_keys(FIX / "sectoren_metadata.csv")
    assert keys["307500"] == "sbi-C" and keys["403405"] == "sbi-69-71"
    assert "WP19074" not in keys
    status = cbs.read_period_status(FIX / "80472ned_metadata_fixture.csv")
    assert status == {"2012Q4": "definitive", "2013Q1": "definitive", "2013Q2": "definitive",
                      "2013Q3": "provisional"}
    obs = cbs.read_80472ned(FIX / "80472ned_export_fixture.csv", sector_keys=keys,
                            metadata=FIX / "80472ned_metadata_fixture.csv")
    assert_allclose(obs[(obs.sector == "all") & (obs.period == "2013Q1")]["value"], [96000])
    assert obs[(obs.sector == "sbi-C")]["period"].tolist() == ["2013Q1"]  # '.' = missing
    assert obs[obs.period == "2013Q4"]["status"].item() == "provisional"  # not in metadata
    assert obs[obs.period == "2013Q3"]["status"].item() == "provisional"
    assert not obs["period"].str.contains("JJ").any()
    tot = obs[obs.sector == "all"].set_index("period")["value"].div(1000).to_dict()
    assert_allclose(_year_from_quarters(tot, 2013), 93.5)  # '2013JJ00' of the fixture
    reg = cbs.read_83599ned(FIX / "83599ned_export_fixture.csv", sector_keys=keys, regions=REGIONS)
    assert sorted(reg["region"]) == ["LD01", "NL", "PV20", "PV20"]
    assert_allclose(reg[(reg.region == "PV20") & (reg.sector == "sbi-C")]["value"], [400])


@pytest.mark.parametrize("fmt", ["xlsx", "parquet"])
def test_export_in_excel_and_parquet(tmp_path: Path, fmt: str) -> None:
    df = pd.read_csv(FIX / "83599ned_export_fixture.csv", dtype=str, keep_default_na=False,
                     encoding="utf-8-sig")
    path = tmp_path / f"vacatures_regio.{fmt}"
    df.to_excel(path, index=False) if fmt == "xlsx" else df.to_parquet(path, index=False)
    keys = cbs.read_sbi_keys(FIX / "sectoren_metadata.csv")
    reg = cbs.read_83599ned(path, sector_keys=keys, regions=REGIONS)
    assert_allclose(sorted(reg["value"]), [400, 3100, 7000, 96000])


class _Recorder:
    """Stands in for cbsodata: serves recorded responses and counts calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def get_data(self, table_id: str, filters: str | None = None) -> list[dict[str, Any]]:
        self.calls.append((table_id, filters))
        data: list[dict[str, Any]] = json.loads(
            (FIX / f"cbsodata_{table_id}.json").read_text(encoding="utf-8"))
        return data


@pytest.fixture
def fake_cbsodata(monkeypatch: pytest.MonkeyPatch) -> _Recorder:
    import cbsodata

    rec = _Recorder()
    monkeypatch.setattr(cbsodata, "get_data", rec.get_data)
    return rec


def test_fetch_cbs_caches_and_maps(tmp_path: Path, fake_cbsodata: _Recorder) -> None:
    df = cbs.fetch_cbs("80472ned", tmp_path, filters="Perioden ge '2023KW01'")
    again = cbs.fetch_cbs("80472ned", tmp_path, filters="Perioden ge '2023KW01'")
    assert len(fake_cbsodata.calls) == 1  # second call served from the cache
    pd.testing.assert_frame_equal(df, again)
    cbs.fetch_cbs("80472ned", tmp_path)  # other filter -> other cache entry
    assert len(fake_cbsodata.calls) == 2
    obs = cbs.cbs_vacancies_to_tidy(df, "80472ned")
    q1 = obs[(obs.period == "2023Q1")].set_index("sector")["value"]
    assert_allclose(q1[["all", "sbi-C", "sbi-69-71"]], [434000, 35600, 20100])
    assert obs[obs.period == "2023Q2"]["status"].item() == "provisional"  # '*' in the title
    assert set(obs["source"]) == {"cbs-80472ned"}
    assert len(obs) == 4  # year value and size class skipped


def test_fetch_cbs_regional_titles(tmp_path: Path, fake_cbsodata: _Recorder) -> None:
    df = cbs.fetch_cbs("83599NED", tmp_path)
    obs = cbs.cbs_vacancies_to_tidy(df, "83599NED", regions=REGIONS)
    assert dict(zip(obs["region"], obs["value"], strict=True)) == {
        "NL": 434000, "PV20": 1200, "LD01": 3400}
    assert set(obs["vintage"]) == {"cbs-83599ned"}


def test_fetch_cbs_network_error_is_one_clear_line(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import cbsodata

    def boom(*_a: Any, **_k: Any) -> None:
        raise ConnectionError("no route to host")

    monkeypatch.setattr(cbsodata, "get_data", boom)
    with pytest.raises(TechmonitorError, match="CBS table 99999NED: fetch failed"):
        cbs.fetch_cbs("99999NED", tmp_path)


def test_period_and_sector_parsing() -> None:
    assert cbs.cbs_period("2023KW02") == ("2023Q2", False)
    assert cbs.cbs_period("2023 4e kwartaal*") == ("2023Q4", True)
    assert cbs.cbs_period("2023JJ00") is None
    assert cbs.sbi_code("A-U Alle economische activiteiten") == "all"
    assert cbs.sbi_code("78201 Uitzendbureaus") == "sbi-78201"
    assert cbs.sbi_code("Bedrijfsgrootte: 0 tot 10") is None
