"""The one place where entities that no registry knows get their ids.

Two steps, the same for every caller (``nlp.pipe`` batches, ``entitykit cluster``,
``entitykit run`` and any corpus-level reduce):

1. resolving (:meth:`entitykit.resolver.Resolver.link`) decides what the registry and
   in-document coreference can, and counts the mentions it leaves unknown in a
   :class:`FormTable` of distinct ``(text, label)`` forms — tables of parts add up;
2. :meth:`FormClusterer.cluster` turns the whole table into ``form -> Resolution``:
   variants (typos, transliterations, genitives, acronyms and long forms, surname-only and
   full names) share one ``new:<label>:<slug>`` id; :func:`final_resolution` then gives each
   mention its final entity (:func:`deciding_form` says which form decides it).

>>> table = FormTable()
>>> table.add_document([("Alexander Wolfowitsch", "PER"), ("Wolfowitz", "PER"), ("Minsk", "LOC")])
>>> table.add_document([("Alexander Wolfowutsch", "PER"), ("Minsk", "LOC")])
>>> clusters = FormClusterer().cluster(table)
>>> clusters[("Alexander Wolfowutsch", "PER")].entity_id, clusters[("Wolfowitz", "PER")].entity_id
('new:per:alexander-wolfowitsch', 'new:per:wolfowitz')
"""

from __future__ import annotations

import re

from collections import Counter, defaultdict
from collections.abc import Container, Iterable
from fractions import Fraction
from typing import NamedTuple, Protocol

from rapidfuzz.distance import Levenshtein

from .aliases import LABELS
from .blocking import AcronymIndex, TokenIndex
from .errors import InputError
from .knowledge import distinct_known_names, gazetteer_place, gazetteer_twin, is_region, known_places, legal_form_stem, one_city, place_reference
from .mentions import Method, Resolution, check_mention, new_entity_id
from .names import (
    Name,
    compare,
    follow_alternates,
    known_apart,
    parse_key,
    person_key,
    token_skeleton,
    too_short_for_skeleton,
)
from .names import abbreviates, head_key, inflection_stem, place_head  # organisations and places
from .normalize import (
    FUNCTION_WORDS,
    compound_head,
    display_form,
    genitive_stem,
    german_spelling,
    has_cyrillic,
    slavic_family_key,
    is_acronym,
    normalize,
    slash_parts,
)
from .normalize import leading_legal_form_stem, republic_stem

__all__ = ["FormTable", "FormClusterer", "deciding_form", "final_resolution", "compact_key", "form_place", "UNKNOWN_METHODS", "SHORTEST_COMPACT"]

# Resolutions that name no registry entity: their ids are final only after clustering.
UNKNOWN_METHODS: frozenset[Method] = frozenset({"new", "cluster"})

Form = tuple[str, str]  # (text as written, label)
_WORDS = re.compile(r"[ -]")


# The co-occurring names kept per form: enough to tell whether two forms share a context, and
# bounded, so that a form seen in a million documents costs no more than one seen in a hundred.
PARTNER_LIMIT = 24


class FormTable:
    """Distinct unknown forms ``(text, label)`` with their mention and document counts, and the
    names they co-occur with (their *partners*).

    Memory is one entry per distinct form, not per mention; two tables of parts of a corpus
    add up (:meth:`update`) to the table of the whole. A form's partners are the normalised
    unknown forms and the registry entities of the documents it occurs in, the
    :data:`PARTNER_LIMIT` most frequent kept: clustering asks them to agree before it merges two
    forms on weak evidence (a typo, a surname alone). Partners add up exactly while a form has at
    most twice that many; beyond, each table keeps the most frequent it has seen, so tables of
    parts added in another order may keep other rare partners of a very frequent form (a run
    adds its documents in input order, whatever the number of processes: the same table).

    >>> a, b = FormTable(), FormTable()
    >>> a.add_document([("Wolfowutsch", "PER"), ("Wolfowutsch", "PER"), ("Minsk", "LOC")])
    >>> b.add_document([("Wolfowutsch", "PER")], context=["org:ovks"])
    >>> a.update(b)
    >>> a.counts(), a.documents(("Wolfowutsch", "PER"))
    ([('Wolfowutsch', 'PER', 3), ('Minsk', 'LOC', 1)], 2)
    >>> sorted(a.partners(("Wolfowutsch", "PER")))
    ['minsk', 'org:ovks']
    """

    def __init__(self) -> None:
        self._forms: dict[Form, list[int]] = {}  # form -> [mentions, documents]
        self._partners: dict[Form, Counter] = {}  # form -> partner -> documents together
        self._definitions: dict[Form, Counter] = {}  # (acronym key, label) -> long form key -> documents

    def __len__(self) -> int:
        return len(self._forms)

    def __contains__(self, form: object) -> bool:
        return form in self._forms

    def add(self, text: str, label: str, *, mentions: int = 1, documents: int = 1) -> None:
        """Count ``mentions`` of a form in ``documents`` documents."""
        entry = self._forms.get((text, label))
        if entry is None:
            self._forms[(text, label)] = [mentions, documents]
        else:
            entry[0] += mentions
            entry[1] += documents

    def add_document(
        self, forms: Iterable[Form], context: Iterable[str] = (), definitions: Iterable[tuple[str, str, str]] = ()
    ) -> None:
        """Count the unknown mentions of one document: each mention once, each form's document
        once; ``context``: what else the document names (registry entity ids); ``definitions``:
        ``(acronym, long form, label)`` the document defines (*Serbische Fortschrittspartei (SNS)*,
        :func:`entitykit.coref.link_acronyms`), each counted once per document."""
        for acronym, long_form, label in set((normalize(a), normalize(b), label) for a, b, label in definitions):
            self._definitions.setdefault((acronym, label), Counter())[long_form] += 1
        counted = Counter(forms)
        names = {form: normalize(form[0]) for form in counted}
        present = set(names.values()) | set(context)
        for (text, label), mentions in counted.items():
            self.add(text, label, mentions=mentions)
            partners = present - {names[(text, label)]}
            if partners:
                self._add_partners((text, label), Counter(dict.fromkeys(partners, 1)))

    def update(self, other: FormTable) -> None:
        """Add the counts of another table (of another part of the corpus)."""
        for (text, label), (mentions, documents) in other._forms.items():
            self.add(text, label, mentions=mentions, documents=documents)
        for form, partners in other._partners.items():
            self._add_partners(form, partners)
        for form, long_forms in other._definitions.items():
            self._definitions.setdefault(form, Counter()).update(long_forms)

    def _add_partners(self, form: Form, partners: Counter) -> None:
        kept = self._partners.get(form)
        if kept is None:
            kept = self._partners[form] = Counter()
        kept.update(partners)
        if len(kept) > 2 * PARTNER_LIMIT:
            top = sorted(kept.items(), key=lambda item: (-item[1], item[0]))[:PARTNER_LIMIT]
            self._partners[form] = Counter(dict(top))

    def counts(self) -> list[tuple[str, str, int]]:
        """``(text, label, mentions)`` for every form, in the order first seen."""
        return [(text, label, entry[0]) for (text, label), entry in self._forms.items()]

    def documents(self, form: Form) -> int:
        """In how many documents a form was counted."""
        return self._forms[form][1]

    def definitions(self) -> dict[Form, Counter]:
        """``(acronym key, label) -> {long form key: documents}``: what the corpus's documents
        define each acronym by."""
        return self._definitions

    def partners(self, form: Form) -> Counter:
        """What a form co-occurs with: normalised forms and registry ids -> documents together."""
        return self._partners.get(form, Counter())


class _Decided(Protocol):
    """What :func:`deciding_form` reads of a decision: a Resolution or a mention record."""

    label: str
    entity_id: str | None
    canonical: str
    method: str | None
    matched: str | None


def deciding_form(text: str, decided: _Decided, registry: Container[str]) -> tuple[str, bool] | None:
    """The unknown form whose cluster decides a mention's entity, and whether it is counted.

    ``None`` for a registry entity (or a label entitykit does not resolve). An unknown mention
    (``new``, ``cluster``, or no method: a pipeline without the resolver) is decided by its own
    text and counted in the :class:`FormTable`; a surname linked to an unknown full name in its
    document (``coref``) by that full name (``matched``), without being counted.

    >>> decided = Resolution("new:per:a-wolfowitsch", "A. Wolfowitsch", "PER", 100.0, "coref", "A. Wolfowitsch")
    >>> deciding_form("Wolfowitsch", decided, registry=())
    ('A. Wolfowitsch', False)
    """
    if decided.label not in LABELS:
        return None
    if decided.method == "coref":
        if decided.entity_id in registry:
            return None
        return decided.matched or decided.canonical, False
    if decided.method is None or decided.method in UNKNOWN_METHODS or not decided.entity_id:
        if decided.method == "new" and decided.matched:  # read as another form: a river's *Fluss Wjatka*
            return decided.matched, True
        return (text, True) if normalize(text) else None
    return None


def final_resolution(decided: Resolution, form: Form, counted: bool, clusters: dict[Form, Resolution]) -> Resolution:
    """A mention's decision once its deciding ``form`` is clustered: a counted mention takes the
    cluster's resolution; a coreferent one keeps its own score, method and antecedent."""
    final = clusters.get(form)
    if final is None:
        return decided
    if counted:
        return final
    return decided._replace(entity_id=final.entity_id, canonical=final.canonical)


class _Entry(NamedTuple):
    count: int
    texts: Counter  # display text -> mentions
    acronym: bool
    partners: frozenset  # what the form co-occurs with (FormTable.partners), if known


class FormClusterer:
    """Clusters distinct unknown forms into entities, by the rules of :mod:`entitykit.names`.

    ``score_cutoff`` (0-100) is the lowest score at which a form joins a cluster;
    ``min_typo_length`` the shortest word (in letters) that may match with a typo; with
    ``gazetteer``, the names of one place (:func:`~entitykit.knowledge.gazetteer_place`:
    *Lemberg*, *Lwiw*, *Львів*) are one entity, whose id is the place's (``geonames:702550``;
    ``wikidata:Q…`` and ``iso:…`` for regions GeoNames lacks). Blocking
    (:mod:`entitykit.blocking`) keeps this sub-quadratic. A form joins a cluster only when it
    agrees with the cluster's leader too (no chaining A~B~C), and never when it fits two
    clusters about equally well. A slash form (*Odessa/Odesa*) follows the cluster of its parts
    that are forms of the input, when they name one entity.

    >>> result = FormClusterer().cluster([("Minsk", "LOC", 12), ("Minsks", "LOC", 1), ("Pinsk", "LOC", 3)])
    >>> result[("Minsks", "LOC")]
    Resolution(entity_id='new:loc:minsk', canonical='Minsk', label='LOC', score=90.9, method='cluster', matched='Minsk')
    """

    def __init__(self, *, score_cutoff: float = 80.0, min_typo_length: int = 7, gazetteer: bool = False) -> None:
        self.score_cutoff = float(score_cutoff)
        self.min_typo_length = int(min_typo_length)
        self.gazetteer = bool(gazetteer)

    def cluster(self, forms: FormTable | Iterable[tuple[str, str, int]]) -> dict[Form, Resolution]:
        """``(text, label) -> Resolution`` for every form of ``forms`` (a table, or
        ``(text, label, count)`` rows); the canonical form of a cluster is its most frequent
        well-formed variant (``method`` ``new``), the others get ``cluster``."""
        rows = forms.counts() if isinstance(forms, FormTable) else forms
        partners = forms.partners if isinstance(forms, FormTable) else None
        table: dict[Form, _Entry] = {}  # (normalised key, label) -> entry
        originals: dict[Form, Form] = {}
        for number, row in enumerate(rows, 1):
            try:
                text, label, count = row
            except (TypeError, ValueError):
                raise InputError(f"form {number}: expected (text, label, count), got {row!r}") from None
            try:
                check_mention(text, label)
            except InputError as error:
                raise InputError(f"form {number}: {error}") from None
            if not isinstance(count, int) or count < 1:
                raise InputError(f"form {number}: count must be a positive integer, got {count!r}")
            clean = display_form(text)
            key = person_key(text) if label == "PER" else normalize(text)  # Vucic, Alexander
            entry = table.get((key, label))
            texts = entry.texts if entry else Counter()
            texts[clean] += count
            known = frozenset(partners((text, label))) if partners else _NO_WORDS
            table[(key, label)] = _Entry(
                (entry.count if entry else 0) + count,
                texts,
                (entry.acronym if entry else False) or is_acronym(clean),
                entry.partners | known if entry else known,
            )
            originals[(text, label)] = (key, label)
        by_label: dict[str, list[str]] = defaultdict(list)
        for key, label in table:
            by_label[label].append(key)
        definitions = forms.definitions() if isinstance(forms, FormTable) else {}
        clusters: list[_Cluster] = []
        for label in sorted(by_label):
            clustering = _LabelClustering(self, label, by_label[label], table)
            clustering.run()
            clusters.extend(clustering.follow_definitions(definitions))
        resolutions = self._name(table, clusters)
        return {original: resolutions[form] for original, form in originals.items()}

    def _place_of(self, key: str, label: str, table: dict[Form, _Entry]) -> int | None:
        """The gazetteer place a LOC form names (:func:`form_place`), if the gazetteer is on; a
        slash form the one place its parts name, when its other parts are alternates of theirs
        (:func:`~entitykit.names.follow_alternates`: *Вільня/Vilnja*; not *Berlin/Brandenburg*)."""
        if not self.gazetteer or label != "LOC":
            return None
        text = _display(key, label, table)
        place = form_place(text, key)
        if place is None and "/" in text:
            parts = slash_parts(text)
            place = follow_alternates(parts, [form_place(part) for part in parts], label, self.min_typo_length)
        return place

    def _name(self, table: dict[Form, _Entry], clusters: list[_Cluster]) -> dict[Form, Resolution]:
        out: dict[Form, Resolution] = {}
        used_ids: dict[str, int] = {}
        for cluster in sorted(clusters, key=lambda c: (c.label, sorted(c.members))):
            label = cluster.label
            canonical, canonical_key = _canonical(cluster.members, label, table)
            places = {self._place_of(key, label, table) for key in cluster.members} - {None}
            entity_id = place_reference(places.pop()) if len(places) == 1 else new_entity_id(canonical, label)
            if entity_id in used_ids:
                used_ids[entity_id] += 1
                entity_id = f"{entity_id}-{used_ids[entity_id]}"
            else:
                used_ids[entity_id] = 1
            canonical_name = parse_key(canonical_key, table[(canonical_key, label)].acronym)
            for key in cluster.members:
                matched_key, score = cluster.links[key]
                if key == canonical_key:
                    out[(key, label)] = Resolution(entity_id, canonical, label, 100.0, "new", None)
                    continue
                verdict = compare(parse_key(key, table[(key, label)].acronym), canonical_name, label, self.min_typo_length)
                score = verdict.score if verdict.ok else score
                # the form that started the cluster matched only itself: it joins the canonical
                matched = canonical if matched_key == key else _display(matched_key, label, table)
                out[(key, label)] = Resolution(entity_id, canonical, label, round(float(score), 1), "cluster", matched)
        return out


class _Cluster(NamedTuple):
    label: str
    leader: str  # the key of the group that started it: every later member must agree with it
    members: list[str]  # normalised keys
    links: dict[str, tuple[str, float]]  # member -> (the key it matched, score)


class _LabelClustering:
    """Clustering the forms of one label: groups of sure variants first, then each group joins
    the best cluster it fits (or starts one), most frequent groups first."""

    def __init__(self, settings: FormClusterer, label: str, keys: list[str], table: dict[Form, _Entry]) -> None:
        self.settings = settings
        self.label = label
        self.keys = keys
        self.table = table
        self.names = {key: parse_key(key, table[(key, label)].acronym) for key in keys}
        # what a group is compared against: the forms placed so far and their clusters
        self.index = TokenIndex()
        self.form_keys: list[str] = []
        self.form_cluster: list[int] = []
        self.acronyms: AcronymIndex[int] = AcronymIndex()
        # acronyms by script and skeleton: a Cyrillic acronym meets its romanisation (БелАЗ / BelAZ)
        self.cyrillic = {key for key in keys if has_cyrillic(_display(key, label, table))}
        self.acronym_skels: dict[tuple[bool, str], set[int]] = defaultdict(set)
        self.clusters: list[_Cluster] = []
        self.key_cluster: dict[str, int] = {}  # the cluster of each form placed so far
        # slash forms with a part that is a form of the input (Lviv/Lemberg and Lviv) -> their
        # parts: placed last, when the parts have their clusters
        self.alternates: dict[str, list[str]] = {}
        for key in keys:
            parts = slash_parts(_display(key, label, table)) if "/" in _display(key, label, table) else []
            if any(normalize(part) in self.names for part in parts):
                self.alternates[key] = parts
        # what each form's company says: the words of its partners, by skeleton, so that partners
        # spelt differently still agree (*Serdar Berdimuchamedow* / *Serdar Berdimuhamedow*)
        self.context = {key: _context_words(table[(key, label)].partners) for key in keys}
        self.contexts: list[set[str]] = []  # cluster -> its members' context words
        # words this input uses as first names (Simon in *Simon Rattle*): alone, anyone's
        self.given_names = {name.tokens[0] for name in self.names.values() if label == "PER" and len(name.tokens) > 1}
        # and as surnames (Potanin in *Wladimir Potanin*): a genitive Potanins may look for them
        self.surnames = {name.tokens[-1] for name in self.names.values() if label == "PER" and len(name.tokens) > 1}
        # words most forms share (the country, the capital) say nothing about one entity
        spread = Counter(word for words in self.context.values() for word in words)
        with_context = sum(1 for words in self.context.values() if words)
        self.common = {word for word, forms in spread.items() if forms > max(20, with_context // 50)}

    def run(self) -> list[_Cluster]:
        parent = self._shorter_forms()
        groups = self._groups(parent)
        ordered = sorted(groups, key=lambda root: self._order(root, groups[root]))
        ordered.sort(key=lambda root: root in self.alternates)  # slash forms last, once their parts are placed
        for group_root in ordered:
            members = groups[group_root]
            decided = self._follow_parts(group_root) if group_root in self.alternates else None
            if decided is not None:
                target, matched, score = decided
            else:
                # genitives and compounds follow their stem; only the stems look for a cluster
                deciding = [self.names[key] for key in members if key not in parent] or [self.names[group_root]]
                deciding += self._genitive_surname(group_root)
                target, matched, score = self._place(deciding)
            if target is None:
                target = len(self.clusters)
                self.clusters.append(_Cluster(self.label, group_root, [], {}))
                self.contexts.append(set())
                matched, score = group_root, 100.0
            self._add(target, group_root, members, matched, score)
        return self.clusters

    def follow_definitions(self, definitions: dict[Form, Counter]) -> list[_Cluster]:
        """The clusters, with each cluster of acronyms joined to the cluster of the one long form
        the corpus defines them by (*SNS* in one text, *Serbische Fortschrittspartei (SNS)* in
        another): only when every definition of the acronym lands in that one cluster, and the
        acronym's cluster holds nothing but acronyms."""
        clusters = self.clusters
        moved: set[int] = set()
        for key in sorted(self.keys):
            long_forms = definitions.get((key, self.label))
            mine = self.key_cluster.get(key)
            if not long_forms or mine is None or mine in moved or not self.names[key].acronym:
                continue
            targets = {self.key_cluster.get(long_key) for long_key in long_forms}
            if len(targets) != 1 or None in targets or targets == {mine}:
                continue
            (target,) = targets
            if target in moved or not all(self.names[member].acronym for member in clusters[mine].members):
                continue
            long_key = max(long_forms, key=lambda long_key: (long_forms[long_key], long_key))
            for member in clusters[mine].members:
                clusters[target].members.append(member)
                clusters[target].links[member] = (long_key, 90.0) if member == key else clusters[mine].links[member]
                self.key_cluster[member] = target
            moved.add(mine)
        return [cluster for number, cluster in enumerate(clusters) if number not in moved]

    def _follow_parts(self, key: str) -> tuple[int, str, float] | None:
        """The cluster a slash form follows (*Odessa/Odesa*, *Вильна/Wilna*), with the part it
        matched and the score: the one cluster of its parts that are forms of the input, when any
        other part is an alternate of theirs (:func:`~entitykit.names.follow_alternates`). None
        otherwise (*Berlin/Brandenburg*, parts in two clusters or a part that is no alternate;
        *Frankfurt/Main*, a place and its river): the form is placed as any other form.

        Only a part's own key counts, never a skeleton or a typo: *Вільня/Vilnja* is Vilnius,
        while *Vilnia*, one skeleton away, is its river."""
        parts = self.alternates[key]
        part_keys = [normalize(part) for part in parts]
        landed = [self.key_cluster.get(part_key) for part_key in part_keys]
        target = follow_alternates(parts, landed, self.label, self.settings.min_typo_length)
        if target is None:
            return None
        return target, next(part_key for part_key, found in zip(part_keys, landed) if found == target), 100.0

    def _genitive_surname(self, key: str) -> list[Name]:
        """A one-word person form read as the genitive of a surname of the input: *Potanins* when
        the input has *Wladimir Potanin* (but no *Potanin* of its own, else it follows that form).

        Not when the word itself is a first name or surname of the input (*Williams* next to
        *Robbie Williams*), nor when the stem is a first name (*Alexeys*: a first name alone never
        joins a full name across documents). The stem then looks for a cluster as a surname alone
        does: it needs the company of the full name, and one of two namesakes is never chosen."""
        name = self.names[key]
        if self.label != "PER" or len(name.tokens) != 1 or name.acronym:
            return []
        if key in self.surnames or key in self.given_names:
            return []
        stem = genitive_stem(_display(key, self.label, self.table))
        stem_key = normalize(stem) if stem else ""
        if len(stem_key) < 5 or stem_key in self.names or stem_key not in self.surnames or stem_key in self.given_names:
            return []
        return [parse_key(stem_key)]

    def _shorter_forms(self) -> dict[str, str]:
        """Forms that are another form plus a genitive -s or a generic compound head -> that form;
        not persons: a form plus legal forms in front (*OAO Lukoil*, *PJSC MMC Norilsk Nickel*) or
        *Respublika* (:func:`~entitykit.normalize.republic_stem`),
        a name of two words or more plus a closing legal form (*Sberbank Europe AG*), a form
        with words abbreviated (*Europ. Kommission*, :meth:`_abbreviated`).

        Not a closing legal form on one word: *Lukoil GmbH* is as often the German subsidiary as
        *Lukoil* itself, *Yandex N.V.* the Dutch holding, and the string cannot tell; the
        registry can (:meth:`Resolver.resolve`). Not a place's compound head when the head is an
        administrative one: *Kirow-Gebiet* is the region, not the city *Kirow*."""
        label, names = self.label, self.names
        parent: dict[str, str] = {}
        compact = {} if label == "PER" else {compact_key(key): key for key in sorted(self.keys) if len(compact_key(key)) >= SHORTEST_COMPACT}
        for key in self.keys:
            text = self.table[(key, label)].texts.most_common(1)[0][0]
            shortest = _shortest_stem(label)
            stem = genitive_stem(text)
            shorter_forms = [stem, compound_head(text) if label != "LOC" or place_head(text) is None else None]
            if stem and stem.endswith("e") and label != "PER":
                shorter_forms.append(stem[:-1])  # Unionsstaates -> Unionsstaat
            if label != "PER" and text.endswith("en") and len(text) > 6:
                shorter_forms.append(text[:-1])  # a dative plural: Niederlanden -> Niederlande
            if label != "PER":
                legal_stem = legal_form_stem(text)
                shorter_forms += [
                    leading_legal_form_stem(text),
                    republic_stem(text),  # Respublika Dagestan -> (Republik) Dagestan
                    legal_stem if legal_stem and " " in legal_stem.strip() else None,
                ]
            for shorter in shorter_forms:
                if shorter and label == "LOC" and distinct_known_names(text, shorter, label):
                    continue  # Tartus is a city of its own, not the genitive of Tartu
                if shorter:
                    shorter_key = normalize(shorter)
                    if shorter_key not in names and label != "PER":  # Nordatlantik-Pakt(e)s -> Nordatlantikpakt
                        shorter_key = compact.get(compact_key(shorter_key), shorter_key)
                    if shorter_key != key and shorter_key in names and (
                        len(shorter_key) >= shortest or names[shorter_key].acronym
                    ):
                        parent[key] = shorter_key
                        break
        if label != "PER":
            for key, long_key in self._abbreviated().items():
                parent.setdefault(key, long_key)
        return parent

    def _abbreviated(self) -> dict[str, str]:
        """Forms with words abbreviated by a dot -> the form they abbreviate
        (:func:`~entitykit.names.abbreviates`: *Europ. Investitionsbank* -> *Europäische
        Investitionsbank*), when the forms they may abbreviate differ only by case endings
        (*Europäischen Investitionsbank*); the most mentioned of them."""
        label, table = self.label, self.table
        texts = {key: _display(key, label, table) for key in self.keys}
        shortened = [key for key, text in texts.items() if _ABBREVIATED.search(text)]
        if not shortened:
            return {}
        by_word: dict[tuple[int, str], list[str]] = defaultdict(list)  # (words, a written-out word) -> keys
        for key, text in texts.items():
            words = text.split()
            for word in set(words):
                if not word.endswith("."):
                    by_word[(len(words), normalize(word))].append(key)
        found: dict[str, str] = {}
        for key in shortened:
            words = texts[key].split()
            written_out = [normalize(word) for word in words if not word.endswith(".")]
            if not written_out:
                continue
            longest = max(written_out, key=len)
            candidates = [other for other in by_word.get((len(words), longest), ()) if other != key and abbreviates(texts[key], texts[other])]
            readings = {tuple(inflection_stem(token) for token in self.names[other].tokens) for other in candidates}
            if len(readings) == 1:
                found[key] = max(candidates, key=lambda other: (table[(other, label)].count, other))
        return found

    def _groups(self, parent: dict[str, str]) -> dict[str, list[str]]:
        """Forms under their shortest form; then groups whose roots share a skeleton merge."""
        names = self.names

        def root(key: str) -> str:
            seen = set()
            while key in parent and key not in seen:
                seen.add(key)
                key = parent[key]
            return key

        groups: dict[str, list[str]] = defaultdict(list)
        for key in self.keys:
            groups[root(key)].append(key)
        merged: dict[str, str] = {}
        if self.label == "LOC" and self.settings.gazetteer:  # names of one place: Lemberg / Lwiw / Львів
            by_gazetteer: dict[int, str] = {}
            for group_root in sorted(groups, key=lambda root: (-self.table[(root, "LOC")].count, root)):
                place = self.settings._place_of(group_root, "LOC", self.table)
                if place is not None and group_root not in merged:
                    other = by_gazetteer.setdefault(place, group_root)
                    if other != group_root:
                        merged[group_root] = other
        if self.label != "PER":  # one name written as one word or two: DeutscheBahn, Rheinland-Pfalz
            by_compact: dict[str, str] = {}
            for group_root in sorted(groups):
                compact = compact_key(group_root)
                if len(compact) >= SHORTEST_COMPACT and not names[group_root].acronym and group_root not in merged:
                    other = by_compact.setdefault(compact, group_root)
                    if other != group_root:
                        merged[group_root] = other
        if self.label == "LOC":  # two names of one city: Jekaterinburg / Екатеринбург, Tiflis / Tbilissi
            by_place: dict[int, str] = {}
            for group_root in sorted(groups, key=lambda root: (-self.table[(root, "LOC")].count, root)):
                place = one_city(group_root)
                if place is not None and group_root not in merged:
                    other = by_place.setdefault(place, group_root)
                    if other != group_root and self._agree([group_root], [other], self.context[other]):
                        merged[group_root] = other
        if self.label != "PER":  # one unit under head nouns of one kind: Oblast / Gebiet / Region Wolgograd
            by_head: dict[str, str] = {}
            for group_root in sorted(groups):
                unit = head_key(_display(group_root, self.label, self.table))
                if unit is not None and group_root not in merged:
                    other = by_head.setdefault(unit, group_root)
                    if other != group_root:
                        merged[group_root] = other
        # equal skeletons are one group too (transliteration variants): every form of a skeleton
        # joins the group a rule above placed one of them in (Khlynov, a name of Kirow, gathers
        # Chlynow / Хлынов), else the first; none when two of them are kept apart (Alston and
        # Allston, two towns: a third spelling could be either) or placed in two groups. Spaces
        # do not count but in a person's name: Stroi Gas Montash / Strojgasmontash
        by_skeleton: dict[str, str] = {}
        twins: dict[str, list[str]] = defaultdict(list)
        for group_root in sorted(groups):
            name = names[group_root]
            if not name.acronym and not too_short_for_skeleton(name):
                twins[name.skel if self.label == "PER" else name.skel.replace(" ", "")].append(group_root)
        for skel, roots in twins.items():
            placed = list(dict.fromkeys(_chain_end(merged, root) for root in roots if root in merged))
            if len(placed) > 1 or any(
                known_apart(names[a], names[b], self.label) for i, a in enumerate(roots) for b in roots[i + 1 :]
            ):
                continue
            target = by_skeleton[skel] = placed[0] if placed else roots[0]
            for root in roots:
                if root not in merged and root != target:
                    merged[root] = target
        for group_root in sorted(groups):  # a form whose English reading meets another's skeleton
            name = names[group_root]
            if group_root in merged or name.acronym or not name.alt or too_short_for_skeleton(name):
                continue
            other = by_skeleton.get(name.alt)
            if other and other != group_root and merged.get(other) != group_root and not known_apart(name, names[other], self.label):
                merged[group_root] = other
        # Belarusian, Ukrainian and Russian forms of one name (Swetlahorsk / Swetlogorsk): a loose
        # key, which also reads many typos as one name (Wolfowitsch / Wolfawitsch), so only between
        # long names whose company is known and shared, never in a bare list of names
        by_family: dict[str, str] = {}
        for group_root in sorted(groups):
            name = names[group_root]
            if group_root in merged or name.acronym or len(name.key.replace(" ", "")) < SLAVIC_FAMILY_LENGTH:
                continue
            other = by_family.setdefault(slavic_family_key(group_root), group_root)
            if (other != group_root and other not in merged and not known_apart(name, names[other], self.label)
                    and self.context[group_root] and self.context[other]
                    and self._agree([group_root], [other], self.context[other])
                    and compare(name, names[other], self.label, self.settings.min_typo_length).score >= self.settings.score_cutoff):
                merged[group_root] = other
        for group_root in list(merged):  # follow chains to their end
            merged[group_root] = _chain_end(merged, group_root)
        for group_root in [root for root, target in merged.items() if target == root or target in merged]:
            del merged[group_root]  # a ring of merges: its last member stays a root, the others join it
        for group_root, target in merged.items():
            groups[target].extend(groups.pop(group_root))
        return groups

    def _order(self, group_root: str, members: list[str]) -> tuple:
        """Full names before surnames alone, then the most mentioned first."""
        total = sum(self.table[(key, self.label)].count for key in members)
        width = max(len(self.names[key].tokens) for key in members)
        return (self.label == "PER" and width == 1, -total, group_root)

    def _place(self, members: list[Name]) -> tuple[int | None, str | None, float | None]:
        """The cluster a group of forms joins, with the form it matched and the score; or Nones."""
        label, settings = self.label, self.settings
        options: dict[int, tuple[float, str]] = {}

        def offer(cluster: int, score: float, matched: str) -> None:
            options[cluster] = max(options.get(cluster, (0.0, "")), (score, matched))

        for name in members:
            if name.acronym:
                # only the same letters: a slip needs the registry's support, and initials alone
                # never join a long form across documents (a text's own definitions do, in coref)
                for cluster in self.acronyms.exact(name.letters):
                    offer(cluster, 100.0, name.letters)
                for cluster in self.acronym_skels.get((name.key not in self.cyrillic, name.skel), ()):
                    offer(cluster, 95.0, name.key)
                continue
            only = len(name.tokens) - 1 if label == "PER" else None
            for form_id in self.index.candidates(name.skels, only=only):
                other = parse_key(self.form_keys[form_id], False)
                verdict = compare(name, other, label, settings.min_typo_length)
                if not verdict.ok or verdict.score < settings.score_cutoff:
                    continue
                cluster = self.form_cluster[form_id]
                # the form must not contradict the cluster's leader either (no chaining A~B~C)
                leader = self.names[self.clusters[cluster].leader]
                if leader.key != other.key and not self._fits_leader(name, leader):
                    continue
                if _weak(name, other, verdict.typos, label) and not self._share_context(members, cluster):
                    continue  # a typo or a surname alone, in other company: another entity
                if len(name.tokens) == 1 < len(other.tokens) and name.key in self.given_names:
                    continue  # a bare Simon is not Paul Simon when the input also has a Simon Rattle
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

    def _fits_leader(self, name: Name, leader: Name) -> bool:
        """Whether a form agrees with a cluster's leader, one of them read without a genitive -s
        when the two differ by it and a slip (*Turkenistans* and the leader *Turkmenistan*)."""
        label, min_typo_length = self.label, self.settings.min_typo_length
        if compare(name, leader, label, min_typo_length).ok:
            return True
        shortest = _shortest_stem(label)
        for form, other in ((name, leader), (leader, name)):
            stem = None if form.acronym else genitive_stem(form.key)
            if stem and len(stem) >= shortest and compare(parse_key(stem), other, label, min_typo_length).ok:
                return True
        return False

    def _share_context(self, members: list[Name], cluster: int) -> bool:
        """Whether forms and a cluster appear in one document or with a name in common."""
        keys = [name.key for name in members if name.key in self.context]  # not a genitive's stem
        return self._agree(keys, self.clusters[cluster].members, self.contexts[cluster])

    def _agree(self, keys: list[str], others: Iterable[str], their_context: set[str] | frozenset[str]) -> bool:
        """Whether forms (``keys``) and other forms (with their context words) appear in one
        document or with a name in common, beyond the :attr:`common` ones. Without partners on
        either side (name lists, documents of one name) nothing contradicts the string: True."""
        label, table = self.label, self.table
        mine = set().union(*(self.context[key] for key in keys))
        if not mine or not their_context:
            return True
        partners = set().union(*(table[(key, label)].partners for key in keys))
        if not partners.isdisjoint(others):
            return True  # in one document
        return len((mine & their_context) - self.common) >= SHARED_CONTEXT

    def _add(self, target: int, group_root: str, members: list[str], matched: str, score: float) -> None:
        cluster = self.clusters[target]
        for key in members:
            name = self.names[key]
            cluster.members.append(key)
            self.contexts[target] |= self.context[key]
            if key == group_root:
                cluster.links[key] = (matched, score)
            else:
                link_score = compare(name, self.names[group_root], self.label, self.settings.min_typo_length).score
                cluster.links[key] = (group_root, link_score)
            form_id = len(self.form_keys)
            self.form_keys.append(key)
            self.form_cluster.append(target)
            self.key_cluster[key] = target
            if name.acronym:
                self.acronyms.add_acronym(name.letters, target)
                self.acronym_skels[(key in self.cyrillic, name.skel)].add(target)
                continue
            self.index.add(form_id, name.skels)


# One slip in a word at least this long is strong evidence on its own (*Berdimuchamedow* /
# *Berdimuhamedow*); in a shorter word, or two slips, need the corpus's support (*Freiberg* /
# *Freiburg*, *Gerresheim* / *Gerchsheim*).
LONG_TYPO = 10
# One-word names shorter than this that read the same only once transliterated (*Busch* /
# *Bush*, *Mack* / *Maack*) need support too.
LONG_SKELETON = 7


def _shortest_stem(label: str) -> int:
    """The fewest letters a genitive's stem needs: Lukas is not the genitive of Luka, so a
    person's needs 5 (Putins -> Putin), a place's or body's 3 (Kiews -> Kiew)."""
    return 5 if label == "PER" else 3


def _weak(name: Name, other: Name, typos: tuple[tuple[str, str], ...], label: str) -> bool:
    """Whether a merge the rules allow rests on weak evidence: a surname alone against a full
    name, a typo in a short word or of two slips, or a short one-word name equal only by its
    skeleton."""
    if label == "PER" and (len(name.tokens) == 1) != (len(other.tokens) == 1):
        return True
    if any(min(len(a), len(b)) < LONG_TYPO or Levenshtein.distance(a, b) > 1 for a, b in typos):
        return True
    return (
        len(name.tokens) == len(other.tokens) == 1
        and name.key != other.key
        and min(len(name.key), len(other.key)) < LONG_SKELETON
    )


# Context words two forms must share (beyond the common ones) to count as one entity's company:
# one shared name is chance in a corpus of short, mixed documents.
SHARED_CONTEXT = 2


# Names this long (letters) may meet by their East Slavic family key (normalize.slavic_family_key).
SLAVIC_FAMILY_LENGTH = 8
# Names written with or without spaces, hyphens and apostrophes are one name from this length.
SHORTEST_COMPACT = 8


# A word of three letters or more abbreviated by a dot: Europ. Kommission, Rep. Lettland
_ABBREVIATED = re.compile(r"\w{3,}\.(?:\s|$)")


def _chain_end(merged: dict[str, str], key: str) -> str:
    """Where a chain of merges from ``key`` ends (a root not merged into another; in a ring,
    the member before ``key`` comes round again)."""
    target, seen = merged[key], {key}
    while target in merged and target not in seen:
        seen.add(target)
        target = merged[target]
    return target


def form_place(text: str, key: str | None = None) -> int | None:
    """The gazetteer place a place name names: by itself, its genitive stem, written as one word
    (*Nord-Mazedonien* as *Nordmazedonien*) or without hyphens (*GROSSEN-BUSECK*); a German
    region name in *-ien* by the region its *-ia* form names (*Transnistrien*), else as a
    transliteration of one of its names (:func:`~entitykit.knowledge.gazetteer_twin`: *Vilnja*
    for *Vilnia*, Vilnius); ``key``: its normalised key, if known.

    >>> form_place("Nord-Mazedonien") == form_place("Nordmazedonien") == form_place("Nordmazedoniens") is not None
    True
    >>> form_place("Transnistria") == form_place("Pridnestrovie") is not None, form_place("Germania")
    (True, None)
    >>> form_place("Vilnja") == form_place("Vilnius") is not None, form_place("Rotenbach")
    (True, None)
    """
    key = normalize(text) if key is None else key
    stem = genitive_stem(text)
    for form in (text, stem, compact_key(key), key.replace("-", " ")):
        place = gazetteer_place(form) if form else None
        if place is not None:
            return place
    for form in (key, normalize(stem) if stem else None):  # Transnistrien(s): Transnistria; six letters, as twins
        if form and len(form) >= SHORTEST_TWIN and form.endswith("ien") and not known_places(form):
            place = gazetteer_place(form[:-3] + "ia")
            if place is not None and is_region(place):
                return place
    if known_places(key):  # the place file holds this name and did not let it name a place alone: Germania
        return None
    skel = parse_key(key).skel  # a transliteration of a place's name the place file lacks: Petrowsk-Port
    return gazetteer_twin(skel) if len(compact_key(skel)) >= SHORTEST_TWIN else None


# The shortest skeleton (in letters) that finds a place alone: among 400,000 place names, shorter
# skeletons meet by chance (Odes, Odess: Odesa; Niaaraja, whose skeleton niara is Nyara's: Nyala).
SHORTEST_TWIN = 6


def compact_key(key: str) -> str:
    """A normalised key without spaces, hyphens and apostrophes: one name written as one word or two.

    >>> compact_key("osteuropa-bank") == compact_key("osteuropabank"), compact_key("rheinland pfalz")
    (True, 'rheinlandpfalz')
    """
    return key.replace(" ", "").replace("-", "").replace("'", "")




_NO_WORDS: frozenset[str] = frozenset()  # one empty set for the many forms without company


def _context_words(partners: Iterable[str]) -> frozenset[str]:
    """A form's partners as context words: registry ids as they are, unknown names as the
    skeletons of their content words of four letters or more."""
    words = set()
    for partner in partners:
        if ":" in partner:
            words.add(partner)
            continue
        words.update(token_skeleton(token) for token in _WORDS.split(partner) if len(token) >= 4 and token not in FUNCTION_WORDS)
    return frozenset(words) if words else _NO_WORDS


def _display(key: str, label: str, table: dict[Form, _Entry]) -> str:
    entry = table.get((key, label))
    if entry is None:
        return key
    return entry.texts.most_common(1)[0][0]


# A German (Duden) spelling names its cluster when it has at least this share of the mentions
# of the most frequent variant (*Siwak* 2, *Sivak* 3): German readers know *Selenskyj*, and an
# English spelling should not win its cluster by a mention or two.
GERMAN_SHARE = Fraction(2, 3)
# For persons and places only: an organisation goes by its own Latin name in German texts too
# (*Gazprom*, *Yandex*, *Lukoil*), not by the transliteration of its Russian one (*Gasprom*).
GERMAN_SPELLING_LABELS = frozenset({"PER", "LOC"})


def _canonical(members: list[str], label: str, table: dict[Form, _Entry]) -> tuple[str, str]:
    """The most frequent well-formed variant of a cluster: (display text, key); for a person or
    place, a German spelling of it (:func:`~entitykit.normalize.german_spelling`) with a close
    count (:data:`GERMAN_SHARE`) wins."""
    present = set(members)

    def quality(key: str) -> tuple:
        entry = table[(key, label)]
        text = min(entry.texts.items(), key=lambda item: (-item[1], item[0]))[0]
        stem = genitive_stem(text)
        well_formed = (
            (label != "PER" or " " in key)  # a full name rather than a surname alone
            and not has_cyrillic(text)  # the German spelling rather than the original script
            and text[:1].isupper()
            and not (stem and normalize(stem) in present)  # not the genitive of another variant
            and not (compound_head(text) and normalize(compound_head(text) or "") in present)
            # not abbreviated, not with a legal form in front of another variant (*OAO Lukoil*)
            and not (label != "PER" and (_ABBREVIATED.search(text) or normalize(leading_legal_form_stem(text) or "") in present))
        )
        return (not well_formed, -entry.count, text.casefold(), text), text

    ranked = sorted((quality(key), key) for key in members)
    ((ill_formed, fewest, *_), text), best = ranked[0]
    if label not in GERMAN_SPELLING_LABELS:
        return text, best
    for ((other_ill_formed, other_fewest, *_), other_text), key in ranked[1:]:
        if other_ill_formed == ill_formed and -other_fewest >= GERMAN_SHARE * -fewest:
            if german_spelling(text, other_text) == other_text:
                text, best = other_text, key
    return text, best
