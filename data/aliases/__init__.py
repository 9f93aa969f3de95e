"""The bundled alias registry: one JSONL file per label (see README.md in this folder).

This folder is the package ``entitykit.data.aliases``: ``pyproject.toml`` maps it there, so the
files exist once and reach regular and editable installs alike, where
:func:`entitykit.aliases.default_registry_paths` finds them with ``importlib.resources``.
"""
