"""Words per second of entitykit's NER pipeline next to bare spaCy tokenisation, in one run.

    python benchmarks/ner_speed.py [--model PATH_OR_NAME] [--corpus ../shared/corpora/germeval2014/NER-de-dev.tsv]
                                   [--compare PATH_OR_NAME] [--blis]

Single process. The text is GermEval 2014 dev (2,200 sentences, 41,653 words), one sentence per
text, run through ``nlp.pipe`` as raw strings, so tokenisation is included. Words are counted by
the blank German tokenizer. Prints words/s of: the tokenizer alone (``spacy.blank("de")``), the
NER pipeline, and the full ``entitykit.load()`` pipeline with the resolver; and the ratios.
``--compare`` times another NER pipeline (an earlier model) in the same run, so that a busy
machine slows both alike. ``--blis`` times the same NER pipeline with thinc's default matrix
products (BLIS) beside entitykit's (numpy's BLAS, :func:`entitykit.models.multiply_with_numpy`)
and checks that both find the same entities.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core: the single-process figure

import spacy

from entitykit.models import load_pipeline
from entitykit.ner_data import read_germeval

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "germeval2014" / "NER-de-dev.tsv"


def words_per_second(nlp, texts: list[str], words: int, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=256):
            pass
        best = min(best, time.perf_counter() - started)
    return words / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="pipeline name or path (default: entitykit's choice)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--compare", default=None, help="another NER pipeline to time in the same run")
    parser.add_argument("--blis", action="store_true", help="also time the NER pipeline with BLIS matrix products")
    args = parser.parse_args()

    texts = [" ".join(sentence.words) for sentence in read_germeval(args.corpus)]
    blank = spacy.blank("de")
    words = sum(len(doc) for doc in blank.pipe(texts))
    ner = load_pipeline(args.model)
    import entitykit

    full = entitykit.load(args.model)
    for nlp in (blank, ner, full):  # warm up: vocab, lookups, caches
        list(nlp.pipe(texts[:200]))
    tokenizer_wps = words_per_second(blank, texts, words)
    ner_wps = words_per_second(ner, texts, words)
    full_wps = words_per_second(full, texts, words)
    print(f"corpus: {args.corpus.name}, {len(texts)} texts, {words} words; model: {ner.meta['entitykit']['model']}")
    print(f"spacy.blank('de') tokenizer : {tokenizer_wps:12,.0f} words/s")
    print(f"NER pipeline                : {ner_wps:12,.0f} words/s  ({ner_wps / tokenizer_wps:.3f} x tokenizer)")
    print(f"entitykit.load() (+resolver): {full_wps:12,.0f} words/s  ({full_wps / tokenizer_wps:.3f} x tokenizer, {full_wps / ner_wps:.3f} x NER)")
    if args.compare:
        other = load_pipeline(args.compare)
        list(other.pipe(texts[:200]))
        other_wps = words_per_second(other, texts, words)
        ner_again = words_per_second(ner, texts, words)  # after, so that drifting load hits both
        print(f"--compare {args.compare}: {other_wps:12,.0f} words/s; the NER pipeline again: "
              f"{ner_again:,.0f} ({(ner_wps + ner_again) / 2 / other_wps:.3f} x the compared one)")
    if args.blis:
        from entitykit.models import multiply_with_blis

        blis = load_pipeline(args.model)
        multiply_with_blis(blis)
        list(blis.pipe(texts[:200]))
        blis_wps = words_per_second(blis, texts, words)
        ner_again = words_per_second(ner, texts, words)
        same = all(
            [(e.start, e.end, e.label_) for e in a.ents] == [(e.start, e.end, e.label_) for e in b.ents]
            for a, b in zip(ner.pipe(texts, batch_size=256), blis.pipe(texts, batch_size=256))
        )
        print(f"NER pipeline, BLIS products : {blis_wps:12,.0f} words/s; numpy's again: {ner_again:,.0f} "
              f"({(ner_wps + ner_again) / 2 / blis_wps:.3f} x BLIS); the same entities: {same}")


if __name__ == "__main__":
    main()
