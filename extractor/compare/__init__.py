"""The comparison stage: claims from many sources in, facts and their relations out.

Takes :class:`~extractor.models.Claim` objects (from any producer; missing quantities
and stance are filled from the quote) and, optionally, the articles' outlets and dates.
Gives a :class:`~extractor.models.Comparison`: clusters of claims that state one fact,
each with a relation (agree, numeric_discrepancy, contradiction, superseded,
single_source) and a one-line explanation citing the claims.

An article's claims flow through the modules in this order:

* :mod:`.articles` -- outlets and dates by article id (objects or a JSON Lines side file);
* :mod:`.facts` -- a claim reduced to what the rules read (:class:`~.facts.Fact`);
* :mod:`.embeddings` -- the :class:`~.embeddings.Embedder` seam (MiniLM, hashing);
* :mod:`.clustering` -- candidate pairs by blocking, then coherent clusters;
* :mod:`.dedup` -- duplicate claims merged with their provenance;
* :mod:`.rules` -- the relation of one cluster, decided by code;
* :mod:`.judge` -- a model asked only where the rules abstain, its answer read strictly;
* :mod:`.options` -- every threshold and size, in one frozen object;
* :mod:`.stage` -- :func:`compare`, which runs the above; :mod:`.table` renders it.

Layering: this package may import :mod:`extractor.models`, ``settings``, ``errors``,
``quantities``, ``stance`` and the language layer; the judge also uses the completion
back ends and prompts. It never imports the runs layer (``run``, ``store``, ``jobs``) or
the CLI.
"""

from __future__ import annotations

from .articles import load_articles_metadata
from .judge import CompletionJudge, Judge
from .options import CompareOptions
from .stage import compare
from .table import render_table

__all__ = [
    "CompareOptions",
    "CompletionJudge",
    "Judge",
    "compare",
    "load_articles_metadata",
    "render_table",
]
