"""Education blocks of goals 1 and 2: breaks, vmbo and havo/vwo, net retention, published points.

Only phrases what :mod:`techmonitor.report.education_analysis` computed into the context.
Goal 1 gets the break in hbo first-years (after the item's own blocks), the techniek share of
vmbo exam candidates per leerweg and the N&T share of havo/vwo candidates; goal 2 the net
yearly retention in technical hbo beside two other sectors, and the published retention
figures as single points. The identity of the net retention is also given to the method annex
(:func:`method_paragraph`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from techmonitor import bilingual, charts, chartstyle, fmt, narrative
from techmonitor.messages import join_words
from techmonitor.periods import to_decimal_year, to_decimal_years
from techmonitor.report import document as doc
from techmonitor.report.education_analysis import (
    DIPLOMAS,
    HAVOVWO,
    PUBLISHED,
    RETENTION,
    SEXES,
    VMBO,
    Breakdown,
    BreakSeries,
)
from techmonitor.report.labels import vintage_label

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from techmonitor.report.analysis import Item
    from techmonitor.report.context import ReportContext as Report


def codes_shown_elsewhere() -> tuple[str, ...]:
    """Indicator codes the goal sections leave to :func:`goal_blocks` (their items stay in
    the context and the results file)."""
    return (VMBO, "vmbo_exam_tech", HAVOVWO, "havovwo_exam_nt", *RETENTION, *PUBLISHED)


def goal_blocks(report: Report, n: int) -> list[doc.Node]:
    """vmbo and havo/vwo (goal 1); net retention and published points (goal 2)."""
    if n == 1:
        return school_blocks(report)
    if n == 2:
        return retention_blocks(report) + published_blocks(report)
    return []


def after_item(report: Report, item: Item) -> list[doc.Node]:
    """The break block after a series in two definitions; the follow-on note after hbo
    diplomas (one definition over two files)."""
    found = report.education.break_for(item.ind.code, item.level)
    if found is not None:
        return break_blocks(report, item, found)
    if (item.ind.code, item.level) == DIPLOMAS and item.series["source"].nunique() > 1:
        return [doc.Paragraph(report.t("edu.diplomas_one_line",
                                       first=report.fmt_period(str(item.series["period"].iloc[0])),
                                       last=report.fmt_period(str(item.latest["period"]))))]
    return []


def _label(report: Report, code: str, vintage: str) -> str:
    return vintage_label(report, vintage, code)


def _name(report: Report, code: str) -> str:
    ind = report.catalogue[code]
    return bilingual.text(ind, "name", report.lang)


def _pct(report: Report, x: float) -> str:
    return fmt.percent(float(x), 1, report.lang)


def _count(report: Report, x: float) -> str:
    return fmt.number(float(x), 0, report.lang)


def break_t(b: BreakSeries) -> float:
    """Where the chart marks the break: halfway between the last old and first new period."""
    old, new = list(b.lines.values())[-2:]
    return (to_decimal_year(str(old["period"].iloc[-1]))
            + to_decimal_year(str(new["period"].iloc[0]))) / 2


def break_blocks(report: Report, item: Item, b: BreakSeries) -> list[doc.Node]:
    """Both definitions as their own lines, the break marked in chart, table and text, and
    the trend across it (level shift) or why the newest definition is fitted alone."""
    lang = report.lang
    unit = item.unit()
    name = item.name(lang)
    (v_old, old), (v_new, new) = list(b.lines.items())[-2:]
    out: list[doc.Node] = [doc.Heading(report.t("edu.break_title", name=name), 4,
                                       f"breuk-{item.key}")]
    text = report.t(
        "edu.break_text", name=name, old=_label(report, item.ind.code, v_old),
        new=_label(report, item.ind.code, v_new),
        old_last=report.fmt_period(str(old["period"].iloc[-1])),
        old_value=item.value(float(old["value"].iloc[-1]), lang),
        new_first=report.fmt_period(str(new["period"].iloc[0])),
        new_value=item.value(float(new["value"].iloc[0]), lang))
    fit = b.fit
    if fit is not None and not fit.weak:
        text += " " + report.t(
            "edu.level_shift", slope=fmt.value_change(fit.slope, unit, lang),
            slope_lo=fmt.value_change(fit.slope_ci95[0], unit, lang),
            slope_hi=fmt.value_change(fit.slope_ci95[1], unit, lang),
            shift=fmt.value_change(fit.shift, unit, lang),
            shift_lo=fmt.value_change(fit.shift_ci95[0], unit, lang),
            shift_hi=fmt.value_change(fit.shift_ci95[1], unit, lang),
            n_before=fit.n_before, n_after=fit.n_after)
        # whether the data can tell the step from no step at all
        zero_inside = fit.shift_ci95[0] <= 0 <= fit.shift_ci95[1]
        text += " " + report.t("edu.shift_unclear" if zero_inside else "edu.shift_clear")
    else:
        text += " " + report.t("edu.break_weak", new=report.fmt_period(b.break_period),
                               reason=b.error or report.t(
                                   "edu.break_few", n_before=fit.n_before if fit else 0,
                                   n_after=fit.n_after if fit else 0))
    if b.lower_bounds:
        text += " " + report.t("edu.break_lower_bound",
                               first=report.fmt_period(b.lower_bounds[0]),
                               last=report.fmt_period(b.lower_bounds[-1]))
    out.append(doc.Paragraph(text))
    fig = break_figure(report, item, b)
    sources = sorted({str(x) for s in b.lines.values() for x in s["source"]})
    out.append(doc.Figure(chartstyle.svg_of(fig, f"{report.params.report_id}-breuk-{item.key}"),
                          text, report.t("chart.caption", name=report.t(
                              "edu.break_title", name=name)),
                          report.t("chart.source", sources=report.source_names(sources))))
    rows: list[list[str]] = []
    for i, (v, s) in enumerate(b.lines.items()):
        if i:  # the break row: the reader of the table sees it without the chart
            rows.append([report.t("edu.break_row", period=report.fmt_period(
                str(s["period"].iloc[0]), "short")), "", ""])
        rows += [[report.fmt_period(str(r.period), "short"), item.value(float(r.value), lang),
                  _label(report, item.ind.code, v)] for r in s.itertuples()]
    out.append(doc.table(report.t("edu.break_table", name=name),
                         [report.t("col.period"), report.t("col.value"),
                          report.t("edu.col_definition")], rows,
                         numeric=[False, True, False], note=report.t("edu.break_note")))
    return out


def break_figure(report: Report, item: Item, b: BreakSeries) -> Figure:
    """One line per definition and a dashed mark at the break; no line crosses it."""
    lines = [(_label(report, item.ind.code, v), to_decimal_years(s["period"]),
              s["value"].to_numpy(dtype=float)) for v, s in b.lines.items()]
    kind = "school_year" if item.ind.frequency == "school_year" else "year"
    return charts.vintage_lines(
        lines, period_kind=kind, unit=item.unit(), lang=report.lang,
        axis_label="%" if item.unit() == "share" else report.t("nat.axis_count"),
        breaks=[(break_t(b), report.t("edu.break_mark"))])


def _lines(report: Report, parts: Sequence[Breakdown]
           ) -> list[tuple[str, np.ndarray, np.ndarray]]:
    return [(report.t(f"edu.level.{p.level}"), to_decimal_years(p.national["period"]),
             p.national["value"].to_numpy(dtype=float)) for p in parts]


def _share_blocks(report: Report, parts: Sequence[Breakdown], slug: str
                  ) -> list[doc.Node]:
    """Chart (one line per level), latest values in words, and tables by year, by sex and
    (national report) by province."""
    lang = report.lang
    code = parts[0].code
    name = _name(report, code)
    last = str(parts[0].national["period"].iloc[-1])
    values = [report.t("edu.level_value", level=report.t(f"edu.level.{p.level}"),
                       value=_pct(report, p.national["value"].iloc[-1])) for p in parts]
    text = report.t("edu.share_latest", name=name, period=report.fmt_period(last),
                    values=join_words(values, lang), scope=report.scope)
    out: list[doc.Node] = [doc.Paragraph(text)]
    fig = charts.vintage_lines(_lines(report, parts), period_kind="school_year",
                               unit="share", lang=lang, axis_label="%")
    sources = sorted({str(x) for p in parts for x in p.national["source"]})
    out.append(doc.Figure(chartstyle.svg_of(fig, f"{report.params.report_id}-{slug}"), text,
                          report.t("chart.caption", name=name),
                          report.t("chart.source", sources=report.source_names(sources))))
    periods = list(parts[0].national["period"])
    rows = []
    for period in periods:
        row = [report.fmt_period(str(period), "short")]
        for p in parts:
            v = p.national.loc[p.national["period"] == period, "value"]
            row.append(_pct(report, v.iloc[0]) if len(v) else report.t("none"))
        rows.append(row)
    header = [report.t("col.period")] + [report.t(f"edu.level.{p.level}") for p in parts]
    out.append(doc.table(report.t("edu.table_years", name=name), header, rows,
                         numeric=[False] + [True] * len(parts),
                         note=report.t("edu.lower_bound_note")))
    out.append(_split_table(report, parts, name, last, sex=True))
    if report.education.regions:
        out.append(_split_table(report, parts, name, last, sex=False))
    return out


def _split_table(report: Report, parts: Sequence[Breakdown], name: str,
                 period: str, *, sex: bool) -> doc.Table:
    """Latest shares by sex (rows) or by province (rows), one column per level."""
    keys: Mapping[str, str] = ({s: report.t(f"sex.{s}") for s in SEXES} if sex
                               else report.education.regions)
    rows = []
    for key, text in keys.items():
        row = [text]
        for p in parts:
            s = (p.by_sex if sex else p.by_region).get(key)
            v = None if s is None else s.loc[s["period"] == period, "value"]
            row.append(_pct(report, v.iloc[0]) if v is not None and len(v)
                       else report.t("none"))
        rows.append(row)
    caption = report.t("edu.table_sex" if sex else "edu.table_region", name=name,
                       period=report.fmt_period(period, "short"))
    head = report.t("edu.col_sex" if sex else "edu.col_region")
    return doc.table(caption, [head] + [report.t(f"edu.level.{p.level}") for p in parts], rows,
                     numeric=[False] + [True] * len(parts))


def school_blocks(report: Report) -> list[doc.Node]:
    """Techniek in vmbo per leerweg and N&T on havo/vwo (exam candidates)."""
    edu = report.education
    out: list[doc.Node] = [doc.Heading(report.t("edu.school_title"), 3, "vmbo-havo-vwo")]
    if report.params.kind == "sector":
        return out + [doc.Paragraph(report.t("edu.national_only_sector"))]
    if not edu.vmbo and not edu.havovwo:
        return out + [doc.Note(report.t("edu.school_none"), "note")]
    out.append(doc.Paragraph(report.t("edu.school_intro")))
    if edu.vmbo:
        out += _share_blocks(report, edu.vmbo, "vmbo")
        if report.params.kind == "national":  # the Monitor's shares are national
            out.append(doc.Paragraph(monitor_comparison(report, edu.vmbo)))
    if edu.havovwo:
        out += _share_blocks(report, edu.havovwo, "havovwo")
    return out


def monitor_comparison(report: Report, parts: Sequence[Breakdown]) -> str:
    """How the exam-candidate shares compare with the Monitor Techniekpact's shares of
    third-year pupils with a technical profile (another population and source)."""
    by = {p.level: p.national for p in parts}
    first = str(parts[0].national["period"].iloc[0])
    vals = [report.t("edu.level_value", level=report.t(f"edu.level.{lv}"),
                     value=_pct(report, by[lv]["value"].iloc[0]))
            for lv in ("vmbo-b", "vmbo-k") if lv in by]
    return report.t("edu.monitor_compare", period=report.fmt_period(first),
                    values=join_words(vals, report.lang))


def retention_blocks(report: Report) -> list[doc.Node]:
    """The net yearly retention in technical hbo: definition, chart with economie and
    gedrag beside it, trend with its interval, and tables by year, sex and province."""
    lang = report.lang
    out: list[doc.Node] = [doc.Heading(report.t("edu.ret_title"), 3, "netto-behoud-hbo")]
    if report.params.kind == "sector":
        return out + [doc.Paragraph(report.t("edu.national_only_sector"))]
    ret = report.education.retention
    if ret is None:
        return out + [doc.Note(report.t("edu.ret_none"), "note")]
    out.append(method_paragraph(report))
    tech = ret.sectors[RETENTION[0]]
    lines = [(report.t(f"edu.ret.{code}"), to_decimal_years(b.national["period"]),
              b.national["value"].to_numpy(dtype=float)) for code, b in ret.sectors.items()]
    last = str(tech.national["period"].iloc[-1])
    values = [report.t("edu.level_value", level=report.t(f"edu.ret.{code}"),
                       value=_pct(report, b.national["value"].iloc[-1]))
              for code, b in ret.sectors.items()]
    latest = report.t("edu.ret_latest", period=report.fmt_period(last),
                      values=join_words(values, lang), scope=report.scope)
    out.append(doc.Paragraph(latest))
    fig = charts.vintage_lines(lines, period_kind="school_year", unit="share", lang=lang,
                               axis_label="%")
    sources = sorted({str(x) for b in ret.sectors.values() for x in b.national["source"]})
    out.append(doc.Figure(chartstyle.svg_of(fig, f"{report.params.report_id}-netto-behoud"),
                          latest, report.t("chart.caption", name=report.t("edu.ret_title")),
                          report.t("chart.source", sources=report.source_names(sources))))
    name = report.t("edu.ret_name")
    if ret.trend is not None and ret.trend.has_model:
        # describe gives the slope with its 95% interval; the window says how little it rests on
        text = narrative.describe(name, ret.trend, lang=lang, unit="share", number="singular")
        text += " " + report.t(
            "edu.ret_trend", n=ret.trend.n, first=report.fmt_period(ret.trend.data.periods[0]),
            last=report.fmt_period(ret.trend.data.periods[-1]))
        out.append(doc.Paragraph(text))
    else:
        out.append(doc.Note(report.t("ind.failed_trend", name=name,
                                     reason=ret.error or report.t("trend.none")), "failure"))
    out.append(_retention_table(report, ret.sectors, tech))
    out.append(_retention_sex_table(report, tech))
    if report.education.regions:
        out.append(_retention_region_table(report, tech, last))
    elif report.params.kind == "region":  # a province's figure counts moves as in and out
        out.append(doc.Paragraph(report.t("edu.ret_region_note")))
    return out


def method_paragraph(report: Report) -> doc.Paragraph:
    """The identity of the net yearly retention in words (also for the method annex)."""
    return doc.Paragraph(report.t("edu.ret_identity"))


def method_breaks(report: Report) -> tuple[str, ...]:
    """Bullets for the method annex's list of breaks: the hbo first-years' two definitions
    and how a trend crosses them, and the net retention's identity.

    The annex (:mod:`techmonitor.report.annex`) adds them to its own list.
    """
    out = []
    if report.education.breaks:  # the periods come from the data, not the message
        b = report.education.breaks[0]
        old = list(b.lines.values())[-2]
        out.append(report.t("edu.method_break",
                            old_last=report.fmt_period(str(old["period"].iloc[-1])),
                            new_first=report.fmt_period(b.break_period)))
    return (*out, report.t("edu.ret_identity"))


def _retention_table(report: Report, sectors: Mapping[str, Breakdown], tech: Breakdown
                     ) -> doc.Table:
    rows = []
    for r in tech.national.itertuples():
        period = str(r.period)
        c = tech.counts.get(("all", period))
        row = [report.fmt_period(period, "short"),
               _count(report, c[0]) if c else report.t("none"),
               _count(report, c[1]) if c else report.t("none")]
        for b in sectors.values():
            v = b.national.loc[b.national["period"] == period, "value"]
            row.append(_pct(report, v.iloc[0]) if len(v) else report.t("none"))
        rows.append(row)
    header = [report.t("col.period"), report.t("edu.col_stayed"), report.t("edu.col_base")]
    header += [report.t(f"edu.ret.{code}") for code in sectors]
    return doc.table(report.t("edu.ret_table"), header, rows,
                     numeric=[False, True, True] + [True] * len(sectors))


def _retention_sex_table(report: Report, tech: Breakdown) -> doc.Table:
    rows = []
    for r in tech.national.itertuples():
        row = [report.fmt_period(str(r.period), "short")]
        for sex in SEXES:
            s = tech.by_sex.get(sex)
            v = None if s is None else s.loc[s["period"] == r.period, "value"]
            row.append(_pct(report, v.iloc[0]) if v is not None and len(v)
                       else report.t("none"))
        rows.append(row)
    return doc.table(report.t("edu.ret_table_sex"),
                     [report.t("col.period")] + [report.t(f"sex.{s}") for s in SEXES], rows,
                     numeric=[False, True, True])


def _retention_region_table(report: Report, tech: Breakdown, period: str) -> doc.Table:
    rows = []
    for code, name in report.education.regions.items():
        s = tech.by_region.get(code)
        v = None if s is None else s.loc[s["period"] == period, "value"]
        c = tech.counts.get((code, period))
        rows.append([name, _count(report, c[1]) if c else report.t("none"),
                     _pct(report, v.iloc[0]) if v is not None and len(v)
                     else report.t("none")])
    return doc.table(report.t("edu.ret_table_region", period=report.fmt_period(period, "short")),
                     [report.t("edu.col_region"), report.t("edu.col_base"),
                      report.t("edu.ret.retention_net_tech")], rows,
                     numeric=[False, True, True], note=report.t("edu.ret_region_note"))


def published_blocks(report: Report) -> list[doc.Node]:
    """Published retention figures: single points with their definitions, never a line."""
    out: list[doc.Node] = [doc.Heading(report.t("edu.pub_title"), 3, "gepubliceerd-behoud")]
    pub = report.education.published
    if report.params.kind != "national":
        return out + [doc.Paragraph(report.t("edu.pub_national_only"))]
    if not pub:
        return out + [doc.Note(report.t("edu.pub_none"), "note")]
    out.append(doc.Paragraph(report.t("edu.pub_intro")))
    rows = []
    for (code, vintage), s in sorted(pub.items(), key=lambda kv: (
            kv[0][0], str(kv[1]["period"].iloc[0]))):
        for r in s.itertuples():
            rows.append([_name(report, code), report.fmt_period(str(r.period), "short"),
                         _pct(report, r.value), _label(report, code, vintage)])
    out.append(doc.table(report.t("edu.pub_table"),
                         [report.t("edu.col_indicator"), report.t("edu.col_cohort"),
                          report.t("col.value"), report.t("edu.col_publication")], rows,
                         numeric=[False, False, True, False]))
    for code in dict.fromkeys(c for c, _ in pub):
        ind = report.catalogue[code]
        out.append(doc.Paragraph(report.t(
            "edu.pub_definition", name=_name(report, code),
            definition=bilingual.text(ind, "definition", report.lang))))
    return out

