"""Running a batch: lock the folder, skip cached reports, execute the rest, finish the folder."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from techmonitor.batch.appendix import build_appendix
from techmonitor.batch.index import write_index
from techmonitor.batch.manifest import BatchState, EventHandler
from techmonitor.batch.outcome import BatchResult, ReportOutcome
from techmonitor.batch.plan import (
    RunOptions,
    check_period,
    default_workers,
    plan,
    run_folder,
    with_comparison,
)
from techmonitor.errors import DataValidationError, ParameterError, TechmonitorError
from techmonitor.fsutil import exclusive_lock, remove_stale_temps
from techmonitor.paramfiles import Job
from techmonitor.worker import Task, TaskResult, WorkerSettings


def _make_executor(options: RunOptions, settings: WorkerSettings, workers: int,
                   scratch: Path) -> Any:
    from techmonitor.executors.local import InlineExecutor, ProcessExecutor

    if options.executor == "dask":
        from techmonitor.executors.dask import DaskExecutor

        return DaskExecutor(settings, scheduler=options.scheduler, workers=workers)
    if options.executor != "local":
        raise ParameterError(f"--executor {options.executor!r}: choose local or dask")
    if workers == 0:
        return InlineExecutor(settings)
    return ProcessExecutor(settings, workers, scratch)


def _default_validator(data_dir: Path) -> list[str]:
    from techmonitor import datacheck

    return datacheck.validate_data(data_dir)


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
    check_period(the_period, project / "data", from_command_line="period" in overrides,
                 as_of=max(j.params.as_of_date for j in jobs))
    languages = {j.params.language for j in jobs}
    if len(languages) != 1:
        raise TechmonitorError(f"reports disagree on the language: {sorted(languages)}; set "
                               "it once in params/base.yaml or with --set language=…")
    out_dir = run_folder(Path(out_root), the_period, languages.pop())
    t_start = time.perf_counter()

    def emit(event: dict[str, Any]) -> None:
        if on_event is not None:
            on_event({"t": round(time.perf_counter() - t_start, 3), **event})

    with exclusive_lock(out_dir):
        remove_stale_temps(out_dir)
        batch = BatchState(project, out_dir, the_period, jobs, selected, options, emit)
        removed = batch.remove_orphans()
        for rid in removed:
            emit({"event": "removed", "report": rid})
        by_id = {j.report_id: j for j in jobs}
        pending: list[Job] = []
        for job in jobs:
            if job.report_id not in batch.selected:
                continue
            if batch.cache_hit(job):
                outcome = ReportOutcome.from_entry(batch.old_entries[job.report_id])
                outcome.cached = True  # timings stay those of the run that made the outputs
                batch.outcomes[job.report_id] = outcome
            else:
                pending.append(job)
        # workers and their kernels warm up while the targets and the data are checked
        started = _start(batch, len(pending), options) if pending else None
        try:
            to_run: list[Job] = []
            for job in pending:
                # a cached report's targets passed this check when it ran (its key covers
                # params, data and code), so only reports that will run are checked
                if (refused := _refused_targets(job, project)) is not None:
                    # this report fails, the others run
                    batch.outcomes[job.report_id] = outcome = batch.store(job, refused)
                    emit({"event": "done", "report": outcome.report,
                          "status": outcome.status, "title": outcome.title,
                          "error": outcome.error})
                else:
                    to_run.append(job)
            emit({"event": "batch_start", "period": the_period, "reports": len(selected),
                  "to_run": len(to_run),
                  "cached": sum(o.cached for o in batch.outcomes.values()),
                  "out_dir": str(out_dir)})
            for rid, outcome in batch.outcomes.items():
                if outcome.cached:
                    emit({"event": "cached", "report": rid, "title": outcome.title})
                if on_done:
                    on_done(outcome)
            executor = None
            if started is not None and to_run:
                executor = _execute(batch, started, to_run, by_id, emit, on_done)
            elif started is not None:
                started.abort()  # every pending report was refused: nothing to run
                batch.executor_info = {}
        except BaseException:
            if started is not None:
                started.abort()
            raise
        try:
            changed = bool(to_run or removed) or batch.old.get("complete") is not True
            before = {k: batch.appendix.get(k) for k in ("status", "key", "file")}
            # workers and kernels shut down while the appendix and index are written
            build_appendix(batch)
            changed = changed or before != {k: batch.appendix.get(k)
                                            for k in ("status", "key", "file")}
            write_index(batch, changed=changed)
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


def _refused_targets(job: Job, project: Path) -> TaskResult | None:
    """A report whose targets break the value rules (a count target not positive, a share
    outside 0-100, a period beyond the data's horizon) fails before it runs, with the
    rules' own words; ``validate`` reports the same problems."""
    from techmonitor.report.checks import target_problems

    if not job.params.targets:
        return None
    try:
        problems = target_problems(job.params, str(job.files[-1]), project)
    except (TechmonitorError, OSError):
        return None  # the data check before any report runs names what is missing
    if not problems:
        return None
    return TaskResult(index=-1, report=job.report_id, key="", status="failed", title="",
                      error="; ".join(problems), stage="params")


def _start(batch: BatchState, count: int, options: RunOptions) -> _Closing:
    """The chosen executor for ``count`` reports, its workers starting (local executor)."""
    from techmonitor.executors.local import scratch_dir
    from techmonitor.worker import default_warm_code

    workers = default_workers() if options.workers is None else max(0, options.workers)
    if options.executor == "local" and workers:
        workers = min(workers, count)
    settings = WorkerSettings(
        project=batch.project, formats=options.formats, warm_imports=options.warm_imports,
        warm_code=default_warm_code(batch.project) if options.warm_data else "",
        restart_every=options.restart_every, timeout=options.timeout)
    scratch = scratch_dir()
    batch.executor_info = {"kind": options.executor, "workers": workers,
                           "scheduler": options.scheduler}
    started = _Closing(_make_executor(options, settings, workers, scratch), scratch)
    if hasattr(started.executor, "start"):
        try:
            started.executor.start(count)
        except BaseException:
            started.abort()
            raise
    return started


def _execute(batch: BatchState, started: _Closing, to_run: list[Job], by_id: dict[str, Job],
             emit: EventHandler, on_done: Callable[[ReportOutcome], None] | None) -> _Closing:
    """Run ``to_run`` on the started executor, storing each result as it arrives.

    Returns the executor, whose workers are finishing; the caller closes it. On any error
    (also Ctrl-C) the caller aborts it: kernels killed, workers stopped.
    """
    if not batch.data_validated:
        validate = batch.options.validate or _default_validator
        problems = validate(batch.project / "data")
        if problems:
            raise DataValidationError(
                f"{len(problems)} problem(s) in {batch.project / 'data'}; "
                "no report was run", problems)
        batch.data_validated = True
    tasks = [Task(index=i, job=job, key=batch.keys[job.report_id])
             for i, job in enumerate(to_run)]
    index_job = dict(enumerate(to_run))
    for event in started.executor.run(tasks):
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
    return started


class _Closing:
    """A started executor and its scratch folder: :meth:`close` waits for the workers once
    their work is done, :meth:`abort` stops them at once; both remove the scratch."""

    def __init__(self, executor: Any, scratch: Path) -> None:
        self.executor = executor
        self.scratch = scratch

    def close(self) -> None:
        try:
            self.executor.close()
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def abort(self) -> None:
        """Kill kernels and stop workers at once (an error or Ctrl-C), then remove scratch."""
        try:
            getattr(self.executor, "abort", self.executor.close)()
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)
