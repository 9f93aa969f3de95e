"""Every row of tests/fixtures/variant_pairs.tsv through the Resolver.

``same=1`` rows must merge: without any registry when ``needs_registry=0`` (and with the
default registry too), with the default registry when ``needs_registry=1``. ``same=0`` rows
(hard negatives) must stay apart with and without the registry, each side keeping the entity
it has on its own (its registry entity, or its own new id). The two names are two mentions in
two different documents, so only registry matching and clustering can join them. A resolver
that never merges anything fails the table (``test_the_checks_fail_a_resolver_that_never_merges``).

Rows the resolver gets wrong today are listed in tests/fixtures/variant_pairs_misses.tsv with
what they need (a gazetteer name, a head-noun rule, ...): they run as strict xfails, so the
change that fixes one fails its test until the row leaves the list. After merging a rule,
``python tests/test_variant_pairs.py`` says which listed rows pass now and which failing rows
are not listed; ``--write`` drops the passing ones from the list (it never adds a row).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from conftest import in_two_documents

from entitykit.mentions import UNREGISTERED_PREFIXES
from entitykit.normalize import display_form
from entitykit.resolver import Resolution, Resolver, new_entity_id

PAIRS_FILE = Path(__file__).resolve().parent / "fixtures" / "variant_pairs.tsv"
MISSES_FILE = Path(__file__).resolve().parent / "fixtures" / "variant_pairs_misses.tsv"


def read_tsv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def row_key(row: dict) -> tuple[str, str, str]:
    return row["left"], row["right"], row["label"]


def read_misses() -> dict[tuple[str, str, str], dict[str, str]]:
    """The known misses (and known wrong merges) by (left, right, label)."""
    return {row_key(row): row for row in read_tsv(MISSES_FILE)}


def read_pairs() -> list:
    misses = read_misses()
    params = []
    for number, row in enumerate(read_tsv(PAIRS_FILE)):
        miss = misses.get(row_key(row))
        why = f"known miss, needs {miss['needs']}: {miss['note']}" if miss else ""
        marks = [pytest.mark.xfail(strict=True, reason=why)] if miss else []
        name = f"{number + 2}:{row['left']}|{row['right']}|{'same' if row['same'] == '1' else 'apart'}"
        params.append(pytest.param(row, id=name, marks=marks))
    return params


PAIRS = read_pairs()
pytestmark = pytest.mark.skipif(not PAIRS, reason="tests/fixtures/variant_pairs.tsv not written yet")


def pair(resolver: Resolver, row: dict) -> tuple[Resolution, Resolution]:
    return in_two_documents(resolver, row["left"], row["right"], row["label"])


def merged(resolver: Resolver, row: dict) -> bool:
    left, right = pair(resolver, row)
    return left.entity_id == right.entity_id


def problems(row: dict, with_registry: Resolver, without_registry: Resolver) -> list[str]:
    """What is wrong with how the resolvers handle one row (empty: all right)."""
    why = f"({row['kind']}: {row['note']})"
    found = []
    if row["same"] == "1":
        if row["needs_registry"] == "0" and not merged(without_registry, row):
            found.append(f"should merge without registry {why}")
        if not merged(with_registry, row):
            found.append(f"should merge with the default registry {why}")
        return found
    for name, resolver in (("without registry", without_registry), ("with the default registry", with_registry)):
        left, right = pair(resolver, row)
        if left.entity_id == right.entity_id:
            found.append(f"wrong merge {name} {why}")
        # kept apart, and each side is still what it is on its own: itself, or its registry entity
        for side, result in (("left", left), ("right", right)):
            alone = resolver.resolve_mentions([(row[side], row["label"])])[0]  # clustered too: a gazetteer id
            if result.entity_id != alone.entity_id:
                found.append(f"{name}: {row[side]!r} became {result.entity_id}, alone it is {alone.entity_id}")
    return found


def known_negatives(resolver: Resolver) -> int:
    """Hard-negative rows whose two sides both resolve to (two different) registry entities."""
    count = 0
    for param in PAIRS:
        row = param.values[0]
        if row["same"] == "0":
            left, right = pair(resolver, row)
            count += not left.entity_id.startswith(UNREGISTERED_PREFIXES) and not right.entity_id.startswith(UNREGISTERED_PREFIXES)
    return count


class AlwaysNew(Resolver):
    """A resolver that never matches or merges anything: every check above must catch it."""

    def resolve(self, text, label, *, context=None):
        canonical = display_form(text)
        return Resolution(new_entity_id(canonical, label), canonical, label, 100.0, "new", None)

    def resolve_mentions(self, mentions):
        return [self.resolve(m.text, m.label) for m in mentions]


@pytest.mark.parametrize("row", PAIRS)
def test_variant_pair(row, with_registry, without_registry):
    assert problems(row, with_registry, without_registry) == []


def test_hard_negatives_are_told_apart_by_the_registry_not_only_kept_apart(with_registry):
    # 71 of the 113 hard negatives are two registry entities (Minsk / Pinsk, Alijew father and son);
    # a resolver that leaves everything new would keep them apart without knowing either
    assert known_negatives(with_registry) >= 71


def test_the_checks_fail_a_resolver_that_never_merges():
    never = AlwaysNew()
    positives = [param.values[0] for param in PAIRS if param.values[0]["same"] == "1"]
    caught = [row for row in positives if problems(row, never, never)]
    # the rest differ only in script or punctuation (Putin / Путин, NATO / Nato): their slugs agree
    assert len(positives) >= 200 and len(caught) >= 0.8 * len(positives)
    assert known_negatives(never) == 0


def test_table_is_big_enough():
    assert len(PAIRS) >= 150


def test_every_listed_miss_runs_as_a_strict_xfail():
    # strict: the change that fixes a listed row fails its test until the row leaves the list
    marked = {row_key(p.values[0]) for p in PAIRS for mark in p.marks if mark.name == "xfail" and mark.kwargs["strict"]}
    assert marked == set(read_misses())


def check_misses(write: bool = False) -> int:
    """Print the listed rows that pass now and the failing rows that are not listed; with
    ``write``, drop the passing ones from the list. Returns how many rows still need a look."""
    from entitykit.aliases import default_registry

    with_registry, without_registry = Resolver(default_registry(), gazetteer=True), Resolver()
    misses = read_misses()
    fixed, unlisted = [], []
    for param in PAIRS:
        row = param.values[0]
        found = problems(row, with_registry, without_registry)
        if row_key(row) in misses and not found:
            fixed.append(row_key(row))
        elif row_key(row) not in misses and found:
            unlisted.append((row_key(row), found))
    for key in fixed:
        print("passes now, remove from the misses:", "\t".join(key))
    for key, found in unlisted:
        print("fails, not listed:", "\t".join(key), "--", "; ".join(found))
    if write and fixed:
        lines = MISSES_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if tuple(line.rstrip("\n").split("\t")[:3]) not in set(fixed)]
        MISSES_FILE.write_text("".join(kept), encoding="utf-8")
        print(f"{MISSES_FILE.name}: {len(fixed)} rows removed")
        fixed = []
    return len(fixed) + len(unlisted)


if __name__ == "__main__":
    sys.exit(1 if check_misses(write="--write" in sys.argv[1:]) else 0)
