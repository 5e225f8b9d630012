"""Errors detente raises. Every message says what failed and what to do.

    DetenteError                 base: the CLI turns it into one line on stderr
    ├── InputError               a document or path that cannot be read as text
    │   └── InputTooLargeError   a file above the documented size limit
    ├── ResourceError            a model, knowledge-base or dictionary file is missing or broken
    ├── EvaluationError          a gold-data file is not in a known format
    ├── StoreError               the event store cannot be opened or written
    │   └── StoreInUseError      another process holds the store
    └── AnalysisError            an analysis or export cannot be made from the given input
"""

from __future__ import annotations


class DetenteError(Exception):
    """Base class of all errors detente raises on purpose."""


class InputError(DetenteError):
    """A document or path cannot be read as text."""


class InputTooLargeError(InputError):
    """A file is larger than detente reads in one piece."""


class ResourceError(DetenteError):
    """A model, knowledge-base or dictionary file is missing or broken."""


class EvaluationError(DetenteError):
    """A gold-data file is not in a format `detente evaluate` knows."""


class StoreError(DetenteError):
    """The event store cannot be opened or written."""


class StoreInUseError(StoreError):
    """Another process holds the event store."""


class AnalysisError(DetenteError):
    """An analysis, export or import cannot be made: unknown actor, empty period or store, bad file."""
