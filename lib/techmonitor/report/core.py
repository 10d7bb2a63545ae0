"""The :class:`Report` object templates call: parameters in, document sections out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from techmonitor.config import FIELDS, ReportParams, from_values
from techmonitor.engine import stage as kernel_stage
from techmonitor.errors import ParameterError
from techmonitor.report import (
    annex,
    author,
    changes,
    goals,
    intro,
    labour,
    measures,
    national,
    own_analysis,
    regions,
)
from techmonitor.report import document as doc
from techmonitor.report.comparison import compare
from techmonitor.report.context import Finding, ReportContext, build_context, with_comparison
from techmonitor.report.results import ResultsOutput
from techmonitor.report.results_data import results_of

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from techmonitor.trends import TrendResult


class Report:
    """What a report template calls, for one set of parameters.

    Parameters
    ----------
    params
        Validated report parameters.

    Notes
    -----
    The analysis is done once, in :attr:`context` (read-only); each section method is a
    function of that context and returns a document node, which a notebook cell shows as
    HTML and records as JSON for the PDF. Nothing is written to disk here.
    """

    def __init__(self, params: ReportParams) -> None:
        self.params = params
        self._made = 0  # sections and charts made, for unique chart ids
        # ids of the author's sections, kept unique (the failure section's id is reserved)
        self._ids: set[str] = {author.FAILED_ID}
        self._in_analysis = False

    @classmethod
    def from_namespace(cls, namespace: Mapping[str, Any]) -> Report:
        """Build a report from a template's parameter variables (pass ``globals()``).

        Raises
        ------
        ParameterError
            If the parameters do not satisfy the schema or the rules that tie them together
            (the same checks as the batch's, :func:`techmonitor.config.cross_checks`).
        """
        values = {k: namespace[k] for k in FIELDS if k in namespace}
        return cls(from_values(values))

    @cached_property
    def _results(self) -> tuple[ReportContext, dict[str, Any]]:
        """The analysis, compared with the earlier report, and the report's results."""
        context = build_context(self.params)
        results = results_of(context)  # the comparison reads this report's own results
        return with_comparison(context, compare(self.params, context.project, results)), results

    @property
    def _analysed(self) -> ReportContext:
        return self._results[0]

    @property
    def context(self) -> ReportContext:
        """The analysed report (computed on first use, then read-only), with the contents
        and any failure of the author's own analysis (params ``analysis``)."""
        base = self._analysed
        if self._in_analysis:  # the author's analysis reads the context while it runs
            return base
        sections, failure = self._own
        contents = tuple((s.id, s.title) for s in sections)
        if failure is not None:
            contents = ((author.FAILED_ID, base.t("own.title")),)
        extra = (Finding(self.params.analysis, "analysis", failure),) if failure else ()
        if not contents and not extra:
            return base
        return replace(base, own_contents=contents, findings=base.findings + extra)

    # -- the author's API ----------------------------------------------------------------------
    def series(self, indicator: str, level: str = "all", sex: str = "all") -> pd.DataFrame:
        """One series of this report's sector or region as a tidy frame.

        Columns ``period, value, status, vintage, source``; see
        :func:`techmonitor.report.author.series`.
        """
        return author.series(self._analysed, indicator, level, sex)

    def trend(self, indicator: str, level: str = "all", sex: str = "all") -> TrendResult:
        """The calibrated trend of :meth:`series` (shows itself as a table in JupyterLab)."""
        return author.trend(self._analysed, indicator, level, sex)

    def figure(self, indicator: str, level: str = "all", sex: str = "all", *,
               with_trend: bool = True) -> Figure:
        """A house-style matplotlib chart of one series, its trend and 80/95% band.

        It carries its alt text, caption and source, for :meth:`section`.
        """
        return author.figure(self._analysed, indicator, level, sex, with_trend=with_trend)

    def chart(self, fig: Figure, *, alt: str, caption: str = "", source: str) -> doc.Figure:
        """Any matplotlib figure as a report figure, with the alt text and source it needs."""
        self._made += 1
        return author.chart(fig, alt=alt, caption=caption, source=source,
                            salt=f"{self.params.report_id}-chart-{self._made}")

    def section(self, title: str, *blocks: Any) -> doc.Section:
        """A section of the author's own: a title, then text, figures, tables or nodes.

        Shown where the cell stands, in the HTML and the PDF, in house style. ``str`` is a
        paragraph, a :meth:`figure` a chart, a DataFrame a table (``frame.attrs["caption"]``
        its caption).
        """
        self._made += 1
        made = author.section(self._analysed, title, blocks, self._made)
        sid, n = made.id, 2
        while sid in self._ids:
            sid, n = f"{made.id}-{n}", n + 1
        self._ids.add(sid)
        return made if sid == made.id else replace(made, id=sid)

    @cached_property
    def _own(self) -> tuple[tuple[doc.Section, ...], str | None]:
        """The sections of the params ``analysis`` file, or why it failed."""
        path = self.params.analysis_file(Path(self.params.project_dir).resolve())
        if path is None:
            return (), None
        self._in_analysis = True
        try:
            with kernel_stage("the own analysis"):  # named if the author's code kills us
                made = own_analysis.run_analysis(self, path)
        except own_analysis.AnalysisError as exc:
            return (), str(exc)
        finally:
            self._in_analysis = False
        # say whose analysis it is: it is not the shared method of every report
        by = doc.Paragraph(self._analysed.t("own.by", file=self.params.analysis), "caveat")
        return tuple(replace(sec, children=(by, *sec.children)) for sec in made), None

    def analysis(self) -> doc.Section | None:
        """The author's own sections from the params ``analysis`` file, shown in place.

        Without an analysis file nothing is shown. When the file fails, a failure note
        naming file and line stands where its sections would, and the batch reports it as a
        warning.
        """
        if self._in_analysis:
            raise ParameterError("report.analysis() inside the analysis file: return your "
                                 "sections from sections(report) instead")
        sections, failure = self._own
        ctx = self._analysed
        if failure is not None:
            return doc.Section(ctx.t("own.title"), author.FAILED_ID,
                               (doc.Note(ctx.t("own.failed", reason=failure), "failure"),),
                               role="own")
        if not sections:
            return None
        from IPython.display import display

        for sec in sections[:-1]:  # a cell shows one value; the others are displayed
            display(sec)
        return sections[-1]

    @property
    def title(self) -> str:
        """The report title."""
        return self.context.title

    def title_block(self) -> doc.Front:
        """Title, period, date and status of the data, table of contents."""
        return intro.title_block(self.context)

    def key_messages(self) -> doc.Section:
        """3–6 generated sentences and the table of all indicators."""
        return intro.key_messages(self.context)

    def changes(self) -> doc.Section:
        """What changed since the earlier report: new data, revisions, assessments, chances."""
        return changes.section(self.context)

    def goal(self, n: int) -> doc.Section:
        """Section for goal ``n`` (1–4) of the cabinet letter."""
        if n not in (1, 2, 3, 4):
            raise ParameterError(f"goal({n!r}): the cabinet letter has goals 1, 2, 3 and 4")
        return goals.goal_section(self.context, n)

    def labour_market(self) -> doc.Section:
        """Open vacancies for the sector or province: adjusted trend and year on year."""
        return labour.labour_section(self.context)

    def regional(self) -> doc.Section | None:
        """Province report only: its place among the provinces (None for other reports)."""
        return regions.region_section(self.context)

    def measures(self) -> doc.Section:
        """Measures per cluster with owner, budget, planned vs realised output and status."""
        return measures.measures_section(self.context)

    def national_overview(self) -> doc.Section:
        """National report only: the nine sectors, the ROA table and the 40,000 target."""
        return national.national_section(self.context)

    def method(self) -> doc.Section:
        """Definitions, trend and progress method, sources."""
        return annex.method_section(self.context)

    def provenance(self) -> doc.Section:
        """Data hash, code version, parameters, the reproducing command and the findings."""
        return annex.provenance_section(self.context)

    def summary(self) -> doc.Summary:
        """Machine-readable summary for the batch (invisible in HTML and PDF).

        Besides :func:`annex.summary`'s counts it holds ``changes``: the number of changes
        since the earlier report (None when nothing was compared) and ``compared``: the
        comparison's state (``ok``, ``none``, ``missing``, ``unreadable``, ``schema``).
        """
        out = annex.summary(self.context)
        comparison = self.context.comparison
        out.data["changes"] = comparison.count if comparison is not None else None
        out.data["compared"] = comparison.state if comparison is not None else "none"
        return out

    def results(self) -> ResultsOutput:
        """The report's results as data, for the batch's results file and CSV (invisible)."""
        return ResultsOutput(self._results[1])
