"""Calibration study and calibrated bands, checked on simulated series with known answers.

Random walks with drift are the known case: a straight line through a 5-point window of a
random walk does not know that the walk wanders, so its textbook intervals under-cover. The
backtest must measure exactly what an independent numpy computation of the textbook interval
gives; the calibrated factor learned on one half of the simulated series must bring the other
half to nominal.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import techmonitor.calibration.study as calibration
from numpy.testing import assert_allclose
from scipy import stats
from techmonitor.calibration.report import write_report
from techmonitor.calibration.study import (
    StudySeries,
    backtest_series,
    coverage,
    coverage_table,
    fit_factor,
    fit_shape,
    fit_table,
)
from techmonitor.trends import estimate, newey_west_lags, widening
from techmonitor.trends.widening import CalibrationTable

ROOT = Path(__file__).resolve().parents[1]
OBS = ROOT / "data" / "observations.csv"


def _table(count: tuple[float, ...] = (2.0, 2.5, 3.0), **kw: tuple[float, ...]) -> CalibrationTable:
    factors = {"count": count, "share": (1.5, 1.6), "quarterly": (1.2, 1.4, 1.6, 1.8),
               "quarterly_short": (3.0, 3.5)}
    factors.update(kw)
    # the runtime reads a learned shape for every kind: here the normal distribution
    # widened by the factor of each horizon
    norm = stats.norm.ppf(np.asarray(widening.SHAPE_PROBS))
    shape = {k: tuple(tuple(c * norm) for c in v) for k, v in factors.items()}
    return CalibrationTable("test", factors, {"created": "2024-01-01"}, shape=shape)


@pytest.fixture
def table_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "calibration.json"
    calibration.write_table(_table(), path)
    monkeypatch.setenv(widening.ENV_PATH, str(path))
    return path


def _random_walks(n_series: int, n: int, seed: int, part: str = "calibration",
                  drift: float = 0.5, sd: float = 1.0, level: float = 100.0
                  ) -> list[StudySeries]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n_series):
        y = level + np.cumsum(drift + rng.normal(0, sd, n))
        s = pd.Series(y, index=[str(1990 + k) for k in range(n)])
        out.append(StudySeries(f"rw{seed}-{i}", f"rw{seed}-{i}", "count", s, "sim",
                               part))  # type: ignore[arg-type]
    return out


# ------------------------------------------------------------------ factor fitting, exact case
def test_coverage_and_factor_recover_a_known_scale() -> None:
    """Standardized errors drawn from 2 × t(4): the textbook 80% interval (t(4) quantile)
    covers P(|T| <= q/2) exactly; the fitted factor is 2; calibrated coverage is nominal.
    20 000 independent draws: binomial sd of a coverage 0.003, tolerance 0.012 (4 sd)."""
    rng = np.random.default_rng(11)
    n = 20_000
    rec = pd.DataFrame({"z": 2.0 * rng.standard_t(4, n), "mean": 0.0, "se": 1.0, "df": 4.0})
    for level in (0.80, 0.95):
        q = stats.t.ppf(0.5 + level / 2, 4)
        known = 2 * stats.t.cdf(q / 2, 4) - 1
        assert_allclose(coverage(rec, level), known, atol=0.012)
    c = fit_factor(rec)
    assert_allclose(c, 2.0, rtol=0.04)
    assert_allclose(coverage(rec, 0.80, c), 0.80, atol=0.012)
    assert_allclose(coverage(rec, 0.95, c), 0.95, atol=0.012)
    # normal shape (df NaN) is handled by the normal quantile
    recn = rec.assign(z=1.5 * rng.standard_normal(n), df=math.nan)
    assert_allclose(fit_factor(recn), 1.5, rtol=0.04)


# ------------------------------------------------------- random walk: backtest = by-hand numpy
def _textbook_interval(y: np.ndarray, h: int, level: float) -> tuple[float, float]:
    """OLS line on t = 0..n-1, Newey–West HAC slope variance (Bartlett, n/(n-2) correction)
    floored at the classical one, t(n-2) prediction interval h steps ahead: by hand."""
    n = len(y)
    t = np.arange(n, dtype=float)
    x = np.column_stack([np.ones(n), t - t.mean()])
    xtx_inv = np.linalg.inv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    u = y - x @ beta
    s2 = u @ u / (n - 2)
    cov = s2 * xtx_inv
    lags = newey_west_lags(n)
    s = (x * u[:, None]).T @ (x * u[:, None])
    for lag in range(1, lags + 1):
        w = 1 - lag / (lags + 1)
        g = (x[lag:] * u[lag:, None]).T @ (x[:-lag] * u[:-lag, None])
        s += w * (g + g.T)
    hac = xtx_inv @ s @ xtx_inv * n / (n - 2)
    if hac[1, 1] >= cov[1, 1]:
        cov = hac
    x0 = np.array([1.0, n - 1 + h - t.mean()])
    se = math.sqrt(x0 @ cov @ x0 + s2)
    q = stats.t.ppf(0.5 + level / 2, n - 2)
    m = x0 @ beta
    return m - q * se, m + q * se


def _by_hand_hits(y: np.ndarray, window: int, hmax: int, level: float) -> dict[int, list[bool]]:
    hits: dict[int, list[bool]] = {h: [] for h in range(1, hmax + 1)}
    for k in range(window, len(y)):
        for h in range(1, hmax + 1):
            if k + h - 1 < len(y):
                lo, hi = _textbook_interval(y[k - window:k], h, level)
                hits[h].append(bool(lo <= y[k + h - 1] <= hi))
    return hits


def test_random_walk_backtest_recovers_the_known_textbook_coverage() -> None:
    """The backtest through estimate() measures exactly the coverage that the textbook
    interval computed by hand has on the same random walks; and that coverage is the known
    (Monte Carlo, 2 000 independent walks) coverage of a 5-point line on a random walk with
    drift, within the backtest's sampling error (±0.06: 30 walks × 10 origins, correlated)."""
    walks = _random_walks(30, 14, seed=5)
    rec = pd.concat([pd.DataFrame(backtest_series(w, windows=(5,), horizon=3)) for w in walks],
                    ignore_index=True)
    for level in (0.80, 0.95):
        hand = {h: [] for h in (1, 2, 3)}  # type: dict[int, list[bool]]
        for w in walks:
            for h, v in _by_hand_hits(w.values.to_numpy(), 5, 3, level).items():
                hand[h].extend(v)
        for h in (1, 2, 3):
            assert_allclose(coverage(rec[rec["h"] == h], level), np.mean(hand[h]), atol=1e-12)
    # the known coverage: independent walks, one forecast each
    rng = np.random.default_rng(99)
    known = {h: [] for h in (1, 2, 3)}  # type: dict[int, list[bool]]
    for _ in range(2000):
        y = 100 + np.cumsum(0.5 + rng.normal(0, 1, 8))
        for h in (1, 2, 3):
            lo, hi = _textbook_interval(y[:5], h, 0.80)
            known[h].append(bool(lo <= y[4 + h] <= hi))
    for h in (1, 2, 3):
        measured = coverage(rec[rec["h"] == h], 0.80)
        assert abs(measured - np.mean(known[h])) < 0.06, (h, measured, np.mean(known[h]))
    # and it is well below nominal at 3 years: the reason for the calibration
    assert np.mean(known[3]) < 0.72


def _true_probabilities(rec: pd.DataFrame, drift: float = 0.5, sd: float = 1.0
                        ) -> pd.DataFrame:
    """The exceedance events of :func:`exceedance_probabilities` with their *true*
    probabilities: for a random walk with drift P(y[k+h] >= v | y[k]) is the normal survival
    of (v − y[k] − drift h) / (sd √h)."""
    parts = []
    for g in calibration.EVENT_CHANGES:
        v = rec["base"].to_numpy() * (1 + g)
        h = rec["h"].to_numpy(float)
        p = stats.norm.sf((v - rec["base"].to_numpy() - drift * h) / (sd * np.sqrt(h)))
        parts.append(pd.DataFrame({"kind": "count", "h": h, "part": rec["part"].to_numpy(),
                                   "p": p, "hit": rec["y"].to_numpy() >= v,
                                   "origin_t": rec["origin_t"].to_numpy(),
                                   "base_key": rec["base_key"].to_numpy()}))
    return pd.concat(parts, ignore_index=True)


def test_calibrated_method_reaches_nominal_on_held_out_random_walks() -> None:
    """Centre and factors learned on 50 walks bring 50 other walks (5-point windows, h 1–3) to
    nominal coverage and make their probabilities of exceeding a value reliable.

    Coverage: 80% within 0.73–0.87 and 95% within 0.90–0.98 at every horizon (≥ 250
    forecasts each, correlated within a walk). For a random walk the score (error / textbook
    se) of a 5-point line is close to a scaled t(3), so one factor per horizon fixes both
    levels. (Pooling windows of 4 and 5 points, whose factors differ, gives a mixture: 80% then
    lands at ~0.71 and 95% at ~0.94 — the reason the real study's check is made per horizon on
    the real mix of windows, see calibration.md.)

    Reliability: the events are those of the real study (at least the last value × (1 + g),
    g in ±20%; walks around 20 with sd 1, so most events are uncertain). The true
    probabilities are known (:func:`_true_probabilities`), and they are the measure of the
    check's own sampling noise: on these 2 100 forecasts even the true probabilities miss
    their bins' observed frequencies by up to ~0.08. So the calibrated probabilities must be
    reliable within 0.10 in every bin with ≥ 300 events, with an event-weighted mean gap (the
    square root of the reliability term) at most 0.04 — no worse than 1.5 × the truth's — and
    the drift must be kept (no damping: φ = 1; a damped drift gives 0.55 where 0.71 happens).
    """
    walks = (_random_walks(50, 13, seed=1, level=20.0)
             + _random_walks(50, 13, seed=2, part="validation", level=20.0))
    rec = pd.concat([pd.DataFrame(backtest_series(w, windows=(5,), horizon=3))
                     for w in walks], ignore_index=True)
    table = fit_table(rec)
    assert all(c >= 1.0 for c in table.factors["count"])
    assert table.factors["count"][2] > table.factors["count"][0]  # wider further ahead
    assert table.phi("count") == 1.0
    # the widened t (the family chosen for these walks) is stored as a learned shape, the
    # only form the runtime reads: the t(3) quantiles of a 5-point line times the factor
    assert_allclose(table.shape["count"][0],
                    table.factors["count"][0] * stats.t.ppf(widening.SHAPE_PROBS, 3))
    cov = coverage_table(rec, table)
    val = cov[cov["part"] == "validation"]
    assert len(val) == 3 and (val["n"] >= 250).all()
    assert (val["raw80"] < 0.75).all()  # textbook bands under-cover a random walk
    assert val["cal80"].between(0.73, 0.87).all(), val
    assert val["cal95"].between(0.90, 0.98).all(), val

    held = rec[rec["part"] == "validation"]
    ev = calibration.exceedance_probabilities(held, table)
    truth = _true_probabilities(held)
    rel = calibration.reliability(ev)
    big = rel[rel["n"] >= 300]
    assert len(big) >= 6
    assert ((big["observed"] - big["predicted"]).abs() <= 0.10).all(), big
    rms_cal = math.sqrt(calibration.reliability_term(ev))
    rms_true = math.sqrt(calibration.reliability_term(truth))
    assert rms_cal <= 0.04 and rms_cal <= 1.5 * rms_true + 0.005, (rms_cal, rms_true)
    # the textbook probabilities are the overconfident ones
    raw = calibration.exceedance_probabilities(held, None)
    assert calibration.reliability_term(raw) > 2 * calibration.reliability_term(ev)


# ------------------------------------------------------------------------ the learned shape
def test_learned_shape_recovers_a_known_distribution() -> None:
    """Standardized errors 2 × t(4) at every horizon: the learned quantiles are those of
    2 × t(4) (scipy) within the sampling error of 20 000 draws (the central ones within 0.05,
    the 2.5% and 97.5% ones within 0.15); symmetric, so the median is 0."""
    rng = np.random.default_rng(21)
    n = 20_000
    rec = pd.DataFrame({"z": 2.0 * rng.standard_t(4, n), "mean": 0.0, "se": 1.0, "df": 4.0,
                        "h": rng.integers(1, 3, n)})
    shape = fit_shape(rec, 2)
    probs = np.asarray(widening.SHAPE_PROBS)
    known = 2.0 * stats.t.ppf(probs, 4)
    for row in shape:
        r = np.asarray(row)
        mid = (probs >= 0.1) & (probs <= 0.9)
        assert_allclose(r[mid], known[mid], atol=0.05)
        assert_allclose(r[np.isin(probs, [0.025, 0.975])], known[np.isin(probs, [0.025, 0.975])],
                        atol=0.15)
        assert_allclose(r, -r[::-1], atol=1e-9)


def _shape_table(rows: list[list[float]], **kw: Any) -> CalibrationTable:
    t = _table()
    return CalibrationTable("test", t.factors, {"created": "2024-01-01"}, None,
                            kw.get("damping", {}), kw.get("anchor", {}), {},
                            {**t.shape, "count": tuple(tuple(r) for r in rows)})


def test_estimate_reads_bands_and_probabilities_off_the_learned_shape(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a learned shape the band h years ahead is centre + se × the shape's quantile and
    the probability of a value is 1 − the shape's distribution function at its score, both
    read off the stored rows by hand (np.interp); beyond the last row the row is stretched by
    the ratio of the factors (here 3.5 / 3.0 at h = 4)."""
    probs = np.asarray(widening.SHAPE_PROBS)
    rows = [list(1.5 * stats.norm.ppf(probs)), list(2.0 * stats.t.ppf(probs, 5)),
            list(2.5 * stats.t.ppf(probs, 3))]
    path = tmp_path / "calibration.json"
    calibration.write_table(_shape_table(rows), path)
    monkeypatch.setenv(widening.ENV_PATH, str(path))
    y = pd.Series([10.0, 12.0, 13.5, 15.0, 16.0, 18.5], index=[str(y) for y in range(2014, 2020)])
    res = estimate(y, target_period="2023")
    assert res.calibration is not None and res.calibration.has_shape("count")
    assert widening.summary()["kinds"]["count"]["approach"] == "learned_shape"
    raw = estimate(y, calibrated=False).forecast(target="2023")
    df = res.linear.df_resid  # type: ignore[union-attr]
    se = ((raw["hi80"] - raw["mean"]) / stats.t.ppf(0.9, df)).to_numpy()
    fc = res.forecast()
    assert_allclose(fc["mean"], raw["mean"], rtol=1e-10)  # no centre moved in this table
    stretched = np.asarray(rows[2]) * 3.5 / 3.0
    all_rows = [*rows, list(stretched)]
    for p, col in ((0.1, "lo80"), (0.9, "hi80"), (0.025, "lo95"), (0.975, "hi95")):
        q = np.array([np.interp(p, probs, r) for r in all_rows])
        assert_allclose(fc[col], raw["mean"] + q * se, rtol=1e-10)
    # probability of at least 25 in 2023 (h = 4): 1 − F(score) on the stretched row
    score = (25.0 - raw["mean"].iloc[-1]) / se[-1]
    expected = 1.0 - np.interp(score, stretched, probs)
    assert_allclose(res.exceedance_probability(25.0, "2023"), expected, rtol=1e-10)
    # the band's edges carry their levels: one distribution for bands and probabilities
    assert_allclose(res.exceedance_probability(float(fc["lo80"].iloc[1]), "2021"), 0.9,
                    atol=1e-9)
    assert_allclose(res.exceedance_probability(float(fc["hi95"].iloc[0]), "2020"), 0.025,
                    atol=1e-9)
    # far outside the stored quantiles the probability is the outer one, never 0 or 1
    assert res.exceedance_probability(1e6, "2020") == pytest.approx(0.001)
    # between horizons the quantile functions are interpolated (half a year: h = 1.5)
    tab = res.calibration
    assert_allclose(tab.shape_rows("count", [1.5])[0], 0.5 * np.add(rows[0], rows[1]))


def test_shape_in_the_table_is_checked(tmp_path: Path) -> None:
    probs = np.asarray(widening.SHAPE_PROBS)
    good = calibration.table_json(_shape_table([list(stats.norm.ppf(probs))]))
    assert widening.table_from_json(good).has_shape("count")
    no_shape = json.loads(json.dumps(good))
    del no_shape["shape"]["share"]  # the runtime has no second way to widen a band
    with pytest.raises(ValueError, match="no learned shape for share"):
        widening.table_from_json(no_shape)
    bad = json.loads(json.dumps(good))
    bad["shape"]["count"][0][3] = 99.0  # not non-decreasing
    with pytest.raises(ValueError, match="non-decreasing"):
        widening.table_from_json(bad)
    other = json.loads(json.dumps(good))
    other["shape_probs"] = [0.5] * len(probs)
    with pytest.raises(ValueError, match="shape_probs"):
        widening.table_from_json(other)


def test_learned_shape_reaches_nominal_on_heavy_tailed_held_out_errors() -> None:
    """Errors whose tails are heavier than the model's t says (2 × t(2) around a t(6)
    textbook): no single factor makes both the 80% and the 95% band right, the learned shape
    does, on held-out records (calibration and validation halves, 6 000 each per horizon;
    binomial sd 0.005, tolerance 0.02). This is the study's case: a factor fitted to both
    levels left the education series' 80% bands too wide (89%)."""
    rng = np.random.default_rng(8)
    n = 12_000
    rec = pd.DataFrame({
        "z": 2.0 * rng.standard_t(2, 2 * n), "mean": 0.0, "se": 1.0, "df": 6.0,
        "h": np.repeat([1, 2], n), "part": np.tile(["calibration", "validation"], n),
        "table_key": "count", "kind": "count", "y": 0.0, "base": 1.0, "m0": 0.0, "madj": 0.0,
        "origin_t": 2000.0 + np.arange(2 * n) % 20, "base_key": "b"})
    cal = rec[rec["part"] == "calibration"]
    shape = fit_shape(cal, 6)
    table = CalibrationTable("t", {"count": (1.0,) * 6}, {}, None, {}, {}, {},
                             {"count": shape})
    cov = coverage_table(rec, table)
    val = cov[cov["part"] == "validation"]
    assert_allclose(val["cal80"], 0.80, atol=0.02)
    assert_allclose(val["cal95"], 0.95, atol=0.02)
    c = fit_factor(cal)
    one_factor = (coverage(rec[rec["part"] == "validation"], 0.80, c),
                  coverage(rec[rec["part"] == "validation"], 0.95, c))
    # the one factor's compromise: its 80% band too wide and its 95% band too narrow (each
    # about 0.023 off, 4–5 binomial sd), where the shape is right at both
    assert one_factor[0] > 0.815 and one_factor[1] < 0.935, one_factor


def test_well_specified_line_needs_no_widening() -> None:
    """Straight line + i.i.d. noise: the textbook interval is right (HAC floor can only widen),
    so the learned factors stay close to 1 (at most 1.25)."""
    rng = np.random.default_rng(3)
    series = []
    for i in range(40):
        y = 50 + 2.0 * np.arange(12) + rng.normal(0, 3, 12)
        series.append(StudySeries(f"l{i}", f"l{i}", "count",
                                  pd.Series(y, index=[str(2000 + k) for k in range(12)]),
                                  "sim", "calibration"))
    rec = pd.concat([pd.DataFrame(backtest_series(s, windows=(6,), horizon=3)) for s in series],
                    ignore_index=True)
    table = fit_table(rec)
    assert max(table.factors["count"][:3]) <= 1.25, table.factors["count"]


# ---------------------------------------------------------------------------- the table
def test_factor_interpolates_and_extrapolates() -> None:
    t = _table(count=(2.0, 2.5, 3.0))
    assert_allclose(t.factor("count", [0, 1, 2, 3]), [1.0, 2.0, 2.5, 3.0])
    assert_allclose(t.factor("count", [0.5, 1.5, -2.0]), [1.5, 2.25, 1.0])
    assert_allclose(t.factor("count", [5.0]), [4.0])  # slope 0.5 per year beyond h = 3
    assert_allclose(t.factor("quarterly", [1.0], n=12), [3.0])  # short quarterly series
    assert_allclose(t.factor("quarterly", [1.0], n=40), [1.2])
    flat = _table(count=(2.0, 2.0, 1.9))
    assert_allclose(flat.factor("count", [6.0]), [1.9])  # never decreasing further out


def test_table_roundtrip_and_cached_loading(table_file: Path) -> None:
    first = widening.active_table()
    assert first is not None and first.factors == _table().factors
    assert widening.active_table() is first  # read once (cached by path and mtime)
    doc = json.loads(table_file.read_text())
    doc["factors"]["count"] = [0, 1]
    with pytest.raises(ValueError, match="positive"):
        widening.table_from_json(doc)


def test_estimate_uses_the_table_for_bands_and_probabilities(table_file: Path) -> None:
    """Calibrated band = textbook centre + textbook se × the quantile of the table's shape
    (here the normal widened by the factor); computed from the textbook fit by hand."""
    y = pd.Series([10.0, 12.0, 13.5, 15.0, 16.0, 18.5], index=[str(y) for y in range(2014, 2020)])
    res = estimate(y, target_period="2023")
    assert res.calibrated and res.calibration is not None
    text = estimate(y, calibrated=False)
    raw = text.forecast(target="2023")
    fc = res.forecast()
    assert_allclose(res.forecast(calibrated=False)[["lo80", "hi95"]], raw[["lo80", "hi95"]])
    df = text.core.df_resid  # type: ignore[union-attr]
    c = np.array([2.0, 2.5, 3.0, 3.5])  # h = 1, 2, 3 and the extrapolated 4
    for level, tag in ((0.80, "80"), (0.95, "95")):
        q = stats.t.ppf(0.5 + level / 2, df)
        se = (raw[f"hi{tag}"] - raw["mean"]).to_numpy() / q
        z = stats.norm.ppf(0.5 + level / 2)
        assert_allclose(fc[f"hi{tag}"], raw["mean"] + z * c * se, rtol=1e-10)
        assert_allclose(fc[f"lo{tag}"], raw["mean"] - z * c * se, rtol=1e-10)
    # probability of at least 25 in 2023: 1 − the stored (widened normal) row at the score
    q80 = stats.t.ppf(0.9, df)
    se4 = (raw["hi80"].iloc[-1] - raw["mean"].iloc[-1]) / q80
    probs = np.asarray(widening.SHAPE_PROBS)
    expected = 1.0 - np.interp((25 - raw["mean"].iloc[-1]) / se4, 3.5 * stats.norm.ppf(probs),
                               probs)
    assert_allclose(res.exceedance_probability(25, "2023"), expected, rtol=1e-10)
    # a wider distribution pulls every probability towards one half
    p_cal, p_raw = res.exceedance_probability(25, "2023"), text.exceedance_probability(25, "2023")
    assert abs(p_cal - 0.5) < abs(p_raw - 0.5)
    assert "calibration:  table test" in res.summary()
    assert not estimate(y, calibrated=False).calibrated


def test_damped_steps_and_kept_share() -> None:
    """D(h) = φ + … + φ^h (continuous in h); the centre keeps D(h)/h of the projected change."""
    assert_allclose(widening.damped_steps([1, 2, 3], 0.5), [0.5, 0.75, 0.875])
    assert_allclose(widening.damped_steps([1, 2.5], 1.0), [1.0, 2.5])
    assert_allclose(widening.damped_steps([1, 4], 0.0), [0.0, 0.0])
    assert_allclose(widening.damped_steps([0.0, -1.0], 0.7), [0.0, 0.0])
    t = CalibrationTable("t", {"count": (1.0,)}, {}, None, {"count": 0.5}, {"count": 0.25})
    assert_allclose(t.trend_share("count", [0.0, 1.0, 2.0]), [1.0, 0.5, 0.375])
    assert t.phi("share") == 1.0 and t.alpha("share") == 0.0  # kinds without entries
    assert t.alpha("count") == 0.25 and t.adjusts_centre
    assert not _table().adjusts_centre


def test_calibrated_centre_and_probability_by_hand(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """With damping φ and anchor α the calibrated centre h years ahead is
    (1 − α) × line(t_last) + α × y_last + slope × D(h); the band is that centre ± t quantile ×
    factor × textbook se; the probability of a value is the t survival of the same
    distribution. Line and slope here from numpy's polyfit, the se from the textbook fit."""
    table = CalibrationTable("test", _table().factors, {"created": "2024-01-01"}, None,
                             {"count": 0.5}, {"count": 0.25}, {}, _table().shape)
    path = tmp_path / "calibration.json"
    calibration.write_table(table, path)
    monkeypatch.setenv(widening.ENV_PATH, str(path))
    assert widening.active_table() == widening.table_from_json(json.loads(path.read_text()),
                                                               str(path))
    y = pd.Series([10.0, 12.0, 13.5, 15.0, 16.0, 18.5], index=[str(y) for y in range(2014, 2020)])
    res = estimate(y, target_period="2022")
    assert res.model == "linear"
    slope, icpt = np.polyfit(np.arange(2014, 2020) + 0.5, y.to_numpy(), 1)
    line_last = icpt + slope * 2019.5
    start = 0.75 * line_last + 0.25 * 18.5
    d = np.array([0.5, 0.75, 0.875])
    centre = start + slope * d
    fc = res.forecast()
    assert_allclose(fc["mean"], centre, rtol=1e-10)
    raw = estimate(y, calibrated=False).forecast(target="2022")
    df = res.linear.df_resid  # type: ignore[union-attr]
    se = (raw["hi80"] - raw["mean"]).to_numpy() / stats.t.ppf(0.9, df)
    c = np.array([2.0, 2.5, 3.0])
    z = stats.norm.ppf(0.9)
    assert_allclose(fc["hi80"], centre + z * c * se, rtol=1e-10)
    assert_allclose(fc["lo80"], centre - z * c * se, rtol=1e-10)
    probs = np.asarray(widening.SHAPE_PROBS)
    expected = 1.0 - np.interp((21.0 - centre[-1]) / se[-1], c[-1] * stats.norm.ppf(probs),
                               probs)
    assert_allclose(res.exceedance_probability(21.0, "2022"), expected, rtol=1e-10)
    # the band's edges carry their levels: one distribution for bands and probabilities
    assert_allclose(res.exceedance_probability(float(fc["lo80"].iloc[-1]), "2022"), 0.9)
    # the textbook projection is untouched
    assert_allclose(res.forecast(calibrated=False)["mean"], raw["mean"], rtol=1e-10)
    doc = json.loads(path.read_text())
    doc["damping"]["count"] = 1.5
    with pytest.raises(ValueError, match="damping"):
        widening.table_from_json(doc)


def test_calibrated_centre_keeps_the_seasonal_pattern(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Quarterly series: the centre damps the seasonally adjusted trend and keeps the seasonal
    effects; with φ = 0 and α = 1 it is the mean of the last four quarters plus the seasonal
    effect of each quarter."""
    table = CalibrationTable("test", _table().factors, {}, None,
                             {"quarterly": 0.0}, {"quarterly": 1.0}, {}, _table().shape)
    path = tmp_path / "calibration.json"
    calibration.write_table(table, path)
    monkeypatch.setenv(widening.ENV_PATH, str(path))
    rng = np.random.default_rng(4)
    idx = [f"{2015 + i // 4}Q{i % 4 + 1}" for i in range(24)]
    y = 100 + 2 * np.arange(24) + np.tile([5.0, -3.0, 1.0, -3.0], 6) + rng.normal(0, 1, 24)
    res = estimate(pd.Series(y, index=idx), kind="quarterly")
    fc = res.forecast(horizon=4)
    core = res.core
    t_new = fc["t"].to_numpy()
    season = core.seasonal_effect(t_new)  # type: ignore[union-attr]
    assert_allclose(fc["mean"], np.mean(y[-4:]) + season, rtol=1e-10)


def test_standard_error_floor_gives_an_exact_fit_a_band(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """An exactly straight window has a textbook se of zero; with a floor r the calibrated se
    is at least r × the last value before widening (here 0.1 × 18 × factor 2 at h = 1)."""
    table = CalibrationTable("test", _table().factors, {}, None, {}, {}, {"count": 0.1},
                             _table().shape)
    path = tmp_path / "calibration.json"
    calibration.write_table(table, path)
    monkeypatch.setenv(widening.ENV_PATH, str(path))
    assert widening.active_table().floor("count") == 0.1  # type: ignore[union-attr]
    y = pd.Series([12.0, 14.0, 16.0, 18.0], index=[str(y) for y in range(2016, 2020)])
    res = estimate(y)
    raw = res.forecast(horizon=1, calibrated=False).iloc[0]
    fc = res.forecast(horizon=1).iloc[0]
    assert_allclose(raw["hi95"] - raw["lo95"], 0.0, atol=1e-6)
    q = stats.norm.ppf(0.975)  # the table's shape: the normal times the factor
    assert_allclose(fc["hi95"] - fc["mean"], q * 2.0 * 0.1 * 18.0, rtol=1e-6)
    assert_allclose(fc["mean"], 20.0, rtol=1e-9)


def test_missing_table_gives_textbook_bands(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(widening.ENV_PATH, str(tmp_path / "none.json"))
    assert widening.active_table() is None
    res = estimate(pd.Series([1.0, 2.0, 2.5, 4.0, 5.0], index=[str(y) for y in range(2015, 2020)]))
    assert not res.calibrated
    assert widening.summary() == {"calibrated": False, "version": None, "created": None,
                                     "path": None, "kinds": {}}


def test_committed_table_is_valid_and_meets_its_targets() -> None:
    """The committed table names its series and version; its stored validation coverage meets
    the issue's targets (80% → 75–85%, 95% → 90–98% at every checked horizon)."""
    path = ROOT / "data" / "calibration.json"
    if not path.exists():
        pytest.skip("data/calibration.json not built yet (techmonitor calibrate)")
    table = widening.table_from_json(json.loads(path.read_text()), str(path))
    assert table.version == widening.TABLE_VERSION
    prov = table.meta["provenance"]
    assert prov["calibration_series"] and prov["validation_series"]
    assert not set(prov["calibration_series"]) & set(prov["validation_series"])
    s = widening.summary(table)
    for kind in ("count", "share", "quarterly"):
        v = s["kinds"][kind]["validation"]
        assert v["within_target"], (kind, v)
        assert 0.75 <= v["coverage80"]["min"] and v["coverage80"]["max"] <= 0.85
        assert 0.90 <= v["coverage95"]["min"] and v["coverage95"]["max"] <= 0.98


# ------------------------------------------------------------------- the study on real data
def _small_obs() -> pd.DataFrame:
    """Every kind of study series, each of a few real series: all vacancies and construction's
    (sbi-F) nationally, giving quarterly, count and share series; technical inflow for all and
    for women, giving external counts and the women's share."""
    obs = pd.read_csv(OBS, dtype=str)
    keep = ((obs["indicator"] == "vacancies_open") & (obs["vintage"] == "cbs-83599ned")
            & obs["sector"].isin(["all", "sbi-F"]) & (obs["region"] == "NL"))
    edu = ((obs["indicator"] == "inflow_tech") & (obs["sector"] == "all")
           & (obs["region"] == "NL") & obs["sex"].isin(["all", "vrouw"]))
    return obs[keep | edu]


def test_study_on_a_small_real_subset(tmp_path: Path) -> None:
    obs = _small_obs()
    series = calibration.study_series(obs)
    kinds = {(s.kind, s.part) for s in series}
    assert ("quarterly", "calibration") in kinds or ("quarterly", "validation") in kinds
    assert any(s.kind == "share" for s in series) and any(s.part == "external" for s in series)
    # the split is by base series: each base key's series share one part
    parts: dict[str, set[str]] = {}
    for s in series:
        parts.setdefault(s.base_key, set()).add(s.part)
    assert all(len(p) == 1 for p in parts.values())
    study = calibration.run_study(obs, series=series, obs_path=OBS, created="2024-01-01")
    rec = study.records
    assert set(rec["h"][rec["kind"] == "quarterly"]) == set(range(1, 9))
    assert set(rec["window"][rec["kind"] == "count"]) <= set(calibration.WINDOWS)
    assert set(study.table.factors) == set(widening.TABLE_KEYS)
    calibration.write_table(study.table, tmp_path / "calibration.json")
    files = write_report(study, tmp_path / "report")
    md = (tmp_path / "report" / "calibration.md").read_text()
    assert "## Coverage of the 80% and 95% intervals" in md and "coverage.png" in md
    assert all(f.exists() for f in files)
    loaded = widening.table_from_json(json.loads((tmp_path / "calibration.json").read_text()))
    s = widening.summary(loaded)
    assert s["calibrated"] and s["version"] == widening.TABLE_VERSION
    entry = s["kinds"]["count"]
    assert entry["approach"] in ("learned_shape", "widening") and len(entry["factors"]) == 6
    assert set(entry["centre"]) == {"anchor", "damping"}
    assert 0.0 <= entry["centre"]["damping"] <= 1.0
    some = next(entry[p] for p in ("validation", "calibration") if p in entry)
    assert {"pooled", "min", "max"} <= set(some["coverage80"])
    assert some["n_forecasts"] > 0
    rel = calibration.reliability(calibration.exceedance_probabilities(rec, study.table))
    assert not rel.empty
    assert set(rel.columns) >= {"bin", "n", "predicted", "observed", "ok", "se", "ok_sampling"}
    assert rel["n"].sum() > len(rec)  # several thresholds per forecast
    assert ((rel["predicted"] >= 0) & (rel["predicted"] <= 1)).all()


def test_a_window_that_cannot_be_fitted_is_counted_and_a_bug_is_not_hidden(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import sys

    from techmonitor.errors import DataValidationError

    est = sys.modules["techmonitor.trends.estimate"]  # the module, not the exported function

    values = pd.Series(np.linspace(100.0, 130.0, 12), index=[str(y) for y in range(2005, 2017)])
    series = StudySeries("lin", "lin", "count", values, "sim", "calibration")
    whole = backtest_series(series, windows=(5,), horizon=2)
    real = est.estimate

    def refuse_early(train: Any, **kw: Any) -> Any:
        if train.index[0] == "2005":
            raise DataValidationError("refused by the test")
        return real(train, **kw)

    monkeypatch.setattr(est, "estimate", refuse_early)
    with caplog.at_level("WARNING", logger="techmonitor.calibration.backtests"):
        rows = backtest_series(series, windows=(5,), horizon=2)
    lost = [r for r in whole if r["origin"] == "2009"]
    assert lost and len(rows) == len(whole) - len(lost)
    assert "lin: 1 of 7 training windows could not be fitted" in caplog.text
    assert "refused by the test" in caplog.text

    def bug(train: Any, **kw: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(est, "estimate", bug)
    with pytest.raises(RuntimeError, match="a bug"):
        backtest_series(series, windows=(5,), horizon=2)
