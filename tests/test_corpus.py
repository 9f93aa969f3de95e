"""``extract()`` and ``run_corpus()``.

The pipeline here is an entity ruler named "ner" (hand-placed entities, no statistical model)
followed by entitykit's real ``entitykit_mentions`` and ``entitykit_resolver`` components, so
the tests check the runner and the resolution, not NER quality.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import spacy

import entitykit
from entitykit.corpus import extract, run_corpus
from entitykit.runstate import WORK_DIR
from entitykit.errors import CorpusFormatError, InputError

from conftest import bad_corpus, save_name_rules  # noqa: E402  (shared with test_run_cli)

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"
ALIASES = CORPUS / "aliases.jsonl"
PATTERNS = [
    ("Alexander Lukaschenko", "PER"), ("Lukaschenko", "PER"),
    ("Alexander Wolfowitsch", "PER"), ("Alexander Wolfowutsch", "PER"), ("Wolfowitsch", "PER"), ("Wolfowutsch", "PER"),
    ("Imangali Tasmagambetow", "PER"), ("Tasmagambetow", "PER"),
    ("OVKS", "ORG"), ("Minsk", "LOC"), ("Moskau", "LOC"), ("Belarus", "LOC"),
]


def rule_pipeline(path: Path) -> Path:
    """Save a pipeline whose 'ner' is an entity ruler for the fixture names."""
    nlp = spacy.blank("de")
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns([{"label": label, "pattern": [{"TEXT": w} for w in text.split()]} for text, label in PATTERNS])
    nlp.to_disk(path)
    return path


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> Path:
    return rule_pipeline(tmp_path_factory.mktemp("model") / "de_rules")


@pytest.fixture(scope="module")
def nlp(model_path):
    return entitykit.load(model_path, aliases=[ALIASES], default_aliases=False)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- extract --------------------------------------------------------------------------------


def test_extract_yields_mentions_per_document_in_input_order(nlp):
    texts = ["Alexander Lukaschenko empfing Tasmagambetow in Minsk.", "", {"id": "x", "text": "Die OVKS tagt in Moskau.", "date": "2023-01-10"}]
    got = list(entitykit.extract(texts, nlp=nlp))
    assert [(d.doc_id, d.meta) for d in got] == [("0", {}), ("1", {}), ("x", {"date": "2023-01-10"})]
    first = got[0].mentions
    assert [(m.text, m.label, m.entity_id) for m in first][::2] == [
        ("Alexander Lukaschenko", "PER", "per:alexander-lukaschenko"), ("Minsk", "LOC", "loc:minsk"),
    ]
    assert got[1].mentions == []
    assert [(m.doc_id, m.text, m.entity_id) for m in got[2].mentions] == [("x", "OVKS", "org:ovks"), ("x", "Moskau", "loc:moskau")]


def test_extract_names_a_bad_record(nlp):
    with pytest.raises(InputError, match="record 1: no 'text' field"):
        list(extract(["Minsk", {"body": "Moskau"}], nlp=nlp))


def test_extract_runs_long_texts_in_pieces_in_input_order(nlp, monkeypatch):
    import entitykit.pipeline

    monkeypatch.setattr(entitykit.pipeline, "MAX_CHUNK_CHARS", 200)
    long_text = "Alexander Lukaschenko sprach in Minsk.\n" * 20  # 780 characters: 4+ pieces
    got = list(extract(["Die OVKS tagt in Moskau.", long_text, "Minsk"], nlp=nlp))
    assert [d.doc_id for d in got] == ["0", "1", "2"]
    assert [m.text for m in got[1].mentions].count("Minsk") == 20
    assert all(long_text[m.start_char : m.end_char] == m.text for m in got[1].mentions)
    assert [m.text for m in got[2].mentions] == ["Minsk"]


def test_new_words_do_not_stay_in_the_vocab_after_a_zone(nlp, monkeypatch):
    """Memory of a long run must not grow with its corpus: each memory zone frees its new strings."""
    import entitykit.workers

    monkeypatch.setattr(entitykit.workers, "ZONE_DOCS", 2)
    before = len(nlp.vocab.strings)
    texts = [f"Minsk meldet Wort{number}x und Begriff{number}y." for number in range(40)]
    got = list(extract(texts, nlp=nlp, batch_size=2))
    assert [m.text for d in got for m in d.mentions] == ["Minsk"] * 40
    assert len(nlp.vocab.strings) < before + 10


# --- run_corpus -----------------------------------------------------------------------------

INPUTS = [str(CORPUS / "txt"), str(CORPUS / "news.jsonl"), str(CORPUS / "news.csv")]


def run(out: Path, nlp, inputs=INPUTS, **options):
    return run_corpus(inputs, out, nlp=nlp, progress=False, **options)


def outputs(out: Path, format: str = "jsonl") -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in (f"mentions.{format}", f"entities.{format}", "errors.jsonl")}


def test_run_writes_mentions_entities_errors_and_run_json(tmp_path, nlp):
    out = tmp_path / "out"
    summary = run(out, nlp)
    assert (summary.documents, summary.errors, summary.resumed_at) == (10, 0, 0)
    assert sorted(p.name for p in out.iterdir()) == ["entities.jsonl", "errors.jsonl", "mentions.jsonl", "run.json"]
    mentions = read_jsonl(out / "mentions.jsonl")
    entities = read_jsonl(out / "entities.jsonl")
    assert len(mentions) == summary.mentions and len(entities) == summary.entities
    assert list(mentions[0])[:9] == ["doc_id", "start_char", "end_char", "text", "label", "entity_id", "canonical", "score", "method"]
    # mentions and entities agree: same ids, counts, variants, canonical names
    by_id = {e["entity_id"]: e for e in entities}
    assert Counter(m["entity_id"] for m in mentions) == {i: e["mentions"] for i, e in by_id.items()}
    for entity_id, entity in by_id.items():
        own = [m for m in mentions if m["entity_id"] == entity_id]
        assert Counter(m["text"] for m in own) == {v["text"]: v["count"] for v in entity["variants"]}
        assert {m["canonical"] for m in own} == {entity["canonical"]}
        assert len({m["doc_id"] for m in own}) == entity["documents"]
    assert [e["mentions"] for e in entities] == sorted((e["mentions"] for e in entities), reverse=True)
    # metadata columns are carried
    jsonl_mention = next(m for m in mentions if m["doc_id"] == "belta-0110")
    assert (jsonl_mention["date"], jsonl_mention["source"], jsonl_mention["url"]) == (
        "2023-01-10", "BelTA", "https://de.belta.by/politics/view/ovks-1")
    report = json.loads((out / "run.json").read_text(encoding="utf-8"))
    # unknown forms: Alexander Wolfowitsch, Alexander Wolfowutsch, Wolfowitsch, Imangali Tasmagambetow,
    # Tasmagambetow (PER) and Belarus (LOC); the registry knows Lukaschenko, OVKS, Minsk and Moskau
    assert report["counts"] == {"documents": 10, "mentions": 46, "entities": 7, "errors": 0, "unknown_forms": 6,
                                "duplicate_ids": 0}
    assert (summary.mentions, summary.entities) == (46, 7)
    assert report["model"]["pipeline"] == nlp.pipe_names
    assert report["options"]["format"] == "jsonl" and report["timings"]["total"] > 0
    assert report["registry"] == {"entities": 4}  # the pipeline given, with the 4 fixture entities
    assert not (out / WORK_DIR).exists()


def test_unknown_variants_get_one_id_across_the_corpus(tmp_path, nlp):
    out = tmp_path / "out"
    run(out, nlp, batch_size=1)  # one document a batch: only corpus clustering can merge them
    mentions = read_jsonl(out / "mentions.jsonl")
    ids = {m["entity_id"] for m in mentions if m["text"] in ("Alexander Wolfowutsch", "Wolfowutsch", "Wolfowitsch", "Alexander Wolfowitsch")}
    assert len(ids) == 1
    tasmagambetow = {(m["doc_id"], m["entity_id"]) for m in mentions if "Tasmagambetow" in m["text"]}
    assert len({entity_id for _, entity_id in tasmagambetow}) == 1 and len(tasmagambetow) >= 5
    registry = {m["entity_id"] for m in mentions if m["text"] in ("Lukaschenko", "Alexander Lukaschenko")}
    assert registry == {"per:alexander-lukaschenko"}


@pytest.mark.parametrize("format", ["csv", "parquet"])
def test_other_formats_hold_the_same_rows(tmp_path, nlp, format):
    run(tmp_path / "jsonl", nlp)
    run(tmp_path / format, nlp, format=format)
    expected = read_jsonl(tmp_path / "jsonl" / "mentions.jsonl")
    if format == "csv":
        import pandas as pd

        got = pd.read_csv(tmp_path / "csv" / "mentions.csv", keep_default_na=False).to_dict("records")
        assert [(r["doc_id"], r["start_char"], r["entity_id"], r["date"]) for r in got] == [
            (r["doc_id"], r["start_char"], r["entity_id"], r["date"] or "") for r in expected]
    else:
        got = pq.read_table(tmp_path / "parquet" / "mentions.parquet").to_pylist()
        assert got == expected
        entities = pq.read_table(tmp_path / "parquet" / "entities.parquet").to_pylist()
        assert [e["entity_id"] for e in entities] == [e["entity_id"] for e in read_jsonl(tmp_path / "jsonl" / "entities.jsonl")]


def test_bad_documents_go_to_errors_and_the_run_goes_on(tmp_path, nlp):
    out = tmp_path / "out"
    summary = run(out, nlp, inputs=bad_corpus(tmp_path))
    assert (summary.documents, summary.errors) == (3 + 5, 6)
    errors = read_jsonl(out / "errors.jsonl")
    assert [(Path(e["doc_id"]).name, e["reason"].split(" (")[0].split(";")[0]) for e in errors] == [
        ("binary.txt", "binary file"),
        ("empty.txt", "empty document"),
        ("huge.txt", "document too long: 5,400,000 bytes"),
        ("latin1.txt", "not UTF-8 at byte 24"),
        ("news.jsonl:5", "not valid JSON"),
        ("no-text", "no 'text' field"),
    ]
    assert errors[4]["source"].endswith("news.jsonl line 5")
    assert "last" in {m["doc_id"] for m in read_jsonl(out / "mentions.jsonl")}


def test_strict_stops_at_the_first_bad_document(tmp_path, nlp):
    with pytest.raises(CorpusFormatError, match=r"binary.txt: binary file \(NUL byte at byte 8\), not text \(--strict"):
        run(tmp_path / "out", nlp, inputs=bad_corpus(tmp_path), strict=True)
    assert not (tmp_path / "out" / "mentions.jsonl").exists()


def test_missing_input_fails_before_any_output(tmp_path, nlp):
    with pytest.raises(InputError, match="no/such/folder: no such file or directory"):
        run(tmp_path / "out", nlp, inputs=[*INPUTS, "no/such/folder"])
    assert not (tmp_path / "out").exists()


def test_two_processes_give_the_same_outputs(tmp_path, nlp):
    run(tmp_path / "one", nlp, batch_size=2)
    run(tmp_path / "two", nlp, batch_size=2, n_process=2)
    assert outputs(tmp_path / "two") == outputs(tmp_path / "one")


def test_the_batch_size_changes_speed_not_results(tmp_path, nlp):
    # the resolver merges unknown names within a batch; corpus clustering redoes it for all
    run(tmp_path / "one", nlp, batch_size=1)
    run(tmp_path / "many", nlp, batch_size=128)
    assert outputs(tmp_path / "one") == outputs(tmp_path / "many")


def test_an_empty_corpus_gives_empty_tables(tmp_path, nlp):
    (tmp_path / "empty").mkdir()
    summary = run(tmp_path / "out", nlp, inputs=[str(tmp_path / "empty")], format="parquet")
    assert (summary.documents, summary.mentions, summary.entities, summary.errors) == (0, 0, 0, 0)
    assert pq.read_table(tmp_path / "out" / "mentions.parquet").num_rows == 0
    assert pq.read_table(tmp_path / "out" / "entities.parquet").column_names == [
        "entity_id", "canonical", "label", "mentions", "documents", "variants"]


def test_a_long_document_is_run_in_pieces_with_offsets_into_the_whole(tmp_path, nlp):
    filler = "Die Sitzung dauerte bis in den Abend.\n\n" * 3000  # 117,000 characters
    long_text = "Lukaschenko eröffnete die Sitzung in Minsk.\n\n" + filler + "Am Ende sprach Wolfowitsch in Moskau."
    path = tmp_path / "long.jsonl"
    rows = [{"id": "short-1", "text": "Tasmagambetow in Moskau."}, {"id": "long", "text": long_text},
            {"id": "short-2", "text": "Die OVKS tagt in Minsk."}]
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    summary = run(tmp_path / "out", nlp, inputs=[str(path)])
    assert (summary.documents, summary.errors) == (3, 0)
    mentions = read_jsonl(tmp_path / "out" / "mentions.jsonl")
    assert [m["doc_id"] for m in mentions] == ["short-1", "short-1", "long", "long", "long", "long", "short-2", "short-2"]
    for m in mentions:
        if m["doc_id"] == "long":
            assert long_text[m["start_char"]:m["end_char"]] == m["text"]
    assert [m["text"] for m in mentions if m["doc_id"] == "long"] == ["Lukaschenko", "Minsk", "Wolfowitsch", "Moskau"]


def test_a_river_stays_apart_from_the_town_of_its_name_across_a_run(tmp_path):
    """The run decides each mention by its form; a river's form is *Fluss Wjatka* (the sentence
    names it a river), so the rivers of two texts are one entity and Kirov's old name stays Kirov."""
    model = save_name_rules(tmp_path, [("Wjatka", "LOC")])
    corpus = tmp_path / "in.jsonl"
    corpus.write_text("".join(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n" for doc_id, text in [
        ("a", "Das Hotel liegt am Fluss Wjatka, 896 km von Moskau entfernt."),
        ("b", "Die Kreuzfahrt führt auf dem Fluss Wjatka bis zur Kama."),
        ("c", "Kirow hieß bis 1934 Wjatka."),
    ]), encoding="utf-8")
    run_corpus([corpus], tmp_path / "out", nlp=entitykit.load(model), progress=False)
    found = [(m["doc_id"], m["entity_id"], m["canonical"]) for m in read_jsonl(tmp_path / "out" / "mentions.jsonl")
             if m["text"] == "Wjatka"]
    assert found == [("a", "new:loc:fluss-wjatka", "Fluss Wjatka"), ("b", "new:loc:fluss-wjatka", "Fluss Wjatka"),
                     ("c", "geonames:548408", "Wjatka")]
