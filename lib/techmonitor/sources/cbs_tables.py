"""CBS StatLine tables on retention, lateral inflow and graduates, fetched with ``cbsodata``.

A fetched table is stored as one JSON file (what :func:`techmonitor.sources.update.fetch_cbs_json`
writes): ``{"table": id, "DataProperties": cbsodata.get_meta(id, "DataProperties"),
"data": cbsodata.get_data(id)}``. ``get_data`` names columns by their OData *key*
(``WerkzameBeroepsbevolking_1``) and fills dimension cells with category *titles*
(``07 Technische beroepen``, ``2023 2e kwartaal``). Keys of these tables are not documented
outside the API, so every connector finds its columns by **title** through ``DataProperties``
and fails with a clear error (table, expected title, titles present) when CBS renames one.

Dimensions a connector does not name are set to their total: the category whose title starts
with ``Totaal`` (CBS's convention); a dimension without one is an error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from techmonitor.errors import DataValidationError
from techmonitor.sources import tidy
from techmonitor.sources.occupations import CHANGE, CLASSES

_QUARTER = re.compile(r"^(\d{4}) ([1-4])e kwartaal(\*{0,2})$")
_YEAR = re.compile(r"^(\d{4})(\*{0,2})$")
_SCHOOL = re.compile(r"^(\d{4})/'?(\d{2})(\*{0,2})$")
_YEARS_AFTER = re.compile(r"^(\d+) jaar na")


class CbsTable:
    """A fetched CBS table: rows and column titles (from ``DataProperties``)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            self.table = str(raw["table"])
            props = list(raw["DataProperties"])
            self.frame = pd.DataFrame.from_records(raw["data"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            msg = (f"{self.path}: not a fetched CBS table ({type(exc).__name__}: {exc}); "
                   "expected JSON with 'table', 'DataProperties' and 'data'; fetch it again")
            raise DataValidationError(msg, [msg]) from exc
        self.dimensions = {str(p["Title"]): str(p["Key"]) for p in props
                           if p.get("Type") in ("Dimension", "GeoDimension", "TimeDimension")}
        self.measures = {str(p["Title"]): str(p["Key"]) for p in props
                         if p.get("Type") == "Topic"}
        self.time_key = next((str(p["Key"]) for p in props if p.get("Type") == "TimeDimension"),
                             None)

    def _error(self, what: str, wanted: str, present: list[str]) -> DataValidationError:
        msg = (f"{self.path}: CBS {self.table}: {what} {wanted!r} not found (present: "
               f"{present}); CBS renamed it or the table changed: update the connector in "
               "techmonitor/sources/cbs_tables.py")
        return DataValidationError(msg, [msg])

    def column(self, title: str, *, measure: bool = False) -> str:
        """The OData key of the dimension or measure titled ``title``."""
        lookup = self.measures if measure else self.dimensions
        if title not in lookup:
            raise self._error("measure" if measure else "dimension", title, sorted(lookup))
        key = lookup[title]
        if key not in self.frame.columns:
            raise self._error("column", key, sorted(map(str, self.frame.columns)))
        return key

    def select(self, wanted: Mapping[str, str | tuple[str, ...] | None],
               measure: str) -> pd.DataFrame:
        """Rows with the wanted categories, the other dimensions at their total.

        Parameters
        ----------
        wanted
            Dimension title → category title (or a tuple of titles, or None for every
            category: kept as a column named by the dimension title).
        measure
            Title of the measure to return as column ``value``.

        Returns
        -------
        pandas.DataFrame
            ``period`` (the raw period title), one column per dimension of ``wanted`` whose
            value is a tuple or None, and ``value`` (float; CBS symbols ``.``/``x`` dropped).
        """
        for title in wanted:  # a renamed dimension is named as such, before any filtering
            if title not in self.dimensions:
                raise self._error("dimension", title, sorted(self.dimensions))
        df = self.frame
        keep: dict[str, str] = {}
        for title, key in self.dimensions.items():
            if key == self.time_key:
                continue
            col = self.column(title)
            values = df[col].astype(str).str.strip()
            choice = wanted.get(title, "__total__")
            if choice == "__total__":
                totals = sorted({v for v in values if v.startswith("Totaal")})
                if not totals:
                    raise self._error(f"total of dimension {title!r}", "Totaal …",
                                      sorted(set(values))[:12])
                df = df[values == totals[0]]
                continue
            if choice is None:
                keep[title] = col
                continue
            options = (choice,) if isinstance(choice, str) else choice
            missing = [o for o in options if o not in set(values)]
            if missing:
                raise self._error(f"category of {title!r}", missing[0], sorted(set(values)))
            df = df[values.isin(options)]
            if not isinstance(choice, str):
                keep[title] = col
        value_col = self.column(measure, measure=True)
        period_col = self.time_key
        out = pd.DataFrame({"period": df[period_col].astype(str).str.strip()
                            if period_col else ""}, index=df.index)
        for title, col in keep.items():
            out[title] = df[col].astype(str).str.strip()
        out["value"] = pd.to_numeric(df[value_col], errors="coerce")
        return out.dropna(subset=["value"]).reset_index(drop=True)


def period_code(title: str) -> tuple[str, bool]:
    """CBS period title → ``(code, provisional)``: quarter, year or school year.

    ``2023 2e kwartaal`` → ``2023Q2``; ``2019`` → ``2019``; ``2018/'19*`` → ``2018/19`` with
    provisional True.

    Raises
    ------
    ValueError
        For any other title.
    """
    t = str(title).strip()
    if m := _QUARTER.match(t):
        return f"{m.group(1)}Q{m.group(2)}", bool(m.group(3))
    if m := _SCHOOL.match(t):
        return f"{m.group(1)}/{m.group(2)}", bool(m.group(3))
    if m := _YEAR.match(t):
        return m.group(1), bool(m.group(2))
    raise ValueError(f"CBS period {title!r} is no quarter, year or school year")


def _row(indicator: str, period: str, value: float, source: str, provisional: bool,
         level: str = "all") -> dict[str, Any]:
    return {"indicator": indicator, "period": period, "level": level, "sector": "all",
            "region": "NL", "sex": "all", "value": value, "source": source,
            "vintage": source, "status": "provisional" if provisional else "definitive"}


def _periods(table: CbsTable, df: pd.DataFrame) -> list[tuple[str, bool]]:
    out = []
    for raw in df["period"]:
        try:
            out.append(period_code(raw))
        except ValueError as exc:
            msg = f"{table.path}: CBS {table.table}: {exc}"
            raise DataValidationError(msg, [msg]) from exc
    return out


#: titles of 83120NED / 85388NED as on the StatLine pages
WISSELING = {"class": "Beroepsklasse voorgaande periode", "change": "Wisseling beroepsklasse",
             "measure": "Werkzame beroepsbevolking"}


def wisseling(path: Path) -> pd.DataFrame:
    """83120NED / 85388NED: employed persons by class of the previous period and change.

    Same indicators as :func:`techmonitor.sources.occupations.read_wisseling` (quarters
    only, x 1 000 → persons), source and vintage ``cbs-<table id>``.
    """
    table = CbsTable(path)
    source = f"cbs-{table.table.lower()}"
    df = table.select({WISSELING["class"]: tuple(CLASSES), WISSELING["change"]: tuple(CHANGE)},
                      WISSELING["measure"])
    rows = []
    for (period, prov), r in zip(_periods(table, df), df.to_dict("records"), strict=True):
        if "Q" not in period:
            continue
        ind = f"{CHANGE[r[WISSELING['change']]]}_{CLASSES[r[WISSELING['class']]]}"
        rows.append(_row(ind, period, float(r["value"]) * 1000, source, prov))
    return tidy(rows)


#: 85574NED: mbo entrants by the industry they worked in one year earlier
LATERAL = {"sector": "Sectorkamer", "tech": "Sectorkamer techniek en gebouwde omgeve.",
           "industry": "Bedrijfstakken/branches SBI (2008)",
           "all_industries": "A-U Alle economische activiteiten", "measure": "Instromers mbo"}


def lateral_mbo(path: Path) -> pd.DataFrame:
    """85574NED → ``mbo_entrants_from_work``: entrants into technical mbo (sectorkamer
    techniek en gebouwde omgeving) who worked in any industry one year earlier."""
    table = CbsTable(path)
    df = table.select({LATERAL["sector"]: LATERAL["tech"],
                       LATERAL["industry"]: LATERAL["all_industries"]}, LATERAL["measure"])
    rows = [_row("mbo_entrants_from_work", p, float(v), "cbs-85574ned", prov, level="mbo")
            for (p, prov), v in zip(_periods(table, df), df["value"], strict=True)]
    return tidy(rows)


#: 85776NED: ho school leavers by labour-market position after leaving
LEAVERS: dict[str, Any] = {
    "field": "Studierichting", "tech": "Techniek", "position": "Arbeidsmarktpositie",
    "working": ("Met werk, zonder uitkering", "Met werk, met uitkering"),
    "when": "Peilmoment", "one_year": "1 jaar na verlaten onderwijs",
    "measure": "Uitstromers ho"}


def ho_leavers(path: Path | CbsTable) -> pd.DataFrame:
    """85776NED → ``ho_leavers_tech`` (all leavers of ho techniek, with and without diploma)
    and ``ho_leavers_tech_working`` (of whom with work one year after leaving).

    ``path`` is a fetched table or an already read one (e.g. a
    :class:`techmonitor.sources.statline_export.StatlineExport`).
    """
    table = path if isinstance(path, CbsTable) else CbsTable(path)
    base = {LEAVERS["field"]: LEAVERS["tech"], LEAVERS["when"]: LEAVERS["one_year"]}
    total = table.select({**base, LEAVERS["position"]: "Totaal"}, LEAVERS["measure"])
    working = table.select({**base, LEAVERS["position"]: LEAVERS["working"]},
                           LEAVERS["measure"])
    working = working.groupby("period", as_index=False)["value"].sum(min_count=1)
    rows = []
    for ind, df in (("ho_leavers_tech", total), ("ho_leavers_tech_working", working)):
        rows += [_row(ind, p, float(v), "cbs-85776ned", prov, level="ho")
                 for (p, prov), v in zip(_periods(table, df), df["value"], strict=True)]
    return tidy(rows)


#: 83286NED: hbo entry cohorts by field of the first hbo diploma
COHORTS = {"field": "Studierichting diploma", "tech": "Techniek", "start": "Startjaar",
           "when": "Peilmoment", "entrants": "Totaal studenten startjaar",
           "graduated": "Totaal gediplomeerden"}
COHORT_COLUMNS = ["table", "level", "cohort", "years", "entrants", "retained", "source",
                  "vintage", "status"]


def hbo_cohorts(path: Path) -> pd.DataFrame:
    """83286NED → cohort rows: per start year and years since entry, the size of the hbo
    entry cohort and how many of it hold a first hbo diploma in techniek by then (the cohort
    model's input). The table splits by the field of the *diploma*, not of entry.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COHORT_COLUMNS` (``retained`` = graduated in techniek by then).
    """
    table = CbsTable(path)
    base = {COHORTS["start"]: None, COHORTS["when"]: None}
    grads = table.select({**base, COHORTS["field"]: COHORTS["tech"]}, COHORTS["graduated"])
    # the cohort is every hbo entrant of the start year (the table splits by diploma field)
    sizes = table.select({**base, COHORTS["field"]: "Totaal"}, COHORTS["entrants"])
    keys = [COHORTS["start"], COHORTS["when"]]
    j = grads.merge(sizes, on=keys, suffixes=("_g", "_n"))
    rows = []
    for r in j.to_dict("records"):
        m = _YEARS_AFTER.match(str(r[COHORTS["when"]]))
        if m is None:
            msg = (f"{table.path}: CBS {table.table}: Peilmoment {r[COHORTS['when']]!r} is not "
                   "'<n> jaar na startjaar'")
            raise DataValidationError(msg, [msg])
        rows.append({"table": table.table, "level": "hbo", "cohort": int(r[COHORTS["start"]]),
                     "years": int(m.group(1)), "entrants": float(r["value_n"]),
                     "retained": float(r["value_g"]), "source": "cbs-83286ned",
                     "vintage": "cbs-83286ned", "status": "definitive"})
    return pd.DataFrame(rows, columns=COHORT_COLUMNS)


#: table id → connector of its fetched JSON
CONNECTORS: dict[str, Callable[[Path], pd.DataFrame]] = {
    "83120NED": wisseling,
    "85388NED": wisseling,
    "85574NED": lateral_mbo,
    "85776NED": ho_leavers,
    "83286NED": hbo_cohorts,
}
