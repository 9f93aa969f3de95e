"""Linking mentions within one document: a surname alone names the full name it follows.

>>> from entitykit.mentions import Mention
>>> link_surnames([Mention("Alexander Lukaschenko", "PER", doc="a"), Mention("Lukaschenkos", "PER", doc="a"),
...                Mention("Lukaschenko", "PER", doc="b")])
{1: (0, 100.0)}
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from .mentions import Mention
from .names import compare, parse
from .normalize import display_form, genitive_stem, normalize

__all__ = ["link_surnames"]


def link_surnames(mentions: Sequence[Mention], *, min_typo_length: int = 7) -> dict[int, tuple[int, float]]:
    """Surname-only persons -> the nearest full name with that surname in the same ``doc``.

    Returns ``{mention index: (antecedent index, score 0-100)}``: the closest fitting full name
    before the mention, else the first after it. A surname fits a full name by the rules of
    :func:`entitykit.names.compare_names` (a genitive *Lukaschenkos* by its stem). Mentions
    without a ``doc`` are never linked.
    """
    by_doc: dict[str, list[int]] = defaultdict(list)
    for index, mention in enumerate(mentions):
        if mention.doc is not None and mention.label == "PER":
            by_doc[mention.doc].append(index)
    links: dict[int, tuple[int, float]] = {}
    for indices in by_doc.values():
        names = {index: parse(mentions[index].text) for index in indices}
        full = [index for index in indices if len(names[index].tokens) >= 2]
        if not full:
            continue
        for index in indices:
            name = names[index]
            if len(name.tokens) != 1 or name.acronym:
                continue
            stem = genitive_stem(display_form(mentions[index].text))  # "Lukaschenkos Rede"
            forms = [name] + ([parse(stem)] if stem and len(normalize(stem)) >= 5 else [])
            fits = []
            for other in full:
                verdicts = [compare(form, names[other], "PER", min_typo_length) for form in forms]
                best = max(verdicts, key=lambda verdict: (verdict.ok, verdict.score))
                if best.ok:
                    fits.append((other, best.score))
            if not fits:
                continue
            before = [fit for fit in fits if fit[0] < index]
            antecedent, score = before[-1] if before else fits[0]
            links[index] = (antecedent, round(min(100.0, score / 0.95), 1))
    return links
