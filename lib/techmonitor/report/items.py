"""One indicator series of one report, selected and analysed once per process.

The report context builds its items here, and the regional comparison takes the other
provinces' items from here too, under the same memo key, so a province's share is fitted
once and every report that shows it shows the same fit.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from techmonitor.config import ReportParams
from techmonitor.indicators import Indicator
from techmonitor.progress import size as size_rule
from techmonitor.reference import SectorsRef
from techmonitor.report import store
from techmonitor.report.analysis import Item, analyse
from techmonitor.report.series import select


def report_item(data_dir: Path, params: ReportParams, catalogue: Mapping[str, Indicator],
                ind: Indicator, level: str, target: Any = None,
                sectors_ref: SectorsRef | None = None) -> Item | None:
    """The analysed series of ``ind`` at ``level`` for the report ``params`` describes.

    Parameters
    ----------
    data_dir, params, catalogue
        Where the data are, the report (its sector or region, period, as-of date) and the
        indicator catalogue.
    ind, level
        The indicator and level.
    target
        The target matched to this series, or None.
    sectors_ref
        The sector reference with the report's own SBI list (default: ``data/sectors.yaml``).

    Returns
    -------
    Item or None
        None when the report's sector or region has no data of this indicator.
    """
    key = ("item", params.period, params.as_of_date, ind.code, level, params.sector,
           params.region, tuple(params.sbi), repr(target), params.target_year,
           size_rule.MIN_COUNT_PER_YEAR)

    def compute() -> Item | None:
        series = select(data_dir, params, catalogue, ind, level, sectors_ref=sectors_ref)
        if series.empty:  # nothing of this indicator in the report's sector or region
            return None
        return analyse(series, ind, target=target, level=level,
                       horizon_year=params.target_year, as_of=params.period)

    return store.memo(data_dir, key, compute)
