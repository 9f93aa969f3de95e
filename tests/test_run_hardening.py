"""Batch runs attacked on purpose (issue 11): two runs into one folder, resumes over changed
inputs, inputs inside ``--out``, a wrong ``--text-key``, leftovers and links in ``--out``,
duplicate ids, and misuse of :func:`extract` / :func:`run_corpus`.

Library tests use the rule pipeline of ``test_corpus``; the CLI ones that of ``test_run_cli``,
through the in-process ``cli`` fixture, so their messages are the user's.
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
from conftest import assert_one_line_error, bad_corpus

import entitykit.corpus
from entitykit.corpus import extract, run_corpus
from entitykit.errors import CorpusFormatError, InputError
from entitykit.runstate import WORK_DIR
from test_corpus import ALIASES, INPUTS, model_path, nlp, outputs, run  # noqa: F401  (fixtures)
from test_run_cli import big_corpus, command, entitykit_run, model  # noqa: F401  (fixtures)
from test_runstate import interrupted


def work_leftovers(out: Path) -> list[str]:
    return sorted(path.name for path in out.iterdir() if path.name.startswith(WORK_DIR))


# --- item 1: one run at a time into one --out ------------------------------------------------


def test_a_second_run_into_the_same_out_is_refused_naming_the_first(tmp_path, nlp, monkeypatch):
    inside, release = threading.Event(), threading.Event()
    real = entitykit.corpus.doc_mentions

    def waiting(doc, doc_id=None):  # the first run stops in its first document until released
        inside.set()
        release.wait(60)
        return real(doc, doc_id)

    monkeypatch.setattr(entitykit.corpus, "doc_mentions", waiting)
    out = tmp_path / "out"
    done = {}
    first = threading.Thread(target=lambda: done.setdefault("summary", run(out, nlp)))
    first.start()
    try:
        assert inside.wait(60)
        for inputs in ([INPUTS[1]], INPUTS):  # other inputs, and the same command typed again
            with pytest.raises(InputError, match=rf"{out}: another entitykit run is writing to it \(pid {os.getpid()}, started 20"):
                run(out, nlp, inputs=inputs)
    finally:
        release.set()
        first.join(120)
    assert done["summary"].documents == 10 and done["summary"].errors == 0
    assert run(out, nlp, force=True).documents == 10  # the lock went with the first run


def test_a_second_command_is_refused_while_a_run_is_going(tmp_path, model, entitykit_run):
    # a subprocess: the running command must be another process, as when a user starts one twice
    inputs = big_corpus(tmp_path, 4000)
    out = tmp_path / "out"
    process = subprocess.Popen(command(*inputs, "--out", str(out), "--quiet", model=model),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while process.poll() is None and not (out / WORK_DIR / "owner.json").is_file() and time.monotonic() < deadline:
            time.sleep(0.01)
        result = entitykit_run(*inputs, "--out", str(out), model=model)
    finally:
        _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr.decode()
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, f"{out}: another entitykit run is writing to it (pid {process.pid}, started ")
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["counts"]["errors"] == 8  # the first run is whole


# --- item 3: a resume checks what it reads ---------------------------------------------------


def test_a_resume_is_refused_when_files_of_an_input_folder_changed(tmp_path, nlp, monkeypatch):
    inputs = bad_corpus(tmp_path)
    out = tmp_path / "out"
    interrupted(out, nlp, inputs, 5, monkeypatch, batch_size=2)
    txt = Path(inputs[0])
    removed = sorted(txt.glob("*.txt"))[0]
    removed.unlink()
    (txt / "zz-new.txt").write_text("Lukaschenko in Minsk.", encoding="utf-8")
    with pytest.raises(InputError, match=f"unfinished run with other inputs or options .*: added zz-new.txt; removed {removed.name}"):
        run(out, nlp, inputs=inputs, batch_size=2)
    with Path(inputs[1]).open("a", encoding="utf-8") as handle:
        handle.write('{"id": "later", "text": "Minsk"}\n')
    with pytest.raises(InputError, match=r"news.jsonl changed \(size or modification time\)"):
        run(out, nlp, inputs=inputs, batch_size=2)
    assert run(out, nlp, inputs=inputs, batch_size=2, force=True).resumed_at == 0


def test_a_resume_with_other_stdin_is_refused(tmp_path, nlp, monkeypatch):
    lines = [json.dumps({"id": f"d{n}", "text": f"Lukaschenko traf Wolfowitsch in Minsk ({n})."}) for n in range(12)]
    data = ("\n".join(lines) + "\n").encode()
    out = tmp_path / "out"
    interrupted(out, nlp, ["-"], 6, monkeypatch, batch_size=2, stdin=io.BytesIO(data))
    with pytest.raises(InputError, match="stdin differs from what the unfinished run .* read before it stopped"):
        run(out, nlp, inputs=["-"], batch_size=2, stdin=io.BytesIO(data.replace(b'"d1"', b'"x1"')))
    summary = run(out, nlp, inputs=["-"], batch_size=2, stdin=io.BytesIO(data))
    assert summary.resumed_at > 1
    run(tmp_path / "whole", nlp, inputs=["-"], batch_size=2, stdin=io.BytesIO(data))
    assert outputs(out) == outputs(tmp_path / "whole")


# --- item 4: --force never deletes an input ---------------------------------------------------


def test_force_refuses_an_input_that_is_an_output(tmp_path, nlp):
    out = tmp_path / "out"
    run(out, nlp)
    before = (out / "mentions.jsonl").read_bytes()
    with pytest.raises(InputError, match=r"mentions.jsonl: is an output of a run into .*; copy it elsewhere or choose another --out"):
        run(out, nlp, inputs=[str(out / "mentions.jsonl")], force=True)
    assert (out / "mentions.jsonl").read_bytes() == before


def test_the_command_refuses_an_input_that_is_an_output(tmp_path, model, entitykit_run):
    out = tmp_path / "o"
    assert entitykit_run(*INPUTS, "--out", str(out), "--quiet", model=model).exit_code == 0
    before = (out / "mentions.jsonl").read_bytes()
    result = entitykit_run(str(out / "mentions.jsonl"), "--out", str(out), "--force", model=model)
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, "mentions.jsonl: is an output of a run into")
    assert (out / "mentions.jsonl").read_bytes() == before


# --- item 9: a wrong --text-key ----------------------------------------------------------------


def test_a_wrong_text_key_stops_before_any_output(tmp_path, nlp):
    out = tmp_path / "out"
    with pytest.raises(InputError, match=r"news.jsonl line 1: no 'body' field \(fields: id, date, source, url, text\); choose the text field with --text-key"):
        run(out, nlp, inputs=[INPUTS[1]], text_key="body")
    assert not out.exists()


def test_a_wrong_text_key_on_stdin_is_one_line_before_any_output(tmp_path, model, entitykit_run):
    out = tmp_path / "out"
    stdin = b'\n{"id": "a1", "body": "Lukaschenko in Minsk."}\n{"id": "a2", "body": "Minsk"}\n'
    result = entitykit_run("-", "--out", str(out), model=model, input=stdin)
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, "<stdin> line 2: no 'text' field (fields: id, body); choose the text field with --text-key")
    assert not out.exists()
    result = entitykit_run("-", "--out", str(out), "--text-key", "body", "--quiet", model=model, input=stdin)
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["doc_id"] for line in (out / "mentions.jsonl").read_text(encoding="utf-8").splitlines()] == ["a1", "a1", "a2"]


def test_a_run_in_which_every_document_failed_exits_non_zero_and_leaves_out_reusable(tmp_path, model, entitykit_run):
    corpus = tmp_path / "txt"
    corpus.mkdir()
    for name in ("a.txt", "b.txt"):
        (corpus / name).write_text("", encoding="utf-8")
    out = tmp_path / "out"
    result = entitykit_run(str(corpus), "--out", str(out), "--quiet", model=model)
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, "every document failed (2; the first: ", "a.txt: empty document); see ")
    assert sorted(path.name for path in out.iterdir()) == ["errors.jsonl"]
    assert len((out / "errors.jsonl").read_text(encoding="utf-8").splitlines()) == 2
    (corpus / "a.txt").write_text("Lukaschenko in Minsk.", encoding="utf-8")
    result = entitykit_run(str(corpus), "--out", str(out), "--quiet", model=model)  # no --force needed
    assert result.exit_code == 0, result.stderr
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["counts"]["errors"] == 1


def test_the_library_raises_when_every_document_failed(tmp_path, nlp):
    with pytest.raises(CorpusFormatError, match="every document failed"):
        run(tmp_path / "out", nlp, inputs=["-"], stdin=io.BytesIO(b"\x00binary\n"))
    assert (tmp_path / "out" / "errors.jsonl").is_file() and not (tmp_path / "out" / "run.json").exists()


# --- item 11: leftovers and links in --out, duplicate ids, alias folders ----------------------


def test_a_kill_while_removing_the_work_folder_leaves_a_finished_run(tmp_path, nlp, monkeypatch):
    out = tmp_path / "out"
    real = shutil.rmtree

    class Killed(BaseException):
        pass

    def killed_halfway(path, *args, **kwargs):
        part = Path(path) / "mentions.part.jsonl"
        if part.exists():
            part.unlink()
            raise Killed
        return real(path, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(shutil, "rmtree", killed_halfway)
        with pytest.raises(Killed):
            run(out, nlp)
    finished = outputs(out)
    with pytest.raises(InputError, match="already holds the outputs of a run"):  # finished, not "cannot be resumed"
        run(out, nlp)
    assert outputs(out) == finished and work_leftovers(out) == []


def test_a_planted_work_folder_link_is_refused(tmp_path, nlp):
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (out / WORK_DIR).symlink_to(tmp_path / "elsewhere")
    with pytest.raises(InputError, match=rf"{WORK_DIR}: not the work folder of an entitykit run \(a link or a file\); remove it"):
        run(out, nlp)
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_temporary_files_are_not_written_through_a_planted_link(tmp_path, nlp):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("mine", encoding="utf-8")
    (out / "run.json.tmp").symlink_to(victim)
    run(out, nlp)
    assert victim.read_text(encoding="utf-8") == "mine"
    assert not (out / "run.json").is_symlink() and json.loads((out / "run.json").read_text(encoding="utf-8"))["counts"]["documents"] == 10


def test_duplicate_document_ids_are_warned_about_once_and_counted(tmp_path, nlp, caplog):
    path = tmp_path / "news.jsonl"
    rows = [{"id": "a1", "text": "Minsk"}, {"id": "a1", "text": "Moskau"}, {"id": "a2", "text": "Minsk"}, {"id": "a1", "text": "OVKS"}]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="entitykit"):
        summary = run(tmp_path / "out", nlp, inputs=[str(path)])
    assert summary.duplicate_ids == 2
    assert [record.getMessage() for record in caplog.records] == [
        "document id 'a1' is not unique (counted in run.json as duplicate_ids)"]
    assert json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))["counts"]["duplicate_ids"] == 2


def test_aliases_may_be_a_folder_of_jsonl_files(tmp_path, model_path):
    folder = tmp_path / "registry"
    folder.mkdir()
    shutil.copy(ALIASES, folder / "belarus.jsonl")
    out = tmp_path / "out"
    run_corpus(INPUTS, out, model=model_path, aliases=[folder], default_aliases=False, progress=False)
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["registry"]["entities"] == 4
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="empty: folder has no \\*.jsonl alias files"):
        run_corpus(INPUTS, tmp_path / "out2", model=model_path, aliases=[tmp_path / "empty"], progress=False)


# --- item 12: API misuse ----------------------------------------------------------------------


def test_extract_takes_one_string_as_one_document(nlp):
    documents = list(extract("Lukaschenko in Minsk", nlp=nlp))
    assert [(d.doc_id, [m.text for m in d.mentions]) for d in documents] == [("0", ["Lukaschenko", "Minsk"])]


def test_extract_refuses_a_lone_mapping(nlp):
    with pytest.raises(InputError, match=r"extract\(\) takes texts or records, got one dict; pass a list of records"):
        extract({"id": "a1", "text": "Minsk"}, nlp=nlp)


@pytest.mark.parametrize("option", ["batch_size", "n_process"])
@pytest.mark.parametrize("value", [0, -1])
def test_extract_refuses_batching_below_one(nlp, option, value):
    with pytest.raises(InputError, match=rf"{option} must be a whole number of at least 1, got {value}"):
        list(extract(["Minsk"], nlp=nlp, **{option: value}))


def test_run_corpus_takes_one_path(tmp_path, nlp):
    assert run_corpus(INPUTS[1], tmp_path / "out", nlp=nlp, progress=False).documents == 4
