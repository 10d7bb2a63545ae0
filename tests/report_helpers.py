"""Build report HTML without a kernel: the section outputs put into a notebook and rendered
by the real nbconvert template (what the batch does after papermill)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output
from techmonitor.paramfiles import resolve
from techmonitor.render.html import notebook_to_html
from techmonitor.report import Report, report_title

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ("title_block", "key_messages", "changes", "goal1", "goal2", "goal3", "goal4",
            "labour_market", "regional", "measures", "national_overview", "method",
            "provenance")


def make_report(params_file: str, **overrides: Any) -> Report:
    """A Report for ``params/<params_file>`` on the bundled data, with overrides.

    The period is 2023Q3 unless given (the tests were written against it); the bundled
    params/base.yaml says ``period: latest``.
    """
    job = resolve(ROOT / "params" / "base.yaml", ROOT / "params" / params_file,
                  overrides={"project_dir": str(ROOT), "period": "2023Q3", **overrides})
    return Report(job.params)


def shared_report(params_file: str, **overrides: Any) -> Report:
    """:func:`make_report`, built once per test process and handed to every test that asks.

    Building a report costs seconds (the national report about twenty); many tests only read
    one. Only for such tests: a test that changes the report's frames, monkeypatches the
    analysis or counts fits makes its own with :func:`make_report`.
    """
    return _shared_report(params_file, tuple(sorted(overrides.items())))


@cache
def _shared_report(params_file: str, overrides: tuple[tuple[str, Any], ...]) -> Report:
    return make_report(params_file, **dict(overrides))


def shared_html(params_file: str, **overrides: Any) -> str:
    """:func:`render` of :func:`shared_report`, rendered once per test process (a string:
    each test parses its own copy)."""
    return _shared_html(params_file, tuple(sorted(overrides.items())))


@cache
def _shared_html(params_file: str, overrides: tuple[tuple[str, Any], ...]) -> str:
    return render(_shared_report(params_file, overrides))


def shared_documents(params_file: str, **overrides: Any) -> list[dict[str, Any]]:
    """The node dicts the worker prints (:func:`notebook` of :func:`shared_report`), made once
    per test process; only to be read."""
    return _shared_documents(params_file, tuple(sorted(overrides.items())))


@cache
def _shared_documents(params_file: str,
                      overrides: tuple[tuple[str, Any], ...]) -> list[dict[str, Any]]:
    from techmonitor.worker import documents_of

    return documents_of(notebook(_shared_report(params_file, overrides)))


def shared_pdf(params_file: str, **overrides: Any) -> bytes:
    """The report's PDF as the worker prints it (:func:`render_pdf` of
    :func:`shared_report`), typeset once per test process."""
    return _shared_pdf(params_file, tuple(sorted(overrides.items())))


@cache
def _shared_pdf(params_file: str, overrides: tuple[tuple[str, Any], ...]) -> bytes:
    from techmonitor.render.typst import render_report_pdf
    from techmonitor.worker import pdf_meta

    p = _shared_report(params_file, overrides).params
    return render_report_pdf(_shared_documents(params_file, overrides),
                             pdf_meta(p, report_title(p)))


def section_outputs(report: Report) -> list[Any]:
    """Every section object of the report, in template order."""
    out = []
    for name in SECTIONS:
        if name == "national_overview" and report.params.kind != "national":
            continue
        made = report.goal(int(name[-1])) if name.startswith("goal") \
            else getattr(report, name)()
        if made is not None:  # a section another kind of report does not have (regional)
            out.append(made)
    out.append(report.summary())
    return out


def notebook(report: Report) -> nbformat.NotebookNode:
    """The report as an executed notebook would hold it: one display output per section."""
    cells = []
    for obj in section_outputs(report):
        bundle = (obj._repr_mimebundle_() if hasattr(obj, "_repr_mimebundle_")
                  else {"text/html": obj._repr_html_()})
        cell = new_code_cell("report.section()")
        cell.outputs = [new_output("display_data", data=bundle)]
        cells.append(cell)
    nb = new_notebook(cells=cells)
    nbformat.validate(nb)
    return nb


def render(report: Report) -> str:
    """Standalone HTML page of the report, via the nbconvert template."""
    p = report.params
    return notebook_to_html(notebook(report), title=report_title(p), language=p.language,
                            kind=p.kind)


def render_pdf(report: Report) -> bytes:
    """The report's PDF as the worker prints it: the notebook's documents through Typst."""
    from techmonitor.render.typst import render_report_pdf
    from techmonitor.worker import documents_of, pdf_meta

    p = report.params
    return render_report_pdf(documents_of(notebook(report)), pdf_meta(p, report_title(p)))
