"""Title block and key messages."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from techmonitor import narrative, progress
from techmonitor.periods import sort_key
from techmonitor.report import changes, extra40k
from techmonitor.report import document as doc
from techmonitor.report.analysis import (
    Item,
    band80_at,
    change_since,
    overconfident,
    trend_word,
)
from techmonitor.report.ids import SECTION_IDS

if TYPE_CHECKING:
    from techmonitor.report.context import ReportContext as Report

STATUS_ORDER = ("definitive", "provisional", "illustrative")


def data_status(report: Report) -> tuple[str, bool]:
    """Counts of shown observations per status, as text, and whether any is illustrative."""
    counts: Counter[str] = Counter()
    for item in report.items:
        counts.update(str(s) for s in item.series["status"])
    parts = [report.t("status.count", n=counts[s], status=report.t(f"status.{s}"))
             for s in STATUS_ORDER if counts[s]]
    return ", ".join(parts) or report.t("none"), counts["illustrative"] > 0


def latest_period(report: Report) -> str | None:
    """Most recent period among the shown series."""
    periods = [str(i.latest["period"]) for i in report.items]
    return max(periods, key=sort_key) if periods else None


def title_block(report: Report) -> doc.Front:
    """Title, period, the as-of date of the data (only what was published by then is used),
    the newest period, status of the data, the illustrative notice and contents."""
    p = report.params
    status_text, illustrative = data_status(report)
    last = latest_period(report)
    facts = (
        (report.t("meta.period"), report.fmt_period(p.period)),
        (report.t("meta.as_of"), report.as_of_text),
        (report.t("meta.data_until"), report.fmt_period(last) if last else report.t("none")),
        (report.t("meta.status"), status_text),
        (report.t("meta.prepared"), p.organisation),
        (report.t("meta.appendix"), p.appendix_line),
    )
    notice = ""
    if illustrative or any(r.illustrative for r in report.measure_rows):
        notice = report.t("illustrative.banner")
    return doc.Front(report.title, SECTION_IDS["title"], facts, report.t("toc"),
                     tuple(report.sections()), notice)


def _priority(item: Item) -> tuple[int, int]:
    """Sort key for the key messages: targets first (worst first), then clear trends."""
    cat = item.category
    has_target = isinstance(item.assessment, progress.TargetAssessment)
    rank = cat.rank if cat is not None else 9
    if has_target:
        return (0, rank)
    clear = cat in (progress.SIGNIFICANT_RISE, progress.SIGNIFICANT_FALL)
    return (1 if clear else 2, 0)


def key_sentences(report: Report) -> list[str]:
    """3–6 sentences: scope, target counts, the most telling indicators, vacancies."""
    lang = report.lang
    items = [i for i in report.items if i.trend is not None]
    out = [report.t("key.intro", n=len(report.items), scope=report.scope)]
    targeted = [i for i in items if isinstance(i.assessment, progress.TargetAssessment)]
    undetermined = [i for i in report.items if i.target is None and i.error_step == "target"]
    if targeted:
        counts = Counter(i.category for i in targeted if i.category is not None)
        parts = [f"{n} {cat.label(lang)} ({cat.symbol})"
                 for cat, n in sorted(counts.items(), key=lambda kv: -kv[0].rank)]
        key = "key.count_one" if len(targeted) == 1 else "key.counts"
        out.append(report.t(key, n=len(targeted), parts=", ".join(parts)))
    elif not undetermined:
        out.append(report.t("key.no_targets"))
    if undetermined:  # a target the params ask for but that could not be worked out
        out.append(report.t("key.targets_undetermined", n=len(undetermined),
                            names=", ".join(i.name(lang) for i in undetermined)))
    forty = extra40k.key_sentence(report)  # national: progress towards the 40,000
    if forty is not None:
        out.append(forty)
    annual = [i for i in items if i.ind.frequency != "quarter"]
    change = changes.key_sentence(report)  # the most important change since last time
    n_items = (3 if change is None else 2) - (1 if forty is not None else 0)
    for item in sorted(annual, key=_priority)[:n_items]:
        assert item.trend is not None
        sentence = narrative.change_sentence(item.name(lang), item.trend, lang, item.unit())
        if isinstance(item.assessment, progress.TargetAssessment):
            sentence += "; " + narrative.target_clause(
                item.assessment, lang, item.unit(), overconfident(item, report.calibration),
                band80_at(item, item.assessment.target_period))
        out.append(sentence + ".")
    vacancies = [i for i in items if i.ind.frequency == "quarter" and i.trend.yoy]  # type: ignore[union-attr]
    if vacancies:
        v = vacancies[0]
        assert v.trend is not None
        text = narrative.yoy_sentence(v.name(lang).lower(), v.trend, lang, v.unit())
        if text:
            out.append(text)
    if change is not None:
        out.append(change)
    return out[:6]


def status_of(item: Item, report: Report) -> doc.Cell:
    """The status cell of an indicator: symbol, word and colour class."""
    cat = item.category
    if cat is None:
        return doc.Cell(report.t("not_estimated") if item.error else report.t("none"))
    return doc.status_cell(cat.code, cat.label(report.lang), cat.symbol)


def target_text(item: Item, report: Report) -> str:
    """``17.000 in 2025``, ``geen doel``, or ``doel niet te bepalen`` when the params name a
    target that could not be worked out (the note under the indicator says why)."""
    if item.target is None:
        return report.t("target.undetermined" if item.error_step == "target" else "no_target")
    text = report.t("target.value", value=item.value(item.target.value, report.lang),
                    period=report.fmt_period(item.target.period, "short"))
    return text + (report.t("target.illustrative") if item.target.illustrative else "")


def latest_text(item: Item, report: Report) -> str:
    """Latest value with its period, marked when illustrative or stale."""
    last = item.latest
    text = (f"{item.value(float(last['value']), report.lang)} "
            f"({report.fmt_period(str(last['period']), 'short')})")
    if last["status"] == "illustrative":
        text += f" – {report.t('status.illustrative')}"
    if report.freshness(item).stale:
        text += f" – {report.t('fresh.stale_mark')}"
    return text


def key_messages(report: Report) -> doc.Section:
    """Key sentences and one table of all indicators."""
    out: list[doc.Node] = [doc.BulletList(tuple(key_sentences(report)), "key-messages")]
    if report.findings:
        out.append(doc.Note(report.t("key.findings", n=len(report.findings)), "failure"))
    rows: list[list[str | doc.Cell]] = [
        [item.name(report.lang), latest_text(item, report), change_since(item, report.lang),
         trend_word(item, report.lang), target_text(item, report), status_of(item, report)]
        for item in report.items]
    if rows:
        out.append(doc.table(
            report.t("key.table"),
            [report.t("col.indicator"), report.t("col.latest"), report.t("col.change"),
             report.t("col.trend"), report.t("col.target"), report.t("col.status")],
            rows, numeric=[False, True, True, False, True, False], role="overview"))
    return doc.section(report.t("sec.key"), SECTION_IDS["key"], out)
