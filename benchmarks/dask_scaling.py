"""Benchmark of the Dask engine (issue 12): ``run_corpus(engine="dask")`` on a LocalCluster of 1
and 2 workers against the local engine with 1 and 2 processes, in this one command.

The corpus is the synthetic one of ``benchmarks/corpus.py`` (documents of 10-30 GermEval 2014
dev sentences, seed 13). Each run loads its pipeline itself (the Dask runs: on the client and
once per worker) and starts its own cluster; the figure is documents per second over the whole
call. The floor: LocalCluster with 2 workers >= 0.8 x local ``--processes 2``. The script also
checks that every run's mentions and entities are byte-identical to the local single-process
run's, and prints the size of the corpus-wide table of distinct unknown forms (what the client
reduces: ``unknown_forms`` in run.json, and its pickled size, which is what workers send back).

Run it on idle cores (the floor assumes 2 free cores)::

    .venv/bin/python benchmarks/dask_scaling.py                 # 3,000 documents
    .venv/bin/python benchmarks/dask_scaling.py --docs 200      # smoke test
    .venv/bin/python benchmarks/dask_scaling.py --form-docs 1000 10000   # distinct-form table sizes only
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import GERMEVAL_DEV, detokenize, write_corpus  # noqa: E402  (the batch-run benchmark's corpus)

FLOOR = 0.8  # LocalCluster, 2 workers / local --processes 2
OUTPUTS = ("mentions.jsonl", "entities.jsonl", "errors.jsonl")


def timed_run(corpus: Path, out: Path, model: str | None, batch_size: int, engine: str, processes: int) -> float:
    """Seconds for one ``run_corpus`` call (loading the pipeline and, for Dask, starting the cluster)."""
    import entitykit

    started = time.perf_counter()
    entitykit.run_corpus([corpus], out, model=model, batch_size=batch_size, n_process=processes,
                         progress=False, force=True, engine=engine)
    return time.perf_counter() - started


def form_table_bytes(out: Path) -> int:
    """The pickled size of the run's table of distinct unknown forms, rebuilt from its mentions
    (what the client holds, and what the workers send back, summed over their partitions)."""
    from entitykit.clustering import FormTable

    table = FormTable()
    documents: dict[str, list] = {}
    with (out / "mentions.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["method"] not in ("exact", "alias", "fuzzy", "gazetteer"):  # not a registry entity
                documents.setdefault(row["doc_id"], []).append((row["text"], row["label"]))
    for forms in documents.values():
        table.add_document(forms)
    return len(pickle.dumps(table))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=3000, help="documents of the throughput runs")
    parser.add_argument("--model", default=None, help="pipeline name or path (default: entitykit's choice)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--workdir", type=Path, default=None, help="where corpora and outputs go (default: a temp dir)")
    parser.add_argument("--form-docs", type=int, nargs="*", default=[],
                        help="only measure the distinct-form table after this many documents (one local run each)")
    args = parser.parse_args()

    from entitykit.ner_data import read_germeval

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="entitykit-dask-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    sentences = [detokenize(s.words) for s in read_germeval(GERMEVAL_DEV)]
    print(f"{len(sentences)} GermEval dev sentences; work dir {workdir}; {os.cpu_count()} cores", flush=True)

    if args.form_docs:
        for documents in args.form_docs:
            corpus = workdir / f"corpus-{documents}.jsonl"
            write_corpus(corpus, documents, sentences)
            out = workdir / f"forms-{documents}"
            seconds = timed_run(corpus, out, args.model, args.batch_size, "local", 2)
            forms = json.loads((out / "run.json").read_text(encoding="utf-8"))["counts"]["unknown_forms"]
            print(f"{documents:>9,} documents: {forms:,} distinct unknown forms, "
                  f"~{form_table_bytes(out) / 1e6:.2f} MB pickled ({seconds:.0f} s)", flush=True)
        return

    corpus = workdir / f"corpus-{args.docs}.jsonl"
    size = write_corpus(corpus, args.docs, sentences)
    print(f"corpus: {args.docs:,} documents, {size / 1e6:.1f} MB", flush=True)
    write_corpus(workdir / "warm.jsonl", 50, sentences)  # the model files into the OS cache once
    timed_run(workdir / "warm.jsonl", workdir / "out-warm", args.model, args.batch_size, "local", 1)
    rates = {}
    for engine, processes in (("local", 1), ("local", 2), ("dask", 1), ("dask", 2)):
        out = workdir / f"out-{engine}-{processes}"
        seconds = timed_run(corpus, out, args.model, args.batch_size, engine, processes)
        rates[engine, processes] = args.docs / seconds
        same = all((out / name).read_bytes() == (workdir / "out-local-1" / name).read_bytes() for name in OUTPUTS)
        workers = "process" if engine == "local" else "worker"
        print(f"{engine:5} {processes} {workers}{'es' if engine == 'local' and processes > 1 else 's' if processes > 1 else ''}"
              f"  {seconds:7.1f} s  {rates[engine, processes]:6.1f} docs/s  outputs identical to local 1: {same}", flush=True)
    report = json.loads((workdir / "out-local-1" / "run.json").read_text(encoding="utf-8"))["counts"]
    print(f"distinct unknown forms: {report['unknown_forms']:,} "
          f"(~{form_table_bytes(workdir / 'out-local-1') / 1e6:.2f} MB pickled) for {args.docs:,} documents")
    ratio = rates["dask", 2] / rates["local", 2]
    print(f"LocalCluster 2 workers / local --processes 2: {ratio:.3f} (floor >= {FLOOR}: {'ok' if ratio >= FLOOR else 'MISSED'})")
    print(f"LocalCluster 2 workers / 1 worker: {rates['dask', 2] / rates['dask', 1]:.3f}")


if __name__ == "__main__":
    main()
