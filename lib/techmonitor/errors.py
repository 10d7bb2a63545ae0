"""One exception family for the whole toolkit.

The CLI turns any :class:`TechmonitorError` into one clear line (``--debug`` shows the traceback).
Messages name the file, the key/row and the offending value, and say how to fix it.
"""

from __future__ import annotations


class TechmonitorError(Exception):
    """Base class of every error the toolkit raises on purpose."""


class ParameterError(TechmonitorError):
    """A parameter file or parameter value is invalid."""


class DataValidationError(TechmonitorError):
    """Input data breaks the data contract.

    Parameters
    ----------
    message
        Summary line.
    problems
        Every individual problem found (each names file, row, column and value), so that
        callers can list all problems at once instead of stopping at the first.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems: list[str] = list(problems or [])

    def __str__(self) -> str:
        base = super().__str__()
        if not self.problems or self.problems == [base]:  # one problem: say it once
            return base
        return base + "\n" + "\n".join(f"  - {p}" for p in self.problems)


class ShareOutOfRangeError(DataValidationError):
    """A share series has values outside 0–100 (a net retention above 100% in a small
    province): the share model cannot fit it. ``points`` holds each ``(period, value)``
    outside the range, so a report can say which in its own words."""

    def __init__(self, message: str, problems: list[str],
                 points: tuple[tuple[str, float], ...]) -> None:
        super().__init__(message, problems)
        self.points = points


class ExecutionError(TechmonitorError):
    """A report notebook failed while executing.

    Parameters
    ----------
    report
        Report id, e.g. ``sector-energie``.
    cell
        Index of the failing code cell in the executed notebook (``None`` when unknown).
    exception
        Exception name and message as reported by the kernel.
    """

    def __init__(self, report: str, cell: int | None, exception: str) -> None:
        where = f"cell {cell}" if cell is not None else "unknown cell"
        super().__init__(f"report {report} failed in {where}: {exception}")
        self.report = report
        self.cell = cell
        self.exception = exception


class RenderError(TechmonitorError):
    """HTML or PDF rendering failed."""
