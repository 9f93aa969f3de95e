"""Head nouns, legal forms and abbreviated words of places and organisations (issue 10, item 2).

Real variants from German web pages (``../shared/variants-dev``): one region under several head
nouns (*Oblast / Gebiet / Region Wolgograd*) is one entity while the city stays apart; legal forms
in front of a Russian company's name (*OAO Lukoil*) fall away, a closing one on a one-word brand
(*Lukoil GmbH*, the German subsidiary) does not; a word abbreviated by a dot (*Europ. Kommission*)
meets the written-out form when only one reading fits.
"""

from __future__ import annotations

import pytest

from entitykit.names import abbreviates, head_key, place_head
from entitykit.normalize import leading_legal_form_stem
from entitykit.resolver import Resolver


def ids(forms: list[tuple[str, str]]) -> dict[str, str]:
    """Cluster ``(text, label)`` forms (one mention each) without registry -> text: id."""
    result = Resolver(None).cluster_forms([(text, label, 1) for text, label in forms])
    return {text: result[(text, label)].entity_id for text, label in forms}


# --- administrative and facility head nouns -------------------------------------------------------

@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Oblast Wolgograd", "Wolgograd Oblast"),
        ("Oblast Wolgograd", "Gebietes Wolgograd"),
        ("Gebiets Wolgograd", "Wolgograd Gebiet"),
        ("Region Wolgograd", "Oblast Wolgograd"),
        ("Kirow-Gebiets", "Oblast Kirow"),
        ("Region Kirow", "Kirow Oblast"),
        ("Oblast Odessa", "Region Odessa"),
        ("Leningradskaja Oblast‘", "Oblast Leningrad"),  # Russian adjective, soft sign
        ("Swerdlowskaja Oblast", "Oblast Swerdlowsk"),
        ("Swerdlowsk oblast", "Swerdlowsker Gebiet"),
        ("Kaliningrader Gebiet", "Oblast Kaliningrad"),  # German adjective
        ("Region Krasnojarsk", "Kraj Krasnojarsk"),
        ("Oblast Kirov", "Gebiet Kirow"),  # English and German romanisation
        ("Distrikts Vilnius", "Bezirk Vilnius"),
        ("Vilniaus Apskritis", "Bezirk Vilnius"),  # Lithuanian genitive
        ("Kauno apskritis", "Bezirk Kaunas"),
        ("Klaipėdos apskritis", "Bezirk Klaipėda"),
        ("Kernkraftwerk Ostrowez", "AKW Ostrowez"),
        ("Atomkraftwerk Ostrowez", "AKW Ostrowez"),
    ],
)
def test_head_nouns_of_one_kind_name_one_unit(a, b):
    assert head_key(a) is not None
    assert head_key(a) == head_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Oblast Lwiw", "Rajon Lwiw"),  # a district inside the region
        ("Woiwodschaft Niederschlesien", "Provinz Niederschlesien"),  # Polish, Prussian
        ("Oblast Wolgograd", "Oblast Kirow"),
        ("Oblast Lwiw", "Bezirk Lwiw"),
        ("Kernkraftwerk Ostrowez", "Oblast Ostrowez"),
    ],
)
def test_other_kinds_or_cores_are_other_units(a, b):
    assert head_key(a) != head_key(b)


@pytest.mark.parametrize(
    "text",
    ["Wolgograd", "Lwiw", "Oblast", "Gebiet bei Moskau", "Oblast Gebiet", "Nordatlantik-Pakt", "Ruhrgebiet"],
)
def test_a_name_without_one_head_noun_and_a_core_has_no_head(text):
    assert place_head(text) is None


def test_one_region_under_several_head_nouns_is_one_entity_and_the_city_stays_apart():
    forms = [
        ("Oblast Wolgograd", "LOC"), ("Wolgograd Oblast", "LOC"), ("Gebietes Wolgograd", "LOC"),
        ("Gebiets Wolgograd", "LOC"), ("Wolgograd Gebiet", "LOC"), ("Region Wolgograd", "LOC"),
        ("Wolgograd", "LOC"),
        ("Leningradskaja Oblast‘", "LOC"), ("Oblast Leningrad", "LOC"), ("Leningrad", "LOC"),
        ("Oblast Lwiw", "LOC"), ("Rajon Lwiw", "LOC"), ("Lwiw", "LOC"),
    ]
    result = ids(forms)
    region = {result[text] for text, _ in forms[:6]}
    assert len(region) == 1
    assert result["Wolgograd"] not in region
    assert result["Leningradskaja Oblast‘"] == result["Oblast Leningrad"] != result["Leningrad"]
    assert len({result["Oblast Lwiw"], result["Rajon Lwiw"], result["Lwiw"]}) == 3


def test_a_hyphenated_region_is_not_its_city():
    # Kirow-Gebiet reads like a compound about Kirow (EU-Gebiet), but it is the region
    result = ids([("Kirow-Gebiet", "LOC"), ("Kirow", "LOC"), ("Oblast Kirow", "LOC")])
    assert result["Kirow-Gebiet"] == result["Oblast Kirow"] != result["Kirow"]


def test_facility_heads_are_one_class():
    result = ids([("Kernkraftwerk Ostrowez", "ORG"), ("AKW Ostrowez", "ORG"), ("Atomkraftwerk Ostrowez", "ORG")])
    assert len(set(result.values())) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [("Respublika Dagestan", "Republik Dagestan"), ("Rep. Lettland", "Lettland"), ("Respublika Dagestan", "Dagestan")],
)
def test_republic_in_front_falls_away(a, b):
    result = ids([(a, "LOC"), (b, "LOC")])
    assert result[a] == result[b]


# --- legal forms ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "stem"),
    [
        ("OAO Lukoil", "Lukoil"),
        ("PAO Gazprom", "Gazprom"),
        ("PАО Gazprom", "Gazprom"),  # Cyrillic А and О
        ("NK Jukos", "Jukos"),
        ("OAO Tatneft", "Tatneft"),
        ("PJSC MMC Norilsk Nickel", "Norilsk Nickel"),
        ("Ölkonzern Rosneft", "Rosneft"),
        ("Aral-Mutterkonzern BP", "BP"),
        ("Konzern Gazprom", "Gazprom"),
        ("Firma SLAV Handel", "SLAV Handel"),
        ("Bank Austria", None),
        ("Lukoil", None),
        ("OAO", None),
        ("São Paulo", None),  # not ЗАО
    ],
)
def test_legal_forms_in_front_fall_away(text, stem):
    assert leading_legal_form_stem(text) == stem


@pytest.mark.parametrize(
    ("a", "b", "merged"),
    [
        ("OAO Lukoil", "Lukoil", True),
        ("PAO Gazprom", "Gazprom", True),
        ("PАО Gazprom", "Gazprom", True),
        ("NK Jukos", "Jukos", True),
        ("PJSC MMC Norilsk Nickel", "Norilsk Nickel", True),
        ("Konzern Gazprom", "Gazprom", True),
        ("Sberbank Europe AG", "Sberbank Europe", True),  # a closing form on a name of two words
        ("Lukoil Hamburg GmbH", "Lukoil Hamburg", True),
        ("Lukoil GmbH", "Lukoil", False),  # the German subsidiary
        ("Yandex N.V.", "Yandex", False),  # the Dutch holding
        ("Sberbank Europe AG", "Sberbank", False),
    ],
)
def test_legal_forms_in_clustering(a, b, merged):
    result = ids([(a, "ORG"), (b, "ORG")])
    assert (result[a] == result[b]) is merged


def test_the_name_without_its_legal_form_names_the_cluster():
    result = Resolver(None).cluster_forms([("OAO Lukoil", "ORG", 1), ("Lukoil", "ORG", 1)])
    assert result[("OAO Lukoil", "ORG")].canonical == "Lukoil"


# --- abbreviated words ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("short", "long", "expected"),
    [
        ("Europ. Kommission", "Europäische Kommission", True),
        ("Europ. Investitionsbank", "Europäischen Investitionsbank", True),
        ("Lett. SSR", "Lettische SSR", True),
        ("Europ. Kommission", "Europäische Zentralbank", False),
        ("Europ. Kommission", "Eurasische Kommission", False),  # the Eurasian Economic Commission
        ("Europ. Kommission", "Europ. Kommission", False),
        ("Eu. Kommission", "Europäische Kommission", False),  # two letters: too little to go by
        ("Europ. Kommission", "Kommission", False),
        ("Europ. Bank für Wiederaufbau", "Europäische Bank für Wiederaufbau", True),
    ],
)
def test_abbreviated_words(short, long, expected):
    assert abbreviates(short, long) is expected


def test_an_abbreviated_form_joins_the_one_form_it_abbreviates():
    result = ids([
        ("Europ. Investitionsbank", "ORG"), ("Europäische Investitionsbank", "ORG"),
        ("Europäischen Investitionsbank", "ORG"), ("Europ. Kommission", "ORG"),
        ("Europäische Kommission", "ORG"), ("Europäische Zentralbank", "ORG"),
    ])
    assert result["Europ. Investitionsbank"] == result["Europäische Investitionsbank"]
    assert result["Europ. Kommission"] == result["Europäische Kommission"] != result["Europäische Zentralbank"]
    canonical = Resolver(None).cluster_forms([("Europ. Kommission", "ORG", 1), ("Europäische Kommission", "ORG", 1)])
    assert canonical[("Europ. Kommission", "ORG")].canonical == "Europäische Kommission"


def test_an_abbreviation_with_two_readings_joins_neither():
    # Allgemeine Zeitung (Mainz) and Allgäuer Zeitung (Kempten): two newspapers
    result = ids([("Allg. Zeitung", "ORG"), ("Allgemeine Zeitung", "ORG"), ("Allgäuer Zeitung", "ORG")])
    assert len(set(result.values())) == 3


# --- genitive of a hyphenated organisation --------------------------------------------------------

def test_a_genitive_of_a_hyphenated_name_meets_the_name_written_as_one_word():
    result = ids([("Nordatlantik-Paktes", "ORG"), ("Nordatlantik-Pakts", "ORG"), ("Nordatlantikpakt", "ORG")])
    assert len(set(result.values())) == 1
