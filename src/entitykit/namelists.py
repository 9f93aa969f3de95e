"""Name lists: read mention records (JSONL), resolve them all at once, write them back.

The engine behind ``entitykit cluster`` and ``entitykit evaluate clusters``. Each input line is an
object with ``"text"`` and ``"label"``, optionally ``"doc"`` (mentions sharing it are one
document, so in-document coreference applies) and ``"context"``; other keys pass through.

>>> rows = list(read_mentions(['{"text": "OVKS", "label": "ORG", "page": 3}'], source="names.jsonl"))
>>> rows[0].mention
Mention(text='OVKS', label='ORG', doc=None, context=None)
>>> rows[0].record["page"], rows[0].line
(3, 1)
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, NamedTuple

from .aliases import LABELS
from .errors import InputError
from .inputs import text_lines
from .mentions import Mention


class MentionRow(NamedTuple):
    """One input line: the parsed object, the mention built from it, its line number."""

    record: dict
    mention: Mention
    line: int


def read_mentions(lines: Iterable[str], *, source: str = "<input>") -> Iterator[MentionRow]:
    """Parse JSONL mention records; blank lines are skipped.

    Raises :class:`~entitykit.errors.InputError` naming ``source`` and the line for malformed
    JSON, a line that is not an object, a missing or empty ``text``, or an unknown ``label``.

    >>> next(read_mentions(['{"text": "Minsk", "label": "LOC", "doc": 7}'])).mention.doc
    '7'
    """
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"{where}: not valid JSON ({error.msg} at column {error.colno})") from None
        if not isinstance(record, dict):
            raise InputError(f"{where}: expected a JSON object with \"text\" and \"label\", got {type(record).__name__}")
        text, label = record.get("text"), record.get("label")
        if not isinstance(text, str) or not text.strip():
            raise InputError(f"{where}: \"text\" must be a non-empty string, got {text!r}")
        if label not in LABELS:
            raise InputError(f"{where}: \"label\" must be one of {', '.join(LABELS)}, got {label!r}")
        doc, context = record.get("doc"), record.get("context")
        if doc is not None and not isinstance(doc, (str, int)):
            raise InputError(f"{where}: \"doc\" must be a string or an integer, got {doc!r}")
        if context is not None and not isinstance(context, str):
            raise InputError(f"{where}: \"context\" must be a string, got {context!r}")
        mention = Mention(text, label, doc=None if doc is None else str(doc), context=context)
        yield MentionRow(record, mention, number)


def cluster_records(rows: Sequence[MentionRow], resolver) -> list[dict]:
    """Resolve all ``rows`` together; each input object plus ``entity_id``, ``canonical``,
    ``score`` (0-100) and ``method``, in input order.

    >>> rows = read_mentions(['{"text": "Tasmagambetow", "label": "PER"}', '{"text": "Tasmagambetov", "label": "PER"}'])
    >>> from entitykit.resolver import Resolver
    >>> first, second = cluster_records(list(rows), Resolver())
    >>> first["entity_id"] == second["entity_id"]
    True
    """
    results = resolver.resolve_mentions([row.mention for row in rows])
    output = []
    for row, result in zip(rows, results):
        record = dict(row.record)
        record.update(
            entity_id=result.entity_id, canonical=result.canonical, score=round(float(result.score), 2), method=result.method
        )
        output.append(record)
    return output


def cluster_jsonl(
    source: str | Path,
    destination: str | Path,
    *,
    aliases: Iterable[str | Path] = (),
    default_aliases: bool = True,
    force: bool = False,
) -> int:
    """Resolve the mention records of ``source`` and write them to ``destination`` (JSONL;
    ``"-"`` is stdin / stdout). Returns the number of records written.

    Refuses to overwrite an existing ``destination`` unless ``force``. Unknown names are
    clustered across the whole input, so variants merge with no registry at all.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "names.jsonl").write_text('{"text": "OVKAS", "label": "ORG", "page": 1}\\n', encoding="utf-8")
    >>> cluster_jsonl(folder / "names.jsonl", folder / "out.jsonl")
    1
    >>> (folder / "out.jsonl").read_text(encoding="utf-8")
    '{"text": "OVKAS", "label": "ORG", "page": 1, "entity_id": "org:ovks", "canonical": "Organisation des Vertrags über kollektive Sicherheit", "score": 85.0, "method": "acronym"}\\n'
    """
    if str(destination) != "-":
        out = Path(destination)
        if str(source) != "-" and out.exists() and out.resolve() == Path(source).resolve():
            raise InputError(f"{destination}: output would overwrite the input; choose another --out")
        if out.exists() and not force:
            raise InputError(f"{destination} exists; use --force to overwrite it")
        if not out.parent.is_dir():
            raise InputError(f"{out.parent}: no such directory for --out")
    from .resolver import Resolver

    resolver = Resolver.from_aliases(aliases, default_aliases=default_aliases)
    rows = list(read_mentions(text_lines(source), source=str(source)))
    records = cluster_records(rows, resolver)
    if str(destination) == "-":
        _write_jsonl(sys.stdout, records)
    else:
        with Path(destination).open("w", encoding="utf-8") as stream:
            _write_jsonl(stream, records)
    return len(records)


def _write_jsonl(stream: IO[str], records: Iterable[dict]) -> None:
    for record in records:
        stream.write(json.dumps(record, ensure_ascii=False) + "\n")
