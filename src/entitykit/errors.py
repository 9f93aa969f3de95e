"""Exceptions raised by entitykit. Each message says what was given and what to do."""


class EntitykitError(Exception):
    """Base class of every error entitykit raises on purpose."""


class ModelNotFoundError(EntitykitError):
    """No German spaCy pipeline could be loaded from the name or path given."""


class CorpusFormatError(EntitykitError, ValueError):
    """A labelled corpus or input file does not have the expected format."""


class RegistryError(EntitykitError, ValueError):
    """An alias registry file or record is invalid."""


class InputError(EntitykitError, ValueError):
    """A batch input (path, record, option) cannot be used."""


class MissingDependencyError(EntitykitError, ImportError):
    """An optional dependency (e.g. pandas for the notebook helpers) is not installed."""
