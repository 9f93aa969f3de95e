"""Batch inputs (``entitykit.inputs``): the streaming readers, their error records, and the one
reader of UTF-8 / JSON lines shared with the registry and the gold-file readers."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import corrupt_row_group, unreadable_folders

from entitykit.errors import InputError, RegistryError
from entitykit.inputs import (
    Line,
    LineError,
    Record,
    Source,
    check_inputs,
    count_records,
    iter_lines,
    read_jsonl,
    read_records,
    text_lines,
)

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"


def records(*inputs, **options) -> list[Record]:
    return list(read_records([str(path) for path in inputs], **options))


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
        (f"{display}:7", "7", f"not UTF-8 at byte {data.index(bytes([0xFC]))}; convert the file to UTF-8"),
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


def test_checked_sources_are_read_without_checking_again(tmp_path, monkeypatch):
    inputs = [str(CORPUS / "txt"), str(CORPUS / "news.jsonl")]
    expected = [r.doc_id for r in records(*inputs)]
    sources = check_inputs(inputs)
    assert [source.kind for source in sources] == ["dir", "jsonl"]
    assert all(isinstance(source, Source) for source in sources)
    import entitykit.inputs

    def fail(*args, **kwargs):
        raise AssertionError("inputs checked twice")

    monkeypatch.setattr(entitykit.inputs, "check_inputs", fail)
    assert [r.doc_id for r in read_records(sources)] == expected
    assert count_records(sources) == 7


# --- the line reader: one wording of its errors ---------------------------------------------------

LATIN1 = b'{"id": "ok", "text": "Minsk"}\n\n{"id": "latin1", "text": "Gr\xfc\xdfe"}\n'
BROKEN = b'{"id": "ok", "text": "Minsk"}\n{"id": "broken", "text": "Minsk"\n'


def test_lines_carry_number_and_byte_offset_and_skip_a_byte_order_mark():
    lines = list(iter_lines(io.BytesIO(b"\xef\xbb\xbf" + LATIN1)))
    assert [(line.number, line.offset, line.blank) for line in lines] == [(1, 3, False), (2, 33, True), (3, 34, False)]
    assert lines[0].json() == {"id": "ok", "text": "Minsk"}
    with pytest.raises(LineError, match="^not UTF-8 at byte 62; convert the file to UTF-8$"):
        lines[2].text()


def test_gzipped_lines_read_like_plain_ones(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(LATIN1)
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(LATIN1))
    assert list(iter_lines(tmp_path / "a.jsonl.gz")) == list(iter_lines(tmp_path / "a.jsonl"))


@pytest.mark.parametrize(
    "data, message",
    [
        (LATIN1, "bad.jsonl:3: not UTF-8 at byte 59; convert the file to UTF-8"),
        (BROKEN, "bad.jsonl:2: not valid JSON (Expecting ',' delimiter at column 33)"),
    ],
)
def test_one_wording_for_the_corpus_registry_and_gold_readers(tmp_path, data, message):
    """The same bad line reads the same in a corpus error record, a registry error and a gold file error."""
    path = tmp_path / "bad.jsonl"
    path.write_bytes(data)
    reason = message.split(": ", 1)[1]
    with pytest.raises(InputError) as error:
        list(read_jsonl(path))
    assert str(error.value) == f"{tmp_path}/{message}"
    assert records(path)[-1].error == reason
    with pytest.raises(RegistryError) as error:
        list(read_jsonl(path, error=RegistryError))
    assert str(error.value) == f"{tmp_path}/{message}"
    if "UTF-8" in message:
        with pytest.raises(InputError) as error:
            list(text_lines(path))
        assert str(error.value) == f"{tmp_path}/{message}"


def test_a_registry_file_reports_bad_lines_in_the_same_words(tmp_path):
    from entitykit.aliases import AliasRegistry

    path = tmp_path / "registry.jsonl"
    path.write_bytes(b'{"id": "loc:minsk", "label": "LOC", "name": "Minsk", "aliases": [}\n')
    with pytest.raises(RegistryError, match=r"registry.jsonl:1: not valid JSON \(Expecting value at column 66\)$"):
        AliasRegistry.from_sources(path)


def test_a_gold_file_reports_bad_lines_in_the_same_words(tmp_path):
    from entitykit.evaluate import read_gold_clusters

    path = tmp_path / "gold.jsonl"
    path.write_bytes(b'{"text": "Minsk", "label": "LOC", "cluster": "minsk"}\n{"text": "Gr\xfc\xdfe", "label": "LOC"}\n')
    with pytest.raises(InputError, match=r"gold.jsonl:2: not UTF-8 at byte 66; convert the file to UTF-8$"):
        read_gold_clusters(path)


def test_text_lines_keep_blank_lines_so_line_numbers_match(tmp_path):
    path = tmp_path / "names.jsonl"
    path.write_text("Minsk\r\n\nMoskau\n", encoding="utf-8")
    assert list(text_lines(path)) == ["Minsk", "", "Moskau"]
    assert Line(1, 0, b"Minsk\r\n").text() == "Minsk"


def test_unreadable_folders_are_error_records(tmp_path, monkeypatch):
    folder = tmp_path / "corpus"
    (folder / "a").mkdir(parents=True)
    (folder / "b").mkdir()
    (folder / "a" / "1.txt").write_text("Minsk", encoding="utf-8")
    (folder / "b" / "2.txt").write_text("Moskau", encoding="utf-8")
    unreadable_folders(monkeypatch, "b")
    records = list(read_records([folder]))
    assert [(r.doc_id, r.error) for r in records] == [
        (f"{folder.as_posix()}/a/1.txt", None),
        (f"{folder.as_posix()}/b", "cannot read the folder (Permission denied); its files were skipped; check its permissions"),
    ]
    assert count_records([folder]) == 2


def test_an_unreadable_top_folder_is_an_error_record(tmp_path, monkeypatch):
    import os

    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "1.txt").write_text("Minsk", encoding="utf-8")

    def scandir(path="."):
        raise PermissionError(13, "Permission denied", os.fspath(path))

    monkeypatch.setattr(os, "scandir", scandir)
    (record,) = read_records([folder])
    assert record.doc_id == folder.as_posix() and record.error.startswith("cannot read the folder")


def test_a_file_symlink_pointing_outside_the_folder_is_not_read(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("Geheim in Minsk", encoding="utf-8")
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("Moskau", encoding="utf-8")
    (folder / "b.txt").symlink_to(outside)
    (folder / "c.txt").symlink_to(folder / "a.txt")  # inside the folder: read
    records = {r.doc_id: r for r in read_records([folder])}
    bad = records[f"{folder.as_posix()}/b.txt"]
    assert bad.text is None and "outside the input folder; not read" in bad.error
    assert records[f"{folder.as_posix()}/c.txt"].text == "Moskau"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_files_are_named_as_utf16(tmp_path, encoding):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_bytes("Lukaschenko empfing ihn in Minsk.".encode(encoding))
    (record,) = read_records([folder])
    assert record.error.startswith("UTF-16 text, not UTF-8; convert the file to UTF-8")


def test_a_corrupt_parquet_row_group_is_an_error_record_and_the_others_are_read(tmp_path):
    path = tmp_path / "news.parquet"
    table = pa.table({"id": [f"d{i}" for i in range(9)], "text": [f"Bericht {i} aus Minsk" for i in range(9)]})
    pq.write_table(table, path, row_group_size=3)
    corrupt_row_group(path, 1)  # the 2nd of 3
    got = list(read_records([path]))
    assert [r.doc_id for r in got] == ["d0", "d1", "d2", f"{path.as_posix()}:row-group-2", "d6", "d7", "d8"]
    bad = got[3]
    assert bad.text is None and bad.source == f"{path.as_posix()} row group 2 (rows 4-6)"
    assert bad.error.startswith("unreadable row group 2 of 3: rows 4-6 lost (")
    assert got[4].source == f"{path.as_posix()} row 7"


def test_an_unclosed_quote_names_every_record_it_swallowed(tmp_path):
    path = tmp_path / "news.csv"
    rows = [f"n{i},Bericht {i} aus Minsk,2023-01-{i:02d}" for i in range(1, 21)]
    rows[10] = 'n11,"Lukaschenko sagte,2023-01-11'  # the quote is never closed
    rows[14] = 'n15,Treffen in "Moskau",2023-01-15'  # a later quote ends the runaway field
    path.write_text("id,text,date\n" + "\n".join(rows) + "\n", encoding="utf-8")
    got = list(read_records([path]))
    display = path.as_posix()
    errors = {r.doc_id: r for r in got if r.error}
    assert [r.doc_id for r in got if not r.error] == [f"n{i}" for i in (*range(1, 11), *range(16, 21))]
    assert errors["n11"].source == f"{display} line 12"
    assert errors["n11"].error == (
        "unclosed quote: this record runs over lines 12-16 and swallowed 4 records (n12, n13, n14, n15); "
        "close the quote in line 12 and rerun"
    )
    for i, line in zip(range(12, 16), range(13, 17)):
        assert errors[f"n{i}"].source == f"{display} line {line}"
        assert errors[f"n{i}"].error == "not read: swallowed by the unclosed quote in line 12; close that quote and rerun"


def test_an_unclosed_quote_running_to_the_end_names_the_rest(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text('id,text\na,Minsk\nb,"Moskau\nc,Kiew\nd,Wien\n', encoding="utf-8")
    got = [(r.doc_id, r.error is None) for r in read_records([path])]
    assert got == [("a", True), ("b", False), ("c", False), ("d", False)]


@pytest.mark.parametrize(
    "raw_id, doc_id",
    [(7, "7"), (7.0, "7"), (2.5, "2.5"), (True, "true"), (["a", 1], '["a", 1]'), ({"n": 1}, '{"n": 1}'), ("a1", "a1")],
)
def test_non_string_ids_are_written_as_their_json_text(raw_id, doc_id):
    import json

    stdin = io.BytesIO(json.dumps({"id": raw_id, "text": "Minsk"}).encode() + b"\n")
    (record,) = read_records(["-"], stdin=stdin)
    assert record.doc_id == doc_id


def test_parquet_float_ids_are_written_without_a_python_repr(tmp_path):
    path = tmp_path / "news.parquet"
    pq.write_table(pa.table({"id": [1.0, None, 3.0], "text": ["Minsk", "Moskau", "Kiew"]}), path)
    assert [r.doc_id for r in read_records([path])] == ["1", f"{path.as_posix()}:2", "3"]


def test_a_utf16_jsonl_file_is_one_error_naming_utf16(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_bytes('{"id": "a", "text": "Minsk"}\n{"id": "b", "text": "Moskau"}\n'.encode("utf-16"))
    (record,) = read_records([path])
    assert record.error.startswith("UTF-16 text, not UTF-8; convert the file to UTF-8")
