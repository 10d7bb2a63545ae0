"""Trend estimation for indicator series (statsmodels).

Use :func:`estimate` in reports; the model classes follow the statsmodels pattern
(``model = LinearTrend(df); result = model.fit(); result.forecast(target="2030")``).
"""

from techmonitor.trends import widening
from techmonitor.trends._data import SeriesData, prepare
from techmonitor.trends.estimate import (
    DEFAULT_WINDOW,
    MIN_POINTS,
    MIN_POINTS_FULL,
    MIN_QUARTERS,
    BinomialTrend,
    DampedTrendETS,
    LinearTrend,
    LocalLinearTrend,
    SeasonalTrend,
    estimate,
    rolling_origin,
    year_on_year,
)
from techmonitor.trends.models import newey_west_lags
from techmonitor.trends.result import Backtest, NoModelError, Scale, TrendResult, future_periods

__all__ = [
    "DEFAULT_WINDOW",
    "MIN_POINTS",
    "MIN_POINTS_FULL",
    "MIN_QUARTERS",
    "Backtest",
    "BinomialTrend",
    "DampedTrendETS",
    "LinearTrend",
    "LocalLinearTrend",
    "NoModelError",
    "Scale",
    "SeasonalTrend",
    "SeriesData",
    "TrendResult",
    "widening",
    "estimate",
    "future_periods",
    "newey_west_lags",
    "prepare",
    "rolling_origin",
    "year_on_year",
]
