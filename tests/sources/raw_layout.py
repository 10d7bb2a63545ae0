"""The hand-written raw fixtures laid out under the file names the connectors look for.

The fixtures are stored under names of their own so that they are never mistaken for copies
of the real public files; a test that runs the whole build copies them into place.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..conftest import ASSETS

FIXTURES = ASSETS / "raw_fixtures"
# fixture file (relative to FIXTURES) -> name the data build expects
RAW_NAMES = {
    "duo/hbo_eerstejaars_fixture.csv": "duo/hbo_inscriptions_2019.csv",
    "duo/wo_eerstejaars_fixture.csv": "duo/wo_inscriptions_2019.csv",
    "duo/mbo_deelnemers_fixture.csv": "duo/mbo_inscriptions_2019.csv",
    "duo/hbo_diplomas_fixture.csv": "duo/hbo_gediplomeerden_2019.csv",
    "cbs/80472ned_export_fixture.csv": "cbs/vacatures.csv",
    "cbs/80472ned_metadata_fixture.csv": "cbs/vacatures_metadata.csv",
    "cbs/83599ned_export_fixture.csv": "cbs/vacatures_regio.csv",
    "duo_vo/examenkandidaten.csv": "duo_vo/duo_examen_raw_all.csv",
    "published_retention/retention_fixture.csv":
        "published_retention/retention_figures_published.csv",
}


def raw_dir_from_fixtures(dest: Path) -> Path:
    """Copy every fixture into ``dest`` (a fresh folder) under the raw file names."""
    shutil.copytree(FIXTURES, dest)
    for fixture, raw_name in RAW_NAMES.items():
        (dest / fixture).rename(dest / raw_name)
    return dest
