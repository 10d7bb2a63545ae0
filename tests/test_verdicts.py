"""Verdicts that respect uncertainty and size, and one verdict per goal (issue 20).

Hand-written series whose direction is obvious by construction (a straight line with small
alternating noise, or noise around a flat level); each precondition on the 95% interval is
checked with statsmodels OLS directly, independently of the trend code.
"""

from __future__ import annotations

import csv
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
import yaml
from techmonitor import narrative, progress
from techmonitor.messages import msg
from techmonitor.report import store
from techmonitor.report.analysis import Item, analyse, trend_word
from techmonitor.report.goal_verdicts import goal_verdict, share_of_all
from techmonitor.report.intro import status_of
from techmonitor.report.sector_delineation import sector_delineation
from techmonitor.report.targetspec import TargetSpec

from .report_helpers import ROOT

DATA = ROOT / "data"
YEARS = [f"{y}/{(y + 1) % 100:02d}" for y in range(2012, 2020)]  # 8 school years
WIGGLE = np.array([1, -1, 1, -1, 1, -1, 1, -1], dtype=float)


def catalogue() -> Any:
    return store.load_catalogue(DATA)


def frame(values: np.ndarray | list[float], periods: list[str] = YEARS) -> pd.DataFrame:
    return pd.DataFrame({"period": periods, "value": np.asarray(values, dtype=float),
                         "status": "definitive", "vintage": "v", "source": "hand"})


def ols_ci(values: np.ndarray | list[float]) -> tuple[float, float]:
    """Classical OLS 95% interval of the slope per step, by statsmodels directly."""
    y = np.asarray(values, dtype=float)
    fit = sm.OLS(y, sm.add_constant(np.arange(len(y), dtype=float))).fit()
    lo, hi = fit.conf_int(0.05)[1]
    return float(lo), float(hi)


def item(code: str, values: Any, *, level: str = "hbo", target: TargetSpec | None = None,
         periods: list[str] = YEARS, as_of: str | None = None) -> Item:
    out = analyse(frame(values, periods), catalogue()[code], level=level, target=target,
                  horizon_year=2026, as_of=as_of)
    assert out is not None
    return out


def ctx() -> SimpleNamespace:
    """What the phrasing functions read of a report context."""
    return SimpleNamespace(lang="nl", t=lambda key, **v: msg(key, "nl", **v),
                           calibration={})


RISING = 20_000 + 800 * np.arange(8) + 50 * WIGGLE           # clearly up
FLAT = 14_000 + 900 * WIGGLE + 30 * np.arange(8)            # noise around a level
DIRECTIONAL = ("steeg", "daalde", "stijging", "daling", "gestegen", "gedaald",
               "beweegt van", "op koers", "↗", "↘")


def test_preconditions_of_the_hand_series() -> None:
    lo, hi = ols_ci(RISING)
    assert lo > 0
    lo, hi = ols_ci(FLAT)
    assert lo < 0 < hi


def test_no_direction_in_sentence_or_cell_when_the_interval_includes_zero() -> None:
    flat = item("inflow_tech", FLAT)
    assert flat.ci95 is not None and flat.ci95[0] < 0 < flat.ci95[1]
    assert flat.movement == "flat" and not flat.significant
    text = narrative.describe("de instroom", flat.trend, None, None, "nl", "count",  # type: ignore[arg-type]
                              number="singular")
    assert text.startswith("De instroom: 14.900 in 2012/'13 en 13.310 in 2019/'20.")
    assert not any(w in text for w in DIRECTIONAL), text
    assert "geen significante trend" in text
    cell = trend_word(flat, "nl")
    assert "niet significant" in cell and "↗" not in cell and "↘" not in cell

    up = item("inflow_tech", RISING)
    assert up.movement == "rise" and up.favourable is True
    text = narrative.describe("de instroom", up.trend, None, None, "nl", "count",  # type: ignore[arg-type]
                              number="singular")
    assert "steeg van" in text and "significante stijging" in text
    assert trend_word(up, "nl").startswith("↗ ")


def test_target_verdict_on_an_interval_across_categories_is_uncertain_with_it() -> None:
    # +100 a year needed from 14.900; the slope's interval spans more than one category
    flat = item("inflow_tech", FLAT, target=TargetSpec(16_200, "2025/26", "2012/13", None,
                                                      "hand", True))
    a = flat.assessment
    assert isinstance(a, progress.TargetAssessment)
    assert a.category is progress.UNCERTAIN and a.trend_ci95 is not None
    sentence = narrative.judgement_sentence(a, "nl", "count")
    assert "onzeker" in sentence and "illustratief" in sentence  # same sentence
    cell = status_of(flat, ctx())  # type: ignore[arg-type]
    lo, hi = (narrative.fmt.value_change(x, "count", "nl") for x in a.trend_ci95)
    assert cell.text == f"onzeker (trend {lo} tot {hi} per jaar) (illustratief doel)"
    assert not any(w in sentence + cell.text for w in DIRECTIONAL)


def test_crossing_back_over_a_target_is_no_direction_without_a_significant_slope() -> None:
    # the baseline met the target (1100 >= 1000), the latest (950) does not; the slope
    # is noise: "moving away" would be a direction the interval does not support
    values = [1100, 900, 1120, 920, 1080, 950, 1070, 950]
    lo, hi = ols_ci(values)
    assert lo < 0 < hi
    raw = progress.assess_target(
        item("inflow_tech", values).trend, 1000, "2025/26")  # type: ignore[arg-type]
    assert raw.category is progress.MOVING_AWAY  # what the assessment alone says
    shown = item("inflow_tech", values,
                 target=TargetSpec(1000, "2025/26", None, None, "hand", False))
    assert isinstance(shown.assessment, progress.TargetAssessment)
    assert shown.category is progress.UNCERTAIN
    assert shown.assessment.point_category is progress.MOVING_AWAY


def test_a_passed_target_period_says_so() -> None:
    it = item("inflow_tech", RISING, target=TargetSpec(40_000, "2019/20", "2012/13", None,
                                                      "hand", False),
              periods=[f"{y}/{(y + 1) % 100:02d}" for y in range(2011, 2019)], as_of="2023Q3")
    a = it.assessment
    assert isinstance(a, progress.TargetAssessment) and a.period_passed
    assert "(de periode van dit doel is voorbij)" in narrative.target_clause(a, "nl")
    assert status_of(it, ctx()).text.endswith("(doelperiode voorbij)")  # type: ignore[arg-type]


def test_a_series_too_small_to_judge_is_shown_without_a_verdict() -> None:
    small = [30, 34, 38, 40, 43, 44, 46, 48]  # rising, but below 100 a year
    it = item("inflow_sector", small, target=TargetSpec(60, "2025/26", None, None, "hand",
                                                        True))
    assert not it.judged and it.size is not None and it.size.newest_year_total == 48
    assert it.assessment is None and it.band is None and it.category is None
    assert it.movement is None and it.favourable is None
    text = narrative.describe("de instroom", it.trend, None, None, "nl", "count",  # type: ignore[arg-type]
                              size=it.size, number="singular")
    assert text == ("De instroom: 30 in 2012/'13 en 48 in 2019/'20. Te klein om te "
                    "beoordelen: minder dan 100 per jaar (48 in 2019/'20); daarom geen oordeel "
                    "over richting of doel en geen projectie.")
    assert status_of(it, ctx()).text == "te klein om te beoordelen"  # type: ignore[arg-type]
    assert trend_word(it, "nl") == "– te klein om te beoordelen"


def test_goal_one_rests_on_shares_and_counts_are_context() -> None:
    cat = catalogue()
    assert share_of_all(cat["inflow_tech_share"], cat)
    assert share_of_all(cat["mbo_participants_tech_share"], cat)
    assert not share_of_all(cat["inflow_tech_women_share"], cat)  # a share within technology
    assert not share_of_all(cat["inflow_tech"], cat)
    count = item("inflow_tech", RISING)
    falling = item("mbo_participants_tech_share", 28 - 0.3 * np.arange(8) + 0.05 * WIGGLE,
                   level="mbo")
    flat_share = item("inflow_tech_share", 21 + 0.6 * WIGGLE)
    assert ols_ci(28 - 0.3 * np.arange(8) + 0.05 * WIGGLE)[1] < 0
    women = item("inflow_tech_women_share", 20 + 0.8 * np.arange(8) + 0.1 * WIGGLE)
    v = goal_verdict(1, [count, falling, flat_share, women], cat)
    assert v.basis_kind == "share" and v.verdict == "decline"
    assert v.unfavourable == (falling.key,) and v.flat == (flat_share.key,)
    assert set(v.context) == {count.key, women.key} and v.latest_period == "2019/20"
    # no share of the total: the counts carry the verdict, and say so
    v = goal_verdict(1, [count, women], cat)
    assert v.basis_kind == "count" and v.verdict == "progress" and v.favourable == (count.key,)
    assert goal_verdict(3, [], cat, ("gap.lateral",)).verdict == "no_data"
    both = goal_verdict(1, [falling, item("inflow_tech_share", 18 + 0.5 * np.arange(8))], cat)
    assert both.verdict == "mixed"


def test_sector_delineation_comes_from_the_summary_file() -> None:
    with (DATA / "delineation_summary.csv").open(encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["sector"] == "energie")
    titles = {s["code"]: (s["title_nl"], s["title_en"]) for s in
              yaml.safe_load((DATA / "sectors.yaml").read_text(encoding="utf-8"))["sbi_sectors"]}
    d = sector_delineation(DATA, "energie", store.load_sectors(DATA))
    assert [(s.code, s.title_nl, s.title_en) for s in d.sbi_national] == [
        (c, *titles[c]) for c in row["sbi_national"].split()]
    assert dict(d.programmes) == {lv: int(row[f"programmes_{lv}"]) for lv in ("hbo", "wo", "mbo")}
    assert Path(d.list_file).name == Path(row["list"]).name


def test_index_entry_names_illustrative_targets_beside_their_count() -> None:
    from techmonitor.report.overview import goal_cells

    # a results file without a per-goal answer: the overview cell rests on the goal's key
    # indicator, whose verdict is against an illustrative target, and says so in the cell
    results = {"items": [
        {"key": "inflow_tech-hbo", "goal": 1, "name": "Technische instroom (hbo)",
         "category": "achieved", "latest": {"period": "2022/23"},
         "target": {"illustrative": True}},
        {"key": "inflow_share-hbo", "goal": 1, "name": "Aandeel techniek (hbo)",
         "category": "no_significant_change", "latest": {"period": "2022/23"}}]}
    cell = goal_cells(results, "nl")[0]
    assert (cell.code, cell.indicator) == ("achieved", "Technische instroom (hbo)")
    assert cell.illustrative == "illustratief doel"
    real = {"items": [{**results["items"][0], "target": {"illustrative": False}}]}
    assert goal_cells(real, "nl")[0].illustrative == ""
