"""House-style charts: deterministic SVG, no global state, Dutch axis formats, alt text."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.text import Text
from techmonitor import chartaxes, charts, chartstyle
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
    a = chartstyle.to_svg(_chart(), "x-1")
    b = chartstyle.to_svg(_chart(), "x-1")
    assert a == b
    assert "<dc:date>" not in a
    assert chartstyle.to_svg(_chart(), "x-2") != a  # salt makes ids unique per chart


def test_drawing_leaves_global_matplotlib_state_alone() -> None:
    before = dict(mpl.rcParams)
    chartstyle.svg_of(_chart(True), "s")
    after = dict(mpl.rcParams)
    assert {k for k in before if before[k] != after[k]} == set()


def test_axis_uses_dutch_thousands_and_years_as_codes() -> None:
    svg = chartstyle.to_svg(_chart(), "x")
    labels = re.findall(r">([^<>]+)</text>", svg)
    assert "15.000" in labels  # babel nl_NL grouping on the value axis
    assert "2016" in labels and "2.016" not in svg  # years are codes, not numbers


def test_illustrative_points_are_labelled_in_the_legend() -> None:
    assert "illustratief" in chartstyle.to_svg(_chart(True), "x")
    assert "illustratief" not in chartstyle.to_svg(_chart(False), "x")


def test_value_formatter_writes_the_report_language() -> None:
    assert chartaxes.value_formatter("count", "nl", 0)(12500, None) == "12.500"
    assert chartaxes.value_formatter("share", "nl", 1)(28.5, None) == "28,5%"
    assert chartaxes.value_formatter("count", "en", 0)(12500, None) == "12,500"


def test_period_ticks_for_school_years() -> None:
    ticks, labels = chartaxes.period_ticks("school_year", 2016.0, 2020.0, "nl")
    assert labels[0] == "2015/'16" and ticks[0] == 2016.0


def test_figure_requires_alt_text_and_html_sets_role_img() -> None:
    svg = chartstyle.svg_of(_chart(), "s")
    with pytest.raises(ValueError, match="alt text"):
        doc.Figure(svg, " ", "c", "Bron: Y.")
    html = render_node(doc.Figure(svg, "Grafiek van X <&>", "Titel.", "Bron: Y."))
    assert 'role="img"' in html and 'aria-label="Grafiek van X &lt;&amp;&gt;"' in html
    assert "<title>Grafiek van X &lt;&amp;&gt;</title>" in html
    assert "<figcaption>Titel. Bron: Y.</figcaption>" in html


def test_tick_labels_keep_the_decimals_their_step_needs() -> None:
    from techmonitor.chartaxes import tick_decimals

    assert tick_decimals([10.0, 12.5, 15.0, 17.5]) == 1
    assert tick_decimals([0.0, 5000.0, 10000.0]) == 0
    assert tick_decimals([11.0, 12.5, 14.0, 15.5, 17.0]) == 1
    assert tick_decimals([0.25, 0.5, 0.75]) == 2


# -- the report's font ----------------------------------------------------------------------------


def _texts(fig: charts.Figure) -> list[Text]:
    """Every visible, non-empty text of a drawn figure (ticks, labels, legend, annotations)."""
    chartaxes.renderer_of(fig)
    fig.canvas.draw()
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def test_chart_text_is_set_in_fira_sans_from_the_package() -> None:
    fig = _chart(True)
    texts = _texts(fig)
    assert len(texts) > 10
    fonts_dir = Path(chartstyle.__file__).parent / "render" / "static" / "fonts"
    for text in texts:
        # the file matplotlib draws the text with: one of the bundled Fira Sans files
        path = Path(font_manager.findfont(text.get_fontproperties(), fallback_to_default=False))
        assert path.parent == fonts_dir and path.name.startswith("FiraSans-"), \
            (text.get_text(), path)
    svg = chartstyle.to_svg(_chart(True), "f")
    families = set(re.findall(r"font-family: ([^;\"]+)", svg))
    assert families == {"'Fira Sans', 'DejaVu Sans'"}  # text stays text, in Fira Sans


# -- labels clear of lines and of each other ------------------------------------------------------


def _projection_chart(target_value: float, label: str) -> charts.Figure:
    """The shape of a province chart: five school years, a widening band, a target in the
    band's last year on or near the projected mean (the label ran across that line)."""
    t = np.array([2016.0, 2017, 2018, 2019, 2020])
    y = np.array([4177.0, 4448, 4669, 4789, 4562])
    bt = np.arange(2020.0, 2027.0)
    mean = 4562 + 111 * (bt - 2020)
    w = np.linspace(0, 2700, len(bt))
    band = {"t": bt, "mean": mean, "lo80": mean - w, "hi80": mean + w, "lo95": mean - 1.6 * w,
            "hi95": mean + 1.6 * w}
    return charts.trend_chart(t, y, illustrative=np.zeros(5, bool), period_kind="school_year",
                              unit="count", lang="nl", labels=LABELS,
                              fitted=(t, 4300 + 111 * (t - 2016)), band=band,
                              target=charts.TargetMark(2026.0, target_value, label))


@pytest.mark.parametrize("value", [4595.0, 5200.0, 5230.0, 9000.0, 1200.0])
def test_target_label_crosses_no_line_and_no_text(value: float) -> None:
    label = f"illustratief doel 2025/'26: {value:,.0f}".replace(",", ".")
    fig = _projection_chart(value, label)
    texts = _texts(fig)
    renderer = fig.canvas.get_renderer()
    (ax,) = fig.axes[:1]
    (annotation,) = [t for t in ax.texts if t.get_text().replace("\n", " ") == label]
    box = annotation.get_window_extent(renderer)
    # inside the plot area
    assert ax.bbox.x0 <= box.x0 and box.x1 <= ax.bbox.x1
    assert ax.bbox.y0 <= box.y0 and box.y1 <= ax.bbox.y1
    # no drawn line (observations, trend, projection mean) passes through the label
    for line in ax.get_lines():
        if line.get_linestyle() == "None":
            continue
        xy = line.get_transform().transform(line.get_xydata())
        # sample each segment densely: a crossing puts a sample inside the box
        for (x0, y0), (x1, y1) in zip(xy[:-1], xy[1:], strict=True):
            s = np.linspace(0, 1, 200)
            xs, ys = x0 + s * (x1 - x0), y0 + s * (y1 - y0)
            inside = (xs > box.x0) & (xs < box.x1) & (ys > box.y0) & (ys < box.y1)
            assert not inside.any(), f"{line.get_label()} crosses the target label"
    # and no other text (ticks, axis label, legend) overlaps it
    for other in texts:
        if other is not annotation:
            assert not box.overlaps(other.get_window_extent(renderer)), other.get_text()


def test_bar_value_labels_do_not_overlap() -> None:
    fig = charts.bars_against_target(["a", "b", "c"], [5000.0, 4800.0, 200.0], target=4000.0,
                                     target_label="doel", errors=[900.0, None, 100.0],
                                     unit="count", lang="nl", axis_label="per jaar")
    texts = _texts(fig)
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1:]:
            assert not box_a.overlaps(box_b), (a, b)


# -- honest value axes ----------------------------------------------------------------------------


def test_share_axis_spans_ten_points_with_enough_ticks() -> None:
    """Retention of 95,2% to 96,8% (a 1,6-point move) is drawn on 90–100% with ticks every
    2 points, not stretched from 95,2 to 96,8 with two ticks."""
    t = np.array([2021.25, 2021.5, 2022.25, 2022.5])
    fig = charts.vintage_lines([("oud", t[:2], np.array([95.2, 95.8])),
                                ("nieuw", t[2:], np.array([96.1, 96.8]))],
                               period_kind="quarter", unit="share", lang="nl", axis_label="%")
    ax = fig.axes[0]
    assert ax.get_ylim() == (90.0, 100.0)
    assert list(ax.get_yticks()) == [90.0, 92.0, 94.0, 96.0, 98.0, 100.0]
    labels = [t.get_text() for t in _texts(fig) if t in ax.get_yticklabels()]
    assert labels == ["90%", "92%", "94%", "96%", "98%", "100%"]


@pytest.mark.parametrize(("lo", "hi", "unit", "first", "last", "step"), [
    (95.2, 96.8, "share", 90.0, 100.0, 2.0),   # narrow share: ten points, within 0-100
    (1.0, 2.5, "share", 0.0, 10.0, 2.0),       # near zero: pushed up from 0
    (19.2, 22.1, "share", 14.0, 26.0, 2.0),    # centred on the data
    (30.0, 70.0, "share", 30.0, 70.0, 10.0),   # wide enough already
    (4100.0, 10900.0, "count", 0.0, 12000.0, 2000.0),  # counts from zero
    (88000.0, 105000.0, "count", 0.0, 120000.0, 20000.0),
])
def test_value_axis_rule(lo: float, hi: float, unit: str, first: float, last: float,
                         step: float) -> None:
    ticks = chartaxes.value_axis(lo, hi, unit)
    assert ticks[0] == first and ticks[-1] == last
    assert np.allclose(np.diff(ticks), step)
    assert len(ticks) >= 4
    assert ticks[0] <= lo and ticks[-1] >= hi


def test_count_chart_axis_starts_at_zero() -> None:
    ax = _chart().axes[0]
    assert ax.get_ylim()[0] == 0.0
    assert len(ax.get_yticks()) >= 4


def test_short_quarterly_axis_names_quarters() -> None:
    """Retention observed in K2 2021, K2 2022 and K2 2023: five ticks named by quarter at the
    points' positions (middle of the quarter), not two year ticks between them."""
    ticks, labels = chartaxes.period_ticks("quarter", 2021.375, 2023.375, "nl")
    assert labels == ["K2 2021", "K4 2021", "K2 2022", "K4 2022", "K2 2023"]
    assert ticks == [2021.375, 2021.875, 2022.375, 2022.875, 2023.375]
    assert chartaxes.period_ticks("quarter", 2022.125, 2022.875, "en")[1] == \
        ["Q1 2022", "Q2 2022", "Q3 2022", "Q4 2022"]
    # a long quarterly series keeps year ticks
    years = chartaxes.period_ticks("quarter", 2003.375, 2023.375, "nl")[1]
    assert len(years) >= 4 and all(re.fullmatch(r"20\d\d", y) for y in years)


def test_illustrative_target_is_an_open_star() -> None:
    def star(illustrative: bool) -> tuple[str, str]:
        t = np.arange(2015, 2020) + 0.5
        fig = charts.trend_chart(t, t * 0 + 100, illustrative=np.zeros(5, bool),
                                 period_kind="year", unit="count", lang="nl", labels=LABELS,
                                 target=charts.TargetMark(2021.5, 120.0, "doel", illustrative))
        (line,) = [ln for ln in fig.axes[0].get_lines() if ln.get_marker() == "*"]
        return str(line.get_markerfacecolor()), str(line.get_markeredgecolor())

    assert star(True) == ("white", chartstyle.TARGET)
    assert star(False) == (chartstyle.TARGET, "white")


@pytest.mark.parametrize("falling", [False, True])
def test_legend_inside_a_chart_covers_no_line(falling: bool) -> None:
    """The seasonal chart keeps its legend inside the plot: where the lines are not (a series
    that starts high at the left put it over the lines)."""
    t = 2003 + np.arange(80) / 4 + 0.125
    y = 100000 + 2000 * np.arange(80) + 15000 * np.sin(np.arange(80) * np.pi / 2)
    y = y[::-1] if falling else y
    fig = charts.seasonal_chart(t, y, y * 0.98, illustrative=np.zeros(80, bool), unit="count",
                                lang="nl", raw_label="openstaande vacatures",
                                adjusted_label="seizoensgecorrigeerd",
                                illustrative_label="illustratief", axis_label="vacatures")
    _texts(fig)
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    box = ax.get_legend().get_window_extent(renderer)
    for line in ax.get_lines():
        xy = line.get_transform().transform(line.get_xydata())
        inside = (xy[:, 0] > box.x0) & (xy[:, 0] < box.x1) & (xy[:, 1] > box.y0) & \
            (xy[:, 1] < box.y1)
        assert not inside.any(), line.get_label()
