"""``entitykit run``: the command a user types, run in-process through the ``cli`` fixture.

The exceptions are the tests that need a real process: a run killed with SIGKILL, the worker
processes left after such a kill, and the progress bar on a real terminal. They start
``python -m entitykit run`` as a subprocess.

The pipeline is an entity ruler named "ner" saved to disk (no statistical model), so the runs
are fast and their outputs known; ``entitykit.load`` adds the real resolver components.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import assert_one_line_error, bad_corpus, outliving, save_name_rules

from entitykit.corpus import WORK_DIR

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"
ALIASES = CORPUS / "aliases.jsonl"
INPUTS = [str(CORPUS / "txt"), str(CORPUS / "news.jsonl"), str(CORPUS / "news.csv")]
NAMES = [
    ("Alexander Lukaschenko", "PER"), ("Lukaschenko", "PER"), ("Alexander Wolfowitsch", "PER"),
    ("Alexander Wolfowutsch", "PER"), ("Wolfowitsch", "PER"), ("Wolfowutsch", "PER"),
    ("Imangali Tasmagambetow", "PER"), ("Tasmagambetow", "PER"), ("OVKS", "ORG"), ("Minsk", "LOC"),
    ("Moskau", "LOC"), ("Belarus", "LOC"),
]


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> str:
    return save_name_rules(tmp_path_factory.mktemp("model"), NAMES)


def arguments(*args: str, model: str | None = None) -> list[str]:
    """``run ARGS``, with the rule pipeline and the fixture registry when ``model`` is given."""
    options = ["--model", model, "--aliases", str(ALIASES), "--no-aliases"] if model else []
    return ["run", *args, *options]


@pytest.fixture
def entitykit_run(cli):
    """``entitykit_run(*args, model=None, input=None)``: ``entitykit run`` through the ``cli`` fixture."""

    def run(*args: str, model: str | None = None, input: bytes | None = None):
        return cli(*arguments(*args, model=model), input=input)

    return run


def command(*args: str, model: str | None = None) -> list[str]:
    """The command line of a real ``entitykit run`` process, for the tests that need one."""
    return [sys.executable, "-m", "entitykit", *arguments(*args, model=model)]


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in ("mentions.jsonl", "entities.jsonl", "errors.jsonl")}


def test_help_lists_the_options(cli):
    result = cli("run", "--help")
    assert result.exit_code == 0
    for option in ("--out", "--format", "--processes", "--batch-size", "--aliases", "--no-aliases", "--model",
                   "--force", "--strict", "--quiet", "--text-key", "--id-key"):
        assert option in result.stdout


def test_run_writes_the_tables_and_prints_a_summary(tmp_path, model, entitykit_run):
    out = tmp_path / "out"
    result = entitykit_run(*INPUTS, "--out", str(out), "--format", "csv", model=model)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert sorted(p.name for p in out.iterdir()) == ["entities.csv", "errors.jsonl", "mentions.csv", "run.json"]
    with (out / "mentions.csv").open(encoding="utf-8", newline="") as handle:
        mentions = list(csv.DictReader(handle))
    with (out / "entities.csv").open(encoding="utf-8", newline="") as handle:
        entities = list(csv.DictReader(handle))
    assert list(entities[0]) == ["entity_id", "canonical", "label", "mentions", "documents", "variants"]
    documents = len({m["doc_id"] for m in mentions})
    used, summary = result.stderr.splitlines()
    assert used == f"entitykit: using path pipeline de_pipeline ({model})"
    assert summary.startswith(f"10 documents, {len(mentions)} mentions, {len(entities)} entities, 0 errors;")
    assert documents == 10  # every fixture document names a person, organisation or place
    report = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert report["registry"] == {"entities": 4, "aliases": [str(ALIASES)], "default_aliases": False}
    assert report["model"]["location"] == model and report["counts"]["documents"] == 10


def test_stdin_and_quiet(tmp_path, model, entitykit_run):
    out = tmp_path / "out"
    text = "Lukaschenko empfing Tasmagambetow in Minsk.\nWolfowitsch flog nach Moskau.\n".encode()
    result = entitykit_run("-", "--out", str(out), "--quiet", model=model, input=text)
    assert result.exit_code == 0 and result.stderr == ""
    rows = [json.loads(line) for line in (out / "mentions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["doc_id"], r["text"]) for r in rows] == [
        ("-:1", "Lukaschenko"), ("-:1", "Tasmagambetow"), ("-:1", "Minsk"), ("-:2", "Wolfowitsch"), ("-:2", "Moskau"),
    ]


def test_bad_documents_are_counted_and_the_run_succeeds(tmp_path, model, entitykit_run):
    out = tmp_path / "out"
    result = entitykit_run(*bad_corpus(tmp_path), "--out", str(out), "--quiet", model=model)
    stderr = result.stderr
    assert result.exit_code == 0, stderr
    mentions = (out / "mentions.jsonl").read_text(encoding="utf-8").splitlines()
    assert f"8 documents, {len(mentions)} mentions," in stderr
    assert f"6 error(s) (see {out / 'errors.jsonl'})" in stderr
    reasons = [json.loads(line)["reason"] for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(reasons) == 6 and reasons[0] == "binary file (NUL byte at byte 8), not text"


def test_strict_stops_with_exit_code_2(tmp_path, model, entitykit_run):
    result = entitykit_run(*bad_corpus(tmp_path), "--out", str(tmp_path / "out"), "--strict", model=model)
    assert result.exit_code == 2, result.stderr
    used, error = result.stderr.split("\n", 1)  # which pipeline was used, then the one-line error
    assert used.startswith("entitykit: using path pipeline")
    assert_one_line_error(error, "binary.txt: binary file (NUL byte at byte 8), not text (--strict: stopped;")


def test_missing_input_is_one_line_before_any_work(tmp_path, entitykit_run):
    out = tmp_path / "out"
    # no --model: the check comes before a pipeline is even looked for
    result = entitykit_run(INPUTS[0], str(tmp_path / "nowhere.jsonl"), "--out", str(out))
    assert result.exit_code == 2, result.stderr
    assert_one_line_error(result.stderr, f"{tmp_path / 'nowhere.jsonl'}: no such file or directory")
    assert not out.exists()


def test_existing_output_needs_force(tmp_path, model, entitykit_run):
    out = tmp_path / "out"
    assert entitykit_run(*INPUTS, "--out", str(out), "--quiet", model=model).exit_code == 0
    before = (out / "mentions.jsonl").stat().st_mtime_ns
    result = entitykit_run(INPUTS[1], "--out", str(out))
    assert result.exit_code == 2, result.stderr
    assert_one_line_error(result.stderr, "already holds the outputs of a run (run.json, errors.jsonl, mentions.jsonl, entities.jsonl)")
    assert (out / "mentions.jsonl").stat().st_mtime_ns == before
    result = entitykit_run(INPUTS[1], "--out", str(out), "--force", "--quiet", model=model)
    assert result.exit_code == 0
    doc_ids = {json.loads(line)["doc_id"] for line in (out / "mentions.jsonl").read_text(encoding="utf-8").splitlines()}
    assert doc_ids == {"belta-0110", "belta-0111", "tass-0201", "belta-0203"}  # news.jsonl alone


def big_corpus(folder: Path, documents: int) -> list[str]:
    """Many short documents, with a bad one every 500 so errors.jsonl resumes too."""
    lines = (CORPUS / "news.jsonl").read_text(encoding="utf-8").splitlines()
    path = folder / "big.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for number in range(documents):
            if number % 500 == 250:
                handle.write('{"id": "broken-%d", "text": \n' % number)
                continue
            record = json.loads(lines[number % len(lines)])
            record["id"] = f"{record['id']}-{number}"
            record["text"] += " " + json.loads(lines[(number + 1) % len(lines)])["text"]
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return [str(path)]


def test_a_run_killed_with_sigkill_resumes_to_identical_outputs(tmp_path, model):
    # subprocesses: SIGKILL needs a real process to kill, and the run that resumes is the same
    # command typed again in a shell
    inputs = big_corpus(tmp_path, 4000)
    whole, resumed = tmp_path / "whole", tmp_path / "resumed"
    args = command(*inputs, "--out", str(whole), "--batch-size", "50", "--quiet", model=model)
    assert subprocess.run(args, capture_output=True, timeout=300).returncode == 0

    args = command(*inputs, "--out", str(resumed), "--batch-size", "50", "--quiet", model=model)
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    checkpoint = resumed / WORK_DIR / "checkpoint.json"
    part = resumed / WORK_DIR / "mentions.part.jsonl"
    deadline = time.monotonic() + 240
    saved = {"ordinals": 0}
    # kill once a checkpoint is down and more has been written after it: a partial tail
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
        if checkpoint.is_file():
            saved = json.loads(checkpoint.read_text(encoding="utf-8"))
            if saved["ordinals"] > 0 and part.stat().st_size > saved["mentions_bytes"]:
                break
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    assert 0 < saved["ordinals"] < 4000 and not (resumed / "mentions.jsonl").exists()

    args = command(*inputs, "--out", str(resumed), "--batch-size", "50", model=model)
    result = subprocess.run(args, capture_output=True, text=True, timeout=300)
    stderr = result.stderr
    assert result.returncode == 0, stderr
    assert "resumed after" in stderr and "8 error(s)" in stderr
    assert outputs(resumed) == outputs(whole)
    whole_counts = json.loads((whole / "run.json").read_text(encoding="utf-8"))["counts"]
    assert json.loads((resumed / "run.json").read_text(encoding="utf-8"))["counts"] == whole_counts
    assert not (resumed / WORK_DIR).exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="worker clean-up uses Linux prctl")
def test_killing_a_two_process_run_leaves_no_workers_behind(tmp_path, model):
    # a subprocess: SIGKILL needs a real process, and its workers are looked up in /proc
    inputs = big_corpus(tmp_path, 4000)
    out = tmp_path / "out"
    process = subprocess.Popen(command(*inputs, "--out", str(out), "--processes", "2", "--quiet", model=model),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    checkpoint = out / WORK_DIR / "checkpoint.json"
    workers: list[int] = []
    deadline = time.monotonic() + 240
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
        workers = [int(pid) for pid in children.read_text().split()] if children.exists() else []
        if len(workers) == 2 and checkpoint.is_file() and json.loads(checkpoint.read_text(encoding="utf-8"))["ordinals"]:
            break
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL and len(workers) == 2

    assert not outliving(workers, 10)


@pytest.mark.parametrize("quiet", [False, True], ids=["terminal", "quiet"])
def test_a_progress_bar_on_a_terminal_unless_quiet(tmp_path, model, quiet):
    # a subprocess: its stderr must be a real terminal (a pty)
    import fcntl
    import pty
    import struct
    import termios

    terminal, stderr = pty.openpty()
    fcntl.ioctl(stderr, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    args = command(*INPUTS, "--out", str(tmp_path / "out"), *(["--quiet"] if quiet else []), model=model)
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr)
    os.close(stderr)
    shown = b""
    while True:
        try:
            chunk = os.read(terminal, 4096)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(terminal)
    assert process.wait(timeout=60) == 0
    if quiet:
        assert shown == b""
    else:
        assert "100%" in shown.decode() and "10/10" in shown.decode() and "doc/s, mentions=" in shown.decode()


@pytest.mark.slow
def test_the_bundled_model_merges_the_reference_variants(tmp_path, bundled_nlp, entitykit_run):
    out = tmp_path / "out"
    result = entitykit_run(*INPUTS, "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.stderr
    entities = {e["entity_id"]: e for e in map(json.loads, (out / "entities.jsonl").read_text(encoding="utf-8").splitlines())}
    wolfowitsch = [v["text"] for v in entities["per:alexander-wolfowitsch"]["variants"]]
    assert {"Alexander Wolfowutsch", "Wolfowitsch"} <= set(wolfowitsch)
    assert entities["org:ovks"]["documents"] >= 6
    tasmagambetow = [e for e in entities.values() if e["canonical"] == "Imangali Tasmagambetow"]
    assert len(tasmagambetow) == 1 and {v["text"] for v in tasmagambetow[0]["variants"]} == {"Imangali Tasmagambetow", "Tasmagambetow"}
