"""Mutation check: each deliberate small bug below must make at least one named test fail.

Run from the repository root with the project's interpreter::

    python tests/mutants.py              # all mutants
    python tests/mutants.py 3 7          # only mutants 3 and 7
    python tests/mutants.py --list       # show the table

For each mutant the script copies ``src/``, ``tests/`` and what the tests read (``data/``,
``examples/``, ``notebooks/``, ``pyproject.toml``) into a temporary folder, replaces the exact
``old`` snippet (which must occur exactly once, else the script stops: the table is out of date)
by ``new``, and runs the mutant's tests with ``PYTHONPATH=<tmp>/src`` and
``python -m pytest -x -q``. A mutant is *caught* when those tests fail. It first checks that the
same tests pass on the unmutated code, so a failure means the mutant and not a broken test.
Exit status 1 if any mutant survives (or the baseline fails), 2 if the table is out of date.

The file is not collected by pytest (its name does not start with ``test_``). When code moves
in a refactor, update ``file`` and the node ids here together with the code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
COPY = ("src", "tests", "data", "examples", "notebooks", "pyproject.toml")
IGNORE = shutil.ignore_patterns("__pycache__", ".pytest_cache", ".hypothesis", "*.pyc", "*.egg-info")


class Mutant(NamedTuple):
    id: int
    description: str
    file: str  # relative to the repository root
    old: str  # must occur exactly once in the file
    new: str
    tests: tuple[str, ...]  # pytest node ids expected to catch it


RESOLVER = "src/entitykit/resolver.py"
NAMES = "src/entitykit/names.py"
CLUSTERING = "src/entitykit/clustering.py"
COREF = "src/entitykit/coref.py"
MENTIONS = "src/entitykit/mentions.py"
CORPUS = "src/entitykit/corpus.py"

MUTANTS = [
    Mutant(
        1, "fuzzy matching: no 3-point margin between two about equally good registry entities",
        RESOLVER,
        "if len(ranked) > 1 and (single_surname or ranked[1][1][0] >= score - 3):",
        "if len(ranked) > 1 and (single_surname or ranked[1][1][0] >= score - 0):",
        ("tests/test_resolver.py::test_two_namesakes_about_equally_close_are_not_guessed",),
    ),
    Mutant(
        2, "clustering: a form that fits several clusters about equally joins the best one",
        CLUSTERING,
        "        if len(ranked) > 1 and (surname_only or ranked[1][1][0] >= ranked[0][1][0] - 3):\n"
        "            return None, None, None  # fits several clusters about equally: do not guess\n",
        "",
        ("tests/test_clustering.py::test_a_form_that_fits_two_clusters_equally_stays_alone",),
    ),
    # Deleting the refusal alone changes nothing for OVKS/OVAT/OVKT: both slips are then offered
    # at 85 and the general "fits several clusters about equally" rule keeps OVKT alone. The
    # bug users would see is a slip towards several acronyms taking one of them.
    Mutant(
        3, "clustering: an acronym one slip from two acronyms joins one of them",
        CLUSTERING,
        "                if len(near) > 1:\n"
        "                    return None, None, None  # a slip, but towards several acronyms: keep apart\n",
        "                if len(near) > 1:\n"
        "                    near = dict([min(near.items())])\n",
        ("tests/test_clustering.py::test_acronym_slips_join_only_a_single_close_acronym",),
    ),
    Mutant(
        4, "names: the first-letter rule is off (Kasmagambetow ~ Tasmagambetow)",
        NAMES,
        "if skel_a[:1] != skel_b[:1]:",
        "if False:",
        ("tests/test_names.py::test_names_that_stay_apart_and_why",
         "tests/test_clustering.py::test_names_with_another_first_letter_or_ending_stay_apart"),
    ),
    Mutant(
        5, "clustering ignores score_cutoff",
        CLUSTERING,
        "if not verdict.ok or verdict.score < settings.score_cutoff:",
        "if not verdict.ok:",
        ("tests/test_clustering.py::test_clustering_respects_the_score_cutoff",
         "tests/test_clustering.py::test_score_cutoff_holds_through_resolve_mentions"),
    ),
    Mutant(
        6, "names: one-word transliteration trusted from 2 letters instead of 4 (Sas ~ Zas)",
        NAMES,
        "SHORTEST_TRANSLITERATION = 4",
        "SHORTEST_TRANSLITERATION = 2",
        ("tests/test_names.py::test_a_one_word_name_under_four_letters_never_merges_by_transliteration",
         "tests/test_clustering.py::test_a_one_word_name_under_four_letters_does_not_cluster_by_transliteration"),
    ),
    Mutant(
        7, "corpus: coreferent mentions written with the cluster's method and score instead of coref",
        CLUSTERING,
        "    if counted:\n        return final\n",
        "    if True:\n        return final\n",
        ("tests/test_corpus_outputs.py::test_a_coreferent_surname_keeps_method_coref_and_its_own_score",),
    ),
    Mutant(
        8, "corpus: document fields that clash with output columns lose their meta_ prefix",
        "src/entitykit/export.py",
        "        if key in taken:\n            name = f\"meta_{key}\"\n",
        "        if False:\n            name = f\"meta_{key}\"\n",
        ("tests/test_corpus_outputs.py::test_document_fields_named_like_output_columns_get_a_meta_prefix",),
    ),
    # --- a few more, cheap to check -------------------------------------------------------------
    Mutant(
        9, "names: acronym slips allowed in 3-letter acronyms (OVK ~ OVKS)",
        NAMES,
        "SHORTEST_ACRONYM_SLIP = 4",
        "SHORTEST_ACRONYM_SLIP = 3",
        ("tests/test_names.py::test_names_that_stay_apart_and_why",),
    ),
    Mutant(
        10, "names: typos allowed from 5 letters instead of 7 by default (Minsk / Pinsk then rests on one rule)",
        NAMES,
        "min_typo_length: int = 7) -> Verdict:\n    \"\"\"May two names",
        "min_typo_length: int = 5) -> Verdict:\n    \"\"\"May two names",
        ("tests/test_names.py::test_names_that_stay_apart_and_why",),
    ),
    Mutant(
        11, "clustering: the id slug of a new entity loses its label",
        MENTIONS,
        'return f"new:{label.lower()}:{slugify(text)}"',
        'return f"new:{slugify(text)}"',
        ("tests/test_clustering.py::test_clustering_respects_the_score_cutoff",),
    ),
    Mutant(
        12, "names: a surname alone scores like a full name (no 0.95 factor)",
        NAMES,
        'return Verdict(True, round(surname_score * 0.95, 1), "surname only")',
        'return Verdict(True, round(surname_score, 1), "surname only")',
        ("tests/test_names.py::test_names_that_merge_with_their_score",),
    ),
    Mutant(
        13, "coref: a coreferent surname takes the raw surname-only score (no / 0.95)",
        COREF,
        "links[index] = (antecedent, round(min(100.0, score / 0.95), 1))",
        "links[index] = (antecedent, round(min(100.0, score), 1))",
        ("tests/test_corpus_outputs.py::test_a_coreferent_surname_keeps_method_coref_and_its_own_score",),
    ),
    Mutant(
        14, "normalize: slugs of non-Latin names use Python's per-process hash()",
        "src/entitykit/normalize.py",
        'return "x" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]',
        'return "x" + format(hash(text) & 0xFFFFFFFFFF, "010x")',
        ("tests/test_normalize.py::test_slugs_are_the_same_in_another_process_with_another_hash_seed",),
    ),
]


def copy_tree(target: Path) -> None:
    for name in COPY:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=IGNORE)
        elif source.is_file():
            shutil.copy2(source, target / name)


def apply(mutant: Mutant, tree: Path) -> None:
    path = tree / mutant.file
    text = path.read_text(encoding="utf-8")
    found = text.count(mutant.old)
    if found != 1:
        raise SystemExit(
            f"mutant {mutant.id}: the 'old' snippet occurs {found} times in {mutant.file} (expected once); "
            f"update the table in tests/mutants.py:\n{mutant.old}"
        )
    path.write_text(text.replace(mutant.old, mutant.new), encoding="utf-8")


def run_tests(tree: Path, tests: tuple[str, ...]) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(tree / "src"), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
        cwd=tree, env=env, capture_output=True, text=True,
    )


def check_table() -> None:
    """Every snippet must still be found exactly once before anything runs."""
    for mutant in MUTANTS:
        text = (ROOT / mutant.file).read_text(encoding="utf-8")
        found = text.count(mutant.old)
        if found != 1:
            print(f"mutant {mutant.id}: 'old' snippet found {found} times in {mutant.file} (expected once)")
            raise SystemExit(2)


def main(argv: list[str]) -> int:
    if "--list" in argv:
        for mutant in MUTANTS:
            print(f"{mutant.id:>3}  {mutant.file}  {mutant.description}\n     caught by: {', '.join(mutant.tests)}")
        return 0
    wanted = {int(arg) for arg in argv if arg.isdigit()}
    chosen = [mutant for mutant in MUTANTS if not wanted or mutant.id in wanted]
    check_table()
    all_tests = tuple(dict.fromkeys(test for mutant in chosen for test in mutant.tests))
    with tempfile.TemporaryDirectory(prefix="entitykit-baseline-") as tmp:
        tree = Path(tmp)
        copy_tree(tree)
        baseline = run_tests(tree, all_tests)
        if baseline.returncode != 0:
            print("baseline: the tests fail without any mutant; fix them first\n" + baseline.stdout[-3000:])
            return 1
    print(f"baseline: {len(all_tests)} test selections pass on the unmutated code")
    survived = []
    for mutant in chosen:
        with tempfile.TemporaryDirectory(prefix=f"entitykit-mutant-{mutant.id}-") as tmp:
            tree = Path(tmp)
            copy_tree(tree)
            apply(mutant, tree)
            result = run_tests(tree, mutant.tests)
        caught = result.returncode == 1  # tests failed; 2-5 are pytest usage or collection errors
        if result.returncode not in (0, 1):
            print(f"mutant {mutant.id}: pytest exited {result.returncode}\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
        failed = next((line for line in result.stdout.splitlines() if line.startswith("FAILED")), "")
        verdict = "caught  " if caught else "SURVIVED"
        print(f"{verdict} {mutant.id:>2}  {mutant.description}")
        if failed:
            print(f"            by {failed.removeprefix('FAILED ')[:150]}")
        if not caught:
            survived.append(mutant)
    print(f"\n{len(chosen) - len(survived)} of {len(chosen)} mutants caught")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
