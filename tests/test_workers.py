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
