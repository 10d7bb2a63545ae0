"""Hostile values in the data files: every one refused by ``validate`` naming file, row and
column, never a traceback. Fixtures are small hand-written files in a temporary data folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from techmonitor.datacheck import validate_data
from techmonitor.errors import DataValidationError
from techmonitor.measure_progress import load_measure_progress
from techmonitor.observations import load_observations

from .conftest import ROOT

REFERENCE = ["indicators.yaml", "sectors.yaml", "regions.yaml", "measures.yaml", "SOURCES.md",
             "sources.yaml"]
HEADER = "indicator,period,level,sector,region,sex,value,source,vintage,status\n"
GOOD = "inflow_tech,2015/16,hbo,all,NL,all,20087,duo-ho-eerstejaars,duo-croho-2019,definitive\n"


def _row(value: str = "21000", period: str = "2016/17", level: str = "hbo") -> str:
    return (f"inflow_tech,{period},{level},all,NL,all,{value},duo-ho-eerstejaars,"
            "duo-croho-2019,definitive\n")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """The bundled reference files, a two-row observations file and no targets."""
    for name in REFERENCE:
        shutil.copy2(ROOT / "data" / name, tmp_path / name)
    (tmp_path / "observations.csv").write_text(HEADER + GOOD + _row(), encoding="utf-8")
    (tmp_path / "targets.yaml").write_text("targets: []\n", encoding="utf-8")
    return tmp_path


def _ours(problems: list[str], fname: str) -> list[str]:
    """The problems about ``fname`` except the catalogue's 'has no observations' lines."""
    return [p for p in problems if fname in p and "has no observations" not in p
            and "which has no observations" not in p]


@pytest.mark.parametrize(("cell", "reason"), [
    ("NAN", "is not a finite number"),
    ("-nan", "is not a finite number"),
    ("nan", "is not a finite number"),
    ("inf", "is not a finite number"),
    ("Infinity", "is not a finite number"),
    ("-Infinity", "is not a finite number"),
    ("1e308", "is larger than 1e+12, the limit for any input number"),
    ("1_000", "is not a number; write digits with a decimal point, no thousands separator "
              "or underscore"),
    ("1 000", "is not a number"),
    ("0x10", "is not a number"),
])
def test_observation_values_must_be_plain_finite_numbers(data: Path, cell: str,
                                                         reason: str) -> None:
    (data / "observations.csv").write_text(HEADER + GOOD + _row(cell), encoding="utf-8")
    problems = _ours(validate_data(data), "observations.csv")
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{data / 'observations.csv'}: row 3, column value: "
                                  f"{cell!r} {reason}")
    with pytest.raises(DataValidationError, match="row 3, column value"):
        load_observations(data, use_cache=False)


def test_a_bad_value_does_not_skip_the_other_checks_of_its_row(data: Path) -> None:
    (data / "observations.csv").write_text(HEADER + GOOD + _row("NaN", level="bachelor"),
                                           encoding="utf-8")
    problems = _ours(validate_data(data), "observations.csv")
    assert any("row 3, column value: 'NaN' is not a finite number" in p for p in problems)
    assert any("row 3, column level: value 'bachelor' is not allowed" in p for p in problems)


@pytest.mark.parametrize("period", ["2016-17", "2019/2020", "2019/21", "Q3 2023", "２０１９",
                                    '"2023Q3\n"', '"2016/17\n"', "9999/00", ""])
def test_malformed_periods_are_one_line_each(data: Path, period: str) -> None:
    (data / "observations.csv").write_text(HEADER + GOOD + _row(period=period),
                                           encoding="utf-8")
    problems = _ours(validate_data(data), "observations.csv")
    period_lines = [p for p in problems if "column period" in p]
    assert len(period_lines) == 1, problems
    assert period_lines[0].startswith(f"{data / 'observations.csv'}: row 3, column period: ")


def test_an_empty_file_is_one_clear_error(data: Path) -> None:
    (data / "observations.csv").write_text("", encoding="utf-8")
    problems = validate_data(data)
    assert f"{data / 'observations.csv'}: the file is empty; it needs at least the header " \
        "indicator,period,level,sector,region,sex,value,source,vintage,status" in problems
    with pytest.raises(DataValidationError, match="the file is empty"):
        load_observations(data, use_cache=False)


def test_a_file_that_is_not_utf8_names_the_row(data: Path) -> None:
    (data / "observations.csv").write_bytes(b"\xff")
    problems = validate_data(data)
    assert f"{data / 'observations.csv'}: row 1: not UTF-8 text (byte 0xff); save the file " \
        "as UTF-8 CSV" in problems
    (data / "observations.csv").write_bytes((HEADER + GOOD).encode()
                                            + b"inflow_tech,2016/17,h\xe9o")
    assert any("row 3: not UTF-8 text (byte 0xe9)" in p for p in validate_data(data))


def test_a_row_with_too_many_fields_is_one_clear_error(data: Path) -> None:
    (data / "observations.csv").write_text(HEADER + GOOD + _row().rstrip() + ",extra\n",
                                           encoding="utf-8")
    problems = [p for p in validate_data(data) if "observations.csv" in p]
    assert len(problems) == 1
    assert "not a valid CSV table" in problems[0] and "line 3" in problems[0]


PROGRESS_HEADER = "measure_id,period,output_value,spent_eur,status,note\n"


@pytest.mark.parametrize(("cell", "reason"), [
    ("inf", "is not a finite number"),
    ("NaN", "is not a finite number"),
    ("1_000", "is not a number"),
    ("1e308", "is larger than 1e+12"),
])
def test_measure_progress_numbers(tmp_path: Path, cell: str, reason: str) -> None:
    path = tmp_path / "measure_progress.csv"
    path.write_text(PROGRESS_HEADER + "m1,2013Q4,600,,reported,\n"
                    f"m1,2014Q4,{cell},,reported,\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        load_measure_progress(path, ["m1"])
    assert len(info.value.problems) == 1
    assert info.value.problems[0].startswith(f"{path}: row 3, column output_value: {cell!r} "
                                             f"{reason}")


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "the file is empty"),
    (b"\xff", "row 1: not UTF-8 text (byte 0xff)"),
    (PROGRESS_HEADER.encode() + b'm1,"2013Q4\n",600,,reported,\n',
     "row 2, column period: '2013Q4\\n' is not a quarter"),
])
def test_measure_progress_file_errors(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "measure_progress.csv"
    path.write_bytes(content)
    with pytest.raises(DataValidationError) as info:
        load_measure_progress(path, ["m1"])
    assert expected in str(info.value)


def test_letter_figures_are_checked_by_validate(data: Path) -> None:
    (data / "letter_figures.csv").write_text(
        "indicator,period,level,value,source,vintage,status\n"
        "roa_openings_2011_2016,2011,vmbo,121900,kamerbrief-2012,roa-2011,definitive\n"
        "roa_openings_2011_2016,2011,mbo,Infinity,kamerbrief-2012,roa-2011,definitive\n",
        encoding="utf-8")
    assert f"{data / 'letter_figures.csv'}: row 3, column value: 'Infinity' is not a finite " \
        "number" in "\n".join(validate_data(data))


TARGET = ("targets:\n  - {{id: t, name_nl: t, name_en: t, indicator: {indicator}, level: hbo, "
          "unit: u, target_period: '{period}', target_value: {value}, source: s, "
          "status: illustrative, operationalisation_nl: o, operationalisation_en: o}}\n")


@pytest.mark.parametrize(("indicator", "value", "period", "expected"), [
    ("inflow_tech", ".nan", "2020/21", "key 'target_value' = nan: Value error, nan is not a "
                                       "finite number"),
    ("inflow_tech", ".inf", "2020/21", "key 'target_value' = inf: Value error, inf is not a "
                                       "finite number"),
    ("inflow_tech", "1.0e+308", "2020/21", "is larger than 1e+12"),
    ("inflow_tech", "-500", "2020/21", "targets[0]: target_value = -500: the indicator is a "
                                       "count, so a target is a positive number"),
    ("inflow_tech_share", "150", "2020/21", "targets[0]: target_value = 150: the indicator is "
                                            "a share, so a target lies within 0-100"),
    ("inflow_tech", "30000", "9999/00", "key 'target_period' = '9999/00': Value error, period "
                                        "'9999/00' lies outside 1900-2100"),
    ("inflow_tech", "30000", "2040/41", "targets[0]: target_period = '2040/41' lies more than "
                                        "15 years after the newest data (2016/17)"),
])
def test_data_targets_must_mean_something(data: Path, indicator: str, value: str, period: str,
                                          expected: str) -> None:
    (data / "targets.yaml").write_text(TARGET.format(indicator=indicator, value=value,
                                                     period=period), encoding="utf-8")
    problems = _ours(validate_data(data), "targets.yaml")
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{data / 'targets.yaml'}: targets[0]")
    assert expected in problems[0]


def test_a_sensible_data_target_passes(data: Path) -> None:
    (data / "targets.yaml").write_text(TARGET.format(indicator="inflow_tech", value="30000",
                                                     period="2030/31"), encoding="utf-8")
    assert _ours(validate_data(data), "targets.yaml") == []
