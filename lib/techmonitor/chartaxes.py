"""Axes and labels of the house-style charts (:mod:`techmonitor.charts`).

* Time axes with periods as codes (``2019/'20``, ``K2 2021``), never as numbers.
* Honest value axes (:func:`value_axis`): counts from zero, shares at least ten percentage
  points wide within 0–100%, at least four round ticks, numbers in the report language.
* Labels placed where they cross no line and no other text (:func:`place_label`), measured
  on the drawn figure with the exported chart's font.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from techmonitor import fmt

# -- axes formatting -------------------------------------------------------------------------


def tick_decimals(ticks: Sequence[float]) -> int:
    """Fewest decimals (0–3) that write every tick exactly: ticks 1.5 apart need one, so
    ``12,5%`` is not printed as ``12%`` beside a ``14%`` that is really 14,0."""
    for decimals in range(4):
        if all(abs(v - round(v, decimals)) < 1e-9 * max(1.0, abs(v)) for v in ticks):
            return decimals
    return 3


def value_formatter(unit: str, lang: fmt.Lang, decimals: int) -> FuncFormatter:
    """Tick labels in the report language with ``decimals`` decimals: ``12.500``, ``28,5%``."""
    percent = unit in SHARE_UNITS

    def _format(value: float, _pos: object) -> str:
        text = fmt.number(value, decimals, lang)
        return text + "%" if percent else text

    return FuncFormatter(_format)


def period_ticks(
    kind: str, t_min: float, t_max: float, lang: fmt.Lang, max_ticks: int = 8
) -> tuple[list[float], list[str]]:
    """Tick positions (decimal years) and labels for a time axis of ``kind`` periods.

    Years sit at the middle of the year (``2019`` → 2019.5), school years at 1 August of
    their second year (``2019/'20`` → 2020.0), quarterly axes at the start of each year.
    """
    if kind == "quarter" and t_max - t_min < SHORT_QUARTER_SPAN:
        return _quarter_ticks(t_min, t_max, lang, max_ticks)
    first, last = math.floor(t_min), math.ceil(t_max)
    step = max(1, math.ceil((last - first + 1) / max_ticks))
    ticks: list[float] = []
    labels: list[str] = []
    for year in range(first - 1, last + 1):
        if (year - first) % step:
            continue
        if kind == "school_year":
            pos, label = year + 1.0, fmt.school_year(f"{year}/{(year + 1) % 100:02d}", lang)
        elif kind == "quarter":
            pos, label = float(year), str(year)
        else:
            pos, label = year + 0.5, str(year)
        if t_min - 0.3 <= pos <= t_max + 0.3:
            ticks.append(pos)
            labels.append(label)
    return ticks, labels


SHORT_QUARTER_SPAN = 4.0  # years: a shorter quarterly axis names quarters, not only years


def _quarter_ticks(t_min: float, t_max: float, lang: fmt.Lang, max_ticks: int
                   ) -> tuple[list[float], list[str]]:
    """Ticks at the middle of every first, second or fourth quarter (``K2 2021``): a quarterly
    axis of two years would otherwise show two year ticks."""
    centres = [(year + (q - 1) / 4 + 0.125, f"{year}Q{q}")
               for year in range(math.floor(t_min), math.ceil(t_max) + 1) for q in range(1, 5)]
    inside = [(pos, code) for pos, code in centres if t_min - 0.01 <= pos <= t_max + 0.01]
    step = next((s for s in (1, 2, 4, 8) if math.ceil(len(inside) / s) <= max_ticks), 8)
    chosen = inside[::step]
    return [pos for pos, _ in chosen], [fmt.quarter(code, lang, "short") for _, code in chosen]


def style_time_axis(
    ax: Axes, kind: str, t_min: float, t_max: float, lang: fmt.Lang, max_ticks: int = 8
) -> None:
    """Put period ticks on the x axis and pad it a little on both sides."""
    ticks, labels = period_ticks(kind, t_min, t_max, lang, max_ticks)
    ax.set_xticks(ticks, labels)
    pad = 0.3 if kind != "quarter" else 0.2
    ax.set_xlim(t_min - pad, t_max + pad)
    ax.grid(True, axis="y")  # colour and width from the house style
    ax.grid(False, axis="x")


SHARE_UNITS = ("share", "percent", "pct", "%")
SHARE_MIN_SPAN = 10.0  # percentage points: the narrowest a share axis gets
MIN_TICKS = 4  # every value axis shows at least this many labelled ticks


def value_axis(lo: float, hi: float, unit: str, max_ticks: int = 7) -> list[float]:
    """The ticks of an honest value axis for data from ``lo`` to ``hi``; the axis runs from
    the first tick to the last.

    The rule, so that the height of a line says what the numbers say:

    * counts and other amounts that are never negative: the axis starts at zero (a bar or
      line's height is then proportional to the value);
    * shares (percentages): the axis spans at least :data:`SHARE_MIN_SPAN` percentage
      points around the data and stays within 0–100%, so a move of one point fills at most a
      tenth of the height (95,2% to 96,8% is drawn on 90–100%, not stretched over the chart);
    * at least :data:`MIN_TICKS` and at most about ``max_ticks`` ticks at a round step (1, 2,
      2.5 or 5 times a power of ten).
    """
    share = unit in SHARE_UNITS
    if share:
        lo, hi = max(lo, 0.0), min(hi, 100.0)
        if hi - lo < SHARE_MIN_SPAN:
            mid = (lo + hi) / 2
            lo = min(max(mid - SHARE_MIN_SPAN / 2, 0.0), 100.0 - SHARE_MIN_SPAN)
            hi = lo + SHARE_MIN_SPAN
    elif lo >= 0:
        lo = 0.0
    if hi <= lo:  # one value, or all zero: an axis of one step around it
        lo, hi = (lo - 1.0, hi + 1.0) if lo else (0.0, 1.0)
    locator = MaxNLocator(nbins=max(max_ticks - 1, MIN_TICKS), steps=[1, 2, 2.5, 5, 10],
                          min_n_ticks=MIN_TICKS)
    ticks = [float(v) for v in locator.tick_values(lo, hi)]
    # from the last tick at or below the data to the first at or above it
    first = max(v for v in ticks if v <= lo + 1e-9) if ticks[0] <= lo + 1e-9 else ticks[0]
    last = min(v for v in ticks if v >= hi - 1e-9) if ticks[-1] >= hi - 1e-9 else ticks[-1]
    ticks = [v for v in ticks if first - 1e-9 <= v <= last + 1e-9]
    if share:
        ticks = [v for v in ticks if -1e-9 <= v <= 100.0 + 1e-9]
    return ticks


def style_value_axis(ax: Axes, unit: str, lang: fmt.Lang, label: str, max_ticks: int = 7
                     ) -> None:
    """Value axis by the rule of :func:`value_axis`, formatted in the report language."""
    lo, hi = ax.dataLim.intervaly if ax.has_data() else ax.get_ylim()
    ticks = value_axis(float(lo), float(hi), unit, max_ticks)
    ax.set_ylim(ticks[0], ticks[-1])
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_major_formatter(value_formatter(unit, lang, tick_decimals(ticks)))
    ax.set_ylabel(label)


# -- labels that stay clear of lines and other text --------------------------------------------

# Where a label may go around its point: offset in points and alignment, in order of
# preference (left of and above a target first: the series comes from the left).
LABEL_SPOTS: tuple[tuple[float, float, str, str], ...] = (
    (-8, 7, "right", "bottom"), (-8, -7, "right", "top"), (0, 10, "center", "bottom"),
    (0, -10, "center", "top"), (-11, 0, "right", "center"), (8, 7, "left", "bottom"),
    (8, -7, "left", "top"), (-8, 20, "right", "bottom"), (-8, -20, "right", "top"),
    (0, 24, "center", "bottom"), (0, -24, "center", "top"),
)


def renderer_of(fig: Figure) -> Any:
    """A renderer that measures text as the exported chart sets it (same font and size)."""
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    return fig.canvas.get_renderer()  # type: ignore[attr-defined]


def label_clashes(ax: Axes, label: Text, renderer: Any, pad: float = 2.0) -> int:
    """How many lines and texts of ``ax`` the box of ``label`` touches, plus one if it
    leaves the plot area. Lines count by their drawn path (with ``pad`` pixels of room);
    other texts are the axes' own texts and its tick and axis labels."""
    box = label.get_window_extent(renderer).padded(pad)
    clashes = 0 if ax.bbox.contains(box.x0, box.y0) and ax.bbox.contains(box.x1, box.y1) \
        else 1
    for line in ax.get_lines():
        if not line.get_visible() or line.get_linestyle() in ("None", "none", ""):
            continue
        path = line.get_transform().transform_path(line.get_path())
        if path.intersects_bbox(box, filled=False):
            clashes += 1
    others: list[Text] = [t for t in ax.texts if t is not label]
    others += [*ax.get_xticklabels(), *ax.get_yticklabels(), ax.xaxis.label, ax.yaxis.label]
    for other in others:
        if other.get_visible() and other.get_text().strip() \
                and box.overlaps(other.get_window_extent(renderer)):
            clashes += 1
    return clashes


def place_label(ax: Axes, text: str, xy: tuple[float, float], *, colour: str,
                fontsize: float = 8) -> Text:
    """Write ``text`` beside the point ``xy`` where it crosses no line and no other text.

    Call it after the axes' limits are final. The spots of :data:`LABEL_SPOTS` are tried in
    order, each also with the text on two lines; the first clear one is taken. If none is
    clear, the one with the fewest clashes gets a white backing so it stays readable.
    """
    renderer = renderer_of(ax.get_figure())  # type: ignore[arg-type]
    head, sep, tail = text.rpartition(": ")
    variants = [text] + ([f"{head}:\n{tail}"] if sep else [])
    best: tuple[int, Text] | None = None
    for variant in variants:
        for dx, dy, ha, va in LABEL_SPOTS:
            label = ax.annotate(variant, xy, xytext=(dx, dy), textcoords="offset points",
                                ha=ha, va=va, color=colour, fontsize=fontsize)
            clashes = label_clashes(ax, label, renderer)
            if clashes == 0:
                if best is not None:
                    best[1].remove()
                return label
            if best is None or clashes < best[0]:
                if best is not None:
                    best[1].remove()
                best = (clashes, label)
            else:
                label.remove()
    assert best is not None
    best[1].set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 1.0, "alpha": 0.9})
    return best[1]
