"""Scheduled and distributed runs: the store, job files, incremental work, clean stops.

Takes a job (inputs, store, outputs, settings) and gives a run: the new articles
extracted into the store, the comparison recomputed, the outputs written, and a summary.

* :mod:`.store` -- the SQLite store: articles, claims, runs, responses, comparisons;
* :mod:`.jobs` -- the TOML job file;
* :mod:`.scheduled` -- :func:`~.scheduled.run_job`, what ``extractor run`` does;
* :mod:`.export` -- a store's claims or comparison as a table;
* :mod:`.ray_engine` -- the same extraction spread over a Ray cluster;
* :mod:`.interrupts` -- Ctrl-C and SIGTERM stop a batch between articles.

Layering: may import every stage below it (ingest, language, llm, extraction, compare,
io); never the CLI.
"""
