"""Section ``veranderingen``: what changed since the earlier report, in words and tables.

The comparison itself is made once (:mod:`techmonitor.report.comparison`, by
:class:`~techmonitor.report.core.Report`) and held in the context; this module only phrases
it: the key sentence and the section's four tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from techmonitor import fmt, narrative
from techmonitor.messages import has, msg
from techmonitor.periods import shift_quarter, sort_key
from techmonitor.report import document as doc
from techmonitor.report.comparison import PROBABILITY_THRESHOLD
from techmonitor.report.ids import CHANGES_ID
from techmonitor.report.results import RESULTS_VERSION

if TYPE_CHECKING:
    from techmonitor.report.context import ReportContext as Report

#: anchor of the change section (links, PDF bookmarks)
SECTION_ID = CHANGES_ID


def title(report: Report) -> str:
    """``Wat is er veranderd sinds het 2e kwartaal 2023``."""
    return report.changes_title


def _value(x: float | None, unit: str, report: Report) -> str:
    if x is None:
        return report.t("none")
    return fmt.value(x, unit, report.lang)


def _pct(p: float, report: Report) -> str:
    # only probabilities the report prints are compared (comparison.diff)
    return narrative.probability(p, report.lang) or report.t("none")


def _cat(code: str | None, report: Report) -> str:
    if not code:
        return report.t("none")
    # an earlier file may name a category this version does not know: show its code
    return msg(f"cat.{code}", report.lang) if has(f"cat.{code}") else code


def _source(source: str, vintage: str) -> str:
    return f"{source} ({vintage})" if vintage and vintage != source else source


def _in_sentence(name: str) -> str:
    """A series name inside a sentence: ``Openstaande vacatures`` → ``openstaande vacatures``
    (an abbreviation such as ``ROA`` stays as it is)."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def key_sentence(report: Report) -> str | None:
    """The one sentence of the key messages about the most important change (or None).

    Order of importance: an assessment that changed (of a series with a target first), a
    chance of meeting a target that moved, the largest revision, new observations.
    """
    c = report.comparison
    if c is None or c.state == "none":
        return None
    when = fmt.quarter(c.previous, report.lang)
    if not c.compared:
        return report.t("chg.key.problem", section=title(report))
    if c.categories:
        ch = sorted(c.categories, key=lambda x: not x.targeted)[0]
        return report.t("chg.key.category", when=when, name=_in_sentence(ch.name),
                        old=_cat(ch.old, report), new=_cat(ch.new, report))
    if c.probabilities:
        mv = max(c.probabilities, key=lambda x: abs(x.points))
        return report.t("chg.key.probability", when=when, name=_in_sentence(mv.name),
                        old=_pct(mv.old, report), new=_pct(mv.new, report))
    if c.revised:
        r = max(c.revised, key=lambda x: x.size)
        return report.t("chg.key.revised", when=when, name=_in_sentence(r.name),
                        period=report.fmt_period(r.period, "short"),
                        old=_value(r.old, r.unit, report), new=_value(r.new, r.unit, report))
    if c.new:
        latest = max(c.new, key=lambda x: sort_key(x.period))
        return report.t("chg.key.new", when=when, n=len(c.new), name=_in_sentence(latest.name),
                        period=report.fmt_period(latest.period, "short"),
                        value=_value(latest.value, latest.unit, report))
    return report.t("chg.key.nothing", when=when)


def section(report: Report) -> doc.Section:
    """Section ``veranderingen``: what changed since the earlier report, in four tables."""
    c = report.comparison
    head = title(report)
    if c is None or c.state == "none":
        return doc.section(head, SECTION_ID, doc.Paragraph(report.t(
            "chg.no_earlier", when=fmt.quarter(
                c.previous if c else shift_quarter(report.params.period, -1), report.lang))))
    when = fmt.quarter(c.previous, report.lang)
    if not c.compared:
        key = f"chg.{c.state}"
        return doc.section(head, SECTION_ID, doc.Note(report.t(
            key, file=c.file, found=c.found, expected=RESULTS_VERSION,
            report=report.params.report_id), "warning"))
    threshold = fmt.percentage_points(PROBABILITY_THRESHOLD, 0, report.lang)
    out: list[doc.Node] = [doc.Paragraph(report.t(
        "chg.intro", when=when, file=c.file, n=c.count, new=len(c.new),
        revised=len(c.revised), categories=len(c.categories),
        probabilities=len(c.probabilities), threshold=threshold))]
    if not c.count:
        out.append(doc.Paragraph(report.t("chg.nothing", when=when)))
        return doc.section(head, SECTION_ID, out)
    if c.categories:
        out.append(doc.Heading(report.t("chg.h_categories"), 3, "veranderingen-beoordeling"))
        out.append(doc.table(
            report.t("chg.t_categories", when=when),
            [report.t("col.indicator"), report.t("chg.col_was"), report.t("chg.col_now")],
            [[ch.name,
              doc.status_cell(ch.old, _cat(ch.old, report), ch.old_symbol) if ch.old
              else doc.Cell(report.t("none")),
              doc.status_cell(ch.new, _cat(ch.new, report), ch.new_symbol) if ch.new
              else doc.Cell(report.t("none"))] for ch in c.categories]))
    if c.probabilities:
        out.append(doc.Heading(report.t("chg.h_probabilities", threshold=threshold), 3,
                               "veranderingen-kans"))
        out.append(doc.table(
            report.t("chg.t_probabilities", when=when),
            [report.t("col.indicator"), report.t("chg.col_was"), report.t("chg.col_now"),
             report.t("chg.col_diff")],
            [[m.name, _pct(m.old, report), _pct(m.new, report),
              fmt.percentage_points(m.points, 0, report.lang, signed=True)]
             for m in c.probabilities], numeric=[False, True, True, True]))
    if c.revised:
        out.append(doc.Heading(report.t("chg.h_revised"), 3, "veranderingen-herzien"))
        out.append(doc.table(
            report.t("chg.t_revised", when=when),
            [report.t("col.indicator"), report.t("col.period"), report.t("chg.col_was"),
             report.t("chg.col_now"), report.t("chg.col_source")],
            [[r.name, report.fmt_period(r.period, "short"), _value(r.old, r.unit, report),
              _value(r.new, r.unit, report),
              _source(r.source, r.vintage)
              if (r.source, r.vintage) == (r.old_source, r.old_vintage)
              else f"{_source(r.old_source, r.old_vintage)} → {_source(r.source, r.vintage)}"]
             for r in c.revised], numeric=[False, False, True, True, False]))
    if c.new:
        out.append(doc.Heading(report.t("chg.h_new"), 3, "veranderingen-nieuw"))
        out.append(doc.table(
            report.t("chg.t_new", when=when),
            [report.t("col.indicator"), report.t("col.period"), report.t("col.value"),
             report.t("col.data_status"), report.t("chg.col_source")],
            [[n.name, report.fmt_period(n.period, "short"), _value(n.value, n.unit, report),
              report.t(f"status.{n.status}"), _source(n.source, n.vintage)] for n in c.new],
            numeric=[False, False, True, False, False]))
    return doc.section(head, SECTION_ID, out)
