"""The language layer: what our code reads in an article before any model is asked.

Takes an article's text. Gives, with character offsets into that text:

- sentences, and the candidate sentences worth asking about (:mod:`.segment`; whether one
  reports an event, :mod:`.events`);
- numbers with their units, hedges and intervals (:mod:`.quantities`), and a sentence's
  stance: asserted, denied, hedged or unconfirmed (:mod:`.stance`), and where a sentence's
  coordinated clause begins (:mod:`.clauses`);
- a parse (tokens, entities, dependencies) from a spaCy pipeline (:mod:`.nlp`);
- **attribution frames**, PARC / PolNeAR style: source, cue and content spans, for direct
  quotes, indirect speech, "according to X", "quoted X as saying" and quotes attributed
  across sentences (:mod:`.frames`, its parts in :mod:`.frame_parts`), nouns of saying
  ("X's claim that ...", "a statement from X", :mod:`.nouns`) and layout (a transcript's
  "SMITH: ...", a quote signed "― Jane Doe", :mod:`.layout`);
- **speaker candidates**: each frame's source resolved to a named mention of the article
  (pronouns and definite descriptions to the nearest compatible earlier mention, short
  names to their full form), best first (:mod:`.mentions`, :mod:`.speakers`);
- the **proposition** of a sentence, its content clause with references resolved, and the
  **referent** of each quantity: what is counted, whose, where to (:mod:`.propositions`);
- restatement checks that compare a model's wording with the quote (:mod:`.faithful`).

It proposes; a model may choose among the candidates (see ``extractor.extraction``), but
nothing here asks one. It may import ``extractor.models``, ``extractor.errors``,
``extractor.settings`` and the
ingest stage's :mod:`~extractor.ingest.bidi`; never the model back ends, extraction,
comparison, io, runs or the CLI (``tests/test_layers.py`` checks).
"""

from __future__ import annotations

from .analysis import ArticleAnalysis, SentenceAnalysis, analyze
from .faithful import check_faithful
from .frames import Frame, FrameKind, TextSpan
from .nlp import DEFAULT_PIPELINE, load_pipeline
from .speakers import AUTHOR, Speaker

__all__ = [
    "AUTHOR",
    "DEFAULT_PIPELINE",
    "ArticleAnalysis",
    "Frame",
    "FrameKind",
    "SentenceAnalysis",
    "TextSpan",
    "Speaker",
    "analyze",
    "check_faithful",
    "load_pipeline",
]
