"""``techmonitor data update``: fetch every configured table, validate, swap ``data/`` at once.

Steps, each of which can fail without touching ``data/``:

1. every table of :data:`~techmonitor.sources.tables.TABLES` is fetched into a temporary
   folder next to ``data/`` (CBS with ``cbsodata``: rows and ``DataProperties`` in one JSON
   file; DUO over HTTPS);
2. its connector turns it into tidy rows (or cohort rows); a renamed column is an error;
3. if any table failed, the update stops and names every failed table with its reason;
4. otherwise a copy of ``data/`` gets the new rows (rows of the updated source keys are
   replaced, every other row is kept), ``SOURCES.md`` is regenerated and the copy is
   validated exactly like ``techmonitor validate``;
5. the validated copy replaces ``data/`` by two renames in one folder (the old folder is
   removed afterwards).

Offline, every fetch fails at step 1 and ``data/`` stays byte-identical.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from techmonitor import yamlio
from techmonitor.errors import DataValidationError, TechmonitorError
from techmonitor.fsutil import atomic_write_text
from techmonitor.sources import TIDY_COLUMNS, cbs_tables, duo_current
from techmonitor.sources.tables import TABLES, TableSpec
from techmonitor.swap import recover_data, replace_dir, work_prefix

#: seconds before a download is given up
TIMEOUT = 60


COHORT_FILE = "cohorts.csv"
OBS_FILE = "observations.csv"


class UpdateError(TechmonitorError):
    """One or more tables could not be fetched or read; ``data/`` was left as it was.

    Parameters
    ----------
    failures
        Table key → reason.
    """

    def __init__(self, failures: dict[str, str]) -> None:
        self.failures = dict(failures)
        lines = "\n".join(f"  - {k}: {v}" for k, v in self.failures.items())
        super().__init__(f"data update: {len(self.failures)} table(s) failed, data/ left "
                         f"unchanged:\n{lines}")


def fetch_cbs_json(table_id: str, dest: Path) -> Path:
    """Fetch a CBS table's rows and ``DataProperties`` with ``cbsodata`` into one JSON file."""
    import cbsodata  # lazily: nothing at import time, and tests monkeypatch it

    data = cbsodata.get_data(table_id)
    props = cbsodata.get_meta(table_id, "DataProperties")
    path = dest / f"{table_id}.json"
    path.write_text(json.dumps({"table": table_id, "DataProperties": props, "data": data},
                               ensure_ascii=False), encoding="utf-8")
    return path


def fetch_url(url: str, dest: Path, name: str) -> Path:
    """Download ``url`` to ``dest/name`` (HTTPS, :data:`TIMEOUT` seconds)."""
    path = dest / name
    with urllib.request.urlopen(url, timeout=TIMEOUT) as resp:  # noqa: S310 (fixed https URLs)
        path.write_bytes(resp.read())
    return path


def fetch_table(spec: TableSpec, dest: Path) -> Path:
    """Fetch one table into ``dest``; the default fetcher of :func:`update_data`.

    Returns the CBS JSON file, or for DUO the folder ``dest/<key>/`` with ``<level>.csv``.
    """
    if spec.provider == "cbs":
        return fetch_cbs_json(spec.key, dest)
    folder = dest / spec.key
    folder.mkdir(parents=True, exist_ok=True)
    for level, url in spec.urls:
        fetch_url(url, folder, f"{level}.csv")
    return folder


def read_fetched(spec: TableSpec, path: Path, data_dir: Path) -> pd.DataFrame:
    """Run the table's connector on a fetched file (tidy or cohort rows)."""
    if spec.provider == "cbs":
        frame = cbs_tables.CONNECTORS[spec.key](path)
        if spec.output == "cohorts":  # the cohort model's input: numbers, 0 <= k <= n
            from techmonitor.cohorts import check_cohorts

            check_cohorts(frame, where=f"{spec.key} (fetched)")
        return frame
    return duo_current.CONNECTORS[spec.key](path, spec, data_dir)


@dataclass
class UpdateSummary:
    """What an update did: tables fetched, rows per table, files written."""

    tables: dict[str, int] = field(default_factory=dict)
    #: per DUO table, cells published as 4 by the privacy filter (true value 1..4)
    upper_bound: dict[str, int] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, DataValidationError) and exc.problems:
        return exc.problems[0]
    return f"{type(exc).__name__}: {exc}"


def update_data(
    data_dir: Path,
    *,
    tables: list[str] | None = None,
    fetcher: Callable[[TableSpec, Path], Path] = fetch_table,
) -> UpdateSummary:
    """Fetch, validate and swap in the configured tables.

    Parameters
    ----------
    data_dir
        The project's ``data/`` folder.
    tables
        Keys of :data:`TABLES` to update (default: all).
    fetcher
        ``(spec, folder) -> file``; tests pass one that copies fixtures.

    Returns
    -------
    UpdateSummary

    Raises
    ------
    UpdateError
        When any table could not be fetched or read (every one is named); nothing changed.
    DataValidationError
        When the updated data would break the contract; nothing changed.
    """
    from techmonitor.datacheck import validate_data
    from techmonitor.sources.build import finish_table, sources_markdown

    data_dir = Path(data_dir).resolve()
    if not data_dir.is_dir():
        raise TechmonitorError(f"{data_dir}: no data folder; run `techmonitor data build`")
    keys = tables or list(TABLES)
    unknown = [k for k in keys if k not in TABLES]
    if unknown:
        raise TechmonitorError(f"data update: unknown table(s) {unknown}; known: "
                               f"{', '.join(TABLES)}")
    for line in recover_data(data_dir):  # what an earlier, killed update left
        print(f"note: {line}")
    work = Path(tempfile.mkdtemp(prefix=work_prefix(), dir=data_dir.parent))
    try:
        downloads = work / "downloads"
        downloads.mkdir()
        frames: dict[str, pd.DataFrame] = {}
        failures: dict[str, str] = {}
        for key in keys:
            spec = TABLES[key]
            try:
                frames[key] = read_fetched(spec, fetcher(spec, downloads), data_dir)
            # what a fetch or a connector meets: the network (urllib's and requests' errors
            # are OSErrors), a file that does not parse (ValueError, UnicodeDecodeError), a
            # missing column (KeyError) and our own checks; each names its table
            except (OSError, ValueError, KeyError, TechmonitorError) as exc:
                failures[key] = _reason(exc)
        if failures:
            raise UpdateError(failures)
        new = work / "data"
        shutil.copytree(data_dir, new, symlinks=True)
        replaced = {s for k in keys for s in TABLES[k].sources}
        obs = pd.read_csv(new / OBS_FILE, dtype=str, keep_default_na=False)
        obs = obs[~obs["source"].isin(replaced)]
        obs_frames = [frames[k] for k in keys if TABLES[k].output == "observations"]
        fresh = pd.concat(obs_frames, ignore_index=True) \
            if obs_frames else pd.DataFrame(columns=TIDY_COLUMNS)
        merged = pd.concat([obs, fresh.astype({"value": float})], ignore_index=True)
        spec = yamlio.load_file(new / "sources.yaml")
        merged = finish_table(merged, spec)  # flags and publication dates, as the build writes
        text = _csv(merged)
        atomic_write_text(new / OBS_FILE, text)
        cohort_frames = [frames[k] for k in keys if TABLES[k].output == "cohorts"]
        if cohort_frames:
            atomic_write_text(new / COHORT_FILE, _cohorts_csv(new, cohort_frames, replaced))
        built = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        atomic_write_text(new / "SOURCES.md", sources_markdown(new, built, []))
        problems = validate_data(new)
        if problems:
            raise DataValidationError(f"data update: the updated data would break the "
                                      f"contract ({len(problems)}); data/ left unchanged",
                                      problems)
        # data/ whole at every instant (one exchange), or recoverable by the next command
        replace_dir(data_dir, new, work / "old")
        return UpdateSummary({k: len(v) for k, v in frames.items()},
                             {k: int(v.attrs["upper_bound"]) for k, v in frames.items()
                              if "upper_bound" in v.attrs},
                             [str(data_dir / OBS_FILE), str(data_dir / "SOURCES.md")])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _csv(obs: pd.DataFrame) -> str:
    return obs.to_csv(index=False, lineterminator="\n", float_format="%.10g")


def _cohorts_csv(data: Path, frames: list[pd.DataFrame], replaced: set[str]) -> str:
    path = data / COHORT_FILE
    old = pd.read_csv(path, dtype={"source": str}) if path.exists() else None
    parts = [f for f in frames]
    if old is not None:
        parts.insert(0, old[~old["source"].isin(replaced)])
    out = pd.concat(parts, ignore_index=True).sort_values(["table", "cohort", "years"])
    return out.to_csv(index=False, lineterminator="\n", float_format="%.10g")


def describe(summary: UpdateSummary) -> dict[str, Any]:
    """The summary as key → value lines for the CLI."""
    return {"tables": summary.tables, "upper_bound_cells": summary.upper_bound,
            "written": summary.written}
