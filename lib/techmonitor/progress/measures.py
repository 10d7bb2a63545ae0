"""Status of a measure from realised vs planned output and spend, and its rules in words."""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from techmonitor.errors import DataValidationError, ParameterError
from techmonitor.messages import msg
from techmonitor.periods import period_kind, shift_quarter
from techmonitor.progress.categories import (
    AT_RISK,
    BEHIND,
    DONE,
    NOT_STARTED,
    ON_SCHEDULE,
    Category,
)

# -------------------------------------------------------------------------------- measures
#: progress ÷ expected progress below which a measure is "behind"
BEHIND_RATIO = 0.90
#: progress ÷ expected progress below which a measure is "at risk"
AT_RISK_RATIO = 0.60
#: spend fraction may run ahead of output fraction by at most this much before "behind"
SPEND_AHEAD_MARGIN = 0.25
#: spend above this multiple of the budget before the output is delivered → "at risk"
OVERSPEND = 1.10
#: a measure with nothing realised yet is "not started" until this share of its planned duration
#: has passed; after that it is "at risk"
NOT_STARTED_GRACE = 0.25


@dataclass(frozen=True)
class Realisation:
    """Realised output and spend of a measure in one quarter (flows, not cumulative).

    ``None`` means not reported (different from 0).
    """

    period: str
    output: float | None = None
    spend: float | None = None
    illustrative: bool = False


@dataclass(frozen=True)
class MeasurePlan:
    """A measure's plan and what was realised.

    Attributes
    ----------
    code
        Measure id.
    start, end
        Planned start and end: period codes (``2012``, ``2012/13``, ``2012Q1``; the start of the
        start period and the end of the end period count), :class:`datetime.date` or ISO strings.
    planned_output
        Output to deliver in total (``None`` when the measure has no countable output; then spend
        against budget measures progress).
    budget
        Total budget in euros (``None`` if unknown).
    realised
        Quarterly realisations.
    """

    code: str
    start: str | _dt.date
    end: str | _dt.date
    planned_output: float | None = None
    budget: float | None = None
    realised: tuple[Realisation, ...] = ()


@dataclass(frozen=True)
class MeasureAssessment:
    """Status of a measure at a quarter.

    Attributes
    ----------
    category
        done / on_schedule / behind / at_risk / not_started.
    rule
        Code of the rule that decided (see :func:`measure_rules_text`).
    expected_fraction
        Share of the planned duration elapsed at the end of ``as_of`` (0–1).
    output_fraction, spend_fraction
        Realised output ÷ planned output and spend ÷ budget, cumulative up to ``as_of``.
    table
        Per quarter: ``period``, ``planned_output``, ``output``, ``planned_spend``, ``spend``
        (cumulative, planned linearly over the duration).
    """

    code: str
    as_of: str
    category: Category
    rule: str
    expected_fraction: float
    output_fraction: float | None
    spend_fraction: float | None
    output: float | None
    spend: float | None
    illustrative: bool
    table: pd.DataFrame = field(default_factory=pd.DataFrame)


def _period_start(code: str) -> float:
    kind = period_kind(code)
    y = int(code[:4])
    if kind == "year":
        return float(y)
    if kind == "school_year":
        return y + 7 / 12  # school year starts 1 August
    return y + (int(code[5]) - 1) / 4


def _period_end(code: str) -> float:
    kind = period_kind(code)
    y = int(code[:4])
    if kind == "year":
        return y + 1.0
    if kind == "school_year":
        return y + 1 + 7 / 12
    return y + int(code[5]) / 4


def _date_time(d: _dt.date) -> float:
    start = _dt.date(d.year, 1, 1)
    days = (_dt.date(d.year + 1, 1, 1) - start).days
    return d.year + (d - start).days / days


def _when(x: str | _dt.date, end: bool, argname: str) -> float:
    if isinstance(x, _dt.date):
        return _date_time(x + _dt.timedelta(days=1) if end else x)
    try:
        return _period_end(x) if end else _period_start(x)
    except ValueError:
        try:
            return _when(_dt.date.fromisoformat(x), end, argname)
        except ValueError:
            raise ParameterError(
                f"{argname}={x!r} is neither a period code (2012, 2012/13, 2012Q1) nor a date "
                "(2012-03-01)"
            ) from None


def _quarter_of(t: float) -> str:
    y = math.floor(t + 1e-9)
    q = min(int((t - y) * 4 + 1e-9), 3) + 1
    return f"{y}Q{q}"


def assess_measure(plan: MeasurePlan, as_of: str) -> MeasureAssessment:
    """Status of a measure at the end of quarter ``as_of`` (e.g. ``"2013Q4"``).

    Rules, applied in this order (constants of this module; text in :func:`measure_rules_text`).
    Progress ``p`` is realised output ÷ planned output, or spend ÷ budget when the measure has no
    output target; ``f`` is the elapsed share of the planned duration (linear plan).

    1. ``done``: p ≥ 1.
    2. ``not_started``: ``as_of`` before the start, or nothing realised (no output, no spend) while
       f < :data:`NOT_STARTED_GRACE`.
    3. ``at_risk``: planned end passed without p ≥ 1; or p < :data:`AT_RISK_RATIO` × f; or spend
       above :data:`OVERSPEND` × budget.
    4. ``behind``: p < :data:`BEHIND_RATIO` × f; or spend ÷ budget exceeds output ÷ planned output
       by more than :data:`SPEND_AHEAD_MARGIN` (money goes out faster than results come in).
    5. ``on_schedule`` otherwise.

    Raises
    ------
    ParameterError
        Unreadable dates/periods, end before start, or ``as_of`` not a quarter.
    """
    try:
        if period_kind(as_of) != "quarter":
            raise ValueError
    except ValueError:
        raise ParameterError(f"as_of={as_of!r} must be a quarter such as 2013Q4") from None
    t0 = _when(plan.start, False, "start")
    t1 = _when(plan.end, True, "end")
    if t1 <= t0:
        raise ParameterError(
            f"measure {plan.code}: end {plan.end!r} is not after start {plan.start!r}"
        )
    t_now = _period_end(as_of)
    f = float(np.clip((t_now - t0) / (t1 - t0), 0.0, 1.0))

    rows = [r for r in plan.realised if _period_end(r.period) <= t_now + 1e-9]
    outs = [r.output for r in rows if r.output is not None and math.isfinite(r.output)]
    spends = [r.spend for r in rows if r.spend is not None and math.isfinite(r.spend)]
    output = float(sum(outs)) if outs else None
    spend = float(sum(spends)) if spends else None
    illustrative = any(r.illustrative for r in plan.realised)
    of = (output or 0.0) / plan.planned_output if plan.planned_output else None
    sf = (spend or 0.0) / plan.budget if plan.budget else None
    p = of if of is not None else sf
    nothing = not (output or 0.0) and not (spend or 0.0)

    if p is not None and p >= 1.0:
        cat, rule = DONE, "done"
    elif t_now <= t0 + 1e-9 or (nothing and f < NOT_STARTED_GRACE):
        cat, rule = NOT_STARTED, "not_started"
    elif t_now >= t1 - 1e-9:
        cat, rule = AT_RISK, "end_passed"
    elif p is None:
        # neither an output target nor a budget: only "started or not" can be said
        cat, rule = (AT_RISK, "nothing_realised") if nothing else (ON_SCHEDULE, "no_plan_figures")
    elif p < AT_RISK_RATIO * f:
        cat, rule = AT_RISK, "far_behind"
    elif sf is not None and sf > OVERSPEND:
        cat, rule = AT_RISK, "overspend"
    elif p < BEHIND_RATIO * f:
        cat, rule = BEHIND, "behind"
    elif of is not None and sf is not None and sf - of > SPEND_AHEAD_MARGIN:
        cat, rule = BEHIND, "spend_ahead"
    else:
        cat, rule = ON_SCHEDULE, "on_schedule"

    return MeasureAssessment(
        code=plan.code,
        as_of=as_of,
        category=cat,
        rule=rule,
        expected_fraction=f,
        output_fraction=of,
        spend_fraction=sf,
        output=output,
        spend=spend,
        illustrative=illustrative,
        table=_measure_table(plan, t0, t1, as_of),
    )


def _measure_table(plan: MeasurePlan, t0: float, t1: float, as_of: str) -> pd.DataFrame:
    first = _quarter_of(t0)
    by_period: dict[str, Realisation] = {}
    for r in plan.realised:
        if r.period in by_period:
            raise DataValidationError(f"measure {plan.code}: more than one row for {r.period}")
        by_period[r.period] = r
    periods: list[str] = []
    q = first
    while _period_start(q) <= _period_start(as_of) + 1e-9:
        periods.append(q)
        q = shift_quarter(q, 1)
    out_cum = spend_cum = 0.0
    rows = []
    for q in periods:
        frac = float(np.clip((_period_end(q) - t0) / (t1 - t0), 0.0, 1.0))
        got = by_period.get(q)
        if got is not None and got.output is not None and math.isfinite(got.output):
            out_cum += got.output
        if got is not None and got.spend is not None and math.isfinite(got.spend):
            spend_cum += got.spend
        rows.append(
            {
                "period": q,
                "planned_output": None if plan.planned_output is None
                else frac * plan.planned_output,
                "output": out_cum,
                "planned_spend": None if plan.budget is None else frac * plan.budget,
                "spend": spend_cum,
            }
        )
    return pd.DataFrame(rows, columns=["period", "planned_output", "output", "planned_spend",
                                       "spend"])


def measure_rules_text(lang: str = "nl") -> list[str]:
    """The measure-status rules as plain sentences for the report's method annex.

    Parameters
    ----------
    lang
        ``"nl"`` or ``"en"``.

    Returns
    -------
    list[str]
        One string per rule (messages ``rules.measure.*``), in the order they are applied, with
        the thresholds filled in from the module constants (so the annex can never disagree with
        the code).
    """
    values = {
        "behind": round(BEHIND_RATIO * 100),
        "risk": round(AT_RISK_RATIO * 100),
        "grace": round(NOT_STARTED_GRACE * 100),
        "ahead": round(SPEND_AHEAD_MARGIN * 100),
        "over": round(OVERSPEND * 100),
    }
    rules = [msg(f"rules.measure.{c.code}", lang, symbol=c.symbol, label=c.label(lang), **values)
             for c in (DONE, NOT_STARTED, AT_RISK, BEHIND, ON_SCHEDULE)]
    return [msg("rules.measure.intro", lang), *rules]
