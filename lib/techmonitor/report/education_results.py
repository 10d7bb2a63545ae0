"""The education figures as results-file series (:func:`series_of`), a function of the context.

Every number the education blocks (:mod:`techmonitor.report.education`) show beyond the
indicator items: each vintage of a series with a break, the level shift and the trend with
their 95% intervals (``estimates``: one CSV row each), the shares by sex and province, the
counts of the net retention and the published retention points.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from techmonitor import bilingual
from techmonitor.report.education_analysis import RETENTION, Breakdown

if TYPE_CHECKING:
    from techmonitor.report.context import ReportContext as Report


def _num(x: Any) -> float | None:
    v = float(x)
    return v if math.isfinite(v) else None


def _obs(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{"period": str(r.period), "value": _num(r.value), "status": str(r.status),
             "source": str(r.source), "vintage": str(r.vintage)} for r in frame.itertuples()]


def _entry(report: Report, key: str, code: str, level: str, unit: str, name: str,
           frame: pd.DataFrame) -> dict[str, Any]:
    return {"key": key, "indicator": code, "level": level, "unit": unit, "name": name,
            "observations": _obs(frame)}


def _estimate(row_type: str, period: str, value: float, ci: tuple[float, float],
              data: pd.DataFrame) -> dict[str, Any]:
    """One estimate with its 95% interval and the sources and vintages it was made from."""
    return {"row_type": row_type, "period": period, "value": _num(value),
            "lower95": _num(ci[0]), "upper95": _num(ci[1]),
            "source": ", ".join(dict.fromkeys(str(x) for x in data["source"])),
            "vintage": ", ".join(dict.fromkeys(str(x) for x in data["vintage"]))}


def _name(report: Report, code: str) -> str:
    ind = report.catalogue[code]
    return bilingual.text(ind, "name", report.lang)


def _breakdown(report: Report, b: Breakdown, item_keys: set[str]) -> list[dict[str, Any]]:
    name = _name(report, b.code)
    out = []
    if f"{b.code}-{b.level}" not in item_keys:  # the items hold the report's own levels
        out.append(_entry(report, f"{b.code}-{b.level}", b.code, b.level, "share",
                          f"{name} ({b.level})", b.national))
    for sex, frame in b.by_sex.items():
        out.append(_entry(report, f"{b.code}-{b.level}-{sex}", b.code, b.level, "share",
                          f"{name} ({b.level}, {sex})", frame))
    for reg, frame in b.by_region.items():
        out.append(_entry(report, f"{b.code}-{b.level}-{reg}", b.code, b.level, "share",
                          f"{name} ({b.level}, {report.education.regions.get(reg, reg)})",
                          frame))
    return out


def _counts(report: Report, b: Breakdown) -> list[dict[str, Any]]:
    """Numerator and denominator of the net retention, as the tables show them."""
    ind = report.catalogue[b.code]
    out = []
    for part, idx in ((ind.numerator, 0), (ind.denominator, 1)):
        if part is None:
            continue
        for who in ("all", *report.education.regions):
            rows = [(p, c[idx]) for (w, p), c in sorted(b.counts.items()) if w == who]
            if not rows:
                continue
            key = f"{part.indicator}-{b.level}" + ("" if who == "all" else f"-{who}")
            vintage = str(b.national["vintage"].iloc[-1])
            source = str(b.national["source"].iloc[-1])
            out.append({"key": key, "indicator": part.indicator, "level": b.level,
                        "unit": "count", "name": _name(report, part.indicator),
                        "observations": [{"period": p, "value": _num(v),
                                          "status": "definitive", "source": source,
                                          "vintage": vintage} for p, v in rows]})
    return out


def series_of(report: Report) -> list[dict[str, Any]]:
    """The results-file series of the education blocks (see the module docstring)."""
    edu = report.education
    item_keys = {i.key for i in report.items}
    out: list[dict[str, Any]] = []
    for b in edu.breaks:
        unit = "share" if report.catalogue[b.code].kind == "share" else "count"
        for vintage, frame in b.lines.items():
            out.append(_entry(report, f"{b.code}-{b.level}-{vintage}", b.code, b.level, unit,
                              _name(report, b.code), frame))
        if b.fit is not None:
            joined = pd.concat(list(b.lines.values()), ignore_index=True)
            window = f"{b.fit.window.first}–{b.fit.window.last}"
            out.append({"key": f"{b.code}-{b.level}-level_shift", "indicator": b.code,
                        "level": b.level, "unit": unit, "name": _name(report, b.code),
                        "break_period": b.fit.break_period, "weak": b.fit.weak,
                        "n_before": b.fit.n_before, "n_after": b.fit.n_after,
                        "observations": [],
                        "estimates": [
                            _estimate("trend_slope", window, b.fit.slope, b.fit.slope_ci95,
                                      joined),
                            _estimate("level_shift", b.fit.break_period, b.fit.shift,
                                      b.fit.shift_ci95, joined)]})
    for part in (*edu.vmbo, *edu.havovwo):
        out += _breakdown(report, part, item_keys)
    ret = edu.retention
    if ret is not None:
        for part in ret.sectors.values():
            out += _breakdown(report, part, item_keys)
        out += _counts(report, ret.sectors[RETENTION[0]])
        trend = ret.trend
        ci = trend.slope_interval(0.95) if trend is not None and trend.has_model else None
        if trend is not None and ci is not None and trend.slope is not None:
            tech = ret.sectors[RETENTION[0]].national
            window = f"{tech['period'].iloc[0]}–{tech['period'].iloc[-1]}"
            out.append({"key": f"{RETENTION[0]}-hbo-trend", "indicator": RETENTION[0],
                        "level": "hbo", "unit": "share", "name": _name(report, RETENTION[0]),
                        "observations": [], "model": trend.model,
                        "estimates": [_estimate("trend_slope", window, trend.slope, ci,
                                                tech)]})
    for (code, vintage), frame in edu.published.items():
        out.append(_entry(report, f"{code}-{vintage}", code, "hbo", "share",
                          _name(report, code), frame))
    return out
