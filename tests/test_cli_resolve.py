"""The alias-resolution commands: ``aliases check``, ``explain``, ``cluster``, ``evaluate clusters``.

Each test runs the real entry point (``entitykit.cli.main``) in-process through the ``cli``
fixture, as a user would from a shell: exit code, stdout and stderr, and no traceback on bad input.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import assert_one_line_error, made_up_word

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "aliases_mini.jsonl"
GOLD = FIXTURES / "gold_clusters.jsonl"


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


# --- aliases check --------------------------------------------------------------------------


def test_aliases_check_accepts_a_clean_registry(cli):
    code, out, _ = cli("aliases", "check", MINI)
    assert code == 0
    assert "0 error(s)" in out


def test_aliases_check_reports_every_problem_with_file_and_line(tmp_path, cli):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": "per:a", "label": "PER", "name": "Alexander Lukaschenko", "aliases": ["Lukaschenko"]}\n'
        '{"id": "per:a", "label": "PER", "name": "Viktor Lukaschenko", "aliases": []}\n'
        '{"id": "loc:x", "label": "PLACE", "name": "Minsk", "aliases": []}\n'
        "{not json\n"
        '{"id": "org:y", "label": "ORG", "name": "", "aliases": []}\n',
        encoding="utf-8",
    )
    code, out, _ = cli("aliases", "check", bad)
    assert code == 1
    for line in (1, 2, 3, 4, 5):
        assert f"bad.jsonl:{line}: error" in out
    assert "duplicate id" in out and "PLACE" in out and "JSON" in out
    assert "'per:a' duplicates the bundled 'per:alexander-lukaschenko'" in out  # line 1, checked on top of it
    assert "5 error(s)" in out


def test_aliases_check_warns_about_ambiguous_aliases_without_failing(tmp_path, cli):
    path = write_jsonl(
        tmp_path / "people.jsonl",
        [
            {"id": "per:a", "label": "PER", "name": "Kaja Kallas", "aliases": ["Kallas"]},
            {"id": "per:b", "label": "PER", "name": "Siim Kallas", "aliases": ["Kallas"]},
        ],
    )
    code, out, _ = cli("aliases", "check", path)
    assert code == 0
    assert "people.jsonl:2: warning" in out and "kallas" in out and "per:a, per:b" in out


WIKTOR = {"id": "per:wiktor-chrenin", "label": "PER", "name": "Wiktor Chrenin",
          "aliases": ["Chrenin", "Viktor Khrenin", "Wiktar Chrenin"]}


def test_aliases_check_finds_a_bundled_entity_under_another_id(tmp_path, cli):
    path = write_jsonl(tmp_path / "people.jsonl", [
        {"id": "per:viktor-chrenin", "label": "PER", "name": "Viktor Chrenin", "aliases": ["Generaloberst Chrenin"]},
        WIKTOR,
        {"id": "per:nikolai-lukaschenko", "label": "PER", "name": "Nikolai Lukaschenko", "aliases": ["Lukaschenko"]},
    ])
    code, out, _ = cli("aliases", "check", path)
    assert code == 1  # one person under two ids is an error; extending the bundled id (line 1) is not
    assert out.splitlines() == [
        f"{path}:2: error: 'per:wiktor-chrenin' duplicates the bundled 'per:viktor-chrenin': both are called "
        "'Wiktor Chrenin' (4 spellings shared); one entity under two ids splits its mentions: give your record "
        "the id 'per:viktor-chrenin' to add its spellings to the bundled entity",
        # the president's youngest son: a namesake, perhaps, so a warning
        f"{path}:3: warning: 'per:nikolai-lukaschenko' shares the spelling 'Lukaschenko' with the bundled "
        "'per:alexander-lukaschenko'; if they are one entity, give your record the id 'per:alexander-lukaschenko'; "
        "if two, drop the shared spelling, which cannot tell them apart",
        "1 file(s): 1 error(s), 1 warning(s)",
    ]


def test_aliases_check_no_aliases_checks_the_file_alone(tmp_path, cli):
    path = write_jsonl(tmp_path / "people.jsonl", [WIKTOR])
    code, out, _ = cli("aliases", "check", path, "--no-aliases")
    assert (code, out) == (0, "1 file(s): 0 error(s), 0 warning(s)\n")


def test_aliases_check_reports_an_overlong_alias_word_with_file_and_line_and_goes_on(tmp_path, cli):
    """issue 11, item 2: one 1 MB alias passed the check, then made `run` grow to 24 GB; its
    word now gets no typo variants (memory stays linear) and the check says so, as a warning."""
    word = made_up_word(200_000)
    path = write_jsonl(tmp_path / "long.jsonl", [
        {"id": "org:ovks", "label": "ORG", "name": "OVKS", "aliases": []},
        {"id": "org:long", "label": "ORG", "name": "Lang GmbH", "aliases": ["Lang", f"Lang {word} AG"]},
    ])
    code, out, _ = cli("aliases", "check", path)
    assert code == 0  # a warning, as for the other warnings: the registry works
    assert out.splitlines() == [
        f"{path}:2: warning: alias 'Lang {word[:55]}…' has a word of 200,000 letters, "
        "too long for typo variants: few misspellings of it are found",
        "1 file(s): 0 error(s), 1 warning(s)",
    ]


def test_aliases_check_missing_file(tmp_path, cli):
    code, out, err = cli("aliases", "check", tmp_path / "nope.jsonl")
    assert code == 2  # a missing input is a usage error; problems found in a file give 1
    assert out == ""
    assert_one_line_error(err, "nope.jsonl", "no such file")


# --- explain --------------------------------------------------------------------------------


def test_explain_shows_candidates_scores_and_the_decision(cli):
    code, out, _ = cli("explain", "Wolfowutsch", "--label", "PER", "--aliases", MINI, "--no-aliases")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Wolfowutsch (PER)"
    chosen = next(line for line in lines if "per:alexander-wolfowitsch" in line and "chosen" in line)
    score = float(chosen.split()[0])
    assert 80 <= score < 100
    assert lines[-1].startswith("decision: per:alexander-wolfowitsch 'Alexander Wolfowitsch' (PER)")
    assert "method fuzzy" in lines[-1]


def test_explain_shows_why_a_near_miss_is_rejected(cli):
    code, out, _ = cli("explain", "Pinsk", "--label", "LOC", "--aliases", MINI, "--no-aliases")
    assert code == 0
    minsk = next(line for line in out.splitlines() if "loc:minsk" in line)
    assert "rejected" in minsk
    assert "decision: loc:pinsk" in out


def test_explain_without_label_picks_the_label_that_matches(cli):
    code, out, _ = cli("explain", "OVKAS", "--aliases", MINI, "--no-aliases")
    assert code == 0
    assert out.splitlines()[0] == "OVKAS (ORG)"
    assert "decision: org:ovks" in out and "method acronym" in out


def test_explain_without_registry_says_new(cli):
    code, out, _ = cli("explain", "Minsk", "--label", "LOC", "--no-aliases")
    assert code == 0
    assert "no candidates" in out
    assert "decision: new:loc:minsk" in out and "method new" in out


@pytest.mark.parametrize(
    "args, fragment",
    [(["Minsk", "--label", "PLACE"], "PLACE"), (["  "], "empty"), (["Minsk", "--aliases", "nope.jsonl"], "nope.jsonl")],
)
def test_explain_bad_arguments(args, fragment, cli):
    code, _, err = cli("explain", *args)
    assert code == 2  # an input error
    assert_one_line_error(err, fragment)


# --- cluster --------------------------------------------------------------------------------

NAMES = [
    {"text": "Imangali Tasmagambetow", "label": "PER", "doc": "a", "page": 1},
    {"text": "Tasmagambetow", "label": "PER", "doc": "a"},
    {"text": "Imangali Tasmagambetov", "label": "PER", "doc": "b", "source": "TASS"},
    {"text": "OVKS", "label": "ORG"},
    {"text": "OVKAS", "label": "ORG"},
    {"text": "Minsk", "label": "LOC"},
    {"text": "Pinsk", "label": "LOC"},
    {"text": "Alexander Wolfowitsch", "label": "PER"},
    {"text": "Paul Wolfowitz", "label": "PER"},
]


def test_cluster_without_registry_merges_variants_and_keeps_input(tmp_path, cli):
    source = write_jsonl(tmp_path / "names.jsonl", NAMES)
    out = tmp_path / "out.jsonl"
    code, _, err = cli("cluster", source, "--out", out, "--no-aliases")
    assert code == 0 and "9 mention(s)" in err
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["text"] for row in rows] == [row["text"] for row in NAMES]  # input order
    for given, row in zip(NAMES, rows):
        assert {key: row[key] for key in given} == given  # other keys kept
        assert 0 <= row["score"] <= 100 and row["method"] and row["canonical"]
    ids = [row["entity_id"] for row in rows]
    assert ids[0] == ids[1] == ids[2]  # coreference in doc a, clustering across docs
    assert rows[1]["method"] == "coref"
    assert ids[3] != ids[4]  # OVKS / OVKAS: across documents a slip needs the registry
    assert ids[5] != ids[6]  # Minsk / Pinsk
    assert ids[7] != ids[8]  # Wolfowitsch / Wolfowitz


def test_cluster_with_registry_uses_registry_ids(tmp_path, cli):
    source = write_jsonl(tmp_path / "names.jsonl", NAMES)
    out = tmp_path / "out.jsonl"
    code, _, _ = cli("cluster", source, "-o", out, "--no-aliases", "--aliases", MINI)
    assert code == 0
    rows = {row["text"]: row for row in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert rows["OVKAS"]["entity_id"] == rows["OVKS"]["entity_id"] == "org:ovks"
    assert rows["OVKAS"]["method"] == "acronym"
    assert rows["Minsk"]["entity_id"] == "loc:minsk" and rows["Pinsk"]["entity_id"] == "loc:pinsk"
    assert rows["Tasmagambetow"]["entity_id"].startswith("new:per:")


def test_cluster_reads_stdin_and_writes_stdout(cli):
    names = [{"text": "Alexander Wolfowitsch", "label": "PER"}, {"text": "Alexander Wolfowutsch", "label": "PER"}]
    lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in names)
    code, out, _ = cli("cluster", "-", "--out", "-", "--no-aliases", input=lines)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [row["text"] for row in rows] == ["Alexander Wolfowitsch", "Alexander Wolfowutsch"]
    assert rows[0]["entity_id"] == rows[1]["entity_id"] == "new:per:alexander-wolfowitsch"


BAD_LINES = [
    ('{"text": "OVKS", "label": "ORG"}\n{"text": "Minsk", "label": "LOC"\n', ":2:", "JSON"),
    ('{"text": "OVKS", "label": "ORG"}\n\n["OVKS", "ORG"]\n', ":3:", "object"),
    ('{"text": "OVKS"}\n', ":1:", "label"),
    ('{"text": "Minsk", "label": "PLACE"}\n', ":1:", "PLACE"),
    ('{"text": "", "label": "LOC"}\n', ":1:", "text"),
    ('{"text": 42, "label": "LOC"}\n', ":1:", "text"),
    ('{"text": "Minsk", "label": "LOC", "doc": [1]}\n', ":1:", "doc"),
]


@pytest.mark.parametrize("content, line, fragment", BAD_LINES)
def test_cluster_bad_input_line_is_one_line_error(content, line, fragment, tmp_path, cli):
    source = tmp_path / "names.jsonl"
    source.write_text(content, encoding="utf-8")
    code, out, err = cli("cluster", source, "--out", tmp_path / "out.jsonl", "--no-aliases")
    assert code == 2  # an input error
    assert_one_line_error(err, f"names.jsonl{line}", fragment)
    assert not (tmp_path / "out.jsonl").exists()


def test_cluster_reports_bad_encoding_with_byte_offset(tmp_path, cli):
    source = tmp_path / "names.jsonl"
    source.write_bytes('{"text": "Minsk", "label": "LOC"}\n'.encode() + '{"text": "Gomel", "label": "LOC"}\n'.encode("utf-16"))
    code, _, err = cli("cluster", source, "--no-aliases")
    assert code == 2  # an input error
    assert_one_line_error(err, "names.jsonl:2", "not UTF-8 at byte 34")  # the BOM opening line 2


def test_cluster_refuses_to_overwrite_without_force(tmp_path, cli):
    source = write_jsonl(tmp_path / "names.jsonl", NAMES[:2])
    out = tmp_path / "out.jsonl"
    out.write_text("keep me\n", encoding="utf-8")
    code, _, err = cli("cluster", source, "--out", out, "--no-aliases")
    assert code == 2  # an input error
    assert_one_line_error(err, "--force")
    assert out.read_text(encoding="utf-8") == "keep me\n"
    code, _, _ = cli("cluster", source, "--out", out, "--no-aliases", "--force")
    assert code == 0 and len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_cluster_missing_input_and_bad_registry(tmp_path, cli):
    code, _, err = cli("cluster", tmp_path / "nope.jsonl")
    assert code == 2  # an input error
    assert_one_line_error(err, "nope.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "label": "PER"}\n', encoding="utf-8")
    source = write_jsonl(tmp_path / "names.jsonl", NAMES[:1])
    code, _, err = cli("cluster", source, "--aliases", bad)
    assert code == 2  # an input error
    assert_one_line_error(err, "bad.jsonl:1", "missing")


# --- evaluate clusters ------------------------------------------------------------------------

SMALL_GOLD = [
    {"text": "OVKS", "label": "ORG", "cluster": "ovks"},
    {"text": "OVKAS", "label": "ORG", "cluster": "ovks"},
    {"text": "Organisation des Vertrags über kollektive Sicherheit", "label": "ORG", "cluster": "ovks"},
    {"text": "Minsk", "label": "LOC", "cluster": "minsk"},
    {"text": "Pinsk", "label": "LOC", "cluster": "pinsk"},
    {"text": "Alexander Wolfowitsch", "label": "PER", "cluster": "wolfowitsch"},
    {"text": "Alexander Wolfowutsch", "label": "PER", "cluster": "wolfowitsch"},
    {"text": "Paul Wolfowitz", "label": "PER", "cluster": "wolfowitz"},
    {"text": "Imangali Tasmagambetow", "label": "PER", "cluster": "tasmagambetow"},
    {"text": "Imangali Tasmagambetov", "label": "PER", "cluster": "tasmagambetow"},
]


def test_evaluate_clusters_json(tmp_path, cli):
    gold = write_jsonl(tmp_path / "gold.jsonl", SMALL_GOLD)
    code, out, _ = cli("evaluate", "clusters", gold, "--json", "--no-aliases", "--aliases", MINI)
    assert code == 0
    report = json.loads(out)
    ours, baseline = report["entitykit"], report["baseline"]
    assert report["mentions"] == 10 and ours["forms"] == 10 and ours["gold_clusters"] == 6
    for scores in (ours, baseline):
        for kind in ("pairwise", "bcubed"):
            assert set(scores[kind]) == {"p", "r", "f"}
            assert all(0 <= value <= 1 for value in scores[kind].values())
    # the registry knows OVKS's long form, which no string similarity can find
    assert ours["bcubed"]["f"] == 1.0 and ours["wrongly_merged"] == 0
    assert baseline["bcubed"]["r"] < 1.0


def test_evaluate_clusters_table(tmp_path, cli):
    gold = write_jsonl(tmp_path / "gold.jsonl", SMALL_GOLD)
    code, out, _ = cli("evaluate", "clusters", gold, "--no-aliases")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("10 mentions, 10 distinct forms, 6 gold clusters; no registry")
    assert lines[2].startswith("entitykit") and lines[3].startswith("baseline")


@pytest.mark.parametrize(
    "row, fragment",
    [({"text": "Minsk", "label": "LOC"}, "cluster"), ({"text": "Minsk", "label": "LOC", "cluster": ["a"]}, "cluster")],
)
def test_evaluate_clusters_bad_gold(row, fragment, tmp_path, cli):
    gold = write_jsonl(tmp_path / "gold.jsonl", [SMALL_GOLD[0], row])
    code, _, err = cli("evaluate", "clusters", gold, "--no-aliases")
    assert code == 2  # an input error
    assert_one_line_error(err, "gold.jsonl:2", fragment)


def test_evaluate_clusters_negatives_table(tmp_path, cli):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text((FIXTURES / "confusables.tsv").read_text(encoding="utf-8") + "loc:pirita\tloc:kirow\n",
                     encoding="utf-8")
    code, out, err = cli("evaluate", "clusters", FIXTURES / "confusables_gold.jsonl", "--no-aliases", "--negatives", pairs)
    assert code == 0
    assert err == (f"entitykit: warning: {pairs}: 1 cluster id(s) not in {FIXTURES / 'confusables_gold.jsonl'}: "
                   "'loc:pirita' (line 8); 1 confusable pair(s) naming them left out\n")
    tail = out.splitlines()[-6:]
    assert tail == [
        "confusable pairs merged, of 7: entitykit 1, baseline WRatio>=85 4",
        "entitykit merged confusable loc:freie-stadt-danzig-1807 / loc:freie-stadt-danzig-1920 "
        "('Freie Stadt Danzig' with 'Freien Stadt Danzig')",
        "baseline WRatio>=85 merged confusable per:lech-kaczynski / per:jaroslaw-kaczynski ('Lech Kaczyński' with 'Kaczyński')",
        "baseline WRatio>=85 merged confusable loc:lwiw / loc:oblast-lwiw ('Lwiw' with 'Oblast Lwiw')",
        "baseline WRatio>=85 merged confusable org:gazprom / org:gazprombank ('Gazprom' with 'Gazprombank')",
        "baseline WRatio>=85 merged confusable loc:freie-stadt-danzig-1807 / loc:freie-stadt-danzig-1920 "
        "('Freie Stadt Danzig' with 'Freien Stadt Danzig')",
    ]


def test_evaluate_clusters_negatives_json(cli):
    code, out, _ = cli("evaluate", "clusters", FIXTURES / "confusables_gold.jsonl", "--no-aliases", "--json",
                       "--negatives", FIXTURES / "confusables.tsv")
    assert code == 0
    report = json.loads(out)
    assert report["confusable_pairs"] == 7 and report["warnings"] == []
    assert (report["entitykit"]["confusables_merged"], report["baseline"]["confusables_merged"]) == (1, 4)


@pytest.mark.parametrize(
    "content, fragment",
    [(None, "pairs.tsv: no such file"), ("loc:lwiw\tloc:oblast-lwiw\nloc:kirow per:sergej-kirow\n", "pairs.tsv:2: expected two")],
    ids=["missing", "malformed"],
)
def test_evaluate_clusters_bad_negatives(content, fragment, tmp_path, cli):
    pairs = tmp_path / "pairs.tsv"
    if content is not None:
        pairs.write_text(content, encoding="utf-8")
    code, out, err = cli("evaluate", "clusters", FIXTURES / "confusables_gold.jsonl", "--no-aliases", "--negatives", pairs)
    assert code == 2 and out == ""
    assert_one_line_error(err, fragment)


@pytest.mark.skipif(not GOLD.is_file(), reason="gold set not written yet")
@pytest.mark.parametrize("registry, floor", [(False, 0.92), (True, 0.96)], ids=["no-registry", "default-registry"])
def test_gold_set_floors_and_the_baseline(registry, floor, cli):
    args = ["evaluate", "clusters", GOLD, "--json"] + ([] if registry else ["--no-aliases"])
    code, out, _ = cli(*args)
    assert code == 0
    report = json.loads(out)
    ours, baseline = report["entitykit"], report["baseline"]
    assert report["mentions"] >= 300 and ours["gold_clusters"] >= 60
    assert ours["bcubed"]["f"] >= floor
    assert ours["bcubed"]["f"] > baseline["bcubed"]["f"] + 0.02
    if not registry:
        assert ours["wrongly_merged"] == 0, ours["merges"]
