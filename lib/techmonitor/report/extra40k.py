"""National report: how far the programme is from 40,000 extra technicians a year.

The target comes from ``data/targets.yaml`` (``masterplan-40000``); the measurements from
:mod:`techmonitor.progress.extra` on the report's observations (known at the end of the
reporting quarter). Each proxy is named as what it is; the category is that of the newest
employment measurement (it covers both routes, net); the probability is shown where a
series in one vintage allows a trend fit, with its period and vintage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from techmonitor import charts, chartstyle, fmt, narrative
from techmonitor.messages import join_words
from techmonitor.progress import extra
from techmonitor.report import document as doc
from techmonitor.report.labels import measure_how, measure_label, measure_what, vintage_label
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
                    label=measure_label(report, head), what=measure_what(report, head),
                    value=amount(report, head), interval=interval(report, head),
                    symbol=head.category.symbol, category=head.category.label(lang))


def amount(report: Report, e: extra.ExtraEstimate) -> str:
    """``ongeveer 40.000``: the yearly figure rounded to what its data carry
    (:attr:`~techmonitor.progress.extra.ExtraEstimate.shown`); exact counts stay exact."""
    text = fmt.number(e.shown, 0, report.lang)
    return report.t("x40.about", value=text) if e.step > 1 else text


def interval(report: Report, e: extra.ExtraEstimate) -> str:
    """``95%: 17.000 tot 38.000`` (rounded like the value), or why there is none."""
    shown = e.shown_interval
    if shown is None:
        return report.t(f"x40.no_interval.{e.method}")
    lo, hi = (fmt.number(x, 0, report.lang) for x in shown)
    return report.t("x40.interval", lo=lo, hi=hi)


def blocks(report: Report, x40: Extra40k) -> list[doc.Node]:
    """Operationalisation, chart of the gap, the measurements table and the caveats."""
    lang = report.lang
    goal = float(x40.target.target_value)
    goal_text = fmt.number(goal, 0, lang)
    out: list[doc.Node] = [doc.Paragraph(report.t("x40.operationalisation", target=goal_text,
                                                  what=report.t("x40.what.employment"),
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
            vintage=vintage_label(report, head.vintage), what=measure_what(report, head),
            value=amount(report, head), interval=interval(report, head),
            target=goal_text, symbol=head.category.symbol,
            category=head.category.label(lang))))
    for e in found:
        if e.probability is None:
            continue
        values = {"label": measure_label(report, e), "vintage": vintage_label(report, e.vintage),
                  "what": measure_what(report, e), "value": amount(report, e),
                  "interval": interval(report, e), "target": goal_text}
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
            value=amount(report, e), pct=fmt.percent(100 * e.ratio, 0, lang),
            target=goal_text)))
    employment = [e for e in found if e.route == "employment"]
    if employment:  # the axis measures net employment growth: the education route is no bar
        out.append(_figure(report, employment, goal, goal_text))
    out.append(_table(report, x40))
    out.append(doc.Paragraph(report.t("x40.rounding")))
    out.append(doc.Note(report.t("x40.caveats"), "note"))
    out.append(doc.Note(report.t("x40.lateral_missing"), "note"))
    return out


def _figure(report: Report, found: list[extra.ExtraEstimate], goal: float,
            goal_text: str) -> doc.Figure:
    """Bars of the employment measurements (rounded, with their rounded 95% interval)."""
    lang = report.lang
    labels = [measure_label(report, e) for e in found]
    axis = measure_what(report, found[0])
    fig = charts.bars_against_target(
        labels, [e.shown for e in found], target=goal,
        target_label=report.t("x40.target_line", target=goal_text),
        errors=[None if e.shown_interval is None else e.shown_interval[1] - e.shown
                for e in found],
        unit="count", lang=lang, axis_label=axis)
    alt = report.t("x40.alt", target=goal_text, what=axis, parts=join_words(
        [report.t("x40.alt_part", label=lb, vintage=vintage_label(report, e.vintage),
                  value=amount(report, e))
         for lb, e in zip(labels, found, strict=True)], lang))
    sources = sorted({s for e in found for s in e.sources})
    return doc.Figure(chartstyle.svg_of(fig, f"{report.params.report_id}-extra40k"), alt,
                      report.t("chart.caption", name=report.t(
                          "x40.chart", what=axis[:1].upper() + axis[1:], target=goal_text)),
                      report.t("chart.source", sources=report.source_names(sources)))


def _table(report: Report, x40: Extra40k) -> doc.Table:
    """One row per measurement: what, from which edition, per year (interval), probability,
    category (five columns, so the table fits the page; the share of the target is in the
    sentences and the chart)."""
    lang = report.lang
    rows = []
    for e in x40.estimates:
        per_year = f"{amount(report, e)} ({interval(report, e)})"
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
