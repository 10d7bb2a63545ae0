"""The one way the report layer selects a series: :func:`select`.

The context's indicator items, the author's ``report.series``, the params target checks and
the national figures (occupational retention per EBB method) all select through here, so a
series reads the same wherever a report shows or checks it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from techmonitor import periods
from techmonitor.config import ReportParams
from techmonitor.errors import ParameterError
from techmonitor.indicators import Arrays, Indicator, series_arrays, series_frame
from techmonitor.reference import SectorsRef
from techmonitor.report import store


def codes_of(ind: Indicator) -> tuple[str, ...]:
    """The observation codes a series of ``ind`` is made of (itself, numerator, denominator)."""
    return (ind.code,) + tuple(part.indicator for part in (ind.numerator, ind.denominator)
                               if part is not None)


def select(data_dir: Path, params: ReportParams, catalogue: Mapping[str, Indicator],
           ind: Indicator, level: str = "all", *, sex: str = "all",
           sectors_ref: SectorsRef | None = None, vintage: str | None = None) -> pd.DataFrame:
    """One series of the report's sector and region, as known at the report's as-of date.

    Only rows published on or before ``params.as_of_date`` count
    (:func:`techmonitor.report.store.obs_until`). Without ``vintage`` the series is the
    **newest edition**: of the vintages with data for this series, the one whose newest row
    was published last (ties: catalogue order), among those with the same kind of period as
    the catalogue's first vintage with data (a quarterly vintage beside yearly ones is another
    series). Its newest period is the series' newest value; editions never mix in one
    series.

    Parameters
    ----------
    data_dir
        The project's ``data/`` folder.
    params
        The report's parameters (quarter, as-of date, sector, region).
    catalogue
        The indicator catalogue.
    ind
        The indicator.
    level, sex
        Education level and sex of the series.
    sectors_ref
        The report's sector delineation (:func:`with_sbi`).
    vintage
        One definition; default: the newest edition (see above).

    Returns
    -------
    pandas.DataFrame
        Columns ``period, value, status, vintage, source``, oldest first (may be empty).
    """
    obs = store.obs_for(data_dir, params.period, codes_of(ind), params.region,
                        params.as_of_date)

    def one(v: str | None) -> Arrays | None:
        return series_arrays(obs, dict(catalogue), ind.code, level=level, sector=params.sector,
                             region=params.region, sex=sex, sectors_ref=sectors_ref, vintage=v)

    if vintage is not None:
        return series_frame(one(vintage))
    stored = ind.numerator.indicator if ind.numerator is not None else ind.code
    rows = np.flatnonzero(obs["indicator"] == stored)
    present = set(obs["vintage"][rows])
    order = [v for v in catalogue[stored].vintages if v in present]
    order += sorted(present - set(order))
    if len(order) <= 1:
        return series_frame(one(None))
    published = dict(zip(zip(obs["source"][rows], obs["vintage"][rows], obs["period"][rows],
                             strict=True), obs["published"][rows], strict=True))
    best = one(order[0])
    best_date = newest_publication(best, published)
    kind = period_kinds(best)
    for v in order[1:]:
        series = one(v)
        date = newest_publication(series, published)
        # strictly newer (a tie keeps the catalogue's order), and of the same kind of period:
        # a quarterly vintage beside yearly ones is another series, not a newer edition
        if date > best_date and (not kind or period_kinds(series) == kind):
            best, best_date = series, date
    return series_frame(best)


def period_kinds(series: Arrays | None) -> frozenset[str]:
    """The kinds of period (year, school_year, quarter) of a series."""
    if series is None:
        return frozenset()
    return frozenset(periods.period_kind(str(p)) for p in set(series["period"]))


def newest_publication(series: Arrays | None,
                       published: Mapping[tuple[str, str, str], str]) -> str:
    """The newest publication date (ISO) of a selected series' rows ("" when empty)."""
    if series is None:
        return ""
    dates = [published.get((str(s), str(v), str(p)), "")
             for s, v, p in zip(series["source"], series["vintage"], series["period"],
                                strict=True)]
    return max(dates, default="")


def levels_for(ind: Indicator, report_levels: list[str]) -> list[str]:
    """Levels of ``ind`` shown in a report.

    The report's own levels (params ``levels``) and ``all``; sub-levels (``mbo-2``) and sums
    (``ho`` = hbo + wo) stay out so that a report does not show the same students twice. An
    indicator published only for another level (``vmbo``, ``ho``) shows its first level.
    """
    levels = ind.levels or ["all"]
    shown = [lv for lv in levels if lv in report_levels or lv == "all"]
    return shown or levels[:1]


def with_sbi(ref: SectorsRef, params: ReportParams, where: str | None = None) -> SectorsRef:
    """The delineation with the report's own ``sbi`` list as its sector's vacancy part.

    Raises
    ------
    ParameterError
        When ``sbi`` is given for a report that is not a sector report, or names a code that
        is not an SBI sector of ``data/sectors.yaml`` or not kept in the observations.
    """
    if not params.sbi:
        return ref
    where = f"{where}: key 'sbi'" if where else f"params sbi for {params.report_id}"
    if params.kind != "sector":
        raise ParameterError(f"{where}: sbi only applies to a sector report; remove it")
    stored = ref.stored_sbi_codes()
    for code in params.sbi:
        if code not in ref.sbi_codes:
            raise ParameterError(f"{where}: {code!r} is not an SBI sector code; use one of "
                                 f"{', '.join(ref.sbi_codes)}")
        if code not in stored:
            raise ParameterError(f"{where}: {code!r} is not kept in data/observations.csv; "
                                 "add it to extra_sbi_stored in data/sectors.yaml and run "
                                 "`techmonitor data build`")
    top = [s.model_copy(update={"vacancies": {v: list(params.sbi) for v in s.vacancies}})
           if s.slug == params.sector else s for s in ref.top_sectors]
    return ref.model_copy(update={"top_sectors": top})
