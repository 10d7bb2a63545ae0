"""The batch's overview: every report × the four goals, read from the results files.

One row per report of the run: its state (finished, finished with warnings, failed), the
newest period its data reach, and per goal of the cabinet letter a verdict in words and
symbol, named after the indicator it rests on. Nothing is computed again: a verdict is the
one the report's results file holds (the goal's verdict when the file has one, else the
category of the goal's key indicator); a report without a readable results file says so.
The index page (:mod:`techmonitor.render.index`) and the appendix's first pages
(:func:`overview_section`) both show these rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from techmonitor import fmt
from techmonitor.messages import Lang, msg, msg_n
from techmonitor.periods import is_valid, sort_key
from techmonitor.progress.categories import (
    MEASURE_CATEGORIES,
    TARGET_CATEGORIES,
    TREND_CATEGORIES,
    Category,
)
from techmonitor.report import document as doc
from techmonitor.report.ids import CHANGES_ID
from techmonitor.report.results import load_results, results_path

GOALS = (1, 2, 3, 4)
#: the anchor of the overview section (appendix) and table (index page)
OVERVIEW_ID = "overzicht"
_CATEGORIES: dict[str, Category] = {c.code: c for c in (*TARGET_CATEGORIES,
                                                         *TREND_CATEGORIES,
                                                         *MEASURE_CATEGORIES)}


@dataclass(frozen=True)
class GoalCell:
    """One report's verdict on one goal.

    ``code`` is the category code (``on_track`` …) or ``""`` when the report has no
    indicator with a verdict for the goal; ``indicator`` names the key indicator the verdict
    rests on; ``others`` counts the goal's other indicators per verdict; ``newest`` is the
    latest period of that indicator (of the goal's data for a goal verdict), as text.
    """

    goal: int
    code: str
    symbol: str
    label: str
    indicator: str
    others: str
    newest: str
    #: how many other indicators of the goal have a verdict (``others`` lists them)
    n_others: int = 0
    #: the verdict is measured against an illustrative target (not an agreed one)
    illustrative: str = ""

    def text(self) -> str:
        """The cell in one line of words: verdict, indicator and its period (the symbol
        goes beside it, see :attr:`symbol`)."""
        text = self.label
        if self.indicator:
            text += f" ({self.indicator}, {self.newest})" if self.newest \
                else f" ({self.indicator})"
        return f"{text}; {self.illustrative}" if self.illustrative else text


@dataclass(frozen=True)
class OverviewRow:
    """One report in the overview."""

    report: str
    kind: str
    title: str
    #: the short name (``Nederland``, ``Energie``, ``Utrecht``) under its group's heading
    name: str
    state: str  # ok | warnings | failed
    html: str | None
    pdf: str | None
    cells: tuple[GoalCell, ...]
    newest: str
    warnings: tuple[str, ...]
    error: str
    changes: int | None
    #: link to the report's section on what changed (None without an HTML report)
    changes_href: str | None
    family: str | None = None
    #: why a finished report shows no verdicts (its results file is missing or unreadable)
    note: str = ""


def _category(code: str | None) -> Category | None:
    return _CATEGORIES.get(code or "")


def _newest(periods: Sequence[str], lang: Lang) -> str:
    valid = [p for p in periods if p and is_valid(p)]
    if not valid:
        return ""
    return fmt.period(max(valid, key=sort_key), lang, "short")


def _key_item(items: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The item a goal's verdict rests on: one with a target first, then one with a
    verdict, in the report's own order."""
    judged = [i for i in items if _category(i.get("category")) is not None]
    with_target = [i for i in judged if i.get("target")]
    found = with_target or judged
    return found[0] if found else None


#: a goal verdict of the results file (report/goal_verdicts.py) → its sign and the status
#: code that colours it (as a category's); the words are the catalogue's ``goalv.verdict.*``
VERDICT_SIGNS = {"progress": ("▲", "on_track"), "decline": ("▼", "moving_away"),
                 "mixed": ("◆", "acceleration_needed"),
                 "no_change": ("■", "no_significant_change"),
                 "not_judged": ("?", "not_assessable")}
#: the basis series of a goal verdict, by how they moved → their sign
MOVEMENTS = (("favourable", "▲"), ("unfavourable", "▼"), ("no_significant_change", "■"),
             ("not_judged", "?"))


def _verdict_cell(goal: int, stated: Mapping[str, Any],
                  names: Mapping[str, str], lang: Lang) -> GoalCell | None:
    """The goal's own verdict (``goals`` of the results file), or None if it has none."""
    code = str(stated.get("verdict", ""))
    newest = _newest([str(stated.get("latest_period") or "")], lang)
    if code == "no_data":
        return GoalCell(goal, "", "–", msg("ovw.no_data", lang), "", "", newest)
    if code not in VERDICT_SIGNS:
        return None
    symbol, status = VERDICT_SIGNS[code]
    counts = [msg_n(f"goalv.n_{part}", len(stated.get(key) or []), lang)
              for key, part in (("favourable", "favourable"), ("unfavourable", "unfavourable"),
                                ("no_significant_change", "flat"),
                                ("not_judged", "unjudged")) if stated.get(key)]
    series = [f"{sign} {names.get(str(k), str(k))}" for key, sign in MOVEMENTS
              for k in stated.get(key) or []]
    return GoalCell(goal, status, symbol, msg(f"goalv.verdict.{code}", lang),
                    "; ".join(counts), "; ".join(series), newest, len(series))


def goal_cells(results: Mapping[str, Any], lang: Lang) -> tuple[GoalCell, ...]:
    """Per goal the verdict a results file holds.

    Parameters
    ----------
    results
        A report's results file (``results/<id>.json``) as data.
    lang
        Language of the words.

    Returns
    -------
    tuple of GoalCell
        One per goal 1–4. The goal's verdict the file holds (``goals``: ``verdict``, the
        series it rests on and how they moved, ``latest_period``) comes first; a file
        without one gives the category of the goal's key indicator.
    """
    items = [i for i in results.get("items") or [] if isinstance(i, Mapping)]
    verdicts = {g.get("goal"): g for g in results.get("goals") or [] if isinstance(g, Mapping)}
    names = {str(i.get("key")): str(i.get("name", i.get("key"))) for i in items}
    out = []
    for goal in GOALS:
        mine = [i for i in items if i.get("goal") == goal]
        newest = _newest([str((i.get("latest") or {}).get("period", "")) for i in mine], lang)
        key = _key_item(mine)
        stated = verdicts.get(goal) or {}
        made = _verdict_cell(goal, stated, names, lang) if stated else None
        if made is not None:
            out.append(made)
            continue
        cat = _category(stated.get("category"))
        from_goal = cat is not None
        if cat is None and key is not None:
            cat = _category(key.get("category"))
        if cat is None:
            out.append(GoalCell(goal, "", "–", msg("ovw.no_verdict", lang), "", "", newest))
            continue
        counts = Counter(f"{c.symbol} {c.label(lang)}" for i in mine if i is not key
                         and (c := _category(i.get("category"))) is not None)
        others = "; ".join(f"{n}× {words}" for words, n in counts.items())
        name = str(key.get("name", "")) if key is not None and not from_goal else ""
        # the period of the indicator the verdict rests on (a goal verdict: the goal's newest)
        when = _newest([str((key.get("latest") or {}).get("period", ""))], lang) \
            if name and key is not None else newest
        out.append(GoalCell(goal, cat.code, cat.symbol, cat.label(lang), name,
                            msg("ovw.others", lang, list=others) if others else "", when,
                            sum(counts.values()), msg("ovw.illustrative", lang)
                            if name and ((key or {}).get("target") or {}).get("illustrative")
                            else ""))
    return tuple(out)


def overview_rows(out_dir: Path, entries: Sequence[Mapping[str, Any]], lang: Lang
                  ) -> list[OverviewRow]:
    """The overview's rows, in the order of ``entries``, from the run folder's results files.

    Parameters
    ----------
    out_dir
        The run folder.
    entries
        Index entries (:func:`techmonitor.batch.index.batch_overview`): ``report``,
        ``kind``, ``title``, ``name`` (short), ``status``, ``html``, ``pdf``, ``error``,
        ``summary``, ``family``.
    lang
        Language of the words.
    """
    rows = []
    for e in entries:
        summary = e.get("summary") or {}
        # the reader's words where the report gives them (older results: the technical lines)
        warnings = tuple(str(w) for w in summary.get("findings")
                         or summary.get("warnings") or [])
        cells: tuple[GoalCell, ...] = ()
        newest = ""
        error = str(e.get("error") or "")
        note = ""
        if e["status"] == "ok":
            loaded = load_results(results_path(out_dir, str(e["report"])), str(e["report"]))
            if loaded.data is not None:
                cells = goal_cells(loaded.data, lang)
                newest = _newest([str((i.get("latest") or {}).get("period", ""))
                                  for i in loaded.data.get("items") or []], lang)
            else:  # the report itself is fine: no analysis warning, but say why no verdicts
                note = msg("ovw.no_results", lang, problem=loaded.problem)
        state = "failed" if e["status"] != "ok" else ("warnings" if warnings else "ok")
        changes = summary.get("changes")
        html = e.get("html")
        rows.append(OverviewRow(
            str(e["report"]), str(e["kind"]), str(e["title"]),
            str(e.get("name") or e["title"]), state, html, e.get("pdf"),
            cells, newest, warnings, error, changes if isinstance(changes, int) else None,
            f"{html}#{CHANGES_ID}" if html and isinstance(changes, int) else None,
            e.get("family"), note))
    return rows


def state_words(row: OverviewRow, lang: Lang) -> tuple[str, str]:
    """``(symbol, words)`` of a report's state: never just "finished" when it has warnings."""
    if row.state == "failed":
        return "✕", msg("ovw.state.failed", lang)
    if row.state == "warnings":
        return "⚠", msg_n("ovw.state.warnings", len(row.warnings), lang)
    return "✓", msg("ovw.state.ok", lang)


def overview_section(rows: Sequence[OverviewRow], lang: Lang, period: str,
                     track: str | None = None) -> doc.Section:
    """The overview as a document section (the appendix's first pages).

    One table: per report its state, newest data, and per goal the verdict (symbol and
    words, the key indicator in brackets); failed reports and warnings listed below it.
    """
    header = [msg("ovw.col.report", lang), msg("ovw.col.state", lang),
              msg("ovw.col.newest", lang)] + [msg("ovw.col.goal", lang, n=g) for g in GOALS]
    body: list[list[str | doc.Cell]] = []
    for r in rows:
        symbol, words = state_words(r, lang)
        line: list[str | doc.Cell] = [f"{r.name} ({msg(f'ovw.kind.{r.kind}', lang)})",
                                      doc.status_cell(
            {"ok": "on_track", "warnings": "acceleration_needed",
             "failed": "moving_away"}[r.state], words, symbol), r.newest or "–"]
        if r.cells:
            line += [doc.status_cell(c.code, c.text(), c.symbol) if c.code
                     else doc.Cell(f"{c.symbol} {c.text()}") for c in r.cells]
        else:
            line += ["–"] * len(GOALS)
        body.append(line)
    intro = doc.Paragraph(msg("ovw.intro", lang, n=len(rows),
                              period=fmt.quarter(period, lang)))
    goals = doc.BulletList(tuple(msg("ovw.goal_line", lang, n=g, title=msg(f"goal.{g}", lang))
                           for g in GOALS))
    table = doc.table(msg("ovw.caption", lang), header, body,
                      numeric=[False] * len(header), note=msg("ovw.note", lang))
    notes: list[doc.Node] = []
    for r in rows:
        if r.state == "failed":
            notes.append(doc.Note(msg("ovw.failed_line", lang, title=r.title,
                                      reason=r.error or "–"), "failure"))
        elif r.warnings:
            notes.append(doc.Note(msg("ovw.warning_line", lang, title=r.title,
                                      warnings="; ".join(r.warnings)), "warning"))
    # how often the projections' bands held over the batch (batch/track.py), when known
    held = [doc.Paragraph(track)] if track else []
    return doc.section(msg("ovw.title", lang), OVERVIEW_ID, intro, goals, table, held, notes)
