"""A function that shares its name with a subpackage, and lets the subpackage be reached.

``extractor.compare`` is the comparison function, and ``extractor/compare/`` the package
that holds it. A plain function in that place hides the package from ``import
extractor.compare.embeddings as embeddings``, which reads the attribute chain
``extractor.compare.embeddings``. :class:`PackageFunction` calls like the function (same
signature, same documentation) and answers any other attribute from the package.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import ModuleType
from typing import Any, Generic, ParamSpec, TypeVar

__all__ = ["PackageFunction"]

P = ParamSpec("P")
R = TypeVar("R")


class PackageFunction(Generic[P, R]):
    """``function``, whose missing attributes are read from ``package``."""

    def __init__(self, function: Callable[P, R], package: ModuleType) -> None:
        self._function = function
        self._package = package
        functools.update_wrapper(self, function)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        return self._function(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._package, name)

    def __repr__(self) -> str:
        return f"<function {self._package.__name__} (package {self._package.__name__})>"
