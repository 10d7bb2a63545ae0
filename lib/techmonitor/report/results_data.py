"""A report's results as data: a plain function of its context (context → dict).

:func:`results_of` reads only the read-only context (the indicator items and the national
figures computed in the analysis layer); it neither fits nor writes. The files are
:mod:`techmonitor.report.results`' job.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from techmonitor import bilingual, progress
from techmonitor.progress.track import NoPastProjection
from techmonitor.report import education_results, track_record
from techmonitor.report.analysis import overconfident
from techmonitor.report.bases import year_earlier
from techmonitor.report.labels import measure_how, measure_label, measure_what
from techmonitor.report.results import RESULTS_FORMAT, RESULTS_VERSION
from techmonitor.report.track_record import TrackRecord

if TYPE_CHECKING:
    from techmonitor.report.analysis import Item
    from techmonitor.report.context import ReportContext as Report
    from techmonitor.report.goal_verdicts import GoalVerdict
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


def _pair(x: tuple[float, float] | None) -> list[float | None] | None:
    """An interval as a JSON pair (None without one)."""
    return None if x is None else [_num(x[0]), _num(x[1])]


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
    a = item.assessment
    verdict: dict[str, Any] = {}
    if isinstance(a, progress.TargetAssessment):
        probability = _num(a.probability)
        verdict = {"ratio": _num(a.ratio), "ratio_ci95": _pair(a.ratio_ci95),
                   "point_category": a.point_category.code if a.point_category else None,
                   "required_per_year_from_baseline":
                       _num(a.required_change_per_year_from_baseline)}
    size = item.size
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
        "trend": {**trend_results(trend), "ci95": _pair(item.ci95), "movement": item.movement},
        "change_year": _year_change(item),
        "judgeable": item.judged,
        "size": None if size is None else {
            "reason": size.reason, "newest_year_total": _num(size.newest_year_total),
            "threshold": size.threshold},
        "category": cat.code if cat is not None else None,
        "category_symbol": cat.symbol if cat is not None else None,
        "verdict": verdict or None,
        "target": None if item.target is None else {
            "value": _num(item.target.value), "period": item.target.period,
            "illustrative": item.target.illustrative,
            "period_passed": a.period_passed
            if isinstance(a, progress.TargetAssessment) else None},
        "probability": probability,
        "probability_reliable": reliable if probability is not None else None,
        "projection_end": projection[-1] if projection else None,
        "projection": projection,
        "adjusted": adjusted,
        "error": item.error,
    }


def _year_change(item: Item) -> dict[str, Any] | None:
    """The change column: latest against a year earlier (same vintage), or None."""
    ch = year_earlier(item.series)
    if ch is None:
        return None
    return {"period": ch.period, "base_period": ch.base_period,
            "base_value": _num(ch.base_value), "change": _num(ch.change)}


def trend_results(trend: Any) -> dict[str, Any]:
    """A trend as the report states it: slope and its 95% interval, the window it was
    fitted on, how COVID quarters entered, and the seasonal check (quarterly series)."""
    if trend is None:
        return {"slope": None, "model": None}
    ci = trend.slope_ci95
    w = trend.window
    out: dict[str, Any] = {
        "slope": _num(trend.slope), "model": trend.model,
        "slope_interval95": None if ci is None else [_num(ci[0]), _num(ci[1])],
        "window": None if w is None else {"first": w.first, "last": w.last, "n": w.n,
                                          "left_out": list(w.left_out)}}
    covid = trend.covid
    if covid is not None:
        out["covid"] = {"method": covid.method, "quarters": list(covid.quarters)}
    check = trend.seasonal_check
    if check is not None:
        out["seasonal_check"] = {
            "passed": check.passed, "method": check.method,
            "raw_mean_abs_qoq": _num(check.raw_qoq),
            "adjusted_mean_abs_qoq": _num(check.adjusted_qoq),
            "factors": {str(q): [_num(lo), _num(hi)] for q, (lo, hi) in check.factors.items()},
            "band": _num(check.band), "reason": check.reason}
    return out


def freshness_results(report: Report, item: Item) -> dict[str, Any]:
    """``newest_period``, ``stale`` and ``age_months`` of one item at the report's as-of
    date (:meth:`~techmonitor.report.context.ReportContext.freshness`)."""
    f = report.freshness(item)
    return {"newest_period": f.newest_period, "stale": f.stale, "age_months": f.age_months}


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
        ``data_hash`` (full SHA-256), ``code_version``, ``as_of`` (ISO date: only data
        published by then were used) and ``items``: per (indicator, level)
        ``key``, ``indicator``, ``goal`` (of the letter, 1–4 or None), ``level``,
        ``unit``, ``latest`` (period, value),
        ``newest_period`` and ``stale`` (older than the staleness rule of
        :mod:`techmonitor.asof` at the as-of date) with ``age_months``, every
        observation (period, value, status, source, vintage), ``trend`` (slope per year),
        ``category`` (code), ``probability`` (of meeting the target, 0–1, if there is one)
        with ``probability_reliable`` (False: backtests found such probabilities
        unreliable, and the report gives none),
        ``projection_end`` (period, value and 80%/95% interval) and the whole ``projection``,
        ``trend`` (slope with its 95% interval, ``movement``: rise/fall only when the
        interval excludes zero, the fit window, COVID handling and the seasonal check),
        ``change_year`` (the change column: against a year earlier), ``judgeable`` and
        ``size`` (the too-small rule), the target ``verdict`` details (ratio and its
        interval, the point category behind ``uncertain``) and, for a projected series,
        ``track_record`` (what the projection a year earlier said and what came in);
        ``goals`` the one answer per goal and the item keys it rests on, ``delineation`` a
        sector report's SBI sections and programmes per level; ``series`` holds other
        series the report shows (the national report's vacancies per top sector,
        occupational retention per EBB method, the measurements of the 40,000 with exact and
        rounded values); ``track_record`` sums how often the bands held per kind, for this
        report, with the keys of the series measured on (the batch sums them over every
        report: :mod:`techmonitor.batch.track`); the education figures of
        :mod:`~techmonitor.report.education_results` are among the ``series``;
        ``measures`` per measure its status and latest reported figures;
        ``since_letter`` each series in the letter's year and now (national report);
        ``provinces`` every province's latest share, rank and trend (national and
        province reports).
    """
    lang = report.lang
    p = report.params
    series = [{"key": f"vacancies_open-{s.slug}", "indicator": "vacancies_open",
               "level": "all", "unit": "count",
               "name": bilingual.text(s, "name", lang),
               "observations": _observations(s.series)} for s in report.sector_vacancies]
    series += shown_beyond_items(report)
    track = {r.key: r for r in report.track}
    items = []
    for i in report.items:
        entry = item_results(i, lang, not overconfident(i, report.calibration))
        if i.key in track:
            entry["track_record"] = track_results(track[i.key])
        items.append(entry)
    return {
        "format": RESULTS_FORMAT,
        "schema_version": RESULTS_VERSION,
        "report": p.report_id,
        "period": p.period,
        "language": lang,
        "title": report.title,
        "data_hash": report.data_hash,
        "code_version": report.code_version,
        "as_of": report.as_of.isoformat(),
        "items": [{**entry, **freshness_results(report, i)}
                  for entry, i in zip(items, report.items, strict=True)],
        "goals": [goal_results(v) for v in report.goal_verdicts],
        "delineation": delineation_results(report),
        "series": series,
        "track_record": {
            # "as known then": the rows published by the as-of date minus one year
            # (techmonitor.report.track_record.as_known_a_year_before)
            "earlier_data": "published by the as-of date one year earlier",
            "coverage": _coverage(track_record.coverage_of(report.track)),
            "measured_on": [r.key for r in report.track if r.projection is not None],
        },
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


def goal_results(v: GoalVerdict) -> dict[str, Any]:
    """One goal's answer: the verdict code and the item keys it rests on."""
    return {"goal": v.goal, "verdict": v.verdict, "basis_kind": v.basis_kind,
            "favourable": list(v.favourable), "unfavourable": list(v.unfavourable),
            "no_significant_change": list(v.flat), "not_judged": list(v.not_judged),
            "context": list(v.context), "latest_period": v.latest_period,
            "gaps": list(v.gaps)}


def delineation_results(report: Report) -> dict[str, Any] | None:
    """A sector report's delineation: SBI sections and programmes per level."""
    d = report.delineation
    if d is None:
        return None
    return {"sbi_national": [s.code for s in d.sbi_national],
            "sbi_provincial": [s.code for s in d.sbi_provincial],
            "programmes": dict(d.programmes), "programmes_not_found": d.not_found,
            "list": d.list_file}


def track_results(rec: TrackRecord) -> dict[str, Any]:
    """One track record: the earlier projection and the outcome, or why there is none."""
    p = rec.projection
    if p is None:
        reason = rec.result.reason if isinstance(rec.result, NoPastProjection) else ""
        return {"known_then": rec.known_then, "compared": False, "reason": reason}
    return {"known_then": rec.known_then, "compared": True, "kind": rec.kind,
            "origin": p.origin,
            "period": p.period, "horizon": p.horizon, "projected": _num(p.projected),
            "lower80": _num(p.lo80), "upper80": _num(p.hi80), "lower95": _num(p.lo95),
            "upper95": _num(p.hi95), "actual": _num(p.actual), "inside80": p.inside80,
            "inside95": p.inside95}


def _coverage(cov: dict[str, Any]) -> dict[str, Any]:
    return {k: {"n": c.n, "inside80": c.inside80, "inside95": c.inside95,
                "share80": _num(c.share80), "share95": _num(c.share95)}
            for k, c in cov.items()}


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
                        "unit": "share", "name": bilingual.text(ind, "name", report.lang),
                        "observations": _observations(frame)})
    for e in x40.estimates if x40 is not None else ():
        reliable = x40 is not None and x40.reliable
        shown = e.shown_interval
        out.append({"key": f"extra_per_year-{e.route}-{e.vintage}",
                    "indicator": "extra_per_year", "level": "all", "unit": "count",
                    # the same words as the section, the key messages and the chart axis
                    "name": report.t("x40.result_name", what=measure_what(report, e),
                                     label=measure_label(report, e),
                                     how=measure_how(report, e)),
                    "observations": [{"period": e.end, "value": _num(e.per_year),
                                      "status": "definitive",
                                      "source": ", ".join(e.sources),
                                      "vintage": e.vintage}],
                    # the exact value above, the rounded one the report prints here
                    "value_shown": _num(e.shown), "rounding_step": _num(e.step),
                    "category": e.category.code, "ratio": _num(e.ratio),
                    "probability": _num(e.probability),
                    "probability_reliable": reliable,
                    "interval95": [_num(e.lo95), _num(e.hi95)],
                    "interval95_shown": None if shown is None else [_num(x) for x in shown]})
    return out + education_results.series_of(report)
