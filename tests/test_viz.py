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
    assert bars(org) == {"Organisation des Vertrags über kollekti…": 2}  # long names shortened
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
        ["Alexander Wolfowitsch", "Imangali Tasmagambetow", "Moskau", "Organisation des Vertrags über kollektive Sicherheit", "Minsk", "Alexander Lukaschenko"]
    )
    widths = list(edges[0].get_linewidths())
    assert len(widths) == 13
    assert widths.count(max(widths)) == 3  # the three pairs seen in both documents
    assert min(widths) == pytest.approx(max(widths) / 2)


def test_plot_cooccurrence_filters_and_is_reproducible(docs):
    figure = viz.plot_cooccurrence(docs, min_count=2)
    labels = sorted(t.get_text().replace("\n", " ") for t in figure.axes[0].texts)
    assert labels == ["Imangali Tasmagambetow", "Minsk", "Organisation des Vertrags über kollektive Sicherheit"]
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
