"""The formats results are written in: JSON Lines read back, tables, the HTML report.

Takes claims, article results and comparisons; gives files a person or another tool reads:

* :mod:`.jsonl` -- claim and result files read back into the models;
* :mod:`.export` -- claims and comparisons as JSON Lines, CSV or Parquet tables, and back;
* :mod:`.report` -- one self-contained HTML page (``templates/``), CSP-safe;
* :mod:`.progress` -- the batch's progress bar, rate and summary line;
* :mod:`.output` -- the command line's output files, streamed or replaced atomically.

Layering: imports ``ingest``, ``compare`` and the top-level contract; never runs or the CLI
(the runs layer uses these formats, not the other way round).
"""
