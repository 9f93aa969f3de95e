"""The foundation commands: --help everywhere, info, extract, evaluate ner; the README's commands."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from entitykit.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

COMMANDS = [
    [], ["info"], ["extract"], ["evaluate"], ["evaluate", "ner"], ["evaluate", "clusters"],
    ["aliases"], ["aliases", "check"], ["explain"], ["cluster"], ["run"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "entitykit")
def test_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def run_cli(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "entitykit", *args], input=stdin, capture_output=True, text=True, cwd=ROOT
    )


def test_unknown_model_is_one_line_without_traceback():
    result = run_cli("extract", "examples/belta-2023-01-10-ovks.txt", "--model", "de_core_news_xx")
    assert result.returncode == 1
    assert result.stderr.startswith("entitykit: error: no spaCy pipeline named 'de_core_news_xx'")
    assert "python -m spacy download de_core_news_md" in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_missing_input_file_is_one_line():
    result = run_cli("extract", "no/such/article.txt")
    assert result.returncode == 2
    assert "no/such/article.txt: no such file" in result.stderr and "Traceback" not in result.stderr


def test_extract_json_from_stdin_with_rule_pipeline(rule_pipeline_path):
    result = run_cli("extract", "-", "--json", "--model", str(rule_pipeline_path), stdin="Alexander Lukaschenko in Minsk.")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["text"], r["label"], r["start_char"], r["end_char"]) for r in rows] == [
        ("Alexander Lukaschenko", "PER", 0, 21),
        ("Minsk", "LOC", 25, 30),
    ]
    assert rows[0]["entity_id"] == "per:alexander-lukaschenko"


@pytest.mark.slow
def test_extract_reference_article_table():
    result = run_cli("extract", "examples/belta-2023-01-10-ovks.txt")
    assert result.returncode == 0, result.stderr
    header, *lines = result.stdout.splitlines()
    assert header.split() == ["text", "label", "start_char", "end_char", "entity_id", "canonical", "score", "method"]
    wolf = [line for line in lines if line.startswith("Alexander Wolfowutsch")]
    assert wolf and "per:alexander-wolfowitsch" in wolf[0]


@pytest.mark.slow
def test_info_names_the_bundled_model_and_its_data():
    result = run_cli("info")
    assert result.returncode == 0, result.stderr
    assert re.search(r"source\s+bundled", result.stdout)
    assert "GermEval 2014" in result.stdout and "CC BY 4.0" in result.stdout


def test_evaluate_ner_json(tmp_path, rule_pipeline_path):
    gold = tmp_path / "gold.iob2"
    gold.write_text("Alexander\tB-PER\tO\nLukaschenko\tI-PER\tO\nin\tO\tO\nMinsk\tB-LOC\tO\n\n", encoding="utf-8")
    result = run_cli("evaluate", "ner", str(gold), "--model", str(rule_pipeline_path), "--json")
    assert result.returncode == 0, result.stderr
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
