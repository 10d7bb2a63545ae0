"""House-style charts: deterministic SVG, no global state, Dutch axis formats, alt text."""

from __future__ import annotations

import re

import matplotlib as mpl
import numpy as np
import pytest
from techmonitor import charts
from techmonitor.report import document as doc
from techmonitor.report.htmldoc import render_node

LABELS = charts.TrendLabels("waargenomen", "trend", "80%-interval", "95%-interval", "doel",
                            "illustratief", "aantal")


def _chart(illustrative: bool = False) -> charts.Figure:
    t = np.arange(2015, 2020) + 0.5
    y = np.array([12000.0, 12500, 13100, 13900, 14400])
    ill = np.array([False, False, False, illustrative, illustrative])
    bt = np.array([2019.5, 2020.5, 2021.5])
    band = {"t": bt, "mean": np.array([14400.0, 15000, 15600]),
            "lo80": np.array([14400.0, 14500, 14700]), "hi80": np.array([14400.0, 15500, 16500]),
            "lo95": np.array([14400.0, 14200, 14100]), "hi95": np.array([14400.0, 15800, 17100])}
    return charts.trend_chart(t, y, illustrative=ill, period_kind="year", unit="count",
                              lang="nl", labels=LABELS, fitted=(t, y), band=band,
                              target=charts.TargetMark(2021.5, 17000.0, "doel 2021: 17.000"))


def test_svg_is_deterministic_and_has_no_date() -> None:
    a = charts.to_svg(_chart(), "x-1")
    b = charts.to_svg(_chart(), "x-1")
    assert a == b
    assert "<dc:date>" not in a
    assert charts.to_svg(_chart(), "x-2") != a  # salt makes ids unique per chart


def test_drawing_leaves_global_matplotlib_state_alone() -> None:
    before = dict(mpl.rcParams)
    charts.svg_of(_chart(True), "s")
    after = dict(mpl.rcParams)
    assert {k for k in before if before[k] != after[k]} == set()


def test_axis_uses_dutch_thousands_and_years_as_codes() -> None:
    svg = charts.to_svg(_chart(), "x")
    labels = re.findall(r">([^<>]+)</text>", svg)
    assert "12.000" in labels  # babel nl_NL grouping on the value axis
    assert "2016" in labels and "2.016" not in svg  # years are codes, not numbers


def test_illustrative_points_are_labelled_in_the_legend() -> None:
    assert "illustratief" in charts.to_svg(_chart(True), "x")
    assert "illustratief" not in charts.to_svg(_chart(False), "x")


def test_value_formatter_writes_the_report_language() -> None:
    assert charts.value_formatter("count", "nl", 0)(12500, None) == "12.500"
    assert charts.value_formatter("share", "nl", 1)(28.5, None) == "28,5%"
    assert charts.value_formatter("count", "en", 0)(12500, None) == "12,500"


def test_period_ticks_for_school_years() -> None:
    ticks, labels = charts.period_ticks("school_year", 2016.0, 2020.0, "nl")
    assert labels[0] == "2015/'16" and ticks[0] == 2016.0


def test_figure_requires_alt_text_and_html_sets_role_img() -> None:
    svg = charts.svg_of(_chart(), "s")
    with pytest.raises(ValueError, match="alt text"):
        doc.Figure(svg, " ", "c", "Bron: Y.")
    html = render_node(doc.Figure(svg, "Grafiek van X <&>", "Titel.", "Bron: Y."))
    assert 'role="img"' in html and 'aria-label="Grafiek van X &lt;&amp;&gt;"' in html
    assert "<title>Grafiek van X &lt;&amp;&gt;</title>" in html
    assert "<figcaption>Titel. Bron: Y.</figcaption>" in html


def test_tick_labels_keep_the_decimals_their_step_needs() -> None:
    from techmonitor.charts import tick_decimals

    assert tick_decimals([10.0, 12.5, 15.0, 17.5]) == 1
    assert tick_decimals([0.0, 5000.0, 10000.0]) == 0
    assert tick_decimals([11.0, 12.5, 14.0, 15.5, 17.0]) == 1
    assert tick_decimals([0.25, 0.5, 0.75]) == 2
