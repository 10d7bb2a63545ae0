"""A report's results as data: a plain function of its context (context → dict).

:func:`results_of` reads only the read-only context (the indicator items and the national
figures computed in the analysis layer); it neither fits nor writes. The files are
:mod:`techmonitor.report.results`' job.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from techmonitor import progress
from techmonitor.report.analysis import overconfident
from techmonitor.report.labels import measure_how, measure_label
from techmonitor.report.results import RESULTS_FORMAT, RESULTS_VERSION

if TYPE_CHECKING:
    from techmonitor.report.analysis import Item
    from techmonitor.report.context import ReportContext as Report
    from techmonitor.report.measure_analysis import MeasureRow


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
        "goal": item.ind.goal,
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
        ``key``, ``indicator``, ``goal`` (of the letter, 1–4 or None), ``level``, ``unit``,
        ``latest`` (period, value), every observation (period, value, status, source,
        vintage), ``trend`` (slope per year),
        ``category`` (code), ``probability`` (of meeting the target, 0–1, if there is one)
        with ``probability_reliable`` (False: backtests found such probabilities
        unreliable, and the report gives none),
        ``projection_end`` (period, value and 80%/95% interval) and the whole ``projection``;
        ``measures`` per measure its status and latest reported figures;
        ``since_letter`` each series in the letter's year and now (national report);
        ``provinces`` every province's latest share, rank and trend (national and
        province reports);
        ``series`` holds other series the report shows (the national report's vacancies per
        top sector, occupational retention per EBB method, the measurements of the 40,000).
    """
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
        "measures": [measure_results(r) for r in report.measure_rows],
        "since_letter": [{
            "indicator": s.indicator, "level": s.level, "unit": s.unit,
            "baseline": {"period": s.baseline_period, "value": _num(s.baseline)},
            "latest": {"period": s.latest_period, "value": _num(s.latest)},
            "change": _num(s.change), "change_pct": _num(s.change_pct), "source": s.source,
            "illustrative": s.illustrative} for s in report.since_letter],
        "provinces": None if report.provinces is None else {
            "indicator": report.provinces.indicator, "level": report.provinces.level,
            "by_latest": [{"province": f.slug, "rank": i, "latest": {
                "period": f.latest_period, "value": _num(f.latest)},
                "slope": _num(f.slope), "slope_lower95": _num(f.lo95),
                "slope_upper95": _num(f.hi95)}
                for i, f in enumerate(report.provinces.provinces, 1)]},
    }


def measure_results(row: MeasureRow) -> dict[str, Any]:
    """One measure as the report shows it: its status (category code, None without one)
    and the latest figures reported on it (None: no data on its implementation)."""
    r = row.reported
    return {"id": row.measure.id, "cluster": row.measure.cluster,
            "status": row.assessment.category.code if row.assessment is not None else None,
            "reported": None if r is None else {
                "period": r.period, "output": _num(r.output), "spent_eur": _num(r.spent),
                "illustrative": r.illustrative},
            "error": row.error}


def shown_beyond_items(report: Report) -> list[dict[str, Any]]:
    """Series the national report shows outside the indicator items: occupational retention
    per class and EBB method (each its own vintage) and each measurement of the 40,000 extra
    a year (one observation: the end period, the yearly figure, its source and vintage)."""
    out: list[dict[str, Any]] = []
    ret, x40 = report.national.retention, report.national.extra40k
    for cls, by_vintage in (ret.series if ret is not None else {}).items():
        for vintage, frame in by_vintage.items():
            code = f"occupational_retention_{cls}"
            ind = report.catalogue[code]
            out.append({"key": f"{code}-{vintage}", "indicator": code, "level": "all",
                        "unit": "share", "name": ind.name_en if report.lang == "en"
                        else ind.name_nl, "observations": _observations(frame)})
    for e in x40.estimates if x40 is not None else ():
        reliable = x40 is not None and x40.reliable
        out.append({"key": f"extra_per_year-{e.route}-{e.vintage}",
                    "indicator": "extra_per_year", "level": "all", "unit": "count",
                    "name": report.t("x40.measure", label=measure_label(report, e),
                                     how=measure_how(report, e)),
                    "observations": [{"period": e.end, "value": _num(e.per_year),
                                      "status": "definitive",
                                      "source": ", ".join(e.sources),
                                      "vintage": e.vintage}],
                    "category": e.category.code, "probability": _num(e.probability),
                    "probability_reliable": reliable,
                    "interval95": [_num(e.lo95), _num(e.hi95)]})
    return out
