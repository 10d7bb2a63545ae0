"""Generated sentences: numbers come from fmt, wording covers the cases reports meet."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from techmonitor import fmt, narrative
from techmonitor.messages import has
from techmonitor.narrative import target_clause, yoy_sentence
from techmonitor.progress import assess_target
from techmonitor.trends import estimate


def describe(*args: object, **kwargs: object) -> str:
    """:func:`narrative.describe` for the singular names of these tests ("de instroom")."""
    return narrative.describe(*args, number="singular", **kwargs)  # type: ignore[arg-type]

NAME = "de technische instroom in het hbo"


def hbo_frame(status: str = "definitive") -> pd.DataFrame:
    periods = [f"{y}/{(y + 1) % 100:02d}" for y in range(2012, 2020)]
    values = np.round(10_000 * 1.03 ** np.arange(8))
    return pd.DataFrame({"period": periods, "value": values, "status": status,
                         "vintage": "croho", "source": "duo"})


def test_target_sentence_nl_and_en() -> None:
    res = estimate(hbo_frame(), target_period="2024/25")
    a = assess_target(res, 14_000, "2024/25")
    nl = describe(NAME, res, a)
    assert nl.startswith("De technische instroom in het hbo steeg van 10.000 in 2012/'13 naar "
                         "12.299 in 2019/'20; volgens de projectie wordt het doel van 14.000 in "
                         "2024/'25 met een kans van ")
    p = round(100 * a.probability)
    assert 1 <= p <= 99  # so the sentence prints the whole percentage
    assert f"met een kans van {p}% gehaald." in nl
    assert f"Oordeel: {a.category.label_nl} ({a.category.symbol})" in nl
    assert "illustratieve" not in nl
    en = describe(NAME, res, a, lang="en")
    assert "rose from 10,000 in 2012/13 to 12,299 in 2019/20" in en
    assert "will be met with a probability of" in en


def test_illustrative_data_are_flagged() -> None:
    res = estimate(hbo_frame("illustrative"))
    assert "(illustratieve gegevens)" in describe(NAME, res)
    assert "(illustrative data)" in describe(NAME, res, lang="en")


def test_no_target_gives_trend_sentence() -> None:
    text = describe(NAME, estimate(hbo_frame()))
    assert "Dat is een significante stijging van gemiddeld +" in text
    assert "95%-betrouwbaarheidsinterval" in text


def test_no_model_says_so_and_still_describes_the_data() -> None:
    res = estimate(pd.Series([12.0, 13.5, 13.1], index=["2013", "2014", "2016"]), kind="share")
    text = describe("het aandeel vrouwen in techniek", res)
    # no trend interval, so no direction: the two values, not "steeg"
    assert text.startswith("Het aandeel vrouwen in techniek: 12,0% in 2013 en 13,1% "
                           "in 2016.")
    assert "te weinig waarnemingen (3)" in text
    assert "too few observations (3)" in describe("the share", res, lang="en")


def test_share_and_already_met_target() -> None:
    y = [20.0, 21.5, 22.4, 24.0, 25.1, 26.9, 27.5, 29.2]
    res = estimate(pd.Series(y, index=[str(2012 + i) for i in range(8)]), kind="share")
    text = describe("het aandeel", res, assess_target(res, 25.0, "2025"))
    assert "daalde" not in text and "29,2%" in text
    assert "het doel van 25,0% in 2025 is daarmee al gehaald" in text
    trend = describe("het aandeel", res)
    assert "procentpunt per jaar" in trend


def test_quarterly_year_on_year() -> None:
    q = [f"{y}Q{k}" for y in range(2019, 2024) for k in range(1, 5)]
    v = 100_000 + 1000 * np.arange(20) + np.tile([5000, -5000, 8000, -8000], 5)
    res = estimate(pd.Series(v, index=q), kind="quarterly")
    text = describe("het aantal technische vacatures", res)
    pct = fmt.percent(100 * (v[-1] - v[-5]) / v[-5])
    assert text.startswith(f"Het aantal technische vacatures in het 4e kwartaal 2023: "
                           f"{fmt.count(v[-1])}, {pct} meer dan een jaar eerder "
                           f"({fmt.count(v[-5])} in het 4e kwartaal 2022).")
    assert yoy_sentence("vacancies", res, "en").startswith("Vacancies in the 4th quarter 2023: ")
    # the trend covers the adjusted window, and the sentence says so
    assert "Over de laatste 20 kwartalen, gecorrigeerd voor seizoensinvloeden, is er een " \
        "significante stijging" in text


def test_excluded_vintage_is_mentioned() -> None:
    old = pd.DataFrame({"period": ["2010/11", "2011/12"], "value": [8000.0, 8100.0],
                        "vintage": "isced"})
    res = estimate(pd.concat([old, hbo_frame()]))
    assert "eerdere definitie (isced)" in describe(NAME, res)


def test_extreme_probability_is_not_written_as_certain() -> None:
    res = estimate(hbo_frame(), target_period="2024/25")
    a = assess_target(res, 100_000, "2024/25")
    text = describe(NAME, res, a)
    assert "met een kans van < 1% gehaald" in text  # the one phrase of every probability
    assert "0%" not in text


def test_illustrative_target_is_named_as_such() -> None:
    res = estimate(hbo_frame(), target_period="2024/25")
    a = assess_target(res, 14_000, "2024/25", target_illustrative=True)
    assert "wordt het illustratieve doel van 14.000 in 2024/'25 met een kans van" in describe(
        NAME, res, a)
    assert "according to the projection the illustrative target of 14,000" in describe(
        NAME, res, a, lang="en")
    met = assess_target(res, 11_000, "2024/25", target_illustrative=True)
    assert "het illustratieve doel van 11.000 in 2024/'25 is daarmee al gehaald" in describe(
        NAME, res, met)


def test_near_certain_target_and_short_quarterly_series() -> None:
    # the textbook distribution: the calibrated one (learned from backtests in which about 1%
    # of forecasts missed by more than any multiple of their standard error) stops near 99%
    res = estimate(hbo_frame(), target_period="2024/25", calibrated=False)
    a = assess_target(res, 12_500, "2024/25")
    assert "met een kans van > 99% gehaald" in describe(NAME, res, a)
    assert "with a probability of > 99%" in describe("the intake", res, a, lang="en")
    q = [f"{y}Q{k}" for y in (2022, 2023) for k in range(1, 5)][:6]
    short = estimate(pd.Series([1.0, 2, 3, 4, 5, 6], index=q), kind="quarterly")
    assert "te weinig kwartalen (6) om voor seizoensinvloeden te corrigeren" in describe(
        "het aantal", short)


def test_every_reason_without_a_model_has_its_own_sentence() -> None:
    for code in ("too_short", "too_short_seasonal", "gaps_in_quarters", "fit_failed"):
        assert has(f"nar.no_model.{code}"), code


def test_english_paragraphs_have_no_dutch_words() -> None:
    res = estimate(hbo_frame("illustrative"), target_period="2024/25")
    texts = [describe("the intake", res, lang="en"),
             describe("the intake", res, assess_target(res, 14_000, "2024/25",
                                                         target_illustrative=True), lang="en"),
             describe("the intake", res, assess_target(res, 11_000, "2024/25"), lang="en")]
    for text in texts:
        words = set(text.replace(".", " ").replace(",", " ").split())
        assert not words & {"het", "de", "van", "doel", "jaar", "gegevens", "Oordeel"}, text


def test_an_overconfident_probability_says_so_beside_the_number() -> None:
    res = estimate(pd.Series([100.0, 104, 109, 111, 118, 121],
                             index=[str(y) for y in range(2014, 2020)]))
    a = assess_target(res, 160, "2025", baseline_period="2014")
    assert a.probability is not None and 0 < a.probability < 1
    plain = target_clause(a, "nl", "count")
    warned = target_clause(a, "nl", "count", overconfident=True)
    caveat = " (zulke kansen bleken in terugtoetsen niet betrouwbaar; zie de methode)"
    assert warned == plain + caveat


def test_probability_is_never_certain_and_withheld_when_unreliable() -> None:
    from techmonitor.narrative import probability

    assert probability(0.734) == "73%"
    assert probability(0.734, "en") == "73%"
    assert probability(0.001) == "< 1%"
    assert probability(0.0) == "< 1%"
    assert probability(0.999) == "> 99%"
    assert probability(1.0) == "> 99%"  # never "100%"
    assert probability(0.995) == "> 99%"  # 99.5 would round half up to 100%
    assert probability(0.005) == "1%"
    assert probability(0.5, reliable=False) is None
    assert probability(None) is None
    with pytest.raises(ValueError):
        probability(1.5)
