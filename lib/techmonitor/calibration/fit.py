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
#: Reliability of exceedance probabilities: bins of predicted probability and the tolerance of
#: |observed frequency − mean predicted probability| in a bin with at least RELIABILITY_MIN_N
#: events.
RELIABILITY_BINS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
RELIABILITY_MIN_N = 100
#: Thresholds of the exceedance events: the value ``base * (1 + g)`` for these ``g``, with base
#: the last observed value (annual) or the mean of the last four quarters (quarterly) — the
#: shape of a target ("at least 5% more than now").
EVENT_CHANGES = (-0.20, -0.10, -0.05, 0.0, 0.05, 0.10, 0.20)



# ---------------------------------------------------------------------- scores and fitting
def scores(records: pd.DataFrame) -> np.ndarray:
    """Standardized errors ``(z - mean) / se`` of backtest records (model scale)."""
    return ((records["z"] - records["mean"]) / records["se"]).to_numpy(float)


def _quantiles(records: pd.DataFrame, p: float) -> np.ndarray:
    df = records["df"].to_numpy(float)
    q = np.where(np.isfinite(df), stats.t.ppf(p, np.where(np.isfinite(df), df, 1.0)),
                 stats.norm.ppf(p))
    return np.asarray(q, float)


def coverage(records: pd.DataFrame, level: float, factor: np.ndarray | float = 1.0) -> float:
    """Share of records whose realised value lies in the central ``level`` interval, with the
    standard error multiplied by ``factor`` (scalar or one per record)."""
    if not len(records):
        return math.nan
    q = _quantiles(records, 0.5 + level / 2)
    return float(np.mean(np.abs(scores(records)) <= q * np.asarray(factor, float)))


def shape_coverage(records: pd.DataFrame, rows: np.ndarray, level: float) -> float:
    """Share of records whose standardized error lies in the central ``level`` range of its
    learned shape ``rows`` (one row per record)."""
    if not len(records):
        return math.nan
    probs = np.asarray(SHAPE_PROBS)
    lo = rows[:, np.isclose(probs, 0.5 - level / 2)][:, 0]
    hi = rows[:, np.isclose(probs, 0.5 + level / 2)][:, 0]
    sc = scores(records)
    return float(np.mean((sc >= lo) & (sc <= hi)))


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


def last_level_z(records: pd.DataFrame) -> np.ndarray:
    """The last observed level of each record's training window on the model scale (``base``:
    the last value, or the mean of the last four quarters; logit for shares), as
    :meth:`techmonitor.trends.TrendResult.last_level` gives it."""
    from techmonitor.trends.result import Scale

    base = records["base"].to_numpy(float)
    share = (records["kind"] == "share").to_numpy()
    return np.where(share, Scale("logit").fwd(base), base)


def with_centre(records: pd.DataFrame, table: CalibrationTable | None) -> pd.DataFrame:
    """The records with ``mean`` replaced by the table's calibrated centre (a copy).

    The centre starts at ``(1 − α) m0 + α a`` (``m0``: the model's trend level at the origin,
    ``a``: the last observed level, :func:`last_level_z`) and keeps the share ``D(h) / h`` of
    the model's projected, seasonally adjusted change (``madj − m0``); seasonal effects stay.
    Without a table, or when it leaves the centre alone, the records are returned as they are.
    """
    if table is None or not len(records) or not (table.adjusts_centre or table.se_floor):
        return records
    records = _floored(records, table)
    if not table.adjusts_centre:
        return records
    keep = np.ones(len(records))
    alpha = np.zeros(len(records))
    keys = records["table_key"].to_numpy()
    hs = records["h"].to_numpy(float)
    for key in set(keys.tolist()):
        m = keys == key
        keep[m] = table.trend_share(key, hs[m])
        alpha[m] = table.alpha(key)
    out = records.copy()
    m0 = records["m0"].to_numpy(float)
    change = records["madj"].to_numpy(float) - m0
    out["mean"] = (records["mean"].to_numpy(float) - change * (1.0 - keep)
                   + alpha * (last_level_z(records) - m0))
    return out


def _floored(records: pd.DataFrame, table: CalibrationTable) -> pd.DataFrame:
    """The records with ``se`` raised to the table's floor (share of the last level; only
    identity-scale kinds), as :meth:`techmonitor.trends.TrendResult.prediction` does."""
    if not table.se_floor:
        return records
    r = np.zeros(len(records))
    keys = records["table_key"].to_numpy()
    for key in set(keys.tolist()):
        r[keys == key] = table.floor(key)
    r[(records["kind"] == "share").to_numpy()] = 0.0
    if not r.any():
        return records
    out = records.copy()
    out["se"] = np.maximum(records["se"].to_numpy(float),
                           r * np.abs(last_level_z(records)))
    return out


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


def shape_rows_for(records: pd.DataFrame, table: CalibrationTable) -> np.ndarray | None:
    """The table's shape rows of each record (``None`` when no record's kind has a shape;
    rows of kinds without one are NaN)."""
    keys = records["table_key"].to_numpy()
    if not any(table.has_shape(k) for k in set(keys.tolist())):
        return None
    out = np.full((len(records), len(SHAPE_PROBS)), np.nan)
    hs = records["h"].to_numpy(float)
    for key in set(keys.tolist()):
        if table.has_shape(key):
            m = keys == key
            out[m] = table.shape_rows(key, hs[m])
    return out


def _grouped_sf(rows: np.ndarray, x: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """``P(score >= x)`` row by row (as :func:`~techmonitor.trends.widening.shape_sf`, but
    vectorised over ``groups`` of records that share one row: a table key and horizon)."""
    probs = np.asarray(SHAPE_PROBS)
    out = np.full(len(x), np.nan)
    for gi in np.unique(groups):
        m = groups == gi
        r = rows[np.argmax(m)]
        xv = x[m]
        cdf = np.interp(xv, r, probs, left=probs[0], right=probs[-1])
        out[m] = np.where(np.isnan(xv), np.nan, 1.0 - cdf)
    return out


def brier(events: pd.DataFrame, per_year: bool = True) -> float:
    """Brier score ``(p − hit)²`` of exceedance events (lower is better).

    ``per_year``: every forecast-origin year weighs the same (the mean of the yearly means).
    The study has far more series from 2011 on (table 83599ned) than before; unweighted, the
    long rise of vacancies in 2014–2022 would decide the damping alone.
    """
    if not len(events):
        return math.nan
    sq = (events["p"].to_numpy(float) - events["hit"].to_numpy(float)) ** 2
    if not per_year:
        return float(np.mean(sq))
    years = np.floor(events["origin_t"].to_numpy(float))
    return float(pd.Series(sq).groupby(years).mean().mean())


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


def reliability_term(events: pd.DataFrame) -> float:
    """The reliability term of the Brier score's decomposition (Murphy 1973): the
    event-weighted mean of ``(mean predicted − observed frequency)²`` over the probability bins
    of :data:`RELIABILITY_BINS` (0: perfectly reliable)."""
    if not len(events):
        return math.nan
    p = events["p"].to_numpy(float)
    hit = events["hit"].to_numpy(float)
    edges = np.asarray(RELIABILITY_BINS)
    b = np.clip(np.digitize(p, edges[1:-1]), 0, len(edges) - 2)
    n = np.bincount(b, minlength=len(edges) - 1).astype(float)
    gap = np.bincount(b, weights=p - hit, minlength=len(edges) - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sq = np.where(n > 0, (gap / np.maximum(n, 1.0)) ** 2, 0.0)
    return float(np.sum(n * sq) / np.sum(n))


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


def factors_for(records: pd.DataFrame, table: CalibrationTable | None) -> np.ndarray:
    """The table's factor for each record (1 without a table)."""
    out = np.ones(len(records))
    if table is None or not len(records):
        return out
    keys = records["table_key"].to_numpy()
    hs = records["h"].to_numpy(float)
    for key in set(keys.tolist()):
        m = keys == key
        if m.any() and key in table.factors:
            out[m] = table.factor(key, hs[m])
    return out


def exceedance_probabilities(
    records: pd.DataFrame, table: CalibrationTable | None, centred: bool = False
) -> pd.DataFrame:
    """Exceedance events of the backtest forecasts and their predicted probabilities.

    For each forecast and each ``g`` in :data:`EVENT_CHANGES` the event is "the realised value is
    at least ``base * (1 + g)``" (``base``: last observed value, or mean of the last four
    quarters). Returns ``kind`` (table key), ``h``, ``part``, ``p`` (predicted probability under the
    calibrated distribution, or the textbook one without a table) and ``hit`` (the event
    happened), ``origin_t`` and ``base_key`` (for the block bootstrap of :func:`reliability`).
    ``centred``: the records' ``mean`` already is the table's centre (:func:`with_centre`).
    """
    if not len(records):
        return pd.DataFrame(columns=["kind", "h", "part", "p", "hit", "origin_t", "base_key"])
    if not centred:
        records = with_centre(records, table)
    c = factors_for(records, table)
    rows = None if table is None else shape_rows_for(records, table)
    # records of one table key and horizon share their shape row
    groups = pd.factorize(records["table_key"].astype(str) + "|"
                          + records["h"].astype(float).astype(str))[0]
    df = records["df"].to_numpy(float)
    parts = []
    for g in EVENT_CHANGES:
        v = records["base"].to_numpy(float) * (1 + g)
        share = (records["kind"] == "share").to_numpy()
        ok = ~share | ((v > 0) & (v < 100))
        vv = np.where(share, np.clip(v, 1e-6, 100 - 1e-6), v)
        with np.errstate(invalid="ignore", divide="ignore"):
            zv = np.where(share, np.log(vv / (100 - vv)), vv)
            # a zero standard error (a perfectly straight window) gives a certain forecast
            sc = (zv - records["mean"].to_numpy(float)) / (records["se"].to_numpy(float) * c)
        p = np.where(np.isfinite(df), stats.t.sf(sc, np.where(np.isfinite(df), df, 1.0)),
                     stats.norm.sf(sc))
        if rows is not None:
            # a learned shape already holds the widening (as the runtime reads it): its
            # score is not divided by the factor again
            learned = ~np.isnan(rows[:, 0])
            p[learned] = _grouped_sf(rows[learned], (sc * c)[learned], groups[learned])
        # a threshold exactly at a certain forecast (0 / 0): the event happens
        p = np.where(np.isnan(p), (zv <= records["mean"].to_numpy(float)).astype(float), p)
        parts.append(pd.DataFrame({
            "kind": records["table_key"].to_numpy()[ok], "h": records["h"].to_numpy()[ok],
            "part": records["part"].to_numpy()[ok], "p": p[ok],
            "hit": (records["y"].to_numpy(float) >= v)[ok],
            "origin_t": records["origin_t"].to_numpy(float)[ok],
            "base_key": records["base_key"].to_numpy()[ok],
        }))
    return pd.concat(parts, ignore_index=True)


def reliability(events: pd.DataFrame, n_boot: int = 300, seed: int = 0) -> pd.DataFrame:
    """Reliability table: per kind and probability bin the number of events, the mean predicted
    probability, the observed frequency and whether they agree.

    ``ok``: ``|observed − predicted| <= RELIABILITY_TOLERANCE`` (bins with fewer than
    :data:`RELIABILITY_MIN_N` events are not judged: ``None``). The events are far from
    independent: every series of a year shares the business cycle, and one forecast gives
    seven events. ``se`` is therefore a block-bootstrap standard error of the gap, resampling
    whole forecast-origin years (``n_boot`` draws), and ``ok_sampling`` judges the gap
    against ``max(RELIABILITY_TOLERANCE, 2 se)``: a gap a study of this many independent
    years cannot tell from zero.
    """
    rows = []
    edges = np.asarray(RELIABILITY_BINS)
    rng = np.random.default_rng(seed)
    for kind, g in events.groupby("kind", sort=False):
        p = g["p"].to_numpy(float)
        hit = g["hit"].to_numpy(float)
        b = np.clip(np.digitize(p, edges[1:-1]), 0, len(edges) - 2)
        years = np.floor(g["origin_t"].to_numpy(float)) if "origin_t" in g else np.zeros(len(g))
        uy, yi = np.unique(years, return_inverse=True)
        w = rng.multinomial(len(uy), np.full(len(uy), 1.0 / len(uy)), size=n_boot)
        for i in range(len(edges) - 1):
            m = b == i
            n = int(m.sum())
            if not n:
                continue
            pm = float(p[m].mean())
            obs = float(hit[m].mean())
            cnt = np.bincount(yi[m], minlength=len(uy)).astype(float)
            gap_y = np.bincount(yi[m], weights=hit[m] - p[m], minlength=len(uy))
            with np.errstate(invalid="ignore", divide="ignore"):
                gaps = (w @ gap_y) / (w @ cnt)
            se = float(np.nanstd(gaps)) if np.isfinite(gaps).sum() > 1 else math.nan
            judged = n >= RELIABILITY_MIN_N
            tol = max(RELIABILITY_TOLERANCE, 2 * se) if math.isfinite(se) else \
                RELIABILITY_TOLERANCE
            rows.append({
                "kind": kind, "bin": f"{edges[i]:.1f}–{edges[i + 1]:.1f}", "n": n,
                "years": int((cnt > 0).sum()),
                "predicted": round(pm, 4), "observed": round(obs, 4),
                "se": round(se, 4) if math.isfinite(se) else None,
                "ok": bool(abs(obs - pm) <= RELIABILITY_TOLERANCE) if judged else None,
                "ok_sampling": bool(abs(obs - pm) <= tol) if judged else None,
            })
    return pd.DataFrame(rows, columns=["kind", "bin", "n", "years", "predicted", "observed",
                                       "se", "ok", "ok_sampling"])


def coverage_table(records: pd.DataFrame, table: CalibrationTable | None) -> pd.DataFrame:
    """Coverage of the 80% and 95% intervals per part, table key (``kind``) and horizon,
    textbook and calibrated.

    Returns
    -------
    pandas.DataFrame
        ``part``, ``kind`` (table key), ``h``, ``n``, ``raw80``, ``raw95``, ``cal80``,
        ``cal95``.
    """
    rows = []
    records = records.reset_index(drop=True)
    centred = with_centre(records, table)
    c = factors_for(records, table)
    shape = None if table is None else shape_rows_for(centred, table)
    groups = records.groupby(["part", "table_key", "h"], sort=True).groups
    for (part, kind, h), idx in groups.items():
        g = records.loc[idx]
        gc = centred.loc[idx]
        ix = np.asarray(idx)
        if shape is not None and not np.isnan(shape[ix[0], 0]):
            cal80 = shape_coverage(gc, shape[ix], 0.80)
            cal95 = shape_coverage(gc, shape[ix], 0.95)
        else:
            cal80, cal95 = coverage(gc, 0.80, c[ix]), coverage(gc, 0.95, c[ix])
        rows.append({
            "part": part, "kind": kind, "h": int(h), "n": len(g),
            "raw80": coverage(g, 0.80), "raw95": coverage(g, 0.95),
            "cal80": cal80, "cal95": cal95,
        })
    return pd.DataFrame(rows, columns=["part", "kind", "h", "n", "raw80", "raw95", "cal80",
                                       "cal95"])
