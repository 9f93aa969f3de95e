"""Run the ``>>>`` examples in every entitykit module's docstrings against the installed package.

A module without examples is not "run" (doctest would attempt nothing and pass): it must be
listed in ``WITHOUT_EXAMPLES`` with the reason, and the list is checked against the package.
"""

import doctest
import importlib
import pkgutil

import pytest

import entitykit

WITHOUT_EXAMPLES = {
    "entitykit.__main__": "runs the CLI on import",
    "entitykit.errors": "exception classes only",
}
ALL_MODULES = sorted(info.name for info in pkgutil.iter_modules(entitykit.__path__, "entitykit."))
MODULES = [name for name in ALL_MODULES if name not in WITHOUT_EXAMPLES]


def examples_in(name: str) -> int:
    module = importlib.import_module(name)
    return sum(len(test.examples) for test in doctest.DocTestFinder().find(module))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no >>> examples: add some, or list it in WITHOUT_EXAMPLES"
    assert result.failed == 0, f"{result.failed} of {result.attempted} doctest(s) failed in {name}"


def test_the_modules_without_examples_are_exactly_the_listed_ones():
    assert set(WITHOUT_EXAMPLES) <= set(ALL_MODULES), "WITHOUT_EXAMPLES names a module that no longer exists"
    listed_with_examples = [name for name in WITHOUT_EXAMPLES if name != "entitykit.__main__" and examples_in(name)]
    assert listed_with_examples == [], "these modules have examples now: remove them from WITHOUT_EXAMPLES"
