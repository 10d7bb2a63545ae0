"""The Typst PDF/UA renderer: structure, accessibility, literal text, appendix, determinism.

Documents are built by hand from the document model; every assertion opens the PDF
(pikepdf for the structure tree, metadata and fonts; pypdf for the text).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import matplotlib
import pikepdf
import pypdf
import pytest
from techmonitor.errors import RenderError
from techmonitor.render.typst import (
    AppendixPart,
    PdfMeta,
    period_date,
    render_appendix_pdf,
    render_report_pdf,
)
from techmonitor.report import document as d

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)

ALT = "Lijn van de instroom: stijgt van 100 in 2015 naar 160 in 2023"
HOSTILE = r"<script>alert(1)</script> #set *vet* _schuin_ $x$ [a] @ref <label> back\slash"
TITLE = "Techniek Monitor – Topsector Energie, 3e kwartaal 2023"
SECTIONS = ("Kernboodschappen", "Doel 1: meer jongeren kiezen techniek", "Verantwoording")
ROWS = 70  # more than one page holds


def _meta(title: str = TITLE, language: str = "nl") -> PdfMeta:
    return PdfMeta(title=title, language=language, author="Ministerie van OCW",
                   subject="Voortgang van het Masterplan Bèta en Technologie",
                   keywords=("Techniek Monitor", "2023Q3"), period="2023Q3",
                   appendix_line="Bijlage bij de voortgangsbrief Bèta en Technologie")


@pytest.fixture(scope="module")
def chart_svg() -> str:
    fig, ax = plt.subplots(figsize=(5, 2.5))
    ax.plot(range(2015, 2024), [100, 105, 112, 118, 125, 133, 140, 150, 160])
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    return buf.getvalue()


def _report(svg: str, title: str = TITLE, *, hostile: bool = True,
            english: bool = False) -> list[dict[str, Any]]:
    words = ("Key messages", "Goal 1: more young people choose technology", "Accounting") \
        if english else SECTIONS
    front = d.Front(title, "sector-energie",
                    (("Verslagperiode", "3e kwartaal 2023"), ("Opgesteld door", "OCW")),
                    "Inhoud", (("kern", words[0]), ("doel-1", words[1])),
                    notice="Let op: dit rapport bevat illustratieve gegevens.")
    table = d.table(
        "Instroom per indicator" + (" " + HOSTILE if hostile else ""),
        [d.Column("Indicator"), d.Column("Aantal", "personen", numeric=True),
         d.Column("Status")],
        [[d.Cell(f"Indicator {i}"), d.Cell(f"{1000 + i}"),
          d.status_cell("on_track", "op koers", "✓") if i % 2 else
          d.status_cell("behind", "achter", "!")] for i in range(ROWS)],
        note="* voorlopig cijfer")
    kern = d.section(words[0], "kern",
                     d.Paragraph("De instroom in het technisch onderwijs groeit. " * 4),
                     d.Paragraph(HOSTILE) if hostile else None,
                     d.BulletList(("eerste punt", "tweede punt")),
                     d.Callout("Illustratieve gegevens: geen gepubliceerde cijfers."))
    doel = d.section(words[1], "doel-1",
                     d.Heading("Instroom", 3, "doel-1-instroom"),
                     d.Figure(svg, ALT, "Instroom per jaar", "Bron: DUO open data"),
                     d.Note("De trend kon niet worden geschat: te weinig waarnemingen.",
                            "failure"),
                     table)
    rest = d.section(words[2], "verantwoording",
                     d.KeyValue((("Bron", "DUO"), ("Definitie", "CROHO techniek"))),
                     d.Code("techmonitor run --report sector-energie"))
    return [n.to_json() for n in (front, kern, doel, rest)]


@pytest.fixture(scope="module")
def report_pdf(chart_svg: str) -> bytes:
    return render_report_pdf(_report(chart_svg), _meta())


@pytest.fixture(scope="module")
def appendix(chart_svg: str) -> tuple[bytes, list[AppendixPart], list[bytes]]:
    parts = []
    for i, lang in enumerate(("nl", "en", "nl")):
        title = (f"Techniek Monitor – Top sector {i}, 3rd quarter 2023" if lang == "en"
                 else f"Techniek Monitor – Topsector {i}, 3e kwartaal 2023")
        parts.append(AppendixPart(f"sector-{i}", title,
                                  _report(chart_svg, title, hostile=False,
                                          english=lang == "en"), lang))
    meta = _meta("Techniek Monitor – bijlage, 3e kwartaal 2023")
    alone = [render_report_pdf(p.document, _meta(p.title, p.language)) for p in parts]
    return render_appendix_pdf(parts, meta), parts, alone


def _elements(pdf: pikepdf.Pdf) -> Iterator[Any]:
    """The structure elements in document (reading) order."""
    stack: list[Any] = [pdf.Root.StructTreeRoot]
    while stack:
        el = stack.pop()
        yield el
        k = el.get("/K")
        if k is None:
            continue
        kids: list[Any] = list(k) if isinstance(k, pikepdf.Array) else [k]
        stack.extend(k for k in reversed(kids)
                     if isinstance(k, pikepdf.Dictionary) and "/S" in k)


def _tags(pdf: pikepdf.Pdf) -> list[str]:
    return [str(e.S) for e in _elements(pdf) if "/S" in e]


def _texts(data: bytes) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages]


def _outline(data: bytes) -> list[tuple[str, list[str]]]:
    with pikepdf.open(io.BytesIO(data)) as pdf, pdf.open_outline() as outline:
        return [(str(it.title), [str(c.title) for c in it.children]) for it in outline.root]


# ---- one report ---------------------------------------------------------------------------

def test_report_is_tagged_pdf_ua_with_language_and_title(report_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(report_pdf)) as pdf:
        assert str(pdf.Root.Lang) == "nl"
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        assert "/StructTreeRoot" in pdf.Root
        xmp = str(pdf.open_metadata())
        assert re.search(r"<pdfuaid:part>1</pdfuaid:part>", xmp)
        assert TITLE in xmp
        assert str(pdf.docinfo.Title) == TITLE
        assert str(pdf.docinfo.Author) == "Ministerie van OCW"
        # the document date is the last day of the quarter (2023Q3 → 30 September 2023)
        assert str(pdf.docinfo.CreationDate).startswith("D:20230930")
    assert period_date("2023Q3").isoformat() == "2023-09-30"


def test_report_headings_contents_and_bookmarks(report_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(report_pdf)) as pdf:
        tags = _tags(pdf)
        h1 = [str(e.T) for e in _elements(pdf) if e.get("/S") == "/H1"]
        h2 = {str(e.T) for e in _elements(pdf) if e.get("/S") == "/H2"}
    assert h1 == [TITLE]
    assert set(SECTIONS) <= h2 and "Inhoud" in h2
    assert "/H3" in tags
    assert tags.count("/TOCI") == len(SECTIONS) and "/TOC" in tags
    (top, children), = _outline(report_pdf)
    assert top == TITLE
    assert children == list(SECTIONS)  # the sections only: not the contents, not the H3
    contents = _texts(report_pdf)[1]
    assert all(s in contents for s in SECTIONS)


def test_figure_has_alt_text(report_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(report_pdf)) as pdf:
        alts = [str(e.Alt) for e in _elements(pdf) if e.get("/S") == "/Figure"]
    assert alts == [ALT]
    assert "Bron: DUO open data" in "".join(_texts(report_pdf))


def test_table_has_header_cells_repeated_across_pages(report_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(report_pdf)) as pdf:
        tags = _tags(pdf)
    assert tags.count("/Table") == 1 and "/THead" in tags and "/TBody" in tags
    assert tags.count("/TH") == 3
    assert tags.count("/TD") == 3 * ROWS
    pages = [t for t in _texts(report_pdf) if "Indicator " in t]
    assert len(pages) >= 2, "the long table should break across pages"
    assert all("Aantal (personen)" in t for t in pages), "header row on every page"
    text = "".join(pages)
    assert "✓ op koers" in text and "! achter" in text  # symbol and word, not colour alone
    assert "* voorlopig cijfer" in pages[-1]


def test_page_footer_counts_all_pages(report_pdf: bytes) -> None:
    texts = _texts(report_pdf)
    n = len(texts)
    assert n >= 4
    assert "pagina" not in texts[0]  # the cover has no footer, but counts as page 1
    assert f"pagina 2 van {n}" in texts[1]
    assert f"pagina {n} van {n}" in texts[-1]
    # the running header: the title without its period, and the period
    assert "Techniek Monitor – Topsector Energie" in texts[2]
    assert "3e kwartaal 2023" in texts[2]


def test_cover_shows_title_organisation_appendix_line(report_pdf: bytes) -> None:
    cover = _texts(report_pdf)[0]
    for words in (TITLE, "Ministerie van OCW", "Bijlage bij de voortgangsbrief",
                  "Verslagperiode", "illustratieve gegevens"):
        assert words in " ".join(cover.split()), words


def test_fonts_are_embedded(report_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(report_pdf)) as pdf:
        fonts = [o for o in pdf.objects
                 if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Font"]
        assert fonts
        names = set()
        for font in fonts:
            if font.get("/Subtype") == "/Type3":  # glyphs drawn in the file itself
                continue
            target: Any = font.DescendantFonts[0] if font.get("/Subtype") == "/Type0" else font
            names.add(str(target.BaseFont))
            desc = target.FontDescriptor
            assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), \
                target.BaseFont
    assert any("FiraSans" in n for n in names)


def test_hostile_text_prints_literally(report_pdf: bytes, chart_svg: str) -> None:
    text = "".join(_texts(report_pdf))
    assert text.count(HOSTILE) == 2  # a paragraph and a table caption
    # in the title too: the H1, the document title and the running header
    doc = _report(chart_svg, HOSTILE, hostile=False)
    pdf = render_report_pdf(doc, _meta(HOSTILE))
    with pikepdf.open(io.BytesIO(pdf)) as p:
        assert str(p.docinfo.Title) == HOSTILE
        assert [str(e.T) for e in _elements(p) if e.get("/S") == "/H1"] == [HOSTILE]
    assert _texts(pdf)[2].startswith(HOSTILE)


def test_notes_and_callout_are_printed(report_pdf: bytes) -> None:
    text = " ".join(" ".join(_texts(report_pdf)).split())
    assert "De trend kon niet worden geschat" in text
    assert "Illustratieve gegevens: geen gepubliceerde cijfers." in text
    assert "techmonitor run --report sector-energie" in text  # code, monospace
    assert "Definitie" in text and "CROHO techniek" in text


def test_same_input_gives_same_bytes(chart_svg: str, report_pdf: bytes) -> None:
    assert render_report_pdf(_report(chart_svg), _meta()) == report_pdf


def test_english_report(chart_svg: str) -> None:
    title = "Techniek Monitor – Top sector Energy, 3rd quarter 2023"
    pdf = render_report_pdf(_report(chart_svg, title, english=True), _meta(title, "en"))
    texts = _texts(pdf)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert str(doc.Root.Lang) == "en"
    assert f"page 2 of {len(texts)}" in texts[1]
    assert "3rd quarter 2023" in texts[2]


def test_errors_are_render_errors(chart_svg: str) -> None:
    doc = _report(chart_svg)
    with pytest.raises(RenderError, match="not a quarter"):
        render_report_pdf(doc, PdfMeta(TITLE, "nl", "OCW", "", (), "2023-09", ""))
    with pytest.raises(RenderError, match="language"):
        render_report_pdf(doc, _meta(language="de"))
    with pytest.raises(RenderError, match="unknown type 'video'"):
        render_report_pdf(doc + [{"type": "video"}], _meta())
    with pytest.raises(RenderError, match="no alt text"):
        render_report_pdf([*doc[:1], {"type": "figure", "svg": chart_svg, "alt": " ",
                                      "caption": "c", "source": ""}], _meta())
    # a table cell without its text is named before Typst sees it
    broken = {"type": "table", "caption": "t", "columns": [{"text": "a", "unit": "",
              "numeric": False}], "rows": [[{"status": ""}]], "row_headers": True,
              "note": "", "role": ""}
    with pytest.raises(RenderError, match=r"table 't', row 0, column 0: a cell needs a text"):
        render_report_pdf([*doc[:1], broken], _meta())
    # an error only Typst finds, an SVG it cannot read, is one clear line
    bad_svg = {"type": "figure", "svg": "<svg not xml", "alt": "a", "caption": "c",
               "source": ""}
    with pytest.raises(RenderError, match=r"^Typst could not typeset the report: ") as e:
        render_report_pdf([*doc[:1], bad_svg], _meta())
    assert "\n" not in str(e.value)


def test_heading_levels_stay_consecutive(chart_svg: str) -> None:
    # a level-4 heading straight under a section would break PDF/UA-1; it becomes H3
    doc = [d.Front("T", "t", (), "Inhoud", ()).to_json(),
           d.section("S", "s", d.Heading("Diep", 4), d.Paragraph("tekst")).to_json()]
    pdf = render_report_pdf(doc, _meta("T"))
    with pikepdf.open(io.BytesIO(pdf)) as doc_pdf:
        assert [str(e.T) for e in _elements(doc_pdf) if e.get("/S") == "/H3"] == ["Diep"]


# ---- the appendix -------------------------------------------------------------------------

def test_appendix_outline_one_entry_per_report_with_sections(
        appendix: tuple[bytes, list[AppendixPart], list[bytes]]) -> None:
    pdf, parts, _ = appendix
    reports = _outline(pdf)  # one bookmark per report (the cover is none)
    assert [title for title, _ in reports] == [p.title for p in parts]
    assert reports[0][1] == list(SECTIONS)
    assert reports[1][1][0] == "Key messages"
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        tags = _tags(doc)
        h1 = [str(e.T) for e in _elements(doc) if e.get("/S") == "/H1"]
    assert h1[1:] == [p.title for p in parts]  # the cover's title, then each report
    assert tags.count("/TOCI") == len(parts) * (1 + len(SECTIONS))
    contents = " ".join(_texts(pdf)[1].split())
    assert all(p.title in contents for p in parts)


def test_appendix_pages_run_through(
        appendix: tuple[bytes, list[AppendixPart], list[bytes]]) -> None:
    pdf, parts, alone = appendix
    texts = _texts(pdf)
    n = len(texts)
    # each report alone: cover + contents + body; the appendix: one cover and contents
    bodies = sum(len(_texts(a)) - 2 for a in alone)
    assert abs(n - (2 + bodies)) <= len(parts)
    assert f"pagina {n} van {n}" in texts[-1]
    assert f"pagina 2 van {n}" in texts[1]
    # each report starts on a new page, and the running header names the current report
    for part in parts:
        start = next(i for i, t in enumerate(texts) if part.title in t and i > 1)
        header = texts[start].splitlines()[0]
        assert part.title.rsplit(",", 1)[0] in header and part.title not in header
        period = "3rd quarter 2023" if part.language == "en" else "3e kwartaal 2023"
        assert header.endswith(period)


def test_appendix_english_part_is_tagged_english(
        appendix: tuple[bytes, list[AppendixPart], list[bytes]]) -> None:
    pdf, parts, _ = appendix
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert str(doc.Root.Lang) == "nl"
        english = {str(e.T) for e in _elements(doc)
                   if str(e.get("/Lang", "")) == "en" and "/T" in e}
        dutch_h2 = {str(e.T) for e in _elements(doc)
                    if e.get("/S") == "/H2" and "/Lang" not in e}
    assert parts[1].title in english
    assert "Key messages" in english
    assert "Kernboodschappen" in dutch_h2 and "Key messages" not in dutch_h2
    assert parts[0].title not in english


def test_appendix_rejects_nothing_twice_and_bad_language(chart_svg: str) -> None:
    meta = _meta("Techniek Monitor – bijlage, 3e kwartaal 2023")
    with pytest.raises(RenderError, match="no reports"):
        render_appendix_pdf([], meta)
    with pytest.raises(RenderError, match="report x has language 'fr'"):
        render_appendix_pdf([AppendixPart("x", "X", _report(chart_svg), "fr")], meta)
    part = AppendixPart("x", "X", _report(chart_svg), "nl")
    with pytest.raises(RenderError, match="report x is in it twice"):
        render_appendix_pdf([part, part], meta)


# ---- layout ---------------------------------------------------------------------------------

def _pages_of(pdf: pikepdf.Pdf, element: pikepdf.Dictionary) -> list[int]:
    """The pages of an element's marked content, the captions inside it left out."""
    pages = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
    out: list[int] = []
    stack: list[Any] = [element]
    while stack:
        el = stack.pop()
        k = el.get("/K")
        kids: list[Any] = list(k) if isinstance(k, pikepdf.Array) else [k]
        for k in reversed(kids):
            if isinstance(k, pikepdf.Dictionary) and "/S" in k:
                if k.S != "/Caption":
                    stack.append(k)
            elif isinstance(k, int) and "/Pg" in el:
                out.append(pages[el.Pg.objgen])
    return sorted(set(out))


def test_long_table_takes_its_caption_and_headings_along() -> None:
    """Wherever a long table starts, its caption and the headings above it are on the page of
    its first rows: none is left alone at a page bottom."""
    definition = "Eerstejaars ingeschreven op 1 oktober in opleidingen van het onderdeel " * 3
    rows = [[d.Cell(f"Indicator {i} met een naam over twee regels"), d.Cell(definition),
             d.Cell("personen")] for i in range(50)]  # rows of several lines
    table = d.table("Alle indicatoren", ["Indicator", "Definitie", "Eenheid"], rows)
    for lines in range(40, 62, 2):  # the table starting lower and lower on a page
        filler = d.Paragraph(" ".join(["woord"] * 14 * lines))
        doc = [d.Front("T", "t", (), "Inhoud", ()).to_json(),
               d.section("Methode", "m", filler).to_json(),
               d.section("Bronnen", "b", d.Heading("Definities", 3), table).to_json()]
        with pikepdf.open(io.BytesIO(render_report_pdf(doc, _meta("T")))) as pdf:
            els = list(_elements(pdf))
            (tbl,) = [e for e in els if e.get("/S") == "/Table"]
            first = _pages_of(pdf, tbl)[0]
            for e in els:
                if e.get("/S") in ("/H2", "/H3") and str(e.T) in ("Bronnen", "Definities"):
                    assert _pages_of(pdf, e) == [first], (lines, str(e.T))
            captions = [e for e in els if e.get("/S") == "/Caption"]
            assert [_pages_of(pdf, c) for c in captions] == [[first]], lines


def test_minus_sign_reads_as_hyphen_minus() -> None:
    """A hyphenated line break would make Typst write the font's hyphen glyph as U+00AD, for
    every hyphen of that font: "-108" would read as a soft hyphen and 108."""
    words = "Arbeidsmarktrelevantie beroepsbevolkingsonderzoek techniekonderwijs " * 30
    doc = [d.Front("T", "t", (), "Inhoud", ()).to_json(),
           d.section("S", "s", d.Paragraph(words + "daling -108 t.o.v. 2018"),
                     d.table("t", ["Indicator", "Verandering"],
                             [["Werkzame beroepsbevolking", "-24.400 t.o.v. K2 2023"]])
                     ).to_json()]
    text = "".join(_texts(render_report_pdf(doc, _meta("T"))))
    assert "\xad" not in text
    assert "-108" in text and "-24.400" in text


def test_hyphenated_names_on_the_cover_stay_whole(chart_svg: str) -> None:
    """'Zuid-Holland' broke after 'Zuid-' on a cover: a hyphenated word of a title stays on one
    line, on the cover and as the part's H1 in the appendix."""
    title = "Techniek Monitor – Provincie Zuid-Holland, 3e kwartaal 2023"
    report = render_report_pdf(_report(chart_svg, title, hostile=False), _meta(title))
    cover = pypdf.PdfReader(io.BytesIO(report)).pages[0].extract_text().splitlines()
    assert any("Zuid-Holland" in line for line in cover), cover
    assert not any(line.rstrip().endswith("Zuid-") for line in cover), cover
    # the heading's text (bookmark, contents) is the title as written
    assert _outline(report)[0][0] == title
    part = AppendixPart("region-zuid-holland", title, _report(chart_svg, title, hostile=False),
                        "nl")
    appendix = render_appendix_pdf([part], _meta("Techniek Monitor – bijlage, 3e kwartaal 2023"))
    lines = [line for page in _texts(appendix) for line in page.splitlines()]
    assert not any(line.rstrip().endswith("Zuid-") for line in lines)


def test_screen_only_nodes_are_left_out_of_the_pdf(chart_svg: str) -> None:
    """The reproducing command and the parameters (role ``screen-only``) stay out of the PDF;
    the other nodes of the section, and a role beside it, are kept."""
    command = {**d.Code("techmonitor run --only sector:energie --period 2023Q3").to_json(),
               "role": "screen-only"}  # (Code has no role field yet: the report adds one)
    params = d.table("Parameters van dit rapport", ["Parameter", "Waarde"],
                     [["targets", '[{"indicator": "inflow_tech", "target_value": null}]']],
                     role="total-last screen-only")
    section = d.section("Verantwoording", "verantwoording",
                        d.Paragraph("De gegevens van dit rapport staan als open data."),
                        d.Paragraph("Opdracht om dit rapport opnieuw te maken:",
                                    role="screen-only"),
                        params, d.Paragraph("Bevindingen: geen.", role="caveat")).to_json()
    section["children"].insert(2, command)
    doc = [d.Front("T", "t", (), "Inhoud", ()).to_json(), section]
    text = " ".join(" ".join(_texts(render_report_pdf(doc, _meta("T")))).split())
    assert "open data" in text and "Bevindingen: geen." in text
    assert "opnieuw te maken" not in text and "techmonitor run" not in text
    assert "Parameters van dit rapport" not in text and "null" not in text


def test_heading_intro_and_chart_are_never_parted() -> None:
    """Wherever an indicator's heading falls on a page, its short introduction and its chart
    (or table) are on the same page as the heading."""
    tall = ('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="180" '
            'viewBox="0 0 400 180"><rect width="400" height="180" fill="#154273"/></svg>')
    intro = "Instroom steeg van 4.177 in 2015/'16 naar 4.562 in 2019/'20; de cijfers staan " \
            "in de tabel."
    for lines in range(30, 56, 2):  # the heading lower and lower on the page
        filler = d.Paragraph(" ".join(["woord"] * 14 * lines))
        doc = [d.Front("T", "t", (), "Inhoud", ()).to_json(),
               d.section("Doel 1", "doel-1", filler, d.Heading("Instroom hbo", 3),
                         d.Paragraph(intro), d.Figure(tall, "Een balk", "Instroom hbo."),
                         d.Heading("Instroom wo", 3), d.Paragraph(intro),
                         d.table("Instroom wo: waarnemingen", ["Periode", "Waarde"],
                                 [["2019/'20", "7.221"]])).to_json()]
        with pikepdf.open(io.BytesIO(render_report_pdf(doc, _meta("T")))) as pdf:
            seq = [(str(e.S), _pages_of(pdf, e)) for e in _elements(pdf)
                   if e.get("/S") in ("/H3", "/P", "/Figure", "/Table")]
            for i, (tag, pages) in enumerate(seq):
                if tag != "/H3":
                    continue
                (p_tag, p_pages), (f_tag, f_pages) = seq[i + 1], seq[i + 2]
                assert p_tag == "/P" and f_tag in ("/Figure", "/Table")
                assert pages[:1] == p_pages[:1] == f_pages[:1], (lines, seq[i:i + 3])


def test_appendix_contents_list_sections_only_where_asked(chart_svg: str) -> None:
    """The sector and province parts repeat one outline: the contents list their titles
    only, while the bookmarks keep every section of every part."""
    parts = [AppendixPart(f"sector-{i}", f"Techniek Monitor – Topsector {i}, 3e kwartaal 2023",
                          _report(chart_svg, f"Topsector {i}", hostile=False), "nl",
                          sections_in_contents=i == 0)
             for i in range(3)]
    pdf = render_appendix_pdf(parts, _meta("Techniek Monitor – bijlage, 3e kwartaal 2023"))
    contents = _texts(pdf)[1]
    assert all(p.title in contents for p in parts)
    # the first part's sections once in the contents, the others' not at all
    for section in SECTIONS:
        assert contents.count(section) == 1, (section, contents)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert _tags(doc).count("/TOCI") == len(parts) + len(SECTIONS)
    assert [children for _, children in _outline(pdf)] == [list(SECTIONS)] * len(parts)
