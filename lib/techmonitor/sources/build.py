"""``techmonitor data build``: raw public files → ``data/observations.csv`` + ``data/SOURCES.md``.

Hand-curated files in ``data/`` (indicators, targets, measures, sectors, regions, sources,
letter figures, measure progress) are only *read* here; when one is missing in ``out_dir`` it
is copied from the bundled ``data/`` — an existing file is never overwritten. The generated
tables are validated before anything is written and then written atomically (temp + rename),
so a failed build leaves the previous data untouched.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from techmonitor import yamlio
from techmonitor.errors import DataValidationError
from techmonitor.observations import check_frame
from techmonitor.reference import (
    SectorsRef,
    default_data_dir,
    load_regions,
    load_sectors,
)
from techmonitor.sources import (
    KEY_COLUMNS,
    TIDY_COLUMNS,
    asof,
    cbs,
    delineation,
    duo,
    duo_star,
    duo_vo,
    occupations,
    published,
    published_retention,
)
from techmonitor.sources.flags import FLAG_COLUMNS

HAND_CURATED = [
    "indicators.yaml", "targets.yaml", "measures.yaml", "sectors.yaml", "regions.yaml",
    "sources.yaml", "letter_figures.csv", "measure_progress.csv",
]
DUO_VINTAGE = "duo-croho-2019"
#: the columns written to observations.csv: the contract's ten, the suppression flags and the
#: publication date (see data/sources.yaml, ``contract``)
OUT_COLUMNS = [*TIDY_COLUMNS, *FLAG_COLUMNS, asof.PUBLISHED]


def _find(raw_dir: Path, stem: str) -> Path | None:
    """First file named ``stem.*`` (csv, xlsx or parquet) anywhere under ``raw_dir``."""
    for ext in (".csv", ".xlsx", ".parquet"):
        hits = sorted(raw_dir.rglob(f"{stem}{ext}"))
        if hits:
            return hits[0]
    return None


def _duo_ho(raw_dir: Path, regions: dict[str, str], sectors: SectorsRef,
            summary: dict[str, Any], programmes: list[pd.DataFrame]) -> list[pd.DataFrame]:
    frames = []
    specs = [("inscriptions", "inflow", "school_year", "duo-ho-eerstejaars"),
             ("gediplomeerden", "diplomas", "year", "duo-ho-diplomas")]
    for stem, prefix, period_of, source in specs:
        micros = []
        for level in ("hbo", "wo"):
            path = _find(raw_dir, f"{level}_{stem}_2019")
            if path is None:
                summary["missing"].append(f"{level}_{stem}_2019")
                continue
            micros.append(duo.read_duo(path, level=level))
            summary["files"].append(str(path))
        if not micros:
            continue
        micro = pd.concat(micros, ignore_index=True)
        programmes.append(delineation.catalogue(micro, f"hbo/wo_{stem}_2019"))
        common: dict[str, Any] = {"source": source, "vintage": DUO_VINTAGE, "period_of": period_of,
                  "province_codes": regions}
        for code, mask in ((f"{prefix}_total", None),
                           (f"{prefix}_tech", micro["onderdeel"] == "techniek")):
            obs, counts = duo.aggregate(micro, indicator=code, mask=mask, **common)
            if prefix == "diplomas":
                # hbo diplomas 2014-2023 are one DUO definition: the 2014-2018 hbo rows share
                # a vintage with the current files (wo and ho stay in the 2019 vintage)
                hbo = obs["level"] == "hbo"
                obs.loc[hbo, "vintage"] = duo_star.DIPLOMA_VINTAGE
            frames.append(obs)
            summary["suppressed_cells"][code] = counts["suppressed"]
            summary["upper_bound_cells"][code] = counts["upper_bound"]
        for s in sectors.top_sectors:
            obs, _ = duo.aggregate(micro, indicator=f"{prefix}_sector",
                                   mask=duo.programme_mask(micro, s.education), sector=s.slug,
                                   by_region=False, **{**common, "vintage": "duo-sector-v1"})
            frames.append(obs)
    return frames


def _duo_mbo(raw_dir: Path, sectors: SectorsRef, summary: dict[str, Any],
             programmes: list[pd.DataFrame]) -> list[pd.DataFrame]:
    path = _find(raw_dir, "mbo_inscriptions_2019")
    if path is None:
        summary["missing"].append("mbo_inscriptions_2019")
        return []
    summary["files"].append(str(path))
    micro = duo.read_duo(path, level="mbo")
    programmes.append(delineation.catalogue(micro, "mbo_inscriptions_2019"))
    common: dict[str, Any] = {"source": "duo-mbo-deelnemers", "vintage": DUO_VINTAGE,
                              "by_region": False, "mbo_levels": True, "add_ho": False}
    frames = []
    for code, mask in (("mbo_participants_total", None),
                       ("mbo_participants_tech", micro["onderdeel"] == "techniek")):
        obs, counts = duo.aggregate(micro, indicator=code, mask=mask, **common)
        frames.append(obs)
        summary["suppressed_cells"][code] = counts["suppressed"]
    for s in sectors.top_sectors:
        obs, _ = duo.aggregate(micro, indicator="mbo_participants_sector",
                               mask=duo.programme_mask(micro, s.education), sector=s.slug,
                               **{**common, "vintage": "duo-sector-v1"})
        frames.append(obs)
    return frames


def _duo_current(raw_dir: Path, provinces: dict[str, str], sectors: SectorsRef,
                 summary: dict[str, Any]) -> list[pd.DataFrame]:
    """DUO's current hbo star schema and the vo exam-candidate file."""
    frames = []
    star = sorted(raw_dir.rglob("feit_eerstejaars_geslacht.parquet"))
    if star:
        frames.append(duo_star.observations(star[0].parent, provinces))
        if (star[0].parent / "feit_eerstejaars.parquet").exists():
            rules = {s.slug: s.education for s in sectors.top_sectors}
            frames.append(duo_star.sector_observations(star[0].parent, rules))
        summary["files"] += [str(p) for p in sorted(star[0].parent.glob("*.parquet"))]
    else:
        summary["missing"].append("feit_eerstejaars_geslacht.parquet (DUO hbo star schema)")
    exam = (_find(raw_dir, "duo_examen_raw_all")
            or _find(raw_dir, "examenkandidaten-en-geslaagden-2019-2024"))
    if exam is not None:
        frames.append(duo_vo.observations(exam, provinces))
        summary["files"].append(str(exam))
    else:
        summary["missing"].append("examenkandidaten-en-geslaagden (DUO vo)")
    return frames


def _cbs(raw_dir: Path, region_names: dict[str, str], summary: dict[str, Any]
         ) -> list[pd.DataFrame]:
    frames: list[pd.DataFrame] = []
    keys_path = _find(raw_dir, "sectoren_metadata")
    if keys_path is None:
        summary["missing"].append("sectoren_metadata")
        return frames
    keys = cbs.read_sbi_keys(keys_path)
    meta = _find(raw_dir, "vacatures_metadata")
    status = cbs.read_period_status(meta) if meta else {}
    p80 = _find(raw_dir, "vacatures")
    if p80 is not None:
        frames.append(cbs.read_80472ned(p80, sector_keys=keys, metadata=meta))
        summary["files"].append(str(p80))
    else:
        summary["missing"].append("vacatures (80472ned)")
    p83 = _find(raw_dir, "vacatures_regio")
    if p83 is not None:
        # 83599NED comes from the same CBS vacancy survey; its status follows 80472ned's.
        frames.append(cbs.read_83599ned(p83, sector_keys=keys, regions=region_names,
                                        period_status=status))
        summary["files"].append(str(p83))
    else:
        summary["missing"].append("vacatures_regio (83599NED)")
    return frames


def _occupations(raw_dir: Path, summary: dict[str, Any]) -> list[pd.DataFrame]:
    """Retention (CBS wisseling van beroepsklasse) and Techniekpact technical employment."""
    frames = []
    for stem, reader in (("wisseling_beroepsklasse_07_08", occupations.read_wisseling),
                         ("technical_occupations_published",
                          occupations.read_technical_occupations)):
        path = _find(raw_dir, stem)
        if path is None:
            summary["missing"].append(stem)
            continue
        frames.append(reader(path))
        summary["files"].append(str(path))
    return frames


def _write_delineations(raw_dir: Path, out_dir: Path, sectors: SectorsRef,
                        programmes: list[pd.DataFrame]) -> list[str]:
    """data/delineations.csv and data/delineation_summary.csv from the catalogues read."""
    if not programmes:
        return []
    star = delineation.read_star_programmes(raw_dir)
    table = delineation.programme_table(
        sectors, pd.concat([*programmes, *([star] if star is not None else [])],
                           ignore_index=True))
    written = []
    for name, frame in (("delineations.csv", table),
                        ("delineation_summary.csv", delineation.summary_table(sectors, table))):
        _write_atomic(out_dir / name, frame.to_csv(index=False, lineterminator="\n"))
        written.append(str(out_dir / name))
    return written


def finish_table(obs: pd.DataFrame, spec: dict[str, Any]) -> pd.DataFrame:
    """The table as written: sorted, flag columns filled (0 / ``false`` where a connector has
    none), ``lower_bound`` as ``true``/``false`` and ``published`` from the catalogue.

    Used by ``data build`` and ``data update`` alike, so both write :data:`OUT_COLUMNS`.
    """
    out = obs.copy()
    if "suppressed" not in out:
        out["suppressed"] = 0
    if "lower_bound" not in out:
        out["lower_bound"] = False
    out["suppressed"] = pd.to_numeric(out["suppressed"], errors="coerce").fillna(0).astype(int)
    out["lower_bound"] = out["lower_bound"].map(
        lambda v: "true" if v is True or str(v).lower() == "true" else "false")
    out["value"] = out["value"].astype(float)
    out = out.sort_values(KEY_COLUMNS, kind="stable").reset_index(drop=True)
    out[asof.PUBLISHED] = asof.published_dates(out, spec)
    return out[OUT_COLUMNS]


def _write_atomic(path: Path, text: str | bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; data files are shared
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sources_markdown(data_dir: Path, obs: pd.DataFrame, files: list[str]) -> str:
    """Render ``SOURCES.md`` from ``data/sources.yaml`` plus row counts of this build."""
    spec = yamlio.load_file(data_dir / "sources.yaml")
    counts = obs.groupby("source").size().to_dict()
    lines = [
        "# Sources of `data/observations.csv`",
        "",
        "Generated by `techmonitor data build` from `data/sources.yaml` (edit that file, not "
        "this one). Every observation's `source` column is one of the keys below.",
        "",
        "Contract decisions: " + spec.get("contract", "").strip(),
        "",
    ]
    for key, s in spec["sources"].items():
        lines += [f"## {key}", ""]
        for label, field in (("Publisher", "publisher"), ("Title", "title"), ("URL", "url"),
                             ("Obtained via", "via"), ("Licence", "licence"),
                             ("Date", "date"), ("Retrieved", "retrieved"),
                             ("Definition", "definition"), ("Caveats", "caveats")):
            if s.get(field):
                lines.append(f"- **{label}:** {str(s[field]).strip()}")
        rules = [("", s.get(asof.PUBLISHED))] + list((s.get("published_vintages") or {}).items())
        for vintage, rule in rules:
            if rule:
                lag = (f"{rule['lag_days']} days" if "lag_days" in rule
                       else f"{rule.get('lag_months')} months")
                when = (f"{rule['date']}" if "date" in rule else
                        f"{lag} after the {rule.get('after', 'end')} of the period")
                scope = f" (vintage {vintage})" if vintage else ""
                lines.append(f"- **Published{scope}:** {when}: {str(rule.get('why', '')).strip()}")
        lines += [f"- **Rows in this build:** {counts.get(key, 0)}", ""]
    digests = []
    for f in files:
        h = hashlib.sha256(Path(f).read_bytes()).hexdigest()[:16]
        digests.append(f"- `{Path(f).parent.name}/{Path(f).name}` sha256:{h}")
    lines += ["## Raw files read by the last build", "", f"Build date: {date.today()}", "",
              *digests, ""]
    return "\n".join(lines)


def build_data(raw_dir: Path, out_dir: Path) -> dict[str, Any]:
    """Build the tidy observations and SOURCES.md from the raw public files.

    Parameters
    ----------
    raw_dir
        Folder laid out like ``../shared/data/raw`` (files are found by name anywhere below it).
    out_dir
        The data folder to write (``data/``). Hand-curated files are copied in only when absent.

    Returns
    -------
    dict
        ``rows``, ``rows_per_source``, ``rows_per_indicator``, ``suppressed_cells`` and
        ``upper_bound_cells`` per indicator, ``files`` read, ``missing`` inputs, ``written``.

    Raises
    ------
    DataValidationError
        When the raw folder is missing or the built table breaks the contract (nothing is
        written then).
    """
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    if not raw_dir.is_dir():
        msg = f"{raw_dir}: raw data folder not found; pass --raw ../shared/data/raw"
        raise DataValidationError(msg, [msg])
    out_dir.mkdir(parents=True, exist_ok=True)
    bundled = default_data_dir()
    for name in HAND_CURATED:
        if not (out_dir / name).exists() and (bundled / name).exists():
            shutil.copy2(bundled / name, out_dir / name)
    sectors = load_sectors(out_dir)
    regions_ref = load_regions(out_dir)
    summary: dict[str, Any] = {"files": [], "missing": [], "suppressed_cells": {},
                               "upper_bound_cells": {}}
    programmes: list[pd.DataFrame] = []
    frames = _duo_ho(raw_dir, regions_ref.province_codes_by_name(), sectors, summary, programmes)
    frames += _duo_mbo(raw_dir, sectors, summary, programmes)
    frames += _duo_current(raw_dir, regions_ref.province_codes_by_name(), sectors, summary)
    # Keep the observations small: only SBI codes a delineation uses (plus listed extras).
    keep = sectors.stored_sbi_codes() | {"all"}
    frames += [f[f["sector"].isin(keep)] for f in _cbs(raw_dir, regions_ref.names(), summary)]
    frames += published.read_all(raw_dir, out_dir, summary)
    frames += _occupations(raw_dir, summary)
    retention = _find(raw_dir, "retention_figures_published")
    if retention is not None:
        frames.append(published_retention.read_published_retention(retention))
        summary["files"].append(str(retention))
    else:
        summary["missing"].append("retention_figures_published")
    frames = [f for f in frames if not f.empty]
    if not frames:
        msg = f"{raw_dir}: no known raw files found (looked for DUO, CBS and published files)"
        raise DataValidationError(msg, [msg])
    spec = yamlio.load_file(out_dir / "sources.yaml")
    obs = finish_table(pd.concat(frames, ignore_index=True), spec)
    # suppressed cells behind the national totals (all periods), per indicator and level
    nat = obs[(obs["region"] == "NL") & (obs["sex"] == "all") & (obs["lower_bound"] == "true")]
    summary["suppressed_cells"].update(
        {f"{i}/{lv}": int(n) for (i, lv), n in
         nat.groupby(["indicator", "level"])["suppressed"].sum().items()})
    csv_text = obs.to_csv(index=False, lineterminator="\n", float_format="%.10g")
    built = pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)
    problems = check_frame(built, "observations.csv (built)", out_dir,
                           source_keys=set(spec["sources"]))
    if problems:
        raise DataValidationError(f"built observations break the contract ({len(problems)})",
                                  problems)
    _write_atomic(out_dir / "observations.csv", csv_text)
    _write_atomic(out_dir / "SOURCES.md", sources_markdown(out_dir, obs, summary["files"]))
    written = _write_delineations(raw_dir, out_dir, sectors, programmes)
    summary.update({
        "rows": len(obs),
        "rows_per_source": obs.groupby("source").size().to_dict(),
        "rows_per_indicator": obs.groupby("indicator").size().to_dict(),
        "written": [str(out_dir / "observations.csv"), str(out_dir / "SOURCES.md"), *written],
    })
    return summary
