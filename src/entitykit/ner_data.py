"""Readers for labelled German NER corpora: GermEval 2014 and CoNLL-style BIO files.

Every reader yields :class:`Sentence` tuples of words and IOB2 tags already mapped to
entitykit's label set (PER, ORG, LOC, MISC), so training and evaluation share one view of
the data.

>>> germeval_tag("B-LOCderiv"), germeval_tag("I-OTH"), germeval_tag("B-PER")
('O', 'I-MISC', 'B-PER')
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from .aliases import LABELS  # noqa: F401  (the tags of every reader here are over these labels)
from .errors import CorpusFormatError

HEADLINE_LABELS = ("PER", "ORG", "LOC")

# Fine-grained DFKI (MobIE, SmartData) types that mean one of our labels; all others are O.
DFKI_TYPES = {
    "person": "PER",
    "organization": "ORG",
    "organization-company": "ORG",
    "location": "LOC",
    "location-city": "LOC",
    "location-stop": "LOC",
    "location-street": "LOC",
}


class Sentence(NamedTuple):
    """One tokenised sentence with IOB2 tags over :data:`LABELS`."""

    words: list[str]
    tags: list[str]


# Spans the DFKI corpora tag as places or organisations that name nothing: directions of a
# traffic report (*in beiden Richtungen*, *stadtauswärts*), adjectives (*deutschen*), the
# police itself and the press-release code of German police stations (*POL-KN*). Trained on,
# they made the model tag *beiden Richtungen* LOC and *POL* ORG in everyday news.
_DIRECTION = re.compile(r"(?i)^(fahrt)?richtung(en)?$")
_GENERIC_BODIES = frozenset({"polizei", "feuerwehr"})


def is_named(words: list[str], label: str) -> bool:
    """Whether a span of the DFKI corpora (MobIE, SmartData) names a place, body or person.

    A name starts with a capital letter or a digit (after a ``#``/``@`` of a tweet), has no
    direction word in it and, for organisations, is no police code (*POL - KN*) and not the
    police or fire brigade alone.

    >>> is_named(["Würzburg"], "LOC"), is_named(["beiden", "Richtungen"], "LOC"), is_named(["stadtauswärts"], "LOC")
    (True, False, False)
    >>> is_named(["Beide", "Fahrtrichtungen"], "LOC"), is_named(["#A45"], "LOC")
    (False, True)
    >>> is_named(["POL", "-", "KN"], "ORG"), is_named(["POL-KN"], "ORG"), is_named(["#Polizei"], "ORG")
    (False, False, False)
    >>> is_named(["Polizeipräsidium", "Westhessen"], "ORG"), is_named(["Polen"], "LOC")
    (True, True)
    """
    first = words[0].lstrip("#@")
    if not first or not (first[0].isupper() or first[0].isdigit()):
        return False
    if any(_DIRECTION.match(word.strip(".,;:!?()")) for word in words):
        return False
    if label == "ORG" and (first.split("-")[0] == "POL" or (len(words) == 1 and first.lower() in _GENERIC_BODIES)):
        return False
    return True


def drop_unnamed(words: list[str], tags: list[str]) -> list[str]:
    """``tags`` (IOB2) with the spans that fail :func:`is_named` set to ``O``.

    >>> drop_unnamed(["in", "beiden", "Richtungen", "bei", "Kassel"], ["O", "B-LOC", "I-LOC", "O", "B-LOC"])
    ['O', 'O', 'O', 'O', 'B-LOC']
    """
    tags = list(tags)
    start = 0
    while start < len(tags):
        if not tags[start].startswith("B-"):
            start += 1
            continue
        end = start + 1
        while end < len(tags) and tags[end] == "I-" + tags[start][2:]:
            end += 1
        if not is_named(words[start:end], tags[start][2:]):
            tags[start:end] = ["O"] * (end - start)
        start = end
    return tags


def germeval_tag(tag: str) -> str:
    """Map a GermEval 2014 outer tag to entitykit's tag set.

    OTH becomes MISC (the label set of ``de_core_news_md``); ``deriv`` and ``part`` tags
    (*deutschen*, *EU-Staaten*) are not names and become ``O``.
    """
    if tag == "O" or tag.endswith(("deriv", "part")):
        return "O"
    prefix, _, label = tag.partition("-")
    if prefix not in ("B", "I") or label not in ("PER", "ORG", "LOC", "OTH"):
        return "O"
    return f"{prefix}-{'MISC' if label == 'OTH' else label}"


def dfki_tag(tag: str) -> str:
    """Map a MobIE/SmartData IOB tag (``B-location-city``) to entitykit's tag set."""
    prefix, _, kind = tag.partition("-")
    label = DFKI_TYPES.get(kind)
    return f"{prefix}-{label}" if label and prefix in ("B", "I") else "O"


def repair_iob(tags: list[str]) -> list[str]:
    """Turn an ``I-X`` that does not continue an ``X`` entity into ``B-X`` (IOB1 → IOB2)."""
    fixed = []
    previous = "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        fixed.append(tag)
        previous = tag
    return fixed


def _open_text(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def _blocks(path: Path) -> Iterator[tuple[int, list[tuple[int, list[str]]]]]:
    """Yield (first line number, [(line number, columns), ...]) per blank-line-separated block."""
    block: list[tuple[int, list[str]]] = []
    with _open_text(path) as handle:
        try:
            for number, line in enumerate(handle, 1):
                line = line.rstrip("\r\n")
                if not line.strip():
                    if block:
                        yield block[0][0], block
                        block = []
                    continue
                block.append((number, _columns(line)))
        except UnicodeDecodeError as error:
            raise CorpusFormatError(
                f"{path}: not UTF-8 at byte {error.start}; convert the file to UTF-8"
            ) from None
    if block:
        yield block[0][0], block


def _columns(line: str) -> list[str]:
    """The tab-separated columns of a line without trailing empty ones: the official GermEval
    2014 test split ends some lines with a tab (``1<TAB>"<TAB>O<TAB>O<TAB>``).

    >>> _columns('1\\t"\\tO\\tO\\t')
    ['1', '"', 'O', 'O']
    """
    columns = line.split("\t")
    while len(columns) > 1 and not columns[-1].strip():
        columns.pop()
    return columns


def _is_tag(value: str) -> bool:
    return value == "O" or value[:2] in ("B-", "I-")


def read_germeval(path: str | Path) -> Iterator[Sentence]:
    """Read GermEval 2014: the official 4-column ``.tsv`` or the 3-column ``.iob2``.

    The outer (first) tag column is used. ``#`` comment lines are skipped.
    """
    path = Path(path)
    for _, block in _blocks(path):
        words, tags = [], []
        for number, columns in block:
            if columns[0].startswith("#") and not (len(columns) == 3 and _is_tag(columns[1])):
                continue  # a source comment; a "#" token in .iob2 has a tag column
            if len(columns) == 4 and columns[0].isdigit():
                word, tag = columns[1], columns[2]
            elif len(columns) == 3:
                word, tag = columns[0], columns[1]
            else:
                raise CorpusFormatError(
                    f"{path}:{number}: expected 'index, token, outer, inner' or "
                    f"'token, outer, inner' tab-separated, got {len(columns)} columns"
                )
            words.append(word)
            tags.append(germeval_tag(tag))
        if words:
            yield Sentence(words, repair_iob(tags))


def read_conll2003(path: str | Path) -> Iterator[Sentence]:
    """Read a MobIE-style CoNLL-2003 file (``token POS chunk NER``, ``-DOCSTART-`` lines)."""
    path = Path(path)
    for _, block in _blocks(path):
        words, tags = [], []
        for number, columns in block:
            if columns[0].startswith("-DOCSTART-"):
                continue
            if len(columns) < 2:
                raise CorpusFormatError(f"{path}:{number}: expected tab-separated columns")
            words.append(columns[0])
            tags.append(dfki_tag(columns[-1]))
        if words:
            yield Sentence(words, drop_unnamed(words, repair_iob(tags)))


_BIO_TAG = re.compile(r"^[BI]-(PER|ORG|LOC)$", re.IGNORECASE)


def read_bio(path: str | Path, *, max_words: int = 60) -> Iterator[Sentence]:
    """Read Europeana-style ``token tag`` lines that have no sentence breaks.

    Sentences are cut after ``.``, ``!`` or ``?`` when no entity is open, and at
    ``max_words`` otherwise. Malformed lines and unknown tags are dropped or mapped to ``O``.
    """
    words: list[str] = []
    tags: list[str] = []
    with _open_text(Path(path)) as handle:
        for line in handle:
            if line.startswith("# ") or not line.strip():
                continue
            columns = line.split()
            if len(columns) != 2:
                continue
            word, tag = columns
            tag = tag.upper() if _BIO_TAG.match(tag) else "O"
            words.append(word)
            tags.append(tag)
            if (word in {".", "!", "?"} and len(words) > 3) or len(words) >= max_words:
                yield Sentence(words, repair_iob(tags))
                words, tags = [], []
    if words:
        yield Sentence(words, repair_iob(tags))


class CharSpanDoc(NamedTuple):
    """A text with character-offset entity spans, as in SmartData."""

    text: str
    spans: list[tuple[int, int, str]]


def read_smartdata(path: str | Path) -> Iterator[CharSpanDoc]:
    """Read DFKI SmartData v1: concatenated JSON objects with character-offset mentions."""
    with _open_text(Path(path)) as handle:
        content = handle.read()
    decoder = json.JSONDecoder()
    position = 0
    while True:
        while position < len(content) and content[position].isspace():
            position += 1
        if position >= len(content):
            return
        record, position = decoder.raw_decode(content, position)
        text = record["text"]["string"]
        spans = []
        for mention in (record.get("conceptMentions") or {}).get("array") or []:
            label = DFKI_TYPES.get(mention["type"])
            start, end = mention["span"]["start"], mention["span"]["end"]
            if label and is_named(text[start:end].split() or [""], label):
                spans.append((mention["span"]["start"], mention["span"]["end"], label))
        yield CharSpanDoc(text, spans)


_CONLL_SUFFIXES = (".conll", ".conll02", ".conll2002", ".conll03", ".conll2003", ".txt")


def read_ner_file(path: str | Path) -> Iterator[Sentence]:
    """Read any supported labelled file, choosing the reader by its name where the name is
    decisive and by its content where it is not.

    ``.tsv`` and ``.iob2`` are GermEval 2014; ``.bio`` is whitespace-separated ``token tag``.
    ``.conll``, ``.conll02``/``.conll2002``, ``.conll03``/``.conll2003`` and ``.txt`` are read by
    their first data line: two columns (``token tag``, CoNLL-2002) as ``.bio``, an index and
    three or four tab-separated columns as GermEval, more columns as CoNLL-2003.
    """
    path = Path(path)
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".tsv", ".iob2")):
        return read_germeval(path)
    if name.endswith(".bio"):
        return read_bio(path)
    if name.endswith(_CONLL_SUFFIXES):
        return {"bio": read_bio, "germeval": read_germeval, "conll2003": read_conll2003}[_sniff(path)](path)
    raise CorpusFormatError(
        f"{path}: unknown NER file type; use GermEval .tsv/.iob2, CoNLL .conll/.conll2002/.conll2003, "
        ".bio or a spaCy .spacy file"
    )


def _sniff(path: Path) -> str:
    """``bio``, ``germeval`` or ``conll2003`` by the first line that holds a token."""
    try:
        with _open_text(path) as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip() or line.startswith(("# ", "#\t", "-DOCSTART-")):
                    continue
                tabbed = _columns(line.rstrip("\r\n"))
                if len(tabbed) == 4 and tabbed[0].isdigit():
                    return "germeval"
                if len(tabbed) >= 3:
                    return "conll2003"
                if len(line.split()) == 2:
                    return "bio"
                raise CorpusFormatError(
                    f"{path}:{number}: cannot tell the format from this line ({len(line.split())} columns); "
                    "expected 'token tag' (CoNLL-2002), 'token POS chunk tag' (CoNLL-2003) or GermEval columns"
                )
    except UnicodeDecodeError as error:
        raise CorpusFormatError(f"{path}: not UTF-8 at byte {error.start}; convert the file to UTF-8") from None
    raise CorpusFormatError(f"{path}: no tokens in the file")


def sentences_to_docs(vocab, sentences: Iterable[Sentence]):
    """Turn sentences into spaCy ``Doc`` objects with gold entities (words joined by spaces)."""
    from spacy.tokens import Doc

    for sentence in sentences:
        yield Doc(vocab, words=sentence.words, ents=sentence.tags)


def char_spans_to_doc(nlp, item: CharSpanDoc):
    """Tokenise a text with ``nlp`` and place its character spans.

    Spans are trimmed of edge whitespace and punctuation; spans with whitespace tokens
    inside (the NER cannot predict them) are dropped, overlapping spans keep the longest.
    """
    from spacy.tokens import Span
    from spacy.util import filter_spans

    doc = nlp.make_doc(item.text)
    spans = []
    for start, end, label in item.spans:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        first, last = span.start, span.end
        while first < last and (doc[first].is_space or doc[first].is_punct):
            first += 1
        while last > first and (doc[last - 1].is_space or doc[last - 1].is_punct):
            last -= 1
        if first < last and not any(token.is_space for token in doc[first:last]):
            spans.append(Span(doc, first, last, label=label))
    doc.ents = filter_spans(spans)
    return doc
