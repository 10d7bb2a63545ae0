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
is a hint for charts (Rijkshuisstijl tokens from ``notes/report-style.md``). One module per
assessment: :mod:`.categories`, :mod:`.targets`, :mod:`.trend`, :mod:`.measures`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from techmonitor.progress.categories import (
    ACCELERATION_NEEDED,
    ACCELERATION_RATIO,
    ACHIEVED,
    AT_RISK,
    BEHIND,
    DONE,
    LIMITED_PROGRESS,
    MEASURE_CATEGORIES,
    MOVING_AWAY,
    NO_SIGNIFICANT_CHANGE,
    NOT_ASSESSABLE,
    NOT_STARTED,
    ON_SCHEDULE,
    ON_TRACK,
    ON_TRACK_RATIO,
    SIGNIFICANT_FALL,
    SIGNIFICANT_RISE,
    TARGET_CATEGORIES,
    TREND_CATEGORIES,
    UNCERTAIN,
    Category,
    Direction,
    cagr,
    category_for_ratio,
)

if TYPE_CHECKING:
    from techmonitor.progress.measures import (
        AT_RISK_RATIO,
        BEHIND_RATIO,
        NOT_STARTED_GRACE,
        OVERSPEND,
        SPEND_AHEAD_MARGIN,
        MeasureAssessment,
        MeasurePlan,
        Realisation,
        assess_measure,
        measure_rules_text,
    )
    from techmonitor.progress.targets import (
        TargetAssessment,
        assess_target,
        target_rules_text,
    )
    from techmonitor.progress.trend import (
        TrendAssessment,
        assess_trend,
    )

#: the assessments load on first use (pandas, and statsmodels through the trends): the batch
#: process reads only the categories when it writes the index and the appendix overview
_LAZY = {
    **dict.fromkeys(("AT_RISK_RATIO", "BEHIND_RATIO", "NOT_STARTED_GRACE", "OVERSPEND",
                     "SPEND_AHEAD_MARGIN", "MeasureAssessment", "MeasurePlan", "Realisation",
                     "assess_measure", "measure_rules_text"), "measures"),
    **dict.fromkeys(("TargetAssessment", "assess_target", "target_rules_text"), "targets"),
    **dict.fromkeys(("TrendAssessment", "assess_trend"), "trend"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"techmonitor.progress.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'techmonitor.progress' has no attribute {name!r}")


__all__ = [
    "ACCELERATION_NEEDED",
    "ACCELERATION_RATIO",
    "ACHIEVED",
    "AT_RISK",
    "AT_RISK_RATIO",
    "BEHIND",
    "BEHIND_RATIO",
    "Category",
    "DONE",
    "Direction",
    "LIMITED_PROGRESS",
    "MEASURE_CATEGORIES",
    "MOVING_AWAY",
    "MeasureAssessment",
    "MeasurePlan",
    "NOT_ASSESSABLE",
    "NOT_STARTED",
    "NOT_STARTED_GRACE",
    "NO_SIGNIFICANT_CHANGE",
    "ON_SCHEDULE",
    "ON_TRACK",
    "ON_TRACK_RATIO",
    "OVERSPEND",
    "Realisation",
    "SIGNIFICANT_FALL",
    "SIGNIFICANT_RISE",
    "SPEND_AHEAD_MARGIN",
    "TARGET_CATEGORIES",
    "UNCERTAIN",
    "TREND_CATEGORIES",
    "TargetAssessment",
    "TrendAssessment",
    "assess_measure",
    "assess_target",
    "assess_trend",
    "cagr",
    "category_for_ratio",
    "measure_rules_text",
    "target_rules_text",
]
