"""Every cross-reference ("zie de methode") resolves, in the HTML, the PDF and the appendix.

The national report and one sector report (energie) are built on the bundled data for
2023Q3, as the worker builds them (``tests/report_helpers.py``). The HTML is parsed: every
"zie …" phrase must sit inside a link whose ``#id`` is an element of the same page. The PDF is
opened: every reference phrase is followed by the page it points at, and that page holds the
section's heading. In the appendix a sector part's "zie de methode" points at the method the
national part holds once.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from pypdf import PdfReader
from techmonitor.batch.shared import shared_once
from techmonitor.errors import RenderError
from techmonitor.messages import catalogue
from techmonitor.render.typst import AppendixPart, render_appendix_pdf, render_report_pdf
from techmonitor.report import xref
from techmonitor.report.ids import SHARED_SECTIONS
from techmonitor.titles import report_title
from techmonitor.worker import appendix_meta, documents_of, pdf_meta

from .report_helpers import make_report, notebook, render

REPORTS = {"national-nl": "national.yaml", "sector-energie": "sectors/energie.yaml"}
#: a reference in Dutch or English: "zie"/"see" and the words up to a stop
REFERENCE = re.compile(r"\b(?:[Zz]ie|[Ss]ee) [^.;:)(,]+")


def test_every_reference_in_the_catalogue_is_a_registered_phrase() -> None:
    """A "zie …" sentence can only point where the registry knows the target."""
    known = {p for p, _ in xref.phrases()}
    loose = sorted({f"{lang} {k}: {m.group(0)!r}" for lang in ("nl", "en")
                    for k, v in catalogue(lang).items() for m in REFERENCE.finditer(v)
                    if not any(m.group(0).startswith(p) for p in known)})
    assert loose == []


def test_html_links_the_phrase_and_escapes_the_rest() -> None:
    out = str(xref.html("a < b (zie de methode) & see the method"))
    assert out == ('a &lt; b (<a href="#methode">zie de methode</a>) &amp; '
                   '<a href="#methode">see the method</a>')


def test_a_reference_to_a_section_the_document_lacks_is_an_error() -> None:
    body = [{"type": "section", "id": "doel-1", "title": "Doel 1", "children": [
        {"type": "paragraph", "text": "Zo gemeten (zie het landelijke doel).", "role": "",
         "href": ""}]}]
    with pytest.raises(RenderError, match="report x: 'zie het landelijke doel' points at "
                                          "section 'doel-40000'"):
        xref.resolve([body], SHARED_SECTIONS, ["report x"])


class _Links(HTMLParser):
    """Ids, links and the text outside any link of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []
        self.unlinked: list[str] = []
        self._href: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "a":
            self._href, self._text = str(a.get("href") or ""), ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, self._text))
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text += data
        else:
            self.unlinked.append(data)


@pytest.fixture(scope="module")
def built() -> dict[str, Any]:
    """Each report's HTML, documents and PDF text, and the appendix's pages."""
    out: dict[str, Any] = {"parts": []}
    for rid, params_file in REPORTS.items():
        report = make_report(params_file)
        documents = documents_of(notebook(report))
        title = report_title(report.params)
        pdf = render_report_pdf(documents, pdf_meta(report.params, title))
        out[rid] = {"html": render(report), "documents": documents, "pdf": _pages(pdf)}
        out["parts"].append(AppendixPart(rid, title, shared_once(
            documents, national=rid.startswith("national"), lang="nl", has_national=True),
            "nl"))
        out.setdefault("meta", appendix_meta(report.params))
    out["appendix"] = _pages(render_appendix_pdf(out["parts"], out["meta"]))
    return out


def _pages(data: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize("rid", list(REPORTS))
def test_every_reference_in_the_html_is_a_working_link(built: dict[str, Any], rid: str) -> None:
    page = _Links()
    page.feed(built[rid]["html"])
    unlinked = [m.group(0) for text in page.unlinked for m in REFERENCE.finditer(text)]
    assert unlinked == [], "a 'zie …' outside a link"
    refs = [(href, text) for href, text in page.links if REFERENCE.fullmatch(text)]
    assert refs, "the report has references (zie de methode): the test must see them"
    dead = [(href, text) for href, text in refs
            if not href.startswith("#") or href[1:] not in page.ids]
    assert dead == []
    # and every in-page link of the report goes somewhere
    assert [h for h, _ in page.links if h.startswith("#") and h[1:] not in page.ids] == []


_PAGE_REF = re.compile(r"((?:zie|see) [^,()]+?), (?:pagina|page) (\d+)")


def _check_page_refs(pages: list[str]) -> list[str]:
    """Each "zie de methode, pagina N" against page N: it must hold the section's title."""
    heading = {"zie de methode": "Methode en bronnen",
               "zie het landelijke doel": "Het doel:"}
    problems, seen = [], 0
    for number, text in enumerate(pages, start=1):
        for m in _PAGE_REF.finditer(text):
            seen += 1
            target = int(m.group(2))
            want = heading[m.group(1)]
            if not 1 <= target <= len(pages) or want not in pages[target - 1]:
                problems.append(f"p{number}: {m.group(0)!r}: page {target} lacks {want!r}")
    assert seen, "no page references found: the PDF lost its references"
    return problems


@pytest.mark.parametrize("rid", list(REPORTS))
def test_every_reference_in_the_pdf_names_the_page_of_its_section(built: dict[str, Any],
                                                                  rid: str) -> None:
    pages = built[rid]["pdf"]
    phrases = sum(len(REFERENCE.findall(t)) for t in pages)
    assert phrases == sum(len(_PAGE_REF.findall(t)) for t in pages), \
        "a reference without its page"
    assert _check_page_refs(pages) == []


def test_in_the_appendix_a_sector_part_points_at_the_shared_method(
        built: dict[str, Any]) -> None:
    bodies = [[n for n in p.document if n.get("type") != "front"] for p in built["parts"]]
    _, sector = xref.resolve(bodies, SHARED_SECTIONS, ["national", "sector"])
    targets = {r["target"] for n in xref.walk(sector) for r in n.get("xrefs") or []}
    assert "shared/method" in targets and "1/methode" not in targets
    assert _check_page_refs(built["appendix"]) == []
