"""Batch runs over corpora: streaming document readers, :func:`extract` and :func:`run_corpus`.

Inputs are read one document at a time: a directory of ``.txt`` files (recursive, the file
path is the document id), ``.jsonl`` / ``.jsonl.gz`` and ``.parquet`` records, ``.csv`` /
``.tsv`` tables, and ``-`` for stdin (JSON lines if the first line starts with ``{``, else one
document per line). Fields other than the text and the id (date, source, url...) are carried
into the output as metadata.

A document that cannot be used (undecodable, binary, empty, too long, malformed) becomes a
:class:`Record` with an ``error`` instead of a text; :func:`run_corpus` writes it to
``errors.jsonl`` and goes on.

>>> import io
>>> stdin = io.BytesIO(b'{"id": "a1", "text": "Lukaschenko empfing ihn in Minsk.", "date": "2023-01-10"}\\n{"id": "a2"}\\n')
>>> for record in read_records(["-"], stdin=stdin):
...     print(record.doc_id, record.meta, record.error)
a1 {'date': '2023-01-10'} None
a2 {} no 'text' field (fields: id); choose the text field with --text-key
"""

from __future__ import annotations

import csv
import gzip
import itertools
import json
import logging
import os
import shutil
import sys
import time
import zlib
from collections import deque
from contextlib import contextmanager
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import partial
from itertools import chain
from pathlib import Path
from typing import IO, Any, Callable, NamedTuple

from .errors import CorpusFormatError, InputError, MissingDependencyError
from .ner_data import LABELS  # the labels the resolver and its clustering accept
from .export import (
    FORMATS,
    MENTION_COLUMNS,
    MENTION_TYPES,
    EntityTable,
    MentionRecord,
    TableWriter,
    doc_mentions,
    meta_type,
    output_suffix,
    value_kind,
    write_entities,
)

logger = logging.getLogger("entitykit")

MAX_CHARS = 1_000_000  # spaCy's default nlp.max_length
DEFAULT_BATCH_SIZE = 32  # NER memory grows with the text of a batch: ~4 KB a character
CHECKPOINT_SECONDS = 1.0  # at most one checkpoint (three fsyncs) a second
INPUT_TYPES = "a directory of .txt files, .txt, .jsonl, .jsonl.gz, .csv, .tsv, .parquet, or '-' for stdin"
WORK_DIR = ".entitykit-run"  # part files and checkpoint of an unfinished run, inside --out
OUTPUT_NAMES = ("run.json", "errors.jsonl") + tuple(
    f"{name}.{format}" for name in ("mentions", "entities") for format in FORMATS
)
# Resolutions that name no registry entity: their ids are final only after corpus clustering.
UNKNOWN_METHODS = frozenset({"new", "cluster"})


class Record(NamedTuple):
    """One input document: its id, text and metadata, and where it came from (``source``,
    e.g. ``news.jsonl line 3``). A bad document has ``text=None`` and the reason in ``error``."""

    doc_id: str
    text: str | None
    meta: dict[str, Any]
    source: str
    error: str | None = None


class DocumentMentions(NamedTuple):
    """What :func:`extract` yields for each document: its id, mention records and metadata."""

    doc_id: str
    mentions: list[MentionRecord]
    meta: dict[str, Any]


class RunSummary(NamedTuple):
    """What :func:`run_corpus` did: counts, where it resumed (0: a fresh run), the output files."""

    out: Path
    documents: int
    mentions: int
    entities: int
    errors: int
    resumed_at: int
    seconds: float
    files: dict[str, Path]


# --- inputs ------------------------------------------------------------------------------


class _Source(NamedTuple):
    kind: str  # dir | txt | jsonl | csv | tsv | parquet | stdin
    path: Path | None


def input_kind(path: str | Path) -> str:
    """What kind of input a path is, by its name (``dir`` for directories, ``stdin`` for ``-``).

    >>> input_kind("news.jsonl.gz"), input_kind("table.TSV"), input_kind("-")
    ('jsonl', 'tsv', 'stdin')
    """
    if str(path) == "-":
        return "stdin"
    path = Path(path)
    if path.is_dir():
        return "dir"
    name = path.name.lower()
    for suffix, kind in ((".jsonl.gz", "jsonl"), (".jsonl", "jsonl"), (".csv", "csv"), (".tsv", "tsv"),
                         (".parquet", "parquet"), (".txt", "txt")):
        if name.endswith(suffix):
            return kind
    raise InputError(f"{path}: unsupported input type; give {INPUT_TYPES}")


def check_inputs(inputs: Sequence[str | Path], *, text_key: str = "text") -> list[_Source]:
    """Check that every input exists and can be read, before any work.

    Tables (CSV, TSV, Parquet) must have a ``text_key`` column. Raises :class:`InputError`
    naming the first bad input.

    >>> check_inputs(["no/such/corpus.jsonl"])
    Traceback (most recent call last):
    ...
    entitykit.errors.InputError: no/such/corpus.jsonl: no such file or directory
    """
    if not inputs:
        raise InputError(f"no input given; give {INPUT_TYPES}")
    if sum(str(path) == "-" for path in inputs) > 1:
        raise InputError("'-' (stdin) can be given only once")
    sources = []
    for given in inputs:
        if str(given) == "-":
            sources.append(_Source("stdin", None))
            continue
        path = Path(given)
        if not path.exists():
            raise InputError(f"{given}: no such file or directory")
        kind = input_kind(path)
        if kind != "dir" and not os.access(path, os.R_OK):
            raise InputError(f"{given}: not readable (permission denied)")
        if kind in ("csv", "tsv"):
            columns = _csv_header(path, "\t" if kind == "tsv" else ",")
            if columns is not None and text_key not in columns:
                raise InputError(
                    f"{given}: no column {text_key!r} (columns: {', '.join(columns)}); "
                    "choose the text column with --text-key"
                )
        elif kind == "parquet":
            columns = _parquet_columns(path)
            if text_key not in columns:
                raise InputError(
                    f"{given}: no column {text_key!r} (columns: {', '.join(columns)}); "
                    "choose the text column with --text-key"
                )
        sources.append(_Source(kind, path))
    return sources


def _csv_header(path: Path, delimiter: str) -> list[str] | None:
    try:
        with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
            header = next(csv.reader(handle, delimiter=delimiter), None)
    except csv.Error as error:
        raise InputError(f"{path}: unreadable header ({error})") from None
    if header is not None and not all(map(_is_utf8, header)):
        raise InputError(f"{path}: the header is not UTF-8; convert the file to UTF-8")
    return header


def _parquet_columns(path: Path) -> list[str]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependencyError(f"{path}: reading Parquet needs pyarrow; pip install 'entitykit[parquet]'") from None
    try:
        return list(pq.read_schema(path).names)
    except Exception as error:  # pyarrow raises ArrowInvalid, OSError... for broken files
        raise InputError(f"{path}: not a readable Parquet file ({str(error).splitlines()[0]})") from None


def read_records(
    inputs: Sequence[str | Path],
    *,
    text_key: str = "text",
    id_key: str = "id",
    max_chars: int = MAX_CHARS,
    stdin: IO[bytes] | None = None,
    skip: int = 0,
) -> Iterator[Record]:
    """Stream the documents of ``inputs`` in a fixed order, bad ones as error records.

    Directories are walked in sorted order; ``skip`` leaves out the first ``skip`` records
    without reading their text (how a resumed run catches up). ``stdin`` is the byte stream
    read for ``-`` (default: ``sys.stdin.buffer``). Documents longer than ``max_chars``
    characters are errors, as are empty ones.
    """
    sources = check_inputs(inputs, text_key=text_key)  # now, not at the first next()
    options = {"text_key": text_key, "id_key": id_key, "max_chars": max_chars}
    items = chain.from_iterable(_read_source(source, stdin, options) for source in sources)
    return _records_after(items, skip)


def _records_after(items: Iterator[Record | Callable[[], Record]], skip: int) -> Iterator[Record]:
    for ordinal, item in enumerate(items):
        if ordinal >= skip:
            yield item() if callable(item) else item


def count_records(
    inputs: Sequence[str | Path], *, text_key: str = "text"
) -> int | None:
    """How many records ``inputs`` hold (for a progress bar), ``None`` for stdin.

    Cheap for directories and Parquet; JSONL and CSV are read once without parsing the texts.
    """
    total = 0
    for source in check_inputs(inputs, text_key=text_key):
        if source.kind == "stdin":
            return None
        if source.kind == "dir":
            total += sum(1 for _ in _walk_txt(source.path))
        elif source.kind == "txt":
            total += 1
        elif source.kind == "parquet":
            import pyarrow.parquet as pq

            total += pq.ParquetFile(source.path).metadata.num_rows
        elif source.kind == "jsonl":
            try:
                with _open_binary(source.path) as handle:
                    total += sum(1 for line in handle if line.strip())
            except (OSError, EOFError, zlib.error):
                return None
        else:
            with source.path.open(encoding="utf-8", errors="replace", newline="") as handle:
                with _field_limit(MAX_CHARS * 8):
                    try:
                        rows = sum(1 for row in csv.reader(handle, delimiter="\t" if source.kind == "tsv" else ",") if row)
                    except csv.Error:
                        return None
                    total += max(rows - 1, 0)  # not the header
    return total


def _read_source(source: _Source, stdin: IO[bytes] | None, options: dict) -> Iterator[Record | Callable[[], Record]]:
    if source.kind == "dir":
        return (partial(_txt_record, path, options["max_chars"]) for path in _walk_txt(source.path))
    if source.kind == "txt":
        return iter([partial(_txt_record, source.path, options["max_chars"])])
    if source.kind == "jsonl":
        return _jsonl_items(source.path, options)
    if source.kind in ("csv", "tsv"):
        return _csv_records(source.path, "\t" if source.kind == "tsv" else ",", options)
    if source.kind == "parquet":
        return _parquet_records(source.path, options)
    return _stdin_items(stdin if stdin is not None else sys.stdin.buffer, options)


def _walk_txt(root: Path) -> Iterator[Path]:
    # os.walk streams one directory at a time; sorting makes the order (and resume) stable.
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        for name in sorted(files):
            if name.lower().endswith(".txt") and not name.startswith("."):
                yield Path(folder) / name


def _bad(doc_id: str, source: str, reason: str) -> Record:
    return Record(doc_id, None, {}, source, reason)


def _text_problem(text: str, max_chars: int) -> str | None:
    if not text.strip():
        return "empty document"
    if len(text) > max_chars:
        return f"document too long: {len(text):,} characters; the limit is {max_chars:,} (--max-chars)"
    return None


def _txt_record(path: Path, max_chars: int) -> Record:
    doc_id = path.as_posix()
    try:
        size = path.stat().st_size
        if size > 4 * max_chars + 3:  # UTF-8 needs at most 4 bytes a character: too long unread
            return _bad(doc_id, doc_id, f"document too long: {size:,} bytes; the limit is {max_chars:,} characters (--max-chars)")
        data = path.read_bytes()
    except OSError as error:
        return _bad(doc_id, doc_id, f"cannot read the file ({error.strerror})")
    nul = data.find(b"\x00")
    if nul >= 0:
        return _bad(doc_id, doc_id, f"binary file (NUL byte at byte {nul}), not text")
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as error:
        return _bad(doc_id, doc_id, f"not UTF-8 at byte {bom + error.start}; convert the file to UTF-8")
    problem = _text_problem(text, max_chars)
    return _bad(doc_id, doc_id, problem) if problem else Record(doc_id, text, {}, doc_id)


def _open_binary(path: Path):
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")


def _jsonl_items(path: Path, options: dict) -> Iterator[Record | Callable[[], Record]]:
    display = path.as_posix()
    number = offset = 0
    try:
        with _open_binary(path) as handle:
            for number, raw in enumerate(handle, 1):
                start = offset
                offset += len(raw)
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw, start = raw[3:], start + 3
                if raw.strip():
                    yield partial(_jsonl_record, raw, display, number, start, options)
    except (OSError, EOFError, zlib.error) as error:  # a broken .gz stream
        where = f"{display} line {number + 1}"
        yield _bad(f"{display}:{number + 1}", where, f"unreadable from here on ({error}); the lines before were read")


def _jsonl_record(raw: bytes, display: str, number: int, offset: int, options: dict) -> Record:
    source = f"{display} line {number}"
    fallback_id = f"{display}:{number}"
    try:
        line = raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as error:
        return _bad(fallback_id, source, f"not UTF-8 at byte {offset + error.start}")
    try:
        value = json.loads(line)
    except json.JSONDecodeError as error:
        return _bad(fallback_id, source, f"not valid JSON ({error.msg} at column {error.colno})")
    if not isinstance(value, dict):
        return _bad(fallback_id, source, f"expected a JSON object, got {type(value).__name__}")
    return _mapping_record(value, fallback_id, source, options)


def _mapping_record(value: Mapping[str, Any], fallback_id: str, source: str, options: dict, *, allow_empty: bool = False) -> Record:
    text_key, id_key = options["text_key"], options["id_key"]
    raw_id = value.get(id_key)
    doc_id = fallback_id if raw_id is None or raw_id == "" else str(raw_id)
    if text_key not in value:
        fields = ", ".join(map(str, value)) or "none"
        return _bad(doc_id, source, f"no {text_key!r} field (fields: {fields}); choose the text field with --text-key")
    text = value[text_key]
    if not isinstance(text, str):
        kind = "null" if text is None else f"a {type(text).__name__}"
        return _bad(doc_id, source, f"field {text_key!r} is {kind}, not a string")
    problem = _text_problem(text, options["max_chars"])
    if problem and not (allow_empty and problem == "empty document"):
        return _bad(doc_id, source, problem)
    meta = {str(key): _meta_value(item) for key, item in value.items() if key != text_key and key != id_key}
    return Record(doc_id, text, meta, source)


def _meta_value(value: Any) -> Any:
    """A metadata value as JSON can hold it (dates as ISO text, NaN as null)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    try:
        return json.loads(json.dumps(value, default=str, allow_nan=False))
    except ValueError:
        return str(value)


@contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    """Raise the csv module's field size limit (131,072 characters) for a moment: a long
    document must be read whole to be reported as too long, not as a broken CSV."""
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, limit))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _csv_rows(reader, limit: int) -> Iterator[tuple[int, list[str] | None, csv.Error | None]]:
    """``(first line, row, None)`` for each CSV record, ``(line, None, error)`` for a broken one."""
    line = reader.line_num
    while True:
        with _field_limit(limit):
            try:
                row, error = next(reader), None
            except StopIteration:
                return
            except csv.Error as caught:
                row, error = None, caught
        yield line + 1, row, error
        line = reader.line_num


def _csv_records(path: Path, delimiter: str, options: dict) -> Iterator[Record]:
    display = path.as_posix()
    limit = options["max_chars"] * 8
    # surrogateescape keeps a bad byte from stopping the file: only its record is bad.
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        with _field_limit(limit):
            header = next(reader, None)
        if header is None:
            return
        number = 0
        for line, row, error in _csv_rows(reader, limit):
            if row == []:  # a blank line
                continue
            number += 1
            fallback_id, source = f"{display}:{number}", f"{display} line {line}"
            if error is not None:
                yield _bad(fallback_id, source, f"malformed CSV ({error})")
            elif len(row) != len(header):
                yield _bad(fallback_id, source, f"{len(row)} fields, the header has {len(header)}")
            elif not all(map(_is_utf8, row)):
                field = next(name for name, cell in zip(header, row) if not _is_utf8(cell))
                yield _bad(fallback_id, source, f"field {field!r} is not UTF-8; convert the file to UTF-8")
            else:
                yield _mapping_record(dict(zip(header, row)), fallback_id, source, options)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _parquet_records(path: Path, options: dict) -> Iterator[Record]:
    import pyarrow.parquet as pq

    display = path.as_posix()
    number = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=256):
        for row in batch.to_pylist():
            number += 1
            yield _mapping_record(row, f"{display}:{number}", f"{display} row {number}", options)


def _stdin_items(stream: IO[bytes], options: dict) -> Iterator[Callable[[], Record]]:
    as_jsonl = None
    offset = 0
    for number, raw in enumerate(stream, 1):
        start = offset
        offset += len(raw)
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw, start = raw[3:], start + 3
        if not raw.strip():
            continue
        if as_jsonl is None:  # decided by the first line
            as_jsonl = raw.lstrip().startswith(b"{")
        read = _jsonl_record if as_jsonl else _line_record
        yield partial(read, raw, "<stdin>", number, start, options)


def _line_record(raw: bytes, display: str, number: int, offset: int, options: dict) -> Record:
    doc_id, source = f"-:{number}", f"{display} line {number}"
    try:
        text = raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as error:
        return _bad(doc_id, source, f"not UTF-8 at byte {offset + error.start}")
    if "\x00" in text:
        return _bad(doc_id, source, "binary data (NUL byte), not text")
    problem = _text_problem(text, options["max_chars"])
    return _bad(doc_id, source, problem) if problem else Record(doc_id, text, {}, source)


# --- extract -----------------------------------------------------------------------------


def extract(
    texts_or_records: Iterable[str | Mapping[str, Any]],
    *,
    nlp: Any = None,
    model: str | Path | None = None,
    aliases: Iterable[str | Path] = (),
    default_aliases: bool = True,
    text_key: str = "text",
    id_key: str = "id",
    batch_size: int = DEFAULT_BATCH_SIZE,
    n_process: int = 1,
) -> Iterator[DocumentMentions]:
    """Yield the mention records of each text or record, in input order.

    Items are strings (their id is their position) or mappings with the text under
    ``text_key``, the id under ``id_key`` and any other keys as metadata. ``nlp`` is a ready
    pipeline; without it one is loaded with :func:`entitykit.load` from ``model``,
    ``aliases`` and ``default_aliases``. Entities are resolved against the registry and
    within each document (and batch); corpus-wide clustering of unknown names needs the
    whole corpus: use :func:`run_corpus` for that. A mapping without a text string raises
    :class:`InputError` naming its position.

    >>> import spacy
    >>> nlp = spacy.blank("de")
    >>> nlp.add_pipe("entity_ruler").add_patterns([{"label": "LOC", "pattern": "Minsk"}])
    >>> [(m.doc_id, m.text, m.label) for doc in extract(["Gespräch in Minsk"], nlp=nlp) for m in doc.mentions]
    [('0', 'Minsk', 'LOC')]
    """
    if nlp is None:
        from .pipeline import load

        nlp = load(model, aliases=aliases, default_aliases=default_aliases)
    from .pipeline import MAX_CHUNK_CHARS, annotate

    options = {"text_key": text_key, "id_key": id_key, "max_chars": nlp.max_length}
    # (doc id, metadata, text if it is long and runs alone in pieces, else None), in input order
    pending: deque[tuple[str, dict, str | None]] = deque()

    def texts() -> Iterator[str]:
        for number, item in enumerate(texts_or_records):
            if isinstance(item, str):
                if len(item) > nlp.max_length:
                    raise InputError(f"text {number}: {len(item):,} characters; the limit is nlp.max_length = {nlp.max_length:,}")
                doc_id, meta, text = str(number), {}, item
            elif isinstance(item, Mapping):
                record = _mapping_record(item, str(number), f"record {number}", options, allow_empty=True)
                if record.error:
                    raise InputError(f"{record.source}: {record.error}")
                doc_id, meta, text = record.doc_id, record.meta, record.text
            else:
                raise InputError(f"record {number}: expected a string or a mapping with {text_key!r}, got {type(item).__name__}")
            if len(text) > MAX_CHUNK_CHARS:
                pending.append((doc_id, meta, text))
            else:
                pending.append((doc_id, meta, None))
                yield text

    def long_ones() -> Iterator[DocumentMentions]:
        while pending and pending[0][2] is not None:
            doc_id, meta, text = pending.popleft()
            yield DocumentMentions(doc_id, doc_mentions(annotate(nlp, text, batch_size=1), doc_id), meta)

    for doc in _pipe_in_zones(nlp, texts(), batch_size=batch_size, n_process=n_process):
        yield from long_ones()
        doc_id, meta, _ = pending.popleft()
        yield DocumentMentions(doc_id, doc_mentions(doc, doc_id), meta)
    yield from long_ones()


# --- run_corpus --------------------------------------------------------------------------


def run_corpus(
    inputs: Sequence[str | Path],
    out: str | Path,
    *,
    format: str = "jsonl",
    nlp: Any = None,
    model: str | Path | None = None,
    aliases: Iterable[str | Path] = (),
    default_aliases: bool = True,
    text_key: str = "text",
    id_key: str = "id",
    batch_size: int = DEFAULT_BATCH_SIZE,
    n_process: int = 1,
    max_chars: int = MAX_CHARS,
    force: bool = False,
    strict: bool = False,
    progress: bool | None = None,
    resolver: Any = None,
    stdin: IO[bytes] | None = None,
) -> RunSummary:
    """Find and resolve the entities of a whole corpus; write the tables to the folder ``out``.

    Writes ``mentions.<format>`` (one row per mention, with the document's metadata),
    ``entities.<format>`` (one row per canonical entity, most mentioned first, with its
    variants and their counts), ``errors.jsonl`` (one row per document that could not be
    processed) and ``run.json`` (model, registry, options, counts, timings). ``format`` is
    ``jsonl``, ``csv`` or ``parquet``.

    Documents stream through ``nlp.pipe(batch_size=, n_process=)``: each batch is resolved
    against the registry and within documents; names the registry does not know are counted
    in one table of distinct forms, clustered once at the end (``resolver.cluster_forms``),
    and the mentions are then written with those final ids, so ``mentions`` and
    ``entities`` agree and one unknown person has one id in every document.

    The run can be killed at any moment: run the same call again and it continues after the
    last completed batch, with outputs identical to an uninterrupted run. An ``out`` that
    holds finished outputs or another unfinished run is refused unless ``force``. Bad
    documents go to ``errors.jsonl``; with ``strict`` the first one raises
    :class:`CorpusFormatError` instead. ``progress`` shows a progress bar (``None``: when
    stderr is a terminal). ``nlp`` is a ready pipeline; else one is loaded with
    :func:`entitykit.load` from ``model``, ``aliases`` and ``default_aliases``. ``resolver``
    (default: the pipeline's own) does the corpus clustering.

    >>> import io, json, tempfile, spacy
    >>> nlp = spacy.blank("de")
    >>> nlp.add_pipe("entity_ruler").add_patterns([{"label": "LOC", "pattern": "Minsk"}])
    >>> out = tempfile.mkdtemp()
    >>> stdin = io.BytesIO("Gespräch in Minsk\\nMinsk und Minsk\\n".encode())
    >>> summary = run_corpus(["-"], out, nlp=nlp, stdin=stdin, progress=False)
    >>> summary.documents, summary.mentions, summary.entities, summary.errors
    (2, 3, 1, 0)
    >>> json.loads(open(f"{out}/entities.jsonl", encoding="utf-8").readline())["variants"]
    {'Minsk': 3}
    """
    started = time.time()
    sources = check_inputs(inputs, text_key=text_key)
    suffix = output_suffix(format)
    if format == "parquet":
        _require_pyarrow()
    if batch_size < 1 or n_process < 1 or max_chars < 1:
        raise InputError("batch_size, n_process and max_chars must be at least 1")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a directory; give a folder for --out")
    aliases = [aliases] if isinstance(aliases, (str, Path)) else list(aliases)
    for path in aliases:
        if not Path(path).is_file():
            raise InputError(f"{path}: no such alias file")
    options = {
        "format": format, "text_key": text_key, "id_key": id_key, "batch_size": batch_size,
        "max_chars": max_chars, "model": None if model is None else str(model),
        "aliases": [str(path) for path in aliases], "default_aliases": default_aliases,
    }
    # What decides the outputs: a resumed run must match it exactly.
    fingerprint = {
        **options,
        "inputs": [_describe_input(source) for source in sources],
        "aliases": [_describe_input(_Source("txt", Path(path))) for path in aliases],
        "model": _choose_model(model) if nlp is None else _describe_model(nlp),
    }
    work = out / WORK_DIR
    checkpoint = _prepare_output(out, work, fingerprint, force)
    given = nlp is not None
    if nlp is None:
        from .pipeline import load

        nlp = load(model, aliases=aliases, default_aliases=default_aliases)
    if max_chars > nlp.max_length:
        nlp.max_length = max_chars
    state = _RunState(work, fingerprint, checkpoint, unknown_key=_unknown_key(nlp))
    loaded = time.time()

    if not state.finished_input:
        total = None
        show = sys.stderr.isatty() if progress is None else progress
        if show and not any(source.kind == "stdin" for source in sources):
            total = count_records(inputs, text_key=text_key)
        _process(
            state, nlp, inputs,
            text_key=text_key, id_key=id_key, max_chars=max_chars, batch_size=batch_size,
            n_process=n_process, strict=strict, stdin=stdin, show=show, total=total,
        )
    processed = time.time()
    clusterer = resolver if resolver is not None else _corpus_resolver(nlp)
    files, entity_count = _finish(state, out, format, suffix, clusterer)
    finished = time.time()
    seconds = state.seconds_before + finished - started
    report = {
        "entitykit": _version(),
        "model": _describe_model(nlp),
        "registry": _describe_registry(nlp, None if given else aliases, default_aliases),
        "inputs": [str(path) for path in inputs],
        "options": {**options, "n_process": n_process, "strict": strict},
        "counts": {
            "documents": state.documents, "mentions": state.mentions, "entities": entity_count,
            "errors": state.errors, "unknown_forms": len(state.forms),
        },
        "timings": {  # seconds; a resumed run adds up its sessions in "total"
            "total": round(seconds, 3),
            "documents_per_second": round(state.documents / seconds, 2) if seconds else None,
            "loading": round(loaded - started, 3),
            "processing": round(processed - loaded, 3),
            "clustering_and_writing": round(finished - processed, 3),
            "resumed_at_record": state.resumed_at,
        },
    }
    _write_json_atomic(out / "run.json", report)
    files["run"] = out / "run.json"
    shutil.rmtree(work, ignore_errors=True)
    return RunSummary(out, state.documents, state.mentions, entity_count, state.errors, state.resumed_at, seconds, files)


def _require_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise MissingDependencyError("--format parquet needs pyarrow; pip install 'entitykit[parquet]'") from None


def _describe_input(source: _Source) -> dict:
    if source.path is None:
        return {"path": "-"}
    path = source.path.resolve()
    if path.is_dir():
        return {"path": str(path)}
    stat = path.stat()
    return {"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _choose_model(model: str | Path | None) -> list[str]:
    """Which pipeline ``load(model)`` will take (without loading it): ``[source, location]``."""
    from .models import resolve_model

    source, target = resolve_model(model)
    return [source, str(target)]


def _describe_model(nlp) -> dict:
    meta = nlp.meta
    chosen = meta.get("entitykit") or {}
    return {
        "name": chosen.get("model") or f"{meta.get('lang', '?')}_{meta.get('name', '?')}",
        "version": meta.get("version"),
        "source": chosen.get("source"),
        "location": chosen.get("location"),
        "pipeline": list(nlp.pipe_names),
    }


def _describe_registry(nlp, aliases: Sequence[str | Path] | None, default_aliases: bool) -> dict:
    """The registry of the run: its size, and the files it came from when this run loaded it."""
    registry = _registry(nlp)
    info: dict[str, Any] = {"entities": len(registry) if registry is not None else 0}
    if aliases is not None:
        info.update(aliases=[str(path) for path in aliases], default_aliases=default_aliases)
    return info


def _version() -> str:
    from . import __version__

    return __version__


def _registry(nlp):
    if nlp.has_pipe("entitykit_resolver"):
        return getattr(nlp.get_pipe("entitykit_resolver"), "registry", None)
    return None


def _unknown_key(nlp) -> Callable[[MentionRecord, str | None], tuple[str | None, bool]]:
    """For a mention, the form under which corpus clustering decides its entity, and whether
    it counts in the table of unknown forms: ``(None, False)`` for registry entities.

    Unknown mentions are keyed by their own text; a surname linked to an unknown full name
    in its document (``coref``) by that full name (``matched``), without counting, as
    :meth:`Resolver.resolve_mentions` does over a whole input.
    """
    from .normalize import normalize

    registry = _registry(nlp)

    def key(record: MentionRecord, matched: str | None) -> tuple[str | None, bool]:
        if record.label not in LABELS:
            return None, False
        if record.method == "coref":
            if registry is not None and record.entity_id in registry:
                return None, False
            return matched or record.canonical, False
        if record.method is None or record.method in UNKNOWN_METHODS or not record.entity_id:
            return (record.text, True) if normalize(record.text) else (None, False)
        return None, False

    return key


def _corpus_resolver(nlp):
    from .resolver import Resolver

    if nlp.has_pipe("entitykit_resolver"):
        component = nlp.get_pipe("entitykit_resolver")
        thresholds = getattr(component, "cfg", {}).get("thresholds", {})
        return Resolver(getattr(component, "registry", None), **thresholds)
    return Resolver(None)


# --- the output folder, checkpoints and part files ----------------------------------------


def _prepare_output(out: Path, work: Path, fingerprint: dict, force: bool) -> dict | None:
    """Decide between a fresh run and a resume; refuse to overwrite without ``force``.

    Returns the checkpoint to resume from, or None for a fresh run (``work`` then exists
    and is empty).
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


def _write_json_atomic(path: Path, value: dict) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        json.dump(value, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
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


class _RunState:
    """Counts, the table of unknown forms and the append-only part files of one run.

    Everything here can be rebuilt from the part files, which is how a resumed run gets it
    back after a checkpoint: the part files are cut to the checkpoint's sizes and re-read.
    """

    def __init__(self, work: Path, fingerprint: dict, checkpoint: dict | None, *, unknown_key) -> None:
        self.work = work
        self.fingerprint = fingerprint
        self.unknown_key = unknown_key
        self.forms: dict[tuple[str, str], int] = {}  # unknown (text, label) -> mentions
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
        if checkpoint is None:
            self.mentions_path.write_bytes(b"")
            self.errors_path.write_bytes(b"")
            self.save(finished_input=False)
        else:
            try:
                self._restore(checkpoint)
            except (OSError, ValueError, KeyError, IndexError) as error:
                raise InputError(
                    f"the unfinished run in {work.parent} cannot be resumed ({error}); "
                    "add --force to start over"
                ) from None

    def _restore(self, checkpoint: dict) -> None:
        # A kill between two checkpoints leaves a partial tail: cut it off.
        os.truncate(self.mentions_path, checkpoint["mentions_bytes"])
        os.truncate(self.errors_path, checkpoint["errors_bytes"])
        with self.mentions_path.open("rb") as handle:
            for line in handle:
                item = json.loads(line)
                self.count_document(item["meta"], item["m"])
        with self.errors_path.open("rb") as handle:
            self.errors = sum(1 for _ in handle)
        self.ordinals = checkpoint["ordinals"]
        self.piped = checkpoint["piped"]
        self.seconds_before = checkpoint["seconds"]
        self.finished_input = checkpoint["finished_input"]
        self.resumed_at = self.ordinals
        logger.info("resuming after %d records (%d documents)", self.ordinals, self.documents)

    def count_document(self, meta: dict, mentions: list[list]) -> None:
        self.documents += 1
        self.mentions += len(mentions)
        forms = self.forms
        for mention in mentions:
            if mention[9]:  # counted: an unknown form of its own
                key = (mention[8], mention[3])
                forms[key] = forms.get(key, 0) + 1
        for key, value in meta.items():
            kind = value_kind(value)
            if kind is not None:
                self.meta_kinds.setdefault(key, set()).add(kind)
            elif key not in self.meta_kinds:
                self.meta_kinds[key] = set()

    def save(self, *, finished_input: bool, mentions_bytes: int | None = None, errors_bytes: int | None = None) -> None:
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
        _write_json_atomic(self.work / "checkpoint.json", checkpoint)


def _process(
    state: _RunState,
    nlp,
    inputs: Sequence[str | Path],
    *,
    text_key: str,
    id_key: str,
    max_chars: int,
    batch_size: int,
    n_process: int,
    strict: bool,
    stdin: IO[bytes] | None,
    show: bool,
    total: int | None,
) -> None:
    """Stream the records after the checkpoint through the pipeline into the part files."""
    from tqdm import tqdm

    from .pipeline import MAX_CHUNK_CHARS, annotate

    records = read_records(
        inputs, text_key=text_key, id_key=id_key, max_chars=max_chars, stdin=stdin, skip=state.ordinals
    )
    # Records in reading order, each marked "doc" (its Doc comes out of nlp.pipe, in the same
    # order), "bad" (for errors.jsonl) or "long" (run here in pieces: spaCy's NER needs
    # memory in proportion to the text of a batch, about 4 KB a character).
    pending: deque[tuple[int, Record, str]] = deque()

    def texts() -> Iterator[str]:
        for ordinal, record in enumerate(records, start=state.ordinals):
            if record.error is not None:
                pending.append((ordinal, record, "bad"))
            elif len(record.text) > MAX_CHUNK_CHARS:
                pending.append((ordinal, record, "long"))
            else:
                pending.append((ordinal, record._replace(text=None), "doc"))
                yield record.text

    mentions_file = state.mentions_path.open("ab")
    errors_file = state.errors_path.open("ab")
    bar = tqdm(
        total=total, initial=state.ordinals, unit="doc", disable=not show, file=sys.stderr,
        dynamic_ncols=True, smoothing=0.1, mininterval=0.5,
    )
    unknown_key = state.unknown_key
    matched = _matched_getter()

    def tick() -> None:
        if show:
            bar.set_postfix_str(f"mentions={state.mentions:,}, errors={state.errors:,}", refresh=False)
            bar.update(1)

    def write_doc(ordinal: int, record: Record, doc) -> None:
        rows = []
        for ent, m in zip(doc.ents, doc_mentions(doc, record.doc_id)):
            key, counted = unknown_key(m, matched(ent))
            rows.append([m.start_char, m.end_char, m.text, m.label, m.entity_id, m.canonical, m.score, m.method,
                         key, 1 if counted else 0])
        line = {"o": ordinal, "id": record.doc_id, "meta": record.meta, "m": rows}
        mentions_file.write((json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8"))
        state.count_document(record.meta, rows)
        state.ordinals = ordinal + 1
        tick()

    def write_other(ordinal: int, record: Record, kind: str) -> None:
        if kind == "long":
            write_doc(ordinal, record, annotate(nlp, record.text, batch_size=1))
            return
        if strict:
            raise CorpusFormatError(
                f"{record.source}: {record.error} (--strict: stopped; "
                f"{state.documents:,} documents done before it)"
            )
        row = {"doc_id": record.doc_id, "source": record.source, "reason": record.error}
        errors_file.write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
        state.errors += 1
        state.ordinals = ordinal + 1
        tick()

    last_checkpoint = [time.monotonic()]

    def checkpoint(finished: bool) -> None:
        last_checkpoint[0] = time.monotonic()
        for handle in (mentions_file, errors_file):
            handle.flush()
            os.fsync(handle.fileno())
        state.save(finished_input=finished, mentions_bytes=mentions_file.tell(), errors_bytes=errors_file.tell())

    if n_process > 1:
        _workers_die_with(os.getpid())
    docs = _pipe_in_zones(nlp, texts(), batch_size=batch_size, n_process=n_process)
    try:
        for doc in docs:
            ordinal, record, kind = pending.popleft()
            while kind != "doc":
                write_other(ordinal, record, kind)
                ordinal, record, kind = pending.popleft()
            write_doc(ordinal, record, doc)
            state.piped += 1
            # Checkpoints fall on the pipeline's batch boundaries, so a resumed run sees the
            # same batches as an uninterrupted one; at most one a second keeps fsync cheap.
            if state.piped % batch_size == 0 and time.monotonic() - last_checkpoint[0] >= CHECKPOINT_SECONDS:
                checkpoint(False)
        while pending:
            write_other(*pending.popleft())
        checkpoint(True)
    finally:
        close = getattr(docs, "close", None)
        if close is not None:
            close()
        bar.close()
        mentions_file.close()
        errors_file.close()


# Documents piped per spaCy memory zone: the strings and lexemes of new words that a zone adds
# to the vocab are freed when it closes, so a long run's memory does not grow with its corpus.
ZONE_DOCS = 4096


def _pipe_in_zones(nlp, texts: Iterator[str], *, batch_size: int, n_process: int) -> Iterator:
    """``nlp.pipe`` over ``texts`` in chunks, each inside ``nlp.memory_zone()``.

    A Doc is valid only until the next one is requested from the chunk's end; callers turn each
    Doc into plain records before asking for the next. Chunks hold a whole number of batches, so
    the batches (and so the resolver's decisions) are the same as in one long ``nlp.pipe``.
    """
    chunk_size = batch_size * max(1, ZONE_DOCS // batch_size)
    if n_process > 1:
        _freeze_msgpack_codecs()
    while True:
        chunk = list(itertools.islice(texts, chunk_size))
        if not chunk:
            return
        with nlp.memory_zone():
            yield from nlp.pipe(chunk, batch_size=batch_size, n_process=n_process)


def _freeze_msgpack_codecs() -> None:
    """Make srsly's msgpack codec lookup a dict read instead of a catalogue scan.

    srsly asks catalogue for its msgpack encoders/decoders on every ``packb``/``unpackb``: an
    entry-point scan plus a walk over every function spaCy has registered, about 1 ms. spaCy
    calls it three times for each Doc that ``nlp.pipe(n_process=N)`` ships between processes,
    which cost more than a tenth of the main process's time. The codecs installed now are kept.
    """
    import srsly.msgpack

    for codecs in (srsly.msgpack.msgpack_encoders, srsly.msgpack.msgpack_decoders):
        if "get_all" not in vars(codecs):  # not frozen yet
            frozen = codecs.get_all()
            codecs.get_all = lambda frozen=frozen: frozen


# The pid whose death kills the pipeline workers it forks (set once a run uses n_process > 1).
_worker_parent: list[int] = []


def _workers_die_with(pid: int) -> None:
    """Make the workers ``nlp.pipe(n_process=N)`` forks from now on die with this process.

    Otherwise a run killed with SIGKILL leaves its workers waiting forever on their queue.
    Linux only (``prctl(PR_SET_PDEATHSIG)``); elsewhere nothing changes.
    """
    if not sys.platform.startswith("linux"):
        return
    if not _worker_parent:
        os.register_at_fork(after_in_child=_die_with_parent)
    _worker_parent[:] = [pid]


def _die_with_parent() -> None:
    if not _worker_parent or os.getppid() != _worker_parent[0]:
        return  # not a child of a run (e.g. a worker's own fork)
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != _worker_parent[0]:  # the run died before prctl took effect
        os._exit(1)


def _finish(state: _RunState, out: Path, format: str, suffix: str, resolver) -> tuple[dict[str, Path], int]:
    """Cluster the unknown forms once, then write the final tables from the part files."""
    final = _cluster(resolver, state.forms)
    meta_keys = list(state.meta_kinds)
    taken = set(MENTION_COLUMNS)
    meta_columns = [f"meta_{key}" if key in taken else key for key in meta_keys]
    columns = MENTION_COLUMNS + tuple(meta_columns)
    types = MENTION_TYPES + tuple(meta_type(state.meta_kinds[key]) for key in meta_keys)
    work = state.work
    table = EntityTable()
    mentions_tmp = work / f"mentions{suffix}"
    with TableWriter(mentions_tmp, columns, format=format, types=types) as writer, state.mentions_path.open("rb") as parts:
        for line in parts:
            item = json.loads(line)
            doc_id = item["id"]
            meta = item["meta"]
            meta_values = [meta.get(key) for key in meta_keys]
            for start, end, text, label, entity_id, canonical, score, method, key, counted in item["m"]:
                if key is not None:
                    decided = final.get((key, label))
                    if decided is not None:
                        entity_id, canonical = decided.entity_id, decided.canonical
                        if counted:  # a coreferent mention keeps its own score and method
                            score, method = decided.score, decided.method
                if not entity_id:  # a label the resolver does not handle
                    entity_id = f"new:{label.lower()}:{text}"
                record = MentionRecord(doc_id, start, end, text, label, entity_id, canonical, score, method)
                table.add(record)
                writer.write((*record, *meta_values))
    entities_tmp = work / f"entities{suffix}"
    write_entities(entities_tmp, table.rows(), format=format)
    errors_tmp = work / "errors.jsonl"
    shutil.copyfile(state.errors_path, errors_tmp)
    files = {}
    for name, path in (("mentions", mentions_tmp), ("entities", entities_tmp), ("errors", errors_tmp)):
        target = out / path.name
        os.replace(path, target)
        files[name] = target
    _fsync_dir(out)
    return files, len(table)


def _cluster(resolver, forms: dict[tuple[str, str], int]) -> dict[tuple[str, str], Any]:
    """The final :class:`~entitykit.resolver.Resolution` of each unknown ``(text, label)``."""
    if not forms:
        return {}
    return resolver.cluster_forms((text, label, count) for (text, label), count in forms.items())


def _matched_getter() -> Callable[[Any], str | None]:
    from spacy.tokens import Span

    if Span.has_extension("matched"):
        return lambda ent: ent._.matched
    return lambda ent: None
