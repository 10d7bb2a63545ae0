"""Chart house style (seaborn/matplotlib) and the one helper that emits charts with alt text.

Charts are drawn with the object-oriented API on a private ``Figure`` (no pyplot state, no
global rcParams changes), saved as SVG, and wrapped by :func:`techmonitor.blocks.figure`
with real alt text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib as mpl
from matplotlib.figure import Figure

from techmonitor.blocks import Block, figure

# Rijkshuisstijl blues first, then colour-blind-safe Okabe-Ito hues (report-style.md).
PALETTE = ("#01689B", "#E17000", "#39870C", "#A90061", "#154273", "#94710A", "#42145F")
GRID = "#D0D0D0"
TEXT = "#1A1A1A"

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": "#6E6E6E",
    "axes.labelcolor": TEXT,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": GRID,
    "grid.linewidth": 0.6,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "legend.frameon": False,
    "svg.fonttype": "none",
}


def new_figure(width_cm: float = 16.0, height_cm: float = 7.0) -> Figure:
    """A figure in the house style, sized for an A4 text column."""
    with mpl.rc_context(STYLE):
        fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), layout="constrained")
    return fig


def to_svg(fig: Figure, salt: str) -> str:
    """Render ``fig`` as SVG text.

    ``salt`` makes the SVG's internal ids unique per chart (several charts share one HTML
    page) and deterministic (the same inputs give the same bytes).
    """
    buf = io.StringIO()
    with mpl.rc_context({**STYLE, "svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()


def emit(fig: Figure, *, alt: str, caption: str, salt: str) -> Block:
    """The single way charts reach a report: SVG inside ``<figure>`` with alt text.

    Parameters
    ----------
    fig
        The chart.
    alt
        What the chart shows, in words (series, period, direction, key values).
    caption
        Visible caption under the chart (includes the source).
    salt
        Unique, stable id for this chart within its report.
    """
    if not alt.strip():
        raise ValueError("emit(): every chart needs alt text that describes what it shows")
    return figure(to_svg(fig, salt), alt=alt, caption=caption)


def style_axes(ax: object, ylabel: str, xticks: Sequence[float], xlabels: Sequence[str]) -> None:
    """Apply the house axes style: labels, ticks with period codes, thin grid."""
    from matplotlib.axes import Axes

    assert isinstance(ax, Axes)
    with mpl.rc_context(STYLE):
        ax.set_ylabel(ylabel)
        ax.set_xticks(list(xticks), list(xlabels))
        ax.grid(True, axis="y", color=GRID, linewidth=0.6)
        ax.spines[["top", "right"]].set_visible(False)
