"""Projections of counts never fall below zero: the predictive interval is censored at 0."""

from __future__ import annotations

import numpy as np
import pandas as pd
from techmonitor import trends
from techmonitor.trends import predictive


def _falling() -> pd.Series:
    periods = [f"{y}/{(y + 1) % 100:02d}" for y in range(2015, 2020)]
    return pd.Series([60.0, 45.0, 38.0, 22.0, 12.0], index=periods)


def test_count_bands_are_censored_at_zero() -> None:
    result = trends.estimate(_falling(), kind="count", target_period="2025/26")
    fc = result.forecast(target="2025/26")
    # the same distribution without the censoring, computed from the predictive quantiles
    pred = predictive.predict(result, fc["t"].to_numpy())

    raw_lo95 = pred.mean + predictive.ppf(pred, 0.025) * pred.se
    assert (raw_lo95 < 0).any()  # the uncensored band would go below zero persons
    np.testing.assert_allclose(fc["lo95"], np.maximum(raw_lo95, 0.0))
    assert (fc[["mean", "lo80", "hi80", "lo95", "hi95"]] >= 0).all().all()
    raw_hi95 = pred.mean + predictive.ppf(pred, 0.975) * pred.se
    np.testing.assert_allclose(fc["hi95"], np.maximum(raw_hi95, 0.0))


def test_a_series_with_negative_values_is_not_censored() -> None:
    s = _falling() - 30.0  # e.g. a net change, which may be negative
    result = trends.estimate(s, kind="count", target_period="2025/26")
    assert not result.nonnegative
    assert (result.forecast(target="2025/26")["lo95"] < 0).any()
