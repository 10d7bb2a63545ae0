"""One base for every change the report shows: the same period a year earlier.

The overview's change column compares the latest value of each series with its value one
year earlier (:func:`techmonitor.periods.year_before`: the same quarter of the previous year;
the previous year or school year), in
the same vintage (definition), never with the previous observation whatever its distance.
A series without a value a year earlier gets no change, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from techmonitor.periods import year_before


@dataclass(frozen=True)
class YearChange:
    """The latest value against the value a year earlier (same vintage)."""

    period: str
    value: float
    base_period: str
    base_value: float

    @property
    def change(self) -> float:
        """Latest minus a year earlier, in the indicator's unit."""
        return self.value - self.base_value


def year_earlier(series: pd.DataFrame) -> YearChange | None:
    """The change of the latest observation against the same period a year earlier.

    Parameters
    ----------
    series
        A report series (``period``, ``value`` and optionally ``vintage``), in time order.

    Returns
    -------
    YearChange or None
        None when the series has no observation exactly one year before its latest one in
        the latest one's vintage.
    """
    if series.empty:
        return None
    last = series.iloc[-1]
    rows = series
    if "vintage" in series.columns:
        rows = series[series["vintage"].astype(str) == str(last["vintage"])]
    base = year_before(str(last["period"]))
    for r in rows.itertuples():
        if str(r.period) == base:
            return YearChange(str(last["period"]), float(last["value"]), str(r.period),
                              float(r.value))  # type: ignore[arg-type]
    return None
