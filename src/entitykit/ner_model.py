"""The embedding layer of entitykit's bundled German NER pipeline.

German capitalises every noun, so a capital letter says little about whether a word is a
name. Word clusters learnt from a large German corpus do: *Merkel*, *Schmidt* and
*Lukaschenko* share a cluster, *Haus* and *Regierung* do not. This layer embeds, next to the
usual hashed NORM/PREFIX/SUFFIX/SHAPE features, a token's Brown cluster (at several depths of
the cluster tree) and a frequency band, read from a :class:`ClusterTable` (built from
spacy-lookups-data's German tables) that the layer carries and saves with its weights.
Version 2 also embeds **gazetteer flags**: whether the word, in any case, is part of a name
entitykit's knowledge base knows (a person name, the first or a later word of a place's name,
a registry organisation, a legal form, an institution head such as *-ministerium*), read from
a second table keyed by the lower-cased word (:func:`gazetteer_values`). A word in
capitals that the cluster table lacks (a headline's *MOSKAU*) gets the cluster of its
capitalised spelling (*Moskau*) when the layer is built with ``upper_case`` (earlier models
carry the capitals of the most frequent words in the table itself).

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
# The layer attribute that holds the gazetteer flags by lower-cased word (LexiconEmbed.v2).
GAZETTEER_ATTR = "gazetteer_table"
# The bits of a word's gazetteer value: the parts of known names it plays.
GAZETTEER_FLAGS = {
    "person": 1,  # a word of a given name or surname (rigour/Wikidata, the registry's people)
    "area": 2,  # the first word of a country's or region's name
    "city": 4,  # the first word of another place's name
    "place": 8,  # a later word of a place name
    "place_alone": 16,  # names one place alone (the gazetteer's noise rules)
    "org": 32,  # the first word of a registry organisation's name
    "org_more": 64,  # a later word of one
    "legal": 128,  # a word of a legal form (GmbH, AG, OAO)
    "head": 256,  # an institution head, alone or closing a compound (Außenministerium)
    "org_word": 512,  # a word typical of organisation names (rigour: Bank, Airlines, Holding)
}
# Head nouns of named institutions, normalised; a compound counts when it ends in one.
INSTITUTION_HEADS = (
    "ministerium", "kommission", "parlament", "rat", "partei", "komitee", "bank",
    "agentur", "amt", "behoerde", "gericht", "regierung", "versammlung", "union", "verband",
    "gewerkschaft", "konzern", "stiftung", "institut", "universitaet", "hochschule", "duma",
    "rada", "tag", "kongress", "senat", "organisation", "gesellschaft", "vereinigung", "fonds",
    "dienst", "armee", "gruppe", "holding", "werke", "verein", "liga", "akademie", "kammer",
    "bund", "direktion", "praesidium", "allianz", "bewegung", "buendnis", "kanzleramt",
    "staatsanwaltschaft", "ausschuss", "zentrale", "militaer", "streitkraefte", "garde",
)
# Compounds that end in a head but are no institution.
NOT_INSTITUTIONS = frozenset({
    "vorrat", "heirat", "apparat", "verrat", "hausrat", "zierat", "insgesamt", "gesamt",
    "montag", "dienstag", "donnerstag", "freitag", "samstag", "sonntag", "feiertag", "geburtstag",
    "alltag", "vortag", "nachmittag", "vormittag", "mittag", "jahrestag", "wochentag", "werktag",
    "spieltag", "stichtag", "verdienst", "gottesdienst", "verbund", "gericht",
})
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
        """The two arrays as little-endian buffers in a msgpack map; the values in 16 bits when
        they all fit (a gazetteer table's flags), else in 32."""
        narrow = not len(self.values) or int(self.values.max()) < 1 << 16
        values = self.values.astype("<u2" if narrow else "<u4")
        return srsly.msgpack_dumps({"keys": self.keys.astype("<u8").tobytes(), "values": values.tobytes()})

    @classmethod
    def from_bytes(cls, data: bytes) -> ClusterTable:
        """The table of :meth:`to_bytes`; the keys are a view of ``data``, not a copy."""
        msg = srsly.msgpack_loads(data)
        keys = numpy.frombuffer(msg["keys"], dtype="<u8").astype("uint64", copy=False)
        width = len(msg["values"]) // len(keys) if len(keys) else 4
        values = numpy.frombuffer(msg["values"], dtype="<u2" if width == 2 else "<u4").astype("uint32", copy=False)
        return cls(keys, values)


# thinc saves a layer's attrs with msgpack; the table goes as two raw buffers instead.
@serialize_attr.register(ClusterTable)
def _serialize_table(_: ClusterTable, value: ClusterTable, name: str, model: Model) -> bytes:
    return value.to_bytes()


@deserialize_attr.register(ClusterTable)
def _deserialize_table(_: ClusterTable, value: bytes, name: str, model: Model) -> ClusterTable:
    return ClusterTable.from_bytes(value)


def lexicon_features(
    attrs: list[str], cluster_shifts: list[int], gazetteer: bool = False, upper_case: bool = False
) -> Model:
    """Docs → one ``uint64`` feature matrix per doc: spaCy attrs, then cluster columns, then
    (with ``gazetteer``) the word's gazetteer flags. With ``upper_case``, a word in capitals
    the cluster table lacks takes the value of its capitalised spelling (:func:`_capitals_values`)."""
    from spacy.attrs import intify_attr

    attr_ids = [intify_attr(attr) for attr in attrs]
    # a partial of a module-level function, not a closure, so that the pipeline pickles
    forward = partial(
        _lexicon_forward, attr_ids=attr_ids, cluster_shifts=list(cluster_shifts), gazetteer=gazetteer,
        upper_case=upper_case,
    )
    tables = {CLUSTER_ATTR: ClusterTable()}
    if gazetteer:
        tables[GAZETTEER_ATTR] = ClusterTable()
    return Model("lexicon_features", forward, attrs=tables)


def _lexicon_forward(
    model: Model,
    docs,
    is_train: bool,
    *,
    attr_ids: list[int],
    cluster_shifts: list[int],
    gazetteer: bool = False,
    upper_case: bool = False,
):
    from spacy.attrs import IS_UPPER, LOWER, ORTH

    ops = model.ops
    extra = ([IS_UPPER] if upper_case else []) + ([ORTH, LOWER] if gazetteer else [ORTH])
    arrays = [doc.to_array([*attr_ids, *extra]) for doc in docs]  # the attrs, then the word's hashes

    def last_column():  # the batch's last column, taken off every array
        nonlocal arrays
        column = numpy.concatenate([array[:, -1] for array in arrays]) if arrays else numpy.zeros(0, dtype="uint64")
        arrays = [array[:, :-1] for array in arrays]
        return column

    if gazetteer:
        flags_all = model.attrs[GAZETTEER_ATTR].lookup(last_column())
    orths = last_column()
    uppers = last_column() if upper_case else None
    table = model.attrs[CLUSTER_ATTR]
    if len(table):
        packed_all = table.lookup(orths)  # one lookup for the whole batch
        if uppers is not None:
            missing = numpy.flatnonzero((uppers != 0) & (packed_all == 0))
            if len(missing):
                packed_all[missing] = _capitals_values(table, orths[missing], docs[0].vocab.strings)
    else:  # a pipeline saved before the table moved into this layer
        old = docs[0].vocab.lookups.get_table(CLUSTER_TABLE, {}) if docs else {}
        packed_all = numpy.asarray([old.get(int(orth), 0) for orth in orths], dtype="uint64")
    outputs = []
    start = 0
    for array in arrays:
        packed = ops.xp.asarray(packed_all[start : start + len(array)])
        start += len(array)
        cluster = packed >> FREQ_BITS
        columns = [array.astype("uint64")]
        columns.extend((cluster >> shift).reshape((-1, 1)) for shift in cluster_shifts)
        columns.append((packed & ((1 << FREQ_BITS) - 1)).reshape((-1, 1)))
        if gazetteer:
            columns.append(ops.xp.asarray(flags_all[start - len(array) : start]).reshape((-1, 1)))
        outputs.append(ops.asarray2i(ops.xp.hstack(columns), dtype="uint64"))
    return outputs, _no_gradient


def _capitals_values(table: ClusterTable, orths: numpy.ndarray, strings) -> numpy.ndarray:
    """The table's values for words in capitals, read under their capitalised spelling
    (*MOSKAU* → *Moskau*, *NORD-OSTSEE* → *Nord-Ostsee*; 0 where the table has neither).

    >>> import spacy
    >>> strings = spacy.blank("de").vocab.strings
    >>> table = ClusterTable.from_dict({"Moskau": 5, "Nord-Ostsee": 7})
    >>> orths = numpy.asarray([strings.add(w) for w in ("MOSKAU", "NORD-OSTSEE", "OVKS")], dtype="uint64")
    >>> _capitals_values(table, orths, strings).tolist()
    [5, 7, 0]
    """
    from spacy.strings import get_string_id

    words = [strings[int(orth)] for orth in orths]
    values = table.lookup([get_string_id(_capitalised(word.lower())) for word in words])
    unknown = numpy.flatnonzero(values == 0)
    if len(unknown):
        values[unknown] = table.lookup([get_string_id(words[index].title()) for index in unknown])
    return values


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


@registry.architectures("entitykit.LexiconEmbed.v2")
def lexicon_embed_v2(
    width: int,
    attrs: list[str],
    rows: list[int],
    cluster_shifts: list[int],
    cluster_rows: int,
    gazetteer_rows: int,
    upper_case: bool = False,
    include_static_vectors: bool = False,
    character_width: int = 0,
    characters: int = 8,
) -> Model:
    """:func:`lexicon_embed` plus a table of ``gazetteer_rows`` rows for the gazetteer flags
    (0: none, as version 1); with ``upper_case``, a word in capitals that the cluster table
    lacks takes its capitalised spelling's cluster (models trained before it carry the
    capitals in the table); with ``include_static_vectors``, the pipeline's word vectors (floret
    or a table, ``[initialize] vectors``) projected to ``width`` next to the tables, as spaCy's
    ``MultiHashEmbed`` does; with ``character_width`` above 0, an embedding of that width for
    each of the word's first and last ``characters`` / 2 characters, as spaCy's
    ``CharacterEmbed`` does (0: none, the shipped structure)."""
    if len(rows) != len(attrs):
        raise ValueError(f"Mismatched lengths: {len(rows)} rows vs {len(attrs)} attrs")
    all_rows = list(rows) + [cluster_rows] * (len(cluster_shifts) + 1) + ([gazetteer_rows] if gazetteer_rows else [])
    embeddings = [
        HashEmbed(width, n_rows, column=index, seed=8 + index, dropout=0.0)
        for index, n_rows in enumerate(all_rows)
    ]
    features = lexicon_features(attrs, cluster_shifts, gazetteer=bool(gazetteer_rows), upper_case=upper_case)
    mix_in = width * (len(embeddings) + include_static_vectors) + character_width * characters
    mix = with_array(Maxout(width, mix_in, nP=3, dropout=0.0, normalize=True))
    if character_width:  # (a layer of its own, as the vectors': the pipelines without keep their structure)
        from spacy.ml._character_embed import CharacterEmbed

        tables = chain(features, list2ragged(), with_array(concatenate(*embeddings)))
        chars = chain(CharacterEmbed(nM=character_width, nC=characters), list2ragged())
        return chain(concatenate(tables, chars), mix, ragged2list())
    if include_static_vectors:  # (a layer of its own: the pipelines without keep their structure)
        from spacy.ml.staticvectors import StaticVectors

        tables = chain(features, list2ragged(), with_array(concatenate(*embeddings)))
        return chain(concatenate(tables, StaticVectors(width, dropout=0.0)), mix, ragged2list())
    return chain(features, list2ragged(), with_array(concatenate(*embeddings)), mix, ragged2list())


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


def with_upper_case(packed: dict[str, int], words: Iterable[str], upper_words: int) -> dict[str, int]:
    """``packed`` plus the upper-cased spelling of the first ``upper_words`` capitalised words,
    with the value of the word (headlines and datelines: *MOSKAU* gets *Moskau*'s cluster). A
    spelling the table has of its own keeps its value.

    >>> with_upper_case({"Moskau": 5, "EU": 7, "und": 9}, ["Moskau", "EU", "und"], 10)
    {'Moskau': 5, 'EU': 7, 'und': 9, 'MOSKAU': 5}
    """
    table = dict(packed)
    for rank, word in enumerate(words):
        if rank >= upper_words:
            break
        upper = word.upper()
        if word[:1].isupper() and upper != word and upper not in table and word in packed:
            table[upper] = packed[word]
    return table


def gazetteer_values(words: Iterable[str], registry=None, *, org_words: bool = True) -> dict[str, int]:
    """The gazetteer flags (:data:`GAZETTEER_FLAGS`) of each lower-cased word of ``words`` (in
    order of frequency, the cluster list's) and of the knowledge base's own words; words with
    none are left out.

    Noise control: a word shorter than three letters is only ever a legal form (*AG*); a word
    German writes in small letters more often than capitalised (*der*, *am*, *von*) plays no
    part; ``registry`` (default: entitykit's bundled one) adds its organisations and people;
    ``org_words=False`` leaves out the ``org_word`` flag (the pipelines trained before it).

    >>> values = gazetteer_values(["der", "Lukaschenko", "Minsk", "Der", "GmbH", "Außenministerium", "Heirat"])
    >>> [name for name, bit in GAZETTEER_FLAGS.items() if values["minsk"] & bit]  # also a surname
    ['person', 'city', 'place_alone', 'org_more']
    >>> values["lukaschenko"], values["gmbh"], "der" in values, "heirat" in values
    (1, 128, False, False)
    >>> [name for name, bit in GAZETTEER_FLAGS.items() if values["außenministerium"] & bit]
    ['org', 'head']
    """
    from entitykit.aliases import default_registry
    from entitykit.knowledge import name_words
    from entitykit.normalize import normalize

    parts = dict(name_words())
    registry = default_registry() if registry is None else registry
    org, org_more, person = set(), set(), set()
    for entity in registry:
        for name in entity.names:
            first, *rest = normalize(name).split() or [""]
            if entity.label == "ORG":
                org.add(first)
                org_more.update(rest)
            elif entity.label == "PER":
                person.update([first, *rest])
    parts.update(org=frozenset(org), org_more=frozenset(org_more), person=parts["person"] | person)
    if not org_words:
        parts["org_word"] = frozenset()

    small: dict[str, int] = {}  # rank of each word written in small letters
    cased: dict[str, int] = {}  # best rank of a spelling with capitals, by its small-letter form
    for index, word in enumerate(words):
        (small if word == word.lower() else cased).setdefault(word.lower(), index)
    lowered = set(small) | set(cased)
    lowered.update(*(parts[part] for part in ("person", "area", "city", "place", "org", "org_more", "legal", "org_word")))
    values = {}
    for word in lowered:
        key = normalize(word)
        if not key or " " in key:
            continue
        if small.get(word, 1 << 40) < cased.get(word, 1 << 40):
            continue  # written small more often than capitalised: a function word, not a name
        value = sum(bit for part, bit in GAZETTEER_FLAGS.items() if part in parts and key in parts[part])
        if len(key) < 3:
            value &= GAZETTEER_FLAGS["legal"]
        elif _institution_head(key):
            value |= GAZETTEER_FLAGS["head"]
        if value:
            values[word] = value
    return values


def _institution_head(key: str) -> bool:
    """Whether a normalised word is an institution head or a compound ending in one.

    >>> [_institution_head(word) for word in ("aussenministerium", "sicherheitsrat", "heirat", "rat", "bundestag", "montag")]
    [True, True, False, True, True, False]
    """
    if key in NOT_INSTITUTIONS:
        return False
    return any(key == head or (key.endswith(head) and len(key) >= len(head) + 3) for head in INSTITUTION_HEADS)


CLUSTER_CALLBACK = "entitykit.add_cluster_table.v2"
LEXICON_CALLBACK = "entitykit.add_lexicon_tables.v1"


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


@registry.callbacks("entitykit.load_vectors.v1")
def load_vectors(path: str | None) -> Callable:
    """Callback for ``[nlp] after_creation``: load the word vectors of the spaCy pipeline at
    ``path`` (``spacy init vectors``) into the new pipeline, so that ``spacy pretrain``, which
    runs no ``[initialize]``, sees them too (LexiconEmbed.v2 ``include_static_vectors``).
    ``None`` loads nothing: a trained pipeline keeps its vectors in its own vocab."""

    def after_creation(nlp):
        if path is not None:
            from spacy.training.initialize import load_vectors_into_model

            load_vectors_into_model(nlp, path)
        return nlp

    return after_creation


@registry.callbacks("entitykit.numpy_matmul.v1")
def numpy_matmul() -> Callable:
    """Callback for ``[nlp] after_pipeline_creation``: numpy's BLAS multiplies the matrices
    (:func:`entitykit.models.multiply_with_numpy`), in training as at run time: on the
    project's machine an update step takes about half the time (benchmarks/RESULTS.md)."""

    def after_pipeline_creation(nlp):
        from entitykit.models import multiply_with_numpy

        multiply_with_numpy(nlp)
        return nlp

    return after_pipeline_creation


def forget_vectors_source(nlp) -> None:
    """Drop the :func:`load_vectors` callback from a trained pipeline's config before saving it:
    its vectors are in its vocab, and the training files it named are not on a user's machine."""
    if nlp.config["nlp"].get("after_creation"):
        nlp.config["nlp"]["after_creation"] = None


@registry.callbacks(LEXICON_CALLBACK)
def add_lexicon_tables(
    max_words: int = 1_000_000, upper_words: int = 300_000, gazetteer: bool = True, org_words: bool = False
) -> Callable:
    """Training callback for ``[initialize] after_init`` (LexiconEmbed.v2): the cluster table of
    the ``max_words`` most frequent words plus the upper-cased spelling of the first
    ``upper_words`` (:func:`with_upper_case`), and with ``gazetteer`` the gazetteer table
    (:func:`gazetteer_values`) over the same words, with the flag of words typical of
    organisation names (``org_word``) only when ``org_words`` is set: the shipped pipeline and
    every earlier one were trained without it (run g15 in training/RESULTS.md tried it)."""

    def add(nlp):
        clusters = _german_clusters()
        packed = with_upper_case(pack_cluster_table(clusters, max_words), clusters, upper_words)
        tables = {CLUSTER_ATTR: ClusterTable.from_dict(packed)}
        if gazetteer:
            words = [word for rank, word in zip(range(max_words), clusters)]
            tables[GAZETTEER_ATTR] = ClusterTable.from_dict(gazetteer_values(words, org_words=org_words))
        for attr, table in tables.items():
            if not set_cluster_table(nlp, table, attr):
                raise ValueError(
                    f"{LEXICON_CALLBACK}: the pipeline has no entitykit.LexiconEmbed layer with a {attr}; "
                    "use LexiconEmbed.v2 (with gazetteer_rows > 0 for the gazetteer) in [components.tok2vec.model.embed]"
                )
        return nlp

    return add


def set_cluster_table(nlp, table: ClusterTable, attr: str = CLUSTER_ATTR) -> int:
    """Give each ``entitykit.LexiconEmbed`` layer of ``nlp`` this table (as ``attr``: the
    cluster or the gazetteer table); how many took it."""
    layers = 0
    for _, component in nlp.components:
        model = getattr(component, "model", None)
        for node in model.walk() if isinstance(model, Model) else ():
            if attr in node.attrs:
                node.attrs[attr] = table
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


@registry.scorers("entitykit.ner_scorer.v1")
def make_ner_scorer() -> Callable:
    """spaCy's NER scores plus ``ents_core_p/r/f``: micro P/R/F1 over PER, ORG and LOC only.

    entitykit uses persons, organisations and places; MISC is trained because the corpora tag
    it, but a checkpoint should not be kept for its MISC. Set ``ents_core_f`` as the only
    score weight to select the best step on the three labels, the figure
    ``entitykit evaluate ner`` reports.
    """
    return score_ner


def score_ner(examples: Iterable, **kwargs) -> dict:
    from spacy.scorer import get_ner_prf

    from entitykit.evaluate import score_spans

    examples = list(examples)
    scores = get_ner_prf(examples, **kwargs)
    core, _ = score_spans((eg.reference for eg in examples), (eg.predicted for eg in examples))
    scores.update({"ents_core_p": core.p, "ents_core_r": core.r, "ents_core_f": core.f})
    return scores


@registry.augmenters("entitykit.news_augmenter.v1")
def news_augmenter(
    upper_level: float,
    whitespace_level: float,
    whitespace_per_token: float,
    whitespace_variants: list[str],
) -> Callable:
    """Version 1: upper-cased datelines and stray line breaks only."""
    return news_augmenter_v2(upper_level, 0.0, 0.0, whitespace_level, whitespace_per_token, whitespace_variants)


@registry.augmenters("entitykit.news_augmenter.v2")
def news_augmenter_v2(
    upper_level: float,
    upper_sentence_level: float,
    title_sentence_level: float,
    whitespace_level: float,
    whitespace_per_token: float,
    whitespace_variants: list[str],
) -> Callable:
    """Version 3 without mention replacement."""
    return news_augmenter_v3(
        upper_level, upper_sentence_level, title_sentence_level, whitespace_level, whitespace_per_token,
        whitespace_variants, mention_level=0.0,
    )


@registry.augmenters("entitykit.news_augmenter.v3")
def news_augmenter_v3(
    upper_level: float,
    upper_sentence_level: float,
    title_sentence_level: float,
    whitespace_level: float,
    whitespace_per_token: float,
    whitespace_variants: list[str],
    mention_level: float = 0.0,
    mention_labels: list[str] = ["PER", "ORG", "LOC"],
    mention_pool: int = 20_000,
) -> Callable:
    """Training augmenter for scraped news: upper-cased datelines and stray line breaks, and
    names swapped for others.

    upper_level: share of sentences whose first tokens, up to the first comma (at most 4),
        are upper-cased, as in "MOSKAU, 10. Januar (BelTA) -".
    upper_sentence_level, title_sentence_level: shares of sentences upper-cased whole (a
        headline in capitals) and with every word capitalised (an English-style headline).
    whitespace_*: spaCy's whitespace augmentation, so that line breaks inside scraped text
        never become part of an entity.
    mention_level: share of sentences in which every name of ``mention_labels`` is replaced by
        another name of its label that training has read (a pool of ``mention_pool`` names
        kept by reservoir sampling over all names read), so that the network learns a name
        from the words around it, not only from the name itself: the organisations it misses
        are names it never saw (*Saperion*, *Transocean*). 0 draws no random number for it,
        so version 2's runs are unchanged.
    """
    import random

    from spacy.training.augment import combined_augmenter

    pools: dict[str, list[tuple[str, ...]]] = {label: [] for label in mention_labels}
    seen = [0]

    def remember(example) -> None:
        for ent in example.reference.ents:
            pool = pools.get(ent.label_)
            if pool is None:
                continue
            words = tuple(token.text for token in ent)
            seen[0] += 1
            if len(pool) < mention_pool:
                pool.append(words)
            else:  # a reservoir: every name read so far equally likely to stay
                slot = random.randrange(seen[0])
                if slot < mention_pool:
                    pool[slot] = words

    def augment(nlp, example):
        if mention_level:
            remember(example)
            if random.random() < mention_level:
                example = _mentions_replaced(nlp, example, pools)
        draw = random.random()
        if draw < upper_sentence_level:
            example = _recased(nlp, example, str.upper)
        elif draw < upper_sentence_level + title_sentence_level:
            example = _recased(nlp, example, _capitalised)
        elif random.random() < upper_level:
            example = _upper_dateline(nlp, example)
        yield from combined_augmenter(
            nlp,
            example,
            whitespace_level=whitespace_level,
            whitespace_per_token=whitespace_per_token,
            whitespace_variants=whitespace_variants,
        )

    return augment


def _mentions_replaced(nlp, example, pools: dict[str, list[tuple[str, ...]]]):
    """The example with each name of a label in ``pools`` replaced by a random name of that label
    from the pool (unchanged when no pool of its labels has names yet)."""
    import random

    from spacy.training import Example
    from spacy.tokens import Doc, Span

    reference = example.reference
    if not all(token.ent_iob_ for token in reference):  # a sentence with unannotated tokens stays as it is
        return example
    words: list[str] = []
    spaces: list[bool] = []
    ents: list[tuple[int, int, str]] = []
    position = 0
    changed = False
    for ent in reference.ents:
        pool = pools.get(ent.label_)
        for token in reference[position : ent.start]:
            words.append(token.text)
            spaces.append(bool(token.whitespace_))
        start = len(words)
        if pool:
            replacement = random.choice(pool)
            changed = True
        else:
            replacement = tuple(token.text for token in ent)
        words.extend(replacement)
        spaces.extend([True] * (len(replacement) - 1) + [bool(ent[-1].whitespace_)])
        ents.append((start, len(words), ent.label_))
        position = ent.end
    if not changed:
        return example
    for token in reference[position:]:
        words.append(token.text)
        spaces.append(bool(token.whitespace_))
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    doc.ents = [Span(doc, start, end, label=label) for start, end, label in ents]
    predicted = nlp.make_doc(doc.text)
    return Example(predicted, doc)


def _capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]


def _upper_dateline(nlp, example):
    reference = example.reference
    stop = next((token.i for token in reference[:5] if token.text == ","), min(len(reference), 4))
    return _recased(nlp, example, str.upper, stop)


def _recased(nlp, example, case: Callable[[str], str], stop: int | None = None):
    """The example with the text of its first ``stop`` tokens (all: None) put through ``case``."""
    from spacy.training.augment import _doc_to_biluo_tags_with_partial

    reference = example.reference
    stop = len(reference) if stop is None else stop
    words = [case(token.text) if token.i < stop else token.text for token in reference]
    text = "".join(word + token.whitespace_ for word, token in zip(words, reference))
    data = example.to_dict()
    data["doc_annotation"]["entities"] = _doc_to_biluo_tags_with_partial(reference)
    data["token_annotation"]["ORTH"] = words
    return example.from_dict(nlp.make_doc(text), data)
