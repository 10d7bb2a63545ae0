"""The author's own analysis: params ``analysis: analyses/<slug>.py`` through the real batch.

Its sections appear in the HTML and the PDF in house style (alt text, source); an error in
it names the file and line where the sections would stand and in the batch summary; an edit
to it reruns only that report. Also the author's API on its own (series, trend, figure,
section), checked against the observations read independently.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader
from techmonitor.cli import main
from techmonitor.errors import ParameterError
from techmonitor.paramfiles import resolve
from techmonitor.report import Report
from techmonitor.report import document as doc

from .conftest import ROOT

ANALYSIS = '''"""Utrecht's own analysis: women in technical hbo inflow."""


def sections(report):
    frame = report.series("inflow_tech", level="hbo", sex="vrouw")
    table = frame[["period", "value"]].tail(3)
    table.attrs["caption"] = "Vrouwen in technisch hbo, laatste drie jaren"
    return [
        report.section("Vrouwen in technisch hbo",
                       "Deze sectie is van de auteur van het rapport.",
                       report.figure("inflow_tech", level="hbo", sex="vrouw"), table),
        report.section("Tweede eigen sectie", "Nog een alinea."),
    ]
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "params", tmp_path / "params")
    base = tmp_path / "params" / "base.yaml"  # the quarter these tests were written for
    base.write_text(base.read_text(encoding="utf-8").replace("period: latest",
                                                             'period: "2023Q3"'),
                    encoding="utf-8")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    (tmp_path / "data").symlink_to(ROOT / "data")
    (tmp_path / "analyses").mkdir()
    (tmp_path / "analyses" / "utrecht.py").write_text(ANALYSIS, encoding="utf-8")
    path = tmp_path / "params" / "regions" / "utrecht.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "analysis: analyses/utrecht.py\n",
                    encoding="utf-8")
    return tmp_path


def _women_hbo(as_of: str = "2026-03-31") -> pd.DataFrame:
    """Utrecht's women in technical hbo as a report knows them: published by its as-of date
    (2025Q4: 2026-03-31, the date the tests below build at), the newest edition only."""
    obs = pd.read_csv(ROOT / "data" / "observations.csv", dtype=str)
    # the report's default: DUO's current definition of first-years (2020/21 on)
    s = obs[(obs.indicator == "inflow_tech") & (obs.level == "hbo") & (obs.region == "PV26")
            & (obs.sex == "vrouw") & (obs.sector == "all") & (obs.published <= as_of)]
    newest = s.sort_values("published").iloc[-1]["vintage"]
    return s[s.vintage == newest]


@pytest.mark.slow
def test_own_sections_in_html_and_pdf_and_errors_name_file_and_line(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = project / "reports"
    # 2025Q4: the report knows the newest first-years (2024/25) under any as-of rule
    args = ["run", "--project", str(project), "--only", "region:utrecht",
            "--only", "region:zeeland", "--out", str(out), "--workers", "1",
            "--period", "2025Q4"]
    assert main(args) == 0
    folder = out / "2025Q4"
    soup = BeautifulSoup((folder / "region-utrecht.html").read_text(encoding="utf-8"),
                         "html.parser")
    own = soup.find("section", id="eigen-vrouwen-in-technisch-hbo")
    assert own is not None and own.find("h2").get_text(strip=True) == "Vrouwen in technisch hbo"
    assert soup.find("section", id="eigen-tweede-eigen-sectie") is not None
    # in the contents, before the method annex
    nav = [a["href"] for a in soup.find("nav").find_all("a")]
    assert nav.index("#eigen-vrouwen-in-technisch-hbo") < nav.index("#methode")
    figure = own.find("figure")
    svg = figure.find("svg")
    assert svg is not None and svg.get("role") == "img"
    alt = svg.get("aria-label")
    assert svg.find("title").get_text() == alt
    women = _women_hbo().sort_values("period")
    last_value = int(float(women["value"].iloc[-1]))
    assert last_value < 1000  # formatted without a thousands separator below
    assert "vrouwen" in alt and f"({last_value})" in alt  # what the chart shows, in words
    caption = figure.find("figcaption").get_text(" ")
    # caption and source line, the source by its public name
    assert "vrouwen" in caption and "Bron: DUO" in caption
    # the table holds the last three values, formatted in Dutch
    last = [int(float(v)) for v in women["value"].tail(3)]
    cells = [td.get_text(strip=True) for td in own.find("table").find_all("td")]
    assert [str(v) for v in last] == [c for c in cells if c.isdigit()]
    pdf = PdfReader(folder / "region-utrecht.pdf")
    text = " ".join(page.extract_text() or "" for page in pdf.pages)
    assert "Vrouwen in technisch hbo" in text and "Tweede eigen sectie" in text
    assert "Deze sectie is een eigen analyse" in text
    assert "Vrouwen in technisch hbo" in _titles(pdf.outline)  # a bookmark of its own

    # unchanged: nothing reruns; an edit to the analysis reruns Utrecht only
    capsys.readouterr()
    assert main(args) == 0
    assert "2 unchanged" in capsys.readouterr().out
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    before = {r["report"]: r["key"] for r in manifest["reports"]}
    bad = ANALYSIS.replace('    return [', '    frame["missing"].sum()\n    return [')
    (project / "analyses" / "utrecht.py").write_text(bad, encoding="utf-8")
    assert main(args + ["--log-json", str(project / "log.jsonl")]) == 0
    ran = [json.loads(line)["report"] for line in
           (project / "log.jsonl").read_text(encoding="utf-8").splitlines()
           if json.loads(line).get("event") == "start"]
    assert ran == ["region-utrecht"]
    err = capsys.readouterr().err
    line = bad.splitlines().index('    frame["missing"].sum()') + 1
    assert f"analyses/utrecht.py line {line}: KeyError" in err
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    after = {r["report"]: r["key"] for r in manifest["reports"]}
    assert after["region-zeeland"] == before["region-zeeland"]
    assert after["region-utrecht"] != before["region-utrecht"]
    soup = BeautifulSoup((folder / "region-utrecht.html").read_text(encoding="utf-8"),
                         "html.parser")
    note = soup.find("section", id="eigen-analyse").find(class_="note-failure")
    assert f"line {line}" in note.get_text() and "KeyError" in note.get_text()
    assert main(args + ["--strict"]) == 1  # a failed analysis is a warning


def _titles(outline: list[object]) -> list[str]:
    out: list[str] = []
    for entry in outline:
        out += _titles(entry) if isinstance(entry, list) else [str(entry.title)]  # type: ignore[attr-defined]
    return out


def _report(**overrides: object) -> Report:
    job = resolve(ROOT / "params" / "base.yaml", ROOT / "params" / "regions" / "utrecht.yaml",
                  overrides={"project_dir": str(ROOT), **overrides})
    return Report(job.params)


def test_series_is_the_data_and_errors_say_what_exists() -> None:
    report = _report(period="2025Q4")
    frame = report.series("inflow_tech", level="hbo", sex="vrouw")
    women = _women_hbo().sort_values("period")
    # the default vintage: the first catalogue vintage with data, as the report shows
    assert list(frame["period"])[-3:] == list(women["period"])[-3:]
    assert list(frame["value"])[-1] == pytest.approx(float(women["value"].iloc[-1]))
    frame.loc[0, "value"] = -1  # a copy: the next call is untouched
    assert report.series("inflow_tech", level="hbo", sex="vrouw")["value"].iloc[0] != -1
    with pytest.raises(ParameterError, match="no such indicator.*close: inflow_tech"):
        report.series("inflow_tek")
    with pytest.raises(ParameterError, match="has levels hbo, wo, ho"):
        report.series("inflow_tech", level="vwo")


def test_trend_and_figure_match_the_shared_sections() -> None:
    report = _report()
    trend = report.trend("inflow_tech", level="hbo")
    item = next(i for i in report.context.items if i.key == "inflow_tech-hbo")
    assert item.trend is not None and trend.slope == pytest.approx(item.trend.slope)
    html = trend._repr_html_()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("caption").get_text() == "Trend estimate"
    assert "80% band" in html and trend.data.periods[-1] in html
    fig = report.figure("inflow_tech", level="hbo")
    section = report.section("Eigen grafiek", fig, "Tekst.")
    figure = section.children[0]
    assert isinstance(figure, doc.Figure) and "<svg" in figure.svg and figure.alt
    assert figure.source.startswith("Bron")
    # a plain matplotlib figure must say what it shows
    from matplotlib.figure import Figure

    with pytest.raises(ParameterError, match="report.chart"):
        report.section("Zonder alt", Figure())
    chart = report.chart(Figure(), alt="Een lege grafiek", source="eigen berekening")
    assert isinstance(chart, doc.Figure)
    with pytest.raises(ParameterError, match="alt text"):
        report.chart(Figure(), alt=" ", source="x")
    # the same title twice gets two anchors
    assert report.section("Eigen grafiek", "x").id != section.id


def test_an_analysis_may_read_the_context_and_its_failure_is_a_warning(tmp_path: Path) -> None:
    """The analysis sees the analysed report (no recursion); a raising one is a finding."""
    (tmp_path / "data").symlink_to(ROOT / "data")
    own = tmp_path / "own.py"
    own.write_text("def sections(report):\n"
                   "    n = len(report.context.items)\n"
                   "    text = f'Dit rapport toont {n} reeksen.'\n"
                   "    return [report.section('Aantal reeksen', text)]\n",
                   encoding="utf-8")
    report = _report(project_dir=str(tmp_path), analysis=str(own))
    shown = report.analysis()
    assert isinstance(shown, doc.Section)
    n = len(report.context.items)
    assert f"Dit rapport toont {n} reeksen." in [getattr(c, "text", "") for c in shown.children]
    assert ("eigen-aantal-reeksen", "Aantal reeksen") in report.context.sections()
    own.write_text("def sections(report):\n    return [1 / 0]\n", encoding="utf-8")
    failing = _report(project_dir=str(tmp_path), analysis=str(own))
    note = failing.analysis()
    assert isinstance(note, doc.Section) and isinstance(note.children[0], doc.Note)
    assert f"{own} line 2: ZeroDivisionError" in note.children[0].text
    assert note.children[0].tone == "failure"
    assert any(w.startswith(f"{own}: analysis: {own} line 2")
               for w in failing.summary().data["warnings"])  # type: ignore[union-attr]


#: an analysis that changes the library for whoever runs after it in the same kernel
PATCHING = '''import techmonitor.fmt as fmt
import techmonitor.report.results_data as results_data

_num = results_data._num
results_data._num = lambda x: None if _num(x) is None else 2 * _num(x)
fmt.number = lambda x, *args, **kwargs: "GEPATCHT"


def sections(report):
    return [report.section("Eigen sectie", "Een alinea.")]
'''
#: an analysis whose kernel is ended as by the OOM killer
DYING = '''import os
import signal


def sections(report):
    os.kill(os.getpid(), signal.SIGKILL)
'''


def _run_cli(project: Path, out: Path, *only: str) -> tuple[int, str, float]:
    """The batch in a child process (a hung kernel must fail the test, not hang it)."""
    import os
    import subprocess
    import sys
    import time

    args = [sys.executable, "-m", "techmonitor.cli", "run", "--project", str(project),
            "--out", str(out), "--workers", "1", "--timeout", "120", "--format", "html"]
    for o in only:
        args += ["--only", o]
    t0 = time.monotonic()
    done = subprocess.run(args, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "lib")})
    return done.returncode, done.stdout + done.stderr, time.monotonic() - t0


@pytest.mark.slow
def test_a_dying_or_monkeypatching_analysis_changes_no_other_report(tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    for folder in ("params", "templates"):
        shutil.copytree(ROOT / folder, clean / folder)
    (clean / "data").symlink_to(ROOT / "data")
    base = clean / "params" / "base.yaml"  # the quarter this test was written for
    base.write_text(base.read_text(encoding="utf-8").replace("period: latest", 'period: "2023Q3"'),
                    encoding="utf-8")
    hostile = tmp_path / "hostile"
    shutil.copytree(clean, hostile, symlinks=True)
    (hostile / "analyses").mkdir()
    (hostile / "analyses" / "drenthe.py").write_text(DYING, encoding="utf-8")
    (hostile / "analyses" / "utrecht.py").write_text(PATCHING, encoding="utf-8")
    for slug in ("drenthe", "utrecht"):
        path = hostile / "params" / "regions" / f"{slug}.yaml"
        path.write_text(path.read_text(encoding="utf-8") + f"analysis: analyses/{slug}.py\n",
                        encoding="utf-8")
    reports = ("region:drenthe", "region:utrecht", "region:zeeland")

    code, text, seconds = _run_cli(hostile, tmp_path / "out-h", *reports)
    assert code == 1, text
    assert seconds < 120 + 300  # the report timeout plus kernel starts, not a hang
    folder = tmp_path / "out-h" / "2023Q3"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    by_report = {r["report"]: r for r in manifest["reports"]}
    assert by_report["region-drenthe"]["status"] == "failed"
    assert "kernel died during the own analysis" in by_report["region-drenthe"]["error"]
    assert manifest["complete"] is True
    # one worker: Drenthe's kernel died, Utrecht ran in a new one, Zeeland after Utrecht
    assert by_report["region-zeeland"]["worker"]["kernel_generation"] > \
        by_report["region-utrecht"]["worker"]["kernel_generation"]
    index = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser")
    row = next(tr for tr in index.find_all("tr") if "region-drenthe" in str(tr))
    assert "kernel died during the own analysis" in row.get_text(" ")
    assert (folder / "region-zeeland.html").is_file()

    code, text, _ = _run_cli(clean, tmp_path / "out-c", "region:utrecht", "region:zeeland")
    assert code == 0, text
    ref = tmp_path / "out-c" / "2023Q3"
    for name in ("results/region-zeeland.json", "region-zeeland.csv"):
        assert (folder / name).read_bytes() == (ref / name).read_bytes(), name
    assert "GEPATCHT" not in (folder / "region-zeeland.html").read_text(encoding="utf-8")
    # the patch did act where it ran: Utrecht's sections after its analysis were formatted
    # by the patched library
    assert "GEPATCHT" in (folder / "region-utrecht.html").read_text(encoding="utf-8")

    # the analysis file removed: Utrecht is made again, no cached patched output kept
    (hostile / "analyses" / "utrecht.py").unlink()
    code, text, _ = _run_cli(hostile, tmp_path / "out-h", "region:utrecht", "region:zeeland")
    assert "1 unchanged" in text, text
    assert (folder / "results/region-utrecht.json").read_bytes() == \
        (ref / "results/region-utrecht.json").read_bytes()
