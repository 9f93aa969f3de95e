"""The ``entitykit`` command line: thin typer commands, each calling one importable function.

Library errors (:class:`~entitykit.errors.EntitykitError`) become a one-line message on
stderr and exit code 1 (2 for bad usage); no traceback reaches the user.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from .errors import EntitykitError

app = typer.Typer(
    name="entitykit",
    help="Find persons, organisations and places in German text and merge their spellings.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
evaluate_app = typer.Typer(help="Score NER or clustering against gold data.", no_args_is_help=True)
aliases_app = typer.Typer(help="Work with alias registries.", no_args_is_help=True)
app.add_typer(evaluate_app, name="evaluate")
app.add_typer(aliases_app, name="aliases")


def fail(message: str, code: int = 1) -> None:
    """Print ``entitykit: error: message`` on stderr and exit."""
    typer.echo(f"entitykit: error: {message}", err=True)
    raise typer.Exit(code)


def read_text_arg(path: str) -> str:
    """Read a text argument: a file path or ``-`` for stdin."""
    if path == "-":
        return sys.stdin.read()
    file = Path(path)
    if not file.is_file():
        fail(f"{path}: no such file; give a text file or '-' to read stdin", 2)
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        fail(f"{path}: not UTF-8 at byte {error.start}; convert the file to UTF-8", 2)


# --- foundation ------------------------------------------------------------------------------


@app.command()
def info(model: Optional[str] = typer.Option(None, "--model", "-m", help="Pipeline name or path.")):
    """Show which German pipeline entitykit uses and what it contains."""
    from .models import describe

    for key, value in describe(model).items():
        typer.echo(f"{key:<12} {value}")


@app.command()
def extract(
    path: str = typer.Argument(..., help="A UTF-8 text file, or '-' to read stdin."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Pipeline name or path."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per entity (JSON lines)."),
):
    """Print the entities of one text: text, label and character offsets."""
    from .pipeline import load

    text = read_text_arg(path)
    nlp = load(model)
    doc = nlp(text)
    rows = [
        {"text": ent.text, "label": ent.label_, "start_char": ent.start_char, "end_char": ent.end_char}
        for ent in doc.ents
    ]
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    if not rows:
        typer.echo("no entities found", err=True)
        return
    width = max(len(row["text"]) for row in rows)
    typer.echo(f"{'text':<{width}}  label  start    end")
    for row in rows:
        typer.echo(f"{row['text']:<{width}}  {row['label']:<5} {row['start_char']:>6} {row['end_char']:>6}")


@evaluate_app.command("ner")
def evaluate_ner_command(
    path: Path = typer.Argument(..., help="GermEval .tsv/.iob2, CoNLL .conll2003, .bio or .spacy file."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Pipeline name or path."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
):
    """Precision, recall and F1 of a NER pipeline on exact spans (headline: PER, ORG, LOC)."""
    from .evaluate import evaluate_ner

    scores = evaluate_ner(path, model)
    if as_json:
        typer.echo(json.dumps(scores.to_dict()))
        return
    typer.echo(f"{scores.documents} sentences, {scores.words} words, {scores.words_per_second:,.0f} words/s")
    typer.echo(f"{'label':<10} {'P':>6} {'R':>6} {'F':>6}")
    typer.echo(f"{'PER/ORG/LOC':<10} {scores.p:6.3f} {scores.r:6.3f} {scores.f:6.3f}")
    for label, label_scores in scores.per_label.items():
        typer.echo(f"{label:<10} {label_scores.p:6.3f} {label_scores.r:6.3f} {label_scores.f:6.3f}")


# --- entry point ---------------------------------------------------------------------------


def main() -> None:
    """Run the CLI; turn entitykit errors into one-line messages."""
    try:
        app()
    except EntitykitError as error:
        typer.echo(f"entitykit: error: {error}", err=True)
        sys.exit(1)
    except BrokenPipeError:  # `entitykit ... | head`
        sys.stderr.close()
        sys.exit(0)
    except KeyboardInterrupt:
        typer.echo("entitykit: interrupted", err=True)
        sys.exit(130)
