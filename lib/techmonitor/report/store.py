"""The one per-process cache of a report's inputs and of the analysis built from them.

Kernels are kept alive across reports, so loading the observations, the catalogue and the
reference files once per process (keyed by path and modification time, so an edited file
is read again) keeps a report at about a second of computing; :func:`memo` keeps the
analysed items of series that several reports share (keyed by the newest data file too).

Safe across reports: a frame comes out as a copy-on-write view (pandas 3), so a report that
changes what it got changes its own copy only; the observation arrays series are selected
from (:func:`obs_for`) are read-only; cached items are frozen and handed out as views
(:meth:`~techmonitor.report.analysis.Item.view`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from techmonitor import (
    __version__,
    asof,
    bilingual,
    indicators,
    measure_progress,
    measures,
    observations,
    periods,
    reference,
    yamlio,
)
from techmonitor.errors import DataValidationError
from techmonitor.messages import Lang

T = TypeVar("T")
_CACHE: dict[tuple[str, str, object], Any] = {}

#: files whose content defines the data of a report (hashed for provenance)
DATA_FILES = ("observations.csv", "indicators.yaml", "targets.yaml", "measures.yaml",
              "measure_progress.csv", "sectors.yaml", "regions.yaml", "SOURCES.md",
              "calibration.json")


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


def cached(name: str, path: Path, load: Callable[[], T]) -> T:
    """``load()`` once per ``(name, path, mtime of path)`` in this process (a safe view)."""
    return _safe(_raw(name, path, load))  # type: ignore[no-any-return]


def _raw(name: str, path: Path, load: Callable[[], T], stamp: object = None) -> T:
    """The cached object itself: only for callers that hand out safe views of its parts.

    ``stamp`` (default: the modification time of ``path``) says which state of the files
    the entry belongs to; a new stamp replaces the stale entry.
    """
    key = (name, str(path), _mtime(path) if stamp is None else stamp)
    if key not in _CACHE:
        for old in [k for k in _CACHE if k[:2] == key[:2]]:
            del _CACHE[old]  # an edited file replaces its stale entry
        _CACHE[key] = load()
    return _CACHE[key]  # type: ignore[no-any-return]


def _safe(value: Any) -> Any:
    """A cached value as the caller may change it without changing the cache."""
    if isinstance(value, pd.DataFrame):
        return value.copy(deep=False)  # copy-on-write: a write copies the touched column
    if isinstance(value, dict):
        return {k: _safe(v) for k, v in value.items()}
    return value


def memo(data_dir: Path, key: tuple[object, ...], compute: Callable[[], T]) -> T:
    """``compute()`` once per ``key`` and state of the data files in this process."""
    return _safe(_raw(repr(key), data_dir, compute, stamp=data_stamp(data_dir)))


def data_stamp(data_dir: Path) -> tuple[int, ...]:
    """Modification times of every data file: an edit to any of them changes it."""
    return tuple(_mtime(data_dir / f) for f in DATA_FILES)


def load_obs(data_dir: Path) -> pd.DataFrame:
    """Validated observations (see :func:`techmonitor.observations.load_observations`)."""
    return cached("obs", data_dir / "observations.csv",
                  lambda: observations.load_observations(data_dir))


def _start(code: str) -> float:
    """Start of a period as a decimal year (school years start on 1 August)."""
    kind = periods.period_kind(code)
    year = int(code[:4])
    if kind == "quarter":
        return year + (int(code[5]) - 1) / 4
    return year + (7 / 12 if kind == "school_year" else 0.0)


def obs_until(data_dir: Path, quarter: str, as_of: dt.date | None = None) -> pd.DataFrame:
    """Observations a report of ``quarter`` may use (cached per quarter and as-of date).

    A row counts when its period starts before the end of ``quarter`` and it was published
    on or before ``as_of`` (default: :func:`techmonitor.asof.as_of_for`, the last day of the
    following quarter); see :func:`techmonitor.asof.as_known_at`.
    """
    year, q = periods.quarter_to_period(quarter)
    end = year + q / 4
    day = as_of or asof.as_of_for(quarter)

    def compute() -> pd.DataFrame:
        obs = asof.as_known_at(load_obs(data_dir), day)
        starts = {c: _start(c) for c in obs["period"].unique()}
        keep = obs["period"].map(starts) < end - 1e-9
        return obs[keep].reset_index(drop=True)

    return cached(f"obs-until-{quarter}-{day.isoformat()}", data_dir / "observations.csv",
                  compute)


def obs_for(data_dir: Path, quarter: str, codes: tuple[str, ...],
            region: str | None = None, as_of: dt.date | None = None) -> indicators.Arrays:
    """The rows of ``codes`` (and of ``region`` when given) only, as :func:`obs_until` keeps
    them, as read-only arrays (:func:`techmonitor.indicators.series_arrays` reads them).

    A series of a report lies in one region, so selecting from a few hundred rows of one
    indicator and region, split once per process, instead of the whole table makes each
    series look-up many times cheaper.
    """
    day = as_of or asof.as_of_for(quarter)

    def split() -> dict[tuple[str, str], indicators.Arrays]:
        obs = obs_until(data_dir, quarter, day)
        whole = indicators.arrays_of(obs)
        groups = obs.groupby(["indicator", "region"], sort=False).indices
        parts = {(str(k[0]), str(k[1])): _frozen({c: a[rows] for c, a in whole.items()})
                 for k, rows in groups.items()}
        parts[("", "")] = _frozen({c: a[:0].copy() for c, a in whole.items()})
        return parts

    parts = _raw(f"obs-split-{quarter}-{day.isoformat()}", data_dir / "observations.csv",
                 split)
    # a share whose numerator and denominator are the same indicator (women's share of the
    # technical inflow) names it twice: take each indicator's rows once
    wanted = dict.fromkeys(codes)
    chosen = [a for (code, reg), a in parts.items()
              if code in wanted and (region is None or reg == region)]
    if len(chosen) <= 1:
        return dict(chosen[0] if chosen else parts[("", "")])  # the arrays stay read-only
    return _frozen({c: np.concatenate([a[c] for a in chosen]) for c in chosen[0]})


def _frozen(arrays: indicators.Arrays) -> indicators.Arrays:
    """Arrays no caller can write to: they are shared by every report in this process."""
    for a in arrays.values():
        a.flags.writeable = False
    return arrays


def load_catalogue(data_dir: Path) -> dict[str, indicators.Indicator]:
    """The indicator catalogue."""
    return cached("catalogue", data_dir / "indicators.yaml",
                  lambda: indicators.load_catalogue(data_dir))


def load_sectors(data_dir: Path) -> reference.SectorsRef:
    """Top sectors and their delineation."""
    return cached("sectors", data_dir / "sectors.yaml", lambda: reference.load_sectors(data_dir))


def load_regions(data_dir: Path) -> reference.RegionsRef:
    """Provinces, landsdelen and labour-market regions."""
    return cached("regions", data_dir / "regions.yaml", lambda: reference.load_regions(data_dir))


def load_targets(data_dir: Path) -> list[reference.Target]:
    """National targets from ``data/targets.yaml`` (empty when the file is absent)."""
    path = data_dir / "targets.yaml"
    if not path.exists():
        return []
    return cached("targets", path, lambda: reference.load_targets(data_dir))


def load_measures(data_dir: Path) -> measures.MeasuresRef | None:
    """Measures of the cabinet letter, or None when ``data/measures.yaml`` is absent."""
    path = data_dir / "measures.yaml"
    if not path.exists():
        return None
    return cached("measures", path, lambda: measures.load_measures(data_dir))


def load_progress(data_dir: Path) -> pd.DataFrame | None:
    """Realised measure progress, or None when ``data/measure_progress.csv`` is absent."""
    path = data_dir / "measure_progress.csv"
    if not path.exists():
        return None
    return cached("progress", path, lambda: measure_progress.load_measure_progress(path))


def data_hash(data_dir: Path) -> str:
    """SHA-256 over the data files (name and content, fixed order), as 64 hex digits."""

    def compute() -> str:
        h = hashlib.sha256()
        for name in DATA_FILES:
            p = data_dir / name
            h.update(name.encode())
            h.update(p.read_bytes() if p.exists() else b"-")
        return h.hexdigest()

    return _raw("hash", data_dir, compute, stamp=data_stamp(data_dir))


def code_version(project: Path) -> str:
    """Package version plus the git commit of the project (``+dirty`` for local changes)."""

    def compute() -> str:
        try:
            out = subprocess.run(
                ["git", "describe", "--always", "--dirty", "--abbrev=12"], cwd=project,
                capture_output=True, text=True, timeout=5, check=True,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        return f"{__version__} ({out})" if out else __version__

    return cached("version", project / ".git" / "HEAD", compute)


@dataclass(frozen=True)
class SourceInfo:
    """One source of ``data/sources.yaml``: its key (never shown to readers), public names
    (what captions say, both languages), publisher and title, licence and address."""

    key: str
    title: str
    licence: str
    url: str
    name_nl: str
    name_en: str

    def public_name(self, lang: Lang = "nl") -> str:
        """The name a reader sees in ``lang`` (``name_nl``/``name_en``)."""
        return bilingual.text(self, "name", lang)


def load_sources(data_dir: Path) -> dict[str, SourceInfo]:
    """Every source with key, public names, title, licence and address, from
    ``data/sources.yaml`` (the structured file ``data/SOURCES.md`` is generated from)."""
    structured = data_dir / "sources.yaml"
    if not structured.exists():
        return {}
    return cached("sources", structured, lambda: _read_sources_yaml(structured))


def _read_sources_yaml(path: Path) -> dict[str, SourceInfo]:
    raw = yamlio.load_file(path) or {}
    problems = reference.source_name_problems(path, raw)
    out = {}
    for key, body in (raw.get("sources") or {}).items():
        body = body or {}
        title = " – ".join(str(body[k]) for k in ("publisher", "title") if body.get(k))
        out[str(key)] = SourceInfo(str(key), title, str(body.get("licence", "")),
                                   str(body.get("url", "")), str(body.get("name_nl", "")),
                                   str(body.get("name_en", "")))
    if problems:
        raise DataValidationError(f"{path}: {len(problems)} problems", problems)
    return out

