"""Scores: NER precision/recall/F1 on exact spans, and clustering quality of the resolver.

>>> prf(8, 2, 4)
PRF(p=0.8, r=0.6666666666666666, f=0.7272727272727272)
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from .ner_data import HEADLINE_LABELS, read_ner_file


class PRF(NamedTuple):
    """Precision, recall and F1, each between 0 and 1."""

    p: float
    r: float
    f: float


def prf(tp: int, fp: int, fn: int) -> PRF:
    """Precision, recall and F1 from true positive, false positive and false negative counts."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return PRF(p, r, f)


class NerScores(NamedTuple):
    """NER scores on exact spans. ``p/r/f`` count PER, ORG and LOC only (micro average)."""

    p: float
    r: float
    f: float
    per_label: dict[str, PRF]
    words_per_second: float
    documents: int
    words: int

    def to_dict(self) -> dict:
        """The JSON shape of ``entitykit evaluate ner --json``."""
        return {
            "p": self.p,
            "r": self.r,
            "f": self.f,
            "per_label": {label: scores._asdict() for label, scores in self.per_label.items()},
            "words_per_second": self.words_per_second,
            "documents": self.documents,
            "words": self.words,
        }


def read_gold_docs(path: str | Path, vocab) -> list:
    """Gold ``Doc`` objects from a GermEval ``.tsv``/``.iob2``, CoNLL, ``.bio`` or ``.spacy`` file."""
    from spacy.tokens import DocBin

    from .errors import CorpusFormatError
    from .ner_data import sentences_to_docs

    path = Path(path)
    if not path.is_file():
        raise CorpusFormatError(f"{path}: no such file; give a GermEval .tsv/.iob2 or a .spacy file")
    if path.suffix == ".spacy":
        try:
            return list(DocBin().from_disk(path).get_docs(vocab))
        except Exception as error:  # DocBin raises bare ValueError/msgpack errors
            raise CorpusFormatError(f"{path}: not a spaCy DocBin file ({error})") from None
    return list(sentences_to_docs(vocab, read_ner_file(path)))


def score_spans(gold_docs: Iterable, predicted_docs: Iterable) -> tuple[PRF, dict[str, PRF]]:
    """Micro P/R/F1 over PER/ORG/LOC and per label, comparing exact (start, end, label) spans."""
    counts: dict[str, Counter] = {}
    for index, (gold, predicted) in enumerate(zip(gold_docs, predicted_docs)):
        gold_spans = {(ent.start, ent.end, ent.label_) for ent in gold.ents}
        predicted_spans = {(ent.start, ent.end, ent.label_) for ent in predicted.ents}
        for span in gold_spans | predicted_spans:
            count = counts.setdefault(span[2], Counter())
            if span in gold_spans and span in predicted_spans:
                count["tp"] += 1
            elif span in predicted_spans:
                count["fp"] += 1
            else:
                count["fn"] += 1
    per_label = {label: prf(c["tp"], c["fp"], c["fn"]) for label, c in sorted(counts.items())}
    headline = Counter()
    for label in HEADLINE_LABELS:
        headline.update(counts.get(label, Counter()))
    return prf(headline["tp"], headline["fp"], headline["fn"]), per_label


def evaluate_ner(path: str | Path, model=None, *, batch_size: int = 256) -> NerScores:
    """Run a German NER pipeline over a labelled file and score it against the gold spans.

    ``model`` is a loaded ``Language``, a pipeline name or path, or None for entitykit's
    default (see :func:`entitykit.models.load_pipeline`). The pipeline runs on the gold
    tokenisation; words per second count the pipeline's own work on those tokens.
    """
    from spacy.language import Language
    from spacy.tokens import Doc

    from .models import load_pipeline

    nlp = model if isinstance(model, Language) else load_pipeline(model)
    gold_docs = read_gold_docs(path, nlp.vocab)
    inputs = [Doc(nlp.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc]) for doc in gold_docs]
    started = time.perf_counter()
    predicted = list(nlp.pipe(inputs, batch_size=batch_size))
    seconds = time.perf_counter() - started
    headline, per_label = score_spans(gold_docs, predicted)
    words = sum(len(doc) for doc in gold_docs)
    return NerScores(
        *headline,
        per_label=per_label,
        words_per_second=words / seconds if seconds else 0.0,
        documents=len(gold_docs),
        words=words,
    )
