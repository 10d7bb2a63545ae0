"""Benchmark: cost of `trends.estimate` relative to one plain statsmodels OLS fit.

Run: ``.venv/bin/python benchmarks/trends.py``. Prints, per series kind, the median seconds of
``estimate`` (model choice + backtest) and its ratio to a bare ``sm.OLS(...).fit()`` on the same
points measured in the same run, so the figure does not depend on how busy the machine is.
A report fits 10–20 series; keep ``estimate`` well under 0.2 s per annual series.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
import statsmodels.api as sm
from techmonitor.trends import estimate


def _median_seconds(fn: Callable[[], object], repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    rng = np.random.default_rng(1)
    annual = pd.Series(20000 + 500 * np.arange(15) + rng.normal(0, 300, 15),
                       index=[str(y) for y in range(2009, 2024)])
    quarters = [f"{y}Q{q}" for y in range(1997, 2024) for q in range(1, 5)]
    season = np.tile([5.0, 8.0, -3.0, -10.0], len(quarters) // 4)
    quarterly = pd.Series(100 + 0.5 * np.arange(len(quarters)) + season
                          + rng.normal(0, 2, len(quarters)), index=quarters)
    share = pd.Series(np.linspace(20, 28, 12) + rng.normal(0, 0.4, 12),
                      index=[str(y) for y in range(2012, 2024)])
    x = sm.add_constant(np.arange(15.0))
    base = _median_seconds(lambda: sm.OLS(annual.to_numpy(), x).fit())
    print(f"baseline: one statsmodels OLS fit {base * 1000:.2f} ms")
    for name, data, kind in (("annual count (15)", annual, "count"),
                             ("share (12)", share, "share"),
                             ("quarterly (108)", quarterly, "quarterly")):
        sec = _median_seconds(lambda d=data, k=kind: estimate(d, kind=k))  # type: ignore[misc]
        print(f"{name:<20} {sec:7.3f} s  = {sec / base:8.0f} x baseline")


if __name__ == "__main__":
    main()
