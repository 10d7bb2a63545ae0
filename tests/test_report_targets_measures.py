"""Measure progress: cumulative office figures become quarterly flows before assessment."""

from __future__ import annotations

import pandas as pd
import pytest
from techmonitor.errors import ParameterError
from techmonitor.report.measure_analysis import _flows


def test_cumulative_figures_become_flows_in_time_order() -> None:
    rows = pd.DataFrame({
        "measure_id": ["m"] * 4,
        "period": ["2013Q4", "2012Q4", "2014Q4", "2014Q2"],  # deliberately unsorted
        "output_value": [1800.0, 600.0, 3100.0, float("nan")],
        "spent_eur": [2.0e6, 1.0e6, 3.5e6, 2.5e6],
        "status": ["illustrative", "reported", "reported", "reported"],
    })
    flows = _flows(rows)
    assert [f.period for f in flows] == ["2012Q4", "2013Q4", "2014Q2", "2014Q4"]
    # 600, 1800-600, not reported, 3100-1800
    assert [f.output for f in flows] == [600.0, 1200.0, None, 1300.0]
    assert [f.spend for f in flows] == pytest.approx([1.0e6, 1.0e6, 0.5e6, 1.0e6])
    assert [f.illustrative for f in flows] == [False, True, False, False]
    assert sum(f.output or 0 for f in flows) == 3100.0


def test_relative_target_takes_its_baseline_from_the_series() -> None:
    from techmonitor.report.targetspec import RelativeTarget

    series = pd.DataFrame({"period": ["2015/16", "2016/17"], "value": [200.0, 210.0]})
    spec = RelativeTarget(15, "2025/26", "2015/16", "illustrative", True).resolve(series)
    assert spec is not None
    assert spec.value == pytest.approx(230.0) and spec.baseline_value == 200.0
    assert spec.illustrative
    with pytest.raises(ParameterError, match="no value in 2014/15"):
        RelativeTarget(15, "2025/26", "2014/15", "x", True).resolve(series)
    zero = series.assign(value=[0.0, 3.0])
    with pytest.raises(ParameterError, match="value in 2015/16 is 0"):
        RelativeTarget(15, "2025/26", "2015/16", "x", True).resolve(zero)


def test_a_measure_without_reported_progress_has_no_status() -> None:
    from techmonitor.measures import Measure
    from techmonitor.report.measure_analysis import assess

    measure = Measure.model_validate({
        "id": "m-x", "cluster": 1, "goals": [1], "title_nl": "x", "title_en": "x",
        "owner": ["OCW"], "dates": {"start": "2012", "end": "2015"},
        "output_target": {"description_nl": "groepen", "description_en": "groups", "value": 3500},
        "source": "kamerbrief-2012", "quote": "x"})
    empty = pd.DataFrame(columns=["measure_id", "period", "output_value", "spent_eur", "status"])
    assert assess(measure, empty, "2023Q3").assessment is None  # not "at risk"
    reported = pd.DataFrame({"measure_id": ["m-x"], "period": ["2015Q4"],
                             "output_value": [3500.0], "spent_eur": [float("nan")],
                             "status": ["reported"]})
    row = assess(measure, reported, "2023Q3")
    assert row.assessment is not None and row.assessment.category.code == "done"


def test_share_of_one_indicator_by_sex_uses_each_observation_once() -> None:
    """Women's share of the technical inflow: numerator and denominator are one indicator."""
    from techmonitor.paramfiles import resolve
    from techmonitor.report import Report, store
    from techmonitor.report.series import select

    from .conftest import ROOT

    job = resolve(ROOT / "params" / "base.yaml", ROOT / "params" / "national.yaml")
    # 2025Q4: the newest definition of hbo first-years (2020/21 on), all five years known
    report = Report(job.params.model_copy(update={"project_dir": str(ROOT),
                                                  "period": "2025Q4"}))
    item = next(i for i in report.context.items
                if i.ind.code == "inflow_tech_women_share" and i.level == "hbo")
    assert item.trend is not None and item.trend.has_model
    # the report shows the newest edition (DUO's current files); the 2019 edition, selected
    # on its own, is checked by hand against the raw README's sums
    catalogue = store.load_catalogue(ROOT / "data")
    old = select(ROOT / "data", report.params, catalogue, catalogue["inflow_tech_women_share"],
                 "hbo", vintage="duo-croho-2019")
    assert list(old["period"]) == ["2015/16", "2016/17", "2017/18", "2018/19", "2019/20"]
    # 2019/20 by hand from the raw README's checked sums: 5 465 women of 23 561 hbo entrants
    assert old["value"].iloc[-1] == pytest.approx(100 * 5465 / 23561, abs=1e-9)
