"""Numbers no finer than the data they come from.

A figure derived from published levels (a growth per year, a trend slope, an adjusted value)
is shown rounded to the step the levels are published in: levels in thousands give a growth
in thousands, CBS vacancies in hundreds give hundreds. :func:`data_step` finds that step,
:func:`round_to` rounds to it. The exact value belongs in the results file, beside the
rounded one the report prints.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

#: the coarsest step a published level is taken to be rounded to (sources publish at most
#: in thousands; a few levels that happen to be round millions are still thousands)
MAX_STEP = 1000.0


def data_step(values: Iterable[float], max_step: float = MAX_STEP) -> float:
    """The step the values are given in: the largest power of ten (at most ``max_step``)
    that divides every value (1 for exact counts, 1000 for levels in thousands).

    Parameters
    ----------
    values
        Published counts: levels or changes (at least one). A value that is no whole
        number gives step 1; shares are not rounded this way.
    max_step
        The coarsest step considered.
    """
    vals = [float(v) for v in values]
    step = 1.0
    while step * 10 <= max_step and vals and all(
            abs(v / (step * 10) - round(v / (step * 10))) < 1e-9 for v in vals):
        step *= 10
    return step


def round_to(x: float, step: float) -> float:
    """``x`` rounded to a multiple of ``step`` (halves away from zero, as people round)."""
    q = abs(x) / step
    return math.copysign(math.floor(q + 0.5) * step, x)
