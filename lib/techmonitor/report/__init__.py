"""Report content: the context, the document model, the sections and the template object.

``from techmonitor.report import Report`` is the public entry point; the section builders
live in one module per section group (intro, goals, labour, measures, national, annex), each
a function of the read-only :class:`~techmonitor.report.context.ReportContext`.
Importing the package is cheap: :class:`Report` (and with it pandas and statsmodels) loads
on first use, so the renderers can read :mod:`techmonitor.report.document` alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from techmonitor.report.ids import SECTION_IDS
from techmonitor.titles import report_title

if TYPE_CHECKING:
    from techmonitor.report.core import Report

__all__ = ["SECTION_IDS", "Report", "report_title"]


def __getattr__(name: str) -> Any:
    if name == "Report":
        from techmonitor.report.core import Report

        return Report
    raise AttributeError(f"module 'techmonitor.report' has no attribute {name!r}")
