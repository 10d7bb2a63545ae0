"""Every problem of a data folder: observations, reference YAML, measure progress, catalogue,
the figures typed from the cabinet letter and the targets.

``techmonitor validate``, the batch (before it runs any report) and ``data update`` (before it
swaps in new data) call :func:`validate_data`; the rules of the observation table itself live in
:mod:`techmonitor.observations`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from techmonitor import csvio, periods
from techmonitor.errors import DataValidationError
from techmonitor.indicators import catalogue_problems, load_catalogue
from techmonitor.observations import OBS_FILE, check_frame, read_raw
from techmonitor.values import parse_number, period_problem
from techmonitor.yamlio import short

LETTER_FILE = "letter_figures.csv"


def validate_data(data_dir: Path) -> list[str]:
    """Every problem in ``data_dir``: observations, YAML files, measure progress, catalogue.

    Returns
    -------
    list of str
        Empty when the data folder is valid.
    """
    from techmonitor.measure_progress import load_measure_progress
    from techmonitor.measures import load_measures
    from techmonitor.reference import (
        check_sources,
        load_regions,
        load_sectors,
        load_targets,
    )

    data_dir = Path(data_dir)
    problems: list[str] = []
    try:
        problems += check_sources(data_dir)
    except DataValidationError as exc:
        problems += exc.problems or [str(exc)]
    for loader in (load_sectors, load_regions, load_targets):
        try:
            loader(data_dir)
        except DataValidationError as exc:
            problems += exc.problems or [str(exc)]
    measure_ids: list[str] | None = None
    try:
        measure_ids = [m.id for m in load_measures(data_dir).measures]
    except DataValidationError as exc:
        problems += exc.problems or [str(exc)]
    progress = data_dir / "measure_progress.csv"
    if progress.exists():
        try:
            load_measure_progress(progress, measure_ids)
        except DataValidationError as exc:
            problems += exc.problems or [str(exc)]
    obs_path = data_dir / OBS_FILE
    try:
        raw = read_raw(obs_path)
    except DataValidationError as exc:
        return problems + exc.problems
    problems += check_frame(raw, str(obs_path), data_dir)
    problems += catalogue_problems(data_dir, raw)
    problems += _letter_problems(data_dir)
    problems += _data_target_problems(data_dir, raw)
    # de-duplicate while keeping order (the same YAML error can surface via two loaders)
    return list(dict.fromkeys(problems))


def _letter_problems(data_dir: Path) -> list[str]:
    """The figures typed from the cabinet letter are numbers the build can use."""
    path = data_dir / LETTER_FILE
    if not path.exists():
        return []
    try:
        raw = csvio.read_table(path, ["indicator", "period", "level", "value"], "")
    except DataValidationError as exc:
        return exc.problems
    if "value" not in raw.columns:
        return [f"{path}: required column 'value' is missing"]
    problems = []
    for i, cell in enumerate(raw["value"]):
        try:
            parse_number(cell)
        except ValueError as exc:
            problems.append(f"{path}: row {i + 2}, column value: {short(cell)} {exc}")
    if "period" in raw.columns:
        for i, cell in enumerate(raw["period"]):
            if period_problem(cell):
                problems.append(f"{path}: row {i + 2}, column period: {short(cell)}: "
                                f"{period_problem(cell)}")
    return problems


def _data_target_problems(data_dir: Path, raw: pd.DataFrame) -> list[str]:
    """Targets of ``data/targets.yaml`` fit their indicator's kind and the data's horizon."""
    from techmonitor.reference import load_targets
    from techmonitor.values import target_problems

    try:
        targets = load_targets(data_dir)
        cat = load_catalogue(data_dir)
    except DataValidationError:
        return []  # reported by the loaders already
    path = data_dir / "targets.yaml"
    problems = []
    for i, t in enumerate(targets):
        ind = cat.get(t.indicator)
        if ind is None:
            problems.append(f"{path}: targets[{i}]: indicator = {short(t.indicator)} is not in "
                            "data/indicators.yaml; use one of its codes")
            continue
        stored = ind.numerator.indicator if ind.numerator is not None else t.indicator
        rows = raw[(raw["indicator"] == stored) & (raw["level"] == t.level)]
        have = [p for p in rows["period"].unique() if periods.is_valid(p)]
        newest = max(have, key=periods.sort_key) if have else None
        problems += target_problems(f"{path}: targets[{i}]", ind.kind, t.target_value,
                                    t.target_period, newest)
    return problems

