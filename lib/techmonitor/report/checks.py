"""Checks of a report's params against the data: do its targets mean what they say?

The schema (:mod:`techmonitor.config`) knows the shape of a target; only the data know
whether its indicator and level exist, whether the report shows that series, and whether
the baseline period has a value a percentage can be taken of. ``techmonitor validate`` runs
these checks for every report; a report that is run anyway shows the same problem where
the target's assessment would stand and lists it among its findings.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from techmonitor.config import ReportParams
from techmonitor.errors import TechmonitorError
from techmonitor.report import store
from techmonitor.report.own_analysis import check_analysis_file
from techmonitor.report.series import levels_for, select, with_sbi
from techmonitor.report.targetspec import RelativeTarget
from techmonitor.values import target_problems as value_problems


def target_problems(params: ReportParams, where: str, project: Path) -> list[str]:
    """Every problem of the report's own targets (and of its ``sbi`` list), one line each.

    Parameters
    ----------
    params
        The report's validated parameters.
    where
        The params file to name in messages.
    project
        The project folder (its ``data/``).

    Returns
    -------
    list of str
        ``<file>: targets[i] …: what is wrong; how to fix it`` lines; empty when all hold.
    """
    data_dir = project / "data"
    catalogue = store.load_catalogue(data_dir)
    problems: list[str] = []
    try:  # the report's own delineation, as the report will use it
        sectors_ref = with_sbi(store.load_sectors(data_dir), params, where)
    except TechmonitorError as exc:
        problems.append(str(exc))
        sectors_ref = store.load_sectors(data_dir)
    for i, t in enumerate(params.targets):
        at = f"{where}: targets[{i}]"
        ind = catalogue.get(t.indicator)
        if ind is None:
            close = difflib.get_close_matches(t.indicator, list(catalogue), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"{at}: indicator = {t.indicator!r} is not in data/indicators.yaml"
                            f"{hint}; use one of the indicator codes defined there")
            continue
        levels = ind.levels or ["all"]
        if t.level not in levels:
            problems.append(f"{at}: level = {t.level!r}: {t.indicator} has levels "
                            f"{', '.join(levels)}; pick one of them")
            continue
        shown = levels_for(ind, list(params.levels))
        if t.level not in shown:
            problems.append(f"{at}: level = {t.level!r}: this report shows {t.indicator} for "
                            f"{', '.join(shown)} only (params levels: "
                            f"{', '.join(params.levels)}); add {t.level!r} to levels or pick "
                            "a shown level")
            continue
        try:
            series = select(data_dir, params, catalogue, ind, t.level,
                            sectors_ref=sectors_ref)
        except (TechmonitorError, KeyError) as exc:
            problems.append(f"{at}: the series of {t.indicator} {t.level} cannot be read: {exc}")
            continue
        have = list(series["period"])
        if not have:
            problems.append(f"{at}: {t.indicator} {t.level} has no data for this report "
                            f"(sector {params.sector}, region {params.region}, up to "
                            f"{params.period}); pick an indicator the report shows")
            continue
        problems += value_problems(at, ind.kind, t.target_value, t.target_period, have[-1])
        if t.baseline_period is None or (t.target_change_pct is None
                                         and t.baseline_value is not None):
            continue  # no baseline, or one the target document states itself
        if t.baseline_period not in have:
            span = f"{have[0]} to {have[-1]}" if have else "no periods"
            problems.append(f"{at}: baseline_period = {t.baseline_period!r} is not in the data "
                            f"of {t.indicator} {t.level} for this report ({span}, up to "
                            f"{params.period}); choose a period with data")
            continue
        if t.target_change_pct is not None:
            relative = RelativeTarget(t.target_change_pct, t.target_period, t.baseline_period,
                                      t.source, t.status == "illustrative")
            try:
                relative.resolve(series)
            except TechmonitorError as exc:
                problems.append(f"{at}: {exc}")
    return problems


def analysis_problems(params: ReportParams, where: str, project: Path) -> list[str]:
    """Problems with the report's own analysis file (params ``analysis``), if it has one."""
    path = params.analysis_file(project)
    return [] if path is None else check_analysis_file(path, where)
