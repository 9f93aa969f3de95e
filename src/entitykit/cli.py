"""The ``entitykit`` command line: thin typer commands, each calling one importable function.

Commands raise; :func:`main` alone turns errors into exit codes (:data:`EXIT_CODES`) and
one-line messages on stderr, so no traceback reaches the user and every command follows one
rule:

- 0: success.
- 1: failure: the work could not be done though the command was right: no German pipeline
  could be loaded (:class:`~entitykit.errors.ModelNotFoundError`: the fix is installing one, not
  another command line), an optional package is missing, a file could not be written, any other
  :class:`~entitykit.errors.EntitykitError`; and ``aliases check`` found errors, because
  reporting them is that command's result, as a linter's.
- 2: usage and input errors: bad arguments or options, missing or unreadable input files, bad
  input records, bad registry files given with ``--aliases``, an output that exists without
  ``--force`` (:class:`~entitykit.errors.InputError`, :class:`~entitykit.errors.CorpusFormatError`,
  :class:`~entitykit.errors.RegistryError`, and typer's own usage errors).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import List, NoReturn, Optional

import typer

from .errors import CorpusFormatError, EntitykitError, InputError, RegistryError

EXIT_CODES_HELP = (
    "Exit codes: 0 success; 1 failure (no pipeline could be loaded, a file could not be written, "
    "'aliases check' found errors); 2 usage or input error (bad arguments, missing or unreadable "
    "input, a bad input or registry file, an existing output without --force)."
)

app = typer.Typer(
    name="entitykit",
    help="Find persons, organisations and places in German text and merge their spellings.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
evaluate_app = typer.Typer(help="Score NER or clustering against gold data.", no_args_is_help=True)
aliases_app = typer.Typer(help="Work with alias registries.", no_args_is_help=True)
app.add_typer(evaluate_app, name="evaluate")
app.add_typer(aliases_app, name="aliases")


def read_text_arg(path: str) -> str:
    """Read a text argument: a file path or ``-`` for stdin.

    >>> read_text_arg("no/such/article.txt")
    Traceback (most recent call last):
    entitykit.errors.InputError: no/such/article.txt: no such file; give a text file or '-' to read stdin
    """
    if path == "-":
        return sys.stdin.read()
    file = Path(path)
    if not file.is_file():
        raise InputError(f"{path}: no such file; give a text file or '-' to read stdin")
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 at byte {error.start}; convert the file to UTF-8") from None
    except OSError as error:  # unreadable input is the user's to fix, as a missing file
        raise InputError(f"{path}: cannot read the file ({error.strerror})") from None


@contextmanager
def model_announced(quiet: bool) -> Iterator[None]:
    """Print the pipeline's name and source on stderr when it is loaded (the INFO lines of
    :mod:`entitykit.models`), unless ``quiet``."""
    if quiet:
        yield
        return
    logger = logging.getLogger("entitykit.models")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


# --- foundation ------------------------------------------------------------------------------


@app.command()
def info(model: Optional[str] = typer.Option(None, "--model", "-m", help="Pipeline name or path.")):
    """Show which German pipeline entitykit uses and what each of its components does."""
    from .aliases import default_registry, default_registry_paths
    from .models import describe
    from .pipeline import describe_components, load

    nlp = load(model)
    for key, value in describe(nlp=nlp).items():
        typer.echo(f"{key:<12} {value}")
        if key == "pipeline":
            components = describe_components(nlp)
            width = max(len(name) for name, _ in components)
            for name, role in components:
                typer.echo(f"{'':<12}   {name:<{width}}  {role}")
    registry = default_registry()
    names = ", ".join(path.name for path in default_registry_paths())
    typer.echo(f"{'registry':<12} {len(registry)} entities, bundled default ({names})")


@app.command()
def extract(
    path: str = typer.Argument(..., help="A UTF-8 text file, or '-' to read stdin."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Pipeline name or path."),
    aliases: Optional[List[Path]] = typer.Option(None, "--aliases", "-a", help="Extra alias registry (JSONL); repeatable."),
    no_aliases: bool = typer.Option(False, "--no-aliases", help="Do not use the bundled default registry."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per entity (JSON lines)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Do not say which pipeline was loaded."),
):
    """Print the entities of one text: text, label, offsets and canonical entity.

    Which pipeline was loaded (name and source) is said once on stderr, unless --quiet.
    """
    from .export import doc_mentions
    from .pipeline import annotate, load

    text = read_text_arg(path)
    with model_announced(quiet):
        nlp = load(model, aliases=aliases or (), default_aliases=not no_aliases)
    records = doc_mentions(annotate(nlp, text), None if path == "-" else path)
    if as_json:
        for record in records:
            row = record.as_dict()
            del row["doc_id"]
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    if not records:
        typer.echo("no entities found", err=True)
        return
    columns = ("text", "label", "start_char", "end_char", "entity_id", "canonical", "score", "method")
    cells = [[_cell(getattr(record, column)) for column in columns] for record in records]
    widths = [max(len(column), *(len(row[i]) for row in cells)) for i, column in enumerate(columns)]
    typer.echo("  ".join(column.ljust(width) for column, width in zip(columns, widths)).rstrip())
    for row in cells:
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.0f}"
    return " ".join(str(value).split())  # a mention never breaks the table's lines


@evaluate_app.command("ner")
def evaluate_ner_command(
    path: Path = typer.Argument(..., help="GermEval .tsv/.iob2, CoNLL .conll2003, .bio or .spacy file."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Pipeline name or path."),
    stage: str = typer.Option(
        "ner", "--stage",
        help="What to score: 'ner' the statistical pipeline alone, 'full' entitykit's whole pipeline "
        "(entitykit.load: institutions, compound and registry names, labels corrected by the resolver).",
    ),
    upper: bool = typer.Option(False, "--upper", help="Score an upper-cased copy of the file (headlines, datelines)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
):
    """Precision, recall and F1 of a NER pipeline on exact spans (headline: PER, ORG, LOC)."""
    from .evaluate import STAGES, evaluate_ner

    if stage not in STAGES:
        raise InputError(f"--stage {stage!r} is not one of {', '.join(STAGES)}")
    scores = evaluate_ner(path, model, stage=stage, upper=upper)
    if as_json:
        typer.echo(json.dumps(scores.to_dict()))
        return
    scored = f"stage {scores.stage}" + (", upper-cased" if scores.upper else "")
    typer.echo(f"{scores.documents} sentences, {scores.words} words, {scores.words_per_second:,.0f} words/s; {scored}")
    typer.echo(f"{'label':<10} {'P':>6} {'R':>6} {'F':>6}")
    typer.echo(f"{'PER/ORG/LOC':<10} {scores.p:6.3f} {scores.r:6.3f} {scores.f:6.3f}")
    for label, label_scores in scores.per_label.items():
        typer.echo(f"{label:<10} {label_scores.p:6.3f} {label_scores.r:6.3f} {label_scores.f:6.3f}")


# --- alias resolution (issue 3) ----------------------------------------------------------------

ALIASES_HELP = "Alias registry file (JSONL), in addition to the bundled one; repeat for several."
NO_ALIASES_HELP = "Leave out the bundled default registry (with no --aliases: no registry at all)."


@aliases_app.command("check")
def aliases_check(
    paths: List[Path] = typer.Argument(..., help="Alias registry files (JSONL) to lint."),
    no_aliases: bool = typer.Option(
        False, "--no-aliases", help="Check the files alone, not on top of the bundled default registry."
    ),
):
    """Lint alias registry files: print file:line problems and ambiguous aliases; exit 1 on errors.

    The files are checked on top of the bundled registry, as the other commands read them: an
    entity that duplicates a bundled one under another id is an error when they share a name,
    a warning when they share only an alias.
    """
    from .aliases import check_files

    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or directory; give registry files (.jsonl) or folders of them")
    problems = check_files(paths, against_default=not no_aliases)
    for problem in problems:
        typer.echo(str(problem))
    errors = sum(problem.severity == "error" for problem in problems)
    typer.echo(f"{len(paths)} file(s): {errors} error(s), {len(problems) - errors} warning(s)")
    if errors:
        raise typer.Exit(1)


@aliases_app.command("propose")
def aliases_propose(
    run_dir: Path = typer.Argument(..., metavar="RUN_DIR", help="The --out folder of a finished `entitykit run`."),
    out: str = typer.Option(..., "--out", "-o", help="Proposals file to write (JSONL), or '-' for stdout."),
    min_mentions: int = typer.Option(1, "--min-mentions", min=1, help="Leave out proposals with fewer mentions."),
    aliases: Optional[List[str]] = typer.Option(
        None, "--aliases", "-a", help="Registry to compare against instead of the run's alias files; repeatable."
    ),
    no_aliases: bool = typer.Option(False, "--no-aliases", help="Compare without the bundled default registry."),
    force: bool = typer.Option(False, "--force", help="Overwrite --out if it exists."),
):
    """Propose registry records from a finished run: new entities and new aliases, to review.

    Unknown entities with several spellings become new records; registry entities that gained
    spellings get records with their id and only the new aliases. Each record has its counts and a context under "evidence". Review the file (delete what is
    wrong), then pass it back with --aliases PROPOSALS after the run's own alias files: a record
    with a registry id adds its aliases to that entity, the others are new entities. The
    registry compared against is the run's (run.json), unless --aliases or --no-aliases is given.
    """
    from .curation import propose_aliases, write_proposals

    given = bool(aliases) or no_aliases
    proposals = propose_aliases(
        run_dir, min_mentions=min_mentions, aliases=(aliases or []) if given else None,
        default_aliases=(not no_aliases) if given else None,
    )
    count = write_proposals(proposals, out, force=force)
    new = sum(proposal.kind == "new" for proposal in proposals)
    target = "stdout" if out == "-" else out
    typer.echo(f"{count} proposal(s) written to {target}: {new} new entities, {count - new} known entities with "
               "new spellings; review them, then pass the file with --aliases", err=True)


@app.command()
def explain(
    text: str = typer.Argument(..., help="The name to look up, e.g. 'Wolfowutsch'."),
    label: Optional[str] = typer.Option(None, "--label", "-l", help="PER, ORG, LOC or MISC (default: try all)."),
    aliases: Optional[List[str]] = typer.Option(None, "--aliases", "-a", help=ALIASES_HELP),
    no_aliases: bool = typer.Option(False, "--no-aliases", help=NO_ALIASES_HELP),
    limit: int = typer.Option(10, "--limit", min=1, help="How many candidates to show."),
):
    """Show the candidates for a name, their scores (0-100) and methods, and the decision."""
    from .resolver import explain as explain_name

    result = explain_name(text, label and label.upper(), aliases=aliases or [], default_aliases=not no_aliases, limit=limit)
    typer.echo(f"{result.text} ({result.label})")
    header = ("score", "method", "id", "matched", "verdict")
    rows = [
        (f"{c.score:5.1f}", c.method, c.entity_id, c.matched or "", c.reason if c.accepted else f"rejected: {c.reason}")
        for c in result.candidates
    ]
    if rows:
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
        for row in [header, *rows]:
            typer.echo("  " + "  ".join(f"{value:<{width}}" for value, width in zip(row, widths)) + "  " + row[4])
    else:
        typer.echo("  no candidates in the registry")
    d = result.decision
    matched = f", matched {d.matched!r}" if d.matched else ""
    typer.echo(f"decision: {d.entity_id} {d.canonical!r} ({d.label}), score {d.score:.1f}, method {d.method}{matched}")
    if label is None and d.method == "new":
        typer.echo("(no label given and no registry entry matched: shown as PER; pass --label)")


@app.command()
def cluster(
    source: str = typer.Argument(..., metavar="INPUT", help="JSONL of {\"text\", \"label\"} objects, or '-' for stdin."),
    out: str = typer.Option("-", "--out", "-o", help="Output JSONL, or '-' for stdout."),
    aliases: Optional[List[str]] = typer.Option(None, "--aliases", "-a", help=ALIASES_HELP),
    no_aliases: bool = typer.Option(False, "--no-aliases", help=NO_ALIASES_HELP),
    force: bool = typer.Option(False, "--force", help="Overwrite --out if it exists."),
):
    """Give each name of a list its canonical entity: input lines plus entity_id, canonical, score, method."""
    from .namelists import cluster_jsonl

    count = cluster_jsonl(source, out, aliases=aliases or [], default_aliases=not no_aliases, force=force)
    if out != "-":
        typer.echo(f"{count} mention(s) written to {out}", err=True)


@evaluate_app.command("clusters")
def evaluate_clusters_command(
    gold: str = typer.Argument(..., help="Gold JSONL: one {\"text\", \"label\", \"cluster\"} object per line."),
    aliases: Optional[List[str]] = typer.Option(None, "--aliases", "-a", help=ALIASES_HELP),
    no_aliases: bool = typer.Option(False, "--no-aliases", help=NO_ALIASES_HELP),
    negatives: Optional[Path] = typer.Option(
        None, "--negatives", metavar="PAIRS",
        help="Confusable pairs of gold cluster ids, one 'clusterA<TAB>clusterB' per line: report which were merged.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
):
    """Pairwise and B-cubed P/R/F1 of entitykit's clustering and of a hand-written RapidFuzz baseline.

    With --negatives, also how many confusable pairs each merged: a pair is merged when some
    mention of one cluster and some mention of the other get the same entity.
    """
    from .evaluate import evaluate_clusters

    report = evaluate_clusters(gold, aliases=aliases or [], default_aliases=not no_aliases, negatives=negatives)
    for warning in report.warnings:
        typer.echo(f"entitykit: warning: {warning}", err=True)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    scores = report.entitykit
    registry = "with registry" if report.registry else "no registry"
    typer.echo(f"{report.mentions} mentions, {scores.forms} distinct forms, {scores.gold_clusters} gold clusters; {registry}")
    typer.echo(f"{'':<24} {'pair P':>6} {'R':>6} {'F1':>6}  {'B3 P':>6} {'R':>6} {'F1':>6}  {'clusters':>8}  wrongly merged")
    for name, s in (("entitykit", report.entitykit), ("baseline WRatio>=85", report.baseline)):
        typer.echo(
            f"{name:<24} {s.pairwise.p:6.3f} {s.pairwise.r:6.3f} {s.pairwise.f:6.3f}  "
            f"{s.bcubed.p:6.3f} {s.bcubed.r:6.3f} {s.bcubed.f:6.3f}  {s.predicted_clusters:>8}  {s.wrongly_merged}"
        )
    for first, second in report.entitykit.merges[:10]:
        typer.echo(f"entitykit merged {first!r} with {second!r}")
    if report.confusable_pairs is None:
        return
    systems = (("entitykit", report.entitykit), ("baseline WRatio>=85", report.baseline))
    counts = ", ".join(f"{name} {len(s.confusable_merges or ())}" for name, s in systems)
    typer.echo(f"confusable pairs merged, of {report.confusable_pairs}: {counts}")
    for name, s in systems:
        for merge in s.confusable_merges or ():
            typer.echo(f"{name} merged confusable {merge.clusters[0]} / {merge.clusters[1]} "
                       f"({merge.forms[0]!r} with {merge.forms[1]!r})")


# --- batch runs over corpora (issue 4) -----------------------------------------------------


@app.command()
def run(
    inputs: List[str] = typer.Argument(
        ..., metavar="INPUT...",
        help="Folders of .txt files (recursive), .jsonl/.jsonl.gz, .csv, .tsv, .parquet files, or '-' for stdin.",
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder: mentions, entities, errors.jsonl, run.json."),
    format: str = typer.Option("jsonl", "--format", "-f", help="Table format: jsonl, csv or parquet."),
    processes: int = typer.Option(
        1, "--processes", "-p", min=1, help="Worker processes for the pipeline (--engine dask: workers of the LocalCluster).",
    ),
    batch_size: int = typer.Option(32, "--batch-size", "-b", min=1, help="Documents per pipeline batch (memory grows with it)."),
    aliases: Optional[List[str]] = typer.Option(None, "--aliases", "-a", help=ALIASES_HELP),
    no_aliases: bool = typer.Option(False, "--no-aliases", help=NO_ALIASES_HELP),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Pipeline name or path."),
    text_key: str = typer.Option("text", "--text-key", help="Field or column with the document text."),
    id_key: str = typer.Option("id", "--id-key", help="Field or column with the document id."),
    max_chars: int = typer.Option(1_000_000, "--max-chars", min=1, help="Longer documents go to errors.jsonl."),
    force: bool = typer.Option(False, "--force", help="Overwrite the outputs of an earlier run in --out."),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first bad document (exit code 2)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar, no pipeline line; print only errors."),
    engine: str = typer.Option(
        "local", "--engine", help="local, or dask: the same run on a Dask cluster (pip install 'entitykit[dask]').",
    ),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler", help="With --engine dask: a running scheduler's address (default: a LocalCluster on this machine).",
    ),
    partitions: Optional[int] = typer.Option(
        None, "--partitions", min=1, help="With --engine dask: tasks the inputs are cut into (default: 4 per worker).",
    ),
):
    """Find and resolve the entities of a corpus; write mention and entity tables to --out.

    A killed run continues where it stopped when the same command is run again. Which
    pipeline was loaded (name and source) is said once on stderr, unless --quiet.
    """
    from .corpus import run_corpus

    with model_announced(quiet):
        summary = run_corpus(
            inputs, out, format=format.lower(), model=model, aliases=aliases or [],
            default_aliases=not no_aliases, text_key=text_key, id_key=id_key, batch_size=batch_size,
            n_process=processes, max_chars=max_chars, force=force, strict=strict,
            progress=False if quiet else None, engine=engine.lower(), scheduler=scheduler, partitions=partitions,
        )
    resumed = f", resumed after {summary.resumed_at:,} records" if summary.resumed_at else ""
    errors = f"{summary.errors:,} error(s) (see {summary.files['errors']})" if summary.errors else "0 errors"
    if not quiet or summary.errors:
        typer.echo(
            f"{summary.documents:,} documents, {summary.mentions:,} mentions, {summary.entities:,} entities, "
            f"{errors}; {summary.seconds:,.1f} s{resumed} -> {summary.out}",
            err=True,
        )
    if summary.duplicate_ids:
        typer.echo(
            f"entitykit: warning: {summary.duplicate_ids:,} document id(s) occur more than once "
            "(counted in run.json); choose a unique --id-key",
            err=True,
        )


# --- entry point ---------------------------------------------------------------------------


# The exit code for each kind of error, the first class that matches wins (the rule is in the
# module docstring and in `entitykit --help`). Anything else is a bug: its traceback is shown.
EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (InputError, 2),
    (CorpusFormatError, 2),
    (RegistryError, 2),
    (EntitykitError, 1),
    (OSError, 1),  # a file that could not be written, a full disk
)


def exit_code(error: BaseException) -> int | None:
    """The exit code :func:`main` gives ``error``, or ``None`` for an unexpected one (a bug).

    >>> from entitykit.errors import ModelNotFoundError, RegistryError
    >>> exit_code(RegistryError("names.jsonl:3: unknown label 'PLACE'")), exit_code(ModelNotFoundError("no pipeline"))
    (2, 1)
    >>> exit_code(KeyError("bug")) is None
    True
    """
    return next((code for kind, code in EXIT_CODES if isinstance(error, kind)), None)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run ``entitykit ARGV`` (default: the command line) and exit with the code of :data:`EXIT_CODES`."""
    try:
        app(args=None if argv is None else list(argv))
    except BrokenPipeError:  # `entitykit ... | head`
        sys.stderr.close()
        sys.exit(0)
    except KeyboardInterrupt:
        typer.echo("entitykit: interrupted", err=True)
        sys.exit(130)
    except Exception as error:
        code = exit_code(error)
        if code is None:
            raise
        typer.echo(f"entitykit: error: {error}", err=True)
        sys.exit(code)
    sys.exit(0)  # typer exits by itself; this is for the type checker
