"""The tidy data contract: load and validate (pandera) observations.

A report selects its series through :func:`techmonitor.report.series.select` (one way, so a
series reads the same wherever it is shown).

``data/observations.csv`` has exactly the columns of :data:`COLUMNS` (see DESIGN.md and
``data/SOURCES.md``). Rules checked by :func:`check_frame` (for the whole data folder:
:func:`techmonitor.datacheck.validate_data`), each problem naming file, row,
column and value and saying how to fix it:

* required columns present; ``value`` a plain finite number within the stated range
  (:func:`techmonitor.values.parse_number`: no nan/inf in any spelling, no ``1_000``); codes
  allowed (level, sex, status, region, sector, period format, years 1900-2100); a bad value
  never hides the other problems of its row;
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

from techmonitor import csvio, periods
from techmonitor.asof import period_end
from techmonitor.errors import DataValidationError
from techmonitor.fsutil import atomic_write_bytes
from techmonitor.indicators import load_catalogue
from techmonitor.reference import load_regions, load_sectors, read_source_keys
from techmonitor.values import FIRST_YEAR, LAST_YEAR, parse_number, period_problem
from techmonitor.yamlio import short

#: the tidy observation table (DESIGN.md, "The data contract"); connectors produce exactly these
TIDY_COLUMNS: list[str] = [
    "indicator",
    "period",
    "level",
    "sector",
    "region",
    "sex",
    "value",
    "source",
    "vintage",
    "status",
]
#: written by the data layer after the contract columns: suppressed cells in an aggregate
#: (int), whether the value is a lower bound because of them (true/false), and the ISO date the
#: value became public (data/sources.yaml); a hand-written file may leave them out
EXTRA_COLUMNS: list[str] = ["suppressed", "lower_bound", "published"]
KEY_COLUMNS: list[str] = ["indicator", "period", "level", "sector", "region", "sex", "vintage"]
COLUMNS = TIDY_COLUMNS
LEVELS = ["vmbo", "vmbo-b", "vmbo-k", "vmbo-gt", "havo", "vwo", "havo-vwo", "mbo", "mbo-1",
          "mbo-2", "mbo-3", "mbo-4", "hbo", "wo", "ho", "all"]
SEXES = ["man", "vrouw", "all"]
STATUSES = ["definitive", "provisional", "illustrative"]
# \Z, not $: "$" also matches before a final newline ("PV29\n" would pass)
REGION_PATTERN = r"^(NL|NL01|PV(2[0-9]|3[01])|LD0[1-4]|AM(0[1-9]|[12][0-9]|3[0-5]))\Z"
SECTOR_PATTERN = r"^(all|[a-z]+(-[a-z]+)*|sbi-([A-U](-[A-U])?|[0-9]{2,5}(-[0-9]{2,3})?))\Z"
INDICATOR_PATTERN = r"^[a-z][a-z0-9_]*\Z"
OBS_FILE = "observations.csv"
#: in the Parquet cache's name: a copy written with other columns (before the extra columns
#: were kept) is never read back
CACHE_LAYOUT = "v2"
_HASHED_FILES = ["observations.csv", "indicators.yaml", "sectors.yaml", "regions.yaml",
                 "SOURCES.md"]


def schema() -> pa.DataFrameSchema:
    """Column-level rules of the contract (cross-row rules live in :func:`check_frame`)."""
    text: dict[str, Any] = {"dtype": str, "nullable": False, "coerce": True}
    return pa.DataFrameSchema(
        {
            "indicator": pa.Column(checks=pa.Check.str_matches(
                INDICATOR_PATTERN, error="use a lower-case indicator code from "
                "data/indicators.yaml"), **text),
            "period": pa.Column(checks=pa.Check(
                lambda s: s.map(lambda p: not period_problem(p)), element_wise=False,
                error="write 2019 (year), 2019/20 (school year) or 2023Q2 (quarter), "
                f"years {FIRST_YEAR}-{LAST_YEAR}"), **text),
            "level": pa.Column(checks=pa.Check.isin(
                LEVELS, error=f"use one of {', '.join(LEVELS)}"), **text),
            "sector": pa.Column(checks=pa.Check.str_matches(
                SECTOR_PATTERN, error="use all, a top-sector slug or an SBI code like sbi-C"),
                **text),
            "region": pa.Column(checks=pa.Check.str_matches(
                REGION_PATTERN, error="use NL, PV20..PV31, LD01..LD04 or AM01..AM35"), **text),
            "sex": pa.Column(checks=pa.Check.isin(SEXES, error="use man, vrouw or all"),
                             **text),
            # a cell that is no number is reported by check_frame and left empty here, so the
            # other columns of its row are still checked
            "value": pa.Column(float, nullable=True, coerce=False),
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


def read_raw(path: Path) -> pd.DataFrame:
    """``observations.csv`` as strings (so bad cells survive for the messages of
    :func:`check_frame`)."""
    return csvio.read_table(path, COLUMNS, "run `techmonitor data build --raw DIR`")


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
        if text in {"", "<5", "< 5"}:
            problems.append(
                f"{fname}: row {row}, column value: {cell!r} is a suppressed or empty cell; "
                "observations hold published numbers only: drop the row, or let the connector "
                "aggregate suppressed cells (counted as missing, never as 0)")
            values.append(float("nan"))
            continue
        try:
            values.append(parse_number(text))
        except ValueError as exc:
            problems.append(f"{fname}: row {row}, column value: {short(cell)} {exc}")
            values.append(float("nan"))
    df["value"] = pd.Series(values, dtype=float, index=df.index)
    try:
        schema().validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        for rec in fc.to_dict("records"):
            idx = rec.get("index")
            where = f"row {int(idx) + 2}" if pd.notna(idx) else "all rows"
            problems.append(f"{fname}: {where}, column {rec['column']}: value "
                            f"{short(rec['failure_case'])} is not allowed; {rec['check']}")
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


def _extra_problems(raw: pd.DataFrame, fname: str) -> list[str]:
    """Problems of the optional columns :data:`EXTRA_COLUMNS` that are present."""
    problems: list[str] = []

    def bad(column: str, ok: pd.Series, fix: str) -> None:
        for i in raw.index[~ok.to_numpy()][:20]:
            problems.append(f"{fname}: row {i + 2}, column {column}: "
                            f"{short(raw.at[i, column])} {fix}")

    if "suppressed" in raw:
        bad("suppressed", raw["suppressed"].astype(str).str.fullmatch(r"[0-9]+"),
            "is not a count of suppressed cells; write 0 or a whole number")
    if "lower_bound" in raw:
        bad("lower_bound", raw["lower_bound"].astype(str).isin(["true", "false"]),
            "is not true/false; write true when the value rests on suppressed cells")
    if "published" in raw:
        bad("published", raw["published"].astype(str).str.fullmatch(r"\d{4}-\d{2}-\d{2}"),
            "is not a publication date; write YYYY-MM-DD (`techmonitor data build` fills it "
            "from data/sources.yaml)")
    return problems


def _published_default(period: str) -> str:
    return period_end(period).isoformat()


def _typed(raw: pd.DataFrame) -> pd.DataFrame:
    """The contract columns typed, with the extra columns (defaults where a file has none:
    no suppressed cells, no lower bound, published at the end of the period)."""
    df = raw[COLUMNS].copy()
    df["value"] = df["value"].astype(float)
    n = len(df)
    df["suppressed"] = (raw["suppressed"].astype(int) if "suppressed" in raw
                        else pd.Series([0] * n, index=df.index, dtype=int))
    df["lower_bound"] = (raw["lower_bound"].astype(str) == "true" if "lower_bound" in raw
                         else pd.Series([False] * n, index=df.index, dtype=bool))
    df["published"] = (raw["published"].astype(str) if "published" in raw
                       else df["period"].map(_published_default).astype(str))
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
        Columns :data:`COLUMNS` (``value`` float, others str), then :data:`EXTRA_COLUMNS`:
        ``suppressed`` int, ``lower_bound`` bool, ``published`` ISO date (str). A file without
        them (a hand-written fixture) gets 0, False and the last day of each row's period.

    Raises
    ------
    DataValidationError
        Listing ALL problems (file, row, column, value, fix).
    """
    data_dir = Path(data_dir)
    key = _content_key(data_dir) if (data_dir / OBS_FILE).exists() else ""
    cache = data_dir / ".cache" / f"observations-{CACHE_LAYOUT}-{key}.parquet"
    if use_cache and key:
        if cache.exists():
            try:
                df = pd.read_parquet(cache)
            except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, never trusted
                pass
            else:
                return df
    raw = read_raw(data_dir / OBS_FILE)
    problems = check_frame(raw, str(data_dir / OBS_FILE), data_dir)
    problems += _extra_problems(raw, str(data_dir / OBS_FILE))
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
