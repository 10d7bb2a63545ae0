"""The print copy: a report page's HTML → the HTML document WeasyPrint prints.

:mod:`techmonitor.render.pdf` prints what this module builds: :func:`report_copy` for one
report, :func:`appendix_front` for the appendix's cover and contents.

How the print copy is made
--------------------------
The page is parsed with ``tinyhtml5`` (WeasyPrint's own HTML parser), changed as an element
tree and serialised again:

* the title block moves onto a cover page; a table of contents is built from the
  ``<section id>``/``<h2>`` structure (the report's own linked contents list is hidden in
  print); the document metadata is written into ``<head>``; ``<main>`` gets the id
  ``tm-body`` and the contents heading ``tm-toc-h``, so the appendix can find the report's
  contents pages in its PDF;
* every inline SVG chart becomes ``<img src="data:image/svg+xml;base64,…" alt="…">`` with the
  chart's ``<title>`` as alt text (see :func:`_chart_image`: WeasyPrint otherwise cascades the
  HTML stylesheets over every SVG node, which made printing a report ~3× slower);
* tables too long for one page get class ``tm-long`` (they may break between rows, header
  repeated); all others are kept whole; a heading is wrapped with the block after it so it
  is never left alone at the bottom of a page.

The page's own ``<style>`` blocks are applied as (cached) stylesheets before ``print.css``;
left in the document they would outrank ``print.css``.

Document metadata
-----------------
:class:`PdfMeta` holds a PDF's title, language, author, subject, keywords and period; the
period's last day becomes its fixed creation and modification date (:func:`period_date`), so
re-printing gives the same bytes.
"""

from __future__ import annotations

import base64
import html as html_lib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from xml.etree.ElementTree import XML, Element, ParseError, SubElement

import tinyhtml5
from pikepdf import Name
from tinyhtml5.constants import adjust_svg_attributes

from techmonitor import fmt
from techmonitor.errors import RenderError
from techmonitor.messages import msg
from techmonitor.periods import QUARTER_RE
from techmonitor.render import pdfpages
from techmonitor.render.pdfpages import BODY_ANCHOR, GOTO_SCHEME, TOC_ANCHOR

STATIC_DIR = Path(str(files("techmonitor") / "render" / "static"))
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XMLNS_NS = "http://www.w3.org/2000/xmlns/"
_PREFIXES = {SVG_NS: "", XLINK_NS: "xlink:", XML_NS: "xml:", XMLNS_NS: "xmlns:"}
LANGUAGES = ("nl", "en")
QUARTER_END = {"1": "03-31", "2": "06-30", "3": "09-30", "4": "12-31"}
_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)
_RAW_TEXT = frozenset({"style", "script"})
_SVG_BLOCK = re.compile(r"<svg\b.*?</svg\s*>", re.DOTALL | re.IGNORECASE)
_CHART_ATTR = "data-tm-chart"
_SVG_TAG = re.compile(r"<(/?)([A-Za-z][\w.:-]*)([^<>]*)")
_SVG_ATTR = re.compile(r"(\s)([A-Za-z][\w.:-]*)=")
SVG_ATTRIBUTE_CASE: dict[str, str] = dict(adjust_svg_attributes)
SVG_TAG_CASE: dict[str, str] = {
    name.lower(): name
    for name in (
        "altGlyph altGlyphDef altGlyphItem animateColor animateMotion animateTransform "
        "clipPath feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix "
        "feDiffuseLighting feDisplacementMap feDistantLight feFlood feFuncA feFuncB feFuncG "
        "feFuncR feGaussianBlur feImage feMerge feMergeNode feMorphology feOffset "
        "fePointLight feSpecularLighting feSpotLight feTile feTurbulence foreignObject "
        "glyphRef linearGradient radialGradient textPath"
    ).split()
}
LONG_TABLE_LINES = 40  # printed lines of a table that still fit on one page with room to spare
TABLE_LINE_CHARS = 110  # characters of table text across the A4 text width at 8.5 pt
NBCONVERT_PLACEHOLDER_ALT = "No description has been provided for this image"


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
        creation and modification date, so re-rendering gives the same bytes.
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
class PrintCopy:
    """The HTML WeasyPrint prints and the page styles to apply before ``print.css``."""

    html: str
    styles: tuple[str, ...]


def report_copy(html: str, meta: PdfMeta) -> PrintCopy:
    check_meta(meta)
    root = _parse(html)
    main = _find_main(root, "report")
    _mark_body(main)
    title_block = _take_title_block(main)
    entries = _section_entries(main)

    doc, _, body = _new_document(meta)
    styles: list[str] = []
    _page_styles(root, styles)
    body.set("class", "tm-print tm-single")
    _cover(body, meta, title_block, cls="tm-cover")
    toc = _toc_nav(body, meta)
    ol = SubElement(toc, "ol", {"class": "tm-toc-sections"})
    for anchor, text in entries:
        _toc_item(ol, anchor, text)
    body.append(main)
    return PrintCopy(_serialise_document(doc), tuple(styles))


TOC_LINE_MM = 5.8  # one contents line in print.css (9–9.5 pt text, padding, rule)


TOC_PAGE_MM = 240.0  # usable height of a contents page (A4 less margins and heading)


def front_pages_estimate(parts: Sequence[tuple[str, str, pdfpages.PartPdf]]) -> int:
    """Cover plus the contents pages the entries will probably need (saves a re-print)."""
    lines = sum(1 + len(part.sections) for _, _, part in parts)
    return 1 + max(1, math.ceil((lines * TOC_LINE_MM + len(parts) * 3.2) / TOC_PAGE_MM))


def appendix_front(parts: Sequence[tuple[str, str, pdfpages.PartPdf]], meta: PdfMeta,
                    front_pages: int) -> tuple[PrintCopy, pdfpages.AppendixPlan]:
    """Cover and contents of the appendix, with the page numbers the parts will get.

    The parts follow the ``front_pages`` pages of this front matter; their page numbers are
    written out, and each contents link is a ``tm-goto:<n>`` URI that
    :func:`techmonitor.render.pdfpages.assemble_appendix` turns into a destination.
    """
    doc, _, body = _new_document(meta)
    body.set("class", "tm-print tm-appendix")
    _cover(body, meta, None, cls="tm-cover tm-appendix-cover")
    toc = _toc_nav(body, meta)
    toc_list = SubElement(toc, "ol", {"class": "tm-toc-reports"})
    targets: list[tuple[int, tuple[object, ...], str]] = []

    def entry(parent: Element, text: str, page: int, view: tuple[object, ...]) -> None:
        _toc_line(parent, f"{GOTO_SCHEME}{len(targets)}", text, str(page + 1))
        targets.append((page, view, text))

    start = front_pages
    for _, title, part in parts:
        item = SubElement(toc_list, "li", {"class": "tm-toc-report"})
        entry(item, title, start, (Name.Fit,))
        if part.sections:
            where = {old: start + k for k, old in enumerate(part.kept)}
            sub = SubElement(item, "ol", {"class": "tm-toc-sections"})
            for section in part.sections:
                entry(SubElement(sub, "li"), section.title, where[section.page], section.view)
        start += len(part.kept)
    plan = pdfpages.AppendixPlan(front_pages=front_pages, targets=targets)  # type: ignore[arg-type]
    # the reports' screen styles (headings, colours) under print.css, as in a report's PDF
    styles = ((STATIC_DIR / "report.css").read_text(encoding="utf-8"),)
    return PrintCopy(_serialise_document(doc), styles), plan


def period_date(period: str) -> str:
    """The fixed document date of a quarter: its last day, ``2023Q3`` → ``2023-09-30T12:00:00Z``.

    Raises
    ------
    RenderError
        If ``period`` is not a quarter like ``2023Q3``.
    """
    m = QUARTER_RE.match(period)
    if not m:
        raise RenderError(f"PdfMeta.period {period!r} is not a quarter: write it like 2023Q3")
    return f"{m.group(1)}-{QUARTER_END[m.group(2)]}T12:00:00Z"


def check_meta(meta: PdfMeta) -> None:
    if meta.language not in LANGUAGES:
        raise RenderError(
            f"PdfMeta.language {meta.language!r} is not supported: use one of "
            f"{', '.join(LANGUAGES)}"
        )
    if not meta.title.strip():
        raise RenderError("PdfMeta.title is empty: every PDF needs a meaningful title")
    period_date(meta.period)


def period_words(meta: PdfMeta) -> str:
    # the same words as the report title (fmt.quarter), so the running header can drop them
    return fmt.quarter(meta.period, meta.language)  # type: ignore[arg-type]


def running_title(title: str, meta: PdfMeta) -> str:
    """The running header's title: ``title`` without the period words (shown at the right)."""
    suffix = ", " + period_words(meta)
    return title[: -len(suffix)] if title.endswith(suffix) else title


def _parse(page: str) -> Element:
    """Parse a report page, with its SVG charts turned into images (see :func:`_chart_image`)."""
    lifted: list[str] = []

    def lift(match: re.Match[str]) -> str:
        lifted.append(match.group(0))
        return f'<img {_CHART_ATTR}="{len(lifted) - 1}">'

    root: Element = tinyhtml5.parse(_SVG_BLOCK.sub(lift, page), namespace_html_elements=False)
    for parent in list(root.iter()):
        for index, child in enumerate(list(parent)):
            number = child.get(_CHART_ATTR) if child.tag == "img" else None
            if number is not None:
                replacement = _chart_image(lifted[int(number)])
                replacement.tail = child.tail
                parent.remove(child)
                parent.insert(index, replacement)
    return root


def _chart_image(svg: str) -> Element:
    """An inline ``<svg>`` chart as ``<img src="data:image/svg+xml;base64,…" alt="…">``.

    The chart looks the same, but WeasyPrint then treats it as one image: it does not cascade
    the HTML stylesheets over thousands of SVG nodes (the slowest part of printing a report
    with charts, and a warning for every SVG property), its internal ids cannot clash with
    those of other reports in the appendix, and the tagged PDF gets a /Figure with the alt
    text from the chart's ``<title>`` (or ``aria-label``). An SVG that is not well-formed XML
    stays inline.
    """
    svg = _svg_case(svg)
    try:
        tree = XML(svg)
    except ParseError:
        fallback: Element = tinyhtml5.parse(
            f"<body>{svg}</body>", namespace_html_elements=False
        ).find(f".//{{{SVG_NS}}}svg")
        return fallback
    title = tree.find(f"{{{SVG_NS}}}title")
    alt = " ".join("".join(title.itertext()).split()) if title is not None else ""
    alt = alt or (tree.get("aria-label") or "").strip()
    data = base64.b64encode(_with_size(svg, tree).encode("utf-8")).decode("ascii")
    classes = " ".join(["tm-chart", *(tree.get("class") or "").split()])
    return Element("img", {"src": f"data:image/svg+xml;base64,{data}", "alt": alt,
                           "class": classes})


def _svg_case(svg: str) -> str:
    """Restore the camelCase SVG names an HTML serialiser may have lower-cased.

    Inline in HTML, ``viewbox`` and ``<clippath>`` are fine (the HTML parser fixes their
    case); in a standalone SVG image (XML) they would be unknown, and the chart would lose
    its scaling and clipping. Only names inside tags are touched, never text.
    """

    def fix_attr(match: re.Match[str]) -> str:
        name = match.group(2)
        return match.group(1) + SVG_ATTRIBUTE_CASE.get(name.lower(), name) + "="

    def fix_tag(match: re.Match[str]) -> str:
        slash, name, rest = match.group(1), match.group(2), match.group(3)
        return f"<{slash}{SVG_TAG_CASE.get(name.lower(), name)}{_SVG_ATTR.sub(fix_attr, rest)}"

    return _SVG_TAG.sub(fix_tag, svg)


def _with_size(svg: str, tree: Element) -> str:
    """Give the SVG ``width``/``height`` again if it lacks them: its viewBox size.

    :func:`techmonitor.blocks.figure` renames them to ``data-width``/``data-height`` so CSS
    sizes the inline chart; as a standalone image the SVG needs them for its intrinsic size
    (without, WeasyPrint draws it in a 300×150 viewport and cuts it off). Unitless viewBox
    numbers are used, not the ``pt`` sizes: with those WeasyPrint scales the drawing by 3/4
    inside its box.
    """
    if tree.get("width") and tree.get("height"):
        return svg
    box = (tree.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        width, height = box[2], box[3]
    else:
        width, height = tree.get("data-width") or "", tree.get("data-height") or ""
        if not (width and height):
            return svg
    start = svg.find("<svg") + len("<svg")
    size = f' width="{html_lib.escape(width)}" height="{html_lib.escape(height)}"'
    return svg[:start] + size + svg[start:]


def _find_main(root: Element, what: str) -> Element:
    main = root.find(".//main")
    if main is None:
        raise RenderError(f"{what}: the HTML page has no <main> element to print")
    return main


def _mark_body(main: Element) -> None:
    """Give ``<main>`` the id ``tm-body`` (links to its old id follow), the appendix's mark."""
    old = main.get("id")
    main.set("id", BODY_ANCHOR)
    if old and old != BODY_ANCHOR:
        for el in main.iter():
            if el.get("href") == f"#{old}":
                el.set("href", f"#{BODY_ANCHOR}")


def _take_title_block(main: Element) -> Element | None:
    """Remove and return the report's ``<header class="title-block">`` (it goes on the cover)."""
    for parent in main.iter():
        for child in list(parent):
            if child.tag == "header" and "title-block" in (child.get("class") or "").split():
                child.tail = None
                parent.remove(child)
                return child
    return None


def _text(el: Element) -> str:
    return " ".join("".join(el.itertext()).split())


def _section_entries(container: Element) -> list[tuple[str, str]]:
    """``(id, heading text)`` of every ``<section id>`` whose heading is an ``<h2>``."""
    entries = []
    for section in container.iter("section"):
        anchor = section.get("id")
        heading = next((c for c in section if c.tag == "h2"), None)
        if anchor and heading is not None:
            entries.append((anchor, _text(heading)))
    return entries


def _new_document(meta: PdfMeta) -> tuple[Element, Element, Element]:
    """An empty ``<html>`` with the metadata WeasyPrint copies into the PDF."""
    doc = Element("html", {"lang": meta.language})
    head = SubElement(doc, "head")
    SubElement(head, "meta", {"charset": "utf-8"})
    SubElement(head, "title").text = meta.title
    date = period_date(meta.period)
    for name, content in (
        ("author", meta.author),
        ("description", meta.subject),
        ("keywords", ", ".join(meta.keywords)),
        ("generator", "Techniek Monitor"),
        ("dcterms.created", date),
        ("dcterms.modified", date),
    ):
        if content:
            SubElement(head, "meta", {"name": name, "content": content})
    body = SubElement(doc, "body")
    return doc, head, body


def _mark_long_tables(tree: Element) -> None:
    """Class ``tm-long`` on tables too long to keep on one page, and on their wrapper.

    ``print.css`` keeps tables whole (``break-inside: avoid``); for a table longer than a page
    that only wastes the rest of the page (and WeasyPrint then leaves its caption or heading
    behind), so those may break between rows, repeating their header. The height is
    estimated in printed lines: per row the longest cell, wrapped at an equal share of
    :data:`TABLE_LINE_CHARS` characters per column.
    """
    for parent in tree.iter():
        for child in parent:
            if child.tag == "table" and _table_lines(child) > LONG_TABLE_LINES:
                for el in (child, parent):
                    if el is child or "table-wrap" in (el.get("class") or "").split():
                        el.set("class", " ".join([*(el.get("class") or "").split(), "tm-long"]))


def _table_lines(table: Element) -> int:
    rows = [[_text(c) for c in tr if c.tag in ("td", "th")] for tr in table.iter("tr")]
    columns = max((len(r) for r in rows), default=1) or 1
    width = max(8, TABLE_LINE_CHARS // columns)
    return sum(max([1, *(-(-len(cell) // width) for cell in row)]) for row in rows)


def _keep_headings_with_next(tree: Element) -> None:
    """Wrap each heading (and headings right after it) with the next block in a ``tm-keep`` div.

    ``break-after: avoid`` on the heading is not enough in WeasyPrint: when the next block is
    a table or figure that must not be cut and does not fit, it moves alone and leaves the
    heading at the bottom of the page. The wrapper (``break-inside: avoid``) moves both.
    Tables that may break anyway (``tm-long``) are left alone.
    """
    headings = {"h2", "h3", "h4", "h5", "h6"}
    for parent in list(tree.iter()):
        children = list(parent)
        i = 0
        while i < len(children):
            if children[i].tag not in headings:
                i += 1
                continue
            j = i
            while j + 1 < len(children) and children[j + 1].tag in headings:
                j += 1
            nxt = children[j + 1] if j + 1 < len(children) else None
            if nxt is None or not _keepable(nxt):
                i = j + 1
                continue
            group = children[i : j + 2]
            wrapper = Element("div", {"class": "tm-keep"})
            position = list(parent).index(group[0])
            for el in group:
                parent.remove(el)
                wrapper.append(el)
            wrapper.tail, group[-1].tail = group[-1].tail, None
            parent.insert(position, wrapper)
            i = j + 2


def _keepable(el: Element) -> bool:
    """A block small enough to move to the next page together with its heading."""
    if not isinstance(el.tag, str):
        return False
    classes = set((el.get("class") or "").split())
    if "tm-long" in classes:
        return False
    if el.tag in ("p", "figure", "table", "ul", "dl", "blockquote"):
        return True
    return el.tag == "div" and bool(classes & {"table-wrap", "chart-figure", "callout"})


def _page_styles(root: Element, found: list[str]) -> None:
    """Collect the page's ``<style>`` texts into ``found`` (in order, without repeats).

    They are printed as pre-parsed stylesheets placed *before* ``print.css`` (see
    :meth:`_Printer.sheets`), not left in the document: WeasyPrint ranks a document's own
    ``<style>`` above every stylesheet passed to it, so ``print.css`` could not override it.
    """
    for style in root.iter("style"):
        text = (style.text or "").strip()
        if text and text not in found:
            found.append(text)


def _cover(body: Element, meta: PdfMeta, title_block: Element | None, *, cls: str) -> None:
    cover = SubElement(body, "div", {"class": cls})
    if meta.appendix_line:
        SubElement(cover, "p", {"class": "tm-cover-appendix"}).text = meta.appendix_line
    if title_block is None:
        title_block = Element("header", {"class": "title-block"})
        SubElement(title_block, "h1").text = meta.title
    cover.append(title_block)
    heading = title_block.find(".//h1")
    if heading is None or period_words(meta) not in _text(heading):
        SubElement(cover, "p", {"class": "tm-cover-period"}).text = period_words(meta)
    if meta.author:
        SubElement(cover, "p", {"class": "tm-cover-org"}).text = meta.author


def _toc_nav(body: Element, meta: PdfMeta) -> Element:
    nav = SubElement(body, "nav", {"class": "tm-toc", "aria-labelledby": TOC_ANCHOR})
    SubElement(nav, "h2", {"id": TOC_ANCHOR}).text = msg("toc", meta.language)
    return nav


def _toc_line(parent: Element, href: str, text: str, page: str | None = None) -> None:
    """One contents line: the linked text, then its page number at the right.

    The number is outside the link (one link per entry, read before its number); without
    ``page`` it is ``target-counter`` of ``data-href`` (print.css), else the number given.
    """
    line = SubElement(parent, "div", {"class": "tm-toc-line"})
    SubElement(line, "a", {"href": href}).text = text
    number = SubElement(line, "span", {"class": "tm-toc-page"})
    if page is None:
        number.set("data-href", href)
    else:
        number.text = page


def _toc_item(ol: Element, anchor: str, text: str) -> None:
    _toc_line(SubElement(ol, "li"), f"#{anchor}", text)


def safe_id(report_id: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", report_id).strip("-")
    return cleaned if cleaned and cleaned[0].isalpha() else f"r-{cleaned}"


def _ensure_svg_titles(tree: Element) -> None:
    """Give an ``<svg role="img" aria-label>`` without ``<title>`` one (WeasyPrint's /Alt)."""
    for svg in tree.iter(f"{{{SVG_NS}}}svg"):
        label = svg.get("aria-label")
        if label and svg.find(f"{{{SVG_NS}}}title") is None:
            title = Element(f"{{{SVG_NS}}}title")
            title.text = label
            svg.insert(0, title)


def _name(tag: str) -> str:
    if tag.startswith("{"):
        ns, local = tag[1:].split("}", 1)
        return _PREFIXES.get(ns, "") + local
    return tag


def _serialise(el: Element, out: list[str]) -> None:
    tag = el.tag
    if not isinstance(tag, str):  # comments and processing instructions
        if el.tail:
            out.append(html_lib.escape(el.tail, quote=False))
        return
    name = _name(tag)
    foreign = tag.startswith("{")
    attrs = "".join(
        f' {_name(k)}="{html_lib.escape(v, quote=True)}"' for k, v in el.attrib.items()
    )
    out.append(f"<{name}{attrs}>")
    if not foreign and name in _VOID:
        if el.tail:
            out.append(html_lib.escape(el.tail, quote=False))
        return
    if el.text:
        raw = not foreign and name in _RAW_TEXT
        out.append(el.text if raw else html_lib.escape(el.text, quote=False))
    for child in el:
        _serialise(child, out)
    out.append(f"</{name}>")
    if el.tail:
        out.append(html_lib.escape(el.tail, quote=False))


def serialise(doc: Element) -> str:
    """Serialise an element tree from :mod:`tinyhtml5` back to HTML text.

    SVG elements lose their namespace prefix (the HTML parser puts them back in the SVG
    namespace and restores the case of names like ``viewBox``); ``xlink:`` attributes keep
    theirs. Comments are dropped.
    """
    out = ["<!DOCTYPE html>\n"]
    _serialise(doc, out)
    return "".join(out)


def _check_alt(doc: Element) -> None:
    """Every image and chart needs real alt text (nbconvert's placeholder is not)."""
    problems = []
    for img in doc.iter("img"):
        alt = (img.get("alt") or "").strip()
        if not alt or alt == NBCONVERT_PLACEHOLDER_ALT:
            src = img.get("src") or "?"
            problems.append(f"<img src={src[:40]!r}> has no alt text")
    for svg in _outer_svgs(doc):
        title = svg.find(f"{{{SVG_NS}}}title")
        if title is None or not "".join(title.itertext()).strip():
            problems.append("an <svg> chart has neither <title> nor aria-label")
    if problems:
        raise RenderError(
            "PDF needs alt text on every image and chart (emit charts with "
            "techmonitor.charts.emit): " + "; ".join(problems)
        )


def _outer_svgs(doc: Element) -> list[Element]:
    tag = f"{{{SVG_NS}}}svg"
    inner = {id(s) for outer in doc.iter(tag) for s in outer.iter(tag) if s is not outer}
    return [s for s in doc.iter(tag) if id(s) not in inner]


def _serialise_document(doc: Element) -> str:
    _ensure_svg_titles(doc)
    _mark_long_tables(doc)
    _keep_headings_with_next(doc)
    _check_alt(doc)
    return serialise(doc)

