"""Calibration of prediction intervals: rolling-origin study on real series, and the table.

Why
---
The textbook prediction interval of a 4–8 point straight-line fit only knows the scatter around
that line; it does not know that lines bend. Backtested on the long CBS vacancy series the
nominal 80% intervals held for only about half of the forecasts. This module

* builds the study series from ``data/observations.csv`` (:func:`study_series`): CBS open
  vacancies per SBI sector (table 80472ned, 1997–) and per province/landsdeel × sector (table
  83599ned, 2011–), as quarterly series (kind ``quarterly``), annual means of four quarters
  (kind ``count``) and annual shares of a total (kind ``share``: sector in the national total,
  province in the national total, sector within its region);
* backtests :func:`techmonitor.trends.estimate` exactly as the reports call it
  (:func:`backtest_series`): annual training windows of 4–8 points, horizons 1–6 years;
  quarterly series from their first quarter (as the reports pass them), at least 8 quarters,
  horizons 1–8 quarters;
* learns a widening factor per kind and horizon (:func:`fit_table`) on the *calibration part*
  of the series and measures coverage and the reliability of exceedance probabilities on the
  held-out *validation part* and on *external* education series that were never used
  (:func:`evaluate`);
* writes the table (:func:`write_table`) to ``data/calibration.json``; the runtime only reads
  it (:func:`techmonitor.trends.widening.active_table`): :func:`techmonitor.trends.estimate`
  attaches it to every result, so every band, projection and probability of meeting a target
  uses the calibrated distribution.

The calibrated predictive distribution
--------------------------------------
For a forecast ``h`` periods ahead the model gives a mean ``m`` and standard error ``s`` on the
model scale (identity, or logit for shares). The calibrated distribution has a centre ``m*``
(the model's, or moved towards the last level with a damped trend where that makes the
probabilities reliable on the calibration part) and a *learned shape*::

    (z - m*) / s ~ F(kind, h)

``F`` is the empirical distribution of the standardized backtest errors of the calibration
part for that kind and horizon (conformal: stored as quantiles, symmetric around the
centre), so bands and probabilities of exceeding a value come from one distribution whose
width *and* tails are learned, not only a width laid over a t distribution. Why symmetric:
a signed shape also learns the direction in which the study's period moved against the
trend; it made the validation probabilities of counts nearly reliable but broke the time
split (80% bands of counts held for 23-47% of the later origins), so only width and tails
are learned. Why not the t times a factor (format 3): that one width had to serve both the
80% and 95% levels and came out too wide on the education series never used (80% bands held
89%); the learned tails are heavier than a t's, which narrows the 80% band and keeps the 95%
one. Between horizons the quantile functions are interpolated; beyond the largest horizon the
last one is stretched along the line through the last three equivalent factors.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from techmonitor.calibration.backtests import (
    CHECK_HORIZONS,
    KINDS,
    MIN_TRAIN_QUARTERS,
    RECORD_COLUMNS,
    VALIDATION_MODULUS,
    WINDOWS,
    StudySeries,
    backtest_series,
    run_backtests,
    split_part,
    study_series,
)
from techmonitor.calibration.fit import (
    ALPHA_GRID,
    FAMILIES,
    FIT_LEVELS,
    FLOOR_GAIN,
    FLOOR_QUANTILES,
    HORIZONS,
    PHI_GRID,
    RELIABILITY_NEAR,
    fit_factor,
    fit_floor,
    fit_shape,
    fit_table,
)
from techmonitor.calibration.measure import (
    EVENT_CHANGES,
    RELIABILITY_BINS,
    RELIABILITY_MIN_N,
    brier,
    coverage,
    coverage_table,
    exceedance_probabilities,
    factors_for,
    last_level_z,
    reliability,
    reliability_term,
    scores,
    with_centre,
)
from techmonitor.trends.widening import (
    RELIABILITY_TOLERANCE,
    SHAPE_PROBS,
    SHORT_QUARTERS,
    TABLE_KEYS,
    CalibrationTable,
)

log = logging.getLogger(__name__)

__all__ = [
    "ALPHA_GRID", "CHECK_HORIZONS", "EVENT_CHANGES", "FAMILIES", "FIT_LEVELS", "HORIZONS", "KINDS",
    "MIN_TRAIN_QUARTERS", "PHI_GRID", "RECORD_COLUMNS", "RELIABILITY_BINS", "RELIABILITY_MIN_N",
    "RELIABILITY_NEAR", "TARGET_RANGES", "VALIDATION_MODULUS", "WINDOWS", "StudySeries",
    "Study", "backtest_series", "brier", "coverage", "coverage_table",
    "exceedance_probabilities", "factors_for", "fit_factor", "fit_floor", "fit_shape", "fit_table",
    "last_level_z",
    "reliability", "reliability_term", "run_backtests", "run_study", "scores", "split_part",
    "study_series", "table_json", "with_centre", "write_table",
]

#: Target ranges of the issue: nominal 80% → 75–85%, nominal 95% → 90–98%.
TARGET_RANGES = {0.80: (0.75, 0.85), 0.95: (0.90, 0.98)}


# ---------------------------------------------------------------------------- the study
@dataclass
class Study:
    """Result of :func:`run_study`: the records, the learned table and its checks.

    ``reliability`` (calibrated) and ``reliability_raw`` (textbook) are measured on the
    validation part; ``time_split`` is the coverage table of the time split (table learned on
    origins before 2014) and ``reliability_time`` its reliability on the later origins;
    ``reliability_external`` is measured on the external education series.
    """

    records: pd.DataFrame
    table: CalibrationTable
    coverage: pd.DataFrame
    reliability: pd.DataFrame
    reliability_raw: pd.DataFrame
    time_split: pd.DataFrame
    reliability_time: pd.DataFrame = field(default_factory=pd.DataFrame)
    reliability_external: pd.DataFrame = field(default_factory=pd.DataFrame)
    time_table: CalibrationTable | None = None


def _pooled(cov: pd.DataFrame, part: str, key: str, col: str, hmax: int) -> dict[str, Any]:
    g = cov[(cov["part"] == part) & (cov["kind"] == key) & (cov["h"] <= hmax)]
    if not len(g):
        return {}
    w = g["n"].to_numpy(float)
    vals = g[col].to_numpy(float)
    return {"pooled": round(float(np.sum(w * vals) / np.sum(w)), 4),
            "min": round(float(vals.min()), 4), "max": round(float(vals.max()), 4)}


def _checks(cov: pd.DataFrame) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in ("calibration", "validation", "external"):
        per: dict[str, Any] = {}
        for key in TABLE_KEYS:
            hmax = CHECK_HORIZONS.get(key, 8)
            g = cov[(cov["part"] == part) & (cov["kind"] == key) & (cov["h"] <= hmax)]
            if not len(g):
                continue
            per[key] = {
                "horizons": f"1-{int(g['h'].max())}",
                "n_forecasts": int(g["n"].sum()),
                "coverage80": _pooled(cov, part, key, "cal80", hmax),
                "coverage95": _pooled(cov, part, key, "cal95", hmax),
                "textbook80": _pooled(cov, part, key, "raw80", hmax),
                "textbook95": _pooled(cov, part, key, "raw95", hmax),
                "within_target": bool(
                    g["cal80"].between(*TARGET_RANGES[0.80]).all()
                    and g["cal95"].between(*TARGET_RANGES[0.95]).all()),
            }
        out[part] = per
    return out


def _provenance(series: Sequence[StudySeries], obs_path: Path | None) -> dict[str, Any]:
    parts: dict[str, list[str]] = {"calibration": [], "validation": [], "external": []}
    for s in series:
        if s.part != "external" and s.base_key not in parts[s.part]:
            parts[s.part].append(s.base_key)
    ext = sorted({s.key.split("|")[1] for s in series if s.part == "external"})
    prov: dict[str, Any] = {
        "data": "data/observations.csv, indicator vacancies_open (status definitive, sex all)",
        "tables": {
            "cbs-80472ned": "CBS StatLine 80472ned, open vacancies by SBI 2008 sector, national, "
                            "1997Q1-2023Q2",
            "cbs-83599ned": "CBS StatLine 83599NED, open vacancies by SBI section x landsdeel/"
                            "province, 2011Q1-2023Q2",
        },
        "series_built": [
            "quarterly: each (table, sector, region) series as published",
            "count: annual mean of the four quarters (complete years only)",
            "share: annual sector share of its region's all-sector total; annual province/"
            "landsdeel share of the national total",
        ],
        "split": f"by series: sha256(table|sector|region)[0] % {VALIDATION_MODULUS} == 0 is "
                 "validation; the quarterly, annual and share series of one base series are "
                 "always in the same part",
        "calibration_series": sorted(parts["calibration"]),
        "validation_series": sorted(parts["validation"]),
        "external_check": "education series never used for calibration (DUO, 5 school years, "
                          "window 4, horizon 1): " + ", ".join(ext),
    }
    if obs_path is not None and obs_path.exists():
        prov["observations_sha256"] = hashlib.sha256(obs_path.read_bytes()).hexdigest()
    return prov


#: Forecast origins before this year train the time split's table; later ones check it.
TIME_CUT = 2014.0


def _time_split(records: pd.DataFrame, cut: float = TIME_CUT
                ) -> tuple[pd.DataFrame, CalibrationTable, pd.DataFrame]:
    """The time split: centre and factors learned on forecast origins before ``cut`` (all
    series), checked on the origins from ``cut`` on (a harder check: the later origins are the
    long rise of 2014–2022 and 2020). Returns the coverage table, the table and the
    reliability of the later origins."""
    r = records[records["part"] != "external"].copy()
    r["part"] = np.where(r["origin_t"] < cut, "calibration", "validation")
    table = fit_table(r)
    rel = reliability(exceedance_probabilities(r[r["part"] == "validation"], table))
    return coverage_table(r, table), table, rel


def run_study(
    obs: pd.DataFrame,
    workers: int = 1,
    series: Sequence[StudySeries] | None = None,
    obs_path: Path | None = None,
    created: str | None = None,
    records: pd.DataFrame | None = None,
) -> Study:
    """The whole calibration study: backtests, factors, coverage and reliability.

    Parameters
    ----------
    obs
        Observations (see :func:`study_series`).
    workers
        Processes for the backtests.
    series
        Use these series instead of :func:`study_series` (tests use a small subset).
    obs_path
        Path of observations.csv, hashed into the table's provenance.
    created
        Date stamp stored in the table (default: today).
    records
        Backtest records of ``series`` from an earlier :func:`run_backtests` (the backtests
        are the slow part; the fitting and checks take about a minute).

    Returns
    -------
    Study
    """
    import datetime as dt

    chosen = list(study_series(obs)) if series is None else list(series)
    if records is None:
        records = run_backtests(chosen, workers=workers)
    meta: dict[str, Any] = {
        "created": created or dt.date.today().isoformat(),
        "method": {
            "en": "The calibrated predictive distribution of each trend model has a moved "
                  "centre and a learned shape, both learned per kind from rolling-origin "
                  "backtests of the reports' own trend estimate on CBS vacancy series. The "
                  "centre starts from a mix of the model's trend level and the last observed "
                  "level (weight alpha) and keeps a damped share D(h)/h of the projected "
                  "change (D(h) = phi + ... + phi^h); alpha and phi make the probabilities of "
                  "exceeding a value as reliable as possible on the calibration part (the "
                  "reliability term of the Brier score; among near ties the lowest Brier "
                  "score); when no centre is reliable on the calibration part the model's "
                  "own centre is kept (alpha 0, phi 1). The shape is, per kind and horizon, "
                  "the distribution of the standardized errors (realised minus centre, "
                  "divided by the model's predictive standard error) of the calibration "
                  "part, made symmetric around the centre and stored as quantiles; bands "
                  "and probabilities of exceeding a value are read from it (conformal "
                  "prediction). Where forecasts with an exactly fitting "
                  "window (a standard error of about zero) keep intervals from holding, the "
                  "standard error is first raised to a floor, a share of the last level "
                  "(a quantile of the relative standard errors, kept only when it halves "
                  "the calibration part's coverage loss).",
            "fit_levels": list(FIT_LEVELS),
            "alpha_grid": list(ALPHA_GRID),
            "phi_grid": list(PHI_GRID),
            "reliability_near": RELIABILITY_NEAR,
            "floor_quantiles": list(FLOOR_QUANTILES),
            "floor_gain": FLOOR_GAIN,
            "windows": list(WINDOWS),
            "horizons": HORIZONS,
            "quarterly": f"fitted from the first quarter, at least {MIN_TRAIN_QUARTERS} "
                         f"quarters; fewer than {SHORT_QUARTERS} quarters: quarterly_short",
            "extrapolation": "beyond the largest horizon: line through the last three factors",
        },
        "provenance": _provenance(chosen, obs_path),
    }
    table = fit_table(records, meta)
    cov = coverage_table(records, table)
    val = records[records["part"] == "validation"]
    rel = reliability(exceedance_probabilities(val, table))
    rel_raw = reliability(exceedance_probabilities(val, None))
    rel_ext = reliability(exceedance_probabilities(records[records["part"] == "external"],
                                                   table))
    ts, ts_table, rel_ts = _time_split(records)
    table.meta["checks"] = _checks(cov)
    table.meta["checks"]["time_split_2014"] = _checks(ts).get("validation", {})
    table.meta["time_split_2014_centre"] = {
        "anchor": ts_table.anchor, "damping": ts_table.damping,
        "factors": {k: list(v) for k, v in ts_table.factors.items()}}
    table.meta["coverage"] = cov.round(4).to_dict(orient="records")
    table.meta["reliability_validation"] = _records(rel)
    table.meta["reliability_time_split_2014"] = _records(rel_ts)
    table.meta["reliability_external"] = _records(rel_ext)
    table.meta["reliability_validation_textbook"] = _records(rel_raw)
    table.meta["targets"] = {"80": list(TARGET_RANGES[0.80]), "95": list(TARGET_RANGES[0.95]),
                             "reliability_tolerance": RELIABILITY_TOLERANCE,
                             "reliability_min_n": RELIABILITY_MIN_N,
                             "reliability_sampling": "ok_sampling: |gap| <= max(tolerance, "
                                                     "2 x block-bootstrap se over origin "
                                                     "years)"}
    return Study(records, table, cov, rel, rel_raw, ts, rel_ts, rel_ext, ts_table)


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON-safe records (NaN → None)."""
    out = df.astype(object).where(df.notna(), None).to_dict(orient="records")
    return [{str(k): v for k, v in r.items()} for r in out]


# ------------------------------------------------------------------------ report writing
def table_json(table: CalibrationTable) -> dict[str, Any]:
    """The table as stored in ``data/calibration.json`` (read back by
    :func:`techmonitor.trends.widening.table_from_json`)."""
    return {"version": table.version,
            "factors": {k: list(v) for k, v in table.factors.items()},
            "damping": dict(table.damping), "anchor": dict(table.anchor),
            "se_floor": dict(table.se_floor),
            "shape": {k: [list(r) for r in v] for k, v in table.shape.items()},
            "shape_probs": list(SHAPE_PROBS), **table.meta}


def write_table(table: CalibrationTable, path: Path) -> Path:
    """Write the table as JSON (sorted keys, two-space indent: stable diffs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(table_json(table), indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return path
