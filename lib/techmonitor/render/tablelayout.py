"""Column widths of a PDF table, computed from the texts before Typst lays the table out.

Typst's automatic column widths give the first (long-text) column too much room; a good
layout wraps each column so the table takes the fewest lines. Done in the Typst template's
own scripting language that search cost about 40% of typesetting a report (and again for
every table of the appendix), so it runs here, on word widths read from the bundled Fira
Sans SemiBold (the widest style a cell uses) with fontTools, and the template receives the
widths as data.

The rule: if every column's natural width (its longest text on one line) fits, the first
column takes the room left. Otherwise every column starts at the narrowest width at which
none of its cells takes more than L lines, for the smallest L for which the columns fit; the
room left then takes columns down a line at a time, each time the column that saves most
lines for its width (the table's lines, per row its tallest cell, plus a quarter of all
cells' lines); what is left over is shared in proportion to the widths. If the columns do not
fit even at eight lines a cell, Typst's automatic widths are used (``None``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from fontTools.ttLib import TTFont

#: the text size, cell padding and line geometry of tables in ``report.typ`` (points)
TABLE_SIZE = 8.5
LEADING = 0.5  # em
CAP_HEIGHT = 0.689  # Fira Sans, em
MM = 72 / 25.4
CELL_PAD = 3.2 * MM  # inset left + right
CELL_INSET_Y = 1.1 * MM
#: the text width of a report page: A4 (210 mm) minus the margins (22 + 20 mm)
TEXT_WIDTH = (210 - 22 - 20) * MM
MOST_LINES = 8

FONT = Path(str(files("techmonitor") / "render" / "static" / "fonts" / "FiraSans-SemiBold.ttf"))
FALLBACK = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")  # signs: ✓ ✕ ▲


@dataclass(frozen=True)
class TableLayout:
    """Column widths in points (``None``: let Typst choose) and the estimated height."""

    widths: tuple[float, ...] | None
    height: float


class _Metrics:
    """Advance widths per character at :data:`TABLE_SIZE`, from the font files."""

    def __init__(self) -> None:
        self.fonts = []
        for path in (FONT, FALLBACK):
            if path.is_file():
                font = TTFont(str(path), lazy=True)
                scale = TABLE_SIZE / font["head"].unitsPerEm
                self.fonts.append((font.getBestCmap(), font["hmtx"].metrics, scale))
        self.average = 0.55 * TABLE_SIZE

    @lru_cache(maxsize=65536)  # noqa: B019 - one instance per process
    def word(self, word: str) -> float:
        return sum(self.char(c) for c in word)

    @lru_cache(maxsize=4096)  # noqa: B019
    def char(self, c: str) -> float:
        for cmap, metrics, scale in self.fonts:
            glyph = cmap.get(ord(c))
            if glyph is not None:
                return float(metrics[glyph][0]) * scale
        return self.average


@lru_cache(maxsize=1)
def _metrics() -> _Metrics:
    return _Metrics()


def _wrap(ws: Sequence[float], width: float, sp: float) -> int:
    n, line = 1, None
    for x in ws:
        if line is None:
            line = x
        elif line + sp + x <= width + 0.01:
            line += sp + x
        else:
            n, line = n + 1, x
    return n


def _natural(ws: Sequence[float], sp: float) -> float:
    return sum(ws) + sp * max(0, len(ws) - 1)


def _fit(ws: Sequence[float], lines: int, sp: float) -> float:
    """The narrowest width at which the words ``ws`` take at most ``lines`` lines."""
    lo, hi = max(ws, default=0.0), _natural(ws, sp)
    if _wrap(ws, lo, sp) <= lines:
        return lo
    for _ in range(12):
        mid = (lo + hi) / 2
        if _wrap(ws, mid, sp) <= lines:
            hi = mid
        else:
            lo = mid
    return hi


def table_layout(columns: Sequence[Sequence[str]], avail: float = TEXT_WIDTH) -> TableLayout:
    """Column widths for a table whose column ``j`` holds the texts ``columns[j]``.

    Parameters
    ----------
    columns
        Per column its texts, the header first (a status with its sign, as printed).
    avail
        Width of the text column in points.

    Returns
    -------
    TableLayout
        Widths including the cell padding (they add up to ``avail``), or ``None`` widths when
        no wrapping makes the columns fit; the height the rows will take, estimated.
    """
    m = _metrics()
    ncol = len(columns)
    sp = m.char(" ")
    pad = CELL_PAD + 1.0  # a point to spare: a sign's box is a little wider than its advance
    room = avail - ncol * pad
    cells = [[[m.word(w) for w in s.split(" ") if w] for s in col] for col in columns]
    nrow = len(cells[0]) if cells else 0
    naturals = [[_natural(ws, sp) for ws in col] for col in cells]
    widest = [max(col, default=0.0) for col in naturals]
    widths: list[float] | None = None
    if ncol == 1:
        widths = [room]
    elif sum(widest) <= room:
        widths = [room - sum(widest[1:]), *widest[1:]]
    else:
        orders = [sorted(range(len(col)), key=col.__getitem__, reverse=True)
                  for col in naturals]

        def column(j: int, lines: int) -> float:
            w = 0.0
            for i in orders[j]:
                if naturals[j][i] <= w:
                    break
                w = max(w, _fit(cells[j][i], lines, sp))
            return w

        needs = [[column(j, lines) for lines in range(1, MOST_LINES + 1)] for j in range(ncol)]
        level = next((lv for lv in range(2, MOST_LINES + 1)
                      if sum(n[lv - 1] for n in needs) <= room), None)
        if level is not None:
            widths = _share(cells, needs, level, room, nrow, sp)
    if widths is None:
        return TableLayout(None, float("inf"))
    lines = [max(_wrap(cells[j][i], widths[j], sp) for j in range(ncol)) for i in range(nrow)]
    height = sum(n * CAP_HEIGHT * TABLE_SIZE + (n - 1) * LEADING * TABLE_SIZE
                 + 2 * CELL_INSET_Y for n in lines)
    return TableLayout(tuple(w + pad for w in widths), height)


def _share(cells: list[list[list[float]]], needs: list[list[float]], level: int, room: float,
           nrow: int, sp: float) -> list[float]:
    """Give the room left to the columns that save most lines for their width."""
    ncol = len(cells)

    def lower(j: int, lines: int) -> int:  # one line less at no extra width is free
        while lines > 1 and needs[j][lines - 2] <= needs[j][lines - 1]:
            lines -= 1
        return lines

    def score(cl: list[list[int]]) -> float:
        return (sum(max(c[i] for c in cl) for i in range(nrow))
                + 0.25 * sum(sum(c) for c in cl))

    lv = [lower(j, level) for j in range(ncol)]
    w = [needs[j][level - 1] for j in range(ncol)]
    now = [[_wrap(ws, w[j], sp) for ws in cells[j]] for j in range(ncol)]
    for _ in range(ncol * MOST_LINES):
        best, ratio, best_lines = None, 0.0, None
        base = score(now)
        for j in range(ncol):
            if lv[j] == 1:
                continue
            cost = needs[j][lv[j] - 2] - w[j]
            if sum(w) + cost > room:
                continue
            trial = list(now)
            trial[j] = [_wrap(ws, w[j] + cost, sp) for ws in cells[j]]
            r = (base - score(trial)) / max(cost, 0.01)
            if r > ratio:
                best, ratio, best_lines = j, r, trial[j]
        if best is None or best_lines is None:
            break
        lv[best] = lower(best, lv[best] - 1)
        w[best] = needs[best][lv[best] - 1]
        now[best] = best_lines
    total = sum(w)
    return [x * room / total for x in w]
