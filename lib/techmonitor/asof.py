"""What a report may know: its as-of date, the default period and the staleness rule.

Every observation carries the date it became public (``published``, from the rules in
``data/sources.yaml``, :mod:`techmonitor.sources.asof`). The rules here decide which of them a
report uses and how old a series may be before the report flags it.

* **As-of date.** A report for quarter Q uses the rows published up to and including the last
  day of the quarter after Q (2023Q3 → 2023-12-31): a quarterly report is written in the
  quarter after the one it covers, with what was public by then. ``techmonitor run --as-of
  DATE`` (params ``as_of``) sets another date, never before the end of Q.
* **Default period.** The earliest quarter whose as-of date covers the newest publication in
  ``data/`` (the first report that can use every bundled row); when that as-of date lies in
  the future, the latest quarter whose as-of date has passed.
* **Staleness.** A series is stale when the end of its newest period lies more than
  :data:`STALE_QUARTERLY` (quarterly series) or :data:`STALE_YEARLY` (yearly, school-year and
  irregular series) before the report's as-of date.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from techmonitor.errors import ParameterError
from techmonitor.periods import shift_quarter

if TYPE_CHECKING:
    import pandas as pd

#: column of the observations with the ISO date a row became public
PUBLISHED = "published"
#: a quarterly series is stale when its newest quarter ended more than this many months
#: before the as-of date (four quarters)
STALE_QUARTERLY = 12
#: a yearly or school-year series is stale when its newest period ended more than this many
#: months before the as-of date (two years)
STALE_YEARLY = 24


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a contract period (``2019``, ``2019/20``, ``2023Q2``).

    A year runs from 1 January to 31 December, a school year t/t+1 from 1 September t to
    31 August t+1, a quarter from its first to its last day. Standard library only, so that
    planning a batch whose reports are all cached imports no heavy library.
    """
    if m := re.fullmatch(r"(\d{4})", period):
        y = int(m.group(1))
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    if m := re.fullmatch(r"(\d{4})/\d{2}", period):
        y = int(m.group(1))
        return dt.date(y, 9, 1), dt.date(y + 1, 8, 31)
    if m := re.fullmatch(r"(\d{4})Q([1-4])", period):
        y, q = int(m.group(1)), int(m.group(2))
        start = dt.date(y, 3 * q - 2, 1)
        end = (dt.date(y + 1, 1, 1) if q == 4 else dt.date(y, 3 * q + 1, 1)) - dt.timedelta(1)
        return start, end
    raise ValueError(f"{period!r} is not a contract period")


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months; a month end stays a month end, other days are clamped."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(1)).day
    end_of_month = (day + dt.timedelta(1)).month != day.month
    return dt.date(year, month, last if end_of_month else min(day.day, last))


def quarter_end(quarter: str) -> dt.date:
    """The last day of a quarter (``2023Q3`` → 2023-09-30)."""
    return period_bounds(quarter)[1]


def as_of_for(period: str) -> dt.date:
    """The default as-of date of a report quarter: the last day of the following quarter."""
    return quarter_end(shift_quarter(period, 1))


def period_end(period: str) -> dt.date:
    """The last day of a quarter, year or school year."""
    return period_bounds(period)[1]


def parse_as_of(value: str, period: str) -> dt.date:
    """An as-of date given for a report of ``period``.

    Raises
    ------
    ValueError
        When ``value`` is not an ISO date or lies before the end of ``period`` (a report
        cannot be written before its quarter is over).
    """
    try:
        day = dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a date; write YYYY-MM-DD, e.g. "
                         f"{as_of_for(period).isoformat()}") from None
    end = quarter_end(period)
    if day < end:
        raise ValueError(f"{day.isoformat()} lies before the end of {period} ({end.isoformat()});"
                         f" give {end.isoformat()} or later")
    return day


def as_known_at(obs: pd.DataFrame, day: dt.date | str) -> pd.DataFrame:
    """The rows of ``obs`` published on or before ``day`` (the data as known then).

    For the track record: ``as_known_at(obs, as_of - 1 year)`` is what a report a year
    earlier could use. A frame without the ``published`` column is returned whole.
    """
    if PUBLISHED not in obs.columns:
        return obs
    when = day.isoformat() if isinstance(day, dt.date) else str(day)
    # ISO dates compare as strings
    return obs[obs[PUBLISHED].to_numpy() <= when]


@lru_cache(maxsize=8)
def _newest_published(path: str, stamp: int) -> dt.date | None:
    del stamp  # part of the cache key only: an edited file is read again
    newest = ""
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            newest = max(newest, row.get(PUBLISHED) or "")
    return dt.date.fromisoformat(newest) if newest else None


def newest_published(data_dir: Path) -> dt.date | None:
    """The newest publication date in ``data_dir/observations.csv`` (None: none known)."""
    path = Path(data_dir) / "observations.csv"
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        return None
    return _newest_published(str(path), stamp)


def quarter_of(day: dt.date) -> str:
    """The quarter ``day`` lies in (``2026-02-19`` → ``2026Q1``)."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def default_period(data_dir: Path, today: dt.date | None = None) -> str | None:
    """The newest quarter the bundled data support (see the module notes).

    Returns
    -------
    str or None
        None when the observations carry no publication dates.
    """
    newest = newest_published(data_dir)
    if newest is None:
        return None
    today = today or dt.date.today()
    period = shift_quarter(quarter_of(newest), -1)  # its as-of date ends newest's quarter
    while as_of_for(period) > today:
        period = shift_quarter(period, -1)
    return period


@dataclass(frozen=True)
class Freshness:
    """How current a series is at a report's as-of date."""

    newest_period: str
    stale: bool
    #: months from the end of the newest period to the as-of date
    age_months: int
    #: the staleness limit that applied, in months
    limit_months: int


def freshness(newest_period: str, quarterly: bool, as_of: dt.date) -> Freshness:
    """Whether a series whose newest value is for ``newest_period`` is stale at ``as_of``."""
    end = period_end(newest_period)
    limit = STALE_QUARTERLY if quarterly else STALE_YEARLY
    months = (as_of.year - end.year) * 12 + as_of.month - end.month
    if months > 0 and add_months(end, months) > as_of:
        months -= 1  # the last month is not complete
    return Freshness(newest_period, as_of > add_months(end, limit), max(months, 0), limit)


#: the ``period`` value that means "the newest quarter the data support"
LATEST = "latest"


def with_period(values: dict[str, Any], data_dir: Path) -> dict[str, Any]:
    """``values`` with ``period: latest`` replaced by the newest quarter the data in
    ``data_dir`` support (:func:`techmonitor.asof.default_period`).

    Raises
    ------
    ParameterError
        When ``latest`` is asked for but the observations carry no publication dates.
    """
    if values.get("period") != LATEST:
        return values
    period = default_period(data_dir)
    if period is None:
        raise ParameterError(f"period: {LATEST!r} needs publication dates in "
                             f"{data_dir / 'observations.csv'} (column published); run "
                             "`techmonitor data build` or give a quarter such as --period 2023Q3")
    return {**values, "period": period}
