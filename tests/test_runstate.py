"""The output folder and checkpoints of a run (``entitykit.runstate``): refusing to overwrite,
typed part-file rows, and resuming a killed run with the outputs of an uninterrupted one."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import bad_corpus

from entitykit.errors import InputError
from entitykit.export import MentionRecord
from entitykit.runstate import WORK_DIR, PartMention, RunState, prepare_output
from test_corpus import INPUTS, model_path, nlp, outputs, run  # noqa: F401  (fixtures shared with test_corpus)

MINSK = PartMention(MentionRecord("d1", 12, 17, "Minsk", "LOC", "loc:minsk", "Minsk", 100.0, "exact"), None, False)
PINSK = PartMention(MentionRecord("d1", 22, 27, "Pinsk", "LOC", "", "Pinsk", None, None), "Pinsk", True)


def test_part_mentions_read_back_as_typed_records():
    row = PINSK.to_json()
    assert row == [22, 27, "Pinsk", "LOC", "", "Pinsk", None, None, "Pinsk", True]
    back = PartMention.from_json("d1", json.loads(json.dumps(row)))
    assert back == PINSK and (back.record.label, back.key, back.counted) == ("LOC", "Pinsk", True)


def test_a_state_counts_what_it_writes_and_rebuilds_it_from_the_part_files(tmp_path):
    work = tmp_path / WORK_DIR
    assert prepare_output(tmp_path, work, {"run": 1}, force=False) is None
    state = RunState(work, {"run": 1}, None)
    with state.appending():
        state.add_document(0, "d1", {"date": "2023-01-10"}, [MINSK, PINSK])
        state.add_error(1, "d2", "news.jsonl line 2", "empty document")
        state.add_document(2, "d3", {"date": None, "page": 3}, [PINSK._replace(record=replace(PINSK.record, doc_id="d3"))])
        state.checkpoint(finished=False)
        state.add_document(3, "lost", {}, [PINSK])  # after the checkpoint: gone on resume
    assert (state.documents, state.mentions, state.errors, state.ordinals) == (3, 4, 1, 4)
    checkpoint = prepare_output(tmp_path, work, {"run": 1}, force=False)
    resumed = RunState(work, {"run": 1}, checkpoint)
    assert (resumed.documents, resumed.mentions, resumed.errors, resumed.ordinals) == (2, 3, 1, 3)
    assert resumed.forms.counts() == [("Pinsk", "LOC", 2)]
    assert resumed.meta_kinds == {"date": {"string"}, "page": {"int"}}
    written = [(d.ordinal, d.doc_id, [m.record.text for m in d.mentions]) for d in resumed.documents_written()]
    assert written == [(0, "d1", ["Minsk", "Pinsk"]), (2, "d3", ["Pinsk"])]
    assert next(resumed.documents_written()).mentions == [MINSK, PINSK]


def test_another_unfinished_run_is_not_resumed_without_force(tmp_path):
    work = tmp_path / WORK_DIR
    prepare_output(tmp_path, work, {"run": 1}, force=False)
    RunState(work, {"run": 1}, None)
    with pytest.raises(InputError, match="unfinished run with other inputs or options"):
        prepare_output(tmp_path, work, {"run": 2}, force=False)
    assert prepare_output(tmp_path, work, {"run": 2}, force=True) is None
    assert list(work.iterdir()) == []


# --- whole runs: refusing to overwrite, resuming ----------------------------------------------


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


def test_a_damaged_unfinished_run_asks_for_force(tmp_path, nlp, monkeypatch):
    out = tmp_path / "out"
    interrupted(out, nlp, INPUTS, 3, monkeypatch, batch_size=2)
    (out / WORK_DIR / "mentions.part.jsonl").unlink()
    with pytest.raises(InputError, match="cannot be resumed .*add --force to start over"):
        run(out, nlp, batch_size=2)
    assert run(out, nlp, batch_size=2, force=True).documents == 10
