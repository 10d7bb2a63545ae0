"""Executed notebook → accessible HTML page, with one reusable exporter per process."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import nbformat
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

from techmonitor import __version__
from techmonitor.errors import RenderError
from techmonitor.messages import PerLanguage

TEMPLATE_DIR = Path(str(files("techmonitor") / "render" / "nbtemplate"))
CSS_FILE = Path(str(files("techmonitor") / "render" / "static" / "report.css"))
#: text of the skip link, by language (message ``page.skip``)
SKIP_TEXT = PerLanguage("page.skip")


class ReportExporter(HTMLExporter):
    """nbconvert's HTML exporter without its BeautifulSoup pass.

    ``HTMLExporter`` re-parses every page to add placeholder alt text to images without any
    and tab stops for JupyterLab classes. Our pages carry real alt text (charts go through
    :func:`techmonitor.chartstyle.svg_of`) and no JupyterLab markup, and the re-parse costs about
    0.35 s per report and lower-cases the case-sensitive attributes of inline SVG
    (``viewBox``), so it is skipped.
    """

    def from_notebook_node(  # type: ignore[override]
        self, nb: nbformat.NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        resources = self._init_resources(resources)
        self.register_filter("highlight_code", Highlight2HTML(parent=self))
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


@lru_cache(maxsize=1)
def exporter() -> HTMLExporter:
    """The HTML exporter, built once per process (building it costs more than using it)."""
    exp = ReportExporter(
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
