"""Scheduled and distributed runs: the store, job files, incremental work, clean stops.

Takes a job (inputs, store, outputs, settings) and gives a run: the new articles
extracted into the store, the comparison brought up to date for what is new, what changed
since the last run, the outputs written, and a summary.

* :mod:`.store` -- the SQLite store: articles, claims, the response cache; built of
  :mod:`.schema` (numbered migrations), :mod:`.sqlite` (the connection, its lock and
  errors), :mod:`.history` (runs, errors, changes) and :mod:`.cluster_tables` (clusters,
  claim vectors, blocking keys);
* :mod:`.jobs` -- the TOML job file;
* :mod:`.fingerprint` -- the settings that decide an article's claims, hashed;
* :mod:`.scheduled` -- :func:`~.scheduled.run_job`, what ``extractor run`` does, and
  :mod:`.results`, its JSON line; :mod:`.plan` -- ``--dry-run``;
* :mod:`.comparisons` -- the incremental comparison over the store;
* :mod:`.changes` -- what changed since the previous run;
* :mod:`.outputs` -- the run's output files;
* :mod:`.export` -- a store's claims or comparison as a table;
* :mod:`.ray_engine` -- the same extraction spread over a Ray cluster;
* :mod:`.interrupts` -- Ctrl-C and SIGTERM stop a batch between articles.

Layering: may import every stage below it (ingest, language, llm, extraction, compare,
io); never the CLI.
"""
