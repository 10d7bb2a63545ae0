"""Reference files of ``data/``: sectors, regions, targets, measures and measure progress.

All YAML is validated with strict pydantic models (unknown keys are errors), and every error
is turned into a :class:`~techmonitor.errors.DataValidationError` naming the file, the entry
and the key. Measure progress comes from ``data/measure_progress.csv`` or from the Excel
workbook the programme office fills in (:func:`write_measure_template`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from techmonitor import periods
from techmonitor.errors import DataValidationError

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SBI_RE = re.compile(r"^sbi-([A-U](-[A-U])?|\d{2,5}(-\d{2,3})?)$")
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
    title: str
    cbs_key: str

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not SBI_RE.match(v):
            raise ValueError(f"SBI code {v!r} must look like sbi-C, sbi-10-12 or sbi-72")
        return v


class EducationRules(_Strict):
    """Which programmes count for a top sector (see data/sectors.yaml header)."""

    croho_onderdeel: list[str] = Field(default_factory=list)
    programme_regex: str | None = None
    mbo_domains: list[str] = Field(default_factory=list)
    mbo_sbb_units: list[str] = Field(default_factory=list)
    mbo_programme_regex: str | None = None

    @field_validator("programme_regex", "mbo_programme_regex")
    @classmethod
    def _regex(cls, v: str | None) -> str | None:
        if v is not None:
            v = re.sub(r"\s+", " ", v).strip()
            re.compile(v)
        return v


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
    name_nl: str
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
    status: Status
    operationalisation: str
    operationalisation_nl: str | None = None

    @field_validator("baseline_period", "target_period")
    @classmethod
    def _period(cls, v: str | None) -> str | None:
        if v is not None:
            periods.period_kind(v)
        return v


class Budget(_Strict):
    """Money committed to a measure."""

    amount_eur: float = Field(gt=0)
    basis: Literal["total", "per_year", "one_off"]
    start: int | None = None
    end: int | None = None
    note: str | None = None


class OutputTarget(_Strict):
    """What a measure should deliver."""

    description_nl: str
    value: float | None = None
    unit: str | None = None


class Measure(_Strict):
    """A measure the cabinet letter commits to."""

    id: str
    cluster: int = Field(ge=1, le=6)
    goals: list[int]
    title_nl: str
    title_en: str
    owner: list[str]
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

    clusters: dict[int, str]
    measures: list[Measure]


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # C parser: ~10x faster


def yaml_text(text: str) -> Any:
    """Parse YAML safely with the fast C loader when libyaml is available."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a *safe* loader class


def _load_yaml(path: Path) -> Any:
    if not path.exists():
        msg = f"{path}: file missing; restore it from git or run `techmonitor data build`"
        raise DataValidationError(msg, [msg])
    try:
        return yaml_text(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        msg = f"{path}: not valid YAML ({exc}); fix the indentation/quoting at the line shown"
        raise DataValidationError(msg, [msg]) from exc


def _validate(model: type[BaseModel], data: Any, path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(x) for x in err["loc"])
            value = err.get("input")
            shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
            problems.append(f"{path}: key {loc}: {err['msg']} (value {shown}); fix that entry")
        raise DataValidationError(f"{path}: {len(problems)} problems", problems) from exc


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
        if not re.match(r"^PV(2\d|3[01])$", p.code):
            problems.append(f"{path}: province {p.slug}: code {p.code!r} is not PV20..PV31")
    for r in ref.labour_market_regions:
        if r.code and not re.match(r"^AM(0[1-9]|[12]\d|3[0-5])$", r.code):
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
    out: list[Target] = [_validate(Target, item, path) for item in items]
    return out


def load_measures(data_dir: Path) -> MeasuresRef:
    """Load and validate ``data/measures.yaml``."""
    path = Path(data_dir) / "measures.yaml"
    ref: MeasuresRef = _validate(MeasuresRef, _load_yaml(path), path)
    ids = [m.id for m in ref.measures]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        msg = f"{path}: measure ids {dupes} occur more than once; ids must be unique"
        raise DataValidationError(msg, [msg])
    return ref


PROGRESS_COLUMNS = ["measure_id", "period", "output_value", "spent_eur", "status", "note"]
PROGRESS_STATUS = {"reported", "illustrative"}


def load_measure_progress(path: Path, measure_ids: list[str] | None = None) -> pd.DataFrame:
    """Load realised measure progress from CSV or the Excel workbook.

    Parameters
    ----------
    path
        ``measure_progress.csv`` or an ``.xlsx`` made by :func:`write_measure_template`
        (sheet ``voortgang``).
    measure_ids
        Known measure ids; unknown ids are errors when given.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PROGRESS_COLUMNS`; numbers as floats (empty = missing).

    Raises
    ------
    DataValidationError
        Every problem (row, column, value, how to fix) at once.
    """
    path = Path(path)
    if not path.exists():
        msg = f"{path}: file missing; create it with `techmonitor measures template`"
        raise DataValidationError(msg, [msg])
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        df = pd.read_excel(path, sheet_name="voortgang", dtype=str, keep_default_na=False)
    else:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.columns = [str(c).strip() for c in df.columns]
    problems = []
    missing = [c for c in PROGRESS_COLUMNS if c not in df.columns]
    if missing:
        msg = f"{path}: missing columns {missing}; the header must be {PROGRESS_COLUMNS}"
        raise DataValidationError(msg, [msg])
    df = df[PROGRESS_COLUMNS].copy()
    # Template rows that were not filled in (no period, no numbers) are skipped, not errors.
    filled = (df[["period", "output_value", "spent_eur"]] != "").any(axis=1)
    df = df[filled].reset_index(drop=True)
    out_num: dict[str, list[float]] = {"output_value": [], "spent_eur": []}
    for i, row in df.iterrows():
        line = int(str(i)) + 2
        if measure_ids is not None and row["measure_id"] not in measure_ids:
            problems.append(
                f"{path}: row {line}, column measure_id: {row['measure_id']!r} is not a measure "
                "in data/measures.yaml; use one of its ids"
            )
        if not periods.QUARTER_RE.match(str(row["period"])):
            problems.append(
                f"{path}: row {line}, column period: {row['period']!r} is not a quarter; "
                "write e.g. 2013Q2"
            )
        if row["status"] not in PROGRESS_STATUS:
            problems.append(
                f"{path}: row {line}, column status: {row['status']!r}; use 'reported' "
                "(a real figure) or 'illustrative'"
            )
        for col in out_num:
            text = str(row[col]).strip().replace(",", ".")
            try:
                val = float(text) if text else float("nan")
            except ValueError:
                problems.append(f"{path}: row {line}, column {col}: {row[col]!r} is not a number")
                val = float("nan")
            if val < 0:
                problems.append(f"{path}: row {line}, column {col}: {val} is negative")
            out_num[col].append(val)
    dup = df.duplicated(["measure_id", "period"], keep=False)
    for i in df.index[dup]:
        problems.append(
            f"{path}: row {i + 2}: measure {df.at[i, 'measure_id']} has more than one row for "
            f"{df.at[i, 'period']}; keep one"
        )
    if problems:
        raise DataValidationError(f"{path}: {len(problems)} problems", problems)
    for col, vals in out_num.items():
        df[col] = pd.Series(vals, dtype=float)
    return df


def write_measure_template(path: Path, data_dir: Path | None = None) -> Path:
    """Write the Excel workbook the programme office fills in.

    Sheets: ``voortgang`` (the rows to fill: one per measure × quarter), ``maatregelen``
    (read-only list of measures with their output targets) and ``uitleg`` (instructions).
    The status column has a drop-down (reported/illustrative).

    Parameters
    ----------
    path
        Target ``.xlsx``; written to a temporary file first, then renamed.
    data_dir
        Folder with ``measures.yaml`` (default: the bundled ``data/``).

    Returns
    -------
    pathlib.Path
        The written path.
    """
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation


    ref = load_measures(data_dir or default_data_dir())
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "voortgang"
    ws.append(PROGRESS_COLUMNS)
    for m in ref.measures:
        ws.append([m.id, "", None, None, "reported", ""])
    dv = DataValidation(type="list", formula1='"reported,illustrative"', allow_blank=False)
    ws.add_data_validation(dv)
    dv.add(f"E2:E{len(ref.measures) + 500}")
    ws2 = wb.create_sheet("maatregelen")
    ws2.append(["measure_id", "cluster", "titel", "eigenaar", "outputdoel", "waarde", "eenheid"])
    for m in ref.measures:
        ot = m.output_target
        ws2.append([m.id, m.cluster, m.title_nl, ", ".join(m.owner),
                    ot.description_nl if ot else "", ot.value if ot else None,
                    ot.unit if ot else ""])
    ws3 = wb.create_sheet("uitleg")
    for line in (
        "Vul per maatregel en kwartaal één regel in op het blad 'voortgang'.",
        "period: kwartaal als 2013Q2. output_value: gerealiseerde output (aantal), cumulatief.",
        "spent_eur: uitgegeven bedrag in euro, cumulatief. status: 'reported' voor echte cijfers.",
        "Kopieer een regel voor extra kwartalen. Controleer met: techmonitor validate",
    ):
        ws3.append([line])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)
    return path
