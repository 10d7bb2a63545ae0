"""``techmonitor new sector|region SLUG``: a commented params file that validates.

The names and codes come from the data contract (``data/sectors.yaml``,
``data/regions.yaml``), so a new file never holds a typed figure or a code that the data do
not know. Nothing is overwritten.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml

from techmonitor.config import SLUG_RE
from techmonitor.errors import ParameterError
from techmonitor.fsutil import atomic_write_text
from techmonitor.paramfiles import resolve
from techmonitor.reference import load_regions, load_sectors

ANALYSIS_STARTER = '''"""Own analysis of the {kind} report {slug}: sections for that report only.

Named in params/{folder}/{slug}.yaml as `analysis: analyses/{slug}.py`. `techmonitor
preview {kind}:{slug}` shows every save; `techmonitor validate` checks this file.
Numbers come from the data through `report`: never type a figure into a text.
"""


def sections(report):
    """The sections this analysis adds, in order (a list of report.section(...))."""
    frame = report.series("{indicator}", level="hbo", sex="vrouw")
    latest = frame.iloc[-1]
    return [
        report.section(
            "Eigen analyse: vrouwen in de hbo-instroom",
            f"De laatste waarneming is van {{latest['period']}}.",
            report.figure("{indicator}", level="hbo", sex="vrouw"),
        ),
    ]
'''


def _kv(key: str, value: str, comment: str) -> str:
    """``key: value  # comment`` with the value quoted where YAML needs it."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True).strip()
    text = text.removesuffix("\n...").removesuffix("...").strip()
    line = f"{key}: {text}"
    return f"{line}{' ' * max(2, 30 - len(line))}# {comment}\n"


def _indicator(kind: str) -> str:
    """An inflow series every report of this kind has: the sector's own programmes, or all
    technical programmes in the province."""
    return "inflow_sector" if kind == "sector" else "inflow_tech"


def _params_text(kind: str, slug: str, name: str, name_en: str, region: str,
                 analysis: str) -> str:
    if kind == "sector":
        head = (f"# Top sector {name}. Owned by the sector's human capital agenda author.\n"
                "# Written by `techmonitor new`; every key below overrides params/base.yaml\n"
                "# (period, language, levels, target year …), which any key of it may also\n"
                "# override here.\n"
                + _kv("kind", "sector", "this file describes a sector report")
                + _kv("slug", slug, f"= the file name; the report is sector-{slug}")
                + _kv("name", name, "in titles (Dutch)")
                + _kv("name_en", name_en, "in titles (English)")
                + _kv("sector", slug, "must equal slug") +
                "# The delineation (which SBI sectors and programmes count) is in\n"
                "# data/sectors.yaml. To count other SBI sections' vacancies for this report\n"
                "# only, list them (codes as in data/sectors.yaml):\n"
                "# sbi: [sbi-C, sbi-D]\n")
    else:
        head = (f"# Province {name} (CBS code {region}).\n"
                "# Written by `techmonitor new`; every key below overrides params/base.yaml\n"
                "# (period, language, levels, target year …), which any key of it may also\n"
                "# override here.\n"
                + _kv("kind", "region", "this file describes a province report")
                + _kv("slug", slug, f"= the file name; the report is region-{slug}")
                + _kv("name", name, "in titles (Dutch)")
                + "# data/regions.yaml has only the Dutch name: write the English one here\n"
                + _kv("name_en", name_en, "in titles (English)")
                + _kv("region", region, "CBS region code, from data/regions.yaml"))
    own = (_kv("analysis", analysis, "own sections, a function sections(report)") if analysis else
           "# Own sections without touching the shared template: a Python file with a\n"
           f"# function sections(report); `techmonitor new {kind} {slug} --analysis` writes one.\n"
           f"# analysis: analyses/{slug}.py\n")
    return head + own + (
        "# Targets of this report. Give exactly one of target_value (the value to reach) and\n"
        "# target_change_pct (percent change on the value in baseline_period, read from the\n"
        "# data). Mark a target that was not agreed and published as illustrative; the report\n"
        "# then says so. `techmonitor validate` checks indicator, level and baseline.\n"
        "targets: []\n"
        "# targets:\n"
        f"#   - {{indicator: {_indicator(kind)}, level: hbo, baseline_period: 2018/19,\n"
        "#      target_period: 2025/26, target_change_pct: 10, source: illustrative,\n"
        "#      status: illustrative}\n")


def _known(slug: str, known: list[str], what: str, kind: str, hint: str = "") -> None:
    """Raise when ``slug`` is not among ``known``, naming the close one and all of them."""
    if slug in known:
        return
    close = difflib.get_close_matches(slug, known, n=1)
    raise ParameterError(f"{what} {slug!r}: not {kind}"
                         f"{f' (did you mean {close[0]!r}?)' if close else ''}; known: "
                         f"{', '.join(known)}{hint}")


def new_report(project: Path, kind: str, slug: str, *, analysis: bool = False
               ) -> list[Path]:
    """Write ``params/<kind>s/<slug>.yaml`` (and ``analyses/<slug>.py`` with ``analysis``).

    Parameters
    ----------
    project
        The project folder.
    kind
        ``sector`` or ``region``.
    slug
        A top sector of ``data/sectors.yaml`` or a province of ``data/regions.yaml``.
    analysis
        Also write a starter analysis file and name it in the params file. For a report
        that exists already only the analysis is added (:func:`add_analysis`).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ParameterError
        Unknown kind or slug (with the known ones), or a file that already exists.
    """
    if kind not in ("sector", "region"):
        raise ParameterError(f"new {kind!r}: give sector or region")
    if not SLUG_RE.match(slug):
        raise ParameterError(f"new {kind} {slug!r}: a slug is lower-case letters, digits and "
                             "single hyphens, e.g. agri-food")
    data_dir = project / "data"
    if kind == "sector":
        sectors = {s.slug: s for s in load_sectors(data_dir).top_sectors}
        _known(slug, list(sectors), "new sector", "a top sector of data/sectors.yaml",
               ". A new sector needs its delineation there first")
        s = sectors[slug]
        name, name_en, region = s.name_nl, s.name_en, "NL"
    else:
        provinces = {p.slug: p for p in load_regions(data_dir).provinces}
        _known(slug, list(provinces), "new region", "a province of data/regions.yaml")
        p = provinces[slug]
        name, name_en, region = p.name_nl, p.name_en, p.code
    folder = project / "params" / f"{kind}s"
    path = folder / f"{slug}.yaml"
    own = project / "analyses" / f"{slug}.py"
    starter = ANALYSIS_STARTER.format(kind=kind, slug=slug, folder=f"{kind}s",
                                      indicator=_indicator(kind))
    if analysis and path.exists():
        return add_analysis(project, path, own, starter)
    for existing in (path, own) if analysis else (path,):
        if existing.exists():
            raise ParameterError(f"{existing}: exists already; edit it, or move it away to "
                                 "start afresh")
    text = _params_text(kind, slug, name, name_en, region,
                        f"analyses/{slug}.py" if analysis else "")
    written = []
    if analysis:
        own.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(own, starter)
        written.append(own)
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)
    written.insert(0, path)
    try:  # what we wrote must validate; if not, take it back rather than leave it half-right
        resolve(project / "params" / "base.yaml", path)
    except ParameterError:
        for f in written:
            f.unlink(missing_ok=True)
        raise
    return written


def add_analysis(project: Path, path: Path, own: Path, starter: str) -> list[Path]:
    """Give an existing report a starter analysis; its params file is left as it is, except
    for the ``analysis:`` key when it has none (the commented-out line ``new`` writes is
    switched on in place, otherwise the key is appended; comments and order are kept).

    Returns
    -------
    list of Path
        The files written or changed (the analysis file first).

    Raises
    ------
    ParameterError
        When the report already has an analysis file, or its params file is invalid.
    """
    base = project / "params" / "base.yaml"
    named = resolve(base, path).params.analysis  # read through the project's loader
    if named:
        target = Path(named) if Path(named).is_absolute() else project / named
        if target.exists():
            raise ParameterError(f"{path}: already has its own analysis ({named}); edit "
                                 "that file")
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(target, starter)
        return [target]
    if own.exists():
        raise ParameterError(f"{own}: exists already but {path} does not name it; add "
                             f"`analysis: analyses/{own.name}` there, or move the file away")
    before = path.read_text(encoding="utf-8")
    key = f"analysis: analyses/{own.name}"
    lines = before.splitlines(keepends=True)
    at = [i for i, line in enumerate(lines) if line.strip() == f"# {key}"]
    if at:
        lines[at[0]] = key + "\n"
        after = "".join(lines)
    else:
        after = before + ("" if before.endswith("\n") or not before else "\n") + \
            "# own sections, a function sections(report) (added by `techmonitor new`)\n" + \
            key + "\n"
    own.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(own, starter)
    atomic_write_text(path, after)
    try:
        resolve(base, path)
    except ParameterError:
        atomic_write_text(path, before)
        own.unlink(missing_ok=True)
        raise
    return [own, path]
