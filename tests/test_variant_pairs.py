"""Every row of tests/fixtures/variant_pairs.tsv through the Resolver.

``same=1`` rows must merge: without any registry when ``needs_registry=0`` (and with the
default registry too), with the default registry when ``needs_registry=1``. ``same=0`` rows
(hard negatives) must stay apart with and without the registry. The two names are two
mentions in two different documents, so only registry matching and clustering can join them.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from entitykit.aliases import default_registry
from entitykit.resolver import Mention, Resolver

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


@pytest.fixture(scope="module")
def with_registry() -> Resolver:
    return Resolver(default_registry())


@pytest.fixture(scope="module")
def without_registry() -> Resolver:
    return Resolver()


def merged(resolver: Resolver, row: dict) -> bool:
    left, right = resolver.resolve_mentions(
        [Mention(row["left"], row["label"], doc="left"), Mention(row["right"], row["label"], doc="right")]
    )
    return left.entity_id == right.entity_id


@pytest.mark.parametrize("row", PAIRS)
def test_variant_pair(row, with_registry, without_registry):
    same = row["same"] == "1"
    if same:
        if row["needs_registry"] == "0":
            assert merged(without_registry, row), f"should merge without registry ({row['kind']}: {row['note']})"
        assert merged(with_registry, row), f"should merge with the default registry ({row['kind']}: {row['note']})"
    else:
        assert not merged(without_registry, row), f"wrong merge without registry ({row['kind']}: {row['note']})"
        assert not merged(with_registry, row), f"wrong merge with the default registry ({row['kind']}: {row['note']})"


def test_table_is_big_enough():
    assert len(PAIRS) >= 150
