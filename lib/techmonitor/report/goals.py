"""One section per goal of the cabinet letter; per indicator a chart, a sentence and a table."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from techmonitor import charts, chartstyle, fmt, narrative, progress
from techmonitor.messages import join_words
from techmonitor.periods import to_decimal_year, to_decimal_years
from techmonitor.report import document as doc
from techmonitor.report import education, retention
from techmonitor.report.analysis import Item, band80_at, overconfident
from techmonitor.report.goal_verdicts import GoalVerdict
from techmonitor.report.ids import SECTION_IDS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from techmonitor.report.context import ReportContext as Report


#: fewer points than this make no chart: one or two published figures read better as text
MIN_CHART_POINTS = 3


def goal_section(report: Report, n: int) -> doc.Section:
    """Section ``doel-n`` with every indicator of goal ``n`` that has data here."""
    title = report.t("sec.goal", n=n, title=report.t(f"goal.{n}"))
    own = retention.codes_shown_elsewhere() + education.codes_shown_elsewhere()
    items = [i for i in report.goal_items(n) if i.ind.code not in own]
    # retention (goal 4), what is missing (3, 4); vmbo, havo/vwo (1), net retention (2)
    extra = retention.goal_blocks(report, n) + education.goal_blocks(report, n)
    answer = doc.Paragraph(goal_answer(report, report.goal_verdict(n), full=True))
    if not items and not extra:
        return doc.section(title, SECTION_IDS[f"goal{n}"], answer,
                           doc.Paragraph(report.t("goal.none")))
    blocks = [indicator_blocks(report, item) + retention.after_item(report, item)
              + education.after_item(report, item) for item in items]
    return doc.section(title, SECTION_IDS[f"goal{n}"], answer, *blocks, extra)


def goal_answer(report: Report, v: GoalVerdict, *, full: bool) -> str:
    """The one answer for a goal: ``Doel 1 (...): geen aantoonbare verandering. Het oordeel
    rust op ...``. ``full`` names every series with its trend and interval (the goal
    section); otherwise the series are counted (the key messages)."""
    lang = report.lang
    out = [report.t("goalv.head", n=v.goal, title=report.t(f"goal.{v.goal}"),
                    verdict=report.t(f"goalv.verdict.{v.verdict}"))]
    if v.basis:
        if full:
            parts = [series_answer(report, report.item(k)) for k in v.basis]
        else:
            parts = [report.t_n(f"goalv.n_{what}", len(keys)) for what, keys in
                     (("unfavourable", v.unfavourable), ("favourable", v.favourable),
                      ("flat", v.flat)) if keys]
        out.append(report.t(f"goalv.rests.{v.basis_kind}", goal=v.goal,
                            period=report.fmt_period(v.latest_period or "", "short"),
                            parts=join_words(parts, lang) if not full else "; ".join(parts)))
    if full and v.context:
        names = [narrative.in_sentence(report.item(k).name(lang)) for k in v.context]
        out.append(report.t("goalv.context", names=join_words(names, lang)))
    missing = [narrative.in_sentence(report.item(k).name(lang))
               + " (" + why_unjudged(report, report.item(k)) + ")"
               for k in v.not_judged] if full else []
    if not full and v.not_judged:
        missing.append(report.t_n("goalv.n_unjudged", len(v.not_judged)))
    if v.gaps:
        missing.append(report.t_n("goalv.gaps", len(v.gaps)))
    if missing:
        out.append(report.t("goalv.missing", what=join_words(missing, lang)))
    return " ".join(out)


def series_answer(report: Report, item: Item) -> str:
    """``aandeel techniek onder mbo-deelnemers: significante daling (-0,3 procentpunt per
    jaar, 95%: -0,4 tot -0,2; 26,7% in 2019/'20)``."""
    ci = item.ci95
    assert ci is not None and item.trend is not None and item.trend.slope is not None
    unit = item.unit()
    lo, hi = narrative.interval(ci, unit, report.lang)
    return report.t(f"goalv.series.{item.movement}",
                    name=narrative.in_sentence(item.name(report.lang)),
                    slope=fmt.value_change(item.trend.slope, unit, report.lang), lo=lo, hi=hi,
                    value=item.value(float(item.latest["value"]), report.lang),
                    period=report.fmt_period(str(item.latest["period"]), "short"))


def why_unjudged(report: Report, item: Item) -> str:
    """Why a series has no answer: too small to judge, or no trend."""
    if item.size is not None and not item.size.judgeable:
        return report.t("status.too_small_why", threshold=fmt.count(item.size.threshold,
                                                                    report.lang))
    return report.t("goalv.no_trend")


def failure_note(report: Report, item: Item) -> doc.Note | None:
    """The note that stands where a failed step's result would: what failed and why."""
    if not item.error:
        return None
    key = "ind.failed_target" if item.error_step == "target" else "ind.failed_trend"
    return doc.Note(report.t(key, name=item.name(report.lang), reason=item.reason(report.lang)),
                    "failure")


def indicator_blocks(report: Report, item: Item) -> list[doc.Node]:
    """Heading, chart, generated sentence and accessible table of one indicator."""
    lang = report.lang
    name = item.name(lang)
    out: list[doc.Node] = [doc.Heading(name, 3, f"ind-{item.key}")]
    if (stale := report.stale_text(item)) is not None:  # flagged beside the indicator
        out.append(doc.Note(stale, "warning"))
    if item.trend is None:  # no trend: say why, and show the data
        out.append(failure_note(report, item)
                   or doc.Paragraph(report.t("ind.readings", name=name)))
        out.append(observation_table(report, item))
        return out
    if len(item.series) >= MIN_CHART_POINTS or item.band is not None:
        out.append(trend_chart(report, item))
    target = item.assessment if isinstance(item.assessment, progress.TargetAssessment) else None
    trend = item.assessment if isinstance(item.assessment, progress.TrendAssessment) else None
    out.append(doc.Paragraph(narrative.describe(
        name, item.trend, target, trend, lang, item.unit(),
        overconfident=overconfident(item, report.calibration),
        band80=band80_at(item, target.target_period) if target is not None else None,
        size=item.size, number=item.ind.number(lang))))
    note = failure_note(report, item)
    if note is not None:
        out.append(note)
    out.append(observation_table(report, item))
    return out


def caption(report: Report, item: Item, name: str | None = None) -> str:
    """Visible caption: the name (and the illustrative note when relevant)."""
    key = "chart.caption_ill" if item.illustrative else "chart.caption"
    return report.t(key, name=name or item.name(report.lang))


def source_line(report: Report, item: Item) -> str:
    """``Bron: CBS StatLine, vacatures naar bedrijfstak (80472NED).`` (public names)"""
    return report.t("chart.source", sources=report.source_names(item.sources()))


def alt_text(report: Report, item: Item, name: str | None = None) -> str:
    """What the chart shows, in words: period, end values, projection, target."""
    s = item.series
    first, last = s.iloc[0], s.iloc[-1]
    text = report.t("alt.trend", name=name or item.name(report.lang),
                    first=report.fmt_period(str(first["period"])),
                    first_value=item.value(float(first["value"]), report.lang),
                    last=report.fmt_period(str(last["period"])),
                    last_value=item.value(float(last["value"]), report.lang))
    if item.band is not None and len(item.band):
        end = item.band.iloc[-1]
        text += report.t("alt.projection", period=report.fmt_period(str(end["period"])),
                         lo=item.value(float(end["lo80"]), report.lang),
                         hi=item.value(float(end["hi80"]), report.lang))
    if item.target is not None:
        text += report.t("alt.target", value=item.value(item.target.value, report.lang),
                         period=report.fmt_period(item.target.period))
    if item.illustrative:
        text += report.t("alt.illustrative")
    return text


def trend_chart(report: Report, item: Item) -> doc.Figure:
    """The indicator chart: series, fitted trend, 80/95% band to the target year, target."""
    fig = trend_figure(report, item)
    return doc.Figure(chartstyle.svg_of(fig, f"{report.params.report_id}-{item.key}"),
                      alt_text(report, item), caption(report, item), source_line(report, item))


def trend_figure(report: Report, item: Item) -> Figure:
    """The matplotlib figure of :func:`trend_chart` (the author's ``report.figure`` too)."""
    lang = report.lang
    s = item.series
    t = to_decimal_years(s["period"])
    y = s["value"].to_numpy(dtype=float)
    labels = charts.TrendLabels(
        observed=report.t("chart.observed"), trend=report.t("chart.trend"),
        band80=report.t("chart.band80"), band95=report.t("chart.band95"),
        target=report.t("chart.target_ill" if item.target is not None
                        and item.target.illustrative else "chart.target"),
        illustrative=report.t("chart.illustrative"),
        axis=unit_axis_label(report, item),
    )
    trend = item.trend
    fitted = None
    if trend is not None and len(trend.fitted) and item.judged:  # no line on a too-small series
        fitted = (np.asarray(trend.data.t, dtype=float), trend.fitted.to_numpy(dtype=float))
    band = None
    if item.band is not None and len(item.band):
        band = {c: item.band[c].to_numpy(dtype=float)
                for c in ("t", "mean", "lo80", "hi80", "lo95", "hi95")}
    target = None
    if item.target is not None:
        target = charts.TargetMark(
            to_decimal_year(item.target.period), item.target.value,
            report.t("chart.target_label_ill" if item.target.illustrative
                     else "chart.target_label",
                     period=report.fmt_period(item.target.period, "short"),
                     value=item.value(item.target.value, lang)))
    kind = trend.data.period_kind if trend is not None and trend.n else \
        {"quarter": "quarter", "school_year": "school_year"}.get(item.ind.frequency, "year")
    return charts.trend_chart(
        t, y, illustrative=(s["status"] == "illustrative").to_numpy(), period_kind=kind,
        unit=item.unit(), lang=lang, labels=labels, fitted=fitted, band=band, target=target)


def unit_axis_label(report: Report, item: Item) -> str:
    """Value-axis label: ``aandeel (%)`` for shares, the catalogue unit otherwise."""
    if item.unit() == "share":
        return "%"
    return report.t("nat.axis_count")


def observation_table(report: Report, item: Item) -> doc.Table:
    """The numbers behind the chart: observations, then the projection with its interval
    (observations only, in three columns, when the series is not projected)."""
    lang = report.lang
    rows: list[list[str]] = []
    for r in item.series.itertuples():
        rows.append([report.fmt_period(str(r.period), "short"),
                     item.value(float(r.value), lang),
                     report.t(f"status.{r.status}"), report.t("none")])
    if item.band is not None:
        for r in item.band.iloc[1:].itertuples():
            interval = (f"{item.value(float(r.mean), lang)} "
                        f"({item.value(float(r.lo80), lang)} – "
                        f"{item.value(float(r.hi80), lang)})")
            rows.append([report.fmt_period(str(r.period), "short"), report.t("none"),
                         report.t("none"), interval])
    excluded = item.trend.excluded if item.trend is not None else None
    note = None
    if excluded is not None and len(excluded):
        vints = [str(v) for v in dict.fromkeys(excluded["vintage"])]
        note = report.t("ind.vintage_note", n=len(excluded), vintages=join_words(vints, lang))
    header = [report.t("col.period"), report.t("col.value"), report.t("col.data_status")]
    if item.band is None:  # no projection: no column and no caption that promise one
        return doc.table(report.t("ind.table_observed", name=item.name(lang)), header,
                         [r[:3] for r in rows], numeric=[False, True, False], note=note)
    return doc.table(
        report.t("ind.table", name=item.name(lang)), [*header, report.t("col.projection")],
        rows, numeric=[False, True, False, True], note=note)
