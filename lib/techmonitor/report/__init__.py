"""Report content: the context, the document model, the sections and the template object.

``from techmonitor.report import Report`` is the public entry point; the section builders
live in one module per section group (intro, goals, labour, measures, national, annex), each
a function of the read-only :class:`~techmonitor.report.context.ReportContext`.
"""

from techmonitor.report.core import Report
from techmonitor.report.ids import SECTION_IDS
from techmonitor.titles import report_title

__all__ = ["SECTION_IDS", "Report", "report_title"]
