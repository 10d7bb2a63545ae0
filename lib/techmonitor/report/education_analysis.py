"""The education series beyond single indicator lines, computed once per report.

hbo first-years exist in two DUO definitions (vintages): both are kept as their own lines and
a trend that crosses the break is a line with a level shift
(:func:`techmonitor.trends.level_shift`); when a side has too few points for that, the
newest vintage alone is fitted (the indicator item's calibrated trend) and the report says so.
The techniek share of vmbo exam candidates per leerweg and the N&T share of havo/vwo
candidates come by sex and by province; the net yearly retention in technical hbo sits beside
two other CROHO sectors; the published retention figures stay single published points, one
per vintage. The context holds the result (:class:`EducationFigures`); the section
(:mod:`techmonitor.report.education`) and the results file only read it.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from techmonitor import bilingual, trends
from techmonitor.config import ReportParams
from techmonitor.indicators import Indicator
from techmonitor.reference import SectorsRef
from techmonitor.report import store
from techmonitor.report.analysis import EXPECTED_ERRORS, Item, reason_of
from techmonitor.report.series import select

#: (indicator, level) series drawn as one line per vintage with the break marked
BREAK_SERIES = (("inflow_tech", "hbo"), ("inflow_sector", "hbo"), ("diplomas_sector", "hbo"))
#: hbo diplomas: one DUO definition over two files (one line)
DIPLOMAS = ("diplomas_tech", "hbo")
VMBO = "vmbo_exam_tech_share"
VMBO_LEVELS = ("vmbo-b", "vmbo-k", "vmbo-gt", "vmbo")
HAVOVWO = "havovwo_exam_nt_share"
HAVOVWO_LEVELS = ("havo", "vwo", "havo-vwo")
#: net yearly retention: techniek first, the two comparison sectors after it
RETENTION = ("retention_net_tech", "retention_net_economie", "retention_net_gedrag")
RETENTION_LEVEL = "hbo"
#: published retention points (one vintage per publication, never one line)
PUBLISHED = ("hbo_dropout_first_year_pub", "hbo_diploma_6y_tech_pub")
SEXES = ("man", "vrouw")


@dataclass(frozen=True)
class BreakSeries:
    """One series in two definitions: ``lines`` per vintage (oldest first), the level-shift
    fit across the break (``fit``) or why there is none (``error``)."""

    code: str
    level: str
    lines: Mapping[str, pd.DataFrame]
    fit: trends.BreakFit | None = None
    error: str | None = None
    #: periods whose value rests on suppressed cells (a lower bound), where the data say so
    lower_bounds: tuple[str, ...] = ()

    @property
    def break_period(self) -> str:
        """First period of the newest vintage."""
        return str(list(self.lines.values())[-1]["period"].iloc[0])

    @property
    def weak(self) -> bool:
        """True when the level shift is not defensible: fit the newest vintage alone."""
        return self.fit is None or self.fit.weak


@dataclass(frozen=True)
class Breakdown:
    """One share series split by sex (every period) and by province (every period).

    ``by_sex[sex]`` and ``by_region[code]`` are series frames (``period, value, ...``);
    ``counts[(sex or region, period)]`` holds (numerator, denominator) where stored.
    """

    code: str
    level: str
    national: pd.DataFrame
    by_sex: Mapping[str, pd.DataFrame]
    by_region: Mapping[str, pd.DataFrame]
    counts: Mapping[tuple[str, str], tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class NetRetention:
    """Net yearly retention: per sector its series and split, techniek's calibrated trend."""

    sectors: Mapping[str, Breakdown]
    trend: trends.TrendResult | None
    error: str | None = None


@dataclass(frozen=True)
class EducationFigures:
    """Everything the education blocks show beyond the indicator items."""

    breaks: tuple[BreakSeries, ...] = ()
    vmbo: tuple[Breakdown, ...] = ()
    havovwo: tuple[Breakdown, ...] = ()
    retention: NetRetention | None = None
    #: published retention points: ``(code, vintage) → frame`` (one row per cohort)
    published: Mapping[tuple[str, str], pd.DataFrame] = field(
        default_factory=lambda: MappingProxyType({}))
    #: province codes → names, for the tables per province (national report only)
    regions: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def break_for(self, code: str, level: str) -> BreakSeries | None:
        """The break series of ``(code, level)``, if it has two vintages here."""
        return next((b for b in self.breaks if (b.code, b.level) == (code, level)), None)


def _vintage_lines(data_dir: Path, params: ReportParams, catalogue: Mapping[str, Indicator],
                   ind: Indicator, level: str, sectors_ref: SectorsRef | None
                   ) -> dict[str, pd.DataFrame]:
    """Every vintage of ``ind`` with data here, oldest first (by first period)."""
    found = {}
    for vintage in ind.vintages:
        s = select(data_dir, params, catalogue, ind, level, sectors_ref=sectors_ref,
                   vintage=vintage)
        if not s.empty:
            found[vintage] = s
    return dict(sorted(found.items(), key=lambda kv: trends.prepare(kv[1]).t[0]))


def break_series(data_dir: Path, params: ReportParams, catalogue: Mapping[str, Indicator],
                 code: str, level: str, sectors_ref: SectorsRef | None) -> BreakSeries | None:
    """Both vintages of one series and the level-shift fit across their break.

    None when the series has fewer than two vintages here (no break to show).
    """
    if code not in catalogue:
        return None
    lines = _vintage_lines(data_dir, params, catalogue, catalogue[code], level, sectors_ref)
    if len(lines) < 2:
        return None
    lines = dict(list(lines.items())[-2:])  # the break between the two newest definitions
    joined = pd.concat(list(lines.values()), ignore_index=True)
    bounds = lower_bounds(data_dir, params, code, level, joined)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = trends.level_shift(joined[["period", "value", "vintage"]])
    except EXPECTED_ERRORS as exc:
        return BreakSeries(code, level, MappingProxyType(lines), None, reason_of(exc), bounds)
    return BreakSeries(code, level, MappingProxyType(lines), fit, None, bounds)


def lower_bounds(data_dir: Path, params: ReportParams, code: str, level: str,
                 shown: pd.DataFrame) -> tuple[str, ...]:
    """Periods of ``shown`` whose stored value is flagged a lower bound (suppressed cells
    left out); empty when the observations carry no ``lower_bound`` column."""
    obs = store.obs_until(data_dir, params.period)
    if "lower_bound" not in obs.columns:
        return ()
    sector = params.sector if code.endswith("_sector") else "all"
    rows = obs[(obs["indicator"] == code) & (obs["level"] == level)
               & (obs["region"] == params.region) & (obs["sex"] == "all")
               & (obs["sector"] == sector)
               & obs["vintage"].isin(set(shown["vintage"].astype(str)))]
    flagged = rows[rows["lower_bound"].astype(str).str.lower() == "true"]
    return tuple(p for p in shown["period"].astype(str) if p in set(flagged["period"]))


def breakdown(data_dir: Path, params: ReportParams, catalogue: Mapping[str, Indicator],
              code: str, level: str, regions: Mapping[str, str]) -> Breakdown | None:
    """A share series of the report's region with its split by sex and, in the national
    report, by province; None without data."""
    ind = catalogue.get(code)
    if ind is None:
        return None
    national = select(data_dir, params, catalogue, ind, level)
    if national.empty:
        return None
    by_sex = {sex: s for sex in SEXES
              if not (s := select(data_dir, params, catalogue, ind, level, sex=sex)).empty}
    by_region: dict[str, pd.DataFrame] = {}
    for reg in regions:
        s = select(data_dir, params.model_copy(update={"region": reg}), catalogue, ind, level)
        if not s.empty:
            by_region[reg] = s
    return Breakdown(code, level, national, MappingProxyType(by_sex),
                     MappingProxyType(by_region),
                     MappingProxyType(_counts(data_dir, params, ind, level, regions)))


def _counts(data_dir: Path, params: ReportParams, ind: Indicator, level: str,
            regions: Mapping[str, str]) -> dict[tuple[str, str], tuple[float, float]]:
    """(numerator, denominator) of a share per (sex or region, period), as stored."""
    if ind.numerator is None or ind.denominator is None:
        return {}
    obs = store.obs_until(data_dir, params.period)
    codes = (ind.numerator.indicator, ind.denominator.indicator)
    rows = obs[obs["indicator"].isin(codes) & (obs["level"] == level)
               & (obs["sector"] == "all")]
    out: dict[tuple[str, str], tuple[float, float]] = {}
    wide = rows.pivot_table(index=["region", "sex", "period"], columns="indicator",
                            values="value", aggfunc="first")
    for (reg, sex, period), r in wide.iterrows():
        if codes[0] not in r or codes[1] not in r or pd.isna(r[codes[0]]) or pd.isna(r[codes[1]]):
            continue
        pair = (float(r[codes[0]]), float(r[codes[1]]))
        if reg == params.region:
            out[(str(sex), str(period))] = pair
        if sex == "all" and reg in regions:
            out[(str(reg), str(period))] = pair
    return out


def net_retention(data_dir: Path, params: ReportParams, catalogue: Mapping[str, Indicator],
                  items: tuple[Item, ...], regions: Mapping[str, str]) -> NetRetention | None:
    """The net yearly retention per sector; techniek's trend is the item's calibrated fit
    (``estimate(kind="share")``), so the section and the goal verdicts read one fit."""
    sectors = {}
    for code in RETENTION:
        b = breakdown(data_dir, params, catalogue, code, RETENTION_LEVEL, regions)
        if b is not None:
            sectors[code] = b
    if RETENTION[0] not in sectors:
        return None
    item = next((i for i in items if (i.ind.code, i.level) == (RETENTION[0], RETENTION_LEVEL)),
                None)
    trend = item.trend if item is not None else None
    error = item.reason(params.language) if item is not None else None
    return NetRetention(MappingProxyType(sectors), trend, error)


def published_points(data_dir: Path, params: ReportParams,
                     catalogue: Mapping[str, Indicator]) -> dict[tuple[str, str], pd.DataFrame]:
    """Each published retention figure as its own vintage (national, sex all)."""
    out = {}
    for code in PUBLISHED:
        ind = catalogue.get(code)
        if ind is None:
            continue
        for vintage in ind.vintages:
            s = select(data_dir, params, catalogue, ind, "hbo", vintage=vintage)
            if not s.empty:
                out[(code, vintage)] = s
    return out


def compute(data_dir: Path, params: ReportParams, catalogue: Mapping[str, Indicator],
            items: tuple[Item, ...], sectors_ref: SectorsRef | None) -> EducationFigures:
    """The education figures of one report (see :class:`EducationFigures`).

    Parameters
    ----------
    data_dir
        The project's ``data/`` folder.
    params
        The report's parameters; the region decides the series, the national report also
        gets the tables per province.
    catalogue
        The indicator catalogue.
    items
        The report's indicator items (the net retention's trend is its item's fit).
    sectors_ref
        The report's sector delineation.
    """
    regions: dict[str, str] = {}
    if params.kind == "national":
        ref = store.load_regions(data_dir)
        regions = {p.code: bilingual.text(p, "name", params.language) for p in ref.provinces}
    breaks = tuple(b for code, level in BREAK_SERIES
                   if (b := break_series(data_dir, params, catalogue, code, level,
                                         sectors_ref)) is not None)
    if params.kind == "sector":  # the vo and retention files carry no sector
        return EducationFigures(breaks=breaks)
    vmbo = tuple(d for lv in VMBO_LEVELS
                 if (d := breakdown(data_dir, params, catalogue, VMBO, lv, regions)) is not None)
    havovwo = tuple(d for lv in HAVOVWO_LEVELS
                    if (d := breakdown(data_dir, params, catalogue, HAVOVWO, lv, regions))
                    is not None)
    return EducationFigures(
        breaks=breaks,
        vmbo=vmbo,
        havovwo=havovwo,
        retention=net_retention(data_dir, params, catalogue, items, regions),
        published=MappingProxyType(published_points(data_dir, params, catalogue)
                                   if params.kind == "national" else {}),
        regions=MappingProxyType(regions),
    )
