"""National report: how far the programme is from 40,000 extra technicians a year.

The target comes from ``data/targets.yaml`` (``masterplan-40000``); the measurements from
:mod:`techmonitor.progress.extra` on the report's observations (known at the end of the
reporting quarter). Each proxy is named as what it is; the category is that of the newest
employment measurement (it covers both routes, net); the probability is shown where a
series in one vintage allows a trend fit, with its period and vintage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from techmonitor import charts, fmt, narrative
from techmonitor.messages import join_words
from techmonitor.progress import extra
from techmonitor.report import document as doc
from techmonitor.report.labels import measure_how, measure_label, vintage_label
from techmonitor.report.national_analysis import EMPLOYMENT, INFLOW, Extra40k

if TYPE_CHECKING:
    from techmonitor.report.context import ReportContext as Report


def key_sentence(report: Report) -> str | None:
    """The key message on the 40,000 (national report): newest measurement and category."""
    x40 = report.national.extra40k
    if x40 is None or x40.headline is None:
        return None
    head, lang = x40.headline, report.lang
    return report.t("key.x40", target=fmt.number(float(x40.target.target_value), 0, lang),
                    label=measure_label(report, head),
                    value=fmt.number(head.per_year, 0, lang),
                    pct=fmt.percent(100 * head.ratio, 0, lang),
                    symbol=head.category.symbol, category=head.category.label(lang))


def blocks(report: Report, x40: Extra40k) -> list[doc.Node]:
    """Operationalisation, chart of the gap, the measurements table and the caveats."""
    lang = report.lang
    goal = float(x40.target.target_value)
    goal_text = fmt.number(goal, 0, lang)
    out: list[doc.Node] = [doc.Paragraph(report.t("x40.operationalisation", target=goal_text,
                                                  baseline=report.fmt_period(
                                                      extra.BASELINE_SCHOOL_YEAR, "short")))]
    found = list(x40.estimates)
    if not found:
        return out + [doc.Note(report.t("x40.none", tables=join_words(
            [EMPLOYMENT, INFLOW], lang)), "failure")]
    head = x40.headline
    if head is not None:
        out.append(doc.Paragraph(report.t(
            "x40.headline", label=measure_label(report, head),
            vintage=vintage_label(report, head.vintage),
            value=fmt.number(head.per_year, 0, lang),
            pct=fmt.percent(100 * head.ratio, 0, lang),
            target=goal_text, symbol=head.category.symbol,
            category=head.category.label(lang))))
    for e in found:
        if e.probability is None:
            continue
        values = {"label": measure_label(report, e), "vintage": vintage_label(report, e.vintage),
                  "value": fmt.number(e.per_year, 0, lang),
                  "lo": fmt.number(e.lo95 or 0.0, 0, lang),
                  "hi": fmt.number(e.hi95 or 0.0, 0, lang),
                  "target": goal_text}
        p = narrative.probability(e.probability, lang, reliable=x40.reliable)
        if p is not None:
            out.append(doc.Paragraph(report.t("x40.probability", p=p, **values)))
        else:  # as for every count series: the backtests found such probabilities unreliable
            where = ("above" if goal > (e.hi95 or 0.0) else
                     "below" if goal < (e.lo95 or 0.0) else "within")
            out.append(doc.Paragraph(report.t(
                "x40.probability_withheld", where=report.t(f"x40.where.{where}"), **values)))
    if head is not None and head.probability is None:
        out.append(doc.Paragraph(report.t("x40.no_probability", label=measure_label(report, head))))
    edu = [e for e in found if e.route == "education"]
    for e in edu:
        out.append(doc.Paragraph(report.t(
            "x40.education", label=measure_label(report, e),
            vintage=vintage_label(report, e.vintage),
            value=fmt.number(e.per_year, 0, lang),
            pct=fmt.percent(100 * e.ratio, 0, lang), target=goal_text)))
    out.append(_figure(report, found, goal, goal_text))
    out.append(_table(report, x40))
    out.append(doc.Note(report.t("x40.caveats"), "note"))
    out.append(doc.Note(report.t("x40.lateral_missing"), "note"))
    return out


def _figure(report: Report, found: list[extra.ExtraEstimate], goal: float,
            goal_text: str) -> doc.Figure:
    lang = report.lang
    labels = [measure_label(report, e) for e in found]
    fig = charts.bars_against_target(
        labels, [e.per_year for e in found], target=goal,
        target_label=report.t("x40.target_line", target=goal_text),
        errors=[(e.hi95 - e.per_year) if e.hi95 is not None else None for e in found],
        unit="count", lang=lang, axis_label=report.t("x40.axis"))
    alt = report.t("x40.alt", target=goal_text, parts=join_words(
        [report.t("x40.alt_part", label=lb, vintage=vintage_label(report, e.vintage),
                  value=fmt.number(e.per_year, 0, lang))
         for lb, e in zip(labels, found, strict=True)], lang))
    sources = sorted({s for e in found for s in e.sources})
    return doc.Figure(charts.svg_of(fig, f"{report.params.report_id}-extra40k"), alt,
                      report.t("chart.caption", name=report.t("x40.chart", target=goal_text)),
                      report.t("chart.source", sources=", ".join(sources)))


def _table(report: Report, x40: Extra40k) -> doc.Table:
    """One row per measurement: what, from which edition, per year (interval), probability,
    category (five columns, so the table fits the page; the share of the target is in the
    sentences and the chart)."""
    lang = report.lang
    rows = []
    for e in x40.estimates:
        per_year = fmt.number(e.per_year, 0, lang)
        if e.lo95 is not None and e.hi95 is not None:
            per_year += (f" ({fmt.number(e.lo95, 0, lang)} – "
                         f"{fmt.number(e.hi95, 0, lang)})")
        prob = (narrative.probability(e.probability, lang, reliable=x40.reliable)
                or report.t("none"))
        cat = e.category
        rows.append([report.t("x40.measure", label=measure_label(report, e),
                              how=measure_how(report, e)),
                     vintage_label(report, e.vintage), per_year, prob,
                     f"{cat.symbol} {cat.label(lang)}"])
    return doc.table(report.t("x40.table"),
                     [report.t("x40.col_measure"), report.t("x40.col_vintage"),
                      report.t("x40.col_per_year"), report.t("x40.col_probability"),
                      report.t("x40.col_category")],
                     rows, numeric=[False, False, True, True, False])
