"""DUO "Examenkandidaten en geslaagden" voortgezet onderwijs (the 5-year CSV).

One row per school location × ``OPLEIDINGSNAAM`` (vmbo: ``VMBO B|K|G|T|LWT - <sector>``;
havo/vwo: ``HAVO - N&T / N&G`` …), one column per school year × measure × sex
(``EXAMENKANDIDATEN SCHOOLJAAR 2019-2020 - MAN``). Only exam candidates are read. Cells
``<5`` are suppressed: left out of every sum (never 0) and counted in ``suppressed``.

Levels: ``vmbo`` (all leerwegen incl. leerwerktraject), ``vmbo-b`` (basis), ``vmbo-k``
(kader), ``vmbo-gt`` (gemengd + theoretisch), ``havo``, ``vwo``, ``havo-vwo``. Region: NL and
the province of the school location's municipality (:mod:`techmonitor.sources.municipalities`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from techmonitor.errors import DataValidationError
from techmonitor.sources import read_table
from techmonitor.sources.duo import SUPPRESSED_MARKERS
from techmonitor.sources.flags import finish
from techmonitor.sources.municipalities import province_of_municipality

SOURCE = "duo-vo-examen"
VINTAGE = "duo-vo-examen-2024"
REQUIRED = ("GEMEENTENAAM", "ONDERWIJSTYPE VO", "OPLEIDINGSNAAM")
_COUNT = re.compile(r"^EXAMENKANDIDATEN SCHOOLJAAR (\d{4})-(\d{4}) - (MAN|VROUW|TOTAAL)$")
_VMBO = re.compile(r"^VMBO (B|K|G|T|LWT)(?: - (.+))?$")
LEERWEG_LEVEL = {"B": "vmbo-b", "K": "vmbo-k", "G": "vmbo-gt", "T": "vmbo-gt", "LWT": None}
SEX = {"MAN": "man", "VROUW": "vrouw", "TOTAAL": "all"}


def _classify(name: str) -> tuple[str, str | None, str]:
    """``OPLEIDINGSNAAM`` → (type vmbo|havo|vwo, leerweg level or None, group).

    group = the vmbo sector in lower case (``techniek``) or, for havo/vwo, ``nt`` when the
    profile (or a combination) contains N&T, else ``other``.
    """
    text = name.strip()
    m = _VMBO.match(text)
    if m:
        return "vmbo", LEERWEG_LEVEL[m.group(1)], (m.group(2) or "").strip().lower()
    m = re.match(r"^(HAVO|VWO) - (.+)$", text)
    if m:
        return m.group(1).lower(), None, "nt" if "N&T" in m.group(2) else "other"
    raise ValueError(text)


def read_exam(path: Path, provinces: Mapping[str, str]) -> pd.DataFrame:
    """Read the CSV into one row per school location × programme × year × sex.

    Parameters
    ----------
    path
        The DUO CSV (``;``-separated, quoted).
    provinces
        Lower-case province name → region code.

    Returns
    -------
    pandas.DataFrame
        ``type, level, group, region, period, sex, count, suppressed``.

    Raises
    ------
    DataValidationError
        A missing column, an unknown programme name or municipality, or a cell that is no
        count: file, row, column and value named.
    """
    path = Path(path)
    raw = read_table(path, sep=";")
    cols = {re.sub(r"\s+", " ", c.strip().upper()): c for c in raw.columns}
    missing = [c for c in REQUIRED if c not in cols]
    counts = [(m, c) for k, c in cols.items() if (m := _COUNT.match(k))]
    if missing or not counts:
        wanted = missing or ["EXAMENKANDIDATEN SCHOOLJAAR <yyyy-yyyy> - MAN|VROUW|TOTAAL"]
        msg = (f"{path}: required column(s) {wanted} missing (columns are "
               f"{list(raw.columns)[:10]} …); DUO changed the layout: update "
               "techmonitor/sources/duo_vo.py")
        raise DataValidationError(msg, [msg])
    problems: list[str] = []
    muni = province_of_municipality()
    kinds = []
    for i, name in enumerate(raw[cols["OPLEIDINGSNAAM"]], start=2):
        try:
            kinds.append(_classify(str(name)))
        except ValueError:
            problems.append(f"{path}: row {i}, column OPLEIDINGSNAAM: {name!r} is not a known "
                            "vmbo leerweg - sector or havo/vwo profile")
            kinds.append(("", None, ""))
    region = []
    for i, name in enumerate(raw[cols["GEMEENTENAAM"]], start=2):
        prov = muni.get(str(name).strip().upper())
        code = provinces.get(prov.lower()) if prov else None
        if code is None:
            problems.append(f"{path}: row {i}, column GEMEENTENAAM: {name!r} has no province; "
                            "add it to techmonitor/sources/municipalities.py")
        region.append(code or "")
    base = pd.DataFrame(kinds, columns=["type", "level", "group"])
    base["region"] = region
    parts = []
    for m, col in counts:
        text = raw[col].astype(str).str.strip()
        supp = text.isin(SUPPRESSED_MARKERS)
        num = pd.to_numeric(text.where(~supp & (text != "")), errors="coerce")
        bad = (num.isna() & ~supp & (text != "")) | (num < 0)
        for i in np.flatnonzero(bad.to_numpy())[:20]:
            problems.append(f"{path}: row {i + 2}, column {col}: {text.iloc[i]!r} is not a count")
        parts.append(base.assign(period=f"{m.group(1)}/{m.group(2)[2:]}", sex=SEX[m.group(3)],
                                 count=num.where(text != "", 0.0).to_numpy(dtype=float),
                                 suppressed=supp.to_numpy(dtype=int)))
    if problems:
        raise DataValidationError(f"{path}: {len(problems)} problems", problems)
    return pd.concat(parts, ignore_index=True)


def _sum(cells: pd.DataFrame, indicator: str, level: str) -> pd.DataFrame:
    """Sum cells per period × region (NL and provinces) × sex, flags included."""
    out = []
    for region_all in (True, False):
        g = cells.assign(region="NL" if region_all else cells["region"])
        agg = g.groupby(["period", "region", "sex"], as_index=False).agg(
            value=("count", lambda s: s.sum(min_count=1)), suppressed=("suppressed", "sum"))
        out.append(agg.dropna(subset=["value"]))
    t = pd.concat(out, ignore_index=True)
    return finish(t.assign(indicator=indicator, level=level, sector="all", source=SOURCE,
                           vintage=VINTAGE, status="definitive"), count=True)


def observations(path: Path, provinces: Mapping[str, str]) -> pd.DataFrame:
    """``vmbo_exam_tech``/``vmbo_exam_total`` per leerweg and ``havovwo_exam_nt``/
    ``havovwo_exam_total`` per havo, vwo and havo-vwo; by sex and province.

    The TOTAAL columns give ``sex='all'`` (DUO's own total, not man + vrouw: a suppressed
    sex cell would otherwise be lost twice).
    """
    cells = read_exam(path, provinces)
    frames = []
    vmbo = cells[cells["type"] == "vmbo"]
    levels = [("vmbo", vmbo)] + [(lv, vmbo[vmbo["level"] == lv])
                                 for lv in ("vmbo-b", "vmbo-k", "vmbo-gt")]
    for level, part in levels:
        frames.append(_sum(part, "vmbo_exam_total", level))
        frames.append(_sum(part[part["group"] == "techniek"], "vmbo_exam_tech", level))
    hv = cells[cells["type"].isin(["havo", "vwo"])]
    for level, part in (("havo", hv[hv["type"] == "havo"]), ("vwo", hv[hv["type"] == "vwo"]),
                        ("havo-vwo", hv)):
        frames.append(_sum(part, "havovwo_exam_total", level))
        frames.append(_sum(part[part["group"] == "nt"], "havovwo_exam_nt", level))
    return pd.concat(frames, ignore_index=True)
