"""Loading a script of ``benchmarks/`` as a module, for the tests of its own parts.

``benchmarks`` is not a package here, and an installed dependency (pysbd) ships a top-level
``benchmarks`` package of its own, so a script is loaded by its path.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load_benchmark(stem: str, name: str | None = None) -> ModuleType:
    """``benchmarks/<stem>.py`` as the module ``name`` (default ``stem``), registered in
    ``sys.modules`` (dataclasses look their module up, and a script may import another)."""
    name = name or stem
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{stem}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module
