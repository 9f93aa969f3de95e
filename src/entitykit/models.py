"""Finding a German spaCy pipeline: an explicit name or path, else ``de_core_news_md``, else
the pipeline bundled with entitykit.

``de_core_news_md`` is never a pip dependency: the name on PyPI is a dependency-confusion stub.
Users install it from spaCy's own release with ``python -m spacy download de_core_news_md``.

>>> bundled_model_path().name
'de_entitykit_ner'
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from .errors import ModelNotFoundError

logger = logging.getLogger("entitykit")

PREFERRED_MODEL = "de_core_news_md"
BUNDLED_MODEL = "de_entitykit_ner"
INSTALL_HINT = (
    "install a German pipeline with spaCy's own command, e.g. "
    "'python -m spacy download de_core_news_md' (not 'pip install de-core-news-md': "
    "that PyPI name is a stub), or pass the path of a pipeline directory"
)


def bundled_model_path() -> Path:
    """Path of the German NER pipeline that ships inside the entitykit package."""
    return Path(str(resources.files("entitykit"))) / "data" / BUNDLED_MODEL


class ModelChoice(NamedTuple):
    """Which pipeline to load: ``source`` is ``"bundled"``, ``"package"`` or ``"path"``."""

    source: str
    target: str | Path  # a package name or a pipeline directory


def resolve_model(model: str | Path | None = None) -> ModelChoice:
    """Decide which pipeline to load, without loading it.

    Returns ``(source, name_or_path)`` where ``source`` is ``"bundled"``, ``"package"`` or
    ``"path"``. Raises :class:`ModelNotFoundError` naming what was tried.

    >>> resolve_model(bundled_model_path())[0]
    'path'
    """
    import spacy.util

    if model is None:
        if spacy.util.is_package(PREFERRED_MODEL):
            return ModelChoice("package", PREFERRED_MODEL)
        path = bundled_model_path()
        if not (path / "config.cfg").is_file():
            raise ModelNotFoundError(
                f"the bundled pipeline is missing from {path} and {PREFERRED_MODEL} is not "
                f"installed; reinstall entitykit or {INSTALL_HINT}"
            )
        return ModelChoice("bundled", path)
    if isinstance(model, Path) or any(sep in str(model) for sep in ("/", "\\")) or Path(model).exists():
        path = Path(model).expanduser()
        if not path.exists():
            raise ModelNotFoundError(f"model path {str(model)!r} does not exist; {INSTALL_HINT}")
        if not (path / "config.cfg").is_file():
            raise ModelNotFoundError(
                f"{str(model)!r} is not a spaCy pipeline directory (no config.cfg in it); "
                "give the folder that nlp.to_disk() wrote, or an installed package name"
            )
        return ModelChoice("path", path)
    if model == BUNDLED_MODEL:
        return ModelChoice("bundled", bundled_model_path())
    if spacy.util.is_package(model):
        return ModelChoice("package", model)
    raise ModelNotFoundError(
        f"no spaCy pipeline named {model!r}: tried an installed package and a directory "
        f"of that name; {INSTALL_HINT}"
    )


def load_pipeline(model: str | Path | ModelChoice | None = None, **kwargs: Any):
    """Load a German spaCy pipeline (see :func:`resolve_model`; a :class:`ModelChoice` is taken
    as decided) and record which one in ``nlp.meta["entitykit"]``. Extra keyword arguments go
    to :func:`spacy.load`.
    """
    import spacy

    source, target = model if isinstance(model, ModelChoice) else resolve_model(model)
    try:
        nlp = spacy.load(target, **kwargs)
    except (OSError, ValueError, KeyError) as error:
        reason = str(error).splitlines()[0]
        raise ModelNotFoundError(f"could not load the pipeline {str(target)!r}: {reason}") from error
    if nlp.lang != "de":
        logger.warning("pipeline %s is for language %r, not German", target, nlp.lang)
    if "ner" not in nlp.pipe_names:
        raise ModelNotFoundError(
            f"the pipeline {str(target)!r} has no 'ner' component; entitykit needs a pipeline "
            f"that finds named entities; {INSTALL_HINT}"
        )
    name = f"{nlp.meta.get('lang', 'de')}_{nlp.meta.get('name', '?')}"
    nlp.meta["entitykit"] = {"model": name, "source": source, "location": str(target)}
    logger.info("entitykit: using %s pipeline %s (%s)", source, name, target)
    return nlp


def describe(model: str | Path | None = None) -> dict[str, str]:
    """A short, printable description of the pipeline entitykit would use."""
    import spacy

    nlp = load_pipeline(model)
    meta = nlp.meta
    info = {
        "model": meta["entitykit"]["model"],
        "version": meta.get("version", "?"),
        "source": meta["entitykit"]["source"],
        "location": meta["entitykit"]["location"],
        "spacy": spacy.__version__,
        "pipeline": ", ".join(nlp.pipe_names),
        "labels": ", ".join(nlp.get_pipe("ner").labels),
    }
    sources = meta.get("sources") or []
    if sources:
        info["data"] = "; ".join(f"{s.get('name')} ({s.get('license', '?')})" for s in sources)
    performance = meta.get("performance") or {}
    if "germeval_dev" in performance:
        scores = performance["germeval_dev"]
        info["dev scores"] = f"GermEval 2014 dev PER/ORG/LOC P {scores['p']:.3f} R {scores['r']:.3f} F {scores['f']:.3f}"
    return info
