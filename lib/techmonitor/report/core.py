"""The :class:`Report` object templates call: parameters in, section blocks out."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from techmonitor import fmt
from techmonitor.blocks import Block, Section, Summary
from techmonitor.config import FIELDS, ReportParams
from techmonitor.errors import ParameterError
from techmonitor.indicators import Indicator
from techmonitor.messages import msg
from techmonitor.report import data
from techmonitor.report.analysis import Item, analyse, levels_for, match_target
from techmonitor.report.ids import SECTION_IDS
from techmonitor.report.national import ROA_CODES
from techmonitor.titles import report_title


class Report:
    """Everything a report template calls, for one set of parameters.

    Parameters
    ----------
    params
        Validated report parameters.

    Notes
    -----
    Each section method returns a :class:`~techmonitor.blocks.Section` (or Block) that the
    notebook displays as HTML; nothing is written to disk here.
    """

    def __init__(self, params: ReportParams) -> None:
        self.params = params
        self.lang = params.language
        self.project = Path(params.project_dir).resolve()
        self.data_dir = self.project / "data"

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

    # -- shared helpers used by the section modules ---------------------------------------

    def t(self, key: str, **values: object) -> str:
        """A fixed label in the report language (see :mod:`techmonitor.messages`)."""
        return msg(key, self.lang, **values)

    def fmt_period(self, code: str, style: str = "long") -> str:
        """A period code as text in the report language."""
        return fmt.period(code, self.lang, style)  # type: ignore[arg-type]

    @property
    def title(self) -> str:
        """The report title."""
        return report_title(self.params)

    @property
    def scope(self) -> str:
        """``heel Nederland`` / ``de topsector Energie`` / ``de provincie Utrecht``."""
        return self.t(f"scope.{self.params.kind}", name=self.params.display_name())

    @cached_property
    def obs(self) -> pd.DataFrame:
        """Observations up to the end of the reporting quarter (later ones are not yet known
        in that quarter, so a rerun of an old quarter gives the old report)."""
        return data.obs_until(self.data_dir, self.params.period)

    def obs_of(self, ind: Indicator) -> pd.DataFrame:
        """Observations of one indicator and of the parts of a derived share."""
        codes = [ind.code] + [part.indicator for part in (ind.numerator, ind.denominator)
                              if part is not None]
        return data.obs_for(self.data_dir, self.params.period, tuple(codes))

    @cached_property
    def catalogue(self) -> dict[str, Indicator]:
        """Indicator catalogue (cached per process)."""
        return data.load_catalogue(self.data_dir)

    @cached_property
    def items(self) -> list[Item]:
        """Every indicator series with data for this report, in catalogue order."""
        p = self.params
        sectors_ref = data.load_sectors(self.data_dir)
        national_targets = data.load_targets(self.data_dir)
        out = []
        # Totals that only serve as the denominator of a share (all first-years, all diplomas)
        # are not policy indicators: the share says what they mean, and leaving them out keeps
        # the printed report short. Their definitions stay in the method annex.
        denominators = {ind.denominator.indicator for ind in self.catalogue.values()
                        if ind.denominator is not None}
        for ind in self.catalogue.values():
            if ind.code in ROA_CODES:  # one published forecast table, shown on its own
                continue
            if ind.code in denominators and ind.direction == "none":
                continue
            for level in levels_for(ind, list(p.levels)):
                target = match_target(ind, level, p.sector, p.region, national_targets,
                                      list(p.targets))
                item = analyse(self.obs_of(ind), self.catalogue, ind, level, sector=p.sector,
                               region=p.region, sectors_ref=sectors_ref, target=target,
                               horizon_year=p.target_year)
                if item is not None:
                    out.append(item)
        return out

    @cached_property
    def measure_rows(self) -> list[Any]:
        """Measures shown in this report with their status (see :mod:`.measures`)."""
        from techmonitor.report.measures import compute_measure_rows

        return compute_measure_rows(self)

    def goal_items(self, goal: int) -> list[Item]:
        """Items of one goal, quarterly labour-market series excluded (own section)."""
        return [i for i in self.items if i.ind.goal == goal and i.ind.frequency != "quarter"]

    @property
    def reproduce_command(self) -> str:
        """The command that rebuilds exactly this report."""
        p = self.params
        cmd = f"techmonitor run --only {p.kind}:{p.slug} --period {p.period}"
        if p.language != "nl":
            cmd += f" --set language={p.language}"
        return cmd

    # -- sections (each in its own module; imported here to keep templates to one object) --

    def title_block(self) -> Block:
        """Title, period, date and status of the data, table of contents."""
        from techmonitor.report.intro import title_block

        return title_block(self)

    def key_messages(self) -> Section:
        """3–6 generated sentences and the table of all indicators."""
        from techmonitor.report.intro import key_messages

        return key_messages(self)

    def goal(self, n: int) -> Section:
        """Section for goal ``n`` (1–4) of the cabinet letter."""
        from techmonitor.report.goals import goal_section

        if n not in (1, 2, 3, 4):
            raise ParameterError(f"goal({n!r}): the cabinet letter has goals 1, 2, 3 and 4")
        return goal_section(self, n)

    def labour_market(self) -> Section:
        """Open vacancies for the sector or province: adjusted trend and year on year."""
        from techmonitor.report.labour import labour_section

        return labour_section(self)

    def measures(self) -> Section:
        """Measures per cluster with owner, budget, planned vs realised output and status."""
        from techmonitor.report.measures import measures_section

        return measures_section(self)

    def national_overview(self) -> Section:
        """National report only: the nine sectors, the ROA table and the 40,000 target."""
        from techmonitor.report.national import national_section

        return national_section(self)

    def method(self) -> Section:
        """Definitions, trend and progress method, sources."""
        from techmonitor.report.annex import method_section

        return method_section(self)

    def provenance(self) -> Section:
        """Data hash, code version, parameters and the reproducing command."""
        from techmonitor.report.annex import provenance_section

        return provenance_section(self)

    def summary(self) -> Summary:
        """Machine-readable summary for the index page (invisible in HTML and PDF)."""
        from techmonitor.report.annex import summary

        return summary(self)

    def sections(self) -> list[tuple[str, str]]:
        """``(id, title)`` of the sections this report shows, in order (for the contents)."""
        out = [(SECTION_IDS["key"], self.t("sec.key"))]
        for n in (1, 2, 3, 4):
            out.append((SECTION_IDS[f"goal{n}"],
                        self.t("sec.goal", n=n, title=self.t(f"goal.{n}"))))
        out.append((SECTION_IDS["labour"], self.t("sec.labour")))
        out.append((SECTION_IDS["measures"], self.t("sec.measures")))
        if self.params.kind == "national":
            out.append((SECTION_IDS["national"], self.t("sec.national")))
        out.append((SECTION_IDS["method"], self.t("sec.method")))
        out.append((SECTION_IDS["provenance"], self.t("sec.provenance")))
        return out
