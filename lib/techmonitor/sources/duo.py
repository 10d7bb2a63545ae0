"""DUO open-data connector: hbo/wo first-year enrolments and diplomas, mbo participants.

Three file layouts are read (detected from the column names):

``wide`` (the 2019 DUO files, e.g. ``03b-eerstejaars-ingeschrevenen-hbo-...-2019.csv``)
    One row per institution location × programme × form × sex, one column per year
    (``2015`` … ``2019``); mbo has ``MAN2015;VROUW2015;TOTAAL2015 …``. Small counts are
    published as they are.
``long`` (current onderwijsdata.duo.nl layout, e.g. ``p02ho1ejrs``, ``p04hogdipl``)
    One row per year (``STUDIEJAAR``/``DIPLOMAJAAR``) with one count column ``AANTAL_…``.
    DUO's privacy filter publishes an original count 1–4 as **-1** (the field profiles of
    p01hoinges/p02ho1ejrs/p04hogdipl say so): such a cell is suppressed, exactly like ``<5``.
    A published 4 is kept and counted in ``upper_bound`` (older copies wrote the filter's
    value as 4).
``long`` with ``<5`` (the DuidelijkDUO copies)
    Same shape, but small cells are the text ``<5``. They become *missing* (never 0): totals
    are sums of the published cells, hence lower bounds, and the number of suppressed cells
    is carried in the ``suppressed`` column so the build can report it.

Everything is first normalised to one *micro* frame (:data:`MICRO_COLUMNS`), then aggregated
to tidy observations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from techmonitor.errors import DataValidationError
from techmonitor.sources import read_table, tidy

if TYPE_CHECKING:
    from techmonitor.reference import EducationRules

MICRO_COLUMNS = [
    "level",  # hbo | wo | mbo
    "province",  # province name as DUO writes it ('' when the file has none)
    "onderdeel",  # CROHO onderdeel (ho) or MBO SECTOR (mbo)
    "programme",  # programme / qualification name
    "code",  # CROHO programme code (ho) or qualification/crebo code (mbo); '' when absent
    "mbo_level",  # '1'..'4' for mbo, '' for ho
    "sbb_unit",  # SBB sector unit (mbo)
    "domain",  # mbo domain
    "sex",  # man | vrouw
    "year",  # int, the year as labelled in the file
    "count",  # float; NaN when suppressed
    "suppressed",  # 1 when the published cell was '<5'
    "upper_bound",  # 1 when the cell is a privacy-filtered 4 (true value 1..4)
]
#: "-1" is the privacy value of the current onderwijsdata.duo.nl files
SUPPRESSED_MARKERS = {"<5", "< 5", "&lt;5", "-1"}
_YEAR_COL = re.compile(r"^(\d{4})$")
_MBO_YEAR_COL = re.compile(r"^(MAN|VROUW|TOTAAL)(\d{4})$")


def _norm(name: str) -> str:
    """Column names differ between layouts only in spaces vs underscores and case."""
    return re.sub(r"[\s_]+", "_", name.strip().upper())


def parse_count(raw: str) -> tuple[float, bool]:
    """Parse one published DUO count.

    Returns
    -------
    tuple
        ``(value, suppressed)``; a ``<5`` cell gives ``(nan, True)``, an empty cell
        ``(0.0, False)`` (DUO leaves a year empty when the programme had no students).

    Raises
    ------
    ValueError
        For text that is neither a count nor a suppression marker.
    """
    text = str(raw).strip()
    if text in SUPPRESSED_MARKERS:
        return float("nan"), True
    if text == "":
        return 0.0, False
    value = float(text.replace(".", "").replace(",", ".")) if "," in text else float(text)
    if value < 0:
        raise ValueError(f"negative count {text!r}")
    return value, False


def detect_layout(columns: Iterable[str]) -> str:
    """Return ``'wide-ho'``, ``'wide-mbo'`` or ``'long'`` for a DUO header."""
    cols = [_norm(c) for c in columns]
    if any(_MBO_YEAR_COL.match(c) for c in cols):
        return "wide-mbo"
    if any(_YEAR_COL.match(c) for c in cols):
        return "wide-ho"
    if any(c.startswith("AANTAL") for c in cols):
        return "long"
    raise ValueError(
        "not a known DUO layout: expected year columns (2015 …), MAN2015/VROUW2015 … "
        "or an AANTAL_… count column"
    )


def _level_from_name(path: Path, level: str | None) -> str:
    if level:
        return level
    name = path.name.lower()
    for cand in ("mbo", "hbo", "wo"):
        if re.search(rf"(^|[^a-z]){cand}([^a-z]|$)", name) or name.endswith(f"{cand}.csv"):
            return cand
    raise DataValidationError(
        f"{path}: cannot tell hbo/wo/mbo from the file name; pass level='hbo'|'wo'|'mbo'",
        [f"{path}: level unknown; pass level= explicitly"],
    )


def _col(df: pd.DataFrame, *names: str, default: str | None = None) -> pd.Series:
    """First column present among ``names`` (normalised); a constant when none is."""
    lookup = {_norm(c): c for c in df.columns}
    for name in names:
        if _norm(name) in lookup:
            return df[lookup[_norm(name)]].astype(str).str.strip()
    if default is None:
        raise KeyError(names[0])
    return pd.Series(default, index=df.index, dtype=object)


def read_duo(path: Path, *, level: str | None = None) -> pd.DataFrame:
    """Read one DUO file (any layout, CSV/Excel/Parquet) into the micro frame.

    Parameters
    ----------
    path
        DUO file.
    level
        ``'hbo'``, ``'wo'`` or ``'mbo'``; inferred from the file name when omitted.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`MICRO_COLUMNS`, one row per published cell (sex × year).

    Raises
    ------
    DataValidationError
        Unknown layout, missing columns or unreadable counts (all problems listed).
    """
    path = Path(path)
    raw = read_table(path)
    try:
        layout = detect_layout(raw.columns)
    except ValueError as exc:
        raise DataValidationError(f"{path}: {exc}", [f"{path}: {exc}"]) from exc
    lvl = _level_from_name(path, level)
    # Trailing empty rows (PROVINCIE/sector empty) occur in the 2019 files: drop them.
    key = _col(raw, "MBO SECTOR", "CROHO ONDERDEEL", "ONDERDEEL", default="")
    raw = raw[key != ""].reset_index(drop=True)
    try:
        if layout == "wide-mbo":
            micro = _wide_mbo(raw)
        else:
            micro = _wide_ho(raw, lvl) if layout == "wide-ho" else _long(raw, lvl)
    except KeyError as exc:
        msg = f"{path}: required column {exc.args[0]!r} missing ({layout} layout)"
        raise DataValidationError(msg, [msg]) from exc
    problems = micro.attrs.pop("problems", [])
    if problems:
        raise DataValidationError(
            f"{path}: {len(problems)} unreadable counts",
            [f"{path}: {p}; fix the cell or re-download the file" for p in problems],
        )
    return micro[MICRO_COLUMNS]


def _ho_base(raw: pd.DataFrame, level: str) -> dict[str, Any]:
    return {
        "level": level,
        "province": _col(raw, "PROVINCIE", "PROVINCIENAAM", default=""),
        "onderdeel": _col(raw, "CROHO ONDERDEEL", "ONDERDEEL").str.lower(),
        "programme": _col(raw, "OPLEIDINGSNAAM ACTUEEL", "OPLEIDINGSNAAM", default=""),
        "code": _col(raw, "OPLEIDINGSCODE ACTUEEL", "OPLEIDINGSCODE", "CROHO CODE", default=""),
        "mbo_level": "",
        "sbb_unit": "",
        "domain": "",
        "sex": _col(raw, "GESLACHT").str.lower(),
    }


def _melt(base: pd.DataFrame, values: Mapping[int, pd.Series], upper: bool) -> pd.DataFrame:
    parts, problems = [], []
    for year, series in values.items():
        # Vectorised version of parse_count (files have ~10^5 cells).
        text = series.astype(str).str.strip().reset_index(drop=True)
        supp = text.isin(SUPPRESSED_MARKERS)
        empty = text == ""
        num = pd.to_numeric(text.where(~supp & ~empty), errors="coerce")
        bad = (num.isna() & ~supp & ~empty) | (num < 0)
        for i in np.flatnonzero(bad.to_numpy()):
            problems.append(f"row {i + 2}, year {year}: value {text[i]!r} is not a count")
        counts = num.where(~empty, 0.0).where(~bad)
        part = base.copy()
        part["year"] = year
        part["count"] = counts.to_numpy(dtype=float)
        part["suppressed"] = supp.to_numpy(dtype=int)
        # The privacy filter of the current layout turns every 1..4 into 4.
        part["upper_bound"] = ((part["count"] == 4) & upper).astype(int)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=MICRO_COLUMNS)
    out.attrs["problems"] = problems
    return out


def _wide_ho(raw: pd.DataFrame, level: str) -> pd.DataFrame:
    base = pd.DataFrame(_ho_base(raw, level))
    years = {int(c): raw[c] for c in raw.columns if _YEAR_COL.match(_norm(c))}
    return _melt(base, years, upper=False)


def _long(raw: pd.DataFrame, level: str) -> pd.DataFrame:
    base = pd.DataFrame(_ho_base(raw, level))
    count_col = next(c for c in raw.columns if _norm(c).startswith("AANTAL"))
    year_raw = _col(raw, "STUDIEJAAR", "DIPLOMAJAAR", "JAAR", "PEILJAAR")
    years = year_raw.str.extract(r"(\d{4})")[0]
    parts = []
    for year in sorted(years.dropna().unique()):
        mask = years == year
        part = _melt(base[mask].reset_index(drop=True), {int(year): raw.loc[mask, count_col]}, True)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out.attrs["problems"] = [p for part in parts for p in part.attrs.get("problems", [])]
    return out


def _wide_mbo(raw: pd.DataFrame) -> pd.DataFrame:
    base = {
        "level": "mbo",
        "province": "",
        "onderdeel": _col(raw, "MBO SECTOR").str.lower(),
        "programme": _col(raw, "KWALIFICATIE NAAM", default=""),
        "code": _col(raw, "KWALIFICATIE CODE", "KWALIFICATIECODE", "CREBO", default=""),
        "mbo_level": _col(raw, "KWALIFICATIENIVEAU", "NIVEAU"),
        "sbb_unit": _col(raw, "SECTORUNIT SBB", default=""),
        "domain": _col(raw, "DOMEIN", default=""),
    }
    parts, problems = [], []
    lookup = {_norm(c): c for c in raw.columns}
    years = sorted({int(m.group(2)) for c in lookup if (m := _MBO_YEAR_COL.match(c))})
    for sex, prefix in (("man", "MAN"), ("vrouw", "VROUW")):
        frame = pd.DataFrame({**base, "sex": sex})
        melted = _melt(frame, {y: raw[lookup[f"{prefix}{y}"]] for y in years}, upper=False)
        problems += melted.attrs.pop("problems", [])
        parts.append(melted)
    out = pd.concat(parts, ignore_index=True)
    out.attrs["problems"] = problems
    return out


def school_year(year: int) -> str:
    """DUO enrolment year ``2015`` (count date 1 October 2015) → ``'2015/16'``."""
    return f"{year}/{(year + 1) % 100:02d}"


def aggregate(
    micro: pd.DataFrame,
    *,
    indicator: str,
    mask: pd.Series | None,
    source: str,
    vintage: str,
    period_of: str = "school_year",
    by_region: bool = True,
    sector: str = "all",
    mbo_levels: bool = False,
    province_codes: Mapping[str, str] | None = None,
    add_ho: bool = True,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Aggregate micro rows to tidy observations.

    Sums over every cell selected by ``mask`` per period × level × region × sex, plus the
    totals: ``sex='all'``, ``region='NL'`` and (for ho files) ``level='ho'`` = hbo + wo.
    Suppressed (``<5``) cells are skipped, so such totals are lower bounds; a group whose
    cells are *all* suppressed yields no row rather than a false 0.

    Returns
    -------
    tuple
        ``(observations, counts)`` with ``counts`` holding ``suppressed`` and
        ``upper_bound`` cell totals for the build summary.
    """
    df = micro if mask is None else micro[mask.to_numpy()]
    df = df.copy()
    if period_of == "school_year":
        df["period"] = df["year"].map(school_year)
    else:
        df["period"] = df["year"].astype(str)
    if by_region and province_codes is not None:
        df["region"] = df["province"].map(lambda p: province_codes.get(p.lower(), ""))
        unknown = sorted(set(df.loc[df["region"] == "", "province"]) - {""})
        if unknown:
            raise DataValidationError(
                f"unknown province names {unknown}",
                [f"province {u!r} is not in data/regions.yaml; add it" for u in unknown],
            )
    else:
        df["region"] = ""
    # One pass over the cells at the finest grain, then roll up the (small) result:
    # sum(min_count=1) keeps a group whose cells are all suppressed as missing at every step.
    fine = (
        df.groupby(["period", "level", "mbo_level", "region", "sex"], sort=False)["count"]
        .sum(min_count=1)
        .reset_index()
    )
    variants = [fine]
    if mbo_levels:
        variants.append(fine.assign(level="mbo-" + fine["mbo_level"].astype(str)))
    if add_ho and set(fine["level"]) <= {"hbo", "wo"}:
        variants.append(fine.assign(level="ho"))
    frames = []
    for var in variants:
        for region_all in (True, False):
            if not region_all and not (by_region and province_codes is not None):
                continue
            for sex_all in (True, False):
                v = var.assign(
                    region="NL" if region_all else var["region"],
                    sex="all" if sex_all else var["sex"],
                )
                v = v[v["region"] != ""]
                g = v.groupby(["period", "level", "region", "sex"], sort=True)["count"]
                frames.append(g.sum(min_count=1).dropna().rename("value").reset_index())
    out = pd.concat(frames, ignore_index=True)
    out = out.assign(
        indicator=indicator, sector=sector, source=source, vintage=vintage, status="definitive"
    )
    counts = {
        "suppressed": int(df["suppressed"].sum()),
        "upper_bound": int(df["upper_bound"].sum()),
    }
    return tidy(out), counts


def delineation_mask(codes: pd.Series, level: str | pd.Series,
                     rules: EducationRules) -> pd.Series:
    """Which programme codes a top sector's education delineation selects.

    The one selection rule of the project: a programme counts for a sector when its code is
    in the sector's code list for its level (CROHO codes for hbo/wo, crebo codes for mbo;
    ``data/sectors.yaml``). Works on any frame with a code column, e.g. the 2019 DUO files'
    micro frame or the star schema's ``dim_opleiding.croho_code``.

    Parameters
    ----------
    codes
        Programme codes (anything that prints as the digits: ints, ``'34267'``).
    level
        ``'hbo'``, ``'wo'`` or ``'mbo'`` for all rows, or a Series of those per row; other
        levels (e.g. ``'ho'``) select nothing.
    rules
        The sector's :class:`~techmonitor.reference.EducationRules`.

    Returns
    -------
    pandas.Series
        Boolean, aligned with ``codes``.
    """
    text = codes.astype("string").fillna("").str.strip()
    levels = level if isinstance(level, pd.Series) else pd.Series(level, index=codes.index)
    hit = pd.Series(False, index=codes.index)
    for lvl in ("hbo", "wo", "mbo"):
        chosen = rules.codes(lvl)
        if chosen:
            hit |= (levels == lvl).to_numpy() & text.isin(chosen).to_numpy()
    return hit


def programme_mask(micro: pd.DataFrame, rules: EducationRules) -> pd.Series:
    """Rows of a micro frame (:data:`MICRO_COLUMNS`) in a sector's education delineation.

    Raises
    ------
    DataValidationError
        When the frame has no programme codes at a level the rules select from (the file
        lacks the code column, so the sector series would silently be zero).
    """
    for lvl in ("hbo", "wo", "mbo"):
        rows = micro["level"] == lvl
        if rules.codes(lvl) and rows.any() and (micro.loc[rows, "code"] == "").all():
            msg = (f"{lvl} rows have no programme code column (OPLEIDINGSCODE ACTUEEL / "
                   "KWALIFICATIE CODE); the code-list delineations of data/sectors.yaml need it")
            raise DataValidationError(msg, [msg])
    return delineation_mask(micro["code"], micro["level"], rules)
