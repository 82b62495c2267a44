"""Build the untrained scikit-learn pipeline an experiment config describes.

``Pipeline([("features", FeatureUnion([(name, featurizer), ...])), ("model", estimator)])`` from
the validated config, whose parameters already hold every default and the seed as ``random_state``
(:func:`newsclf.pipeline.config.validate_config`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sklearn.pipeline import FeatureUnion, Pipeline

from newsclf.errors import ConfigError

if TYPE_CHECKING:
    from newsclf.pipeline.config import ExperimentConfig
    from newsclf.pipeline.registry import Registry

__all__ = ["build_pipeline", "set_actors"]


def _create(registry: Registry, name: str, params: dict[str, Any], where: str) -> Any:
    """The component ``name`` built with ``params`` (checked against the factory signature)."""
    try:
        return registry.create(name, **params)
    except (KeyError, ValueError) as exc:
        msg = exc.args[0] if exc.args else str(exc)
        raise ConfigError(f"{where}: {msg}") from None


def build_pipeline(cfg: ExperimentConfig) -> Pipeline:
    """Return the unfitted pipeline for ``cfg``.

    Raises
    ------
    ConfigError
        Unknown names or bad parameters, naming the config key (``features[0]``, ``model``).
    """
    from newsclf.pipeline.components import load_components
    from newsclf.pipeline.registry import estimators, featurizers

    load_components()
    parts = []
    for i, feat in enumerate(cfg.features):
        parts.append((feat.name, _create(featurizers, feat.name, feat.params, f"features.{i}.params")))
    model = _create(estimators, cfg.model.name, cfg.model.params, "model.params")
    # n_jobs=1: the search parallelises; nested joblib calls on a Dask worker deadlock or fail
    return Pipeline([("features", FeatureUnion(parts, n_jobs=1)), ("model", model)])


def set_actors(pipeline: Pipeline, aliases: dict[str, list[str]]) -> list[str]:
    """Give every featurizer of ``pipeline`` that takes ``actors`` the actor aliases of the data
    config (:func:`newsclf.pipeline.features.stance.actor_aliases`); returns their names.

    The featurizers copy them into ``actors_`` when fitted, so the trained model carries the
    actors it was trained with and reads no file when it predicts.
    """
    named = []
    for name, featurizer in pipeline.named_steps["features"].transformer_list:
        if "actors" in featurizer.get_params(deep=False):
            featurizer.set_params(actors={k: list(v) for k, v in aliases.items()})
            named.append(name)
    return named
