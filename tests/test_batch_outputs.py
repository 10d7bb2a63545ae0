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
