"""Goals 3 and 4 beyond single indicators: retention per EBB method, the 40,000, cohorts."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from techmonitor import fmt
from techmonitor.cohorts import fit_cohorts
from techmonitor.report import document as doc
from techmonitor.report import extra40k, retention

from .report_helpers import ROOT, make_report, shared_report
from .test_cohorts import exact_fixture, noisy_fixture


def _texts(nodes: list[doc.Node]) -> str:
    return " ".join(n.text for n in nodes if isinstance(n, doc.Paragraph | doc.Note))


def _tables(nodes: list[doc.Node]) -> list[doc.Table]:
    return [n for n in nodes if isinstance(n, doc.Table)]


def test_retention_shows_each_method_apart_with_the_published_counts() -> None:
    ctx = shared_report("national.yaml").context
    nodes = retention.goal_blocks(ctx, 4)
    (table,) = [t for t in _tables(nodes) if "Beroepsbehoud" in t.caption]
    rows = [[c.text for c in r] for r in table.rows]
    tech = [r for r in rows if r[0] == "Technische beroepen"]
    # stayed / total as CBS publishes them (x 1 000), and the share computed from them
    assert [r[1:] for r in tech] == [  # in time order, each row with its method
        ["K2 2021", "oude methode (CBS 83120NED)", "1.108.000", "1.156.000",
         fmt.percent(100 * 1108 / 1156, 1, "nl")],
        ["K2 2022", "oude methode (CBS 83120NED)", "1.204.000", "1.264.000",
         fmt.percent(100 * 1204 / 1264, 1, "nl")],
        ["K2 2023", "nieuwe methode (CBS 85388NED)", "1.214.000", "1.270.000",
         fmt.percent(100 * 1214 / 1270, 1, "nl")]]
    text = _texts(nodes)
    assert "Een trend is niet te schatten" in text  # 1 and 2 points per method
    # the chart draws one line per method and class: never one line across the break
    (fig,) = [n for n in nodes if isinstance(n, doc.Figure)]
    assert fig.svg.count("<path") > 0 and "95,6%" in fig.alt


def test_region_report_says_retention_is_national_only() -> None:
    ctx = shared_report("regions/utrecht.yaml").context
    nodes = retention.goal_blocks(ctx, 4)
    assert "alleen landelijk beschikbaar" in _texts(nodes)
    assert not _tables(nodes)


def test_missing_series_name_the_table_that_has_them() -> None:
    ctx = shared_report("national.yaml").context
    text3 = _texts(retention.goal_blocks(ctx, 3))
    assert "85776NED" in text3 and "85574NED" in text3
    assert "stand hierboven" in text3  # the national report shows the 2016 stock above
    sector3 = _texts(retention.goal_blocks(shared_report("sectors/energie.yaml").context, 3))
    assert "85574NED" in sector3 and "hierboven" not in sector3  # nothing shown above there
    assert "83286NED" in _texts(retention.goal_blocks(ctx, 4))


def test_forty_thousand_measured_from_the_data() -> None:
    ctx = shared_report("national.yaml").context
    target = next(t for t in ctx.national_targets if t.id == "masterplan-40000")
    x40 = ctx.national.extra40k
    assert x40 is not None and x40.target == target
    found = {(e.route, e.vintage): e for e in x40.estimates}
    obs = ctx.obs
    emp = obs[(obs.indicator == "employment_tech_occupations") & (obs.sex == "all")]
    # independent: the 2022 edition's two levels, the 2023 edition's published change
    v22 = emp[emp.vintage == "tp-occ-2022"].set_index("period")["value"]
    assert_allclose(found[("employment", "tp-occ-2022")].per_year,
                    (v22["2021"] - v22["2013"]) / 8)
    ch = obs[(obs.indicator == "employment_tech_change_since_2013")
             & (obs.vintage == "tp-occ-2023")]["value"].iloc[0]
    assert_allclose(found[("employment", "tp-occ-2023")].per_year, ch / 9)
    # the pre-2022 series: slope of a least-squares line (closed form) and a t probability
    old = emp[emp.vintage == "tp-occ-pre2022"]
    t = old["period"].astype(float).to_numpy() + 0.5
    y = old["value"].to_numpy(dtype=float)
    tc = t - t.mean()
    slope = float((tc * (y - y.mean())).sum() / (tc**2).sum())
    resid = y - y.mean() - slope * tc
    se = np.sqrt((resid**2).sum() / (len(t) - 2) / (tc**2).sum())
    e = found[("employment", "tp-occ-pre2022")]
    assert_allclose([e.per_year, e.se], [slope, se], rtol=1e-9)
    from scipy import stats
    assert_allclose(e.probability, stats.t.sf((target.target_value - slope) / se, len(t) - 2))
    inflow = obs[(obs.indicator == "inflow_betatech") & (obs.level == "ho") & (obs.sex == "all")
                 & (obs.vintage == "tp-2022-04")].set_index("period")["value"]
    assert_allclose(found[("education", "tp-2022-04")].per_year,
                    inflow["2021/22"] - inflow["2011/12"])
    # the report says the newest measurement with its category, and draws the gap
    nodes = extra40k.blocks(ctx, x40)
    text = _texts(nodes)
    head = found[("employment", "tp-occ-2023")]
    assert f"{head.category.symbol} {head.category.label('nl')}" in text
    assert any(isinstance(n, doc.Figure) for n in nodes)
    assert "40.000" in text
    # probabilities of count series failed the backtests: the number is withheld, the
    # target's place against the slope's 95% interval is said instead
    if not x40.reliable:
        assert "Een kans noemen we niet" in text
        assert fmt.percent(100 * e.probability, 0, "nl") + "." not in text


@pytest.fixture
def cohort_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "data", project / "data")
    df = noisy_fixture().assign(table="83286NED", level="hbo", source="cbs-83286ned",
                                vintage="cbs-83286ned", status="definitive")
    df.to_csv(project / "data" / "cohorts.csv", index=False)
    return project


def test_cohort_block_reports_the_model(cohort_project: Path) -> None:
    ctx = make_report("national.yaml", project_dir=str(cohort_project)).context
    nodes = retention.goal_blocks(ctx, 4)
    text = _texts(nodes)
    assert "83286NED" in text and "Niet beschikbaar: onderwijsbehoud" not in text
    fit = fit_cohorts(pd.read_csv(cohort_project / "data" / "cohorts.csv"))
    ratio = fmt.number(fit.odds_ratio[0], 2, "nl")
    assert f"factor {ratio}" in text
    (table,) = [t for t in _tables(nodes) if "instroomcohort" in t.caption]
    fitted = [c[3].text for c in table.rows]
    assert fitted == [fmt.percent(100 * v, 1, "nl") for v in fit.curves["fitted"]]


def test_cohort_block_says_why_it_failed(cohort_project: Path) -> None:
    df = exact_fixture().iloc[:3].assign(table="83286NED", level="hbo", source="cbs-83286ned",
                                         vintage="cbs-83286ned", status="definitive")
    df.to_csv(cohort_project / "data" / "cohorts.csv", index=False)
    ctx = make_report("national.yaml", project_dir=str(cohort_project)).context
    text = _texts(retention.goal_blocks(ctx, 4))
    assert "Het cohortmodel voor 83286NED kon niet worden geschat" in text


def test_open_data_carries_both_methods_and_the_measurements() -> None:
    from techmonitor.report.results import csv_text
    from techmonitor.report.results_data import results_of

    ctx = shared_report("national.yaml").context
    res = results_of(ctx)
    keys = {s["key"] for s in res["series"]}
    assert {"occupational_retention_tech-cbs-83120ned",
            "occupational_retention_tech-cbs-85388ned",
            "extra_per_year-employment-tp-occ-2023"} <= keys
    old = next(s for s in res["series"] if s["key"] == "occupational_retention_tech-cbs-83120ned")
    assert [(o["period"], round(o["value"], 6)) for o in old["observations"]] == [
        ("2021Q2", round(100 * 1108 / 1156, 6)), ("2022Q2", round(100 * 1204 / 1264, 6))]
    assert "extra_per_year-education-tp-2022-04" in csv_text(res)


def test_key_messages_name_the_forty_thousand_in_the_national_report_only() -> None:
    from techmonitor.report.intro import key_sentences

    ctx = shared_report("national.yaml").context
    sentences = key_sentences(ctx)
    forty = extra40k.key_sentence(ctx)
    assert forty is not None and forty in sentences
    assert "op koers" in forty or "versnelling" in forty or "beperkt" in forty
    assert extra40k.key_sentence(shared_report("sectors/energie.yaml").context) is None
