"""The "too small to judge" rule for count series (issue 20).

A count series may get a verdict (a progress category, a direction, a "target met") only when
its newest year holds at least :data:`MIN_COUNT_PER_YEAR` persons/diplomas/vacancies. Smaller
series are shown, but get no verdict, and the report says why.

Why 100: a yearly count behaves at best like a Poisson count, whose standard deviation is
``sqrt(n)``. At ``n = 100`` that is 10% of the level, so the 95% band of a single year is about
±20% and the difference between two years needs a change of about
``1.96 * sqrt(2) * 10% ≈ 28%`` before it stands out from noise. Below 100 the noise alone
exceeds the yearly changes that targets ask for (a few per cent a year), and one programme
opening or closing moves the series more than any policy does (Energie's hbo series of 48
first-years "met its target" that way). Education counts are also over-dispersed (more noise
than Poisson, see :mod:`techmonitor.trends.models`), so 100 is a floor, not a comfortable
margin. Shares, rates and indices are not counts and are not judged by this rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

#: Smallest newest-year count that may get a verdict (persons, diplomas, vacancies a year).
MIN_COUNT_PER_YEAR = 100

#: Periods per year for the frequencies of ``data/indicators.yaml``; a sub-annual series is
#: judged on the sum of its newest year of periods.
PERIODS_PER_YEAR = {"year": 1, "school_year": 1, "quarter": 4, "month": 12}

Reason = Literal["large_enough", "too_small", "no_data", "not_a_count"]


@dataclass(frozen=True)
class SizeCheck:
    """Whether a series may get a verdict, and why.

    Attributes
    ----------
    judgeable
        True when a verdict may be given.
    reason
        ``large_enough``, ``too_small`` (newest year below the threshold), ``no_data`` (no
        observed value) or ``not_a_count`` (the rule does not apply). The report layer turns
        the reason into words (message key ``size.<reason>``).
    newest_year_total
        The count the rule looked at (NaN when there is none or the rule does not apply).
    threshold
        :data:`MIN_COUNT_PER_YEAR` (or the ``threshold`` passed).
    """

    judgeable: bool
    reason: Reason
    newest_year_total: float
    threshold: int


def judgeable(values: pd.Series, *, kind: str = "count", frequency: str = "year",
              threshold: int = MIN_COUNT_PER_YEAR) -> SizeCheck:
    """Apply the too-small rule to one series.

    Parameters
    ----------
    values
        The series' values in period order (oldest first), e.g. the ``value`` column of the
        observations of one indicator × sector × level × region × sex × vintage. Missing
        values are ignored.
    kind
        The indicator's ``kind`` in ``data/indicators.yaml``; only ``'count'`` is judged.
    frequency
        The indicator's frequency (``year``, ``school_year``, ``quarter``, ``month``).
    threshold
        Smallest newest-year count that may get a verdict.

    Returns
    -------
    SizeCheck

    Raises
    ------
    ValueError
        For an unknown frequency or a negative count.
    """
    if frequency not in PERIODS_PER_YEAR:
        raise ValueError(f"unknown frequency {frequency!r}; known: {sorted(PERIODS_PER_YEAR)}")
    if kind != "count":
        return SizeCheck(True, "not_a_count", float("nan"), threshold)
    observed = pd.to_numeric(values, errors="raise").dropna()
    if observed.empty:
        return SizeCheck(False, "no_data", float("nan"), threshold)
    if (observed < 0).any():
        raise ValueError(f"a count series cannot be negative: {observed[observed < 0].tolist()}")
    per_year = PERIODS_PER_YEAR[frequency]
    total = float(observed.iloc[-per_year:].sum()) if len(observed) >= per_year else float("nan")
    if not total >= threshold:  # NaN (less than a year of periods) is too small as well
        return SizeCheck(False, "too_small", total, threshold)
    return SizeCheck(True, "large_enough", total, threshold)
