"""Municipality → province (names as DUO writes them, compared case-insensitively).

Public fact (CBS Gebieden in Nederland), written out here for the municipalities of
2019-2026 including merged ones, so that school locations of the DUO vo files get a
province. A name not listed stops the build with the name to add.
"""

from __future__ import annotations

PROVINCE_MUNICIPALITIES: dict[str, tuple[str, ...]] = {
    "Drenthe": (
        "Aa en Hunze", "Assen", "Borger-Odoorn", "Coevorden", "De Wolden", "Emmen",
        "Hoogeveen", "Meppel", "Midden-Drenthe", "Noordenveld", "Tynaarlo", "Westerveld",
    ),
    "Flevoland": (
        "Almere", "Dronten", "Lelystad", "Noordoostpolder", "Urk", "Zeewolde",
    ),
    "Friesland": (
        "Achtkarspelen", "Ameland", "Dantumadiel", "De Fryske Marren", "Harlingen",
        "Heerenveen", "Leeuwarden", "Noardeast-Fryslân", "Ooststellingwerf", "Opsterland",
        "Schiermonnikoog", "Smallingerland", "Súdwest-Fryslân", "Terschelling",
        "Tytsjerksteradiel", "Vlieland", "Waadhoeke", "Weststellingwerf",
    ),
    "Gelderland": (
        "Aalten", "Apeldoorn", "Arnhem", "Barneveld", "Berg en Dal", "Berkelland", "Beuningen",
        "Bronckhorst", "Brummen", "Buren", "Culemborg", "Doesburg", "Doetinchem", "Druten",
        "Duiven", "Ede", "Elburg", "Epe", "Ermelo", "Harderwijk", "Hattem", "Heerde", "Heumen",
        "Lingewaard", "Lochem", "Maasdriel", "Montferland", "Neder-Betuwe", "Nijkerk",
        "Nijmegen", "Nunspeet", "Oldebroek", "Oost Gelre", "Oude IJsselstreek", "Overbetuwe",
        "Putten", "Renkum", "Rheden", "Rozendaal", "Scherpenzeel", "Tiel", "Voorst",
        "Wageningen", "West Betuwe", "West Maas en Waal", "Westervoort", "Wijchen",
        "Winterswijk", "Zaltbommel", "Zevenaar", "Zutphen",
    ),
    "Groningen": (
        "Appingedam", "Delfzijl", "Eemsdelta", "Groningen", "Het Hogeland", "Loppersum",
        "Midden-Groningen", "Oldambt", "Pekela", "Stadskanaal", "Veendam", "Westerkwartier",
        "Westerwolde",
    ),
    "Limburg": (
        "Beek", "Beekdaelen", "Beesel", "Bergen (L.)", "Brunssum", "Echt-Susteren",
        "Eijsden-Margraten", "Gennep", "Gulpen-Wittem", "Heerlen", "Horst aan de Maas",
        "Kerkrade", "Landgraaf", "Leudal", "Maasgouw", "Maastricht", "Meerssen",
        "Mook en Middelaar", "Nederweert", "Peel en Maas", "Roerdalen", "Roermond",
        "Simpelveld", "Sittard-Geleen", "Stein", "Vaals", "Valkenburg aan de Geul", "Venlo",
        "Venray", "Voerendaal", "Weert",
    ),
    "Noord-Brabant": (
        "'s-Hertogenbosch", "Alphen-Chaam", "Altena", "Asten", "Baarle-Nassau", "Bergeijk",
        "Bergen op Zoom", "Bernheze", "Best", "Bladel", "Boekel", "Boxmeer", "Boxtel", "Breda",
        "Cranendonck", "Cuijk", "Deurne", "Dongen", "Drimmelen", "Eersel", "Eindhoven",
        "Etten-Leur", "Geertruidenberg", "Geldrop-Mierlo", "Gemert-Bakel", "Gilze en Rijen",
        "Goirle", "Grave", "Haaren", "Halderberge", "Heeze-Leende", "Helmond", "Heusden",
        "Hilvarenbeek", "Laarbeek", "Land van Cuijk", "Landerd", "Loon op Zand", "Maashorst",
        "Meierijstad", "Mill en Sint Hubert", "Moerdijk", "Nuenen c.a.",
        "Nuenen, Gerwen en Nederwetten", "Oirschot", "Oisterwijk", "Oosterhout", "Oss",
        "Reusel-De Mierden", "Roosendaal", "Rucphen", "Sint Anthonis", "Sint-Michielsgestel",
        "Someren", "Son en Breugel", "Steenbergen", "Tilburg", "Uden", "Valkenswaard",
        "Veldhoven", "Vught", "Waalre", "Waalwijk", "Woensdrecht", "Zundert",
    ),
    "Noord-Holland": (
        "Aalsmeer", "Alkmaar", "Amstelveen", "Amsterdam", "Beemster", "Bergen (NH.)",
        "Beverwijk", "Blaricum", "Bloemendaal", "Castricum", "Den Helder", "Diemen",
        "Dijk en Waard", "Drechterland", "Edam-Volendam", "Enkhuizen", "Gooise Meren",
        "Haarlem", "Haarlemmermeer", "Heemskerk", "Heemstede", "Heerhugowaard", "Heiloo",
        "Hilversum", "Hollands Kroon", "Hoorn", "Huizen", "Koggenland", "Landsmeer",
        "Langedijk", "Laren", "Medemblik", "Oostzaan", "Opmeer", "Ouder-Amstel", "Purmerend",
        "Schagen", "Stede Broec", "Texel", "Uitgeest", "Uithoorn", "Velsen", "Waterland",
        "Weesp", "Wijdemeren", "Wormerland", "Zaanstad", "Zandvoort",
    ),
    "Overijssel": (
        "Almelo", "Borne", "Dalfsen", "Deventer", "Dinkelland", "Enschede", "Haaksbergen",
        "Hardenberg", "Hellendoorn", "Hengelo", "Hof van Twente", "Kampen", "Losser",
        "Oldenzaal", "Olst-Wijhe", "Ommen", "Raalte", "Rijssen-Holten", "Staphorst",
        "Steenwijkerland", "Tubbergen", "Twenterand", "Wierden", "Zwartewaterland", "Zwolle",
    ),
    "Utrecht": (
        "Amersfoort", "Baarn", "Bunnik", "Bunschoten", "De Bilt", "De Ronde Venen", "Eemnes",
        "Houten", "IJsselstein", "Leusden", "Lopik", "Montfoort", "Nieuwegein", "Oudewater",
        "Renswoude", "Rhenen", "Soest", "Stichtse Vecht", "Utrecht", "Utrechtse Heuvelrug",
        "Veenendaal", "Vijfheerenlanden", "Wijk bij Duurstede", "Woerden", "Woudenberg",
        "Zeist",
    ),
    "Zeeland": (
        "Borsele", "Goes", "Hulst", "Kapelle", "Middelburg", "Noord-Beveland", "Reimerswaal",
        "Schouwen-Duiveland", "Sluis", "Terneuzen", "Tholen", "Veere", "Vlissingen",
    ),
    "Zuid-Holland": (
        "'s-Gravenhage", "Alblasserdam", "Albrandswaard", "Alphen aan den Rijn", "Barendrecht",
        "Bodegraven-Reeuwijk", "Brielle", "Capelle aan den IJssel", "Delft", "Dordrecht",
        "Goeree-Overflakkee", "Gorinchem", "Gouda", "Hardinxveld-Giessendam", "Hellevoetsluis",
        "Hendrik-Ido-Ambacht", "Hillegom", "Hoeksche Waard", "Kaag en Braassem", "Katwijk",
        "Krimpen aan den IJssel", "Krimpenerwaard", "Lansingerland", "Leiden", "Leiderdorp",
        "Leidschendam-Voorburg", "Lisse", "Maassluis", "Midden-Delfland", "Molenlanden",
        "Nieuwkoop", "Nissewaard", "Noordwijk", "Oegstgeest", "Papendrecht",
        "Pijnacker-Nootdorp", "Ridderkerk", "Rijswijk", "Rotterdam", "Schiedam", "Sliedrecht",
        "Teylingen", "Vlaardingen", "Voorne aan Zee", "Voorschoten", "Waddinxveen",
        "Wassenaar", "Westland", "Westvoorne", "Zoetermeer", "Zoeterwoude", "Zuidplas",
        "Zwijndrecht",
    ),
}


def province_of_municipality() -> dict[str, str]:
    """Upper-case municipality name → province name."""
    return {m.upper(): p for p, ms in PROVINCE_MUNICIPALITIES.items() for m in ms}
