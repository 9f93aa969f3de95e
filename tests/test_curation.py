"""The curation loop (issue 10, item 6): ``entitykit aliases propose`` turns a finished run into
registry records to review, and passing them back with ``--aliases`` merges what they propose.

Runs are real ``entitykit run`` runs (through the in-process ``cli`` fixture) of a rule pipeline
(an entity ruler named "ner", as in ``test_run_cli``) over a small corpus written here, with the
fixture registry of four entities and without the bundled one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import assert_one_line_error, save_name_rules

import entitykit.corpus
from entitykit.aliases import AliasRegistry, check_files
from entitykit.curation import propose_aliases
from entitykit.errors import InputError

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"
ALIASES = CORPUS / "aliases.jsonl"  # Lukaschenko, OVKS, Minsk, Moskau (alias Moskwa)
NAMES = [
    ("Alexander Lukaschenko", "PER"), ("Lukaschenko", "PER"), ("Lukaschenka", "PER"),
    ("Alexander Wolfowitsch", "PER"), ("Alexander Wolfowutsch", "PER"), ("Wolfowitsch", "PER"),
    ("Andrej Kowaltschuk", "PER"), ("Kowaltschuk", "PER"),
    ("OVKS", "ORG"), ("Minsk", "LOC"), ("MINSK", "LOC"), ("Moskau", "LOC"), ("Moskwa", "LOC"), ("Belarus", "LOC"),
]
DOCUMENTS = [
    ("d1", "Präsident Alexander Lukaschenko empfing Andrej Kowaltschuk in Minsk."),
    ("d2", "Lukaschenka sprach mit Kowaltschuk über die OVKS und über Belarus."),
    ("d3", "Alexander Wolfowutsch traf in Moskau Andrej Kowaltschuk."),
    ("d4", "Wolfowitsch und Kowaltschuk reisten nach Moskwa."),
    ("d5", "Alexander Wolfowitsch sprach in MINSK mit Lukaschenka über Belarus."),
    ("d6", "Wolfowitsch nannte die OVKS einen Partner."),
]


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> str:
    return save_name_rules(tmp_path_factory.mktemp("model"), NAMES)


@pytest.fixture
def corpus(tmp_path) -> Path:
    path = tmp_path / "news.jsonl"
    lines = [json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) for doc_id, text in DOCUMENTS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(cli, model: str, corpus: Path, out: Path, *aliases: Path, format: str = "jsonl") -> None:
    options = [item for path in (ALIASES, *aliases) for item in ("--aliases", str(path))]
    result = cli("run", corpus, "--out", out, "--model", model, *options, "--no-aliases", "--quiet", "--format", format)
    assert result.exit_code == 0, result.stderr


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_propose_then_pass_back_merges_the_variants(cli, model, corpus, tmp_path):
    run(cli, model, corpus, tmp_path / "run1")
    before = {m["text"]: (m["entity_id"], m["method"]) for m in read_jsonl(tmp_path / "run1" / "mentions.jsonl")}
    assert before["Lukaschenka"] == ("per:alexander-lukaschenko", "fuzzy")
    assert before["Kowaltschuk"][0].startswith("new:") and before["Wolfowitsch"][0].startswith("new:")

    proposals = tmp_path / "proposals.jsonl"
    result = cli("aliases", "propose", tmp_path / "run1", "--out", proposals)
    assert result.exit_code == 0, result.stderr
    assert "3 proposal(s) written" in result.stderr
    records = read_jsonl(proposals)
    # most mentioned first; Belarus (one spelling) and the spellings the registry lists (MINSK, Moskwa) are not proposed
    assert [(r["id"], r["label"], r["name"], r["aliases"]) for r in records] == [
        # the bundled registry has per:alexander-wolfowitsch: passed back with it, this record must not extend it
        ("per:alexander-wolfowitsch-2", "PER", "Alexander Wolfowitsch", ["Wolfowitsch", "Alexander Wolfowutsch"]),
        ("per:andrej-kowaltschuk", "PER", "Andrej Kowaltschuk", ["Kowaltschuk"]),
        # a registry entity: its id, its name, only the new spelling
        ("per:alexander-lukaschenko", "PER", "Alexander Lukaschenko", ["Lukaschenka"]),
    ]
    evidence = [r["evidence"] for r in records]
    assert [(e["kind"], e["entity_id"], e["mentions"], e["documents"]) for e in evidence] == [
        ("new", "new:per:alexander-wolfowitsch", 4, 4), ("new", "new:per:andrej-kowaltschuk", 4, 4),
        ("known", "per:alexander-lukaschenko", 2, 2),  # the new spelling's mentions, not the entity's 3
    ]
    assert evidence[0]["variants"] == [{"text": "Wolfowitsch", "count": 2}, {"text": "Alexander Wolfowitsch", "count": 1},
                                       {"text": "Alexander Wolfowutsch", "count": 1}]
    assert evidence[2]["variants"] == [{"text": "Lukaschenka", "count": 2}]
    # the first mention of the first alias, with the text around it
    assert evidence[2]["context"] == {"doc_id": "d2", "start_char": 0, "end_char": 11, "text": "Lukaschenka",
                                      "snippet": "Lukaschenka sprach mit Kowaltschuk über die OVKS und über Belarus."}
    assert evidence[0]["context"] == {"doc_id": "d4", "start_char": 0, "end_char": 11, "text": "Wolfowitsch",
                                      "snippet": "Wolfowitsch und Kowaltschuk reisten nach Moskwa."}

    # the proposals load without a warning, on top of the run's registry
    assert check_files([ALIASES, proposals], against_default=False) == []

    # round trip: every variant now resolves to the proposed id through the registry
    run(cli, model, corpus, tmp_path / "run2", proposals)
    after = {}
    for m in read_jsonl(tmp_path / "run2" / "mentions.jsonl"):
        after.setdefault(m["text"], set()).add((m["entity_id"], m["method"]))
    expected = {
        "Alexander Wolfowutsch": "per:alexander-wolfowitsch-2", "Alexander Wolfowitsch": "per:alexander-wolfowitsch-2",
        "Wolfowitsch": "per:alexander-wolfowitsch-2", "Andrej Kowaltschuk": "per:andrej-kowaltschuk",
        "Kowaltschuk": "per:andrej-kowaltschuk", "Lukaschenka": "per:alexander-lukaschenko",
        "Alexander Lukaschenko": "per:alexander-lukaschenko",
    }
    for text, entity_id in expected.items():
        assert {entity for entity, _ in after[text]} == {entity_id}, text
        assert {method for _, method in after[text]} <= {"exact", "alias"}, (text, after[text])
    # and the curated run has nothing left to propose
    assert propose_aliases(tmp_path / "run2") == []


def test_min_mentions_leaves_out_the_rare_ones(cli, model, corpus, tmp_path):
    run(cli, model, corpus, tmp_path / "run")
    result = cli("aliases", "propose", tmp_path / "run", "--out", "-", "--min-mentions", "3")
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [
        "per:alexander-wolfowitsch-2", "per:andrej-kowaltschuk"]
    assert [p.id for p in propose_aliases(tmp_path / "run", min_mentions=5)] == []


def test_csv_and_parquet_runs_give_the_same_proposals(cli, model, corpus, tmp_path):
    run(cli, model, corpus, tmp_path / "jsonl")
    expected = propose_aliases(tmp_path / "jsonl")
    for format in ("csv", "parquet"):
        run(cli, model, corpus, tmp_path / format, format=format)
        assert propose_aliases(tmp_path / format) == expected, format


def test_a_spelling_another_registry_entity_has_is_never_proposed(cli, model, corpus, tmp_path):
    """Passed back, it would make that spelling ambiguous: it would resolve to neither entity."""
    run(cli, model, corpus, tmp_path / "run")
    other = tmp_path / "other.jsonl"
    other.write_text(
        '{"id": "per:wiktar-lukaschenka", "label": "PER", "name": "Wiktar Lukaschenka", "aliases": ["Lukaschenka"]}\n'
        '{"id": "loc:kowaltschuk", "label": "LOC", "name": "Kowaltschuk", "aliases": []}\n', encoding="utf-8")
    proposals = propose_aliases(tmp_path / "run", aliases=[ALIASES, other], default_aliases=False)
    # Kowaltschuk is left with one spelling of its own: nothing to propose
    assert [(p.id, p.aliases) for p in proposals] == [
        ("per:alexander-wolfowitsch-2", ("Wolfowitsch", "Alexander Wolfowutsch"))]


def test_a_user_file_after_the_registry_may_extend_its_ids(tmp_path):
    """``aliases check`` reads the files as ``run`` does: a later file adds aliases to an id of an
    earlier one; within one file an id stays unique."""
    proposals = tmp_path / "proposals.jsonl"
    proposals.write_text(
        '{"id": "loc:moskau", "label": "LOC", "name": "Moskau", "aliases": ["Moskva"], '
        '"evidence": {"kind": "known", "mentions": 2}}\n', encoding="utf-8")
    assert check_files([ALIASES, proposals], against_default=False) == []
    assert AliasRegistry.from_sources(ALIASES, proposals).lookup("Moskva") == ("loc:moskau",)
    twice = tmp_path / "twice.jsonl"
    twice.write_text(proposals.read_text(encoding="utf-8") * 2, encoding="utf-8")
    assert [str(p) for p in check_files([ALIASES, twice], against_default=False)] == [
        f"{twice}:2: error: duplicate id 'loc:moskau' (first defined at {twice}:1); "
        "ids must be unique across all registry files"]
    relabelled = tmp_path / "relabelled.jsonl"
    relabelled.write_text('{"id": "loc:moskau", "label": "ORG", "name": "Moskau", "aliases": []}\n', encoding="utf-8")
    assert [p.severity for p in check_files([ALIASES, relabelled], against_default=False)] == ["error"]


def test_evidence_is_read_and_ignored_without_a_warning():
    record = {"id": "loc:minsk", "label": "LOC", "name": "Minsk", "aliases": ["Mensk"],
              "evidence": {"kind": "known", "mentions": 3, "documents": 2, "variants": [{"text": "Mensk", "count": 3}]}}
    registry = AliasRegistry.from_sources([record])
    assert registry.lint() == [] and registry.lookup("Mensk") == ("loc:minsk",)
    assert [p.message for p in AliasRegistry.from_sources([dict(record, colour="red")]).lint()] == [
        "unknown field 'colour' ignored"]


# --- bad inputs -----------------------------------------------------------------------------


def test_a_missing_folder_is_a_one_line_error(cli, tmp_path):
    result = cli("aliases", "propose", tmp_path / "nothing", "--out", tmp_path / "p.jsonl")
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, "nothing: no such folder", "give the --out folder of a finished `entitykit run`")
    assert not (tmp_path / "p.jsonl").exists()


def test_a_folder_that_is_no_run_is_a_one_line_error(cli, tmp_path):
    (tmp_path / "texts").mkdir()
    result = cli("aliases", "propose", tmp_path / "texts", "--out", tmp_path / "p.jsonl")
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, "texts: not the output folder of an entitykit run (no run.json)")
    (tmp_path / "texts" / "run.json").write_text('["not", "a", "report"]', encoding="utf-8")
    result = cli("aliases", "propose", tmp_path / "texts", "--out", tmp_path / "p.jsonl")
    assert_one_line_error(result.stderr, "run.json: not the report of an entitykit run")


def test_an_unfinished_run_is_a_one_line_error(cli, model, corpus, tmp_path, monkeypatch):
    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # stands in for a kill before the tables are written

    monkeypatch.setattr(entitykit.corpus, "_finish", killed)
    with pytest.raises(KeyboardInterrupt):
        entitykit.corpus.run_corpus([corpus], tmp_path / "run", model=model, aliases=[ALIASES],
                                    default_aliases=False, progress=False)
    monkeypatch.undo()
    result = cli("aliases", "propose", tmp_path / "run", "--out", tmp_path / "p.jsonl")
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, "run: holds an unfinished run (.entitykit-run)",
                          "run the same `entitykit run` command again to finish it")
    with pytest.raises(InputError, match="holds an unfinished run"):
        propose_aliases(tmp_path / "run")


def test_an_existing_proposals_file_needs_force(cli, model, corpus, tmp_path):
    run(cli, model, corpus, tmp_path / "run")
    (tmp_path / "p.jsonl").write_text("keep me\n", encoding="utf-8")
    result = cli("aliases", "propose", tmp_path / "run", "--out", tmp_path / "p.jsonl")
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, "p.jsonl: exists", "--force")
    assert cli("aliases", "propose", tmp_path / "run", "--out", tmp_path / "p.jsonl", "--force").exit_code == 0
    assert len(read_jsonl(tmp_path / "p.jsonl")) == 3


def test_a_gone_alias_file_of_the_run_is_named(cli, model, corpus, tmp_path):
    own = tmp_path / "own.jsonl"
    own.write_text(ALIASES.read_text(encoding="utf-8"), encoding="utf-8")
    result = cli("run", corpus, "--out", tmp_path / "run", "--model", model, "--aliases", own, "--no-aliases", "--quiet")
    assert result.exit_code == 0, result.stderr
    own.unlink()
    result = cli("aliases", "propose", tmp_path / "run", "--out", "-")
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, f"the run's alias file {own} is gone", "--aliases")
    result = cli("aliases", "propose", tmp_path / "run", "--out", "-", "--aliases", ALIASES, "--no-aliases")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 3


@pytest.mark.parametrize("damage, message", [
    ("", "run.json is there but mentions.jsonl is missing"),
    ('{"doc_id": "d1", "start_char": 0\n', "mentions.jsonl:1: not valid JSON"),
    ('["d1", 0, 5]\n', "mentions.jsonl:1: not a mention row"),
])
def test_a_damaged_mentions_table_is_a_one_line_error(cli, model, corpus, tmp_path, damage, message):
    run(cli, model, corpus, tmp_path / "run")
    mentions = tmp_path / "run" / "mentions.jsonl"
    if damage:
        mentions.write_text(damage, encoding="utf-8")
    else:
        mentions.unlink()
    result = cli("aliases", "propose", tmp_path / "run", "--out", "-")
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, message)
