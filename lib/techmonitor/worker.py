"""What one worker does with one report: execute in a kept-alive kernel, render HTML and PDF.

The same :class:`Worker` runs inside the local worker processes, inside Dask workers and
in-process (``--workers 0``). It never writes final output files: it returns the executed
notebook, the HTML and the PDF in a :class:`TaskResult`, and the batch writes them atomically.
That keeps all writes (and the manifest) in one place and lets Dask workers on other machines
return their results without a shared output folder.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from techmonitor import fmt
from techmonitor.config import ReportParams
from techmonitor.errors import ExecutionError, TechmonitorError
from techmonitor.messages import msg
from techmonitor.paramfiles import Job
from techmonitor.report.document import DOCUMENT_MIMETYPE
from techmonitor.titles import report_title

FORMATS = ("html", "pdf")



@dataclass(frozen=True)
class WorkerSettings:
    """How workers run reports (the same for every report of a batch).

    Parameters
    ----------
    project
        Project folder (absolute); kernels run with it as working directory.
    formats
        Outputs to render: ``html`` and/or ``pdf``.
    warm_imports
        Modules every kernel imports before its first report.
    warm_code
        Extra warm-up code (e.g. loading the observations once per kernel).
    restart_every
        Restart a kernel after this many reports.
    timeout
        Seconds one cell may take.
    """

    project: Path
    formats: tuple[str, ...] = FORMATS
    warm_imports: tuple[str, ...] = ("techmonitor.report.core",)
    warm_code: str = ""
    restart_every: int = 50
    timeout: int = 600


@dataclass
class Task:
    """One report to produce: its position in the batch, the job and its cache key."""

    index: int
    job: Job
    key: str
    queued_at: float = field(default_factory=time.time)


@dataclass
class TaskResult:
    """Everything a worker produced for one report (files as content, not yet written)."""

    index: int
    report: str
    key: str
    status: str  # ok | failed
    title: str
    notebook: bytes | None = None
    html: str | None = None
    pdf: bytes | None = None
    summary: dict[str, Any] | None = None
    results: dict[str, Any] | None = None
    error: str | None = None
    cell: int | None = None
    cell_source: str | None = None
    stage: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    worker: dict[str, Any] = field(default_factory=dict)


def default_warm_code(project: Path) -> str:
    """Warm-up that loads the observations into the kernel's one in-process cache."""
    return ("from techmonitor.report import store as _s\n"
            f"_s.load_obs(__import__('pathlib').Path({str(project / 'data')!r}))\n"
            "del _s\n")


def pdf_meta(params: ReportParams, title: str) -> Any:
    """Document metadata of one report's PDF."""
    from techmonitor.render.typst import PdfMeta

    return PdfMeta(
        title=title,
        language=params.language,
        author=params.display_organisation(),
        subject=msg("pdf.subject", params.language, name=params.display_name(),
                    when=fmt.quarter(params.period, params.language)),
        keywords=("Techniek Monitor", "Masterplan Bèta en Technologie", params.kind,
                  params.display_name(), params.period),
        period=params.period,
        appendix_line=params.display_appendix_line(),
    )


def appendix_meta(params: ReportParams) -> Any:
    """Document metadata of the appendix, from the first (national) report's parameters."""
    from techmonitor.render.typst import PdfMeta

    lang = params.language
    return PdfMeta(
        title=msg("pdf.appendix_title", lang, when=fmt.quarter(params.period, lang)),
        language=lang,
        author=params.display_organisation(),
        subject=msg("pdf.subject", lang, name=msg("pdf.appendix", lang),
                    when=fmt.quarter(params.period, lang)),
        keywords=("Techniek Monitor", "Masterplan Bèta en Technologie", params.period),
        period=params.period,
        appendix_line=params.display_appendix_line(),
    )


def documents_of(nb: Any) -> list[dict[str, Any]]:
    """The report's document nodes, in reading order, from the executed notebook's outputs."""
    out = []
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            data = output.get("data") or {}
            node = data.get(DOCUMENT_MIMETYPE)
            if isinstance(node, dict):
                out.append(dict(node))
    return out


class Worker:
    """Runs reports one after the other in one kept-alive kernel.

    Parameters
    ----------
    settings
        The batch's worker settings.
    name
        Worker name for the manifest (``host:pid``).
    """

    def __init__(self, settings: WorkerSettings, name: str | None = None, *,
                 scratch: Path | None = None,
                 on_kernel_start: Callable[[int | None], None] | None = None) -> None:
        from techmonitor.kernel import KernelSession

        self.settings = settings
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.tmp = Path(tempfile.mkdtemp(prefix="techmonitor-worker-", dir=scratch))
        self.session = KernelSession(
            settings.project, warm_imports=settings.warm_imports,
            warm_code=settings.warm_code, restart_every=settings.restart_every,
            on_start=on_kernel_start, stage_file=self.tmp / "kernel-stage")
        self.started = False
        self._on_stage: Callable[[str], None] | None = None

    @property
    def kernel_pid(self) -> int | None:
        return self.session.pid

    def start(self) -> float:
        """Start and warm the kernel while this process imports the renderers.

        Done lazily by the first :meth:`process` too. Returns the seconds it took.
        """
        t0 = time.perf_counter()
        if not self.started:
            self.session.prepare(restart=True)  # kernel start + warm-up, in a thread
            import techmonitor.execute  # noqa: F401 - imports papermill
            import techmonitor.render.html  # noqa: F401 - imports nbconvert

            if "pdf" in self.settings.formats:
                import techmonitor.render.typst  # noqa: F401 - loads the Typst compiler
            self.session.wait()
            self.started = True
        return round(time.perf_counter() - t0, 3)

    def close(self) -> None:
        """Stop the kernel and remove the scratch folder."""
        self.session.shutdown()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def process(self, task: Task,
                on_start: Callable[[int | None], None] | None = None,
                on_stage: Callable[[str], None] | None = None) -> TaskResult:
        """Execute and render one report; never raises for a report failure.

        ``on_start`` is called with the kernel's process id when execution starts,
        ``on_stage`` with each stage (``execute``, ``html``, ``pdf``) as it begins, so that
        a supervisor can name the stage of a worker process that dies.
        """
        from techmonitor.execute import CellExecutionFailed, execute_report

        t0 = time.time()
        job = task.job
        p = job.params
        result = TaskResult(index=task.index, report=job.report_id, key=task.key,
                            status="ok", title="")
        timings = result.timings
        timings["queue"] = round(max(0.0, t0 - task.queued_at), 3)
        if not self.started:
            timings["kernel_start"] = self.start()
        else:
            timings["kernel_wait"] = self.session.wait()
        if on_start is not None:
            on_start(self.session.pid)
        result.worker = {"name": self.name, "kernel_pid": self.session.pid,
                         "kernel_generation": self.session.generation,
                         "kernel_report": self.session.reports_run + 1}
        nb_path = self.tmp / f"{job.report_id}.ipynb"
        nb_path.unlink(missing_ok=True)
        t1 = time.perf_counter()
        nb = None
        self._on_stage = on_stage
        self._stage("execute")
        try:
            nb = execute_report(job, nb_path, self.settings.project,
                                session=self.session, timeout=self.settings.timeout)
        except ExecutionError as exc:
            result.status, result.error, result.cell = "failed", str(exc), exc.cell
            result.stage = "execute"
            if isinstance(exc, CellExecutionFailed):
                result.cell_source = exc.source
        timings["execute"] = round(time.perf_counter() - t1, 3)
        # reset (or restart after a failure) runs in the kernel while we render here
        # (a kernel that ran author code is restarted whatever the outcome: KernelSession)
        self.session.prepare(restart=result.status != "ok")
        if nb_path.exists():
            result.notebook = nb_path.read_bytes()
            nb_path.unlink()
        result.title = report_title(p, self.settings.project / "data")
        if nb is not None:
            self._render(nb, p, result)
        timings["total"] = round(time.time() - t0, 3)
        return result

    def _stage(self, stage: str) -> None:
        if self._on_stage is not None:
            self._on_stage(stage)

    def _render(self, nb: Any, p: ReportParams, result: TaskResult) -> None:
        from techmonitor.render.html import notebook_to_html
        from techmonitor.render.index import summary_from_notebook
        from techmonitor.report.results import results_from_notebook

        t = time.perf_counter()
        try:
            result.summary = summary_from_notebook(nb)
            result.results = results_from_notebook(nb)
            if "html" in self.settings.formats:  # the PDF is typeset from the documents
                self._stage("html")
                result.stage = "html"
                result.html = notebook_to_html(nb, title=result.title, language=p.language,
                                               kind=p.kind)
                result.timings["html"] = round(time.perf_counter() - t, 3)
            if "pdf" in self.settings.formats:
                self._stage("pdf")
                result.stage = "pdf"
                t = time.perf_counter()
                from techmonitor.render.typst import render_report_pdf

                result.pdf = render_report_pdf(documents_of(nb), pdf_meta(p, result.title))
                result.timings["pdf"] = round(time.perf_counter() - t, 3)
            result.stage = None
        except TechmonitorError as exc:
            result.status, result.error = "failed", f"report {result.report}: {exc}"
        except Exception as exc:  # noqa: BLE001 - a renderer bug fails this report only
            result.status = "failed"
            result.error = f"report {result.report}: {result.stage} rendering failed: " \
                           f"{type(exc).__name__}: {exc}"
