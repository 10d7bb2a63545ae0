"""Fitting and scoring of the calibrated predictive distribution on backtest records.

The records are those of :func:`techmonitor.trends.calibration.backtest_series`: one row per
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
    ``φ``) and the widening factors per table key (kind) and horizon from the calibration
    part.

    For each ``(α, φ)`` of the grids the centre is moved (:func:`with_centre`), the widening
    factors are fitted to the errors around it (80%/95% coverage, :func:`fit_factor`) and the
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

    Factors are made non-decreasing in the horizon (a later year is never more certain than an
    earlier one with the same model): a running maximum over horizons. They are at least 1:
    the method only widens the textbook bands (which already hold the parameter uncertainty);
    narrower bands would be fitting the noise of a small study. A horizon with fewer than 20
    forecasts keeps the previous horizon's factor.
    """
    cal = records[records["part"] == "calibration"]
    factors: dict[str, tuple[float, ...]] = {}
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
        trials: list[tuple[float, float, float, float, tuple[float, ...]]] = []
        scored[key] = {}
        for alpha in alpha_grid:
            for phi in phi_grid:
                rel, b, fac = _trial(sub, key, float(alpha), float(phi))
                scored[key][f"{alpha:.2f}/{phi:.1f}"] = {
                    "reliability": round(rel, 6) if math.isfinite(rel) else None,
                    "brier": round(b, 5) if math.isfinite(b) else None}
                trials.append((rel, b, float(alpha), float(phi), fac))
        finite = [t for t in trials if math.isfinite(t[0])]
        own = next(t for t in trials if t[2] == 0.0 and t[3] == 1.0) if trials else None
        rel_min = min((t[0] for t in finite), default=math.nan)
        if own is not None and not rel_min <= RELIABILITY_TOLERANCE**2:
            # no centre makes the probabilities reliable (or no records): the criterion
            # cannot tell the centres apart, so the model's own projection is kept
            anchor[key], damping[key], factors[key] = 0.0, 1.0, own[4]
            continue
        near = [t for t in finite if t[0] <= RELIABILITY_NEAR * rel_min + 1e-5]
        _, _, anchor[key], damping[key], factors[key] = min(near, key=lambda t: t[1])
    m = dict(meta or {})
    m.setdefault("centre_scores_calibration", scored)
    return CalibrationTable(TABLE_VERSION, factors, m, None, damping, anchor,
                            {k: v for k, v in floors.items() if v > 0.0})


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


def _trial(sub: pd.DataFrame, key: str, alpha: float, phi: float
           ) -> tuple[float, float, tuple[float, ...]]:
    """Calibration-part reliability term, Brier score and widening factors of one centre
    ``(α, φ)``."""
    trial = CalibrationTable(TABLE_VERSION, {}, {}, None, {key: phi}, {key: alpha})
    centred = with_centre(sub, trial)
    fac = _fit_factors(centred, HORIZONS[key])
    trial = CalibrationTable(TABLE_VERSION, {key: fac}, {}, None, {key: phi}, {key: alpha})
    ev = exceedance_probabilities(centred, trial, centred=True)
    return reliability_term(ev), brier(ev), fac


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
    groups = records.groupby(["part", "table_key", "h"], sort=True).groups
    for (part, kind, h), idx in groups.items():
        g = records.loc[idx]
        gc = centred.loc[idx]
        cg = c[np.asarray(idx)]
        rows.append({
            "part": part, "kind": kind, "h": int(h), "n": len(g),
            "raw80": coverage(g, 0.80), "raw95": coverage(g, 0.95),
            "cal80": coverage(gc, 0.80, cg), "cal95": coverage(gc, 0.95, cg),
        })
    return pd.DataFrame(rows, columns=["part", "kind", "h", "n", "raw80", "raw95", "cal80",
                                       "cal95"])
