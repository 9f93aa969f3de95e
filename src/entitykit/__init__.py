"""entitykit: find persons, organisations and places in German text and merge their spellings.

>>> import entitykit
>>> entitykit.__version__
'0.1.0'

The heavy parts load on first use; ``dir()`` (and so tab completion) lists them all the same:

>>> {"load", "extract", "run_corpus", "AliasRegistry", "Resolver"} <= set(dir(entitykit))
True
"""

from __future__ import annotations

import logging
from typing import Any

__version__ = "0.1.0"
__all__ = ["EntitykitError", "load", "__version__", "extract", "run_corpus", "AliasRegistry", "Resolver"]

from .errors import EntitykitError

logging.getLogger("entitykit").addHandler(logging.NullHandler())

# Heavy modules (spaCy, rapidfuzz) load on first use, not at `import entitykit`.
_LAZY = {
    "load": ("pipeline", "load"),
    "extract": ("corpus", "extract"),
    "run_corpus": ("corpus", "run_corpus"),
    "AliasRegistry": ("aliases", "AliasRegistry"),
    "Resolver": ("resolver", "Resolver"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        module, attribute = _LAZY[name]
        return getattr(import_module(f".{module}", __name__), attribute)
    raise AttributeError(f"module 'entitykit' has no attribute {name!r}")


def __dir__() -> list[str]:
    # the lazy names too, for dir(entitykit) and tab completion, without importing them
    return sorted({*globals(), *_LAZY})
