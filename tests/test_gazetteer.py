"""The gazetteer: names that name one place alone, its noise rules, and what the resolver and the
clustering do with it (the bundled knowledge is on with the default registry, off without)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from entitykit.clustering import FormClusterer, form_place
from entitykit.knowledge import gazetteer_place, iso_code_number, main_place, place_reference
from entitykit.resolver import Resolver

ROOT = Path(__file__).resolve().parents[1]

LVIV, YEKATERINBURG, VOLGOGRAD, KALININGRAD, ODESA, MOSCOW, UKRAINE, CLEVELAND = (
    702550, 1486209, 472757, 554234, 698740, 524901, 690791, 5150529,
)
TBILISI, YEREVAN, ATHENS, JERUSALEM = 611717, 616052, 264371, 281184


@pytest.mark.parametrize(
    "names, place",
    [
        (("Lemberg", "Lwiw", "Lviv", "Lwów", "Львів", "Львов"), LVIV),  # German exonym, romanisations, scripts
        (("Swerdlowsk", "Jekaterinburg", "Yekaterinburg", "Екатеринбург"), YEKATERINBURG),  # renamed
        (("Zarizyn", "Stalingrad", "Wolgograd", "Волгоград", "Волгогра́д"), VOLGOGRAD),  # two old names, a stress mark
        (("Königsberg", "Koenigsberg"), KALININGRAD),
        (("Odessa", "Odesa"), ODESA),  # Odessa, Texas, is less than a fifth of its size
        (("Moskau", "Moscow", "Москва"), MOSCOW),  # the city over the federal subject of its name
        (("Ukraine", "Україна"), UKRAINE),  # the country over villages of its name
        # the region's other scripts: Georgian, Armenian, Greek, Hebrew (variants-dev: Tiflis / თბილისი)
        (("Tiflis", "Tbilissi", "თბილისი"), TBILISI),
        (("Eriwan", "Երևան"), YEREVAN),
        (("Athen", "Αθήνα"), ATHENS),
        (("Jerusalem", "ירושלים"), JERUSALEM),
        # a city's own name is never a country's weak one: rigour lists the old county Cleveland
        # among the UK's names, which made President Cleveland the United Kingdom (merge audit)
        (("Cleveland",), CLEVELAND),
    ],
)
def test_the_names_of_one_place_name_it_alone(names, place):
    assert {name: gazetteer_place(name) for name in names} == {name: place for name in names}


@pytest.mark.parametrize(
    "name, why",
    [
        ("UB", "two letters: a code or an abbreviation (Ulaanbaatar)"),
        ("MSQ", "an airport code (Minsk) is no name at all"),
        ("Hof", "a common German word naming a town under 100,000"),
        ("Kamenka", "dozens of villages of about one size"),
        ("Kaliningrad", "Kaliningrad and the old name of Korolyov, less than five times its size"),
        ("Freiburg", "Freiburg im Breisgau and Fribourg, Freiberg and others"),
        ("Rahmen", "no place"),
    ],
)
def test_noisy_names_name_no_place_alone(name, why):
    assert gazetteer_place(name) is None, why


def test_a_name_the_gazetteer_drops_still_tells_places_apart():
    assert gazetteer_place("Freiburg") is None and main_place("Freiburg") != main_place("Freiberg")


def test_place_references_say_where_to_look_a_place_up():
    assert place_reference(LVIV) == "geonames:702550"
    assert place_reference(gazetteer_place("Bayern")) == "iso:DE-BY"
    assert place_reference(-(10**12 + iso_code_number("RU-VGG"))) == "iso:RU-VGG"
    assert place_reference(-5118) == "wikidata:Q5118"


# --- the rules of tools/build_knowledge.py, on made-up places -------------------------------


def _build_tool():
    spec = importlib.util.spec_from_file_location("build_knowledge", ROOT / "tools" / "build_knowledge.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "key, ids, population, kept",
    [
        ("odessa", [1, 2], {1: 1_010_537, 2: 114_428}, 1),  # 8.8 times the size: the big one
        ("cambridge", [1, 2], {1: 128_000, 2: 118_000}, None),  # about one size: neither
        ("halle", [1, 2], {1: 237_865, 2: 40_000}, 1),  # a common word, but a city of 100,000+
        ("hof", [1], {1: 45_000}, None),  # a common word naming a town
        ("ukraine", [1, 2], {1: 3_000}, 2),  # a country over a village of its name
        ("luzern", [1, 2], {1: 82_000}, None),  # a canton and its town: neither
        ("moskau", [1, 2], {1: 10_381_222}, 1),  # a big city over the region of its name
        ("georgia", [2, 3], {}, None),  # two regions (the country, the US state)
        ("ub", [1], {1: 1_000_000}, None),  # two letters
    ],
)
def test_the_build_keeps_a_name_for_one_place_only_by_its_rules(key, ids, population, kept):
    _check_mark(key, ids, population, kept)


def _check_mark(key, ids, population, kept, **facts):
    marked = _build_tool()._gazetteer_mark(key, ids, population, **facts)
    assert (int(marked[0][1:]) if str(marked[0]).startswith("=") else None) == kept
    assert sorted(int(str(place).lstrip("=")) for place in marked) == sorted(ids)  # every id stays known


@pytest.mark.parametrize(
    "key, ids, population, facts, kept",
    [
        ("amerika", [1, 2], {}, {"world_region": True}, None),  # a continent, not the United States
        ("germania", [1], {}, {"weak": True}, None),  # Italian for Germany: a club, a ship in German text
        ("olbia", [1, 2], {1: 1_300_000, 2: 60_000}, {"main": frozenset({2})}, None),  # Sardinia's, not Antalya's old name
        ("lemberg", [1, 2], {1: 717_273, 2: 4_000}, {"main": frozenset({2})}, 1),  # a village's name: Lviv's
        ("odessa", [1, 2], {1: 1_010_537, 2: 114_428}, {"main": frozenset({2}), "europe": frozenset({1})}, 1),
        ("halle", [1, 2], {1: 237_865, 2: 40_000}, {"main": frozenset({2}), "europe": frozenset({1})}, 1),
        ("manhattan", [1, 2], {1: 8_804_190, 2: 54_100}, {"main": frozenset({2})}, None),  # a borough of New York
        ("paraguay", [1, 2], {1: 1_482_200}, {"countries": frozenset({2})}, 2),  # the country, not Asunción
        ("luxemburg", [1, 2], {1: 76_684}, {"countries": frozenset({2})}, 2),
    ],
)
def test_the_build_drops_continents_foreign_country_names_and_towns_own_names(key, ids, population, facts, kept):
    _check_mark(key, ids, population, kept, **facts)


@pytest.mark.parametrize(
    "names, reference",
    [
        # ISO 3166-2 MD-SN (pycountry's names) is rigour's md-pmr: one id, not two
        (("Transnistria", "Autonome territoriale Einheit Transnistrien", "Придністров’я", "Naddniestrze",
          # rigour's weak names of three words and more: the territory's official names
          "Republica Moldovenească Nistreană", "Приднестровская Молдавская Республика"), "wikidata:Q907112"),
        (("Krim", "Автономная Республика Крым", "Avtonomna Respublika Krym"), "wikidata:Q15925436"),  # UA-43
        (("Brčko-Distrikt", "Округ Брчко"), "wikidata:Q194483"),  # BA-BRC
    ],
)
def test_a_region_two_lists_know_under_two_codes_has_one_id(names, reference):
    assert {name: place_reference(gazetteer_place(name)) for name in names} == dict.fromkeys(names, reference)


def test_the_build_joins_a_subdivision_to_the_one_territory_that_shares_a_name():
    records = [
        {"code": "md-pmr", "name": "Transnistria", "full_name": "Pridnestrovian Moldavian Republic",
         "names_strong": ["Pridnestrovie"], "names_weak": ["Stînga Nistrului"]},
        {"code": "pk-km", "name": "Kashmir", "names_weak": ["Gilgit-Baltistan", "Azad Jammu and Kashmir"]},
        {"code": "ua-dpr", "name": "Donetsk (Occupied Ukraine)", "names_weak": ["DPR"]},
        {"code": "ru-da", "name": "Dagestan"},
    ]
    subdivisions = {"MD-SN": ["Stînga Nistrului"], "PK-GB": ["Gilgit-Baltistan"], "PK-JK": ["Azad Jammu and Kashmir"],
                    "UA-14": ["Donetska oblast"], "RU-DA": ["Dagestan"], "MD-CU": ["Chişinău"]}
    # Kashmir shares names with two subdivisions: neither is it; Donetsk oblast is not the DPR;
    # Dagestan is rigour's under its own ISO code already
    assert _build_tool().joined_subdivisions(records, subdivisions) == {"md-sn": "md-pmr"}


@pytest.mark.parametrize(
    "territory, place_id, names",
    [
        ({"is_country": False}, -907112, {"republica moldoveneasca nistreana"}),  # a territory's official name
        ({"is_country": True}, -907112, set()),  # a country's weak names are other languages' (Germania)
        ({"is_country": False}, 2635167, set()),  # GeoNames' United Kingdom: rigour names it by its counties
    ],
)
def test_only_long_weak_names_of_a_territory_that_is_no_country_name_it_alone(territory, place_id, names):
    weak = ["Republica Moldovenească Nistreană", "Шериф", "Stînga Nistrului"]
    assert _build_tool().official_names(territory, place_id, weak) == names


# --- resolving and clustering -----------------------------------------------------------------


def test_a_place_name_the_registry_lacks_finds_the_registry_entity_of_its_place():
    resolver = Resolver.from_aliases()
    found = {name: resolver.resolve(name, "LOC")[::4] for name in ("Leopolis", "Königsberg")}
    assert found == {"Leopolis": ("loc:lwiw", "gazetteer"), "Königsberg": ("loc:kaliningrad", "gazetteer")}
    assert resolver.resolve("Pinsk", "LOC").entity_id == "loc:pinsk"  # a known place is not a typo of Minsk


def test_without_the_bundled_knowledge_there_is_no_gazetteer():
    resolver = Resolver.from_aliases(default_aliases=False)
    assert resolver.resolve("Leopolis", "LOC").entity_id == "new:loc:leopolis"
    ids = {text: result.entity_id for (text, _), result in resolver.cluster_forms(
        [("Swerdlowsk", "LOC", 1), ("Jekaterinburg", "LOC", 3)]).items()}
    assert ids == {"Swerdlowsk": "new:loc:swerdlowsk", "Jekaterinburg": "new:loc:jekaterinburg"}


def test_the_names_of_one_place_cluster_under_its_id():
    clusters = FormClusterer(gazetteer=True).cluster(
        [("Jekaterinburg", "LOC", 3), ("Swerdlowsk", "LOC", 1), ("Swerdlowsks", "LOC", 1), ("Екатеринбург", "LOC", 1),
         ("Wolgograd", "LOC", 4), ("Stalingrad", "LOC", 2), ("Сталингра́д", "LOC", 1)]
    )
    ids = {text: (result.entity_id, result.canonical) for (text, _), result in clusters.items()}
    assert ids == {
        "Jekaterinburg": ("geonames:1486209", "Jekaterinburg"),
        "Swerdlowsk": ("geonames:1486209", "Jekaterinburg"),
        "Swerdlowsks": ("geonames:1486209", "Jekaterinburg"),
        "Екатеринбург": ("geonames:1486209", "Jekaterinburg"),
        "Wolgograd": ("geonames:472757", "Wolgograd"),
        "Stalingrad": ("geonames:472757", "Wolgograd"),
        "Сталингра́д": ("geonames:472757", "Wolgograd"),
    }


def test_a_transliteration_twin_of_a_place_name_joins_that_place_and_one_of_two_places_joins_neither():
    # Khlynov is GeoNames' old name of Kirow; Chlynow and Хлынов are its German and Russian
    # spellings, which the gazetteer lacks: they share its skeleton, in whatever order they come
    forms = [("Kirow", "LOC", 3), ("Khlynov", "LOC", 1), ("Chlynow", "LOC", 1), ("Хлынов", "LOC", 1)]
    for order in (forms, forms[::-1]):
        ids = {text: result.entity_id for (text, _), result in FormClusterer(gazetteer=True).cluster(order).items()}
        assert ids == dict.fromkeys(["Kirow", "Khlynov", "Chlynow", "Хлынов"], "geonames:548408")
    # Alston (England) and Allston (Massachusetts) share a skeleton: a third spelling could be either
    for gazetteer in (True, False):
        ids = {text: result.entity_id for (text, _), result in FormClusterer(gazetteer=gazetteer).cluster(
            [("Alston", "LOC", 3), ("Allston", "LOC", 2), ("Alstonn", "LOC", 1)]).items()}
        assert ids["Alstonn"] == "new:loc:alstonn" and ids["Alston"] != ids["Allston"]


def test_a_spelling_the_gazetteer_lacks_finds_its_place_by_the_transliteration_skeleton():
    # Petrovsk-Port (Machatschkala) and Vilnia (Vilnius) are GeoNames' names, Petrowsk-Port and
    # Vilnja their German and Belarusian spellings; GROSSEN-BUSECK is Großen-Buseck with a
    # hyphen; Rotenbach is a village GeoNames lacks, not Röthenbach; Odes is too short to tell
    forms = [("Petrowsk-Port", "LOC", 1), ("Vilnja", "LOC", 1), ("GROSSEN-BUSECK", "LOC", 1),
             ("Rotenbach", "LOC", 1), ("Odes", "LOC", 1), ("Germania", "LOC", 1), ("Niaaraja", "LOC", 1)]
    ids = {text: result.entity_id for (text, _), result in FormClusterer(gazetteer=True).cluster(forms).items()}
    # Germania is in the place file, a weak name of Germany (clubs, companies): no twin either
    assert ids == {"Petrowsk-Port": "geonames:532096", "Vilnja": "geonames:593116", "Germania": "new:loc:germania",
                   "GROSSEN-BUSECK": "geonames:2916650", "Rotenbach": "new:loc:rotenbach", "Odes": "new:loc:odes",
                   "Niaaraja": "new:loc:niaaraja"}  # eight letters, but its skeleton niara is GeoNames' Nyara (Nyala)
    ids = {text: result.entity_id for (text, _), result in FormClusterer().cluster(forms).items()}
    assert all(entity.startswith("new:") for entity in ids.values())


@pytest.mark.parametrize(("text", "place"), [
    ("Transnistrien", "wikidata:Q907112"), ("Transnistriens", "wikidata:Q907112"),  # and its genitive
    ("Katalonien", "iso:ES-CT"), ("Karelien", "wikidata:Q1914"), ("Thessalien", "iso:GR-E"),
    # -ia names a town, not a region: Linia, Istria and Germania are towns, not these
    ("Linien", None), ("Istrien", None), ("Germanien", None),
])
def test_a_german_region_name_in_ien_finds_the_region_its_ia_form_names_never_a_town(text, place):
    found = form_place(text)
    assert (None if found is None else place_reference(found)) == place


def test_a_slash_form_names_the_one_place_its_parts_name_when_the_others_are_its_alternates():
    # neither part is a form of the input: Вільня/Vilnja is Vilnius (Vilnja by its skeleton,
    # Вільня its Belarusian spelling); Berlin/Brandenburg names two places, Frankfurt/Main a
    # city and a river that is no name of it
    forms = [("Вільня/Vilnja", "LOC", 1), ("Berlin/Brandenburg", "LOC", 1), ("Frankfurt/Main", "LOC", 1)]
    ids = {text: result.entity_id for (text, _), result in FormClusterer(gazetteer=True).cluster(forms).items()}
    assert ids == {"Вільня/Vilnja": "geonames:593116", "Berlin/Brandenburg": "new:loc:berlin-brandenburg",
                   "Frankfurt/Main": "new:loc:frankfurt-main"}


def test_a_transliteration_of_a_place_s_name_finds_the_registry_entity_of_that_place():
    resolver = Resolver.from_aliases()
    for text in ("Vilnja", "Вільня/Vilnja"):
        assert resolver.resolve(text, "LOC").entity_id == "loc:vilnius"
    assert Resolver.from_aliases(gazetteer=False).resolve("Vilnja", "LOC").method == "new"


def test_the_build_gives_a_skeleton_a_place_only_when_every_name_of_it_names_that_place_alone():
    index = {"petrovsk-port": ["=532096"], "petrowsk-port": ["=532096"],  # one place: kept
             "alston": ["=5"], "allston": ["=6"],  # two places of one skeleton: neither
             "kamenka": [7, 8],  # a name that names no place alone
             "roethenbach": ["=9"],  # an umlaut: German names are not transliterated
             "tuttlingen": ["=10"],  # a German town
             "pridnestrovie": ["=-907112"], "pridnestrowje": [-907112],  # a weak name of the same place: kept
             "odessa": ["=11"], "odesa": [11, 12]}  # a name of two places shares the skeleton: neither
    twins = _build_tool().place_twins(index, german={10})
    assert twins == {"petrovsk port": [532096], "pridnestrove": [-907112]}


def test_only_places_meet_through_the_gazetteer_and_known_places_stay_apart():
    clusters = FormClusterer(gazetteer=True).cluster(
        [("Swerdlowsk", "ORG", 1), ("Jekaterinburg", "ORG", 1), ("Minsk", "LOC", 5), ("Pinsk", "LOC", 1)]
    )
    ids = {form: result.entity_id for form, result in clusters.items()}
    assert ids[("Swerdlowsk", "ORG")] != ids[("Jekaterinburg", "ORG")]  # a club, a company: not the city
    assert (ids[("Minsk", "LOC")], ids[("Pinsk", "LOC")]) == ("geonames:625144", "geonames:623549")


def test_two_registry_entities_of_one_place_are_reported_and_the_gazetteer_gives_it_to_neither(caplog):
    from entitykit.aliases import AliasRegistry

    registry = AliasRegistry.from_sources([
        {"id": "loc:lwiw", "label": "LOC", "name": "Lwiw", "aliases": []},
        {"id": "loc:lemberg", "label": "LOC", "name": "Lemberg", "aliases": []},  # a user's second entity
    ])
    resolver = Resolver(registry, gazetteer=True)
    with caplog.at_level("WARNING", logger="entitykit"):
        assert resolver.resolve("Leopolis", "LOC").entity_id == "new:loc:leopolis"
    assert "loc:lemberg, loc:lwiw all name the place geonames:702550" in caplog.text


def test_a_knowledge_build_over_a_missing_or_changed_package_stops_with_a_message_naming_it():
    tool = _build_tool()
    with pytest.raises(SystemExit, match=r"^rapidfuzz \S+ is installed, the shipped files come from 0\.1: pip install rapidfuzz==0\.1"):
        tool.check_packages({"rapidfuzz": "0.1"})
    with pytest.raises(SystemExit, match=r"^no-such-package-xyz is not installed: pip install no-such-package-xyz==1"):
        tool.check_packages({"no-such-package-xyz": "1"})


def test_a_known_place_ending_in_s_is_no_genitive_of_another():
    clusters = FormClusterer().cluster([("Tartu", "LOC", 3), ("Tartus", "LOC", 1), ("Kiews", "LOC", 1), ("Kiew", "LOC", 2)])
    ids = {text: result.entity_id for (text, _), result in clusters.items()}
    assert ids["Tartus"] != ids["Tartu"]  # the Syrian port
    assert ids["Kiews"] == ids["Kiew"]
