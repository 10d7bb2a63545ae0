"""Per indicator: the series for this report, its trend, target, assessment and projection.

One :class:`Item` per (indicator, level) that has data for the report's sector or region.
Everything the sections show about an indicator is computed here once and reused by the key
messages, the goal sections, the labour-market section and the summary.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from techmonitor import bilingual, fmt, progress, trends
from techmonitor.errors import ParameterError, ShareOutOfRangeError, TechmonitorError
from techmonitor.indicators import Indicator
from techmonitor.messages import Lang, msg
from techmonitor.periods import to_decimal_year
from techmonitor.progress import size as size_rule
from techmonitor.progress.size import PERIODS_PER_YEAR, SizeCheck, judgeable
from techmonitor.reference import Target
from techmonitor.report.targetspec import RelativeTarget, TargetSpec


@dataclass(frozen=True)
class Item:
    """One indicator series of the report with everything computed about it.

    ``error`` says why a step failed (``error_step``: ``trend`` or ``target``); the sections
    print it where the result would stand.
    """

    ind: Indicator
    level: str
    series: pd.DataFrame
    trend: trends.TrendResult | None
    target: TargetSpec | None
    assessment: progress.TargetAssessment | progress.TrendAssessment | None
    band: pd.DataFrame | None
    error: str | None = None
    error_step: str | None = None
    #: the too-small rule (:func:`size_check`); a series that fails it gets no verdict
    size: SizeCheck | None = None
    #: a share series with values above 100% (or below 0): each (period, value) outside
    outside: tuple[tuple[str, float], ...] = ()
    #: the target's own failure when the trend failed too (said after the trend's)
    target_error: str | None = None

    def reason(self, lang: Lang) -> str | None:
        """Why a step failed, in the reader's words where the cause is known (``error`` is
        the technical line for the manifest and the command line)."""
        if not self.outside:
            return self.error
        low, high = trends.SHARE_RANGE
        values = ", ".join(f"{fmt.period(p, lang)} ({fmt.percent(v, 1, lang)})"
                           for p, v in self.outside)
        said = msg("why.share_outside", lang, values=values, low=fmt.percent(low, 0, lang),
                   high=fmt.percent(high, 0, lang))
        return f"{said}; {self.target_error}" if self.target_error else said

    def view(self) -> Item:
        """The same item with its own copy-on-write views of the frames (one per report)."""
        return replace(self, series=self.series.copy(deep=False),
                       band=None if self.band is None else self.band.copy(deep=False))

    @property
    def key(self) -> str:
        """Stable id used for anchors and chart salts: ``inflow_tech-hbo``."""
        return f"{self.ind.code}-{self.level}"

    def name(self, lang: str) -> str:
        """Indicator name in ``lang`` with the education level, if any."""
        base = bilingual.text(self.ind, "name", lang)
        if self.level in ("all", "") or self.level.lower() in base.lower():
            return base
        return f"{base} ({self.level})"

    @property
    def illustrative(self) -> bool:
        """True when any observation of the series is illustrative."""
        return bool((self.series["status"] == "illustrative").any())

    @property
    def latest(self) -> pd.Series:
        """Last observation (row of :attr:`series`)."""
        return self.series.iloc[-1]

    @property
    def category(self) -> progress.Category | None:
        """The assessment's category, if assessed."""
        return self.assessment.category if self.assessment is not None else None

    @property
    def judged(self) -> bool:
        """False when the series is too small to judge (the report gives it no verdict)."""
        return self.size is None or self.size.judgeable

    @property
    def ci95(self) -> tuple[float, float] | None:
        """The 95% interval of the trend slope per year (None without one)."""
        ci = self.trend.slope_ci95 if self.trend is not None else None
        if ci is None or not all(finite(v) for v in ci):
            return None
        return float(ci[0]), float(ci[1])

    @property
    def significant(self) -> bool:
        """True when the slope's 95% interval excludes no change: only then may a sentence
        or cell give the series a direction."""
        ci = self.ci95
        return self.judged and ci is not None and (ci[0] > 0 or ci[1] < 0)

    @property
    def movement(self) -> Literal["rise", "fall", "flat"] | None:
        """``rise``/``fall`` when significant, ``flat`` when the interval includes no change,
        None when the series has no interval or is too small to judge."""
        ci = self.ci95
        if ci is None or not self.judged:
            return None
        return "rise" if ci[0] > 0 else "fall" if ci[1] < 0 else "flat"

    @property
    def favourable(self) -> bool | None:
        """Whether a significant movement is the one the indicator's direction asks for
        (None without a direction or without a significant movement)."""
        move = self.movement
        if self.ind.direction not in ("up", "down") or move not in ("rise", "fall"):
            return None
        return (move == "rise") == (self.ind.direction == "up")

    def unit(self) -> str:
        """Unit for formatting (``count`` or ``share``)."""
        return "share" if self.ind.kind == "share" else "count"

    def value(self, x: float, lang: Lang) -> str:
        """Format a value of this indicator."""
        return fmt.value(x, self.unit(), lang)

    def sources(self) -> list[str]:
        """Source keys of the shown observations, in order of appearance."""
        return list(dict.fromkeys(str(s) for s in self.series["source"]))


def kind_for(ind: Indicator) -> Literal["count", "share", "quarterly"]:
    """Trend kind for :func:`techmonitor.trends.estimate`."""
    if ind.frequency == "quarter":
        return "quarterly"
    return "share" if ind.kind == "share" else "count"


def match_target(
    ind: Indicator, level: str, sector: str, region: str, national: list[Target],
    own: list[Any],
) -> TargetSpec | RelativeTarget | None:
    """The target for this series: the report's own params first, then data/targets.yaml."""
    for t in own:
        if t.indicator == ind.code and t.level == level:
            if t.target_change_pct is not None:
                return RelativeTarget(t.target_change_pct, t.target_period, t.baseline_period,
                                      t.source, t.status == "illustrative")
            return TargetSpec(t.target_value, t.target_period, t.baseline_period,
                              t.baseline_value, t.source, t.status == "illustrative")
    for t in national:
        if (t.indicator, t.level, t.sector, t.region) == (ind.code, level, sector, region):
            return TargetSpec(t.target_value, t.target_period, t.baseline_period,
                              t.baseline_value, t.source, t.status == "illustrative",
                              t.name_nl, t.name_en)
    return None


#: what a fit or an assessment is expected to raise on an odd series; anything else is a bug
#: and fails the report (the batch isolates it)
EXPECTED_ERRORS = (TechmonitorError, np.linalg.LinAlgError)


def analyse(
    series: pd.DataFrame,
    ind: Indicator,
    *,
    level: str,
    target: TargetSpec | RelativeTarget | None,
    horizon_year: int,
    as_of: str | None = None,
) -> Item | None:
    """Trend, assessment and projection of one indicator series; None without data.

    ``series`` is the report's series (:func:`techmonitor.report.series.select`); ``as_of``
    the report quarter (a target period that ended before it has passed). A step that
    fails with an expected error leaves its result empty and records why (``Item.error``);
    the series itself is always kept. A count series too small to judge
    (:func:`size_check`) keeps its trend line but gets no assessment and no projection.
    """
    if series.empty:
        return None
    size = size_check(series, ind)
    target_error = None
    if isinstance(target, RelativeTarget):
        try:
            target = target.resolve(series)
        except ParameterError as exc:  # shown where the target's assessment would stand
            target, target_error = None, str(exc)
    direction: Literal["up", "down"] = "down" if ind.direction == "down" else "up"
    if ind.frequency == "irregular" and series["period"].str.contains("Q").any():
        # single dated readings (UWV's "begin 2016") are no time series: nothing to fit
        return Item(ind, level, series, None, target, None, None, target_error,
                    "target" if target_error else None, size)
    with warnings.catch_warnings():
        # statsmodels warnings are recorded on the result (messages); never in the report
        warnings.simplefilter("ignore")
        try:
            trend = fit(series, ind, target.period if target else None)
        except EXPECTED_ERRORS as exc:
            why = reason_of(exc) + (f"; {target_error}" if target_error else "")
            outside = exc.points if isinstance(exc, ShareOutOfRangeError) else ()
            return Item(ind, level, series, None, target, None, None, why, "trend", size,
                        outside, target_error)
        if not size.judgeable:  # shown, but no verdict and no projection (the text says why)
            return Item(ind, level, series, trend, target, None, None, target_error,
                        "target" if target_error else None, size)
        assessment: progress.TargetAssessment | progress.TrendAssessment | None = None
        error, step = target_error, "target" if target_error else None
        if target is not None:
            try:
                assessment = progress.assess_target(
                    trend, target.value, target.period, target.baseline_period,
                    target.baseline_value, direction=direction,
                    target_illustrative=target.illustrative, as_of=as_of)
                assessment = respect_uncertainty(assessment, trend)
            except EXPECTED_ERRORS as exc:  # e.g. a baseline outside the data
                error, step = reason_of(exc), "target"
        if assessment is None:
            assessment = progress.assess_trend(
                trend, direction=None if ind.direction == "none" else direction)
        band = projection_band(trend, target, horizon_year)
    return Item(ind, level, series, trend, target, assessment, band, error, step, size)


def size_check(series: pd.DataFrame, ind: Indicator) -> SizeCheck:
    """The too-small rule (:func:`techmonitor.progress.size.judgeable`) on one series.

    Irregular readings (single dated figures, often a stock such as open vacancies at one
    moment) are judged on their newest reading, as a yearly figure.
    """
    freq = ind.frequency if ind.frequency in PERIODS_PER_YEAR else "year"
    return judgeable(series["value"], kind=ind.kind, frequency=freq,
                     threshold=size_rule.MIN_COUNT_PER_YEAR)


def respect_uncertainty(assessment: progress.TargetAssessment, trend: trends.TrendResult
                        ) -> progress.TargetAssessment:
    """No "moving away" on a trend whose 95% interval includes no change.

    :func:`~techmonitor.progress.assess_target` gives ``moving_away`` without an interval
    when the baseline met the target and the latest value no longer does; that is a
    direction, so it stands only when the slope's interval excludes zero, else the
    verdict is ``uncertain`` (the point category is kept).
    """
    ci = trend.slope_ci95
    if assessment.category is not progress.MOVING_AWAY or assessment.ratio_ci95 is not None:
        return assessment
    if ci is not None and all(finite(v) for v in ci) and (ci[0] > 0 or ci[1] < 0):
        return assessment
    return replace(assessment, category=progress.UNCERTAIN,
                   point_category=progress.MOVING_AWAY,
                   trend_ci95=None if ci is None else (float(ci[0]), float(ci[1])))


def fit(series: pd.DataFrame, ind: Indicator, target_period: str | None
        ) -> trends.TrendResult:
    """The calibrated trend of a series of ``ind``: the one fit of every indicator series
    (the shared sections' and the author's ``report.trend``)."""
    with warnings.catch_warnings():
        # statsmodels warnings are recorded on the result (messages); never in the report
        warnings.simplefilter("ignore")
        return trends.estimate(series, kind=kind_for(ind), target_period=target_period)


def reason_of(exc: BaseException) -> str:
    """An exception as a reason a reader can follow (our errors already are one)."""
    if isinstance(exc, TechmonitorError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def projection_band(trend: trends.TrendResult, target: TargetSpec | None,
          horizon_year: int) -> pd.DataFrame | None:
    """Projection from the last observation to the target period or the horizon year."""
    if not trend.has_model or trend.kind == "quarterly":
        return None
    t_last = float(trend.data.t[-1])
    horizon = str(horizon_year)
    if trend.data.period_kind == "school_year":  # the school year that ends in that year
        horizon = f"{horizon_year - 1}/{horizon_year % 100:02d}"
    ends = [(to_decimal_year(horizon), horizon)]
    if target is not None:
        ends.append((to_decimal_year(target.period), target.period))
    t_end, end = max(ends)
    if t_end <= t_last + 1e-9:
        return None
    fc = trend.forecast(target=end)
    first = pd.DataFrame({"period": [trend.data.periods[-1]], "t": [t_last]})
    fitted = trend.fitted
    if len(fitted):  # start the band at the last fitted value so it joins the series
        v = float(fitted.iloc[-1])
        for col in ("mean", "lo80", "hi80", "lo95", "hi95"):
            first[col] = v
        fc = pd.concat([first, fc], ignore_index=True)
    return fc


def change_since(item: Item, lang: Lang) -> str:
    """Change of the latest value against the same period a year earlier, formatted (one
    base for every series: :func:`techmonitor.report.bases.year_earlier`)."""
    from techmonitor.report.bases import year_earlier

    ch = year_earlier(item.series)
    if ch is None:
        return msg("none", lang)
    text = fmt.value_change(ch.change, item.unit(), lang)
    return msg("change.since", lang, change=text,
               period=fmt.period(ch.base_period, lang, "short"))


def trend_word(item: Item, lang: Lang) -> str:
    """Average change per year of the linear trend: ``↗ +874 per jaar``.

    The arrow follows the sign of the slope and is shown only when the slope's 95% interval
    excludes no change; otherwise the cell says the trend is not significant, and a series
    too small to judge says that instead.
    """
    trend = item.trend
    if trend is None and item.error:
        return msg("not_estimated", lang)
    if trend is None and item.ind.frequency == "irregular":
        return msg("trend.readings", lang)
    if not item.judged:
        return msg("trend.too_small", lang)
    if trend is None or trend.slope is None or not finite(trend.slope):
        return msg("trend.none", lang)
    slope = trend.slope
    per_year = fmt.value_change(slope, item.unit(), lang)
    if not item.significant:  # no arrow on an interval that includes no change
        return msg("trend.per_year_ns", lang, change=per_year)
    arrow = "↗" if slope > 0 else "↘"
    return msg("trend.per_year", lang, arrow=arrow, change=per_year)


def kind_reliable(kind: str, calibration: Mapping[str, Any]) -> bool:
    """True unless backtests found probabilities of this kind of series unreliable.

    The committed calibration table's reliability check, within its sampling error (the
    block bootstrap over origin years); a kind without a check counts as reliable.
    """
    entry = (calibration.get("kinds") or {}).get(kind) or {}
    rel = entry.get("reliability") or {}
    if not rel:
        return True
    return bool(rel.get("reliable_sampling", rel.get("reliable", True)))


def overconfident(item: Item, calibration: Mapping[str, Any]) -> bool:
    """True when backtests found probabilities of this item's kind of series unreliable
    (:func:`kind_reliable`): the report then gives no probability for it."""
    return not kind_reliable(kind_for(item.ind), calibration)


def band80_at(item: Item, period: str) -> tuple[float, float] | None:
    """The 80% projection interval of ``item`` in ``period`` (None when not projected)."""
    band = item.band
    if band is None or not len(band):
        return None
    row = band.loc[band["period"] == period]
    if row.empty:
        return None
    return float(row["lo80"].iloc[-1]), float(row["hi80"].iloc[-1])


def finite(x: float | None) -> bool:
    """True for a real, finite number."""
    return x is not None and isinstance(x, int | float) and math.isfinite(x)
