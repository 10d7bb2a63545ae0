"""Delineation tables: what each sector's code lists select, written by the build."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from techmonitor.errors import DataValidationError
from techmonitor.reference import EducationRules, SbiSector, SectorsRef, TopSector, load_sectors
from techmonitor.sources import delineation, duo

from ..conftest import ASSETS, ROOT

FIX = ASSETS / "raw_fixtures" / "duo"


def _sectors() -> SectorsRef:
    def sector(slug: str, **codes: list[str]) -> TopSector:
        return TopSector(slug=slug, name_nl=slug, name_en=slug, rationale=f"why {slug}",
                         vacancies={"cbs-80472ned": ["sbi-D"], "cbs-83599ned": ["sbi-D"]},
                         education=EducationRules(**codes))
    return SectorsRef(
        sbi_sectors=[SbiSector(code="sbi-D", title_nl="D Energievoorziening",
                                title_en="D Energy supply", cbs_key="346600")],
        top_sectors=[sector("energie", hbo=["34267", "80123", "49396", "80180"], mbo=["25333"]),
                     sector("hightech", hbo=["34267", "34280"], mbo=["25342"])])


def _programmes() -> pd.DataFrame:
    hbo = duo.read_duo(FIX / "hbo_delineation_fixture.csv", level="hbo")
    mbo = duo.read_duo(FIX / "mbo_delineation_fixture.csv", level="mbo")
    return pd.concat([delineation.catalogue(hbo, "hbo-file"),
                      delineation.catalogue(mbo, "mbo-file")], ignore_index=True)


def test_programme_table_lists_selection_with_newest_counts() -> None:
    table = delineation.programme_table(_sectors(), _programmes())
    assert list(table.columns) == delineation.PROGRAMME_COLUMNS
    energie = table[table["sector"] == "energie"]
    # Level order hbo, wo, mbo; names sorted; the unknown code 80180 listed with no source.
    assert energie[["level", "code", "programme"]].values.tolist() == [
        ["hbo", "80180", ""],
        ["hbo", "80123", "Ad Elektrotechniek/Energietechniek"],
        ["hbo", "34267", "B Elektrotechniek"],
        ["hbo", "49396", "M Energy for Society"],
        ["mbo", "25333", "Monteur elektrotechnische installaties"],
    ]
    row = energie.set_index("code")
    # Newest year of the files by hand: 2019 hbo (37 + 6 for the two sexes), 2016 mbo (55 + 3).
    assert (row.loc["34267", "newest_year"], row.loc["34267", "newest_count"]) == (2019, 43)
    assert (row.loc["25333", "newest_year"], row.loc["25333", "newest_count"]) == (2016, 58)
    assert row.loc["34267", "group"] == "techniek"
    assert row.loc["25333", "group"] == "Techniek en procesindustrie"
    assert row.loc["80180", "found_in"] == ""
    # Overlap is allowed and shown: Elektrotechniek is in both sectors.
    assert set(table.loc[table["code"] == "34267", "sector"]) == {"energie", "hightech"}


def test_summary_counts_programmes_per_level() -> None:
    sectors = _sectors()
    summary = delineation.summary_table(
        sectors, delineation.programme_table(sectors, _programmes())).set_index("sector")
    assert summary.loc["energie", ["programmes_hbo", "programmes_wo", "programmes_mbo",
                                   "programmes_not_found"]].tolist() == [3, 0, 1, 1]
    assert summary.loc["hightech", ["programmes_hbo", "programmes_mbo"]].tolist() == [2, 1]
    assert summary.loc["energie", "sbi_national"] == "sbi-D"
    assert summary.loc["energie", "list"] == "data/delineations.csv"
    assert summary.loc["energie", "rationale"] == "why energie"


def test_star_schema_names_fill_codes_absent_from_the_2019_files() -> None:
    dim = pd.DataFrame({"croho_code": pd.array([80180, 34267], dtype="Int64"),
                        "opleidingsnaam": ["Ad Energietransitie Engineer", "B Elektrotechniek"],
                        "onderdeel": ["TECHNIEK", "TECHNIEK"]})
    progs = pd.concat([_programmes(), delineation.star_catalogue(dim)], ignore_index=True)
    table = delineation.programme_table(_sectors(), progs).set_index(["sector", "code"])
    assert table.loc[("energie", "80180"), "programme"] == "Ad Energietransitie Engineer"
    assert table.loc[("energie", "80180"), "found_in"] == "duo-hbo-starschema"
    # The 2019 file comes first, so its count is kept for a code in both.
    assert table.loc[("energie", "34267"), "found_in"] == "hbo-file"


def test_bundled_delineations_are_current(raw_dir: Path) -> None:
    """data/delineations.csv is what the code lists select in the raw files (rebuild if not)."""
    tek = raw_dir / "duo_ho_mbo_2015_2019_tekkieworden"
    programmes = []
    for stem in ("inscriptions", "gediplomeerden"):
        micro = pd.concat([duo.read_duo(tek / f"{lv}_{stem}_2019.csv", level=lv)
                           for lv in ("hbo", "wo")], ignore_index=True)
        programmes.append(delineation.catalogue(micro, f"hbo/wo_{stem}_2019"))
    programmes.append(delineation.catalogue(
        duo.read_duo(tek / "mbo_inscriptions_2019.csv", level="mbo"), "mbo_inscriptions_2019"))
    star = delineation.read_star_programmes(raw_dir)
    assert star is not None
    sectors = load_sectors(ROOT / "data")
    fresh = delineation.programme_table(sectors, pd.concat([*programmes, star]))
    bundled = (ROOT / "data" / "delineations.csv").read_text(encoding="utf-8")
    assert bundled == fresh.to_csv(index=False, lineterminator="\n"), \
        "data/delineations.csv is stale: run techmonitor data build"
    # Every listed code exists in a raw file (no typo selects nothing).
    assert (fresh["found_in"] != "").all()
    energie = fresh[(fresh["sector"] == "energie") & (fresh["level"] == "hbo")]
    assert {"B Elektrotechniek", "Ad Elektrotechniek/Energietechniek",
            "Ad Gebouwgebonden Installatietechniek", "Ad Energietransitie Engineer",
            "M Energy for Society"} <= set(energie["programme"])


def test_sector_summary_for_the_report_layer(tmp_path: Path) -> None:
    sectors = _sectors()
    summary = delineation.summary_table(
        sectors, delineation.programme_table(sectors, _programmes()))
    with pytest.raises(DataValidationError, match="data build"):
        delineation.sector_summary(tmp_path, "energie")
    summary.to_csv(tmp_path / "delineation_summary.csv", index=False)
    row = delineation.sector_summary(tmp_path, "energie")
    assert (row["programmes_hbo"], row["programmes_mbo"], row["sbi_national"]) == (3, 1, "sbi-D")
    with pytest.raises(DataValidationError, match="'water'"):
        delineation.sector_summary(tmp_path, "water")
    bundled = delineation.sector_summary(ROOT / "data", "energie")
    assert bundled["sbi_national"] == "sbi-B sbi-D" and bundled["programmes_hbo"] >= 5
