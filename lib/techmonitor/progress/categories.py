"""Progress categories (word, symbol and colour hint; never colour alone), thresholds and CAGR.

The words of a category come from the message catalogue (key ``cat.<code>``, see
:mod:`techmonitor.messages`); symbol and colour are fixed here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from techmonitor.messages import msg

Direction = Literal["up", "down"]


# ------------------------------------------------------------------------------ categories
@dataclass(frozen=True)
class Category:
    """An assessment outcome.

    Attributes
    ----------
    code
        Stable identifier, e.g. ``"on_track"``; its words are the message ``cat.<code>``.
    symbol
        Text symbol shown next to the word, so that status never depends on colour (WCAG 1.4.1).
    colour
        Hex colour hint (Rijkshuisstijl); always paired with ``symbol`` and label.
    rank
        Order from worst (0) to best, for sorting and monotonicity checks.
    """

    code: str
    symbol: str
    colour: str
    rank: int

    def label(self, lang: str = "nl") -> str:
        """Label in ``lang`` (``"nl"`` or ``"en"``), from the message catalogue."""
        return msg(f"cat.{self.code}", lang)

    @property
    def label_nl(self) -> str:
        """The Dutch label (``label("nl")``)."""
        return self.label("nl")

    @property
    def label_en(self) -> str:
        """The English label (``label("en")``)."""
        return self.label("en")

    def __str__(self) -> str:
        return f"{self.symbol} {self.label_nl}"


# Rijkshuisstijl level-500 tokens; groen/rood/donkerblauw pass 4.5:1 on white, oranje and
# donkergeel are for fills/large marks only (and carry a symbol anyway).
_GREEN, _DARKGREEN = "#39870C", "#275937"
_ORANGE, _YELLOW, _RED = "#E17000", "#FFB612", "#D52B1E"
_BLUE, _GREY = "#01689B", "#999999"

ACHIEVED = Category("achieved", "✓", _DARKGREEN, 4)
ON_TRACK = Category("on_track", "✓", _GREEN, 3)
ACCELERATION_NEEDED = Category("acceleration_needed", "!", _YELLOW, 2)
LIMITED_PROGRESS = Category("limited_progress", "!!", _ORANGE, 1)
MOVING_AWAY = Category("moving_away", "✕", _RED, 0)
NOT_ASSESSABLE = Category("not_assessable", "?", _GREY, -1)
#: the interval of the growth ratio spans more than one category: no verdict, the interval is said
UNCERTAIN = Category("uncertain", "~", _GREY, -1)
TARGET_CATEGORIES = (ACHIEVED, ON_TRACK, ACCELERATION_NEEDED, LIMITED_PROGRESS, MOVING_AWAY,
                     UNCERTAIN, NOT_ASSESSABLE)

SIGNIFICANT_RISE = Category("significant_rise", "▲", _BLUE, 2)
NO_SIGNIFICANT_CHANGE = Category("no_significant_change", "■", _GREY, 1)
SIGNIFICANT_FALL = Category("significant_fall", "▼", _ORANGE, 0)
TREND_CATEGORIES = (SIGNIFICANT_RISE, NO_SIGNIFICANT_CHANGE, SIGNIFICANT_FALL, NOT_ASSESSABLE)

DONE = Category("done", "✓", _DARKGREEN, 4)
ON_SCHEDULE = Category("on_schedule", "✓", _GREEN, 3)
BEHIND = Category("behind", "!", _YELLOW, 2)
AT_RISK = Category("at_risk", "✕", _RED, 1)
NOT_STARTED = Category("not_started", "○", _GREY, 0)
MEASURE_CATEGORIES = (DONE, ON_SCHEDULE, BEHIND, AT_RISK, NOT_STARTED)

#: Eurostat / Statistics Canada thresholds on actual growth ÷ required growth.
ON_TRACK_RATIO = 0.95
ACCELERATION_RATIO = 0.60
#: ratios are rounded to this many decimals before comparing, so that a hand-computed 95% that
#: arrives as 0.9499999999 in floating point still counts as on track
_RATIO_DECIMALS = 9


def category_for_ratio(ratio: float) -> Category:
    """Classify actual ÷ required growth.

    ``ratio >= 0.95`` on track; ``0.60 <= ratio < 0.95`` acceleration needed;
    ``0 <= ratio < 0.60`` limited progress (a ratio of exactly 0, no movement, is limited
    progress); ``ratio < 0`` moving away. NaN → not assessable.
    """
    if ratio is None or not math.isfinite(ratio):
        return NOT_ASSESSABLE
    r = round(float(ratio), _RATIO_DECIMALS)
    if r >= ON_TRACK_RATIO:
        return ON_TRACK
    if r >= ACCELERATION_RATIO:
        return ACCELERATION_NEEDED
    if r >= 0:
        return LIMITED_PROGRESS
    return MOVING_AWAY


def cagr(start: float, end: float, years: float) -> float:
    """Compound annual growth rate ``(end / start) ** (1 / years) - 1``.

    Raises
    ------
    ValueError
        If ``start`` or ``end`` is not positive or ``years`` is not positive.
    """
    if start <= 0 or end <= 0:
        raise ValueError(f"CAGR needs positive values (start={start}, end={end})")
    if years <= 0:
        raise ValueError(f"CAGR needs a positive number of years (years={years})")
    return float((end / start) ** (1.0 / years) - 1.0)
