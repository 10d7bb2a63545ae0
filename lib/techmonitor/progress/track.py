"""Track record: what an earlier projection said, against what came in.

The statistics office habit (CPB publishes how its forecasts fared): fit the trend on the data
as known at an earlier as-of date, project it to the periods that have been published since,
and compare. Over many series the share of outcomes inside the 80% and 95% bands is the
calibration a reader can check (:func:`coverage`).

The caller selects the data "as known then" (the as-of rule of the data layer); this module
only fits, projects and compares, so the same function serves every report and the annex.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from techmonitor.errors import TechmonitorError
from techmonitor.trends import NoModelError, TrendResult, estimate

#: a projection is compared only when the newest outcome lies at most this many periods past
#: the earlier data (years; quarters for quarterly series): longer horizons are not what the
#: reports project for the next edition
MAX_HORIZON = 8


@dataclass(frozen=True)
class PastProjection:
    """One earlier projection and the value that came in.

    Attributes
    ----------
    origin
        The newest period of the data the earlier projection was fitted on.
    period
        The period projected and since observed (the newest one now, i.e. the longest horizon
        available).
    horizon
        Periods between ``origin`` and ``period`` (years; quarters for quarterly series).
    projected, lo80, hi80, lo95, hi95
        The central projection and its bands for ``period``, as the report would have shown.
    actual
        The value published since, of the same vintage (definition) as the earlier fit.
    kind
        The trend kind (``count``, ``share``, ``quarterly``), for the per-kind summary.
    """

    origin: str
    period: str
    horizon: int
    projected: float
    lo80: float
    hi80: float
    lo95: float
    hi95: float
    actual: float
    kind: str
    vintage: str | None = None

    @property
    def inside80(self) -> bool:
        """The outcome lies within the 80% band."""
        return self.lo80 <= self.actual <= self.hi80

    @property
    def inside95(self) -> bool:
        """The outcome lies within the 95% band."""
        return self.lo95 <= self.actual <= self.hi95

    @property
    def error(self) -> float:
        """Outcome minus projection, in the indicator's unit."""
        return self.actual - self.projected


@dataclass(frozen=True)
class NoPastProjection:
    """Why no earlier projection can be compared (said where the comparison would stand)."""

    reason: str


def nothing_since(origin: str) -> NoPastProjection:
    """Why there is no comparison when nothing was published after ``origin``, the newest
    period known then."""
    return NoPastProjection(f"nothing published after {origin} since")


def past_projection(
    known_then: pd.DataFrame,
    known_now: pd.DataFrame,
    kind: str = "count",
    **estimate_kwargs: Any,
) -> PastProjection | NoPastProjection:
    """Fit the trend on the data known then, project it, and compare with the data known now.

    Parameters
    ----------
    known_then
        The series as known at the earlier as-of date (columns ``period``, ``value`` and
        optionally ``vintage``, ``status``, ``source``; as accepted by
        :func:`techmonitor.trends.estimate`).
    known_now
        The same series as known at the report's as-of date.
    kind
        The trend kind, as the report fits it.
    **estimate_kwargs
        Passed on to :func:`~techmonitor.trends.estimate` (e.g. ``window``).

    Returns
    -------
    PastProjection or NoPastProjection
        The comparison for the newest period published since (the longest horizon available),
        or the reason why there is none: nothing new since, too few points then, a new
        definition (vintage) since, or a horizon beyond :data:`MAX_HORIZON`.
    """
    if known_then.empty:
        return NoPastProjection("no data then")
    try:
        res: TrendResult = estimate(known_then, kind=kind, **estimate_kwargs)  # type: ignore[arg-type]
    # what a fit can meet: our refusals (too short, bad values), numerical failures
    except (TechmonitorError, ValueError, np.linalg.LinAlgError) as exc:
        return NoPastProjection(f"the earlier fit failed: {exc}")
    if not res.has_model:
        return NoPastProjection(f"no trend model then: {res.reason}")
    now = known_now
    if res.vintage is not None and "vintage" in now.columns:
        now = now[now["vintage"].astype(str) == str(res.vintage)]
        if now.empty:
            return NoPastProjection(f"the definition changed since (vintage {res.vintage})")
    origin = res.data.periods[-1]
    newer = [p for p in map(str, now["period"]) if p not in set(res.data.periods)
             and _after(p, res)]
    if not newer:
        return nothing_since(origin)
    period = max(newer, key=lambda p: _t(p))
    try:
        fc = res.forecast(target=period)
    except NoModelError as exc:
        return NoPastProjection(str(exc))
    row = fc[fc["period"] == period]
    if row.empty:  # a target of another period style is added at its real time; take the last
        row = fc.tail(1)
    horizon = int(round((_t(period) - float(res.data.t[-1])) / res.data.step))
    if horizon > MAX_HORIZON:
        return NoPastProjection(f"the newest outcome is {horizon} periods past the earlier data")
    r = row.iloc[0]
    actual = float(now.loc[now["period"].astype(str) == period, "value"].iloc[-1])
    return PastProjection(origin=origin, period=period, horizon=horizon,
                          projected=float(r["mean"]), lo80=float(r["lo80"]),
                          hi80=float(r["hi80"]), lo95=float(r["lo95"]), hi95=float(r["hi95"]),
                          actual=actual, kind=kind, vintage=res.vintage)


def _t(period: str) -> float:
    from techmonitor.periods import to_decimal_year

    return to_decimal_year(period)


def _after(period: str, res: TrendResult) -> bool:
    return _t(period) > float(res.data.t[-1]) + 1e-9


@dataclass(frozen=True)
class Coverage:
    """How often the bands held over a set of past projections of one kind."""

    kind: str
    n: int
    inside80: int
    inside95: int

    @property
    def share80(self) -> float:
        """Share of outcomes inside the 80% band."""
        return self.inside80 / self.n if self.n else float("nan")

    @property
    def share95(self) -> float:
        """Share of outcomes inside the 95% band."""
        return self.inside95 / self.n if self.n else float("nan")


def coverage(records: Iterable[PastProjection]) -> dict[str, Coverage]:
    """Count, per kind, how many outcomes fell inside the 80% and 95% bands.

    Parameters
    ----------
    records
        Past projections (e.g. of every projected series in the batch).

    Returns
    -------
    dict
        ``kind -> Coverage``, sorted by kind.
    """
    tally: dict[str, list[int]] = {}
    for r in records:
        n, i80, i95 = tally.setdefault(r.kind, [0, 0, 0])
        tally[r.kind] = [n + 1, i80 + r.inside80, i95 + r.inside95]
    return {k: Coverage(k, *v) for k, v in sorted(tally.items())}
