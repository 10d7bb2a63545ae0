"""``techmonitor data update``: offline it names every table, exits 1 and leaves data/ as it
was; with good downloads it swaps in validated data; a bad download changes nothing."""

from __future__ import annotations

import hashlib
import shutil
import socket
from pathlib import Path

import pandas as pd
import pytest
from techmonitor import cli
from techmonitor.datacheck import validate_data
from techmonitor.errors import DataValidationError
from techmonitor.reference import default_data_dir
from techmonitor.sources import update
from techmonitor.sources.update import TABLES, TableSpec, UpdateError, update_data

from .conftest import ASSETS

FIX = ASSETS / "raw_fixtures"


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the bundled data/ folder in a project of its own."""
    target = tmp_path / "project" / "data"
    shutil.copytree(default_data_dir(), target)
    return target


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every name lookup and connection fails, as on a machine without a network."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network unreachable (test)")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_offline_names_every_table_and_leaves_data_identical(
        data_copy: Path, no_network: None, capsys: pytest.CaptureFixture[str]) -> None:
    before = _digest(data_copy)
    code = cli.main(["data", "update", "--data", str(data_copy)])
    err = capsys.readouterr().err
    assert code == 1
    for key in TABLES:
        assert f"error: {key}: " in err, key
    assert "data/ left unchanged" in err
    assert _digest(data_copy) == before  # byte-identical
    assert not list(data_copy.parent.glob(".data-update-*"))  # nothing left behind


def test_offline_library_error_lists_failures(data_copy: Path, no_network: None) -> None:
    with pytest.raises(UpdateError) as err:
        update_data(data_copy, tables=["83120NED", "p02ho1ejrs"])
    assert set(err.value.failures) == {"83120NED", "p02ho1ejrs"}


def _fixture_fetcher(names: dict[str, str]):  # type: ignore[no-untyped-def]
    def fetch(spec: TableSpec, dest: Path) -> Path:
        src = FIX / names[spec.key]
        target = dest / src.name
        if src.is_dir():
            shutil.copytree(src, target)
        else:
            shutil.copy(src, target)
        return target
    return fetch


GOOD = {"83120NED": "cbs_tables/83120NED.json", "85574NED": "cbs_tables/85574NED.json",
        "83286NED": "cbs_tables/83286NED.json",
        "gediplomeerde-mbo-studenten": "duo_current/gediplomeerde-mbo-studenten"}


def test_update_swaps_in_validated_data(data_copy: Path) -> None:
    old = pd.read_csv(data_copy / "observations.csv", dtype=str, keep_default_na=False)
    summary = update_data(data_copy, tables=list(GOOD), fetcher=_fixture_fetcher(GOOD))
    assert summary.tables["83120NED"] == 4 and summary.upper_bound == {
        "gediplomeerde-mbo-studenten": 3}
    new = pd.read_csv(data_copy / "observations.csv", dtype=str, keep_default_na=False)
    # the rows of an updated source are replaced, every other row is kept as it was
    assert set(new.loc[new.source == "cbs-83120ned", "period"]) == {"2020Q2", "2020Q3"}
    keep = old[~old.source.isin(["cbs-83120ned"])]
    merged = keep.merge(new, how="left", indicator=True)
    assert (merged["_merge"] == "both").all()
    lateral = new[new.indicator == "mbo_entrants_from_work"]
    assert lateral.set_index("period")["value"].to_dict() == {"2018/19": "5200", "2019/20": "5450"}
    # the update writes the build's columns: flags and the catalogue's publication date
    assert list(new.columns) == list(old.columns)
    assert lateral.set_index("period")["published"].to_dict() == {
        "2018/19": "2019-09-01", "2019/20": "2020-09-01"}  # 12 months after the school year starts
    cohorts = pd.read_csv(data_copy / "cohorts.csv")
    assert len(cohorts) == 3 and set(cohorts["source"]) == {"cbs-83286ned"}
    assert "cbs-85574ned" in (data_copy / "SOURCES.md").read_text(encoding="utf-8")
    assert validate_data(data_copy) == []
    assert not list(data_copy.parent.glob(".data-update-*"))


def test_bad_download_changes_nothing(data_copy: Path) -> None:
    before = _digest(data_copy)
    bad = {**GOOD, "83120NED": "cbs_tables/83120NED_renamed.json"}
    with pytest.raises(UpdateError) as err:
        update_data(data_copy, tables=list(bad), fetcher=_fixture_fetcher(bad))
    assert list(err.value.failures) == ["83120NED"]
    assert "Werkzame beroepsbevolking" in err.value.failures["83120NED"]
    assert _digest(data_copy) == before


def test_invalid_result_changes_nothing(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _digest(data_copy)
    # a connector whose rows break the contract (an indicator the catalogue does not know)
    def broken(path: Path) -> pd.DataFrame:
        from techmonitor.sources import cbs_tables
        return cbs_tables.lateral_mbo(path).assign(indicator="no_such_indicator")

    monkeypatch.setitem(update.cbs_tables.CONNECTORS, "85574NED", broken)
    with pytest.raises(DataValidationError, match="would break the contract"):
        update_data(data_copy, tables=["85574NED"], fetcher=_fixture_fetcher(GOOD))
    assert _digest(data_copy) == before


def test_unknown_table(data_copy: Path) -> None:
    with pytest.raises(Exception, match="unknown table"):
        update_data(data_copy, tables=["99999NED"])


def test_bad_cohort_rows_fail_the_table(data_copy: Path, tmp_path: Path) -> None:
    import json

    raw = json.loads((FIX / "cbs_tables" / "83286NED.json").read_text(encoding="utf-8"))
    for row in raw["data"]:
        row["TotaalGediplomeerden_2"] = 5000  # more graduates than entrants
    bad = tmp_path / "83286NED.json"
    bad.write_text(json.dumps(raw), encoding="utf-8")
    before = _digest(data_copy)

    def fetch(spec: TableSpec, dest: Path) -> Path:
        shutil.copy(bad, dest / bad.name)
        return dest / bad.name

    with pytest.raises(UpdateError) as err:
        update_data(data_copy, tables=["83286NED"], fetcher=fetch)
    assert "83286NED (fetched): row 2: retained 5000 is not between 0 and entrants" in \
        err.value.failures["83286NED"]
    assert _digest(data_copy) == before
