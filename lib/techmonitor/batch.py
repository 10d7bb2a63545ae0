"""The batch: expand params into jobs, skip what is unchanged, run the rest, write everything.

Output layout (``reports/<period>/``)::

    <kind>-<slug>.html              the report
    <kind>-<slug>.pdf               its tagged PDF (``--format pdf``)
    bijlage-<period>.pdf            all reports in one PDF, national → sectors → provinces
    notebooks/<kind>-<slug>.ipynb   the executed notebook (kept, also on failure, with the error)
    index.html                      every report with its status
    manifest.json                   per report: params, cache key, status, outputs, timings

Incremental: each report's cache key (:mod:`techmonitor.cache`) is stored in the manifest; a
report whose key is unchanged and whose outputs exist is not run again (``force`` redoes it).
The appendix is rebuilt only when one of its parts changed or it is missing.

Atomic: every file is written to a temporary name and renamed; the manifest is rewritten after
each finished report, so a killed run resumes where it stopped. One batch at a time may write
an output folder (``.lock``).

This module imports only light modules at import time: a run where nothing changed hashes the
inputs, reads the manifest and stops, without starting a kernel or importing pandas.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from techmonitor import __version__
from techmonitor.cache import (
    CACHE_SCHEMA,
    analysis_hash,
    combined_key,
    compared_hash,
    data_fingerprint,
    file_hash,
    library_fingerprint,
    load_manifest,
    report_key,
)
from techmonitor.config import Job, expand
from techmonitor.errors import DataValidationError, ParameterError, TechmonitorError
from techmonitor.fsutil import (
    atomic_write_bytes,
    atomic_write_text,
    exclusive_lock,
    remove_stale_temps,
)
from techmonitor.periods import shift_quarter
from techmonitor.report.results import csv_name, csv_text, results_path
from techmonitor.worker import FORMATS, Task, TaskResult, WorkerSettings

EventHandler = Callable[[dict[str, Any]], None]
Validator = Callable[[Path], list[str]]


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
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def cached(self) -> list[ReportOutcome]:
        return [o for o in self.outcomes if o.cached]

    @property
    def warnings(self) -> list[tuple[str, str]]:
        """``(report, warning)`` for every warning of every report."""
        return [(o.report, w) for o in self.outcomes for w in o.warnings]

    @property
    def index(self) -> Path:
        return self.out_dir / "index.html"

    @property
    def manifest(self) -> Path:
        return self.out_dir / "manifest.json"


@dataclass(frozen=True)
class RunOptions:
    """How to run a batch.

    Parameters
    ----------
    formats
        Outputs: ``html`` and/or ``pdf`` (PDF also builds the appendix).
    force
        Run every selected report even when its cache key is unchanged.
    workers
        Worker processes (each with one kept-alive kernel); None: one per CPU core;
        0: run in this process (debugging).
    executor
        ``local`` (worker processes) or ``dask``.
    scheduler
        Dask scheduler address; None with ``dask`` starts a LocalCluster.
    restart_every
        Restart a kernel after this many reports.
    timeout
        Seconds one cell may take.
    warm_imports, warm_data
        Kernel warm-up (see :class:`~techmonitor.worker.WorkerSettings`);
        ``warm_data`` loads the observations once per kernel.
    validate
        Data validator (``data_dir -> problems``); None: :func:`observations.validate_data`.
    compare_with
        Earlier run folder whose ``results/<report>.json`` each report is compared with;
        None: the previous quarter's folder in the same output root.
    """

    formats: tuple[str, ...] = FORMATS
    force: bool = False
    workers: int | None = None
    executor: str = "local"
    scheduler: str | None = None
    restart_every: int = 50
    timeout: int = 600
    warm_imports: tuple[str, ...] = ("techmonitor.report.core",)
    warm_data: bool = True
    validate: Validator | None = None
    compare_with: Path | None = None


def parse_formats(value: str) -> tuple[str, ...]:
    """Parse ``--format html,pdf``."""
    items = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    bad = [v for v in items if v not in FORMATS]
    if bad or not items:
        raise ParameterError(f"--format {value!r}: choose from {', '.join(FORMATS)}, "
                             "comma-separated, e.g. --format html,pdf")
    return items


def plan(project: Path, *, only: set[tuple[str, str]] | None = None,
         overrides: dict[str, Any] | None = None) -> list[Job]:
    """The jobs a run would execute (params validated, nothing executed)."""
    return expand(project, only=only, overrides=overrides)


def compared_path(project: Path, job: Job) -> Path | None:
    """The earlier results file a job's ``compare_with`` parameter names (None: none)."""
    name = job.params.compare_with
    if not name:
        return None
    path = Path(name)
    return path if path.is_absolute() else project / path


def with_comparison(project: Path, out_root: Path, jobs: list[Job],
                    compare_with: Path | None) -> list[Job]:
    """Jobs with ``compare_with`` set: the earlier run's ``results/<report>.json``.

    Without ``compare_with`` the earlier run is the previous quarter's folder in
    ``out_root``; when that has no results file for a report, the report compares with
    nothing (the first run of a series) and says so. A folder named with ``--compare-with``
    must exist; a report whose file is missing there gets a warning. A value set in the
    params files is kept. Paths inside the project are passed relative to it.

    Raises
    ------
    ParameterError
        If ``compare_with`` is not a folder.
    """
    if compare_with is not None and not Path(compare_with).is_dir():
        raise ParameterError(f"--compare-with {compare_with}: no such run folder; name the "
                             "folder of an earlier run, e.g. reports/2023Q2")
    out = []
    for job in jobs:
        p = job.params
        if p.compare_with:
            out.append(job)
            continue
        if compare_with is not None:
            path = results_path(Path(compare_with).resolve(), p.report_id)
        else:
            path = results_path(Path(out_root).resolve() / shift_quarter(p.period, -1),
                                p.report_id)
            if not path.is_file():
                out.append(job)
                continue
        try:
            name = path.relative_to(project).as_posix()
        except ValueError:
            name = str(path)
        out.append(dataclasses.replace(job, params=p.model_copy(update={"compare_with": name})))
    return out


def default_workers() -> int:
    """One worker per CPU core available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def appendix_name(period: str) -> str:
    """File name of the quarter's appendix."""
    return f"bijlage-{period}.pdf"


class _Batch:
    """State of one run; see :func:`run_batch`."""

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

    # -- appendix ----------------------------------------------------------------------------
    def build_appendix(self) -> None:
        if "pdf" not in self.options.formats:
            return
        name = appendix_name(self.period)
        path = self.out_dir / name
        entries = {e["report"]: e for e in self.entries()}
        missing = [j.report_id for j in self.jobs
                   if entries.get(j.report_id, {}).get("status") != "ok"
                   or not (self.out_dir / f"notebooks/{j.report_id}.ipynb").is_file()]
        if missing:
            path.unlink(missing_ok=True)
            self.appendix = {"status": "not built", "file": None,
                             "reason": f"{len(missing)} of {len(self.jobs)} reports missing "
                             "or failed (" + ", ".join(missing[:3])
                             + (", …" if len(missing) > 3 else "")
                             + "); run the whole batch to build it"}
            self.emit({"event": "appendix", "status": "not built",
                       "reason": self.appendix["reason"]})
            return
        key = combined_key([str(entries[j.report_id].get("key")) for j in self.jobs])
        if (not self.options.force and self.appendix.get("key") == key
                and self.appendix.get("status") == "ok" and path.is_file()):
            self.appendix["cached"] = True
            self.emit({"event": "appendix", "status": "cached", "file": name})
            return
        self.emit({"event": "appendix", "status": "start", "parts": len(self.jobs)})
        t0 = time.perf_counter()
        try:
            from techmonitor.render.typst import AppendixPart, render_appendix_pdf
            from techmonitor.worker import appendix_meta, documents_of

            # the appendix is laid out anew from the reports' documents, which the kept
            # notebooks hold (so a cached report needs no rerun)
            parts = [AppendixPart(
                j.report_id, str(entries[j.report_id]["title"]),
                documents_of(json.loads((self.out_dir / f"notebooks/{j.report_id}.ipynb")
                                        .read_text(encoding="utf-8"))),
                j.params.language) for j in self.jobs]
            pdf = render_appendix_pdf(parts, appendix_meta(self.jobs[0].params))
        except Exception as exc:  # noqa: BLE001 - the reports stand; say why the appendix not
            path.unlink(missing_ok=True)
            reason = f"{type(exc).__name__}: {exc}" if not isinstance(exc, TechmonitorError) \
                else str(exc)
            self.appendix = {"status": "failed", "file": None, "reason": reason}
            self.emit({"event": "appendix", "status": "failed", "reason": reason})
            return
        atomic_write_bytes(path, pdf)
        seconds = round(time.perf_counter() - t0, 3)
        self.appendix = {"status": "ok", "file": name, "key": key, "cached": False,
                         "seconds": seconds, "parts": [j.report_id for j in self.jobs]}
        self.emit({"event": "appendix", "status": "ok", "file": name, "seconds": seconds})

    # -- index -------------------------------------------------------------------------------
    def write_index(self, *, changed: bool) -> None:
        index = self.out_dir / "index.html"
        if not changed and index.is_file():
            return
        from techmonitor.render.index import index_html

        entries = self.entries()
        language = next((e["params"].get("language", "nl") for e in entries), "nl")
        index_entries = [
            {"report": e["report"], "kind": e["kind"], "title": e["title"],
             "status": e["status"], "html": (e.get("outputs") or {}).get("html"),
             "pdf": (e.get("outputs") or {}).get("pdf"), "error": e.get("error"),
             "summary": e.get("summary")}
            for e in entries
        ]
        appendix = self.appendix.get("file") if self.appendix.get("status") == "ok" else None
        atomic_write_text(index, index_html(self.period, index_entries, language, appendix))


def _make_executor(options: RunOptions, settings: WorkerSettings, workers: int,
                   scratch: Path) -> Any:
    from techmonitor import executors

    if options.executor == "dask":
        return executors.DaskExecutor(settings, scheduler=options.scheduler, workers=workers)
    if options.executor != "local":
        raise ParameterError(f"--executor {options.executor!r}: choose local or dask")
    if workers == 0:
        return executors.InlineExecutor(settings)
    return executors.ProcessExecutor(settings, workers, scratch)


def _default_validator(data_dir: Path) -> list[str]:
    from techmonitor import observations

    return observations.validate_data(data_dir)


def run_batch(
    project: Path,
    out_root: Path,
    *,
    period: str | None = None,
    only: set[tuple[str, str]] | None = None,
    overrides: dict[str, Any] | None = None,
    on_done: Callable[[ReportOutcome], None] | None = None,
    options: RunOptions | None = None,
    on_event: EventHandler | None = None,
) -> BatchResult:
    """Run the reports of ``project`` for ``period`` into ``out_root/<period>``.

    Parameters are validated for every report, and the data before any kernel computes; a
    failing report does not stop the others. Unchanged reports are skipped (cache).

    Parameters
    ----------
    project
        Project folder with ``params/``, ``templates/`` and ``data/``.
    out_root
        Output root; the batch writes ``out_root/<period>/``.
    period
        Reporting quarter overriding the params.
    only
        Run only these ``(kind, slug)`` reports; the others stay as the last run left them.
    overrides
        Parameter overrides for every report (``--set``).
    on_done
        Called with each report's outcome (run or cached).
    options
        How to run (formats, workers, executor, force …).
    on_event
        Called with one dict per event (``batch_start``, ``cached``, ``worker_ready``,
        ``start``, ``done``, ``appendix``, ``batch_done``); ``--log-json`` writes these.

    Raises
    ------
    ParameterError, DataValidationError
        Before any report runs, if params or data are invalid.
    KeyboardInterrupt
        After stopping every worker and kernel; finished reports are kept (and cached).
    """
    options = options or RunOptions()
    if "pdf" in options.formats and "html" not in options.formats:
        # the PDF is printed from the HTML, which is kept too (the appendix needs it)
        options = dataclasses.replace(options, formats=("html", *options.formats))
    project = Path(project).resolve()
    overrides = dict(overrides or {})
    if period:
        overrides["period"] = period
    jobs = with_comparison(project, out_root, plan(project, overrides=overrides),
                           options.compare_with)
    selected = [j for j in jobs if (j.params.kind, j.params.slug) in only] if only else jobs
    if only:
        plan(project, only=only, overrides=overrides)  # names an unknown report, if any
    if not jobs:
        raise ParameterError(f"{project / 'params'}: no report parameter files found")
    periods = {j.params.period for j in jobs}
    if len(periods) != 1:
        raise TechmonitorError(f"reports disagree on the period: {sorted(periods)}; "
                               "set it once in params/base.yaml or with --period")
    the_period = periods.pop()
    out_dir = Path(out_root) / the_period
    t_start = time.perf_counter()

    def emit(event: dict[str, Any]) -> None:
        if on_event is not None:
            on_event({"t": round(time.perf_counter() - t_start, 3), **event})

    with exclusive_lock(out_dir):
        remove_stale_temps(out_dir)
        batch = _Batch(project, out_dir, the_period, jobs, selected, options, emit)
        by_id = {j.report_id: j for j in jobs}
        to_run: list[Job] = []
        for job in jobs:
            if job.report_id not in batch.selected:
                continue
            if batch.cache_hit(job):
                outcome = ReportOutcome.from_entry(batch.old_entries[job.report_id])
                outcome.cached = True  # timings stay those of the run that made the outputs
                batch.outcomes[job.report_id] = outcome
            else:
                to_run.append(job)
        emit({"event": "batch_start", "period": the_period, "reports": len(selected),
              "to_run": len(to_run), "cached": len(selected) - len(to_run),
              "out_dir": str(out_dir)})
        for rid, outcome in batch.outcomes.items():
            emit({"event": "cached", "report": rid, "title": outcome.title})
            if on_done:
                on_done(outcome)
        executor = _execute(batch, to_run, by_id, options, emit, on_done) if to_run else None
        try:
            changed = bool(to_run) or batch.old.get("complete") is not True
            before = {k: batch.appendix.get(k) for k in ("status", "key", "file")}
            # workers and kernels shut down while the appendix and index are written
            batch.build_appendix()
            changed = changed or before != {k: batch.appendix.get(k)
                                            for k in ("status", "key", "file")}
            batch.write_index(changed=changed)
            batch.write_manifest(final=True)
        finally:
            if executor is not None:
                executor.close()
        outcomes = [batch.outcomes[j.report_id] for j in jobs if j.report_id in batch.outcomes]
        result = BatchResult(period=the_period, out_dir=out_dir, outcomes=outcomes,
                             appendix=batch.appendix,
                             wall=round(time.perf_counter() - t_start, 3))
    emit({"event": "batch_done", "ok": sum(o.status == "ok" for o in outcomes),
          "failed": len(result.failed), "cached": len(result.cached), "wall": result.wall})
    return result


def _execute(batch: _Batch, to_run: list[Job], by_id: dict[str, Job], options: RunOptions,
             emit: EventHandler, on_done: Callable[[ReportOutcome], None] | None) -> Any:
    """Run ``to_run`` on the chosen executor, storing each result as it arrives.

    Returns the executor, whose workers are finishing; the caller closes it. On any error
    (also Ctrl-C) the executor is aborted here: kernels killed, workers stopped.
    """
    from techmonitor.executors import scratch_dir
    from techmonitor.worker import default_warm_code

    workers = default_workers() if options.workers is None else max(0, options.workers)
    if options.executor == "local" and workers:
        workers = min(workers, len(to_run))
    settings = WorkerSettings(
        project=batch.project, formats=options.formats, warm_imports=options.warm_imports,
        warm_code=default_warm_code(batch.project) if options.warm_data else "",
        restart_every=options.restart_every, timeout=options.timeout)
    scratch = scratch_dir()
    batch.executor_info = {"kind": options.executor, "workers": workers,
                           "scheduler": options.scheduler}
    executor = _make_executor(options, settings, workers, scratch)
    try:
        if hasattr(executor, "start"):
            executor.start(len(to_run))  # workers warm up while the data is validated
        if not batch.data_validated:
            validate = options.validate or _default_validator
            problems = validate(batch.project / "data")
            if problems:
                raise DataValidationError(
                    f"{len(problems)} problem(s) in {batch.project / 'data'}; "
                    "no report was run", problems)
            batch.data_validated = True
        tasks = [Task(index=i, job=job, key=batch.keys[job.report_id])
                 for i, job in enumerate(to_run)]
        index_job = dict(enumerate(to_run))
        for event in executor.run(tasks):
            if event.kind == "ready":
                emit({"event": "worker_ready", "worker": event.worker,
                      "seconds": event.seconds})
            elif event.kind == "start" and event.index is not None:
                emit({"event": "start", "report": index_job[event.index].report_id,
                      "worker": event.worker})
            elif event.kind == "done" and event.result is not None:
                job = by_id[event.result.report]
                outcome = batch.store(job, event.result)
                emit({"event": "done", "report": outcome.report, "status": outcome.status,
                      "title": outcome.title, "timings": outcome.timings,
                      "error": outcome.error, "cell": outcome.cell, "worker": event.worker})
                if on_done:
                    on_done(outcome)
    except BaseException:
        abort = getattr(executor, "abort", executor.close)
        abort()
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return _Closing(executor, scratch)


class _Closing:
    """An executor whose work is done; :meth:`close` waits for it and removes its scratch."""

    def __init__(self, executor: Any, scratch: Path) -> None:
        self.executor = executor
        self.scratch = scratch

    def close(self) -> None:
        try:
            self.executor.close()
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)
