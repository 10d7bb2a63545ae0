"""The as-of catalogue: publication rules per source and vintage in data/sources.yaml."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from techmonitor.errors import DataValidationError
from techmonitor.reference import default_data_dir
from techmonitor.sources import asof

D = dt.date


def test_period_bounds_and_months() -> None:
    assert asof.period_bounds("2019") == (D(2019, 1, 1), D(2019, 12, 31))
    assert asof.period_bounds("2019/20") == (D(2019, 9, 1), D(2020, 8, 31))
    assert asof.period_bounds("2023Q2") == (D(2023, 4, 1), D(2023, 6, 30))
    assert asof.period_bounds("2023Q4") == (D(2023, 10, 1), D(2023, 12, 31))
    assert asof.add_months(D(2023, 6, 30), 2) == D(2023, 8, 31)  # a month end stays one
    assert asof.add_months(D(2024, 9, 1), 6) == D(2025, 3, 1)
    assert asof.add_months(D(2023, 12, 31), 15) == D(2025, 3, 31)
    assert asof.add_months(D(2024, 1, 15), 1) == D(2024, 2, 15)
    with pytest.raises(ValueError, match="not a contract period"):
        asof.period_bounds("2019-20")


SPEC = {"sources": {
    "edition": {"published": {"date": D(2022, 4, 8), "why": "page dated"}},
    "series": {"published": {"lag_days": 47, "after": "end", "why": "CBS release"},
               "published_vintages": {"old": {"lag_months": 6, "after": "start", "why": "x"}},
               "retrieved": "2024-01-01"},
}}


def _obs(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["source", "vintage", "period"])


def test_published_dates_by_hand() -> None:
    obs = _obs([("edition", "tp", "2020/21"), ("series", "v", "2023Q2"),
                ("series", "v", "2023Q3"), ("series", "old", "2019/20")])
    assert asof.published_dates(obs, SPEC).tolist() == [
        "2022-04-08", "2023-08-16", "2023-11-16", "2020-03-01"]


def test_published_after_retrieval_is_refused() -> None:
    obs = _obs([("series", "v", "2023Q4")])  # 2023-12-31 + 47 days is after 2024-01-01
    with pytest.raises(DataValidationError) as exc:
        asof.published_dates(obs, SPEC)
    assert "period 2023Q4 would be published 2024-02-16, after the file was retrieved" \
        in exc.value.problems[0]


def test_missing_or_unexplained_rule() -> None:
    spec = {"sources": {"a": {"title": "no rule"},
                        "b": {"published": {"date": "2020-01-01"}}}}
    with pytest.raises(DataValidationError, match="source a .*no publication rule"):
        asof.published_dates(_obs([("a", "v", "2020")]), spec)
    with pytest.raises(DataValidationError, match="must say why"):
        asof.published_dates(_obs([("b", "v", "2020")]), spec)


def test_bundled_catalogue_dates_every_row() -> None:
    """Every bundled observation has a publication date from the catalogue, and the dates
    agree with what is known independently (the CBS metadata date of 2023Q2; DUO's files)."""
    data = default_data_dir()
    obs = pd.read_csv(data / "observations.csv", dtype=str, keep_default_na=False)
    spec = asof.load_spec(data)
    again = asof.published_dates(obs, spec)
    assert (again == obs["published"]).all()
    assert obs["published"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()

    def when(indicator: str, period: str, vintage: str) -> str:
        row = obs[(obs.indicator == indicator) & (obs.period == period) & (obs.vintage == vintage)
                  & (obs.region == "NL") & (obs.sex == "all") & (obs.sector == "all")]
        return str(row["published"].iloc[0])

    assert when("vacancies_open", "2023Q2", "cbs-80472ned") == "2023-08-16"
    assert when("inflow_tech", "2024/25", "duo-hbo-2025") == "2025-03-01"
    assert when("diplomas_tech", "2023", "duo-hbo-diplomas") == "2025-03-31"
    assert when("inflow_betatech", "2021/22", "tp-2022-04") == "2022-04-08"
    assert when("hbo_dropout_first_year_pub", "2021/22", "sg-vh-2023-07") == "2023-07-31"
