"""Fitted trend cores: the statistics of each model, on the model's own scale.

Each ``fit_*`` function takes values ``z`` (already on the model scale: raw values, or the logit of
a share) and real times ``t`` (decimal years) and returns a core with

* ``params`` (pd.Series), ``fitted`` (model scale), ``ic`` (AICc), ``converged``, ``messages``;
* ``predict(t_new) -> Prediction`` with the predictive mean and standard error *for a new
  observation* on the model scale, plus the degrees of freedom of its t distribution
  (``None`` → normal).

The public model classes and :class:`~techmonitor.trends.result.TrendResult` turn these into
intervals on the indicator's scale. Keeping the cores small makes rolling-origin backtests cheap.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

# statsmodels is imported at module level but not used at import time (DESIGN: nothing at import
# time beyond imports); the modules themselves, not statsmodels.api, which loads everything
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.regression.linear_model import OLS
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.statespace.structural import UnobservedComponents


@dataclass(frozen=True)
class Prediction:
    """Predictive distribution of new observations on the model scale.

    ``(z - mean) / se`` follows a t distribution with ``df`` degrees of freedom (``None``:
    normal), unless ``shape`` is given: then it follows the learned distribution whose
    quantiles at :data:`~techmonitor.trends.widening.SHAPE_PROBS` are ``shape[i]`` for the
    ``i``-th time (one row per time; see :func:`~techmonitor.trends.predictive.shape_ppf`).
    """

    mean: np.ndarray
    se: np.ndarray
    df: float | None  # degrees of freedom of a t distribution; None means normal
    shape: np.ndarray | None = None


class Core(Protocol):
    """What every fitted core offers."""

    @property
    def name(self) -> str: ...
    @property
    def params(self) -> pd.Series: ...
    @property
    def fitted(self) -> np.ndarray: ...
    @property
    def ic(self) -> float: ...
    @property
    def converged(self) -> bool: ...
    @property
    def messages(self) -> list[str]: ...

    def predict(self, t_new: np.ndarray) -> Prediction: ...


@contextmanager
def quiet(messages: list[str]) -> Iterator[None]:
    """Silence warnings from statsmodels/numpy but keep their text.

    Reports must not show warnings, yet non-convergence has to be visible in the result, so
    every warning is recorded in ``messages`` instead of printed.
    """
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        yield
    for w in caught:
        text = f"{w.category.__name__}: {str(w.message).strip().splitlines()[0]}"
        if text not in messages:
            messages.append(text)


def _converged_from(messages: list[str], retvals: Any) -> bool:
    if isinstance(retvals, dict) and "converged" in retvals and not retvals["converged"]:
        return False
    return not any(m.startswith("ConvergenceWarning") for m in messages)


def _aicc(llf: float, k: int, n: int) -> float:
    """Small-sample corrected AIC; ``inf`` when n - k - 1 <= 0 (too many parameters)."""
    if n - k - 1 <= 0:
        return math.inf
    return -2.0 * llf + 2.0 * k + 2.0 * k * (k + 1) / (n - k - 1)


def newey_west_lags(n: int) -> int:
    """HAC truncation lag: Newey–West's ``floor(4 (n/100)^(2/9))``, capped at ``n // 4``, min 1.

    The cap keeps the few autocovariances of a 5–20 point series from being estimated from only
    a handful of pairs.
    """
    nw = math.floor(4.0 * (n / 100.0) ** (2.0 / 9.0))
    return max(1, min(nw, n // 4))


class _LineSlope:
    """Slope and its standard error of a line fitted as ``params = (const, slope)``."""

    params: pd.Series
    cov: np.ndarray

    @property
    def slope(self) -> float:
        return float(self.params["slope"])

    @property
    def slope_se(self) -> float:
        return float(math.sqrt(self.cov[1, 1]))


# --------------------------------------------------------------------------- linear trend (OLS)
@dataclass
class OLSCore(_LineSlope):
    """OLS line ``z = const + slope * (t - t_ref)`` with HAC (Newey–West) covariance."""

    params: pd.Series
    cov: np.ndarray
    sigma2: float
    df_resid: float
    t_ref: float
    fitted: np.ndarray
    ic: float
    cov_type: str
    maxlags: int | None
    name: str = "linear"
    converged: bool = True
    messages: list[str] = field(default_factory=list)

    def predict(self, t_new: np.ndarray) -> Prediction:
        x = np.column_stack([np.ones_like(t_new), np.asarray(t_new, float) - self.t_ref])
        mean = x @ self.params.to_numpy()
        # prediction interval for a new observation: parameter uncertainty plus noise
        var = np.einsum("ij,jk,ik->i", x, self.cov, x) + self.sigma2
        return Prediction(mean, np.sqrt(var), self.df_resid)


def fit_ols(
    z: np.ndarray,
    t: np.ndarray,
    cov_type: str = "HAC",
    maxlags: int | None = None,
    floor: bool = True,
) -> OLSCore:
    """Fit a straight line on real time.

    Parameters
    ----------
    z, t
        Values on the model scale and decimal years.
    cov_type
        ``"HAC"`` (default; Newey–West with small-sample correction n/(n-2)) or ``"nonrobust"``.
    maxlags
        HAC truncation lag; default :func:`newey_west_lags`.
    floor
        With ``"HAC"``: never report a slope variance below the classical OLS one (then the
        classical covariance is used; ``cov_type`` of the core says which). With 4–20 points the
        Newey–West estimator is biased downwards and can make a short, bumpy series look more
        certain than the i.i.d. formula; serial correlation should only ever *widen* intervals.

    Returns
    -------
    OLSCore
    """
    n = len(z)
    t_ref = float(np.mean(t))
    x = np.column_stack([np.ones(n), t - t_ref])
    messages: list[str] = []
    if cov_type not in ("HAC", "nonrobust"):
        raise ValueError(f"cov_type={cov_type!r}; use 'HAC' or 'nonrobust'")
    with quiet(messages):
        model = OLS(z, x)
        res = model.fit()
        cov = np.asarray(res.cov_params())
        used, lags = "nonrobust", None
        if cov_type == "HAC":
            lags = newey_west_lags(n) if maxlags is None else maxlags
            hac = model.fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True})
            cov_hac = np.asarray(hac.cov_params())
            if not floor or cov_hac[1, 1] >= cov[1, 1]:
                cov, used = cov_hac, "HAC"
            else:
                used = "nonrobust (HAC floor)"
        # statsmodels computes llf etc. lazily: evaluate inside quiet() (a perfect fit warns)
        core = OLSCore(
            params=pd.Series(np.asarray(res.params), index=["const", "slope"]),
            cov=cov,
            sigma2=float(res.ssr / res.df_resid),
            df_resid=float(res.df_resid),
            t_ref=t_ref,
            fitted=np.asarray(res.fittedvalues),
            ic=_aicc(float(res.llf), 3, n),  # const, slope, sigma²
            cov_type=used,
            maxlags=lags,
            messages=messages,
        )
    return core


# ------------------------------------------------------------------ binomial GLM (shares)
@dataclass
class BinomialCore(_LineSlope):
    """Quasi-binomial GLM, logit link, on real time; model scale is the logit of the share."""

    params: pd.Series
    cov: np.ndarray
    scale: float
    df_resid: float
    t_ref: float
    m_new: float
    fitted: np.ndarray
    ic: float
    name: str = "binomial"
    converged: bool = True
    messages: list[str] = field(default_factory=list)

    def predict(self, t_new: np.ndarray) -> Prediction:
        x = np.column_stack([np.ones_like(t_new), np.asarray(t_new, float) - self.t_ref])
        eta = x @ self.params.to_numpy()
        p = 1.0 / (1.0 + np.exp(-eta))
        var_eta = np.einsum("ij,jk,ik->i", x, self.cov, x)
        # a new observed share k/m has logit-scale variance ≈ φ / (m p (1-p)) (delta method),
        # with the denominator of the latest year as m and φ the Pearson overdispersion
        var_obs = self.scale / (self.m_new * p * (1.0 - p))
        return Prediction(eta, np.sqrt(var_eta + var_obs), self.df_resid)


def fit_binomial(k: np.ndarray, m: np.ndarray, t: np.ndarray) -> BinomialCore:
    """Binomial GLM (logit link) of numerator ``k`` out of ``m`` on real time.

    The dispersion is estimated from Pearson's X² (quasi-binomial): education counts vary far
    more from year to year than binomial sampling allows, and the plain binomial would give
    absurdly narrow intervals.
    """
    n = len(k)
    t_ref = float(np.mean(t))
    x = np.column_stack([np.ones(n), t - t_ref])
    messages: list[str] = []
    with quiet(messages):
        # proportions with the denominators as variance weights: the same likelihood as the
        # two-column (successes, failures) form, but statsmodels 0.15 computes the Pearson
        # scale of the two-column form on the wrong footing
        res = GLM(k / m, x, family=families.Binomial(), var_weights=m).fit(scale="X2")
        params = pd.Series(np.asarray(res.params), index=["const", "slope"])
        core = BinomialCore(
            params=params,
            cov=np.asarray(res.cov_params()),
            scale=float(res.scale),
            df_resid=float(res.df_resid),
            t_ref=t_ref,
            m_new=float(m[-1]),
            fitted=np.asarray(res.predict(x, which="linear")),
            ic=_aicc(float(res.llf), 3, n),  # const, slope, dispersion
            messages=messages,
            converged=bool(getattr(res, "converged", True)),
        )
    return core


# ------------------------------------------------------------------------- state-space cores
def _steps(t_new: np.ndarray, t_last: float, step: float) -> np.ndarray:
    return np.rint((np.asarray(t_new, float) - t_last) / step).astype(int)


def _state_space_predict(
    t_new: np.ndarray,
    t_last: float,
    step: float,
    fitted: np.ndarray,
    resid_sd: float,
    forecast: Callable[[int], tuple[np.ndarray, np.ndarray]],
) -> Prediction:
    h = _steps(t_new, t_last, step)
    mean = np.empty(len(h))
    se = np.empty(len(h))
    hmax = int(h.max()) if len(h) else 0
    fmean, fse = forecast(hmax) if hmax >= 1 else (np.empty(0), np.empty(0))
    n = len(fitted)
    for i, hi in enumerate(h):
        if hi >= 1:
            mean[i], se[i] = fmean[hi - 1], fse[hi - 1]
        else:
            # inside the data: the fitted value, with the residual spread as uncertainty
            idx = min(max(n - 1 + hi, 0), n - 1)
            mean[i], se[i] = fitted[idx], resid_sd
    return Prediction(mean, se, None)


@dataclass
class StateSpaceCore:
    """A fitted statsmodels state-space model: damped-trend ETS(A,Ad,N) (``ets_damped``) or the
    local linear trend of ``UnobservedComponents`` (``local_linear_trend``).

    ``resid_sd`` is the residual spread used as the uncertainty inside the data.
    """

    result: Any
    t_last: float
    step: float
    params: pd.Series
    fitted: np.ndarray
    ic: float
    converged: bool
    messages: list[str]
    name: str
    resid_sd: float

    def _forecast(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        """Mean and standard error of a new observation 1..h steps ahead."""
        with quiet(self.messages):
            if self.name == "ets_damped":
                n = len(self.fitted)
                pr = self.result.get_prediction(start=n, end=n + h - 1)
                return np.asarray(pr.predicted_mean), np.sqrt(np.asarray(pr.forecast_variance))
            fc = self.result.get_forecast(h)
        # se_mean of a state-space forecast includes the observation noise: it is the
        # predictive spread of a new observation, as we need
        return np.asarray(fc.predicted_mean), np.asarray(fc.se_mean)

    def predict(self, t_new: np.ndarray) -> Prediction:
        return _state_space_predict(t_new, self.t_last, self.step, self.fitted, self.resid_sd,
                                    self._forecast)


def fit_ets(
    z: np.ndarray, t: np.ndarray, step: float = 1.0, start_params: np.ndarray | None = None
) -> StateSpaceCore:
    """Fit ETS(A,Ad,N) with statsmodels' ETSModel; intervals are the model's exact ones."""
    # a pandas Series with a RangeIndex: ETSModel.get_prediction needs an index
    endog = pd.Series(np.asarray(z, float))
    return _fit_state_space(
        "ets_damped", lambda: ETSModel(endog, error="add", trend="add", damped_trend=True),
        t, step, start_params)


def fit_llt(
    z: np.ndarray, t: np.ndarray, step: float = 1.0, start_params: np.ndarray | None = None
) -> StateSpaceCore:
    """Fit a local linear trend model by maximum likelihood (diffuse initial state)."""
    return _fit_state_space(
        "local_linear_trend",
        lambda: UnobservedComponents(np.asarray(z, float), level="local linear trend"),
        t, step, start_params)


def _fit_state_space(name: str, build: Callable[[], Any], t: np.ndarray, step: float,
                     start_params: np.ndarray | None) -> StateSpaceCore:
    """Fit the statsmodels model ``build`` makes, warnings collected."""
    messages: list[str] = []
    with quiet(messages):
        model = build()
        res = model.fit(disp=False, start_params=start_params)
        fitted, ic = np.asarray(res.fittedvalues), float(res.aicc)
    if name == "ets_damped":
        sd = float(np.sqrt(res.mse))
    else:
        resid = np.asarray(res.resid)[res.loglikelihood_burn:]
        sd = float(np.sqrt(np.mean(resid**2))) if len(resid) else float("nan")
    return StateSpaceCore(
        result=res,
        t_last=float(t[-1]),
        step=step,
        params=pd.Series(np.asarray(res.params), index=list(model.param_names)),
        fitted=fitted,
        ic=ic,
        converged=_converged_from(messages, getattr(res, "mle_retvals", None)),
        messages=messages,
        name=name,
        resid_sd=sd,
    )
