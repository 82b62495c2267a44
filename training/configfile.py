"""Helpers shared by the two config schemas (data configs and experiment configs): where a key
sits in the YAML file, and which keys a config section allows — so that every config error can
name the file, the line, the key and the allowed keys."""

from __future__ import annotations

import types
import typing
from typing import Any

import yaml
from pydantic import BaseModel

__all__ = ["allowed_keys", "yaml_line"]


def yaml_line(node: Any, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML node at ``loc``, or of its deepest existing parent; None if unknown.

    Parameters
    ----------
    node : yaml.Node or str
        A composed YAML tree (``yaml.compose(text)``) or the YAML text itself.
    loc : tuple of str/int
        Key path as pydantic reports it (mapping keys and list indices).
    """
    if isinstance(node, str):
        try:
            node = yaml.compose(node)
        except yaml.YAMLError:
            return None
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            pair = next(((k, v) for k, v in node.value if getattr(k, "value", None) == part), None)
            if pair is None:
                break
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation (``Model``, ``list[Model]``, ``Model | None``...)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def allowed_keys(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Keys allowed in the section that holds ``loc[-1]``, walking nested models from ``root``."""
    model = root
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        nested = _model_in(field.annotation) if field is not None else None
        if nested is None:
            return []
        model = nested
    return list(model.model_fields)
