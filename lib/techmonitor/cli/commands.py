"""What each ``techmonitor`` command does, given its parsed arguments.

Each command returns the process's exit code; library errors are left to
:func:`techmonitor.cli.main`, which turns them into one line per problem.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from techmonitor.cli.progress import RunView
from techmonitor.errors import TechmonitorError


def _jobs(args: argparse.Namespace) -> list[Any]:
    """The jobs of ``--project``, ``--only``, ``--set``, ``--period`` and ``--as-of``."""
    from techmonitor.batch import plan
    from techmonitor.batch.plan import overrides_of
    from techmonitor.paramfiles import parse_only

    overrides = overrides_of(args.sets, period=args.period, as_of=args.as_of)
    return plan(args.project, only=parse_only(args.only), overrides=overrides)


def _cmd_period(args: argparse.Namespace) -> int:
    print(" ".join(sorted({j.params.period for j in _jobs(args)})))  # one, or run refuses
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    jobs = _jobs(args)
    for job in jobs:
        p = job.params
        print(f"{job.report_id:<32} {p.period}  {p.as_of_date}  {p.language}  "
              f"{job.template.name:<16} {' + '.join(str(f) for f in job.files)}")
    print(f"{len(jobs)} report(s)")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from techmonitor import datacheck
    from techmonitor.report.checks import analysis_problems, target_problems

    problems: list[str] = []
    try:
        jobs = _jobs(args)
    except TechmonitorError as exc:
        problems += str(exc).splitlines()
    else:
        found: list[str] = []
        for job in jobs:  # what only the data can tell: do the targets mean what they say?
            where = str(job.files[-1])
            found += target_problems(job.params, where, args.project)
            found += analysis_problems(job.params, where, args.project)
        problems += found
        if not found:
            print(f"params: {len(jobs)} report(s) valid")
    data_problems = datacheck.validate_data(args.project / "data")
    problems += data_problems
    if not data_problems:
        print(f"data: {args.project / 'data'} valid")
    for line in problems:
        print(f"error: {line.strip().removeprefix('- ')}", file=sys.stderr)
    return 1 if problems else 0


def _cmd_run(args: argparse.Namespace) -> int:
    from techmonitor.batch import RunOptions, parse_formats, run_batch
    from techmonitor.batch.plan import overrides_of
    from techmonitor.paramfiles import parse_only

    if args.scheduler and args.executor != "dask":
        raise TechmonitorError("--scheduler needs --executor dask")
    if args.workers is not None and args.workers < 0:
        raise TechmonitorError(f"--workers {args.workers}: give 0 or more")
    options = RunOptions(formats=parse_formats(args.formats), force=args.force,
                         workers=args.workers, executor=args.executor,
                         scheduler=args.scheduler, restart_every=args.restart_every,
                         timeout=args.timeout, compare_with=args.compare_with)
    log_file = None
    if args.log_json:
        try:
            args.log_json.parent.mkdir(parents=True, exist_ok=True)
            log_file = args.log_json.open("w", encoding="utf-8")
        except OSError as exc:
            raise TechmonitorError(f"--log-json {args.log_json}: {exc.strerror}") from exc
    view = RunView(quiet=args.quiet)
    try:
        def on_event(event: dict[str, Any]) -> None:
            if log_file is not None:
                log_file.write(json.dumps({"ts": round(time.time(), 3), **event},
                                          ensure_ascii=False, default=str) + "\n")
                log_file.flush()
            view.event(event)

        overrides = overrides_of(args.sets, period=args.period, as_of=args.as_of)
        result = run_batch(args.project, args.out, period=overrides.pop("period", None),
                           only=parse_only(args.only), overrides=overrides,
                           options=options, on_event=on_event)
    finally:
        view.stop()
        if log_file is not None:
            log_file.close()
    for o in result.failed:
        print(f"error: {o.summary_line()}", file=sys.stderr)
    for report, warning in result.warnings:
        print(f"warning: {report}: {warning}", file=sys.stderr)
    done = len(result.outcomes) - len(result.failed)
    cached = len(result.cached)
    parts = [f"{done} of {len(result.outcomes)} report(s) done"]
    if cached:
        parts.append(f"{cached} unchanged")
    if result.failed:
        parts.append(f"{len(result.failed)} failed")
    if result.warnings:
        parts.append(f"{len(result.warnings)} warning(s)")
    print(f"{', '.join(parts)} in {result.wall:.1f} s; index: {result.index.resolve()}")
    appendix = result.appendix
    if appendix.get("status") == "ok" and appendix.get("file"):
        print(f"appendix: {(result.out_dir / appendix['file']).resolve()}")
    elif appendix.get("status") in ("failed", "not built") and "pdf" in options.formats:
        print(f"appendix not built: {appendix.get('reason')}", file=sys.stderr)
    if result.failed or (args.strict and result.warnings):
        return 1
    return 0


def _cmd_data(args: argparse.Namespace) -> int:
    if args.data_command == "build":
        from techmonitor.sources.build import build_data

        if not args.raw.is_dir():
            raise TechmonitorError(f"--raw {args.raw}: no such folder; point it at the raw "
                                   "public files (e.g. ../shared/data/raw)")
        summary = build_data(args.raw, args.out)
        for key, value in summary.items():
            print(f"{key}: {value}")
        return 0
    if args.data_command == "update":
        from techmonitor.sources.update import describe, update_data

        for key, value in describe(update_data(args.data, tables=args.tables)).items():
            print(f"{key}: {value}")
        return 0
    from techmonitor.sources.cbs import fetch_cbs

    frame = fetch_cbs(args.table_id, args.cache, filters=args.filters)
    print(f"{args.table_id}: {len(frame)} rows cached in {args.cache}")
    return 0


def _cmd_measures(args: argparse.Namespace) -> int:
    from techmonitor.measure_progress import write_measure_template

    write_measure_template(args.out, args.project / "data")
    print(f"wrote {args.out}")
    return 0


def _cmd_screenshots(args: argparse.Namespace) -> int:
    from techmonitor.render.screenshots import DEFAULT_REPORTS, screenshots

    report_dir = args.reports / args.period
    files = screenshots(report_dir, args.out or report_dir / "screenshots",
                        args.only or DEFAULT_REPORTS)
    for path in files:
        print(path)
    return 0


def _one_report(value: str) -> tuple[str, str]:
    from techmonitor.paramfiles import parse_only

    (kind, slug), = parse_only([value]) or {("", "")}
    return kind, slug


def _cmd_new(args: argparse.Namespace) -> int:
    from techmonitor.workbench.scaffold import new_report

    for path in new_report(args.project, args.kind, args.slug, analysis=args.analysis):
        print(f"wrote {path}")
    print(f"next: techmonitor preview {args.kind}:{args.slug}")
    return 0


def _cmd_open(args: argparse.Namespace) -> int:
    from techmonitor.paramfiles import parse_set
    from techmonitor.workbench.prepare import job_for, open_lab, prepare, require_lab

    kind, slug = _one_report(args.report)
    project = args.project.resolve()
    job = job_for(project, kind, slug, parse_set(args.sets))
    require_lab()  # before writing anything
    notebook, written = prepare(project, job, fresh=args.fresh)
    print(f"prepared {notebook}" if written else
          f"kept {notebook} (your edits); --fresh writes a new copy with today's parameters")
    return open_lab(project, notebook, port=args.port, browser=args.browser)


def _cmd_preview(args: argparse.Namespace) -> int:
    from techmonitor.paramfiles import parse_set
    from techmonitor.workbench.prepare import job_for
    from techmonitor.workbench.preview import serve

    kind, slug = _one_report(args.report)
    job_for(args.project, kind, slug, parse_set(args.sets))  # fail fast on a bad selection
    return serve(args.project, kind, slug, port=args.port, browser=args.browser,
                 overrides=parse_set(args.sets))


def _cmd_calibrate(args: argparse.Namespace) -> int:
    """Run the calibration study (:mod:`techmonitor.calibration`)."""
    import pandas as pd

    from techmonitor import calibration

    if not args.data.exists():
        raise TechmonitorError(f"--data {args.data}: file not found")
    t0 = time.time()
    obs = pd.read_csv(args.data, dtype=str)
    workers = args.workers if args.workers is not None else (os.cpu_count() or 1)
    study = calibration.run_study(obs, workers=workers, obs_path=args.data)
    table = calibration.write_table(study.table, args.table)
    files = calibration.write_report(study, args.out)
    for kind, c in study.table.meta["checks"]["validation"].items():
        print(f"{kind:16s} validation 80%: {c['coverage80']['min']:.1%}-"
              f"{c['coverage80']['max']:.1%}  95%: {c['coverage95']['min']:.1%}-"
              f"{c['coverage95']['max']:.1%}  ({c['n_forecasts']} forecasts, h {c['horizons']})"
              f"{'' if c['within_target'] else '  OUTSIDE TARGET'}")
    print(f"table: {table}")
    for f in files:
        print(f"report: {f}")
    print(f"{len(study.records)} backtest forecasts in {time.time() - t0:.0f} s")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": _cmd_run, "list": _cmd_list, "period": _cmd_period, "validate": _cmd_validate,
    "new": _cmd_new, "open": _cmd_open, "preview": _cmd_preview, "data": _cmd_data,
    "measures": _cmd_measures, "screenshots": _cmd_screenshots, "calibrate": _cmd_calibrate,
}
