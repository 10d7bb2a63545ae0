"""A trend across a definition break: a line on time with a level shift at the break.

Two vintages of one indicator (e.g. hbo first-years under DUO's 2015-2019 and current
definitions) measure different things; a trend may only cross the break if the model lets the
level jump there. :func:`level_shift` fits ``value = a + b (t - t_mean) + d · step`` by OLS,
``step`` 0 before the break and 1 from it: ``b`` is the slope per year both vintages share,
``d`` the shift the change of definition made. With fewer than :data:`MIN_SIDE` points on a
side the slope and shift are weakly identified (``weak``): the caller should then fit the
newest vintage alone with :func:`~techmonitor.trends.estimate` and say so.

Why no calibrated bands: the committed calibration table was learned by backtesting
:func:`~techmonitor.trends.estimate` on one vintage at a time; a model with a step was never
backtested, so its bands would borrow a calibration that was not measured for it. Projections
come from the newest vintage alone (calibrated); this fit states the slope and the shift with
their textbook 95% intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats
from statsmodels.regression.linear_model import OLS

from techmonitor.errors import DataValidationError, ParameterError
from techmonitor.periods import to_decimal_year
from techmonitor.trends._data import prepare
from techmonitor.trends.models import quiet
from techmonitor.trends.result import FitWindow

#: Fewest points on each side of the break for a slope and shift that rest on both sides.
MIN_SIDE = 3


@dataclass(frozen=True)
class BreakFit:
    """Line with a level shift at a known break.

    Attributes
    ----------
    break_period
        First period of the new definition (the step is 1 from here on).
    slope, slope_ci95
        Change per year shared by both sides, with its 95% interval (t distribution).
    shift, shift_ci95
        Jump of the level at the break (new minus old definition), with its 95% interval.
    n_before, n_after
        Points before and from the break.
    weak
        True when a side has fewer than :data:`MIN_SIDE` points: slope and shift are weakly
        identified; fit the newest side alone instead.
    window
        Periods fitted (first, last, number of points).
    df_resid
        Residual degrees of freedom (``n - 3``).
    vintages
        Vintage before and from the break, when the input names them.
    """

    break_period: str
    slope: float
    slope_ci95: tuple[float, float]
    shift: float
    shift_ci95: tuple[float, float]
    n_before: int
    n_after: int
    weak: bool
    window: FitWindow
    df_resid: float
    vintages: tuple[str | None, str | None] = (None, None)


def level_shift(data: Any, break_period: str | None = None) -> BreakFit:
    """Fit a line with a step at the break (OLS, classical standard errors).

    Parameters
    ----------
    data
        DataFrame with ``period``, ``value`` and ``vintage`` (two vintages; the break is the
        first period of the newest), or with ``period``/``value`` and an explicit
        ``break_period``.
    break_period
        First period of the new definition; default the first period of the newest vintage.

    Returns
    -------
    BreakFit

    Raises
    ------
    ParameterError
        No break given and fewer or more than two vintages; a break outside the data.
    DataValidationError
        Fewer than 4 points (a line and a step need at least one residual degree of freedom),
        or two values for one period.
    """
    frame = data.copy() if hasattr(data, "columns") else None
    vintages: tuple[str | None, str | None] = (None, None)
    if frame is not None and "vintage" in frame.columns:
        order = list(dict.fromkeys(frame.sort_values("period", key=lambda p: p.map(
            _sort_key))["vintage"].dropna().astype(str)))
        if break_period is None:
            if len(order) != 2:
                raise ParameterError(
                    f"level_shift: the data hold {len(order)} vintage(s) ({', '.join(order)}); "
                    "give two vintages or a break_period")
            new = frame[frame["vintage"].astype(str) == order[1]]["period"].astype(str)
            break_period = min(new, key=_sort_key)
        if len(order) == 2:
            vintages = (order[0], order[1])
        # one series of two definitions: the step models the change, so both are fitted
        frame = frame.assign(vintage="joined")
    if break_period is None:
        raise ParameterError("level_shift: give break_period, or data with a vintage column")
    s = prepare(frame if frame is not None else data, vintage=None)
    t_break = _sort_key(break_period)
    step = (s.t >= t_break - 1e-9).astype(float)
    n_after, n = int(step.sum()), s.n
    if n_after in (0, n):
        raise ParameterError(f"level_shift: break {break_period} leaves no point on one side "
                             f"({s.periods[0]}–{s.periods[-1]})")
    if n < 4:
        raise DataValidationError(f"level_shift: {n} points; a line with a step needs at "
                                  "least 4")
    x = np.column_stack([np.ones(n), s.t - s.t.mean(), step])
    messages: list[str] = []
    with quiet(messages):
        res = OLS(s.y, x).fit()
    params, bse = np.asarray(res.params), np.asarray(res.bse)
    q = float(stats.t.ppf(0.975, res.df_resid))

    def ci(i: int) -> tuple[float, float]:
        return (float(params[i] - q * bse[i]), float(params[i] + q * bse[i]))

    return BreakFit(
        break_period=str(break_period),
        slope=float(params[1]), slope_ci95=ci(1),
        shift=float(params[2]), shift_ci95=ci(2),
        n_before=n - n_after, n_after=n_after,
        weak=min(n - n_after, n_after) < MIN_SIDE,
        window=FitWindow(s.periods[0], s.periods[-1], n),
        df_resid=float(res.df_resid),
        vintages=vintages,
    )


def _sort_key(period: Any) -> float:
    try:
        return to_decimal_year(str(period))
    except ValueError as exc:
        raise ParameterError(f"level_shift: {exc}") from None
