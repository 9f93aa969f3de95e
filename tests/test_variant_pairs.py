"""Every row of tests/fixtures/variant_pairs.tsv through the Resolver.

``same=1`` rows must merge: without any registry when ``needs_registry=0`` (and with the
default registry too), with the default registry when ``needs_registry=1``. ``same=0`` rows
(hard negatives) must stay apart with and without the registry, each side keeping the entity
it has on its own (its registry entity, or its own new id). The two names are two mentions in
two different documents, so only registry matching and clustering can join them. A resolver
that never merges anything fails the table (``test_the_checks_fail_a_resolver_that_never_merges``).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from conftest import in_two_documents

from entitykit.normalize import display_form
from entitykit.resolver import Resolution, Resolver, new_entity_id

PAIRS_FILE = Path(__file__).resolve().parent / "fixtures" / "variant_pairs.tsv"


def read_pairs() -> list:
    if not PAIRS_FILE.is_file():
        return []
    with PAIRS_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        pytest.param(row, id=f"{number + 2}:{row['left']}|{row['right']}|{'same' if row['same'] == '1' else 'apart'}")
        for number, row in enumerate(rows)
    ]


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
            alone = resolver.resolve(row[side], row["label"])
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
            count += not left.entity_id.startswith("new:") and not right.entity_id.startswith("new:")
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
