"""Report parameters: the one strict schema every report's parameters must pass.

:class:`ReportParams` is the template's parameters cell, one to one; :func:`cross_checks`
holds the rules that tie parameters together, and :func:`from_values` applies both to the
values of a notebook's parameters cell. Reading them from the layered params files (and from
``--only`` / ``--set``) is :mod:`techmonitor.paramfiles`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from techmonitor import asof, yamlio
from techmonitor.errors import ParameterError
from techmonitor.messages import Lang
from techmonitor.periods import QUARTER_RE, to_decimal_year
from techmonitor.values import out_of_range, period_problem
from techmonitor.yamlio import short

# \Z, not $: "$" also matches before a final newline, so "PV29\n" would pass
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\Z")
REGION_RE = re.compile(r"^(NL|PV(2\d|3[01])|LD0[1-4]|AM\d\d)\Z", re.ASCII)
KINDS = ("national", "sector", "region")


class TargetParam(BaseModel):
    """A sector or region target set in its params file."""

    model_config = ConfigDict(extra="forbid")

    indicator: str
    level: str = "all"
    target_period: str
    target_value: float | None = Field(
        default=None, description="the value to reach; or give target_change_pct")
    target_change_pct: float | None = Field(
        default=None,
        description="change in percent from the baseline value in the data, e.g. 10 for +10%; "
        "needs baseline_period. Keeps numbers out of params when only a direction is agreed.",
    )
    baseline_period: str | None = None
    baseline_value: float | None = None
    source: str = Field(description="Where the target comes from, or 'illustrative'.")
    status: Literal["sourced", "illustrative"] = "illustrative"

    @field_validator("target_value", "baseline_value", "target_change_pct")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        if v is not None and out_of_range(v):
            raise ValueError(f"{v:g} {out_of_range(v)}")
        return v

    @field_validator("target_change_pct")
    @classmethod
    def _change(cls, v: float | None) -> float | None:
        if v is not None and not -100 < v <= 1000:
            raise ValueError(f"{v:g}% is not a change a target can mean: give more than -100 "
                             "and at most 1000 (percent)")
        return v

    @field_validator("target_period", "baseline_period")
    @classmethod
    def _period(cls, v: str | None) -> str | None:
        if v is not None and period_problem(v):
            raise ValueError(f"{period_problem(v)}; write a period such as 2025 or 2025/26")
        return v

    @model_validator(mode="after")
    def _one_target(self) -> TargetParam:
        if (self.target_value is None) == (self.target_change_pct is None):
            raise ValueError(
                f"target for {short(self.indicator)}: give exactly one of target_value and "
                "target_change_pct"
            )
        if self.target_change_pct is not None and self.baseline_period is None:
            raise ValueError(
                f"target for {short(self.indicator)}: target_change_pct needs baseline_period"
            )
        if self.target_change_pct is not None and self.baseline_value is not None:
            raise ValueError(
                f"target for {short(self.indicator)}: baseline_value = "
                f"{self.baseline_value:g} with target_change_pct: the change is taken on the "
                "value in the data; remove baseline_value, or give target_value for a target "
                "stated on its own baseline"
            )
        if self.baseline_period is not None and (
                to_decimal_year(self.target_period) <= to_decimal_year(self.baseline_period)):
            raise ValueError(
                f"target for {short(self.indicator)}: target_period "
                f"{short(self.target_period)} is not after baseline_period "
                f"{short(self.baseline_period)}; a target lies after its baseline")
        return self


class ReportParams(BaseModel):
    """The resolved parameters of one report (the template's parameters cell, one to one)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["national", "sector", "region"]
    # lengths bounded: names end up in titles, file names and the PDF (a 2 MB name is no name)
    slug: str = Field(max_length=60)
    name: str = Field(min_length=1, max_length=120)
    name_en: str = Field(min_length=1, max_length=120)
    period: str
    language: Lang
    region: str = Field(description="CBS region code: NL, PV20..PV31, LD01..LD04, AM01..AM35")
    sector: str = Field(description="top-sector slug, or 'all'")
    levels: list[Literal["mbo", "hbo", "wo"]]
    target_year: int = Field(ge=2012, le=2100)
    organisation: str = Field(max_length=300)
    organisation_en: str = Field(max_length=300)
    appendix_line: str = Field(max_length=300)
    appendix_line_en: str = Field(max_length=300)
    sbi: list[str] = Field(
        default_factory=list,
        description="SBI 2008 sections whose vacancies count for this sector "
        "(empty: take the delineation in data/sectors.yaml)",
    )
    targets: list[TargetParam] = Field(default_factory=list)
    analysis: str = Field(
        default="",
        description="the author's own analysis: a Python file (relative to project_dir, "
        "e.g. analyses/energie.py) whose sections(report) adds sections to this report; "
        "empty: none",
    )
    compare_with: str = Field(
        default="",
        description="results file of the earlier report this one is compared with "
        "(relative to project_dir, or absolute); the batch sets it to the previous "
        "quarter's results/<report>.json or to --compare-with; empty: no comparison",
    )
    as_of: str = Field(
        default="",
        description="the report uses only data published up to and including this date "
        "(YYYY-MM-DD, not before the end of the period); empty: the last day of the quarter "
        "after the period (2023Q3: 2023-12-31)",
    )
    project_dir: str = Field(
        default="..",
        description="project root as seen from the kernel; the batch passes an absolute path",
    )

    @field_validator("slug", "sector")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG_RE.match(v):
            raise ValueError(
                f"{short(v)} is not a slug: use lower-case letters, digits and single hyphens, "
                "e.g. 'agri-food'"
            )
        return v

    @field_validator("period")
    @classmethod
    def _period(cls, v: str) -> str:
        if not QUARTER_RE.match(v):
            raise ValueError(f"{short(v)} is not a quarter: write it like 2023Q3")
        return v

    @model_validator(mode="after")
    def _as_of(self) -> ReportParams:
        if self.as_of:
            try:
                asof.parse_as_of(self.as_of, self.period)
            except ValueError as exc:
                raise ValueError(f"as_of: {exc}") from None
        return self

    @property
    def as_of_date(self) -> dt.date:
        """The date up to which the report uses published data (params ``as_of`` or the rule
        of :func:`techmonitor.asof.as_of_for`)."""
        if self.as_of:
            return dt.date.fromisoformat(self.as_of)
        return asof.as_of_for(self.period)

    @field_validator("region")
    @classmethod
    def _region(cls, v: str) -> str:
        if not REGION_RE.match(v):
            raise ValueError(f"{short(v)} is not a CBS region code such as NL, PV27, LD02 or AM14")
        return v

    @property
    def report_id(self) -> str:
        """``national-nl``, ``sector-energie``, ``region-utrecht``."""
        return f"{self.kind}-{self.slug}"

    def analysis_file(self, project: Path) -> Path | None:
        """The file the ``analysis`` key names (relative to ``project``), or None."""
        if not self.analysis:
            return None
        path = Path(self.analysis)
        return path if path.is_absolute() else project / path

    def display_name(self) -> str:
        """Name in the report language."""
        return self.name_en if self.language == "en" else self.name

    def display_organisation(self) -> str:
        """Who prepared the report, in the report language (cover, PDF author)."""
        return self.organisation_en if self.language == "en" else self.organisation

    def display_appendix_line(self) -> str:
        """The cover's "appendix to …" line in the report language."""
        return self.appendix_line_en if self.language == "en" else self.appendix_line


FIELDS: tuple[str, ...] = tuple(ReportParams.model_fields)


def cross_checks(params: ReportParams, where: str) -> list[str]:
    """Rules that tie parameters together, the same for the batch and a notebook.

    Parameters
    ----------
    params
        Parameters that passed the schema.
    where
        What to name in a message: the params file, or ``template parameters``.

    Returns
    -------
    list of str
        One line per broken rule (empty: all hold).
    """
    problems = []
    if params.kind == "sector" and params.sector != params.slug:
        problems.append(f"{where}: key 'sector' = {short(params.sector)} must equal the slug "
                        f"{short(params.slug)} in a sector report")
    if params.kind != "sector" and params.sector != "all":
        problems.append(f"{where}: key 'sector' = {short(params.sector)} only applies to a sector "
                        f"report; a {params.kind} report covers all sectors (sector: all)")
    if params.kind == "national" and params.region != "NL":
        problems.append(f"{where}: key 'region' = {short(params.region)}, but the national report "
                        "covers NL; remove the key or set region: NL")
    if params.kind == "region" and params.region == "NL":
        problems.append(f"{where}: key 'region' = 'NL' in a region report; set the "
                        "province's CBS code, e.g. region: PV26")
    if params.sbi and params.kind != "sector":
        problems.append(f"{where}: key 'sbi' = {short(params.sbi)} only applies to a sector "
                        "report; remove it")
    seen: set[tuple[str, str]] = set()
    for i, t in enumerate(params.targets):
        if (t.indicator, t.level) in seen:
            problems.append(f"{where}: targets[{i}] repeats the target for {short(t.indicator)} "
                            f"level {short(t.level)}; keep one")
        seen.add((t.indicator, t.level))
    return problems


def from_values(values: dict[str, Any], where: str = "template parameters") -> ReportParams:
    """Validate parameters given as values (a notebook's parameters cell), as the batch does.

    The schema and :func:`cross_checks` apply; what only a params file has (its folder and
    name) cannot be checked here.

    Raises
    ------
    ParameterError
        Naming every key that is wrong, its value and the rule.
    """
    try:
        params = ReportParams.model_validate(values)
    except ValidationError as exc:
        found = yamlio.validation_problems(exc, where, ReportParams,
                                           fix="set it in the parameters cell")
        raise ParameterError(found[0] if len(found) == 1 else "invalid parameters:\n  - "
                             + "\n  - ".join(found)) from None
    found = cross_checks(params, where)
    if found:
        raise ParameterError(found[0] if len(found) == 1 else "invalid parameters:\n  - "
                             + "\n  - ".join(found))
    return params


