"""Turn the data layer's series into the arrays the trend models need.

One place decides which rows are fitted: missing values are dropped, periods are put on real
time (decimal years, :func:`techmonitor.periods.to_decimal_year`), and only one vintage
(definition) is kept, because a change of definition is a break, not a movement of the
indicator.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from techmonitor.errors import DataValidationError, ParameterError
from techmonitor.periods import is_valid, period_kind, shift_quarter, to_decimal_year

ALL_VINTAGES = "all"


@dataclass(frozen=True)
class SeriesData:
    """One indicator series restricted to a single vintage, in time order.

    Attributes
    ----------
    periods
        Period codes (``2019``, ``2019/20`` or ``2023Q2``), all of one kind.
    t
        Real time of each period (decimal year at the middle of the period).
    y
        Values.
    period_kind
        ``"year"``, ``"school_year"`` or ``"quarter"``.
    vintage
        The vintage that was kept (``None`` when the input has no vintage column).
    excluded
        Rows of other vintages that were left out (``period``, ``value``, ``vintage``).
    status
        Status per kept row (``definitive``, ``provisional``, ``illustrative``) or ``None``.
    numerator, denominator
        Counts behind a share, aligned with ``periods`` (``None`` when not given).
    """

    periods: list[str]
    t: np.ndarray
    y: np.ndarray
    period_kind: str
    vintage: str | None = None
    excluded: pd.DataFrame = field(default_factory=lambda: pd.DataFrame())
    status: list[str] | None = None
    source: str | None = None
    numerator: np.ndarray | None = None
    denominator: np.ndarray | None = None

    @property
    def n(self) -> int:
        """Number of observations."""
        return len(self.periods)

    @property
    def illustrative(self) -> bool:
        """True when any kept row has status ``illustrative``."""
        return bool(self.status) and any(s == "illustrative" for s in self.status or [])

    @property
    def step(self) -> float:
        """Regular spacing of the periods in years (1 or 0.25)."""
        return 0.25 if self.period_kind == "quarter" else 1.0

    @property
    def regular(self) -> bool:
        """True when there are no gaps between consecutive periods."""
        if self.n < 2:
            return True
        return bool(np.allclose(np.diff(self.t), self.step, atol=1e-6))

    def frame(self) -> pd.DataFrame:
        """The kept data as a DataFrame (``period``, ``t``, ``value``, ``status``)."""
        return pd.DataFrame(
            {
                "period": self.periods,
                "t": self.t,
                "value": self.y,
                "status": self.status if self.status is not None else [None] * self.n,
            }
        )

    def head(self, k: int) -> SeriesData:
        """The first ``k`` observations (for rolling-origin backtests)."""
        return SeriesData(
            periods=self.periods[:k],
            t=self.t[:k],
            y=self.y[:k],
            period_kind=self.period_kind,
            vintage=self.vintage,
            status=None if self.status is None else self.status[:k],
            source=self.source,
            numerator=None if self.numerator is None else self.numerator[:k],
            denominator=None if self.denominator is None else self.denominator[:k],
        )


def _to_frame(data: Any, argname: str) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        if "period" not in data.columns or "value" not in data.columns:
            raise ParameterError(
                f"{argname}: a DataFrame needs columns 'period' and 'value' "
                f"(got {list(data.columns)})"
            )
        return data.copy()
    if isinstance(data, pd.Series):
        return pd.DataFrame({"period": [str(i) for i in data.index], "value": data.to_numpy()})
    raise ParameterError(
        f"{argname} must be a DataFrame with columns period/value or a Series indexed by "
        f"period code, not {type(data).__name__}"
    )


def _align_counts(
    counts: Any, periods: Sequence[str], frame_index: pd.Index, argname: str
) -> np.ndarray:
    """Align numerator/denominator input with the kept periods."""
    if isinstance(counts, pd.DataFrame):
        counts = _to_frame(counts, argname).set_index("period")["value"]
    if isinstance(counts, pd.Series):
        s = counts.copy()
        s.index = [str(i) for i in s.index]
        missing = [p for p in periods if p not in s.index]
        if missing:
            raise DataValidationError(
                f"{argname} has no value for period(s) {', '.join(missing)}",
                [f"{argname}: missing period {p}" for p in missing],
            )
        return s.loc[list(periods)].to_numpy(dtype=float)
    arr = np.asarray(counts, dtype=float)
    if arr.ndim != 1:
        raise ParameterError(f"{argname} must be one-dimensional")
    # plain arrays are aligned with the rows of the input frame, before filtering
    return arr[frame_index.to_numpy()]


def prepare(
    data: Any,
    vintage: str | None = None,
    numerator: Any = None,
    denominator: Any = None,
    argname: str = "data",
) -> SeriesData:
    """Validate a series and keep one vintage.

    Parameters
    ----------
    data
        DataFrame with columns ``period`` and ``value`` (optionally ``status``, ``vintage``,
        ``source``) as produced by the data layer, or a Series indexed by period code.
    vintage
        Which vintage to fit. Default: the vintage of the latest period, so that the newest
        definition is used. ``"all"`` is refused: fitting across a change of definition would
        read a definition break as a trend.
    numerator, denominator
        Counts behind a share: Series indexed by period code, DataFrames like ``data``, or
        arrays aligned with the rows of ``data``.

    Returns
    -------
    SeriesData

    Raises
    ------
    ParameterError
        Wrong input type, unknown vintage, or ``vintage="all"`` with several vintages.
    DataValidationError
        Invalid period codes, mixed period kinds, or duplicate periods within the vintage.
    """
    df = _to_frame(data, argname).reset_index(drop=True)
    bad = [str(p) for p in df["period"] if not is_valid(str(p))]
    if bad:
        raise DataValidationError(
            f"{argname}: {len(bad)} invalid period code(s); use 2019, 2019/20 or 2023Q2",
            [f"{argname}: period {p!r} is not a period code" for p in bad],
        )
    df["period"] = df["period"].astype(str)
    numbers = pd.to_numeric(df["value"], errors="coerce")
    # a missing value is a gap; text that is not a number is an error, never silently dropped
    garbled = df.loc[numbers.isna() & df["value"].notna(), ["period", "value"]]
    if len(garbled):
        raise DataValidationError(
            f"{argname}: {len(garbled)} value(s) are not numbers; fix or remove them",
            [f"{argname}: period {p}: value {v!r} is not a number"
             for p, v in garbled.itertuples(index=False)],
        )
    df["value"] = numbers
    df = df[np.isfinite(df["value"].to_numpy(dtype=float))]
    kinds = sorted({period_kind(p) for p in df["period"]})
    if len(kinds) > 1:
        raise DataValidationError(
            f"{argname} mixes period kinds {kinds}; a series must use one kind of period"
        )
    df["t"] = [to_decimal_year(p) for p in df["period"]]
    df = df.sort_values("t", kind="stable")

    excluded = pd.DataFrame(columns=["period", "value", "vintage"])
    kept_vintage: str | None = None
    if "vintage" in df.columns and df["vintage"].notna().any() and len(df):
        vint = df["vintage"].astype("string")
        present = list(dict.fromkeys(vint.dropna()))
        if vintage == ALL_VINTAGES:
            if len(present) > 1:
                raise ParameterError(
                    f"vintage='all': {argname} has {len(present)} vintages ({', '.join(present)}); "
                    "a trend is never fitted across a change of definition. Pick one vintage "
                    "or leave vintage=None to use the latest."
                )
            kept_vintage = present[0]
        elif vintage is None:
            kept_vintage = str(vint.iloc[-1])
        elif vintage not in present:
            raise ParameterError(
                f"vintage={vintage!r} does not occur in {argname}; available: {', '.join(present)}"
            )
        else:
            kept_vintage = vintage
        mask = (vint == kept_vintage).fillna(False).to_numpy(dtype=bool)
        excluded = df.loc[~mask, ["period", "value", "vintage"]].reset_index(drop=True)
        df = df[mask]
    elif vintage not in (None, ALL_VINTAGES):
        raise ParameterError(f"vintage={vintage!r} given but {argname} has no vintage column")

    dup = df["period"][df["period"].duplicated()].tolist()
    if dup:
        raise DataValidationError(
            f"{argname}: duplicate period(s) {', '.join(dup)} within one vintage",
            [f"{argname}: period {p} occurs more than once" for p in dup],
        )
    periods = df["period"].tolist()
    num = den = None
    if (numerator is None) != (denominator is None):
        raise ParameterError("give both numerator and denominator, or neither")
    if numerator is not None:
        num = _align_counts(numerator, periods, df.index, "numerator")
        den = _align_counts(denominator, periods, df.index, "denominator")
        wrong = [f"period {p}: numerator {n:g}, denominator {d:g}"
                 for p, n, d in zip(periods, num, den, strict=True)
                 if d <= 0 or n < 0 or n > d]
        if wrong:
            raise DataValidationError(
                "numerator/denominator: need 0 <= numerator <= denominator and denominator > 0",
                wrong,
            )
    status = df["status"].astype(str).tolist() if "status" in df.columns else None
    source = None
    if "source" in df.columns and df["source"].notna().any():
        source = ", ".join(dict.fromkeys(df["source"].dropna().astype(str)))
    return SeriesData(
        periods=periods,
        t=df["t"].to_numpy(dtype=float),
        y=df["value"].to_numpy(dtype=float),
        period_kind=kinds[0] if kinds else "year",
        vintage=kept_vintage,
        excluded=excluded,
        status=status,
        source=source,
        numerator=num,
        denominator=den,
    )


@dataclass(frozen=True)
class Scale:
    """Scale on which a model is fitted. ``logit`` keeps shares (0–100) inside 0–100."""

    name: Literal["identity", "logit"] = "identity"
    #: shares of exactly 0 or 100 are moved this far inside (percentage points) before the logit
    eps: float = 0.05

    def fwd(self, y: np.ndarray) -> np.ndarray:
        y = np.asarray(y, float)
        if self.name == "identity":
            return y
        p = np.clip(y, self.eps, 100.0 - self.eps) / 100.0
        return np.log(p / (1.0 - p))

    def inv(self, z: np.ndarray) -> np.ndarray:
        z = np.asarray(z, float)
        if self.name == "identity":
            return z
        with np.errstate(over="ignore"):  # exp overflow far out simply gives 0%
            return 100.0 / (1.0 + np.exp(-z))

    def derivative(self, z: float) -> float:
        """d(value)/dz at ``z``: converts a model-scale slope to the indicator's unit."""
        if self.name == "identity":
            return 1.0
        p = 1.0 / (1.0 + math.exp(-z))
        return 100.0 * p * (1.0 - p)


@dataclass(frozen=True)
class Backtest:
    """Rolling-origin backtest of one model.

    Attributes
    ----------
    mase
        Mean absolute scaled error of all out-of-sample forecasts; scale = mean absolute one-step
        naive change of the whole series (seasonal naive, lag 4, for quarterly series).
        Below 1: better than "next year equals this year".
    coverage80, coverage95
        Share of out-of-sample observations inside the 80% / 95% prediction interval.
    n_forecasts
        Number of forecasts behind these figures (small numbers mean rough figures).
    origins
        Last period of each training window.
    horizon
        Largest forecast horizon (in periods).
    """

    mase: float
    coverage80: float
    coverage95: float
    n_forecasts: int
    origins: tuple[str, ...]
    horizon: int


def future_periods(last: str, count: int) -> list[str]:
    """The ``count`` period codes after ``last``, in the same style (year, school year, quarter)."""
    kind = period_kind(last)
    y = int(last[:4])
    if kind == "year":
        return [str(y + i) for i in range(1, count + 1)]
    if kind == "school_year":
        return [f"{y + i}/{(y + i + 1) % 100:02d}" for i in range(1, count + 1)]
    return [shift_quarter(last, i) for i in range(1, count + 1)]


def periods_to(last: str, t_last: float, step: float, target: str) -> tuple[list[str], np.ndarray]:
    """The period codes after ``last`` up to ``target`` and their decimal years.

    Parameters
    ----------
    last, t_last
        The last observed period and its decimal year.
    step
        Years between two periods of the series (1; 0.25 for quarters).
    target
        Period code up to which to go. A target at or before ``last`` is the only row; a target
        in another period style than the series (e.g. ``'2030'`` for a school-year series) is
        added as its own row at its real time.

    Raises
    ------
    ParameterError
        If ``target`` is not a period code.
    """
    try:
        t_target = to_decimal_year(str(target))
    except ValueError as exc:
        raise ParameterError(f"target={target!r}: {exc}") from None
    if t_target <= t_last + 1e-9:
        return [str(target)], np.array([t_target])
    k = int(math.ceil((t_target - t_last) / step - 1e-9))
    periods = future_periods(last, k)
    ts = np.array([to_decimal_year(p) for p in periods])
    keep = ts <= t_target + 1e-9
    periods = [p for p, ok in zip(periods, keep, strict=True) if ok]
    ts = ts[keep]
    if not periods or abs(ts[-1] - t_target) > 1e-9:
        # the target is stated in another period style: its own row at its real time
        periods.append(str(target))
        ts = np.append(ts, t_target)
    return periods, ts
