"""Resolve mentions to canonical entities: one mention against the registry, and a whole input.

Order of evidence for one mention (:meth:`Resolver.resolve`):

1. ``exact`` / ``alias``: the normalised text (or its compound head or genitive stem) is a
   name or alias in the registry. Exact hits never pay for fuzzy scoring. A name of one entity
   of another label takes that entity and its label (the NER's slip: *Belaruskalij* tagged
   PER is the company), if the name has 4 letters or more.
2. ``translit``: a mention whose :func:`~entitykit.normalize.skeleton` equals a registry
   spelling, between scripts (*Лукашенко* ~ *Lukaschenko*) or between romanisations of an
   entity with a Cyrillic name (*Lukashenko* ~ *Lukaschenko*); never two Latin spellings of
   an entity the registry gives no Cyrillic name (*Meyer* ~ *Meier*).
3. ``gazetteer`` (with the bundled knowledge, :func:`~entitykit.knowledge.gazetteer_place`): a
   place name that GeoNames knows (*Lemberg*, *Swerdlowsk*, *Мінск*) takes the registry entity
   of that place, the one whose names name it and no other place.
4. ``acronym``: an acronym against the registry's acronyms; a one-letter slip in an acronym
   of at least 4 letters only when no other candidate is that close. Initials alone never
   link an acronym and a long form (*US* is not the *UN-Sicherheitsrat*).
5. ``fuzzy``: RapidFuzz scores on the few candidates a token index proposes (never a scan of
   the registry), judged by the rules of :mod:`entitykit.names`.
6. ``new``: none of the above; the id is a slug of the name (``new:per:imangali-tasmagambetow``).

A slash form that matches nothing as a whole (*Lviv/Lemberg*) goes through 1-5 part by part and
takes the one entity its parts name (:func:`~entitykit.names.follow_alternates`), never one of two.

:meth:`Resolver.resolve_mentions` adds ``coref`` (:mod:`entitykit.coref`: a surname-only
mention takes the entity of a full name in the same document, an acronym the long form the
document defines it by) and ``cluster``
(:mod:`entitykit.clustering`: unknown variants merged across the whole input; with the bundled
knowledge, the names of one place the registry lacks share its ``geonames:`` id). Persons match
persons, and the rest only by an exact name (step 1); ORG, LOC and MISC match each other with a
penalty. Scores are 0-100.

>>> from entitykit.aliases import AliasRegistry
>>> registry = AliasRegistry.from_sources([
...     {"id": "per:alexander-wolfowitsch", "label": "PER", "name": "Alexander Wolfowitsch", "aliases": []},
...     {"id": "org:ovks", "label": "ORG", "name": "OVKS", "aliases": ["ODKB", "CSTO"]},
... ])
>>> resolver = Resolver(registry)
>>> resolver.resolve("Alexander Wolfowutsch", "PER")[:2] + resolver.resolve("Alexander Wolfowutsch", "PER")[4:5]
('per:alexander-wolfowitsch', 'Alexander Wolfowitsch', 'fuzzy')
>>> resolver.resolve("OVKAS", "ORG").method
'acronym'
>>> resolver.resolve("Alexander Wolfowitz", "PER").method
'new'
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .aliases import LABELS, AliasRegistry, build_registry
from .blocking import AcronymIndex, TokenIndex
from .clustering import SHORTEST_COMPACT, FormClusterer, FormTable, compact_key, deciding_form, final_resolution, form_place
from .coref import (
    ALTERNATE_NAME,
    DEFINED,
    link_acronyms,
    link_alternate_names,
    link_short_forms,
    link_surnames,
    river_mentions,
    sibling_names,
)
from .errors import InputError
from .knowledge import gazetteer_place, is_english_word, legal_form_stem, main_place, place_reference
from .mentions import METHODS, Candidate, Mention, Method, Resolution, check_mention, new_entity_id
from .names import (
    Name,
    abbreviates,
    head_key,
    patronymic,
    token_skeleton,
    Verdict,
    compare,
    follow_alternates,
    words_apart,
    parse,
    parse_key,
    person_key,
    same_skeleton,
    too_short_for_skeleton,
)
from .normalize import (
    FUNCTION_WORDS,
    compound_head,
    display_form,
    genitive_stem,
    has_cyrillic,
    is_acronym,
    leading_legal_form_stem,
    normalize,
    republic_stem,
    slash_parts,
    transliterate_en,
)

__all__ = ["Mention", "Resolution", "Candidate", "Resolver", "Linked", "Explanation", "explain", "new_entity_id", "METHODS"]

logger = logging.getLogger("entitykit")

_COMPATIBLE = {
    "PER": ("PER",),
    "ORG": ("ORG", "LOC", "MISC"),
    "LOC": ("LOC", "ORG", "MISC"),
    "MISC": ("MISC", "ORG", "LOC"),
}


# A registry acronym this short matches only a mention in capitals (EU, not Eu); a longer one
# also not a frequent English word in small letters (WHO, not Who; Uno and Nato are the UN and NATO).
SHORT_ACRONYM = 2


class _Match(NamedTuple):
    entity_id: str
    score: float
    method: Method
    matched: str
    alternate: str | None = None  # the part of a slash form that decided it (Lviv of Lviv/Lemberg)


class Linked(NamedTuple):
    """A whole input resolved against the registry and within documents, before clustering:
    unknown names are ``new``, and ``forms`` counts them for :mod:`entitykit.clustering`."""

    resolutions: list[Resolution]
    forms: FormTable


class _RegistryIndex:
    """The registry's forms for fuzzy, skeleton and acronym lookups (blocking, never a scan)."""

    def __init__(self, registry: AliasRegistry) -> None:
        self.forms: list[str] = []  # form id -> normalised key
        self.names: list[Name] = []  # form id -> the key parsed (never as an acronym: those are not compared)
        self.owners: list[tuple[str, ...]] = []  # form id -> entity ids
        self.last_skels: list[str] = []  # form id -> skeleton of its last word
        self.weak_forms: set[int] = set()  # a surname alone or with an initial
        # transliteration matches only between scripts, or between romanisations of a Cyrillic
        # name: skeletons of every spelling (for Cyrillic mentions), and of the spellings of
        # entities with a Cyrillic name (for Latin mentions)
        self.skeletons: dict[str, set[str]] = defaultdict(set)
        self.romanised: dict[str, set[str]] = defaultdict(set)
        self.full_names: dict[str, list[str]] = defaultdict(list)  # PER id -> keys with first names
        self.heads: dict[str, set[str]] = defaultdict(set)  # head key (region:wolgograd) -> LOC/ORG ids
        # keys without spaces and hyphens -> the keys written so (Osteuropabank / Osteuropa-Bank)
        self.compact: dict[str, set[str]] = defaultdict(set)
        self.acronyms: AcronymIndex[str] = AcronymIndex()
        self.tokens = TokenIndex()
        # the spellings written as acronyms (OVKS, O.V.K.S.), and their keys
        self.acronym_spellings = {
            alias for entity in registry for alias in entity.names if is_acronym(display_form(alias))
        }
        acronym_keys = {normalize(alias) for alias in self.acronym_spellings}
        labels = {entity.id: entity.label for entity in registry}
        cyrillic = {entity.id for entity in registry if any(has_cyrillic(alias) for alias in entity.names)}
        latin_keys = {normalize(alias) for entity in registry for alias in entity.names if not has_cyrillic(alias)}
        # spellings only a Cyrillic name gives, of places and bodies: in German text a Latin
        # *Germania* or *OON* is a club or a newspaper, not Германия or ООН
        self.cyrillic_only = {
            normalize(alias) for entity in registry if entity.label != "PER" for alias in entity.names
            if has_cyrillic(alias)
        } - latin_keys
        for entity in registry:
            if entity.label in ("LOC", "ORG"):
                for alias in entity.names:
                    head = head_key(alias)
                    if head:
                        self.heads[head].add(entity.id)
        for key, ids in registry.keys():
            if len(compact_key(key)) >= SHORTEST_COMPACT and (" " in key or "-" in key or "'" in key):
                self.compact[compact_key(key)].add(key)
            form_id = len(self.forms)
            self.forms.append(key)
            self.owners.append(ids)
            name = parse_key(key, key in acronym_keys)
            self.names.append(name if not name.acronym else parse_key(key, False))
            for entity_id in ids if not name.acronym else ():
                for skel in (name.skel, name.alt) if name.alt else (name.skel,):
                    self.skeletons[skel].add(entity_id)
                    if entity_id in cyrillic and key in latin_keys:
                        self.romanised[skel].add(entity_id)
            if key in self.cyrillic_only:  # Cyrillic mentions meet it by its skeleton, nothing else does
                self.last_skels.append("")
                continue
            if name.acronym:
                self.last_skels.append("")
                for entity_id in ids:
                    self.acronyms.add_acronym(name.letters, entity_id)
                continue
            self.tokens.add(form_id, name.skels)
            self.last_skels.append(name.skels[-1] if name.skels else "")
            if len(name.tokens) < 2 or len(name.tokens[0]) == 1:
                self.weak_forms.add(form_id)
            if len(name.tokens) >= 2 and len(name.tokens[0]) > 1:
                for entity_id in ids:
                    if labels[entity_id] == "PER":
                        self.full_names[entity_id].append(key)


class Resolver:
    """Resolve mentions against an :class:`~entitykit.aliases.AliasRegistry` and to each other.

    ``registry=None`` means no registry (coreference and clustering only); pass
    :func:`~entitykit.aliases.default_registry()` for the one shipped with entitykit, or use
    :meth:`from_aliases`. ``score_cutoff`` (0-100) is the lowest fuzzy score accepted on top of
    the hard rules; ``cross_label_penalty`` is taken off when ORG, LOC and MISC match across
    labels; ``min_typo_length`` is the shortest word (in letters) that may match with a typo;
    ``gazetteer`` turns on the bundled knowledge of places (:meth:`from_aliases` does, unless
    ``default_aliases=False``).

    >>> resolver = Resolver(AliasRegistry.from_sources([{"id": "loc:minsk", "label": "LOC",
    ...     "name": "Minsk", "aliases": ["Мінск"]}]))
    >>> resolver.resolve("Minsk", "LOC").entity_id, resolver.resolve("Pinsk", "LOC").entity_id
    ('loc:minsk', 'new:loc:pinsk')
    """

    def __init__(
        self,
        registry: AliasRegistry | None = None,
        *,
        score_cutoff: float = 80.0,
        cross_label_penalty: float = 10.0,
        min_typo_length: int = 7,
        gazetteer: bool = False,
    ) -> None:
        if not 0 <= score_cutoff <= 100:
            raise InputError(f"score_cutoff must be between 0 and 100, got {score_cutoff}")
        if min_typo_length < 1:
            raise InputError(f"min_typo_length must be at least 1, got {min_typo_length}")
        self.registry = registry if registry is not None else AliasRegistry()
        self.score_cutoff = float(score_cutoff)
        self.cross_label_penalty = float(cross_label_penalty)
        self.min_typo_length = int(min_typo_length)
        self.gazetteer = bool(gazetteer)
        self.clusterer = FormClusterer(score_cutoff=score_cutoff, min_typo_length=min_typo_length, gazetteer=gazetteer)
        self._index = _RegistryIndex(self.registry)
        self._places: dict[int, str] | None = None  # place id -> registry entity, built on first use
        self._cache: dict[tuple[str, str], Resolution] = {}

    @classmethod
    def from_aliases(
        cls, aliases: Iterable[str | Path] = (), *, default_aliases: bool = True, **settings: float
    ) -> Resolver:
        """A resolver over the bundled registry (unless ``default_aliases=False``) plus the alias
        files in ``aliases``; neither: no registry. ``settings`` as for :class:`Resolver`.

        >>> len(Resolver.from_aliases(default_aliases=False).registry)
        0
        """
        settings.setdefault("gazetteer", default_aliases)
        return cls(build_registry(aliases, default_aliases=default_aliases), **settings)

    def __repr__(self) -> str:
        return f"<Resolver {self.registry!r} score_cutoff={self.score_cutoff}>"

    # --- one mention -----------------------------------------------------------------------

    def resolve(self, text: str, label: str, *, context: str | None = None) -> Resolution:
        """Resolve one mention against the registry; unknown names get a ``new:`` id.

        Raises :class:`~entitykit.errors.InputError` for an empty text or unknown label.

        >>> Resolver().resolve("Präsident Imangali Tasmagambetow", "PER")
        Resolution(entity_id='new:per:imangali-tasmagambetow', canonical='Imangali Tasmagambetow', label='PER', score=100.0, method='new', matched=None)
        """
        if context is None and (cached := self._cache.get((text, label))) is not None:
            return cached
        check_mention(text, label)
        return self._resolve_checked(text, label, context)

    def _resolve_checked(self, text: str, label: str, context: str | None = None) -> Resolution:
        """:meth:`resolve` of a mention already checked (:func:`~entitykit.mentions.check_mention`)."""
        cache_key = (text, label)
        if context is None:
            cached = self._cache.get(cache_key)
            if cached is not None:
                return cached
        match = self._match(text, label, context)
        if match is None:
            canonical = display_form(text)
            result = Resolution(new_entity_id(canonical, label), canonical, label, 100.0, "new", None)
        else:
            entity = self.registry[match.entity_id]
            result = Resolution(entity.id, entity.name, entity.label, match.score, match.method, match.matched)
        if context is None:
            if len(self._cache) > 500_000:
                self._cache.clear()
            self._cache[cache_key] = result
        return result

    def _labelled(self, ids: Iterable[str], label: str) -> list[tuple[str, float]]:
        """(id, penalty) for the ids whose label may match ``label``, same label first."""
        allowed = _COMPATIBLE[label]
        registry, penalty = self.registry, self.cross_label_penalty
        out = [
            (entity_id, 0.0 if entity_label == label else penalty)
            for entity_id in ids
            if (entity_label := registry[entity_id].label) in allowed
        ]
        if len(out) > 1:
            out.sort(key=lambda item: (item[1], item[0]))
        return out

    def _pick(self, ids: Iterable[str], label: str, context: str | None, key: str) -> tuple[str, float] | None:
        """Choose among entities sharing a key: same label first, then the context, then name = key."""
        options = self._labelled(ids, label)
        if not options:
            return None
        best_penalty = options[0][1]
        options = [option for option in options if option[1] == best_penalty]
        if len(options) == 1:
            return options[0]
        ranked = sorted(options, key=lambda option: (-self._context_overlap(option[0], context), option[0]))
        top = ranked[0]
        if context and self._context_overlap(top[0], context) > self._context_overlap(ranked[1][0], context):
            return top
        named = [option for option in options if normalize(self.registry[option[0]].name) == key]
        if len(named) == 1:
            return named[0]
        # truly ambiguous: say so with a low score rather than guess silently
        return top[0], best_penalty + 100.0 - 100.0 / len(options)

    def _context_overlap(self, entity_id: str, context: str | None) -> int:
        if not context:
            return 0
        entity = self.registry[entity_id]
        words = set(normalize(" ".join((*entity.names, entity.note or ""))).split())
        return len(words & set(normalize(context).split()) - FUNCTION_WORDS)

    def _match(self, text: str, label: str, context: str | None) -> _Match | None:
        """The whole mention first; then the parts of a slash form (*Lviv/Lemberg*), which must
        name one entity (:func:`~entitykit.names.follow_alternates`): never a choice between two."""
        match = self._match_one(text, label, context)
        if match is not None or "/" not in text:
            return match
        parts = slash_parts(display_form(text))
        if not parts:
            return None
        matches = [self._match_one(part, label, context) for part in parts]
        entity_id = follow_alternates(
            parts, [match.entity_id if match else None for match in matches], label, self.min_typo_length
        )
        if entity_id is None:
            return None
        best, part = max(((match, part) for match, part in zip(matches, parts) if match), key=lambda item: item[0].score)
        return best._replace(alternate=part)

    def _match_one(self, text: str, label: str, context: str | None) -> _Match | None:
        registry = self.registry
        if not len(registry):
            return None
        clean = display_form(text)
        key = normalize(text)
        cyrillic = has_cyrillic(clean)
        given_first = person_key(text) if label == "PER" else key  # Putin Wladimir Wladimirowitsch
        surface: dict[str, str] = {}  # key -> the words it was read from, when not the whole mention
        # 1. exact keys: the whole form first, then compound head, genitive stem, English
        # romanisation; read one at a time, as most mentions stop at the first
        keys: list[tuple[str, Method, float]] = []
        relabel: _Match | None = None  # an exact name of one entity of another label (the NER's slip)
        for candidate_key, method, score in _exact_keys(clean, key, given_first, label, cyrillic, surface):
            keys.append((candidate_key, method, score))
            if not cyrillic and candidate_key in self._index.cyrillic_only:
                continue
            ids = registry.lookup_key(candidate_key)
            if not ids:
                continue
            picked = self._pick(ids, label, context, candidate_key)
            if picked is None:
                if relabel is None and self._relabels(ids, clean):
                    relabel = _Match(ids[0], score - 10.0, "alias", registry.spelling(ids[0], candidate_key))
                continue
            entity_id, penalty = picked
            spelling = registry.spelling(entity_id, candidate_key)
            if penalty and (spelling in self._index.acronym_spellings) != is_acronym(clean):
                continue  # the island Guam is not the organisation GUAM
            if not is_acronym(surface.get(candidate_key, clean)) and spelling in self._index.acronym_spellings and (
                len(candidate_key) <= SHORT_ACRONYM or is_english_word(clean)
            ):
                continue  # an acronym in small letters that is a word: "das Who's who" is not the WHO
            if method == "exact" and normalize(registry[entity_id].name) != candidate_key:
                method = "alias"
            return _Match(entity_id, score - penalty, method, spelling)
        if relabel is not None:
            return relabel
        # 1b. one name written as one word or two (Osteuropa-Bank / Osteuropabank, Nordatlantik-Paktes)
        for candidate_key, method, score in keys:
            compact = compact_key(candidate_key)
            if label == "PER" or len(compact) < SHORTEST_COMPACT:
                continue
            written = self._index.compact.get(compact, set()) | ({compact} if registry.lookup_key(compact) else set())
            written.discard(candidate_key)
            ids = {entity_id for other in written for entity_id in registry.lookup_key(other)}
            picked = self._pick(ids, label, context, compact) if len(ids) == 1 else None
            if picked is not None:
                entity_id, penalty = picked
                return _Match(entity_id, 95.0 - penalty, "alias", registry.spelling(entity_id, next(iter(written))))
        name = parse_key(given_first, is_acronym(clean))
        # 2. transliteration: equal skeletons, between scripts or romanisations of one Cyrillic name
        skeletons = self._index.skeletons if cyrillic else self._index.romanised
        for candidate_key, _, _ in keys:
            candidate = parse_key(candidate_key, name.acronym)
            if candidate.acronym or too_short_for_skeleton(candidate):
                continue
            ids = skeletons.get(candidate.skel) or (skeletons.get(candidate.alt) if candidate.alt else None)
            if ids:
                picked = self._pick(ids, label, context, candidate_key)
                if picked:
                    entity_id, penalty = picked
                    matched = self._spelling_by_skeleton(entity_id, candidate.skel)
                    return _Match(entity_id, 92.0 - penalty, "translit", matched)
        # 2b. one administrative unit or facility under another head noun (Gebiet / Oblast Minsk)
        head = head_key(clean) if label != "PER" else None
        owners = self._index.heads.get(head, ()) if head else ()
        if len(owners) == 1:
            (entity_id,) = owners
            return _Match(entity_id, 92.0, "alias", registry[entity_id].name)
        # 3. a place GeoNames knows under this name (or a transliteration of one of its names),
        # which a registry entity names too
        if self.gazetteer and label == "LOC" and not name.acronym and (places := self._registry_places()):
            for candidate_key, _, _ in keys:
                entity_id = places.get(form_place(candidate_key))
                if entity_id is not None:
                    return _Match(entity_id, 90.0, "gazetteer", registry[entity_id].name)
        # 3b. words abbreviated by a dot (Europ. Kommission): the one registry name they abbreviate
        if "." in clean and label != "PER" and not name.acronym:
            found = self._abbreviated(clean, label)
            if found is not None:
                return found
        # 4. an acronym one slip from a registry acronym; 5. surname only and fuzzy
        if name.acronym:
            return self._match_acronym(name, label, context)
        found = self._match_fuzzy(name, label, context)
        if found is None and (genitive := genitive_stem(clean)):  # a typo in a genitive: Turkenistans
            found = self._match_fuzzy(parse_key(normalize(genitive), False), label, context)
        return found

    def _abbreviated(self, clean: str, label: str) -> _Match | None:
        """The one entity (of a label that may match) with a name that ``clean`` writes with
        abbreviated words (:func:`~entitykit.names.abbreviates`), found by its written-out words, or None."""
        index = self._index
        found: dict[str, str] = {}
        written = parse_key(normalize(" ".join(word for word in clean.split() if not word.endswith("."))), False)
        for form_id in index.tokens.candidates(written.skels) if written.skels else ():
            key = index.forms[form_id]
            if abbreviates(clean, key):
                for entity_id, penalty in self._labelled(index.owners[form_id], label):
                    found.setdefault(entity_id, key)
        if len(found) != 1:
            return None
        ((entity_id, key),) = found.items()
        return _Match(entity_id, 90.0, "alias", self.registry.spelling(entity_id, key))

    @staticmethod
    def _relabels(ids: tuple[str, ...], clean: str) -> bool:
        """Whether a mention whose key is a name of ``ids`` only under other labels takes that
        entity anyway (*Belaruskalij* tagged PER is the potash company): when the name is one
        entity's and has 4 letters or more (*EU* tagged PER stays as it is)."""
        return len(ids) == 1 and sum(char.isalpha() for char in clean) >= 4

    def _registry_places(self) -> dict[int, str]:
        """Gazetteer place -> the registry entity (LOC) that names it: by its canonical name (the
        most populous place of that name), else by its aliases when they name one place; a place two entities name belongs to neither.
        Built on the first place looked up."""
        if self._places is None:
            owners: dict[int, set[str]] = defaultdict(set)
            for entity in self.registry:
                if entity.label == "LOC":
                    # the registry says its name is this place: the most populous of that name
                    place = gazetteer_place(entity.name) or main_place(entity.name)
                    places = {place} if place is not None else {gazetteer_place(name) for name in entity.aliases} - {None}
                    if len(places) == 1:
                        owners[places.pop()].add(entity.id)
            self._places = {place: ids.pop() for place, ids in owners.items() if len(ids) == 1}
            for place, ids in owners.items():
                if len(ids) > 1:  # a user's entity next to a bundled one, most likely: say so
                    logger.warning(
                        "registry entities %s all name the place %s; the gazetteer's names of it go to "
                        "none of them (keep one entity per place, or give them names that differ)",
                        ", ".join(sorted(ids)), place_reference(place),
                    )
        return self._places

    def _spelling_by_skeleton(self, entity_id: str, skel: str) -> str:
        entity = self.registry[entity_id]
        query = parse_key("", False)._replace(skel=skel)
        for alias in entity.names:
            if same_skeleton(parse(alias), query) or parse(alias).skel == skel:
                return alias
        return entity.name

    def _match_acronym(self, name: Name, label: str, context: str | None) -> _Match | None:
        """An acronym against the registry's acronyms: its letters (*O.V.K.S.*), or one slip away
        from exactly one of them. A long form never matches by its initials alone (*Wiener
        Marktamt* is not *WM*): the registry lists the long forms it knows, and a text defines
        the ones it uses (:func:`entitykit.coref.link_acronyms`)."""
        acronyms = self._index.acronyms
        ids = acronyms.exact(name.letters)
        if ids:
            picked = self._pick(ids, label, context, name.key)
            if picked:
                return _Match(picked[0], 95.0 - picked[1], "acronym", self.registry[picked[0]].name)
        options = self._labelled(acronyms.near(name.letters), label)
        best = [option for option in options if option[1] == options[0][1]] if options else []
        if len(best) == 1:  # a slip only when no other acronym is that close
            entity_id, penalty = best[0]
            return _Match(entity_id, 85.0 - penalty, "acronym", self._acronym_spelling(entity_id))
        return None

    def _acronym_spelling(self, entity_id: str) -> str:
        entity = self.registry[entity_id]
        return next((alias for alias in entity.names if is_acronym(alias)), entity.name)

    def _scored_candidates(self, name: Name, label: str, *, refused: bool = True) -> list[tuple[int, Verdict]]:
        """(form id, verdict) for the forms the token index proposes, best first; ``refused=False``
        leaves out forms a quick test shows :func:`~entitykit.names.compare` would refuse."""
        if not name.tokens or name.acronym:
            return []
        index = self._index
        only = len(name.tokens) - 1 if label == "PER" else None
        fuzzy = [len(token) >= self.min_typo_length for token in name.tokens]
        # persons: forms whose surname is more than two edits away would be left out below
        form_ids = index.tokens.candidates(name.skels, only=only, fuzzy=fuzzy, last_within=2 if only is not None else None)
        if not form_ids:
            return []
        forms = index.forms
        # a cheap C-level pre-filter (persons: on the surname) before the rule checks; generous,
        # so that the rules, not the ratios, decide
        if label == "PER":
            # a full name is decided by full names of the registry (see _person_ok)
            ids = list(form_ids - index.weak_forms if len(name.tokens) >= 2 else form_ids)
            # the surname rule allows at most two edits on the skeleton
            pre = process.extract(name.skels[-1], list(map(index.last_skels.__getitem__, ids)),
                                  scorer=Levenshtein.distance, limit=None, score_cutoff=2)
            limit, closer = 100, 1  # a smaller distance is closer
        else:
            ids = list(form_ids)
            pre = process.extract(name.key, list(map(forms.__getitem__, ids)), scorer=fuzz.ratio, limit=None,
                                  score_cutoff=60)
            limit, closer = 30, -1  # a higher ratio is closer
        # closest first, then in registry order (a name before its aliases): which forms are
        # compared, and which of them settles an entity, never depends on the order of a set
        pre.sort(key=lambda item: (closer * item[1], ids[item[2]]))
        out = []
        settled: set[tuple[str, ...]] = set()  # entities already matched as well as possible
        quick = not refused and label != "PER"
        for _, _, position in pre[:limit]:
            form_id = ids[position]
            owners = index.owners[form_id]
            if owners in settled:
                continue
            form = index.names[form_id]
            if quick and words_apart(name, form, self.min_typo_length):
                continue
            verdict = compare(name, form, label, self.min_typo_length)
            if verdict.ok and verdict.score >= 95:
                settled.add(owners)
            out.append((form_id, verdict))
        out.sort(key=lambda item: (-item[1].ok, -item[1].score, forms[item[0]]))
        return out

    def _match_fuzzy(self, name: Name, label: str, context: str | None) -> _Match | None:
        by_entity: dict[str, tuple[float, str]] = {}
        for form_id, verdict in self._scored_candidates(name, label, refused=False):
            if not verdict.ok:
                continue
            form = self._index.forms[form_id]
            for entity_id, penalty in self._labelled(self._index.owners[form_id], label):
                if label == "PER" and not self._person_ok(name, entity_id, form):
                    continue
                score = verdict.score - penalty
                if score >= self.score_cutoff and score > by_entity.get(entity_id, (-1.0, ""))[0]:
                    by_entity[entity_id] = (score, form)
        if not by_entity:
            return None
        ranked = sorted(by_entity.items(), key=lambda item: (-item[1][0], item[0]))
        entity_id, (score, form) = ranked[0]
        single_surname = label == "PER" and len(name.tokens) == 1
        if len(ranked) > 1 and (single_surname or ranked[1][1][0] >= score - 3):
            # a surname two people of the registry bear: the words around it do not say which
            # (*Seinen Sohn Serdar hatte Berdymuhamedow … aufgebaut* is the father)
            if context and not single_surname:
                overlaps = sorted(((self._context_overlap(e, context), e) for e, _ in ranked), reverse=True)
                if overlaps[0][0] > overlaps[1][0]:
                    entity_id = overlaps[0][1]
                    score, form = by_entity[entity_id]
                    return _Match(entity_id, score, "fuzzy", self.registry.spelling(entity_id, form))
            return None  # two entities fit about equally well: do not guess
        method = "alias" if single_surname and name.key == form.split(" ")[-1] else "fuzzy"
        return _Match(entity_id, score, method, self.registry.spelling(entity_id, form))

    def _person_ok(self, name: Name, entity_id: str, form: str) -> bool:
        """A mention with a first name must agree with a full first name of the entity: the
        surname alone or an initial in the registry (*M. Tschiwaew*) is not enough; a mention's
        patronymic must agree with the entity's, if the registry gives one (the father
        *Wladimir Spiridonowitsch Putin* is not *Wladimir Putin*)."""
        if len(name.tokens) < 2:
            return True
        full = self._index.full_names.get(entity_id, [])
        mine = patronymic(name)
        if mine is not None:
            theirs = {token_skeleton(found) for key in full if (found := patronymic(parse_key(key, False)))}
            if theirs and token_skeleton(mine) not in theirs:
                return False
        form_name = parse_key(form, False)
        if len(form_name.tokens) >= 2 and len(form_name.tokens[0]) > 1:
            return True
        return any(compare(name, parse_key(key, False), "PER", self.min_typo_length).ok for key in full)

    def candidates(self, text: str, label: str, *, limit: int = 10) -> list[Candidate]:
        """The registry entities considered for a mention, scored 0-100, with the reason for each.

        Accepted candidates come first. Used by ``entitykit explain``.

        >>> registry = AliasRegistry.from_sources([
        ...     {"id": "per:wolfowitsch", "label": "PER", "name": "Alexander Wolfowitsch", "aliases": []},
        ...     {"id": "per:wolfowitz", "label": "PER", "name": "Paul Wolfowitz", "aliases": []}])
        >>> [(c.entity_id, c.accepted) for c in Resolver(registry).candidates("Wolfowutsch", "PER")]
        [('per:wolfowitsch', True), ('per:wolfowitz', False)]
        """
        check_mention(text, label)
        if not len(self.registry):
            return []
        registry, index = self.registry, self._index
        found: dict[str, Candidate] = {}

        def offer(candidate: Candidate) -> None:
            current = found.get(candidate.entity_id)
            if current is None or (candidate.accepted, candidate.score) > (current.accepted, current.score):
                found[candidate.entity_id] = candidate

        decision = self._match(text, label, None)
        if decision:
            entity = registry[decision.entity_id]
            reason = f"chosen for {decision.alternate!r}, one of its alternates" if decision.alternate else "chosen"
            offer(Candidate(entity.id, entity.name, entity.label, decision.score, decision.method,
                            decision.matched, True, reason))
        name = parse(text)
        scored = self._scored_candidates(name, label)
        if not name.acronym:
            # near misses the index does not propose (Wolfowitz for Wolfowutsch): one C-level
            # scan is fine for a single explanation, never for resolving
            seen = {form_id for form_id, _ in scored}
            for _, _, form_id in process.extract(name.key, index.forms, scorer=fuzz.WRatio, limit=limit, score_cutoff=50):
                if form_id not in seen:
                    scored.append((form_id, compare(name, parse_key(index.forms[form_id], False), label, self.min_typo_length)))
        for form_id, verdict in scored:
            form = index.forms[form_id]
            for entity_id in index.owners[form_id]:
                entity = registry[entity_id]
                reason = verdict.reason
                ok = verdict.ok
                if entity.label not in _COMPATIBLE[label]:
                    ok, reason = False, f"label {entity.label} cannot match {label}"
                elif ok and label == "PER" and not self._person_ok(name, entity_id, form):
                    ok, reason = False, "first name does not agree with any full name of the entity"
                elif ok and verdict.score < self.score_cutoff:
                    ok, reason = False, f"score below cutoff {self.score_cutoff:g}"
                accepted = bool(decision and decision.entity_id == entity_id)
                if not accepted and ok:
                    reason = "fits, but another entity fits as well" if decision is None else "fits less well"
                offer(Candidate(entity_id, entity.name, entity.label, verdict.score, "fuzzy",
                                registry.spelling(entity_id, form), accepted, reason))
        if name.acronym:
            for entity_id in set(index.acronyms.near(name.letters)) | index.acronyms.exact(name.letters):
                entity = registry[entity_id]
                accepted = bool(decision and decision.entity_id == entity_id)
                offer(Candidate(entity_id, entity.name, entity.label, 85.0, "acronym", self._acronym_spelling(entity_id),
                                accepted, "chosen" if accepted else "another acronym is as close"))
        ranked = sorted(found.values(), key=lambda c: (not c.accepted, -c.score, c.entity_id))
        return ranked[:limit]

    # --- whole input -------------------------------------------------------------------------

    def link(self, mentions: Iterable[Mention | tuple], *, count_forms: bool = True) -> Linked:
        """Step 1 for a whole input: each mention against the registry, then in-document
        coreference; unknown names stay ``new`` and are counted in ``forms`` (left empty with
        ``count_forms=False``, for a caller that counts them itself, as ``entitykit run`` does).

        >>> linked = Resolver().link([Mention("Alexander Wolfowitsch", "PER", doc="a"), Mention("Wolfowitsch", "PER", doc="a")])
        >>> [r.method for r in linked.resolutions], linked.forms.counts()
        (['new', 'coref'], [('Alexander Wolfowitsch', 'PER', 1)])
        """
        return self._link(_checked(mentions), count_forms=count_forms)

    def _resolve_one(self, mention: Mention) -> Resolution:
        """:meth:`resolve` of a mention of :func:`_checked` input."""
        return self._resolve_checked(mention.text, mention.label, mention.context or None)

    def _link(self, items: list[Mention], *, count_forms: bool = True) -> Linked:
        results = [self._resolve_one(mention) for mention in items]
        for index, label in _label_votes(items, results).items():
            items[index] = items[index]._replace(label=label)
            results[index] = self._resolve_one(items[index])
        rivers = river_mentions(items)
        for index in rivers:
            results[index] = river(items[index].text)
        for index, full_name in sibling_names(items).items():  # die Brüder Arkadi und Boris Rotenberg
            if results[index].method == "new":
                found = self.resolve(full_name, "PER")
                results[index] = found._replace(matched=full_name) if found.method == "new" else found
        links = {
            index: link for index, link in link_surnames(items, min_typo_length=self.min_typo_length).items()
            if items[index].label == "PER" or results[index].method == "new"  # a surname NER called ORG
        }

        def unknown(found: dict[int, tuple[int, float]]) -> dict[int, tuple[int, float]]:
            return {index: link for index, link in found.items() if results[index].method == "new"}

        # names the registry does not know: an acronym takes the long form its document defines it
        # by, an organisation's last word the one name it shortens, a name the text gives as
        # another name of an earlier one (*Tallinn (russisch Tallin)*) that name
        acronym_links = unknown(link_acronyms(items))
        links.update(acronym_links)
        links.update(unknown(link_short_forms(items)))
        links.update(self._places_lead(items, unknown(link_alternate_names(items))))
        for index, (antecedent, score) in links.items():
            if index in rivers:
                continue  # what the text calls a river stays one
            target = results[antecedent]
            results[index] = Resolution(
                target.entity_id, target.canonical, target.label, score, "coref", items[antecedent].text
            )
        forms = FormTable()
        if not count_forms:
            return Linked(results, forms)
        by_doc: dict[object, list[tuple[str, str]]] = defaultdict(list)
        known: dict[object, set[str]] = defaultdict(set)  # registry entities of each document
        defined: dict[object, list[tuple[str, str, str]]] = defaultdict(list)  # acronym definitions
        for number, (mention, result) in enumerate(zip(items, results)):
            doc = mention.doc if mention.doc is not None else number  # no doc: a document of its own
            found = deciding_form(mention.text, result, self.registry)
            if found is None:
                known[doc].add(result.entity_id)
            elif found[1]:
                by_doc[doc].append((found[0], result.label))
            elif number in acronym_links and acronym_links[number][1] == DEFINED:  # a bracket definition
                defined[doc].append((mention.text, found[0], result.label))
        for doc in dict.fromkeys([*by_doc, *defined]):  # in input order: the table keeps it
            forms.add_document(by_doc.get(doc, ()), context=known.get(doc, ()), definitions=defined.get(doc, ()))
        return Linked(results, forms)

    def _places_lead(self, items: list[Mention], links: dict[int, tuple[int, float]]) -> dict[int, tuple[int, float]]:
        """Alternate names (:func:`~entitykit.coref.link_alternate_names`) led by the one the
        gazetteer knows: when a text gives an unknown name a known place's name (*Pridnestrowje
        (…), Transnistria*), the unknown one and its mentions follow the known place, not the
        other way round; when it gives one unknown name two places, the places keep their own."""
        if not self.clusterer.gazetteer:
            return links
        groups: dict[int, list[int]] = defaultdict(list)
        for index, (antecedent, _) in links.items():
            groups[antecedent].append(index)
        led = dict(links)
        for antecedent, members in groups.items():
            head = items[antecedent]
            if head.label != "LOC" or form_place(head.text) is not None:
                continue
            placed = {index: place for index in members if (place := form_place(items[index].text)) is not None}
            if len(set(placed.values())) > 1:
                for index in placed:
                    del led[index]
                continue
            if not placed:
                continue
            leader = min(placed)
            del led[leader]
            key = normalize(head.text)  # the unknown name in every spelling of its key: Приднестро́вье
            followers = [index for index, mention in enumerate(items) if mention.doc == head.doc
                         and mention.label == "LOC" and normalize(mention.text) == key]
            for index in [*members, *followers]:
                if index != leader:
                    led[index] = (leader, ALTERNATE_NAME)
        return led

    def resolve_mentions(self, mentions: Iterable[Mention | tuple]) -> list[Resolution]:
        """Resolve a whole input at once, in input order: :meth:`link`, then cluster the unknown
        forms across the input (``cluster``), so variants merge without any registry.

        >>> Resolver().resolve_mentions([
        ...     Mention("Alexander Wolfowutsch", "PER", doc="a"), Mention("Alexander Wolfowitsch", "PER", doc="a"),
        ...     Mention("Wolfowitsch", "PER", doc="a"), Mention("Alexander Wolfowitsch", "PER", doc="b"),
        ... ])[2]
        Resolution(entity_id='new:per:alexander-wolfowitsch', canonical='Alexander Wolfowitsch', label='PER', score=100.0, method='coref', matched='Alexander Wolfowitsch')
        """
        items = _checked(mentions)
        linked = self._link(items)
        clusters = self.clusterer.cluster(linked.forms)
        out = []
        for mention, decided in zip(items, linked.resolutions):
            found = deciding_form(mention.text, decided, self.registry)
            out.append(decided if found is None else final_resolution(decided, (found[0], decided.label), found[1], clusters))
        return out

    def cluster_forms(self, forms: FormTable | Iterable[tuple[str, str, int]]) -> dict[tuple[str, str], Resolution]:
        """Step 2 alone: :meth:`FormClusterer.cluster <entitykit.clustering.FormClusterer.cluster>`
        with this resolver's settings. The registry is not consulted: pass only unknown forms.

        >>> result = Resolver().cluster_forms([("Minsk", "LOC", 12), ("Minsks", "LOC", 1), ("Pinsk", "LOC", 3)])
        >>> result[("Minsks", "LOC")].entity_id, result[("Pinsk", "LOC")].entity_id
        ('new:loc:minsk', 'new:loc:pinsk')
        """
        return self.clusterer.cluster(forms)


def _exact_keys(
    clean: str, key: str, given_first: str, label: str, cyrillic: bool, surface: dict[str, str]
) -> Iterator[tuple[str, Method, float]]:
    """The keys a mention is looked up by, in order, with the method and score of a hit: the
    whole form, given name first (*Putin Wladimir Wladimirowitsch*), the compound head (*EU* of
    *EU-Staaten*, recorded in ``surface``), the genitive stem, the name without its legal form or
    *Republik*, the English romanisation of a Cyrillic name."""
    yield key, "translit" if cyrillic else "exact", 100.0
    if given_first != key:
        yield given_first, "alias", 100.0
    head = compound_head(clean)
    if head:
        surface[normalize(head)] = head
        yield normalize(head), "alias", 95.0
    genitive = genitive_stem(clean)
    if genitive:
        yield normalize(genitive), "alias", 95.0
        if label != "PER" and genitive.endswith("e") and len(genitive) > 5:
            yield normalize(genitive[:-1]), "alias", 95.0  # des Europarates -> Europarat
    if label != "PER":
        # Volkswagen AG, OAO Lukoil, Ölkonzern Rosneft -> the company; Respublika Dagestan -> Dagestan
        for stem in (legal_form_stem(clean), leading_legal_form_stem(clean), republic_stem(clean)):
            if stem:
                yield normalize(stem), "alias", 95.0
    if cyrillic:
        yield normalize(transliterate_en(clean)), "translit", 95.0


def river(text: str) -> Resolution:
    """A place mention its context names as a river (:func:`~entitykit.coref.river_mentions`):
    never a registry or gazetteer place, but the unknown form *Fluss …*, clustered with the
    other mentions of that river and apart from the town of its name (``matched`` gives the
    form, :func:`~entitykit.clustering.deciding_form`).

    >>> river("Wjatka")
    Resolution(entity_id='new:loc:fluss-wjatka', canonical='Fluss Wjatka', label='LOC', score=100.0, method='new', matched='Fluss Wjatka')
    """
    canonical = display_form(f"Fluss {text}")
    return Resolution(new_entity_id(canonical, "LOC"), canonical, "LOC", 100.0, "new", canonical)


def _label_votes(items: Sequence[Mention], results: Sequence[Resolution]) -> dict[int, str]:
    """Mentions whose label loses the vote of their name in their document -> the winning label.

    One name (or its genitive) in one document is one entity, whatever NER called each mention
    (*Leipzig* LOC and ORG, *Berlusconi* PER and ORG): the labels of registry entities found
    for it decide, else the most frequent NER label (a surname of a person named in full in the
    document counts once more for PER), else the first mention's. The mentions
    keep their NER label in the outputs, so the disagreement stays visible.
    """
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, mention in enumerate(items):
        if mention.doc is not None:
            groups[(mention.doc, normalize(mention.text))].append(index)
    for (doc, key), indices in list(groups.items()):  # Leipzigs joins Leipzig
        stem = genitive_stem(display_form(items[indices[0]].text))
        if stem and (doc, normalize(stem)) in groups and (doc, key) in groups:
            groups[(doc, normalize(stem))].extend(groups.pop((doc, key)))
    # a surname of a full person name of the document is a person's (Berlusconi after Silvio Berlusconi)
    surnames = {(mention.doc, normalize(mention.text).split(" ")[-1]) for mention in items
                if mention.label == "PER" and " " in normalize(mention.text)}
    votes: dict[int, str] = {}
    for (doc, key), indices in groups.items():
        labels = [items[index].label for index in indices]
        if len(set(labels)) < 2:
            continue
        known = Counter(results[index].label for index in indices if results[index].method != "new")
        counts = known or Counter(labels)
        if not known and (doc, key) in surnames:
            counts["PER"] += 1
        best = max(counts.values())
        winner = next(label for label in labels if counts.get(label) == best) if not known else min(
            (label for label, count in counts.items() if count == best), key=LABELS.index
        )
        votes.update((index, winner) for index in indices if items[index].label != winner)
    return votes


def _checked(mentions: Iterable[Mention | tuple]) -> list[Mention]:
    items: list[Mention] = []
    for number, mention in enumerate(mentions, 1):
        mention = mention if isinstance(mention, Mention) else Mention(*mention)
        try:
            check_mention(mention.text, mention.label)
        except InputError as error:  # the number only when it is needed: most mentions are fine
            raise InputError(f"mention {number}: {error}") from None
        items.append(mention)
    return items


# --- explain ---------------------------------------------------------------------------------


class Explanation(NamedTuple):
    """What the resolver considered for one name: the candidates and the decision."""

    text: str
    label: str
    candidates: list[Candidate]  # best first
    decision: Resolution


def explain(
    text: str,
    label: str | None = None,
    *,
    aliases: Iterable[str | Path] = (),
    default_aliases: bool = True,
    limit: int = 10,
) -> Explanation:
    """Candidates (scores 0-100) and the decision for ``text`` against the registry.

    Without ``label`` every label is tried and the one whose decision scores best is shown.

    >>> result = explain("Wolfowutsch", "PER")
    >>> result.decision.entity_id, result.decision.method, result.candidates[0].accepted
    ('per:alexander-wolfowitsch', 'fuzzy', True)
    """
    if not text.strip():
        raise InputError("the name to explain is empty")
    if label is not None and label not in LABELS:
        raise InputError(f"label {label!r} is not one of {', '.join(LABELS)}")
    resolver = Resolver.from_aliases(aliases, default_aliases=default_aliases)
    best = None
    for option in [label] if label else LABELS:
        decision = resolver.resolve(text, option)
        rank = (decision.method != "new", decision.score)
        if best is None or rank > best[0]:
            best = (rank, option, decision)
    _, chosen, decision = best
    # the resolver widens its near-miss scan with `limit`; ask wide, show `limit`
    candidates = resolver.candidates(text, chosen, limit=max(limit, 10))[:limit]
    return Explanation(text, chosen, candidates, decision)
