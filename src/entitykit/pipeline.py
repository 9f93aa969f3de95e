"""``entitykit.load()`` and the spaCy components that give each entity its canonical id.

This module is named by the ``spacy_factories`` entry point, so spaCy imports it whenever it
builds a pipeline: keep imports here light (rapidfuzz and friends inside functions).
"""

# No `from __future__ import annotations` here: spaCy turns the signatures of the factories and
# of `initialize()` into pydantic models and must see real types, not strings.
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Dict, List, NamedTuple

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from .aliases import LABELS, build_registry
from .mentions import UNREGISTERED_PREFIXES
from .models import load_pipeline


# The components entitykit adds after NER, in pipeline order (their factory names).
ENTITYKIT_COMPONENTS = ("entitykit_institutions", "entitykit_mentions", "entitykit_resolver")


def load(
    model: str | Path | None = None,
    *,
    aliases: Iterable[str | Path] = (),
    default_aliases: bool = True,
    **kwargs: Any,
) -> Language:
    """Load a German pipeline that finds PER, ORG, LOC and MISC entities.

    ``model`` is an installed spaCy package (``"de_core_news_md"``) or a pipeline directory;
    by default ``de_core_news_md`` when installed, else the pipeline bundled with entitykit.
    Which one was chosen is in ``nlp.meta["entitykit"]``. Only what NER needs is loaded: the
    tagger, morphologizer, lemmatizer, attribute ruler and (when a ``senter`` can set the
    sentences) the parser of a pipeline such as ``de_core_news_md`` are left out and a
    ``sentencizer`` is added where nothing else sets sentence boundaries
    (:func:`entitykit.models.load_pipeline`; ``exclude=[]`` loads the whole pipeline). Extra
    keyword arguments go to :func:`spacy.load`.

    Three components follow the NER: ``entitykit_institutions`` (named institutions such as
    *Europäische Kommission* as ORG, :mod:`entitykit.institutions`), ``entitykit_mentions``
    (names inside compounds such as *OVKS-Generalsekretär*, and known names NER missed) and
    ``entitykit_resolver`` (sets
    ``ent.kb_id_``, ``ent._.canonical``, ``ent._.score``, ``ent._.method``). Their registry is
    the bundled default (unless ``default_aliases=False``) plus the alias files in ``aliases``;
    neither means no registry at all: variants are then merged by clustering and in-document
    coreference only. A pipeline saved with ``nlp.to_disk`` keeps its registry; loading it
    here with the default arguments keeps that registry, other arguments replace it.

    >>> import spacy, tempfile
    >>> folder = tempfile.mkdtemp() + "/de_rules"
    >>> rules = spacy.blank("de")  # a stand-in for a trained NER, saved like one
    >>> rules.add_pipe("entity_ruler", name="ner").add_patterns([{"label": "PER", "pattern": "Wolfowutsch"}])
    >>> rules.to_disk(folder)
    >>> doc = load(folder)("Staatssekretär Wolfowutsch sprach mit dem OVKS-Generalsekretär in Minsk.")
    >>> [(ent.text, ent.kb_id_, ent._.method) for ent in doc.ents]
    [('Wolfowutsch', 'per:alexander-wolfowitsch', 'fuzzy'), ('OVKS', 'org:ovks', 'alias'), ('Minsk', 'loc:minsk', 'exact')]
    """
    paths = [aliases] if isinstance(aliases, (str, Path)) else list(aliases)
    registry = build_registry(paths, default_aliases=default_aliases)  # bad files fail fast
    nlp = load_pipeline(model, **kwargs)  # with a sentence boundary source, as evaluate_ner uses it
    keep_saved = default_aliases and not paths
    if not nlp.has_pipe("entitykit_institutions"):
        nlp.add_pipe("entitykit_institutions", after="ner")
    for name, after in (("entitykit_mentions", "entitykit_institutions"), ("entitykit_resolver", None)):
        if nlp.has_pipe(name):
            if keep_saved:
                continue
        else:
            nlp.add_pipe(name, after=after)
        nlp.get_pipe(name).initialize(registry=registry, default_aliases=default_aliases)
    return nlp


# What each component of a pipeline does, by factory, for `entitykit info`.
COMPONENT_ROLES = {
    "sentencizer": "sentence boundaries from punctuation (NER never crosses one)",
    "entitykit_sentencizer": "sentence boundaries from punctuation, not after abbreviations (NER never crosses one)",
    "senter": "sentence boundaries, statistical (NER never crosses one)",
    "parser": "dependency parse, kept for its sentence boundaries (NER never crosses one)",
    "tok2vec": "token vectors that the NER reads",
    "transformer": "transformer token vectors that the NER reads",
    "ner": "named entities PER, ORG, LOC, MISC (statistical)",
    "entity_ruler": "named entities from patterns",
    "span_ruler": "named entities from patterns",
    "entitykit_institutions": "tags named institutions as ORG (Europäische Kommission, Außenministerium der Republik Belarus)",
    "entitykit_mentions": "adds names inside compounds (OVKS-Generalsekretär) and registry names NER missed",
    "entitykit_resolver": "gives each mention its canonical entity: registry, coreference, clustering (ent.kb_id_)",
}


def describe_components(nlp: Language) -> list[tuple[str, str]]:
    """Each component of ``nlp``, in order, with what it does.

    >>> import spacy
    >>> nlp = spacy.blank("de"); _ = nlp.add_pipe("sentencizer")
    >>> describe_components(nlp)
    [('sentencizer', 'sentence boundaries from punctuation (NER never crosses one)')]
    """
    described = []
    for name in nlp.pipe_names:
        factory = nlp.get_pipe_meta(name).factory
        described.append((name, COMPONENT_ROLES.get(factory, f"component of factory {factory!r}")))
    return described


# Texts longer than this are processed in pieces: spaCy's NER needs memory in proportion to
# the text it sees at once (a 2 MB text in one piece takes about 9 GB).
MAX_CHUNK_CHARS = 100_000


def split_text(text: str, max_chars: int = MAX_CHUNK_CHARS) -> list[str]:
    r"""Cut ``text`` into pieces of at most ``max_chars`` that join back to ``text``.

    Cuts fall after a blank line, else a line break, else a sentence end, else a space.

    >>> split_text("Minsk.\n\nMoskau. Kiew.", 10)
    ['Minsk.\n\n', 'Moskau. ', 'Kiew.']
    """
    pieces = []
    start = 0
    while len(text) - start > max_chars:
        window = text[start : start + max_chars]
        cut = 0
        for separator in ("\n\n", "\n", ". ", " "):
            found = window.rfind(separator, max_chars // 4)
            if found != -1:
                cut = found + len(separator)
                break
        cut = cut or max_chars
        pieces.append(window[:cut])
        start += cut
    pieces.append(text[start:])
    return pieces


def annotate(nlp: Language, text: str, *, max_chars: int = MAX_CHUNK_CHARS, batch_size: int = 8) -> Doc:
    """Run ``nlp`` over a text of any length and return one ``Doc``.

    Short texts go straight through ``nlp(text)``. Longer ones are split (:func:`split_text`),
    run through the pipeline in small batches, joined with ``Doc.from_docs`` and only then
    resolved, so that coreference and clustering see the whole text.

    >>> import spacy
    >>> annotate(spacy.blank("de"), "Minsk. " * 5, max_chars=10).text == "Minsk. " * 5
    True
    """
    if len(text) <= max_chars:
        return nlp(text)
    resolver = "entitykit_resolver" if nlp.has_pipe("entitykit_resolver") else None
    with nlp.select_pipes(disable=[resolver] if resolver else []):
        parts = []
        for part in nlp.pipe(split_text(text, max_chars), batch_size=batch_size):
            part.tensor = part.tensor[:0]  # the tok2vec output is not needed after NER
            parts.append(part)
    doc = Doc.from_docs(parts, ensure_whitespace=False)
    return nlp.get_pipe(resolver)(doc) if resolver else doc


# --- shared helpers ------------------------------------------------------------------------

# An entity or token longer than this is no name (the longest name in the bundled registry has
# 64 characters): NER on scraped text can tag a run of letters without spaces as PER. Such a
# "name" is no mention, so that no step after NER spends time or memory on it.
MAX_NAME_CHARS = 300


def is_overlong(text: str) -> bool:
    """Whether ``text`` is too long to be a name (more than :data:`MAX_NAME_CHARS` characters).

    >>> is_overlong("Organisation des Vertrags über kollektive Sicherheit"), is_overlong("x" * 301)
    (False, True)
    """
    return len(text) > MAX_NAME_CHARS


# Short all-capital words that start German hyphen compounds but name no entity
# (PKW-Maut, SMS-Nachricht, KI-Modell; POL-KN, the code that opens a police press release).
# Users extend the list through the config.
NON_ENTITY_ACRONYMS = (
    "ABC", "ABS", "AKW", "CD", "CEO", "DJ", "DNA", "DVD", "EKG", "FAQ", "GPS", "HIV", "ID",
    "IT", "KI", "KFZ", "LED", "LKW", "MRT", "PC", "PDF", "PIN", "PKW", "POL", "PR", "PS", "SMS",
    "SUV", "TV", "UKW", "USB", "VIP", "WC", "WLAN",
)


def split_at_line_breaks(ents: Sequence[Span]) -> list[Span]:
    r"""Cut entities at line breaks and whitespace tokens, keeping the name-like pieces.

    A statistical NER trained on clean sentences can run a span across the lines of a scraped
    page ("Twitter", line break, "Letzte Nachrichten"); a name never crosses a line break. Pieces that
    start with a capital letter and have at least two characters are kept.

    >>> import spacy
    >>> doc = spacy.blank("de")("Twitter\nLetzte Nachrichten")
    >>> doc.ents = [doc.char_span(0, len(doc.text), label="ORG")]
    >>> [ent.text for ent in split_at_line_breaks(doc.ents)]
    ['Twitter', 'Letzte Nachrichten']
    """
    kept = []
    for ent in ents:
        runs: list[tuple[int, int]] = []
        start = None
        for token in ent:
            if token.is_space:
                if start is not None:
                    runs.append((start, token.i))
                start = None
            elif start is None:
                start = token.i
        if start is not None:
            runs.append((start, ent.end))
        if runs == [(ent.start, ent.end)]:
            kept.append(ent)
            continue
        for first, stop in runs:
            piece = Span(ent.doc, first, stop, label=ent.label)
            if len(piece.text) >= 2 and piece.text[0].isupper():
                kept.append(piece)
    return kept


def register_extensions() -> None:
    """Register ``Span._.canonical``, ``._.score``, ``._.method``, ``._.matched`` and
    ``._.ner_label`` (once). ``ner_label`` is set where the resolver gave a mention its name's
    label in the document instead of NER's (one name, one entity: see the resolver).

    >>> register_extensions()
    >>> Span.has_extension("canonical")
    True
    """
    for name in ("canonical", "score", "method", "matched", "ner_label"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


def _registry_records(registry) -> list[dict] | None:
    """The registry as JSONL records (``None``: no registry)."""
    return None if registry is None else [entity.to_record() for entity in registry]


def _registry_from(source) -> Any:
    """A registry from records or a registry file; ``None`` stays no registry."""
    if source is None:
        return None
    from .aliases import AliasRegistry

    return AliasRegistry.from_sources(source)


# --- entitykit_institutions ----------------------------------------------------------------


@Language.component("entitykit_institutions", assigns=["doc.ents", "token.ent_iob", "token.ent_type"])
def tag_institutions(doc: Doc) -> Doc:
    """Tag named institutions as ORG: *Europäisches Parlament*, *Außenministerium der Republik
    Belarus*; bare heads (*die Regierung*, *das Ministerium*) stay untagged. The rules are in
    :mod:`entitykit.institutions`.

    >>> import spacy
    >>> nlp = spacy.blank("de"); _ = nlp.add_pipe("entitykit_institutions")
    >>> [(ent.text, ent.label_) for ent in nlp("Das Europäische Parlament und das Ministerium").ents]
    [('Europäische Parlament', 'ORG')]
    """
    from .institutions import with_institutions

    return with_institutions(doc)


# --- entitykit_mentions --------------------------------------------------------------------


class _Part(NamedTuple):
    """A piece of text the mention finder wants as an entity: characters ``start:end`` of the doc."""

    start: int
    end: int
    label: str


@Language.factory(
    "entitykit_mentions",
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
    default_config={
        "acronym_label": "ORG",
        "min_acronym": 2,
        "max_acronym": 6,
        "near_exact_length": 6,
        "non_entity_acronyms": list(NON_ENTITY_ACRONYMS),
    },
)
def make_mentions(
    nlp: Language,
    name: str,
    acronym_label: str,
    min_acronym: int,
    max_acronym: int,
    near_exact_length: int,
    non_entity_acronyms: List[str],
) -> "MentionFinder":
    """Build the ``entitykit_mentions`` component (see :class:`MentionFinder`)."""
    return MentionFinder(
        nlp,
        name,
        acronym_label=acronym_label,
        min_acronym=min_acronym,
        max_acronym=max_acronym,
        near_exact_length=near_exact_length,
        non_entity_acronyms=non_entity_acronyms,
    )


class MentionFinder:
    """Adds the entity mentions NER misses: names inside German hyphen compounds and known
    registry names anywhere.

    * Registry aliases (after normalisation, or one edit away for words of at least
      ``near_exact_length`` letters) on capitalised tokens, token sequences and compound parts:
      *Lukaschenko-Regime* -> *Lukaschenko*, *Anti-Lukaschenko-Proteste* -> *Lukaschenko*.
    * Acronym-like first parts of hyphen compounds (``min_acronym``-``max_acronym`` capitals):
      *OVKAS-Generalsekretär* -> *OVKAS*, *EU-Staaten* -> *EU*; labelled ``acronym_label``
      unless the registry knows the acronym. Not in a compound all in capitals (a headline:
      *GOLD-MEDAILLE*), where capitals say nothing; known names there are still found.

    spaCy's German tokenizer keeps *OVKS-Generalsekretär* as one token and a span can only
    cover whole tokens, so a matched compound is split with ``doc.retokenize()`` into
    *OVKS* / *-* / *Generalsekretär* (the last piece keeps the token's syntactic head). The new
    entity then covers exactly the entity part: its text, character offsets, displaCy markup
    and ``kb_id_`` are right everywhere. NER entities are never changed: where a candidate
    overlaps one, the NER entity wins. An NER entity or a token of more than
    :data:`MAX_NAME_CHARS` characters is no name: the entity is dropped, the token skipped.

    >>> import spacy
    >>> nlp = spacy.blank("de")
    >>> nlp.add_pipe("entitykit_mentions").initialize(default_aliases=False)
    >>> doc = nlp("Der neue OVKAS-Generalsekretär und die EU-Staaten")
    >>> [(ent.text, ent.label_) for ent in doc.ents], doc[2:5].text
    ([('OVKAS', 'ORG'), ('EU', 'ORG')], 'OVKAS-Generalsekretär')
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "entitykit_mentions",
        *,
        acronym_label: str = "ORG",
        min_acronym: int = 2,
        max_acronym: int = 6,
        near_exact_length: int = 6,
        non_entity_acronyms: Iterable[str] = NON_ENTITY_ACRONYMS,
    ) -> None:
        from .errors import InputError

        if acronym_label not in LABELS:
            raise InputError(f"acronym_label {acronym_label!r} is not one of {', '.join(LABELS)}")
        if not 1 <= min_acronym <= max_acronym:
            raise InputError(f"need 1 <= min_acronym <= max_acronym, got {min_acronym} and {max_acronym}")
        self.name = name
        self.cfg = {
            "acronym_label": acronym_label,
            "min_acronym": min_acronym,
            "max_acronym": max_acronym,
            "near_exact_length": near_exact_length,
            "non_entity_acronyms": sorted(non_entity_acronyms),
        }
        self._acronym = re.compile(rf"[A-ZÄÖÜ]{{{min_acronym},{max_acronym}}}")
        self._stop = frozenset(non_entity_acronyms)
        self.set_aliases([])

    # The alias table: (alias, label) pairs taken from a registry, indexed by normalised form.
    def set_aliases(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Replace the known names: ``(alias, label)`` pairs (the first label of a name wins)."""
        self._pairs: list[tuple[str, str]] = []
        self._keys: dict[str, str] = {}
        # Surnames of multi-word PER names count inside compounds only (Lukaschenko-Regime):
        # standalone, a surname is NER's and coreference's business.
        self._surnames: dict[str, str] = {}
        self._by_prefix: dict[str, list[tuple[str, str, bool]]] = {}
        self._first_words: set[str] = set()
        self._max_words = 1
        seen: set[tuple[str, str]] = set()
        for alias, label in pairs:
            key = _norm(alias)
            if not key or (key, label) in seen:
                continue
            seen.add((key, label))
            self._pairs.append((alias, label))
            words = key.split()
            if len(words) > 1:
                self._first_words.add(words[0])
                self._max_words = max(self._max_words, len(words))
                if label == "PER" and len(words[-1]) >= 4:
                    self._surnames.setdefault(words[-1], label)
            self._keys.setdefault(key, label)
        for table, surname in ((self._keys, False), (self._surnames, True)):
            for key, label in table.items():
                if " " not in key and len(key) >= self.cfg["near_exact_length"]:
                    self._by_prefix.setdefault(key[:3], []).append((key, label, surname))

    def initialize(
        self,
        get_examples: Callable[[], Iterable] | None = None,
        *,
        nlp: Language | None = None,
        registry: Any = None,
        aliases: Sequence[str | Path] = (),
        default_aliases: bool = True,
    ) -> None:
        """Take the known names from ``registry`` (an :class:`~entitykit.aliases.AliasRegistry`),
        else from the default registry plus the files in ``aliases``."""
        if registry is None:
            registry = build_registry(aliases, default_aliases=default_aliases)
        self.set_aliases(_alias_pairs(registry))

    def lookup(self, text: str, *, in_compound: bool = False) -> str | None:
        """The label of a known name equal to ``text`` after normalisation (or without a
        genitive ``-s``), or one edit away for names of at least ``near_exact_length``
        characters unless ``text`` is a frequent German word (*Rahmen* is not *Rahmon*); else
        None. ``in_compound``: also surnames of known persons."""
        if not self._keys:
            return None
        from .normalize import genitive_stem

        key = _norm(text)
        stem = genitive_stem(text)
        for candidate in (key, _norm(stem) if stem else None):
            if candidate in self._keys:
                return self._keys[candidate]
            if in_compound and candidate in self._surnames:
                return self._surnames[candidate]
        if len(key) < self.cfg["near_exact_length"] or " " in key:
            return None
        from rapidfuzz.distance import Levenshtein

        for candidate, label, surname in self._by_prefix.get(key[:3], ()):
            if (in_compound or not surname) and Levenshtein.distance(key, candidate, score_cutoff=1) <= 1:
                # a frequent German word is no slip of a name: "im Rahmen der" is not Rahmon
                return None if _is_common_word(text) else label
        return None

    def __call__(self, doc: Doc) -> Doc:
        # A statistical NER may tag a whole compound ("OVKAS-Generalsekretär" as ORG); such an
        # entity gives way to its entity part, found below like any other compound.
        doc.ents = [
            ent for ent in split_at_line_breaks(doc.ents) if not is_overlong(ent.text) and not self._splits(ent)
        ]
        taken = [False] * len(doc)
        for ent in doc.ents:
            for i in range(ent.start, ent.end):
                taken[i] = True
        found: list[_Part] = []
        splits: list[tuple[int, list[str]]] = []
        i = 0
        while i < len(doc):
            token = doc[i]
            if taken[i] or not token.text[:1].isupper() or is_overlong(token.text):
                i += 1
                continue
            if "-" in token.text[1:]:
                part = self._compound_part(token)
                if part is not None:
                    pieces, index, label = part
                    offset = token.idx + sum(len(p) for p in pieces[:index])
                    found.append(_Part(offset, offset + len(pieces[index]), label))
                    if len(pieces) > 1:
                        splits.append((i, pieces))
                    i += 1
                    continue
            width = self._match_words(doc, i, taken)
            if width:
                span = doc[i : i + width]
                found.append(_Part(span.start_char, span.end_char, self.lookup(span.text)))
                i += width
            else:
                i += 1
        if not found:
            return doc
        if splits:
            with doc.retokenize() as retokenizer:
                for index, pieces in splits:
                    token = doc[index]
                    head_piece = len(pieces) - 1
                    heads = [(token, head_piece)] * head_piece + [
                        token.head if token.head.i != token.i else (token, head_piece)
                    ]
                    retokenizer.split(token, pieces, heads=heads, attrs=_split_attrs(token, pieces))
        new = [doc.char_span(p.start, p.end, label=p.label) for p in found]
        doc.ents = list(doc.ents) + [span for span in new if span is not None]
        return doc

    def _splits(self, ent: Span) -> bool:
        """Whether ``ent`` is one hyphen-compound token whose entity part is only a piece of it."""
        if len(ent) != 1 or "-" not in ent.text[1:]:
            return False
        part = self._compound_part(ent[0])
        return part is not None and len(part[0]) > 1

    def _match_words(self, doc: Doc, start: int, taken: list[bool]) -> int:
        """Number of tokens of the longest known name starting at ``start`` (0 if none)."""
        if not self._keys:
            return 0
        first = _norm(doc[start].text)
        if first in self._first_words:
            for width in range(min(self._max_words, len(doc) - start), 1, -1):
                if any(taken[start : start + width]):
                    continue
                span = doc[start : start + width]
                if span[-1].text[:1].isalnum() and _norm(span.text) in self._keys:
                    return width
        return 1 if self.lookup(doc[start].text) else 0

    def _compound_part(self, token) -> tuple[list[str], int, str] | None:
        """How to split a hyphen compound: ``(pieces, index of the entity piece, label)``."""
        text = token.text
        # "EU- und NATO-Staaten": a trailing hyphen stands for the omitted second part.
        trailing = ["-"] if text.endswith("-") else []
        core = text[:-1] if trailing else text
        label = self.lookup(core)
        if label:  # a hyphenated name such as Nur-Sultan, or "EU-"
            return [core, *trailing], 0, label
        parts = core.split("-")
        if any(not part for part in parts):
            return None
        # Longest run of parts that is a known name; among equals, the leftmost.
        for width in range(len(parts) - 1, 0, -1):
            for begin in range(0, len(parts) - width + 1):
                name = "-".join(parts[begin : begin + width])
                if not name[:1].isupper():
                    continue
                label = self.lookup(name, in_compound=True)
                if label:
                    return _pieces(parts, begin, begin + width) + trailing, (0 if begin == 0 else 2), label
        first = parts[0]
        # In a compound all in capitals (a headline: GOLD-MEDAILLE, KOPF-AN-KOPF) a capital first
        # part is no sign of an acronym; known names were looked up above.
        if self._acronym.fullmatch(first) and first not in self._stop and not (len(parts) > 1 and core.isupper()):
            return _pieces(parts, 0, 1) + trailing, 0, self.cfg["acronym_label"]
        return None

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Save the known names as ``aliases.jsonl`` in ``path``."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(path / "aliases.jsonl", ({"alias": a, "label": l} for a, l in self._pairs))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "MentionFinder":
        """Load the known names saved by :meth:`to_disk`."""
        records = srsly.read_jsonl(Path(path) / "aliases.jsonl")
        self.set_aliases((r["alias"], r["label"]) for r in records)
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps({"aliases": self._pairs})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "MentionFinder":
        self.set_aliases(tuple(pair) for pair in srsly.msgpack_loads(data)["aliases"])
        return self


def _pieces(parts: list[str], begin: int, end: int) -> list[str]:
    """Split pieces for a compound whose parts ``begin:end`` are the entity."""
    pieces = []
    if begin:
        pieces += ["-".join(parts[:begin]), "-"]
    pieces.append("-".join(parts[begin:end]))
    if end < len(parts):
        pieces += ["-", "-".join(parts[end:])]
    return pieces


def _split_attrs(token, pieces: list[str]) -> dict:
    """Token attributes for the pieces of a split compound; the last piece keeps the token's."""
    attrs: dict[str, list] = {}
    doc = token.doc
    if doc.has_annotation("TAG"):
        attrs["TAG"] = ["NE" if p != "-" else "$(" for p in pieces[:-1]] + [token.tag_]
    if doc.has_annotation("POS"):
        attrs["POS"] = ["PROPN" if p != "-" else "PUNCT" for p in pieces[:-1]] + [token.pos_]
    if doc.has_annotation("DEP"):
        attrs["DEP"] = ["pnc" if p != "-" else "punct" for p in pieces[:-1]] + [token.dep_]
    if doc.has_annotation("LEMMA"):
        attrs["LEMMA"] = pieces[:-1] + [token.lemma_.rsplit("-", 1)[-1] if "-" in token.lemma_ else pieces[-1]]
    # retokenizer.split stores only the hashes of these strings: a string missing from the
    # StringStore makes token.lemma_, doc.to_bytes() and doc.to_json() fail with E018.
    strings = doc.vocab.strings
    for name, values in attrs.items():
        if name != "POS":
            for value in values:
                strings.add(value)
    return attrs


def _alias_pairs(registry) -> list[tuple[str, str]]:
    if registry is None:
        return []
    return [(alias, entity.label) for entity in registry for alias in entity.names]


def _norm(text: str) -> str:
    from .normalize import normalize

    return normalize(text)


def _is_common_word(text: str) -> bool:
    from .knowledge import is_common_word

    return is_common_word(text)


# --- entitykit_resolver --------------------------------------------------------------------


@Language.factory(
    "entitykit_resolver",
    assigns=["token.ent_kb_id", "token.ent_type", "span._.canonical", "span._.score", "span._.method",
             "span._.matched", "span._.ner_label"],
    requires=["doc.ents"],
    default_config={
        "score_cutoff": 80.0,
        "cross_label_penalty": 10.0,
        "min_typo_length": 7,
        "cluster": True,
        "context_window": 8,
        "batch_size": 256,
        "keep_tensor": False,
    },
)
def make_resolver(
    nlp: Language,
    name: str,
    score_cutoff: float,
    cross_label_penalty: float,
    min_typo_length: int,
    cluster: bool,
    context_window: int,
    batch_size: int,
    keep_tensor: bool,
) -> "EntityResolver":
    """Build the ``entitykit_resolver`` component (see :class:`EntityResolver`)."""
    return EntityResolver(
        nlp, name, score_cutoff=score_cutoff, cross_label_penalty=cross_label_penalty,
        min_typo_length=min_typo_length, cluster=cluster, context_window=context_window,
        batch_size=batch_size, keep_tensor=keep_tensor,
    )


class EntityResolver:
    """Gives every PER/ORG/LOC/MISC entity its canonical entity.

    Sets ``ent.kb_id_`` to the entity id (registry id, or a slug for unknown entities) and
    ``ent._.canonical``, ``ent._.score`` (0-100), ``ent._.method``, ``ent._.matched``.
    ``nlp(text)`` resolves one document (coreference and clustering within it);
    ``nlp.pipe(texts)`` resolves each batch of ``batch_size`` documents at once, so variants
    merge across the documents of a batch. With ``cluster`` off, unknown names keep their own
    ``new:`` id (``method`` ``new``) for a caller that clusters a whole corpus once, as
    ``entitykit run`` does. ``score_cutoff``, ``cross_label_penalty`` and ``min_typo_length``
    are the :class:`~entitykit.resolver.Resolver`'s settings. The registry arrives in
    :meth:`initialize` (or :meth:`from_disk`) and is saved with the pipeline. Once entities are
    resolved the tok2vec output ``doc.tensor`` is freed (most of a Doc's memory); set
    ``keep_tensor`` in the component's config to keep it. An entity of more than
    :data:`MAX_NAME_CHARS` characters is no name and is removed from ``doc.ents``.

    >>> import spacy
    >>> nlp = spacy.blank("de")
    >>> _ = nlp.add_pipe("entitykit_mentions"), nlp.add_pipe("entitykit_resolver")
    >>> _ = nlp.initialize()  # the default registry
    >>> doc = nlp("Der OVKAS-Generalsekretär besuchte die OVKS-Mitgliedstaaten.")
    >>> [(ent.text, ent.kb_id_, ent._.method) for ent in doc.ents]
    [('OVKAS', 'org:ovks', 'acronym'), ('OVKS', 'org:ovks', 'alias')]
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "entitykit_resolver",
        *,
        score_cutoff: float = 80.0,
        cross_label_penalty: float = 10.0,
        min_typo_length: int = 7,
        cluster: bool = True,
        context_window: int = 8,
        batch_size: int = 256,
        keep_tensor: bool = False,
    ) -> None:
        self.name = name
        self.cfg = {
            "score_cutoff": score_cutoff,
            "cross_label_penalty": cross_label_penalty,
            "min_typo_length": min_typo_length,
            "cluster": cluster,
            "context_window": context_window,
            "batch_size": batch_size,
            "keep_tensor": keep_tensor,
        }
        self._registry = None
        self._resolver = None
        self._gazetteer = True
        self._initialized = False
        register_extensions()

    @property
    def registry(self):
        """The :class:`~entitykit.aliases.AliasRegistry` in use, or None (no registry)."""
        return self._registry

    def set_registry(self, registry, *, gazetteer: bool = True) -> None:
        """Use ``registry`` (an :class:`~entitykit.aliases.AliasRegistry` or None), with the
        bundled knowledge of places unless ``gazetteer`` is off (see :class:`~entitykit.resolver.Resolver`)."""
        from .resolver import Resolver

        self._registry = registry
        self._gazetteer = bool(gazetteer)
        cfg = self.cfg
        self._resolver = Resolver(
            registry, score_cutoff=cfg["score_cutoff"], cross_label_penalty=cfg["cross_label_penalty"],
            min_typo_length=cfg["min_typo_length"], gazetteer=gazetteer,
        )
        self._initialized = True

    @property
    def resolver(self):
        """The :class:`~entitykit.resolver.Resolver` with this component's registry and settings."""
        if not self._initialized:  # added without initialize(): the default registry
            self.initialize()
        return self._resolver

    def initialize(
        self,
        get_examples: Callable[[], Iterable] | None = None,
        *,
        nlp: Language | None = None,
        registry: Any = None,
        aliases: Sequence[str | Path] = (),
        default_aliases: bool = True,
    ) -> None:
        """Use ``registry``, else the default registry plus the files in ``aliases``
        (``default_aliases=False`` and no files: no registry). ``default_aliases=False`` also
        turns off the bundled knowledge of places (the gazetteer)."""
        if registry is None:
            registry = build_registry(aliases, default_aliases=default_aliases)
        self.set_registry(registry, gazetteer=default_aliases)

    def __call__(self, doc: Doc) -> Doc:
        self._resolve([doc])
        self._release([doc])
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int | None = None) -> Iterator[Doc]:
        """Resolve documents batch by batch; variants merge across each batch."""
        for batch in minibatch(stream, size=batch_size or self.cfg["batch_size"]):
            self._resolve(batch)
            self._release(batch)
            yield from batch

    def _release(self, docs: list[Doc]) -> None:
        # The tok2vec output (doc.tensor) is most of a Doc's memory and most of what
        # nlp.pipe(n_process=N) ships between processes; nothing after NER needs it.
        if not self.cfg["keep_tensor"]:
            for doc in docs:
                doc.tensor = doc.tensor[:0]

    def _resolve(self, docs: list[Doc]) -> None:
        from .resolver import Mention

        resolver = self.resolver
        window = self.cfg["context_window"]
        mentions, places = [], []
        for number, doc in enumerate(docs):
            if any(is_overlong(ent.text) for ent in doc.ents):  # no name: no mention
                doc.ents = [ent for ent in doc.ents if not is_overlong(ent.text)]
            for ent in doc.ents:
                # NER can tag a lone symbol ("$"): no name, and the resolver refuses it
                if ent.label_ in LABELS and _norm(ent.text):
                    context = doc[max(ent.start - window, 0) : ent.end + window].text
                    mentions.append(Mention(ent.text, ent.label_, doc=str(number), context=context))
                    places.append((number, ent))
        if not mentions:
            return
        if self.cfg["cluster"]:
            results = resolver.resolve_mentions(mentions)
        else:
            results = resolver.link(mentions, count_forms=False).resolutions  # the caller counts them
        by_doc: dict[int, dict[tuple[int, int], Any]] = {}
        for (number, ent), result in zip(places, results):
            by_doc.setdefault(number, {})[ent.start, ent.end] = result
        for number, resolved in by_doc.items():
            doc = docs[number]
            ents, ner_labels = [], {}
            for ent in doc.ents:
                result = resolved.get((ent.start, ent.end))
                kb_id = result.entity_id if result else ent.kb_id_
                label = ent.label_
                if result and result.label != label and (
                    kb_id.startswith(UNREGISTERED_PREFIXES) or (label == "PER") != (result.label == "PER")
                ):
                    # the name's label in this document won the vote, or the registry knows the
                    # name under another label (Belaruskalij tagged PER): the span takes it
                    label, ner_labels[(ent.start, ent.end)] = result.label, label
                ents.append(Span(doc, ent.start, ent.end, label=label, kb_id=kb_id, span_id=ent.id_))
            doc.ents = ents
            for ent in doc.ents:
                result = resolved.get((ent.start, ent.end))
                ent._.ner_label = ner_labels.get((ent.start, ent.end))
                if result:
                    ent._.canonical = result.canonical
                    ent._.score = result.score
                    ent._.method = result.method
                    ent._.matched = result.matched

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Save the registry as ``registry.jsonl`` in ``path`` (``cfg`` says whether there is one)."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if not self._initialized:
            self.initialize()
        records = _registry_records(self._registry)
        cfg = {"registry": records is not None, "gazetteer": self._gazetteer}
        (path / "cfg").write_text(json.dumps(cfg), encoding="utf-8")
        if records is not None:
            srsly.write_jsonl(path / "registry.jsonl", records)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "EntityResolver":
        """Load the registry saved by :meth:`to_disk`."""
        path = Path(path)
        cfg = json.loads((path / "cfg").read_text(encoding="utf-8"))
        self.set_registry(_registry_from(path / "registry.jsonl" if cfg["registry"] else None),
                          gazetteer=cfg.get("gazetteer", True))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        if not self._initialized:
            self.initialize()
        return srsly.msgpack_dumps({"registry": _registry_records(self._registry), "gazetteer": self._gazetteer})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "EntityResolver":
        saved = srsly.msgpack_loads(data)
        self.set_registry(_registry_from(saved["registry"]), gazetteer=saved.get("gazetteer", True))
        return self
