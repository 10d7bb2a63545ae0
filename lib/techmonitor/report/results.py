"""A report's results as data: the results file the batch stores and the open-data CSV.

Per report, a run writes ``reports/<period>/results/<id>.json`` (the data of
:func:`results_of`, checked by :func:`load_results`) and ``reports/<period>/<id>.csv``
(:func:`csv_text`, made from the results file alone). The next quarter's report compares
itself with the results file (:mod:`techmonitor.report.changes`).

The notebook emits the results as one display output of mimetype :data:`RESULTS_MIMETYPE`
(``report.results()``, invisible in HTML and PDF); the batch reads it back with
:func:`results_from_notebook`. This module imports only the standard library at run time,
so the batch can write and read results without pandas.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from techmonitor.report.analysis import Item
    from techmonitor.report.context import ReportContext as Report

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


def _num(x: Any) -> float | None:
    """A finite float or None (JSON has no NaN)."""
    if x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _observations(frame: Any) -> list[dict[str, Any]]:
    return [{"period": str(r.period), "value": _num(r.value), "status": str(r.status),
             "source": str(r.source), "vintage": str(r.vintage)}
            for r in frame.itertuples()]


def item_results(item: Item, lang: str, reliable: bool = True) -> dict[str, Any]:
    """One indicator series of the report as plain data (see :func:`results_of`).

    ``reliable`` says whether backtests found probabilities of this kind of series
    reliable (``probability_reliable``); the report prints only reliable ones.
    """
    from techmonitor import progress

    last = item.latest
    trend = item.trend
    cat = item.category
    probability = None
    if isinstance(item.assessment, progress.TargetAssessment):
        probability = _num(item.assessment.probability)
    projection: list[dict[str, Any]] = []
    if item.band is not None and len(item.band) > 1:
        # the first row only joins the band to the series (the last fitted value)
        projection = [{"period": str(r.period), "value": _num(r.mean),
                       "lower80": _num(r.lo80), "upper80": _num(r.hi80),
                       "lower95": _num(r.lo95), "upper95": _num(r.hi95)}
                      for r in item.band.iloc[1:].itertuples()]
    adjusted: list[dict[str, Any]] = []
    if trend is not None and item.ind.frequency == "quarter" and trend.adjusted is not None:
        adj = trend.adjusted
        adjusted = [{"period": str(p), "value": _num(v)} for p, v in adj.items()]
    return {
        "key": item.key,
        "indicator": item.ind.code,
        "level": item.level,
        "unit": item.unit(),
        "name": item.name(lang),
        "latest": {"period": str(last["period"]), "value": _num(last["value"]),
                   "status": str(last["status"])},
        "observations": _observations(item.series),
        "trend": {"slope": _num(trend.slope) if trend is not None else None,
                  "model": trend.model if trend is not None else None},
        "category": cat.code if cat is not None else None,
        "category_symbol": cat.symbol if cat is not None else None,
        "target": None if item.target is None else {
            "value": _num(item.target.value), "period": item.target.period,
            "illustrative": item.target.illustrative},
        "probability": probability,
        "probability_reliable": reliable if probability is not None else None,
        "projection_end": projection[-1] if projection else None,
        "projection": projection,
        "adjusted": adjusted,
        "error": item.error,
    }


def results_of(report: Report) -> dict[str, Any]:
    """The report's results: per indicator series the numbers the report shows.

    Parameters
    ----------
    report
        The report context.

    Returns
    -------
    dict
        ``format``, ``schema_version``, ``report``, ``period``, ``language``, ``title``,
        ``data_hash`` (full SHA-256), ``code_version`` and ``items``: per (indicator, level)
        ``key``, ``indicator``, ``level``, ``unit``, ``latest`` (period, value), every
        observation (period, value, status, source, vintage), ``trend`` (slope per year),
        ``category`` (code), ``probability`` (of meeting the target, 0–1, if there is one)
        with ``probability_reliable`` (False: backtests found such probabilities
        unreliable, and the report gives none),
        ``projection_end`` (period, value and 80%/95% interval) and the whole ``projection``;
        ``series`` holds other series the report shows (the national report's vacancies per
        top sector, occupational retention per EBB method, the measurements of the 40,000).
    """
    from techmonitor.report.analysis import overconfident

    lang = report.lang
    p = report.params
    series = [{"key": f"vacancies_open-{s.slug}", "indicator": "vacancies_open",
               "level": "all", "unit": "count",
               "name": s.name_en if lang == "en" else s.name_nl,
               "observations": _observations(s.series)} for s in report.sector_vacancies]
    series += shown_beyond_items(report)
    return {
        "format": RESULTS_FORMAT,
        "schema_version": RESULTS_VERSION,
        "report": p.report_id,
        "period": p.period,
        "language": lang,
        "title": report.title,
        "data_hash": report.data_hash,
        "code_version": report.code_version,
        "items": [item_results(i, lang, not overconfident(i, report.calibration))
                  for i in report.items],
        "series": series,
    }


def shown_beyond_items(report: Report) -> list[dict[str, Any]]:
    """Series the national report shows outside the indicator items: occupational retention
    per class and EBB method (each its own vintage) and each measurement of the 40,000 extra
    a year (one observation: the end period, the yearly figure, its source and vintage)."""
    if report.params.kind != "national":
        return []
    from techmonitor.report import extra40k, retention

    out: list[dict[str, Any]] = []
    for cls, by_vintage in retention.series_by_class(report).items():
        for vintage, frame in by_vintage.items():
            code = f"occupational_retention_{cls}"
            ind = report.catalogue[code]
            out.append({"key": f"{code}-{vintage}", "indicator": code, "level": "all",
                        "unit": "share", "name": ind.name_en if report.lang == "en"
                        else ind.name_nl, "observations": _observations(frame)})
    target = next((t for t in report.national_targets if t.id == extra40k.TARGET_ID), None)
    if target is not None:
        for e in extra40k.estimates(report, target):
            out.append({"key": f"extra_per_year-{e.route}-{e.vintage}",
                        "indicator": "extra_per_year", "level": "all", "unit": "count",
                        "name": report.t("x40.measure", label=extra40k.measure_label(report, e),
                                         how=extra40k.measure_how(report, e)),
                        "observations": [{"period": e.end, "value": _num(e.per_year),
                                          "status": "definitive",
                                          "source": ", ".join(e.sources),
                                          "vintage": e.vintage}],
                        "category": e.category.code, "probability": _num(e.probability),
                        "probability_reliable": extra40k.probability_reliable(report),
                        "interval95": [_num(e.lo95), _num(e.hi95)]})
    return out


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
    projection was made from) or ``seasonally_adjusted``. Values are full precision; the
    report prints them rounded.
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
        by_period = {o["period"]: o for o in obs}
        for r in it.get("adjusted") or []:
            o = by_period.get(r["period"], last)
            w.writerow(head + ["seasonally_adjusted", _cell(r["period"]), _cell(r["value"]),
                               "", "", "", "", "", _cell(o.get("source")),
                               _cell(o.get("vintage"))])
    return buf.getvalue()
