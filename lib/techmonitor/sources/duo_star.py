"""DUO's current hbo files as a Parquet star schema (first-years, diplomas, enrolled).

The folder holds fact tables ``feit_<name>_geslacht.parquet`` (one row per DUO row: year ×
municipality × institution × CROHO onderdeel × type ad/bachelor/master × sex) whose labels
were replaced by keys into ``dim_*.parquet`` tables. This connector joins the dimensions back
and aggregates to tidy observations at level ``hbo``:

* first-years (p02ho1ejrs, DUO's *new* definition: first registration in higher education,
  ad + bachelor) → ``inflow_tech``/``inflow_total``, school years, vintage ``duo-hbo-2025``;
* diplomas (p04hogdipl, all diploma types) → ``diplomas_tech``/``diplomas_total``, years,
  vintage ``duo-hbo-diplomas`` (one DUO definition with the 2014-2018 file: see
  ``tests/sources/test_duo_star.py`` for the follow-on check);
* enrolled (p01hoinges, 1 October, ad + bachelor) → ``enrolled_tech``/``enrolled_total``;
* :func:`net_retention` → the two counts ``retention_net_<sector>_stayed`` and ``_base`` of
  the stock-flow identity; the catalogue's ``retention_net_<sector>`` is their ratio.

Suppression: DUO's privacy value (true count 1-4) is NULL with ``is_onderdrukt``. Such a cell
is never counted as 0 nor 4: it is left out of the sum and counted in the ``suppressed``
column of the observation, and a sum with ``suppressed > 0`` is a lower bound
(``lower_bound``). A fact row without a sex (DUO "onbekend") counts in ``sex='all'`` only.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from techmonitor.errors import DataValidationError
from techmonitor.reference import EducationRules
from techmonitor.sources import duo
from techmonitor.sources.flags import finish

SOURCE = "duo-hbo-starschema"
VINTAGE = "duo-hbo-2025"
DIPLOMA_VINTAGE = "duo-hbo-diplomas"
#: top-sector series from the per-programme tables (national, no sex): their own vintage,
#: because the delineation is applied to programme names and codes of these files
SECTOR_VINTAGE = "duo-sector-hbo-2025"
#: fact table stem → count column; the ``_geslacht`` resources carry sex and province
FACTS = {
    "eerstejaars": "aantal_eerstejaars",
    "gediplomeerden": "aantal_gediplomeerden",
    "ingeschrevenen": "aantal_ingeschrevenen",
}
_FACT_KEYS = ("tijd_key", "sector_key", "geografie_key", "geslacht_key", "is_onderdrukt")
DIMS = {
    "dim_tijd": ("tijd_key", "jaar"),
    "dim_sector": ("sector_key", "type_hoger_onderwijs", "onderdeel"),
    "dim_geografie": ("geografie_key", "provincienaam"),
    "dim_geslacht": ("geslacht_key", "geslacht"),
}
#: CROHO onderdeel (as DUO spells it, lower case) → slug used in indicator codes
CROHO_SECTORS = {"techniek": "tech", "economie": "economie",
                 "gedrag en maatschappij": "gedrag"}
AD_BA = ("associate degree", "bachelor")


def _read(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    if not path.exists():
        msg = f"{path}: file not found; is this the DUO hbo star-schema folder?"
        raise DataValidationError(msg, [msg])
    df = pd.read_parquet(path)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        msg = (f"{path}: required column(s) {missing} missing (columns are "
               f"{list(df.columns)}); the star schema changed: update "
               "techmonitor/sources/duo_star.py")
        raise DataValidationError(msg, [msg])
    return df


def read_fact(folder: Path, stem: str) -> pd.DataFrame:
    """Join one ``feit_<stem>_geslacht`` table with its dimensions.

    Returns
    -------
    pandas.DataFrame
        One row per fact row: ``year`` (int), ``type`` (associate degree | bachelor | master),
        ``onderdeel`` (lower case, spaces), ``province`` (name), ``sex`` (man | vrouw | ''),
        ``count`` (float, NaN when suppressed) and ``suppressed`` (0/1).

    Raises
    ------
    DataValidationError
        A missing file or column (file and column named), or a key without a dimension row.
    """
    folder = Path(folder)
    count_col = FACTS[stem]
    fact_path = folder / f"feit_{stem}_geslacht.parquet"
    fact = _read(fact_path, (*_FACT_KEYS, count_col))
    df = fact
    for dim, cols in DIMS.items():
        table = _read(folder / f"{dim}.parquet", cols)[list(cols)]
        key = cols[0]
        known = set(table[key])
        bad = df[key].notna() & ~df[key].isin(known)
        if key == "geslacht_key":
            bad = bad & df[key].notna()
        if bad.any():
            i = int(df.index[bad.to_numpy()][0])
            msg = (f"{fact_path}: row {i + 1}, column {key}: {df.at[i, key]} has no row in "
                   f"{dim}.parquet; the tables are from different downloads")
            raise DataValidationError(msg, [msg])
        df = df.merge(table, on=key, how="left")
    suppressed = df["is_onderdrukt"].astype(bool) | df[count_col].isna()
    count = pd.to_numeric(df[count_col], errors="coerce").astype(float)
    negative = count < 0
    if negative.any():
        i = int(df.index[negative.to_numpy()][0])
        msg = (f"{fact_path}: row {i + 1}, column {count_col}: {count[i]!r} is not a count "
               "(DUO's privacy value must be NULL with is_onderdrukt)")
        raise DataValidationError(msg, [msg])
    return pd.DataFrame({
        "year": df["jaar"].astype(int),
        "type": df["type_hoger_onderwijs"].astype(str).str.strip().str.lower(),
        "onderdeel": df["onderdeel"].astype(str).str.strip().str.lower().str.replace("_", " "),
        "province": df["provincienaam"].astype(str).str.strip(),
        "sex": df["geslacht"].fillna("").astype(str).str.strip().str.lower(),
        "count": count.where(~suppressed),
        "suppressed": suppressed.astype(int),
    })


def read_programmes(folder: Path, stem: str) -> pd.DataFrame:
    """The per-programme fact ``feit_<stem>`` joined with ``dim_opleiding`` and ``dim_tijd``,
    as the micro frame of :mod:`techmonitor.sources.duo` (so that its delineation rules,
    :func:`techmonitor.sources.duo.programme_mask`, apply) plus ``type`` and ``croho_code``.

    These tables have no sex and no province of their own here: sector series are national.
    """
    folder = Path(folder)
    count_col = FACTS[stem]
    path = folder / f"feit_{stem}.parquet"
    fact = _read(path, ("tijd_key", "opleiding_key", "is_onderdrukt", count_col))
    opl = _read(folder / "dim_opleiding.parquet",
                ("opleiding_key", "type_hoger_onderwijs", "onderdeel", "croho_code",
                 "opleidingsnaam"))
    tijd = _read(folder / "dim_tijd.parquet", DIMS["dim_tijd"])
    df = fact.merge(opl, on="opleiding_key", how="left").merge(tijd, on="tijd_key", how="left")
    bad = df["jaar"].isna() | df["onderdeel"].isna()
    if bad.any():
        i = int(df.index[bad.to_numpy()][0])
        msg = (f"{path}: row {i + 1}: opleiding_key/tijd_key without a dimension row; the "
               "tables are from different downloads")
        raise DataValidationError(msg, [msg])
    suppressed = df["is_onderdrukt"].astype(bool) | df[count_col].isna()
    return pd.DataFrame({
        "level": "hbo", "province": "",
        "onderdeel": df["onderdeel"].astype(str).str.lower().str.replace("_", " "),
        "programme": df["opleidingsnaam"].astype(str).str.strip(), "mbo_level": "",
        "sbb_unit": "", "domain": "", "sex": "",
        "year": df["jaar"].astype(int),
        "count": pd.to_numeric(df[count_col], errors="coerce").astype(float).where(~suppressed),
        "suppressed": suppressed.astype(int), "upper_bound": 0,
        "type": df["type_hoger_onderwijs"].astype(str).str.lower(),
        "croho_code": df["croho_code"].astype(str),
        "code": df["croho_code"].astype(str),  # what the code-list delineations select on
    })


def sector_observations(folder: Path, rules: Mapping[str, EducationRules]) -> pd.DataFrame:
    """``inflow_sector`` and ``diplomas_sector`` per top sector (level hbo, NL, sex all).

    Parameters
    ----------
    folder
        The ``processed/`` folder.
    rules
        Top-sector slug → its ``education`` rules from ``data/sectors.yaml``, applied with
        :func:`techmonitor.sources.duo.programme_mask` (the delineation's own selection).
    """
    frames = []
    for stem, indicator, period_of in (("eerstejaars", "inflow_sector", "school_year"),
                                       ("gediplomeerden", "diplomas_sector", "year")):
        micro = read_programmes(folder, stem)
        for slug, rule in rules.items():
            part = micro[duo.programme_mask(micro, rule).to_numpy()]
            t = part.groupby("year", as_index=False).agg(
                value=("count", lambda c: c.sum(min_count=1)),
                suppressed=("suppressed", "sum")).dropna(subset=["value"])
            period = (t["year"].map(duo.school_year) if period_of == "school_year"
                      else t["year"].astype(str))
            frames.append(finish(pd.DataFrame({
                "indicator": indicator, "period": period, "level": "hbo", "sector": slug,
                "region": "NL", "sex": "all", "value": t["value"], "source": SOURCE,
                "vintage": SECTOR_VINTAGE, "status": "definitive",
                "suppressed": t["suppressed"]}), count=True))
    return pd.concat(frames, ignore_index=True)


def _region_codes(micro: pd.DataFrame, provinces: Mapping[str, str]) -> pd.Series:
    codes = micro["province"].str.lower().map(provinces)
    unknown = sorted(set(micro.loc[codes.isna(), "province"]))
    if unknown:
        raise DataValidationError(
            f"unknown province names {unknown}",
            [f"province {u!r} is not in data/regions.yaml; add it" for u in unknown])
    return codes.astype(str)


def sums(micro: pd.DataFrame, provinces: Mapping[str, str]) -> pd.DataFrame:
    """Sum counts per year × region (NL and each province) × sex (all, man, vrouw).

    Returns ``year, region, sex, value, suppressed`` where ``suppressed`` counts the cells
    left out; a group whose cells are all suppressed has value NaN (never a false 0).
    """
    df = micro.assign(region=_region_codes(micro, provinces))
    parts = []
    for region_all in (True, False):
        for sex_all in (True, False):
            g = df.assign(region="NL" if region_all else df["region"],
                          sex="all" if sex_all else df["sex"])
            g = g[g["sex"] != ""]
            parts.append(g.groupby(["year", "region", "sex"], as_index=False).agg(
                value=("count", lambda s: s.sum(min_count=1)),
                suppressed=("suppressed", "sum")))
    return pd.concat(parts, ignore_index=True)


def _obs(table: pd.DataFrame, indicator: str, period_of: str, vintage: str) -> pd.DataFrame:
    t = table.dropna(subset=["value"])
    period = (t["year"].map(duo.school_year) if period_of == "school_year"
              else t["year"].astype(str))
    return finish(pd.DataFrame({
        "indicator": indicator, "period": period, "level": "hbo", "sector": "all",
        "region": t["region"], "sex": t["sex"], "value": t["value"], "source": SOURCE,
        "vintage": vintage, "status": "definitive", "suppressed": t["suppressed"]}),
        count=True)


def observations(folder: Path, provinces: Mapping[str, str]) -> pd.DataFrame:
    """All star-schema series: inflow, diplomas, enrolled (total and techniek) and the net
    retention of techniek, economie and gedrag en maatschappij.

    Parameters
    ----------
    folder
        The ``processed/`` folder (or its parent) with the Parquet files.
    provinces
        Lower-case province name → region code (``load_regions(...).province_codes_by_name()``).
    """
    folder = Path(folder)
    if (folder / "processed").is_dir():
        folder = folder / "processed"
    first = read_fact(folder, "eerstejaars")
    dipl = read_fact(folder, "gediplomeerden")
    enrol = read_fact(folder, "ingeschrevenen")
    enrol_adba = enrol[enrol["type"].isin(AD_BA)]
    frames = []
    for stem, micro, period_of, vintage in (
            ("inflow", first, "school_year", VINTAGE),
            ("diplomas", dipl, "year", DIPLOMA_VINTAGE),
            ("enrolled", enrol_adba, "school_year", VINTAGE)):
        frames.append(_obs(sums(micro, provinces), f"{stem}_total", period_of, vintage))
        tech = micro[micro["onderdeel"] == "techniek"]
        frames.append(_obs(sums(tech, provinces), f"{stem}_tech", period_of, vintage))
    for onderdeel, slug in CROHO_SECTORS.items():
        frames.append(net_retention(first, dipl, enrol, provinces, onderdeel, slug))
    return pd.concat(frames, ignore_index=True)


def net_retention(first: pd.DataFrame, dipl: pd.DataFrame, enrol: pd.DataFrame,
                  provinces: Mapping[str, str], onderdeel: str, slug: str) -> pd.DataFrame:
    """The two counts of the net yearly retention of one CROHO onderdeel, ad + bachelor.

    ``retention_net_<slug>_stayed`` (period t) = enrolled_t - first_years_t and
    ``retention_net_<slug>_base`` (period t) = enrolled_{t-1} - diplomas_{t-1}; the catalogue's
    ``retention_net_<slug>`` is their ratio x 100, recomputed after aggregation like every
    share. Of the students enrolled a year earlier who did not graduate, the share enrolled now
    who are not new to higher education. Students who switch in from another onderdeel or come
    back count as retained, so it is a *net* figure and can exceed 100% (a province or sex that
    gains switchers). Enrolled and first-years are counted on 1 October of year t (school year
    t/t+1); diplomas of DUO's diploma year t-1 are taken as those of school year (t-1)/t. Rows
    are written only where all four sums exist and the base is positive; ``suppressed`` counts
    the suppressed cells of the two sums behind each count (a difference of sums is no bound).
    """
    def pick(m: pd.DataFrame) -> pd.DataFrame:
        m = m[(m["onderdeel"] == onderdeel) & m["type"].isin(AD_BA)]
        return sums(m, provinces).set_index(["year", "region", "sex"])

    e, f, d = pick(enrol), pick(first), pick(dipl)
    prev_e = e.rename(index=lambda y: y + 1, level="year")
    prev_d = d.rename(index=lambda y: y + 1, level="year")
    idx = e.index.intersection(f.index).intersection(prev_e.index).intersection(prev_d.index)
    parts = {
        "stayed": (e.loc[idx, "value"] - f.loc[idx, "value"],
                   e.loc[idx, "suppressed"] + f.loc[idx, "suppressed"]),
        "base": (prev_e.loc[idx, "value"] - prev_d.loc[idx, "value"],
                 prev_e.loc[idx, "suppressed"] + prev_d.loc[idx, "suppressed"]),
    }
    ok = (parts["base"][0] > 0) & parts["stayed"][0].notna() & (parts["stayed"][0] >= 0)
    frames = []
    for part, (value, supp) in parts.items():
        t = pd.DataFrame({"value": value[ok], "suppressed": supp[ok]}).reset_index()
        frames.append(finish(pd.DataFrame({
            "indicator": f"retention_net_{slug}_{part}", "period": t["year"].map(duo.school_year),
            "level": "hbo", "sector": "all", "region": t["region"], "sex": t["sex"],
            "value": t["value"], "source": SOURCE, "vintage": VINTAGE, "status": "definitive",
            "suppressed": t["suppressed"]}), count=False))
    return pd.concat(frames, ignore_index=True)

