"""Ingest, the first stage: files, directories and JSON Lines feeds in, articles out.

Takes paths (text, Markdown, HTML, JSON Lines, gzip) and gives
:class:`~extractor.models.Article` objects with their text in the order a reader sees it
(:mod:`.bidi`), their outlet, date and a content hash (:mod:`.articles`). A file that cannot
be read becomes an :class:`~extractor.errors.InputError` for that file alone.

Layering: imports only ``extractor.models``, ``extractor.errors`` and ``extractor.settings``.
"""
