"""Parameter schema: the real params validate; bad files are rejected with useful messages."""

from __future__ import annotations

import shutil
from pathlib import Path

import papermill as pm
import pytest
from techmonitor.config import FIELDS
from techmonitor.errors import ParameterError
from techmonitor.paramfiles import TEMPLATES, expand, parse_only, parse_set, resolve

from .conftest import ROOT


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "params", tmp_path / "params")
    (tmp_path / "data").symlink_to(ROOT / "data")  # period: latest is read from the data
    return tmp_path


def test_bundled_params_expand_to_22_reports() -> None:
    jobs = expand(ROOT)
    kinds = [j.params.kind for j in jobs]
    assert kinds.count("national") == 1
    assert kinds.count("sector") == 9
    assert kinds.count("region") == 12
    assert len({j.report_id for j in jobs}) == 22
    regions = {j.params.region for j in jobs if j.params.kind == "region"}
    assert regions == {f"PV{n}" for n in range(20, 32)}


def test_unknown_key_names_file_key_and_close_match(project: Path) -> None:
    path = project / "params" / "sectors" / "energie.yaml"
    path.write_text(path.read_text().replace("name_en:", "nme_en:"))
    with pytest.raises(ParameterError) as info:
        expand(project)
    msg = str(info.value)
    assert str(path) in msg
    assert "'nme_en'" in msg
    assert "did you mean 'name_en'" in msg


def test_missing_key_is_reported(project: Path) -> None:
    path = project / "params" / "regions" / "utrecht.yaml"
    path.write_text("\n".join(line for line in path.read_text().splitlines()
                              if not line.startswith("name_en")))
    with pytest.raises(ParameterError, match=r"missing key 'name_en'"):
        expand(project)


def test_wrong_type_names_key_and_value(project: Path) -> None:
    base = project / "params" / "base.yaml"
    base.write_text(base.read_text().replace("target_year: 2025", "target_year: soon"))
    with pytest.raises(ParameterError) as info:
        expand(project)
    assert "base.yaml" in str(info.value)
    assert "'target_year' = 'soon'" in str(info.value)


def test_bad_slug_and_slug_file_mismatch(project: Path) -> None:
    bad = project / "params" / "sectors" / "Bad_Slug.yaml"
    bad.write_text("kind: sector\nslug: Bad_Slug\nname: X\nname_en: X\nsector: Bad_Slug\n")
    with pytest.raises(ParameterError, match="is not a slug"):
        expand(project)
    bad.unlink()
    other = project / "params" / "sectors" / "water2.yaml"
    other.write_text("kind: sector\nslug: water\nname: X\nname_en: X\nsector: water\n")
    with pytest.raises(ParameterError, match="must equal the file name 'water2'"):
        expand(project)


def test_bad_period_and_region(project: Path) -> None:
    with pytest.raises(ParameterError, match="2023-3.*quarter"):
        expand(project, overrides={"period": "2023-3"})
    path = project / "params" / "regions" / "zeeland.yaml"
    path.write_text(path.read_text().replace("PV29", "PV99"))
    with pytest.raises(ParameterError, match="PV99"):
        expand(project)


def test_all_problems_reported_together(project: Path) -> None:
    for slug in ("energie", "water"):
        path = project / "params" / "sectors" / f"{slug}.yaml"
        path.write_text(path.read_text() + "colour: blue\n")
    with pytest.raises(ParameterError) as info:
        expand(project)
    assert "energie.yaml" in str(info.value) and "water.yaml" in str(info.value)


def test_cli_overrides_and_only(project: Path) -> None:
    jobs = expand(project, only={("sector", "energie")}, overrides=parse_set(["language=en"]))
    assert [j.report_id for j in jobs] == ["sector-energie"]
    assert jobs[0].params.language == "en"
    with pytest.raises(ParameterError, match="did you mean 'energie'"):
        expand(project, only={("sector", "enrgie")})
    with pytest.raises(ParameterError, match="KIND:SLUG"):
        parse_only(["energie"])
    with pytest.raises(ParameterError, match="did you mean 'language'"):
        expand(project, overrides={"langage": "en"})


def test_resolve_keeps_file_provenance() -> None:
    job = resolve(ROOT / "params" / "base.yaml", ROOT / "params" / "regions" / "limburg.yaml")
    assert job.files[-1].name == "limburg.yaml"
    assert job.template.name == "report.ipynb"
    assert job.params.report_id == "region-limburg"


@pytest.mark.parametrize("name", sorted(set(TEMPLATES.values())))
def test_template_parameters_match_schema(name: str) -> None:
    """Each template's parameters cell defines exactly the schema's fields."""
    params = pm.inspect_notebook(str(ROOT / "templates" / name))
    assert set(params) == set(FIELDS)


@pytest.mark.parametrize("name", sorted(set(TEMPLATES.values())))
def test_templates_are_thin_and_stored_without_outputs(name: str) -> None:
    import nbformat

    nb = nbformat.read(ROOT / "templates" / name, as_version=4)
    assert nb.metadata.kernelspec.name == "python3"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert not cell.outputs and cell.execution_count is None
        lines = [line.lstrip() for line in cell.source.splitlines()]
        assert not any(line.startswith(("def ", "class ")) for line in lines)


def test_targets_need_exactly_one_of_value_and_change(project: Path) -> None:
    path = project / "params" / "regions" / "limburg.yaml"
    text = path.read_text()
    both = text.replace("target_change_pct: 10,", "target_change_pct: 10, target_value: 5,")
    path.write_text(both)
    with pytest.raises(ParameterError, match="exactly one of target_value and target_change_pct"):
        expand(project)
    path.write_text(text.replace("baseline_period: 2020/21, ", ""))
    with pytest.raises(ParameterError, match="target_change_pct needs baseline_period"):
        expand(project)
    path.write_text(text.replace("target_period: 2025/26", "target_period: 2025-26"))
    with pytest.raises(ParameterError, match="'2025-26' is not a period"):
        expand(project)
