"""The :class:`Report` object templates call: parameters in, document sections out."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

from techmonitor.config import FIELDS, ReportParams
from techmonitor.errors import ParameterError
from techmonitor.report import annex, changes, goals, intro, labour, measures, national
from techmonitor.report import document as doc
from techmonitor.report.context import ReportContext, build_context
from techmonitor.report.results import ResultsOutput, results_of


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

    @classmethod
    def from_namespace(cls, namespace: Mapping[str, Any]) -> Report:
        """Build a report from a template's parameter variables (pass ``globals()``).

        Raises
        ------
        ParameterError
            If the parameters do not satisfy the schema.
        """
        values = {k: namespace[k] for k in FIELDS if k in namespace}
        try:
            params = ReportParams.model_validate(values)
        except Exception as exc:  # pydantic's message already names the key
            raise ParameterError(f"template parameters: {exc}") from exc
        return cls(params)

    @cached_property
    def context(self) -> ReportContext:
        """The analysed report (computed on first use, then read-only)."""
        return build_context(self.params)

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
        return ResultsOutput(results_of(self.context))
