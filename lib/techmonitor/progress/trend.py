"""Direction of a trend without a target: significant rise, no significant change or fall."""

from __future__ import annotations

from dataclasses import dataclass

from techmonitor.errors import ParameterError
from techmonitor.progress.categories import (
    NO_SIGNIFICANT_CHANGE,
    NOT_ASSESSABLE,
    SIGNIFICANT_FALL,
    SIGNIFICANT_RISE,
    Category,
    Direction,
)
from techmonitor.trends import TrendResult


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
