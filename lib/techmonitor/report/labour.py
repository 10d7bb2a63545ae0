"""Labour market: open vacancies for the sector or province, year on year, with the trend line.

Every trend sentence names its window (first and last quarter, the quarters in the line) and
how the COVID quarters were handled (:attr:`~techmonitor.trends.TrendResult.covid`); the
seasonally adjusted series is shown only where its check passed
(:attr:`~techmonitor.trends.TrendResult.seasonal_check`), and the method annex says what
the check is and how it came out. Numbers are rounded to the step the source publishes
(CBS: hundreds of vacancies); the exact values are in the results file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from techmonitor import charts, chartstyle, fmt, narrative
from techmonitor.periods import to_decimal_years
from techmonitor.precision import data_step, round_to
from techmonitor.report import document as doc
from techmonitor.report.analysis import Item
from techmonitor.report.goals import failure_note, observation_table, source_line
from techmonitor.report.ids import SECTION_IDS
from techmonitor.report.national_analysis import COVID_QUARTERS

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
    """Chart (raw, and adjusted where the seasonal check passed), the year-on-year sentence,
    the trend line with its window and COVID handling, and the last eight quarters."""
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
    if adjusted is not None:
        alt += report.t("lab.alt_adjusted")
    key = "chart.caption_ill" if item.illustrative else "chart.caption"
    caption = report.t(key, name=item.name(lang))
    svg = chartstyle.svg_of(fig, f"{report.params.report_id}-{item.key}")
    out: list[doc.Node] = [doc.Figure(svg, alt, caption, source_line(report, item))]
    out.insert(0, doc.Paragraph(report.t(
        "lab.adjusted_shown" if adjusted is not None else "lab.adjusted_withheld")))
    sentence = narrative.yoy_sentence(item.name(lang).lower(), trend, lang, item.unit())
    if sentence:
        out.append(doc.Paragraph(sentence))
    # CBS publishes vacancies in hundreds (x 1 000, one decimal); the adjusted series and the
    # trend are shown with the same precision rather than a false exactness
    # (counts only: a share keeps the decimals its formatting gives it)
    step = data_step(s["value"].to_numpy(dtype=float)) if item.unit() == "count" else None
    line = trend_sentence(report, item, step)
    if line:
        out.append(doc.Paragraph(line))
    rows = []
    tail = s.tail(8)
    for r in tail.itertuples():
        adj = (item.value(_rounded(float(adjusted[r.period]), step), lang)  # type: ignore[index]
               if adjusted is not None and r.period in adjusted.index else report.t("none"))
        value = item.value(float(r.value), lang)
        if r.status == "illustrative":
            value += f" ({report.t('status.illustrative')})"
        elif r.status == "provisional":
            value += "*"
        rows.append([report.fmt_period(str(r.period), "short"), value, adj])
    note = (f"* {report.t('status.provisional')}"
            if (tail["status"] == "provisional").any() else None)
    head = [report.t("lab.col_quarter"), report.t("lab.col_raw"), report.t("lab.col_adjusted")]
    if adjusted is None:  # no adjusted series passed its check: no column of dashes
        rows, head = [r[:2] for r in rows], head[:2]
    out.append(doc.table(report.t("lab.table"), head, rows,
                         numeric=[False] + [True] * (len(head) - 1),
                         note=note))
    return out


def _rounded(x: float, step: float | None) -> float:
    return x if step is None else round_to(x, step)


def trend_sentence(report: Report, item: Item, step: float | None = None) -> str:
    """The trend line of a quarterly series with its window and how COVID quarters entered.

    ``De trendlijn door 15 kwartalen van K4 2018 tot en met K3 2023 stijgt met 45.100 per
    jaar (95%: 31.600 tot 58.600). De coronakwartalen ... kregen elk een eigen dummy ...``;
    ``""`` without a fitted line.
    """
    trend = item.trend
    window = trend.window if trend is not None else None
    ci = trend.slope_ci95 if trend is not None else None
    if trend is None or window is None or trend.slope is None or ci is None:
        return ""
    lang = report.lang

    def num(x: float) -> str:
        return item.value(_rounded(x, step), lang)

    slope = trend.slope
    key = "lab.trend.up" if slope > 0 else "lab.trend.down" if slope < 0 else "lab.trend.flat"
    text = report.t(key, n=window.n, first=report.fmt_period(window.first, "short"),
                    last=report.fmt_period(window.last, "short"), slope=num(abs(slope)),
                    lo=num(ci[0]), hi=num(ci[1]))
    covid = trend.covid
    if covid is not None:
        quarters = covid.quarters or COVID_QUARTERS
        text += " " + report.t(f"lab.covid.{covid.method}", n=len(covid.quarters),
                               first=report.fmt_period(quarters[0], "short"),
                               last=report.fmt_period(quarters[-1], "short"))
    return text


def seasonal_check_text(report: Report, item: Item) -> str | None:
    """Method annex: what the seasonal check is and how it came out for ``item``."""
    trend = item.trend
    check = trend.seasonal_check if trend is not None else None
    if check is None:
        return None
    lang = report.lang
    num = lambda x: fmt.number(x, 0, lang)  # noqa: E731
    if check.passed:
        verdict = report.t("met.seasonal.passed")
    elif check.adjusted_qoq >= check.raw_qoq:
        verdict = report.t("met.seasonal.failed_moves")
    else:
        verdict = report.t("met.seasonal.failed_factors")
    return report.t("met.seasonal.result", name=item.name(lang),
                    method=report.t(f"met.seasonal.method.{check.method}"),
                    raw=num(check.raw_qoq), adjusted=num(check.adjusted_qoq),
                    band=fmt.percent(100 * check.band, 0, lang), verdict=verdict)
