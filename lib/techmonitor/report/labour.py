"""Labour market: open vacancies for the sector or province, seasonally adjusted, year on year."""

from __future__ import annotations

from typing import TYPE_CHECKING

from techmonitor import charts, narrative
from techmonitor.periods import to_decimal_years
from techmonitor.report import document as doc
from techmonitor.report.analysis import Item
from techmonitor.report.goals import failure_note, observation_table, source_line
from techmonitor.report.ids import SECTION_IDS

if TYPE_CHECKING:
    from techmonitor.report.context import ReportContext as Report


def quarterly_items(report: Report) -> list[Item]:
    """Quarterly series of this report (open vacancies first)."""
    items = [i for i in report.items if i.ind.frequency == "quarter"]
    return sorted(items, key=lambda i: i.ind.code != "vacancies_open")


def labour_section(report: Report) -> doc.Section:
    """Section ``arbeidsmarkt``: per quarterly series a chart, a sentence and a table."""
    title, anchor = report.t("sec.labour"), SECTION_IDS["labour"]
    items = quarterly_items(report)
    if not items:
        return doc.section(title, anchor, doc.Paragraph(report.t("lab.none")))
    out: list[doc.Node] = [doc.Paragraph(report.t("lab.intro", scope=report.scope))]
    for item in items:
        if len(items) > 1:
            out.append(doc.Heading(item.name(report.lang), 3, f"ind-{item.key}"))
        if (stale := report.stale_text(item)) is not None:  # flagged beside the series
            out.append(doc.Note(stale, "warning"))
        out += quarterly_blocks(report, item)
    return doc.section(title, anchor, out)


def quarterly_blocks(report: Report, item: Item) -> list[doc.Node]:
    """Chart (raw and seasonally adjusted), year-on-year sentence and the last eight quarters."""
    lang = report.lang
    trend = item.trend
    if trend is None:  # the fit failed: say why, and still show every observation
        return [n for n in (failure_note(report, item), observation_table(report, item)) if n]
    s = item.series
    t = to_decimal_years(s["period"])
    adjusted = trend.adjusted
    fig = charts.seasonal_chart(
        t, s["value"].to_numpy(dtype=float),
        None if adjusted is None else adjusted.reindex(s["period"]).to_numpy(dtype=float),
        illustrative=(s["status"] == "illustrative").to_numpy(), unit=item.unit(), lang=lang,
        raw_label=report.t("lab.raw"), adjusted_label=report.t("lab.adjusted"),
        illustrative_label=report.t("chart.illustrative"), axis_label=report.t("lab.axis"))
    last = s.iloc[-1]
    alt = report.t("lab.alt", scope=report.scope, first=report.fmt_period(str(s.iloc[0].period)),
                   last=report.fmt_period(str(last.period)),
                   value=item.value(float(last.value), lang))
    key = "chart.caption_ill" if item.illustrative else "chart.caption"
    caption = report.t(key, name=item.name(lang))
    out: list[doc.Node] = [doc.Figure(charts.svg_of(fig, f"{report.params.report_id}-{item.key}"),
                                      alt, caption, source_line(report, item))]
    sentence = narrative.yoy_sentence(item.name(lang).lower(), trend, lang, item.unit())
    if sentence:
        out.append(doc.Paragraph(sentence))
    rows = []
    tail = s.tail(8)
    # CBS publishes vacancies in hundreds (x 1 000, one decimal); the adjusted series is shown
    # with the same precision rather than a false exactness
    step = 100.0 if bool((s["value"] % 100 == 0).all()) else 1.0
    for r in tail.itertuples():
        adj = (item.value(round(float(adjusted[r.period]) / step) * step, lang)  # type: ignore[index]
               if adjusted is not None and r.period in adjusted.index else report.t("none"))
        value = item.value(float(r.value), lang)
        if r.status == "illustrative":
            value += f" ({report.t('status.illustrative')})"
        elif r.status == "provisional":
            value += "*"
        rows.append([report.fmt_period(str(r.period), "short"), value, adj])
    note = (f"* {report.t('status.provisional')}"
            if (tail["status"] == "provisional").any() else None)
    out.append(doc.table(
        report.t("lab.table"),
        [report.t("lab.col_quarter"), report.t("lab.col_raw"), report.t("lab.col_adjusted")],
        rows, numeric=[False, True, True], note=note))
    return out
