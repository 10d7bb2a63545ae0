"""The appendix says shared things once: method and measures in the national part only."""

from __future__ import annotations

from typing import Any

from techmonitor.batch.shared import shared_once


def section(sid: str, *children: dict[str, Any]) -> dict[str, Any]:
    return {"type": "section", "title": sid.title(), "id": sid, "children": list(children),
            "role": ""}


def para(text: str) -> dict[str, Any]:
    return {"type": "paragraph", "text": text, "role": "", "href": ""}


FINDING = {"type": "table", "caption": "Bevindingen", "columns": [{"text": "Waar"}],
           "rows": [[{"text": "inflow_tech-wo"}]]}
DOCUMENT = [
    {"type": "front", "title": "Rapport"},
    section("doel-1", para("eigen tekst")),
    section("maatregelen", para("tabel van alle maatregelen")),
    section("methode", para("definities")),
    section("verantwoording", para("intro"), {"type": "code", "text": "techmonitor run"},
            {"type": "keyvalue", "pairs": [["Data", "abc"]]},
            {"type": "heading", "text": "Bevindingen", "level": 3, "id": "bevindingen"},
            FINDING),
]


def by_id(nodes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {n["id"]: n for n in nodes if n["type"] == "section"}


def test_the_national_part_is_the_shared_place_of_method_and_measures() -> None:
    out = by_id(shared_once(DOCUMENT, national=True, lang="nl", has_national=True))
    # the first block of each carries the anchor the other parts refer to; nothing else changes
    assert out["methode"]["children"] == [{**para("definities"), "anchor": "method"}]
    assert out["maatregelen"]["children"] == [{**para("tabel van alle maatregelen"),
                                               "anchor": "measures"}]


def test_another_part_refers_to_them_by_page_and_keeps_its_own() -> None:
    out = shared_once(DOCUMENT, national=False, lang="nl", has_national=True)
    assert out[0] == DOCUMENT[0] and out[1] == DOCUMENT[1]  # front and own sections as is
    sections = by_id(out)
    for sid, ref in (("methode", "method"), ("maatregelen", "measures")):
        (child,) = sections[sid]["children"]
        assert child["type"] == "paragraph" and child["ref"] == ref
        assert child["text"].endswith("in het landelijk rapport op pagina")
        assert "anchor" not in sections[sid]


def test_parameters_and_command_leave_the_pdf_the_findings_stay() -> None:
    for national in (True, False):
        account = by_id(shared_once(DOCUMENT, national=national, lang="en",
                                    has_national=True))["verantwoording"]
        types = [c["type"] for c in account["children"]]
        assert types == ["paragraph", "table"]
        assert "HTML version" in account["children"][0]["text"]
        assert account["children"][1] is FINDING


def test_a_part_without_findings_drops_its_account_the_national_part_keeps_it() -> None:
    clean = [*DOCUMENT[:-1], section(
        "verantwoording", para("intro"), {"type": "code", "text": "techmonitor run"},
        {"type": "heading", "text": "Bevindingen", "level": 3, "id": "bevindingen"},
        para("Alle stappen van de analyse zijn gelukt."))]
    assert "verantwoording" not in by_id(shared_once(clean, national=False, lang="nl",
                                                     has_national=True))
    national = by_id(shared_once(clean, national=True, lang="nl", has_national=True))
    assert [c["type"] for c in national["verantwoording"]["children"]] == ["paragraph"] * 2


def test_without_a_national_part_every_part_keeps_its_method() -> None:
    out = by_id(shared_once(DOCUMENT, national=False, lang="nl", has_national=False))
    assert out["methode"]["children"] == [para("definities")]
    assert out["maatregelen"]["children"] == [para("tabel van alle maatregelen")]


def test_a_province_keeps_its_place_in_words_and_refers_to_the_national_table() -> None:
    table = {"type": "table", "caption": "Alle provincies", "columns": [{"text": "P"}],
             "rows": [[{"text": "Zeeland"}]]}
    province = [section("provincies", para("Utrecht staat op plaats 8 van de 12."), table)]
    (out,) = shared_once(province, national=False, lang="nl", has_national=True)
    assert [c["type"] for c in out["children"]] == ["paragraph", "paragraph"]
    assert out["children"][0]["text"] == "Utrecht staat op plaats 8 van de 12."
    assert out["children"][1]["ref"] == "provinces"
    heading = {"type": "heading", "text": "De provincies vergeleken", "level": 3,
               "id": "provincies-vergeleken"}
    national = [section("topsectoren", para("x"), heading, para("intro"), table)]
    (nat,) = shared_once(national, national=True, lang="nl", has_national=True)
    assert nat["children"][:2] == [para("x"), heading]
    assert nat["children"][2] == {**para("intro"), "anchor": "provinces"}
    assert nat["children"][3] is table
