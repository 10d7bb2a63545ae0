"""Dutch (default) and English formatting of numbers, percentages, money, dates and periods.

Everything goes through babel so that separators follow the locale (``nl`` → ``nl_NL``:
``1.234.567,891``; ``en`` → ``en_GB``: ``1,234,567.891``). Report text never contains a number
typed by hand: narrative.py and the templates call these functions.

Conventions (see ``/work/shared/notes/report-style.md``):

* Rounding is *half away from zero* (``2,5`` → ``3``), as in CBS tables and as readers expect;
  babel on its own rounds half-to-even, so values are quantised with :mod:`decimal` first.
* Years and period codes are never formatted as numbers (babel would write ``2.023``); use
  :func:`period`, :func:`school_year` or :func:`quarter`.
* Shares in this project are on a 0–100 scale, so :func:`percent` takes ``28.3`` → ``28,3%``.
* Money in running text is abbreviated: ``€ 18,7 mln``, ``€ 1,2 mld`` (English ``€18.7 million``).
  The space after ``€`` and before ``mln`` is a non-breaking space (U+00A0) by default, as babel
  does, so that a line never breaks inside an amount; pass ``nbsp=False`` for a plain space.
* Negative numbers use babel's hyphen-minus; :func:`change` adds an explicit ``+`` for rises.
"""

from __future__ import annotations

import datetime as _dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from babel.dates import format_date
from babel.numbers import format_decimal

from techmonitor.messages import Lang, msg
from techmonitor.periods import period_kind, quarter_to_period

NBSP = "\u00a0"
#: unit names that mean a whole count, a percentage (0–100) and euros, as data files write them
COUNT_UNITS = ("count", "persons", "number", "aantal")
PERCENT_UNITS = ("share", "percent", "pct", "%", "procent")
MONEY_UNITS = ("eur", "euro", "EUR")
_LOCALES: dict[str, str] = {"nl": "nl_NL", "en": "en_GB"}


def locale_for(lang: str) -> str:
    """Return the babel locale for a report language (``"nl"`` or ``"en"``).

    Raises
    ------
    ValueError
        If ``lang`` is not ``"nl"`` or ``"en"``.
    """
    try:
        return _LOCALES[lang]
    except KeyError:
        raise ValueError(f"lang={lang!r} is not supported; use 'nl' or 'en'") from None


def _quantize(x: float, decimals: int) -> Decimal:
    # str() first so that 2.675 is treated as the decimal the reader sees, not 2.67499999...
    q = Decimal(1).scaleb(-decimals)
    return Decimal(str(float(x))).quantize(q, rounding=ROUND_HALF_UP)


def _pattern(decimals: int, grouping: bool = True) -> str:
    base = "#,##0" if grouping else "0"
    return base + ("." + "0" * decimals if decimals > 0 else "")


def number(x: float, decimals: int = 0, lang: Lang = "nl", grouping: bool = True) -> str:
    """Format a number with a fixed number of decimals.

    Parameters
    ----------
    x
        The value.
    decimals
        Digits after the decimal sign (rounded half away from zero).
    lang
        ``"nl"`` (default) or ``"en"``.
    grouping
        Use thousands separators (``1.234``); default True.

    Returns
    -------
    str
        E.g. ``number(1234567.891, 3) == "1.234.567,891"``, ``number(2.5) == "3"``.

    Raises
    ------
    ValueError
        If ``x`` is not finite or ``decimals`` is negative.
    """
    if decimals < 0:
        raise ValueError(f"decimals={decimals} must be 0 or more")
    xf = float(x)
    if xf != xf or xf in (float("inf"), float("-inf")):
        raise ValueError(f"x={x!r} is not a finite number")
    d = _quantize(xf, decimals)
    if d == 0:
        d = abs(d)  # avoid "-0"
    return format_decimal(d, format=_pattern(decimals, grouping), locale=locale_for(lang))


def count(x: float, lang: Lang = "nl") -> str:
    """Format a count as a whole number with thousands separators: ``12345.4`` → ``12.345``."""
    return number(x, 0, lang)


def percent(
    x: float,
    decimals: int = 1,
    lang: Lang = "nl",
    style: Literal["symbol", "word"] = "symbol",
    signed: bool = False,
) -> str:
    """Format a share on the 0–100 scale as a percentage.

    Parameters
    ----------
    x
        Share in percent (``28.3`` means 28.3%).
    decimals
        Digits after the decimal sign.
    lang
        ``"nl"`` or ``"en"``.
    style
        ``"symbol"`` → ``28,3%`` (tables, compact text); ``"word"`` → ``28,3 procent``
        (``28.3 per cent``), the style of government running text.
    signed
        Give a rise its ``+`` (a change in percent: ``+12%``), as :func:`change` does.
    """
    s = change(x, decimals, lang) if signed else number(x, decimals, lang)
    if style == "word":
        return msg("fmt.per_cent", lang, number=s)
    return s + "%"


def percentage_points(x: float, decimals: int = 1, lang: Lang = "nl", signed: bool = False) -> str:
    """Format a difference of two percentages: ``2,1 procentpunt`` (``2.1 percentage points``)."""
    s = change(x, decimals, lang) if signed else number(x, decimals, lang)
    # singular only for a bare "1" ("1.0 percentage points" is plural in English)
    return msg("fmt.pp_one" if s.lstrip("+-") == "1" else "fmt.pp_other", lang, number=s)


def change(x: float, decimals: int = 0, lang: Lang = "nl") -> str:
    """Format a change with an explicit sign: ``+1.234``, ``-56``, ``0``."""
    s = number(x, decimals, lang)
    if _quantize(float(x), decimals) > 0:
        return "+" + s
    return s


def money(
    x: float,
    lang: Lang = "nl",
    decimals: int | None = None,
    nbsp: bool = True,
) -> str:
    """Format an amount in euros for running text.

    Amounts of a million or more are abbreviated (``€ 18,7 mln``, ``€ 1,2 mld``; English
    ``€18.7 million``, ``€1.2 billion``); smaller amounts are written in full without cents
    (``€ 6.000``).

    Parameters
    ----------
    x
        Amount in euros.
    lang
        ``"nl"`` or ``"en"``.
    decimals
        Decimals of the abbreviated number. Default: one decimal, none when the abbreviated
        value is whole (``€ 20 mln``); amounts below a million get no cents.
    nbsp
        Join ``€``, number and unit with non-breaking spaces (default) so lines never break
        inside an amount.
    """
    xf = float(x)
    sign = "-" if xf < 0 else ""
    a = abs(xf)
    # the words and the place of € and spaces are messages; their spaces are non-breaking
    if a >= 1e9:
        value, key = a / 1e9, "fmt.billion"
    elif a >= 1e6:
        value, key = a / 1e6, "fmt.million"
    else:
        value, key = a, "fmt.euro"
    if key != "fmt.euro":
        if decimals is None:
            decimals = 0 if _quantize(value, 1) == _quantize(value, 0) else 1
        num = number(value, decimals, lang)
    else:
        num = number(value, decimals or 0, lang)
    out = sign + msg(key, lang, number=num)
    return out if nbsp else out.replace(NBSP, " ")


def date(d: _dt.date | str, lang: Lang = "nl", style: Literal["long", "short"] = "long") -> str:
    """Format a date: ``30 juni 2023`` (long) or ``30-06-2023`` (short); en ``30 June 2023``.

    ``d`` may be a :class:`datetime.date` or an ISO string ``"2023-06-30"``.
    """
    if isinstance(d, str):
        d = _dt.date.fromisoformat(d)
    return format_date(d, style, locale=locale_for(lang))


def quarter(code: str, lang: Lang = "nl", style: Literal["long", "short"] = "long") -> str:
    """Format a quarter code: ``2023Q2`` → ``2e kwartaal 2023`` (long) or ``K2 2023`` (short).

    English: ``2nd quarter 2023`` / ``Q2 2023``.
    """
    year, q = quarter_to_period(code)
    pattern = "QQQQ y" if style == "long" else "QQQ y"
    return format_date(_dt.date(year, 3 * q - 1, 15), pattern, locale=locale_for(lang))


def school_year(code: str, lang: Lang = "nl") -> str:
    """Format a school-year code: ``2019/20`` → ``2019/'20`` (nl) or ``2019/20`` (en)."""
    if period_kind(code) != "school_year":
        raise ValueError(f"period {code!r} is not a school year such as 2019/20")
    if lang == "nl":
        return f"{code[:4]}/'{code[5:]}"
    locale_for(lang)
    return code


def period(code: str, lang: Lang = "nl", style: Literal["long", "short"] = "long") -> str:
    """Format any period code for text: ``2019`` → ``2019`` (never ``2.019``),
    ``2019/20`` → ``2019/'20``, ``2023Q2`` → ``2e kwartaal 2023`` (``K2 2023`` when short)."""
    kind = period_kind(code)
    if kind == "year":
        locale_for(lang)
        return code
    if kind == "school_year":
        return school_year(code, lang)
    return quarter(code, lang, style)


def value(x: float, unit: str, lang: Lang = "nl", decimals: int | None = None) -> str:
    """Format a value in an indicator's unit.

    Parameters
    ----------
    x
        The value.
    unit
        ``"count"`` (whole number), ``"share"``/``"percent"`` (0–100, one decimal, ``%``),
        ``"eur"`` (money), anything else: number with ``decimals`` (default 1) and the unit
        appended after a space.
    """
    if unit in COUNT_UNITS:
        return number(x, decimals or 0, lang)
    if unit in PERCENT_UNITS:
        return percent(x, 1 if decimals is None else decimals, lang)
    if unit in MONEY_UNITS:
        return money(x, lang, decimals)
    return number(x, 1 if decimals is None else decimals, lang) + f" {unit}"


def value_change(x: float, unit: str, lang: Lang = "nl", decimals: int | None = None) -> str:
    """Format a change in an indicator's unit with sign: ``+1.234``, ``+2,1 procentpunt``."""
    if unit in PERCENT_UNITS:
        return percentage_points(x, 1 if decimals is None else decimals, lang, signed=True)
    if unit in COUNT_UNITS:
        return change(x, decimals or 0, lang)
    if unit in MONEY_UNITS:
        s = money(abs(x), lang, decimals)
        return ("+" if x > 0 else "-" if x < 0 else "") + s
    return change(x, 1 if decimals is None else decimals, lang) + f" {unit}"
