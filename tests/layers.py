"""Which of a package's imports reach a layer it may not import (for the layer tests)."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "extractor"


def forbidden_imports(stage: str, forbidden: Iterable[str]) -> list[tuple[str, str]]:
    """``(module, layer)`` for each import in ``extractor/<stage>/`` (its subpackages
    included) of a ``forbidden`` top-level module or subpackage of ``extractor``."""
    banned = set(forbidden)
    return [
        (str(module.relative_to(PACKAGE / stage)), layer)
        for module in sorted((PACKAGE / stage).rglob("*.py"))
        for layer in sorted(imported_layers(module) & banned)
    ]


def imported_layers(module: Path, package: Path = PACKAGE) -> set[str]:
    """The ``extractor`` modules and subpackages that ``module`` imports, by their first name
    under ``extractor`` (``"models"``, ``"llm"``; ``""`` for the package itself)."""
    here = list(module.relative_to(package).parent.parts)  # [] at the top, ["llm"] below
    found: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = here[: len(here) - node.level + 1] if node.level <= len(here) + 1 else None
            if base is None:
                continue
            parts = base + (node.module or "").split(".") if node.module else base
            if parts:
                found.add(parts[0])
            else:  # ``from .. import x``: x is a module, or a name of the package itself
                found |= {
                    a.name if (package / f"{a.name}.py").exists() or (package / a.name).is_dir()
                    else ""
                    for a in node.names
                }  # fmt: skip
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [
                a.name for a in node.names
            ]  # fmt: skip
            for name in names:
                parts = name.split(".")
                if parts[0] == "extractor":
                    found.add(parts[1] if len(parts) > 1 else "")
    return found


def layer_violations(
    allowed: dict[str, set[str]], shared: set[str], package: Path = PACKAGE
) -> list[tuple[str, str]]:
    """``(module, layer)`` for each import of a layer that the importer's own layer may not
    import. ``allowed`` maps a layer (a subpackage, or a top-level module's name) to the
    layers it may import; every layer may import itself and the ``shared`` modules."""
    found: list[tuple[str, str]] = []
    for layer, may in sorted(allowed.items()):
        path = package / layer
        modules = sorted(path.rglob("*.py")) if path.is_dir() else [package / f"{layer}.py"]
        for module in modules:
            for imported in sorted(imported_layers(module, package) - may - shared - {layer}):
                found.append((str(module.relative_to(package)), imported or "extractor"))
    return found
