"""The result object every trend estimate returns, fitted or not."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from techmonitor.errors import ParameterError, TechmonitorError
from techmonitor.periods import to_decimal_year
from techmonitor.trends._data import Backtest, Scale, SeriesData, future_periods, periods_to
from techmonitor.trends.models import BinomialCore, Core, OLSCore
from techmonitor.trends.predictive import ppf, predict, sf
from techmonitor.trends.seasonal import CovidHandling, SeasonalCheck, SeasonalCore

if TYPE_CHECKING:
    from techmonitor.trends.widening import CalibrationTable

#: Central interval levels reported by :meth:`TrendResult.forecast`.
LEVELS = (0.80, 0.95)


class NoModelError(TechmonitorError):
    """A forecast was asked of a series that has no fitted model (see ``TrendResult.reason``)."""


@dataclass(frozen=True)
class FitWindow:
    """The observations a trend was fitted on: ``first`` and ``last`` period, ``n`` points
    used, and the periods inside the window left out of the fit (``left_out``: COVID
    quarters with an intervention dummy)."""

    first: str
    last: str
    n: int
    left_out: tuple[str, ...] = ()


@dataclass
class TrendResult:
    """Outcome of a trend estimate.

    Attributes
    ----------
    kind
        ``"count"``, ``"share"`` or ``"quarterly"``.
    model
        Name of the chosen model (``"linear"``, ``"binomial"``, ``"ets_damped"``,
        ``"local_linear_trend"``, ``"stl_linear"``) or ``None`` when no model was fitted.
    data
        The kept observations (:class:`~techmonitor.trends._data.SeriesData`); always available,
        also without a model, so the report can show the data.
    scale
        Model scale (identity, or logit for shares).
    reason, reason_code
        Why there is no model or why the choice was restricted (English text; codes
        ``too_short``, ``too_short_seasonal``, ``short_linear_only``, ``irregular_linear_only``,
        ``gaps_in_quarters``, ``fit_failed``), else ``None``.
    backtest
        Rolling-origin backtest of the chosen model (``None`` if too few points).
    candidates
        One row per model considered: ``model``, ``ic`` (AICc), ``mase``, ``coverage80``,
        ``coverage95``, ``n_forecasts``, ``converged``, ``chosen``.
    selection
        How the model was chosen (text).
    converged
        False when the chosen model's optimiser reported non-convergence.
    messages
        Warnings raised by statsmodels while fitting (silenced, recorded here).
    yoy
        Quarterly series: the latest quarter against the same quarter a year earlier
        (``period``, ``value``, ``previous_period``, ``previous_value``, ``change``,
        ``pct_change``), else ``None``.
    target_period
        Period of the indicator's target (set by ``estimate``); default end of
        :meth:`forecast`.
    calibration
        Calibration table (:mod:`techmonitor.trends.widening`) whose centre (anchor and
        damping) and learned shape give the predictive distribution of every forecast,
        band and probability (:mod:`techmonitor.trends.predictive`).
        :func:`~techmonitor.trends.estimate` attaches the committed table
        (``calibrated=False`` or no table: ``None``, the textbook intervals).
    """

    kind: str
    data: SeriesData
    core: Core | None = None
    linear: OLSCore | BinomialCore | SeasonalCore | None = None
    scale: Scale = field(default_factory=Scale)
    reason: str | None = None
    reason_code: str | None = None
    backtest: Backtest | None = None
    candidates: pd.DataFrame = field(default_factory=pd.DataFrame)
    selection: str = ""
    messages: list[str] = field(default_factory=list)
    yoy: dict[str, Any] | None = None
    target_period: str | None = None
    calibration: CalibrationTable | None = None

    # ------------------------------------------------------------------ metadata
    @property
    def model(self) -> str | None:
        """Name of the fitted model, ``None`` if there is none."""
        return None if self.core is None else self.core.name

    @property
    def has_model(self) -> bool:
        """True when a model was fitted and forecasts are available."""
        return self.core is not None

    @property
    def n(self) -> int:
        """Number of observations used (one vintage)."""
        return self.data.n

    @property
    def vintage(self) -> str | None:
        """Vintage (definition) that was fitted."""
        return self.data.vintage

    @property
    def excluded(self) -> pd.DataFrame:
        """Rows of other vintages that were not fitted."""
        return self.data.excluded

    @property
    def illustrative(self) -> bool:
        """True when any used observation is illustrative."""
        return self.data.illustrative

    @property
    def converged(self) -> bool:
        """False when the chosen model did not converge."""
        return True if self.core is None else bool(self.core.converged)

    @property
    def ic_name(self) -> str:
        """Name of the information criterion reported."""
        return "aicc"

    @property
    def ic(self) -> float | None:
        """AICc of the chosen model (``None`` without model)."""
        return None if self.core is None else float(self.core.ic)

    @property
    def params(self) -> pd.Series:
        """Parameters of the chosen model on its own scale (empty without model)."""
        return pd.Series(dtype=float) if self.core is None else self.core.params

    @property
    def fitted(self) -> pd.Series:
        """Fitted values on the indicator's scale, indexed by period (empty without model)."""
        if self.core is None:
            return pd.Series(dtype=float)
        return pd.Series(self.scale.inv(self.core.fitted), index=self.data.periods, name="fitted")

    @property
    def adjusted(self) -> pd.Series | None:
        """Seasonally adjusted series (quarterly only), ``None`` when the adjustment failed its
        check (:attr:`seasonal_check` says why): then the report shows none."""
        if isinstance(self.core, SeasonalCore) and self.core.check.passed:
            return pd.Series(self.core.adjusted, index=self.data.periods, name="adjusted")
        return None

    @property
    def seasonal_check(self) -> SeasonalCheck | None:
        """Quarterly series: the check of the seasonal adjustment, else ``None``."""
        return self.core.check if isinstance(self.core, SeasonalCore) else None

    @property
    def window(self) -> FitWindow | None:
        """The observations the trend was fitted on (``None`` without a model)."""
        core = self.core
        if core is None:
            return None
        periods = self.data.periods
        if isinstance(core, SeasonalCore):
            w = periods[-core.window:]
            return FitWindow(w[0], w[-1], int(core.in_line.sum()),
                             tuple(p for p, k in zip(periods, core.in_line, strict=True)
                                   if not k and p in w))
        return FitWindow(periods[0], periods[-1], self.data.n)

    @property
    def covid(self) -> CovidHandling | None:
        """Quarterly series: how COVID quarters entered the trend line, else ``None``."""
        return self.core.covid if isinstance(self.core, SeasonalCore) else None

    # ------------------------------------------------------------------ slope
    def _slope_model_scale(self) -> tuple[float, float, float] | None:
        lin = self.linear
        if lin is None:
            return None
        base = lin.linear if isinstance(lin, SeasonalCore) else lin
        return base.slope, base.slope_se, base.df_resid

    def _unit_factor(self) -> float:
        lin = self.linear
        if lin is None or isinstance(lin, SeasonalCore):
            return 1.0
        return self.scale.derivative(float(lin.fitted[-1]))

    @property
    def slope(self) -> float | None:
        """Average change per year of the linear trend, in the indicator's unit.

        Always from the linear model (OLS with HAC errors; binomial GLM for shares with counts;
        for quarterly series the line through the seasonally adjusted quarters), whatever model
        is used for projection, so that "how fast did it move" has one definition. For logit
        models it is the slope at the latest fitted value, in percentage points per year.
        """
        s = self._slope_model_scale()
        return None if s is None else s[0] * self._unit_factor()

    def slope_interval(self, level: float = 0.95) -> tuple[float, float] | None:
        """Confidence interval of :attr:`slope` (t distribution, HAC standard error)."""
        s = self._slope_model_scale()
        if s is None:
            return None
        b, se, df = s
        q = float(stats.t.ppf(0.5 + level / 2, df))
        f = self._unit_factor()
        return ((b - q * se) * f, (b + q * se) * f)

    @property
    def slope_ci95(self) -> tuple[float, float] | None:
        """95% confidence interval of :attr:`slope`."""
        return self.slope_interval(0.95)

    # ------------------------------------------------------------------ forecasting
    def require_model(self) -> Core:
        """The fitted model's core.

        Raises
        ------
        NoModelError
            If no model was fitted (see :attr:`reason`).
        """
        if self.core is None:
            raise NoModelError(f"no trend model for this series: {self.reason}")
        return self.core

    @property
    def calibrated(self) -> bool:
        """True when forecasts use a calibration table (see :attr:`calibration`)."""
        return self.calibration is not None

    def forecast(
        self,
        horizon: int | None = None,
        target: str | None = None,
        adjusted: bool = False,
        calibrated: bool = True,
    ) -> pd.DataFrame:
        """Project the series with 80% and 95% prediction intervals.

        Parameters
        ----------
        horizon
            Number of periods after the last observation. Default: up to
            :attr:`target_period` if set, else 1.
        target
            Period code up to which to project, e.g. ``"2030"`` or ``"2029/30"``; all periods in
            between are included (for the chart band). A target in another period style than
            the series is added as its own row at its real time.
        adjusted
            Quarterly series: project the seasonally adjusted level instead of the raw series.
        calibrated
            Use the calibrated predictive distribution (:attr:`calibration`, default); ``False``
            gives the model's textbook intervals.

        Returns
        -------
        pandas.DataFrame
            Columns ``period``, ``t`` (decimal year), ``mean``, ``lo80``, ``hi80``, ``lo95``,
            ``hi95``, on the indicator's scale. For logit (share) models ``mean`` is the
            back-transformed central projection, i.e. the *median* of the predictive
            distribution; intervals are exact quantiles because the transform is monotone.

        Raises
        ------
        NoModelError
            If no model was fitted (see :attr:`reason`).
        ParameterError
            If ``horizon`` is not a positive integer or ``target`` is not a period code.
        """
        self.require_model()
        if target is None and horizon is None:
            target = self.target_period
        if target is not None:
            periods, ts = periods_to(self.data.periods[-1], float(self.data.t[-1]),
                                     self.data.step, target)
        else:
            h = 1 if horizon is None else horizon
            if not isinstance(h, int | np.integer) or h < 1:
                raise ParameterError(f"horizon={horizon!r} must be a positive whole number")
            periods = future_periods(self.data.periods[-1], int(h))
            ts = np.array([to_decimal_year(p) for p in periods])
        pred = predict(self, ts, adjusted=adjusted, calibrated=calibrated)
        out: dict[str, Any] = {"period": periods, "t": ts, "mean": self.scale.inv(pred.mean)}
        for level in LEVELS:
            tag = int(round(level * 100))
            out[f"lo{tag}"] = self.scale.inv(pred.mean + ppf(pred, 0.5 - level / 2) * pred.se)
            out[f"hi{tag}"] = self.scale.inv(pred.mean + ppf(pred, 0.5 + level / 2) * pred.se)
        if self.nonnegative:
            # a count below zero cannot happen: the interval of the predictive distribution
            # censored at 0 (its quantiles are max(0, q)); the central line likewise
            for col in ("mean", "lo80", "hi80", "lo95", "hi95"):
                out[col] = np.maximum(np.asarray(out[col], float), 0.0)
        return pd.DataFrame(out)

    @property
    def nonnegative(self) -> bool:
        """True for counts (and quarterly counts) observed never below zero: their
        projections are censored at 0. Shares are bounded by their logit scale."""
        return (self.kind in ("count", "quarterly") and self.scale.name == "identity"
                and self.data.n > 0 and bool(np.min(self.data.y) >= 0))

    def exceedance_probability(
        self,
        value: float,
        period: str,
        direction: Literal["up", "down"] = "up",
        calibrated: bool = True,
    ) -> float:
        """Probability that the observation in ``period`` is at least ``value`` (``"up"``) or at
        most ``value`` (``"down"``), under the (calibrated, see :attr:`calibration`) predictive
        distribution."""
        if direction not in ("up", "down"):
            raise ParameterError(f"direction={direction!r}; use 'up' or 'down'")
        t_new = np.array([to_decimal_year(str(period))])
        pred = predict(self, t_new, calibrated=calibrated)
        if self.scale.name == "logit" and not 0.0 < value < 100.0:
            above = 1.0 if value <= 0.0 else 0.0
        else:
            zv = float(self.scale.fwd(np.array([value]))[0])
            with np.errstate(divide="ignore", invalid="ignore"):
                score = (zv - float(pred.mean[0])) / float(pred.se[0])
            above = sf(pred, score)
        return above if direction == "up" else 1.0 - above

    # ------------------------------------------------------------------ text
    def summary(self) -> str:
        """Plain-text summary (model, data, window, parameters, fit diagnostics)."""
        from techmonitor.trends.display import trend_text

        return trend_text(self)

    def _repr_html_(self) -> str:
        """JupyterLab display: facts, model, slope, backtest and calibrated forecast."""
        from techmonitor.trends.display import trend_html

        return trend_html(self)

    def __repr__(self) -> str:
        return (
            f"TrendResult(kind={self.kind!r}, model={self.model!r}, n={self.n}, "
            f"vintage={self.vintage!r}, reason_code={self.reason_code!r})"
        )

