"""The batch's ``index.html``: every report with its status and key category counts, linked.

Each report notebook ends with a display output of mimetype
:data:`~techmonitor.report.document.SUMMARY_MIMETYPE` (invisible in HTML and PDF);
:func:`summary_from_notebook` reads it back so the batch can pass it to :func:`index_html`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from markupsafe import Markup

from techmonitor import fmt
from techmonitor.messages import msg
from techmonitor.periods import QUARTER_RE
from techmonitor.render.html import SKIP_TEXT, report_css
from techmonitor.report.document import SUMMARY_MIMETYPE
from techmonitor.report.htmldoc import environment


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


def _counts_text(items: Sequence[Mapping[str, Any]], language: str = "nl") -> str:
    """``✓ 1 doel gehaald (1 illustratief doel), ~ 1 onzeker``: a count of verdicts on
    illustrative targets says so beside the verdict."""
    out = []
    for c in items:
        text = f"{c.get('symbol', '')} {c.get('count', 0)} {c.get('label', '')}".strip()
        if c.get("illustrative_targets"):
            text += msg("index.ill_targets", language, n=c["illustrative_targets"])
        out.append(text)
    return ", ".join(out)


def _summary_cells(summary: Mapping[str, Any] | None, language: str) -> list[str]:
    if not summary:
        return ["–", "–", "–"]
    cats = summary.get("categories") or []
    data_status = summary.get("data_status") or {}
    status_words = ", ".join(f"{n} {msg(f'status.{s}', language)}"
                             for s, n in data_status.items())
    if summary.get("illustrative") and "illustrative" not in data_status:
        measures = msg("sec.measures", language).lower()
        status_words += f" ({msg('status.illustrative', language)}: {measures})"
    return [str(summary.get("indicators", "–")), _counts_text(cats, language) or "–",
            status_words or "–"]


def changes_cell(summary: Mapping[str, Any] | None, language: str) -> str:
    """Number of changes since the earlier report; ``–`` when there was none to compare."""
    if not summary:
        return "–"
    n = summary.get("changes")
    if isinstance(n, int):
        return str(n)
    if summary.get("compared") not in (None, "none", "ok"):
        return msg("index.not_compared", language)
    return "–"


def index_html(period: str, entries: Sequence[Mapping[str, Any]], language: str = "nl",
               appendix: str | None = None) -> str:
    """Build the index page.

    Parameters
    ----------
    period
        Reporting quarter, e.g. ``2023Q3``.
    entries
        Manifest entries: ``report``, ``kind``, ``title``, ``status``, ``html`` and ``pdf``
        (relative links or None), ``error`` (text or None) and optionally ``summary`` (from
        :func:`summary_from_notebook`; its ``changes`` count fills the changes column) and
        ``family`` (a sector report's group heading, from the data; sector reports without
        one are listed under a neutral heading).
    language
        Page language (``nl`` or ``en``).
    appendix
        File name of the quarter's appendix PDF, linked at the top when given.
    """
    lang: Literal["nl", "en"] = "en" if language == "en" else "nl"
    when = fmt.quarter(period, lang) if QUARTER_RE.match(period) else period
    title = msg("index.title", lang, when=when)
    failed = sum(1 for e in entries if e["status"] == "failed")
    n_warn = sum(len(warnings_of(e)) for e in entries)
    # national, then the sector reports by family (heading from the data), then regions
    order: list[tuple[str, str | None]] = [("national", None)]
    order += list(dict.fromkeys(("sector", e.get("family")) for e in entries
                                if e["kind"] == "sector"))
    order.append(("region", None))
    groups = []
    for kind, family in order:
        rows = []
        for e in (e for e in entries if e["kind"] == kind and e.get("family") == family):
            indicators, progress, data_words = _summary_cells(e.get("summary"), lang)
            warnings = warnings_of(e)
            rows.append({
                "title": e["title"], "html": e.get("html"), "pdf": e.get("pdf"),
                "status": msg(f"index.status.{e['status']}", lang)
                if e["status"] in ("ok", "failed") else str(e["status"]),
                "indicators": indicators, "progress": progress, "data": data_words,
                "changes": changes_cell(e.get("summary"), lang),
                "error": e.get("error") or "", "warnings": warnings,
                "warnings_summary": msg("index.warnings", lang, n=len(warnings))})
        if rows:
            name = family or msg(f"index.kind.{kind}", lang)
            groups.append({"name": name, "caption": msg("index.caption", lang, kind=name),
                           "rows": rows})
    link = None
    if appendix:
        before, _, after = msg("index.appendix", lang, link="\x00").partition("\x00")
        link = {"href": appendix, "link": msg("index.appendix_link", lang),
                "before": before, "after": after}
    return environment().get_template("index.html.j2").render(
        # the stylesheet is the package's own static file, not data: inserted as it is
        lang=lang, title=title, css=Markup(report_css()), skip=SKIP_TEXT[lang],
        counts=msg("index.counts", lang, n=len(entries), ok=len(entries) - failed,
                   failed=failed),
        warnings_line=msg("index.warnings_total", lang, n=n_warn) if n_warn else "",
        appendix=link, groups=groups,
        header=[msg(f"index.col.{c}", lang)
                for c in ("report", "status", "indicators", "progress", "data", "changes",
                          "details")])


def warnings_of(entry: Mapping[str, Any]) -> list[str]:
    """The warnings a report's summary lists (steps of its analysis that failed)."""
    summary = entry.get("summary") or {}
    return [str(w) for w in summary.get("warnings") or []]
