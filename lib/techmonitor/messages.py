"""Every fixed text a reader sees, in Dutch and English, from one gettext message catalogue.

Indicator names, definitions, measure titles and the like come from the data catalogue;
everything else a reader sees (labels, headings, the narrative sentences, the method annex's
rules, the words inside formatted numbers) comes from the gettext catalogues

* ``techmonitor/locale/nl/LC_MESSAGES/techmonitor.po`` (Dutch, the default), and
* ``techmonitor/locale/en/LC_MESSAGES/techmonitor.po`` (English),

so an English run has no Dutch left in it and a wording is changed in one place. ``msgid`` is
a stable message key (``"sec.goal"``), ``msgstr`` the text; placeholders are
:meth:`str.format` names (``"Doel {n}: {title}"``) and must be the same in both languages.
The code chooses *which* message and computes the values; the words live in the catalogue.

Editing: open a ``.po`` file in any PO editor (Poedit, Lokalize, a text editor) and change a
``msgstr``; never change a ``msgid`` without changing the code that uses it. The English file
shows the Dutch text above each entry (``#. nl: …``). Then run
``python tools/messages_check.py`` (``--write`` also re-wraps both files and refreshes those
comments) and ``pytest tests/test_messages.py``. A new message is added to both files.

The catalogues are read with :func:`babel.messages.pofile.read_po`, lazily (one language at a
time, when its first message is asked for) and once per process: a few milliseconds each.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterator, Mapping
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from io import BytesIO
from types import MappingProxyType
from typing import Literal

Lang = Literal["nl", "en"]
#: grammatical number of a subject (an indicator's name, a count)
Number = Literal["singular", "plural"]
#: key suffix of each form of a message that has one form per grammatical number
FORMS: dict[Number, str] = {"singular": "one", "plural": "other"}

#: the report languages, the default first
LANGS: tuple[Lang, ...] = ("nl", "en")
#: gettext domain: the catalogues are ``locale/<lang>/LC_MESSAGES/<DOMAIN>.po``
DOMAIN = "techmonitor"


class MessageError(KeyError):
    """An unknown message key, or a placeholder of a message without a value.

    A :class:`KeyError`, so callers that expect one keep working; the text names the key.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def catalogue_file(lang: Lang) -> Traversable:
    """The PO file of ``lang`` inside the installed package.

    Raises
    ------
    ValueError
        If ``lang`` is not a report language.
    """
    if lang not in LANGS:
        raise ValueError(f"lang={lang!r}; use one of {', '.join(LANGS)}")
    return files("techmonitor").joinpath("locale", lang, "LC_MESSAGES", f"{DOMAIN}.po")


@cache
def catalogue(lang: Lang) -> Mapping[str, str]:
    """All messages of ``lang``: key → text, in file order (read once per process).

    Parameters
    ----------
    lang
        ``"nl"`` or ``"en"``.

    Returns
    -------
    Mapping[str, str]
        A read-only mapping.

    Raises
    ------
    ValueError
        If ``lang`` is not a report language, or an entry is a plural entry (not used here).
    babel.messages.pofile.PoFileError
        If the PO file is malformed.
    """
    # babel.messages is imported here, not at module level: only a process that shows a
    # message pays for it
    from babel.messages.pofile import read_po

    with catalogue_file(lang).open("rb") as fh:
        cat = read_po(fh, locale=lang, domain=DOMAIN, ignore_obsolete=True, abort_invalid=True)
    texts: dict[str, str] = {}
    for m in cat:
        if not m.id:  # the header entry
            continue
        if not isinstance(m.id, str) or not isinstance(m.string, str):
            raise ValueError(f"{DOMAIN}.po ({lang}): {m.id!r} is a plural entry; use one key "
                             "per form")
        texts[m.id] = m.string
    return MappingProxyType(texts)


def as_lang(lang: str) -> Lang:
    """A language value as a report language: English, or else the default, Dutch (as the
    reports have always done)."""
    return "en" if lang == "en" else "nl"


def keys() -> tuple[str, ...]:
    """Every message key, in catalogue order (of the Dutch catalogue, the default)."""
    return tuple(catalogue("nl"))


def has(key: str) -> bool:
    """True when ``key`` is a message of the catalogue."""
    return key in catalogue("nl")


def text(key: str, lang: str = "nl") -> str:
    """The raw text of ``key`` in ``lang``, placeholders not filled in.

    Raises
    ------
    MessageError
        If the key is unknown (the message names it).
    """
    try:
        return catalogue(as_lang(lang))[key]
    except KeyError:
        raise MessageError(f"no message {key!r} in the techmonitor catalogue ({as_lang(lang)})"
                           ) from None


def msg(key: str, lang: str = "nl", /, **values: object) -> str:
    """The message ``key`` in ``lang``, with ``values`` filled in.

    Parameters
    ----------
    key
        Message key, e.g. ``"sec.key"``.
    lang
        ``"nl"`` or ``"en"`` (anything else is Dutch, the default).
    values
        Placeholder values (already formatted text); values the message does not use are
        ignored.

    Returns
    -------
    str
        The text.

    Raises
    ------
    MessageError
        If the key is unknown or a placeholder of the message has no value (a
        :class:`KeyError`; the message names the key).
    """
    template = text(key, lang)
    try:
        return template.format(**values)
    except KeyError as exc:
        raise MessageError(f"message {key!r} ({as_lang(lang)}) needs a value for "
                           f"{{{exc.args[0]}}}") from None
    except (IndexError, ValueError) as exc:
        raise MessageError(f"message {key!r} ({as_lang(lang)}) is not a valid template: "
                           f"{exc}") from None


def number_of(n: int) -> Number:
    """The grammatical number a count takes in Dutch and English: singular for 1 only."""
    return "singular" if n == 1 else "plural"


def msg_n(key: str, number: Number | int, lang: str = "nl", /, **values: object) -> str:
    """The form of message ``key`` that agrees with a subject or count: ``key.one`` or
    ``key.other`` (ngettext-style, one catalogue entry per form).

    Parameters
    ----------
    key
        Message key without the form, e.g. ``"nar.change.rise"`` (the catalogue has
        ``nar.change.rise.one`` "{name} steeg …" and ``nar.change.rise.other`` "{name} stegen …").
    number
        ``"singular"`` or ``"plural"`` (the subject's, e.g. :meth:`Indicator.number`), or a
        count: 1 is singular, anything else plural, and the count is also given as ``{n}``.
    lang, values
        As for :func:`msg`.

    Raises
    ------
    MessageError
        If the form is not in the catalogue, or a placeholder has no value.
    ValueError
        If ``number`` is neither a grammatical number nor a count.
    """
    if isinstance(number, bool) or not isinstance(number, int | str) \
            or (isinstance(number, str) and number not in FORMS):
        raise ValueError(f"number={number!r}; use 'singular', 'plural' or a count")
    if isinstance(number, int):
        values = {"n": number, **values}
        number = number_of(number)
    return msg(f"{key}.{FORMS[number]}", lang, **values)


def join_words(items: list[str], lang: str = "nl") -> str:
    """``a, b en c`` (``a, b and c``)."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {msg('and', lang)} " + items[-1]


def unit_name(unit: str, lang: str = "nl") -> str:
    """A catalogue unit (``persons``) in the report language; unknown units as written."""
    key = f"unit.{unit}"
    return msg(key, lang) if has(key) else unit


def placeholders(template: str) -> set[str]:
    """The :meth:`str.format` placeholder names of a message text (``""`` for a bare ``{}``).

    Raises
    ------
    ValueError
        If the text is not a valid template (an unmatched brace).
    """
    return {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}


def check_catalogues(locale_dir: Traversable | None = None) -> list[str]:
    """Everything wrong with the catalogues, one line each; empty when they are fine.

    Checks that each file parses and is for its language; that no key is defined twice; that
    both languages have the same keys; that no text is empty or fuzzy (marked "needs work" by a
    PO editor); that each text is a valid template with named placeholders, the same in both
    languages; and that the English file's ``#. nl:`` comments show the current Dutch text.

    Parameters
    ----------
    locale_dir
        The ``locale`` directory (default: the installed package's).

    Returns
    -------
    list[str]
        Problems, e.g. ``"'sec.goal': placeholders differ: nl {n, title}, en {n}"``.
    """
    from babel.messages.pofile import PoFileError, read_po

    base = locale_dir if locale_dir is not None else files("techmonitor").joinpath("locale")
    problems: list[str] = []
    found: dict[str, dict[str, tuple[str, set[str], str]]] = {}
    for lang in LANGS:
        path = base.joinpath(lang, "LC_MESSAGES", f"{DOMAIN}.po")
        try:
            raw = path.read_bytes()
        except OSError as exc:
            problems.append(f"{lang}: cannot read {path}: {exc}")
            continue
        twice = Counter(re.findall(rb'^msgid "(.+)"$', raw, flags=re.MULTILINE))
        problems += [f"{lang}: {k.decode()!r} is defined {n} times"
                     for k, n in twice.items() if n > 1]
        try:
            cat = read_po(BytesIO(raw), locale=lang, domain=DOMAIN, ignore_obsolete=True,
                          abort_invalid=True)
        except PoFileError as exc:
            problems.append(f"{lang}: {path} is not a valid PO file: {exc}")
            continue
        if str(cat.locale) != lang:
            problems.append(f"{lang}: the header says Language: {cat.locale}")
        entries: dict[str, tuple[str, set[str], str]] = {}
        for m in cat:
            if not m.id:
                continue
            if not isinstance(m.id, str) or not isinstance(m.string, str):
                problems.append(f"{lang}: {m.id!r} is a plural entry; use one key per form")
                continue
            if m.fuzzy:
                problems.append(f"{lang}: {m.id!r} is marked fuzzy (needs review)")
            if not m.string.strip():
                problems.append(f"{lang}: {m.id!r} has no text")
            try:
                names = placeholders(m.string)
            except ValueError as exc:
                problems.append(f"{lang}: {m.id!r} is not a valid template: {exc}")
                names = set()
            if any(not n.isidentifier() for n in names):
                problems.append(f"{lang}: {m.id!r} has a placeholder without a name "
                                f"({sorted(names)}); use {{name}}")
            entries[m.id] = (m.string, names, " ".join(m.auto_comments))
        found[lang] = entries
    if len(found) < len(LANGS):
        return problems
    nl, en = found["nl"], found["en"]
    problems += [f"{k!r}: in nl, missing from en" for k in nl if k not in en]
    problems += [f"{k!r}: in en, missing from nl" for k in en if k not in nl]
    for k in nl.keys() & en.keys():
        (nl_text, nl_names, _), (_, en_names, comment) = nl[k], en[k]
        if nl_names != en_names:
            problems.append(f"{k!r}: placeholders differ: nl {{{', '.join(sorted(nl_names))}}}, "
                            f"en {{{', '.join(sorted(en_names))}}}")
        # comments are re-wrapped by PO tools: compare without white space
        if "".join(comment.split()) != "".join(f"nl: {nl_text}".split()):
            problems.append(f"{k!r}: the en comment does not show the current Dutch text "
                            "(run tools/messages_check.py --write)")
    return sorted(problems)


class PerLanguage(Mapping[str, str]):
    """One message as a read-only mapping language → text (``{"nl": …, "en": …}``).

    For code that looks a text up by language (``SKIP_TEXT[lang]``); the text is read from the
    catalogue on first use.
    """

    def __init__(self, key: str) -> None:
        self.key = key

    def __getitem__(self, lang: str) -> str:
        if lang not in LANGS:
            raise KeyError(lang)
        return msg(self.key, lang)

    def __iter__(self) -> Iterator[str]:
        return iter(LANGS)

    def __len__(self) -> int:
        return len(LANGS)

    def __repr__(self) -> str:
        return f"PerLanguage({self.key!r})"


class _Messages(Mapping[str, tuple[str, str]]):
    """Read-only view key → (nl, en) of both catalogues (the shape of the former table)."""

    def __getitem__(self, key: str) -> tuple[str, str]:
        nl = catalogue("nl")[key]
        try:
            en = catalogue("en")[key]
        except KeyError:
            raise MessageError(f"message {key!r} is missing from the English catalogue"
                               ) from None
        return nl, en

    def __iter__(self) -> Iterator[str]:
        return iter(catalogue("nl"))

    def __len__(self) -> int:
        return len(catalogue("nl"))

    def __contains__(self, key: object) -> bool:
        return key in catalogue("nl")

    def __repr__(self) -> str:
        return f"<techmonitor messages: {len(self)} keys, nl and en>"


#: every message as key → (nl, en); read-only, built from the catalogues on first use
MESSAGES: Mapping[str, tuple[str, str]] = _Messages()
