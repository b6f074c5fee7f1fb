"""The one stop-word list: function words and reporting verbs, which say nothing about what
a claim states. Imports nothing, so every layer may use it (``tests/test_layers.py``)."""

from __future__ import annotations

__all__ = ["STOPWORDS"]

STOPWORDS = frozenset(
    """a an the in on at of for to and but or nor as by with from this that these those it
    its he she they them we you i his her their our your there here after before while when
    where what if is are was were be been being have has had do does did will would shall
    should can could may might must not no also already now then still just only even who
    which whom whose than into over under about up out so such very more most other some
    any all said says say told tell claim claims claimed report reports reported
    according""".split()
)
