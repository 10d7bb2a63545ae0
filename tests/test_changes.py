"""Every quarter against the last: results files, the change section, revisions, open-data CSVs.

The batch runs 2023Q2 and then 2023Q3 into one folder on the bundled data (two reports, HTML
only); what the 2023Q3 report lists as changed is checked against a computation made
independently from the two results files, and every number of the CSV against the tables
the report prints.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from techmonitor import fmt
from techmonitor.batch import RunOptions, run_batch
from techmonitor.cli import main
from techmonitor.report.comparison import PROBABILITY_THRESHOLD, diff
from techmonitor.report.results import CSV_COLUMNS, RESULTS_VERSION, load_results

from .report_helpers import ROOT, make_report

ONLY = {("sector", "energie"), ("region", "utrecht")}
IDS = ("sector-energie", "region-utrecht")


def _run(project: Path, out: Path, period: str) -> Any:
    return run_batch(project, out, period=period, only=ONLY,
                     options=RunOptions(formats=("html",), workers=1))


def _results(out: Path, period: str, rid: str) -> dict[str, Any]:
    return dict(json.loads((out / period / "results" / f"{rid}.json").read_text("utf-8")))


def _soup(out: Path, period: str, rid: str) -> BeautifulSoup:
    return BeautifulSoup((out / period / f"{rid}.html").read_text("utf-8"), "html.parser")


def _rows(table: Tag) -> list[list[str]]:
    return [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
            for tr in table.find("tbody").find_all("tr")]


def _change_table(section: Tag, heading_id: str) -> list[list[str]]:
    h = section.find(id=heading_id)
    return [] if h is None else _rows(h.find_next("table"))


def _period(code: str) -> str:
    return fmt.period(code, "nl", "short")


def _run_ok(project: Path, out: Path, period: str) -> None:
    result = _run(project, out, period)
    assert [o.status for o in result.outcomes if o.report in IDS] == ["ok", "ok"], \
        [o.error for o in result.outcomes]


@pytest.fixture(scope="module")
def first_quarter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2023Q2 run on the bundled project (read-only: tests copy it into their folder)."""
    out = tmp_path_factory.mktemp("changes-q2") / "reports"
    _run_ok(ROOT, out, "2023Q2")
    return out / "2023Q2"


@pytest.fixture(scope="module")
def two_quarters(tmp_path_factory: pytest.TempPathFactory, first_quarter: Path) -> Path:
    """2023Q2 then 2023Q3 into one output folder, on the bundled project."""
    out = tmp_path_factory.mktemp("changes") / "reports"
    shutil.copytree(first_quarter, out / "2023Q2")
    _run_ok(ROOT, out, "2023Q3")
    return out


@pytest.mark.slow
def test_first_quarter_says_there_is_no_earlier_report(two_quarters: Path) -> None:
    for rid in IDS:
        sec = _soup(two_quarters, "2023Q2", rid).find("section", id="veranderingen")
        assert "Wat is er veranderd sinds het 1e kwartaal 2023" in sec.find("h2").get_text()
        assert "geen eerdere rapportage" in sec.get_text().lower()
        manifest = json.loads((two_quarters / "2023Q2" / "manifest.json").read_text())
        entry = next(e for e in manifest["reports"] if e["report"] == rid)
        # no warning about the comparison (Energie's unresolvable target is its own warning)
        assert entry["summary"]["changes"] is None
        assert not [w for w in entry["warnings"] if w.startswith("comparison")], entry["warnings"]
        assert entry["params"]["compare_with"] == ""


@pytest.mark.slow
def test_second_quarter_lists_every_change_of_the_two_results_files(two_quarters: Path) -> None:
    for rid in IDS:
        old, new = (_results(two_quarters, p, rid) for p in ("2023Q2", "2023Q3"))
        assert old["schema_version"] == new["schema_version"] == RESULTS_VERSION
        assert old["report"] == new["report"] == rid and new["data_hash"]
        # independent computation: sets of (series, period) and per-series categories
        was = {(i["key"], o["period"]): o["value"] for i in old["items"]
               for o in i["observations"]}
        now = {(i["key"], o["period"]): o["value"] for i in new["items"]
               for o in i["observations"]}
        names = {i["key"]: i["name"] for i in new["items"]}
        units = {i["key"]: i["unit"] for i in new["items"]}
        expect_new = sorted(k for k in now if k not in was)
        expect_rev = sorted(k for k in now if k in was and now[k] != was[k])
        old_cat = {i["key"]: i["category"] for i in old["items"]}
        expect_cat = sorted(i["key"] for i in new["items"]
                            if i["key"] in old_cat and old_cat[i["key"]] != i["category"])

        sec = _soup(two_quarters, "2023Q3", rid).find("section", id="veranderingen")
        assert "sinds het 2e kwartaal 2023" in sec.find("h2").get_text()
        shown_new = _change_table(sec, "veranderingen-nieuw")
        assert sorted((r[0], r[1]) for r in shown_new) == sorted(
            (names[k], _period(p)) for k, p in expect_new)
        for r in shown_new:
            key = next(k for k, p in expect_new if names[k] == r[0] and _period(p) == r[1])
            assert r[2] == fmt.value(now[(key, next(
                p for k, p in expect_new if k == key and _period(p) == r[1]))],
                units[key], "nl")
        assert len(_change_table(sec, "veranderingen-herzien")) == len(expect_rev)
        assert sorted(r[0] for r in _change_table(sec, "veranderingen-beoordeling")) == \
            sorted(names[k] for k in expect_cat)
        # the library's own comparison agrees with the files
        c = diff(old, new, previous="2023Q2")
        assert c.count == len(expect_new) + len(expect_rev) + len(expect_cat) + len(
            c.probabilities)
        manifest = json.loads((two_quarters / "2023Q3" / "manifest.json").read_text())
        entry = next(e for e in manifest["reports"] if e["report"] == rid)
        assert entry["summary"]["changes"] == c.count and entry["summary"]["compared"] == "ok"
        assert entry["outputs"]["results"] == f"results/{rid}.json"
        # the index shows the count in its own column
        index = BeautifulSoup((two_quarters / "2023Q3" / "index.html").read_text(),
                              "html.parser")
        header = [th.get_text() for th in index.find("thead").find_all("th")]
        col = header.index("Veranderingen sinds vorig kwartaal")
        row = next(tr for tr in index.find_all("tr")
                   if tr.find("a", href=f"{rid}.html") is not None)
        assert row.find_all(["th", "td"])[col].get_text() == str(c.count)

    # the new vacancy quarter of the energy sector: 2023Q3 against 2023Q2
    sec = _soup(two_quarters, "2023Q3", "sector-energie").find("section", id="veranderingen")
    vacancy_rows = [r for r in _change_table(sec, "veranderingen-nieuw")
                    if r[0] == "Openstaande vacatures"]
    assert [r[1] for r in vacancy_rows] == ["K3 2023"]
    key = _soup(two_quarters, "2023Q3", "sector-energie").find(id="kernboodschappen")
    assert "Sinds het 2e kwartaal 2023" in key.find("ul").find_all("li")[-1].get_text()


@pytest.mark.slow
def test_cached_report_keeps_its_results_and_a_changed_earlier_run_reruns_it(
        two_quarters: Path) -> None:
    again = _run(ROOT, two_quarters, "2023Q3")
    assert {o.report for o in again.cached} >= set(IDS)
    for rid in IDS:
        assert (two_quarters / "2023Q3" / "results" / f"{rid}.json").is_file()
        assert (two_quarters / "2023Q3" / f"{rid}.csv").is_file()
    earlier = two_quarters / "2023Q2" / "results" / "sector-energie.json"
    data = json.loads(earlier.read_text())
    data["items"][0]["category"] = "changed-by-the-test"
    earlier.write_text(json.dumps(data))
    third = _run(ROOT, two_quarters, "2023Q3")
    rerun = {o.report for o in third.outcomes if not o.cached}
    assert "sector-energie" in rerun and "region-utrecht" not in rerun
    sec = _soup(two_quarters, "2023Q3", "sector-energie").find("section", id="veranderingen")
    assert _change_table(sec, "veranderingen-beoordeling")


@pytest.mark.slow
def test_csv_rows_equal_the_numbers_the_report_prints(two_quarters: Path) -> None:
    for rid in IDS:
        text = (two_quarters / "2023Q3" / f"{rid}.csv").read_bytes().decode("utf-8")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert tuple(rows[0]) == CSV_COLUMNS and rows
        assert all(r["source"] and r["vintage"] for r in rows)
        assert {r["row_type"] for r in rows} <= {"observation", "projection",
                                                 "seasonally_adjusted", "trend_slope",
                                                 "level_shift"}
        soup = _soup(two_quarters, "2023Q3", rid)
        # the results are data for the batch: nothing of them on the page
        assert "techmonitor-results" not in soup.get_text() and "<results" not in soup.get_text()
        prov = soup.find("section", id="verantwoording")
        assert prov.find("a", href=f"{rid}.csv") is not None
        checked = 0
        for series in dict.fromkeys(r["series"] for r in rows):
            mine = [r for r in rows if r["series"] == series]
            h = soup.find(id=f"ind-{series}")
            if h is None or h.find_parent("section")["id"] == "arbeidsmarkt":
                continue  # quarterly series: checked below against the labour table
            table = _rows(h.find_next("table"))
            unit = mine[0]["unit"]
            expect = [[_period(r["period"]), fmt.value(float(r["value"]), unit, "nl")]
                      for r in mine if r["row_type"] == "observation"]
            expect += [[_period(r["period"]),
                        f"{fmt.value(float(r['value']), unit, 'nl')} "
                        f"({fmt.value(float(r['lower80']), unit, 'nl')} – "
                        f"{fmt.value(float(r['upper80']), unit, 'nl')})"]
                       for r in mine if r["row_type"] == "projection"]
            shown = [[r[0], r[1] if r[1] != "–" else r[3]] for r in table]
            assert shown == expect, series
            checked += 1
        assert checked >= 1
        labour = soup.find("section", id="arbeidsmarkt").find("table")
        if labour is not None and rid == "sector-energie":
            obs = [r for r in rows if r["series"] == "vacancies_open-all"
                   and r["row_type"] == "observation"]
            printed = [[r[0], r[1].rstrip("*")] for r in _rows(labour)]
            assert printed == [[_period(r["period"]), fmt.value(float(r["value"]), "count",
                                                                 "nl")] for r in obs[-8:]]


@pytest.mark.slow
def test_a_revised_value_shows_old_and_new_with_source(tmp_path: Path,
                                                      first_quarter: Path) -> None:
    project = tmp_path / "project"
    for part in ("params", "templates", "data"):
        shutil.copytree(ROOT / part, project / part)
    out = tmp_path / "reports"
    # the 2023Q2 run was made on the same data, before the edit below
    shutil.copytree(first_quarter, out / "2023Q2")
    obs = project / "data" / "observations.csv"
    lines = obs.read_text("utf-8").splitlines(keepends=True)
    prefix = "inflow_sector,2018/19,wo,energie,NL,all,"
    i = next(n for n, line in enumerate(lines) if line.startswith(prefix))
    old_value = float(lines[i].split(",")[6])
    fields = lines[i].split(",")
    fields[6] = str(int(old_value) + 17)
    lines[i] = ",".join(fields)
    obs.write_text("".join(lines), "utf-8")
    assert all(o.status == "ok" for o in _run(project, out, "2023Q3").outcomes)
    sec = _soup(out, "2023Q3", "sector-energie").find("section", id="veranderingen")
    revised = _change_table(sec, "veranderingen-herzien")
    name = next(i["name"] for i in _results(out, "2023Q3", "sector-energie")["items"]
                if i["key"] == "inflow_sector-wo")
    assert [name, "2018/'19", fmt.number(old_value, 0, "nl"),
            fmt.number(old_value + 17, 0, "nl"), "duo-ho-eerstejaars (duo-sector-v1)"] \
        in revised
    # the other report shows no such revision (its data did not change)
    other = _soup(out, "2023Q3", "region-utrecht").find("section", id="veranderingen")
    assert _change_table(other, "veranderingen-herzien") == []


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), "utf-8")
    return path


def _section_text(report: Any) -> str:
    from techmonitor.report.htmldoc import render_node

    return BeautifulSoup(render_node(report.changes()), "html.parser").get_text(" ")


def test_missing_or_foreign_results_are_not_compared(tmp_path: Path) -> None:
    good = make_report("sectors/energie.yaml", period="2023Q2").results().data
    (tmp_path / "bad.json").write_text("{not json", "utf-8")
    cases = {
        "missing": (tmp_path / "nope.json", "geen eerdere rapportage", "file missing"),
        "schema": (_write(tmp_path / "old.json", {**good, "schema_version": 0}),
                   "schemaversie 0", "schema version 0"),
        "unreadable": (tmp_path / "bad.json", "niet leesbaar", "unreadable"),
        "report": (_write(tmp_path / "other.json", {**good, "report": "region-utrecht"}),
                   "hoort bij rapport region-utrecht", "belongs to report"),
    }
    for state, (path, sentence, warning) in cases.items():
        report = make_report("sectors/energie.yaml", compare_with=str(path))
        assert report.context.comparison is not None
        assert report.context.comparison.state == state
        assert sentence in " ".join(_section_text(report).split()).lower()
        summary = report.summary().data
        assert summary["changes"] is None and summary["compared"] == state
        assert any(warning in w for w in summary["warnings"]), summary["warnings"]
        assert load_results(path, "sector-energie").data is None
    # no earlier report named: said so, no warning
    plain = make_report("sectors/energie.yaml")
    assert "geen eerdere rapportage" in _section_text(plain).lower()
    assert plain.summary().data["warnings"] == [f.text() for f in plain.context.findings
                                                 if f.step == "target"]


def test_diff_finds_new_revised_category_and_probability_moves() -> None:
    def item(key: str, obs: list[tuple[str, float]], cat: str, prob: float | None) -> Any:
        return {"key": key, "name": key, "unit": "count", "category": cat,
                "category_symbol": "", "target": {} if prob is not None else None,
                "probability": prob,
                "observations": [{"period": p, "value": v, "status": "definitive",
                                  "source": "s", "vintage": "v1"} for p, v in obs]}

    old = {"items": [item("a", [("2020", 1.0), ("2021", 2.0)], "on_track", 0.50),
                     item("b", [("2020", 5.0)], "significant_rise", 0.50)]}
    new = {"items": [item("a", [("2020", 1.0), ("2021", 2.5), ("2022", 3.0)],
                          "moving_away", 0.50 + (PROBABILITY_THRESHOLD + 0.1) / 100),
                     item("b", [("2020", 5.0)], "significant_rise",
                          0.50 + (PROBABILITY_THRESHOLD - 0.1) / 100)]}
    c = diff(old, new, previous="2023Q2")
    assert [(n.key, n.period) for n in c.new] == [("a", "2022")]
    assert [(r.key, r.period, r.old, r.new) for r in c.revised] == [("a", "2021", 2.0, 2.5)]
    assert [(x.key, x.old, x.new) for x in c.categories] == [("a", "on_track", "moving_away")]
    assert [m.key for m in c.probabilities] == ["a"]
    assert c.count == 4


def test_a_probability_near_certain_reads_more_than_99_not_100() -> None:
    from dataclasses import replace

    from techmonitor.report import changes
    from techmonitor.report import document as doc

    def item(prob: float) -> Any:
        return {"key": "a", "name": "Instroom", "unit": "count", "category": "on_track",
                "category_symbol": "", "target": {}, "probability": prob,
                "observations": [{"period": "2020", "value": 1.0, "status": "definitive",
                                  "source": "s", "vintage": "v1"}]}

    c = diff({"items": [item(0.60)]}, {"items": [item(0.996)]}, previous="2023Q2")
    ctx = replace(make_report("sectors/energie.yaml").context, comparison=c)
    (table,) = [n for n in changes.section(ctx).children if isinstance(n, doc.Table)]
    # 99.6% rounds to 100 as a whole percentage; a model never makes an outcome certain
    assert [cell.text for cell in table.rows[0]][1:3] == ["60%", "> 99%"]
    assert "100%" not in (changes.key_sentence(ctx) or "")
    assert "> 99%" in (changes.key_sentence(ctx) or "")


def test_compare_with_a_missing_folder_is_one_clear_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "--project", str(ROOT), "--out", str(tmp_path),
                 "--only", "sector:energie", "--compare-with", str(tmp_path / "nope")])
    assert code == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and "--compare-with" in lines[0] and "no such run folder" in lines[0]
