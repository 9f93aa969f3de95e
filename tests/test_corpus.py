"""Streaming corpus readers, ``extract()`` and ``run_corpus()``.

The pipeline here is an entity ruler named "ner" (hand-placed entities, no statistical model)
followed by entitykit's real ``entitykit_mentions`` and ``entitykit_resolver`` components, so
the tests check the runner and the resolution, not NER quality.
"""

from __future__ import annotations

import gzip
import io
import json
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import spacy

import entitykit
from entitykit.corpus import (
    WORK_DIR,
    Record,
    count_records,
    extract,
    read_records,
    run_corpus,
)
from entitykit.errors import CorpusFormatError, InputError

from conftest import bad_corpus  # noqa: E402  (shared with test_run_cli)

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"
ALIASES = CORPUS / "aliases.jsonl"
PATTERNS = [
    ("Alexander Lukaschenko", "PER"), ("Lukaschenko", "PER"),
    ("Alexander Wolfowitsch", "PER"), ("Alexander Wolfowutsch", "PER"), ("Wolfowitsch", "PER"), ("Wolfowutsch", "PER"),
    ("Imangali Tasmagambetow", "PER"), ("Tasmagambetow", "PER"),
    ("OVKS", "ORG"), ("Minsk", "LOC"), ("Moskau", "LOC"), ("Belarus", "LOC"),
]


def rule_pipeline(path: Path) -> Path:
    """Save a pipeline whose 'ner' is an entity ruler for the fixture names."""
    nlp = spacy.blank("de")
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns([{"label": label, "pattern": [{"TEXT": w} for w in text.split()]} for text, label in PATTERNS])
    nlp.to_disk(path)
    return path


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> Path:
    return rule_pipeline(tmp_path_factory.mktemp("model") / "de_rules")


@pytest.fixture(scope="module")
def nlp(model_path):
    return entitykit.load(model_path, aliases=[ALIASES], default_aliases=False)


def records(*inputs, **options) -> list[Record]:
    return list(read_records([str(path) for path in inputs], **options))


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- readers -------------------------------------------------------------------------------


def test_a_folder_is_read_recursively_in_sorted_order_with_paths_as_ids():
    got = records(CORPUS / "txt")
    root = (CORPUS / "txt").as_posix()
    assert [r.doc_id for r in got] == [
        f"{root}/belta/2023/01-10-ovks.txt",
        f"{root}/belta/2023/01-12-minsk.txt",
        f"{root}/tass/02-01-tasmagambetow.txt",
    ]
    assert all(r.error is None for r in got)
    assert got[1].text.startswith("MINSK, 12. Januar (BelTA) - Präsident Alexander Lukaschenko")


def test_jsonl_records_carry_their_metadata():
    got = records(CORPUS / "news.jsonl")
    assert [r.doc_id for r in got] == ["belta-0110", "belta-0111", "tass-0201", "belta-0203"]
    assert got[0].meta == {"date": "2023-01-10", "source": "BelTA", "url": "https://de.belta.by/politics/view/ovks-1"}
    assert got[0].source.endswith("news.jsonl line 1")


def test_gzipped_jsonl_reads_like_jsonl(tmp_path):
    packed = tmp_path / "news.jsonl.gz"
    packed.write_bytes(gzip.compress((CORPUS / "news.jsonl").read_bytes()))
    plain = records(CORPUS / "news.jsonl")
    assert [(r.doc_id, r.text, r.meta) for r in records(packed)] == [(r.doc_id, r.text, r.meta) for r in plain]


def test_other_text_and_id_keys(tmp_path):
    path = tmp_path / "other.jsonl"
    path.write_text('{"body": "Minsk", "uid": 7, "text": "not the text"}\n{"body": "Moskau"}\n', encoding="utf-8")
    got = records(path, text_key="body", id_key="uid")
    assert (got[0].doc_id, got[0].text, got[0].meta) == ("7", "Minsk", {"text": "not the text"})
    assert got[1].doc_id == f"{path.as_posix()}:2"  # no id: file and line


def test_csv_and_tsv_tables(tmp_path):
    got = records(CORPUS / "news.csv")
    assert [r.doc_id for r in got] == ["belta-17701", "belta-17745", "tass-20230201"]
    assert got[1].text.startswith('Präsident Alexander Lukaschenko sprach in Minsk über die OVKS. "Wir arbeiten')
    assert got[0].meta == {"date": "2023-01-10", "source": "BelTA"}
    tsv = tmp_path / "news.tsv"
    tsv.write_text("id\ttext\tsource\nx1\tLukaschenko in Minsk\tBelTA\n", encoding="utf-8")
    (row,) = records(tsv)
    assert (row.doc_id, row.text, row.meta) == ("x1", "Lukaschenko in Minsk", {"source": "BelTA"})


def test_parquet_tables(tmp_path):
    path = tmp_path / "news.parquet"
    import datetime

    table = pa.table({
        "id": ["a", "b"],
        "text": ["Lukaschenko in Minsk", "Wolfowitsch in Moskau"],
        "date": [datetime.date(2023, 1, 10), None],
        "page": [3, 4],
    })
    pq.write_table(table, path)
    got = records(path)
    assert [(r.doc_id, r.text, r.meta) for r in got] == [
        ("a", "Lukaschenko in Minsk", {"date": "2023-01-10", "page": 3}),
        ("b", "Wolfowitsch in Moskau", {"date": None, "page": 4}),
    ]


def test_stdin_is_jsonl_or_one_document_per_line():
    jsonl = io.BytesIO(b'{"id": "a", "text": "Minsk"}\n\n{"id": "b", "text": "Moskau"}\n')
    assert [(r.doc_id, r.text) for r in read_records(["-"], stdin=jsonl)] == [("a", "Minsk"), ("b", "Moskau")]
    lines = io.BytesIO("Lukaschenko in Minsk\r\n\nWolfowitsch in Moskau\n".encode())
    assert [(r.doc_id, r.text) for r in read_records(["-"], stdin=lines)] == [
        ("-:1", "Lukaschenko in Minsk"), ("-:3", "Wolfowitsch in Moskau"),
    ]


def test_skip_leaves_out_the_first_records():
    inputs = [CORPUS / "txt", CORPUS / "news.jsonl", CORPUS / "news.csv"]
    every = records(*inputs)
    assert len(every) == 10 == count_records([str(p) for p in inputs])
    assert records(*inputs, skip=4) == every[4:]


# --- bad input: one error record each, the rest is read ----------------------------------------


def reasons(path: Path, **options) -> list[tuple[str, str | None]]:
    return [(r.doc_id, r.error) for r in records(path, **options)]


def test_bad_text_files_are_error_records(tmp_path):
    folder = tmp_path / "txt"
    folder.mkdir()
    (folder / "a_good.txt").write_text("Lukaschenko empfing Tasmagambetow in Minsk.", encoding="utf-8")
    (folder / "b_latin1.txt").write_bytes("Lukaschenko in Minsk, Grüße".encode("latin-1"))
    (folder / "c_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "d_empty.txt").write_text(" \n\t\n", encoding="utf-8")
    (folder / "e_huge.txt").write_text("Minsk " * 900_000, encoding="utf-8")  # 5.4 MB
    got = dict(reasons(folder))
    assert got.pop(f"{folder.as_posix()}/a_good.txt") is None
    assert got == {
        f"{folder.as_posix()}/b_latin1.txt": "not UTF-8 at byte 24; convert the file to UTF-8",
        f"{folder.as_posix()}/c_binary.txt": "binary file (NUL byte at byte 8), not text",
        f"{folder.as_posix()}/d_empty.txt": "empty document",
        f"{folder.as_posix()}/e_huge.txt": "document too long: 5,400,000 bytes; the limit is 1,000,000 characters (--max-chars)",
    }


def test_the_length_limit_counts_characters(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("Grüße aus Minsk. " * 100, encoding="utf-8")  # 1,700 characters, 1,900 bytes
    assert records(path, max_chars=1700)[0].error is None
    (record,) = records(path, max_chars=1699)
    assert record.error == "document too long: 1,700 characters; the limit is 1,699 (--max-chars)"


def test_bad_jsonl_lines_are_error_records(tmp_path):
    path = tmp_path / "news.jsonl"
    lines = [
        b'{"id": "ok1", "text": "Minsk"}',
        b'{"id": "broken", "text": "Minsk"',
        b'{"id": "no-text", "body": "Minsk"}',
        b'{"id": "number", "text": 42}',
        b'{"id": "empty", "text": ""}',
        b'["a", "list"]',
        b'{"id": "latin1", "text": "Gr\xfc\xdfe aus Minsk"}',
        b'{"id": "ok2", "text": "Moskau"}',
    ]
    data = b"\n".join(lines) + b"\n"
    path.write_bytes(data)
    display = path.as_posix()
    got = records(path)
    assert [(r.doc_id, r.source.rsplit(" ", 1)[-1], r.error) for r in got] == [
        ("ok1", "1", None),
        (f"{display}:2", "2", "not valid JSON (Expecting ',' delimiter at column 33)"),
        ("no-text", "3", "no 'text' field (fields: id, body); choose the text field with --text-key"),
        ("number", "4", "field 'text' is a int, not a string"),
        ("empty", "5", "empty document"),
        (f"{display}:6", "6", "expected a JSON object, got list"),
        (f"{display}:7", "7", f"not UTF-8 at byte {data.index(bytes([0xFC]))}"),
        ("ok2", "8", None),
    ]


def test_a_broken_gzip_stream_keeps_the_lines_before(tmp_path):
    data = gzip.compress(b"".join(b'{"id": "%d", "text": "Minsk und Moskau"}\n' % i for i in range(2000)))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    got = records(path)
    assert all(r.error is None for r in got[:-1]) and len(got) > 10
    assert got[-1].error.startswith("unreadable from here on (")


def test_bad_csv_rows_are_error_records(tmp_path):
    path = tmp_path / "news.csv"
    path.write_bytes(
        b'id,text,source\n'
        b'a,Lukaschenko in Minsk,BelTA\n'
        b'b,Minsk,BelTA,extra\n'
        b'c,Gr\xfc\xdfe aus Minsk,BelTA\n'
        b'd,,BelTA\n'
        b'e,"Zwei Zeilen\nin Moskau",TASS\n'
        b'f,Wolfowitsch,BelTA\n'
    )
    got = [(r.doc_id, r.source.rsplit(" ", 1)[-1], r.error) for r in records(path)]
    display = path.as_posix()
    assert got == [
        ("a", "2", None),
        (f"{display}:2", "3", "4 fields, the header has 3"),
        (f"{display}:3", "4", "field 'text' is not UTF-8; convert the file to UTF-8"),
        ("d", "5", "empty document"),
        ("e", "6", None),
        ("f", "8", None),
    ]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("missing.jsonl", None, "missing.jsonl: no such file or directory"),
        ("report.pdf", b"%PDF-1.4", "report.pdf: unsupported input type; give a directory of .txt files"),
        ("table.csv", b"id,body\n1,Minsk\n", "table.csv: no column 'text' (columns: id, body); choose the text column with --text-key"),
        ("table.parquet", b"not parquet at all", "table.parquet: not a readable Parquet file"),
    ],
)
def test_unusable_inputs_fail_before_any_reading(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as error:
        read_records([str(CORPUS / "news.jsonl"), str(path)])
    assert str(error.value).startswith(str(tmp_path / message))


# --- extract --------------------------------------------------------------------------------


def test_extract_yields_mentions_per_document_in_input_order(nlp):
    texts = ["Alexander Lukaschenko empfing Tasmagambetow in Minsk.", "", {"id": "x", "text": "Die OVKS tagt in Moskau.", "date": "2023-01-10"}]
    got = list(entitykit.extract(texts, nlp=nlp))
    assert [(d.doc_id, d.meta) for d in got] == [("0", {}), ("1", {}), ("x", {"date": "2023-01-10"})]
    first = got[0].mentions
    assert [(m.text, m.label, m.entity_id) for m in first][::2] == [
        ("Alexander Lukaschenko", "PER", "per:alexander-lukaschenko"), ("Minsk", "LOC", "loc:minsk"),
    ]
    assert got[1].mentions == []
    assert [(m.doc_id, m.text, m.entity_id) for m in got[2].mentions] == [("x", "OVKS", "org:ovks"), ("x", "Moskau", "loc:moskau")]


def test_extract_names_a_bad_record(nlp):
    with pytest.raises(InputError, match="record 1: no 'text' field"):
        list(extract(["Minsk", {"body": "Moskau"}], nlp=nlp))


def test_extract_runs_long_texts_in_pieces_in_input_order(nlp, monkeypatch):
    import entitykit.pipeline

    monkeypatch.setattr(entitykit.pipeline, "MAX_CHUNK_CHARS", 200)
    long_text = "Alexander Lukaschenko sprach in Minsk.\n" * 20  # 780 characters: 4+ pieces
    got = list(extract(["Die OVKS tagt in Moskau.", long_text, "Minsk"], nlp=nlp))
    assert [d.doc_id for d in got] == ["0", "1", "2"]
    assert [m.text for m in got[1].mentions].count("Minsk") == 20
    assert all(long_text[m.start_char : m.end_char] == m.text for m in got[1].mentions)
    assert [m.text for m in got[2].mentions] == ["Minsk"]


def test_new_words_do_not_stay_in_the_vocab_after_a_zone(nlp, monkeypatch):
    """Memory of a long run must not grow with its corpus: each memory zone frees its new strings."""
    import entitykit.corpus

    monkeypatch.setattr(entitykit.corpus, "ZONE_DOCS", 2)
    before = len(nlp.vocab.strings)
    texts = [f"Minsk meldet Wort{number}x und Begriff{number}y." for number in range(40)]
    got = list(extract(texts, nlp=nlp, batch_size=2))
    assert [m.text for d in got for m in d.mentions] == ["Minsk"] * 40
    assert len(nlp.vocab.strings) < before + 10


# --- run_corpus -----------------------------------------------------------------------------

INPUTS = [str(CORPUS / "txt"), str(CORPUS / "news.jsonl"), str(CORPUS / "news.csv")]


def run(out: Path, nlp, inputs=INPUTS, **options):
    return run_corpus(inputs, out, nlp=nlp, progress=False, **options)


def outputs(out: Path, format: str = "jsonl") -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in (f"mentions.{format}", f"entities.{format}", "errors.jsonl")}


def test_run_writes_mentions_entities_errors_and_run_json(tmp_path, nlp):
    out = tmp_path / "out"
    summary = run(out, nlp)
    assert (summary.documents, summary.errors, summary.resumed_at) == (10, 0, 0)
    assert sorted(p.name for p in out.iterdir()) == ["entities.jsonl", "errors.jsonl", "mentions.jsonl", "run.json"]
    mentions = read_jsonl(out / "mentions.jsonl")
    entities = read_jsonl(out / "entities.jsonl")
    assert len(mentions) == summary.mentions and len(entities) == summary.entities
    assert list(mentions[0])[:9] == ["doc_id", "start_char", "end_char", "text", "label", "entity_id", "canonical", "score", "method"]
    # mentions and entities agree: same ids, counts, variants, canonical names
    by_id = {e["entity_id"]: e for e in entities}
    assert Counter(m["entity_id"] for m in mentions) == {i: e["mentions"] for i, e in by_id.items()}
    for entity_id, entity in by_id.items():
        own = [m for m in mentions if m["entity_id"] == entity_id]
        assert Counter(m["text"] for m in own) == entity["variants"]
        assert {m["canonical"] for m in own} == {entity["canonical"]}
        assert len({m["doc_id"] for m in own}) == entity["documents"]
    assert [e["mentions"] for e in entities] == sorted((e["mentions"] for e in entities), reverse=True)
    # metadata columns are carried
    jsonl_mention = next(m for m in mentions if m["doc_id"] == "belta-0110")
    assert (jsonl_mention["date"], jsonl_mention["source"], jsonl_mention["url"]) == (
        "2023-01-10", "BelTA", "https://de.belta.by/politics/view/ovks-1")
    report = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert report["counts"] == {"documents": 10, "mentions": summary.mentions, "entities": summary.entities,
                                "errors": 0, "unknown_forms": report["counts"]["unknown_forms"]}
    assert report["model"]["pipeline"] == nlp.pipe_names
    assert report["options"]["format"] == "jsonl" and report["timings"]["total"] > 0
    assert report["registry"] == {"entities": 4}  # the pipeline given, with the 4 fixture entities
    assert not (out / WORK_DIR).exists()


def test_unknown_variants_get_one_id_across_the_corpus(tmp_path, nlp):
    out = tmp_path / "out"
    run(out, nlp, batch_size=1)  # one document a batch: only corpus clustering can merge them
    mentions = read_jsonl(out / "mentions.jsonl")
    ids = {m["entity_id"] for m in mentions if m["text"] in ("Alexander Wolfowutsch", "Wolfowutsch", "Wolfowitsch", "Alexander Wolfowitsch")}
    assert len(ids) == 1
    tasmagambetow = {(m["doc_id"], m["entity_id"]) for m in mentions if "Tasmagambetow" in m["text"]}
    assert len({entity_id for _, entity_id in tasmagambetow}) == 1 and len(tasmagambetow) >= 5
    registry = {m["entity_id"] for m in mentions if m["text"] in ("Lukaschenko", "Alexander Lukaschenko")}
    assert registry == {"per:alexander-lukaschenko"}


@pytest.mark.parametrize("format", ["csv", "parquet"])
def test_other_formats_hold_the_same_rows(tmp_path, nlp, format):
    run(tmp_path / "jsonl", nlp)
    run(tmp_path / format, nlp, format=format)
    expected = read_jsonl(tmp_path / "jsonl" / "mentions.jsonl")
    if format == "csv":
        import pandas as pd

        got = pd.read_csv(tmp_path / "csv" / "mentions.csv", keep_default_na=False).to_dict("records")
        assert [(r["doc_id"], r["start_char"], r["entity_id"], r["date"]) for r in got] == [
            (r["doc_id"], r["start_char"], r["entity_id"], r["date"] or "") for r in expected]
    else:
        got = pq.read_table(tmp_path / "parquet" / "mentions.parquet").to_pylist()
        assert got == expected
        entities = pq.read_table(tmp_path / "parquet" / "entities.parquet").to_pylist()
        assert [e["entity_id"] for e in entities] == [e["entity_id"] for e in read_jsonl(tmp_path / "jsonl" / "entities.jsonl")]


def test_bad_documents_go_to_errors_and_the_run_goes_on(tmp_path, nlp):
    out = tmp_path / "out"
    summary = run(out, nlp, inputs=bad_corpus(tmp_path))
    assert (summary.documents, summary.errors) == (3 + 5, 6)
    errors = read_jsonl(out / "errors.jsonl")
    assert [(Path(e["doc_id"]).name, e["reason"].split(" (")[0].split(";")[0]) for e in errors] == [
        ("binary.txt", "binary file"),
        ("empty.txt", "empty document"),
        ("huge.txt", "document too long: 5,400,000 bytes"),
        ("latin1.txt", "not UTF-8 at byte 24"),
        ("news.jsonl:5", "not valid JSON"),
        ("no-text", "no 'text' field"),
    ]
    assert errors[4]["source"].endswith("news.jsonl line 5")
    assert "last" in {m["doc_id"] for m in read_jsonl(out / "mentions.jsonl")}


def test_strict_stops_at_the_first_bad_document(tmp_path, nlp):
    with pytest.raises(CorpusFormatError, match=r"binary.txt: binary file \(NUL byte at byte 8\), not text \(--strict"):
        run(tmp_path / "out", nlp, inputs=bad_corpus(tmp_path), strict=True)
    assert not (tmp_path / "out" / "mentions.jsonl").exists()


def test_missing_input_fails_before_any_output(tmp_path, nlp):
    with pytest.raises(InputError, match="no/such/folder: no such file or directory"):
        run(tmp_path / "out", nlp, inputs=[*INPUTS, "no/such/folder"])
    assert not (tmp_path / "out").exists()


def test_existing_outputs_need_force(tmp_path, nlp):
    out = tmp_path / "out"
    run(out, nlp)
    (out / "notes.md").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match="already holds the outputs of a run .*add --force"):
        run(out, nlp)
    run(out, nlp, force=True, format="csv")
    assert sorted(p.name for p in out.iterdir()) == ["entities.csv", "errors.jsonl", "mentions.csv", "notes.md", "run.json"]


def interrupted(out: Path, nlp, inputs, documents: int, monkeypatch, **options) -> None:
    """Leave ``out`` as a crash while handling document ``documents + 1`` would, with a
    half-written tail after the last checkpoint in both part files."""
    import entitykit.corpus

    class Crash(Exception):
        pass

    calls = []
    real = entitykit.corpus.doc_mentions

    def crashing(doc, doc_id=None):
        calls.append(doc_id)
        if len(calls) > documents:
            raise Crash
        return real(doc, doc_id)

    with monkeypatch.context() as patch:
        patch.setattr(entitykit.corpus, "doc_mentions", crashing)
        patch.setattr(entitykit.corpus, "CHECKPOINT_SECONDS", 0)  # one at every batch
        with pytest.raises(Crash):
            run(out, nlp, inputs=inputs, **options)
    with (out / WORK_DIR / "mentions.part.jsonl").open("ab") as handle:
        handle.write(b'{"o": 999, "id": "half-writ')
    with (out / WORK_DIR / "errors.part.jsonl").open("ab") as handle:
        handle.write(b'{"doc_id": "x", "reas')


def test_a_resumed_run_gives_the_outputs_of_an_uninterrupted_one(tmp_path, nlp, monkeypatch):
    inputs = bad_corpus(tmp_path)
    run(tmp_path / "whole", nlp, inputs=inputs, batch_size=2)
    out = tmp_path / "resumed"
    interrupted(out, nlp, inputs, 5, monkeypatch, batch_size=2)
    checkpoint = json.loads((out / WORK_DIR / "checkpoint.json").read_text(encoding="utf-8"))
    assert checkpoint["documents"] == 4 and not checkpoint["finished_input"]
    summary = run(out, nlp, inputs=inputs, batch_size=2)
    assert summary.resumed_at == checkpoint["ordinals"] > 0
    assert outputs(out) == outputs(tmp_path / "whole")


def test_an_unfinished_run_with_other_options_is_not_resumed(tmp_path, nlp, monkeypatch):
    out = tmp_path / "out"
    interrupted(out, nlp, INPUTS, 3, monkeypatch, batch_size=2)
    with pytest.raises(InputError, match="unfinished run with other inputs or options"):
        run(out, nlp, batch_size=2, format="csv")
    assert run(out, nlp, batch_size=3, force=True).resumed_at == 0


def test_two_processes_give_the_same_outputs(tmp_path, nlp):
    run(tmp_path / "one", nlp, batch_size=2)
    run(tmp_path / "two", nlp, batch_size=2, n_process=2)
    assert outputs(tmp_path / "two") == outputs(tmp_path / "one")


def test_the_batch_size_changes_speed_not_results(tmp_path, nlp):
    # the resolver merges unknown names within a batch; corpus clustering redoes it for all
    run(tmp_path / "one", nlp, batch_size=1)
    run(tmp_path / "many", nlp, batch_size=128)
    assert outputs(tmp_path / "one") == outputs(tmp_path / "many")


def test_a_damaged_unfinished_run_asks_for_force(tmp_path, nlp, monkeypatch):
    out = tmp_path / "out"
    interrupted(out, nlp, INPUTS, 3, monkeypatch, batch_size=2)
    (out / WORK_DIR / "mentions.part.jsonl").unlink()
    with pytest.raises(InputError, match="cannot be resumed .*add --force to start over"):
        run(out, nlp, batch_size=2)
    assert run(out, nlp, batch_size=2, force=True).documents == 10


def test_an_empty_corpus_gives_empty_tables(tmp_path, nlp):
    (tmp_path / "empty").mkdir()
    summary = run(tmp_path / "out", nlp, inputs=[str(tmp_path / "empty")], format="parquet")
    assert (summary.documents, summary.mentions, summary.entities, summary.errors) == (0, 0, 0, 0)
    assert pq.read_table(tmp_path / "out" / "mentions.parquet").num_rows == 0
    assert pq.read_table(tmp_path / "out" / "entities.parquet").column_names == [
        "entity_id", "canonical", "label", "mentions", "documents", "variants"]


def test_a_long_document_is_run_in_pieces_with_offsets_into_the_whole(tmp_path, nlp):
    filler = "Die Sitzung dauerte bis in den Abend.\n\n" * 3000  # 117,000 characters
    long_text = "Lukaschenko eröffnete die Sitzung in Minsk.\n\n" + filler + "Am Ende sprach Wolfowitsch in Moskau."
    path = tmp_path / "long.jsonl"
    rows = [{"id": "short-1", "text": "Tasmagambetow in Moskau."}, {"id": "long", "text": long_text},
            {"id": "short-2", "text": "Die OVKS tagt in Minsk."}]
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    summary = run(tmp_path / "out", nlp, inputs=[str(path)])
    assert (summary.documents, summary.errors) == (3, 0)
    mentions = read_jsonl(tmp_path / "out" / "mentions.jsonl")
    assert [m["doc_id"] for m in mentions] == ["short-1", "short-1", "long", "long", "long", "long", "short-2", "short-2"]
    for m in mentions:
        if m["doc_id"] == "long":
            assert long_text[m["start_char"]:m["end_char"]] == m["text"]
    assert [m["text"] for m in mentions if m["doc_id"] == "long"] == ["Lukaschenko", "Minsk", "Wolfowitsch", "Moskau"]


def test_frozen_msgpack_codecs_still_round_trip_numpy():
    """The speed-up for multi-process runs keeps srsly's codecs (numpy arrays in Doc bytes)."""
    import numpy
    import srsly

    from entitykit.corpus import _freeze_msgpack_codecs

    _freeze_msgpack_codecs()
    _freeze_msgpack_codecs()  # idempotent
    assert "numpy" in srsly.msgpack.msgpack_decoders.get_all()
    array = numpy.arange(6, dtype="float32").reshape(2, 3)
    assert (srsly.msgpack_loads(srsly.msgpack_dumps({"a": array}))["a"] == array).all()
