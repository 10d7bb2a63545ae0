"""Reference files: sectors, regions, targets, measures (against the letter), progress."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from techmonitor.errors import DataValidationError
from techmonitor.measure_progress import load_measure_progress, write_measure_template
from techmonitor.measures import load_measures
from techmonitor.reference import (
    load_regions,
    load_sectors,
    load_targets,
)

from .conftest import ROOT

DATA = ROOT / "data"
LETTER = ROOT.parent / "shared" / "context" / "kamerbrief-2012.txt"
SLUGS = ["agri-food", "tuinbouw", "hightech", "energie", "logistiek", "creatieve-industrie",
         "lifesciences", "chemie", "water"]
PROVINCES = {"groningen": "PV20", "friesland": "PV21", "drenthe": "PV22", "overijssel": "PV23",
             "flevoland": "PV24", "gelderland": "PV25", "utrecht": "PV26",
             "noord-holland": "PV27", "zuid-holland": "PV28", "zeeland": "PV29",
             "noord-brabant": "PV30", "limburg": "PV31"}


def _norm(text: str) -> str:
    text = re.sub(r"\s+", " ", text.replace("’", "'")).strip()
    return re.sub(r"(\w)- (\w)", r"\1-\2", text)  # words hyphenated across a line break


def test_sectors_and_regions() -> None:
    sectors = load_sectors(DATA)
    assert sectors.slugs == SLUGS
    for s in sectors.top_sectors:
        assert set(s.vacancies) == {"cbs-80472ned", "cbs-83599ned"}
        assert s.rationale and all(s.education.codes(lv) for lv in ("hbo", "wo", "mbo"))
    regions = load_regions(DATA)
    assert {p.slug: p.code for p in regions.provinces} == PROVINCES
    assert len(regions.labour_market_regions) == 35
    assert sum(len(r.municipalities) for r in regions.labour_market_regions) == 342


def test_measures_against_the_letter() -> None:
    ref = load_measures(DATA)
    ms = {m.id: m for m in ref.measures}
    assert len(ms) >= 20
    assert {m.cluster for m in ms.values()} == {1, 2, 3, 4, 5, 6}
    budgets = {(m.id, b.amount_eur, b.basis) for m in ms.values() for b in m.budgets}
    assert ("m1-platform-beta-techniek", 18_700_000, "total") in budgets
    assert ("m4-centra-innovatief-vakmanschap", 16_400_000, "total") in budgets
    assert ("m4-centra-innovatief-vakmanschap", 4_000_000, "total") in budgets
    assert ("m4-centres-of-expertise", 20_000_000, "per_year") in budgets
    assert ("m2-werving-vernieuwing", 6_000_000, "one_off") in budgets
    assert ("m3-hbo-masters", 7_000_000, "total") in budgets
    tu = next(b for b in ms["m2-sectorplan-3tu"].budgets)
    assert (tu.amount_eur, tu.basis, tu.start, tu.end) == (11_000_000, "per_year", 2011, 2013)
    assert ms["m1-gastlessen-po"].output_target.value == 3500
    assert ms["m6-excelleren-nu"].output_target.value == 700
    assert "14 branches" in ms["m6-excelleren-nu"].title_nl
    assert ms["m4-centres-of-expertise"].output_target.value == 9  # one per top sector
    assert ms["m5-vitaliteitspakket"].dates["start"] == "2013-01-01"
    assert ms["m6-esf-actie-e2"].dates["start"] == "2012-03-01"


def test_quotes_are_in_the_letter() -> None:
    if not LETTER.exists():
        pytest.skip(f"cabinet letter not found at {LETTER}")
    letter = _norm(LETTER.read_text(encoding="utf-8"))
    for m in load_measures(DATA).measures:
        assert _norm(m.quote) in letter, m.id
    for t in load_targets(DATA):
        if t.quote:
            assert _norm(t.quote) in letter, t.id


def test_targets() -> None:
    targets = {t.id: t for t in load_targets(DATA)}
    assert targets["masterplan-40000"].target_value == 40000
    gaps = {k: t.target_value - (t.baseline_value or 0) for k, t in targets.items()
            if k.startswith("roa-gap")}
    assert gaps == {"roa-gap-vmbo": 58800, "roa-gap-mbo": 77500, "roa-gap-hbo": 24300,
                    "roa-gap-wo": 9300, "roa-gap-total": 170000}
    assert targets["inflow-tech-share-illustrative"].status == "illustrative"
    letter_rows = pd.read_csv(DATA / "letter_figures.csv")
    openings = letter_rows[letter_rows.indicator == "roa_openings_2011_2016"]
    assert openings[openings.level != "all"]["value"].sum() == 507400


def test_bundled_progress_is_illustrative_and_flagged() -> None:
    ids = [m.id for m in load_measures(DATA).measures]
    df = load_measure_progress(DATA / "measure_progress.csv", ids)
    assert (df["status"] == "illustrative").all()
    assert df["note"].str.contains("ILLUSTRATIEF").all()


def test_excel_template_round_trip(tmp_path: Path) -> None:
    path = write_measure_template(tmp_path / "voortgang.xlsx", DATA)
    wb = load_workbook(path)
    assert wb.sheetnames == ["voortgang", "maatregelen", "uitleg"]
    ws = wb["voortgang"]
    ws["B2"], ws["C2"], ws["D2"] = "2013Q2", 120, 5000
    wb.save(path)
    ids = [m.id for m in load_measures(DATA).measures]
    df = load_measure_progress(path, ids)
    assert len(df) == 1  # untouched template rows are skipped
    row = df.iloc[0]
    assert (row["period"], row["output_value"], row["spent_eur"], row["status"]) == (
        "2013Q2", 120.0, 5000.0, "reported")
    ws["C3"] = "veel"
    ws["B3"] = "2013Q2"
    wb.save(path)
    with pytest.raises(DataValidationError) as exc:
        load_measure_progress(path, ids)
    assert "row 3, column output_value: 'veel' is not a number" in str(exc.value)
