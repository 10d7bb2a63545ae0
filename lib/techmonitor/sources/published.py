"""Published figures transcribed from public pages (``published_figures/``) and the letter.

These are sparse points with changing definitions, so every page version is its own
*vintage* and none is ever spliced with the DUO CROHO series (different indicators:
``inflow_betatech*`` vs ``inflow_tech*``). Values are taken from the raw files exactly;
only units are normalised (``thousand persons`` × 1 000, ``million`` × 1 000 000) and
``"a / b"`` cells (two periods on one row) are split. Period conventions, documented in
``data/SOURCES.md``: ``2013-2014`` and ``2013/2014`` → ``2013/14``; ``begin 2016`` → ``2016Q1``
(the first quarterly count of that year); ``end 2017`` → ``2017Q4``; ``2024 4e kwartaal`` →
``2024Q4``. Rows that do not fit the contract (Techniekpact's own "landsdeel Noordwest",
ISCO skill levels, approximate blog figures) are skipped on purpose.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from techmonitor import periods
from techmonitor.sources import read_table, tidy

TP_VINTAGES = {
    "~2017/18 page": "tp-2018",
    "~2017/18 page (new per-studierichting definition)": "tp-2018",
    "indeling januari 2019": "tp-2019-01",
    "indeling januari 2021": "tp-2021-01",
    "update 8 april 2022": "tp-2022-04",
}
TP_INDICATORS = {
    "instromende studenten bètatechniek": ("inflow_betatech", None),
    "aandeel instroom bètatechniek": ("inflow_betatech_share", None),
    "aandeel vrouwelijke instroom dat bètatechniek kiest": ("inflow_betatech_share", "vrouw"),
    "aandeel mannelijke instroom dat bètatechniek kiest": ("inflow_betatech_share", "man"),
}
SEX = {"all": "all", "vrouwen": "vrouw", "mannen": "man"}
UNIT = {"percent": 1.0, "persons": 1.0, "thousand persons": 1e3, "million persons": 1e6}
# labour_market_facts.csv: (indicator text, publisher prefix) → (code, sex, vintage, source)
FACTS = {
    ("share of employed technically educated who have a technical occupation", "CBS"):
        ("tech_educated_in_tech_job_share", "all", "cbs-2015", "cbs-news-2015"),
    ("share of technically educated men with a technical occupation", "nu.nl"):
        ("tech_educated_in_tech_job_share", "man", "cbs-press-2017", "press-citing-cbs"),
    ("share of technically educated men with a technical job", "trade press"):
        ("tech_educated_in_tech_job_share", "man", "cbs-press-2013", "press-citing-cbs"),
    # Persons with a technical occupation (Techniekpact, bedrijvenbeleidinbeeld.nl) are read
    # from techniekpact_technical_occupations/ by sources.occupations, which keeps the monitor
    # editions apart (this file put the 2018 and 2023 editions into one vintage).
    ("persons without technical education working in a technical occupation", "nu.nl"):
        ("lateral_tech_occupations_no_tech_education", "all", "cbs-press-2017",
         "press-citing-cbs"),
    ("WW'ers with technical occupation back in work within a year", "UWV"):
        ("ww_tech_back_in_work_share", "all", "uwv-2017", "uwv-press-2017"),
    ("share of employees changing employer per year (techniek and elsewhere)", "SEO"):
        ("employer_change_share", "all", "seo-2013", "seo-2013"),
    ("unemployment rate of technically educated", "Techniekpact Monitor 2019"):
        ("unemployment_tech_educated", "all", "tp-2019", "techniekpact-monitor"),
}


def school_year(text: str) -> str:
    """``2013-2014``, ``2013/2014``, ``2013-14`` or ``2013/14`` → ``2013/14``."""
    m = re.match(r"^\s*(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*$", str(text))
    if not m:
        raise ValueError(f"{text!r} is not a school year")
    start = int(m.group(1))
    return f"{start}/{(start + 1) % 100:02d}"


def any_period(text: str) -> str:
    """Map the period spellings of the published files to contract codes."""
    t = str(text).strip()
    if m := re.match(r"^(begin|end) (\d{4})$", t):
        return f"{m.group(2)}Q{1 if m.group(1) == 'begin' else 4}"
    if m := re.match(r"^(\d{4}) ([1-4])e kwartaal\*?$", t):
        return f"{m.group(1)}Q{m.group(2)}"
    if m := re.match(r"^(\d{4}) ?Q([1-4])$", t):
        return f"{m.group(1)}Q{m.group(2)}"
    if m := re.match(r"^~?(\d{4})$", t):
        return m.group(1)
    t = t.rstrip("*").replace("'", "")
    return school_year(t)


def _split(cell: str) -> list[str]:
    return [p.strip() for p in re.split(r"\s+/\s+", str(cell).strip())]


def _row(ind: str, period: str, value: float, *, level: str = "all", sex: str = "all",
         source: str, vintage: str, status: str = "definitive") -> dict[str, Any]:
    periods.period_kind(period)
    return {"indicator": ind, "period": period, "level": level, "sector": "all",
            "region": "NL", "sex": sex, "value": value, "source": source,
            "vintage": vintage, "status": status}


def _level(text: str) -> str | None:
    t = text.strip().lower()
    if m := re.match(r"^mbo niveau ([1-4])$", t):
        return f"mbo-{m.group(1)}"
    if t.startswith("ho"):
        return "ho"
    return t if t in {"hbo", "wo", "mbo", "vmbo"} else None


def techniekpact_education(path: Path) -> pd.DataFrame:
    """Monitor Techniekpact education pages: bètatechniek inflow counts and shares."""
    rows = []
    for r in read_table(path).to_dict("records"):
        level, sex = _level(r["level"]), SEX.get(r["group"])
        code = TP_INDICATORS.get(r["indicator"])
        if level is None or sex is None or code is None:
            continue  # e.g. Techniekpact's own 'landsdeel Noordwest' (not a CBS region)
        ind, sex_override = code
        for per, val in zip(_split(r["studiejaar"]), _split(r["value"]), strict=True):
            rows.append(_row(ind, school_year(per), float(val), level=level,
                             sex=sex_override or sex, source="techniekpact-monitor",
                             vintage=TP_VINTAGES[r["page_vintage"]]))
    return tidy(rows)


def bedrijvenbeleid(path: Path) -> pd.DataFrame:
    """bedrijvenbeleidinbeeld.nl 'Instroomcijfers betatechniek' 2013/14–2017/18."""
    rows = []
    df = read_table(path)
    years = [c for c in df.columns if re.match(r"^\d{4}-\d{4}$", c)]
    codes = {"nieuwe_studenten_techniek": "inflow_betatech",
             "aandeel_in_totaal_nieuwe_studenten_pct": "inflow_betatech_share"}
    for r in df.to_dict("records"):
        if r["indicator"] not in codes or _level(r["level"]) is None:
            continue
        for y in years:
            rows.append(_row(codes[r["indicator"]], school_year(y), float(r[y]),
                             level=str(_level(r["level"])), source="bedrijvenbeleidinbeeld",
                             vintage="bbib-2018"))
    return tidy(rows)


def vhto(path_inflow: Path, path_mbo_total: Path | None) -> pd.DataFrame:
    """VHTO figures: hbo page versions A/B/C and mbo technical inflow, by sex."""
    rows = []
    for r in read_table(path_inflow).to_dict("records"):
        note = r["page_version_note"]
        version = re.match(r"^version ([ABC])", note)
        vintage = f"vhto-{version.group(1).lower()}" if version else "vhto-mbo"
        for col, sex in (("studenten", "all"), ("mannen", "man"), ("vrouwen", "vrouw")):
            if str(r.get(col, "")).strip():
                rows.append(_row("inflow_betatech", school_year(r["studiejaar"]),
                                 float(r[col]), level=r["level"], sex=sex, source="vhto",
                                 vintage=vintage))
    if path_mbo_total is not None:
        for r in read_table(path_mbo_total).to_dict("records"):
            for col, sex in (("studenten", "all"), ("vrouwen", "vrouw")):
                rows.append(_row("mbo_participants_total", school_year(r["studiejaar"]),
                                 float(r[col]), level="mbo", sex=sex, source="vhto",
                                 vintage="vhto"))
    return tidy(rows)


def uwv_vacancies(path: Path) -> pd.DataFrame:
    """UWV open vacancies in technical occupations (via Monitor Techniekpact), totals only."""
    vintages = {"update 24 mei 2022 (old UWV method)": "uwv-tp-2022-05",
                "update 24 mei 2022 + vacancy update Aug 2022": "uwv-tp-2022-08",
                "revised method": "uwv-tp-2022-08", "update 27 juni 2024": "uwv-tp-2024-06",
                "17 feb 2022 (UWV dashboard vacaturemarkt)": "uwv-tp-2022-02",
                "UWV press text (2017)": "uwv-2017"}
    rows, current = [], ""
    for r in read_table(path).to_dict("records"):
        pv = r["page_vintage"]
        current = next((v for k, v in vintages.items() if pv.startswith(k)), current)
        level_col = "beroepsniveau (ISCO skill level)"
        if not str(r[level_col]).startswith("total"):
            continue  # ISCO skill levels have no level code in the contract
        source = "uwv-press-2017" if current == "uwv-2017" else "techniekpact-monitor"
        rows.append(_row("vacancies_tech_occupations", any_period(r["period"]),
                         float(r["open_vacancies_technical_occupations"]), source=source,
                         vintage=current))
    return tidy(rows)


def labour_market_facts(path: Path) -> pd.DataFrame:
    """Selected points of ``labour_market_facts.csv`` (see :data:`FACTS`)."""
    rows = []
    for r in read_table(path).to_dict("records"):
        spec = next((v for (text, pub), v in FACTS.items()
                     if r["indicator"] == text and r["publisher"].startswith(pub)), None)
        if spec is None or r["unit"] not in UNIT:
            continue
        ind, sex, vintage, source = spec
        for per, val in zip(_split(r["reference_period"]), _split(r["value"]), strict=True):
            rows.append(_row(ind, any_period(per), float(val) * UNIT[r["unit"]], sex=sex,
                             source=source, vintage=vintage))
    return tidy(rows)


def cbs_occupation_points(excerpt_83359: Path | None, excerpt_85276: Path | None,
                          nljobs: Path | None) -> pd.DataFrame:
    """Employed labour force in BRC 2014 class 07 (technical) and 08 (ICT), x 1 000 → persons."""
    rows = []
    classes = {"07": "employment_brc_technical", "08": "employment_brc_ict"}
    for path, source, vintage in ((excerpt_83359, "cbs-83359ned", "cbs-83359ned"),
                                  (excerpt_85276, "cbs-85276ned", "cbs-85276ned-kw")):
        if path is None:
            continue
        df = read_table(path)
        occ = next(c for c in df.columns if c.startswith("Beroep"))
        val = next(c for c in df.columns if c.startswith("Werkzame"))
        for r in df.to_dict("records"):
            if "Arbeidsgehandicapten" in r and r["Arbeidsgehandicapten"] != "Totaal":
                continue
            code = str(r[occ])[:2]
            if code in classes:
                rows.append(_row(classes[code], any_period(r["Perioden"]),
                                 float(r[val]) * 1e3, source=source, vintage=vintage))
    if nljobs is not None:
        for r in read_table(nljobs).to_dict("records"):
            if r["code"] in classes:
                rows.append(_row(classes[r["code"]], "2023", float(r["jobs_x1000"]) * 1e3,
                                 source="cbs-85276ned", vintage="cbs-85276ned"))
    return tidy(rows)


def cbs_83538_excerpt(path: Path) -> pd.DataFrame:
    """HO first-years 2021/22 by ISCED-F field (CBS 83538NED page excerpt, provisional)."""
    rows = []
    levels = {"Hoger onderwijs": "ho", "Hoger beroepsonderwijs": "hbo",
              "Wetenschappelijk onderwijs": "wo"}
    for r in read_table(path).to_dict("records"):
        field = r["Studierichting ISCED 2013"]
        ind = {"Totaal": "inflow_isced_total",
               "07 Techniek, industrie en bouwkunde": "inflow_isced_tech"}.get(field)
        level = levels.get(r["Onderwijssoort"])
        if ind is None or level is None:
            continue
        status = "provisional" if r["Perioden"].endswith("*") else "definitive"
        rows.append(_row(ind, any_period(r["Perioden"]), float(r["Eerstejaarsstudenten (aantal)"]),
                         level=level, source="cbs-83538ned", vintage="cbs-isced-f",
                         status=status))
    return tidy(rows)


def letter_figures(path: Path) -> pd.DataFrame:
    """Figures transcribed from the cabinet letter (ROA 2011 forecasts, Table 1)."""
    df = read_table(path)
    df = df.assign(sector="all", region="NL", sex="all")
    df["value"] = df["value"].astype(float)
    return tidy(df)


def read_all(raw_dir: Path, data_dir: Path, summary: dict[str, Any]) -> list[pd.DataFrame]:
    """Every published-figure connector whose input exists under ``raw_dir``."""
    def find(name: str) -> Path | None:
        hits = sorted(raw_dir.rglob(name))
        if hits:
            summary["files"].append(str(hits[0]))
            return hits[0]
        summary["missing"].append(name)
        return None

    frames = []
    if p := find("techniekpact_monitor_education.csv"):
        frames.append(techniekpact_education(p))
    if p := find("bedrijvenbeleidinbeeld_techniekpact_2013_2018.csv"):
        frames.append(bedrijvenbeleid(p))
    if p := find("vhto_instroom_techniek.csv"):
        frames.append(vhto(p, find("vhto_mbo_totaal_ingeschreven.csv")))
    if p := find("uwv_technical_vacancies_via_techniekpact.csv"):
        frames.append(uwv_vacancies(p))
    if p := find("labour_market_facts.csv"):
        frames.append(labour_market_facts(p))
    frames.append(cbs_occupation_points(find("cbs_83359NED_2017_beroepsklasse_excerpt.csv"),
                                        find("cbs_85276NED_excerpt.csv"),
                                        find("occupations.csv")))
    if p := find("cbs_83538NED_2021-22_excerpt.csv"):
        frames.append(cbs_83538_excerpt(p))
    letter = Path(data_dir) / "letter_figures.csv"
    if letter.exists():
        frames.append(letter_figures(letter))
    return frames
