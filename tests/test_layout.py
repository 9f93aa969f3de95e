"""What each part of the package may import (DESIGN.md), checked on the source, imports inside
functions included, and by importing the light modules in a fresh interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import entitykit

PACKAGE = Path(entitykit.__file__).resolve().parent
# The resolver's parts: pure Python and RapidFuzz, usable without spaCy.
RESOLVER_PARTS = ("names", "blocking", "mentions", "coref", "clustering", "resolver", "namelists", "knowledge")
# What a batch run loads: no plotting, no notebook helpers.
BATCH_PARTS = ("corpus", "inputs", "runstate", "workers", "export", "curation")


def imports_of(module: str) -> set[str]:
    """Every module ``entitykit.<module>`` imports anywhere in its source, as absolute names."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # from .x import y / from . import y
                base = "entitykit" + (f".{node.module}" if node.module else "")
                found.update({base} if node.module else {f"entitykit.{alias.name}" for alias in node.names})
            elif node.module:
                found.add(node.module)
    return found


def top(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


@pytest.mark.parametrize("module", RESOLVER_PARTS)
def test_the_resolver_parts_never_import_spacy_or_the_runner(module):
    imported = imports_of(module)
    assert "spacy" not in top(imported) and "thinc" not in top(imported)
    assert not imported & {"entitykit.pipeline", "entitykit.corpus", "entitykit.cli", "entitykit.viz"}


@pytest.mark.parametrize("module", BATCH_PARTS)
def test_batch_runs_never_import_plotting(module):
    imported = imports_of(module)
    assert not top(imported) & {"matplotlib", "networkx", "IPython", "pandas"}
    assert "entitykit.viz" not in imported and "entitykit.cli" not in imported


def test_the_library_never_imports_the_cli():
    importers = sorted(path.stem for path in PACKAGE.glob("*.py") if "entitykit.cli" in imports_of(path.stem))
    assert importers == ["__main__"]


def test_light_modules_load_without_spacy():
    code = (
        "import sys, entitykit.resolver, entitykit.namelists, entitykit.inputs, entitykit.runstate;"
        "print(sorted(m for m in ('spacy', 'thinc', 'pandas', 'pyarrow') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
