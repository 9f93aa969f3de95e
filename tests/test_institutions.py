"""Named institutions as organisations (issue 13, item 2): the ``entitykit_institutions`` step.

Unit tables run on ``spacy.blank("de")`` with the NER's entities placed by an entity ruler named
"ner"; the sentences a user must get right run through the bundled model (``slow``).
"""

from __future__ import annotations

import pytest
import spacy

from entitykit.institutions import institution_spans, is_institution_head, is_name_adjective


def rules_pipeline(ner_patterns):
    nlp = spacy.blank("de")
    if ner_patterns:
        nlp.add_pipe("entity_ruler", name="ner").add_patterns(ner_patterns)
    nlp.add_pipe("entitykit_institutions")
    return nlp


def ents(doc) -> list[tuple[str, str]]:
    return [(ent.text, ent.label_) for ent in doc.ents]


def loc(text):
    return {"label": "LOC", "pattern": text}


INSTITUTIONS = [
    # adjective(s) of the name + head
    ("Die Europäische Kommission schlug neue Sanktionen vor.", [], [("Europäische Kommission", "ORG")]),
    ("Das Europäische Parlament forderte eine Untersuchung.", [], [("Europäische Parlament", "ORG")]),
    ("Der Präsident des Europäischen Parlaments sprach in Minsk.", [loc("Minsk")],
     [("Europäischen Parlaments", "ORG"), ("Minsk", "LOC")]),
    ("Dem Deutschen Bundestag gehörte er bis 2005 an.", [], [("Deutschen Bundestag", "ORG")]),
    ("Der Oberste Gerichtshof hob das Urteil auf.", [], [("Oberste Gerichtshof", "ORG")]),
    ("Die Werchowna Rada verabschiedete den Haushalt.", [], [("Werchowna Rada", "ORG")]),
    # an NER entity on part of the name gives way to the whole name
    ("Das Europäische Parlament tagte.", [{"label": "LOC", "pattern": "Europäische"}], [("Europäische Parlament", "ORG")]),
    # head + der/des + the place NER tagged, with state words in between
    ("Das Außenministerium der Republik Belarus wies die Vorwürfe zurück.", [loc("Belarus")],
     [("Außenministerium der Republik Belarus", "ORG")]),
    ("Das Außenministerium der Republik Belarus wies die Vorwürfe zurück.", [loc("Republik Belarus")],
     [("Außenministerium der Republik Belarus", "ORG")]),
    ("Ein Sprecher des Verteidigungsministeriums der Russischen Föderation bestätigte das.", [loc("Föderation")],
     [("Verteidigungsministeriums der Russischen Föderation", "ORG")]),
    # head + place in the genitive
    ("Das Außenministerium Russlands reagierte scharf.", [loc("Russlands")], [("Außenministerium Russlands", "ORG")]),
]

NOT_INSTITUTIONS = [
    # bare heads are no names (GermEval: Regierung O 114/114, Parlament O 31/32)
    ("Die Regierung und das Ministerium schwiegen, die Polizei ermittelt.", [], []),
    ("Die Kommission legte am Mittwoch ihren Bericht vor.", [], []),
    ("Das Außenministerium bestellte den Botschafter ein.", [], []),
    # a lower-case adjective describes the body, it does not name it
    ("Das russische Außenministerium bestellte den Botschafter ein.", [], []),
    ("Der Staatssekretär des belarussischen Sicherheitsrates Alexander Wolfowutsch", [], []),
    # a city adjective in -er: GermEval leaves "Berliner Senat", "Düsseldorfer Landgericht" O
    ("Der Berliner Senat beschloss den Haushalt.", [], []),
    # a place without a genitive ending is another part of the sentence
    ("Deshalb wirft das Parlament Moskau Wortbruch vor.", [loc("Moskau")], [("Moskau", "LOC")]),
    # only a place completes a head; an organisation after it keeps its own entity
    ("Die Versammlung der OSZE tagte in Wien.", [{"label": "ORG", "pattern": "OSZE"}, loc("Wien")],
     [("OSZE", "ORG"), ("Wien", "LOC")]),
    # never through a person, never across an NER entity's boundary
    ("Die Werchowna Rada tagte.", [{"label": "PER", "pattern": "Werchowna"}], [("Werchowna", "PER")]),
    ("Die Europäische Kommission für Menschenrechte tagte.",
     [{"label": "ORG", "pattern": "Kommission für Menschenrechte"}], [("Kommission für Menschenrechte", "ORG")]),
]


@pytest.mark.parametrize(("text", "ner", "expected"), INSTITUTIONS + NOT_INSTITUTIONS)
def test_named_institutions_become_organisations(text, ner, expected):
    assert ents(rules_pipeline(ner)(text)) == expected


@pytest.mark.parametrize(
    ("word", "head"),
    [("Ministerium", True), ("Außenministeriums", True), ("Europaparlament", True), ("Staatsduma", True),
     ("Rates", True), ("Sicherheitsrat", True), ("Bundestages", True), ("Rada", True),
     ("Regierung", False), ("Vorrat", False), ("Apparat", False), ("Polizei", False), ("ministerium", False)],
)
def test_institution_heads(word, head):
    assert is_institution_head(word) is head


@pytest.mark.parametrize(
    ("word", "adjective"),
    [("Europäische", True), ("Europäisches", True), ("Hessischen", True), ("Deutscher", True), ("Oberste", True),
     ("Werchowna", True), ("europäische", False), ("Die", False), ("Berliner", False), ("Neue", False)],
)
def test_name_adjectives(word, adjective):
    assert is_name_adjective(word) is adjective


def test_spans_do_not_overlap_and_come_in_text_order():
    doc = spacy.blank("de")("Die Europäische Kommission und das Europäische Parlament")
    assert [span.text for span in institution_spans(doc)] == ["Europäische Kommission", "Europäische Parlament"]


def test_load_runs_institutions_before_the_mention_finder(rule_pipeline_path, tmp_path):
    import entitykit

    nlp = entitykit.load(rule_pipeline_path)
    assert nlp.pipe_names[-4:] == ["ner", "entitykit_institutions", "entitykit_mentions", "entitykit_resolver"]
    doc = nlp("Das Europäische Parlament tagte in Minsk.")
    assert [(e.text, e.label_, e.kb_id_) for e in doc.ents] == [
        ("Europäische Parlament", "ORG", "org:europaeisches-parlament"), ("Minsk", "LOC", "loc:minsk"),
    ]
    nlp.to_disk(tmp_path / "pipeline")
    assert spacy.load(tmp_path / "pipeline").pipe_names == nlp.pipe_names


# What a user must get from the bundled pipeline (entitykit.load()), in news sentences.
MUST = [
    ("Die Europäische Kommission hat am Dienstag neue Sanktionen gegen Belarus vorgeschlagen.", "Europäische Kommission"),
    ("Das Außenministerium der Republik Belarus wies die Vorwürfe am Montag zurück.", "Außenministerium der Republik Belarus"),
    ("Die Staatsduma stimmte dem Gesetz in dritter Lesung zu.", "Staatsduma"),
    ("Die Werchowna Rada verabschiedete den Haushalt für 2023.", "Werchowna Rada"),
    ("Das Europäische Parlament forderte eine unabhängige Untersuchung.", "Europäische Parlament"),
    ("Ein Abgeordneter des Europäischen Parlaments besuchte Minsk.", "Europäischen Parlaments"),
]


@pytest.fixture(scope="module")
def bundled():
    import entitykit

    return entitykit.load("de_entitykit_ner")


@pytest.mark.slow
@pytest.mark.parametrize(("text", "name"), MUST)
def test_the_bundled_pipeline_tags_named_institutions_as_org(bundled, text, name):
    assert (name, "ORG") in ents(bundled(text))


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    ["Die Regierung und das Ministerium schwiegen, die Polizei ermittelt.",
     "Das russische Außenministerium bestellte den Botschafter ein."],
)
def test_the_bundled_pipeline_leaves_bare_institutions_alone(bundled, text):
    assert [label for _, label in ents(bundled(text))] == []
