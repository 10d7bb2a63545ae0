"""Track record: what each projection of a report said a year earlier, against what came in.

For every projected series of a report (an item with a projection band) the trend is fitted
again on the data as known a year earlier, projected to the newest period published since,
and compared with the value that came in (:func:`techmonitor.progress.track.past_projection`).
The method annex sums up how often the 80% and 95% bands held, per kind of series, and names
the series it was measured on; the batch sums over every projected series of all reports
from their results files (:mod:`techmonitor.batch.track`, each distinct series once).

The data "as known then" come from a function (:data:`Earlier`), so that the as-of selection
by publication date (:func:`as_known_a_year_before`) is the one a report uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from techmonitor import bilingual
from techmonitor.asof import as_known_at
from techmonitor.progress.track import (
    Coverage,
    NoPastProjection,
    PastProjection,
    coverage,
    nothing_since,
)
from techmonitor.progress.track import past_projection as fit_past_projection

if TYPE_CHECKING:
    from techmonitor.report.analysis import Item

#: the series as known at the earlier date, from the series as known now
Earlier = Callable[[pd.DataFrame], pd.DataFrame]
#: how far back the earlier projection is made (years): a year, else the nearest of these
#: that has an outcome published since
LOOKBACKS = (1.0, 2.0, 3.0, 4.0, 5.0)
#: how far back the earlier projection was made (years)
LOOKBACK_YEARS = 1.0


@dataclass(frozen=True)
class TrackRecord:
    """One projected series: what the earlier projection said, or why there is none.

    ``where`` names the series' report scope (``national:NL``, ``sector:energie``)
    for the batch-wide sum; ``known_then`` is the newest period of the earlier data.
    """

    key: str
    indicator: str
    name_nl: str
    name_en: str
    kind: str
    where: str
    known_then: str | None
    result: PastProjection | NoPastProjection

    def name(self, lang: str) -> str:
        """The series name in ``lang``."""
        return bilingual.text(self, "name", lang)

    @property
    def projection(self) -> PastProjection | None:
        """The compared projection (None when there was none)."""
        return self.result if isinstance(self.result, PastProjection) else None


def as_known_a_year_before(as_of: dt.date, years: float = LOOKBACK_YEARS) -> Earlier:
    """The series as a report ``years`` before ``as_of`` knew it: only the rows published by
    then (the as-of catalogue, :func:`techmonitor.asof.as_known_at`), so a value published
    later, a later period or a revision, is not in the earlier fit.
    """
    day = as_of - dt.timedelta(days=round(365.25 * years))

    def earlier(series: pd.DataFrame) -> pd.DataFrame:
        return as_known_at(series, day)

    return earlier


def record(key: str, indicator: str, names: tuple[str, str], kind: str, series: pd.DataFrame,
           where: str, earlier: Earlier | Sequence[Earlier]) -> TrackRecord:
    """The track record of one series: fit on ``earlier(series)``, compare with ``series``.

    Given several ``earlier`` selections (a year back, two years back, ...), the first that
    gives a comparison is used: the longest horizon is taken only when nothing new was
    published within the shorter ones.

    Parameters
    ----------
    key
        The series' key (``inflow_tech-hbo``).
    indicator
        The indicator code (``inflow_tech``).
    names
        Dutch and English name.
    kind
        Trend kind as the report fits it (``count``, ``share``).
    series
        The series as the report shows it now.
    where
        The report scope of the series (for the batch-wide sum).
    earlier
        The series as known at the earlier date (:func:`as_known_a_year_before`), or such
        selections from the nearest date back.
    """
    choices = [earlier] if callable(earlier) else list(earlier)
    out: TrackRecord | None = None
    for pick in choices:
        then = pick(series)
        known = str(then["period"].iloc[-1]) if len(then) else None
        if known is not None and len(then) == len(series):
            # every row was known then (``then`` is a selection of ``series``): nothing came
            # in since to compare with, which a fit could only confirm; look further back
            out = TrackRecord(key, indicator, names[0], names[1], kind, where, known,
                              nothing_since(known))
            continue
        out = TrackRecord(key, indicator, names[0], names[1], kind, where, known,
                          fit_past_projection(then, series, kind))
        if out.projection is not None:
            break
    assert out is not None, "record needs at least one earlier selection"
    return out


def projected(items: Iterable[Item]) -> list[Item]:
    """The items a report projects (those with a projection band)."""
    return [i for i in items if i.band is not None and i.trend is not None]


def item_records(items: Iterable[Item], earlier: Earlier | Sequence[Earlier],
                 where: str = "") -> tuple[TrackRecord, ...]:
    """A track record per projected item of a report, each fitted on ``earlier(series)``."""
    from techmonitor.report.analysis import kind_for

    return tuple(record(i.key, i.ind.code, (i.name("nl"), i.name("en")), kind_for(i.ind),
                        i.series, where, earlier) for i in projected(items))


def coverage_of(records: Iterable[TrackRecord]) -> dict[str, Coverage]:
    """How often the 80% and 95% bands held, per kind, over the compared records."""
    return coverage(r.projection for r in records if r.projection is not None)
