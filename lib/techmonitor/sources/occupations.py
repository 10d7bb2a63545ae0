"""Retention and technical employment from transcribed CBS and Techniekpact figures.

Two raw layouts (``../shared/data/raw``):

``wisseling_beroepsklasse_07_08.csv`` (CBS 83120NED old EBB method, 85388NED new method)
    One row per table × period × occupation class of the previous period × "wisseling
    beroepsklasse" (``Totaal`` or ``Geen wisseling beroep``), value x 1 000 persons. Mapped to
    counts ``employed_prev_class_<cls>`` (everyone who was in the class one period earlier) and
    ``stayed_occupation_<cls>`` (of whom did not change occupation), in persons (× 1 000).
    The retention share is derived from them in the catalogue (never averaged). Each CBS table
    is its own vintage (``cbs-83120ned``, ``cbs-85388ned``): the EBB method changed in 2021 and
    the two are never spliced into one line.
``technical_occupations_published.csv`` (Techniekpact monitor editions)
    One row per published figure with the monitor edition in ``definition_vintage``. Editions
    up to 2021 publish one series (the pre-revision CBS maatwerk series: every one of them
    repeats 2013 = 1,395,000), vintage ``tp-occ-pre2022``; the 2022 edition revised the series
    after the EBB redesign and every later edition is its own vintage (``tp-occ-2022``,
    ``tp-occ-2023``, …), because their levels for the same year differ. A quote that states
    the change since end 2013 (``Sinds eind 2013 … met 358 duizend toegenomen``) also gives an
    ``employment_tech_change_since_2013`` row: the published change, read from the published
    sentence, never computed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from techmonitor import periods
from techmonitor.errors import DataValidationError
from techmonitor.sources import read_table, tidy

#: occupation class of the previous period (BRC 2014) → code used in indicator names
CLASSES = {"Totaal": "all", "07 Technische beroepen": "tech", "08 ICT beroepen": "ict"}
#: "wisseling beroepsklasse" value → indicator prefix
CHANGE = {"Totaal": "employed_prev_class", "Geen wisseling beroep": "stayed_occupation"}
TABLES = {"83120NED": "cbs-83120ned", "85388NED": "cbs-85388ned"}
WISSELING_COLUMNS = ("table_id", "period", "beroepsklasse_voorgaande_periode",
                     "wisseling_beroepsklasse", "werkzame_beroepsbevolking_x1000")
OCCUPATION_COLUMNS = ("indicator", "year", "value", "unit", "definition_vintage", "quote")
#: published indicator name → (indicator code, sex)
OCCUPATION_FIGURES = {
    "persons_with_technical_occupation": ("employment_tech_occupations", "all"),
    "women_with_technical_occupation": ("employment_tech_occupations", "vrouw"),
    "men_with_technical_occupation": ("employment_tech_occupations", "man"),
}
#: the Techniekpact edition that revised the series (the EBB redesign of 2021)
REVISION_EDITION = 2022
_EDITION = re.compile(r"Techniekpact monitor (\d{4})", re.I)
_CHANGE_QUOTE = re.compile(r"[Ss]inds eind 2013 .*?met ([\d.]+)( duizend)? toegenomen")


def require_columns(df: pd.DataFrame, wanted: tuple[str, ...], path: Path) -> None:
    """Raise a clear error naming the file and every missing column.

    Raises
    ------
    DataValidationError
        When a column of ``wanted`` is not in ``df`` (e.g. renamed in a new download).
    """
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        msg = (f"{path}: required column(s) {missing} missing (columns are "
               f"{list(df.columns)}); restore the column name or update the connector")
        raise DataValidationError(msg, [msg])


def cbs_quarter_or_year(text: str) -> str:
    """``2021KW02`` → ``2021Q2``; ``2019`` or ``2019JJ00`` → ``2019``.

    Raises
    ------
    ValueError
        For any other spelling.
    """
    t = str(text).strip()
    if m := re.match(r"^(\d{4})KW0([1-4])$", t):
        return f"{m.group(1)}Q{m.group(2)}"
    if m := re.match(r"^(\d{4})(JJ00)?$", t):
        return m.group(1)
    raise ValueError(f"{text!r} is not a CBS quarter (2021KW02) or year (2019)")


def _count(path: Path, row: int, column: str, raw: Any) -> float:
    try:
        value = float(str(raw).strip())
    except ValueError:
        value = float("nan")
    if not value >= 0:
        msg = (f"{path}: row {row}, column {column}: {raw!r} is not a count; fix the cell or "
               "transcribe it again from the CBS page")
        raise DataValidationError(msg, [msg])
    return value


def read_wisseling(path: Path) -> pd.DataFrame:
    """CBS "wisseling van beroepsklasse" rows → tidy counts (persons).

    Parameters
    ----------
    path
        ``wisseling_beroepsklasse_07_08.csv`` (or a file in the same layout).

    Returns
    -------
    pandas.DataFrame
        Tidy rows of ``employed_prev_class_{all,tech,ict}`` and
        ``stayed_occupation_{all,tech,ict}``; value = CBS value × 1 000; source and vintage
        ``cbs-83120ned`` or ``cbs-85388ned``.

    Raises
    ------
    DataValidationError
        A missing column, an unknown table, class or change category, a period that is no
        CBS period, or a value that is no count (file, row, column and value named).
    """
    path = Path(path)
    df = read_table(path)
    require_columns(df, WISSELING_COLUMNS, path)
    rows, problems = [], []
    for i, r in enumerate(df.to_dict("records"), start=2):
        table = str(r["table_id"]).strip()
        cls = CLASSES.get(str(r["beroepsklasse_voorgaande_periode"]).strip())
        prefix = CHANGE.get(str(r["wisseling_beroepsklasse"]).strip())
        if table not in TABLES:
            problems.append(f"{path}: row {i}, column table_id: {table!r} unknown; expected "
                            f"one of {sorted(TABLES)}")
            continue
        if cls is None or prefix is None:
            problems.append(f"{path}: row {i}: class {r['beroepsklasse_voorgaande_periode']!r}"
                            f" / change {r['wisseling_beroepsklasse']!r} unknown; expected "
                            f"{sorted(CLASSES)} and {sorted(CHANGE)}")
            continue
        try:
            period = cbs_quarter_or_year(r["period"])
        except ValueError as exc:
            problems.append(f"{path}: row {i}, column period: {exc}")
            continue
        value = _count(path, i, "werkzame_beroepsbevolking_x1000",
                       r["werkzame_beroepsbevolking_x1000"])
        if "Q" not in period:
            # a year figure compares with one year earlier: another measure than the quarter
            # figures (one quarter earlier), and the stored pages give only its totals
            continue
        rows.append({"indicator": f"{prefix}_{cls}", "period": period, "level": "all",
                     "sector": "all", "region": "NL", "sex": "all", "value": value * 1000,
                     "source": TABLES[table], "vintage": TABLES[table],
                     "status": "definitive"})
    if problems:
        raise DataValidationError(f"{path}: {len(problems)} problems", problems)
    return tidy(rows)


def edition_vintage(text: str) -> str:
    """Techniekpact edition label → vintage code (see the module docstring).

    Raises
    ------
    ValueError
        When the label names no edition year.
    """
    m = _EDITION.search(str(text))
    if not m:
        raise ValueError(f"{text!r} names no Techniekpact monitor edition (e.g. "
                         "'Techniekpact monitor 2022')")
    year = int(m.group(1))
    return "tp-occ-pre2022" if year < REVISION_EDITION else f"tp-occ-{year}"


def published_change(quote: str) -> float | None:
    """The change since end 2013 stated in a quote, in persons (``358 duizend`` → 358000)."""
    m = _CHANGE_QUOTE.search(str(quote))
    if not m:
        return None
    number = float(m.group(1).replace(".", ""))
    return number * 1000 if m.group(2) else number


def read_technical_occupations(path: Path) -> pd.DataFrame:
    """Published counts of people with a technical occupation, per monitor edition.

    Returns
    -------
    pandas.DataFrame
        Tidy ``employment_tech_occupations`` rows (sex all/man/vrouw) and
        ``employment_tech_change_since_2013`` rows where the quote states that change.
        Figures on technically educated people in this file are not read here (they are in
        ``published_figures/labour_market_facts.csv``, read by :mod:`.published`).

    Raises
    ------
    DataValidationError
        A missing column, an edition label without a year, a value that is no count, or two
        different values for one figure, year and vintage.
    """
    path = Path(path)
    df = read_table(path)
    require_columns(df, OCCUPATION_COLUMNS, path)
    rows, problems = [], []
    for i, r in enumerate(df.to_dict("records"), start=2):
        spec = OCCUPATION_FIGURES.get(str(r["indicator"]).strip())
        if spec is None:
            continue
        code, sex = spec
        try:
            vintage = edition_vintage(r["definition_vintage"])
            period = str(r["year"]).strip()
            periods.period_kind(period)
        except ValueError as exc:
            problems.append(f"{path}: row {i}: {exc}")
            continue
        value = _count(path, i, "value", r["value"])
        source = ("bedrijvenbeleidinbeeld" if "bedrijvenbeleidinbeeld" in str(r.get("source_url"))
                  else "techniekpact-monitor")
        common = {"period": period, "level": "all", "sector": "all", "region": "NL",
                  "sex": sex, "source": source, "vintage": vintage,
                  "status": "definitive"}
        rows.append({"indicator": code, "value": value, **common})
        change = published_change(r["quote"])
        if change is not None and sex == "all":
            rows.append({"indicator": "employment_tech_change_since_2013", "value": change,
                         **common})
    out = tidy(rows)
    key = ["indicator", "period", "sex", "vintage"]
    dup = out[out.duplicated(key, keep=False)]
    clash = dup.groupby(key)["value"].nunique()
    for k in clash[clash > 1].index:
        problems.append(f"{path}: {k[0]} {k[1]} ({k[2]}) has different values within vintage "
                        f"{k[3]}; an edition mapping is wrong")
    if problems:
        raise DataValidationError(f"{path}: {len(problems)} problems", problems)
    return out.drop_duplicates(key).reset_index(drop=True)
