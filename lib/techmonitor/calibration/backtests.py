"""The calibration study's series and backtests: the study series built from
``data/observations.csv`` (:func:`study_series`) and the rolling-origin backtest of
:func:`techmonitor.trends.estimate` on each of them (:func:`backtest_series`,
:func:`run_backtests`). :mod:`techmonitor.calibration.study` runs the whole study.
"""

from __future__ import annotations

import hashlib
import logging
import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from techmonitor.calibration.fit import HORIZONS
from techmonitor.errors import TechmonitorError
from techmonitor.trends import predictive
from techmonitor.trends.widening import table_key

log = logging.getLogger(__name__)

Kind = Literal["count", "share", "quarterly"]
Part = Literal["calibration", "validation", "external"]
KINDS: tuple[Kind, ...] = ("count", "share", "quarterly")

#: Training windows (annual points) the study uses (horizons: :data:`HORIZONS`).
WINDOWS = (4, 5, 6, 7, 8)
#: Horizons the "done when" criterion covers (counts and shares 1–5 years, quarterly 1–8).
CHECK_HORIZONS: dict[str, int] = {"count": 5, "share": 5, "quarterly": 8}
#: Fewest quarters the reports' quarterly model accepts (two full years).
MIN_TRAIN_QUARTERS = 8
#: One series in VALIDATION_MODULUS (by a hash of its base key) is held out for validation.
VALIDATION_MODULUS = 3
#: Columns of the backtest record frame.
RECORD_COLUMNS = [
    "key", "base_key", "kind", "table_key", "part", "source", "window", "origin", "origin_t", "h",
    "model", "y", "z", "mean", "se", "df", "base", "m0", "madj",
]


# --------------------------------------------------------------------------- study series
@dataclass(frozen=True)
class StudySeries:
    """One series of the study.

    Attributes
    ----------
    key
        Unique name, e.g. ``quarterly|cbs-80472ned|sbi-C|NL``.
    base_key
        The underlying vacancy series (table, sector, region); the split into calibration and
        validation is made on it, so a sector's quarterly, annual and share series land in the
        same part.
    kind
        ``count``, ``share`` or ``quarterly``.
    values
        Values indexed by period code, in time order.
    source
        Source key (data/SOURCES.md).
    part
        ``calibration``, ``validation`` or ``external``.
    """

    key: str
    base_key: str
    kind: Kind
    values: pd.Series
    source: str
    part: Part


def split_part(base_key: str) -> Part:
    """Deterministic split: one base series in :data:`VALIDATION_MODULUS` goes to validation."""
    digest = hashlib.sha256(base_key.encode()).digest()
    return "validation" if digest[0] % VALIDATION_MODULUS == 0 else "calibration"


def _annual_means(q: pd.Series) -> pd.Series:
    """Annual mean of the four quarters; incomplete years are left out."""
    years = q.index.str[:4]
    g = q.groupby(years)
    full = g.count() == 4
    return g.mean()[full]


def study_series(obs: pd.DataFrame, external: bool = True) -> list[StudySeries]:
    """The series of the study, built from the tidy observations.

    Parameters
    ----------
    obs
        Observations (``data/observations.csv``: indicator, period, level, sector, region,
        sex, value, source, vintage, status).
    external
        Also return the external check series (education, never used for calibration):
        DUO counts (inflow, diplomas, mbo participants; 5 school years) and shares (technical
        share of inflow and diplomas; women's share of technical inflow).

    Returns
    -------
    list of StudySeries
    """
    out: list[StudySeries] = []
    vac = obs[(obs["indicator"] == "vacancies_open") & (obs["status"] == "definitive")
              & (obs["sex"] == "all")]
    quarterly: dict[tuple[str, str, str], pd.Series] = {}
    for (vintage, sector, region), g in vac.groupby(["vintage", "sector", "region"]):
        s = pd.Series(pd.to_numeric(g["value"], errors="coerce").to_numpy(float),
                      index=g["period"].astype(str)).dropna().sort_index()
        if len(s) >= 2 * MIN_TRAIN_QUARTERS and (s > 0).all():
            quarterly[(str(vintage), str(sector), str(region))] = s
    annual = {k: _annual_means(v) for k, v in quarterly.items()}
    for (vintage, sector, region), q in quarterly.items():
        base = f"{vintage}|{sector}|{region}"
        part = split_part(base)
        out.append(StudySeries(f"quarterly|{base}", base, "quarterly", q, vintage, part))
        out.append(StudySeries(f"count|{base}", base, "count", annual[(vintage, sector, region)],
                               vintage, part))
        if sector != "all":
            total = annual.get((vintage, "all", region))
            if total is not None:
                sh = (100 * annual[(vintage, sector, region)] / total).dropna()
                out.append(StudySeries(f"share|{base}|of-region", base, "share", sh, vintage,
                                       part))
        elif region != "NL":
            nl = annual.get((vintage, "all", "NL"))
            if nl is not None:
                sh = (100 * annual[(vintage, sector, region)] / nl).dropna()
                out.append(StudySeries(f"share|{base}|of-NL", base, "share", sh, vintage, part))
    if external:
        out.extend(_external_series(obs))
    return out


def _external_series(obs: pd.DataFrame) -> list[StudySeries]:
    """Education series never used for calibration (DUO; 5 school years each)."""
    out: list[StudySeries] = []
    counts = ["inflow_tech", "inflow_total", "inflow_sector", "diplomas_tech", "diplomas_total",
              "diplomas_sector", "mbo_participants_sector"]
    edu = obs[obs["indicator"].isin(counts) & (obs["status"] == "definitive")]
    cols = ["indicator", "level", "sector", "region", "sex", "vintage"]
    series: dict[tuple[str, ...], pd.Series] = {}
    for key, g in edu.groupby(cols):
        s = pd.Series(pd.to_numeric(g["value"], errors="coerce").to_numpy(float),
                      index=g["period"].astype(str)).dropna().sort_index()
        series[tuple(str(k) for k in key)] = s
        if len(s) >= 5 and (s > 0).all():
            name = "|".join(str(k) for k in key)
            out.append(StudySeries(f"count|{name}", name, "count", s, str(g["source"].iloc[0]),
                                   "external"))
    # shares: technical share of all inflow/diplomas, women's share of technical inflow
    for (ind, lvl, sec, reg, sex, vin), s in series.items():
        pairs: list[tuple[str, pd.Series | None]] = []
        if ind in ("inflow_tech", "diplomas_tech"):
            tot = ind.replace("_tech", "_total")
            pairs.append((f"{ind}/{tot}", series.get((tot, lvl, sec, reg, sex, vin))))
            if sex == "vrouw":
                pairs.append((f"{ind}:vrouw/all", series.get((ind, lvl, sec, reg, "all", vin))))
        for name, den in pairs:
            if den is None:
                continue
            sh = (100 * s / den).dropna()
            if len(sh) >= 5 and ((sh > 0) & (sh < 100)).all():
                key = f"share|{name}|{lvl}|{sec}|{reg}|{sex}|{vin}"
                out.append(StudySeries(key, key, "share", sh, "duo", "external"))
    return out


# ------------------------------------------------------------------------------ backtests
def backtest_series(
    s: StudySeries,
    windows: Sequence[int] = WINDOWS,
    horizon: int | None = None,
    origin_step: int = 1,
) -> list[dict[str, Any]]:
    """Rolling-origin backtest of one series through :func:`techmonitor.trends.estimate`.

    Parameters
    ----------
    s
        The series.
    windows
        Annual kinds: training windows (number of points; the window slides). Quarterly series
        are fitted from their first quarter (as the reports pass them) with at least
        :data:`MIN_TRAIN_QUARTERS`; ``windows`` is ignored.
    horizon
        Largest horizon (default :data:`HORIZONS` of the kind).
    origin_step
        Use every ``origin_step``-th origin (quarterly studies may thin origins).

    Returns
    -------
    list of dict
        One record per forecast (:data:`RECORD_COLUMNS`): ``z`` is the realised value on the
        model scale, ``mean``/``se``/``df`` the *uncalibrated* predictive distribution there.
    """
    from techmonitor.trends.estimate import estimate

    hmax = HORIZONS[s.kind] if horizon is None else horizon
    y = s.values.to_numpy(float)
    periods = [str(p) for p in s.values.index]
    n = len(y)
    jobs: list[tuple[int, int]] = []  # (start, end) of the training slice
    if s.kind == "quarterly":
        jobs = [(0, k) for k in range(MIN_TRAIN_QUARTERS, n, origin_step)]
    else:
        for w in windows:
            jobs.extend((k - w, k) for k in range(w, n, origin_step))
    rows: list[dict[str, Any]] = []
    failed: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for start, end in jobs:
            train = pd.Series(y[start:end], index=periods[start:end])
            try:
                res = estimate(train, kind=s.kind)
            except (TechmonitorError, np.linalg.LinAlgError) as exc:
                # the errors a report's fit may meet (it would then say so): no forecast to
                # score, but the study says how many windows it lost and why
                failed.append(f"{periods[start]}–{periods[end - 1]}: {exc}")
                continue
            if not res.has_model:
                continue
            idx = np.arange(end, min(end + hmax, n))
            if not len(idx):
                continue
            t_new = np.array([_decimal_year(periods[i]) for i in idx])
            pred = predictive.predict(res, t_new, calibrated=False)
            madj = predictive.predict(res, t_new, calibrated=False, adjusted=True).mean
            m0 = predictive.trend_origin(res)
            z = res.scale.fwd(y[idx])
            base = float(np.mean(y[max(start, end - 4):end])) if s.kind == "quarterly" \
                else float(y[end - 1])
            for j, i in enumerate(idx):
                rows.append({
                    "key": s.key, "base_key": s.base_key, "kind": s.kind,
                    "table_key": table_key(s.kind, end - start), "part": s.part,
                    "source": s.source, "window": end - start, "origin": periods[end - 1],
                    "origin_t": _decimal_year(periods[end - 1]), "h": int(i - end + 1),
                    "model": res.model, "y": float(y[i]), "z": float(z[j]),
                    "mean": float(pred.mean[j]), "se": float(pred.se[j]),
                    "df": math.nan if pred.df is None else float(pred.df), "base": base,
                    "m0": m0, "madj": float(madj[j]),
                })
    if failed:
        log.warning("calibration study, %s: %d of %d training windows could not be fitted "
                    "(first: %s)", s.key, len(failed), len(jobs), failed[0])
    return rows


def _decimal_year(period: str) -> float:
    from techmonitor.periods import to_decimal_year

    return float(to_decimal_year(period))


def _backtest_worker(args: tuple[StudySeries, int]) -> list[dict[str, Any]]:
    s, step = args
    return backtest_series(s, origin_step=step)


def run_backtests(
    series: Iterable[StudySeries], workers: int = 1, quarterly_step: int = 1
) -> pd.DataFrame:
    """Backtest every series (in ``workers`` processes) and return the record frame.

    Parameters
    ----------
    series
        Study series (:func:`study_series`).
    workers
        Processes; 1 runs in this process.
    quarterly_step
        Origin step for quarterly series (1: every quarter).
    """
    jobs = [(s, quarterly_step if s.kind == "quarterly" else 1) for s in series]
    rows: list[dict[str, Any]] = []
    if workers <= 1:
        for job in jobs:
            rows.extend(_backtest_worker(job))
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            for part in pool.map(_backtest_worker, jobs, chunksize=4):
                rows.extend(part)
    return pd.DataFrame(rows, columns=RECORD_COLUMNS)
