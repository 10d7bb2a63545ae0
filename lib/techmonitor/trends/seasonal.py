"""Quarterly series: a checked seasonal adjustment, then a line through the latest quarters.

Why this method
---------------
Robust STL (period 4) with a seasonal smoother far longer than any series (``seasonal`` =
:data:`SEASONAL_SPAN` years, degree 0), on the log of the values when they are all positive:
the seasonal pattern is then one fixed factor per quarter (a percentage, so it scales with a
level that quadrupled since 1997), while robust weights keep outliers such as the COVID dip out
of it. STL's default smoother (7 years, free to drift) let the Q1 effect of the vacancy series
swing from +3,179 to -51,925 and made the adjusted series move more from quarter to quarter
than the raw one. An unobserved-components model with a fixed seasonal and COVID dummies would
do the same job; STL needs no likelihood fit, so the rolling-origin backtest stays cheap.

The adjustment is checked (:class:`SeasonalCheck`): the adjusted series must move less from
quarter to quarter than the raw one (mean absolute change) and each quarter's factor must keep
its sign and stay within :data:`FACTOR_BAND` of the mean seasonal amplitude. Both the
multiplicative and the additive variant are checked; of those that pass, the smoother one is
used. When none passes the result has no adjusted series (``TrendResult.adjusted`` is ``None``)
and the check says why; the trend line then still runs through the first variant's adjusted
values (a fixed pattern, as quarter dummies in a regression would give), but the report shows
no adjusted series.

COVID quarters (:data:`COVID_QUARTERS`, 2020Q2-2021Q2: the first lockdown to the end of the
second one, when vacancies first collapsed and then rebounded) get one intervention dummy each
in the trend line, which is the same as leaving them out of the line's fit; the seasonal
pattern is protected by STL's robust weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from statsmodels.tsa.seasonal import STL

from techmonitor.periods import to_decimal_year
from techmonitor.trends.models import OLSCore, Prediction, fit_ols, quiet

#: Length (in years) of STL's seasonal smoother: longer than any series, so the seasonal
#: pattern is nearly fixed (odd, as STL requires).
SEASONAL_SPAN = 101
#: Each quarter's seasonal factor may vary by at most this share of the mean seasonal
#: amplitude (mean over the quarters of the absolute mean factor) over the series.
FACTOR_BAND = 0.25
#: COVID quarters that get an intervention dummy in the trend line (inclusive).
COVID_QUARTERS = ("2020Q2", "2021Q2")
#: The seasonal effect of a quarter is estimated from many years, but the years are not
#: independent (robust weights, a drifting level): its variance is taken as the residual
#: variance over this many years, a conservative number kept from the earlier STL method.
SEASONAL_EFFECTIVE_YEARS = 3.5
#: Fewest non-COVID quarters the line keeps; below it the COVID quarters stay in the fit.
MIN_LINE_POINTS = 4


@dataclass(frozen=True)
class SeasonalCheck:
    """Outcome of the seasonal-adjustment check.

    Attributes
    ----------
    passed
        True when the adjusted series may be shown.
    method
        ``"stl_multiplicative"`` or ``"stl_additive"``: the adjustment checked last (the
        one used when ``passed``).
    raw_qoq, adjusted_qoq
        Mean absolute quarter-on-quarter change of the raw and the adjusted series.
    factors
        Per quarter (1-4): ``(min, max)`` of its seasonal factor over the series (a ratio for
        the multiplicative method, a value in the series' unit for the additive one).
    band
        :data:`FACTOR_BAND`.
    reason
        Why the check failed (English), else ``None``.
    """

    passed: bool
    method: str
    raw_qoq: float
    adjusted_qoq: float
    factors: dict[int, tuple[float, float]]
    band: float = FACTOR_BAND
    reason: str | None = None


@dataclass(frozen=True)
class CovidHandling:
    """How COVID quarters entered the trend line.

    ``method``: ``"dummies"`` (one intervention dummy per COVID quarter in the window, i.e.
    left out of the line's fit), ``"outside_window"`` (no COVID quarter in the window) or
    ``"kept"`` (too few other quarters: fitted as observed). ``quarters``: the COVID quarters
    inside the window.
    """

    method: str
    quarters: tuple[str, ...] = ()


def _quarter(t: np.ndarray) -> np.ndarray:
    return (np.rint((np.asarray(t, float) % 1 - 0.125) * 4).astype(int) % 4) + 1


def covid_mask(t: np.ndarray) -> np.ndarray:
    """True for the quarters within :data:`COVID_QUARTERS`."""
    lo, hi = (to_decimal_year(p) for p in COVID_QUARTERS)
    t = np.asarray(t, float)
    return (t >= lo - 1e-9) & (t <= hi + 1e-9)


def check_adjustment(raw: np.ndarray, adjusted: np.ndarray, factors: np.ndarray,
                     t: np.ndarray, method: str) -> SeasonalCheck:
    """Check an adjustment: smoother than the raw series, stable factors that keep their sign.

    Parameters
    ----------
    raw, adjusted
        The series before and after adjustment (same unit).
    factors
        Seasonal factor of every quarter (log ratio or value; zero means no effect).
    t
        Decimal years (to find each quarter).
    method
        Name stored in the result.
    """
    raw_qoq = float(np.mean(np.abs(np.diff(raw))))
    adj_qoq = float(np.mean(np.abs(np.diff(adjusted))))
    q = _quarter(t)
    shown = np.expm1(factors) if method == "stl_multiplicative" else np.asarray(factors, float)
    per_q = {int(k): shown[q == k] for k in range(1, 5) if np.any(q == k)}
    amplitude = float(np.mean([abs(v.mean()) for v in per_q.values()]))
    ranges = {k: (float(v.min()), float(v.max())) for k, v in per_q.items()}
    problems: list[str] = []
    if not adj_qoq < raw_qoq:
        problems.append(f"the adjusted series moves more from quarter to quarter than the raw "
                        f"one ({adj_qoq:.4g} vs {raw_qoq:.4g})")
    for k, (lo, hi) in ranges.items():
        if lo < 0 < hi:
            problems.append(f"the Q{k} factor changes sign ({lo:.3g} to {hi:.3g})")
        elif hi - lo > FACTOR_BAND * amplitude:
            problems.append(f"the Q{k} factor varies by {hi - lo:.3g}, more than "
                            f"{FACTOR_BAND:.0%} of the mean seasonal amplitude {amplitude:.3g}")
    return SeasonalCheck(not problems, method, raw_qoq, adj_qoq, ranges, FACTOR_BAND,
                         "; ".join(problems) or None)


def adjust(y: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, SeasonalCheck]:
    """Seasonally adjust a quarterly series with robust STL and a nearly fixed pattern,
    multiplicative (all values positive) and additive; of those that pass the check the one
    whose adjusted series moves least from quarter to quarter.

    Returns
    -------
    adjusted, check
        The chosen adjusted series and its check; when none passes, the first method's, with
        every method's reason.
    """
    y = np.asarray(y, float)
    methods = (["stl_multiplicative"] if np.all(y > 0) else []) + ["stl_additive"]
    tried: list[tuple[np.ndarray, SeasonalCheck]] = []
    for method in methods:
        z = np.log(y) if method == "stl_multiplicative" else y
        stl = STL(z, period=4, seasonal=SEASONAL_SPAN, seasonal_deg=0, robust=True).fit()
        s = np.asarray(stl.seasonal)
        adjusted = np.exp(z - s) if method == "stl_multiplicative" else z - s
        tried.append((adjusted, check_adjustment(y, adjusted, s, t, method)))
    passed = [a for a in tried if a[1].passed]
    if passed:
        return min(passed, key=lambda a: a[1].adjusted_qoq)
    adjusted, first = tried[0]
    reason = "; ".join(f"{c.method}: {c.reason}" for _, c in tried)
    return adjusted, SeasonalCheck(False, first.method, first.raw_qoq, first.adjusted_qoq,
                                   first.factors, first.band, reason)


@dataclass
class SeasonalCore:
    """Checked seasonal adjustment (:func:`adjust`), then an OLS/HAC line through the last
    ``window`` adjusted quarters with COVID quarters dummied out (:class:`CovidHandling`).

    Forecasts of the *unadjusted* series add the latest seasonal effect of the same quarter
    (in the series' unit) to the projected trend. The seasonal effect is itself an estimate:
    its variance is approximated as the residual variance over
    :data:`SEASONAL_EFFECTIVE_YEARS` years and added to the predictive variance.
    """

    linear: OLSCore
    seasonal: np.ndarray
    adjusted: np.ndarray
    t: np.ndarray
    window: int
    fitted: np.ndarray
    check: SeasonalCheck
    covid: CovidHandling
    in_line: np.ndarray
    name: str = "stl_linear"
    converged: bool = True
    messages: list[str] = field(default_factory=list)

    @property
    def params(self) -> pd.Series:
        return self.linear.params

    @property
    def ic(self) -> float:
        return self.linear.ic

    def seasonal_effect(self, t_new: np.ndarray) -> np.ndarray:
        """Latest estimated seasonal effect of the quarter each time falls in."""
        lookup = dict(zip(_quarter(self.t[-4:]).tolist(), self.seasonal[-4:].tolist(),
                          strict=True))
        return np.array([lookup[q] for q in _quarter(t_new).tolist()], dtype=float)

    def predict(self, t_new: np.ndarray, adjusted: bool = False) -> Prediction:
        p = self.linear.predict(t_new)
        if adjusted:
            return p
        se = np.sqrt(p.se**2 + self.linear.sigma2 / SEASONAL_EFFECTIVE_YEARS)
        return Prediction(p.mean + self.seasonal_effect(t_new), se, p.df)


def fit_seasonal(z: np.ndarray, t: np.ndarray, window: int = 20) -> SeasonalCore:
    """Adjust a quarterly series (:func:`adjust`) and fit a linear trend to the last ``window``
    adjusted quarters (the trend of a cyclical series over decades is not a line), one
    intervention dummy per COVID quarter among them."""
    messages: list[str] = []
    z = np.asarray(z, float)
    t = np.asarray(t, float)
    with quiet(messages):
        adjusted, check = adjust(z, t)
    w = min(window, len(z))
    tw, aw = t[-w:], adjusted[-w:]
    covid = covid_mask(tw)
    periods = tuple(f"{int(x)}Q{q}" for x, q in zip(tw[covid], _quarter(tw[covid]), strict=True))
    if not covid.any():
        handling, keep = CovidHandling("outside_window"), np.ones(w, bool)
    elif int((~covid).sum()) >= MIN_LINE_POINTS:
        # a dummy per COVID quarter fits it exactly: the line is the OLS line of the others
        handling, keep = CovidHandling("dummies", periods), ~covid
    else:
        handling, keep = CovidHandling("kept", periods), np.ones(w, bool)
    lin = fit_ols(aw[keep], tw[keep])
    fitted = np.full(len(z), np.nan)
    fitted[-w:] = lin.predict(tw).mean + (z - adjusted)[-w:]
    in_line = np.zeros(len(z), bool)
    in_line[len(z) - w:] = keep
    return SeasonalCore(linear=lin, seasonal=z - adjusted, adjusted=adjusted, t=t, window=w,
                        fitted=fitted, check=check, covid=handling, in_line=in_line,
                        messages=messages + lin.messages)
