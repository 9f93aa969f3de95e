"""From spaCy ``Doc`` objects to tables: mention records, the per-entity summary, and writers
for JSONL, CSV and Parquet.

A mention record is one entity mention with its canonical entity; an entity row sums up all
mentions of one canonical entity with its spelling variants.

>>> rows = summarize([
...     MentionRecord("a", 0, 11, "Wolfowitsch", "PER", "wolfowitsch", "Alexander Wolfowitsch", 100.0, "new"),
...     MentionRecord("a", 40, 51, "Wolfowutsch", "PER", "wolfowitsch", "Alexander Wolfowitsch", 91.0, "cluster"),
...     MentionRecord("b", 3, 14, "Wolfowitsch", "PER", "wolfowitsch", "Alexander Wolfowitsch", 100.0, "new"),
... ])
>>> rows[0].mentions, rows[0].documents, rows[0].variants
(3, 2, {'Wolfowitsch': 2, 'Wolfowutsch': 1})
"""

from __future__ import annotations

import csv
import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from .errors import InputError, MissingDependencyError

FORMATS = ("jsonl", "csv", "parquet")
MENTION_COLUMNS = ("doc_id", "start_char", "end_char", "text", "label", "entity_id", "canonical", "score", "method")
ENTITY_COLUMNS = ("entity_id", "canonical", "label", "mentions", "documents", "variants")
# Column types for Parquet: string, int, float, bool, json (any JSON value, stored as text)
# and variants ({text: count}, written in every format as a list of {"text", "count"}, most
# frequent first: Parquet structs, JSONL objects, CSV the JSON text of that list).
MENTION_TYPES = ("string", "int", "int", "string", "string", "string", "string", "float", "string")
ENTITY_TYPES = ("string", "string", "string", "int", "int", "variants")
INT64_RANGE = (-(2**63), 2**63 - 1)
# A CSV cell starting with one of these is a formula to Excel/LibreOffice (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class MentionRecord:
    """One entity mention: where it is, what it says, which canonical entity it names.

    ``start_char``/``end_char`` are character offsets into the document text; ``score`` is
    0-100; ``method`` says how the entity was decided (exact, alias, fuzzy, acronym, translit,
    coref, cluster, new), ``None`` when the pipeline has no resolver; ``matched`` is the alias
    or variant that decided it (``ent._.matched``). The output tables have the columns
    :data:`MENTION_COLUMNS`: everything but ``matched`` (see :meth:`row` and :meth:`as_dict`).

    >>> record = MentionRecord("a", 0, 11, "Lukaschenko", "PER", "per:alexander-lukaschenko",
    ...                        "Alexander Lukaschenko", 100.0, "alias", matched="Lukaschenko")
    >>> record.row()[-2:], "matched" in record.as_dict()
    ((100.0, 'alias'), False)
    """

    doc_id: str
    start_char: int
    end_char: int
    text: str
    label: str
    entity_id: str
    canonical: str
    score: float | None
    method: str | None
    matched: str | None = None

    def row(self) -> tuple:
        """The values of the output columns (:data:`MENTION_COLUMNS`), in their order."""
        return (self.doc_id, self.start_char, self.end_char, self.text, self.label, self.entity_id,
                self.canonical, self.score, self.method)

    def as_dict(self) -> dict[str, Any]:
        """The output columns (:data:`MENTION_COLUMNS`) and their values, as ``extract --json`` prints them."""
        return dict(zip(MENTION_COLUMNS, self.row()))


class EntityRow(NamedTuple):
    """One canonical entity: its mention and document counts and every spelling seen,
    ``variants`` mapping each surface form to its count (most frequent first)."""

    entity_id: str
    canonical: str
    label: str
    mentions: int
    documents: int
    variants: dict[str, int]


def doc_mentions(doc, doc_id: str | None = None) -> list[MentionRecord]:
    """The mention records of a processed ``Doc``, in text order.

    The entity comes from ``ent.kb_id_`` and ``ent._.canonical/_.score/_.method/_.matched`` (set
    by the ``entitykit_resolver`` component); an entity without them is its own text.

    >>> import spacy
    >>> nlp = spacy.blank("de")
    >>> doc = nlp("Gespräch in Minsk")
    >>> doc.ents = [doc.char_span(12, 17, label="LOC", kb_id="minsk")]
    >>> doc_mentions(doc, "d1")[0]
    MentionRecord(doc_id='d1', start_char=12, end_char=17, text='Minsk', label='LOC', entity_id='minsk', canonical='Minsk', score=None, method=None, matched=None)
    """
    from spacy.tokens import Span

    extras = [name for name in ("canonical", "score", "method", "matched") if Span.has_extension(name)]
    records = []
    for ent in doc.ents:
        values = {name: getattr(ent._, name) for name in extras}
        score = values.get("score")
        records.append(
            MentionRecord(
                doc_id,
                ent.start_char,
                ent.end_char,
                ent.text,
                ent.label_,
                ent.kb_id_,
                values.get("canonical") or ent.text,
                None if score is None else float(score),
                values.get("method"),
                values.get("matched"),
            )
        )
    return records


class EntityTable:
    """Accumulates the per-entity summary from a stream of mention records.

    Memory is one entry per entity and variant, not per mention. Documents are counted by
    changes of ``doc_id``, so the mentions of a document must come together (as
    :func:`doc_mentions` and :func:`entitykit.extract` give them).

    >>> table = EntityTable()
    >>> table.add(MentionRecord("a", 0, 4, "OVKS", "ORG", "ovks", "OVKS", 100.0, "exact"))
    >>> table.add(MentionRecord("a", 9, 14, "OVKAS", "ORG", "ovks", "OVKS", 88.9, "fuzzy"))
    >>> [(row.entity_id, row.mentions, row.documents) for row in table.rows()]
    [('ovks', 2, 1)]
    """

    def __init__(self) -> None:
        # entity id -> [canonical, label counts, variant counts, mentions, documents, last doc]
        self._entities: dict[str, list] = {}

    def __len__(self) -> int:
        return len(self._entities)

    def add(self, record: MentionRecord) -> None:
        """Count one mention."""
        entry = self._entities.get(record.entity_id)
        if entry is None:
            entry = self._entities[record.entity_id] = [record.canonical, Counter(), Counter(), 0, 0, object()]
        entry[1][record.label] += 1
        entry[2][record.text] += 1
        entry[3] += 1
        if entry[5] != record.doc_id:
            entry[4] += 1
            entry[5] = record.doc_id

    def rows(self) -> list[EntityRow]:
        """One row per entity, most mentioned first (ties: more documents, then canonical)."""
        rows = []
        for entity_id, (canonical, labels, variants, mentions, documents, _) in self._entities.items():
            label = labels.most_common(1)[0][0]
            ordered = dict(sorted(variants.items(), key=lambda item: (-item[1], item[0])))
            rows.append(EntityRow(entity_id, canonical, label, mentions, documents, ordered))
        rows.sort(key=lambda row: (-row.mentions, -row.documents, row.canonical, row.entity_id))
        return rows


def summarize(records: Iterable[MentionRecord]) -> list[EntityRow]:
    """The per-entity summary of mention records (see :class:`EntityTable`).

    >>> summarize([MentionRecord("a", 0, 5, "Minsk", "LOC", "minsk", "Minsk", 100.0, "exact")])[0].canonical
    'Minsk'
    """
    table = EntityTable()
    for record in records:
        table.add(record)
    return table.rows()


# --- writers -----------------------------------------------------------------------------


def output_suffix(format: str) -> str:
    """The file suffix for an output format; raises :class:`InputError` for unknown ones.

    >>> output_suffix("parquet")
    '.parquet'
    """
    if format not in FORMATS:
        raise InputError(f"unknown output format {format!r}; use one of {', '.join(FORMATS)}")
    return f".{format}"


class TableWriter:
    """Writes rows (sequences in ``columns`` order) to a JSONL, CSV or Parquet file.

    ``types`` gives each column's type for Parquet (see ``MENTION_TYPES``); JSONL and CSV
    ignore it, except that ``variants`` (``{text: count}``) are written as a list of
    ``{"text", "count"}`` everywhere and CSV writes ``json`` and ``variants`` values as JSON
    text. CSV text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``,
    ``-``, ``@``, tab or carriage return) get a leading ``'``, as OWASP recommends.
    Repeated column names get ``meta_`` in front until unique (:attr:`columns` has the names
    written). ``stored_as_text`` maps each Parquet column whose numbers were written as text (an integer
    beyond 64 bits, or numbers mixed with other values) to the reason. Use as a context manager;
    the file is complete only after :meth:`close`.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> with TableWriter(path, ("text", "count"), format="csv") as writer:
    ...     writer.write(("Minsk", 2))
    >>> path.read_text(encoding="utf-8").splitlines()
    ['text,count', 'Minsk,2']
    """

    parquet_rows = 65_536  # rows per Parquet row group

    def __init__(
        self,
        path: str | Path,
        columns: Sequence[str],
        *,
        format: str = "jsonl",
        types: Sequence[str] | None = None,
    ) -> None:
        output_suffix(format)
        self.path = Path(path)
        # A second column of one name would overwrite the first in JSONL and break Parquet;
        # callers make names unique first (meta_column_names for document metadata).
        repeated = sorted({column for column in columns if list(columns).count(column) > 1})
        if repeated:
            raise ValueError(f"repeated column name(s) {', '.join(repeated)}; make them unique with meta_column_names()")
        self.columns = tuple(columns)
        self.stored_as_text: dict[str, str] = {}
        self.format = format
        self.types = tuple(types) if types is not None else ("json",) * len(self.columns)
        if len(self.types) != len(self.columns):
            raise InputError(f"{len(self.types)} column types for {len(self.columns)} columns")
        self.rows = 0
        self._pending: list[Sequence[Any]] = []
        self._parquet = None
        if format == "parquet":
            self._schema = _arrow_schema(self.columns, self.types)
            import pyarrow.parquet as pq

            self._parquet = pq.ParquetWriter(str(self.path), self._schema)
            self._file = None
        else:
            self._file = self.path.open("w", encoding="utf-8", newline="")
            if format == "csv":
                self._csv = csv.writer(self._file)
                self._csv.writerow(self.columns)
                self._text_columns = [i for i, kind in enumerate(self.types) if kind in ("json", "variants")]
            self._variant_columns = [i for i, kind in enumerate(self.types) if kind == "variants"]

    def __enter__(self) -> "TableWriter":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def write(self, row: Sequence[Any]) -> None:
        """Append one row."""
        self.rows += 1
        if self.format != "parquet" and self._variant_columns:
            row = list(row)
            for i in self._variant_columns:
                row[i] = variant_list(row[i])
        if self.format == "jsonl":
            self._file.write(json.dumps(dict(zip(self.columns, row)), ensure_ascii=False) + "\n")
        elif self.format == "csv":
            row = list(row)
            for i in self._text_columns:
                value = row[i]
                if value is not None and not isinstance(value, str):
                    row[i] = json.dumps(value, ensure_ascii=False)
            self._csv.writerow([csv_safe(value) for value in row])
        else:
            self._pending.append(row)
            if len(self._pending) >= self.parquet_rows:
                self._flush_parquet()

    def _flush_parquet(self) -> None:
        import pyarrow as pa

        if not self._pending:
            return
        arrays = []
        for i, (kind, field) in enumerate(zip(self.types, self._schema)):
            values = [row[i] for row in self._pending]
            if kind == "json":
                reason = _text_reason(values)
                if reason and field.name not in self.stored_as_text:
                    self.stored_as_text[field.name] = reason
                values = [v if v is None or isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in values]
            elif kind == "variants":
                values = [variant_list(v) for v in values]
            arrays.append(pa.array(values, type=field.type))
        self._parquet.write_table(pa.Table.from_arrays(arrays, schema=self._schema))
        self._pending = []

    def close(self) -> None:
        """Finish the file (write the last Parquet row group, flush and sync to disk)."""
        if self._parquet is not None:
            self._flush_parquet()
            self._parquet.close()
            self._parquet = None
        elif self._file is not None and not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()


def _text_reason(values: Sequence[Any]) -> str | None:
    """Why numbers in a ``json`` column are written as text, if there are numbers."""
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if not numbers:
        return None
    low, high = INT64_RANGE
    if any(isinstance(v, int) and not low <= v <= high for v in numbers):
        return "integers beyond the 64-bit range, stored as text"
    return "numbers mixed with other values, stored as JSON text"


def variant_list(variants: Any) -> list[dict[str, Any]] | None:
    """The one shape of a ``variants`` cell: a list of ``{"text", "count"}``, most frequent
    first (ties by text), from ``{text: count}`` or from that list itself.

    >>> variant_list({"OVKAS": 1, "OVKS": 2})
    [{'text': 'OVKS', 'count': 2}, {'text': 'OVKAS', 'count': 1}]
    """
    if variants is None:
        return None
    if isinstance(variants, dict):
        variants = [{"text": text, "count": count} for text, count in variants.items()]
    return sorted(({"text": item["text"], "count": item["count"]} for item in variants),
                  key=lambda item: (-item["count"], item["text"]))


def csv_safe(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run as a formula: text starting with ``=``, ``+``,
    ``-``, ``@``, tab or carriage return gets a leading ``'`` (OWASP's advice); other values
    are left as they are.

    >>> csv_safe("=SUMME(A1)"), csv_safe("-Minsk"), csv_safe("Minsk"), csv_safe(-3)
    ("'=SUMME(A1)", "'-Minsk", 'Minsk', -3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def meta_column_names(meta_keys: Sequence[str], taken: Sequence[str] = MENTION_COLUMNS) -> list[str]:
    """Unique output column names for metadata keys: a key that is an output column's name
    (``taken``) gets ``meta_`` in front, again until the name is used by no column and no other
    key, so ``doc_id`` and ``meta_doc_id`` both keep their values.

    >>> meta_column_names(["doc_id", "meta_doc_id", "date"])
    ['meta_meta_doc_id', 'meta_doc_id', 'date']
    """
    used = set(taken) | set(meta_keys)
    names = []
    for key in meta_keys:
        name = key
        if key in taken:
            name = f"meta_{key}"
            while name in used:
                name = f"meta_{name}"
            used.add(name)
        names.append(name)
    return names


def _arrow_schema(columns: Sequence[str], types: Sequence[str]):
    try:
        import pyarrow as pa
    except ImportError:
        raise MissingDependencyError("Parquet needs pyarrow; pip install 'entitykit[parquet]'") from None
    kinds = {
        "string": pa.string(),
        "json": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "variants": pa.list_(pa.struct([("text", pa.string()), ("count", pa.int64())])),
    }
    return pa.schema([(column, kinds[kind]) for column, kind in zip(columns, types)])


def write_mentions(
    path: str | Path, records: Iterable[MentionRecord], *, format: str = "jsonl"
) -> int:
    """Write mention records to ``path``; returns the number of rows.

    >>> import tempfile, pathlib, json
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "mentions.jsonl"
    >>> write_mentions(path, [MentionRecord("a", 0, 5, "Minsk", "LOC", "minsk", "Minsk", 100.0, "exact")])
    1
    >>> json.loads(path.read_text(encoding="utf-8"))["entity_id"]
    'minsk'
    """
    with TableWriter(path, MENTION_COLUMNS, format=format, types=MENTION_TYPES) as writer:
        for record in records:
            writer.write(record.row())
    return writer.rows


def write_entities(path: str | Path, rows: Iterable[EntityRow], *, format: str = "jsonl") -> int:
    """Write entity rows (from :func:`summarize`) to ``path``; returns the number of rows.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "entities.csv"
    >>> write_entities(path, [EntityRow("ovks", "OVKS", "ORG", 3, 2, {"OVKS": 2, "OVKAS": 1})], format="csv")
    1
    >>> path.read_text(encoding="utf-8").splitlines()[1]
    'ovks,OVKS,ORG,3,2,"[{""text"": ""OVKS"", ""count"": 2}, {""text"": ""OVKAS"", ""count"": 1}]"'
    """
    with TableWriter(path, ENTITY_COLUMNS, format=format, types=ENTITY_TYPES) as writer:
        for row in rows:
            writer.write(row)
    return writer.rows


def meta_type(kinds_seen: Iterable[str]) -> str:
    """The column type for a metadata key from the kinds of value seen (see :func:`value_kind`):
    one kind keeps it, ints and floats make float, anything else mixed is ``json``; an integer
    beyond 64 bits (``bigint``) makes ``json``, stored as the number's text in Parquet (see
    :attr:`TableWriter.stored_as_text`).

    >>> meta_type({"int", "float"}), meta_type({"string"}), meta_type({"string", "int"}), meta_type({"int", "bigint"})
    ('float', 'string', 'json', 'json')
    """
    kinds = set(kinds_seen)
    if "bigint" in kinds:
        return "json"
    if len(kinds) == 1:
        return next(iter(kinds))
    if kinds == {"int", "float"}:
        return "float"
    return "string" if not kinds else "json"


def value_kind(value: Any) -> str | None:
    """The kind of a metadata value for :func:`meta_type` (``None`` for a missing value).

    >>> value_kind(True), value_kind(3), value_kind(2**64), value_kind("x"), value_kind([1])
    ('bool', 'int', 'bigint', 'string', 'json')
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int" if INT64_RANGE[0] <= value <= INT64_RANGE[1] else "bigint"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    return "json"
