"""The report document model: what sections return, what both renderers read.

A section is a small tree of typed, frozen nodes (section, heading, paragraph, figure, table,
note, illustrative-data callout, key-value list, list, code and the report's front matter).
Every text field is plain text: no node carries markup for one renderer, and nothing
downstream parses HTML. The HTML renderer (:mod:`techmonitor.report.htmldoc`, jinja2 with
autoescape) and the PDF renderer (:mod:`techmonitor.render.typst`, a Typst template that reads
the document as JSON data) lay the same tree out.

In a notebook a node displays itself as two outputs: the document as JSON under
:data:`DOCUMENT_MIMETYPE` (the batch collects these for the PDF and the appendix) and as HTML
(for JupyterLab and nbconvert).

JSON shape: every node is an object with ``"type"`` (the class's ``TYPE``) and its fields;
tuples become lists. The renderers read that JSON, never these classes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Literal

DOCUMENT_MIMETYPE = "application/vnd.techmonitor.document+json"
SUMMARY_MIMETYPE = "application/vnd.techmonitor.summary+json"
#: bumped when the JSON shape changes (the Typst template checks it)
SCHEMA_VERSION = 1

Tone = Literal["note", "warning", "failure"]


class Node:
    """Base of every document node: JSON and notebook display."""

    TYPE: ClassVar[str] = ""

    def to_json(self) -> dict[str, Any]:
        """The node as JSON-ready data (``{"type": …, field: …}``)."""
        out: dict[str, Any] = {"type": self.TYPE}
        for f in fields(self):  # type: ignore[arg-type]
            out[f.name] = _plain(getattr(self, f.name))
        return out

    def _repr_mimebundle_(self, include: object = None,
                          exclude: object = None) -> dict[str, object]:
        from techmonitor.report.htmldoc import render_node

        data = self.to_json()
        data["schema"] = SCHEMA_VERSION
        # a short text/plain, or IPython would print the whole tree (SVGs included) as one
        return {DOCUMENT_MIMETYPE: data, "text/html": render_node(self),
                "text/plain": f"<{self.TYPE}: {self.label()}>"}

    def label(self) -> str:
        """A short name of the node for plain-text displays."""
        for name in ("title", "text", "caption"):
            value = getattr(self, name, None)
            if isinstance(value, str):
                return value[:80]
        return self.TYPE


def _plain(value: Any) -> Any:
    if isinstance(value, Node):
        return value.to_json()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


#: a node role token: the node is shown in the HTML and the open data, left out of the PDF
#: (reproduction details are not for parliament)
SCREEN_ONLY = "screen-only"

@dataclass(frozen=True)
class Paragraph(Node):
    """A paragraph of plain text; ``role`` names its purpose (``lead``, ``caveat``).

    ``href`` (a relative file name, e.g. the report's CSV) follows the text as a link in
    HTML and as plain text in the PDF, so the printed page still names the file.
    """

    TYPE: ClassVar[str] = "paragraph"
    text: str
    role: str = ""
    href: str = ""


@dataclass(frozen=True)
class Heading(Node):
    """A heading inside a section (level 3 or 4); ``id`` is its anchor."""

    TYPE: ClassVar[str] = "heading"
    text: str
    level: int = 3
    id: str = ""


@dataclass(frozen=True)
class BulletList(Node):
    """An unordered list of plain-text items."""

    TYPE: ClassVar[str] = "list"
    items: tuple[str, ...]
    role: str = ""


@dataclass(frozen=True)
class KeyValue(Node):
    """Term/description pairs (``<dl>`` in HTML, a two-column grid in the PDF)."""

    TYPE: ClassVar[str] = "keyvalue"
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Code(Node):
    """A command or other literal text; ``role`` as for :class:`Paragraph`
    (``screen-only``: in the HTML, not in parliament's PDF)."""

    TYPE: ClassVar[str] = "code"
    text: str
    role: str = ""


@dataclass(frozen=True)
class Note(Node):
    """A remark set apart from the running text.

    ``tone`` is ``note`` (neutral), ``warning`` (a caveat the reader must see) or ``failure``
    (a step of the analysis could not be done; the text says which and why).
    """

    TYPE: ClassVar[str] = "note"
    text: str
    tone: Tone = "note"


@dataclass(frozen=True)
class Callout(Node):
    """The illustrative-data notice: data that are not a published figure."""

    TYPE: ClassVar[str] = "callout"
    text: str


@dataclass(frozen=True)
class Figure(Node):
    """A chart: SVG source, alt text (what it shows, in words), caption and source line."""

    TYPE: ClassVar[str] = "figure"
    svg: str
    alt: str
    caption: str
    source: str = ""

    def __post_init__(self) -> None:
        if not self.alt.strip():
            raise ValueError("Figure: every chart needs alt text that describes what it shows")
        if "<svg" not in self.svg:
            raise ValueError("Figure: svg must contain an <svg> element")


@dataclass(frozen=True)
class Column:
    """A table column header: its text, unit (shown with the header) and alignment."""

    text: str
    unit: str = ""
    numeric: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "unit": self.unit, "numeric": self.numeric}


@dataclass(frozen=True)
class Cell:
    """A table cell: plain text, and for a status its code and symbol.

    A status is shown by symbol, word and colour together (never colour alone, WCAG 1.4.1);
    ``text`` is the word, ``symbol`` the sign, ``status`` the code that picks the colour.
    """

    text: str
    status: str = ""
    symbol: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "status": self.status, "symbol": self.symbol}


@dataclass(frozen=True)
class Table(Node):
    """A data table with a caption, header cells and rows of cells.

    ``row_headers`` makes the first column row headers; ``note`` is a footnote under it.
    """

    TYPE: ClassVar[str] = "table"
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    row_headers: bool = True
    note: str = ""
    role: str = ""

    def __post_init__(self) -> None:
        width = len(self.columns)
        for i, row in enumerate(self.rows):
            if len(row) != width:
                raise ValueError(f"Table {self.caption!r}: row {i} has {len(row)} cells, "
                                 f"the header has {width}")

    def to_json(self) -> dict[str, Any]:
        return {"type": self.TYPE, "caption": self.caption,
                "columns": [c.to_json() for c in self.columns],
                "rows": [[c.to_json() for c in row] for row in self.rows],
                "row_headers": self.row_headers, "note": self.note, "role": self.role}


@dataclass(frozen=True)
class Front(Node):
    """The report's front matter: title, facts about the report, notice and contents.

    ``contents`` are ``(section id, title)`` pairs; HTML shows them as a navigation list,
    the PDF makes its own outline from the headings.
    """

    TYPE: ClassVar[str] = "front"
    title: str
    id: str
    facts: tuple[tuple[str, str], ...]
    contents_title: str
    contents: tuple[tuple[str, str], ...]
    notice: str = ""


@dataclass(frozen=True)
class Section(Node):
    """A report section: a level-2 heading and its children in reading order."""

    TYPE: ClassVar[str] = "section"
    title: str
    id: str
    children: tuple[Node, ...] = field(default_factory=tuple)
    role: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"type": self.TYPE, "title": self.title, "id": self.id,
                "children": [c.to_json() for c in self.children], "role": self.role}


def section(title: str, id: str, *children: Node | Iterable[Node] | None,
            role: str = "") -> Section:
    """A :class:`Section` from children, lists of children and ``None`` (skipped)."""
    flat: list[Node] = []
    for c in children:
        if c is None:
            continue
        if isinstance(c, Node):
            flat.append(c)
        else:
            flat.extend(x for x in c if x is not None)
    return Section(title, id, tuple(flat), role)


def table(caption: str, header: Sequence[str | Column],
          rows: Iterable[Sequence[str | Cell]], *, numeric: Sequence[bool] | None = None,
          row_headers: bool = True, note: str | None = None, role: str = "") -> Table:
    """A :class:`Table` from header texts (or columns) and rows of text (or cells).

    ``numeric`` gives, per column, whether it holds numbers (right-aligned).
    """
    nums = list(numeric or [False] * len(header))
    cols = tuple(h if isinstance(h, Column) else Column(h, numeric=nums[i])
                 for i, h in enumerate(header))
    body = tuple(tuple(c if isinstance(c, Cell) else Cell(str(c)) for c in row) for row in rows)
    return Table(caption, cols, body, row_headers, note or "", role)


def status_cell(code: str, label: str, symbol: str) -> Cell:
    """A status cell shown by symbol, word and colour."""
    return Cell(label, code, symbol)


@dataclass
class Summary:
    """Machine-readable summary of a report, displayed as a notebook output.

    Only the custom mimetype is emitted, so HTML and PDF show nothing while the batch reads
    it back from the executed notebook.
    """

    data: dict[str, object]

    def _repr_mimebundle_(self, include: object = None,
                          exclude: object = None) -> dict[str, object]:
        return {SUMMARY_MIMETYPE: self.data}


def slug_of(text: str) -> str:
    """An anchor from a title: ``Één twee`` → ``een-twee`` (accents dropped, not letters)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug or "sectie"
