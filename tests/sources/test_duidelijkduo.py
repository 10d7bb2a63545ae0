"""DuidelijkDUO hbo enrolled JSON: a hand-written fixture, a renamed key, and the cross-check
of the star schema's enrolled table against it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from techmonitor.errors import DataValidationError
from techmonitor.reference import default_data_dir, load_regions
from techmonitor.sources import duidelijkduo, duo_star

from ..conftest import ASSETS

FIX = ASSETS / "raw_fixtures" / "duidelijkduo" / "ingeschrevenen.json"
PROVINCES = load_regions(default_data_dir()).province_codes_by_name()
REAL = "duo_hbo_ingeschrevenen_2020_2024_duidelijkduo/duo_ingeschrevenhbo_2024.json"
STAR = "duo_hbo_eerstejaars_diplomas_2019_2024_aleemans_starschema/processed"


def test_enrolled_by_hand() -> None:
    obs = duidelijkduo.enrolled(FIX, PROVINCES).set_index(
        ["indicator", "period", "region", "sex"])
    assert obs.loc[("enrolled_tech", "2020/21", "NL", "all"), "value"] == 50 + 5 + 12
    later = obs.loc[("enrolled_tech", "2021/22", "NL", "all")]
    # the women's "<5" is left out and counted; "onbekend" counts in sex=all only
    assert (later["value"], later["suppressed"], later["lower_bound"]) == (33 + 14, 1, True)
    assert ("enrolled_tech", "2021/22", "PV22", "vrouw") not in obs.index
    assert obs.loc[("enrolled_tech", "2020/21", "PV22", "vrouw"), "value"] == 5
    assert obs.loc[("enrolled_total", "2021/22", "PV26", "all"), "value"] == 14 + 41
    adba = duidelijkduo.enrolled(FIX, PROVINCES, types=("associate degree", "bachelor"))
    row = adba[(adba.indicator == "enrolled_tech") & (adba.period == "2020/21")
               & (adba.region == "NL") & (adba.sex == "all")]
    assert row["value"].tolist() == [55]


def test_enrolled_renamed_key_and_bad_cell(tmp_path: Path) -> None:
    records = json.loads(FIX.read_text(encoding="utf-8"))
    bad = tmp_path / "enrolled.json"
    bad.write_text(json.dumps([{("SECTOR" if k == "ONDERDEEL" else k): v for k, v in r.items()}
                               for r in records]), encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"enrolled\.json: record 1 lacks key\(s\) "
                       r"\['ONDERDEEL'\]"):
        duidelijkduo.enrolled(bad, PROVINCES)
    records[2]["2021"] = "veertien"
    bad.write_text(json.dumps(records), encoding="utf-8")
    with pytest.raises(DataValidationError) as exc:
        duidelijkduo.enrolled(bad, PROVINCES)
    assert "record 3, key '2021': 'veertien' is not a count" in "\n".join(exc.value.problems)


def test_star_schema_enrolled_matches_duidelijkduo(raw_dir: Path) -> None:
    """Both copies are DUO's 1 October count; they differ only in which cells are suppressed.

    A suppressed cell hides at most 4 students, so for every year, province and the national
    total: 0 <= star - duidelijkduo <= 4 x (cells suppressed in the duidelijkduo sum) and
    duidelijkduo - star <= 4 x (cells suppressed in the star sum).
    """
    dd = duidelijkduo.enrolled(raw_dir / REAL, PROVINCES)
    dd = dd[(dd.indicator == "enrolled_tech") & (dd.sex == "all")].set_index(["period", "region"])
    enrol = duo_star.read_fact(raw_dir / STAR, "ingeschrevenen")
    star = duo_star.sums(enrol[enrol["onderdeel"] == "techniek"], PROVINCES)
    star = star[star["sex"] == "all"].assign(
        period=lambda t: t["year"].map(lambda y: f"{y}/{(y + 1) % 100:02d}")
    ).set_index(["period", "region"])
    both = dd.add_suffix("_dd").join(star.add_suffix("_star"), how="inner")
    assert len(both) == 5 * 13  # five years x (NL + 12 provinces)
    gap = both["value_star"] - both["value_dd"]
    assert (gap <= 4 * both["suppressed_dd"]).all()
    assert (-gap <= 4 * both["suppressed_star"]).all()
    nl = both.xs("NL", level="region")
    assert nl["value_star"].tolist() == [101328, 100808, 98034, 95102, 92489]
    assert nl["value_dd"].tolist() == [101178, 100644, 97834, 94857, 92296]
