"""Title block and key messages."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from techmonitor import blocks, narrative, progress
from techmonitor.blocks import Block, Cell, Section
from techmonitor.periods import sort_key
from techmonitor.report.analysis import Item, change_since, trend_word
from techmonitor.report.ids import SECTION_IDS

if TYPE_CHECKING:
    from techmonitor.report.core import Report

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


def title_block(report: Report) -> Block:
    """Title, period, date and status of the data, the illustrative notice and contents."""
    p = report.params
    status_text, illustrative = data_status(report)
    last = latest_period(report)
    pairs = [
        (report.t("meta.period"), report.fmt_period(p.period)),
        (report.t("meta.data_until"), report.fmt_period(last) if last else report.t("none")),
        (report.t("meta.status"), status_text),
        (report.t("meta.prepared"), p.organisation),
        (report.t("meta.appendix"), p.appendix_line),
    ]
    from techmonitor.report.measures import measures_illustrative

    notice = None
    if illustrative or measures_illustrative(report):
        notice = blocks.note(report.t("illustrative.banner"), "illustrative")
    return blocks.join(
        Block(f'<header class="title-block" id="{SECTION_IDS["title"]}">'
              f"<h1>{blocks.esc(report.title)}</h1>"),
        blocks.definition_list(pairs),
        notice,
        Block("</header>"),
        blocks.toc(report.t("toc"), report.sections()),
    )


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
    if targeted:
        counts = Counter(i.category for i in targeted if i.category is not None)
        parts = [f"{n} {cat.label(lang)} ({cat.symbol})"
                 for cat, n in sorted(counts.items(), key=lambda kv: -kv[0].rank)]
        key = "key.count_one" if len(targeted) == 1 else "key.counts"
        out.append(report.t(key, n=len(targeted), parts=", ".join(parts)))
    else:
        out.append(report.t("key.no_targets"))
    annual = [i for i in items if i.ind.frequency != "quarter"]
    for item in sorted(annual, key=_priority)[:3]:
        assert item.trend is not None
        sentence = narrative.change_sentence(item.name(lang), item.trend, lang, item.unit())
        if isinstance(item.assessment, progress.TargetAssessment):
            sentence += "; " + narrative.target_clause(item.assessment, lang, item.unit())
        out.append(sentence + ".")
    vacancies = [i for i in items if i.ind.frequency == "quarter" and i.trend.yoy]  # type: ignore[union-attr]
    if vacancies:
        v = vacancies[0]
        assert v.trend is not None
        text = narrative.yoy_sentence(v.name(lang).lower(), v.trend, lang, v.unit())
        if text:
            out.append(text)
    return out[:6]


def status_of(item: Item, report: Report) -> Cell:
    """The status cell of an indicator: symbol, word and colour class."""
    cat = item.category
    if cat is None:
        return Cell(report.t("none"))
    return blocks.status_cell(cat.code, cat.label(report.lang), cat.symbol)


def target_text(item: Item, report: Report) -> str:
    """``17.000 in 2025`` or ``geen doel``."""
    if item.target is None:
        return report.t("no_target")
    text = report.t("target.value", value=item.value(item.target.value, report.lang),
                    period=report.fmt_period(item.target.period, "short"))
    return text + (report.t("target.illustrative") if item.target.illustrative else "")


def latest_text(item: Item, report: Report) -> str:
    """Latest value with its period, marked when illustrative."""
    last = item.latest
    text = (f"{item.value(float(last['value']), report.lang)} "
            f"({report.fmt_period(str(last['period']), 'short')})")
    if last["status"] == "illustrative":
        text += f" – {report.t('status.illustrative')}"
    return text


def key_messages(report: Report) -> Section:
    """Key sentences and one table of all indicators."""
    sec = Section(report.t("sec.key"), anchor=SECTION_IDS["key"])
    sec.add(blocks.bullet_list(key_sentences(report), css_class="key-messages"))
    rows: list[list[str | Cell]] = [
        [item.name(report.lang), latest_text(item, report), change_since(item, report.lang),
         trend_word(item, report.lang), target_text(item, report), status_of(item, report)]
        for item in report.items]
    if rows:
        sec.add(blocks.table(
            report.t("key.table"),
            [report.t("col.indicator"), report.t("col.latest"), report.t("col.change"),
             report.t("col.trend"), report.t("col.target"), report.t("col.status")],
            rows, numeric=[False, True, True, False, True, False], css_class="data overview"))
    return sec
