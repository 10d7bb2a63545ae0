"""The report context: computed once per report, read-only, the only input of the sections.

Data flows one way: ``store`` (cached data) → :func:`build_context` (analysis: the items
of :mod:`analysis`, the national figures of :mod:`national_analysis`) → sections (document
nodes, which only phrase what the context holds) → renderers. Every number a report shows is
computed here, once; the comparison with the earlier report is added by
:class:`~techmonitor.report.core.Report` (:mod:`comparison`), because it reads this report's
results (:func:`~techmonitor.report.results_data.results_of`), a function of the context.
The context holds the validated params, the indicator items with their trends and
assessments (and the error of every step that could not be done), the measure rows, the
national figures and the list of warnings the batch reports.

Nothing a report does to its context reaches another report in the same kernel: frames come
out of the cache as copy-on-write views (pandas 3), items are frozen and every item handed to
a context carries its own views of the cached frames.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import pandas as pd

from techmonitor import asof, bilingual, fmt, periods
from techmonitor.asof import Freshness
from techmonitor.config import ReportParams
from techmonitor.errors import DataValidationError
from techmonitor.indicators import Indicator
from techmonitor.messages import Lang, Number, msg, msg_n
from techmonitor.periods import shift_quarter
from techmonitor.reference import Target
from techmonitor.report import education_analysis, national_analysis, store
from techmonitor.report.analysis import Item, match_target
from techmonitor.report.comparison import Comparison
from techmonitor.report.education_analysis import EducationFigures
from techmonitor.report.goal_verdicts import GOALS, GoalVerdict, goal_verdict, open_gaps
from techmonitor.report.ids import CHANGES_ID, REGIONS_ID, SECTION_IDS
from techmonitor.report.items import report_item
from techmonitor.report.measure_analysis import MeasureRow
from techmonitor.report.measure_analysis import measure_rows as compute_measure_rows
from techmonitor.report.national_analysis import NationalFigures
from techmonitor.report.regional_analysis import (
    ProvinceComparison,
    SinceLetter,
    compare_provinces,
    since_letter,
)
from techmonitor.report.sector_delineation import SectorDelineation, sector_delineation
from techmonitor.report.series import levels_for, select, with_sbi
from techmonitor.report.store import SourceInfo
from techmonitor.report.track_record import (
    LOOKBACKS,
    TrackRecord,
    as_known_a_year_before,
    item_records,
)
from techmonitor.titles import report_title
from techmonitor.trends import widening

#: indicators shown in their own table of the national report, not as monitoring series
SPECIAL_CODES = (national_analysis.ROA_OPENINGS, national_analysis.ROA_INFLOW)
VACANCIES = national_analysis.VACANCIES


@dataclass(frozen=True)
class Finding:
    """A step of the analysis that could not be done for this report.

    ``where`` names the place (``inflow_tech-hbo``, ``measure M07``), ``step`` what was tried
    (``trend``, ``target``, ``measure``), ``reason`` why it failed.
    """

    where: str
    step: str
    reason: str
    #: the place and the reason in the reader's words (an indicator's name, a Dutch
    #: sentence); empty where the technical text is all there is
    label: str = ""
    said: str = ""

    def text(self) -> str:
        """One line for the manifest and the CLI summary (technical: keys, exception text)."""
        return f"{self.where}: {self.step}: {self.reason}"

    def row(self, lang: Lang) -> list[str]:
        """Place, step and reason as a reader sees them (the appendix, the overview)."""
        # never the internal key (targets[0], measure m4-…): the label, else what kind of
        # place it is
        return [self.label or msg(f"where.{self.step}", lang), msg(f"step.{self.step}", lang),
                self.said or self.reason]

    def line(self, lang: Lang) -> str:
        """The finding as one sentence for the overview and the index page."""
        where, step, reason = self.row(lang)
        return msg("finding.line", lang, where=where, step=step, reason=reason)


@dataclass(frozen=True)
class SectorSeries:
    """One top sector's open vacancies (national report: the sectors side by side)."""

    slug: str
    name_nl: str
    name_en: str
    series: pd.DataFrame


@dataclass(frozen=True)
class ReportContext:
    """Everything the sections of one report read; built by :func:`build_context`."""

    params: ReportParams
    project: Path
    catalogue: Mapping[str, Indicator]
    items: tuple[Item, ...]
    measure_rows: tuple[MeasureRow, ...]
    findings: tuple[Finding, ...] = field(default=())
    sector_vacancies: tuple[SectorSeries, ...] = field(default=())
    national_targets: tuple[Target, ...] = field(default=())
    sources: Mapping[str, SourceInfo] = field(default_factory=dict)
    data_hash: str = ""
    code_version: str = ""
    calibration: Mapping[str, Any] = field(default_factory=dict)
    #: the national report's figures beyond its items (retention, the 40,000, cohorts)
    national: NationalFigures = field(default_factory=NationalFigures)
    #: the education series beyond their items (breaks, vmbo, havo/vwo, net retention)
    education: EducationFigures = field(default_factory=EducationFigures)
    #: what changed since the earlier report (``compare_with``); set by ``Report``
    comparison: Comparison | None = None
    #: ``(id, title)`` of the author's own sections (params ``analysis``), for the contents
    own_contents: tuple[tuple[str, str], ...] = field(default=())
    #: one answer per goal of the 2012 letter (:mod:`goal_verdicts`)
    goal_verdicts: tuple[GoalVerdict, ...] = field(default=())
    #: a sector report's delineation (SBI sections, programmes per level)
    delineation: SectorDelineation | None = None
    #: per projected item: what the projection a year earlier said, and what came in
    track: tuple[TrackRecord, ...] = field(default=())
    #: national report: each goal series then (the letter's year) and now
    since_letter: tuple[SinceLetter, ...] = field(default=())
    #: national and province reports: the provinces side by side
    provinces: ProvinceComparison | None = None

    # -- parameters and words ---------------------------------------------------------------
    @property
    def lang(self) -> Lang:
        """Report language (``nl`` or ``en``)."""
        return self.params.language

    @property
    def data_dir(self) -> Path:
        """The project's ``data/`` folder."""
        return self.project / "data"

    def source_names(self, keys: Iterable[str]) -> str:
        """The sources ``keys`` as a reader names them (``data/sources.yaml`` ``name_nl`` /
        ``name_en``): a caption never shows an internal key; a key without an entry is shown
        as it is, so a missing name is visible rather than hidden."""
        return ", ".join(self.sources[k].public_name(self.lang) if k in self.sources else k
                         for k in dict.fromkeys(map(str, keys)))

    def t(self, key: str, **values: object) -> str:
        """A message of the catalogue in the report language."""
        return msg(key, self.lang, **values)

    def t_n(self, key: str, number: Number | int, **values: object) -> str:
        """The form of message ``key`` that agrees with ``number`` (:func:`msg_n`)."""
        return msg_n(key, number, self.lang, **values)

    def fmt_period(self, code: str, style: Literal["long", "short"] = "long") -> str:
        """A period code as text in the report language."""
        return fmt.period(code, self.lang, style)

    @property
    def changes_title(self) -> str:
        """``Wat is er veranderd sinds het 2e kwartaal 2023`` (the compared quarter)."""
        c = self.comparison
        previous = c.previous if c is not None else shift_quarter(self.params.period, -1)
        return self.t("sec.changes", when=fmt.quarter(previous, self.lang))

    @property
    def title(self) -> str:
        """The report title."""
        return report_title(self.params)

    @property
    def scope(self) -> str:
        """``heel Nederland`` / ``de topsector Energie`` / ``de provincie Utrecht``."""
        return self.t(f"scope.{self.params.kind}", name=self.params.display_name())

    @property
    def reproduce_command(self) -> str:
        """The command that rebuilds exactly this report."""
        p = self.params
        cmd = f"techmonitor run --only {p.kind}:{p.slug} --period {p.period}"
        if p.as_of:
            cmd += f" --as-of {p.as_of}"
        if p.language != "nl":
            cmd += f" --set language={p.language}"
        return cmd

    # -- what the report knows ----------------------------------------------------------------
    @property
    def as_of(self) -> dt.date:
        """The report uses only rows published on or before this date (the cover says so)."""
        return self.params.as_of_date

    @property
    def as_of_text(self) -> str:
        """The as-of date in words: ``31 december 2023``."""
        return fmt.date(self.as_of, self.lang)

    def freshness(self, item: Item) -> Freshness:
        """How current ``item``'s newest value is at the as-of date (:mod:`techmonitor.asof`).

        A series of quarters is judged by the quarterly limit, every other by the yearly one.
        """
        newest = str(item.latest["period"])
        quarterly = periods.period_kind(newest) == "quarter"
        return asof.freshness(newest, quarterly, self.as_of)

    def stale_text(self, item: Item) -> str | None:
        """The sentence that flags a stale series beside it; None when it is current."""
        f = self.freshness(item)
        if not f.stale:
            return None
        return self.t("fresh.stale", period=self.fmt_period(f.newest_period), months=f.age_months,
                      as_of=self.as_of_text, limit=f.limit_months)

    # -- data -------------------------------------------------------------------------------
    @property
    def obs(self) -> pd.DataFrame:
        """Observations of the reporting quarter published by the as-of date (a copy-on-write
        view)."""
        return store.obs_until(self.data_dir, self.params.period, self.params.as_of_date)

    def goal_items(self, goal: int) -> list[Item]:
        """Items of one goal, quarterly labour-market series excluded (own section)."""
        return [i for i in self.items if i.ind.goal == goal and i.ind.frequency != "quarter"]

    def goal_verdict(self, goal: int) -> GoalVerdict:
        """The answer for one goal (:mod:`goal_verdicts`)."""
        return next(v for v in self.goal_verdicts if v.goal == goal)

    def item(self, key: str) -> Item:
        """The item with this key (``inflow_tech-hbo``)."""
        return next(i for i in self.items if i.key == key)

    @property
    def warnings(self) -> list[str]:
        """Every finding as one line."""
        return [f.text() for f in self.findings]

    def sections(self) -> list[tuple[str, str]]:
        """``(id, title)`` of the sections this report shows, in order (for the contents)."""
        out = [(SECTION_IDS["key"], self.t("sec.key")),
               (CHANGES_ID, self.changes_title)]
        for n in (1, 2, 3, 4):
            out.append((SECTION_IDS[f"goal{n}"],
                        self.t("sec.goal", n=n, title=self.t(f"goal.{n}"))))
        out.append((SECTION_IDS["labour"], self.t("sec.labour")))
        if self.params.kind == "region" and self.provinces is not None \
                and self.provinces.get(self.params.slug) is not None:
            out.append((REGIONS_ID, self.t("reg.title")))
        out.append((SECTION_IDS["measures"], self.t("sec.measures")))
        if self.params.kind == "national":
            out.append((SECTION_IDS["national"], self.t("sec.national")))
        out.extend(self.own_contents)
        out.append((SECTION_IDS["method"], self.t("sec.method")))
        out.append((SECTION_IDS["provenance"], self.t("sec.provenance")))
        return out


def build_context(params: ReportParams) -> ReportContext:
    """Analyse one report: every indicator series, its trend and assessment, the measures.

    Parameters
    ----------
    params
        Validated report parameters.

    Notes
    -----
    Items are cached per process by everything they depend on (data files, quarter,
    indicator, level, sector, region, target, horizon), so the national series that many
    reports share is fitted once per kernel. Only the errors a step is expected to meet
    (:class:`~techmonitor.errors.TechmonitorError` and numerical failures) become findings;
    anything else fails the report.
    """
    project = Path(params.project_dir).resolve()
    data_dir = project / "data"
    catalogue = store.load_catalogue(data_dir)
    sectors_ref = with_sbi(store.load_sectors(data_dir), params)
    national_targets = store.load_targets(data_dir)
    # Totals that only serve as the denominator of a share (all first-years, all diplomas)
    # are not policy indicators: the share says what they mean, and leaving them out keeps
    # the printed report short. Their definitions stay in the method annex.
    # The same holds for counts that only serve as a numerator (people who did not change
    # occupation): the retention share is the indicator.
    denominators = {part.indicator for ind in catalogue.values()
                    for part in (ind.numerator, ind.denominator) if part is not None}
    items: list[Item] = []
    for ind in catalogue.values():
        if ind.code in SPECIAL_CODES or (ind.code in denominators and ind.direction == "none"):
            continue
        for level in levels_for(ind, list(params.levels)):
            target = match_target(ind, level, params.sector, params.region, national_targets,
                                  list(params.targets))
            item = report_item(data_dir, params, catalogue, ind, level, target, sectors_ref)
            if item is not None:
                items.append(item.view())
    rows = tuple(compute_measure_rows(
        store.load_measures(data_dir), store.load_progress(data_dir), params))
    lang = params.language
    findings = [Finding(i.key, i.error_step or "trend", i.error, i.name(lang),
                        i.reason(lang) or "") for i in items if i.error]
    shown = {(i.ind.code, i.level) for i in items}
    for n, t in enumerate(params.targets):  # a target never vanishes without a word
        if (t.indicator, t.level) not in shown:
            findings.append(Finding(f"targets[{n}]", "target", msg(
                "target.unmatched", params.language, indicator=t.indicator, level=t.level)))
    findings += [Finding(f"measure {r.measure.id}", "status", r.error,
                         bilingual.text(r.measure, "title", lang)) for r in rows if r.error]
    sectors: list[SectorSeries] = []
    if params.kind == "national" and VACANCIES in catalogue:
        for s in sectors_ref.top_sectors:
            df = select(data_dir, params.model_copy(update={"sector": s.slug}), catalogue,
                        catalogue[VACANCIES], sectors_ref=sectors_ref)
            if not df.empty:
                sectors.append(SectorSeries(s.slug, s.name_nl, s.name_en, df))
    calibration = MappingProxyType(widening.summary())
    national = national_analysis.compute(data_dir, params, catalogue, tuple(items),
                                         tuple(national_targets), calibration)
    verdicts = tuple(goal_verdict(n, [i for i in items if i.ind.goal == n], catalogue,
                                  open_gaps(n, national.present)) for n in GOALS)
    delineation = None
    if params.kind == "sector":
        try:
            delineation = sector_delineation(data_dir, params.sector, sectors_ref)
        except DataValidationError as exc:  # the report says where the delineation stands
            findings.append(Finding("delineation", "delineation", str(exc)))
    as_of = params.as_of_date
    track = store.memo(data_dir, ("track", params.period, as_of, params.sector, params.region,
                                  tuple(params.sbi), tuple(params.levels), params.target_year,
                                  tuple(i.key for i in items)),
                       lambda: item_records(items, [as_known_a_year_before(as_of, years)
                                                    for years in LOOKBACKS]))
    kind = params.kind
    return ReportContext(
        params, project, MappingProxyType(dict(catalogue)), tuple(items), rows,
        tuple(findings), tuple(sectors), tuple(national_targets),
        MappingProxyType(store.load_sources(data_dir)), store.data_hash(data_dir),
        store.code_version(project), calibration, national,
        goal_verdicts=verdicts, delineation=delineation, track=track,
        education=education_analysis.compute(data_dir, params, catalogue, tuple(items),
                                             sectors_ref),
        since_letter=since_letter(data_dir, params, catalogue) if kind == "national" else (),
        provinces=compare_provinces(data_dir, params, catalogue)
        if kind in ("national", "region") else None)


def with_comparison(context: ReportContext, comparison: Comparison) -> ReportContext:
    """The context with the comparison with the earlier report, and its finding if the
    earlier file could not be compared."""
    extra = (Finding("comparison", "changes", comparison.problem),) if comparison.problem \
        else ()
    return replace(context, comparison=comparison, findings=context.findings + extra)
