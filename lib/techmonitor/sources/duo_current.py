"""Current DUO open-data files (onderwijsdata.duo.nl) fetched by ``techmonitor data update``.

* ``p02ho1ejrs`` (first-years hbo/wo, with sex) and ``p04hogdipl`` (diplomas hbo/wo): the long
  layout of :mod:`techmonitor.sources.duo` (``STUDIEJAAR``/``DIPLOMAJAAR``, ``ONDERDEEL``,
  ``GESLACHT``, ``AANTAL_…``), aggregated like the 2019 files into ``inflow_*`` and
  ``diplomas_*`` in their own vintages (``duo-p02ho1ejrs``, ``duo-p04hogdipl``).
* ``instromende-mbo-studenten``: one file per year, one row per institution × programme ×
  level × prior education, count ``INSTROOM MBO`` → ``mbo_entrants_total``/``_tech``.
* ``gediplomeerde-mbo-studenten``: one row per institution × programme × level, one column per
  sex and year (``DIPMAN2021``, ``DIPVROUW2021`` …) → ``mbo_diplomas_total`` and
  ``mbo_diplomas_tech`` (``SECTORKAMER NAAM`` starting with "Techniek").

DUO's privacy filter publishes a count 1–4 as -1 (per DUO's field profiles): such a cell is
suppressed (left out, never 0 or -1; :data:`techmonitor.sources.duo.SUPPRESSED_MARKERS`). A
published 4 is kept and *flagged* (older copies wrote the filter's value as 4): the number of
such cells is in the frame's ``attrs["upper_bound"]``, which the update prints per table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from techmonitor.errors import DataValidationError
from techmonitor.sources import duo, read_table, tidy

if TYPE_CHECKING:
    from techmonitor.sources.tables import TableSpec

_DIP = re.compile(r"^DIP(MAN|VROUW)(\d{4})$")
MBO_DIPLOMA_COLUMNS = ("NIVEAU", "SECTORKAMER NAAM")


def _ho(folder: Path, spec: TableSpec, data_dir: Path, prefix: str, period_of: str,
        vintage: str) -> pd.DataFrame:
    from techmonitor.reference import load_regions

    micro = pd.concat([duo.read_duo(Path(folder) / f"{level}.csv", level=level)
                       for level, _ in spec.urls], ignore_index=True)
    regions = load_regions(data_dir).province_codes_by_name()
    frames, upper = [], 0
    for code, mask in ((f"{prefix}_total", None),
                       (f"{prefix}_tech", micro["onderdeel"] == "techniek")):
        obs, counts = duo.aggregate(micro, indicator=code, mask=mask, source=vintage,
                                    vintage=vintage, period_of=period_of,
                                    province_codes=regions)
        frames.append(obs)
        upper = max(upper, counts["upper_bound"])
    out = pd.concat(frames, ignore_index=True)
    out.attrs["upper_bound"] = upper
    return out


def first_years(folder: Path, spec: TableSpec, data_dir: Path) -> pd.DataFrame:
    """p02ho1ejrs (``hbo.csv``, ``wo.csv`` in ``folder``) → ``inflow_total``/``inflow_tech``
    (school years; levels hbo, wo and ho), vintage duo-p02ho1ejrs."""
    return _ho(folder, spec, data_dir, "inflow", "school_year", "duo-p02ho1ejrs")


def diplomas(folder: Path, spec: TableSpec, data_dir: Path) -> pd.DataFrame:
    """p04hogdipl (``hbo.csv``, ``wo.csv``) → ``diplomas_total``/``diplomas_tech`` (years),
    vintage duo-p04hogdipl."""
    return _ho(folder, spec, data_dir, "diplomas", "year", "duo-p04hogdipl")


def mbo_diplomas(path: Path, spec: TableSpec | None = None,
                 data_dir: Path | None = None) -> pd.DataFrame:
    """gediplomeerde-mbo-studenten → ``mbo_diplomas_total``/``mbo_diplomas_tech``.

    Levels ``mbo`` and ``mbo-1`` … ``mbo-4`` (from ``NIVEAU``), sex all/man/vrouw, period =
    the year in the column name.

    Raises
    ------
    DataValidationError
        A missing column (``NIVEAU``, ``SECTORKAMER NAAM`` or no ``DIPMAN…`` column), a level
        that is not 1–4, or a cell that is no count: file, row, column and value named.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "mbo.csv"
    raw = read_table(path)
    cols = {re.sub(r"\s+", " ", c.strip().upper()): c for c in raw.columns}
    missing = [c for c in MBO_DIPLOMA_COLUMNS if c not in cols]
    years = [(m.group(1), m.group(2), c) for k, c in cols.items() if (m := _DIP.match(k))]
    if missing or not years:
        wanted = missing or ["DIPMAN<year>/DIPVROUW<year>"]
        msg = (f"{path}: required column(s) {wanted} missing (columns are {list(raw.columns)});"
               " DUO changed the layout: update techmonitor/sources/duo_current.py")
        raise DataValidationError(msg, [msg])
    problems: list[str] = []
    levels = []
    for i, text in enumerate(raw[cols["NIVEAU"]].astype(str), start=2):
        m = re.search(r"([1-4])", text)
        if m is None:
            problems.append(f"{path}: row {i}, column NIVEAU: {text!r} is not a level 1-4")
        levels.append(f"mbo-{m.group(1)}" if m else "")
    tech = raw[cols["SECTORKAMER NAAM"]].astype(str).str.strip().str.lower().str.startswith(
        "techniek")
    cells, upper = [], 0
    for sex_word, year, col in years:
        sex = "man" if sex_word == "MAN" else "vrouw"
        for i, text in enumerate(raw[col].astype(str), start=2):
            try:
                value, suppressed = duo.parse_count(text)
            except ValueError:
                problems.append(f"{path}: row {i}, column {col}: {text!r} is not a count")
                continue
            if suppressed:
                continue
            upper += int(value == 4)  # the privacy filter's 1..4
            cells.append((year, levels[i - 2], sex, bool(tech.iloc[i - 2]), value))
    if problems:
        raise DataValidationError(f"{path}: {len(problems)} problems", problems)
    df = pd.DataFrame(cells, columns=["period", "level", "sex", "tech", "value"])
    rows = []
    for code, part in (("mbo_diplomas_total", df), ("mbo_diplomas_tech", df[df["tech"]])):
        for lv_all in (True, False):
            for sex_all in (True, False):
                g = part.assign(level="mbo" if lv_all else part["level"],
                                sex="all" if sex_all else part["sex"])
                agg = g.groupby(["period", "level", "sex"], as_index=False)["value"].sum()
                for r in agg.to_dict("records"):
                    rows.append({"indicator": code, "period": r["period"], "level": r["level"],
                                 "sector": "all", "region": "NL", "sex": r["sex"],
                                 "value": r["value"], "source": "duo-mbo-gediplomeerden",
                                 "vintage": "duo-mbo-gediplomeerden", "status": "definitive"})
    out = tidy(rows)
    out.attrs["upper_bound"] = upper
    return out


MBO_ENTRANT_COLUMNS = ("HOOFDGROEP NAAM", "NIVEAU", "INSTROOM MBO")


def mbo_entrants(folder: Path, spec: TableSpec, data_dir: Path | None = None) -> pd.DataFrame:
    """instromende-mbo-studenten (one file per year, ``<year>.csv`` in ``folder``) →
    ``mbo_entrants_total`` and ``mbo_entrants_tech``.

    The count is ``INSTROOM MBO`` (new to mbo), summed over institutions, programmes and
    prior education; the period is the school year that starts in the file's year (``2021``
    → ``2021/22``). Technical = ``HOOFDGROEP NAAM`` containing "techniek": an assumption
    about DUO's grouping, to be checked on the first download (the values are not in the
    catalogue). Levels ``mbo`` and ``mbo-1`` … ``mbo-4``; no sex in these files.

    Raises
    ------
    DataValidationError
        A missing column, a level that is not 1–4 or a count that is no number.
    """
    rows, upper, problems = [], 0, []
    for year, _ in spec.urls:
        path = Path(folder) / f"{year}.csv"
        raw = read_table(path)
        cols = {re.sub(r"\s+", " ", c.strip().upper()): c for c in raw.columns}
        missing = [c for c in MBO_ENTRANT_COLUMNS if c not in cols]
        if missing:
            msg = (f"{path}: required column(s) {missing} missing (columns are "
                   f"{list(raw.columns)}); DUO changed the layout: update "
                   "techmonitor/sources/duo_current.py")
            raise DataValidationError(msg, [msg])
        period = duo.school_year(int(year))
        for i, r in enumerate(raw.to_dict("records"), start=2):
            m = re.search(r"([1-4])", str(r[cols["NIVEAU"]]))
            text = str(r[cols["INSTROOM MBO"]])
            try:
                value, suppressed = duo.parse_count(text)
            except ValueError:
                problems.append(f"{path}: row {i}, column INSTROOM MBO: {text!r} is not a count")
                continue
            if m is None:
                problems.append(f"{path}: row {i}, column NIVEAU: {r[cols['NIVEAU']]!r} is not "
                                "a level 1-4")
                continue
            if suppressed:
                continue
            upper += int(value == 4)
            tech = "techniek" in str(r[cols["HOOFDGROEP NAAM"]]).lower()
            rows.append((period, f"mbo-{m.group(1)}", tech, value))
    if problems:
        raise DataValidationError(f"{folder}: {len(problems)} problems", problems)
    df = pd.DataFrame(rows, columns=["period", "level", "tech", "value"])
    out_rows = []
    for code, part in (("mbo_entrants_total", df), ("mbo_entrants_tech", df[df["tech"]])):
        for lv_all in (True, False):
            g = part.assign(level="mbo" if lv_all else part["level"])
            for r in g.groupby(["period", "level"], as_index=False)["value"].sum().to_dict(
                    "records"):
                out_rows.append({"indicator": code, "period": r["period"], "level": r["level"],
                                 "sector": "all", "region": "NL", "sex": "all",
                                 "value": r["value"], "source": "duo-mbo-instroom",
                                 "vintage": "duo-mbo-instroom", "status": "definitive"})
    out = tidy(out_rows)
    out.attrs["upper_bound"] = upper
    return out


CONNECTORS: dict[str, Callable[..., pd.DataFrame]] = {
    "instromende-mbo-studenten": mbo_entrants,
    "p02ho1ejrs": first_years,
    "p04hogdipl": diplomas,
    "gediplomeerde-mbo-studenten": mbo_diplomas,
}
