"""Progress against targets, direction of trends without a target, and status of measures.

Three assessments, each returning a small result object with a :class:`Category`:

* :func:`assess_target` — the Eurostat / Statistics Canada method: the ratio of the actual compound
  annual growth rate (baseline → latest) to the growth rate required to reach the target
  (baseline → target year), plus the probability of meeting the target from the fitted trend
  model and the required vs actual change per year in the indicator's own unit.
* :func:`assess_trend` — for indicators without a target: significant rise, no significant change
  or significant fall, from the linear trend's slope and its 95% interval.
* :func:`assess_measure` — a measure's realised vs planned output and spend → done, on schedule,
  behind, at risk, not started. :func:`measure_rules_text` returns the rules for the method annex.

Status is never conveyed by colour alone: each category has a word (nl/en) and a symbol; the colour
is a hint for charts (Rijkshuisstijl tokens from ``notes/report-style.md``).
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from techmonitor.errors import DataValidationError, ParameterError
from techmonitor.periods import period_kind, shift_quarter, to_decimal_year
from techmonitor.trends import TrendResult, prepare

Direction = Literal["up", "down"]


# ------------------------------------------------------------------------------ categories
@dataclass(frozen=True)
class Category:
    """An assessment outcome.

    Attributes
    ----------
    code
        Stable identifier, e.g. ``"on_track"``.
    label_nl, label_en
        Word(s) for the report.
    symbol
        Text symbol shown next to the word, so that status never depends on colour (WCAG 1.4.1).
    colour
        Hex colour hint (Rijkshuisstijl); always paired with ``symbol`` and label.
    rank
        Order from worst (0) to best, for sorting and monotonicity checks.
    """

    code: str
    label_nl: str
    label_en: str
    symbol: str
    colour: str
    rank: int

    def label(self, lang: str = "nl") -> str:
        """Label in ``lang`` (``"nl"`` or ``"en"``)."""
        return self.label_nl if lang == "nl" else self.label_en

    def __str__(self) -> str:
        return f"{self.symbol} {self.label_nl}"


# Rijkshuisstijl level-500 tokens; groen/rood/donkerblauw pass 4.5:1 on white, oranje and
# donkergeel are for fills/large marks only (and carry a symbol anyway).
_GREEN, _DARKGREEN = "#39870C", "#275937"
_ORANGE, _YELLOW, _RED = "#E17000", "#FFB612", "#D52B1E"
_BLUE, _GREY = "#01689B", "#999999"

ACHIEVED = Category("achieved", "doel gehaald", "target met", "✓", _DARKGREEN, 4)
ON_TRACK = Category("on_track", "op koers", "on track", "✓", _GREEN, 3)
ACCELERATION_NEEDED = Category(
    "acceleration_needed", "versnelling nodig", "acceleration needed", "!", _YELLOW, 2
)
LIMITED_PROGRESS = Category("limited_progress", "beperkte voortgang", "limited progress", "!!",
                            _ORANGE, 1)
MOVING_AWAY = Category("moving_away", "beweegt van doel af", "moving away from target", "✕",
                       _RED, 0)
NOT_ASSESSABLE = Category("not_assessable", "niet te beoordelen", "cannot be assessed", "?",
                          _GREY, -1)
TARGET_CATEGORIES = (ACHIEVED, ON_TRACK, ACCELERATION_NEEDED, LIMITED_PROGRESS, MOVING_AWAY,
                     NOT_ASSESSABLE)

SIGNIFICANT_RISE = Category("significant_rise", "significante stijging", "significant rise", "▲",
                            _BLUE, 2)
NO_SIGNIFICANT_CHANGE = Category("no_significant_change", "geen significante verandering",
                                 "no significant change", "■", _GREY, 1)
SIGNIFICANT_FALL = Category("significant_fall", "significante daling", "significant fall", "▼",
                            _ORANGE, 0)
TREND_CATEGORIES = (SIGNIFICANT_RISE, NO_SIGNIFICANT_CHANGE, SIGNIFICANT_FALL, NOT_ASSESSABLE)

DONE = Category("done", "afgerond", "done", "✓", _DARKGREEN, 4)
ON_SCHEDULE = Category("on_schedule", "op schema", "on schedule", "✓", _GREEN, 3)
BEHIND = Category("behind", "achter op schema", "behind schedule", "!", _YELLOW, 2)
AT_RISK = Category("at_risk", "in gevaar", "at risk", "✕", _RED, 1)
NOT_STARTED = Category("not_started", "nog niet gestart", "not started", "○", _GREY, 0)
MEASURE_CATEGORIES = (DONE, ON_SCHEDULE, BEHIND, AT_RISK, NOT_STARTED)

#: Eurostat / Statistics Canada thresholds on actual growth ÷ required growth.
ON_TRACK_RATIO = 0.95
ACCELERATION_RATIO = 0.60
#: ratios are rounded to this many decimals before comparing, so that a hand-computed 95% that
#: arrives as 0.9499999999 in floating point still counts as on track
_RATIO_DECIMALS = 9


def category_for_ratio(ratio: float) -> Category:
    """Classify actual ÷ required growth.

    ``ratio >= 0.95`` on track; ``0.60 <= ratio < 0.95`` acceleration needed;
    ``0 <= ratio < 0.60`` limited progress (a ratio of exactly 0, no movement, is limited
    progress); ``ratio < 0`` moving away. NaN → not assessable.
    """
    if ratio is None or not math.isfinite(ratio):
        return NOT_ASSESSABLE
    r = round(float(ratio), _RATIO_DECIMALS)
    if r >= ON_TRACK_RATIO:
        return ON_TRACK
    if r >= ACCELERATION_RATIO:
        return ACCELERATION_NEEDED
    if r >= 0:
        return LIMITED_PROGRESS
    return MOVING_AWAY


def cagr(start: float, end: float, years: float) -> float:
    """Compound annual growth rate ``(end / start) ** (1 / years) - 1``.

    Raises
    ------
    ValueError
        If ``start`` or ``end`` is not positive or ``years`` is not positive.
    """
    if start <= 0 or end <= 0:
        raise ValueError(f"CAGR needs positive values (start={start}, end={end})")
    if years <= 0:
        raise ValueError(f"CAGR needs a positive number of years (years={years})")
    return float((end / start) ** (1.0 / years) - 1.0)


# ------------------------------------------------------------------------- target progress
@dataclass(frozen=True)
class TargetAssessment:
    """Progress of an indicator towards its target.

    Attributes
    ----------
    category
        :class:`Category` (achieved, on_track, acceleration_needed, limited_progress, moving_away,
        not_assessable).
    ratio
        Actual ÷ required growth (``None`` when not computed, e.g. target already met).
    actual_growth, required_growth
        Annual growth rates (fractions, ``0.02`` = 2% a year) for ``method="cagr"``; changes per
        year in the indicator's unit for ``method="linear"``.
    method
        ``"cagr"`` or ``"linear"`` (used when a value is 0 or negative, where CAGR is undefined).
    probability
        Probability that the value in the target period meets the target (at least the target for
        ``direction="up"``, at most for ``"down"``) under the fitted model's predictive
        distribution; ``None`` without a model or when the target period is already observed.
    actual_change_per_year
        (latest − baseline) / years, in the indicator's unit.
    required_change_per_year
        (target − latest) / years left: what is needed per year from now on; ``None`` when the
        target period is not after the latest observation.
    required_change_per_year_from_baseline
        (target − baseline) / (target year − baseline year).
    trend_change_per_year
        Slope of the linear trend (TrendResult.slope), if a result was given.
    notes
        Edge cases met (English), e.g. "target already met".
    """

    category: Category
    ratio: float | None
    actual_growth: float | None
    required_growth: float | None
    method: str
    direction: Direction
    baseline_period: str
    baseline_value: float
    latest_period: str
    latest_value: float
    target_period: str
    target_value: float
    probability: float | None
    actual_change_per_year: float | None
    required_change_per_year: float | None
    required_change_per_year_from_baseline: float | None
    trend_change_per_year: float | None = None
    illustrative: bool = False
    target_illustrative: bool = False
    notes: tuple[str, ...] = ()

    @property
    def met(self) -> bool:
        """True when the latest value already meets the target."""
        return self.category is ACHIEVED


def _met(latest: float, target: float, direction: Direction) -> bool:
    return latest >= target if direction == "up" else latest <= target


def assess_target(
    data: TrendResult | Any,
    target_value: float,
    target_period: str,
    baseline_period: str | None = None,
    baseline_value: float | None = None,
    direction: Direction = "up",
    target_illustrative: bool = False,
) -> TargetAssessment:
    """Assess progress towards a target (Eurostat / Statistics Canada method).

    Parameters
    ----------
    data
        A :class:`~techmonitor.trends.TrendResult` (preferred: gives the probability and the trend
        slope) or a series as accepted by :func:`techmonitor.trends.estimate`.
    target_value, target_period
        The target and the period it should be reached in (e.g. ``"2020"``, ``"2019/20"``).
    baseline_period, baseline_value
        Baseline. Default: the first observation of the fitted vintage. When only the period is
        given, its value is taken from the data; when both are given (the target document states
        the baseline) the given value is used.
    direction
        ``"up"`` when higher is better (target above baseline), ``"down"`` when lower is better.

    Returns
    -------
    TargetAssessment

    Notes
    -----
    * Growth is compounded on real time (decimal years of the period codes), so a baseline
      ``2015/16`` and a latest ``2019/20`` are 4 years apart.
    * ratio = actual CAGR (baseline → latest) ÷ required CAGR (baseline → target period).
      For ``direction="down"`` both are negative and the ratio is positive when moving the right
      way, so the same thresholds apply.
    * Target already met by the latest value → ``achieved`` (no ratio), whatever the period.
    * Required growth of zero or of the wrong sign for ``direction`` (the baseline itself already
      met the target) and not met now → ``moving_away`` (it crossed back over the target).
    * Any of baseline, latest or target not positive → CAGR is undefined; the ratio of linear
      changes per year is used instead (``method="linear"``).
    * Latest period equal to the baseline → ``not_assessable`` (no growth observed yet).
    * Target period already observed: the ratio still compares the actual path with the required
      one; ``probability`` is ``None`` and ``required_change_per_year`` is ``None``.

    Raises
    ------
    ParameterError
        Bad direction, target period not after the baseline, or a baseline period without data.
    """
    if direction not in ("up", "down"):
        raise ParameterError(f"direction={direction!r}; use 'up' or 'down'")
    result = data if isinstance(data, TrendResult) else None
    series = result.data if result is not None else prepare(data)
    if series.n == 0:
        raise ParameterError("assess_target: the series has no observations")
    try:
        t_target = to_decimal_year(str(target_period))
        if baseline_period is not None:
            to_decimal_year(str(baseline_period))
    except ValueError as exc:
        raise ParameterError(str(exc)) from None

    if baseline_period is None:
        baseline_period = series.periods[0]
    if baseline_value is None:
        if baseline_period not in series.periods:
            raise ParameterError(
                f"baseline_period={baseline_period!r} is not in the data "
                f"({series.periods[0]}–{series.periods[-1]}); give baseline_value as well"
            )
        baseline_value = float(series.y[series.periods.index(baseline_period)])
    t_base = to_decimal_year(baseline_period)
    latest_period, latest_value = series.periods[-1], float(series.y[-1])
    t_latest = float(series.t[-1])
    if t_target <= t_base:
        raise ParameterError(
            f"target_period={target_period!r} must come after baseline {baseline_period!r}"
        )
    b, x, g = float(baseline_value), latest_value, float(target_value)
    notes: list[str] = []

    years_done = t_latest - t_base
    actual_change = (x - b) / years_done if years_done > 0 else None
    required_from_now = (g - x) / (t_target - t_latest) if t_target > t_latest else None
    required_from_base = (g - b) / (t_target - t_base)

    probability = None
    if result is not None and result.has_model and t_target > t_latest:
        probability = result.exceedance_probability(g, str(target_period), direction)
    trend_slope = result.slope if result is not None else None

    ratio = actual = required = None
    method = "cagr" if min(b, x, g) > 0 else "linear"
    if method == "linear":
        notes.append("a value is zero or negative: ratio of linear changes per year used")
    sign_ok = (g > b) if direction == "up" else (g < b)
    if _met(x, g, direction):
        category = ACHIEVED
        notes.append("target already met by the latest value")
    elif years_done <= 0:
        category = NOT_ASSESSABLE
        notes.append("latest observation is the baseline: no growth observed yet")
    elif not sign_ok:
        category = MOVING_AWAY
        notes.append("baseline already met the target; the latest value no longer does")
    else:
        if method == "cagr":
            actual = cagr(b, x, years_done)
            required = cagr(b, g, t_target - t_base)
        else:
            actual, required = actual_change, required_from_base
        assert actual is not None and required is not None
        ratio = actual / required
        category = category_for_ratio(ratio)
    if t_target <= t_latest:
        notes.append("target period already observed")
    return TargetAssessment(
        category=category,
        ratio=ratio,
        actual_growth=actual,
        required_growth=required,
        method=method,
        direction=direction,
        baseline_period=str(baseline_period),
        baseline_value=b,
        latest_period=latest_period,
        latest_value=x,
        target_period=str(target_period),
        target_value=g,
        probability=probability,
        actual_change_per_year=actual_change,
        required_change_per_year=required_from_now,
        required_change_per_year_from_baseline=required_from_base,
        trend_change_per_year=trend_slope,
        illustrative=series.illustrative,
        target_illustrative=target_illustrative,
        notes=tuple(notes),
    )


# ---------------------------------------------------------------------- trend without target
@dataclass(frozen=True)
class TrendAssessment:
    """Direction and size of a trend without a target.

    Attributes
    ----------
    category
        significant_rise / no_significant_change / significant_fall / not_assessable.
    slope, ci95
        Average change per year (indicator's unit; percentage points for shares) and its 95%
        confidence interval.
    first_period, first_value, latest_period, latest_value
        The observed end points (for the sentence).
    favourable
        With a ``direction``: whether a significant movement is the desired one.
    """

    category: Category
    slope: float | None
    ci95: tuple[float, float] | None
    first_period: str
    first_value: float
    latest_period: str
    latest_value: float
    favourable: bool | None = None
    illustrative: bool = False


def assess_trend(result: TrendResult, direction: Direction | None = None) -> TrendAssessment:
    """Classify the trend of an indicator without a target.

    Threshold: the 95% confidence interval of the linear trend's slope (OLS, HAC standard errors
    floored at the classical ones; quasi-binomial GLM for shares with counts; line through the
    seasonally adjusted quarters for quarterly series). Interval entirely above 0 → significant
    rise; entirely below 0 → significant fall; containing 0 → no significant change. Series too
    short for a model → not assessable. No minimum size of change is imposed: the report shows the
    slope, so readers can judge relevance themselves.
    """
    s = result.data
    if s.n == 0:
        raise ParameterError("assess_trend: the series has no observations")
    ci = result.slope_ci95
    slope = result.slope
    if ci is None or slope is None:
        cat = NOT_ASSESSABLE
    elif ci[0] > 0:
        cat = SIGNIFICANT_RISE
    elif ci[1] < 0:
        cat = SIGNIFICANT_FALL
    else:
        cat = NO_SIGNIFICANT_CHANGE
    favourable = None
    if direction is not None and cat in (SIGNIFICANT_RISE, SIGNIFICANT_FALL):
        favourable = (cat is SIGNIFICANT_RISE) == (direction == "up")
    return TrendAssessment(
        category=cat,
        slope=slope,
        ci95=ci,
        first_period=s.periods[0],
        first_value=float(s.y[0]),
        latest_period=s.periods[-1],
        latest_value=float(s.y[-1]),
        favourable=favourable,
        illustrative=s.illustrative,
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
    name: str = ""


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

    Returns one string per rule, in the order they are applied, with the thresholds filled in from
    the module constants (so the annex can never disagree with the code).
    """
    behind = round(BEHIND_RATIO * 100)
    risk = round(AT_RISK_RATIO * 100)
    grace = round(NOT_STARTED_GRACE * 100)
    ahead = round(SPEND_AHEAD_MARGIN * 100)
    over = round(OVERSPEND * 100)
    if lang == "nl":
        return [
            "Voortgang is de gerealiseerde output gedeeld door de geplande output; heeft een "
            "maatregel geen telbare output, dan de bestede middelen gedeeld door het budget. De "
            "planning loopt lineair van start- tot einddatum.",
            f"{DONE.symbol} {DONE.label_nl}: de geplande output is volledig gerealiseerd.",
            f"{NOT_STARTED.symbol} {NOT_STARTED.label_nl}: de startdatum is nog niet bereikt, of "
            f"er is nog niets gerealiseerd en minder dan {grace}% van de looptijd is verstreken.",
            f"{AT_RISK.symbol} {AT_RISK.label_nl}: de einddatum is verstreken zonder volledige "
            f"output, de voortgang is minder dan {risk}% van wat volgens planning verwacht mag "
            f"worden, of de uitgaven zijn hoger dan {over}% van het budget.",
            f"{BEHIND.symbol} {BEHIND.label_nl}: de voortgang is minder dan {behind}% van de "
            f"planning, of het aandeel bestede middelen ligt meer dan {ahead} procentpunt boven "
            "het aandeel gerealiseerde output.",
            f"{ON_SCHEDULE.symbol} {ON_SCHEDULE.label_nl}: in alle andere gevallen.",
        ]
    return [
        "Progress is realised output divided by planned output; for a measure without countable "
        "output, money spent divided by budget. The plan runs linearly from start to end date.",
        f"{DONE.symbol} {DONE.label_en}: the planned output has been fully delivered.",
        f"{NOT_STARTED.symbol} {NOT_STARTED.label_en}: the start date has not been reached, or "
        f"nothing has been realised and less than {grace}% of the planned duration has passed.",
        f"{AT_RISK.symbol} {AT_RISK.label_en}: the end date has passed without full output, "
        f"progress is below {risk}% of what the plan expects by now, or spending exceeds "
        f"{over}% of the budget.",
        f"{BEHIND.symbol} {BEHIND.label_en}: progress is below {behind}% of the plan, or the "
        f"share of the budget spent exceeds the share of output delivered by more than {ahead} "
        "percentage points.",
        f"{ON_SCHEDULE.symbol} {ON_SCHEDULE.label_en}: in all other cases.",
    ]


def target_rules_text(lang: str = "nl") -> list[str]:
    """The target and trend classification rules as plain sentences for the method annex."""
    on, acc = round(ON_TRACK_RATIO * 100), round(ACCELERATION_RATIO * 100)
    if lang == "nl":
        return [
            "Voor indicatoren met een doel wordt de gemiddelde jaarlijkse groei sinds het "
            "basisjaar vergeleken met de groei die nodig is om het doel in het doeljaar te "
            "halen (methode van Eurostat en Statistics Canada).",
            f"{ON_TRACK.symbol} {ON_TRACK.label_nl}: de groei is minstens {on}% van de benodigde "
            "groei.",
            f"{ACCELERATION_NEEDED.symbol} {ACCELERATION_NEEDED.label_nl}: {acc}% tot {on}%.",
            f"{LIMITED_PROGRESS.symbol} {LIMITED_PROGRESS.label_nl}: 0% tot {acc}%.",
            f"{MOVING_AWAY.symbol} {MOVING_AWAY.label_nl}: de indicator beweegt in de verkeerde "
            "richting.",
            f"{ACHIEVED.symbol} {ACHIEVED.label_nl}: de laatste waarde haalt het doel al.",
            "De kans om het doel te halen volgt uit de voorspelverdeling van het gekozen "
            "trendmodel in het doeljaar.",
            f"Zonder doel: {SIGNIFICANT_RISE.label_nl} of {SIGNIFICANT_FALL.label_nl} als het "
            "95%-betrouwbaarheidsinterval van de gemiddelde jaarlijkse verandering (lineaire "
            "trend) geheel boven of onder nul ligt; anders "
            f"{NO_SIGNIFICANT_CHANGE.label_nl}.",
        ]
    return [
        "For indicators with a target, the average annual growth since the baseline year is "
        "compared with the growth needed to reach the target in the target year (method of "
        "Eurostat and Statistics Canada).",
        f"{ON_TRACK.symbol} {ON_TRACK.label_en}: growth is at least {on}% of the required growth.",
        f"{ACCELERATION_NEEDED.symbol} {ACCELERATION_NEEDED.label_en}: {acc}% to {on}%.",
        f"{LIMITED_PROGRESS.symbol} {LIMITED_PROGRESS.label_en}: 0% to {acc}%.",
        f"{MOVING_AWAY.symbol} {MOVING_AWAY.label_en}: the indicator moves the wrong way.",
        f"{ACHIEVED.symbol} {ACHIEVED.label_en}: the latest value already meets the target.",
        "The probability of meeting the target comes from the chosen trend model's predictive "
        "distribution in the target year.",
        f"Without a target: {SIGNIFICANT_RISE.label_en} or {SIGNIFICANT_FALL.label_en} when the "
        "95% confidence interval of the average annual change (linear trend) lies entirely above "
        f"or below zero; otherwise {NO_SIGNIFICANT_CHANGE.label_en}.",
    ]
