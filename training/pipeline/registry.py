"""Registries that map names used in configs to featurizer and estimator factories.

A featurizer factory takes typed keyword parameters with defaults and returns a scikit-learn
transformer whose ``fit``/``transform`` accept the task's input :class:`pandas.DataFrame` (see
:mod:`newsclf.tasks`). An estimator factory does the same for a scikit-learn classifier (with a
``random_state`` parameter where the estimator is random: the experiment seed fills it). New
featurizers and estimators register with the decorators below, in any module imported by
:mod:`newsclf.pipeline.components`; the trainer never needs to change.

The signature is the parameter schema: the registry builds a pydantic model from it
(:meth:`Registry.params_model`), so a config's parameters are checked (unknown names, types,
ranges, allowed values) before any work starts, and the run's resolved ``config.yaml`` lists every
effective parameter, defaults included (:meth:`Registry.resolve`).

Example
-------
>>> from typing import Literal
>>> from newsclf.pipeline.params import NgramRange, PositiveInt
>>> @featurizers.register("my_feats")                                   # doctest: +SKIP
... def my_feats(ngram_range: NgramRange = (1, 1), min_df: PositiveInt = 1,
...              analyzer: Literal["word", "char"] = "word") -> MyTransformer:
...     return MyTransformer(ngram_range=ngram_range, min_df=min_df, analyzer=analyzer)
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model, model_validator

__all__ = ["Registry", "estimators", "featurizers"]


def _params_model(kind: str, name: str, factory: Callable[..., Any],
                  after: Callable[[Any], None] | None = None) -> type[BaseModel]:
    """A pydantic model of ``factory``'s keyword parameters (every one typed, with a default);
    ``after(values)`` checks and may complete the validated values (nested parameters)."""
    hints = typing.get_type_hints(factory, include_extras=True)
    fields: dict[str, Any] = {}
    for pname, param in inspect.signature(factory).parameters.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise TypeError(f"{kind} {name!r}: factories take named keyword parameters, not *{pname}")
        if param.default is param.empty or pname not in hints:
            raise TypeError(f"{kind} {name!r}: parameter {pname!r} needs a type hint and a default")
        fields[pname] = (hints[pname], param.default)
    validators = {}
    if after is not None:

        def _after(values: Any) -> Any:
            after(values)
            return values

        validators["_after"] = model_validator(mode="after")(_after)
    return create_model(
        f"{name}_params", __config__=ConfigDict(extra="forbid", protected_namespaces=(), allow_inf_nan=False),
        __validators__=validators, **fields,
    )


class Registry:
    """A named collection of factories with typed parameters.

    Parameters
    ----------
    kind : str
        What the registry holds ("featurizer", "estimator"), used in error messages.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._factories: dict[str, Callable[..., Any]] = {}
        self._models: dict[str, type[BaseModel]] = {}

    def register(self, name: str, after: Callable[[Any], None] | None = None
                 ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator: register ``factory`` under ``name`` (names are unique).

        ``after(values)`` runs on the validated parameters (an object with one attribute per
        parameter): it may check parameters that depend on each other or complete nested ones
        (raise ``ValueError`` naming the parameter).

        Raises ``TypeError`` when a parameter lacks a type hint or a default, or the factory
        takes ``*args``/``**kwargs``.
        """

        def decorator(factory: Callable[..., Any]) -> Callable[..., Any]:
            if name in self._factories and self._factories[name] is not factory:
                raise ValueError(f"{self.kind} {name!r} is already registered")
            self._models[name] = _params_model(self.kind, name, factory, after)
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

    def params_model(self, name: str) -> type[BaseModel]:
        """The pydantic model of ``name``'s parameters (built from the factory signature)."""
        self.get(name)
        return self._models[name]

    def check(self, name: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Every parameter of ``name`` as the factory receives it (validated, defaults filled).

        Raises
        ------
        pydantic.ValidationError
            Unknown parameter, wrong type, value out of range or not allowed; ``loc`` is the
            parameter name.
        """
        model = self.params_model(name).model_validate(dict(params))
        return {field: getattr(model, field) for field in type(model).model_fields}

    def resolve(self, name: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Every parameter of ``name`` as plain JSON data (what a run's ``config.yaml`` lists)."""
        return self.params_model(name).model_validate(dict(params)).model_dump(mode="json")

    def create(self, name: str, **params: Any) -> Any:
        """Build the component ``name`` with validated ``params``.

        Raises
        ------
        ValueError
            Naming the component and the bad parameter(s) (see :meth:`check`).
        """
        from pydantic import ValidationError

        try:
            values = self.check(name, params)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or '(params)'}: {e['msg']}" for e in exc.errors()
            )
            raise ValueError(f"{self.kind} {name!r}: bad parameters: {problems}") from None
        return self.get(name)(**values)

    def __contains__(self, name: object) -> bool:
        return name in self._factories


featurizers = Registry("featurizer")
estimators = Registry("estimator")
