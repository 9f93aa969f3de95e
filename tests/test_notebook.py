"""notebooks/explore.ipynb runs top to bottom in a fresh kernel of this interpreter, and the
committed copy carries the outputs a reader sees on a code host."""

from __future__ import annotations

import copy
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
def executed(committed, bundled_nlp):
    """The notebook executed now, in notebooks/, with a python3 kernel of ``sys.executable``."""
    pytest.importorskip("nbclient")
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    # Only ipykernel's own spec: the kernel runs on this interpreter, not a user-wide "python3".
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[]))
    assert manager.kernel_spec.argv[0] == sys.executable
    notebook = copy.deepcopy(committed)
    client = NotebookClient(
        notebook,
        km=manager,
        timeout=600,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, on the first error
    return notebook


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
