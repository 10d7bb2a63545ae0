"""Title block and key messages."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from techmonitor import bilingual, fmt, narrative, progress
from techmonitor.messages import join_words
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
from techmonitor.report.goals import goal_answer
from techmonitor.report.ids import SECTION_IDS

if TYPE_CHECKING:
    from techmonitor.reference import SbiSector
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
        (report.t("meta.prepared"), p.display_organisation()),
        (report.t("meta.appendix"), p.display_appendix_line()),
    )
    notice = ""
    if illustrative or any(r.illustrative for r in report.measure_rows):
        notice = report.t("illustrative.banner")
    return doc.Front(report.title, SECTION_IDS["title"], facts, report.t("toc"),
                     tuple(report.sections()), notice)


def key_sentences(report: Report) -> list[str]:
    """The key messages: scope, one answer per goal, the targets (saying which are
    illustrative), every significant finding (falls first), the series too small to judge,
    the 40,000, vacancies and the most important change. Each follows from a number in the
    results file."""
    lang = report.lang
    out = [report.t("key.intro", n=len(report.items), scope=report.scope)]
    out += [goal_answer(report, v, full=False) for v in report.goal_verdicts]
    targeted = [i for i in report.items if isinstance(i.assessment, progress.TargetAssessment)]
    undetermined = [i for i in report.items if i.target is None and i.error_step == "target"]
    if targeted:
        out.append(target_counts(report, targeted))
    elif not undetermined:
        out.append(report.t("key.no_targets"))
    if undetermined:  # a target the params ask for but that could not be worked out
        out.append(report.t_n("key.targets_undetermined", len(undetermined),
                              names=", ".join(i.name(lang) for i in undetermined)))
    for item in targeted:
        a = item.assessment
        assert item.trend is not None and isinstance(a, progress.TargetAssessment)
        sentence = narrative.change_sentence(item.name(lang), item.trend, lang, item.unit(),
                                              number=item.ind.number(lang))
        sentence += "; " + narrative.target_clause(
            a, lang, item.unit(), overconfident(item, report.calibration),
            band80_at(item, a.target_period))
        out.append(sentence + ". " + narrative.judgement_sentence(a, lang, item.unit()))
    forty = extra40k.key_sentence(report)  # national: progress towards the 40,000
    if forty is not None:
        out.append(forty)
    others = [i for i in report.items if i not in targeted]
    for move in ("fall", "rise"):  # every significant finding, the falls first
        found = [finding(report, i) for i in others if i.movement == move]
        if found:
            out.append(report.t(f"key.{move}s", list=join_words(found, lang)))
    small = [i for i in report.items if i.size is not None and not i.size.judgeable]
    if small:
        names = join_words([narrative.in_sentence(i.name(lang)) for i in small], lang)
        out.append(report.t("key.too_small", names=names,
                            threshold=fmt.count(small[0].size.threshold, lang)))  # type: ignore[union-attr]
    vacancies = [i for i in report.items if i.trend is not None
                 and i.ind.frequency == "quarter" and i.trend.yoy]
    if vacancies:
        v = vacancies[0]
        assert v.trend is not None
        text = narrative.yoy_sentence(v.name(lang).lower(), v.trend, lang, v.unit())
        if text:
            out.append(text)
    change = changes.key_sentence(report)  # the most important change since last time
    if change is not None:
        out.append(change)
    return out


def target_counts(report: Report, targeted: list[Item]) -> str:
    """``Van de 2 indicatoren met een doel: 1 doel gehaald (✓, illustratief doel), 1
    onzeker (~, illustratief doel).`` Each count says whether its targets are illustrative."""
    lang = report.lang
    groups: Counter[tuple[progress.Category, bool]] = Counter()
    for i in targeted:
        assert isinstance(i.assessment, progress.TargetAssessment)
        groups[(i.assessment.category, i.assessment.target_illustrative)] += 1
    parts = []
    for (cat, ill), n in sorted(groups.items(), key=lambda kv: (-kv[0][0].rank, kv[0][1])):
        key = "key.count_part_ill" if ill else "key.count_part"
        parts.append(report.t(key, n=n, label=cat.label(lang), symbol=cat.symbol))
    n_ill = sum(n for (_, ill), n in groups.items() if ill)
    key = "key.count_one" if len(targeted) == 1 else "key.counts"
    text = report.t(key, n=len(targeted), parts=", ".join(parts))
    if n_ill:
        text += " " + report.t("key.ill_note", n=n_ill)
    return text


def finding(report: Report, item: Item) -> str:
    """``aandeel techniek onder mbo-deelnemers (-0,3 procentpunt per jaar, 95%: -0,4 tot
    -0,2)``, with the window of a quarterly trend."""
    ci = item.ci95
    assert ci is not None and item.trend is not None and item.trend.slope is not None
    unit, lang = item.unit(), report.lang
    lo, hi = narrative.interval(ci, unit, lang)
    values = {"name": narrative.in_sentence(item.name(lang)),
              "slope": fmt.value_change(item.trend.slope, unit, lang), "lo": lo, "hi": hi}
    window = item.trend.window if item.ind.frequency == "quarter" else None
    if window is not None:
        return report.t("key.finding_window", quarters=window.n, **values)
    return report.t("key.finding", **values)


def status_of(item: Item, report: Report) -> doc.Cell:
    """The status cell of an indicator: symbol, word and colour class.

    A series too small to judge says so; an uncertain verdict carries the trend's interval;
    a verdict on an illustrative target says the target is illustrative, and one whose
    period has passed says that too.
    """
    if not item.judged:
        return doc.Cell(report.t("status.too_small"), "not_assessable", "?")
    cat = item.category
    if cat is None:
        return doc.Cell(report.t("not_estimated") if item.error else report.t("none"))
    label = cat.label(report.lang)
    a = item.assessment
    if isinstance(a, progress.TargetAssessment):
        if cat is progress.UNCERTAIN and a.trend_ci95 is not None:
            lo, hi = (fmt.value_change(x, item.unit(), report.lang) for x in a.trend_ci95)
            label = report.t("status.uncertain_ci", label=label, lo=lo, hi=hi)
        if a.target_illustrative:
            label += report.t("status.ill_target")
        if a.period_passed:
            label += report.t("status.period_passed")
    return doc.status_cell(cat.code, label, cat.symbol)


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
    scope = delineation_text(report)
    if scope:
        out.append(doc.Paragraph(scope))
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


def delineation_text(report: Report) -> str:
    """What a sector report counts as its top sector: SBI sections for vacancies, the number
    of programmes per level, and where the list is ("" for other reports)."""
    d = report.delineation
    if d is None:
        return ""
    lang = report.lang

    def sections(sbi: tuple[SbiSector, ...]) -> str:
        return join_words([bilingual.text(s, "title", lang) for s in sbi], lang)

    text = report.t("deli.sbi", scope=report.scope, sbi=sections(d.sbi_national))
    if d.sbi_provincial != d.sbi_national:
        text += report.t("deli.sbi_provincial", sbi=sections(d.sbi_provincial))
    parts = [report.t("deli.level", n=n, level=level) for level, n in d.programmes]
    text += report.t("deli.programmes", parts=join_words(parts, lang))
    if d.not_found:
        text += " " + report.t_n("deli.not_found", d.not_found)
    return text + " " + report.t("deli.list")
