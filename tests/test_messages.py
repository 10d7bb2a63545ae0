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
