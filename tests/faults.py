"""Old names of :class:`extractor.testing.FakeCompletionServer`, the one fake server.

Kept only for ``tests/test_store_integrity.py`` until its import names
``extractor.testing``; then delete this file.
"""

from __future__ import annotations

from extractor.testing import FAULTS, Exchange
from extractor.testing import FakeCompletionServer as FaultServer
from extractor.testing import serving as fault_serving

__all__ = ["FAULTS", "Exchange", "FaultServer", "fault_serving"]
