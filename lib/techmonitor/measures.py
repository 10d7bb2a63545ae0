"""The measures of the cabinet letter (``data/measures.yaml``): what each commits to, who
owns it, its budget and planned output, each text in both report languages.

Validated like every reference file (:mod:`techmonitor.reference`): strict models, every
problem named with the file, the measure's id and the field. Realised progress is
:mod:`techmonitor.measure_progress`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator

from techmonitor import yamlio
from techmonitor.errors import DataValidationError
from techmonitor.reference import StrictModel, load_yaml, validate
from techmonitor.values import VALUE_LIMIT


class Budget(StrictModel):
    """Money committed to a measure."""

    amount_eur: float = Field(gt=0, le=VALUE_LIMIT, allow_inf_nan=False)
    basis: Literal["total", "per_year", "one_off"]
    start: int | None = None
    end: int | None = None
    note: str | None = None


class Named(StrictModel):
    """A name in both report languages (a cluster of the letter, an owner of measures)."""

    name_nl: str = Field(min_length=1)
    name_en: str = Field(min_length=1)


class OutputTarget(StrictModel):
    """What a measure should deliver: ``value`` in ``unit`` (``count``: a number of the things
    the description names; ``percent``: a share, shown with ``%``), described in both
    languages (``3.500 groepen in het primair onderwijs …``, ``2% van de …``)."""

    description_nl: str = Field(min_length=1)
    description_en: str = Field(min_length=1)
    value: float | None = Field(default=None, gt=0, le=VALUE_LIMIT, allow_inf_nan=False)
    unit: Literal["count", "percent"] = "count"


class Measure(StrictModel):
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


class MeasuresRef(StrictModel):
    """Content of data/measures.yaml."""

    clusters: dict[int, Named]
    owners: dict[str, Named]
    measures: list[Measure]


class _MeasuresHead(StrictModel):
    clusters: dict[int, Named]
    owners: dict[str, Named]
    measures: list[Any]


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
    head: _MeasuresHead = validate(_MeasuresHead, load_yaml(path), path)
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
