"""Report content on the bundled data: structure, numbers against independent computation,
escaping of hostile names, English run. HTML is checked by parsing, never by byte goldens."""

from __future__ import annotations

import csv
import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from techmonitor import fmt
from techmonitor.report import SECTION_IDS, Report, report_title
from techmonitor.report.document import SUMMARY_MIMETYPE

from .report_helpers import (
    ROOT,
    make_report,
    render,
    section_outputs,
    shared_html,
    shared_report,
)

HOSTILE = "<script>alert(1)</script>"


def page(params_file: str, language: str = "nl") -> BeautifulSoup:
    other = {"language": language} if language != "nl" else {}  # nl: the params' own
    return BeautifulSoup(shared_html(params_file, **other), "html.parser")


def test_report_title_formats_quarter_in_dutch_and_english() -> None:
    r = make_report("sectors/energie.yaml")
    assert report_title(r.params) == "Techniek Monitor – Topsector Energie, 3e kwartaal 2023"
    r_en = make_report("sectors/energie.yaml", language="en")
    assert report_title(r_en.params).endswith("Top sector Energy, 3rd quarter 2023")


def test_national_report_has_every_section_in_order_with_one_h1() -> None:
    soup = page("national.yaml")
    assert len(soup.find_all("h1")) == 1
    ids = [s["id"] for s in soup.find_all("section")]
    expected = ["kernboodschappen", "veranderingen", "doel-1", "doel-2", "doel-3", "doel-4",
                "arbeidsmarkt", "maatregelen", "topsectoren", "methode", "verantwoording"]
    assert ids == expected
    for sec in soup.find_all("section"):
        h2 = sec.find("h2")
        assert h2 is not None and sec["aria-labelledby"] == h2["id"]
    # heading levels never skip (h1 → h2 → h3)
    levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert soup.find("a", class_="skip-link")["href"] == "#inhoud"
    assert soup.find("html")["lang"] == "nl"


def test_sector_and_region_reports_have_no_national_section() -> None:
    for f in ("sectors/energie.yaml", "regions/utrecht.yaml"):
        ids = [s["id"] for s in page(f).find_all("section")]
        assert SECTION_IDS["national"] not in ids
        assert ids[0] == "kernboodschappen" and ids[-1] == "verantwoording"


def test_every_table_has_caption_and_header_cells() -> None:
    soup = page("national.yaml")
    tables = soup.find_all("table")
    assert len(tables) > 10
    for t in tables:
        assert t.find("caption").get_text(strip=True)
        assert t.find("thead").find_all("th", scope="col")
        assert t.parent.name == "div" and "table-wrap" in t.parent["class"]


def test_every_chart_is_svg_with_alt_text_and_caption() -> None:
    soup = page("national.yaml")
    figures = soup.find_all("figure")
    assert figures
    for f in figures:
        svg = f.find("svg")
        assert svg["role"] == "img"
        assert len(svg["aria-label"]) > 30
        assert svg.find("title").get_text() == svg["aria-label"]
        assert "Bron:" in f.find("figcaption").get_text()
    assert "No description has been provided" not in str(soup)


def test_key_table_latest_value_matches_observations() -> None:
    # independent: read the CSV directly and pick the latest hbo inflow
    obs = pd.read_csv(ROOT / "data" / "observations.csv", dtype={"period": str})
    # the report (2023Q3) uses what was published by 2023-12-31, and of that the newest
    # edition: the vintage whose newest row came out last (DUO's current files, 2020/21 on);
    # the 2015/16-2019/20 first-years are another vintage (a break), never joined to it
    rows = obs[(obs.indicator == "inflow_tech") & (obs.level == "hbo") & (obs.region == "NL")
               & (obs.sector == "all") & (obs.sex == "all") & (obs.published <= "2023-12-31")]
    newest = rows.sort_values("published").iloc[-1].vintage
    assert newest == "duo-hbo-2025"
    last = rows[rows.vintage == newest].sort_values("period").iloc[-1]
    assert last.period == "2022/23"
    expected = fmt.number(last.value, 0, "nl")
    soup = page("national.yaml")
    table = soup.find("section", id="kernboodschappen").find("table")
    row = next(tr for tr in table.find_all("tr")
               if "CROHO techniek" in tr.get_text() and "(hbo)" in tr.get_text())
    assert row.find_all("td")[0].get_text().startswith(expected)


def test_roa_table_shows_the_letters_figures_and_published_totals() -> None:
    with open(ROOT / "data" / "letter_figures.csv", encoding="utf-8") as fh:
        recs = list(csv.DictReader(fh))
    fig = {(r["indicator"][:8], r["level"]): float(r["value"]) for r in recs}
    roa = page("national.yaml").find("caption", string=re.compile("Baanopeningen"))
    total = roa.find_parent("table").find_all("tr")[-1]
    cells = [c.get_text() for c in total.find_all(["th", "td"])]
    # the letter's total row (its rounded level figures add up to 337.500, not 337.400)
    o, i = fig[("roa_open", "all")], fig[("roa_infl", "all")]
    assert cells == ["Totaal", fmt.number(o), fmt.number(i), fmt.change(i - o)]
    assert cells == ["Totaal", "507.400", "337.400", "-170.000"]  # Table 1 of the letter
    mbo = next(tr for tr in total.find_parent("table").find_all("tr") if tr.th.text == "mbo")
    assert [c.get_text() for c in mbo.find_all("td")] == ["264.900", "187.400", "-77.500"]


def test_status_is_never_colour_alone() -> None:
    soup = page("national.yaml")
    statuses = soup.select("span.status")
    assert statuses
    for s in statuses:
        assert s.find("span", class_="symbol").get_text(strip=True)
        word = s.get_text(strip=True)[len(s.find("span", class_="symbol").get_text()):]
        assert word.strip()


def test_hostile_name_is_escaped_everywhere() -> None:
    r = make_report("sectors/energie.yaml", name=HOSTILE, organisation=HOSTILE)
    html = render(r)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None
    assert HOSTILE in soup.find("h1").get_text()
    assert HOSTILE in soup.find("title").get_text()
    assert "<script>" not in html.replace("&lt;script&gt;", "")


def test_summary_output_counts_categories() -> None:
    """The invisible summary agrees with what a reader counts in the key-message table."""
    r = shared_report("sectors/energie.yaml")
    bundle = section_outputs(r)[-1]._repr_mimebundle_()
    assert list(bundle) == [SUMMARY_MIMETYPE]
    data = bundle[SUMMARY_MIMETYPE]
    soup = page("sectors/energie.yaml")
    rows = soup.find("section", id="kernboodschappen").find("table").find("tbody").find_all("tr")
    statuses = [row.find_all(["td", "th"])[-1].get_text(" ", strip=True) for row in rows]
    assert data["indicators"] == len(rows)
    for cat in data["categories"]:
        # a cell may add the interval or "(illustratief doel)" after the word
        word = f"{cat['symbol']} {cat['label']}"
        shown = sum(1 for s in statuses if s == word or s.startswith(word + " ("))
        assert shown == cat["count"], cat
    assert data["report"] == "sector-energie"


def test_data_after_the_reporting_quarter_is_left_out() -> None:
    # a sector report: the same cut-off as the national one, at a tenth of the computing
    r = make_report("sectors/energie.yaml", period="2022Q2")
    vac = next(i for i in r.context.items if i.ind.code == "vacancies_open")
    assert vac.latest["period"] == "2022Q2"


def test_english_report_has_no_dutch_fixed_labels() -> None:
    soup = page("sectors/energie.yaml", "en")
    assert soup.find("html")["lang"] == "en"
    text = soup.get_text(" ")
    for dutch in ("Kernboodschappen", "Verantwoording", "Doel 1", "kwartaal", "geen doel",
                  "Bron:", "per jaar"):
        assert dutch not in text
    assert "Key messages" in text and "Provenance" in text


def test_provenance_gives_reproducing_command_and_hash() -> None:
    sec = page("sectors/energie.yaml").find("section", id="verantwoording")
    cmd = sec.find("pre").get_text()
    assert cmd == "techmonitor run --only sector:energie --period 2023Q3"
    assert re.search(r"\b[0-9a-f]{16}\b", sec.get_text(" "))
    assert "project_dir" not in sec.get_text()


@pytest.mark.parametrize("params_file", ["national.yaml", "regions/utrecht.yaml"])
def test_report_builds_for_each_kind(params_file: str) -> None:
    r: Report = shared_report(params_file)
    codes = {i.ind.code for i in r.context.items}
    # both kinds show the DUO technical inflow and the CBS vacancies of their area
    assert {"inflow_tech", "vacancies_open"} <= codes
