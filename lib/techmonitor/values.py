"""What a number in the inputs may be: finite, plainly written, within a stated range.

One rule for every data file and params file, so that a value which passes ``validate`` never
fails a report later:

* a number in a CSV cell is written ``123``, ``-4.5`` or ``1.2e3`` (:func:`parse_number`):
  no ``nan``/``inf``/``Infinity`` in any spelling, no ``1_000`` (Python would read 1000), no
  thousands separators;
* its size is at most :data:`VALUE_LIMIT` (the largest figure the programme reports is a budget
  in euros, well below it; ``1e308`` is a typo or an attack);
* a target (:func:`target_problems`): a count target is positive, a share within 0-100, and its
  period lies at most :data:`TARGET_HORIZON_YEARS` years after the newest observation.
"""

from __future__ import annotations

import math
import re

from techmonitor import periods

#: largest absolute value any input number may have
VALUE_LIMIT = 1e12
#: how many years after the newest observation a target period may lie
TARGET_HORIZON_YEARS = 15
#: the years a period code may name at all (before any data are read)
FIRST_YEAR, LAST_YEAR = 1900, 2100

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def parse_number(text: str) -> float:
    """The number a data cell holds.

    Parameters
    ----------
    text
        The cell, stripped of surrounding spaces by the caller or not.

    Returns
    -------
    float
        The value, finite and within :data:`VALUE_LIMIT`.

    Raises
    ------
    ValueError
        With the reason in words (not a number, not finite, too large).
    """
    cell = text.strip()
    if not _NUMBER.fullmatch(cell):
        if cell.lower().lstrip("+-") in {"nan", "inf", "infinity"}:
            raise ValueError("is not a finite number; write the published figure, or drop the "
                             "row when there is none")
        raise ValueError("is not a number; write digits with a decimal point, no thousands "
                         "separator or underscore")
    value = float(cell)
    range_problem = out_of_range(value)
    if range_problem:
        raise ValueError(range_problem)
    return value


def out_of_range(value: float) -> str:
    """Why ``value`` is not a usable input number (not finite, too large), or ``""``."""
    if not math.isfinite(value):
        return "is not a finite number"
    if abs(value) > VALUE_LIMIT:
        return f"is larger than {VALUE_LIMIT:.0e}, the limit for any input number"
    return ""


def period_problem(code: str) -> str:
    """Why ``code`` is not a usable period (malformed, or a year outside 1900-2100), or ``""``."""
    try:
        periods.period_kind(code)
    except ValueError as exc:
        return str(exc)
    year = int(code[:4])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return f"period {code!r} lies outside {FIRST_YEAR}-{LAST_YEAR}"
    return ""


def target_problems(at: str, kind: str, target_value: float | None, target_period: str,
                    newest_period: str | None) -> list[str]:
    """Whether a target can be meant: its value fits the indicator, its period the data.

    Parameters
    ----------
    at
        Where the target is written (``<file>: targets[0]``), named in every line.
    kind
        The indicator's kind: ``count`` or ``share``.
    target_value
        The target (``None`` for a relative target: its value follows from the data).
    target_period
        The period the target is for.
    newest_period
        The newest period with data for the target's series (``None``: no horizon check).

    Returns
    -------
    list of str
        One line per broken rule; empty when the target holds.
    """
    problems = []
    if target_value is not None:
        if kind == "count" and not target_value > 0:
            problems.append(f"{at}: target_value = {target_value:g}: the indicator is a count, "
                            "so a target is a positive number of people or places")
        if kind == "share" and not 0 <= target_value <= 100:
            problems.append(f"{at}: target_value = {target_value:g}: the indicator is a share, "
                            "so a target lies within 0-100 (write 25 for 25%)")
    if newest_period is not None and not period_problem(target_period):
        last = periods.to_decimal_year(newest_period) + TARGET_HORIZON_YEARS
        if periods.to_decimal_year(target_period) > last:
            problems.append(f"{at}: target_period = {target_period!r} lies more than "
                            f"{TARGET_HORIZON_YEARS} years after the newest data "
                            f"({newest_period}); a trend cannot be projected that far: pick "
                            "an earlier period")
    return problems
