"""Evaluation: extracted claims and a comparison scored against a gold set.

Takes a gold JSON Lines file (:mod:`.gold`: articles, claims, clusters, relations) and
what the pipeline produced; gives an :class:`~.report.EvalReport` (claims P/R/F1, speaker
accuracy, cluster F1, relation accuracy) from :mod:`.score`, which matches claims and
scores them; :mod:`.same` says when a speaker or quantity is the gold one, and
:mod:`.report` holds the report's models and its table.

Layering: imports ``ingest``, ``extraction`` (grounding), ``compare`` and the top-level
contract; never runs, io or the CLI.
"""
