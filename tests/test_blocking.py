"""Candidate indexes (``entitykit.blocking``): what a lookup finds, and what it must not."""

from __future__ import annotations

import pytest

from entitykit.blocking import AcronymIndex, TokenIndex
from entitykit.names import parse


@pytest.fixture()
def acronyms() -> AcronymIndex:
    index = AcronymIndex()
    for letters, owner in [("ovks", "org:ovks"), ("ovat", "org:ovat"), ("osze", "org:osze"), ("eu", "org:eu")]:
        index.add_acronym(letters, owner)
    return index


@pytest.mark.parametrize(
    ("letters", "near"),
    [
        ("ovkas", {"org:ovks": "ovks"}),  # one letter more
        ("ovk", {}),  # too short for a slip
        ("ovkt", {"org:ovat": "ovat", "org:ovks": "ovks"}),  # one letter changed, towards two acronyms
        ("osza", {"org:osze": "osze"}),
        ("esze", {}),  # the first letter differs
        ("ovks", {}),  # the same acronym is an exact hit, not a slip
        ("ev", {}),  # two letters: never a slip
    ],
)
def test_acronyms_one_slip_away(acronyms, letters, near):
    assert acronyms.near(letters) == near


def test_exact_hits_are_acronyms_only(acronyms):
    assert acronyms.exact("ovks") == {"org:ovks"}
    assert acronyms.exact("eu") == {"org:eu"}
    assert acronyms.exact("nvk") == set()


def test_token_index_finds_one_edit_neighbours_of_the_rarest_word():
    index = TokenIndex()
    for form_id, text in enumerate(["Alexander Lukaschenko", "Alexander Wolfowitsch", "Paul Wolfowitz", "Minsk"]):
        index.add(form_id, parse(text).skels)
    assert index.candidates(parse("Alexander Wolfowutsch").skels) == {1}  # not every Alexander
    assert index.candidates(parse("Pinsk").skels) == {3}  # proposed; the rules of names.py refuse it
    assert index.candidates(parse("Pinsk").skels, fuzzy=[False]) == set()
    assert index.candidates(parse("Alexander Wolfowutsch").skels, only=0) == {0, 1}


# --- memory: a word's variants must not grow with the square of its length (issue 11, item 2)


@pytest.mark.parametrize("length", [5_000, 20_000])
def test_an_overlong_word_costs_memory_in_proportion_to_its_length(length):
    import tracemalloc

    word = "a" * length
    tracemalloc.start()
    index = TokenIndex()
    index.add(0, [word])
    found = index.candidates([word])
    acronyms = AcronymIndex()
    acronyms.add_acronym(word, "org:long")
    near = acronyms.near(word + "b")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert found == {0} and near == {}  # an overlong word still matches itself exactly
    assert peak < 20 * length + 1_000_000  # today: length * length bytes (25 MB, 400 MB)


def test_words_up_to_the_bound_keep_their_one_edit_neighbours():
    from entitykit.blocking import MAX_VARIANT_LENGTH

    index = TokenIndex()
    word = "b" * (MAX_VARIANT_LENGTH - 1) + "c"
    index.add(0, [word])
    assert index.candidates(["b" * (MAX_VARIANT_LENGTH - 1) + "d"]) == {0}
