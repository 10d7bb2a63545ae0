"""Stable ids of report sections: links, PDF bookmarks and tests rely on them."""

from __future__ import annotations

SECTION_IDS: dict[str, str] = {
    "title": "titel",
    "key": "kernboodschappen",
    "goal1": "doel-1",
    "goal2": "doel-2",
    "goal3": "doel-3",
    "goal4": "doel-4",
    "labour": "arbeidsmarkt",
    "measures": "maatregelen",
    "national": "topsectoren",
    "method": "methode",
    "provenance": "verantwoording",
}
#: the section on what changed since the earlier report (between the key messages and goal 1)
CHANGES_ID = "veranderingen"
#: a province report's place among the provinces (after the labour market)
REGIONS_ID = "provincies"
#: the national report's heading on the target of 40,000 extra technicians a year
X40_ID = "doel-40000"
#: sections the appendix says once (in the national part), by section id → anchor name
SHARED_SECTIONS: dict[str, str] = {SECTION_IDS["method"]: "method",
                                   SECTION_IDS["measures"]: "measures"}
