"""The PDFs parliament gets, read back: three real reports and the appendix of the three.

The reports are built on the bundled data without a kernel (``tests/report_helpers.py``):
``national-nl``, ``sector-energie`` and ``region-utrecht`` in English. Each PDF is typeset
once per test process, as the worker does it (the notebook's documents through Typst), and the
appendix puts the three together as the batch does (method and measures once, in the
national part). Every assertion opens a PDF: pikepdf for
the structure tree, metadata, outline, fonts and content streams, pypdf for the text of each
page. Key figures are computed here from the report context and formatted by hand (Dutch:
thousands separator '.', decimal comma), independently of ``techmonitor.fmt``.

Ported from the WeasyPrint test module. Left out, because the machinery they checked no longer
exists: the running header and footer stamped on as form XObjects and taken off again for the
appendix (``pdfpages``), the merged structure trees and IDTrees of report PDFs put together
into the appendix (header-cell ids per report, ``/Part`` per report, prefixed destinations),
the repair of lower-cased SVG names in serialised HTML, the inline fallback for an SVG that is
not XML (now a clear error), foreign PDFs as appendix parts, and the ``tm-long`` class on
long tables.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pikepdf
import pytest
import yaml
from pypdf import PdfReader
from techmonitor.batch.shared import shared_once
from techmonitor.errors import RenderError
from techmonitor.render.typst import (
    AppendixPart,
    PdfMeta,
    period_date,
    render_appendix_pdf,
    render_report_pdf,
)
from techmonitor.report import Report
from techmonitor.report import document as d
from techmonitor.titles import report_title
from techmonitor.worker import appendix_meta, pdf_meta

from .report_helpers import shared_documents, shared_pdf, shared_report

REPORTS = {
    "national-nl": ("national.yaml", {}),
    "sector-energie": ("sectors/energie.yaml", {}),
    "region-utrecht": ("regions/utrecht.yaml", {"language": "en"}),
}
PERIOD = "2023Q3"
PERIOD_WORDS = {"nl": "3e kwartaal 2023", "en": "3rd quarter 2023"}
PAGE_OF = {"nl": "pagina {} van {}", "en": "page {} of {}"}
CONTENTS = {"nl": "Inhoud", "en": "Contents"}
APPENDIX_TITLE = "Techniek Monitor – bijlage, 3e kwartaal 2023"

MM = 72 / 25.4
A4_HEIGHT = 297 * MM
TOP_MARGIN = 24 * MM  # report.typ: page margins
BOTTOM_MARGIN = 20 * MM
LONG_TABLE_ROWS = 12  # a table of this many rows or fewer is printed whole on one page


# -- numbers written out by hand -------------------------------------------------------------


def nl_int(n: int) -> str:
    """Dutch thousands separator, written out by hand: 20087 -> '20.087'."""
    digits = str(abs(n))
    groups = []
    while digits:
        groups.append(digits[-3:])
        digits = digits[:-3]
    return ("-" if n < 0 else "") + ".".join(reversed(groups))


def rounded(x: float, decimals: int) -> Decimal:
    """Half away from zero, on the decimal the reader sees (2.675 -> 2.68)."""
    return Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def key_figure(value: float, share: bool, language: str) -> str:
    """A count as a whole number with thousands separators, a share with one decimal and %."""
    if share:
        whole, _, frac = str(rounded(value, 1)).partition(".")
        return f"{whole}{',' if language == 'nl' else '.'}{frac}%"
    text = nl_int(int(rounded(value, 0)))
    return text if language == "nl" else text.replace(".", ",")


# -- the reports, built once -------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    """One report as the batch makes it: its context, its documents, its PDF."""

    rid: str
    report: Report
    documents: list[dict[str, Any]]
    meta: PdfMeta
    pdf: bytes

    @property
    def language(self) -> str:
        return str(self.report.params.language)

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def front(self) -> dict[str, Any]:
        (front,) = [n for n in self.documents if n["type"] == "front"]
        return front

    @property
    def sections(self) -> list[str]:
        """The section titles in reading order (the contents the report promises)."""
        return [n["title"] for n in self.documents if n["type"] == "section"]


@dataclass(frozen=True)
class Appendix:
    """The appendix of the three reports."""

    parts: list[AppendixPart]
    built: list[Built]
    meta: PdfMeta
    pdf: bytes


def build(rid: str) -> Built:
    params_file, overrides = REPORTS[rid]
    report = shared_report(params_file, **overrides)
    assert report.params.report_id == rid and report.params.period == PERIOD
    documents = shared_documents(params_file, **overrides)
    meta = pdf_meta(report.params, report_title(report.params))
    return Built(rid, report, documents, meta, shared_pdf(params_file, **overrides))


@pytest.fixture(scope="module")
def reports() -> dict[str, Built]:
    return {rid: build(rid) for rid in REPORTS}


@pytest.fixture(scope="module", params=list(REPORTS))
def one(request: pytest.FixtureRequest, reports: dict[str, Built]) -> Built:
    """Each of the three reports in turn."""
    return reports[request.param]


@pytest.fixture(scope="module")
def national(reports: dict[str, Built]) -> Built:
    return reports["national-nl"]


@pytest.fixture(scope="module")
def english(reports: dict[str, Built]) -> Built:
    return reports["region-utrecht"]


@pytest.fixture(scope="module")
def appendix(reports: dict[str, Built]) -> Appendix:
    built = list(reports.values())
    # as the batch does: method and measures said once, in the national part
    parts = [AppendixPart(b.rid, b.title,
                          shared_once(b.documents, national=b.report.params.kind == "national",
                                      lang=b.report.params.language, has_national=True),
                          b.language) for b in built]
    meta = appendix_meta(reports["national-nl"].report.params)
    return Appendix(parts, built, meta, render_appendix_pdf(parts, meta))


# -- the document model ------------------------------------------------------------------------


def nodes_of(documents: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """Every node of one type, in reading order (through the sections' children)."""
    out: list[dict[str, Any]] = []
    stack = list(reversed(documents))
    while stack:
        node = stack.pop()
        if node["type"] == kind:
            out.append(node)
        stack.extend(reversed(node.get("children", [])))
    return out


SCREEN_ONLY = "screen-only"  # role token of a node shown in the HTML and left out of the PDF


def screen_only(node: dict[str, Any]) -> bool:
    return SCREEN_ONLY in str(node.get("role", "")).split()


def printed_nodes_of(documents: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """Every node of one type that parliament's PDF carries: :func:`nodes_of` without the
    screen-only nodes (the reproducing command, the parameters) and what is under them."""
    out: list[dict[str, Any]] = []
    stack = list(reversed(documents))
    while stack:
        node = stack.pop()
        if screen_only(node):
            continue
        if node["type"] == kind:
            out.append(node)
        stack.extend(reversed(node.get("children", [])))
    return out


# -- helpers that read PDFs --------------------------------------------------------------------


def fold(text: str) -> str:
    return " ".join(text.split())


@functools.lru_cache(maxsize=8)
def page_lines(data: bytes) -> tuple[tuple[str, ...], ...]:
    """The text lines of every page (pypdf); cached, extraction is the slow part."""
    reader = PdfReader(io.BytesIO(data))
    return tuple(tuple((p.extract_text() or "").splitlines()) for p in reader.pages)


def page_texts(data: bytes) -> list[str]:
    """Text per page, whitespace (line breaks) folded to single spaces.

    A line that ends in a hyphen right after a non-space joins the next line without a
    space: automatic hyphenation is off, so Typst breaks only after the text's own hyphens
    (``Techniekpact-`` / ``afbakening``, ``95%-`` / ``interval``) and the hyphen belongs to
    the word (after a letter or after a sign such as ``%``).
    """
    out = []
    for lines in page_lines(data):
        text = ""
        for line in lines:
            line = line.strip()
            glue = "" if re.search(r"\S-$", text) else " "
            text = f"{text}{glue}{line}" if text else line
        out.append(fold(text))
    return out


def body_text(data: bytes) -> str:
    """All pages' text without the running header and footer, folded: what a paragraph
    that crosses a page break reads as (the first and last line of a numbered page are
    the running texts; the cover has none)."""
    pages = []
    for lines in page_lines(data):
        if lines and re.fullmatch(r"(pagina|page) \d+ (van|of) \d+", lines[-1].strip()):
            lines = lines[1:-1]
        text = ""
        for line in lines:
            line = line.strip()
            glue = "" if re.search(r"\S-$", text) else " "
            text = f"{text}{glue}{line}" if text else line
        pages.append(text)
    joined = ""
    for text in pages:  # a text's hyphen at a page's end joins the next page's first word
        glue = "" if re.search(r"\S-$", joined) else " "
        joined = f"{joined}{glue}{text}" if joined else text
    return fold(joined)


def open_pdf(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


def kids_of(element: Any) -> list[Any]:
    k = element.get("/K")
    return [] if k is None else list(k) if isinstance(k, pikepdf.Array) else [k]


def is_element(obj: Any) -> bool:
    return isinstance(obj, pikepdf.Dictionary) and "/S" in obj


def struct_elements(doc: pikepdf.Pdf) -> Iterator[Any]:
    """Every structure element, depth first, in document (reading) order."""
    stack: list[Any] = [doc.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if is_element(node):
            yield node
        stack.extend(reversed([k for k in kids_of(node) if is_element(k)]))


def page_index(doc: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {p.obj.objgen: i for i, p in enumerate(doc.pages)}


def content_pages(element: Any, pages: dict[tuple[int, int], int],
                  skip: tuple[str, ...] = ()) -> list[int]:
    """The pages of the element's marked content, in order, leaving out ``skip`` subtrees."""
    out: list[int] = []
    for kid in kids_of(element):
        if is_element(kid):
            if str(kid.S) not in skip:
                out += content_pages(kid, pages, skip)
        elif isinstance(kid, pikepdf.Dictionary) and "/Pg" in kid:  # a marked-content ref
            out.append(pages[kid.Pg.objgen])
        elif isinstance(kid, int) and "/Pg" in element:  # an MCID on the element's page
            out.append(pages[element.Pg.objgen])
    return out


def first_page(element: Any, pages: dict[tuple[int, int], int],
               skip: tuple[str, ...] = ("/Caption",)) -> int | None:
    found = content_pages(element, pages, skip)
    return found[0] if found else None


def headings(data: bytes) -> list[tuple[str, str, int]]:
    """``(tag, text, page)`` of every heading (H1–H6), in reading order."""
    doc = open_pdf(data)
    pages = page_index(doc)
    return [(str(e.S), str(e.T), first_page(e, pages) or 0) for e in struct_elements(doc)
            if re.fullmatch(r"/H\d", str(e.S))]


def figure_box(element: Any) -> tuple[float, float, float, float] | None:
    attrs = element.get("/A")
    for a in list(attrs) if isinstance(attrs, pikepdf.Array) else [attrs]:
        if isinstance(a, pikepdf.Dictionary) and "/BBox" in a:
            x1, y1, x2, y2 = (float(v) for v in a.BBox)
            return x1, y1, x2, y2
    return None


def caption_of(element: Any) -> Any | None:
    """The /Caption of a /Figure or /Table: its own child, or its nearest ancestor's (Typst
    puts a figure's caption next to the content, in a /Div, sometimes one /Div up)."""
    node = element
    for _ in range(3):
        if not is_element(node) or node.get("/S") in ("/Document", "/Part"):
            return None
        caption = next((k for k in kids_of(node) if is_element(k) and k.S == "/Caption"), None)
        if caption is not None:
            return caption
        node = node.get("/P")
    return None


def whole_charts_per_page(data: bytes) -> dict[int, int]:
    """Charts drawn whole on a page: a /Figure inside the page's content area, its caption
    on the same page.

    Typst tags a chart as a /Figure (the image, with its bounding box in /A) next to the
    figure's /Caption, both in a /Div (sometimes the figure one /Div deeper). A chart taller
    than the room on a page would stick out of the content area; a caption that went to the
    next page would leave the chart without it.
    """
    doc = open_pdf(data)
    pages = page_index(doc)
    counts: dict[int, int] = {}
    for el in struct_elements(doc):
        if el.get("/S") != "/Figure":
            continue
        on = set(content_pages(el, pages))
        box = figure_box(el)
        caption = caption_of(el)
        if len(on) != 1 or box is None or caption is None:
            continue
        (page_no,) = on
        inside = box[1] >= BOTTOM_MARGIN - 1 and box[3] <= A4_HEIGHT - TOP_MARGIN + 1
        if inside and set(content_pages(caption, pages)) == {page_no}:
            counts[page_no] = counts.get(page_no, 0) + 1
    return counts


CONTENT_TAGS = ("/P", "/Figure", "/Table", "/L", "/Code", "/TOC", "/Div", "/Span")


def stranded_headings(data: bytes) -> list[tuple[str, str, int]]:
    """Headings whose next content block (paragraph, chart, table, list …) starts on a later
    page. A block starts where its first marked content is, captions left out: a table's
    caption alone at a page bottom, its rows on the next page, strands the heading too."""
    doc = open_pdf(data)
    pages = page_index(doc)
    seq: list[tuple[str, str, int | None]] = []
    stack: list[Any] = [doc.Root.StructTreeRoot]
    while stack:  # depth first, in reading order; nothing inside a caption counts
        node = stack.pop()
        tag = str(node.get("/S", ""))
        if re.fullmatch(r"/H\d", tag) or tag in CONTENT_TAGS:
            seq.append((tag, str(node.get("/T", "")), first_page(node, pages)))
        if tag != "/Caption":
            stack.extend(reversed([k for k in kids_of(node) if is_element(k)]))
    stranded = []
    for i, (tag, text, page_no) in enumerate(seq):
        if tag.startswith("/H"):
            nxt = next((p for t, _, p in seq[i + 1:] if t in CONTENT_TAGS and p is not None),
                       None)
            if nxt is not None and nxt != page_no:
                stranded.append((tag, text, (page_no or 0) + 1))
    return stranded


def outline_tree(data: bytes) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """The outline as ``(title, page, [(child title, page)])``; no deeper than two levels."""
    r = PdfReader(io.BytesIO(data))

    def page_of(item: Any) -> int:
        number = r.get_destination_page_number(item)
        assert number is not None, f"bookmark {item.title!r} goes nowhere"
        return number

    result: list[tuple[str, int, list[tuple[str, int]]]] = []
    for item in r.outline:
        if isinstance(item, list):
            parent = result[-1]
            for child in item:
                assert not isinstance(child, list), "outline deeper than report > section"
                parent[2].append((str(child.title), page_of(child)))
        else:
            result.append((str(item.title), page_of(item), []))
    return result


def unembedded_fonts(doc: pikepdf.Pdf) -> list[str]:
    """Base names of fonts without a font file, searched through pages and form XObjects
    (Typst draws each chart as a form XObject with its own fonts)."""
    missing: list[str] = []
    seen: set[tuple[int, int]] = set()

    def check_font(font: Any) -> None:
        if font.get("/Subtype") == "/Type3":
            return  # glyphs drawn by the font's own content streams
        targets = list(font.DescendantFonts) if "/DescendantFonts" in font else [font]
        for target in targets:
            desc = target.get("/FontDescriptor")
            if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2",
                                                          "/FontFile3")):
                missing.append(str(font.get("/BaseFont")))

    def walk(resources: Any) -> None:
        if not isinstance(resources, pikepdf.Dictionary):
            return
        for font in dict(resources.get("/Font", {})).values():
            if font.objgen not in seen:
                seen.add(font.objgen)
                check_font(font)
        for xobj in dict(resources.get("/XObject", {})).values():
            if xobj.objgen not in seen:
                seen.add(xobj.objgen)
                walk(xobj.get("/Resources"))

    for page in doc.pages:
        walk(page.obj.get("/Resources"))
    return missing


def font_names(doc: pikepdf.Pdf) -> set[str]:
    names: set[str] = set()
    for page in doc.pages:
        fonts = page.obj.Resources.get("/Font") if "/Resources" in page.obj else None
        for font in dict(fonts or {}).values():
            names.add(str(font.get("/BaseFont")).split("+")[-1])
    return names


TOC_LINE = re.compile(r"^(?P<text>.+?)\s*(?:\.\s*)+(?P<page>\d+)$")  # text, leader, page


def toc_entries(lines: tuple[str, ...]) -> list[tuple[str, int]]:
    """``(text, page)`` per contents line: below the heading, without the page footer."""
    out = []
    heading = next(i for i, line in enumerate(lines) if line.strip() in CONTENTS.values())
    for line in lines[heading + 1:]:
        if line.startswith(("pagina ", "page ")):
            continue
        m = TOC_LINE.match(line.strip())
        if m:
            out.append((m.group("text").strip(), int(m.group("page"))))
    return out


def pagination_artifacts(page: pikepdf.Page) -> list[tuple[str, bool]]:
    """``(subtype, draws text)`` of each pagination artifact of a page's content stream.

    Typst draws the running header and footer each inside ``/Artifact`` marked content of
    type ``/Pagination`` (subtype ``/Header``, ``/Footer``), and a table's header row
    repeated on a following page as one without subtype.
    """
    found: list[tuple[str, bool]] = []
    depth, current = 0, -1
    for op in pikepdf.parse_content_stream(page):
        name = str(op.operator)
        if name in ("BDC", "BMC"):
            depth += 1
            props = op.operands[1] if name == "BDC" else None
            if (current < 0 and str(op.operands[0]) == "/Artifact"
                    and isinstance(props, pikepdf.Dictionary)
                    and props.get("/Type") == "/Pagination"):
                found.append((str(props.get("/Subtype", "")), False))
                current = depth
        elif name == "EMC":
            if depth == current:
                current = -1
            depth -= 1
        elif current > 0 and name in ("Tj", "TJ", "'", '"'):
            found[-1] = (found[-1][0], True)
    return found


def languages_of_content(data: bytes) -> list[tuple[int, str, str]]:
    """``(page, tag, language)`` of every structure element with marked content of its own.

    The language is the element's ``/Lang``, else its nearest ancestor's, else the ``/Lang``
    of its marked content in the page's content stream, else the document's. The tag is that
    of the outermost /Code or /TOCI the element is in, else its own (Typst tags every code
    block /Code with /Lang en: a command is in no natural language, the tests leave it out).
    """
    doc = open_pdf(data)
    pages = page_index(doc)
    default = str(doc.Root.Lang)
    mc_lang: dict[int, dict[int, str]] = {}

    def marked(page_no: int) -> dict[int, str]:
        if page_no not in mc_lang:
            langs: dict[int, str] = {}
            for op in pikepdf.parse_content_stream(doc.pages[page_no]):
                props = op.operands[1] if str(op.operator) == "BDC" else None
                if isinstance(props, pikepdf.Dictionary) and "/MCID" in props \
                        and "/Lang" in props:
                    langs[int(props.MCID)] = str(props.Lang)
            mc_lang[page_no] = langs
        return mc_lang[page_no]

    out: list[tuple[int, str, str]] = []
    stack: list[tuple[Any, str | None, str | None]] = [(doc.Root.StructTreeRoot, None, None)]
    while stack:
        el, inherited, block = stack.pop()
        lang = str(el["/Lang"]) if "/Lang" in el else inherited
        tag = str(el.get("/S", ""))
        block = block or (tag if tag in ("/Code", "/TOCI") else None)
        mcids = [k for k in kids_of(el) if isinstance(k, int)]
        if mcids and "/Pg" in el:
            page_no = pages[el.Pg.objgen]
            own = {marked(page_no).get(m) for m in mcids}
            if lang is None and len(own) == 1 and None not in own:
                lang = own.pop()
            out.append((page_no, block or tag, lang or default))
        stack.extend((k, lang, block) for k in reversed(kids_of(el)) if is_element(k))
    return out


def structure_problems(data: bytes) -> list[str]:
    """Inconsistencies between the structure tree and the pages, read with pikepdf."""
    doc = open_pdf(data)
    pages = page_index(doc)
    tree = doc.Root.StructTreeRoot
    nums = tree.ParentTree.Nums
    parent_tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    problems = []
    for i, page_obj in enumerate(doc.pages):
        mcids = [int(op.operands[1]["/MCID"]) for op in pikepdf.parse_content_stream(page_obj)
                 if str(op.operator) == "BDC" and isinstance(op.operands[1], pikepdf.Dictionary)
                 and "/MCID" in op.operands[1]]
        if "/StructParents" not in page_obj.obj:
            if mcids:
                problems.append(f"page {i + 1}: marked content but no /StructParents")
            continue
        entry = parent_tree.get(int(page_obj.obj.StructParents))
        if entry is None:
            problems.append(f"page {i + 1}: no parent tree entry")
            continue
        if mcids and len(entry) <= max(mcids):
            problems.append(f"page {i + 1}: MCID {max(mcids)} has no structure element")
        for mcid in mcids:
            el = entry[mcid]
            on = {pages.get(k.Pg.objgen) for k in kids_of(el)
                  if isinstance(k, pikepdf.Dictionary) and "/Pg" in k and "/MCID" in k
                  and int(k.MCID) == mcid}
            if not on and "/Pg" in el:
                on = {pages.get(el.Pg.objgen)}
            if on != {i}:
                problems.append(f"page {i + 1}: MCID {mcid} belongs to an element on {on}")
        for annot in page_obj.obj.get("/Annots", []):
            element = parent_tree.get(int(annot.get("/StructParent", -1)))
            objs = [] if element is None else [
                k.Obj.objgen for k in kids_of(element)
                if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]
            if annot.objgen not in objs:
                problems.append(f"page {i + 1}: link annotation not in the structure tree")
    stack = [(k, tree) for k in kids_of(tree) if is_element(k)]
    reachable = set()
    while stack:
        element, parent = stack.pop()
        reachable.add(element.objgen)
        if element.P.objgen != parent.objgen:
            problems.append(f"{element.S} has the wrong parent")
        if "/Pg" in element and element.Pg.objgen not in pages:
            problems.append(f"{element.S} refers to a page not in the document")
        stack.extend((k, element) for k in kids_of(element) if is_element(k))
    # all marked content belongs to the tree: no element only the parent tree knows
    for key, entry in parent_tree.items():
        members = list(entry) if isinstance(entry, pikepdf.Array) else [entry]
        if any(m.objgen not in reachable for m in members if isinstance(m, pikepdf.Dictionary)):
            problems.append(f"parent tree entry {key}: element outside the structure tree")
    if int(tree.get("/ParentTreeNextKey", max(parent_tree) + 1)) <= max(parent_tree):
        problems.append("ParentTreeNextKey is not past the last key")
    return problems


def report_ranges(data: bytes, titles: list[str]) -> list[range]:
    """The pages of each report in the appendix: from its H1 to the next one."""
    starts = [p for tag, text, p in headings(data) if tag == "/H1" and text in titles]
    assert len(starts) == len(titles)
    n = len(page_lines(data))
    return [range(a, b) for a, b in zip(starts, [*starts[1:], n], strict=True)]


# -- one report ----------------------------------------------------------------------------------


def _cover_texts(language: str) -> tuple[str, str]:
    """The organisation and the appendix line of ``params/base.yaml`` in ``language``, read
    from the file (not through the code that picks them)."""
    base = yaml.safe_load((Path(__file__).resolve().parents[1] / "params" / "base.yaml")
                          .read_text(encoding="utf-8"))
    suffix = "_en" if language == "en" else ""
    return base["organisation" + suffix], base["appendix_line" + suffix]


def test_report_metadata_and_pdf_ua(one: Built) -> None:
    doc = open_pdf(one.pdf)
    info = doc.docinfo
    assert str(info.Title) == one.title
    assert str(info.Author) == _cover_texts(one.language)[0]
    assert str(info.Subject) == one.meta.subject and one.meta.subject
    assert str(info.Keywords) == ", ".join(one.meta.keywords)
    assert str(info.CreationDate) == str(info.ModDate) == "D:20230930120000Z"
    assert str(doc.Root.Lang) == one.language
    assert bool(doc.Root.ViewerPreferences.DisplayDocTitle) is True
    assert bool(doc.Root.MarkInfo.Marked) is True
    assert "/StructTreeRoot" in doc.Root
    xmp = doc.Root.Metadata.read_bytes().decode("utf-8")
    assert re.search(r'pdfuaid:part(="1"|>1</pdfuaid:part>)', xmp)
    assert one.title in xmp  # dc:title
    assert "2023-09-30" in xmp


def test_report_pages_cover_toc_and_running_texts(one: Built) -> None:
    texts = page_texts(one.pdf)
    n = len(texts)
    lang = one.language
    period = PERIOD_WORDS[lang]
    assert n >= 4  # cover, contents, at least two pages of content
    cover = texts[0]
    organisation, appendix_line = _cover_texts(lang)
    assert appendix_line in cover
    assert fold(one.title) in cover and period in cover
    assert organisation in cover
    for term, value in one.front["facts"]:
        assert fold(f"{term} {value}") in cover
    assert "pagina" not in cover and "page " not in cover  # no header/footer on the cover
    assert CONTENTS[lang] in texts[1]
    running = one.title.removesuffix(f", {period}")
    assert running != one.title
    for i, lines in enumerate(page_lines(one.pdf)[1:], start=2):
        assert PAGE_OF[lang].format(i, n) in texts[i - 1]
        # the running header, the page's first line: the title without its period, the period
        assert fold(lines[0]) == f"{running} {period}"
    # The contents lists every section with the page its heading is on.
    entries = toc_entries(page_lines(one.pdf)[1])
    assert [e[0] for e in entries] == one.sections
    assert one.sections == [title for _, title in one.front["contents"]]
    h2 = {text: page for tag, text, page in headings(one.pdf) if tag == "/H2"}
    for heading, number in entries:
        assert heading in texts[number - 1], f"{heading!r} not on page {number}"
        assert h2[heading] == number - 1
    # No code, no skip link.
    joined = "\n".join(texts)
    assert "Naar de inhoud" not in joined and "Skip to" not in joined
    assert "report.section()" not in joined


def test_report_key_figures_in_dutch_format(one: Built) -> None:
    """The latest value of every indicator, in the overview of the key messages; the first and
    the latest value of every indicator of a goal, in its own part of the report."""
    texts = page_texts(one.pdf)
    lang = one.language
    items = one.report.context.items
    assert items
    pages = {text: page for tag, text, page in headings(one.pdf) if tag in ("/H2", "/H3")}
    key = pages[one.sections[0]]
    overview = " ".join(texts[key:pages[one.sections[1]] + 1])
    shown = 0
    for item in items:
        share = item.ind.kind == "share"
        latest = key_figure(float(item.latest["value"]), share, lang)
        assert latest in overview, (item.key, latest)
        name = item.name(lang)
        if name in pages and len(item.series) >= 2:
            own = " ".join(texts[pages[name]:pages[name] + 2])
            first = key_figure(float(item.series["value"].iloc[0]), share, lang)
            assert first in own and latest in own, (item.key, first, latest)
            shown += 1
    assert shown >= 3
    joined = "\n".join(texts)
    if lang == "nl":
        assert re.search(r"\b\d{1,3}\.\d{3}\b", joined)  # thousands: 20.087
        assert re.search(r"\b\d+,\d%", joined)  # shares: 28,3%
        assert not re.search(r"\b\d{1,3},\d{3}\b", joined)  # no English thousands
    else:
        assert re.search(r"\b\d{1,3},\d{3}\b", joined) and re.search(r"\b\d+\.\d%", joined)


def test_national_key_figures(national: Built) -> None:
    """National figures read from the context, formatted by hand (and the hand formatting
    checked on known values)."""
    assert nl_int(20087) == "20.087" and nl_int(1234567) == "1.234.567"
    assert key_figure(28.25, True, "nl") == "28,3%" and key_figure(1680.4, False, "en") == "1,680"
    by_key = {i.key: i for i in national.report.context.items}
    joined = "\n".join(page_texts(national.pdf))
    hbo = by_key["inflow_tech-hbo"]
    for value in (hbo.latest["value"], hbo.series["value"].iloc[0]):
        assert nl_int(int(value)) in joined
    vacancies = by_key["vacancies_open-all"]  # open vacancies in the latest quarter
    assert nl_int(int(vacancies.latest["value"])) in joined
    women = by_key["inflow_tech_women_share-wo"]
    assert key_figure(float(women.latest["value"]), True, "nl") in joined


def test_report_outline_is_title_then_sections(one: Built) -> None:
    tree = outline_tree(one.pdf)
    assert len(tree) == 1
    title, first_page_no, children = tree[0]
    assert title == one.title
    assert first_page_no == 0
    assert [c[0] for c in children] == one.sections
    texts = page_texts(one.pdf)
    for heading, number in children:
        assert heading in texts[number]


def test_report_fonts_embedded(one: Built) -> None:
    doc = open_pdf(one.pdf)
    assert unembedded_fonts(doc) == []
    assert any(name.replace("-", "").startswith("FiraSans") for name in font_names(doc))


def test_report_every_chart_whole_on_one_page_with_alt_text(one: Built) -> None:
    figures = nodes_of(one.documents, "figure")
    assert figures
    doc = open_pdf(one.pdf)
    tagged = [el for el in struct_elements(doc) if el.get("/S") == "/Figure"]
    assert [str(el.Alt) for el in tagged] == [f["alt"] for f in figures]
    assert sum(whole_charts_per_page(one.pdf).values()) == len(figures)
    joined = fold(" ".join(page_texts(one.pdf)))
    for f in figures:
        assert fold(f["caption"]) in joined


def test_report_charts_are_set_in_the_report_font(one: Built) -> None:
    """Every chart's text is SVG text in Fira Sans (DejaVu only for signs Fira lacks), which
    Typst draws with the same bundled font as the text around it."""
    figures = nodes_of(one.documents, "figure")
    for f in figures:
        families = set(re.findall(r"font-family: ([^;\"]+)", f["svg"]))
        assert families == {"'Fira Sans', 'DejaVu Sans'"}, (f["caption"], families)


def test_chart_detector_sees_a_chart_that_does_not_fit() -> None:
    """Guard for the test above: a chart taller than a page sticks out of the content area."""
    tall = ('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="260" '
            'viewBox="0 0 100 260"><rect width="100" height="260" fill="#154273"/></svg>')
    low = tall.replace('height="260"', 'height="40"').replace("0 0 100 260", "0 0 100 40")
    doc = [d.Front("T", "t", (), "Inhoud", ()).to_json(),
           d.section("S", "s", d.Figure(tall, "Een hoge balk", "Te hoog"),
                     d.Figure(low, "Een lage balk", "Past")).to_json()]
    data = render_report_pdf(doc, PdfMeta("T", "nl", "OCW", "", (), PERIOD, ""))
    assert sum(whole_charts_per_page(data).values()) == 1


def test_report_no_heading_stranded_at_a_page_bottom(one: Built) -> None:
    assert stranded_headings(one.pdf) == []


def test_long_table_breaks_between_rows_with_caption_and_heading(national: Built) -> None:
    """The overview of all indicators is longer than a page: it breaks between rows, the
    caption with the first rows, the header row again on every page; short tables stay
    whole."""
    tables = printed_nodes_of(national.documents, "table")
    doc = open_pdf(national.pdf)
    pages = page_index(doc)
    tagged = [el for el in struct_elements(doc) if el.get("/S") == "/Table"]
    assert len(tagged) == len(tables)
    texts = page_texts(national.pdf)
    long_tables = 0
    for table, el in zip(tables, tagged, strict=True):
        rows = content_pages(el, pages, skip=("/Caption",))
        if len(table["rows"]) <= LONG_TABLE_ROWS:
            assert len(set(rows)) == 1, f"{table['caption']!r} is cut"
            continue
        spans = sorted(set(rows))
        if len(spans) < 2:
            continue
        long_tables += 1
        assert spans == list(range(spans[0], spans[-1] + 1))
        caption = caption_of(el)
        assert fold(table["caption"]) in texts[spans[0]]
        assert set(content_pages(caption, pages)) == {spans[0]}  # with the first rows
        header = [c["text"] for c in table["columns"]]
        for page_no in spans:
            assert all(fold(h) in texts[page_no] for h in header), page_no
        for page_no in spans[1:]:  # the header row repeated, as a pagination artifact
            assert ("", True) in pagination_artifacts(doc.pages[page_no])
        assert fold(table["rows"][-1][0]["text"]) in texts[spans[-1]]
    assert long_tables >= 1
    assert stranded_headings(national.pdf) == []


def struct_subtree(top: Any) -> list[Any]:
    """``top`` and every element below it (read with pikepdf)."""
    found, stack = [], [top]
    while stack:
        item = stack.pop()
        if is_element(item):
            found.append(item)
            stack.extend(k for k in kids_of(item) if is_element(k))
    return found


def test_report_tables_have_header_cells(one: Built) -> None:
    # Column headers are TH (scope Column); row headers (Table.row_headers) stay TD: a TH with
    # scope Row needs Typst's pdf.header-cell, which the Python wheel does not enable.
    tables = printed_nodes_of(one.documents, "table")
    doc = open_pdf(one.pdf)
    tagged = [el for el in struct_elements(doc) if el.get("/S") == "/Table"]
    assert len(tagged) == len(tables) > 0
    for table, el in zip(tables, tagged, strict=True):
        cells = struct_subtree(el)
        th = [c for c in cells if c.get("/S") == "/TH"]
        td = [c for c in cells if c.get("/S") == "/TD"]
        ncol = len(table["columns"])
        assert len(th) == ncol, table["caption"]
        assert all(str(a.get("/Scope")) == "/Column" for c in th for a in attributes(c)
                   if "/Scope" in a)
        assert len(td) == ncol * len(table["rows"])
        assert sum(1 for c in cells if c.get("/S") == "/THead") == 1
    tags = {str(el.S) for el in struct_elements(doc)}
    assert {"/H1", "/H2", "/H3"} <= tags


def attributes(element: Any) -> list[Any]:
    attrs = element.get("/A")
    items = list(attrs) if isinstance(attrs, pikepdf.Array) else [attrs]
    return [a for a in items if isinstance(a, pikepdf.Dictionary)]


def test_header_cell_ids_are_unique_and_resolve(appendix: Appendix) -> None:
    """Every data cell names its column's header cells, in its own table; ids are unique."""
    doc = open_pdf(appendix.pdf)
    elements = list(struct_elements(doc))
    ids = [str(e.ID) for e in elements if "/ID" in e]
    assert ids and len(ids) == len(set(ids))
    id_tree = {str(k): v.objgen for k, v in pikepdf.NameTree(
        doc.Root.StructTreeRoot.IDTree).items()}
    assert set(id_tree) == set(ids)
    cells = 0
    for table in (e for e in elements if e.get("/S") == "/Table"):
        inside = {e.objgen for e in struct_subtree(table)}
        for e in struct_subtree(table):
            for a in attributes(e):
                for h in a.get("/Headers", []):
                    assert id_tree[str(h)] in inside
                    cells += 1
    assert cells > 0


def test_status_cells_show_sign_and_word(one: Built) -> None:
    joined = fold(" ".join(page_texts(one.pdf)))
    statuses = [c for t in nodes_of(one.documents, "table") for row in t["rows"] for c in row
                if c["status"] not in ("", "total") and c["symbol"]]
    assert statuses
    for c in statuses:  # symbol and word, never colour alone
        assert fold(f"{c['symbol']} {c['text']}") in joined, c


def test_notes_callout_and_provenance_are_printed(one: Built) -> None:
    # a reference phrase ("zie de methode") is printed with the page it points at
    # ("zie de methode, pagina 35"; tests/test_xref.py checks that page): drop the page here
    joined = re.sub(r", (?:pagina|page) \d+(?=\))", "", body_text(one.pdf))
    for kind in ("note", "callout", "paragraph"):
        for node in printed_nodes_of(one.documents, kind):
            assert fold(node["text"]) in joined, node
    # The means to rebuild the report (command, parameters) are in the document, for the
    # HTML, and screen-only: parliament's PDF leaves them out.
    codes = nodes_of(one.documents, "code")
    assert [c["text"] for c in codes] == [one.report.context.reproduce_command]
    assert all(screen_only(c) for c in codes)
    assert fold(codes[0]["text"]) not in joined
    (params,) = [t for t in nodes_of(one.documents, "table") if any(
        row[0]["text"] == "period" for row in t["rows"])]
    assert screen_only(params)
    assert fold(params["caption"]) not in joined
    (command,) = [p for p in nodes_of(one.documents, "paragraph") if screen_only(p)]
    assert fold(command["text"]) not in joined
    if one.front.get("notice"):
        assert fold(one.front["notice"]) in page_texts(one.pdf)[0]


def test_national_total_row_and_small_multiples(national: Built) -> None:
    (roa,) = [t for t in nodes_of(national.documents, "table") if "total-last" in t["role"]]
    joined = fold(" ".join(page_texts(national.pdf)))
    assert fold(" ".join(c["text"] for c in roa["rows"][-1])) in joined  # Totaal 507.400 …
    sectors = national.report.context.sector_vacancies
    assert len(sectors) == 9
    multiples = [f for f in nodes_of(national.documents, "figure")
                 if all(html.escape(s.name_nl.split()[0]) in f["svg"] for s in sectors)]
    assert len(multiples) == 1
    assert multiples[0]["alt"] in [str(e.Alt) for e in struct_elements(open_pdf(national.pdf))
                                   if e.get("/S") == "/Figure"]


def test_report_byte_identical_in_process(national: Built) -> None:
    assert render_report_pdf(national.documents, national.meta) == national.pdf


def test_byte_identical_in_fresh_process(national: Built, appendix: Appendix,
                                         tmp_path: Path) -> None:
    src = tmp_path / "input.json"
    src.write_text(json.dumps({
        "report": national.documents, "meta": national.meta.__dict__,
        "appendix": [p.__dict__ for p in appendix.parts], "appendix_meta": appendix.meta.__dict__,
    }, ensure_ascii=False), encoding="utf-8")
    code = (
        "import hashlib, json, sys\n"
        "from techmonitor.render.typst import *\n"
        "data = json.load(open(sys.argv[1], encoding='utf-8'))\n"
        "meta = lambda m: PdfMeta(**{**m, 'keywords': tuple(m['keywords'])})\n"
        "pdf = render_report_pdf(data['report'], meta(data['meta']))\n"
        "parts = [AppendixPart(**p) for p in data['appendix']]\n"
        "app = render_appendix_pdf(parts, meta(data['appendix_meta']))\n"
        "print(hashlib.sha256(pdf).hexdigest(), hashlib.sha256(app).hexdigest())\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(src)], capture_output=True,
                         text=True, check=True, timeout=120)
    assert out.stdout.split() == [hashlib.sha256(national.pdf).hexdigest(),
                                  hashlib.sha256(appendix.pdf).hexdigest()]


def test_report_in_english(english: Built, appendix: Appendix) -> None:
    doc = open_pdf(english.pdf)
    assert str(doc.Root.Lang) == "en"
    texts = page_texts(english.pdf)
    n = len(texts)
    assert "Contents" in texts[1]
    assert f"page 2 of {n}" in texts[1]
    assert "3rd quarter 2023" in texts[2]
    joined = "\n".join(texts)
    assert english.sections[0] == "Key messages"
    for dutch in ("Inhoud", "pagina ", "Kernboodschappen", "Maatregelen", "geen doel",
                  "waarnemingen", "kwartaal"):
        assert dutch not in joined, dutch
    # In the Dutch appendix the English report keeps its language, on all its content.
    assert str(open_pdf(appendix.pdf).Root.Lang) == "nl"
    ranges = report_ranges(appendix.pdf, [p.title for p in appendix.parts])
    langs = languages_of_content(appendix.pdf)
    for part, pages in zip(appendix.parts, ranges, strict=True):
        found = {lang for page_no, tag, lang in langs if page_no in pages and tag != "/Code"}
        assert found == {part.language}, (part.report_id, found)
    # the cover and the contents are Dutch, but for each report's entries in its language
    assert {lang for page_no, tag, lang in langs
            if page_no < ranges[0].start and tag != "/TOCI"} == {"nl"}
    entries = [lang for page_no, tag, lang in langs if page_no == 1 and tag == "/TOCI"]
    expected = [p.language for p in appendix.parts for _ in range(1 + len(part_sections(p)))]
    assert entries == expected
    # … and is numbered through, in the appendix's language
    app_texts = page_texts(appendix.pdf)
    m = len(app_texts)
    start = ranges[2].start
    assert f"pagina {start + 2} van {m}" in app_texts[start + 1]
    assert f"page {2} of" not in app_texts[start + 1] and "page 2 of" not in " ".join(app_texts)


def test_running_texts_are_pagination_artifacts(one: Built) -> None:
    doc = open_pdf(one.pdf)
    for i, page_obj in enumerate(doc.pages):
        found = [a for a in pagination_artifacts(page_obj) if a[0]]
        if i == 0:  # the cover: nothing drawn in the header or footer
            assert all(not draws for _, draws in found)
        else:
            assert found == [("/Header", True), ("/Footer", True)], i + 1


def part_sections(part: AppendixPart) -> list[str]:
    """The section titles of one appendix part (its account section may be left out)."""
    return [n["title"] for n in part.document if n["type"] == "section"]


# -- the appendix --------------------------------------------------------------------------------


def test_appendix_outline_matches_reports_and_sections(appendix: Appendix) -> None:
    tree = outline_tree(appendix.pdf)
    assert [t[0] for t in tree] == [p.title for p in appendix.parts]  # one bookmark a report
    texts = page_texts(appendix.pdf)
    previous = 1
    for (title, first, children), part in zip(tree, appendix.parts, strict=True):
        assert [c[0] for c in children] == part_sections(part)
        assert first > previous  # reports in order, each after the cover and contents
        previous = first
        assert fold(title) in texts[first]
        for heading, number in children:
            assert heading in texts[number]
            assert number >= first


def test_appendix_toc_and_page_numbers_run_through(appendix: Appendix) -> None:
    texts = page_texts(appendix.pdf)
    lines = page_lines(appendix.pdf)
    n = len(texts)
    assert fold(APPENDIX_TITLE) in texts[0]
    assert appendix.meta.title == APPENDIX_TITLE
    assert appendix.meta.appendix_line in texts[0]
    assert "pagina" not in texts[0]
    assert "Inhoud" in texts[1]
    entries = toc_entries(lines[1])
    expected = []
    for part in appendix.parts:
        expected += [part.title] + part_sections(part)
    assert [e[0] for e in entries] == expected
    for text, number in entries:
        assert text in texts[number - 1], f"{text!r} not on page {number}"
    # Each report starts on a new page; every page but the cover is numbered through the
    # whole appendix, with the running header of the report it belongs to.
    ranges = report_ranges(appendix.pdf, [p.title for p in appendix.parts])
    assert [r.start + 1 for r in ranges] == [number for text, number in entries
                                              if text in {p.title for p in appendix.parts}]
    for i, text in enumerate(texts[1:], start=2):
        assert f"pagina {i} van {n}" in text
    assert f"pagina {n} van {n}" in texts[-1]
    assert fold(lines[1][0]) == "Techniek Monitor – bijlage 3e kwartaal 2023"
    for built, pages in zip(appendix.built, ranges, strict=True):
        period = PERIOD_WORDS[built.language]
        running = built.title.removesuffix(f", {period}")
        for i in pages:
            assert fold(lines[i][0]) == f"{running} {period}", i + 1
    # The reports' own contents pages are left out: one contents heading, the appendix's.
    h2 = [text for tag, text, _ in headings(appendix.pdf) if tag == "/H2"]
    assert h2.count("Inhoud") == 1 and "Contents" not in h2


def test_appendix_structure_metadata_fonts_charts(appendix: Appendix) -> None:
    doc = open_pdf(appendix.pdf)
    assert str(doc.docinfo.Title) == APPENDIX_TITLE
    assert str(doc.Root.Lang) == "nl"
    assert "/StructTreeRoot" in doc.Root
    xmp = doc.Root.Metadata.read_bytes().decode("utf-8")
    assert re.search(r'pdfuaid:part(="1"|>1</pdfuaid:part>)', xmp)
    assert unembedded_fonts(doc) == []
    figures = [f for p in appendix.parts for f in printed_nodes_of(p.document, "figure")]
    tagged = [el for el in struct_elements(doc) if el.get("/S") == "/Figure"]
    assert [str(el.Alt) for el in tagged] == [f["alt"] for f in figures]
    assert sum(whole_charts_per_page(appendix.pdf).values()) == len(figures)
    h1 = [text for tag, text, _ in headings(appendix.pdf) if tag == "/H1"]
    assert h1 == [APPENDIX_TITLE] + [p.title for p in appendix.parts]
    assert stranded_headings(appendix.pdf) == []
    tables = [t for p in appendix.parts for t in printed_nodes_of(p.document, "table")]
    assert sum(1 for el in struct_elements(doc) if el.get("/S") == "/Table") == len(tables)


def test_appendix_says_method_and_measures_once(appendix: Appendix) -> None:
    """Method and measures are printed in the national part only; the other parts refer to
    them with the page where they begin, and that page holds their first block."""
    texts = page_texts(appendix.pdf)
    ranges = report_ranges(appendix.pdf, [p.title for p in appendix.parts])
    (national,) = [i for i, b in enumerate(appendix.built)
                   if b.report.params.kind == "national"]
    anchored: dict[str, dict[str, Any]] = {}
    stack = list(appendix.parts[national].document)
    while stack:
        node = stack.pop()
        if node.get("anchor"):
            anchored[node["anchor"]] = node
        stack.extend(node.get("children", []))
    assert {"method", "measures"} <= set(anchored)
    refs = 0
    for i, (part, pages) in enumerate(zip(appendix.parts, ranges, strict=True)):
        own = " ".join(texts[j] for j in pages)
        for name, node in anchored.items():
            first = fold(node.get("text") or node.get("caption") or "")
            assert first
            assert (first in own) == (i == national), (part.report_id, name)
        if i == national:
            continue
        for ref in [n for n in nodes_of(part.document, "paragraph") if n.get("ref")]:
            found = re.search(re.escape(fold(ref["text"])) + r" (\d+)\.", own)
            assert found, (part.report_id, ref["ref"])
            page = int(found.group(1)) - 1
            assert page in ranges[national]
            node = anchored[ref["ref"]]
            assert fold(node.get("text") or node.get("caption") or "")[:40] in texts[page]
            refs += 1
    assert refs >= 2 * (len(appendix.parts) - 1)


def test_appendix_key_figures(appendix: Appendix) -> None:
    texts = page_texts(appendix.pdf)
    ranges = report_ranges(appendix.pdf, [p.title for p in appendix.parts])
    for built, pages in zip(appendix.built, ranges, strict=True):
        own = " ".join(texts[i] for i in pages)
        for item in built.report.context.items:
            value = key_figure(float(item.latest["value"]), item.ind.kind == "share",
                               built.language)
            assert value in own, (built.rid, item.key, value)


def test_appendix_links_and_destinations_resolve(appendix: Appendix) -> None:
    """Every link lands on a page of the appendix; a contents entry on the page it says."""
    doc = open_pdf(appendix.pdf)
    pages = page_index(doc)
    entries = toc_entries(page_lines(appendix.pdf)[1])
    texts = page_texts(appendix.pdf)
    on_contents = []
    for i, page_obj in enumerate(doc.pages):
        for annot in page_obj.obj.get("/Annots", []):
            dest = annot.get("/Dest")
            if dest is None and "/A" in annot:
                dest = annot.A.get("/D")
            assert isinstance(dest, pikepdf.Array), f"link on page {i + 1} goes nowhere"
            assert dest[0].objgen in pages
            if i == 1:
                on_contents.append((str(annot.get("/Contents", "")),
                                    pages[dest[0].objgen] + 1))
    assert [number for _, number in on_contents] == [number for _, number in entries]
    for (label, number), (text, printed) in zip(on_contents, entries, strict=True):
        # a screen reader announces the entry, not a made-up URI
        assert text in label and str(printed) in label
        assert text in texts[number - 1]


def test_structure_trees_are_whole(national: Built, appendix: Appendix) -> None:
    """Parent tree, pages, marked content and link annotations agree."""
    for data in (national.pdf, appendix.pdf):
        assert structure_problems(data) == []


def test_appendix_byte_identical(appendix: Appendix) -> None:
    assert render_appendix_pdf(appendix.parts, appendix.meta) == appendix.pdf


# -- errors ----------------------------------------------------------------------------------------


def test_figure_without_alt_text_is_an_error(national: Built) -> None:
    figure = nodes_of(national.documents, "figure")[0]
    with pytest.raises(ValueError, match="alt text"):
        d.Figure(figure["svg"], " ", figure["caption"])
    section = {"type": "section", "title": "S", "id": "s", "role": "",
               "children": [{**figure, "alt": ""}]}
    with pytest.raises(RenderError, match="no alt text"):
        render_report_pdf([national.front, section], national.meta)


def test_svg_that_is_not_xml_is_an_error(national: Built) -> None:
    """A broken chart stops the PDF with the parser's words, it is not left out silently."""
    broken = d.Figure('<svg viewBox="0 0 10 10"><rect width="10" height="10"></svg>',
                      "Een vierkant", "Vierkant")
    doc = [national.front, d.section("S", "s", broken).to_json()]
    with pytest.raises(RenderError, match=r"could not typeset the report: failed to parse SVG"):
        render_report_pdf(doc, national.meta)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"period": "2023-09"}, "quarter"),
        ({"language": "de"}, "language"),
        ({"title": " "}, "title"),
    ],
)
def test_bad_meta_is_a_clear_error(national: Built, change: dict[str, str],
                                   message: str) -> None:
    bad = replace(national.meta, **change)
    with pytest.raises(RenderError, match=message):
        render_report_pdf(national.documents, bad)
    with pytest.raises(RenderError, match=message):
        render_appendix_pdf([AppendixPart("x", "X", national.documents, "nl")], bad)


def test_appendix_errors(appendix: Appendix) -> None:
    meta = appendix.meta
    with pytest.raises(RenderError, match="no reports"):
        render_appendix_pdf([], meta)
    with pytest.raises(RenderError, match="national-nl is in it twice"):
        render_appendix_pdf([appendix.parts[0], appendix.parts[0]], meta)
    with pytest.raises(RenderError, match="report x: the document must be a list"):
        render_appendix_pdf([AppendixPart("x", "X", b"<p>no pdf</p>", "nl")],  # type: ignore[arg-type]
                            meta)
    with pytest.raises(RenderError, match="report x: node 0 has unknown type 'html'"):
        render_appendix_pdf([AppendixPart("x", "X", [{"type": "html"}], "nl")], meta)


def test_period_date() -> None:
    assert period_date("2023Q1").isoformat() == "2023-03-31"
    assert period_date("2024Q4").isoformat() == "2024-12-31"
    with pytest.raises(RenderError, match="quarter"):
        period_date("2023-09")
