"""Command line: ``techmonitor run | list | validate | new | open | preview | data | measures``.

Library errors (:class:`TechmonitorError`) become one clear line per problem and a non-zero
exit; ``--debug`` shows the traceback instead."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from techmonitor import __version__
from techmonitor.errors import DataValidationError, TechmonitorError
from techmonitor.swap import recover_data

DEFAULT_RAW = Path("../shared/data/raw")


def _add_selection(p: argparse.ArgumentParser) -> None:
    p.add_argument("--project", type=Path, default=Path("."),
                   help="project folder with params/, data/ and templates/ (default: .)")
    p.add_argument("--only", action="append", metavar="KIND:SLUG",
                   help="run only this report, e.g. sector:energie (repeatable)")
    p.add_argument("--set", dest="sets", action="append", metavar="KEY=VALUE",
                   help="override a parameter for every report, e.g. language=en")
    p.add_argument("--period", help="reporting quarter, e.g. 2023Q3 (default: params/base.yaml;"
                   " 'latest': the newest the data support)")
    p.add_argument("--as-of", dest="as_of", metavar="DATE", help="use only data published by "
                   "DATE (default: the last day of the quarter after the period)")


def _jobs(args: argparse.Namespace) -> list[Any]:
    """The jobs of ``--project``, ``--only``, ``--set``, ``--period`` and ``--as-of``."""
    from techmonitor.batch import plan
    from techmonitor.batch.plan import overrides_of
    from techmonitor.paramfiles import parse_only

    overrides = overrides_of(args.sets, period=args.period, as_of=args.as_of)
    return plan(args.project, only=parse_only(args.only), overrides=overrides)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(
        prog="techmonitor",
        description="Quarterly Techniek Monitor reports: national, per top sector, per province.",
    )
    parser.add_argument("--version", action="version", version=f"techmonitor {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the reports and render them")
    _add_selection(run)
    run.add_argument("--out", type=Path, default=Path("reports"),
                     help="output root; reports go to OUT/<period>/ (default: reports)")
    run.add_argument("--format", dest="formats", default="html,pdf", metavar="FORMATS",
                     help="outputs, comma-separated: html, pdf (default: html,pdf; pdf also "
                          "builds the appendix bijlage-<period>.pdf; another language than "
                          "nl writes to OUT/<period>/<language>/)")
    run.add_argument("--force", action="store_true",
                     help="run every selected report again, even if nothing changed")
    run.add_argument("--workers", type=int, default=None, metavar="N",
                     help="worker processes, one kept-alive kernel each (default: one per "
                          "CPU core; 0 runs in this process)")
    run.add_argument("--executor", choices=["local", "dask"], default="local",
                     help="where workers run: local processes (default) or a Dask cluster")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="Dask scheduler address, e.g. tcp://host:8786 (default with "
                          "--executor dask: start a local cluster)")
    run.add_argument("--restart-every", type=int, default=50, metavar="N",
                     help="restart a kernel after N reports (default: 50; always after a "
                          "failure)")
    run.add_argument("--timeout", type=int, default=600, metavar="SECONDS",
                     help="seconds one notebook cell may take (default: 600)")
    run.add_argument("--compare-with", type=Path, default=None, metavar="PATH",
                     help="earlier run folder (e.g. reports/2023Q2) whose results/ each report "
                     "is compared with (default: the previous quarter in --out)")
    run.add_argument("--quiet", action="store_true", help="print only the summary")
    run.add_argument("--strict", action="store_true",
                     help="exit 1 when any report has a warning (a step that could not be done)")
    run.add_argument("--log-json", type=Path, metavar="FILE",
                     help="write one JSON line per event (start, done, timings …) to FILE")

    lst = sub.add_parser("list", help="list the reports a run would produce")
    _add_selection(lst)

    _add_selection(sub.add_parser("period", help="print the quarter a run would build"))

    val = sub.add_parser("validate", help="check params and data; exit 1 on any problem")
    _add_selection(val)

    data = sub.add_parser("data", help="build or fetch data")
    dsub = data.add_subparsers(dest="data_command", required=True)
    build = dsub.add_parser("build", help="build data/ from the raw public files")
    build.add_argument("--raw", type=Path, default=DEFAULT_RAW,
                       help=f"folder with the raw files (default: {DEFAULT_RAW})")
    build.add_argument("--out", type=Path, default=Path("data"), help="data folder (default: data)")
    fetch = dsub.add_parser("fetch", help="fetch a CBS StatLine table into the local cache")
    fetch.add_argument("provider", choices=["cbs"])
    fetch.add_argument("table_id", help="CBS table id, e.g. 80472ned")
    fetch.add_argument("--cache", type=Path, default=Path(".cache/cbs"))
    fetch.add_argument("--filter", dest="filters",
                       help="OData filter, e.g. \"Perioden eq '2023KW02'\"")
    update = dsub.add_parser("update", help="fetch every configured CBS/DUO table, validate, "
                             "then replace data/ in one step (unchanged on any failure)")
    update.add_argument("--table", dest="tables", action="append",
                        help="only this table (repeatable), e.g. 83120NED")
    update.add_argument("--data", type=Path, default=Path("data"),
                        help="data folder to update (default: data)")

    measures = sub.add_parser("measures", help="measure progress workbook")
    msub = measures.add_subparsers(dest="measures_command", required=True)
    tmpl = msub.add_parser("template",
                           help="write the Excel workbook the programme office fills in")
    tmpl.add_argument("--out", type=Path, default=Path("measure_progress.xlsx"))
    tmpl.add_argument("--project", type=Path, default=Path("."))

    shots = sub.add_parser("screenshots",
                           help="PNG screenshots of the national and one sector report "
                                "(headless Chromium), for review")
    shots.add_argument("--period", default="2023Q3", help="reporting quarter (default 2023Q3)")
    shots.add_argument("--reports", type=Path, default=Path("reports"),
                       help="root of the rendered reports (default: reports)")
    shots.add_argument("--out", type=Path, default=None,
                       help="folder for the PNGs (default: <reports>/<period>/screenshots)")
    shots.add_argument("--only", action="append", metavar="REPORT",
                       help="report id such as sector-energie (repeatable)")

    new = sub.add_parser("new", help="write a commented params file for a sector or "
                                     "region report (and a starter analysis)")
    new.add_argument("kind", choices=["sector", "region"])
    new.add_argument("slug", help="a top sector of data/sectors.yaml or a province of "
                                  "data/regions.yaml, e.g. energie or utrecht")
    new.add_argument("--analysis", action="store_true",
                     help="also write analyses/SLUG.py with a function sections(report)")
    new.add_argument("--project", type=Path, default=Path("."))

    opn = sub.add_parser("open", help="open a report's prepared notebook in JupyterLab "
                                      "(work/<report>.ipynb; `make lab` installs JupyterLab)")
    opn.add_argument("report", metavar="KIND:SLUG", help="e.g. sector:energie")
    opn.add_argument("--project", type=Path, default=Path("."))
    opn.add_argument("--port", type=int, default=None, help="JupyterLab port (default: free)")
    opn.add_argument("--no-browser", dest="browser", action="store_false",
                     help="do not open a browser; print the URL")
    opn.add_argument("--set", dest="sets", action="append", metavar="KEY=VALUE")
    opn.add_argument("--fresh", action="store_true",
                     help="write a new copy even if work/<report>.ipynb exists (the old one "
                          "is kept as a .bak)")

    prv = sub.add_parser("preview", help="serve a report's HTML on localhost and re-render "
                                         "it on every saved edit (warm kernel)")
    prv.add_argument("report", metavar="KIND:SLUG", help="e.g. sector:energie")
    prv.add_argument("--project", type=Path, default=Path("."))
    prv.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765)")
    prv.add_argument("--no-browser", dest="browser", action="store_false",
                     help="do not open a browser; print the URL")
    prv.add_argument("--set", dest="sets", action="append", metavar="KEY=VALUE")

    cal = sub.add_parser("calibrate",
                         help="backtest the trend bands on the CBS series, write the "
                              "calibration table and a coverage report")
    cal.add_argument("--out", type=Path, default=Path("reports/calibration"),
                     help="folder for the report: calibration.md, coverage.png, records "
                          "(default: reports/calibration)")
    cal.add_argument("--table", type=Path, default=Path("data/calibration.json"),
                     help="where to write the table (default: data/calibration.json)")
    cal.add_argument("--data", type=Path, default=Path("data/observations.csv"),
                     help="observations (default: data/observations.csv)")
    cal.add_argument("--workers", type=int, default=None, metavar="N",
                     help="processes for the backtests (default: one per CPU core)")
    return parser


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
    from techmonitor import observations
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
    data_problems = observations.validate_data(args.project / "data")
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
    view = _RunView(quiet=args.quiet)
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


class _RunView:
    """Progress on the terminal: a rich progress bar with the running reports when stdout is
    a terminal, plain lines otherwise, nothing but the summary with ``--quiet``."""

    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet
        self.progress: Any = None
        self.total: Any = None
        self.rows: dict[str, Any] = {}

    def _start(self, todo: int, cached: int) -> None:
        if self.quiet or not sys.stdout.isatty() or todo == 0:
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                 BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                 transient=False)
        self.progress.start()
        label = f"reports ({cached} unchanged)" if cached else "reports"
        self.total = self.progress.add_task(label, total=todo)

    def _line(self, text: str) -> None:
        if self.quiet:
            return
        if self.progress is not None:
            self.progress.console.print(text, markup=False, highlight=False)
        else:
            print(text, flush=True)

    def event(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == "batch_start":
            self._start(int(event["to_run"]), int(event["cached"]))
        elif kind == "cached":
            self._line(f"=    {event['report']:<32} unchanged")
        elif kind == "start" and self.progress is not None:
            rid = str(event["report"])
            self.rows[rid] = self.progress.add_task(f"  {rid} [{event['worker']}]", total=None)
        elif kind == "done":
            rid = str(event["report"])
            if self.progress is not None:
                if rid in self.rows:
                    self.progress.remove_task(self.rows.pop(rid))
                self.progress.advance(self.total)
            timings = event.get("timings") or {}
            if event["status"] == "ok":
                self._line(f"ok   {rid:<32} {timings.get('total', 0):6.1f} s")
            else:
                self._line(f"FAIL {rid:<32} {event.get('error')}")
        elif kind == "pdf" and event.get("status") != "ok":
            self._line(f"FAIL {event['report']:<32} {event.get('error')}")
        elif kind == "appendix" and event.get("status") == "start":
            self._line(f"...  appendix of {event.get('parts')} reports")

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


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


COMMANDS = {"run": _cmd_run, "list": _cmd_list, "period": _cmd_period, "validate": _cmd_validate,
            "new": _cmd_new, "open": _cmd_open, "preview": _cmd_preview,
            "data": _cmd_data, "measures": _cmd_measures, "screenshots": _cmd_screenshots}


def _cmd_calibrate(args: argparse.Namespace) -> int:
    """Run the calibration study (:mod:`techmonitor.calibration`)."""
    import os

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


COMMANDS["calibrate"] = _cmd_calibrate


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``techmonitor`` console script."""
    args = build_parser().parse_args(argv)
    try:
        for line in recover_data(getattr(args, "project", Path(".")) / "data"):  # killed update
            print(f"note: {line}", file=sys.stderr)
        return COMMANDS[args.command](args)
    except DataValidationError as exc:
        if args.debug:
            raise
        print(f"error: {exc.args[0]}", file=sys.stderr)
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1
    except TechmonitorError as exc:
        if args.debug:
            raise
        for line in str(exc).splitlines():
            print(f"error: {line.strip().removeprefix('- ')}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`techmonitor list | head`): stop quietly, like other tools
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
