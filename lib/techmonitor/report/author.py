"""The sector author's API: series, trends, figures and sections of one's own.

A human capital agenda author extends a report without touching the shared template: in a
notebook cell (``report.section(...)``) or in an analysis file named by the params key
``analysis`` (loaded by :mod:`techmonitor.report.own_analysis`). Everything here reads the
same cached data and fits the same trends as the shared sections, and what it returns is an
ordinary document node, so it is laid out in house style in the HTML and the PDF.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from techmonitor import chartstyle, trends
from techmonitor.errors import ParameterError, TechmonitorError
from techmonitor.report import document as doc
from techmonitor.report import goals, store
from techmonitor.report.analysis import Item, fit, projection_band
from techmonitor.report.series import select, with_sbi

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from techmonitor.report.context import ReportContext

#: attribute on a house-style matplotlib figure holding what the document figure needs
FIGURE_INFO = "_techmonitor_figure"
#: prefix of the section ids of an author's own sections (``eigen-…``)
OWN_PREFIX = "eigen-"
#: id of the section that says the analysis file failed (kept free for it)
FAILED_ID = OWN_PREFIX + "analyse"


@dataclass(frozen=True)
class FigureInfo:
    """Alt text, caption and source line that travel with a house-style figure."""

    alt: str
    caption: str
    source: str


def series(ctx: ReportContext, indicator: str, level: str = "all", sex: str = "all"
           ) -> pd.DataFrame:
    """One indicator series of the report's sector or region, as the shared sections see it.

    Parameters
    ----------
    ctx
        The report context.
    indicator
        Catalogue code (``data/indicators.yaml``), e.g. ``inflow_tech``.
    level, sex
        Education level (``mbo``, ``hbo``, ``wo``, ``all`` …) and sex (``all``, ``man``,
        ``vrouw``).

    Returns
    -------
    pandas.DataFrame
        Columns ``period, value, status, vintage, source``, oldest first; a copy the caller
        may change freely.

    Raises
    ------
    ParameterError
        Unknown indicator, a level or sex the indicator does not have, or no data for this
        report's sector or region.
    """
    p = ctx.params
    ind = ctx.catalogue.get(indicator)
    if ind is None:
        close = [c for c in ctx.catalogue if c.split("_")[0] == indicator.split("_")[0]]
        hint = f"; close: {', '.join(close)}" if close else ""
        raise ParameterError(f"series({indicator!r}): no such indicator in "
                             f"data/indicators.yaml{hint}")
    levels = ind.levels or ["all"]
    if level not in levels:
        raise ParameterError(f"series({indicator!r}, level={level!r}): this indicator has "
                             f"levels {', '.join(levels)}")
    if sex not in ("all", "man", "vrouw"):
        raise ParameterError(f"series({indicator!r}, sex={sex!r}): use all, man or vrouw")
    ref = with_sbi(store.load_sectors(ctx.data_dir), p)
    frame = select(ctx.data_dir, p, ctx.catalogue, ind, level, sex=sex, sectors_ref=ref)
    if frame.empty:
        raise ParameterError(f"series({indicator!r}, level={level!r}, sex={sex!r}): no data "
                             f"for {ctx.scope} up to {p.period}")
    return frame.copy(deep=True).reset_index(drop=True)


def trend(ctx: ReportContext, indicator: str, level: str = "all", sex: str = "all"
          ) -> trends.TrendResult:
    """The calibrated trend of :func:`series`, fitted exactly as the shared sections fit it.

    Parameters
    ----------
    ctx
        The report context.
    indicator, level, sex
        As :func:`series`.

    Returns
    -------
    TrendResult
        The fit the report itself shows for this series (the context's, not refitted), with
        the report's target period when it has a target, so its forecast runs to the
        target; a series the report does not show (another sex) is fitted the same way.

    Raises
    ------
    ParameterError
        As :func:`series`.
    TechmonitorError
        When the series cannot be fitted (the message says why).
    """
    frame = series(ctx, indicator, level, sex)
    shown = _shown(ctx, indicator, level, sex)
    if shown is not None and shown.trend is not None:
        # the report's own fit, as a copy: the context's stays as the sections show it
        return copy.deepcopy(shown.trend)
    target = shown.target.period if shown is not None and shown.target is not None else None
    return fit(frame, ctx.catalogue[indicator], target)


def _shown(ctx: ReportContext, indicator: str, level: str, sex: str) -> Item | None:
    """The context's item of this series, when the report itself shows it."""
    if sex != "all":
        return None
    return next((i for i in ctx.items if i.ind.code == indicator and i.level == level), None)


def figure(ctx: ReportContext, indicator: str, level: str = "all", sex: str = "all", *,
           with_trend: bool = True) -> Figure:
    """A house-style chart of one series (with its trend and 80/95% band to the target year).

    Parameters
    ----------
    ctx
        The report context.
    indicator, level, sex
        As :func:`series`.
    with_trend
        Draw the fitted trend and its projection band (default); a series that cannot be
        fitted is drawn without them.

    Returns
    -------
    matplotlib.figure.Figure
        The chart, carrying its alt text, caption and source line, so ``report.section(title,
        fig)`` needs nothing more; the author may annotate it further (``fig.axes[0]``).
    """
    frame = series(ctx, indicator, level, sex)
    ind = ctx.catalogue[indicator]
    result = band = None
    shown = _shown(ctx, indicator, level, sex)
    if with_trend and shown is not None and shown.trend is not None:
        result = shown.trend  # the report's own fit (only drawn here, never handed out)
    elif with_trend:
        try:
            result = fit(frame, ind, None)
        except TechmonitorError:
            result = None  # the chart shows the observations; the alt text says so
    if result is not None and result.has_model:
        # the same projection as the shared charts: to the report's horizon year
        band = projection_band(result, None, ctx.params.target_year)
    # drawn and described as the shared sections draw an indicator (goals.trend_figure)
    item = Item(ind, level, frame, result, None, None, band)
    name = item.name(ctx.lang) + (f", {ctx.t('sex.' + sex)}" if sex != "all" else "")
    fig = goals.trend_figure(ctx, item)
    setattr(fig, FIGURE_INFO, FigureInfo(goals.alt_text(ctx, item, name),
                                         goals.caption(ctx, item, name),
                                         goals.source_line(ctx, item)))
    return fig


def chart(fig: Figure, *, alt: str, caption: str, source: str, salt: str) -> doc.Figure:
    """A matplotlib figure as a document figure (SVG) with its alt text, caption and source.

    Parameters
    ----------
    fig
        Any matplotlib figure (drawn in the house style when made inside
        :func:`techmonitor.chartstyle.house_style`).
    alt
        What the chart shows, in words (screen readers read it; the PDF tags it).
    caption, source
        The visible caption and the source line of its numbers.
    salt
        Makes the SVG's internal ids unique in the page.

    Returns
    -------
    Figure
        The document node; the matplotlib figure is left as it was.

    Raises
    ------
    ParameterError
        When the alt text or the source line is empty: every chart in a report says what it
        shows and where its numbers come from.
    """
    if not alt.strip():
        raise ParameterError("chart: give alt text that says in words what the chart shows "
                             "(alt=...)")
    if not source.strip():
        raise ParameterError("chart: give the source of the chart's numbers (source=...)")
    return doc.Figure(chartstyle.to_svg(fig, salt), alt, caption, source)


def block(ctx: ReportContext, value: Any, salt: str) -> doc.Node:
    """One block of an author's section: text, a document node, a figure or a table.

    ``str`` becomes a paragraph; a house-style figure (:func:`figure`) a document figure
    with its alt text and source; a :class:`pandas.DataFrame` a table (numbers formatted in
    the report language); a :class:`TrendResult` its chart.

    Raises
    ------
    ParameterError
        For anything else, or a matplotlib figure that does not say what it shows (wrap it
        with ``report.chart(fig, alt=..., caption=..., source=...)``).
    """
    from matplotlib.figure import Figure as MplFigure

    if isinstance(value, doc.Node) and not isinstance(value, doc.Section | doc.Front):
        return value
    if isinstance(value, str):
        if not value.strip():
            raise ParameterError("section: an empty text block; leave it out")
        return doc.Paragraph(value)
    if isinstance(value, MplFigure):
        info = getattr(value, FIGURE_INFO, None)
        if info is None:
            raise ParameterError(
                "section: a matplotlib figure without alt text and source; wrap it with "
                "report.chart(fig, alt='what it shows', caption='…', source='…')")
        # to_svg, not svg_of: the author may show the same figure again
        return doc.Figure(chartstyle.to_svg(value, salt), info.alt, info.caption, info.source)
    if isinstance(value, pd.DataFrame):
        return _table(ctx, value)
    raise ParameterError(f"section: cannot show a {type(value).__name__}; give text, a "
                         "figure from report.figure or report.chart, a DataFrame or a "
                         "document node")


def _table(ctx: ReportContext, frame: pd.DataFrame) -> doc.Table:
    from techmonitor import fmt

    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    rows = []
    for row in frame.itertuples(index=False):
        cells = []
        for value, is_num in zip(row, numeric, strict=True):
            if is_num and pd.notna(value):
                decimals = 0 if float(value).is_integer() else 1
                cells.append(fmt.number(float(value), decimals, ctx.lang))
            else:
                cells.append(ctx.t("none") if pd.isna(value) else str(value))
        rows.append(cells)
    caption = str(frame.attrs.get("caption", "")) or ctx.t("own.table")
    return doc.table(caption, [str(c) for c in frame.columns], rows, numeric=numeric,
                     row_headers=False)


def section(ctx: ReportContext, title: str, blocks: Iterable[Any], index: int) -> doc.Section:
    """An author's own section: a title and its blocks (see :func:`block`).

    Raises
    ------
    ParameterError
        When the title is empty or a block cannot be shown.
    """
    if not isinstance(title, str) or not title.strip():
        raise ParameterError("section: give a title (the section's heading)")
    slug = doc.slug_of(title)
    sid = slug if slug.startswith(OWN_PREFIX) else f"{OWN_PREFIX}{slug}"  # "Eigen analyse: …"
    children = [block(ctx, b, f"{ctx.params.report_id}-{sid}-{i}-{index}")
                for i, b in enumerate(blocks)]
    return doc.Section(title, sid, tuple(children), role="own")
