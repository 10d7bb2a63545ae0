"""Sentences for the reports, generated from trend and progress results (Dutch default, English).

Every number is formatted by :mod:`techmonitor.fmt`; nothing is typed by hand. The indicator name
comes from the caller (the catalogue's ``name_nl``/``name_en``) and is used as the subject of the
first sentence, e.g. ``"de technische instroom in het hbo"``.

Example (nl)::

    De technische instroom in het hbo steeg van 12.345 in 2015/'16 naar 15.678 in 2019/'20; bij
    dit tempo wordt het doel van 17.000 in 2024/'25 met een kans van 64% gehaald. Oordeel: op koers
    (✓): nodig is +330 per jaar, de afgelopen jaren was dat gemiddeld +333 per jaar.
"""

from __future__ import annotations

from typing import Literal

from techmonitor import fmt
from techmonitor.progress import (
    ACHIEVED,
    NO_SIGNIFICANT_CHANGE,
    NOT_ASSESSABLE,
    SIGNIFICANT_RISE,
    TargetAssessment,
    TrendAssessment,
    assess_trend,
)
from techmonitor.trends import TrendResult

Lang = Literal["nl", "en"]

ILLUSTRATIVE = {"nl": "illustratieve gegevens", "en": "illustrative data"}

_NO_MODEL = {
    "too_short": {
        "nl": "Er zijn te weinig waarnemingen ({n}) voor een trendschatting; de cijfers staan in "
        "de tabel.",
        "en": "There are too few observations ({n}) to estimate a trend; the figures are shown "
        "in the table.",
    },
    "too_short_seasonal": {
        "nl": "Er zijn te weinig kwartalen ({n}) om voor seizoensinvloeden te corrigeren; een "
        "trend is daarom niet geschat.",
        "en": "There are too few quarters ({n}) to adjust for seasonal effects, so no trend was "
        "estimated.",
    },
    "gaps_in_quarters": {
        "nl": "De kwartaalreeks heeft gaten; een trend is daarom niet geschat.",
        "en": "The quarterly series has gaps, so no trend was estimated.",
    },
    "fit_failed": {
        "nl": "Voor deze reeks kon geen trend worden geschat.",
        "en": "No trend could be estimated for this series.",
    },
}


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _unit(result: TrendResult, unit: str | None) -> str:
    if unit is not None:
        return unit
    return "share" if result.kind == "share" else "count"


def _val(x: float, unit: str, lang: Lang) -> str:
    return fmt.value(x, unit, lang)


def _chance(p: float, lang: Lang) -> str:
    # a model never makes an outcome certain: say "less than 1%" rather than "0%"
    if p < 0.005:
        return "minder dan 1%" if lang == "nl" else "less than 1%"
    if p > 0.995:
        return "meer dan 99%" if lang == "nl" else "more than 99%"
    return fmt.percent(100 * p, 0, lang)


def change_sentence(name: str, result: TrendResult, lang: Lang = "nl",
                    unit: str | None = None) -> str:
    """First → latest observation: "De X steeg van A in P0 naar B in P1" (no closing period).

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
    """
    s = result.data
    u = _unit(result, unit)
    if s.n == 0:
        return _cap(name) + (" heeft geen waarnemingen" if lang == "nl" else " has no observations")
    a, b = _val(s.y[0], u, lang), _val(s.y[-1], u, lang)
    p0, p1 = fmt.period(s.periods[0], lang), fmt.period(s.periods[-1], lang)
    if s.n == 1:
        return _cap(name) + (f" was {b} in {p1}" if lang == "nl" else f" was {b} in {p1}")
    if a == b:
        verb = f" bleef {a} ({p0} tot {p1})" if lang == "nl" else f" stayed at {a} ({p0} to {p1})"
        return _cap(name) + verb
    up = s.y[-1] > s.y[0]
    if lang == "nl":
        verb = "steeg" if up else "daalde"
        return f"{_cap(name)} {verb} van {a} in {p0} naar {b} in {p1}"
    verb = "rose" if up else "fell"
    return f"{_cap(name)} {verb} from {a} in {p0} to {b} in {p1}"


def target_clause(target: TargetAssessment, lang: Lang = "nl", unit: str = "count") -> str:
    """The part after the semicolon: chance of meeting the target, or that it is already met."""
    g = _val(target.target_value, unit, lang)
    pt = fmt.period(target.target_period, lang)
    # an illustrative target (no published figure) says so wherever it is named
    doel = "het illustratieve doel" if target.target_illustrative else "het doel"
    goal = "the illustrative target" if target.target_illustrative else "the target"
    if target.category is ACHIEVED:
        return (f"{doel} van {g} in {pt} is daarmee al gehaald" if lang == "nl"
                else f"{goal} of {g} in {pt} has already been met")
    if target.probability is None:
        return f"{doel} is {g} in {pt}" if lang == "nl" else f"{goal} is {g} in {pt}"
    c = _chance(target.probability, lang)
    if lang == "nl":
        return f"bij dit tempo wordt {doel} van {g} in {pt} met een kans van {c} gehaald"
    return f"at this pace {goal} of {g} in {pt} will be met with a probability of {c}"


def judgement_sentence(target: TargetAssessment, lang: Lang = "nl", unit: str = "count") -> str:
    """"Oordeel: op koers (✓): nodig is +X per jaar, de afgelopen jaren was dat gemiddeld +Y."."""
    cat = target.category
    head = ("Oordeel: " if lang == "nl" else "Assessment: ") + f"{cat.label(lang)} ({cat.symbol})"
    if cat is ACHIEVED or cat is NOT_ASSESSABLE:
        return head + "."
    req, act = target.required_change_per_year, target.actual_change_per_year
    if req is None or act is None:
        return head + "."
    r, a = fmt.value_change(req, unit, lang), fmt.value_change(act, unit, lang)
    if lang == "nl":
        return (f"{head}: nodig is {r} per jaar, de afgelopen jaren was dat gemiddeld {a} per "
                "jaar.")
    return f"{head}: {r} a year is needed; in recent years the average was {a} a year."


def trend_sentence(trend: TrendAssessment, lang: Lang = "nl", unit: str = "count",
                   quarters: int | None = None) -> str:
    """Sentence on a trend without a target: significant rise/fall or no significant change.

    ``quarters``: for quarterly series, the number of seasonally adjusted quarters the trend line
    was fitted to; the sentence then says so (the trend covers a window, not the whole series).
    """
    if trend.category is NOT_ASSESSABLE or trend.slope is None or trend.ci95 is None:
        return ""
    sl = fmt.value_change(trend.slope, unit, lang)
    if unit in ("share", "percent", "pct", "%"):
        # name the unit once: "+0,7 tot +1,1 procentpunt"
        lo = fmt.change(trend.ci95[0], 1, lang)
        hi = fmt.percentage_points(trend.ci95[1], 1, lang, signed=True)
    else:
        lo, hi = (fmt.value_change(v, unit, lang) for v in trend.ci95)
    if lang == "nl":
        ci = f"95%-betrouwbaarheidsinterval {lo} tot {hi}"
        word = "stijging" if trend.category is SIGNIFICANT_RISE else "daling"
        if quarters:
            span = f"Over de laatste {quarters} kwartalen, gecorrigeerd voor seizoensinvloeden, "
            if trend.category is NO_SIGNIFICANT_CHANGE:
                return span + f"is er geen significante trend (gemiddeld {sl} per jaar, {ci})."
            return span + f"is er een significante {word} van gemiddeld {sl} per jaar ({ci})."
        if trend.category is NO_SIGNIFICANT_CHANGE:
            return f"Er is geen significante trend (gemiddeld {sl} per jaar, {ci})."
        return f"Dat is een significante {word} van gemiddeld {sl} per jaar ({ci})."
    ci = f"95% confidence interval {lo} to {hi}"
    word = "rise" if trend.category is SIGNIFICANT_RISE else "fall"
    if quarters:
        span = f"Over the last {quarters} quarters, seasonally adjusted, there is "
        if trend.category is NO_SIGNIFICANT_CHANGE:
            return span + f"no significant trend (on average {sl} a year, {ci})."
        return span + f"a significant {word} of on average {sl} a year ({ci})."
    if trend.category is NO_SIGNIFICANT_CHANGE:
        return f"There is no significant trend (on average {sl} a year, {ci})."
    return f"This is a significant {word} of on average {sl} a year ({ci})."


def yoy_sentence(name: str, result: TrendResult, lang: Lang = "nl",
                 unit: str | None = None) -> str:
    """Quarterly series: latest quarter against the same quarter a year earlier."""
    y = result.yoy
    if not y:
        return ""
    u = _unit(result, unit)
    v, pv = _val(y["value"], u, lang), _val(y["previous_value"], u, lang)
    q, pq = fmt.quarter(y["period"], lang), fmt.quarter(y["previous_period"], lang)
    pct = y["pct_change"]
    if lang == "nl":
        if fmt.number(abs(pct), 1, lang) == "0,0":
            rel = "evenveel als een jaar eerder"
        else:
            more = "meer" if pct > 0 else "minder"
            rel = f"{fmt.percent(abs(pct), 1, lang)} {more} dan een jaar eerder"
        return f"{name[:1].upper()}{name[1:]} in het {q}: {v}, {rel} ({pv} in het {pq})."
    if fmt.number(abs(pct), 1, lang) == "0.0":
        rel = "the same as a year earlier"
    else:
        more = "more" if pct > 0 else "less"
        rel = f"{fmt.percent(abs(pct), 1, lang)} {more} than a year earlier"
    return f"{name[:1].upper()}{name[1:]} in the {q}: {v}, {rel} ({pv} in the {pq})."


def describe(
    name: str,
    result: TrendResult,
    target: TargetAssessment | None = None,
    trend: TrendAssessment | None = None,
    lang: Lang = "nl",
    unit: str | None = None,
) -> str:
    """One paragraph on an indicator: movement, target or trend, and caveats.

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

    Returns
    -------
    str
        Sentences ending in a full stop. Illustrative data are flagged "(illustratieve
        gegevens)"; rows of other vintages that were not fitted are mentioned; a series without
        model says why.
    """
    if lang not in ("nl", "en"):
        raise ValueError(f"lang={lang!r}; use 'nl' or 'en'")
    u = _unit(result, unit)
    parts: list[str] = []
    illustrative = result.illustrative or (target is not None and target.illustrative)
    flag = f" ({ILLUSTRATIVE[lang]})" if illustrative else ""
    if result.kind == "quarterly" and result.yoy:
        # first vs latest quarter would mix trend and season: compare with a year earlier
        first = yoy_sentence(name, result, lang, u)[:-1] + flag
    else:
        first = change_sentence(name, result, lang, u) + flag
    if target is not None:
        first += "; " + target_clause(target, lang, u)
    parts.append(first + ".")

    if not result.has_model:
        code = result.reason_code or "fit_failed"
        template = _NO_MODEL.get(code, _NO_MODEL["fit_failed"])[lang]
        parts.append(template.format(n=result.n))
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
        if lang == "nl":
            parts.append(f"Cijfers volgens een eerdere definitie ({vints}) tellen niet mee in de "
                         "trend.")
        else:
            parts.append(f"Figures under an earlier definition ({vints}) are not part of the "
                         "trend.")
    return " ".join(p for p in parts if p)
