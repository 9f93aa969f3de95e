"""Small pure ``str -> str`` steps that bring spelling variants of a name together.

Each step does one thing and is safe on any string. :func:`normalize` composes them into the
key entitykit matches on; it can be passed to RapidFuzz as ``processor=``. :func:`skeleton`
goes further and maps German and English transliterations of Slavic names onto one
phonetic-ish key (*Tasmagambetow* and *Tasmagambetov*, *Sas* and *Zas*).

Umlauts fold to two letters (``ä -> ae``, ``ß -> ss``), as German spells them without
umlauts, so *Müller* and *Mueller* meet in :func:`normalize`; the one-letter spelling of
English texts (*Muller*) meets them in :func:`skeleton`, which folds ``ae -> a``.

Steps that could remove letters a name needs (the ``-s`` of a German genitive: *Lukaschenkos*
but also *Minsk*, *Paris*, *Lukas*; the head of a compound: *OVKS-Generalsekretär* but also
*EU-Kommission*) are not part of :func:`normalize`; :func:`variant_keys` offers them as
extra candidate keys, which a caller uses only when the shorter form is known.

>>> normalize("Präsident Alexander Lukaschenko")
'alexander lukaschenko'
>>> normalize("Лукашенко") == normalize("Lukaschenko")
True
>>> skeleton("Lukashenko") == skeleton("Lukaschenko") == skeleton("Лукашенко")
True
>>> skeleton("Stanislaw Sas") == skeleton("Stanislav Zas")
True
>>> from rapidfuzz import fuzz
>>> fuzz.ratio("Herr Müller", "Mueller", processor=normalize)
100.0
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

__all__ = [
    "repair_mojibake",
    "nfkc",
    "strip_stress_marks",
    "fold_case",
    "fold_umlauts",
    "strip_diacritics",
    "unify_punctuation",
    "collapse_spaces",
    "strip_titles",
    "strip_apostrophe_genitive",
    "genitive_stem",
    "compound_head",
    "slash_parts",
    "transliterate_de",
    "transliterate_en",
    "has_cyrillic",
    "fold_homoglyphs",
    "is_acronym",
    "display_form",
    "normalize",
    "skeleton",
    "slavic_family_key",
    "german_spelling",
    "variant_keys",
    "slugify",
    "FUNCTION_WORDS",
    "LEADING_LEGAL_FORMS",
    "leading_legal_form_stem",
    "republic_stem",
]


# --- character-level steps -------------------------------------------------------------------

# Signs of UTF-8 read as Latin-1 or Windows-1252: a lead byte (Â to ô) before a continuation
# byte (Windows-1252's € ‚ ƒ … ™ and the like, C1 controls, or   to ¿): *RÄ«ga*, *Ã¼ber*; or
# Ð / Ñ (the lead bytes of Cyrillic) next to a Cyrillic letter, where a page was decoded only in
# part (*ВильнюÑ*). German words never show either, so most text skips the repair.
_CONTINUATION = (
    "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_MOJIBAKE_PAIR = re.compile(f"[\u00c2-\u00f4][{_CONTINUATION}]")
_CYRILLIC_REMNANT = re.compile("[\u00d0\u00d1][\u0400-\u04ff]|[\u0400-\u04ff][\u00d0\u00d1]")
# one character of those signs: a cheap first test (in German names mostly ’ or –, rarely)
_MOJIBAKE_SIGN = re.compile(f"[{_CONTINUATION}\u00d0\u00d1]")
# a Cyrillic letter still in two pieces (Ð’ = В, Ñ‚ = т), or Ñ whose second byte is lost
_CYRILLIC_PIECES = re.compile(f"([\u00d0\u00d1])([{_CONTINUATION}]?)")
_WORD_WITH_CYRILLIC = re.compile("\\S*[\u0400-\u04ff]\\S*")


# Windows-1252 has no character for the bytes 0x81, 0x8d, 0x8f, 0x90 and 0x9d, so the second
# byte of с, э, я (after Ñ) and of А, Н (after Ð) is often lost: the letters a lone lead byte
# may stand for, the first the guess when no reading is a known word
_LOST_SECOND_BYTE = {"Ñ": "сэя", "Ð": "АН"}


def _join_cyrillic_piece(match: re.Match) -> str:
    lead, piece = match.groups()
    if not piece:
        return match.group(0)  # a lone lead byte: _read_lone_leads chooses its letter
    try:
        return (lead.encode("latin-1") + piece.encode("cp1252")).decode("utf-8")
    except UnicodeError:  # a C1 control or  -¿: their byte is their code point
        try:
            return (lead + piece).encode("latin-1").decode("utf-8")
        except UnicodeError:
            return match.group(0)


def _read_lone_leads(word: str) -> str:
    """A Cyrillic word with lead bytes whose second byte is lost, read as the Russian or
    Ukrainian word it most likely was (wordfreq's small lists): *ВильнюÑ* is *Вильнюс*, *ВÑтка*
    is *Вятка*.
    When no reading is a known word, a lone Ñ is с (by far the most frequent of its letters)
    and a lone Ð stays (А and Н are about equally frequent)."""
    leads = [i for i, char in enumerate(word) if char in _LOST_SECOND_BYTE]
    if not leads:
        return word
    if len(leads) <= 3:  # at most 27 readings
        from wordfreq import zipf_frequency

        def frequency(text: str) -> float:
            # wordfreq's small lists (words of about 1 in a million and more: 25 MB, read in 0.04 s;
            # the large ones take 200 MB and 0.7 s for a repair that most texts never need)
            return max(zipf_frequency(text.lower(), language, wordlist="small") for language in ("ru", "uk"))

        readings = []
        for letters in itertools.product(*(_LOST_SECOND_BYTE[word[i]] for i in leads)):
            chars = list(word)
            for index, letter in zip(leads, letters):
                chars[index] = letter
            readings.append("".join(chars))
        likeliest = max(readings, key=frequency)  # the first of equals: с before э and я
        if frequency(likeliest) > 0:
            return likeliest
    return word.replace("Ñ", "с")


def repair_mojibake(text: str) -> str:
    """UTF-8 text that was read as Latin-1 or Windows-1252, repaired: *RÄ«ga* is *Rīga*.

    The repair is ``ftfy.fix_encoding`` (only called when the text shows such signs). A Cyrillic
    word that a page decoded in part (*Ð’Ñтка*, *ВильнюÑ*) is mended letter by letter; a
    lone *Ñ* or *Ð*, whose second byte Windows-1252 lost, is the letter (с, э, я; А, Н) that
    makes a Russian or Ukrainian word (wordfreq's lists), else с and nothing: *ВильнюÑ* is
    *Вильнюс*, *Ð’Ñтка* is *Вятка*. German, Spanish or Icelandic letters (*Ärger*, *Peña*,
    *Ðakovo*) are no signs.

    >>> repair_mojibake("RÄ«ga"), repair_mojibake("MÃ¼ller"), repair_mojibake("ВильнюÑ")
    ('Rīga', 'Müller', 'Вильнюс')
    >>> repair_mojibake("ÐœÐ¾ÑÐºÐ²Ð°"), repair_mojibake("Ð’Ñтка"), repair_mojibake("ПетровÑкое")
    ('Москва', 'Вятка', 'Петровское')
    >>> repair_mojibake("Ärger in Peña"), repair_mojibake("Müller")
    ('Ärger in Peña', 'Müller')
    """
    if text.isascii() or not _MOJIBAKE_SIGN.search(text):
        return text
    if not _MOJIBAKE_PAIR.search(text) and not (("Ð" in text or "Ñ" in text) and _CYRILLIC_REMNANT.search(text)):
        return text
    import ftfy  # only here: a dependency of wordfreq, and most text never needs it

    text = ftfy.fix_encoding(text)
    if "Ð" in text or "Ñ" in text:
        text = _WORD_WITH_CYRILLIC.sub(
            lambda word: _read_lone_leads(_CYRILLIC_PIECES.sub(_join_cyrillic_piece, word.group(0))), text
        )
    return text



def nfkc(text: str) -> str:
    """Unicode NFKC: ligatures, full-width letters and compatibility forms become plain letters.

    >>> nfkc("ﬁnanzministerium ＯＶＫＳ")
    'finanzministerium OVKS'
    """
    return unicodedata.normalize("NFKC", text)


# Combining accents that NFKC leaves loose have no precomposed letter to join: the stress marks
# of dictionary and Wikipedia Russian (Па́вел Ду́ров). \w does not match them, so left in they
# would cut a name into pieces (pa wel du row).
_LOOSE_MARKS = re.compile("[\u0300-\u036f]")


def strip_stress_marks(text: str) -> str:
    """Remove the combining accents NFKC leaves loose: *Па́вел Ду́ров* -> *Павел Дуров*.

    >>> strip_stress_marks(nfkc("Па́вел Вале́рьевич Ду́ров"))
    'Павел Валерьевич Дуров'
    """
    return text if text.isascii() else _LOOSE_MARKS.sub("", text)


def fold_case(text: str) -> str:
    """Case-insensitive form (``str.casefold``, which also turns ``ß`` into ``ss``).

    >>> fold_case("Weißrussland")
    'weissrussland'
    """
    return text.casefold()


_UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"}
)


def fold_umlauts(text: str) -> str:
    """German umlauts and ß as German writes them without umlauts: ``ä -> ae``, ``ß -> ss``.

    >>> fold_umlauts("Müller") == "Mueller"
    True
    >>> fold_umlauts("Staatssekretär Groß")
    'Staatssekretaer Gross'
    """
    return text.translate(_UMLAUTS)


# Letters that NFD does not split into base letter + mark.
_SPECIAL_LETTERS = str.maketrans(
    {
        "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae",
        "œ": "oe", "Œ": "Oe", "ı": "i", "ð": "d", "þ": "th", "ħ": "h", "ə": "a", "Ə": "A",
    }
)


def strip_diacritics(text: str) -> str:
    """Remove accents and háčeks (*Łukašenka -> Lukasenka*); run :func:`fold_umlauts` first.

    >>> strip_diacritics("Łukašenka, Žukov, Ağdam")
    'Lukasenka, Zukov, Agdam'
    """
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text.translate(_SPECIAL_LETTERS))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", stripped)


_PUNCTUATION = str.maketrans(
    {
        # quotes vanish: „OVKS“ and OVKS are one name
        "\"": None, "„": None, "“": None, "”": None, "‟": None, "«": None, "»": None,
        "‹": None, "›": None, "‚": None, "‘": None, "‛": None,
        # apostrophes become one (’ is also the usual closing single quote)
        "’": "'", "ʼ": "'", "ʻ": "'", "`": "'", "´": "'", "′": "'",
        # dashes and hyphens become '-'
        "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-", "­": None,
        # spaces
        "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": None, "\t": " ", "\n": " ", "\r": " ",
    }
)


def unify_punctuation(text: str) -> str:
    """Drop quotation marks, unify apostrophes to ``'`` and dashes to ``-``.

    >>> unify_punctuation("„Belarus’“ – Nur‐Sultan")
    "Belarus' - Nur-Sultan"
    """
    return text.translate(_PUNCTUATION)


_SPACES = re.compile(r"\s+")
_SPACE_AROUND_HYPHEN = re.compile(r"\s*-\s*")


def collapse_spaces(text: str) -> str:
    """One space between words, none at the ends or around hyphens.

    >>> collapse_spaces("  Nur - Sultan   Astana ")
    'Nur-Sultan Astana'
    """
    text = _SPACES.sub(" ", text).strip()
    if "-" in text:
        text = _SPACE_AROUND_HYPHEN.sub("-", text).strip("- ")
    return text


# --- transliteration -------------------------------------------------------------------------

_CYRILLIC = re.compile("[\u0400-\u04ff]")
_VOWELS_CYR = set("аеёиоуыэюяіїєaeiouy")

# Duden-style German transliteration (Russian base; Ukrainian and Belarusian letters added).
_DE = {
    "а": "a", "б": "b", "в": "w", "г": "g", "д": "d", "е": "e", "ё": "jo", "ж": "sch", "з": "s",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch",
    "щ": "schtsch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "ju", "я": "ja",
    "і": "i", "ї": "ji", "є": "je", "ґ": "g", "ў": "w",
    # Kazakh, Kyrgyz, Tajik, Uzbek letters
    "қ": "k", "ғ": "g", "ң": "ng", "ә": "ä", "ө": "ö", "ұ": "u", "ү": "ü", "һ": "h", "ҳ": "ch",
    "ӣ": "i", "ӯ": "u", "ҷ": "dsch", "ј": "j",
}
# English (BGN/PCGN-like, as news agencies write it).
_EN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "w",
    "қ": "q", "ғ": "gh", "ң": "ng", "ә": "a", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "ҳ": "kh",
    "ӣ": "i", "ӯ": "u", "ҷ": "j", "ј": "j",
}
_UKRAINIAN_ONLY = set("іїєґ")
_BELARUSIAN_ONLY = set("ў")


def _transliterate_word(word: str, table: dict[str, str], german: bool) -> str:
    lower = word.lower()
    # Ukrainian -ський / -цький (Зеленський) where Russian writes -ский
    ukrainian = bool(_UKRAINIAN_ONLY & set(lower)) or lower.endswith(("ський", "цький"))
    belarusian = bool(_BELARUSIAN_ONLY & set(lower))
    out: list[str] = []
    for index, char in enumerate(lower):
        previous = lower[index - 1] if index else ""
        following = lower[index + 1] if index + 1 < len(lower) else ""
        if char not in table:
            out.append(char)
            continue
        piece = table[char]
        if char == "е" and (index == 0 or previous in _VOWELS_CYR or previous in "ъь"):
            piece = "je" if german else "ye"
        elif char == "и" and ukrainian:
            piece = "y"
        elif char == "г" and (ukrainian or belarusian):
            piece = "h"
        elif char == "й":
            if previous in "иы" and not following and not ukrainian:
                # Russian -ий / -ый at the end: Selenski (de), Zelensky (en)
                piece = ""
            elif following and following in _VOWELS_CYR:
                piece = "j" if german else "y"
            else:
                piece = "j" if (german and ukrainian) else ("y" if (not german and ukrainian) else "i")
        elif char in "иы" and following == "й" and index + 2 == len(lower) and not german and not ukrainian:
            piece = "y"
        elif char == "ё" and previous in "жчшщ":
            piece = "o" if german else "e"
        elif char == "с" and german and previous in _VOWELS_CYR and following in _VOWELS_CYR:
            piece = "ss"  # Wassili, Rossija: a single s would be read voiced
        out.append(piece)
    result = "".join(out)
    if word.isupper() and len(word) > 1:
        return result.upper()
    if word[:1].isupper():
        return result[:1].upper() + result[1:]
    return result


# Serbian and Macedonian Cyrillic: letters Russian, Ukrainian and Belarusian lack. A name with
# one of them is written in the Serbian (Gaj) or Macedonian Latin alphabet, in German news too
# (*Александар Вучић* is *Aleksandar Vučić*, not *Aleksandar Wutschitsch*).
_SOUTH_SLAVIC_ONLY = frozenset("ђћџљњјѓќѕЂЋЏЉЊЈЃЌЅ")
_SR = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "dj", "е": "e", "ж": "ž", "з": "z", "и": "i",
    "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "ћ": "ć", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "č", "џ": "dž", "ш": "š",
    "ѓ": "ǵ", "ќ": "ḱ", "ѕ": "dz",
}


def _transliterate_south_slavic(word: str) -> str:
    out = "".join(_SR.get(char, char) for char in word.lower())
    if word.isupper() and len(word) > 1:
        return out.upper()
    return out[:1].upper() + out[1:] if word[:1].isupper() else out


def _transliterate(text: str, table: dict[str, str], german: bool) -> str:
    if not _CYRILLIC.search(text):
        return text
    if _SOUTH_SLAVIC_ONLY & set(text):
        return re.sub("[\u0400-\u04ff]+", lambda match: _transliterate_south_slavic(match.group(0)), text)
    return re.sub(
        "[\u0400-\u04ff]+",
        lambda match: _transliterate_word(match.group(0), table, german),
        text,
    )


def transliterate_de(text: str) -> str:
    """Cyrillic (Russian, Ukrainian, Belarusian) to German Duden-style Latin, Serbian and Macedonian
    Cyrillic to their own Latin alphabets; Latin text unchanged.

    >>> transliterate_de("Лукашенко, Шойгу, Зеленский, Ельцин")
    'Lukaschenko, Schoigu, Selenski, Jelzin'
    >>> transliterate_de("Зеленський")
    'Selenskyj'
    >>> transliterate_de("ОДКБ")
    'ODKB'
    >>> transliterate_de("Александар Вучић")  # Serbian: the Serbian Latin alphabet
    'Aleksandar Vučić'
    """
    return _transliterate(text, _DE, german=True)


def transliterate_en(text: str) -> str:
    """Cyrillic to the English romanisation of news agencies; Latin text unchanged.

    >>> transliterate_en("Лукашенко, Шойгу, Зеленский, Ельцин")
    'Lukashenko, Shoigu, Zelensky, Yeltsin'
    >>> transliterate_en("Зеленський")
    'Zelenskyy'
    """
    return _transliterate(text, _EN, german=False)


def has_cyrillic(text: str) -> bool:
    """Whether ``text`` contains a Cyrillic letter.

    >>> has_cyrillic("Lukaschenko"), has_cyrillic("Lukaшенко")
    (False, True)
    """
    return bool(_CYRILLIC.search(text))


# --- mixed scripts ---------------------------------------------------------------------------

# Latin and Cyrillic letters that look alike, pair by pair. They slip into a word of the other
# script by a keyboard layout, OCR or a copy from another page (*Одеcа* with a Latin c, *PАО*
# with a Cyrillic А and О); a reader does not see them, a string comparison does.
_LATIN_LOOKALIKES = "aceopxyijshëïACEOPXYIJSHBKMTË"
_CYRILLIC_LOOKALIKES = "асеорхуіјѕһёїАСЕОРХУІЈЅНВКМТЁ"
_TO_CYRILLIC = str.maketrans(_LATIN_LOOKALIKES, _CYRILLIC_LOOKALIKES)
_TO_LATIN = str.maketrans(_CYRILLIC_LOOKALIKES + "Ү", _LATIN_LOOKALIKES + "Y")
_LOOKALIKES = frozenset(_LATIN_LOOKALIKES + _CYRILLIC_LOOKALIKES + "Ү")
_LETTER_RUNS = re.compile(r"[^\W\d_]+")
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")


def _own_letters(text: str) -> tuple[int, int, bool]:
    """(Latin letters without a Cyrillic look-alike, Cyrillic letters without a Latin one,
    whether both scripts occur)."""
    latin = cyrillic = 0
    scripts = set()
    for char in text:
        if "\u0400" <= char <= "\u04ff":
            scripts.add("cyrillic")
            cyrillic += char not in _LOOKALIKES
        elif char < "\u0250" and char.isalpha():
            scripts.add("latin")
            latin += char not in _LOOKALIKES
    return latin, cyrillic, len(scripts) == 2


def fold_homoglyphs(text: str) -> str:
    """Look-alike letters of the other script, in a word that mixes Latin and Cyrillic, folded
    into the word's script: *Одеca* (Latin c, a) is *Одеса*, and meets it.

    A word's script is the one of its letters that have no look-alike (the д of *Одеcа*);
    a word of look-alikes only (*PАО*) takes the script of such letters in the rest of the
    text (*PАО Gazprom* is Latin), Latin when there are none. A word with letters of both
    scripts that have no look-alike (*Lukaшенко*) is left as it is, and so is every word
    written in one script.

    >>> fold_homoglyphs("Одеcа") == "Одеса", fold_homoglyphs("PАО Gazprom") == "PAO Gazprom"
    (True, True)
    >>> fold_homoglyphs("Lukaшенко")
    'Lukaшенко'
    """
    if text.isascii() or not _CYRILLIC.search(text) or not _LATIN_LETTER.search(text):
        return text
    latin, cyrillic, _ = _own_letters(text)
    text_is_cyrillic = cyrillic > latin

    def fold(match: re.Match) -> str:
        word = match.group(0)
        word_latin, word_cyrillic, mixed = _own_letters(word)
        if not mixed or (word_latin and word_cyrillic):
            return word
        if word_cyrillic or (not word_latin and text_is_cyrillic):
            return word.translate(_TO_CYRILLIC)
        return word.translate(_TO_LATIN)

    return _LETTER_RUNS.sub(fold, text)


# --- word-level steps ------------------------------------------------------------------------

# Titles and functions in front of a name, folded (ä -> ae, ß -> ss) and without a final dot.
TITLES = frozenset(
    """
    herr herrn frau fraeulein dr prof professor mag ing dipl mr mrs ms sir madame monsieur
    praesident praesidentin vizepraesident vizepraesidentin staatspraesident staatschef staatschefin
    regierungschef regierungschefin premier premierminister premierministerin ministerpraesident
    ministerpraesidentin kanzler kanzlerin bundeskanzler bundeskanzlerin bundespraesident
    minister ministerin staatssekretaer staatssekretaerin generalsekretaer generalsekretaerin
    sekretaer sekretaerin botschafter botschafterin gouverneur gouverneurin buergermeister
    buergermeisterin oberbuergermeister oberbuergermeisterin abgeordneter abgeordnete senator
    senatorin sprecher sprecherin vorsitzender vorsitzende parteichef parteichefin
    generalleutnant generaloberst generalmajor oberst oberstleutnant major hauptmann marschall
    admiral armeegeneral feldmarschall patriarch metropolit erzbischof bischof papst
    koenig koenigin prinz prinzessin scheich emir oppositionsfuehrer oppositionspolitiker
    kremlchef kremlsprecher aussenamtssprecher machthaber diktator autokrat herrscher kremlherrscher
    staatsoberhaupt oppositionsfuehrerin oppositionelle oppositioneller republik chefredakteur
    chefredakteurin menschenrechtler menschenrechtlerin kremlkritiker kremlkritikerin aktivist
    aktivistin oligarch journalist journalistin ex
    """.split()
)
# A word ending in one of these is a title too: Außenminister, Vizepremier, Verteidigungsministerin.
TITLE_ENDINGS = (
    "minister", "ministerin", "praesident", "praesidentin", "sekretaer", "sekretaerin",
    "kanzler", "kanzlerin", "botschafter", "botschafterin", "sprecher", "sprecherin",
    "premier", "beauftragter", "beauftragte", "kritiker", "kritikerin", "rechtler", "rechtlerin",
    "redakteur", "redakteurin", "politiker", "politikerin", "aktivist", "aktivistin", "fuehrer",
    "fuehrerin", "vorsitzender", "vorsitzende", "chef", "chefin",
)


def _fold_word(word: str) -> str:
    return strip_diacritics(fold_umlauts(word.casefold())).rstrip(".")


# Titles of three letters and fewer (*Dr*, *Ex*, *Ing*, *Mag*) are abbreviations: they stand alone
# in front of a name, never as the last part of a hyphenated word.
_SHORTEST_TITLE_WORD = 3


def _is_title(word: str) -> bool:
    return _is_folded_title(_fold_word(word))


def _is_folded_title(folded: str) -> bool:
    """:func:`_is_title` of a word already folded (a plain ASCII word in small letters is)."""
    if "-" in folded:  # Ex-Präsident, Weltbank-Präsident, Vize-Premier; not the places Cazzago-Ex Polo, Dung-ing Si
        last = folded.rsplit("-", 1)[-1]
        return (last in TITLES and len(last) > _SHORTEST_TITLE_WORD) or last.endswith(TITLE_ENDINGS)
    if not folded.isalpha():
        return False
    return folded in TITLES or (len(folded) > 8 and folded.endswith(TITLE_ENDINGS))


def _without_leading(text: str, drop: Callable[[str], bool]) -> str | None:
    """``text`` without the words in front for which ``drop`` is true (the last word always
    stays), or None when there are none."""
    words = text.split()
    start = 0
    while start < len(words) - 1 and drop(words[start]):
        start += 1
    return " ".join(words[start:]) if start else None


def strip_titles(text: str) -> str:
    """Remove titles and functions in front of a name (*Präsident*, *Staatssekretär*, *Dr.*).

    A title alone stays: a name is never reduced to nothing.

    >>> strip_titles("Präsident Alexander Lukaschenko")
    'Alexander Lukaschenko'
    >>> strip_titles("Herr Dr. Wolfowitsch")
    'Wolfowitsch'
    >>> strip_titles("Außenminister Sergej Lawrow")
    'Sergej Lawrow'
    >>> strip_titles("Präsident")
    'Präsident'
    """
    rest = _without_leading(text, _is_title)
    return text if rest is None else rest


def strip_apostrophe_genitive(text: str) -> str:
    """Remove a genitive written with an apostrophe: *Belarus'* and *Putin's* (sic) lose it.

    Plain ``-s`` genitives are left alone (see :func:`genitive_stem`). Run
    :func:`unify_punctuation` first so that ``’`` is ``'``.

    >>> strip_apostrophe_genitive("Belarus'"), strip_apostrophe_genitive("Putin's")
    ('Belarus', 'Putin')
    >>> strip_apostrophe_genitive("O'Brien")
    "O'Brien"
    """
    if text.endswith("'"):
        return text.rstrip("'")
    if text.endswith(("'s", "'S")):
        return text[:-2]
    return text


def genitive_stem(text: str) -> str | None:
    """The name without a German genitive ``-s``, or ``None`` when there is none to remove.

    Only a candidate: *Minsk*, *Paris* and *Lukas* end in ``s`` too, so a caller accepts the
    stem only when it is a known name.

    >>> genitive_stem("Lukaschenkos"), genitive_stem("Alexander Lukaschenkos")
    ('Lukaschenko', 'Alexander Lukaschenko')
    >>> genitive_stem("Minsks"), genitive_stem("Minsk") is None, genitive_stem("OVKS") is None
    ('Minsk', True, True)
    """
    last = text.rsplit(" ", 1)[-1]
    if len(last) < 4 or not last.endswith("s") or last.endswith(("ss", "ß")):
        return None
    if last.isupper():  # an acronym: OVKS, GUS
        return None
    if last[-2:-1].lower() in {"x", "z"}:  # after x and z German writes an apostrophe instead
        return None
    return text[:-1]


# Second parts of a hyphen compound that say something *about* the entity in the first part
# (OVKS-Generalsekretär, EU-Staaten, Lukaschenko-Regime). Parts that name a body of their own
# (EU-Kommission, UN-Sicherheitsrat, OVKS-Sekretariat) are not here on purpose.
GENERIC_HEADS = (
    "generalsekretaer", "generalsekretaerin", "sekretaer", "sekretaerin", "chef", "chefin",
    "sprecher", "sprecherin", "vorsitz", "vorsitzende", "vorsitzender", "regime", "staaten",
    "staat", "staats", "land", "laender", "laendern", "mitglied", "mitglieder", "mitgliedern",
    "bereich", "bereiche", "bereichs", "bereichen", "gebiet", "gebiete", "raum", "raums",
    "zone", "grenze", "gipfel", "gipfels", "treffen", "anhaenger", "anhaengerin", "gegner",
    "gegnerin", "kritiker", "kritikerin", "politik", "kurs", "lager", "partner", "anhaengern",
    "vertreter", "vertreterin", "vertretern", "beitritt", "beitritts", "mitgliedschaft",
    "truppen", "soldaten", "beamte", "beamten", "ebene", "format", "kreise", "kreisen",
    "nahe", "treue", "freund", "freunde", "vertraute", "vertrauter", "vorsitzes",
    "mitgliedstaaten", "mitgliedsstaaten", "sanktionen", "plan", "plaene", "konzern", "konzerns",
)


def is_acronym(text: str) -> bool:
    """Whether ``text`` looks like an acronym: 2 to 8 letters, mostly capitals (*OVKS*, *GUS*, *EAWU*).

    >>> is_acronym("OVKS"), is_acronym("O.V.K.S."), is_acronym("Minsk"), is_acronym("UdSSR")
    (True, True, False, True)
    """
    letters = text.replace(".", "").replace(" ", "")
    if not (2 <= len(letters) <= 8) or not letters.isalpha():
        return False
    capitals = sum(char.isupper() for char in letters)
    return capitals >= 2 and capitals * 3 >= len(letters) * 2 - 1 and letters[0].isupper()


def compound_head(text: str) -> str | None:
    """The entity in front of a hyphen compound whose second part is a generic noun about it.

    *OVKS-Generalsekretär*, *EU-Staaten*, *Lukaschenko-Regime*, *Siemens-Konzern* name the OVKS,
    the EU, Lukaschenko and Siemens; *EU-Kommission*, *UN-Sicherheitsrat* and *OVKS-Sekretariat*
    are bodies of their own and give ``None``, as do names like *Nur-Sultan*.

    >>> compound_head("OVKS-Generalsekretär"), compound_head("Lukaschenko-Regime")
    ('OVKS', 'Lukaschenko')
    >>> compound_head("UN-Sicherheitsrat") is None, compound_head("Nur-Sultan") is None
    (True, True)
    """
    if "-" not in text or " " in text.strip():
        return None
    first, _, rest = text.partition("-")
    if not first or not rest or not rest[:1].isupper() or rest.isupper():
        return None
    folded_rest = _fold_word(rest.rsplit("-", 1)[-1])
    if first[:1].isupper() and folded_rest.endswith(GENERIC_HEADS):
        return first
    return None


# Legal forms and company types written *in front of* the name, as in Russia and its
# neighbours (*OAO Lukoil*, *PAO Gazprom*, *NK Jukos* = Neftjanaja Kompanija, *PJSC MMC Norilsk
# Nickel*, Ukrainian *TOV*, *PAT*, *NAK* = Nazionalna Akzionerna Kompanija (*NAK Naftogaz*),
# *AFK* = Akzionernaja Finansowaja Korporazija (*AFK Sistema*), Lithuanian *UAB*), folded (not
# *ЗАО* read as *sao*: São Paulo):
# they name the company itself, while a closing German form on a brand (*Lukoil GmbH*) often
# names a subsidiary.
LEADING_LEGAL_FORMS = frozenset(
    "oao pao zao ooo ao pjsc jsc ojsc cjsc nk nak afk mmc gmk tov pat prat uab".split()
)
# Words for a company in front of its name, an apposition the NER span took along (*Ölkonzern
# Rosneft*, *Aral-Mutterkonzern BP*, *Firma SLAV Handel*); not *Bank* or *Gruppe*, which start
# names (*Bank Austria*).
COMPANY_WORDS = frozenset({"firma", "unternehmen"})


def _company_word(word: str) -> bool:
    key = normalize(word)
    return key in LEADING_LEGAL_FORMS or key in COMPANY_WORDS or (key.endswith("konzern") and key.replace("-", "").isalpha())


def leading_legal_form_stem(text: str) -> str | None:
    """The name without the legal forms (:data:`LEADING_LEGAL_FORMS`) or words for a company
    (:data:`COMPANY_WORDS`, *…konzern*) in front of it, or ``None`` when there are none; a name
    that is only such words has no stem.

    >>> leading_legal_form_stem("OAO Lukoil"), leading_legal_form_stem("PJSC MMC Norilsk Nickel")
    ('Lukoil', 'Norilsk Nickel')
    >>> leading_legal_form_stem("PАО Gazprom"), leading_legal_form_stem("Ölkonzern Rosneft")
    ('Gazprom', 'Rosneft')
    >>> leading_legal_form_stem("Lukoil") is None, leading_legal_form_stem("OAO") is None
    (True, True)
    """
    return _without_leading(text, _company_word)


# *Republik* in front is a title (:data:`TITLES`); these spellings of it are not, as the name
# lists of :mod:`entitykit.knowledge` hold *Respublika Altai* as a key of its own.
REPUBLIC_WORDS = frozenset({"respublika", "republika", "rep"})


def republic_stem(text: str) -> str | None:
    """The name without *Respublika* or *Rep.* in front, or ``None`` when there is none.

    >>> republic_stem("Respublika Dagestan"), republic_stem("Rep. Lettland"), republic_stem("Dagestan") is None
    ('Dagestan', 'Lettland', True)
    """
    first, _, rest = text.strip().partition(" ")
    if rest and normalize(first) in REPUBLIC_WORDS:
        return rest.strip()
    return None


# At most this many alternates in one slash form: more is a list (*Estland/Lettland/Litauen/Polen/...*)
MAX_SLASH_PARTS = 3


def slash_parts(text: str) -> list[str]:
    """The alternates of a name written with slashes (*Odessa/Odesa*, *Вильна/Wilna*), or ``[]``.

    Each part must read as a name of its own: it starts with a capital (or a letter of a script
    without case) and has two letters or more; two or three parts. The parts are only
    candidates: a slash also joins two entities (*Berlin/Brandenburg*, *CDU/CSU*), so a caller
    accepts them only when they agree (:func:`entitykit.names.follow_alternates`).

    >>> slash_parts("Odessa/Odesa"), slash_parts("Lviv / Lemberg")
    (['Odessa', 'Odesa'], ['Lviv', 'Lemberg'])
    >>> slash_parts("Minsk"), slash_parts("1990/91"), slash_parts("km/h"), slash_parts("Odessa/")
    ([], [], [], [])
    """
    if "/" not in text:
        return []
    parts = [part.strip() for part in text.split("/")]
    if not 2 <= len(parts) <= MAX_SLASH_PARTS:
        return []
    for part in parts:
        if not part or not part[0].isalpha() or part[0].islower() or sum(char.isalpha() for char in part) < 2:
            return []
    return parts


# --- composed keys ---------------------------------------------------------------------------

# A character that may show broken encoding or a mixed script: one test before both repairs
_MENDING_SIGN = re.compile(f"[{_CONTINUATION}\u00d0\u00d1\u0400-\u04ff]")


# The bar of hyphenation points inside a word (*Tạl|linn*, *Ọst|europabank*): the word is the
# same without it, as without the stress marks of dictionaries (:func:`strip_stress_marks`).
_HYPHENATION_BAR = re.compile(r"(?<=\w)\|(?=\w)")


def drop_annotations(text: str) -> str:
    """Remove dictionary annotations inside words: hyphenation bars, and the stress marks NFKC
    leaves loose (:func:`strip_stress_marks`; pass NFKC text, whose accented letters are whole).

    >>> drop_annotations(nfkc("Волгогра́д")), drop_annotations("Tạl|linn"), drop_annotations("A | B")
    ('Волгоград', 'Tạllinn', 'A | B')
    """
    return strip_stress_marks(_HYPHENATION_BAR.sub("", text) if "|" in text else text)


def _mended(text: str) -> str:
    """:func:`repair_mojibake`, :func:`nfkc`, :func:`fold_homoglyphs` and
    :func:`drop_annotations`, in this order (NFKC would break mojibake apart, and makes
    full-width letters plain before they are folded)."""
    if text.isascii():
        return drop_annotations(text)
    if not _MENDING_SIGN.search(text):
        return drop_annotations(nfkc(text))
    return drop_annotations(fold_homoglyphs(nfkc(repair_mojibake(text))))


def display_form(text: str) -> str:
    """A clean form for showing: broken encoding and look-alike letters of another script
    repaired, spacing, quotes and titles fixed, letters as written.

    >>> display_form("  Präsident  „Alexander Lukaschenko“ ")
    'Alexander Lukaschenko'
    >>> display_form("RÄ«ga")
    'Rīga'
    """
    if not (text.isascii() and _PLAIN_TEXT.fullmatch(text)):  # plain Latin words need no repair
        text = collapse_spaces(unify_punctuation(_mended(text)))
    return collapse_spaces(strip_apostrophe_genitive(strip_titles(text)))


_NOT_WORD = re.compile(r"[^\w'\-. ]+")
_DOTS = re.compile(r"(?<=\w)\.(?=\w|$)")


@lru_cache(maxsize=1 << 17)
def normalize(text: str) -> str:
    """The key entitykit matches on: titles and quotes gone, folded case, umlauts and accents.

    Broken encoding (:func:`repair_mojibake`), NFKC, mixed scripts (:func:`fold_homoglyphs`), stress marks,
    punctuation, titles, apostrophe genitive, casefold, umlauts (``ä -> ae``), diacritics,
    Cyrillic to German (Duden), spacing. Idempotent and total on any string; usable as
    RapidFuzz ``processor=``.

    >>> normalize("  Staatssekretär Alexander  Wolfowitsch ")
    'alexander wolfowitsch'
    >>> normalize("Müller") == normalize("Mueller") == normalize("MÜLLER")
    True
    >>> normalize("Belarus’"), normalize("O.V.K.S.")
    ('belarus', 'ovks')
    >>> normalize("Лукашенко")
    'lukaschenko'
    """
    if (text.isascii() or "ʃ" in text or "ʧ" in text) and _PLAIN_KEY.fullmatch(text):
        # the common case (plain Latin words, or a skeleton) in one step; same result as the full path
        key = text.lower()
        first = key.split(" ", 1)[0]
        if " " not in key or not (first in ("st", "saint") or _is_folded_title(first)):  # Vize-Premier too
            return key
    key = _normalize_once(text)
    if _SIMPLE_KEY.fullmatch(key) and (" " not in key or not _is_title(key.split(" ", 1)[0])) and not (
        key.startswith(("st ", "saint "))
    ):
        return key  # nothing left that another pass would change
    # one pass can expose a new title or apostrophe ("H'err X"); settle to a fixed point
    for _ in range(4):
        text, key = key, _normalize_once(key)
        if key == text:
            break
    return key


# A web address as a name: *vk.com*, *Spiegel.de*, *www.tagesschau.de* (a name, its country's or a
# generic top-level domain, nothing after it)
_WEB_ADDRESS = re.compile(
    r"(?:www\.)?([^\W_][\w-]*)\.(?:com|net|org|info|io|eu|de|at|ch|li|lu|ru|by|ua|kz|pl|lt|lv|ee|cz|sk"
    r"|hu|ro|bg|rs|ge|am|az|md|fr|it|es|nl|be|dk|se|no|fi|uk|co\.uk|us|tv|fm)",
    re.IGNORECASE,
)


def web_address_name(text: str) -> str:
    """The name a web address stands for, which names the body it belongs to: *vk.com* is *vk*,
    *Spiegel.de* is *Spiegel*, *www.tagesschau.de* is *tagesschau*; any other text as it is.

    >>> web_address_name("vk.com"), web_address_name("www.Spiegel.de"), web_address_name("O.V.K.S.")
    ('vk', 'Spiegel', 'O.V.K.S.')
    """
    found = _WEB_ADDRESS.fullmatch(text)
    return found.group(1) if found else text


_SIMPLE_KEY = re.compile(r"[a-z0-9]+(?:[ -][a-z0-9]+)*")
_PLAIN_TEXT = re.compile(r"[A-Za-z0-9]+(?:[ -][A-Za-z0-9]+)*")
_PLAIN_KEY = re.compile(r"[A-Za-z0-9ʃʧ]+(?:[ -][A-Za-z0-9ʃʧ]+)*")  # plain text, or a skeleton (skeleton())


def _normalize_once(text: str) -> str:
    text = unify_punctuation(_mended(text))
    text = collapse_spaces(_NOT_WORD.sub(" ", text))
    if text[:3] in ("St.", "St ", "st.", "st ", "ST.", "ST "):  # St. Petersburg = Sankt Petersburg
        text = "Sankt " + text[3:].lstrip()
    elif text[:6].casefold() == "saint ":
        text = "Sankt " + text[6:]
    text = strip_apostrophe_genitive(strip_titles(text))
    if "." in text:
        text = _DOTS.sub("", web_address_name(text))
    text = transliterate_de(text)
    text = strip_diacritics(fold_umlauts(fold_case(text)))
    if "." in text or "'" in text:
        text = collapse_spaces(text.replace(".", " ").replace("'", ""))
    return text


# Ordered rules of the skeleton key: German and English spellings of one Cyrillic sound
# become one symbol. Longest patterns first; "ʃ" is sh/sch/zh, "ʧ" is ch/tsch/kh.
_SKELETON_RULES = {
    "schtsch": "ʃʧ", "shch": "ʃʧ", "tsch": "ʧ", "dsch": "ʃ", "dzh": "ʃ", "sch": "ʃ", "zh": "ʃ",
    "sh": "ʃ", "sz": "ʃ",
    "cz": "ʧ", "kh": "ʧ", "ch": "ʧ", "ck": "k", "ph": "f", "th": "t", "tz": "s", "ts": "s",
    "z": "s", "ss": "s", "w": "v", "x": "ks", "q": "k", "y": "i", "j": "i", "ae": "a",
    "oe": "o", "ue": "u", "ff": "f",
}
_SKELETON_PATTERN = re.compile("(" + "|".join(sorted(_SKELETON_RULES, key=len, reverse=True)) + ")")
_REPEATS = re.compile(r"(.)\1+")
# after a consonant: je/ie (German) = e (English): Medwedjew/Medvedev, Umjerow/Umerov;
# jo/io (ё) = e: Mogiljow/Mogilev, Fjodor/Fedor
_SOFT_VOWEL = re.compile(r"(?<=[^aeiou\s])i(?=[eo])")
# h between a vowel and a consonant is the German ch (х): Rahmon/Rachmon, Ahmed/Achmed
_VOWEL_H = re.compile(r"(?<=[aeiou])h(?=[^aeiou\sʃʧ])")
# Belarusian ў at the end of a word: Stanislau/Stanislaw
_FINAL_U = re.compile(r"(?<=[aeo])u\b")


# j between vowels: Tokajew = Tokaev = Tokayev; at the start of a word je = e: Jerlan = Erlan
_GLIDE = re.compile(r"(?<=[aeiou])i(?=[aeou])|(?<![^\s])i(?=e)")


def _skeleton_once(key: str) -> str:
    parts = _SKELETON_PATTERN.split(key)  # text, rule, text, rule, ..., text
    if len(parts) > 1:
        parts[1::2] = [_SKELETON_RULES[rule] for rule in parts[1::2]]
        key = "".join(parts)
    key = _GLIDE.sub("", _FINAL_U.sub("v", _VOWEL_H.sub("ʧ", key)))
    if "i" in key:
        key = _SOFT_VOWEL.sub("", key.replace("io", "ie")) if "io" in key or "ie" in key else key
    return _REPEATS.sub(r"\1", key) if _REPEATS.search(key) else key


# anything one of the steps of _skeleton_once would change: where nothing is, a pass changes nothing
_SKELETON_STEP = re.compile("|".join((
    _SKELETON_PATTERN.pattern, _VOWEL_H.pattern, _FINAL_U.pattern, _GLIDE.pattern, "io", _SOFT_VOWEL.pattern,
    r"(?P<letter>.)(?P=letter)",
)))


def _skeleton_of_key(key: str) -> str:
    key = key.replace("-", " ")
    for _ in range(8):
        changed = _skeleton_once(key)
        if changed == key:
            break
        key = changed
        if not _SKELETON_STEP.search(key):
            break  # a fixed point, found without another pass
    return key


# East Slavic families on top of the skeleton: Belarusian and Ukrainian write what Russian
# spells o as a (akanje: Maladsetschna / Molodetschno, Slawjansk / Slowjansk) and г as h
# (Swetlahorsk / Swetlogorsk, Homel / Gomel).
_SLAVIC_FAMILY = str.maketrans({"o": "a", "h": "g"})


def slavic_family_key(text: str) -> str:
    """The :func:`skeleton` with *o* read as *a* and *h* as *g*: the key on which the Belarusian,
    Ukrainian and Russian forms of one name meet. Much looser than the skeleton: evidence that
    needs support (the same company), never a merge on its own.

    >>> slavic_family_key("Swetlahorsk") == slavic_family_key("Swetlogorsk"), slavic_family_key("Bykau") == slavic_family_key("Bykow")
    (True, True)
    >>> slavic_family_key("Baryssau") == slavic_family_key("Borissow"), slavic_family_key("Minsk") == slavic_family_key("Pinsk")
    (True, False)
    """
    return skeleton(text).translate(_SLAVIC_FAMILY)


@lru_cache(maxsize=1 << 17)
def skeleton(text: str) -> str:
    """A phonetic-ish key on which German and English transliterations meet.

    ``sch/sh/zh -> ʃ``, ``tsch/ch/kh -> ʧ``, ``z/ts/ss -> s``, ``w -> v``, ``j/y -> i``,
    ``ck -> k``, ``ae -> a``; doubled letters once. Lossy on purpose: use it to find and
    confirm transliteration variants, never alone to merge short names.

    >>> skeleton("Tasmagambetow") == skeleton("Tasmagambetov")
    True
    >>> skeleton("Selenskyj") == skeleton("Zelensky") == skeleton("Зеленский")
    True
    >>> skeleton("Wolfowitsch"), skeleton("Wolfowitz")
    ('volfoviʧ', 'volfovis')
    """
    key = _skeleton_of_key(normalize(text))
    for _ in range(4):  # settle: the key of a key is the key
        again = _skeleton_of_key(normalize(key))
        if again == key:
            break
        key = again
    return key


# What German (Duden) writes where the English romanisation of news agencies writes the
# right-hand side (transliterate_de / transliterate_en): ш sch/sh, ж sch/zh, ч tsch/ch,
# щ schtsch/shch, х ch/kh, в w/v, й я ю е ё j/y, з s/z, ц z/ts, intervocalic с ss/s (Wassili,
# Vasily).
GERMAN_ROMANISATION = frozenset({
    ("sch", "sh"), ("sch", "zh"), ("tsch", "ch"), ("schtsch", "shch"), ("ch", "kh"), ("w", "v"),
    ("j", "y"), ("s", "z"), ("z", "ts"), ("ss", "s"),
})
# The same at the end of a word only: -ий / -ей (Dostojewski, Dostoevsky; Alexei, Alexey;
# Jurij, Yury); inside a word y is German too (ы: Tschernobyl).
GERMAN_WORD_ENDINGS = frozenset({("i", "y"), ("ij", "y")})
_ROMAN_UNITS = re.compile(r"schtsch|shch|tsch|sch|sh|zh|kh|ch|ts|ss|.", re.S)


def german_spelling(a: str, b: str) -> str | None:
    """Which of two romanisations of one name is the German (Duden) one: ``a``, ``b`` or ``None``.

    The normalised keys are compared letter group by letter group (*sch*, *tsch*, *ch*, *kh*, …);
    one is German when every difference is a German spelling against the English one of the
    same Cyrillic letter (:data:`GERMAN_ROMANISATION`), or a *j* only German writes (*Jewgeni* /
    *Evgeny*, *Dostojewski* / *Dostoevsky*, *Selenskyj* / *Selensky*), and all point its way.
    ``None`` when the keys are equal, a difference is anything else (a typo, Polish *cz*, the
    *ija* of *Julija* / *Julia*, another name), the differences point both ways, or either
    spelling is Cyrillic.

    >>> german_spelling("Sivak", "Siwak"), german_spelling("Selenskyj", "Zelensky")
    ('Siwak', 'Selenskyj')
    >>> german_spelling("Chernobyl", "Tschernobyl"), german_spelling("Schoigu", "Shoigu")
    ('Tschernobyl', 'Schoigu')
    >>> german_spelling("Wolfowitz", "Wolfowitsch") is None, german_spelling("Julia", "Julija") is None
    (True, True)
    """
    if has_cyrillic(a) or has_cyrillic(b):
        return None
    from difflib import SequenceMatcher

    left, right = _ROMAN_UNITS.findall(normalize(a)), _ROMAN_UNITS.findall(normalize(b))
    votes = set()
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, left, right, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag != "replace":  # one side has letters the other lacks: only a German j
            votes.add(a if _german_j(left, i1, i2) else b if _german_j(right, j1, j2) else None)
            continue
        at_end = _word_ends(left, i2) and _word_ends(right, j2)
        pieces = [("".join(left[i1:i2]), "".join(right[j1:j2]))]
        if pieces[0] not in GERMAN_ROMANISATION and pieces[0][::-1] not in GERMAN_ROMANISATION and i2 - i1 == j2 - j1:
            pieces = list(zip(left[i1:i2], right[j1:j2]))  # w j / v y: one difference each
        for piece in pieces:
            if piece in GERMAN_ROMANISATION or (at_end and piece in GERMAN_WORD_ENDINGS):
                votes.add(a)
            elif piece[::-1] in GERMAN_ROMANISATION or (at_end and piece[::-1] in GERMAN_WORD_ENDINGS):
                votes.add(b)
            else:
                votes.add(None)
    return votes.pop() if len(votes) == 1 else None


def _word_ends(units: list[str], index: int) -> bool:
    return index == len(units) or units[index] in (" ", "-")


def _german_j(units: list[str], start: int, end: int) -> bool:
    """Whether ``units[start:end]``, missing from the other spelling, is a *j* that only German
    writes: the glide of е at the start of a word or after a vowel (*Jewgeni*, *Dostojewski*,
    *Sergejew*), the й ending a Ukrainian -ий (*Selenskyj*, *Jurij*)."""
    if units[start:end] != ["j"]:
        return False
    before = units[start - 1] if start else " "
    if _word_ends(units, end):
        return before in ("i", "y")
    return units[end] == "e" and before in (" ", "-", "a", "e", "i", "o", "u")


def variant_keys(text: str) -> list[str]:
    """Keys to look a mention up under, best first: the full key, then shorter candidates.

    After :func:`normalize` come the head of a compound (*OVKS-Generalsekretär -> ovks*), the
    genitive stem (*Lukaschenkos -> lukaschenko*) and, for Cyrillic, the English romanisation.
    Callers accept the later keys only when they are known names.

    >>> variant_keys("OVKS-Generalsekretär")
    ['ovks-generalsekretaer', 'ovks']
    >>> variant_keys("Lukaschenkos")
    ['lukaschenkos', 'lukaschenko']
    >>> variant_keys("Лукашенко")
    ['lukaschenko', 'lukashenko']
    """
    clean = display_form(text)
    keys = [normalize(text)]
    head = compound_head(clean)
    if head:
        keys.append(normalize(head))
    stem = genitive_stem(clean)
    if stem:
        keys.append(normalize(stem))
    if has_cyrillic(clean):
        keys.append(normalize(transliterate_en(clean)))
    unique: list[str] = []
    for key in keys:
        if key and key not in unique:
            unique.append(key)
    return unique


_SLUG_DROP = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """A lowercase ASCII slug for ids: ``Imangali Tasmagambetow -> imangali-tasmagambetow``.

    Names without Latin or Cyrillic letters get ``x`` plus a short hash, so ids stay ASCII.

    >>> slugify("Imangali Tasmagambetow"), slugify("Лукашенко"), slugify("OVKS")
    ('imangali-tasmagambetow', 'lukaschenko', 'ovks')
    """
    slug = _SLUG_DROP.sub("-", normalize(text)).strip("-")
    if slug:
        return slug
    import hashlib

    return "x" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


# Words skipped in the initials of a long form (OVKS = Organisation des Vertrags über
# kollektive Sicherheit) and in token alignment.
FUNCTION_WORDS = frozenset(
    """
    der die das des dem den ein eine einer eines einem einen und fuer ueber von vom zu zur zum
    im in am an auf bei mit nach aus gegen the of for and on in at de la le du des el al
    """.split()
)
