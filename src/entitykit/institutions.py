"""Named institutions as organisations: *Europäische Kommission*, *Außenministerium der Republik
Belarus*, *Deutscher Bundestag*, found after NER and tagged ORG.

GermEval 2014, the main training corpus, leaves a bare institution outside any entity (*die
Regierung* O 114 times of 114, *Parlament* O 31/32, *Kommission* O 20/25) and is split on named
ones (*Europäischen Parlaments*, *Deutschen Bundestag* ORG, *im Europäischen Rat*, *Berliner
Senat* O), so the statistical model is unsure of them. Users reading political news need them as
organisations. A named institution here is an institution head noun (:func:`is_institution_head`)

* after one or more capitalised adjectives that are part of the name
  (:func:`is_name_adjective`): *Europäisches Parlament*, *Oberster Gerichtshof*; or
* before a genitive complement naming a place that NER tagged LOC: *Außenministerium der
  Republik Belarus*, *Verteidigungsministerium Russlands*.

*Regierung* is no head at all (GermEval: O 114/114, *Bundesregierung* O 30/33). A bare head (*das
Ministerium*, *das Außenministerium*, *die Kommission*) and a head after a
lower-case adjective (*das russische Außenministerium*: a description, GermEval tags *russische*
LOCderiv and the head O) stay outside. A match takes the place of the NER entities inside it
(*Belarus* LOC in *Außenministerium der Republik Belarus*); it is left out when it would cut an
NER entity or swallow a person.

>>> import spacy
>>> from spacy.tokens import Span
>>> doc = spacy.blank("de")("Das Außenministerium der Republik Belarus und die Regierung schwiegen.")
>>> doc.ents = [Span(doc, 4, 5, label="LOC")]
>>> [(ent.text, ent.label_) for ent in with_institutions(doc).ents]
[('Außenministerium der Republik Belarus', 'ORG')]
"""

from __future__ import annotations

import re
from functools import lru_cache

# Head nouns of institutions: the words themselves and, for the first group, compounds ending in
# them (Außenministerium, Bundeskommission, Europaparlament). "Rat" only as these words: compounds
# ending in -rat are mostly no institution (Vorrat, Apparat, Heirat).
COMPOUND_HEADS = ("ministerium", "kommission", "parlament", "duma", "versammlung", "gerichtshof")
WORD_HEADS = (
    "rat", "rada", "bundestag", "landtag", "bundesrat", "sicherheitsrat", "ministerrat", "europarat",
    "föderationsrat", "nationalrat", "menschenrechtsrat", "staatsrat", "senat", "kongress", "sejm",
    "knesset", "zentralbank", "nationalbank",
)
# Inflected forms: des Parlaments, des Rates, der Räte
_HEAD = re.compile(
    rf"(?:\w*(?:{'|'.join(COMPOUND_HEADS)})|{'|'.join(WORD_HEADS)}|räte)(?:e?s|en|n)?",
)
# Every text with a head has one of these; a text without (most) skips the matcher.
_ANY_HEAD = re.compile(
    rf"(?i:{'|'.join(COMPOUND_HEADS)})|\b(?:{'|'.join(word.capitalize() for word in WORD_HEADS)}|Räte)"
)
# Capitalised adjectives that belong to a name: -isch (Europäische, Russisches, Hessischen) and a
# few others (Deutscher Bundestag, Oberster Gerichtshof, Werchowna Rada, Gemeinsame Kommission).
_ADJECTIVE = re.compile(
    r"[A-ZÄÖÜ][a-zäöüß]+isch(?:e|er|es|en|em)"
    r"|(?:Deutsch|Oberst|Höchst|Hoh|National|Föderal|Gemeinsam|Ständig|Zentral)(?:e|er|es|en|em)"
    r"|Werchown(?:a|y|oj)"
)
# Words between a head's "der"/"des" and the place NER tagged: Republik Belarus, Russischen Föderation
STATE_WORDS = ("Republik", "Föderation", "Volksrepublik", "Königreich", "Königreichs", "Fürstentum", "Fürstentums")
ARTICLES = ("der", "des")


def is_institution_head(word: str) -> bool:
    """Whether ``word`` is a capitalised head noun of an institution, inflected or compounded.

    >>> [is_institution_head(w) for w in ("Außenministerium", "Parlaments", "Rates", "Staatsduma", "Vorrat", "kommission")]
    [True, True, True, True, False, False]
    """
    return word[:1].isupper() and _HEAD.fullmatch(word.lower()) is not None


def is_name_adjective(word: str) -> bool:
    """Whether ``word`` is a capitalised adjective that can open an institution's name.

    >>> [is_name_adjective(w) for w in ("Europäische", "Deutschen", "Werchowna", "russische", "Die", "Berliner")]
    [True, True, True, False, False, False]
    """
    return _ADJECTIVE.fullmatch(word) is not None


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, list[dict]]]:
    """Matcher patterns by name (the names say which rule matched)."""
    head = {"TEXT": {"REGEX": r"^[A-ZÄÖÜ]"}, "_": {"institution_head": True}}
    adjective = {"TEXT": {"REGEX": rf"^(?:{_ADJECTIVE.pattern})$"}}
    state = {"TEXT": {"IN": list(STATE_WORDS)}, "OP": "*"}
    state_adjective = {"TEXT": {"REGEX": r"^[A-ZÄÖÜ][a-zäöüß]+isch(?:e|er|es|en|em)$"}, "OP": "*"}
    place = {"ENT_TYPE": "LOC", "OP": "+"}
    return [
        ("ADJECTIVE_HEAD", [{**adjective, "OP": "+"}, head]),
        ("HEAD_OF_PLACE", [head, {"LOWER": {"IN": list(ARTICLES)}}, state_adjective, state, place]),
        ("HEAD_PLACE_GENITIVE", [head, place]),
    ]


def _register_extension() -> None:
    from spacy.tokens import Token

    if not Token.has_extension("institution_head"):
        Token.set_extension("institution_head", getter=lambda token: is_institution_head(token.text))


@lru_cache(maxsize=4)
def _matcher(vocab):
    from spacy.matcher import Matcher

    _register_extension()
    matcher = Matcher(vocab)
    for name, pattern in _patterns():
        matcher.add(name, [pattern], greedy="LONGEST")
    return matcher


def institution_spans(doc) -> list:
    """The named institutions in ``doc`` as ORG spans (longest first, not overlapping), before
    checking them against the entities already there.

    >>> import spacy
    >>> doc = spacy.blank("de")("Das Europäische Parlament und die Kommission tagten.")
    >>> [(span.text, span.label_) for span in institution_spans(doc)]
    [('Europäische Parlament', 'ORG')]
    """
    from spacy.tokens import Span
    from spacy.util import filter_spans

    if not _ANY_HEAD.search(doc.text):
        return []
    spans = []
    for match_id, start, end in _matcher(doc.vocab)(doc):
        rule = doc.vocab.strings[match_id]
        if rule == "HEAD_PLACE_GENITIVE" and not _is_genitive(doc[end - 1].text):
            continue
        spans.append(Span(doc, start, end, label="ORG"))
    return sorted(filter_spans(spans), key=lambda span: span.start)


def _is_genitive(word: str) -> bool:
    # Russlands, Polens; Belarus' and Belarus (no ending after -s). Without one the place is
    # another part of the sentence: "Deshalb wirft das Parlament Moskau Wortbruch vor".
    return word.endswith(("s", "'", "’"))


def with_institutions(doc):
    """``doc`` with its named institutions as ORG entities (:func:`institution_spans`).

    An institution takes the place of the entities inside it unless one of them is a person; it
    is left out when an entity crosses its boundary. Other entities are kept as they are.

    >>> import spacy
    >>> doc = spacy.blank("de")("Die Staatsduma und das russische Außenministerium.")
    >>> [ent.text for ent in with_institutions(doc).ents]
    []
    """
    found = institution_spans(doc)
    if not found:
        return doc
    ents = list(doc.ents)
    for span in found:
        inside = [ent for ent in ents if ent.start < span.end and span.start < ent.end]
        if any(ent.start < span.start or ent.end > span.end or ent.label_ == "PER" for ent in inside):
            continue
        ents = [ent for ent in ents if ent not in inside] + [span]
    doc.ents = sorted(ents, key=lambda ent: ent.start)
    return doc
