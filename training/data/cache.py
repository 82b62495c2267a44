"""Skip unchanged data builds, as DVC skips unchanged stages.

:func:`input_fingerprint` hashes everything a build reads, *before* building: the config (without
its name, description and source paths), every input file's bytes by its name relative to its
source path (articles, gold annotations, the actors file, every file of an importer's corpus
folder), and the source code of the build itself (``newsclf.data`` and ``newsclf.tasks``), so that
a change of labelling code rebuilds too. Reading ~50 MB of corpora takes a fraction of a second;
building them takes minutes. The dataset manifest stores this value as ``fingerprint`` (what
``newsclf data show`` and ``newsclf runs`` print), and :func:`reusable` says whether the dataset on
disk was built from the same inputs.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

from newsclf import settings
from newsclf.data.config import DataConfig, resolve_path
from newsclf.data.store import MANIFEST
from newsclf.hashing import sha256_file

__all__ = ["code_fingerprint", "input_fingerprint", "reusable"]


def _files_under(path: Path) -> list[tuple[str, Path]]:
    """(relative name, file) for every file under ``path`` (a file gives its own name), sorted."""
    if path.is_file():
        return [(path.name, path)]
    if not path.is_dir():
        return []
    return sorted((p.relative_to(path).as_posix(), p) for p in path.rglob("*")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts))


def _hash_tree(path: Path) -> list[list[str]]:
    return [[rel, sha256_file(p)] for rel, p in _files_under(path)]


def code_fingerprint() -> str:
    """sha256 of the source of the data build (``newsclf.data`` and ``newsclf.tasks``)."""
    h = hashlib.sha256()
    root = resources.files("newsclf")

    def walk(node: Any, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            name = f"{prefix}/{child.name}"
            if child.is_dir() and child.name != "__pycache__":
                walk(child, name)
            elif child.name.endswith(".py"):
                h.update(name.encode() + b"\0" + child.read_bytes())

    walk(root / "data", "data")
    h.update(b"tasks.py\0" + (root / "tasks.py").read_bytes())
    return h.hexdigest()


def input_fingerprint(cfg: DataConfig) -> str:
    """sha256 of the config and of every input the build of ``cfg`` reads (see module docstring)."""
    from newsclf.data.importers import corpus_root

    config = cfg.model_dump(mode="json")
    config = {k: v for k, v in config.items() if k not in ("name", "description", "actors")}
    config["sources"] = [{k: v for k, v in src.items() if k not in ("paths", "annotations")}
                         for src in config["sources"]]
    inputs: list[Any] = []
    for si, source in enumerate(cfg.sources):
        if source.kind == "files":
            for p in source.paths:
                inputs.append([si, "files", _hash_tree(resolve_path(p, "article path"))])
            folder = (resolve_path(source.annotations, "annotations folder") if source.annotations
                      else settings.annotations_dir())
            inputs.append([si, "annotations", _hash_tree(folder)])
        elif source.kind == "rows":
            for p in source.paths:
                inputs.append([si, "rows", _hash_tree(resolve_path(p, "labelled rows path"))])
        else:
            inputs.append([si, source.kind, _hash_tree(corpus_root(source.kind, settings.corpora_dir()))])
    actors = resolve_path(cfg.actors or settings.default_actors_ref(), "actors file")
    payload = {"config": config, "inputs": inputs,
               "actors": sha256_file(actors) if actors.is_file() else None, "code": code_fingerprint()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def reusable(out_dir: Path, fingerprint: str, tasks: list[str], skip_bad: bool) -> dict[str, Any] | None:
    """The manifest of the dataset in ``out_dir`` when it was built from the same inputs
    (same ``fingerprint``, every task folder present, and no skipped bad input unless
    ``skip_bad``); None when it must be (re)built."""
    path = Path(out_dir) / MANIFEST
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("fingerprint") != fingerprint:
        return None
    if any(not (Path(out_dir) / t).is_dir() for t in tasks):
        return None
    if manifest.get("bad_inputs") and not skip_bad:
        return None
    return manifest
