"""Issue 20: stated windows and bases, the 40,000 without false precision, a track record.

Every number is checked against an independent computation: rounding by hand, a line fitted
with numpy, the year-earlier value looked up by hand, coverage counted by hand, and the
calibration table read directly from ``data/calibration.json``.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from techmonitor import fmt
from techmonitor.periods import year_before
from techmonitor.precision import data_step, round_to
from techmonitor.progress.extra import ExtraEstimate
from techmonitor.progress.track import NoPastProjection, PastProjection
from techmonitor.report import annex, extra40k, labour
from techmonitor.report import document as doc
from techmonitor.report.bases import year_earlier
from techmonitor.report.context import ReportContext
from techmonitor.report.results_data import results_of
from techmonitor.report.track_record import (
    TrackRecord,
    as_known_a_year_before,
    coverage_of,
    record,
)

from .report_helpers import ROOT, shared_report


@cache
def national() -> ReportContext:
    return shared_report("national.yaml").context


@cache
def energie() -> ReportContext:
    return shared_report("sectors/energie.yaml").context


def texts(nodes: Any) -> str:
    """Every text of a list of nodes (paragraphs, notes, lists, tables, figures)."""
    out: list[str] = []
    for n in nodes:
        if isinstance(n, doc.Section):
            out.append(texts(n.children))
        elif isinstance(n, doc.Table):
            out.append(n.caption)
            out += [c.text for c in n.columns]
            out += [c.text for r in n.rows for c in r]
        elif isinstance(n, doc.Figure):
            out += [n.alt, n.caption]
        elif isinstance(n, doc.BulletList):
            out += list(n.items)
        elif hasattr(n, "text"):
            out.append(str(n.text))
    return "\n".join(out)


# -- the 40,000: rounded to what the data carry -------------------------------------------

def test_rounding_rule_by_hand() -> None:
    assert data_step([1_395_000.0, 1_573_000.0]) == 1000.0     # levels in thousands
    assert data_step([358_000.0]) == 1000.0                     # the published change
    assert data_step([2_000_000.0, 3_000_000.0]) == 1000.0      # never coarser than thousands
    assert data_step([15_607.0, 23_368.0]) == 1.0               # exact counts stay exact
    assert data_step([416_800.0, 451_900.0]) == 100.0           # CBS vacancies: hundreds
    assert round_to(358_000 / 9, 1000) == 40_000.0              # 39.777,8 → 40.000
    assert round_to(27_534.4, 1000) == 28_000.0
    assert round_to(-2_500.0, 1000) == -3_000.0                 # halves away from zero
    assert round_to(45_079.6, 100) == 45_100.0
    e = ExtraEstimate("employment", "v", "2013", "2022", 358_000 / 9, "published_change",
                      40_000.0, 1, ("s",), step=1000.0)
    assert e.shown == 40_000.0 and e.shown_interval is None
    t = dataclasses.replace(e, method="trend", lo95=16_953.2, hi95=38_116.4)
    assert t.shown_interval == (17_000.0, 38_000.0)


def test_forty_thousand_same_words_and_no_false_precision() -> None:
    ctx = national()
    x40 = ctx.national.extra40k
    assert x40 is not None and x40.headline is not None
    head = x40.headline
    obs = ctx.obs
    change = float(obs[(obs.indicator == "employment_tech_change_since_2013")
                       & (obs.vintage == head.vintage)]["value"].iloc[0])
    exact = change / (int(head.end) - 2013)
    by_hand = round(exact / 1000) * 1000                        # levels in thousands
    words = ctx.t("x40.what.employment")
    assert words == "netto groei van de werkgelegenheid in technische beroepen per jaar"
    key = extra40k.key_sentence(ctx)
    assert key is not None and words in key
    assert f"ongeveer {fmt.number(by_hand, 0, 'nl')}" in key
    assert fmt.number(exact, 0, "nl") not in key                # never "39.778"
    section = texts(extra40k.blocks(ctx, x40))
    assert words in section and fmt.number(exact, 0, "nl") not in section
    (fig,) = [n for n in extra40k.blocks(ctx, x40) if isinstance(n, doc.Figure)]
    assert words[:1].upper() + words[1:] in fig.caption
    assert words in texts([annex.method_section(ctx)])
    res = results_of(ctx)
    row = next(s for s in res["series"]
               if s["key"] == f"extra_per_year-employment-{head.vintage}")
    assert words in row["name"]
    assert_allclose(row["observations"][0]["value"], exact)      # exact beside the rounded
    assert row["value_shown"] == by_hand and row["rounding_step"] == 1000
    # the trend measurement's interval is rounded the same way
    trend = next(e for e in x40.estimates if e.method == "trend")
    lo, hi = (fmt.number(round(x / 1000) * 1000, 0, "nl") for x in (trend.lo95, trend.hi95))
    assert f"95%: {lo} tot {hi}" in section


# -- one base for the change column ----------------------------------------------------------

def test_change_base_is_a_year_earlier_by_hand() -> None:
    q = pd.DataFrame({"period": ["2021Q3", "2022Q2", "2022Q3", "2023Q2", "2023Q3"],
                      "value": [1.0, 2.0, 5.0, 7.0, 8.0], "vintage": "a"})
    ch = year_earlier(q)
    assert ch is not None and (ch.base_period, ch.change) == ("2022Q3", 8.0 - 5.0)
    school = pd.DataFrame({"period": ["2006/07", "2016/17"], "value": [10.0, 30.0],
                           "vintage": "a"})
    assert year_earlier(school) is None          # ten years earlier is no base
    other = pd.DataFrame({"period": ["2022", "2023"], "value": [1.0, 2.0],
                          "vintage": ["old", "new"]})
    assert year_earlier(other) is None           # never across a definition break
    years = pd.DataFrame({"period": ["2017", "2018"], "value": [13_251.0, 13_819.0],
                          "vintage": "a"})
    found = year_earlier(years)
    assert found is not None and found.change == 568.0
    schools = pd.DataFrame({"period": ["1999/00", "2000/01"], "value": [4.0, 6.5],
                            "vintage": "a"})
    across = year_earlier(schools)                # a school year across the century
    assert across is not None and (across.base_period, across.change) == ("1999/00", 2.5)


def test_a_year_before_is_one_rule_for_every_period_kind() -> None:
    # written out by hand: the same quarter, the previous year, the previous school year
    assert year_before("2023Q1") == "2022Q1"
    assert year_before("2023Q4") == "2022Q4"
    assert year_before("2023") == "2022"
    assert year_before("2023/24") == "2022/23"
    assert year_before("2000/01") == "1999/00"
    with pytest.raises(ValueError, match="not a period code"):
        year_before("2023-Q1")


def test_overview_change_column_says_its_base() -> None:
    from techmonitor.report.analysis import change_since

    ctx = national()
    vac = next(i for i in ctx.items if i.ind.code == "vacancies_open")
    s = vac.series.set_index("period")["value"]
    text = change_since(vac, "nl")
    assert fmt.value_change(float(s["2023Q3"] - s["2022Q3"]), "count", "nl") in text
    assert "K3 2022" in text
    assert ctx.t("col.change") == "Verandering t.o.v. een jaar eerder"


# -- windows, COVID and the seasonal check ---------------------------------------------------

def test_vacancy_trend_names_window_and_covid() -> None:
    ctx = national()
    vac = next(i for i in ctx.items if i.ind.code == "vacancies_open")
    trend = vac.trend
    assert trend is not None and trend.window is not None and trend.covid is not None
    text = texts(labour.labour_section(ctx).children)
    w = trend.window
    assert (f"{w.n} kwartalen van {fmt.period(w.first, 'nl', 'short')} tot en met "
            f"{fmt.period(w.last, 'nl', 'short')}") in text
    assert trend.covid.method == "dummies"
    assert "kregen elk een eigen dummy" in text
    slope = round(float(trend.slope) / 100) * 100           # vacancies in hundreds
    assert fmt.number(slope, 0, "nl") in text
    res = next(i for i in results_of(ctx)["items"] if i["key"] == vac.key)
    assert res["trend"]["window"] == {"first": w.first, "last": w.last, "n": w.n,
                                      "left_out": list(w.left_out)}
    assert res["trend"]["covid"]["quarters"] == list(trend.covid.quarters)
    check = trend.seasonal_check
    assert check is not None and check.passed
    raw = vac.series["value"].to_numpy(dtype=float)
    assert_allclose(res["trend"]["seasonal_check"]["raw_mean_abs_qoq"],
                    np.abs(np.diff(raw)).mean())
    annex_text = texts([annex.method_section(ctx)])
    assert f"ruw {fmt.number(np.abs(np.diff(raw)).mean(), 0, 'nl')}" in annex_text


def test_failed_seasonal_check_shows_no_adjusted_series() -> None:
    ctx = energie()
    vac = next(i for i in ctx.items if i.ind.code == "vacancies_open")
    trend = copy.copy(vac.trend)
    assert trend is not None and trend.core is not None
    core = trend.core
    trend.core = dataclasses.replace(  # type: ignore[call-overload]
        core, check=dataclasses.replace(core.check, passed=False,  # type: ignore[union-attr]
                                        adjusted_qoq=1e9))
    failed = dataclasses.replace(vac, trend=trend)
    nodes = labour.quarterly_blocks(ctx, failed)
    (table,) = [n for n in nodes if isinstance(n, doc.Table)]
    assert len(table.columns) == 2                       # no adjusted column
    text = texts(nodes)
    assert "tonen we niet" in text and "dikke lijn" not in text
    note = labour.seasonal_check_text(ctx, failed)
    assert note is not None and "niet gehaald" in note


# -- the track record ------------------------------------------------------------------------

def test_one_year_earlier_projection_on_a_hand_written_series() -> None:
    noise = [0.8, -0.6, 0.3, -0.9, 0.5, -0.2]
    values = [1000.0 + 25.0 * i + e for i, e in enumerate(noise)]          # 2010-2015
    # each year published in March of the next year
    series = pd.DataFrame({"period": [str(2010 + i) for i in range(7)],
                           "value": [*values, 1180.0], "vintage": "a",
                           "status": "definitive", "source": "test",
                           "published": [f"{2011 + i}-03-01" for i in range(7)]})
    earlier = as_known_a_year_before(dt.date(2017, 12, 31))   # known on 2016-12-31
    then = earlier(series)
    assert list(then["period"]) == [str(2010 + i) for i in range(6)]       # 2016 not yet out
    rec = record("x-all", "x", ("x", "x"), "count", series, "", earlier)
    p = rec.projection
    assert p is not None and rec.known_then == "2015"
    assert (p.origin, p.period, p.horizon, p.actual) == ("2015", "2016", 1, 1180.0)
    # under 8 points the trend is a straight line: its value in 2016, fitted with numpy
    t = np.arange(2010, 2016) + 0.5
    slope, icpt = np.polyfit(t, values, 1)
    assert_allclose(p.projected, slope * 2016.5 + icpt, rtol=1e-6)
    assert p.lo95 < p.lo80 < p.projected < p.hi80 < p.hi95
    assert p.inside80 == (p.lo80 <= 1180.0 <= p.hi80)
    none = record("y", "y", ("y", "y"), "count", series.iloc[:3], "", earlier)
    assert isinstance(none.result, NoPastProjection)


def test_coverage_counted_by_hand() -> None:
    def rec(kind: str, actual: float) -> TrackRecord:
        p = PastProjection("2018", "2019", 1, 100.0, 90.0, 110.0, 80.0, 120.0, actual, kind)
        return TrackRecord(f"{kind}-{actual}", kind, "n", "n", kind, "national:NL", "2018", p)

    recs = [rec("count", 100), rec("count", 112), rec("count", 125), rec("share", 91),
            TrackRecord("z", "z", "z", "z", "share", "", None, NoPastProjection("none"))]
    cov = coverage_of(recs)
    assert (cov["count"].n, cov["count"].inside80, cov["count"].inside95) == (3, 1, 2)
    assert (cov["share"].n, cov["share"].inside80) == (1, 1)


def test_report_track_record_in_annex_and_results() -> None:
    ctx = national()
    projected = [i for i in ctx.items if i.band is not None]
    assert {r.key for r in ctx.track} == {i.key for i in projected}
    res = results_of(ctx)
    entries = [i["track_record"] for i in res["items"] if "track_record" in i]
    compared = [e for e in entries if e["compared"]]
    assert len(entries) == len(projected)
    kinds = {r.key: r.kind for r in ctx.track}
    by_kind: dict[str, list[int]] = {}
    for item in res["items"]:
        e = item.get("track_record")
        if e and e["compared"]:
            inside80 = e["lower80"] <= e["actual"] <= e["upper80"]     # recount by hand
            assert inside80 == e["inside80"]
            n, i80 = by_kind.setdefault(kinds[item["key"]], [0, 0])
            by_kind[kinds[item["key"]]] = [n + 1, i80 + inside80]
    cov = res["track_record"]["coverage"]
    assert {k: [v["n"], v["inside80"]] for k, v in cov.items()} == by_kind
    assert sum(v["n"] for v in cov.values()) == len(compared)
    text = texts([annex.method_section(ctx)])
    for n, i80 in by_kind.values():
        assert f"{i80} en " in text and f"van {n})" in text
    # the sum over the batch is the batch's (batch/track.py), the annex points to it
    assert "over alle rapporten van deze ronde samen" in text


def test_coverage_claims_name_their_series() -> None:
    ctx = national()
    cal = json.loads((ROOT / "data" / "calibration.json").read_text())
    ext = cal["checks"]["external"]["share"]
    text = annex.bands_text(ctx)
    c80 = fmt.percent(100 * ext["coverage80"]["pooled"], 0, "nl")
    c95 = fmt.percent(100 * ext["coverage95"]["pooled"], 0, "nl")
    assert f"aandelen {c80} en {c95}" in text and "onderwijsreeksen van DUO" in text
    assert "openstaande vacatures die voor dat leren niet zijn gebruikt" in text
    if cal["damping"]["share"] == 0:
        assert "Aandelen projecteren we vlak" in text


@pytest.mark.parametrize("lang", ["en"])
def test_english_labels_exist(lang: str) -> None:
    from techmonitor.messages import msg

    assert "net growth" in msg("x40.what.employment", lang)
    assert "{n}" not in msg("lab.trend.up", lang, n=3, first="a", last="b", slope="1",
                            lo="0", hi="2")
