"""displaCy and DataFrame helpers for exploring entitykit results in Jupyter.

Every helper takes what a notebook has at hand: a processed ``Doc``, a list of them, a
mentions or entities DataFrame, or the output folder of a corpus run (``entitykit run ... --out
DIR``). pandas, matplotlib and networkx come with the ``notebook`` extra
(``pip install "entitykit[notebook]"``) and are imported inside the functions.

>>> import spacy
>>> from spacy.tokens import Span
>>> nlp = spacy.blank("de")
>>> doc = nlp("Alexander Wolfowitsch traf Wolfowutsch in Minsk.")
>>> doc.ents = [Span(doc, 0, 2, "PER", kb_id="wolfowitsch"), Span(doc, 3, 4, "PER", kb_id="wolfowitsch"),
...             Span(doc, 5, 6, "LOC", kb_id="minsk")]
>>> mentions_frame(doc)[["text", "label", "entity_id"]].to_dict("list")
{'text': ['Alexander Wolfowitsch', 'Wolfowutsch', 'Minsk'], 'label': ['PER', 'PER', 'LOC'], 'entity_id': ['wolfowitsch', 'wolfowitsch', 'minsk']}
"""

from __future__ import annotations

import colorsys
import html
import textwrap
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from itertools import combinations
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, Union

from .errors import InputError, MissingDependencyError
from .export import ENTITY_COLUMNS, MENTION_COLUMNS, MentionRecord, doc_mentions, summarize

if TYPE_CHECKING:  # pragma: no cover
    import pandas
    from matplotlib.figure import Figure
    from spacy.tokens import Doc

    from .aliases import AliasRegistry
    from .corpus import DocumentMentions

    Source = Union[Doc, Iterable[Doc], Iterable[DocumentMentions], pandas.DataFrame, str, Path]

__all__ = [
    "LABEL_COLORS",
    "MENTION_COLUMNS",
    "ENTITY_COLUMNS",
    "render",
    "entity_colors",
    "mentions_frame",
    "entities_frame",
    "variants",
    "cooccurrence",
    "plot_top_entities",
    "plot_cooccurrence",
]

# displaCy's own colours for PERSON, ORG, LOC and EVENT, so entitykit views look like spaCy's.
LABEL_COLORS: Mapping[str, str] = MappingProxyType(
    {"PER": "#aa9cfc", "ORG": "#7aecec", "LOC": "#ff9561", "MISC": "#ffeb80"}
)
OTHER_COLOR = "#dddddd"
LABEL_ORDER = ("PER", "ORG", "LOC", "MISC")
FILE_SUFFIXES = (".parquet", ".jsonl", ".jsonl.gz", ".csv")
# Plot labels: characters per line (two lines at most) in bar charts and on network nodes.
NAME_WIDTH = 28
NODE_NAME_WIDTH = 22
# A spring layout of 8 x 6 inches stays readable up to about 40 edges and 15 node names; past
# that, edges cross so often that no pair can be followed.
MAX_EDGES = 40
MAX_LABELS = 15

# displaCy's entity template plus a tooltip (entity id, method, score) on each highlighted mention.
ENT_TEMPLATE = """
<mark class="entity" title="{tooltip}" style="background: {bg}; padding: 0.45em 0.6em; margin: 0 0.25em; line-height: 1; border-radius: 0.35em;">
    {text}
    <span style="font-size: 0.8em; font-weight: bold; line-height: 1; border-radius: 0.35em; vertical-align: middle; margin-left: 0.5rem">{label}{kb_link}</span>
</mark>
"""


def _require(module: str):
    """Import an optional dependency or say how to install it."""
    from importlib import import_module

    try:
        return import_module(module)
    except ImportError as error:
        raise MissingDependencyError(
            f"entitykit.viz needs {module.split('.')[0]}, which is not installed; "
            'install the notebook extra: pip install "entitykit[notebook]"'
        ) from error


# --- reading what the user has ---------------------------------------------------------------


def _as_docs(doc_or_docs: Any) -> list[Doc]:
    from spacy.tokens import Doc

    if isinstance(doc_or_docs, Doc):
        return [doc_or_docs]
    if isinstance(doc_or_docs, (str, bytes, Path)) or not isinstance(doc_or_docs, Iterable):
        raise InputError(f"expected a spaCy Doc or an iterable of Docs, got {type(doc_or_docs).__name__}")
    docs = list(doc_or_docs)
    wrong = next((doc for doc in docs if not isinstance(doc, Doc)), None)
    if wrong is not None:
        raise InputError(
            f"expected spaCy Docs, got a {type(wrong).__name__}; run the texts through the pipeline "
            "first: docs = list(nlp.pipe(texts))"
        )
    return docs


def _doc_id(doc: Doc, number: int) -> str:
    return str(doc.user_data.get("doc_id", number))


def _canonical(ent) -> str:
    return getattr(ent._, "canonical", None) or ent.text


def _doc_records(docs: list[Doc]) -> Iterator[MentionRecord]:
    for number, doc in enumerate(docs):
        yield from doc_mentions(doc, _doc_id(doc, number))


def _resolved(mentions):
    """The rows of a mentions frame that carry an entity id (no resolver: empty id)."""
    return mentions[mentions["entity_id"].fillna("").astype(str) != ""]


def _read_table(folder: Path, stem: str):
    """Read ``stem.parquet|jsonl|jsonl.gz|csv`` from a run folder into a DataFrame."""
    pd = _require("pandas")
    for suffix in FILE_SUFFIXES:
        path = folder / f"{stem}{suffix}"
        if not path.is_file():
            continue
        if suffix == ".parquet":
            frame = pd.read_parquet(path)
        elif suffix == ".csv":
            text_columns = {c: str for c in ("doc_id", "text", "label", "entity_id", "canonical", "method")}
            frame = pd.read_csv(path, encoding="utf-8", dtype=text_columns, keep_default_na=False, na_values=[""])
        else:
            frame = pd.read_json(path, lines=True, dtype=False, encoding="utf-8")
        if "variants" in frame:
            frame["variants"] = frame["variants"].map(_variant_counts)
        return frame
    raise InputError(
        f"{folder} has no {stem} file (looked for {', '.join(stem + s for s in FILE_SUFFIXES)}); "
        "give the --out folder of `entitykit run`"
    )


def _variant_counts(value: Any) -> dict[str, int]:
    """``{text: count}`` from a variants cell as JSONL (dict), CSV (JSON text) or Parquet
    (``text``/``count`` structs) store it."""
    if isinstance(value, str):
        import json

        value = json.loads(value)
    if isinstance(value, Mapping):
        return {str(text): int(count) for text, count in value.items()}
    return {item["text"]: int(item["count"]) for item in value}


def _run_dir(source: Any) -> Path | None:
    """The run folder named by ``source``, or None when ``source`` is not a path."""
    if not isinstance(source, (str, Path)):
        return None
    folder = Path(source).expanduser()
    if not folder.is_dir():
        raise InputError(f"{str(source)!r} is not a folder; give the --out folder of `entitykit run`")
    return folder


def _frame_from(source: Any, columns: Iterable[str]):
    pd = _require("pandas")
    return pd.DataFrame(list(source), columns=list(columns))


def _mentions(source: Any):
    """A mentions DataFrame from Docs, a run folder or a mentions DataFrame."""
    pd = _require("pandas")
    if isinstance(source, pd.DataFrame):
        missing = [column for column in ("doc_id", "text", "label", "entity_id", "canonical") if column not in source]
        if missing:
            raise InputError(
                f"the DataFrame has no column {', '.join(map(repr, missing))}; give a mentions frame "
                "(viz.mentions_frame or the mentions file of a run)"
            )
        return source
    folder = _run_dir(source)
    if folder is not None:
        return _read_table(folder, "mentions")
    from .corpus import DocumentMentions

    if isinstance(source, DocumentMentions):
        source = [source]
    elif isinstance(source, Iterable) and not isinstance(source, (str, bytes)) and not hasattr(source, "vocab"):
        source = list(source)  # a generator (entitykit.extract) is read once
    if source and all(isinstance(item, DocumentMentions) for item in source):
        return _extracted_frame(source)
    return _frame_from(_doc_records(_as_docs(source)), MENTION_COLUMNS)


def _extracted_frame(documents: list):
    """A mentions frame from what :func:`entitykit.extract` yields: the mention columns, then
    each document's metadata (keys that are not mention columns), as in a run's mentions file."""
    pd = _require("pandas")
    meta_columns = list(dict.fromkeys(key for doc in documents for key in doc.meta if key not in MENTION_COLUMNS))
    rows = [
        (*record.row(), *(doc.meta.get(key) for key in meta_columns)) for doc in documents for record in doc.mentions
    ]
    return pd.DataFrame(rows, columns=[*MENTION_COLUMNS, *meta_columns])


# --- public API ------------------------------------------------------------------------------


def mentions_frame(source: Source) -> pandas.DataFrame:
    """One row per entity mention: ``doc_id, start_char, end_char, text, label, entity_id,
    canonical, score, method`` (score 0-100), as the batch ``mentions`` file.

    ``source`` is a ``Doc``, an iterable of Docs (``doc_id`` is ``doc.user_data["doc_id"]`` or
    the position), what :func:`entitykit.extract` yields (``DocumentMentions``, metadata
    columns included), or the output folder of a corpus run (its ``mentions`` file, metadata
    columns included).

    >>> import spacy
    >>> from spacy.tokens import Span
    >>> doc = spacy.blank("de")("Die OVKS tagte.")
    >>> doc.ents = [Span(doc, 1, 2, "ORG", kb_id="ovks")]
    >>> list(mentions_frame([doc]).columns) == list(MENTION_COLUMNS)
    True
    """
    return _mentions(source).reset_index(drop=True)


def entities_frame(source: Source) -> pandas.DataFrame:
    """One row per canonical entity: ``entity_id, canonical, label, mentions, documents,
    variants`` (``{spelling: count}``, most frequent first), most mentioned first, as the
    batch ``entities`` file (the summary is :func:`entitykit.export.summarize`).

    ``source`` is a ``Doc``, an iterable of Docs, a mentions DataFrame, or the output folder of
    a corpus run (its ``entities`` file; ``variants`` read back as a dict from JSONL, CSV or
    Parquet). Mentions without an entity id (no resolver in the pipeline) are left out.

    >>> import spacy
    >>> from spacy.tokens import Span
    >>> doc = spacy.blank("de")("OVKS und OVKAS und Minsk")
    >>> doc.ents = [Span(doc, 0, 1, "ORG", kb_id="ovks"), Span(doc, 2, 3, "ORG", kb_id="ovks"),
    ...             Span(doc, 4, 5, "LOC", kb_id="minsk")]
    >>> entities_frame(doc)[["entity_id", "mentions"]].values.tolist()
    [['ovks', 2], ['minsk', 1]]
    """
    folder = _run_dir(source)
    if folder is not None:
        return _read_table(folder, "entities")
    mentions = _resolved(_mentions(source))
    records = (MentionRecord(*row) for row in mentions[list(MENTION_COLUMNS)].itertuples(index=False, name=None))
    return _frame_from(summarize(records), ENTITY_COLUMNS)


def variants(entity_id: str, source: Source) -> pandas.DataFrame:
    """The spellings merged into one entity: ``spelling, count, method, score``.

    ``method`` is how mentions of that spelling were linked (``exact``, ``alias``, ``fuzzy``,
    ``acronym``, ``translit``, ``coref``, ``cluster``, ``new``; the most frequent one when they
    differ) and ``score`` their mean score (0-100). ``entity_id`` may also be the entity's
    canonical name. ``source``: Docs, a mentions DataFrame or a run folder. Raises
    :class:`~entitykit.errors.InputError` naming the closest ids when the entity is not there.

    >>> import spacy
    >>> from spacy.tokens import Span
    >>> doc = spacy.blank("de")("OVKS , OVKAS , OVKS")
    >>> doc.ents = [Span(doc, i, i + 1, "ORG", kb_id="ovks") for i in (0, 2, 4)]
    >>> variants("ovks", doc)[["spelling", "count"]].values.tolist()
    [['OVKS', 2], ['OVKAS', 1]]
    """
    pd = _require("pandas")
    mentions = _mentions(source)
    mentions = _resolved(mentions)
    rows = mentions[mentions["entity_id"] == entity_id]
    if rows.empty:
        rows = mentions[mentions["canonical"] == entity_id]
    if rows.empty:
        from rapidfuzz import process

        known = sorted(set(mentions["entity_id"]) | set(mentions["canonical"].dropna()))
        close = [match for match, _, _ in process.extract(entity_id, known, limit=3)]
        hint = f"; closest: {', '.join(map(repr, close))}" if close else ""
        raise InputError(f"no mentions of entity {entity_id!r}{hint}")
    result = []
    for spelling, group in rows.groupby("text", sort=False):
        methods = group["method"].dropna()
        scores = pd.to_numeric(group["score"], errors="coerce").dropna()
        result.append(
            {
                "spelling": spelling,
                "count": len(group),
                "method": methods.mode().iloc[0] if not methods.empty else None,
                "score": round(float(scores.mean()), 1) if not scores.empty else None,
            }
        )
    result.sort(key=lambda row: (-row["count"], row["spelling"]))
    return pd.DataFrame(result, columns=["spelling", "count", "method", "score"])


def entity_colors(docs: Iterable[Doc]) -> dict[str, str]:
    """A background colour per entity id: the label's displaCy hue, one shade per entity.

    Entities are numbered in order of first appearance within their label, so the mentions of
    one entity share a shade and neighbouring entities differ.

    >>> import spacy
    >>> from spacy.tokens import Span
    >>> doc = spacy.blank("de")("Lukaschenko Wolfowitsch Lukaschenkos")
    >>> doc.ents = [Span(doc, 0, 1, "PER", kb_id="luk"), Span(doc, 1, 2, "PER", kb_id="wolf"),
    ...             Span(doc, 2, 3, "PER", kb_id="luk")]
    >>> colors = entity_colors([doc])
    >>> len(colors), colors["luk"] != colors["wolf"]
    (2, True)
    """
    colors: dict[str, str] = {}
    per_label: Counter = Counter()
    for doc in _as_docs(docs):
        for ent in doc.ents:
            if ent.kb_id_ and ent.kb_id_ not in colors:
                colors[ent.kb_id_] = _shade(LABEL_COLORS.get(ent.label_, OTHER_COLOR), per_label[ent.label_])
                per_label[ent.label_] += 1
    return colors


def _shade(base: str, index: int) -> str:
    """The ``index``-th shade of ``base``: lightness and hue step by the golden ratio."""
    red, green, blue = (int(base[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, _, saturation = colorsys.rgb_to_hls(red, green, blue)
    step = (index * 0.618034) % 1.0
    lightness = 0.86 - 0.2 * step
    hue = (hue + 0.05 * (((index * 0.381966) % 1.0) - 0.5)) % 1.0
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, min(saturation, 0.8))
    return "#" + "".join(f"{round(channel * 255):02x}" for channel in (red, green, blue))


def render(
    doc_or_docs: Doc | Iterable[Doc],
    *,
    labels: Iterable[str] | None = None,
    jupyter: bool | None = None,
    page: bool = False,
    minify: bool = False,
) -> str | None:
    """Highlight the entities with displaCy's "ent" style, each labelled with its label and
    canonical name (``PER · Alexander Wolfowitsch``); mentions merged into one entity share a
    colour shade, and hovering shows the entity id, method and score (0-100).

    ``labels`` keeps only those labels. In Jupyter (``jupyter=None`` detects it) the markup is
    displayed and None returned; elsewhere the HTML is returned. A document's title is
    ``doc.user_data["title"]``, as in displaCy.

    >>> import spacy
    >>> from spacy.tokens import Span
    >>> doc = spacy.blank("de")("Der Staatssekretär Wolfowutsch sprach.")
    >>> doc.ents = [Span(doc, 2, 3, "PER", kb_id="wolfowitsch")]
    >>> "PER · Wolfowutsch" in render(doc, jupyter=False)
    True
    """
    from spacy import displacy

    docs = _as_docs(doc_or_docs)
    keep = None if labels is None else {label.upper() for label in labels}
    colors = entity_colors(docs)
    parsed = []
    for doc in docs:
        ents = []
        for ent in doc.ents:
            if keep is not None and ent.label_.upper() not in keep:
                continue
            entity_id = ent.kb_id_
            label = f"{ent.label_} · {_canonical(ent)}" if entity_id else ent.label_
            color = colors.get(entity_id) or LABEL_COLORS.get(ent.label_, OTHER_COLOR)
            ents.append(
                {
                    "start": ent.start_char,
                    "end": ent.end_char,
                    "label": html.escape(label),
                    "params": {"bg": color, "tooltip": html.escape(_tooltip(ent), quote=True)},
                }
            )
        parsed.append({"text": doc.text, "ents": ents, "title": doc.user_data.get("title")})
    return displacy.render(
        parsed,
        style="ent",
        manual=True,
        page=page,
        minify=minify,
        jupyter=jupyter,
        options={"template": ENT_TEMPLATE},
    )


def _tooltip(ent) -> str:
    if not ent.kb_id_:
        return ent.label_
    parts = [ent.kb_id_]
    method, score = getattr(ent._, "method", None), getattr(ent._, "score", None)
    if method:
        parts.append(method)
    if score is not None:
        parts.append(f"{score:.0f}")
    matched = getattr(ent._, "matched", None)
    if matched and matched != ent.text:
        parts.append(f"via {matched}")
    return " · ".join(parts)


def cooccurrence(
    source: Doc | Iterable[Doc] | pandas.DataFrame | str | Path,
    *,
    level: str = "document",
    min_count: int = 1,
) -> pandas.DataFrame:
    """Pairs of entities that appear together: ``source, target, source_name, target_name,
    count`` where ``count`` is the number of documents (``level="document"``) or sentences
    (``level="sentence"``, needs Docs with sentence boundaries) in which both occur.

    ``source``: Docs, a mentions DataFrame or a run folder (document level). Pairs seen fewer
    than ``min_count`` times are dropped; the most frequent pairs come first.

    >>> import spacy
    >>> from spacy.tokens import Span
    >>> nlp = spacy.blank("de")
    >>> docs = [nlp("Lukaschenko in Minsk"), nlp("Lukaschenko in Moskau")]
    >>> for doc, place in zip(docs, ["minsk", "moskau"]):
    ...     doc.ents = [Span(doc, 0, 1, "PER", kb_id="luk"), Span(doc, 2, 3, "LOC", kb_id=place)]
    >>> cooccurrence(docs)[["source", "target", "count"]].values.tolist()
    [['luk', 'minsk', 1], ['luk', 'moskau', 1]]
    """
    pd = _require("pandas")
    if level not in ("document", "sentence"):
        raise InputError(f"level must be 'document' or 'sentence', got {level!r}")
    if min_count < 1:
        raise InputError(f"min_count must be at least 1, got {min_count}")
    names: dict[str, str] = {}
    pairs: Counter = Counter()
    for unit in _units(source, level, names):
        pairs.update(combinations(sorted(unit), 2))
    rows = [
        {"source": a, "target": b, "source_name": names[a], "target_name": names[b], "count": count}
        for (a, b), count in pairs.items()
        if count >= min_count
    ]
    rows.sort(key=lambda row: (-row["count"], row["source"], row["target"]))
    return pd.DataFrame(rows, columns=["source", "target", "source_name", "target_name", "count"])


def _units(source: Any, level: str, names: dict[str, str]) -> Iterator[set[str]]:
    """The sets of entity ids that share a document or sentence; fills ``names`` with canonicals."""
    pd = _require("pandas")
    if isinstance(source, (pd.DataFrame, str, Path)):
        if level == "sentence":
            raise InputError(
                "level='sentence' needs the Docs (mentions files do not record sentences); "
                "pass the docs, or use level='document'"
            )
        mentions = _resolved(_mentions(source))
        names.update(zip(mentions["entity_id"], mentions["canonical"]))
        by_doc: dict[Any, set[str]] = {}  # not groupby, which is slow for many small documents
        for doc_id, entity_id in zip(mentions["doc_id"], mentions["entity_id"]):
            by_doc.setdefault(doc_id, set()).add(entity_id)
        yield from by_doc.values()
        return
    for doc in _as_docs(source):
        units: dict[int, set[str]] = {}
        if level == "sentence" and not doc.has_annotation("SENT_START"):
            raise InputError(
                "level='sentence' needs sentence boundaries; process the texts with "
                "entitykit.load() (it adds a sentencizer) or use level='document'"
            )
        for ent in doc.ents:
            if not ent.kb_id_:
                continue
            names.setdefault(ent.kb_id_, _canonical(ent))
            key = ent.sent.start if level == "sentence" else 0
            units.setdefault(key, set()).add(ent.kb_id_)
        yield from units.values()


def _entity_table(source: Any):
    """Entities frame from whatever the user has: an entities frame is used as it is."""
    pd = _require("pandas")
    if isinstance(source, pd.DataFrame) and {"canonical", "label", "mentions"} <= set(source.columns):
        return source
    return entities_frame(source)


# --- names in plots ----------------------------------------------------------------------------


def _display_name(name: str, width: int = NAME_WIDTH) -> str:
    """``name`` as a plot label of at most two lines of about ``width`` characters: as it is
    when it fits on one line, wrapped when it fits on two, else its first line, an ellipsis and
    its last words.

    >>> _display_name("Minsk")
    'Minsk'
    >>> print(_display_name("Organisation des Vertrags über kollektive Sicherheit"))
    Organisation des Vertrags
    über kollektive Sicherheit
    >>> print(_display_name("Repräsentantenhaus der Nationalversammlung der Republik Belarus"))
    Repräsentantenhaus der
    … der Republik Belarus
    """
    # a compound longer than a line keeps its letters together, up to twice the width
    lines = [
        line if len(line) <= 2 * width else line[: 2 * width - 1] + "…"
        for line in textwrap.wrap(name, width, break_long_words=False) or [name]
    ]
    if len(lines) <= 2:
        return "\n".join(lines)
    # Both ends stay: a German name starts with its head word, and its end is what tells
    # "Außenministerium der Republik Belarus" from "… der Russischen Föderation".
    tail: list[str] = []
    for word in reversed(name.split()):
        if len(" ".join([word, *tail])) > width:
            break
        tail.insert(0, word)
    return f"{lines[0]}\n… {' '.join(tail) or lines[-1]}"


def _display_names(
    entities: Iterable[tuple[str, str]], registry: AliasRegistry | None, width: int = NAME_WIDTH
) -> list[str]:
    """Plot labels for ``(entity id, canonical name)`` pairs: the registry's ``short`` name of a
    registry entity when it has one, else the canonical name; either made to fit by
    :func:`_display_name`. ``registry=None`` is the bundled registry."""
    if registry is None:
        from .aliases import default_registry

        registry = default_registry()
    labels = []
    for entity_id, canonical in entities:
        entity = registry.get(entity_id)
        short = entity.short if entity is not None else None
        labels.append(_display_name(short or str(canonical), width))
    return labels


# --- plots -------------------------------------------------------------------------------------


def plot_top_entities(
    source: Source,
    *,
    n: int = 10,
    labels: Iterable[str] | None = None,
    registry: AliasRegistry | None = None,
) -> Figure:
    """Bar chart of the ``n`` most mentioned entities of each label, one panel per label.

    ``source``: an entities or mentions DataFrame, Docs, or a run folder. ``labels`` picks and
    orders the panels (default: PER, ORG, LOC, MISC, those present). An entity of ``registry``
    (default: the bundled one; give the one your pipeline used, e.g.
    ``entitykit.aliases.build_registry(["my_names.jsonl"])``) is labelled with its ``short``
    name when it has one (*OVKS*); other long names are wrapped onto two lines, and shortened
    in the middle when they need more. The margin fits the labels. Returns the matplotlib
    ``Figure`` (Jupyter shows it).

    >>> import spacy
    >>> from spacy.tokens import Span
    >>> doc = spacy.blank("de")("OVKS OVKAS Minsk")
    >>> doc.ents = [Span(doc, 0, 1, "ORG", kb_id="org:ovks"), Span(doc, 1, 2, "ORG", kb_id="org:ovks"),
    ...             Span(doc, 2, 3, "LOC", kb_id="loc:minsk")]
    >>> figure = plot_top_entities(doc)
    >>> [axis.get_title(loc="left") for axis in figure.axes]
    ['ORG', 'LOC']
    >>> [label.get_text() for label in figure.axes[0].get_yticklabels()]
    ['OVKS']
    """
    plt = _require("matplotlib.pyplot")
    from matplotlib.ticker import MaxNLocator

    if n < 1:
        raise InputError(f"n must be at least 1, got {n}")
    entities = _entity_table(source)
    present = list(dict.fromkeys(entities["label"]))
    if labels is None:
        order = [label for label in LABEL_ORDER if label in present] + sorted(set(present) - set(LABEL_ORDER))
    else:
        labels = [label.upper() for label in labels]
        order = [label for label in labels if label in present]
    if not order:
        raise InputError("no entities to plot" + ("" if labels is None else f" with label {', '.join(labels)}"))
    tops = [entities[entities["label"] == label].nlargest(n, "mentions", keep="first").iloc[::-1] for label in order]
    names = [_display_names(zip(top.get("entity_id", top["canonical"]), top["canonical"]), registry) for top in tops]
    # a row is tall enough for a two-line name; the title and axis take two more rows
    sizes = [len(top) * (1.25 if any("\n" in name for name in shown) else 1) + 2 for top, shown in zip(tops, names)]
    figure, axes = plt.subplots(
        len(order), 1, figsize=(7, 0.35 * sum(sizes)), height_ratios=sizes, squeeze=False, layout="constrained"
    )
    plt.close(figure)  # returned, not shown twice in Jupyter
    for axis, label, top, top_names in zip(axes[:, 0], order, tops, names):
        # Positions, not names, on the axis (largest at the top): two entities may share a name.
        axis.barh(range(len(top)), top["mentions"], color=LABEL_COLORS.get(label, OTHER_COLOR))
        axis.set_yticks(range(len(top)), labels=top_names)
        axis.set_title(label, loc="left")
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
        axis.set_xlabel("mentions")
        axis.spines[["top", "right"]].set_visible(False)
    return figure


class _Network(NamedTuple):
    """What :func:`plot_cooccurrence` draws: the pairs seen ``min_count`` times or more among
    ``nodes`` (most mentioned first), out of ``candidates`` entities that had such a pair."""

    min_count: int
    nodes: list[str]
    edges: list[tuple[str, str, int]]
    candidates: int


def _network(
    pairs: list[tuple[str, str, int]], mentions: Mapping[str, int], *, min_count: int | None, n: int | None
) -> _Network:
    """Choose what a co-occurrence network shows; ``pairs`` come most frequent first.

    >>> pairs = [("a", "b", 3), ("a", "c", 1), ("b", "c", 1)]
    >>> _network(pairs, {"a": 5, "b": 4, "c": 1}, min_count=None, n=None)
    _Network(min_count=1, nodes=['a', 'b', 'c'], edges=[('a', 'b', 3), ('a', 'c', 1), ('b', 'c', 1)], candidates=3)
    >>> _network(pairs, {"a": 5, "b": 4, "c": 1}, min_count=2, n=None).nodes
    ['a', 'b']
    """

    def among(nodes: list[str], kept: list[tuple[str, str, int]]) -> tuple[list[str], list[tuple[str, str, int]]]:
        chosen = set(nodes)
        edges = [pair for pair in kept if pair[0] in chosen and pair[1] in chosen]
        linked = {node for a, b, _ in edges for node in (a, b)}
        return [node for node in nodes if node in linked], edges

    def at(threshold: int) -> _Network:
        kept = [pair for pair in pairs if pair[2] >= threshold]
        linked = {node for a, b, _ in kept for node in (a, b)}
        candidates = sorted(linked, key=lambda node: (-mentions.get(node, 0), node))
        return _Network(threshold, *among(candidates[:n], kept), len(candidates))

    if min_count is not None:
        return at(min_count)
    chosen = None
    # From the strongest ties down, until one count more would draw too many pairs: cheap, as
    # only the few frequent pairs are looked at, however large the corpus.
    for threshold in sorted({count for _, _, count in pairs}, reverse=True):
        network = at(threshold)
        if chosen is not None and len(network.edges) > MAX_EDGES:
            break
        chosen = network
    if chosen is None:
        return at(1)  # no pairs at all
    # Too many pairs even at the highest count (one document: every pair seen once): fewer
    # entities, the least mentioned left out first.
    nodes, edges = chosen.nodes, chosen.edges
    while len(edges) > MAX_EDGES and len(nodes) > 2:
        nodes, edges = among(nodes[:-1], edges)
    return chosen._replace(nodes=nodes, edges=edges)


def plot_cooccurrence(
    source: Doc | Iterable[Doc] | pandas.DataFrame | str | Path,
    *,
    level: str = "document",
    min_count: int | None = None,
    n: int | None = 25,
    seed: int = 0,
    registry: AliasRegistry | None = None,
) -> Figure:
    """Network of the entities that appear in the same documents (or sentences): one node per
    entity (coloured by label, its area by its number of mentions), one edge per pair, as wide
    as the pair is frequent (the count of :func:`cooccurrence`).

    It draws the pairs seen at least ``min_count`` times among the ``n`` most mentioned
    entities that have such a pair (``n=None``: all). ``min_count=None`` (the default) takes the
    lowest count that leaves at most 40 pairs: five documents show the pairs that come back,
    five thousand only their strongest ties, never a hairball (and a single document, where
    every pair is seen once, its most mentioned entities). The title says which count it took
    and how many entities were left out. With more than 15 nodes only the 15 most
    mentioned are named. Names are those of :func:`plot_top_entities` (a ``registry`` entity's
    ``short`` name, else two lines at most), each beside its node on the side away from the
    middle; the layout leaves room for them. The spring layout is seeded: the same input gives
    the same picture.

    >>> import spacy
    >>> from spacy.tokens import Span
    >>> nlp = spacy.blank("de")
    >>> doc = nlp("Lukaschenko Minsk OVKS")
    >>> doc.ents = [Span(doc, i, i + 1, label, kb_id=label.lower()) for i, label in enumerate(["PER", "LOC", "ORG"])]
    >>> figure = plot_cooccurrence(doc)
    >>> sorted(text.get_text() for text in figure.axes[0].texts)
    ['Lukaschenko', 'Minsk', 'OVKS']
    """
    plt = _require("matplotlib.pyplot")
    nx = _require("networkx")
    pd = _require("pandas")
    if min_count is not None and min_count < 1:
        raise InputError(f"min_count must be at least 1 or None (chosen from the data), got {min_count}")
    if n is not None and n < 1:
        raise InputError(f"n must be at least 1 or None, got {n}")
    if isinstance(source, (str, Path)):
        source = _mentions(source)  # read the run folder once
    elif not isinstance(source, pd.DataFrame):
        source = _as_docs(source)  # read twice below: pairs, then labels and mentions
    pairs = cooccurrence(source, level=level)
    labels, mentions = _entity_info(source)
    network = _network(
        list(zip(pairs["source"], pairs["target"], pairs["count"])), mentions, min_count=min_count, n=n
    )
    names = dict(zip(pairs["source"], pairs["source_name"])) | dict(zip(pairs["target"], pairs["target_name"]))

    figure, axis = plt.subplots(figsize=(8, 6), layout="constrained")
    plt.close(figure)  # returned, not shown twice in Jupyter
    axis.set_axis_off()
    left_out = network.candidates - len(network.nodes)
    axis.set_title(
        f"entities in the same {level}, pairs seen {network.min_count}× or more"
        + (f" ({len(network.nodes)} of {network.candidates} entities)" if left_out else "")
    )
    if not network.nodes:
        message = f"no pair of entities shares a {level} {network.min_count}× or more"
        axis.text(0.5, 0.5, message, ha="center", va="center")
        return figure
    graph = nx.Graph()
    graph.add_nodes_from(network.nodes)  # in a fixed order, for a reproducible layout
    graph.add_weighted_edges_from(network.edges, weight="count")
    # Unweighted springs: weighted ones pull the frequent pairs into one knot where the names
    # overlap; the counts show as edge widths.
    position = nx.spring_layout(graph, seed=seed, weight=None)
    top = max(count for _, _, count in network.edges)
    nx.draw_networkx_edges(
        graph,
        position,
        edgelist=[(a, b) for a, b, _ in network.edges],
        width=[max(0.5, 6.0 * count / top) for _, _, count in network.edges],
        edge_color="#888888",
        alpha=0.7,
        ax=axis,
    )
    most = max(mentions.get(node, 1) for node in network.nodes)
    sizes = {node: 150 + 1050 * mentions.get(node, 1) / most for node in network.nodes}  # area, points²
    nx.draw_networkx_nodes(
        graph,
        position,
        nodelist=network.nodes,
        node_color=[LABEL_COLORS.get(labels.get(node, ""), OTHER_COLOR) for node in network.nodes],
        node_size=[sizes[node] for node in network.nodes],
        edgecolors="#555555",
        ax=axis,
    )
    named = network.nodes[:MAX_LABELS][::-1]  # the most mentioned drawn last, on top
    xs = [x for x, _ in position.values()]
    middle = (min(xs) + max(xs)) / 2
    for node, name in zip(named, _display_names(((node, names[node]) for node in named), registry, NODE_NAME_WIDTH)):
        x, y = position[node]
        # Away from the middle, where the edges are; the constrained layout makes room for it.
        outward = -1 if x < middle else 1
        axis.annotate(
            name,
            (x, y),
            xytext=(outward * (sizes[node] ** 0.5 / 2 + 2), 0),  # from the node's rim
            textcoords="offset points",
            ha="left" if outward > 0 else "right",
            va="center",
            fontsize=9,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.6},
        )
    axis.margins(0.08)
    return figure


def _entity_info(source: Any) -> tuple[dict[str, str], Counter]:
    """Entity id -> label (node colours) and entity id -> mentions (node sizes)."""
    pd = _require("pandas")
    if isinstance(source, pd.DataFrame):
        mentions = _resolved(_mentions(source))
        return dict(zip(mentions["entity_id"], mentions["label"])), Counter(mentions["entity_id"])
    ents = [ent for doc in _as_docs(source) for ent in doc.ents if ent.kb_id_]
    return {ent.kb_id_: ent.label_ for ent in ents}, Counter(ent.kb_id_ for ent in ents)
