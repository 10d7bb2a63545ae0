"""National report only: the nine top sectors side by side, the ROA table, the 40,000 target."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from techmonitor import bilingual, charts, chartstyle, fmt
from techmonitor.periods import to_decimal_years
from techmonitor.report import document as doc
from techmonitor.report import extra40k, regions
from techmonitor.report.bases import year_earlier
from techmonitor.report.ids import SECTION_IDS, X40_ID

if TYPE_CHECKING:
    from techmonitor.report.context import ReportContext as Report

ROA_LEVELS = ("vmbo", "mbo", "hbo", "wo")
TARGET_40K = "masterplan-40000"


def national_section(report: Report) -> doc.Section:
    """Section ``topsectoren``: progress since the 2012 letter, the nine top sectors, the
    provinces compared, the ROA table and the 40,000 target."""
    return doc.section(report.t("sec.national"), SECTION_IDS["national"],
                       regions.since_letter_blocks(report), sectors_blocks(report),
                       regions.provinces_blocks(report), roa_blocks(report),
                       target_blocks(report))


def sectors_blocks(report: Report) -> list[doc.Node]:
    """Small multiples of open vacancies per top sector, and the same numbers in a table."""
    lang = report.lang
    out: list[doc.Node] = [doc.Heading(report.t("nat.sectors"), 3, "sectoren-vacatures"),
                        doc.Paragraph(report.t("nat.sectors_intro"))]
    panels, rows, sources = [], [], []
    for s in report.sector_vacancies:
        df = s.series
        name = bilingual.text(s, "name", lang)
        ill = (df["status"] == "illustrative").to_numpy()
        panels.append(charts.Panel(name, to_decimal_years(df["period"]),
                                   df["value"].to_numpy(dtype=float), ill))
        sources += list(df["source"])
        last = df.iloc[-1]
        yoy = report.t("none")
        ch = year_earlier(df)  # the same quarter a year earlier, never five rows back
        if ch is not None:
            yoy = fmt.percent(100 * (ch.value / ch.base_value - 1), 1, lang, signed=True)
        rows.append([name, fmt.number(float(last.value), 0, lang),
                     report.fmt_period(str(last.period), "short"), yoy])
    if not panels:
        return out + [doc.Paragraph(report.t("lab.none"))]
    first = min(float(p.t.min()) for p in panels)
    last_t = max(float(p.t.max()) for p in panels)
    periods = list(report.national.vacancy_periods)
    first_p = min(periods, key=lambda c: abs(to_decimal_years([c])[0] - first))
    last_p = min(periods, key=lambda c: abs(to_decimal_years([c])[0] - last_t))
    fig = charts.small_multiples(panels, unit="count", lang=lang)
    alt = report.t("nat.sectors_alt", first=report.fmt_period(first_p),
                   last=report.fmt_period(last_p))
    out.append(doc.Figure(
        chartstyle.svg_of(fig, f"{report.params.report_id}-sectors"), alt,
        report.t("chart.caption", name=report.t("nat.sectors")),
        report.t("chart.source", sources=report.source_names(sources))))
    out.append(doc.table(
        report.t("nat.sectors_table"),
        [report.t("nat.col_sector"), report.t("lab.col_raw"), report.t("col.period"),
         report.t("nat.col_yoy")], rows, numeric=[False, True, False, True]))
    return out


def roa_blocks(report: Report) -> list[doc.Node]:
    """Openings vs inflow per level (ROA 2011, Table 1 of the letter): chart and table."""
    lang = report.lang
    out: list[doc.Node] = [doc.Heading(report.t("nat.roa"), 3, "roa"),
                        doc.Paragraph(report.t("nat.roa_intro"))]
    fig_data = report.national.roa
    levels = [lv for lv in ROA_LEVELS if {"openings", "inflow"} <= set(fig_data.get(lv, {}))]
    if not levels:
        return out + [doc.Paragraph(report.t("nat.roa_none"))]
    openings = [fig_data[lv]["openings"] for lv in levels]
    inflow = [fig_data[lv]["inflow"] for lv in levels]
    # The published total row is shown when it exists: the letter's rounded level figures
    # do not add up to its totals (CBS convention: rounded totals may differ).
    published = fig_data.get("all", {})
    total_o = published.get("openings", float(np.sum(openings)))
    total_i = published.get("inflow", float(np.sum(inflow)))
    fig = charts.grouped_bars(
        [lv.upper() if lang == "en" else lv for lv in levels],
        [(report.t("nat.col_openings"), openings), (report.t("nat.col_inflow"), inflow)],
        unit="count", lang=lang, axis_label=report.t("nat.axis_count"))
    alt = report.t("nat.roa_alt", openings=fmt.number(total_o, 0, lang),
                   inflow=fmt.number(total_i, 0, lang))
    sources = report.source_names(report.national.roa_sources)
    out.append(doc.Figure(chartstyle.svg_of(fig, f"{report.params.report_id}-roa"), alt,
                          report.t("chart.caption", name=report.t("nat.roa_table")),
                          report.t("chart.source", sources=sources)))
    rows: list[list[str]] = []
    for lv, o, i in zip(levels, openings, inflow, strict=True):
        rows.append([lv, fmt.number(o, 0, lang), fmt.number(i, 0, lang),
                     fmt.change(i - o, 0, lang)])
    rows.append([report.t("nat.total"), fmt.number(total_o, 0, lang),
                 fmt.number(total_i, 0, lang),
                 fmt.change(total_i - total_o, 0, lang)])
    out.append(doc.table(
        report.t("nat.roa_table"),
        [report.t("nat.col_level"), report.t("nat.col_openings"), report.t("nat.col_inflow"),
         report.t("nat.col_gap")], rows, numeric=[False, True, True, True], role="total-last"))
    return out


def target_blocks(report: Report) -> list[doc.Node]:
    """The letter's 40,000-a-year target, with its source and how it is operationalised."""
    lang = report.lang
    target = next((t for t in report.national_targets if t.id == TARGET_40K), None)
    if target is None:
        return []
    value = fmt.number(target.target_value, 0, lang)
    out: list[doc.Node] = [doc.Heading(report.t("nat.target", value=value), 3, X40_ID)]
    # the letter's Dutch words; an English report quotes their translation and says so
    quote = target.quote if lang == "nl" else target.quote_en
    cited = (" " + report.t("nat.quote", quote=quote,
                            source=report.source_names([target.source]))) if quote else ""
    out.append(doc.Paragraph(f"{bilingual.text(target, 'name', lang)}.{cited}"))
    out.append(doc.Paragraph(bilingual.text(target, "operationalisation", lang)))
    fig_data = report.national.roa
    levels = [lv for lv in ROA_LEVELS if {"openings", "inflow"} <= set(fig_data.get(lv, {}))]
    if levels:
        total = fig_data.get("all", {})
        gap = (total["openings"] - total["inflow"] if {"openings", "inflow"} <= set(total)
               else sum(fig_data[lv]["openings"] - fig_data[lv]["inflow"] for lv in levels))
        out.append(doc.Paragraph(report.t(
            "nat.target_gap", gap=fmt.number(gap, 0, lang), target=value)))
    x40 = report.national.extra40k
    return out + (extra40k.blocks(report, x40) if x40 is not None else [])
