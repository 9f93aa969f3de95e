"""Time to load the bundled pipeline and to run a one-line CLI call, before and after, in one command.

    .venv/bin/python benchmarks/load_time.py [--baseline 7916d08] [--repeat 3] [--sentences 300]

"Before" is the package at ``--baseline`` (default 7916d08, the last commit whose bundled model
kept its Brown-cluster table in the vocab's lookups), extracted with ``git archive`` into a
temporary folder (or ``--baseline-src``, a ``src`` folder of any checkout); "after" is this
checkout's ``src``. Both run with this interpreter in fresh subprocesses, alternating
before/after ``--repeat`` times; the tables give the median (and the fastest) of each:

- ``import spacy`` alone, the control: the same on both sides;
- ``spacy.load()`` of the bundled pipeline folder, after ``import spacy``;
- ``entitykit.load("de_entitykit_ner")`` (pipeline, registry, resolver), after ``import spacy``,
  with the process's peak RSS;
- the command line, whole processes: ``python -m entitykit extract`` on a one-line text and
  ``python -m entitykit info``.

Then each side runs ``entitykit.load()`` over the first ``--sentences`` GermEval 2014 dev
sentences; the script says whether the entities (offsets, labels, ids, methods) are identical.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GERMEVAL_DEV = ROOT.parent / "shared" / "corpora" / "germeval2014" / "NER-de-dev.tsv"
MODEL = Path("entitykit") / "data" / "de_entitykit_ner"
ONE_LINE = "Staatssekretär Wolfowitsch sprach in Minsk mit Lukaschenko.\n"
MEASURES = {
    "import spacy": "import spacy (control)",
    "spacy.load": "spacy.load(bundled pipeline folder)",
    "entitykit.load": "import entitykit; entitykit.load()",
    "peak_rss_mb": "peak RSS after entitykit.load()",
    "entitykit extract (CLI)": "entitykit extract <one line> (process)",
    "entitykit info (CLI)": "entitykit info (process)",
}

# Each probe runs in a fresh interpreter and prints one JSON object.
PROBE_SPACY_LOAD = """
import json, sys, time
started = time.perf_counter()
import spacy
imported = time.perf_counter()
spacy.load(sys.argv[1])
print(json.dumps({"import spacy": imported - started, "spacy.load": time.perf_counter() - imported}))
"""
PROBE_ENTITYKIT_LOAD = """
import json, resource, time
import spacy
started = time.perf_counter()
import entitykit
entitykit.load("de_entitykit_ner")
seconds = time.perf_counter() - started
print(json.dumps({"entitykit.load": seconds, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
PROBE_PREDICTIONS = """
import hashlib, json, sys
import entitykit
from entitykit.ner_data import read_ner_file
sentences = [" ".join(s.words) for _, s in zip(range(int(sys.argv[2])), read_ner_file(sys.argv[1]))]
nlp = entitykit.load("de_entitykit_ner")
ents = [[(e.start_char, e.end_char, e.label_, e.kb_id_, e._.method) for e in doc.ents] for doc in nlp.pipe(sentences)]
digest = hashlib.sha256(json.dumps(ents, ensure_ascii=False).encode("utf-8")).hexdigest()
print(json.dumps({"sentences": len(sentences), "entities": sum(map(len, ents)), "sha256": digest}))
"""


def run(src: Path, args: list[str]) -> tuple[float, str]:
    """Wall-clock seconds and stdout of ``python ARGS`` with ``src`` first on the path."""
    env = dict(os.environ, PYTHONPATH=str(src), OMP_NUM_THREADS="1")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, cwd=src.parent)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{src}: python {' '.join(args[:2])} failed:\n{result.stderr[-2000:]}")
    return seconds, result.stdout


def measure(src: Path, text_file: Path) -> dict[str, float]:
    """One round of every timing for the package in ``src``."""
    figures = json.loads(run(src, ["-c", PROBE_SPACY_LOAD, str(src / MODEL)])[1])
    figures.update(json.loads(run(src, ["-c", PROBE_ENTITYKIT_LOAD])[1]))
    figures["entitykit extract (CLI)"] = run(src, ["-m", "entitykit", "extract", str(text_file), "--model", "de_entitykit_ner", "--quiet"])[0]
    figures["entitykit info (CLI)"] = run(src, ["-m", "entitykit", "info", "--model", "de_entitykit_ner"])[0]
    return figures


def baseline_src(ref: str, folder: Path) -> Path:
    """``src`` of commit ``ref``, extracted from git (no worktree, nothing checked out)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "src"], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "src"


def model_mb(src: Path) -> float:
    return sum(f.stat().st_size for f in (src / MODEL).rglob("*") if f.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="7916d08", help="git commit of 'before' (default: 7916d08)")
    parser.add_argument("--baseline-src", type=Path, help="use this src folder as 'before' instead of --baseline")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of before/after (default: 3)")
    parser.add_argument("--sentences", type=int, default=300, help="GermEval dev sentences compared (0: none)")
    parser.add_argument("--corpus", type=Path, default=GERMEVAL_DEV)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        before = args.baseline_src.resolve() if args.baseline_src else baseline_src(args.baseline, Path(tmp))
        after = ROOT / "src"
        text_file = Path(tmp) / "one-line.txt"
        text_file.write_text(ONE_LINE, encoding="utf-8")
        rounds: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
        for index in range(args.repeat):
            for side, src in (("before", before), ("after", after)):
                rounds[side].append(measure(src, text_file))
                print(f"round {index + 1}/{args.repeat} {side}: {rounds[side][-1]}", file=sys.stderr, flush=True)
        predictions = {}
        if args.sentences and args.corpus.is_file():
            for side, src in (("before", before), ("after", after)):
                predictions[side] = json.loads(run(src, ["-c", PROBE_PREDICTIONS, str(args.corpus), str(args.sentences)])[1])
        sizes = {"before": model_mb(before), "after": model_mb(after)}

    label = args.baseline_src or args.baseline
    print(f"before: {label}; after: {ROOT / 'src'}; median (fastest) of {args.repeat} alternating rounds")
    print(f"{'measure':<40} {'before':>18} {'after':>18} {'after/before':>13}")
    for key, name in MEASURES.items():
        unit = "MB" if key == "peak_rss_mb" else "s"
        cells, medians = [], []
        for side in ("before", "after"):
            values = [figures[key] for figures in rounds[side]]
            medians.append(statistics.median(values))
            cells.append(f"{medians[-1]:.0f} {unit}" if unit == "MB" else f"{medians[-1]:.2f} s ({min(values):.2f})")
        print(f"{name:<40} {cells[0]:>18} {cells[1]:>18} {medians[1] / medians[0]:>13.3f}")
    cells = [f"{sizes[side]:.1f} MB" for side in ("before", "after")]
    print(f"{'bundled model folder':<40} {cells[0]:>18} {cells[1]:>18} {sizes['after'] / sizes['before']:>13.3f}")
    if predictions:
        same = predictions["before"]["sha256"] == predictions["after"]["sha256"]
        print(
            f"entities on the first {predictions['after']['sentences']} GermEval dev sentences: "
            f"{'identical' if same else 'DIFFERENT'} ({predictions['before']['entities']} before, "
            f"{predictions['after']['entities']} after)"
        )


if __name__ == "__main__":
    main()
