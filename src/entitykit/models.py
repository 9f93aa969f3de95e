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

logger = logging.getLogger(__name__)  # "entitykit.models": the CLI shows its INFO lines

PREFERRED_MODEL = "de_core_news_md"
BUNDLED_MODEL = "de_entitykit_ner"
INSTALL_HINT = (
    "install a German pipeline with spaCy's own command, e.g. "
    "'python -m spacy download de_core_news_md' (not 'pip install de-core-news-md': "
    "that PyPI name is a stub), or pass the path of a pipeline directory"
)


BUNDLED_HINT = (
    f"to use the pipeline bundled with entitykit instead, pass --model {BUNDLED_MODEL} "
    f"(in Python: entitykit.load({BUNDLED_MODEL!r}))"
)

# Components of spaCy's German pipelines whose output entitykit never reads (tags, morphology,
# lemmas, the parse): left out when a pipeline is loaded. The parser stays when it is the only
# sentence boundary source (NER never crosses a sentence boundary).
UNUSED_FACTORIES = frozenset(
    {"tagger", "morphologizer", "lemmatizer", "trainable_lemmatizer", "attribute_ruler", "textcat", "textcat_multilabel"}
)
EMBEDDING_FACTORIES = frozenset({"tok2vec", "transformer", "curated_transformer"})


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


def _config_path(source: str, target: str | Path) -> Path | None:
    """The ``config.cfg`` of a pipeline directory or of an installed pipeline package."""
    if source != "package":
        return Path(target) / "config.cfg"
    import spacy.util

    try:
        folder = spacy.util.get_package_path(str(target))
    except Exception:  # a broken install: spacy.load() below says what is wrong
        return None
    return next(iter(sorted(folder.glob("*/config.cfg"))), folder / "config.cfg")


def unused_components(config: dict) -> list[str]:
    """Components of a pipeline config that NER and entitykit's components do not need.

    Kept: ``ner``, one sentence boundary source (``senter``, else ``parser``), any component
    that does not only annotate tags, lemmas or the parse, and the embedding components
    (``tok2vec``, ``transformer``) that a kept component listens to.

    >>> config = {"nlp": {"pipeline": ["tok2vec", "tagger", "parser", "lemmatizer", "senter", "ner"]},
    ...           "components": {"tok2vec": {"factory": "tok2vec"}, "tagger": {"factory": "tagger"},
    ...                          "parser": {"factory": "parser"}, "lemmatizer": {"factory": "lemmatizer"},
    ...                          "senter": {"factory": "senter"},
    ...                          "ner": {"factory": "ner", "model": {"tok2vec": {"upstream": "tok2vec"}}}}}
    >>> unused_components(config)
    ['tagger', 'parser', 'lemmatizer']
    """
    names = list(config["nlp"]["pipeline"])
    components = config.get("components", {})
    factories = {name: components.get(name, {}).get("factory", name) for name in names}
    unused = {name for name, factory in factories.items() if factory in UNUSED_FACTORIES}
    if "senter" in factories.values():
        unused |= {name for name, factory in factories.items() if factory == "parser"}
    kept = [name for name in names if name not in unused and factories[name] not in EMBEDDING_FACTORIES]
    upstreams = {upstream for name in kept for upstream in _listened_to(components.get(name, {}))}
    for name in names:
        if factories[name] in EMBEDDING_FACTORIES and "*" not in upstreams and name not in upstreams:
            unused.add(name)
    return [name for name in names if name in unused]


def _listened_to(node: Any) -> set[str]:
    """The ``upstream`` names of the listener layers anywhere in a component's config."""
    found: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("upstream"), str):
            found.add(node["upstream"])
        for value in node.values():
            found |= _listened_to(value)
    return found


def load_pipeline(model: str | Path | ModelChoice | None = None, *, exclude: list[str] | None = None, **kwargs: Any):
    """Load a German spaCy pipeline as entitykit runs it (see :func:`resolve_model`; a
    :class:`ModelChoice` is taken as decided) and record which one in ``nlp.meta["entitykit"]``.

    Only what NER needs is loaded: components that only add tags, morphology, lemmas or the
    parse (``tagger``, ``morphologizer``, ``lemmatizer``, ``attribute_ruler``, the ``parser``
    when a ``senter`` can take its place; :func:`unused_components`) are excluded, which about
    halves the time of ``de_core_news_md``. A ``senter`` disabled in the package is enabled, and
    a pipeline without a sentence boundary source gets a ``sentencizer`` first, since NER never
    crosses a sentence boundary (:mod:`entitykit.sentences`: spaCy's, without its splits after
    an abbreviation written apart from its full stop, before a word in lower case and after a
    German opening quote). ``exclude`` (a list, ``[]`` for the whole pipeline) replaces that
    choice. Extra keyword arguments go to :func:`spacy.load`.
    """
    import spacy

    source, target = model if isinstance(model, ModelChoice) else resolve_model(model)
    left_out: list[str] = []
    if exclude is None:
        config_path = _config_path(source, target)
        if config_path is not None and config_path.is_file():
            try:
                left_out = unused_components(spacy.util.load_config(config_path, interpolate=False))
            except Exception:  # an unreadable config: spacy.load() below reports it
                left_out = []
    try:
        nlp = spacy.load(target, exclude=left_out if exclude is None else exclude, **kwargs)
    except (OSError, ValueError, KeyError, ImportError, AttributeError) as error:
        # the first line that says something (a garbled config.cfg's message starts with two blank lines)
        reason = next((line.strip() for line in str(error).splitlines() if line.strip()), type(error).__name__)
        hint = "" if source == "bundled" else f"; {BUNDLED_HINT}"
        raise ModelNotFoundError(f"could not load the pipeline {str(target)!r}: {reason}{hint}") from error
    if nlp.lang != "de":
        logger.warning("pipeline %s is for language %r, not German", target, nlp.lang)
    if "ner" not in nlp.pipe_names:
        raise ModelNotFoundError(
            f"the pipeline {str(target)!r} has no 'ner' component; entitykit needs a pipeline "
            f"that finds named entities; {INSTALL_HINT}"
        )
    if "senter" in nlp.disabled and not nlp.has_pipe("parser"):
        nlp.enable_pipe("senter")
    if not any(nlp.has_pipe(name) for name in ("parser", "senter", "sentencizer")):
        from .sentences import FACTORY  # registers the factory

        nlp.add_pipe(FACTORY, name="sentencizer", first=True)
    multiply_with_numpy(nlp)
    name = f"{nlp.meta.get('lang', 'de')}_{nlp.meta.get('name', '?')}"
    nlp.meta["entitykit"] = {"model": name, "source": source, "location": str(target), "excluded": left_out}
    logger.info("entitykit: using %s pipeline %s (%s)", source, name, target)
    if left_out:
        logger.info("entitykit: left out %s (not needed for NER; load(..., exclude=[]) keeps them)", ", ".join(left_out))
    return nlp


def multiply_with_numpy(nlp) -> None:
    """Let numpy's BLAS do the matrix products of ``nlp``'s networks instead of BLIS, thinc's
    default on the CPU: the same products (the same entities on all of GermEval dev), about
    twice the words per second where BLIS lacks kernels for the processor (AVX-512 ones;
    ``benchmarks/ner_speed.py --blis`` times the two side by side). Layers on another
    backend (a GPU, Apple's) are left alone."""
    _numpy_ops(nlp, use_blis=False)


def multiply_with_blis(nlp) -> None:
    """Undo :func:`multiply_with_numpy`: thinc's BLIS does the products again (a baseline)."""
    _numpy_ops(nlp, use_blis=True)


def _numpy_ops(nlp, *, use_blis: bool) -> None:
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=use_blis)
    for _name, component in nlp.components:
        model = getattr(component, "model", None)
        if not hasattr(model, "walk"):
            continue
        for layer in model.walk():
            if type(layer.ops) is NumpyOps:
                layer.ops = ops


def describe(model: str | Path | None = None, *, nlp: Any = None) -> dict[str, str]:
    """A short, printable description of the pipeline entitykit would use (or of ``nlp``, a
    pipeline loaded by :func:`load_pipeline` or :func:`entitykit.load`)."""
    import spacy

    if nlp is None:
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
