"""What crosses the resolver's boundary: a :class:`Mention` in, a :class:`Resolution` out.

The method names say how an entity was decided; ``new`` and ``cluster`` name no registry
entity, so their ids are final only once unknown forms are clustered
(:mod:`entitykit.clustering`).

>>> Resolution("loc:minsk", "Minsk", "LOC", 100.0, "exact", "Minsk").method in METHODS
True
"""

from __future__ import annotations

from typing import Literal, NamedTuple, get_args

from .aliases import LABELS
from .errors import InputError
from .normalize import normalize, slugify

__all__ = ["Mention", "Resolution", "Candidate", "Method", "METHODS", "UNREGISTERED_PREFIXES", "new_entity_id", "check_mention"]

# Ids of entities no registry lists: unknown names (``new:per:…``) and places the gazetteer
# knows (``geonames:702550``, ``wikidata:Q5118``, ``iso:DE-BY``).
UNREGISTERED_PREFIXES = ("new:", "geonames:", "wikidata:", "iso:")

Method = Literal["exact", "alias", "fuzzy", "acronym", "translit", "gazetteer", "coref", "cluster", "new"]
METHODS: tuple[str, ...] = get_args(Method)


class Mention(NamedTuple):
    """A mention to resolve. Mentions sharing ``doc`` get in-document coreference."""

    text: str
    label: str  # PER | ORG | LOC | MISC
    doc: str | None = None
    context: str | None = None


class Resolution(NamedTuple):
    """The decision for one mention; ``score`` is 0-100, ``method`` one of :data:`METHODS`."""

    entity_id: str
    canonical: str
    label: str
    score: float
    method: Method
    matched: str | None  # the alias / variant that decided it


class Candidate(NamedTuple):
    """One entity considered for a mention, with why it was or was not accepted (for ``explain``)."""

    entity_id: str
    canonical: str
    label: str
    score: float  # 0-100
    method: Method
    matched: str  # the registry spelling compared
    accepted: bool
    reason: str


def new_entity_id(text: str, label: str) -> str:
    """The deterministic id of an entity that is in no registry: ``new:<label>:<slug>``.

    >>> new_entity_id("Imangali Tasmagambetow", "PER")
    'new:per:imangali-tasmagambetow'
    """
    return f"new:{label.lower()}:{slugify(text)}"


def check_mention(text: object, label: str, where: str = "") -> None:
    """Raise :class:`~entitykit.errors.InputError` for an unknown label or a text with no name in it.

    >>> check_mention("Minsk", "CITY")
    Traceback (most recent call last):
    ...
    entitykit.errors.InputError: unknown label 'CITY'; use one of PER, ORG, LOC, MISC
    """
    if label not in LABELS:
        raise InputError(f"{where}unknown label {label!r}; use one of {', '.join(LABELS)}")
    if not isinstance(text, str):
        raise InputError(f"{where}mention text must be a string, got {type(text).__name__}")
    if not text.strip():
        raise InputError(f"{where}mention text is empty")
    if not normalize(text):
        raise InputError(f"{where}mention text {text!r} has no letters or digits")
