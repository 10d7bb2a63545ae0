"""Measuring a calibrated predictive distribution on backtest records: scores, the
calibrated centre (:func:`with_centre`), coverage of the bands (:func:`coverage_table`) and
reliability of the probabilities of exceeding a value (:func:`exceedance_probabilities`,
:func:`reliability`). :mod:`techmonitor.calibration.fit` learns the table with these.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from techmonitor.trends.widening import (
    RELIABILITY_TOLERANCE,
    SHAPE_PROBS,
    CalibrationTable,
)

#: Reliability of exceedance probabilities: bins of predicted probability and the tolerance of
#: |observed frequency − mean predicted probability| in a bin with at least RELIABILITY_MIN_N
#: events.
RELIABILITY_BINS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


RELIABILITY_MIN_N = 100


#: Thresholds of the exceedance events: the value ``base * (1 + g)`` for these ``g``, with base
#: the last observed value (annual) or the mean of the last four quarters (quarterly) — the
#: shape of a target ("at least 5% more than now").
EVENT_CHANGES = (-0.20, -0.10, -0.05, 0.0, 0.05, 0.10, 0.20)


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


def last_level_z(records: pd.DataFrame) -> np.ndarray:
    """The last observed level of each record's training window on the model scale (``base``:
    the last value, or the mean of the last four quarters; logit for shares), as
    :func:`techmonitor.trends.predictive.last_level` gives it."""
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
    """``P(score >= x)`` row by row (as :func:`~techmonitor.trends.predictive.shape_sf`, but
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


def _floored(records: pd.DataFrame, table: CalibrationTable) -> pd.DataFrame:
    """The records with ``se`` raised to the table's floor (share of the last level; only
    identity-scale kinds), as :func:`techmonitor.trends.predictive.predict` does."""
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
