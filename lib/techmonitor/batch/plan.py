"""What a batch will do: run options, the jobs, and what each report is compared with."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from techmonitor import asof
from techmonitor.errors import ParameterError
from techmonitor.paramfiles import Job, expand
from techmonitor.periods import (
    QUARTER_RE,
    SCHOOL_YEAR_RE,
    YEAR_RE,
    quarter_to_period,
    shift_quarter,
)
from techmonitor.report.results import results_path
from techmonitor.worker import FORMATS

Validator = Callable[[Path], list[str]]
#: the reports' own language; others go to a subfolder of their own (:func:`run_folder`)
DEFAULT_LANGUAGE = "nl"


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
        Data validator (``data_dir -> problems``); None: :func:`datacheck.validate_data`.
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
    """The jobs a run would execute (params validated, nothing executed).

    A bad command-line value is reported once, as a command-line value (not once per params
    file, blaming the file), before the params files are expanded.
    """
    check_overrides(project, overrides or {})
    return expand(project, only=only, overrides=overrides)


def overrides_of(sets: list[str] | None, **given: str | None) -> dict[str, Any]:
    """``--set KEY=VALUE`` values with the named options given (``period``, ``as_of``),
    which win."""
    from techmonitor.paramfiles import parse_set

    return parse_set(sets) | {k: v for k, v in given.items() if v}


def _option(key: str) -> str:
    return {"period": "--period", "as_of": "--as-of"}.get(key, f"--set {key}")


def check_overrides(project: Path, overrides: dict[str, Any]) -> None:
    """Check command-line values (``--period``, ``--set``) on their own, once.

    Each value is validated with the params of ``base.yaml`` and the first report file around
    it; only problems of the command-line keys are reported here (those of the files are the
    files' own and are reported by :func:`~techmonitor.paramfiles.expand`).

    Raises
    ------
    ParameterError
        Naming each bad value as a command-line value.
    """
    if not overrides:
        return
    from pydantic import ValidationError

    from techmonitor.config import FIELDS, ReportParams
    from techmonitor.paramfiles import param_files, read_params_file

    problems = [f"command line: {_option(k)}: unknown parameter; choose from "
                f"{', '.join(FIELDS)}" for k in overrides if k not in FIELDS]
    params_dir = Path(project) / "params"
    files = [params_dir / "base.yaml", *param_files(params_dir)[:1]]
    values: dict[str, Any] = {}
    for path in files:
        try:
            values.update(read_params_file(path))
        except (ParameterError, OSError):
            pass  # the files' own problems are reported when they are expanded
    try:
        ReportParams.model_validate(asof.with_period({**values, **overrides},
                                                      project / "data"))
    except ValidationError as exc:
        for err in exc.errors():
            # the as-of rule ties as_of to the period: its error has no field of its own
            key = str(err["loc"][0]) if err["loc"] else ("as_of" if "as_of" in overrides
                                                         else "")
            if key in overrides:
                problems.append(f"command line: {_option(key)} {overrides[key]!r}: "
                                f"{err['msg'].removeprefix('Value error, ')}")
    if problems:
        raise ParameterError(problems[0] if len(problems) == 1 else
                             "invalid command-line values:\n  - " + "\n  - ".join(problems))


#: a report period may lie at most this many quarters after the newest observation
MAX_QUARTERS_AHEAD = 4


def _end_quarter(code: str) -> str | None:
    """The quarter a period code ends in (year: Q4; school year 2019/20: 2020Q3)."""
    if QUARTER_RE.match(code):
        return code
    if YEAR_RE.match(code):
        return f"{code}Q4"
    if SCHOOL_YEAR_RE.match(code):
        return f"{int(code[:4]) + 1}Q3"
    return None


def newest_quarter(observations: Path) -> str | None:
    """The quarter in which the newest observation of ``observations`` (a CSV) ends."""
    import csv

    if not observations.is_file():
        return None
    newest: tuple[int, int] | None = None
    with observations.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            end = _end_quarter(row.get("period") or "")
            if end is not None:
                q = quarter_to_period(end)
                newest = q if newest is None or q > newest else newest
    return None if newest is None else f"{newest[0]}Q{newest[1]}"


def check_period(period: str, data_dir: Path, *, from_command_line: bool,
                 as_of: dt.date | None = None, today: dt.date | None = None) -> None:
    """Refuse a report period beyond the data, or one whose data are not all out yet.

    A period more than :data:`MAX_QUARTERS_AHEAD` quarters after the newest observation is
    refused, and so is an as-of date (default: :func:`techmonitor.asof.as_of_for`) after
    ``today``: what such a report would use could still change. A period within the limit
    is built, and each series says how old its newest value is (its freshness).

    Raises
    ------
    ParameterError
        Naming the period, where it came from, the newest observation and the latest period
        allowed.
    """
    where = "command line: --period" if from_command_line else "params: period"
    observations = Path(data_dir) / "observations.csv"
    newest = newest_quarter(observations)
    if newest is not None:
        latest = shift_quarter(newest, MAX_QUARTERS_AHEAD)
        if quarter_to_period(period) > quarter_to_period(latest):
            raise ParameterError(
                f"{where} {period!r} lies more than {MAX_QUARTERS_AHEAD} quarters after the "
                f"newest observation in {observations} ({newest}); choose {latest} or earlier, "
                "or update the data first (techmonitor data update)")
    day = as_of or asof.as_of_for(period)
    today = today or dt.date.today()
    if day > today:
        allowed = asof.default_period(Path(data_dir), today)
        raise ParameterError(
            f"{where} {period!r}: its data are taken as published up to {day.isoformat()}, a "
            f"date still to come (today is {today.isoformat()}); choose an earlier period"
            + (f" such as {allowed} (the newest the data support)" if allowed else "")
            + " or an earlier --as-of")


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
            earlier = run_folder(Path(out_root).resolve(), shift_quarter(p.period, -1),
                                 p.language)
            path = results_path(earlier, p.report_id)
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


def appendix_name(period: str, language: str = DEFAULT_LANGUAGE) -> str:
    """File name of the quarter's appendix in ``language``."""
    return f"bijlage-{period}.pdf" if language == DEFAULT_LANGUAGE else f"appendix-{period}.pdf"


def run_folder(out_root: Path, period: str, language: str) -> Path:
    """Folder of a run: ``<out_root>/<period>`` in Dutch, ``<out_root>/<period>/<language>``
    in another language, so a run in one language never touches the files of another."""
    folder = Path(out_root) / period
    return folder if language == DEFAULT_LANGUAGE else folder / language
