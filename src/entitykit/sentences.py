"""Sentence boundaries from punctuation, as spaCy's ``sentencizer`` sets them, without three of
its mistakes on German text: a boundary after a full stop that belongs to an abbreviation written
apart from it, one before a word in lower case, and one after a German opening quote.

NER never crosses a sentence boundary, so a wrong one cuts a name in two: *St . Pauli* in a
tokenised corpus (CoNLL files, GermEval) or in OCR text, *„Wohin?" fragte er* after a quote.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.pipeline import Sentencizer

__all__ = ["AbbreviationSentencizer", "FACTORY"]

FACTORY = "entitykit_sentencizer"

# German opening quotes; spaCy's sentencizer ends a sentence after the quotes that follow its
# full stop, which in German are the next sentence's opening „ or ‚.
OPENING_QUOTES = frozenset("„‚")
# Abbreviations German news write that spaCy's German tokenizer splits from their full stop:
# English titles (*Mrs. Finch*) and *sogen.* (sogenannt).
EXTRA_ABBREVIATIONS = frozenset({"Mrs", "Ms", "sogen"})


class AbbreviationSentencizer(Sentencizer):
    """spaCy's sentencizer, except that no sentence starts

    - after a full stop that stands apart from an abbreviation the language's tokenizer knows
      (*St*, *Dr*, *Mrd*, *z*, *Chr*: the stem of each tokenizer exception that ends in a full
      stop; and :data:`EXTRA_ABBREVIATIONS`) or from a capital standing alone (an initial), or
    - at a word in lower case (German sentences start with a capital: *„Wohin?" fragte er*);

    and a German opening quote (*„*, *‚*) after a full stop starts the next sentence instead of
    ending the last one.

    >>> import spacy
    >>> nlp = spacy.blank("de")
    >>> _ = nlp.add_pipe(FACTORY)
    >>> doc = nlp.make_doc("Der FC St . Pauli gewann. „Wohin?“ fragte er.")
    >>> [sent.text for sent in nlp(doc).sents]
    ['Der FC St . Pauli gewann.', '„Wohin?“ fragte er.']
    """

    def __init__(self, name: str = "sentencizer", *, abbreviations=(), **kwargs) -> None:
        super().__init__(name, **kwargs)
        self.abbreviations = frozenset(abbreviations)

    def predict(self, docs):
        guesses = super().predict(docs)
        for doc, starts in zip(docs, guesses):
            for i in range(1, len(doc)):
                if not starts[i]:
                    continue
                if doc[i].is_lower or self._abbreviation_stop(doc, i - 1):
                    starts[i] = False
                elif doc[i - 1].text in OPENING_QUOTES and i >= 2:  # „Wohin?": the quote opens it
                    starts[i - 1], starts[i] = True, False
        return guesses

    def _abbreviation_stop(self, doc, i: int) -> bool:
        """Whether token ``i`` is a full stop written apart from an abbreviation (*St .*) or from
        a capital standing alone, an initial (*Robert R . Livingston*)."""
        if i < 1 or doc[i].text != ".":
            return False
        word = doc[i - 1].text
        return word in self.abbreviations or (len(word) == 1 and word.isupper())


@Language.factory(
    FACTORY,
    default_config={"punct_chars": None, "overwrite": False},
)
def make_sentencizer(nlp: Language, name: str, punct_chars: list[str] | None, overwrite: bool) -> AbbreviationSentencizer:
    """The sentencizer, with the abbreviations of ``nlp``'s tokenizer exceptions."""
    exceptions = nlp.Defaults.tokenizer_exceptions or {}
    abbreviations = {key[:-1] for key in exceptions if key.endswith(".") and len(key) > 1} | EXTRA_ABBREVIATIONS
    return AbbreviationSentencizer(name, punct_chars=punct_chars, overwrite=overwrite, abbreviations=abbreviations)
