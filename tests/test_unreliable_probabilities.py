"""A probability that backtests found unreliable is not printed as a number.

For a kind of series whose probabilities of meeting a target failed the calibration table's
reliability check (counts and quarterly series in the committed table), the report says where
the target lies against the projection's 80% interval, whose coverage the backtests did
confirm, and why it gives no probability; the results file keeps the number with
``probability_reliable: false``, and a moved unreliable probability is no change to report.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from techmonitor import fmt, trends
from techmonitor.narrative import target_clause
from techmonitor.progress import assess_target
from techmonitor.report.analysis import kind_reliable
from techmonitor.report.comparison import diff
from techmonitor.report.results_data import results_of

from .conftest import ROOT
from .report_helpers import shared_html, shared_report

CALIBRATION = json.loads((ROOT / "data" / "calibration.json").read_text(encoding="utf-8"))


def _series(values: list[float]) -> pd.Series:
    periods = [f"{y}/{(y + 1) % 100:02d}" for y in range(2015, 2015 + len(values))]
    return pd.Series(values, index=periods)


@pytest.mark.parametrize("where", ["boven", "onder", "binnen"])
def test_the_clause_places_the_target_against_the_80_interval(where: str) -> None:
    result = trends.estimate(_series([100, 110, 118, 131, 140]), kind="count",
                             target_period="2025/26")
    fc = result.forecast(target="2025/26")
    lo, hi = float(fc["lo80"].iloc[-1]), float(fc["hi80"].iloc[-1])
    assert lo > 140  # so a target below the interval is not yet met
    value = {"boven": hi + 50, "onder": (140 + lo) / 2, "binnen": (lo + hi) / 2}[where]
    a = assess_target(result, value, "2025/26", "2015/16")
    text = target_clause(a, "nl", "count", overconfident=True, band80=(lo, hi))
    assert f" {where} het 80%-interval ({fmt.count(lo)} tot {fmt.count(hi)})" in text
    assert "kans van" not in text and "%" not in text.replace("80%-interval", "")
    assert "een kans noemen we niet" in text
    # reliable kinds keep their probability
    plain = target_clause(a, "nl", "count", overconfident=False, band80=(lo, hi))
    assert "kans van" in plain


def test_the_national_report_gives_no_unreliable_probability() -> None:
    assert not kind_reliable("count", {"kinds": {"count": {"reliability": {
        "reliable": False, "reliable_sampling": False}}}})
    report = shared_report("national.yaml")
    count_kind_reliable = kind_reliable("count", report.context.calibration)
    if count_kind_reliable:
        pytest.skip("the committed calibration finds count probabilities reliable")
    item = next(i for i in report.context.items if i.key == "inflow_tech-wo")
    assert item.target is not None and item.assessment is not None
    # the 80% interval in the target period, computed here from the observations directly
    obs = pd.read_csv(ROOT / "data" / "observations.csv", dtype=str)
    s = obs[(obs.indicator == "inflow_tech") & (obs.level == "wo") & (obs.region == "NL")
            & (obs.sector == "all") & (obs.sex == "all")]
    vint = item.trend.vintage  # type: ignore[union-attr]
    s = s[s.vintage == vint].sort_values("period")
    direct = trends.estimate(pd.Series(s["value"].astype(float).to_numpy(),
                                       index=s["period"]), kind="count",
                             target_period=item.target.period)
    fc = direct.forecast(target=item.target.period)
    lo, hi = fmt.count(float(fc["lo80"].iloc[-1])), fmt.count(float(fc["hi80"].iloc[-1]))
    soup = BeautifulSoup(shared_html("national.yaml"), "html.parser")
    key = soup.find(id="kernboodschappen").get_text(" ")
    key = " ".join(key.split())
    assert f"het 80%-interval ({lo} tot {hi})" in key
    sentence = next(x for x in re.split(r"(?<=\.) ", key) if f"({lo} tot {hi})" in x)
    assert "kans van" not in sentence
    # the first paragraph under the heading that is not a note (a stale series is flagged
    # there first)
    para = next(p for p in soup.find(id=f"ind-{item.key}").find_all_next("p")
                if "note" not in (p.get("class") or []))
    goal = " ".join(para.get_text(" ").split())
    assert f"({lo} tot {hi})" in goal and "kans van" not in goal
    method = " ".join(soup.find(id="methode").get_text(" ").split())
    assert "voor aantallen" in method and "noemt dit rapport daarom geen kans" in method
    results = results_of(report.context)
    entry = next(i for i in results["items"] if i["key"] == item.key)
    assert entry["probability"] is not None and entry["probability_reliable"] is False


def test_a_moved_unreliable_probability_is_no_change() -> None:
    """The earlier and this report's results differ by 30 points in one item's probability."""
    report = shared_report("national.yaml")
    new = results_of(report.context)
    # an item whose probability can move down by 30 points
    item = next(i for i in new["items"]
                if i["probability"] is not None and i["probability"] >= 0.3)
    old = json.loads(json.dumps(new))
    moved = next(i for i in old["items"] if i["key"] == item["key"])
    moved["probability"] = max(0.0, item["probability"] - 0.3)
    for reliable, listed in ((True, 1), (False, 0)):
        item["probability_reliable"] = reliable
        found = diff(old, new, previous="2023Q2").probabilities
        assert len(found) == listed
    assert kind_reliable("share", {"kinds": {}})  # a kind without a check counts as reliable
