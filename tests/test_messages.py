"""Message table: both languages, same placeholders."""

from __future__ import annotations

import string

import pytest
from techmonitor.messages import MESSAGES, join_words, msg


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_both_languages_present_with_same_placeholders(key: str) -> None:
    nl, en = MESSAGES[key]
    assert nl.strip() and en.strip()
    assert _fields(nl) == _fields(en)


def test_msg_formats_and_names_unknown_keys() -> None:
    assert msg("sec.goal", "en", n=2, title="x") == "Goal 2: x"
    assert msg("sec.goal", "nl", n=2, title="x") == "Doel 2: x"
    with pytest.raises(KeyError, match="no.such"):
        msg("no.such", "nl")


def test_join_words() -> None:
    assert join_words(["a", "b", "c"], "nl") == "a, b en c"
    assert join_words(["a", "b"], "en") == "a and b"


def test_catalogue_units_have_dutch_and_english_names() -> None:
    import yaml
    from techmonitor.messages import unit_name

    from .conftest import ROOT

    doc = yaml.safe_load((ROOT / "data" / "indicators.yaml").read_text(encoding="utf-8"))
    units = {ind["unit"] for ind in doc["indicators"].values()}
    for unit in units:
        assert unit_name(unit, "en") == unit  # the catalogue writes units in English
        assert unit_name(unit, "nl") != unit, f"no Dutch name for unit {unit!r}"
    assert unit_name("persons", "nl") == "personen"
