"""Names of the 40,000's measurements, shared by their section and the results file."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from techmonitor.progress import extra
    from techmonitor.report.context import ReportContext as Report


def vintage_label(report: Report, vintage: str) -> str:
    """The catalogue's label of a vintage (Dutch); an English report names the code, as the
    method annex does."""
    if report.lang == "en":
        return vintage
    return next((ind.vintages[vintage].label_nl for ind in report.catalogue.values()
                 if vintage in ind.vintages), vintage)


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
