"""Shared fixtures: the reference article, a tiny rule-based German "NER" pipeline, the bundled model."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "belta-2023-01-10-ovks.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def rule_pipeline_path(tmp_path_factory) -> Path:
    """A saved pipeline whose 'ner' is an entity ruler: fast, deterministic, no training."""
    import spacy

    nlp = spacy.blank("de")
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns(
        [
            {"label": "PER", "pattern": [{"TEXT": "Alexander"}, {"TEXT": {"IN": ["Lukaschenko", "Wolfowitsch"]}}]},
            {"label": "PER", "pattern": "Lukaschenko"},
            {"label": "ORG", "pattern": "OVKS"},
            {"label": "LOC", "pattern": "Minsk"},
            {"label": "LOC", "pattern": "Moskau"},
        ]
    )
    path = tmp_path_factory.mktemp("rules") / "de_rules"
    nlp.to_disk(path)
    return path


@pytest.fixture(scope="session")
def bundled_nlp():
    """entitykit's default pipeline (loaded once per test session)."""
    import entitykit
    from entitykit.models import bundled_model_path

    if not (bundled_model_path() / "config.cfg").is_file():
        pytest.skip("bundled model not built yet")
    return entitykit.load()
