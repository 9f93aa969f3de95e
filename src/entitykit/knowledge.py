"""What entitykit knows about real names: places, person names, frequent German words.

Known distinct names are never typos of each other. *Freiberg* and *Freiburg*, *Uelsen* and
*Uelzen*, *Steiner* and *Steinmeier* are one letter or two apart and all real: a clusterer
that merges unknown forms by edit distance asks :func:`distinct_known_names` before it does.

* places: GeoNames (countries, US states; cities of Germany, Austria, Switzerland and
  Liechtenstein with 500+ inhabitants, of Europe with 1,000+, of the world with 15,000+), under
  every Latin, Cyrillic, Georgian, Armenian, Greek or Hebrew name, and rigour's territory list
  (country names in German and other languages, Swiss cantons, Chinese provinces, Russian
  regions). Ids are GeoNames ids; a region known only to rigour has the negative of its Wikidata
  number. A name shared by several places means its most populous city first (*Freiburg* is
  Freiburg im Breisgau, though GeoNames calls Freiberg in Saxony Freiburg too).
* person names: rigour's list of given names and surnames from Wikidata, whose spellings in
  other scripts and transliterations share one Wikidata id (*Lukaschenko*, *Lukashenko* and
  *Łukaszenka* are one name; *Steiner* and *Steinmeier* are two). The list does not say which
  names are given names and which surnames.
* frequent words: wordfreq's German Zipf frequency (read from the installed package).

Every lookup normalises first (:func:`entitykit.normalize.normalize`: case, umlauts,
accents, punctuation), so *Mülheim*, *Muelheim* and *MÜLHEIM* are one key. The name lists
are compact files in ``entitykit/data/known/`` (built by ``tools/build_knowledge.py``), read
on first use, once per process; ``import entitykit`` reads nothing and wordfreq loads only
when a frequency is asked.

>>> distinct_known_names("Freiberg", "Freiburg", "LOC")
True
>>> distinct_known_names("Mülheim", "Muelheim", "LOC")
False
>>> distinct_known_names("Steiner", "Steinmeier", "PER"), distinct_known_names("Lukaschenko", "Lukashenko", "PER")
(True, False)
>>> is_common_word("Rahmen"), is_common_word("Lukaschenko")
(True, False)
"""

from __future__ import annotations

import gzip
from bisect import bisect_left
from functools import cache, lru_cache
from importlib import resources

from .aliases import LABELS
from .errors import EntitykitError, InputError
from .normalize import normalize

__all__ = [
    "COMMON_WORD_ZIPF",
    "legal_form_stem",
    "one_city",
    "known_places",
    "main_place",
    "gazetteer_place",
    "place_reference",
    "iso_code_number",
    "is_known_place",
    "known_person_names",
    "is_known_person_name",
    "zipf_de",
    "is_common_word",
    "is_english_word",
    "distinct_known_names",
    "name_words",
]

# A single word at least this frequent in German (Zipf scale: 3.0 = once per million words) is a
# real word or name, not a typo. Distinct real names sit above it (Rahmen 5.09, Graf 4.47,
# Busch 4.01, Steiner 3.85, Steinmeier 3.81, Schulte 3.58, Gebhardt 3.17); spelling variants
# of one name that news write sit below (Kirgistan 2.46, Janukowytsch 2.21, Lukaschenka 2.04),
# as do typos (Steinmaier 1.43, Steinmeir 0). Between 2.5 and 3.0 both kinds occur (Schwaiger
# 2.69, Völler 2.84 are names; Charkow 2.87 is Charkiw), so the line stays at 3.0; it is also
# where wordfreq's small German list begins, which loads in a twentieth of the time of the large one.
COMMON_WORD_ZIPF = 3.0
_SMALL_LIST_FLOOR = 3.0  # wordfreq's "small" lists hold the words of Zipf 3 and more

_PLACES = "places.tsv.gz"
_PLACE_TWINS = "place_twins.tsv.gz"
_PERSON_NAMES = "person_names.tsv.gz"
_LEGAL_FORMS = "legal_forms.tsv.gz"
_ORG_WORDS = "org_words.txt.gz"
_REGIONS = "regions.txt.gz"
_NOTHING: frozenset[int] = frozenset()


@cache
def _lines(filename: str) -> list[str]:
    """The sorted ``key<TAB>ids`` lines of one name file (read once per process)."""
    path = resources.files("entitykit").joinpath("data", "known", filename)
    try:
        data = gzip.decompress(path.read_bytes())
    except FileNotFoundError:
        raise EntitykitError(
            f"entitykit's name list {path} is missing: reinstall entitykit, or rebuild the list "
            "with tools/build_knowledge.py"
        ) from None
    # a sorted list searched by bisection loads in a fraction of the time of a dict and takes
    # half its memory; a lookup is a few microseconds
    lines = data.decode("utf-8").split("\n")
    lines.pop()  # the text ends with a newline
    return lines


@lru_cache(maxsize=1 << 16)
def _ids(filename: str, form: str) -> tuple[int, ...]:
    """The ids on the line of ``form``'s key, in the file's order (empty if none)."""
    value = _value(filename, normalize(form))
    return tuple(int(place.lstrip("=")) for place in value.split(",")) if value else ()


def _value(filename: str, key: str) -> str | None:
    """What follows the tab on the line of ``key`` in a name file, or None."""
    if not key:
        return None
    lines = _lines(filename)
    prefix = key + "\t"  # a tab sorts before every character of a key, so the line of `key` comes first
    index = bisect_left(lines, prefix)
    if index < len(lines) and lines[index].startswith(prefix):
        return lines[index][len(prefix) :]
    return None


_ISO_OFFSET = 10**12  # ids of ISO 3166-2 subdivisions: -(offset + iso_code_number(code))
_ISO_CHARS = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def iso_code_number(code: str) -> int:
    """An ISO 3166-2 code as a number (and back, in :func:`place_reference`).

    >>> iso_code_number("DE-BY") > 0, iso_code_number("DE-BY") != iso_code_number("DE-BE")
    (True, True)
    """
    number = 0
    for char in code.upper():
        number = number * (len(_ISO_CHARS) + 1) + _ISO_CHARS.index(char) + 1
    return number


def place_reference(place: int) -> str:
    """A place id as the reference a reader can look up: ``geonames:ID``, ``wikidata:QID`` or ``iso:CODE``.

    >>> place_reference(702550), place_reference(-5118), place_reference(-(10**12 + iso_code_number("DE-BY")))
    ('geonames:702550', 'wikidata:Q5118', 'iso:DE-BY')
    """
    if place > 0:
        return f"geonames:{place}"
    if -place < _ISO_OFFSET:
        return f"wikidata:Q{-place}"
    number, chars = -place - _ISO_OFFSET, []
    while number:
        number, digit = divmod(number, len(_ISO_CHARS) + 1)
        chars.append(_ISO_CHARS[digit - 1])
    return "iso:" + "".join(reversed(chars))


@lru_cache(maxsize=1 << 16)
def gazetteer_place(form: str) -> int | None:
    """The place ``form`` names on its own, or None: the gazetteer, GeoNames' and rigour's names
    with the noise taken out by ``tools/build_knowledge.py`` (its report, ``GAZETTEER.md`` next
    to the name files, counts what it dropped and why). A name shorter than three letters, one
    that places of similar size share (the most populous city wins only by a factor of ten),
    one a country or region shares with another place, and a common German word naming a town
    under 100,000 inhabitants name no place alone.

    >>> gazetteer_place("Lemberg") == gazetteer_place("Lwiw") == gazetteer_place("Львів")  # Lviv, over its namesakes
    True
    >>> gazetteer_place("Swerdlowsk") == gazetteer_place("Jekaterinburg"), gazetteer_place("Kamenka")  # many Kamenkas
    (True, None)
    >>> gazetteer_place("Essen") is not None, gazetteer_place("Hof"), gazetteer_place("UB")  # a city, a word, a code
    (True, None, None)
    """
    value = _value(_PLACES, normalize(form))
    return int(value[1:].split(",", 1)[0]) if value and value.startswith("=") else None


def legal_form_stem(text: str) -> str | None:
    """The name without the legal form that closes it, or ``None`` when there is none: *Volkswagen
    AG*, *SAP SE*, *Google Inc.*, *DFL Deutsche Fußball Liga GmbH & Co. KG* lose it. The forms are
    rigour's organisation types (ISO 20275 and more); a name that is only a legal form (*AG*) has
    no stem, and *Stiftung* or *Verein* are no legal forms here (the *Bertelsmann Stiftung* is
    not Bertelsmann).

    >>> legal_form_stem("Volkswagen AG"), legal_form_stem("DFL Deutsche Fußball Liga GmbH & Co. KG")
    ('Volkswagen', 'DFL Deutsche Fußball Liga')
    >>> legal_form_stem("Bertelsmann Stiftung") is None, legal_form_stem("AG") is None
    (True, True)
    """
    words = text.split()
    for size in range(min(4, len(words) - 1), 0, -1):
        if _ids(_LEGAL_FORMS, " ".join(words[-size:])):
            stem = " ".join(words[:-size]).rstrip(" ,&+-")
            return stem if normalize(stem) else None
    return None


@lru_cache(maxsize=1 << 16)
def known_places(form: str) -> frozenset[int]:
    """The ids of the places called ``form`` (GeoNames ids; empty if none is known).

    Any name of a place in the region's scripts counts (German, English, the local one, older
    ones; Cyrillic spelt the German way, Свердловск as *Swerdlowsk*), so a name shared by several
    places has several ids, and two names of one place share its id.
    Regions that GeoNames' city lists lack (Swiss cantons, Chinese provinces, Russian regions)
    have the negative of their Wikidata number.

    >>> 2867838 in known_places("Mülheim") and known_places("Mülheim") == known_places("MUELHEIM")
    True
    >>> known_places("Swerdlowsk") & known_places("Jekaterinburg")  # GeoNames: an older name
    frozenset({1486209})
    >>> known_places("Lukaschenko")
    frozenset()
    """
    return frozenset(_ids(_PLACES, form)) or _NOTHING


def main_place(form: str) -> int | None:
    """The place a German text most likely means by ``form``: its most populous city, else its country or region.

    >>> main_place("Freiburg"), main_place("Freiberg")  # Freiburg im Breisgau, Freiberg in Saxony
    (2925177, 2925192)
    >>> main_place("Luxemburg") == main_place("Luxembourg"), main_place("Rahmen")
    (True, None)
    """
    ids = _ids(_PLACES, form)
    return ids[0] if ids else None


@cache
def name_words() -> dict[str, frozenset[str]]:
    """The words of the known names by the part they play, as normalised keys: ``person`` (a
    word of a given name or surname), ``area`` and ``city`` (the first word of a country's or
    region's name, of another place's), ``place`` (a later word of a place name),
    ``place_alone`` (a one-word name that names one place alone, :func:`gazetteer_place`),
    ``legal`` (a word of a legal form) and ``org_word`` (a word typical of organisation names
    in many languages, rigour's: *bank*, *airlines*, *holding*). For the gazetteer features of
    the bundled NER pipeline.

    >>> words = name_words()
    >>> "lukaschenko" in words["person"], "minsk" in words["city"], "belarus" in words["area"]
    (True, True, True)
    >>> "gmbh" in words["legal"], "essen" in words["place_alone"], "hof" in words["place_alone"]
    (True, True, False)
    >>> "airlines" in words["org_word"], "holding" in words["org_word"], "minsk" in words["org_word"]
    (True, True, False)
    """
    parts: dict[str, set[str]] = {
        part: set() for part in ("person", "area", "city", "place", "place_alone", "legal", "org_word")
    }
    regions = _regions()
    for line in _lines(_PLACES):
        key, _, ids = line.partition("\t")
        first, *rest = key.split()
        places = [int(place.lstrip("=")) for place in ids.split(",")]
        parts["area" if any(place in regions for place in places) else "city"].add(first)
        parts["place"].update(rest)
        if not rest and ids.startswith("="):
            parts["place_alone"].add(first)
    for line in _lines(_PERSON_NAMES):
        parts["person"].update(line.partition("\t")[0].split())
    for line in _lines(_LEGAL_FORMS):
        parts["legal"].update(line.partition("\t")[0].split())
    parts["org_word"].update(_lines(_ORG_WORDS))
    return {part: frozenset(words) for part, words in parts.items()}


@cache
def _regions() -> frozenset[int]:
    return frozenset(map(int, _lines(_REGIONS)))


def is_region(place: int) -> bool:
    """Is ``place`` (a place id) a country or region rather than a city?

    >>> is_region(gazetteer_place("Katalonia")), is_region(gazetteer_place("Barcelona"))
    (True, False)
    """
    return place in _regions()


def one_city(form: str) -> int | None:
    """The city ``form`` names when it names one known place and that place is a city (not a
    country or region, whose looser names include their parts: *England*, *Mallorca*), else None.

    >>> one_city("Swerdlowsk") is None, one_city("Jekaterinburg") == one_city("Екатеринбург")
    (True, True)
    >>> one_city("Tiflis") == one_city("Tbilissi"), one_city("Mallorca"), one_city("Spanien")
    (True, None, None)
    """
    ids = known_places(form)
    if len(ids) != 1:
        return None
    (place,) = ids
    return None if place in _regions() else place


def is_known_place(form: str) -> bool:
    """Is ``form`` the name of a known place? (:func:`known_places` is not empty.)

    >>> is_known_place("Uelsen"), is_known_place("Pinsk"), is_known_place("Deutschland"), is_known_place("Rahmen")
    (True, True, True, False)
    """
    return bool(known_places(form))


@lru_cache(maxsize=1 << 16)
def known_person_names(form: str) -> frozenset[int]:
    """The Wikidata ids of the given names or surnames spelt ``form`` (empty if none is known).

    ``form`` is one name part (a surname, a given name), not a full name. Spellings of one
    name in other scripts and transliterations share its id; spellings that Wikidata keeps
    apart (*Meier* / *Meyer*, *Walter* / *Walther*) have different ids.

    >>> known_person_names("Lukaschenko") == known_person_names("Lukashenko") == known_person_names("Лукашенко")
    True
    >>> known_person_names("Steiner") & known_person_names("Steinmeier")
    frozenset()
    >>> known_person_names("Alexander Lukaschenko")  # a full name: ask for its parts
    frozenset()
    """
    return frozenset(_ids(_PERSON_NAMES, form)) or _NOTHING


def is_known_person_name(form: str) -> bool:
    """Is ``form`` a known given name or surname? (:func:`known_person_names` is not empty.)

    >>> is_known_person_name("Steinmeier"), is_known_person_name("Sergej"), is_known_person_name("Wolfowitsch")
    (True, True, False)
    """
    return bool(known_person_names(form))


@cache
def _wordfreq():
    try:
        import wordfreq
    except ImportError:  # a dependency of entitykit; missing only in a broken environment
        from .errors import MissingDependencyError

        raise MissingDependencyError("word frequencies need wordfreq: pip install 'wordfreq>=3'") from None
    return wordfreq


@lru_cache(maxsize=1 << 16)
def zipf_de(word: str) -> float:
    """How frequent ``word`` is in German, on wordfreq's Zipf scale (0 if unseen; 3 = once per million words).

    Case does not matter; umlauts do (*Müller* is the German spelling, *Mueller* a rarer one).
    The first call loads wordfreq's large German list (about a second).

    >>> zipf_de("Rahmen"), zipf_de("Steinmeier"), zipf_de("Lukaschenko"), zipf_de("Wolfowitsch")
    (5.09, 3.81, 2.41, 0.0)
    """
    return _wordfreq().zipf_frequency(word, "de", wordlist="large")


@lru_cache(maxsize=1 << 16)
def is_common_word(form: str, threshold: float = COMMON_WORD_ZIPF) -> bool:
    """Is ``form`` one word at least ``threshold`` frequent in German (Zipf scale, :data:`COMMON_WORD_ZIPF`)?

    Frequent words and names are real, not typos: a supposed misspelling that is itself common
    (*Busch* next to *Bush*, *Graf* next to *Graaff*) is another name. Forms of several words
    are never common words.

    >>> is_common_word("Rahmen"), is_common_word("Busch"), is_common_word("Graf"), is_common_word("Lukaschenko")
    (True, True, True, False)
    >>> is_common_word("Frank-Walter Steinmeier")
    False
    """
    word = form.strip()
    if not word or not word.isalpha():
        return False
    wordlist = "small" if threshold >= _SMALL_LIST_FLOOR else "large"
    wordfreq = _wordfreq()
    if threshold > 0 and word.isascii() and word.islower() and word not in wordfreq.get_frequency_dict("de", wordlist):
        return False  # wordfreq reads a plain word as itself: one its list lacks is unseen (Zipf 0)
    return wordfreq.zipf_frequency(word, "de", wordlist=wordlist) >= threshold


# A word at least this frequent in English is a function word or a common one (who 6.3, and 7.5);
# acronyms German news write in small letters stay below it (Nato 4.0, Uno 3.3, EU 4.6).
ENGLISH_WORD_ZIPF = 5.5


@lru_cache(maxsize=1 << 12)
def is_english_word(form: str) -> bool:
    """Is ``form`` one frequent English word (wordfreq, Zipf :data:`ENGLISH_WORD_ZIPF` or more)?

    >>> is_english_word("Who's"), is_english_word("Nato"), is_english_word("Uno")
    (True, False, False)
    """
    word = normalize(form)
    return " " not in word and word.isalpha() and _wordfreq().zipf_frequency(word, "en", wordlist="small") >= ENGLISH_WORD_ZIPF


def distinct_known_names(a: str, b: str, label: str) -> bool:
    """Are ``a`` and ``b`` two different known names, so that neither is a typo of the other?

    Places (``LOC``): both are known places and mean different places (:func:`main_place`:
    *Freiberg* / *Freiburg*; not *Mülheim* / *Muelheim*, nor *Swerdlowsk* / *Jekaterinburg*,
    two names of one city). Persons
    (``PER``): both are known name parts (pass the surnames, or the given names) of different
    names (*Steiner* / *Steinmeier*; not *Lukaschenko* / *Lukashenko*). ``ORG`` and ``MISC``:
    nothing is known, always False.

    Wikidata keeps some spellings of one surname apart as two names: *Busch* / *Bush* and *Meier*
    / *Meyer* rightly, *Timoschenko* / *Tymoschenko* (Russian and Ukrainian romanisations) not.
    Before a merge by transliteration skeleton, ask :func:`is_common_word` of both forms as well.

    >>> distinct_known_names("Uelsen", "Uelzen", "LOC"), distinct_known_names("Minsk", "Pinsk", "LOC")
    (True, True)
    >>> distinct_known_names("Busch", "Bush", "PER"), distinct_known_names("Sergej", "Sergei", "PER")
    (True, False)
    >>> distinct_known_names("Wolfowitsch", "Wolfowutsch", "PER")  # unknown: a typo may be a typo
    False
    """
    if label not in LABELS:
        raise InputError(f"unknown label {label!r}; use one of {', '.join(LABELS)}")
    if label not in ("LOC", "PER") or normalize(a) == normalize(b):
        return False
    if label == "LOC":
        place_a = main_place(a)
        if place_a is None:
            return False
        place_b = main_place(b)
        return place_b is not None and place_a != place_b
    names_a = known_person_names(a)
    if not names_a:
        return False
    names_b = known_person_names(b)
    return bool(names_b) and names_a.isdisjoint(names_b)



def gazetteer_twin(skel: str) -> int | None:
    """The place whose names of transliteration skeleton ``skel`` (:attr:`entitykit.names.Name.skel`)
    name it alone, or None: a spelling GeoNames lacks of a name it has (*Petrowsk-Port*,
    *Petrovsk-Port*: Machatschkala). None for a skeleton another place or an ambiguous name
    shares, and for the names of German-speaking countries' towns (the twins of German
    names are other villages: ``tools/build_knowledge.py``, ``place_twins``).

    >>> from entitykit.names import parse
    >>> gazetteer_twin(parse("Petrowsk-Port").skel) == gazetteer_place("Machatschkala")
    True
    >>> gazetteer_twin(parse("Rotenbach").skel), gazetteer_twin(parse("Lukaschenko").skel)
    (None, None)
    """
    value = _value(_PLACE_TWINS, skel)
    return int(value) if value else None
