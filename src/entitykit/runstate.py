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

import hashlib
import json
import logging
import os
import secrets
import shutil
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

try:
    import fcntl
except ImportError:  # Windows: runs into one --out are not locked there
    fcntl = None

from .clustering import FormTable
from .coref import DEFINED
from .errors import InputError
from .export import FORMATS, MentionRecord, value_kind
from .normalize import display_form, is_acronym

logger = logging.getLogger("entitykit")

WORK_DIR = ".entitykit-run"  # part files and checkpoint of an unfinished run, inside --out
# A finished run renames its work folder to this before deleting it, so that a kill during the
# deletion leaves garbage (removed by the next run), never a half-deleted unfinished run.
FINISHED_DIR = WORK_DIR + ".finished"
OWNER_FILE = "owner.json"  # in the work folder: the pid and start time of the run holding the lock
LISTING_FILE = "listing.json"  # in the work folder: the input folders' files, to say what changed
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


@contextmanager
def locked_output(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder ``out`` (created if missing) for a whole run.

    A second run into the same folder raises :class:`InputError` naming the running one (its
    pid and start time, from the work folder). The lock is ``flock`` on the folder itself, so
    nothing is left behind by a killed run: the system drops the lock with the process.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> with locked_output(out):
    ...     with locked_output(out):
    ...         pass
    Traceback (most recent call last):
    ...
    entitykit.errors.InputError: ... another entitykit run is writing to it...; wait for it to finish or choose another --out
    """
    out.mkdir(parents=True, exist_ok=True)
    if fcntl is None:
        yield
        return
    descriptor = os.open(out, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(
                f"{out}: another entitykit run is writing to it{_owner(out)}; wait for it to finish "
                "or choose another --out"
            ) from None
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _owner(out: Path) -> str:
    for folder in (WORK_DIR, FINISHED_DIR):
        try:
            owner = json.loads((out / folder / OWNER_FILE).read_text(encoding="utf-8"))
            started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(owner["started"]))
            return f" (pid {owner['pid']}, started {started})"
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return ""


def write_owner(work: Path) -> None:
    """Record this process as the one running in ``work`` (read by :func:`locked_output`)."""
    write_json_atomic(work / OWNER_FILE, {"pid": os.getpid(), "started": time.time()})


def refuse_outputs_as_inputs(out: Path, inputs: Iterable[Path]) -> None:
    """Refuse an input that is one of the files a run into ``out`` writes or deletes.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> refuse_outputs_as_inputs(out, [out / "mentions.jsonl"])
    Traceback (most recent call last):
    ...
    entitykit.errors.InputError: .../mentions.jsonl: is an output of a run into ...; copy it elsewhere or choose another --out
    """
    out = out.resolve()
    outputs = {out / name for name in OUTPUT_NAMES}
    for path in inputs:
        resolved = path.resolve()
        if resolved in outputs or any(parent in (out / WORK_DIR, out / FINISHED_DIR) for parent in resolved.parents):
            raise InputError(f"{path}: is an output of a run into {out}; copy it elsewhere or choose another --out")


def prepare_output(out: Path, work: Path, fingerprint: dict, force: bool, listing: dict | None = None) -> dict | None:
    """Decide between a fresh run and a resume; refuse to overwrite without ``force``.

    Returns the checkpoint to resume from (the fingerprint of the unfinished run in ``work``
    matches), or ``None`` for a fresh run (``work`` then exists and is empty). ``listing``
    holds the files of input folders (see :func:`entitykit.inputs.folder_listing`): kept for a
    fresh run and compared on a resume, to say which files changed. A folder whose only output
    is ``errors.jsonl`` (a run in which every document failed) counts as unused.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (out / "mentions.csv").write_text("", encoding="utf-8")
    >>> prepare_output(out, out / WORK_DIR, {}, force=False)
    Traceback (most recent call last):
    ...
    entitykit.errors.InputError: ... already holds the outputs of a run (mentions.csv); choose another --out or add --force to overwrite them
    """
    if work.is_symlink() or (work.exists() and not work.is_dir()):
        raise InputError(f"{work}: not the work folder of an entitykit run (a link or a file); remove it")
    finished = out / FINISHED_DIR
    if finished.is_symlink() or finished.is_file():
        finished.unlink()
    shutil.rmtree(finished, ignore_errors=True)  # left by a run killed while it cleaned up
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
        changes = describe_changes(checkpoint.get("fingerprint") or {}, fingerprint, _read_listing(work), listing or {})
        raise InputError(
            f"{out} holds an unfinished run with other inputs or options ({changes}); run that command "
            "again with the same inputs to resume it, or add --force to start over"
        )
    existing = [name for name in OUTPUT_NAMES if (out / name).exists()]
    if existing and existing != ["errors.jsonl"] and not force:
        raise InputError(
            f"{out} already holds the outputs of a run ({', '.join(existing)}); choose another "
            "--out or add --force to overwrite them"
        )
    for name in existing:
        (out / name).unlink()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    if listing:
        write_json_atomic(work / LISTING_FILE, listing)
    return None


def _read_listing(work: Path) -> dict:
    try:
        return json.loads((work / LISTING_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def describe_changes(old: dict, new: dict, old_listing: dict, new_listing: dict) -> str:
    """What differs between the fingerprints of two runs, in words (for a refused resume).

    >>> describe_changes({"inputs": [{"path": "/c/a.jsonl", "size": 10, "mtime_ns": 1}], "format": "csv"},
    ...                  {"inputs": [{"path": "/c/a.jsonl", "size": 12, "mtime_ns": 2}], "format": "jsonl"}, {}, {})
    'options: format; /c/a.jsonl changed (size or modification time)'
    >>> describe_changes({"inputs": [{"path": "/c/txt", "sha256": "1"}]}, {"inputs": [{"path": "/c/txt", "sha256": "2"}]},
    ...                  {"/c/txt": [["a.txt", 1, 1], ["b.txt", 1, 1]]}, {"/c/txt": [["a.txt", 1, 2], ["c.txt", 1, 1]]})
    '/c/txt: added c.txt; removed b.txt; changed a.txt'
    """
    said = []
    options = sorted(key for key in set(old) | set(new) if key != "inputs" and old.get(key) != new.get(key))
    if options:
        said.append("options: " + ", ".join(options))
    old_inputs, new_inputs = old.get("inputs") or [], new.get("inputs") or []
    if [item.get("path") for item in old_inputs] != [item.get("path") for item in new_inputs]:
        said.append("other inputs: " + ", ".join(str(item.get("path")) for item in old_inputs) + " before")
    else:
        for before, now in zip(old_inputs, new_inputs):
            if before == now:
                continue
            path = now.get("path")
            if path in old_listing and path in new_listing:
                said.append(f"{path}: {_listing_changes(old_listing[path], new_listing[path])}")
            else:
                said.append(f"{path} changed (size or modification time)")
    return "; ".join(said) or "a run of another version"


def _listing_changes(before: list, now: list, shown: int = 3) -> str:
    old = {name: (size, mtime) for name, size, mtime in before}
    new = {name: (size, mtime) for name, size, mtime in now}
    parts = []
    for word, names in (("added", sorted(new.keys() - old.keys())), ("removed", sorted(old.keys() - new.keys())),
                        ("changed", sorted(name for name in old.keys() & new.keys() if old[name] != new[name]))):
        if names:
            more = f" and {len(names) - shown:,} more" if len(names) > shown else ""
            parts.append(f"{word} {', '.join(names[:shown])}{more}")
    return "; ".join(parts) or "changed"


def write_json_atomic(path: Path, value: dict) -> None:
    """Write ``value`` as indented JSON so that ``path`` holds the old or the new file, never a part.

    The temporary file is created exclusively (a link planted under its name is not followed).

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "run.json"
    >>> write_json_atomic(path, {"documents": 2})
    >>> path.read_text(encoding="utf-8")
    '{\\n  "documents": 2\\n}\\n'
    """
    temporary, descriptor = _create_exclusive(path)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(value, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def _create_exclusive(path: Path) -> tuple[Path, int]:
    """A new file next to ``path`` under a random name, created with ``O_EXCL`` (never through a
    link), with the permissions of any new file (unlike ``tempfile.mkstemp``'s 0600)."""
    while True:
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return temporary, os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
        except FileExistsError:
            continue


def remove_work(out: Path, work: Path) -> None:
    """Delete the work folder of a finished run: renamed first, so a kill while deleting leaves
    only garbage that the next run removes, never an unfinished run that cannot be resumed."""
    finished = out / FINISHED_DIR
    shutil.rmtree(finished, ignore_errors=True)
    os.replace(work, finished)
    fsync_dir(out)
    shutil.rmtree(finished, ignore_errors=True)


def chain_digest(previous: str, digest: bytes) -> str:
    """The running hash of what a run has read: the ``previous`` running hash (hex, ``""`` at the
    start) followed by the ``digest`` of one more record.

    >>> import hashlib
    >>> chain_digest("", hashlib.sha256(b"Minsk").digest())[:12]
    '7646493420ec'
    """
    return hashlib.sha256(previous.encode("ascii") + digest).hexdigest()


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
        self.stdin_digest = ""  # chain_digest of the stdin records done (see entitykit.corpus)
        self.duplicate_ids = 0  # documents whose id an earlier document had
        self.first_duplicate: str | None = None
        self._seen_ids: set[bytes] = set()  # 8-byte hashes: memory grows little with the corpus
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
            self._count_document(document.doc_id, document.meta, document.mentions)
        with self.errors_path.open("rb") as handle:
            self.errors = sum(1 for _ in handle)
        self.ordinals = checkpoint["ordinals"]
        self.piped = checkpoint["piped"]
        self.seconds_before = checkpoint["seconds"]
        self.finished_input = checkpoint["finished_input"]
        self.stdin_digest = checkpoint.get("stdin_sha256", "")
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
        self._count_document(doc_id, meta, mentions)
        self.ordinals = ordinal + 1

    def add_error(self, ordinal: int, doc_id: str, source: str, reason: str) -> None:
        """Append one bad document to the errors part file (``errors.jsonl`` in the end)."""
        row = {"doc_id": doc_id, "source": source, "reason": reason}
        self._errors_file.write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
        self.errors += 1
        self.ordinals = ordinal + 1

    def absorb(self, part: RunState) -> None:
        """Append a finished part of the corpus (a :class:`RunState` written elsewhere, e.g. by a
        Dask worker, for the records after this one's) inside :meth:`appending`: its part files
        are copied onto this run's, its counts and table of unknown forms added, so the run ends
        as if it had read those records itself (:mod:`entitykit.dask_engine`)."""
        for source, target in ((part.mentions_path, self._mentions_file), (part.errors_path, self._errors_file)):
            with source.open("rb") as handle:
                shutil.copyfileobj(handle, target)
        self.forms.update(part.forms)
        for key, kinds in part.meta_kinds.items():
            self.meta_kinds.setdefault(key, set()).update(kinds)
        self.documents += part.documents
        self.mentions += part.mentions
        self.errors += part.errors
        self.piped += part.piped
        self.ordinals = max(self.ordinals, part.ordinals)
        self.duplicate_ids += part.duplicate_ids
        self.first_duplicate = self.first_duplicate or part.first_duplicate
        for seen in part._seen_ids:
            if seen in self._seen_ids:
                self.duplicate_ids += 1
                if self.first_duplicate is None:
                    self.first_duplicate = "?"
                    logger.warning("a document id is not unique (counted in run.json as duplicate_ids)")
            else:
                self._seen_ids.add(seen)

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

    def _count_document(self, doc_id: str, meta: dict[str, Any], mentions: Sequence[PartMention]) -> None:
        self.documents += 1
        seen = hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
        if seen in self._seen_ids:
            self.duplicate_ids += 1
            if self.first_duplicate is None:
                self.first_duplicate = doc_id
                logger.warning("document id %r is not unique (counted in run.json as duplicate_ids)", doc_id)
        else:
            self._seen_ids.add(seen)
        self.mentions += len(mentions)
        self.forms.add_document(
            [(mention.key, mention.record.label) for mention in mentions if mention.counted],
            context={mention.record.entity_id for mention in mentions if mention.key is None and mention.record.entity_id},
            definitions=[(mention.record.text, mention.key, mention.record.label) for mention in mentions
                         if mention.key is not None and not mention.counted and mention.record.method == "coref"
                         and mention.record.score == DEFINED and is_acronym(display_form(mention.record.text))],
        )
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
            "stdin_sha256": self.stdin_digest,
        }
        write_json_atomic(self.work / "checkpoint.json", checkpoint)
