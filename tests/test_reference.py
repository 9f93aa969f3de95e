"""The reference article (BelTA, 10 January 2023) and hostile input, with the bundled pipeline."""

import pytest

pytestmark = pytest.mark.slow


def entities(doc, label):
    return {ent.text for ent in doc.ents if ent.label_ == label}


def test_reference_article_people_organisation_and_places(bundled_nlp, example_text):
    doc = bundled_nlp(example_text)
    persons = " ".join(entities(doc, "PER"))
    for surname in ("Lukaschenko", "Tasmagambetow", "Wolfowitsch", "Wolfowutsch"):
        assert surname in persons, f"{surname} not found as PER in {sorted(entities(doc, 'PER'))}"
    assert "OVKS" in entities(doc, "ORG")
    assert {"Moskau", "Belarus"} <= entities(doc, "LOC")


def test_reference_article_without_any_registry(example_text):
    """No alias registry: the model plus the compound rule (OVKS-Generalsekretär -> OVKS)."""
    import entitykit

    doc = entitykit.load(default_aliases=False)(example_text)
    persons = " ".join(entities(doc, "PER"))
    for surname in ("Lukaschenko", "Tasmagambetow", "Wolfowitsch", "Wolfowutsch"):
        assert surname in persons
    assert {"OVKS", "OVKAS"} <= entities(doc, "ORG")
    assert {"Moskau", "Belarus"} <= entities(doc, "LOC")
    ids = {ent.text: ent.kb_id_ for ent in doc.ents}
    assert ids["OVKAS"] == ids["OVKS"]
    assert ids["Alexander Wolfowutsch"] == ids["Alexander Wolfowitsch"]


def test_the_statistical_model_alone_finds_the_people_and_places(example_text):
    from entitykit.models import bundled_model_path, load_pipeline

    doc = load_pipeline(bundled_model_path())(example_text)
    persons = " ".join(entities(doc, "PER"))
    for surname in ("Lukaschenko", "Tasmagambetow", "Wolfowitsch", "Wolfowutsch"):
        assert surname in persons
    assert {"Moskau", "Belarus"} <= entities(doc, "LOC")


def test_no_entity_crosses_a_line_break(bundled_nlp, example_text):
    doc = bundled_nlp(example_text)
    assert all("\n" not in ent.text for ent in doc.ents)


@pytest.mark.parametrize("text", ["", " ", "\n\n\t  \n", "\u200b"])
def test_empty_and_blank_texts_give_no_entities(bundled_nlp, text):
    assert list(bundled_nlp(text).ents) == []


def test_control_characters_do_not_break_the_pipeline(bundled_nlp):
    text = "Präsident\x00 Alexander Lukaschenko\x07 traf\x1b[31m in Minsk\r\nden OVKS-Generalsekretär.\x0c"
    doc = bundled_nlp(text)
    assert doc.text == text
    assert "Minsk" in entities(doc, "LOC")
    assert any("Lukaschenko" in ent.text for ent in doc.ents if ent.label_ == "PER")


def test_mixed_latin_and_cyrillic(bundled_nlp):
    text = "Лукашенко (Lukaschenko) sprach in Минск mit Wolfowitsch über die ОДКБ."
    doc = bundled_nlp(text)
    assert doc.text == text
    for ent in doc.ents:  # whatever is found lies inside the text, with a valid label
        assert text[ent.start_char : ent.end_char] == ent.text
        assert ent.label_ in {"PER", "ORG", "LOC", "MISC"}
    assert any("Wolfowitsch" in ent.text for ent in doc.ents)


def test_a_two_megabyte_text_is_processed_in_pieces(bundled_nlp, example_text):
    from entitykit.pipeline import annotate

    text = (example_text + "\n\n") * (2_000_000 // (len(example_text) + 2) + 1)
    assert len(text) > 2_000_000
    doc = annotate(bundled_nlp, text)
    assert doc.text == text
    copies = text.count("Wolfowutsch")
    found = [ent for ent in doc.ents if ent.text.endswith("Wolfowutsch")]
    assert len(found) >= 0.9 * copies
    # one text, one resolution: every copy of the article names the same entity
    assert len({ent.kb_id_ for ent in found}) == 1


def test_the_tok2vec_output_is_freed_unless_asked_to_keep_it(bundled_nlp):
    import entitykit

    text = "Alexander Lukaschenko empfing Imangali Tasmagambetow in Minsk."
    assert bundled_nlp(text).tensor.size == 0
    nlp = entitykit.load()
    nlp.get_pipe("entitykit_resolver").cfg["keep_tensor"] = True
    doc = nlp(text)
    assert doc.tensor.shape[0] == len(doc)
    assert [ent.kb_id_ for ent in doc.ents][0] == "per:alexander-lukaschenko"
