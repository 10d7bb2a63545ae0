"""The sector author's API: series, trends, figures and sections of one's own.

A human capital agenda author extends a report without touching the shared template: in a
notebook cell (``report.section(...)``) or in an analysis file named by the params key
``analysis`` (``analyses/<slug>.py``, a function ``sections(report)``). Everything here reads
the same cached data and fits the same trends as the shared sections, and what it returns is
an ordinary document node, so it is laid out in house style in the HTML and the PDF.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from techmonitor import charts, trends
from techmonitor.errors import ParameterError, TechmonitorError
from techmonitor.indicators import series_for
from techmonitor.periods import to_decimal_years
from techmonitor.report import document as doc
from techmonitor.report import store
from techmonitor.report.analysis import kind_for, projection_band

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from techmonitor.report.context import ReportContext

#: attribute on a house-style matplotlib figure holding what the document figure needs
FIGURE_INFO = "_techmonitor_figure"
#: prefix of the section ids of an author's own sections (``eigen-…``)
OWN_PREFIX = "eigen-"


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
    codes = (ind.code,) + tuple(part.indicator for part in (ind.numerator, ind.denominator)
                                if part is not None)
    obs = store.obs_for(ctx.data_dir, p.period, codes, p.region)
    from techmonitor.report.context import with_sbi

    ref = with_sbi(store.load_sectors(ctx.data_dir), p)
    frame = series_for(obs, dict(ctx.catalogue), ind.code, level=level, sector=p.sector,
                       region=p.region, sex=sex, sectors_ref=ref)
    if frame.empty:
        raise ParameterError(f"series({indicator!r}, level={level!r}, sex={sex!r}): no data "
                             f"for {ctx.scope} up to {p.period}")
    return frame.copy(deep=True).reset_index(drop=True)


def trend(ctx: ReportContext, indicator: str, level: str = "all", sex: str = "all"
          ) -> trends.TrendResult:
    """The calibrated trend of :func:`series`, fitted as the shared sections fit it.

    Raises
    ------
    ParameterError
        As :func:`series`.
    TechmonitorError
        When the series cannot be fitted (the message says why).
    """
    frame = series(ctx, indicator, level, sex)
    return trends.estimate(frame, kind=kind_for(ctx.catalogue[indicator]))


def figure(ctx: ReportContext, indicator: str, level: str = "all", sex: str = "all", *,
           with_trend: bool = True) -> Figure:
    """A house-style chart of one series (with its trend and 80/95% band to the target year).

    The figure carries its alt text, caption and source line, so ``report.section(title,
    fig)`` needs nothing more. Returns a :class:`matplotlib.figure.Figure` the author may
    annotate further (``fig.axes[0]``).
    """
    frame = series(ctx, indicator, level, sex)
    ind = ctx.catalogue[indicator]
    name = ind.name_en if ctx.lang == "en" else ind.name_nl
    if level != "all" and level.lower() not in name.lower():
        name = f"{name} ({level})"
    if sex != "all":
        name = f"{name}, {ctx.t('sex.' + sex)}"
    unit = "share" if ind.kind == "share" else "count"
    t = to_decimal_years(frame["period"])
    y = frame["value"].to_numpy(dtype=float)
    fitted = band = None
    result = None
    if with_trend:
        try:
            result = trends.estimate(frame, kind=kind_for(ind))
        except TechmonitorError:
            result = None  # the chart shows the observations; the alt text says so
    fc = None
    if result is not None and result.has_model and len(result.fitted):
        fitted = (result.data.t.astype(float), result.fitted.to_numpy(dtype=float))
        # the same projection as the shared charts: from the last fitted value to the
        # report's horizon year
        fc = projection_band(result, None, ctx.params.target_year)
        if fc is not None and len(fc):
            band = {c: fc[c].to_numpy(dtype=float)
                    for c in ("t", "mean", "lo80", "hi80", "lo95", "hi95")}
    labels = charts.TrendLabels(
        observed=ctx.t("chart.observed"), trend=ctx.t("chart.trend"),
        band80=ctx.t("chart.band80"), band95=ctx.t("chart.band95"),
        target=ctx.t("chart.target"), illustrative=ctx.t("chart.illustrative"),
        axis="%" if unit == "share" else ctx.t("nat.axis_count"))
    kind = result.data.period_kind if result is not None and result.n else (
        "quarter" if ind.frequency == "quarter" else
        "school_year" if ind.frequency == "school_year" else "year")
    fig = charts.trend_chart(t, y, illustrative=(frame["status"] == "illustrative").to_numpy(),
                             period_kind=kind, unit=unit, lang=ctx.lang, labels=labels,
                             fitted=fitted, band=band)
    first, last = frame.iloc[0], frame.iloc[-1]
    alt = ctx.t("alt.trend", name=name, first=ctx.fmt_period(str(first["period"])),
                first_value=_value(ctx, float(first["value"]), unit),
                last=ctx.fmt_period(str(last["period"])),
                last_value=_value(ctx, float(last["value"]), unit))
    if band is not None and fc is not None:
        alt += ctx.t("alt.projection", period=ctx.fmt_period(str(fc["period"].iloc[-1])),
                     lo=_value(ctx, float(band["lo80"][-1]), unit),
                     hi=_value(ctx, float(band["hi80"][-1]), unit))
    illustrative = bool((frame["status"] == "illustrative").any())
    if illustrative:
        alt += ctx.t("alt.illustrative")
    sources = ", ".join(dict.fromkeys(str(s) for s in frame["source"]))
    setattr(fig, FIGURE_INFO, FigureInfo(
        alt, ctx.t("chart.caption_ill" if illustrative else "chart.caption", name=name),
        ctx.t("chart.source", sources=sources)))
    return fig


def _value(ctx: ReportContext, x: float, unit: str) -> str:
    from techmonitor import fmt

    return fmt.value(x, unit, ctx.lang)  # type: ignore[arg-type]


def chart(fig: Figure, *, alt: str, caption: str, source: str, salt: str) -> doc.Figure:
    """A matplotlib figure as a document figure (SVG) with its alt text, caption and source.

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
    return doc.Figure(charts.svg_of(fig, salt), alt, caption, source)


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "sectie"


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
        return doc.Figure(charts.svg_of(value, salt), info.alt, info.caption, info.source)
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
    slug = _slug(title)
    sid = slug if slug.startswith(OWN_PREFIX) else f"{OWN_PREFIX}{slug}"  # "Eigen analyse: …"
    children = [block(ctx, b, f"{ctx.params.report_id}-{sid}-{i}-{index}")
                for i, b in enumerate(blocks)]
    return doc.Section(title, sid, tuple(children), role="own")


# -- analysis files ----------------------------------------------------------------------------
def analysis_path(ctx_project: Path, name: str) -> Path:
    """The analysis file a params ``analysis`` value names (relative to the project)."""
    path = Path(name)
    return path if path.is_absolute() else ctx_project / path


def check_analysis_file(path: Path, where: str) -> list[str]:
    """Problems with an analysis file: missing, not Python, a syntax error, no sections().

    Returns one line per problem, naming the file (and line) and how to fix it.
    """
    import ast

    if path.suffix != ".py":
        return [f"{where}: key 'analysis' = {str(path)!r}: give a Python file (.py) with a "
                "function sections(report)"]
    if not path.is_file():
        return [f"{where}: key 'analysis' = {str(path)!r}: no such file; create it (see "
                "`techmonitor new`) or remove the key"]
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except SyntaxError as exc:
        return [f"{path}:{exc.lineno}: {exc.msg}; fix the analysis file"]
    if not any(isinstance(n, ast.FunctionDef) and n.name == "sections" for n in tree.body):
        return [f"{path}: defines no function sections(report); add one that returns the "
                "report's own sections"]
    return []


class AnalysisError(TechmonitorError):
    """An author's analysis file failed; the message names the file and line."""


def run_analysis(report: Any, path: Path) -> list[doc.Section]:
    """Load ``path`` and call its ``sections(report)``: the author's own sections.

    The file is executed afresh on every call (an edit takes effect in a warm kernel) in a
    module of its own; nothing it defines leaks into the report.

    Raises
    ------
    AnalysisError
        Naming the file and the line where it failed and the error.
    """
    problems = check_analysis_file(path, "params")
    if problems:
        raise AnalysisError(problems[0])
    source = path.read_text(encoding="utf-8")
    namespace: dict[str, Any] = {"__name__": f"techmonitor_analysis_{_slug(path.stem)}",
                                 "__file__": str(path)}
    try:
        exec(compile(source, str(path), "exec"), namespace)  # noqa: S102 - the author's file
        made = namespace["sections"](report)
        out = list(made) if isinstance(made, Iterable) else [made]
        for i, sec in enumerate(out):
            if not isinstance(sec, doc.Section):
                raise ParameterError(f"sections() returned a {type(sec).__name__} at "
                                     f"position {i}; return report.section(...) results")
    except Exception as exc:  # noqa: BLE001 - any error of the author's code, with its line
        raise AnalysisError(_where(exc, path)) from exc
    return out


def _where(exc: BaseException, path: Path) -> str:
    """``analyses/energie.py line 12: KeyError: 'x'`` from the deepest frame in ``path``."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if Path(frame.filename) == path:
            line = frame.lineno
    text = str(exc) if isinstance(exc, TechmonitorError) else f"{type(exc).__name__}: {exc}"
    return f"{path}{f' line {line}' if line else ''}: {text}"
