"""Report titles and the family a sector report belongs to (the batch needs these, not pandas).

The word before a sector's name (``Topsector`` Energie) and the heading of its group on the
index page come from the data: the ``families`` of ``data/sectors.yaml`` and each grouping's
``family``. A grouping without a family is titled by its name alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from techmonitor import fmt
from techmonitor.config import ReportParams
from techmonitor.messages import msg


@dataclass(frozen=True)
class FamilyText:
    """A family's texts: ``word`` in titles, ``heading`` on the index, per language."""

    key: str
    word: dict[str, str]
    heading: dict[str, str]


def sector_families(data_dir: Path) -> dict[str, FamilyText]:
    """Sector slug → its family, from ``data_dir/sectors.yaml`` (empty without the file).

    Raises
    ------
    DataValidationError
        If ``sectors.yaml`` is invalid (e.g. a grouping names a family that is not defined).
    """
    path = Path(data_dir) / "sectors.yaml"
    if not path.is_file():
        return {}
    stat = path.stat()
    return dict(_families(path.resolve(), stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=8)
def _families(path: Path, mtime_ns: int, size: int) -> tuple[tuple[str, FamilyText], ...]:
    from techmonitor.reference import load_sectors

    ref = load_sectors(path.parent)
    texts = {f.key: FamilyText(f.key, {"nl": f.word_nl, "en": f.word_en},
                               {"nl": f.heading_nl, "en": f.heading_en})
             for f in ref.families}
    return tuple((s.slug, texts[s.family]) for s in ref.top_sectors if s.family is not None)


def report_title(params: ReportParams, data_dir: Path | None = None) -> str:
    """Title of a report, e.g. ``Techniek Monitor – Topsector Energie, 3e kwartaal 2023``.

    Parameters
    ----------
    params
        The report's parameters.
    data_dir
        The data folder with ``sectors.yaml``; default: ``data/`` of ``params.project_dir``.
    """
    lang = params.language
    when = fmt.quarter(params.period, lang)
    if params.kind == "national":
        return msg("title.national", lang, app=msg("app", lang),
                   kind=msg("kind.national", lang), when=when)
    if params.kind == "region":
        return msg("title", lang, app=msg("app", lang), kind=msg("kind.region", lang),
                   name=params.display_name(), when=when)
    folder = data_dir if data_dir is not None else Path(params.project_dir) / "data"
    family = sector_families(folder).get(params.slug)
    if family is None:
        return msg("title.name", lang, app=msg("app", lang), name=params.display_name(),
                   when=when)
    return msg("title", lang, app=msg("app", lang), kind=family.word[lang],
               name=params.display_name(), when=when)
