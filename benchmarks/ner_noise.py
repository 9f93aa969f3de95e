"""Noise of entitykit's NER on raw text: the most frequent predicted entities per label, and
counts of known noise, for the statistical pipeline alone and for the full pipeline, in one run.

    python benchmarks/ner_noise.py [--model PATH_OR_NAME] [--corpus FILE ...] [--top 15]

Corpora (default: the ones below, in ``../shared/corpora``): SmartData v1 train (1,244 German
news, business and traffic documents as raw text), MobIE train and dev (traffic reports and
tweets) and GermEval 2014 dev, whose sentences are joined with spaces, one text per sentence.
Any GermEval/CoNLL/.bio file or a SmartData ``.json.gz`` can be given with ``--corpus``. The
gold annotation is not read: this counts what the pipeline predicts on real text.

The same loaded pipeline runs twice: with entitykit's components turned off (``ner``: the
statistical model) and as :func:`entitykit.load` returns it (``full``: institutions, names in
compounds and registry names, labels corrected by the resolver). Known noise
(:data:`NOISE`: *Rahmen* PER from *im Rahmen der*, *beiden Richtungen* LOC, *POL* ORG from the
police press code *POL-KN*, ...) is counted in both and marked ``*`` in the lists.
"""

from __future__ import annotations

import argparse
import os
import re
import time
from collections import Counter
from pathlib import Path
from typing import NamedTuple

os.environ.setdefault("OMP_NUM_THREADS", "1")

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
DEFAULT_CORPORA = (
    CORPORA / "smartdata" / "v1_train.json.gz",
    CORPORA / "mobie" / "train.conll2003",
    CORPORA / "mobie" / "dev.conll2003",
    CORPORA / "germeval2014" / "NER-de-dev.tsv",
)
LABELS = ("PER", "ORG", "LOC", "MISC")


class Noise(NamedTuple):
    """Known noise: entities with ``label`` (None: any label) whose whole text matches ``pattern``."""

    name: str
    label: str | None
    pattern: re.Pattern


NOISE = (
    Noise("Rahmen (im Rahmen der ...)", "PER", re.compile(r"Rahmens?")),
    Noise("beiden Richtungen", "LOC", re.compile(r"(?:in )?beiden? Richtungen")),
    Noise("beide Fahrtrichtungen", "LOC", re.compile(r"(?:in )?beiden? Fahrtrichtungen")),
    Noise("POL, POL-KN (press code)", None, re.compile(r"POL(?:-[A-Z]{1,4})?")),
    Noise("Deutsche (alone)", None, re.compile(r"Deutschen?|Deutscher")),
    Noise("St. (alone)", None, re.compile(r"St\.?")),
    Noise("Vorstandskreisen", "LOC", re.compile(r"Vorstandskreis(?:en)?")),
    Noise("Clostebol", "LOC", re.compile(r"Clostebol")),
)


def noise_of(text: str, label: str) -> str | None:
    """The name of the known noise an entity is, or None."""
    for noise in NOISE:
        if (noise.label is None or noise.label == label) and noise.pattern.fullmatch(text):
            return noise.name
    return None


def read_texts(path: Path) -> list[str]:
    """Raw texts of a corpus file: SmartData documents, or sentences joined with spaces."""
    from entitykit.ner_data import read_ner_file, read_smartdata

    if path.name.endswith(".json.gz"):
        return [doc.text for doc in read_smartdata(path)]
    return [" ".join(sentence.words) for sentence in read_ner_file(path)]


def count_entities(nlp, texts: list[str], disable: list[str]) -> tuple[Counter, float]:
    """``(text, label) -> count`` over all texts, and the seconds it took."""
    counts: Counter = Counter()
    started = time.perf_counter()
    with nlp.select_pipes(disable=disable):
        for doc in nlp.pipe(texts, batch_size=64):
            counts.update((ent.text, ent.label_) for ent in doc.ents)
    return counts, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="pipeline name or path (default: entitykit's choice)")
    parser.add_argument("--corpus", type=Path, nargs="+", default=list(DEFAULT_CORPORA))
    parser.add_argument("--top", type=int, default=15, help="entities listed per label")
    args = parser.parse_args()

    import entitykit
    from entitykit.pipeline import ENTITYKIT_COMPONENTS

    texts = [text for path in args.corpus for text in read_texts(path)]
    nlp = entitykit.load(args.model)
    added = [name for name in nlp.pipe_names if nlp.get_pipe_meta(name).factory in ENTITYKIT_COMPONENTS]
    stages = {}
    for stage, disable in (("ner", added), ("full", [])):
        stages[stage] = count_entities(nlp, texts, disable)
    characters = sum(len(text) for text in texts)
    print(f"corpora: {', '.join(path.name for path in args.corpus)}; {len(texts):,} texts, {characters:,} characters")
    print(f"model: {nlp.meta.get('entitykit', {}).get('model', nlp.meta.get('name'))}; "
          + "; ".join(f"{stage} {seconds:.0f} s" for stage, (_, seconds) in stages.items()))

    print(f"\n{'known noise':<30} {'label':<5} {'ner':>6} {'full':>6}")
    for noise in NOISE:
        found = {
            stage: sum(n for (text, label), n in counts.items() if noise_of(text, label) == noise.name)
            for stage, (counts, _) in stages.items()
        }
        print(f"{noise.name:<30} {noise.label or 'any':<5} {found['ner']:>6} {found['full']:>6}")
    totals = {stage: sum(n for (text, label), n in counts.items() if noise_of(text, label)) for stage, (counts, _) in stages.items()}
    all_ents = {stage: sum(counts.values()) for stage, (counts, _) in stages.items()}
    print(f"{'all known noise':<30} {'':<5} {totals['ner']:>6} {totals['full']:>6}   "
          f"(of {all_ents['ner']:,} and {all_ents['full']:,} entities; full/ner {totals['full'] / max(totals['ner'], 1):.2f})")

    for stage, (counts, _) in stages.items():
        print(f"\nmost frequent entities, {stage} ('*' known noise)")
        for label in LABELS:
            top = [(text, n) for (text, l), n in counts.most_common() if l == label][: args.top]
            listed = ", ".join(f"{'*' if noise_of(text, label) else ''}{text} {n}" for text, n in top)
            print(f"  {label:<4} {listed}")


if __name__ == "__main__":
    main()
