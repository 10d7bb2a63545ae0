"""Suppression flags carried beside the tidy columns of ``observations.csv``.

Two optional columns follow the ten contract columns:

``suppressed``
    How many published cells behind the value were suppressed (DUO ``<5`` or NULL with
    ``is_onderdrukt``): they are left out of the sum, never counted as 0 or 4. ``0`` for
    every source without suppression.
``lower_bound``
    ``true`` when the value is a count resting on suppressed cells (the true total is at
    least this). Shares and ratios computed from such counts keep their ``suppressed`` count
    but are not bounds either way, so they are never flagged ``lower_bound``.
"""

from __future__ import annotations

import pandas as pd

from techmonitor.sources import TIDY_COLUMNS, tidy

FLAG_COLUMNS: list[str] = ["suppressed", "lower_bound"]


def finish(df: pd.DataFrame, *, count: bool) -> pd.DataFrame:
    """Tidy ``df`` and add the flag columns from its ``suppressed`` column.

    Parameters
    ----------
    df
        Tidy columns plus ``suppressed`` (number of suppressed cells per row).
    count
        True for sums (``lower_bound`` = any suppressed cell), False for ratios.
    """
    supp = df["suppressed"].astype(int).to_numpy() if len(df) else []
    out = tidy(df[TIDY_COLUMNS]) if len(df) else tidy([])
    out["suppressed"] = pd.Series(supp, dtype=int, index=out.index)
    out["lower_bound"] = (out["suppressed"] > 0) & count
    return out

