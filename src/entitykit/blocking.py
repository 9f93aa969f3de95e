"""Candidate indexes: which few known forms a name could match, without comparing against all.

One index of each kind, used both by registry matching (:mod:`entitykit.resolver`) and by
clustering of unknown forms (:mod:`entitykit.clustering`); what they index (registry form ids,
cluster numbers) is up to them.

* :class:`TokenIndex`: forms by the skeletons of their words, with a one-deletion
  neighbourhood (SymSpell's idea) and first-and-last-three-letters keys for long words.
* :class:`AcronymIndex`: acronyms by their letters, with the acronyms one slip away
  (:func:`entitykit.names.acronym_slip`).

>>> index = AcronymIndex()
>>> index.add_acronym("ovks", "org:ovks"); index.add_acronym("ovat", "org:ovat")
>>> index.near("ovkas"), index.near("ovkt")
({'org:ovks': 'ovks'}, {'org:ovat': 'ovat', 'org:ovks': 'ovks'})
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from itertools import chain
from typing import Generic, TypeVar

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .names import SHORTEST_ACRONYM_SLIP, acronym_slip
from .normalize import FUNCTION_WORDS

__all__ = ["TokenIndex", "AcronymIndex", "deletions", "has_variants", "MAX_VARIANT_LENGTH"]

Owner = TypeVar("Owner", bound=Hashable)

# Longer words only match exactly: the one-deletion variants of a word of n letters take n
# strings of n-1 letters (a 60,000-letter "word" would need 3.6 GB). The longest word of a
# name in the bundled registry has 24 letters; German compounds of real names stay below 40.
MAX_VARIANT_LENGTH = 40


def has_variants(token: str) -> bool:
    """Whether ``token`` (a word skeleton) is short enough for one-deletion variants: at most
    :data:`MAX_VARIANT_LENGTH` letters. A longer word is found by its exact form and, in a
    :class:`TokenIndex`, by its first and last three letters, so few misspellings of it are.

    >>> has_variants("x" * 40), has_variants("x" * 41)
    (True, False)
    """
    return len(token) <= MAX_VARIANT_LENGTH


def deletions(token: str) -> list[str]:
    """Every form of ``token`` with one letter left out; none for a word longer than
    :data:`MAX_VARIANT_LENGTH` (see :func:`has_variants`).

    >>> deletions("ovks"), deletions("x" * 41)
    (['vks', 'oks', 'ovs', 'ovk'], [])
    """
    if not has_variants(token):
        return []
    return [token[:index] + token[index + 1 :] for index in range(len(token))]


class TokenIndex:
    """Forms indexed by the skeletons of their words, plus a one-deletion neighbourhood.

    Two words within one edit share the word or a one-letter deletion of it, so a lookup
    finds every such form without comparing against all of them (SymSpell's idea). Long
    words are also keyed by their first and last three letters, which finds two edits in
    the middle (*Kirgisistan* / *Kirgistan*). Words longer than :data:`MAX_VARIANT_LENGTH`
    letters get no deletions (only their exact form and that first-and-last key), so memory
    stays linear in the length of a word.

    >>> index = TokenIndex()
    >>> index.add(0, ["aleksander", "lukasenko"]); index.add(1, ["lukasenka"])
    >>> sorted(index.candidates(["lukasenko"]))
    [0, 1]
    """

    MIN_DELETE = 4  # shorter words only match exactly
    MIN_AFFIX = 8

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.words: list[str] = []  # token id -> word
        self.postings: list[list[int]] = []
        self.inner: set[int] = set()  # words that stand before another word of some form
        # a word's one-deletion variants -> the words (ids); each word is also under its own
        # form, so that one look-up per variant of a query finds a word one letter shorter too
        self.deletions: dict[str, int | list[int]] = {}
        self.affixes: dict[str, list[int]] = {}
        self._similar: dict[tuple[str, bool], frozenset[int]] = {}  # similar() of words looked up since the last new word
        self._found: dict[tuple[str, bool], int] = {}  # how many postings those words have, since the last add

    def _token_id(self, token: str) -> int:
        token_id = self.vocab.get(token)
        if token_id is None:
            token_id = self.vocab[token] = len(self.postings)
            self.words.append(token)
            self.postings.append([])
            self._similar.clear()
            index = self.deletions
            keys = set(deletions(token)) if len(token) >= self.MIN_DELETE else set()
            if len(token) >= self.MIN_DELETE - 1:
                keys.add(token)  # a deletion of a query one letter longer
            for key in keys:
                found = index.get(key)
                if found is None:
                    index[key] = token_id
                elif isinstance(found, int):
                    index[key] = [found, token_id]
                else:
                    found.append(token_id)
            if len(token) >= self.MIN_AFFIX:
                self.affixes.setdefault(token[:3] + token[-3:], []).append(token_id)
        return token_id

    def add(self, form_id: int, skels: Sequence[str]) -> None:
        """Index form ``form_id`` under the skeletons of its words (function words left out)."""
        self._found.clear()
        last = len(skels) - 1
        added: set[int] = set()
        for position, token in enumerate(skels):
            if token and token not in FUNCTION_WORDS:
                token_id = self._token_id(token)
                if position < last:
                    self.inner.add(token_id)
                if token_id not in added:
                    added.add(token_id)
                    self.postings[token_id].append(form_id)

    def similar(self, token: str, *, fuzzy: bool = True) -> frozenset[int]:
        """Ids of indexed words equal to ``token`` or (``fuzzy``) within about one edit of it."""
        cached = self._similar.get((token, fuzzy))
        if cached is not None:
            return cached
        found: set[int] = set()
        exact = self.vocab.get(token)
        if exact is not None:
            found.add(exact)
        if fuzzy and len(token) >= self.MIN_DELETE:
            index = self.deletions
            # the token as a deletion of a word (a letter more), its deletions as deletions of a
            # word (a letter changed) or as a word (a letter less)
            keys = deletions(token)
            keys.append(token)
            for hit in [hit for hit in map(index.get, keys) if hit is not None]:
                if isinstance(hit, int):
                    found.add(hit)
                else:
                    found.update(hit)
            if len(token) >= self.MIN_AFFIX - 2:
                found.update(self.affixes.get(token[:3] + token[-3:], ()))
        if len(self._similar) >= 100_000:
            self._similar.clear()
        result = self._similar[(token, fuzzy)] = frozenset(found)
        return result

    def candidates(
        self,
        skels: Sequence[str],
        *,
        only: int | None = None,
        limit: int = 3000,
        fuzzy: Sequence[bool] = (),
        last_within: int | None = None,
    ) -> set[int]:
        """Forms sharing a (nearly) equal word with the query: the rarest word's neighbours.

        ``only`` restricts the search to one word (the surname of a person); ``fuzzy[i]`` false
        means word i is too short for typos and only matches exactly. ``last_within`` (with
        ``only``) leaves out forms whose last word is more than that many edits from the
        query's word, where the index knows it without looking at the form: a word that never
        stands before another word is the last word of every form it is in. Forms found through
        other words are all returned; the caller checks their last words.
        """
        positions = [only] if only is not None else [
            index for index, token in enumerate(skels) if token and token not in FUNCTION_WORDS
        ]
        postings = self.postings
        best: set[int] | None = None
        best_size = 0
        for position in positions:
            token, token_fuzzy = skels[position], fuzzy[position] if fuzzy else True
            token_ids = self.similar(token, fuzzy=token_fuzzy)
            size = self._found.get((token, token_fuzzy))
            if size is None:
                size = self._found[(token, token_fuzzy)] = sum(map(len, map(postings.__getitem__, token_ids)))
            if len(positions) == 1:
                best, best_size = token_ids, size
                break
            if size and (best is None or size < best_size):
                best, best_size = token_ids, size
        if not best or (best_size > limit and len(positions) > 1):
            return set()  # nothing near, or only words so common that they tell nothing apart
        if best_size > limit:
            if len(set(chain.from_iterable(map(postings.__getitem__, best)))) > limit:
                return set()
        if last_within is not None and only is not None:
            last_only = list(best - self.inner)
            near = process.extract(skels[only], list(map(self.words.__getitem__, last_only)),
                                   scorer=Levenshtein.distance, score_cutoff=last_within, limit=None)
            best = [*(best & self.inner), *(last_only[position] for _, _, position in near)]
        return set(chain.from_iterable(map(postings.__getitem__, best)))


class AcronymIndex(Generic[Owner]):
    """Owners (entity ids, cluster numbers) by their acronyms: :meth:`exact` finds an acronym,
    :meth:`near` the acronyms one slip away. Long forms are not indexed by their initials:
    initials alone are no evidence (*US* is not the *UN-Sicherheitsrat*); an acronym meets its
    long form through the registry or a definition in the text (:mod:`entitykit.coref`).
    """

    def __init__(self) -> None:
        self._acronyms: dict[str, set[Owner]] = defaultdict(set)  # acronym letters -> owners
        self._deletions: dict[str, set[str]] = defaultdict(set)  # a deletion -> acronyms it comes from

    def add_acronym(self, letters: str, owner: Owner) -> None:
        """Index an acronym (letters without spaces: ``ovks``)."""
        if letters not in self._acronyms and len(letters) >= SHORTEST_ACRONYM_SLIP:
            for variant in deletions(letters):
                self._deletions[variant].add(letters)
        self._acronyms[letters].add(owner)

    def exact(self, letters: str) -> set[Owner]:
        """Owners of this acronym."""
        return self._acronyms.get(letters, set())

    def near(self, letters: str) -> dict[Owner, str]:
        """Owners of an acronym one slip away from ``letters``, each with that acronym."""
        if len(letters) < SHORTEST_ACRONYM_SLIP:
            return {}
        keys: set[str] = set(self._deletions.get(letters, ()))  # one letter more than the query
        for variant in deletions(letters):
            keys |= self._deletions.get(variant, set())  # one letter changed
            if variant in self._acronyms:
                keys.add(variant)  # one letter less
        found: dict[Owner, str] = {}
        for key in sorted(keys):
            if acronym_slip(key, letters):
                for owner in self._acronyms[key]:
                    found.setdefault(owner, key)
        return found
