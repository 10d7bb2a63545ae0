"""What a run leaves in the output folder: languages apart, no stale or orphaned file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from techmonitor.batch import run_batch

from .test_batch import ALL, copy_project, fast

pytestmark = pytest.mark.slow


def hashes(folder: Path, *, skip: str | None = None) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (``skip``: a subfolder left out)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()
            and not (skip and p.relative_to(folder).parts[0] == skip)}


def run(project: Path, **kwargs: Any) -> Any:
    only = kwargs.pop("only", None)
    overrides = kwargs.pop("overrides", None)
    return run_batch(project, project / "reports", only=only, overrides=overrides,
                     options=fast(**kwargs))


def test_another_language_leaves_the_dutch_files_byte_identical(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    out = project / "reports" / "2023Q3"
    dutch = run(project, workers=0, formats=("html", "pdf"))
    assert not dutch.failed and (out / "bijlage-2023Q3.pdf").is_file()
    before = hashes(out)

    english = run(project, workers=0, formats=("html", "pdf"),
                  overrides={"language": "en"}, only={("sector", "alpha")})
    assert not english.failed
    assert english.out_dir == out / "en"
    assert hashes(out, skip="en") == before  # not one Dutch byte changed
    assert (out / "en" / "sector-alpha.html").is_file()
    assert json.loads((out / "en" / "manifest.json").read_text())["reports"][0]["params"][
        "language"] == "en"

    # the whole batch in English: its own appendix, the Dutch one untouched
    english = run(project, workers=0, formats=("html", "pdf"), overrides={"language": "en"})
    assert english.appendix["status"] == "ok", english.appendix
    assert (out / "en" / "appendix-2023Q3.pdf").read_bytes().startswith(b"%PDF")
    assert {p.name for p in (out / "en").glob("*.html")} == {f"{r}.html" for r in ALL} | {
        "index.html"}
    assert hashes(out, skip="en") == before


def links(index: Path) -> set[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
    return {str(a["href"]) for a in soup.find_all("a", href=True)}


def test_an_html_run_removes_the_pdf_and_appendix_it_did_not_rebuild(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    out = project / "reports" / "2023Q3"
    assert not run(project, workers=0, formats=("html", "pdf")).failed
    assert {"sector-beta.pdf", "bijlage-2023Q3.pdf"} <= links(out / "index.html")

    beta = project / "params" / "sectors" / "beta.yaml"
    beta.write_text(beta.read_text().replace("name: Sector Beta", "name: Sector Gamma"))
    result = run(project, workers=0, formats=("html",))
    assert [o.report for o in result.outcomes if not o.cached] == ["sector-beta"]
    assert not (out / "sector-beta.pdf").exists()  # it showed Sector Beta
    assert not (out / "bijlage-2023Q3.pdf").exists()  # so did the appendix
    assert result.appendix["status"] == "not built" and "--format pdf" in result.appendix[
        "reason"]
    hrefs = links(out / "index.html")
    assert "sector-beta.html" in hrefs and "sector-beta.pdf" not in hrefs
    assert "sector-alpha.pdf" in hrefs  # unchanged reports keep their PDF
    assert "bijlage-2023Q3.pdf" not in hrefs
    assert all((out / h).is_file() for h in hrefs if not h.startswith(("http", "#")))


def test_a_pdf_run_writes_no_html(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    out = project / "reports" / "2023Q3"
    result = run(project, workers=0, formats=("pdf",))
    assert not result.failed
    assert {p.name for p in out.glob("*.html")} == {"index.html"}
    for rid in ALL:
        assert (out / f"{rid}.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "bijlage-2023Q3.pdf").is_file()
    assert {f"{r}.pdf" for r in ALL} <= links(out / "index.html")


def test_the_outputs_of_a_removed_report_leave_the_folder(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    out = project / "reports" / "2023Q3"
    assert not run(project, workers=0, formats=("html",)).failed
    assert (out / "sector-beta.html").is_file()
    assert (out / "notebooks" / "sector-beta.ipynb").is_file()
    (project / "params" / "sectors" / "beta.yaml").unlink()
    result = run(project, workers=0, formats=("html",))
    assert all(o.cached for o in result.outcomes)  # nothing else ran
    assert not [p for p in out.rglob("*") if "sector-beta" in p.name]
    manifest = json.loads((out / "manifest.json").read_text())
    assert {e["report"] for e in manifest["reports"]} == ALL - {"sector-beta"}
    assert "sector-beta.html" not in links(out / "index.html")
