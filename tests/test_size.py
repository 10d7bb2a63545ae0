"""The too-small-to-judge rule (issue 20): newest year below 100 gets no verdict."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from techmonitor.progress import size


def test_threshold_is_one_hundred_a_year() -> None:
    assert size.MIN_COUNT_PER_YEAR == 100
    # Energie's hbo first-years under the old name filter: 0 -> 48.
    check = size.judgeable(pd.Series([0.0, 3.0, 4.0, 30.0, 48.0]), frequency="school_year")
    assert (check.judgeable, check.reason, check.newest_year_total) == (False, "too_small", 48.0)
    assert size.judgeable(pd.Series([99.0])).reason == "too_small"
    ok = size.judgeable(pd.Series([20.0, 100.0]))
    assert (ok.judgeable, ok.reason, ok.newest_year_total, ok.threshold) == (
        True, "large_enough", 100.0, 100)


def test_newest_observed_value_counts_and_missing_is_skipped() -> None:
    # A large past does not rescue a small present; a missing newest cell is skipped.
    assert not size.judgeable(pd.Series([900.0, 50.0])).judgeable
    assert size.judgeable(pd.Series([50.0, 150.0, float("nan")])).newest_year_total == 150.0


def test_quarterly_series_sums_its_newest_four_quarters() -> None:
    # 20 + 30 + 25 + 24 = 99 (by hand): too small; one more in the newest quarter makes 100.
    q = [500.0, 20.0, 30.0, 25.0, 24.0]
    assert size.judgeable(pd.Series(q), frequency="quarter").newest_year_total == 99.0
    assert not size.judgeable(pd.Series(q), frequency="quarter").judgeable
    assert size.judgeable(pd.Series(q[:-1] + [25.0]), frequency="quarter").judgeable
    short = size.judgeable(pd.Series([200.0, 200.0]), frequency="quarter")
    assert short.reason == "too_small" and math.isnan(short.newest_year_total)


def test_shares_and_empty_series() -> None:
    assert size.judgeable(pd.Series([0.2, 0.3]), kind="share").reason == "not_a_count"
    assert size.judgeable(pd.Series([0.2, 0.3]), kind="share").judgeable
    empty = size.judgeable(pd.Series([float("nan")]))
    assert (empty.judgeable, empty.reason) == (False, "no_data")
    assert size.judgeable(pd.Series([40.0]), threshold=30).judgeable


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="frequency"):
        size.judgeable(pd.Series([1.0]), frequency="week")
    with pytest.raises(ValueError, match="negative"):
        size.judgeable(pd.Series([-1.0, 200.0]))
