"""Run the ``>>>`` examples in every entitykit module's docstrings against the installed package."""

import doctest
import importlib
import pkgutil

import pytest

import entitykit

# ner_model needs spaCy's registry and is exercised by the model tests; cli is covered by CLI tests.
MODULES = sorted(
    info.name
    for info in pkgutil.iter_modules(entitykit.__path__, "entitykit.")
    if info.name not in {"entitykit.__main__"}
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
