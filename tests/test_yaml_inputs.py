"""Hostile YAML: alias bombs, anchors, duplicate keys, size and depth limits, huge values.

Every case goes through the public entry points (a params file through ``paramfiles.resolve``, a
data file through ``validate_data``) and asserts one short message naming file and line.
"""

from __future__ import annotations

import resource
import shutil
import time
import tracemalloc
from pathlib import Path

import pytest
from techmonitor import yamlio
from techmonitor.config import from_values
from techmonitor.datacheck import validate_data
from techmonitor.errors import DataValidationError, ParameterError
from techmonitor.paramfiles import resolve
from techmonitor.reference import load_regions

from .conftest import ROOT


@pytest.fixture
def params(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "params", tmp_path / "params")
    (tmp_path / "data").symlink_to(ROOT / "data")  # period: latest is read from the data
    return tmp_path / "params"


def _bomb() -> str:
    """The billion laughs: nine levels of twelve aliases, 12^9 (5 billion) strings expanded."""
    lines = ["laugh_00: &laugh_00 [" + ",".join(['"lol"'] * 12) + "]"]
    for level in range(1, 9):
        name, prev = f"laugh_{level:02d}", f"laugh_{level - 1:02d}"
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 12) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_in_a_params_file_fails_fast_and_small(params: Path) -> None:
    text = _bomb()
    assert 1000 < len(text.encode()) < 1300  # the probe's 1.2 KB file
    path = params / "sectors" / "energie.yaml"
    own = path.read_text(encoding="utf-8")
    path.write_text(own + text, encoding="utf-8")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ParameterError) as info:
            resolve(params / "base.yaml", path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    elapsed = time.perf_counter() - started
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    message = str(info.value)
    assert message.startswith(f"{path} line {own.count(chr(10)) + 1}: ")
    assert "anchors and aliases" in message
    assert len(message) < 300
    assert peak < 5_000_000, f"peak {peak:,} bytes"  # the old loader took gigabytes
    assert rss_growth < 50_000, f"peak RSS grew by {rss_growth:,} KiB"  # C allocations too
    assert elapsed < 2


def test_an_anchor_alone_is_refused_with_its_line(params: Path) -> None:
    path = params / "base.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "sbi: &s []\n", encoding="utf-8")
    line = path.read_text(encoding="utf-8").count("\n")
    with pytest.raises(ParameterError, match=rf"base\.yaml line {line}: YAML anchors"):
        resolve(path, params / "national.yaml")


def test_a_key_typed_twice_is_refused_naming_both_lines(params: Path) -> None:
    path = params / "regions" / "utrecht.yaml"
    text = path.read_text(encoding="utf-8")
    first = text.splitlines().index("region: PV26") + 1
    path.write_text(text + "region: PV27\n", encoding="utf-8")
    last = text.count("\n") + 1
    with pytest.raises(ParameterError) as info:
        resolve(params / "base.yaml", path)
    assert str(info.value) == (f"{path} line {last}: key 'region' appears twice (lines {first} "
                               f"and {last}); keep one: YAML would silently use the last")


def test_duplicate_key_inside_a_flow_mapping_in_a_data_file(tmp_path: Path) -> None:
    shutil.copy2(ROOT / "data" / "regions.yaml", tmp_path / "regions.yaml")
    text = (tmp_path / "regions.yaml").read_text(encoding="utf-8")
    (tmp_path / "regions.yaml").write_text(text + "extra: {a: 1, a: 2}\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"regions\.yaml line \d+: key 'a' appears") \
            as info:
        load_regions(tmp_path)
    assert str(info.value).count("appears twice") == 1  # one problem is said once


def test_size_depth_and_node_limits(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("x: '" + "a" * (yamlio.MAX_BYTES + 1) + "'\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"big\.yaml: 1,000,00\d bytes, more than"):
        yamlio.load_file(big)
    deep = tmp_path / "deep.yaml"
    deep.write_text("[" * 1000 + "]" * 1000 + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"deep\.yaml line 1: nested more than 40"):
        yamlio.load_file(deep)
    many = tmp_path / "many.yaml"
    many.write_text("[" + ",".join(["1"] * (yamlio.MAX_NODES + 5)) + "]\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"many\.yaml line 1: more than 100,000"):
        yamlio.load_file(many)


def test_not_utf8_names_the_line(params: Path) -> None:
    path = params / "sectors" / "water.yaml"
    path.write_bytes(path.read_bytes() + b"name_en: Wat\xffr\n")
    line = path.read_bytes().count(b"\n")
    with pytest.raises(ParameterError, match=rf"water\.yaml line {line}: not UTF-8 text "
                       r"\(byte 0xff\)"):
        resolve(params / "base.yaml", path)


def test_a_huge_value_is_shown_short(params: Path) -> None:
    """The error formatter never repeats a whole input (the probe's 2 MB name)."""
    path = params / "sectors" / "energie.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "target_year: ['" + "x" * 200_000
                    + "']\n", encoding="utf-8")
    with pytest.raises(ParameterError) as info:
        resolve(params / "base.yaml", path)
    message = str(info.value)
    assert f"{path}: key 'target_year' = " in message
    assert len(message) < 400


def test_the_notebook_path_shows_values_short_too() -> None:
    values = yamlio.load_file(ROOT / "params" / "base.yaml") | {
        "kind": "national", "slug": "nl", "name": "x" * 10_000, "name_en": "x",
        "period": "2023Q3", "region": "NL", "sector": "all", "language": "de"}
    with pytest.raises(ParameterError) as info:
        from_values(values)
    lines = str(info.value).splitlines()
    assert lines[1].startswith("  - template parameters: key 'name' = 'xxx")
    assert lines[2].startswith("  - template parameters: key 'language' = 'de': ")
    assert len(str(info.value)) < 600


def test_nested_unknown_key_gets_did_you_mean(params: Path) -> None:
    path = params / "regions" / "utrecht.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("target_period:", "targt_period:"),
                    encoding="utf-8")
    with pytest.raises(ParameterError) as info:
        resolve(params / "base.yaml", path)
    assert f"{path}: unknown key 'targets.0.targt_period' (did you mean 'target_period'?)" \
        in str(info.value)


def test_a_yaml_error_in_a_data_file_reaches_validate_as_one_line(tmp_path: Path) -> None:
    for name in ("indicators.yaml", "sectors.yaml", "regions.yaml", "measures.yaml",
                 "observations.csv", "SOURCES.md"):
        shutil.copy2(ROOT / "data" / name, tmp_path / name)
    (tmp_path / "targets.yaml").write_text("targets:\n  - &t {id: a}\n  - *t\n",
                                           encoding="utf-8")
    problems = validate_data(tmp_path)
    assert f"{tmp_path / 'targets.yaml'} line 2: YAML anchors and aliases (&name, *name) are " \
        "not allowed; write the value out in full" in problems


def test_a_long_name_is_refused_at_the_source(params: Path) -> None:
    path = params / "sectors" / "water.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("name: Water", "name: " + "W" * 200_000), encoding="utf-8")
    with pytest.raises(ParameterError) as info:
        resolve(params / "base.yaml", path)
    assert str(info.value).startswith(f"{path}: key 'name' = 'WWW")
    assert "at most 120 characters" in str(info.value)
    assert len(str(info.value)) < 300
