"""Person names (issue 10, item 2): given-name forms across languages, name order and
patronymics, a first name alone in a document about the full name, a genitive surname alone.

The rows are real mentions from German web pages (``../shared/variants-dev``) and their
confusable neighbours: relatives who share a surname (*Lech* / *Jaroslaw Kaczynski*, *Kaja* /
*Siim Kallas*) must stay apart, whatever the first-name rules allow.
"""

from __future__ import annotations

import pytest

from entitykit.clustering import FormClusterer, FormTable
from entitykit.coref import link_surnames
from entitykit.names import compare_names, given_names_agree, person_key
from entitykit.resolver import Mention, Resolver

# --- given-name forms across languages --------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("igor", "ihor"),  # Russian / Ukrainian (Wikidata: one name)
        ("german", "hermann"),  # Russian Герман spelt the German way / German
        ("german", "herman"),
        ("julia", "julija"),
        ("julia", "yulia"),
        ("michail", "michael"),
        ("jaroslaw", "yaroslav"),  # one skeleton
        ("alexej", "alexei"),
        ("aleksandar", "alexander"),  # Serbian (hand table)
        ("oleksandr", "alexander"),  # Ukrainian (hand table: Wikidata keeps them apart)
        ("aljaksandr", "aleksandr"),  # Belarusian
        ("wiktar", "viktor"),
        ("nikolai", "mikola"),
    ],
)
def test_forms_of_one_given_name_agree(a, b):
    assert given_names_agree(a, b) is not None
    assert given_names_agree(b, a) is not None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("lech", "jaroslaw"),  # the Kaczynski twins
        ("kaja", "siim"),  # Kaja and Siim Kallas, daughter and father
        ("boris", "arkadi"),  # the Rotenberg brothers
        ("pawel", "nikolai"),  # the Durow brothers
        ("serdar", "gurbanguly"),  # the Berdimuhamedows, son and father
        ("vitali", "wladimir"),  # the Klitschko brothers
        ("alexander", "alexandra"),  # male and female forms are two names
        ("maria", "marta"),
        ("julia", "julian"),
        ("l", "lech"),  # an initial is no first name here
    ],
)
def test_different_given_names_do_not_agree(a, b):
    assert given_names_agree(a, b) is None


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("German Gref", "Herman Gref", True),
        ("Ihor Kolychajew", "Igor Kolychajew", True),
        ("Julija Nawalnaja", "Yulia Nawalnaja", True),
        ("Nikolai Walerjewitsch Durow", "Nikolai Durow", True),  # a patronymic in the middle
        # the surname still decides: a given-name form never joins two surnames
        ("Alexander Wolfowitsch", "Alexander Wolfowitz", False),
        ("Ihor Kolychajew", "Igor Kolomojskyj", False),
        ("German Gref", "Hermann Göring", False),
        ("Julia Nawalny", "Julija Nawalnaja", True),  # -y / -aja: the feminine form of one surname
        # relatives: one surname, two first names
        ("Lech Kaczynski", "Jaroslaw Kaczynski", False),
        ("Kaja Kallas", "Siim Kallas", False),
        ("Pawel Durow", "Nikolai Durow", False),
    ],
)
def test_a_given_name_form_merges_full_names_only_with_one_surname(a, b, same):
    assert compare_names(a, b, "PER").ok is same


# --- name order ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Vucic, Alexander", "alexander vucic"),
        ("Lukaschenko, Alexander Grigorjewitsch", "alexander grigorjewitsch lukaschenko"),
        ("Iwanow Sergej Borissowitsch", "sergej borissowitsch iwanow"),
        ("Tichanowskaja Swetlana Georgijewna", "swetlana georgijewna tichanowskaja"),
        # the usual order stays
        ("Sergej Borissowitsch Iwanow", "sergej borissowitsch iwanow"),
        ("Nikolai Walerjewitsch Durow", "nikolai walerjewitsch durow"),
        ("Alexander Vucic", "alexander vucic"),
        # a surname in -witsch after two given names is no patronymic written last
        ("Anna Maria Kunzewitsch", "anna maria kunzewitsch"),
        # Serbian surnames in -ović are no patronymics
        ("Petrovic Marko Jovanovic", "petrovic marko jovanovic"),
        # no comma form: a number, or more than two words before the comma
        ("Minsk, 2020", "minsk 2020"),
    ],
)
def test_person_key_puts_the_given_name_first(text, key):
    assert person_key(text) == key


def test_stress_marks_do_not_cut_a_cyrillic_name_into_pieces():
    # variants-dev: the Russian Wikipedia spelling of Pawel Durow's name
    resolutions = Resolver(registry=None).resolve_mentions([
        Mention("Pawel Walerjewitsch Durow", "PER", doc="a"), Mention("Па́вел Вале́рьевич Ду́ров", "PER", doc="b"),
    ])
    assert resolutions[1].entity_id == resolutions[0].entity_id


def test_surname_first_names_join_their_full_name_across_documents():
    resolutions = Resolver(registry=None).resolve_mentions([
        Mention("Aleksandar Vučić", "PER", doc="a"), Mention("Vucic, Alexander", "PER", doc="b"),
        Mention("Sergej Iwanow", "PER", doc="c"), Mention("Iwanow Sergej Borissowitsch", "PER", doc="d"),
    ])
    assert resolutions[1].entity_id == resolutions[0].entity_id
    assert resolutions[3].entity_id == resolutions[2].entity_id
    assert resolutions[0].entity_id != resolutions[2].entity_id


# --- a first name alone in a document about the full name ----------------------------------------


def doc(*texts: str, name: str = "d") -> list[Mention]:
    return [Mention(text, "PER", doc=name) for text in texts]


@pytest.mark.parametrize(
    ("mentions", "links"),
    [
        # variants-dev: bild.de on the Smolensk crash; two Lechs in the text, one Jaroslaw
        (doc("Lech Kaczynski", "Jaroslaw Kaczynski", "Lech Walesa", "Jaroslaw", "Lech", "Maria"), {3: (1, 90.0)}),
        # an in-document first-name form and its genitive
        (doc("Alexej Nawalny", "Julia Nawalnaja", "Alexei", "Alexeys"), {2: (0, 87.3), 3: (0, 87.3)}),
        (doc("Gurbanguly Berdimuhamedow", "Serdar Berdimuhamedow", "Serdar"), {2: (1, 90.0)}),
        (doc("Kaja", "Sijm", "Sijm Kallas"), {1: (2, 90.0)}),  # Kaja is not Sijm Kallas
        (doc("Yaroslav Kaczynski", "L. Walesa", "Lekh"), {}),  # an initial is no first name
        # a surname of one and a first name of another: the word alone does not say which
        (doc("Thomas Mann", "Dylan Thomas", "Thomas"), {}),
        (doc("Julia Nawalny", "Julija"), {1: (0, 87.3)}),
        (doc("Alexej Nawalny", "Alexandra"), {}),
    ],
)
def test_a_first_name_alone_links_to_the_one_full_name_of_its_document(mentions, links):
    assert link_surnames(mentions) == links


def test_a_first_name_alone_links_only_inside_its_document():
    resolutions = Resolver(registry=None).resolve_mentions(
        doc("Jaroslaw Kaczynski", "Jaroslaw", name="a") + doc("Jaroslaw", name="b")
    )
    assert resolutions[1].entity_id == resolutions[0].entity_id and resolutions[1].method == "coref"
    assert resolutions[2].entity_id != resolutions[0].entity_id


# --- a genitive surname alone, across documents --------------------------------------------------


def cluster_ids(documents: list[list[str]]) -> dict[str, str]:
    table = FormTable()
    for texts in documents:
        table.add_document([(text, "PER") for text in texts])
    return {text: resolution.entity_id for (text, _), resolution in FormClusterer().cluster(table).items()}


def test_a_genitive_surname_alone_joins_the_one_full_name_with_that_surname():
    ids = cluster_ids([["Wladimir Potanin"], ["Potanins"]])
    assert ids["Potanins"] == ids["Wladimir Potanin"]


@pytest.mark.parametrize(
    ("documents", "alone"),
    [
        # two Rotenbergs in the input: the genitive could be either brother
        ([["Arkadi Rotenberg"], ["Boris Rotenberg"], ["Rotenbergs"]], "Rotenbergs"),
        # a first name in the genitive never joins a full name across documents
        ([["Alexej Nawalny"], ["Alexeys"]], "Alexeys"),
        # a surname alone needs the full name's company: Stalin's generals are not Lenin's party
        ([["Josef Stalin", "Georgi Schukow", "Wjatscheslaw Molotow"], ["Stalins", "Wladimir Lenin", "Leo Trotzki"]],
         "Stalins"),
    ],
)
def test_a_genitive_surname_alone_stays_apart_when_the_input_does_not_say_whose(documents, alone):
    ids = cluster_ids(documents)
    assert sum(1 for entity in ids.values() if entity == ids[alone]) == 1


def test_a_word_the_input_uses_as_a_surname_is_not_read_as_a_genitive():
    # Williams is Robbie Williams's surname, not the genitive of Prince William's name
    ids = cluster_ids([["Robbie Williams"], ["Harry William"], ["Williams"]])
    assert ids["Williams"] == ids["Robbie Williams"] != ids["Harry William"]


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("Wladimir Spiridonowitsch Putin", "Wladimir Wladimirowitsch Putin", False),  # father and son
        ("Wladimir Wladimirowitsch Putin", "Wladimir Wladimirovich Putin", True),  # one patronymic, two spellings
        ("Wladimir Wladimirowitsch Putin", "Wladimir Putin", True),  # a patronymic left out says nothing
    ],
)
def test_two_patronymics_must_agree(a, b, same):
    from entitykit.names import compare_names

    assert compare_names(a, b, "PER").ok is same


def test_a_patronymic_the_registry_does_not_give_its_person_keeps_a_mention_away(with_registry):
    assert with_registry.resolve("Wladimir Spiridonowitsch Putin", "PER").entity_id == "new:per:wladimir-spiridonowitsch-putin"
    assert with_registry.resolve("Wladimir Wladimirowitsch Putin", "PER").entity_id == "per:wladimir-putin"


# --- the feminine form of a family name --------------------------------------------------------


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("Julia Nawalny", "Julia Nawalnaja", True),  # the husband's form in German news, her own form
        ("Marta Kaczyński", "Marta Kaczyńska", True),  # Wikidata keeps the two forms apart as names
        ("Jelena Iwanow", "Jelena Iwanowa", True),
        ("Alexei Nawalny", "Julia Nawalnaja", False),  # husband and wife
        ("Lech Kaczyński", "Maria Kaczyńska", False),
        ("Nawalny", "Nawalnaja", False),  # a surname alone does not say whose
        ("Kaczyński", "Kaczyńska", False),
        ("Sergej Iwanow", "Sergej Iwanowski", False),  # another family name
        ("Iwan Iwanow", "Iwan Iwanowa", False),  # a man's given name: the feminine form is no variant
    ],
)
def test_the_feminine_form_of_a_surname_is_the_same_person_only_with_the_same_womans_given_name(a, b, same):
    assert compare_names(a, b, "PER").ok is same


def test_a_wife_mentioned_with_her_husbands_surname_form_joins_her_full_name_across_documents():
    mentions = [
        Mention("Julia Nawalnaja", "PER", doc="a"),
        Mention("Alexei Nawalny", "PER", doc="a"),
        Mention("Julia Nawalny", "PER", doc="b"),
        Mention("Alexei Nawalny", "PER", doc="b"),
    ]
    ids = [resolved.entity_id for resolved in Resolver().resolve_mentions(mentions)]
    assert ids[0] == ids[2] != ids[1] == ids[3]
