"""Where built datasets live (``<data>/<name>/<task>/`` + ``<data>/<name>/manifest.json``) and how
they are loaded back, with errors that say which command builds a missing one."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from newsclf import settings
from newsclf.errors import InputError
from newsclf.tasks import get_task

__all__ = ["MANIFEST", "dataset_dir", "load_dataset_dict", "load_manifest"]

MANIFEST = "manifest.json"


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def dataset_dir(name: str, root: str | Path | None = None) -> Path:
    """``<data root>/<name>`` (data root: ``root`` or ``settings.data_dir()``).

    Raises
    ------
    InputError
        When ``name`` is not a plain folder name (``../etc``, ``a/b``, ``.hidden``): a dataset
        never lives outside the data folder.
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InputError(
            f"dataset name {str(name)[:80]!r} is not a folder name (letters, digits, '_', '-', '.'; "
            "no '/', no leading '.'); datasets live directly under the data folder"
        )
    return (Path(root) if root is not None else settings.data_dir()) / name




def _build_hint(name: str) -> str:
    if (Path("configs") / "data" / f"{name}.yaml").is_file():
        return f"build it with `newsclf data build configs/data/{name}.yaml`"
    if (settings.shipped_configs_dir() / "data" / f"{name}.yaml").is_file():
        return f"build it with `newsclf data build newsclf:configs/data/{name}.yaml`"
    return (
        "build it with `newsclf data build CONFIG` (a data config whose name is " + repr(name) + ")"
    )


def load_manifest(name: str, root: str | Path | None = None) -> dict[str, Any]:
    """The manifest of dataset ``name``; ``InputError`` saying how to build it when missing."""
    path = dataset_dir(name, root) / MANIFEST
    if not path.is_file():
        raise InputError(f"dataset {name!r} not found at {path.parent}; {_build_hint(name)}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(
            f"{path}: unreadable manifest ({exc}); rebuild it: {_build_hint(name)}"
        ) from None


def load_dataset_dict(name: str, task: str, root: str | Path | None = None):
    """Load ``<data>/<name>/<task>`` as a ``DatasetDict``.

    Raises
    ------
    InputError
        When the dataset or the task is missing, saying which command builds it.
    """
    get_task(task)
    path = dataset_dir(name, root) / task
    if not path.is_dir():
        if (dataset_dir(name, root) / MANIFEST).is_file():
            raise InputError(
                f"dataset {name!r} has no {task!r} task at {path}; add {task!r} to the config's tasks and rebuild: "
                f"{_build_hint(name)}"
            )
        raise InputError(f"dataset {name!r} not found at {path}; {_build_hint(name)}")
    from datasets import load_from_disk

    return load_from_disk(str(path))
