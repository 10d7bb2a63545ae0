"""Measures of the cabinet letter per cluster: owner, budget, planned vs realised, status."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from techmonitor import fmt
from techmonitor.bilingual import text
from techmonitor.measures import Budget
from techmonitor.messages import Lang, msg
from techmonitor.report import document as doc
from techmonitor.report.ids import SECTION_IDS
from techmonitor.report.measure_analysis import MeasureRow

if TYPE_CHECKING:
    from techmonitor.report.context import ReportContext as Report


def budget_text(b: Budget, lang: Lang) -> str:
    """``€ 18,7 mln totaal (2012–2015)``."""
    text = fmt.money(b.amount_eur, lang)
    out = msg(f"mea.budget.{b.basis}", lang, amount=text)
    if b.start and b.end and b.start != b.end:
        out += " " + msg("mea.budget.years", lang, start=b.start, end=b.end)
    elif b.start:
        out += f" ({b.start})"
    return out


def _planned(row: MeasureRow, report: Report) -> str:
    """``3.500 groepen in het primair onderwijs …``, ``2% van de …``: the value in its unit
    and what it counts."""
    ot = row.measure.output_target
    if ot is None:
        return report.t("none")
    what = text(ot, "description", report.lang)
    if ot.value is None:
        return what
    # whole amounts without decimals; a share keeps its one decimal (2,5%), never rounded to 3%
    decimals = 0 if float(ot.value).is_integer() else None
    return f"{fmt.value(ot.value, ot.unit, report.lang, decimals=decimals)} {what}"


def _realised(row: MeasureRow, report: Report) -> str:
    """The latest output and spend to date the programme office reported, with its quarter;
    marked when illustrative."""
    r = row.reported
    if r is None or (r.output is None and r.spent is None):
        return report.t("none")
    parts = []
    if r.output is not None:
        parts.append(fmt.number(r.output, 0, report.lang))
    if r.spent is not None:
        parts.append(fmt.money(r.spent, report.lang))
    text = report.t("mea.reported", figures=" · ".join(parts),
                    period=report.fmt_period(r.period, "short"))
    if r.illustrative:
        text += f" ({report.t('status.illustrative')})"
    return text


def measures_section(report: Report) -> doc.Section:
    """Section ``maatregelen``: status counts and one compact table of every measure.

    Every measure has a status: its assessment, or why there is none (no data on its
    implementation; data without a plan to hold them against; a failed assessment).
    """
    rows = report.measure_rows
    lang = report.lang
    out: list[doc.Node] = []
    if report.params.kind == "sector":
        out.append(doc.Paragraph(report.t("mea.intro.sector", n=len(rows),
                                          name=report.params.display_name())))
    else:
        out.append(doc.Paragraph(report.t("mea.intro.all", n=len(rows),
                                          period=report.fmt_period(report.params.period))))
    cats = Counter(r.assessment.category for r in rows if r.assessment is not None)
    parts = [f"{n} {c.label(lang)} ({c.symbol})"
             for c, n in sorted(cats.items(), key=lambda kv: -kv[0].rank)]
    for key, n in (("no_plan", sum(1 for r in rows if r.reported is not None
                                   and r.assessment is None and not r.error)),
                   ("no_data", sum(1 for r in rows if r.reported is None
                                   and r.assessment is None and not r.error))):
        if n:
            parts.append(f"{n} {report.t(f'mea.status.{key}')}")
    if parts:
        out.append(doc.Paragraph(report.t("mea.counts", parts=", ".join(parts))))
    if any(r.reported is not None and r.reported.illustrative for r in rows):
        out.append(doc.Callout(report.t("mea.ill_note")))
    if not rows:
        return doc.section(report.t("sec.measures"), SECTION_IDS["measures"],
                           out + [doc.Paragraph(report.t("mea.none"))])
    ordered = sorted(rows, key=lambda r: r.measure.cluster)
    out.append(doc.table(
        report.t("mea.table"),
        [report.t("mea.col_measure"), report.t("mea.col_owner"), report.t("mea.col_plan"),
         report.t("mea.col_realised"), report.t("col.status")],
        [_row(r, report) for r in ordered],
        numeric=[False, False, False, True, False], role="measures",
        note=report.t("mea.clusters", list="; ".join(
            f"{n} {text(c, 'name', lang)}" for n, c in sorted(
                {r.measure.cluster: r.cluster for r in ordered if r.cluster}.items())))))
    out += [doc.Note(report.t("mea.failed", id=r.measure.id, reason=r.error), "failure")
            for r in ordered if r.error]
    return doc.section(report.t("sec.measures"), SECTION_IDS["measures"], out)


def _status(r: MeasureRow, report: Report) -> str | doc.Cell:
    if r.assessment is not None:
        c = r.assessment.category
        return doc.status_cell(c.code, c.label(report.lang), c.symbol)
    if r.error:
        return report.t("not_estimated")
    if r.reported is None:
        return report.t("mea.status.no_data")
    return report.t("mea.status.no_plan")


def _row(r: MeasureRow, report: Report) -> list[str | doc.Cell]:
    lang = report.lang
    m = r.measure
    # budget and planned output in one column: most measures have neither (one "–")
    plan = [budget_text(b, lang) for b in m.budgets]
    if m.output_target is not None:
        plan.append(_planned(r, report))
    return [f"{m.cluster} · {text(m, 'title', lang)}",
            ", ".join(text(o, "name", lang) for o in r.owners), "; ".join(plan) or report.t("none"),
            _realised(r, report), _status(r, report)]
