"""entitykit.viz on hand-made Docs: what a notebook user sees in the HTML, the frames and the figures."""

from __future__ import annotations

import re
import sys

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import spacy  # noqa: E402
from matplotlib.collections import LineCollection, PathCollection  # noqa: E402

from entitykit import viz  # noqa: E402
from entitykit.errors import InputError, MissingDependencyError  # noqa: E402
from entitykit.export import doc_mentions, summarize, write_entities, write_mentions  # noqa: E402
from entitykit.pipeline import register_extensions  # noqa: E402

# (surface, label, entity id, canonical, method, score) in order of appearance.
ARTICLE = (
    "Alexander Wolfowitsch traf Imangali Tasmagambetow in Moskau. "
    "Wolfowutsch sprach über die OVKS und Minsk.",
    [
        ("Alexander Wolfowitsch", "PER", "wolfowitsch", "Alexander Wolfowitsch", "alias", 100.0),
        ("Imangali Tasmagambetow", "PER", "tasmagambetow", "Imangali Tasmagambetow", "exact", 100.0),
        ("Moskau", "LOC", "moskau", "Moskau", "exact", 100.0),
        ("Wolfowutsch", "PER", "wolfowitsch", "Alexander Wolfowitsch", "fuzzy", 91.0),
        ("OVKS", "ORG", "ovks", "Organisation des Vertrags über kollektive Sicherheit", "alias", 100.0),
        ("Minsk", "LOC", "minsk", "Minsk", "exact", 100.0),
    ],
)
VISIT = (
    "Lukaschenko empfing Tasmagambetov in Minsk. Die OVKAS tagte in Minsk.",
    [
        ("Lukaschenko", "PER", "lukaschenko", "Alexander Lukaschenko", "alias", 100.0),
        ("Tasmagambetov", "PER", "tasmagambetow", "Imangali Tasmagambetow", "translit", 96.0),
        ("Minsk", "LOC", "minsk", "Minsk", "exact", 100.0),
        ("OVKAS", "ORG", "ovks", "Organisation des Vertrags über kollektive Sicherheit", "acronym", 90.0),
        ("Minsk", "LOC", "minsk", "Minsk", "exact", 100.0),
    ],
)


@pytest.fixture(scope="module")
def nlp():
    register_extensions()
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    return nlp


def make_doc(nlp, text, mentions, doc_id=None):
    """A Doc whose entities and resolver attributes are placed by hand, as the pipeline sets them."""
    doc = nlp(text)
    spans, offset = [], 0
    for surface, label, entity_id, canonical, method, score in mentions:
        start = text.index(surface, offset)
        offset = start + len(surface)
        span = doc.char_span(start, offset, label=label, kb_id=entity_id or "")
        assert span is not None, surface
        spans.append(span)
    doc.ents = spans
    for ent, (_, _, entity_id, canonical, method, score) in zip(doc.ents, mentions):
        if entity_id:
            ent._.canonical, ent._.method, ent._.score = canonical, method, score
    if doc_id is not None:
        doc.user_data["doc_id"] = doc_id
    return doc


@pytest.fixture()
def docs(nlp):
    return [make_doc(nlp, *ARTICLE, doc_id="article"), make_doc(nlp, *VISIT, doc_id="visit")]


MARK = re.compile(
    r'<mark class="entity" title="(?P<tooltip>[^"]*)" style="background: (?P<bg>#[0-9a-f]{6});[^"]*">'
    r"\s*(?P<text>.*?)\s*<span[^>]*>(?P<label>.*?)</span>\s*</mark>",
    re.S,
)


def marks(markup):
    return [match.groupdict() for match in MARK.finditer(markup)]


# --- render ------------------------------------------------------------------------------------


def test_render_labels_each_mention_with_label_and_canonical_name(docs):
    found = marks(viz.render(docs, jupyter=False))
    assert [(m["text"], m["label"]) for m in found[:4]] == [
        ("Alexander Wolfowitsch", "PER · Alexander Wolfowitsch"),
        ("Imangali Tasmagambetow", "PER · Imangali Tasmagambetow"),
        ("Moskau", "LOC · Moskau"),
        ("Wolfowutsch", "PER · Alexander Wolfowitsch"),
    ]
    assert len(found) == len(ARTICLE[1]) + len(VISIT[1])


def test_render_gives_variants_of_one_entity_one_shade_and_other_entities_others(docs):
    found = marks(viz.render(docs, jupyter=False))
    by_text = {}
    for mark in found:
        by_text.setdefault(mark["text"], set()).add(mark["bg"])
    assert by_text["Alexander Wolfowitsch"] == by_text["Wolfowutsch"]
    assert by_text["Imangali Tasmagambetow"] == by_text["Tasmagambetov"]
    assert by_text["OVKS"] == by_text["OVKAS"]
    per_colours = {next(iter(by_text[t])) for t in ("Alexander Wolfowitsch", "Imangali Tasmagambetow", "Lukaschenko")}
    assert len(per_colours) == 3
    assert by_text["Moskau"] != by_text["Minsk"]


def test_render_tooltip_says_entity_method_and_score(docs):
    tooltips = {m["text"]: m["tooltip"] for m in marks(viz.render(docs[0], jupyter=False))}
    assert tooltips["Wolfowutsch"] == "wolfowitsch · fuzzy · 91"
    assert tooltips["Moskau"] == "moskau · exact · 100"


def test_render_keeps_only_the_labels_asked_for(docs):
    markup = viz.render(docs, labels=["loc"], jupyter=False)
    assert {m["label"] for m in marks(markup)} == {"LOC · Moskau", "LOC · Minsk"}
    assert "Wolfowutsch" in markup  # the text is there, not highlighted


def test_render_shows_the_bare_label_for_unresolved_mentions_and_escapes_names(nlp):
    doc = make_doc(
        nlp,
        "Müller & Söhne liefern nach Homel.",
        [
            ("Müller & Söhne", "ORG", "mueller", "Müller & Söhne <GmbH>", "new", 100.0),
            ("Homel", "LOC", None, None, None, None),
        ],
    )
    found = marks(viz.render(doc, jupyter=False))
    assert [m["label"] for m in found] == ["ORG · Müller &amp; Söhne &lt;GmbH&gt;", "LOC"]
    assert found[1]["tooltip"] == "LOC"


def test_render_displays_in_jupyter_and_returns_nothing(docs, capsys):
    pytest.importorskip("IPython")
    assert viz.render(docs, jupyter=True) is None
    assert "HTML object" in capsys.readouterr().out  # IPython's display() outside a notebook


def test_render_page_is_a_whole_html_document_with_the_title(nlp):
    doc = make_doc(nlp, *ARTICLE)
    doc.user_data["title"] = "BelTA, 10. Januar 2023"
    markup = viz.render(doc, page=True, jupyter=False)
    assert markup.startswith("<!DOCTYPE html>") and "BelTA, 10. Januar 2023" in markup


@pytest.mark.parametrize("wrong", ["Alexander Wolfowitsch", 42, ["Minsk"]])
def test_render_refuses_what_is_not_a_doc(wrong):
    with pytest.raises(InputError, match="Doc"):
        viz.render(wrong, jupyter=False)


# --- frames ------------------------------------------------------------------------------------


def test_mentions_frame_has_the_batch_columns_and_one_row_per_mention(docs):
    frame = viz.mentions_frame(docs)
    assert list(frame.columns) == list(viz.MENTION_COLUMNS)
    assert len(frame) == 11
    assert frame["doc_id"].value_counts().to_dict() == {"article": 6, "visit": 5}
    article = docs[0].text
    assert all(article[s:e] == t for s, e, t in frame[frame.doc_id == "article"][["start_char", "end_char", "text"]].values)
    row = frame[frame.text == "Wolfowutsch"].iloc[0]
    assert (row.entity_id, row.canonical, row.method, row.score) == ("wolfowitsch", "Alexander Wolfowitsch", "fuzzy", 91.0)


def test_mentions_frame_numbers_documents_without_an_id(nlp):
    frame = viz.mentions_frame(iter([make_doc(nlp, *ARTICLE), make_doc(nlp, *VISIT)]))
    assert frame["doc_id"].unique().tolist() == ["0", "1"]


def test_entities_frame_counts_mentions_documents_and_variants(docs):
    frame = viz.entities_frame(docs)
    assert list(frame.columns) == list(viz.ENTITY_COLUMNS)
    rows = frame.set_index("entity_id")
    assert rows.loc["minsk", ["mentions", "documents"]].tolist() == [3, 2]
    assert rows.loc["wolfowitsch", ["canonical", "label", "mentions", "documents"]].tolist() == [
        "Alexander Wolfowitsch", "PER", 2, 1
    ]
    assert rows.loc["ovks", "variants"] == {"OVKS": 1, "OVKAS": 1}
    assert rows.loc["minsk", "variants"] == {"Minsk": 3}
    assert frame["mentions"].tolist() == sorted(frame["mentions"], reverse=True)
    assert len(frame) == 6


def test_entities_frame_leaves_out_unresolved_mentions(nlp):
    doc = make_doc(nlp, "Minsk und Homel", [("Minsk", "LOC", "minsk", "Minsk", "exact", 100.0), ("Homel", "LOC", None, None, None, None)])
    assert viz.entities_frame(doc)["entity_id"].tolist() == ["minsk"]


@pytest.mark.parametrize("format", ["jsonl", "csv", "parquet"])
def test_frames_of_a_run_folder_match_the_frames_of_the_docs(docs, tmp_path, format):
    records = [record for doc in docs for record in doc_mentions(doc, doc.user_data["doc_id"])]
    write_mentions(tmp_path / f"mentions.{format}", records, format=format)
    write_entities(tmp_path / f"entities.{format}", summarize(records), format=format)

    mentions = viz.mentions_frame(tmp_path)
    assert list(mentions.columns) == list(viz.MENTION_COLUMNS)
    pd.testing.assert_frame_equal(mentions, viz.mentions_frame(docs), check_dtype=False)
    entities = viz.entities_frame(tmp_path)
    assert entities.to_dict("records") == viz.entities_frame(docs).to_dict("records")
    assert viz.variants("ovks", tmp_path)["spelling"].tolist() == ["OVKAS", "OVKS"]
    assert len(viz.plot_top_entities(tmp_path).axes) == 3


def test_run_folder_without_outputs_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="no entities file"):
        viz.entities_frame(tmp_path)
    with pytest.raises(InputError, match="not a folder"):
        viz.mentions_frame(tmp_path / "missing")


def test_variants_lists_spellings_with_count_method_and_score(docs):
    table = viz.variants("wolfowitsch", docs)
    assert list(table.columns) == ["spelling", "count", "method", "score"]
    assert table.values.tolist() == [["Alexander Wolfowitsch", 1, "alias", 100.0], ["Wolfowutsch", 1, "fuzzy", 91.0]]
    minsk = viz.variants("minsk", docs)
    assert minsk.values.tolist() == [["Minsk", 3, "exact", 100.0]]


def test_variants_accepts_a_canonical_name_and_a_mentions_frame(docs):
    by_name = viz.variants("Imangali Tasmagambetow", viz.mentions_frame(docs))
    assert sorted(by_name["spelling"]) == ["Imangali Tasmagambetow", "Tasmagambetov"]
    assert by_name.set_index("spelling").loc["Tasmagambetov", "method"] == "translit"


def test_variants_of_an_unknown_entity_names_the_closest(docs):
    with pytest.raises(InputError, match="'wolfowitsch'"):
        viz.variants("wolfowitz", docs)


def test_a_frame_without_mention_columns_is_refused():
    with pytest.raises(InputError, match="entity_id"):
        viz.variants("x", pd.DataFrame({"doc_id": [], "text": [], "label": []}))


# --- co-occurrence -----------------------------------------------------------------------------


def test_cooccurrence_counts_documents(docs):
    pairs = viz.cooccurrence(docs)
    counts = {(a, b): c for a, b, c in pairs[["source", "target", "count"]].values}
    # article: wolfowitsch, tasmagambetow, moskau, ovks, minsk; visit: lukaschenko, tasmagambetow, minsk, ovks
    assert counts[("minsk", "ovks")] == 2
    assert counts[("minsk", "tasmagambetow")] == 2
    assert counts[("moskau", "wolfowitsch")] == 1
    assert len(counts) == 10 + 6 - 3
    assert pairs["count"].tolist() == sorted(pairs["count"], reverse=True)
    assert set(viz.cooccurrence(docs, min_count=2)["count"]) == {2}


def test_cooccurrence_by_sentence(docs):
    counts = {(a, b): c for a, b, c in viz.cooccurrence(docs, level="sentence")[["source", "target", "count"]].values}
    # sentences: {wolfowitsch, tasmagambetow, moskau}, {wolfowitsch, ovks, minsk},
    #            {lukaschenko, tasmagambetow, minsk}, {ovks, minsk}
    assert counts[("minsk", "ovks")] == 2
    assert ("minsk", "moskau") not in counts
    assert len(counts) == 3 + 3 + 3 + 1 - 1


def test_cooccurrence_from_a_mentions_frame_matches_the_docs(docs):
    from_frame = viz.cooccurrence(viz.mentions_frame(docs))
    pd.testing.assert_frame_equal(from_frame, viz.cooccurrence(docs))


def test_cooccurrence_by_sentence_needs_sentences(docs):
    with pytest.raises(InputError, match="needs the Docs"):
        viz.cooccurrence(viz.mentions_frame(docs), level="sentence")
    blank = spacy.blank("de")
    doc = blank("Minsk und Moskau")
    doc.ents = [doc.char_span(0, 5, "LOC", kb_id="minsk"), doc.char_span(10, 16, "LOC", kb_id="moskau")]
    with pytest.raises(InputError, match="sentence boundaries"):
        viz.cooccurrence(doc, level="sentence")
    with pytest.raises(InputError, match="level"):
        viz.cooccurrence(doc, level="paragraph")


# --- plots -------------------------------------------------------------------------------------


def bars(axis):
    return {label.get_text(): patch.get_width() for label, patch in zip(axis.get_yticklabels(), axis.patches)}


def test_plot_top_entities_draws_one_panel_per_label_with_the_counts(docs):
    figure = viz.plot_top_entities(docs)
    assert [axis.get_title(loc="left") for axis in figure.axes] == ["PER", "ORG", "LOC"]
    per, org, loc = figure.axes
    assert bars(per) == {"Alexander Wolfowitsch": 2, "Imangali Tasmagambetow": 2, "Alexander Lukaschenko": 1}
    assert bars(org) == {"Organisation des Vertrags\nüber kollektive Sicherheit": 2}  # not in the registry: two lines
    assert bars(loc) == {"Minsk": 3, "Moskau": 1}
    assert loc.get_yticklabels()[-1].get_text() == "Minsk"  # the most mentioned on top


def test_plot_top_entities_keeps_n_per_label_and_the_labels_asked_for(docs):
    figure = viz.plot_top_entities(viz.entities_frame(docs), n=1, labels=["LOC", "PER"])
    assert [axis.get_title(loc="left") for axis in figure.axes] == ["LOC", "PER"]
    assert [len(axis.patches) for axis in figure.axes] == [1, 1]
    assert bars(figure.axes[0]) == {"Minsk": 3}
    with pytest.raises(InputError, match="no entities"):
        viz.plot_top_entities(docs, labels=["MISC"])


def test_plot_cooccurrence_draws_a_node_per_entity_and_wider_edges_for_more(docs):
    figure = viz.plot_cooccurrence(docs)
    axis = figure.axes[0]
    nodes = [c for c in axis.collections if isinstance(c, PathCollection)]
    edges = [c for c in axis.collections if isinstance(c, LineCollection)]
    assert len(nodes) == 1 and len(nodes[0].get_offsets()) == 6
    assert sorted(t.get_text().replace("\n", " ") for t in axis.texts) == sorted(
        ["Alexander Wolfowitsch", "Imangali Tasmagambetow", "Moskau", "Organisation des … kollektive Sicherheit", "Minsk", "Alexander Lukaschenko"]
    )
    widths = list(edges[0].get_linewidths())
    assert len(widths) == 13
    assert widths.count(max(widths)) == 3  # the three pairs seen in both documents
    assert min(widths) == pytest.approx(max(widths) / 2)


def test_plot_cooccurrence_filters_and_is_reproducible(docs):
    figure = viz.plot_cooccurrence(docs, min_count=2)
    labels = sorted(t.get_text().replace("\n", " ") for t in figure.axes[0].texts)
    assert labels == ["Imangali Tasmagambetow", "Minsk", "Organisation des … kollektive Sicherheit"]
    first = viz.plot_cooccurrence(docs, n=4).axes[0]
    again = viz.plot_cooccurrence(docs, n=4).axes[0]
    assert len(first.texts) == 4
    offsets = [c.get_offsets().tolist() for ax in (first, again) for c in ax.collections if isinstance(c, PathCollection)]
    assert offsets[0] == offsets[1]


def test_plot_cooccurrence_with_no_pairs_says_so(nlp):
    doc = make_doc(nlp, "Minsk.", [("Minsk", "LOC", "minsk", "Minsk", "exact", 100.0)])
    axis = viz.plot_cooccurrence(doc).axes[0]
    assert not axis.collections
    assert "no pair" in axis.texts[0].get_text()


# --- plots that read at 5 and at 5,000 documents ------------------------------------------------

# The entities of the five news texts of notebooks/corpus/, in order of mention, as a run finds them.
NOTEBOOK_CORPUS = {
    "einladung": "org:ovks per:imangali-tasmagambetow loc:minsk per:alexander-wolfowitsch per:imangali-tasmagambetow "
    "per:alexander-lukaschenko org:ovks per:alexander-wolfowitsch",
    "besuch": "per:imangali-tasmagambetow org:ovks loc:minsk per:alexander-wolfowitsch per:alexander-lukaschenko "
    "org:ovks loc:russland loc:kasachstan",
    "moskau": "loc:moskau org:ovks per:sergej-lawrow per:sergej-aleinik new:loc:osteuropa per:sergej-lawrow "
    "org:unionsstaat per:sergej-aleinik loc:minsk",
    "astana": "loc:kasachstan per:kassym-schomart-tokajew loc:astana org:ovks per:kassym-schomart-tokajew "
    "per:imangali-tasmagambetow per:imangali-tasmagambetow loc:astana loc:kasachstan",
    "jerewan": "loc:armenien per:nikol-paschinjan org:ovks loc:jerewan per:nikol-paschinjan loc:armenien "
    "loc:aserbaidschan org:ovks per:imangali-tasmagambetow loc:jerewan",
}
UNKNOWN = {"new:loc:osteuropa": ("LOC", "Osteuropa")}


def mentions_table(documents, names=UNKNOWN):
    """A mentions frame, as a run writes it, from the entity ids each document mentions: label
    and canonical name from the bundled registry, or from ``names`` for the others."""
    from entitykit.aliases import default_registry

    registry = default_registry()
    rows = []
    for doc_id, ids in documents.items():
        for entity_id in ids.split() if isinstance(ids, str) else ids:
            entity = registry.get(entity_id)
            label, canonical = (entity.label, entity.name) if entity else names[entity_id]
            rows.append((doc_id, 0, len(canonical), canonical, label, entity_id, canonical, 100.0, "exact"))
    return pd.DataFrame(rows, columns=list(viz.MENTION_COLUMNS))


def drawn(figure):
    """(node count, edge widths, node names) of a co-occurrence figure."""
    axis = figure.axes[0]
    nodes = [c for c in axis.collections if isinstance(c, PathCollection)]
    edges = [c for c in axis.collections if isinstance(c, LineCollection)]
    widths = list(edges[0].get_linewidths()) if edges else []
    return (len(nodes[0].get_offsets()) if nodes else 0), widths, {t.get_text() for t in axis.texts}


def outside(figure):
    """The texts of the figure, as saved, that do not lie within the figure."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)  # the figure was closed (not shown twice): give it a canvas
    figure.savefig(io.BytesIO(), format="png")  # lays the figure out as saving does
    renderer = canvas.get_renderer()
    bounds = figure.bbox
    texts = [text for axis in figure.axes for text in (*axis.get_yticklabels(), *axis.texts, axis.title)]
    return [
        text.get_text()
        for text in texts
        if text.get_text()
        and not (bounds.x0 <= (box := text.get_window_extent(renderer)).x0 and box.x1 <= bounds.x1
                 and bounds.y0 <= box.y0 and box.y1 <= bounds.y1)
    ]


def test_on_five_documents_the_network_shows_the_pairs_that_come_back():
    mentions = mentions_table(NOTEBOOK_CORPUS)
    assert len(viz.cooccurrence(mentions)) == 62  # every pair once: the hairball of issue 11
    figure = viz.plot_cooccurrence(mentions)
    nodes, widths, names = drawn(figure)
    # pairs in 2 or more of the 5 texts: OVKS-Tasmagambetow (4), OVKS-Minsk (3), and ten pairs
    # of OVKS, Tasmagambetow, Minsk, Wolfowitsch, Lukaschenko, Kasachstan seen twice
    assert nodes == 6 and len(widths) == 12
    assert names == {"OVKS", "Imangali Tasmagambetow", "Minsk", "Alexander Wolfowitsch", "Alexander Lukaschenko", "Kasachstan"}
    assert sorted(widths, reverse=True)[:3] == [6.0, 4.5, 3.0]  # 4, 3 and 2 texts
    assert figure.axes[0].get_title() == "entities in the same document, pairs seen 2× or more"


def test_on_five_documents_every_pair_is_drawn_when_asked_and_only_the_larger_nodes_are_named():
    nodes, widths, names = drawn(viz.plot_cooccurrence(mentions_table(NOTEBOOK_CORPUS), min_count=1))
    assert nodes == 18 and len(widths) == 62
    assert len(names) == 15  # the three least mentioned (one mention each) are left unnamed
    assert not names & {"Russland", "Osteuropa", "Unionsstaat"}


def test_node_area_follows_the_mentions():
    figure = viz.plot_cooccurrence(mentions_table(NOTEBOOK_CORPUS))
    (nodes,) = [c for c in figure.axes[0].collections if isinstance(c, PathCollection)]
    sizes = list(nodes.get_sizes())  # nodes are drawn most mentioned first: OVKS 8, Tasmagambetow 6, ...
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[0] == pytest.approx(1200) and sizes[-1] == pytest.approx(150 + 1050 * 2 / 8)  # Lukaschenko: 2


def synthetic_corpus(documents=5000, entities=300, seed=11):
    """A mentions frame of ``documents`` texts naming 2-7 of ``entities`` entities, a few of
    them in almost every text and most of them rarely (popularity 1/rank, as in news)."""
    import random

    rng = random.Random(seed)
    ids = [f"new:{'per org loc'.split()[i % 3]}:entity-{i}" for i in range(entities)]
    weights = [1 / rank for rank in range(1, entities + 1)]
    corpus = {f"doc-{d}": list(dict.fromkeys(rng.choices(ids, weights, k=rng.randint(2, 7)))) for d in range(documents)}
    names = {entity_id: (entity_id.split(":")[1].upper(), f"Entität {entity_id.rsplit('-', 1)[1]}") for entity_id in ids}
    return mentions_table(corpus, names)


def test_on_five_thousand_documents_the_network_stays_small_and_keeps_only_the_strong_pairs():
    mentions = synthetic_corpus()
    pairs = viz.cooccurrence(mentions)
    assert len(pairs) > 5000  # drawn in full, a black disc
    figure = viz.plot_cooccurrence(mentions)
    nodes, widths, names = drawn(figure)
    title = figure.axes[0].get_title()
    threshold = int(re.search(r"pairs seen (\d+)×", title).group(1))
    assert threshold >= 20
    assert nodes <= 25 and 0 < len(widths) <= 40 and len(names) <= 15
    # widths are 6 * count / strongest count: no edge drawn for a pair seen fewer times
    strongest = pairs["count"].max()
    assert min(widths) >= 6.0 * threshold / strongest - 1e-9
    # and it is the lowest count that keeps the picture readable: the next lower one is a hairball
    lower = pairs["count"][pairs["count"] < threshold].max()
    assert len(drawn(viz.plot_cooccurrence(mentions, min_count=lower))[1]) > 40


def test_the_network_of_one_document_keeps_the_entities_it_can_show():
    mentions = mentions_table({"only": [f"new:loc:place-{i}" for i in range(12)]},
                              {f"new:loc:place-{i}": ("LOC", f"Ort {i}") for i in range(12)})
    nodes, widths, _ = drawn(viz.plot_cooccurrence(mentions))
    assert (nodes, len(widths)) == (9, 36)  # every pair seen once: 12 places are 66 pairs, 9 are 36


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Minsk", "Minsk"),
        ("Organisation des Vertrags über kollektive Sicherheit", "Organisation des Vertrags\nüber kollektive Sicherheit"),
        ("Repräsentantenhaus der Nationalversammlung der Republik Belarus", "Repräsentantenhaus der\n… der Republik Belarus"),
        ("Verteidigungsministerium der Russischen Föderation", "Verteidigungsministerium der\nRussischen Föderation"),
        ("Ministerium für Arbeit und Sozialschutz der Republik Belarus", "Ministerium für Arbeit und\n… der Republik Belarus"),
    ],
)
def test_long_names_keep_their_head_word_and_their_end(name, shown):
    assert viz._display_name(name) == shown


def test_ministries_of_two_countries_stay_apart_when_shortened():
    russia = viz._display_name("Ministerium für Arbeit und Sozialschutz der Russischen Föderation")
    belarus = viz._display_name("Ministerium für Arbeit und Sozialschutz der Republik Belarus")
    assert russia != belarus and russia.endswith("Russischen Föderation")


LONG_ORGS = {
    "org:repraesentantenhaus-belarus": ("ORG", "Repräsentantenhaus der Nationalversammlung der Republik Belarus"),
    "new:org:ministerium-fuer-arbeit": ("ORG", "Ministerium für Arbeit und Sozialschutz der Republik Belarus"),
}


@pytest.mark.parametrize("plot", [viz.plot_top_entities, viz.plot_cooccurrence])
def test_long_organisation_names_are_shown_within_the_figure(plot):
    mentions = mentions_table(
        {
            "a": "new:org:ministerium-fuer-arbeit org:repraesentantenhaus-belarus loc:minsk loc:minsk",
            "b": "new:org:ministerium-fuer-arbeit org:repraesentantenhaus-belarus loc:minsk",
        },
        LONG_ORGS,
    )
    assert len(mentions_table({"x": "org:repraesentantenhaus-belarus"})["canonical"][0]) > 60
    figure = plot(mentions)
    labels = [t.get_text() for axis in figure.axes for t in (*axis.get_yticklabels(), *axis.texts)]
    assert "Repräsentantenhaus der\n… der Republik Belarus" in labels
    assert "Ministerium für Arbeit\n… der Republik Belarus" in labels or "Ministerium für Arbeit und\n… der Republik Belarus" in labels
    assert outside(figure) == []


def test_network_names_at_the_edges_stay_within_the_figure():
    # a chain: its two ends lie at the far left and right of the spring layout
    chain = [f"new:org:stelle-{i}" for i in range(6)]
    names = {entity_id: ("ORG", f"Staatliche Stelle für sehr lange Namen der Republik Belarus Nummer {i}") for i, entity_id in enumerate(chain)}
    mentions = mentions_table({f"d{i}": [a, b] for i, (a, b) in enumerate(zip(chain, chain[1:]))}, names)
    assert outside(viz.plot_cooccurrence(mentions)) == []


def test_registry_entities_are_labelled_with_their_short_name():
    from entitykit.aliases import AliasRegistry

    mentions = mentions_table({"a": "org:ovks org:gus loc:minsk org:ovks", "b": "org:ovks org:gus org:eawu"})
    bars_shown = {label.get_text() for axis in viz.plot_top_entities(mentions).axes for label in axis.get_yticklabels()}
    assert bars_shown == {"OVKS", "GUS", "EAWU", "Minsk"}
    assert drawn(viz.plot_cooccurrence(mentions))[2] == {"OVKS", "GUS", "EAWU", "Minsk"}
    # the registry the pipeline used: its short name, or the canonical name when it has none
    mine = AliasRegistry.from_sources([
        {"id": "org:ovks", "label": "ORG", "name": "OVKS", "aliases": ["ODKB"], "short": "ODKB"},
        {"id": "org:gus", "label": "ORG", "name": "GUS", "aliases": []},
    ])
    axis = viz.plot_top_entities(mentions, labels=["ORG"], registry=mine).axes[0]
    assert {label.get_text() for label in axis.get_yticklabels()} == {
        "ODKB", "Gemeinschaft Unabhängiger\nStaaten", "Eurasische Wirtschaftsunion"
    }


def test_plot_cooccurrence_refuses_a_count_below_one(docs):
    with pytest.raises(InputError, match="min_count must be at least 1 or None"):
        viz.plot_cooccurrence(docs, min_count=0)


# --- the optional extra ------------------------------------------------------------------------


@pytest.mark.parametrize("module", ["pandas", "matplotlib.pyplot", "networkx"])
def test_missing_notebook_extra_names_the_install_command(monkeypatch, docs, module):
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail
    with pytest.raises(MissingDependencyError, match=re.escape('pip install "entitykit[notebook]"')):
        viz.plot_cooccurrence(docs)


def test_plot_top_entities_keeps_namesakes_apart(nlp):
    doc = make_doc(
        nlp,
        "Minsk in Belarus und Minsk in Polen, dann wieder Minsk.",
        [
            ("Minsk", "LOC", "loc:minsk", "Minsk", "exact", 100.0),
            ("Minsk", "LOC", "loc:minsk-mazowiecki", "Minsk", "fuzzy", 90.0),
            ("Minsk", "LOC", "loc:minsk", "Minsk", "exact", 100.0),
        ],
    )
    axis = viz.plot_top_entities(doc).axes[0]
    assert [patch.get_width() for patch in axis.patches] == [1, 2]
    assert [label.get_text() for label in axis.get_yticklabels()] == ["Minsk", "Minsk"]


def test_mentions_frame_takes_what_extract_yields():
    import entitykit

    nlp = spacy.blank("de")
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    nlp.add_pipe("entitykit_mentions")
    nlp.add_pipe("entitykit_resolver")
    nlp.initialize()  # the default registry; the ruler's patterns come after (initialize empties it)
    ruler.add_patterns([{"label": "LOC", "pattern": "Minsk"}, {"label": "PER", "pattern": "Lukaschenko"}])
    records = [
        {"id": "a", "text": "Lukaschenko in Minsk.", "source": "belta"},
        {"id": "b", "text": "Minsk.", "source": "tass"},
    ]
    frame = viz.mentions_frame(entitykit.extract(records, nlp=nlp))  # a generator, read once
    assert list(frame.columns) == [*viz.MENTION_COLUMNS, "source"]
    assert frame[["doc_id", "text", "entity_id", "source"]].values.tolist() == [
        ["a", "Lukaschenko", "per:alexander-lukaschenko", "belta"],
        ["a", "Minsk", "loc:minsk", "belta"],
        ["b", "Minsk", "loc:minsk", "tass"],
    ]
    entities = viz.entities_frame(list(entitykit.extract(records, nlp=nlp)))
    assert entities[["entity_id", "mentions", "documents"]].values.tolist()[0] == ["loc:minsk", 2, 2]
