"""The Dask engine of :func:`entitykit.corpus.run_corpus` (``engine="dask"``, ``entitykit run
--engine dask``): the same outputs as a local run, with the documents annotated on a Dask cluster.

The inputs are cut into partitions (record ranges of one input: files of a folder, lines of a
JSONL file, rows of a table; :func:`plan_partitions`). Each partition is a task: a worker loads
the pipeline once (:func:`worker_pipeline`, cached per worker process), annotates the records and
writes them as the part files of a :class:`~entitykit.runstate.RunState` of its own, under the
run's work folder (shared storage on a real cluster). What comes back to the client is that
state: counts and the table of distinct unknown forms, never the mentions. The client adds the
parts up in input order (:meth:`RunState.absorb`), with a checkpoint after each, then clusters
once and writes the tables exactly as a local run does. A killed run, run again, goes on after
the last partition added (with partitions planned afresh over the records left: the outputs do
not depend on how the records are cut). A worker that dies mid-partition leaves a half-written
folder that nothing reads: Dask runs the task again, and each attempt writes a folder of its own
(:func:`attempt_folder`). Dask is imported only here, and only by a Dask run.
"""

from __future__ import annotations

import itertools
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from .errors import CorpusFormatError, InputError, MissingDependencyError
from .inputs import Source, count_records, read_records

PARTS_DIR = "parts"  # in the work folder: one sub-folder of part files per attempt at a partition
PARTITIONS_PER_WORKER = 4  # default: enough tasks to keep every worker busy to the end

_PIPELINES: dict[tuple, Any] = {}  # per worker process: the pipelines loaded, by their spec


class Partition(NamedTuple):
    """A task: ``count`` records of ``source`` after its first ``skip`` (``count=None``: to its
    end), whose first record is the run's record number ``first``."""

    index: int
    source: Source
    skip: int
    count: int | None
    first: int


def require_dask() -> None:
    """Raise :class:`MissingDependencyError` with the one-line fix when Dask is not installed."""
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise MissingDependencyError("the Dask engine needs dask: pip install 'entitykit[dask]'") from None


def split_counts(counts: Sequence[int], partitions: int) -> list[tuple[int, int, int]]:
    """``(input, skip, count)`` ranges that cut inputs of ``counts`` records into about
    ``partitions`` equal parts, never across two inputs.

    >>> split_counts([5, 2], 3)
    [(0, 0, 3), (0, 3, 2), (1, 0, 2)]
    >>> split_counts([0, 4], 2)
    [(1, 0, 2), (1, 2, 2)]
    """
    total = sum(counts)
    size = max(1, -(-total // max(1, partitions)))
    ranges = []
    for number, count in enumerate(counts):
        for skip in range(0, count, size):
            ranges.append((number, skip, min(size, count - skip)))
    return ranges


def plan_partitions(
    sources: Sequence[Source], partitions: int, *, text_key: str, max_chars: int, done: int = 0
) -> list[Partition]:
    """The partitions of the records of ``sources`` after the first ``done`` (those of a resumed
    run), in input order; the last one of each input reads to its end."""
    counts = []
    for source in sources:
        if source.kind == "stdin":
            raise InputError("the Dask engine reads files and folders, not stdin ('-'); write the input to a file")
        count = count_records([source], text_key=text_key)
        if count is None:  # a table or archive that cannot be counted cheaply: read it
            count = sum(1 for _ in read_records([source], text_key=text_key, max_chars=max_chars))
        counts.append(count)
    firsts = list(itertools.accumulate([0, *counts]))
    skipped = [min(count, max(0, done - first)) for count, first in zip(counts, firsts)]
    ranges = split_counts([count - skip for count, skip in zip(counts, skipped)], partitions)
    planned = []
    for index, (number, skip, count) in enumerate(ranges):
        last = index + 1 == len(ranges) or ranges[index + 1][0] != number
        skip += skipped[number]
        planned.append(Partition(index, sources[number], skip, None if last else count, firsts[number] + skip))
    return planned


def worker_pipeline(spec: tuple) -> Any:
    """The pipeline of ``spec``, loaded once per worker process.

    ``spec`` is ``("spacy", path, max_chars)`` for a pipeline saved by the client (a ready
    ``nlp`` given to :func:`run_corpus`) or ``("entitykit", model, aliases, default_aliases,
    max_chars)`` for :func:`entitykit.load`."""
    nlp = _PIPELINES.get(spec)
    if nlp is None:
        from . import pipeline  # registers entitykit's components before spacy.load

        if spec[0] == "spacy":
            import spacy

            nlp = spacy.load(spec[1])
        else:
            nlp = pipeline.load(spec[1], aliases=list(spec[2]), default_aliases=spec[3])
        max_chars = spec[-1]
        if max_chars > nlp.max_length:
            nlp.max_length = max_chars
        _PIPELINES[spec] = nlp
    return nlp


def attempt_folder(work: Path, index: int) -> Path:
    """A new folder for one attempt at the partition ``index``: its part files are its own.

    Dask runs a task again when its worker dies, and on a real cluster a worker it lost may
    still be writing; a retry that wrote into that attempt's files would double or cut rows.
    The client reads only the folder of the attempt whose result it got.

    >>> import tempfile
    >>> work = Path(tempfile.mkdtemp())
    >>> first, second = attempt_folder(work, 3), attempt_folder(work, 3)
    >>> first != second and first.parent == second.parent == work / PARTS_DIR
    True
    >>> first.name.startswith("000003-")
    True
    """
    parts = work / PARTS_DIR
    parts.mkdir(parents=True, exist_ok=True)
    while True:  # not tempfile.mkdtemp: its mode 0700 would lock out a client of another user
        folder = parts / f"{index:06d}-{secrets.token_hex(4)}"
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder


def run_partition(partition: Partition, spec: tuple, work: str, options: dict) -> Any:
    """Annotate one partition on a worker; write its part files under ``work``; return its
    :class:`~entitykit.runstate.RunState` (counts and unknown forms; files closed)."""
    from .corpus import _add_record, _annotated, _batch_clustering_off, _registry
    from .runstate import RunState

    nlp = worker_pipeline(spec)
    folder = attempt_folder(Path(work), partition.index)
    state = RunState(folder, {"partition": partition.index}, None)
    records = read_records(
        [partition.source], text_key=options["text_key"], id_key=options["id_key"],
        max_chars=options["max_chars"], skip=partition.skip,
    )
    if partition.count is not None:
        records = itertools.islice(records, partition.count)
    items = (((ordinal, record._replace(text=None)), record.text)
             for ordinal, record in enumerate(records, start=partition.first))
    registry = _registry(nlp) or ()
    state.first_error = None
    stream = _annotated(nlp, items, batch_size=options["batch_size"], n_process=1)
    try:
        with state.appending(), _batch_clustering_off(nlp):
            for (ordinal, record), doc, piped in stream:
                if doc is None and state.first_error is None:
                    state.first_error = (record.source, record.error, state.documents)
                _add_record(state, ordinal, record, doc, registry, strict=False)
                state.piped += piped
            state.checkpoint(finished=True)
    finally:
        stream.close()
    return state


def pipeline_facts(spec: tuple) -> Any:
    """On a worker: the :class:`~entitykit.corpus.PipelineFacts` of the pipeline of ``spec``
    (loaded there anyway), so that the client does not load it to learn them."""
    from .corpus import pipeline_facts as facts_of

    return facts_of(worker_pipeline(spec))


def process(
    state, sources: Sequence[Source], spec: tuple, *, options: dict, strict: bool, client: Any,
    scheduler: str | None, workers: int, partitions: int | None, show: bool, facts: bool = False,
) -> Any:
    """Run every partition on the cluster and add them to ``state`` in input order; with
    ``facts``, return the pipeline's :class:`~entitykit.corpus.PipelineFacts` from a worker."""
    import shutil

    from distributed import Client, LocalCluster

    cluster = own = None
    if client is None:
        if scheduler:
            client = own = Client(scheduler)
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=":0")  # any free port
            client = own = Client(cluster)
    try:
        if show and client.dashboard_link:
            print(f"entitykit: Dask dashboard: {client.dashboard_link}", file=sys.stderr)
        if partitions is None:
            partitions = PARTITIONS_PER_WORKER * max(1, len(client.scheduler_info().get("workers", {})) or workers)
        planned = plan_partitions(
            sources, partitions, text_key=options["text_key"], max_chars=options["max_chars"], done=state.ordinals,
        )
        futures = client.map(run_partition, planned, spec=spec, work=str(state.work), options=options, pure=False)
        told = client.submit(pipeline_facts, spec, pure=False) if facts else None
        if show:
            from distributed import progress

            progress(futures)
        with state.appending():
            for future in futures:
                part = future.result()
                if strict and part.first_error is not None:
                    source, reason, before = part.first_error
                    raise CorpusFormatError(
                        f"{source}: {reason} (--strict: stopped; {state.documents + before:,} documents done before it)"
                    )
                state.absorb(part)
                state.checkpoint(finished=False)  # a killed run resumes after this partition
                shutil.rmtree(part.work, ignore_errors=True)
            state.checkpoint(finished=True)
        return told.result() if told is not None else None
    finally:
        if own is not None:
            own.close()
        if cluster is not None:
            cluster.close()
