"""The calibration table: the calibrated predictive distribution per kind and horizon.

Its centre damps the projected trend and moves its start towards the last observed level; its
shape is learned: the quantiles of the standardized backtest errors ``(z − centre) / se`` per
kind and horizon (:attr:`CalibrationTable.shape`, conformal: an empirical distribution, used
for both the bands and the probabilities of exceeding a value). Tables without a shape (format
3) widen the model's t distribution by a factor per horizon instead.

The factors are learned by the rolling-origin study in :mod:`techmonitor.calibration`
and committed as ``data/calibration.json``; this module only reads them (once per process,
cached by path and modification time), so :func:`techmonitor.trends.estimate` can attach the
table to every result without importing the study (which itself calls ``estimate``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

#: Keys of the factor table: the kinds, and short quarterly series.
TABLE_KEYS = ("count", "share", "quarterly", "quarterly_short")
#: Version of the table format and method; bump when the method changes.
TABLE_VERSION = "4"
#: Probabilities at which the learned shape stores the quantiles of the standardized errors.
#: Beyond the outer ones a probability is given as 0.001 or 0.999 (the study cannot tell
#: rarer events apart).
SHAPE_PROBS: tuple[float, ...] = (
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4,
    0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.925, 0.95, 0.975, 0.99, 0.995,
    0.9975, 0.999)
#: Quarterly series shorter than the reports' line window (20 quarters) have their own factors
#: (``quarterly_short``): with 8–19 quarters the seasonal pattern and the line are both poorly
#: known and the textbook bands are far too narrow.
SHORT_QUARTERS = 20
DEFAULT_PATH = Path(__file__).resolve().parents[3] / "data" / "calibration.json"
ENV_PATH = "TECHMONITOR_CALIBRATION"
RELIABILITY_TOLERANCE = 0.05


def damped_steps(h: np.ndarray | float, phi: float) -> np.ndarray:
    """``D(h) = φ + φ² + … + φ^h``: the number of trend steps a damped trend has taken after
    ``h`` periods (continuous in ``h``: ``φ (1 − φ^h) / (1 − φ)``; ``h`` for ``φ = 1``; 0 for
    ``φ = 0``; 0 for ``h <= 0``)."""
    hs = np.maximum(np.atleast_1d(np.asarray(h, dtype=float)), 0.0)
    if phi >= 1.0:
        return hs
    if phi <= 0.0:
        return np.zeros_like(hs)
    return phi * (1.0 - phi**hs) / (1.0 - phi)


@dataclass(frozen=True)
class CalibrationTable:
    """Damping of the projected trend and widening factors of the predictive standard error,
    per kind and horizon.

    Attributes
    ----------
    version
        Table/method version (:data:`TABLE_VERSION`) and the data it was computed from.
    factors
        ``{kind: [c(1), c(2), …]}``; ``c(h)`` multiplies the model's predictive standard error
        ``h`` periods (years; quarters for ``quarterly``) after the last observation.
    meta
        Everything else stored with the table (provenance, measured coverage, method text).
    path
        File the table was read from (``None`` when built in memory).
    damping
        ``{kind: φ}``: the calibrated centre lets the model's projected change die out;
        ``h`` periods ahead it has taken ``D(h)`` of its ``h`` steps (:func:`damped_steps`).
        ``φ = 1`` (or a kind missing): the model's own projection; ``φ = 0``: no trend.
    anchor
        ``{kind: α}``: the calibrated centre starts from ``(1 − α)`` × the model's trend level
        at the last observation plus ``α`` × the last observed level (the last value; for
        quarterly series the mean of the last four quarters). ``α = 0`` (or a kind missing):
        the model's level; ``α = 1``: the last observation, as a random walk would.
    se_floor
        ``{kind: r}``: the model's predictive standard error is at least ``r`` × the last
        observed level before it is widened (identity-scale kinds; see :meth:`floor`).
    """

    version: str
    factors: dict[str, tuple[float, ...]]
    meta: dict[str, Any] = field(default_factory=dict)
    path: str | None = None
    damping: dict[str, float] = field(default_factory=dict)
    anchor: dict[str, float] = field(default_factory=dict)
    se_floor: dict[str, float] = field(default_factory=dict)
    shape: dict[str, tuple[tuple[float, ...], ...]] = field(default_factory=dict)

    def has_shape(self, kind: str, n: int | None = None) -> bool:
        """True when ``kind`` has a learned shape (else: the t distribution times a factor)."""
        return bool(self.shape.get(table_key(kind, n)) or self.shape.get(kind))

    def shape_rows(self, kind: str, h: np.ndarray | float, n: int | None = None) -> np.ndarray:
        """Quantiles of the standardized error at :data:`SHAPE_PROBS` for each horizon ``h``
        (one row per horizon).

        Between calibrated horizons the quantile functions are interpolated linearly (a
        mixture of quantile functions is one); from 0 to 1 period ahead the first row is
        used; beyond the largest calibrated horizon the last row is stretched by the ratio
        of the extrapolated factors (:meth:`factor`), so bands keep widening as they did.

        Raises
        ------
        KeyError
            When ``kind`` has no shape (see :meth:`has_shape`).
        """
        hs = np.atleast_1d(np.asarray(h, dtype=float))
        key = table_key(kind, n)
        rows = np.asarray(self.shape.get(key) or self.shape[kind], dtype=float)
        hmax = rows.shape[0]
        hc = np.clip(hs, 1.0, float(hmax))
        lo = np.floor(hc).astype(int)
        hi = np.minimum(lo + 1, hmax)
        w = (hc - lo)[:, None]
        out = (1.0 - w) * rows[lo - 1] + w * rows[hi - 1]
        beyond = hs > hmax
        if beyond.any():
            f = self.factor(kind, hs[beyond], n) / self.factor(kind, float(hmax), n)
            out[beyond] = rows[-1][None, :] * f[:, None]
        return out

    def floor(self, kind: str, n: int | None = None) -> float:
        """Smallest predictive standard error of ``kind`` before widening, as a fraction of
        the last observed level (0: none). A 4-point window of equal values, or a quarterly
        line through 8 seasonally adjusted quarters, can fit exactly and would get a band of
        zero width."""
        key = table_key(kind, n)
        return float(self.se_floor.get(key, self.se_floor.get(kind, 0.0)))

    def phi(self, kind: str, n: int | None = None) -> float:
        """Damping parameter ``φ`` of ``kind`` (1: no damping)."""
        key = table_key(kind, n)
        return float(self.damping.get(key, self.damping.get(kind, 1.0)))

    def alpha(self, kind: str, n: int | None = None) -> float:
        """Weight ``α`` of the last observed level in the centre's starting level (0: the
        model's trend level)."""
        key = table_key(kind, n)
        return float(self.anchor.get(key, self.anchor.get(kind, 0.0)))

    @property
    def adjusts_centre(self) -> bool:
        """True when the table moves the centre of some kind (damping or anchor)."""
        return any(v < 1.0 for v in self.damping.values()) or any(
            v > 0.0 for v in self.anchor.values())

    def trend_share(self, kind: str, h: np.ndarray | float, n: int | None = None) -> np.ndarray:
        """Share ``D(h) / h`` of the model's projected change (from the trend level at the last
        observation) the calibrated centre keeps ``h`` periods ahead; 1 for ``h <= 0``."""
        hs = np.atleast_1d(np.asarray(h, dtype=float))
        phi = self.phi(kind, n)
        out = np.ones_like(hs)
        pos = hs > 1e-12
        out[pos] = damped_steps(hs[pos], phi) / hs[pos]
        return out

    def factor(self, kind: str, h: np.ndarray | float, n: int | None = None) -> np.ndarray:
        """Widening factor for ``kind`` at (possibly fractional) horizons ``h``.

        Parameters
        ----------
        kind
            ``count``, ``share`` or ``quarterly`` (an unknown kind gets the ``count`` factors).
        h
            Horizons in periods after the last observation (years; quarters for quarterly).
        n
            Number of observations fitted: quarterly series with fewer than
            :data:`SHORT_QUARTERS` use the ``quarterly_short`` factors.

        Returns
        -------
        numpy.ndarray
            1 at or before the last observation (``h <= 0``); between 0 and 1 interpolated from
            1; between calibrated horizons linearly; beyond the largest calibrated horizon
            along the line through the last three factors, never decreasing.
        """
        hs = np.atleast_1d(np.asarray(h, dtype=float))
        key = table_key(kind, n)
        c = np.asarray(self.factors.get(key) or self.factors.get(kind)
                       or self.factors["count"], dtype=float)
        grid = np.arange(0, len(c) + 1, dtype=float)
        vals = np.concatenate([[1.0], c])
        out = np.interp(hs, grid, vals)
        beyond = hs > grid[-1]
        if beyond.any():
            k = min(3, len(c))
            slope = max(0.0, float(np.polyfit(grid[-k:], vals[-k:], 1)[0])) if k >= 2 else 0.0
            out[beyond] = vals[-1] + slope * (hs[beyond] - grid[-1])
        out[hs <= 0] = 1.0
        return out


def table_key(kind: str, n: int | None = None) -> str:
    """Key of the factor table for a series of ``kind`` with ``n`` observations."""
    if kind == "quarterly" and n is not None and n < SHORT_QUARTERS:
        return "quarterly_short"
    return kind


def table_from_json(doc: dict[str, Any], path: str | None = None) -> CalibrationTable:
    """Build a :class:`CalibrationTable` from its JSON form (see :meth:`CalibrationTable.to_json`).

    Raises
    ------
    ValueError
        When ``factors`` is missing, a kind is missing or a factor is not a positive number.
    """
    factors = doc.get("factors")
    if not isinstance(factors, dict):
        raise ValueError("calibration table: 'factors' missing")
    out: dict[str, tuple[float, ...]] = {}
    for kind in TABLE_KEYS:
        vals = factors.get(kind)
        if not vals or not all(isinstance(v, int | float) and v > 0 for v in vals):
            raise ValueError(f"calibration table: factors of {kind!r} must be positive numbers")
        out[kind] = tuple(float(v) for v in vals)
    damping = _unit_map(doc, "damping")
    anchor = _unit_map(doc, "anchor")
    se_floor = _unit_map(doc, "se_floor")
    shape = _shape_map(doc)
    # the runtime uses the learned shape of every key (there is no second way to widen)
    missing = [k for k in TABLE_KEYS if k not in shape]
    if missing:
        raise ValueError(f"calibration table: no learned shape for {', '.join(missing)}; "
                         "rebuild it with `techmonitor calibrate`")
    meta = {k: v for k, v in doc.items()
            if k not in ("version", "factors", "damping", "anchor", "se_floor", "shape",
                         "shape_probs")}
    return CalibrationTable(str(doc.get("version", "")), out, meta, path, damping, anchor,
                            se_floor, shape)


def _shape_map(doc: dict[str, Any]) -> dict[str, tuple[tuple[float, ...], ...]]:
    """``doc["shape"]`` checked: per kind one row of non-decreasing finite quantiles at
    :data:`SHAPE_PROBS` per horizon (missing: no shape)."""
    raw = doc.get("shape") or {}
    if not isinstance(raw, dict):
        raise ValueError("calibration table: 'shape' must map kinds to rows of quantiles")
    probs = doc.get("shape_probs", list(SHAPE_PROBS))
    if raw and [round(float(p), 6) for p in probs] != [round(p, 6) for p in SHAPE_PROBS]:
        raise ValueError("calibration table: 'shape_probs' differ from this version's")
    out: dict[str, tuple[tuple[float, ...], ...]] = {}
    for kind, rows in raw.items():
        arr = np.asarray(rows, dtype=float)
        if arr.ndim != 2 or arr.shape[1] != len(SHAPE_PROBS) or not np.isfinite(arr).all() \
                or (np.diff(arr, axis=1) < 0).any():
            raise ValueError(f"calibration table: shape of {kind!r} must be rows of "
                             f"{len(SHAPE_PROBS)} non-decreasing numbers")
        out[str(kind)] = tuple(tuple(float(v) for v in r) for r in arr)
    return out


def _unit_map(doc: dict[str, Any], name: str) -> dict[str, float]:
    """``doc[name]`` as ``{kind: number in [0, 1]}`` (missing: empty)."""
    raw = doc.get(name) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"calibration table: {name!r} must map kinds to numbers")
    out: dict[str, float] = {}
    for kind, v in raw.items():
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0.0 <= v <= 1.0:
            raise ValueError(f"calibration table: {name} of {kind!r} must be in [0, 1]")
        out[str(kind)] = float(v)
    return out


@lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int) -> CalibrationTable:
    with open(path, encoding="utf-8") as fh:
        return table_from_json(json.load(fh), path)


def table_path() -> Path:
    """Path of the active table: ``$TECHMONITOR_CALIBRATION`` or ``data/calibration.json``."""
    env = os.environ.get(ENV_PATH)
    return Path(env) if env else DEFAULT_PATH


def active_table() -> CalibrationTable | None:
    """The committed calibration table, read once per process (cached by path and mtime).

    Returns ``None`` when the file does not exist (results then say their bands are
    uncalibrated; see :attr:`techmonitor.trends.TrendResult.calibration`).
    """
    path = table_path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    return _load(str(path), mtime)


def summary(table: CalibrationTable | None = None) -> dict[str, Any]:
    """What the method annex says about the bands, from the committed table.

    Parameters
    ----------
    table
        Table to summarise (default :func:`active_table`).

    Returns
    -------
    dict
        ``calibrated`` (bool), ``version``, ``created``, ``path`` and ``kinds``: per kind
        (``count``, ``share``, ``quarterly``, ``quarterly_short``) a dict with

        * ``approach``: ``"learned_shape"`` (quantiles of the standardized backtest errors,
          :attr:`CalibrationTable.shape`) or ``"widening"`` (t distribution times a factor);
          ``centre``: ``{"anchor": α, "damping": φ}`` of the
          calibrated centre (see :class:`CalibrationTable`); ``factors``: the factor per
          horizon;
          ``factor_min``/``factor_max``; ``horizon_unit`` (``year``/``quarter``);
        * ``validation``, ``calibration``, ``external``: ``coverage80``/``coverage95`` each
          ``{"pooled", "min", "max"}`` over horizons (fractions, calibrated bands),
          ``textbook80``/``textbook95`` (the same for the uncalibrated bands), ``n_forecasts``,
          ``horizons`` (e.g. ``"1-5"``), ``within_target``;
        * ``reliability``: probabilities of exceeding a value on the validation part:
          ``tolerance``, ``bins_judged``, ``bins_ok``, ``max_gap`` (largest |observed −
          predicted| over bins with enough events), ``reliable`` (every judged bin within
          the tolerance), ``bins_ok_sampling``/``reliable_sampling`` (the same against
          ``max(tolerance, 2 × block-bootstrap se)``) and ``top_bin`` (predicted and observed
          frequency in the 0.9–1.0 bin), or ``None``; ``reliability_time_split``: the same on
          the later origins of the time split.

        Without a table: ``{"calibrated": False, "kinds": {}}``.
    """
    t = active_table() if table is None else table
    if t is None:
        return {"calibrated": False, "version": None, "created": None, "path": None,
                "kinds": {}}
    checks = t.meta.get("checks", {})
    kinds: dict[str, Any] = {}
    for key, vals in t.factors.items():
        entry: dict[str, Any] = {
            "approach": "learned_shape" if t.has_shape(key) else "widening",
            "centre": {"anchor": t.alpha(key), "damping": t.phi(key)},
            "se_floor": t.floor(key),
            "factors": list(vals),
            "factor_min": min(vals),
            "factor_max": max(vals),
            "horizon_unit": "quarter" if key.startswith("quarterly") else "year",
        }
        for part in ("validation", "calibration", "external"):
            if key in checks.get(part, {}):
                entry[part] = checks[part][key]
        entry["reliability"] = _reliability_summary(t.meta.get("reliability_validation", []), key)
        entry["reliability_time_split"] = _reliability_summary(
            t.meta.get("reliability_time_split_2014", []), key)
        kinds[key] = entry
    return {"calibrated": True, "version": t.version, "created": t.meta.get("created"),
            "path": t.path, "kinds": kinds}


def _reliability_summary(rows: list[dict[str, Any]], key: str) -> dict[str, Any] | None:
    mine = [r for r in rows if r.get("kind") == key]
    if not mine:
        return None
    judged = [r for r in mine if r.get("ok") is not None]
    # the top bin only when it holds enough events to be judged (a bin of a few dozen
    # correlated events says little)
    top = next((r for r in judged if str(r["bin"]).startswith("0.9")), None)
    sampling = [r for r in judged if r.get("ok_sampling") is not None]
    return {
        "tolerance": RELIABILITY_TOLERANCE,
        "bins_judged": len(judged),
        "bins_ok": sum(bool(r["ok"]) for r in judged),
        "bins_ok_sampling": sum(bool(r["ok_sampling"]) for r in sampling),
        "reliable_sampling": bool(sampling) and all(bool(r["ok_sampling"]) for r in sampling),
        "max_gap": round(max((abs(r["observed"] - r["predicted"]) for r in judged),
                             default=0.0), 4),
        "top_bin": None if top is None else {"predicted": top["predicted"],
                                             "observed": top["observed"], "n": top["n"]},
        "reliable": bool(judged) and all(bool(r["ok"]) for r in judged),
    }
