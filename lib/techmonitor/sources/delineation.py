"""The top-sector delineations made visible: which programmes each sector's code lists select.

``techmonitor data build`` writes two generated files from ``data/sectors.yaml`` and the raw
DUO files it reads (never by hand):

``data/delineations.csv``
    One row per sector × level × selected programme code: the programme's name as DUO
    publishes it, its CROHO onderdeel or mbo domain, and its count in the newest year of the
    file it was found in (so a reviewer sees what each code list weighs).
``data/delineation_summary.csv``
    One row per sector: the SBI codes used for vacancies per CBS table, the number of
    programmes selected per level, where the list is, and the rationale.

The report layer phrases the summary ("Afbakening: ... N hbo-opleidingen, zie ...").
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from techmonitor.errors import DataValidationError
from techmonitor.reference import SectorsRef
from techmonitor.sources import duo

LEVELS = ("hbo", "wo", "mbo")
PROGRAMME_COLUMNS = ["sector", "level", "code", "programme", "group", "newest_year",
                     "newest_count", "found_in"]
SUMMARY_COLUMNS = ["sector", "sbi_national", "sbi_provincial", "programmes_hbo",
                   "programmes_wo", "programmes_mbo", "programmes_not_found", "list",
                   "rationale"]
LIST_FILE = "data/delineations.csv"


def catalogue(micro: pd.DataFrame, source: str) -> pd.DataFrame:
    """Distinct programmes of a DUO micro frame with their count in the file's newest year.

    Parameters
    ----------
    micro
        Frame with :data:`techmonitor.sources.duo.MICRO_COLUMNS`.
    source
        Label of the file(s) for the ``found_in`` column.

    Returns
    -------
    pandas.DataFrame
        ``level, code, programme, group, newest_year, newest_count, found_in``; one row per
        level × code (a code published under two names keeps its most counted name).
    """
    newest = int(micro["year"].max())
    df = micro.assign(n=micro["count"].where(micro["year"] == newest, 0.0))
    g = (df.groupby(["level", "code", "programme", "onderdeel", "domain"], sort=False)["n"]
         .sum().reset_index().sort_values("n", ascending=False, kind="stable"))
    totals = g.groupby(["level", "code"])["n"].sum()
    g = g.drop_duplicates(["level", "code"]).set_index(["level", "code"])
    g["n"] = totals
    g = g.reset_index()
    return pd.DataFrame({
        "level": g["level"], "code": g["code"], "programme": g["programme"],
        "group": g["domain"].where(g["level"] == "mbo", g["onderdeel"]),
        "newest_year": newest, "newest_count": g["n"].round().astype(int), "found_in": source,
    })


def star_catalogue(dim_opleiding: pd.DataFrame) -> pd.DataFrame:
    """Programmes of the current hbo star schema (``dim_opleiding.parquet``), without counts."""
    d = dim_opleiding.drop_duplicates("croho_code")
    return pd.DataFrame({
        "level": "hbo", "code": d["croho_code"].astype(str), "programme": d["opleidingsnaam"],
        "group": d["onderdeel"].str.lower().str.replace("_", " "), "newest_year": pd.NA,
        "newest_count": pd.NA, "found_in": "duo-hbo-starschema",
    })


def programme_table(sectors: SectorsRef, programmes: pd.DataFrame) -> pd.DataFrame:
    """Every programme each sector's code lists select (:data:`PROGRAMME_COLUMNS`).

    ``programmes`` is the concatenation of :func:`catalogue` frames, the first source of a
    code winning. A listed code found in no file gets a row with an empty name and empty
    ``found_in``, so a stale or mistyped code is visible instead of silently selecting nothing.
    """
    progs = programmes.drop_duplicates(["level", "code"], keep="first")
    rows = []
    for s in sectors.top_sectors:
        hit = progs[duo.delineation_mask(progs["code"], progs["level"], s.education)]
        rows.append(hit.assign(sector=s.slug))
        for lvl in LEVELS:
            missing = sorted(s.education.codes(lvl) - set(hit.loc[hit["level"] == lvl, "code"]))
            rows.append(pd.DataFrame({"sector": s.slug, "level": lvl, "code": missing,
                                      "programme": "", "group": "", "newest_year": pd.NA,
                                      "newest_count": pd.NA, "found_in": ""}))
    out = pd.concat([r for r in rows if not r.empty], ignore_index=True)[PROGRAMME_COLUMNS]
    order = {s: i for i, s in enumerate(sectors.slugs)}
    out = out.assign(_s=out["sector"].map(order), _l=out["level"].map(LEVELS.index))
    return (out.sort_values(["_s", "_l", "programme", "code"], kind="stable")
            .drop(columns=["_s", "_l"]).reset_index(drop=True))


def summary_table(sectors: SectorsRef, table: pd.DataFrame) -> pd.DataFrame:
    """One row per sector (:data:`SUMMARY_COLUMNS`): SBI codes, programme counts, rationale."""
    rows = []
    for s in sectors.top_sectors:
        mine = table[table["sector"] == s.slug]
        found = mine[mine["found_in"] != ""]
        rows.append({
            "sector": s.slug,
            "sbi_national": " ".join(s.vacancies.get("cbs-80472ned", [])),
            "sbi_provincial": " ".join(s.vacancies.get("cbs-83599ned", [])),
            **{f"programmes_{lvl}": int((found["level"] == lvl).sum()) for lvl in LEVELS},
            "programmes_not_found": len(mine) - len(found),
            "list": LIST_FILE,
            "rationale": " ".join(s.rationale.split()),
        })
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def read_star_programmes(raw_dir: Path) -> pd.DataFrame | None:
    """``dim_opleiding.parquet`` of the hbo star schema under ``raw_dir``, if present."""
    hits = sorted(Path(raw_dir).rglob("dim_opleiding.parquet"))
    return star_catalogue(pd.read_parquet(hits[0])) if hits else None


def sector_summary(data_dir: Path, slug: str) -> dict[str, str | int]:
    """One sector's row of ``delineation_summary.csv``, for the report layer to phrase.

    Raises
    ------
    DataValidationError
        When the file is missing (run ``techmonitor data build``) or holds no row for ``slug``.
    """
    path = Path(data_dir) / "delineation_summary.csv"
    if not path.exists():
        msg = f"{path}: not found; run `techmonitor data build` to write it"
        raise DataValidationError(msg, [msg])
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = table[table["sector"] == slug]
    if len(row) != 1:
        msg = (f"{path}: {len(row)} rows for sector {slug!r} (expected 1); "
               "rebuild with `techmonitor data build` after editing data/sectors.yaml")
        raise DataValidationError(msg, [msg])
    out: dict[str, str | int] = dict(row.iloc[0])
    for col in ("programmes_hbo", "programmes_wo", "programmes_mbo", "programmes_not_found"):
        out[col] = int(out[col])
    return out
