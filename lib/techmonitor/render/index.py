"""The batch's ``index.html``: every report with its status, linked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from techmonitor import blocks
from techmonitor.blocks import Cell, esc
from techmonitor.render.html import SKIP_TEXT, report_css

KIND_HEADINGS = {
    "nl": {"national": "Landelijk", "sector": "Topsectoren", "region": "Provincies"},
    "en": {"national": "National", "sector": "Top sectors", "region": "Provinces"},
}
STATUS_TEXT = {
    "nl": {"ok": "✓ gereed", "failed": "✕ mislukt", "skipped": "✓ ongewijzigd"},
    "en": {"ok": "✓ done", "failed": "✕ failed", "skipped": "✓ unchanged"},
}


def index_html(period: str, entries: Sequence[dict[str, Any]], language: str = "nl") -> str:
    """Build the index page.

    Parameters
    ----------
    period
        Reporting quarter, e.g. ``2023Q3``.
    entries
        Manifest entries: ``report``, ``kind``, ``title``, ``status``, ``html`` (relative link
        or None), ``error`` (text or None).
    language
        Page language.
    """
    t = (lambda nl, en: en) if language == "en" else (lambda nl, en: nl)
    title = t(f"Techniek Monitor – rapporten {period}", f"Techniek Monitor – reports {period}")
    parts = [f"<h1>{esc(title)}</h1>"]
    counts = {s: sum(1 for e in entries if e["status"] == s) for s in ("ok", "skipped", "failed")}
    parts.append(blocks.paragraph(t(
        f"{len(entries)} rapporten: {counts['ok'] + counts['skipped']} gereed, "
        f"{counts['failed']} mislukt.",
        f"{len(entries)} reports: {counts['ok'] + counts['skipped']} done, "
        f"{counts['failed']} failed.")).html)
    for kind in ("national", "sector", "region"):
        rows = []
        for e in (e for e in entries if e["kind"] == kind):
            name = (Cell(e["title"], markup=f'<a href="{esc(e["html"])}">{esc(e["title"])}</a>')
                    if e.get("html") else Cell(e["title"]))
            status = STATUS_TEXT[language].get(e["status"], e["status"])
            detail = e.get("error") or ""
            rows.append([name, Cell(status, "status"), detail])
        if not rows:
            continue
        parts.append(f"<h2>{esc(KIND_HEADINGS[language][kind])}</h2>")
        parts.append(blocks.table(
            t(f"{KIND_HEADINGS['nl'][kind]}: rapporten en status",
              f"{KIND_HEADINGS['en'][kind]}: reports and status"),
            [t("Rapport", "Report"), "Status", t("Toelichting", "Details")], rows).html)
    body = "\n".join(parts)
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>\n{report_css()}\n</style>\n</head>\n<body>\n"
        f'<a class="skip-link" href="#inhoud">{esc(SKIP_TEXT[language])}</a>\n'
        f'<main id="inhoud">\n{body}\n</main>\n</body>\n</html>\n'
    )
