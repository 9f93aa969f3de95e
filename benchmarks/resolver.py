"""Speed and memory of alias resolution on a synthetic registry, against the do-it-yourself baseline.

    .venv/bin/python benchmarks/resolver.py                      # full size (100,000 entities)
    .venv/bin/python benchmarks/resolver.py --entities 20000 --forms 40000 --mentions 10000
    .venv/bin/python benchmarks/resolver.py --write benchmarks/RESULTS.md
    .venv/bin/python benchmarks/resolver.py --gazetteer --only resolve cluster   # with the bundled knowledge of places

Each measurement runs in its own subprocess, so its peak memory (``ru_maxrss``) is its own:

* ``build``: registry of N entities (about 5 aliases each) from records, then the resolver's
  indexes; seconds and peak MB.
* ``resolve``: mentions per second through :meth:`Resolver.resolve_mentions`, half of them
  exact aliases and half with a one-letter typo (so fuzzy matching), all distinct, plus the
  share of typo mentions that reached their entity (and that reached a wrong one).
* ``cluster``: :meth:`Resolver.cluster_forms` on M distinct unknown forms (typos,
  transliterations, surname-only forms of synthetic people); seconds and pairwise precision.
* ``baseline``: what a user writes by hand, ``rapidfuzz.process.extractOne(mention, aliases,
  scorer=fuzz.WRatio, score_cutoff=85)`` over the whole alias list, on a sample of the same
  mentions; mentions per second and the ratio to entitykit.

Targets (issue 3): build <= 30 s, >= 10,000 mentions/s, peak <= 1.5 GB, 200,000 forms <= 90 s.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

GIVEN = (
    "Alexander Sergej Dmitri Wladimir Nikolai Viktor Andrej Michail Iwan Juri Oleg Igor Pawel Roman "
    "Boris Anatoli Waleri Jewgeni Witali Leonid Maxim Denis Artjom Kirill Stanislaw Imangali Nursultan "
    "Kassym Sadyr Emomali Ilham Nikol Ramsan Natalja Swetlana Maria Julia Olga Tatjana Jelena Irina "
    "Anna Darja Xenia Ljudmila Galina Walentina Oksana Marina"
).split()
# About 100 syllables of Slavic and Central Asian names: dense enough that many names are one
# or two letters apart (as real surnames are), sparse enough that most are not.
SYLLABLES = (
    "ka lo wa mi schen ko ra ba tu so ni de gor bat mar tas ma gam be lu pe tro sa wo li ja "
    "mo ru scha tschi wol fo ser do ki na ze jaz pri go mel bek nur sul tan as kar dyr jer "
    "lan gul nar baj dscha par ach met rus lem sab ow dim trow tschen ljub mir slaw bor wlad "
    "kys jom tok naz ars lid ost wer chol dan kul bul dor sem pol lew zin kow tschuk brod "
    "grin schtsch wit schaw fed jur zar kir ust mog rad sit wor pet tal ham rif zag rov"
).split()
SURNAME_ENDINGS = ("ow", "ew", "enko", "witsch", "ski", "in", "jew", "tschuk", "ak", "uk", "an", "ko")
PLACE_ENDINGS = ("sk", "grad", "burg", "pol", "ow", "ez", "ino", "aja")
ORG_HEADS = ("Union", "Organisation", "Agentur", "Bank", "Partei", "Kommission", "Rat", "Werke", "Gruppe")
ORG_ADJECTIVES = ("Eurasische", "Nationale", "Belarussische", "Russische", "Kasachische", "Vereinigte", "Freie")

TO_ENGLISH = (("tsch", "ch"), ("sch", "sh"), ("w", "v"), ("j", "y"), ("s", "z"))


def english(name: str) -> str:
    out = name
    for german, latin in TO_ENGLISH[:4]:
        out = out.replace(german, latin).replace(german.capitalize(), latin.capitalize())
    return out


def word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()


def typo(rng: random.Random, text: str) -> str:
    """One substituted letter inside the longest word, away from its first and last two letters."""
    import re

    words = list(re.finditer(r"[^\W\d_]+", text))
    longest = max(words, key=lambda match: len(match.group(0)))
    target = longest.group(0)
    if len(target) < 8:
        return text
    position = longest.start() + rng.randrange(2, len(target) - 3)
    letter = rng.choice([c for c in "aeiourlnkt" if c != text[position].lower()])
    return text[:position] + letter + text[position + 1 :]


def make_registry(entities: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    records, seen = [], set()
    while len(records) < entities:
        kind = rng.random()
        if kind < 0.6:
            given = rng.choice(GIVEN)
            surname = word(rng, rng.choice((2, 3, 3, 3, 4))) + rng.choice(SURNAME_ENDINGS)
            name = f"{given} {surname}"
            aliases = [surname, english(name), f"{given[0]}. {surname}", english(surname)]
            label = "PER"
        elif kind < 0.8:
            place = word(rng, rng.randint(2, 3)) + rng.choice(PLACE_ENDINGS)
            name = f"{rng.choice(ORG_ADJECTIVES)} {place}-{rng.choice(ORG_HEADS)}"
            initials = "".join(part[0] for part in name.replace("-", " ").split()).upper()
            aliases = [initials + place[:2].upper(), english(name), name.upper(), f"{place} {rng.choice(ORG_HEADS)}"]
            label = "ORG"
        else:
            name = word(rng, rng.randint(2, 4)) + rng.choice(PLACE_ENDINGS)
            aliases = [english(name), name + "a", "Nowo" + name.lower(), english(name) + "ia"]
            label = "LOC"
        slug = name.lower().replace(" ", "-").replace(".", "")
        entity_id = f"{label.lower()}:{slug}"
        if entity_id in seen:
            continue
        seen.add(entity_id)
        records.append({"id": entity_id, "label": label, "name": name, "aliases": aliases})
    return records


def make_mentions(records: list[dict], count: int, seed: int = 11) -> list[tuple[str, str, str, bool]]:
    """(text, label, expected id, fuzzy?) — half exact aliases, half one-letter typos; distinct."""
    rng = random.Random(seed)
    mentions, seen = [], set()
    while len(mentions) < count:
        record = rng.choice(records)
        fuzzy = len(mentions) % 2 == 1
        text = rng.choice([record["name"], *record["aliases"]])
        if fuzzy:
            text = typo(rng, record["name"])
            if text == record["name"]:
                continue
        if (text, record["label"]) in seen:
            continue
        seen.add((text, record["label"]))
        mentions.append((text, record["label"], record["id"], fuzzy))
    return mentions


def make_forms(count: int, seed: int = 13) -> list[tuple[str, str, int, str]]:
    """(text, label, count, truth) for distinct unknown forms of synthetic people and places."""
    rng = random.Random(seed)
    forms, seen = [], set()
    truth = 0
    while len(forms) < count:
        truth += 1
        if rng.random() < 0.8:
            given, surname = rng.choice(GIVEN), word(rng, 3) + rng.choice(SURNAME_ENDINGS)
            base, label = f"{given} {surname}", "PER"
            variants = [base, english(base), typo(rng, base), f"{given} {surname}s"[: len(base) + 1]]
        else:
            base, label = word(rng, 3) + rng.choice(PLACE_ENDINGS), "LOC"
            variants = [base, english(base), typo(rng, base), base + "s"]
        for text in variants[: rng.randint(1, 4)]:
            if (text, label) not in seen and len(forms) < count:
                seen.add((text, label))
                forms.append((text, label, rng.randint(1, 50), f"{label}{truth}:{base}"))
    return forms


# --- the measured parts (each runs in a child process) ------------------------------------------


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _knowledge(args) -> dict:
    """The resolver's gazetteer setting (an older entitykit without one: nothing)."""
    return {"gazetteer": True} if getattr(args, "gazetteer", False) else {}


def part_build(args) -> dict:
    from entitykit.aliases import AliasRegistry
    from entitykit.resolver import Resolver

    records = make_registry(args.entities)
    aliases = sum(1 + len(record["aliases"]) for record in records)
    start, cpu = time.perf_counter(), time.process_time()
    registry = AliasRegistry.from_sources(records)
    loaded = time.perf_counter() - start
    resolver = Resolver(registry)
    total, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"entities": len(registry), "aliases": aliases, "load_s": loaded, "build_s": total, "build_cpu_s": cpu,
            "peak_mb": peak_mb()}


def part_resolve(args) -> dict:
    from entitykit.aliases import AliasRegistry
    from entitykit.resolver import Mention, Resolver

    records = make_registry(args.entities)
    mentions = make_mentions(records, args.mentions)
    resolver = Resolver(AliasRegistry.from_sources(records), **_knowledge(args))
    warm = [Mention(text, label) for text, label, _, _ in mentions[:200]]
    resolver.resolve_mentions(warm)  # imports and first-use costs out of the timing
    resolver._cache.clear()
    batch = [Mention(text, label) for text, label, _, _ in mentions]
    start, cpu = time.perf_counter(), time.process_time()
    results = []
    for offset in range(0, len(batch), 1000):  # batches, as the spaCy component sends them
        results.extend(resolver.resolve_mentions(batch[offset : offset + 1000]))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    fuzzy = [(m, r) for m, r in zip(mentions, results) if m[3]]
    right = sum(r.entity_id == m[2] for m, r in fuzzy)
    wrong = sum(not r.entity_id.startswith("new:") and r.entity_id != m[2] for m, r in fuzzy)
    exact_right = sum(r.entity_id == m[2] for m, r in zip(mentions, results) if not m[3])
    return {
        "mentions": len(batch),
        "seconds": seconds,
        "per_s": len(batch) / seconds,
        "per_cpu_s": len(batch) / cpu,
        "fuzzy_found": right / len(fuzzy),
        "fuzzy_wrong": wrong / len(fuzzy),
        "exact_found": exact_right / (len(batch) - len(fuzzy)),
        "peak_mb": peak_mb(),
    }


def part_cluster(args) -> dict:
    from entitykit.resolver import Resolver

    forms = make_forms(args.forms)
    resolver = Resolver(**_knowledge(args))
    resolver.cluster_forms([("Alexander Wolfowitsch", "PER", 1)])  # imports out of the timing
    start, cpu = time.perf_counter(), time.process_time()
    result = resolver.cluster_forms((text, label, count) for text, label, count, _ in forms)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    # pairwise precision and recall against the generated truth, counted per cluster (no n^2 pairs)
    from collections import Counter

    predicted = Counter(result[(text, label)].entity_id for text, label, _, _ in forms)
    truth = Counter(truth for _, _, _, truth in forms)
    both = Counter((result[(text, label)].entity_id, t) for text, label, _, t in forms)
    pairs = lambda counter: sum(n * (n - 1) // 2 for n in counter.values())  # noqa: E731
    together = pairs(both)
    return {
        "forms": len(forms),
        "seconds": seconds,
        "cpu_s": cpu,
        "clusters": len(predicted),
        "true_clusters": len(truth),
        "pair_precision": together / max(1, pairs(predicted)),
        "pair_recall": together / max(1, pairs(truth)),
        "peak_mb": peak_mb(),
    }


def part_baseline(args) -> dict:
    from rapidfuzz import fuzz, process, utils

    records = make_registry(args.entities)
    mentions = make_mentions(records, args.mentions)
    choices, owners = [], []
    for record in records:
        for alias in (record["name"], *record["aliases"]):
            choices.append(alias)
            owners.append(record["id"])
    sample = random.Random(5).sample(mentions, min(args.baseline_sample, len(mentions)))
    start, cpu = time.perf_counter(), time.process_time()
    found = []
    for text, _, _, _ in sample:
        best = process.extractOne(text, choices, scorer=fuzz.WRatio, score_cutoff=85, processor=utils.default_process)
        found.append(owners[best[2]] if best else None)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    fuzzy = [(m, f) for m, f in zip(sample, found) if m[3]]
    return {
        "sample": len(sample),
        "seconds": seconds,
        "per_s": len(sample) / seconds,
        "per_cpu_s": len(sample) / cpu,
        "fuzzy_found": sum(f == m[2] for m, f in fuzzy) / max(1, len(fuzzy)),
        "fuzzy_wrong": sum(f is not None and f != m[2] for m, f in fuzzy) / max(1, len(fuzzy)),
        "peak_mb": peak_mb(),
    }


PARTS = {"build": part_build, "resolve": part_resolve, "cluster": part_cluster, "baseline": part_baseline}


def run_part(name: str, argv: list[str]) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--part", name, *argv], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise SystemExit(f"part {name} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def report(results: dict, args, command: str) -> str:
    build, resolve, cluster, baseline = (results[name] for name in ("build", "resolve", "cluster", "baseline"))
    ratio = resolve["per_s"] / baseline["per_s"]
    ok = lambda passed: "ok" if passed else "MISSED"  # noqa: E731
    lines = [
        f"## Alias resolution (benchmarks/resolver.py), {time.strftime('%Y-%m-%d')}",
        "",
        f"Command: `{command}`  ",
        f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}; "
        "single process; each part in its own subprocess (peak = that process's max RSS).",
        "",
        "| measure | result | target |",
        "|---|---|---|",
        f"| registry: entities / aliases | {build['entities']:,} / {build['aliases']:,} | 100,000 / ~500,000 |",
        f"| registry load (validate + exact index) | {build['load_s']:.1f} s | |",
        f"| load + fuzzy/skeleton/acronym indexes | {build['build_s']:.1f} s | <= 30 s {ok(build['build_s'] <= 30)} |",
        f"| peak memory after build | {build['peak_mb']:,.0f} MB | <= 1,536 MB {ok(build['peak_mb'] <= 1536)} |",
        f"| resolve_mentions, half fuzzy ({resolve['mentions']:,} distinct mentions) | {resolve['per_s']:,.0f} mentions/s "
        f"| >= 10,000 {ok(resolve['per_s'] >= 10_000)} |",
        f"| peak memory while resolving | {resolve['peak_mb']:,.0f} MB | <= 1,536 MB {ok(resolve['peak_mb'] <= 1536)} |",
        f"| typo mentions resolved to their entity / to a wrong one | {resolve['fuzzy_found']:.1%} / "
        f"{resolve['fuzzy_wrong']:.2%} | |",
        f"| exact alias mentions resolved to their entity | {resolve['exact_found']:.1%} | (shared aliases are ambiguous) |",
        f"| cluster_forms on {cluster['forms']:,} distinct unknown forms | {cluster['seconds']:.1f} s "
        f"| <= 90 s {ok(cluster['seconds'] <= 90)} |",
        f"| clusters found / true | {cluster['clusters']:,} / {cluster['true_clusters']:,} "
        f"(pair precision {cluster['pair_precision']:.3f}, recall {cluster['pair_recall']:.3f}) | |",
        f"| peak memory while clustering | {cluster['peak_mb']:,.0f} MB | |",
        f"| baseline extractOne(WRatio, cutoff 85) over all aliases, {baseline['sample']} sampled mentions "
        f"| {baseline['per_s']:,.1f} mentions/s (typos found {baseline['fuzzy_found']:.0%}, wrong "
        f"{baseline['fuzzy_wrong']:.0%}) | |",
        f"| entitykit / baseline speed | {ratio:,.0f}x | |",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--mentions", type=int, default=20_000)
    parser.add_argument("--forms", type=int, default=200_000)
    parser.add_argument("--baseline-sample", type=int, default=100)
    parser.add_argument("--part", choices=sorted(PARTS), help=argparse.SUPPRESS)
    parser.add_argument("--only", nargs="*", choices=sorted(PARTS), help="run only these parts")
    parser.add_argument("--write", type=Path, help="append the result table to this markdown file")
    parser.add_argument("--gazetteer", action="store_true",
                        help="resolve and cluster with the bundled knowledge of places, as entitykit.load() does")
    args = parser.parse_args()
    if args.part:
        print(json.dumps(PARTS[args.part](args)))
        return
    argv = [f"--entities={args.entities}", f"--mentions={args.mentions}", f"--forms={args.forms}",
            f"--baseline-sample={args.baseline_sample}", *(["--gazetteer"] if args.gazetteer else [])]
    results = {}
    for name in args.only or ["build", "resolve", "cluster", "baseline"]:
        results[name] = run_part(name, argv)
        print(name, json.dumps(results[name]), flush=True)
    if len(results) == len(PARTS):
        command = " ".join([".venv/bin/python", "benchmarks/resolver.py", *sys.argv[1:]])
        text = report(results, args, command)
        print(text)
        if args.write:
            with args.write.open("a", encoding="utf-8") as handle:
                handle.write("\n" + text)


if __name__ == "__main__":
    main()
