"""The state of one batch run: cache keys, cache hits, stored outcomes and the manifest."""

from __future__ import annotations

import datetime as _dt
import json
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from techmonitor import __version__
from techmonitor.batch.outcome import ReportOutcome
from techmonitor.batch.plan import RunOptions, compared_path
from techmonitor.cache import (
    CACHE_SCHEMA,
    analysis_hash,
    compared_hash,
    data_fingerprint,
    file_hash,
    library_fingerprint,
    load_manifest,
    report_key,
)
from techmonitor.errors import ParameterError
from techmonitor.fsutil import atomic_write_bytes, atomic_write_text
from techmonitor.paramfiles import Job
from techmonitor.report.results import csv_name, csv_text, results_path
from techmonitor.worker import TaskResult

EventHandler = Callable[[dict[str, Any]], None]


class BatchState:
    """State of one run (see :func:`techmonitor.batch.run.run_batch`): keys, outcomes, manifest."""

    def __init__(self, project: Path, out_dir: Path, period: str, jobs: list[Job],
                 selected: list[Job], options: RunOptions, emit: EventHandler) -> None:
        self.project = project
        self.out_dir = out_dir
        self.period = period
        self.jobs = jobs
        self.selected = {j.report_id for j in selected}
        self.options = options
        self.emit = emit
        self.started = time.perf_counter()
        self.old = load_manifest(out_dir / "manifest.json") or {}
        self.old_entries = {e["report"]: e for e in self.old.get("reports", [])
                            if isinstance(e, dict) and "report" in e}
        self.outcomes: dict[str, ReportOutcome] = {}
        self.library = library_fingerprint()
        self.data = data_fingerprint(project / "data")
        self.data_validated = self.old.get("data_validated") == self.data
        self.appendix: dict[str, Any] = dict(self.old.get("appendix") or {})
        self.executor_info: dict[str, Any] = {}
        templates: dict[Path, str] = {}
        self.keys: dict[str, str] = {}
        for job in jobs:
            if job.template not in templates:
                if not job.template.is_file():
                    raise ParameterError(f"{job.template}: template missing for "
                                         f"{job.report_id}")
                templates[job.template] = file_hash(job.template)
            self.keys[job.report_id] = report_key(
                job, library=self.library, data=self.data, template=templates[job.template],
                compared=compared_hash(compared_path(project, job)),
                analysis=analysis_hash(project, job))

    # -- cache -------------------------------------------------------------------------------
    def expected_outputs(self, rid: str) -> dict[str, str]:
        outputs = {"notebook": f"notebooks/{rid}.ipynb"}
        for fmt in ("html", "pdf"):
            if fmt in self.options.formats:
                outputs[fmt] = f"{rid}.{fmt}"
        return outputs

    def cache_hit(self, job: Job) -> bool:
        entry = self.old_entries.get(job.report_id)
        if self.options.force or not entry or entry.get("status") != "ok":
            return False
        if entry.get("key") != self.keys[job.report_id]:
            return False
        have = entry.get("outputs") or {}
        # outputs the last run recorded beyond the expected ones (results file, CSV) must
        # still be there too: a cached report keeps them
        return all(have.get(k) == v and (self.out_dir / v).is_file()
                   for k, v in self.expected_outputs(job.report_id).items()) and all(
            (self.out_dir / v).is_file() for v in have.values())

    # -- manifest ----------------------------------------------------------------------------
    def entries(self) -> list[dict[str, Any]]:
        out = []
        for job in self.jobs:
            rid = job.report_id
            if rid in self.outcomes:
                outcome = self.outcomes[rid]
                out.append({**asdict(outcome), "warnings": outcome.warnings})
            elif rid in self.old_entries:
                out.append(self.old_entries[rid])
        return out

    def write_manifest(self, *, final: bool = False) -> None:
        manifest = {
            "cache_schema": CACHE_SCHEMA,
            "period": self.period,
            "version": __version__,
            "library": self.library,
            "data": self.data,
            "data_validated": self.data if self.data_validated else None,
            "formats": list(self.options.formats),
            "complete": final,
            "finished_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "wall_seconds": round(time.perf_counter() - self.started, 3),
            "executor": self.executor_info,
            "reports": self.entries(),
            "appendix": self.appendix or None,
        }
        atomic_write_text(self.out_dir / "manifest.json",
                          json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")

    # -- one finished report -----------------------------------------------------------------
    def store(self, job: Job, result: TaskResult) -> ReportOutcome:
        rid = job.report_id
        p = job.params
        outcome = ReportOutcome(
            report=rid, kind=p.kind, title=result.title or p.display_name(),
            params=p.model_dump(mode="json"), status=result.status, error=result.error,
            cell=result.cell, cell_source=result.cell_source, stage=result.stage,
            key=result.key, summary=result.summary, worker=result.worker)
        outcome.timings = dict(result.timings)
        t = time.perf_counter()
        if result.notebook is not None:
            path = f"notebooks/{rid}.ipynb"
            atomic_write_bytes(self.out_dir / path, result.notebook)
            outcome.outputs["notebook"] = path
        if result.status == "ok":
            # a format this run did not make would show the report as it was: remove it
            for fmt in ("html", "pdf"):
                if fmt not in self.options.formats:
                    (self.out_dir / f"{rid}.{fmt}").unlink(missing_ok=True)
            if "html" in self.options.formats and result.html is not None:
                atomic_write_text(self.out_dir / f"{rid}.html", result.html)
                outcome.outputs["html"] = f"{rid}.html"
            if "pdf" in self.options.formats and result.pdf is not None:
                atomic_write_bytes(self.out_dir / f"{rid}.pdf", result.pdf)
                outcome.outputs["pdf"] = f"{rid}.pdf"
            if result.results is not None:
                self.write_results(rid, result.results, outcome)
        else:
            # never leave last run's report under its name when this run failed it
            for fmt in ("html", "pdf", "csv"):
                (self.out_dir / f"{rid}.{fmt}").unlink(missing_ok=True)
            results_path(self.out_dir, rid).unlink(missing_ok=True)
            outcome.key = None
            if outcome.cell_source and outcome.cell is not None and outcome.error:
                outcome.error = outcome.error.replace(
                    f"cell {outcome.cell}:", f"cell {outcome.cell} ({outcome.cell_source}):", 1)
        outcome.timings["write"] = round(time.perf_counter() - t, 3)
        self.outcomes[rid] = outcome
        self.write_manifest()
        return outcome

    def write_results(self, rid: str, results: dict[str, Any], outcome: ReportOutcome) -> None:
        """The report's results file and its open-data CSV (made from the results alone)."""
        path = results_path(self.out_dir, rid)
        atomic_write_text(path, json.dumps(results, indent=1, ensure_ascii=False) + "\n")
        outcome.outputs["results"] = path.relative_to(self.out_dir).as_posix()
        atomic_write_text(self.out_dir / csv_name(rid), csv_text(results))
        outcome.outputs["csv"] = csv_name(rid)

    # -- reports that no longer exist --------------------------------------------------------
    def remove_orphans(self) -> list[str]:
        """Delete the outputs of reports the last run made whose params file is gone.

        Returns
        -------
        list of str
            The reports whose files were removed (they leave the manifest too).
        """
        ids = {j.report_id for j in self.jobs}
        gone = [rid for rid in self.old_entries if rid not in ids]
        for rid in gone:
            recorded = (self.old_entries[rid].get("outputs") or {}).values()
            for name in {*recorded, f"{rid}.html", f"{rid}.pdf", csv_name(rid),
                         f"notebooks/{rid}.ipynb"}:
                path = (self.out_dir / str(name)).resolve()
                if path.is_relative_to(self.out_dir.resolve()):
                    path.unlink(missing_ok=True)
            results_path(self.out_dir, rid).unlink(missing_ok=True)
            del self.old_entries[rid]
        return gone
