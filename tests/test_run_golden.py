"""Golden outputs of ``entitykit run`` with the bundled model: refactors must keep them byte for byte.

The fixture corpus ``tests/fixtures/run_corpus/`` mixes good documents with one of each kind of
bad one (not UTF-8, empty, malformed JSON, no text field, too long for ``--max-chars 3000``, a
CSV row with an extra field), a metadata field named ``label`` (written as ``meta_label``),
surnames shared by two people (Thomas and Gerd Müller), unknown names whose variants only corpus
clustering merges (Dubrowskaja/Dubrowskaya, Saizew/Sajzew), surname-only mentions linked by
coreference, and registry names (Lukaschenko, OVKS, Minsk). ``expected/`` holds the outputs of
the code before the corpus.py split, with two intended changes since: a JSONL line that is not
UTF-8 says "; convert the file to UTF-8" like every other reader, and *München* has the id of
its GeoNames record (``geonames:2867714``, issue 10's gazetteer) instead of ``new:loc:muenchen``. ``run.json`` is left out (it
has timings).

To regenerate after an intended change of the outputs, from ``tests/fixtures/run_corpus``::

    entitykit run txt news.jsonl news.csv --out /tmp/gold --format jsonl --max-chars 3000 --quiet

and copy ``mentions.*``, ``entities.*`` and ``errors.jsonl`` into ``expected/`` (likewise for csv
and parquet).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import entitykit
from entitykit.corpus import run_corpus

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parent / "fixtures" / "run_corpus"
EXPECTED = CORPUS / "expected"
INPUTS = ["txt", "news.jsonl", "news.csv"]  # relative: document ids and sources are these paths
MAX_CHARS = 3000


def outputs(out: Path, format: str) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in (f"mentions.{format}", f"entities.{format}", "errors.jsonl")}


@pytest.mark.parametrize("format", ["jsonl", "csv", "parquet"])
def test_run_writes_the_golden_outputs(tmp_path, monkeypatch, bundled_nlp, format):
    monkeypatch.chdir(CORPUS)
    run_corpus(INPUTS, tmp_path / "out", format=format, nlp=bundled_nlp, max_chars=MAX_CHARS, progress=False)
    assert outputs(tmp_path / "out", format) == outputs(EXPECTED, format)


def test_the_command_with_two_processes_writes_the_golden_outputs(tmp_path, bundled_nlp):
    """The CLI loads the default pipeline itself; two processes and small batches change nothing."""
    out = tmp_path / "out"
    command = [sys.executable, "-m", "entitykit", "run", *INPUTS, "--out", str(out), "--max-chars", str(MAX_CHARS),
               "--processes", "2", "--batch-size", "2", "--quiet"]
    # the entitykit under test, also when PYTHONPATH is relative (the command runs in CORPUS)
    code = str(Path(entitykit.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [code, os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(command, cwd=CORPUS, env=env, capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr.decode()
    assert outputs(out, "jsonl") == outputs(EXPECTED, "jsonl")
