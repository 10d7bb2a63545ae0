"""Where we stand since the 2012 letter, and how the provinces compare.

Two computations for the national and the province reports, done once in the context and
phrased by :mod:`techmonitor.report.regions`:

* :func:`since_letter`: for every series of the national report's goals that reaches back to
  the letter's year (school year 2011/12 or calendar year 2012), its value then and now.
* :func:`compare_provinces`: the technical share of higher-education inflow (hbo) in every
  province, its latest value and its trend per year with the 95% interval, from the same
  series and the same trend fit the province reports use (shared through the item memo).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from techmonitor import bilingual
from techmonitor.config import ReportParams
from techmonitor.indicators import Indicator
from techmonitor.periods import sort_key
from techmonitor.report import store
from techmonitor.report.analysis import Item
from techmonitor.report.items import report_item
from techmonitor.report.series import select

#: the periods that stand for the year of the letter (Kamerbrief 2012), in order of preference
BASELINE_PERIODS = ("2011/12", "2012")
#: the series the provinces are compared on: the technical share of hbo inflow
COMPARED = ("inflow_tech_share", "hbo")


@dataclass(frozen=True)
class SinceLetter:
    """One series then (the letter's year) and now."""

    indicator: str
    level: str
    name_nl: str
    name_en: str
    definition_nl: str
    definition_en: str
    unit: str  # count | share
    baseline_period: str
    baseline: float
    latest_period: str
    latest: float
    source: str
    illustrative: bool

    @property
    def change(self) -> float:
        """Latest minus baseline (persons, or percentage points for a share)."""
        return self.latest - self.baseline

    @property
    def change_pct(self) -> float | None:
        """Relative change in percent (counts only; None for a share or a zero baseline)."""
        if self.unit != "count" or self.baseline == 0:
            return None
        return 100 * (self.latest / self.baseline - 1)


def _baseline(series: pd.DataFrame) -> pd.Series | None:
    for period in BASELINE_PERIODS:
        rows = series[series["period"] == period]
        if not rows.empty:
            return rows.iloc[-1]
    return None


def since_letter(data_dir: Path, params: ReportParams, catalogue: Mapping[str, Indicator]
                 ) -> tuple[SinceLetter, ...]:
    """Every goal series of the report's sector and region that has a value in the letter's
    year and a later one, at every level the indicator has (``ho`` included).

    Totals without a policy direction and quarterly series are left out.
    """
    out: list[SinceLetter] = []
    for ind in catalogue.values():
        if ind.goal is None or ind.frequency == "quarter" or ind.direction == "none":
            continue
        for level in list(ind.levels or ["all"]):
            series = select(data_dir, params, catalogue, ind, level)
            if series.empty:
                continue
            base = _baseline(series)
            last = series.iloc[-1]
            if base is None or sort_key(str(last.period)) <= sort_key(str(base.period)):
                continue
            rows = series[series["period"].isin([base.period, last.period])]
            out.append(SinceLetter(
                ind.code, level, ind.name_nl, ind.name_en, ind.definition_nl or "",
                ind.definition_en or "", "share" if ind.kind == "share" else "count",
                str(base.period), float(base.value), str(last.period), float(last.value),
                str(base.source), bool((rows["status"] == "illustrative").any())))
    return tuple(out)


@dataclass(frozen=True)
class ProvinceFigure:
    """One province's share: latest value and trend (percentage points a year, 95% interval;
    None when no trend could be fitted)."""

    slug: str
    code: str
    name: str
    periods: tuple[str, ...]
    values: tuple[float, ...]
    illustrative: tuple[bool, ...]
    slope: float | None
    lo95: float | None
    hi95: float | None

    @property
    def latest(self) -> float:
        """The latest value (percent)."""
        return self.values[-1]

    @property
    def latest_period(self) -> str:
        """The latest period."""
        return self.periods[-1]


@dataclass(frozen=True)
class ProvinceComparison:
    """The provinces side by side on one series, ordered by their latest value (highest
    first)."""

    indicator: str
    level: str
    name_nl: str
    name_en: str
    provinces: tuple[ProvinceFigure, ...]
    #: the data sources of the provinces' series (keys of data/SOURCES.md)
    sources: tuple[str, ...] = ()

    def rank(self, slug: str) -> int:
        """1-based place of a province by its latest value (1: highest share)."""
        return next(i for i, p in enumerate(self.provinces, 1) if p.slug == slug)

    def overlapping(self, slug: str) -> int:
        """How many other provinces' trend intervals overlap this province's: their trends
        cannot be told apart from its trend."""
        me = next(p for p in self.provinces if p.slug == slug)
        if me.lo95 is None or me.hi95 is None:
            return 0
        return sum(1 for p in self.provinces if p.slug != slug and p.lo95 is not None
                   and p.hi95 is not None and p.lo95 <= me.hi95 and me.lo95 <= p.hi95)

    def get(self, slug: str) -> ProvinceFigure | None:
        """The figure of one province, None if it has no data."""
        return next((p for p in self.provinces if p.slug == slug), None)


def _item(data_dir: Path, params: ReportParams, catalogue: Mapping[str, Indicator],
          ind: Indicator, level: str, region: str) -> Item | None:
    """The province's item, memoised under the key the province report itself uses (a
    share series has no province target), so both show the same fit."""
    p = params.model_copy(update={"region": region, "sector": "all", "sbi": []})
    return report_item(data_dir, p, catalogue, ind, level)


def compare_provinces(data_dir: Path, params: ReportParams,
                      catalogue: Mapping[str, Indicator]) -> ProvinceComparison | None:
    """Every province on :data:`COMPARED` (None when the indicator is not in the catalogue or
    no province has data)."""
    code, level = COMPARED
    ind = catalogue.get(code)
    if ind is None:
        return None
    figures = []
    sources: dict[str, None] = {}
    for prov in store.load_regions(data_dir).provinces:
        item = _item(data_dir, params, catalogue, ind, level, prov.code)
        if item is None:
            continue
        s = item.series
        sources.update(dict.fromkeys(str(x) for x in s["source"]))
        trend = item.trend
        ci = trend.slope_ci95 if trend is not None else None
        slope = trend.slope if trend is not None else None
        figures.append(ProvinceFigure(
            prov.slug, prov.code, bilingual.text(prov, "name", params.language),
            tuple(str(x) for x in s["period"]),
            tuple(float(x) for x in s["value"]),
            tuple(bool(x) for x in s["status"] == "illustrative"),
            slope, ci[0] if ci else None, ci[1] if ci else None))
    if not figures:
        return None
    figures.sort(key=lambda f: -f.latest)
    return ProvinceComparison(code, level, ind.name_nl, ind.name_en, tuple(figures),
                              tuple(sources))
