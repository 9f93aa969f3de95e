"""Resolving mentions against the registry (exact, alias, translit, acronym, fuzzy), ``explain``, and a whole input."""

from __future__ import annotations

import pytest

from entitykit.aliases import AliasRegistry
from entitykit.errors import EntitykitError, InputError
from entitykit.names import compare_names
from entitykit.resolver import Candidate, Mention, Resolution, Resolver, new_entity_id

RECORDS = [
    {"id": "per:alexander-lukaschenko", "label": "PER", "name": "Alexander Lukaschenko",
     "aliases": ["Lukaschenko", "Alexander Lukashenko", "Лукашенко"], "note": "Präsident von Belarus"},
    {"id": "per:viktor-lukaschenko", "label": "PER", "name": "Viktor Lukaschenko", "aliases": []},
    {"id": "per:alexander-wolfowitsch", "label": "PER", "name": "Alexander Wolfowitsch", "aliases": []},
    {"id": "per:paul-wolfowitz", "label": "PER", "name": "Paul Wolfowitz", "aliases": []},
    # transliteration matches need the registry to know the name is romanised from Cyrillic
    {"id": "per:stanislaw-sas", "label": "PER", "name": "Stanislaw Sas", "aliases": ["Станислав Зась"]},
    {"id": "per:imangali-tasmagambetow", "label": "PER", "name": "Imangali Tasmagambetow",
     "aliases": ["Имангали Тасмагамбетов"]},
    {"id": "per:sergej-schoigu", "label": "PER", "name": "Sergej Schoigu", "aliases": ["Schoigu", "Сергей Шойгу"]},
    {"id": "per:wolodymyr-selenskyj", "label": "PER", "name": "Wolodymyr Selenskyj",
     "aliases": ["Selenskyj", "Володимир Зеленський"]},
    {"id": "per:hans-meier", "label": "PER", "name": "Hans Meier", "aliases": ["Meier"]},
    {"id": "org:ovks", "label": "ORG", "name": "Organisation des Vertrags über kollektive Sicherheit",
     "aliases": ["OVKS", "ODKB", "CSTO"]},
    {"id": "org:osze", "label": "ORG", "name": "OSZE", "aliases": ["Organisation für Sicherheit und Zusammenarbeit in Europa", "OSCE"]},
    {"id": "org:gus", "label": "ORG", "name": "Gemeinschaft Unabhängiger Staaten", "aliases": ["GUS"]},
    {"id": "org:eu", "label": "ORG", "name": "Europäische Union", "aliases": ["EU"]},
    {"id": "org:eu-kommission", "label": "ORG", "name": "Europäische Kommission", "aliases": ["EU-Kommission"]},
    {"id": "loc:minsk", "label": "LOC", "name": "Minsk", "aliases": ["Минск", "Мінск"]},
    {"id": "loc:pinsk", "label": "LOC", "name": "Pinsk", "aliases": []},
    {"id": "loc:belarus", "label": "LOC", "name": "Belarus", "aliases": ["Weißrussland"]},
    {"id": "loc:kasachstan", "label": "LOC", "name": "Kasachstan", "aliases": ["Kazakhstan"]},
    {"id": "loc:dnipropetrowsk", "label": "LOC", "name": "Dnipropetrowsk", "aliases": []},
]


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(AliasRegistry.from_sources(RECORDS))


@pytest.mark.parametrize(
    ("text", "label", "entity_id", "method", "score"),
    [
        # exact and alias hits, also behind titles, quotes, case and genitive
        ("Alexander Lukaschenko", "PER", "per:alexander-lukaschenko", "exact", 100.0),
        ("Präsident Alexander Lukaschenko", "PER", "per:alexander-lukaschenko", "exact", 100.0),
        ("Lukaschenko", "PER", "per:alexander-lukaschenko", "alias", 100.0),
        ("Lukaschenkos", "PER", "per:alexander-lukaschenko", "alias", 95.0),
        ("Weissrussland", "LOC", "loc:belarus", "alias", 100.0),
        ("Belarus'", "LOC", "loc:belarus", "exact", 100.0),
        ("Kasachstans", "LOC", "loc:kasachstan", "alias", 95.0),
        ("„OVKS“", "ORG", "org:ovks", "alias", 100.0),
        ("OVKS-Generalsekretär", "ORG", "org:ovks", "alias", 95.0),
        ("EU-Staaten", "ORG", "org:eu", "alias", 95.0),
        ("EU-Kommission", "ORG", "org:eu-kommission", "alias", 100.0),  # the whole form wins over its head
        # transliteration
        ("Лукашенко", "PER", "per:alexander-lukaschenko", "translit", 100.0),
        ("Мінск", "LOC", "loc:minsk", "translit", 100.0),
        ("Stanislav Zas", "PER", "per:stanislaw-sas", "translit", 92.0),
        ("Imangali Tasmagambetov", "PER", "per:imangali-tasmagambetow", "translit", 92.0),
        ("Sergei Shoigu", "PER", "per:sergej-schoigu", "translit", 92.0),
        ("Shoigu", "PER", "per:sergej-schoigu", "translit", 92.0),
        ("Zelenskyy", "PER", "per:wolodymyr-selenskyj", "translit", 92.0),
        ("Зеленський", "PER", "per:wolodymyr-selenskyj", "translit", 100.0),
        # acronyms: against acronyms, against initials of long forms, one-letter slips
        ("OVKAS", "ORG", "org:ovks", "acronym", 85.0),
        ("Organisation für Sicherheit und Zusammenarbeit in Europa", "ORG", "org:osze", "alias", 100.0),
        ("Organisation des Vertrages über kollektive Sicherheit", "ORG", "org:ovks", "fuzzy", 95.0),
        # typos in long names; first names Alexander / Aleksandr agree
        ("Alexander Wolfowutsch", "PER", "per:alexander-wolfowitsch", "fuzzy", 93.6),
        ("Alexander Wofowitsch", "PER", "per:alexander-wolfowitsch", "fuzzy", 96.7),
        ("Aleksandr Wolfowitsch", "PER", "per:alexander-wolfowitsch", "fuzzy", 98.5),
        ("A. Wolfowitsch", "PER", "per:alexander-wolfowitsch", "fuzzy", 97.0),
        ("Wolfowitsch", "PER", "per:alexander-wolfowitsch", "alias", 95.0),
        ("Imangali Tasmagambetw", "PER", "per:imangali-tasmagambetow", "fuzzy", 97.2),
        ("Dnepropetrowsk", "LOC", "loc:dnipropetrowsk", "fuzzy", 92.86),
    ],
)
def test_resolves_variants_to_the_registry(resolver, text, label, entity_id, method, score):
    result = resolver.resolve(text, label)
    assert (result.entity_id, result.method) == (entity_id, method), result
    assert result.score == pytest.approx(score, abs=0.01)
    assert result.canonical == resolver.registry[entity_id].name


@pytest.mark.parametrize(
    ("text", "label", "not_this"),
    [
        ("Pinsk", "LOC", "loc:minsk"),
        ("Pinks", "LOC", "loc:pinsk"),
        ("Alexander Wolfowitz", "PER", "per:alexander-wolfowitsch"),  # -witz is not -witsch
        ("Wolfowitz", "PER", "per:alexander-wolfowitsch"),
        ("Wolfowitsch", "PER", "per:paul-wolfowitz"),
        ("Dmitri Lukaschenko", "PER", "per:alexander-lukaschenko"),  # another first name, another person
        ("Dmitri Lukaschenko", "PER", "per:viktor-lukaschenko"),
        ("Alexandra Lukaschenko", "PER", "per:alexander-lukaschenko"),
        ("Natalja Lukaschenko", "PER", "per:alexander-lukaschenko"),
        ("Alexander Lukaschenkowa", "PER", "per:alexander-lukaschenko"),
        ("OSZ", "ORG", "org:osze"),
        ("OVK", "ORG", "org:ovks"),  # 3 letters: no slips for short acronyms
        ("OVKS", "ORG", "org:osze"),
        ("Lukaschenkow", "ORG", "per:alexander-lukaschenko"),  # across PER and the rest, exact names only
        ("Pinsker Zeitung", "ORG", "loc:pinsk"),
        ("Minsker", "MISC", "loc:minsk"),
        ("Wolfowutsch", "LOC", "per:alexander-wolfowitsch"),
        ("Organisation des Vertrauens über kommunale Selbstverwaltung", "ORG", "org:ovks"),
    ],
)
def test_hard_negatives_stay_apart(resolver, text, label, not_this):
    assert resolver.resolve(text, label).entity_id != not_this


def test_pinsk_is_pinsk_and_minsk_is_minsk(resolver):
    assert resolver.resolve("Pinsk", "LOC").entity_id == "loc:pinsk"
    assert resolver.resolve("Minsk", "LOC").entity_id == "loc:minsk"


def test_persons_with_one_surname_need_first_names(resolver):
    assert resolver.resolve("Viktor Lukaschenko", "PER").entity_id == "per:viktor-lukaschenko"
    assert resolver.resolve("Wiktor Lukaschenko", "PER").entity_id == "per:viktor-lukaschenko"
    # Lukaschenko alone is an explicit alias of the president
    assert resolver.resolve("Lukaschenko", "PER").entity_id == "per:alexander-lukaschenko"


def test_org_and_loc_cross_with_a_penalty(resolver):
    as_org = resolver.resolve("Minsk", "ORG")
    as_loc = resolver.resolve("Minsk", "LOC")
    assert as_org.entity_id == as_loc.entity_id == "loc:minsk"
    assert as_org.score == as_loc.score - resolver.cross_label_penalty
    assert as_org.label == "LOC"  # the entity's label


def test_acronym_slip_only_when_no_other_acronym_is_close():
    registry = AliasRegistry.from_sources([
        {"id": "org:ovks", "label": "ORG", "name": "OVKS", "aliases": []},
        {"id": "org:ovas", "label": "ORG", "name": "OVAS", "aliases": []},
    ])
    assert Resolver(registry).resolve("OVKAS", "ORG").method == "new"  # OVKS and OVAS both one slip away
    alone = AliasRegistry.from_sources([{"id": "org:ovks", "label": "ORG", "name": "OVKS", "aliases": []}])
    assert Resolver(alone).resolve("OVKAS", "ORG").entity_id == "org:ovks"
    assert Resolver(alone).resolve("OSZE", "ORG").method == "new"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Gemeinschaft Unabhängiger Staaten", "ORG"),  # the registry lists only GUS
        ("Wiener Marktamt", "ORG"),  # initials WM
        ("Sankt Petersburg", "LOC"),  # initials SP
    ],
)
def test_a_long_form_never_matches_an_acronym_by_its_initials_alone(text, label):
    registry = AliasRegistry.from_sources([
        {"id": "org:gus", "label": "ORG", "name": "GUS", "aliases": []},
        {"id": "org:wm", "label": "ORG", "name": "WM", "aliases": []},
        {"id": "org:sp", "label": "ORG", "name": "SP", "aliases": []},
    ])
    assert Resolver(registry).resolve(text, label).method == "new"


@pytest.mark.parametrize("acronym", ["US", "NS", "SP", "VR", "GUS"])
def test_an_acronym_never_matches_a_long_form_by_its_initials_alone(acronym):
    registry = AliasRegistry.from_sources([
        {"id": "org:un-sicherheitsrat", "label": "ORG", "name": "UN-Sicherheitsrat", "aliases": []},
        {"id": "loc:astana", "label": "LOC", "name": "Astana", "aliases": ["Nur-Sultan"]},
        {"id": "loc:sankt-petersburg", "label": "LOC", "name": "Sankt Petersburg", "aliases": []},
        {"id": "org:verteidigungsministerium", "label": "ORG", "name": "Verteidigungsministerium Russland", "aliases": []},
        {"id": "org:gus", "label": "ORG", "name": "Gemeinschaft Unabhängiger Staaten", "aliases": []},
    ])
    assert Resolver(registry).resolve(acronym, "ORG").entity_id == f"new:org:{acronym.lower()}"


@pytest.mark.parametrize("text", ["Meyer", "Hans Meyer", "Mayer"])
def test_latin_spellings_of_a_german_name_are_no_transliteration(resolver, text):
    # Meier and Meyer are two German surnames; no Cyrillic name makes them romanisations of one
    assert resolver.resolve(text, "PER").method == "new"


def test_a_romanisation_of_a_cyrillic_name_is_a_transliteration(resolver):
    result = resolver.resolve("Stanislav Zas", "PER")
    assert (result.entity_id, result.method) == ("per:stanislaw-sas", "translit")


def test_an_acronym_the_registry_lists_matches_its_entity():
    registry = AliasRegistry.from_sources([
        {"id": "org:gus", "label": "ORG", "name": "Gemeinschaft Unabhängiger Staaten", "aliases": ["GUS"]}])
    assert Resolver(registry).resolve("G.U.S.", "ORG").entity_id == "org:gus"


def test_ambiguous_alias_uses_context_then_admits_doubt():
    registry = AliasRegistry.from_sources([
        {"id": "per:alexander-lukaschenko", "label": "PER", "name": "Alexander Lukaschenko",
         "aliases": ["Lukaschenko"], "note": "Präsident von Belarus"},
        {"id": "per:viktor-lukaschenko", "label": "PER", "name": "Viktor Lukaschenko",
         "aliases": ["Lukaschenko"], "note": "Sohn, Sicherheitsberater"},
    ])
    resolver = Resolver(registry)
    assert resolver.resolve("Lukaschenko", "PER", context="der Sohn und Sicherheitsberater").entity_id == (
        "per:viktor-lukaschenko"
    )
    doubtful = resolver.resolve("Lukaschenko", "PER")
    assert doubtful.score <= 50


def test_exact_hits_never_pay_for_fuzzy_scoring(resolver, monkeypatch):
    fresh = Resolver(resolver.registry)
    asked = []
    monkeypatch.setattr(fresh, "_scored_candidates", lambda *args, **kwargs: asked.append(args[0].key) or [])
    methods = [fresh.resolve(text, label).method for text, label in
               [("Alexander Lukaschenko", "PER"), ("Лукашенко", "PER"), ("OVKS-Generalsekretär", "ORG")]]
    assert methods == ["exact", "translit", "alias"] and asked == []
    fresh.resolve("Alexander Wolfowutsch", "PER")
    assert asked == ["alexander wolfowutsch"]


def test_a_typo_as_close_to_the_name_as_to_an_alias_is_matched_to_the_name():
    # candidates at one distance are compared in registry order, the name before its aliases: the
    # first that fits settles the entity, so which spelling is shown never depends on a set's order
    registry = AliasRegistry.from_sources([
        {"id": "per:boris-woltuparow", "label": "PER", "name": "Boris Woltuparow",
         "aliases": ["Boris Voltuparov", "Woltuparow"]},
        {"id": "per:oleg-schawkokoew", "label": "PER", "name": "Oleg Schawkokoew", "aliases": ["Oleg Shavkokoev"]},
    ])
    resolver = Resolver(registry)
    found = [resolver.resolve(text, "PER") for text in ("Boris Woetuparow", "Oleg Schaakokoew")]
    assert [(r.entity_id, r.matched, r.score) for r in found] == [
        ("per:boris-woltuparow", "Boris Woltuparow", 96.3), ("per:oleg-schawkokoew", "Oleg Schawkokoew", 95.3)]


def test_candidates_explain_the_decision(resolver):
    candidates = resolver.candidates("Wolfowutsch", "PER")
    assert all(isinstance(candidate, Candidate) for candidate in candidates)
    first = candidates[0]
    assert (first.entity_id, first.accepted) == ("per:alexander-wolfowitsch", True)
    rejected = {candidate.entity_id: candidate for candidate in candidates if not candidate.accepted}
    assert "per:paul-wolfowitz" in rejected
    assert "endings differ" in rejected["per:paul-wolfowitz"].reason or "edits" in rejected["per:paul-wolfowitz"].reason
    assert len(resolver.candidates("Wolfowutsch", "PER", limit=1)) == 1
    assert Resolver().candidates("Wolfowutsch", "PER") == []


# --- whole input -------------------------------------------------------------------------------

BELTA = [
    ("Nuer", "MISC"), ("OVKAS", "ORG"), ("Belarus", "LOC"), ("MOSKAU", "LOC"), ("BelTA", "ORG"),
    ("Organisation des Vertrags über kollektive Sicherheit", "ORG"), ("Imangali Tasmagambetow", "PER"),
    ("Belarus", "LOC"), ("Alexander Wolfowutsch", "PER"), ("OVKS", "ORG"), ("Alexander Lukaschenko", "PER"),
    ("OVKS", "ORG"), ("OVKS", "ORG"), ("OVKS", "ORG"), ("Moskau", "LOC"), ("Alexander Wolfowitsch", "PER"),
    ("Imangali Tasmagambetow", "PER"), ("OVKS", "ORG"), ("OVKS", "ORG"), ("Belarus", "LOC"),
    ("Alexander Lukaschenko", "PER"), ("Imangali Tasmagambetow", "PER"), ("Alexander Wolfowitsch", "PER"),
    ("OVKS", "ORG"), ("Osteuropa", "LOC"), ("Zentralasien", "LOC"), ("OVKS", "ORG"), ("OVKS", "ORG"),
    ("Alexander Wolfowitsch", "PER"),
]


@pytest.mark.parametrize("with_registry", [False, True])
def test_reference_article(resolver, with_registry):
    """The BelTA article: Wolfowutsch is Wolfowitsch and OVKAS is OVKS, with and without registry."""
    engine = resolver if with_registry else Resolver()
    mentions = [Mention(text, label, doc="belta-2023-01-10") for text, label in BELTA]
    results = engine.resolve_mentions(mentions)
    by_text: dict[str, set[str]] = {}
    for mention, result in zip(mentions, results):
        by_text.setdefault(mention.text, set()).add(result.entity_id)
    assert by_text["Alexander Wolfowutsch"] == by_text["Alexander Wolfowitsch"]
    assert by_text["OVKAS"] == by_text["OVKS"] == by_text["Organisation des Vertrags über kollektive Sicherheit"]
    assert by_text["Alexander Lukaschenko"] != by_text["Alexander Wolfowitsch"]
    # Nuer, OVKS, Belarus, Moskau, BelTA, Tasmagambetow, Wolfowitsch, Lukaschenko, Osteuropa, Zentralasien
    assert len({result.entity_id for result in results}) == 10
    if not with_registry:
        wolfowitsch = results[[m.text for m in mentions].index("Alexander Wolfowutsch")]
        assert wolfowitsch.entity_id == "new:per:alexander-wolfowitsch"  # the frequent spelling names it
        assert wolfowitsch.method == "cluster" and wolfowitsch.canonical == "Alexander Wolfowitsch"
        # the text defines OVKS by its long form, which names the entity
        assert results[1].entity_id == "new:org:organisation-des-vertrags-ueber-kollektive-sicherheit"


def test_coreference_beats_the_registry_for_a_surname_in_context(resolver):
    mentions = [Mention("Dmitri Lukaschenko", "PER", doc="x"), Mention("Lukaschenko", "PER", doc="x")]
    first, second = resolver.resolve_mentions(mentions)
    assert first.method == "new" and second.entity_id == first.entity_id and second.method == "coref"


def test_unknown_forms_get_slug_ids(resolver):
    assert new_entity_id("Imangali Tasmagambetow", "PER") == "new:per:imangali-tasmagambetow"
    result = resolver.resolve("Präsident Kassym-Schomart Tokajew", "PER")
    assert result == Resolution("new:per:kassym-schomart-tokajew", "Kassym-Schomart Tokajew", "PER", 100.0, "new", None)


@pytest.mark.parametrize("text", ["", "   ", "„“", "--"])
def test_empty_mentions_are_input_errors(resolver, text):
    with pytest.raises(InputError, match="mention text"):
        resolver.resolve(text, "PER")
    with pytest.raises(InputError, match="mention 2: mention text"):
        resolver.resolve_mentions([Mention("Minsk", "LOC"), Mention(text, "LOC")])


def test_unknown_label_and_bad_rows_are_input_errors(resolver):
    with pytest.raises(InputError, match="unknown label 'PERSON'; use one of PER, ORG, LOC, MISC"):
        resolver.resolve("Minsk", "PERSON")
    with pytest.raises(InputError, match="form 1: count must be a positive integer"):
        resolver.cluster_forms([("Minsk", "LOC", 0)])
    with pytest.raises(InputError, match="form 1: expected \\(text, label, count\\)"):
        resolver.cluster_forms([("Minsk", "LOC")])
    with pytest.raises(EntitykitError, match="score_cutoff"):
        Resolver(score_cutoff=120)


@pytest.mark.parametrize(
    ("text", "label"),
    [("A", "PER"), ("X", "ORG"), ("Ж", "PER"), ("Лукаshenko", "PER"), ("Minsk-Мінск", "LOC"), ("習近平", "PER")],
)
def test_one_letter_and_mixed_script_names_give_sensible_results(resolver, text, label):
    result = resolver.resolve(text, label)
    assert result.entity_id.startswith(("new:", "per:", "org:", "loc:")) and result.entity_id.isascii()
    assert 0 <= result.score <= 100
    if len(text) == 1:
        assert result.method == "new"  # one letter never fuzzily matches anything
    clustered = Resolver().resolve_mentions([Mention(text, label), Mention(text, label)])
    assert clustered[0].entity_id == clustered[1].entity_id


def test_mixed_script_name_meets_the_latin_one(resolver):
    assert resolver.resolve("Лукаshenko", "PER").entity_id == "per:alexander-lukaschenko"


def test_default_registry_floors():
    from entitykit.aliases import default_registry

    registry = default_registry()
    if not len(registry):
        pytest.skip("no default registry shipped yet")
    resolver = Resolver(registry)
    ovks = resolver.resolve("OVKS", "ORG").entity_id
    assert resolver.resolve("OVKAS", "ORG").entity_id == ovks
    assert resolver.resolve("Alexander Wolfowutsch", "PER").entity_id == resolver.resolve("Alexander Wolfowitsch", "PER").entity_id
    assert resolver.resolve("Minsk", "LOC").entity_id != resolver.resolve("Pinsk", "LOC").entity_id


def test_acronyms_and_long_forms_never_cluster_by_initials_across_documents():
    forms = [("OVKS", "ORG", 5), ("Organisation des Vertrags über kollektive Sicherheit", "ORG", 2),
             ("Organisation des Vertrages über kollektive Sicherheit", "ORG", 1),
             ("WM", "ORG", 3), ("Wiener Marktamt", "ORG", 1)]
    ids = {text: resolution.entity_id for (text, _), resolution in Resolver().cluster_forms(forms).items()}
    assert ids["Organisation des Vertrags über kollektive Sicherheit"] == ids["Organisation des Vertrages über kollektive Sicherheit"]
    assert ids["OVKS"] == "new:org:ovks"
    assert ids["WM"] == "new:org:wm" and ids["Wiener Marktamt"] == "new:org:wiener-marktamt"


# --- fuzzy matching between namesakes ------------------------------------------------------------


def namesakes(*names: str) -> Resolver:
    return Resolver(AliasRegistry.from_sources([
        {"id": f"per:namesake-{number}", "label": "PER", "name": name, "aliases": []}
        for number, name in enumerate(names, 1)
    ]))


@pytest.mark.parametrize(
    ("second", "scores"),
    [
        # Wolfowutsch is 93.6 from Alexander Wolfowitsch and within 3 points of the second namesake
        ("Aleksandr Wolfowatsch", (93.6, 92.1)),
        ("Aleksander Wolfowatsch", (93.6, 92.7)),
        ("Oleksandr Wolfowatsch", (93.6, 92.1)),
        ("Alexander Wolfowotsch", (93.6, 93.6)),
    ],
)
def test_two_namesakes_about_equally_close_are_not_guessed(second, scores):
    resolver = namesakes("Alexander Wolfowitsch", second)
    assert (compare_names("Alexander Wolfowutsch", "Alexander Wolfowitsch", "PER").score,
            compare_names("Alexander Wolfowutsch", second, "PER").score) == scores
    result = resolver.resolve("Alexander Wolfowutsch", "PER")
    assert result == Resolution("new:per:alexander-wolfowutsch", "Alexander Wolfowutsch", "PER", 100.0, "new", None)
    # each namesake still finds itself
    assert resolver.resolve("Alexander Wolfowitsch", "PER").entity_id == "per:namesake-1"
    assert resolver.resolve(second, "PER").entity_id == "per:namesake-2"
    # and explain says why neither was taken
    reasons = {c.entity_id: c.reason for c in resolver.candidates("Alexander Wolfowutsch", "PER")}
    assert reasons == {"per:namesake-1": "fits, but another entity fits as well",
                       "per:namesake-2": "fits, but another entity fits as well"}


def test_one_namesake_alone_takes_the_typo():
    result = namesakes("Alexander Wolfowitsch").resolve("Alexander Wolfowutsch", "PER")
    assert result == Resolution("per:namesake-1", "Alexander Wolfowitsch", "PER", 93.6, "fuzzy", "Alexander Wolfowitsch")


def test_a_typo_in_a_genitive_is_matched_on_the_stem_with_the_same_rules():
    resolver = Resolver.from_aliases(())  # the bundled registry
    # variants-dev: *Turkenistans* (an m missing, and the genitive s): two edits as a whole
    assert resolver.resolve("Turkenistans", "LOC")[:2] == ("loc:turkmenistan", "Turkmenistan")
    assert resolver.resolve("Wolfowutschs", "PER").entity_id == "per:alexander-wolfowitsch"
    # the stem still meets the typo rules: the surname decides, short names are stricter
    assert resolver.resolve("Wolfowitzs", "PER").entity_id == "per:paul-wolfowitz"
    assert resolver.resolve("Pinsks", "LOC").entity_id == "loc:pinsk"
    assert resolver.resolve("Linsks", "LOC").method == "new"  # not Minsk nor Pinsk


def test_the_namesake_margin_holds_through_resolve_mentions():
    resolver = namesakes("Alexander Wolfowitsch", "Aleksandr Wolfowatsch")
    results = resolver.resolve_mentions([Mention("Alexander Wolfowutsch", "PER", doc="a"),
                                         Mention("Alexander Wolfowitsch", "PER", doc="b")])
    assert [(r.entity_id, r.method) for r in results] == [
        ("new:per:alexander-wolfowutsch", "new"), ("per:namesake-1", "exact")]


# --- one name in one document, one entity (issue 9) ----------------------------------------------


def vote(resolver: Resolver, mentions: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    results = resolver.resolve_mentions([Mention(text, label, doc=doc) for text, label, doc in mentions])
    return [(result.entity_id, result.label) for result in results]


def test_the_most_frequent_label_of_a_name_in_a_document_decides_its_entity():
    assert vote(Resolver(), [("Leipzig", "ORG", "a"), ("Leipzig", "LOC", "a"), ("Leipzigs", "LOC", "a"),
                             ("Leipzig", "ORG", "b")]) == [
        ("new:loc:leipzig", "LOC"), ("new:loc:leipzig", "LOC"), ("new:loc:leipzig", "LOC"),
        ("new:org:leipzig", "ORG"),  # another document keeps its own label
    ]


def test_a_tie_goes_to_the_first_mention_and_a_surname_of_a_full_name_to_the_person():
    assert vote(Resolver(), [("Kanye West", "MISC", "a"), ("Kanye West", "PER", "a")]) == [
        ("new:misc:kanye-west", "MISC"), ("new:misc:kanye-west", "MISC")]
    assert vote(Resolver(), [("Berlusconi", "ORG", "a"), ("Silvio Berlusconi", "PER", "a"), ("Berlusconi", "PER", "a")]) == [
        ("new:per:silvio-berlusconi", "PER")] * 3


def test_the_registry_label_of_a_name_decides_over_ner(resolver):
    assert vote(resolver, [("Minsk", "ORG", "a"), ("Minsk", "ORG", "a"), ("Minsk", "LOC", "a")]) == [
        ("loc:minsk", "LOC")] * 3


# --- safe merges and spellings only another script gives (issue 9) ---------------------------------


@pytest.mark.parametrize("text", ["Volkswagen AG", "Volkswagen Aktiengesellschaft", "VOLKSWAGEN AG,"])
def test_a_legal_form_meets_the_registry_name_it_follows(text):
    registry = AliasRegistry.from_sources([{"id": "org:vw", "label": "ORG", "name": "Volkswagen", "aliases": []}])
    result = Resolver(registry).resolve(text, "ORG")
    assert (result.entity_id, result.method) == ("org:vw", "alias")


def test_a_legal_form_never_merges_unknown_companies_across_documents():
    results = Resolver().resolve_mentions([Mention("Lukoil", "ORG", doc="a"), Mention("Lukoil GmbH", "ORG", doc="b")])
    assert [r.entity_id for r in results] == ["new:org:lukoil", "new:org:lukoil-gmbh"]  # the German subsidiary


@pytest.mark.parametrize(("text", "label"), [("Germania", "LOC"), ("Germania", "ORG"), ("OON", "ORG"), ("Guam", "LOC")])
def test_a_latin_name_never_takes_a_place_or_body_by_its_cyrillic_spelling_or_its_acronym(text, label):
    registry = AliasRegistry.from_sources([
        {"id": "loc:deutschland", "label": "LOC", "name": "Deutschland", "aliases": ["Germany", "Германия"]},
        {"id": "org:un", "label": "ORG", "name": "Vereinte Nationen", "aliases": ["UN", "ООН"]},
        {"id": "org:guam", "label": "ORG", "name": "GUAM", "aliases": ["ГУАМ"]},
    ])
    resolver = Resolver(registry)
    assert resolver.resolve(text, label).method == "new"
    assert resolver.resolve("Германия", "LOC").entity_id == "loc:deutschland"  # Cyrillic meets Cyrillic
    assert resolver.resolve("ООН", "ORG").entity_id == "org:un"


def test_an_acronym_slip_takes_a_registry_acronym_only_when_no_other_is_as_close():
    registry = AliasRegistry.from_sources([
        {"id": "org:ovks", "label": "ORG", "name": "OVKS", "aliases": []},
        {"id": "org:ovat", "label": "ORG", "name": "OVAT", "aliases": []},
    ])
    resolver = Resolver(registry)
    assert (resolver.resolve("OVKAS", "ORG").entity_id, resolver.resolve("OVKAS", "ORG").method) == ("org:ovks", "acronym")
    assert resolver.resolve("OVKT", "ORG").entity_id == "new:org:ovkt"  # one slip from OVKS and from OVAT
    assert resolver.resolve("OVK", "ORG").entity_id == "new:org:ovk"  # three letters: never a slip


SLASH_RECORDS = [
    {"id": "loc:odessa", "label": "LOC", "name": "Odessa", "aliases": ["Odesa", "Одеса"]},
    {"id": "loc:vilnius", "label": "LOC", "name": "Vilnius", "aliases": ["Wilna", "Вильнюс"]},
    {"id": "loc:lwiw", "label": "LOC", "name": "Lwiw", "aliases": ["Lviv", "Львів"]},
    {"id": "loc:berlin", "label": "LOC", "name": "Berlin", "aliases": ["Берлин"]},
    {"id": "loc:minsk", "label": "LOC", "name": "Minsk", "aliases": ["Мінск"]},
    {"id": "org:cdu", "label": "ORG", "name": "CDU", "aliases": ["Christlich Demokratische Union"]},
]


# Slash forms of variants-dev (Odessa/Odesa, Вильна/Wilna, Вильнюс/Wilnjus, Lviv/Lemberg) and
# slashes between two entities.
@pytest.mark.parametrize(
    ("text", "label", "entity_id"),
    [
        ("Odessa/Odesa", "LOC", "loc:odessa"),  # both parts name it
        ("Вильна/Wilna", "LOC", "loc:vilnius"),
        ("Вильнюс/Wilnjus", "LOC", "loc:vilnius"),
        ("Lviv/Lemberg", "LOC", "loc:lwiw"),  # Lemberg is not in this registry: GeoNames' one place
        ("Berlin/Brandenburg", "LOC", "new:loc:berlin-brandenburg"),  # a region pair: two places
        ("Berlin/Minsk", "LOC", "new:loc:berlin-minsk"),  # two entities: never a choice between them
        ("Odessa/Oblast Odessa", "LOC", "new:loc:odessa-oblast-odessa"),  # the city and its region
        ("CDU/CSU", "ORG", "new:org:cdu-csu"),  # an acronym of other letters is another body
    ],
)
def test_a_slash_form_is_matched_by_its_parts(text, label, entity_id):
    assert Resolver(AliasRegistry.from_sources(SLASH_RECORDS)).resolve(text, label).entity_id == entity_id


def test_explain_says_which_alternate_decided():
    resolver = Resolver(AliasRegistry.from_sources(SLASH_RECORDS))
    chosen = resolver.candidates("Lviv/Lemberg", "LOC")[0]
    assert (chosen.entity_id, chosen.accepted, chosen.reason) == ("loc:lwiw", True, "chosen for 'Lviv', one of its alternates")


@pytest.mark.parametrize(
    "text, label, entity_id, corrected",
    [
        ("Belaruskalij", "PER", "org:belaruskali", "ORG"),  # the potash company, tagged PER by the NER
        ("Tichanowskaja", "ORG", "per:swetlana-tichanowskaja", "PER"),
        ("Lukaschenkos", "LOC", "per:alexander-lukaschenko", "PER"),  # a genitive of an exact name
        ("Polen", "PER", "loc:polen", "LOC"),
        ("EU", "PER", "new:per:eu", "PER"),  # too short to overrule the NER
    ],
)
def test_an_exact_name_of_one_entity_of_another_label_takes_it_and_its_label(with_registry, text, label, entity_id, corrected):
    result = with_registry.resolve(text, label)
    assert (result.entity_id, result.label) == (entity_id, corrected)


def test_registry_units_are_found_under_another_head_noun_and_legal_forms_in_front_fall_away():
    registry = AliasRegistry.from_sources([
        {"id": "loc:gebiet-minsk", "label": "LOC", "name": "Gebiet Minsk", "aliases": []},
        {"id": "loc:minsk", "label": "LOC", "name": "Minsk", "aliases": []},
        {"id": "org:gazprom", "label": "ORG", "name": "Gazprom", "aliases": []},
    ])
    resolver = Resolver(registry)
    found = {text: resolver.resolve(text, label).entity_id for text, label in [
        ("Minsker Gebiet", "LOC"), ("Oblast Minsk", "LOC"), ("Minsk", "LOC"), ("Rajon Minsk", "LOC"),
        ("PAO Gazprom", "ORG"), ("Ölkonzern Gazprom", "ORG"),
    ]}
    assert found == {
        "Minsker Gebiet": "loc:gebiet-minsk", "Oblast Minsk": "loc:gebiet-minsk", "Minsk": "loc:minsk",
        "Rajon Minsk": "new:loc:rajon-minsk",  # a district is not the region
        "PAO Gazprom": "org:gazprom", "Ölkonzern Gazprom": "org:gazprom",
    }


@pytest.mark.parametrize(
    "text, entity_id",
    [
        ("WHO", "org:who"), ("Who's", "new:org:who"),  # "das Who's who der Branche": an English word
        ("Nato", "org:nato"), ("Uno", "org:un"),  # acronyms German news write in small letters
        ("EU", "org:eu"), ("Eu", "new:org:eu"),  # two letters: only in capitals
    ],
)
def test_an_acronym_in_small_letters_is_a_word_when_it_is_short_or_english(with_registry, text, entity_id):
    assert with_registry.resolve(text, "ORG").entity_id == entity_id


@pytest.mark.parametrize(
    "text, entity_id",
    [
        ("Europ. Kommission", "org:europaeische-kommission"),
        ("Europ. Investitionsbank", "org:eib"),
        ("Europ. Rat", "org:europaeischer-rat"),  # not the Europarat: one word, not two
    ],
)
def test_words_abbreviated_by_a_dot_find_the_one_registry_name_they_abbreviate(with_registry, text, entity_id):
    assert with_registry.resolve(text, "ORG").entity_id == entity_id


def test_an_abbreviation_of_two_registry_names_takes_neither():
    registry = AliasRegistry.from_sources([
        {"id": "org:nationale-front", "label": "ORG", "name": "Nationale Front", "aliases": []},
        {"id": "org:nationalistische-front", "label": "ORG", "name": "Nationalistische Front", "aliases": []},
    ])
    assert Resolver(registry).resolve("Nat. Front", "ORG").entity_id == "new:org:nat-front"


@pytest.mark.parametrize(
    "text, entity_id",
    [
        ("Osteuropa-Bank", "org:ebwe"), ("Nordatlantik-Paktes", "org:nato"),  # one word or two, a genitive
        ("Euro Pa", "new:org:euro-pa"),  # under eight letters written together: no evidence
    ],
)
def test_a_registry_name_written_as_one_word_or_two_is_found(with_registry, text, entity_id):
    assert with_registry.resolve(text, "ORG").entity_id == entity_id


def test_a_text_s_other_name_for_a_known_place_makes_the_unknown_name_that_place():
    # a page names Transnistria after a name the gazetteer lacks: that name joins the place the
    # gazetteer knows, in every spelling of its key, not the place the unknown name
    context = "Cisnistrien (englisch Transnistria) liegt am Dnister."
    mentions = [Mention(text, "LOC", doc="a", context=context) for text in ("Cisnistrien", "Transnistria")]
    mentions.append(Mention("CISNISTRIEN", "LOC", doc="a", context="CISNISTRIEN hat eine eigene Währung."))
    results = Resolver(gazetteer=True).resolve_mentions(mentions)
    assert [r.entity_id for r in results] == ["wikidata:Q907112"] * 3
    assert [r.method for r in results] == ["coref", "new", "coref"]
    # without the gazetteer the text's link alone joins them, under the first name
    plain = Resolver().resolve_mentions(mentions)
    assert {r.entity_id for r in plain} == {"new:loc:cisnistrien"}
    # one unknown name given two places: the places keep their own ids
    context = "Nowa Ruś (polnisch Minsk, russisch Pinsk) am Fluss."
    results = Resolver(gazetteer=True).resolve_mentions(
        [Mention(text, "LOC", doc="b", context=context) for text in ("Nowa Ruś", "Minsk", "Pinsk")])
    assert results[1].entity_id != results[2].entity_id and "new:" not in results[1].entity_id + results[2].entity_id


# --- rivers: never the town of their name -----------------------------------------------------


def test_a_river_is_never_the_town_or_registry_place_of_its_name():
    """*Wjatka* is Kirov's old name and a river; *Moskwa* a registry name of Moscow and its river.
    The mentions the text names as the river are one entity, *Fluss Wjatka*, across documents;
    the others stay the towns."""
    mentions = [
        Mention("Wjatka", "LOC", doc="a", context="Das Hotel liegt am Fluss Wjatka, 896 km von Moskau entfernt."),
        Mention("Wjatka", "LOC", doc="b", context="und am schiffbaren Fluss Wjatka (Nebenfluss der Kama"),
        Mention("Wjatka", "LOC", doc="c", context="Kirow hieß bis 1934 Wjatka."),
        Mention("Moskwa", "LOC", doc="d", context="eine Schifffahrt auf dem Fluss Moskwa"),
        Mention("Moskwa", "LOC", doc="e", context="die Hauptstadt Moskwa"),
    ]
    found = [(r.entity_id, r.canonical) for r in Resolver.from_aliases(()).resolve_mentions(mentions)]
    assert found[0] == found[1] == ("new:loc:fluss-wjatka", "Fluss Wjatka")
    assert found[2][0] == "geonames:548408"  # Kirov
    assert found[3] == ("new:loc:fluss-moskwa", "Fluss Moskwa")
    assert found[4][0] == "loc:moskau"


def test_a_river_stays_a_river_when_its_name_is_a_town_s_alternate_in_the_document():
    """*Klaipėda (deutsch Memel)* makes the document's *Memel* Klaipėda, but not the one the text
    names as a river: *am Zusammenfluss von Memel (litauisch: Nemunas) und Neris*."""
    context = "Klaipėda (deutsch Memel) ist die Hafenstadt Litauens."
    mentions = [
        Mention("Klaipėda", "LOC", doc="a", context=context),
        Mention("Memel", "LOC", doc="a", context=context),
        Mention("Memel", "LOC", doc="a", context="Die Stadt liegt am Zusammenfluss von Memel (litauisch: Nemunas) und Neris."),
    ]
    found = [r.entity_id for r in Resolver.from_aliases((), default_aliases=False).resolve_mentions(mentions)]
    assert found[1] == found[0] != found[2] == "new:loc:fluss-memel"
