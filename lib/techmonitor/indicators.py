"""Indicator catalogue (``data/indicators.yaml``) and derived series for reports.

Aggregation rules (DESIGN.md):

* counts (``aggregation: sum``) add up: a top sector's vacancies are the sum of the SBI codes
  that ``data/sectors.yaml`` lists for that sector *and* that CBS table (vintage);
* shares (``aggregation: share``) are recomputed as ``100 * numerator / denominator`` after
  aggregation, never averaged; numerator and denominator must come from the same vintage;
* published shares/points (``aggregation: none``) are shown as published.

Vintages keep definitions apart: when a series exists in several vintages, the first one in
the catalogue's ``vintages`` order is used unless a vintage is asked for explicitly.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError, field_validator

from techmonitor import periods, yamlio
from techmonitor.errors import DataValidationError
from techmonitor.messages import Number
from techmonitor.reference import SectorsRef, StrictModel, read_source_keys

SERIES_COLUMNS = ["period", "value", "status", "vintage", "source"]
#: carried beside them where the observations have it: when a value became public (ISO
#: date), so a report can tell what was known at an earlier date (the track record)
PUBLISHED = "published"


_STATUS_RANK = {"definitive": 0, "provisional": 1, "illustrative": 2}


class Vintage(StrictModel):
    """One definition/publication of an indicator; ``label_nl``/``label_en`` name it for
    readers (captions, the sources table), never its code."""

    label_nl: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    sources: list[str]
    note: str | None = None


class Ratio(StrictModel):
    """Numerator or denominator of a share; fields override the requested series."""

    indicator: str
    sex: str | None = None
    level: str | None = None


class Indicator(StrictModel):
    """One catalogue entry."""

    code: str
    name_nl: str
    name_en: str
    #: grammatical number of ``name_nl`` / ``name_en``: a sentence with the name as subject
    #: takes its verb form from it ("steeg" or "stegen")
    number_nl: Number
    number_en: Number
    definition_nl: str
    definition_en: str
    unit: str
    frequency: Literal["year", "school_year", "quarter", "irregular"]
    direction: Literal["up", "down", "none"]
    goal: int | None = Field(default=None, ge=1, le=4)
    aggregation: Literal["sum", "share", "none"]
    kind: Literal["count", "share"]
    numerator: Ratio | None = None
    denominator: Ratio | None = None
    sources: list[str] = Field(default_factory=list)
    vintages: dict[str, Vintage] = Field(default_factory=dict)
    levels: list[str] = Field(default_factory=list)
    note: str | None = None
    #: the table is fetched by ``techmonitor data update`` (not in the raw files): no
    #: observations yet is not a problem, reports say what is missing instead
    fetched_by_update: bool = False

    @field_validator("numerator", "denominator", mode="before")
    @classmethod
    def _ratio(cls, v: object) -> object:
        return {"indicator": v} if isinstance(v, str) else v

    def number(self, lang: str) -> Number:
        """Grammatical number of the indicator's name in ``lang`` (``"nl"`` or ``"en"``)."""
        return self.number_en if lang == "en" else self.number_nl

    @property
    def derived(self) -> bool:
        """True for shares computed from a numerator and a denominator."""
        return self.numerator is not None and self.denominator is not None


def load_catalogue(data_dir: Path) -> dict[str, Indicator]:
    """Load and validate ``data/indicators.yaml``.

    Returns
    -------
    dict
        Indicator code → :class:`Indicator`, in file order.

    Raises
    ------
    DataValidationError
        Every schema problem (file, indicator, key, value) plus broken numerator/denominator
        references.
    """
    path = Path(data_dir) / "indicators.yaml"
    raw = yamlio.load_file(path) or {}
    entries = raw.get("indicators") if isinstance(raw, dict) else None
    if not isinstance(entries, dict):
        msg = f"{path}: needs a mapping 'indicators:' of code: definition"
        raise DataValidationError(msg, [msg])
    problems: list[str] = []
    out: dict[str, Indicator] = {}
    for code, body in entries.items():
        if not isinstance(body, dict | None):
            problems.append(f"{path}: indicator {yamlio.short(code)}: must be a mapping of "
                            "key: value")
            continue
        try:
            out[code] = Indicator.model_validate({"code": code, **(body or {})})
        except ValidationError as exc:
            problems += yamlio.validation_problems(exc, f"{path}: indicator {yamlio.short(code)}",
                                                   Indicator)
    for ind in out.values():
        if ind.aggregation == "share" and not ind.derived:
            problems.append(f"{path}: indicator {ind.code}: aggregation 'share' needs numerator "
                            "and denominator; use aggregation 'none' for published shares")
        for part in (ind.numerator, ind.denominator):
            if part is not None and part.indicator not in out:
                problems.append(f"{path}: indicator {ind.code}: refers to unknown indicator "
                                f"{part.indicator!r}")
        if not ind.derived and not ind.vintages:
            problems.append(f"{path}: indicator {ind.code}: stored indicators need at least "
                            "one vintage")
    if problems:
        raise DataValidationError(f"{path}: {len(problems)} problems", problems)
    return out


def catalogue_problems(data_dir: Path, obs: pd.DataFrame | None = None) -> list[str]:
    """Catalogue ↔ data consistency: every catalogue code has data (or is derived from
    indicators that have data), and every vintage source is documented in SOURCES.md."""
    try:
        cat = load_catalogue(data_dir)
    except DataValidationError as exc:
        return exc.problems or [str(exc)]
    used = set(obs["indicator"]) if obs is not None and "indicator" in obs else set()
    sources = read_source_keys(Path(data_dir))
    path = Path(data_dir) / "indicators.yaml"
    problems = []
    for ind in cat.values():
        if ind.fetched_by_update:
            pass  # may have no observations until `techmonitor data update` has run
        elif ind.derived:
            assert ind.numerator is not None and ind.denominator is not None
            for part in (ind.numerator.indicator, ind.denominator.indicator):
                if obs is not None and part not in used:
                    problems.append(f"{path}: indicator {ind.code} is derived from {part}, "
                                    "which has no observations; build the data or drop it")
        elif obs is not None and ind.code not in used:
            problems.append(f"{path}: indicator {ind.code} has no observations; remove it or "
                            "add its data to the build")
        for vcode, v in ind.vintages.items():
            for s in v.sources:
                if s not in sources:
                    problems.append(f"{path}: indicator {ind.code}, vintage {vcode}: source "
                                    f"{s!r} is not documented in data/SOURCES.md")
    return problems


def _worst(statuses: Iterable[str]) -> str:
    return max(statuses, key=lambda s: _STATUS_RANK.get(s, 3), default="definitive")


def _pick_vintage(ind: Indicator, present: set[str], vintage: str | None) -> str | None:
    if vintage is not None:
        return vintage if vintage in present else None
    for v in ind.vintages:
        if v in present:
            return v
    return sorted(present)[0] if present else None


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=float if c == "value" else object)
                         for c in SERIES_COLUMNS})


#: observations, or a series while it is assembled, as one numpy array per column. Series are
#: selected hundreds of times per report from a few hundred rows each; pandas' per-operation
#: overhead on such small frames was two thirds of a report's analysis, so selection works on
#: arrays and builds one frame at the end.
Arrays = dict[str, np.ndarray]


def arrays_of(obs: pd.DataFrame) -> Arrays:
    """The columns of ``obs`` as numpy arrays (text as object arrays), for
    :func:`series_arrays`."""
    return {str(c): obs[c].to_numpy(dtype=object) if pd.api.types.is_string_dtype(obs[c])
            else obs[c].to_numpy() for c in obs.columns}


def _stored(obs: Arrays, ind: Indicator, level: str, sector: str, region: str, sex: str,
            vintage: str | None) -> Arrays | None:
    m = np.ones(len(obs["indicator"]), dtype=bool)
    for col, want in (("indicator", ind.code), ("level", level), ("sector", sector),
                      ("region", region), ("sex", sex)):
        m &= obs[col] == want
    idx = np.flatnonzero(m)
    v = _pick_vintage(ind, set(obs["vintage"][idx]), vintage)
    if v is None:
        return None
    idx = idx[obs["vintage"][idx] == v]
    return {c: obs[c][idx] for c in _names(obs)} if len(idx) else None


def _names(cols: Arrays | pd.DataFrame) -> list[str]:
    return SERIES_COLUMNS + ([PUBLISHED] if PUBLISHED in cols else [])


def _sector_sum(obs: Arrays, ind: Indicator, level: str, sector: str, region: str,
                sex: str, vintage: str | None, sectors_ref: SectorsRef) -> Arrays | None:
    spec = sectors_ref.get(sector).vacancies
    m = np.ones(len(obs["indicator"]), dtype=bool)
    for col, want in (("indicator", ind.code), ("level", level), ("region", region),
                      ("sex", sex)):
        m &= obs[col] == want
    base = np.flatnonzero(m)
    v = _pick_vintage(ind, {x for x in obs["vintage"][base] if x in spec}, vintage)
    if v is None:
        return None
    codes = spec[v]
    wanted = set(codes)
    idx = [i for i in base if obs["vintage"][i] == v and obs["sector"][i] in wanted]
    groups: dict[str, list[int]] = {}
    for i in idx:
        groups.setdefault(str(obs["period"][i]), []).append(int(i))
    # A period where one of the sector's SBI codes is missing would understate the sum.
    done = sorted(p for p, rows in groups.items()
                  if len({obs["sector"][i] for i in rows}) == len(codes))
    if not done:
        return None
    out: Arrays = {
        "period": np.array(done, dtype=object),
        "value": np.array([np.nansum(obs["value"][groups[p]]) for p in done], dtype=float),
        "status": np.array([_worst(obs["status"][groups[p]]) for p in done], dtype=object),
        "vintage": np.array([v] * len(done), dtype=object),
        "source": np.array([obs["source"][groups[p][0]] for p in done], dtype=object),
    }
    if PUBLISHED in obs:
        # a sum is known once its last part was published
        out[PUBLISHED] = np.array([max(obs[PUBLISHED][groups[p]]) for p in done], dtype=object)
    return out


def _share(num: Arrays, den: Arrays) -> Arrays | None:
    """Numerator over denominator in percent, per period both have (a positive denominator);
    in the numerator's order, as an inner join on the period."""
    where: dict[str, list[int]] = {}
    for j, p in enumerate(den["period"]):
        where.setdefault(p, []).append(j)
    pairs = [(i, j) for i, p in enumerate(num["period"]) for j in where.get(p, ())]
    if not pairs:
        return None
    pairs = [(i, j) for i, j in pairs if den["value"][j] > 0]
    ii = np.array([i for i, _ in pairs], dtype=int)
    jj = np.array([j for _, j in pairs], dtype=int)
    out: Arrays = {
        "period": num["period"][ii],
        "value": 100.0 * num["value"][ii] / den["value"][jj],
        "status": np.array([_worst((num["status"][i], den["status"][j])) for i, j in pairs],
                           dtype=object),
        "vintage": num["vintage"][ii],
        "source": num["source"][ii],
    }
    if PUBLISHED in num and PUBLISHED in den:
        # a share is known once both its counts were published
        out[PUBLISHED] = np.array([max(str(num[PUBLISHED][i]), str(den[PUBLISHED][j]))
                                   for i, j in pairs], dtype=object)
    return out


def series_for(
    obs: pd.DataFrame,
    catalogue: dict[str, Indicator],
    indicator: str,
    *,
    level: str = "all",
    sector: str = "all",
    region: str = "NL",
    sex: str = "all",
    sectors_ref: SectorsRef | None = None,
    vintage: str | None = None,
) -> pd.DataFrame:
    """One series ready for a report.

    Parameters
    ----------
    obs
        Observations (:func:`techmonitor.observations.load_observations`).
    catalogue
        From :func:`load_catalogue`.
    indicator
        Catalogue code.
    level, sector, region, sex
        Series dimensions. ``sector`` may be a top-sector slug: stored sector series are used
        when present, otherwise counts are summed over the SBI codes in ``sectors_ref``.
    sectors_ref
        Top-sector delineation (:func:`techmonitor.reference.load_sectors`), needed for
        sector sums.
    vintage
        Force one definition; default: first catalogue vintage that has data.

    Returns
    -------
    pandas.DataFrame
        Columns ``period, value, status, vintage, source`` sorted in time (may be empty).
        Shares are percentages recomputed from numerator and denominator.

    Raises
    ------
    KeyError
        Unknown indicator code (message lists close codes).
    """
    return series_frame(series_arrays(obs, catalogue, indicator, level=level, sector=sector,
                                      region=region, sex=sex, sectors_ref=sectors_ref,
                                      vintage=vintage))


def series_arrays(
    obs: pd.DataFrame | Arrays,
    catalogue: dict[str, Indicator],
    indicator: str,
    *,
    level: str = "all",
    sector: str = "all",
    region: str = "NL",
    sex: str = "all",
    sectors_ref: SectorsRef | None = None,
    vintage: str | None = None,
) -> Arrays | None:
    """:func:`series_for` as arrays (None when the series is empty): for a caller that
    compares several candidate series and builds a frame of one (:func:`series_frame`)."""
    if indicator not in catalogue:
        close = [c for c in catalogue if indicator.split("_")[0] in c][:5]
        raise KeyError(f"unknown indicator {indicator!r}; did you mean {close}?")
    cols = obs if isinstance(obs, dict) else arrays_of(obs)
    out = _series(cols, catalogue, indicator, level, sector, region, sex, sectors_ref, vintage)
    if out is None or not len(out["period"]):
        return None
    order = np.argsort([_sort_key(p) for p in out["period"]], kind="stable")
    return {c: out[c][order] for c in _names(out)}


def series_frame(series: Arrays | None) -> pd.DataFrame:
    """The frame of a series from :func:`series_arrays` (the empty series when None)."""
    return _empty() if series is None else pd.DataFrame(series)


_sort_key = cache(periods.sort_key)  # a few hundred distinct codes, sorted thousands of times


def _series(obs: Arrays, catalogue: dict[str, Indicator], indicator: str, level: str,
            sector: str, region: str, sex: str, sectors_ref: SectorsRef | None,
            vintage: str | None) -> Arrays | None:
    ind = catalogue[indicator]
    if not ind.derived:
        out = _stored(obs, ind, level, sector, region, sex, vintage)
        if (out is None and sectors_ref is not None and sector in sectors_ref.slugs
                and ind.aggregation == "sum"):
            out = _sector_sum(obs, ind, level, sector, region, sex, vintage, sectors_ref)
        return out
    assert ind.numerator is not None and ind.denominator is not None
    # Numerator and denominator must share one vintage (one definition): try the
    # numerator's vintages in catalogue order and keep the first with common periods.
    for cand in [vintage] if vintage else list(catalogue[ind.numerator.indicator].vintages):
        num, den = (
            _series(obs, catalogue, part.indicator, part.level or level, sector, region,
                    part.sex or sex, sectors_ref, cand)
            for part in (ind.numerator, ind.denominator)
        )
        if num is not None and den is not None:
            out = _share(num, den)
            if out is not None:
                return out
    return None
