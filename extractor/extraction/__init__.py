"""Extraction, per article: candidates from the language layer, a model's choice, claims.

Takes an :class:`~extractor.models.Article` and a back end; gives one
:class:`~extractor.models.ArticleResult` with grounded claims, or the error that stopped
it. In the order an article flows:

* :mod:`.pipeline` -- the batch: read ahead, extract concurrently, keep the input order;
* :mod:`.strategy` -- what a strategy is; :mod:`.attributed` (frames from code, the model
  scores them), :mod:`.sentence` (a few-shot completion per sentence) and :mod:`.article`
  (one chat request per chunk, :mod:`.chunking`) are the three;
* :mod:`.validation` -- a draft accepted only when its quote, speaker and restatement check;
* :mod:`.grounding` -- a quote's offsets in the article, found by our code;
* :mod:`.concurrency` -- ordered maps over a thread pool.

Layering: imports ``ingest``, ``language`` and ``llm``, and the top-level contract
(``models``, ``errors``, ``settings``); never comparison, io, runs or the CLI.
"""
