"""The Brown-cluster table of the bundled NER: it travels inside the tok2vec layer as two arrays,
gives every word the value it had in the vocab's lookups table, and is written there by training."""

import pickle
from pathlib import Path

import numpy
import pytest
import spacy
import srsly

from entitykit.models import bundled_model_path
from entitykit.ner_model import (
    CLUSTER_ATTR,
    CLUSTER_TABLE,
    FREQ_BITS,
    GAZETTEER_ATTR,
    GAZETTEER_FLAGS,
    ClusterTable,
    forget_vectors_source,
    gazetteer_values,
    move_cluster_table,
    set_cluster_table,
    with_upper_case,
)

# Packed values ((cluster << FREQ_BITS) | frequency band) read from the bundled model's vocab
# lookups table before the table moved into the layer (commit 7916d08).
KNOWN_WORDS = [
    ("Merkel", 1292),
    ("Schmidt", 1292),  # the same cluster and band as Merkel: surnames cluster together
    ("Lukaschenko", 1297),
    ("Haus", 128681),
    ("Regierung", 5035),
    ("Minsk", 31248),
    ("Berlin", 2569),
    ("der", 4066),
    ("und", 833),
    ("LOC", 245651),  # a word spaCy stores as a symbol id, not a hash
    (".", 0),
    ("Tasmagambetow", 0),  # not among the million words
]

SMALL_EMBED = {
    "@architectures": "spacy.Tok2Vec.v2",
    "embed": {
        "@architectures": "entitykit.LexiconEmbed.v1",
        "width": 16,
        "attrs": ["NORM", "SHAPE"],
        "rows": [100, 50],
        "cluster_shifts": [0, 2],
        "cluster_rows": 50,
    },
    "encode": {
        "@architectures": "spacy.MaxoutWindowEncoder.v2",
        "width": 16,
        "depth": 1,
        "window_size": 1,
        "maxout_pieces": 2,
    },
}


def cluster_tables(nlp) -> list[ClusterTable]:
    return [node.attrs[CLUSTER_ATTR] for node in nlp.get_pipe("tok2vec").model.walk() if CLUSTER_ATTR in node.attrs]


def gazetteer_tables(nlp) -> list[ClusterTable]:
    return [node.attrs[GAZETTEER_ATTR] for node in nlp.get_pipe("tok2vec").model.walk() if GAZETTEER_ATTR in node.attrs]


def lexicon_features(nlp):
    return next(node for node in nlp.get_pipe("tok2vec").model.walk() if node.name == "lexicon_features")


def small_pipeline(**embed):
    """A tiny tok2vec pipeline; ``embed`` replaces settings of SMALL_EMBED's embedding layer."""
    nlp = spacy.blank("de")
    nlp.add_pipe("tok2vec", config={"model": {**SMALL_EMBED, "embed": {**SMALL_EMBED["embed"], **embed}}})
    nlp.initialize()
    return nlp


@pytest.fixture(scope="module")
def bundled_ner():
    if not (bundled_model_path() / "config.cfg").is_file():
        pytest.skip("bundled model not built yet")
    return spacy.load(bundled_model_path())


@pytest.mark.slow
@pytest.mark.parametrize(("word", "packed"), KNOWN_WORDS)
def test_known_words_get_the_cluster_values_they_had(bundled_ner, word, packed):
    doc = bundled_ner.make_doc(f"Heute {word} heute")
    [table] = cluster_tables(bundled_ner)
    assert table.lookup([doc[1].orth]).tolist() == [packed]
    features = lexicon_features(bundled_ner).predict([doc])[0]
    # columns: NORM, PREFIX, SUFFIX, SHAPE, the cluster at shifts 0/2/4/6, the frequency band
    assert features[1, 4] == packed >> FREQ_BITS
    assert features[1, 7] == packed >> FREQ_BITS >> 6
    assert features[1, 8] == packed & ((1 << FREQ_BITS) - 1)


@pytest.mark.slow
@pytest.mark.parametrize(("word", "capitals"), [("Minsk", "MINSK"), ("Lukaschenko", "LUKASCHENKO"), ("Werchowna", "WERCHOWNA")])
def test_headline_capitals_get_the_cluster_of_the_word_in_the_bundled_pipeline(bundled_ner, word, capitals):
    doc = bundled_ner.make_doc(f"{word} {capitals}")
    features = lexicon_features(bundled_ner).predict([doc])[0]
    # columns 4 to 8: the cluster at shifts 0/2/4/6 and the frequency band
    assert features[0, 4:9].tolist() == features[1, 4:9].tolist() and features[0, 4] != 0


@pytest.mark.slow
def test_capitals_the_cluster_list_has_keep_their_own_cluster(bundled_ner):
    """MOSKAU is in the cluster list itself (datelines of the corpus the clusters were learnt on)."""
    features = lexicon_features(bundled_ner).predict([bundled_ner.make_doc("Moskau MOSKAU")])[0]
    assert features[:, 4].tolist() == [208, 633]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("MINSK", ["person", "city", "place_alone", "org_more"]),
        ("Außenministerium", ["org", "head"]),
        ("Lukaschenko", ["person"]),
        ("GmbH", ["legal"]),
        ("Rahmen", []),  # a frequent noun: no name part, whatever Wikidata's surname list says
        ("der", []),
    ],
)
def test_the_bundled_pipeline_knows_the_gazetteer_flags_of_a_word_in_any_case(bundled_ner, word, parts):
    [table] = gazetteer_tables(bundled_ner)
    (value,) = table.lookup([bundled_ner.vocab.strings.add(word.lower())]).tolist()
    assert flags(value) == parts


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "entities"),
    [
        ("MINSK (BelTA) - Präsident Alexander Lukaschenko traf die Delegation.",
         [("MINSK", "LOC"), ("BelTA", "ORG"), ("Alexander Lukaschenko", "PER")]),
        ("MOSKAU, 3. Mai. Die OVKS tagt.", [("MOSKAU", "LOC"), ("OVKS", "ORG")]),
        ("Die A7 ist in beiden Richtungen gesperrt.", [("A7", "LOC")]),
        ("Die Strecke ist in beide Fahrtrichtungen voll gesperrt.", []),
    ],
)
def test_the_bundled_pipeline_reads_datelines_in_capitals_and_no_directions_as_places(bundled_ner, text, entities):
    assert [(ent.text, ent.label_) for ent in bundled_ner(text).ents] == entities


@pytest.mark.slow
def test_the_bundled_pipeline_has_its_table_in_the_layer_and_none_in_the_vocab(bundled_ner):
    [table] = cluster_tables(bundled_ner)
    assert len(table) == 1_000_000  # a million words; their capitals are read at run time (upper_case)
    assert len(gazetteer_tables(bundled_ner)[0]) > 500_000
    assert bundled_ner.vocab.lookups.tables == []
    lookups = bundled_model_path() / "vocab" / "lookups.bin"
    assert not lookups.exists() or lookups.stat().st_size < 1_000


@pytest.mark.slow
def test_the_bundled_pipeline_ships_no_training_words_but_has_its_labels_and_exceptions(bundled_ner):
    import json

    strings = json.loads((bundled_model_path() / "vocab" / "strings.json").read_text(encoding="utf-8"))
    assert strings == []  # training/build.py drops them: nothing reads them and they took long to load
    assert bundled_ner.get_pipe("ner").labels == ("LOC", "MISC", "ORG", "PER")
    assert all(label in bundled_ner.vocab.strings for label in ("LOC", "MISC", "ORG", "PER"))
    assert [token.text for token in bundled_ner.make_doc("Das gilt z.B. für Minsk.")] == ["Das", "gilt", "z.B.", "für", "Minsk", "."]


@pytest.mark.slow
def test_the_bundled_pipeline_pickles_with_its_table(bundled_ner):
    text = "Lukaschenko traf Merkel in Minsk."
    copy = pickle.loads(pickle.dumps(bundled_ner))
    before, after = bundled_ner(text), copy(text)
    assert [(ent.text, ent.label_) for ent in after.ents] == [(ent.text, ent.label_) for ent in before.ents]
    assert numpy.array_equal(before.tensor, after.tensor)


def test_the_table_survives_to_disk_and_pickle(tmp_path):
    nlp = small_pipeline()
    assert set_cluster_table(nlp, ClusterTable.from_dict({"Merkel": 1292, "Haus": 128681, "LOC": 245651})) == 1
    nlp.to_disk(tmp_path / "small")
    for copy in (spacy.load(tmp_path / "small"), pickle.loads(pickle.dumps(nlp))):
        doc = copy.make_doc("Merkel Haus LOC Minsk")
        assert cluster_tables(copy)[0].lookup(doc.to_array("ORTH")).tolist() == [1292, 128681, 245651, 0]


def test_a_pipeline_saved_with_the_old_lookups_table_keeps_its_features_and_can_move_it(tmp_path):
    nlp = small_pipeline()
    nlp.vocab.lookups.add_table(CLUSTER_TABLE, {"Merkel": 1292, "Haus": 128681})
    text = "Merkel kaufte ein Haus in Minsk."
    old_tensor = nlp(text).tensor
    nlp.to_disk(tmp_path / "old")
    old = spacy.load(tmp_path / "old")
    assert numpy.array_equal(old(text).tensor, old_tensor)  # read from the vocab as before

    assert move_cluster_table(old) is True
    assert old.vocab.lookups.tables == [] and len(cluster_tables(old)[0]) == 2
    old.to_disk(tmp_path / "moved")
    moved = spacy.load(tmp_path / "moved")
    assert numpy.array_equal(moved(text).tensor, old_tensor)
    assert (tmp_path / "moved" / "tok2vec" / "model").stat().st_size > 0
    assert move_cluster_table(moved) is False


SMALL_NAME_WORDS = {
    "person": frozenset({"lukaschenko", "minsk"}),
    "area": frozenset({"belarus"}),
    "city": frozenset({"minsk", "frankfurt"}),
    "place": frozenset({"main", "am"}),
    "place_alone": frozenset({"minsk"}),
    "legal": frozenset({"gmbh", "ag"}),
    "org_word": frozenset({"airlines", "bank"}),
}


@pytest.fixture
def small_knowledge(monkeypatch):
    """A knowledge base of a few words, so that building the gazetteer table takes no time."""
    import entitykit.knowledge

    monkeypatch.setattr(entitykit.knowledge, "name_words", lambda: SMALL_NAME_WORDS)


def flags(value: int) -> list[str]:
    return [name for name, bit in GAZETTEER_FLAGS.items() if value & bit]


def test_gazetteer_flags_say_which_part_of_a_known_name_a_word_plays(small_knowledge):
    from entitykit.aliases import AliasRegistry, Entity

    registry = AliasRegistry(
        [Entity("org:odkb", "ORG", "Organisation des Vertrags über kollektive Sicherheit", ("OVKS",)),
         Entity("per:lukaschenko", "PER", "Alexander Lukaschenko")]
    )
    words = ["der", "am", "Der", "Minsk", "Frankfurt", "GmbH", "AG", "Außenministerium", "Sicherheitsrat", "Vorrat", "Main",
             "Airlines", "Bank"]
    values = gazetteer_values(words, registry)
    assert flags(values["minsk"]) == ["person", "city", "place_alone"]
    assert flags(values["organisation"]) == ["org", "head"]
    assert flags(values["sicherheit"]) == ["org_more"]
    assert flags(values["alexander"]) == ["person"]  # the registry's people
    assert flags(values["außenministerium"]) == flags(values["sicherheitsrat"]) == ["head"]
    assert values["gmbh"] == values["ag"] == GAZETTEER_FLAGS["legal"]
    assert flags(values["main"]) == ["place"]
    assert flags(values["airlines"]) == ["org_word"]  # a word of organisation names (rigour)
    assert flags(values["bank"]) == ["head", "org_word"]
    without = gazetteer_values(words, registry, org_words=False)  # as the pipelines before the flag
    assert "airlines" not in without and flags(without["bank"]) == ["head"]
    # noise control: words German writes small (der, am) play no part; two-letter words are only
    # legal forms; a compound that ends in a head noun but is none (Vorrat) is no institution
    assert "der" not in values and "am" not in values and "vorrat" not in values
    assert flags(values["ovks"]) == ["org"]


def test_headline_capitals_get_the_cluster_of_the_capitalised_word():
    packed = {"Moskau": 5, "EU": 7, "und": 9, "Haus": 11}
    table = with_upper_case(packed, list(packed), upper_words=3)
    assert table["MOSKAU"] == 5 and "UND" not in table and "HAUS" not in table  # Haus is beyond upper_words
    assert table["EU"] == 7


@pytest.mark.parametrize("upper_case", [True, False])
def test_words_in_capitals_read_the_cluster_of_their_capitalised_spelling_at_run_time(upper_case):
    v2 = {"@architectures": "entitykit.LexiconEmbed.v2", "gazetteer_rows": 0, "upper_case": upper_case}
    nlp = small_pipeline(**v2)
    set_cluster_table(nlp, ClusterTable.from_dict({"Moskau": 5 << FREQ_BITS | 3, "Nord-Ostsee": 6 << FREQ_BITS | 4, "MOSKAU": 9 << FREQ_BITS | 2}))
    doc = nlp.make_doc("Moskau MOSKAU Nord-Ostsee NORD-OSTSEE OVKS")
    clusters = lexicon_features(nlp).predict([doc])[0][:, 2].tolist()  # NORM, SHAPE, then the leaf cluster
    # MOSKAU is in the table itself and keeps its own; OVKS has no spelling the table knows
    assert clusters == ([5, 9, 6, 6, 0] if upper_case else [5, 9, 6, 0, 0])


def test_a_table_of_flags_is_saved_in_16_bits_and_reads_back_the_same():
    flags = ClusterTable.from_dict({"minsk": 21, "gmbh": 128, "duma": 256})
    clusters = ClusterTable.from_dict({"Minsk": 31248, "Merkel": 1292, "Haus": 128681})
    for table, value_bytes in ((flags, 2), (clusters, 4)):
        data = table.to_bytes()
        copy = ClusterTable.from_bytes(data)
        assert copy.values.tolist() == table.values.tolist() and copy.keys.tolist() == table.keys.tolist()
        assert len(srsly.msgpack_loads(data)["values"]) == 3 * value_bytes


def test_the_case_augmenter_recases_text_and_keeps_the_entities():
    from spacy.training import Example

    from entitykit.ner_model import _capitalised, _recased, _upper_dateline

    nlp = spacy.blank("de")
    doc = nlp.make_doc("Moskau , 3. Mai : Lukaschenko traf die Kommission in Minsk .")
    tags = ["U-LOC", "O", "O", "O", "O", "U-PER", "O", "O", "O", "O", "U-LOC", "O"]
    example = Example.from_dict(doc, {"entities": tags})
    upper = _recased(nlp, example, str.upper)
    assert upper.reference.text == "MOSKAU , 3. MAI : LUKASCHENKO TRAF DIE KOMMISSION IN MINSK ."
    assert [(ent.text, ent.label_) for ent in upper.reference.ents] == [("MOSKAU", "LOC"), ("LUKASCHENKO", "PER"), ("MINSK", "LOC")]
    title = _recased(nlp, example, _capitalised)
    assert title.reference.text.startswith("Moskau , 3. Mai : Lukaschenko Traf Die Kommission In Minsk")
    dateline = _upper_dateline(nlp, example)
    assert dateline.reference.text.startswith("MOSKAU , 3. Mai")


def test_the_mention_augmenter_swaps_names_of_one_label_and_keeps_the_words_around_them():
    import random

    from spacy.training import Example

    from entitykit.ner_model import news_augmenter_v3

    nlp = spacy.blank("de")
    augment = news_augmenter_v3(0.0, 0.0, 0.0, 0.0, 0.0, ["\n"], mention_level=1.0, mention_labels=["ORG", "LOC"])

    def example(words, tags):
        return Example.from_dict(nlp.make_doc(" ".join(words)), {"words": words, "entities": tags})

    saperion = example(["Die", "Saperion", "AG", "aus", "Berlin", "wächst", "."], ["O", "B-ORG", "L-ORG", "O", "U-LOC", "O", "O"])
    merkel = example(["Merkel", "besucht", "die", "Deutsche", "Bank", "in", "Frankfurt", "."],
                     ["U-PER", "O", "O", "B-ORG", "L-ORG", "O", "U-LOC", "O"])
    unknown = example(["Merkel", "besucht", "Minsk", "."], ["U-PER", "-", "U-LOC", "O"])  # a token without annotation
    random.seed(0)
    (first,) = augment(nlp, saperion)  # the pools were empty: nothing to swap in but itself
    assert [(ent.text, ent.label_) for ent in first.reference.ents] == [("Saperion AG", "ORG"), ("Berlin", "LOC")]
    swapped = [next(iter(augment(nlp, merkel))).reference for _ in range(20)]
    texts = {doc.text.strip() for doc in swapped}
    # Merkel (PER is not swapped) now visits the names both sentences gave, in the same words
    assert {"Merkel besucht die Saperion AG in Berlin .", "Merkel besucht die Deutsche Bank in Frankfurt ."} <= texts
    for doc in swapped:
        assert doc.text.startswith("Merkel besucht die ") and doc.text.strip().endswith(" .")
        assert [ent.label_ for ent in doc.ents] == ["PER", "ORG", "LOC"]
        assert [ent.text for ent in doc.ents][1] in {"Saperion AG", "Deutsche Bank"}
    (kept,) = augment(nlp, unknown)
    assert kept.reference.text.strip() == "Merkel besucht Minsk ."  # a partly annotated sentence stays as it is


def test_training_with_the_shipped_config_puts_the_tables_in_the_layer_after_pretrained_weights(
    tmp_path, monkeypatch, small_knowledge
):
    """spaCy loads ``init_tok2vec`` weights after initialising the components: the tables, set
    by the ``after_init`` callback, must survive them and be saved with the tok2vec."""
    from pathlib import Path

    from spacy.training import Example
    from spacy.util import load_config, load_model_from_config

    import entitykit.ner_model as ner_model

    monkeypatch.setattr(ner_model, "_german_clusters", lambda: {"der": 11, "Merkel": 40, "Minsk": 962, "Haus": 17})
    config = load_config(Path(__file__).resolve().parents[1] / "training" / "config.cfg")
    assert config["initialize"]["after_init"]["@callbacks"] == "entitykit.add_lexicon_tables.v1"
    # pretrained weights as `spacy pretrain` writes them: the tok2vec of a pipeline without table
    weights = tmp_path / "pretrained.bin"
    weights.write_bytes(load_model_from_config(config, auto_fill=True).get_pipe("tok2vec").model.to_bytes())
    config["paths"]["init_tok2vec"] = str(weights)
    config["initialize"]["after_init"]["max_words"] = 3
    nlp = load_model_from_config(config, auto_fill=True)
    doc = nlp.make_doc("Merkel flog nach Minsk.")
    example = Example.from_dict(doc, {"entities": ["U-PER", "O", "O", "U-LOC", "O"]})
    nlp.initialize(lambda: [example])

    # bands: the 1st word 1, the 2nd and 3rd 2; Haus, the 4th, is beyond max_words; MINSK is not
    # in the table but reads Minsk's value at run time (upper_case)
    expected = [(11 << FREQ_BITS) | 1, (40 << FREQ_BITS) | 2, (962 << FREQ_BITS) | 2, 0, 0]
    text = nlp.make_doc("der Merkel Minsk Haus MINSK")
    orths, lowers = text.to_array("ORTH"), text.to_array("LOWER")
    # and a later word of a bundled registry body's name (Minsker Traktorenwerk: "Minsk Tractor Works")
    minsk = sum(GAZETTEER_FLAGS[part] for part in ("person", "city", "place_alone", "org_more"))
    nlp.to_disk(tmp_path / "trained")
    trained = spacy.load(tmp_path / "trained")
    for pipeline in (nlp, trained):
        assert cluster_tables(pipeline)[0].lookup(orths).tolist() == expected
        assert gazetteer_tables(pipeline)[0].lookup(lowers).tolist() == [0, 0, minsk, 0, minsk]
        leaf_clusters = lexicon_features(pipeline).predict([pipeline.make_doc(text.text)])[0][:, 4]
        assert leaf_clusters.tolist() == [11, 40, 962, 0, 962]
    assert trained.vocab.lookups.tables == []


def test_a_pipeline_with_word_vectors_reads_them_and_loads_without_the_training_files(tmp_path, monkeypatch, small_knowledge):
    """Run g17's config (LexiconEmbed.v2 with include_static_vectors): the vectors come in at
    creation (``spacy pretrain`` runs no ``[initialize]``), move the tok2vec output, and stay in
    the saved pipeline, which loads once the training files are gone."""
    from pathlib import Path

    import numpy
    from spacy.training import Example
    from spacy.util import load_config, load_model_from_config

    import entitykit.ner_model as ner_model

    monkeypatch.setattr(ner_model, "_german_clusters", lambda: {"der": 11, "Merkel": 40, "Minsk": 962})
    vectors = spacy.blank("de")
    vectors.vocab.set_vector("Minsk", numpy.array([1.0, 0.0, 0.5, 0.0], dtype="f"))
    vectors.vocab.set_vector("Merkel", numpy.array([0.0, 1.0, 0.0, 0.5], dtype="f"))
    vectors.to_disk(tmp_path / "vectors")
    config = load_config(
        Path(__file__).resolve().parents[1] / "training" / "experiments" / "g17.cfg",
        overrides={"paths.vectors": str(tmp_path / "vectors")},
        interpolate=True,
    )
    config["initialize"]["after_init"]["max_words"] = 3
    nlp = load_model_from_config(config, auto_fill=True)
    assert (nlp.vocab.vectors.n_keys, nlp.vocab.vectors.shape[1]) == (2, 4)
    doc = nlp.make_doc("Merkel flog nach Minsk.")
    nlp.initialize(lambda: [Example.from_dict(doc, {"entities": ["U-PER", "O", "O", "U-LOC", "O"]})])
    embed = nlp.get_pipe("tok2vec").model.get_ref("embed")  # each word's own input, before the context
    before = embed.predict([nlp.make_doc("Merkel flog nach Minsk.")])[0]
    nlp.vocab.set_vector("Minsk", numpy.zeros(4, dtype="f"))
    changed = embed.predict([nlp.make_doc("Merkel flog nach Minsk.")])[0]
    assert not numpy.allclose(before[3], changed[3]) and numpy.allclose(before[:3], changed[:3])  # only Minsk moves

    nlp.vocab.set_vector("Minsk", numpy.array([1.0, 0.0, 0.5, 0.0], dtype="f"))
    forget_vectors_source(nlp)
    nlp.to_disk(tmp_path / "trained")
    import shutil

    shutil.rmtree(tmp_path / "vectors")
    trained = spacy.load(tmp_path / "trained")
    assert (trained.vocab.vectors.n_keys, trained.vocab.vectors.shape[1]) == (2, 4)
    again = trained.get_pipe("tok2vec").model.get_ref("embed").predict([trained.make_doc("Merkel flog nach Minsk.")])[0]
    assert numpy.allclose(before, again, atol=1e-5)


def test_a_pipeline_with_character_embeddings_reads_the_characters_and_keeps_them_when_saved(
    tmp_path, monkeypatch, small_knowledge
):
    """Run g21's config (LexiconEmbed.v2 with character_width): the first and last characters of
    each word come in next to the tables, and the saved pipeline gives the same vectors; the
    shipped config has no such layer."""
    from pathlib import Path

    import numpy
    from spacy.training import Example
    from spacy.util import load_config, load_model_from_config

    import entitykit.ner_model as ner_model

    monkeypatch.setattr(ner_model, "_german_clusters", lambda: {"der": 11, "Merkel": 40, "Minsk": 962})
    training = Path(__file__).resolve().parents[1] / "training"
    config = load_config(training / "experiments" / "g21.cfg", interpolate=True)
    config["initialize"]["after_init"]["max_words"] = 3
    nlp = load_model_from_config(config, auto_fill=True)
    doc = nlp.make_doc("Merkel flog nach Minsk.")
    nlp.initialize(lambda: [Example.from_dict(doc, {"entities": ["U-PER", "O", "O", "U-LOC", "O"]})])
    embed = nlp.get_pipe("tok2vec").model.get_ref("embed")
    assert "charembed" in [layer.name for layer in embed.walk()]
    before = embed.predict([nlp.make_doc("Merkel flog nach Minsk.")])[0]
    assert before.shape == (5, 128)
    nlp.to_disk(tmp_path / "trained")
    again = spacy.load(tmp_path / "trained").get_pipe("tok2vec").model.get_ref("embed")
    assert numpy.allclose(before, again.predict([nlp.make_doc("Merkel flog nach Minsk.")])[0], atol=1e-5)
    shipped = load_model_from_config(load_config(training / "config.cfg", interpolate=True), auto_fill=True)
    assert "charembed" not in [layer.name for layer in shipped.get_pipe("tok2vec").model.walk()]


def test_the_training_scorer_selects_on_persons_organisations_and_places_not_misc():
    """A checkpoint is kept for its PER/ORG/LOC (``ents_core_f``), what entitykit uses; spaCy's
    ``ents_f`` also counts MISC. The config found by spaCy's registry is the shipped training one."""
    from spacy.tokens import Doc
    from spacy.training import Example
    from spacy.util import registry

    nlp = spacy.blank("de")
    words = ["Merkel", "besucht", "Minsk", "und", "liest", "Faust", "."]
    gold = Doc(nlp.vocab, words=words, ents=["B-PER", "O", "B-LOC", "O", "O", "B-MISC", "O"])
    guess = Doc(nlp.vocab, words=words, ents=["B-PER", "O", "B-LOC", "O", "O", "O", "B-ORG"])
    scores = registry.scorers.get("entitykit.ner_scorer.v1")()([Example(guess, gold)])
    assert scores["ents_core_p"] == pytest.approx(2 / 3)  # the stray ORG counts against it
    assert scores["ents_core_r"] == pytest.approx(1.0)  # the missed MISC does not
    assert scores["ents_p"] == pytest.approx(2 / 3) and scores["ents_r"] == pytest.approx(2 / 3)
    assert scores["ents_per_type"]["PER"]["f"] == 1.0
    config = spacy.util.load_config(Path(__file__).parents[1] / "training" / "config.cfg")
    assert dict(config["training"]["score_weights"]) == {
        "ents_core_f": 1.0, "ents_f": 0.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None,
    }
