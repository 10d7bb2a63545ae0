"""As-of discipline and freshness: a report uses only what was published by its as-of date.

Expected values are read straight from ``data/observations.csv`` with pandas (not through the
loader or the report layer) or worked out by hand from the rules in ``techmonitor.asof``.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from techmonitor import asof
from techmonitor.batch.plan import check_overrides, check_period
from techmonitor.errors import ParameterError
from techmonitor.observations import load_observations
from techmonitor.paramfiles import resolve
from techmonitor.report import store
from techmonitor.report.context import ReportContext
from techmonitor.report.results_data import results_of
from techmonitor.report.series import select

from .conftest import ROOT
from .report_helpers import make_report, shared_report

DATA = ROOT / "data"


@pytest.fixture(scope="module")
def csv() -> pd.DataFrame:
    """The bundled observations as plain strings, read without the package."""
    return pd.read_csv(DATA / "observations.csv", dtype=str, keep_default_na=False)


def _context(params_file: str, **overrides: Any) -> ReportContext:
    return make_report(params_file, **overrides).context


def _item(context: ReportContext, key: str) -> Any:
    found = [i for i in context.items if i.key == key]
    assert found, f"{key} not in the report"
    return found[0]


# -- the rules, by hand -------------------------------------------------------------------------

def test_as_of_is_the_last_day_of_the_following_quarter() -> None:
    assert asof.as_of_for("2023Q3") == dt.date(2023, 12, 31)
    assert asof.as_of_for("2023Q4") == dt.date(2024, 3, 31)
    assert asof.as_of_for("2024Q1") == dt.date(2024, 6, 30)  # 2024 is a leap year: no matter
    assert asof.as_of_for("2023Q2") == dt.date(2023, 9, 30)


def test_as_of_may_not_lie_before_the_end_of_the_quarter() -> None:
    assert asof.parse_as_of("2023-09-30", "2023Q3") == dt.date(2023, 9, 30)
    with pytest.raises(ValueError, match="before the end of 2023Q3"):
        asof.parse_as_of("2023-09-29", "2023Q3")
    with pytest.raises(ValueError, match="not a date"):
        asof.parse_as_of("2023-02-30", "2022Q4")


def test_staleness_rule_by_hand() -> None:
    # quarterly: 2023Q3 ends 2023-09-30; the limit is 12 months, so 2024-09-30 is the last day
    assert not asof.freshness("2023Q3", True, dt.date(2024, 9, 30)).stale
    late = asof.freshness("2023Q3", True, dt.date(2024, 10, 1))
    assert late.stale and late.limit_months == 12 and late.age_months == 12
    # yearly: 2019 ends 2019-12-31; 24 months later is 2021-12-31
    assert not asof.freshness("2019", False, dt.date(2021, 12, 31)).stale
    assert asof.freshness("2019", False, dt.date(2022, 1, 1)).stale
    # school year 2019/20 ends 2020-08-31: 40 months before 2023-12-31
    f = asof.freshness("2019/20", False, dt.date(2023, 12, 31))
    assert f.stale and f.age_months == 40


def test_as_known_at_keeps_rows_published_on_or_before_the_day() -> None:
    obs = pd.DataFrame({"period": ["2022", "2023", "2023Q1"],
                        "published": ["2023-03-31", "2024-03-31", "2023-05-17"]})
    assert list(asof.as_known_at(obs, dt.date(2023, 5, 17))["period"]) == ["2022", "2023Q1"]
    assert list(asof.as_known_at(obs, "2023-05-16")["period"]) == ["2022"]


def test_default_period_covers_the_newest_publication(csv: pd.DataFrame,
                                                     tmp_path: Path) -> None:
    newest = dt.date.fromisoformat(csv["published"].max())
    quarter = f"{newest.year}Q{(newest.month - 1) // 3 + 1}"
    year, q = int(quarter[:4]), int(quarter[-1])
    before = f"{year}Q{q - 1}" if q > 1 else f"{year - 1}Q4"  # its as-of date ends `quarter`
    assert asof.default_period(DATA, today=dt.date(2100, 1, 1)) == before
    # a hand-written file: newest publication 2026-02-19 -> 2025Q4 (as of 2026-03-31) ...
    (tmp_path / "observations.csv").write_text(
        "indicator,period,published\nx,2025Q4,2026-02-19\nx,2025Q3,2025-11-14\n")
    assert asof.default_period(tmp_path, today=dt.date(2026, 12, 7)) == "2025Q4"
    # ... but not while that as-of date is still to come: then the latest one that has passed
    assert asof.default_period(tmp_path, today=dt.date(2026, 3, 30)) == "2025Q3"


# -- the loader ---------------------------------------------------------------------------------

def _data_copy(tmp_path: Path, rows: str) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    for f in DATA.iterdir():
        if f.is_file() and f.name != "observations.csv":
            shutil.copy(f, data / f.name)
    (data / "observations.csv").write_text(rows, encoding="utf-8")
    return data


HEADER = "indicator,period,level,sector,region,sex,value,source,vintage,status"
ROW = "vacancies_open,2023Q2,all,sbi-D,NL,all,2300,cbs-80472ned,cbs-80472ned,definitive"


def test_loader_keeps_the_extra_columns(tmp_path: Path) -> None:
    data = _data_copy(tmp_path, f"{HEADER},suppressed,lower_bound,published\n"
                                f"{ROW},2,true,2023-08-16\n")
    obs = load_observations(data, use_cache=False)
    row = obs.iloc[0]
    assert (int(row["suppressed"]), bool(row["lower_bound"]), row["published"]) == (
        2, True, "2023-08-16")


def test_loader_without_extra_columns_takes_the_period_end(tmp_path: Path) -> None:
    data = _data_copy(tmp_path, f"{HEADER}\n{ROW}\n")
    row = load_observations(data, use_cache=False).iloc[0]
    assert (int(row["suppressed"]), bool(row["lower_bound"]), row["published"]) == (
        0, False, "2023-06-30")


def test_loader_names_a_bad_publication_date(tmp_path: Path) -> None:
    data = _data_copy(tmp_path, f"{HEADER},suppressed,lower_bound,published\n"
                                f"{ROW},0,false,16-08-2023\n")
    with pytest.raises(Exception) as info:
        load_observations(data, use_cache=False)
    problems = "\n".join(getattr(info.value, "problems", []))
    assert "row 2, column published" in problems and "'16-08-2023'" in problems


# -- one test per kind of source: the row appears only once it is published ---------------------

def test_duo_first_years_appear_on_their_publication_date(csv: pd.DataFrame) -> None:
    rows = csv[(csv.indicator == "inflow_tech") & (csv.level == "hbo") & (csv.region == "PV26")
               & (csv.sex == "all") & (csv.period == "2022/23")]
    day = dt.date.fromisoformat(rows["published"].max())
    assert day == dt.date(2023, 3, 1)  # 1 March after the school year starts (sources.yaml)
    before = _context("regions/utrecht.yaml", period="2022Q4",
                      as_of=(day - dt.timedelta(days=1)).isoformat())
    after = _context("regions/utrecht.yaml", period="2022Q4", as_of=day.isoformat())
    assert _item(before, "inflow_tech-hbo").latest["period"] == "2021/22"
    latest = _item(after, "inflow_tech-hbo").latest
    assert (latest["period"], float(latest["value"])) == ("2022/23",
                                                         float(rows["value"].iloc[0]))


def test_cbs_vacancies_appear_on_their_publication_date(csv: pd.DataFrame) -> None:
    rows = csv[(csv.indicator == "vacancies_open") & (csv.period == "2023Q3")
               & (csv.region == "NL") & (csv.sector == "sbi-D")]
    day = dt.date.fromisoformat(rows["published"].max())
    assert day == dt.date(2023, 9, 30) + dt.timedelta(days=47)
    before = _context("sectors/energie.yaml", as_of=(day - dt.timedelta(days=1)).isoformat())
    after = _context("sectors/energie.yaml", as_of=day.isoformat())
    assert _item(before, "vacancies_open-all").latest["period"] == "2023Q2"
    assert _item(after, "vacancies_open-all").latest["period"] == "2023Q3"


def _uwv(period: str, as_of: str) -> pd.DataFrame:
    job = resolve(ROOT / "params" / "base.yaml", ROOT / "params" / "national.yaml",
                  overrides={"project_dir": str(ROOT), "period": period, "as_of": as_of})
    catalogue = store.load_catalogue(DATA)
    return select(DATA, job.params, catalogue, catalogue["vacancies_tech_occupations"])


def test_techniekpact_edition_appears_on_its_publication_date(csv: pd.DataFrame) -> None:
    uwv = csv[csv.indicator == "vacancies_tech_occupations"]
    edition = uwv[uwv.vintage == "uwv-tp-2022-08"]
    day = dt.date.fromisoformat(edition["published"].iloc[0])
    # the day before, the newest edition out was the May 2022 page: its newest period
    may = uwv[uwv.published < day.isoformat()]
    newest_before = may.sort_values("published").iloc[-1]
    before = _uwv("2022Q2", (day - dt.timedelta(days=1)).isoformat())
    assert set(before["vintage"]) == {newest_before["vintage"]}
    assert before.iloc[-1]["period"] == max(uwv[uwv.vintage == newest_before["vintage"]].period)
    after = _uwv("2022Q2", day.isoformat())
    assert set(after["vintage"]) == {"uwv-tp-2022-08"}  # editions never mix in one line
    assert list(after["period"]) == sorted(edition["period"])


def test_uwv_newest_value_is_the_newest_editions(csv: pd.DataFrame) -> None:
    """At 2023-12-31 the 2024 page is not out: the August 2022 edition's 2022Q1 is the newest
    value (81,600), not the 2016Q1 reading of the 2024 edition (29,200)."""
    uwv = csv[(csv.indicator == "vacancies_tech_occupations") & (csv.published <= "2023-12-31")]
    newest_edition = uwv.sort_values("published").iloc[-1]["vintage"]
    expected = uwv[uwv.vintage == newest_edition].sort_values("period").iloc[-1]
    item = _item(_national(), "vacancies_tech_occupations-all")
    assert set(item.series["vintage"]) == {newest_edition}
    assert (item.latest["period"], float(item.latest["value"])) == (
        expected["period"], float(expected["value"]))
    assert (expected["period"], float(expected["value"])) == ("2022Q1", 81600.0)


# -- the national report of 2023Q3 ----------------------------------------------------------------

def _national() -> ReportContext:
    return shared_report("national.yaml").context  # one build for the tests that read it


def test_national_2023q3_shows_nothing_published_after_its_as_of_date(csv: pd.DataFrame
                                                                      ) -> None:
    context = _national()
    results = results_of(context)
    assert results["as_of"] == "2023-12-31"
    published = csv.groupby(["source", "vintage", "period"])["published"].min().to_dict()
    shown = [(o["source"], o["vintage"], o["period"])
             for block in (results["items"], [s for s in results["series"]
                                              if s["indicator"] != "extra_per_year"])
             for entry in block for o in entry["observations"]]
    assert len(shown) > 300
    late = [k for k in shown if published[k] > "2023-12-31"]
    assert late == []
    # and what was out by then is used: hbo first-years of 2022/23 (published 2023-03-01)
    assert _item(context, "inflow_tech-hbo").latest["period"] == "2022/23"


def test_projections_start_after_the_newest_published_period() -> None:
    for item in _national().items:
        if item.band is None or len(item.band) < 2:
            continue
        last = float(item.band["t"].iloc[0])
        assert (item.band["t"].iloc[1:] > last).all(), item.key


def test_staleness_flags_in_report_and_results() -> None:
    context = _national()
    results = {i["key"]: i for i in results_of(context)["items"]}
    # vacancies end 2023Q3, three months before 2023-12-31: current
    assert results["vacancies_open-all"]["stale"] is False
    assert results["vacancies_open-all"]["newest_period"] == "2023Q3"
    # mbo participants end 2019/20, 40 months before: stale, and flagged beside the indicator
    mbo = results["mbo_participants_tech_share-mbo"]
    assert (mbo["stale"], mbo["newest_period"], mbo["age_months"]) == (True, "2019/20", 40)
    text = context.stale_text(_item(context, "mbo_participants_tech_share-mbo"))
    assert text is not None and "40" in text and "31 december 2023" in text
    assert context.stale_text(_item(context, "vacancies_open-all")) is None


def test_vacancies_are_stale_in_the_newest_quarter() -> None:
    period = asof.default_period(DATA)
    assert period is not None
    context = _context("sectors/energie.yaml", period=period)
    item = results_of(context)["items"]
    vac = next(i for i in item if i["key"] == "vacancies_open-all")
    assert vac["newest_period"] == "2023Q3" and vac["stale"] is True


# -- parameters and the batch -------------------------------------------------------------------

def test_command_line_as_of_is_checked_against_the_period() -> None:
    with pytest.raises(ParameterError, match="--as-of '2023-09-01'.*before the end of 2023Q3"):
        check_overrides(ROOT, {"period": "2023Q3", "as_of": "2023-09-01"})
    check_overrides(ROOT, {"period": "2023Q3", "as_of": "2024-06-30"})  # later is fine


def test_a_period_whose_as_of_date_is_to_come_is_refused() -> None:
    with pytest.raises(ParameterError, match="a date still to come"):
        check_period("2026Q3", DATA, from_command_line=True, today=dt.date(2026, 12, 7))
    check_period("2026Q2", DATA, from_command_line=True, today=dt.date(2026, 12, 7))


def test_latest_period_resolves_from_the_data() -> None:
    job = resolve(ROOT / "params" / "base.yaml", ROOT / "params" / "national.yaml")
    assert job.params.period == asof.default_period(DATA)
    assert job.params.as_of_date == asof.as_of_for(job.params.period)
