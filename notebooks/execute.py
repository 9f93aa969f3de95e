"""Run a notebook top to bottom in a fresh kernel of this interpreter, in the notebook's folder.

    python notebooks/execute.py                      # re-execute explore.ipynb and save its outputs
    python notebooks/execute.py other.ipynb --check  # execute only; exit 1 on the first error

The committed notebooks carry their outputs so they read well on a code host: re-run this
after changing a notebook, the bundled model or the default registry. tests/test_notebook.py
uses :func:`execute`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def kernel_manager():
    """A manager for a ``python3`` kernel of this interpreter: only ipykernel's own spec is
    searched, so a user-wide "python3" kernel of another Python is never picked."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    return KernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[]))


def execute(path: Path, *, timeout: int = 600):
    """Execute the notebook at ``path`` and return it with its outputs (nothing is written).

    Raises ``nbclient.exceptions.CellExecutionError`` naming the cell on the first error.
    """
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        km=kernel_manager(),
        timeout=timeout,
        record_timing=False,  # no timestamps in the saved file
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return notebook


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", nargs="?", type=Path, default=HERE / "explore.ipynb")
    parser.add_argument("--check", action="store_true", help="execute without saving")
    args = parser.parse_args()
    import nbformat
    from nbclient.exceptions import CellExecutionError

    try:
        notebook = execute(args.notebook.resolve())
    except CellExecutionError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
    if not args.check:
        nbformat.write(notebook, args.notebook)
        print(f"saved {args.notebook} with outputs")


if __name__ == "__main__":
    main()
