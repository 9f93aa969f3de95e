"""The curation loop: registry records proposed from a finished run, to review and pass back.

:func:`propose_aliases` reads the mentions of an ``entitykit run`` output folder and proposes

- a **new entity** for each unknown cluster (id ``new:…``) with two or more distinct spellings:
  a record with a proper id (``per:alexander-wolfowitsch``, never one the registry or the
  bundled registry already uses), the run's canonical name and the other spellings as aliases;
- **new aliases of a known entity** for each registry entity whose mentions used spellings its
  registry record does not list (matched by a fuzzy, transliteration, acronym or coreference
  rule): a record with the entity's id, its name and only the new spellings.

Each record carries what a reviewer needs under the one key ``evidence`` (which the registry
reader accepts and ignores): ``kind`` (``new`` or ``known``), the run's ``entity_id``,
``mentions`` and ``documents`` (of the whole cluster for a new entity, of the new spellings for a
known one), ``variants`` (the spellings counted, with their counts) and one ``context``
(``doc_id``, offsets, the spelling and a snippet of the text around it, when the run's inputs
can still be read). Records are sorted by mentions, most first.

Reviewed records go back with ``--aliases proposals.jsonl`` (``aliases=[...]`` in Python): a
record whose id the registry already has *adds* its aliases to that entity (the label must
agree), as a later registry file does; the others are new entities. Pass the proposals as a file
of their own, after the registry files the run used. Delete a record, or an alias from it, to
refuse it; nothing is merged until the file is passed back.

A spelling that the registry gives to another entity is never proposed: passed back, it would
make that spelling ambiguous and stop it from resolving at all.
"""

from __future__ import annotations

import csv
import json
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from .errors import InputError, MissingDependencyError
from .mentions import UNREGISTERED_PREFIXES

logger = logging.getLogger("entitykit")

__all__ = ["Proposal", "Context", "propose_aliases", "write_proposals", "EVIDENCE"]

EVIDENCE = "evidence"  # the record key of a proposal's review information (see entitykit.aliases)
SNIPPET_CHARS = 60  # characters of context on each side of a mention
_NEW = UNREGISTERED_PREFIXES  # unknown names and gazetteer places: no registry record yet


class Context(NamedTuple):
    """One mention of a proposal, to judge it by: where it is, its spelling, the text around it
    (``snippet`` is ``None`` when the run's input could not be read again)."""

    doc_id: str
    start_char: int
    end_char: int
    text: str
    snippet: str | None = None


class Proposal(NamedTuple):
    """One registry record to review: a new entity (``kind`` ``new``) or new aliases of a known
    one (``kind`` ``known``), with its counts in the run (see the module docstring).

    >>> proposal = Proposal("new", "new:per:imangali-tasmagambetow", "per:imangali-tasmagambetow", "PER",
    ...                     "Imangali Tasmagambetow", ("Tasmagambetow",), 7, 6,
    ...                     {"Imangali Tasmagambetow": 4, "Tasmagambetow": 3}, None)
    >>> record = proposal.to_record()
    >>> record["id"], record["aliases"], record["evidence"]["mentions"]
    ('per:imangali-tasmagambetow', ['Tasmagambetow'], 7)
    """

    kind: str  # "new" | "known"
    entity_id: str  # the id in the run's tables
    id: str  # the id of the proposed record
    label: str
    name: str
    aliases: tuple[str, ...]
    mentions: int
    documents: int
    variants: dict[str, int]  # spelling -> mentions, most first
    context: Context | None

    def to_record(self) -> dict[str, Any]:
        """The registry record (JSON-ready), review information under ``evidence``."""
        evidence: dict[str, Any] = {
            "kind": self.kind,
            "entity_id": self.entity_id,
            "mentions": self.mentions,
            "documents": self.documents,
            "variants": [{"text": text, "count": count} for text, count in self.variants.items()],
        }
        if self.context is not None:
            evidence["context"] = self.context._asdict()
        return {"id": self.id, "label": self.label, "name": self.name, "aliases": list(self.aliases), EVIDENCE: evidence}


# --- the run folder ----------------------------------------------------------------------


def finished_run(run_dir: str | Path) -> tuple[Path, dict]:
    """The folder and ``run.json`` of a finished ``entitykit run``; raises :class:`InputError`
    naming the folder and saying what to do when it is missing, unfinished or no run at all.

    >>> finished_run("no/such/run")
    Traceback (most recent call last):
    ...
    entitykit.errors.InputError: no/such/run: no such folder; give the --out folder of a finished `entitykit run`
    """
    from .runstate import WORK_DIR

    folder = Path(run_dir).expanduser()
    if not folder.is_dir():
        what = "not a folder" if folder.exists() else "no such folder"
        raise InputError(f"{run_dir}: {what}; give the --out folder of a finished `entitykit run`")
    report_path = folder / "run.json"
    if not report_path.is_file():
        if (folder / WORK_DIR).is_dir():
            raise InputError(
                f"{run_dir}: holds an unfinished run ({WORK_DIR}); run the same `entitykit run` command "
                "again to finish it, then propose"
            )
        raise InputError(f"{run_dir}: not the output folder of an entitykit run (no run.json); "
                         "give the --out folder of a finished `entitykit run`")
    try:
        report = json.loads(report_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError, OSError) as error:
        raise InputError(f"{report_path}: cannot be read as JSON ({error}); give the --out folder of a "
                         "finished `entitykit run`") from None
    if not isinstance(report, dict) or not isinstance(report.get("options"), dict) or "counts" not in report:
        raise InputError(f"{report_path}: not the report of an entitykit run; give the --out folder of a "
                         "finished `entitykit run`")
    mentions = folder / f"mentions.{report['options'].get('format', 'jsonl')}"
    if not mentions.is_file():
        raise InputError(f"{run_dir}: run.json is there but {mentions.name} is missing; run `entitykit run` "
                         "again with --force to write the tables")
    return folder, report


def _unformula(value: Any) -> Any:
    """A CSV cell as it was before :func:`entitykit.export.csv_safe` guarded it."""
    from .export import FORMULA_STARTS

    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


_COLUMNS = ("doc_id", "start_char", "end_char", "text", "label", "entity_id", "canonical")


def read_mentions(path: Path) -> Iterator[tuple]:
    """``(doc_id, start_char, end_char, text, label, entity_id, canonical)`` of each row of a
    run's mentions table (JSONL, CSV or Parquet, by suffix), in file order.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "mentions.csv"
    >>> _ = path.write_text("doc_id,start_char,end_char,text,label,entity_id,canonical\\n"
    ...                     "a,0,5,Minsk,LOC,loc:minsk,Minsk\\n", encoding="utf-8")
    >>> list(read_mentions(path))
    [('a', 0, 5, 'Minsk', 'LOC', 'loc:minsk', 'Minsk')]
    """
    if path.suffix == ".parquet":
        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise MissingDependencyError(f"{path}: reading Parquet needs pyarrow; pip install 'entitykit[parquet]'") from None
        table = pq.ParquetFile(path)
        _check_columns(path, table.schema_arrow.names)
        for batch in table.iter_batches(columns=list(_COLUMNS)):
            columns = [batch.column(name).to_pylist() for name in _COLUMNS]
            yield from zip(*columns)
    elif path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            _check_columns(path, reader.fieldnames or ())
            for number, row in enumerate(reader, 2):
                values = [_unformula(row.get(name) or "") for name in _COLUMNS]
                try:
                    values[1:3] = int(values[1]), int(values[2])
                except ValueError:
                    raise InputError(f"{path}:{number}: start_char and end_char must be whole numbers; "
                                     "run `entitykit run` again with --force to write the tables") from None
                yield tuple(values)
    else:
        from .inputs import read_jsonl

        for number, row in read_jsonl(path):
            if not isinstance(row, dict):
                raise InputError(f"{path}:{number}: not a mention row (a JSON object); run `entitykit run` "
                                 "again with --force to write the tables")
            yield tuple(row.get(name) for name in _COLUMNS)


def _check_columns(path: Path, names: Iterable[str]) -> None:
    missing = [name for name in _COLUMNS if name not in set(names)]
    if missing:
        raise InputError(f"{path}: no column {', '.join(map(repr, missing))}; not the mentions table of an "
                         "entitykit run (run `entitykit run` again with --force to write the tables)")


# --- counting ----------------------------------------------------------------------------


class _Entity:
    """What one entity of the run adds up to: all its mentions and documents, and the mentions,
    documents and spellings (per normalised key) of its *fresh* spellings, those a proposal may
    hold (for a registry entity: the ones its record does not list)."""

    __slots__ = ("canonical", "labels", "keys", "mentions", "documents", "fresh_mentions", "fresh_documents",
                 "last_doc", "last_fresh_doc", "first")

    def __init__(self, canonical: str) -> None:
        self.canonical = canonical
        self.labels: Counter = Counter()
        self.keys: dict[str, Counter] = {}  # normalised key of a fresh spelling -> spelling counts
        self.mentions = self.documents = self.fresh_mentions = self.fresh_documents = 0
        self.last_doc: object = object()
        self.last_fresh_doc: object = object()
        self.first: dict[str, Context] = {}  # fresh spelling -> its first mention

    def add(self, doc_id: str, start: int, end: int, text: str, label: str, key: str, fresh: bool) -> None:
        self.labels[label] += 1
        self.mentions += 1
        if doc_id != self.last_doc:  # a run writes the mentions of a document together
            self.documents += 1
            self.last_doc = doc_id
        if not fresh:
            return
        self.keys.setdefault(key, Counter())[text] += 1
        self.fresh_mentions += 1
        if doc_id != self.last_fresh_doc:
            self.fresh_documents += 1
            self.last_fresh_doc = doc_id
        if text not in self.first:
            self.first[text] = Context(doc_id, start, end, text)

    def spellings(self) -> dict[str, str]:
        """The most frequent spelling of each fresh key, keys by mentions (most first)."""
        ranked = sorted(self.keys.items(), key=lambda item: (-sum(item[1].values()), item[0]))
        return {key: counts.most_common(1)[0][0] for key, counts in ranked}

    def variants(self) -> dict[str, int]:
        """Every fresh spelling with its mentions, most first."""
        counts: Counter = Counter()
        for spelled in self.keys.values():
            counts.update(spelled)
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _new_slug(label: str, name: str, taken: set[str]) -> str:
    """``label:slug`` of ``name``, with ``-2``, ``-3``… when a registry (or an earlier proposal)
    has that id: passed back, a taken id would add the aliases to that other entity.

    >>> _new_slug("PER", "Imangali Tasmagambetow", {"per:imangali-tasmagambetow"})
    'per:imangali-tasmagambetow-2'
    """
    from .normalize import slugify

    base = f"{label.lower()}:{slugify(name)}"
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def propose_aliases(
    run_dir: str | Path,
    *,
    min_mentions: int = 1,
    aliases: Iterable[str | Path] | None = None,
    default_aliases: bool | None = None,
    contexts: bool = True,
) -> list[Proposal]:
    """Registry records to review from the finished run in ``run_dir``, most mentioned first.

    New entities for unknown clusters with two or more distinct spellings (distinct after
    :func:`~entitykit.normalize.normalize`), new aliases for registry entities that gained
    spellings; see the module docstring. ``min_mentions`` drops proposals with fewer mentions.
    The registry compared against is the run's (the ``--aliases`` files and bundled default
    that ``run.json`` records); ``aliases`` / ``default_aliases`` replace it (needed for a run
    made in Python with a ready pipeline, whose run.json does not name its files). With
    ``contexts`` the run's inputs are read again for the text around one mention of each
    proposal. Raises :class:`InputError` for a folder that is no finished run.

    >>> import io, tempfile, spacy
    >>> from entitykit.corpus import run_corpus
    >>> nlp = spacy.blank("de")
    >>> nlp.add_pipe("entity_ruler").add_patterns([{"label": "PER", "pattern": [{"TEXT": t} for t in name.split()]}
    ...     for name in ("Sergej Kowaltschuk", "Kowaltschuk", "Wolfowutsch")])
    >>> nlp.add_pipe("entitykit_resolver").initialize()  # the bundled registry
    >>> out = tempfile.mkdtemp()
    >>> text = "Sergej Kowaltschuk traf Wolfowutsch.\\nKowaltschuk reiste ab.\\n"
    >>> _ = run_corpus(["-"], out, nlp=nlp, stdin=io.BytesIO(text.encode()), progress=False)
    >>> for proposal in propose_aliases(out, default_aliases=True, contexts=False):
    ...     print(proposal.kind, proposal.id, proposal.name, proposal.aliases, proposal.mentions)
    new per:sergej-kowaltschuk Sergej Kowaltschuk ('Kowaltschuk',) 2
    known per:alexander-wolfowitsch Alexander Wolfowitsch ('Wolfowutsch',) 1
    """
    from .aliases import LABELS, build_registry, default_registry
    from .normalize import normalize

    if isinstance(min_mentions, bool) or not isinstance(min_mentions, int) or min_mentions < 1:
        raise InputError(f"min_mentions must be a whole number of at least 1, got {min_mentions!r}")
    folder, report = finished_run(run_dir)
    mentions_path = folder / f"mentions.{report['options'].get('format', 'jsonl')}"
    files, bundled = _run_registry(folder, report, aliases, default_aliases)
    registry = build_registry(files, default_aliases=bundled)
    recorded = (report.get("registry") or {}).get("entities")
    if recorded is not None and recorded != (len(registry) if registry is not None else 0):
        logger.warning("%s: the run's registry had %s entities, the one compared against has %s; "
                       "give the run's alias files", folder, recorded, len(registry) if registry is not None else 0)

    keys: dict[str, str] = {}  # spelling -> normalised key, each computed once
    listed: dict[str, set[str] | None] = {}  # entity id -> keys of its registry record (None: not in it)
    fresh: dict[tuple[str, str], bool] = {}  # (entity id, key) -> may a proposal hold it?

    def is_fresh(entity_id: str, key: str) -> bool:
        """Not listed for the entity, and no other registry entity's (it would become ambiguous)."""
        if not key:
            return False
        if entity_id not in listed:
            known = registry.get(entity_id) if registry is not None and not entity_id.startswith(_NEW) else None
            listed[entity_id] = {normalize(name) for name in known.names} if known is not None else None
        own = listed[entity_id]
        if own is not None and key in own:
            return False
        return registry is None or all(other == entity_id for other in registry.lookup_key(key))

    entities: dict[str, _Entity] = {}
    for doc_id, start, end, text, label, entity_id, canonical in read_mentions(mentions_path):
        if not entity_id or not text:
            continue
        key = keys.get(text)
        if key is None:
            key = keys[text] = normalize(text)
        entity = entities.get(entity_id)
        if entity is None:
            entity = entities[entity_id] = _Entity(canonical or text)
        new = fresh.get((entity_id, key))
        if new is None:
            new = fresh[entity_id, key] = is_fresh(entity_id, key)
        entity.add(str(doc_id), start, end, text, label, key, new)

    taken = {entity.id for entity in registry} if registry is not None else set()
    taken |= {entity.id for entity in default_registry()}  # it may come back with the bundled one
    drafts = []  # (mentions, documents, name, entity id, kind, label, aliases, entity)
    missing = 0
    for entity_id, entity in entities.items():
        spellings = entity.spellings()
        if entity_id.startswith(_NEW):
            if not spellings:
                continue
            name_key = normalize(entity.canonical)
            name = spellings[name_key] if name_key in spellings else next(iter(spellings.values()))
            label = entity.labels.most_common(1)[0][0]
            if label not in LABELS:  # a label of the NER that no registry record may have
                continue
            counts, kind = (entity.mentions, entity.documents), "new"
        else:
            if listed.get(entity_id) is None:
                missing += 1
                continue
            if not spellings:
                continue
            known = registry[entity_id]
            name, label = known.name, known.label
            counts, kind = (entity.fresh_mentions, entity.fresh_documents), "known"
        name_key = normalize(name)
        new_aliases = tuple(spelling for key, spelling in spellings.items() if key != name_key)
        if not new_aliases:  # one spelling: nothing to merge, nothing to add
            continue
        drafts.append((*counts, name, entity_id, kind, label, new_aliases, entity))
    if missing:
        logger.warning("%s: %d known entities of the run are not in the registry compared against; their "
                       "spellings are not proposed (give the run's alias files)", folder, missing)
    drafts = [draft for draft in drafts if draft[0] >= min_mentions]
    drafts.sort(key=lambda draft: (-draft[0], -draft[1], draft[2], draft[3]))
    proposals = []
    for mentions, documents, name, entity_id, kind, label, new_aliases, entity in drafts:
        record_id = entity_id
        if kind == "new":
            record_id = _new_slug(label, name, taken)
            taken.add(record_id)
        example = entity.first[new_aliases[0]]
        proposals.append(Proposal(kind, entity_id, record_id, label, name, new_aliases, mentions, documents,
                                  entity.variants(), example))
    return _with_snippets(report, proposals) if contexts else proposals


def _run_registry(folder: Path, report: dict, aliases, default_aliases) -> tuple[list, bool]:
    """The alias files and bundled flag to rebuild the run's registry with (arguments win)."""
    recorded = report.get("registry") or {}
    if aliases is None:
        aliases = recorded.get("aliases", [])
        for path in aliases:
            if not Path(path).exists():
                raise InputError(f"{folder}: the run's alias file {path} is gone; give it with --aliases "
                                 "(or the registry to compare against)")
    if default_aliases is None:
        default_aliases = recorded.get("default_aliases", True)
    return ([aliases] if isinstance(aliases, (str, Path)) else list(aliases)), default_aliases


def _snippet(text: str, start: int, end: int, width: int = SNIPPET_CHARS) -> str:
    """The text around ``text[start:end]``, ``width`` characters each side (cut at spaces),
    whitespace made single spaces, ``…`` where it was cut.

    >>> _snippet("Am Montag traf Wolfowutsch in Moskau den Generalsekretär.", 15, 26, width=10)
    '… traf Wolfowutsch in …'
    """
    left = max(0, start - width)
    right = min(len(text), end + width)
    if left > 0 and " " in text[left:start]:
        left = text.index(" ", left, start)
    if right < len(text) and " " in text[end:right]:
        right = text.rindex(" ", end, right)
    inner = " ".join(text[left:right].split())
    return ("… " if left > 0 else "") + inner + (" …" if right < len(text) else "")


def _with_snippets(report: dict, proposals: list[Proposal]) -> list[Proposal]:
    """The proposals, each context with its snippet, from the run's inputs read again. Inputs
    that are gone or changed (the mention is not at its offsets any more) give none."""
    from .errors import EntitykitError
    from .inputs import read_records

    options = report["options"]
    inputs = [path for path in report.get("inputs") or [] if path != "-" and Path(path).exists()]
    wanted: dict[str, list[Context]] = {}
    for proposal in proposals:
        if proposal.context is not None:
            wanted.setdefault(proposal.context.doc_id, []).append(proposal.context)
    found: dict[Context, str] = {}
    if inputs and wanted:
        try:
            records = read_records(inputs, text_key=options.get("text_key", "text"), id_key=options.get("id_key", "id"),
                                   max_chars=options.get("max_chars") or 10**9)
            for record in records:
                for example in wanted.pop(record.doc_id, ()):
                    if record.text is not None and record.text[example.start_char:example.end_char] == example.text:
                        found[example] = _snippet(record.text, example.start_char, example.end_char)
                if not wanted:
                    break
        except (EntitykitError, OSError) as error:
            logger.warning("the run's inputs could not be read again for context (%s)", error)
    return [proposal._replace(context=proposal.context._replace(snippet=found.get(proposal.context)))
            if proposal.context is not None else proposal for proposal in proposals]


def write_proposals(proposals: Iterable[Proposal], out: str | Path, *, force: bool = False) -> int:
    """Write proposals as registry JSONL to ``out`` (``-``: stdout); returns how many. An
    existing file is refused unless ``force``.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "proposals.jsonl"
    >>> write_proposals([Proposal("known", "loc:minsk", "loc:minsk", "LOC", "Minsk", ("Minsker",), 2, 1,
    ...                            {"Minsker": 2}, None)], path)
    1
    >>> path.read_text(encoding="utf-8")[:76]
    '{"id": "loc:minsk", "label": "LOC", "name": "Minsk", "aliases": ["Minsker"],'
    """
    import sys

    lines = [json.dumps(proposal.to_record(), ensure_ascii=False) + "\n" for proposal in proposals]
    if str(out) == "-":
        sys.stdout.write("".join(lines))
        return len(lines)
    path = Path(out)
    if path.exists() and not force:
        raise InputError(f"{out}: exists; choose another --out or add --force to overwrite it")
    if path.is_dir():
        raise InputError(f"{out}: is a folder; give a file name for --out, such as proposals.jsonl")
    path.write_text("".join(lines), encoding="utf-8")
    return len(lines)
