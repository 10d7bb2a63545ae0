"""Executed notebook → accessible HTML page, with one reusable exporter per process."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import nbformat
from nbconvert import HTMLExporter

from techmonitor import __version__
from techmonitor.errors import RenderError

TEMPLATE_DIR = Path(str(files("techmonitor") / "render" / "nbtemplate"))
CSS_FILE = Path(str(files("techmonitor") / "render" / "static" / "report.css"))
SKIP_TEXT = {"nl": "Naar de inhoud", "en": "Skip to content"}


@lru_cache(maxsize=1)
def exporter() -> HTMLExporter:
    """The HTML exporter, built once per process (building it costs more than using it)."""
    exp = HTMLExporter(
        template_name="techmonitor",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
    )
    exp.exclude_input = True
    exp.exclude_input_prompt = True
    exp.exclude_output_prompt = True
    exp.embed_images = True
    return exp


@lru_cache(maxsize=1)
def report_css() -> str:
    """The screen stylesheet, inlined into every page (no external requests)."""
    return CSS_FILE.read_text(encoding="utf-8")


def notebook_to_html(
    nb: nbformat.NotebookNode, *, title: str, language: str, kind: str
) -> str:
    """Render an executed report notebook to a standalone HTML page.

    Parameters
    ----------
    nb
        The executed notebook.
    title
        Page title (``<title>``), plain text.
    language
        ``nl`` or ``en``; sets ``<html lang>``.
    kind
        Report kind, used as a CSS class.

    Raises
    ------
    RenderError
        If nbconvert fails.
    """
    resources: dict[str, Any] = {
        "techmonitor": {
            "title": title,
            "language": language,
            "kind": kind,
            "css": report_css(),
            "skip_text": SKIP_TEXT.get(language, SKIP_TEXT["nl"]),
            "version": __version__,
        }
    }
    try:
        body, _ = exporter().from_notebook_node(nb, resources=resources)
    except Exception as exc:  # nbconvert raises many types; one clear error for the caller
        raise RenderError(f"HTML rendering failed for {title!r}: {exc}") from exc
    return body
