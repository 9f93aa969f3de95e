"""Worker-process plumbing for ``nlp.pipe`` (``entitykit.workers``)."""

from __future__ import annotations


def test_frozen_msgpack_codecs_still_round_trip_numpy():
    """The speed-up for multi-process runs keeps srsly's codecs (numpy arrays in Doc bytes)."""
    import numpy
    import srsly

    from entitykit.workers import freeze_msgpack_codecs

    freeze_msgpack_codecs()
    freeze_msgpack_codecs()  # idempotent
    assert "numpy" in srsly.msgpack.msgpack_decoders.get_all()
    array = numpy.arange(6, dtype="float32").reshape(2, 3)
    assert (srsly.msgpack_loads(srsly.msgpack_dumps({"a": array}))["a"] == array).all()


def test_batching_below_one_is_a_value_error_not_a_division_by_zero():
    import pytest
    import spacy

    from entitykit.workers import pipe_in_zones

    with pytest.raises(ValueError, match="batch_size and n_process must be at least 1, got 0 and 1"):
        next(pipe_in_zones(spacy.blank("de"), iter(["Minsk"]), batch_size=0, n_process=1))


def test_a_run_takes_one_blas_thread_per_process_and_gives_the_threads_back():
    """`entitykit run` takes one core per process (more with --processes): numpy's BLAS, which
    multiplies the pipeline's matrices, would otherwise start a thread per core in each process,
    and two processes on two cores would wait on each other's threads."""
    import numpy  # noqa: F401  (loads the BLAS threadpoolctl reports on)
    import spacy
    from threadpoolctl import threadpool_info

    from entitykit.workers import pipe_in_zones

    def blas_threads() -> set[int]:
        return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}

    before = blas_threads()
    nlp = spacy.blank("de")
    seen = [blas_threads() for _doc in pipe_in_zones(nlp, iter(["Minsk", "Moskau"]), batch_size=1, n_process=1)]
    assert seen == [{1}, {1}]
    assert blas_threads() == before
