"""Labour market: open vacancies for the sector or province, seasonally adjusted, year on year."""

from __future__ import annotations

from typing import TYPE_CHECKING

from techmonitor import blocks, charts, narrative
from techmonitor.blocks import Block, Section
from techmonitor.periods import to_decimal_years
from techmonitor.report.analysis import Item
from techmonitor.report.ids import SECTION_IDS

if TYPE_CHECKING:
    from techmonitor.report.core import Report


def quarterly_items(report: Report) -> list[Item]:
    """Quarterly series of this report (open vacancies first)."""
    items = [i for i in report.items if i.ind.frequency == "quarter" and i.trend is not None]
    return sorted(items, key=lambda i: i.ind.code != "vacancies_open")


def labour_section(report: Report) -> Section:
    """Section ``arbeidsmarkt``: per quarterly series a chart, a sentence and a table."""
    sec = Section(report.t("sec.labour"), anchor=SECTION_IDS["labour"])
    items = quarterly_items(report)
    if not items:
        return sec.add(blocks.paragraph(report.t("lab.none")))
    sec.add(blocks.paragraph(report.t("lab.intro", scope=report.scope)))
    for item in items:
        if len(items) > 1:
            sec.add(blocks.heading(item.name(report.lang), 3, anchor=f"ind-{item.key}"))
        sec.add(*quarterly_blocks(report, item))
    return sec


def quarterly_blocks(report: Report, item: Item) -> list[Block]:
    """Chart (raw and seasonally adjusted), year-on-year sentence and the last eight quarters."""
    lang = report.lang
    trend = item.trend
    assert trend is not None
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
    caption = report.t(key, name=item.name(lang), sources=", ".join(item.sources()))
    out: list[Block] = [charts.emit(fig, alt=alt, caption=caption,
                                    salt=f"{report.params.report_id}-{item.key}")]
    sentence = narrative.yoy_sentence(item.name(lang).lower(), trend, lang, item.unit())
    if sentence:
        out.append(blocks.paragraph(sentence))
    rows = []
    tail = s.tail(8)
    # CBS publishes vacancies in hundreds (x 1 000, one decimal); the adjusted series is shown
    # with the same precision rather than a false exactness
    step = 100.0 if bool((s["value"] % 100 == 0).all()) else 1.0
    for r in tail.itertuples():
        adj = (item.value(round(float(adjusted[r.period]) / step) * step, lang)  # type: ignore[index]
               if adjusted is not None and r.period in adjusted.index else report.t("none"))
        value = item.value(float(r.value), lang)  # type: ignore[arg-type]
        if r.status == "illustrative":
            value += f" ({report.t('status.illustrative')})"
        elif r.status == "provisional":
            value += "*"
        rows.append([report.fmt_period(str(r.period), "short"), value, adj])
    note = (f"* {report.t('status.provisional')}"
            if (tail["status"] == "provisional").any() else None)
    out.append(blocks.table(
        report.t("lab.table"),
        [report.t("lab.col_quarter"), report.t("lab.col_raw"), report.t("lab.col_adjusted")],
        rows, numeric=[False, True, True], note=note))
    return out
