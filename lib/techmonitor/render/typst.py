"""Report document → PDF/UA-1 with Typst: one report, or all reports as the appendix.

The document model (:mod:`techmonitor.report.document`, as the node dicts of
:meth:`~techmonitor.report.document.Node.to_json`) goes to the Typst template
``typst/report.typ`` as DATA: one JSON string in ``sys.inputs.doc``, which the template reads
with ``json(bytes(sys.inputs.doc))``. No text is ever pasted into Typst source, so a ``#``,
``*``, ``$``, ``[``, ``<label>``, ``@`` or backslash in any field prints as itself.

The compiler is asked for PDF/UA-1 (``pdf_standards=["ua-1"]``): a tagged PDF with ``/Lang``,
a displayed title, H1–H4, a tagged table of contents, every chart a Figure with its alt text,
table header cells repeated on each page, embedded fonts, and the PDF/UA identifier in the
XMP metadata; Typst refuses to write a document that breaks a rule it can check.

A node whose ``role`` holds ``screen-only`` (the reproducing command, the parameters) is left
out of the PDF; the HTML shows it.

Fonts are the bundled Fira Sans and, for signs Fira Sans lacks (✓ ✕ ↗ …), DejaVu Sans from
Debian's ``fonts-dejavu-core``; system fonts are ignored, so the output does not depend on
what the machine has installed. The document date and the creation timestamp are the last
day of the reporting quarter: the same input gives the same bytes.

JSON given to the template (schema :data:`~techmonitor.report.document.SCHEMA_VERSION`)::

    {"schema": 1, "mode": "report" | "appendix",
     "meta": {"title", "language", "author", "subject", "keywords": [...], "period_words",
              "appendix_line", "running", "date": [year, month, day]},
     "words": {"page", "of", "contents"},
     "parts": [{"title", "running", "language", "period_words",
                "front": <front node> | null, "body": [<section node>, ...],
                "sections_in_contents": true | false}]}

In the appendix a node may carry ``anchor`` (the name of a place said once, e.g. the national
part's method) and a paragraph ``ref`` (that name): the paragraph ends with the page number
of the place (:mod:`techmonitor.batch.shared`). A text with a reference phrase ("zie de
methode") carries ``xrefs`` and the section it points at ``target``
(:func:`techmonitor.report.xref.resolve`): the phrase becomes a link with the page.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import typst as _typst

from techmonitor import fmt
from techmonitor.errors import RenderError
from techmonitor.messages import msg
from techmonitor.periods import QUARTER_RE
from techmonitor.render.pdfcheck import split_document
from techmonitor.render.tablelayout import table_layout
from techmonitor.report import xref
from techmonitor.report.document import SCHEMA_VERSION, SCREEN_ONLY
from techmonitor.report.ids import SHARED_SECTIONS

log = logging.getLogger(__name__)

TEMPLATE_DIR = Path(str(files("techmonitor") / "render" / "typst"))
TEMPLATE = TEMPLATE_DIR / "report.typ"
FONT_DIRS: tuple[Path, ...] = (
    Path(str(files("techmonitor") / "render" / "static" / "fonts")),
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian fonts-dejavu-core: signs, monospace
)
LANGUAGES = ("nl", "en")
QUARTER_END = {"1": (3, 31), "2": (6, 30), "3": (9, 30), "4": (12, 31)}


@dataclass(frozen=True)
class PdfMeta:
    """Document metadata of one PDF.

    Parameters
    ----------
    title
        Document title (``/Title``, ``dc:title``; shown by viewers instead of the file name).
    language
        ``nl`` or ``en``: ``/Lang`` and the language of the labels ("pagina X van Y").
    author
        Author, the organisation from the params (``/Author``, cover page).
    subject
        Subject (``/Subject``), one sentence.
    keywords
        Keywords (``/Keywords``).
    period
        Reporting quarter like ``2023Q3``; the last day of the quarter becomes the fixed
        document date, so re-rendering gives the same bytes.
    appendix_line
        The cover line ``Bijlage bij …``.
    """

    title: str
    language: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    period: str
    appendix_line: str


@dataclass(frozen=True)
class AppendixPart:
    """One report inside the appendix.

    Parameters
    ----------
    report_id
        The report's id (``sector-energie``), named in error messages.
    title
        The report's title: its H1, its contents entry and (without the period) its running
        header.
    document
        The report's node dicts in reading order (:meth:`Node.to_json`), its Front first; the
        Front's facts and notice are printed, its contents list is not (the appendix has one).
    language
        ``nl`` or ``en``: the language of the report's text inside the appendix.
    sections_in_contents
        Whether the appendix's contents list this part's sections (the overview and the
        national part) or only its title (the sector and province parts, whose sections
        are the same in each; the PDF's bookmarks still hold every section).
    """

    report_id: str
    title: str
    document: list[dict[str, Any]]
    language: str
    sections_in_contents: bool = True


def render_report_pdf(document: list[dict[str, Any]], meta: PdfMeta) -> bytes:
    """Typeset one report as PDF/UA-1.

    Parameters
    ----------
    document
        The report's node dicts in reading order: its Front, then its sections.
    meta
        Title, language, author, period … of the PDF.

    Returns
    -------
    bytes
        The PDF: a cover (title, period, facts, organisation, appendix line), the contents,
        the sections; running header and "pagina X van Y" footer.

    Raises
    ------
    RenderError
        If the metadata or the document are invalid, or Typst cannot typeset the document.
    """
    check_meta(meta)
    front, body = split_document(document, "report")
    title = str(front["title"]) if front else meta.title
    [body] = xref.resolve([body], SHARED_SECTIONS, [title])
    part = _part(title, meta.language, front, body, meta.period)
    data = _data("report", meta, [part], running=part["running"])
    return _compile(data, meta, "the report")


def render_appendix_pdf(parts: Sequence[AppendixPart], meta: PdfMeta) -> bytes:
    """Typeset all reports as one PDF/UA-1 document, the appendix (bijlage).

    Parameters
    ----------
    parts
        The reports in the order they appear.
    meta
        The appendix's title, language, author, period …

    Returns
    -------
    bytes
        The PDF: one cover and one contents (each report and its sections), then each report
        from a new page (its title as H1, its facts and notice, its sections as H2), with
        bookmarks per report and section, the current report's title as running header and
        page numbers running through the whole document.

    Raises
    ------
    RenderError
        If there are no parts, a report is in it twice, the metadata or a part are invalid,
        or Typst cannot typeset the document.
    """
    check_meta(meta)
    if not parts:
        raise RenderError("appendix: no reports to put in it")
    seen: set[str] = set()
    for p in parts:
        if p.report_id in seen:
            raise RenderError(f"appendix: report {p.report_id} is in it twice: give each "
                              "report once")
        seen.add(p.report_id)
    split = []
    for p in parts:
        if p.language not in LANGUAGES:
            raise RenderError(f"appendix: report {p.report_id} has language {p.language!r}: "
                              f"use one of {', '.join(LANGUAGES)}")
        split.append(split_document(p.document, f"report {p.report_id}"))
    # "zie de methode" in a part whose method the appendix says once points at that place
    bodies = xref.resolve([body for _, body in split], SHARED_SECTIONS,
                          [f"appendix: report {p.report_id}" for p in parts])
    data_parts = [_part(p.title, p.language, front, body, meta.period, p.sections_in_contents)
                  for p, (front, _), body in zip(parts, split, bodies, strict=True)]
    data = _data("appendix", meta, data_parts, running=running_title(meta.title, meta.period,
                                                                     meta.language))
    return _compile(data, meta, "the appendix")


def period_date(period: str) -> _dt.date:
    """The fixed document date of a quarter: its last day, ``2023Q3`` → 2023-09-30.

    Raises
    ------
    RenderError
        If ``period`` is not a quarter like ``2023Q3``.
    """
    m = QUARTER_RE.match(period)
    if not m:
        raise RenderError(f"PdfMeta.period {period!r} is not a quarter: write it like 2023Q3")
    month, day = QUARTER_END[m.group(2)]
    return _dt.date(int(m.group(1)), month, day)


def check_meta(meta: PdfMeta) -> None:
    """Check a PDF's metadata: a supported language, a title, a quarter.

    Raises
    ------
    RenderError
        Naming the field and how to fix it.
    """
    if meta.language not in LANGUAGES:
        raise RenderError(f"PdfMeta.language {meta.language!r} is not supported: use one of "
                          f"{', '.join(LANGUAGES)}")
    if not meta.title.strip():
        raise RenderError("PdfMeta.title is empty: every PDF needs a meaningful title")
    period_date(meta.period)


def running_title(title: str, period: str, language: str) -> str:
    """The running header's title: ``title`` without its period words (shown at the right)."""
    suffix = ", " + fmt.quarter(period, language)  # type: ignore[arg-type]
    return title[: -len(suffix)] if title.endswith(suffix) and len(title) > len(suffix) else title


def _part(title: str, language: str, front: dict[str, Any] | None,
          body: list[dict[str, Any]], period: str, sections_in_contents: bool = True
          ) -> dict[str, Any]:
    return {"title": title, "running": running_title(title, period, language),
            "language": language, "period_words": fmt.quarter(period, language),  # type: ignore[arg-type]
            "front": front, "body": [_laid_out(node) for node in body if printed(node)],
            "sections_in_contents": sections_in_contents}


def printed(node: dict[str, Any]) -> bool:
    """Whether a node belongs in the PDF: not one whose ``role`` has :data:`SCREEN_ONLY`.

    Parliament's PDF carries the report, not the means to rebuild it: the report gives the
    command that reproduces it and its parameters that role, and they stay in the HTML and
    the open data.
    """
    return SCREEN_ONLY not in str(node.get("role", "")).split()


def _laid_out(node: dict[str, Any]) -> dict[str, Any]:
    """The node with every table's column widths and estimated height (``layout``, points),
    computed here rather than in the template's scripting language (see
    :mod:`techmonitor.render.tablelayout`); nodes not :func:`printed` left out."""
    if node.get("type") == "section":
        return {**node, "children": [_laid_out(c) for c in node.get("children", [])
                                     if printed(c)]}
    if node.get("type") != "table" or not node.get("columns"):
        return node
    texts = []
    for j, col in enumerate(node["columns"]):
        column = [f"{col['text']} ({col['unit']})" if col.get("unit") else col["text"]]
        for row in node["rows"]:
            cell = row[j]
            sign = cell.get("symbol", "")
            column.append(f"{sign}\u00a0{cell['text']}" if sign else cell["text"])
        texts.append(column)
    layout = table_layout(texts)
    return {**node, "layout": {"widths": None if layout.widths is None else list(layout.widths),
                               "height": None if layout.widths is None else layout.height}}


def _data(mode: str, meta: PdfMeta, parts: list[dict[str, Any]], *, running: str
          ) -> dict[str, Any]:
    date = period_date(meta.period)
    lang = meta.language
    return {
        "schema": SCHEMA_VERSION,
        "mode": mode,
        "meta": {"title": meta.title, "language": lang, "author": meta.author,
                 "subject": meta.subject, "keywords": list(meta.keywords),
                 "period_words": fmt.quarter(meta.period, lang),  # type: ignore[arg-type]
                 "appendix_line": meta.appendix_line, "running": running,
                 "date": [date.year, date.month, date.day]},
        "words": {"page": msg("pdf.page", lang), "of": msg("pdf.of", lang),
                  "contents": _contents_title(parts, lang) if mode == "report"
                  else msg("toc", lang)},
        "parts": parts,
    }


def _contents_title(parts: list[dict[str, Any]], lang: str) -> str:
    front = parts[0]["front"]
    if front and str(front.get("contents_title", "")).strip():
        return str(front["contents_title"])
    return msg("toc", lang)


@functools.cache
def _fonts() -> _typst.Fonts:
    """The fonts (loaded once per process): bundled Fira Sans, DejaVu, no system fonts."""
    dirs = [str(d) for d in FONT_DIRS if d.is_dir()]
    return _typst.Fonts(include_system_fonts=False, include_embedded_fonts=True,
                        font_paths=dirs)


def _compile(data: dict[str, Any], meta: PdfMeta, what: str) -> bytes:
    date = period_date(meta.period)
    stamp = _dt.datetime(date.year, date.month, date.day, 12, tzinfo=_dt.UTC)
    doc = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        pdf, warnings = _typst.compile_with_warnings(
            str(TEMPLATE), root=str(TEMPLATE_DIR), font_paths=_fonts(), ignore_system_fonts=True,
            sys_inputs={"doc": doc}, pdf_standards=["ua-1"], timestamp=stamp)
    except _typst.TypstError as exc:
        raise RenderError(f"Typst could not typeset {what}: {_one_line(exc)}") from exc
    except RuntimeError as exc:  # the binding's other failures
        raise RenderError(f"Typst could not typeset {what}: {exc}") from exc
    for warning in warnings:  # e.g. a layout that did not converge, a missing glyph
        log.warning("Typst, %s: %s", what, _one_line(warning))
    if not isinstance(pdf, bytes):
        raise RenderError(f"Typst returned no PDF for {what}")
    return pdf


def _one_line(exc: _typst.TypstError | _typst.TypstWarning) -> str:
    text = str(getattr(exc, "message", "") or exc)
    hints = [h for h in (getattr(exc, "hints", None) or []) if h]
    if hints:
        text += f" (hint: {hints[0]})"
    return " ".join(text.split())
