"""notebooks/explore.ipynb runs top to bottom in a fresh kernel of this interpreter, and the
committed copy carries the outputs a reader sees on a code host."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "explore.ipynb"


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def outputs(cells, mime):
    return [output["data"][mime] for cell in cells for output in cell.outputs if mime in output.get("data", {})]


@pytest.fixture(scope="module")
def committed():
    nbformat = pytest.importorskip("nbformat")
    return nbformat.read(NOTEBOOK, as_version=4)


@pytest.fixture(scope="module")
def runner():
    """notebooks/execute.py, the script that also re-executes and saves the notebook."""
    pytest.importorskip("nbclient")
    spec = importlib.util.spec_from_file_location("notebook_execute", NOTEBOOK.parent / "execute.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def executed(runner, bundled_nlp):
    """The notebook executed now, in notebooks/, with a python3 kernel of ``sys.executable``."""
    return runner.execute(NOTEBOOK)  # raises CellExecutionError, naming the cell, on the first error


def test_the_kernel_runs_on_this_interpreter(runner):
    assert runner.kernel_manager().kernel_spec.argv[0] == sys.executable


@pytest.mark.slow
def test_notebook_runs_without_error(executed):
    cells = code_cells(executed)
    assert not [o for cell in cells for o in cell.outputs if o.output_type == "error"]
    assert all(cell.execution_count for cell in cells)


@pytest.mark.slow
def test_notebook_shows_canonical_entities_tables_and_two_plots(executed):
    cells = code_cells(executed)
    html = "\n".join(outputs(cells, "text/html"))
    assert "PER · Alexander Wolfowitsch" in html  # the rendered reference article
    assert "Wolfowutsch" in html and "OVKAS" in html
    assert "<table" in html  # DataFrames: mentions, variants, entities
    assert len(outputs(cells, "image/png")) >= 2  # top entities and co-occurrence network


def test_committed_notebook_has_outputs_from_one_run_top_to_bottom(committed):
    cells = code_cells(committed)
    assert cells, "the notebook has no code cells"
    assert [cell.execution_count for cell in cells] == list(range(1, len(cells) + 1)), (
        "execute the notebook from top to bottom and save it with its outputs"
    )
    assert not [o for cell in cells for o in cell.outputs if o.output_type == "error"]
    assert outputs(cells, "image/png") and "PER · " in "\n".join(outputs(cells, "text/html"))
