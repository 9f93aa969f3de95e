"""NER scoring on exact spans: the headline counts PER, ORG and LOC; MISC is reported per label."""

import pytest
import spacy
from spacy.tokens import Doc

from entitykit.errors import CorpusFormatError
from entitykit.evaluate import evaluate_ner, score_spans


def make_doc(vocab, words, tags):
    return Doc(vocab, words=words, ents=tags)


def test_exact_spans_only_and_misc_outside_the_headline():
    vocab = spacy.blank("de").vocab
    words = ["Alexander", "Lukaschenko", "traf", "die", "OVKS", "in", "Minsk", "zur", "Expo"]
    gold = make_doc(vocab, words, ["B-PER", "I-PER", "O", "O", "B-ORG", "O", "B-LOC", "O", "B-MISC"])
    # surname only (boundary error), ORG right, Minsk mislabelled, MISC right
    predicted = make_doc(vocab, words, ["O", "B-PER", "O", "O", "B-ORG", "O", "B-ORG", "O", "B-MISC"])
    headline, per_label = score_spans([gold], [predicted])
    assert headline.p == pytest.approx(1 / 3)
    assert headline.r == pytest.approx(1 / 3)
    assert per_label["MISC"].f == 1.0
    assert per_label["PER"].f == 0.0
    assert per_label["ORG"].p == 0.5 and per_label["ORG"].r == 1.0


def test_evaluate_on_a_germeval_file(tmp_path, rule_pipeline_path):
    path = tmp_path / "dev.tsv"
    path.write_text(
        "#\tx\t[2023-01-10]\t\n1\tAlexander\tB-PER\tO\n2\tLukaschenko\tI-PER\tO\n3\tbesuchte\tO\tO\n"
        "4\tMoskau\tB-LOC\tO\n5\tund\tO\tO\n6\tPinsk\tB-LOC\tO\n\n",
        encoding="utf-8",
    )
    scores = evaluate_ner(path, str(rule_pipeline_path))
    assert (scores.p, scores.r) == (1.0, pytest.approx(2 / 3))
    assert scores.documents == 1 and scores.words == 6
    assert scores.words_per_second > 0
    assert set(scores.to_dict()) >= {"p", "r", "f", "per_label", "words_per_second"}


def test_spacy_docbin_input(tmp_path, rule_pipeline_path):
    from spacy.tokens import DocBin

    nlp = spacy.blank("de")
    gold = make_doc(nlp.vocab, ["OVKS", "tagt", "in", "Minsk"], ["B-ORG", "O", "O", "B-LOC"])
    DocBin(docs=[gold]).to_disk(tmp_path / "dev.spacy")
    assert evaluate_ner(tmp_path / "dev.spacy", str(rule_pipeline_path)).f == 1.0


def test_missing_file_is_a_clear_error(tmp_path, rule_pipeline_path):
    with pytest.raises(CorpusFormatError, match="no such file"):
        evaluate_ner(tmp_path / "missing.tsv", str(rule_pipeline_path))


@pytest.mark.parametrize(
    "name, content",
    [
        # the official GermEval 2014 test split: lines ending with an empty column
        ("NER-de-test.tsv", '#\thttp://example.org\t[2010-01-01]\t\n1\tLukaschenko\tB-PER\tO\t\n2\t"\tO\tO\t\n3\tMinsk\tB-LOC\tO\t\n\n'),
        # two-column CoNLL-2002 under its usual names
        ("deu.conll02", 'Lukaschenko B-PER\n" O\nMinsk B-LOC\n\n'),
        ("deu.conll", 'Lukaschenko B-PER\n" O\nMinsk B-LOC\n\n'),
    ],
)
def test_gold_files_of_the_official_formats_load(tmp_path, name, content):
    from entitykit.evaluate import read_gold_docs

    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    (doc,) = read_gold_docs(path, spacy.blank("de").vocab)
    assert [(ent.text, ent.label_) for ent in doc.ents] == [("Lukaschenko", "PER"), ("Minsk", "LOC")]


# --- what is scored: --upper and --stage (issue 13, items 3 and 4) -----------------------------

def write_germeval(path, sentences):
    """A GermEval .tsv of ``[(word, tag), ...]`` sentences."""
    lines = []
    for sentence in sentences:
        lines.append("#\thttp://example.org\t[2023-01-10]\t")
        lines += [f"{i}\t{word}\t{tag}\tO" for i, (word, tag) in enumerate(sentence, 1)]
        lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


PARLIAMENT = [("Das", "O"), ("Europäische", "B-ORG"), ("Parlament", "I-ORG"), ("tagte", "O"), ("in", "O"), ("Minsk", "B-LOC")]
# entitykit splits the compound into OVKS / - / Staaten: Minsk moves two tokens to the right
COMPOUND = [("Die", "O"), ("OVKS-Staaten", "O"), ("tagten", "O"), ("in", "O"), ("Moskau", "B-LOC")]


def test_stage_full_scores_what_entitykit_adds_after_ner(tmp_path, rule_pipeline_path):
    gold = write_germeval(tmp_path / "dev.tsv", [PARLIAMENT, COMPOUND])
    ner = evaluate_ner(gold, str(rule_pipeline_path))  # the rules find Minsk and Moskau only
    full = evaluate_ner(gold, str(rule_pipeline_path), stage="full")
    assert (ner.stage, ner.p, ner.r) == ("ner", 1.0, pytest.approx(2 / 3))
    # + Europäische Parlament (institutions, right), + OVKS (compound part, not in the gold);
    # Moskau still counts after the split, as spans are compared by characters
    assert (full.stage, full.p, full.r) == ("full", 0.75, 1.0)
    assert full.per_label["ORG"] == (0.5, 1.0, pytest.approx(2 / 3))


def test_stage_ner_turns_off_entitykit_components_of_a_loaded_pipeline(tmp_path, rule_pipeline_path):
    import entitykit

    gold = write_germeval(tmp_path / "dev.tsv", [PARLIAMENT])
    nlp = entitykit.load(str(rule_pipeline_path))
    assert evaluate_ner(gold, nlp).r == 0.5
    assert evaluate_ner(gold, nlp, stage="full").r == 1.0
    assert "entitykit_institutions" in nlp.pipe_names  # turned off for the run only


def test_upper_scores_an_upper_cased_copy_with_the_same_gold_spans(tmp_path, rule_pipeline_path):
    gold = write_germeval(tmp_path / "dev.tsv", [PARLIAMENT, COMPOUND])
    # the rules match "Minsk", not "MINSK": nothing is found in capitals
    upper = evaluate_ner(gold, str(rule_pipeline_path), upper=True)
    assert (upper.p, upper.r, upper.f, upper.upper) == (0.0, 0.0, 0.0, True)
    assert upper.words == 11 and upper.to_dict()["upper"] is True


def test_upper_cased_keeps_offsets_of_words_that_grow():
    from entitykit.evaluate import upper_cased

    vocab = spacy.blank("de").vocab
    gold = make_doc(vocab, ["Die", "Straße", "nach", "Gießen"], ["O", "O", "O", "B-LOC"])
    upper = upper_cased(gold)
    assert [(ent.text, ent.label_) for ent in upper.ents] == [("GIESSEN", "LOC")]
    assert score_spans([upper], [upper_cased(gold)])[0].f == 1.0


def test_unknown_stage_is_a_clear_error(tmp_path, rule_pipeline_path):
    from entitykit.errors import InputError

    gold = write_germeval(tmp_path / "dev.tsv", [PARLIAMENT])
    with pytest.raises(InputError, match="stage 'resolver' is not one of ner, full"):
        evaluate_ner(gold, str(rule_pipeline_path), stage="resolver")
