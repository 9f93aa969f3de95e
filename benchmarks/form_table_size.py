"""How big the corpus-level reduce input of a run gets: the table of distinct unknown forms
(:class:`~entitykit.clustering.FormTable`) after 1,000, 10,000 and 100,000 documents, and per
million by extrapolation (issue 12).

The corpus is synthetic news whose name vocabulary keeps growing as real news does: the
sentences of the GermEval 2014 dev set with every person, place and organisation replaced by
one drawn Zipf-distributed (exponent ``--zipf``) from a large universe, its most frequent ranks
the names German text knows best (wordfreq): a million persons (a given name and a surname from
entitykit's bundled person-name list, less the common German words), the bundled gazetteer's
places, a million organisations (``<surname> <legal form>``, ``Stadtwerke/Universität <place>``).
A person named again in a document is mostly named by the surname alone; a name is misspelt
(one letter swapped, dropped, doubled) with probability ``--typo``. A fixed tiny vocabulary
would saturate (the GermEval corpus of ``benchmarks/corpus.py`` has ~1,800 forms at 1,500
documents and few more after) and would make the table look smaller than it gets.

Two ways to the table, both through entitykit's own code, one command:

* ``pipeline``: the real run of a Dask worker. The corpus is written as JSONL and cut into
  partitions of ``--partition`` documents; each is run by
  :func:`entitykit.dask_engine.run_partition` (default pipeline: NER, mentions, resolver, part
  files) in one of ``--processes`` forked processes (standing in for Dask workers), and its
  returned :class:`~entitykit.runstate.RunState` is what a worker ships to the client. The
  client's table is the running sum of the parts' tables (``FormTable.update``, as
  ``RunState.absorb`` does). For ``--docs`` up to ``--ner-docs``.
* ``no NER``: the same documents with the generated entity spans placed on the Doc instead of
  the NER's (the pipeline with ``tok2vec`` and ``ner`` disabled: mention finder, resolver,
  coreference, part files and table as above). Cheap enough for 100,000 documents; at the
  sizes both ways run it shows how far the generated mentions are from the NER's.

Per size: rows (distinct forms), the pickled size of the client's table (``distributed``'s
pickle, as Dask ships it; ``pickle`` protocol 5 without Dask), and the mean pickled size of one
partition's RunState (what one task sends back). The growth exponent is ``log(rows ratio) /
log(documents ratio)`` between two sizes; a million documents is extrapolated from the last two
sizes of the ``no NER`` way, scaled by its ratio to the ``pipeline`` way at the largest size both ran.

Run it (12.5 CPU-minutes in 2 processes: 21 minutes on 2 cores shared with two NER trainings)::

    nice -n 10 .venv/bin/python benchmarks/form_table_size.py
    nice -n 10 .venv/bin/python benchmarks/form_table_size.py --docs 500 1000 --ner-docs 500 --partition 250  # smoke test
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import pickle
import random
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import GERMEVAL_DEV, SOURCES  # noqa: E402  (the batch-run benchmark's sentences)

LEGAL_FORMS = ("AG", "GmbH", "SE", "KG", "GmbH & Co. KG", "e.V.", "Holding")
OPENING, CLOSING = set("([„"), set(".,;:!?)]“")


def name_parts(filename: str, pattern: str) -> list[str]:
    """The keys of one bundled name list that match ``pattern``, title-cased (keys are
    normalised: lower case, umlauts folded)."""
    data = gzip.decompress(resources.files("entitykit").joinpath("data", "known", filename).read_bytes())
    keys = (line.split("\t", 1)[0] for line in data.decode("utf-8").splitlines())
    return [key.title() for key in keys if re.fullmatch(pattern, key)]


def zipf_weights(size: int, exponent: float):
    """Cumulative probabilities of ranks ``0..size-1``, each ~ 1 / (rank + 1) ** exponent."""
    import numpy as np

    weights = np.cumsum(1.0 / np.arange(1, size + 1) ** exponent)
    return weights / weights[-1]


def german_frequency():
    """``name -> Zipf frequency in German`` (wordfreq's large list, read once: a lookup per
    name through :func:`entitykit.knowledge.zipf_de` takes half a minute for these lists)."""
    import wordfreq

    frequencies = wordfreq.get_frequency_dict("de", wordlist="large")
    return lambda name: math.log10(frequencies.get(name.lower(), 1e-9) * 1e9)


class Universe:
    """Every person, place and organisation the corpus can name, by Zipf rank."""

    def __init__(self, seed: int, exponent: float, persons: int = 1_000_000, organisations: int = 1_000_000) -> None:
        from entitykit.knowledge import COMMON_WORD_ZIPF, gazetteer_place

        rng = random.Random(seed)
        zipf = german_frequency()

        def by_frequency(names: list[str]) -> list[tuple[float, str]]:  # the names German text knows first
            rng.shuffle(names)
            return sorted(((zipf(name), name) for name in names), key=lambda pair: -pair[0])

        parts = by_frequency(name_parts("person_names.tsv.gz", r"[a-z]{4,11}"))
        self.surnames = [name for frequency, name in parts if frequency < COMMON_WORD_ZIPF]  # not "Eine", "Jahr"
        self.given = [name for frequency, name in parts if 1.5 <= frequency < COMMON_WORD_ZIPF]
        places = by_frequency(name_parts("places.tsv.gz", r"[a-z]{4,14}( [a-z]{3,10})?"))
        self.places = [name for frequency, name in places  # Berlin, not "Eine" (a hamlet somewhere)
                       if frequency < COMMON_WORD_ZIPF or gazetteer_place(name) is not None]
        self.seed = seed
        self.weights = {"PER": zipf_weights(persons, exponent), "LOC": zipf_weights(len(self.places), exponent),
                        "ORG": zipf_weights(organisations, exponent)}

    def draws(self, rng: random.Random) -> dict[str, Iterator[int]]:
        """An endless stream of ranks for each label, from ``rng``."""
        import numpy as np

        generator = np.random.default_rng(rng.randrange(2**32))

        def draw(weights) -> Iterator[int]:
            while True:
                yield from np.searchsorted(weights, generator.random(1024)).tolist()

        return {label: draw(weights) for label, weights in self.weights.items()}

    def person(self, rank: int) -> tuple[str, str]:
        rng = random.Random(self.seed * 7919 + rank)  # the most named persons have familiar surnames
        return rng.choice(self.given), self.surnames[rank % len(self.surnames)]

    def organisation(self, rank: int) -> str:
        rng = random.Random(self.seed * 104729 + rank)
        kind = rng.random()
        if kind < 0.6:
            return f"{self.surnames[rank % len(self.surnames)]} {rng.choice(LEGAL_FORMS)}"
        place = self.places[rank % len(self.places)]
        return f"Stadtwerke {place}" if kind < 0.8 else f"Universität {place}"


def misspell(name: str, rng: random.Random) -> str:
    """One letter of the last word of ``name`` swapped, dropped or doubled."""
    head, _, word = name.rpartition(" ")
    if len(word) < 5:
        return name
    at = rng.randrange(1, len(word) - 2)
    operation = rng.randrange(3)
    if operation == 0:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2:]
    elif operation == 1:
        word = word[:at] + word[at + 1:]
    else:
        word = word[:at] + word[at] + word[at:]
    return f"{head} {word}" if head else word


def documents(universe: Universe, sentences: list, *, seed: int, first: int, count: int, typo: float,
              length: tuple[int, int]) -> Iterator[tuple[str, str, list[tuple[int, int, str]]]]:
    """``(id, text, entity spans)`` of the synthetic news documents ``first .. first+count-1``
    (one partition: seeded by ``seed`` and ``first``, so partitions can be made apart)."""
    rng = random.Random(f"{seed}:{first}")
    draws = universe.draws(rng)
    for number in range(first, first + count):
        cast: dict[str, list[int]] = {"PER": [], "LOC": [], "ORG": []}
        named: set[int] = set()
        pieces: list[str] = []
        spans: list[tuple[int, int, str]] = []
        size = 0
        for _ in range(rng.randint(*length)):
            sentence = rng.choice(sentences)
            words, tags = sentence.words, sentence.tags
            index = 0
            while index < len(words):
                end = index + 1
                while end < len(words) and tags[end].startswith("I-"):
                    end += 1
                label = tags[index][2:] if tags[index] != "O" else None
                if label in cast:
                    seen = cast[label]
                    if seen and rng.random() < 0.6:
                        rank = rng.choice(seen)  # named before in this document
                    else:
                        rank = next(draws[label])
                        seen.append(rank)
                    if label == "PER":
                        given, surname = universe.person(rank)
                        text = surname if rank in named and rng.random() < 0.7 else f"{given} {surname}"
                        named.add(rank)
                    elif label == "LOC":
                        text = universe.places[rank]
                    else:
                        text = universe.organisation(rank)
                    if rng.random() < typo:
                        text = misspell(text, rng)
                else:
                    text = " ".join(words[index:end])
                if pieces and text[0] not in CLOSING and pieces[-1][-1] not in OPENING:
                    pieces.append(" ")
                    size += 1
                if label is not None:  # MISC keeps its GermEval words
                    spans.append((size, size + len(text), label))
                pieces.append(text)
                size += len(text)
                index = end
        yield f"doc-{number}", "".join(pieces), spans


def write_corpus(path: Path, partitions: Iterator[Iterator]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for docs in partitions:
            for doc_id, text, _ in docs:
                number = int(doc_id.split("-")[1])
                record = {"id": doc_id, "date": f"2023-{number % 12 + 1:02d}-{number % 28 + 1:02d}",
                          "source": SOURCES[number % len(SOURCES)], "text": text}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def shipped(value) -> int:
    """Bytes of ``value`` pickled as Dask ships it between processes."""
    try:
        from distributed.protocol.pickle import dumps
    except ImportError:
        return len(pickle.dumps(value, protocol=5))
    return len(dumps(value))


class Growth:
    """The client's table as partitions are added, measured at the sizes asked for."""

    def __init__(self, way: str, sizes: list[int]) -> None:
        from entitykit.clustering import FormTable

        self.way, self.sizes, self.table = way, sizes, FormTable()
        self.documents, self.mentions, self.part_bytes, self.rows = 0, 0, [], {}
        self.started = time.perf_counter()

    def add(self, part) -> None:
        self.table.update(part.forms)  # what RunState.absorb does on the client
        self.part_bytes.append(shipped(part))
        self.documents += part.documents
        self.mentions += part.mentions
        if self.documents in self.sizes:
            rows, size = len(self.table), shipped(self.table)
            self.rows[self.documents] = (rows, size)
            print(f"{self.way:9} {self.documents:>9,} docs  {self.mentions:>10,} mentions  {rows:>10,} rows  "
                  f"{size / 1e6:9.2f} MB  "
                  f"one partition's RunState: {sum(self.part_bytes) / len(self.part_bytes) / 1e6:.2f} MB  "
                  f"({time.perf_counter() - self.started:.0f} s)", flush=True)


def pipeline_way(corpus: Path, work: Path, partition: int, growth: Growth, batch_size: int, processes: int) -> None:
    """The corpus through :func:`run_partition` on ``processes`` forked processes, as Dask
    workers run it; the parts added in input order."""
    import multiprocessing
    from functools import partial

    from entitykit.dask_engine import plan_partitions, run_partition, worker_pipeline
    from entitykit.inputs import MAX_CHARS, check_inputs

    total = sum(1 for _ in corpus.open(encoding="utf-8"))
    planned = plan_partitions(check_inputs([corpus]), total // partition, text_key="text", max_chars=MAX_CHARS)
    spec = ("entitykit", None, (), True, MAX_CHARS)
    worker_pipeline(spec)  # loaded once, before the fork
    options = {"text_key": "text", "id_key": "id", "max_chars": MAX_CHARS, "batch_size": batch_size}
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        for part in pool.imap(partial(run_partition, spec=spec, work=str(work), options=options), planned):
            growth.add(part)
            shutil.rmtree(part.work)


_TASK: dict = {}  # what a forked process of the no-NER way needs: set before the pool starts


def no_ner_partition(index: int):
    """One partition of generated documents, their entity spans placed on the Doc, through the
    pipeline without its NER into a RunState of its own (returned: pickled back, as from Dask)."""
    from spacy.util import filter_spans

    from entitykit.corpus import _batch_clustering_off, _part, _registry
    from entitykit.dask_engine import worker_pipeline
    from entitykit.export import doc_mentions
    from entitykit.inputs import MAX_CHARS
    from entitykit.runstate import RunState

    task = _TASK
    nlp = worker_pipeline(("entitykit", None, (), True, MAX_CHARS))
    registry = _registry(nlp) or ()
    first = index * task["partition"]
    ids: dict[int, str] = {}

    def placed() -> Iterator:
        for doc_id, text, spans in task["documents"](first, task["partition"]):
            doc = nlp.make_doc(text)
            doc.ents = filter_spans([span for start, end, label in spans
                                     if (span := doc.char_span(start, end, label=label, alignment_mode="expand"))])
            ids[id(doc)] = doc_id
            yield doc

    folder = task["work"] / f"{index:06d}"
    folder.mkdir(parents=True)
    state = RunState(folder, {"partition": index}, None)
    with state.appending(), _batch_clustering_off(nlp), nlp.select_pipes(disable=["tok2vec", "ner"]):
        for ordinal, doc in enumerate(nlp.pipe(placed(), batch_size=task["batch_size"]), start=first):
            doc_id = ids.pop(id(doc))
            state.add_document(ordinal, doc_id, {}, [_part(m, registry) for m in doc_mentions(doc, doc_id)])
        state.checkpoint(finished=True)
    shutil.rmtree(folder)
    return state


def no_ner_way(documents, count: int, work: Path, partition: int, growth: Growth, batch_size: int,
               processes: int) -> None:
    """Every partition of the no-NER way on ``processes`` forked processes, added in order."""
    import multiprocessing

    from entitykit.dask_engine import worker_pipeline
    from entitykit.inputs import MAX_CHARS

    worker_pipeline(("entitykit", None, (), True, MAX_CHARS))  # loaded once, before the fork
    _TASK.update(documents=documents, partition=partition, work=work, batch_size=batch_size)
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        for part in pool.imap(no_ner_partition, range(count // partition)):
            growth.add(part)


def exponent(rows: dict[int, tuple[int, int]], small: int, large: int, column: int) -> float:
    return math.log(rows[large][column] / rows[small][column]) / math.log(large / small)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[1_000, 10_000, 100_000], help="sizes measured")
    parser.add_argument("--ner-docs", type=int, default=10_000, help="the largest size run through the NER")
    parser.add_argument("--partition", type=int, default=1_000, help="documents per partition (task)")
    parser.add_argument("--sentences", type=int, nargs=2, default=[4, 8], metavar=("MIN", "MAX"))
    parser.add_argument("--zipf", type=float, default=1.0, help="exponent of the names' Zipf distribution")
    parser.add_argument("--typo", type=float, default=0.01, help="share of names misspelt")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--processes", type=int, default=2, help="processes (as Dask workers)")
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temporary folder, removed at the end")
    args = parser.parse_args()
    sizes = sorted(args.docs)
    if any(size % args.partition for size in sizes):
        parser.error("every size must be a multiple of --partition")

    from entitykit.ner_data import read_germeval

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="entitykit-form-table-"))
    workdir.mkdir(parents=True, exist_ok=True)
    sentences = list(read_germeval(GERMEVAL_DEV))
    universe = Universe(args.seed, args.zipf)

    def docs(first: int, count: int) -> Iterator:
        return documents(universe, sentences, seed=args.seed, first=first, count=count, typo=args.typo,
                         length=tuple(args.sentences))

    print(f"{len(sentences):,} GermEval dev sentences, {args.sentences[0]}-{args.sentences[1]} a document; "
          f"names Zipf {args.zipf} over {len(universe.places):,} places, 1,000,000 persons and organisations; "
          f"typos {args.typo:.1%}; partitions of {args.partition:,}; {os.cpu_count()} cores", flush=True)
    ner_sizes = [size for size in sizes if size <= args.ner_docs]
    results = {}
    if ner_sizes:
        corpus = workdir / "corpus.jsonl"
        write_corpus(corpus, (docs(first, args.partition) for first in range(0, ner_sizes[-1], args.partition)))
        print(f"corpus: {ner_sizes[-1]:,} documents, {corpus.stat().st_size / 1e6:.1f} MB", flush=True)
        growth = Growth("pipeline", ner_sizes)
        pipeline_way(corpus, workdir / "pipeline", args.partition, growth, args.batch_size, args.processes)
        results["pipeline"] = growth.rows
    growth = Growth("no NER", sizes)
    no_ner_way(docs, sizes[-1], workdir / "no-ner", args.partition, growth, args.batch_size, args.processes)
    results["no NER"] = growth.rows

    print()
    for way, rows in results.items():
        measured = sorted(rows)
        for small, large in zip(measured, measured[1:]):
            print(f"{way:9} growth {small:,} -> {large:,} documents: rows ~ docs^{exponent(rows, small, large, 0):.2f}, "
                  f"bytes ~ docs^{exponent(rows, small, large, 1):.2f}")
    rows = results["no NER"]
    small, large = sorted(rows)[-2:]
    scale = (1.0, 1.0)
    if ner_sizes and ner_sizes[-1] in rows:
        both = ner_sizes[-1]
        scale = (results["pipeline"][both][0] / rows[both][0], results["pipeline"][both][1] / rows[both][1])
        print(f"pipeline / no NER at {both:,} documents: rows {scale[0]:.2f}, bytes {scale[1]:.2f}")
    factor = [(1_000_000 / large) ** exponent(rows, small, large, column) for column in (0, 1)]
    print(f"per 1,000,000 documents (extrapolated from no NER {small:,} -> {large:,}, scaled to the pipeline): "
          f"~{rows[large][0] * factor[0] * scale[0]:,.0f} rows, "
          f"~{rows[large][1] * factor[1] * scale[1] / 1e6:,.0f} MB pickled")
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
