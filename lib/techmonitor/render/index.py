"""The batch's ``index.html``: the programme manager's dashboard of the run.

Every report with its state, the newest period of its data, its verdict per goal of the
cabinet letter (symbol and words, from :mod:`techmonitor.report.overview`, which reads the
results files), its changes since the earlier report (linked to that section of the report)
and why it failed or what it could not do. Failed reports and reports with warnings are
listed first, with their reasons, and marked in their row; a failed report never looks
finished. Below about 600 px the table's rows are shown as stacked cards, each cell with its
column name.

Each report notebook ends with a display output of mimetype
:data:`~techmonitor.report.document.SUMMARY_MIMETYPE` (invisible in HTML and PDF);
:func:`summary_from_notebook` reads it back so the batch can keep it in the manifest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from techmonitor import fmt
from techmonitor.messages import Lang, as_lang, msg, msg_n
from techmonitor.periods import QUARTER_RE
from techmonitor.render.html import SKIP_TEXT, report_css
from techmonitor.report.document import SUMMARY_MIMETYPE
from techmonitor.report.htmldoc import environment
from techmonitor.report.overview import GOALS, OVERVIEW_ID, OverviewRow, state_words


def summary_from_notebook(nb: Mapping[str, Any]) -> dict[str, Any] | None:
    """The report summary a notebook emitted, or None if it has none.

    Parameters
    ----------
    nb
        An executed report notebook (``nbformat.NotebookNode`` or plain dict).

    Returns
    -------
    dict or None
        The last output with mimetype ``application/vnd.techmonitor.summary+json``.
    """
    found = None
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            data = output.get("data") or {}
            if SUMMARY_MIMETYPE in data and isinstance(data[SUMMARY_MIMETYPE], Mapping):
                found = dict(data[SUMMARY_MIMETYPE])
    return found


def _row(r: OverviewRow, lang: Lang) -> dict[str, Any]:
    symbol, words = state_words(r, lang)
    return {
        "title": r.name, "full_title": r.title, "html": r.html, "pdf": r.pdf,
        "pdf_label": msg("ovw.pdf_label", lang, name=r.name), "state": r.state,
        "state_symbol": symbol, "state_words": words, "newest": r.newest or "–",
        "cells": [{"code": c.code, "symbol": c.symbol, "label": c.label,
                   "indicator": c.indicator, "others": c.others, "newest": c.newest,
                   "more": msg_n("ovw.more", c.n_others, lang), "illustrative": c.illustrative}
                  for c in r.cells],
        "changes": "–" if r.changes is None else fmt.number(r.changes, 0, lang),
        "changes_href": r.changes_href,
        "changes_label": msg("ovw.changes_link", lang, n=r.changes, title=r.title)
        if r.changes is not None else "",
        "error": r.error, "warnings": list(r.warnings), "note": r.note,
        "warnings_summary": msg_n("index.warnings", len(r.warnings), lang),
        "anchor": f"r-{r.report}",
    }


def index_html(period: str, rows: Sequence[OverviewRow], language: str = "nl",
               appendix: str | None = None, track: str | None = None) -> str:
    """Build the index page.

    Parameters
    ----------
    period
        Reporting quarter, e.g. ``2023Q3``.
    rows
        One :class:`~techmonitor.report.overview.OverviewRow` per report (from the results
        files), in the batch's order; sector rows carry their family's heading (from the
        data), and sector reports without one are listed under a neutral heading.
    language
        Page language (``nl`` or ``en``).
    appendix
        File name of the quarter's appendix PDF, linked at the top when given.
    track
        How often the projections' bands held over the batch (one sentence), if known.
    """
    lang = as_lang(language)
    when = fmt.quarter(period, lang) if QUARTER_RE.match(period) else period
    title = msg("index.title", lang, when=when)
    failed = sum(r.state == "failed" for r in rows)
    warned = sum(r.state == "warnings" for r in rows)
    # national, then the sector reports by family (heading from the data), then regions
    order: list[tuple[str, str | None]] = [("national", None)]
    order += list(dict.fromkeys(("sector", r.family) for r in rows if r.kind == "sector"))
    order.append(("region", None))
    groups = []
    for kind, family in order:
        mine = [_row(r, lang) for r in rows if r.kind == kind and r.family == family]
        if mine:
            name = family or msg(f"index.kind.{kind}", lang)
            groups.append({"name": name, "caption": msg("index.caption", lang, kind=name),
                           "rows": mine})
    attention = [_row(r, lang) for r in rows if r.state != "ok"]
    link = None
    if appendix:
        before, _, after = msg("index.appendix", lang, link="\x00").partition("\x00")
        link = {"href": appendix, "link": msg("index.appendix_link", lang),
                "before": before, "after": after}
    header = [msg("ovw.col.report", lang), msg("ovw.col.state", lang),
              msg("ovw.col.newest", lang)]
    header += [msg("ovw.col.goal", lang, n=g) for g in GOALS]
    header += [msg("ovw.col.changes", lang), msg("index.col.details", lang)]
    return environment().get_template("index.html.j2").render(
        # the stylesheet is the package's own static file, not data: inserted as it is
        lang=lang, title=title, css=Markup(report_css()), skip=SKIP_TEXT[lang],
        counts=msg("index.counts", lang, n=len(rows), ok=len(rows) - failed - warned,
                   warned=warned, failed=failed),
        attention=attention, attention_title=msg("index.attention", lang),
        goals=[msg("ovw.goal_line", lang, n=g, title=msg(f"goal.{g}", lang)) for g in GOALS],
        overview_id=OVERVIEW_ID, appendix=link, groups=groups, header=header, track=track)
