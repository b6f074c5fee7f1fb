"""Which of a package's imports reach a layer it may not import (for the layer tests)."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "extractor"


def forbidden_imports(stage: str, forbidden: Iterable[str]) -> list[tuple[str, str]]:
    """``(module, layer)`` for each import in ``extractor/<stage>/`` of a ``forbidden``
    top-level module of ``extractor`` (relative or absolute)."""
    banned = set(forbidden)
    found: list[tuple[str, str]] = []
    for module in sorted((PACKAGE / stage).glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level >= 2:
                top = (node.module or "").split(".")[0]
                names = [top] if top else [a.name for a in node.names]
                found += [(module.name, n) for n in names if n in banned]
            elif isinstance(node, ast.ImportFrom | ast.Import):
                for name in (
                    [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else [a.name for a in node.names]
                ):
                    parts = name.split(".")
                    if parts[0] == "extractor" and len(parts) > 1 and parts[1] in banned:
                        found.append((module.name, parts[1]))
    return found
