"""In-document coreference (``entitykit.coref``): a surname alone names the full name it follows."""

from __future__ import annotations

import pytest

from entitykit.coref import link_alternate_names, link_short_forms, link_surnames, sibling_names
from entitykit.resolver import Mention, Resolver


def test_in_document_coreference_links_a_surname_only_when_one_person_fits():
    mentions = [
        Mention("Viktor Iwanow", "PER", doc="a"), Mention("Iwanow", "PER", doc="a"),
        Mention("Pawel Iwanow", "PER", doc="a"), Mention("Iwanows", "PER", doc="a"),
        Mention("Iwanow", "PER", doc="b"),  # another document: no antecedent there
    ]
    results = Resolver().resolve_mentions(mentions)
    # two Iwanows in document a: the surname alone could be either, it stays apart from both
    assert results[1].entity_id not in {results[0].entity_id, results[2].entity_id}
    assert results[3].entity_id not in {results[0].entity_id, results[2].entity_id}
    assert results[0].entity_id != results[2].entity_id
    alone = Resolver().resolve_mentions(mentions[:2])  # one Iwanow: the surname is his
    assert alone[1].entity_id == alone[0].entity_id and alone[1].method == "coref"
    # in doc b the surname alone could be either Iwanow: it is not merged with one of them
    assert results[4].entity_id not in {results[0].entity_id, results[2].entity_id}


def test_links_go_to_the_nearest_mention_before_else_after_and_never_to_one_of_two():
    mentions = [
        Mention("Iwanow", "PER", doc="a"), Mention("Viktor Iwanow", "PER", doc="a"),
        Mention("Pawel Iwanow", "PER", doc="a"), Mention("Iwanow", "PER", doc="a"),
        Mention("Iwanow", "PER"),  # no document: never linked
        Mention("Iwanow", "LOC", doc="a"),  # persons only
    ]
    assert link_surnames(mentions) == {}  # two Iwanows fit
    mentions[2] = Mention("Viktor Iwanow", "PER", doc="a")
    assert link_surnames(mentions) == {0: (1, 100.0), 3: (2, 100.0)}


def test_a_genitive_surname_links_by_its_stem_and_a_different_surname_not_at_all():
    mentions = [Mention("Alexander Wolfowitsch", "PER", doc="a"), Mention("Wolfowitschs", "PER", doc="a"),
                Mention("Wolfowitz", "PER", doc="a")]
    assert link_surnames(mentions) == {1: (0, 100.0)}


# --- acronyms a document defines (issue 9) --------------------------------------------------------

from entitykit.coref import link_acronyms  # noqa: E402


def doc(*mentions: tuple[str, str] | tuple[str, str, str]) -> list[Mention]:
    return [Mention(text, label, doc="d", context=rest[0] if rest else None) for text, label, *rest in mentions]


def test_a_bracketed_definition_links_even_a_two_letter_acronym():
    mentions = doc(("Europäische Union", "ORG"), ("EU", "ORG", "die Europäische Union (EU) beschloss"),
                   ("Europäische Zentralbank", "ORG"), ("EZB", "ORG", "EZB (Europäische Zentralbank) teilte"))
    assert link_acronyms(mentions) == {1: (0, 90.0), 3: (2, 90.0)}


def test_without_a_definition_only_four_letters_and_exact_initials_link_in_a_document():
    mentions = doc(("Europäische Union", "ORG"), ("EU", "ORG", "die EU beschloss"),
                   ("Organisation des Vertrags über kollektive Sicherheit", "ORG"), ("OVKS", "ORG"), ("OVKAS", "ORG"))
    assert link_acronyms(mentions) == {3: (2, 95.0), 4: (2, 85.0)}  # OVKAS slips to OVKS, defined


@pytest.mark.parametrize(
    "mentions",
    [
        # two long forms with the initials: the document does not say which
        [("Organisation des Vertrags über kollektive Sicherheit", "ORG"),
         ("Ostdeutscher Verband kommunaler Sparkassen", "ORG"), ("OVKS", "ORG")],
        # a legal form is no acronym of the company it follows
        [("Apogenix GmbH", "ORG"), ("AG", "ORG", "Apogenix GmbH (AG)")],
        # persons never
        [("Hans Peter", "PER"), ("HP", "PER", "Hans Peter (HP)")],
    ],
)
def test_no_acronym_link_without_a_single_definition(mentions):
    assert link_acronyms(doc(*mentions)) == {}


def test_initials_alone_never_link_an_acronym_across_documents():
    # a 4-letter acronym takes the one long form of its document with those initials, but that is
    # no definition the corpus learns: elsewhere OVKS stays itself (a bracket definition would carry)
    mentions = [Mention("Organisation des Vertrags über kollektive Sicherheit", "ORG", doc="a"),
                Mention("OVKS", "ORG", doc="a", context="die OVKS tagte"), Mention("OVKS", "ORG", doc="b")]
    results = Resolver().resolve_mentions(mentions)
    assert results[1].entity_id == results[0].entity_id == "new:org:organisation-des-vertrags-ueber-kollektive-sicherheit"
    assert results[2].entity_id == "new:org:ovks"


def test_once_defined_an_acronym_means_its_long_form_in_the_whole_document():
    mentions = doc(("AIG", "ORG", "die AIG meldete"), ("American International Group", "ORG"),
                   ("AIG", "ORG", "American International Group (AIG) hat"), ("AIG", "ORG", "die AIG zahlt"))
    assert link_acronyms(mentions) == {0: (1, 90.0), 2: (1, 90.0), 3: (1, 90.0)}


def test_a_bracket_may_go_on_after_the_acronym_it_defines():
    context = "Der Internationale Währungsfonds (IWF; englisch: International Monetary Fund, IMF) ist eine Sonderorganisation"
    mentions = doc(("Internationale Währungsfonds", "ORG", context), ("IWF", "ORG", context))
    assert link_acronyms(mentions) == {1: (0, 90.0)}


@pytest.mark.parametrize(
    "long_form, acronym, context",
    [  # real sentences (variants-dev, GermEval)
        ("Pridnestrowische Moldauische Republik", "PMR",
         "Der vollständige offizielle Name der Region lautet Pridnestrowische Moldauische Republik, kurz PMR (russisch …)"),
        ("Organisation des Vertrags über kollektive Sicherheit", "OVKS",
         "die Organisation des Vertrags über kollektive Sicherheit (kurz: OVKS) tagt"),
        ("Deutsche Gesellschaft für Krisenmanagement", "DGfKM", "der Deutsche Gesellschaft für Krisenmanagement, abgekürzt DGfKM"),
    ],
)
def test_kurz_defines_an_acronym_as_a_bracket_does(long_form, acronym, context):
    mentions = doc((long_form, "ORG", context), (acronym, "ORG", context))
    assert link_acronyms(mentions) == {1: (0, 90.0)}


def test_a_bracketed_acronym_of_the_name_in_another_language_links_lower():
    fortschritt = "seit 2012 als Präsident der Serbischen Fortschrittspartei (SNS) fungiert."
    srs = "1993 trat er der Serbischen Radikalen Partei (SRS) bei"
    pis = 'gründen die Brüder Kaczynski die "Partei für Recht und Gerechtigkeit" (PiS).'
    mentions = doc(("Serbischen Fortschrittspartei", "ORG", fortschritt), ("SNS", "ORG", fortschritt),
                   ("Serbischen Radikalen Partei", "ORG", srs), ("SRS", "ORG", srs),
                   ("Partei für Recht und Gerechtigkeit", "ORG", pis), ("PiS", "ORG", pis))
    assert link_acronyms(mentions) == {1: (0, 80.0), 3: (2, 80.0), 5: (4, 80.0)}


@pytest.mark.parametrize(
    "mentions",
    [
        # a dateline: the agency in brackets is no acronym of the place
        [("Minsk", "LOC", "MINSK (AFP) – Belarus hat"), ("AFP", "ORG", "Minsk (AFP) – Belarus hat")],
        # a place's country in brackets (GermEval) is no acronym of the place
        [("New Mexico", "LOC", "Holloman Air Force Base in New Mexico (USA) durch die Bundesluftwaffe"),
         ("USA", "LOC", "Holloman Air Force Base in New Mexico (USA) durch die Bundesluftwaffe")],
        # two bracketed names, neither spelt: which?
        [("Fortschrittspartei", "ORG", "Fortschrittspartei (SNS) und Radikale Partei (SNS)"),
         ("Radikale Partei", "ORG", "Fortschrittspartei (SNS) und Radikale Partei (SNS)"),
         ("SNS", "ORG", "Fortschrittspartei (SNS) und Radikale Partei (SNS)")],
        # not bracketed, nor given with kurz: nothing said
        [("Serbische Fortschrittspartei", "ORG", "die Serbische Fortschrittspartei und die SNS"),
         ("SNS", "ORG", "die Serbische Fortschrittspartei und die SNS")],
    ],
)
def test_an_unspelt_acronym_links_only_to_the_one_bracketed_name_of_its_label(mentions):
    assert link_acronyms(doc(*mentions)) == {}


@pytest.mark.parametrize(
    "long_form, short, context",
    [  # real sentences from German web pages (variants-dev)
        ("Pridnestrowische Moldawische Republik", "Pridnestrowien",
         "amtlich Transnistrische Moldauische Republik bzw. oder selten Pridnestrowische Moldawische Republik, kurz Pridnestrowien"),
        ("Cisnistrische Moldauische Republik", "Cisnistrien",
         "aus Eigensicht als Cisnistrische Moldauische Republik bezeichnet, kurz Cisnistrien"),
        ("Stroy Gaz Montazh", "SGM Group",
         "die Unternehmensgruppe „Stroy Gaz Montazh“ (Bau, Gas, Montage), kurz „SGM Group“."),
    ],
)
def test_kurz_gives_a_short_name_of_the_name_before_it(long_form, short, context):
    mentions = doc((long_form, "LOC", context), (short, "LOC", context))
    assert link_alternate_names(mentions) == {1: (0, 90.0)}


@pytest.mark.parametrize(
    "context",
    [
        "Er war in Minsk und kurz in Moskau",  # kurz as an adverb
        "Sie besuchte Minsk und kurz Moskau",  # an adverb right before a name: no comma, no bracket
        "Minsk. Kurz Moskau",  # a sentence ended
    ],
)
def test_kurz_as_an_adverb_links_nothing(context):
    mentions = doc(("Minsk", "LOC", context), ("Moskau", "LOC", context))
    assert link_alternate_names(mentions) == {}


def test_auf_jiddisch_names_like_jiddisch():
    context = "Auf Polnisch heißt sie Wilno, auf Weißrussisch Вільня/Wilnja, auf Jiddisch Wilne, auf Russisch schließlich"
    mentions = doc(("Вільня/Wilnja", "LOC", context), ("Wilne", "LOC", context))
    assert link_alternate_names(mentions) == {1: (0, 90.0)}


@pytest.mark.parametrize(
    "text, context, full_name",
    [  # real sentences (variants-dev, GermEval 2014)
        ("Arkadi", "Die Brüder Arkadi und Boris Rotenberg, geboren 1951 und 1957", "Arkadi Rotenberg"),
        ("Michael", "die Brüder Michael und Wolfgang Herz sowie", "Michael Herz"),
        ("Roland", "als er die Eheleute Roland und Monika Linhart vorstellte", "Roland Linhart"),
        ("Merz", "Merz und Markus Söder einigten sich", None),  # no siblings: two persons
        ("Johann", "die Brüder Johann, Ernst und Hubert", None),  # a list: no surname at all
        ("Lucia", "Sofonisbas Schwestern Lucia, Europa und Anna Maria wurden Malerinnen", None),
        ("Lucia", "die Schwestern Lucia und Anna Maria Anguissola", None),  # Maria or Anguissola?
    ],
)
def test_a_given_name_before_a_siblings_full_name_shares_the_surname(text, context, full_name):
    found = sibling_names([Mention(text, "PER", doc="d", context=context)])
    assert found.get(0) == full_name


def test_the_sibling_is_the_person_of_that_full_name():
    mentions = [Mention("Arkadi", "PER", doc="a", context="Die Brüder Arkadi und Boris Rotenberg, geboren 1951"),
                Mention("Arkadi Rotenberg", "PER", doc="b", context="Der Oligarch Arkadi Rotenberg baut"),
                Mention("Arkadi", "PER", doc="c", context="Arkadi kam spät")]
    ids = [result.entity_id for result in Resolver().resolve_mentions(mentions)]
    assert ids[0] == ids[1] == "new:per:arkadi-rotenberg" != ids[2]


def test_a_surname_the_ner_tagged_loc_joins_the_one_person_of_its_document():
    mentions = [Mention("Swetlana Tichanowskaja", "PER", doc="a"), Mention("Tichanowskaja", "LOC", doc="a"),
                Mention("Denzel Washington", "PER", doc="a"), Mention("Washington", "LOC", doc="a"),
                Mention("Tichanowskaja", "LOC", doc="b"),
                Mention("Mark Töpfer", "PER", doc="c"), Mention("Töpfer", "ORG", doc="c", context="Die Firma Töpfer in Kulmbach")]
    results = Resolver().resolve_mentions(mentions)
    assert [(result.entity_id, result.label) for result in results] == [
        ("new:per:swetlana-tichanowskaja", "PER"), ("new:per:swetlana-tichanowskaja", "PER"),
        ("new:per:denzel-washington", "PER"),
        ("new:loc:washington", "LOC"),  # a known place: perhaps the city
        ("new:loc:tichanowskaja", "LOC"),  # another document: nothing says who
        ("new:per:mark-toepfer", "PER"),
        ("new:org:toepfer", "ORG"),  # a firm bears its founders' name
    ]


def test_an_organisation_shortened_by_its_adjectives_links_to_the_one_name_of_its_document():
    mentions = [
        Mention("Estnische Reformpartei", "ORG", doc="a"), Mention("Reformpartei", "ORG", doc="a"),
        Mention("Estnischen Reformpartei", "ORG", doc="a"),  # another case of one name
        Mention("Europäische Zentralbank", "ORG", doc="a"), Mention("Zentralbank", "ORG", doc="a"),  # a common word
        Mention("Reformpartei", "ORG", doc="b"),  # another document: no antecedent
        Mention("Deutsche Zentrumspartei", "ORG", doc="c"), Mention("Estnische Zentrumspartei", "ORG", doc="c"),
        Mention("Zentrumspartei", "ORG", doc="c"),  # two parties end in it: which?
        Mention("Konzern Severstal", "ORG", doc="d"), Mention("Severstal", "ORG", doc="d"),  # a noun, no adjective
    ]
    results = Resolver.from_aliases((), default_aliases=False).resolve_mentions(mentions)
    ids = [result.entity_id for result in results]
    assert ids[1] == ids[0] == ids[2] == "new:org:estnische-reformpartei"
    assert (results[1].method, results[1].score, results[1].matched) == ("coref", 90.0, "Estnische Reformpartei")
    assert ids[4] != ids[3] and results[4].method != "coref"  # says too little to name one bank
    assert ids[5] != ids[0] and results[5].method != "coref"
    assert ids[8] not in {ids[6], ids[7]} and results[8].method != "coref"
    assert link_short_forms(mentions[9:]) == {}


def test_a_name_the_text_gives_in_another_language_or_script_joins_the_name_before_it():
    tallinn = "Tallinn (deutsch auch Reval, russisch Tallin, vor 1918 russisch Rewel) ist die Hauptstadt von Estland."
    transnistrien = "Transnistrien (russisch Приднестровье, ukrainisch Придністров'я, rumänisch Transnistria) liegt am Dnister."
    machatschkala = "Der Ort wurde 1844 als Fort mit dem Namen Petrowskoje (ПетровÑкое) gegründet."
    mentions = [
        Mention("Tallinn", "LOC", doc="a", context=tallinn), Mention("Reval", "LOC", doc="a", context=tallinn),
        Mention("Tallin", "LOC", doc="a", context=tallinn), Mention("Rewel", "LOC", doc="a", context=tallinn),
        Mention("Rewel", "LOC", doc="a", context="Rewel hatte einen Hafen."),  # the document said what it is
        Mention("Rewel", "LOC", doc="b", context="Rewel hatte einen Hafen."),  # another document: nothing said
        Mention("Transnistrien", "LOC", doc="c", context=transnistrien),
        Mention("Приднестровье", "LOC", doc="c", context=transnistrien),
        Mention("Придністров'я", "LOC", doc="c", context=transnistrien),
        Mention("Transnistria", "LOC", doc="c", context=transnistrien),
        Mention("Petrowskoje", "LOC", doc="d", context=machatschkala),
        Mention("ПетровÑкое", "LOC", doc="d", context=machatschkala),  # the same name in Cyrillic (broken)
    ]
    results = Resolver.from_aliases((), default_aliases=False).resolve_mentions(mentions)
    ids = [result.entity_id for result in results]
    assert ids[:5] == ["new:loc:tallinn"] * 5
    assert (results[3].method, results[3].score, results[3].matched) == ("coref", 90.0, "Tallinn")
    assert ids[5] == "new:loc:rewel"
    assert ids[6:10] == ["new:loc:transnistrien"] * 4
    assert ids[10] == ids[11] == "new:loc:petrowskoje"


def test_alternate_names_need_the_cue_right_after_the_name_they_follow():
    mentions = [
        # a bracket closed before the cue: Minsk's bracket says nothing about Warschau
        Mention("Minsk", "LOC", doc="a", context="Minsk (Belarus) und polnisch Warszawa"),
        Mention("Warszawa", "LOC", doc="a", context="Minsk (Belarus) und polnisch Warszawa"),
        # no bracket or comma opened right after the name: Szprewa is the river's name, not Berlin's
        Mention("Berlin", "LOC", doc="b", context="Berlin liegt an der Spree, polnisch Szprewa"),
        Mention("Szprewa", "LOC", doc="b", context="Berlin liegt an der Spree, polnisch Szprewa"),
        # a bracket in the same script is no spelling of the name before it
        Mention("Lwiw", "LOC", doc="c", context="das Gebiet Lwiw (Galizien) im Westen"),
        Mention("Galizien", "LOC", doc="c", context="das Gebiet Lwiw (Galizien) im Westen"),
        # another label
        Mention("Lukaschenko", "PER", doc="d", context="Minsk (russisch Lukaschenko)"),
        Mention("Minsk", "LOC", doc="d", context="Minsk (russisch Lukaschenko)"),
    ]
    assert link_alternate_names(mentions) == {}
    mentions[4] = Mention("Львів", "LOC", doc="c", context="das Gebiet Lwiw (Львів) im Westen")
    mentions[5] = Mention("Lwiw", "LOC", doc="c", context="das Gebiet Lwiw (Львів) im Westen")
    assert link_alternate_names(mentions) == {4: (5, 90.0)}


# --- rivers: a place the text names as a river ------------------------------------------------

from entitykit.coref import river_mentions  # noqa: E402


@pytest.mark.parametrize(
    ("text", "context", "is_river"),
    [  # real sentences from German web pages (variants-dev)
        ("Wjatka", "Das Hotel liegt am Fluss Wjatka, 896 km von Moskau entfernt.", True),
        ("Iset", "Yekaterinburg Jekaterinburg Die Stadt am Fluss Iset", True),
        ("Bug", "Chernytskyi führt zum Fluss, dem Bug, der nur ein paar Kilometer weiter", True),
        ("Danė", "Im Stadtgebiet von Klaipėda mündet das Flüsschen Danė ins Haff", True),
        ("Vilnia", "Sie liegt an der Mündung der Vilnia in die Neris", True),
        ("Vilnia", "dieser Ort am Zusammenfluß von Vilnia und Neris besiedelt.", True),
        ("Neris", "dieser Ort am Zusammenfluß von Vilnia und Neris besiedelt.", True),  # the second river
        ("Neris", "Die Stadt liegt am Zusammenfluss von Memel (litauisch: Nemunas) und Neris.", True),
        # the town on the river, the river's name far from the cue, no cue at all
        ("Lwiw", "Lwiw liegt am Fluss Poltwa (Полтва), etwa 80 km östlich", False),
        ("Kauen", "deutsch Kauen, Stadt in Litauen, an der Mündung der Neris", False),
        ("Bug", "Poltwa fließt dem Bug und damit über die Weichsel der Ostsee zu", False),
        ("Berlin", "der Einfluss von Berlin auf die Region", False),
        ("Kiew", "am Ufer von Kiew", False),
        ("Moskau", "Die Flussschifffahrt in Moskau", False),
        # what a river flows into, a bank: maybe a sea or a lake, no river
        ("Neris", "Sie liegt an der Mündung der Vilnia in die Neris", False),
        ("Kurische Haff", "liegt an der Mündung der Dange in das Kurische Haff gegenüber", False),
        ("Ostsee", "am Ufer der Ostsee", False),
    ],
)
def test_a_place_the_text_names_as_a_river_is_a_river(text, context, is_river):
    assert river_mentions([Mention(text, "LOC", doc="a", context=context)]) == ({0} if is_river else set())


def test_only_places_are_rivers():
    assert river_mentions([Mention("Wjatka", "ORG", doc="a", context="am Fluss Wjatka")]) == set()
