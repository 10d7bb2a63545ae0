"""The tables ``techmonitor data update`` fetches, without the download code.

The report layer names these tables (e.g. the retention section's sources); it imports this
list, never :mod:`techmonitor.sources.update`, which downloads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["TABLES", "TableSpec"]


@dataclass(frozen=True)
class TableSpec:
    """One table ``data update`` fetches.

    ``sources`` are the source keys its rows carry: an update replaces exactly those rows.
    ``urls`` (DUO) are ``(level, url)`` pairs: the files of one dataset, fetched into one
    folder as ``<level>.csv`` and read together (so ``ho`` = hbo + wo is one vintage).
    ``output`` says where the rows go (observations or the cohort table).
    """

    key: str
    provider: Literal["cbs", "duo"]
    sources: tuple[str, ...]
    urls: tuple[tuple[str, str], ...] = ()
    output: Literal["observations", "cohorts"] = "observations"


_DUO = "https://onderwijsdata.duo.nl/dataset"
_MBO_IN = f"{_DUO}/61c740bf-36be-4e56-a827-e606be12f9ca/resource"
_MBO_NAME = ("nieuw-instromende-studenten-per-instelling-hoofdgroep-leerweg-beroepsopleiding-"
             "niveau-vooro.csv")
TABLES: dict[str, TableSpec] = {
    "83120NED": TableSpec("83120NED", "cbs", ("cbs-83120ned",)),
    "85388NED": TableSpec("85388NED", "cbs", ("cbs-85388ned",)),
    "85574NED": TableSpec("85574NED", "cbs", ("cbs-85574ned",)),
    "85776NED": TableSpec("85776NED", "cbs", ("cbs-85776ned",)),
    "83286NED": TableSpec("83286NED", "cbs", ("cbs-83286ned",), output="cohorts"),
    "p02ho1ejrs": TableSpec(
        "p02ho1ejrs", "duo", ("duo-p02ho1ejrs",), urls=(
            ("hbo", f"{_DUO}/eec8c988-66a6-4b06-9bcf-4038d016f2a1/resource/"
                    "5338f63e-af6a-434c-8086-c4584767c3fc/download/"
                    "eerstejaarsingeschrevenengeslhbo.csv"),
            ("wo", f"{_DUO}/eec8c988-66a6-4b06-9bcf-4038d016f2a1/resource/"
                   "2e0a58a1-f7aa-4ed6-9a76-65bc569edcfc/download/"
                   "eerstejaarsingeschrevenengeslwo.csv"))),
    "p04hogdipl": TableSpec(
        "p04hogdipl", "duo", ("duo-p04hogdipl",), urls=(
            ("hbo", f"{_DUO}/169aef42-1588-4602-b1ac-d06616db788b/resource/"
                    "e7b2aabd-1c10-4990-a33c-bf558f02ed12/download/gediplomeerdengeslhbo.csv"),
            ("wo", f"{_DUO}/169aef42-1588-4602-b1ac-d06616db788b/resource/"
                   "4938e55f-45f5-4f74-a512-baa2db99f5a9/download/gediplomeerdengeslwo.csv"))),
    "instromende-mbo-studenten": TableSpec(
        "instromende-mbo-studenten", "duo", ("duo-mbo-instroom",), urls=(
            ("2021", f"{_MBO_IN}/49498b8b-f8d8-4585-b2ca-1a11c95f6dcd/download/2021-{_MBO_NAME}"),
            ("2022", f"{_MBO_IN}/0c6e7e5f-da10-4b9b-8d88-165459e9c0eb/download/2022-{_MBO_NAME}"),
            ("2023", f"{_MBO_IN}/006ad0f5-b02c-4bad-b966-970e460937c6/download/2023-{_MBO_NAME}"),
            ("2024", f"{_MBO_IN}/3d88cd62-7b2f-4602-b242-3c4051f64cd3/download/2024-{_MBO_NAME}"),
            ("2025", f"{_MBO_IN}/cdb82e0e-3fff-4839-b4a0-8b852bc3f212/download/2025-{_MBO_NAME}"),
        )),
    "gediplomeerde-mbo-studenten": TableSpec(
        "gediplomeerde-mbo-studenten", "duo", ("duo-mbo-gediplomeerden",), urls=(
            ("mbo", f"{_DUO}/725a741e-77e4-46f5-87be-671a68d27f24/resource/"
                    "aa057440-a653-41c4-8d73-d63cb0556135/download/"
                    "2020-2024-gediplomeerden.csv"),)),
}
