"""The optional extras give a user what their README section promises (issue 11, item 14)."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import pyproject

ROOT = Path(__file__).resolve().parents[1]


def extra(name: str) -> set[str]:
    project = pyproject()["project"]
    return {re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower() for requirement in project["optional-dependencies"][name]}


def test_the_notebook_extra_opens_and_runs_the_notebook():
    packages = extra("notebook")
    assert packages & {"jupyterlab", "notebook"}, "a Jupyter front end to open notebooks/explore.ipynb"
    assert "nbconvert" in packages and "ipykernel" in packages  # run it from the shell, in a kernel
    assert {"pandas", "matplotlib", "networkx"} <= packages  # what entitykit.viz imports


def test_the_readme_says_how_to_open_the_notebook():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Notebooks", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"jupyter (lab|notebook) notebooks/explore\.ipynb", section)
    assert "jupyter nbconvert" in section and "--execute notebooks/explore.ipynb" in section
