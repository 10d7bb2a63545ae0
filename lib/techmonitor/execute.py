"""Run one report template with papermill and turn failures into :class:`ExecutionError`."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import nbformat
import papermill as pm
from papermill.exceptions import PapermillExecutionError

from techmonitor.config import Job
from techmonitor.errors import ExecutionError

KERNEL_NAME = "python3"


def kernel_parameters(job: Job, project: Path) -> dict[str, Any]:
    """Parameters injected into the template: the resolved params, project as absolute path."""
    values = job.params.model_dump(mode="json")
    values["project_dir"] = str(project.resolve())
    return values


def failing_cell(nb: nbformat.NotebookNode) -> tuple[int | None, str]:
    """Index (among all cells) and ``Name: message`` of the first error output, if any."""
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return index, f"{output.get('ename')}: {output.get('evalue')}"
    return None, "unknown error"


def execute_report(
    job: Job,
    output_path: Path,
    project: Path,
    *,
    km: Any | None = None,
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
        An existing kernel manager to reuse (kept alive by the caller), or None for a fresh
        kernel.
    timeout
        Seconds a single cell may take.

    Raises
    ------
    ExecutionError
        Naming the report, the failing cell and the exception.
    """
    output_path.parent.mkdir(parents=True, exist_ok=True)
    logging.getLogger("papermill").setLevel(logging.WARNING)
    try:
        nb = pm.execute_notebook(
            str(job.template),
            str(output_path),
            parameters=kernel_parameters(job, project),
            kernel_name=KERNEL_NAME,
            cwd=str(project),
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            execution_timeout=timeout,
            km=km,
        )
    except PapermillExecutionError as exc:
        cell = exc.cell_index if exc.cell_index is not None else None
        raise ExecutionError(job.report_id, cell, f"{exc.ename}: {exc.evalue}") from None
    except Exception as exc:  # kernel died, template unreadable …
        raise ExecutionError(job.report_id, None, f"{type(exc).__name__}: {exc}") from exc
    return nb
