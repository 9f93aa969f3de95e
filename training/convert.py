"""Convert the labelled corpora in ``../shared/corpora`` into spaCy ``.spacy`` files.

    python training/convert.py ../shared/corpora training/corpus

writes ``train/germeval.spacy``, ``dev/germeval.spacy`` and, for the extra corpora,
``extra/{smartdata,mobie,europeana}.spacy``. Labels follow entitykit.ner_data: PER, ORG,
LOC and MISC (GermEval's OTH); ``deriv``/``part`` tags are dropped.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from entitykit.ner_data import char_spans_to_doc, read_ner_file, read_smartdata, sentences_to_docs

SOURCES = {
    "train/germeval": ["germeval2014/germ.train.iob2"],
    "dev/germeval": ["germeval2014/NER-de-dev.tsv"],
    "extra/mobie": ["mobie/train.conll2003", "mobie/dev.conll2003"],
    "extra/europeana": [
        "europeana-newspapers-de/enp_DE.lft.bio",
        "europeana-newspapers-de/enp_DE.onb.bio",
        "europeana-newspapers-de/enp_DE.sbb.bio",
    ],
}


def convert(corpora: Path, out: Path) -> dict[str, int]:
    nlp = spacy.blank("de")
    counts = {}
    for name, files in SOURCES.items():
        docs = []
        for file in files:
            docs.extend(sentences_to_docs(nlp.vocab, read_ner_file(corpora / file)))
        counts[name] = _save(docs, out / f"{name}.spacy")
    smartdata = [char_spans_to_doc(nlp, item) for item in read_smartdata(corpora / "smartdata/v1_train.json.gz")]
    counts["extra/smartdata"] = _save(smartdata, out / "extra/smartdata.spacy")
    return counts


def _save(docs, path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    DocBin(docs=docs, store_user_data=False).to_disk(path)
    return len(docs)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", type=Path, help="folder holding germeval2014/, mobie/, ...")
    parser.add_argument("out", type=Path, help="output folder for .spacy files")
    args = parser.parse_args()
    for name, count in convert(args.corpora, args.out).items():
        print(f"{name}: {count} docs")
