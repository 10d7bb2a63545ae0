"""build_data end to end: real raw folder and the hand-written fixture folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from techmonitor.datacheck import validate_data
from techmonitor.errors import DataValidationError
from techmonitor.observations import load_observations
from techmonitor.sources.build import build_data

from .raw_layout import raw_dir_from_fixtures


def test_build_real_raw_passes_validation(raw_dir: Path, tmp_path: Path) -> None:
    summary = build_data(raw_dir, tmp_path)
    assert summary["missing"] == []
    assert validate_data(tmp_path) == []
    # about 20,000 rows with the suppression flags and publication dates
    assert (tmp_path / "observations.csv").stat().st_size < 2_500_000
    rows = (tmp_path / "observations.csv").read_text(encoding="utf-8").count("\n") - 1
    assert rows == summary["rows"]
    for src in ("duo-ho-eerstejaars", "cbs-80472ned", "cbs-83599ned", "kamerbrief-2012",
                "duo-hbo-starschema", "duo-vo-examen", "published-retention-ho"):
        assert summary["rows_per_source"][src] > 0
        assert f"## {src}" in (tmp_path / "SOURCES.md").read_text(encoding="utf-8")
    # no raw file is copied into the data folder
    assert not any(p.name in {"vacatures.csv", "hbo_inscriptions_2019.csv"}
                   for p in tmp_path.rglob("*"))


def test_bundled_data_is_current_build(raw_dir: Path, tmp_path: Path) -> None:
    """data/observations.csv in the repo equals what the connectors produce now."""
    repo = Path(__file__).resolve().parents[2] / "data"
    assert validate_data(repo) == []
    for path in repo.iterdir():  # hand-curated files, so the build only adds generated ones
        if path.is_file() and path.suffix in (".yaml", ".csv") and path.name != "observations.csv":
            shutil.copy(path, tmp_path / path.name)
    build_data(raw_dir, tmp_path)
    key = ["indicator", "period", "level", "sector", "region", "sex", "vintage"]

    def read(folder: Path) -> pd.DataFrame:
        frame = pd.read_csv(folder / "observations.csv", dtype=str, keep_default_na=False)
        return frame.sort_values(key).reset_index(drop=True)

    committed, rebuilt = read(repo), read(tmp_path)
    assert {"inflow_tech", "inflow_total", "vacancies_open", "mbo_participants_tech",
            "diplomas_tech"} <= set(committed["indicator"])
    pd.testing.assert_frame_equal(committed, rebuilt)


def test_build_on_fixtures_never_touches_hand_curated(tmp_path: Path) -> None:
    (tmp_path / "targets.yaml").write_text("targets: []\n", encoding="utf-8")
    summary = build_data(raw_dir_from_fixtures(tmp_path / "raw"), tmp_path)
    assert (tmp_path / "targets.yaml").read_text(encoding="utf-8") == "targets: []\n"
    assert summary["rows_per_source"]["duo-ho-eerstejaars"] > 0
    assert summary["rows_per_source"]["cbs-80472ned"] > 0
    assert summary["rows_per_source"]["duo-vo-examen"] > 0
    assert summary["rows_per_source"]["published-retention-ho"] == 4
    written = pd.read_csv(tmp_path / "observations.csv", dtype=str, keep_default_na=False)
    vmbo = written[(written.indicator == "vmbo_exam_tech") & (written.level == "vmbo")
                   & (written.region == "NL") & (written.sex == "all")
                   & (written.period == "2022/23")].iloc[0]
    # the fixture's 12 + 22 + 40 and one "<5": a lower bound, published by the catalogue's rule
    assert (vmbo.value, vmbo.suppressed, vmbo.lower_bound, vmbo.published) == (
        "74", "1", "true", "2023-12-31")
    obs = load_observations(tmp_path)
    hbo = obs[(obs.indicator == "inflow_tech") & (obs.level == "hbo") & (obs.region == "NL")
              & (obs.sex == "all") & (obs.period == "2015/16")]
    assert hbo["value"].item() == 109


def test_failed_build_writes_nothing(tmp_path: Path) -> None:
    raw = raw_dir_from_fixtures(tmp_path / "raw")
    out = tmp_path / "data"
    build_data(raw, out)
    before = (out / "observations.csv").read_bytes()
    # break a raw file: an unreadable count must stop the build before writing
    f = raw / "duo" / "hbo_inscriptions_2019.csv"
    f.write_text(f.read_text(encoding="latin-1").replace(";27;", ";x7;"), encoding="latin-1")
    with pytest.raises(DataValidationError, match="unreadable counts"):
        build_data(raw, out)
    assert (out / "observations.csv").read_bytes() == before
    assert not list(out.glob(".*.tmp"))
    with pytest.raises(DataValidationError, match="raw data folder not found"):
        build_data(tmp_path / "nope", out)
