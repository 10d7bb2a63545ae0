"""What a sector report counts as its top sector: SBI sections and programmes per level.

Read once in the analysis layer from ``data/delineation_summary.csv``
(:func:`techmonitor.sources.delineation.sector_summary`) with the SBI titles of
``data/sectors.yaml``; phrased in the key messages and stored in the results file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from techmonitor.errors import DataValidationError
from techmonitor.reference import SbiSector, SectorsRef
from techmonitor.sources.delineation import sector_summary

#: education levels in the order the report names them
LEVELS = ("hbo", "wo", "mbo")


@dataclass(frozen=True)
class SectorDelineation:
    """One top sector's delineation as the report states it.

    Attributes
    ----------
    sbi_national, sbi_provincial
        The SBI sections whose vacancies count (code and bilingual title), nationally and
        per province (CBS publishes fewer sections per province).
    programmes
        ``(level, number of programmes)`` for hbo, wo and mbo.
    not_found
        Programmes named in ``data/sectors.yaml`` that the code lists do not hold.
    list_file
        The open-data file with every selected programme (``data/delineations.csv``).
    """

    sbi_national: tuple[SbiSector, ...]
    sbi_provincial: tuple[SbiSector, ...]
    programmes: tuple[tuple[str, int], ...]
    not_found: int
    list_file: str


def sector_delineation(data_dir: Path, slug: str, ref: SectorsRef) -> SectorDelineation:
    """The delineation of top sector ``slug``.

    Raises
    ------
    DataValidationError
        When ``delineation_summary.csv`` is missing, has no row for ``slug`` or names an SBI
        code ``sectors.yaml`` does not hold.
    """
    row = sector_summary(data_dir, slug)
    known = {s.code: s for s in ref.sbi_sectors}

    def sections(cell: object) -> tuple[SbiSector, ...]:
        codes = str(cell).split()
        unknown = [c for c in codes if c not in known]
        if unknown:
            msg = (f"data/delineation_summary.csv: sector {slug}: SBI codes {unknown} are not in "
                   "data/sectors.yaml (sbi_sectors); rebuild the data after editing sectors.yaml")
            raise DataValidationError(msg, [msg])
        return tuple(known[c] for c in codes)

    return SectorDelineation(
        sections(row["sbi_national"]), sections(row["sbi_provincial"]),
        tuple((lv, int(row[f"programmes_{lv}"])) for lv in LEVELS),
        int(row["programmes_not_found"]), str(row["list"]))
