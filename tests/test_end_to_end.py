"""End to end: a small fixture project through the real CLI, kernels and nbconvert."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import yaml
from techmonitor.cli import main

from .conftest import ASSETS, ROOT

pytestmark = pytest.mark.slow  # real kernels


class _Outline(HTMLParser):
    """Collects the structure a reader (and a screen reader) relies on."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []
        self.lang: str | None = None
        self.text: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if not self._in or self._in[-1] not in ("style", "script"):
            self.text.append(data)


def _outline(path: Path) -> _Outline:
    parser = _Outline()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _trim_catalogue(data_dir: Path) -> None:
    """Keep the catalogue entries the fixture has data for (validation wants both ways)."""
    path = data_dir / "indicators.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    stored = set(pd.read_csv(data_dir / "observations.csv")["indicator"])

    def part(ref: object) -> str:
        return str(ref["indicator"] if isinstance(ref, dict) else ref)

    doc["indicators"] = {
        code: ind for code, ind in doc["indicators"].items()
        if code in stored or ("numerator" in ind and part(ind["numerator"]) in stored
                              and part(ind["denominator"]) in stored)
    }
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # data targets must name catalogue indicators (validate checks): keep those still there
    tpath = data_dir / "targets.yaml"
    targets = yaml.safe_load(tpath.read_text(encoding="utf-8"))
    targets["targets"] = [t for t in targets.get("targets") or []
                          if t["indicator"] in doc["indicators"]]
    tpath.write_text(yaml.safe_dump(targets, allow_unicode=True, sort_keys=False),
                     encoding="utf-8")


@pytest.fixture(scope="module")
def fixture_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the fixture project once: three reports, HTML only."""
    project = tmp_path_factory.mktemp("project")
    shutil.copytree(ASSETS / "project" / "params", project / "params")
    shutil.copytree(ROOT / "templates", project / "templates")
    (project / "data").mkdir()
    # Reference tables (catalogue, sources, measures …) from the real project; the
    # observations are the fixture's own small hand-written table.
    for path in (ROOT / "data").iterdir():
        if path.is_file() and not path.name.startswith("observations"):
            shutil.copy(path, project / "data" / path.name)
    shutil.copy(ASSETS / "project" / "data" / "observations.csv", project / "data")
    _trim_catalogue(project / "data")
    out = project / "reports"
    code = main(["run", "--project", str(project), "--out", str(out), "--quiet",
                 "--format", "html", "--workers", "1"])  # one kernel start, not one per core
    assert code == 0
    return out / "2023Q2"


def test_batch_writes_three_reports_index_and_manifest(fixture_batch: Path) -> None:
    names = {p.name for p in fixture_batch.glob("*.html")}
    assert {"national-nl.html", "sector-energie.html", "region-utrecht.html",
            "index.html"} <= names
    manifest = json.loads((fixture_batch / "manifest.json").read_text())
    assert manifest["period"] == "2023Q2"
    reports = {r["report"]: r for r in manifest["reports"]}
    assert set(reports) == {"national-nl", "sector-energie", "region-utrecht"}
    for entry in reports.values():
        assert entry["status"] == "ok"
        assert entry["params"]["period"] == "2023Q2"
        assert (fixture_batch / entry["outputs"]["html"]).is_file()
    index = _outline(fixture_batch / "index.html")
    assert {"national-nl.html", "region-utrecht.html", "sector-energie.html"} <= set(index.links)


def test_reports_hide_code_and_show_no_errors(fixture_batch: Path) -> None:
    for name in ("national-nl.html", "sector-energie.html", "region-utrecht.html"):
        page = (fixture_batch / name).read_text(encoding="utf-8")
        outline = _outline(fixture_batch / name)
        assert outline.lang == "nl"
        assert outline.tags.count("h1") == 1
        assert "script" not in outline.tags
        text = " ".join(outline.text)
        for leaked in ("Report.from_namespace", "import ", "Traceback", "Error:", "Warning"):
            assert leaked not in text, f"{name} shows {leaked!r}"
        assert "cdn." not in page and "https://cdnjs" not in page


def test_national_report_shows_fixture_numbers_in_dutch_format(fixture_batch: Path) -> None:
    text = " ".join(_outline(fixture_batch / "national-nl.html").text)
    # Last hbo value of the fixture (24000) written the Dutch way, independently of fmt.py.
    assert "24.000" in text
    assert "Nederland" in text
