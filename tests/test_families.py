"""Report families come from the data: title word and index heading per family."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from techmonitor.errors import DataValidationError
from techmonitor.paramfiles import resolve
from techmonitor.render.index import index_html
from techmonitor.report.overview import OverviewRow
from techmonitor.titles import report_title, sector_families

from .conftest import ROOT

SECTORS = """\
sbi_sectors:
  - {code: sbi-D, title_nl: "D Energievoorziening", title_en: "D Energy supply", cbs_key: "346600"}
families:
  - {key: topsector, word_nl: Topsector, word_en: Top sector, heading_nl: Topsectoren,
     heading_en: Top sectors}
  - {key: markt, word_nl: Markt, word_en: Market, heading_nl: Markten, heading_en: Markets}
top_sectors:
  - slug: energie
    family: ENERGIE
    name_nl: Energie
    name_en: Energy
    vacancies: {cbs-80472ned: [sbi-D]}
    education: {}
    rationale: by hand
  - slug: warmte
    family: markt
    name_nl: Warmte
    name_en: Heat
    vacancies: {cbs-80472ned: [sbi-D]}
    education: {}
    rationale: by hand
  - slug: nieuw
    name_nl: Nieuw
    name_en: New
    vacancies: {cbs-80472ned: [sbi-D]}
    education: {}
    rationale: a grouping without a family
"""


def data(tmp_path: Path, energie: str = "topsector") -> Path:
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    (folder / "sectors.yaml").write_text(SECTORS.replace("ENERGIE", energie), encoding="utf-8")
    return folder




def test_the_title_word_is_the_family_word_of_the_data(tmp_path: Path) -> None:
    folder = data(tmp_path)
    p = resolve(ROOT / "params" / "base.yaml", ROOT / "params" / "sectors" / "energie.yaml",
                overrides={"period": "2023Q3"}).params
    assert report_title(p, folder) == "Techniek Monitor – Topsector Energie, 3e kwartaal 2023"
    warmte = p.model_copy(update={"slug": "warmte", "name": "Warmte"})
    assert report_title(warmte, folder) == "Techniek Monitor – Markt Warmte, 3e kwartaal 2023"
    heat = warmte.model_copy(update={"name_en": "Heat", "language": "en"})
    assert report_title(heat, folder) == "Techniek Monitor – Market Heat, 3rd quarter 2023"
    # a grouping without a family is not called a top sector
    nieuw = p.model_copy(update={"slug": "nieuw", "name": "Nieuw"})
    assert report_title(nieuw, folder) == "Techniek Monitor – Nieuw, 3e kwartaal 2023"
    # the family follows the data file
    data(tmp_path, energie="markt")
    assert report_title(p, folder).startswith("Techniek Monitor – Markt Energie")


def test_a_family_that_is_not_defined_is_an_error_naming_it(tmp_path: Path) -> None:
    folder = data(tmp_path, energie="topsectr")
    with pytest.raises(DataValidationError) as err:
        sector_families(folder)
    assert "top_sectors energie: family 'topsectr' is not in families (topsector, markt)" in (
        "\n".join(err.value.problems))


def test_the_index_groups_sector_reports_under_their_family_heading() -> None:
    def row(rid: str, kind: str, family: str | None = None) -> OverviewRow:
        return OverviewRow(rid, kind, rid, rid, "ok", f"{rid}.html", None, (), "", (), "",
                           None, None, family)

    rows = [row("national-nl", "national"),
            row("sector-energie", "sector", "Topsectoren"),
            row("sector-warmte", "sector", "Markten"),
            row("sector-hightech", "sector", "Topsectoren"),
            row("sector-nieuw", "sector"),
            row("region-utrecht", "region")]
    soup = BeautifulSoup(index_html("2023Q3", rows, "nl"), "html.parser")
    headings = [h.get_text() for h in soup.find_all("h2")]
    assert headings == ["Landelijk", "Topsectoren", "Markten", "Sectorrapporten", "Provincies"]
    tables = soup.find_all("tbody")
    assert [a["href"] for a in tables[1].find_all("a")] == ["sector-energie.html",
                                                           "sector-hightech.html"]
    assert [a["href"] for a in tables[2].find_all("a")] == ["sector-warmte.html"]


def test_the_real_data_names_the_nine_top_sectors_as_such() -> None:
    families = sector_families(ROOT / "data")
    assert len(families) == 9 and {f.word["nl"] for f in families.values()} == {"Topsector"}
