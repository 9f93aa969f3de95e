"""Mutation check: each deliberate small bug below must make at least one named test fail.

Run from the repository root with the project's interpreter::

    python tests/mutants.py              # all mutants
    python tests/mutants.py 3 7          # only mutants 3 and 7
    python tests/mutants.py --list       # show the table

For each mutant the script copies ``src/``, ``tests/`` and what the tests read (``data/``,
``examples/``, ``notebooks/``, ``tools/``, ``benchmarks/``, ``training/`` without its runs,
``pyproject.toml``) into a temporary folder, replaces the exact
``old`` snippet (which must occur exactly once, else the script stops: the table is out of date)
by ``new``, and runs the mutant's tests with ``PYTHONPATH=<tmp>/src`` and
``python -m pytest -x -q``. A mutant is *caught* when those tests fail. It first checks that the
same tests pass on the unmutated code, so a failure means the mutant and not a broken test.
Exit status 1 if any mutant survives (or the baseline fails), 2 if the table is out of date.

The file is not collected by pytest (its name does not start with ``test_``). When code moves
in a refactor, update ``file`` and the node ids here together with the code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
COPY = ("src", "tests", "data", "examples", "notebooks", "tools", "benchmarks", "training", "pyproject.toml")
# training/output and benchmarks/audit-out hold runs (hundreds of MB), which no test reads
IGNORE = shutil.ignore_patterns("__pycache__", ".pytest_cache", ".hypothesis", "*.pyc", "*.egg-info", "output", "audit-out")


class Mutant(NamedTuple):
    id: int
    description: str
    file: str  # relative to the repository root
    old: str  # must occur exactly once in the file
    new: str
    tests: tuple[str, ...]  # pytest node ids expected to catch it


RESOLVER = "src/entitykit/resolver.py"
NAMES = "src/entitykit/names.py"
CLUSTERING = "src/entitykit/clustering.py"
COREF = "src/entitykit/coref.py"
MENTIONS = "src/entitykit/mentions.py"
CORPUS = "src/entitykit/corpus.py"
BUILD = "tools/build_knowledge.py"
CURATION = "src/entitykit/curation.py"
ALIASES = "src/entitykit/aliases.py"
NER_DATA = "src/entitykit/ner_data.py"
INSTITUTIONS = "src/entitykit/institutions.py"
PIPELINE = "src/entitykit/pipeline.py"

MUTANTS = [
    Mutant(
        1, "fuzzy matching: no 3-point margin between two about equally good registry entities",
        RESOLVER,
        "if len(ranked) > 1 and (single_surname or ranked[1][1][0] >= score - 3):",
        "if len(ranked) > 1 and (single_surname or ranked[1][1][0] >= score - 0):",
        ("tests/test_resolver.py::test_two_namesakes_about_equally_close_are_not_guessed",),
    ),
    Mutant(
        2, "clustering: a form that fits several clusters about equally joins the best one",
        CLUSTERING,
        "        if len(ranked) > 1 and (surname_only or ranked[1][1][0] >= ranked[0][1][0] - 3):\n"
        "            return None, None, None  # fits several clusters about equally: do not guess\n",
        "",
        ("tests/test_clustering.py::test_a_form_that_fits_two_clusters_equally_stays_alone",),
    ),
    # Deleting the refusal alone changes nothing for OVKS/OVAT/OVKT: both slips are then offered
    # at 85 and the general "fits several clusters about equally" rule keeps OVKT alone. The
    # bug users would see is a slip towards several acronyms taking one of them.
    Mutant(
        3, "resolver: an acronym one slip from two registry acronyms takes one of them",
        RESOLVER,
        "if len(best) == 1:  # a slip only when no other acronym is that close",
        "if best:",
        ("tests/test_resolver.py::test_an_acronym_slip_takes_a_registry_acronym_only_when_no_other_is_as_close",),
    ),
    Mutant(
        4, "names: the first-letter rule is off (Kasmagambetow ~ Tasmagambetow)",
        NAMES,
        "if skel_a[:1] != skel_b[:1]:",
        "if False:",
        ("tests/test_names.py::test_names_that_stay_apart_and_why",
         "tests/test_clustering.py::test_names_with_another_first_letter_or_ending_stay_apart"),
    ),
    Mutant(
        5, "clustering ignores score_cutoff",
        CLUSTERING,
        "if not verdict.ok or verdict.score < settings.score_cutoff:",
        "if not verdict.ok:",
        ("tests/test_clustering.py::test_clustering_respects_the_score_cutoff",
         "tests/test_clustering.py::test_score_cutoff_holds_through_resolve_mentions"),
    ),
    Mutant(
        6, "names: one-word transliteration trusted from 2 letters instead of 4 (Sas ~ Zas)",
        NAMES,
        "SHORTEST_TRANSLITERATION = 4",
        "SHORTEST_TRANSLITERATION = 2",
        ("tests/test_names.py::test_a_one_word_name_under_four_letters_never_merges_by_transliteration",
         "tests/test_clustering.py::test_a_one_word_name_under_four_letters_does_not_cluster_by_transliteration"),
    ),
    Mutant(
        7, "corpus: coreferent mentions written with the cluster's method and score instead of coref",
        CLUSTERING,
        "    if counted:\n        return final\n",
        "    if True:\n        return final\n",
        ("tests/test_corpus_outputs.py::test_a_coreferent_surname_keeps_method_coref_and_its_own_score",),
    ),
    Mutant(
        8, "corpus: document fields that clash with output columns lose their meta_ prefix",
        "src/entitykit/export.py",
        "        if key in taken:\n            name = f\"meta_{key}\"\n",
        "        if False:\n            name = f\"meta_{key}\"\n",
        ("tests/test_corpus_outputs.py::test_document_fields_named_like_output_columns_get_a_meta_prefix",),
    ),
    # --- a few more, cheap to check -------------------------------------------------------------
    Mutant(
        9, "names: acronym slips allowed in 3-letter acronyms (OVK ~ OVKS)",
        NAMES,
        "SHORTEST_ACRONYM_SLIP = 4",
        "SHORTEST_ACRONYM_SLIP = 3",
        ("tests/test_names.py::test_names_that_stay_apart_and_why",),
    ),
    Mutant(
        10, "names: typos allowed from 5 letters instead of 7 by default (Minsk / Pinsk then rests on one rule)",
        NAMES,
        "min_typo_length: int = 7) -> Verdict:\n    \"\"\"May two names",
        "min_typo_length: int = 5) -> Verdict:\n    \"\"\"May two names",
        ("tests/test_names.py::test_names_that_stay_apart_and_why",),
    ),
    Mutant(
        11, "clustering: the id slug of a new entity loses its label",
        MENTIONS,
        'return f"new:{label.lower()}:{slugify(text)}"',
        'return f"new:{slugify(text)}"',
        ("tests/test_clustering.py::test_clustering_respects_the_score_cutoff",),
    ),
    Mutant(
        12, "names: a surname alone scores like a full name (no 0.95 factor)",
        NAMES,
        'return Verdict(True, round(surname_score * 0.95, 1), "surname only", typos)',
        'return Verdict(True, round(surname_score, 1), "surname only", typos)',
        ("tests/test_names.py::test_names_that_merge_with_their_score",),
    ),
    Mutant(
        13, "coref: a coreferent surname takes the raw surname-only score (no / 0.95)",
        COREF,
        "fits.append((other, round(min(100.0, best.score / 0.95), 1)))",
        "fits.append((other, round(min(100.0, best.score), 1)))",
        ("tests/test_corpus_outputs.py::test_a_coreferent_surname_keeps_method_coref_and_its_own_score",),
    ),
    Mutant(
        14, "normalize: slugs of non-Latin names use Python's per-process hash()",
        "src/entitykit/normalize.py",
        'return "x" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]',
        'return "x" + format(hash(text) & 0xFFFFFFFFFF, "010x")',
        ("tests/test_normalize.py::test_slugs_are_the_same_in_another_process_with_another_hash_seed",),
    ),
    # --- issue 9: merges you can count on ----------------------------------------------------
    Mutant(
        15, "acronyms: a document links a two- or three-letter acronym by its initials without defining it",
        COREF,
        "    if len(letters) < SHORTEST_ACRONYM_SLIP:\n        return None",
        "    if False:\n        return None",
        ("tests/test_coref.py::test_without_a_definition_only_four_letters_and_exact_initials_link_in_a_document",),
    ),
    Mutant(
        16, "clustering: a short typo across documents merges without company in common",
        CLUSTERING,
        "if _weak(name, other, verdict.typos, label) and not self._share_context(members, cluster):",
        "if False and not self._share_context(members, cluster):",
        ("tests/test_clustering.py::test_a_short_typo_across_documents_needs_company_in_common",),
    ),
    Mutant(
        17, "clustering: one name in common counts as shared company",
        CLUSTERING,
        "SHARED_CONTEXT = 2",
        "SHARED_CONTEXT = 1",
        ("tests/test_clustering.py::test_one_name_in_common_is_chance_and_registry_entities_count_as_company",),
    ),
    Mutant(
        18, "names: known places, surnames and common words may be spelling variants of each other",
        NAMES,
        "        reason = known_apart(a, b, label)\n        if reason:",
        "        reason = known_apart(a, b, label)\n        if False:",
        ("tests/test_names.py::test_known_names_are_never_spelling_variants_of_each_other",),
    ),
    Mutant(
        19, "resolver: a name keeps one id per NER label in its document (no label vote)",
        RESOLVER,
        "for index, label in _label_votes(items, results).items():",
        "for index, label in {}.items():",
        ("tests/test_resolver.py::test_the_most_frequent_label_of_a_name_in_a_document_decides_its_entity",),
    ),
    Mutant(
        20, "coref: a surname alone goes to the nearest of two people of that name",
        COREF,
        "if not fits or any(not compare(a, b, \"PER\", min_typo_length).ok for a in people.values() for b in people.values()):",
        "if not fits:",
        ("tests/test_coref.py::test_in_document_coreference_links_a_surname_only_when_one_person_fits",),
    ),
    Mutant(
        21, "names: Roman numbers need not agree (Katharina I. = Katharina II.)",
        NAMES,
        "if numbers_a and numbers_b and numbers_a != numbers_b:",
        "if False:",
        ("tests/test_names.py::test_roman_numbers_must_agree",),
    ),
    Mutant(
        22, "resolver: a Latin mention takes a place's or body's Cyrillic-only spelling (OON = ООН)",
        RESOLVER,
        "if not cyrillic and candidate_key in self._index.cyrillic_only:",
        "if False:",
        ("tests/test_resolver.py::test_a_latin_name_never_takes_a_place_or_body_by_its_cyrillic_spelling_or_its_acronym",),
    ),
    Mutant(
        23, "clustering: two names of one city are kept apart (no gazetteer)",
        CLUSTERING,
        "place = one_city(group_root)",
        "place = None",
        ("tests/test_clustering.py::test_two_names_of_one_city_are_one_place_but_a_country_is_not_its_parts",),
    ),
    Mutant(
        24, "resolver: Latin spellings of any registry name match by transliteration skeleton",
        RESOLVER,
        "skeletons = self._index.skeletons if cyrillic else self._index.romanised",
        "skeletons = self._index.skeletons",
        ("tests/test_resolver.py::test_latin_spellings_of_a_german_name_are_no_transliteration",),
    ),
    Mutant(
        25, "clustering: a bare first name of the input joins a full name as its surname",
        CLUSTERING,
        "if len(name.tokens) == 1 < len(other.tokens) and name.key in self.given_names:",
        "if False:",
        ("tests/test_clustering.py::test_a_bare_first_name_of_the_input_never_joins_a_full_name_as_its_surname",),
    ),
    Mutant(
        26, "clustering: a dative plural stays apart from its place",
        CLUSTERING,
        'if label != "PER" and text.endswith("en") and len(text) > 6:',
        "if False:",
        ("tests/test_clustering.py::test_a_dative_plural_follows_its_place",),
    ),
    Mutant(
        27, "normalize: mojibake is not repaired",
        "src/entitykit/normalize.py",
        "if not _MOJIBAKE_PAIR.search(text) and not (",
        "if True or not (",
        ("tests/test_normalize.py::test_mojibake_is_repaired_before_matching",),
    ),
    Mutant(
        28, "normalize: look-alike letters of the other script are not folded",
        "src/entitykit/normalize.py",
        "if not mixed or (word_latin and word_cyrillic):",
        "if True:",
        ("tests/test_normalize.py::test_look_alike_letters_fold_into_their_words_script",),
    ),
    Mutant(
        29, "slash forms: a part that names nothing known need not be an alternate of the others",
        NAMES,
        "if target is None and not any(alternate_reason(part, other, label, min_typo_length) for other in known):",
        "if False:",
        ("tests/test_names.py::test_a_slash_form_follows_its_parts_only_when_they_name_one_entity",
         "tests/test_resolver.py::test_a_slash_form_is_matched_by_its_parts",
         "tests/test_clustering.py::test_a_slash_form_follows_its_parts_only_when_they_name_one_entity"),
    ),
    Mutant(
        30, "slash forms: parts that name two entities pick one of them",
        NAMES,
        "    if len(targets) != 1:\n        return None\n    known =",
        "    if not targets:\n        return None\n    known =",
        ("tests/test_names.py::test_a_slash_form_follows_its_parts_only_when_they_name_one_entity",
         "tests/test_resolver.py::test_a_slash_form_is_matched_by_its_parts"),
    ),
    Mutant(
        31, "clustering: a slash form never follows its parts",
        CLUSTERING,
        "decided = self._follow_parts(group_root) if group_root in self.alternates else None",
        "decided = None",
        ("tests/test_clustering.py::test_a_slash_form_follows_its_parts_only_when_they_name_one_entity",),
    ),
    Mutant(
        32, "aliases propose: a new entity takes an id a registry has (passed back, it extends that entity)",
        CURATION,
        "while slug in taken:",
        "while False:",
        ("tests/test_curation.py::test_propose_then_pass_back_merges_the_variants",),
    ),
    Mutant(
        33, "aliases propose: a spelling another registry entity has is proposed (it would become ambiguous)",
        CURATION,
        "return registry is None or all(other == entity_id for other in registry.lookup_key(key))",
        "return True",
        ("tests/test_curation.py::test_a_spelling_another_registry_entity_has_is_never_proposed",),
    ),
    Mutant(
        34, "aliases propose: an unknown entity of one spelling is proposed (nothing to merge)",
        CURATION,
        "        if not new_aliases:  # one spelling: nothing to merge, nothing to add\n            continue\n",
        "",
        ("tests/test_curation.py::test_propose_then_pass_back_merges_the_variants",),
    ),
    Mutant(
        35, "aliases propose: spellings the registry lists for an entity are proposed again",
        CURATION,
        "if own is not None and key in own:",
        "if False:",
        ("tests/test_curation.py::test_propose_then_pass_back_merges_the_variants",),
    ),
    Mutant(
        36, "registry: the 'evidence' of a proposal is an unknown field (a warning on every record)",
        ALIASES,
        " - set(IGNORED))",
        ")",
        ("tests/test_curation.py::test_evidence_is_read_and_ignored_without_a_warning",),
    ),
    Mutant(
        37, "aliases check: a later file may not extend an id of an earlier one (as run reads them)",
        ALIASES,
        "                origin[entity.id] = source",
        "                pass",
        ("tests/test_curation.py::test_a_user_file_after_the_registry_may_extend_its_ids",),
    ),
    Mutant(
        38, "gazetteer: a place name the registry lacks does not find the registry entity of its place",
        RESOLVER,
        "entity_id = places.get(form_place(candidate_key))",
        "entity_id = None",
        ("tests/test_gazetteer.py::test_a_place_name_the_registry_lacks_finds_the_registry_entity_of_its_place",),
    ),
    Mutant(
        39, "gazetteer: on even without the bundled knowledge (default_aliases=False)",
        RESOLVER,
        'settings.setdefault("gazetteer", default_aliases)',
        'settings.setdefault("gazetteer", True)',
        ("tests/test_gazetteer.py::test_without_the_bundled_knowledge_there_is_no_gazetteer",),
    ),
    Mutant(
        40, "gazetteer: unknown names of one place are not grouped by their place",
        CLUSTERING,
        'if self.label == "LOC" and self.settings.gazetteer:  # names of one place',
        'if False:  # names of one place',
        ("tests/test_gazetteer.py::test_the_names_of_one_place_cluster_under_its_id",),
    ),
    Mutant(
        41, "gazetteer build: the most populous city wins a shared name without a margin",
        BUILD,
        "if first in population and len(cities) > 1 and population[first] < GAZETTEER_MARGIN",
        "if False and population[first] < GAZETTEER_MARGIN",
        ("tests/test_gazetteer.py::test_the_build_keeps_a_name_for_one_place_only_by_its_rules",),
    ),
    Mutant(
        42, "gazetteer build: continents and foreign names of countries name places alone",
        BUILD,
        "    if world_region:\n        return drop(\"a continent or world region\")\n    if weak:",
        "    if False:",
        ("tests/test_gazetteer.py::test_the_build_drops_continents_foreign_country_names_and_towns_own_names",),
    ),
    Mutant(
        43, "gazetteer build: a town's own name goes to a bigger place's alternate name anywhere",
        BUILD,
        "if towns and first in population and first not in main and first not in europe:",
        "if towns and first in population and first not in main and False:",
        ("tests/test_gazetteer.py::test_the_build_drops_continents_foreign_country_names_and_towns_own_names",),
    ),
    Mutant(
        44, "labels: an exact name of one entity of another label is refused (the NER's label splits it)",
        RESOLVER,
        "                if relabel is None and self._relabels(ids, clean):",
        "                if False:",
        ("tests/test_resolver.py::test_an_exact_name_of_one_entity_of_another_label_takes_it_and_its_label",),
    ),
    Mutant(
        45, "labels: a name under 4 letters takes another label's entity",
        RESOLVER,
        "return len(ids) == 1 and sum(char.isalpha() for char in clean) >= 4",
        "return len(ids) == 1",
        ("tests/test_resolver.py::test_an_exact_name_of_one_entity_of_another_label_takes_it_and_its_label",),
    ),
    Mutant(
        56, "clustering: head nouns of one kind do not make one unit (Oblast / Gebiet / Region Wolgograd)",
        CLUSTERING,
        "unit = head_key(_display(group_root, self.label, self.table))",
        "unit = None",
        ("tests/test_head_nouns.py::test_one_region_under_several_head_nouns_is_one_entity_and_the_city_stays_apart",),
    ),
    Mutant(
        46, "head nouns: a Rajon (district) counts as an Oblast (region)",
        NAMES,
        '**dict.fromkeys(("rajon", "raion", "rayon"), "district"),',
        '**dict.fromkeys(("rajon", "raion", "rayon"), "region"),',
        ("tests/test_head_nouns.py::test_other_kinds_or_cores_are_other_units",
         "tests/test_head_nouns.py::test_one_region_under_several_head_nouns_is_one_entity_and_the_city_stays_apart"),
    ),
    Mutant(
        47, "clustering: a place compound with an administrative head joins its city (Kirow-Gebiet ~ Kirow)",
        CLUSTERING,
        'compound_head(text) if label != "LOC" or place_head(text) is None else None',
        "compound_head(text)",
        ("tests/test_head_nouns.py::test_a_hyphenated_region_is_not_its_city",),
    ),
    Mutant(
        48, "clustering: legal forms in front are kept (OAO Lukoil apart from Lukoil)",
        CLUSTERING,
        "                    leading_legal_form_stem(text),\n",
        "",
        ("tests/test_head_nouns.py::test_legal_forms_in_clustering",),
    ),
    Mutant(
        49, "clustering: a closing legal form on a one-word brand falls away (Lukoil GmbH ~ Lukoil)",
        CLUSTERING,
        'legal_stem if legal_stem and " " in legal_stem.strip() else None,',
        "legal_stem,",
        ("tests/test_head_nouns.py::test_legal_forms_in_clustering",),
    ),
    Mutant(
        50, "clustering: an abbreviation with two readings joins one of them (Allg. Zeitung)",
        CLUSTERING,
        "            if len(readings) == 1:\n",
        "            if readings:\n",
        ("tests/test_head_nouns.py::test_an_abbreviation_with_two_readings_joins_neither",),
    ),
    Mutant(
        51, "names: an abbreviated word need not be the start of the written-out one",
        NAMES,
        "if len(stem) < 3 or len(full) <= len(stem) or not full.startswith(stem) or not stem.isalpha():",
        "if len(stem) < 3 or not stem.isalpha():",
        ("tests/test_head_nouns.py::test_abbreviated_words",
         "tests/test_head_nouns.py::test_an_abbreviated_form_joins_the_one_form_it_abbreviates"),
    ),
    Mutant(
        52, "normalize: a word for a company in front stays (Ölkonzern Rosneft apart from Rosneft)",
        "src/entitykit/normalize.py",
        'or (key.endswith("konzern") and key.replace("-", "").isalpha())',
        "",
        ("tests/test_head_nouns.py::test_legal_forms_in_front_fall_away",),
    ),
    Mutant(
        53, "clustering: Respublika in front stays (Respublika Dagestan apart from Republik Dagestan)",
        CLUSTERING,
        "                    republic_stem(text),  # Respublika Dagestan -> (Republik) Dagestan\n",
        "",
        ("tests/test_head_nouns.py::test_republic_in_front_falls_away",),
    ),
    Mutant(
        54, "head nouns: a Lithuanian genitive before apskritis is read as written (Vilniaus)",
        NAMES,
        'if adjective and head == "apskritis":',
        "if False:",
        ("tests/test_head_nouns.py::test_head_nouns_of_one_kind_name_one_unit",),
    ),
    Mutant(
        55, "clustering: a genitive of a hyphenated name misses the name written as one word (Nordatlantik-Paktes)",
        CLUSTERING,
        "shorter_key = compact.get(compact_key(shorter_key), shorter_key)",
        "pass",
        ("tests/test_head_nouns.py::test_a_genitive_of_a_hyphenated_name_meets_the_name_written_as_one_word",),
    ),
    Mutant(
        57, "resolver: a registry unit is not found under another head noun (Gebiet / Oblast Minsk)",
        RESOLVER,
        "        if len(owners) == 1:\n            (entity_id,) = owners",
        "        if False:\n            (entity_id,) = owners",
        ("tests/test_resolver.py::test_registry_units_are_found_under_another_head_noun_and_legal_forms_in_front_fall_away",),
    ),
    Mutant(
        58, "clustering: an acronym the corpus defines does not join its long form across documents",
        CLUSTERING,
        "clusters.extend(clustering.follow_definitions(definitions))",
        "clusters.extend(clustering.clusters)",
        ("tests/test_clustering.py::test_an_acronym_one_text_defines_means_its_long_form_in_the_whole_corpus",),
    ),
    Mutant(
        59, "clustering: an acronym defined two ways joins one of its long forms",
        CLUSTERING,
        "            if len(targets) != 1 or None in targets or targets == {mine}:\n                continue\n            (target,) = targets",
        "            targets.discard(None)\n            if not targets or mine in targets:\n                continue\n            target = min(targets)",
        ("tests/test_clustering.py::test_an_acronym_the_corpus_defines_two_ways_keeps_to_itself",),
    ),
    Mutant(
        60, "clustering: the corpus learns an acronym from a link by initials, not only from a bracket definition",
        RESOLVER,
        "elif number in acronym_links and acronym_links[number][1] == DEFINED:",
        "elif number in acronym_links:",
        ("tests/test_coref.py::test_initials_alone_never_link_an_acronym_across_documents",),
    ),
    # person names (issue 10, item 2)
    Mutant(
        61, "names: Wikidata's spellings of one given name do not agree (Igor / Ihor)",
        NAMES,
        "    if one_known_name(given_a, given_b):\n        return None, 93.0\n",
        "",
        ("tests/test_person_names.py::test_forms_of_one_given_name_agree",),
    ),
    Mutant(
        62, "names: any two known given names agree (Lech / Jaroslaw)",
        NAMES,
        "return bool(names_a) and not names_a.isdisjoint(knowledge.known_person_names(b))",
        "return bool(names_a) and names_a.isdisjoint(knowledge.known_person_names(b))",
        ("tests/test_person_names.py::test_different_given_names_do_not_agree",),
    ),
    Mutant(
        63, "names: an initial counts as a first name alone (Lekh -> L. Walesa)",
        NAMES,
        "    if len(a) < 2 or len(b) < 2:\n        return None\n    reason, score",
        "    reason, score",
        ("tests/test_person_names.py::test_different_given_names_do_not_agree",
         "tests/test_person_names.py::test_a_first_name_alone_links_to_the_one_full_name_of_its_document"),
    ),
    Mutant(
        64, "coref: a word that is one person's surname and another's first name links to one of them",
        COREF,
        "            if given and fits:  # a surname of one and a first name of another: which?\n                continue\n",
        "",
        ("tests/test_person_names.py::test_a_first_name_alone_links_to_the_one_full_name_of_its_document",),
    ),
    Mutant(
        65, "coref: a first name alone never links to its full name",
        COREF,
        "            fits = fits or given\n",
        "",
        ("tests/test_person_names.py::test_a_first_name_alone_links_to_the_one_full_name_of_its_document",),
    ),
    Mutant(
        66, "names: a surname written first with a comma keeps its order (Vucic, Alexander)",
        NAMES,
        "        return normalize(f\"{match.group(2)} {match.group(1)}\")",
        "        return normalize(text)",
        ("tests/test_person_names.py::test_person_key_puts_the_given_name_first",
         "tests/test_person_names.py::test_surname_first_names_join_their_full_name_across_documents"),
    ),
    Mutant(
        67, "names: any three words ending in a patronymic-like word are read surname first",
        NAMES,
        "        and (tokens[0].endswith(_SURNAME_ENDINGS) or _common_given_name(tokens[1]) and not _common_given_name(tokens[0]))\n",
        "",
        ("tests/test_person_names.py::test_person_key_puts_the_given_name_first",),
    ),
    Mutant(
        68, "clustering: a genitive surname alone (Potanins) never looks for its full name",
        CLUSTERING,
        "                deciding += self._genitive_surname(group_root)\n",
        "",
        ("tests/test_person_names.py::test_a_genitive_surname_alone_joins_the_one_full_name_with_that_surname",),
    ),
    Mutant(
        69, "clustering: a surname of the input (Williams) is also read as a genitive (of William)",
        CLUSTERING,
        "        if key in self.surnames or key in self.given_names:\n            return []\n",
        "",
        ("tests/test_person_names.py::test_a_word_the_input_uses_as_a_surname_is_not_read_as_a_genitive",),
    ),
    Mutant(
        70, "normalize: stress marks cut a Cyrillic name into pieces (Па́вел Ду́ров)",
        "src/entitykit/normalize.py",
        "    return strip_stress_marks(_HYPHENATION_BAR.sub",
        "    return (_HYPHENATION_BAR.sub",
        ("tests/test_person_names.py::test_stress_marks_do_not_cut_a_cyrillic_name_into_pieces",),
    ),
    Mutant(
        71, "resolver: a registry acronym matches a frequent English word in small letters (Who's -> WHO)",
        RESOLVER,
        "len(candidate_key) <= SHORT_ACRONYM or is_english_word(clean)",
        "len(candidate_key) <= SHORT_ACRONYM",
        ("tests/test_resolver.py::test_an_acronym_in_small_letters_is_a_word_when_it_is_short_or_english",),
    ),
    Mutant(
        72, "normalize: Serbian Cyrillic read as Russian (Вучић as Wutschitsch, not Vučić)",
        "src/entitykit/normalize.py",
        "    if _SOUTH_SLAVIC_ONLY & set(text):",
        "    if False:",
        ("tests/test_normalize.py::test_serbian_and_macedonian_cyrillic_meet_their_latin_spelling",),
    ),
    Mutant(
        73, "resolver: an abbreviation of two registry names takes one of them",
        RESOLVER,
        "        if len(found) != 1:\n            return None\n        ((entity_id, key),) = found.items()",
        "        if not found:\n            return None\n        entity_id, key = min(found.items())",
        ("tests/test_resolver.py::test_an_abbreviation_of_two_registry_names_takes_neither",),
    ),
    Mutant(
        74, "resolver: a registry name written as one word or two is not found (Osteuropa-Bank)",
        RESOLVER,
        "            if label == \"PER\" or len(compact) < SHORTEST_COMPACT:\n                continue\n            written",
        "            if True:\n                continue\n            written",
        ("tests/test_resolver.py::test_a_registry_name_written_as_one_word_or_two_is_found",),
    ),
    Mutant(
        75, "coref: a surname the NER tagged LOC stays apart from the one person of its document",
        COREF,
        "    links.update(_mislabelled_surnames(mentions))\n",
        "",
        ("tests/test_coref.py::test_a_surname_the_ner_tagged_loc_joins_the_one_person_of_its_document",),
    ),
    Mutant(
        76, "coref: a known place the NER tagged LOC joins a person of that surname (Washington)",
        COREF,
        "and len(name.key) >= 4 and not is_known_place(mention.text):",
        "and len(name.key) >= 4:",
        ("tests/test_coref.py::test_a_surname_the_ner_tagged_loc_joins_the_one_person_of_its_document",),
    ),
    Mutant(
        77, "coref: a firm the NER tagged ORG joins the person whose surname it bears (Firma Töpfer)",
        COREF,
        'if mention.doc is None or mention.label not in ("LOC", "MISC"):',
        'if mention.doc is None or mention.label == "PER":',
        ("tests/test_coref.py::test_a_surname_the_ner_tagged_loc_joins_the_one_person_of_its_document",),
    ),
    Mutant(
        78, "names: two different patronymics do not keep father and son apart",
        NAMES,
        "    if patronymic_a and patronymic_b and token_skeleton(patronymic_a) != token_skeleton(patronymic_b):",
        "    if False:",
        ("tests/test_person_names.py::test_two_patronymics_must_agree",),
    ),
    Mutant(
        79, "resolver: a mention's patronymic is not checked against the registry's",
        RESOLVER,
        "            if theirs and token_skeleton(mine) not in theirs:",
        "            if False:",
        ("tests/test_person_names.py::test_a_patronymic_the_registry_does_not_give_its_person_keeps_a_mention_away",),
    ),
    Mutant(
        80, "clustering: a known place ending in s is read as the genitive of another (Tartus / Tartu)",
        CLUSTERING,
        "if shorter and label == \"LOC\" and distinct_known_names(text, shorter, label):",
        "if False:",
        ("tests/test_gazetteer.py::test_a_known_place_ending_in_s_is_no_genitive_of_another",),
    ),
    Mutant(
        81, "clustering: East Slavic family forms meet without company",
        CLUSTERING,
        "                    and self._agree([group_root], [other], self.context[other])\n                    and compare(",
        "                    and compare(",
        ("tests/test_clustering.py::test_belarusian_and_russian_forms_of_a_long_name_meet_in_the_same_company",),
    ),
    Mutant(
        82, "clustering: East Slavic family forms never meet",
        CLUSTERING,
        "other = by_family.setdefault(slavic_family_key(group_root), group_root)",
        "other = by_family.setdefault(group_root, group_root)",
        ("tests/test_clustering.py::test_belarusian_and_russian_forms_of_a_long_name_meet_in_the_same_company",),
    ),
    Mutant(
        83, "clustering: East Slavic family forms meet in a bare list of names (Wolfowitsch / Wolfawitsch)",
        CLUSTERING,
        "                    and self.context[group_root] and self.context[other]\n",
        "",
        ("tests/test_clustering.py::test_a_form_that_fits_two_clusters_equally_stays_alone",),
    ),    Mutant(
        84, "names: a man's and a woman's form of a surname join without the same given name (Alexei Nawalny / Julia Nawalnaja)",
        NAMES,
        "        len(a.tokens) > 1 and len(b.tokens) > 1 and a.tokens[0].endswith(\"a\") and b.tokens[0].endswith(\"a\")\n",
        "        True\n",
        ("tests/test_person_names.py::test_the_feminine_form_of_a_surname_is_the_same_person_only_with_the_same_womans_given_name",),
    ),
    Mutant(
        85, "ner_data: DFKI spans that name nothing (beiden Richtungen, POL-KN) are trained as names",
        NER_DATA,
        "    first = words[0].lstrip(\"#@\")\n",
        "    return True\n    first = words[0].lstrip(\"#@\")\n",
        ("tests/test_ner_data.py::test_dfki_spans_that_name_nothing_are_not_trained_as_names",),
    ),
    Mutant(
        87, "institutions: a bare head (die Kommission, das Außenministerium) becomes an organisation",
        INSTITUTIONS,
        '("ADJECTIVE_HEAD", [{**adjective, "OP": "+"}, head]),',
        '("ADJECTIVE_HEAD", [{**adjective, "OP": "*"}, head]),',
        ("tests/test_institutions.py::test_named_institutions_become_organisations",),
    ),
    Mutant(
        88, "institutions: a place without a genitive ending completes a head (das Parlament Moskau vorwerfen)",
        INSTITUTIONS,
        'if rule == "HEAD_PLACE_GENITIVE" and not _is_genitive(doc[end - 1].text):',
        'if False:',
        ("tests/test_institutions.py::test_named_institutions_become_organisations",),
    ),
    Mutant(
        89, "institutions: an institution swallows a person NER found inside it",
        INSTITUTIONS,
        'or ent.label_ == "PER" for ent in inside',
        'for ent in inside',
        ("tests/test_institutions.py::test_named_institutions_become_organisations",),
    ),
    Mutant(
        90, "mention finder: a frequent German word is read as a one-edit slip of a name (Rahmen -> Rahmon)",
        PIPELINE,
        "return None if _is_common_word(text) else label",
        "return label",
        ("tests/test_ner_noise.py::test_the_mention_finder_adds_no_common_word_and_no_press_code",),
    ),
    Mutant(
        86, "Dask engine: a retried partition writes into the folder of the attempt that died",
        "src/entitykit/dask_engine.py",
        "    folder = attempt_folder(Path(work), partition.index)\n",
        "    folder = Path(work) / PARTS_DIR / f\"{partition.index:06d}\"\n    folder.mkdir(parents=True, exist_ok=True)\n",
        ("tests/test_dask_engine.py::test_each_attempt_at_a_partition_writes_part_files_of_its_own",),
    ),
    Mutant(
        91, "clustering: a form must agree with the cluster's leader letter for letter, genitive -s and all",
        CLUSTERING,
        "if leader.key != other.key and not self._fits_leader(name, leader):",
        "if leader.key != other.key and not compare(name, leader, label, settings.min_typo_length).ok:",
        ("tests/test_clustering.py::test_a_genitive_with_a_slip_joins_the_cluster_its_stem_fits",),
    ),
    Mutant(
        92, "NER features: a word in capitals the cluster table lacks gets no cluster (MINSK reads nothing)",
        "src/entitykit/ner_model.py",
        "        if uppers is not None:\n",
        "        if False:\n",
        ("tests/test_ner_model.py::test_words_in_capitals_read_the_cluster_of_their_capitalised_spelling_at_run_time",),
    ),
    Mutant(
        93, "sentencizer: a full stop after an abbreviation ends a sentence again (St . | Pauli)",
        "src/entitykit/sentences.py",
        "        return word in self.abbreviations or (len(word) == 1 and word.isupper())\n",
        "        return len(word) == 1 and word.isupper()\n",
        ("tests/test_models.py::test_the_sentencizer_load_adds_does_not_cut_names_at_abbreviations_or_before_lower_case",),
    ),
    Mutant(
        94, "sentencizer: a word in lower case starts a sentence again (Wohin? | fragte er)",
        "src/entitykit/sentences.py",
        "                if doc[i].is_lower or self._abbreviation_stop(doc, i - 1):\n",
        "                if self._abbreviation_stop(doc, i - 1):\n",
        ("tests/test_models.py::test_the_sentencizer_load_adds_does_not_cut_names_at_abbreviations_or_before_lower_case",),
    ),
    Mutant(
        95, "sentencizer: a German opening quote ends the sentence before it again",
        "src/entitykit/sentences.py",
        "                    starts[i - 1], starts[i] = True, False\n",
        "                    pass\n",
        ("tests/test_models.py::test_the_sentencizer_load_adds_does_not_cut_names_at_abbreviations_or_before_lower_case",),
    ),
    Mutant(
        96, "load_pipeline: spaCy's plain sentencizer again",
        "src/entitykit/models.py",
        "        nlp.add_pipe(FACTORY, name=\"sentencizer\", first=True)\n",
        "        nlp.add_pipe(\"sentencizer\", first=True)\n",
        ("tests/test_models.py::test_the_sentencizer_load_adds_does_not_cut_names_at_abbreviations_or_before_lower_case",),
    ),
    Mutant(
        97, "names: a known German place takes its unknown skeleton twin again (Röthenbach / Rotenbach)",
        "src/entitykit/names.py",
        "    if any(umlaut in known and umlaut not in unknown for umlaut in (\"ae\", \"oe\", \"ue\")):\n",
        "    if False:\n",
        ("tests/test_names.py::test_known_names_are_never_spelling_variants_of_each_other",
         "tests/test_merge_audit.py::test_judged_pair"),
    ),
    Mutant(
        98, "names: an umlaut written plain no longer counts as the known place (Tubingen, which GeoNames lacks)",
        "src/entitykit/names.py",
        "    if token_skeleton(x) != token_skeleton(y) or _plain_umlauts(x) == _plain_umlauts(y):\n",
        "    if token_skeleton(x) != token_skeleton(y):\n",
        ("tests/test_names.py::test_rare_spellings_of_one_name_still_merge",),
    ),
    Mutant(
        99, "names: every unknown skeleton twin of a known place kept apart, umlaut or not (Zarizyn / Zaryzin)",
        "src/entitykit/names.py",
        "    if any(umlaut in known and umlaut not in unknown for umlaut in (\"ae\", \"oe\", \"ue\")):\n",
        "    if True:\n",
        ("tests/test_names.py::test_rare_spellings_of_one_name_still_merge",),
    ),
    Mutant(
        100, "training scorer: the best step chosen on all four labels again (MISC counts)",
        "src/entitykit/ner_model.py",
        '    scores.update({"ents_core_p": core.p, "ents_core_r": core.r, "ents_core_f": core.f})\n',
        '    scores.update({"ents_core_p": scores["ents_p"], "ents_core_r": scores["ents_r"], "ents_core_f": scores["ents_f"]})\n',
        ("tests/test_ner_model.py::test_the_training_scorer_selects_on_persons_organisations_and_places_not_misc",),
    ),
    Mutant(
        101, "resolver: a surname-first name no longer looked up given name first (Putin Wladimir Wladimirowitsch)",
        "src/entitykit/resolver.py",
        "        given_first = person_key(text) if label == \"PER\" else key  # Putin Wladimir Wladimirowitsch\n",
        "        given_first = key\n",
        ("tests/test_variant_pairs.py::test_variant_pair",),
    ),
    Mutant(
        102, "person_key: surname first only with a Slavic surname ending again (Schoigu Sergej Kuschugetowitsch)",
        "src/entitykit/names.py",
        "        and (tokens[0].endswith(_SURNAME_ENDINGS) or _common_given_name(tokens[1]) and not _common_given_name(tokens[0]))\n",
        "        and tokens[0].endswith(_SURNAME_ENDINGS)\n",
        ("tests/test_variant_pairs.py::test_variant_pair",),
    ),
    Mutant(
        103, "coref: a common word alone (Partei) names the organisation it ends",
        COREF,
        "            if len(fits) == 1 and not is_common_word(word):\n",
        "            if len(fits) == 1:\n",
        ("tests/test_coref.py::test_an_organisation_shortened_by_its_adjectives_links_to_the_one_name_of_its_document",),
    ),
    Mutant(
        104, "coref: a shortened organisation name links to one of two names that end in it",
        COREF,
        "            if len(fits) == 1 and not is_common_word(word):\n",
        "            if fits and not is_common_word(word):\n",
        ("tests/test_coref.py::test_an_organisation_shortened_by_its_adjectives_links_to_the_one_name_of_its_document",),
    ),
    Mutant(
        105, "coref: any words left out shorten an organisation name, not only adjectives (Konzern Severstal)",
        COREF,
        "            if adjectives and all(is_name_adjective(word) for word in adjectives):\n",
        "            if adjectives:\n",
        ("tests/test_coref.py::test_an_organisation_shortened_by_its_adjectives_links_to_the_one_name_of_its_document",),
    ),
    Mutant(
        106, "clustering: a skeleton twin of two places kept apart joins the first of them (Alstonn)",
        CLUSTERING,
        "            if len(placed) > 1 or any(\n",
        "            if len(placed) > 1 or False and any(\n",
        ("tests/test_gazetteer.py::test_a_transliteration_twin_of_a_place_name_joins_that_place_and_one_of_two_places_joins_neither",),
    ),
    Mutant(
        107, "clustering: the first form of a skeleton leads its twins even when another was placed (Chlynow before Khlynov)",
        CLUSTERING,
        "            target = by_skeleton[skel] = placed[0] if placed else roots[0]\n",
        "            target = by_skeleton[skel] = roots[0]\n",
        ("tests/test_gazetteer.py::test_a_transliteration_twin_of_a_place_name_joins_that_place_and_one_of_two_places_joins_neither",),
    ),
    Mutant(
        108, "normalize: a -Konzern compound is a body of its own, not the company (Siemens-Konzern)",
        "src/entitykit/normalize.py",
        ' "plan", "plaene", "konzern", "konzerns",\n',
        ' "plan", "plaene",\n',
        ("tests/test_merge_audit.py::test_judged_pair",),
    ),
    Mutant(
        109, "sentencizer: a full stop after an initial ends a sentence again (Robert R . | Livingston)",
        "src/entitykit/sentences.py",
        "        return word in self.abbreviations or (len(word) == 1 and word.isupper())\n",
        "        return word in self.abbreviations\n",
        ("tests/test_models.py::test_the_sentencizer_load_adds_does_not_cut_names_at_abbreviations_or_before_lower_case",),
    ),
    Mutant(
        110, "sentencizer: Mrs. and sogen., which the German tokenizer splits, end a sentence again",
        "src/entitykit/sentences.py",
        'EXTRA_ABBREVIATIONS = frozenset({"Mrs", "Ms", "sogen"})\n',
        "EXTRA_ABBREVIATIONS = frozenset()\n",
        ("tests/test_models.py::test_the_sentencizer_load_adds_does_not_cut_names_at_abbreviations_or_before_lower_case",),
    ),
    Mutant(
        111, "coref: an alternate name follows any earlier name, not only one whose bracket or comma list it stands in",
        "src/entitykit/coref.py",
        "                if len(gap) <= _LONGEST_GAP and _OPENING.match(gap) and ",
        "                if len(gap) <= _LONGEST_GAP and ",
        ("tests/test_coref.py::test_alternate_names_need_the_cue_right_after_the_name_they_follow",),
    ),
    Mutant(
        112, "coref: an alternate name follows a name whose bracket closed before the cue (Minsk (Belarus) und polnisch Warszawa)",
        "src/entitykit/coref.py",
        ' and ")" not in gap.split("]")[-1] and ',
        " and ",
        ("tests/test_coref.py::test_alternate_names_need_the_cue_right_after_the_name_they_follow",),
    ),
    Mutant(
        113, "coref: a bracketed name in the same script counts as a spelling of the name before it (Lwiw (Galizien))",
        "src/entitykit/coref.py",
        " and _latin(spelling) != _latin(text):\n",
        ":\n",
        ("tests/test_coref.py::test_alternate_names_need_the_cue_right_after_the_name_they_follow",),
    ),
    Mutant(
        114, "coref: alternate names cross labels (Minsk (russisch Lukaschenko))",
        "src/entitykit/coref.py",
        "        for indices in _documents(mentions, (label,)):\n",
        "        for indices in _documents(mentions, LABELS):\n",
        ("tests/test_coref.py::test_alternate_names_need_the_cue_right_after_the_name_they_follow",),
    ),
    Mutant(
        115, "resolver: alternate names the text gives are not linked",
        "src/entitykit/resolver.py",
        "        links.update(self._places_lead(items, unknown(link_alternate_names(items))))\n",
        "",
        ("tests/test_coref.py::test_a_name_the_text_gives_in_another_language_or_script_joins_the_name_before_it",),
    ),
    Mutant(
        116, "ner_model: the mention augmenter swaps names in a sentence with unannotated tokens",
        "src/entitykit/ner_model.py",
        "    if not all(token.ent_iob_ for token in reference):  # a sentence with unannotated tokens stays as it is\n        return example\n",
        "",
        ("tests/test_ner_model.py::test_the_mention_augmenter_swaps_names_of_one_label_and_keeps_the_words_around_them",),
    ),
    Mutant(
        117, "ner_model: the mention augmenter swaps nothing",
        "src/entitykit/ner_model.py",
        "                example = _mentions_replaced(nlp, example, pools)\n",
        "                pass\n",
        ("tests/test_ner_model.py::test_the_mention_augmenter_swaps_names_of_one_label_and_keeps_the_words_around_them",),
    ),
    Mutant(
        118, "ner_model: LexiconEmbed.v2 leaves the word vectors out although include_static_vectors is on",
        "src/entitykit/ner_model.py",
        "    if include_static_vectors:  # (a layer of its own",
        "    if False:  # (a layer of its own",
        ("tests/test_ner_model.py::test_a_pipeline_with_word_vectors_reads_them_and_loads_without_the_training_files",),
    ),
    Mutant(
        119, "ner_model: a saved pipeline still loads its vectors from the training files",
        "src/entitykit/ner_model.py",
        '        nlp.config["nlp"]["after_creation"] = None\n',
        "        pass\n",
        ("tests/test_ner_model.py::test_a_pipeline_with_word_vectors_reads_them_and_loads_without_the_training_files",),
    ),
    Mutant(
        120, "resolver: a typo in a genitive is not matched on its stem (Turkenistans)",
        "src/entitykit/resolver.py",
        "        if found is None and (genitive := genitive_stem(clean)):  # a typo in a genitive: Turkenistans\n",
        "        if False:\n",
        ("tests/test_resolver.py::test_a_typo_in_a_genitive_is_matched_on_the_stem_with_the_same_rules",),
    ),
    Mutant(
        121, "clustering: a transliteration written apart is not one name with the same written together",
        "src/entitykit/clustering.py",
        'twins[name.skel if self.label == "PER" else name.skel.replace(" ", "")]',
        "twins[name.skel]",
        ("tests/test_clustering.py::test_a_transliteration_written_as_one_word_or_several_is_one_name_but_a_person_is_not",),
    ),
    Mutant(
        122, "clustering: a person's given name and surname written together join the name written apart",
        "src/entitykit/clustering.py",
        'twins[name.skel if self.label == "PER" else name.skel.replace(" ", "")]',
        'twins[name.skel.replace(" ", "")]',
        ("tests/test_clustering.py::test_a_transliteration_written_as_one_word_or_several_is_one_name_but_a_person_is_not",),
    ),
    Mutant(
        123, "resolver: a known place given as another name of an unknown one takes the unknown one's id",
        "src/entitykit/resolver.py",
        "        if not self.clusterer.gazetteer:\n            return links\n",
        "        return links\n",
        ("tests/test_resolver.py::test_a_text_s_other_name_for_a_known_place_makes_the_unknown_name_that_place",),
    ),
    Mutant(
        124, "resolver: two places a text gives one unknown name both join it",
        "src/entitykit/resolver.py",
        "                for index in placed:\n                    del led[index]\n",
        "                pass\n",
        ("tests/test_resolver.py::test_a_text_s_other_name_for_a_known_place_makes_the_unknown_name_that_place",),
    ),
    Mutant(
        125, "resolver: only the unknown name's first spelling follows the known place",
        "src/entitykit/resolver.py",
        "and normalize(mention.text) == key]",
        "and mention.text == head.text]",
        ("tests/test_resolver.py::test_a_text_s_other_name_for_a_known_place_makes_the_unknown_name_that_place",),
    ),
    Mutant(
        126, "clustering: a spelling the gazetteer lacks does not find its place by the skeleton",
        "src/entitykit/clustering.py",
        "    return gazetteer_twin(skel) if len(compact_key(skel)) >= SHORTEST_TWIN else None",
        "    return None",
        ("tests/test_gazetteer.py::test_a_spelling_the_gazetteer_lacks_finds_its_place_by_the_transliteration_skeleton",),
    ),
    Mutant(
        127, "clustering: four-letter names find places by their skeleton (Odes)",
        "src/entitykit/clustering.py",
        "SHORTEST_TWIN = 6\n",
        "SHORTEST_TWIN = 4\n",
        ("tests/test_gazetteer.py::test_a_spelling_the_gazetteer_lacks_finds_its_place_by_the_transliteration_skeleton",),
    ),
    Mutant(
        128, "clustering: a place name written with a hyphen for a space is not found",
        "src/entitykit/clustering.py",
        'compact_key(key), key.replace("-", " ")):',
        "compact_key(key)):",
        ("tests/test_gazetteer.py::test_a_spelling_the_gazetteer_lacks_finds_its_place_by_the_transliteration_skeleton",),
    ),
    Mutant(
        129, "build_knowledge: names with an umlaut give their skeleton a place",
        "tools/build_knowledge.py",
        'or places & german or any(umlaut in key for umlaut in ("ae", "oe", "ue")):',
        "or places & german:",
        ("tests/test_gazetteer.py::test_the_build_gives_a_skeleton_a_place_only_when_every_name_of_it_names_that_place_alone",),
    ),
    Mutant(
        130, "build_knowledge: German towns give their skeleton a place",
        "tools/build_knowledge.py",
        'or places & german or any(',
        'or any(',
        ("tests/test_gazetteer.py::test_the_build_gives_a_skeleton_a_place_only_when_every_name_of_it_names_that_place_alone",),
    ),
    Mutant(
        131, "clustering: a slash form whose parts the input lacks names no place",
        "src/entitykit/clustering.py",
        '        if place is None and "/" in text:\n',
        "        if False:\n",
        ("tests/test_gazetteer.py::test_a_slash_form_names_the_one_place_its_parts_name_when_the_others_are_its_alternates",),
    ),
    Mutant(
        132, "clustering: a slash form names a place whatever its other parts are",
        "src/entitykit/clustering.py",
        "            place = follow_alternates(parts, [form_place(part) for part in parts], label, self.min_typo_length)\n",
        "            place = next((found for part in parts if (found := form_place(part)) is not None), None)\n",
        ("tests/test_gazetteer.py::test_a_slash_form_names_the_one_place_its_parts_name_when_the_others_are_its_alternates",),
    ),
    Mutant(
        133, "resolver: a transliteration of a place's name does not find the registry entity of that place",
        "src/entitykit/resolver.py",
        "                entity_id = places.get(form_place(candidate_key))\n",
        "                entity_id = places.get(gazetteer_place(candidate_key))\n",
        ("tests/test_gazetteer.py::test_a_transliteration_of_a_place_s_name_finds_the_registry_entity_of_that_place",),
    ),
    Mutant(
        134, "build_knowledge: a name of several places does not keep its skeleton from a place",
        "tools/build_knowledge.py",
        " and weak.get(skel, {place}) <= {place}}",
        "}",
        ("tests/test_gazetteer.py::test_the_build_gives_a_skeleton_a_place_only_when_every_name_of_it_names_that_place_alone",),
    ),
    Mutant(
        135, "build_knowledge: a weak name of the same place keeps its skeleton from that place",
        "tools/build_knowledge.py",
        " and weak.get(skel, {place}) <= {place}}",
        " and not weak.get(skel)}",
        ("tests/test_gazetteer.py::test_the_build_gives_a_skeleton_a_place_only_when_every_name_of_it_names_that_place_alone",),
    ),
    Mutant(
        136, "clustering: a German region name in -ien does not find its -ia form's region",
        "src/entitykit/clustering.py",
        '        if form and len(form) >= SHORTEST_TWIN and form.endswith("ien") and not known_places(form):\n',
        "        if False:\n",
        ("tests/test_gazetteer.py::test_a_german_region_name_in_ien_finds_the_region_its_ia_form_names_never_a_town",),
    ),
    Mutant(
        137, "clustering: a name in -ien finds the town its -ia form names",
        "src/entitykit/clustering.py",
        "            if place is not None and is_region(place):\n",
        "            if place is not None:\n",
        ("tests/test_gazetteer.py::test_a_german_region_name_in_ien_finds_the_region_its_ia_form_names_never_a_town",),
    ),
    Mutant(
        138, "clustering: a long name with a short skeleton finds a place by it (Niaaraja: Nyala)",
        "src/entitykit/clustering.py",
        "if len(compact_key(skel)) >= SHORTEST_TWIN else None",
        "if len(compact_key(key)) >= SHORTEST_TWIN else None",
        ("tests/test_gazetteer.py::test_a_spelling_the_gazetteer_lacks_finds_its_place_by_the_transliteration_skeleton",),
    ),
    Mutant(
        139, "ner_model: LexiconEmbed.v2 ignores character_width",
        "src/entitykit/ner_model.py",
        "    if character_width:  # (a layer of its own",
        "    if False:  # (a layer of its own",
        ("tests/test_ner_model.py::test_a_pipeline_with_character_embeddings_reads_the_characters_and_keeps_them_when_saved",),
    ),
    Mutant(
        140, "clustering: a name the place file holds but keeps from naming a place alone finds it as its own twin (Germania)",
        "src/entitykit/clustering.py",
        "    if known_places(key):  # the place file holds this name",
        "    if False:  # the place file holds this name",
        ("tests/test_gazetteer.py::test_a_spelling_the_gazetteer_lacks_finds_its_place_by_the_transliteration_skeleton",),
    ),
    Mutant(
        141, "resolver: a mention the text names as a river resolves as any place (Fluss Wjatka is Kirov)",
        RESOLVER,
        "        for index in rivers:\n            results[index] = river(items[index].text)\n",
        "",
        ("tests/test_resolver.py::test_a_river_is_never_the_town_or_registry_place_of_its_name",),
    ),
    Mutant(
        142, "resolver: a river named in its document as a town's alternate follows the town (Memel)",
        RESOLVER,
        "            if index in rivers:\n                continue  # what the text calls a river stays one\n",
        "",
        ("tests/test_resolver.py::test_a_river_stays_a_river_when_its_name_is_a_town_s_alternate_in_the_document",),
    ),
    Mutant(
        143, "clustering: a river's form is counted under its own text, so it clusters with the town",
        CLUSTERING,
        "        if decided.method == \"new\" and decided.matched:",
        "        if False:",
        ("tests/test_resolver.py::test_a_river_is_never_the_town_or_registry_place_of_its_name",
         "tests/test_corpus.py::test_a_river_stays_apart_from_the_town_of_its_name_across_a_run"),
    ),
    Mutant(
        144, "coref: the second river of a confluence is no river",
        COREF,
        "(?:\\s+[^\\s()]+(?:\\s+\\([^()]*\\))?\\s+und)?)\\s+$\"",
        ")\\s+$\"",
        ("tests/test_coref.py::test_a_place_the_text_names_as_a_river_is_a_river",),
    ),
    Mutant(
        145, "normalize: a lone lead byte is always the most frequent letter (Ð’Ñтка is Встка)",
        "src/entitykit/normalize.py",
        "        if frequency(likeliest) > 0:\n            return likeliest\n",
        "",
        ("tests/test_normalize.py::test_a_lost_byte_is_the_letter_that_makes_a_word",),
    ),
    Mutant(
        146, "models: the pipeline multiplies with BLIS (half the words per second on AVX-512 machines)",
        "src/entitykit/models.py",
        "    multiply_with_numpy(nlp)\n    name = ",
        "    name = ",
        ("tests/test_models.py::test_numpy_multiplies_the_matrices_and_finds_what_blis_finds",),
    ),
    Mutant(
        147, "workers: a run leaves BLAS a thread per core in every process",
        "src/entitykit/workers.py",
        "    with threadpool_limits(limits=1, user_api=\"blas\"):",
        "    with threadpool_limits(limits=None, user_api=\"blas\"):",
        ("tests/test_workers.py::test_a_run_takes_one_blas_thread_per_process_and_gives_the_threads_back",),
    ),
    Mutant(
        148, "normalize: a web address keeps its domain (vk.com is not VK)",
        "src/entitykit/normalize.py",
        "        text = _DOTS.sub(\"\", web_address_name(text))",
        "        text = _DOTS.sub(\"\", text)",
        ("tests/test_normalize.py::test_a_web_address_names_the_body_it_belongs_to",),
    ),
    Mutant(
        149, 'build: a subdivision joins a territory that shares names with others too (Kashmir)',
        BUILD,
        '            if subdivision_count[subdivision] == 1 and territory_count[territory] == 1}',
        '            if territory_count[territory] >= 1}',
        ('tests/test_gazetteer.py::test_the_build_joins_a_subdivision_to_the_one_territory_that_shares_a_name',),
    ),
    Mutant(
        150, "build: a country's long weak names name it alone",
        BUILD,
        '    if place_id > 0 or territory["is_country"]:',
        '    if place_id > 0:',
        ('tests/test_gazetteer.py::test_only_long_weak_names_of_a_territory_that_is_no_country_name_it_alone',),
    ),
    Mutant(
        151, "build: a GeoNames territory's long weak names name it alone (the UK's counties)",
        BUILD,
        '    if place_id > 0 or territory["is_country"]:',
        '    if territory["is_country"]:',
        ('tests/test_gazetteer.py::test_only_long_weak_names_of_a_territory_that_is_no_country_name_it_alone',),
    ),
    Mutant(
        152, 'coref: kurz defines no acronym',
        COREF,
        '            or f"{acronym} ({long_form}" in squeezed or _shortened(long_form, acronym, squeezed))',
        '            or f"{acronym} ({long_form}" in squeezed)',
        ('tests/test_coref.py::test_kurz_defines_an_acronym_as_a_bracket_does',),
    ),
    Mutant(
        153, "coref: an unspelt bracketed acronym of a place takes the place (New Mexico (USA))",
        COREF,
        '                   if other.label == mention.label == "ORG"}',
        '                   if other.label == mention.label}',
        ('tests/test_coref.py::test_an_unspelt_acronym_links_only_to_the_one_bracketed_name_of_its_label',),
    ),
    Mutant(
        154, 'coref: an unspelt bracketed acronym takes one of two bracketed names',
        COREF,
        '        if not defined and len(foreign) == 1:',
        '        if not defined and foreign:',
        ('tests/test_coref.py::test_an_unspelt_acronym_links_only_to_the_one_bracketed_name_of_its_label',),
    ),
    Mutant(
        155, 'coref: kurz gives no short name',
        COREF,
        '                if spelling != text and _shortened(spelling, text, squeezed[: match.end()]):',
        '                if False:',
        ('tests/test_coref.py::test_kurz_gives_a_short_name_of_the_name_before_it',),
    ),
    Mutant(
        156, 'coref: kurz as an adverb links (no comma or bracket needed)',
        COREF,
        '(?: [a-zäöüß]+)?(?:, | \\()" + _KURZ)',
        '(?: [a-zäöüß]+)?(?:, | \\(| )" + _KURZ)',
        ('tests/test_coref.py::test_kurz_as_an_adverb_links_nothing',),
    ),
    Mutant(
        157, 'coref: auf Jiddisch names nothing',
        COREF,
        '|\\bauf [A-ZÄÖÜ][a-zäöü]*(?:isch|deutsch))"',
        ')"',
        ('tests/test_coref.py::test_auf_jiddisch_names_like_jiddisch',),
    ),
    Mutant(
        158, "coref: a given name before any full name shares its surname (no siblings' word)",
        COREF,
        '    r"Eheleuten?|Ehepaars?|Ehepaares)\\s+$"',
        '    r"Eheleuten?|Ehepaars?|Ehepaares)\\s+$|^(?:.*\\s)?$"',
        ('tests/test_coref.py::test_a_given_name_before_a_siblings_full_name_shares_the_surname',),
    ),
    Mutant(
        159, "coref: the sibling's surname is the next word even before another capitalised one",
        COREF,
        '(?P<surname>[A-ZÄÖÜ][\\w\'-]*[\\w\'])(?![\\w-])(?!\\s+[A-ZÄÖÜ])")',
        '(?P<surname>[A-ZÄÖÜ][\\w\'-]*[\\w\'])(?![\\w-])")',
        ('tests/test_coref.py::test_a_given_name_before_a_siblings_full_name_shares_the_surname',),
    ),
    Mutant(
        160, "resolver: a sibling's given name stays a given name",
        RESOLVER,
        '                results[index] = found._replace(matched=full_name) if found.method == "new" else found',
        '                pass',
        ('tests/test_coref.py::test_the_sibling_is_the_person_of_that_full_name',),
    ),
    Mutant(
        161, 'normalize: the plain-ASCII fast path keeps a hyphenated title (Vize-Premier Lawrow)',
        'src/entitykit/normalize.py',
        '        if " " not in key or not (first in ("st", "saint") or _is_folded_title(first)):  # Vize-Premier too',
        '        if " " not in key or not (first in ("st", "saint") or first in TITLES):',
        ('tests/test_normalize.py::test_a_hyphenated_title_goes_in_any_script_but_not_an_abbreviation_after_a_hyphen',),
    ),
    Mutant(
        162, 'normalize: an abbreviation closing a hyphenated word is a title (Cazzago-Ex Polo)',
        'src/entitykit/normalize.py',
        '        return (last in TITLES and len(last) > _SHORTEST_TITLE_WORD) or last.endswith(TITLE_ENDINGS)',
        '        return last in TITLES or last.endswith(TITLE_ENDINGS)',
        ('tests/test_normalize.py::test_a_hyphenated_title_goes_in_any_script_but_not_an_abbreviation_after_a_hyphen',),
    ),
    Mutant(
        163, 'resolver: candidates at one distance are compared in reverse registry order (an alias before the name)',
        RESOLVER,
        '        pre.sort(key=lambda item: (closer * item[1], ids[item[2]]))',
        '        pre.sort(key=lambda item: (closer * item[1], -ids[item[2]]))',
        ('tests/test_resolver.py::test_a_typo_as_close_to_the_name_as_to_an_alias_is_matched_to_the_name',),
    ),
    Mutant(
        164, 'names: the quick test allows no edit at all (says apart what compare would accept)',
        NAMES,
        '    shorter, allowed = _typo_allowance(token_a, token_b)\n    return (',
        '    shorter, allowed = _typo_allowance(token_a, token_b)[0], 0\n    return (',
        ('tests/test_names.py::test_the_quick_test_never_refuses_a_pair_the_comparison_accepts',),
    ),
    Mutant(
        165, 'blocking: a new word leaves the remembered answers in place',
        'src/entitykit/blocking.py',
        '            self.postings.append([])\n            self._similar.clear()\n',
        '            self.postings.append([])\n',
        ('tests/test_blocking.py::test_words_added_after_a_lookup_are_found_by_the_next_one',),
    ),
    Mutant(
        166, 'blocking: a word is not indexed under its own form (a query one letter longer misses it)',
        'src/entitykit/blocking.py',
        '                keys.add(token)  # a deletion of a query one letter longer\n',
        '                pass\n',
        ('tests/test_blocking.py::test_a_word_one_letter_shorter_or_longer_or_changed_is_found',),
    ),
    Mutant(
        167, 'blocking: a surname filter drops words that also stand before another word',
        'src/entitykit/blocking.py',
        '            best = [*(best & self.inner), *(last_only[position] for _, _, position in near)]',
        '            best = [last_only[position] for _, _, position in near]',
        ('tests/test_blocking.py::test_a_surname_the_index_knows_too_far_away_is_left_out_and_a_given_name_never',),
    ),
    Mutant(
        168, 'blocking: the remembered sizes of words outlive a new form',
        'src/entitykit/blocking.py',
        '        self._found.clear()\n',
        '',
        ('tests/test_blocking.py::test_the_rarest_word_is_chosen_by_the_forms_indexed_now',),
    ),
    Mutant(
        169, 'normalize: the skeleton stops after one pass that changed something',
        'src/entitykit/normalize.py',
        '        if not _SKELETON_STEP.search(key):',
        '        if True:',
        ('tests/test_names.py::test_a_skeleton_settles_over_as_many_passes_as_it_needs',),
    ),
    Mutant(
        170, 'knowledge: every plain word is taken for one wordfreq has not seen (Busch is no common word)',
        'src/entitykit/knowledge.py',
        '    if threshold > 0 and word.isascii() and word.islower() and word not in wordfreq.get_frequency_dict("de", wordlist):',
        '    if threshold > 0 and word.isascii() and word.islower():',
        ('tests/test_names.py::test_known_names_are_never_spelling_variants_of_each_other',),
    ),
    Mutant(
        171, 'knowledge: a place unknown to the gazetteer on one side makes two known places of the pair',
        'src/entitykit/knowledge.py',
        '        if place_a is None:\n            return False\n',
        '        if place_a is None:\n            return True\n',
        ('tests/test_names.py::test_a_typo_of_a_known_place_is_a_typo_of_it_whichever_side_it_is_on',),
    ),
]


def copy_tree(target: Path) -> None:
    for name in COPY:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=IGNORE)
        elif source.is_file():
            shutil.copy2(source, target / name)


def apply(mutant: Mutant, tree: Path) -> None:
    path = tree / mutant.file
    text = path.read_text(encoding="utf-8")
    found = text.count(mutant.old)
    if found != 1:
        raise SystemExit(
            f"mutant {mutant.id}: the 'old' snippet occurs {found} times in {mutant.file} (expected once); "
            f"update the table in tests/mutants.py:\n{mutant.old}"
        )
    path.write_text(text.replace(mutant.old, mutant.new), encoding="utf-8")


def run_tests(tree: Path, tests: tuple[str, ...]) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(tree / "src"), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
        cwd=tree, env=env, capture_output=True, text=True,
    )


def check_table() -> None:
    """Every snippet must still be found exactly once before anything runs."""
    for mutant in MUTANTS:
        text = (ROOT / mutant.file).read_text(encoding="utf-8")
        found = text.count(mutant.old)
        if found != 1:
            print(f"mutant {mutant.id}: 'old' snippet found {found} times in {mutant.file} (expected once)")
            raise SystemExit(2)


def main(argv: list[str]) -> int:
    if "--list" in argv:
        for mutant in MUTANTS:
            print(f"{mutant.id:>3}  {mutant.file}  {mutant.description}\n     caught by: {', '.join(mutant.tests)}")
        return 0
    wanted = {int(arg) for arg in argv if arg.isdigit()}
    chosen = [mutant for mutant in MUTANTS if not wanted or mutant.id in wanted]
    check_table()
    all_tests = tuple(dict.fromkeys(test for mutant in chosen for test in mutant.tests))
    with tempfile.TemporaryDirectory(prefix="entitykit-baseline-") as tmp:
        tree = Path(tmp)
        copy_tree(tree)
        baseline = run_tests(tree, all_tests)
        if baseline.returncode != 0:
            print("baseline: the tests fail without any mutant; fix them first\n" + baseline.stdout[-3000:])
            return 1
    print(f"baseline: {len(all_tests)} test selections pass on the unmutated code")
    survived = []
    for mutant in chosen:
        with tempfile.TemporaryDirectory(prefix=f"entitykit-mutant-{mutant.id}-") as tmp:
            tree = Path(tmp)
            copy_tree(tree)
            apply(mutant, tree)
            result = run_tests(tree, mutant.tests)
        caught = result.returncode == 1  # tests failed; 2-5 are pytest usage or collection errors
        if result.returncode not in (0, 1):
            print(f"mutant {mutant.id}: pytest exited {result.returncode}\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
        failed = next((line for line in result.stdout.splitlines() if line.startswith("FAILED")), "")
        verdict = "caught  " if caught else "SURVIVED"
        print(f"{verdict} {mutant.id:>2}  {mutant.description}")
        if failed:
            print(f"            by {failed.removeprefix('FAILED ')[:150]}")
        if not caught:
            survived.append(mutant)
    print(f"\n{len(chosen) - len(survived)} of {len(chosen)} mutants caught")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
