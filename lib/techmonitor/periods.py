"""Period codes of the data contract: ``2019`` (calendar year), ``2019/20`` (school year),
``2023Q2`` (quarter).

Trend models need real time, not row numbers, so every code maps to a decimal year at the
middle of the period it covers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

# \Z, not $: "$" also matches before a final newline ("2023Q3\n" would pass); ASCII digits only
YEAR_RE = re.compile(r"^(\d{4})\Z", re.ASCII)
SCHOOL_YEAR_RE = re.compile(r"^(\d{4})/(\d{2})\Z", re.ASCII)
QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])\Z", re.ASCII)


def period_kind(code: str) -> str:
    """Return ``"year"``, ``"school_year"`` or ``"quarter"`` for a period code.

    Raises
    ------
    ValueError
        If ``code`` is not a valid period code.
    """
    if YEAR_RE.match(code):
        return "year"
    m = SCHOOL_YEAR_RE.match(code)
    if m:
        start, end = int(m.group(1)), int(m.group(2))
        if (start + 1) % 100 != end:
            raise ValueError(
                f"period {code!r}: a school year must be two consecutive years, "
                f"e.g. {start}/{(start + 1) % 100:02d}"
            )
        return "school_year"
    if QUARTER_RE.match(code):
        return "quarter"
    raise ValueError(
        f"period {code!r} is not a period code; use 2019 (year), 2019/20 (school year) "
        "or 2023Q2 (quarter)"
    )


def is_valid(code: str) -> bool:
    """True when ``code`` is a valid period code."""
    try:
        period_kind(code)
    except ValueError:
        return False
    return True


def to_decimal_year(code: str) -> float:
    """Middle of the period as a decimal year.

    ``2019`` → 2019.5; ``2019/20`` (1 Aug 2019 – 31 Jul 2020) → 2020.0 (roughly its middle);
    ``2023Q2`` → 2023.375.
    """
    kind = period_kind(code)
    if kind == "year":
        return int(code) + 0.5
    if kind == "school_year":
        return int(code[:4]) + 1.0
    year, q = int(code[:4]), int(code[5])
    return year + (q - 1) / 4 + 0.125


def to_decimal_years(codes: Iterable[str]) -> np.ndarray:
    """Vectorised :func:`to_decimal_year`."""
    return np.array([to_decimal_year(c) for c in codes], dtype=float)


def quarter_to_period(code: str) -> tuple[int, int]:
    """Split ``2023Q2`` into ``(2023, 2)``."""
    m = QUARTER_RE.match(code)
    if not m:
        raise ValueError(f"period {code!r} is not a quarter such as 2023Q2")
    return int(m.group(1)), int(m.group(2))


def shift_quarter(code: str, quarters: int) -> str:
    """``shift_quarter("2023Q1", -1) == "2022Q4"``."""
    year, q = quarter_to_period(code)
    idx = year * 4 + (q - 1) + quarters
    return f"{idx // 4}Q{idx % 4 + 1}"


def year_before(code: str) -> str:
    """The same period one year earlier: the one rule for "a year earlier".

    ``2023Q3`` → ``2022Q3`` (the same quarter), ``2023`` → ``2022``, ``2023/24`` → ``2022/23``.
    The change column (:func:`techmonitor.report.bases.year_earlier`) and the year-on-year
    change of a quarterly trend (:func:`techmonitor.trends.year_on_year`) both use it.

    Raises
    ------
    ValueError
        If ``code`` is not a valid period code.
    """
    kind = period_kind(code)
    year = int(code[:4])
    if kind == "year":
        return str(year - 1)
    if kind == "school_year":
        return f"{year - 1}/{year % 100:02d}"
    return shift_quarter(code, -4)


def sort_key(code: str) -> float:
    """Sort key that orders mixed period codes in time."""
    return to_decimal_year(code)
