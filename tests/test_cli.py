"""The foundation commands: --help everywhere, info, extract, evaluate ner; the exit-code rule;
the README's commands; and the one subprocess smoke test that the installed commands start.

Every other test drives the CLI through the ``cli`` fixture (``tests/conftest.py``).
"""

import json
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import assert_one_line_error

from entitykit.cli import EXIT_CODES_HELP
from entitykit.errors import (
    CorpusFormatError,
    EntitykitError,
    InputError,
    MissingDependencyError,
    ModelNotFoundError,
    RegistryError,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "belta-2023-01-10-ovks.txt"

COMMANDS = [
    [], ["info"], ["extract"], ["evaluate"], ["evaluate", "ner"], ["evaluate", "clusters"],
    ["aliases"], ["aliases", "check"], ["aliases", "propose"], ["explain"], ["cluster"], ["run"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "entitykit")
def test_help(command, cli):
    result = cli(*command, "--help")
    assert result.exit_code == 0, result.stderr
    assert "Usage" in result.stdout and " ".join(command) in result.stdout


def test_top_level_help_states_the_exit_codes(cli):
    help_text = " ".join(cli("--help").stdout.replace("│", " ").split())
    assert " ".join(EXIT_CODES_HELP.split()) in help_text


@pytest.mark.parametrize("name", ["console script", "python -m"])
def test_the_installed_commands_start(name):
    # the one test that starts a process: the entry points themselves, not what they run
    if name == "console script":
        script = Path(sysconfig.get_path("scripts")) / "entitykit"
        if not script.is_file():
            pytest.skip("entitykit is not installed in this environment (no console script)")
        args = [str(script)]
    else:
        args = [sys.executable, "-m", "entitykit"]
    result = subprocess.run([*args, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout and "Exit codes" in result.stdout
    result = subprocess.run([*args, "extract", "no/such/article.txt"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == "entitykit: error: no/such/article.txt: no such file; give a text file or '-' to read stdin\n"


# --- one exit-code rule for every command ---------------------------------------------------


@pytest.mark.parametrize(
    "error, code",
    [
        (InputError("x"), 2),
        (CorpusFormatError("x"), 2),
        (RegistryError("x"), 2),
        (ModelNotFoundError("x"), 1),
        (MissingDependencyError("x"), 1),
        (EntitykitError("x"), 1),
        (PermissionError(13, "Permission denied", "out/mentions.jsonl"), 1),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_each_error_has_its_exit_code_and_one_line(error, code, cli, monkeypatch):
    import entitykit.resolver

    def fails(*args, **kwargs):
        raise error

    monkeypatch.setattr(entitykit.resolver, "explain", fails)
    result = cli("explain", "Minsk")
    assert result.exit_code == code
    assert result.stderr == f"entitykit: error: {error}\n"


def test_a_bug_is_not_hidden(cli, monkeypatch):
    import entitykit.resolver

    def fails(*args, **kwargs):
        raise KeyError("bug")

    monkeypatch.setattr(entitykit.resolver, "explain", fails)
    with pytest.raises(KeyError):
        cli("explain", "Minsk")


@pytest.mark.parametrize(
    "args, code",
    [
        (["extract", "--no-such-option", "x.txt"], 2),  # typer's usage error
        (["extract", "no/such/article.txt"], 2),  # a missing input file
        (["explain", "Minsk", "--label", "PLACE"], 2),  # a bad argument
        (["explain", "Minsk", "--aliases", "no/such/names.jsonl"], 2),  # a registry file given by the user
        (["cluster", "no/such/names.jsonl"], 2),
        (["evaluate", "ner", "no/such/gold.tsv"], 2),
        (["evaluate", "clusters", "no/such/gold.jsonl"], 2),
        (["aliases", "check", "no/such/names.jsonl"], 2),
        (["aliases", "propose", "no/such/run", "--out", "no/such/proposals.jsonl"], 2),
        (["run", "no/such/corpus", "--out", "no/such/out"], 2),
        (["extract", str(EXAMPLE), "--model", "de_core_news_xx"], 1),  # no such pipeline installed: a failure
    ],
    ids=lambda value: " ".join(value[:2]) if isinstance(value, list) else str(value),
)
def test_every_command_follows_the_rule(args, code, cli):
    result = cli(*args)
    assert result.exit_code == code, result.stderr
    if args[1] != "--no-such-option":  # typer prints usage errors its own way
        assert_one_line_error(result.stderr)


def test_an_unreadable_input_file_is_an_input_error(tmp_path, cli, monkeypatch):
    article = tmp_path / "article.txt"
    article.write_text("Lukaschenko in Minsk.", encoding="utf-8")

    def unreadable(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_text", unreadable)  # chmod does not stop root
    result = cli("extract", article)
    assert result.exit_code == 2
    assert result.stderr == f"entitykit: error: {article}: cannot read the file (Permission denied)\n"


# --- info, extract, evaluate ner --------------------------------------------------------------


def test_unknown_model_is_one_line_without_traceback(cli):
    result = cli("extract", EXAMPLE, "--model", "de_core_news_xx")
    assert result.exit_code == 1
    assert result.stderr.startswith("entitykit: error: no spaCy pipeline named 'de_core_news_xx'")
    assert_one_line_error(result.stderr, "python -m spacy download de_core_news_md")


def test_missing_input_file_is_one_line(cli):
    result = cli("extract", "no/such/article.txt")
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, "no/such/article.txt: no such file")


def test_extract_json_from_stdin_with_rule_pipeline(rule_pipeline_path, cli):
    result = cli("extract", "-", "--json", "--model", rule_pipeline_path, input="Alexander Lukaschenko in Minsk.")
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["text"], r["label"], r["start_char"], r["end_char"]) for r in rows] == [
        ("Alexander Lukaschenko", "PER", 0, 21),
        ("Minsk", "LOC", 25, 30),
    ]
    assert rows[0]["entity_id"] == "per:alexander-lukaschenko"


@pytest.mark.slow
def test_extract_reference_article_table(cli):
    result = cli("extract", EXAMPLE)
    assert result.exit_code == 0, result.stderr
    header, *lines = result.stdout.splitlines()
    assert header.split() == ["text", "label", "start_char", "end_char", "entity_id", "canonical", "score", "method"]
    wolf = [line for line in lines if line.startswith("Alexander Wolfowutsch")]
    assert wolf and "per:alexander-wolfowitsch" in wolf[0]


@pytest.mark.slow
def test_info_names_the_bundled_model_and_its_data(cli):
    result = cli("info")
    assert result.exit_code == 0, result.stderr
    assert re.search(r"source\s+bundled", result.stdout)
    assert "GermEval 2014" in result.stdout and "CC BY 4.0" in result.stdout


def test_evaluate_ner_json(tmp_path, rule_pipeline_path, cli):
    gold = tmp_path / "gold.iob2"
    gold.write_text("Alexander\tB-PER\tO\nLukaschenko\tI-PER\tO\nin\tO\tO\nMinsk\tB-LOC\tO\n\n", encoding="utf-8")
    result = cli("evaluate", "ner", gold, "--model", rule_pipeline_path, "--json")
    assert result.exit_code == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["f"] == 1.0 and scores["per_label"]["PER"]["f"] == 1.0
    assert scores["words_per_second"] > 0


def test_readme_opens_with_the_two_commands_that_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)\n```", readme, flags=re.S)
    setup, tests = blocks[0], blocks[1]
    assert "pip install" in setup and "entitykit extract examples/belta-2023-01-10-ovks.txt" in setup
    assert (ROOT / "examples" / "belta-2023-01-10-ovks.txt").is_file()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests.strip() in ci


def test_info_lists_every_component_with_what_it_does(rule_pipeline_path, cli):
    result = cli("info", "--model", rule_pipeline_path)
    assert result.exit_code == 0, result.stderr
    assert re.search(
        r"^pipeline\s+sentencizer, ner, entitykit_institutions, entitykit_mentions, entitykit_resolver$", result.stdout, re.M
    )
    for name, role in [
        ("sentencizer", "sentence boundaries"), ("ner", "named entities from patterns"),
        ("entitykit_institutions", "named institutions as ORG"), ("entitykit_mentions", "names inside compounds"), ("entitykit_resolver", "canonical entity"),
    ]:
        assert re.search(rf"^\s+{name}\s+.*{role}", result.stdout, re.M), (name, result.stdout)


def test_extract_and_run_say_once_which_pipeline_they_use_unless_quiet(rule_pipeline_path, cli, tmp_path):
    said = f"entitykit: using path pipeline de_pipeline ({rule_pipeline_path})"
    result = cli("extract", "-", "--json", "--model", rule_pipeline_path, input="Minsk.")
    assert result.exit_code == 0 and result.stderr.splitlines() == [said], result.stderr
    result = cli("extract", "-", "--json", "-q", "--model", rule_pipeline_path, input="Minsk.")
    assert result.exit_code == 0 and result.stderr == ""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Lukaschenko in Minsk.", encoding="utf-8")
    result = cli("run", tmp_path / "in", "--out", tmp_path / "out", "--model", rule_pipeline_path)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == said and result.stderr.count("using path pipeline") == 1
    result = cli("run", tmp_path / "in", "--out", tmp_path / "out2", "--model", rule_pipeline_path, "-q")
    assert result.exit_code == 0 and result.stderr == ""


def test_extract_and_run_name_an_md_shaped_pipeline_once_unless_quiet(md_pipeline_path, cli, tmp_path):
    """issue 11, item 23, with a pipeline shaped like de_core_news_md given by --model: its name
    and source once on stderr (and the components left out), nothing with -q."""
    said = [
        f"entitykit: using path pipeline de_core_news_md ({md_pipeline_path})",
        "entitykit: left out tok2vec, tagger, morphologizer, parser, lemmatizer, attribute_ruler "
        "(not needed for NER; load(..., exclude=[]) keeps them)",
    ]
    text = "Lukaschenko kam nach Minsk. Tasmagambetow sprach in Moskau."
    result = cli("extract", "-", "--json", "--no-aliases", "--model", md_pipeline_path, input=text)
    assert result.exit_code == 0 and result.stderr.splitlines() == said, result.stderr
    assert [json.loads(line)["text"] for line in result.stdout.splitlines()] == ["Lukaschenko", "Minsk", "Tasmagambetow", "Moskau"]
    result = cli("extract", "-", "--json", "--no-aliases", "-q", "--model", md_pipeline_path, input=text)
    assert result.exit_code == 0 and result.stderr == "" and len(result.stdout.splitlines()) == 4
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text("Die OVKS tagte in Minsk.", encoding="utf-8")
    result = cli("run", tmp_path / "in", "--out", tmp_path / "out", "--no-aliases", "--model", md_pipeline_path)
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[:2] == said and lines[2].startswith("2 documents, 6 mentions,") and len(lines) == 3, result.stderr
    result = cli("run", tmp_path / "in", "--out", tmp_path / "out2", "--no-aliases", "--model", md_pipeline_path, "-q")
    assert result.exit_code == 0 and result.stderr == ""
    assert (tmp_path / "out2" / "mentions.jsonl").read_text(encoding="utf-8").count("\n") == 6


@pytest.fixture
def installed_md(md_pipeline_path, tmp_path, monkeypatch) -> Path:
    """The de_core_news_md-shaped pipeline installed as the package ``de_core_news_md`` (on
    ``sys.path`` for this test only); returns its data folder, which the test may break."""
    from md_pipeline import install_as_package

    site = tmp_path / "site"
    site.mkdir()
    data = install_as_package(md_pipeline_path, site)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, "de_core_news_md", raising=False)
    yield data
    sys.modules.pop("de_core_news_md", None)


# How an install breaks: a file gone, cut short, swapped for another component's, garbled.
BREAKAGES = {
    "ner-model-missing": lambda folder: (folder / "ner" / "model").unlink(),
    "ner-model-cut-short": lambda folder: (folder / "ner" / "model").write_bytes((folder / "ner" / "model").read_bytes()[:1000]),
    "ner-model-of-the-tagger": lambda folder: shutil.copy(folder / "tagger" / "model", folder / "ner" / "model"),
    "config-garbled": lambda folder: (folder / "config.cfg").write_text("[nlp\nlang = de\n", encoding="utf-8"),
}


@pytest.mark.parametrize("given", ["default", "name", "path"])
@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_a_broken_md_install_is_one_line_naming_the_way_out(installed_md, cli, given, breakage):
    """issue 11, item 22: with a broken de_core_news_md, whether it is the default (installed),
    named, or given as a folder, the one-line error says why and names --model de_entitykit_ner."""
    import spacy.util

    assert spacy.util.is_package("de_core_news_md")
    BREAKAGES[breakage](installed_md)
    model = {"default": [], "name": ["--model", "de_core_news_md"], "path": ["--model", installed_md]}[given]
    result = cli("extract", "-", *model, input="Lukaschenko kam nach Minsk.")
    assert result.exit_code == 1
    target = installed_md if given == "path" else "de_core_news_md"
    assert_one_line_error(result.stderr, f"could not load the pipeline '{target}': ", "pass --model de_entitykit_ner")
    reason = result.stderr.split(f"'{target}': ", 1)[1]
    assert not reason.startswith(";"), result.stderr  # says what is wrong before the way out


def test_a_pipeline_that_fails_to_load_names_the_bundled_one_in_one_line(tmp_path, cli):
    import spacy

    nlp = spacy.blank("de")
    nlp.add_pipe("ner")
    nlp.initialize()
    nlp.to_disk(tmp_path / "de_core_news_md")
    (tmp_path / "de_core_news_md" / "ner" / "model").unlink()  # a broken install, as reported
    result = cli("extract", EXAMPLE, "--model", tmp_path / "de_core_news_md")
    assert result.exit_code == 1
    assert_one_line_error(result.stderr, "could not load the pipeline", "--model de_entitykit_ner")


def test_evaluate_ner_stage_and_upper(tmp_path, rule_pipeline_path, cli):
    gold = tmp_path / "gold.iob2"
    gold.write_text("Das\tO\tO\nEuropäische\tB-ORG\tO\nParlament\tI-ORG\tO\nin\tO\tO\nMinsk\tB-LOC\tO\n\n", encoding="utf-8")
    result = cli("evaluate", "ner", gold, "--model", rule_pipeline_path, "--stage", "full", "--json")
    assert result.exit_code == 0, result.stderr
    scores = json.loads(result.stdout)
    assert (scores["stage"], scores["upper"], scores["f"]) == ("full", False, 1.0)
    result = cli("evaluate", "ner", gold, "--model", rule_pipeline_path, "--upper")
    assert result.exit_code == 0, result.stderr
    assert "stage ner, upper-cased" in result.stdout and re.search(r"PER/ORG/LOC\s+0\.000", result.stdout)
    result = cli("evaluate", "ner", gold, "--model", rule_pipeline_path, "--stage", "resolver")
    assert result.exit_code == 2 and "--stage 'resolver' is not one of ner, full" in result.stderr
