"""The house style every report chart is drawn in, and its export to SVG.

Rules this module enforces, so report code cannot forget them:

* No global state: every drawing happens inside :func:`house_style` (``rc_context`` plus
  seaborn's ``axes_style`` as context managers), figures are plain :class:`Figure` objects
  (never pyplot, so nothing accumulates in a long-lived kernel) and are cleared after export.
* Colour-blind-safe colours (Okabe–Ito order, Rijkshuisstijl blue for the main series).
* The report's font: Fira Sans from the package (:func:`register_fonts`) for all chart text.
* SVG output that is deterministic (fixed ``svg.hashsalt`` per chart, no date metadata) and
  keeps text as text, so PDFs stay sharp and small.
* :func:`svg_of` hands a chart to a report as SVG; the report's document figure carries
  its alt text, caption and source (and refuses a figure without alt text).

The chart kinds themselves live in :mod:`techmonitor.charts`.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

import matplotlib as mpl
import seaborn as sns
from cycler import cycler
from matplotlib import font_manager
from matplotlib.figure import Figure

# Okabe-Ito (colour-blind safe) with Rijkshuisstijl lintblauw as the first, main colour.
PALETTE = ("#154273", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#0072B2")
MAIN = "#154273"  # lintblauw: observed data, 10.2:1 against white
TREND = "#01689B"  # donkerblauw: fitted trend line
BAND = "#8FCAE7"  # lichtblauw: forecast bands (fill only, outlined by the trend line)
TARGET = "#A90061"  # violet: target marker, 7.3:1 against white
ILLUSTRATIVE = "#94710A"  # bruin: illustrative points, 4.5:1 against white
GRID = "#D0D0D0"
TEXT = "#1A1A1A"

STYLE: dict[str, Any] = {
    # the report's font (bundled, registered by house_style); DejaVu for signs Fira lacks
    "font.family": ["Fira Sans", "DejaVu Sans"],
    "font.size": 9,
    "axes.edgecolor": "#6E6E6E",
    "axes.labelcolor": TEXT,
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.prop_cycle": cycler(color=list(PALETTE)),
    "grid.color": GRID,
    "grid.linewidth": 0.6,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "legend.frameon": False,
    "legend.fontsize": 8,
    "lines.linewidth": 1.8,
    "svg.fonttype": "none",
    "figure.dpi": 96,
}

A4_WIDTH_CM = 16.0  # text column of an A4 page with 2.5 cm margins
FONT_DIR = Path(str(files("techmonitor") / "render" / "static" / "fonts"))


@functools.cache
def register_fonts() -> tuple[str, ...]:
    """Make the bundled Fira Sans files known to matplotlib's font manager (once per process).

    The fonts come from the package, never from the system or the network, so a chart's text
    is set in the same font as the report around it on every machine. Returns the files.

    Raises
    ------
    FileNotFoundError
        If the package holds no Fira Sans file (a broken installation).
    """
    paths = tuple(sorted(str(p) for p in FONT_DIR.glob("FiraSans-*.ttf")))
    if not paths:
        raise FileNotFoundError(f"no FiraSans-*.ttf in {FONT_DIR}: reinstall techmonitor")
    for path in paths:
        font_manager.fontManager.addfont(path)
    return paths


@contextmanager
def house_style() -> Iterator[None]:
    """Context in which every chart is drawn and saved; restores all settings on exit."""
    register_fonts()
    with sns.axes_style("ticks"), mpl.rc_context(STYLE):  # type: ignore[arg-type]
        yield


def new_figure(
    width_cm: float = A4_WIDTH_CM,
    height_cm: float = 7.0,
    *,
    legend_cm: float = 0.0,
    left_cm: float = 2.3,
    bottom_cm: float = 0.9,
    top_cm: float = 0.3,
) -> Figure:
    """An empty figure sized for the A4 text column (call inside :func:`house_style`).

    Margins are fixed in centimetres rather than computed by constrained layout: that costs
    a tenth of a second per chart, and fixed margins keep every chart's plot area aligned.
    ``legend_cm`` reserves room on the right for a legend beside the plot.
    """
    fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54))
    fig.subplots_adjust(left=left_cm / width_cm, right=1 - (legend_cm + 0.2) / width_cm,
                        bottom=bottom_cm / height_cm, top=1 - top_cm / height_cm)
    return fig


# -- export ------------------------------------------------------------------------------------


def to_svg(fig: Figure, salt: str) -> str:
    """Render ``fig`` as SVG text.

    ``salt`` makes the SVG's internal ids unique per chart (several charts share one HTML
    page) and deterministic (the same inputs give the same bytes).
    """
    buf = io.StringIO()
    with house_style(), mpl.rc_context({"svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()


def svg_of(fig: Figure, salt: str) -> str:
    """The chart as SVG text for a document figure; the figure is cleared afterwards (its
    memory is released at once, which matters in kernels kept alive across reports)."""
    svg = to_svg(fig, salt)
    fig.clear()
    return svg
