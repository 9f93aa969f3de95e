"""Shared fixtures: the reference article, a tiny rule-based German "NER" pipeline, a tiny trained
pipeline shaped like de_core_news_md, the bundled model, and ``cli``, the one way tests run the
command line."""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "belta-2023-01-10-ovks.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pyproject() -> dict:
    """``pyproject.toml`` as a dict: ``tomllib`` (Python 3.11+), else ``tomli``, else the test is
    skipped (entitykit runs on 3.10, which has no TOML reader of its own)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        tomllib = pytest.importorskip("tomli", reason="reading pyproject.toml on Python 3.10 needs tomli")
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def in_two_documents(resolver, left: str, right: str, label: str):
    """Two names resolved as two mentions of two documents: only the registry and clustering
    can join them. Returns their two resolutions."""
    from entitykit.resolver import Mention

    return tuple(resolver.resolve_mentions([Mention(left, label, doc="left"), Mention(right, label, doc="right")]))


@pytest.fixture(scope="session")
def with_registry():
    from entitykit.aliases import default_registry
    from entitykit.resolver import Resolver

    return Resolver(default_registry(), gazetteer=True)  # the bundled knowledge, as Resolver.from_aliases() has it


@pytest.fixture(scope="session")
def without_registry():
    from entitykit.resolver import Resolver

    return Resolver()


@pytest.fixture(scope="session")
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


def save_name_rules(folder: Path, names) -> str:
    """A saved pipeline whose 'ner' tags the given ``(text, label)`` names word by word; its path."""
    import spacy

    nlp = spacy.blank("de")
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns([{"label": label, "pattern": [{"TEXT": w} for w in text.split()]} for text, label in names])
    path = folder / "de_rules"
    nlp.to_disk(path)
    return str(path)


@pytest.fixture(scope="session")
def rule_pipeline_path(tmp_path_factory) -> Path:
    """A saved pipeline whose 'ner' is an entity ruler: fast, deterministic, no training."""
    import spacy

    nlp = spacy.blank("de")
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns(
        [
            {"label": "PER", "pattern": [{"TEXT": "Alexander"}, {"TEXT": {"IN": ["Lukaschenko", "Wolfowitsch"]}}]},
            {"label": "PER", "pattern": "Lukaschenko"},
            {"label": "ORG", "pattern": "OVKS"},
            {"label": "LOC", "pattern": "Minsk"},
            {"label": "LOC", "pattern": "Moskau"},
        ]
    )
    path = tmp_path_factory.mktemp("rules") / "de_rules"
    nlp.to_disk(path)
    return path


@pytest.fixture(scope="session")
def md_pipeline_path(tmp_path_factory) -> Path:
    """A saved pipeline shaped like de_core_news_md (tok2vec, tagger, morphologizer, parser,
    trainable lemmatizer, disabled senter, attribute_ruler, ner), trained in about 3 s on a
    handful of sentences (``tests/md_pipeline.py``). Load it, never change it: copy it first."""
    from md_pipeline import build_md_pipeline

    return build_md_pipeline(tmp_path_factory.mktemp("md") / "de_core_news_md")


@pytest.fixture(scope="session")
def bundled_nlp():
    """entitykit's default pipeline (loaded once per test session)."""
    import entitykit
    from entitykit.models import bundled_model_path

    if not (bundled_model_path() / "config.cfg").is_file():
        pytest.skip("bundled model not built yet")
    return entitykit.load()


def bad_corpus(folder: Path) -> list[str]:
    """The fixture corpus plus one of each kind of bad document."""
    txt = folder / "txt"
    shutil.copytree(FIXTURES / "corpus" / "txt", txt)
    (txt / "latin1.txt").write_bytes("Lukaschenko in Minsk, Grüße".encode("latin-1"))
    (txt / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (txt / "empty.txt").write_text("", encoding="utf-8")
    (txt / "huge.txt").write_text("Minsk " * 900_000, encoding="utf-8")
    jsonl = folder / "news.jsonl"
    jsonl.write_text(
        (FIXTURES / "corpus" / "news.jsonl").read_text(encoding="utf-8")
        + '{"id": "broken", "text": "Minsk"\n{"id": "no-text", "body": "Minsk"}\n'
        + '{"id": "last", "text": "Lukaschenko in Minsk"}\n',
        encoding="utf-8",
    )
    return [str(txt), str(jsonl)]


def made_up_word(length: int) -> str:
    """A capitalised word of ``length`` letters that its skeleton keeps letter for letter
    (consonant, vowel, ...: no doubled letters, no sch, ck, w, z that the skeleton rewrites)."""
    letters = "".join(consonant + vowel for consonant, vowel in zip("bdgklmnprt" * length, "ao" * length))
    return letters[:length].capitalize()


class CliResult(NamedTuple):
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys, monkeypatch):
    """``cli(*args, input=None) -> CliResult``: run ``entitykit ARGS`` in-process through
    ``entitykit.cli.main`` (the console script's entry point, so exit codes and error messages
    are the user's), with ``input`` (str or bytes) as stdin and stdout/stderr captured.

    Tests that need a real process (SIGKILL, a terminal) use ``subprocess`` and say why.
    """
    from entitykit.cli import main

    def run(*args: object, input: str | bytes | None = None) -> CliResult:
        if input is not None:
            data = input.encode("utf-8") if isinstance(input, str) else input
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        capsys.readouterr()  # only what this command prints
        try:
            main([str(arg) for arg in args])
        except SystemExit as exit:
            code = exit.code
        out, err = capsys.readouterr()
        return CliResult(code if isinstance(code, int) else (0 if code is None else 1), out, err)

    return run


def assert_one_line_error(stderr: str, *fragments: str) -> None:
    """``stderr`` is one ``entitykit: error: ...`` line, no traceback, holding every fragment."""
    assert "Traceback" not in stderr, stderr
    assert stderr.startswith("entitykit: error: ") and stderr.endswith("\n") and stderr.count("\n") == 1, stderr
    for fragment in fragments:
        assert fragment in stderr, stderr


def corrupt_row_group(path: Path, index: int) -> None:
    """Overwrite every column chunk of row group ``index`` of a Parquet file with junk."""
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    data = bytearray(path.read_bytes())
    for column in range(meta.num_columns):
        chunk = meta.row_group(index).column(column)
        start = chunk.dictionary_page_offset or chunk.data_page_offset
        data[start:start + chunk.total_compressed_size] = b"\xff" * chunk.total_compressed_size
    path.write_bytes(bytes(data))


def unreadable_folders(monkeypatch, name: str) -> None:
    """Make every folder called ``name`` fail to list as an unreadable one would (root ignores chmod)."""
    import os

    real_scandir = os.scandir

    def scandir(path="."):
        if isinstance(path, (str, os.PathLike)) and Path(path).name == name:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


def outliving(pids, seconds: float) -> list[int]:
    """The processes of ``pids`` still alive after up to ``seconds`` (Linux: read from /proc; a
    zombie counts as dead); each is killed, so that a failing test leaves none running."""
    import os
    import signal
    import time

    def alive(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except (FileNotFoundError, ProcessLookupError):
            return False

    deadline = time.monotonic() + seconds
    while any(map(alive, pids)) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in pids if alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left
