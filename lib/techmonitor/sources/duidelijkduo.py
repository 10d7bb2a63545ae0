"""DUO hbo enrolled students as converted to JSON by DuidelijkDUO (a cross-check source).

The file is a list of records, one per institution location × programme × type × form × sex,
with one key per year (``"2020"`` … ``"2024"``, the 1 October count) holding an integer or
the text ``"<5"``. It holds the same DUO count as the star schema's enrolled table
(:mod:`techmonitor.sources.duo_star`), from another download, so it is *not* written to
``observations.csv`` (two copies of one series would only invite a choice between them): it is
read by :func:`enrolled` to check the star schema (``tests/sources/test_duidelijkduo.py``).
``"<5"`` cells are left out of sums and counted, as everywhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from techmonitor.errors import DataValidationError
from techmonitor.sources import duo
from techmonitor.sources.duo import SUPPRESSED_MARKERS
from techmonitor.sources.flags import finish

SOURCE = "duo-hbo-duidelijkduo"
VINTAGE = "duo-duidelijkduo-2024"
REQUIRED = ("PROVINCIE", "ONDERDEEL", "TYPE HOGER ONDERWIJS", "GESLACHT")
SEX = {"man": "man", "vrouw": "vrouw"}


def read_records(path: Path) -> pd.DataFrame:
    """One row per record × year: ``year, type, onderdeel, province, sex, count, suppressed``.

    Raises
    ------
    DataValidationError
        Not a JSON list, a record without a required key or any year key, or a cell that is
        no count: file, record number, key and value named.
    """
    path = Path(path)
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        msg = f"{path}: cannot read JSON ({exc})"
        raise DataValidationError(msg, [msg]) from exc
    if not isinstance(records, list) or not records:
        msg = f"{path}: expected a non-empty JSON list of records"
        raise DataValidationError(msg, [msg])
    years = sorted(k for k in records[0] if re.fullmatch(r"\d{4}", str(k)))
    missing = [k for k in REQUIRED if k not in records[0]]
    if missing or not years:
        wanted = missing or ["<year> keys such as '2020'"]
        msg = (f"{path}: record 1 lacks key(s) {wanted} (keys are {list(records[0])}); the "
               "layout changed: update techmonitor/sources/duidelijkduo.py")
        raise DataValidationError(msg, [msg])
    rows, problems = [], []
    for n, rec in enumerate(records, start=1):
        lacking = [k for k in (*REQUIRED, *years) if k not in rec]
        if lacking:
            problems.append(f"{path}: record {n} lacks key(s) {lacking}")
            continue
        for year in years:
            cell = rec[year]
            if isinstance(cell, str) and cell.strip() in SUPPRESSED_MARKERS:
                count, supp = float("nan"), 1
            elif isinstance(cell, int | float) and not isinstance(cell, bool) and cell >= 0:
                count, supp = float(cell), 0
            else:
                problems.append(f"{path}: record {n}, key {year!r}: {cell!r} is not a count")
                continue
            rows.append((int(year), str(rec["TYPE HOGER ONDERWIJS"]).strip().lower(),
                         str(rec["ONDERDEEL"]).strip().lower(), str(rec["PROVINCIE"]).strip(),
                         SEX.get(str(rec["GESLACHT"]).strip().lower(), ""), count, supp))
    if problems:
        raise DataValidationError(f"{path}: {len(problems)} problems", problems)
    return pd.DataFrame(rows, columns=["year", "type", "onderdeel", "province", "sex", "count",
                                       "suppressed"])


def enrolled(path: Path, provinces: Mapping[str, str], *,
             types: tuple[str, ...] = ("associate degree", "bachelor", "master"),
             ) -> pd.DataFrame:
    """``enrolled_tech``/``enrolled_total`` (level hbo) by school year, region and sex.

    ``types`` selects the programme types (all three by default, as the file's totals).
    """
    from techmonitor.sources.duo_star import sums

    micro = read_records(path)
    micro = micro[micro["type"].isin(types)]
    frames = []
    for code, part in (("enrolled_total", micro),
                       ("enrolled_tech", micro[micro["onderdeel"] == "techniek"])):
        t = sums(part, provinces).dropna(subset=["value"])
        frames.append(finish(pd.DataFrame({
            "indicator": code, "period": t["year"].map(duo.school_year), "level": "hbo",
            "sector": "all", "region": t["region"], "sex": t["sex"], "value": t["value"],
            "source": SOURCE, "vintage": VINTAGE, "status": "definitive",
            "suppressed": t["suppressed"]}), count=True))
    return pd.concat(frames, ignore_index=True)
