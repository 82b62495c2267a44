"""Promote a run: check its hashes and copy it into the BentoML model store.

The store entry is the run directory verbatim (``model.skops``, ``manifest.json``, metrics,
reports) so that the service, and a Bento built from it, check the same hashes before loading.
Labels: ``run_id``, ``task``, ``data_fingerprint`` and the headline metrics (as strings);
metadata: all scalar metrics and the run's manifest summary.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from newsclf.errors import NewsclfError

from . import bento_internals
from .models import DEFAULT_NAMES, load_run_dir

__all__ = ["promote"]

_NAME = re.compile(r"^[a-z0-9]([a-z0-9._-]{0,62})$")
_LABEL_METRICS = ("macro_f1", "accuracy", "f_avg")


def _check_name(name: str) -> str:
    if not _NAME.match(name):
        raise NewsclfError(
            f"model name {name!r} is not valid in the BentoML store: use 1-63 lower-case letters, "
            "digits, '.', '_' or '-', starting with a letter or digit"
        )
    return name


def promote(run_dir: str | os.PathLike[str], name: str | None = None,
            store: str | os.PathLike[str] | None = None) -> str:
    """Save the run at ``run_dir`` into the BentoML model store and return its tag.

    Parameters
    ----------
    run_dir : path
        A run directory written by ``newsclf train`` (``models/<run-id>/``).
    name : str, optional
        Store name; defaults to ``newsclf-boilerplate`` or ``newsclf-stance`` by the run's task.
    store : path, optional
        A model-store folder other than BentoML's (``$BENTOML_HOME/models``); for tests
        (:func:`newsclf.serving.bento_internals.store_kwargs`).

    Returns
    -------
    str
        The new tag, ``name:version``.

    Raises
    ------
    NewsclfError
        Not a run directory or a bad name; ``IntegrityError`` when a file does not match its hash.
    """
    import bentoml

    run_dir = Path(run_dir)
    loaded = load_run_dir(run_dir)  # verifies every hash and the model's types (it loads)
    name = _check_name(name or DEFAULT_NAMES[loaded.task])
    metrics = loaded.metrics
    labels = {
        "run_id": loaded.run_id[:255],
        "task": loaded.task,
        "data_fingerprint": loaded.data_fingerprint[:255],
    }
    for key in _LABEL_METRICS:
        if isinstance(metrics.get(key), float):
            labels[key] = f"{metrics[key]:.4f}"
    if "split" in metrics:
        labels["metrics_split"] = str(metrics["split"])
    metadata = {
        "run_id": loaded.run_id,
        "task": loaded.task,
        "labels": list(loaded.labels),
        "data_fingerprint": loaded.data_fingerprint,
        "metrics": dict(metrics),
        "source": str(run_dir.resolve()),
    }
    for key in ("git_commit", "seed", "created", "dataset", "config_name", "versions"):
        value = loaded.manifest.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            metadata[key] = value
        elif isinstance(value, dict):
            metadata[key] = {k: str(v) for k, v in value.items() if v is not None}
    extra = bento_internals.store_kwargs(store)
    with bentoml.models.create(name, labels=labels, metadata=metadata, **extra) as stored:
        target = Path(stored.path)
        for item in sorted(run_dir.iterdir()):
            if item.name == "model.yaml":  # BentoML's own file in the store entry
                continue
            if item.is_dir():
                shutil.copytree(item, target / item.name, dirs_exist_ok=True)
            else:
                shutil.copy2(item, target / item.name)
    return str(stored.tag)
