"""An author's analysis file (params ``analysis``): checked, loaded, run, its errors placed.

The file is a Python module with a function ``sections(report)`` that returns the report's
own sections (``report.section(...)``). It is loaded afresh on every report run, as a real
module (registered in :data:`sys.modules` while it runs, so dataclasses and pickling work),
so an edit takes effect in a warm kernel. Its content hash is in the report's cache key
(:func:`techmonitor.cache.analysis_hash`); modules it imports are not tracked, so keep it
self-contained.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from techmonitor.config import ReportParams
from techmonitor.errors import ParameterError, TechmonitorError
from techmonitor.report import document as doc
from techmonitor.report.document import slug_of


class Report(Protocol):
    """What this module needs of the :class:`~techmonitor.report.core.Report` it runs the
    file for (a protocol, so the report layer has no import cycle)."""

    params: ReportParams


class AnalysisError(TechmonitorError):
    """An author's analysis file failed; the message names the file and line."""


def check_analysis_file(path: Path, where: str) -> list[str]:
    """Problems with an analysis file: missing, not Python, a syntax error, no sections().

    Parameters
    ----------
    path
        The file.
    where
        What to name for the params key (the params file, or the report's params).

    Returns
    -------
    list of str
        One line per problem, naming the file (and line) and how to fix it.
    """
    if path.suffix != ".py":
        return [f"{where}: key 'analysis' = {str(path)!r}: give a Python file (.py) with a "
                "function sections(report)"]
    if not path.is_file():
        return [f"{where}: key 'analysis' = {str(path)!r}: no such file; create it (`techmonitor "
                "new KIND SLUG --analysis` writes a starter) or remove the key"]
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except SyntaxError as exc:
        return [f"{path} line {exc.lineno}: SyntaxError: {exc.msg}; fix the analysis file"]
    except UnicodeDecodeError:
        return [f"{path}: not UTF-8 text; save the analysis file as UTF-8"]
    if not any(isinstance(n, ast.FunctionDef) and n.name == "sections" for n in tree.body):
        return [f"{path}: defines no function sections(report); add one that returns the "
                "report's own sections"]
    return []


def run_analysis(report: Report, path: Path) -> list[doc.Section]:
    """Load ``path`` and call its ``sections(report)``: the author's own sections.

    Raises
    ------
    AnalysisError
        Naming the file and the line where it failed and the error.
    """
    problems = check_analysis_file(path, f"params of {report.params.report_id}")
    if problems:
        raise AnalysisError(problems[0])
    name = f"techmonitor_analysis_{slug_of(path.stem).replace('-', '_')}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise AnalysisError(f"{path}: cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
        made = module.sections(report)
        out = list(made) if isinstance(made, Iterable) else [made]
        for i, sec in enumerate(out):
            if not isinstance(sec, doc.Section):
                raise ParameterError(f"sections() returned a {type(sec).__name__} at "
                                     f"position {i}; return report.section(...) results")
    # the author's code may raise anything: every error is expected here, and becomes a
    # failure note where the sections would stand and a warning in the batch summary
    except Exception as exc:  # noqa: BLE001
        raise AnalysisError(_where(exc, path)) from exc
    finally:
        sys.modules.pop(name, None)
    return out


def _where(exc: BaseException, path: Path) -> str:
    """``analyses/energie.py line 12: KeyError: 'x'`` from the deepest frame in ``path``."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if Path(frame.filename) == path:
            line = frame.lineno
    text = str(exc) if isinstance(exc, TechmonitorError) else f"{type(exc).__name__}: {exc}"
    return f"{path}{f' line {line}' if line else ''}: {text}"
