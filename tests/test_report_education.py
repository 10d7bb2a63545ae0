"""Education series in the report: the hbo first-years' break, vmbo and havo/vwo shares, the
net yearly retention in technical hbo and the published retention points.

The numbers are checked against sums computed here directly from the raw DUO files (pandas on
the Parquet star schema and the vo CSV), not from the monitor's data build.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.lines import Line2D
from techmonitor import charts, fmt
from techmonitor.periods import to_decimal_year, to_decimal_years
from techmonitor.report import document as doc
from techmonitor.report import education
from techmonitor.report.results import csv_text
from techmonitor.report.results_data import results_of

from .report_helpers import make_report, render

STAR = "duo_hbo_eerstejaars_diplomas_2019_2024_aleemans_starschema/processed"
VO = "duo_vo_examenkandidaten_2019_2024_alleschools/duo_examen_raw_all.csv"
PERIOD = "2025Q4"  # a report written in 2025Q4 sees 2024/25


# -- independent computations on the raw files --------------------------------------------
def _star(raw: Path, fact: str, value: str) -> pd.DataFrame:
    """One fact table joined with year and CROHO sector; suppressed cells (NULL) left out."""
    d = raw / STAR
    f = pd.read_parquet(d / f"{fact}.parquet")
    f = f.merge(pd.read_parquet(d / "dim_tijd.parquet"), on="tijd_key")
    f = f.merge(pd.read_parquet(d / "dim_sector.parquet"), on="sector_key")
    return f[f[value].notna()].assign(v=lambda x: x[value].astype(float))


def hbo_first_years_tech(raw: Path, year: int) -> float:
    f = _star(raw, "feit_eerstejaars_geslacht", "aantal_eerstejaars")
    return float(f.loc[(f["jaar"] == year) & (f["onderdeel"] == "TECHNIEK"), "v"].sum())


def hbo_diplomas_tech(raw: Path, year: int, types: tuple[str, ...] | None = None) -> float:
    f = _star(raw, "feit_gediplomeerden_geslacht", "aantal_gediplomeerden")
    keep = (f["jaar"] == year) & (f["onderdeel"] == "TECHNIEK")
    if types is not None:
        keep &= f["type_hoger_onderwijs"].isin(types)
    return float(f.loc[keep, "v"].sum())


def hbo_enrolled_tech(raw: Path, year: int) -> float:
    f = _star(raw, "feit_ingeschrevenen_geslacht", "aantal_ingeschrevenen")
    keep = ((f["jaar"] == year) & (f["onderdeel"] == "TECHNIEK")
            & f["type_hoger_onderwijs"].isin(("associate degree", "bachelor")))
    return float(f.loc[keep, "v"].sum())


def net_retention_tech(raw: Path, year: int) -> tuple[float, float]:
    """(enrolled_t - first-years_t, enrolled_t-1 - diplomas_t-1), ad + bachelor, with the
    years as the star schema labels them (the catalogue's definition of the net retention)."""
    stayed = hbo_enrolled_tech(raw, year) - hbo_first_years_tech(raw, year)
    base = hbo_enrolled_tech(raw, year - 1) - hbo_diplomas_tech(
        raw, year - 1, ("associate degree", "bachelor"))
    return stayed, base


def vmbo_tech_share(raw: Path, leerwegen: tuple[str, ...], school_year: str) -> float:
    """Techniek share of exam candidates (TOTAAL column, '<5' left out) of these leerwegen."""
    d = pd.read_csv(raw / VO, sep=";", dtype=str)
    col = f"EXAMENKANDIDATEN SCHOOLJAAR {school_year} - TOTAAL"
    d = d[d["ONDERWIJSTYPE VO"] == "VMBO"]
    leerweg = d["OPLEIDINGSNAAM"].str.extract(r"^VMBO (\w+)", expand=False)
    d = d[leerweg.isin(leerwegen)]
    n = pd.to_numeric(d[col], errors="coerce").fillna(0)
    tech = d["OPLEIDINGSNAAM"].str.endswith("- techniek")
    return 100 * float(n[tech].sum()) / float(n.sum())


# -- the built report -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def national() -> dict[str, Any]:
    report = make_report("national.yaml", period=PERIOD)
    results = results_of(report.context)
    return {"report": report, "ctx": report.context, "html": render(report),
            "results": results, "csv": list(csv.DictReader(io.StringIO(csv_text(results))))}


def _entry(results: dict[str, Any], key: str) -> dict[str, Any]:
    found = [e for e in results["items"] + results["series"] if e["key"] == key]
    assert found, f"{key} not in the results file"
    return found[0]


def _value(results: dict[str, Any], key: str, period: str) -> float:
    obs = {o["period"]: o["value"] for o in _entry(results, key)["observations"]}
    return float(obs[period])


def _csv_value(rows: list[dict[str, str]], key: str, period: str,
               row_type: str = "observation") -> float:
    found = [r for r in rows if r["series"] == key and r["period"] == period
             and r["row_type"] == row_type]
    assert len(found) == 1, (key, period, row_type)
    return float(found[0]["value"])


def test_hbo_first_years_2024_25_match_the_star_schema(raw_dir: Path,
                                                        national: dict[str, Any]) -> None:
    expected = hbo_first_years_tech(raw_dir, 2024)
    assert expected == 18694  # the figure: unsuppressed cells only
    res = national["results"]
    assert _value(res, "inflow_tech-hbo", "2024/25") == expected
    assert _value(res, "inflow_tech-hbo-duo-hbo-2025", "2024/25") == expected
    assert _csv_value(national["csv"], "inflow_tech-hbo-duo-hbo-2025", "2024/25") == expected
    assert fmt.number(expected, 0, "nl") in national["html"]


def test_hbo_diplomas_2023_one_line_from_2014(raw_dir: Path, national: dict[str, Any]) -> None:
    expected = hbo_diplomas_tech(raw_dir, 2023)
    assert expected == 16212
    item = _entry(national["results"], "diplomas_tech-hbo")
    periods = [o["period"] for o in item["observations"]]
    assert periods == [str(y) for y in range(2014, 2024)]  # one line, one definition
    assert {o["vintage"] for o in item["observations"]} == {"duo-hbo-diplomas"}
    assert _value(national["results"], "diplomas_tech-hbo", "2023") == expected
    assert _csv_value(national["csv"], "diplomas_tech-hbo", "2023") == expected
    assert fmt.number(expected, 0, "nl") in national["html"]


@pytest.mark.parametrize(("level", "leerwegen"), [
    ("vmbo-b", ("B",)), ("vmbo-k", ("K",)), ("vmbo-gt", ("G", "T")),
    ("vmbo", ("B", "K", "G", "T", "LWT"))])
def test_vmbo_techniek_shares_2023_24(raw_dir: Path, national: dict[str, Any], level: str,
                                      leerwegen: tuple[str, ...]) -> None:
    expected = vmbo_tech_share(raw_dir, leerwegen, "2023-2024")
    key = f"vmbo_exam_tech_share-{level}"
    assert _value(national["results"], key, "2023/24") == pytest.approx(expected, rel=1e-9)
    assert _csv_value(national["csv"], key, "2023/24") == pytest.approx(expected, rel=1e-9)
    assert fmt.percent(expected, 1, "nl") in national["html"]


def test_vmbo_compared_with_the_monitor_as_another_population(
        raw_dir: Path, national: dict[str, Any]) -> None:
    nodes = education.school_blocks(national["ctx"])
    text = " ".join(n.text for n in nodes if isinstance(n, doc.Paragraph))
    assert "Monitor Techniekpact" in text and "derdejaars" in text
    first_b = vmbo_tech_share(raw_dir, ("B",), "2019-2020")
    assert fmt.percent(first_b, 1, "nl") in text  # 24,8%: the oldest exam candidates here


def test_net_retention_trend_with_interval(raw_dir: Path, national: dict[str, Any]) -> None:
    res, rows = national["results"], national["csv"]
    for year in (2021, 2022, 2023, 2024):
        stayed, base = net_retention_tech(raw_dir, year)
        period = f"{year}/{(year + 1) % 100:02d}"
        assert _value(res, "retention_net_tech_stayed-hbo", period) == stayed
        assert _value(res, "retention_net_tech_base-hbo", period) == base
        assert _value(res, "retention_net_tech-hbo", period) == pytest.approx(
            100 * stayed / base, rel=1e-9)
    trend = _entry(res, "retention_net_tech-hbo-trend")
    (est,) = trend["estimates"]
    assert est["lower95"] < est["value"] < est["upper95"]
    assert _csv_value(rows, "retention_net_tech-hbo-trend", est["period"],
                      "trend_slope") == pytest.approx(est["value"])
    nodes = education.retention_blocks(national["ctx"])
    text = " ".join(n.text for n in nodes if isinstance(n, doc.Paragraph))
    assert "netto cijfer" in text and "95%-betrouwbaarheidsinterval" in text
    lo, hi = (fmt.value_change(est[k], "share", "nl") for k in ("lower95", "upper95"))
    # the interval printed is the one in the results ("-2,8 tot +2,4 procentpunt")
    assert f"{lo.split()[0]} tot {hi}" in text
    html = national["html"]
    assert "Netto jaarlijks behoud in het technisch hbo" in html
    stayed, base = net_retention_tech(raw_dir, 2024)
    assert fmt.percent(100 * stayed / base, 1, "nl") in html


def test_break_is_visible_in_chart_table_and_text(national: dict[str, Any]) -> None:
    ctx = national["ctx"]
    b = ctx.education.break_for("inflow_tech", "hbo")
    assert b is not None and list(b.lines) == ["duo-croho-2019", "duo-hbo-2025"]
    item = next(i for i in ctx.items if i.key == "inflow_tech-hbo")
    fig = education.break_figure(ctx, item, b)
    t_old, t_new = to_decimal_year("2019/20"), to_decimal_year("2020/21")
    data_lines = [ln for ax in fig.axes for ln in ax.get_lines()
                  if len(np.unique(np.asarray(ln.get_xdata(), dtype=float))) > 1]
    assert len(data_lines) == 2  # one per definition
    for ln in data_lines:
        x = np.asarray(ln.get_xdata(), dtype=float)
        assert x.max() <= t_old + 1e-9 or x.min() >= t_new - 1e-9  # no line across the break
    marks = [ln for ax in fig.axes for ln in ax.get_lines()
             if len(np.unique(np.asarray(ln.get_xdata(), dtype=float))) == 1]
    assert [float(np.asarray(m.get_xdata(), dtype=float)[0]) for m in marks] == [
        pytest.approx((t_old + t_new) / 2)]
    nodes = education.break_blocks(ctx, item, b)
    (table,) = [n for n in nodes if isinstance(n, doc.Table)]
    cells = [[c.text for c in r] for r in table.rows]
    i = next(k for k, r in enumerate(cells) if r[0].startswith("Breuk"))
    assert cells[i - 1][0] == "2019/'20" and cells[i + 1][0] == "2020/'21"


def test_level_shift_matches_least_squares(national: dict[str, Any]) -> None:
    """The shift shown equals an OLS with a step, solved here with numpy."""
    b = national["ctx"].education.break_for("inflow_tech", "hbo")
    joined = pd.concat(list(b.lines.values()))
    t = to_decimal_years(joined["period"])
    x = np.column_stack([np.ones(len(t)), t, (t >= to_decimal_year("2020/21")).astype(float)])
    coef, *_ = np.linalg.lstsq(x, joined["value"].to_numpy(dtype=float), rcond=None)
    entry = _entry(national["results"], "inflow_tech-hbo-level_shift")
    shift = next(e for e in entry["estimates"] if e["row_type"] == "level_shift")
    assert shift["value"] == pytest.approx(coef[2])
    assert shift["lower95"] < coef[2] < shift["upper95"]
    text = " ".join(n.text for n in education.break_blocks(
        national["ctx"], next(i for i in national["ctx"].items if i.key == "inflow_tech-hbo"),
        b) if isinstance(n, doc.Paragraph))
    assert fmt.value_change(coef[2], "count", "nl") in text


def test_published_points_stay_points(national: dict[str, Any]) -> None:
    nodes = education.published_blocks(national["ctx"])
    assert not [n for n in nodes if isinstance(n, doc.Figure)]  # never a line
    (table,) = [n for n in nodes if isinstance(n, doc.Table)]
    values = [r[2].text for r in table.rows]
    assert fmt.percent(57.63, 1, "nl") in values  # OCW: diploma within 6 years, cohort 2010


def test_region_report_has_its_own_series_and_says_national_only(
        national: dict[str, Any]) -> None:
    ctx = make_report("regions/utrecht.yaml", period=PERIOD).context
    ret = ctx.education.retention
    assert ret is not None
    # the province's series is the national report's row for that province
    nat = national["ctx"].education.retention.sectors["retention_net_tech"].by_region["PV26"]
    assert ret.sectors["retention_net_tech"].national["value"].tolist() == pytest.approx(
        nat["value"].tolist())
    texts = " ".join(n.text for n in education.published_blocks(ctx)
                     if isinstance(n, doc.Paragraph))
    assert "Alleen landelijk" in texts
    assert not [n for n in education.retention_blocks(ctx) if isinstance(n, doc.Table)
                and "per provincie" in n.caption]


def test_sector_report_says_national_only_for_school_and_retention() -> None:
    ctx = make_report("sectors/hightech.yaml", period=PERIOD).context
    for nodes in (education.school_blocks(ctx), education.retention_blocks(ctx)):
        assert any(isinstance(n, doc.Paragraph) and "Alleen landelijk" in n.text
                   for n in nodes)


def test_vintage_lines_mark_the_break_without_joining() -> None:
    old = to_decimal_years(["2017/18", "2018/19", "2019/20"])
    new = to_decimal_years(["2020/21", "2021/22"])
    mark = float((old[-1] + new[0]) / 2)
    fig = charts.vintage_lines([("oud", old, np.array([1.0, 2.0, 3.0])),
                                ("nieuw", new, np.array([2.0, 2.5]))],
                               period_kind="school_year", unit="count", lang="nl",
                               axis_label="n", breaks=[(mark, "breuk")])
    lines: list[Line2D] = fig.axes[0].get_lines()
    xs = [np.asarray(ln.get_xdata(), dtype=float) for ln in lines]
    assert [x.tolist() for x in xs[:2]] == [old.tolist(), new.tolist()]
    assert xs[2].tolist() == [mark, mark]  # the vertical mark
    assert "breuk" in [t.get_text() for t in fig.axes[0].texts]


def test_csv_writes_estimates_with_their_interval() -> None:
    results = {"report": "r", "period": "2025Q4", "items": [], "series": [
        {"key": "x-level_shift", "indicator": "x", "level": "hbo", "name": "X", "unit": "count",
         "observations": [], "estimates": [
             {"row_type": "level_shift", "period": "2020/21", "value": -2.5,
              "lower95": -7.0, "upper95": 2.0}]}]}
    results["series"][0]["estimates"][0].update(source="a, b", vintage="v1, v2")
    (row,) = list(csv.DictReader(io.StringIO(csv_text(results))))
    assert (row["row_type"], row["period"], row["value"], row["lower95"], row["upper95"],
            row["source"], row["vintage"]) == (
        "level_shift", "2020/21", "-2.5", "-7.0", "2.0", "a, b", "v1, v2")


def test_method_annex_bullets_name_the_break_and_the_net_identity(
        national: dict[str, Any]) -> None:
    hbo_break, identity = education.method_breaks(national["ctx"])
    assert "2019/'20" in hbo_break and "2020/'21" in hbo_break and "sprong" in hbo_break
    assert identity.startswith("Het netto jaarlijks behoud is een netto cijfer")


def test_lower_bounds_read_from_the_flag_when_the_data_carry_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from techmonitor.report import education_analysis as ea

    obs = pd.DataFrame({
        "indicator": ["inflow_tech"] * 3, "level": ["hbo"] * 3, "region": ["NL"] * 3,
        "sex": ["all"] * 3, "sector": ["all"] * 3, "vintage": ["old", "new", "new"],
        "period": ["2019/20", "2020/21", "2021/22"], "lower_bound": ["false", "true", "true"]})
    shown = obs[["period", "vintage"]]
    params = make_report("national.yaml").params
    monkeypatch.setattr(ea.store, "obs_until", lambda *a: obs)
    assert ea.lower_bounds(Path("data"), params, "inflow_tech", "hbo", shown) == (
        "2020/21", "2021/22")
    monkeypatch.setattr(ea.store, "obs_until", lambda *a: obs.drop(columns="lower_bound"))
    assert ea.lower_bounds(Path("data"), params, "inflow_tech", "hbo", shown) == ()
