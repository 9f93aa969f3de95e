"""The output folder of a batch run and its checkpoints: what makes ``entitykit run`` resumable.

An unfinished run keeps two append-only part files in ``<out>/.entitykit-run/``: one line per
document with its mentions (``mentions.part.jsonl``), one line per bad document
(``errors.part.jsonl``), and ``checkpoint.json`` with the sizes of both at the last checkpoint.
A killed run is resumed by cutting the part files back to those sizes and re-reading them.
Nothing here imports spaCy.

>>> import tempfile, pathlib
>>> from entitykit.export import MentionRecord
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> prepare_output(out, out / WORK_DIR, {"inputs": ["news.jsonl"]}, force=False) is None  # a fresh run
True
>>> state = RunState(out / WORK_DIR, {"inputs": ["news.jsonl"]}, None)
>>> with state.appending():
...     state.add_document(0, "a1", {"date": "2023-01-10"},
...                        [PartMention(MentionRecord("a1", 0, 5, "Minsk", "LOC", "loc:minsk", "Minsk", 100.0, "exact"), None, False)])
...     state.checkpoint(finished=True)
>>> [(document.doc_id, document.mentions[0].record.entity_id) for document in state.documents_written()]
[('a1', 'loc:minsk')]
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from .clustering import FormTable
from .errors import InputError
from .export import FORMATS, MentionRecord, value_kind

logger = logging.getLogger("entitykit")

WORK_DIR = ".entitykit-run"  # part files and checkpoint of an unfinished run, inside --out
OUTPUT_NAMES = ("run.json", "errors.jsonl") + tuple(
    f"{name}.{format}" for name in ("mentions", "entities") for format in FORMATS
)


class PartMention(NamedTuple):
    """One mention as the part file keeps it until corpus clustering has decided the unknown ids:
    its record, the form under which clustering decides its entity (``key``; ``None``: decided
    already) and whether it counts in the table of unknown forms (``counted``).

    On disk a part mention is one JSON list (:meth:`to_json`); the document's id is stored once
    for all its mentions, and ``matched`` is not kept (``key`` holds what clustering needs).

    >>> from entitykit.export import MentionRecord
    >>> mention = PartMention(MentionRecord("d1", 22, 27, "Pinsk", "LOC", "", "Pinsk", None, None), "Pinsk", True)
    >>> mention.to_json()
    [22, 27, 'Pinsk', 'LOC', '', 'Pinsk', None, None, 'Pinsk', True]
    >>> PartMention.from_json("d1", mention.to_json()) == mention
    True
    """

    record: MentionRecord
    key: str | None
    counted: bool

    def to_json(self) -> list:
        """The part-file form: the record without its document id, then ``key`` and ``counted``."""
        record = self.record
        return [record.start_char, record.end_char, record.text, record.label, record.entity_id,
                record.canonical, record.score, record.method, self.key, self.counted]

    @classmethod
    def from_json(cls, doc_id: str, row: Sequence[Any]) -> PartMention:
        """Read back what :meth:`to_json` wrote, for the document ``doc_id``."""
        start_char, end_char, text, label, entity_id, canonical, score, method, key, counted = row
        record = MentionRecord(doc_id, start_char, end_char, text, label, entity_id, canonical, score, method)
        return cls(record, key, bool(counted))


class PartDocument(NamedTuple):
    """One document of the mentions part file: its place in the input, id, metadata, mentions."""

    ordinal: int
    doc_id: str
    meta: dict[str, Any]
    mentions: list[PartMention]


def prepare_output(out: Path, work: Path, fingerprint: dict, force: bool) -> dict | None:
    """Decide between a fresh run and a resume; refuse to overwrite without ``force``.

    Returns the checkpoint to resume from (the fingerprint of the unfinished run in ``work``
    matches), or ``None`` for a fresh run (``work`` then exists and is empty).

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (out / "mentions.csv").write_text("", encoding="utf-8")
    >>> prepare_output(out, out / WORK_DIR, {}, force=False)
    Traceback (most recent call last):
    ...
    entitykit.errors.InputError: ... already holds the outputs of a run (mentions.csv); choose another --out or add --force to overwrite them
    """
    checkpoint_path = work / "checkpoint.json"
    checkpoint = None
    if checkpoint_path.is_file():
        try:
            checkpoint = json.loads(checkpoint_path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            checkpoint = None  # written atomically, so only a foreign file gets here
    if checkpoint is not None and not force:
        if checkpoint.get("fingerprint") == fingerprint:
            return checkpoint
        raise InputError(
            f"{out} holds an unfinished run with other inputs or options; run that command again "
            "to resume it, or add --force to start over"
        )
    existing = [name for name in OUTPUT_NAMES if (out / name).exists()]
    if existing and not force:
        raise InputError(
            f"{out} already holds the outputs of a run ({', '.join(existing)}); choose another "
            "--out or add --force to overwrite them"
        )
    for name in existing:
        (out / name).unlink()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    return None


def write_json_atomic(path: Path, value: dict) -> None:
    """Write ``value`` as indented JSON so that ``path`` holds the old or the new file, never a part.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "run.json"
    >>> write_json_atomic(path, {"documents": 2})
    >>> path.read_text(encoding="utf-8")
    '{\\n  "documents": 2\\n}\\n'
    """
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        json.dump(value, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    """Make renames in the folder ``path`` durable (where the platform allows it).

    >>> import tempfile, pathlib
    >>> fsync_dir(pathlib.Path(tempfile.mkdtemp()))
    """
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:  # not possible on every platform (Windows)
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


class RunState:
    """Counts, the table of unknown forms and the append-only part files of one run.

    Everything here can be rebuilt from the part files, which is how a resumed run gets it
    back after a checkpoint: the part files are cut to the checkpoint's sizes and re-read.
    ``checkpoint`` is what :func:`prepare_output` returned (``None``: a fresh run). Write with
    :meth:`add_document` and :meth:`add_error` inside :meth:`appending`.
    """

    def __init__(self, work: Path, fingerprint: dict, checkpoint: dict | None) -> None:
        self.work = work
        self.fingerprint = fingerprint
        self.forms = FormTable()  # the distinct unknown forms, for clustering at the end
        self.meta_kinds: dict[str, set[str]] = {}
        self.documents = self.mentions = self.errors = 0
        self.ordinals = 0  # records done, good and bad
        self.piped = 0  # documents that went through nlp.pipe (long ones do not)
        self.mentions_path = work / "mentions.part.jsonl"
        self.errors_path = work / "errors.part.jsonl"
        self.seconds_before = 0.0
        self.resumed_at = 0
        self.finished_input = False
        self.session_started = time.time()
        self._mentions_file = self._errors_file = None
        if checkpoint is None:
            self.mentions_path.write_bytes(b"")
            self.errors_path.write_bytes(b"")
            self.save(finished_input=False)
        else:
            try:
                self._restore(checkpoint)
            except (OSError, ValueError, KeyError, IndexError, TypeError) as error:
                raise InputError(
                    f"the unfinished run in {work.parent} cannot be resumed ({error}); "
                    "add --force to start over"
                ) from None

    def _restore(self, checkpoint: dict) -> None:
        # A kill between two checkpoints leaves a partial tail: cut it off.
        os.truncate(self.mentions_path, checkpoint["mentions_bytes"])
        os.truncate(self.errors_path, checkpoint["errors_bytes"])
        for document in self.documents_written():
            self._count_document(document.meta, document.mentions)
        with self.errors_path.open("rb") as handle:
            self.errors = sum(1 for _ in handle)
        self.ordinals = checkpoint["ordinals"]
        self.piped = checkpoint["piped"]
        self.seconds_before = checkpoint["seconds"]
        self.finished_input = checkpoint["finished_input"]
        self.resumed_at = self.ordinals
        logger.info("resuming after %d records (%d documents)", self.ordinals, self.documents)

    @contextmanager
    def appending(self) -> Iterator[None]:
        """Keep both part files open for :meth:`add_document` and :meth:`add_error`."""
        self._mentions_file = self.mentions_path.open("ab")
        self._errors_file = self.errors_path.open("ab")
        try:
            yield
        finally:
            self._mentions_file.close()
            self._errors_file.close()
            self._mentions_file = self._errors_file = None

    def add_document(self, ordinal: int, doc_id: str, meta: dict[str, Any], mentions: Sequence[PartMention]) -> None:
        """Append one document and its mentions to the mentions part file and count them."""
        line = {"o": ordinal, "id": doc_id, "meta": meta, "m": [mention.to_json() for mention in mentions]}
        self._mentions_file.write((json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8"))
        self._count_document(meta, mentions)
        self.ordinals = ordinal + 1

    def add_error(self, ordinal: int, doc_id: str, source: str, reason: str) -> None:
        """Append one bad document to the errors part file (``errors.jsonl`` in the end)."""
        row = {"doc_id": doc_id, "source": source, "reason": reason}
        self._errors_file.write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
        self.errors += 1
        self.ordinals = ordinal + 1

    def checkpoint(self, *, finished: bool) -> None:
        """Sync both part files to disk, then record their sizes: a resume starts from here."""
        for handle in (self._mentions_file, self._errors_file):
            handle.flush()
            os.fsync(handle.fileno())
        self.save(finished_input=finished, mentions_bytes=self._mentions_file.tell(), errors_bytes=self._errors_file.tell())

    def documents_written(self) -> Iterator[PartDocument]:
        """The documents of the mentions part file, in input order, their mentions typed."""
        with self.mentions_path.open("rb") as handle:
            for line in handle:
                item = json.loads(line)
                doc_id = item["id"]
                yield PartDocument(item["o"], doc_id, item["meta"], [PartMention.from_json(doc_id, row) for row in item["m"]])

    def _count_document(self, meta: dict[str, Any], mentions: Sequence[PartMention]) -> None:
        self.documents += 1
        self.mentions += len(mentions)
        self.forms.add_document((mention.key, mention.record.label) for mention in mentions if mention.counted)
        for key, value in meta.items():
            kind = value_kind(value)
            if kind is not None:
                self.meta_kinds.setdefault(key, set()).add(kind)
            elif key not in self.meta_kinds:
                self.meta_kinds[key] = set()

    def save(self, *, finished_input: bool, mentions_bytes: int | None = None, errors_bytes: int | None = None) -> None:
        """Write ``checkpoint.json`` (atomically) with the counts and the part files' sizes."""
        checkpoint = {
            "version": 1,
            "fingerprint": self.fingerprint,
            "ordinals": self.ordinals,
            "documents": self.documents,
            "piped": self.piped,
            "mentions_bytes": self.mentions_path.stat().st_size if mentions_bytes is None else mentions_bytes,
            "errors_bytes": self.errors_path.stat().st_size if errors_bytes is None else errors_bytes,
            "seconds": self.seconds_before + time.time() - self.session_started,
            "finished_input": finished_input,
        }
        write_json_atomic(self.work / "checkpoint.json", checkpoint)
