"""Load a trained model for serving: from a run directory or from the BentoML model store.

Both paths go through :func:`newsclf.pipeline.runs.load_run`, which checks every file against the
sha256 hashes of the run's ``manifest.json`` and loads ``model.skops`` with newsclf's trusted types
only. A promoted model is a verbatim copy of its run directory, so the same checks apply inside
the store and inside a built Bento.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsclf.errors import NewsclfError
from newsclf.pipeline.runs import Run, load_run

from . import bento_internals

if TYPE_CHECKING:
    import bentoml
    from sklearn.pipeline import Pipeline

__all__ = [
    "DEFAULT_NAMES",
    "ENV_MODEL",
    "ENV_RUN",
    "LoadedModel",
    "headline_metrics",
    "load_run_dir",
    "load_stored",
    "load_stored_model",
    "model_ref",
    "stored_or_none",
]

DEFAULT_NAMES = {
    "boilerplate": "newsclf-boilerplate",
    "stance": "newsclf-stance",
    "attribution": "newsclf-attribution",
}
"""Model-store name of each task's promoted model."""

ENV_MODEL = {
    "boilerplate": "NEWSCLF_BOILERPLATE_MODEL",
    "stance": "NEWSCLF_STANCE_MODEL",
    "attribution": "NEWSCLF_ATTRIBUTION_MODEL",
}
"""Environment variables that choose the store tag the service serves (default ``<name>:latest``)."""

ENV_RUN = {
    "boilerplate": "NEWSCLF_BOILERPLATE_RUN",
    "stance": "NEWSCLF_STANCE_RUN",
    "attribution": "NEWSCLF_ATTRIBUTION_RUN",
}
"""Environment variables that make the service load a run directory instead of the store."""


@dataclass
class LoadedModel:
    """A verified run with what ``/models`` reports about it.

    Attributes
    ----------
    run : Run
        The verified run (its ``model`` is the fitted pipeline).
    tag : str or None
        The model-store tag (``name:version``); None when loaded from a run directory.
    metrics : dict
        Scalar metrics of the run's evaluation split (``split``, ``n``, ``macro_f1``...).
    """

    run: Run
    tag: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def model(self) -> Pipeline:
        return self.run.model

    @property
    def task(self) -> str:
        return self.run.task

    @property
    def labels(self) -> list[str]:
        return self.run.labels

    @property
    def run_id(self) -> str:
        return self.run.run_id

    @property
    def path(self) -> Path:
        return self.run.path

    @property
    def manifest(self) -> dict[str, Any]:
        return self.run.manifest

    @property
    def data_fingerprint(self) -> str:
        return str(self.run.manifest.get("data_fingerprint") or "")

    def info(self) -> dict[str, Any]:
        """The JSON ``/models`` returns for this model."""
        return {
            "tag": self.tag,
            "run_id": self.run_id,
            "task": self.task,
            "labels": list(self.labels),
            "metrics": self.metrics,
            "data_fingerprint": self.data_fingerprint,
        }


def model_ref(task: str) -> str:
    """The store tag the service uses for ``task`` (env override, else ``<default name>:latest``)."""
    return os.environ.get(ENV_MODEL[task]) or f"{DEFAULT_NAMES[task]}:latest"


def headline_metrics(metrics: dict[str, Any]) -> dict[str, Any]:
    """Scalar metrics of a run's evaluation split (``metrics.json``: ``splits[eval_split]``).

    Returns ``{"split": "test", "n": ..., "accuracy": ..., "macro_f1": ..., ...}`` (numbers as float).
    """
    if not isinstance(metrics, dict):
        return {}
    splits = metrics.get("splits")
    if isinstance(splits, dict) and splits:
        split = metrics.get("eval_split")
        if split not in splits:
            split = "test" if "test" in splits else next(iter(splits))
        source = splits[split] if isinstance(splits[split], dict) else {}
        out: dict[str, Any] = {"split": str(split)}
    else:
        source, out = metrics, {}
    for key, value in source.items():
        if isinstance(value, int | float) and not isinstance(value, bool) and key != "seed":
            out[key] = float(value)
    return out


def load_run_dir(path: str | os.PathLike[str], *, tag: str | None = None) -> LoadedModel:
    """Load a run directory (hashes and model types checked first) as a :class:`LoadedModel`.

    Raises
    ------
    NewsclfError
        Not a run directory or an unknown task; :class:`IntegrityError` when a file does not
        match its hash or the model names an untrusted type.
    """
    run = load_run(Path(path))
    if run.task not in DEFAULT_NAMES:
        raise NewsclfError(f"{path}: unknown task {run.task!r} in manifest.json (expected {', '.join(DEFAULT_NAMES)})")
    metrics = headline_metrics(run.metrics)
    head = run.manifest.get("headline")
    if isinstance(head, dict) and isinstance(head.get("value"), int | float) and head.get("metric"):
        metrics.setdefault(str(head["metric"]), float(head["value"]))
    return LoadedModel(run=run, tag=tag, metrics=metrics)


def stored_or_none(tag: str) -> bentoml.Model | None:
    """The ``bentoml.Model`` of ``tag`` in BentoML's model store, or None when it is not there."""
    import bentoml
    from bentoml.exceptions import NotFound

    try:
        return bentoml.models.get(tag)
    except NotFound:
        return None


def load_stored(tag: str, store: str | os.PathLike[str] | None = None) -> LoadedModel:
    """Load a promoted model from the BentoML store (or the store folder ``store``) by tag."""
    import bentoml
    from bentoml.exceptions import NotFound

    try:
        stored = bentoml.models.get(tag, **bento_internals.store_kwargs(store))
    except NotFound:
        where = store if store is not None else bento_internals.bentoml_home() / "models"
        raise NewsclfError(
            f"model {tag!r} is not in the BentoML model store ({where}); "
            "promote a run first: newsclf promote models/<run-id>"
        ) from None
    return load_stored_model(stored)


def load_stored_model(stored: bentoml.Model) -> LoadedModel:
    """Load a ``bentoml.Model`` (store entry) whose directory is a copy of a run directory."""
    loaded = load_run_dir(Path(stored.path), tag=str(stored.tag))
    if stored.info.labels.get("run_id") not in (None, loaded.run_id):
        raise NewsclfError(f"{stored.tag}: its label run_id {stored.info.labels['run_id']!r} differs from the "
                           f"run it holds ({loaded.run_id})")
    return loaded
