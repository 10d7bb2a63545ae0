"""A measure's planned output in the one style of numbers and units."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from techmonitor.messages import msg
from techmonitor.reference import OutputTarget
from techmonitor.report.measures import _planned


def _planned_text(target: OutputTarget, lang: str) -> str:
    report = SimpleNamespace(lang=lang, t=lambda key, **v: msg(key, lang, **v))
    row = SimpleNamespace(measure=SimpleNamespace(output_target=target))
    return _planned(row, report)  # type: ignore[arg-type]


@pytest.mark.parametrize(("target", "lang", "expected"), [
    # a percentage keeps its % (it had read "2 deel van de onderwijsbekostiging")
    (OutputTarget(description_nl="deel van de onderwijsbekostiging selectief toegekend",
                  value=2, unit="procent"), "nl",
     "2% (deel van de onderwijsbekostiging selectief toegekend)"),
    (OutputTarget(description_nl="deel van de bekostiging", value=2, unit="procent"), "en", "2%"),
    # thousands with a point; the Dutch description names the unit
    (OutputTarget(description_nl="groepen in het primair onderwijs met een gastles", value=3500,
                  unit="groepen"), "nl", "3.500 groepen in het primair onderwijs met een gastles"),
    (OutputTarget(description_nl="groepen", value=3500, unit="groups"), "en", "3,500 groups"),
])
def test_planned_output_keeps_its_unit(target: OutputTarget, lang: str, expected: str) -> None:
    assert _planned_text(target, lang) == expected
