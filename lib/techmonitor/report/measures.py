"""Measures of the cabinet letter per cluster: owner, budget, planned vs realised, status."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from techmonitor import blocks, fmt, progress
from techmonitor.blocks import Cell, Section
from techmonitor.periods import sort_key
from techmonitor.reference import Budget, Measure
from techmonitor.report import data
from techmonitor.report.ids import SECTION_IDS

if TYPE_CHECKING:
    from techmonitor.report.core import Report


@dataclass
class MeasureRow:
    """A measure with its assessment at the report's quarter."""

    measure: Measure
    assessment: progress.MeasureAssessment | None
    illustrative: bool


def concerns(measure: Measure, report: Report) -> bool:
    """Whether a measure belongs in this report.

    The national and province reports show every measure; a sector report shows the measures
    whose ``sectors`` list names the sector or ``all`` (a measure without such a list is for
    all top sectors, as most measures of the letter are).
    """
    if report.params.kind != "sector":
        return True
    return "all" in measure.sectors or report.params.sector in measure.sectors


def total_budget(measure: Measure) -> float | None:
    """Total euros over the measure's budget lines (per-year amounts times their years)."""
    total = 0.0
    for b in measure.budgets:
        years = (b.end - b.start + 1) if b.basis == "per_year" and b.start and b.end else 1
        total += b.amount_eur * years
    return total or None


def _span(measure: Measure) -> tuple[str, str] | None:
    """Planned start and end as period codes or ISO dates, from dates or budget years."""
    dates = measure.dates or {}
    start = dates.get("start") or next((v for k, v in dates.items() if "start" in k), None)
    end = dates.get("end") or next((v for k, v in dates.items() if "end" in k or "eind" in k),
                                   None)
    years = [y for b in measure.budgets for y in (b.start, b.end) if y]
    if start is None and years:
        start = str(min(years))
    if end is None and years:
        end = str(max(years))
    return (str(start), str(end)) if start and end else None


def assess(measure: Measure, realised: pd.DataFrame, as_of: str) -> MeasureRow:
    """Status of one measure at ``as_of`` from its realised rows."""
    rows = realised[realised["measure_id"] == measure.id]
    ill = bool((rows["status"] == "illustrative").any())
    span = _span(measure)
    if span is None or rows.empty:
        # nothing reported is not the same as behind: the status stays open ("–")
        return MeasureRow(measure, None, ill)
    plan = progress.MeasurePlan(
        code=measure.id, start=span[0], end=span[1],
        planned_output=measure.output_target.value if measure.output_target else None,
        budget=total_budget(measure),
        realised=_flows(rows),
        name=measure.title_nl)
    try:
        return MeasureRow(measure, progress.assess_measure(plan, as_of), ill)
    except Exception:  # bad dates in one measure: show it without a status, not fail
        return MeasureRow(measure, None, ill)


def _flows(rows: pd.DataFrame) -> tuple[progress.Realisation, ...]:
    """Quarterly flows from the programme office's cumulative figures.

    The workbook and ``measure_progress.csv`` record output and spend *to date* (what an office
    reports each quarter); :func:`progress.assess_measure` works on what happened *in* each
    quarter, so each value is the difference with the last reported one before it.
    """
    out: list[progress.Realisation] = []
    last = {"output_value": 0.0, "spent_eur": 0.0}
    for r in rows.sort_values("period", key=lambda p: p.map(sort_key)).itertuples():
        flow: dict[str, float | None] = {}
        for col in ("output_value", "spent_eur"):
            value = getattr(r, col)
            if _nan(value):
                flow[col] = None
            else:
                flow[col] = float(value) - last[col]
                last[col] = float(value)
        out.append(progress.Realisation(str(r.period), flow["output_value"], flow["spent_eur"],
                                        r.status == "illustrative"))
    return tuple(out)


def _nan(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def measure_rows(report: Report) -> list[MeasureRow]:
    """Every measure of this report with its assessment (computed once per report)."""
    return report.measure_rows


def compute_measure_rows(report: Report) -> list[MeasureRow]:
    """Every measure of this report with its assessment (empty without measures.yaml)."""
    ref = data.load_measures(report.data_dir)
    if ref is None:
        return []
    realised = data.load_progress(report.data_dir)
    if realised is None:
        realised = pd.DataFrame(columns=["measure_id", "period", "output_value", "spent_eur",
                                         "status", "note"])
    return [assess(m, realised, report.params.period) for m in ref.measures
            if concerns(m, report)]


def measures_illustrative(report: Report) -> bool:
    """True when realised measure figures in this report are illustrative."""
    return any(r.illustrative for r in measure_rows(report))


def budget_text(b: Budget, lang: str) -> str:
    """``€ 18,7 mln totaal (2012–2015)``."""
    text = fmt.money(b.amount_eur, lang)  # type: ignore[arg-type]
    from techmonitor.messages import msg

    out = msg(f"mea.budget.{b.basis}", lang, amount=text)
    if b.start and b.end and b.start != b.end:
        out += " " + msg("mea.budget.years", lang, start=b.start, end=b.end)
    elif b.start:
        out += f" ({b.start})"
    return out


def _planned(row: MeasureRow, report: Report) -> str:
    ot = row.measure.output_target
    if ot is None:
        return report.t("none")
    if ot.value is None:
        return ot.description_nl
    value = fmt.number(ot.value, 0, report.lang)  # type: ignore[arg-type]
    # the Dutch description names the unit ("groepen in het po met …"); English uses the unit
    return f"{value} {ot.description_nl}" if report.lang == "nl" else (
        f"{value} {ot.unit or ''}".strip())


def _realised(row: MeasureRow, report: Report) -> str:
    a = row.assessment
    if a is None or (a.output is None and a.spend is None):
        return report.t("none")
    parts = []
    if a.output is not None:
        parts.append(fmt.number(a.output, 0, report.lang))  # type: ignore[arg-type]
    if a.spend is not None:
        parts.append(fmt.money(a.spend, report.lang))  # type: ignore[arg-type]
    text = " · ".join(parts)
    if row.illustrative:
        text += f" ({report.t('status.illustrative')})"
    return text


def measures_section(report: Report) -> Section:
    """Section ``maatregelen``: status counts and one table per cluster."""
    sec = Section(report.t("sec.measures"), anchor=SECTION_IDS["measures"])
    rows = measure_rows(report)
    lang = report.lang
    if report.params.kind == "sector":
        sec.add(blocks.paragraph(report.t("mea.intro.sector", n=len(rows),
                                          name=report.params.display_name())))
    else:
        sec.add(blocks.paragraph(report.t("mea.intro.all", n=len(rows),
                                          period=report.fmt_period(report.params.period))))
    cats = Counter(r.assessment.category for r in rows if r.assessment is not None)
    if cats:
        parts = [f"{n} {c.label(lang)} ({c.symbol})"
                 for c, n in sorted(cats.items(), key=lambda kv: -kv[0].rank)]
        sec.add(blocks.paragraph(report.t("mea.counts", parts=", ".join(parts))))
    if any(r.illustrative for r in rows):
        sec.add(blocks.note(report.t("mea.ill_note"), "illustrative"))
    for cluster in range(1, 7):
        sec.add(blocks.heading(report.t("mea.cluster", n=cluster,
                                        title=report.t(f"cluster.{cluster}")), 3,
                               anchor=f"cluster-{cluster}"))
        mine = [r for r in rows if r.measure.cluster == cluster]
        if not mine:
            sec.add(blocks.paragraph(report.t("mea.none")))
            continue
        table_rows: list[list[str | Cell]] = []
        for r in mine:
            m = r.measure
            status: str | Cell = report.t("none")
            if r.assessment is not None:
                c = r.assessment.category
                status = blocks.status_cell(c.code, c.label(lang), c.symbol)
            table_rows.append([
                m.title_en if lang == "en" else m.title_nl,
                ", ".join(m.owner),
                "; ".join(budget_text(b, lang) for b in m.budgets) or report.t("none"),
                _planned(r, report), _realised(r, report), status])
        sec.add(blocks.table(
            report.t("mea.table", n=cluster),
            [report.t("mea.col_measure"), report.t("mea.col_owner"), report.t("mea.col_budget"),
             report.t("mea.col_planned"), report.t("mea.col_realised"), report.t("col.status")],
            table_rows, numeric=[False, False, False, False, True, False],
            css_class="data measures"))
    return sec
