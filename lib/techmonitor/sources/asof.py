"""Publication dates of observations: the as-of catalogue in ``data/sources.yaml``.

Every source entry has a ``published`` rule, and may override it per vintage under
``published_vintages``. A rule is one of

``{date: 2022-04-08, why: ...}``
    An edition: every row of that source/vintage became public on that date (a page version,
    a press release). Where only the year is known the date is 31 December of that year (a
    later date never lets a report use a figure before it was out).
``{lag_days: 47, after: end, why: ...}`` or ``{lag_months: 6, after: start, why: ...}``
    A series published a fixed time after each period: ``after`` is ``start`` or ``end`` of
    the period (year: 1 January / 31 December; school year t/t+1: 1 September t / 31 August
    t+1; quarter: its first / last day). Months keep the day, and a month end stays a month
    end (30 June + 2 months = 31 August). The values in our copy are assumed to equal the first
    release (stated per source where that is not so).

An optional ``retrieved: 2026-02-20`` (when our copy of the file was made) is checked: no
observation may be published after its file was retrieved, which tests the assumed lags
against what the file actually held.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from techmonitor import yamlio
from techmonitor.errors import DataValidationError

PUBLISHED = "published"


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a contract period (``2019``, ``2019/20``, ``2023Q2``)."""
    if m := re.fullmatch(r"(\d{4})", period):
        y = int(m.group(1))
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    if m := re.fullmatch(r"(\d{4})/\d{2}", period):
        y = int(m.group(1))
        return dt.date(y, 9, 1), dt.date(y + 1, 8, 31)
    if m := re.fullmatch(r"(\d{4})Q([1-4])", period):
        y, q = int(m.group(1)), int(m.group(2))
        start = dt.date(y, 3 * q - 2, 1)
        end = (dt.date(y + 1, 1, 1) if q == 4 else dt.date(y, 3 * q + 1, 1)) - dt.timedelta(1)
        return start, end
    raise ValueError(f"{period!r} is not a contract period")


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months; a month end stays a month end, other days are clamped."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(1)).day
    end_of_month = (day + dt.timedelta(1)).month != day.month
    return dt.date(year, month, last if end_of_month else min(day.day, last))


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise DataValidationError(f"{where}: {value!r} is not a date (YYYY-MM-DD)",
                                  [f"{where}: {value!r} is not a date; write YYYY-MM-DD"]
                                  ) from exc


def rule_for(spec: Mapping[str, Any], source: str, vintage: str) -> dict[str, Any]:
    """The publication rule of one source/vintage (a vintage override wins).

    Raises
    ------
    DataValidationError
        When the source has no entry or no rule, or the rule is neither a date nor a lag.
    """
    where = f"data/sources.yaml: source {source}"
    entry = (spec.get("sources") or {}).get(source)
    if entry is None:
        raise DataValidationError(f"{where}: no entry", [f"{where}: no entry; add it"])
    rule = (entry.get("published_vintages") or {}).get(vintage) or entry.get(PUBLISHED)
    if not isinstance(rule, Mapping) or len({"date", "lag_days", "lag_months"} & set(rule)) != 1:
        msg = (f"{where} (vintage {vintage}): no publication rule; add published: {{date: "
               "YYYY-MM-DD, why: ...}}, {lag_days: N, after: end, why: ...} or {lag_months: N, ...}"
               " (exactly one of date, lag_days, lag_months)")
        raise DataValidationError(msg, [msg])
    if not str(rule.get("why", "")).strip():
        msg = f"{where} (vintage {vintage}): the publication rule must say why"
        raise DataValidationError(msg, [msg])
    return dict(rule)


def published_dates(obs: pd.DataFrame, spec: Mapping[str, Any]) -> pd.Series:
    """ISO publication date per observation row.

    Raises
    ------
    DataValidationError
        A source/vintage without a rule, or a date after the file's ``retrieved`` date (the
        assumed lag contradicts the file): every such combination named.
    """
    out = pd.Series("", index=obs.index, dtype=object)
    problems: list[str] = []
    for (source, vintage, period), idx in obs.groupby(
            ["source", "vintage", "period"], sort=False).groups.items():
        rule = rule_for(spec, str(source), str(vintage))
        where = f"data/sources.yaml: source {source} (vintage {vintage})"
        if "date" in rule:
            day = _date(rule["date"], where)
        else:
            start, end = period_bounds(str(period))
            anchor = start if rule.get("after", "end") == "start" else end
            day = (anchor + dt.timedelta(days=int(rule["lag_days"])) if "lag_days" in rule
                   else add_months(anchor, int(rule["lag_months"])))
        retrieved = (spec["sources"][source] or {}).get("retrieved")
        if retrieved is not None and day > _date(retrieved, where):
            problems.append(f"{where}: period {period} would be published {day}, after the file "
                            f"was retrieved ({retrieved}); shorten the lag or fix the date")
        out[idx] = day.isoformat()
    if problems:
        raise DataValidationError(f"{len(problems)} publication dates contradict the files",
                                  problems)
    return out


def load_spec(data_dir: Path) -> dict[str, Any]:
    """``data/sources.yaml`` as a mapping."""
    return yamlio.load_file(Path(data_dir) / "sources.yaml") or {}
