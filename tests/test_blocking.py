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


# --- speed without a change in what is found (issue 10, resolver speed) ----------------------


def test_a_word_one_letter_shorter_or_longer_or_changed_is_found():
    # each word is indexed under its own form as well as its one-deletion variants
    index = TokenIndex()
    for form_id, word in enumerate(["wolfowitsch", "minsk", "kalosk"]):
        index.add(form_id, [word])
    assert index.candidates(["wolfowitch"]) == {0}  # a letter less
    assert index.candidates(["wolfowutsch"]) == {0}  # a letter changed
    assert index.candidates(["mins"]) == {1}  # the query is a deletion of the word
    # a letter more, in words too short for the first-and-last-letters key
    assert index.candidates(["kalossk"]) == {2} and index.candidates(["minskk"]) == {1}


def test_words_added_after_a_lookup_are_found_by_the_next_one():
    # the index remembers what it answered; growing must not leave stale answers
    index = TokenIndex()
    index.add(0, ["wolfowitsch"])
    assert index.candidates(["wolfowutsch"]) == {0}
    index.add(1, ["wolfowutsch"])
    assert index.candidates(["wolfowutsch"]) == {0, 1}
    index.add(2, ["alexander", "wolfowutsch"])  # a known word in a new form
    assert index.candidates(["wolfowutsch"]) == {0, 1, 2}


def test_a_surname_the_index_knows_too_far_away_is_left_out_and_a_given_name_never():
    index = TokenIndex()
    forms = ["Alexander Kalomarow", "Alexander Kalabarow", "Kalibarow Alexander", "Xenia Kalomarew"]
    for form_id, text in enumerate(forms):
        index.add(form_id, parse(text).skels)
    query = parse("Alexander Kalomarov").skels
    everything = index.candidates(query, only=1)
    near = index.candidates(query, only=1, last_within=1)
    # Kalabarow and Kalibarow (found by their first and last three letters) are two edits from
    # Kalomarov: Kalabarow is only ever a last word, so form 1 is left out; Kalibarow stands
    # before another word, so form 2 stays, and its last word is for the caller to check
    assert everything == {0, 1, 2, 3} and near == {0, 2, 3}
    assert index.candidates(query, only=1, last_within=2) == everything


def test_the_rarest_word_is_chosen_by_the_forms_indexed_now():
    # the index remembers how many forms a word's neighbours have; adding forms must renew it
    index = TokenIndex()
    index.add(0, ["kalomarsk", "bank"])
    index.add(1, ["nowodonsk", "bank"])
    assert index.candidates(["kalomarsk", "bank"]) == {0}  # kalomarsk is the rarer word
    for form_id in range(2, 6):
        index.add(form_id, ["kalomarsk", "union"])
    assert index.candidates(["kalomarsk", "bank"]) == {0, 1}  # now bank is
