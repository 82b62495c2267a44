"""The one YAML loader of newsclf: every config file (data configs, experiment configs, actors,
a run's ``config.yaml`` and ``actors.yaml``) and every ``--set`` value is read through it.

It is :class:`yaml.SafeLoader` (plain data only: mappings, lists, strings, numbers, booleans,
null, dates) with these refusals, each a one-line :class:`~newsclf.errors.ConfigError` naming the
file and line:

- a file over :data:`MAX_BYTES`, or not UTF-8 text;
- a tag that builds objects (``!!python/...``, any ``!custom`` tag);
- a key given twice in one mapping (YAML keeps the last one silently; we refuse);
- a float that is not finite (``.inf``, ``.nan``, ``1.0e+999``);
- an alias (``*name``) to the node it sits in (a recursive structure);
- aliases that expand the document past :data:`MAX_NODES` values ("billion laughs": a 467-byte
  file can name 10^9 strings); sizes are counted while composing, before anything is built;
- (:func:`load_mapping`) a top level that is not a mapping.

:func:`shown` renders any value for an error message within a fixed number of characters: a
message never renders unbounded input.
"""

from __future__ import annotations

import math
import reprlib
from pathlib import Path
from typing import Any

import yaml

from newsclf.errors import ConfigError

__all__ = ["MAX_BYTES", "MAX_NODES", "clip", "load_mapping", "load_yaml", "parse_yaml", "read_text", "shown"]

MAX_BYTES = 8 * 1024 * 1024
"""Largest YAML file read (8 MB; the shipped configs are under 5 KB)."""
MAX_NODES = 100_000
"""Most values (mapping entries, list items, scalars) a document may hold once aliases are expanded."""

_repr = reprlib.Repr()
_repr.maxstring = 80
_repr.maxother = 80
_repr.maxlist = _repr.maxtuple = _repr.maxset = _repr.maxdict = 6
_repr.maxlevel = 3


def shown(value: Any, limit: int = 120) -> str:
    """``repr(value)`` cut to at most ``limit`` characters (nested containers and long strings
    abbreviated with ``...``), whatever the size or depth of ``value``."""
    text = _repr.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def clip(text: str, limit: int = 300) -> str:
    """``text`` cut to at most ``limit`` characters (``...`` marks the cut)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Refused(yaml.YAMLError):
    def __init__(self, message: str, mark: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


class _Loader(yaml.SafeLoader):
    """SafeLoader that counts expanded sizes, refuses duplicate keys and non-finite floats."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            node = self.anchors.get(event.anchor)
            if node is not None and id(node) not in self._sizes:
                raise _Refused(f"alias *{event.anchor} refers to the node it is in (a recursive "
                               "structure); write the value out", event.start_mark)
        node = super().compose_node(parent, index)
        key = id(node)
        if key not in self._sizes:
            if isinstance(node, yaml.MappingNode):
                size = 1 + sum(self._sizes.get(id(k), 1) + self._sizes.get(id(v), 1)
                               for k, v in node.value)
            elif isinstance(node, yaml.SequenceNode):
                size = 1 + sum(self._sizes.get(id(v), 1) for v in node.value)
            else:
                size = 1
            if size > MAX_NODES:
                raise _Refused(f"aliases expand this document past {MAX_NODES:,} values (an alias "
                               "bomb?); write the values out", node.start_mark)
            self._sizes[key] = size
        return node

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                except TypeError:  # unhashable key: SafeConstructor reports it
                    continue
                if first is not None:
                    raise _Refused(f"key {shown(key, 60)} is given twice (first on line "
                                   f"{first.line + 1}); keep one", key_node.start_mark)
                seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_float(self, node: Any) -> float:
        value = super().construct_yaml_float(node)
        if not math.isfinite(value):
            raise _Refused(f"{shown(node.value, 40)} is not a finite number", node.start_mark)
        return value

    def construct_undefined(self, node: Any) -> Any:
        raise _Refused(f"tag {shown(node.tag, 80)} is not allowed: configs hold plain data "
                       "(mappings, lists, strings, numbers, booleans, null)", node.start_mark)


_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_yaml_float)
_Loader.add_constructor(None, _Loader.construct_undefined)


def parse_yaml(text: str, source: str = "<yaml>") -> Any:
    """Plain data from YAML ``text`` (see the module docstring for what is refused).

    Raises
    ------
    ConfigError
        ``<source>:<line>: <problem>`` in one line.
    """
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    except _Refused as exc:
        raise ConfigError(f"{_at(source, exc.mark)}: {exc.message}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(str(exc.problem or exc.context or "syntax error").split())
        raise ConfigError(f"{_at(source, mark)}: not valid YAML ({clip(problem, 200)})") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML ({clip(str(exc), 200)})") from None
    except RecursionError:
        raise ConfigError(f"{source}: nested too deeply to read") from None
    finally:
        loader.dispose()


def _at(source: str, mark: Any) -> str:
    return f"{source}:{mark.line + 1}" if mark is not None else source


def read_text(path: str | Path, what: str = "YAML file") -> str:
    """The UTF-8 text of ``path``, at most :data:`MAX_BYTES` (``what`` names it in errors).

    Raises
    ------
    ConfigError
        When the file is missing, unreadable, too large or not UTF-8.
    """
    path = Path(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"{path}: {what} not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder; a {what} is a YAML file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the {what} ({exc.strerror or exc})") from None
    if len(raw) > MAX_BYTES:
        raise ConfigError(f"{path}: over {MAX_BYTES // (1024 * 1024)} MB; a {what} is a small YAML file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{path}:{line}: the {what} is not UTF-8 text (byte {exc.start})") from None
    return text


def load_yaml(path: str | Path, what: str = "YAML file") -> Any:
    """Read and parse the YAML file ``path`` (``what`` names it in errors: "data config"...).

    Raises
    ------
    ConfigError
        When the file is missing, unreadable, larger than :data:`MAX_BYTES`, not UTF-8 or refused
        by :func:`parse_yaml`.
    """
    return parse_yaml(read_text(path, what), str(path))


def load_mapping(path: str | Path, what: str = "YAML file", expected: str = "") -> tuple[dict[str, Any], str]:
    """``(mapping, text)`` of the YAML file ``path``, whose top level must be a mapping.

    ``expected`` says which keys it should hold ("name, tasks, sources"), for the error message.
    """
    text = read_text(path, what)
    data = parse_yaml(text, str(path))
    if not isinstance(data, dict):
        kinds = {str: "a single text value", list: "a list", int: "a number", float: "a number",
                 bool: "a boolean"}
        kind = "empty" if data is None else kinds.get(type(data), f"a {type(data).__name__}")
        keys = f" ({expected})" if expected else ""
        raise ConfigError(f"{path}: expected a mapping of keys{keys} in this {what}; it is {kind}")
    return data, text
