"""Batch inputs, read one document at a time: :func:`check_inputs`, :func:`read_records`, and the
one reader of UTF-8 / JSONL lines (:func:`iter_lines`, :func:`read_jsonl`, :func:`text_lines`).

Inputs are a directory of ``.txt`` files (recursive, the file path is the document id),
``.jsonl`` / ``.jsonl.gz`` and ``.parquet`` records, ``.csv`` / ``.tsv`` tables, and ``-`` for
stdin (JSON lines if the first line starts with ``{``, else one document per line). Fields
other than the text and the id (date, source, url...) are carried along as metadata.

A document that cannot be used (undecodable, binary, empty, too long, malformed) becomes a
:class:`Record` with an ``error`` instead of a text. Nothing here imports spaCy.

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
import json
import os
import sys
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
import itertools
from itertools import chain
from pathlib import Path
from typing import IO, Any, Callable, Literal, NamedTuple

from .errors import InputError, MissingDependencyError

MAX_CHARS = 1_000_000  # spaCy's default nlp.max_length
INPUT_TYPES = "a directory of .txt files, .txt, .jsonl, .jsonl.gz, .csv, .tsv, .parquet, or '-' for stdin"
InputKind = Literal["dir", "txt", "jsonl", "csv", "tsv", "parquet", "stdin"]
_BOM = b"\xef\xbb\xbf"


# --- UTF-8 and JSON lines: one reader, one wording of its errors -------------------------


class LineError(ValueError):
    """A line that is not UTF-8 or not JSON; the message is the reason, without file or line."""


class Line(NamedTuple):
    """One line of a file: its number (from 1), the byte offset where it starts, its bytes.

    >>> line = Line(2, 10, b'{"text": "Gr\\xfc\\xdfe"}\\n')
    >>> line.text()
    Traceback (most recent call last):
    ...
    entitykit.inputs.LineError: not UTF-8 at byte 22; convert the file to UTF-8
    >>> Line(1, 0, b'{"text": "Minsk"\\n').json()
    Traceback (most recent call last):
    ...
    entitykit.inputs.LineError: not valid JSON (Expecting ',' delimiter at column 17)
    """

    number: int
    offset: int
    data: bytes

    @property
    def blank(self) -> bool:
        """Whether the line holds only whitespace."""
        return not self.data.strip()

    def text(self) -> str:
        """The line decoded as UTF-8, without its line break; :class:`LineError` if it is not UTF-8."""
        try:
            return self.data.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as error:
            raise LineError(f"not UTF-8 at byte {self.offset + error.start}; convert the file to UTF-8") from None

    def json(self) -> Any:
        """The JSON value on the line; :class:`LineError` if it is not UTF-8 or not JSON."""
        text = self.text()
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise LineError(f"not valid JSON ({error.msg} at column {error.colno})") from None


def iter_lines(path: str | Path | IO[bytes]) -> Iterator[Line]:
    """Every line of a file (``.gz``: decompressed; ``-``: stdin; or an open byte stream), blank
    ones included, with the byte offsets that error messages name. A UTF-8 byte order mark
    opening the file is skipped. Decoding is left to :meth:`Line.text` / :meth:`Line.json`, so
    lines that are skipped cost nothing.

    >>> import io
    >>> [(line.number, line.offset, line.text()) for line in iter_lines(io.BytesIO(b"\\xef\\xbb\\xbfMinsk\\n\\nMoskau\\n"))]
    [(1, 3, 'Minsk'), (2, 9, ''), (3, 10, 'Moskau')]
    """
    if isinstance(path, (str, Path)):
        if str(path) == "-":
            yield from iter_lines(sys.stdin.buffer)
            return
        path = Path(path)
        with gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb") as handle:
            yield from iter_lines(handle)
        return
    offset = 0
    for number, data in enumerate(path, 1):
        start = offset
        offset += len(data)
        if number == 1 and data.startswith(_BOM):
            data, start = data[len(_BOM):], start + len(_BOM)
        yield Line(number, start, data)


def read_jsonl(path: str | Path, *, error: Callable[[str], Exception] = InputError) -> Iterator[tuple[int, Any]]:
    """``(line number, value)`` for each non-blank line of a JSONL file (``.gz`` too, ``-``: stdin).

    A line that is not UTF-8 or not JSON raises ``error`` (default :class:`InputError`) naming
    the file and line: ``file:line: reason``.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "names.jsonl"
    >>> _ = path.write_text('{"text": "Minsk"}\\n\\n{"text": "Moskau"\\n', encoding="utf-8")
    >>> reader = read_jsonl(path)
    >>> next(reader)
    (1, {'text': 'Minsk'})
    >>> next(reader)
    Traceback (most recent call last):
    ...
    entitykit.errors.InputError: ...names.jsonl:3: not valid JSON (Expecting ',' delimiter at column 18)
    """
    for line in _existing_lines(path, error):
        if not line.blank:
            try:
                yield line.number, line.json()
            except LineError as reason:
                raise error(f"{path}:{line.number}: {reason}") from None


def text_lines(path: str | Path, *, error: Callable[[str], Exception] = InputError) -> Iterator[str]:
    """Every line of a UTF-8 file as text without its line break (``-``: stdin), blank ones
    included; a line that is not UTF-8 raises ``error`` naming the file, line and byte.

    >>> list(text_lines("/no/such/file.jsonl"))
    Traceback (most recent call last):
    ...
    entitykit.errors.InputError: /no/such/file.jsonl: no such file; give a JSONL file or '-' for stdin
    """
    for line in _existing_lines(path, error):
        try:
            yield line.text()
        except LineError as reason:
            raise error(f"{path}:{line.number}: {reason}") from None


def _existing_lines(path: str | Path, error: Callable[[str], Exception]) -> Iterator[Line]:
    if str(path) != "-" and not Path(path).is_file():
        raise error(f"{path}: no such file; give a JSONL file or '-' for stdin")
    return iter_lines(path)


# --- batch inputs --------------------------------------------------------------------------


class Record(NamedTuple):
    """One input document: its id, text and metadata, and where it came from (``source``,
    e.g. ``news.jsonl line 3``). A bad document has ``text=None`` and the reason in ``error``."""

    doc_id: str
    text: str | None
    meta: dict[str, Any]
    source: str
    error: str | None = None


class Source(NamedTuple):
    """A checked input (see :func:`check_inputs`): its kind and its path (``None`` for stdin)."""

    kind: InputKind
    path: Path | None


def input_kind(path: str | Path) -> InputKind:
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


def check_inputs(inputs: Sequence[str | Path], *, text_key: str = "text") -> list[Source]:
    """Check that every input exists and can be read, before any work; returns their
    :class:`Source` records, which :func:`read_records` and :func:`count_records` take as they are.

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
            sources.append(Source("stdin", None))
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
        sources.append(Source(kind, path))
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


def check_text_key(sources: Sequence[Source], text_key: str, stdin: IO[bytes] | None) -> Any:
    """Refuse a ``text_key`` that the first record of a JSONL input (or of JSON lines on stdin)
    lacks, before any output. Returns the stdin to read from then (its first lines were read)."""
    for source in sources:
        if source.kind == "jsonl":
            lines = iter_lines(source.path)
            try:
                first = next(((line.number, line.data) for line in lines if not line.blank), None)
            except (OSError, EOFError, ValueError, zlib.error):
                continue  # a broken .gz: reported in errors.jsonl by the run
            finally:
                lines.close()
            _check_first_record(source.path.as_posix(), first, text_key)
        elif source.kind == "stdin":
            stream = stdin if stdin is not None else sys.stdin.buffer
            peeked = []
            for data in stream:
                peeked.append(data)
                if data.strip():
                    break
            first = (len(peeked), peeked[-1].removeprefix(b"\xef\xbb\xbf")) if peeked and peeked[-1].strip() else None
            if first is not None and first[1].lstrip().startswith(b"{"):
                _check_first_record("<stdin>", first, text_key)
            stdin = itertools.chain(peeked, stream)
    return stdin


def _check_first_record(display: str, first: tuple[int, bytes] | None, text_key: str) -> None:
    if first is None:
        return
    number, data = first
    try:
        value = json.loads(data)
    except ValueError:
        return  # a bad line: reported in errors.jsonl
    if isinstance(value, dict) and text_key not in value:
        raise InputError(f"{display} line {number}: {_no_text_field(value, text_key)}")


def _no_text_field(value: Mapping[str, Any], text_key: str) -> str:
    fields = ", ".join(map(str, value)) or "none"
    return f"no {text_key!r} field (fields: {fields}); choose the text field with --text-key"


def read_records(
    inputs: Sequence[str | Path] | Sequence[Source],
    *,
    text_key: str = "text",
    id_key: str = "id",
    max_chars: int = MAX_CHARS,
    stdin: IO[bytes] | None = None,
    skip: int = 0,
) -> Iterator[Record]:
    """Stream the documents of ``inputs`` in a fixed order, bad ones as error records.

    ``inputs`` are paths (checked now with :func:`check_inputs`, not at the first ``next()``) or
    the sources it returned. Directories are walked in sorted order; ``skip`` leaves out the
    first ``skip`` records without reading their text (how a resumed run catches up). ``stdin``
    is the byte stream read for ``-`` (default: ``sys.stdin.buffer``). Documents longer than
    ``max_chars`` characters are errors, as are empty ones.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "news.jsonl"
    >>> _ = path.write_text('{"id": "a1", "text": "Minsk"}\\n{"id": "a2", "text": ""}\\n', encoding="utf-8")
    >>> [(record.doc_id, record.error) for record in read_records([path])]
    [('a1', None), ('a2', 'empty document')]
    """
    sources = _checked(inputs, text_key)
    options = {"text_key": text_key, "id_key": id_key, "max_chars": max_chars}
    items = chain.from_iterable(_read_source(source, stdin, options) for source in sources)
    return _records_after(items, skip)


def _checked(inputs: Sequence[str | Path] | Sequence[Source], text_key: str) -> list[Source]:
    if inputs and all(isinstance(source, Source) for source in inputs):
        return list(inputs)
    return check_inputs(inputs, text_key=text_key)


def _records_after(items: Iterator[Record | Callable[[], Record]], skip: int) -> Iterator[Record]:
    for ordinal, item in enumerate(items):
        if ordinal >= skip:
            yield item() if callable(item) else item


def count_records(inputs: Sequence[str | Path] | Sequence[Source], *, text_key: str = "text") -> int | None:
    """How many records ``inputs`` (paths or :func:`check_inputs` sources) hold, for a progress
    bar; ``None`` for stdin.

    Cheap for directories and Parquet; JSONL and CSV are read once without parsing the texts.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "news.jsonl"
    >>> _ = path.write_text('{"text": "Minsk"}\\n\\n{"text": "Moskau"}\\n', encoding="utf-8")
    >>> count_records([path]), count_records(["-"])
    (2, None)
    """
    total = 0
    for source in _checked(inputs, text_key):
        if source.kind == "stdin":
            return None
        if source.kind == "dir":
            total += sum(1 for _ in _dir_items(source.path, MAX_CHARS))
        elif source.kind == "txt":
            total += 1
        elif source.kind == "parquet":
            import pyarrow.parquet as pq

            total += pq.ParquetFile(source.path).metadata.num_rows
        elif source.kind == "jsonl":
            try:
                total += sum(1 for line in iter_lines(source.path) if not line.blank)
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


def _read_source(source: Source, stdin: IO[bytes] | None, options: dict) -> Iterator[Record | Callable[[], Record]]:
    if source.kind == "dir":
        return _dir_items(source.path, options["max_chars"])
    if source.kind == "txt":
        return iter([partial(_txt_record, source.path, options["max_chars"])])
    if source.kind == "jsonl":
        return _jsonl_items(source.path, options)
    if source.kind in ("csv", "tsv"):
        return _csv_records(source.path, "\t" if source.kind == "tsv" else ",", options)
    if source.kind == "parquet":
        return _parquet_records(source.path, options)
    return _stdin_items(stdin if stdin is not None else sys.stdin.buffer, options)


def _walk_txt(root: Path, onerror: Callable[[OSError], None] | None = None) -> Iterator[Path]:
    # os.walk streams one directory at a time; sorting makes the order (and resume) stable.
    # Folder symlinks are not followed (os.walk's default); file symlinks are yielded and
    # judged by _dir_items.
    for folder, dirs, files in os.walk(root, onerror=onerror):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        for name in sorted(files):
            if name.lower().endswith(".txt") and not name.startswith("."):
                yield Path(folder) / name


def _dir_items(root: Path, max_chars: int) -> Iterator[Record | Callable[[], Record]]:
    """The documents of a folder, in walk order, with an error record for each folder that
    cannot be listed (the top one included) and each file symlink that points outside ``root``
    (not read: folder symlinks are not followed either, and a corpus should not reach beyond
    its folder; copy the file in or give it as an input of its own)."""
    unreadable: list[OSError] = []
    inside = root.resolve()
    for path in _walk_txt(root, onerror=unreadable.append):
        yield from _folder_errors(unreadable)
        if path.is_symlink() and not _is_within(path.resolve(), inside):
            doc_id = path.as_posix()
            yield _bad(doc_id, doc_id, f"symlink to {path.resolve().as_posix()}, outside the input folder; not read "
                       "(copy the file into the folder or give it as an input of its own)")
        else:
            yield partial(_txt_record, path, max_chars)
    yield from _folder_errors(unreadable)


def _folder_errors(unreadable: list[OSError]) -> Iterator[Record]:
    while unreadable:
        error = unreadable.pop(0)
        folder = Path(error.filename or "?").as_posix()
        yield _bad(folder, folder, f"cannot read the folder ({error.strerror or error}); its files were skipped; "
                   "check its permissions")


def _is_within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


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
    if _looks_utf16(data):
        return _bad(doc_id, doc_id, "UTF-16 text, not UTF-8; convert the file to UTF-8 "
                    "(e.g. iconv -f UTF-16 -t UTF-8)")
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


def _looks_utf16(data: bytes) -> bool:
    """Whether bytes are UTF-16: a UTF-16 byte order mark, or (without one) a NUL in every other
    byte of the start, as ASCII letters have in UTF-16.

    >>> _looks_utf16("Minsk".encode("utf-16")), _looks_utf16("Minsk".encode("utf-16-le")), _looks_utf16(b"Minsk")
    (True, True, False)
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = data[:200]
    if len(head) < 4:
        return False
    for zeros in (head[1::2], head[0::2]):  # little-endian, big-endian
        if zeros.count(0) >= 0.9 * len(zeros) and data.count(0) < len(data) // 2 + 2:
            return True
    return False


def _jsonl_items(path: Path, options: dict) -> Iterator[Record | Callable[[], Record]]:
    display = path.as_posix()
    number = 0
    try:
        for line in iter_lines(path):
            number = line.number
            if number == 1 and _looks_utf16(line.data):
                yield _bad(f"{display}:1", f"{display} line 1", "UTF-16 text, not UTF-8; convert the file to UTF-8 "
                           "(e.g. iconv -f UTF-16 -t UTF-8); nothing of it was read")
                return
            if not line.blank:
                yield partial(_jsonl_record, line, display, options)
    except (OSError, EOFError, zlib.error) as error:  # a broken .gz stream
        where = f"{display} line {number + 1}"
        yield _bad(f"{display}:{number + 1}", where, f"unreadable from here on ({error}); the lines before were read")


def _jsonl_record(line: Line, display: str, options: dict) -> Record:
    source = f"{display} line {line.number}"
    fallback_id = f"{display}:{line.number}"
    try:
        value = line.json()
    except LineError as error:
        return _bad(fallback_id, source, str(error))
    if not isinstance(value, dict):
        return _bad(fallback_id, source, f"expected a JSON object, got {type(value).__name__}")
    return record_from_mapping(value, fallback_id, source, **options)


def record_from_mapping(
    value: Mapping[str, Any],
    fallback_id: str,
    source: str,
    *,
    text_key: str = "text",
    id_key: str = "id",
    max_chars: int = MAX_CHARS,
    allow_empty: bool = False,
) -> Record:
    """The :class:`Record` of one JSON object, table row or mapping: the text under ``text_key``,
    the id under ``id_key`` (``fallback_id`` without one), the other fields as metadata.

    >>> record_from_mapping({"id": 7, "text": "Minsk", "date": "2023-01-10"}, "news.jsonl:1", "news.jsonl line 1")
    Record(doc_id='7', text='Minsk', meta={'date': '2023-01-10'}, source='news.jsonl line 1', error=None)
    >>> record_from_mapping({"body": "Minsk"}, "news.jsonl:2", "news.jsonl line 2").error
    "no 'text' field (fields: body); choose the text field with --text-key"
    """
    raw_id = value.get(id_key)
    doc_id = fallback_id if raw_id is None or raw_id == "" else _id_text(raw_id)
    if text_key not in value:
        return _bad(doc_id, source, _no_text_field(value, text_key))
    text = value[text_key]
    if not isinstance(text, str):
        kind = "null" if text is None else f"a {type(text).__name__}"
        return _bad(doc_id, source, f"field {text_key!r} is {kind}, not a string")
    problem = _text_problem(text, max_chars)
    if problem and not (allow_empty and problem == "empty document"):
        return _bad(doc_id, source, problem)
    meta = {str(key): _meta_value(item) for key, item in value.items() if key != text_key and key != id_key}
    return Record(doc_id, text, meta, source)


def _id_text(value: Any) -> str:
    """A document id as text: strings as they are, anything else as its JSON text, so a JSON or
    Parquet number, a boolean or a list reads as it would in JSON, not in Python's spelling.
    Whole floats lose their ``.0`` (pandas stores a column of int ids with a gap as floats).

    >>> _id_text("a1"), _id_text(7), _id_text(7.0), _id_text(2.5), _id_text(True), _id_text(["a", 1])
    ('a1', '7', '7', '2.5', 'true', '["a", 1]')
    """
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    try:
        return json.dumps(_meta_value(value), ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)


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
        consumed: list[str] = []  # the physical lines of the record being read

        def lines() -> Iterator[str]:
            for text in handle:
                consumed.append(text)
                yield text

        reader = csv.reader(lines(), delimiter=delimiter)
        with _field_limit(limit):
            header = next(reader, None)
        if header is None:
            return
        id_index = header.index(options["id_key"]) if options["id_key"] in header else None
        number = 0
        consumed.clear()
        for line, row, error in _csv_rows(reader, limit):
            record_lines, consumed[:] = consumed[:], []
            if row == []:  # a blank line
                continue
            number += 1
            fallback_id, source = f"{display}:{number}", f"{display} line {line}"
            bad_shape = error is not None or len(row) != len(header)
            swallowed = []
            if len(record_lines) > 1 and (bad_shape or not _strict_csv(record_lines, delimiter)):
                swallowed = _swallowed(record_lines[1:], line + 1, header, delimiter, id_index)
            if swallowed or (bad_shape and len(record_lines) > 1):
                # A quote opened and not closed ran over the lines after it: name each record it swallowed.
                head = next(csv.reader([record_lines[0]], delimiter=delimiter), [])
                doc_id = head[id_index] if id_index is not None and id_index < len(head) - 1 and head[id_index] else fallback_id
                ids = ", ".join(row_id or f"line {row_line}" for row_line, row_id in swallowed)
                last = line + len(record_lines) - 1
                yield _bad(doc_id, source,
                           f"unclosed quote: this record runs over lines {line}-{last} and swallowed "
                           f"{len(swallowed)} records ({ids or 'none complete'}); close the quote in line {line} and rerun")
                for row_line, row_id in swallowed:
                    number += 1
                    yield _bad(row_id or f"{display}:{number}", f"{display} line {row_line}",
                               f"not read: swallowed by the unclosed quote in line {line}; close that quote and rerun")
            elif error is not None:
                yield _bad(fallback_id, source, f"malformed CSV ({error})")
            elif len(row) != len(header):
                yield _bad(fallback_id, source, f"{len(row)} fields, the header has {len(header)}")
            elif not all(map(_is_utf8, row)):
                field = next(name for name, cell in zip(header, row) if not _is_utf8(cell))
                yield _bad(fallback_id, source, f"field {field!r} is not UTF-8; convert the file to UTF-8")
            else:
                yield record_from_mapping(dict(zip(header, row)), fallback_id, source, **options)


def _strict_csv(lines: list[str], delimiter: str) -> bool:
    """Whether the lines of one record read as CSV with every quote closed where it should be: a
    field quoted over several lines is fine; a quote that ran on to the end of the file, or closed
    only in a later record's ``"..."``, is not.

    >>> _strict_csv(['a,"Zwei Zeilen\\n', 'in Moskau"\\n'], ","), _strict_csv(['b,"Moskau\\n', 'c,Kiew\\n'], ",")
    (True, False)
    """
    try:
        rows = list(csv.reader(lines, delimiter=delimiter, strict=True))
    except csv.Error:
        return False
    return len(rows) == 1


def _swallowed(lines: list[str], first: int, header: list[str], delimiter: str,
               id_index: int | None) -> list[tuple[int, str | None]]:
    """``(line number, id or None)`` of each line that reads alone as a whole record of the table.

    >>> _swallowed(['2,Moskau,2023\\n', 'zweite Zeile\\n'], 5, ["id", "text", "date"], ",", 0)
    [(5, '2')]
    """
    found = []
    for offset, text in enumerate(lines):
        try:
            row = next(csv.reader([text], delimiter=delimiter), [])
        except csv.Error:
            continue
        if len(row) == len(header):
            found.append((first + offset, (row[id_index] or None) if id_index is not None else None))
    return found


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _parquet_records(path: Path, options: dict) -> Iterator[Record]:
    import pyarrow.parquet as pq

    display = path.as_posix()
    table = pq.ParquetFile(path)
    number = 0  # rows before the current row group
    for group in range(table.num_row_groups):
        size = table.metadata.row_group(group).num_rows
        done = 0
        try:
            for batch in table.iter_batches(row_groups=[group], batch_size=256):
                for row in batch.to_pylist():
                    done += 1
                    yield record_from_mapping(row, f"{display}:{number + done}", f"{display} row {number + done}", **options)
        except Exception as error:  # pyarrow raises OSError, ArrowInvalid... for a damaged row group
            # Like a broken .gz stream: one error record for what is lost, and the rest is read.
            first, last = number + done + 1, number + size
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            yield _bad(
                f"{display}:row-group-{group + 1}",
                f"{display} row group {group + 1} (rows {first}-{last})",
                f"unreadable row group {group + 1} of {table.num_row_groups}: rows {first}-{last} lost ({reason}); "
                "the other row groups were read; rewrite the file from its source",
            )
        number += size


def _stdin_items(stream: IO[bytes], options: dict) -> Iterator[Callable[[], Record]]:
    as_jsonl = None
    for line in iter_lines(stream):
        if line.blank:
            continue
        if as_jsonl is None:  # decided by the first line
            as_jsonl = line.data.lstrip().startswith(b"{")
        read = _jsonl_record if as_jsonl else _line_record
        yield partial(read, line, "<stdin>", options)


def _line_record(line: Line, display: str, options: dict) -> Record:
    doc_id, source = f"-:{line.number}", f"{display} line {line.number}"
    try:
        text = line.text()
    except LineError as error:
        return _bad(doc_id, source, str(error))
    if "\x00" in text:
        return _bad(doc_id, source, "binary data (NUL byte), not text")
    problem = _text_problem(text, options["max_chars"])
    return _bad(doc_id, source, problem) if problem else Record(doc_id, text, {}, source)


# --- what a run read: for resuming only over the same inputs ----------------------------------


def folder_listing(root: str | Path) -> list[list]:
    """``[name, size, mtime_ns]`` for each file a folder input reads, in reading order (names
    relative to ``root``): a resumed run compares it with the interrupted run's.

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "a.txt").write_text("Minsk", encoding="utf-8")
    >>> [(name, size) for name, size, _ in folder_listing(root)]
    [('a.txt', 5)]
    """
    root = Path(root)
    listing = []
    for path in _walk_txt(root):
        try:
            stat = path.stat()
        except OSError:
            listing.append([path.relative_to(root).as_posix(), None, None])
            continue
        listing.append([path.relative_to(root).as_posix(), stat.st_size, stat.st_mtime_ns])
    return listing
