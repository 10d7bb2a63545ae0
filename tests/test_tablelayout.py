"""Column widths of PDF tables (render/tablelayout.py), checked by hand and by invariants."""

from __future__ import annotations

import pytest
from techmonitor.render import tablelayout as tl


def test_wrap_and_fit_by_hand() -> None:
    # words of 10 pt, spaces of 2 pt: "a b" is 22 pt, "a b c" 34 pt
    assert tl._wrap([10, 10, 10], 34, 2) == 1
    assert tl._wrap([10, 10, 10], 25, 2) == 2
    assert tl._wrap([10, 10, 10], 12, 2) == 3
    assert tl._fit([10, 10, 10], 2, 2) == pytest.approx(22, abs=0.01)
    assert tl._fit([10, 10, 10], 3, 2) == 10  # one word a line: the longest word
    assert tl._fit([30, 5], 1, 2) == pytest.approx(37, abs=0.02)  # bisection, 12 steps


def test_widths_fill_the_text_width_and_hold_every_word() -> None:
    m = tl._metrics()
    words = "Instroom hoger onderwijs in opleidingen van de topsector (hbo)"
    columns = [["Indicator"] + [words] * 6, ["Laatste waarde"] + ["1.680 (2019/'20)"] * 6,
               ["Verandering"] + ["-108 t.o.v. 2018/'19"] * 6,
               ["Trend"] + ["↗ +92 per jaar"] * 6, ["Doel"] + ["geen doel"] * 6,
               ["Status"] + ["▲\u00a0significante stijging"] * 6]
    layout = tl.table_layout(columns)
    assert layout.widths is not None and len(layout.widths) == 6
    assert sum(layout.widths) == pytest.approx(tl.TEXT_WIDTH)
    pad = tl.CELL_PAD + 1
    for col, width in zip(columns, layout.widths, strict=True):
        longest = max(m.word(w) for text in col for w in text.split(" ") if w)
        assert width - pad >= longest - 0.01  # no word is cut
    # the long first column wraps, so the estimate is taller than one line a row
    one_line = 7 * (tl.CAP_HEIGHT * tl.TABLE_SIZE + 2 * tl.CELL_INSET_Y)
    assert layout.height > one_line


def test_a_narrow_table_gives_the_first_column_the_room_left() -> None:
    layout = tl.table_layout([["Periode", "2019", "2020"], ["Waarde", "12", "13"]])
    assert layout.widths is not None
    m = tl._metrics()
    assert layout.widths[1] == pytest.approx(m.word("Waarde") + tl.CELL_PAD + 1)
    assert sum(layout.widths) == pytest.approx(tl.TEXT_WIDTH)


def test_a_table_that_cannot_fit_leaves_the_widths_to_typst() -> None:
    long_word = "x" * 400
    layout = tl.table_layout([["a", long_word], ["b", long_word]])
    assert layout.widths is None and layout.height == float("inf")


def test_word_widths_come_from_the_font() -> None:
    m = tl._metrics()
    assert m.word("WWW") > m.word("iii") > 0  # proportional, not a fixed width
    assert m.char("✓") > 0  # a sign from the fallback font
