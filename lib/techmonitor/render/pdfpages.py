"""Page-level PDF work with pikepdf (qpdf): running header and footer, assembling the appendix.

WeasyPrint lays out each report once. The same pages then serve twice: in the report's own PDF
("pagina 3 van 32") and in the quarter's appendix, where page numbers run through all reports
("pagina 45 van 342"). So the running texts are not part of the layout: they are an overlay
stamped on afterwards (:func:`stamp_running`), and the appendix is assembled from the reports'
PDFs (:func:`assemble_appendix`) instead of laying out all 22 reports a second time in one
single-threaded WeasyPrint run (about a minute for the bundled batch; assembling takes about a
second).

Tagged PDF is kept intact:

* the running texts are drawn as a Form XObject inside ``/Artifact`` marked content
  (pagination is not part of the document's logical content), in content streams marked
  ``/TmRunning`` so the appendix can take a report's running texts off again
  (:func:`strip_running`);
* WeasyPrint builds its structure tree per page (every top-level structure element, and all
  its descendants, belong to one page), so a report's own contents pages can be left out of
  the appendix by leaving out their top-level elements; the remaining elements of each report
  become one ``/Part`` under the appendix's ``/Document``, with the parent-tree keys of its
  pages and link annotations shifted past those already used;
* named destinations get the report id as prefix, ``<report id>/<name>`` (all reports use the
  same section ids), and the report's links are rewritten to match; structure element ids
  (``/ID`` of table header cells, ``/Headers`` of cells) are unique per report already
  (:func:`add_id_tree`), so the reports' id trees merge as they are; the appendix's contents
  links, written as ``tm-goto:<n>`` URIs by the front matter, become direct destinations.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from techmonitor.errors import RenderError

RUNNING_MARK = Name("/TmRunning")
RUNNING_XOBJECT_PREFIX = "/TmRun"
GOTO_SCHEME = "tm-goto:"
TOC_ANCHOR = "tm-toc-h"  # the contents heading: first page after the cover
BODY_ANCHOR = "tm-body"  # the report's <main>: first page after the contents


@dataclass(frozen=True)
class OutlineEntry:
    """A bookmark read from a report: its title and destination (page index, view)."""

    title: str
    page: int
    view: tuple[pikepdf.Object, ...]


@dataclass
class PartPdf:
    """A report PDF opened for the appendix, with its footers (page numbers) taken off.

    Parameters
    ----------
    pdf
        The open document (changed in place while assembling).
    covers
        Indices of its cover pages (no page number printed).
    toc
        Indices of its own contents pages (left out of the appendix).
    body
        Indices of the report's pages after the contents.
    sections
        Its bookmarks below the report title, on body pages, in order.
    language
        The report's ``/Lang``.
    dests
        Its named destinations (:func:`named_destinations`).
    """

    pdf: pikepdf.Pdf
    covers: list[int]
    toc: list[int]
    body: list[int]
    sections: list[OutlineEntry]
    language: str
    dests: dict[str, Array]
    kept: list[int] = field(init=False)
    kept_pages: set[tuple[int, int]] = field(init=False)  # object ids of the kept pages

    def __post_init__(self) -> None:
        self.kept = [*self.covers, *self.body]
        self.kept_pages = {self.pdf.pages[i].obj.objgen for i in self.kept}


@dataclass(frozen=True)
class AppendixPlan:
    """Where each part lands in the appendix and what the contents and outline point at.

    Parameters
    ----------
    front_pages
        Pages of the front matter (cover and contents).
    targets
        Destinations of the front matter's ``tm-goto:<n>`` links: ``(output page, view,
        text)``; the text becomes the link's description (``/Contents``).
    """

    front_pages: int
    targets: list[tuple[int, tuple[pikepdf.Object, ...], str]]


# -- running header and footer ----------------------------------------------------------------


HEADER = "Header"
FOOTER = "Footer"
_WRAP = "Wrap"


def stamp_running(pdf: pikepdf.Pdf, overlay: pikepdf.Pdf,
                  placements: Sequence[tuple[int, int, str]]) -> None:
    """Draw pages of ``overlay`` on pages of ``pdf``, as pagination artifacts.

    Parameters
    ----------
    pdf
        The document to stamp (changed in place).
    overlay
        A document whose pages carry only running texts (same page size).
    placements
        ``(page of pdf, page of overlay, kind)`` with kind :data:`HEADER` or :data:`FOOTER`.
        An overlay page used on several pages (a report's header) becomes one Form XObject.
    """
    forms: dict[int, pikepdf.Object] = {}
    for index, source, kind in placements:
        if kind not in (HEADER, FOOTER):
            raise RenderError(f"running texts: unknown kind {kind!r}")
        if source not in forms:
            form = overlay.pages[source].as_form_xobject()
            forms[source] = pdf.copy_foreign(overlay.make_indirect(form))
        page = pdf.pages[index]
        name = f"{RUNNING_XOBJECT_PREFIX}{kind[0]}{index}"
        # WeasyPrint shares one resource dictionary between pages: give this page its own
        # (sharing fonts and images), so it lists only its own overlays.
        resources = _copy_dict(page.obj.get("/Resources"))
        resources.XObject = _copy_dict(resources.get("/XObject"))
        resources.XObject[name] = forms[source]
        page.obj.Resources = pdf.make_indirect(resources)
        streams = _contents(page)
        if not any(s.get(RUNNING_MARK) == Name("/" + _WRAP) for s in streams):
            # the page's own drawing may leave its graphics state changed: wrap it in q … Q
            streams = [_marked(pdf, b"q\n", _WRAP), *streams, _marked(pdf, b"Q\n", _WRAP)]
        streams.append(_marked(
            pdf, f"/Artifact <</Type /Pagination /Subtype /{kind}>> BDC\n"
                 f"q {name} Do Q\nEMC\n".encode("ascii"), kind))
        page.obj.Contents = Array(streams)


def strip_running(pdf: pikepdf.Pdf, kinds: Sequence[str] = (HEADER, FOOTER)) -> None:
    """Take off running texts of ``kinds`` stamped by :func:`stamp_running`."""
    marks = {Name("/" + k) for k in kinds}
    prefixes = tuple(f"{RUNNING_XOBJECT_PREFIX}{k[0]}" for k in kinds)
    for page in pdf.pages:
        streams = [s for s in _contents(page) if s.get(RUNNING_MARK) not in marks]
        if not any(s.get(RUNNING_MARK) in (Name("/" + HEADER), Name("/" + FOOTER))
                   for s in streams):
            streams = [s for s in streams if RUNNING_MARK not in s]
        page.obj.Contents = streams[0] if len(streams) == 1 else Array(streams)
        xobjects = page.obj.get("/Resources", Dictionary()).get("/XObject")
        if xobjects is not None:
            for key in list(xobjects.keys()):
                if key.startswith(prefixes):
                    del xobjects[key]


def _contents(page: pikepdf.Page) -> list[pikepdf.Object]:
    contents = page.obj.get("/Contents")
    if isinstance(contents, Array):
        return list(contents)
    return [contents] if contents is not None else []


def _marked(pdf: pikepdf.Pdf, data: bytes, kind: str) -> pikepdf.Object:
    stream = pdf.make_stream(data)
    stream[RUNNING_MARK] = Name("/" + kind)
    return stream


def _copy_dict(obj: pikepdf.Object | None) -> Dictionary:
    """A new direct dictionary with the entries of ``obj`` (values shared, not copied)."""
    return Dictionary({str(k): v for k, v in obj.items()}) if isinstance(obj, Dictionary) \
        else Dictionary()


# -- reading a report ------------------------------------------------------------------------


def open_pdf(data: bytes) -> pikepdf.Pdf:
    """Open PDF bytes; damaged input is a :class:`RenderError`."""
    try:
        return pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as exc:
        raise RenderError(f"not a readable PDF: {exc}") from exc


def save_pdf(pdf: pikepdf.Pdf) -> bytes:
    """Write ``pdf`` reproducibly: the same input gives the same bytes (ID from the content)."""
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def page_index(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    """Page object id → page index."""
    return {page.obj.objgen: i for i, page in enumerate(pdf.pages)}


def named_destinations(pdf: pikepdf.Pdf) -> dict[str, Array]:
    """The document's named destinations (``/Names /Dests``), name → destination array."""
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    out: dict[str, Array] = {}
    for key, value in pikepdf.NameTree(names.Dests).items():
        dest = value.get("/D") if isinstance(value, Dictionary) else value
        if isinstance(dest, Array) and len(dest) > 0:
            out[str(key)] = dest
    return out


def read_part(data: bytes, what: str) -> PartPdf:
    """Open a report PDF made by :func:`techmonitor.render.pdf.render_report_pdf`.

    Raises
    ------
    RenderError
        If it is not readable, or lacks the anchors that mark its contents and body
        (``tm-toc-h``, ``tm-body``): then it was not printed by this version.
    """
    pdf = open_pdf(data)
    strip_running(pdf, (FOOTER,))  # the report's header stays: same title and period
    pages = page_index(pdf)
    dests = named_destinations(pdf)
    try:
        toc_start = pages[dests[TOC_ANCHOR][0].objgen]
        body_start = pages[dests[BODY_ANCHOR][0].objgen]
    except KeyError as exc:
        raise RenderError(
            f"{what}: the PDF has no {exc.args[0]!r} anchor; print it again with this "
            "version (techmonitor run --force)"
        ) from exc
    if "/StructTreeRoot" not in pdf.Root:
        raise RenderError(f"{what}: the PDF is not tagged; print it again with this version")
    n = len(pdf.pages)
    body = list(range(body_start, n))
    sections = [e for e in _outline(pdf, pages) if e.page >= body_start]
    return PartPdf(pdf=pdf, covers=list(range(toc_start)), toc=list(range(toc_start, body_start)),
                   body=body, sections=sections, language=str(pdf.Root.get("/Lang", "")),
                   dests=dests)


def _outline(pdf: pikepdf.Pdf, pages: dict[tuple[int, int], int]) -> list[OutlineEntry]:
    """All bookmarks, depth first, with a page destination."""
    outlines = pdf.Root.get("/Outlines")
    found: list[OutlineEntry] = []

    def walk(item: pikepdf.Object | None) -> None:
        while item is not None:
            dest = item.get("/Dest")
            if isinstance(dest, Array) and len(dest) > 0 and dest[0].objgen in pages:
                found.append(OutlineEntry(str(item.Title), pages[dest[0].objgen],
                                          tuple(dest[1:])))
            walk(item.get("/First"))
            item = item.get("/Next")

    if outlines is not None:
        walk(outlines.get("/First"))
    return found


# -- assembling the appendix -------------------------------------------------------------------


def assemble_appendix(front: pikepdf.Pdf, parts: Sequence[tuple[str, str, PartPdf]],
                      plan: AppendixPlan) -> pikepdf.Pdf:
    """Append each part's cover and body pages to ``front`` and merge the tagged structure.

    Parameters
    ----------
    front
        The appendix's cover and contents, tagged (its ``/Document`` becomes the root).
    parts
        ``(prefix, title, part)`` per report, in order; ``prefix`` keeps its ids apart.
    plan
        Front page count and the destinations of the contents links.

    Returns
    -------
    pikepdf.Pdf
        ``front``, now holding every part: one ``/Part`` structure element per report,
        named destinations ``<prefix>/<id>``, links resolved and an outline per report
        (level 1, on its cover) and per section (level 2).
    """
    if len(front.pages) != plan.front_pages:
        raise RenderError(f"appendix: front matter has {len(front.pages)} pages, "
                          f"planned {plan.front_pages}")
    tree = front.Root.StructTreeRoot
    root_kids = tree.K
    document = root_kids[0] if isinstance(root_kids, Array) else root_kids
    nums: list[pikepdf.Object | int] = list(tree.ParentTree.Nums)
    next_key = _next_key(nums)
    dests = dict(named_destinations(front))
    ids = dict(_id_tree(front))
    outline: list[tuple[str, int, list[OutlineEntry]]] = []

    for prefix, title, part in parts:
        first = len(front.pages)
        new_index = {old: first + k for k, old in enumerate(part.kept)}
        part_ids = _id_tree(part.pdf)
        if any(key in ids for key in part_ids):  # the same report twice: prefix again
            part_ids = {}
            for element in _struct_elements(part.pdf):
                _prefix_ids(element, prefix)
                if "/ID" in element:
                    part_ids[str(element.ID)] = element
        part_elem, nums_part = _detach_structure(part)
        src_pages = part.pdf.pages
        for old in part.kept:
            front.pages.append(src_pages[old])
        _shift_page_keys(front, first, next_key, prefix)
        copied = front.copy_foreign(part_elem)
        copied.P = document
        document.K.append(copied)
        ids.update((key, front.copy_foreign(element)) for key, element in part_ids.items()
                   if _page_of(element) in part.kept_pages)
        for key, value in nums_part:
            nums += [key + next_key, front.copy_foreign(value)]
        next_key = max([next_key, *(key + next_key + 1 for key, _ in nums_part)])
        by_page = {src_pages[o].obj.objgen: new_index[o] for o in part.kept}
        for name, dest in part.dests.items():
            index = by_page.get(dest[0].objgen)
            if index is not None:
                dests[f"{prefix}/{name}"] = Array([front.pages[index].obj, *list(dest)[1:]])
        outline.append((title, first, [
            OutlineEntry(e.title, new_index[e.page], e.view) for e in part.sections
        ]))

    tree.ParentTree = front.make_indirect(Dictionary(Nums=Array(nums)))
    tree.ParentTreeNextKey = next_key
    _write_id_tree(front, ids)
    _write_destinations(front, dests)
    _resolve_gotos(front, plan)
    _write_outline(front, outline)
    return front


def _next_key(nums: list[pikepdf.Object | int]) -> int:
    keys = [int(nums[i]) for i in range(0, len(nums), 2)]
    return max(keys, default=-1) + 1


def _detach_structure(part: PartPdf) -> tuple[Dictionary, list[tuple[int, pikepdf.Object]]]:
    """A ``/Part`` holding the part's top-level elements on kept pages, cut from its root.

    Those elements get the new ``/Part`` as parent, so copying it does not drag the old
    structure root, and with it the left-out pages, along (every element of a report lies
    below its ``/Document``: tests check that no element stands outside the tree). Returns
    the part element and the parent-tree entries to carry over (keys of left-out pages
    dropped).
    """
    pdf = part.pdf
    tree = pdf.Root.StructTreeRoot
    kids = tree.K
    document = kids[0] if isinstance(kids, Array) else kids
    dropped_pages = {pdf.pages[i].obj.objgen for i in part.toc}
    top = [e for e in document.K if _page_of(e) not in dropped_pages]
    element = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Part, K=Array(top)))
    if part.language:
        element.Lang = String(part.language)
    for e in top:
        e.P = element

    entries: list[tuple[int, pikepdf.Object]] = []
    raw = list(tree.ParentTree.Nums)
    for i in range(0, len(raw), 2):
        key, value = int(raw[i]), raw[i + 1]
        members = list(value) if isinstance(value, Array) else [value]
        pages = {_page_of(m) for m in members if isinstance(m, Dictionary)}
        if pages <= part.kept_pages | {None}:
            entries.append((key, value if value.is_indirect else pdf.make_indirect(value)))
    return element, entries


def _prefix_ids(element: Dictionary, prefix: str) -> None:
    """Prefix the element's ``/ID`` and the ``/Headers`` ids in its attributes."""
    if "/ID" in element:
        element.ID = String(f"{prefix}/{element.ID}")
    attributes = element.get("/A")
    for attr in (list(attributes) if isinstance(attributes, Array) else [attributes]):
        if isinstance(attr, Dictionary) and isinstance(attr.get("/Headers"), Array):
            attr.Headers = Array([String(f"{prefix}/{h}") for h in attr.Headers])


def _struct_elements(pdf: pikepdf.Pdf) -> list[Dictionary]:
    """Every structure element: the tree from its root, and any only the parent tree lists."""
    tree = pdf.Root.StructTreeRoot
    stack: list[pikepdf.Object] = [tree.get("/K", Array())]
    if "/ParentTree" in tree:
        stack += list(tree.ParentTree.get("/Nums", Array()))[1::2]
    seen: set[tuple[int, int]] = set()
    found: list[Dictionary] = []
    while stack:
        item = stack.pop()
        if isinstance(item, Array):
            stack.extend(item)
        elif isinstance(item, Dictionary) and "/S" in item and item.objgen not in seen:
            seen.add(item.objgen)
            found.append(item)
            if "/K" in item:
                stack.append(item.K)
    return found


def add_id_tree(pdf: pikepdf.Pdf, prefix: str) -> None:
    """Make structure element ids unique with ``prefix`` and write the ``/IDTree``.

    WeasyPrint names table header cells (``/ID``) after its own object numbers, which repeat
    between reports of the same shape, and omits the ``/IDTree`` (id → element) through which
    readers resolve the ``/Headers`` of table cells. With a prefix per report the ids stay
    unique when the appendix merges the reports (and it can merge their id trees as they are).
    """
    if "/StructTreeRoot" not in pdf.Root:
        return
    ids: dict[str, pikepdf.Object] = {}
    for element in _struct_elements(pdf):
        _prefix_ids(element, prefix)
        if "/ID" in element:
            ids[str(element.ID)] = element
    _write_id_tree(pdf, ids)


def _id_tree(pdf: pikepdf.Pdf) -> dict[str, pikepdf.Object]:
    tree = pdf.Root.StructTreeRoot
    return {str(k): v for k, v in pikepdf.NameTree(tree.IDTree).items()} \
        if "/IDTree" in tree else {}


def _write_id_tree(pdf: pikepdf.Pdf, ids: dict[str, pikepdf.Object]) -> None:
    if not ids:
        return
    flat: list[pikepdf.Object] = []
    for key in sorted(ids, key=lambda n: bytes(String(n))):  # name trees: byte order
        flat += [String(key), ids[key]]
    pdf.Root.StructTreeRoot.IDTree = pdf.make_indirect(Dictionary(Names=Array(flat)))


def _page_of(element: pikepdf.Object) -> tuple[int, int] | None:
    page = element.get("/Pg")
    return page.objgen if page is not None else None


def _shift_page_keys(pdf: pikepdf.Pdf, first: int, offset: int, prefix: str) -> None:
    """Shift parent-tree keys of pages ``first…`` and their annotations; prefix link names."""
    for i in range(first, len(pdf.pages)):
        page = pdf.pages[i]
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annot in page.obj.get("/Annots", Array()):
            if "/StructParent" in annot:
                annot.StructParent = int(annot.StructParent) + offset
            dest = annot.get("/Dest")
            if isinstance(dest, String):
                annot.Dest = String(f"{prefix}/{dest}")


def _write_destinations(pdf: pikepdf.Pdf, dests: dict[str, Array]) -> None:
    flat: list[pikepdf.Object] = []
    for name in sorted(dests, key=lambda n: bytes(String(n))):  # name trees: byte order
        flat += [String(name), dests[name]]
    if "/Names" not in pdf.Root:
        pdf.Root.Names = Dictionary()
    pdf.Root.Names.Dests = pdf.make_indirect(Dictionary(Names=Array(flat)))


def _resolve_gotos(pdf: pikepdf.Pdf, plan: AppendixPlan) -> None:
    """Turn the front matter's ``tm-goto:<n>`` links into destinations in the document."""
    for page in pdf.pages[: plan.front_pages]:
        for annot in page.obj.get("/Annots", Array()):
            action = annot.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if not uri.startswith(GOTO_SCHEME):
                continue
            index, view, text = plan.targets[int(uri[len(GOTO_SCHEME):])]
            del annot.A
            annot.Dest = Array([pdf.pages[index].obj, *view])
            annot.Contents = String(text)


def _write_outline(pdf: pikepdf.Pdf, reports: list[tuple[str, int, list[OutlineEntry]]]) -> None:
    with pdf.open_outline() as outline:
        outline.root.clear()
        for title, first, sections in reports:
            item = pikepdf.OutlineItem(title, Array([pdf.pages[first].obj, Name.Fit]))
            for s in sections:
                item.children.append(
                    pikepdf.OutlineItem(s.title, Array([pdf.pages[s.page].obj, *s.view]))
                )
            outline.root.append(item)
