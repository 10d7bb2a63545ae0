"""One verdict per goal of the 2012 letter, from the report's indicators (issue 20).

The rule, per goal:

* **What the verdict rests on.** A goal asks whether *more* people choose, finish, enter or
  stay in technology. Counts move with the size of a year group, so where the report has a
  *share of all* students, graduates or workers (:func:`share_of_all`) the verdict rests on
  the shares, and the counts are context. Only where no such share has a trend interval does
  it rest on the counts of the goal (indicators with a direction), and the report says so.
* **Each series' answer** is its trend's 95% interval: wholly above zero a rise, wholly
  below a fall, otherwise no significant change; a series too small to judge or without a
  trend gives none and is named as missing.
* **The goal's answer**: ``progress`` when at least one series moves significantly the way
  the goal wants and none the other way, ``decline`` the reverse, ``mixed`` both,
  ``no_change`` when every judged series is flat, ``not_judged`` when no series could be
  judged, ``no_data`` when the report has no series for the goal.

Computed once in the analysis layer (:func:`goal_verdicts`), stored in the results file and
phrased by the goal sections and the key messages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from techmonitor.indicators import Indicator
from techmonitor.periods import sort_key
from techmonitor.report.analysis import Item

GOALS = (1, 2, 3, 4)


@dataclass(frozen=True)
class Gap:
    """Something goal ``goal`` asks for that no stored series holds yet.

    ``indicators`` are the codes the connectors of ``tables`` write; the gap is shown while
    none of them has observations.
    """

    key: str
    goal: int
    tables: tuple[str, ...]
    indicators: tuple[str, ...]


GAPS = (
    Gap("gap.graduates_jobs", 3, ("85776NED",), ("ho_leavers_tech_working",)),
    Gap("gap.lateral", 3, ("85574NED",), ("mbo_entrants_from_work",)),
    Gap("gap.education_retention", 4, ("83286NED",), ()),
)
#: gap key → (indicator, message): a sentence added when the report shows that indicator
GAP_EXTRA = {"gap.lateral": ("lateral_tech_occupations_no_tech_education", "gap.lateral_stock")}


def open_gaps(goal: int, present: set[str] | frozenset[str]) -> tuple[str, ...]:
    """Message keys of the gaps of ``goal`` that no stored series fills (``present``: the
    indicator codes with observations)."""
    return tuple(g.key for g in GAPS if g.goal == goal
                 and not (g.indicators and present & set(g.indicators)))

Verdict = Literal["progress", "decline", "mixed", "no_change", "not_judged", "no_data"]


@dataclass(frozen=True)
class GoalVerdict:
    """The answer for one goal and what it rests on (item keys of the report).

    Attributes
    ----------
    goal
        1–4.
    verdict
        See the module docstring.
    basis_kind
        ``share`` (shares of all), ``count`` (no share could be judged) or ``none``.
    favourable, unfavourable, flat
        Basis series that moved significantly the goal's way, the other way, or not
        significantly.
    not_judged
        Basis-eligible series without an answer (too small to judge, or no trend).
    context
        The goal's other series: shown, not part of the answer.
    latest_period
        Newest period among the judged basis series.
    gaps
        Message keys of series the goal asks for that no stored table holds yet.
    """

    goal: int
    verdict: Verdict
    basis_kind: Literal["share", "count", "none"]
    favourable: tuple[str, ...] = ()
    unfavourable: tuple[str, ...] = ()
    flat: tuple[str, ...] = ()
    not_judged: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    latest_period: str | None = None
    gaps: tuple[str, ...] = ()

    @property
    def basis(self) -> tuple[str, ...]:
        """The judged series the answer rests on, unfavourable first."""
        return self.unfavourable + self.favourable + self.flat


def share_of_all(ind: Indicator, catalogue: Mapping[str, Indicator]) -> bool:
    """True for a share with a direction whose denominator is a total (all students,
    graduates, workers) or that is published as such: what people choose, not how many
    there are. A share *within* technology (women among technical students) is not."""
    if ind.kind != "share" or ind.direction not in ("up", "down"):
        return False
    den = ind.denominator
    if den is None:
        return True
    total = catalogue.get(den.indicator)
    return total is not None and total.direction == "none" and den.sex in (None, "all")


def goal_verdict(goal: int, items: Sequence[Item], catalogue: Mapping[str, Indicator],
                 gaps: Sequence[str] = ()) -> GoalVerdict:
    """The verdict of one goal from the report's items of that goal (see module docstring)."""
    if not items:
        return GoalVerdict(goal, "no_data", "none", gaps=tuple(gaps))
    shares = [i for i in items if share_of_all(i.ind, catalogue)]
    counts = [i for i in items if i.ind.kind == "count" and i.ind.direction in ("up", "down")
              and i.ind.frequency != "quarter"]
    basis_kind: Literal["share", "count", "none"] = "share"
    basis = shares
    if not any(i.movement is not None for i in shares):
        basis_kind, basis = "count", counts
    if not basis:
        basis_kind = "none"
    # eligible series without an answer are missing, whichever kind carries the verdict
    unjudged = [i for i in shares + (counts if basis_kind == "count" else [])
                if i.movement is None]
    fav = tuple(i.key for i in basis if i.favourable is True)
    unfav = tuple(i.key for i in basis if i.favourable is False)
    flat = tuple(i.key for i in basis if i.movement == "flat")
    used = {i.key for i in basis} | {i.key for i in unjudged}
    context = tuple(i.key for i in items if i.key not in used)
    judged = [i for i in basis if i.movement is not None]
    latest = max((str(i.latest["period"]) for i in judged), key=sort_key) if judged else None
    verdict: Verdict
    if fav and unfav:
        verdict = "mixed"
    elif fav:
        verdict = "progress"
    elif unfav:
        verdict = "decline"
    elif flat:
        verdict = "no_change"
    else:
        verdict = "not_judged"
    return GoalVerdict(goal, verdict, basis_kind, fav, unfav, flat,
                       tuple(i.key for i in unjudged), context, latest, tuple(gaps))
