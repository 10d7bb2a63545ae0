"""Catalogue <-> data, share recomputation, sector sums, vintages never spliced."""

from __future__ import annotations

import pandas as pd
import pytest
from numpy.testing import assert_allclose
from techmonitor.indicators import catalogue_problems, load_catalogue, series_for
from techmonitor.observations import load_observations
from techmonitor.reference import default_data_dir, load_sectors

DATA = default_data_dir()


@pytest.fixture(scope="module")
def ctx() -> tuple[pd.DataFrame, dict, object]:
    return load_observations(DATA), load_catalogue(DATA), load_sectors(DATA)


def _obs(rows: list[tuple]) -> pd.DataFrame:
    cols = ["indicator", "period", "level", "sector", "region", "sex", "value", "source",
            "vintage", "status"]
    return pd.DataFrame(rows, columns=cols)


def test_catalogue_matches_data(ctx) -> None:
    obs, cat, _ = ctx
    assert catalogue_problems(DATA, obs) == []
    used = set(obs["indicator"])
    assert used <= set(cat)  # every code used is defined
    for ind in cat.values():  # and every definition is used (directly or via its parts)
        if ind.fetched_by_update:  # fetched by `techmonitor data update`: may have no data yet
            continue
        parts = [ind.numerator.indicator, ind.denominator.indicator] if ind.derived else [ind.code]
        assert set(parts) <= used, ind.code
    required = {"inflow_tech", "inflow_total", "inflow_tech_share", "inflow_tech_women_share",
                "diplomas_tech", "diplomas_total", "diplomas_tech_share", "mbo_participants_tech",
                "mbo_participants_total", "mbo_participants_tech_share", "vacancies_open",
                "inflow_betatech", "tech_educated_in_tech_job_share",
                "employment_tech_occupations", "roa_openings_2011_2016", "roa_inflow_2011_2016"}
    assert required <= set(cat)
    assert {i.goal for i in cat.values()} >= {1, 2, 3, 4}


def test_share_recomputed_not_averaged() -> None:
    cat = load_catalogue(DATA)
    rows = []
    for region, tech, total in (("PV20", 10, 100), ("PV21", 90, 100)):
        for code, v in (("inflow_tech", tech), ("inflow_total", total)):
            rows.append((code, "2019/20", "hbo", "all", region, "all", v, "duo-ho-eerstejaars",
                         "duo-croho-2019", "definitive"))
    # national rows = sums; a share of the sums is 100/200 = 50 (the mean of 10% and 90%
    # would also be 50, so make the denominators unequal)
    rows += [("inflow_tech", "2019/20", "hbo", "all", "NL", "all", 100, "duo-ho-eerstejaars",
              "duo-croho-2019", "definitive"),
             ("inflow_total", "2019/20", "hbo", "all", "NL", "all", 300, "duo-ho-eerstejaars",
              "duo-croho-2019", "provisional")]
    s = series_for(_obs(rows), cat, "inflow_tech_share", level="hbo")
    assert_allclose(s["value"], [100 / 3])
    assert s["status"].item() == "provisional"  # the weaker status wins


def test_real_shares(ctx) -> None:
    obs, cat, ref = ctx
    # the DUO 2019 files (the default is DUO's current definition, 2020/21 on: a break)
    s = series_for(obs, cat, "inflow_tech_women_share", level="hbo", sectors_ref=ref,
                   vintage="duo-croho-2019")
    assert_allclose(s["value"].iloc[[0, -1]], [100 * 4258 / 20087, 100 * 5465 / 23561])
    new = series_for(obs, cat, "inflow_tech_women_share", level="hbo", sectors_ref=ref)
    assert set(new["vintage"]) == {"duo-hbo-2025"} and new["period"].iloc[0] == "2020/21"
    m = series_for(obs, cat, "mbo_participants_tech_share", level="mbo")
    assert_allclose(m["value"].iloc[0], 100 * 132130 / (132130 + 339718))


def test_top_sector_vacancies_sum_sbi_codes(ctx) -> None:
    obs, cat, ref = ctx
    s = series_for(obs, cat, "vacancies_open", sector="agri-food", sectors_ref=ref)
    assert set(s["vintage"]) == {"cbs-80472ned"}
    parts = obs[(obs.indicator == "vacancies_open") & (obs.vintage == "cbs-80472ned")
                & obs.sector.isin(["sbi-A", "sbi-10-12"]) & (obs.region == "NL")]
    expect = parts.groupby("period")["value"].sum()
    got = s.set_index("period")["value"]
    assert_allclose(got, expect.loc[got.index])
    prov = series_for(obs, cat, "vacancies_open", sector="energie", region="PV20",
                      sectors_ref=ref)
    assert set(prov["vintage"]) == {"cbs-83599ned"}
    q = obs[(obs.indicator == "vacancies_open") & (obs.region == "PV20")
            & obs.sector.isin(["sbi-B", "sbi-D"]) & (obs.period == "2019Q1")]["value"].sum()
    assert prov.set_index("period").loc["2019Q1", "value"] == q


def test_sector_sum_skips_incomplete_periods() -> None:
    cat = load_catalogue(DATA)
    ref = load_sectors(DATA)
    rows = [("vacancies_open", p, "all", code, "NL", "all", 100.0, "cbs-80472ned",
             "cbs-80472ned", "definitive")
            for p, code in (("2020Q1", "sbi-A"), ("2020Q1", "sbi-10-12"), ("2020Q2", "sbi-A"))]
    s = series_for(_obs(rows), cat, "vacancies_open", sector="agri-food", sectors_ref=ref)
    assert s["period"].tolist() == ["2020Q1"] and s["value"].tolist() == [200.0]


def test_vintages_never_spliced(ctx) -> None:
    obs, cat, _ = ctx
    s = series_for(obs, cat, "inflow_betatech_share", level="ho")
    assert s["vintage"].nunique() == 1
    old = series_for(obs, cat, "inflow_betatech_share", level="ho", vintage="tp-2021-01")
    assert old.set_index("period").loc["2020/21", "value"] == 27
    new = series_for(obs, cat, "inflow_betatech_share", level="ho", vintage="tp-2022-04")
    assert new.set_index("period").loc["2020/21", "value"] == 28
    women = series_for(obs, cat, "inflow_betatech_women_share", level="hbo")
    assert women["vintage"].nunique() == 1


def test_sector_education_series(ctx) -> None:
    obs, cat, ref = ctx
    for slug in ref.slugs:
        s = series_for(obs, cat, "inflow_sector", level="ho", sector=slug, sectors_ref=ref)
        assert len(s) == 5 and (s["value"] > 0).all(), slug
    hi = series_for(obs, cat, "inflow_sector", level="ho", sector="hightech")
    tech = series_for(obs, cat, "inflow_tech", level="ho")
    assert (hi["value"].to_numpy() < tech["value"].to_numpy()).all()


def test_unknown_indicator_message(ctx) -> None:
    obs, cat, _ = ctx
    with pytest.raises(KeyError, match="did you mean"):
        series_for(obs, cat, "inflow_tek")
