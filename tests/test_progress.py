"""Progress categories against hand-computed cases, and measure status rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from techmonitor.errors import ParameterError
from techmonitor.progress import (
    ACCELERATION_NEEDED,
    ACHIEVED,
    AT_RISK,
    BEHIND,
    DONE,
    LIMITED_PROGRESS,
    MOVING_AWAY,
    NO_SIGNIFICANT_CHANGE,
    NOT_ASSESSABLE,
    NOT_STARTED,
    ON_SCHEDULE,
    ON_TRACK,
    SIGNIFICANT_FALL,
    SIGNIFICANT_RISE,
    UNCERTAIN,
    MeasurePlan,
    Realisation,
    assess_measure,
    assess_target,
    assess_trend,
    cagr,
    category_for_ratio,
    measure_rules_text,
    target_rules_text,
)
from techmonitor.trends import estimate

# baseline 100 in 2010, target 200 in 2020: required CAGR = 2^(1/10) - 1
REQ = 2 ** 0.1 - 1


def ratio_category(a: object) -> object:
    """The category of the point ratio: two points give no trend interval, so the verdict
    itself is 'not assessable' (see test_verdict_needs_the_interval)."""
    return a.point_category or a.category  # type: ignore[attr-defined]


def series_reaching(latest: float) -> pd.Series:
    """Baseline 100 in 2010, latest value in 2015 (5 years on real time)."""
    return pd.Series([100.0, latest], index=["2010", "2015"])


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        (1.20, ON_TRACK),
        (0.95, ON_TRACK),  # exactly at the threshold
        (0.949, ACCELERATION_NEEDED),
        (0.60, ACCELERATION_NEEDED),
        (0.599, LIMITED_PROGRESS),
        (0.0, LIMITED_PROGRESS),  # no movement at all
        (-0.01, MOVING_AWAY),
        (-1.0, MOVING_AWAY),
    ],
)
def test_cagr_categories_at_and_around_thresholds(ratio: float, expected: object) -> None:
    latest = 100 * (1 + ratio * REQ) ** 5  # hand-computed: actual CAGR = ratio × required
    a = assess_target(series_reaching(latest), 200, "2020")
    assert ratio_category(a) is expected
    assert a.category is NOT_ASSESSABLE and a.ratio_ci95 is None
    assert a.method == "cagr"
    assert_allclose(a.required_growth, REQ, rtol=1e-12)
    assert_allclose(a.ratio, ratio, atol=1e-12)
    assert_allclose(a.actual_change_per_year, (latest - 100) / 5)
    assert_allclose(a.required_change_per_year, (200 - latest) / 5)
    assert_allclose(a.required_change_per_year_from_baseline, 10.0)


def test_category_for_ratio_plain() -> None:
    assert category_for_ratio(0.95) is ON_TRACK
    assert category_for_ratio(0.9499999999999) is ON_TRACK  # float noise is rounded away
    assert category_for_ratio(0.94999) is ACCELERATION_NEEDED
    assert category_for_ratio(float("nan")) is NOT_ASSESSABLE


def test_direction_down() -> None:
    # baseline 100 → target 50 in 2020; required CAGR = 0.5^(1/10) - 1 < 0
    req = 0.5 ** 0.1 - 1
    for ratio, expected in ((0.95, ON_TRACK), (0.5, LIMITED_PROGRESS), (-0.2, MOVING_AWAY)):
        latest = 100 * (1 + ratio * req) ** 5
        a = assess_target(series_reaching(latest), 50, "2020", direction="down")
        assert ratio_category(a) is expected, ratio
        assert_allclose(a.ratio, ratio, atol=1e-12)


def test_edge_cases() -> None:
    assert assess_target(series_reaching(210), 200, "2020").category is ACHIEVED
    assert assess_target(series_reaching(40), 50, "2020", direction="down").category is ACHIEVED
    # baseline already above an 'up' target, latest now below it
    a = assess_target(series_reaching(90), 95, "2020")
    assert a.category is MOVING_AWAY and a.notes
    # zero/negative values: CAGR undefined → linear changes per year
    s = pd.Series([-10.0, 5.0], index=["2010", "2015"])
    a = assess_target(s, 20, "2020")
    assert a.method == "linear"
    assert_allclose(a.ratio, (15 / 5) / (30 / 10))
    assert ratio_category(a) is ON_TRACK
    # only a baseline observation
    one = pd.Series([100.0], index=["2010"])
    assert assess_target(one, 200, "2020").category is NOT_ASSESSABLE
    # baseline value stated by the target document, not in the data
    a = assess_target(series_reaching(150), 200, "2020", baseline_period="2008",
                      baseline_value=90)
    assert_allclose(a.actual_growth, cagr(90, 150, 7.0))
    with pytest.raises(ParameterError, match="baseline_value"):
        assess_target(series_reaching(150), 200, "2020", baseline_period="2008")
    with pytest.raises(ParameterError, match="direction"):
        assess_target(series_reaching(150), 200, "2020", direction="sideways")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="after baseline"):
        assess_target(series_reaching(150), 200, "2009")


def test_school_years_use_real_time() -> None:
    s = pd.Series([100.0, 121.0], index=["2015/16", "2017/18"])  # 2 years apart
    a = assess_target(s, 150, "2019/20")
    assert_allclose(a.actual_growth, 0.10)


@settings(max_examples=60, deadline=None)
@given(
    latest=st.lists(st.floats(1, 400), min_size=2, max_size=2),
    target=st.floats(101, 400),
    down=st.booleans(),
)
def test_categories_monotone_in_actual_growth(latest: list[float], target: float,
                                              down: bool) -> None:
    lo, hi = sorted(latest)
    if down:
        g = 10_000 / target  # a target below the baseline of 100
        r_lo = ratio_category(assess_target(series_reaching(lo), g, "2020",
                                            direction="down")).rank
        r_hi = ratio_category(assess_target(series_reaching(hi), g, "2020",
                                            direction="down")).rank
        assert r_lo >= r_hi  # less growth (more decline) is better
    else:
        r_lo = ratio_category(assess_target(series_reaching(lo), target, "2020")).rank
        r_hi = ratio_category(assess_target(series_reaching(hi), target, "2020")).rank
        assert r_lo <= r_hi


def test_probability_from_predictive_distribution() -> None:
    rng = np.random.default_rng(1)
    y = 1000 + 40 * np.arange(10) + rng.normal(0, 30, 10)
    series = pd.Series(y, index=[str(2010 + i) for i in range(10)])
    # textbook bands and the calibrated (wider) ones: the probability of a band edge is the
    # band's level either way, because both come from one predictive distribution
    for calibrated in (False, True):
        res = estimate(series, calibrated=calibrated)
        fc = res.forecast(target="2025").iloc[-1]
        for value, p_up in ((fc["mean"], 0.5), (fc["lo80"], 0.9), (fc["hi80"], 0.1),
                            (fc["lo95"], 0.975)):
            if value <= y[-1]:
                # a calibrated lower edge (wider band around a damped centre) can lie below
                # the latest value: that target is already met
                assert calibrated and p_up > 0.5
                assert assess_target(res, value, "2025", baseline_period="2010").category \
                    is ACHIEVED
                continue
            a = assess_target(res, value, "2025", baseline_period="2010")
            assert a.category is not ACHIEVED
            assert_allclose(a.probability, p_up, atol=1e-6)
            down = assess_target(res, value, "2025", direction="down", baseline_period="2010")
            assert down.probability is not None
            assert_allclose(down.probability, 1 - p_up, atol=1e-6)
    assert assess_target(series, 5000, "2025").probability is None  # plain data: no model


def test_share_probability_uses_logit_scale() -> None:
    y = np.array([20, 21.5, 22.4, 24.0, 25.1, 26.9, 27.5, 29.2])
    res = estimate(pd.Series(y, index=[str(2012 + i) for i in range(8)]), kind="share")
    fc = res.forecast(target="2030").iloc[-1]
    a = assess_target(res, fc["mean"], "2030")  # median of the predictive distribution
    assert_allclose(a.probability, 0.5, atol=1e-6)
    assert assess_target(res, 100.0, "2030").probability == 0.0


def test_trend_without_target() -> None:
    idx = [str(2010 + i) for i in range(10)]
    rng = np.random.default_rng(5)
    noise = rng.normal(0, 1, 10)
    rise = assess_trend(estimate(pd.Series(50 + 2 * np.arange(10) + noise, index=idx)), "up")
    fall = assess_trend(estimate(pd.Series(50 - 2 * np.arange(10) + noise, index=idx)), "up")
    flat = assess_trend(estimate(pd.Series(50 + noise, index=idx)))
    assert rise.category is SIGNIFICANT_RISE and rise.favourable is True
    assert fall.category is SIGNIFICANT_FALL and fall.favourable is False
    assert flat.category is NO_SIGNIFICANT_CHANGE and flat.ci95[0] < 0 < flat.ci95[1]
    short = assess_trend(estimate(pd.Series([1.0, 2.0], index=["2010", "2011"])))
    assert short.category is NOT_ASSESSABLE


def test_categories_carry_word_symbol_and_colour() -> None:
    for c in (ON_TRACK, ACCELERATION_NEEDED, LIMITED_PROGRESS, MOVING_AWAY, DONE, AT_RISK):
        assert c.label("nl") and c.label("en") and c.symbol and c.colour.startswith("#")
    assert str(ON_TRACK) == "✓ op koers"


# --------------------------------------------------------------------------------- measures
def plan(rows: list[tuple[str, float | None, float | None]], output: float | None = 1000,
         budget: float | None = 1_000_000) -> MeasurePlan:
    return MeasurePlan("m", "2012Q1", "2014Q4", planned_output=output, budget=budget,
                       realised=tuple(Realisation(p, o, s) for p, o, s in rows))


def test_measure_statuses() -> None:
    # 12 quarters; after 2012Q4 a third of the time has passed (f = 1/3)
    on = plan([("2012Q2", 200, 200_000), ("2012Q4", 150, 150_000)])
    assert assess_measure(on, "2012Q4").category is ON_SCHEDULE
    behind = plan([("2012Q4", 250, 250_000)])  # 0.25 < 0.9/3
    assert assess_measure(behind, "2012Q4").category is BEHIND
    risk = plan([("2012Q4", 150, 150_000)])  # 0.15 < 0.6/3
    assert assess_measure(risk, "2012Q4").category is AT_RISK
    overspend = plan([("2012Q4", 340, 1_200_000)])
    assert assess_measure(overspend, "2012Q4").rule == "overspend"
    ahead = plan([("2012Q4", 340, 700_000)])  # spend 70% vs output 34%
    a = assess_measure(ahead, "2012Q4")
    assert a.category is BEHIND and a.rule == "spend_ahead"
    done = plan([("2013Q2", 1000, 900_000)])
    assert assess_measure(done, "2013Q4").category is DONE
    assert assess_measure(plan([]), "2011Q4").category is NOT_STARTED  # before the start
    assert assess_measure(plan([]), "2012Q2").category is NOT_STARTED  # f = 1/6 < 0.25
    assert assess_measure(plan([]), "2013Q1").category is AT_RISK  # nothing after f = 5/12
    late = plan([("2013Q1", 900, 900_000)])
    assert assess_measure(late, "2015Q1").rule == "end_passed"
    # no output target: spend against budget measures progress
    money_only = plan([("2012Q4", None, 340_000)], output=None)
    m = assess_measure(money_only, "2012Q4")
    assert m.category is ON_SCHEDULE and m.output_fraction is None
    assert_allclose(m.expected_fraction, 1 / 3)


def test_measure_table_is_cumulative() -> None:
    a = assess_measure(plan([("2012Q2", 200, 200_000), ("2012Q4", 150, 150_000)]), "2012Q4")
    t = a.table
    assert list(t["period"]) == ["2012Q1", "2012Q2", "2012Q3", "2012Q4"]
    assert_allclose(t["output"], [0, 200, 200, 350])
    assert_allclose(t["planned_output"], np.array([1, 2, 3, 4]) / 12 * 1000)


def test_measure_arguments_checked() -> None:
    with pytest.raises(ParameterError, match="as_of"):
        assess_measure(plan([]), "2012")
    with pytest.raises(ParameterError, match="not after start"):
        assess_measure(MeasurePlan("m", "2014Q1", "2012Q4"), "2013Q1")
    dates = MeasurePlan("m", "2012-03-20", "2012-12-31", planned_output=10,
                        realised=(Realisation("2012Q2", 5),))
    # planned time elapsed by the end of 2012Q2 (30 June), counted in days by hand:
    # 20 Mar → 30 Jun is 103 days (incl. both ends, as the plan's span 20 Mar → 31 Dec is 287)
    got = assess_measure(dates, "2012Q2").expected_fraction
    assert got == pytest.approx(103 / 287, abs=0.01)


def test_rules_text_states_the_thresholds() -> None:
    nl = " ".join(measure_rules_text("nl"))
    en = " ".join(measure_rules_text("en"))
    assert "90%" in nl and "60%" in nl and "25%" in nl and "110%" in nl
    assert "on schedule" in en
    assert "95%" in " ".join(target_rules_text("nl"))


# Baseline 100 in 2010, target 200 in 2020: the target requires +10 a year from the baseline.
# A slope interval (lo, hi) per year gives the ratio interval (lo/10, hi/10) by hand.
@pytest.mark.parametrize(
    ("slope_ci", "point", "expected"),
    [
        ((9.6, 12.0), ON_TRACK, ON_TRACK),                     # 0.96-1.20: all on track
        ((9.0, 12.0), ON_TRACK, UNCERTAIN),                    # 0.90 is acceleration needed
        ((6.1, 9.4), ACCELERATION_NEEDED, ACCELERATION_NEEDED),
        ((5.0, 9.4), ACCELERATION_NEEDED, UNCERTAIN),          # 0.50 is limited progress
        ((0.5, 5.5), LIMITED_PROGRESS, LIMITED_PROGRESS),
        ((-1.0, 5.5), LIMITED_PROGRESS, UNCERTAIN),            # crosses 0
        ((-20.0, -1.0), MOVING_AWAY, MOVING_AWAY),
        ((-10.9, 7.9), MOVING_AWAY, UNCERTAIN),                # the Hightech hbo case
    ],
)
def test_category_only_where_the_interval_supports_it(
        slope_ci: tuple[float, float], point: object, expected: object) -> None:
    from techmonitor.progress.targets import _supported_category

    ratio = {ON_TRACK: 1.0, ACCELERATION_NEEDED: 0.8, LIMITED_PROGRESS: 0.3,
             MOVING_AWAY: -0.2}[point]  # type: ignore[index]
    cat, ci, pt = _supported_category(ratio, slope_ci, 10.0)
    assert pt is point and cat is expected
    assert_allclose(ci, (slope_ci[0] / 10, slope_ci[1] / 10))
    # a target that requires a fall (direction down): the interval flips, the rule is the same
    cat_down, ci_down, _ = _supported_category(ratio, (-slope_ci[1], -slope_ci[0]), -10.0)
    assert cat_down is expected
    assert_allclose(ci_down, ci)


def test_verdict_needs_the_interval() -> None:
    rng = np.random.default_rng(7)
    years = [str(y) for y in range(2010, 2019)]
    steady = pd.Series(100 + 11.0 * np.arange(9) + rng.normal(0, 0.5, 9), index=years)
    a = assess_target(estimate(steady), 300, "2028")
    lo, hi = a.ratio_ci95
    # slope ≈ 11 a year with a tight interval; required (300 − baseline) / 18 ≈ 11.1 a year
    assert lo < a.ratio < hi or a.method == "cagr"
    assert a.category is a.point_category
    noisy = pd.Series(100 + 11.0 * np.arange(9) + rng.normal(0, 60, 9), index=years)
    b = assess_target(estimate(noisy), 300, "2028")
    assert b.category is UNCERTAIN and b.point_category is not UNCERTAIN
    assert b.ratio_ci95[0] < 0.6 < b.ratio_ci95[1]
    # an observed fact needs no interval
    assert assess_target(estimate(noisy), 50, "2028").category is ACHIEVED


def test_uncertain_verdict_is_said_with_its_interval() -> None:
    from techmonitor.narrative import judgement_sentence

    rng = np.random.default_rng(7)
    years = [str(y) for y in range(2010, 2019)]
    noisy = pd.Series(1000 + 110.0 * np.arange(9) + rng.normal(0, 600, 9), index=years)
    res = estimate(noisy)
    a = assess_target(res, 3000, "2028", target_illustrative=True)
    assert a.category is UNCERTAIN
    lo, hi = res.slope_ci95
    text = judgement_sentence(a, "nl")
    assert text.startswith("Oordeel: onzeker (~):")
    # the slope interval, rounded to the person as counts are, and the verdict's caveat
    assert f"tussen {round(lo):+d} en {round(hi):+d} per jaar" in text
    assert "het doel is illustratief" in text and text.endswith(".")
    assert "onzeker" in judgement_sentence(a, "nl") and "uncertain" in judgement_sentence(a, "en")
