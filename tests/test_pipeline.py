"""The spaCy components ``entitykit_mentions`` and ``entitykit_resolver`` and ``entitykit.load()``.

Everything here runs on ``spacy.blank("de")``; where a test needs NER entities they are placed by
hand (an entity ruler named "ner"), so the tests check entitykit, not a statistical model. The
reference article end to end with the bundled model is marked ``slow``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin, Span
from thinc.api import ConfigValidationError

from entitykit.aliases import AliasRegistry
from entitykit.errors import RegistryError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "aliases_mini.jsonl"
METHODS = {"exact", "alias", "fuzzy", "acronym", "translit", "gazetteer", "coref", "cluster", "new"}


@pytest.fixture(scope="module")
def registry() -> AliasRegistry:
    return AliasRegistry.from_sources(MINI)


def mention_pipeline(registry=None):
    nlp = spacy.blank("de")
    nlp.add_pipe("entitykit_mentions").initialize(registry=registry, default_aliases=False)
    return nlp


def ents(doc) -> list[tuple[str, str]]:
    return [(ent.text, ent.label_) for ent in doc.ents]


# --- entitykit_mentions: names inside compounds ---------------------------------------------

COMPOUNDS_ANY_REGISTRY = [
    # the reference article: OVKAS only ever occurs inside this compound
    ("Nuer OVKAS-Generalsekretär kann Belarus schon im Februar besuchen", [("OVKAS", "ORG")]),
    ("den neuen OVKS-Generalsekretär der Leitung des OVKS-Sekretariats", [("OVKS", "ORG"), ("OVKS", "ORG")]),
    ("des Gemeinsamen OVKS-Stabes", [("OVKS", "ORG")]),
    ("den Vertretern der OVKS-Mitgliedstaaten in Moskau", [("OVKS", "ORG")]),
    ("Sanktionen der EU-Staaten", [("EU", "ORG")]),
    ("Die EU- und NATO-Staaten", [("EU", "ORG"), ("NATO", "ORG")]),
    ("im GUS-Raum und in der SOZ-Region", [("GUS", "ORG"), ("SOZ", "ORG")]),
    ("die NATO-Ost-Erweiterung", [("NATO", "ORG")]),
]


NER_COMPOUNDS = [
    # a statistical NER may tag the whole compound; the entity part takes its place
    ("Nuer OVKAS-Generalsekretär kann im Februar kommen", "OVKAS-Generalsekretär", "ORG", [("OVKAS", "ORG")]),
    ("Der Lukaschenko-Regime-Kritiker sprach", "Lukaschenko-Regime-Kritiker", "PER", [("Lukaschenko", "PER")]),
    # names that are hyphenated themselves stay whole
    ("Wahlen in Baden-Württemberg", "Baden-Württemberg", "LOC", [("Baden-Württemberg", "LOC")]),
    ("Flug nach Nur-Sultan", "Nur-Sultan", "LOC", [("Nur-Sultan", "LOC")]),
    ("Der UN-Sicherheitsrat tagt", "UN-Sicherheitsrat", "ORG", [("UN-Sicherheitsrat", "ORG")]),
]


@pytest.mark.parametrize("text, tagged, label, expected", NER_COMPOUNDS)
def test_a_whole_compound_tagged_by_ner_gives_way_to_its_entity_part(text, tagged, label, expected, registry):
    from entitykit.aliases import default_registry

    nlp = spacy.blank("de")
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns([{"label": label, "pattern": tagged}])
    nlp.add_pipe("entitykit_mentions").initialize(registry=default_registry(), default_aliases=False)
    doc = nlp(text)
    assert ents(doc) == expected
    assert doc.text == text


@pytest.mark.parametrize("with_registry", [True, False], ids=["registry", "no-registry"])
@pytest.mark.parametrize("text, expected", COMPOUNDS_ANY_REGISTRY)
def test_acronym_compounds_give_mentions_of_the_acronym(text, expected, with_registry, registry):
    nlp = mention_pipeline(registry if with_registry else None)
    doc = nlp(text)
    assert ents(doc) == expected
    assert doc.text == text  # splitting tokens never changes the text


COMPOUNDS_WITH_REGISTRY = [
    ("Das Lukaschenko-Regime reagierte", [("Lukaschenko", "PER")]),
    ("Anti-Lukaschenko-Proteste in Minsk", [("Lukaschenko", "PER"), ("Minsk", "LOC")]),
    ("US-Präsident Joe Biden", [("US", "LOC")]),  # the registry says US is a place, not ORG
    ("nach Nur-Sultan gereist", [("Nur-Sultan", "LOC")]),  # a hyphenated name stays whole
    ("Wolfowitsch-Vertraute", [("Wolfowitsch", "PER")]),
]


@pytest.mark.parametrize("text, expected", COMPOUNDS_WITH_REGISTRY)
def test_registry_names_inside_compounds(text, expected, registry):
    assert ents(mention_pipeline(registry)(text)) == expected


NOT_ENTITIES = [
    "Die PKW-Maut kommt",  # common-noun acronyms
    "per SMS-Nachricht",
    "ein KI-Modell",
    "Friedens- und Einsatztruppen",  # a truncated compound, no acronym
    "der Ost-West-Konflikt",
    "eine E-Mail",  # one capital is no acronym
    "der CO2-Ausstoß",
    "Baden-Württemberg",  # not in any registry: NER's job
    "Nur-Sultan",  # known only through the registry
]


@pytest.mark.parametrize("text", NOT_ENTITIES)
def test_no_mentions_without_evidence(text):
    assert ents(mention_pipeline(None)(text)) == []


def test_compound_span_covers_exactly_the_entity_part():
    text = "Nuer OVKAS-Generalsekretär kann Belarus besuchen"
    doc = mention_pipeline(None)(text)
    (ent,) = doc.ents
    assert (ent.start_char, ent.end_char) == (5, 10)
    assert text[ent.start_char : ent.end_char] == "OVKAS"
    assert [t.text for t in doc[ent.start : ent.end + 2]] == ["OVKAS", "-", "Generalsekretär"]


REGISTRY_NAMES_ANYWHERE = [
    ("Der Generalsekretär der Organisation des Vertrags über kollektive Sicherheit",
     [("Organisation des Vertrags über kollektive Sicherheit", "ORG")]),
    ("Das sagte Lukaschenko am Montag", [("Lukaschenko", "PER")]),
    ("Lukaschenkos Sprecher", [("Lukaschenkos", "PER")]),  # genitive
    ("Alexander Wolfowutsch sagte", [("Wolfowutsch", "PER")]),  # one letter off a known alias
    ("Der Besuch in Мінск", [("Мінск", "LOC")]),
    ("Sie reisten in die USA", [("USA", "LOC")]),
]


@pytest.mark.parametrize("text, expected", REGISTRY_NAMES_ANYWHERE)
def test_registry_names_that_ner_missed(text, expected, registry):
    assert ents(mention_pipeline(registry)(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Die Sicherheit im Sicherheitsrat",  # capitalised nouns, not names
        "Der Präsident kam nach Pinks",  # Pinsk is too short for a one-letter slip
        "Der Minister sprach",
    ],
)
def test_capitalised_words_are_not_names(text, registry):
    assert ents(mention_pipeline(registry)(text)) == []


def test_ner_entities_win_on_overlap(registry):
    nlp = mention_pipeline(registry)
    doc = nlp.make_doc("Der OVKS-Generalsekretär traf Alexander Lukaschenko in Minsk.")
    doc.ents = [Span(doc, 3, 5, label="PER"), Span(doc, 6, 7, label="ORG")]  # say, a club called Minsk
    doc = nlp.get_pipe("entitykit_mentions")(doc)
    assert ents(doc) == [("OVKS", "ORG"), ("Alexander Lukaschenko", "PER"), ("Minsk", "ORG")]


def test_split_keeps_the_syntactic_head_of_the_compound():
    nlp = spacy.blank("de")
    doc = nlp.make_doc("Der OVKS-Generalsekretär kam")
    doc[1].head = doc[2]
    doc[2].head = doc[2]
    doc[0].head = doc[1]
    for token in doc:
        token.dep_ = "ROOT" if token.i == 2 else "nk"
    mentions = nlp.add_pipe("entitykit_mentions")
    mentions.initialize(default_aliases=False)
    doc = mentions(doc)
    assert [t.text for t in doc] == ["Der", "OVKS", "-", "Generalsekretär", "kam"]
    assert doc[3].head.text == "kam"  # the head noun of the compound keeps its attachment
    assert doc[1].head.text == doc[2].head.text == "Generalsekretär"


def annotated_doc(nlp, words_tags_deps_heads_lemmas):
    """A Doc as a pipeline with tagger, parser and lemmatizer leaves it (set by hand)."""
    from spacy.tokens import Doc

    words, tags, deps, heads, lemmas = map(list, zip(*words_tags_deps_heads_lemmas))
    return Doc(nlp.vocab, words=words, tags=tags, deps=deps, heads=heads, lemmas=lemmas)


def test_split_of_a_tagged_parsed_lemmatised_compound_leaves_a_sound_doc():
    # md's lemmatizer changes the inflected head (-kräften -> -kraft); a string the split
    # produces ("Schnellreaktionskraft", "OVKS", "NE", "$(", "pnc") was never in the StringStore.
    nlp = spacy.blank("de")
    doc = annotated_doc(nlp, [
        ("Die", "ART", "nk", 1, "der"),
        ("OVKS-Schnellreaktionskräften", "NN", "sb", 2, "OVKS-Schnellreaktionskraft"),
        ("kamen", "VVFIN", "ROOT", 2, "kommen"),
    ])
    assert doc.has_annotation("TAG") and doc.has_annotation("DEP") and doc.has_annotation("LEMMA")
    mentions = nlp.add_pipe("entitykit_mentions")
    mentions.initialize(default_aliases=False)
    doc = mentions(doc)
    assert [(t.text, t.tag_, t.dep_, t.lemma_) for t in doc] == [
        ("Die", "ART", "nk", "der"),
        ("OVKS", "NE", "pnc", "OVKS"),
        ("-", "$(", "punct", "-"),
        ("Schnellreaktionskräften", "NN", "sb", "Schnellreaktionskraft"),
        ("kamen", "VVFIN", "ROOT", "kommen"),
    ]
    assert ents(doc) == [("OVKS", "ORG")]
    from spacy.tokens import Doc

    assert [t.lemma_ for t in Doc(nlp.vocab).from_bytes(doc.to_bytes())] == [t.lemma_ for t in doc]
    assert doc.to_json()["tokens"][3]["lemma"] == "Schnellreaktionskraft"


def test_a_compound_split_in_an_md_shaped_pipeline_leaves_a_sound_doc(md_pipeline_path):
    """issue 11, item 21, with a tagger, parser and lemmatizer that really run: the whole
    de_core_news_md-shaped pipeline (``exclude=[]``) lemmatises *OVKS-Schnellreaktionskräften*
    to *OVKS-Schnellreaktionskraft*; the split makes *Schnellreaktionskraft* and the tag ``$(``,
    which this pipeline's strings never had (token.lemma_, to_bytes, to_json: KeyError E018)."""
    from md_pipeline import COMPOUND_SENTENCE
    from spacy.tokens import Doc

    from entitykit.pipeline import load

    nlp = load(md_pipeline_path, exclude=[], default_aliases=False)
    assert nlp.pipe_names[:5] == ["tok2vec", "tagger", "morphologizer", "parser", "lemmatizer"]
    assert "Schnellreaktionskraft" not in nlp.vocab.strings and "$(" not in nlp.vocab.strings
    doc = nlp(COMPOUND_SENTENCE)
    assert [(t.text, t.tag_, t.dep_, t.lemma_) for t in doc[1:5]] == [
        ("den", "ART", "nk", "der"),
        ("OVKS", "NE", "pnc", "OVKS"),
        ("-", "$(", "punct", "-"),
        ("Schnellreaktionskräften", "NN", "nk", "Schnellreaktionskraft"),
    ]
    assert [t.head.text for t in doc[2:5]] == ["Schnellreaktionskräften", "Schnellreaktionskräften", "Mit"]
    assert ents(doc) == [("OVKS", "ORG"), ("Lukaschenko", "PER"), ("Moskau", "LOC")]
    restored = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert [(t.tag_, t.dep_, t.lemma_) for t in restored] == [(t.tag_, t.dep_, t.lemma_) for t in doc]
    assert [token["lemma"] for token in doc.to_json()["tokens"]][1:5] == ["der", "OVKS", "-", "Schnellreaktionskraft"]
    (stored,) = DocBin().from_bytes(DocBin(docs=[doc]).to_bytes()).get_docs(nlp.vocab)
    assert [t.lemma_ for t in stored] == [t.lemma_ for t in doc] and ents(stored) == ents(doc)


def test_mention_config_is_validated():
    from entitykit.errors import InputError

    nlp = spacy.blank("de")
    with pytest.raises(InputError, match="acronym_label"):
        nlp.add_pipe("entitykit_mentions", config={"acronym_label": "ORGANISATION"})


def test_acronym_stoplist_is_configurable():
    nlp = spacy.blank("de")
    nlp.add_pipe("entitykit_mentions", config={"non_entity_acronyms": ["EU"]}).initialize(default_aliases=False)
    assert ents(nlp("EU-Staaten und NATO-Staaten")) == [("NATO", "ORG")]


# --- entitykit_resolver -------------------------------------------------------------------------

ARTICLE_PATTERNS = [
    {"label": "PER", "pattern": [{"TEXT": "Alexander"}, {"TEXT": {"IN": ["Lukaschenko", "Wolfowitsch", "Wolfowutsch"]}}]},
    {"label": "PER", "pattern": [{"TEXT": "Imangali"}, {"TEXT": "Tasmagambetow"}]},
    {"label": "ORG", "pattern": "OVKS"},
    {"label": "LOC", "pattern": "Belarus"},
    {"label": "LOC", "pattern": "Moskau"},
]


def article_pipeline(*, registry: bool):
    """Blank German + hand-placed 'NER' (an entity ruler) + both entitykit components."""
    nlp = spacy.blank("de")
    nlp.add_pipe("entity_ruler", name="ner").add_patterns(ARTICLE_PATTERNS)
    nlp.add_pipe("entitykit_mentions").initialize(default_aliases=registry)
    nlp.add_pipe("entitykit_resolver").initialize(default_aliases=registry)
    return nlp


def ids_of(doc, text: str) -> set[str]:
    return {ent.kb_id_ for ent in doc.ents if ent.text == text}


@pytest.mark.parametrize("with_registry", [True, False], ids=["default-registry", "no-registry"])
def test_reference_article_variants_are_one_entity(with_registry, example_text):
    doc = article_pipeline(registry=with_registry)(example_text)
    (ovkas,) = ids_of(doc, "OVKAS")  # found only inside "OVKAS-Generalsekretär"
    assert ids_of(doc, "OVKS") == {ovkas}
    assert ids_of(doc, "Alexander Wolfowutsch") == ids_of(doc, "Alexander Wolfowitsch")
    assert len(ids_of(doc, "Alexander Wolfowitsch")) == 1
    # ... and different people stay different
    assert ids_of(doc, "Alexander Wolfowitsch") != ids_of(doc, "Alexander Lukaschenko")
    assert not any(ent.text == "Nuer" for ent in doc.ents)
    if with_registry:
        assert ovkas == "org:ovks"
        assert ids_of(doc, "Alexander Wolfowutsch") == {"per:alexander-wolfowitsch"}


def test_every_entity_gets_id_canonical_score_and_method(example_text):
    doc = article_pipeline(registry=True)(example_text)
    assert len(doc.ents) > 20
    for ent in doc.ents:
        assert ent.kb_id_
        assert ent._.canonical
        assert 0 <= ent._.score <= 100
        assert ent._.method in METHODS
    wolfowutsch = next(ent for ent in doc.ents if ent.text == "Alexander Wolfowutsch")
    assert wolfowutsch._.canonical == "Alexander Wolfowitsch"
    assert wolfowutsch._.method == "fuzzy" and wolfowutsch._.score < 100


def test_surname_links_to_full_name_in_the_same_document(registry):
    nlp = spacy.blank("de")
    nlp.add_pipe("entitykit_resolver").initialize(default_aliases=False)
    doc = nlp.make_doc("Imangali Tasmagambetow kam. Tasmagambetow sprach.")
    doc.ents = [Span(doc, 0, 2, label="PER"), Span(doc, 4, 5, label="PER")]
    doc = nlp.get_pipe("entitykit_resolver")(doc)
    full, surname = doc.ents
    assert surname.kb_id_ == full.kb_id_
    assert surname._.method == "coref"


def test_pipe_clusters_across_the_batch_and_single_calls_within_the_doc():
    nlp = spacy.blank("de")
    nlp.add_pipe("entitykit_mentions").initialize(default_aliases=False)
    nlp.add_pipe("entitykit_resolver").initialize(default_aliases=False)

    def with_person(text):
        doc = nlp.make_doc(text)
        doc.ents = [Span(doc, 1, 3, label="PER")]
        return doc

    texts = ["Generalsekretär Imangali Tasmagambetow sagte", "Generalsekretär Imangali Tasmagambetov sagte"]
    batch = list(nlp.pipe(with_person(text) for text in texts))
    assert batch[0].ents[0].kb_id_ == batch[1].ents[0].kb_id_
    alone = [nlp(with_person(text)) for text in texts]
    assert alone[0].ents[0].kb_id_ != alone[1].ents[0].kb_id_


def test_with_cluster_off_unknown_names_keep_their_own_ids_for_a_corpus_step():
    nlp = spacy.blank("de")
    nlp.add_pipe("entitykit_resolver", config={"cluster": False}).initialize(default_aliases=False)
    docs = []
    for text in ["Imangali Tasmagambetow sagte", "Imangali Tasmagambetov und Tasmagambetov"]:
        doc = nlp.make_doc(text)
        doc.ents = [Span(doc, 0, 2, label="PER")] + ([Span(doc, 3, 4, label="PER")] if len(doc) > 3 else [])
        docs.append(doc)
    found = [(e.text, e.kb_id_, e._.method, e._.matched) for doc in nlp.pipe(docs) for e in doc.ents]
    assert found == [
        ("Imangali Tasmagambetow", "new:per:imangali-tasmagambetow", "new", None),
        ("Imangali Tasmagambetov", "new:per:imangali-tasmagambetov", "new", None),
        ("Tasmagambetov", "new:per:imangali-tasmagambetov", "coref", "Imangali Tasmagambetov"),
    ]


def test_a_misspelt_setting_is_named_next_to_the_allowed_ones():
    nlp = spacy.blank("de")
    with pytest.raises(ConfigValidationError) as caught:
        nlp.add_pipe("entitykit_resolver", config={"score_cutof": 90})
    message = str(caught.value)
    assert "unexpected argument: 'score_cutof'" in message
    assert all(f"'{name}'" in message for name in ("score_cutoff", "cross_label_penalty", "min_typo_length"))
    with pytest.raises(ConfigValidationError) as caught:
        nlp.add_pipe("entitykit_resolver", config={"score_cutoff": "high"})
    assert "entitykit_resolver -> score_cutoff" in str(caught.value)


def test_labels_outside_per_org_loc_misc_are_left_alone():
    nlp = spacy.blank("de")
    nlp.add_pipe("entitykit_resolver").initialize(default_aliases=False)
    doc = nlp.make_doc("Am 10. Januar in Minsk")
    doc.ents = [Span(doc, 1, 3, label="DATE"), Span(doc, 4, 5, label="LOC")]
    doc = nlp.get_pipe("entitykit_resolver")(doc)
    date, place = doc.ents
    assert date.kb_id_ == "" and date._.method is None
    assert place.kb_id_ and place._.method == "new"


def test_nlp_initialize_takes_the_registry_from_the_config(registry):
    nlp = spacy.blank("de")
    nlp.add_pipe("entitykit_mentions")
    nlp.add_pipe("entitykit_resolver")
    settings = {"aliases": [str(MINI)], "default_aliases": False}
    nlp.config["initialize"]["components"] = {"entitykit_mentions": settings, "entitykit_resolver": settings}
    nlp.initialize()
    assert len(nlp.get_pipe("entitykit_resolver").registry) == len(registry)  # not the default
    doc = nlp("Das Lukaschenko-Regime")
    assert [(e.text, e.kb_id_) for e in doc.ents] == [("Lukaschenko", "per:alexander-lukaschenko")]


def test_settings_in_the_component_config_reach_the_resolver(registry):
    def wolfowutsch(config):
        nlp = spacy.blank("de")
        nlp.add_pipe("entitykit_resolver", config=config).initialize(registry=registry)
        doc = nlp.make_doc("Alexander Wolfowutsch sagte")
        doc.ents = [Span(doc, 0, 2, label="PER")]
        return nlp.get_pipe("entitykit_resolver")(doc).ents[0]

    assert wolfowutsch({}).kb_id_ == "per:alexander-wolfowitsch"
    strict = wolfowutsch({"score_cutoff": 99})
    assert strict.kb_id_ != "per:alexander-wolfowitsch" and strict._.method == "new"


# --- saving and loading -------------------------------------------------------------------------


def test_to_disk_and_spacy_load_keep_the_registry(tmp_path, registry, example_text):
    custom = tmp_path / "extra.jsonl"
    custom.write_text(
        '{"id": "per:imangali-t", "label": "PER", "name": "Imangali Tasmagambetow", "aliases": ["Tasmagambetov"]}\n',
        encoding="utf-8",
    )
    nlp = spacy.blank("de")
    nlp.add_pipe("entity_ruler", name="ner").add_patterns(ARTICLE_PATTERNS)
    nlp.add_pipe("entitykit_mentions").initialize(aliases=[MINI, custom], default_aliases=False)
    nlp.add_pipe("entitykit_resolver").initialize(aliases=[MINI, custom], default_aliases=False)
    before = [(e.text, e.kb_id_, e._.method) for e in nlp(example_text).ents]
    nlp.to_disk(tmp_path / "pipeline")
    custom.unlink()  # the saved pipeline must not need the original files

    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == ["ner", "entitykit_mentions", "entitykit_resolver"]
    after = [(e.text, e.kb_id_, e._.method) for e in loaded(example_text).ents]
    assert after == before
    assert ("Imangali Tasmagambetow", "per:imangali-t", "exact") in after
    assert len(loaded.get_pipe("entitykit_resolver").registry) == len(registry) + 1


def test_a_pipeline_saved_without_registry_loads_without_one(tmp_path):
    nlp = spacy.blank("de")
    nlp.add_pipe("entitykit_mentions").initialize(default_aliases=False)
    nlp.add_pipe("entitykit_resolver").initialize(default_aliases=False)
    nlp.to_disk(tmp_path / "bare")
    loaded = spacy.load(tmp_path / "bare")
    doc = loaded.make_doc("in Minsk")
    doc.ents = [Span(doc, 1, 2, label="LOC")]
    doc = loaded.get_pipe("entitykit_resolver")(doc)
    assert doc.ents[0]._.method == "new"  # the default registry would say "exact"
    assert loaded.get_pipe("entitykit_resolver").registry is None


def test_to_bytes_round_trip(registry):
    nlp = mention_pipeline(registry)
    nlp.add_pipe("entitykit_resolver").initialize(registry=registry)
    copy = spacy.blank("de")
    copy.add_pipe("entitykit_mentions")
    copy.add_pipe("entitykit_resolver")
    copy.from_bytes(nlp.to_bytes())
    doc = copy("Das Lukaschenko-Regime")
    assert [(e.text, e.kb_id_) for e in doc.ents] == [("Lukaschenko", "per:alexander-lukaschenko")]


def test_kb_id_and_extensions_survive_docbin(example_text):
    nlp = article_pipeline(registry=True)
    doc = nlp(example_text)
    expected = [(e.text, e.start_char, e.kb_id_, e._.canonical, e._.method) for e in doc.ents]
    data = DocBin(docs=[doc], store_user_data=True).to_bytes()
    (restored,) = DocBin().from_bytes(data).get_docs(nlp.vocab)
    assert [(e.text, e.start_char, e.kb_id_, e._.canonical, e._.method) for e in restored.ents] == expected
    assert ("OVKAS", "org:ovks") in {(e.text, e.kb_id_) for e in restored.ents}


# --- entitykit.load() ---------------------------------------------------------------------------


def test_load_adds_both_components_with_the_default_registry(rule_pipeline_path):
    import entitykit

    nlp = entitykit.load(rule_pipeline_path)
    assert nlp.pipe_names[-2:] == ["entitykit_mentions", "entitykit_resolver"]
    assert nlp.pipe_names.index("ner") < nlp.pipe_names.index("entitykit_mentions")
    doc = nlp("Der OVKAS-Generalsekretär traf Präsident Alexander Lukaschenko in Minsk.")
    assert {(e.text, e.kb_id_) for e in doc.ents} >= {
        ("OVKAS", "org:ovks"),
        ("Alexander Lukaschenko", "per:alexander-lukaschenko"),
        ("Minsk", "loc:minsk"),
    }


def test_load_without_default_aliases_has_no_registry(rule_pipeline_path):
    import entitykit

    nlp = entitykit.load(rule_pipeline_path, default_aliases=False)
    assert nlp.get_pipe("entitykit_resolver").registry is None
    doc = nlp("Der OVKAS-Generalsekretär und die OVKS in Minsk.")
    assert {e.text for e in doc.ents} >= {"OVKS", "OVKAS"}
    (entity_id,) = {e.kb_id_ for e in doc.ents if e.text in {"OVKS", "OVKAS"}}
    assert entity_id.startswith("new:org:")  # no registry id: clustered


def test_load_with_extra_aliases_only(rule_pipeline_path, registry):
    import entitykit

    nlp = entitykit.load(rule_pipeline_path, aliases=[MINI], default_aliases=False)
    assert len(nlp.get_pipe("entitykit_resolver").registry) == len(registry)
    doc = nlp("Anti-Lukaschenko-Proteste in Minsk")
    assert [(e.text, e.kb_id_) for e in doc.ents] == [
        ("Lukaschenko", "per:alexander-lukaschenko"),
        ("Minsk", "loc:minsk"),
    ]


def test_load_of_a_saved_entitykit_pipeline_keeps_its_registry_unless_told(rule_pipeline_path, registry, tmp_path):
    import entitykit

    entitykit.load(rule_pipeline_path, aliases=[MINI], default_aliases=False).to_disk(tmp_path / "saved")
    kept = entitykit.load(tmp_path / "saved")
    assert kept.pipe_names.count("entitykit_resolver") == 1
    assert len(kept.get_pipe("entitykit_resolver").registry) == len(registry)
    assert [e.kb_id_ for e in kept("Anti-Lukaschenko-Proteste").ents] == ["per:alexander-lukaschenko"]
    bare = entitykit.load(tmp_path / "saved", default_aliases=False)
    assert bare.get_pipe("entitykit_resolver").registry is None
    assert [e.kb_id_ for e in bare("Anti-Lukaschenko-Proteste").ents] == []


def test_load_rejects_a_bad_registry_before_loading_the_model(tmp_path):
    import entitykit

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "label": "PER", "name": "X", "aliases": []}\n{"id": "y", "label": "PERSON"}\n', encoding="utf-8")
    with pytest.raises(RegistryError, match=r"bad\.jsonl:2"):
        entitykit.load("/no/such/model", aliases=[bad])


# --- the real model -------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("with_registry", [True, False], ids=["default-registry", "no-registry"])
def test_reference_article_with_the_bundled_model(with_registry, example_text):
    import entitykit
    from entitykit.models import bundled_model_path

    if not (bundled_model_path() / "config.cfg").is_file():
        pytest.skip("bundled model not built yet")
    doc = entitykit.load(default_aliases=with_registry)(example_text)
    # NER may tag a whole compound ("OVKS-Generalsekretär"); then NER wins and the resolver
    # reads the compound's head. Either way every OVKS/OVKAS mention is one entity.
    ovks = [e for e in doc.ents if e.text.split("-")[0] in {"OVKS", "OVKAS"}]
    assert any(e.text.startswith("OVKAS") for e in ovks)
    assert len({e.kb_id_ for e in ovks}) == 1
    persons = [e for e in doc.ents if "Wolfowitsch" in e.text or "Wolfowutsch" in e.text]
    assert any("Wolfowutsch" in e.text for e in persons)
    assert len({e.kb_id_ for e in persons}) == 1
    assert {e.kb_id_ for e in persons}.isdisjoint(e.kb_id_ for e in doc.ents if "Lukaschenko" in e.text)
    assert not any(e.text == "Nuer" for e in doc.ents)
    if with_registry:
        assert {e.kb_id_ for e in ovks} == {"org:ovks"}


def test_one_name_in_one_document_is_one_entity_whatever_ner_called_it():
    nlp = spacy.blank("de")
    nlp.add_pipe("entitykit_resolver").initialize(default_aliases=False)
    doc = nlp.make_doc("Leipzig gewann . Leipzig liegt in Sachsen . In Leipzig regnet es .")
    doc.ents = [Span(doc, 0, 1, label="ORG"), Span(doc, 3, 4, label="LOC"), Span(doc, 9, 10, label="LOC")]
    doc = nlp.get_pipe("entitykit_resolver")(doc)
    assert [(ent.label_, ent.kb_id_, ent._.ner_label) for ent in doc.ents] == [
        ("LOC", "new:loc:leipzig", "ORG"), ("LOC", "new:loc:leipzig", None), ("LOC", "new:loc:leipzig", None)
    ]
