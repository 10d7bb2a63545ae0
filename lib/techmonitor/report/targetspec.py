"""A target as a report uses it: absolute (:class:`TargetSpec`), or a change from a baseline
that the report's own series resolves (:class:`RelativeTarget`).

Apart from the analysis so that the params check (:mod:`techmonitor.report.checks`), which the
batch runs in its own process while the kernels warm up, needs no trend library.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from techmonitor.errors import ParameterError


@dataclass(frozen=True)
class TargetSpec:
    """A target as the report uses it, from data/targets.yaml or the report's params."""

    value: float
    period: str
    baseline_period: str | None
    baseline_value: float | None
    source: str
    illustrative: bool
    name_nl: str = ""
    name_en: str = ""


@dataclass(frozen=True)
class RelativeTarget:
    """A params target given as a change from a baseline period (``target_change_pct``).

    The baseline value comes from the report's own series, so a params file holds no
    hand-typed figure when only a direction and size of change were agreed.
    """

    change_pct: float
    period: str
    baseline_period: str
    source: str
    illustrative: bool

    def resolve(self, series: pd.DataFrame) -> TargetSpec:
        """The absolute target from the series' value in the baseline period.

        Raises
        ------
        ParameterError
            When the baseline period is not in ``series`` or its value is not positive (a
            percentage of nothing is no target): the report then says so where the target's
            assessment would stand, instead of dropping the target.
        """
        base = series.loc[series["period"] == self.baseline_period, "value"]
        what = f"target {self.change_pct:+g}% on {self.baseline_period}"
        if base.empty:
            raise ParameterError(f"{what}: the series has no value in {self.baseline_period}; "
                                 "choose a baseline period with data or give target_value")
        baseline = float(base.iloc[-1])
        if not baseline > 0:
            raise ParameterError(f"{what}: the value in {self.baseline_period} is "
                                 f"{baseline:g}, and a percentage of that is no target; choose "
                                 "another baseline period or give target_value")
        return TargetSpec(baseline * (1 + self.change_pct / 100), self.period,
                          self.baseline_period, baseline, self.source, self.illustrative)
