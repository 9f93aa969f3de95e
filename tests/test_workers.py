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
