"""The report context: failures stay visible, reports cannot change each other's numbers, and
the HTML and the PDF of a report say the same thing (also for hostile text)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader
from techmonitor import trends
from techmonitor.errors import DataValidationError, ParameterError
from techmonitor.report import analysis, store
from techmonitor.report.context import build_context

from .report_helpers import (
    ROOT,
    make_report,
    render,
    render_pdf,
    section_outputs,
    shared_html,
    shared_pdf,
    shared_report,
)


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    """An empty process cache before and after (the test changes what a fit does)."""
    store._CACHE.clear()
    yield
    store._CACHE.clear()


def _refuse_inflow(monkeypatch: pytest.MonkeyPatch, exc: Exception) -> None:
    """Make the trend fit of the technical inflow raise ``exc`` (the others fit as usual)."""
    real_estimate, real_kind = trends.estimate, analysis.kind_for
    current: list[str] = []

    def kind_for(ind: Any) -> Any:  # called just before the fit: remember which series
        current[:] = [ind.code]
        return real_kind(ind)

    def estimate(series: Any, **kw: Any) -> Any:
        if current == ["inflow_tech"]:
            raise exc
        return real_estimate(series, **kw)

    monkeypatch.setattr(analysis, "kind_for", kind_for)
    monkeypatch.setattr(analysis.trends, "estimate", estimate)


def test_a_trend_fit_that_raises_is_said_where_its_result_would_stand(
        monkeypatch: pytest.MonkeyPatch, fresh_cache: None) -> None:
    _refuse_inflow(monkeypatch, DataValidationError("de reeks is door de test geweigerd"))
    report = make_report("regions/utrecht.yaml")
    ctx = report.context
    failed = [i for i in ctx.items if i.ind.code == "inflow_tech"]
    assert failed and all(i.trend is None and i.error_step == "trend" for i in failed)
    assert [f.where for f in ctx.findings] == [i.key for i in failed]
    soup = BeautifulSoup(render(report), "html.parser")
    text = soup.get_text(" ")
    assert "Geen gegevens" not in text
    for item in failed:
        heading = soup.find(id=f"ind-{item.key}")
        note = heading.find_next_sibling()
        assert "note-failure" in note["class"]
        assert "kon niet worden geschat: de reeks is door de test geweigerd" in note.get_text()
        # the observations still stand below the note, every one of them
        table = note.find_next_sibling("div").find("table")
        assert len(table.find("tbody").find_all("tr")) == len(item.series)
    # the key table says "niet geschat", not a trend word, and the provenance lists it
    key_rows = soup.find(id="kernboodschappen").find("table").find("tbody").find_all("tr")
    for item in failed:
        row = next(r for r in key_rows if r.find("th").get_text() == item.name("nl"))
        assert row.find_all("td")[-1].get_text() == "niet geschat"
    # the provenance names the indicator as the reader knows it, not by its internal key
    prov = soup.find(id="verantwoording").get_text(" ")
    assert all(item.name("nl") in prov and item.key not in prov for item in failed)
    summary = section_outputs(report)[-1].data
    assert summary["warnings"] == [f.text() for f in ctx.findings]


def test_an_unexpected_error_fails_the_report(monkeypatch: pytest.MonkeyPatch,
                                              fresh_cache: None) -> None:
    _refuse_inflow(monkeypatch, RuntimeError("a bug, not a property of the data"))
    with pytest.raises(RuntimeError, match="a bug"):
        build_context(make_report("regions/utrecht.yaml").params)


def _numbers(report: Any) -> dict[str, list[float]]:
    return {i.key: [float(v) for v in i.series["value"]] + [float(i.band["mean"].iloc[-1])
                                                            if i.band is not None else -1.0]
            for i in report.context.items}


def test_a_report_that_changes_its_data_does_not_change_the_next_report(
        fresh_cache: None) -> None:
    """What a kept-alive kernel does: one process, report after report, one cache.

    The meddler changes its own items (which the next run of the same report gets from the
    cache) and every frame it can reach (which the next, not yet analysed report reads).
    """
    before = (_numbers(make_report("sectors/energie.yaml")),
              _numbers(make_report("regions/zeeland.yaml")))
    store._CACHE.clear()
    ctx = make_report("sectors/energie.yaml").context
    obs = ctx.obs
    obs.loc[:, "value"] = -1.0
    zeeland = make_report("regions/zeeland.yaml").params.region
    for ind in ctx.catalogue.values():  # every cached slice a report can be handed
        for region in (ctx.params.region, zeeland):
            part = store.obs_for(ctx.data_dir, ctx.params.period, (ind.code,), region)
            part["value"] = np.full(len(part["value"]), -2.0)  # the caller's own dict
            fresh = store.obs_for(ctx.data_dir, ctx.params.period, (ind.code,), region)
            with pytest.raises(ValueError, match="read-only"):
                fresh["value"][:] = -2.0  # the shared arrays refuse a write
    for item in ctx.items:
        item.series.loc[:, "value"] = -3.0
        if item.band is not None:
            item.band.loc[:, "mean"] = -4.0
    cached = store.load_obs(ctx.data_dir)
    cached.loc[:, "value"] = -5.0
    assert (obs["value"] == -1.0).all() and (cached["value"] == -5.0).all()  # really changed
    with pytest.raises(AttributeError):
        ctx.items[0].trend = None  # type: ignore[misc]  # frozen
    after = (_numbers(make_report("sectors/energie.yaml")),
             _numbers(make_report("regions/zeeland.yaml")))
    assert after == before


def test_items_are_fitted_once_per_process_and_again_after_a_data_edit(
        monkeypatch: pytest.MonkeyPatch, fresh_cache: None, tmp_path: Any) -> None:
    """The one cache layer: a rerun in a kept-alive kernel fits nothing again, yet every
    report gets results of its own; an edited data file is read and fitted again."""
    project = tmp_path / "p"
    shutil.copytree(ROOT / "data", project / "data", ignore=shutil.ignore_patterns(".cache"))
    calls: list[int] = []
    real = trends.estimate

    def counting(series: Any, **kw: Any) -> Any:
        calls.append(1)
        return real(series, **kw)

    monkeypatch.setattr(analysis.trends, "estimate", counting)
    first = make_report("regions/utrecht.yaml", project_dir=str(project)).context
    fitted = len(calls)
    # its own items, and the other provinces' share it is compared with (its own is shared)
    assert first.provinces is not None
    others = sum(1 for f in first.provinces.provinces if f.slug != "utrecht")
    assert fitted == sum(1 for i in first.items if i.trend is not None) + others > others
    again = make_report("regions/utrecht.yaml", project_dir=str(project)).context
    assert len(calls) == fitted  # nothing fitted twice
    assert again.items[0] is not first.items[0]  # but each report has its own items
    assert again.items[0].series is not first.items[0].series
    obs = project / "data" / "observations.csv"
    os.utime(obs, ns=(obs.stat().st_atime_ns, obs.stat().st_mtime_ns + 10**9))  # edited
    edited = make_report("regions/utrecht.yaml", project_dir=str(project)).context
    assert len(calls) == 2 * fitted and len(edited.items) == len(first.items)


def _pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split())
                    for p in PdfReader(io.BytesIO(pdf)).pages)


def test_html_and_pdf_carry_the_same_key_figures() -> None:
    report = shared_report("national.yaml")
    soup = BeautifulSoup(shared_html("national.yaml"), "html.parser")
    pdf_text = _pdf_text(shared_pdf("national.yaml"))
    rows = soup.find(id="kernboodschappen").find("table").find("tbody").find_all("tr")
    assert len(rows) == len(report.context.items)
    for row in rows:
        latest = row.find_all("td")[0].get_text()  # e.g. "2.800 (K3 2023)"
        value = latest.split(" (")[0]
        assert re.fullmatch(r"[\d.,%]+", value), latest
        assert value in pdf_text, (row.find("th").get_text(), value)
    # each key sentence is in the PDF too, word for word
    for li in soup.find(id="kernboodschappen").find("ul").find_all("li"):
        words = " ".join(li.get_text().split())
        assert words[:60] in pdf_text, words


HOSTILE = r"<script>alert(1)</script> #set *vet* _schuin_ $x$ [a] @ref <label> \ eind"


def test_hostile_text_is_text_in_html_and_pdf() -> None:
    report = make_report("sectors/energie.yaml", name=HOSTILE, organisation=HOSTILE)
    soup = BeautifulSoup(render(report), "html.parser")
    assert soup.find("script") is None and soup.find("label") is None
    assert HOSTILE in soup.find("h1").get_text()
    pdf = render_pdf(report)
    text = _pdf_text(pdf)
    assert HOSTILE in text
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None and HOSTILE in str(reader.metadata.title)


def test_method_annex_states_the_measured_coverage_of_the_bands() -> None:
    """The sentence quotes the committed table's validation coverage, read here directly."""
    table = json.loads((ROOT / "data" / "calibration.json").read_text(encoding="utf-8"))
    check = table["checks"]["validation"]["count"]
    c80 = round(100 * check["coverage80"]["pooled"])
    c95 = round(100 * check["coverage95"]["pooled"])
    soup = BeautifulSoup(shared_html("national.yaml"), "html.parser")
    text = " ".join(soup.find(id="methode").get_text(" ").split())
    assert f"aantallen {c80}% en {c95}%" in text
    assert "niet gekalibreerd" not in text


def test_a_target_that_cannot_be_worked_out_is_said_not_dropped(tmp_path: Path) -> None:
    """+10% Energie hbo inflow on 2020/21, set to 0 in a copy of the data: no target."""
    zero = {"indicator": "inflow_sector", "level": "hbo", "baseline_period": "2020/21",
            "target_period": "2025/26", "target_change_pct": 10, "source": "illustrative"}
    shutil.copytree(ROOT / "data", tmp_path / "data")
    for part in ("params", "templates"):
        (tmp_path / part).symlink_to(ROOT / part)
    obs_path = tmp_path / "data" / "observations.csv"
    obs = pd.read_csv(obs_path, dtype=str, keep_default_na=False)
    base = ((obs.indicator == "inflow_sector") & (obs.period == "2020/21")
            & (obs.level == "hbo") & (obs.sector == "energie") & (obs.sex == "all"))
    assert base.sum() == 1
    obs.loc[base, "value"] = "0"  # the case this test is about
    obs.to_csv(obs_path, index=False, lineterminator="\n")
    report = make_report("sectors/energie.yaml", targets=[zero], project_dir=str(tmp_path))
    item = next(i for i in report.context.items if i.key == "inflow_sector-hbo")
    assert item.target is None and item.error
    assert item.error_step == "target" and "value in" in str(item.error)
    soup = BeautifulSoup(render(report), "html.parser")
    note = soup.find(id=f"ind-{item.key}").find_next_sibling(class_="note-failure")
    assert note is not None and "kon niet worden beoordeeld" in note.get_text()
    rows = soup.find(id="kernboodschappen").find("table").find("tbody").find_all("tr")
    row = next(r for r in rows if r.find("th").get_text() == item.name("nl"))
    assert row.find_all("td")[3].get_text() == "doel niet te bepalen"
    assert "Voor deze selectie zijn geen indicatoren met een doel" not in soup.get_text(" ")
    assert any(f.where == item.key and f.step == "target" for f in report.context.findings)


def test_sbi_in_the_params_replaces_the_sectors_vacancy_delineation() -> None:
    """``sbi: [sbi-C]`` for Energie: its vacancies become CBS's industry (C) series, read here
    straight from observations.csv."""
    report = make_report("sectors/energie.yaml", sbi=["sbi-C"])
    vac = next(i for i in report.context.items if i.ind.code == "vacancies_open")
    default = next(i for i in shared_report("sectors/energie.yaml").context.items
                   if i.ind.code == "vacancies_open")
    vintage = str(vac.series["vintage"].iloc[-1])
    with (ROOT / "data" / "observations.csv").open(encoding="utf-8") as fh:
        expected = {r["period"]: float(r["value"]) for r in csv.DictReader(fh)
                    if (r["indicator"], r["sector"], r["region"], r["sex"], r["level"],
                        r["vintage"]) == ("vacancies_open", "sbi-C", "NL", "all", "all",
                                          vintage)}
    got = dict(zip(vac.series["period"], vac.series["value"], strict=True))
    assert got and all(expected[p] == v for p, v in got.items())
    assert float(vac.latest["value"]) != float(default.latest["value"])  # it did something
    with pytest.raises(ParameterError, match="'sbi-ZZ' is not an SBI sector code"):
        build_context(make_report("sectors/energie.yaml", sbi=["sbi-ZZ"]).params)
    with pytest.raises(ParameterError, match="only applies to a sector report"):
        build_context(make_report("regions/utrecht.yaml", sbi=["sbi-C"]).params)


def test_single_readings_are_shown_as_readings_without_a_finding() -> None:
    """UWV's vacancies in technical occupations: dated readings of several page versions."""
    report = shared_report("national.yaml")
    item = next(i for i in report.context.items if i.ind.code == "vacancies_tech_occupations")
    assert item.trend is None and item.error is None
    assert all(f.where != item.key for f in report.context.findings)
    soup = BeautifulSoup(shared_html("national.yaml"), "html.parser")
    rows = soup.find(id="kernboodschappen").find("table").find("tbody").find_all("tr")
    row = next(r for r in rows if r.find("th").get_text() == item.name("nl"))
    assert row.find_all("td")[2].get_text() == "– losse waarnemingen"
    heading = soup.find(id=f"ind-{item.key}")
    # at 2023-12-31 the newest reading (2022Q1) is 21 months old: flagged first, beside it
    stale = heading.find_next_sibling("p")
    assert "note-warning" in stale["class"] and "1e kwartaal 2022" in stale.get_text()
    para = stale.find_next_sibling("p")
    assert "losse waarnemingen op onregelmatige momenten" in para.get_text()


def test_the_authors_trend_is_the_reports_own_fit_not_a_refit() -> None:
    # the national report (at 2023Q3 the newest edition of energie's hbo series has three
    # points: too few for a slope)
    report = shared_report("national.yaml")
    item = next(i for i in report.context.items if i.trend is not None
                and i.trend.slope is not None and i.target is not None)
    got = report.trend(item.ind.code, item.level)
    # a copy of the shared fit: the author may change it without touching the report
    assert got is not item.trend
    # and the same fit as a direct estimate on the series the author sees
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels' notes are on the result
        direct = trends.estimate(report.series(item.ind.code, item.level),
                                 kind=analysis.kind_for(item.ind),
                                 target_period=item.target.period)
    assert got.slope == pytest.approx(direct.slope, rel=1e-12)
    assert got.target_period == item.target.period
    assert got.model == direct.model

