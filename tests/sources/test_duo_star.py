"""DUO hbo star schema: a hand-written Parquet fixture, a renamed column, and the real files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from techmonitor.errors import DataValidationError
from techmonitor.reference import default_data_dir, load_regions
from techmonitor.sources import duo_star

PROVINCES = load_regions(default_data_dir()).province_codes_by_name()
STAR = "duo_hbo_eerstejaars_diplomas_2019_2024_aleemans_starschema/processed"

# (tijd, sector, geografie, geslacht, count or None = suppressed); keys as in the dims below
FIRST = [(1, 1, 1, 1, 10), (1, 1, 1, 2, None), (1, 2, 2, 1, 5), (1, 4, 1, 1, 20),
         (2, 1, 1, 1, 8), (2, 1, 1, 2, 3), (2, 1, 2, None, 2), (2, 4, 1, 1, 15)]
DIPL = [(1, 1, 1, 1, 4), (1, 3, 1, 1, 2), (1, 4, 1, 1, 5)]
ENROL = [(1, 1, 1, 1, 50), (1, 3, 1, 1, 6), (1, 2, 2, 1, 10), (1, 4, 1, 1, 60),
         (2, 1, 1, 1, 48), (2, 1, 1, 2, 3), (2, 2, 2, 1, 9), (2, 4, 1, 1, 58)]


def _write(path: Path, columns: dict[str, tuple[pa.DataType, list[object]]]) -> None:
    pq.write_table(pa.table({k: pa.array(v, type=t) for k, (t, v) in columns.items()}), path)


def _fact(path: Path, rows: list[tuple], count_col: str, extra: dict | None = None) -> None:
    cols: dict[str, tuple[pa.DataType, list[object]]] = {
        "id": (pa.int64(), list(range(1, len(rows) + 1))),
        "tijd_key": (pa.int64(), [r[0] for r in rows]),
        "instelling_key": (pa.int64(), [1] * len(rows)),
        "sector_key": (pa.int64(), [r[1] for r in rows]),
        "geografie_key": (pa.int64(), [r[2] for r in rows]),
        "geslacht_key": (pa.int64(), [r[3] for r in rows]),
        count_col: (pa.int64(), [r[4] for r in rows]),
        "is_onderdrukt": (pa.bool_(), [r[4] is None for r in rows]),
    }
    cols.update(extra or {})
    _write(path, cols)


def write_star(folder: Path, *, first_count: str = "aantal_eerstejaars") -> Path:
    """A tiny star schema in the real layout (dims + three ``_geslacht`` facts)."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "dim_tijd.parquet", {"tijd_key": (pa.int64(), [1, 2]),
                                         "jaar": (pa.int64(), [2020, 2021])})
    _write(folder / "dim_sector.parquet", {
        "sector_key": (pa.int64(), [1, 2, 3, 4, 5]),
        "type_hoger_onderwijs": (pa.string(), ["bachelor", "associate degree", "master",
                                               "bachelor", "bachelor"]),
        "onderdeel": (pa.string(), ["TECHNIEK", "TECHNIEK", "TECHNIEK", "ECONOMIE",
                                    "GEDRAG_EN_MAATSCHAPPIJ"])})
    _write(folder / "dim_geografie.parquet", {
        "geografie_key": (pa.int64(), [1, 2]),
        "provincienaam": (pa.string(), ["Utrecht", "Zuid-Holland"])})
    _write(folder / "dim_geslacht.parquet", {"geslacht_key": (pa.int64(), [1, 2]),
                                             "geslacht": (pa.string(), ["MAN", "VROUW"])})
    _fact(folder / "feit_eerstejaars_geslacht.parquet", FIRST, first_count)
    _fact(folder / "feit_gediplomeerden_geslacht.parquet", DIPL, "aantal_gediplomeerden",
          {"soort_diploma_key": (pa.int64(), [2, 3, 2])})
    _fact(folder / "feit_ingeschrevenen_geslacht.parquet", ENROL, "aantal_ingeschrevenen")
    return folder


def _value(obs: pd.DataFrame, indicator: str, period: str, region: str = "NL",
           sex: str = "all") -> pd.Series:
    row = obs[(obs.indicator == indicator) & (obs.period == period) & (obs.region == region)
              & (obs.sex == sex)]
    assert len(row) == 1, (indicator, period, region, sex)
    return row.iloc[0]


def test_star_schema_by_hand(tmp_path: Path) -> None:
    obs = duo_star.observations(write_star(tmp_path / "processed").parent, PROVINCES)
    first = _value(obs, "inflow_tech", "2020/21")
    # 10 + 5; the suppressed women's cell is left out, counted and makes a lower bound
    assert (first.value, first.suppressed, first.lower_bound) == (15, 1, True)
    assert _value(obs, "inflow_tech", "2021/22").value == 13  # incl. the row without a sex
    assert _value(obs, "inflow_tech", "2021/22", sex="man").value == 8
    assert _value(obs, "inflow_tech", "2021/22", "PV28").value == 2
    assert obs[(obs.indicator == "inflow_tech") & (obs.region == "PV28")
               & (obs.sex == "man") & (obs.period == "2021/22")].empty
    assert _value(obs, "inflow_total", "2020/21").value == 35
    assert _value(obs, "diplomas_tech", "2020").value == 6  # masters count in diplomas
    assert _value(obs, "diplomas_tech", "2020").vintage == "duo-hbo-diplomas"
    assert _value(obs, "enrolled_tech", "2020/21").value == 60  # ad + bachelor, not the master
    # net retention: stayed = enrolled_t - first_t, base = enrolled_t-1 - diplomas_t-1 (ad+ba)
    def ratio(slug: str, region: str = "NL", sex: str = "all") -> tuple[float, float]:
        return (_value(obs, f"retention_net_{slug}_stayed", "2021/22", region, sex).value,
                _value(obs, f"retention_net_{slug}_base", "2021/22", region, sex).value)

    assert ratio("tech") == (60 - 13, 60 - 4)
    assert ratio("tech", sex="man") == (48 + 9 - 8, 50 + 10 - 4)
    assert ratio("tech", "PV26") == (48 + 3 - 8 - 3, 50 - 4)
    assert ratio("economie") == (58 - 15, 60 - 5)
    assert not _value(obs, "retention_net_tech_stayed", "2021/22").lower_bound
    assert obs[obs.indicator == "retention_net_tech_base"]["period"].unique().tolist() == [
        "2021/22"]
    assert set(obs["source"]) == {"duo-hbo-starschema"}


def test_star_schema_renamed_column(tmp_path: Path) -> None:
    folder = write_star(tmp_path, first_count="aantal")
    with pytest.raises(DataValidationError, match=r"feit_eerstejaars_geslacht\.parquet: "
                       r"required column\(s\) \['aantal_eerstejaars'\] missing"):
        duo_star.observations(folder, PROVINCES)


def test_star_schema_unknown_key(tmp_path: Path) -> None:
    folder = write_star(tmp_path)
    first_bad = [*FIRST, (3, 1, 1, 1, 7)]  # tijd_key 3 is not in dim_tijd
    _fact(folder / "feit_eerstejaars_geslacht.parquet", first_bad, "aantal_eerstejaars")
    with pytest.raises(DataValidationError, match=r"row 9, column tijd_key: 3 has no row in "
                       r"dim_tijd\.parquet"):
        duo_star.observations(folder, PROVINCES)


# --- the real files: national numbers against a computation straight from the Parquet files


def _raw_sum(raw_dir: Path, stem: str, count: str, types: tuple[str, ...] | None = None,
             onderdeel: str = "TECHNIEK") -> pd.Series:
    """Sum per year of one fact table, joined by hand with pandas (no project code)."""
    folder = raw_dir / STAR
    fact = pd.read_parquet(folder / f"feit_{stem}_geslacht.parquet")
    sector = pd.read_parquet(folder / "dim_sector.parquet")
    tijd = pd.read_parquet(folder / "dim_tijd.parquet")
    df = fact.merge(sector, on="sector_key").merge(tijd, on="tijd_key")
    df = df[df["onderdeel"] == onderdeel]
    if types:
        df = df[df["type_hoger_onderwijs"].isin(types)]
    return df.groupby("jaar")[count].sum().astype(float)


@pytest.fixture
def real_obs(raw_dir: Path) -> pd.DataFrame:
    return duo_star.observations(raw_dir / STAR, PROVINCES)


def test_real_national_numbers(raw_dir: Path, real_obs: pd.DataFrame) -> None:
    first = _raw_sum(raw_dir, "eerstejaars", "aantal_eerstejaars")
    dipl = _raw_sum(raw_dir, "gediplomeerden", "aantal_gediplomeerden")
    enrol_all = _raw_sum(raw_dir, "ingeschrevenen", "aantal_ingeschrevenen")
    enrol = _raw_sum(raw_dir, "ingeschrevenen", "aantal_ingeschrevenen",
                     ("associate degree", "bachelor"))
    assert first[2024] == 18694 == _value(real_obs, "inflow_tech", "2024/25").value
    assert dipl[2023] == 16212 == _value(real_obs, "diplomas_tech", "2023").value
    assert enrol_all[2024] == 92489  # the README's check: all types, masters included
    assert _value(real_obs, "enrolled_tech", "2024/25").value == enrol[2024] == 92489 - 1045
    for year in range(2020, 2025):
        assert _value(real_obs, "inflow_tech", f"{year}/{(year + 1) % 100:02d}").value \
            == first[year]
    rounded = []
    for year in range(2021, 2025):
        expected = (enrol[year] - first[year]) / (
            enrol[year - 1] - _raw_sum(raw_dir, "gediplomeerden", "aantal_gediplomeerden",
                                       ("associate degree", "bachelor"))[year - 1])
        period = f"{year}/{(year + 1) % 100:02d}"
        got = (_value(real_obs, "retention_net_tech_stayed", period).value
               / _value(real_obs, "retention_net_tech_base", period).value)
        assert got == pytest.approx(expected, abs=1e-12)
        rounded.append(round(got, 3))
    assert rounded == [0.936, 0.912, 0.917, 0.929]  # the README's quick check


def test_hbo_diplomas_follow_on(raw_dir: Path) -> None:
    """2014-2018 (2019 edition) and 2019-2023 (current files) are one DUO definition.

    Checked three ways: the same diploma types and CROHO onderdelen; no programme with at
    least 50 diplomas has the same count in 2018 (old file) and 2019 (new file), so the new
    2019 is not the old 2018 under a shifted year label; and the step 2018 -> 2019 in techniek
    lies within the range of the year-on-year steps inside each file.
    """
    old = pd.read_csv(raw_dir / "duo_ho_mbo_2015_2019_tekkieworden/hbo_gediplomeerden_2019.csv",
                      sep=";", dtype=str, keep_default_na=False)
    old = old[old["CROHO ONDERDEEL"] != ""]
    folder = raw_dir / STAR
    new = (pd.read_parquet(folder / "feit_gediplomeerden.parquet")
           .merge(pd.read_parquet(folder / "dim_opleiding.parquet"), on="opleiding_key")
           .merge(pd.read_parquet(folder / "dim_tijd.parquet"), on="tijd_key")
           .merge(pd.read_parquet(folder / "dim_soort_diploma.parquet"), on="soort_diploma_key"))
    assert {t.lower() for t in old["SOORT DIPLOMA"]} == {t.lower() for t in new["soort_diploma"]}
    assert ({o.lower() for o in old["CROHO ONDERDEEL"]}
            == {o.lower().replace("_", " ") for o in new["onderdeel"]})
    old18 = old.assign(n=pd.to_numeric(old["2018"], errors="coerce")).groupby(
        old["OPLEIDINGSCODE ACTUEEL"].astype(int))["n"].sum()
    new19 = new[new["jaar"] == 2019].groupby("croho_code")["aantal_gediplomeerden"].sum()
    new19.index = new19.index.astype(int)
    both = pd.concat([old18.rename("y2018"), new19.rename("y2019")], axis=1).dropna()
    both = both[both["y2018"] >= 50]  # programmes large enough for a coincidence to mean much
    assert len(both) > 100
    assert (both["y2018"] == both["y2019"]).sum() == 0  # none of them (155 programmes)
    tech_old = (old[old["CROHO ONDERDEEL"].str.lower() == "techniek"][
        ["2014", "2015", "2016", "2017", "2018"]].apply(pd.to_numeric).sum())
    tech_new = _raw_sum(raw_dir, "gediplomeerden", "aantal_gediplomeerden")
    steps = list(tech_old.pct_change().dropna()) + list(tech_new.pct_change().dropna())
    join = tech_new[2019] / tech_old["2018"] - 1
    assert tech_old["2018"] == 13819 and tech_new[2019] == 13880
    assert min(steps) <= join <= max(steps)


def test_sector_series_by_hand(tmp_path: Path) -> None:
    """Per-programme tables through the delineation's own rules (duo.programme_mask)."""
    folder = write_star(tmp_path)
    _write(folder / "dim_opleiding.parquet", {
        "opleiding_key": (pa.int64(), [1, 2, 3]),
        "type_hoger_onderwijs": (pa.string(), ["bachelor", "bachelor", "associate degree"]),
        "onderdeel": (pa.string(), ["TECHNIEK", "LANDBOUW_EN_NATUURLIJKE_OMGEVING", "TECHNIEK"]),
        "croho_code": (pa.int64(), [34267, 35000, 80001]),
        "opleidingsnaam": (pa.string(), ["B Elektrotechniek", "B Tuinbouw en Agribusiness",
                                         "AD Food Technology"])})
    rows = [(1, 1, 30), (1, 2, 12), (1, 3, None), (2, 1, 25), (2, 2, 10), (2, 3, 6)]
    for stem, count in (("eerstejaars", "aantal_eerstejaars"),
                        ("gediplomeerden", "aantal_gediplomeerden")):
        _write(folder / f"feit_{stem}.parquet", {
            "tijd_key": (pa.int64(), [r[0] for r in rows]),
            "opleiding_key": (pa.int64(), [r[1] for r in rows]),
            count: (pa.int64(), [r[2] for r in rows]),
            "is_onderdrukt": (pa.bool_(), [r[2] is None for r in rows])})
    from techmonitor.reference import EducationRules

    # code lists as in data/sectors.yaml: agri-food selects the tuinbouw bachelor and the AD
    # Food Technology, energie the electrical engineering bachelor
    rules = {"agri-food": EducationRules(hbo=["35000", "80001"]),
             "energie": EducationRules(hbo=["34267"])}
    obs = duo_star.sector_observations(folder, rules)
    got = {(r.indicator, r.sector, r.period): (r.value, r.suppressed) for r in obs.itertuples()}
    assert got[("inflow_sector", "agri-food", "2020/21")] == (12, 1)  # AD Food suppressed
    assert got[("inflow_sector", "agri-food", "2021/22")] == (16, 0)
    assert got[("inflow_sector", "energie", "2020/21")] == (30, 0)
    assert got[("diplomas_sector", "energie", "2021")] == (25, 0)
    assert set(obs["vintage"]) == {"duo-sector-hbo-2025"} and set(obs["region"]) == {"NL"}
