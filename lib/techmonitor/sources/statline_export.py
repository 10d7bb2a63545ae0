"""CBS StatLine CSV exports (the "download as CSV" of a table selection on the website).

An export names every column by its *title*: one column per dimension (categories as titles),
the period column ``Perioden``, and the measure last with its unit in brackets
(``Uitstromers ho (aantal)``); values are right-aligned text, empty where CBS shows a symbol.
:class:`StatlineExport` reads one into the same shape as a fetched table
(:class:`techmonitor.sources.cbs_tables.CbsTable`, keys = titles), so the title-based
connectors of :mod:`techmonitor.sources.cbs_tables` run on it unchanged. An export is a *user
selection*: where it lacks a dimension's ``Totaal`` the connector stops with that named, rather
than adding up a selection that may leave categories out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from techmonitor.errors import DataValidationError
from techmonitor.sources import read_table
from techmonitor.sources.cbs_tables import CbsTable

PERIOD_TITLE = "Perioden"
_UNIT = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")


class StatlineExport(CbsTable):
    """A StatLine CSV export as a :class:`CbsTable` (dimension and measure keys = titles)."""

    def __init__(self, path: Path, table: str) -> None:
        self.path = Path(path)
        self.table = table
        raw = read_table(self.path, sep=";")
        cols = list(raw.columns)
        if PERIOD_TITLE not in cols or len(cols) < 3:
            msg = (f"{self.path}: not a StatLine CSV export of {table}: expected dimension "
                   f"columns, {PERIOD_TITLE!r} and a measure column last (columns are {cols})")
            raise DataValidationError(msg, [msg])
        measure_col = cols[-1]
        m = _UNIT.match(measure_col)
        measure = m.group(1) if m else measure_col
        self.dimensions = {c: c for c in cols[:-1]}
        self.measures = {measure: measure_col}
        self.time_key = PERIOD_TITLE
        values = raw[measure_col].astype(str).str.strip()
        bad = values[(values != "") & pd.to_numeric(values, errors="coerce").isna()]
        if len(bad):
            i = int(bad.index[0])
            msg = (f"{self.path}: row {i + 2}, column {measure_col}: {bad.iloc[0]!r} is not a "
                   "number")
            raise DataValidationError(msg, [msg])
        self.frame = raw.assign(**{measure_col: values})
