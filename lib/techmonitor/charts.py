"""The chart kinds of a report, drawn in the house style (:mod:`techmonitor.chartstyle`).

Rules the chart kinds keep, so report code cannot forget them:

* Meaning never carried by colour alone: illustrative data is dashed, hollow and labelled;
  the target is a star with a text label; vintages differ in marker shape too.
* Dutch (or English) number formats on the value axis through :mod:`techmonitor.fmt`; years
  and school years are written as codes, never as numbers (``2.023``).
* Honest value axes and labels clear of lines and text (:mod:`techmonitor.chartaxes`).

Every function returns a plain :class:`~matplotlib.figure.Figure`; hand it to a report with
:func:`techmonitor.chartstyle.svg_of`.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from techmonitor import fmt
from techmonitor.chartaxes import (
    place_label,
    style_time_axis,
    style_value_axis,
    value_formatter,
)
from techmonitor.chartstyle import (
    BAND,
    GRID,
    ILLUSTRATIVE,
    MAIN,
    PALETTE,
    TARGET,
    TEXT,
    TREND,
    house_style,
    new_figure,
)


@dataclass(frozen=True)
class TrendLabels:
    """Legend texts of a trend chart, in the report language (from messages.py)."""

    observed: str
    trend: str
    band80: str
    band95: str
    target: str
    illustrative: str
    axis: str


@dataclass(frozen=True)
class TargetMark:
    """A target drawn as a star at its period with a text label; an illustrative target
    (not from a public source) as an open star, like illustrative points."""

    t: float
    value: float
    label: str
    illustrative: bool = False


def _plot_observed(
    ax: Axes, t: np.ndarray, y: np.ndarray, illustrative: np.ndarray, label: str,
    colour: str = MAIN,
) -> bool:
    """Draw observed points; illustrative points dashed and hollow. Returns True if any."""
    definitive = ~illustrative
    # markers help to read a few points; on a hundred quarters they only make a smudge
    marker = "o" if len(t) <= 30 else None
    if definitive.any():
        # plain Axes.plot: seaborn's lineplot adds nothing for one pre-aggregated series and
        # costs a tenth of a second per call
        ax.plot(t[definitive], y[definitive], color=colour, marker=marker, markersize=4.5,
                label=label)
    if illustrative.any():
        # join the last definitive point to the illustrative run so the line is continuous
        idx = np.flatnonzero(illustrative)
        start = max(idx[0] - 1, 0)
        ax.plot(t[start:idx[-1] + 1], y[start:idx[-1] + 1], linestyle=(0, (4, 2)),
                color=ILLUSTRATIVE, linewidth=1.6)
        ax.plot(t[idx], y[idx], linestyle="none", marker="o", markersize=5,
                markerfacecolor="white", markeredgecolor=ILLUSTRATIVE, markeredgewidth=1.4)
    return bool(illustrative.any())


def trend_chart(
    t: np.ndarray,
    y: np.ndarray,
    *,
    illustrative: np.ndarray,
    period_kind: str,
    unit: str,
    lang: fmt.Lang,
    labels: TrendLabels,
    fitted: tuple[np.ndarray, np.ndarray] | None = None,
    band: dict[str, np.ndarray] | None = None,
    target: TargetMark | None = None,
) -> Figure:
    """Series with fitted trend, 80/95% projection band to the target year and the target.

    Parameters
    ----------
    t, y
        Decimal years and values of the observations.
    illustrative
        Boolean mask: which observations are illustrative (drawn dashed, hollow, labelled).
    period_kind
        ``year``, ``school_year`` or ``quarter`` (for the tick labels).
    unit
        Indicator unit (``count``, ``share`` …) for the value axis format.
    fitted
        ``(t, values)`` of the trend over the observed period, or None.
    band
        Projection with keys ``t``, ``mean``, ``lo80``, ``hi80``, ``lo95``, ``hi95``, or None.
    target
        Target marker, or None.
    """
    with house_style():
        fig = new_figure(legend_cm=3.4)
        ax = fig.add_subplot()
        handles: list[object] = []
        if band is not None and len(band["t"]):
            bt = band["t"]
            ax.fill_between(bt, band["lo95"], band["hi95"], color=BAND, alpha=0.35, linewidth=0)
            ax.fill_between(bt, band["lo80"], band["hi80"], color=BAND, alpha=0.75, linewidth=0)
            ax.plot(bt, band["mean"], color=TREND, linestyle=(0, (1.5, 1.5)), linewidth=1.4)
            handles += [Patch(color=BAND, alpha=0.75, label=labels.band80),
                        Patch(color=BAND, alpha=0.35, label=labels.band95)]
        if fitted is not None:
            ax.plot(fitted[0], fitted[1], color=TREND, linewidth=1.2, linestyle="--")
            handles.insert(0, Line2D([], [], color=TREND, linestyle="--", label=labels.trend))
        any_illustrative = _plot_observed(ax, t, y, illustrative, labels.observed)
        handles.insert(0, Line2D([], [], color=MAIN, marker="o", markersize=4.5,
                                 label=labels.observed))
        if any_illustrative:
            handles.append(Line2D([], [], color=ILLUSTRATIVE, linestyle=(0, (4, 2)), marker="o",
                                  markerfacecolor="white", label=labels.illustrative))
        t_max = float(max(t.max(), band["t"].max() if band is not None and len(band["t"])
                          else t.max()))
        if target is not None:
            face = "white" if target.illustrative else TARGET
            edge = TARGET if target.illustrative else "white"
            ax.plot([target.t], [target.value], marker="*", markersize=13, color=TARGET,
                    markerfacecolor=face, markeredgecolor=edge,
                    markeredgewidth=1.2 if target.illustrative else 0.6, linestyle="none")
            handles.append(Line2D([], [], marker="*", markersize=10, color=TARGET,
                                  markerfacecolor=face, markeredgecolor=TARGET,
                                  linestyle="none", label=labels.target))
            t_max = max(t_max, target.t)
        style_time_axis(ax, period_kind, float(t.min()), t_max, lang)
        style_value_axis(ax, unit, lang, labels.axis)
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7.5)
        if target is not None:  # once the axes are final: the label measures itself on them
            place_label(ax, target.label, (target.t, target.value), colour=TARGET)
    return fig


def seasonal_chart(
    t: np.ndarray,
    raw: np.ndarray,
    adjusted: np.ndarray | None,
    *,
    illustrative: np.ndarray,
    unit: str,
    lang: fmt.Lang,
    raw_label: str,
    adjusted_label: str,
    illustrative_label: str,
    axis_label: str,
) -> Figure:
    """Quarterly series (thin, with dots) and its seasonally adjusted trend (thick line)."""
    with house_style():
        fig = new_figure(height_cm=6.5)
        ax = fig.add_subplot()
        any_illustrative = _plot_observed(ax, t, raw, illustrative, raw_label, colour=PALETTE[1])
        handles: list[object] = [Line2D([], [], color=PALETTE[1], label=raw_label)]
        if adjusted is not None:
            ax.plot(t, adjusted, color=MAIN, linewidth=2.4)
            handles.append(Line2D([], [], color=MAIN, linewidth=2.4, label=adjusted_label))
        if any_illustrative:
            handles.append(Line2D([], [], color=ILLUSTRATIVE, linestyle=(0, (4, 2)),
                                  label=illustrative_label))
        style_time_axis(ax, "quarter", float(t.min()), float(t.max()), lang)
        style_value_axis(ax, unit, lang, axis_label)
        # inside the plot, where it covers the fewest points of the lines
        ax.legend(handles=handles, loc="best", fontsize=7.5)
    return fig


@dataclass(frozen=True)
class Panel:
    """One small multiple: a title and a quarterly series."""

    title: str
    t: np.ndarray
    y: np.ndarray
    illustrative: np.ndarray


def small_multiples(
    panels: Sequence[Panel], *, unit: str, lang: fmt.Lang, ncols: int = 3, kind: str = "quarter"
) -> Figure:
    """Panels side by side on a shared time axis, each with its own value axis.

    Own value axes because sector sizes differ by a factor of ten; the titles say so.
    """
    nrows = max(1, math.ceil(len(panels) / ncols))
    with house_style():
        fig = new_figure(height_cm=4.6 * nrows, left_cm=1.4, top_cm=0.9)
        fig.subplots_adjust(wspace=0.4, hspace=0.6)
        axes = fig.subplots(nrows, ncols, sharex=True, squeeze=False)
        t_all = np.concatenate([p.t for p in panels]) if panels else np.array([2020.0])
        for i, ax in enumerate(axes.flat):
            if i >= len(panels):
                ax.set_visible(False)
                continue
            p = panels[i]
            _plot_observed(ax, p.t, p.y, p.illustrative, p.title)
            ax.set_title(textwrap.fill(p.title, 24), fontsize=8.5)
            style_time_axis(ax, kind, float(t_all.min()), float(t_all.max()), lang, max_ticks=3)
            style_value_axis(ax, unit, lang, "", max_ticks=5)  # a small panel
            ax.tick_params(labelsize=7)
    return fig


def grouped_bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    unit: str,
    lang: fmt.Lang,
    axis_label: str,
) -> Figure:
    """Grouped vertical bars (e.g. openings vs inflow per level); second series hatched."""
    hatches = ("", "///", "..", "xx")
    with house_style():
        fig = new_figure(height_cm=6.5)
        ax = fig.add_subplot()
        n = len(series)
        width = 0.8 / max(n, 1)
        x = np.arange(len(categories))
        for i, (name, values) in enumerate(series):
            ax.bar(x + (i - (n - 1) / 2) * width, list(values), width, label=name,
                   color=PALETTE[i % len(PALETTE)] if i == 0 else "white",
                   edgecolor=PALETTE[i % len(PALETTE)], hatch=hatches[i % len(hatches)],
                   linewidth=1.2)
        ax.set_xticks(list(x), list(categories))
        ax.grid(False, axis="x")
        style_value_axis(ax, unit, lang, axis_label)
        ax.legend(loc="best")
    return fig


def vintage_lines(
    lines: Sequence[tuple[str, np.ndarray, np.ndarray]],
    *,
    period_kind: str,
    unit: str,
    lang: fmt.Lang,
    axis_label: str,
    breaks: Sequence[tuple[float, str]] = (),
) -> Figure:
    """One line per definition (vintage) on one time axis, never joined across a break.

    ``lines`` holds ``(label, t, y)``; each vintage gets its own colour and marker shape,
    so a method break reads without colour too. ``breaks`` holds ``(t, label)``: a dashed
    vertical line at ``t`` (between the last old and the first new period) with its label.
    """
    markers = ("o", "s", "^", "D")
    rows = len(lines)
    with house_style():
        # the legend goes below the plot: its labels name methods and are long
        fig = new_figure(height_cm=6.0 + 0.45 * rows, bottom_cm=1.0 + 0.45 * rows)
        ax = fig.add_subplot()
        t_all = np.concatenate([np.asarray(t, dtype=float) for _, t, _ in lines])
        for i, (label, t, y) in enumerate(lines):
            ax.plot(t, y, color=PALETTE[i % len(PALETTE)], marker=markers[i % len(markers)],
                    markersize=5, label=label)
        for t_break, text in breaks:
            # a gap marked in the plot, not only in the legend: no line crosses it
            ax.axvline(t_break, color=TEXT, linestyle=(0, (4, 3)), linewidth=0.9, zorder=1)
            # at the foot of the mark: the lines' ends at the break sit higher up
            ax.annotate(text, (t_break, 0.0), xycoords=("data", "axes fraction"),
                        xytext=(3, 3), textcoords="offset points", ha="left", va="bottom",
                        fontsize=7.5, color=TEXT)
        style_time_axis(ax, period_kind, float(t_all.min()), float(t_all.max()), lang)
        style_value_axis(ax, unit, lang, axis_label)
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.1), ncol=1)
    return fig


def cohort_curves(
    curves: Sequence[tuple[str, np.ndarray, np.ndarray, np.ndarray]],
    *,
    lang: fmt.Lang,
    x_label: str,
    axis_label: str,
) -> Figure:
    """Fitted retention per entry cohort against years since entry, observed shares as dots.

    ``curves`` holds ``(label, years, fitted %, observed %)`` per cohort.
    """
    markers = ("o", "s", "^", "D", "v", "P")
    with house_style():
        fig = new_figure(height_cm=7.0, legend_cm=3.0)
        ax = fig.add_subplot()
        for i, (label, years, fitted, observed) in enumerate(curves):
            colour = PALETTE[i % len(PALETTE)]
            ax.plot(years, fitted, color=colour, label=label)
            ax.plot(years, observed, linestyle="none", marker=markers[i % len(markers)],
                    markersize=4.5, color=colour)
        ax.set_xlabel(x_label)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(False, axis="x")
        style_value_axis(ax, "share", lang, axis_label)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def bars_against_target(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    target: float,
    target_label: str,
    errors: Sequence[float | None] | None = None,
    unit: str,
    lang: fmt.Lang,
    axis_label: str,
) -> Figure:
    """Horizontal bars (e.g. growth per year per measurement) with a dashed target line.

    ``errors`` gives a half-width (e.g. of a 95% interval) per bar, or None for bars
    without one. Each bar's value is written at its end, so the gap to the line can be read
    without colour or gridlines.
    """
    with house_style():
        fig = new_figure(height_cm=2.6 + 1.0 * len(labels), left_cm=6.6, bottom_cm=1.7)
        ax = fig.add_subplot()
        y = np.arange(len(labels))[::-1]
        ax.barh(y, list(values), 0.6, color=PALETTE[0])
        if errors is not None:
            for yi, v, e in zip(y, values, errors, strict=True):
                if e is not None:
                    ax.errorbar([v], [yi], xerr=[[e], [e]], fmt="none", ecolor=TEXT,
                                capsize=3, linewidth=1.0)
        ax.axvline(target, color=TEXT, linestyle=(0, (4, 2)), linewidth=1.4)
        ax.text(target, y.max() + 0.75, " " + target_label, ha="right", va="center",
                fontsize=8, color=TEXT)
        for yi, v in zip(y, values, strict=True):
            # above the bar's end, clear of the bar, its interval and the next bar
            ax.text(v, yi + 0.33, fmt.number(v, 0, lang), ha="right", va="bottom", fontsize=7,
                    color=TEXT)
        ax.set_yticks(list(y), list(labels))
        ax.grid(False, axis="y")
        ax.grid(True, axis="x", color=GRID, linewidth=0.6)
        lo = min(0.0, *values)
        ax.set_xlim(lo, max(target, *values) * 1.15)
        ax.set_ylim(y.min() - 0.6, y.max() + 1.1)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.xaxis.set_major_formatter(value_formatter(unit, lang, 0))
        # the axis says what it measures in full words: two lines fit under the bars
        ax.set_xlabel(textwrap.fill(axis_label, 40))
    return fig
