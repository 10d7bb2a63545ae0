"""Reference files of ``data/``: sectors, regions and targets (the measures of the letter:
:mod:`techmonitor.measures`).

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
from techmonitor.values import out_of_range, period_problem

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


class StrictModel(BaseModel):
    """A reference-file model: unknown keys are errors, instances are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SbiSector(StrictModel):
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


class EducationRules(StrictModel):
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


class Family(StrictModel):
    """A family of sector reports (the top sectors, the markets …): the word in a report's
    title (``Topsector`` Energie) and the heading of its group on the index page."""

    key: str
    word_nl: str
    word_en: str
    heading_nl: str
    heading_en: str


class TopSector(StrictModel):
    """A top sector and its delineation."""

    slug: str
    family: str | None = None  # a key of `families`; none: the report is titled by name only
    name_nl: str
    name_en: str
    vacancies: dict[str, list[str]]
    education: EducationRules
    rationale: str


class SectorsRef(StrictModel):
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


class Province(StrictModel):
    """A province (CBS PV code)."""

    code: str
    slug: str
    name_nl: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    landsdeel: str


class Landsdeel(StrictModel):
    """A landsdeel (CBS LD code)."""

    code: str
    name_nl: str
    name_en: str


class LabourMarketRegion(StrictModel):
    """An arbeidsmarktregio; ``code`` stays empty until taken from CBS 86247NED."""

    slug: str
    name_nl: str
    code: str | None = None
    municipalities: list[str]


class National(StrictModel):
    """The national level."""

    code: Literal["NL"]
    name_nl: str
    name_en: str


class RegionsRef(StrictModel):
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


class Target(StrictModel):
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


def load_yaml(path: Path) -> Any:
    """A reference YAML file of ``data/`` (safe loader, limits; a missing file says how to
    restore it)."""
    return yamlio.load_file(path, missing="restore it from git or run `techmonitor data build`")


def validate(model: type[BaseModel], data: Any, path: Path, entry: str = "") -> Any:
    """``data`` as ``model``, or a DataValidationError naming the file, entry and key."""
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
    ref: SectorsRef = validate(SectorsRef, load_yaml(path), path)
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
    ref: RegionsRef = validate(RegionsRef, load_yaml(path), path)
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
    raw = load_yaml(path) or {}
    items = raw.get("targets", []) if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        msg = f"{path}: 'targets' must be a list of targets (- id: ...)"
        raise DataValidationError(msg, [msg])
    out: list[Target] = [validate(Target, item, path, f": targets[{i}]")
                         for i, item in enumerate(items)]
    return out


def source_name_problems(path: Path, raw: Any) -> list[str]:
    """Every source of ``sources.yaml`` (already read as ``raw``) without its Dutch or English
    public name: captions name a source in the report's language, so both are required."""
    problems = []
    sources = raw.get("sources") if isinstance(raw, dict) else None
    for key, body in (sources or {}).items():
        body = body if isinstance(body, dict) else {}
        problems += [f"{path}: source {yamlio.short(key)}: missing key {f!r}; add the "
                     f"{'Dutch' if f.endswith('_nl') else 'English'} public name"
                     for f in ("name_nl", "name_en") if not str(body.get(f) or "").strip()]
    return problems


def check_sources(data_dir: Path) -> list[str]:
    """The problems of ``data/sources.yaml`` a report would meet (none when it is absent)."""
    path = Path(data_dir) / "sources.yaml"
    return source_name_problems(path, load_yaml(path)) if path.exists() else []
