"""Published retention figures for higher education (``published_retention_ho/``).

Transcribed numbers, one per row with the page URL. Two kinds are stored, as published points
that are never spliced into one line (each page is its own vintage, because definitions of
'uitval' differ between the Vereniging Hogescholen, the HBO-raad and OCW):

* ``hbo_dropout_first_year_pub``: share of hbo (bachelor) first-years no longer enrolled in hbo
  after one year, all sectors, by sex where the page gives it;
* ``hbo_diploma_6y_tech_pub``: share of full-time hbo-bachelor entrants of CROHO sector
  techniek with a bachelor diploma within 6 years (OCW, entry cohort 2010), direct entrants and
  gap-year entrants as two vintages.

The period is the entry cohort's school year (cohort 2017 → ``2017/18``). Every other row of
the file (switch rates, other sectors, breakdowns by prior education or background) is left
out on purpose: it has no place in the contract's dimensions.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from techmonitor.errors import DataValidationError
from techmonitor.sources import read_table, tidy

SOURCE = "published-retention-ho"
REQUIRED = ("url", "sector", "breakdown", "cohort_or_year", "indicator", "value", "unit")
#: page URL (substring) → vintage; a selected row from another page stops the build
PAGES = {
    "ocwincijfers.nl/themas/schoolloopbanen-en-onderwijsduur/studenten-met-een-tussenjaar":
        "ocw-studiesucces-2016",
    "vereniginghogescholen.nl/actueel/actualiteiten/vrouwen-doen-het-beter": "vh-2018",
    "scienceguide.nl/2023/07/": "sg-vh-2023-07",
    "scienceguide.nl/2017/04/": "sg-vh-2017-04",
    "telegraaf.nl/nieuws/977625/": "telegraaf-vh-2014",
    "nrc.nl/nieuws/2008/06/06/": "nrc-hbo-raad-2008",
    "punt.avans.nl/2009/02/": "avans-hbo-raad-2009",
}
DROPOUT = re.compile(r"^(first-year dropout( \(uitval\))?|dropout after 1 year"
                     r"( \(hbo-bachelor\))?)$")
SEX = {"totaal": "all", "man": "man", "vrouw": "vrouw"}
GAP = {"direct doorgestroomd": "direct", "tussenjaar (gap year)": "gapyear"}


def _cohort(text: str) -> str:
    m = re.fullmatch(r"(\d{4})(?:-\d{4})?", text.strip())
    if m is None:
        raise ValueError(text)
    start = int(m.group(1))
    return f"{start}/{(start + 1) % 100:02d}"


def _vintage(url: str) -> str | None:
    return next((v for key, v in PAGES.items() if key in url), None)


def read_published_retention(path: Path) -> pd.DataFrame:
    """Read ``retention_figures_published.csv`` into tidy observations.

    Raises
    ------
    DataValidationError
        A missing column, a selected row from a page without a vintage, a cohort that is no
        year, or a value that is no percentage: file, row and value named.
    """
    path = Path(path)
    raw = read_table(path, sep=",")
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        msg = (f"{path}: required column(s) {missing} missing (columns are {list(raw.columns)});"
               " update techmonitor/sources/published_retention.py")
        raise DataValidationError(msg, [msg])
    rows, problems = [], []
    for i, r in enumerate(raw.to_dict("records"), start=2):
        indicator, breakdown = r["indicator"].strip(), r["breakdown"].strip()
        if DROPOUT.match(indicator) and r["sector"] == "all" and breakdown in SEX:
            code, sex, suffix = "hbo_dropout_first_year_pub", SEX[breakdown], ""
        elif (indicator == "bachelor diploma within 6 years" and r["sector"] == "techniek"
              and breakdown in GAP):
            code, sex, suffix = "hbo_diploma_6y_tech_pub", "all", f"-{GAP[breakdown]}"
        else:
            continue
        vintage = _vintage(r["url"])
        if vintage is None:
            problems.append(f"{path}: row {i}: page {r['url']!r} has no vintage; add it to "
                            "PAGES in techmonitor/sources/published_retention.py and its "
                            "publication date to data/sources.yaml")
            continue
        try:
            period = _cohort(r["cohort_or_year"])
            value = float(r["value"])
        except ValueError:
            problems.append(f"{path}: row {i}: cohort {r['cohort_or_year']!r} or value "
                            f"{r['value']!r} cannot be read")
            continue
        if r["unit"] != "percent" or not 0 <= value <= 100:
            problems.append(f"{path}: row {i}, column value: {value} {r['unit']} is not a "
                            "percentage")
            continue
        rows.append({"indicator": code, "period": period, "level": "hbo", "sector": "all",
                     "region": "NL", "sex": sex, "value": value, "source": SOURCE,
                     "vintage": vintage + suffix, "status": "definitive"})
    if problems:
        raise DataValidationError(f"{path}: {len(problems)} problems", problems)
    return tidy(rows)
