"""A tiny pipeline shaped like spaCy's ``de_core_news_md``, trained in seconds (issue 11, items 21-25).

The real model has tok2vec, tagger, morphologizer, parser, a trainable lemmatizer named
``lemmatizer``, a disabled senter, attribute_ruler and ner (the senter and the ner with
embeddings of their own; the others listen to the shared tok2vec). So does this one,
with narrow layers, trained for 20 iterations on the four sentences below (and two documents of
two sentences each, so that sentence boundaries are learnt), until it reproduces them.

Its tag set has no ``$(`` and its strings no *Schnellreaktionskraft*: the lemmatizer lemmatises
*OVKS-Schnellreaktionskräften* to *OVKS-Schnellreaktionskraft*, and splitting that compound
makes both strings, as with the real model (item 21).

Used through the ``md_pipeline_path`` fixture of ``conftest.py`` (built once per session, about
3 s); :func:`install_as_package` makes a copy importable as an installed package.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

WIDTH = 32
LISTENER = {"@architectures": "spacy.Tok2VecListener.v1", "width": WIDTH, "upstream": "tok2vec"}
EMBEDDING = {
    "@architectures": "spacy.HashEmbedCNN.v2", "width": WIDTH, "depth": 1, "embed_size": 300,
    "window_size": 1, "maxout_pieces": 2, "subword_features": True, "pretrained_vectors": None,
}


def tagger_model(tok2vec: dict) -> dict:
    return {"@architectures": "spacy.Tagger.v2", "nO": None, "normalize": False, "tok2vec": tok2vec}


def parser_model(state_type: str, tok2vec: dict) -> dict:
    return {
        "@architectures": "spacy.TransitionBasedParser.v2", "state_type": state_type, "extra_state_tokens": False,
        "hidden_width": WIDTH, "maxout_pieces": 2, "use_upper": True, "nO": None, "tok2vec": tok2vec,
    }


# The components of de_core_news_md 3.8 in its order: (name, factory, config); the senter is disabled.
COMPONENTS = [
    ("tok2vec", "tok2vec", {"model": EMBEDDING}),
    ("tagger", "tagger", {"model": tagger_model(LISTENER)}),
    ("morphologizer", "morphologizer", {"model": tagger_model(LISTENER)}),
    # min_action_freq: on four sentences every transition is rare; 30 would drop even SHIFT
    ("parser", "parser", {"model": parser_model("parser", LISTENER), "min_action_freq": 1}),
    ("lemmatizer", "trainable_lemmatizer", {"model": tagger_model(LISTENER), "min_tree_freq": 1}),
    ("senter", "senter", {"model": tagger_model(EMBEDDING)}),
    ("attribute_ruler", "attribute_ruler", {}),
    ("ner", "ner", {"model": parser_model("ner", EMBEDDING)}),
]
NAME, VERSION = "core_news_md", "3.8.0"  # nlp.meta: the model is "de_core_news_md"

# word, tag, pos, morph, head, dep, lemma, entity (IOB)
SENTENCES = [
    [("Lukaschenko", "NE", "PROPN", "Case=Nom|Number=Sing", 1, "sb", "Lukaschenko", "B-PER"),
     ("kam", "VVFIN", "VERB", "Mood=Ind|Tense=Past", 1, "ROOT", "kommen", "O"),
     ("nach", "APPR", "ADP", "", 1, "mo", "nach", "O"),
     ("Minsk", "NE", "PROPN", "Case=Dat|Number=Sing", 2, "nk", "Minsk", "B-LOC"),
     (".", "$.", "PUNCT", "", 1, "punct", "--", "O")],
    [("Mit", "APPR", "ADP", "", 3, "mo", "mit", "O"),
     ("den", "ART", "DET", "Case=Dat|Number=Plur", 2, "nk", "der", "O"),
     ("OVKS-Schnellreaktionskräften", "NN", "NOUN", "Case=Dat|Number=Plur", 0, "nk", "OVKS-Schnellreaktionskraft", "O"),
     ("kam", "VVFIN", "VERB", "Mood=Ind|Tense=Past", 3, "ROOT", "kommen", "O"),
     ("Lukaschenko", "NE", "PROPN", "Case=Nom|Number=Sing", 3, "sb", "Lukaschenko", "B-PER"),
     ("nach", "APPR", "ADP", "", 3, "mo", "nach", "O"),
     ("Moskau", "NE", "PROPN", "Case=Dat|Number=Sing", 5, "nk", "Moskau", "B-LOC"),
     (".", "$.", "PUNCT", "", 3, "punct", "--", "O")],
    [("Die", "ART", "DET", "Case=Nom|Number=Sing", 1, "nk", "der", "O"),
     ("OVKS", "NE", "PROPN", "Case=Nom|Number=Sing", 2, "sb", "OVKS", "B-ORG"),
     ("tagte", "VVFIN", "VERB", "Mood=Ind|Tense=Past", 2, "ROOT", "tagen", "O"),
     ("in", "APPR", "ADP", "", 2, "mo", "in", "O"),
     ("Minsk", "NE", "PROPN", "Case=Dat|Number=Sing", 3, "nk", "Minsk", "B-LOC"),
     (".", "$.", "PUNCT", "", 2, "punct", "--", "O")],
    [("Tasmagambetow", "NE", "PROPN", "Case=Nom|Number=Sing", 1, "sb", "Tasmagambetow", "B-PER"),
     ("sprach", "VVFIN", "VERB", "Mood=Ind|Tense=Past", 1, "ROOT", "sprechen", "O"),
     ("in", "APPR", "ADP", "", 1, "mo", "in", "O"),
     ("Moskau", "NE", "PROPN", "Case=Dat|Number=Sing", 2, "nk", "Moskau", "B-LOC"),
     (".", "$.", "PUNCT", "", 1, "punct", "--", "O")],
]
DOCUMENTS = [[0], [1], [2], [3], [0, 3], [2, 1]]  # sentences of each training document
COMPOUND_SENTENCE = "Mit den OVKS-Schnellreaktionskräften kam Lukaschenko nach Moskau."


def training_docs(vocab) -> list:
    """The training documents as gold ``Doc`` objects (tags, morphology, parse, lemmas,
    entities, sentence starts)."""
    from spacy.tokens import Doc

    docs = []
    for sentence_ids in DOCUMENTS:
        rows, sent_starts = [], []
        for sentence_id in sentence_ids:
            offset = len(rows)
            for i, (word, tag, pos, morph, head, dep, lemma, ent) in enumerate(SENTENCES[sentence_id]):
                rows.append((word, tag, pos, morph, head + offset, dep, lemma, ent))
                sent_starts.append(i == 0)
        words, tags, pos, morphs, heads, deps, lemmas, ents = map(list, zip(*rows))
        spaces = [i + 1 < len(words) and words[i + 1] != "." for i in range(len(words))]
        docs.append(Doc(vocab, words=words, spaces=spaces, tags=tags, pos=pos, morphs=morphs, heads=heads,
                        deps=deps, lemmas=lemmas, ents=ents, sent_starts=sent_starts))
    return docs


def build_md_pipeline(path: Path, *, iterations: int = 20) -> Path:
    """Train the tiny de_core_news_md-shaped pipeline and save it to ``path``."""
    import spacy
    from spacy.tokens import Doc
    from spacy.training import Example

    spacy.util.fix_random_seed(0)
    nlp = spacy.blank("de")
    for name, factory, config in COMPONENTS:
        nlp.add_pipe(factory, name=name, config=config)
    examples = [
        Example(Doc(nlp.vocab, words=[t.text for t in gold], spaces=[bool(t.whitespace_) for t in gold]), gold)
        for gold in training_docs(nlp.vocab)
    ]
    optimizer = nlp.initialize(lambda: examples)
    optimizer.learn_rate = 0.01
    nlp.get_pipe("attribute_ruler").add([[{"TAG": "$."}]], {"POS": "PUNCT"})
    for _ in range(iterations):
        nlp.update(examples, sgd=optimizer)
    nlp.disable_pipe("senter")
    nlp.meta.update(name=NAME, version=VERSION)
    nlp.to_disk(path)
    return path


def install_as_package(pipeline: Path, site: Path) -> Path:
    """Make a copy of ``pipeline`` an installed package in the folder ``site`` (to put on
    ``sys.path``), laid out as ``spacy package`` and pip lay it out; return its data folder."""
    meta = json.loads((pipeline / "meta.json").read_text(encoding="utf-8"))
    name, version = f"{meta['lang']}_{meta['name']}", meta["version"]
    package = site / name
    data = package / f"{name}-{version}"
    shutil.copytree(pipeline, data)
    shutil.copy(pipeline / "meta.json", package / "meta.json")
    (package / "__init__.py").write_text(
        "from spacy.util import load_model_from_init_py\n\n\n"
        "def load(**overrides):\n    return load_model_from_init_py(__file__, **overrides)\n",
        encoding="utf-8",
    )
    info = site / f"{name}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8")
    return data
