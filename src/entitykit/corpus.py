"""Batch runs over corpora: :func:`extract` and :func:`run_corpus`.

Both stream documents through one helper (:func:`_annotated`): texts go through
``nlp.pipe`` in memory zones (see :mod:`entitykit.workers`), long ones run alone in pieces,
and each Doc becomes :class:`~entitykit.export.MentionRecord` rows before the next is asked
for. The inputs and their readers are in :mod:`entitykit.inputs`; the output folder, part
files and checkpoints of a resumable run in :mod:`entitykit.runstate`. Examples are in the
docstrings of :func:`extract` and :func:`run_corpus`.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple, TypeVar

from .clustering import FormClusterer, deciding_form, final_resolution
from .errors import CorpusFormatError, InputError, MissingDependencyError
from .export import (
    MENTION_COLUMNS,
    MENTION_TYPES,
    EntityTable,
    MentionRecord,
    TableWriter,
    doc_mentions,
    meta_column_names,
    meta_type,
    output_suffix,
    write_entities,
)
from .inputs import (
    MAX_CHARS,
    Record,
    Source,
    check_inputs,
    check_text_key,
    count_records,
    folder_listing,
    read_records,
    record_from_mapping,
)
from .mentions import Resolution
from .runstate import (
    WORK_DIR,
    PartMention,
    RunState,
    chain_digest,
    fsync_dir,
    locked_output,
    prepare_output,
    refuse_outputs_as_inputs,
    remove_work,
    write_json_atomic,
    write_owner,
)
from .workers import pipe_in_zones, workers_die_with

if TYPE_CHECKING:
    from .resolver import Resolver

__all__ = ["DocumentMentions", "RunSummary", "extract", "run_corpus", "Record", "read_records", "count_records", "WORK_DIR"]

DEFAULT_BATCH_SIZE = 32  # NER memory grows with the text of a batch: ~4 KB a character
CHECKPOINT_SECONDS = 1.0  # at most one checkpoint (three fsyncs) a second

T = TypeVar("T")


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
    duplicate_ids: int = 0  # documents whose id an earlier document had (a warning is logged)


# --- one document stream for extract and run_corpus --------------------------------------


def _annotated(
    nlp, items: Iterable[tuple[T, str | None]], *, batch_size: int, n_process: int
) -> Iterator[tuple[T, Any, bool]]:
    """``(item, doc, piped)`` for each ``(item, text)``, in input order.

    Texts go through ``nlp.pipe`` in memory zones (``piped`` is true); a text longer than
    ``MAX_CHUNK_CHARS`` runs alone in pieces with :func:`~entitykit.pipeline.annotate` (spaCy's
    NER needs memory in proportion to the text of a batch, about 4 KB a character); an item
    without a text (a bad record) comes back with ``doc=None``. Each Doc is valid only until the
    next is asked for.
    """
    from .pipeline import MAX_CHUNK_CHARS, annotate

    # Items in reading order, each with its text when it does not go through nlp.pipe (its Doc
    # comes out of nlp.pipe in the same order) and a flag that says whether it does.
    pending: deque[tuple[T, str | None, bool]] = deque()

    def texts() -> Iterator[str]:
        for item, text in items:
            if text is not None and len(text) <= MAX_CHUNK_CHARS:
                pending.append((item, None, True))
                yield text
            else:
                pending.append((item, text, False))

    def not_piped() -> Iterator[tuple[T, Any, bool]]:
        while pending and not pending[0][2]:
            item, text, _ = pending.popleft()
            yield item, None if text is None else annotate(nlp, text, batch_size=1), False

    docs = pipe_in_zones(nlp, texts(), batch_size=batch_size, n_process=n_process)
    try:
        for doc in docs:
            yield from not_piped()
            item, _, _ = pending.popleft()
            yield item, doc, True
        yield from not_piped()
    finally:
        docs.close()


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
    :class:`InputError` naming its position. A single string is one document; a single
    mapping is refused (it could be one record or ``{id: text}``: pass ``[record]``), as are
    ``batch_size`` or ``n_process`` below 1. These checks, and loading the pipeline, happen
    when ``extract`` is called, before the first document.

    >>> import spacy
    >>> nlp = spacy.blank("de")
    >>> nlp.add_pipe("entity_ruler").add_patterns([{"label": "LOC", "pattern": "Minsk"}])
    >>> [(m.doc_id, m.text, m.label) for doc in extract(["Gespräch in Minsk"], nlp=nlp) for m in doc.mentions]
    [('0', 'Minsk', 'LOC')]
    >>> [m.text for doc in extract("Gespräch in Minsk", nlp=nlp) for m in doc.mentions]
    ['Minsk']
    """
    if isinstance(texts_or_records, str):
        texts_or_records = [texts_or_records]
    elif isinstance(texts_or_records, Mapping):
        raise InputError(
            f"extract() takes texts or records, got one {type(texts_or_records).__name__}; "
            "pass a list of records ([record]) or of texts"
        )
    elif not isinstance(texts_or_records, Iterable):
        raise InputError(f"extract() takes a string or an iterable of texts or records, got {type(texts_or_records).__name__}")
    _check_batching(batch_size, n_process)
    if nlp is None:
        from .pipeline import load

        nlp = load(model, aliases=aliases, default_aliases=default_aliases)
    return _extract(nlp, texts_or_records, text_key=text_key, id_key=id_key, batch_size=batch_size, n_process=n_process)


def _check_batching(batch_size: Any, n_process: Any) -> None:
    for name, value in (("batch_size", batch_size), ("n_process", n_process)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError(f"{name} must be a whole number of at least 1, got {value!r}")


def _extract(nlp, texts_or_records, *, text_key: str, id_key: str, batch_size: int, n_process: int) -> Iterator[DocumentMentions]:
    def items() -> Iterator[tuple[tuple[str, dict], str]]:
        for number, item in enumerate(texts_or_records):
            if isinstance(item, str):
                if len(item) > nlp.max_length:
                    raise InputError(f"text {number}: {len(item):,} characters; the limit is nlp.max_length = {nlp.max_length:,}")
                yield (str(number), {}), item
            elif isinstance(item, Mapping):
                record = record_from_mapping(
                    item, str(number), f"record {number}",
                    text_key=text_key, id_key=id_key, max_chars=nlp.max_length, allow_empty=True,
                )
                if record.error:
                    raise InputError(f"{record.source}: {record.error}")
                yield (record.doc_id, record.meta), record.text
            else:
                raise InputError(f"record {number}: expected a string or a mapping with {text_key!r}, got {type(item).__name__}")

    for (doc_id, meta), doc, _ in _annotated(nlp, items(), batch_size=batch_size, n_process=n_process):
        yield DocumentMentions(doc_id, doc_mentions(doc, doc_id), meta)


# --- run_corpus --------------------------------------------------------------------------


def run_corpus(
    inputs: str | Path | Sequence[str | Path],
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
    resolver: Resolver | None = None,
    stdin: IO[bytes] | None = None,
    engine: str = "local",
    client: Any = None,
    scheduler: str | None = None,
    partitions: int | None = None,
) -> RunSummary:
    """Find and resolve the entities of a whole corpus; write the tables to the folder ``out``.

    Writes ``mentions.<format>`` (one row per mention, with the document's metadata),
    ``entities.<format>`` (one row per canonical entity, most mentioned first, with its
    variants and their counts), ``errors.jsonl`` (one row per document that could not be
    processed) and ``run.json`` (model, registry, options, counts, timings). ``format`` is
    ``jsonl``, ``csv`` or ``parquet``.

    Documents stream through ``nlp.pipe(batch_size=, n_process=)``: each batch is resolved
    against the registry and within documents (the resolver component's own batch clustering
    is off meanwhile); names the registry does not know are counted in one table of distinct
    forms (:class:`~entitykit.clustering.FormTable`), clustered once at the end, and the
    mentions are then written with those final ids, so ``mentions`` and ``entities`` agree and
    one unknown person has one id in every document.

    The run can be killed at any moment: run the same call again and it continues after the
    last completed batch, with outputs identical to an uninterrupted run. An ``out`` that
    holds finished outputs or another unfinished run is refused unless ``force``. Bad
    documents go to ``errors.jsonl``; with ``strict`` the first one raises
    :class:`CorpusFormatError` instead; when every document is bad, only ``errors.jsonl`` is
    written, :class:`CorpusFormatError` is raised, and ``out`` can be used again without
    ``force``. Before any output is touched, the first record of each JSONL input (and of JSON
    lines on stdin) must have ``text_key``. Only one run at a time writes to ``out``; a resume
    is refused when the inputs changed (files of a folder added, removed or changed; other
    stdin). ``inputs`` is a list of paths, or one path. ``progress`` shows a progress bar (``None``: when
    stderr is a terminal). ``nlp`` is a ready pipeline; else one is loaded with
    :func:`entitykit.load` from ``model``, ``aliases`` and ``default_aliases``. The corpus
    clustering takes the settings of ``resolver`` (a :class:`~entitykit.resolver.Resolver`;
    default: the pipeline's resolver component).

    ``engine="dask"`` annotates the documents on a Dask cluster (:mod:`entitykit.dask_engine`;
    needs ``entitykit[dask]``), with the same outputs: on ``client`` (a ``distributed.Client``),
    else on the scheduler at ``scheduler``, else on a ``LocalCluster`` of ``n_process`` worker
    processes; the inputs are cut into ``partitions`` tasks (default: 4 per worker). Not for stdin.

    >>> import io, json, tempfile, spacy
    >>> nlp = spacy.blank("de")
    >>> nlp.add_pipe("entity_ruler").add_patterns([{"label": "LOC", "pattern": "Minsk"}])
    >>> out = tempfile.mkdtemp()
    >>> stdin = io.BytesIO("Gespräch in Minsk\\nMinsk und Minsk\\n".encode())
    >>> summary = run_corpus(["-"], out, nlp=nlp, stdin=stdin, progress=False)
    >>> summary.documents, summary.mentions, summary.entities, summary.errors
    (2, 3, 1, 0)
    >>> json.loads(open(f"{out}/entities.jsonl", encoding="utf-8").readline())["variants"]
    [{'text': 'Minsk', 'count': 3}]
    """
    started = time.time()
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    if engine not in ("local", "dask"):
        raise InputError(f"the engine must be 'local' or 'dask', got {engine!r}")
    if engine == "dask":
        from .dask_engine import require_dask

        require_dask()
        if any(str(path) == "-" for path in inputs):
            raise InputError("the Dask engine reads files and folders, not stdin ('-'); write the input to a file")
        if partitions is not None and (isinstance(partitions, bool) or not isinstance(partitions, int) or partitions < 1):
            raise InputError(f"partitions must be a whole number of at least 1, got {partitions!r}")
    elif client is not None or scheduler is not None or partitions is not None:
        raise InputError("client, scheduler and partitions are options of the Dask engine: add engine='dask' (--engine dask)")
    sources = check_inputs(inputs, text_key=text_key)
    suffix = output_suffix(format)
    if format == "parquet":
        _require_pyarrow()
    _check_batching(batch_size, n_process)
    if max_chars < 1:
        raise InputError(f"max_chars must be a whole number of at least 1, got {max_chars!r}")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a directory; give a folder for --out")
    refuse_outputs_as_inputs(out, [source.path for source in sources if source.path is not None])
    aliases = [aliases] if isinstance(aliases, (str, Path)) else list(aliases)
    for path in aliases:
        if Path(path).is_dir():
            if not any(Path(path).glob("*.jsonl")):
                raise InputError(f"{path}: folder has no *.jsonl alias files")
        elif not Path(path).is_file():
            raise InputError(f"{path}: no such alias file or folder")
    stdin = check_text_key(sources, text_key, stdin)
    given = nlp is not None
    if not given:
        from .models import resolve_model

        choice = resolve_model(model)  # a missing model fails before any output is touched
    options = {
        "format": format, "text_key": text_key, "id_key": id_key, "batch_size": batch_size,
        "max_chars": max_chars, "model": None if model is None else str(model),
        "aliases": [str(path) for path in aliases], "default_aliases": default_aliases,
    }
    # What decides the outputs: a resumed run must match it exactly. The files of input folders
    # are kept apart (listing), to say which changed when a resume is refused.
    listing: dict[str, list] = {}
    fingerprint = {
        **options,
        "inputs": [_describe_input(source, listing) for source in sources],
        "aliases": [_describe_aliases(Path(path)) for path in aliases],
        "model": _describe_model(nlp) if given else [choice.source, str(choice.target)],
    }
    work = out / WORK_DIR
    with locked_output(out):
        return _run_locked(
            sources, inputs, out, work, fingerprint, listing, options, started, suffix,
            nlp=nlp if given else None, choice=None if given else choice, format=format, aliases=aliases,
            default_aliases=default_aliases, text_key=text_key, id_key=id_key, batch_size=batch_size,
            n_process=n_process, max_chars=max_chars, force=force, strict=strict, progress=progress,
            resolver=resolver, stdin=stdin, engine=engine, client=client, scheduler=scheduler, partitions=partitions,
        )


def _run_locked(
    sources, inputs, out: Path, work: Path, fingerprint: dict, listing: dict, options: dict, started: float,
    suffix: str, *, nlp, choice, format: str, aliases: list, default_aliases: bool, text_key: str, id_key: str,
    batch_size: int, n_process: int, max_chars: int, force: bool, strict: bool, progress: bool | None,
    resolver, stdin, engine: str = "local", client: Any = None, scheduler: str | None = None,
    partitions: int | None = None,
) -> RunSummary:
    """The part of :func:`run_corpus` that holds the lock on ``out``."""
    given = nlp is not None
    checkpoint = prepare_output(out, work, fingerprint, force, listing)
    write_owner(work)
    if not given and engine == "local":  # a Dask run's workers load it (and tell what it is)
        nlp = _load(choice, aliases, default_aliases)
    if nlp is not None and max_chars > nlp.max_length:
        nlp.max_length = max_chars
    state = RunState(work, fingerprint, checkpoint)
    loaded = time.time()
    facts = None

    if not state.finished_input:
        total = None
        show = sys.stderr.isatty() if progress is None else progress
        if show and engine == "local" and not any(source.kind == "stdin" for source in sources):
            total = count_records(sources, text_key=text_key)
        if engine == "dask":
            from . import dask_engine

            if given:  # the workers load what the client was given, saved in the work folder
                nlp.to_disk(work / "pipeline")
                spec: tuple = ("spacy", str(work / "pipeline"), max_chars)
            else:
                spec = ("entitykit", choice, tuple(str(path) for path in aliases), default_aliases, max_chars)
            task_options = {"text_key": text_key, "id_key": id_key, "max_chars": max_chars, "batch_size": batch_size}
            facts = dask_engine.process(
                state, sources, spec, options=task_options, strict=strict, client=client, scheduler=scheduler,
                workers=n_process, partitions=partitions, show=show, facts=not given,
            )
        else:
            _process(
                state, nlp, sources,
                text_key=text_key, id_key=id_key, max_chars=max_chars, batch_size=batch_size,
                n_process=n_process, strict=strict, stdin=stdin, show=show, total=total,
            )
    processed = time.time()
    if state.errors and not state.documents:
        _fail_every_document(state, out)
    if facts is None:  # a local run, or a Dask run resumed after all its input was done
        facts = pipeline_facts(nlp if nlp is not None else _load(choice, aliases, default_aliases))
    clusterer = resolver.clusterer if resolver is not None else facts.clusterer
    files, entity_count, stored_as_text = _finish(state, out, format, suffix, clusterer)
    finished = time.time()
    seconds = state.seconds_before + finished - started
    report = {
        "entitykit": _version(),
        "model": facts.model,
        "registry": _describe_registry(facts.registry_entities, None if given else aliases, default_aliases),
        "inputs": [str(path) for path in inputs],
        "options": {**options, "n_process": n_process, "strict": strict, "engine": engine},
        "counts": {
            "documents": state.documents, "mentions": state.mentions, "entities": entity_count,
            "errors": state.errors, "unknown_forms": len(state.forms), "duplicate_ids": state.duplicate_ids,
        },
        "stored_as_text": stored_as_text,  # metadata columns whose values did not fit their type
        "timings": {  # seconds; a resumed run adds up its sessions in "total"
            "total": round(seconds, 3),
            "documents_per_second": round(state.documents / seconds, 2) if seconds else None,
            "loading": round(loaded - started, 3),
            "processing": round(processed - loaded, 3),
            "clustering_and_writing": round(finished - processed, 3),
            "resumed_at_record": state.resumed_at,
        },
    }
    write_json_atomic(out / "run.json", report)
    files["run"] = out / "run.json"
    remove_work(out, work)
    return RunSummary(out, state.documents, state.mentions, entity_count, state.errors, state.resumed_at, seconds, files,
                      state.duplicate_ids)


def _fail_every_document(state: RunState, out: Path) -> None:
    """Every document was bad (a wrong --text-key, say): write only ``errors.jsonl``, which does
    not make ``out`` a used folder, and raise."""
    with state.errors_path.open("rb") as handle:
        first = json.loads(handle.readline())
    errors_tmp = state.work / "errors.jsonl"
    shutil.copyfile(state.errors_path, errors_tmp)
    os.replace(errors_tmp, out / "errors.jsonl")
    remove_work(out, state.work)
    raise CorpusFormatError(
        f"every document failed ({state.errors:,}; the first: {first['source']}: {first['reason']}); "
        f"see {out / 'errors.jsonl'}"
    )


def _process(
    state: RunState,
    nlp,
    sources: Sequence[Source],
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

    reads_stdin = any(source.kind == "stdin" for source in sources)
    records = read_records(
        sources, text_key=text_key, id_key=id_key, max_chars=max_chars, stdin=stdin,
        skip=0 if reads_stdin else state.ordinals,
    )
    if reads_stdin:
        records = _skip_same_stdin(records, state)
    # A record waiting for its Doc keeps no text: long texts are kept by _annotated itself.
    items = (((ordinal, record._replace(text=None), _stdin_digest(record)), record.text)
             for ordinal, record in enumerate(records, start=state.ordinals))
    bar = tqdm(
        total=total, initial=state.ordinals, unit="doc", disable=not show, file=sys.stderr,
        dynamic_ncols=True, smoothing=0.1, mininterval=0.5,
    )
    registry = _registry(nlp) or ()
    last_checkpoint = time.monotonic()
    if n_process > 1:
        workers_die_with(os.getpid())
    stream = _annotated(nlp, items, batch_size=batch_size, n_process=n_process)
    try:
        with state.appending(), _batch_clustering_off(nlp):
            for (ordinal, record, digest), doc, piped in stream:
                if digest is not None:
                    state.stdin_digest = chain_digest(state.stdin_digest, digest)
                _add_record(state, ordinal, record, doc, registry, strict=strict)
                if show:
                    bar.set_postfix_str(f"mentions={state.mentions:,}, errors={state.errors:,}", refresh=False)
                    bar.update(1)
                if piped:
                    state.piped += 1
                    # Checkpoints fall on the pipeline's batch boundaries, so a resumed run sees the
                    # same batches as an uninterrupted one; at most one a second keeps fsync cheap.
                    if state.piped % batch_size == 0 and time.monotonic() - last_checkpoint >= CHECKPOINT_SECONDS:
                        last_checkpoint = time.monotonic()
                        state.checkpoint(finished=False)
            state.checkpoint(finished=True)
    finally:
        stream.close()
        bar.close()


def _add_record(state: RunState, ordinal: int, record: Record, doc, registry, *, strict: bool) -> None:
    """Write one record to the part files: its Doc's mentions, or its error (``strict``: raise)."""
    if doc is not None:
        mentions = [_part(m, registry) for m in doc_mentions(doc, record.doc_id)]
        state.add_document(ordinal, record.doc_id, record.meta, mentions)
    elif strict:
        raise CorpusFormatError(
            f"{record.source}: {record.error} (--strict: stopped; {state.documents:,} documents done before it)"
        )
    else:
        state.add_error(ordinal, record.doc_id, record.source, record.error)


def _stdin_digest(record: Record) -> bytes | None:
    """The hash of a record read from stdin (``None`` for other inputs): a resume checks that
    stdin gives the records the interrupted run read."""
    if not record.source.startswith("<stdin> "):
        return None
    data = json.dumps([record.doc_id, record.text, record.meta, record.error], ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).digest()


def _skip_same_stdin(records: Iterator[Record], state: RunState) -> Iterator[Record]:
    """Skip the records done before the checkpoint, checking that stdin gives the same ones."""
    records = iter(records)
    digest = ""
    for record in itertools.islice(records, state.ordinals):
        found = _stdin_digest(record)
        if found is not None:
            digest = chain_digest(digest, found)
    if digest != state.stdin_digest:
        raise InputError(
            f"stdin differs from what the unfinished run in {state.work.parent} read before it stopped; "
            "pipe the same input to resume it, or add --force to start over"
        )
    return records


def _finish(
    state: RunState, out: Path, format: str, suffix: str, clusterer: FormClusterer
) -> tuple[dict[str, Path], int, dict[str, str]]:
    """Cluster the unknown forms once, then write the final tables from the part files.

    Returns the files, the number of entities and the metadata columns stored as text."""
    clusters = clusterer.cluster(state.forms) if len(state.forms) else {}
    meta_keys = list(state.meta_kinds)
    columns = MENTION_COLUMNS + tuple(meta_column_names(meta_keys))
    types = MENTION_TYPES + tuple(meta_type(state.meta_kinds[key]) for key in meta_keys)
    work = state.work
    table = EntityTable()
    mentions_tmp = work / f"mentions{suffix}"
    with TableWriter(mentions_tmp, columns, format=format, types=types) as writer:
        for document in state.documents_written():
            meta_values = [document.meta.get(key) for key in meta_keys]
            for record, key, counted in document.mentions:
                if key is not None:
                    decided = Resolution(record.entity_id, record.canonical, record.label, record.score,
                                         record.method, record.matched)
                    final = final_resolution(decided, (key, record.label), counted, clusters)
                    record = replace(record, entity_id=final.entity_id, canonical=final.canonical,
                                     score=final.score, method=final.method)
                if not record.entity_id:  # a label the resolver does not handle
                    record = replace(record, entity_id=f"new:{record.label.lower()}:{record.text}")
                table.add(record)
                writer.write((*record.row(), *meta_values))
    entities_tmp = work / f"entities{suffix}"
    write_entities(entities_tmp, table.rows(), format=format)
    errors_tmp = work / "errors.jsonl"
    shutil.copyfile(state.errors_path, errors_tmp)
    files = {}
    for name, path in (("mentions", mentions_tmp), ("entities", entities_tmp), ("errors", errors_tmp)):
        target = out / path.name
        os.replace(path, target)
        files[name] = target
    fsync_dir(out)
    return files, len(table), writer.stored_as_text


def _require_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise MissingDependencyError("--format parquet needs pyarrow; pip install 'entitykit[parquet]'") from None


def _describe_input(source: Source, listing: dict[str, list]) -> dict:
    """An input for the run's fingerprint: a file's size and time, a folder's files (their
    listing goes to ``listing``, the fingerprint holds its hash), ``-`` for stdin (whose records
    are hashed as they are read: see :func:`_stdin_digest`)."""
    if source.path is None:
        return {"path": "-"}
    path = source.path.resolve()
    if path.is_dir():
        files = folder_listing(path)
        listing[str(path)] = files
        digest = hashlib.sha256(json.dumps(files).encode("utf-8", "surrogatepass")).hexdigest()
        return {"path": str(path), "files": len(files), "sha256": digest}
    stat = path.stat()
    return {"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _describe_aliases(path: Path) -> dict:
    path = path.resolve()
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    described = []
    for file in files:
        stat = file.stat()
        described.append([file.name, stat.st_size, stat.st_mtime_ns])
    if path.is_dir():
        return {"path": str(path), "files": described}
    return {"path": str(path), "size": described[0][1], "mtime_ns": described[0][2]}


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


def _describe_registry(entities: int, aliases: Sequence[str | Path] | None, default_aliases: bool) -> dict:
    """The registry of the run: its size, and the files it came from when this run loaded it."""
    info: dict[str, Any] = {"entities": entities}
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


# --- corpus clustering: the two steps of entitykit.clustering -----------------------------


def _part(record: MentionRecord, registry) -> PartMention:
    """A mention for the part file, with the unknown form that decides its entity (if any)."""
    found = deciding_form(record.text, record, registry)
    return PartMention(record, *found) if found else PartMention(record, None, False)


class PipelineFacts(NamedTuple):
    """What the end of a run needs of its pipeline: its description for ``run.json``, the size
    of its registry and the corpus clustering with its resolver's settings. Small and
    picklable: a Dask run gets them from a worker, and its client never loads the pipeline."""

    model: dict
    registry_entities: int
    clusterer: FormClusterer


def pipeline_facts(nlp) -> PipelineFacts:
    """The :class:`PipelineFacts` of a loaded pipeline.

    >>> import spacy
    >>> pipeline_facts(spacy.blank("de")).registry_entities
    0
    """
    registry = _registry(nlp)
    return PipelineFacts(_describe_model(nlp), len(registry) if registry is not None else 0, _clusterer(nlp))


def _load(choice, aliases: list, default_aliases: bool):
    from .pipeline import load

    return load(choice, aliases=aliases, default_aliases=default_aliases)


def _clusterer(nlp) -> FormClusterer:
    """The corpus clustering with the settings of the pipeline's resolver component."""
    if nlp.has_pipe("entitykit_resolver"):
        return nlp.get_pipe("entitykit_resolver").resolver.clusterer
    return FormClusterer()


@contextmanager
def _batch_clustering_off(nlp) -> Iterator[None]:
    """Turn off the resolver component's per-batch clustering while a corpus is piped: its ids
    would be thrown away, as the whole corpus is clustered once at the end. Worker processes
    forked by ``nlp.pipe(n_process=N)`` inherit the setting."""
    component = nlp.get_pipe("entitykit_resolver") if nlp.has_pipe("entitykit_resolver") else None
    cfg = getattr(component, "cfg", None)
    if not isinstance(cfg, dict) or not cfg.get("cluster"):
        yield
        return
    cfg["cluster"] = False
    try:
        yield
    finally:
        cfg["cluster"] = True
