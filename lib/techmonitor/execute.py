"""Run one report template with papermill and turn failures into :class:`ExecutionError`."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from techmonitor.errors import ExecutionError
from techmonitor.paramfiles import Job

if TYPE_CHECKING:
    import nbformat

    from techmonitor.kernel import KernelSession

KERNEL_NAME = "python3"


class CellExecutionFailed(ExecutionError):
    """A report failed in a known cell; also carries the first line of that cell's source.

    Parameters
    ----------
    report, cell, exception
        As :class:`~techmonitor.errors.ExecutionError`.
    source
        First line of the failing cell's source (to name the cell in summaries).
    """

    def __init__(self, report: str, cell: int | None, exception: str, source: str = "") -> None:
        super().__init__(report, cell, exception)
        self.source = source


class KernelLostError(ExecutionError):
    """The kernel died or stopped answering while the report ran; names the stage.

    Parameters
    ----------
    report
        Report id.
    cell
        Index of the running cell, if known.
    reason
        ``died`` or ``timeout``.
    stage
        What the report was doing (e.g. ``the own analysis``).
    timeout
        The cell timeout (named in the message of a ``timeout``).
    """

    def __init__(self, report: str, cell: int | None, reason: str, stage: str,
                 timeout: int) -> None:
        what = "kernel died" if reason == "died" else \
            f"kernel did not answer within {timeout} s (--timeout)"
        super().__init__(report, cell, f"{what} during {stage}")
        self.reason, self.stage = reason, stage


def stage_of(source: str, marked: str = "") -> str:
    """The report stage in words: the one the kernel marked (``the own analysis``), else the
    running cell's first line."""
    if marked:
        return marked
    line = first_line(source)
    return f"`{line}`" if line else "the start of the report"


def kernel_parameters(job: Job, project: Path) -> dict[str, Any]:
    """Parameters injected into the template: the resolved params, project as absolute path."""
    values = job.params.model_dump(mode="json")
    values["project_dir"] = str(project.resolve())
    return values


def first_line(source: str) -> str:
    """First non-empty, non-comment line of a cell's source, shortened for one-line messages."""
    for line in source.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            return line if len(line) <= 60 else line[:57] + "..."
    return ""


def execute_report(
    job: Job,
    output_path: Path,
    project: Path,
    *,
    km: Any | None = None,
    session: KernelSession | None = None,
    timeout: int = 600,
) -> nbformat.NotebookNode:
    """Execute ``job.template`` with its parameters and keep the executed notebook.

    Parameters
    ----------
    job
        The report to run.
    output_path
        Where papermill writes the executed notebook (kept also on failure, with the error).
    project
        Project root; the kernel runs with it as working directory.
    km
        An existing kernel manager to reuse (kept alive by the caller), or None.
    session
        A kept-alive :class:`~techmonitor.kernel.KernelSession` (takes precedence over ``km``);
        the caller resets it before the next report.
    timeout
        Seconds a single cell may take.

    Raises
    ------
    ExecutionError
        Naming the report, the failing cell and the exception (a :class:`CellExecutionFailed`
        when the failing cell is known).
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from techmonitor.engine import KernelLost

    output_path.parent.mkdir(parents=True, exist_ok=True)
    logging.getLogger("papermill").setLevel(logging.WARNING)
    parameters = kernel_parameters(job, project)
    try:
        if session is not None:
            nb = session.execute(job.template, output_path, parameters, timeout=timeout,
                                 author_code=job.params.analysis_file(project) is not None)
        else:
            nb = pm.execute_notebook(
                str(job.template),
                str(output_path),
                parameters=parameters,
                kernel_name=KERNEL_NAME,
                cwd=str(project),
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                execution_timeout=timeout,
                km=km,
            )
    except PapermillExecutionError as exc:
        raise CellExecutionFailed(job.report_id, exc.cell_index, f"{exc.ename}: {exc.evalue}",
                                  first_line(exc.source or "")) from None
    except KernelLost as exc:
        raise KernelLostError(job.report_id, exc.cell, exc.reason,
                              stage_of(exc.source, exc.stage), timeout) from None
    except Exception as exc:  # kernel died, timeout, template unreadable …
        raise ExecutionError(job.report_id, None, f"{type(exc).__name__}: {exc}") from exc
    return nb
