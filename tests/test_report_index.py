"""The overview (every report × the four goals, from the results files) and the index page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_notebook, new_output
from techmonitor.render.index import index_html, summary_from_notebook
from techmonitor.report.document import SUMMARY_MIMETYPE
from techmonitor.report.overview import goal_cells, overview_rows, overview_section
from techmonitor.report.results import RESULTS_FORMAT, RESULTS_VERSION

SUMMARY = {"indicators": 6, "categories": [], "data_status": {"definitive": 40}}


def item(key: str, goal: int | None, category: str | None, period: str,
         target: bool = False) -> dict[str, Any]:
    """One item of a results file, as the report writes it (only the fields read here)."""
    return {"key": key, "indicator": key.split("-")[0], "goal": goal, "name": f"Reeks {key}",
            "latest": {"period": period, "value": 1.0, "status": "definitive"},
            "category": category,
            "target": {"value": 2.0, "period": "2025", "illustrative": False} if target
            else None}


RESULTS = {
    "format": RESULTS_FORMAT, "schema_version": RESULTS_VERSION, "report": "sector-energie",
    "period": "2023Q3", "items": [
        item("inflow_tech_share-hbo", 1, "no_significant_change", "2019/20"),
        item("inflow_tech-hbo", 1, "on_track", "2019/20", target=True),
        item("inflow_tech-wo", 1, "no_significant_change", "2018/19"),
        item("diplomas_tech-hbo", 2, "significant_rise", "2018"),
        item("vacancies_open-all", 3, None, "2023Q2"),  # no verdict: does not count
    ]}


def write_results(folder: Path, rid: str, data: dict[str, Any]) -> None:
    (folder / "results").mkdir(exist_ok=True)
    (folder / "results" / f"{rid}.json").write_text(
        json.dumps({**data, "report": rid}), encoding="utf-8")


def test_summary_from_notebook_reads_the_custom_output() -> None:
    cell = new_code_cell("report.summary()")
    cell.outputs = [new_output("display_data", data={SUMMARY_MIMETYPE: SUMMARY})]
    nb = new_notebook(cells=[new_code_cell("x"), cell])
    assert summary_from_notebook(nb) == SUMMARY
    assert summary_from_notebook(new_notebook(cells=[new_code_cell("x")])) is None


def test_a_goal_rests_on_its_indicator_with_a_target_and_counts_the_others() -> None:
    cells = goal_cells(RESULTS, "nl")
    assert [c.goal for c in cells] == [1, 2, 3, 4]
    one, two, three, four = cells
    # the item with a target decides, although another item of goal 1 comes first
    assert (one.code, one.symbol, one.label) == ("on_track", "✓", "op koers")
    assert one.illustrative == ""  # an agreed target
    assert one.indicator == "Reeks inflow_tech-hbo" and one.newest == "2019/'20"
    assert one.others == "verder: 2× ■ geen significante verandering"
    assert (two.code, two.indicator, two.others) == ("significant_rise",
                                                     "Reeks diplomas_tech-hbo", "")
    # an item without a verdict gives none; a goal without items neither
    assert (three.code, three.label, three.symbol) == ("", "geen oordeel", "–")
    assert (four.code, four.newest) == ("", "")


def test_a_verdict_against_an_illustrative_target_says_so() -> None:
    items = [item("inflow_tech-hbo", 1, "achieved", "2019/20", target=True)]
    items[0]["target"]["illustrative"] = True
    one = goal_cells({**RESULTS, "items": items}, "nl")[0]
    assert one.illustrative == "illustratief doel"
    assert one.text() == "doel gehaald (Reeks inflow_tech-hbo, 2019/'20); illustratief doel"


def test_a_goal_verdict_in_the_results_file_comes_before_the_indicators() -> None:
    goals = [{"goal": 1, "verdict": "mixed", "basis_kind": "share",
              "favourable": ["inflow_tech_share-hbo"], "unfavourable": ["inflow_tech-wo"],
              "no_significant_change": [], "not_judged": [], "latest_period": "2020/21"},
             {"goal": 2, "verdict": "no_data", "latest_period": None}]
    one, two, three, _ = goal_cells({**RESULTS, "goals": goals}, "nl")
    assert (one.code, one.symbol, one.label) == ("acceleration_needed", "◆",
                                                 "geen eenduidig beeld")
    assert one.indicator == ("1 significant de goede kant op; "
                             "1 significant de verkeerde kant op")
    assert one.others == "▲ Reeks inflow_tech_share-hbo; ▼ Reeks inflow_tech-wo"
    assert (one.n_others, one.newest) == (2, "2020/'21")
    assert (two.code, two.symbol, two.label) == ("", "–", "geen gegevens")
    # a goal the file has no verdict for falls back to its indicators
    assert three.label == "geen oordeel"


def entries() -> list[dict[str, Any]]:
    def e(rid: str, kind: str, status: str = "ok", **extra: Any) -> dict[str, Any]:
        return {"report": rid, "kind": kind, "title": f"Rapport {rid}", "name": rid,
                "status": status, "html": f"{rid}.html", "pdf": f"{rid}.pdf", "error": None,
                "summary": {}, "family": None, **extra}

    return [e("national-nl", "national", summary={"changes": 3}),
            e("sector-energie", "sector", summary={"warnings": ["inflow_tech-wo: trend: <x>"]}),
            e("region-utrecht", "region", "failed", html=None, pdf=None,
              error="cell 3: KeyError: 'x'"),
            e("region-zeeland", "region")]  # ok, but its results file is missing


def test_rows_come_from_the_results_files_and_say_what_is_wrong(tmp_path: Path) -> None:
    write_results(tmp_path, "national-nl", RESULTS)
    write_results(tmp_path, "sector-energie", RESULTS)
    rows = overview_rows(tmp_path, entries(), "nl")
    assert [r.state for r in rows] == ["ok", "warnings", "failed", "ok"]
    nat, sector, failed, missing = rows
    assert nat.changes == 3 and nat.changes_href == "national-nl.html#veranderingen"
    assert nat.newest == "K2 2023"  # the newest period of any series of the report
    assert nat.cells[0].code == "on_track"
    assert sector.warnings == ("inflow_tech-wo: trend: <x>",)
    assert failed.cells == () and failed.error == "cell 3: KeyError: 'x'"
    # no results file: no verdicts, and the row says why (not an analysis warning)
    assert missing.cells == () and missing.warnings == ()
    assert missing.note == "resultatenbestand niet leesbaar (missing)"


def test_the_index_is_a_dashboard_failed_and_warned_reports_stand_out(tmp_path: Path) -> None:
    write_results(tmp_path, "national-nl", RESULTS)
    write_results(tmp_path, "sector-energie", RESULTS)
    rows = overview_rows(tmp_path, entries(), "nl")
    soup = BeautifulSoup(index_html("2023Q3", rows, "nl", appendix="bijlage.pdf"),
                         "html.parser")
    assert soup.find("b") is None and soup.find("x") is None  # texts are escaped
    # every table: a caption, nine column headers with scope, a row header per report
    for table in soup.find_all("table"):
        assert table.find("caption").get_text().strip()
        cols = table.find("thead").find_all("th")
        assert len(cols) == 9 and all(th["scope"] == "col" for th in cols)
        for tr in table.find("tbody").find_all("tr"):
            assert tr.find("th")["scope"] == "row"
            # phone width shows each cell with its column name (data-label)
            assert [td["data-label"] for td in tr.find_all("td")] == [
                th.get_text() for th in cols[1:]]
    by_id = {tr["id"]: tr for tr in soup.find_all("tr") if tr.get("id")}
    nat = by_id["r-national-nl"]
    assert "gereed" in nat.find(class_="state").get_text()
    assert nat.find("a", href="national-nl.html#veranderingen").get_text() == "3"
    goal1 = nat.find_all("td")[2]
    assert goal1["class"] == ["verdict", "status", "status-on_track"]
    assert goal1.get_text(" ", strip=True).startswith("✓ op koers")  # symbol and words
    # the goal's other indicators fold away: the row stays short
    assert goal1.find("details").find("summary").get_text() == "+2 reeksen"
    assert "2× ■ geen significante verandering" in goal1.find("details").get_text()
    warned = by_id["r-sector-energie"]
    assert "state-warnings" in warned["class"]
    assert warned.find(class_="state").get_text(" ", strip=True) == \
        "⚠ gereed, met 1 waarschuwing"
    assert warned.find_all("details")[-1].find("li").get_text() == "inflow_tech-wo: trend: <x>"
    failed = by_id["r-region-utrecht"]
    assert "state-failed" in failed["class"] and failed.find("a") is None  # no dead link
    assert "✕ mislukt" in failed.get_text() and "KeyError" in failed.get_text()
    assert "gereed" not in failed.find(class_="state").get_text()
    attention = soup.find("section", class_="attention")
    assert [a["href"] for a in attention.find_all("a")] == [
        "#r-sector-energie", "#r-region-utrecht"]
    assert "resultatenbestand niet leesbaar" in by_id["r-region-zeeland"].get_text()
    assert "bijlage.pdf" in {a["href"] for a in soup.find_all("a")}
    assert soup.find("p").get_text() == ("4 rapporten: 2 gereed, 1 gereed met "
                                         "waarschuwingen, 1 mislukt.")


def test_the_index_stylesheet_is_inserted_as_css_with_a_stacked_phone_layout() -> None:
    from techmonitor.render.html import report_css

    html = index_html("2023Q3", [], "nl")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("style").get_text().strip() == report_css().strip()  # not escaped
    assert '"Fira Sans"' in html and "&#34;" not in html
    assert "@media (max-width: 37.5rem)" in report_css()
    assert "content: attr(data-label)" in report_css()


def test_the_appendix_overview_is_one_table_with_words_beside_every_symbol(
        tmp_path: Path) -> None:
    write_results(tmp_path, "national-nl", RESULTS)
    write_results(tmp_path, "sector-energie", RESULTS)
    rows = overview_rows(tmp_path, entries(), "nl")
    section = overview_section(rows, "nl", "2023Q3").to_json()
    tables = [c for c in section["children"] if c["type"] == "table"]
    assert len(tables) == 1
    table = tables[0]
    assert [c["text"] for c in table["columns"]][:3] == ["Rapport", "Stand",
                                                         "Nieuwste gegevens"]
    assert len(table["rows"]) == 4
    first = table["rows"][0]
    assert first[0]["text"] == "national-nl (landelijk)"
    assert (first[3]["symbol"], first[3]["status"]) == ("✓", "on_track")
    assert first[3]["text"].startswith("op koers (Reeks inflow_tech-hbo")
    assert table["rows"][2][1]["text"] == "mislukt: geen rapport"
    notes = [c for c in section["children"] if c["type"] == "note"]
    assert [n["tone"] for n in notes] == ["warning", "failure"]
