"""Track record: an earlier projection against what came in, and coverage per kind."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from techmonitor.progress.track import (
    NoPastProjection,
    PastProjection,
    coverage,
    past_projection,
)
from techmonitor.trends import estimate


def frame(values: list[float], start: int = 2010, vintage: str = "v1") -> pd.DataFrame:
    periods = [str(start + i) for i in range(len(values))]
    return pd.DataFrame({"period": periods, "value": values, "vintage": vintage,
                         "status": "definitive", "source": "test"})


RNG = np.random.default_rng(3)
LINE = list(1000 + 50.0 * np.arange(9) + RNG.normal(0, 5, 9))  # 2010-2018


def test_projection_made_then_is_compared_with_the_outcome() -> None:
    then = frame(LINE)
    on_trend = frame([*LINE, 1000 + 50.0 * 9])           # 2019 on the line
    rec = past_projection(then, on_trend)
    assert isinstance(rec, PastProjection)
    assert (rec.origin, rec.period, rec.horizon) == ("2018", "2019", 1)
    # the projection is the one a report fitted on the data then would have shown
    fc = estimate(then).forecast(target="2019").iloc[-1]
    assert_allclose([rec.projected, rec.lo80, rec.hi95], [fc["mean"], fc["lo80"], fc["hi95"]])
    # a straight line with noise sd 5: the projection is within a few persons of 1450
    assert abs(rec.projected - 1450) < 25
    assert rec.actual == 1450 and rec.inside80 and rec.inside95
    far_off = past_projection(then, frame([*LINE, 3000.0]))
    assert isinstance(far_off, PastProjection)
    assert not far_off.inside80 and not far_off.inside95
    assert_allclose(far_off.error, 3000.0 - far_off.projected)


def test_longest_horizon_is_used_and_reasons_are_given() -> None:
    then = frame(LINE)
    rec = past_projection(then, frame([*LINE, 1450.0, 1500.0]))
    assert isinstance(rec, PastProjection) and (rec.period, rec.horizon) == ("2020", 2)
    same = past_projection(then, then)
    assert isinstance(same, NoPastProjection) and "nothing published after 2018" in same.reason
    redefined = past_projection(then, frame([*LINE, 1450.0], vintage="v2"))
    assert isinstance(redefined, NoPastProjection) and "definition" in redefined.reason
    short = past_projection(frame(LINE[:1]), frame(LINE))
    assert isinstance(short, NoPastProjection)


def test_coverage_counts_per_kind_by_hand() -> None:
    def rec(kind: str, actual: float) -> PastProjection:
        return PastProjection(origin="2018", period="2019", horizon=1, projected=100.0,
                              lo80=90.0, hi80=110.0, lo95=80.0, hi95=120.0, actual=actual,
                              kind=kind)

    cov = coverage([rec("count", 100), rec("count", 115), rec("count", 130), rec("share", 95)])
    assert list(cov) == ["count", "share"]
    c = cov["count"]
    assert (c.n, c.inside80, c.inside95) == (3, 1, 2)
    assert_allclose([c.share80, c.share95], [1 / 3, 2 / 3])
    assert cov["share"].share80 == 1.0


def test_record_looks_back_until_something_came_in_and_fits_only_there(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from techmonitor.report import track_record

    # 2010-2018 published in the June after each year; 2019 published 2020-06-30
    series = frame([*LINE, 1450.0])
    series["published"] = [f"{int(p) + 1}-06-30" for p in series["period"]]
    fits: list[int] = []
    real = track_record.fit_past_projection

    def counted(then: pd.DataFrame, now: pd.DataFrame, kind: str) -> object:
        fits.append(len(then))
        return real(then, now, kind)

    monkeypatch.setattr(track_record, "fit_past_projection", counted)
    as_of = dt.date(2022, 3, 31)  # a year back: 2021-03-31, all of 2010-2019 was known
    back = [track_record.as_known_a_year_before(as_of, y) for y in (1.0, 2.0, 3.0)]
    rec = track_record.record("k", "inflow_tech", ("n", "n"), "count", series, "national:NL",
                              back)
    # two years back (2020-03-31) 2019 was not yet published: that is the comparison
    assert rec.known_then == "2018"
    assert rec.projection is not None and rec.projection.period == "2019"
    assert fits == [9]  # one fit, on the nine rows known then; the first lookback unfitted
    # known in full at every lookback: the reason says so, and nothing is fitted
    fits.clear()
    stale = track_record.record("k", "inflow_tech", ("n", "n"), "count", series,
                                "national:NL", [track_record.as_known_a_year_before(
                                    dt.date(2023, 3, 31), y) for y in (1.0, 2.0)])
    assert fits == [] and stale.projection is None and stale.known_then == "2019"
    assert isinstance(stale.result, NoPastProjection)
    assert stale.result.reason == "nothing published after 2019 since"
