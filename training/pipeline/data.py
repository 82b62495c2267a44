"""Load an experiment's dataset and turn splits into model input frames.

Datasets live in ``data/<name>/<task>/`` (``DatasetDict.save_to_disk``) with a ``label``
``ClassLabel`` column and the task's input columns (:mod:`newsclf.tasks`). Missing input columns
are filled with the task defaults; labels are returned as names.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from newsclf import settings
from newsclf.errors import ConfigError, NewsclfError
from newsclf.resources import resolve_path
from newsclf.tasks import CONTEXT_LABEL, Task, get_task

if TYPE_CHECKING:
    from newsclf.data.actors import Actors

__all__ = ["SplitData", "content_fingerprint", "dataset_actors", "load_dataset", "split_data"]


@dataclass
class SplitData:
    """One split as the trainer sees it."""

    X: pd.DataFrame
    y: list[str | None]
    """Label names; None marks a context row (see :data:`newsclf.tasks.CONTEXT_LABEL`)."""
    ids: list[str]
    groups: list[str] | None
    fingerprint: str

    def __len__(self) -> int:
        return len(self.y)

    @property
    def labelled(self) -> np.ndarray:
        """Boolean mask, shape (n_rows,): True for rows with a label (False for context rows)."""
        return np.array([lab is not None for lab in self.y], dtype=bool)

    @property
    def n_labelled(self) -> int:
        return int(self.labelled.sum())


def load_dataset(task: str, dataset: str | None = None, data_config: str | None = None):
    """Return ``(DatasetDict, name, data_manifest)`` for ``task``.

    ``dataset`` names ``data/<dataset>/<task>/``; with ``data_config`` the dataset is built first
    (via :func:`newsclf.data.build.build_dataset`), which reuses the dataset on disk when its
    input fingerprint is unchanged and rebuilds it otherwise.
    """
    name = dataset
    if data_config:
        from newsclf.data.config import load_data_config

        path = resolve_path(data_config, "data_config")
        cfg_name = load_data_config(path)[0].name
        if name and name != cfg_name:
            raise ConfigError(f"dataset {name!r} differs from the name {cfg_name!r} in data_config {path}")
        name = cfg_name
        from newsclf.data.build import build_dataset

        build_dataset(path)  # skipped when the inputs are unchanged (newsclf.data.cache)
    from newsclf.data.store import dataset_dir

    root = dataset_dir(name)
    manifest: dict[str, Any] = {}
    if (root / "manifest.json").is_file():
        try:
            manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        except ValueError as exc:
            raise NewsclfError(f"{root / 'manifest.json'}: not valid JSON ({exc}); rebuild the dataset") from None
    return _load_dict(name, task), name, manifest


def _load_dict(name: str, task: str):
    from newsclf.data.store import dataset_dir

    path = dataset_dir(name) / task
    if not path.exists():
        raise NewsclfError(
            f"dataset {name!r} for task {task!r} not found at {path}; build it with "
            f"`newsclf data build configs/data/{name}.yaml` or set data_config in the experiment config"
        )
    from newsclf.data.build import load_dataset_dict

    return load_dataset_dict(name, task)


def dataset_actors(name: str, manifest: dict[str, Any]) -> tuple[Actors, dict[str, Any]]:
    """The actors a dataset was built with, and their record for the run manifest.

    A dataset built by ``newsclf data build`` records them in its manifest (the data config's
    ``actors`` key: reference, sha256, content); the model is trained with exactly those. A
    dataset saved without a manifest (a synthetic one) gets the key's default, the shipped
    ``newsclf:configs/actors.yaml``.

    Raises
    ------
    ConfigError
        When the manifest exists but records no actors (built by an older newsclf): rebuild it.
    """
    from newsclf.data.actors import Actors, load_actors
    from newsclf.hashing import sha256_file

    if not manifest:
        actors = load_actors()
        ref = settings.default_actors_ref()
        return actors, {"ref": ref, "sha256": sha256_file(resolve_path(ref)), "spec": actors.spec}
    record = manifest.get("actors")
    if not isinstance(record, dict) or not isinstance(record.get("spec"), dict):
        config = manifest.get("config_file") or f"configs/data/{name}.yaml"
        raise ConfigError(
            f"dataset {name!r} was built by an older newsclf that did not record its actors; "
            f"rebuild it: newsclf data build {config}"
        )
    return Actors.from_dict(record["spec"], path=None), record


def content_fingerprint(df: pd.DataFrame) -> str:
    """sha256 over the row hashes of every column (sorted by name): same content, same value."""
    h = hashlib.sha256()
    for col in sorted(df.columns):
        h.update(col.encode())
        values = df[col]
        if values.dtype == object or str(values.dtype).startswith("str"):
            values = values.map(lambda v: json.dumps(v, sort_keys=True, default=str) if not isinstance(v, str) else v)
        h.update(pd.util.hash_pandas_object(values, index=False).to_numpy().tobytes())
    return h.hexdigest()


def split_data(ds, task: str | Task, split_name: str = "") -> SplitData:
    """Model input frame, label names, ids and groups of one ``datasets.Dataset`` split."""
    spec = task if isinstance(task, Task) else get_task(task)
    cols = list(ds.column_names)
    if "label" not in cols:
        raise NewsclfError(f"split {split_name!r} has no 'label' column (columns: {cols})")
    wanted = [c for c in spec.inputs if c in cols]
    extra = [c for c in ("id", "split_group") if c in cols]
    df = ds.select_columns(wanted + extra + ["label"]).to_pandas()
    if "text" not in df.columns:
        raise NewsclfError(f"split {split_name!r} has no 'text' column (columns: {cols})")
    feature = ds.features.get("label")
    names = getattr(feature, "names", None)
    if names is not None:
        labels = [None if int(i) == CONTEXT_LABEL else names[int(i)] for i in df["label"]]
    else:
        labels = [str(v) for v in df["label"]]
    unknown = sorted(set(labels) - set(spec.labels) - {None})
    if unknown:
        raise NewsclfError(f"split {split_name!r}: labels {unknown} are not labels of task {spec.name!r} {list(spec.labels)}")
    X = pd.DataFrame({c: df[c] if c in df.columns else default for c, default in spec.inputs.items()},
                     columns=list(spec.inputs))
    for c, default in spec.inputs.items():
        if default is not None and c in df.columns:
            X[c] = X[c].fillna(default)
            if isinstance(default, float):
                X[c] = X[c].astype(float)
            elif isinstance(default, str):
                X[c] = X[c].astype(str)
    X["text"] = X["text"].fillna("").astype(str)
    ids = [str(v) for v in df["id"]] if "id" in df.columns else [f"{split_name}-{i}" for i in range(len(df))]
    # CV folds and bootstrap resample the unit the dataset was split by (split_group) when the
    # builder recorded one, else the document (group)
    if "split_group" in df.columns:
        groups = [str(g) for g in df["split_group"]]
    elif "group" in X.columns and (X["group"] != "").any():
        groups = [str(g) for g in X["group"]]
    else:
        groups = None
    fp_frame = X.assign(__label=labels, __id=ids)
    return SplitData(X=X, y=labels, ids=ids, groups=groups, fingerprint=content_fingerprint(fp_frame))


def class_counts(y: list[str | None], labels: tuple[str, ...]) -> dict[str, int]:
    """Rows per label (context rows, None, are not counted)."""
    y = [lab for lab in y if lab is not None]
    values, counts = np.unique(np.asarray(y, dtype=object), return_counts=True) if y else ([], [])
    found = dict(zip(values, counts, strict=True))
    return {lab: int(found.get(lab, 0)) for lab in labels}
