"""The tidy data contract: load, validate (pandera) and select observations.

``data/observations.csv`` has exactly the columns of :data:`COLUMNS` (see DESIGN.md and
``data/SOURCES.md``). Rules checked by :func:`validate_data`, each problem naming file, row,
column and value and saying how to fix it:

* required columns present; ``value`` numeric; codes allowed (level, sex, status, region,
  sector, period format);
* no duplicate keys (indicator, period, level, sector, region, sex, vintage);
* counts not negative, shares within 0–100;
* indicator, source, sector and region codes known (catalogue, SOURCES.md, reference YAML);
* no mixed definitions: a row's vintage must be declared for its indicator in the catalogue
  and its source must belong to that vintage; one series holds one kind of period;
* no suppressed cells (``<5``, empty values): aggregate them in the connector instead.

:func:`load_observations` caches the validated table as Parquet under ``data/.cache/`` keyed
by the content hash of the CSV and the reference files, so the batch pays for validation once.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from techmonitor import periods
from techmonitor.errors import DataValidationError
from techmonitor.fsutil import atomic_write_bytes
from techmonitor.indicators import catalogue_problems, load_catalogue
from techmonitor.reference import load_regions, load_sectors, read_source_keys
from techmonitor.sources import KEY_COLUMNS, TIDY_COLUMNS

COLUMNS = TIDY_COLUMNS
LEVELS = ["vmbo", "vmbo-b", "vmbo-k", "vmbo-gt", "havo", "vwo", "havo-vwo", "mbo", "mbo-1",
          "mbo-2", "mbo-3", "mbo-4", "hbo", "wo", "ho", "all"]
SEXES = ["man", "vrouw", "all"]
STATUSES = ["definitive", "provisional", "illustrative"]
REGION_PATTERN = r"^(NL|NL01|PV(2\d|3[01])|LD0[1-4]|AM(0[1-9]|[12]\d|3[0-5]))$"
SECTOR_PATTERN = r"^(all|[a-z]+(-[a-z]+)*|sbi-([A-U](-[A-U])?|\d{2,5}(-\d{2,3})?))$"
OBS_FILE = "observations.csv"
_HASHED_FILES = ["observations.csv", "indicators.yaml", "sectors.yaml", "regions.yaml",
                 "SOURCES.md"]


def schema() -> pa.DataFrameSchema:
    """Column-level rules of the contract (cross-row rules live in :func:`check_frame`)."""
    text: dict[str, Any] = {"dtype": str, "nullable": False, "coerce": True}
    return pa.DataFrameSchema(
        {
            "indicator": pa.Column(checks=pa.Check.str_matches(
                r"^[a-z][a-z0-9_]*$", error="use a lower-case indicator code from "
                "data/indicators.yaml"), **text),
            "period": pa.Column(checks=pa.Check(
                lambda s: s.map(periods.is_valid), element_wise=False,
                error="write 2019 (year), 2019/20 (school year) or 2023Q2 (quarter)"), **text),
            "level": pa.Column(checks=pa.Check.isin(
                LEVELS, error=f"use one of {', '.join(LEVELS)}"), **text),
            "sector": pa.Column(checks=pa.Check.str_matches(
                SECTOR_PATTERN, error="use all, a top-sector slug or an SBI code like sbi-C"),
                **text),
            "region": pa.Column(checks=pa.Check.str_matches(
                REGION_PATTERN, error="use NL, PV20..PV31, LD01..LD04 or AM01..AM35"), **text),
            "sex": pa.Column(checks=pa.Check.isin(SEXES, error="use man, vrouw or all"),
                             **text),
            "value": pa.Column(float, nullable=False, coerce=False),
            "source": pa.Column(checks=pa.Check.str_length(min_value=1,
                                error="give a source key from data/SOURCES.md"), **text),
            "vintage": pa.Column(checks=pa.Check.str_length(min_value=1,
                                 error="give the vintage declared in data/indicators.yaml"),
                                 **text),
            "status": pa.Column(checks=pa.Check.isin(
                STATUSES, error="use definitive, provisional or illustrative"), **text),
        },
        strict=False,
        ordered=False,
    )


def _read_raw(path: Path) -> pd.DataFrame:
    if not path.exists():
        msg = f"{path}: file missing; run `techmonitor data build --raw DIR`"
        raise DataValidationError(msg, [msg])
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def check_frame(
    raw: pd.DataFrame, fname: str, data_dir: Path | None = None,
    source_keys: set[str] | None = None,
) -> list[str]:
    """Every contract problem in an observations frame read as strings.

    Parameters
    ----------
    raw
        The table as read from CSV with ``dtype=str`` (so bad cells survive for the message).
    fname
        File name used in messages.
    data_dir
        Folder with the catalogue, reference YAML and SOURCES.md for code look-ups; when
        omitted only the column rules are checked.
    source_keys
        Known source keys; default: the ``## key`` headings of ``data_dir/SOURCES.md``.
    """
    problems: list[str] = []
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        return [f"{fname}: required column {c!r} is missing; the header must be "
                f"{','.join(COLUMNS)}" for c in missing]
    df = raw[COLUMNS].copy()
    values = []
    for i, cell in enumerate(df["value"].astype(str)):
        text = cell.strip()
        row = i + 2
        if text in {"", "<5", "< 5", "nan", "NaN"}:
            problems.append(
                f"{fname}: row {row}, column value: {cell!r} is a suppressed or empty cell; "
                "observations hold published numbers only: drop the row, or let the connector "
                "aggregate suppressed cells (counted as missing, never as 0)")
            values.append(float("nan"))
            continue
        try:
            values.append(float(text))
        except ValueError:
            problems.append(f"{fname}: row {row}, column value: {cell!r} is not a number; "
                            "write digits with a decimal point, no thousands separator")
            values.append(float("nan"))
    df["value"] = pd.Series(values, dtype=float, index=df.index)
    ok = df["value"].notna()
    try:
        schema().validate(df[ok], lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        for rec in fc.to_dict("records"):
            idx = rec.get("index")
            where = f"row {int(idx) + 2}" if pd.notna(idx) else "all rows"
            problems.append(f"{fname}: {where}, column {rec['column']}: value "
                            f"{rec['failure_case']!r} is not allowed; {rec['check']}")
    dup = df.duplicated(KEY_COLUMNS, keep="first")
    for i in df.index[dup]:
        key = ", ".join(f"{c}={df.at[i, c]}" for c in KEY_COLUMNS)
        problems.append(f"{fname}: row {i + 2}: duplicate key ({key}); keep one row per key")
    if data_dir is not None:
        problems += _check_codes(df, fname, Path(data_dir), source_keys)
    return problems


def _check_codes(df: pd.DataFrame, fname: str, data_dir: Path,
                 source_keys: set[str] | None) -> list[str]:
    problems: list[str] = []
    try:
        cat = load_catalogue(data_dir)
        sectors = load_sectors(data_dir)
        regions = load_regions(data_dir)
    except DataValidationError as exc:
        return exc.problems or [str(exc)]
    sources = source_keys if source_keys is not None else read_source_keys(data_dir)
    ok_sectors = {"all", *sectors.slugs, *sectors.sbi_codes}
    ok_regions = set(regions.codes)
    # Vectorised checks (the table has tens of thousands of rows); messages per bad row.
    def report(mask: pd.Series, column: str, text: str) -> None:
        for i in df.index[mask.to_numpy()]:
            problems.append(f"{fname}: row {i + 2}, column {column}: "
                            + text.format(v=df.at[i, column], **df.loc[i].to_dict()))

    known = df["indicator"].isin(list(cat))
    report(~known, "indicator", "{v!r} is not in data/indicators.yaml; add it there or fix "
           "the code")
    report(~df["sector"].isin(ok_sectors), "sector", "{v!r} is unknown; use all, a slug or an "
           "SBI code listed in data/sectors.yaml")
    report(~df["region"].isin(ok_regions), "region", "{v!r} is unknown; use a code listed in "
           "data/regions.yaml (national is NL)")
    report(~df["source"].isin(sources), "source", "{v!r} has no entry in data/SOURCES.md; add "
           "a '## <key>' section there")
    declared = {(c, v) for c, ind in cat.items() for v in ind.vintages}
    allowed = {(c, v, s) for c, ind in cat.items() for v, spec in ind.vintages.items()
               for s in spec.sources}
    pairs = pd.Series(list(zip(df["indicator"], df["vintage"], strict=True)), index=df.index)
    triples = pd.Series(list(zip(df["indicator"], df["vintage"], df["source"], strict=True)),
                        index=df.index)
    bad_vintage = known & ~pairs.isin(declared)
    for i in df.index[bad_vintage.to_numpy()]:
        ind = cat[df.at[i, "indicator"]]
        problems.append(f"{fname}: row {i + 2}, column vintage: {df.at[i, 'vintage']!r} is not "
                        f"declared for {ind.code} in data/indicators.yaml (declared: "
                        f"{', '.join(ind.vintages)}); different definitions must not be mixed "
                        "in one series: declare a new vintage or fix the row")
    bad_source = known & ~bad_vintage & ~triples.isin(allowed)
    for i in df.index[bad_source.to_numpy()]:
        ind = cat[df.at[i, "indicator"]]
        v = ind.vintages[df.at[i, "vintage"]]
        problems.append(f"{fname}: row {i + 2}, column source: {df.at[i, 'source']!r} is not a "
                        f"source of vintage {df.at[i, 'vintage']} of {ind.code} (allowed: "
                        f"{', '.join(v.sources)}); a series must not mix definitions: use "
                        "another vintage")
    kind = df["indicator"].map(lambda c: cat[c].kind if c in cat else "")
    val = df["value"]
    report(known & (kind == "count") & (val < 0), "value",
           "{v} is a negative count; counts are >= 0")
    report(known & (kind == "share") & ((val < 0) | (val > 100)), "value",
           "{v} is a share outside 0-100; shares are percentages (write 25 for 25%)")
    kinds = df["period"].map(lambda p: periods.period_kind(p) if periods.is_valid(p) else "?")
    series = ["indicator", "level", "sector", "region", "sex", "vintage"]
    per_series = kinds.groupby([df[c] for c in series]).agg(lambda k: sorted(set(k) - {"?"}))
    for key, ks in per_series.items():
        if len(ks) > 1:
            problems.append(f"{fname}: series {dict(zip(series, key, strict=True))} mixes period "
                            f"kinds {ks}; split it into vintages (one kind per series)")
    return problems


def _content_key(data_dir: Path) -> str:
    h = hashlib.sha256()
    for name in _HASHED_FILES:
        p = data_dir / name
        h.update(name.encode())
        h.update(p.read_bytes() if p.exists() else b"-")
    return h.hexdigest()[:16]


def _typed(raw: pd.DataFrame) -> pd.DataFrame:
    df = raw[COLUMNS].copy()
    df["value"] = df["value"].astype(float)
    return df


def load_observations(data_dir: Path, *, use_cache: bool = True) -> pd.DataFrame:
    """Load and validate ``observations.csv``.

    Parameters
    ----------
    data_dir
        Folder with observations.csv and the reference files.
    use_cache
        Reuse the validated Parquet copy in ``data_dir/.cache`` when the CSV and reference
        files are unchanged (content hash). Reports read it through the one in-process
        cache, :mod:`techmonitor.report.store`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`; ``value`` float, other columns str.

    Raises
    ------
    DataValidationError
        Listing ALL problems (file, row, column, value, fix).
    """
    data_dir = Path(data_dir)
    key = _content_key(data_dir) if (data_dir / OBS_FILE).exists() else ""
    cache = data_dir / ".cache" / f"observations-{key}.parquet"
    if use_cache and key:
        if cache.exists():
            try:
                df = pd.read_parquet(cache)
            except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, never trusted
                pass
            else:
                return df
    raw = _read_raw(data_dir / OBS_FILE)
    problems = check_frame(raw, str(data_dir / OBS_FILE), data_dir)
    if problems:
        raise DataValidationError(f"{data_dir / OBS_FILE}: {len(problems)} problems", problems)
    df = _typed(raw)
    if use_cache and key:
        try:
            cache.parent.mkdir(exist_ok=True)
            ignore = cache.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n")
            # a unique temporary name per writer: parallel processes (test workers, batch
            # workers) may build the same cache at once, and must never swap in a partial file
            buf = io.BytesIO()
            df.to_parquet(buf, index=False)
            atomic_write_bytes(cache, buf.getvalue())
        except OSError:  # read-only data folder: validated again next time
            pass
    return df


def validate_data(data_dir: Path) -> list[str]:
    """Every problem in ``data_dir``: observations, YAML files, measure progress, catalogue.

    Returns
    -------
    list of str
        Empty when the data folder is valid.
    """
    from techmonitor.reference import (
        load_measure_progress,
        load_measures,
        load_regions,
        load_sectors,
        load_targets,
    )

    data_dir = Path(data_dir)
    problems: list[str] = []
    for loader in (load_sectors, load_regions, load_targets):
        try:
            loader(data_dir)
        except DataValidationError as exc:
            problems += exc.problems or [str(exc)]
    measure_ids: list[str] | None = None
    try:
        measure_ids = [m.id for m in load_measures(data_dir).measures]
    except DataValidationError as exc:
        problems += exc.problems or [str(exc)]
    progress = data_dir / "measure_progress.csv"
    if progress.exists():
        try:
            load_measure_progress(progress, measure_ids)
        except DataValidationError as exc:
            problems += exc.problems or [str(exc)]
    obs_path = data_dir / OBS_FILE
    try:
        raw = _read_raw(obs_path)
    except DataValidationError as exc:
        return problems + exc.problems
    problems += check_frame(raw, str(obs_path), data_dir)
    problems += catalogue_problems(data_dir, raw)
    # de-duplicate while keeping order (the same YAML error can surface via two loaders)
    return list(dict.fromkeys(problems))


def select(
    obs: pd.DataFrame,
    indicator: str,
    *,
    level: str = "all",
    sector: str = "all",
    region: str = "NL",
    sex: str = "all",
    vintage: str | None = None,
) -> pd.DataFrame:
    """One stored series, sorted in time.

    Parameters
    ----------
    obs
        Observations from :func:`load_observations`.
    indicator, level, sector, region, sex
        Exact codes of the series.
    vintage
        Which definition/publication. ``None`` is allowed only when the selection holds one
        vintage; otherwise the choice is refused rather than splicing definitions.

    Returns
    -------
    pandas.DataFrame
        Rows of the series (all contract columns), sorted by period; may be empty.

    Raises
    ------
    DataValidationError
        When ``vintage`` is ``None`` and several vintages match.
    """
    m = (
        (obs["indicator"] == indicator) & (obs["level"] == level) & (obs["sector"] == sector)
        & (obs["region"] == region) & (obs["sex"] == sex)
    )
    out = obs[m]
    if vintage is not None:
        out = out[out["vintage"] == vintage]
    else:
        found = sorted(out["vintage"].unique())
        if len(found) > 1:
            msg = (f"{indicator} ({level}, {sector}, {region}, {sex}) has vintages {found}; "
                   "pass vintage= to choose one definition (they are never spliced)")
            raise DataValidationError(msg, [msg])
    order = out["period"].map(periods.sort_key).to_numpy().argsort(kind="stable")
    return out.iloc[order].reset_index(drop=True)
