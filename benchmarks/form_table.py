"""Linking, the table of unknown forms and clustering on the mentions of a real run: time,
memory of :class:`~entitykit.clustering.FormTable` per distinct form (tracemalloc) and RSS.

Input: the ``mentions.jsonl`` of an ``entitykit run`` (doc ids, texts, labels). The script
runs whatever ``entitykit`` is on ``PYTHONPATH``, so one command measures two checkouts alike::

    PYTHONPATH=src .venv/bin/python benchmarks/form_table.py /tmp/audit-bench/run/mentions.jsonl
    for tree in ../wt-base ../wt-bench; do
        PYTHONPATH=$tree/src .venv/bin/python benchmarks/form_table.py RUN/mentions.jsonl
    done

1. ``Resolver.link()`` (default registry) over all mentions, grouped by their documents: the
   first call (which pays for whatever loads on first use), then the best of ``--repeat``
   calls with the resolver's cache cleared;
2. the same ``FormTable.add_document`` calls that ``link()`` makes (forms of each document,
   with its registry entities as context where the code takes them), replayed from JSON text
   under tracemalloc, so the table's own strings count: bytes held per distinct form, and how
   much of that the partners (co-occurring names) hold;
3. ``Resolver.cluster_forms()`` on that table: the first call (name lists loaded on first
   use), then the best of ``--repeat``; the process's RSS at the end and at its peak.
"""

from __future__ import annotations

import argparse
import gc
import inspect
import json
import platform
import resource
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path


def rss_mb() -> float:
    """The process's current resident memory (Linux)."""
    with open("/proc/self/status", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mentions", type=Path, help="mentions.jsonl of an entitykit run")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of link and cluster; the best counts")
    args = parser.parse_args()

    import entitykit
    from entitykit.clustering import FormTable, deciding_form
    from entitykit.resolver import Mention, Resolver

    mentions = []
    with args.mentions.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row.get("method"):  # what the resolver component resolved (not '$' and the like)
                mentions.append(Mention(row["text"], row["label"], doc=row["doc_id"]))
    documents = len({mention.doc for mention in mentions})
    out: dict[str, object] = {"entitykit": str(Path(entitykit.__file__).parent), "mentions": len(mentions),
                              "documents": documents, "python": platform.python_version()}
    out["rss_start_mb"] = rss_mb()

    resolver = Resolver()
    started = time.perf_counter()
    linked = resolver.link(mentions)
    out["link_first_s"] = time.perf_counter() - started
    out["rss_after_first_link_mb"] = rss_mb()
    best = float("inf")
    for _ in range(args.repeat):
        resolver._cache.clear()
        started = time.perf_counter()
        linked = resolver.link(mentions)
        best = min(best, time.perf_counter() - started)
    out["link_s"] = best
    out["link_mentions_per_s"] = len(mentions) / best

    # the add_document calls of link(), as JSON text: replaying them creates the table's strings
    with_context = "context" in inspect.signature(FormTable.add_document).parameters
    by_doc: dict[str, list] = defaultdict(list)
    known: dict[str, set] = defaultdict(set)
    for mention, result in zip(mentions, linked.resolutions):
        found = deciding_form(mention.text, result, resolver.registry)
        if found is None:
            known[mention.doc].add(result.entity_id)
        elif found[1]:
            by_doc[mention.doc].append((found[0], result.label))
    calls = [json.dumps([forms, sorted(known.get(doc, ())) if with_context else []], ensure_ascii=False)
             for doc, forms in by_doc.items()]
    del by_doc, known

    gc.collect()
    tracemalloc.start()
    table = FormTable()
    for call in calls:
        forms, context = json.loads(call)
        forms = [tuple(form) for form in forms]
        if with_context:
            table.add_document(forms, context=context)
        else:
            table.add_document(forms)
    gc.collect()
    held, peak = tracemalloc.get_traced_memory()
    assert table.counts() == linked.forms.counts(), "the replayed table differs from link()'s"
    assert getattr(table, "_partners", None) == getattr(linked.forms, "_partners", None)
    partners = getattr(table, "_partners", None)
    if partners is not None:
        sizes = [len(counter) for counter in partners.values()]
        out["forms_with_partners"] = len(sizes)
        out["partners_mean"] = sum(sizes) / max(1, len(table))
        out["partners_max"] = max(sizes, default=0)
        del partners, sizes
        table._partners = {}  # what the table holds without them
        gc.collect()
        without, _ = tracemalloc.get_traced_memory()
    else:
        without = held
    tracemalloc.stop()
    out["distinct_forms"] = len(table)
    out["table_bytes"] = held
    out["table_peak_bytes"] = peak
    out["bytes_per_form"] = held / len(table)
    out["bytes_per_form_without_partners"] = without / len(table)
    table = linked.forms  # the same calls, partners included

    started = time.perf_counter()
    clusters = resolver.cluster_forms(table)
    out["cluster_first_s"] = time.perf_counter() - started
    best = float("inf")
    for _ in range(args.repeat):
        started = time.perf_counter()
        clusters = resolver.cluster_forms(table)
        best = min(best, time.perf_counter() - started)
    out["cluster_s"] = best
    out["clusters"] = len({resolution.entity_id for resolution in clusters.values()})
    out["rss_end_mb"] = rss_mb()
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    for key, value in out.items():
        print(f"{key:<34} {value:,.3f}" if isinstance(value, float) else f"{key:<34} {value}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
