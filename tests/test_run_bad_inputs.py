"""``run_corpus`` on bad inputs of the readers and writers (issue 11): each bad thing is an error
record in ``errors.jsonl`` or a clearly named column, the run goes on, and no traceback.

The pipeline is an entity ruler named "ner" followed by entitykit's own components, as in
``test_corpus.py``: the runner is the point, not NER quality.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import spacy
from conftest import corrupt_row_group, unreadable_folders

import entitykit
from entitykit.corpus import run_corpus


@pytest.fixture(scope="module")
def nlp(tmp_path_factory):
    blank = spacy.blank("de")
    ruler = blank.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns([{"label": "LOC", "pattern": "Minsk"}, {"label": "PER", "pattern": "Lukaschenko"}])
    path = tmp_path_factory.mktemp("model") / "de_rules"
    blank.to_disk(path)
    return entitykit.load(path, default_aliases=False)


def errors(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]


def test_a_metadata_integer_beyond_64_bits_is_stored_as_text_in_parquet(tmp_path, nlp):
    news = tmp_path / "news.jsonl"
    news.write_text(
        json.dumps({"id": "a", "text": "Lukaschenko in Minsk.", "n": 3}) + "\n"
        + json.dumps({"id": "b", "text": "Wieder Minsk.", "n": 2**64}) + "\n",
        encoding="utf-8",
    )
    run_corpus([str(news)], tmp_path / "out", nlp=nlp, progress=False, format="parquet")
    table = pq.read_table(tmp_path / "out" / "mentions.parquet")
    assert table.schema.field("n").type == pa.string()
    assert table.column("n").to_pylist() == ["3", "3", str(2**64)]
    report = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert report["stored_as_text"] == {"n": "integers beyond the 64-bit range, stored as text"}


def test_a_corrupt_parquet_row_group_goes_to_errors_and_the_run_goes_on(tmp_path, nlp):
    path = tmp_path / "news.parquet"
    pq.write_table(pa.table({"id": [f"d{i}" for i in range(6)], "text": ["Minsk"] * 6}), path, row_group_size=2)
    corrupt_row_group(path, 1)
    run_corpus([str(path)], tmp_path / "out", nlp=nlp, progress=False)
    mentions = [json.loads(line) for line in (tmp_path / "out" / "mentions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [m["doc_id"] for m in mentions] == ["d0", "d1", "d4", "d5"]
    (error,) = errors(tmp_path / "out")
    assert "unreadable row group 2 of 3: rows 3-4 lost" in json.dumps(error)


def test_an_unreadable_sub_folder_goes_to_errors(tmp_path, nlp, monkeypatch):
    folder = tmp_path / "corpus"
    (folder / "ok").mkdir(parents=True)
    (folder / "locked").mkdir()
    (folder / "ok" / "a.txt").write_text("Minsk", encoding="utf-8")
    (folder / "locked" / "b.txt").write_text("Minsk", encoding="utf-8")
    unreadable_folders(monkeypatch, "locked")
    run_corpus([str(folder)], tmp_path / "out", nlp=nlp, progress=False)
    (error,) = errors(tmp_path / "out")
    assert f"{folder.as_posix()}/locked" in json.dumps(error) and "cannot read the folder" in json.dumps(error)
