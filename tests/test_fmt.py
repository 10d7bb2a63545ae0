"""fmt against the babel facts in notes/report-style.md (babel 2.19, nl_NL)."""

from __future__ import annotations

import datetime as dt

import pytest
from techmonitor import fmt

NB = "\u00a0"


def test_numbers_nl_match_report_style_facts() -> None:
    assert fmt.number(1234567.891, 3) == "1.234.567,891"
    assert fmt.count(12345.4) == "12.345"
    assert fmt.number(1234.5, 1, lang="en") == "1,234.5"


def test_rounding_is_half_away_from_zero() -> None:
    # babel alone rounds half-to-even (2.5 -> 2); reports round like CBS tables
    assert fmt.number(2.5) == "3"
    assert fmt.number(0.5) == "1"
    assert fmt.number(2.675, 2) == "2,68"
    assert fmt.number(-2.5) == "-3"
    assert fmt.number(-0.0001, 1) == "0,0"


def test_percent_and_points() -> None:
    assert fmt.percent(28.3) == "28,3%"
    assert fmt.percent(28.34, 1, "en") == "28.3%"
    assert fmt.percent(95, 0, style="word") == "95 procent"
    assert fmt.percentage_points(2.14) == "2,1 procentpunt"
    assert fmt.percentage_points(-1.0, lang="en", signed=True) == "-1.0 percentage points"
    assert fmt.change(1234) == "+1.234"
    assert fmt.change(-56) == "-56"
    assert fmt.change(0.2) == "0"


def test_money() -> None:
    assert fmt.money(18.7e6) == f"€{NB}18,7{NB}mln"
    assert fmt.money(18.7e6, nbsp=False) == "€ 18,7 mln"
    assert fmt.money(20e6) == f"€{NB}20{NB}mln"
    assert fmt.money(16.4e6, lang="en") == f"€16.4{NB}million"
    assert fmt.money(1.2e9) == f"€{NB}1,2{NB}mld"
    assert fmt.money(6000) == f"€{NB}6.000"


def test_dates_and_periods() -> None:
    assert fmt.date(dt.date(2023, 6, 30)) == "30 juni 2023"
    assert fmt.date("2023-06-30", style="short") == "30-06-2023"
    assert fmt.date(dt.date(2015, 5, 19)) == "19 mei 2015"
    assert fmt.date(dt.date(2023, 6, 30), "en") == "30 June 2023"
    assert fmt.quarter("2023Q2") == "2e kwartaal 2023"
    assert fmt.quarter("2023Q2", style="short") == "K2 2023"
    assert fmt.quarter("2023Q2", "en", "short") == "Q2 2023"
    assert fmt.school_year("2019/20") == "2019/'20"
    assert fmt.period("2019/20", "en") == "2019/20"
    # years are never formatted as numbers (babel would give 2.023)
    assert fmt.period("2023") == "2023"
    assert fmt.period("2023Q4") == "4e kwartaal 2023"


def test_value_by_unit() -> None:
    assert fmt.value(12345.2, "count") == "12.345"
    assert fmt.value(28.34, "share") == "28,3%"
    assert fmt.value_change(2.1, "share") == "+2,1 procentpunt"
    assert fmt.value(3.25, "fte", decimals=1) == "3,3 fte"


def test_bad_arguments_name_the_argument() -> None:
    with pytest.raises(ValueError, match="lang"):
        fmt.number(1, lang="de")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a school year"):
        fmt.school_year("2019")
    with pytest.raises(ValueError, match="finite"):
        fmt.number(float("nan"))


def test_a_planned_amount_keeps_its_unit_in_one_style() -> None:
    # a percentage keeps its sign; whole amounts as measures plan them, no decimals
    assert fmt.value(2, "percent", decimals=0) == "2%"
    assert fmt.value(2.5, "percent", "en") == "2.5%"
    # thousands with a point (a comma in English)
    assert fmt.value(3500, "count") == "3.500"
    assert fmt.value(3500, "count", "en") == "3,500"
    # euros are money: "€ 18,7 mln", never "EUR"
    assert fmt.value(18_700_000, "eur") == "€\u00a018,7\u00a0mln"


def test_a_change_in_percent_has_its_sign_and_its_percent() -> None:
    assert fmt.percent(12.4, 0, signed=True) == "+12%"
    assert fmt.percent(-3.25, 1, signed=True) == "-3,3%"
    assert fmt.percent(0.04, 1, signed=True) == "0,0%"
