"""What happened to each report of a batch, and to the batch as a whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class ReportOutcome:
    """What happened to one report (one manifest entry)."""

    report: str
    kind: str
    title: str
    params: dict[str, Any]
    status: str  # ok | failed
    outputs: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    cell: int | None = None
    cell_source: str | None = None
    stage: str | None = None
    key: str | None = None
    cached: bool = False
    summary: dict[str, Any] | None = None
    worker: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> ReportOutcome:
        """Rebuild an outcome from a manifest entry (unknown keys ignored)."""
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in entry.items() if k in names})

    def summary_line(self) -> str:
        """One line for the terminal: report, cell (with its first source line) and error."""
        return self.error or f"report {self.report} failed"

    @property
    def warnings(self) -> list[str]:
        """Steps of this report's analysis that could not be done (from its summary)."""
        return [str(w) for w in (self.summary or {}).get("warnings") or []]


@dataclass
class BatchResult:
    """All outcomes of a batch plus where its index, manifest and appendix are."""

    period: str
    out_dir: Path
    outcomes: list[ReportOutcome]
    appendix: dict[str, Any] = field(default_factory=dict)
    wall: float = 0.0

    @property
    def failed(self) -> list[ReportOutcome]:
        """Outcomes of the reports that failed."""
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def cached(self) -> list[ReportOutcome]:
        """Outcomes of the reports that were unchanged and not run."""
        return [o for o in self.outcomes if o.cached]

    @property
    def warnings(self) -> list[tuple[str, str]]:
        """``(report, warning)`` for every warning of every report."""
        return [(o.report, w) for o in self.outcomes for w in o.warnings]

    @property
    def index(self) -> Path:
        """The index page of the run folder."""
        return self.out_dir / "index.html"

    @property
    def manifest(self) -> Path:
        """The manifest of the run folder."""
        return self.out_dir / "manifest.json"
