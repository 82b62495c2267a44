"""Load a trained model for serving: from a run directory or from the BentoML model store.

Both paths go through :func:`newsclf.pipeline.runs.load_run`, which checks every file against the
sha256 hashes of the run's ``manifest.json`` before ``joblib.load`` (joblib runs arbitrary code, so
a model whose files changed is never loaded). A promoted model is a verbatim copy of its run
directory, so the same check applies inside the store and inside a built Bento.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsclf.errors import NewsclfError

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
    "model_store",
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
    """A fitted pipeline with what ``/models`` reports about it.

    Attributes
    ----------
    model : sklearn.pipeline.Pipeline
    task : str
    labels : list of str
    run_id : str
    metrics : dict
        Scalar metrics of the run's evaluation split (``split``, ``n``, ``macro_f1``...).
    data_fingerprint : str
    tag : str or None
        The model-store tag (``name:version``); None when loaded from a run directory.
    path : Path
    manifest : dict
    """

    model: Any
    task: str
    labels: list[str]
    run_id: str
    metrics: dict[str, Any] = field(default_factory=dict)
    data_fingerprint: str = ""
    tag: str | None = None
    path: Path | None = None
    manifest: dict[str, Any] = field(default_factory=dict)

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


def load_run_dir(path: str | os.PathLike, *, tag: str | None = None) -> LoadedModel:
    """Load a run directory (hashes checked first) as a :class:`LoadedModel`.

    Raises
    ------
    NewsclfError
        Not a run directory; :class:`IntegrityError` when a file does not match its hash.
    """
    path = Path(path)
    from newsclf.pipeline.runs import load_run

    run = load_run(path)
    manifest = dict(getattr(run, "manifest", None) or {})
    task = manifest.get("task")
    if task not in DEFAULT_NAMES:
        raise NewsclfError(
            f"{path}: unknown task {task!r} in manifest.json (expected {', '.join(DEFAULT_NAMES)})"
        )
    labels = [str(x) for x in manifest.get("labels") or []]
    if not labels:
        labels = [str(c) for c in getattr(run.model, "classes_", [])]
    run_id = manifest.get("run_id") or path.name
    data = manifest.get("data")
    fingerprint = (
        manifest.get("data_fingerprint")
        or (data.get("fingerprint") if isinstance(data, dict) else None)
        or ""
    )
    metrics = headline_metrics(getattr(run, "metrics", None) or {})
    head = manifest.get("headline")
    if isinstance(head, dict) and isinstance(head.get("value"), int | float) and head.get("metric"):
        metrics.setdefault(str(head["metric"]), float(head["value"]))
    return LoadedModel(
        model=run.model,
        task=task,
        labels=labels,
        run_id=str(run_id),
        metrics=metrics,
        data_fingerprint=str(fingerprint or ""),
        tag=tag,
        path=path,
        manifest=manifest,
    )


def model_store(store: Any) -> Any:
    """A ``bentoml`` ModelStore from a path (or the store itself)."""
    if isinstance(store, str | os.PathLike):
        from bentoml._internal.models import ModelStore

        Path(store).mkdir(parents=True, exist_ok=True)
        return ModelStore(str(store))
    return store


def stored_or_none(tag: str) -> Any:
    """The ``bentoml.Model`` of ``tag`` in the store, or None when it is not there."""
    import bentoml
    from bentoml.exceptions import NotFound

    try:
        return bentoml.models.get(tag)
    except NotFound:
        return None


def load_stored(tag: str, store: Any = None) -> LoadedModel:
    """Load a promoted model from the BentoML store (or ``store``) by tag (``name[:version]``)."""
    import bentoml
    from bentoml.exceptions import NotFound

    extra = {"_model_store": model_store(store)} if store is not None else {}
    try:
        stored = bentoml.models.get(tag, **extra)
    except NotFound:
        where = store if store is not None else _store_dir()
        raise NewsclfError(
            f"model {tag!r} is not in the BentoML model store ({where}); "
            "promote a run first: newsclf promote models/<run-id>"
        ) from None
    return load_stored_model(stored)


def load_stored_model(stored: Any) -> LoadedModel:
    """Load a ``bentoml.Model`` (store entry) whose directory is a copy of a run directory."""
    loaded = load_run_dir(Path(stored.path), tag=str(stored.tag))
    labels = dict(getattr(stored.info, "labels", {}) or {})
    loaded.run_id = labels.get("run_id", loaded.run_id)
    return loaded


def _store_dir() -> str:
    try:
        from bentoml._internal.configuration.containers import BentoMLContainer

        return str(BentoMLContainer.bentoml_home.get())
    except Exception:  # pragma: no cover - informational only
        return os.environ.get("BENTOML_HOME", "~/bentoml")
