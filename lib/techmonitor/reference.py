"""Reference files of ``data/``: sectors, regions, targets and measures.

All YAML is validated with strict pydantic models (unknown keys are errors), and every error
is turned into a :class:`~techmonitor.errors.DataValidationError` naming the file, the entry
and the key. Realised measure progress is :mod:`techmonitor.measure_progress`.
"""

from __future__ import annotations

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

from techmonitor import yamlio
from techmonitor.errors import DataValidationError
from techmonitor.values import VALUE_LIMIT, out_of_range, period_problem

# \Z, not $: "$" also matches before a final newline
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\Z")
SBI_RE = re.compile(r"^sbi-([A-U](-[A-U])?|\d{2,5}(-\d{2,3})?)\Z", re.ASCII)
PROVINCE_RE = re.compile(r"^PV(2\d|3[01])\Z", re.ASCII)
LABOUR_MARKET_RE = re.compile(r"^AM(0[1-9]|[12]\d|3[0-5])\Z", re.ASCII)
Status = Literal["definitive", "provisional", "illustrative"]


def default_data_dir() -> Path:
    """The bundled ``data/`` folder of the repository."""
    return Path(__file__).resolve().parents[2] / "data"


def read_source_keys(data_dir: Path) -> set[str]:
    """Source keys documented in ``SOURCES.md`` (``## key`` headings)."""
    path = Path(data_dir) / "SOURCES.md"
    if not path.exists():
        return set()
    keys = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            keys.add(line[3:].split()[0].strip("`"))
    return keys


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SbiSector(_Strict):
    """One SBI 2008 category as CBS publishes it in the vacancy tables."""

    code: str
    cbs_key: str
    title_nl: str = Field(min_length=1)
    title_en: str = Field(min_length=1)

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not SBI_RE.match(v):
            raise ValueError(f"SBI code {v!r} must look like sbi-C, sbi-10-12 or sbi-72")
        return v


class EducationRules(_Strict):
    """Which programmes count for a top sector: code lists per level (data/sectors.yaml header).

    ``hbo`` and ``wo`` hold CROHO programme codes, ``mbo`` qualification (crebo) codes; YAML
    integers are read as text so they compare with the codes in the DUO files.
    """

    hbo: list[str] = Field(default_factory=list)
    wo: list[str] = Field(default_factory=list)
    mbo: list[str] = Field(default_factory=list)

    @field_validator("hbo", "wo", "mbo", mode="before")
    @classmethod
    def _codes(cls, v: Any) -> list[str]:
        codes = [str(c).strip() for c in (v or [])]
        bad = [c for c in codes if not c.isdigit()]
        if bad:
            raise ValueError(f"programme codes must be digits, got {bad}")
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            raise ValueError(f"programme codes listed twice: {dup}")
        return codes

    def codes(self, level: str) -> frozenset[str]:
        """The codes selected at ``level`` (``'hbo'``, ``'wo'`` or ``'mbo'``)."""
        return frozenset(getattr(self, level))


class Family(_Strict):
    """A family of sector reports (the top sectors, the markets …): the word in a report's
    title (``Topsector`` Energie) and the heading of its group on the index page."""

    key: str
    word_nl: str
    word_en: str
    heading_nl: str
    heading_en: str


class TopSector(_Strict):
    """A top sector and its delineation."""

    slug: str
    family: str | None = None  # a key of `families`; none: the report is titled by name only
    name_nl: str
    name_en: str
    vacancies: dict[str, list[str]]
    education: EducationRules
    rationale: str


class SectorsRef(_Strict):
    """Content of data/sectors.yaml."""

    sbi_sectors: list[SbiSector]
    top_sectors: list[TopSector]
    extra_sbi_stored: list[str] = Field(default_factory=list)
    families: list[Family] = Field(default_factory=list)

    def stored_sbi_codes(self) -> set[str]:
        """SBI codes kept in observations: those of any delineation plus the extras."""
        used = {c for s in self.top_sectors for codes in s.vacancies.values() for c in codes}
        return used | set(self.extra_sbi_stored)

    @property
    def slugs(self) -> list[str]:
        """Top-sector slugs in file order."""
        return [s.slug for s in self.top_sectors]

    @property
    def sbi_codes(self) -> list[str]:
        """All SBI sector codes known to the data contract."""
        return [s.code for s in self.sbi_sectors]

    def get(self, slug: str) -> TopSector:
        """The top sector ``slug``; KeyError naming the known slugs otherwise."""
        for s in self.top_sectors:
            if s.slug == slug:
                return s
        raise KeyError(f"unknown top sector {slug!r}; known: {', '.join(self.slugs)}")


class Province(_Strict):
    """A province (CBS PV code)."""

    code: str
    slug: str
    name_nl: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    landsdeel: str


class Landsdeel(_Strict):
    """A landsdeel (CBS LD code)."""

    code: str
    name_nl: str
    name_en: str


class LabourMarketRegion(_Strict):
    """An arbeidsmarktregio; ``code`` stays empty until taken from CBS 86247NED."""

    slug: str
    name_nl: str
    code: str | None = None
    municipalities: list[str]


class National(_Strict):
    """The national level."""

    code: Literal["NL"]
    name_nl: str
    name_en: str


class RegionsRef(_Strict):
    """Content of data/regions.yaml."""

    national: National
    landsdelen: list[Landsdeel]
    provinces: list[Province]
    labour_market_regions: list[LabourMarketRegion]

    @property
    def codes(self) -> list[str]:
        """Every region code that observations may use."""
        am = [r.code for r in self.labour_market_regions if r.code]
        return ["NL"] + [x.code for x in self.landsdelen] + [p.code for p in self.provinces] + am

    def province_codes_by_name(self) -> dict[str, str]:
        """Lower-case province name → PV code (DUO writes names)."""
        return {p.name_nl.lower(): p.code for p in self.provinces}

    def names(self) -> dict[str, str]:
        """Region code → Dutch name, for provinces and landsdelen."""
        out = {p.code: p.name_nl for p in self.provinces}
        out.update({x.code: x.name_nl for x in self.landsdelen})
        return out

    def province(self, slug: str) -> Province:
        """Province by slug; KeyError naming the known slugs otherwise."""
        for p in self.provinces:
            if p.slug == slug:
                return p
        known = ", ".join(p.slug for p in self.provinces)
        raise KeyError(f"unknown province {slug!r}; known: {known}")


class Target(_Strict):
    """A target with its operationalisation in an indicator."""

    id: str
    name_nl: str
    name_en: str
    indicator: str
    level: str = "all"
    sector: str = "all"
    region: str = "NL"
    unit: str
    baseline_period: str | None = None
    baseline_value: float | None = None
    target_period: str
    target_value: float
    source: str
    quote: str | None = None
    quote_en: str | None = None
    status: Status
    operationalisation_nl: str = Field(min_length=1)
    operationalisation_en: str = Field(min_length=1)

    @model_validator(mode="after")
    def _quote_en(self) -> Target:
        if (self.quote is None) != (self.quote_en is None):
            raise ValueError("quote (the letter's Dutch words) and quote_en (their English "
                             "translation) go together; give both or neither")
        return self

    @field_validator("baseline_period", "target_period")
    @classmethod
    def _period(cls, v: str | None) -> str | None:
        if v is not None and period_problem(v):
            raise ValueError(f"{period_problem(v)}; write a period such as 2025 or 2025/26")
        return v

    @field_validator("baseline_value", "target_value")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        if v is not None and out_of_range(v):
            raise ValueError(f"{v:g} {out_of_range(v)}")
        return v


class Budget(_Strict):
    """Money committed to a measure."""

    amount_eur: float = Field(gt=0, le=VALUE_LIMIT, allow_inf_nan=False)
    basis: Literal["total", "per_year", "one_off"]
    start: int | None = None
    end: int | None = None
    note: str | None = None


class Named(_Strict):
    """A name in both report languages (a cluster of the letter, an owner of measures)."""

    name_nl: str = Field(min_length=1)
    name_en: str = Field(min_length=1)


class OutputTarget(_Strict):
    """What a measure should deliver: ``value`` in ``unit`` (``count``: a number of the things
    the description names; ``percent``: a share, shown with ``%``), described in both
    languages (``3.500 groepen in het primair onderwijs …``, ``2% van de …``)."""

    description_nl: str = Field(min_length=1)
    description_en: str = Field(min_length=1)
    value: float | None = Field(default=None, gt=0, le=VALUE_LIMIT, allow_inf_nan=False)
    unit: Literal["count", "percent"] = "count"


class Measure(_Strict):
    """A measure the cabinet letter commits to."""

    id: str
    cluster: int = Field(ge=1, le=6)
    goals: list[int]
    title_nl: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    owner: list[str] = Field(min_length=1, description="keys of the file's owners table")
    budgets: list[Budget] = Field(default_factory=list)
    output_target: OutputTarget | None = None
    dates: dict[str, str] = Field(default_factory=dict)
    sectors: list[str] = Field(
        default_factory=lambda: ["all"],
        description="top-sector slugs the measure concerns, or 'all' (the letter's measures "
        "are almost all for every top sector); sector reports show only their measures",
    )
    source: str
    quote: str

    @field_validator("sectors")
    @classmethod
    def _sectors(cls, v: list[str]) -> list[str]:
        bad = [s for s in v if s != "all" and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s)]
        if not v or bad:
            raise ValueError(f"sectors must list top-sector slugs or 'all', got {bad or v}")
        return v

    @field_validator("goals")
    @classmethod
    def _goals(cls, v: list[int]) -> list[int]:
        if not v or any(g not in (1, 2, 3, 4) for g in v):
            raise ValueError("goals must be a non-empty list of 1, 2, 3 or 4")
        return v


class MeasuresRef(_Strict):
    """Content of data/measures.yaml."""

    clusters: dict[int, Named]
    owners: dict[str, Named]
    measures: list[Measure]


class _MeasuresHead(_Strict):
    clusters: dict[int, Named]
    owners: dict[str, Named]
    measures: list[Any]


def _load_yaml(path: Path) -> Any:
    return yamlio.load_file(path, missing="restore it from git or run `techmonitor data build`")


def _validate(model: type[BaseModel], data: Any, path: Path, entry: str = "") -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = yamlio.validation_problems(exc, f"{path}{entry}", model, fix="fix that entry")
        raise DataValidationError(f"{path}: {len(problems)} problems", problems) from None


def load_sectors(data_dir: Path) -> SectorsRef:
    """Load and validate ``data/sectors.yaml``.

    Raises
    ------
    DataValidationError
        Missing file, bad YAML, unknown keys, unknown SBI codes in a delineation,
        duplicate slugs.
    """
    path = Path(data_dir) / "sectors.yaml"
    ref: SectorsRef = _validate(SectorsRef, _load_yaml(path), path)
    problems = []
    known = set(ref.sbi_codes)
    seen: set[str] = set()
    for code in ref.extra_sbi_stored:
        if code not in known:
            problems.append(f"{path}: extra_sbi_stored: {code!r} is not in sbi_sectors")
    family_keys = [f.key for f in ref.families]
    for s in ref.top_sectors:
        if s.family is not None and s.family not in family_keys:
            problems.append(f"{path}: top_sectors {s.slug}: family {s.family!r} is not in "
                            f"families ({', '.join(family_keys) or 'none defined'}); add it "
                            "there or fix the key")
        if not SLUG_RE.match(s.slug) or s.slug in seen:
            problems.append(f"{path}: top_sectors slug {s.slug!r} is malformed or duplicated")
        seen.add(s.slug)
        for vintage, codes in s.vacancies.items():
            for code in codes:
                if code not in known:
                    problems.append(
                        f"{path}: top_sectors {s.slug}.vacancies.{vintage}: SBI code {code!r} "
                        f"is not in sbi_sectors; use one of the listed codes"
                    )
    if problems:
        raise DataValidationError(f"{path}: {len(problems)} problems", problems)
    return ref


def load_regions(data_dir: Path) -> RegionsRef:
    """Load and validate ``data/regions.yaml``."""
    path = Path(data_dir) / "regions.yaml"
    ref: RegionsRef = _validate(RegionsRef, _load_yaml(path), path)
    problems = []
    for p in ref.provinces:
        if not PROVINCE_RE.match(p.code):
            problems.append(f"{path}: province {p.slug}: code {p.code!r} is not PV20..PV31")
    for r in ref.labour_market_regions:
        if r.code and not LABOUR_MARKET_RE.match(r.code):
            problems.append(
                f"{path}: labour-market region {r.slug}: code {r.code!r} is not AM01..AM35"
            )
    if problems:
        raise DataValidationError(f"{path}: {len(problems)} problems", problems)
    return ref


def load_targets(data_dir: Path) -> list[Target]:
    """Load and validate ``data/targets.yaml`` (a list under ``targets:``)."""
    path = Path(data_dir) / "targets.yaml"
    raw = _load_yaml(path) or {}
    items = raw.get("targets", []) if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        msg = f"{path}: 'targets' must be a list of targets (- id: ...)"
        raise DataValidationError(msg, [msg])
    out: list[Target] = [_validate(Target, item, path, f": targets[{i}]")
                         for i, item in enumerate(items)]
    return out


def load_measures(data_dir: Path) -> MeasuresRef:
    """Load and validate ``data/measures.yaml``.

    Raises
    ------
    DataValidationError
        Every problem, each naming the file, the measure (by id) or table key, and the field:
        a text without its English (or Dutch) version, an owner or cluster not in its table,
        an id used twice.
    """
    path = Path(data_dir) / "measures.yaml"
    head: _MeasuresHead = _validate(_MeasuresHead, _load_yaml(path), path)
    problems: list[str] = []
    measures: list[Measure] = []
    for i, item in enumerate(head.measures):
        key = item.get("id") if isinstance(item, dict) else None
        entry = f"{path}: measure {yamlio.short(key)}" if key else f"{path}: measures[{i}]"
        try:
            measures.append(Measure.model_validate(item))
        except ValidationError as exc:
            problems += yamlio.validation_problems(exc, entry, Measure, fix="fix that key")
    for m in measures:
        where = f"{path}: measure {m.id!r}"
        problems += [f"{where}: owner {o!r} is not in the owners table "
                     f"({', '.join(head.owners)}); add it there with name_nl and name_en"
                     for o in m.owner if o not in head.owners]
        if m.cluster not in head.clusters:
            problems.append(f"{where}: cluster {m.cluster} is not in the clusters table")
    ids = [m.id for m in measures]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        problems.append(f"{path}: measure ids {dupes} occur more than once; ids must be unique")
    if problems:
        raise DataValidationError(f"{path}: {len(problems)} problems", problems)
    return MeasuresRef(clusters=head.clusters, owners=head.owners, measures=measures)
