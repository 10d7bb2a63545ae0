"""The predictive distribution of a fitted trend at new times, on the model scale.

The model's own (textbook) distribution, or the calibrated one of the result's table
(:mod:`techmonitor.trends.widening`): a damped centre that starts between the model's trend
level and the last observed level, and around it the model's standard error times the learned
shape's quantiles. This module also reads quantiles and tail probabilities off a
:class:`~techmonitor.trends.models.Prediction` (learned shape or t distribution), so bands and
probabilities of exceeding a value use one distribution.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from scipy import stats

from techmonitor.trends._data import Scale, SeriesData
from techmonitor.trends.models import Core, Prediction
from techmonitor.trends.seasonal import SeasonalCore
from techmonitor.trends.widening import SHAPE_PROBS, CalibrationTable


class Fitted(Protocol):
    """What a prediction needs of a trend estimate
    (:class:`~techmonitor.trends.result.TrendResult` offers it; a protocol keeps this module
    free of an import of the result, which itself predicts through this module)."""

    kind: str
    data: SeriesData
    scale: Scale
    calibration: CalibrationTable | None

    @property
    def n(self) -> int: ...

    def require_model(self) -> Core: ...


def horizons(result: Fitted, t_new: np.ndarray) -> np.ndarray:
    """Horizon of each time in periods after the last observation (years; quarters for
    quarterly series); zero or negative inside the data."""
    t_last = float(result.data.t[-1])
    return (np.asarray(t_new, float) - t_last) / result.data.step


def trend_origin(result: Fitted) -> float:
    """Level of the projected trend at the last observation (model scale, seasonally
    adjusted): the mean one period ahead minus the step from one to two periods ahead.

    For the straight-line models this is the fitted line at the last observation; for the
    state-space models it extrapolates their first projected step back. The damped centre
    of the calibrated distribution (:func:`predict`) shrinks the projected change from
    this level.

    Raises
    ------
    NoModelError
        If the result has no fitted model.
    """
    core = result.require_model()
    t_last = float(result.data.t[-1])
    t12 = t_last + result.data.step * np.array([1.0, 2.0])
    if isinstance(core, SeasonalCore):
        m = core.predict(t12, adjusted=True).mean
    else:
        m = core.predict(t12).mean
    return float(2.0 * m[0] - m[1])


def last_level(result: Fitted) -> float:
    """Last observed level on the model scale: the last value; for quarterly series the
    mean of the last four quarters (a level free of the seasonal pattern)."""
    y = np.asarray(result.data.y, float)
    if result.kind == "quarterly":
        return float(np.mean(result.scale.fwd(y[-4:])))
    return float(result.scale.fwd(y[-1:])[0])


def predict(
    result: Fitted, t_new: np.ndarray, *, calibrated: bool = True, adjusted: bool = False
) -> Prediction:
    """Predictive distribution of new observations at real times ``t_new`` (model scale).

    Parameters
    ----------
    result
        A trend estimate with a fitted model.
    t_new
        Decimal years.
    calibrated
        The calibrated predictive distribution (``result.calibration``): the centre starts at
        ``(1 − α)`` × :func:`trend_origin` + ``α`` × :func:`last_level` and keeps the
        share ``D(h) / h`` of the model's projected change (see
        :meth:`~techmonitor.trends.widening.CalibrationTable.trend_share`); around it the
        model's standard error times the learned shape's quantiles of this kind and horizon.
        ``False`` (or a result without a table) gives the model's own (textbook) distribution.
    adjusted
        Quarterly series: the seasonally adjusted level.

    Returns
    -------
    Prediction
        Mean and standard error on the model scale and the degrees of freedom of the t
        distribution (``None``: normal); ``(z - mean) / se`` follows that distribution.

    Raises
    ------
    NoModelError
        If the result has no fitted model.
    """
    core = result.require_model()
    t_new = np.asarray(t_new, float)
    if isinstance(core, SeasonalCore):
        pred = core.predict(t_new, adjusted=adjusted)
    else:
        pred = core.predict(t_new)
    table = result.calibration
    if not calibrated or table is None:
        return pred
    h = horizons(result, t_new)
    mean = pred.mean
    if table.adjusts_centre:
        # the calibrated centre: a start level between the model's trend level and the
        # last observed level, plus the kept share of the model's projected (seasonally
        # adjusted) change; seasonal effects stay
        keep = table.trend_share(result.kind, h, result.n)
        alpha = table.alpha(result.kind, result.n)
        trend = (core.predict(t_new, adjusted=True).mean
                 if isinstance(core, SeasonalCore) and not adjusted else pred.mean)
        m0 = trend_origin(result)
        shift = alpha * (last_level(result) - m0) * (h > 0)
        mean = pred.mean - (trend - m0) * (1.0 - keep) + shift
    se = pred.se
    r = table.floor(result.kind, result.n)
    if r > 0.0 and result.scale.name == "identity":
        se = np.where(h > 0, np.maximum(se, r * abs(last_level(result))), se)
    # the learned shape (every kind of a loaded table has one): quantiles of the
    # standardized backtest errors ahead; the model's own t distribution inside the data
    rows = table.shape_rows(result.kind, h, result.n)
    own = np.array([_quantile(p, pred.df) for p in SHAPE_PROBS])
    rows[h <= 0] = own
    return Prediction(mean, se, pred.df, rows)


def ppf(pred: Prediction, p: float) -> np.ndarray:
    """The ``p`` quantile of the standardized predictive distribution of each time: the
    learned shape's (:attr:`Prediction.shape`) or the t distribution's."""
    if pred.shape is not None:
        return shape_ppf(pred.shape, p)
    return np.full(len(np.atleast_1d(pred.mean)), _quantile(p, pred.df))


def sf(pred: Prediction, score: float) -> float:
    """``P(standardized error >= score)`` at the first time of ``pred``: under the learned
    shape (:func:`shape_sf`) or the t distribution."""
    if pred.shape is not None:
        return float(shape_sf(pred.shape[:1], np.array([score]))[0])
    return float(stats.norm.sf(score) if pred.df is None else stats.t.sf(score, pred.df))


def shape_ppf(rows: np.ndarray, p: float) -> np.ndarray:
    """The ``p`` quantile of each row's learned distribution (linear between the stored
    probabilities; ``p`` must lie within the outer ones)."""
    probs = np.asarray(SHAPE_PROBS)
    if not probs[0] <= p <= probs[-1]:
        raise ValueError(f"p={p} outside the stored probabilities {probs[0]}–{probs[-1]}")
    return np.array([np.interp(p, probs, r) for r in np.atleast_2d(rows)])


def shape_sf(rows: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``P(score >= x)`` under each row's learned distribution (linear between the stored
    quantiles; 0.999 below the lowest, 0.001 above the highest)."""
    probs = np.asarray(SHAPE_PROBS)
    xs = np.atleast_1d(np.asarray(x, dtype=float))
    out = np.empty(len(xs))
    for i, (r, v) in enumerate(zip(np.atleast_2d(rows), xs, strict=True)):
        if np.isnan(v):
            out[i] = np.nan
            continue
        # equal quantiles (an atom): the probability just below it
        cdf = np.interp(v, r, probs, left=probs[0], right=probs[-1])
        if np.any(r == v):
            cdf = float(probs[np.argmax(r == v)])
        out[i] = 1.0 - cdf
    return out


def _quantile(p: float, df: float | None) -> float:
    return float(stats.norm.ppf(p) if df is None else stats.t.ppf(p, df))
