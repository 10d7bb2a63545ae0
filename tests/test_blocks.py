"""HTML building blocks: escaping and accessible structure."""

from __future__ import annotations

from bs4 import BeautifulSoup
from techmonitor import blocks
from techmonitor.blocks import SUMMARY_MIMETYPE, Section

EVIL = '<img src=x onerror="alert(1)">&'


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_text_from_data_is_escaped_in_every_block() -> None:
    parts = [
        blocks.paragraph(EVIL).html, blocks.heading(EVIL, 3).html,
        blocks.bullet_list([EVIL]).html, blocks.definition_list([(EVIL, EVIL)]).html,
        blocks.table(EVIL, [EVIL], [[EVIL]]).html, blocks.code(EVIL).html,
        blocks.note(EVIL).html, blocks.toc(EVIL, [("a", EVIL)]).html,
        Section(EVIL, anchor="x").add(blocks.paragraph("p"))._repr_html_(),
        blocks.status_cell("on_track", EVIL, "✓").render("td"),
    ]
    for html in parts:
        s = soup(html)
        assert s.find("img") is None, html
        assert EVIL in s.get_text()


def test_table_structure() -> None:
    t = soup(blocks.table("Cap", ["A", "B"], [["r1", "1"], ["r2", "2"]],
                          numeric=[False, True]).html)
    assert t.find("caption").text == "Cap"
    assert [th["scope"] for th in t.find("thead").find_all("th")] == ["col", "col"]
    assert [th.text for th in t.find("tbody").find_all("th", scope="row")] == ["r1", "r2"]
    assert t.find("td")["class"] == ["num"]


def test_section_is_labelled_by_its_heading() -> None:
    s = soup(Section("Titel", anchor="doel-1")._repr_html_()).find("section")
    assert s["id"] == "doel-1" and s["aria-labelledby"] == "doel-1-h"
    assert s.find("h2")["id"] == "doel-1-h"


def test_status_cell_has_symbol_word_and_class() -> None:
    cell = soup(blocks.status_cell("behind", "achter op schema", "!").render("td"))
    span = cell.find("span", class_="status")
    assert "status-behind" in span["class"]
    assert span.find("span", class_="symbol")["aria-hidden"] == "true"
    assert span.get_text() == "! achter op schema"


def test_summary_only_emits_its_mimetype() -> None:
    assert blocks.Summary({"a": 1})._repr_mimebundle_() == {SUMMARY_MIMETYPE: {"a": 1}}
