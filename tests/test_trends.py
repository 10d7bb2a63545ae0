"""Trend models checked against independent computations (numpy by hand, statsmodels direct)."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.statespace.structural import UnobservedComponents
from techmonitor.errors import DataValidationError, ParameterError
from techmonitor.trends import (
    NoModelError,
    Scale,
    TrendResult,
    estimate,
    newey_west_lags,
    prepare,
    rolling_origin,
    widening,
)
from techmonitor.trends.models import Core, fit_ets, fit_llt, fit_ols


def school_years(start: int, n: int) -> list[str]:
    return [f"{y}/{(y + 1) % 100:02d}" for y in range(start, start + n)]


def frame(periods: list[str], values: np.ndarray, vintage: str = "v1",
          status: str = "definitive") -> pd.DataFrame:
    return pd.DataFrame({"period": periods, "value": values, "status": status,
                         "vintage": vintage, "source": "test"})


def fitted(data: object, fit: Callable[[np.ndarray, np.ndarray, float], Core],
           scale: str = "identity") -> TrendResult:
    """One model core fitted directly (textbook bands, no calibration table): what
    ``estimate`` does for the model it chooses."""
    s = prepare(data)
    sc = Scale(scale)  # type: ignore[arg-type]
    core = fit(sc.fwd(s.y), s.t, s.step)
    return TrendResult(kind="count", data=s, core=core, linear=core,  # type: ignore[arg-type]
                       scale=sc)


def ols(**kw: object) -> Callable[[np.ndarray, np.ndarray, float], Core]:
    return lambda z, t, step: fit_ols(z, t, **kw)  # type: ignore[arg-type]


RNG = np.random.default_rng(20120301)
Y15 = 10_000 + 300 * np.arange(15) + RNG.normal(0, 250, 15)
DF15 = frame(school_years(2005, 15), Y15)


# ----------------------------------------------------------------------------- OLS by hand
def test_ols_slope_and_prediction_interval_match_textbook_formulas() -> None:
    res = fitted(DF15, ols(cov_type="nonrobust"))
    t = np.arange(2006.0, 2021.0)  # school year 2005/06 sits at 2006.0
    y = Y15
    n = len(y)
    sxx = np.sum((t - t.mean()) ** 2)
    slope = np.sum((t - t.mean()) * (y - y.mean())) / sxx
    intercept = y.mean() - slope * t.mean()
    s2 = np.sum((y - intercept - slope * t) ** 2) / (n - 2)
    assert_allclose(res.slope, slope, rtol=1e-10)
    assert_allclose(res.fitted.to_numpy(), intercept + slope * t, rtol=1e-10)
    # 95% CI of the slope
    q975 = stats.t.ppf(0.975, n - 2)
    se_b = np.sqrt(s2 / sxx)
    assert_allclose(res.slope_ci95, (slope - q975 * se_b, slope + q975 * se_b), rtol=1e-10)
    # prediction interval for a new observation 3 years ahead
    fc = res.forecast(3)
    x0 = t[-1] + 3
    se_pred = np.sqrt(s2 * (1 + 1 / n + (x0 - t.mean()) ** 2 / sxx))
    mean = intercept + slope * x0
    assert_allclose(fc["t"].iloc[-1], x0)
    assert fc["period"].iloc[-1] == "2022/23"
    assert_allclose(fc["mean"].iloc[-1], mean, rtol=1e-10)
    for level, lo, hi in ((0.80, "lo80", "hi80"), (0.95, "lo95", "hi95")):
        q = stats.t.ppf(0.5 + level / 2, n - 2)
        assert_allclose(fc[lo].iloc[-1], mean - q * se_pred, rtol=1e-10)
        assert_allclose(fc[hi].iloc[-1], mean + q * se_pred, rtol=1e-10)


def test_ols_hac_covariance_matches_newey_west_by_hand() -> None:
    res = fitted(DF15, ols(floor=False))
    t = np.arange(2006.0, 2021.0)
    n = len(t)
    x = np.column_stack([np.ones(n), t - t.mean()])
    beta = np.linalg.lstsq(x, Y15, rcond=None)[0]
    u = Y15 - x @ beta
    lags = newey_west_lags(n)
    assert lags == 2
    s = (x * u[:, None]).T @ (x * u[:, None])
    for lag in range(1, lags + 1):
        w = 1 - lag / (lags + 1)  # Bartlett kernel
        g = (x[lag:] * u[lag:, None]).T @ (x[:-lag] * u[:-lag, None])
        s += w * (g + g.T)
    bread = np.linalg.inv(x.T @ x)
    cov = bread @ s @ bread * n / (n - 2)  # small-sample correction
    se_b = np.sqrt(cov[1, 1])
    q = stats.t.ppf(0.975, n - 2)
    assert_allclose(res.slope, beta[1], rtol=1e-10)
    assert_allclose(res.slope_ci95, (beta[1] - q * se_b, beta[1] + q * se_b), rtol=1e-8)
    # predictive variance: x0' cov x0 + s²
    fc = res.forecast(1)
    x0 = np.array([1.0, 2021.0 - t.mean()])
    se_pred = np.sqrt(x0 @ cov @ x0 + u @ u / (n - 2))
    assert_allclose(fc["hi95"].iloc[0] - fc["mean"].iloc[0], q * se_pred, rtol=1e-8)


def test_hac_floor_never_narrower_than_classical() -> None:
    hac = fitted(DF15, ols())
    classical = fitted(DF15, ols(cov_type="nonrobust"))
    w_hac = np.diff(hac.slope_ci95)[0]
    w_cls = np.diff(classical.slope_ci95)[0]
    assert w_hac >= w_cls - 1e-9


def test_irregular_points_use_real_time() -> None:
    # exact line y = 2 * year: a row-index fit would give slope 8/3 per row instead
    s = pd.Series([2 * 2013.5, 2 * 2014.5, 2 * 2016.5, 2 * 2021.5],
                  index=["2013", "2014", "2016", "2021"])
    res = estimate(s)
    assert res.model == "linear"
    assert res.reason_code == "short_linear_only"
    assert_allclose(res.slope, 2.0, rtol=1e-9)
    assert_allclose(res.forecast(target="2025", calibrated=False)["mean"].iloc[-1],
                    2 * 2025.5, rtol=1e-9)
    # the calibrated centre: start level between the line (exact here) and the last value,
    # which coincide, plus the damped slope: 2 per year × D(4) = 2 (φ + φ² + φ³ + φ⁴)
    if res.calibration is not None:
        phi = res.calibration.phi("count")
        d4 = sum(phi**i for i in range(1, 5))
        assert_allclose(res.forecast(target="2025")["mean"].iloc[-1], 2 * 2021.5 + 2 * d4,
                        rtol=1e-9)


def test_irregular_long_series_gets_linear_only() -> None:
    years = [2005, 2006, 2008, 2009, 2010, 2012, 2013, 2015, 2016, 2018]
    s = pd.Series(100 + 3 * np.array(years) - 6000 + RNG.normal(0, 1, 10),
                  index=[str(y) for y in years])
    res = estimate(s)
    assert res.reason_code == "irregular_linear_only"
    assert list(res.candidates["model"]) == ["linear"]


# --------------------------------------------------------------- state space vs statsmodels
def test_ets_matches_statsmodels_called_directly() -> None:
    res = fitted(DF15, fit_ets)
    direct = ETSModel(pd.Series(Y15), error="add", trend="add", damped_trend=True).fit(disp=False)
    assert_allclose(res.params.to_numpy(), np.asarray(direct.params), rtol=1e-6)
    fc = res.forecast(3)
    sf80 = direct.get_prediction(15, 17).summary_frame(alpha=0.20)
    sf95 = direct.get_prediction(15, 17).summary_frame(alpha=0.05)
    assert_allclose(fc["mean"], sf80["mean"], rtol=1e-8)
    assert_allclose(fc["lo80"], sf80["pi_lower"], rtol=1e-8)
    assert_allclose(fc["hi95"], sf95["pi_upper"], rtol=1e-8)


def test_local_linear_trend_matches_statsmodels_called_directly() -> None:
    res = fitted(DF15, fit_llt)
    direct = UnobservedComponents(Y15, level="local linear trend").fit(disp=False)
    assert_allclose(res.params.to_numpy(), np.asarray(direct.params), rtol=1e-5)
    fc = res.forecast(4)
    sf = direct.get_forecast(4).summary_frame(alpha=0.20)
    assert_allclose(fc["mean"], sf["mean"], rtol=1e-6)
    assert_allclose(fc["lo80"], sf["mean_ci_lower"], rtol=1e-6)
    assert_allclose(fc["hi80"], sf["mean_ci_upper"], rtol=1e-6)


def test_estimate_reports_candidates_ic_and_backtest() -> None:
    res = estimate(DF15, target_period="2029/30")
    assert set(res.candidates["model"]) == {"linear", "ets_damped", "local_linear_trend"}
    assert res.candidates["chosen"].sum() == 1
    assert res.model == res.candidates.loc[res.candidates["chosen"], "model"].iloc[0]
    assert np.isfinite(res.ic)
    assert res.backtest is not None and res.backtest.n_forecasts > 0
    assert 0.0 <= res.backtest.coverage80 <= 1.0
    fc = res.forecast()  # defaults to the target period
    assert fc["period"].iloc[-1] == "2029/30"
    assert (fc["lo95"] <= fc["lo80"]).all() and (fc["lo80"] <= fc["mean"]).all()
    assert (fc["mean"] <= fc["hi80"]).all() and (fc["hi80"] <= fc["hi95"]).all()
    text = res.summary()
    assert "backtest" in text and "aicc" in text


# ------------------------------------------------------------------------------ shares
@settings(max_examples=40, deadline=None)
@given(
    start=st.floats(0.5, 99.5),
    slope=st.floats(-8, 8),
    noise=st.floats(0, 3),
    n=st.integers(4, 12),
    seed=st.integers(0, 1000),
)
def test_logit_projections_never_leave_0_100(start: float, slope: float, noise: float, n: int,
                                             seed: int) -> None:
    rng = np.random.default_rng(seed)
    y = np.clip(start + slope * np.arange(n) + rng.normal(0, noise, n), 0, 100)
    s = pd.Series(y, index=[str(2000 + i) for i in range(n)])
    fc = fitted(s, ols(), "logit").forecast(target="2060")
    vals = fc[["mean", "lo80", "hi80", "lo95", "hi95"]].to_numpy()
    assert np.all((vals >= 0) & (vals <= 100))


@pytest.mark.parametrize("values", [
    [80, 85, 89, 92, 94, 96, 97, 98, 98.5, 99, 99.3, 99.5],  # rushing towards 100
    [30, 24, 19, 15, 11, 8, 6, 4, 3, 2, 1.2, 0.8],  # towards 0
])
def test_all_share_models_stay_within_0_100(values: list[float]) -> None:
    s = pd.Series(values, index=[str(2000 + i) for i in range(len(values))])
    for fit in (ols(), fit_ets, fit_llt):
        fc = fitted(s, fit, "logit").forecast(target="2060")
        vals = fc[["mean", "lo80", "hi80", "lo95", "hi95"]].to_numpy()
        assert np.all((vals >= 0) & (vals <= 100)), fit
    assert estimate(s, kind="share").scale.name == "logit"


def test_binomial_glm_matches_statsmodels_and_stays_in_range() -> None:
    import statsmodels.api as sm

    periods = [str(y) for y in range(2010, 2020)]
    m = np.full(10, 50_000.0)
    p = 1 / (1 + np.exp(-(-1.0 + 0.08 * np.arange(10))))
    k = np.round(m * p + RNG.normal(0, 300, 10))
    share = pd.Series(100 * k / m, index=periods)
    res = estimate(share, kind="share", numerator=pd.Series(k, index=periods),
                   denominator=pd.Series(m, index=periods))
    assert res.model == "binomial"
    t = np.arange(2010.5, 2020.5)
    x = np.column_stack([np.ones(10), t - t.mean()])
    direct = sm.GLM(np.column_stack([k, m - k]), x, family=sm.families.Binomial()).fit()
    assert_allclose(res.params.to_numpy(), direct.params, rtol=1e-8)
    # quasi-binomial: standard errors inflated by sqrt(Pearson X² / (n - 2))
    phi = direct.pearson_chi2 / 8
    assert phi > 1  # the simulated noise is overdispersed
    se = np.sqrt(np.diag(res.linear.cov))  # type: ignore[union-attr]
    assert_allclose(se, direct.bse * np.sqrt(phi), rtol=1e-6)
    fc = res.forecast(target="2080")
    assert fc[["lo95", "hi95"]].to_numpy().min() >= 0
    assert fc[["lo95", "hi95"]].to_numpy().max() <= 100


def test_share_outside_range_is_rejected() -> None:
    with pytest.raises(DataValidationError, match="between 0 and 100") as info:
        estimate(pd.Series([10.0, 120.0, 30, 40], index=["2010", "2011", "2012", "2013"]),
                 kind="share")
    assert info.value.problems == ["period 2011: value 120"]


def test_text_values_are_named_not_dropped() -> None:
    frame = pd.DataFrame({"period": ["2010", "2011", "2012", "2013", "2014"],
                          "value": [1.0, "12,5", 3.0, None, 5.0]})
    with pytest.raises(DataValidationError, match="1 value") as info:
        estimate(frame)
    assert info.value.problems == ["data: period 2011: value '12,5' is not a number"]


# ------------------------------------------------------------------------ backtest coverage
def test_backtest_coverage_on_simulated_series_is_near_nominal() -> None:
    """Linear trend + i.i.d. normal noise, n = 12, 80 series, 3 origins × h ≤ 3 → 480
    forecasts. With correct specification and t intervals the 80% coverage should be ~0.80
    (slightly above because the HAC floor can only widen intervals). Binomial sd for 480
    independent forecasts is 0.018; forecasts within a series are correlated, so we allow
    about ± 4 sd: expected band [0.73, 0.90] (95%: [0.88, 0.99])."""
    rng = np.random.default_rng(7)
    cov80, cov95, n_fc = [], [], 0
    for _ in range(80):
        y = 50 + 2.0 * np.arange(12) + rng.normal(0, 3, 12)
        b = rolling_origin(prepare(pd.Series(y, index=[str(2000 + i) for i in range(12)])),
                           lambda s: fit_ols(s.y, s.t), Scale(), min_train=4)
        assert b is not None
        cov80.append(b.coverage80 * b.n_forecasts)
        cov95.append(b.coverage95 * b.n_forecasts)
        n_fc += b.n_forecasts
    c80, c95 = sum(cov80) / n_fc, sum(cov95) / n_fc
    assert 0.73 <= c80 <= 0.90, c80
    assert 0.88 <= c95 <= 0.99, c95


# ------------------------------------------------------------------------ short series rules
@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 3), kind=st.sampled_from(["count", "share"]),
       values=st.lists(st.floats(1, 99), min_size=3, max_size=3))
def test_too_short_series_never_get_a_model(n: int, kind: str, values: list[float]) -> None:
    s = pd.Series(values[:n], index=[str(2010 + i) for i in range(n)], dtype=float)
    res = estimate(s, kind=kind)  # type: ignore[arg-type]
    assert not res.has_model and res.model is None
    assert res.reason_code == "too_short" and res.reason
    assert res.n == n and list(res.data.periods) == list(s.index)
    with pytest.raises(NoModelError):
        res.forecast(1)


@settings(max_examples=15, deadline=None)
@given(n=st.integers(4, 7), seed=st.integers(0, 100))
def test_fewer_than_eight_points_only_linear(n: int, seed: int) -> None:
    y = 100 + 5 * np.arange(n) + np.random.default_rng(seed).normal(0, 2, n)
    res = estimate(pd.Series(y, index=[str(2010 + i) for i in range(n)]))
    assert res.model == "linear"
    assert list(res.candidates["model"]) == ["linear"]
    assert res.reason_code == "short_linear_only"


def test_quarterly_short_series_has_no_model_but_yoy() -> None:
    q = ["2022Q1", "2022Q2", "2022Q3", "2022Q4", "2023Q1", "2023Q2"]
    res = estimate(pd.Series([10.0, 12, 11, 13, 12, 15], index=q), kind="quarterly")
    assert not res.has_model and res.reason_code == "too_short_seasonal"
    assert res.yoy is not None and res.yoy["previous_period"] == "2022Q2"
    assert_allclose(res.yoy["pct_change"], 25.0)


# ------------------------------------------------------------------------------- vintages
def test_only_latest_vintage_is_fitted() -> None:
    old = frame(school_years(2005, 6), np.full(6, 5_000.0), vintage="isced")
    new = frame(school_years(2011, 9), 8_000 + 100 * np.arange(9.0), vintage="croho")
    res = estimate(pd.concat([old, new]))
    assert res.vintage == "croho" and res.n == 9
    assert list(res.excluded["vintage"].unique()) == ["isced"]
    assert_allclose(res.slope, 100.0, rtol=1e-9)
    assert "not fitted" in res.summary()
    with pytest.raises(ParameterError, match="never fitted across"):
        estimate(pd.concat([old, new]), vintage="all")
    assert estimate(pd.concat([old, new]), vintage="isced").n == 6
    with pytest.raises(ParameterError, match="does not occur"):
        estimate(pd.concat([old, new]), vintage="cbs")


def test_series_and_frame_input_agree() -> None:
    a = estimate(DF15)
    b = estimate(pd.Series(Y15, index=school_years(2005, 15)))
    assert a.model == b.model
    cols = ["mean", "lo80", "hi95"]
    assert_allclose(a.forecast(3)[cols], b.forecast(3)[cols])


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ParameterError, match="kind"):
        estimate(DF15, kind="rate")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="kind='quarterly'"):
        estimate(pd.Series([1.0, 2, 3, 4], index=["2020Q1", "2020Q2", "2020Q3", "2020Q4"]))
    with pytest.raises(DataValidationError, match="invalid period"):
        estimate(pd.Series([1.0, 2], index=["2020", "20x1"]))
    with pytest.raises(ParameterError, match="horizon"):
        estimate(DF15).forecast(0)


# ------------------------------------------------------------------------------ quarterly
def _quarterly(n_years: int = 28, seed: int = 3) -> pd.Series:
    rng = np.random.default_rng(seed)
    q = [f"{y}Q{k}" for y in range(1997, 1997 + n_years) for k in range(1, 5)]
    season = np.tile([10.0, -10.0, 20.0, -20.0], n_years)
    return pd.Series(100 + 0.3 * np.arange(4 * n_years) + season + rng.normal(0, 1, 4 * n_years),
                     index=q)


def test_quarterly_stl_trend_and_year_on_year() -> None:
    s = _quarterly()
    res = estimate(s, kind="quarterly")
    assert res.model == "stl_linear"
    # true slope 0.3 per quarter = 1.2 per year; over 60 simulated series the slope of STL +
    # line (20 quarters) averaged 1.23 with sd 0.15, so 0.5 is > 3 sd
    assert_allclose(res.slope, 1.2, atol=0.5)
    lo, hi = res.slope_ci95
    assert lo < res.slope < hi
    fc = res.forecast(4)
    assert list(fc["period"]) == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    adj = res.forecast(4, adjusted=True)
    # the seasonal pattern is added back to the projected adjusted level
    assert_allclose(fc["mean"] - adj["mean"], [10, -10, 20, -20], atol=1.0)
    # + seasonal uncertainty (the model's own bands; the calibrated ones may both sit at the
    # table's standard-error floor)
    raw, raw_adj = res.forecast(4, calibrated=False), res.forecast(4, adjusted=True,
                                                                    calibrated=False)
    assert (raw["hi80"] - raw["lo80"] > raw_adj["hi80"] - raw_adj["lo80"]).all()
    assert res.yoy is not None
    assert res.yoy["period"] == "2024Q4" and res.yoy["previous_period"] == "2023Q4"
    assert_allclose(res.yoy["change"], s.iloc[-1] - s.iloc[-5])
    assert res.backtest is not None and res.backtest.horizon == 4


def test_quarterly_bands_cover_new_observations() -> None:
    """25 simulated series: share of next-year quarters (4 each) inside the textbook 80% band
    (``calibrated=False``). The simulated series are a line + season + i.i.d. noise, so the
    textbook band is right: expected about 0.80; with 100 correlated outcomes we accept
    [0.65, 0.95]. The calibrated band (real series bend; see test_calibration.py) is the
    textbook band with its standard error raised to the table's floor (a share of the mean
    of the last four quarters) and times the table's factor, checked exactly."""
    hits: list[bool] = []
    for seed in range(25):
        s = _quarterly(n_years=12, seed=seed)
        res = estimate(s.iloc[:-4], kind="quarterly")
        fc = res.forecast(4, calibrated=False)
        new = s.iloc[-4:].to_numpy()
        hits.extend(((fc["lo80"] <= new) & (new <= fc["hi80"])).tolist())
        if res.calibration is not None:
            cal = res.forecast(4)
            tab = res.calibration
            floor = tab.floor("quarterly", res.n) * abs(s.iloc[-8:-4].mean())
            df = res.linear.linear.df_resid  # type: ignore[union-attr]
            for level, col in ((0.8, "hi80"), (0.95, "lo95")):
                q = stats.t.ppf(0.5 + level / 2, df)
                se = np.abs(fc[col] - fc["mean"]).to_numpy() / q
                p = 0.5 + level / 2 if col.startswith("hi") else 0.5 - level / 2
                # the learned shape's quantile at p, read off its stored row by hand
                rows = [tab.shape[widening.table_key("quarterly", res.n)][h - 1]
                        for h in range(1, 5)]
                mult = np.abs([np.interp(p, widening.SHAPE_PROBS, r) for r in rows])
                assert_allclose(np.abs(cal[col] - cal["mean"]), mult * np.maximum(se, floor),
                                rtol=1e-10)
    assert 0.65 <= np.mean(hits) <= 0.95, np.mean(hits)


# ------------------------------------------------------------------------ speed and noise
def test_no_warnings_escape_and_messages_are_recorded() -> None:
    nasty = pd.Series([5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.1, 5.0, 5.0],
                      index=[str(y) for y in range(2010, 2020)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = estimate(nasty)
        res.forecast(2)
    assert isinstance(res.messages, list)
