"""Report content: the object templates call and the sections it returns.

``from techmonitor.report import Report, report_title`` is the public entry point; the
section builders live in one module per section group (intro, goals, labour, measures,
national, annex).
"""

from techmonitor.report.core import Report, report_title
from techmonitor.report.ids import SECTION_IDS

__all__ = ["SECTION_IDS", "Report", "report_title"]
