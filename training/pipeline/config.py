"""The experiment config: one typed schema, validated (names, parameters, search keys) before any
work starts.

Format (``configs/<task>/*.yaml``)::

    task: boilerplate
    dataset: seed                          # data/<dataset>/<task>/ ; or data_config: configs/data/seed.yaml
    seed: 13
    features:
      - {name: word_tfidf, params: {ngram_range: [1, 2]}}
    model: {name: logreg, params: {C: 1.0, class_weight: balanced}}
    search: {method: grid, cv: 5, scoring: f1_macro, params: {model__C: [0.1, 1, 10]}}

Errors are :class:`~newsclf.errors.ConfigError` naming the file, the line where known, the key path
and the allowed values. Overrides (``--set model.params.C=0.5``, short ``model.C=0.5``) are parsed as
YAML scalars and applied before validation.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from newsclf import settings
from newsclf.configfile import allowed_keys, yaml_line
from newsclf.errors import ConfigError
from newsclf.resources import resolve_path
from newsclf.safeyaml import clip, load_mapping, parse_yaml, shown

if TYPE_CHECKING:
    from newsclf.pipeline.registry import Registry

__all__ = [
    "Component",
    "ExperimentConfig",
    "SearchConfig",
    "apply_overrides",
    "load_config",
    "validate_config",
]

_NUMBER_LIKE = re.compile(r"[-+]?(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:inf|infinity|nan)", re.I)
DATASET_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
"""A dataset name: a folder directly under the data folder (no ``/``, no leading ``.``)."""
SEARCH_METHODS = ("none", "grid", "random", "halving")
DISTRIBUTIONS = ("loguniform", "uniform", "randint")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Component(_Strict):
    """A featurizer or estimator chosen by registry ``name`` with ``params``."""

    name: str
    params: dict[str, Any] = Field(default_factory=dict)


class SearchConfig(_Strict):
    """Hyper-parameter search over group-aware CV folds of the training split."""

    method: Literal["none", "grid", "random", "halving"] = "none"
    cv: int = Field(5, ge=2, le=50)
    scoring: str = "f1_macro"
    params: dict[str, Any] = Field(default_factory=dict)
    n_iter: int = Field(10, ge=1)
    factor: int = Field(3, ge=2)
    backend: Literal["loky", "dask"] = "loky"
    scheduler: str | None = None
    n_jobs: int = Field(-1, ge=-1)
    """Parallel fits of the search (joblib): -1 = all cores (default), 1 = in this process."""

    @field_validator("scoring")
    @classmethod
    def _known_scoring(cls, value: str) -> str:
        from sklearn.metrics import get_scorer_names

        if value not in get_scorer_names():
            common = "f1_macro, accuracy, balanced_accuracy, f1_weighted, neg_log_loss"
            raise ValueError(f"unknown scoring {value!r}; use a scikit-learn scorer name such as {common}")
        return value


class ExperimentConfig(_Strict):
    """A whole experiment; see the module docstring for the YAML form."""

    task: Literal["boilerplate", "stance", "attribution"]
    dataset: str | None = None
    """A folder name under the data folder (``data/<dataset>/<task>/``); never a path."""
    data_config: str | None = None
    seed: int = settings.DEFAULT_SEED
    features: list[Component] = Field(min_length=1)
    model: Component
    search: SearchConfig = Field(default_factory=SearchConfig)
    description: str = ""

    @field_validator("dataset")
    @classmethod
    def _dataset_name(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(DATASET_NAME, value):
            raise ValueError("a dataset is named by its folder under the data folder (letters, digits, "
                             "'_', '-', '.'; no '/', no leading '.'), e.g. seed; to build one from a "
                             "data config use data_config: PATH")
        return value

    @model_validator(mode="after")
    def _dataset_given(self) -> ExperimentConfig:
        if not self.dataset and not self.data_config:
            raise ValueError("set 'dataset' (a name under data/) or 'data_config' (a data config to build)")
        names = [f.name for f in self.features]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"features listed twice: {dupes}; each featurizer name may appear once")
        return self

    def resolved(self) -> dict[str, Any]:
        """Plain-data form (what ``config.yaml`` in a run directory holds)."""
        return self.model_dump(mode="json")


# ----------------------------------------------------------------------------------------------
# overrides


def _parse_override(item: str) -> tuple[list[str], Any]:
    if "=" not in item:
        raise ConfigError(f"--set {shown(item)}: expected KEY=VALUE, e.g. --set model.params.C=0.5")
    key, raw = item.split("=", 1)
    parts = [p for p in key.strip().split(".") if p]
    if not parts:
        raise ConfigError(f"--set {shown(item)}: empty key")
    try:
        value = parse_yaml(raw, "value") if raw.strip() else ""
    except ConfigError as exc:
        raise ConfigError(f"--set {shown(item)}: {clip(str(exc).removeprefix('value:1: '))}") from None
    if isinstance(value, str) and _NUMBER_LIKE.fullmatch(value.strip()):
        # YAML 1.1 reads 1e999 (no dot) as text, which pydantic would turn into inf
        try:
            number = float(value)
        except ValueError:
            number = 0.0
        if not math.isfinite(number):
            raise ConfigError(f"--set {shown(item)}: {shown(value, 40)} is not a finite number")
    return parts, value


def apply_overrides(data: Mapping[str, Any], overrides: Iterable[str]) -> dict[str, Any]:
    """Return a copy of ``data`` with ``--set`` overrides applied.

    ``model.C=0.5`` is short for ``model.params.C=0.5``; ``features.word_tfidf.min_df=2`` sets a
    parameter of the feature named ``word_tfidf`` (``features.0.params.min_df`` works too).
    """
    out = copy.deepcopy(dict(data))
    for item in overrides:
        parts, value = _parse_override(item)
        if parts[0] == "model" and len(parts) >= 2 and parts[1] not in ("name", "params"):
            parts = ["model", "params", *parts[1:]]
        node: Any = out
        for i, part in enumerate(parts[:-1]):
            if isinstance(node, list):
                idx = _list_index(node, part, item)
                node = node[idx]
                if parts[0] == "features" and i == 1 and parts[i + 1] not in ("name", "params"):
                    node = node.setdefault("params", {})
                continue
            if not isinstance(node, dict):
                raise ConfigError(f"--set {item!r}: {'.'.join(parts[: i + 1])} is not a mapping")
            nxt = node.get(part)
            if nxt is None:
                nxt = node[part] = {}
            node = nxt
        last = parts[-1]
        if isinstance(node, list):
            node[_list_index(node, last, item)] = value
        elif isinstance(node, dict):
            node[last] = value
        else:
            raise ConfigError(f"--set {item!r}: cannot set {last!r} inside a {type(node).__name__}")
    return out


def _list_index(items: list, part: str, item: str) -> int:
    if part.isdigit() and int(part) < len(items):
        return int(part)
    for i, entry in enumerate(items):
        if isinstance(entry, dict) and entry.get("name") == part:
            return i
    names = [e.get("name") for e in items if isinstance(e, dict)]
    raise ConfigError(f"--set {item!r}: no list entry {part!r}; entries: {names} (or an index)")


# ----------------------------------------------------------------------------------------------
# loading and validation


def _where(source: str, text: str | None, loc: tuple) -> str:
    path = ".".join(str(p) for p in loc) or "(top level)"
    line = yaml_line(text, loc) if text else None
    return f"{source}{f', line {line}' if line else ''}: {path}"


def _format_validation(exc: ValidationError, source: str, text: str | None) -> str:
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        where = _where(source, text, loc)
        if err["type"] == "extra_forbidden":
            lines.append(f"{where}: unknown key; allowed keys here: {', '.join(allowed_keys(ExperimentConfig, loc))}")
        elif err["type"] == "missing":
            lines.append(f"{where}: required key is missing")
        else:
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(f"{where}: {clip(msg)} (got {shown(err.get('input'))})")
    return "invalid experiment config:\n  " + "\n  ".join(lines)


def validate_config(data: Any, source: str = "<config>", text: str | None = None) -> ExperimentConfig:
    """Validate plain data as an :class:`ExperimentConfig`, including registry names, component
    parameters and search keys (by building the untrained pipeline).

    Raises
    ------
    ConfigError
        Naming ``source``, the line (when ``text`` is given), the key path and allowed values.
    """
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: expected a mapping of keys (task, dataset, features, model, ...), "
                          f"got {type(data).__name__}")
    try:
        cfg = ExperimentConfig.model_validate(dict(data))
    except ValidationError as exc:
        raise ConfigError(_format_validation(exc, source, text)) from None
    _check_components(cfg, source, text)
    return cfg


def _check_components(cfg: ExperimentConfig, source: str, text: str | None) -> None:
    from newsclf.pipeline.assemble import build_pipeline
    from newsclf.pipeline.components import load_components
    from newsclf.pipeline.registry import estimators, featurizers

    load_components()
    for i, feat in enumerate(cfg.features):
        if feat.name not in featurizers:
            raise ConfigError(f"{_where(source, text, ('features', i, 'name'))}: unknown featurizer "
                              f"{feat.name!r}; registered: {', '.join(featurizers.names())}")
    if cfg.model.name not in estimators:
        raise ConfigError(f"{_where(source, text, ('model', 'name'))}: unknown model {cfg.model.name!r}; "
                          f"registered: {', '.join(estimators.names())}")
    problems: list[str] = []
    for i, feat in enumerate(cfg.features):
        feat.params = _resolve_params(featurizers, feat, cfg.seed, ("features", i, "params"), source, text,
                                      problems)
    cfg.model.params = _resolve_params(estimators, cfg.model, cfg.seed, ("model", "params"), source, text,
                                       problems)
    if problems:
        raise ConfigError("invalid experiment config:\n  " + "\n  ".join(problems))
    try:
        pipeline = build_pipeline(cfg)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None
    if cfg.search.method != "none":
        if not cfg.search.params:
            raise ConfigError(f"{_where(source, text, ('search', 'params'))}: search.method is "
                              f"{cfg.search.method!r} but search.params is empty; give e.g. "
                              "{model__C: [0.1, 1, 10]} or set method: none")
        valid = pipeline.get_params(deep=True)
        for key, values in cfg.search.params.items():
            if key not in valid:
                prefix = key.rsplit("__", 1)[0]
                near = sorted(k for k in valid if k.startswith(prefix + "__") and k.count("__") == key.count("__"))
                hint = f"; parameters under {prefix}: {', '.join(near)}" if near else (
                    "; keys look like model__C or features__word_tfidf__min_df")
                raise ConfigError(f"{_where(source, text, ('search', 'params', key))}: unknown search "
                                  f"parameter {key!r}{hint}")
            _check_values(key, values, cfg.search.method, source, text)
            _check_candidates(cfg, key, values, source, text)
    if cfg.search.backend == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise ConfigError(f"{_where(source, text, ('search', 'backend'))}: backend 'dask' needs "
                              "dask.distributed: pip install 'newsclf[dask]'") from None


def _resolve_params(registry: Registry, component: Component, seed: int, loc: tuple[Any, ...], source: str,
                    text: str | None, problems: list[str]) -> dict[str, Any]:
    """Every parameter of ``component`` (defaults included, ``random_state`` = the seed unless set),
    checked against its factory's signature; problems are appended, naming file, line and key."""
    model = registry.params_model(component.name)
    params = dict(component.params)
    if "random_state" in model.model_fields and params.get("random_state") is None:
        params["random_state"] = seed
    try:
        return registry.resolve(component.name, params)
    except ValidationError as exc:
        allowed = ", ".join(model.model_fields)
        for err in exc.errors():
            where = _where(source, text, loc + tuple(err["loc"]))
            msg = err["msg"].replace("Value error, ", "")
            if err["type"] == "extra_forbidden":
                problems.append(f"{where}: unknown parameter of {registry.kind} {component.name!r}; "
                                f"allowed parameters: {allowed}")
            else:
                problems.append(f"{where}: {clip(msg)} (got {shown(err.get('input'))}; {registry.kind} "
                                f"{component.name!r})")
        return dict(component.params)


def _check_candidates(cfg: ExperimentConfig, key: str, values: Any, source: str, text: str | None) -> None:
    """Check every candidate value of a search parameter against its component's signature
    (``model__C: [-1, 1]`` is refused like ``model.params.C: -1``)."""
    from newsclf.pipeline.registry import estimators, featurizers

    parts = key.split("__")
    if parts[0] == "model" and len(parts) == 2:
        registry, component = estimators, cfg.model
    elif parts[0] == "features" and len(parts) == 3:
        registry = featurizers
        component = next((f for f in cfg.features if f.name == parts[1]), None)
    else:
        return
    param = parts[-1]
    if component is None or param not in registry.params_model(component.name).model_fields:
        return
    for value in values if isinstance(values, list) else []:
        try:
            registry.resolve(component.name, {**component.params, param: value})
        except ValidationError as exc:
            msg = "; ".join(e["msg"].replace("Value error, ", "") for e in exc.errors())
            raise ConfigError(f"{_where(source, text, ('search', 'params', key))}: candidate {shown(value)}: "
                              f"{msg} ({registry.kind} {component.name!r}, parameter {param!r})") from None


def _check_values(key: str, values: Any, method: str, source: str, text: str | None) -> None:
    where = _where(source, text, ("search", "params", key))
    if isinstance(values, list) and values:
        return
    if isinstance(values, dict) and method in ("random",):
        dist = values.get("distribution")
        if dist not in DISTRIBUTIONS or "low" not in values or "high" not in values:
            raise ConfigError(f"{where}: a distribution needs distribution ({', '.join(DISTRIBUTIONS)}), "
                              f"low and high; got {shown(values)}")
        return
    kinds = "a non-empty list" + (" or {distribution, low, high}" if method == "random" else "")
    raise ConfigError(f"{where}: values must be {kinds}, got {shown(values)}")


def load_config(path: str | Path, overrides: Iterable[str] = ()) -> ExperimentConfig:
    """Read, override and validate an experiment config file.

    Parameters
    ----------
    path : str or Path
        YAML file.
    overrides : iterable of str
        ``KEY=VALUE`` items as given to ``--set``.
    """
    path = resolve_path(path, "experiment config")
    if not path.is_file():
        raise ConfigError(f"config file {path} not found (experiment configs live in configs/<task>/*.yaml)")
    data, text = load_mapping(path, "experiment config", "task, dataset, features, model")
    overrides = list(overrides)
    if overrides:
        data = apply_overrides(data, overrides)
    source = str(path) + (f" (with --set {clip(' '.join(overrides), 200)})" if overrides else "")
    cfg = validate_config(data, source, text)
    if cfg.data_config:  # its errors name this file and key too, before any work starts
        from newsclf.data.config import load_data_config

        try:
            load_data_config(cfg.data_config)
        except ConfigError as exc:
            raise ConfigError(f"{_where(source, text, ('data_config',))}: {exc}") from None
    return cfg
