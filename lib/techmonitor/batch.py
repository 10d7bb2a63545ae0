"""The batch: expand params into jobs, run them, render, and write manifest and index.

Output layout (``reports/<period>/``)::

    <kind>-<slug>.html        the report
    notebooks/<kind>-<slug>.ipynb   the executed notebook (kept, also on failure)
    index.html                every report with its status
    manifest.json             per report: params, status, outputs, timings
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from techmonitor import __version__, observations
from techmonitor.config import Job, expand
from techmonitor.errors import DataValidationError, ExecutionError, TechmonitorError
from techmonitor.execute import execute_report
from techmonitor.fsutil import atomic_write_text
from techmonitor.render.html import notebook_to_html
from techmonitor.render.index import index_html
from techmonitor.report import report_title


@dataclass
class ReportOutcome:
    """What happened to one report."""

    report: str
    kind: str
    title: str
    params: dict[str, Any]
    status: str  # ok | failed
    outputs: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    cell: int | None = None


@dataclass
class BatchResult:
    """All outcomes of a batch plus where its index and manifest are."""

    period: str
    out_dir: Path
    outcomes: list[ReportOutcome]

    @property
    def failed(self) -> list[ReportOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def index(self) -> Path:
        return self.out_dir / "index.html"


def plan(project: Path, *, only: set[tuple[str, str]] | None = None,
         overrides: dict[str, Any] | None = None) -> list[Job]:
    """The jobs a run would execute (params validated, nothing executed)."""
    return expand(project, only=only, overrides=overrides)


def run_one(job: Job, project: Path, out_dir: Path, *, km: Any | None = None) -> ReportOutcome:
    """Execute and render one report; never raises for a report failure."""
    p = job.params
    rid = job.report_id
    outcome = ReportOutcome(report=rid, kind=p.kind, title=report_title(p),
                            params=p.model_dump(mode="json"), status="ok")
    nb_path = out_dir / "notebooks" / f"{rid}.ipynb"
    outcome.outputs["notebook"] = str(nb_path.relative_to(out_dir))
    t0 = time.perf_counter()
    try:
        nb = execute_report(job, nb_path, project, km=km)
        outcome.timings["execute"] = round(time.perf_counter() - t0, 3)
        t1 = time.perf_counter()
        page = notebook_to_html(nb, title=outcome.title, language=p.language, kind=p.kind)
        html_path = out_dir / f"{rid}.html"
        atomic_write_text(html_path, page)
        outcome.outputs["html"] = html_path.name
        outcome.timings["html"] = round(time.perf_counter() - t1, 3)
    except ExecutionError as exc:
        outcome.status, outcome.error, outcome.cell = "failed", str(exc), exc.cell
    except TechmonitorError as exc:
        outcome.status, outcome.error = "failed", str(exc)
    outcome.timings["total"] = round(time.perf_counter() - t0, 3)
    return outcome


def run_batch(
    project: Path,
    out_root: Path,
    *,
    period: str | None = None,
    only: set[tuple[str, str]] | None = None,
    overrides: dict[str, Any] | None = None,
    on_done: Callable[[ReportOutcome], None] | None = None,
) -> BatchResult:
    """Run every report of ``project`` for ``period`` into ``out_root/<period>``.

    Parameters are validated for every report and the data is validated before any kernel
    starts; a failing report does not stop the others.

    Raises
    ------
    ParameterError, DataValidationError
        Before anything runs, if params or data are invalid.
    """
    overrides = dict(overrides or {})
    if period:
        overrides["period"] = period
    jobs = plan(project, only=only, overrides=overrides)
    problems = observations.validate_data(project / "data")
    if problems:
        raise DataValidationError(
            f"{len(problems)} problem(s) in {project / 'data'}; no report was run", problems)
    periods = {j.params.period for j in jobs}
    if len(periods) != 1:
        raise TechmonitorError(f"reports disagree on the period: {sorted(periods)}; "
                               "set it once in params/base.yaml or with --period")
    the_period = periods.pop()
    out_dir = out_root / the_period
    outcomes = []
    started = time.perf_counter()
    for job in jobs:
        outcome = run_one(job, project, out_dir)
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)
    result = BatchResult(period=the_period, out_dir=out_dir, outcomes=outcomes)
    write_manifest(result, wall=time.perf_counter() - started)
    return result


def write_manifest(result: BatchResult, *, wall: float) -> None:
    """Write ``manifest.json`` and ``index.html`` for the batch (atomically)."""
    entries = [vars(o) for o in result.outcomes]
    manifest = {
        "period": result.period,
        "version": __version__,
        "wall_seconds": round(wall, 3),
        "reports": entries,
    }
    atomic_write_text(result.out_dir / "manifest.json",
                      json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    language = next((o.params.get("language", "nl") for o in result.outcomes), "nl")
    index_entries = [
        {"report": o.report, "kind": o.kind, "title": o.title, "status": o.status,
         "html": o.outputs.get("html"), "error": o.error}
        for o in result.outcomes
    ]
    atomic_write_text(result.index, index_html(result.period, index_entries, language))
