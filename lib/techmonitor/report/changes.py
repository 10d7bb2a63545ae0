"""What changed since the previous report: new observations, revisions, assessments, chances.

The report compares its own results (:func:`techmonitor.report.results.results_of`) with an
earlier run's results file, named by the ``compare_with`` parameter (the batch sets it to the
previous quarter's file in the same output folder, or to ``--compare-with PATH``). A file that
is missing, unreadable, of another schema version or of another report is never compared:
the section says why in one sentence and the report gets a finding (a warning for the batch).

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
from typing import TYPE_CHECKING, Any

from techmonitor import fmt
from techmonitor.messages import has, msg
from techmonitor.periods import shift_quarter, sort_key
from techmonitor.report import document as doc
from techmonitor.report.results import RESULTS_VERSION, load_results, results_of

if TYPE_CHECKING:
    from techmonitor.report.context import ReportContext as Report

#: anchor of the change section (links, PDF bookmarks)
SECTION_ID = "veranderingen"
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


def compared_file(report: Report) -> Path | None:
    """The earlier results file this report compares with (None when none is named)."""
    name = report.params.compare_with
    if not name:
        return None
    path = Path(name)
    return path if path.is_absolute() else report.project / path


def compare(report: Report) -> Comparison:
    """Compare the report with the results file its ``compare_with`` parameter names."""
    default_previous = shift_quarter(report.params.period, -1)
    path = compared_file(report)
    if path is None:
        return Comparison("none", default_previous)
    shown = shown_file(report.params.compare_with)
    loaded = load_results(path, report.params.report_id)
    if loaded.data is None:
        return Comparison(loaded.problem, default_previous, shown, loaded.found)
    return diff(loaded.data, results_of(report), previous=str(loaded.data["period"]),
                file=shown)


# -- words ---------------------------------------------------------------------------------

def title(report: Report) -> str:
    """``Wat is er veranderd sinds het 2e kwartaal 2023``."""
    c = report.comparison
    previous = c.previous if c is not None else shift_quarter(report.params.period, -1)
    return report.t("sec.changes", when=fmt.quarter(previous, report.lang))


def _value(x: float | None, unit: str, report: Report) -> str:
    if x is None:
        return report.t("none")
    return fmt.value(x, unit, report.lang)  # type: ignore[arg-type]


def _pct(p: float, report: Report) -> str:
    return fmt.percent(100.0 * p, 0, report.lang)


def _cat(code: str | None, report: Report) -> str:
    if not code:
        return report.t("none")
    # an earlier file may name a category this version does not know: show its code
    return msg(f"cat.{code}", report.lang) if has(f"cat.{code}") else code


def _source(source: str, vintage: str) -> str:
    return f"{source} ({vintage})" if vintage and vintage != source else source


def shown_file(name: str) -> str:
    """The compared file as the section names it: ``2023Q2/results/<id>.json``."""
    path = Path(name)
    return Path(*path.parts[-3:]).as_posix() if len(path.parts) > 3 else path.as_posix()


def _in_sentence(name: str) -> str:
    """A series name inside a sentence: ``Openstaande vacatures`` → ``openstaande vacatures``
    (an abbreviation such as ``ROA`` stays as it is)."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def key_sentence(report: Report) -> str | None:
    """The one sentence of the key messages about the most important change (or None).

    Order of importance: an assessment that changed (of a series with a target first), a
    chance of meeting a target that moved, the largest revision, new observations.
    """
    c = report.comparison
    if c is None or c.state == "none":
        return None
    when = fmt.quarter(c.previous, report.lang)
    if not c.compared:
        return report.t("chg.key.problem", section=title(report))
    if c.categories:
        ch = sorted(c.categories, key=lambda x: not x.targeted)[0]
        return report.t("chg.key.category", when=when, name=_in_sentence(ch.name),
                        old=_cat(ch.old, report), new=_cat(ch.new, report))
    if c.probabilities:
        mv = max(c.probabilities, key=lambda x: abs(x.points))
        return report.t("chg.key.probability", when=when, name=_in_sentence(mv.name),
                        old=_pct(mv.old, report), new=_pct(mv.new, report))
    if c.revised:
        r = max(c.revised, key=lambda x: x.size)
        return report.t("chg.key.revised", when=when, name=_in_sentence(r.name),
                        period=report.fmt_period(r.period, "short"),
                        old=_value(r.old, r.unit, report), new=_value(r.new, r.unit, report))
    if c.new:
        latest = max(c.new, key=lambda x: sort_key(x.period))
        return report.t("chg.key.new", when=when, n=len(c.new), name=_in_sentence(latest.name),
                        period=report.fmt_period(latest.period, "short"),
                        value=_value(latest.value, latest.unit, report))
    return report.t("chg.key.nothing", when=when)


def section(report: Report) -> doc.Section:
    """Section ``veranderingen``: what changed since the earlier report, in four tables."""
    c = report.comparison
    head = title(report)
    if c is None or c.state == "none":
        return doc.section(head, SECTION_ID, doc.Paragraph(report.t(
            "chg.no_earlier", when=fmt.quarter(
                c.previous if c else shift_quarter(report.params.period, -1), report.lang))))
    when = fmt.quarter(c.previous, report.lang)
    if not c.compared:
        key = f"chg.{c.state}"
        return doc.section(head, SECTION_ID, doc.Note(report.t(
            key, file=c.file, found=c.found, expected=RESULTS_VERSION,
            report=report.params.report_id), "warning"))
    threshold = fmt.percentage_points(PROBABILITY_THRESHOLD, 0, report.lang)
    out: list[doc.Node] = [doc.Paragraph(report.t(
        "chg.intro", when=when, file=c.file, n=c.count, new=len(c.new),
        revised=len(c.revised), categories=len(c.categories),
        probabilities=len(c.probabilities), threshold=threshold))]
    if not c.count:
        out.append(doc.Paragraph(report.t("chg.nothing", when=when)))
        return doc.section(head, SECTION_ID, out)
    if c.categories:
        out.append(doc.Heading(report.t("chg.h_categories"), 3, "veranderingen-beoordeling"))
        out.append(doc.table(
            report.t("chg.t_categories", when=when),
            [report.t("col.indicator"), report.t("chg.col_was"), report.t("chg.col_now")],
            [[ch.name,
              doc.status_cell(ch.old, _cat(ch.old, report), ch.old_symbol) if ch.old
              else doc.Cell(report.t("none")),
              doc.status_cell(ch.new, _cat(ch.new, report), ch.new_symbol) if ch.new
              else doc.Cell(report.t("none"))] for ch in c.categories]))
    if c.probabilities:
        out.append(doc.Heading(report.t("chg.h_probabilities", threshold=threshold), 3,
                               "veranderingen-kans"))
        out.append(doc.table(
            report.t("chg.t_probabilities", when=when),
            [report.t("col.indicator"), report.t("chg.col_was"), report.t("chg.col_now"),
             report.t("chg.col_diff")],
            [[m.name, _pct(m.old, report), _pct(m.new, report),
              fmt.percentage_points(m.points, 0, report.lang, signed=True)]
             for m in c.probabilities], numeric=[False, True, True, True]))
    if c.revised:
        out.append(doc.Heading(report.t("chg.h_revised"), 3, "veranderingen-herzien"))
        out.append(doc.table(
            report.t("chg.t_revised", when=when),
            [report.t("col.indicator"), report.t("col.period"), report.t("chg.col_was"),
             report.t("chg.col_now"), report.t("chg.col_source")],
            [[r.name, report.fmt_period(r.period, "short"), _value(r.old, r.unit, report),
              _value(r.new, r.unit, report),
              _source(r.source, r.vintage)
              if (r.source, r.vintage) == (r.old_source, r.old_vintage)
              else f"{_source(r.old_source, r.old_vintage)} → {_source(r.source, r.vintage)}"]
             for r in c.revised], numeric=[False, False, True, True, False]))
    if c.new:
        out.append(doc.Heading(report.t("chg.h_new"), 3, "veranderingen-nieuw"))
        out.append(doc.table(
            report.t("chg.t_new", when=when),
            [report.t("col.indicator"), report.t("col.period"), report.t("col.value"),
             report.t("col.data_status"), report.t("chg.col_source")],
            [[n.name, report.fmt_period(n.period, "short"), _value(n.value, n.unit, report),
              report.t(f"status.{n.status}"), _source(n.source, n.vintage)] for n in c.new],
            numeric=[False, False, True, False, False]))
    return doc.section(head, SECTION_ID, out)
