"""The national report's numbers beyond single indicators, computed once per report.

Occupational retention per class and EBB method (with a trend per method where it has
enough points), the editions of technical employment the indicator line does not draw, the
measurements of the 40,000 extra a year and the cohort model of education retention. The
context holds the result (:class:`NationalFigures`); the sections (:mod:`retention`,
:mod:`extra40k`), the results file and the method annex only read it.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from techmonitor import cohorts, trends
from techmonitor.config import ReportParams
from techmonitor.errors import DataValidationError, TechmonitorError
from techmonitor.indicators import Indicator
from techmonitor.progress import extra
from techmonitor.reference import Target
from techmonitor.report.analysis import Item, kind_reliable
from techmonitor.report.series import select
from techmonitor.trends import seasonal

CohortFit = cohorts.CohortFit

#: retention shares per occupation class of the previous period (numerator, denominator)
CLASSES = ("tech", "ict", "all")
RETENTION = tuple(f"occupational_retention_{c}" for c in CLASSES)
#: fewer points of one method than this give no trend
MIN_TREND_POINTS = 3
#: published employment in technical occupations, one vintage per monitor edition
EMPLOYMENT = "employment_tech_occupations"
#: the 40,000 target in data/targets.yaml and the series its measurements read
TARGET_ID = "masterplan-40000"
CHANGE = "employment_tech_change_since_2013"
INFLOW = "inflow_betatech"
INFLOW_LEVEL = "ho"
#: the ROA forecast (the letter's Table 1): one published table, not a monitoring series
ROA_OPENINGS = "roa_openings_2011_2016"
ROA_INFLOW = "roa_inflow_2011_2016"
#: open vacancies, shown per top sector side by side
VACANCIES = "vacancies_open"
#: the quarters the quarterly trend line gives a COVID dummy each (stated by the labour
#: section and the method annex, which do not reach into the trends package themselves)
COVID_QUARTERS = seasonal.COVID_QUARTERS
#: the cohort table ``data update`` writes (education retention; :mod:`techmonitor.cohorts`)
COHORT_FILE = "cohorts.csv"


@dataclass(frozen=True)
class RetentionTrend:
    """The trend of technical retention in one EBB method: a fit, why none, or too few points."""

    vintage: str
    points: int
    result: trends.TrendResult | None = None
    error: str | None = None


@dataclass(frozen=True)
class Retention:
    """Occupational retention: ``series[class][vintage]`` (shares, %), ``counts[(class,
    vintage)]`` (stayed and total per period, as CBS publishes them) and the trends."""

    series: Mapping[str, Mapping[str, pd.DataFrame]]
    counts: Mapping[tuple[str, str], pd.DataFrame]
    trends: tuple[RetentionTrend, ...]


@dataclass(frozen=True)
class Extra40k:
    """The measurements of 'extra per year' against the 40,000 target.

    ``reliable`` says whether a probability for a count series may be printed: the
    project's backtests (the committed calibration table) decide, as for every count
    indicator.
    """

    target: Target
    estimates: tuple[extra.ExtraEstimate, ...]
    headline: extra.ExtraEstimate | None
    reliable: bool


@dataclass(frozen=True)
class CohortResult:
    """The cohort model on one table and level: the fit, or why there is none."""

    table: str
    level: str
    sources: tuple[str, ...]
    fit: CohortFit | None = None
    error: str | None = None


@dataclass(frozen=True)
class Cohorts:
    """``data/cohorts.csv``: whether it exists, why it could not be read, the fits."""

    present: bool
    path: str = ""
    error: str | None = None
    results: tuple[CohortResult, ...] = ()


@dataclass(frozen=True)
class NationalFigures:
    """Everything the national report shows beyond its indicator items."""

    retention: Retention | None = None
    editions: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    extra40k: Extra40k | None = None
    cohorts: Cohorts = field(default_factory=lambda: Cohorts(False))
    #: indicator codes with observations (which gaps of goals 3 and 4 are still open)
    present: frozenset[str] = frozenset()
    #: the ROA table: ``{level: {"openings": x, "inflow": y}}`` (levels and ``all``)
    roa: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    #: source keys of the ROA rows
    roa_sources: tuple[str, ...] = ()
    #: the periods of open vacancies (the span the sector panels are said to cover)
    vacancy_periods: tuple[str, ...] = ()


def compute(data_dir: Path, params: ReportParams, catalogue: Mapping[str, Indicator],
            items: tuple[Item, ...], targets: tuple[Target, ...],
            calibration: Mapping[str, Any]) -> NationalFigures:
    """The national figures of one report (only the cohort file's presence elsewhere)."""
    from techmonitor.report import store

    obs = store.obs_until(data_dir, params.period)
    present = frozenset(str(x) for x in obs["indicator"].unique())
    cohort_path = data_dir / COHORT_FILE
    if params.kind != "national":
        return NationalFigures(cohorts=Cohorts(cohort_path.exists()), present=present)
    target = next((t for t in targets if t.id == TARGET_ID), None)
    roa_rows = obs[obs["indicator"].isin((ROA_OPENINGS, ROA_INFLOW))]
    return NationalFigures(
        retention(data_dir, params, catalogue, obs), editions(obs, catalogue, items),
        extra40k(obs, target, calibration) if target is not None else None,
        cohort_fits(cohort_path), present, roa(obs),
        tuple(str(x) for x in roa_rows["source"]),
        tuple(str(x) for x in obs.loc[obs["indicator"] == VACANCIES, "period"]))


def roa(obs: pd.DataFrame) -> Mapping[str, Mapping[str, float]]:
    """``{level: {"openings": x, "inflow": y}}`` of the ROA table (levels and ``all``)."""
    out: dict[str, dict[str, float]] = {}
    for code, key in ((ROA_OPENINGS, "openings"), (ROA_INFLOW, "inflow")):
        rows = obs[(obs["indicator"] == code) & (obs["region"] == "NL")
                   & (obs["sector"] == "all") & (obs["sex"] == "all")]
        for r in rows.itertuples():
            out.setdefault(str(r.level), {})[key] = float(r.value)  # type: ignore[arg-type]
    return MappingProxyType(out)


def retention(data_dir: Path, params: ReportParams, catalogue: Mapping[str, Indicator],
              obs: pd.DataFrame) -> Retention | None:
    """Occupational retention per class and EBB method, each method its own series."""
    series: dict[str, dict[str, pd.DataFrame]] = {}
    counts: dict[tuple[str, str], pd.DataFrame] = {}
    for cls, code in zip(CLASSES, RETENTION, strict=True):
        if code not in catalogue:
            continue
        num = catalogue[code].numerator
        for vintage in list(catalogue[num.indicator].vintages) if num is not None else []:
            s = select(data_dir, params, catalogue, catalogue[code], vintage=vintage)
            if s.empty:
                continue
            series.setdefault(cls, {})[vintage] = s
            rows = obs[(obs["vintage"] == vintage) & (obs["sex"] == "all")
                       & (obs["region"] == "NL")]
            stayed = rows[rows["indicator"] == f"stayed_occupation_{cls}"]
            total = rows[rows["indicator"] == f"employed_prev_class_{cls}"]
            counts[(cls, vintage)] = pd.DataFrame(
                {"stayed": stayed.set_index("period")["value"],
                 "total": total.set_index("period")["value"]}).dropna()
    if not series:
        return None
    fits = []
    for vintage, s in series.get("tech", {}).items():
        if len(s) < MIN_TREND_POINTS:
            fits.append(RetentionTrend(vintage, len(s)))
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # recorded on the result, never in the report
            try:
                fits.append(RetentionTrend(vintage, len(s), trends.estimate(
                    s.assign(vintage=vintage), kind="share")))
            except (TechmonitorError, ValueError, ArithmeticError) as exc:
                fits.append(RetentionTrend(vintage, len(s), error=str(exc)))
    return Retention(MappingProxyType({c: MappingProxyType(v) for c, v in series.items()}),
                     MappingProxyType(counts), tuple(fits))


def editions(obs: pd.DataFrame, catalogue: Mapping[str, Indicator],
             items: tuple[Item, ...]) -> Mapping[str, pd.DataFrame]:
    """The editions (vintages) of technical employment the indicator line does not draw,
    in catalogue order, each sorted in time."""
    if EMPLOYMENT not in catalogue:
        return {}
    shown = {str(v) for i in items if i.ind.code == EMPLOYMENT for v in i.series["vintage"]}
    rows = obs[(obs["indicator"] == EMPLOYMENT) & (obs["sex"] == "all")
               & (obs["region"] == "NL") & ~obs["vintage"].isin(shown)]
    found = set(rows["vintage"])
    return MappingProxyType({v: rows[rows["vintage"] == v].sort_values("period")
                             for v in catalogue[EMPLOYMENT].vintages if v in found})


def extra40k(obs: pd.DataFrame, target: Target, calibration: Mapping[str, Any]) -> Extra40k:
    """Every measurement of 'extra per year' the report's data allow (both routes)."""
    nl = obs[(obs["region"] == "NL") & (obs["sector"] == "all") & (obs["sex"] == "all")]
    value = float(target.target_value)
    found = extra.employment_estimates(nl[nl["indicator"] == EMPLOYMENT],
                                       nl[nl["indicator"] == CHANGE], value)
    inflow = nl[(nl["indicator"] == INFLOW) & (nl["level"] == INFLOW_LEVEL)]
    found += extra.education_estimates(inflow, value)
    return Extra40k(target, tuple(found), extra.headline(found),
                    kind_reliable("count", calibration))


def cohort_fits(path: Path) -> Cohorts:
    """The cohort model per table and level of ``data/cohorts.csv`` (when it exists)."""
    if not path.exists():
        return Cohorts(False)
    try:
        data = pd.read_csv(path, dtype={"table": str, "level": str})
    except (OSError, ValueError) as exc:
        return Cohorts(True, str(path), str(exc))
    out = []
    for (table, level), part in data.groupby(["table", "level"], sort=True):
        sources = tuple(sorted({str(s) for s in part["source"]}))
        try:
            out.append(CohortResult(str(table), str(level), sources, cohorts.fit_cohorts(part)))
        except DataValidationError as exc:
            out.append(CohortResult(str(table), str(level), sources, error=str(exc)))
    return Cohorts(True, str(path), None, tuple(out))
