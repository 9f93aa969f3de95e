"""The alias registry: loading, validation with file and line, ambiguity, lint, the shipped default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import made_up_word

from typing import get_args

from entitykit.aliases import (
    LABELS,
    AliasRegistry,
    Entity,
    Label,
    build_registry,
    check_files,
    default_registry,
    default_registry_paths,
)
from entitykit.errors import EntitykitError, RegistryError

LUKASCHENKO = {
    "id": "per:alexander-lukaschenko",
    "label": "PER",
    "name": "Alexander Lukaschenko",
    "aliases": ["Lukaschenko", "Alexander Lukashenko", "Лукашенко"],
    "wikidata": "Q26245",
}
OVKS = {
    "id": "org:ovks",
    "label": "ORG",
    "name": "OVKS",
    "aliases": ["Organisation des Vertrags über kollektive Sicherheit", "ODKB", "CSTO"],
}
MINSK = {"id": "loc:minsk", "label": "LOC", "name": "Minsk", "aliases": ["Мінск", "Минск"]}


def write_jsonl(path: Path, lines: list) -> Path:
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines) + "\n",
        encoding="utf-8",
    )
    return path


def test_load_file_and_look_up_any_spelling(tmp_path):
    path = write_jsonl(tmp_path / "reg.jsonl", [LUKASCHENKO, OVKS, MINSK])
    registry = AliasRegistry.from_sources(path)
    assert len(registry) == 3
    for spelling in ["Alexander Lukaschenko", "LUKASCHENKO", "Лукашенко", "Präsident Alexander Lukashenko"]:
        assert registry.lookup(spelling) == ("per:alexander-lukaschenko",)
    assert registry.lookup("Organisation des Vertrags ueber kollektive Sicherheit") == ("org:ovks",)
    assert registry.lookup("Pinsk") == ()
    entity = registry["per:alexander-lukaschenko"]
    assert isinstance(entity, Entity)
    assert entity.wikidata == "Q26245" and entity.source == f"{path}:1"


def test_directory_and_records_and_several_sources(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [LUKASCHENKO])
    write_jsonl(tmp_path / "b.jsonl", [OVKS])
    registry = AliasRegistry.from_sources(tmp_path, [MINSK])
    assert sorted(entity.id for entity in registry) == ["loc:minsk", "org:ovks", "per:alexander-lukaschenko"]
    assert "loc:minsk" in registry and registry.get("loc:pinsk") is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "loc:minsk", "label": "LOC", "name": "Minsk", "aliases": [}', "not valid JSON"),
        ('{"id": "loc:minsk", "label": "LOC", "name": "Minsk"', "not valid JSON"),
        ('["loc:minsk", "LOC"]', "expected a JSON object, got a list"),
        ('{"id": "loc:minsk", "label": "LOC", "name": "Minsk"}', "missing field 'aliases'"),
        ('{"label": "LOC", "name": "Minsk", "aliases": []}', "missing field 'id'"),
        ('{"id": "loc:minsk", "label": "PLACE", "name": "Minsk", "aliases": []}', "unknown label 'PLACE'; use one of PER, ORG, LOC, MISC"),
        ('{"id": "loc:minsk", "label": "LOC", "name": "", "aliases": []}', "'name' must be a non-empty string"),
        ('{"id": "loc:minsk", "label": "LOC", "name": "   ", "aliases": []}', "'name' must be a non-empty string"),
        ('{"id": "loc:minsk", "label": "LOC", "name": 7, "aliases": []}', "'name' must be a non-empty string"),
        ('{"id": "loc:minsk", "label": "LOC", "name": "Minsk", "aliases": "Мінск"}', "'aliases' must be a list of strings, got a string"),
        ('{"id": "loc:minsk", "label": "LOC", "name": "Minsk", "aliases": ["Мінск", 3]}', "alias 2 of 'loc:minsk' must be a non-empty string"),
        ('{"id": "loc:minsk", "label": "LOC", "name": "Minsk", "aliases": [""]}', "alias 1 of 'loc:minsk' must be a non-empty string"),
        ('{"id": "", "label": "LOC", "name": "Minsk", "aliases": []}', "'id' must be a non-empty string"),
        ('{"id": "loc minsk", "label": "LOC", "name": "Minsk", "aliases": []}', "without spaces"),
        ('{"id": "loc:minsk", "label": "LOC", "name": "Minsk", "aliases": [], "wikidata": 2280}', "'wikidata' must be a string or null"),
        ('{"id": "org:gus", "label": "ORG", "name": "GUS", "aliases": [], "short": ""}', "'short' must be a non-empty string, got ''"),
        ('{"id": "org:gus", "label": "ORG", "name": "GUS", "aliases": [], "short": "  "}', "'short' must be a non-empty string, got '  '"),
        ('{"id": "org:gus", "label": "ORG", "name": "GUS", "aliases": [], "short": 3}', "'short' must be a non-empty string, got 3"),
        ('{"id": "org:gus", "label": "ORG", "name": "GUS", "aliases": [], "short": ["GUS"]}', "'short' must be a non-empty string, got ['GUS']"),
    ],
)
def test_bad_records_name_file_and_line(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(OVKS) + "\n\n" + line + "\n", encoding="utf-8")
    with pytest.raises(RegistryError) as error:
        AliasRegistry.from_sources(path)
    assert str(error.value).startswith(f"{path}:3: ")
    assert message in str(error.value)
    assert isinstance(error.value, EntitykitError)


def test_duplicate_ids_within_one_file_name_both_lines(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [MINSK, OVKS, dict(MINSK, name="Minsk (Stadt)")])
    with pytest.raises(RegistryError, match=rf"{path}:3: duplicate id 'loc:minsk' \(first defined at {path}:1\)"):
        AliasRegistry.from_sources(path)


def test_a_later_file_adds_spellings_to_a_known_entity(tmp_path):
    first = write_jsonl(tmp_path / "a.jsonl", [MINSK])
    second = write_jsonl(tmp_path / "b.jsonl", [OVKS, {"id": "loc:minsk", "label": "LOC", "name": "Mensk", "aliases": ["Minsk-Stadt"]}])
    registry = AliasRegistry.from_sources(first, second)
    assert registry.lookup("mensk") == ("loc:minsk",)
    assert registry.lookup("minsk-stadt") == ("loc:minsk",)
    assert registry.get("loc:minsk").name == MINSK["name"]  # the first file keeps the canonical name


def test_a_later_file_cannot_change_the_label(tmp_path):
    first = write_jsonl(tmp_path / "a.jsonl", [MINSK])
    second = write_jsonl(tmp_path / "b.jsonl", [dict(MINSK, label="ORG")])
    with pytest.raises(RegistryError, match=rf"{second}:1: id 'loc:minsk' is LOC at {first}:1 but ORG here"):
        AliasRegistry.from_sources(first, second)


def test_records_errors_name_the_record_number():
    with pytest.raises(RegistryError, match=r"<records>:2: unknown label 'PERSON'"):
        AliasRegistry.from_sources([MINSK, dict(LUKASCHENKO, label="PERSON")])


def test_not_utf8_names_line_and_byte(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(json.dumps(MINSK).encode() + b"\n" + '{"id": "loc:muenchen", "name": "München"}'.encode("latin-1"))
    with pytest.raises(RegistryError, match=rf"{path}:2: not UTF-8 at byte \d+"):
        AliasRegistry.from_sources(path)


def test_missing_path_and_empty_directory(tmp_path):
    with pytest.raises(RegistryError, match="no such registry file"):
        AliasRegistry.from_sources(tmp_path / "nope.jsonl")
    with pytest.raises(RegistryError, match="no \\*.jsonl registry files"):
        AliasRegistry.from_sources(tmp_path)
    with pytest.raises(RegistryError, match="cannot read a registry from"):
        AliasRegistry.from_sources(42)


def test_shared_alias_is_allowed_and_reported_as_ambiguous():
    viktor = {"id": "per:viktor-lukaschenko", "label": "PER", "name": "Viktor Lukaschenko", "aliases": ["Lukaschenko"]}
    registry = AliasRegistry.from_sources([LUKASCHENKO, viktor])
    assert registry.lookup("Lukaschenko") == ("per:alexander-lukaschenko", "per:viktor-lukaschenko")
    assert registry.ambiguous == {"lukaschenko": ("per:alexander-lukaschenko", "per:viktor-lukaschenko")}
    messages = [str(problem) for problem in registry.lint()]
    assert any("'lukaschenko' is claimed by 2 entities" in message for message in messages)


def test_check_files_reports_every_problem_with_file_and_line(tmp_path):
    path = write_jsonl(
        tmp_path / "reg.jsonl",
        [
            MINSK,
            '{"id": "loc:pinsk", "label": "LOC", "name": "Pinsk", "aliases": [',
            dict(MINSK, name="Minsk"),
            {"id": "org:x", "label": "ORG", "name": "X", "aliases": ["X"], "colour": "red"},
            {"id": "loc:wrong-prefix", "label": "ORG", "name": "Gazprom", "aliases": [], "wikidata": "gazprom"},
            {"id": "loc:minsk-2", "label": "LOC", "name": "Minsk-Stadt", "aliases": ["Minsk"]},
        ],
    )
    problems = check_files([path])
    found = {(problem.line, problem.severity) for problem in problems}
    assert (2, "error") in found  # not valid JSON
    assert (3, "error") in found  # duplicate id
    text = "\n".join(map(str, problems))
    assert f"{path}:2: error: not valid JSON" in text
    assert f"{path}:3: error: duplicate id 'loc:minsk'" in text
    assert f"{path}:4: warning: unknown field 'colour' ignored" in text
    assert f"{path}:4: warning: alias 'X' is listed twice" in text
    assert f"{path}:5: warning: id 'loc:wrong-prefix' has prefix 'loc' but label ORG" in text
    assert f"{path}:5: warning: wikidata 'gazprom' is not a Q-number" in text
    # on top of the bundled registry loc:minsk-2 is Minsk again; alone, two entities share an alias
    assert f"{path}:6: error: 'loc:minsk-2' duplicates the bundled 'loc:minsk': both are called 'Minsk'" in text
    alone = "\n".join(map(str, check_files([path], against_default=False)))
    assert "alias 'minsk' is claimed by 2 entities: loc:minsk, loc:minsk-2" in alone


def test_check_files_on_a_clean_file_finds_nothing(tmp_path):
    assert check_files([write_jsonl(tmp_path / "ok.jsonl", [LUKASCHENKO, OVKS, MINSK])]) == []


def test_one_letter_alias_is_allowed_but_linted():
    registry = AliasRegistry.from_sources([{"id": "per:x", "label": "PER", "name": "X", "aliases": []}])
    assert registry.lookup("x") == ("per:x",)
    assert any("single character" in problem.message for problem in registry.lint())



@pytest.mark.parametrize(("extra", "warned"), [(0, False), (1, True)], ids=["at-the-bound", "one-over"])
def test_an_alias_word_too_long_for_typo_variants_is_linted_with_its_line(tmp_path, extra, warned):
    """issue 11, item 2: words over blocking.MAX_VARIANT_LENGTH letters get no one-deletion
    variants; the registry still loads and matches the alias as written, and says so."""
    from entitykit.blocking import MAX_VARIANT_LENGTH

    word = made_up_word(MAX_VARIANT_LENGTH + extra)
    path = write_jsonl(tmp_path / "reg.jsonl", [MINSK, {"id": "org:w", "label": "ORG", "name": f"{word} AG", "aliases": []}])
    registry = AliasRegistry.from_sources(path)
    assert registry.lookup(f"{word} AG") == ("org:w",)
    expected = [f"{path}:2: warning: alias '{word} AG' has a word of {len(word)} letters, too long for typo "
                "variants: few misspellings of it are found"] if warned else []
    assert [str(problem) for problem in registry.lint()] == expected
    assert [str(problem) for problem in check_files([path], against_default=False)] == expected


def test_spelling_prefers_latin_for_a_shared_key():
    registry = AliasRegistry.from_sources([LUKASCHENKO])
    assert registry.spelling("per:alexander-lukaschenko", "lukaschenko") == "Lukaschenko"
    with pytest.raises(RegistryError, match="no entity with id 'per:nobody'"):
        registry["per:nobody"]


def test_default_registry_ships_in_the_package():
    paths = default_registry_paths()
    assert paths, "no registry in the package: is data/aliases/ mapped in pyproject.toml?"
    registry = default_registry()
    assert registry is default_registry()  # loaded once
    assert registry.lookup("Lukaschenko") and registry.lookup("OVKS") and registry.lookup("Minsk")
    assert all(problem.severity == "warning" for problem in check_files(paths))


def test_labels_have_one_home():
    assert LABELS == get_args(Label) == ("PER", "ORG", "LOC", "MISC")


def test_build_registry_default_extra_files_or_nothing(tmp_path):
    extra = write_jsonl(tmp_path / "extra.jsonl", [
        {"id": "per:alexander-lukaschenko", "label": "PER", "name": "Lukaschenka", "aliases": []},
        {"id": "loc:pinsk-test", "label": "LOC", "name": "Pinsk-Test", "aliases": []},
    ])
    assert build_registry() is default_registry()
    assert build_registry(default_aliases=False) is None
    both = build_registry([extra])
    assert len(both) == len(default_registry()) + 1
    assert both.lookup("Lukaschenka") == ("per:alexander-lukaschenko",)  # a file extends the default
    alone = build_registry(str(extra), default_aliases=False)  # one path needs no list
    assert sorted(entity.id for entity in alone) == ["loc:pinsk-test", "per:alexander-lukaschenko"]
    with pytest.raises(RegistryError, match="nope.jsonl"):
        build_registry([tmp_path / "nope.jsonl"])


def test_fifty_megabyte_registry_loads(tmp_path):
    """A 50 MB registry loads (timing is for benchmarks/resolver.py, not this test)."""
    path = tmp_path / "big.jsonl"
    note = "Eintrag aus einem großen Verzeichnis; " * 8
    with path.open("w", encoding="utf-8") as out:
        number = 0
        while out.tell() < 50_000_000:
            record = {
                "id": f"per:person-{number}",
                "label": "PER",
                "name": f"Person{number} Familienname{number}",
                "aliases": [f"Familienname{number}", f"P. Familienname{number}"],
                "note": note,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            number += 1
    registry = AliasRegistry.from_sources(path)
    assert len(registry) == number > 50_000
    assert registry.lookup(f"Familienname{number - 1}") == (f"per:person-{number - 1}",)


def test_check_files_words_encoding_and_json_errors_as_every_reader_does(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"id": "loc:minsk", "label": "LOC", "name": "Minsk", "aliases": []}\n'
                     b'{"id": "loc:homel", "label": "LOC", "name": "G\xf6mel", "aliases": []}\n'
                     b'{"id": "loc:brest", "label": "LOC", "name": "Br\xe9st", "aliases": []}\n')
    assert [str(problem) for problem in check_files([path])] == [
        f"{path}:2: error: not UTF-8 at byte 114; convert the file to UTF-8"  # and only once
    ]


def test_check_files_reports_a_label_conflict_with_a_bundled_id_as_run_would(tmp_path):
    from entitykit.aliases import build_registry

    path = write_jsonl(tmp_path / "extra.jsonl", [
        {"id": "loc:minsk", "label": "LOC", "name": "Minsk", "aliases": ["Mensk"]},  # adds an alias: fine
        {"id": "per:alexander-lukaschenko", "label": "ORG", "name": "Lukaschenko AG", "aliases": []},
    ])
    with pytest.raises(RegistryError, match="is PER at .* but ORG here"):
        build_registry([path])  # what run does
    problems = check_files([path])
    assert [(problem.line, problem.severity) for problem in problems if problem.severity == "error"] == [(2, "error")]
    (conflict,) = [problem for problem in problems if problem.severity == "error"]
    assert str(conflict).startswith(f"{path}:2: error: id 'per:alexander-lukaschenko' is PER at ")
    assert str(conflict).endswith("but ORG here; a later file may add aliases to an entity, not change its label")
    assert [p for p in check_files([path], against_default=False) if p.severity == "error"] == []


def test_an_empty_registry_file_is_a_warning_in_check_and_at_load(tmp_path, caplog):
    import logging

    path = tmp_path / "empty.jsonl"
    path.write_text("\n", encoding="utf-8")
    assert [str(problem) for problem in check_files([path])] == [
        f"{path}:0: warning: empty registry file: no records; add JSONL records or leave the file out"
    ]
    with caplog.at_level(logging.WARNING, logger="entitykit"):
        registry = AliasRegistry.from_sources(path)
    assert len(registry) == 0
    assert f"{path}: empty registry file: no records" in caplog.text


def test_checking_the_bundled_files_themselves_reports_their_own_problems():
    from entitykit.aliases import default_registry_paths

    paths = default_registry_paths()
    assert check_files(paths) == check_files(paths, against_default=False)


@pytest.mark.parametrize(
    ("aliases", "warning"),
    [
        (["BelTA"], "alias 'BelTA' is listed twice for 'org:belta'; one spelling is enough (case is ignored)"),
        (["Belta"], "alias 'Belta' repeats 'BelTA' in another case for 'org:belta'; one spelling is enough (case is ignored)"),
    ],
)
def test_a_repeated_alias_is_named_with_the_spelling_it_repeats(tmp_path, aliases, warning):
    path = write_jsonl(tmp_path / "reg.jsonl", [{"id": "org:belta", "label": "ORG", "name": "BelTA", "aliases": aliases}])
    assert [str(problem) for problem in check_files([path], against_default=False)] == [f"{path}:1: warning: {warning}"]


# --- short display names -----------------------------------------------------------------------

GUS = {"id": "org:gus", "label": "ORG", "name": "Gemeinschaft Unabhängiger Staaten", "aliases": ["GUS", "CIS"], "short": "GUS"}


def test_short_name_is_read_kept_and_written_back(tmp_path):
    path = write_jsonl(tmp_path / "reg.jsonl", [GUS, MINSK])
    registry = AliasRegistry.from_sources(path)
    assert registry["org:gus"].short == "GUS"
    assert registry["loc:minsk"].short is None
    assert registry["org:gus"].to_record() == GUS  # the pipeline stores its registry as records
    assert registry.lookup("GUS") == ("org:gus",)  # a display name, and still an alias
    assert check_files([path], against_default=False) == []


def test_a_later_file_gives_a_bundled_entity_another_short_name(tmp_path):
    first = write_jsonl(tmp_path / "a.jsonl", [GUS])
    second = write_jsonl(tmp_path / "b.jsonl", [{"id": "org:gus", "label": "ORG", "name": "SNG", "aliases": [], "short": "SNG"}])
    third = write_jsonl(tmp_path / "c.jsonl", [{"id": "org:gus", "label": "ORG", "name": "СНГ", "aliases": []}])
    assert AliasRegistry.from_sources(first, second)["org:gus"].short == "SNG"
    assert AliasRegistry.from_sources(first, third)["org:gus"].short == "GUS"  # no short: the earlier one stays


def test_a_short_name_that_is_no_spelling_of_the_entity_is_linted(tmp_path):
    path = write_jsonl(tmp_path / "reg.jsonl", [dict(GUS, short="GSU")])
    assert [str(problem) for problem in check_files([path], against_default=False)] == [
        f"{path}:1: warning: short 'GSU' is not a name or alias of 'org:gus'; plots would label it with a "
        "spelling its mentions do not use (add it to the aliases, or pick one of them)"
    ]


@pytest.mark.parametrize(
    ("entity_id", "short"),
    [
        ("org:ovks", "OVKS"),
        ("org:gus", "GUS"),
        ("org:eawu", "EAWU"),
        ("org:osze", "OSZE"),
        ("org:aussenministerium-russland", "Außenministerium Russlands"),
        ("per:alexander-lukaschenko", None),  # persons keep their full names
        ("org:nato", None),  # short already
    ],
)
def test_the_bundled_registry_has_short_names_for_long_organisation_names(entity_id, short):
    assert default_registry()[entity_id].short == short


# --- a user entity that duplicates a bundled one (issue 10, item 4) ---------------------------

WIKTOR = {"id": "per:wiktor-chrenin", "label": "PER", "name": "Wiktor Chrenin",
          "aliases": ["Chrenin", "Viktor Khrenin", "Wiktar Chrenin"]}


def test_a_bundled_entity_under_another_id_is_a_warning_at_load(tmp_path, caplog):
    import logging

    path = write_jsonl(tmp_path / "people.jsonl", [WIKTOR])
    with caplog.at_level(logging.WARNING, logger="entitykit"):
        registry = build_registry([path])
    assert [record.getMessage() for record in caplog.records] == [
        f"{path}:1: 'per:wiktor-chrenin' duplicates the bundled 'per:viktor-chrenin': both are called "
        "'Wiktor Chrenin' (4 spellings shared); one entity under two ids splits its mentions: give your record "
        "the id 'per:viktor-chrenin' to add its spellings to the bundled entity"
    ]
    assert "per:wiktor-chrenin" in registry and "per:viktor-chrenin" in registry  # loaded all the same


@pytest.mark.parametrize(
    ("record", "default_aliases"),
    [
        # the bundled id itself: more spellings of the same entity
        ({"id": "per:viktor-chrenin", "label": "PER", "name": "Wiktor Chrenin", "aliases": ["Generaloberst Chrenin"]}, True),
        # another label: a company called Minsk is not the city
        ({"id": "org:minsk", "label": "ORG", "name": "Minsk", "aliases": []}, True),
        # no bundled registry to duplicate
        (WIKTOR, False),
    ],
    ids=["same-id", "other-label", "no-bundled"],
)
def test_no_warning_for_an_override_another_label_or_no_bundled_registry(record, default_aliases, tmp_path, caplog):
    import logging

    path = write_jsonl(tmp_path / "extra.jsonl", [record])
    with caplog.at_level(logging.WARNING, logger="entitykit"):
        build_registry([path], default_aliases=default_aliases)
    assert caplog.records == []


def test_duplicates_name_the_shared_spelling_and_say_whether_a_name_is_shared():
    registry = AliasRegistry.from_sources(
        [LUKASCHENKO, MINSK],
        [{"id": "per:nikolai-lukaschenko", "label": "PER", "name": "Nikolai Lukaschenko", "aliases": ["Lukaschenko"]},
         {"id": "per:lukaschenko", "label": "PER", "name": "Lukashenka", "aliases": ["Alexander Lukaschenko", "Лукашенко"]},
         {"id": "loc:minsk-stadt", "label": "LOC", "name": "Minsk-Stadt", "aliases": ["Минск", "Minsk"]}],
    )
    found = [(d.entity.id, d.bundled.id, d.spelling, d.shared, d.same_name)
             for d in registry.duplicates({"per:alexander-lukaschenko", "loc:minsk"})]
    assert found == [
        ("per:nikolai-lukaschenko", "per:alexander-lukaschenko", "Lukaschenko", 1, False),  # an alias only
        ("per:lukaschenko", "per:alexander-lukaschenko", "Alexander Lukaschenko", 2, True),  # the bundled name
        ("loc:minsk-stadt", "loc:minsk", "Minsk", 1, True),  # the Latin spelling of the shared key
    ]
    assert registry.duplicates(set()) == []  # nothing bundled, nothing duplicated
