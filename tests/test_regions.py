"""Progress since the 2012 letter, the provinces compared, and the measures' latest figures."""

from __future__ import annotations

import pandas as pd
import pytest
from techmonitor.report.measure_analysis import latest_reported
from techmonitor.report.regional_analysis import ProvinceComparison, ProvinceFigure

from .conftest import ROOT


def figure(slug: str, latest: float, lo: float | None, hi: float | None) -> ProvinceFigure:
    slope = None if lo is None or hi is None else (lo + hi) / 2
    return ProvinceFigure(slug, slug.upper(), slug.title(), ("2018/19", "2019/20"),
                          (latest - 1, latest), (False, False), slope, lo, hi)


def test_rank_is_by_latest_value_and_overlap_counts_indistinguishable_trends() -> None:
    c = ProvinceComparison("inflow_tech_share", "hbo", "Aandeel", "Share", (
        figure("a", 30.0, -1.0, 1.0), figure("b", 25.0, 0.5, 2.0),
        figure("c", 20.0, 1.5, 3.0), figure("d", 10.0, None, None)))
    assert [c.rank(s) for s in "abcd"] == [1, 2, 3, 4]
    # a [-1, 1] meets b [0.5, 2] only; b meets a and c; c meets b; d has no interval
    assert [c.overlapping(s) for s in "abcd"] == [1, 2, 1, 0]
    assert c.get("x") is None


def test_latest_reported_takes_each_figure_from_its_latest_report() -> None:
    rows = pd.DataFrame({
        "measure_id": ["m"] * 3, "period": ["2014Q4", "2012Q4", "2013Q4"],
        "output_value": [float("nan"), 600.0, 1800.0], "spent_eur": [3.0e6, 1.0e6, 2.0e6],
        "status": ["reported", "illustrative", "reported"]})
    r = latest_reported(rows)
    assert r is not None
    assert (r.period, r.output, r.spent, r.illustrative) == ("2014Q4", 1800.0, 3.0e6, True)
    assert latest_reported(rows.iloc[0:0]) is None


def test_since_the_letter_reads_the_letter_year_and_the_latest_value() -> None:
    """Checked against data/observations.csv read directly (the baseline 2011/12 of hbo+wo
    bèta-technical inflow and its latest value)."""
    from techmonitor.paramfiles import resolve
    from techmonitor.report import store
    from techmonitor.report.regional_analysis import since_letter

    obs = pd.read_csv(ROOT / "data" / "observations.csv", dtype=str)
    mine = obs[(obs.indicator == "inflow_betatech") & (obs.level == "ho")
               & (obs.region == "NL") & (obs.sex == "all") & (obs.sector == "all")]
    then = float(mine.loc[mine.period == "2011/12", "value"].iloc[-1])
    last = mine.sort_values("period").iloc[-1]
    params = resolve(ROOT / "params" / "base.yaml", ROOT / "params" / "national.yaml").params
    rows = {(s.indicator, s.level): s for s in since_letter(
        ROOT / "data", params, store.load_catalogue(ROOT / "data"))}
    s = rows[("inflow_betatech", "ho")]
    assert (s.baseline_period, s.baseline) == ("2011/12", then)
    assert (s.latest_period, s.latest) == (last.period, float(last.value))
    assert s.change_pct == pytest.approx(100 * (float(last.value) / then - 1))
    assert s.definition_nl  # named with its definition
