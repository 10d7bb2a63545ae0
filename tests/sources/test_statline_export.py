"""CBS StatLine CSV exports through the title-based 85776NED connector."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from techmonitor.errors import DataValidationError
from techmonitor.sources.cbs_tables import ho_leavers
from techmonitor.sources.statline_export import StatlineExport

from ..conftest import ASSETS

FIX = ASSETS / "raw_fixtures" / "statline" / "85776NED_export.csv"
REAL = "cbs_85776ned_uitstromers_ho_cohort2015_iv_ki1/arbeidsmarkt.csv"


def test_export_through_connector_by_hand() -> None:
    obs = ho_leavers(StatlineExport(FIX, "85776NED"))
    got = obs.set_index(["indicator", "period"])["value"].to_dict()
    assert got == {("ho_leavers_tech", "2015/16"): 11520,
                   ("ho_leavers_tech_working", "2015/16"): 10280 + 110}  # the empty cell drops


def test_export_renamed_column(tmp_path: Path) -> None:
    bad = tmp_path / "export.csv"
    bad.write_bytes(FIX.read_bytes().replace(b'"Perioden"', b'"Periode"'))
    with pytest.raises(DataValidationError, match=r"export\.csv: not a StatLine CSV export of "
                       r"85776NED: expected .*'Perioden'"):
        StatlineExport(bad, "85776NED")
    bad.write_bytes(FIX.read_bytes().replace(b'"Studierichting"', b'"Richting"'))
    with pytest.raises(DataValidationError, match=r"dimension 'Studierichting' not found"):
        ho_leavers(StatlineExport(bad, "85776NED"))
    bad.write_bytes(FIX.read_bytes().replace(b'"   11520"', b'"   11.520,0x"'))
    with pytest.raises(DataValidationError, match=r"row 2, column Uitstromers ho \(aantal\)"):
        StatlineExport(bad, "85776NED")


def test_real_export(raw_dir: Path) -> None:
    """The real export is a user selection (men and women, no totals): the connector refuses
    to add it up, and a selection by title gives the numbers pandas reads from the file."""
    table = StatlineExport(raw_dir / REAL, "85776NED")
    with pytest.raises(DataValidationError, match=r"total of dimension 'Geslacht'"):
        ho_leavers(table)
    picked = table.select({"Geslacht": ("Mannen", "Vrouwen"),
                           "Persoonskenmerken": "Geen internationale student",
                           "Uitstromers ho met en zonder diploma": "Hbo-bachelor",
                           "Arbeidsmarktpositie": "Met werk, zonder uitkering",
                           "Studierichting": "Techniek", "Peilmoment": None}, "Uitstromers ho")
    got = picked.groupby("Peilmoment")["value"].sum()
    raw = pd.read_csv(raw_dir / REAL, sep=";", dtype=str, encoding="utf-8-sig")
    sel = raw[(raw["Uitstromers ho met en zonder diploma"] == "Hbo-bachelor")
              & (raw["Arbeidsmarktpositie"] == "Met werk, zonder uitkering")
              & (raw["Studierichting"] == "Techniek")]
    direct = pd.to_numeric(sel["Uitstromers ho (aantal)"].str.strip()).groupby(
        sel["Peilmoment"]).sum()
    assert got.to_dict() == direct.astype(float).to_dict()
    assert got["Direct na verlaten onderwijs"] == 7230  # SOURCE.txt's own check
    assert got["1 jaar na verlaten onderwijs"] == 7520
    assert got["5 jaar na verlaten onderwijs"] == 7380
