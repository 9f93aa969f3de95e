"""Scores: NER precision/recall/F1 on exact spans, and clustering quality of the resolver.

>>> prf(8, 2, 4)
PRF(p=0.8, r=0.6666666666666666, f=0.7272727272727272)
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from pathlib import Path
from typing import Literal, NamedTuple

from .ner_data import HEADLINE_LABELS, read_ner_file

# What `evaluate ner` scores: the statistical pipeline alone ("ner"), or the whole entitykit
# pipeline of `entitykit.load()` ("full": institutions, names inside compounds and registry
# names NER missed, and the labels the resolver corrects after NER).
Stage = Literal["ner", "full"]
STAGES: tuple[Stage, ...] = ("ner", "full")

logger = logging.getLogger("entitykit")


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
    stage: Stage = "ner"
    upper: bool = False

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
            "stage": self.stage,
            "upper": self.upper,
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


def upper_cased(doc):
    """A copy of ``doc`` with every token's text upper-cased and the same entity spans, as
    in a headline or a dateline (*MINSK (BelTA)*).

    >>> import spacy
    >>> from spacy.tokens import Doc
    >>> doc = Doc(spacy.blank("de").vocab, words=["Straße", "in", "Minsk"], spaces=[True, True, False], ents=["O", "O", "B-LOC"])
    >>> upper = upper_cased(doc)
    >>> upper.text, [(ent.text, ent.label_) for ent in upper.ents]
    ('STRASSE IN MINSK', [('MINSK', 'LOC')])
    """
    from spacy.tokens import Doc

    tags = [f"{token.ent_iob_}-{token.ent_type_}" if token.ent_type_ else "O" for token in doc]
    spaces = [bool(token.whitespace_) for token in doc]
    return Doc(doc.vocab, words=[token.text.upper() for token in doc], spaces=spaces, ents=tags)


def score_spans(gold_docs: Iterable, predicted_docs: Iterable) -> tuple[PRF, dict[str, PRF]]:
    """Micro P/R/F1 over PER/ORG/LOC and per label, comparing exact (start, end, label) spans.

    Spans are compared by character offsets, so a pipeline that splits tokens (entitykit
    splits *OVKS-Generalsekretär* into three) is scored on the same text as the gold.
    """
    counts: dict[str, Counter] = {}
    for index, (gold, predicted) in enumerate(zip(gold_docs, predicted_docs)):
        gold_spans = {(ent.start_char, ent.end_char, ent.label_) for ent in gold.ents}
        predicted_spans = {(ent.start_char, ent.end_char, ent.label_) for ent in predicted.ents}
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


def evaluate_ner(
    path: str | Path,
    model=None,
    *,
    batch_size: int = 256,
    stage: Stage = "ner",
    upper: bool = False,
) -> NerScores:
    """Run a German NER pipeline over a labelled file and score it against the gold spans.

    ``model`` is a loaded ``Language``, a pipeline name or path, or None for entitykit's
    default (see :func:`entitykit.models.load_pipeline`). The pipeline runs on the gold
    tokenisation; words per second count the pipeline's own work on those tokens.

    ``stage`` says what is scored: ``"ner"`` the statistical pipeline alone (a loaded
    ``Language`` runs with its entitykit components turned off), ``"full"`` the pipeline of
    :func:`entitykit.load` with the bundled registry, whose components add and relabel
    entities after NER (a loaded ``Language`` runs as it is). ``upper`` scores an upper-cased
    copy of the file (:func:`upper_cased`): every word in capitals, the same gold spans.
    """
    from spacy.language import Language
    from spacy.tokens import Doc

    from .errors import InputError
    from .models import load_pipeline
    from .pipeline import ENTITYKIT_COMPONENTS, load

    if stage not in STAGES:
        raise InputError(f"stage {stage!r} is not one of {', '.join(STAGES)}")
    if isinstance(model, Language):
        nlp = model
    else:
        nlp = load(model) if stage == "full" else load_pipeline(model)
    gold_docs = read_gold_docs(path, nlp.vocab)
    if upper:
        gold_docs = [upper_cased(doc) for doc in gold_docs]
    inputs = [Doc(nlp.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc]) for doc in gold_docs]
    added = [] if stage == "full" else [
        name for name in nlp.pipe_names if nlp.get_pipe_meta(name).factory in ENTITYKIT_COMPONENTS
    ]
    with nlp.select_pipes(disable=added):
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
        stage=stage,
        upper=upper,
    )


# --- clustering (issue 3) --------------------------------------------------------------------


class ConfusableMerge(NamedTuple):
    """A confusable pair of gold clusters that got one entity, with a form of each that did."""

    clusters: tuple[str, str]
    forms: tuple[str, str]


class ClusterScores(NamedTuple):
    """How well a clustering of distinct surface forms matches the gold clusters.

    ``wrongly_merged`` counts gold clusters that share a predicted cluster with another gold
    cluster; ``merges`` lists those (form, form) pairs, one per offending predicted cluster.
    ``confusable_merges`` lists the confusable pairs (``--negatives``) that were merged, or is
    ``None`` when no pairs were given.
    """

    pairwise: PRF
    bcubed: PRF
    wrongly_merged: int
    forms: int
    gold_clusters: int
    predicted_clusters: int
    merges: list[tuple[str, str]]
    confusable_merges: list[ConfusableMerge] | None = None

    def to_dict(self) -> dict:
        """A JSON-ready dict."""
        merged = self.confusable_merges
        return {
            "pairwise": self.pairwise._asdict(),
            "bcubed": self.bcubed._asdict(),
            "wrongly_merged": self.wrongly_merged,
            "forms": self.forms,
            "gold_clusters": self.gold_clusters,
            "predicted_clusters": self.predicted_clusters,
            "merges": [list(pair) for pair in self.merges],
            "confusables_merged": None if merged is None else len(merged),
            "confusable_merges": None if merged is None else [
                {"clusters": list(merge.clusters), "forms": list(merge.forms)} for merge in merged
            ],
        }


class ClusterReport(NamedTuple):
    """entitykit's clustering and the do-it-yourself baseline, scored on the same gold file.

    ``confusable_pairs`` is the number of confusable pairs scored (both clusters in the gold
    file), ``None`` without ``negatives``; ``warnings`` says which pairs were left out and why.
    """

    entitykit: ClusterScores
    baseline: ClusterScores
    registry: bool
    mentions: int
    confusable_pairs: int | None = None
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """The JSON shape of ``entitykit evaluate clusters --json``."""
        return {
            "entitykit": self.entitykit.to_dict(),
            "baseline": self.baseline.to_dict(),
            "registry": self.registry,
            "mentions": self.mentions,
            "confusable_pairs": self.confusable_pairs,
            "warnings": list(self.warnings),
        }


def score_clusters(gold: dict, predicted: dict) -> ClusterScores:
    """Pairwise and B-cubed P/R/F1 of ``predicted`` against ``gold``; both map each item
    (a distinct surface form) to a cluster key. Items missing from ``predicted`` are singletons.

    >>> gold = {"OVKS": 1, "OVKAS": 1, "Minsk": 2, "Pinsk": 3}
    >>> scores = score_clusters(gold, {"OVKS": "a", "OVKAS": "a", "Minsk": "b", "Pinsk": "b"})
    >>> scores.pairwise.p, scores.pairwise.r, scores.wrongly_merged
    (0.5, 1.0, 2)
    """
    items = list(gold)
    predicted = {item: predicted.get(item, ("singleton", item)) for item in items}
    gold_members: dict = {}
    predicted_members: dict = {}
    for item in items:
        gold_members.setdefault(gold[item], set()).add(item)
        predicted_members.setdefault(predicted[item], set()).add(item)

    def pairs(groups) -> int:
        return sum(len(g) * (len(g) - 1) // 2 for g in groups)

    overlap = Counter((gold[item], predicted[item]) for item in items)
    same_both = sum(n * (n - 1) // 2 for n in overlap.values())
    gold_pairs, predicted_pairs = pairs(gold_members.values()), pairs(predicted_members.values())
    pairwise = prf(same_both, predicted_pairs - same_both, gold_pairs - same_both)

    precision = recall = 0.0
    for item in items:
        both = overlap[gold[item], predicted[item]]
        precision += both / len(predicted_members[predicted[item]])
        recall += both / len(gold_members[gold[item]])
    n = len(items) or 1
    p, r = precision / n, recall / n
    bcubed = PRF(p, r, 2 * p * r / (p + r) if p + r else 0.0)

    merged: set = set()
    merges: list[tuple[str, str]] = []
    for members in predicted_members.values():
        clusters = {gold[item] for item in members}
        if len(clusters) > 1:
            merged |= clusters
            by_cluster = {}
            for item in sorted(members, key=str):
                by_cluster.setdefault(gold[item], item)
            first, second = list(by_cluster.values())[:2]
            merges.append((_form(first), _form(second)))
    return ClusterScores(
        pairwise, bcubed, len(merged), len(items), len(gold_members), len(predicted_members), merges
    )


def _form(item) -> str:
    return item[0] if isinstance(item, tuple) else str(item)


def baseline_clusters(forms: Sequence[tuple[str, str]], *, score_cutoff: float = 85) -> list[int]:
    """The clustering a user would write by hand: greedy, one pass in input order, each form
    joins the first cluster whose first form ``rapidfuzz.process.extractOne`` finds with
    ``fuzz.WRatio`` (lower-cased, punctuation removed) at ``score_cutoff`` or more (0-100),
    among forms of the same label; else it starts a cluster. Returns a cluster number per form.

    >>> baseline_clusters([("Wolfowitsch", "PER"), ("Wolfowutsch", "PER"), ("Minsk", "LOC")])
    [0, 0, 1]
    """
    from rapidfuzz import fuzz, process, utils

    heads: dict[str, list[str]] = {}  # label -> first form of each cluster
    numbers: dict[str, list[int]] = {}  # label -> cluster number of each head
    result: list[int] = []
    clusters = 0
    for text, label in forms:
        choices = heads.setdefault(label, [])
        match = process.extractOne(
            text, choices, scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=score_cutoff
        )
        if match is None:
            choices.append(text)
            numbers.setdefault(label, []).append(clusters)
            result.append(clusters)
            clusters += 1
        else:
            result.append(numbers[label][match[2]])
    return result


def read_gold_clusters(path: str | Path) -> tuple[list, list]:
    """Gold mention rows (see :func:`entitykit.namelists.read_mentions`) and their cluster keys,
    from a JSONL file of ``{"text", "label", "cluster"}`` objects.

    >>> import tempfile, pathlib
    >>> gold = pathlib.Path(tempfile.mkdtemp()) / "gold.jsonl"
    >>> _ = gold.write_text('{"text": "OVKS", "label": "ORG", "cluster": "ovks"}\\n', encoding="utf-8")
    >>> rows, clusters = read_gold_clusters(gold)
    >>> rows[0].mention.text, clusters
    ('OVKS', ['ovks'])
    """
    from .namelists import read_mentions
    from .errors import InputError
    from .inputs import text_lines

    rows = list(read_mentions(text_lines(path), source=str(path)))
    clusters = []
    for row in rows:
        cluster = row.record.get("cluster")
        if cluster is None or isinstance(cluster, (list, dict)) or cluster == "":
            raise InputError(f"{path}:{row.line}: \"cluster\" must be a string or number, got {cluster!r}")
        clusters.append(str(cluster))
    if not rows:
        raise InputError(f"{path}: no gold mentions in the file")
    return rows, clusters


def read_negatives(path: str | Path) -> list[tuple[tuple[str, str], int]]:
    """Confusable pairs of gold cluster ids, each with its line number, from a file of
    ``clusterA<TAB>clusterB`` lines (blank lines are skipped; a pair listed twice, in either
    order, counts once).

    >>> import tempfile, pathlib
    >>> pairs = pathlib.Path(tempfile.mkdtemp()) / "negatives.txt"
    >>> _ = pairs.write_text("per:lech-kaczynski\\tper:jaroslaw-kaczynski\\nloc:lwiw loc:oblast-lwiw\\n", encoding="utf-8")
    >>> read_negatives(pairs)
    Traceback (most recent call last):
    ...
    entitykit.errors.InputError: ...negatives.txt:2: expected two cluster ids separated by a tab, got 'loc:lwiw loc:oblast-lwiw'
    """
    from .errors import InputError
    from .inputs import text_lines

    if str(path) == "-" or not Path(path).is_file():
        raise InputError(f"{path}: no such file; give a file of confusable pairs, one 'clusterA<TAB>clusterB' per line")
    pairs: dict[frozenset, tuple[tuple[str, str], int]] = {}
    for number, line in enumerate(text_lines(path), 1):
        if not line.strip():
            continue
        fields = [field.strip() for field in line.split("\t")]
        if len(fields) != 2 or not all(fields):
            raise InputError(f"{path}:{number}: expected two cluster ids separated by a tab, got {line!r}")
        first, second = fields
        if first == second:
            raise InputError(f"{path}:{number}: {first!r} is paired with itself; a confusable pair names two different clusters")
        pairs.setdefault(frozenset(fields), ((first, second), number))
    if not pairs:
        raise InputError(f"{path}: no confusable pairs in the file; give one 'clusterA<TAB>clusterB' per line")
    return list(pairs.values())


def confusables_merged(
    assigned: Iterable[tuple[str, str, Hashable]], pairs: Iterable[tuple[str, str]]
) -> list[ConfusableMerge]:
    """The confusable ``pairs`` of gold clusters that share an entity: some mention of one and
    some mention of the other got the same predicted id. ``assigned`` gives ``(gold cluster,
    form, predicted id)`` per mention; each merge names the first forms (in ``assigned``
    order) of the two clusters that share an id.

    >>> assigned = [("lech", "Lech Kaczyński", "a"), ("lech", "Kaczyński", "b"),
    ...             ("jaroslaw", "Jarosław Kaczyński", "b"), ("kaja", "Kaja Kallas", "c"), ("siim", "Siim Kallas", "d")]
    >>> confusables_merged(assigned, [("lech", "jaroslaw"), ("kaja", "siim")])
    [ConfusableMerge(clusters=('lech', 'jaroslaw'), forms=('Kaczyński', 'Jarosław Kaczyński'))]
    """
    forms: dict[str, dict[Hashable, str]] = {}  # gold cluster -> predicted id -> its first form
    for cluster, form, entity in assigned:
        forms.setdefault(cluster, {}).setdefault(entity, form)
    merged = []
    for first, second in pairs:
        mine, theirs = forms.get(first, {}), forms.get(second, {})
        shared = next((entity for entity in mine if entity in theirs), None)
        if shared is not None:
            merged.append(ConfusableMerge((first, second), (mine[shared], theirs[shared])))
    return merged


def evaluate_clusters(
    path: str | Path,
    *,
    aliases: Iterable[str | Path] = (),
    default_aliases: bool = True,
    negatives: str | Path | None = None,
) -> ClusterReport:
    """Score entitykit's clustering of the gold file's mentions, and the baseline's.

    Items are distinct surface forms ``(text, label, gold cluster)``; a form whose mentions
    get different ids (namesakes told apart by ``doc``) counts with its most frequent id.
    The baseline (:func:`baseline_clusters`) sees each distinct form once, in file order.

    ``negatives`` is a file of confusable pairs (:func:`read_negatives`): for each clustering
    the report lists the pairs it merged (:func:`confusables_merged`, on every mention's own
    id). A pair naming a cluster the gold file does not have is left out, with a warning (on
    the ``entitykit`` logger and in :attr:`ClusterReport.warnings`).

    >>> import tempfile, pathlib
    >>> gold = pathlib.Path(tempfile.mkdtemp()) / "gold.jsonl"
    >>> _ = gold.write_text("".join(f'{{"text": "{t}", "label": "PER", "cluster": "{c}"}}\\n'
    ...     for t, c in [("Wolfowitsch", "w"), ("Wolfowutsch", "w"), ("Wolfowitz", "z")]), encoding="utf-8")
    >>> report = evaluate_clusters(gold, default_aliases=False)
    >>> report.entitykit.bcubed.f, report.entitykit.wrongly_merged
    (1.0, 0)
    """
    from .resolver import Resolver

    aliases = [aliases] if isinstance(aliases, (str, Path)) else list(aliases)
    rows, clusters = read_gold_clusters(path)
    pairs, warnings = _known_pairs(negatives, set(clusters), path) if negatives is not None else (None, ())
    resolver = Resolver.from_aliases(aliases, default_aliases=default_aliases)
    results = resolver.resolve_mentions([row.mention for row in rows])
    votes: dict[tuple, Counter] = {}
    for row, cluster, result in zip(rows, clusters, results):
        votes.setdefault((row.mention.text, row.mention.label, cluster), Counter())[result.entity_id] += 1
    gold = {item: item[2] for item in votes}
    predicted = {item: counts.most_common(1)[0][0] for item, counts in votes.items()}
    forms = list(gold)
    baseline = dict(zip(forms, baseline_clusters([(text, label) for text, label, _ in forms])))
    ours, theirs = score_clusters(gold, predicted), score_clusters(gold, baseline)
    if pairs is not None:
        mentions = [(row.mention.text, row.mention.label, cluster) for row, cluster in zip(rows, clusters)]
        ours = ours._replace(confusable_merges=confusables_merged(
            ((cluster, text, result.entity_id) for (text, _, cluster), result in zip(mentions, results)), pairs
        ))
        theirs = theirs._replace(confusable_merges=confusables_merged(
            ((cluster, text, baseline[text, label, cluster]) for text, label, cluster in mentions), pairs
        ))
    return ClusterReport(
        entitykit=ours,
        baseline=theirs,
        registry=default_aliases or bool(aliases),
        mentions=len(rows),
        confusable_pairs=None if pairs is None else len(pairs),
        warnings=tuple(warnings),
    )


def _known_pairs(negatives: str | Path, clusters: set[str], gold: str | Path) -> tuple[list[tuple[str, str]], list[str]]:
    """The pairs of ``negatives`` whose clusters are both in the gold file, and one warning
    naming the cluster ids that are not (logged, and returned for the report)."""
    pairs, unknown, left_out = [], {}, 0
    for pair, line in read_negatives(negatives):
        missing = [cluster for cluster in pair if cluster not in clusters]
        for cluster in missing:
            unknown.setdefault(cluster, line)
        if missing:
            left_out += 1
        else:
            pairs.append(pair)
    if not unknown:
        return pairs, []
    named = ", ".join(f"{cluster!r} (line {line})" for cluster, line in unknown.items())
    warning = (
        f"{negatives}: {len(unknown)} cluster id(s) not in {gold}: {named}; "
        f"{left_out} confusable pair(s) naming them left out"
    )
    logger.warning("%s", warning)
    return pairs, [warning]
