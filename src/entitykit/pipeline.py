"""``entitykit.load()`` and the spaCy components that give each entity its canonical id.

This module is named by the ``spacy_factories`` entry point, so spaCy imports it whenever it
builds a pipeline: keep imports here light (rapidfuzz and friends inside functions).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .models import load_pipeline


def load(
    model: str | Path | None = None,
    *,
    aliases: Iterable[str | Path] = (),
    default_aliases: bool = True,
    **kwargs: Any,
):
    """Load a German pipeline that finds PER, ORG, LOC and MISC entities.

    ``model`` is an installed spaCy package (``"de_core_news_md"``) or a pipeline directory;
    by default ``de_core_news_md`` when installed, else the pipeline bundled with entitykit.
    Which one was chosen is in ``nlp.meta["entitykit"]``. Extra keyword arguments go to
    :func:`spacy.load` (e.g. ``exclude=["parser"]``).
    """
    nlp = load_pipeline(model, **kwargs)
    if not nlp.has_pipe("parser") and not nlp.has_pipe("senter") and not nlp.has_pipe("sentencizer"):
        nlp.add_pipe("sentencizer", first=True)
    return nlp
