"""Doc -> mention records, the per-entity summary, and the JSONL/CSV/Parquet writers."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
import pytest
import spacy

from entitykit.errors import InputError
from entitykit.export import (
    ENTITY_COLUMNS,
    MENTION_COLUMNS,
    EntityRow,
    MentionRecord,
    TableWriter,
    doc_mentions,
    summarize,
    write_entities,
    write_mentions,
)
from entitykit.pipeline import register_extensions

TEXT = "Alexander Wolfowitsch traf in Minsk den Generalsekretär der OVKS. Wolfowutsch sagte, die OVKS tagt."


@pytest.fixture
def doc():
    register_extensions()
    nlp = spacy.blank("de")
    doc = nlp(TEXT)
    spans = [
        (0, 21, "PER", "per:wolfowitsch", "Alexander Wolfowitsch", 100.0, "new"),
        (30, 35, "LOC", "loc:minsk", "Minsk", 100.0, "exact"),
        (60, 64, "ORG", "org:ovks", "OVKS", 100.0, "exact"),
        (66, 77, "PER", "per:wolfowitsch", "Alexander Wolfowitsch", 90.9, "coref"),
        (89, 93, "ORG", "org:ovks", "OVKS", 100.0, "exact"),
    ]
    doc.ents = [doc.char_span(s, e, label=label, kb_id=kb) for s, e, label, kb, *_ in spans]
    for ent, (*_, canonical, score, method) in zip(doc.ents, spans):
        ent._.canonical, ent._.score, ent._.method = canonical, score, method
    return doc


def test_doc_mentions_carry_offsets_and_the_resolution(doc):
    records = doc_mentions(doc, "belta-1")
    assert [TEXT[r.start_char : r.end_char] for r in records] == [r.text for r in records]
    assert records[3] == MentionRecord(
        "belta-1", 66, 77, "Wolfowutsch", "PER", "per:wolfowitsch", "Alexander Wolfowitsch", 90.9, "coref"
    )


def test_doc_mentions_carry_the_matched_variant_but_the_tables_do_not(doc):
    doc.ents[3]._.matched = "Alexander Wolfowitsch"
    record = doc_mentions(doc, "belta-1")[3]
    assert record.matched == "Alexander Wolfowitsch"
    assert record.row() == ("belta-1", 66, 77, "Wolfowutsch", "PER", "per:wolfowitsch", "Alexander Wolfowitsch", 90.9, "coref")
    assert list(record.as_dict()) == list(MENTION_COLUMNS)  # `extract --json` keys


def test_doc_mentions_without_a_resolver_use_the_mention_text():
    nlp = spacy.blank("de")
    doc = nlp("Gespräch in Minsk")
    doc.ents = [doc.char_span(12, 17, label="LOC")]
    (record,) = doc_mentions(doc, "d")
    assert (record.entity_id, record.canonical, record.score, record.method) == ("", "Minsk", None, None)


def test_summary_counts_mentions_documents_and_variants():
    records = [
        MentionRecord("a", 0, 4, "OVKS", "ORG", "org:ovks", "OVKS", 100.0, "exact"),
        MentionRecord("a", 9, 14, "OVKAS", "ORG", "org:ovks", "OVKS", 88.9, "fuzzy"),
        MentionRecord("a", 20, 25, "Minsk", "LOC", "loc:minsk", "Minsk", 100.0, "exact"),
        MentionRecord("b", 0, 4, "OVKS", "ORG", "org:ovks", "OVKS", 100.0, "exact"),
        MentionRecord("b", 5, 10, "Minsk", "ORG", "loc:minsk", "Minsk", 100.0, "exact"),  # NER mislabel
        MentionRecord("c", 0, 5, "Minsk", "LOC", "loc:minsk", "Minsk", 100.0, "exact"),
        MentionRecord("c", 6, 11, "Pinsk", "LOC", "loc:pinsk", "Pinsk", 100.0, "exact"),
    ]
    rows = summarize(records)
    assert rows == [
        EntityRow("loc:minsk", "Minsk", "LOC", 3, 3, {"Minsk": 3}),
        EntityRow("org:ovks", "OVKS", "ORG", 3, 2, {"OVKS": 2, "OVKAS": 1}),
        EntityRow("loc:pinsk", "Pinsk", "LOC", 1, 1, {"Pinsk": 1}),
    ]


def meta_rows():
    records = [
        MentionRecord("a", 0, 21, "Alexander Wolfowitsch", "PER", "per:w", "Alexander Wolfowitsch", 100.0, "new"),
        MentionRecord("a", 66, 77, "Wolfowutsch", "PER", "per:w", "Alexander Wolfowitsch", 90.9, "coref"),
        MentionRecord("b, \"quoted\"\nline", 3, 7, "OVKS", "ORG", "org:ovks", "OVKS", None, None),
    ]
    metas = [("2023-01-10", 3, {"tags": ["ovks"]}), ("2023-01-10", 3, {"tags": ["ovks"]}), (None, 4, "text")]
    return [(*record.row(), *meta) for record, meta in zip(records, metas)]


COLUMNS = MENTION_COLUMNS + ("date", "page", "extra")
TYPES = ("string", "int", "int", "string", "string", "string", "string", "float", "string", "string", "int", "json")


@pytest.mark.parametrize("format", ["jsonl", "csv", "parquet"])
def test_mention_tables_round_trip_in_every_format(tmp_path, format):
    path = tmp_path / f"mentions.{format}"
    with TableWriter(path, COLUMNS, format=format, types=TYPES) as writer:
        for row in meta_rows():
            writer.write(row)
    if format == "jsonl":
        back = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        assert back[2]["doc_id"] == 'b, "quoted"\nline'
        assert back[0]["extra"] == {"tags": ["ovks"]}
        assert back[2]["score"] is None
    elif format == "csv":
        with path.open(encoding="utf-8", newline="") as handle:
            back = list(csv.DictReader(handle))
        assert back[2]["doc_id"] == 'b, "quoted"\nline'
        assert json.loads(back[0]["extra"]) == {"tags": ["ovks"]}
        assert back[1]["score"] == "90.9" and back[2]["score"] == ""
    else:
        table = pq.read_table(path)
        assert table.schema.field("page").type == "int64"
        assert table.schema.field("score").type == "double"
        back = table.to_pylist()
        assert back[2]["doc_id"] == 'b, "quoted"\nline'
        assert json.loads(back[0]["extra"]) == {"tags": ["ovks"]} and back[2]["extra"] == "text"
        assert back[2]["date"] is None and back[1]["page"] == 3
    assert [row["text"] for row in back] == ["Alexander Wolfowitsch", "Wolfowutsch", "OVKS"]
    assert list(back[0]) == list(COLUMNS)


@pytest.mark.parametrize("format", ["jsonl", "csv", "parquet"])
def test_entity_variants_have_one_shape_in_every_format(tmp_path, format):
    rows = [EntityRow("per:w", "Alexander Wolfowitsch", "PER", 3, 2, {"Wolfowutsch": 1, "Wolfowitsch": 2})]
    path = tmp_path / f"entities.{format}"
    assert write_entities(path, rows, format=format) == 1
    if format == "jsonl":
        back = json.loads(path.read_text(encoding="utf-8"))
        variants = back["variants"]
    elif format == "csv":
        with path.open(encoding="utf-8", newline="") as handle:
            back = next(csv.DictReader(handle))
        variants = json.loads(back["variants"])
        assert back["mentions"] == "3"
    else:
        back = pq.read_table(path).to_pylist()[0]
        variants = back["variants"]
    assert list(back) == list(ENTITY_COLUMNS)
    # a list of {text, count}, most frequent first; in CSV that list's JSON text
    assert variants == [{"text": "Wolfowitsch", "count": 2}, {"text": "Wolfowutsch", "count": 1}]


def test_parquet_writes_row_groups_as_it_goes(tmp_path, monkeypatch):
    monkeypatch.setattr(TableWriter, "parquet_rows", 2)
    record = MentionRecord("a", 0, 5, "Minsk", "LOC", "loc:minsk", "Minsk", 100.0, "exact")
    path = tmp_path / "m.parquet"
    assert write_mentions(path, [record] * 5, format="parquet") == 5
    assert pq.ParquetFile(path).metadata.num_row_groups == 3
    assert pq.read_table(path).num_rows == 5


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(InputError, match="unknown output format 'xlsx'; use one of jsonl, csv, parquet"):
        write_mentions(tmp_path / "m.xlsx", [], format="xlsx")


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://evil\")", "+49 30 1234", "-Minsk", "@SUM(A1)", "\tMinsk"])
def test_csv_cells_that_a_spreadsheet_would_run_are_escaped(tmp_path, value):
    record = MentionRecord(value, 0, 5, value, "LOC", "loc:minsk", value, 100.0, "exact")
    path = tmp_path / "m.csv"
    write_mentions(path, [record], format="csv")
    with path.open(encoding="utf-8", newline="") as handle:
        back = next(csv.DictReader(handle))
    assert back["doc_id"] == back["text"] == back["canonical"] == "'" + value
    assert back["start_char"] == "0"
    jsonl = tmp_path / "m.jsonl"
    write_mentions(jsonl, [record], format="jsonl")
    assert json.loads(jsonl.read_text(encoding="utf-8"))["doc_id"] == value  # only CSV is escaped


def test_a_metadata_integer_beyond_64_bits_is_stored_as_text_and_said_so(tmp_path):
    from entitykit.export import meta_type, value_kind

    values = [3, 2**64, None]
    kind = meta_type({value_kind(v) for v in values} - {None})
    assert kind == "json"
    path = tmp_path / "m.parquet"
    with TableWriter(path, ("doc_id", "big"), format="parquet", types=("string", kind)) as writer:
        for i, value in enumerate(values):
            writer.write((f"d{i}", value))
    assert pq.read_table(path).column("big").to_pylist() == ["3", "18446744073709551616", None]
    assert writer.stored_as_text == {"big": "integers beyond the 64-bit range, stored as text"}


def test_metadata_keys_that_collide_with_output_columns_keep_their_values(tmp_path):
    from entitykit.export import meta_column_names

    names = meta_column_names(["doc_id", "meta_doc_id", "label", "date"])
    assert names == ["meta_meta_doc_id", "meta_doc_id", "meta_label", "date"]
    assert len(set(names) | set(MENTION_COLUMNS)) == len(names) + len(MENTION_COLUMNS)
    path = tmp_path / "m.jsonl"
    with TableWriter(path, ("doc_id", *names)) as writer:
        writer.write(("a", "x", "y", "Politik", "2023-01-10"))
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "doc_id": "a", "meta_meta_doc_id": "x", "meta_doc_id": "y", "meta_label": "Politik", "date": "2023-01-10"}


def test_a_writer_refuses_repeated_column_names(tmp_path):
    with pytest.raises(ValueError, match="repeated column name.s. label; make them unique"):
        TableWriter(tmp_path / "m.jsonl", ("doc_id", "label", "label"))
