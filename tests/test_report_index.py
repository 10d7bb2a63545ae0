"""Index page and the per-report summary read back from a notebook."""

from __future__ import annotations

from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_notebook, new_output
from techmonitor.blocks import SUMMARY_MIMETYPE
from techmonitor.render.index import index_html, summary_from_notebook

SUMMARY = {"indicators": 6, "categories": [
    {"code": "significant_rise", "label": "significante stijging", "symbol": "▲", "count": 5},
    {"code": "not_assessable", "label": "niet te beoordelen", "symbol": "?", "count": 1}],
    "data_status": {"definitive": 40, "provisional": 2}, "illustrative": False}


def test_summary_from_notebook_reads_the_custom_output() -> None:
    cell = new_code_cell("report.summary()")
    cell.outputs = [new_output("display_data", data={SUMMARY_MIMETYPE: SUMMARY})]
    nb = new_notebook(cells=[new_code_cell("x"), cell])
    assert summary_from_notebook(nb) == SUMMARY
    assert summary_from_notebook(new_notebook(cells=[new_code_cell("x")])) is None


def test_index_lists_reports_with_counts_and_escapes() -> None:
    entries = [
        {"report": "sector-energie", "kind": "sector", "title": "<b>Energie</b>",
         "status": "ok", "html": "sector-energie.html", "error": None, "summary": SUMMARY},
        {"report": "region-utrecht", "kind": "region", "title": "Utrecht", "status": "failed",
         "html": None, "error": "cell 3: KeyError"},
    ]
    soup = BeautifulSoup(index_html("2023Q3", entries, "nl"), "html.parser")
    assert soup.find("b") is None
    rows = soup.find_all("tbody")[0].find_all("tr")
    cells = [c.get_text() for c in rows[0].find_all(["th", "td"])]
    assert cells[0] == "<b>Energie</b>" and cells[2] == "6"
    assert "▲ 5 significante stijging" in cells[3] and "2 voorlopig" in cells[4]
    assert rows[0].find("a")["href"] == "sector-energie.html"
    assert "KeyError" in soup.find_all("tbody")[1].get_text()
