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
