"""An English report holds no Dutch, and data without its English text is refused at load.

The Dutch side is read from the sources themselves, not typed here: every ``*_nl`` text of the
``data/*.yaml`` files whose English counterpart differs (measure titles, owners, outputs,
clusters, vintage and SBI names, target texts, source names …) and every msgstr of the Dutch
message catalogue that differs from the English one. The reports are built on the bundled
data for 2023Q3 (``tests/report_helpers.py``); their text is that of the rendered HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from techmonitor.errors import DataValidationError
from techmonitor.indicators import load_catalogue
from techmonitor.measures import load_measures
from techmonitor.messages import msg
from techmonitor.reference import load_targets
from techmonitor.report.store import load_sources

from .report_helpers import ROOT, make_report, render

DATA = ROOT / "data"
CATALOGUE = ROOT / "lib" / "techmonitor" / "locale" / "{}" / "LC_MESSAGES" / "techmonitor.po"
REPORTS = ("national.yaml", "sectors/energie.yaml", "regions/zuid-holland.yaml")


def _pairs(node: Any) -> Iterator[tuple[str, str]]:
    """Every (Dutch, English) pair of sibling ``<field>_nl``/``<field>_en`` keys (``quote``/
    ``quote_en`` too: the letter's words and their translation)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and isinstance(value, str):
                base = key[:-3] if key.endswith("_nl") else key if key == "quote" else None
                if base is not None and isinstance(node.get(f"{base}_en"), str):
                    yield value, node[f"{base}_en"]
            yield from _pairs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _pairs(value)


def _msgstrs(lang: str) -> dict[str, str]:
    from babel.messages.pofile import read_po

    with open(str(CATALOGUE).format(lang), "rb") as f:
        return {str(m.id): str(m.string) for m in read_po(f) if m.id}


def _within(text: str, other: str) -> bool:
    """Whether ``text`` occurs in ``other`` as whole words (``scholen`` is not in
    ``Hogescholen``)."""
    return re.search(rf"(?<![\w-]){re.escape(text)}(?![\w-])", other) is not None


def dutch_strings() -> set[str]:
    """Dutch texts that must not appear in an English report.

    A Dutch text that also occurs in an English text of the data (a proper name such as
    ``Platform Bèta Techniek`` or ``OCW`` inside ``Ministry of Education (OCW)``) is left out,
    and so is one inside a publication's own title or publisher (``data/sources.yaml``: a
    citation names a Dutch publication by its Dutch title, as the sources table does); so are
    catalogue fragments between placeholders shorter than three words.
    """
    pairs = [pair for name in ("measures", "indicators", "sectors", "sources", "targets",
                               "regions")
             for pair in _pairs(yaml.safe_load((DATA / f"{name}.yaml").read_text("utf-8")))]
    sources = yaml.safe_load((DATA / "sources.yaml").read_text("utf-8"))["sources"]
    cited = " ".join(str(s.get(k, "")) for s in sources.values() for k in ("publisher", "title"))
    english = " ".join(en for _, en in pairs) + " " + cited
    out = {" ".join(nl.split()) for nl, en in pairs if nl != en and not _within(nl, english)}
    nl, en = _msgstrs("nl"), _msgstrs("en")
    for key, text in nl.items():
        if text and text != en.get(key):
            for part in re.split(r"\{[^}]*\}", text):
                part = " ".join(part.split()).strip(" .,:;()–-")
                if len(part.split()) >= 3 and not _within(part, " ".join(en.values())):
                    out.add(part)
    return out


@pytest.fixture(scope="module")
def english_texts() -> dict[str, str]:
    """The visible text of the English national, sector and province reports (2023Q3),
    without the screen-only table of the parameters as given."""
    texts = {}
    for params in REPORTS:
        soup = BeautifulSoup(render(make_report(params, language="en")), "html.parser")
        for hidden in soup(["script", "style"]):
            hidden.decompose()
        # the parameters as given (screen only, a settings dump, not report text)
        for caption in soup.find_all("caption", string=msg("prov.params", "en")):
            caption.find_parent("table").decompose()
        texts[params] = " ".join(soup.get_text(" ").split())
    return texts


def test_the_dutch_side_is_read_from_data_and_catalogue() -> None:
    found = dutch_strings()
    # a few texts of each kind the issue names, to show the list is the real one
    for text in ("scholen", "groepen in het primair onderwijs met een gastles of workshop",
                 "DUO tot en met 2019/'20, oude definitie (eerstejaars in het domein hbo of wo)",
                 "B Delfstoffenwinning", "Een goed begin - meer aandacht voor techniek in het "
                 "primair en voortgezet onderwijs"):
        assert text in found
    assert "Platform Bèta Techniek" not in found  # a proper name, the same in English
    assert len(found) > 500


def test_an_english_report_holds_no_dutch(english_texts: dict[str, str]) -> None:
    dutch = dutch_strings()
    for name, text in english_texts.items():
        found = sorted(d for d in dutch if _within(d, text))
        assert not found, f"{name}: Dutch in the English report: {found[:20]}"
    # and what the English side says instead is there
    national = english_texts["national.yaml"]
    assert "Ministry of Education (OCW), schools" in national
    assert "3,500 primary-school groups with a guest lesson or workshop" in national
    assert "2% of education funding allocated selectively" in national
    assert "DUO up to 2019/20, old definition (first-years in the hbo or wo domain)" in national
    assert "our translation" in national
    assert "B Mining and quarrying" in english_texts["sectors/energie.yaml"]


def test_cover_line_is_english(english_texts: dict[str, str]) -> None:
    params = yaml.safe_load((ROOT / "params" / "base.yaml").read_text("utf-8"))
    for text in english_texts.values():
        assert params["appendix_line"] not in text
        assert params["organisation"] not in text
        assert params["appendix_line_en"] in text
        assert params["organisation_en"] in text


# -------------------------------------------------------------- refused at load time
def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


MEASURES = """\
clusters:
  1: {name_nl: Een goed begin, name_en: A good start}
owners:
  ocw: {name_nl: OCW, name_en: Ministry of Education (OCW)}
  scholen: {name_nl: scholen, name_en: schools}
measures:
  - id: m-gastlessen
    cluster: 1
    goals: [1]
    title_nl: Gastlessen in het po
    title_en: Guest lessons in primary schools
    owner: [ocw, scholen]
    output_target: {description_nl: groepen met een gastles, description_en: groups with a guest
      lesson, value: 3500}
    source: kamerbrief-2012
    quote: gastles
"""


def test_a_complete_measures_file_loads(tmp_path: Path) -> None:
    ref = load_measures(_write(tmp_path, "measures.yaml", MEASURES))
    (m,) = ref.measures
    assert [ref.owners[o].name_en for o in m.owner] == ["Ministry of Education (OCW)", "schools"]
    assert m.output_target is not None and m.output_target.unit == "count"


@pytest.mark.parametrize(("drop", "names"), [
    ("    title_en: Guest lessons in primary schools\n", ("'m-gastlessen'", "'title_en'")),
    (" description_en: groups with a guest\n      lesson,", ("'m-gastlessen'",
                                                             "'output_target.description_en'")),
    (", name_en: schools}", ("'owners.scholen.name_en'",)),
    (", name_en: A good start}", ("'clusters.1.name_en'",)),
])
def test_a_measure_without_its_english_text_is_refused(tmp_path: Path, drop: str,
                                                       names: tuple[str, ...]) -> None:
    assert drop in MEASURES
    text = MEASURES.replace(drop, "}" if drop.endswith("}") else "")
    folder = _write(tmp_path, "measures.yaml", text)
    with pytest.raises(DataValidationError) as err:
        load_measures(folder)
    message = str(err.value)
    assert str(folder / "measures.yaml") in message and "missing key" in message
    for name in names:
        assert name in message


def test_an_owner_outside_the_owners_table_is_refused(tmp_path: Path) -> None:
    folder = _write(tmp_path, "measures.yaml", MEASURES.replace("[ocw, scholen]",
                                                                "[ocw, bedrijfsleven]"))
    with pytest.raises(DataValidationError, match=r"measure 'm-gastlessen': owner "
                       r"'bedrijfsleven' is not in the owners table \(ocw, scholen\)"):
        load_measures(folder)


def test_a_percent_output_and_an_unknown_unit(tmp_path: Path) -> None:
    ok = MEASURES.replace("value: 3500}", "value: 2, unit: percent}")
    (m,) = load_measures(_write(tmp_path / "a", "measures.yaml", ok)).measures
    assert m.output_target is not None and m.output_target.unit == "percent"
    bad = MEASURES.replace("value: 3500}", "value: 2, unit: procent}")
    with pytest.raises(DataValidationError, match=r"m-gastlessen.*output_target\.unit"):
        load_measures(_write(tmp_path / "b", "measures.yaml", bad))


def test_a_vintage_without_its_english_label_is_refused(tmp_path: Path) -> None:
    folder = _write(tmp_path, "indicators.yaml", """\
indicators:
  inflow_tech:
    name_nl: Technische instroom
    name_en: Technical inflow
    definition_nl: Eerstejaars techniek.
    definition_en: Technical first-years.
    unit: persons
    frequency: school_year
    direction: up
    aggregation: sum
    kind: count
    vintages:
      duo-croho-2019:
        label_nl: DUO tot en met 2019/20
        sources: [duo-ho-eerstejaars]
""")
    with pytest.raises(DataValidationError,
                       match=r"indicators\.yaml: indicator 'inflow_tech': missing key "
                             r"'vintages\.duo-croho-2019\.label_en'"):
        load_catalogue(folder)


def test_a_source_without_its_english_name_is_refused(tmp_path: Path) -> None:
    folder = _write(tmp_path, "sources.yaml", """\
sources:
  cbs-80472ned:
    name_nl: CBS StatLine, vacatures naar bedrijfstak (80472NED)
    publisher: CBS
""")
    with pytest.raises(DataValidationError,
                       match=r"sources\.yaml: source 'cbs-80472ned': missing key 'name_en'"):
        load_sources(folder)



def test_validate_finds_a_source_without_its_english_name_before_any_report_runs(
        tmp_path: Path) -> None:
    """`techmonitor validate` (and the batch's check before it runs reports) reads the
    source names too, instead of leaving it to every report's kernel to fail."""
    import shutil

    from techmonitor.datacheck import validate_data

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    assert validate_data(data) == []
    path = data / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("name_en:"))
    path.write_text(text.replace(line + "\n", "", 1), encoding="utf-8")
    problems = validate_data(data)
    assert len(problems) == 1 and "missing key 'name_en'" in problems[0], problems
    assert str(path) in problems[0]


def test_a_target_quote_without_its_translation_is_refused(tmp_path: Path) -> None:
    folder = _write(tmp_path, "targets.yaml", """\
targets:
  - id: masterplan-40000
    name_nl: Jaarlijks 40.000 bètatechnici extra
    name_en: 40,000 extra technicians a year
    indicator: roa_inflow_2011_2016
    unit: persons per year
    target_period: '2016'
    target_value: 40000
    source: kamerbrief-2012
    quote: De doelstelling in het Masterplan
    status: definitive
    operationalisation_nl: Extra instroom per jaar.
    operationalisation_en: Extra inflow a year.
""")
    with pytest.raises(DataValidationError, match=r"targets\.yaml: targets\[0\].*quote_en"):
        load_targets(folder)


def test_money_in_measure_titles_is_in_the_report_style() -> None:
    """``€ 18,7 mln`` in Dutch and ``€18.7 million`` in English, never ``EUR 18,7 mln``, and
    each amount the same as the measure's budget line."""
    measures = load_measures(DATA).measures
    assert not [m.id for m in measures if "EUR" in m.title_nl + m.title_en]
    nl_amounts = {m.id: re.findall(r"€ (\d+(?:,\d)?) mln", m.title_nl) for m in measures}
    en_amounts = {m.id: re.findall(r"€(\d+(?:\.\d)?) million", m.title_en) for m in measures}
    for m in measures:
        assert m.title_nl.count("€") == len(nl_amounts[m.id]), m.title_nl
        assert m.title_en.count("€") == len(en_amounts[m.id]), m.title_en
        assert [a.replace(",", ".") for a in nl_amounts[m.id]] == en_amounts[m.id], m.id
        budgets = {f"{b.amount_eur / 1e6:g}" for b in m.budgets}
        assert set(en_amounts[m.id]) <= budgets, (m.id, en_amounts[m.id], budgets)
    assert nl_amounts["m1-platform-beta-techniek"] == ["18,7"]
    assert en_amounts["m4-centra-innovatief-vakmanschap"] == ["16.4", "4"]
