"""National report only: the nine top sectors side by side, the ROA table, the 40,000 target."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from techmonitor import blocks, charts, fmt
from techmonitor.blocks import Block, Cell, Section
from techmonitor.indicators import series_for
from techmonitor.periods import to_decimal_years
from techmonitor.report import data
from techmonitor.report.ids import SECTION_IDS

if TYPE_CHECKING:
    from techmonitor.report.core import Report

VACANCIES = "vacancies_open"
ROA_OPENINGS = "roa_openings_2011_2016"
ROA_INFLOW = "roa_inflow_2011_2016"
#: the forecast is one published table, shown as such, not as monitoring series
ROA_CODES = (ROA_OPENINGS, ROA_INFLOW)
ROA_LEVELS = ("vmbo", "mbo", "hbo", "wo")
TARGET_40K = "masterplan-40000"


def national_section(report: Report) -> Section:
    """Section ``topsectoren`` with three subsections."""
    sec = Section(report.t("sec.national"), anchor=SECTION_IDS["national"])
    sec.add(*sectors_blocks(report))
    sec.add(*roa_blocks(report))
    sec.add(*target_blocks(report))
    return sec


def sectors_blocks(report: Report) -> list[Block]:
    """Small multiples of open vacancies per top sector, and the same numbers in a table."""
    lang = report.lang
    out: list[Block] = [blocks.heading(report.t("nat.sectors"), 3, anchor="sectoren-vacatures"),
                        blocks.paragraph(report.t("nat.sectors_intro"))]
    ref = data.load_sectors(report.data_dir)
    if VACANCIES not in report.catalogue:
        return out + [blocks.paragraph(report.t("lab.none"))]
    panels, rows, sources = [], [], []
    obs = report.obs_of(report.catalogue[VACANCIES])
    for s in ref.top_sectors:
        df = series_for(obs, report.catalogue, VACANCIES, sector=s.slug, region="NL",
                        sectors_ref=ref)
        if df.empty:
            continue
        name = s.name_en if lang == "en" else s.name_nl
        ill = (df["status"] == "illustrative").to_numpy()
        panels.append(charts.Panel(name, to_decimal_years(df["period"]),
                                   df["value"].to_numpy(dtype=float), ill))
        sources += list(df["source"])
        last = df.iloc[-1]
        yoy = report.t("none")
        if len(df) >= 5:
            prev = df.iloc[-5]
            yoy = fmt.percent(100 * (float(last.value) / float(prev.value) - 1), 1, lang)
            yoy = ("+" + yoy) if float(last.value) > float(prev.value) else yoy
        rows.append([name, fmt.number(float(last.value), 0, lang),
                     report.fmt_period(str(last.period), "short"), yoy])
    if not panels:
        return out + [blocks.paragraph(report.t("lab.none"))]
    first = min(float(p.t.min()) for p in panels)
    last_t = max(float(p.t.max()) for p in panels)
    periods = [str(x) for x in report.obs.loc[report.obs["indicator"] == VACANCIES, "period"]]
    first_p = min(periods, key=lambda c: abs(to_decimal_years([c])[0] - first))
    last_p = min(periods, key=lambda c: abs(to_decimal_years([c])[0] - last_t))
    fig = charts.small_multiples(panels, unit="count", lang=lang)  # type: ignore[arg-type]
    alt = report.t("nat.sectors_alt", first=report.fmt_period(first_p),
                   last=report.fmt_period(last_p))
    caption = report.t("chart.caption", name=report.t("nat.sectors"),
                       sources=", ".join(dict.fromkeys(sources)))
    out.append(charts.emit(fig, alt=alt, caption=caption,
                           salt=f"{report.params.report_id}-sectors"))
    out.append(blocks.table(
        report.t("nat.sectors_table"),
        [report.t("nat.col_sector"), report.t("lab.col_raw"), report.t("col.period"),
         report.t("nat.col_yoy")], rows, numeric=[False, True, False, True]))
    return out


def roa_figures(report: Report) -> dict[str, dict[str, float]]:
    """``{level: {"openings": x, "inflow": y}}`` from the observations (levels and ``all``)."""
    obs = report.obs
    out: dict[str, dict[str, float]] = {}
    for code, key in ((ROA_OPENINGS, "openings"), (ROA_INFLOW, "inflow")):
        rows = obs[(obs["indicator"] == code) & (obs["region"] == "NL")
                   & (obs["sector"] == "all") & (obs["sex"] == "all")]
        for r in rows.itertuples():
            out.setdefault(str(r.level), {})[key] = float(r.value)  # type: ignore[arg-type]
    return out


def roa_blocks(report: Report) -> list[Block]:
    """Openings vs inflow per level (ROA 2011, Table 1 of the letter): chart and table."""
    lang = report.lang
    out: list[Block] = [blocks.heading(report.t("nat.roa"), 3, anchor="roa"),
                        blocks.paragraph(report.t("nat.roa_intro"))]
    fig_data = roa_figures(report)
    levels = [lv for lv in ROA_LEVELS if {"openings", "inflow"} <= set(fig_data.get(lv, {}))]
    if not levels:
        return out + [blocks.paragraph(report.t("nat.roa_none"))]
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
        unit="count", lang=lang, axis_label=report.t("nat.axis_count"))  # type: ignore[arg-type]
    alt = report.t("nat.roa_alt", openings=fmt.number(total_o, 0, lang),  # type: ignore[arg-type]
                   inflow=fmt.number(total_i, 0, lang))  # type: ignore[arg-type]
    out.append(charts.emit(fig, alt=alt, caption=report.t(
        "chart.caption", name=report.t("nat.roa_table"), sources="kamerbrief-2012 (ROA 2011)"),
        salt=f"{report.params.report_id}-roa"))
    rows: list[list[str | Cell]] = []
    for lv, o, i in zip(levels, openings, inflow, strict=True):
        rows.append([lv, fmt.number(o, 0, lang), fmt.number(i, 0, lang),  # type: ignore[arg-type]
                     fmt.change(i - o, 0, lang)])  # type: ignore[arg-type]
    rows.append([Cell(report.t("nat.total"), "total"), Cell(fmt.number(total_o, 0, lang), "total"),
                 Cell(fmt.number(total_i, 0, lang), "total"),  # type: ignore[arg-type]
                 Cell(fmt.change(total_i - total_o, 0, lang), "total")])  # type: ignore[arg-type]
    out.append(blocks.table(
        report.t("nat.roa_table"),
        [report.t("nat.col_level"), report.t("nat.col_openings"), report.t("nat.col_inflow"),
         report.t("nat.col_gap")], rows, numeric=[False, True, True, True]))
    return out


def target_blocks(report: Report) -> list[Block]:
    """The letter's 40,000-a-year target, with its source and how it is operationalised."""
    lang = report.lang
    target = next((t for t in data.load_targets(report.data_dir) if t.id == TARGET_40K), None)
    if target is None:
        return []
    value = fmt.number(target.target_value, 0, lang)  # type: ignore[arg-type]
    out: list[Block] = [blocks.heading(report.t("nat.target", value=value), 3,
                                       anchor="doel-40000")]
    quote = target.quote or ""
    name = target.name_en if lang == "en" else target.name_nl
    out.append(blocks.paragraph(f"{name}. " + (f"“{quote}” ({target.source})." if quote else "")))
    text = target.operationalisation if lang == "en" else target.operationalisation_nl
    if text:  # a Dutch report never shows the English text
        out.append(blocks.paragraph(text))
    fig_data = roa_figures(report)
    levels = [lv for lv in ROA_LEVELS if {"openings", "inflow"} <= set(fig_data.get(lv, {}))]
    if levels:
        total = fig_data.get("all", {})
        gap = (total["openings"] - total["inflow"] if {"openings", "inflow"} <= set(total)
               else sum(fig_data[lv]["openings"] - fig_data[lv]["inflow"] for lv in levels))
        out.append(blocks.paragraph(report.t(
            "nat.target_gap", gap=fmt.number(gap, 0, lang), target=value)))  # type: ignore[arg-type]
    return out
