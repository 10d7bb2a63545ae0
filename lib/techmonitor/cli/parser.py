"""The ``techmonitor`` command line's arguments: every command, option and its help."""

from __future__ import annotations

import argparse
from pathlib import Path

from techmonitor import __version__

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
