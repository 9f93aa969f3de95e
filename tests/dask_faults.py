"""A fault for the Dask workers of ``tests/test_dask_engine.py``: a worker that dies mid-partition.

:func:`die_once_at` is sent to every worker with ``client.run``; the workers import this module
by name (a LocalCluster's workers are spawned with the test's ``sys.path``). From then on, the
first worker to reach a given document kills itself with SIGKILL, after flushing the rows it has
written for the documents before it, so the dead attempt leaves a half-written partition on
disk, as a real crash does. The marker file makes it happen once over all workers, so Dask's
retry of the task gets through (on the other worker, or on the one started in place of the dead).
"""

from __future__ import annotations

import os
import signal


def die_once_at(doc_id: str, marker: str) -> int:
    """Make this worker SIGKILL itself on the document ``doc_id``, unless ``marker`` exists (the
    dying worker creates it and writes its pid into it). Returns this worker's pid."""
    import entitykit.corpus as corpus

    add_record = corpus._add_record

    def dying(state, ordinal, record, doc, registry, *, strict):
        if record.doc_id == doc_id:
            try:
                descriptor = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
            except FileExistsError:  # died here once already: this is the retry
                pass
            else:
                os.write(descriptor, str(os.getpid()).encode("ascii"))
                os.close(descriptor)
                state._mentions_file.flush()  # the documents before this one reach the disk
                state._errors_file.flush()
                os.kill(os.getpid(), signal.SIGKILL)
        add_record(state, ordinal, record, doc, registry, strict=strict)

    corpus._add_record = dying
    return os.getpid()
