"""What ``run_corpus`` writes for each mention: the method and score of coreferent mentions,
and document fields whose names clash with the mention columns.

The pipeline is ``spacy.blank("de")`` with an entity ruler as "ner" and entitykit's components
without any registry, so the tests check the outputs, not the NER model.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from entitykit.corpus import run_corpus

NAMES = [
    ("Imangali Tasmagambetow", "PER"), ("Imangali Tasmagambetov", "PER"), ("Tasmagambetow", "PER"),
    ("Minsk", "LOC"), ("Moskau", "LOC"),
]


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns([{"label": label, "pattern": [{"TEXT": word} for word in text.split()]} for text, label in NAMES])
    nlp.add_pipe("entitykit_mentions")
    nlp.add_pipe("entitykit_resolver")
    for name in ("entitykit_mentions", "entitykit_resolver"):
        nlp.get_pipe(name).initialize(default_aliases=False)  # no registry: coref and clustering only
    return nlp


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_coreferent_surname_keeps_method_coref_and_its_own_score(tmp_path, nlp):
    # doc a: the surname refers back to the transliterated full name; that full name is itself a
    # variant of the spelling in docs b and c, and is merged with it only by corpus clustering
    news = write_jsonl(tmp_path / "news.jsonl", [
        {"id": "a", "text": "Generalsekretär Imangali Tasmagambetov kam nach Minsk. Dort lobte Tasmagambetow die Gastgeber."},
        {"id": "b", "text": "Imangali Tasmagambetow sprach in Moskau."},
        {"id": "c", "text": "Imangali Tasmagambetow sprach erneut."},
    ])
    run_corpus([str(news)], tmp_path / "out", nlp=nlp, progress=False, batch_size=1)
    rows = {(m["doc_id"], m["text"]): m for m in read_jsonl(tmp_path / "out" / "mentions.jsonl")}
    person = ("new:per:imangali-tasmagambetow", "Imangali Tasmagambetow")
    surname = rows[("a", "Tasmagambetow")]
    assert (surname["entity_id"], surname["canonical"], surname["method"], surname["score"]) == (*person, "coref", 96.9)
    variant = rows[("a", "Imangali Tasmagambetov")]
    assert (variant["entity_id"], variant["canonical"], variant["method"], variant["score"]) == (*person, "cluster", 95.0)
    full = rows[("b", "Imangali Tasmagambetow")]
    assert (full["entity_id"], full["method"], full["score"]) == (person[0], "new", 100.0)
    entities = {e["entity_id"]: e for e in read_jsonl(tmp_path / "out" / "entities.jsonl")}
    assert entities[person[0]]["variants"] == [
        {"text": "Imangali Tasmagambetow", "count": 2}, {"text": "Imangali Tasmagambetov", "count": 1},
        {"text": "Tasmagambetow", "count": 1},
    ]
    assert entities[person[0]]["documents"] == 3


@pytest.mark.parametrize("format", ["jsonl", "csv"])
def test_document_fields_named_like_output_columns_get_a_meta_prefix(tmp_path, nlp, format):
    news = write_jsonl(tmp_path / "news.jsonl", [
        {"id": "a", "text": "Lagebericht aus Minsk.", "label": "Politik", "score": 3, "source": "BelTA"},
        {"id": "b", "text": "Imangali Tasmagambetow in Moskau.", "label": "Wirtschaft", "score": 5, "source": "TASS"},
    ])
    run_corpus([str(news)], tmp_path / "out", nlp=nlp, progress=False, format=format)
    path = tmp_path / "out" / f"mentions.{format}"
    if format == "csv":
        import csv

        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        header = next(csv.reader(path.open(encoding="utf-8", newline="")))
    else:
        rows = read_jsonl(path)
        header = list(rows[0])
    assert header == ["doc_id", "start_char", "end_char", "text", "label", "entity_id", "canonical", "score", "method",
                      "meta_label", "meta_score", "source"]
    got = [(r["doc_id"], r["text"], r["label"], str(r["score"]), r["meta_label"], str(r["meta_score"]), r["source"])
           for r in rows]
    assert got == [
        ("a", "Minsk", "LOC", "100.0", "Politik", "3", "BelTA"),
        ("b", "Imangali Tasmagambetow", "PER", "100.0", "Wirtschaft", "5", "TASS"),
        ("b", "Moskau", "LOC", "100.0", "Wirtschaft", "5", "TASS"),
    ]


def test_unknown_forms_are_clustered_once_per_run_and_once_per_pipe_batch(tmp_path, nlp, monkeypatch):
    from entitykit.clustering import FormClusterer

    tables = []
    real = FormClusterer.cluster

    def counting(self, forms):
        tables.append(sorted(forms.counts()))
        return real(self, forms)

    monkeypatch.setattr(FormClusterer, "cluster", counting)
    texts = ["Imangali Tasmagambetov kam nach Minsk.", "Imangali Tasmagambetow sprach in Moskau.", "Minsk."]
    news = write_jsonl(tmp_path / "news.jsonl", [{"id": str(n), "text": text} for n, text in enumerate(texts)])
    run_corpus([str(news)], tmp_path / "out", nlp=nlp, progress=False, batch_size=1)
    assert tables == [[("Imangali Tasmagambetov", "PER", 1), ("Imangali Tasmagambetow", "PER", 1),
                       ("Minsk", "LOC", 2), ("Moskau", "LOC", 1)]]  # the whole corpus, once
    assert nlp.get_pipe("entitykit_resolver").cfg["cluster"] is True  # the pipeline is left as it was
    tables.clear()
    docs = list(nlp.pipe(texts, batch_size=2))
    assert len(tables) == 2  # one per batch
    assert docs[0].ents[0].kb_id_ == docs[1].ents[0].kb_id_ == "new:per:imangali-tasmagambetow"  # a tie: the German spelling
