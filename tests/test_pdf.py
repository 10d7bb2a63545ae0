"""PDF rendering (render/pdf.py): open the PDFs with pypdf/pdfplumber, check what parliament gets.

Fixture pages are built from the small hand-written fragments in ``tests/assets/pdf`` put into a
notebook and rendered by the real HTML renderer, so the PDF sees exactly the page structure the
batch produces. Key figures are formatted here, independently of the library (Dutch thousands
separator '.', decimal comma).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import re
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pdfplumber
import pikepdf
import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject
from techmonitor.errors import RenderError
from techmonitor.render import pdf, pdfpages
from techmonitor.render.html import notebook_to_html
from techmonitor.render.pdf import AppendixPart, PdfMeta
from weasyprint import HTML

ASSETS = Path(__file__).parent / "assets" / "pdf"
TITLE = string.Template((ASSETS / "title.html").read_text(encoding="utf-8"))
SECTION = string.Template((ASSETS / "section.html").read_text(encoding="utf-8"))

A4_HEIGHT_PX = 297 / 25.4 * 96
BOTTOM_MARGIN_PX = 20 / 25.4 * 96  # print.css @page margin-bottom
TOP_MARGIN_PX = 24 / 25.4 * 96  # print.css @page margin-top


def nl_int(n: int) -> str:
    """Dutch thousands separator, written out by hand: 20087 -> '20.087'."""
    digits = str(n)
    groups = []
    while digits:
        groups.append(digits[-3:])
        digits = digits[:-3]
    return ".".join(reversed(groups))


def nl_pct(x: float) -> str:
    """One decimal with a decimal comma: 28.3 -> '28,3%'."""
    whole, frac = divmod(round(x * 10), 10)
    return f"{whole},{frac}%"


# Key figures per section: (anchor, heading, first-year count, share %, salt of the chart).
SECTIONS = [
    ("instroom", "Instroom in technische opleidingen", 20087, 28.3),
    ("gediplomeerden", "Gediplomeerden techniek", 1234567, 31.7),
    ("doorstroom", "Doorstroom naar technisch werk", 15402, 44.0),
    ("behoud", "Behoud van technici", 987654, 62.5),
    ("vacatures", "Openstaande vacatures", 3021, 12.9),
]


def section_html(anchor: str, heading: str, count: int, share: float) -> str:
    rows = "".join(
        f'<tr><th scope="row">{2019 + j}</th><td class="num">{nl_int(count + 1111 * j)}</td>'
        f'<td class="num">{nl_pct(share + j / 10)}</td></tr>'
        for j in range(6)
    )
    return SECTION.substitute(
        anchor=anchor, heading=heading, year="2022", count=nl_int(count), share=nl_pct(share),
        alt=f"Staafdiagram {heading.lower()}, 2019 tot en met 2022, stijgend.",
        salt=f"chart-{anchor}", rows=rows,
    )


def page(title: str, sections: list[tuple[str, str, int, float]], *, language: str = "nl",
         extra: list[str] | None = None) -> str:
    """A report page as the batch makes it: notebook outputs through the real HTML renderer."""
    outputs = [TITLE.substitute(title=title, period="2023Q3", organisation="Ministerie van OCW")]
    outputs += [section_html(*s) for s in sections]
    outputs += extra or []
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "report.section()",
            outputs=[nbformat.v4.new_output("display_data", data={"text/html": html})],
        )
        for html in outputs
    ]
    return notebook_to_html(nb, title=title, language=language, kind="national")


def meta(title: str, language: str = "nl") -> PdfMeta:
    return PdfMeta(
        title=title,
        language=language,
        author="Ministerie van OCW",
        subject="Voortgang van het Masterplan Bèta en Technologie",
        keywords=("techniek", "onderwijs", "arbeidsmarkt"),
        period="2023Q3",
        appendix_line="Bijlage bij de voortgangsbrief Bèta en Technologie, 3e kwartaal 2023",
    )


REPORT_TITLE = "Techniek Monitor – Landelijk rapport Nederland, 3e kwartaal 2023"
APPENDIX_TITLE = "Techniek Monitor – Bijlage, 3e kwartaal 2023"
PARTS = [
    ("national-nl", "Techniek Monitor – Landelijk rapport Nederland, 3e kwartaal 2023", 0),
    ("sector-energie", "Techniek Monitor – Topsector Energie, 3e kwartaal 2023", 2),
    ("region-utrecht", "Techniek Monitor – Provincie Utrecht, 3e kwartaal 2023", 1),
]


def appendix_parts() -> list[AppendixPart]:
    """Each report printed on its own, as the batch does before it assembles the appendix."""
    parts = []
    for rid, title, offset in PARTS:
        secs = [(a, h, c + offset, s) for a, h, c, s in SECTIONS[: 3 + offset]]
        data = pdf.render_report_pdf(page(title, secs), meta(title))
        parts.append(AppendixPart(report_id=rid, title=title, pdf=data))
    return parts


@pytest.fixture(scope="module")
def report_html() -> str:
    return page(REPORT_TITLE, SECTIONS)


@pytest.fixture(scope="module")
def report_pdf(report_html: str) -> bytes:
    return pdf.render_report_pdf(report_html, meta(REPORT_TITLE))


@pytest.fixture(scope="module")
def parts() -> list[AppendixPart]:
    return appendix_parts()


@pytest.fixture(scope="module")
def appendix_pdf(parts: list[AppendixPart]) -> bytes:
    return pdf.render_appendix_pdf(parts, meta(APPENDIX_TITLE))


# -- helpers that read PDFs ----------------------------------------------------------------------


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


@functools.lru_cache(maxsize=8)
def page_texts(data: bytes) -> list[str]:
    """Text per page, whitespace (line breaks) folded to single spaces; cached (slow)."""
    with pdfplumber.open(io.BytesIO(data)) as doc:
        return [" ".join((p.extract_text() or "").split()) for p in doc.pages]


@functools.lru_cache(maxsize=8)
def page_lines(data: bytes, number: int) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as doc:
        return (doc.pages[number].extract_text() or "").splitlines()


def struct_elements(r: PdfReader) -> Iterator[DictionaryObject]:
    """Every structure element, depth first, in document order."""
    root = r.trailer["/Root"]["/StructTreeRoot"]
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        node = node.get_object() if isinstance(node, IndirectObject) else node
        if not isinstance(node, DictionaryObject):
            continue
        if "/S" in node:
            yield node
        kids = node.get("/K")
        if kids is None:
            continue
        kids = kids if isinstance(kids, list) else [kids]
        stack.extend(reversed([k for k in kids if isinstance(k, IndirectObject)]))


def page_index(r: PdfReader) -> dict[int, int]:
    return {p.indirect_reference.idnum: i for i, p in enumerate(r.pages)}


def whole_charts_per_page(data: bytes) -> dict[int, int]:
    """Charts drawn whole on a page: a /Figure whose <figure> also holds its /Caption there.

    WeasyPrint builds the structure tree page by page: a ``<figure>`` cut by a page break
    becomes two elements, one per page, and the /Figure (the SVG) loses its /Caption sibling.
    The chart's box must also lie inside the page's content area.
    """
    r = reader(data)
    pages = page_index(r)
    counts: dict[int, int] = {}
    for el in struct_elements(r):
        if el["/S"] != "/Figure":
            continue
        page_no = pages[el.raw_get("/Pg").idnum]
        parent = el["/P"]
        siblings = [k.get_object() for k in parent["/K"] if isinstance(k, IndirectObject)]
        has_caption = any(s.get("/S") == "/Caption" for s in siblings)
        same_page = pages[parent.raw_get("/Pg").idnum] == page_no
        _, y1, _, y2 = (float(v) for v in el["/A"]["/BBox"])
        inside = y1 >= TOP_MARGIN_PX - 1 and y2 <= A4_HEIGHT_PX - BOTTOM_MARGIN_PX + 1
        if has_caption and same_page and inside:
            counts[page_no] = counts.get(page_no, 0) + 1
    return counts


CONTENT_TAGS = ("/P", "/Figure", "/Table", "/L")


def stranded_headings(data: bytes) -> list[tuple[str, int]]:
    """Headings whose next content block (paragraph, chart, table, list) is on a later page."""
    r = reader(data)
    pages = page_index(r)
    seq = [
        (str(e["/S"]), pages[e.raw_get("/Pg").idnum])
        for e in struct_elements(r)
        if str(e["/S"]) in ("/H1", "/H2", "/H3", "/H4", *CONTENT_TAGS)
    ]
    stranded = []
    for i, (tag, page_no) in enumerate(seq):
        if tag.startswith("/H"):
            nxt = next((p for t, p in seq[i + 1 :] if t in CONTENT_TAGS), None)
            if nxt is not None and nxt != page_no:
                stranded.append((tag, page_no + 1))
    return stranded


def outline_tree(r: PdfReader) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """The outline as (title, page, [(child title, page)])."""
    result: list[tuple[str, int, list[tuple[str, int]]]] = []
    for item in r.outline:
        if isinstance(item, list):
            parent = result[-1]
            for child in item:
                assert not isinstance(child, list), "outline deeper than report > section"
                parent[2].append((str(child.title), r.get_destination_page_number(child)))
        else:
            result.append((str(item.title), r.get_destination_page_number(item), []))
    return result


def unembedded_fonts(r: PdfReader) -> list[str]:
    """Base names of fonts without a font file, searched through pages and form XObjects."""
    missing: list[str] = []
    seen: set[int] = set()

    def check_font(font: DictionaryObject) -> None:
        descendants = font.get("/DescendantFonts")
        targets = [d.get_object() for d in descendants] if descendants else [font]
        for target in targets:
            desc = target.get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else None
            if font.get("/Subtype") == "/Type3":
                continue  # glyphs drawn by the content stream itself
            if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2",
                                                          "/FontFile3")):
                missing.append(str(font.get("/BaseFont")))

    def walk(resources: Any) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        fonts = resources.get("/Font")
        if fonts is not None:
            for ref in fonts.get_object().values():
                font = ref.get_object()
                if id(font) not in seen:
                    seen.add(id(font))
                    check_font(font)
        xobjects = resources.get("/XObject")
        if xobjects is not None:
            for ref in xobjects.get_object().values():
                xobj = ref.get_object()
                if isinstance(ref, IndirectObject):
                    if ref.idnum in seen:
                        continue
                    seen.add(ref.idnum)
                walk(xobj.get("/Resources"))

    for p in r.pages:
        walk(p.get("/Resources"))
    return missing


def font_names(r: PdfReader) -> set[str]:
    names: set[str] = set()
    for p in r.pages:
        fonts = p.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object().get("/BaseFont")).split("+")[-1])
    return names


TOC_LINE = re.compile(r"^(?P<text>.+?)\s+(?P<page>\d+)$")


def toc_entries(lines: list[str]) -> list[tuple[str, int]]:
    """``(text, page)`` per contents line: below the heading, without the page footer."""
    out = []
    heading = next(i for i, line in enumerate(lines) if line.strip() in ("Inhoud", "Contents"))
    for line in lines[heading + 1:]:
        if line.startswith(("pagina ", "page ")):
            continue
        m = TOC_LINE.match(line.strip())
        if m:
            out.append((m.group("text").strip(), int(m.group("page"))))
    return out


# -- one report ----------------------------------------------------------------------------------


def test_report_metadata_and_pdf_ua(report_pdf: bytes) -> None:
    r = reader(report_pdf)
    root = r.trailer["/Root"]
    info = r.metadata
    assert info is not None
    assert info.title == REPORT_TITLE
    assert info.author == "Ministerie van OCW"
    assert info.subject == "Voortgang van het Masterplan Bèta en Technologie"
    assert info["/Keywords"] == "techniek, onderwijs, arbeidsmarkt"
    assert info["/CreationDate"] == info["/ModDate"] == "D:20230930120000Z"
    assert root["/Lang"] == "nl"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] is True or str(
        root["/ViewerPreferences"]["/DisplayDocTitle"]).lower() == "true"
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfuaid:part="1"' in xmp
    assert REPORT_TITLE in xmp  # dc:title
    assert "2023-09-30" in xmp


def test_report_pages_cover_toc_and_running_texts(report_pdf: bytes) -> None:
    texts = page_texts(report_pdf)
    n = len(texts)
    assert n >= 4  # cover, contents, at least two pages of content
    cover = texts[0]
    assert "Bijlage bij de voortgangsbrief Bèta en Technologie" in cover
    assert "Techniek Monitor – Landelijk rapport" in cover and "3e kwartaal 2023" in cover
    assert "Ministerie van OCW" in cover
    assert "pagina" not in cover  # no header/footer on the cover
    assert "Inhoud" in texts[1]
    for i, text in enumerate(texts[1:], start=2):
        assert f"pagina {i} van {n}" in text
        assert "Techniek Monitor – Landelijk rapport Nederland" in text
        assert "3e kwartaal 2023" in text
    # The table of contents lists every section with the page its heading is on.
    entries = toc_entries(page_lines(report_pdf, 1))
    assert [e[0] for e in entries] == [s[1] for s in SECTIONS]
    for heading, number in entries:
        assert heading in texts[number - 1], f"{heading!r} not on page {number}"
    # No code, no skip link.
    joined = "\n".join(texts)
    assert "Naar de inhoud" not in joined
    assert "report.section()" not in joined


def test_report_key_figures_in_dutch_format(report_pdf: bytes) -> None:
    joined = "\n".join(page_texts(report_pdf))
    for _, heading, count, share in SECTIONS:
        assert heading in joined
        assert f"begonnen {nl_int(count)} studenten" in joined
        assert nl_pct(share) in joined
    assert "20.087" in joined and "1.234.567" in joined and "28,3%" in joined


def test_report_outline_is_title_then_sections(report_pdf: bytes) -> None:
    r = reader(report_pdf)
    tree = outline_tree(r)
    assert len(tree) == 1
    title, first_page, children = tree[0]
    assert title == REPORT_TITLE
    assert first_page == 0
    assert [c[0] for c in children] == [s[1] for s in SECTIONS]
    texts = page_texts(report_pdf)
    for heading, number in children:
        assert heading in texts[number]


def test_report_fonts_embedded(report_pdf: bytes) -> None:
    r = reader(report_pdf)
    assert unembedded_fonts(r) == []
    assert any(name.replace("-", "").startswith("FiraSans") for name in font_names(r))


def test_report_every_chart_whole_on_one_page_with_alt_text(report_pdf: bytes) -> None:
    r = reader(report_pdf)
    figures = [el for el in struct_elements(r) if el["/S"] == "/Figure"]
    assert len(figures) == len(SECTIONS)
    for el, (_, heading, _, _) in zip(figures, SECTIONS, strict=True):
        assert str(el["/Alt"]).startswith(f"Staafdiagram {heading.lower()}")
    per_page = whole_charts_per_page(report_pdf)
    assert sum(per_page.values()) == len(SECTIONS)


def test_report_no_heading_stranded_at_a_page_bottom(report_pdf: bytes) -> None:
    assert stranded_headings(report_pdf) == []


def test_long_table_breaks_between_rows_with_caption_and_heading() -> None:
    rows = "".join(
        f'<tr><th scope="row">Indicator {i} met een wat langere naam</th>'
        f'<td class="num">{nl_int(1000 * i + 7)}</td></tr>'
        for i in range(70)
    )
    long_table = (
        '<section id="lang" aria-labelledby="lang-h"><h2 id="lang-h">Alle indicatoren</h2>'
        '<div class="table-wrap"><table class="data"><caption>Alle indicatoren</caption>'
        '<thead><tr><th scope="col">Indicator</th><th scope="col">Waarde</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div></section>"
    )
    html = page(REPORT_TITLE, SECTIONS[:1], extra=[long_table])
    text = pdf.report_print_html(html, meta(REPORT_TITLE))
    assert text.count("tm-long") == 2  # the table and its wrapper; short tables stay whole
    data = pdf.render_report_pdf(html, meta(REPORT_TITLE))
    r = reader(data)
    pages = page_index(r)
    tables = [e for e in struct_elements(r) if e["/S"] == "/Table"]
    # WeasyPrint tags a table once per page it is on: the first is the short section table.
    fragments = [
        (pages[t.raw_get("/Pg").idnum],
         [str(k.get_object().get("/S")) for k in t["/K"] if isinstance(k, IndirectObject)])
        for t in tables[1:]
    ]
    assert len({p for p, _ in fragments}) >= 2  # the long table continues over pages
    first_kids = fragments[0][1]
    assert first_kids[0] == "/Caption" and "/TBody" in first_kids  # caption with first rows
    assert all("/Caption" not in kids for _, kids in fragments[1:])
    assert all("/THead" in kids for _, kids in fragments)  # header repeated on every page
    lang_pages = {p for p, _ in fragments}
    assert stranded_headings(data) == []
    texts = page_texts(data)
    assert nl_int(69007) in texts[max(lang_pages)]


def test_report_tables_have_header_cells(report_pdf: bytes) -> None:
    r = reader(report_pdf)
    tags = [str(el["/S"]) for el in struct_elements(r)]
    assert tags.count("/Table") == len(SECTIONS)
    assert tags.count("/TH") >= len(SECTIONS) * (3 + 6)
    assert "/H1" in tags and "/H2" in tags


def test_report_byte_identical_in_process(report_html: str, report_pdf: bytes) -> None:
    again = pdf.render_report_pdf(report_html, meta(REPORT_TITLE))
    assert again == report_pdf


def test_report_byte_identical_in_fresh_process(report_html: str, report_pdf: bytes,
                                                tmp_path: Path) -> None:
    src = tmp_path / "page.html"
    src.write_text(report_html, encoding="utf-8")
    code = (
        "import sys, hashlib\n"
        "from techmonitor.render import pdf\n"
        f"m = pdf.PdfMeta(**{meta(REPORT_TITLE).__dict__!r})\n"
        "html = open(sys.argv[1], encoding='utf-8').read()\n"
        "print(hashlib.sha256(pdf.render_report_pdf(html, m)).hexdigest())\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(src)], capture_output=True,
                         text=True, check=True, timeout=120)
    assert out.stdout.strip() == hashlib.sha256(report_pdf).hexdigest()


def test_report_in_english() -> None:
    title = "Techniek Monitor – National report Netherlands, Q3 2023"
    html = page(title, SECTIONS[:2], language="en")
    data = pdf.render_report_pdf(html, meta(title, language="en"))
    r = reader(data)
    assert r.trailer["/Root"]["/Lang"] == "en"
    texts = page_texts(data)
    assert "Contents" in texts[1]
    assert f"page 2 of {len(texts)}" in texts[1]
    assert "Q3 2023" in texts[2]
    # In a Dutch appendix the English report keeps its language, on its /Part.
    appendix = pdf.render_appendix_pdf(
        [AppendixPart("national-en", title, data)], meta(APPENDIX_TITLE))
    doc = pikepdf.open(io.BytesIO(appendix))
    assert str(doc.Root.Lang) == "nl"
    parts = [k for k in doc.Root.StructTreeRoot.K[0].K if k.get("/S") == "/Part"]
    assert [str(k.Lang) for k in parts] == ["en"]
    assert structure_problems(appendix) == []
    assert f"page 2 of {len(texts)}" not in page_texts(appendix)[3]  # numbered through
    assert f"pagina 4 van {len(page_texts(appendix))}" in page_texts(appendix)[3]


def test_running_texts_come_off_again(report_pdf: bytes) -> None:
    """The appendix takes a report's header and footer off before it numbers pages anew."""
    stamped = pdfpages.open_pdf(report_pdf)
    assert any(pdfpages.RUNNING_MARK in s for s in stamped.pages[1].obj.Contents)
    pdfpages.strip_running(stamped)
    for page_obj in stamped.pages:
        contents = page_obj.obj.Contents
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        assert not any(pdfpages.RUNNING_MARK in s for s in streams)
        assert not any(str(k).startswith("/TmRun")
                       for k in page_obj.obj.Resources.get("/XObject", {}).keys())
    texts = page_texts(pdfpages.save_pdf(stamped))
    assert not any("pagina" in t for t in texts)
    assert "Inhoud" in texts[1]
    assert not any("Techniek Monitor – Landelijk rapport Nederland" in t for t in texts[1:])
    # the appendix takes off only the page numbers: the header (title, period) stays
    footers_off = pdfpages.open_pdf(report_pdf)
    pdfpages.strip_running(footers_off, (pdfpages.FOOTER,))
    texts = page_texts(pdfpages.save_pdf(footers_off))
    assert not any("pagina" in t for t in texts)
    assert all("Techniek Monitor – Landelijk rapport Nederland" in t for t in texts[1:])


def test_table_header_ids_unique_in_the_appendix() -> None:
    """Two reports of the same shape: WeasyPrint gives their header cells the same ids."""
    data = [pdf.render_report_pdf(page(t, SECTIONS[:2]), meta(t)) for t in (REPORT_TITLE,
                                                                           APPENDIX_TITLE)]
    appendix = pdf.render_appendix_pdf(
        [AppendixPart(f"r{k}", t, d) for k, (t, d) in enumerate(
            zip((REPORT_TITLE, APPENDIX_TITLE), data, strict=True))], meta(APPENDIX_TITLE))
    doc = pikepdf.open(io.BytesIO(appendix))
    elements = all_struct_elements(doc)
    ids = [str(e.ID) for e in elements if "/ID" in e]
    assert ids and len(ids) == len(set(ids))
    id_tree = {str(k): v.objgen for k, v in pikepdf.NameTree(
        doc.Root.StructTreeRoot.IDTree).items()}
    assert set(id_tree) == set(ids)
    headers = [str(h) for e in elements for a in _attributes(e) for h in a.get("/Headers", [])]
    assert headers and set(headers) <= set(id_tree)
    # a cell's header cells are in the same report (/Part) as the cell
    part_of: dict[tuple[int, int], int] = {}
    parts = [k for k in doc.Root.StructTreeRoot.K[0].K if k.get("/S") == "/Part"]
    assert len(parts) == 2
    for number, part in enumerate(parts):
        for e in struct_subtree(part):
            part_of[e.objgen] = number
    cells = 0
    for e in elements:
        for a in _attributes(e):
            for h in a.get("/Headers", []):
                assert part_of[id_tree[str(h)]] == part_of[e.objgen]
                cells += 1
    assert cells > 0


def _attributes(element: Any) -> list[Any]:
    attrs = element.get("/A")
    items = list(attrs) if isinstance(attrs, pikepdf.Array) else [attrs]
    return [a for a in items if isinstance(a, pikepdf.Dictionary)]


def all_struct_elements(doc: Any) -> list[Any]:
    """Structure elements reachable from the root (read with pikepdf)."""
    return struct_subtree(doc.Root.StructTreeRoot.K)


def struct_subtree(top: Any) -> list[Any]:
    """``top`` (an element or an array of them) and every element below it."""
    found, stack, seen = [], [top], set()
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Array):
            stack.extend(item)
        elif isinstance(item, pikepdf.Dictionary) and "/S" in item and item.objgen not in seen:
            seen.add(item.objgen)
            found.append(item)
            if "/K" in item:
                stack.append(item.K)
    return found


def test_split_detector_sees_a_cut_chart() -> None:
    """Guard for the test above: without break-inside: avoid the detector reports the cut."""
    from weasyprint import HTML

    chart = section_html(*SECTIONS[0]).split('<figure class="chart-figure">')[1]
    chart = chart.split("</figure>")[0]
    body = (
        '<div style="height: 190mm"></div>'
        f'<figure class="chart-figure" style="margin: 0">{chart}</figure>'
    )
    body = body.replace('viewBox="0 0 454 198"', 'viewBox="0 0 454 198" style="height: 100mm"')
    head = ("<style>@page { size: A4; margin: 24mm 20mm 20mm 22mm } body { margin: 0 }"
            "figcaption { font-size: 14pt }</style>")
    plain = HTML(string=f'<html lang="nl"><head><title>t</title>{head}</head><body>{body}'
                 "</body></html>").write_pdf(pdf_variant="pdf/ua-1")
    assert sum(whole_charts_per_page(plain).values()) == 0  # cut: svg and caption apart
    printed = pdf.render_report_pdf(
        page(REPORT_TITLE, [], extra=[f"<main>{body}</main>"]), meta(REPORT_TITLE)
    )
    assert sum(whole_charts_per_page(printed).values()) == 1


# -- the appendix --------------------------------------------------------------------------------


def test_appendix_outline_matches_reports_and_sections(appendix_pdf: bytes) -> None:
    r = reader(appendix_pdf)
    tree = outline_tree(r)
    assert [t[0] for t in tree] == [p[1] for p in PARTS]
    texts = page_texts(appendix_pdf)
    previous = 1
    for (title, first, children), (_, _, offset) in zip(tree, PARTS, strict=True):
        assert [c[0] for c in children] == [s[1] for s in SECTIONS[: 3 + offset]]
        assert first > previous  # reports in order, each after the cover and contents
        previous = first
        assert title in texts[first]
        for heading, number in children:
            assert heading in texts[number]


def test_appendix_toc_and_page_numbers_run_through(appendix_pdf: bytes) -> None:
    texts = page_texts(appendix_pdf)
    n = len(texts)
    assert APPENDIX_TITLE in texts[0]
    assert "Bijlage bij de voortgangsbrief" in texts[0]
    assert "Inhoud" in texts[1]
    entries = toc_entries(page_lines(appendix_pdf, 1))
    expected = []
    for _, title, offset in PARTS:
        expected += [title] + [s[1] for s in SECTIONS[: 3 + offset]]
    assert [e[0] for e in entries] == expected
    for text, number in entries:
        assert text in texts[number - 1], f"{text!r} not on page {number}"
    # Each report starts with its cover: no page number there; every other page is numbered
    # through the whole appendix, with the running header of the report it belongs to.
    r = reader(appendix_pdf)
    tree = outline_tree(r)
    covers = {first for _, first, _ in tree}
    assert covers == {number - 1 for text, number in entries if text in {p[1] for p in PARTS}}
    for i, text in enumerate(texts[1:], start=1):
        if i in covers:
            assert "pagina" not in text and "Bijlage bij de voortgangsbrief" in text
        else:
            assert f"pagina {i + 1} van {n}" in text
    starts = sorted(covers) + [n]
    for k, (title, first, _) in enumerate(tree):
        for i in range(first + 1, starts[k + 1]):
            assert title.removesuffix(", 3e kwartaal 2023") in texts[i]
    # The reports' own contents pages are left out: "Inhoud" only on the appendix's.
    assert [i for i, text in enumerate(texts) if text.startswith("Techniek Monitor") and
            "Inhoud" in text.split("3e kwartaal 2023")[-1][:40]] in ([], [1])


def test_appendix_structure_metadata_fonts_charts(appendix_pdf: bytes) -> None:
    r = reader(appendix_pdf)
    root = r.trailer["/Root"]
    assert r.metadata is not None and r.metadata.title == APPENDIX_TITLE
    assert root["/Lang"] == "nl"
    assert "/StructTreeRoot" in root
    assert 'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data().decode()
    assert unembedded_fonts(r) == []
    n_charts = sum(3 + offset for _, _, offset in PARTS)
    figures = [el for el in struct_elements(r) if el["/S"] == "/Figure"]
    assert len(figures) == n_charts
    assert all(str(el.get("/Alt", "")).startswith("Staafdiagram") for el in figures)
    assert sum(whole_charts_per_page(appendix_pdf).values()) == n_charts
    h1 = [el for el in struct_elements(r) if el["/S"] == "/H1"]
    assert len(h1) == 1 + len(PARTS)  # the appendix title and one per report
    assert stranded_headings(appendix_pdf) == []


def test_appendix_key_figures(appendix_pdf: bytes) -> None:
    joined = "\n".join(page_texts(appendix_pdf))
    for _, _, offset in PARTS:
        for _, _, count, _ in SECTIONS[: 3 + offset]:
            assert f"begonnen {nl_int(count + offset)} studenten" in joined


def test_appendix_links_and_destinations_resolve(appendix_pdf: bytes) -> None:
    """Every link lands on a page of the appendix; section names do not clash between reports."""
    doc = pikepdf.open(io.BytesIO(appendix_pdf))
    pages = {p.obj.objgen: i for i, p in enumerate(doc.pages)}
    dests = {str(k): v for k, v in pikepdf.NameTree(doc.Root.Names.Dests).items()}
    assert all(v[0].objgen in pages for v in dests.values())
    for rid, _, offset in PARTS:
        for anchor, *_ in SECTIONS[: 3 + offset]:
            assert f"{rid}/{anchor}" in dests  # one per report, prefixed
    nums = doc.Root.StructTreeRoot.ParentTree.Nums
    links = {int(nums[k]): nums[k + 1] for k in range(0, len(nums), 2)}
    targets: dict[tuple[int, int], int] = {}  # per link element (text and number: 2 areas)
    for i, page_obj in enumerate(doc.pages):
        for annot in page_obj.obj.get("/Annots", []):
            dest = annot.get("/Dest")
            assert dest is not None, f"link on page {i + 1} goes nowhere"
            if isinstance(dest, pikepdf.String):
                dest = dests[str(dest)]
            assert dest[0].objgen in pages
            if i == 1:  # the contents page
                element = links[int(annot.StructParent)].objgen
                page_no = pages[dest[0].objgen] + 1
                assert targets.setdefault(element, page_no) == page_no
                # a screen reader announces the entry, not a made-up URI
                assert str(annot.Contents) in {text for text, _ in toc_entries(
                    page_lines(appendix_pdf, 1))}
    printed = [number for _, number in toc_entries(page_lines(appendix_pdf, 1))]
    assert list(targets.values()) == printed


def test_structure_trees_are_whole(report_pdf: bytes, appendix_pdf: bytes) -> None:
    """Parent tree, pages, marked content and link annotations agree (the appendix is merged)."""
    for data in (report_pdf, appendix_pdf):
        assert structure_problems(data) == []


def test_running_texts_are_pagination_artifacts(report_pdf: bytes) -> None:
    doc = pikepdf.open(io.BytesIO(report_pdf))
    for i, page_obj in enumerate(doc.pages):
        ops = pikepdf.parse_content_stream(page_obj)
        names = [str(op.operator) for op in ops]
        if i == 0:
            assert "Do" not in names or all(
                not str(op.operands[0]).startswith("/TmRun") for op in ops
                if str(op.operator) == "Do")
            continue
        # header and footer are drawn last, each inside /Artifact marked content
        kinds = []
        for do in (k for k, op in enumerate(ops) if str(op.operator) == "Do"
                   and str(op.operands[0]).startswith("/TmRun")):
            bdc = max(k for k in range(do) if names[k] == "BDC")
            assert str(ops[bdc].operands[0]) == "/Artifact"
            assert names[bdc + 1: do + 3] == ["q", "Do", "Q", "EMC"]
            kinds.append(str(ops[bdc].operands[1]["/Subtype"]))
        assert kinds == ["/Header", "/Footer"]
        assert names[-4:] == ["q", "Do", "Q", "EMC"]  # nothing drawn over them


def structure_problems(data: bytes) -> list[str]:
    """Inconsistencies between the structure tree and the pages, read with pikepdf."""
    doc = pikepdf.open(io.BytesIO(data))
    pages = {p.obj.objgen: i for i, p in enumerate(doc.pages)}
    tree = doc.Root.StructTreeRoot
    nums = tree.ParentTree.Nums
    parent_tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    problems = []
    for i, page_obj in enumerate(doc.pages):
        entry = parent_tree.get(int(page_obj.obj.StructParents))
        if entry is None:
            problems.append(f"page {i + 1}: no parent tree entry")
            continue
        mcids = [int(op.operands[1]["/MCID"]) for op in pikepdf.parse_content_stream(page_obj)
                 if str(op.operator) == "BDC" and isinstance(op.operands[1], pikepdf.Dictionary)
                 and "/MCID" in op.operands[1]]
        if mcids and len(entry) <= max(mcids):
            problems.append(f"page {i + 1}: MCID {max(mcids)} has no structure element")
        problems += [f"page {i + 1}: MCID element on another page" for el in entry
                     if pages.get(el.Pg.objgen) != i]
        for annot in page_obj.obj.get("/Annots", []):
            element = parent_tree.get(int(annot.get("/StructParent", -1)))
            objs = [] if element is None else [
                k.Obj.objgen for k in element.K
                if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]
            if annot.objgen not in objs:
                problems.append(f"page {i + 1}: link annotation not in the structure tree")
    stack = [(tree.K[0] if isinstance(tree.K, pikepdf.Array) else tree.K, tree)]
    while stack:
        element, parent = stack.pop()
        if element.P.objgen != parent.objgen:
            problems.append(f"{element.S} has the wrong parent")
        if "/Pg" in element and element.Pg.objgen not in pages:
            problems.append(f"{element.S} refers to a page not in the document")
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                stack.append((kid, element))
    # all marked content belongs to the tree: no element only the parent tree knows
    reachable = {e.objgen for e in all_struct_elements(doc)}
    for key, entry in parent_tree.items():
        members = list(entry) if isinstance(entry, pikepdf.Array) else [entry]
        if any(m.objgen not in reachable for m in members if isinstance(m, pikepdf.Dictionary)):
            problems.append(f"parent tree entry {key}: element outside the structure tree")
    if int(tree.get("/ParentTreeNextKey", max(parent_tree) + 1)) <= max(parent_tree):
        problems.append("ParentTreeNextKey is not past the last key")
    return problems


def test_lowercased_svg_names_are_restored_for_the_chart_image() -> None:
    """An HTML serialiser may write viewbox/clippath; the SVG image needs viewBox/clipPath."""
    svg = section_html(*SECTIONS[0])
    svg = svg.replace("viewBox=", "viewbox=").replace("clipPath", "clippath")
    text = pdf.report_print_html(page(REPORT_TITLE, [], extra=[svg]), meta(REPORT_TITLE))
    data = re.search(r'data:image/svg\+xml;base64,([^"]+)"', text)
    assert data is not None
    chart = base64.b64decode(data.group(1)).decode("utf-8")
    assert 'viewBox="0 0 454 198"' in chart and 'width="454" height="198"' in chart
    assert "<clipPath " in chart and "</clipPath>" in chart and "clippath" not in chart


def test_svg_that_is_not_xml_stays_inline_with_its_alt_text() -> None:
    broken = ('<figure class="chart-figure"><svg viewBox="0 0 10 10" role="img" '
              'aria-label="Een vierkant &nbsp;"><rect width="10" height="10"></svg>'
              "<figcaption>Vierkant</figcaption></figure>")
    html = page(REPORT_TITLE, [], extra=[broken])
    data = pdf.render_report_pdf(html, meta(REPORT_TITLE))
    figures = [el for el in struct_elements(reader(data)) if el["/S"] == "/Figure"]
    assert [str(f["/Alt"]).strip() for f in figures] == ["Een vierkant"]


def test_appendix_byte_identical(parts: list[AppendixPart], appendix_pdf: bytes) -> None:
    assert pdf.render_appendix_pdf(parts, meta(APPENDIX_TITLE)) == appendix_pdf


# -- errors ----------------------------------------------------------------------------------------


def test_image_without_alt_text_is_an_error() -> None:
    img = ('<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlE'
           'QVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==">')
    html = page(REPORT_TITLE, SECTIONS[:1], extra=[img])
    with pytest.raises(RenderError, match="alt"):
        pdf.render_report_pdf(html, meta(REPORT_TITLE))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"period": "2023-09"}, "quarter"),
        ({"language": "de"}, "language"),
        ({"title": " "}, "title"),
    ],
)
def test_bad_meta_is_a_clear_error(change: dict[str, str], message: str) -> None:
    bad = PdfMeta(**{**meta(REPORT_TITLE).__dict__, **change})
    with pytest.raises(RenderError, match=message):
        pdf.render_report_pdf("<html><body><main></main></body></html>", bad)


def test_appendix_errors(parts: list[AppendixPart]) -> None:
    with pytest.raises(RenderError, match="no reports"):
        pdf.render_appendix_pdf([], meta(APPENDIX_TITLE))
    with pytest.raises(RenderError, match="twice"):
        pdf.render_appendix_pdf([parts[0], parts[0]], meta(APPENDIX_TITLE))
    with pytest.raises(RenderError, match="not a readable PDF"):
        pdf.render_appendix_pdf([AppendixPart("x", "X", b"<p>no pdf</p>")], meta(APPENDIX_TITLE))
    foreign = HTML(string="<p>Een PDF van elders</p>").write_pdf()
    with pytest.raises(RenderError, match="x: the PDF has no 'tm-toc-h' anchor"):
        pdf.render_appendix_pdf([AppendixPart("x", "X", foreign)], meta(APPENDIX_TITLE))


def test_period_date() -> None:
    assert pdf.period_date("2023Q1") == "2023-03-31T12:00:00Z"
    assert pdf.period_date("2024Q4") == "2024-12-31T12:00:00Z"
