"""Per measure of the cabinet letter: its status at the report's quarter.

One :class:`MeasureRow` per measure the report concerns, assessed from the programme
office's cumulative figures (:func:`techmonitor.progress.assess_measure`); computed once in
the context, phrased by :mod:`techmonitor.report.measures`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pandas as pd

from techmonitor import progress
from techmonitor.config import ReportParams
from techmonitor.measures import Measure, MeasuresRef, Named
from techmonitor.periods import sort_key
from techmonitor.report.analysis import EXPECTED_ERRORS, reason_of


@dataclass(frozen=True)
class Reported:
    """The programme office's latest figures of a measure up to the report's quarter: output
    and spend to date (either may be missing), and whether they are illustrative."""

    period: str
    output: float | None
    spent: float | None
    illustrative: bool


@dataclass(frozen=True)
class MeasureRow:
    """A measure with its assessment at the report's quarter (``error`` if none could be
    made from its data) and the latest figures reported on it (``reported``; None: no data
    on its implementation)."""

    measure: Measure
    assessment: progress.MeasureAssessment | None
    illustrative: bool
    error: str | None = None
    reported: Reported | None = None
    #: the measure's owners and cluster, by name (from the file's tables)
    owners: tuple[Named, ...] = ()
    cluster: Named | None = None


def concerns(measure: Measure, params: ReportParams) -> bool:
    """Whether a measure belongs in this report.

    The national and province reports show every measure; a sector report shows the measures
    whose ``sectors`` list names the sector or ``all`` (a measure without such a list is for
    all top sectors, as most measures of the letter are).
    """
    if params.kind != "sector":
        return True
    return "all" in measure.sectors or params.sector in measure.sectors


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
    # only what was known at the report's quarter (a bool mask: an empty frame stays a frame)
    known = [sort_key(str(p)) <= sort_key(as_of) for p in rows["period"]]
    rows = rows.loc[pd.Series(known, index=rows.index, dtype=bool)]
    ill = bool((rows["status"] == "illustrative").any())
    reported = latest_reported(rows)
    span = _span(measure)
    if span is None or rows.empty:
        # nothing reported is not the same as behind: the status stays open, and what was
        # reported (without a plan to hold it against) is still shown
        return MeasureRow(measure, None, ill, reported=reported)
    plan = progress.MeasurePlan(
        code=measure.id, start=span[0], end=span[1],
        planned_output=measure.output_target.value if measure.output_target else None,
        budget=total_budget(measure),
        realised=_flows(rows))
    try:
        return MeasureRow(measure, progress.assess_measure(plan, as_of), ill,
                          reported=reported)
    except EXPECTED_ERRORS as exc:  # bad dates in one measure: say so in its row
        return MeasureRow(measure, None, ill, reason_of(exc), reported)


def latest_reported(rows: pd.DataFrame) -> Reported | None:
    """The latest output and spend to date among a measure's rows (each its own latest
    reported value; the period is that of the latest row), or None without rows."""
    if rows.empty:
        return None
    ordered = rows.sort_values("period", key=lambda p: p.map(sort_key))
    latest: dict[str, float | None] = {}
    for col in ("output_value", "spent_eur"):
        values = [float(v) for v in ordered[col] if not _nan(v)]
        latest[col] = values[-1] if values else None
    return Reported(str(ordered["period"].iloc[-1]), latest["output_value"],
                    latest["spent_eur"], bool((ordered["status"] == "illustrative").any()))


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


def measure_rows(ref: MeasuresRef | None, realised: pd.DataFrame | None,
                 params: ReportParams) -> list[MeasureRow]:
    """Every measure of this report with its assessment (empty without measures.yaml)."""
    if ref is None:
        return []
    if realised is None:
        realised = pd.DataFrame(columns=["measure_id", "period", "output_value", "spent_eur",
                                         "status", "note"])
    return [replace(assess(m, realised, params.period),
                    owners=tuple(ref.owners[o] for o in m.owner), cluster=ref.clusters[m.cluster])
            for m in ref.measures if concerns(m, params)]
