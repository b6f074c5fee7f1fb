"""The one exception hierarchy of ``extractor``.

::

    ExtractorError                 base of everything this package raises on purpose
    ├── ConfigError                settings or a job file that cannot work (exit code 2)
    ├── InputError                 an article that cannot be read: empty, binary, not UTF-8,
    │                              too large, a broken JSONL line (carried per article)
    ├── PromptError                an unknown prompt template or a missing template variable
    ├── BackendError               the model could not be reached or answered unusably
    │   ├── ModelLoadError         the local GGUF could not be found or loaded
    │   └── TransportError         HTTP failure that survived every retry (429, 5xx, timeout,
    │                              a malformed answer), or a refused request (401, 404)
    ├── ExtractionError            the model's answers never validated within the re-ask bound
    ├── BudgetExceeded             ``max_tokens_per_run`` is spent; remaining articles skipped
    ├── Cancelled                  the batch was closed: an article in flight stops asking
    └── StoreError                 the store cannot be opened, is locked or is read-only
        └── StoreLocked            another run holds the store's lock (exit code 3)

Errors that happen to one article are caught by the pipeline and recorded in that
article's :class:`~extractor.models.ArticleResult` as an :class:`~extractor.models.ArticleError`;
a batch never dies because one article is bad.
"""

from __future__ import annotations

__all__ = [
    "BackendError",
    "BudgetExceeded",
    "Cancelled",
    "ConfigError",
    "ExtractionError",
    "ExtractorError",
    "InputError",
    "ModelLoadError",
    "PromptError",
    "StoreError",
    "StoreLocked",
    "TransportError",
]


class ExtractorError(Exception):
    """Base class of every error ``extractor`` raises on purpose."""

    #: short machine-readable kind, recorded in ArticleError.kind
    kind = "error"


class ConfigError(ExtractorError):
    kind = "config"


class InputError(ExtractorError):
    kind = "input"


class PromptError(ExtractorError):
    kind = "prompt"


class BackendError(ExtractorError):
    kind = "backend"


class ModelLoadError(BackendError):
    kind = "model_load"


class TransportError(BackendError):
    kind = "transport"

    def __init__(self, message: str, *, requests: int = 0, retries: int = 0) -> None:
        super().__init__(message)
        #: HTTP requests made, and retries among them, before giving up (counted in Usage)
        self.requests = requests
        self.retries = retries


class ExtractionError(ExtractorError):
    kind = "extraction"


class BudgetExceeded(ExtractorError):
    kind = "budget"


class Cancelled(ExtractorError):
    kind = "cancelled"


class StoreError(ExtractorError):
    kind = "store"


class StoreLocked(StoreError):
    kind = "store_locked"
