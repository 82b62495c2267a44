"""Registries that map names used in configs to featurizer and estimator factories.

A featurizer factory takes keyword parameters and returns a scikit-learn transformer whose
``fit``/``transform`` accept the task's input :class:`pandas.DataFrame` (see
:mod:`newsclf.tasks`). An estimator factory takes keyword parameters (``random_state`` among
them where the estimator is random) and returns a scikit-learn classifier. New featurizers and
estimators register with the decorators below, in any module imported by
:mod:`newsclf.pipeline.components`; the trainer never needs to change.

Example
-------
>>> @featurizers.register("my_feats")
... def my_feats(**params):
...     return MyTransformer(**params)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Registry", "estimators", "featurizers"]


class Registry:
    """A named collection of factories.

    Parameters
    ----------
    kind : str
        What the registry holds ("featurizer", "estimator"), used in error messages.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._factories: dict[str, Callable[..., Any]] = {}

    def register(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator: register ``factory`` under ``name`` (names are unique)."""

        def decorator(factory: Callable[..., Any]) -> Callable[..., Any]:
            if name in self._factories and self._factories[name] is not factory:
                raise ValueError(f"{self.kind} {name!r} is already registered")
            self._factories[name] = factory
            return factory

        return decorator

    def names(self) -> list[str]:
        """Sorted registered names."""
        return sorted(self._factories)

    def get(self, name: str) -> Callable[..., Any]:
        """Return the factory for ``name``; unknown names raise ``KeyError`` listing the known ones."""
        try:
            return self._factories[name]
        except KeyError:
            raise KeyError(
                f"unknown {self.kind} {name!r}; registered: {', '.join(self.names())}"
            ) from None

    def create(self, name: str, **params: Any) -> Any:
        """Build the component ``name`` with ``params``; bad parameters name the component."""
        factory = self.get(name)
        try:
            return factory(**params)
        except TypeError as exc:
            raise ValueError(f"{self.kind} {name!r}: bad parameters {params}: {exc}") from exc

    def __contains__(self, name: object) -> bool:
        return name in self._factories


featurizers = Registry("featurizer")
estimators = Registry("estimator")
