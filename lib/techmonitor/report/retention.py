"""Goals 3 and 4 beyond single indicators: occupational retention and what is still missing.

Occupational retention (CBS "wisseling van beroepsklasse") exists in two EBB methods, each its
own vintage. The goal-4 block shows both side by side, one line per method, never joined, and
estimates a trend per method only where that method has enough points. What the goals ask for
but no stored table holds (education retention of entry cohorts, lateral inflow, graduates in
technical jobs) is said in place, with the CBS tables that would supply it
(:data:`techmonitor.sources.tables.TABLES`, fetched by ``techmonitor data update``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from techmonitor import charts, chartstyle, fmt, narrative
from techmonitor.messages import join_words
from techmonitor.periods import sort_key, to_decimal_years
from techmonitor.report import document as doc
from techmonitor.report.goal_verdicts import GAP_EXTRA, GAPS
from techmonitor.report.labels import vintage_label
from techmonitor.report.national_analysis import (
    CLASSES,
    EMPLOYMENT,
    RETENTION,
    CohortFit,
    Retention,
)
from techmonitor.sources.tables import TABLES

if TYPE_CHECKING:
    from techmonitor.report.analysis import Item
    from techmonitor.report.context import ReportContext as Report




def codes_shown_elsewhere() -> tuple[str, ...]:
    """Indicator codes the goal sections leave to :func:`goal_blocks`."""
    return RETENTION


def goal_blocks(report: Report, n: int) -> list[doc.Node]:
    """The retention block (goal 4) and the notes on what is missing (goals 3 and 4)."""
    out: list[doc.Node] = []
    if n == 4:
        out += retention_blocks(report)
    out += gap_blocks(report, n)
    return out


def after_item(report: Report, item: Item) -> list[doc.Node]:
    """What follows an indicator's own blocks: the other editions of technical employment."""
    return editions_blocks(report) if item.ind.code == EMPLOYMENT else []


def editions_blocks(report: Report) -> list[doc.Node]:
    """The editions of technical employment that the indicator's line does not show.

    The goal section draws one vintage (the catalogue's first with data, the longest
    series); the revised editions are said here, each as its own figures, never joined.
    """
    found = report.national.editions
    if not found:
        return []
    lang = report.lang
    parts = []
    for vintage, part in found.items():
        values = [report.t("ret.value", value=fmt.number(float(r.value), 0, lang),
                           period=str(r.period)) for r in part.itertuples()]
        label = vintage_label(report, vintage, EMPLOYMENT)
        parts.append(report.t("emp.edition_part", values=join_words(values, lang),
                              vintage=label))
    return [doc.Paragraph(report.t("emp.editions", parts="; ".join(parts)))]


def _table_list(report: Report, tables: tuple[str, ...]) -> str:
    names = [f"{t} ({report.t('tbl.' + t)})" for t in tables if t in TABLES]
    return join_words(names, report.lang)


def gap_blocks(report: Report, n: int) -> list[doc.Node]:
    """One note per missing series of goal ``n``: what is missing and which table has it."""
    present = report.national.present
    coh = report.national.cohorts
    out: list[doc.Node] = []
    for gap in GAPS:
        if gap.goal != n or (gap.indicators and present & set(gap.indicators)):
            continue
        if not gap.indicators and coh.present:
            out += cohort_blocks(report) if report.params.kind == "national" else [
                doc.Paragraph(report.t("coh.national_only"))]
            continue
        text = report.t(gap.key, tables=_table_list(report, gap.tables))
        extra_key = GAP_EXTRA.get(gap.key)
        if extra_key and any(i.ind.code == extra_key[0] for i in report.items):
            text += " " + report.t(extra_key[1])  # a point shown above this note
        out.append(doc.Note(text, "note"))
    return out


def _method(report: Report, vintage: str) -> str:
    return report.t(f"ret.method.{vintage}")


def retention_blocks(report: Report) -> list[doc.Node]:
    """Occupational retention: definition, chart per method, sentences, table."""
    lang = report.lang
    out: list[doc.Node] = [doc.Heading(report.t("ret.title"), 3, "beroepsbehoud")]
    if report.params.kind != "national":
        # the stored CBS figures are national only; no table split by sector or region
        return out + [doc.Paragraph(report.t("ret.national_only"))]
    ret = report.national.retention
    if ret is None:
        return out + [doc.Note(report.t("ret.none"), "note")]
    series = ret.series
    out.append(doc.Paragraph(report.t("ret.intro")))
    lines = []
    for cls in ("tech", "ict"):
        for vintage, s in series.get(cls, {}).items():
            lines.append((report.t("ret.line", cls=report.t(f"ret.class.{cls}"),
                                   method=_method(report, vintage)),
                          to_decimal_years(s["period"]), s["value"].to_numpy(dtype=float)))
    sources = sorted({str(x) for by_v in series.values() for s in by_v.values()
                      for x in s["source"]})
    if lines:
        fig = charts.vintage_lines(lines, period_kind="quarter", unit="share", lang=lang,
                                   axis_label="%")
        alt = " ".join(_sentence(report, cls, series[cls]) for cls in ("tech", "ict")
                       if cls in series)
        out.append(doc.Figure(chartstyle.svg_of(fig, f"{report.params.report_id}-retention"),
                              alt, report.t("chart.caption", name=report.t("ret.title")),
                              report.t("chart.source", sources=report.source_names(sources))))
    for cls in ("tech", "ict", "all"):
        if cls in series:
            out.append(doc.Paragraph(_sentence(report, cls, series[cls])))
    out += _trend_paragraphs(report, ret)
    out.append(_table(report, ret))
    return out


def _sentence(report: Report, cls: str, by_vintage: Mapping[str, pd.DataFrame]) -> str:
    """``Technische beroepen: 95,6% in K2 2023 (nieuwe methode); 95,8% … (oude methode).``"""
    parts = []
    for vintage, s in by_vintage.items():
        values = [report.t("ret.value", value=fmt.percent(float(r.value), 1, report.lang),
                           period=report.fmt_period(str(r.period), "short"))
                  for r in s.itertuples()]
        parts.append(report.t("ret.part", values=join_words(values, report.lang),
                              method=_method(report, vintage)))
    return report.t("ret.sentence", cls=report.t(f"ret.class.{cls}"), parts="; ".join(parts))


def _trend_paragraphs(report: Report, ret: Retention) -> list[doc.Node]:
    """A trend per method where one has enough points; else why there is none."""
    out: list[doc.Node] = []
    short = []
    for fit in ret.trends:
        # the subject of the sentence is the retention (singular), not the occupations
        name = report.t("ret.subject", cls=narrative.in_sentence(report.t("ret.class.tech")),
                        method=_method(report, fit.vintage))
        if fit.result is not None:
            out.append(doc.Paragraph(narrative.describe(name, fit.result, lang=report.lang,
                                                        unit="share", number="singular")))
        elif fit.error is not None:
            out.append(doc.Note(report.t("ind.failed_trend", name=name, reason=fit.error),
                                "failure"))
        else:
            short.append(report.t("ret.n_points", method=_method(report, fit.vintage),
                                  n=fit.points))
    if short:
        out.append(doc.Paragraph(report.t(
            "ret.no_trend", counts=join_words(short, report.lang),
            tables=_table_list(report, ("83120NED", "85388NED")))))
    return out


def _table(report: Report, ret: Retention) -> doc.Table:
    lang = report.lang
    series = ret.series
    rows = []
    for cls in CLASSES:
        # per class in time order; the method column keeps the two EBB methods apart
        by_time = sorted(((vintage, r) for vintage, s in series.get(cls, {}).items()
                          for r in s.itertuples()),
                         key=lambda vr: (sort_key(str(vr[1].period)), vr[0]))
        for vintage, r in by_time:
            counts = ret.counts[(cls, vintage)]
            period = str(r.period)
            c = counts.loc[period] if period in counts.index else None
            stayed = (fmt.number(float(c["stayed"]), 0, lang)
                      if c is not None else report.t("none"))
            total = (fmt.number(float(c["total"]), 0, lang)
                     if c is not None else report.t("none"))
            rows.append([report.t(f"ret.class.{cls}"), report.fmt_period(period, "short"),
                         _method(report, vintage), stayed, total,
                         fmt.percent(float(r.value), 1, lang)])
    return doc.table(report.t("ret.table"),
                     [report.t("ret.col_class"), report.t("col.period"),
                      report.t("ret.col_method"), report.t("ret.col_stayed"),
                      report.t("ret.col_total"), report.t("ret.col_share")],
                     rows, numeric=[False, False, False, True, True, True])


def cohort_blocks(report: Report) -> list[doc.Node]:
    """Education retention per entry cohort from ``data/cohorts.csv`` (cohort model).

    One block per table and level: the curves per cohort (chart and table, fitted with
    their 95% interval beside the observed share) and the trend across cohorts. A table
    the model cannot be fitted on says why where its result would stand.
    """
    coh = report.national.cohorts
    if report.params.kind != "national":
        return []
    if coh.error is not None:
        return [doc.Note(report.t("coh.failed", table=coh.path, reason=coh.error), "failure")]
    out: list[doc.Node] = [doc.Heading(report.t("coh.title"), 3, "onderwijsbehoud")]
    for r in coh.results:
        if r.fit is None:
            out.append(doc.Note(report.t("coh.failed", table=r.table, reason=r.error or ""),
                                "failure"))
            continue
        out += _cohort_result(report, r.table, r.level, r.fit, list(r.sources))
    return out


def _cohort_result(report: Report, table: str, level: str, fit: CohortFit,
                   sources: list[str]) -> list[doc.Node]:
    lang = report.lang
    pct = lambda x: fmt.percent(100 * float(x), 1, lang)  # noqa: E731
    c = fit.curves
    last = c[c["cohort"] == c["cohort"].max()].iloc[-1]
    ratio, lo, hi = fit.odds_ratio
    key = ("coh.trend_up" if fit.trend["lo95"] > 0 else
           "coh.trend_down" if fit.trend["hi95"] < 0 else "coh.trend_none")
    out: list[doc.Node] = [doc.Paragraph(report.t(
        "coh.sentence", table=table, level=level, cohort=str(int(last["cohort"])),
        years=int(last["years"]), observed=pct(last["observed"]), fitted=pct(last["fitted"]),
        lo=pct(last["lo95"]), hi=pct(last["hi95"])) + " " + report.t(
        key, ratio=fmt.number(ratio, 2, lang), lo=fmt.number(lo, 2, lang),
        hi=fmt.number(hi, 2, lang), first=str(int(c["cohort"].min())),
        last=str(int(c["cohort"].max()))))]
    curves = []
    for cohort, g in c.groupby("cohort", sort=True):
        curves.append((str(cohort), g["years"].to_numpy(dtype=float),
                       100 * g["fitted"].to_numpy(dtype=float),
                       100 * g["observed"].to_numpy(dtype=float)))
    fig = charts.cohort_curves(curves, lang=lang, x_label=report.t("coh.axis_years"),
                               axis_label="%")
    out.append(doc.Figure(chartstyle.svg_of(fig, f"{report.params.report_id}-cohorts-{table}"),
                          out[0].text if isinstance(out[0], doc.Paragraph) else "",
                          report.t("chart.caption", name=report.t("coh.chart", table=table)),
                          report.t("chart.source", sources=report.source_names(sources))))
    rows = [[str(int(r.cohort)), str(int(r.years)), pct(r.observed), pct(r.fitted),
             f"{pct(r.lo95)} – {pct(r.hi95)}"] for r in c.itertuples()]
    out.append(doc.table(report.t("coh.table", table=table),
                         [report.t("coh.col_cohort"), report.t("coh.col_years"),
                          report.t("coh.col_observed"), report.t("coh.col_fitted"),
                          report.t("coh.col_interval")],
                         rows, numeric=[False, True, True, True, True]))
    return out
