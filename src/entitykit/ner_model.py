"""The embedding layer of entitykit's bundled German NER pipeline.

German capitalises every noun, so a capital letter says little about whether a word is a
name. Word clusters learnt from a large German corpus do: *Merkel*, *Schmidt* and
*Lukaschenko* share a cluster, *Haus* and *Regierung* do not. This layer embeds, next to the
usual hashed NORM/PREFIX/SUFFIX/SHAPE features, a token's Brown cluster (at several depths of
the cluster tree) and a frequency band, read from the ``lexeme_cluster`` lookups table that
travels with the pipeline's vocab (built from spacy-lookups-data's German tables).

spaCy finds the architecture through the ``spacy_architectures`` entry point, so a saved
pipeline loads with plain ``spacy.load``.
"""

from __future__ import annotations

from typing import Callable

from spacy.util import registry
from thinc.api import HashEmbed, Maxout, Model, chain, concatenate, list2ragged, ragged2list, with_array

CLUSTER_TABLE = "lexeme_cluster"
# Table values pack a cluster path and a frequency band: (cluster << FREQ_BITS) | band.
FREQ_BITS = 5


def lexicon_features(attrs: list[str], cluster_shifts: list[int]) -> Model:
    """Docs → one ``uint64`` feature matrix per doc: spaCy attrs, then cluster columns."""
    from spacy.attrs import intify_attr

    attr_ids = [intify_attr(attr) for attr in attrs]

    def forward(model: Model, docs, is_train: bool):
        ops = model.ops
        outputs = []
        for doc in docs:
            table = doc.vocab.lookups.get_table(CLUSTER_TABLE, {})
            base = doc.to_array(attr_ids)
            if base.ndim == 1:
                base = base.reshape((-1, 1))
            packed = ops.xp.asarray([table.get(token.orth, 0) for token in doc], dtype="uint64")
            cluster = packed >> FREQ_BITS
            columns = [base.astype("uint64")]
            columns.extend((cluster >> shift).reshape((-1, 1)) for shift in cluster_shifts)
            columns.append((packed & ((1 << FREQ_BITS) - 1)).reshape((-1, 1)))
            outputs.append(ops.asarray2i(ops.xp.hstack(columns), dtype="uint64"))
        return outputs, lambda d_outputs: []

    return Model("lexicon_features", forward)


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


@registry.callbacks("entitykit.add_cluster_table.v1")
def add_cluster_table(max_words: int = 300_000) -> Callable:
    """Training callback: put the German Brown-cluster table into the pipeline's vocab.

    Needs spacy-lookups-data at training time only; the table is then saved with the model.
    """

    def add(nlp):
        if CLUSTER_TABLE in nlp.vocab.lookups:
            nlp.vocab.lookups.remove_table(CLUSTER_TABLE)
        nlp.vocab.lookups.add_table(CLUSTER_TABLE, pack_cluster_table(_german_clusters(), max_words))
        return nlp

    return add


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
