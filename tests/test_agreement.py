"""Subject-verb agreement in generated sentences, and the grammatical number of every label.

The verb forms below are written by hand from Dutch and English grammar, not read from the
catalogue: each sentence template with a label as subject is rendered with a singular and a
plural subject and the verb after the subject is compared with this table.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from techmonitor import narrative
from techmonitor.errors import DataValidationError
from techmonitor.indicators import load_catalogue
from techmonitor.messages import catalogue, msg_n
from techmonitor.trends import estimate

ROOT = Path(__file__).resolve().parents[1]

#: message → (singular verb, plural verb), the word right after the subject
VERBS = {
    "nl": {
        "nar.change.none": ("heeft", "hebben"),
        "nar.change.single": ("was", "waren"),
        "nar.change.same": ("bleef", "bleven"),
        "nar.change.rise": ("steeg", "stegen"),
        "nar.change.fall": ("daalde", "daalden"),
    },
    "en": {
        "nar.change.none": ("has", "have"),
        "nar.change.single": ("was", "were"),
        "nar.change.same": ("stayed", "stayed"),
        "nar.change.rise": ("rose", "rose"),
        "nar.change.fall": ("fell", "fell"),
    },
}
#: counted messages → (noun after 1, noun after 2)
NOUNS = {
    "nl": {
        "index.warnings": ("waarschuwing", "waarschuwingen"),
        "ovw.state.warnings": ("waarschuwing", "waarschuwingen"),
        "ovw.more": ("reeks", "reeksen"),
        "goalv.n_unjudged": ("reeks", "reeksen"),
        "goalv.gaps": ("reeks", "reeksen"),
        "deli.not_found": ("opleiding", "opleidingen"),
        "key.targets_undetermined": ("indicator", "indicatoren"),
    },
    "en": {
        "index.warnings": ("warning", "warnings"),
        "ovw.state.warnings": ("warning", "warnings"),
        "ovw.more": ("series", "series"),
        "goalv.n_unjudged": ("series", "series"),
        "goalv.gaps": ("series", "series"),
        "deli.not_found": ("programme", "programmes"),
        "key.targets_undetermined": ("indicator", "indicators"),
    },
}
#: the verb agreeing with the counted noun, where the message has one
COUNT_VERBS = {
    "nl": {"goalv.gaps": ("staat", "staan"), "deli.not_found": ("staat", "staan")},
    "en": {"deli.not_found": ("is", "are")},
}
#: finite verbs (both numbers) that may follow a subject placeholder in a template
FINITE = {
    "nl": "is zijn was waren heeft hebben had hadden steeg stegen daalde daalden bleef bleven "
          "haalt halen ligt liggen lag lagen staat staan stond stonden groeide groeiden wordt "
          "worden werd werden beweegt bewegen blijft blijven komt komen",
    "en": "is are was were has have had rose fell stayed meets meet lies lie remains remain "
          "grew grows grow moves move",
}
SUBJECTS = ("name", "subject", "indicator")


def _forms(lang: str) -> set[str]:
    keys = catalogue(lang)
    return {k.rsplit(".", 1)[0] for k in keys if k.endswith(".one")}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_template_with_a_label_as_subject_has_a_form_per_number(lang: str) -> None:
    """A template where ``{name}`` is followed by a finite verb (or a verb precedes it) has
    one form per grammatical number, and each such message is in the hand-written table."""
    verbs = "|".join(FINITE[lang].split())
    subj = "|".join(SUBJECTS)
    pattern = re.compile(rf"\{{({subj})\}} ({verbs})\b|\b({verbs}) \{{({subj})\}}")
    single = [k for k, v in catalogue(lang).items()
              if pattern.search(v) and not k.endswith((".one", ".other"))]
    assert single == [], f"templates with a label as subject but one verb form: {single}"
    with_subject = {k for k in _forms(lang)
                    if any(f"{{{s}}}" in catalogue(lang)[f"{k}.one"] for s in SUBJECTS)}
    assert with_subject == set(VERBS[lang])


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("key", sorted(VERBS["nl"]))
def test_each_subject_template_agrees_in_both_numbers(lang: str, key: str) -> None:
    values = {"value": "5", "period": "2020", "first": "2019", "last": "2020",
              "first_value": "4", "last_value": "5"}
    for number, verb in zip(("singular", "plural"), VERBS[lang][key], strict=True):
        text = msg_n(key, number, lang, name="Onderwerp", **values)
        assert text.split()[:2] == ["Onderwerp", verb], (key, number, text)


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("key", sorted(NOUNS["nl"]))
def test_counted_messages_agree_with_their_count(lang: str, key: str) -> None:
    assert _forms(lang) >= set(NOUNS[lang])
    for n, noun in zip((1, 2), NOUNS[lang][key], strict=True):
        text = msg_n(key, n, lang, names="a")
        words = re.findall(r"[\w']+", text)
        assert words[words.index(str(n)) + 1] == noun, (key, n, text)
        if key in COUNT_VERBS[lang]:
            assert COUNT_VERBS[lang][key][n - 1] in words, (key, n, text)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_catalogue_text_hedges_its_number(lang: str) -> None:
    """No "reeks(en)" or "warning(s)": a counted text has a form per number instead."""
    hedged = {k: v for k, v in catalogue(lang).items() if re.search(r"\w\((en|s|e|es)\)", v)}
    assert hedged == {}


def _series(values: list[float]) -> pd.DataFrame:
    periods = [f"{y}/{(y + 1) % 100:02d}" for y in range(2012, 2012 + len(values))]
    return pd.DataFrame({"period": periods, "value": values, "status": "definitive",
                         "vintage": "v", "source": "s"})


@pytest.mark.parametrize(("lang", "number", "rise", "fall"), [
    ("nl", "singular", "De instroom steeg van", "De instroom daalde van"),
    ("nl", "plural", "Mbo-deelnemers techniek stegen van", "Mbo-deelnemers techniek daalden van"),
    ("en", "singular", "The inflow rose from", "The inflow fell from"),
    ("en", "plural", "Mbo participants rose from", "Mbo participants fell from"),
])
def test_the_generated_paragraph_agrees_with_its_subject(lang: str, number: str, rise: str,
                                                         fall: str) -> None:
    name = {"nl": {"singular": "de instroom", "plural": "Mbo-deelnemers techniek"},
            "en": {"singular": "the inflow", "plural": "mbo participants"}}[lang][number]
    up = np.round(10_000 * 1.03 ** np.arange(8)).tolist()
    for values, start in ((up, rise), (up[::-1], fall)):
        text = narrative.describe(name, estimate(_series(values)), lang=lang,  # type: ignore[arg-type]
                                  number=number)  # type: ignore[arg-type]
        assert text.startswith(start), text


# The grammatical number of every indicator name in data/indicators.yaml, decided by reading
# the name: "Mbo-deelnemers" are plural, "Instroom" and "Aandeel" singular, and English may
# differ from Dutch ("Zij-instroom" is singular, "Lateral entrants" plural).
SINGULAR_NL = {
    'Technische instroom hoger onderwijs (CROHO techniek)',
    'Totale instroom hoger onderwijs',
    'Aandeel techniek in de instroom hoger onderwijs',
    'Aandeel vrouwen in de technische instroom',
    "Aandeel techniek in de diploma's",
    'Aandeel techniek onder mbo-deelnemers',
    'Instroom hoger onderwijs in opleidingen van de topsector',
    'Instroom bètatechniek (gepubliceerd)',
    'Aandeel bètatechniek in de instroom (gepubliceerd)',
    'Aandeel vrouwen in de instroom bètatechniek (VHTO)',
    'Aandeel ISCED-F 07 in de instroom ho (CBS)',
    'Aandeel technisch opgeleiden met een technisch beroep',
    'Groei werkzamen in technische beroepen sinds eind 2013 (gepubliceerd)',
    'Beroepsbehoud 07 Technische beroepen',
    'Beroepsbehoud 08 ICT-beroepen',
    'Beroepsbehoud alle beroepsklassen',
    'Instroom in technisch mbo (DUO, hoofdgroep techniek)',
    'Instroom mbo totaal (DUO)',
    'Aandeel techniek in de mbo-instroom (DUO)',
    "Aandeel techniek in de mbo-diploma's",
    'Zij-instroom in technisch mbo vanuit werk (CBS 85574NED)',
    'Aandeel uitstromers ho techniek met werk na een jaar',
    'Werkzame beroepsbevolking in BRC-klasse 07 Technische beroepen (CBS)',
    'Werkzame beroepsbevolking in BRC-klasse 08 ICT-beroepen (CBS)',
    'Werkloosheid technisch opgeleiden',
    'Instroom arbeidsmarkt 2011-2016 technische en groene sector (ROA-prognose)',
    'Netto jaarlijks behoud hbo techniek (ad + bachelor)',
    'Netto jaarlijks behoud hbo economie (ad + bachelor)',
    'Netto jaarlijks behoud hbo gedrag en maatschappij (ad + bachelor)',
    'Aandeel techniek onder vmbo-examenkandidaten',
    'Aandeel N&T onder havo/vwo-examenkandidaten',
    'Uitval in het eerste jaar hbo (gepubliceerd)',
    'Bachelordiploma binnen 6 jaar, hbo techniek (gepubliceerd)',
}
PLURAL_NL = {
    "Technische diploma's hoger onderwijs (CROHO techniek)",
    "Diploma's hoger onderwijs totaal",
    'Mbo-deelnemers techniek',
    'Mbo-deelnemers totaal',
    "Diploma's hoger onderwijs in opleidingen van de topsector",
    'Mbo-deelnemers in opleidingen van de topsector',
    'Openstaande vacatures',
    'Eerstejaars ISCED-F 07 techniek, industrie en bouwkunde (CBS)',
    'Eerstejaars hoger onderwijs totaal (CBS)',
    'Openstaande vacatures in technische beroepen (UWV)',
    'Werkzamen in technische beroepen (Techniekpact-definitie)',
    'Werkzamen die een periode eerder in 07 Technische beroepen werkten',
    'Werkzamen uit 07 Technische beroepen zonder wisseling van beroep',
    'Werkzamen die een periode eerder in 08 ICT-beroepen werkten',
    'Werkzamen uit 08 ICT-beroepen zonder wisseling van beroep',
    'Werkzamen die een periode eerder in alle beroepsklassen werkten',
    'Werkzamen uit alle beroepsklassen zonder wisseling van beroep',
    "Technische mbo-diploma's (sectorkamer techniek en gebouwde omgeving)",
    "Mbo-diploma's totaal",
    'Uitstromers hoger onderwijs techniek (CBS 85776NED)',
    'Uitstromers ho techniek met werk een jaar na het verlaten van het onderwijs',
    'Werkenden in technische beroepen zonder technische opleiding',
    "WW'ers met technisch beroep binnen een jaar weer aan het werk",
    'Werknemers die jaarlijks van werkgever wisselen',
    'Baanopeningen 2011-2016 technische en groene sector (ROA-prognose)',
    'Ingeschrevenen hbo techniek (ad + bachelor)',
    'Ingeschrevenen hbo totaal (ad + bachelor)',
    'Ingeschreven hbo techniek en niet nieuw (ad + bachelor)',
    'Ingeschreven hbo techniek een jaar eerder zonder diploma (ad + bachelor)',
    'Ingeschreven hbo economie en niet nieuw (ad + bachelor)',
    'Ingeschreven hbo economie een jaar eerder zonder diploma (ad + bachelor)',
    'Ingeschreven hbo gedrag en maatschappij en niet nieuw (ad + bachelor)',
    'Ingeschreven hbo gedrag en maatschappij een jaar eerder zonder diploma (ad + bachelor)',
    'Examenkandidaten vmbo sector techniek',
    'Examenkandidaten vmbo totaal',
    'Examenkandidaten havo/vwo met profiel N&T',
    'Examenkandidaten havo/vwo totaal',
}
SINGULAR_EN = {
    'Technical first-year inflow, higher education (CROHO techniek)',
    'Total first-year inflow, higher education',
    'Technical share of higher-education inflow',
    "Women's share in technical inflow",
    'Technical share of diplomas',
    'Technical share of mbo participants',
    "Higher-education inflow in the top sector's programmes",
    'Inflow into beta/technology programmes (published)',
    'Beta/technology share of inflow (published)',
    "Women's share in beta/technology inflow (VHTO)",
    'ISCED-F 07 share of HE inflow (CBS)',
    'Share of technically educated people working in a technical occupation',
    'Growth of persons working in technical occupations since end 2013 (published)',
    'Occupational retention, 07 technical occupations',
    'Occupational retention, 08 ICT occupations',
    'Occupational retention, all occupation classes',
    'Inflow into technical mbo (DUO, main group techniek)',
    'Technical share of mbo inflow (DUO)',
    'Technical share of mbo diplomas',
    'Share of higher-education leavers in techniek with work after one year',
    'Employed labour force in BRC class 07 technical occupations (CBS)',
    'Employed labour force in BRC class 08 ICT occupations (CBS)',
    'Unemployment rate of technically educated people',
    'Labour-market inflow 2011-2016, technical and green sector (ROA forecast)',
    'Net yearly retention, hbo techniek (ad + bachelor)',
    'Net yearly retention, hbo economie (ad + bachelor)',
    'Net yearly retention, hbo gedrag en maatschappij (ad + bachelor)',
    'Techniek share of vmbo exam candidates',
    'N&T share of havo/vwo exam candidates',
    'First-year dropout, hbo (published figures)',
    'Bachelor diploma within 6 years, hbo techniek (published figure)',
}
PLURAL_EN = {
    'Technical diplomas, higher education (CROHO techniek)',
    'All higher-education diplomas',
    'mbo participants in technology',
    'All mbo participants',
    "Higher-education diplomas in the top sector's programmes",
    "mbo participants in the top sector's programmes",
    'Open vacancies',
    'First-years ISCED-F 07 engineering, manufacturing and construction (CBS)',
    'All HE first-years (CBS)',
    'Open vacancies in technical occupations (UWV)',
    'Persons working in technical occupations (Techniekpact definition)',
    'Employed persons who were in 07 technical occupations one period earlier',
    'Employed persons from 07 technical occupations who did not change occupation',
    'Employed persons who were in 08 ICT occupations one period earlier',
    'Employed persons from 08 ICT occupations who did not change occupation',
    'Employed persons who were in all occupation classes one period earlier',
    'Employed persons from all occupation classes who did not change occupation',
    'All mbo entrants (DUO)',
    'Technical mbo diplomas (sector chamber technology and built environment)',
    'All mbo diplomas',
    'Lateral entrants into technical mbo from work (CBS 85574NED)',
    'Higher-education leavers in techniek (CBS 85776NED)',
    'Higher-education leavers in techniek with work one year after leaving',
    'Workers in technical occupations without a technical education',
    'Unemployment-benefit recipients with a technical occupation back in work within a year',
    'Employees changing employer per year',
    'Job openings 2011-2016, technical and green sector (ROA forecast)',
    'Enrolled students, hbo techniek (ad + bachelor)',
    'Enrolled students, all hbo (ad + bachelor)',
    'Enrolled in hbo techniek, not new (ad + bachelor)',
    'Enrolled in hbo techniek a year earlier, not graduated (ad + bachelor)',
    'Enrolled in hbo economie, not new (ad + bachelor)',
    'Enrolled in hbo economie a year earlier, not graduated (ad + bachelor)',
    'Enrolled in hbo gedrag en maatschappij, not new (ad + bachelor)',
    'Enrolled in hbo gedrag en maatschappij a year earlier, not graduated (ad + bachelor)',
    'vmbo exam candidates, sector techniek',
    'vmbo exam candidates, all sectors',
    'havo/vwo exam candidates with the N&T profile',
    'havo/vwo exam candidates, all profiles',
}


def test_each_indicator_name_declares_the_number_a_reader_hears() -> None:
    doc = yaml.safe_load((ROOT / "data" / "indicators.yaml").read_text(encoding="utf-8"))
    expected = {"nl": (SINGULAR_NL, PLURAL_NL), "en": (SINGULAR_EN, PLURAL_EN)}
    wrong = []
    for code, ind in doc["indicators"].items():
        for lang, (sg, pl) in expected.items():
            name = ind[f"name_{lang}"]
            want = "singular" if name in sg else "plural" if name in pl else "not listed"
            if ind.get(f"number_{lang}") != want:
                wrong.append(f"{code} {lang} {name!r}: {ind.get(f'number_{lang}')}, want {want}")
    assert wrong == []


def test_a_name_without_its_number_is_one_clear_error(tmp_path: Path) -> None:
    shutil.copy(ROOT / "data" / "indicators.yaml", tmp_path / "indicators.yaml")
    path = tmp_path / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    # the first indicator loses number_nl; the second gets a value that is no number
    text = text.replace("    number_nl: singular\n", "", 1)
    text = text.replace("    number_en: singular\n", "    number_en: many\n", 2)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError) as exc:
        load_catalogue(tmp_path)
    problems = "\n".join(exc.value.problems)
    assert "indicator 'inflow_tech': missing key 'number_nl'" in problems
    assert "indicator 'inflow_total': key 'number_en' = 'many'" in problems
