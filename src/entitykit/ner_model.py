"""The embedding layer of entitykit's bundled German NER pipeline.

German capitalises every noun, so a capital letter says little about whether a word is a
name. Word clusters learnt from a large German corpus do: *Merkel*, *Schmidt* and
*Lukaschenko* share a cluster, *Haus* and *Regierung* do not. This layer embeds, next to the
usual hashed NORM/PREFIX/SUFFIX/SHAPE features, a token's Brown cluster (at several depths of
the cluster tree) and a frequency band, read from a :class:`ClusterTable` (built from
spacy-lookups-data's German tables) that the layer carries and saves with its weights.

spaCy finds the architecture through the ``spacy_architectures`` entry point, so a saved
pipeline loads with plain ``spacy.load``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Callable

import numpy
import srsly
from spacy.util import registry
from thinc.api import HashEmbed, Maxout, Model, chain, concatenate, list2ragged, ragged2list, with_array
from thinc.model import deserialize_attr, serialize_attr

# Table values pack a cluster path and a frequency band: (cluster << FREQ_BITS) | band.
FREQ_BITS = 5
# The layer attribute that holds the table (a ClusterTable, saved in the tok2vec's model file).
CLUSTER_ATTR = "cluster_table"
# Pipelines saved before the table moved into the layer keep it in the vocab's lookups under
# this name, a dict read entry by entry at every load; the layer still reads it there.
CLUSTER_TABLE = "lexeme_cluster"


class ClusterTable:
    """Packed cluster values by word hash (spaCy's ``token.orth``): two arrays, looked up at once.

    ``keys`` are the sorted ``uint64`` hashes of the words, ``values`` the packed
    ``(cluster << FREQ_BITS) | band`` of each (``uint32``). A word not in the table gets 0.
    Loading is two buffer reads, not a million dict insertions.

    >>> import spacy
    >>> strings = spacy.blank("de").vocab.strings
    >>> table = ClusterTable.from_dict({"Merkel": 1292, "Haus": 128681})
    >>> table.lookup([strings.add(word) for word in ("Merkel", "Haus", "Tasmagambetow")]).tolist()
    [1292, 128681, 0]
    >>> len(ClusterTable.from_bytes(table.to_bytes())), len(ClusterTable())
    (2, 0)
    """

    __slots__ = ("keys", "values")

    def __init__(self, keys: numpy.ndarray | None = None, values: numpy.ndarray | None = None) -> None:
        self.keys = numpy.zeros(0, dtype="uint64") if keys is None else keys
        self.values = numpy.zeros(0, dtype="uint32") if values is None else values
        if self.keys.shape != self.values.shape:
            raise ValueError(f"cluster table: {len(self.keys)} keys but {len(self.values)} values")

    @classmethod
    def from_dict(cls, table: Mapping[str | int, int]) -> ClusterTable:
        """Words (or their hashes) → packed values, hashed the way spaCy's vocab does."""
        from spacy.strings import get_string_id

        hashed = {get_string_id(word): value for word, value in table.items()}
        keys = numpy.fromiter(hashed.keys(), dtype="uint64", count=len(hashed))
        values = numpy.fromiter(hashed.values(), dtype="uint64", count=len(hashed))
        if len(values) and int(values.max()) >= 1 << 32:
            raise ValueError(f"cluster table: packed value {int(values.max())} does not fit 32 bits")
        order = numpy.argsort(keys, kind="stable")
        return cls(keys[order], values[order].astype("uint32"))

    def lookup(self, orths: Iterable[int] | numpy.ndarray) -> numpy.ndarray:
        """The packed values of the words with these hashes (``uint64``), 0 for unknown words."""
        orths = numpy.asarray(orths, dtype="uint64")
        if not len(self.keys):
            return numpy.zeros(orths.shape, dtype="uint64")
        index = numpy.searchsorted(self.keys, orths)
        index[index == len(self.keys)] = 0
        found = self.keys[index] == orths
        return numpy.where(found, self.values[index], 0).astype("uint64")

    def __len__(self) -> int:
        return len(self.keys)

    def to_bytes(self) -> bytes:
        """The two arrays as little-endian buffers in a msgpack map."""
        return srsly.msgpack_dumps(
            {"keys": self.keys.astype("<u8").tobytes(), "values": self.values.astype("<u4").tobytes()}
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> ClusterTable:
        """The table of :meth:`to_bytes`; the arrays are views of ``data``, not copies."""
        msg = srsly.msgpack_loads(data)
        keys = numpy.frombuffer(msg["keys"], dtype="<u8").astype("uint64", copy=False)
        return cls(keys, numpy.frombuffer(msg["values"], dtype="<u4").astype("uint32", copy=False))


# thinc saves a layer's attrs with msgpack; the table goes as two raw buffers instead.
@serialize_attr.register(ClusterTable)
def _serialize_table(_: ClusterTable, value: ClusterTable, name: str, model: Model) -> bytes:
    return value.to_bytes()


@deserialize_attr.register(ClusterTable)
def _deserialize_table(_: ClusterTable, value: bytes, name: str, model: Model) -> ClusterTable:
    return ClusterTable.from_bytes(value)


def lexicon_features(attrs: list[str], cluster_shifts: list[int]) -> Model:
    """Docs → one ``uint64`` feature matrix per doc: spaCy attrs, then cluster columns."""
    from spacy.attrs import intify_attr

    attr_ids = [intify_attr(attr) for attr in attrs]
    # a partial of a module-level function, not a closure, so that the pipeline pickles
    forward = partial(_lexicon_forward, attr_ids=attr_ids, cluster_shifts=list(cluster_shifts))
    return Model("lexicon_features", forward, attrs={CLUSTER_ATTR: ClusterTable()})


def _lexicon_forward(model: Model, docs, is_train: bool, *, attr_ids: list[int], cluster_shifts: list[int]):
    from spacy.attrs import ORTH

    ops = model.ops
    arrays = [doc.to_array([*attr_ids, ORTH]) for doc in docs]  # the attrs, then the word's hash
    orths = numpy.concatenate([array[:, -1] for array in arrays]) if arrays else numpy.zeros(0, dtype="uint64")
    table = model.attrs[CLUSTER_ATTR]
    if len(table):
        packed_all = table.lookup(orths)  # one lookup for the whole batch
    else:  # a pipeline saved before the table moved into this layer
        old = docs[0].vocab.lookups.get_table(CLUSTER_TABLE, {}) if docs else {}
        packed_all = numpy.asarray([old.get(int(orth), 0) for orth in orths], dtype="uint64")
    outputs = []
    start = 0
    for array in arrays:
        packed = ops.xp.asarray(packed_all[start : start + len(array)])
        start += len(array)
        cluster = packed >> FREQ_BITS
        columns = [array[:, :-1].astype("uint64")]
        columns.extend((cluster >> shift).reshape((-1, 1)) for shift in cluster_shifts)
        columns.append((packed & ((1 << FREQ_BITS) - 1)).reshape((-1, 1)))
        outputs.append(ops.asarray2i(ops.xp.hstack(columns), dtype="uint64"))
    return outputs, _no_gradient


def _no_gradient(d_outputs):
    return []


@registry.architectures("entitykit.LexiconEmbed.v1")
def lexicon_embed(
    width: int,
    attrs: list[str],
    rows: list[int],
    cluster_shifts: list[int],
    cluster_rows: int,
) -> Model:
    """Hash-embed token attributes plus Brown-cluster and frequency-band features.

    width: output width and width of every embedding table.
    attrs, rows: spaCy token attributes and the rows of each one's hash table.
    cluster_shifts: right shifts of the cluster path (0 = the leaf, larger = coarser).
    cluster_rows: rows of each cluster and of the frequency-band table.
    """
    if len(rows) != len(attrs):
        raise ValueError(f"Mismatched lengths: {len(rows)} rows vs {len(attrs)} attrs")
    all_rows = list(rows) + [cluster_rows] * (len(cluster_shifts) + 1)
    embeddings = [
        HashEmbed(width, n_rows, column=index, seed=8 + index, dropout=0.0)
        for index, n_rows in enumerate(all_rows)
    ]
    return chain(
        lexicon_features(attrs, cluster_shifts),
        list2ragged(),
        with_array(concatenate(*embeddings)),
        with_array(Maxout(width, width * len(embeddings), nP=3, dropout=0.0, normalize=True)),
        ragged2list(),
    )


def pack_cluster_table(clusters: dict[str, int], max_words: int) -> dict[str, int]:
    """Keep the ``max_words`` most frequent words of a frequency-ordered cluster table.

    Each value becomes ``(cluster << FREQ_BITS) | band`` where ``band`` (1-31) is the
    log2 frequency rank, so the table also tells a common word from a rare one.
    """
    packed = {}
    for rank, (word, cluster) in enumerate(clusters.items()):
        if rank >= max_words:
            break
        band = min((rank + 1).bit_length(), (1 << FREQ_BITS) - 1)
        packed[word] = (int(cluster) << FREQ_BITS) | band
    return packed


CLUSTER_CALLBACK = "entitykit.add_cluster_table.v2"


@registry.callbacks(CLUSTER_CALLBACK)
def add_cluster_table(max_words: int = 300_000) -> Callable:
    """Training callback for ``[initialize] after_init``: give the embedding layer the German
    Brown-cluster table of the ``max_words`` most frequent words.

    After, not before, init: spaCy loads pretrained tok2vec weights (``init_tok2vec``) after
    initialising the components, and those weights would replace an earlier table. Needs
    spacy-lookups-data at training time only; the table is saved in the tok2vec's model file.
    """

    def add(nlp):
        table = ClusterTable.from_dict(pack_cluster_table(_german_clusters(), max_words))
        if not set_cluster_table(nlp, table):
            raise ValueError(
                f"{CLUSTER_CALLBACK}: the pipeline has no entitykit.LexiconEmbed.v1 layer to take "
                "the table; use it only with that architecture in [components.tok2vec.model.embed]"
            )
        return nlp

    return add


def set_cluster_table(nlp, table: ClusterTable) -> int:
    """Give each ``entitykit.LexiconEmbed.v1`` layer of ``nlp`` this table; how many took it."""
    layers = 0
    for _, component in nlp.components:
        model = getattr(component, "model", None)
        for node in model.walk() if isinstance(model, Model) else ():
            if CLUSTER_ATTR in node.attrs:
                node.attrs[CLUSTER_ATTR] = table
                layers += 1
    return layers


def move_cluster_table(nlp) -> bool:
    """Move the table of a pipeline saved before it lived in the layer (the vocab's
    ``lexeme_cluster`` lookups table) into its embedding layers; whether there was one.

    Predictions stay the same; saved again, the pipeline loads without building a dict of a
    million entries. A config that names the old ``before_init`` callback
    (``entitykit.add_cluster_table.v1``) gets the new one as ``after_init`` instead.
    """
    if CLUSTER_TABLE not in nlp.vocab.lookups:
        return False
    set_cluster_table(nlp, ClusterTable.from_dict(nlp.vocab.lookups.get_table(CLUSTER_TABLE)))
    nlp.vocab.lookups.remove_table(CLUSTER_TABLE)
    config = nlp.config
    init = config.get("initialize", {})
    before = init.get("before_init")
    if isinstance(before, dict) and before.get("@callbacks") == "entitykit.add_cluster_table.v1" and init.get("after_init") is None:
        init["before_init"] = None
        init["after_init"] = {**before, "@callbacks": CLUSTER_CALLBACK}
        nlp.config = config
    return True


def _german_clusters() -> dict[str, int]:
    """spacy-lookups-data's German Brown clusters, in the file's (frequency) order."""
    import gzip
    import json

    import spacy_lookups_data

    path = spacy_lookups_data.__path__[0] + "/data/de_lexeme_cluster.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


@registry.augmenters("entitykit.news_augmenter.v1")
def news_augmenter(
    upper_level: float,
    whitespace_level: float,
    whitespace_per_token: float,
    whitespace_variants: list[str],
) -> Callable:
    """Training augmenter for scraped news: upper-cased datelines and stray line breaks.

    upper_level: share of sentences whose first tokens, up to the first comma (at most 4),
        are upper-cased, as in "MOSKAU, 10. Januar (BelTA) -".
    whitespace_*: spaCy's whitespace augmentation, so that line breaks inside scraped text
        never become part of an entity.
    """
    import random

    from spacy.training.augment import combined_augmenter

    def augment(nlp, example):
        if random.random() < upper_level:
            example = _upper_dateline(nlp, example)
        yield from combined_augmenter(
            nlp,
            example,
            whitespace_level=whitespace_level,
            whitespace_per_token=whitespace_per_token,
            whitespace_variants=whitespace_variants,
        )

    return augment


def _upper_dateline(nlp, example):
    from spacy.training.augment import _doc_to_biluo_tags_with_partial

    reference = example.reference
    stop = next((token.i for token in reference[:5] if token.text == ","), min(len(reference), 4))
    words = [token.text.upper() if token.i < stop else token.text for token in reference]
    text = "".join(word + token.whitespace_ for word, token in zip(words, reference))
    data = example.to_dict()
    data["doc_annotation"]["entities"] = _doc_to_biluo_tags_with_partial(reference)
    data["token_annotation"]["ORTH"] = words
    return example.from_dict(nlp.make_doc(text), data)
