"""Clustering unknown forms (``Resolver.cluster_forms`` / ``resolve_mentions`` without registry).

Pinned before clustering moves to ``clustering.py``: where a form fits several clusters about
equally well it stays alone; an acronym slip towards two acronyms joins neither; the score
cutoff counts here too; one-word names under four letters never merge by transliteration.
"""

from __future__ import annotations

import pytest

from entitykit.resolver import Mention, Resolver


def ids(forms, **options) -> dict[str, str]:
    result = Resolver(None, **options).cluster_forms(forms)
    return {text: result[(text, label)].entity_id for text, label, _ in forms}


@pytest.mark.parametrize(
    ("forms", "alone"),
    [
        # an initial fits Alexander and Andrej Wolfowitsch equally: not guessed
        ([("Alexander Wolfowitsch", "PER", 3), ("Andrej Wolfowitsch", "PER", 3), ("A. Wolfowitsch", "PER", 1)],
         "A. Wolfowitsch"),
        ([("Alexander Wolfowitsch", "PER", 3), ("Anton Wolfowitsch", "PER", 3), ("A. Wolfowitsch", "PER", 1)],
         "A. Wolfowitsch"),
        # one slip from Wolfawitsch and one from Wolfowatsch, which are two edits apart
        ([("Alexander Wolfawitsch", "PER", 3), ("Alexander Wolfowatsch", "PER", 3), ("Alexander Wolfowitsch", "PER", 1)],
         "Alexander Wolfowitsch"),
        # a surname alone next to two full names with it
        ([("Viktor Iwanow", "PER", 3), ("Pawel Iwanow", "PER", 3), ("Iwanow", "PER", 2)], "Iwanow"),
    ],
)
def test_a_form_that_fits_two_clusters_equally_stays_alone(forms, alone):
    got = ids(forms)
    others = [text for text, _, _ in forms if text != alone]
    assert len({got[text] for text in others}) == 2  # the two clusters stay two
    assert got[alone] not in {got[text] for text in others}
    assert got[alone] == "new:per:" + {"A. Wolfowitsch": "a-wolfowitsch", "Iwanow": "iwanow",
                                       "Alexander Wolfowitsch": "alexander-wolfowitsch"}[alone]


def test_an_initial_joins_the_only_full_name_it_fits():
    forms = [("Alexander Wolfowitsch", "PER", 3), ("Viktor Wolfowitsch", "PER", 3), ("A. Wolfowitsch", "PER", 1)]
    result = Resolver(None).cluster_forms(forms)
    initial = result[("A. Wolfowitsch", "PER")]
    assert (initial.entity_id, initial.method) == ("new:per:alexander-wolfowitsch", "cluster")


@pytest.mark.parametrize(
    ("forms", "expected"),
    [
        # OVKT is one slip from OVKS and one from OVAT: it joins neither, whichever is more frequent
        ([("OVKS", "ORG", 3), ("OVAT", "ORG", 5), ("OVKT", "ORG", 1)],
         {"OVKS": "new:org:ovks", "OVAT": "new:org:ovat", "OVKT": "new:org:ovkt"}),
        ([("OVKS", "ORG", 5), ("OVAT", "ORG", 3), ("OVKT", "ORG", 1)],
         {"OVKS": "new:org:ovks", "OVAT": "new:org:ovat", "OVKT": "new:org:ovkt"}),
        # one slip towards one acronym only: joins it
        ([("OVKS", "ORG", 12), ("OVKAS", "ORG", 1), ("OSZE", "ORG", 3)],
         {"OVKS": "new:org:ovks", "OVKAS": "new:org:ovks", "OSZE": "new:org:osze"}),
    ],
)
def test_acronym_slips_join_only_a_single_close_acronym(forms, expected):
    assert ids(forms) == expected


@pytest.mark.parametrize(
    ("forms", "cutoff", "merged"),
    [
        # Wolfowutsch ~ Wolfowitsch scores 93.6; Kirgistan ~ Kirgisistan 90.0
        ([("Alexander Wolfowitsch", "PER", 3), ("Alexander Wolfowutsch", "PER", 1)], 80, True),
        ([("Alexander Wolfowitsch", "PER", 3), ("Alexander Wolfowutsch", "PER", 1)], 93, True),
        ([("Alexander Wolfowitsch", "PER", 3), ("Alexander Wolfowutsch", "PER", 1)], 94, False),
        ([("Kirgisistan", "LOC", 3), ("Kirgistan", "LOC", 1)], 90, True),
        ([("Kirgisistan", "LOC", 3), ("Kirgistan", "LOC", 1)], 91, False),
    ],
)
def test_clustering_respects_the_score_cutoff(forms, cutoff, merged):
    got = ids(forms, score_cutoff=cutoff)
    (first, _, _), (second, _, _) = forms
    assert (got[first] == got[second]) is merged
    assert got[first] == "new:" + forms[0][1].lower() + ":" + first.lower().replace(" ", "-")


def test_score_cutoff_holds_through_resolve_mentions():
    mentions = [Mention("Alexander Wolfowitsch", "PER", doc="a"), Mention("Alexander Wolfowitsch", "PER", doc="b"),
                Mention("Alexander Wolfowutsch", "PER", doc="c")]
    strict = Resolver(None, score_cutoff=95).resolve_mentions(mentions)
    assert [r.entity_id for r in strict] == ["new:per:alexander-wolfowitsch"] * 2 + ["new:per:alexander-wolfowutsch"]
    assert strict[2].method == "new"
    default = Resolver(None).resolve_mentions(mentions)
    assert [r.entity_id for r in default] == ["new:per:alexander-wolfowitsch"] * 3
    assert (default[2].method, default[2].score) == ("cluster", 93.6)


@pytest.mark.parametrize(
    ("a", "b", "label"),
    [
        ("Stanislaw Sas", "Stanislav Zas", "PER"),  # a short surname merges inside a full name
        ("Lida", "Lyda", "LOC"),  # four letters: a transliteration of one word is trusted
        ("Imangali Tasmagambetow", "Imangali Tasmagambetov", "PER"),
    ],
)
def test_transliteration_variants_merge(a, b, label):
    result = Resolver(None).cluster_forms([(a, label, 2), (b, label, 1)])
    assert result[(a, label)].entity_id == result[(b, label)].entity_id
    assert (result[(b, label)].method, result[(b, label)].score) == ("cluster", 95.0)


@pytest.mark.parametrize(("a", "b"), [("Sas", "Zas"), ("Zoi", "Soi")])
def test_a_one_word_name_under_four_letters_does_not_cluster_by_transliteration(a, b):
    result = Resolver(None).cluster_forms([(a, "PER", 1), (b, "PER", 1)])
    assert result[(a, "PER")].entity_id != result[(b, "PER")].entity_id


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Imangali Kasmagambetow", "Imangali Tasmagambetow"),  # first letters differ
        ("Kasmagambetow", "Tasmagambetow"),
        ("Alexander Wolfowitsch", "Alexander Wolfowitz"),
    ],
)
def test_names_with_another_first_letter_or_ending_stay_apart(a, b):
    got = ids([(a, "PER", 3), (b, "PER", 1)])
    assert got[a] != got[b]
    assert got[b] == "new:per:" + b.lower().replace(" ", "-")
