"""The document nodes a PDF accepts: checked before Typst sees them, so a bad node fails
with its place in the document instead of a Typst error deep in the template."""

from __future__ import annotations

from typing import Any

from techmonitor.errors import RenderError
from techmonitor.report.document import SCHEMA_VERSION

NODE_TYPES = frozenset({"front", "section", "heading", "paragraph", "list", "keyvalue", "code",
                        "note", "callout", "figure", "table"})


def split_document(document: list[dict[str, Any]], what: str
           ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The document's Front (or ``None``) and the other top-level nodes, each checked.

    Parameters
    ----------
    document
        The report's node dicts, as the worker reads them from the notebook.
    what
        Where the document comes from, for the error message.

    Raises
    ------
    RenderError
        A node the PDF cannot carry: unknown type, another schema, a figure without alt
        text, a heading without text, a table whose rows do not fit its columns.
    """
    if not isinstance(document, list):
        raise RenderError(f"{what}: the document must be a list of node dicts, "
                          f"not {type(document).__name__}")
    front: dict[str, Any] | None = None
    body: list[dict[str, Any]] = []
    for i, node in enumerate(document):
        check_node(node, f"{what}: node {i}")
        if node["type"] == "front" and front is None:
            front = node
        else:
            body.append(node)
    return front, body


def check_node(node: Any, where: str) -> None:
    """Refuse a node (and its children) that PDF/UA or the template cannot carry."""
    if not isinstance(node, dict):
        raise RenderError(f"{where} is a {type(node).__name__}, not a node dict")
    kind = node.get("type")
    if kind not in NODE_TYPES:
        raise RenderError(f"{where} has unknown type {kind!r}: expected one of "
                          f"{', '.join(sorted(NODE_TYPES))}")
    schema = node.get("schema", SCHEMA_VERSION)
    if schema != SCHEMA_VERSION:
        raise RenderError(f"{where} has document schema {schema!r}; this renderer reads "
                          f"schema {SCHEMA_VERSION}: re-run the report")
    if kind == "figure" and not str(node.get("alt", "")).strip():
        raise RenderError(f"{where}: figure {node.get('caption', '')!r} has no alt text")
    if kind == "section" and not str(node.get("title", "")).strip():
        raise RenderError(f"{where}: section {node.get('id', '')!r} has no title (PDF/UA "
                          "needs a text for every heading)")
    if kind == "heading" and not str(node.get("text", "")).strip():
        raise RenderError(f"{where}: heading {node.get('id', '')!r} has no text (PDF/UA "
                          "needs a text for every heading)")
    if kind == "table":
        check_table(node, where)
    if kind == "section":
        for j, child in enumerate(node.get("children", [])):
            check_node(child, f"{where} ({node.get('id', '')}) child {j}")


def check_table(node: dict[str, Any], where: str) -> None:
    """Refuse a table without column texts or with a row that does not fit its columns."""
    caption = node.get("caption", "")
    columns = node.get("columns")
    if not isinstance(columns, list) or not all(isinstance(c, dict) and "text" in c
                                                for c in columns):
        raise RenderError(f"{where}: table {caption!r}: every column needs a text")
    for i, row in enumerate(node.get("rows") or []):
        if not isinstance(row, list) or len(row) != len(columns):
            raise RenderError(f"{where}: table {caption!r}, row {i}: "
                              f"{len(row) if isinstance(row, list) else 0} cells for "
                              f"{len(columns)} columns")
        for j, cell in enumerate(row):
            if not isinstance(cell, dict) or not isinstance(cell.get("text"), str):
                raise RenderError(f"{where}: table {caption!r}, row {i}, column {j}: "
                                  "a cell needs a text")
