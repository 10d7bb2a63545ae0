"""Sentences for the reports, generated from trend and progress results (Dutch default, English).

Every number is formatted by :mod:`techmonitor.fmt`; nothing is typed by hand. Every word comes
from the message catalogue (:mod:`techmonitor.messages`, keys ``nar.*``): this module chooses
*which* sentence and computes its values. The indicator name comes from the caller (the
catalogue's ``name_nl``/``name_en``) and is used as the subject of the first sentence, e.g.
``"de technische instroom in het hbo"``; so is its grammatical ``number`` (the catalogue's
``number_nl``/``number_en``), which picks the verb form: "steeg" or "stegen".

Example (nl)::

    De technische instroom in het hbo steeg van 12.345 in 2015/'16 naar 15.678 in 2019/'20;
    volgens de projectie wordt het doel van 17.000 in 2024/'25 met een kans van 64% gehaald.
    Oordeel: op koers (✓): nodig is +330 per jaar, de afgelopen jaren was dat gemiddeld +333 per
    jaar.
"""

from __future__ import annotations

from techmonitor import fmt
from techmonitor.messages import Lang, Number, has, msg, msg_n
from techmonitor.progress import (
    ACHIEVED,
    NO_SIGNIFICANT_CHANGE,
    NOT_ASSESSABLE,
    SIGNIFICANT_RISE,
    UNCERTAIN,
    TargetAssessment,
    TrendAssessment,
    assess_trend,
)
from techmonitor.progress.size import SizeCheck
from techmonitor.trends import TrendResult


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _unit(result: TrendResult, unit: str | None) -> str:
    if unit is not None:
        return unit
    return "share" if result.kind == "share" else "count"


def _val(x: float, unit: str, lang: Lang) -> str:
    return fmt.value(x, unit, lang)


def probability(p: float | None, lang: Lang = "nl", *, reliable: bool = True) -> str | None:
    """The one phrase of a probability (0–1) in a report, or None where none may be shown.

    Parameters
    ----------
    p
        The probability, or None when there is none.
    lang
        ``"nl"`` or ``"en"``.
    reliable
        False when backtests found probabilities of this kind of series unreliable
        (:func:`techmonitor.report.analysis.kind_reliable`): the report then gives none.

    Returns
    -------
    str or None
        A whole percentage, honest at the extremes: ``0.734`` → ``73%``, below 0.5% ``< 1%``,
        from 99.5% ``> 99%`` (a model never makes an outcome certain, so never ``0%`` or
        ``100%``); None when ``p`` is None or not reliable.

    Raises
    ------
    ValueError
        When ``p`` is not between 0 and 1.
    """
    if p is None or not reliable:
        return None
    pf = float(p)
    if not 0.0 <= pf <= 1.0:
        raise ValueError(f"p={p!r} is not a probability between 0 and 1")
    if pf < 0.005:
        return "< 1%"
    if pf >= 0.995:  # 99.5 would round (half up) to 100%
        return "> 99%"
    return fmt.percent(100 * pf, 0, lang)


def in_sentence(name: str) -> str:
    """A series name inside a sentence: ``Openstaande vacatures`` → ``openstaande
    vacatures`` (an abbreviation such as ``ISCED`` or ``WW'ers`` stays as it is)."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def interval(ci: tuple[float, float], unit: str, lang: Lang = "nl") -> tuple[str, str]:
    """The ends of an interval of changes per year, the unit named once:
    ``("+0,7", "+1,1 procentpunt")`` for shares, ``("-26", "+1.066")`` for counts."""
    if unit in fmt.PERCENT_UNITS:
        return (fmt.change(ci[0], 1, lang),
                fmt.percentage_points(ci[1], 1, lang, signed=True))
    lo, hi = (fmt.value_change(v, unit, lang) for v in ci)
    return lo, hi


def significant(result: TrendResult) -> bool:
    """True when the trend's 95% slope interval excludes no change (a direction may be said)."""
    ci = result.slope_ci95
    return ci is not None and (ci[0] > 0 or ci[1] < 0)


def change_sentence(name: str, result: TrendResult, lang: Lang = "nl",
                    unit: str | None = None, directional: bool | None = None, *,
                    number: Number) -> str:
    """First → latest observation: "De X steeg van A in P0 naar B in P1" (no closing period).

    "steeg"/"daalde" only when ``directional`` (default: the trend's 95% interval excludes
    no change, :func:`significant`); otherwise the two values without a direction: "De X: A
    in P0 en B in P1".

    Parameters
    ----------
    name
        Indicator name as subject, e.g. ``"de technische instroom in het hbo"``.
    result
        Trend result (only its data are used, so this also works without a model).
    lang
        ``"nl"`` or ``"en"``.
    unit
        Indicator unit for formatting (default ``"share"`` for share results, else ``"count"``).
    number
        Grammatical number of ``name``: the verb agrees with it ("steeg"/"stegen").

    Returns
    -------
    str
        The sentence without its closing full stop (callers append clauses).
    """
    s = result.data
    u = _unit(result, unit)
    subject = _cap(name)
    if s.n == 0:
        return msg_n("nar.change.none", number, lang, name=subject)
    a, b = _val(s.y[0], u, lang), _val(s.y[-1], u, lang)
    p0, p1 = fmt.period(s.periods[0], lang), fmt.period(s.periods[-1], lang)
    if s.n == 1:
        return msg_n("nar.change.single", number, lang, name=subject, value=b, period=p1)
    if a == b:
        return msg_n("nar.change.same", number, lang, name=subject, value=a, first=p0,
                     last=p1)
    if not (significant(result) if directional is None else directional):
        return msg("nar.change.between", lang, name=subject, first_value=a, first=p0,
                   last_value=b, last=p1)
    key = "nar.change.rise" if s.y[-1] > s.y[0] else "nar.change.fall"
    return msg_n(key, number, lang, name=subject, first_value=a, first=p0, last_value=b,
                 last=p1)


def target_clause(target: TargetAssessment, lang: Lang = "nl", unit: str = "count",
                  overconfident: bool = False,
                  band80: tuple[float, float] | None = None) -> str:
    """The part after the semicolon: chance of meeting the target, or that it is already met.

    Parameters
    ----------
    target
        The assessment; an illustrative target (no published figure) is named as such.
    lang
        ``"nl"`` or ``"en"``.
    unit
        Indicator unit for formatting the target value.
    overconfident
        Backtests showed that probabilities of this kind of series did not come true as often
        as they said. With ``band80`` the clause then gives no probability but where the
        target lies against the 80% interval of the projection (whose coverage the backtests
        did confirm) and why; without it, it says so beside the number.
    band80
        The 80% projection interval in the target period.

    Returns
    -------
    str
        A clause starting in lower case, without a closing full stop.
    """
    values = {"value": _val(target.target_value, unit, lang),
              "period": fmt.period(target.target_period, lang)}
    # an illustrative target (no published figure) says so wherever it is named
    ill = "_ill" if target.target_illustrative else ""
    passed = msg("nar.target.passed", lang) if target.period_passed else ""
    if target.category is ACHIEVED:
        return msg(f"nar.target.met{ill}", lang, **values) + passed
    if target.probability is None:
        return msg(f"nar.target.is{ill}", lang, **values) + passed
    if overconfident and band80 is not None:
        lo, hi = band80
        where = "in" if lo <= target.target_value <= hi else \
            "above" if target.target_value > hi else "below"
        return msg(f"nar.target.band{ill}", lang, where=msg(f"nar.band.{where}", lang),
                   lo=_val(lo, unit, lang), hi=_val(hi, unit, lang), **values) + passed
    clause = msg(f"nar.target.chance{ill}", lang, chance=probability(target.probability, lang),
                 **values)
    return clause + (msg("nar.target.overconfident", lang) if overconfident else "") + passed


def judgement_sentence(target: TargetAssessment, lang: Lang = "nl", unit: str = "count") -> str:
    """"Oordeel: op koers (✓): nodig is vanaf nu +X per jaar; sinds het basisjaar … gemiddeld +Y."

    Parameters
    ----------
    target
        The assessment.
    lang
        ``"nl"`` or ``"en"``.
    unit
        Indicator unit for formatting the changes per year.

    Returns
    -------
    str
        One sentence; the required and actual pace only when both are known.
    """
    cat = target.category
    head = {"label": cat.label(lang), "symbol": cat.symbol}
    req, act = target.required_change_per_year, target.actual_change_per_year
    if cat is UNCERTAIN and target.trend_ci95 is not None:
        lo, hi = target.trend_ci95
        needed = target.required_change_per_year_from_baseline or 0.0
        text = msg("nar.judgement.uncertain", lang, required=fmt.value_change(needed, unit, lang),
                   lo=fmt.value_change(lo, unit, lang), hi=fmt.value_change(hi, unit, lang),
                   **head)
    elif cat is ACHIEVED or cat is NOT_ASSESSABLE or req is None or act is None:
        text = msg("nar.judgement", lang, **head)
    else:
        text = msg("nar.judgement.pace", lang, required=fmt.value_change(req, unit, lang),
                   actual=fmt.value_change(act, unit, lang),
                   baseline=fmt.period(target.baseline_period, lang), **head)
    if target.target_illustrative:
        # a verdict on an illustrative target says so in the same sentence
        text = text.rstrip(".") + msg("nar.judgement.ill", lang) + "."
    return text


def trend_sentence(trend: TrendAssessment, lang: Lang = "nl", unit: str = "count",
                   quarters: int | None = None) -> str:
    """Sentence on a trend without a target: significant rise/fall or no significant change.

    Parameters
    ----------
    trend
        The trend assessment.
    lang
        ``"nl"`` or ``"en"``.
    unit
        Indicator unit for formatting the slope and its interval.
    quarters
        For quarterly series, the number of seasonally adjusted quarters the trend line was
        fitted to; the sentence then says so (the trend covers a window, not the whole series).

    Returns
    -------
    str
        The sentence, or ``""`` when the trend cannot be assessed.
    """
    if trend.category is NOT_ASSESSABLE or trend.slope is None or trend.ci95 is None:
        return ""
    sl = fmt.value_change(trend.slope, unit, lang)
    lo, hi = interval(trend.ci95, unit, lang)
    ci = msg("nar.trend.ci95", lang, lo=lo, hi=hi)
    if trend.category is NO_SIGNIFICANT_CHANGE:
        kind = "flat"
    else:
        kind = "rise" if trend.category is SIGNIFICANT_RISE else "fall"
    if quarters:
        return msg(f"nar.trend.{kind}_window", lang, quarters=quarters, slope=sl, ci=ci)
    return msg(f"nar.trend.{kind}", lang, slope=sl, ci=ci)


def size_sentence(size: SizeCheck, period: str, lang: Lang = "nl") -> str:
    """Why a series gets no verdict: "Te klein om te beoordelen: minder dan 100 per jaar
    (48 in 2019/'20); daarom geen oordeel over richting of doel en geen projectie."

    Parameters
    ----------
    size
        The too-small check (:func:`techmonitor.progress.size.judgeable`).
    period
        The newest period the check looked at.
    lang
        ``"nl"`` or ``"en"``.

    Returns
    -------
    str
        One sentence, or ``""`` when the series may be judged.
    """
    if size.judgeable:
        return ""
    if size.reason == "no_data":
        return msg("nar.size.no_data", lang)
    total = size.newest_year_total
    return msg("nar.size.too_small", lang, threshold=fmt.count(size.threshold, lang),
               value=fmt.count(total, lang) if total == total else msg("none", lang),
               period=fmt.period(period, lang))


def yoy_sentence(name: str, result: TrendResult, lang: Lang = "nl",
                 unit: str | None = None) -> str:
    """Quarterly series: latest quarter against the same quarter a year earlier.

    Parameters
    ----------
    name
        Indicator name as subject (capitalised here).
    result
        Trend result of a quarterly series.
    lang
        ``"nl"`` or ``"en"``.
    unit
        Indicator unit for formatting (default from ``result.kind``).

    Returns
    -------
    str
        One sentence, or ``""`` when the result has no year-on-year comparison.
    """
    y = result.yoy
    if not y:
        return ""
    u = _unit(result, unit)
    pct = y["pct_change"]
    values = {
        "name": _cap(name),
        "value": _val(y["value"], u, lang),
        "previous_value": _val(y["previous_value"], u, lang),
        "quarter": fmt.quarter(y["period"], lang),
        "previous_quarter": fmt.quarter(y["previous_period"], lang),
    }
    # "the same" when the change rounds to 0.0% as written
    if fmt.number(abs(pct), 1, lang) == fmt.number(0, 1, lang):
        return msg("nar.yoy.same", lang, **values)
    key = "nar.yoy.more" if pct > 0 else "nar.yoy.less"
    return msg(key, lang, pct=fmt.percent(abs(pct), 1, lang), **values)


def describe(
    name: str,
    result: TrendResult,
    target: TargetAssessment | None = None,
    trend: TrendAssessment | None = None,
    lang: Lang = "nl",
    unit: str | None = None,
    overconfident: bool = False,
    band80: tuple[float, float] | None = None,
    size: SizeCheck | None = None,
    *,
    number: Number,
) -> str:
    """One paragraph on an indicator: movement, target or trend, and caveats.

    No sentence gives a direction ("steeg", "significante daling", "beweegt van doel af")
    unless the trend's 95% interval excludes no change; a series too small to judge
    (``size``) gets its values and why it has no verdict, nothing more.

    Parameters
    ----------
    name
        Indicator name from the catalogue, used as sentence subject (``"de technische instroom in
        het hbo"``; it is capitalised at the start of the sentence).
    result
        :class:`~techmonitor.trends.TrendResult` from :func:`techmonitor.trends.estimate`.
    target
        :class:`~techmonitor.progress.TargetAssessment` when the indicator has a target.
    trend
        :class:`~techmonitor.progress.TrendAssessment`; computed from ``result`` when neither
        ``target`` nor ``trend`` is given.
    lang
        ``"nl"`` (default) or ``"en"``.
    unit
        Indicator unit (``"count"``, ``"share"``, ``"eur"`` …); default from ``result.kind``.
    overconfident, band80
        See :func:`target_clause`.
    size
        The too-small check of the series; when it fails there is no verdict.
    number
        Grammatical number of ``name`` (the catalogue's ``number_nl``/``number_en``).

    Returns
    -------
    str
        Sentences ending in a full stop. Illustrative data are flagged "(illustratieve
        gegevens)"; rows of other vintages that were not fitted are mentioned; a series without
        model says why.

    Raises
    ------
    ValueError
        If ``lang`` is not ``"nl"`` or ``"en"``.
    """
    if lang not in ("nl", "en"):
        raise ValueError(f"lang={lang!r}; use 'nl' or 'en'")
    u = _unit(result, unit)
    parts: list[str] = []
    illustrative = result.illustrative or (target is not None and target.illustrative)
    flag = msg("nar.flag_illustrative", lang) if illustrative else ""
    if size is not None and not size.judgeable:
        first = change_sentence(name, result, lang, u, directional=False,
                                number=number) + flag + "."
        last = result.data.periods[-1] if result.data.n else ""
        return first + " " + size_sentence(size, last, lang)
    if result.kind == "quarterly" and result.yoy:
        # first vs latest quarter would mix trend and season: compare with a year earlier
        first = yoy_sentence(name, result, lang, u)[:-1] + flag
    else:
        first = change_sentence(name, result, lang, u, number=number) + flag
    if target is not None:
        first += "; " + target_clause(target, lang, u, overconfident, band80)
    parts.append(first + ".")

    if not result.has_model:
        key = f"nar.no_model.{result.reason_code or 'fit_failed'}"
        parts.append(msg(key if has(key) else "nar.no_model.fit_failed", lang, n=result.n))
    elif target is not None:
        parts.append(judgement_sentence(target, lang, u))
    else:
        t = trend if trend is not None else assess_trend(result)
        window = getattr(result.core, "window", None) if result.kind == "quarterly" else None
        s = trend_sentence(t, lang, u, window)
        if s:
            parts.append(s)

    if len(result.excluded):
        vints = ", ".join(dict.fromkeys(str(v) for v in result.excluded["vintage"]))
        parts.append(msg("nar.excluded", lang, vintages=vints))
    return " ".join(p for p in parts if p)
