"""Method and sources, provenance, and the machine-readable summary for the index page."""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from techmonitor import bilingual, fmt, progress
from techmonitor.messages import join_words, unit_name
from techmonitor.report import document as doc
from techmonitor.report import education, track_record
from techmonitor.report.analysis import kind_reliable
from techmonitor.report.ids import SECTION_IDS
from techmonitor.report.intro import STATUS_ORDER, latest_period
from techmonitor.report.labels import vintage_label
from techmonitor.report.results import csv_name

if TYPE_CHECKING:
    from techmonitor.report.context import ReportContext as Report

#: parameters that describe the machine, not the report (left out of the provenance table)
MACHINE_PARAMS = ("project_dir",)
#: source of the measures and the ROA table (the cabinet letter itself)
LETTER_SOURCE = "kamerbrief-2012"
#: breaks in definitions and methods, each named in the method annex (``met.break.<key>``)
BREAKS = ("ebb_2021", "techniekpact_2022", "duo_editions", "extra_40k", "cohort_model")


def method_section(report: Report) -> doc.Section:
    """Definitions, trend and progress method in plain words, and every source."""
    lang = report.lang
    seen: dict[str, Any] = {}
    for item in report.items:
        seen.setdefault(item.ind.code, item.ind)
    rows = []
    for ind in seen.values():
        rows.append([bilingual.text(ind, "name", lang),
                     bilingual.text(ind, "definition", lang),
                     unit_name(ind.unit, lang),
                     str(ind.goal) if ind.goal else report.t("none")])
    out: list[doc.Node] = [doc.Heading(report.t("met.definitions"), 3, "definities")]
    if rows:
        out.append(doc.table(report.t("met.definitions_table"),
                             [report.t("col.indicator"), report.t("met.col_definition"),
                              report.t("met.col_unit"), report.t("met.col_goal")], rows))
    out += [doc.Heading(report.t("met.trend"), 3, "methode-trend"),
            doc.Paragraph(report.t("met.trend_text")),
            doc.Paragraph(bands_text(report))]
    out += seasonal_blocks(report)
    out += track_blocks(report)
    out += [doc.Heading(report.t("met.progress"), 3, "methode-voortgang"),
            doc.BulletList(tuple(progress.target_rules_text(lang))),
            doc.BulletList(tuple(progress.measure_rules_text(lang))),
            doc.Heading(report.t("met.sources"), 3, "bronnen"),
            sources_table(report),
            doc.Heading(report.t("met.breaks"), 3, "breuken"),
            doc.BulletList(breaks_text(report) + education.method_breaks(report))]
    return doc.section(report.t("sec.method"), SECTION_IDS["method"], out)


def seasonal_blocks(report: Report) -> list[doc.Node]:
    """The seasonal check and the window of quarterly series: the rule, and its outcome per
    quarterly series of the report (nothing when the report has none)."""
    from techmonitor.report.labour import quarterly_items, seasonal_check_text
    from techmonitor.report.national_analysis import COVID_QUARTERS

    items = quarterly_items(report)
    checks = [i.trend.seasonal_check for i in items
              if i.trend is not None and i.trend.seasonal_check is not None]
    results = [r for r in (seasonal_check_text(report, i) for i in items) if r]
    if not results or not checks:
        return []
    return [doc.Heading(report.t("met.seasonal.title"), 3, "methode-seizoen"),
            doc.Paragraph(report.t(
                "met.seasonal.text", band=fmt.percent(100 * checks[0].band, 0, report.lang),
                first=report.fmt_period(COVID_QUARTERS[0], "short"),
                last=report.fmt_period(COVID_QUARTERS[1], "short"))),
            doc.BulletList(tuple(results))]


def track_blocks(report: Report) -> list[doc.Node]:
    """The track record: per projected series what the projection a year earlier said and
    what came in, how often the bands held over this report's series and (national report)
    over every projected series of the batch, each sum naming the series it was measured on."""
    lang = report.lang
    out: list[doc.Node] = [doc.Heading(report.t("met.track.title"), 3, "methode-terugblik"),
                           doc.Paragraph(report.t("met.track.intro"))]
    if not report.track:
        return out + [doc.Paragraph(report.t("met.track.none"))]
    rows = []
    for r in report.track:  # five columns, so the table fits the page
        p = r.projection
        if p is None:
            rows.append([r.name(lang), report.fmt_period(r.known_then, "short")
                         if r.known_then else report.t("none"), report.t("none"),
                         report.t("none"), report.t("met.track.no_comparison")])
            continue
        unit = "share" if r.kind == "share" else "count"
        val = lambda x, u=unit: fmt.value(x, u, lang)  # noqa: E731
        inside = ("inside80" if p.inside80 else "inside95" if p.inside95 else "outside")
        rows.append([r.name(lang), report.t("met.track.span", origin=report.fmt_period(
                         p.origin, "short"), period=report.fmt_period(p.period, "short")),
                     f"{val(p.projected)} ({val(p.lo80)} – {val(p.hi80)})", val(p.actual),
                     report.t(f"met.track.{inside}")])
    out.append(doc.table(report.t("met.track.table"),
                         [report.t("col.indicator"), report.t("met.track.col_from"),
                          report.t("met.track.col_projected"),
                          report.t("met.track.col_actual"), report.t("met.track.col_inside")],
                         rows, numeric=[False, False, True, True, False]))
    own = coverage_parts(report, track_record.coverage_of(report.track))
    if own:
        out.append(doc.Paragraph(report.t("met.track.summary", parts=own)))
    # the sum over every report of the batch is made by the batch from the results files
    # (the appendix overview and the index page), not by one report re-fitting the others
    out.append(doc.Paragraph(report.t("met.track.batch")))
    return out


def coverage_parts(report: Report, cov: dict[str, Any]) -> str:
    """``aantallen 75% en 92% (66 en 81 van 88)``: per kind, the share inside each band."""
    lang = report.lang
    return "; ".join(report.t(
        "met.track.part", kind=report.t(f"met.kind.{k}"),
        c80=fmt.percent(100 * c.share80, 0, lang), c95=fmt.percent(100 * c.share95, 0, lang),
        i80=c.inside80, i95=c.inside95, n=c.n) for k, c in cov.items() if c.n)


def breaks_text(report: Report) -> tuple[str, ...]:
    """The new sources, definitions and breaks, one bullet each (numbers from the data)."""
    from techmonitor.progress.extra import BASELINE_SCHOOL_YEAR

    target = next((t for t in report.national_targets if t.id == "masterplan-40000"), None)
    value = (fmt.number(target.target_value, 0, report.lang)
             if target is not None else report.t("none"))
    values = {"target": value, "baseline": report.fmt_period(BASELINE_SCHOOL_YEAR, "short"),
              "what": report.t("x40.what.employment")}
    return tuple(report.t(f"met.break.{k}", **values) for k in BREAKS)


def bands_text(report: Report) -> str:
    """How wide the bands are and how often they held in backtests, for the kinds shown.

    The numbers come from the committed calibration table (its validation part: series the
    widening was not learned on); the probability sentence says whether probabilities of
    meeting a target came true as often as they claimed.
    """
    cal = report.calibration
    kinds = {k: v for k, v in (cal.get("kinds") or {}).items() if k in _shown_kinds(report)}
    if not cal.get("calibrated") or not kinds:
        return report.t("met.uncalibrated")
    lang = report.lang
    pct = lambda x: fmt.percent(100 * float(x), 0, lang)  # noqa: E731
    parts = []
    for kind, entry in kinds.items():
        check = entry.get("validation")
        if not check:
            continue
        parts.append(report.t("met.coverage_part", kind=report.t(f"met.kind.{kind}"),
                              c80=pct(check["coverage80"]["pooled"]),
                              c95=pct(check["coverage95"]["pooled"]),
                              n=fmt.number(float(check["n_forecasts"]), 0, lang)))
    num = lambda x: fmt.number(float(x), 1, lang)  # noqa: E731
    text = report.t("met.bands", fmin=num(min(e["factor_min"] for e in kinds.values())),
                    fmax=num(max(e["factor_max"] for e in kinds.values())))
    if parts:  # measured on the vacancy series held out of the learning
        text += " " + report.t("met.coverage", parts="; ".join(parts))
    # measured on the education series the reports project (never used for the learning)
    external = [report.t("met.coverage_part", kind=report.t(f"met.kind.{kind}"),
                         c80=pct(e["external"]["coverage80"]["pooled"]),
                         c95=pct(e["external"]["coverage95"]["pooled"]),
                         n=fmt.number(float(e["external"]["n_forecasts"]), 0, lang))
                for kind, e in kinds.items() if e.get("external")]
    if external:
        text += " " + report.t("met.coverage_external", parts="; ".join(external))
    share = kinds.get("share") or {}
    if (share.get("centre") or {}).get("damping") == 0:  # the slope of a share dies at once
        text += " " + report.t("met.share_flat")
    rel = {k: e["reliability"] for k, e in kinds.items() if e.get("reliability")}
    bad = [k for k in rel if not kind_reliable(k, cal)]
    if rel and not bad:
        text += " " + report.t("met.probability_reliable", gap=num(
            100 * max(r["max_gap"] for r in rel.values())))
    elif bad:
        names = join_words([report.t(f"met.kind.{k}") for k in bad], lang)
        worst = max((rel[k] for k in bad if rel[k].get("top_bin")),
                    key=lambda r: abs(r["top_bin"]["predicted"] - r["top_bin"]["observed"]),
                    default=None)
        text += " " + report.t("met.probability_unreliable", kinds=names)
        if worst is not None:
            text += " " + report.t("met.probability_example",
                                   pred=pct(worst["top_bin"]["predicted"]),
                                   obs=pct(worst["top_bin"]["observed"]))
    return text


def _shown_kinds(report: Report) -> set[str]:
    from techmonitor.report.analysis import kind_for

    return {kind_for(i.ind) for i in report.items if i.trend is not None}


def used_sources(report: Report) -> dict[str, set[str]]:
    """Source key → vintages of the shown data (the letter for measures and ROA), including
    the blocks beyond single items: occupational retention (both EBB methods) and the
    measurements of the 40,000 (national report)."""
    used: dict[str, set[str]] = {}
    for item in report.items:
        for src, vint in zip(item.series["source"], item.series["vintage"], strict=True):
            used.setdefault(str(src), set()).add(str(vint))
    ret, x40 = report.national.retention, report.national.extra40k
    for by_vintage in ret.series.values() if ret is not None else ():
        for vint, s in by_vintage.items():
            for src in s["source"]:
                used.setdefault(str(src), set()).add(vint)
    for e in x40.estimates if x40 is not None else ():
        for src in e.sources:
            used.setdefault(src, set()).add(e.vintage)
    used.setdefault(LETTER_SOURCE, set())
    return used


def sources_table(report: Report) -> doc.Table:
    """Every source of the report with its public name, title, licence and edition."""
    info = report.sources
    rows = []
    for key, vintages in sorted(used_sources(report).items()):
        s = info.get(key)
        # the editions by their names in the report's language (the free-text edition notes
        # of sources.yaml stay in data/SOURCES.md)
        version = "; ".join(vintage_label(report, v) for v in sorted(vintages))
        rows.append([report.source_names([key]), (s.title if s else "") or report.t("none"),
                     (s.licence if s else "") or report.t("none"), version or report.t("none")])
    return doc.table(report.t("met.sources_table"),
                        [report.t("met.col_key"), report.t("met.col_source"),
                         report.t("met.col_licence"), report.t("met.col_vintage")], rows)


def param_rows(report: Report) -> list[list[str]]:
    """Parameter name and value (JSON for lists) of this report."""
    values = report.params.model_dump(mode="json")
    rows = []
    for key, value in values.items():
        if key in MACHINE_PARAMS:
            continue
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        rows.append([key, text])
    return rows




def provenance_section(report: Report) -> doc.Section:
    """Data hash, code version, parameters, the reproducing command and every finding."""
    out: list[doc.Node] = [
        doc.Paragraph(report.t("prov.intro")),
        doc.KeyValue(((report.t("prov.data_hash"), report.data_hash[:16]),
                      (report.t("prov.code"), report.code_version))),
        doc.Paragraph(report.t("prov.csv"), href=csv_name(report.params.report_id)),
        # reproduction details are for the HTML and the open data, not parliament's PDF
        doc.Paragraph(report.t("prov.command") + ":", role=doc.SCREEN_ONLY),
        doc.Code(report.reproduce_command, role=doc.SCREEN_ONLY),
        doc.table(report.t("prov.params"),
                  [report.t("prov.col_param"), report.t("prov.col_value")], param_rows(report),
                  role=doc.SCREEN_ONLY),
        doc.Heading(report.t("prov.findings"), 3, "bevindingen"),
    ]
    if report.findings:
        out.append(doc.table(report.t("prov.findings_table"),
                             [report.t("prov.col_where"), report.t("prov.col_step"),
                              report.t("prov.col_reason")],
                             [f.row(report.lang) for f in report.findings]))
    else:
        out.append(doc.Paragraph(report.t("prov.no_findings")))
    return doc.section(report.t("sec.provenance"), SECTION_IDS["provenance"], out)


def summary(report: Report) -> doc.Summary:
    """Counts per category, number of indicators, data status and warnings, for the batch."""
    lang = report.lang
    cats: Counter[progress.Category] = Counter(
        i.category for i in report.items if i.category is not None)
    status: Counter[str] = Counter()
    for item in report.items:
        status.update(str(s) for s in item.series["status"])
    measures = Counter(r.assessment.category for r in report.measure_rows
                       if r.assessment is not None)

    # verdicts on illustrative targets, per category: an index entry names them as such
    ill: Counter[progress.Category] = Counter(
        i.assessment.category for i in report.items
        if isinstance(i.assessment, progress.TargetAssessment)
        and i.assessment.target_illustrative)

    def _cats(counter: Counter[progress.Category]) -> list[dict[str, Any]]:
        return [{"code": c.code, "label": c.label(lang), "symbol": c.symbol, "count": n,
                 "illustrative_targets": ill[c]}
                for c, n in sorted(counter.items(), key=lambda kv: -kv[0].rank)]

    return doc.Summary({
        "report": report.params.report_id,
        "title": report.title,
        "period": report.params.period,
        "language": lang,
        "indicators": len(report.items),
        "with_target": sum(1 for i in report.items
                           if isinstance(i.assessment, progress.TargetAssessment)),
        "categories": _cats(cats),
        "measures": _cats(measures),
        "data_status": {s: status[s] for s in STATUS_ORDER if status[s]},
        "illustrative": bool(status["illustrative"])
        or any(r.illustrative for r in report.measure_rows),
        "data_until": latest_period(report),
        "data_hash": report.data_hash[:16],
        "warnings": report.warnings,
        # the same findings in the reader's words, for the overview and the index page
        "findings": [f.line(lang) for f in report.findings],
    })
