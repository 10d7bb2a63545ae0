"""The one way the report layer selects a series: :func:`select`.

The context's indicator items, the author's ``report.series``, the params target checks and
the national figures (occupational retention per EBB method) all select through here, so a
series reads the same wherever a report shows or checks it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from techmonitor.config import ReportParams
from techmonitor.indicators import Indicator, series_for
from techmonitor.reference import SectorsRef
from techmonitor.report import store


def codes_of(ind: Indicator) -> tuple[str, ...]:
    """The observation codes a series of ``ind`` is made of (itself, numerator, denominator)."""
    return (ind.code,) + tuple(part.indicator for part in (ind.numerator, ind.denominator)
                               if part is not None)


def select(data_dir: Path, params: ReportParams, catalogue: Mapping[str, Indicator],
           ind: Indicator, level: str = "all", *, sex: str = "all",
           sectors_ref: SectorsRef | None = None, vintage: str | None = None) -> pd.DataFrame:
    """One series of the report's sector and region, known at the end of its quarter.

    Parameters
    ----------
    data_dir
        The project's ``data/`` folder.
    params
        The report's parameters (quarter, sector, region).
    catalogue
        The indicator catalogue.
    ind
        The indicator.
    level, sex
        Education level and sex of the series.
    sectors_ref
        The report's sector delineation (:func:`techmonitor.report.context.with_sbi`).
    vintage
        One definition; default: the catalogue's first vintage with data.

    Returns
    -------
    pandas.DataFrame
        Columns ``period, value, status, vintage, source``, oldest first (may be empty).
    """
    obs = store.obs_for(data_dir, params.period, codes_of(ind), params.region)
    return series_for(obs, dict(catalogue), ind.code, level=level, sector=params.sector,
                      region=params.region, sex=sex, sectors_ref=sectors_ref, vintage=vintage)
