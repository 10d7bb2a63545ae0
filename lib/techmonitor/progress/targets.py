"""Progress towards a target: the Eurostat / Statistics Canada method (:func:`assess_target`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from techmonitor.errors import ParameterError
from techmonitor.messages import msg
from techmonitor.periods import period_kind, to_decimal_year
from techmonitor.progress.categories import (
    ACCELERATION_NEEDED,
    ACCELERATION_RATIO,
    ACHIEVED,
    LIMITED_PROGRESS,
    MOVING_AWAY,
    NO_SIGNIFICANT_CHANGE,
    NOT_ASSESSABLE,
    ON_TRACK,
    ON_TRACK_RATIO,
    SIGNIFICANT_FALL,
    SIGNIFICANT_RISE,
    UNCERTAIN,
    Category,
    Direction,
    cagr,
    category_for_ratio,
)
from techmonitor.progress.size import MIN_COUNT_PER_YEAR
from techmonitor.trends import TrendResult, prepare


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
    ratio_ci95
        95% interval of the growth ratio from the trend slope's 95% interval divided by the
        required change per year from the baseline (``None`` without a trend slope). A category
        from the ratio is only given when this whole interval lies within it (else
        ``uncertain``).
    trend_ci95
        95% interval of the trend slope (indicator's unit per year) behind ``ratio_ci95``.
    point_category
        The category of the point ratio before the interval rule (for the record; the
        verdict is :attr:`category`).
    notes
        Edge cases met (English), e.g. "target already met".
    period_passed
        The target period is over: the data already cover it, or it ended before the report
        period (``as_of``). It is still judged, and the report must say the period has passed.
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
    ratio_ci95: tuple[float, float] | None = None
    trend_ci95: tuple[float, float] | None = None
    point_category: Category | None = None
    notes: tuple[str, ...] = ()
    period_passed: bool = False

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
    as_of: str | None = None,
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
    target_illustrative
        The target is an illustration, not a policy figure.
    as_of
        The report period (e.g. ``"2023Q3"``): a target period that ended before it has passed
        even when the data do not reach it yet.

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
    * Uncertainty: a category from the ratio (on track, acceleration needed, limited progress,
      moving away) is only given when the 95% interval of the trend slope, divided by the
      required change per year from the baseline, lies entirely within that same category;
      otherwise ``uncertain`` (the interval is in ``ratio_ci95``). Without a trend slope the
      ratio has no interval and the category is ``not_assessable``. ``achieved`` and the
      crossing back over a target are observed facts and need no interval.

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
    ratio_ci: tuple[float, float] | None = None
    point_category: Category | None = None
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
        category, ratio_ci, point_category = _supported_category(
            ratio, result.slope_ci95 if result is not None else None, required_from_base)
        if category is UNCERTAIN:
            notes.append("the slope's 95% interval spans more than one category")
        elif category is NOT_ASSESSABLE:
            notes.append("no trend interval: the growth ratio cannot be judged")
    if t_target <= t_latest:
        notes.append("target period already observed")
    passed = t_target <= t_latest or (as_of is not None and _ended_before(target_period, as_of))
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
        ratio_ci95=ratio_ci,
        trend_ci95=result.slope_ci95 if ratio_ci is not None and result is not None else None,
        point_category=point_category,
        notes=tuple(notes),
        period_passed=passed,
    )


def _supported_category(
    ratio: float, slope_ci: tuple[float, float] | None, required_per_year: float,
) -> tuple[Category, tuple[float, float] | None, Category]:
    """The category of ``ratio`` if the slope's interval supports it, else ``uncertain``.

    The interval of the ratio is the slope's 95% interval divided by the change per year the
    target requires from the baseline (both in the indicator's unit per year). Both ends and
    the point ratio must fall in one category.
    """
    point = category_for_ratio(ratio)
    if slope_ci is None or required_per_year == 0 or not all(map(math.isfinite, slope_ci)):
        return NOT_ASSESSABLE, None, point
    a, b = slope_ci[0] / required_per_year, slope_ci[1] / required_per_year
    lo, hi = min(a, b), max(a, b)
    same = category_for_ratio(lo) is point and category_for_ratio(hi) is point
    return (point if same else UNCERTAIN), (lo, hi), point


#: half the length of a period, in years (to_decimal_year gives its middle)
_HALF = {"year": 0.5, "school_year": 0.5, "quarter": 0.125}


def _ended_before(period: str, as_of: str) -> bool:
    """True when ``period`` ended before ``as_of`` began."""
    try:
        end = to_decimal_year(period) + _HALF[period_kind(period)]
        start = to_decimal_year(as_of) - _HALF[period_kind(as_of)]
    except ValueError as exc:
        raise ParameterError(f"as_of={as_of!r}: {exc}") from None
    return start >= end




def target_rules_text(lang: str = "nl") -> list[str]:
    """The target and trend classification rules as plain sentences for the method annex.

    Parameters
    ----------
    lang
        ``"nl"`` or ``"en"``.

    Returns
    -------
    list[str]
        One sentence per rule (messages ``rules.target.*``), with the thresholds filled in from
        the module constants (so the annex can never disagree with the code).
    """
    on, acc = round(ON_TRACK_RATIO * 100), round(ACCELERATION_RATIO * 100)

    def rule(cat: Category) -> str:
        return msg(f"rules.target.{cat.code}", lang, symbol=cat.symbol, label=cat.label(lang),
                   on=on, acc=acc)

    return [
        msg("rules.target.intro", lang),
        *(rule(c) for c in (ON_TRACK, ACCELERATION_NEEDED, LIMITED_PROGRESS, MOVING_AWAY,
                            ACHIEVED, UNCERTAIN)),
        msg("rules.target.probability", lang),
        msg("rules.target.no_target", lang, rise=SIGNIFICANT_RISE.label(lang),
            fall=SIGNIFICANT_FALL.label(lang), flat=NO_SIGNIFICANT_CHANGE.label(lang)),
        msg("rules.target.no_direction", lang),
        msg("rules.target.too_small", lang, threshold=MIN_COUNT_PER_YEAR),
        msg("rules.target.goals", lang),
    ]
