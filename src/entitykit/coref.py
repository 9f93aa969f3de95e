"""Linking mentions within one document: a surname or a first name alone names the full name it
follows, an acronym the long form the text defines it by, and an organisation's last word the
name it shortens.

>>> from entitykit.mentions import Mention
>>> link_surnames([Mention("Alexander Lukaschenko", "PER", doc="a"), Mention("Lukaschenkos", "PER", doc="a"),
...                Mention("Lukaschenko", "PER", doc="b")])
{1: (0, 100.0)}
>>> link_acronyms([Mention("Europäische Zentralbank", "ORG", doc="a"),
...                Mention("EZB", "ORG", doc="a", context="die Europäische Zentralbank (EZB) hob den Leitzins"),
...                Mention("EZB", "ORG", doc="b")])
{1: (0, 90.0)}
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence

from .aliases import LABELS
from .mentions import Mention
from .names import (
    SHORTEST_ACRONYM_SLIP,
    Name,
    acronym_slip,
    compare,
    content_positions,
    given_names_agree,
    initials,
    parse,
    parse_person,
)
from .normalize import display_form, genitive_stem, normalize

__all__ = ["link_surnames", "link_acronyms", "link_short_forms", "link_alternate_names", "river_mentions", "sibling_names",
           "LEGAL_FORM_ACRONYMS", "DEFINED"]

# The score of an acronym the text defines in brackets (*Europäische Zentralbank (EZB)*): the one
# kind of link the corpus learns from (entitykit.clustering: FormTable definitions).
DEFINED = 90.0
# The score of an acronym in another language the text brackets after a name whose letters it does
# not spell (*Serbische Fortschrittspartei (SNS)*, Srpska napredna stranka): the document's own.
BRACKETED = 80.0

# Acronyms of legal forms and titles: they follow names (*Apogenix AG*), they never name one.
# A short list on purpose: rigour's table of legal forms (knowledge.legal_form_stem) also holds
# short forms that name bodies in German text (*IS*, the Islamischer Staat), so it is not used here.
LEGAL_FORM_ACRONYMS = frozenset(
    {"ag", "se", "kg", "gmbh", "ev", "eg", "ug", "ohg", "gbr", "kgaa", "sa", "nv", "bv", "plc", "inc", "llc",
     "ltd", "co", "oao", "ooo", "zao", "pao", "oy", "ab", "as", "spa", "srl", "dr", "prof"}
)


_NOT_PERSONS = tuple(label for label in LABELS if label != "PER")


def _documents(mentions: Sequence[Mention], labels: tuple[str, ...]) -> list[list[int]]:
    """The indices of the mentions with one of ``labels``, grouped by ``doc`` (in input order);
    mentions without a ``doc`` are in none."""
    by_doc: dict[str, list[int]] = defaultdict(list)
    for index, mention in enumerate(mentions):
        if mention.doc is not None and mention.label in labels:
            by_doc[mention.doc].append(index)
    return list(by_doc.values())


def link_surnames(mentions: Sequence[Mention], *, min_typo_length: int = 7) -> dict[int, tuple[int, float]]:
    """One-word persons -> the nearest full name of the same ``doc`` whose surname, or else whose
    first name, the word is.

    Returns ``{mention index: (antecedent index, score 0-100)}``: the nearest mention of the
    one person whose full name fits, before the mention, else after it; none when two people
    of the document fit (*Kaja Kallas* and *Siim Kallas*; *Lech Kaczynski* and *Lech Walesa*):
    the word alone does not say which. A surname fits a full name by the rules of
    :func:`entitykit.names.compare_names` (a genitive *Lukaschenkos* by its stem); a first name
    (*Alexei* after *Alexej Nawalny*, *Alexeys*) by :func:`entitykit.names.given_names_agree`,
    and only when the word is no full name's surname: *Thomas* next to *Thomas Mann* and
    *Dylan Thomas* stays alone. A surname the NER tagged LOC or MISC links too when it is exactly
    the surname of the one person of that name in the document and no known place (ORG never:
    firms bear their founders' names).
    Mentions without a ``doc`` are never linked.

    >>> from entitykit.mentions import Mention
    >>> link_surnames([Mention("Jaroslaw Kaczynski", "PER", doc="a"), Mention("Jaroslaw", "PER", doc="a"),
    ...                Mention("Lech Kaczynski", "PER", doc="a"), Mention("Lech Walesa", "PER", doc="a"),
    ...                Mention("Lech", "PER", doc="a")])
    {1: (0, 90.0)}
    """
    links: dict[int, tuple[int, float]] = {}
    for indices in _documents(mentions, ("PER",)):
        names = {index: parse_person(mentions[index].text) for index in indices}
        full = [index for index in indices if len(names[index].tokens) >= 2]
        if not full:
            continue
        for index in indices:
            name = names[index]
            if len(name.tokens) != 1 or name.acronym:
                continue
            stem = genitive_stem(display_form(mentions[index].text))  # "Lukaschenkos Rede"
            forms = [name] + ([parse(stem)] if stem and len(normalize(stem)) >= 5 else [])
            fits = _surname_fits(forms, [(other, names[other]) for other in full], min_typo_length)
            given = _given_name_fits(forms, [(other, names[other]) for other in full])
            if given and fits:  # a surname of one and a first name of another: which?
                continue
            fits = fits or given
            # two people of that name in the document (Kaja Kallas, Siim Kallas): the word
            # alone does not say which
            people = {names[other].key: names[other] for other, _ in fits}
            if not fits or any(not compare(a, b, "PER", min_typo_length).ok for a in people.values() for b in people.values()):
                continue
            before = [fit for fit in fits if fit[0] < index]
            antecedent, score = before[-1] if before else fits[0]
            links[index] = (antecedent, score)
    links.update(_mislabelled_surnames(mentions))
    return links


def _mislabelled_surnames(mentions: Sequence[Mention]) -> dict[int, tuple[int, float]]:
    """One-word LOC or MISC mentions that are exactly the surname of the one person of their
    document with that surname (*Tichanowskaja* tagged LOC after *Swetlana Tichanowskaja*): the
    NER's slip. Not ORG: a firm bears its founders' name (*Firma Töpfer* and its manager *Mark
    Töpfer*); not a known place (*Washington* next to *Denzel Washington* may be the city)."""
    from .knowledge import is_known_place

    surnames: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)  # (doc, surname) -> person key -> first mention
    for index, mention in enumerate(mentions):
        if mention.doc is not None and mention.label == "PER":
            name = parse_person(mention.text)
            if len(name.tokens) >= 2 and len(name.tokens[0]) > 1:
                surnames[(mention.doc, name.tokens[-1])].setdefault(name.key, index)
    links: dict[int, tuple[int, float]] = {}
    for index, mention in enumerate(mentions):
        if mention.doc is None or mention.label not in ("LOC", "MISC"):
            continue
        name = parse(mention.text)
        people = surnames.get((mention.doc, name.key)) if len(name.tokens) == 1 and not name.acronym else None
        if people and len(people) == 1 and len(name.key) >= 4 and not is_known_place(mention.text):
            links[index] = (next(iter(people.values())), 90.0)
    return links


def _surname_fits(forms: list[Name], full: list[tuple[int, Name]], min_typo_length: int) -> list[tuple[int, float]]:
    """The full names (index, score) whose surname one of ``forms`` (a word, its genitive stem) is."""
    fits = []
    for other, other_name in full:
        verdicts = [compare(form, other_name, "PER", min_typo_length) for form in forms]
        best = max(verdicts, key=lambda verdict: (verdict.ok, verdict.score))
        if best.ok:  # a surname alone scores 0.95 of a full name: it is the name, unscaled
            fits.append((other, round(min(100.0, best.score / 0.95), 1)))
    return fits


# A first name alone is weaker evidence than a surname alone: its link scores this share.
GIVEN_NAME_SHARE = 0.9


def _given_name_fits(forms: list[Name], full: list[tuple[int, Name]]) -> list[tuple[int, float]]:
    """The full names (index, score) whose first name one of ``forms`` (a word, its genitive
    stem) is; a first name written as an initial (*L. Walesa*) is none."""
    fits = []
    for other, other_name in full:
        scores = [given_names_agree(form.key, other_name.tokens[0]) for form in forms]
        best = max((score for score in scores if score is not None), default=None)
        if best is not None:
            fits.append((other, round(best * GIVEN_NAME_SHARE, 1)))
    return fits


def link_short_forms(mentions: Sequence[Mention]) -> dict[int, tuple[int, float]]:
    """One-word organisations -> the one longer name of the same ``doc`` that they shorten by
    leaving out its opening adjectives: *Reformpartei* after *Estnische Reformpartei*.

    Returns ``{mention index: (antecedent index, score 0-100)}``. The words left out are
    capitalised adjectives of a name (:func:`entitykit.institutions.is_name_adjective`:
    *Estnische*, *Serbischen*, *Deutsche*); the word kept is no common German word
    (:func:`entitykit.knowledge.is_common_word`): *Partei*, *Union* or *Zentralbank* alone says
    too little to name one body. None when two names of the document fit (*Estnische* and
    *Deutsche Zentrumspartei*: which?), and never across documents.

    >>> link_short_forms([Mention("Estnischen Reformpartei", "ORG", doc="a"), Mention("Reformpartei", "ORG", doc="a"),
    ...                   Mention("Partei", "ORG", doc="a"), Mention("Reformpartei", "ORG", doc="b")])
    {1: (0, 90.0)}
    """
    from .institutions import is_name_adjective
    from .knowledge import is_common_word

    links: dict[int, tuple[int, float]] = {}
    for indices in _documents(mentions, ("ORG",)):
        words = {index: display_form(mentions[index].text).split() for index in indices}
        longer: dict[str, dict[str, int]] = defaultdict(dict)  # last word -> adjectives' stems -> first mention
        for index in indices:
            *adjectives, last = words[index] or [""]
            if adjectives and all(is_name_adjective(word) for word in adjectives):
                stems = " ".join(normalize(_ADJECTIVE_ENDING.sub("", word)) for word in adjectives)
                longer[normalize(last)].setdefault(stems, index)
        if not longer:
            continue
        for index in indices:
            if len(words[index]) != 1:
                continue
            word = words[index][0]
            fits = longer.get(normalize(word), {}) if not parse(word).acronym else {}
            if len(fits) == 1 and not is_common_word(word):
                links[index] = (next(iter(fits.values())), SHORT_FORM)
    return links


def link_alternate_names(mentions: Sequence[Mention]) -> dict[int, tuple[int, float]]:
    """Names a text gives as another name of the name before them -> that name, in one ``doc``.

    Returns ``{mention index: (antecedent index, score 0-100)}``. The mention's context must say
    so, as encyclopaedias and travel pages do:

    * a language names it: *Tallinn (deutsch auch Reval, russisch Tallin, vor 1918 russisch
      Rewel)*, *Transnistrien (russisch Приднестровье, ukrainisch Придністров'я)*: the name after
      *russisch*, *polnisch*, *deutsch*, *auf Jiddisch* … belongs to the nearest name of the same label before
      it, inside the bracket or comma list that name opens;
    * a bracket writes it in another script: *Petrowskoje (ПетровÑкое)*, *МахIачхъала (MaħaÄqala)*;
    * *kurz* or *abgekürzt* gives it as the short form: *Pridnestrowische Moldawische Republik,
      kurz Pridnestrowien*; *„Stroy Gaz Montazh“ (Bau, Gas, Montage), kurz „SGM Group“*.

    Every mention of that spelling in the document follows (the text said what it means), as for
    acronyms; never across documents, never when the document gives one spelling to two names.
    """
    links: dict[int, tuple[int, float]] = {}
    for label in LABELS:
        for indices in _documents(mentions, (label,)):
            first = {mentions[index].text: index for index in reversed(indices)}  # each spelling's first mention
            heads: dict[str, set[str]] = defaultdict(set)  # spelling -> the spellings the text names it after
            for index in indices:
                mention = mentions[index]
                if mention.context and mention.text not in heads:
                    head = _named_after(mention.text, mention.context, first)
                    if head is not None and head != mention.text:
                        heads[mention.text].add(head)
            for index in indices:
                text = mentions[index].text
                seen = {text}
                while len(heads.get(text, ())) == 1 and (head := next(iter(heads[text]))) not in seen:
                    seen.add(head)
                    text = head
                if text != mentions[index].text:
                    links[index] = (first[text], ALTERNATE_NAME)
    return links


def sibling_names(mentions: Sequence[Mention]) -> dict[int, str]:
    """Given names a text lists before a sibling's full name -> the full name they stand for:
    *die Brüder Arkadi und Boris Rotenberg* names Arkadi Rotenberg, *die Geschwister Hans und
    Sophie Scholl* Hans Scholl. Only after a word for siblings or a couple (*Brüder*,
    *Geschwister*, *Zwillinge*, *Ehepaar*, :data:`_SIBLINGS`): without it, *Merz und Markus Söder*
    are two surnames, not Merz Söder. One-word person mentions only, two names only, and the
    second of two words: in *Schwestern Lucia, Europa und Anna Maria* or *Lucia und Anna Maria
    Anguissola*, which word is a surname the text does not say.

    >>> sibling_names([Mention("Arkadi", "PER", context="Die Brüder Arkadi und Boris Rotenberg, geboren 1951"),
    ...                Mention("Merz", "PER", context="Merz und Markus Söder"),
    ...                Mention("Lucia", "PER", context="Ihre Schwestern Lucia, Europa und Anna Maria wurden Malerinnen")])
    {0: 'Arkadi Rotenberg'}
    """
    found = {}
    for index, mention in enumerate(mentions):
        if mention.label != "PER" or not mention.context or " " in mention.text.strip():
            continue
        squeezed = " ".join(mention.context.split())
        for match in _whole_words(mention.text, squeezed):
            if not _SIBLINGS.search(squeezed[: match.start()]):
                continue
            rest = _SIBLING_REST.match(squeezed[match.end() :])
            if rest is not None:
                found[index] = f"{mention.text} {rest['surname']}"
                break
    return found


# Plural words for siblings and couples, right before the first given name.
_SIBLINGS = re.compile(
    r"\b(?:Brüdern?|Zwillingsbrüdern?|Geschwistern?|Schwestern|Zwillingsschwestern|Zwillingen?|"
    r"Eheleuten?|Ehepaars?|Ehepaares)\s+$"
)
# What follows the first given name: *und*, the second one and the surname, then no capitalised word.
_SIBLING_REST = re.compile(r"^\s+und\s+[A-ZÄÖÜ][\w'-]+\s+(?P<surname>[A-ZÄÖÜ][\w'-]*[\w'])(?![\w-])(?!\s+[A-ZÄÖÜ])")


def river_mentions(mentions: Sequence[Mention]) -> set[int]:
    """The place mentions their context names as a river: *am Fluss Wjatka*, *zum Fluss, dem
    Bug*, *das Flüsschen Danė*, *an der Mündung der Vilnia*, *am Zusammenfluss von Vilnia und
    Neris*. Many rivers share a name with a town on them or with another spelling of a town
    (*Wjatka*, Kirov's old name; *Vilnia*, a name of Vilnius in GeoNames; *Moskwa*); the place
    file holds towns and regions, never rivers, so such a mention names none of them. Only the
    mention the cue stands before: a town may share the document with its river (*Wjatka an der
    Wjatka*). Not the water a river flows into or a bank's (*in die Ostsee*, *am Ufer des
    Bodensees*): a sea or a lake is no river.

    >>> river_mentions([Mention("Vilnia", "LOC", context="Sie liegt an der Mündung der Vilnia in die Neris"),
    ...                 Mention("Neris", "LOC", context="am Zusammenfluss von Vilnia und Neris"),
    ...                 Mention("Vilnius", "LOC", context="Vilnius liegt an der Neris")])
    {0, 1}
    """
    found = set()
    for index, mention in enumerate(mentions):
        if mention.label != "LOC" or not mention.context:
            continue
        squeezed = " ".join(mention.context.split())
        for match in _whole_words(mention.text, squeezed):
            if _RIVER_CUE.search(squeezed[: match.start()]):
                found.add(index)
                break
    return found


# Words that name the next name as a river (river_mentions): a river noun, maybe with an article
# after a comma (*zum Fluss, dem Bug*); a river's mouth with its article; a confluence, whose
# second river follows the first one's name and *und*.
_RIVER_CUE = re.compile(
    r"(?:\b(?:Neben|Grenz)?(?:[Ff]luss|[Ff]luß)(?:es|e)?(?:\s*,\s*(?:dem|der|den|des|die))?"
    r"|\bFlü(?:ss|ß)chens?"
    r"|\bMündung\s+(?:der|des)"
    r"|\bZusammenfl(?:uss|uß)\s+(?:von|der|des)(?:\s+[^\s()]+(?:\s+\([^()]*\))?\s+und)?)\s+$"
)


# The score of a name a text gives as another name of an earlier one (link_alternate_names).
ALTERNATE_NAME = 90.0
# A language naming the next word (*russisch*, *polnisch*, *deutsch*, *auf Jiddisch*), a qualifier after it.
_LANGUAGE_CUE = re.compile(
    r"(?:\b[a-zäöü]{2,}isch|\b[a-zäöü]*deutsch|\bauf [A-ZÄÖÜ][a-zäöü]*(?:isch|deutsch))"
    r"(?:\s+(?:auch|amtlich|offiziell|früher|heute|veraltet))?\s*:?\s*$"
)
# What may stand between a name and the language cue of its alternate: a bracket or comma opened
# after the name (a pronunciation in square brackets first), words but no closing bracket or
# sentence end, at most this many characters.
_OPENING = re.compile(r"^\s*(?:\[[^\]]*\]\s*)?[(,;]")
_LONGEST_GAP = 60


def _named_after(text: str, context: str, spellings: dict[str, int]) -> str | None:
    """The spelling (of ``spellings``) the context gives ``text`` as another name of, or None."""
    squeezed = " ".join(context.split())
    for match in _whole_words(text, squeezed):  # not Tallin inside Tallinn
        before = squeezed[: match.start()]
        after = squeezed[match.end() :]
        cue = _LANGUAGE_CUE.search(before)
        if cue is not None:
            gap_end = cue.start()
            best = None
            for spelling in spellings:
                if spelling == text:
                    continue
                position = squeezed.rfind(spelling, 0, gap_end)
                while position >= 0 and not _word_bounded(squeezed, position, position + len(spelling)):
                    position = squeezed.rfind(spelling, 0, position)
                if position >= 0 and (best is None or position + len(spelling) > best[0]):
                    best = (position + len(spelling), spelling)
            if best is not None:
                gap = squeezed[best[0] : gap_end]
                if len(gap) <= _LONGEST_GAP and _OPENING.match(gap) and ")" not in gap.split("]")[-1] and ". " not in gap:
                    return best[1]
        if _SHORT_CUE.search(before):  # a short form: *Pridnestrowische Moldawische Republik, kurz Pridnestrowien*
            for spelling in spellings:
                if spelling != text and _shortened(spelling, text, squeezed[: match.end()]):
                    return spelling
        if before.endswith(" (") and after.startswith(")"):  # a bracketed spelling in another script
            for spelling in spellings:
                if spelling != text and before[:-2].endswith(spelling) and _latin(spelling) != _latin(text):
                    return spelling
    return None


def _word_bounded(text: str, start: int, end: int) -> bool:
    return (start == 0 or not text[start - 1].isalnum()) and (end == len(text) or not text[end].isalnum())


def _whole_words(text: str, squeezed: str) -> Iterator[re.Match]:
    """Where ``text`` stands in ``squeezed`` as whole words (not *Tallin* inside *Tallinn*)."""
    return (match for match in re.finditer(re.escape(text), squeezed) if _word_bounded(squeezed, match.start(), match.end()))


def _latin(text: str) -> bool:
    """Whether the letters of ``text`` are Latin (any accents)."""
    letters = [char for char in text if char.isalpha()]
    return bool(letters) and all(unicodedata.name(char, "").startswith("LATIN") for char in letters)


# The score of a shortened organisation name's link (link_short_forms).
SHORT_FORM = 90.0
# An adjective's inflection: Estnische, Estnischen, Estnischer name one party.
_ADJECTIVE_ENDING = re.compile(r"(?:e|er|es|en|em)$")


def link_acronyms(mentions: Sequence[Mention]) -> dict[int, tuple[int, float]]:
    """Acronyms -> the long form (or the acronym) of the same ``doc`` that the text defines them by.

    Returns ``{mention index: (antecedent index, score 0-100)}``. Initials are no evidence on
    their own across documents (*US* is not the *UN-Sicherheitsrat*); inside one document:

    * a definition in the mention's context, *Europäische Zentralbank (EZB)*, *EZB
      (Europäische Zentralbank)* or *Europäische Zentralbank, kurz EZB*, when the letters spell
      the long form (each letter in order, the first at the start of the first word, every word
      giving one) — score 90; when no bracketed name spells it, the one bracketed organisation
      before an organisation's acronym: its acronym in another language (*Serbische
      Fortschrittspartei (SNS)*, Srpska napredna stranka; *Nordatlantikpakt (NATO)*) — score 80;
    * an acronym of :data:`~entitykit.names.SHORTEST_ACRONYM_SLIP` or more letters and the one
      long form of the document whose initials it is — score 95;
    * an acronym one slip from the one such acronym of the document (*OVKAS* / *OVKS*) — 85.

    Once defined, an acronym means its long form in the whole document (also where it stands
    without brackets). Persons never, legal forms (*AG*, *GmbH*) never, and never when two long
    forms (or two acronyms) fit: the document does not say which.
    """
    links: dict[int, tuple[int, float]] = {}
    for indices in _documents(mentions, _NOT_PERSONS):
        names = {index: parse(mentions[index].text) for index in indices}
        acronyms = [index for index in indices if names[index].acronym and names[index].letters not in LEGAL_FORM_ACRONYMS]
        if not acronyms:
            continue
        # a one-word long form too, when the text brackets it (*Strojgasmontash (SGM)*); each
        # spelling once, at its first mention (a long text repeats its names thousands of times)
        first = {mentions[index].text: index for index in reversed(indices) if not names[index].acronym}
        long_forms = [(index, mentions[index], names[index]) for index in sorted(first.values())]
        defined: dict[str, set[tuple[str, float, int]]] = defaultdict(set)  # letters -> (long form key, score, mention)
        seen: dict[tuple[str, str | None], tuple[int, float] | None] = {}  # (acronym, context) -> definition
        for index in acronyms:
            mention = mentions[index]
            if (mention.text, mention.context) not in seen:
                seen[(mention.text, mention.context)] = _defined(mention, names[index], long_forms)
            found = seen[(mention.text, mention.context)]
            if found is not None:
                defined[names[index].letters].add((names[found[0]].key, found[1], found[0]))
        for index in acronyms:  # once defined, an acronym means it in the whole document
            meanings = {key for key, _, _ in defined.get(names[index].letters, ())}
            if len(meanings) == 1:
                _, score, antecedent = min(defined[names[index].letters], key=lambda item: item[2])
                links[index] = (antecedent, score)
        by_letters = {names[index].letters: index for index in reversed(acronyms)}  # each spelling's first mention
        for index in acronyms:  # slips follow the acronym they slip from
            if index in links:
                continue
            letters = names[index].letters
            slips = {other_letters: other for other_letters, other in by_letters.items()
                     if other_letters != letters and acronym_slip(other_letters, letters)}
            if len(slips) == 1:
                other = next(iter(slips.values()))
                antecedent = links[other][0] if other in links else other
                links[index] = (antecedent, 85.0)
    return links


def _defined(mention: Mention, name: Name, long_forms: list[tuple[int, Mention, Name]]) -> tuple[int, float] | None:
    """The one long form that defines an acronym mention, with the score, or None."""
    letters = name.letters
    if mention.context:
        squeezed = " ".join(mention.context.split())
        bracketed = [(index, other, long_name) for index, other, long_name in long_forms
                     if other.text in squeezed and _bracketed(mention.text, other.text, squeezed)]
        defined = {long_name.key: index for index, _, long_name in bracketed if _spells(letters, long_name)}
        if len(defined) == 1:
            return next(iter(defined.values())), DEFINED
        # an acronym of the name in another language: only of an organisation's name, never a
        # dateline's agency (*Minsk (AFP)*) nor the country after a place (*New Mexico (USA)*)
        foreign = {long_name.key: index for index, other, long_name in bracketed
                   if other.label == mention.label == "ORG"}
        if not defined and len(foreign) == 1:
            return next(iter(foreign.values())), BRACKETED
    if len(letters) < SHORTEST_ACRONYM_SLIP:
        return None
    matching = {long_name.key: index for index, _, long_name in long_forms if initials(long_name) == letters}
    if len(matching) == 1:
        return next(iter(matching.values())), 95.0
    return None


def _bracketed(acronym: str, long_form: str, squeezed: str) -> bool:
    """Whether the context writes *long form (ACRONYM)* or *ACRONYM (long form)*; the bracket
    may go on after the acronym (*Internationaler Währungsfonds (IWF; englisch: …)*), a quote
    may close the long form (*"Partei für Recht und Gerechtigkeit" (PiS)*), and *kurz* may
    stand for the bracket (*Pridnestrowische Moldauische Republik, kurz PMR*, :func:`_shortened`);
    ``squeezed``: the context with single spaces."""
    return (any(f"{long_form}{quote} ({acronym}{end}" in squeezed for quote in ("", *_CLOSING_QUOTES) for end in ")];,")
            or f"{acronym} ({long_form}" in squeezed or _shortened(long_form, acronym, squeezed))


_CLOSING_QUOTES = ("\"", "“", "”", "‘", "’", "«", "»")
# *kurz* or *abgekürzt* right before a short form, an opening quote between them
_KURZ = r"(?:kurz|abgekürzt):? [„“\"‚‘»«]?$"
_SHORT_CUE = re.compile(r"\b" + _KURZ)
# What stands between a name and the short form a text gives it with *kurz* or *abgekürzt*: a
# closing quote, a bracketed note and one lower-case word (*bezeichnet*, *genannt*), then a comma
# or an opening bracket and the cue (*„Stroy Gaz Montazh“ (Bau, Gas, Montage), kurz „SGM Group“*).
_SHORT_FOR = re.compile(f"^[{''.join(_CLOSING_QUOTES)}]?" + r"(?: \([^()]*\))?(?: [a-zäöüß]+)?(?:, | \()" + _KURZ)


def _shortened(long_form: str, short: str, squeezed: str) -> bool:
    """Whether the text gives ``short`` as the short form of ``long_form`` with *kurz* or
    *abgekürzt*: *Pridnestrowische Moldawische Republik, kurz Pridnestrowien*,
    *Cisnistrische Moldauische Republik bezeichnet, kurz Cisnistrien* (``squeezed``: the
    context with single spaces).

    >>> _shortened("Organisation des Vertrags über kollektive Sicherheit", "OVKS",
    ...            "die Organisation des Vertrags über kollektive Sicherheit, kurz OVKS, tagt")
    True
    >>> _shortened("Minsk", "Moskau", "von Minsk, kurz vor Moskau")
    False
    """
    for match in _whole_words(short, squeezed):
        if squeezed[match.end() : match.end() + 1] == "-":
            continue
        start = squeezed.rfind(long_form, 0, match.start())
        if start >= 0 and _SHORT_FOR.match(squeezed[start + len(long_form) : match.start()]):
            return True
    return False


def _spells(letters: str, long_name: Name) -> bool:
    """Whether an acronym's letters spell a long form: each letter in order, the first at the start
    of the first content word, and every content word giving at least one (*EZB* / *Europäische
    Zentralbank*, *UdSSR*'s kind of spelling; not *AG* / *Apogenix GmbH Deutschland*)."""
    words = [long_name.tokens[index] for index in content_positions(long_name.tokens)]
    if not words or len(letters) < len(words):
        return False

    def place(letter_index: int, word_index: int, position: int) -> bool:
        if letter_index == len(letters):
            return word_index == len(words) - 1 and position > 0
        if word_index == len(words):
            return False
        word = words[word_index]
        if position == 0:  # a word starts with its first letter
            return word[:1] == letters[letter_index] and place(letter_index + 1, word_index, 1)
        # the next letter inside this word, or the start of the next word
        for inner in range(position, len(word)):
            if word[inner] == letters[letter_index] and place(letter_index + 1, word_index, inner + 1):
                return True
        return place(letter_index, word_index + 1, 0)

    return place(0, 0, 0)
