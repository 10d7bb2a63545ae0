"""Model classes (statsmodels style), rolling-origin backtest and the :func:`estimate` entry point.

Choices, with reasons
---------------------
* Real time: every model works on decimal years (``periods.to_decimal_year``), so sparse
  published points (2013, 2014, 2016, 2021) get the right slope. The state-space models
  (ETS, local linear trend) assume equally spaced observations and are only offered when the
  periods have no gaps.
* Short series: fewer than :data:`MIN_POINTS` (4) observations → no model; fewer than
  :data:`MIN_POINTS_FULL` (8) or gaps → the straight line only (two parameters is all a short
  series can support). Quarterly series need two full years (8 quarters) for STL.
* Model choice: the rolling-origin backtest decides, because
  AICc values are not comparable across families here: the local linear trend's likelihood
  leaves out its diffuse first observations. A model other than the line must beat the line's
  MASE by more than :data:`PARSIMONY_MARGIN` (10%) to be chosen — with 8–20 points, small
  backtest differences are noise. Both numbers are always reported in ``TrendResult.candidates``.
* Backtest: the last :data:`MAX_ORIGINS` origins, horizons up to 3 years (4 quarters), every
  model refitted on each training window (warm-started from the full fit to keep it fast).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Any, Literal

import numpy as np
import pandas as pd

from techmonitor.errors import ParameterError, ShareOutOfRangeError
from techmonitor.periods import year_before
from techmonitor.trends._data import SeriesData, prepare
from techmonitor.trends.models import (
    Core,
    fit_binomial,
    fit_ets,
    fit_llt,
    fit_ols,
)
from techmonitor.trends.result import Backtest, Scale, TrendResult
from techmonitor.trends.seasonal import fit_seasonal
from techmonitor.trends.widening import active_table

MIN_POINTS = 4
MIN_POINTS_FULL = 8
MIN_QUARTERS = 8
PARSIMONY_MARGIN = 0.10
MAX_ORIGINS = 3
HORIZON_ANNUAL = 3
HORIZON_QUARTERLY = 4
DEFAULT_WINDOW = 20

Kind = Literal["count", "share", "quarterly"]
FitCore = Callable[[SeriesData], Core]

_FIT_ERRORS = (ValueError, np.linalg.LinAlgError, FloatingPointError, IndexError, ZeroDivisionError)


# ------------------------------------------------------------------------------- backtest
def rolling_origin(
    series: SeriesData,
    fit_core: FitCore,
    scale: Scale,
    min_train: int,
    horizon: int = HORIZON_ANNUAL,
    max_origins: int = MAX_ORIGINS,
    seasonal_lag: int = 1,
) -> Backtest | None:
    """Rolling-origin backtest: refit on the first k points, forecast the next ``horizon``.

    Parameters
    ----------
    series
        The observations.
    fit_core
        Function fitting a core on a :class:`SeriesData`.
    scale
        Model scale; errors and coverage are measured on the indicator's own scale.
    min_train
        Smallest training window.
    horizon, max_origins
        Forecast horizon (periods) and number of origins (the latest ones).
    seasonal_lag
        Lag of the naive forecast that scales the MASE (4 for quarterly series).

    Returns
    -------
    Backtest or None
        ``None`` when the series is too short for a single origin or a fit fails.
    """
    n = series.n
    first = max(min_train, n - max_origins)
    if first >= n:
        return None
    y = series.y
    naive = np.abs(y[seasonal_lag:] - y[:-seasonal_lag])
    mae_naive = float(np.mean(naive)) if len(naive) else math.nan
    errors: list[float] = []
    hit80: list[bool] = []
    hit95: list[bool] = []
    origins: list[str] = []
    from scipy import stats

    for k in range(first, n):
        train = series.head(k)
        try:
            core = fit_core(train)
            idx = np.arange(k, min(k + horizon, n))
            pred = core.predict(series.t[idx])
        except _FIT_ERRORS:
            return None
        origins.append(series.periods[k - 1])
        for level, hits in ((0.80, hit80), (0.95, hit95)):
            p = 0.5 + level / 2
            q = float(stats.norm.ppf(p) if pred.df is None else stats.t.ppf(p, pred.df))
            lo = scale.inv(pred.mean - q * pred.se)
            hi = scale.inv(pred.mean + q * pred.se)
            hits.extend(((y[idx] >= lo) & (y[idx] <= hi)).tolist())
        errors.extend(np.abs(y[idx] - scale.inv(pred.mean)).tolist())
    mae = float(np.mean(errors))
    mase = mae / mae_naive if mae_naive > 0 else math.nan
    return Backtest(
        mase=mase,
        coverage80=float(np.mean(hit80)),
        coverage95=float(np.mean(hit95)),
        n_forecasts=len(errors),
        origins=tuple(origins),
        horizon=horizon,
    )


# ---------------------------------------------------------------------------------- helpers
def year_on_year(series: SeriesData) -> dict[str, Any] | None:
    """Latest quarter against the same quarter a year earlier (raw values; comparing the same
    quarter removes the seasonal pattern without a model). ``None`` if that quarter is missing."""
    if series.period_kind != "quarter" or series.n == 0:
        return None
    last = series.periods[-1]
    prev = year_before(last)
    if prev not in series.periods:
        return None
    v = float(series.y[-1])
    pv = float(series.y[series.periods.index(prev)])
    return {
        "period": last,
        "value": v,
        "previous_period": prev,
        "previous_value": pv,
        "change": v - pv,
        "pct_change": 100.0 * (v - pv) / pv if pv != 0 else math.nan,
    }

#: the values a share may take (percent): the share model refuses a series outside them
SHARE_RANGE = (0.0, 100.0)


def _no_model(
    kind: str, series: SeriesData, scale: Scale, code: str, reason: str, **kw: Any
) -> TrendResult:
    return TrendResult(
        kind=kind, data=series, scale=scale, reason=reason, reason_code=code, **kw
    )


# --------------------------------------------------------------------------------- estimate
def estimate(
    data: Any,
    kind: Kind = "count",
    target_period: str | None = None,
    numerator: Any = None,
    denominator: Any = None,
    vintage: str | None = None,
    window: int = DEFAULT_WINDOW,
    calibrated: bool = True,
) -> TrendResult:
    """Estimate the trend of one indicator series: the entry point for reports.

    Parameters
    ----------
    data
        DataFrame from the data layer (``period``, ``value``, ``status``, ``vintage``,
        ``source``) or a Series indexed by period code.
    kind
        ``"count"`` (annual or school-year counts), ``"share"`` (0–100, fitted on the logit scale
        or, with ``numerator``/``denominator``, as a quasi-binomial GLM) or ``"quarterly"``
        (checked seasonal adjustment, :mod:`techmonitor.trends.seasonal`, + linear trend with
        COVID dummies; also year-on-year change).
    target_period
        Period of the target, if any; stored as ``result.target_period`` and used as the
        default end of :meth:`TrendResult.forecast`.
    numerator, denominator
        Counts behind a share (Series by period, or arrays aligned with ``data``'s rows).
    vintage
        Vintage to fit; default the latest. The others are listed in ``result.excluded``.
    window
        Quarterly series: number of latest adjusted quarters the trend line is fitted to.
    calibrated
        Attach the committed calibration table (:func:`~techmonitor.trends.widening.
        active_table`), so forecasts, bands and probabilities use the calibrated predictive
        distribution (default). ``False`` gives the models' textbook intervals.

    Returns
    -------
    TrendResult
        Always returned; without a model when the series is too short (``reason`` says why).

    Raises
    ------
    ParameterError
        Unknown ``kind``, a quarterly ``window`` below 4, or quarter codes with a
        non-quarterly kind.
    DataValidationError
        Invalid data (see :func:`~techmonitor.trends._data.prepare`), shares outside 0–100.
    """
    if kind not in ("count", "share", "quarterly"):
        raise ParameterError(f"kind={kind!r}; use 'count', 'share' or 'quarterly'")
    if window < MIN_POINTS:
        raise ParameterError(f"window={window} must be at least {MIN_POINTS} quarters")
    if kind != "share" and numerator is not None:
        raise ParameterError("numerator/denominator are only used with kind='share'")
    series = prepare(data, vintage, numerator, denominator)
    if series.n and series.period_kind == "quarter" and kind != "quarterly":
        raise ParameterError(f"kind={kind!r} but the periods are quarters; use kind='quarterly'")
    if kind == "quarterly" and series.n and series.period_kind != "quarter":
        raise ParameterError("kind='quarterly' needs quarter periods such as 2023Q2")
    low, high = SHARE_RANGE
    if kind == "share" and np.any((series.y < low) | (series.y > high)):
        outside = tuple((str(p), float(v)) for p, v in zip(series.periods, series.y, strict=True)
                        if not low <= v <= high)
        raise ShareOutOfRangeError("kind='share': values must lie between 0 and 100",
                                   [f"period {p}: value {v:g}" for p, v in outside], outside)

    # Not cached here: the report layer memoises whole analysed items (one cache layer,
    # :mod:`techmonitor.report.store`), and every call returns a result of its own.
    result = _estimate(series, kind, window)
    result.target_period = target_period
    # the calibrated predictive distribution (data/calibration.json, read once per process)
    result.calibration = active_table() if calibrated else None
    return result


def _estimate(series: SeriesData, kind: str, window: int) -> TrendResult:
    n = series.n
    scale = Scale("logit" if kind == "share" else "identity")
    if kind == "quarterly":
        yoy = year_on_year(series)
        if n < MIN_QUARTERS:
            return _no_model(
                kind, series, scale, "too_short_seasonal" if n >= MIN_POINTS else "too_short",
                f"{n} quarters; at least {MIN_QUARTERS} (two full years) are needed for "
                "seasonal adjustment",
                yoy=yoy,
            )
        if not series.regular:
            return _no_model(
                kind, series, scale, "gaps_in_quarters",
                "the quarterly series has gaps; seasonal adjustment needs consecutive quarters",
                yoy=yoy,
            )
        return _seasonal(series, window, yoy)

    if n < MIN_POINTS:
        return _no_model(
            kind, series, scale, "too_short",
            f"{n} observation(s); at least {MIN_POINTS} are needed for a trend",
        )

    use_binomial = series.numerator is not None
    fitters: dict[str, FitCore] = {}
    if use_binomial:
        fitters["binomial"] = lambda s: fit_binomial(
            s.numerator, s.denominator, s.t  # type: ignore[arg-type]
        )
    else:
        fitters["linear"] = lambda s: fit_ols(scale.fwd(s.y), s.t)
    reason = code = None
    if n < MIN_POINTS_FULL:
        code = "short_linear_only"
        reason = f"{n} observations (< {MIN_POINTS_FULL}): only the linear trend is fitted"
    elif not series.regular:
        code = "irregular_linear_only"
        reason = "irregularly spaced periods: only the linear trend on real time is fitted"
    else:
        fitters["ets_damped"] = lambda s: fit_ets(scale.fwd(s.y), s.t, s.step)
        fitters["local_linear_trend"] = lambda s: fit_llt(scale.fwd(s.y), s.t, s.step)
    min_train = MIN_POINTS if len(fitters) == 1 else 6

    fits: list[tuple[str, Core | None, Backtest | None]] = []
    messages: list[str] = []
    for name, fitter in fitters.items():
        try:
            core = fitter(series)
        except _FIT_ERRORS as exc:
            messages.append(f"{name}: fit failed ({exc})")
            fits.append((name, None, None))
            continue
        messages.extend(f"{name}: {m}" for m in core.messages)
        params = np.asarray(core.params)
        warm: FitCore = fitter
        if name in ("ets_damped", "local_linear_trend"):
            # warm start from the full-sample estimate: same optimum region, far fewer steps
            warm = partial(_warm_fit, fit_ets if name == "ets_damped" else fit_llt, scale, params)
        bt = rolling_origin(series, warm, scale, min_train=min_train)
        fits.append((name, core, bt))

    linear_name = "binomial" if use_binomial else "linear"
    lin_core = fits[0][1]
    if lin_core is None:
        return _no_model(kind, series, scale, "fit_failed", "the linear trend could not be fitted",
                         messages=messages)
    chosen, how = _choose(fits, linear_name)
    core_chosen, bt_chosen = next((c, b) for nm, c, b in fits if nm == chosen)
    return TrendResult(
        kind=kind,
        data=series,
        core=core_chosen,
        linear=lin_core,  # type: ignore[arg-type]
        scale=scale,
        reason=reason,
        reason_code=code,
        backtest=bt_chosen,
        candidates=_candidate_frame(fits, chosen),
        selection=how,
        messages=messages,
    )


def _seasonal(series: SeriesData, window: int, yoy: dict[str, Any] | None) -> TrendResult:
    """Quarterly series: seasonal adjustment, then a line through the last ``window`` adjusted
    quarters, backtested with the seasonal naive forecast (lag 4) as the MASE scale."""
    def fit(s: SeriesData) -> Core:
        return fit_seasonal(s.y, s.t, window)

    core = fit(series)
    bt = rolling_origin(series, fit, Scale("identity"), min_train=MIN_QUARTERS,
                        horizon=HORIZON_QUARTERLY, seasonal_lag=4)
    return TrendResult(
        kind="quarterly",
        data=series,
        core=core,
        linear=core,  # type: ignore[arg-type]
        backtest=bt,
        candidates=_candidate_frame([("stl_linear", core, bt)], "stl_linear"),
        selection=f"checked STL adjustment + linear trend of the last {min(window, series.n)} "
        "adjusted quarters",
        messages=list(core.messages),
        yoy=yoy,
    )


def _warm_fit(
    fit: Callable[..., Core], scale: Scale, params: np.ndarray, s: SeriesData
) -> Core:
    return fit(scale.fwd(s.y), s.t, s.step, params)


def _choose(
    fits: list[tuple[str, Core | None, Backtest | None]], linear_name: str
) -> tuple[str, str]:
    ok = [(nm, c, b) for nm, c, b in fits if c is not None and c.converged]
    if len(fits) == 1 or len(ok) <= 1:
        return linear_name, "only the linear trend was eligible"
    lin_bt = next(b for nm, _, b in fits if nm == linear_name)
    scored = [(nm, b.mase) for nm, _, b in ok if b is not None and np.isfinite(b.mase)]
    if lin_bt is None or not np.isfinite(lin_bt.mase) or not scored:
        return linear_name, "backtest not available; linear trend by default"
    best, best_mase = min(scored, key=lambda x: x[1])
    if best != linear_name and best_mase < (1 - PARSIMONY_MARGIN) * lin_bt.mase:
        return best, (
            f"lowest backtest MASE ({best_mase:.3f} vs {lin_bt.mase:.3f} for the line; "
            f"needs to beat the line by {PARSIMONY_MARGIN:.0%})"
        )
    return linear_name, (
        f"linear trend: no candidate beat its backtest MASE ({lin_bt.mase:.3f}) by "
        f"{PARSIMONY_MARGIN:.0%}"
    )


def _candidate_frame(
    fits: list[tuple[str, Core | None, Backtest | None]], chosen: str
) -> pd.DataFrame:
    rows = []
    for nm, c, b in fits:
        rows.append(
            {
                "model": nm,
                "ic": None if c is None else float(c.ic),
                "mase": None if b is None else b.mase,
                "coverage80": None if b is None else b.coverage80,
                "coverage95": None if b is None else b.coverage95,
                "n_forecasts": 0 if b is None else b.n_forecasts,
                "converged": False if c is None else bool(c.converged),
                "chosen": nm == chosen,
            }
        )
    return pd.DataFrame(rows)
