"""Content hashes that decide whether a report must be produced again.

A report's cache key is the SHA-256 of everything its output depends on:

* the template notebook (bytes),
* the resolved parameters (``project_dir`` left out: moving the project changes nothing),
* the data folder (every file under ``data/`` except hidden files and folders such as
  ``data/.cache``),
* the library: ``techmonitor`` version plus a hash of every source file of the package
  (``*.py``, templates, CSS, fonts), and the versions of the libraries that shape the output
  (pandas, statsmodels, matplotlib, seaborn, nbconvert, Typst, ...).

This module imports only the standard library so that a run where nothing changed (hash,
compare with the manifest, done) starts no kernel and imports no heavy library.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from techmonitor import __version__
from techmonitor.paramfiles import Job

#: Bump when the meaning of the key or the manifest layout changes.
CACHE_SCHEMA = 1
#: Libraries whose version changes the produced reports.
OUTPUT_LIBRARIES = ("pandas", "numpy", "statsmodels", "matplotlib", "seaborn", "nbconvert",
                    "papermill", "typst", "jinja2", "babel")
PACKAGE_DIR = Path(__file__).resolve().parent
_SKIP_DIRS = {"__pycache__"}


def files_under(root: Path) -> list[Path]:
    """Files under ``root`` in a stable order, hidden files/folders and caches left out."""
    out: list[Path] = []
    if not root.is_dir():
        return out
    for path in root.rglob("*"):
        rel = path.relative_to(root).parts
        if any(p.startswith(".") or p in _SKIP_DIRS for p in rel):
            continue
        if path.suffix in {".pyc", ".pyo"} or not path.is_file():
            continue
        out.append(path)
    return sorted(out, key=lambda p: p.relative_to(root).as_posix())


def tree_hash(root: Path) -> str:
    """SHA-256 over the relative names and bytes of every file under ``root``.

    Parameters
    ----------
    root
        Folder to hash; a missing folder hashes to the hash of nothing.
    """
    h = hashlib.sha256()
    for path in files_under(root):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


@lru_cache(maxsize=1)
def library_fingerprint() -> str:
    """Hash of the ``techmonitor`` sources, its version and the output libraries' versions."""
    versions: dict[str, str | None] = {}
    for name in OUTPUT_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    payload = {"techmonitor": __version__, "source": tree_hash(PACKAGE_DIR), "libs": versions}
    return _digest(payload)


def data_fingerprint(data_dir: Path) -> str:
    """Hash of every file under ``data_dir`` (hidden files and folders excluded)."""
    return tree_hash(data_dir)


def file_hash(path: Path) -> str:
    """SHA-256 of one file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def key_params(job: Job) -> dict[str, Any]:
    """The parameters that go into the key: resolved, without the machine-specific path."""
    values = job.params.model_dump(mode="json")
    values.pop("project_dir", None)
    return values


def report_key(job: Job, *, library: str, data: str, template: str,
               compared: str = "", analysis: str = "") -> str:
    """The cache key of one report.

    Parameters
    ----------
    job
        The report.
    library, data, template
        :func:`library_fingerprint`, :func:`data_fingerprint` and the template's
        :func:`file_hash` (computed once per batch by the caller).
    compared
        :func:`compared_hash` of the earlier results file the report compares with (its
        ``compare_with`` parameter), so a changed earlier run reruns the report.
    analysis
        :func:`file_hash` of the report's own analysis file (params ``analysis``), so an
        edit to it reruns only that report.
    """
    return _digest({"schema": CACHE_SCHEMA, "library": library, "data": data,
                    "template": template, "params": key_params(job), "compared": compared,
                    "analysis": analysis})


def analysis_hash(project: Path, job: Job) -> str:
    """Content hash of the report's analysis file; ``""`` for none, ``missing`` when absent."""
    path = job.params.analysis_file(project)
    if path is None:
        return ""
    try:
        return file_hash(path)
    except OSError:
        return "missing"


def compared_hash(path: Path | None) -> str:
    """Content hash of an earlier results file; ``""`` for none, ``missing`` when absent."""
    if path is None:
        return ""
    try:
        return file_hash(path)
    except OSError:
        return "missing"


def combined_key(keys: list[str]) -> str:
    """Key of an output built from several reports (the appendix), in the given order."""
    return _digest({"schema": CACHE_SCHEMA, "parts": keys})


def _digest(payload: Any) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def load_manifest(path: Path) -> dict[str, Any] | None:
    """Read a manifest written by an earlier run; None when missing, unreadable or outdated."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("cache_schema") != CACHE_SCHEMA:
        return None
    return data
