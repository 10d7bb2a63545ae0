"""A report's results on disk: the results file the batch stores and the open-data CSV.

The results are a plain function of the context
(:func:`techmonitor.report.results_data.results_of`); this module holds their files. Per
report, a run writes ``reports/<period>/results/<id>.json`` (checked by :func:`load_results`)
and ``reports/<period>/<id>.csv`` (:func:`csv_text`, made from the results file alone). The
next quarter's report compares itself with the results file
(:mod:`techmonitor.report.comparison`).

The notebook emits the results as one display output of mimetype :data:`RESULTS_MIMETYPE`
(``report.results()``, invisible in HTML and PDF); the batch reads it back with
:func:`results_from_notebook`. This module imports only the standard library at run time,
so the batch can write and read results without pandas.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RESULTS_MIMETYPE = "application/vnd.techmonitor.results+json"
#: names the format inside the file (so a stray JSON file is recognised as not ours)
RESULTS_FORMAT = "techmonitor-results"
#: bumped when the meaning or shape of the results file changes; an earlier report is
#: compared only when its file has exactly this version
RESULTS_VERSION = 1
#: columns of the open-data CSV, in order
CSV_COLUMNS = ("report", "period_of_report", "series", "indicator", "level", "name", "unit",
               "row_type", "period", "value", "lower80", "upper80", "lower95", "upper95",
               "status", "source", "vintage")


def results_path(out_dir: Path, report_id: str) -> Path:
    """Where a run folder keeps one report's results file: ``results/<id>.json``."""
    return out_dir / "results" / f"{report_id}.json"


def csv_name(report_id: str) -> str:
    """File name of a report's open-data CSV (next to its HTML): ``<id>.csv``."""
    return f"{report_id}.csv"


@dataclass
class ResultsOutput:
    """The results as a notebook display output (only :data:`RESULTS_MIMETYPE`)."""

    data: dict[str, Any]

    def __repr__(self) -> str:
        # IPython stores this as the output's text/plain: short, not the whole results
        return f"<results: {self.data.get('report')}, {len(self.data.get('items') or [])} series>"

    def _repr_mimebundle_(self, include: object = None,
                          exclude: object = None) -> dict[str, object]:
        return {RESULTS_MIMETYPE: self.data}


def results_from_notebook(nb: Mapping[str, Any]) -> dict[str, Any] | None:
    """The results an executed report notebook emitted (the last such output), or None."""
    found = None
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            data = output.get("data") or {}
            if isinstance(data.get(RESULTS_MIMETYPE), Mapping):
                found = dict(data[RESULTS_MIMETYPE])
    return found


@dataclass(frozen=True)
class Loaded:
    """An earlier results file as read: its data, or why it cannot be compared.

    ``problem`` is ``""`` (readable, right version), ``missing``, ``unreadable``,
    ``schema`` (another format or version; ``found`` says which) or ``report`` (the file
    belongs to another report).
    """

    path: Path
    data: dict[str, Any] | None
    problem: str = ""
    found: str = ""


def load_results(path: Path, report_id: str | None = None) -> Loaded:
    """Read and check an earlier run's results file; never raises for a bad file.

    Parameters
    ----------
    path
        The results file.
    report_id
        When given, the file must belong to this report.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Loaded(path, None, "missing")
    except (OSError, UnicodeDecodeError) as exc:
        return Loaded(path, None, "unreadable", type(exc).__name__)
    try:
        data = json.loads(text)
    except ValueError as exc:
        return Loaded(path, None, "unreadable", f"JSON: {exc}")
    if not isinstance(data, dict) or data.get("format") != RESULTS_FORMAT:
        return Loaded(path, None, "schema", "?")
    version = data.get("schema_version")
    if version != RESULTS_VERSION:
        return Loaded(path, None, "schema", str(version))
    if not isinstance(data.get("items"), list) or not isinstance(data.get("period"), str):
        return Loaded(path, None, "unreadable", "items")
    if report_id is not None and data.get("report") != report_id:
        return Loaded(path, None, "report", str(data.get("report")))
    return Loaded(path, data)


#: a cell starting with one of these is read as a formula by spreadsheet programs
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return repr(x)
    return safe_cell(str(x))


def safe_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula (OWASP CSV injection).

    A cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a single
    quote in front (``=HYPERLINK(…)`` → ``'=HYPERLINK(…)``); a number (``-3.5``, ``1e-05``)
    stays as it is, so the open data keeps its numbers.
    """
    if not text.startswith(FORMULA_START):
        return text
    try:
        float(text)
    except ValueError:
        return "'" + text
    return text


def csv_text(results: Mapping[str, Any]) -> str:
    """The open-data CSV of one report, from its results (UTF-8 text, header row).

    One row per shown number: ``row_type`` is ``observation`` (with status, source and
    vintage), ``projection`` (value and 80%/95% interval; source and vintage of the data the
    projection was made from), ``seasonally_adjusted``, or an estimate with its 95%
    interval (``trend_slope``, ``level_shift``: the education figures). Values are full
    precision; the report prints them rounded.
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    # every text cell goes through _cell (safe_cell): names and sources come from data files
    rid, period = results.get("report", ""), results.get("period", "")
    entries = list(results.get("items") or []) + list(results.get("series") or [])
    for it in entries:
        head = [_cell(x) for x in (rid, period, it["key"], it["indicator"], it["level"],
                                   it.get("name", ""), it.get("unit", ""))]
        obs = it.get("observations") or []
        for o in obs:
            w.writerow(head + ["observation", _cell(o["period"]), _cell(o["value"]), "", "",
                               "", "", _cell(o["status"]), _cell(o["source"]),
                               _cell(o["vintage"])])
        last = obs[-1] if obs else {}
        for r in it.get("projection") or []:
            w.writerow(head + ["projection", _cell(r["period"]), _cell(r["value"]),
                               _cell(r["lower80"]), _cell(r["upper80"]), _cell(r["lower95"]),
                               _cell(r["upper95"]), "", _cell(last.get("source")),
                               _cell(last.get("vintage"))])
        for r in it.get("estimates") or []:  # a trend slope or level shift and its interval
            w.writerow(head + [_cell(r["row_type"]), _cell(r["period"]), _cell(r["value"]),
                               "", "", _cell(r["lower95"]), _cell(r["upper95"]), "",
                               _cell(r.get("source", last.get("source"))),
                               _cell(r.get("vintage", last.get("vintage")))])
        by_period = {o["period"]: o for o in obs}
        for r in it.get("adjusted") or []:
            o = by_period.get(r["period"], last)
            w.writerow(head + ["seasonally_adjusted", _cell(r["period"]), _cell(r["value"]),
                               "", "", "", "", "", _cell(o.get("source")),
                               _cell(o.get("vintage"))])
    return buf.getvalue()
