"""The one place a report picks a data text in its language.

Every text of ``data/`` a reader sees exists in both report languages, as a pair of fields
``<field>_nl`` and ``<field>_en`` (``title_nl``/``title_en`` of a measure, ``label_nl``/
``label_en`` of a vintage …). The loaders of ``data/`` refuse an entry without one of them
(a :class:`~techmonitor.errors.DataValidationError` naming file, key and field), so this pick
never falls back to the other language: an English report holds no Dutch from the data.
"""

from __future__ import annotations

from techmonitor.messages import LANGS


def text(entry: object, field: str, lang: str) -> str:
    """The ``<field>_<lang>`` text of a data entry.

    Parameters
    ----------
    entry
        A validated data entry (a pydantic model or dataclass with ``<field>_nl`` and
        ``<field>_en``).
    field
        The text's name without the language suffix: ``"title"``, ``"name"``, ``"label"``.
    lang
        ``"nl"`` or ``"en"``.

    Returns
    -------
    str
        The text in ``lang``.

    Raises
    ------
    ValueError
        An unknown language.
    AttributeError
        The entry has no such field (a programming error: the loaders require both).
    """
    if lang not in LANGS:
        raise ValueError(f"language {lang!r} is not one of {', '.join(LANGS)}")
    return str(getattr(entry, f"{field}_{lang}"))
