"""A measure's planned output in the one style of numbers and units, in both languages."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from techmonitor.measures import OutputTarget
from techmonitor.messages import msg
from techmonitor.report.measures import _planned


def _planned_text(target: OutputTarget, lang: str) -> str:
    report = SimpleNamespace(lang=lang, t=lambda key, **v: msg(key, lang, **v))
    row = SimpleNamespace(measure=SimpleNamespace(output_target=target))
    return _planned(row, report)  # type: ignore[arg-type]


SHARE = OutputTarget(description_nl="van de onderwijsbekostiging selectief toegekend",
                     description_en="of education funding allocated selectively",
                     value=2, unit="percent")
GROUPS = OutputTarget(description_nl="groepen in het primair onderwijs met een gastles",
                      description_en="primary-school groups with a guest lesson",
                      value=3500, unit="count")
WORDS = OutputTarget(description_nl="één centrum per topsector",
                     description_en="one centre per top sector")


@pytest.mark.parametrize(("target", "lang", "expected"), [
    # a percentage keeps its % (it had read "2 deel van de onderwijsbekostiging")
    (SHARE, "nl", "2% van de onderwijsbekostiging selectief toegekend"),
    (SHARE, "en", "2% of education funding allocated selectively"),
    # thousands with a point (a comma in English); the description names the unit
    (GROUPS, "nl", "3.500 groepen in het primair onderwijs met een gastles"),
    (GROUPS, "en", "3,500 primary-school groups with a guest lesson"),
    # no number: the words alone, in the report's language
    (WORDS, "nl", "één centrum per topsector"),
    (WORDS, "en", "one centre per top sector"),
])
def test_planned_output_keeps_its_unit(target: OutputTarget, lang: str, expected: str) -> None:
    assert _planned_text(target, lang) == expected


def test_an_old_unit_word_is_refused() -> None:
    with pytest.raises(ValueError, match="count|percent"):
        OutputTarget(description_nl="deel", description_en="share", value=2,
                     unit="procent")  # type: ignore[arg-type]
