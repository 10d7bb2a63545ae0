"""The 40,000 extra technicians a year, made measurable by two proxies.

The cabinet letter's target (``data/targets.yaml``, ``masterplan-40000``) is 40,000 *extra*
beta/technical workers a year, directly from education or through lateral inflow. No public
series counts "extra" workers, so two proxies are measured, each as what it is:

* **employment route (both routes together, net):** the net yearly growth of the number of
  people working in technical occupations (Techniekpact monitor). Growth is computed within one
  monitor edition (vintage) only, never across the 2022 revision:

  - a vintage with three or more levels: the slope of an ordinary least-squares line through
    them (statsmodels), with its standard error, a 95% interval and the probability that the
    underlying yearly growth was at least the target (Student's t on the slope);
  - a vintage whose edition states the change since end 2013: that change divided by the
    years since 2013 (nothing re-estimated);
  - otherwise two levels: their difference divided by the years between them.

  Net growth is inflow minus outflow (retirement, leaving technology): it understates the
  gross number of people attracted, and it also moves with the business cycle.
* **education route:** the technical inflow into education in a year minus the inflow in the
  baseline year 2011/12 (the year before the letter), within one vintage. It is inflow into
  education, not into jobs: part of it drops out or works elsewhere later, and it arrives on
  the labour market years after.

The progress category follows :func:`~techmonitor.progress.categories.category_for_ratio`
applied to *measured extra per year ÷ target per year* (the same thresholds as every target).

**Precision.** A yearly figure is shown no finer than the data it comes from: levels
published in thousands give a yearly growth in thousands (358 thousand over nine years is
"about 40,000 a year", never 39,778). :func:`data_step` finds the step of the levels,
:attr:`ExtraEstimate.shown` rounds to it; the exact value stays in the results file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import pandas as pd
from scipy import stats

from techmonitor.periods import to_decimal_year
from techmonitor.precision import data_step, round_to
from techmonitor.progress.categories import NOT_ASSESSABLE, Category, category_for_ratio

#: the programme's baseline for "extra" inflow: the school year before the 2012 letter
BASELINE_SCHOOL_YEAR = "2011/12"
#: the year the Techniekpact editions count changes from ("sinds eind 2013")
CHANGE_BASE_YEAR = 2013

Method = Literal["trend", "published_change", "levels", "baseline_difference"]


@dataclass(frozen=True)
class ExtraEstimate:
    """One measurement of 'extra per year' for one route and one vintage.

    ``per_year`` is the measured extra number per year; ``se`` its standard error (trend
    fits only); ``lo95``/``hi95`` the 95% interval; ``probability`` the chance that the
    underlying yearly growth reached ``target`` (trend fits only, else None).
    """

    route: Literal["employment", "education"]
    vintage: str
    start: str
    end: str
    per_year: float
    method: Method
    target: float
    n_points: int
    sources: tuple[str, ...]
    se: float | None = None
    lo95: float | None = None
    hi95: float | None = None
    probability: float | None = None
    #: the step the source's levels are given in (1000: thousands); see :func:`data_step`
    step: float = 1.0

    @property
    def shown(self) -> float:
        """``per_year`` rounded to the step of the data it comes from."""
        return round_to(self.per_year, self.step)

    @property
    def shown_interval(self) -> tuple[float, float] | None:
        """The 95% interval rounded like :attr:`shown` (None without an interval)."""
        if self.lo95 is None or self.hi95 is None:
            return None
        return round_to(self.lo95, self.step), round_to(self.hi95, self.step)

    @property
    def ratio(self) -> float:
        """Measured extra per year as a share of the target per year."""
        return self.per_year / self.target

    @property
    def category(self) -> Category:
        """Progress category of the ratio (education: not assessable, one route only)."""
        if self.route == "education":
            return NOT_ASSESSABLE
        return category_for_ratio(self.ratio)


def _year(period: str) -> float:
    return to_decimal_year(str(period))


def employment_estimates(levels: pd.DataFrame, changes: pd.DataFrame,
                         target: float) -> list[ExtraEstimate]:
    """Net yearly growth of employment in technical occupations, one estimate per vintage.

    Parameters
    ----------
    levels
        Observations of ``employment_tech_occupations`` (sex ``all``) with columns
        ``period, value, vintage, source``; every vintage is treated on its own.
    changes
        Observations of ``employment_tech_change_since_2013`` (same columns): the change
        since end 2013 as an edition published it.
    target
        Extra workers a year (the letter's 40,000, from ``data/targets.yaml``).

    Returns
    -------
    list of ExtraEstimate
        Sorted by end period; vintages with a single level and no published change are left
        out (a level alone says nothing about growth).
    """
    import statsmodels.api as sm

    out: list[ExtraEstimate] = []
    for vintage in sorted(set(levels["vintage"]) | set(changes["vintage"])):
        lv = levels[levels["vintage"] == vintage]
        lv = lv.assign(t=lv["period"].map(_year)).sort_values("t")
        ch = changes[changes["vintage"] == vintage]
        srcs = tuple(dict.fromkeys([*map(str, lv["source"]), *map(str, ch["source"])]))
        if len(lv) >= 3:
            t = lv["t"].to_numpy(dtype=float)
            y = lv["value"].to_numpy(dtype=float)
            fit = sm.OLS(y, sm.add_constant(t - t.mean())).fit()
            slope, se, df = float(fit.params[1]), float(fit.bse[1]), int(fit.df_resid)
            q = float(stats.t.ppf(0.975, df))
            prob = float(stats.t.sf((target - slope) / se, df)) if se > 0 else float(
                slope >= target)
            out.append(ExtraEstimate("employment", vintage, str(lv["period"].iloc[0]),
                                     str(lv["period"].iloc[-1]), slope, "trend", target,
                                     len(lv), srcs, se, slope - q * se, slope + q * se, prob,
                                     data_step(y)))
        elif len(ch):
            last = ch.assign(t=ch["period"].map(_year)).sort_values("t").iloc[-1]
            years = float(math.floor(float(last["t"])) - CHANGE_BASE_YEAR)
            if years <= 0:
                continue
            out.append(ExtraEstimate("employment", vintage, str(CHANGE_BASE_YEAR),
                                     str(last["period"]), float(last["value"]) / years,
                                     "published_change", target, 1, srcs,
                                     step=data_step([float(last["value"])])))
        elif len(lv) == 2:
            a, b = lv.iloc[0], lv.iloc[1]
            years = float(b["t"]) - float(a["t"])
            out.append(ExtraEstimate("employment", vintage, str(a["period"]), str(b["period"]),
                                     (float(b["value"]) - float(a["value"])) / years,
                                     "levels", target, 2, srcs,
                                     step=data_step([float(a["value"]), float(b["value"])])))
    return sorted(out, key=lambda e: (_year(e.end), _year(e.start)))


def education_estimates(inflow: pd.DataFrame, target: float,
                        baseline: str = BASELINE_SCHOOL_YEAR) -> list[ExtraEstimate]:
    """Extra technical inflow into education against the baseline year, per vintage.

    Parameters
    ----------
    inflow
        Observations of one inflow series (e.g. ``inflow_betatech``, level ``ho``, sex
        ``all``) with ``period, value, vintage, source``.
    target, baseline
        The target per year and the baseline school year.

    Returns
    -------
    list of ExtraEstimate
        One per vintage that has the baseline year and a later year: the latest year's
        inflow minus the baseline inflow.
    """
    out: list[ExtraEstimate] = []
    for vintage, rows in inflow.groupby("vintage", sort=True):
        rows = rows.assign(t=rows["period"].map(_year)).sort_values("t")
        base = rows[rows["period"] == baseline]
        later = rows[rows["t"] > _year(baseline)]
        if base.empty or later.empty:
            continue
        last = later.iloc[-1]
        extra = float(last["value"]) - float(base["value"].iloc[0])
        out.append(ExtraEstimate("education", str(vintage), baseline, str(last["period"]),
                                 extra, "baseline_difference", target, 2,
                                 tuple(dict.fromkeys([str(base["source"].iloc[0]),
                                                      str(last["source"])])),
                                 step=data_step([float(base["value"].iloc[0]),
                                                 float(last["value"])])))
    return sorted(out, key=lambda e: _year(e.end))


def headline(estimates: list[ExtraEstimate]) -> ExtraEstimate | None:
    """The employment estimate that reaches furthest in time (newest edition first)."""
    emp = [e for e in estimates if e.route == "employment"]
    if not emp:
        return None
    return max(emp, key=lambda e: (_year(e.end), e.vintage != "tp-occ-pre2022"))

