"""The alias registry: canonical entities and the spellings they go by.

A registry is built from JSONL files (one entity per line) or from iterables of dicts::

    {"id": "per:alexander-lukaschenko", "label": "PER", "name": "Alexander Lukaschenko",
     "aliases": ["Lukaschenko", "Alexander Lukashenko", "Лукашенко"],
     "lang": "de", "wikidata": "Q26245", "note": "Präsident von Belarus"}

``id``, ``label`` (PER, ORG, LOC, MISC), ``name`` and ``aliases`` are required; ``lang``,
``wikidata``, ``note`` and ``short`` (a display name for plots, such as *OVKS*) are optional.
``evidence`` is accepted and ignored: ``entitykit aliases propose`` puts its review information
there (counts, spellings, a context; see :mod:`entitykit.curation`), so proposals load as they
are. Other fields are ignored with a warning.
Invalid records raise :class:`RegistryError` naming file and line. An alias claimed by two
entities is allowed; :attr:`AliasRegistry.ambiguous` lists such keys and
:meth:`AliasRegistry.lint` reports them.

>>> registry = AliasRegistry.from_sources([
...     {"id": "org:ovks", "label": "ORG", "name": "OVKS",
...      "aliases": ["Organisation des Vertrags über kollektive Sicherheit", "ODKB", "CSTO"]},
... ])
>>> registry.lookup("Organisation des Vertrags ueber kollektive Sicherheit")
('org:ovks',)
>>> registry["org:ovks"].name
'OVKS'
"""

from __future__ import annotations

import logging
import re
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, NamedTuple, Union, get_args

from .errors import RegistryError
from .normalize import normalize

logger = logging.getLogger("entitykit")

__all__ = [
    "LABELS",
    "Label",
    "Entity",
    "Problem",
    "Duplicate",
    "AliasRegistry",
    "build_registry",
    "check_files",
    "default_registry",
    "default_registry_paths",
]

Label = Literal["PER", "ORG", "LOC", "MISC"]
LABELS: tuple[Label, ...] = get_args(Label)  # the one home of the labels; import them from here
REQUIRED = ("id", "label", "name", "aliases")
OPTIONAL = ("lang", "wikidata", "note", "short")
IGNORED = ("evidence",)  # read and dropped without a warning: review notes of `aliases propose`
_ID = re.compile(r"^\S+$")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")
_WORDS = re.compile(r"[\s\-‐–]+")

Source = Union[str, Path, Iterable[Mapping[str, Any]]]


@dataclass(frozen=True, slots=True)
class Entity:
    """One canonical entity: its id, label, canonical name and other spellings.

    >>> Entity("loc:minsk", "LOC", "Minsk", ("Мінск", "Менск")).names
    ('Minsk', 'Мінск', 'Менск')
    """

    id: str
    label: Label
    name: str
    aliases: tuple[str, ...] = ()
    lang: str | None = None
    wikidata: str | None = None
    note: str | None = None
    short: str | None = None  # display name for plots, e.g. "OVKS"; one of the names
    source: str | None = field(default=None, compare=False)  # "file:line" it came from

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical name followed by the aliases."""
        return (self.name, *self.aliases)

    def to_record(self) -> dict[str, Any]:
        """This entity as a registry record, the inverse of reading one.

        >>> Entity("loc:minsk", "LOC", "Minsk", ("Мінск",)).to_record()
        {'id': 'loc:minsk', 'label': 'LOC', 'name': 'Minsk', 'aliases': ['Мінск']}
        >>> Entity("org:gus", "ORG", "Gemeinschaft Unabhängiger Staaten", ("GUS",), short="GUS").to_record()["short"]
        'GUS'
        """
        record: dict[str, Any] = {"id": self.id, "label": self.label, "name": self.name, "aliases": list(self.aliases)}
        record.update({key: value for key in OPTIONAL if (value := getattr(self, key))})
        return record


class Problem(NamedTuple):
    """One finding of :func:`check_files` / :meth:`AliasRegistry.lint`.

    >>> str(Problem("people.jsonl", 3, "error", "duplicate id 'per:x'"))
    "people.jsonl:3: error: duplicate id 'per:x'"
    """

    source: str
    line: int
    severity: str  # "error" | "warning"
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.severity}: {self.message}"


@lru_cache(maxsize=1)
def _long_word_pattern() -> re.Pattern:
    """A word of a normalised key that may be too long for typo variants: its skeleton has at
    most twice its letters (x -> ks), so one of over half of ``MAX_VARIANT_LENGTH`` letters.
    A quick test, so that the words of most keys are never parsed (a registry has 100,000s)."""
    # here, not at the top: blocking imports RapidFuzz, and spaCy imports this module whenever
    # it builds a pipeline
    from .blocking import MAX_VARIANT_LENGTH

    return re.compile(rf"[^ -]{{{MAX_VARIANT_LENGTH // 2 + 1},}}")


def _long_word(alias: str, key: str) -> str | None:
    """What is wrong with ``alias`` (normalised: ``key``) if one of its words is too long for
    typo variants (:func:`entitykit.blocking.has_variants` decides, on the words as the
    resolver indexes them), else None.

    >>> _long_word("OVKS", "ovks") is None
    True
    >>> _long_word("Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz",
    ...            "rindfleischetikettierungsueberwachungsaufgabenuebertragungsgesetz")
    'has a word of 63 letters, too long for typo variants: few misspellings of it are found'
    """
    from .blocking import has_variants
    from .names import parse_key

    name = parse_key(key)
    if all(has_variants(skel) for skel in name.skels):
        return None
    longest = max(sum(char.isalnum() for char in word) for word in _WORDS.split(alias))  # as the user wrote it
    return f"has a word of {longest:,} letters, too long for typo variants: few misspellings of it are found"


def _shown(text: str, width: int = 60) -> str:
    """``text`` cut to ``width`` characters for a message (a broken export can give 1 MB aliases).

    >>> _shown("Minsk"), _shown("x" * 100, 5)
    ('Minsk', 'xxxxx…')
    """
    return text if len(text) <= width else text[:width] + "…"


class Duplicate(NamedTuple):
    """A user entity that shares a normalised name or alias with a bundled entity of the same
    label under another id (:meth:`AliasRegistry.duplicates`): one thing under two ids splits
    its mentions (*Wiktor Chrenin* under the user's id, *Viktor Khrenin* under the bundled one).

    >>> user = Entity("per:wiktor-chrenin", "PER", "Wiktor Chrenin", ("Chrenin",))
    >>> bundled = Entity("per:viktor-chrenin", "PER", "Viktor Chrenin", ("Wiktor Chrenin", "Chrenin"))
    >>> print(Duplicate(user, bundled, "Wiktor Chrenin", 2, same_name=True).message)
    'per:wiktor-chrenin' duplicates the bundled 'per:viktor-chrenin': both are called 'Wiktor Chrenin' (2 spellings shared); one entity under two ids splits its mentions: give your record the id 'per:viktor-chrenin' to add its spellings to the bundled entity
    """

    entity: Entity  # the user's
    bundled: Entity
    spelling: str  # the user's spelling of a shared key: its name when that is shared
    shared: int  # how many normalised keys the two have in common
    same_name: bool  # a shared key is the name of one of them: one entity, not namesakes

    @property
    def message(self) -> str:
        """What is wrong and what to do, naming both ids and the shared spelling."""
        mine, theirs = self.entity.id, self.bundled.id
        more = f" ({self.shared} spellings shared)" if self.shared > 1 else ""
        if self.same_name:
            return (
                f"{mine!r} duplicates the bundled {theirs!r}: both are called {self.spelling!r}{more}; one entity "
                f"under two ids splits its mentions: give your record the id {theirs!r} to add its spellings to "
                "the bundled entity"
            )
        return (
            f"{mine!r} shares the spelling {self.spelling!r} with the bundled {theirs!r}{more}; if they are one "
            f"entity, give your record the id {theirs!r}; if two, drop the shared spelling, which cannot tell "
            "them apart"
        )


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def _parse_record(record: Any, where: str) -> tuple[Entity, list[str]]:
    """Validate one record; return the entity and warnings. Raise RegistryError on errors."""
    if not isinstance(record, Mapping):
        raise RegistryError(f"{where}: expected a JSON object, got {_type_name(record)}")
    missing = [key for key in REQUIRED if key not in record]
    if missing:
        raise RegistryError(
            f"{where}: missing field{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}; "
            f"every record needs {', '.join(REQUIRED)}"
        )
    warnings: list[str] = []
    entity_id, label, name, aliases = (record[key] for key in REQUIRED)
    if not isinstance(entity_id, str) or not _ID.match(entity_id):
        raise RegistryError(f"{where}: 'id' must be a non-empty string without spaces, got {entity_id!r}")
    if label not in LABELS:
        raise RegistryError(f"{where}: unknown label {label!r}; use one of {', '.join(LABELS)}")
    if not isinstance(name, str) or not name.strip():
        raise RegistryError(f"{where}: 'name' must be a non-empty string, got {name!r}")
    if not isinstance(aliases, list):
        raise RegistryError(f"{where}: 'aliases' must be a list of strings, got {_type_name(aliases)}")
    for position, alias in enumerate(aliases):
        if not isinstance(alias, str) or not alias.strip():
            raise RegistryError(
                f"{where}: alias {position + 1} of {entity_id!r} must be a non-empty string, got {alias!r}"
            )
    for key in ("lang", "wikidata", "note"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise RegistryError(f"{where}: {key!r} must be a string or null, got {_type_name(value)}")
    short = record.get("short")
    if short is not None and (not isinstance(short, str) or not short.strip()):
        raise RegistryError(
            f"{where}: 'short' must be a non-empty string, got {short!r}; give the display name plots "
            "should show, such as 'OVKS', or leave the field out"
        )
    extra = sorted(set(record) - set(REQUIRED) - set(OPTIONAL) - set(IGNORED))
    if extra:
        warnings.append(f"unknown field{'s' if len(extra) > 1 else ''} {', '.join(map(repr, extra))} ignored")
    prefix = entity_id.split(":", 1)[0] if ":" in entity_id else None
    if prefix is not None and prefix.upper() != label and prefix != "new":
        warnings.append(f"id {entity_id!r} has prefix {prefix!r} but label {label}")
    wikidata = record.get("wikidata")
    if wikidata is not None and not _WIKIDATA.match(wikidata):
        warnings.append(f"wikidata {wikidata!r} is not a Q-number like 'Q26245'")
    seen: dict[str, str] = {}  # casefolded -> the spelling first listed
    for alias in (name, *aliases):
        spelling = alias.strip()
        first = seen.get(spelling.casefold())
        if first is None:
            seen[spelling.casefold()] = spelling
            continue
        again = "is listed twice" if first == spelling else f"repeats {first!r} in another case"
        warnings.append(f"alias {spelling!r} {again} for {entity_id!r}; one spelling is enough (case is ignored)")
    if short is not None and short.strip().casefold() not in seen:
        warnings.append(f"short {short.strip()!r} is not a name or alias of {entity_id!r}; plots would label it "
                        "with a spelling its mentions do not use (add it to the aliases, or pick one of them)")
    entity = Entity(
        id=entity_id,
        label=label,
        name=name.strip(),
        aliases=tuple(alias.strip() for alias in aliases),
        lang=record.get("lang"),
        wikidata=wikidata,
        note=record.get("note"),
        short=short.strip() if short is not None else None,
        source=where,
    )
    return entity, warnings


def _read_jsonl(path: Path) -> Iterator[tuple[str, Any]]:
    """Yield ``("file:line", record)``; raise RegistryError for unreadable files and bad JSON."""
    from .inputs import read_jsonl

    if not path.is_file():
        raise RegistryError(f"{path}: no such registry file; give a .jsonl file or a directory of them")
    empty = True
    for number, record in read_jsonl(path, error=RegistryError):
        empty = False
        yield f"{path}:{number}", record
    if empty:
        logger.warning("%s: empty registry file: no records; add JSONL records or leave the file out", path)


def _expand(source: Source) -> Iterator[tuple[str, Any]]:
    if isinstance(source, (str, Path)):
        path = Path(source).expanduser()
        if path.is_dir():
            files = sorted(path.glob("*.jsonl"))
            if not files:
                raise RegistryError(f"{path}: directory has no *.jsonl registry files")
            for file in files:
                yield from _read_jsonl(file)
        else:
            yield from _read_jsonl(path)
    elif isinstance(source, Mapping):
        yield "<records>:1", source
    else:
        try:
            records = iter(source)
        except TypeError:
            raise RegistryError(
                f"cannot read a registry from {_type_name(source)}; give a path or an iterable of dicts"
            ) from None
        for number, record in enumerate(records, 1):
            yield f"<records>:{number}", record


class AliasRegistry:
    """Canonical entities with an index from normalised alias to entity ids.

    Build it with :meth:`from_sources`; look names up with :meth:`lookup` (any spelling, it is
    normalised first) or by id with ``registry[id]``.

    >>> registry = AliasRegistry.from_sources([
    ...     {"id": "loc:minsk", "label": "LOC", "name": "Minsk", "aliases": ["Мінск"]},
    ...     {"id": "loc:pinsk", "label": "LOC", "name": "Pinsk", "aliases": []},
    ... ])
    >>> len(registry), registry.lookup("MINSK"), registry.lookup("Мінск")
    (2, ('loc:minsk',), ('loc:minsk',))
    """

    def __init__(self, entities: Iterable[Entity] = ()) -> None:
        self._entities: dict[str, Entity] = {}
        # normalised key -> one id, or a tuple of ids when the key is ambiguous
        self._by_key: dict[str, str | tuple[str, ...]] = {}
        self._warnings: list[Problem] = []
        self._spellings: dict[tuple[str, str], str] = {}
        self._spell: dict[str, str] = {}  # key -> spelling of its first owner
        for entity in entities:
            self._add(entity)

    # --- building ------------------------------------------------------------------------

    @classmethod
    def from_sources(cls, *sources: Source) -> AliasRegistry:
        """Build a registry from JSONL paths, directories of ``*.jsonl`` and iterables of dicts.

        Raises :class:`RegistryError` naming ``file:line`` for malformed JSON, missing fields,
        wrong types, unknown labels, empty names and duplicate ids within a source. A later
        source may name an id an earlier one defined: its names become extra aliases of that
        entity (the label must agree) and its ``short``, when it gives one, replaces the earlier
        one, so a user file can extend the bundled registry.

        >>> AliasRegistry.from_sources([{"id": "org:osze", "label": "ORG", "name": "OSZE",
        ...                               "aliases": ["OSCE"]}]).lookup("osce")
        ('org:osze',)
        """
        registry = cls()
        origin: dict[str, int] = {}  # entity id -> index of the source that defined it
        for index, source in enumerate(sources):
            for where, record in _expand(source):
                entity, warnings = _parse_record(record, where)
                if origin.get(entity.id, index) != index:
                    registry._extend(entity)  # a later file adds spellings to a known entity
                else:
                    registry._add(entity)
                    origin[entity.id] = index
                file, _, line = where.rpartition(":")
                registry._warnings.extend(Problem(file, int(line), "warning", message) for message in warnings)
        return registry

    def _add(self, entity: Entity) -> None:
        if entity.id in self._entities:
            first = self._entities[entity.id].source or "an earlier record"
            where = f"{entity.source}: " if entity.source else ""
            raise RegistryError(
                f"{where}duplicate id {entity.id!r} (first defined at {first}); ids must be unique "
                "across all registry files"
            )
        self._entities[entity.id] = entity
        self._index(entity, entity.names)

    def _extend(self, entity: Entity) -> None:
        """Add the names of ``entity`` to the entity of the same id from an earlier source
        (and its display name, when it has one: the user's file has the last word)."""
        known = self._entities[entity.id]
        if known.label != entity.label:
            raise RegistryError(
                f"{entity.source}: id {entity.id!r} is {known.label} at {known.source} but "
                f"{entity.label} here; a later file may add aliases to an entity, not change its label"
            )
        added = tuple(name for name in dict.fromkeys(entity.names) if name not in known.names)
        self._entities[entity.id] = replace(known, aliases=known.aliases + added, short=entity.short or known.short)
        self._index(entity, added)

    def _index(self, entity: Entity, names: Iterable[str]) -> None:
        by_key = self._by_key
        long_word = _long_word_pattern()
        for alias in names:
            key = normalize(alias)
            why = None
            if len(key) <= 1:
                why = "has no letters or digits and can never match" if not key else (
                    "is a single character and will match only itself"
                )
            elif long_word.search(key):
                why = _long_word(alias, key)
            if why:
                file, _, line = (entity.source or "<records>:0").rpartition(":")
                self._warnings.append(Problem(file, int(line), "warning", f"alias {_shown(alias)!r} {why}"))
                if not key:
                    continue
            current = by_key.get(key)
            if current is None:
                by_key[key] = entity.id
                self._spell[key] = alias
            elif current == entity.id:
                if _CYRILLIC.search(self._spell[key]) and not _CYRILLIC.search(alias):
                    self._spell[key] = alias  # the Latin spelling reads best
            elif isinstance(current, str):
                if current != entity.id:
                    by_key[key] = (current, entity.id)
            elif entity.id not in current:
                by_key[key] = (*current, entity.id)

    # --- reading -------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entities)

    def __iter__(self) -> Iterator[Entity]:
        return iter(self._entities.values())

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._entities

    def __getitem__(self, entity_id: str) -> Entity:
        try:
            return self._entities[entity_id]
        except KeyError:
            raise RegistryError(f"no entity with id {entity_id!r} in the registry") from None

    def __repr__(self) -> str:
        return f"<AliasRegistry {len(self._entities)} entities, {len(self._by_key)} keys>"

    def get(self, entity_id: str) -> Entity | None:
        """The entity with this id, or ``None``."""
        return self._entities.get(entity_id)

    def lookup(self, text: str) -> tuple[str, ...]:
        """Ids of the entities that have ``text`` as name or alias, after :func:`normalize`.

        >>> AliasRegistry().lookup("Minsk")
        ()
        """
        return self.lookup_key(normalize(text))

    def lookup_key(self, key: str) -> tuple[str, ...]:
        """Like :meth:`lookup` for a key that is already normalised (no normalising cost)."""
        found = self._by_key.get(key)
        if found is None:
            return ()
        return (found,) if isinstance(found, str) else found

    def keys(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        """All ``(normalised key, entity ids)`` pairs."""
        for key, found in self._by_key.items():
            yield key, ((found,) if isinstance(found, str) else found)

    def spelling(self, entity_id: str, key: str) -> str:
        """The spelling of ``entity_id`` (name or alias) whose normalised key is ``key``.

        >>> AliasRegistry.from_sources([{"id": "per:x", "label": "PER", "name": "Alexander Lukaschenko",
        ...     "aliases": ["Lukashenko"]}]).spelling("per:x", "lukashenko")
        'Lukashenko'
        """
        if self._by_key.get(key) == entity_id:
            return self._spell[key]
        cached = self._spellings.get((entity_id, key))
        if cached is not None:
            return cached
        entity = self[entity_id]
        spellings = [alias for alias in entity.names if normalize(alias) == key]
        # the Latin spelling reads best when a Cyrillic one has the same key
        spellings.sort(key=lambda alias: _CYRILLIC.search(alias) is not None)
        spelling = spellings[0] if spellings else entity.name
        if len(self._spellings) < 100_000:
            self._spellings[(entity_id, key)] = spelling
        return spelling

    @property
    def ambiguous(self) -> dict[str, tuple[str, ...]]:
        """Normalised keys claimed by more than one entity, with the ids that claim them."""
        return {key: found for key, found in self._by_key.items() if isinstance(found, tuple)}

    @property
    def labels(self) -> dict[str, int]:
        """Number of entities per label."""
        counts = dict.fromkeys(LABELS, 0)
        for entity in self._entities.values():
            counts[entity.label] += 1
        return counts

    def duplicates(self, bundled_ids: Container[str]) -> list[Duplicate]:
        """Entities outside ``bundled_ids`` that share a normalised name or alias with an entity
        of ``bundled_ids`` of the same label and another id; an entity naming a bundled id
        extends it and is no duplicate. One :class:`Duplicate` per pair, in registry order.

        >>> registry = AliasRegistry.from_sources(
        ...     [{"id": "per:viktor-chrenin", "label": "PER", "name": "Viktor Chrenin", "aliases": ["Wiktor Chrenin"]}],
        ...     [{"id": "per:wiktor-chrenin", "label": "PER", "name": "Wiktor Chrenin", "aliases": []},
        ...      {"id": "org:chrenin", "label": "ORG", "name": "Viktor Chrenin", "aliases": []}])
        >>> [(d.entity.id, d.bundled.id, d.spelling) for d in registry.duplicates({"per:viktor-chrenin"})]
        [('per:wiktor-chrenin', 'per:viktor-chrenin', 'Wiktor Chrenin')]
        """
        shared: dict[tuple[str, str], set[str]] = {}  # (user id, bundled id) -> their common keys
        for key, ids in self.ambiguous.items():  # a duplicate's keys are claimed twice: only these
            for mine in ids:
                if mine in bundled_ids:
                    continue
                label = self._entities[mine].label
                for other in ids:
                    if other in bundled_ids and other != mine and self._entities[other].label == label:
                        shared.setdefault((mine, other), set()).add(key)
        order = {entity_id: number for number, entity_id in enumerate(self._entities)} if shared else {}
        found = []
        for mine, other in sorted(shared, key=lambda pair: (order[pair[0]], order[pair[1]])):
            entity, bundled, keys = self._entities[mine], self._entities[other], shared[mine, other]
            spellings: dict[str, str] = {}  # shared key -> its first spelling in the record, Latin first
            for name in entity.names:
                key = normalize(name)
                if key in keys and (key not in spellings or (_CYRILLIC.search(spellings[key]) and not _CYRILLIC.search(name))):
                    spellings[key] = name
            names = [key for key in (normalize(entity.name), normalize(bundled.name)) if key in keys]
            spelling = spellings[names[0]] if names else next(iter(spellings.values()))
            found.append(Duplicate(entity, bundled, spelling, len(keys), same_name=bool(names)))
        return found

    def _ambiguity(self, key: str, ids: tuple[str, ...]) -> Problem:
        first = self._entities[ids[-1]].source or "<records>:0"
        file, _, line = first.rpartition(":")
        return Problem(file, int(line), "warning", f"alias {key!r} is claimed by {len(ids)} entities: {', '.join(ids)}")

    def lint(self) -> list[Problem]:
        """Warnings about a valid registry: ambiguous aliases, repeated or unusable spellings.

        >>> registry = AliasRegistry.from_sources([
        ...     {"id": "per:a", "label": "PER", "name": "Alexander Lukaschenko", "aliases": ["Lukaschenko"]},
        ...     {"id": "per:b", "label": "PER", "name": "Viktor Lukaschenko", "aliases": ["Lukaschenko"]},
        ... ])
        >>> [problem.message for problem in registry.lint()]
        ["alias 'lukaschenko' is claimed by 2 entities: per:a, per:b"]
        """
        problems = list(self._warnings)
        for key, ids in sorted(self.ambiguous.items()):
            problems.append(self._ambiguity(key, ids))
        return problems


def check_files(paths: Iterable[str | Path], *, against_default: bool = True) -> list[Problem]:
    """Lint registry files together: every error and warning, each with file and line.

    Unlike :meth:`AliasRegistry.from_sources` this does not stop at the first error: each bad
    record is reported and skipped, so one run lists everything to fix. With
    ``against_default`` (the default) the files are checked as ``run`` reads them, on top of the
    bundled registry: a record may add aliases to an id of the bundled registry or of an
    earlier path given (as a reviewed ``aliases propose`` file does), and one that gives it
    another label is an error; an entity that duplicates a bundled one under another id
    (:meth:`AliasRegistry.duplicates`) is an error when they share a name (one entity under
    two ids), a warning when they share only an alias (namesakes, perhaps). An empty file is
    a warning.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.jsonl").write_text('{"id": "loc:minsk", "label": "LOC", "name": "Minsk", "aliases": []}\\n'
    ...                                   '{"id": "loc:minsk", "label": "PLACE", "name": "Minsk"}\\n', encoding="utf-8")
    >>> for problem in check_files([folder / "a.jsonl"]):
    ...     print(problem)
    /...a.jsonl:2: error: missing field 'aliases'; every record needs id, label, name, aliases
    """
    problems: list[Problem] = []
    listed = []  # (file, index of the path it came from: a folder's files are one source, as run reads them)
    for index, path in enumerate(map(Path, paths)):
        files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
        if path.is_dir() and not files:
            problems.append(Problem(str(path), 0, "error", "directory has no *.jsonl registry files"))
        listed.extend((file, index) for file in files)
    checked = {file.resolve() for file, _ in listed}
    # the bundled files under check are checked as files, not taken as the base
    bundled = [path for path in default_registry_paths() if path.resolve() not in checked] if against_default else []
    registry = AliasRegistry.from_sources(*bundled) if bundled else AliasRegistry()
    bundled_ids = {entity.id for entity in registry}
    bundled_files = {str(path) for path in bundled}
    origin = dict.fromkeys(bundled_ids, -1)  # entity id -> the source that defined it
    for file, index in listed:
        problems.extend(_check_file(file, registry, origin, index))
    duplicates = registry.duplicates(bundled_ids)
    for duplicate in duplicates:
        file, _, line = (duplicate.entity.source or "<records>:0").rpartition(":")
        severity = "error" if duplicate.same_name else "warning"
        problems.append(Problem(file, int(line), severity, duplicate.message))
    # an alias two such entities share is that duplicate again, said once above
    pairs = {frozenset((duplicate.entity.id, duplicate.bundled.id)) for duplicate in duplicates}
    said = {registry._ambiguity(key, ids) for key, ids in registry.ambiguous.items() if frozenset(ids) in pairs}
    problems.extend(problem for problem in registry.lint()
                    if problem not in problems and problem not in said and problem.source not in bundled_files)
    return problems


def _check_file(path: Path, registry: AliasRegistry, origin: dict[str, int], source: int) -> list[Problem]:
    """Check one file of the path numbered ``source``; ``origin`` maps each id defined so far to
    the source that defined it (-1: the bundled registry)."""
    from .inputs import LineError, iter_lines

    problems: list[Problem] = []
    if not path.is_file():
        return [Problem(str(path), 0, "error", "no such file")]
    records = 0
    extended: dict[str, str] = {}  # id of an earlier source -> where this file first named it
    for line in iter_lines(path):
        if line.blank:
            continue
        records += 1
        where = f"{path}:{line.number}"
        try:
            entity, warnings = _parse_record(line.json(), where)
            if entity.id in extended:
                raise RegistryError(f"duplicate id {entity.id!r} (first defined at {extended[entity.id]}); "
                                    "ids must be unique across all registry files")
            if origin.get(entity.id, source) != source:
                registry._extend(entity)  # as run reads it: extra aliases of an entity defined before
                extended[entity.id] = where
            else:
                registry._add(entity)
                origin[entity.id] = source
        except LineError as error:
            problems.append(Problem(str(path), line.number, "error", str(error)))
            if "UTF-8" in str(error):
                break  # the rest of the file is in the same encoding
            continue
        except RegistryError as error:
            message = str(error)
            message = message[len(where) + 2 :] if message.startswith(where + ": ") else message
            problems.append(Problem(str(path), line.number, "error", message))
            continue
        problems.extend(Problem(str(path), line.number, "warning", message) for message in warnings)
    if not records:
        problems.append(Problem(str(path), 0, "warning", "empty registry file: no records; add JSONL records or leave the file out"))
    return problems


def default_registry_paths() -> list[Path]:
    """The registry files shipped with entitykit: the package's ``entitykit/data/aliases/*.jsonl``.

    The files live once, in ``data/aliases/`` at the top of the repository; the build maps that
    folder into the package (see ``pyproject.toml``), for regular and editable installs alike.

    >>> sorted(path.name for path in default_registry_paths())
    ['misc.jsonl', 'organisations.jsonl', 'persons.jsonl', 'places.jsonl']
    """
    from importlib import resources

    try:
        folder = resources.files("entitykit.data.aliases")
    except ModuleNotFoundError:
        # a source checkout on sys.path without being installed (PYTHONPATH=src): the build
        # has not mapped the folder into the package, so read it where it lives
        folder = Path(__file__).resolve().parents[2] / "data" / "aliases"
    if not folder.is_dir():
        return []
    return sorted(Path(str(item)) for item in folder.iterdir() if item.name.endswith(".jsonl"))


@lru_cache(maxsize=1)
def default_registry() -> AliasRegistry:
    """The registry shipped with entitykit (loaded once, then shared; treat it as read-only).

    >>> isinstance(default_registry(), AliasRegistry)
    True
    """
    paths = default_registry_paths()
    return AliasRegistry.from_sources(*paths) if paths else AliasRegistry()


def build_registry(aliases: str | Path | Iterable[str | Path] = (), *, default_aliases: bool = True) -> AliasRegistry | None:
    """The registry ``load()`` and the commands use: the bundled default, plus the files in ``aliases``.

    Returns ``None`` when there is nothing to load (``default_aliases=False`` and no files):
    the resolver then clusters unknown mentions and links within documents only. Raises
    :class:`~entitykit.errors.RegistryError` naming file and line for a bad file. A user entity
    that duplicates a bundled one under another id (:meth:`AliasRegistry.duplicates`) is
    loaded, with a warning on the ``entitykit`` logger naming both ids and the shared spelling.

    >>> build_registry(default_aliases=False) is None
    True
    >>> build_registry() is default_registry()
    True
    """
    paths = [aliases] if isinstance(aliases, (str, Path)) else list(aliases)
    if not paths:
        return default_registry() if default_aliases else None
    defaults = default_registry_paths() if default_aliases else []
    registry = AliasRegistry.from_sources(*defaults, *paths)
    if defaults:
        bundled_files = {str(path) for path in defaults}
        bundled_ids = {entity.id for entity in registry if (entity.source or "").rpartition(":")[0] in bundled_files}
        for duplicate in registry.duplicates(bundled_ids):
            logger.warning("%s: %s", duplicate.entity.source, duplicate.message)
    return registry
