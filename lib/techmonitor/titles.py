"""Report titles, without the report machinery (the batch needs titles, not pandas)."""

from __future__ import annotations

from techmonitor import fmt
from techmonitor.config import ReportParams
from techmonitor.messages import msg


def report_title(params: ReportParams) -> str:
    """Title of a report, e.g. ``Techniek Monitor – Topsector Energie, 3e kwartaal 2023``."""
    lang = params.language
    when = fmt.quarter(params.period, lang)
    key = "title.national" if params.kind == "national" else "title"
    return msg(key, lang, app=msg("app", lang), kind=msg(f"kind.{params.kind}", lang),
               name=params.display_name(), when=when)
