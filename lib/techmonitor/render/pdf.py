"""Report HTML → tagged, accessible PDF (PDF/UA-1) with WeasyPrint, and the quarterly appendix.

Two entry points, both returning PDF bytes (the batch writes them):

* :func:`render_report_pdf` prints one report page (as made by :mod:`techmonitor.render.html`)
  with a cover page, a table of contents with page numbers, running headers and footers.
* :func:`render_appendix_pdf` makes the appendix (bijlage) from the reports' PDFs: one cover,
  one table of contents (reports with their sections), then every report's cover and pages
  (its own contents page left out), a PDF outline per report and per section, and page
  numbers running through it all. The reports are not laid out again: their pages and
  structure trees are merged (:mod:`techmonitor.render.pdfpages`), which keeps one structure
  tree (see ``shared/notes/rendering-and-kernels.md``) at a fraction of the cost.

Page numbers ("pagina X van Y") are not part of the layout, so the same pages serve both
documents: they are printed as an overlay afterwards (:func:`_stamp_running`), together with
the running header (report title and period), from a small WeasyPrint document whose pages
carry only those texts (``print.css``, ``@page tm-header`` and ``tm-footer``), and marked as
pagination artifacts. In the appendix a report keeps its header; only its page numbers are
printed anew. (Laid out by WeasyPrint as margin boxes of the report itself, the running texts
were tagged content left outside the structure tree.)

Accessibility
-------------
WeasyPrint's ``pdf/ua-1`` variant writes a structure tree, ``/Lang``, ``DisplayDocTitle`` and
``pdfuaid:part=1``; it tags images as ``/Figure`` with their alt text as ``/Alt``, tables with
``TH``/``TD`` and header scope. An image without real alt text (nbconvert's placeholder
counts as none) or a chart without ``<title>``/``aria-label`` makes rendering fail with
:class:`~techmonitor.errors.RenderError`, as do WeasyPrint's own errors (unusable resources),
so a defect never reaches parliament silently.

Reproducibility
---------------
Creation and modification dates come from the period (the last day of the quarter), the PDF
``/ID`` is derived from the content (qpdf's deterministic id), and fonts are bundled with the
package (Fira Sans, OFL, ``static/fonts``; DejaVu Sans from Debian's ``fonts-dejavu-core`` for
chart text and symbols), so the same inputs give byte-identical PDFs, also in a fresh process.

Cost
----
About 0.1 s CPU per printed page (WeasyPrint 70: text layout, then ~0.06 s per chart for
drawing the SVG); the running texts add about 7 ms per page, and assembling the appendix from
the reports' PDFs takes about 7 s for the bundled batch (342 pages), most of it printing the
running texts.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import pikepdf
from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration

from techmonitor.errors import RenderError
from techmonitor.messages import msg
from techmonitor.render import pdfpages
from techmonitor.render.pdfpages import TOC_ANCHOR
from techmonitor.render.printcopy import (
    STATIC_DIR,
    PdfMeta,
    PrintCopy,
    appendix_front,
    check_meta,
    front_pages_estimate,
    period_date,
    period_words,
    report_copy,
    running_title,
    safe_id,
    serialise,
)

__all__ = ["AppendixPart", "PdfMeta", "period_date", "render_appendix_pdf", "render_report_pdf",
           "report_print_html", "serialise"]

PRINT_CSS_FILE = STATIC_DIR / "print.css"
PDF_VARIANT = "pdf/ua-1"


_WEASY_LOGGER = logging.getLogger("weasyprint")


@dataclass(frozen=True)
class AppendixPart:
    """One report in the appendix.

    Parameters
    ----------
    report_id
        Report id like ``sector-energie``; prefixes the report's named destinations.
    title
        Report title, used in the table of contents and the outline.
    pdf
        The report's PDF as made by :func:`render_report_pdf`.
    """

    report_id: str
    title: str
    pdf: bytes


# -- shared, expensive objects -----------------------------------------------------------------


class _Printer:
    """Parsed stylesheets and the font configuration, built once per process.

    WeasyPrint needs the ``FontConfiguration`` that parsed the ``@font-face`` rules again at
    render time, so both live together; a lock keeps two threads from sharing them at once.
    The pages' own stylesheets (the same ``report.css`` text in every report of a batch) are
    parsed once per distinct text.
    """

    def __init__(self) -> None:
        self.fonts = FontConfiguration()
        self.print = CSS(filename=str(PRINT_CSS_FILE), font_config=self.fonts)
        self.lock = threading.Lock()
        self._language: dict[str, CSS] = {}
        self._pages: dict[str, CSS] = {}

    def page_css(self, text: str) -> CSS:
        """A page's own ``<style>`` text, parsed once (a few distinct texts per process)."""
        if text not in self._pages:
            if len(self._pages) >= 32:
                self._pages.clear()
            self._pages[text] = CSS(string=text, base_url=str(STATIC_DIR),
                                    font_config=self.fonts)
        return self._pages[text]

    def sheets(self, copy: PrintCopy) -> list[CSS]:
        """Page styles first, then ``print.css``, which wins."""
        return [*(self.page_css(t) for t in copy.styles), self.print]


@lru_cache(maxsize=1)
def _printer() -> _Printer:
    return _Printer()


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return f'"{escaped}"'


# -- public API --------------------------------------------------------------------------------


def render_report_pdf(html: str, meta: PdfMeta) -> bytes:
    """Print one report page as a tagged PDF/UA-1 document.

    Parameters
    ----------
    html
        The report's full HTML page (from :func:`techmonitor.render.html.notebook_to_html`).
    meta
        Title, language, author, subject, keywords, period and the cover's appendix line.

    Returns
    -------
    bytes
        The PDF: cover page, table of contents with page numbers, the report; A4, running
        header (title and period) and footer ("pagina X van Y"), outline per section.

    Raises
    ------
    RenderError
        If ``meta`` is invalid, the page has no ``<main>``, or WeasyPrint fails or reports
        an accessibility defect (such as an image without alt text).
    """
    document, data = _print(report_copy(html, meta), meta)
    covers = _cover_pages(document, meta.title)
    numbered = list(range(covers, len(document.pages)))
    headers = [(i, running_title(meta.title, meta)) for i in numbered]
    try:
        pdf = pdfpages.open_pdf(data)
        # structure ids unique per report, so the appendix can merge them as they are
        pdfpages.add_id_tree(pdf, "r" + hashlib.sha256(meta.title.encode()).hexdigest()[:10])
        return _stamp_running(pdf, headers, numbered, len(document.pages), meta)
    except RenderError:
        raise
    except Exception as exc:  # pikepdf/qpdf errors: one clear error for the caller
        raise RenderError(f"PDF of {meta.title!r}: stamping the running texts failed: "
                          f"{exc}") from exc


def render_appendix_pdf(parts: Sequence[AppendixPart], meta: PdfMeta) -> bytes:
    """Make the quarter's appendix (bijlage): all reports in one tagged PDF/UA-1 document.

    Parameters
    ----------
    parts
        The reports in appendix order (national, then sectors, then provinces), each with
        the PDF :func:`render_report_pdf` made of it.
    meta
        Metadata of the appendix as a whole; ``meta.title`` is the cover title.

    Returns
    -------
    bytes
        The PDF: one cover, one table of contents (per report its sections, with page
        numbers), then per report its cover and its pages after its own contents page;
        outline entries per report (level 1) and per section (level 2); page numbers
        running through the whole appendix.

    Raises
    ------
    RenderError
        If there are no parts, two parts share a report id, a part's PDF was not made by
        :func:`render_report_pdf`, or printing the front matter fails.
    """
    check_meta(meta)
    if not parts:
        raise RenderError("appendix: no reports to print")
    seen: set[str] = set()
    for part in parts:
        if safe_id(part.report_id) in seen:
            raise RenderError(f"appendix: report {part.report_id!r} appears twice")
        seen.add(safe_id(part.report_id))
    try:
        return _appendix(parts, meta)
    except RenderError:
        raise
    except Exception as exc:  # pikepdf/qpdf errors: one clear error for the caller
        raise RenderError(f"appendix: merging the reports' PDFs failed: {exc}") from exc


def _appendix(parts: Sequence[AppendixPart], meta: PdfMeta) -> bytes:
    opened = [(safe_id(p.report_id), p.title, pdfpages.read_part(p.pdf, p.report_id))
              for p in parts]
    front_pages = front_pages_estimate(opened)
    for _ in range(4):  # the contents' own length shifts every number after it
        copy, plan = appendix_front(opened, meta, front_pages)
        document, data = _print(copy, meta)
        if len(document.pages) == front_pages:
            break
        front_pages = len(document.pages)
    else:
        raise RenderError("appendix: the contents pages do not settle on a page count")
    out = pdfpages.assemble_appendix(pdfpages.open_pdf(data), opened, plan)
    front = list(range(_cover_pages(document, meta.title), front_pages))
    headers = [(i, running_title(meta.title, meta)) for i in front]  # parts keep theirs
    numbered = front
    start = front_pages
    for _, _, part in opened:
        numbered += [start + k for k in range(len(part.covers), len(part.kept))]
        start += len(part.kept)
    return _stamp_running(out, headers, numbered, start, meta)


def report_print_html(html: str, meta: PdfMeta) -> str:
    """The print copy of one report: the HTML that :func:`render_report_pdf` gives WeasyPrint.

    The page's own styles are not in it: they are applied as stylesheets, before
    ``print.css``; the running header and footer are not in it either (see
    :func:`_stamp_running`).
    Useful to inspect what is printed.

    Raises
    ------
    RenderError
        If ``meta`` is invalid or the page has no ``<main>``.
    """
    return report_copy(html, meta).html


# -- printing ----------------------------------------------------------------------------------


class _Collect(logging.Handler):
    """Collects WeasyPrint's errors (unusable resources, missing alt text) during one render."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _drop_svg_style_noise(record: logging.LogRecord) -> bool:
    """Drop "Ignored `fill: …`, unknown property" warnings.

    WeasyPrint reads the ``style`` attributes of inline SVG elements as HTML CSS too and warns
    about every SVG property (matplotlib writes dozens per chart); its SVG renderer uses them
    all the same. Other warnings pass.
    """
    return not (record.levelno == logging.WARNING and "unknown property" in record.getMessage())


def _print(copy: PrintCopy, meta: PdfMeta,
           variant: str | None = PDF_VARIANT) -> tuple[Document, bytes]:
    """Lay out and write ``copy`` (tagged PDF unless ``variant`` is None).

    WeasyPrint's errors, raised or logged, become :class:`RenderError`.
    """
    printer = _printer()
    collect = _Collect()
    with printer.lock:
        _WEASY_LOGGER.addHandler(collect)
        _WEASY_LOGGER.addFilter(_drop_svg_style_noise)
        try:
            document = HTML(string=copy.html, base_url=str(STATIC_DIR)).render(
                stylesheets=printer.sheets(copy), font_config=printer.fonts,
                pdf_variant=variant,
            )
            pdf = document.write_pdf(pdf_variant=variant)
        except Exception as exc:  # WeasyPrint raises many types; one clear error for the caller
            raise RenderError(f"PDF rendering failed for {meta.title!r}: {exc}") from exc
        finally:
            _WEASY_LOGGER.removeFilter(_drop_svg_style_noise)
            _WEASY_LOGGER.removeHandler(collect)
    if collect.messages:
        raise RenderError(
            f"PDF rendering of {meta.title!r} reported problems: " + "; ".join(collect.messages)
        )
    if not isinstance(pdf, bytes):
        raise RenderError(f"PDF rendering failed for {meta.title!r}: WeasyPrint returned no bytes")
    return document, pdf


def _cover_pages(document: Document, what: str) -> int:
    """Number of pages before the contents (the cover, printed without page number)."""
    for i, page in enumerate(document.pages):
        if TOC_ANCHOR in page.anchors:
            return i
    raise RenderError(f"PDF of {what!r}: the contents heading ({TOC_ANCHOR}) was not printed")


def footer_text(number: int, total: int, language: str) -> str:
    """The footer of page ``number`` of ``total``: "pagina 3 van 32" / "page 3 of 32"."""
    return f"{msg('pdf.page', language)} {number} {msg('pdf.of', language)} {total}"


def _stamp_running(pdf: pikepdf.Pdf, headers: Sequence[tuple[int, str]],
                   numbered: Sequence[int], total: int, meta: PdfMeta) -> bytes:
    """Print running headers and footers on pages of ``pdf``; return its bytes.

    ``headers`` holds ``(page index, running title)``: the header shows the title and the
    period. ``numbered`` lists the pages that get the footer "pagina X van Y", X the page's
    number and Y ``total``. The texts are laid out by WeasyPrint with ``print.css`` (``@page
    tm-header``, ``@page tm-footer``: only those margin boxes), one page per distinct header
    and one per footer, and drawn over the pages as pagination artifacts
    (:func:`pdfpages.stamp_running`). Cover pages get neither.
    """
    titles = list(dict.fromkeys(title for _, title in headers))
    if titles or numbered:
        period = html_lib.escape(period_words(meta))
        page_divs = "".join(
            f'<div class="tm-header-page" data-title="{html_lib.escape(title)}" '
            f'data-period="{period}"></div>' for title in titles
        ) + "".join(
            f'<div class="tm-footer-page" data-footer="'
            f'{html_lib.escape(footer_text(i + 1, total, meta.language))}"></div>'
            for i in numbered
        )
        html = f'<!DOCTYPE html><html lang="{meta.language}"><body>{page_divs}</body></html>'
        # untagged: the overlay's content becomes an artifact of the page it is drawn on
        _, data = _print(PrintCopy(html, ()), meta, variant=None)
        source = {title: k for k, title in enumerate(titles)}
        placements = [(i, source[title], pdfpages.HEADER) for i, title in headers]
        placements += [(i, len(titles) + k, pdfpages.FOOTER) for k, i in enumerate(numbered)]
        pdfpages.stamp_running(pdf, pdfpages.open_pdf(data), placements)
    return pdfpages.save_pdf(pdf)
