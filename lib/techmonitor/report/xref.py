"""Cross-references in report text ("zie de methode"): each phrase points at one section.

A sentence that sends the reader elsewhere uses one of the phrases of :data:`TARGETS` (their
words are messages, ``see.*``); the phrase is the reference and names the id of the section or
heading it points at. The HTML links the phrase to that id (:func:`html`); the PDF links it to
the place and adds its page (:func:`resolve`, read by ``render/typst/report.typ``). In the
appendix a part whose shared sections were replaced by a pointer (:mod:`techmonitor.batch.
shared`) has its references resolved to the shared place itself, once in the appendix.
A reference whose target is not in the document is an error, never a dead phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from typing import Any

from markupsafe import Markup, escape

from techmonitor.errors import RenderError
from techmonitor.messages import LANGS, msg
from techmonitor.report.ids import SECTION_IDS, X40_ID

#: message key of a reference phrase → id of the section or heading it points at
TARGETS: dict[str, str] = {
    "see.method": SECTION_IDS["method"],
    "see.x40": X40_ID,
}
#: node types whose text may hold a reference
TEXT_NODES = ("paragraph", "note", "callout")


@cache
def phrases() -> tuple[tuple[str, str], ...]:
    """Every reference phrase in every language with its target id, longest first."""
    found = {msg(key, lang): target for key, target in TARGETS.items() for lang in LANGS}
    return tuple(sorted(found.items(), key=lambda p: -len(p[0])))


def _pattern() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(p) for p, _ in phrases()))


def references(text: str) -> list[tuple[str, str]]:
    """The reference phrases in ``text`` with their target ids, in reading order."""
    targets = dict(phrases())
    return [(m.group(0), targets[m.group(0)]) for m in _pattern().finditer(text)]


def html(text: str) -> Markup:
    """``text`` escaped, each reference phrase a link to its section (``#methode``)."""
    targets = dict(phrases())
    out: list[str] = []
    last = 0
    for m in _pattern().finditer(text):
        out.append(str(escape(text[last:m.start()])))
        out.append(f'<a href="#{escape(targets[m.group(0)])}">{escape(m.group(0))}</a>')
        last = m.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


def walk(nodes: Sequence[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    """Every node dict of a document tree, depth first."""
    for n in nodes:
        yield n
        yield from walk(n.get("children") or [])


def _texts(n: Mapping[str, Any]) -> list[str]:
    if n.get("type") in TEXT_NODES:
        return [str(n.get("text", ""))]
    if n.get("type") == "list":
        return [str(i) for i in n.get("items") or []]
    return []


def resolve(parts: Sequence[Sequence[dict[str, Any]]], shared: Mapping[str, str],
            names: Sequence[str]) -> list[list[dict[str, Any]]]:
    """The parts' node trees with each reference resolved for the PDF.

    A node holding reference phrases gets ``xrefs`` (``[{"phrase", "target"}]``); the section
    or heading a reference points at gets ``target`` (the same name). The target is the
    section of the same part (``"<part>/<id>"``), or, where the appendix says a section once
    (``shared``: section id → anchor name, and a node of some part carries that ``anchor``),
    that shared place (``"shared/<name>"``).

    Parameters
    ----------
    parts
        The body of each part (one for a report, all reports for the appendix).
    shared
        Section id → anchor name of the sections the appendix says once.
    names
        Each part's name, for the error.

    Raises
    ------
    RenderError
        If a reference points at a section that is neither in its part nor shared.
    """
    anchors = {str(n["anchor"]) for body in parts for n in walk(body) if n.get("anchor")}
    wanted: list[set[str]] = []
    resolved: list[list[dict[str, Any]]] = []
    for i, body in enumerate(parts):
        ids = {str(n["id"]) for n in walk(body) if n.get("type") in ("section", "heading")
               and n.get("id")}
        want: set[str] = set()

        def target(phrase: str, sid: str, i: int = i, ids: set[str] = ids,
                   want: set[str] = want) -> str:
            if sid in shared and shared[sid] in anchors:
                return f"shared/{shared[sid]}"
            if sid in ids:
                want.add(sid)
                return f"{i}/{sid}"
            raise RenderError(f"{names[i]}: '{phrase}' points at section {sid!r}, which is "
                              "not in the document; use a reference to a section it has")

        def mark(n: dict[str, Any]) -> dict[str, Any]:
            out = dict(n)
            refs = [(p, t) for text in _texts(n) for p, t in references(text)]
            if refs:
                out["xrefs"] = [{"phrase": p, "target": target(p, t)} for p, t in refs]
            if n.get("children"):
                out["children"] = [mark(c) for c in n["children"]]
            return out

        resolved.append([mark(n) for n in body])
        wanted.append(want)

    def place(n: dict[str, Any], i: int) -> dict[str, Any]:
        if n.get("type") in ("section", "heading") and n.get("id") in wanted[i]:
            n = {**n, "target": f"{i}/{n['id']}"}
        if n.get("children"):
            n = {**n, "children": [place(c, i) for c in n["children"]]}
        return n

    return [[place(n, i) for n in body] for i, body in enumerate(resolved)]
