"""CBS StatLine connector: vacancy tables 80472ned and 83599NED, and a cached ``cbsodata`` fetch.

Two input shapes are mapped to the tidy contract:

* exported OData files (``vacatures.csv``: ``;``-separated, quoted, padded numbers, ``.`` for
  missing; dimension columns hold category *keys* such as ``307500`` and ``2023KW02``);
* :func:`fetch_cbs` results (``cbsodata.get_data``), whose dimension columns hold category
  *titles* such as ``C Industrie`` and ``2023 2e kwartaal``.

Both publish vacancies in thousands (``x 1 000``). We store **numbers of vacancies**
(value × 1 000, rounded to whole vacancies) so that SBI sectors add up to top sectors in the
same unit as every other count. Sector codes are ``sbi-`` + the SBI code at the start of the
CBS title (``sbi-C``, ``sbi-10-12``, ``sbi-69-71``); the all-sector total ``A-U`` is ``all``.
Company-size classes of 80472ned are not sectors and are skipped.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from techmonitor.errors import DataValidationError, TechmonitorError
from techmonitor.sources import read_table, tidy

_KW = re.compile(r"^(\d{4})KW0([1-4])$")
_KW_TITLE = re.compile(r"^(\d{4}) ([1-4])e kwartaal(\*{0,2})$")
_SBI_TITLE = re.compile(r"^([A-U](?:-[A-U])?|\d{2,5}(?:-\d{2,3})?)\s")
MEASURE_KEYS = {
    "OpenstaandeVacatures_1": "vacancies_open",
    "OpenstaandeVacatures": "vacancies_open",  # 83599NED copy: column renamed by its author
    "Openstaande vacatures": "vacancies_open",
}


def cbs_period(value: str) -> tuple[str, bool] | None:
    """Map a CBS period key or title to ``(period, provisional)``.

    ``2023KW02`` and ``2023 2e kwartaal`` → ``('2023Q2', False)``; a title ending in ``*``
    (CBS: provisional) → ``provisional=True``. Year values (``2023JJ00``) return ``None``:
    quarterly values suffice and the year value of open vacancies is a weighted average,
    not a count that can be compared with quarters.
    """
    text = str(value).strip()
    m = _KW.match(text) or _KW_TITLE.match(text)
    if not m:
        return None
    provisional = bool(m.lastindex and m.lastindex >= 3 and m.group(3))
    return f"{m.group(1)}Q{m.group(2)}", provisional


def sbi_code(title: str) -> str | None:
    """``'C Industrie'`` → ``'sbi-C'``; ``'A-U Alle economische activiteiten'`` → ``'all'``.

    Returns ``None`` for categories that are not SBI sectors (company-size classes).
    """
    text = str(title).strip()
    m = _SBI_TITLE.match(text + " ")
    if not m:
        return None
    code = m.group(1)
    return "all" if code == "A-U" else f"sbi-{code}"


def read_sbi_keys(path: Path) -> dict[str, str]:
    """Read a CBS key → title list (``Key,Title``) and map each key to its sector code."""
    df = read_table(path)
    key_col = next(c for c in df.columns if c.strip().lower() == "key")
    title_col = next(c for c in df.columns if c.strip().lower() == "title")
    out: dict[str, str] = {}
    for key, title in zip(df[key_col], df[title_col], strict=True):
        code = sbi_code(title)
        if code:
            out[str(key).strip()] = code
    return out


def read_period_status(metadata_csv: Path) -> dict[str, str]:
    """Period status (``Definitief``/``Voorlopig``) from a CBS metadata export.

    The export stacks several tables; the ``"Perioden"`` block has ``Key;Title;Description;
    Status``. Returns ``{'2023Q2': 'definitive', ...}``.
    """
    text = metadata_csv.read_text(encoding="utf-8-sig")
    block = text.split('"Perioden"', 1)
    out: dict[str, str] = {}
    if len(block) < 2:
        return out
    for m in re.finditer(r'^"(\d{4}KW0[1-4])";.*?;"(\w+)"\s*$', block[1], flags=re.M):
        period = cbs_period(m.group(1))
        if period:
            out[period[0]] = "provisional" if "oorlopig" in m.group(2) else "definitive"
    return out


def _number(raw: Any) -> float | None:
    text = str(raw).strip()
    if text in {"", ".", "x", "-", "?", "nan", "None"}:
        return None  # CBS symbols for 'missing' / 'secret'
    return float(text)


def vacancies_to_tidy(
    df: pd.DataFrame,
    *,
    sector_col: str,
    region_col: str | None,
    value_col: str,
    sector_keys: Mapping[str, str] | None,
    region_titles: Mapping[str, str] | None,
    source: str,
    vintage: str,
    period_status: Mapping[str, str] | None = None,
    default_status: str = "provisional",
) -> pd.DataFrame:
    """Map a CBS vacancy frame (keys or titles) to tidy ``vacancies_open`` rows.

    Parameters
    ----------
    sector_keys
        CBS key → sector code (for exports); titles are parsed with :func:`sbi_code`.
    region_titles
        CBS region key or title (``PV20``, ``Groningen (PV)``) → region code; ``NL01`` and
        ``Nederland`` become ``NL``.
    period_status
        Status per period from the table metadata; periods not listed get
        ``default_status`` (a quarter newer than the metadata export is not yet confirmed
        definitive).
    """
    rows = []
    problems = []
    for i, rec in enumerate(df.to_dict("records")):
        per = cbs_period(rec["Perioden"])
        if per is None:
            continue
        period, provisional = per
        sraw = str(rec[sector_col]).strip()
        sector = (sector_keys or {}).get(sraw) or sbi_code(sraw)
        if sector is None:
            continue
        region = "NL"
        if region_col:
            rraw = str(rec[region_col]).strip()
            region = (region_titles or {}).get(rraw, "")
            if not region:
                problems.append(f"row {i + 2}: region {rraw!r} unknown")
                continue
        try:
            value = _number(rec[value_col])
        except ValueError:
            problems.append(f"row {i + 2}, column {value_col}: {rec[value_col]!r} not a number")
            continue
        if value is None:
            continue
        status = "provisional" if provisional else (period_status or {}).get(period, default_status)
        rows.append(
            {
                "indicator": "vacancies_open",
                "period": period,
                "level": "all",
                "sector": sector,
                "region": region,
                "sex": "all",
                "value": round(value * 1000),  # CBS unit is x 1 000
                "source": source,
                "vintage": vintage,
                "status": status,
            }
        )
    if problems:
        raise DataValidationError(f"{source}: {len(problems)} problems", problems)
    return tidy(rows)


def region_lookup(regions: Mapping[str, str]) -> dict[str, str]:
    """Key/title → region code, from ``{code: name}`` (e.g. ``{'PV20': 'Groningen'}``)."""
    out = {"NL01": "NL", "Nederland": "NL", "NL": "NL"}
    for code, name in regions.items():
        out[code] = code
        out[f"{name} (PV)"] = code
        out[f"{name} (LD)"] = code
        out[name] = code
    return out


def read_80472ned(path: Path, *, sector_keys: Mapping[str, str], metadata: Path | None = None,
                  vintage: str = "cbs-80472ned") -> pd.DataFrame:
    """Open vacancies by SBI sector, national, quarterly, from an 80472ned export."""
    df = read_table(path, sep=";")
    status = read_period_status(metadata) if metadata and metadata.exists() else {}
    return vacancies_to_tidy(
        df, sector_col="Bedrijfskenmerken", region_col=None, value_col="OpenstaandeVacatures_1",
        sector_keys=sector_keys, region_titles=None, source="cbs-80472ned", vintage=vintage,
        period_status=status,
    )


def read_83599ned(path: Path, *, sector_keys: Mapping[str, str], regions: Mapping[str, str],
                  period_status: Mapping[str, str] | None = None,
                  vintage: str = "cbs-83599ned") -> pd.DataFrame:
    """Open vacancies by SBI section × NL/landsdeel/province, quarterly, from 83599NED."""
    df = read_table(path, sep=",")
    value_col = next(c for c in df.columns if c.startswith("OpenstaandeVacatures"))
    region_col = "Regios" if "Regios" in df.columns else "RegioS"
    return vacancies_to_tidy(
        df, sector_col="BedrijfstakkenBranchesSBI2008", region_col=region_col,
        value_col=value_col, sector_keys=sector_keys, region_titles=region_lookup(regions),
        source="cbs-83599ned", vintage=vintage, period_status=period_status,
    )


def _cache_name(table_id: str, filters: str | None) -> str:
    digest = hashlib.sha256(f"{table_id}|{filters or ''}".encode()).hexdigest()[:12]
    return f"{table_id}-{digest}"


def fetch_cbs(
    table_id: str, cache_dir: Path, filters: str | None = None, *, refresh: bool = False
) -> pd.DataFrame:
    """Fetch a CBS StatLine table with ``cbsodata``, cached on disk.

    Parameters
    ----------
    table_id
        CBS table identifier, e.g. ``'80472ned'``.
    cache_dir
        Folder for cached responses (``<table>-<hash>.parquet`` + ``.json`` with the query).
        A cached response is returned without network access.
    filters
        OData filter, e.g. ``"Perioden eq '2023KW02'"``.
    refresh
        Ignore the cache and fetch again.

    Returns
    -------
    pandas.DataFrame
        The rows as ``cbsodata.get_data`` returns them (dimension columns hold titles).

    Raises
    ------
    TechmonitorError
        When the table cannot be fetched (no network, unknown table); the message names the
        table and says how to use the cache instead.
    """
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    stem = _cache_name(table_id, filters)
    data_path = cache_dir / f"{stem}.parquet"
    if data_path.exists() and not refresh:
        return pd.read_parquet(data_path)
    import cbsodata  # imported lazily: nothing at import time, and tests monkeypatch it

    try:
        records = cbsodata.get_data(table_id, filters=filters)
    except Exception as exc:  # network errors come in many types; report one clear line
        raise TechmonitorError(
            f"CBS table {table_id}: fetch failed ({type(exc).__name__}: {exc}); check the "
            f"table id and network, or put a cached response in {cache_dir}"
        ) from exc
    df = pd.DataFrame.from_records(records)
    tmp = data_path.with_suffix(".parquet.tmp")
    df.to_parquet(tmp, index=False)
    tmp.replace(data_path)
    meta = {"table_id": table_id, "filters": filters, "rows": len(df)}
    (cache_dir / f"{stem}.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return df


def cbs_vacancies_to_tidy(
    df: pd.DataFrame, table_id: str, *, regions: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Map a :func:`fetch_cbs` result of 80472ned or 83599NED to tidy observations.

    Titles are parsed (``C Industrie`` → ``sbi-C``; ``2023 2e kwartaal*`` → ``2023Q2``,
    provisional). Rows without a ``*`` are taken as definitive, as CBS marks provisional
    figures with it.
    """
    tid = table_id.lower()
    value_col = next((c for c in df.columns if c in MEASURE_KEYS), None)
    if value_col is None:
        msg = f"CBS {table_id}: no open-vacancies column in {list(df.columns)}"
        raise DataValidationError(msg, [msg])
    sector_col = "Bedrijfskenmerken" if "Bedrijfskenmerken" in df.columns else (
        "BedrijfstakkenBranchesSBI2008"
    )
    region_col = next((c for c in ("RegioS", "Regios") if c in df.columns), None)
    return vacancies_to_tidy(
        df, sector_col=sector_col, region_col=region_col, value_col=value_col,
        sector_keys=None, region_titles=region_lookup(regions or {}),
        source=f"cbs-{tid}", vintage=f"cbs-{tid}", default_status="definitive",
    )
