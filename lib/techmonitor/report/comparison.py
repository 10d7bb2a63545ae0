"""The comparison with the previous report: new observations, revisions, assessments, chances.

:class:`~techmonitor.report.core.Report` compares its own results
(:func:`techmonitor.report.results_data.results_of`) with an earlier run's results file,
named by the ``compare_with`` parameter (the batch sets it to the previous quarter's file in
the same output folder, or to ``--compare-with PATH``). A file that is missing, unreadable,
of another schema version or of another report is never compared: the section
(:mod:`techmonitor.report.changes`) says why in one sentence and the report gets
a finding (a warning for the batch).

Comparison rules, all on the series as the two reports showed them:

* **new observation**: a period of a series that the earlier report did not show;
* **revision**: a period both reports show with a different value (old → new, with the
  source and vintage of both);
* **assessment change**: the progress category of a series differs;
* **chance moved**: the probability of meeting the target moved by more than
  :data:`PROBABILITY_THRESHOLD` (percentage points).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from techmonitor.config import ReportParams
from techmonitor.periods import shift_quarter, sort_key
from techmonitor.report.results import RESULTS_VERSION, load_results

#: a probability of meeting a target counts as moved above this many percentage points
PROBABILITY_THRESHOLD = 5.0
#: values closer than this (relative) are the same figure stored twice, not a revision
REVISION_TOLERANCE = 1e-9


@dataclass(frozen=True)
class NewObservation:
    """A period of a series the earlier report did not show."""

    key: str
    name: str
    unit: str
    period: str
    value: float | None
    status: str
    source: str
    vintage: str


@dataclass(frozen=True)
class Revision:
    """A value both reports show that changed (old → new, source and vintage of both)."""

    key: str
    name: str
    unit: str
    period: str
    old: float | None
    new: float | None
    old_source: str
    old_vintage: str
    source: str
    vintage: str

    @property
    def size(self) -> float:
        """Relative size of the revision (for picking the most important one)."""
        if self.old is None or self.new is None:
            return math.inf
        return abs(self.new - self.old) / max(abs(self.old), 1e-12)


@dataclass(frozen=True)
class CategoryChange:
    """A series whose progress category differs from the earlier report's."""

    key: str
    name: str
    old: str | None
    new: str | None
    old_symbol: str
    new_symbol: str
    targeted: bool


@dataclass(frozen=True)
class ProbabilityMove:
    """A chance of meeting the target that moved by more than the threshold."""

    key: str
    name: str
    old: float
    new: float

    @property
    def points(self) -> float:
        """The move in percentage points (new − old)."""
        return 100.0 * (self.new - self.old)


@dataclass(frozen=True)
class Comparison:
    """The outcome of comparing this report with an earlier one.

    ``state`` is ``none`` (no earlier report named), ``ok`` (compared), or why the file was
    not compared: ``missing``, ``unreadable``, ``schema``, ``report``. ``file`` is the
    compared file as given, ``previous`` the quarter it reports on (or the quarter before
    this one when nothing was compared).
    """

    state: str
    previous: str
    file: str = ""
    found: str = ""
    new: tuple[NewObservation, ...] = field(default=())
    revised: tuple[Revision, ...] = field(default=())
    categories: tuple[CategoryChange, ...] = field(default=())
    probabilities: tuple[ProbabilityMove, ...] = field(default=())

    @property
    def compared(self) -> bool:
        """True when an earlier report was actually compared."""
        return self.state == "ok"

    @property
    def count(self) -> int | None:
        """Number of changes (None when nothing was compared)."""
        if not self.compared:
            return None
        return (len(self.new) + len(self.revised) + len(self.categories)
                + len(self.probabilities))

    @property
    def problem(self) -> str:
        """Why the file was not compared, in English (for the finding); ``""`` if it was."""
        if self.state in ("ok", "none"):
            return ""
        why = {"missing": "file missing",
               "unreadable": f"file unreadable ({self.found})",
               "schema": f"schema version {self.found}, this version reads {RESULTS_VERSION}",
               "report": f"file belongs to report {self.found}"}[self.state]
        return f"results file {self.file}: {why}; not compared"


def _by_key(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(it.get("key")): it for it in items if isinstance(it, dict)}


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= REVISION_TOLERANCE * max(1.0, abs(a), abs(b))


def diff(old: dict[str, Any], new: dict[str, Any], *, previous: str, file: str = "",
         threshold: float = PROBABILITY_THRESHOLD) -> Comparison:
    """Compare two reports' results (the data of two results files).

    Parameters
    ----------
    old, new
        Results of the earlier and of this report (:func:`results_of`).
    previous
        The quarter the earlier report is about.
    file
        The earlier file's name, as the section shows it.
    threshold
        Probability moves up to this many percentage points are not listed.
    """
    before = _by_key(old.get("items") or [])
    added: list[NewObservation] = []
    revised: list[Revision] = []
    cats: list[CategoryChange] = []
    moves: list[ProbabilityMove] = []
    for it in new.get("items") or []:
        key, name, unit = str(it["key"]), str(it.get("name", "")), str(it.get("unit", ""))
        prev = before.get(key)
        was = {str(o["period"]): o for o in (prev or {}).get("observations") or []}
        for o in it.get("observations") or []:
            p = str(o["period"])
            if p not in was:  # also every period of a series the earlier report lacked
                added.append(NewObservation(key, name, unit, p, o["value"], o["status"],
                                            o["source"], o["vintage"]))
                continue
            w = was[p]
            if not _same(w.get("value"), o.get("value")):
                revised.append(Revision(key, name, unit, p, w.get("value"), o.get("value"),
                                        str(w.get("source", "")), str(w.get("vintage", "")),
                                        str(o["source"]), str(o["vintage"])))
        if prev is None:
            continue
        if prev.get("category") != it.get("category"):
            cats.append(CategoryChange(key, name, prev.get("category"), it.get("category"),
                                       str(prev.get("category_symbol") or ""),
                                       str(it.get("category_symbol") or ""),
                                       it.get("target") is not None))
        a, b = prev.get("probability"), it.get("probability")
        # a probability the report does not print (unreliable for its kind) is no news
        shown = it.get("probability_reliable") is not False
        if shown and a is not None and b is not None and abs(100.0 * (b - a)) > threshold:
            moves.append(ProbabilityMove(key, name, float(a), float(b)))
    added.sort(key=lambda x: (x.key, sort_key(x.period)))
    return Comparison("ok", previous, file, new=tuple(added), revised=tuple(revised),
                      categories=tuple(cats), probabilities=tuple(moves))


def compared_file(params: ReportParams, project: Path) -> Path | None:
    """The earlier results file a report compares with (None when none is named)."""
    name = params.compare_with
    if not name:
        return None
    path = Path(name)
    return path if path.is_absolute() else project / path


def compare(params: ReportParams, project: Path, results: dict[str, Any]) -> Comparison:
    """Compare a report's ``results`` with the results file its ``compare_with`` names.

    Parameters
    ----------
    params
        The report's parameters (``compare_with``, quarter, report id).
    project
        The project folder a relative ``compare_with`` is read from.
    results
        This report's results (:func:`techmonitor.report.results_data.results_of`).
    """
    default_previous = shift_quarter(params.period, -1)
    path = compared_file(params, project)
    if path is None:
        return Comparison("none", default_previous)
    shown = shown_file(params.compare_with)
    loaded = load_results(path, params.report_id)
    if loaded.data is None:
        return Comparison(loaded.problem, default_previous, shown, loaded.found)
    return diff(loaded.data, results, previous=str(loaded.data["period"]), file=shown)


def shown_file(name: str) -> str:
    """The compared file as the section names it: ``2023Q2/results/<id>.json``."""
    path = Path(name)
    return Path(*path.parts[-3:]).as_posix() if len(path.parts) > 3 else path.as_posix()
