"""Index page and the per-report summary read back from a notebook."""

from __future__ import annotations

from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_notebook, new_output
from techmonitor.render.index import index_html, summary_from_notebook
from techmonitor.report.document import SUMMARY_MIMETYPE

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


def test_index_links_pdfs_and_the_appendix_in_the_page_language() -> None:
    entries = [{"report": "national-nl", "kind": "national", "title": "Landelijk",
                "status": "ok", "html": "national-nl.html", "pdf": "national-nl.pdf",
                "error": None}]
    soup = BeautifulSoup(index_html("2023Q3", entries, "en", appendix="bijlage-2023Q3.pdf"),
                         "html.parser")
    hrefs = [a["href"] for a in soup.find_all("a")]
    assert {"national-nl.html", "national-nl.pdf", "bijlage-2023Q3.pdf"} <= set(hrefs)
    assert soup.find("h1").get_text() == "Techniek Monitor – reports 3rd quarter 2023"
    assert soup.find("h2").get_text() == "National"
    assert "✓ done" in soup.find("tbody").get_text()
    without = BeautifulSoup(index_html("2023Q3", entries, "nl"), "html.parser")
    assert "bijlage-2023Q3.pdf" not in {a["href"] for a in without.find_all("a")}


def test_index_stylesheet_is_inserted_as_css_and_warnings_are_listed() -> None:
    from techmonitor.render.html import report_css

    entries = [{"report": "sector-energie", "kind": "sector", "title": "Energie", "status": "ok",
                "html": "sector-energie.html", "error": None,
                "summary": {**SUMMARY, "warnings": ["inflow_tech-hbo: trend: <kapot>"]}}]
    html = index_html("2023Q3", entries, "nl")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("style").get_text().strip() == report_css().strip()  # not escaped
    assert '"Fira Sans"' in html and "&#34;" not in html
    details = soup.find("details")
    assert details.find("summary").get_text() == "1 waarschuwing(en)"
    assert details.find("li").get_text() == "inflow_tech-hbo: trend: <kapot>"
    assert "1 waarschuwing(en)" in soup.find(class_="note-warning").get_text()
