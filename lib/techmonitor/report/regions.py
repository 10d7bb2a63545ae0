"""Progress since the 2012 letter and the provinces compared: phrasing only.

The numbers come from the context (:mod:`techmonitor.report.regional_analysis`): the
national report shows the series then and now and the provinces side by side (a small
multiple per province and a table of the share and its trend); a province report places
itself among the others, with the caveat the trend intervals call for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from techmonitor import bilingual, charts, chartstyle, fmt
from techmonitor.messages import msg
from techmonitor.periods import to_decimal_years
from techmonitor.report import document as doc
from techmonitor.report.ids import REGIONS_ID
from techmonitor.report.regional_analysis import ProvinceComparison, ProvinceFigure

if TYPE_CHECKING:
    from techmonitor.report.context import ReportContext as Report


def since_letter_blocks(report: Report) -> list[doc.Node]:
    """National report: each goal series in the letter's year and now, in one table."""
    rows = report.since_letter
    if not rows:
        return []
    lang = report.lang
    out: list[doc.Node] = [doc.Heading(report.t("since.title"), 3, "sinds-2012"),
                           doc.Paragraph(report.t("since.intro"))]
    body: list[list[str]] = []
    definitions: list[str] = []
    for s in rows:
        name = bilingual.text(s, "name", lang)
        if s.level not in ("all", "") and s.level.lower() not in name.lower():
            name = f"{name} ({s.level})"
        unit = "share" if s.unit == "share" else "count"
        change = fmt.percentage_points(s.change, 0 if s.unit == "share" else 1, lang,
                                       signed=True) if s.unit == "share" \
            else fmt.change(s.change, 0, lang)
        if s.change_pct is not None:
            change += f" ({fmt.percent(s.change_pct, 0, lang, signed=True)})"
        ill = f" ({report.t('status.illustrative')})" if s.illustrative else ""
        body.append([name + ill, report.fmt_period(s.baseline_period, "short"),
                     fmt.value(s.baseline, unit, lang, 0 if unit == "share" else None),
                     report.fmt_period(s.latest_period, "short"),
                     fmt.value(s.latest, unit, lang, 0 if unit == "share" else None), change,
                     report.source_names([s.source])])
        text = bilingual.text(s, "definition", lang)
        if text:
            definitions.append(f"{name}: {text}")
    out.append(doc.table(
        report.t("since.table"),
        [report.t("since.col_series"), report.t("since.col_then"),
         report.t("since.col_then_value"), report.t("since.col_now"),
         report.t("since.col_now_value"), report.t("col.change"), report.t("since.col_source")],
        body, numeric=[False, False, True, False, True, True, False],
        note=report.t("since.note")))
    if definitions:
        out.append(doc.BulletList(tuple(dict.fromkeys(definitions))))
    return out


def _lower_first(text: str) -> str:
    """``Aandeel techniek …`` → ``aandeel techniek …`` inside a sentence (not ``DUO``)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _trend_text(f: ProvinceFigure, lang: fmt.Lang) -> str:
    if f.slope is None:
        return "–"
    text = fmt.percentage_points(f.slope, 1, lang, signed=True)
    if f.lo95 is not None and f.hi95 is not None:
        text += " (" + msg("reg.interval", lang, lo=fmt.number(f.lo95, 1, lang),
                           hi=fmt.number(f.hi95, 1, lang)) + ")"
    return text


def provinces_blocks(report: Report) -> list[doc.Node]:
    """National report: the provinces side by side, a small multiple each and a table."""
    c = report.provinces
    if c is None:
        return []
    lang = report.lang
    name = bilingual.text(c, "name", lang)
    out: list[doc.Node] = [doc.Heading(report.t("reg.compare"), 3, "provincies-vergeleken"),
                           doc.Paragraph(report.t("reg.compare_intro", name=name,
                                                  level=c.level, n=len(c.provinces)))]
    panels = [charts.Panel(f.name, to_decimal_years(list(f.periods)),
                           np.asarray(f.values, dtype=float), np.asarray(f.illustrative))
              for f in sorted(c.provinces, key=lambda f: f.name)]
    fig = charts.small_multiples(panels, unit="share", lang=lang, ncols=4, kind="school_year")
    # one value axis from zero for all provinces: the panels compare levels, and an own
    # axis per panel would blow a tenth of a point up to the panel's full height
    top = 1.1 * max(max(f.values) for f in c.provinces)
    for ax in fig.axes:
        if ax.get_visible():
            ax.set_ylim(0, top)
    first = min(p for f in c.provinces for p in f.periods)
    last = max(p for f in c.provinces for p in f.periods)
    out.append(doc.Figure(
        chartstyle.svg_of(fig, f"{report.params.report_id}-provinces"),
        report.t("reg.alt", n=len(c.provinces), name=name, first=report.fmt_period(first),
                 last=report.fmt_period(last)),
        report.t("chart.caption", name=report.t("reg.chart", name=name, level=c.level)),
        report.t("chart.source", sources=report.source_names(c.sources))))
    rows = [[str(i), f.name, report.fmt_period(f.latest_period, "short"),
             fmt.value(f.latest, "share", lang), _trend_text(f, lang)]
            for i, f in enumerate(c.provinces, 1)]
    out.append(doc.table(
        report.t("reg.table", name=name, level=c.level),
        [report.t("reg.col_rank"), report.t("reg.col_province"), report.t("col.period"),
         report.t("reg.col_share"), report.t("reg.col_trend")],
        rows, numeric=[True, False, False, True, True], note=report.t("reg.note")))
    return out


def region_section(report: Report) -> doc.Section | None:
    """Province report: its place among the provinces, in words, with the interval caveat."""
    c: ProvinceComparison | None = report.provinces
    me = c.get(report.params.slug) if c is not None else None
    if c is None or me is None or report.params.kind != "region":
        return None
    lang = report.lang
    name = bilingual.text(c, "name", lang)
    text = [report.t("reg.place", province=me.name, name=_lower_first(name), level=c.level,
                     value=fmt.value(me.latest, "share", lang),
                     period=report.fmt_period(me.latest_period),
                     rank=c.rank(me.slug), n=len(c.provinces),
                     highest=c.provinces[0].name,
                     high=fmt.value(c.provinces[0].latest, "share", lang),
                     lowest=c.provinces[-1].name,
                     low=fmt.value(c.provinces[-1].latest, "share", lang))]
    if me.slope is not None and me.lo95 is not None and me.hi95 is not None:
        k = c.overlapping(me.slug)
        text.append(report.t("reg.trend_overlap" if k else "reg.trend_apart",
                             trend=fmt.percentage_points(me.slope, 1, lang, signed=True),
                             lo=fmt.number(me.lo95, 1, lang), hi=fmt.number(me.hi95, 1, lang),
                             k=k, n=len(c.provinces) - 1))
    rows = [[str(i), f.name, fmt.value(f.latest, "share", lang), _trend_text(f, lang)]
            for i, f in enumerate(c.provinces, 1)]
    table = doc.table(report.t("reg.table", name=name, level=c.level),
                      [report.t("reg.col_rank"), report.t("reg.col_province"),
                       report.t("reg.col_share"), report.t("reg.col_trend")],
                      rows, numeric=[True, False, True, True], note=report.t("reg.note"))
    return doc.section(report.t("reg.title"), REGIONS_ID,
                       [doc.Paragraph(t) for t in text], table)
