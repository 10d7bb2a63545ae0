"""The appendix says shared things once: method and measures in the national part only.

Every report is a whole document on its own (its HTML and PDF keep every section). Inside
the appendix, where parliament reads all reports one after the other, the method and the
measures of the letter are the same in every part: the national part keeps them (marked as
the shared place, ``anchor``), every other part keeps a short section that refers to them
by page (``ref``: the template prints the page the anchor landed on). Parameters and the
reproducing command are for the HTML and the open data, not for parliament's PDF: each
part keeps only its own findings from its account section (a part without findings drops
it; the national part keeps the pointer for all). A province part keeps its place
among the provinces in words and refers to the national part's table of all provinces.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from techmonitor.messages import Lang, msg
from techmonitor.report.ids import REGIONS_ID, SECTION_IDS, SHARED_SECTIONS

#: sections said once in the appendix (in the national part), by section id → anchor name
SHARED = SHARED_SECTIONS
PROVENANCE = SECTION_IDS["provenance"]
FINDINGS_ID = "bevindingen"
#: the national part's table of the provinces, which a province part refers to
PROVINCES_HEADING = "provincies-vergeleken"


def _paragraph(text: str, ref: str = "") -> dict[str, Any]:
    node: dict[str, Any] = {"type": "paragraph", "text": text, "role": "", "href": ""}
    if ref:
        node["ref"] = ref
    return node


def _anchored(children: list[dict[str, Any]], name: str, start: int
              ) -> list[dict[str, Any]]:
    """``children`` with ``anchor`` on the first block from ``start`` on (not a heading: the
    anchor marks the page where the shared part's text begins, after its heading)."""
    at = next((i for i in range(start, len(children))
               if children[i].get("type") not in ("heading", "section")), None)
    if at is None:
        return children
    return [*children[:at], {**children[at], "anchor": name}, *children[at + 1:]]


def _account(section: dict[str, Any], lang: Lang, keep: bool) -> dict[str, Any] | None:
    """The account section without parameters and command: a pointer to the HTML and the
    open data, then the part's own findings (what could not be done). Without findings it
    is left out unless ``keep`` (the national part says it once for all)."""
    children = list(section.get("children") or [])
    start = next((i for i, c in enumerate(children)
                  if c.get("type") == "heading" and c.get("id") == FINDINGS_ID), None)
    own = children[start + 1:] if start is not None else []
    if not keep and not any(c.get("type") == "table" for c in own):
        return None  # "all steps succeeded": the overview's state already says so
    return {**section, "children": [_paragraph(msg("app.account", lang)), *own]}


def shared_once(document: Sequence[dict[str, Any]], *, national: bool, lang: Lang,
                has_national: bool) -> list[dict[str, Any]]:
    """One part's document as the appendix shows it.

    Parameters
    ----------
    document
        The report's node dicts (its Front, then its sections).
    national
        Whether this is the national part (the shared place of method and measures).
    lang
        Language of the part.
    has_national
        Whether the appendix has a national part to refer to; without one every part keeps
        its method and measures.

    Returns
    -------
    list of dict
        The nodes: shared sections marked (national) or replaced by a reference (others);
        the account section reduced to the part's own findings.
    """
    out = []
    for node in document:
        sid = node.get("id") if node.get("type") == "section" else None
        if sid == PROVENANCE:
            account = _account(node, lang, keep=national or not has_national)
            if account is not None:
                out.append(account)
        elif sid == SECTION_IDS["national"] and national:
            children = list(node.get("children") or [])
            at = next((i for i, c in enumerate(children) if c.get("id") == PROVINCES_HEADING),
                      None)
            out.append({**node, "children": children if at is None
                        else _anchored(children, "provinces", at + 1)})
        elif sid == REGIONS_ID and has_national:
            # the province's place in words stays; the table of all provinces is the
            # national part's
            kept = [c for c in node.get("children") or [] if c.get("type") != "table"]
            out.append({**node, "children": [
                *kept, _paragraph(msg("app.ref.provinces", lang), ref="provinces")]})
        elif sid in SHARED and national:
            out.append({**node, "children": _anchored(list(node.get("children") or []),
                                                      SHARED[sid], 0)})
        elif sid in SHARED and has_national:
            out.append({**node, "children": [
                _paragraph(msg(f"app.ref.{SHARED[sid]}", lang), ref=SHARED[sid])]})
        else:
            out.append(node)
    return out
