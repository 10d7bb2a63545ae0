"""Names of vintages and of the 40,000's measurements, shared by sections and the results file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from techmonitor.bilingual import text

if TYPE_CHECKING:
    from techmonitor.progress import extra
    from techmonitor.report.context import ReportContext as Report


def vintage_label(report: Report, vintage: str, indicator: str | None = None) -> str:
    """The catalogue's name of a vintage in the report's language (``label_nl``/``label_en``
    of ``indicator``'s vintage, else of the first indicator that has it).

    The code itself only for a vintage the catalogue does not know (the data check refuses
    observations of such a vintage, so a report never shows one).
    """
    inds = [report.catalogue[indicator]] if indicator else report.catalogue.values()
    found = next((ind.vintages[vintage] for ind in inds if vintage in ind.vintages), None)
    return text(found, "label", report.lang) if found is not None else vintage


def measure_label(report: Report, e: extra.ExtraEstimate) -> str:
    """``Werkgelegenheid 2013–2022`` — the bar and row label (the vintage is its own column)."""
    period = f"{report.fmt_period(e.start, 'short')}–{report.fmt_period(e.end, 'short')}"
    return report.t(f"x40.route.{e.route}", period=period)


def measure_how(report: Report, e: extra.ExtraEstimate) -> str:
    """``trendlijn door 10 punten`` — how a measurement was made."""
    return report.t(f"x40.method.{e.method}", n=e.n_points)


def measure_what(report: Report, e: extra.ExtraEstimate) -> str:
    """What a measurement measures, in the same words on every page (section, key
    messages, chart axis, method annex, results file): ``netto groei van de werkgelegenheid
    in technische beroepen per jaar``."""
    return report.t(f"x40.what.{e.route}")
