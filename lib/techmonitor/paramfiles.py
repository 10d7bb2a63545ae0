"""Report params files: layered files, each checked against the one schema.

Every report is described by ``params/base.yaml`` (shared defaults) overlaid with exactly one
override file: ``params/national.yaml``, ``params/sectors/<slug>.yaml`` or
``params/regions/<slug>.yaml``. Each file is checked on its own against the schema
(:mod:`techmonitor.config`; so an unknown key is reported in the file where it was typed) and
the merged result is validated again (so a missing key is reported with the files that could
have held it). All of this happens before any kernel starts. The command line's ``--only``
and ``--set`` values are parsed here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from techmonitor import asof, yamlio
from techmonitor.config import FIELDS, KINDS, ReportParams, cross_checks
from techmonitor.errors import ParameterError
from techmonitor.yamlio import close_match, short

KIND_DIRS = {"sector": "sectors", "region": "regions"}
#: template of each kind: one for every sector and region report, the national report its own
TEMPLATES = {"national": "national.ipynb", "sector": "report.ipynb", "region": "report.ipynb"}


@dataclass(frozen=True)
class Job:
    """One report to produce: its resolved parameters and where they came from."""

    params: ReportParams
    files: tuple[Path, ...]
    template: Path

    @property
    def report_id(self) -> str:
        return self.params.report_id


def read_params_file(path: Path) -> dict[str, Any]:
    """The mapping of one params file (empty for an empty file).

    Raises
    ------
    ParameterError
        When the file cannot be read, is not YAML, or is not a mapping.
    """
    data = yamlio.load_file(path, ParameterError)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: must be a mapping of key: value, got {type(data).__name__}")
    return data


def _check_keys(path: Path, data: dict[str, Any]) -> list[str]:
    problems = []
    for key in data:
        if key not in FIELDS:
            problems.append(
                f"{path}: unknown key {short(key)}{close_match(str(key), FIELDS)}; "
                f"allowed keys: {', '.join(FIELDS)}"
            )
    return problems


def _format_validation(exc: ValidationError, files: list[Path],
                       layers: list[dict[str, Any]]) -> list[str]:
    def where(loc: tuple[str | int, ...], kind: str) -> str:
        if kind == "missing":  # any layer could hold it
            return " or ".join(str(f) for f in files)
        top = loc[0] if loc else ""
        origin = [f for f, layer in zip(files, layers, strict=True) if top in layer]
        return str(origin[-1]) if origin else " / ".join(str(f) for f in files)

    return yamlio.validation_problems(exc, where, ReportParams)


def resolve(
    base: Path,
    override: Path,
    *,
    overrides: dict[str, Any] | None = None,
    templates_dir: Path | None = None,
) -> Job:
    """Merge ``base`` with one override file and validate the result.

    Parameters
    ----------
    base
        Path of ``params/base.yaml``.
    override
        Path of the report's own params file.
    overrides
        Values from the command line (``--set language=en``), applied last.
    templates_dir
        Folder with the templates (:data:`TEMPLATES`); default ``templates/`` beside the
        params folder.

    Returns
    -------
    Job
        The validated parameters with the files they came from.

    Raises
    ------
    ParameterError
        Listing every problem: unknown keys (with a close match), missing keys, wrong types,
        bad slugs, a slug that differs from the file name.
    """
    base_data = read_params_file(base)
    own = read_params_file(override)
    problems = _check_keys(base, base_data) + _check_keys(override, own)
    cli = dict(overrides or {})
    problems += [
        f"--set {k}: unknown parameter{close_match(k, FIELDS)}" for k in cli if k not in FIELDS
    ]
    if problems:
        raise ParameterError(problems[0] if len(problems) == 1 else "invalid parameters:\n  - "
                             + "\n  - ".join(problems))
    merged = asof.with_period({**base_data, **own, **cli}, base.parent.parent / "data")
    files = [base, override]
    try:
        params = ReportParams.model_validate(merged)
    except ValidationError as exc:
        found = _format_validation(exc, files, [base_data, own])
        raise ParameterError(found[0] if len(found) == 1 else "invalid parameters:\n  - "
                             + "\n  - ".join(found)) from None
    expected_kind = _kind_of(override)
    if expected_kind and params.kind != expected_kind:
        raise ParameterError(
            f"{override}: key 'kind' = {short(params.kind)}, but files in this folder describe "
            f"{expected_kind!r} reports; set kind: {expected_kind}"
        )
    if expected_kind in KIND_DIRS and params.slug != override.stem:
        raise ParameterError(
            f"{override}: key 'slug' = {short(params.slug)} must equal the file name "
            f"{override.stem!r}; rename the file or fix the slug"
        )
    found = cross_checks(params, str(override))
    if found:
        raise ParameterError(found[0] if len(found) == 1 else "invalid parameters:\n  - "
                             + "\n  - ".join(found))
    templates = templates_dir or base.parent.parent / "templates"
    return Job(params=params, files=(base, override),
               template=templates / TEMPLATES[params.kind])


def _kind_of(path: Path) -> str | None:
    if path.parent.name == "sectors":
        return "sector"
    if path.parent.name == "regions":
        return "region"
    if path.name == "national.yaml":
        return "national"
    return None


def param_files(params_dir: Path) -> list[Path]:
    """Every report params file, national first, then sectors and regions in name order."""
    files = []
    national = params_dir / "national.yaml"
    if national.exists():
        files.append(national)
    for sub in ("sectors", "regions"):
        files += sorted((params_dir / sub).glob("*.yaml"))
    return files


def parse_only(values: list[str] | None) -> set[tuple[str, str]] | None:
    """Parse ``--only KIND:SLUG`` values into ``{(kind, slug)}``."""
    if not values:
        return None
    out = set()
    for value in values:
        kind, sep, slug = value.partition(":")
        if not sep or kind not in KINDS or not slug:
            raise ParameterError(
                f"--only {short(value)}: write KIND:SLUG with KIND one of {', '.join(KINDS)}, "
                "e.g. sector:energie or national:nl"
            )
        out.add((kind, slug))
    return out


def expand(
    project: Path,
    *,
    only: set[tuple[str, str]] | None = None,
    overrides: dict[str, Any] | None = None,
) -> list[Job]:
    """Expand ``project/params`` into validated jobs.

    Every file is validated, even those filtered out by ``only``, so a broken file is never
    discovered a quarter later. Problems of all files are reported together.

    Raises
    ------
    ParameterError
        If any params file is invalid, or ``only`` names a report that does not exist.
    """
    params_dir = project / "params"
    base = params_dir / "base.yaml"
    if not base.exists():
        raise ParameterError(f"{base}: missing; every project needs params/base.yaml")
    jobs: list[Job] = []
    problems: list[str] = []
    for path in param_files(params_dir):
        try:
            jobs.append(resolve(base, path, overrides=overrides))
        except ParameterError as exc:
            problems.append(str(exc))
    if problems:  # a problem of base.yaml (period: latest without data) is said once
        raise ParameterError("\n".join(dict.fromkeys(problems)))
    if only is not None:
        known = {(j.params.kind, j.params.slug) for j in jobs}
        for kind, slug in sorted(only - known):
            slugs = [s for k, s in known if k == kind]
            raise ParameterError(
                f"--only {kind}:{slug}: no such report{close_match(slug, slugs)}; "
                "see `techmonitor list`"
            )
        jobs = [j for j in jobs if (j.params.kind, j.params.slug) in only]
    return jobs


def parse_set(values: list[str] | None) -> dict[str, Any]:
    """Parse ``--set KEY=VALUE`` pairs; values are read as YAML scalars (``2030`` → int)."""
    out: dict[str, Any] = {}
    for item in values or []:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise ParameterError(f"--set {short(item)}: write KEY=VALUE, e.g. --set language=en")
        out[key.strip()] = yamlio.parse_text(raw, f"--set {key.strip()}", ParameterError)
    return out
