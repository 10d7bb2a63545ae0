"""Small HTML building blocks that report sections return to the notebook.

Every block has ``_repr_html_`` so a template cell that ends with a library call shows it.
All text that comes from data or parameters passes through :func:`esc`; only markup built
here is trusted. That is what keeps a sector called ``<script>`` a harmless string.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


def esc(text: object) -> str:
    """Escape any value for use as HTML text or attribute value."""
    return html.escape(str(text), quote=True)


@dataclass
class Block:
    """A piece of trusted HTML (built by this module from escaped parts)."""

    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


@dataclass
class Section:
    """A report section: a heading and its blocks, wrapped in ``<section>``.

    Parameters
    ----------
    title
        Heading text (escaped).
    level
        Heading level, 2 for main sections.
    anchor
        ``id`` of the section, used by the table of contents and PDF bookmarks.
    blocks
        Content blocks in reading order.
    """

    title: str
    anchor: str
    level: int = 2
    blocks: list[Block] = field(default_factory=list)
    css_class: str = ""

    def add(self, *blocks: Block | None) -> Section:
        """Append blocks (``None`` is skipped) and return self."""
        self.blocks.extend(b for b in blocks if b is not None)
        return self

    def _repr_html_(self) -> str:
        cls = f' class="{esc(self.css_class)}"' if self.css_class else ""
        body = "\n".join(b.html for b in self.blocks)
        return (
            f'<section id="{esc(self.anchor)}"{cls} aria-labelledby="{esc(self.anchor)}-h">\n'
            f'<h{self.level} id="{esc(self.anchor)}-h">{esc(self.title)}</h{self.level}>\n'
            f"{body}\n</section>"
        )


def paragraph(text: str, css_class: str = "") -> Block:
    """A paragraph of plain text."""
    cls = f' class="{esc(css_class)}"' if css_class else ""
    return Block(f"<p{cls}>{esc(text)}</p>")


def heading(text: str, level: int, anchor: str | None = None) -> Block:
    """A heading of the given level."""
    ident = f' id="{esc(anchor)}"' if anchor else ""
    return Block(f"<h{level}{ident}>{esc(text)}</h{level}>")


def bullet_list(items: Iterable[str], css_class: str = "") -> Block:
    """An unordered list of plain-text items."""
    cls = f' class="{esc(css_class)}"' if css_class else ""
    body = "".join(f"<li>{esc(i)}</li>" for i in items)
    return Block(f"<ul{cls}>{body}</ul>")


def definition_list(pairs: Iterable[tuple[str, str]]) -> Block:
    """A ``<dl>`` of term/description pairs (both plain text)."""
    body = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in pairs)
    return Block(f"<dl>{body}</dl>")


@dataclass
class Cell:
    """A table cell: plain text plus optional trusted markup and CSS class."""

    text: str
    css_class: str = ""
    markup: str | None = None

    def render(self, tag: str, scope: str | None = None) -> str:
        attrs = f' class="{esc(self.css_class)}"' if self.css_class else ""
        if scope:
            attrs += f' scope="{scope}"'
        inner = self.markup if self.markup is not None else esc(self.text)
        return f"<{tag}{attrs}>{inner}</{tag}>"


def table(
    caption: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str | Cell]],
    *,
    numeric: Sequence[bool] | None = None,
    row_headers: bool = True,
    css_class: str = "data",
    note: str | None = None,
) -> Block:
    """An accessible data table.

    Parameters
    ----------
    caption
        Table caption (required: every table says what it shows).
    header
        Column header texts; rendered as ``<th scope="col">``.
    rows
        Row values, already formatted as text (or :class:`Cell`).
    numeric
        Per column, whether to right-align it (numbers).
    row_headers
        Render the first column as ``<th scope="row">``.
    note
        Optional footnote under the table (e.g. "* voorlopig").
    """
    numeric = list(numeric or [False] * len(header))
    head = "".join(
        Cell(h, "num" if numeric[i] else "").render("th", "col") for i, h in enumerate(header)
    )
    body = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            cell = value if isinstance(value, Cell) else Cell(str(value))
            if numeric[i] and "num" not in cell.css_class:
                cell = Cell(cell.text, (cell.css_class + " num").strip(), cell.markup)
            if i == 0 and row_headers:
                cells.append(cell.render("th", "row"))
            else:
                cells.append(cell.render("td"))
        body.append("<tr>" + "".join(cells) + "</tr>")
    foot = f'<p class="table-note">{esc(note)}</p>' if note else ""
    return Block(
        f'<div class="table-wrap"><table class="{esc(css_class)}">'
        f"<caption>{esc(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{foot}</div>"
    )


def figure(svg: str, alt: str, caption: str) -> Block:
    """A chart as inline SVG inside ``<figure>`` with real alt text.

    The SVG gets ``role="img"`` and ``aria-label`` with the alt text, plus a ``<title>``, so
    browsers, screen readers and the tagged PDF all carry the description.
    """
    start = svg.find("<svg")
    if start < 0:
        raise ValueError("figure(): svg must contain an <svg> element")
    svg = svg[start:]
    close = svg.find(">")
    opening = svg[:close]
    opening = opening.replace(" width=", " data-width=").replace(" height=", " data-height=")
    svg = (
        f'{opening} role="img" aria-label="{esc(alt)}" class="chart">'
        f"<title>{esc(alt)}</title>{svg[close + 1:]}"
    )
    return Block(
        f'<figure class="chart-figure">{svg}<figcaption>{esc(caption)}</figcaption></figure>'
    )


def status_cell(code: str, label: str, symbol: str) -> Cell:
    """A status shown by symbol, word and colour together (never colour alone, WCAG 1.4.1).

    ``code`` becomes a CSS class (``status-<code>``) that sets the colour; the symbol is
    hidden from screen readers because the word already says it.
    """
    markup = (f'<span class="status status-{esc(code)}"><span class="symbol" '
              f'aria-hidden="true">{esc(symbol)}</span> {esc(label)}</span>')
    return Cell(f"{symbol} {label}", markup=markup)


def toc(title: str, entries: Sequence[tuple[str, str]]) -> Block:
    """Table of contents: ``entries`` are ``(anchor, title)`` of the report's sections."""
    items = "".join(f'<li><a href="#{esc(a)}">{esc(t)}</a></li>' for a, t in entries)
    return Block(
        f'<nav class="toc" aria-labelledby="toc-h"><h2 id="toc-h">{esc(title)}</h2>'
        f"<ol>{items}</ol></nav>"
    )


def code(text: str) -> Block:
    """A command or other literal text, shown as code."""
    return Block(f"<pre class=\"command\"><code>{esc(text)}</code></pre>")


def note(text: str, css_class: str = "note") -> Block:
    """A highlighted remark (e.g. the illustrative-data notice); a paragraph with a class."""
    return Block(f'<p class="{esc(css_class)}">{esc(text)}</p>')


SUMMARY_MIMETYPE = "application/vnd.techmonitor.summary+json"


@dataclass
class Summary:
    """Machine-readable summary of a report, displayed as a notebook output.

    Only the custom mimetype is emitted, so HTML and PDF show nothing while the batch reads
    it back from the executed notebook (``render.index.summary_from_notebook``).
    """

    data: dict[str, object]

    def _repr_mimebundle_(
        self, include: object = None, exclude: object = None
    ) -> dict[str, object]:
        return {SUMMARY_MIMETYPE: self.data}


def join(*blocks: Block | None) -> Block:
    """Concatenate blocks into one."""
    return Block("\n".join(b.html for b in blocks if b is not None))
