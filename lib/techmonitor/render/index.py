"""The batch's ``index.html``: every report with its status and key category counts, linked.

Each report notebook ends with a display output of mimetype
:data:`~techmonitor.blocks.SUMMARY_MIMETYPE` (invisible in HTML and PDF);
:func:`summary_from_notebook` reads it back so the batch can pass it to :func:`index_html`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from techmonitor import blocks, fmt
from techmonitor.blocks import SUMMARY_MIMETYPE, Cell, esc
from techmonitor.messages import msg
from techmonitor.periods import QUARTER_RE
from techmonitor.render.html import SKIP_TEXT, report_css


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


def _counts_text(items: Sequence[Mapping[str, Any]]) -> str:
    return ", ".join(f"{c.get('symbol', '')} {c.get('count', 0)} {c.get('label', '')}".strip()
                     for c in items)


def _summary_cells(summary: Mapping[str, Any] | None, language: str) -> list[str | Cell]:
    if not summary:
        return ["–", "–", "–"]
    cats = summary.get("categories") or []
    data_status = summary.get("data_status") or {}
    status_words = ", ".join(f"{n} {msg(f'status.{s}', language)}"
                             for s, n in data_status.items())
    if summary.get("illustrative") and "illustrative" not in data_status:
        measures = msg("sec.measures", language).lower()
        status_words += f" ({msg('status.illustrative', language)}: {measures})"
    return [str(summary.get("indicators", "–")), _counts_text(cats) or "–", status_words or "–"]


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
        :func:`summary_from_notebook`).
    language
        Page language (``nl`` or ``en``).
    appendix
        File name of the quarter's appendix PDF, linked at the top when given.
    """
    lang: Literal["nl", "en"] = "en" if language == "en" else "nl"
    when = fmt.quarter(period, lang) if QUARTER_RE.match(period) else period
    title = msg("index.title", lang, when=when)
    parts = [f"<h1>{esc(title)}</h1>"]
    failed = sum(1 for e in entries if e["status"] == "failed")
    parts.append(blocks.paragraph(msg("index.counts", lang, n=len(entries),
                                      ok=len(entries) - failed, failed=failed)).html)
    if appendix:
        link = f'<a href="{esc(appendix)}">{esc(msg("index.appendix_link", lang))}</a>'
        parts.append(f"<p>{msg('index.appendix', lang, link=link)}</p>")
    header = [msg(f"index.col.{c}", lang)
              for c in ("report", "status", "indicators", "progress", "data", "details")]
    for kind in ("national", "sector", "region"):
        rows: list[list[str | Cell]] = []
        for e in (e for e in entries if e["kind"] == kind):
            links = f'<a href="{esc(e["html"])}">{esc(e["title"])}</a>' if e.get("html") \
                else esc(e["title"])
            if e.get("pdf"):
                links += f' (<a href="{esc(e["pdf"])}">PDF</a>)'
            status = msg(f"index.status.{e['status']}", lang) \
                if e["status"] in ("ok", "failed") else str(e["status"])
            rows.append([Cell(e["title"], markup=links), Cell(status, "status"),
                         *_summary_cells(e.get("summary"), lang), e.get("error") or ""])
        if not rows:
            continue
        kind_name = msg(f"index.kind.{kind}", lang)
        parts.append(f"<h2>{esc(kind_name)}</h2>")
        parts.append(blocks.table(
            msg("index.caption", lang, kind=kind_name), header, rows,
            numeric=[False, False, True, False, False, False]).html)
    body = "\n".join(parts)
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>\n{report_css()}\n</style>\n</head>\n<body>\n"
        f'<a class="skip-link" href="#inhoud">{esc(SKIP_TEXT[lang])}</a>\n'
        f'<main id="inhoud">\n{body}\n</main>\n</body>\n</html>\n'
    )
