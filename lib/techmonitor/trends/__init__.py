"""Trend estimation for indicator series (statsmodels): what reports run.

Use :func:`estimate`; it returns a :class:`TrendResult` with the calibrated bands of the
committed table (:mod:`techmonitor.trends.widening`). The offline study that learns that table
lives apart, in :mod:`techmonitor.calibration`.
"""

from techmonitor.trends import widening
from techmonitor.trends._data import SeriesData, prepare
from techmonitor.trends.breaks import BreakFit, level_shift
from techmonitor.trends.estimate import (
    DEFAULT_WINDOW,
    MIN_POINTS,
    MIN_POINTS_FULL,
    MIN_QUARTERS,
    SHARE_RANGE,
    estimate,
    rolling_origin,
    year_on_year,
)
from techmonitor.trends.models import newey_west_lags
from techmonitor.trends.result import (
    Backtest,
    FitWindow,
    NoModelError,
    Scale,
    TrendResult,
    future_periods,
)
from techmonitor.trends.seasonal import CovidHandling, SeasonalCheck

__all__ = [
    "DEFAULT_WINDOW",
    "MIN_POINTS",
    "MIN_POINTS_FULL",
    "MIN_QUARTERS",
    "SHARE_RANGE",
    "Backtest",
    "BreakFit",
    "CovidHandling",
    "FitWindow",
    "NoModelError",
    "Scale",
    "SeasonalCheck",
    "SeriesData",
    "TrendResult",
    "widening",
    "estimate",
    "future_periods",
    "level_shift",
    "newey_west_lags",
    "prepare",
    "rolling_origin",
    "year_on_year",
]
