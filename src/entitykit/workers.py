"""Worker-process plumbing for ``nlp.pipe``: memory zones, cheap msgpack codecs, workers that die
with their run. Nothing here imports spaCy; the pipeline comes in as an argument.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

# Documents piped per spaCy memory zone: the strings and lexemes of new words that a zone adds
# to the vocab are freed when it closes, so a long run's memory does not grow with its corpus.
ZONE_DOCS = 4096


def pipe_in_zones(nlp, texts: Iterator[str], *, batch_size: int, n_process: int) -> Iterator:
    """``nlp.pipe`` over ``texts`` in chunks, each inside ``nlp.memory_zone()``.

    A Doc is valid only until the next one is requested from the chunk's end; callers turn each
    Doc into plain records before asking for the next. Chunks hold a whole number of batches, so
    the batches (and so the resolver's decisions) are the same as in one long ``nlp.pipe``.

    >>> import spacy
    >>> nlp = spacy.blank("de")
    >>> [doc.text for doc in pipe_in_zones(nlp, iter(["Minsk", "Moskau"]), batch_size=1, n_process=1)]
    ['Minsk', 'Moskau']
    """
    if batch_size < 1 or n_process < 1:
        raise ValueError(f"batch_size and n_process must be at least 1, got {batch_size} and {n_process}")
    chunk_size = batch_size * max(1, ZONE_DOCS // batch_size)
    if n_process > 1:
        freeze_msgpack_codecs()
    with one_blas_thread():
        while True:
            chunk = list(itertools.islice(texts, chunk_size))
            if not chunk:
                return
            with nlp.memory_zone():
                yield from nlp.pipe(chunk, batch_size=batch_size, n_process=n_process)


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """One BLAS thread in this process and in the worker processes forked meanwhile (they
    inherit the limit): a run takes one core per process and more cores with more processes.
    numpy's BLAS, which multiplies the pipeline's matrices
    (:func:`entitykit.models.multiply_with_numpy`), would otherwise start a thread per core in
    every process, and several processes would wait on each other's threads."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def freeze_msgpack_codecs() -> None:
    """Make srsly's msgpack codec lookup a dict read instead of a catalogue scan.

    srsly asks catalogue for its msgpack encoders/decoders on every ``packb``/``unpackb``: an
    entry-point scan plus a walk over every function spaCy has registered, about 1 ms. spaCy
    calls it three times for each Doc that ``nlp.pipe(n_process=N)`` ships between processes,
    which cost more than a tenth of the main process's time. The codecs installed now are kept.

    >>> import srsly
    >>> freeze_msgpack_codecs()
    >>> srsly.msgpack_loads(srsly.msgpack_dumps({"Minsk": 1}))
    {'Minsk': 1}
    """
    import srsly.msgpack

    for codecs in (srsly.msgpack.msgpack_encoders, srsly.msgpack.msgpack_decoders):
        if "get_all" not in vars(codecs):  # not frozen yet
            frozen = codecs.get_all()
            codecs.get_all = lambda frozen=frozen: frozen


# The pid whose death kills the pipeline workers it forks (set once a run uses n_process > 1).
_worker_parent: list[int] = []


def workers_die_with(pid: int) -> None:
    """Make the workers ``nlp.pipe(n_process=N)`` forks from now on die with process ``pid``.

    Otherwise a run killed with SIGKILL leaves its workers waiting forever on their queue.
    Linux only (``prctl(PR_SET_PDEATHSIG)``); elsewhere nothing changes. Processes forked by
    others than ``pid`` are left alone.

    >>> import os
    >>> workers_die_with(os.getpid())  # what run_corpus does before nlp.pipe(n_process=2)
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
