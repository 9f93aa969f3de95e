"""Precision audit of merging: which spellings did ``entitykit run`` put into one entity, and
were they right? (issue 9, item 7)

The corpus is everyday German: the DFKI SmartData train documents (news, press releases,
tweets, traffic reports) and the GermEval 2014 dev sentences, 20 consecutive sentences to a
document (1,354 documents). The audit

1. writes that corpus as JSONL (``id``, ``source``, ``text``) into the work folder;
2. runs ``python -m entitykit run`` on it in a subprocess with this interpreter, so it measures
   what users run;
3. lists one review item per entity and *non-trivial* variant: a spelling that still differs
   from the entity's canonical name once case, ``#``/``@`` (camel case split), punctuation,
   umlauts and accents, an apostrophe or ``-s`` genitive and adjective endings are folded away
   (:func:`same_spelling`). Each item carries the methods that linked its mentions, how many
   of them were linked by ``acronym``/``translit``/``cluster``/``fuzzy``/``coref`` in a document
   where the canonical spelling does not occur (``cross_doc``), and context snippets of both sides;
4. writes ``review.jsonl`` and ``review.md`` for judging by hand;
5. scores against the judged pairs (``--judged``, default ``tests/fixtures/merge_audit.jsonl``):
   an entity is a wrong merge when any of its judged pairs is ``different``; the figure is
   wrong / (wrong + right) among the non-trivial merged entities whose pairs are all judged,
   overall and by method, plus the check that no entity among the 50 most mentioned has a
   variant judged ``different``. Items nobody has judged yet are listed, so a rerun after a
   change of the merging rules shows what is new. ``summary.json`` holds every figure.

The judged file has one pair a line: ``{"left": variant, "right": canonical, "label",
"verdict": "same" | "different" | "unsure", "method", "note"}``, with ``"missed": true`` for
merges that should have happened and did not (reported as merged / still apart), and
``"context": true`` where the verdict needs the documents, not only the two names
(tests/test_merge_audit.py leaves those out). A judged pair matches an item when label and
folded spellings agree, in either order, so a judgement survives a change of which spelling
is canonical.

    PYTHONPATH=src .venv/bin/python benchmarks/merge_audit.py                      # whole corpus, ~2 min
    PYTHONPATH=src .venv/bin/python benchmarks/merge_audit.py --limit-docs 50      # a quick look
    PYTHONPATH=src .venv/bin/python benchmarks/merge_audit.py --no-run             # rescore the last run
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from entitykit.names import inflection_stem
from entitykit.ner_data import read_germeval, read_smartdata
from entitykit.normalize import (
    collapse_spaces,
    fold_case,
    fold_umlauts,
    genitive_stem,
    nfkc,
    normalize,
    strip_apostrophe_genitive,
    strip_diacritics,
    unify_punctuation,
)

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
SMARTDATA = CORPORA / "smartdata" / "v1_train.json.gz"
GERMEVAL_DEV = CORPORA / "germeval2014" / "NER-de-dev.tsv"
DEFAULT_OUT = ROOT / "benchmarks" / "audit-out"
DEFAULT_JUDGED = ROOT / "tests" / "fixtures" / "merge_audit.jsonl"
SENTENCES_PER_DOCUMENT = 20
# methods that link a mention to an entity by similarity or context rather than by the registry
LINKING_METHODS = ("acronym", "translit", "cluster", "fuzzy", "coref")
VERDICTS = ("same", "different", "unsure")
TOP = 50
FLOOR_WRONG_RATE = 0.05
SNIPPETS = 3
SNIPPET_WIDTH = 70


# --- the corpus --------------------------------------------------------------------------------

_NO_SPACE_BEFORE = {".", ",", ";", ":", "!", "?", ")", "]", "}", "“", "‘", "%", "'s"}
_NO_SPACE_AFTER = {"(", "[", "{", "„", "‚", "/"}


def detokenize(words: list[str]) -> str:
    """GermEval tokens as running text: no space before punctuation or inside German quotes.

    Straight double quotes open and close in turn.

    >>> detokenize(["Der", "„", "Spiegel", "“", "berichtet", "(", "dpa", ")", ":", '"', "Ja", '"', "."])
    'Der „Spiegel“ berichtet (dpa): "Ja".'
    """
    pieces: list[str] = []
    glue_next = True  # no space before the first word
    open_straight = False
    for word in words:
        if word == '"':
            closing = open_straight
            open_straight = not open_straight
            pieces.append(word if (glue_next or closing) else " " + word)
            glue_next = not closing
            continue
        pieces.append(word if (glue_next or word in _NO_SPACE_BEFORE) else " " + word)
        glue_next = word in _NO_SPACE_AFTER
    return "".join(pieces)


def corpus_records(limit_docs: int | None = None) -> Iterator[dict]:
    """The audit corpus: SmartData train documents, then GermEval dev in documents of 20 sentences.

    ``limit_docs`` keeps at most that many documents of each source. Ids are positional
    (``smartdata-0001``, ``germeval-dev-001``): SmartData's own ids repeat.
    """
    for number, doc in enumerate(read_smartdata(SMARTDATA), start=1):
        if limit_docs is not None and number > limit_docs:
            break
        yield {"id": f"smartdata-{number:04d}", "source": "smartdata", "text": doc.text}
    sentences = [detokenize(sentence.words) for sentence in read_germeval(GERMEVAL_DEV)]
    for start in range(0, len(sentences), SENTENCES_PER_DOCUMENT):
        number = start // SENTENCES_PER_DOCUMENT + 1
        if limit_docs is not None and number > limit_docs:
            break
        text = " ".join(sentences[start : start + SENTENCES_PER_DOCUMENT])
        yield {"id": f"germeval-dev-{number:03d}", "source": "germeval", "text": text}


def write_jsonl(path: Path, rows: Iterable[dict]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def run_entitykit(corpus: Path, out: Path, processes: int) -> float:
    """``python -m entitykit run`` on the corpus, as a user runs it; returns the seconds taken."""
    command = [sys.executable, "-m", "entitykit", "run", str(corpus), "--out", str(out),
               "--processes", str(processes), "--force", "--quiet"]
    print("$", " ".join(command), flush=True)
    started = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - started


# --- what counts as the same spelling ----------------------------------------------------------

_CAMEL = re.compile(r"(?<=[a-zäöüß])(?=[A-ZÄÖÜ])")
_HASHTAG = re.compile(r"(?<!\w)[#@](\w+)")
_WORDS = re.compile(r"[\s\-./]+")


def fold(text: str) -> str:
    """A spelling with the trivial differences gone: case, ``#``/``@`` (camel case split),
    quotes and dashes, umlauts and accents, apostrophe and ``-s`` genitives, adjective endings.

    Two spellings of an entity with the same fold are not a merge worth judging.

    >>> fold("#DeutscheBahn") == fold("Deutschen #Bahn") == fold("DEUTSCHE BAHN")
    True
    >>> fold("Merkels") == fold("Merkel"), fold("REUTERS") == fold("Reuters"), fold("SAP S.E.") == fold("SAP SE")
    (True, True, True)
    >>> fold("Europäischen Zentralbank")
    'europaeischzentralbank'
    >>> fold("Harburg") == fold("Hamburg"), fold("VW") == fold("Volkswagen"), fold("OVKS")
    (False, False, 'ovks')
    """
    text = collapse_spaces(unify_punctuation(nfkc(text)))
    if "#" in text or "@" in text:  # hashtags and handles: #DeutscheBahn, Deutschen #Bahn
        text = _HASHTAG.sub(lambda tag: _CAMEL.sub(" ", tag.group(1)), text)
    words = _WORDS.split(strip_apostrophe_genitive(text))
    # the genitive -s is looked at before case folding, which would hide an acronym (OVKS);
    # endings go until none is left, so that Reuters, Reuter and REUTERS meet (reut); words
    # are joined without spaces (Baden Württemberg, Baden-Württemberg)
    return "".join(_stem(strip_diacritics(fold_umlauts(fold_case(genitive_stem(word) or word))))
                   for word in words if word)


def _stem(word: str) -> str:
    while (shorter := inflection_stem(word)) != word:
        word = shorter
    return word


def same_spelling(a: str, b: str) -> bool:
    """Whether two spellings differ only trivially: the same :func:`fold`, or the same letters
    once case, umlauts, ``#``/``@`` and everything but letters and digits are gone.

    >>> same_spelling("@ThyssenKrupp", "thyssenkrupp"), same_spelling("Ver.di", "Verdi")
    (True, True)
    >>> same_spelling("VW", "Volkswagen"), same_spelling("Harburg", "Hamburg")
    (False, False)
    """
    return fold(a) == fold(b) or _letters(a) == _letters(b)


def _letters(text: str) -> str:
    text = strip_diacritics(fold_umlauts(fold_case(unify_punctuation(nfkc(text)))))
    return "".join(char for char in text if char.isalnum())


def pair_key(label: str, left: str, right: str) -> tuple[str, str, str]:
    """The key a judgement is found under: label and the two folded spellings, in either order."""
    a, b = sorted((fold(left), fold(right)))
    return (label, a, b)


# --- review items ------------------------------------------------------------------------------


@dataclass
class ReviewItem:
    """One spelling of an entity that differs non-trivially from its canonical name.

    ``method`` is the most frequent method among the variant's mentions (all in ``methods``);
    ``cross_doc`` counts its mentions linked by :data:`LINKING_METHODS` in a document where the
    canonical spelling does not occur. ``verdict`` and ``note`` come from the judged file.
    """

    item: str  # a short stable id of the pair
    variant: str  # the variant's most frequent spelling (all of them in ``forms``)
    canonical: str
    label: str
    entity_id: str
    entity_rank: int  # 1 = the entity with the most mentions
    entity_mentions: int
    method: str
    methods: dict[str, int]
    count: int  # mentions of the variant
    documents: int
    cross_doc: int
    forms: dict[str, int]
    variant_contexts: list[str]
    canonical_contexts: list[str]
    docs: list[str]  # the first 20 documents of the variant
    verdict: str | None = None
    note: str = ""

    @property
    def name(self) -> str:
        return f"{self.variant} -> {self.canonical} ({self.label}, rank {self.entity_rank})"


def snippet(text: str, start: int, end: int, width: int = SNIPPET_WIDTH) -> str:
    """The mention in ``[[...]]`` with up to ``width`` characters on each side, on one line.

    >>> snippet("Die Deutsche Bahn meldet Verspätungen.", 4, 17, width=6)
    'Die [[Deutsche Bahn]] melde…'
    """
    before = ("…" if start > width else "") + text[max(0, start - width) : start]
    after = text[end : end + width] + ("…" if end + width < len(text) else "")
    return " ".join(f"{before}[[{text[start:end]}]]{after}".split())


def contexts(
    mentions: list[dict], texts: dict[str, str], avoid_docs: Iterable[str] = (), limit: int = SNIPPETS
) -> list[str]:
    """Snippets of up to ``limit`` mentions, one per document, documents not in ``avoid_docs`` first."""
    avoid = set(avoid_docs)
    chosen: list[dict] = []
    seen: set[str] = set()
    for preferred in (True, False):
        for mention in mentions:
            doc = mention["doc_id"]
            if len(chosen) < limit and doc not in seen and not (preferred and doc in avoid):
                seen.add(doc)
                chosen.append(mention)
    return [
        f"{m['doc_id']}: " + (snippet(texts[m["doc_id"]], m["start_char"], m["end_char"]) if m["doc_id"] in texts
                              else f"[[{m['text']}]]")
        for m in chosen
    ]


def review_items(mentions: list[dict], entities: list[dict], texts: dict[str, str]) -> list[ReviewItem]:
    """One item per entity and non-trivial variant, most mentioned entities first.

    ``mentions`` and ``entities`` are the rows of ``entitykit run``'s tables; ``texts`` the
    documents by id, for the context snippets.
    """
    by_entity: dict[str, list[dict]] = defaultdict(list)
    for mention in mentions:
        by_entity[mention["entity_id"]].append(mention)
    items = []
    for rank, entity in enumerate(ranked(entities), start=1):
        canonical, label = entity["canonical"], entity["label"]
        groups: dict[str, list[dict]] = defaultdict(list)
        for mention in by_entity.get(entity["entity_id"], []):
            groups[fold(mention["text"])].append(mention)
        canonical_key = fold(canonical)
        canonical_docs = {m["doc_id"] for m in groups.get(canonical_key, [])}
        # the other side of each pair: the canonical spelling, or all the entity's spellings
        # when the canonical name (a registry's) never occurs
        canonical_side = groups.get(canonical_key) or [m for group in groups.values() for m in group]
        for key, group in sorted(groups.items(), key=lambda pair: (-len(pair[1]), pair[0])):
            forms = Counter(m["text"] for m in group)
            if key == canonical_key or any(same_spelling(form, canonical) for form in forms):
                continue
            variant = forms.most_common(1)[0][0]
            methods = Counter(m["method"] for m in group)
            docs = sorted({m["doc_id"] for m in group})
            items.append(ReviewItem(
                item=hashlib.sha1("|".join(pair_key(label, variant, canonical)).encode()).hexdigest()[:10],
                variant=variant,
                canonical=canonical,
                label=label,
                entity_id=entity["entity_id"],
                entity_rank=rank,
                entity_mentions=entity["mentions"],
                method=methods.most_common(1)[0][0],
                methods=dict(methods.most_common()),
                count=len(group),
                documents=len(docs),
                cross_doc=sum(m["method"] in LINKING_METHODS and m["doc_id"] not in canonical_docs for m in group),
                forms=dict(forms.most_common()),
                variant_contexts=contexts(group, texts),
                canonical_contexts=contexts([m for m in canonical_side if fold(m["text"]) != key], texts, docs),
                docs=docs[:20],
            ))
    return items


def ranked(entities: list[dict]) -> list[dict]:
    """Entities by number of mentions, most first (ties by id)."""
    return sorted(entities, key=lambda entity: (-entity["mentions"], entity["entity_id"]))


# --- judgements and the score ------------------------------------------------------------------


def read_judged(path: Path) -> list[dict]:
    """The judged pairs (``left``, ``right``, ``label``, ``verdict``, ...); none when the file is missing."""
    if not path.is_file():
        return []
    rows = read_jsonl(path)
    for number, row in enumerate(rows, start=1):
        if row.get("verdict") not in VERDICTS:
            raise SystemExit(f"{path}:{number}: verdict must be one of {', '.join(VERDICTS)}, "
                             f"got {row.get('verdict')!r}")
    return rows


def rate(wrong: int, right: int) -> float | None:
    """wrong / (wrong + right), to four places; None when nothing is judged."""
    return round(wrong / (wrong + right), 4) if wrong + right else None


def entity_status(items: list[ReviewItem]) -> str:
    """``wrong`` if any pair is judged different, else ``unjudged`` / ``unsure`` / ``right``."""
    found = {item.verdict for item in items}
    if "different" in found:
        return "wrong"
    if None in found:
        return "unjudged"
    return "unsure" if "unsure" in found else "right"


def score(
    items: list[ReviewItem], entities: list[dict], judged: list[dict], mentions: list[dict] | None = None
) -> dict:
    """The audit's figures; sets ``verdict`` and ``note`` of each judged item.

    An entity with non-trivial variants is *wrong* when any of its pairs is judged
    ``different``, *right* when all are judged ``same``, *unsure* when all are judged and some
    ``unsure``, *unjudged* otherwise. ``wrong_rate`` = wrong / (wrong + right). By method, the
    same over each entity's pairs of that method. With ``mentions``, the missed merges too.
    """
    # a missed merge judged "same" is a judgement of that pair too, once the merge happens
    verdicts = {pair_key(row["label"], row["left"], row["right"]): row for row in judged}
    of_entity: dict[str, list[ReviewItem]] = defaultdict(list)
    for item in items:
        row = verdicts.get(pair_key(item.label, item.variant, item.canonical))
        item.verdict, item.note = (row["verdict"], row.get("note", "")) if row else (None, "")
        of_entity[item.entity_id].append(item)
    counts = Counter(entity_status(group) for group in of_entity.values())

    by_method: dict[str, dict] = {}
    for method in sorted({item.method for item in items}):
        group = [item for item in items if item.method == method]
        found = Counter(item.verdict for item in group)
        statuses = Counter(entity_status([i for i in group if i.entity_id == entity_id])
                           for entity_id in {item.entity_id for item in group})
        by_method[method] = {
            "items": len(group), "same": found["same"], "different": found["different"],
            "unsure": found["unsure"], "unjudged": found[None],
            "pair_wrong_rate": rate(found["different"], found["same"]),
            "entities_wrong": statuses["wrong"], "entities_right": statuses["right"],
            "entity_wrong_rate": rate(statuses["wrong"], statuses["right"]),
        }

    top_ids = {entity["entity_id"] for entity in ranked(entities)[:TOP]}
    top_items = [item for item in items if item.entity_id in top_ids]
    verdict_counts = Counter(item.verdict for item in items)
    summary = {
        "entities": len(entities),
        "mentions": sum(entity["mentions"] for entity in entities),
        "items": len(items),
        "items_judged": len(items) - verdict_counts[None],
        "items_by_verdict": {verdict: verdict_counts[verdict] for verdict in VERDICTS},
        "items_cross_doc": sum(1 for item in items if item.cross_doc),
        "merged_entities": len(of_entity),
        "entities_wrong": counts["wrong"],
        "entities_right": counts["right"],
        "entities_unsure": counts["unsure"],
        "entities_unjudged": counts["unjudged"],
        "wrong_rate": rate(counts["wrong"], counts["right"]),
        "wrong_rate_if_unsure_wrong": rate(counts["wrong"] + counts["unsure"], counts["right"]),
        "floor": FLOOR_WRONG_RATE,
        "by_method": by_method,
        "top50_ok": not any(item.verdict == "different" for item in top_items),
        "top50_wrong": [item.name for item in top_items if item.verdict == "different"],
        "top50_unjudged": [item.name for item in top_items if item.verdict is None],
        "unjudged": [item.item for item in items if item.verdict is None],
    }
    if mentions is not None:
        summary["missed"] = missed_pairs(judged, mentions)
        summary["split_in_a_document"] = split_in_a_document(mentions)
    return summary


def split_in_a_document(mentions: list[dict]) -> list[str]:
    """Spellings that got two entity ids inside one document (the floor: none), as ``doc: text``."""
    ids: dict[tuple[str, str], set[str]] = defaultdict(set)
    for mention in mentions:
        ids[(mention["doc_id"], normalize(mention["text"]))].add(mention["entity_id"])
    return sorted(f"{doc}: {text}" for (doc, text), found in ids.items() if len(found) > 1)


def missed_pairs(judged: list[dict], mentions: list[dict]) -> dict:
    """The pairs judged as missed merges (``"missed": true``): which are merged in this run.

    A pair is merged when some entity has mentions of both spellings (as written, ignoring
    case); ``absent`` when a spelling is not in the run at all.
    """
    entities_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for mention in mentions:
        entities_of[(mention["label"], mention["text"].casefold())].add(mention["entity_id"])
    found: dict[str, list[str]] = {"merged": [], "apart": [], "absent": []}
    for row in judged:
        if not row.get("missed"):
            continue
        left = entities_of.get((row["label"], row["left"].casefold()))
        right = entities_of.get((row["label"], row["right"].casefold()))
        kind = "absent" if not (left and right) else "merged" if left & right else "apart"
        found[kind].append(f"{row['left']} / {row['right']} ({row['label']})")
    return found


# --- writing -----------------------------------------------------------------------------------


def write_review(items: list[ReviewItem], summary: dict, folder: Path) -> None:
    """``review.jsonl`` (one item a line) and ``review.md`` (by entity, with contexts)."""
    write_jsonl(folder / "review.jsonl", (asdict(item) for item in items))
    lines = [
        "# Merge audit: review", "",
        f"{summary['items']} items (non-trivial variant -> canonical), {summary['items_judged']} judged; "
        f"wrong-merge rate {summary['wrong_rate']} ({summary['entities_wrong']} wrong / "
        f"{summary['entities_wrong'] + summary['entities_right']} judged entities).", "",
        'Judgements go into the judged file, one a line: {"left": variant, "right": canonical, "label", '
        '"verdict": same|different|unsure, "method", "note"}.', "",
    ]
    current = None
    for item in items:
        if item.entity_id != current:
            current = item.entity_id
            lines += [f"## {item.entity_rank}. {item.canonical} ({item.label}, {item.entity_id}, "
                      f"{item.entity_mentions} mentions)", ""]
        methods = ", ".join(f"{method} {count}" for method, count in item.methods.items())
        facts = f"{item.count} mentions in {item.documents} docs ({methods}); cross-doc links: {item.cross_doc}"
        if len(item.forms) > 1:
            facts += f"; forms: {', '.join(item.forms)}"
        if item.note:
            facts += f"; note: {item.note}"
        lines += [f"### [{item.verdict or 'UNJUDGED'}] {item.variant} -> {item.canonical}  `{item.item}`", facts]
        lines += [f"- variant: {context}" for context in item.variant_contexts]
        lines += [f"- canonical: {context}" for context in item.canonical_contexts]
        lines.append("")
    (folder / "review.md").write_text("\n".join(lines), encoding="utf-8")


def print_summary(summary: dict) -> None:
    rate_ = summary["wrong_rate"]
    print(f"{summary['documents']:,} documents, {summary['entities']:,} entities, {summary['mentions']:,} mentions; "
          f"{summary['items']} review items ({summary['items_cross_doc']} with cross-document links), "
          f"{summary['items_judged']} judged {summary['items_by_verdict']}")
    print(f"non-trivial merged entities: {summary['merged_entities']}; wrong {summary['entities_wrong']}, "
          f"right {summary['entities_right']}, unsure {summary['entities_unsure']}, "
          f"unjudged {summary['entities_unjudged']}")
    if rate_ is not None:
        verdict = "ok" if rate_ <= summary["floor"] else "FAILS"
        print(f"wrong-merge rate {rate_:.1%} (floor <= {summary['floor']:.0%}: {verdict}); "
              f"counting unsure as wrong {summary['wrong_rate_if_unsure_wrong']:.1%}")
    for method, row in summary["by_method"].items():
        print(f"  {method:9} items {row['items']:4}  different {row['different']:3}  same {row['same']:3}  "
              f"unsure {row['unsure']:3}  unjudged {row['unjudged']:3}  "
              f"entities wrong {row['entities_wrong']:3} / right {row['entities_right']:3}")
    print(f"top {TOP}: {'ok' if summary['top50_ok'] else 'WRONG VARIANTS'}"
          + "".join(f"\n  different: {name}" for name in summary["top50_wrong"])
          + "".join(f"\n  unjudged: {name}" for name in summary["top50_unjudged"]))
    if "split_in_a_document" in summary:
        split = summary["split_in_a_document"]
        print(f"spellings with two ids in one document: {len(split)}" + "".join(f"\n  {name}" for name in split[:10]))
    if "missed" in summary:
        missed = summary["missed"]
        print(f"missed merges judged: {len(missed['merged'])} merged now, {len(missed['apart'])} still apart, "
              f"{len(missed['absent'])} not both in the output")
    if summary["unjudged"]:
        print(f"{len(summary['unjudged'])} items need judging (UNJUDGED in review.md)")


def code_version() -> str | None:
    """The commit of the checkout this script belongs to (``+`` when ``src/`` has changes), if git can say."""
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "--", "src"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit + ("+" if dirty else "")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"work folder (default {DEFAULT_OUT.relative_to(ROOT)}, ignored by git)")
    parser.add_argument("--processes", type=int, default=1, help="worker processes of entitykit run")
    parser.add_argument("--judged", type=Path, default=DEFAULT_JUDGED, help="judged pairs, JSONL")
    parser.add_argument("--limit-docs", type=int, default=None, help="at most this many documents of each source")
    parser.add_argument("--no-run", action="store_true", help="score the outputs already in --out")
    args = parser.parse_args(argv)

    args.out.mkdir(parents=True, exist_ok=True)
    corpus = args.out / "corpus.jsonl"
    run_dir = args.out / "run"
    if args.no_run:
        if not (run_dir / "entities.jsonl").is_file():
            parser.error(f"--no-run: no earlier run in {run_dir}; run once without --no-run")
    else:
        documents = write_jsonl(corpus, corpus_records(args.limit_docs))
        print(f"corpus: {documents:,} documents -> {corpus}", flush=True)
        seconds = run_entitykit(corpus, run_dir, args.processes)
        print(f"entitykit run: {seconds:.0f} s", flush=True)
    texts = {record["id"]: record["text"] for record in read_jsonl(corpus)}
    mentions = read_jsonl(run_dir / "mentions.jsonl")
    entities = read_jsonl(run_dir / "entities.jsonl")
    items = review_items(mentions, entities, texts)
    summary = score(items, entities, read_judged(args.judged), mentions)
    run_info = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    summary.update(documents=len(texts), judged_file=str(args.judged), code=code_version(), model=run_info["model"])
    write_review(items, summary, args.out)
    (args.out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print_summary(summary)
    print(f"review: {args.out / 'review.md'}, {args.out / 'review.jsonl'}; summary: {args.out / 'summary.json'}")
    return summary


if __name__ == "__main__":
    main()
