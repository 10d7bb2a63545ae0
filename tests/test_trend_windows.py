"""Seasonal adjustment check, fit windows, COVID quarters and the level shift at a break,
each checked against an independent computation (numpy by hand on hand-written series)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats
from techmonitor.errors import ParameterError
from techmonitor.trends import estimate, level_shift
from techmonitor.trends.seasonal import FACTOR_BAND, check_adjustment

ROOT = Path(__file__).resolve().parents[1]


def _quarters(start: int, n: int) -> list[str]:
    return [f"{start + i // 4}Q{i % 4 + 1}" for i in range(n)]


def _t(periods: list[str]) -> np.ndarray:
    return np.array([int(p[:4]) + (int(p[5]) - 1) / 4 + 0.125 for p in periods])


# ------------------------------------------------------------------- the check, by hand
def test_check_passes_a_smoother_series_with_stable_factors() -> None:
    periods = _quarters(2016, 8)
    raw = np.array([110.0, 90, 120, 80, 112, 92, 121, 83])
    factors = np.array([10.0, -10, 20, -20, 10.5, -9.5, 19, -19.5])  # additive, stable
    adjusted = raw - factors
    check = check_adjustment(raw, adjusted, factors, _t(periods), "stl_additive")
    assert check.passed and check.reason is None
    assert_allclose(check.raw_qoq, np.mean(np.abs(np.diff(raw))))
    assert_allclose(check.adjusted_qoq, np.mean(np.abs(np.diff(adjusted))))
    assert check.factors == {1: (10.0, 10.5), 2: (-10.0, -9.5), 3: (19.0, 20.0),
                             4: (-20.0, -19.5)}


def test_check_fails_a_rougher_series_and_a_factor_that_swings() -> None:
    periods = _quarters(2016, 8)
    raw = np.array([100.0, 101, 102, 103, 104, 105, 106, 107])
    # Q1 swings from +3 to -5 (the Q1 effect swung from +3,179 to -51,925)
    factors = np.array([3.0, -1, 1, -1, -5.0, -1, 1, -1])
    adjusted = raw - factors
    check = check_adjustment(raw, adjusted, factors, _t(periods), "stl_additive")
    assert not check.passed
    assert check.adjusted_qoq > check.raw_qoq  # 1 per quarter raw; far more adjusted
    assert check.reason is not None
    assert "moves more" in check.reason and "Q1 factor changes sign" in check.reason
    # a factor that keeps its sign but varies beyond the band also fails
    # Q1 from 10 to 16: spread 6; amplitude (13 + 10 + 20 + 20) / 4 = 15.75, band 0.25 x 15.75
    wide = np.array([10.0, -10, 20, -20, 16.0, -10, 20, -20])
    assert 6.0 > FACTOR_BAND * 15.75
    check = check_adjustment(raw + wide, raw, wide, _t(periods), "stl_additive")
    assert not check.passed and "Q1 factor varies" in (check.reason or "")


def test_a_pattern_that_reverses_gets_no_adjusted_series() -> None:
    periods = _quarters(2015, 24)
    y = 100 + np.concatenate([np.tile([10.0, -10, 10, -10], 3), np.tile([-10.0, 10, -10, 10], 3)])
    res = estimate(pd.Series(y, index=periods), kind="quarterly")
    assert res.has_model and res.adjusted is None
    check = res.seasonal_check
    assert check is not None and not check.passed and "changes sign" in (check.reason or "")


def test_stable_pattern_is_recovered_and_smoother() -> None:
    rng = np.random.default_rng(5)
    periods = _quarters(2008, 48)
    season = np.tile([1.10, 0.95, 1.05, 0.90], 12)
    y = (1000 + 20 * np.arange(48)) * season * np.exp(rng.normal(0, 0.01, 48))
    res = estimate(pd.Series(y, index=periods), kind="quarterly")
    check = res.seasonal_check
    assert check is not None and check.passed and check.method == "stl_multiplicative"
    adj = res.adjusted
    assert adj is not None
    assert np.mean(np.abs(np.diff(adj.to_numpy()))) < np.mean(np.abs(np.diff(y)))
    # the factors are the simulated ones up to the 1% noise (and a common scale)
    mid = {q: np.mean(v) for q, v in check.factors.items()}
    ratio = np.array([1 + mid[q] for q in (1, 2, 3, 4)])
    assert_allclose(ratio / ratio.mean(), np.array([1.10, 0.95, 1.05, 0.90]) / 1.0, atol=0.01)


def test_bundled_vacancies_adjusted_move_less_than_raw() -> None:
    obs = pd.read_csv(ROOT / "data" / "observations.csv", dtype={"period": str})
    s = obs[(obs["indicator"] == "vacancies_open") & (obs["vintage"] == "cbs-80472ned")
            & (obs["sector"] == "all") & (obs["region"] == "NL")]
    if s.empty:
        pytest.skip("data/observations.csv holds no national CBS 80472ned vacancy series")
    s = s.sort_values("period")
    res = estimate(s[["period", "value"]], kind="quarterly")
    adj = res.adjusted
    assert adj is not None, res.seasonal_check
    raw = s["value"].to_numpy(float)
    assert np.mean(np.abs(np.diff(adj.to_numpy()))) < np.mean(np.abs(np.diff(raw)))
    # every quarter keeps the sign of its seasonal factor over the whole series
    check = res.seasonal_check
    assert check is not None
    assert all(lo * hi > 0 for lo, hi in check.factors.values())


# ------------------------------------------------------------------ windows and COVID
def test_annual_window_is_the_whole_series() -> None:
    s = pd.Series([5.0, 6, 8, 9, 11], index=[str(y) for y in range(2015, 2020)])
    w = estimate(s).window
    assert w is not None and (w.first, w.last, w.n, w.left_out) == ("2015", "2019", 5, ())


def test_covid_quarters_get_dummies_in_the_trend_line() -> None:
    """The line through the last 20 adjusted quarters with one dummy per COVID quarter equals
    the OLS line of the other 15 (numpy polyfit on the adjusted values, by hand)."""
    rng = np.random.default_rng(11)
    periods = _quarters(2012, 47)  # 2012Q1-2023Q3
    y = 500 + 4 * np.arange(47) + np.tile([20.0, -5, 10, -25], 12)[:47] + rng.normal(0, 2, 47)
    covid = [p for p in periods if "2020Q2" <= p <= "2021Q2"]
    y[[periods.index(p) for p in covid]] -= 150  # the dip
    res = estimate(pd.Series(y, index=periods), kind="quarterly")
    w, c = res.window, res.covid
    assert w is not None and c is not None
    assert (w.first, w.last, w.n) == ("2018Q4", "2023Q3", 15)
    assert w.left_out == tuple(covid) == c.quarters and c.method == "dummies"
    adj = res.adjusted
    assert adj is not None
    keep = [p for p in periods[-20:] if p not in covid]
    slope = np.polyfit(_t(keep), adj[keep].to_numpy(), 1)[0]
    assert_allclose(res.slope, slope, rtol=1e-9)
    assert_allclose(res.slope, 16.0, atol=3.0)  # 4 per quarter; the dip does not bend it
    # a window after COVID needs no dummies
    later = estimate(pd.Series(y[-8:], index=periods[-8:]), kind="quarterly", window=8)
    assert later.covid is not None and later.covid.method == "outside_window"


# ------------------------------------------------------------------- break: level shift
def _two_vintages() -> pd.DataFrame:
    periods = ["2015/16", "2016/17", "2017/18", "2018/19", "2019/20",
               "2020/21", "2021/22", "2022/23", "2023/24"]
    values = [100.0, 104, 107, 112, 115, 141, 144, 150, 152]
    vint = ["old"] * 5 + ["new"] * 4
    return pd.DataFrame({"period": periods, "value": values, "vintage": vint})


def test_level_shift_matches_the_normal_equations() -> None:
    df = _two_vintages()
    fit = level_shift(df)
    t = np.arange(2016.0, 2025.0)  # a school year sits at the start year + 1
    y = df["value"].to_numpy()
    x = np.column_stack([np.ones(9), t - t.mean(), (t >= 2021.0).astype(float)])
    xtx = x.T @ x
    beta = np.linalg.solve(xtx, x.T @ y)
    resid = y - x @ beta
    s2 = resid @ resid / (9 - 3)
    se = np.sqrt(np.diag(s2 * np.linalg.inv(xtx)))
    q = stats.t.ppf(0.975, 6)
    assert fit.break_period == "2020/21" and fit.vintages == ("old", "new")
    assert_allclose(fit.slope, beta[1], rtol=1e-10)
    assert_allclose(fit.shift, beta[2], rtol=1e-10)
    assert_allclose(fit.slope_ci95, (beta[1] - q * se[1], beta[1] + q * se[1]), rtol=1e-10)
    assert_allclose(fit.shift_ci95, (beta[2] - q * se[2], beta[2] + q * se[2]), rtol=1e-10)
    assert (fit.n_before, fit.n_after, fit.weak) == (5, 4, False)
    w = fit.window
    assert (w.first, w.last, w.n) == ("2015/16", "2023/24", 9)


def test_level_shift_flags_a_thin_side_and_refuses_a_break_outside() -> None:
    df = _two_vintages().iloc[:7]  # two points of the new definition
    fit = level_shift(df)
    assert fit.n_after == 2 and fit.weak
    with pytest.raises(ParameterError, match="no point on one side"):
        level_shift(df[["period", "value"]], break_period="2030/31")
    with pytest.raises(ParameterError, match="break_period"):
        level_shift(df.assign(vintage="one"))
