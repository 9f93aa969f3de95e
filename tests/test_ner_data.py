"""Reading labelled corpora: GermEval .tsv/.iob2 with their tag mapping, CoNLL-2003 and BIO."""

import pytest

from entitykit.errors import CorpusFormatError
from entitykit.ner_data import germeval_tag, read_bio, read_conll2003, read_germeval, read_ner_file, repair_iob

TSV = (
    "#\thttp://de.wikipedia.org/wiki/Minsk\t[2009-08-13]\t\n"
    "1\tLukaschenko\tB-PER\tO\n"
    "2\tbesuchte\tO\tO\n"
    "3\tdie\tO\tO\n"
    "4\tdeutschen\tB-LOCderiv\tO\n"
    "5\tEU-Staaten\tB-ORGpart\tO\n"
    "6\tund\tO\tO\n"
    "7\tNew\tB-LOC\tO\n"
    "8\tYork\tI-LOC\tO\n"
    "9\t#\tO\tO\n"
    "10\tEcce\tB-OTH\tO\n"
    "11\thomo\tI-OTH\tO\n"
    "\n"
    "#\thttp://example.org\t[2010-01-01]\t\n"
    "1\tOVKS\tB-ORG\tO\n"
    "\n"
)


@pytest.mark.parametrize(
    "tag, expected",
    [
        ("B-PER", "B-PER"),
        ("I-ORG", "I-ORG"),
        ("B-OTH", "B-MISC"),
        ("I-OTH", "I-MISC"),
        ("B-LOCderiv", "O"),
        ("B-ORGpart", "O"),
        ("I-PERpart", "O"),
        ("O", "O"),
    ],
)
def test_germeval_tags_map_to_entitykit_labels(tag, expected):
    assert germeval_tag(tag) == expected


def test_official_tsv_skips_comments_and_keeps_outer_tags(tmp_path):
    path = tmp_path / "NER-de-dev.tsv"
    path.write_text(TSV, encoding="utf-8")
    first, second = list(read_germeval(path))
    assert first.words == ["Lukaschenko", "besuchte", "die", "deutschen", "EU-Staaten", "und", "New", "York", "#", "Ecce", "homo"]
    assert first.tags == ["B-PER", "O", "O", "O", "O", "O", "B-LOC", "I-LOC", "O", "B-MISC", "I-MISC"]
    assert second.words == ["OVKS"] and second.tags == ["B-ORG"]


def test_iob2_three_columns_with_a_hash_token(tmp_path):
    path = tmp_path / "germ.dev.iob2"
    path.write_text("#\tO\tO\nMinsk\tB-LOC\tO\n\nWolfowitsch\tB-PER\tO\n", encoding="utf-8")
    sentences = list(read_ner_file(path))
    assert [s.words for s in sentences] == [["#", "Minsk"], ["Wolfowitsch"]]
    assert [s.tags for s in sentences] == [["O", "B-LOC"], ["B-PER"]]


def test_malformed_line_names_file_and_line(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("1\tMinsk\tB-LOC\tO\nMinsk B-LOC\n", encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"bad.tsv:2"):
        list(read_germeval(path))


def test_undecodable_file_names_the_byte(tmp_path):
    path = tmp_path / "latin1.tsv"
    path.write_bytes("1\tMünchen\tB-LOC\tO\n".encode("latin-1"))
    with pytest.raises(CorpusFormatError, match=r"not UTF-8 at byte 3"):
        list(read_germeval(path))


def test_conll2003_maps_dfki_types(tmp_path):
    path = tmp_path / "train.conll2003"
    path.write_text(
        "-DOCSTART- -1- O O\n\nStau\tNN\tI-NN\tO\nauf\tAPPR\tI-AP\tO\nder\tART\tI-AR\tO\n"
        "A9\tNE\tI-NE\tB-location-route\nbei\tAPPR\tI-AP\tO\nMünchen\tNE\tI-NE\tB-location-city\n"
        "laut\tAPPR\tI-AP\tO\nDeutsche\tNE\tI-NE\tB-organization-company\nBahn\tNE\tI-NE\tI-organization-company\n",
        encoding="utf-8",
    )
    (sentence,) = list(read_conll2003(path))
    assert sentence.tags == ["O", "O", "O", "O", "O", "B-LOC", "O", "B-ORG", "I-ORG"]


def test_bio_without_sentence_breaks_is_split_and_cleaned(tmp_path):
    path = tmp_path / "enp.bio"
    path.write_text("# file: x\nKaiser B-PEr\nFranz I-PER\nin O\nWien B-LOC\n. O\nDie O\nThür O\nbroken\n", encoding="utf-8")
    sentences = list(read_bio(path))
    assert sentences[0].words == ["Kaiser", "Franz", "in", "Wien", "."]
    assert sentences[0].tags == ["B-PER", "I-PER", "O", "B-LOC", "O"]
    assert sentences[1].words == ["Die", "Thür"]


def test_repair_iob_turns_orphan_inside_tags_into_begin():
    assert repair_iob(["O", "I-PER", "I-PER", "I-LOC"]) == ["O", "B-PER", "I-PER", "B-LOC"]


def test_unknown_extension_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusFormatError, match="unknown NER file type"):
        read_ner_file(tmp_path / "corpus.xml")


def test_germeval_accepts_trailing_empty_columns(tmp_path):
    # The official GermEval 2014 test split ends some lines with a tab.
    path = tmp_path / "NER-de-test.tsv"
    path.write_text('#\thttp://example.org\t[2010-01-01]\t\n1\t"\tO\tO\t\n2\tMinsk\tB-LOC\tO\t\n\n', encoding="utf-8")
    assert list(read_germeval(path)) == [(['"', "Minsk"], ["O", "B-LOC"])]
    (sentence,) = list(read_ner_file(path))
    assert sentence.tags == ["O", "B-LOC"]


def test_conll2003_accepts_trailing_empty_columns(tmp_path):
    path = tmp_path / "train.conll2003"
    path.write_text("Minsk\tNE\tI-NP\tB-location-city\t\n", encoding="utf-8")
    assert list(read_conll2003(path)) == [(["Minsk"], ["B-LOC"])]


@pytest.mark.parametrize("name", ["deu.conll02", "deu.conll", "deu.conll2002", "deu.CONLL"])
def test_two_column_conll2002_is_recognised_by_content(tmp_path, name):
    path = tmp_path / name
    path.write_text("Lukaschenko B-PER\nbesuchte O\nMinsk B-LOC\n. O\n\n", encoding="utf-8")
    (sentence,) = list(read_ner_file(path))
    assert sentence == (["Lukaschenko", "besuchte", "Minsk", "."], ["B-PER", "O", "B-LOC", "O"])


def test_conll_of_unknown_shape_names_the_line(tmp_path):
    path = tmp_path / "deu.conll"
    path.write_text("\nLukaschenko\n", encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"deu.conll:2: cannot tell the format"):
        list(read_ner_file(path))


# Spans the DFKI corpora label as places or bodies that name nothing (MobIE train counts: "beiden
# Richtungen" LOC 37 times, "stadtauswärts" 8, "Polizei" ORG 14, "POL - WI" 5): trained on, they
# taught the model *beiden Richtungen* LOC and *POL* ORG in everyday news.
UNNAMED_SPANS = [
    ("in beiden Richtungen", "location", ["O", "O", "O"]),
    ("Beide Fahrtrichtungen", "location", ["O", "O"]),
    ("stadtauswärts", "location", ["O"]),
    ("deutschen", "location", ["O"]),
    ("POL - WI", "organization", ["O", "O", "O"]),
    ("#Polizei", "organization", ["O"]),
    ("Feuerwehr", "organization", ["O"]),
    ("Polizeipräsidium Westhessen", "organization", ["B-ORG", "I-ORG"]),
    ("#A45", "location-street", ["B-LOC"]),
    ("Frankfurt ( Main ) Hbf", "location-stop", ["B-LOC", "I-LOC", "I-LOC", "I-LOC", "I-LOC"]),
]


@pytest.mark.parametrize(("span", "kind", "tags"), UNNAMED_SPANS)
def test_dfki_spans_that_name_nothing_are_not_trained_as_names(tmp_path, span, kind, tags):
    words = span.split()
    if words[0] == "in":  # the preposition is outside the span, as in the corpus
        dfki = ["O"] + [f"{'B' if i == 0 else 'I'}-{kind}" for i in range(len(words) - 1)]
    else:
        dfki = [f"{'B' if i == 0 else 'I'}-{kind}" for i in range(len(words))]
    lines = "".join(f"{word}\tNE\tI-NE\t{tag}\n" for word, tag in zip(words, dfki))
    path = tmp_path / "train.conll2003"
    path.write_text(f"-DOCSTART- -1- O O\n\n{lines}", encoding="utf-8")
    (sentence,) = list(read_conll2003(path))
    assert sentence.tags == tags


def test_smartdata_spans_that_name_nothing_are_dropped(tmp_path):
    import gzip
    import json

    from entitykit.ner_data import read_smartdata

    text = "POL-KN: Stau auf der B33 in beiden Richtungen bei Konstanz"
    mentions = [
        {"span": {"start": 0, "end": 6}, "type": "organization"},
        {"span": {"start": 28, "end": 45}, "type": "location"},
        {"span": {"start": 50, "end": 58}, "type": "location-city"},
    ]
    record = {"text": {"string": text}, "conceptMentions": {"array": mentions}}
    path = tmp_path / "smartdata.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps(record, indent=2))
    (doc,) = list(read_smartdata(path))
    assert [text[start:end] for start, end, _ in doc.spans] == ["Konstanz"]
