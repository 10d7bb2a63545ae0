"""Fitting and scoring of the calibrated predictive distribution on backtest records.

The records are those of :func:`techmonitor.calibration.backtest_series`: one row per
forecast with the realised value ``z`` and the model's own (textbook) predictive distribution
(``mean``, ``se``, ``df``) on the model scale, the model's trend level at the origin ``m0``, its
seasonally adjusted projection ``madj`` and the last observed level ``base``.

The calibrated distribution (:class:`~techmonitor.trends.widening.CalibrationTable`) moves the
centre (:func:`with_centre`: start level ``(1 − α) m0 + α last``, projected change damped to
``D(h) / h`` of itself) and widens the scale (factor per horizon, :func:`fit_factor`);
:func:`fit_table` learns both per kind. :func:`coverage_table` and :func:`reliability` measure
the result.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from techmonitor.calibration.measure import (
    _floored,
    _quantiles,
    brier,
    coverage,
    exceedance_probabilities,
    last_level_z,
    reliability_term,
    scores,
    with_centre,
)
from techmonitor.trends.widening import (
    RELIABILITY_TOLERANCE,
    SHAPE_PROBS,
    TABLE_KEYS,
    TABLE_VERSION,
    CalibrationTable,
)

#: Largest horizon per table key (years; quarters for quarterly).
HORIZONS: dict[str, int] = {"count": 6, "share": 6, "quarterly": 8, "quarterly_short": 8}


#: Central interval levels the factor is fitted to: the two bands every chart shows. (Fitting
#: 50/80/90/95% together was tried: the 80% bands of counts then came out too wide on the
#: validation part, 85–87% at 2–5 years; the two published levels are what must hold.)
FIT_LEVELS = (0.80, 0.95)


# ---------------------------------------------------------------------- scores and fitting


def fit_factor(records: pd.DataFrame, levels: Sequence[float] = FIT_LEVELS) -> float:
    """The widening factor ``c`` that makes the coverage at ``levels`` closest to nominal
    (least squares over the levels; a grid search, so ties resolve to the smallest ``c``)."""
    if not len(records):
        return 1.0
    s = np.abs(scores(records))
    qs = [_quantiles(records, 0.5 + lv / 2) for lv in levels]
    grid = np.exp(np.linspace(math.log(0.5), math.log(12.0), 1200))
    # ratio r = |score| / q: covered at level lv with factor c iff r <= c
    ratios = [np.sort(s / q) for q in qs]
    loss = np.zeros_like(grid)
    for lv, r in zip(levels, ratios, strict=True):
        cov = np.searchsorted(r, grid, side="right") / len(r)
        loss += (cov - lv) ** 2
    return float(grid[int(np.argmin(loss))])


#: Damping parameters ``φ`` and anchor weights ``α`` tried per kind (grid search of the
#: calibration-part Brier score).
PHI_GRID = tuple(round(0.1 * i, 1) for i in range(11))


ALPHA_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)


#: Centres whose reliability term is within this factor of the best are "as reliable"; among
#: them the one with the lowest Brier score (the sharpest) is kept.
RELIABILITY_NEAR = 1.05


#: Quantiles of the relative standard error (se / last level) tried as the floor, and the
#: share of the no-floor coverage loss a floor must get below to be kept.
FLOOR_QUANTILES = (0.0, 0.05, 0.1, 0.2, 0.3)


FLOOR_GAIN = 0.5


def fit_floor(sub: pd.DataFrame, key: str) -> float:
    """The standard-error floor of one table key: the quantile (of :data:`FLOOR_QUANTILES`)
    of the relative standard errors ``se / |last level|`` of the calibration records that
    brings their 80% and 95% coverage closest to nominal over all horizons once the factors
    are refitted (least squares), kept only when it at least halves the loss without a floor
    (:data:`FLOOR_GAIN`). Shares (logit scale) get none."""
    if not len(sub) or key == "share":
        return 0.0
    rel = (sub["se"] / np.abs(last_level_z(sub))).to_numpy(float)
    rel = rel[np.isfinite(rel) & (rel > 1e-6)]
    if not len(rel):
        return 0.0
    best = (math.inf, 0.0)
    loss0 = math.inf
    for q in FLOOR_QUANTILES:
        r = round(float(np.quantile(rel, q)), 5) if q > 0 else 0.0
        trial = CalibrationTable(TABLE_VERSION, {}, {}, None, {}, {}, {key: r} if r else {})
        floored = _floored(sub, trial)
        fac = _fit_factors(floored, HORIZONS[key])
        loss = 0.0
        for h in range(1, HORIZONS[key] + 1):
            rh = floored[floored["h"] == h]
            if len(rh):
                c = fac[h - 1]
                loss += (coverage(rh, 0.80, c) - 0.80) ** 2 + (coverage(rh, 0.95, c) - 0.95) ** 2
        if q == 0:
            loss0 = loss
        if loss < best[0] - 1e-12:
            best = (loss, r)
    # a floor must repair something (halve the loss), not fine-tune: it is a share of the
    # level learned on vacancy series, and would widen the bands of calmer series (education
    # counts) that never needed it
    return best[1] if best[0] <= FLOOR_GAIN * loss0 else 0.0


def _fit_factors(sub: pd.DataFrame, hmax: int) -> tuple[float, ...]:
    vals: list[float] = []
    for h in range(1, hmax + 1):
        rh = sub[sub["h"] == h]
        c = fit_factor(rh) if len(rh) >= 20 else (vals[-1] if vals else 1.0)
        vals.append(round(max([c, 1.0, *vals]), 4))
    return tuple(vals)


#: Standardized errors beyond this size (a window fitted exactly, whose standard error is
#: about zero) count as this size when the shape's quantiles are taken.
SCORE_CLIP = 1000.0


#: Fewest forecasts a horizon needs for its own row of the shape (else the previous row).
SHAPE_MIN_N = 20


def fit_shape(sub: pd.DataFrame, hmax: int) -> tuple[tuple[float, ...], ...]:
    """The learned shape of one table key: per horizon ``1..hmax`` the quantiles at
    :data:`~techmonitor.trends.widening.SHAPE_PROBS` of the standardized errors
    ``(z − mean) / se`` of ``sub`` (already centred and floored; conformal: the empirical
    distribution of the calibration part's errors). A horizon with fewer than
    :data:`SHAPE_MIN_N` forecasts repeats the previous row; the central 80% and 95% ranges
    never narrow with the horizon (a running widening, as the factors had)."""
    rows: list[np.ndarray] = []
    probs = np.asarray(SHAPE_PROBS)
    hs = sub["h"].to_numpy()
    sc = np.clip(np.nan_to_num(scores(sub), nan=0.0), -SCORE_CLIP, SCORE_CLIP)
    for h in range(1, hmax + 1):
        e = sc[hs == h]
        # symmetric around the centre: the width and the tails are learned, not the sign;
        # a signed shape learns the direction the study's period moved against the trend,
        # which the time split shows does not carry over (count coverage 23-46% at 80%)
        e = np.concatenate([e, -e])
        if len(e) >= SHAPE_MIN_N:
            q = np.quantile(e, probs)
        elif rows:
            q = rows[-1].copy()
        else:
            q = stats.norm.ppf(probs)
        if rows:
            # a later horizon is never more certain than an earlier one: stretch the row
            # around its median when its central ranges came out narrower
            prev = rows[-1]
            med = _at(q, 0.5)
            ratio = max(1.0, *[(_at(prev, b) - _at(prev, a)) / max(_at(q, b) - _at(q, a), 1e-12)
                               for a, b in ((0.1, 0.9), (0.025, 0.975))])
            q = med + (q - med) * ratio
        rows.append(np.maximum.accumulate(q))
    return tuple(tuple(round(float(v), 5) for v in r) for r in rows)


def _at(row: np.ndarray, p: float) -> float:
    """The value of a shape row at the stored probability ``p``."""
    return float(np.asarray(row)[np.isclose(SHAPE_PROBS, p)][0])


def shape_factors(sub: pd.DataFrame, shape: Sequence[Sequence[float]]) -> tuple[float, ...]:
    """How many times as wide as the textbook bands the learned shape's bands are, per
    horizon: the mean over ``sub``'s forecasts of the width of the central 80% and 95% ranges
    against the t distribution's (what the method annex quotes; also used to stretch the
    shape beyond the largest horizon)."""
    out: list[float] = []
    hs = sub["h"].to_numpy()
    for h, row in enumerate(shape, start=1):
        r = np.asarray(row)
        g = sub[hs == h]
        ratios = []
        for lv in (0.80, 0.95):
            w = _at(r, 0.5 + lv / 2) - _at(r, 0.5 - lv / 2)
            q = _quantiles(g, 0.5 + lv / 2) if len(g) else np.array([stats.norm.ppf(0.5 + lv / 2)])
            ratios.append(float(np.mean(w / (2 * q))))
        out.append(round(max([float(np.mean(ratios)), *out]), 4))
    return tuple(out)


def fit_table(
    records: pd.DataFrame,
    meta: dict[str, Any] | None = None,
    phi_grid: Sequence[float] = PHI_GRID,
    alpha_grid: Sequence[float] = ALPHA_GRID,
) -> CalibrationTable:
    """Learn the standard-error floor (:func:`fit_floor`), the centre (anchor ``α``, damping
    ``φ``) and the learned shape per table key (kind) and horizon from the calibration part.

    For each ``(α, φ)`` of the grids and each family (:data:`FAMILIES`) the centre is moved
    (:func:`with_centre`), the distribution around it is learned (``learned_shape``:
    :func:`fit_shape`, empirical quantiles of the standardized errors, symmetric around the
    centre; ``widening``: the model's t distribution with the standard error times a factor
    per horizon, :func:`fit_factor`) and the
    exceedance events of the calibration part are scored: the reliability term of the Brier
    score (:func:`reliability_term`) decides, and among the centres within
    :data:`RELIABILITY_NEAR` of the most reliable one the lowest Brier score (:func:`brier`,
    every origin year weighing the same). When no centre is reliable (root mean squared gap
    above :data:`~techmonitor.trends.widening.RELIABILITY_TOLERANCE` for all of them) the
    model's own centre (``α = 0``, ``φ = 1``) is kept: a criterion that cannot tell the
    centres apart is no reason to move the projection. The Brier score alone prefers
    shrinking a noisy slope to zero even when the series share a drift: sharper on average,
    but then the probabilities are biased (on simulated random walks with drift: observed
    0.71 where 0.55 was predicted), which is what the study must avoid.

    The shape's central ranges never narrow with the horizon (see :func:`fit_shape`). The
    stored ``factors`` say how many times as wide as the textbook bands the learned bands are
    (:func:`shape_factors`); they stretch the shape beyond the largest horizon.
    """
    cal = records[records["part"] == "calibration"]
    factors: dict[str, tuple[float, ...]] = {}
    shapes: dict[str, tuple[tuple[float, ...], ...]] = {}
    damping: dict[str, float] = {}
    anchor: dict[str, float] = {}
    scored: dict[str, dict[str, Any]] = {}
    floors: dict[str, float] = {}
    for key in TABLE_KEYS:
        sub = cal[cal["table_key"] == key]
        floors[key] = fit_floor(sub, key)
        if floors[key] > 0.0:
            sub = _floored(sub, CalibrationTable(TABLE_VERSION, {}, {}, None, {}, {},
                                                 {key: floors[key]}))
        trials: list[tuple[float, float, float, float, str, Any]] = []
        scored[key] = {}
        for family in FAMILIES:
            for alpha in alpha_grid:
                for phi in phi_grid:
                    rel, b, fit = _trial(sub, key, float(alpha), float(phi), family)
                    scored[key][f"{family}:{alpha:.2f}/{phi:.1f}"] = {
                        "reliability": round(rel, 6) if math.isfinite(rel) else None,
                        "brier": round(b, 5) if math.isfinite(b) else None}
                    trials.append((rel, b, float(alpha), float(phi), family, fit))
        finite = [t for t in trials if math.isfinite(t[0])]
        if not finite:
            # no records: the model's own centre and its t distribution
            anchor[key], damping[key], factors[key] = 0.0, 1.0, (1.0,) * HORIZONS[key]
            continue
        rel_min = min(t[0] for t in finite)
        if rel_min <= RELIABILITY_TOLERANCE**2:
            pool = finite
        else:
            # no centre makes the probabilities reliable: the criterion cannot tell the
            # centres apart, so the model's own projection is kept (moving it to the most
            # reliable one, the last level, fails the time split: 80% bands of counts held
            # for 23-47% of the later origins); only the family is chosen
            pool = [t for t in finite if t[2] == 0.0 and t[3] == 1.0]
            rel_min = min(t[0] for t in pool)
        near = [t for t in pool if t[0] <= RELIABILITY_NEAR * rel_min + 1e-5]
        _, _, anchor[key], damping[key], family, fit = min(near, key=lambda t: t[1])
        if family == "widening":
            # the runtime reads a learned shape only: store the widened t as one (the
            # median degrees of freedom of this key's forecasts)
            factors[key] = fit
            shapes[key] = widened_t_shape(sub, fit)
            continue
        shapes[key] = fit
        centred = with_centre(sub, CalibrationTable(TABLE_VERSION, {}, {}, None,
                                                    {key: damping[key]}, {key: anchor[key]}))
        factors[key] = shape_factors(centred, shapes[key])
    m = dict(meta or {})
    m.setdefault("centre_scores_calibration", scored)
    return CalibrationTable(TABLE_VERSION, factors, m, None, damping, anchor,
                            {k: v for k, v in floors.items() if v > 0.0}, shapes)


Shape = tuple[tuple[float, ...], ...]


def widened_t_shape(sub: pd.DataFrame, factors: Sequence[float]) -> Shape:
    """The ``widening`` family (t distribution, standard error times ``factors[h - 1]``) as a
    learned shape: per horizon the t quantiles at :data:`SHAPE_PROBS` times the factor, with
    the median degrees of freedom of the records (normal when none is finite)."""
    df = sub["df"].to_numpy(float) if "df" in sub else np.array([])
    df = df[np.isfinite(df)]
    probs = np.asarray(SHAPE_PROBS)
    q = stats.t.ppf(probs, float(np.median(df))) if len(df) else stats.norm.ppf(probs)
    return tuple(tuple(float(c) * q) for c in factors)


#: The two families of calibrated distributions :func:`fit_table` chooses between per kind.
FAMILIES = ("learned_shape", "widening")


def _trial(sub: pd.DataFrame, key: str, alpha: float, phi: float,
           family: str = "learned_shape") -> tuple[float, float, Shape | tuple[float, ...]]:
    """Calibration-part reliability term, Brier score and learned shape (or, for the
    ``widening`` family, the widening factors of the t distribution) of one centre
    ``(α, φ)``."""
    trial = CalibrationTable(TABLE_VERSION, {}, {}, None, {key: phi}, {key: alpha})
    centred = with_centre(sub, trial)
    if family == "widening":
        fac = _fit_factors(centred, HORIZONS[key])
        trial = CalibrationTable(TABLE_VERSION, {key: fac}, {}, None, {key: phi}, {key: alpha})
        ev = exceedance_probabilities(centred, trial, centred=True)
        return reliability_term(ev), brier(ev), fac
    shape = fit_shape(centred, HORIZONS[key])
    trial = CalibrationTable(TABLE_VERSION, {key: (1.0,)}, {}, None, {key: phi},
                             {key: alpha}, {}, {key: shape})
    ev = exceedance_probabilities(centred, trial, centred=True)
    return reliability_term(ev), brier(ev), shape
