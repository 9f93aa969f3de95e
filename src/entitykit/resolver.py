"""Resolve mentions to canonical entities: registry lookup, fuzzy matching, coreference, clustering.

Order of evidence for one mention (:meth:`Resolver.resolve`):

1. ``exact`` / ``alias``: the normalised text (or its compound head or genitive stem) is a
   name or alias in the registry. Exact hits never pay for fuzzy scoring.
2. ``translit``: a Cyrillic mention, or one whose :func:`~entitykit.normalize.skeleton` equals
   a registry spelling (*Lukashenko* ~ *Lukaschenko*).
3. ``acronym``: an acronym against acronyms and the initials of long forms; a one-letter slip
   in an acronym of at least 4 letters only when no other candidate is that close.
4. ``fuzzy``: RapidFuzz scores on the few candidates a token index proposes (never a scan of
   the registry). Persons: the surname decides; first names must agree.
5. ``new``: none of the above; the id is a slug of the name (``new:per:imangali-tasmagambetow``).

:meth:`Resolver.resolve_mentions` adds ``coref`` (a surname-only mention takes the entity of a
full name in the same document) and ``cluster`` (unknown variants merged across the whole input).

Hard rules, because a wrong merge is worse than a missed one: persons only match persons;
names differ if their first letters differ (*Minsk* / *Pinsk*) or their endings differ
(*Wolfowitsch* / *Wolfowitz*, *Iwanow* / *Iwanowa*); names shorter than 7 letters need an
exact or transliteration match; different first names never merge. Scores are 0-100.

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
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

from .aliases import LABELS, AliasRegistry
from .errors import InputError
from .normalize import (
    FUNCTION_WORDS,
    _skeleton_of_key,
    compound_head,
    display_form,
    genitive_stem,
    has_cyrillic,
    is_acronym,
    normalize,
    slugify,
    transliterate_en,
)

__all__ = ["Mention", "Resolution", "Candidate", "Resolver", "compare_names", "Verdict"]

logger = logging.getLogger("entitykit")

METHODS = ("exact", "alias", "fuzzy", "acronym", "translit", "coref", "cluster", "new")


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
    method: str
    matched: str | None  # the alias / variant that decided it


class Candidate(NamedTuple):
    """One entity considered for a mention, with why it was or was not accepted (for ``explain``)."""

    entity_id: str
    canonical: str
    label: str
    score: float  # 0-100
    method: str
    matched: str  # the registry spelling compared
    accepted: bool
    reason: str


class Verdict(NamedTuple):
    """Result of :func:`compare_names`: may the two names be merged, how similar, and why."""

    ok: bool
    score: float  # 0-100
    reason: str


# --- names -----------------------------------------------------------------------------------


class _Name(NamedTuple):
    key: str  # normalize()
    tokens: tuple[str, ...]  # key split on spaces and hyphens
    skels: tuple[str, ...]  # skeleton of each token
    skel: str  # skeleton of the whole name
    acronym: bool
    alt: str | None  # skeleton reading j the English way (Tajikistan = Tadschikistan), if any j


@lru_cache(maxsize=1 << 18)
def _token_skeleton(token: str) -> str:
    return _skeleton_of_key(token)


@lru_cache(maxsize=1 << 19)
def _parse_key(key: str, acronym: bool = False) -> _Name:
    tokens = tuple(token for token in _SPLIT.split(key) if token) if key else ()
    skels = tuple(_token_skeleton(token) for token in tokens)
    alt = " ".join(_token_skeleton(token.replace("j", "dzh")) for token in tokens) if "j" in key else None
    return _Name(key, tokens, skels, " ".join(skels), acronym, alt)


_SPLIT = re.compile(r"[ -]")
_INFLECTIONS = ("en", "em", "er", "es", "e", "n", "s")


@lru_cache(maxsize=1 << 16)
def _inflection_stem(token: str) -> str:
    """A German word without its case ending (*Europäischen -> europaeisch*, *Minsker -> minsk*)."""
    for ending in _INFLECTIONS:
        if token.endswith(ending) and len(token) - len(ending) >= 4:
            return token[: -len(ending)]
    return token


def _same_skeleton(a: _Name, b: _Name) -> bool:
    if a.skel == b.skel:
        return True
    return (a.alt is not None and a.alt == b.skel) or (b.alt is not None and b.alt == a.skel)


def _parse(text: str) -> _Name:
    return _parse_key(normalize(text), is_acronym(display_form(text)))


def _content(tokens: Sequence[str]) -> list[int]:
    """Positions of the tokens that are not function words."""
    return [index for index, token in enumerate(tokens) if token not in FUNCTION_WORDS]


def _initials(name: _Name) -> str | None:
    """Initials of the content words of a long form (*Organisation des Vertrags über kollektive
    Sicherheit -> ovks*), or None for names with fewer than two content words."""
    content = _content(name.tokens)
    if len(content) < 2 or name.acronym:
        return None
    letters = "".join(name.tokens[index][0] for index in content if name.tokens[index][:1].isalpha())
    return letters if len(letters) == len(content) else None


_TAIL = re.compile(r"[^aeiou][aeiou]*$")


def _tail(skel: str) -> str:
    """The last consonant and the vowels after it: what tells *-witsch* from *-witz*, *-ow* from *-owa*."""
    match = _TAIL.search(skel)
    return match.group(0) if match else skel[-1:]


def _levenshtein(a: str, b: str) -> int:
    global _levenshtein
    from rapidfuzz.distance import Levenshtein

    _levenshtein = Levenshtein.distance  # rapidfuzz is imported on first use, then called directly
    return _levenshtein(a, b)


def _adjacent_edits(a: str, b: str) -> bool:
    """Two edits that are one slip: two letters dropped or added side by side, or a swap."""
    from rapidfuzz.distance import Levenshtein

    if len(a) == len(b):  # a swap of neighbours: Wolfowtisch / Wolfowitsch
        diff = [index for index, (x, y) in enumerate(zip(a, b)) if x != y]
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    ops = Levenshtein.editops(a, b)
    kinds = {op.tag for op in ops}
    positions = [op.src_pos for op in ops]
    return len(kinds) == 1 and kinds <= {"insert", "delete"} and max(positions) - min(positions) <= 1


def _distance_scorer():
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance


def _ratio(a: str, b: str) -> float:
    global _ratio
    from rapidfuzz import fuzz

    _ratio = fuzz.ratio
    return _ratio(a, b)


def _tails_agree(tail_a: str, tail_b: str, surname: bool) -> bool:
    if tail_a == tail_b:
        return True
    # Belarusian forms turn a final -o into -a (Lukaschenko / Lukaschenka): same consonants
    return (
        surname
        and len(tail_a) == len(tail_b) >= 2
        and tail_a[:-1] == tail_b[:-1]
        and {tail_a[-1], tail_b[-1]} == {"o", "a"}
    )


def _typo_reason(
    token_a: str, token_b: str, skel_a: str, skel_b: str, min_length: int, surname: bool = False
) -> str | None:
    """None if the two tokens may be spelling variants of one word, else why not."""
    if token_a == token_b or skel_a == skel_b:
        return None
    shorter, longer = sorted((len(token_a), len(token_b)))
    if shorter < min_length:
        return f"'{token_a}' vs '{token_b}': too short for a typo (< {min_length} letters)"
    if skel_a[:1] != skel_b[:1]:
        return f"'{token_a}' vs '{token_b}': first letters differ"
    allowed = 2 if shorter >= 8 and longer >= 10 else 1
    distance = _levenshtein(skel_a, skel_b)
    if distance > allowed:
        return f"'{token_a}' vs '{token_b}': {distance} edits (at most {allowed} allowed)"
    if distance == 2 and not _adjacent_edits(skel_a, skel_b):
        # two slips side by side (Kirgisistan / Kirgistan, a transposition) are one typo;
        # two changes apart are another name (Dosagmirak / Dosadirak)
        return f"'{token_a}' vs '{token_b}': two separate edits"
    if not _tails_agree(_tail(skel_a), _tail(skel_b), surname):
        return f"'{token_a}' vs '{token_b}': endings differ (-{_tail(skel_a)} vs -{_tail(skel_b)})"
    if token_a.endswith("s") != token_b.endswith("s"):
        # one may be a genitive: Wolfowitschs is Wolfowitsch's, not a Wolfowitz
        stem_a = _token_skeleton(token_a[:-1]) if token_a.endswith("s") else skel_a
        stem_b = _token_skeleton(token_b[:-1]) if token_b.endswith("s") else skel_b
        if not _tails_agree(_tail(stem_a), _tail(stem_b), surname):
            return f"'{token_a}' vs '{token_b}': endings differ once the genitive -s is gone"
    return None


# First names that are one name in Russian, Ukrainian, Belarusian and German spelling, as skeletons.
_GIVEN_NAME_GROUPS = [
    ("aleksander", "aleksandr", "oleksandr", "aliaksandr", "alaksandr", "sasa"),
    ("vladimir", "volodimir", "uladsimir", "vladsimir"),
    ("nikolai", "mikola", "mikalai"),
    ("pitr", "piotr", "petro", "peter", "petr"),
    ("sergei", "serhii", "siarhei", "sergi"),
    ("andrei", "andri", "andrii", "andrei"),
    ("dmitri", "dmitro", "dsmitri"),
    ("mihail", "miʧail", "miʧailo", "miʧal", "mikalai"),
    ("grigori", "hrihori", "rihor"),
    ("iuri", "iurii", "iuras"),
    ("ievgeni", "ievhen", "evgeni", "ieugeni"),
    ("olga", "olha", "volha"),
    ("tatiana", "tetiana", "tasiana"),
    ("aleksei", "oleksi", "aliaksei"),
    ("viktor", "viktar"),
    ("anatoli", "anatoli", "anatol"),
]
_GIVEN_GROUP = {name: index for index, group in enumerate(_GIVEN_NAME_GROUPS) for name in group}


def _given_reason(given_a: str, given_b: str, skel_a: str, skel_b: str) -> tuple[str | None, float]:
    """(None, score) if two first names may be one, else (reason, 0)."""
    if given_a == given_b:
        return None, 100.0
    if skel_a == skel_b:
        return None, 97.0
    if len(given_a) == 1 or len(given_b) == 1:  # an initial: "A. Lukaschenko"
        return (None, 90.0) if given_a[0] == given_b[0] else (f"initial '{given_a[0]}' vs '{given_b[0]}'", 0.0)
    group_a, group_b = _GIVEN_GROUP.get(skel_a), _GIVEN_GROUP.get(skel_b)
    if group_a is not None and group_a == group_b:
        return None, 95.0
    if skel_a[:1] == skel_b[:1] and _tail(skel_a) == _tail(skel_b) and _levenshtein(skel_a, skel_b) <= 2:
        if min(len(skel_a), len(skel_b)) >= 5:
            return None, max(85.0, _ratio(skel_a, skel_b))
    return f"first names differ ('{given_a}' vs '{given_b}')", 0.0


def compare_names(a: str, b: str, label: str, *, min_typo_length: int = 7) -> Verdict:
    """May two names of one label be one entity? The rules entitykit merges by, with a 0-100 score.

    Persons: the surname decides and first names must agree (*Alexander / Aleksandr*); a
    surname alone agrees with a full name. Other labels: every content word must agree. Words
    agree when equal, when their skeletons are equal (transliteration), or as a typo of a long
    word (at least ``min_typo_length`` letters, same first letter, same ending, 1-2 edits).

    >>> compare_names("Alexander Wolfowutsch", "Alexander Wolfowitsch", "PER").ok
    True
    >>> compare_names("Wolfowitsch", "Wolfowitz", "PER").reason
    "surnames differ: 'wolfowitsch' vs 'wolfowitz': endings differ (-ʧ vs -s)"
    >>> compare_names("Minsk", "Pinsk", "LOC").ok, compare_names("Tasmagambetow", "Tasmagambetov", "PER").ok
    (False, True)
    """
    name_a, name_b = _parse(a), _parse(b)
    return _compare(name_a, name_b, label, min_typo_length)


def _compare(a: _Name, b: _Name, label: str, min_typo_length: int = 7) -> Verdict:
    if not a.key or not b.key:
        return Verdict(False, 0.0, "empty name")
    if a.key == b.key:
        return Verdict(True, 100.0, "same normalised spelling")
    if a.acronym or b.acronym:
        return _compare_acronyms(a, b)
    if _same_skeleton(a, b):
        if len(a.tokens) == 1 and min(len(a.key), len(b.key)) < 4:
            return Verdict(False, 90.0, "too short to trust a transliteration match")
        return Verdict(True, 95.0, "same skeleton (transliteration variant)")
    if label == "PER":
        return _compare_persons(a, b, min_typo_length)
    content_a, content_b = _content(a.tokens), _content(b.tokens)
    if len(content_a) != len(content_b) or not content_a:
        return Verdict(False, _ratio(a.key, b.key), "different number of words")
    if len(content_a) > 1:
        stems_a = [_inflection_stem(a.tokens[index]) for index in content_a]
        stems_b = [_inflection_stem(b.tokens[index]) for index in content_b]
        if stems_a == stems_b:
            return Verdict(True, 95.0, "same words, other case endings")
        if sorted(stems_a) == sorted(stems_b):
            return Verdict(True, 90.0, "same words in another order")
    typos = 0
    for index_a, index_b in zip(content_a, content_b):
        token_a, token_b = a.tokens[index_a], b.tokens[index_b]
        if len(content_a) > 1 and _inflection_stem(token_a) == _inflection_stem(token_b):
            continue
        reason = _typo_reason(token_a, token_b, a.skels[index_a], b.skels[index_b], min_typo_length)
        if reason:
            return Verdict(False, _ratio(a.key, b.key), reason)
        typos += a.skels[index_a] != b.skels[index_b]
    if typos > max(1, len(content_a) // 3):
        return Verdict(False, _ratio(a.key, b.key), f"{typos} words misspelt")
    return Verdict(True, max(_ratio(a.key, b.key), _ratio(a.skel, b.skel)), "spelling variant")


def _compare_persons(a: _Name, b: _Name, min_typo_length: int) -> Verdict:
    surname_a, surname_b = a.tokens[-1], b.tokens[-1]
    skel_a, skel_b = a.skels[-1], b.skels[-1]
    reason = _typo_reason(surname_a, surname_b, skel_a, skel_b, min_typo_length, surname=True)
    if reason:
        return Verdict(False, _ratio(a.key, b.key), f"surnames differ: {reason}")
    if surname_a == surname_b:
        surname_score = 100.0
    elif skel_a == skel_b:
        surname_score = 97.0
    else:
        surname_score = max(_ratio(surname_a, surname_b), _ratio(skel_a, skel_b))
    if len(a.tokens) == 1 or len(b.tokens) == 1:
        if len(a.tokens) == len(b.tokens):
            return Verdict(True, round(surname_score, 1), "spelling variant")
        return Verdict(True, round(surname_score * 0.95, 1), "surname only")
    given_reason, given_score = _given_reason(a.tokens[0], b.tokens[0], a.skels[0], b.skels[0])
    if given_reason:
        return Verdict(False, _ratio(a.key, b.key), given_reason)
    return Verdict(True, round(0.7 * surname_score + 0.3 * given_score, 1), "spelling variant")


def _compare_acronyms(a: _Name, b: _Name) -> Verdict:
    if a.acronym and b.acronym:
        letters_a, letters_b = a.key.replace(" ", ""), b.key.replace(" ", "")
        if letters_a == letters_b:
            return Verdict(True, 100.0, "same acronym")
        if min(len(letters_a), len(letters_b)) >= 4 and letters_a[0] == letters_b[0]:
            if _levenshtein(letters_a, letters_b) == 1:
                return Verdict(True, 85.0, "one-letter slip in an acronym")
        return Verdict(False, _ratio(letters_a, letters_b), "different acronyms")
    acronym, long_form = (a, b) if a.acronym else (b, a)
    initials = _initials(long_form)
    if initials and initials == acronym.key.replace(" ", ""):
        return Verdict(True, 95.0, "acronym of the long form")
    return Verdict(False, 0.0, "acronym does not match the initials of the long form")


# --- token index (blocking) ------------------------------------------------------------------


def _deletions(token: str) -> list[str]:
    return [token[:index] + token[index + 1 :] for index in range(len(token))]


class _TokenIndex:
    """Forms indexed by the skeletons of their words, plus a one-deletion neighbourhood.

    Two words within one edit share the word or a one-letter deletion of it, so a lookup
    finds every such form without comparing against all of them (SymSpell's idea). Long
    words are also keyed by their first and last three letters, which finds two edits in
    the middle (*Kirgisistan* / *Kirgistan*).
    """

    MIN_DELETE = 4  # shorter words only match exactly
    MIN_AFFIX = 8

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.postings: list[list[int]] = []
        self.deletions: dict[str, int | list[int]] = {}
        self.affixes: dict[str, list[int]] = {}

    def _token_id(self, token: str) -> int:
        token_id = self.vocab.get(token)
        if token_id is None:
            token_id = self.vocab[token] = len(self.postings)
            self.postings.append([])
            if len(token) >= self.MIN_DELETE:
                deletions = self.deletions
                for variant in set(_deletions(token)):
                    found = deletions.get(variant)
                    if found is None:
                        deletions[variant] = token_id
                    elif isinstance(found, int):
                        deletions[variant] = [found, token_id]
                    else:
                        found.append(token_id)
            if len(token) >= self.MIN_AFFIX:
                self.affixes.setdefault(token[:3] + token[-3:], []).append(token_id)
        return token_id

    def add(self, form_id: int, skels: Iterable[str]) -> None:
        for token in set(skels):
            if token and token not in FUNCTION_WORDS:
                self.postings[self._token_id(token)].append(form_id)

    def similar(self, token: str, *, fuzzy: bool = True) -> set[int]:
        """Ids of indexed words equal to ``token`` or (``fuzzy``) within about one edit of it."""
        found: set[int] = set()
        vocab, deletions = self.vocab, self.deletions
        exact = vocab.get(token)
        if exact is not None:
            found.add(exact)
        if not fuzzy or len(token) < self.MIN_DELETE:
            return found
        variants = _deletions(token)
        for key in (token, *variants):
            hit = deletions.get(key)
            if hit is None:
                continue
            if isinstance(hit, int):
                found.add(hit)
            else:
                found.update(hit)
        for variant in variants:
            hit_id = vocab.get(variant)
            if hit_id is not None:
                found.add(hit_id)
        if len(token) >= self.MIN_AFFIX - 2:
            found.update(self.affixes.get(token[:3] + token[-3:], ()))
        return found

    def candidates(
        self, skels: Sequence[str], *, only: int | None = None, limit: int = 3000, fuzzy: Sequence[bool] = ()
    ) -> set[int]:
        """Forms sharing a (nearly) equal word with the query: the rarest word's neighbours.

        ``only`` restricts the search to one word (the surname of a person); ``fuzzy[i]`` false
        means word i is too short for typos and only matches exactly.
        """
        positions = [only] if only is not None else [
            index for index, token in enumerate(skels) if token and token not in FUNCTION_WORDS
        ]
        postings = self.postings
        best: set[int] | None = None
        best_size = 0
        for position in positions:
            token_ids = self.similar(skels[position], fuzzy=fuzzy[position] if fuzzy else True)
            if len(positions) == 1:
                best, best_size = token_ids, 0
                break
            size = sum(len(postings[token_id]) for token_id in token_ids)
            if size and (best is None or size < best_size):
                best, best_size = token_ids, size
        if not best or best_size > limit:
            return set()  # nothing near, or only words so common that they tell nothing apart
        forms: set[int] = set()
        for token_id in best:
            forms.update(postings[token_id])
        return forms if len(forms) <= limit else set()


# --- the resolver ----------------------------------------------------------------------------

_COMPATIBLE = {
    "PER": ("PER",),
    "ORG": ("ORG", "LOC", "MISC"),
    "LOC": ("LOC", "ORG", "MISC"),
    "MISC": ("MISC", "ORG", "LOC"),
}


def _check_label(label: str, where: str = "") -> str:
    if label not in LABELS:
        raise InputError(f"{where}unknown label {label!r}; use one of {', '.join(LABELS)}")
    return label


def _check_text(text: object, where: str = "") -> str:
    if not isinstance(text, str):
        raise InputError(f"{where}mention text must be a string, got {type(text).__name__}")
    if not text.strip():
        raise InputError(f"{where}mention text is empty")
    if not normalize(text):
        raise InputError(f"{where}mention text {text!r} has no letters or digits")
    return text


def new_entity_id(text: str, label: str) -> str:
    """The deterministic id of an entity that is in no registry: ``new:<label>:<slug>``.

    >>> new_entity_id("Imangali Tasmagambetow", "PER")
    'new:per:imangali-tasmagambetow'
    """
    return f"new:{label.lower()}:{slugify(text)}"


class _Match(NamedTuple):
    entity_id: str
    score: float
    method: str
    matched: str
    label: str


class Resolver:
    """Resolve mentions against an :class:`~entitykit.aliases.AliasRegistry` and to each other.

    ``registry=None`` means no registry (coreference and clustering only); pass
    :func:`~entitykit.aliases.default_registry()` for the one shipped with entitykit.
    ``score_cutoff`` (0-100) is the lowest fuzzy score accepted on top of the hard rules;
    ``cross_label_penalty`` is taken off when ORG, LOC and MISC match across labels;
    ``min_typo_length`` is the shortest word (in letters) that may match with a typo.

    >>> from entitykit.aliases import AliasRegistry
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
    ) -> None:
        if not 0 <= score_cutoff <= 100:
            raise InputError(f"score_cutoff must be between 0 and 100, got {score_cutoff}")
        self.registry = registry if registry is not None else AliasRegistry()
        self.score_cutoff = float(score_cutoff)
        self.cross_label_penalty = float(cross_label_penalty)
        self.min_typo_length = int(min_typo_length)
        self._indexed = False
        self._cache: dict[tuple[str, str], Resolution] = {}

    def __repr__(self) -> str:
        return f"<Resolver {self.registry!r} score_cutoff={self.score_cutoff}>"

    # --- registry indexes (built on first non-exact lookup) ----------------------------------

    def build_index(self) -> None:
        """Build the fuzzy, skeleton, surname and acronym indexes now (else on first need)."""
        if self._indexed:
            return
        registry = self.registry
        self._forms: list[str] = []  # form id -> normalised key
        self._form_ids: list[tuple[str, ...]] = []
        self._skeletons: dict[str, set[str]] = defaultdict(set)
        self._surnames: dict[str, set[str]] = defaultdict(set)
        self._acronyms: dict[str, set[str]] = defaultdict(set)  # acronym letters -> ids
        self._acronym_deletions: dict[str, set[str]] = defaultdict(set)
        self._full_names: dict[str, list[str]] = defaultdict(list)  # PER id -> keys with first names
        self._long_forms: set[str] = set()  # ids with a multi-word name whose initials are indexed
        self._last_skels: list[str] = []  # form id -> skeleton of its last word
        self._weak_forms: set[int] = set()
        self._index = _TokenIndex()
        acronym_keys = {
            normalize(alias) for entity in registry for alias in entity.names if is_acronym(display_form(alias))
        }
        labels = {entity.id: entity.label for entity in registry}
        for key, ids in registry.keys():
            form_id = len(self._forms)
            self._forms.append(key)
            self._form_ids.append(ids)
            name = _parse_key(key, key in acronym_keys)
            if not name.acronym:
                for entity_id in ids:
                    self._skeletons[name.skel].add(entity_id)
                    if name.alt:
                        self._skeletons[name.alt].add(entity_id)
            if name.acronym:
                self._last_skels.append("")
                letters = key.replace(" ", "")
                for entity_id in ids:
                    self._acronyms[letters].add(entity_id)
                    if len(letters) >= 4:
                        for variant in _deletions(letters):
                            self._acronym_deletions[variant].add(entity_id)
                continue
            initials = _initials(name)
            if initials:
                for entity_id in ids:
                    if labels[entity_id] != "PER":
                        self._acronyms[initials].add(entity_id)
                        self._long_forms.add(entity_id)
            self._index.add(form_id, name.skels)
            self._last_skels.append(name.skels[-1] if name.skels else "")
            if len(name.tokens) < 2 or len(name.tokens[0]) == 1:
                self._weak_forms.add(form_id)  # a surname alone or with an initial
            if len(name.tokens) >= 2:
                for entity_id in ids:
                    if labels[entity_id] == "PER":
                        self._surnames[name.skels[-1]].add(entity_id)
                        if len(name.tokens[0]) > 1:
                            self._full_names[entity_id].append(key)
        self._indexed = True

    # --- one mention ---------------------------------------------------------------------

    def resolve(self, text: str, label: str, *, context: str | None = None) -> Resolution:
        """Resolve one mention against the registry; unknown names get a ``new:`` id.

        Raises :class:`~entitykit.errors.InputError` for an empty text or unknown label.

        >>> Resolver().resolve("Präsident Imangali Tasmagambetow", "PER")
        Resolution(entity_id='new:per:imangali-tasmagambetow', canonical='Imangali Tasmagambetow', label='PER', score=100.0, method='new', matched=None)
        """
        cache_key = (text, label)
        if context is None:
            cached = self._cache.get(cache_key)
            if cached is not None:
                return cached
        _check_label(label)
        _check_text(text)
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
        out = []
        for entity_id in ids:
            entity_label = self.registry[entity_id].label
            if entity_label in allowed:
                out.append((entity_id, 0.0 if entity_label == label else self.cross_label_penalty))
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
        registry = self.registry
        if not len(registry):
            return None
        clean = display_form(text)
        key = normalize(text)
        cyrillic = has_cyrillic(clean)
        # 1. exact keys: the whole form first, then compound head, genitive stem, English romanisation
        keys: list[tuple[str, str, float]] = [(key, "translit" if cyrillic else "exact", 100.0)]
        head = compound_head(clean)
        if head:
            keys.append((normalize(head), "alias", 95.0))
        stem = genitive_stem(clean)
        if stem:
            keys.append((normalize(stem), "alias", 95.0))
        if cyrillic:
            keys.append((normalize(transliterate_en(clean)), "translit", 95.0))
        for candidate_key, method, score in keys:
            ids = registry.lookup_key(candidate_key)
            if not ids:
                continue
            picked = self._pick(ids, label, context, candidate_key)
            if picked is None:
                continue
            entity_id, penalty = picked
            if method == "exact" and normalize(registry[entity_id].name) != candidate_key:
                method = "alias"
            return _Match(entity_id, score - penalty, method, registry.spelling(entity_id, candidate_key), label)
        self.build_index()
        name = _parse_key(key, is_acronym(clean))
        # 2. transliteration: equal skeletons
        for candidate_key, _, _ in keys:
            candidate = _parse_key(candidate_key, name.acronym)
            if candidate.acronym or (len(candidate.tokens) == 1 and len(candidate_key) < 4):
                continue
            ids = self._skeletons.get(candidate.skel) or (self._skeletons.get(candidate.alt) if candidate.alt else None)
            if ids:
                picked = self._pick(ids, label, context, candidate_key)
                if picked:
                    entity_id, penalty = picked
                    matched = self._spelling_by_skeleton(entity_id, candidate.skel)
                    return _Match(entity_id, 92.0 - penalty, "translit", matched, label)
        # 3. acronyms; 4. surname only and fuzzy; 5. a long form by its initials (weakest evidence)
        if name.acronym:
            return self._match_acronym(name, label, context)
        return self._match_fuzzy(name, label, context) or self._match_acronym(name, label, context)

    def _spelling_by_skeleton(self, entity_id: str, skel: str) -> str:
        entity = self.registry[entity_id]
        query = _parse_key("", False)._replace(skel=skel)
        for alias in entity.names:
            if _same_skeleton(_parse(alias), query) or _parse(alias).skel == skel:
                return alias
        return entity.name

    def _match_acronym(self, name: _Name, label: str, context: str | None) -> _Match | None:
        if name.acronym:
            letters = name.key.replace(" ", "")
            ids = self._acronyms.get(letters)
            if ids:
                picked = self._pick(ids, label, context, name.key)
                if picked:
                    return _Match(picked[0], 95.0 - picked[1], "acronym", self.registry[picked[0]].name, label)
            if len(letters) >= 4:
                near = self._near_acronyms(letters)
                options = self._labelled(near, label)
                best = [option for option in options if option[1] == options[0][1]] if options else []
                if len(best) == 1:  # a slip only when no other acronym is that close
                    entity_id, penalty = best[0]
                    return _Match(entity_id, 85.0 - penalty, "acronym", self._acronym_spelling(entity_id), label)
            return None
        initials = _initials(name)
        if initials and len(initials) >= 2:
            # an entity with a long form of its own would have matched it above: a different
            # long form with the same initials is a different organisation
            ids = [entity_id for entity_id in self._acronyms.get(initials, ()) if entity_id not in self._long_forms]
            if ids:
                picked = self._pick(ids, label, context, initials)
                if picked and len(self._labelled(ids, label)) == 1:
                    entity_id, penalty = picked
                    return _Match(entity_id, 90.0 - penalty, "acronym", self._acronym_spelling(entity_id), label)
        return None

    def _near_acronyms(self, letters: str) -> set[str]:
        """Ids of acronyms one edit away from ``letters`` with the same first letter."""
        found: set[str] = set()
        for variant in (letters, *_deletions(letters)):
            found |= self._acronym_deletions.get(variant, set())
            if variant != letters:
                found |= {
                    entity_id
                    for entity_id in self._acronyms.get(variant, ())
                    if len(variant) >= 4
                }
        out = set()
        for entity_id in found:
            spellings = [normalize(alias).replace(" ", "") for alias in self.registry[entity_id].names]
            if any(
                spelling[:1] == letters[:1] and len(spelling) >= 4 and _levenshtein(spelling, letters) == 1
                for spelling in spellings
            ):
                out.add(entity_id)
        return out

    def _acronym_spelling(self, entity_id: str) -> str:
        entity = self.registry[entity_id]
        return next((alias for alias in entity.names if is_acronym(alias)), entity.name)

    def _scored_candidates(self, name: _Name, label: str) -> list[tuple[int, Verdict]]:
        """(form id, verdict) for the forms the token index proposes, best first."""
        if not name.tokens or name.acronym:
            return []
        only = len(name.tokens) - 1 if label == "PER" else None
        fuzzy = [len(token) >= self.min_typo_length for token in name.tokens]
        form_ids = self._index.candidates(name.skels, only=only, fuzzy=fuzzy)
        if not form_ids:
            return []
        from rapidfuzz import fuzz, process

        forms = self._forms
        # a cheap C-level pre-filter (persons: on the surname) before the rule checks; generous,
        # so that the rules, not the ratios, decide
        if label == "PER":
            last = self._last_skels
            if len(name.tokens) >= 2:
                # a full name is decided by full names of the registry (see _person_ok)
                weak = self._weak_forms
                choices = {form_id: last[form_id] for form_id in form_ids if form_id not in weak}
            else:
                choices = {form_id: last[form_id] for form_id in form_ids}
            # the surname rule allows at most two edits on the skeleton
            pre = process.extract(name.skels[-1], choices, scorer=_distance_scorer(), limit=100, score_cutoff=2)
        else:
            choices = {form_id: forms[form_id] for form_id in form_ids}
            pre = process.extract(name.key, choices, scorer=fuzz.ratio, limit=30, score_cutoff=60)
        out = []
        settled: set[tuple[str, ...]] = set()  # entities already matched as well as possible
        for _, _, form_id in pre:
            owners = self._form_ids[form_id]
            if owners in settled:
                continue
            verdict = _compare(name, _parse_key(forms[form_id], False), label, self.min_typo_length)
            if verdict.ok and verdict.score >= 95:
                settled.add(owners)
            out.append((form_id, verdict))
        out.sort(key=lambda item: (-item[1].ok, -item[1].score, forms[item[0]]))
        return out

    def _match_fuzzy(self, name: _Name, label: str, context: str | None) -> _Match | None:
        scored = self._scored_candidates(name, label)
        by_entity: dict[str, tuple[float, str]] = {}
        for form_id, verdict in scored:
            if not verdict.ok:
                continue
            form = self._forms[form_id]
            for entity_id, penalty in self._labelled(self._form_ids[form_id], label):
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
            if context:
                overlaps = sorted(((self._context_overlap(e, context), e) for e, _ in ranked), reverse=True)
                if overlaps[0][0] > overlaps[1][0]:
                    entity_id = overlaps[0][1]
                    score, form = by_entity[entity_id]
                    return _Match(entity_id, score, "fuzzy", self.registry.spelling(entity_id, form), label)
            return None  # two entities fit about equally well: do not guess
        method = "alias" if single_surname and name.key == form.split(" ")[-1] else "fuzzy"
        return _Match(entity_id, score, method, self.registry.spelling(entity_id, form), label)

    def _person_ok(self, name: _Name, entity_id: str, form: str) -> bool:
        """A mention with a first name must agree with a full first name of the entity: the
        surname alone or an initial in the registry (*M. Tschiwaew*) is not enough."""
        if len(name.tokens) < 2:
            return True
        form_name = _parse_key(form, False)
        if len(form_name.tokens) >= 2 and len(form_name.tokens[0]) > 1:
            return True
        full = self._full_names.get(entity_id, [])
        return any(_compare(name, _parse_key(key, False), "PER", self.min_typo_length).ok for key in full)

    def candidates(self, text: str, label: str, *, limit: int = 10) -> list[Candidate]:
        """The registry entities considered for a mention, scored 0-100, with the reason for each.

        Accepted candidates come first. Used by ``entitykit explain``.

        >>> from entitykit.aliases import AliasRegistry
        >>> registry = AliasRegistry.from_sources([
        ...     {"id": "per:wolfowitsch", "label": "PER", "name": "Alexander Wolfowitsch", "aliases": []},
        ...     {"id": "per:wolfowitz", "label": "PER", "name": "Paul Wolfowitz", "aliases": []}])
        >>> [(c.entity_id, c.accepted) for c in Resolver(registry).candidates("Wolfowutsch", "PER")]
        [('per:wolfowitsch', True), ('per:wolfowitz', False)]
        """
        _check_label(label)
        _check_text(text)
        if not len(self.registry):
            return []
        self.build_index()
        registry = self.registry
        found: dict[str, Candidate] = {}

        def offer(candidate: Candidate) -> None:
            current = found.get(candidate.entity_id)
            if current is None or (candidate.accepted, candidate.score) > (current.accepted, current.score):
                found[candidate.entity_id] = candidate

        decision = self._match(text, label, None)
        if decision:
            entity = registry[decision.entity_id]
            offer(Candidate(entity.id, entity.name, entity.label, decision.score, decision.method,
                            decision.matched, True, "chosen"))
        name = _parse_key(normalize(text), is_acronym(display_form(text)))
        scored = self._scored_candidates(name, label)
        if not name.acronym:
            # near misses the index does not propose (Wolfowitz for Wolfowutsch): one C-level
            # scan is fine for a single explanation, never for resolving
            from rapidfuzz import fuzz, process

            seen = {form_id for form_id, _ in scored}
            for _, _, form_id in process.extract(name.key, self._forms, scorer=fuzz.WRatio, limit=limit, score_cutoff=50):
                if form_id not in seen:
                    scored.append((form_id, _compare(name, _parse_key(self._forms[form_id], False), label, self.min_typo_length)))
        for form_id, verdict in scored:
            form = self._forms[form_id]
            for entity_id in self._form_ids[form_id]:
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
            letters = name.key.replace(" ", "")
            for entity_id in self._near_acronyms(letters) | self._acronyms.get(letters, set()):
                entity = registry[entity_id]
                accepted = bool(decision and decision.entity_id == entity_id)
                offer(Candidate(entity_id, entity.name, entity.label, 85.0, "acronym", self._acronym_spelling(entity_id),
                                accepted, "chosen" if accepted else "another acronym is as close"))
        ranked = sorted(found.values(), key=lambda c: (not c.accepted, -c.score, c.entity_id))
        return ranked[:limit]

    # --- whole input ---------------------------------------------------------------------

    def resolve_mentions(self, mentions: Iterable[Mention | tuple]) -> list[Resolution]:
        """Resolve a whole input at once, in input order.

        Each mention is looked up in the registry; in each ``doc`` a surname-only person takes
        the entity of a full name with that surname (``coref``); the mentions left unknown are
        clustered across the input (``cluster``), so variants merge without any registry.

        >>> Resolver().resolve_mentions([
        ...     Mention("Alexander Wolfowutsch", "PER", doc="a"), Mention("Alexander Wolfowitsch", "PER", doc="a"),
        ...     Mention("Wolfowitsch", "PER", doc="a"), Mention("Alexander Wolfowitsch", "PER", doc="b"),
        ... ])[2]
        Resolution(entity_id='new:per:alexander-wolfowitsch', canonical='Alexander Wolfowitsch', label='PER', score=100.0, method='coref', matched='Alexander Wolfowitsch')
        """
        items: list[Mention] = []
        for number, mention in enumerate(mentions, 1):
            mention = Mention(*mention) if not isinstance(mention, Mention) else mention
            where = f"mention {number}: "
            _check_label(mention.label, where)
            _check_text(mention.text, where)
            items.append(mention)
        results: list[Resolution | None] = [
            self.resolve(m.text, m.label, context=m.context) if m.context else self.resolve(m.text, m.label)
            for m in items
        ]
        links = self._coreference(items, results)
        unknown: Counter[tuple[str, str]] = Counter(
            (m.text, m.label) for index, m in enumerate(items) if results[index].method == "new" and index not in links
        )
        clusters = self.cluster_forms((text, label, count) for (text, label), count in unknown.items())
        for index, mention in enumerate(items):
            if index not in links and results[index].method == "new":
                results[index] = clusters[(mention.text, mention.label)]
        for index, (antecedent, score) in links.items():
            target = results[antecedent]
            results[index] = Resolution(
                target.entity_id, target.canonical, target.label, score, "coref", items[antecedent].text
            )
        return results  # type: ignore[return-value]

    def _coreference(self, items: list[Mention], results: list[Resolution]) -> dict[int, tuple[int, float]]:
        """Surname-only persons -> the nearest full name with that surname in the same doc."""
        by_doc: dict[str, list[int]] = defaultdict(list)
        for index, mention in enumerate(items):
            if mention.doc is not None and mention.label == "PER":
                by_doc[mention.doc].append(index)
        links: dict[int, tuple[int, float]] = {}
        for indices in by_doc.values():
            names = {index: _parse(items[index].text) for index in indices}
            full = [index for index in indices if len(names[index].tokens) >= 2]
            if not full:
                continue
            for index in indices:
                name = names[index]
                if len(name.tokens) != 1 or name.acronym:
                    continue
                stem = genitive_stem(display_form(items[index].text))  # "Lukaschenkos Rede"
                forms = [name] + ([_parse(stem)] if stem and len(normalize(stem)) >= 5 else [])
                fits = []
                for other in full:
                    verdicts = [_compare(form, names[other], "PER", self.min_typo_length) for form in forms]
                    best = max(verdicts, key=lambda verdict: (verdict.ok, verdict.score))
                    if best.ok:
                        fits.append((other, best.score))
                if not fits:
                    continue
                before = [fit for fit in fits if fit[0] < index]
                antecedent, score = before[-1] if before else fits[0]
                links[index] = (antecedent, round(min(100.0, score / 0.95), 1))
        return links

    # --- clustering unknown forms --------------------------------------------------------

    def cluster_forms(self, forms: Iterable[tuple[str, str, int]]) -> dict[tuple[str, str], Resolution]:
        """Cluster distinct unknown forms ``(text, label, count)`` across a whole input.

        Variants (typos, transliterations, genitives, acronyms and long forms, surname-only
        and full names) merge into one entity whose canonical form is the most frequent
        well-formed variant and whose id is ``new:<label>:<slug>``. Blocking keeps this
        sub-quadratic. The registry is not consulted: pass only forms it did not resolve.

        >>> result = Resolver().cluster_forms([("OVKS", "ORG", 12), ("OVKAS", "ORG", 1), ("OSZE", "ORG", 3)])
        >>> result[("OVKAS", "ORG")].entity_id, result[("OSZE", "ORG")].entity_id
        ('new:org:ovks', 'new:org:osze')
        """
        table: dict[tuple[str, str], dict] = {}
        originals: dict[tuple[str, str], tuple[str, str]] = {}
        for number, row in enumerate(forms, 1):
            try:
                text, label, count = row
            except (TypeError, ValueError):
                raise InputError(f"form {number}: expected (text, label, count), got {row!r}") from None
            where = f"form {number}: "
            _check_label(label, where)
            _check_text(text, where)
            if not isinstance(count, int) or count < 1:
                raise InputError(f"{where}count must be a positive integer, got {count!r}")
            clean = display_form(text)
            key = normalize(text)
            entry = table.setdefault((key, label), {"count": 0, "texts": Counter(), "acronym": False})
            entry["count"] += count
            entry["texts"][clean] += count
            entry["acronym"] = entry["acronym"] or is_acronym(clean)
            originals[(text, label)] = (key, label)
        by_label: dict[str, list[str]] = defaultdict(list)
        for key, label in table:
            by_label[label].append(key)
        assignment: dict[tuple[str, str], tuple[int, str, float]] = {}  # form -> (cluster, matched key, score)
        clusters: list[list[str]] = []
        cluster_labels: list[str] = []
        for label in sorted(by_label):
            self._cluster_label(label, by_label[label], table, clusters, cluster_labels, assignment)
        resolutions = self._name_clusters(table, clusters, cluster_labels, assignment)
        return {original: resolutions[form] for original, form in originals.items()}

    def _cluster_label(self, label, keys, table, clusters, cluster_labels, assignment) -> None:
        names = {key: _parse_key(key, table[(key, label)]["acronym"]) for key in keys}
        # forms that are another form plus a genitive -s or a generic compound head join it outright
        parent: dict[str, str] = {}
        for key in keys:
            texts = table[(key, label)]["texts"]
            text = texts.most_common(1)[0][0]
            # Lukas is not the genitive of Luka: a person's stem needs 5 letters (Putins -> Putin),
            # a place's 3 (Kiews -> Kiew)
            shortest = 5 if label == "PER" else 3
            stem = genitive_stem(text)
            shorter_forms = [stem, compound_head(text)]
            if stem and stem.endswith("e") and label != "PER":
                shorter_forms.append(stem[:-1])  # Unionsstaates -> Unionsstaat
            for shorter in shorter_forms:
                if shorter:
                    shorter_key = normalize(shorter)
                    if shorter_key != key and shorter_key in names and (
                        len(shorter_key) >= shortest or names[shorter_key].acronym
                    ):
                        parent[key] = shorter_key
                        break

        def root(key: str) -> str:
            seen = set()
            while key in parent and key not in seen:
                seen.add(key)
                key = parent[key]
            return key

        groups: dict[str, list[str]] = defaultdict(list)
        for key in keys:
            groups[root(key)].append(key)
        # equal skeletons are one group too (transliteration variants)
        by_skeleton: dict[str, str] = {}
        merged: dict[str, str] = {}
        for group_root in sorted(groups):
            name = names[group_root]
            if name.acronym or (len(name.tokens) == 1 and len(name.key) < 3):
                continue
            other = by_skeleton.setdefault(name.skel, group_root)
            if other == group_root and name.alt:
                other = by_skeleton.get(name.alt, group_root)
            if other != group_root:
                merged[group_root] = other
        for group_root in sorted(groups):  # a later form whose English reading meets an earlier one
            name = names[group_root]
            if group_root in merged or name.acronym or not name.alt or (len(name.tokens) == 1 and len(name.key) < 3):
                continue
            other = by_skeleton.get(name.alt)
            if other and other != group_root and merged.get(other) != group_root:
                merged[group_root] = other
        for group_root in list(merged):  # follow chains to their end
            target, seen = merged[group_root], {group_root}
            while target in merged and target not in seen:
                seen.add(target)
                target = merged[target]
            merged[group_root] = target
        for group_root, target in merged.items():
            groups[target].extend(groups.pop(group_root))

        def order(group_root: str) -> tuple:
            members = groups[group_root]
            total = sum(table[(key, label)]["count"] for key in members)
            width = max(len(names[key].tokens) for key in members)
            single_person = label == "PER" and width == 1
            return (single_person, -total, group_root)

        index = _TokenIndex()
        form_keys: list[str] = []
        form_cluster: list[int] = []
        acronym_clusters: dict[str, set[int]] = defaultdict(set)  # acronym letters or initials -> clusters
        acronym_deletions: dict[str, set[int]] = defaultdict(set)
        long_form_clusters: set[int] = set()
        leaders: list[_Name] = []
        first_cluster = len(clusters)
        for group_root in sorted(groups, key=order):
            members = groups[group_root]
            # genitives and compounds follow their stem; only the stems look for a cluster
            deciding = [names[key] for key in members if key not in parent] or [names[group_root]]
            target, matched, score = self._place_group(
                deciding, label, index, form_keys, form_cluster,
                acronym_clusters, acronym_deletions, leaders, first_cluster, long_form_clusters,
            )
            if target is None:
                target = len(clusters)
                clusters.append([])
                cluster_labels.append(label)
                leaders.append(names[group_root])
                matched, score = group_root, 100.0
            clusters[target].extend(members)
            for key in members:
                name = names[key]
                if key == group_root:
                    assignment[(key, label)] = (target, matched, score)
                else:
                    link_score = _compare(name, names[group_root], label, self.min_typo_length).score
                    assignment[(key, label)] = (target, group_root, link_score)
                form_id = len(form_keys)
                form_keys.append(key)
                form_cluster.append(target)
                if name.acronym:
                    letters = key.replace(" ", "")
                    acronym_clusters[letters].add(target)
                    if len(letters) >= 4:
                        for variant in _deletions(letters):
                            acronym_deletions[variant].add(target)
                else:
                    initials = _initials(name)
                    if initials and label != "PER":
                        acronym_clusters[initials].add(target)
                        long_form_clusters.add(target)
                    index.add(form_id, name.skels)

    def _place_group(self, members, label, index, form_keys, form_cluster, acronym_clusters,
                     acronym_deletions, leaders, first_cluster, long_form_clusters):
        """The cluster a group of forms joins, with the form it matched and the score; or Nones."""
        options: dict[int, tuple[float, str]] = {}
        for name in members:
            if name.acronym:
                letters = name.key.replace(" ", "")
                for cluster in acronym_clusters.get(letters, ()):
                    options[cluster] = max(options.get(cluster, (0.0, "")), (100.0, letters))
                if len(letters) >= 4:
                    near: set[int] = set()
                    for variant in (letters, *_deletions(letters)):
                        near |= acronym_deletions.get(variant, set())
                        if variant != letters and len(variant) >= 4:
                            near |= acronym_clusters.get(variant, set())
                    near_keys = {
                        (cluster, other)
                        for other, clusters_of in acronym_clusters.items()
                        if len(other) >= 4 and other[:1] == letters[:1] and _levenshtein(other, letters) == 1
                        for cluster in clusters_of
                        if cluster in near
                    }
                    near = {cluster for cluster, _ in near_keys}
                    if len(near) == 1:
                        cluster, other = min(near_keys)
                        options[cluster] = max(options.get(cluster, (0.0, "")), (85.0, other))
                    elif len(near) > 1:
                        return None, None, None  # a slip, but towards several acronyms: keep apart
                continue
            initials = _initials(name)
            if initials and label != "PER":
                for cluster in acronym_clusters.get(initials, ()):
                    # a cluster with a long form of its own takes only variants of it (found below)
                    if cluster not in long_form_clusters:
                        options[cluster] = max(options.get(cluster, (0.0, "")), (95.0, initials))
            only = len(name.tokens) - 1 if label == "PER" else None
            for form_id in index.candidates(name.skels, only=only):
                other = _parse_key(form_keys[form_id], False)
                verdict = _compare(name, other, label, self.min_typo_length)
                if not verdict.ok or verdict.score < self.score_cutoff:
                    continue
                cluster = form_cluster[form_id]
                # the form must not contradict the cluster's leader either (no chaining A~B~C)
                leader = leaders[cluster - first_cluster]
                if leader.key != other.key and not _compare(name, leader, label, self.min_typo_length).ok:
                    continue
                if verdict.score > options.get(cluster, (0.0, ""))[0]:
                    options[cluster] = (verdict.score, other.key)
        if not options:
            return None, None, None
        ranked = sorted(options.items(), key=lambda item: (-item[1][0], item[0]))
        surname_only = label == "PER" and all(len(name.tokens) == 1 for name in members)
        if len(ranked) > 1 and (surname_only or ranked[1][1][0] >= ranked[0][1][0] - 3):
            return None, None, None  # fits several clusters about equally: do not guess
        cluster, (score, matched) = ranked[0]
        return cluster, matched, score

    def _name_clusters(self, table, clusters, cluster_labels, assignment) -> dict[tuple[str, str], Resolution]:
        out: dict[tuple[str, str], Resolution] = {}
        used_ids: dict[str, int] = {}
        order = sorted(range(len(clusters)), key=lambda c: (cluster_labels[c], sorted(clusters[c])))
        for cluster in order:
            label = cluster_labels[cluster]
            members = clusters[cluster]
            canonical, canonical_key = _canonical(members, label, table)
            entity_id = new_entity_id(canonical, label)
            if entity_id in used_ids:
                used_ids[entity_id] += 1
                entity_id = f"{entity_id}-{used_ids[entity_id]}"
            else:
                used_ids[entity_id] = 1
            canonical_name = _parse_key(canonical_key, table[(canonical_key, label)]["acronym"])
            for key in members:
                _, matched_key, score = assignment[(key, label)]
                if key == canonical_key:
                    out[(key, label)] = Resolution(entity_id, canonical, label, 100.0, "new", None)
                    continue
                name = _parse_key(key, table[(key, label)]["acronym"])
                verdict = _compare(name, canonical_name, label, self.min_typo_length)
                score = verdict.score if verdict.ok else score
                matched = _display(matched_key, label, table)
                out[(key, label)] = Resolution(entity_id, canonical, label, round(float(score), 1), "cluster", matched)
        return out


def _display(key: str, label: str, table) -> str:
    entry = table.get((key, label))
    if entry is None:
        return key
    return entry["texts"].most_common(1)[0][0]


def _canonical(members: list[str], label: str, table) -> tuple[str, str]:
    """The most frequent well-formed variant of a cluster: (display text, key)."""

    present = set(members)

    def quality(key: str) -> tuple:
        entry = table[(key, label)]
        text = min(entry["texts"].items(), key=lambda item: (-item[1], item[0]))[0]
        stem = genitive_stem(text)
        well_formed = (
            (label != "PER" or " " in key)  # a full name rather than a surname alone
            and not has_cyrillic(text)  # the German spelling rather than the original script
            and text[:1].isupper()
            and not (stem and normalize(stem) in present)  # not the genitive of another variant
            and not (compound_head(text) and normalize(compound_head(text) or "") in present)
        )
        return (not well_formed, -entry["count"], text.casefold(), text), text

    best = min(members, key=quality)
    return quality(best)[1], best
