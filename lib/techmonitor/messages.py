"""Every fixed label of a report, in Dutch and English.

Indicator names, definitions, measure titles and the like come from the data catalogue;
everything else a reader sees comes from this table, so an English run has no Dutch left in
it and a wording is changed in one place. Placeholders use :meth:`str.format` names; a test
checks that both languages of a message use the same placeholders.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["nl", "en"]

MESSAGES: dict[str, tuple[str, str]] = {
    # -- title block and navigation
    "app": ("Techniek Monitor", "Techniek Monitor"),
    "unit.persons": ("personen", "persons"),
    "unit.percent": ("procent", "percent"),
    "unit.diplomas": ("diploma's", "diplomas"),
    "unit.vacancies": ("vacatures", "vacancies"),
    "pdf.subject": ("Voortgang van het Masterplan Bèta en Technologie: {name}, {when}",
                    "Progress of the Dutch Master Plan for Science and Technology: {name}, {when}"),
    "pdf.appendix": ("bijlage", "appendix"),
    "pdf.page": ("pagina", "page"),
    "index.title": ("Techniek Monitor – rapporten {when}", "Techniek Monitor – reports {when}"),
    "index.counts": ("{n} rapporten: {ok} gereed, {failed} mislukt.",
                     "{n} reports: {ok} done, {failed} failed."),
    "index.appendix": ("Alle rapporten in één document: {link}.",
                       "All reports in one document: {link}."),
    "index.warnings": ("{n} waarschuwing(en)", "{n} warning(s)"),
    "index.warnings_total": ("{n} waarschuwing(en): stappen van de analyse die niet konden "
                             "worden gedaan; zie per rapport.",
                             "{n} warning(s): steps of the analysis that could not be done; "
                             "see each report."),
    "index.appendix_link": ("bijlage (PDF)", "appendix (PDF)"),
    "index.kind.national": ("Landelijk", "National"),
    "index.kind.sector": ("Topsectoren", "Top sectors"),
    "index.kind.region": ("Provincies", "Provinces"),
    "index.caption": ("{kind}: rapporten, status en voortgang",
                      "{kind}: reports, status and progress"),
    "index.col.report": ("Rapport", "Report"),
    "index.col.status": ("Status", "Status"),
    "index.col.indicators": ("Indicatoren", "Indicators"),
    "index.col.progress": ("Voortgang", "Progress"),
    "index.col.data": ("Gegevens", "Data"),
    "index.col.details": ("Toelichting", "Details"),
    "index.status.ok": ("✓ gereed", "✓ done"),
    "index.status.failed": ("✕ mislukt", "✕ failed"),
    "pdf.of": ("van", "of"),
    "pdf.appendix_title": ("Techniek Monitor – bijlage, {when}",
                           "Techniek Monitor – appendix, {when}"),
    "kind.national": ("Landelijk rapport", "National report"),
    "kind.sector": ("Topsector", "Top sector"),
    "kind.region": ("Provincie", "Province"),
    "title": ("{app} – {kind} {name}, {when}", "{app} – {kind} {name}, {when}"),
    "title.national": ("{app} – {kind}, {when}", "{app} – {kind}, {when}"),
    "meta.period": ("Verslagperiode", "Reporting period"),
    "meta.data_until": ("Gegevens tot en met", "Data up to and including"),
    "meta.status": ("Status van de gegevens", "Status of the data"),
    "meta.prepared": ("Opgesteld door", "Prepared by"),
    "meta.appendix": ("Publicatie", "Publication"),
    "meta.data_version": ("Gegevensversie", "Data version"),
    "status.definitive": ("definitief", "definitive"),
    "status.provisional": ("voorlopig", "provisional"),
    "status.illustrative": ("illustratief", "illustrative"),
    "status.count": ("{n} {status}", "{n} {status}"),
    "illustrative.banner": (
        "Let op: dit rapport bevat illustratieve gegevens (geen gepubliceerde cijfers). "
        "Ze zijn in grafieken gestippeld en met open rondjes getekend en in tabellen "
        "gemarkeerd met ‘illustratief’.",
        "Note: this report contains illustrative data (not published figures). Charts draw "
        "them dashed with open circles; tables mark them ‘illustrative’.",
    ),
    "toc": ("Inhoud", "Contents"),
    # -- section titles (ids are fixed in the code, titles here)
    "sec.key": ("Kernboodschappen", "Key messages"),
    "sec.goal": ("Doel {n}: {title}", "Goal {n}: {title}"),
    "goal.1": ("meer jongeren kiezen een technische opleiding",
               "more young people choose technical education"),
    "goal.2": ("beter technisch onderwijs dat aansluit op de arbeidsmarkt",
               "better technical education that fits the labour market"),
    "goal.3": ("meer technisch opgeleiden gaan in de techniek werken",
               "more technical graduates go to work in technology"),
    "goal.4": ("technici blijven langer en werken productiever",
               "technicians stay longer and work more productively"),
    "sec.labour": ("Arbeidsmarkt: openstaande vacatures", "Labour market: open vacancies"),
    "sec.measures": ("Maatregelen", "Measures"),
    "sec.national": ("De negen topsectoren en het landelijke doel",
                     "The nine top sectors and the national target"),
    "sec.method": ("Methode en bronnen", "Method and sources"),
    "sec.provenance": ("Verantwoording", "Provenance"),
    # -- key messages
    "key.intro": (
        "Dit rapport volgt {n} indicatoren voor {scope}. Per indicator: de laatste waarde, "
        "de verandering, de richting van de trend en, waar er een doel is, of dat doel "
        "binnen bereik is.",
        "This report follows {n} indicators for {scope}. For each: the latest value, the "
        "change, the direction of the trend and, where there is a target, whether it is "
        "within reach.",
    ),
    "key.counts": ("Van de {n} indicatoren met een doel: {parts}.",
                   "Of the {n} indicators with a target: {parts}."),
    "key.count_one": ("De indicator met een doel: {parts}.",
                      "The one indicator with a target: {parts}."),
    "key.no_targets": ("Voor deze selectie zijn geen indicatoren met een doel.",
                       "No indicator in this selection has a target."),
    "key.table": ("Alle indicatoren: laatste waarde, verandering, trend en status",
                  "All indicators: latest value, change, trend and status"),
    "col.indicator": ("Indicator", "Indicator"),
    "col.latest": ("Laatste waarde", "Latest value"),
    "col.period": ("Periode", "Period"),
    "col.change": ("Verandering", "Change"),
    "col.trend": ("Trend", "Trend"),
    "col.target": ("Doel", "Target"),
    "col.status": ("Status", "Status"),
    "col.value": ("Waarde", "Value"),
    "col.data_status": ("Status gegevens", "Data status"),
    "col.trend_value": ("Trend", "Trend"),
    "col.lo80": ("80%-interval laag", "80% interval low"),
    "col.hi80": ("80%-interval hoog", "80% interval high"),
    "col.projection": ("Projectie (80%-interval)", "Projection (80% interval)"),
    "change.since": ("{change} t.o.v. {period}", "{change} vs {period}"),
    "trend.per_year": ("{arrow} {change} per jaar", "{arrow} {change} a year"),
    "trend.none": ("– te weinig gegevens", "– too few data"),
    "target.value": ("{value} in {period}", "{value} in {period}"),
    "none": ("–", "–"),
    "not_estimated": ("niet geschat", "not estimated"),
    "key.findings": ("Voor {n} onderdelen van dit rapport kon een stap van de analyse niet "
                     "worden gedaan; op die plaatsen staat waarom, en de verantwoording somt "
                     "ze op.",
                     "For {n} parts of this report a step of the analysis could not be done; "
                     "the report says why where each result would stand, and the provenance "
                     "section lists them."),
    "no_target": ("geen doel", "no target"),
    # -- goal sections
    "goal.none": ("Voor dit doel zijn nog geen indicatoren met gegevens voor deze selectie.",
                  "This goal has no indicators with data for this selection yet."),
    "ind.failed_trend": ("De trend van {name} kon niet worden geschat: {reason}. De "
                         "waarnemingen staan in de tabel.",
                         "The trend of {name} could not be estimated: {reason}. The "
                         "observations are in the table."),
    "ind.failed_target": ("De voortgang naar het doel voor {name} kon niet worden beoordeeld: "
                          "{reason}.",
                          "Progress towards the target for {name} could not be assessed: "
                          "{reason}."),
    "ind.readings": ("{name}: losse waarnemingen op onregelmatige momenten, niet als "
                     "tijdreeks te lezen; daarom geen trend.",
                     "{name}: separate readings at irregular moments, not a time series; "
                     "hence no trend."),
    "mea.failed": ("De status van maatregel {id} kon niet worden bepaald: {reason}.",
                   "The status of measure {id} could not be determined: {reason}."),
    "ind.table": ("{name}: waarnemingen en projectie", "{name}: observations and projection"),
    "ind.vintage_note": (
        "Niet in de trend: {n} waarnemingen volgens een andere definitie ({vintages}).",
        "Not in the trend: {n} observations under another definition ({vintages}).",
    ),
    "ind.model": ("Trendmodel: {model}; {n} waarnemingen.", "Trend model: {model}; {n} points."),
    "ind.no_model": ("Geen trendmodel: {reason}", "No trend model: {reason}"),
    "ind.illustrative": (
        "Deze reeks bevat illustratieve waarden; die zijn gestippeld getekend.",
        "This series contains illustrative values, drawn dashed.",
    ),
    "chart.observed": ("waargenomen", "observed"),
    "chart.trend": ("trend", "trend"),
    "chart.band80": ("80%-interval", "80% interval"),
    "chart.band95": ("95%-interval", "95% interval"),
    "chart.target": ("doel", "target"),
    "chart.target_label": ("doel {period}: {value}", "target {period}: {value}"),
    "chart.target_ill": ("illustratief doel", "illustrative target"),
    "chart.target_label_ill": ("illustratief doel {period}: {value}",
                               "illustrative target {period}: {value}"),
    "target.illustrative": (" (illustratief)", " (illustrative)"),
    "chart.illustrative": ("illustratief", "illustrative"),
    "chart.caption": ("{name}.", "{name}."),
    "chart.caption_ill": ("{name}. Gestippeld: illustratieve gegevens.",
                          "{name}. Dashed: illustrative data."),
    "chart.source": ("Bron: {sources}.", "Source: {sources}."),
    "alt.trend": (
        "Lijngrafiek van {name} van {first} ({first_value}) tot {last} ({last_value}).",
        "Line chart of {name} from {first} ({first_value}) to {last} ({last_value}).",
    ),
    "alt.projection": (
        " De trend is doorgetrokken tot {period} met een 80%-interval van {lo} tot {hi}.",
        " The trend is projected to {period} with an 80% interval from {lo} to {hi}.",
    ),
    "alt.target": (" Het doel is {value} in {period}.", " The target is {value} in {period}."),
    "alt.illustrative": (" Een deel van de waarden is illustratief.",
                         " Some values are illustrative."),
    # -- labour market
    "lab.intro": (
        "Openstaande vacatures aan het eind van elk kwartaal ({scope}). De dikke lijn is de "
        "voor seizoensinvloeden gecorrigeerde reeks.",
        "Open vacancies at the end of each quarter ({scope}). The thick line is the "
        "seasonally adjusted series.",
    ),
    "lab.raw": ("openstaande vacatures", "open vacancies"),
    "lab.adjusted": ("seizoensgecorrigeerd", "seasonally adjusted"),
    "lab.axis": ("vacatures", "vacancies"),
    "lab.yoy": (
        "In {period} stonden er {value} vacatures open, {change} ({pct}) ten opzichte van "
        "{previous} ({previous_value}).",
        "In {period} there were {value} open vacancies, {change} ({pct}) compared with "
        "{previous} ({previous_value}).",
    ),
    "lab.table": ("Openstaande vacatures, laatste acht kwartalen",
                  "Open vacancies, last eight quarters"),
    "lab.col_quarter": ("Kwartaal", "Quarter"),
    "lab.col_raw": ("Vacatures", "Vacancies"),
    "lab.col_adjusted": ("Seizoensgecorrigeerd", "Seasonally adjusted"),
    "lab.none": ("Geen vacaturegegevens voor deze selectie.",
                 "No vacancy data for this selection."),
    "lab.alt": (
        "Lijngrafiek van de openstaande vacatures ({scope}) van {first} tot {last}, met de "
        "seizoensgecorrigeerde reeks. Laatste waarde {value}.",
        "Line chart of open vacancies ({scope}) from {first} to {last}, with the seasonally "
        "adjusted series. Latest value {value}.",
    ),
    # -- measures
    "mea.intro.all": (
        "Alle {n} maatregelen uit de kabinetsbrief, per cluster. Status volgt uit gerealiseerde "
        "tegenover geplande output tot en met {period}.",
        "All {n} measures from the cabinet letter, by cluster. Status follows from realised "
        "versus planned output up to and including {period}.",
    ),
    "mea.intro.sector": (
        "De {n} maatregelen die {name} raken (voor de topsector of voor alle topsectoren), per "
        "cluster.",
        "The {n} measures that concern {name} (for this top sector or for all top sectors), by "
        "cluster.",
    ),
    "mea.cluster": ("Cluster {n}: {title}", "Cluster {n}: {title}"),
    "cluster.1": ("een goede start: techniek in primair en voortgezet onderwijs",
                  "a good start: technology in primary and secondary school"),
    "cluster.2": ("beter en aantrekkelijker technisch onderwijs",
                  "better and more attractive technical education"),
    "cluster.3": ("betere aansluiting onderwijs en arbeidsmarkt",
                  "better fit between education and the labour market"),
    "cluster.4": ("sterkere samenwerking onderwijs en bedrijfsleven",
                  "stronger cooperation between schools and companies"),
    "cluster.5": ("technisch werk aantrekkelijker maken", "making technical work attractive"),
    "cluster.6": ("slimmer en productiever werken", "smarter and more productive work"),
    "mea.table": ("Cluster {n}: maatregelen, budget, output en status",
                  "Cluster {n}: measures, budget, output and status"),
    "mea.col_measure": ("Maatregel", "Measure"),
    "mea.col_owner": ("Eigenaar", "Owner"),
    "mea.col_budget": ("Budget", "Budget"),
    "mea.col_planned": ("Gepland", "Planned"),
    "mea.col_realised": ("Gerealiseerd", "Realised"),
    "mea.none": ("Geen maatregelen in dit cluster voor deze selectie.",
                 "No measures in this cluster for this selection."),
    "mea.budget.total": ("{amount} totaal", "{amount} in total"),
    "mea.budget.per_year": ("{amount} per jaar", "{amount} a year"),
    "mea.budget.one_off": ("{amount} eenmalig", "{amount} one-off"),
    "mea.budget.years": ("({start}–{end})", "({start}–{end})"),
    "mea.counts": ("Status van de maatregelen: {parts}.", "Status of the measures: {parts}."),
    "mea.ill_note": ("Gerealiseerde output is illustratief (geen gerapporteerde cijfers).",
                     "Realised output is illustrative (no reported figures)."),
    # -- national section
    "nat.sectors": ("Vacatures per topsector", "Vacancies by top sector"),
    "nat.sectors_intro": (
        "Openstaande vacatures per topsector (som van de SBI-sectoren in de afbakening). "
        "Elk paneel heeft een eigen schaal; topsectoren overlappen, dus tel ze niet op.",
        "Open vacancies by top sector (sum of the SBI sectors in the delineation). Each "
        "panel has its own scale; top sectors overlap, so do not add them up.",
    ),
    "nat.sectors_alt": (
        "Negen kleine lijngrafieken van de openstaande vacatures per topsector, {first} tot "
        "{last}.",
        "Nine small line charts of open vacancies by top sector, {first} to {last}.",
    ),
    "nat.sectors_table": ("Openstaande vacatures per topsector", "Open vacancies by top sector"),
    "nat.col_sector": ("Topsector", "Top sector"),
    "nat.col_yoy": ("Verandering in een jaar", "Change in a year"),
    "nat.roa": ("Vraag en aanbod tot 2016 (ROA)", "Demand and supply to 2016 (ROA)"),
    "nat.roa_intro": (
        "Prognose van het ROA (2011) voor de technische en groene sector, 2011–2016, zoals "
        "in de kabinetsbrief: baanopeningen tegenover instroom op de arbeidsmarkt.",
        "ROA forecast (2011) for the technical and green sector, 2011–2016, as in the cabinet "
        "letter: job openings against inflow into the labour market.",
    ),
    "nat.roa_table": ("Baanopeningen en instroom per niveau, 2011–2016",
                      "Job openings and inflow by level, 2011–2016"),
    "nat.col_level": ("Niveau", "Level"),
    "nat.col_openings": ("Baanopeningen", "Job openings"),
    "nat.col_inflow": ("Instroom", "Inflow"),
    "nat.col_gap": ("Instroom min baanopeningen", "Inflow minus openings"),
    "nat.total": ("Totaal", "Total"),
    "nat.roa_alt": (
        "Staafdiagram van baanopeningen en instroom per niveau, 2011–2016; in totaal "
        "{openings} baanopeningen tegenover {inflow} instromers.",
        "Bar chart of job openings and inflow by level, 2011–2016; in total {openings} "
        "openings against {inflow} entrants.",
    ),
    "nat.roa_none": ("De ROA-cijfers ontbreken in de gegevens.",
                     "The ROA figures are missing from the data."),
    "nat.target": ("Het doel: {value} extra technici per jaar",
                   "The target: {value} extra technicians a year"),
    "nat.target_gap": (
        "Volgens de ROA-prognose komen er in 2011–2016 {gap} technisch opgeleiden minder op de "
        "arbeidsmarkt dan er banen vrijkomen. Het Masterplan wil daarom jaarlijks {target} "
        "bètatechnici extra aantrekken, direct uit het onderwijs of via zij-instroom.",
        "According to the ROA forecast, 2011–2016 sees {gap} fewer technically trained people "
        "entering the labour market than there are job openings. The Masterplan therefore aims "
        "to attract {target} extra technical workers a year, from education or by lateral entry.",
    ),
    "nat.axis_count": ("aantal", "number"),
    # -- method, sources and provenance
    "met.definitions": ("Definities", "Definitions"),
    "met.definitions_table": ("Indicatoren in dit rapport: definitie, eenheid en doel",
                              "Indicators in this report: definition, unit and goal"),
    "met.col_definition": ("Definitie", "Definition"),
    "met.col_unit": ("Eenheid", "Unit"),
    "met.col_goal": ("Doel", "Goal"),
    "met.trend": ("Trend en projectie", "Trend and projection"),
    "met.trend_text": (
        "Elke reeks krijgt een trendmodel als er minstens vier waarnemingen van één definitie "
        "zijn; reeksen met een andere definitie worden nooit aan elkaar geplakt. Bij minder dan "
        "acht waarnemingen gebruiken we alleen een rechte lijn. Bij langere reeksen kiezen we "
        "tussen een rechte lijn, gedempte exponentiële afvlakking en een lokaal lineaire trend "
        "op de voorspelkwaliteit bij terugrekenen (voorspellen vanaf eerdere jaren en vergelijken "
        "met wat werkelijk gebeurde). Aandelen worden op een logit-schaal geschat zodat "
        "projecties tussen 0 en 100 procent blijven. Kwartaalreeksen worden eerst voor "
        "seizoensinvloeden gecorrigeerd. De banden in de grafieken geven aan waar de waarde met "
        "80 en 95 procent kans zal liggen als de trend doorzet.",
        "Each series gets a trend model when it has at least four observations of one "
        "definition; series with different definitions are never spliced. Below eight "
        "observations we only use a straight line. For longer series we choose between a "
        "straight line, damped exponential smoothing and a local linear trend by how well each "
        "would have predicted the past (forecasting from earlier years and comparing with what "
        "happened). Shares are modelled on a logit scale so projections stay between 0 and 100 "
        "per cent. Quarterly series are seasonally adjusted first. The bands in the charts show "
        "where the value will lie with 80 and 95 per cent probability if the trend continues.",
    ),
    "met.progress": ("Voortgang naar het doel", "Progress towards the target"),
    "met.progress_text": (
        "Voor indicatoren met een doel vergelijken we de werkelijke groei per jaar met de groei "
        "die nodig is om het doel te halen (methode van Eurostat en Statistics Canada). "
        "Categorieën: {categories}. Daarnaast geven we de kans dat het doel in het doeljaar "
        "wordt gehaald volgens het trendmodel. Indicatoren zonder doel krijgen alleen een "
        "richting: stijgend of dalend als het 95%-interval van de trend geheel boven of onder "
        "nul ligt, anders ‘geen duidelijke richting’.",
        "For indicators with a target we compare the actual growth per year with the growth "
        "needed to reach the target (the Eurostat and Statistics Canada method). Categories: "
        "{categories}. We also give the probability of meeting the target in its year according "
        "to the trend model. Indicators without a target only get a direction: rising or falling "
        "when the 95% interval of the trend lies entirely above or below zero, otherwise ‘no "
        "clear direction’.",
    ),
    "met.measures_text": (
        "Maatregelen: de status volgt uit gerealiseerde tegenover geplande output en "
        "uitgaven per kwartaal: {categories}.",
        "Measures: the status follows from realised versus planned output and spending per "
        "quarter: {categories}.",
    ),
    "met.sources": ("Bronnen", "Sources"),
    "met.sources_table": ("Bronnen van de gegevens in dit rapport",
                          "Sources of the data in this report"),
    "met.col_key": ("Sleutel", "Key"),
    "met.col_source": ("Bron", "Source"),
    "met.col_licence": ("Licentie", "Licence"),
    "met.col_vintage": ("Versie", "Vintage"),
    "prov.findings": ("Stappen die niet konden worden gedaan",
                      "Steps that could not be done"),
    "prov.findings_table": ("Onderdelen waarvoor een stap van de analyse niet lukte",
                            "Parts for which a step of the analysis failed"),
    "prov.col_where": ("Onderdeel", "Part"),
    "prov.col_step": ("Stap", "Step"),
    "prov.col_reason": ("Reden", "Reason"),
    "prov.no_findings": ("Alle stappen van de analyse zijn gelukt.",
                         "Every step of the analysis succeeded."),
    "prov.intro": (
        "Met deze gegevens, deze code en deze parameters is het rapport opnieuw te maken.",
        "With this data, this code and these parameters the report can be reproduced.",
    ),
    "prov.data_hash": ("Gegevens (SHA-256, eerste 16 tekens)",
                       "Data (SHA-256, first 16 characters)"),
    "prov.code": ("Codeversie", "Code version"),
    "prov.command": ("Opdracht om dit rapport opnieuw te maken",
                     "Command that reproduces this report"),
    "prov.params": ("Parameters van dit rapport", "Parameters of this report"),
    "prov.col_param": ("Parameter", "Parameter"),
    "prov.col_value": ("Waarde", "Value"),
    # -- generic
    "scope.national": ("heel Nederland", "the whole of the Netherlands"),
    "scope.sector": ("de topsector {name}", "the top sector {name}"),
    "scope.region": ("de provincie {name}", "the province of {name}"),
    "and": ("en", "and"),
}


def msg(key: str, lang: str = "nl", /, **values: object) -> str:
    """The message ``key`` in ``lang``, with ``values`` filled in.

    Parameters
    ----------
    key
        Message key, e.g. ``"sec.key"``.
    lang
        ``"nl"`` or ``"en"``.
    values
        Placeholder values (already formatted text).

    Raises
    ------
    KeyError
        If the key is unknown (the message names it).
    """
    try:
        nl, en = MESSAGES[key]
    except KeyError:
        raise KeyError(f"no message {key!r} in techmonitor.messages") from None
    text = en if lang == "en" else nl
    return text.format(**values) if values else text


def join_words(items: list[str], lang: str = "nl") -> str:
    """``a, b en c`` (``a, b and c``)."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {msg('and', lang)} " + items[-1]


def unit_name(unit: str, lang: str = "nl") -> str:
    """A catalogue unit (``persons``) in the report language; unknown units as written."""
    key = f"unit.{unit}"
    return msg(key, lang) if key in MESSAGES else unit
