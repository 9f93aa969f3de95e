"""Memory stays bounded on absurd input (issue 11, item 2): a 60,000-letter "word" tagged PER.

The pipeline runs in a subprocess so that its peak memory (``ru_maxrss``) is its own; an
address-space limit makes today's quadratic growth fail fast instead of swapping.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))
    import spacy
    import entitykit

    import random

    word = "A" + "".join(random.Random(0).choices("bdfgklmnprstuaeio", k=59_999))  # no letter run to fold
    nlp = spacy.blank("de")
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    nlp.add_pipe("entitykit_mentions")
    nlp.add_pipe("entitykit_resolver")
    nlp.initialize()  # the default registry; initialize() empties the ruler, so patterns come after
    ruler.add_patterns([{"label": "PER", "pattern": word}])
    texts = [f"Gestern sprach {word} in Minsk.", f"{word}-Regime und {word}s Rede."]
    docs = list(entitykit.extract(texts, nlp=nlp))
    with nlp.select_pipes(enable=["ner"]):
        assert nlp(texts[0]).ents[0].text == word  # NER tags it: the test reaches the components
    assert [m.text for m in docs[0].mentions] == ["Minsk"], docs  # no name: no mention
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB on Linux
    """
)


def test_extract_on_a_60000_letter_person_stays_under_1_gb():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    peak_kib = int(done.stdout.split()[-1])
    assert peak_kib < 2**20, f"peak {peak_kib / 2**20:.2f} GB"


REGISTRY_SCRIPT = textwrap.dedent(
    """
    import random, resource
    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))
    from entitykit.aliases import AliasRegistry
    from entitykit.resolver import Resolver

    alias = "".join(random.Random(1).choices("bdfgklmnprstuaeio", k=1_000_000)).capitalize()
    record = {"id": "org:lang", "name": "Lange Organisation", "label": "ORG", "aliases": [alias]}
    resolver = Resolver(AliasRegistry.from_sources([record]))
    assert resolver.resolve("Lange Organisation", "ORG").entity_id == "org:lang"
    assert resolver.resolve(alias, "ORG").entity_id == "org:lang"  # still found, exactly
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    """
)


def test_a_registry_alias_of_1_mb_stays_under_1_gb():
    done = subprocess.run([sys.executable, "-c", REGISTRY_SCRIPT], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.split()[-1]) < 2**20
