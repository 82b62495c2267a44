"""Model files that cannot run code: fitted pipelines saved with :mod:`skops.io` (``model.skops``).

A skops file is a zip holding a JSON schema (the type of every object, its plain-data state) and
numpy arrays saved without pickle. :func:`load_model` reads the schema first and refuses any type
outside :data:`newsclf.pipeline.trusted.TRUSTED_TYPES` (and any node that would call a function)
before skops imports or builds anything; :func:`save_model` applies the same check when writing, so
a model that would not load fails when it is trained, not when it is served.

Runs written by older versions hold ``model.joblib`` (a pickle: loading it runs whatever code it
names). They are refused without being opened; ``newsclf runs convert RUN --trust-pickle``
(:func:`newsclf.pipeline.runs.convert_run`) rewrites one the user trusts as ``model.skops``.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsclf.errors import LegacyModelError, UnsafeModelError
from newsclf.pipeline.trusted import TRUSTED_TYPES

__all__ = [
    "LEGACY_MODEL_FILE",
    "MODEL_FILE",
    "dumps_model",
    "load_model",
    "loads_model",
    "model_types",
    "save_model",
]

MODEL_FILE = "model.skops"
"""The model file of a run directory."""

LEGACY_MODEL_FILE = "model.joblib"
"""The pickle model file of runs written before newsclf 0.2; never loaded."""

_COMPRESSION = zipfile.ZIP_DEFLATED
# skops node kinds that only rebuild data; FunctionNode / MethodNode / OperatorFuncNode (which
# hand back callables from any module) and unknown kinds are refused.
_DATA_LOADERS = frozenset({
    "ObjectNode", "DictNode", "ListNode", "TupleNode", "SetNode", "JsonNode", "NdArrayNode",
    "SparseMatrixNode", "TypeNode", "SliceNode", "RandomGeneratorNode", "RandomStateNode",
    "BitGeneratorNode", "LossNode", "TreeNode", "BunchNode", "SGDNode", "ReduceNode",
})


def _schema(data: bytes, source: str) -> Any:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return json.loads(zf.read("schema.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnsafeModelError(f"{source}: not a skops model file ({exc}); it will not be loaded") from None


def _nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "__class__" in node and "__module__" in node:
            yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def model_types(data: bytes, source: str = "<model>") -> set[str]:
    """Fully qualified names of every type a skops file names (``sklearn.pipeline.Pipeline``...).

    Raises
    ------
    UnsafeModelError
        When the bytes are not a skops file, or a node would hand back a function or method.
    """
    found = set()
    for node in _nodes(_schema(data, source)):
        name = f"{node['__module__']}.{node['__class__']}"
        loader = node.get("__loader__")
        if loader not in _DATA_LOADERS:
            raise UnsafeModelError(
                f"{source}: holds a {loader or 'untyped'} node ({name}); a newsclf model file holds "
                "data only, so it will not be loaded"
            )
        found.add(name)
    return found


def _audit(data: bytes, source: str) -> list[str]:
    types = model_types(data, source)
    untrusted = sorted(types - TRUSTED_TYPES)
    if untrusted:
        raise UnsafeModelError(
            f"{source}: names type(s) newsclf does not trust: {', '.join(untrusted)}; it will not "
            "be loaded (trusted types are listed in newsclf.pipeline.trusted)"
        )
    return sorted(types)


def dumps_model(model: Any, source: str = "<model>") -> bytes:
    """The skops bytes of ``model`` (zip-compressed), checked against the trusted types.

    Raises
    ------
    UnsafeModelError
        When the model holds a type outside :data:`~newsclf.pipeline.trusted.TRUSTED_TYPES`: a
        component keeps a non-data attribute (see the module docstring of
        :mod:`newsclf.pipeline.trusted`) or a new class was not added to the list.
    """
    import skops.io as sio

    data = sio.dumps(model, compression=_COMPRESSION)
    try:
        _audit(data, source)
    except UnsafeModelError as exc:
        raise UnsafeModelError(
            f"{exc}. The model could not be reloaded: keep plain data in the component's state "
            "(build compiled objects lazily, leave them out of __getstate__) or add its class to "
            "newsclf.pipeline.trusted"
        ) from None
    return data


def save_model(model: Any, path: str | Path) -> Path:
    """Write ``model`` to ``path`` (a ``.skops`` file); returns the path."""
    path = Path(path)
    path.write_bytes(dumps_model(model, str(path)))
    return path


def loads_model(data: bytes, source: str = "<model>") -> Any:
    """Rebuild a model from skops bytes after checking every type it names."""
    import skops.io as sio

    trusted = _audit(data, source)
    return sio.loads(data, trusted=trusted)


def load_model(path: str | Path) -> Any:
    """Load a ``model.skops`` file; a pickle (``model.joblib``) is refused without being opened.

    Raises
    ------
    LegacyModelError
        For ``.joblib``/``.pkl`` files, saying how to retrain or convert.
    UnsafeModelError
        When the file names a type outside the trusted list (the message names it).
    """
    path = Path(path)
    if path.suffix in (".joblib", ".pkl", ".pickle"):
        raise LegacyModelError(legacy_message(path.parent))
    return loads_model(path.read_bytes(), str(path))


def legacy_message(run_dir: Path) -> str:
    """What to do with a run whose model is a pickle."""
    return (
        f"{run_dir / LEGACY_MODEL_FILE}: this run was saved as a pickle by an older newsclf, and "
        "loading a pickle can run any code it names, so it is not loaded. Retrain it (newsclf train "
        f"{run_dir / 'config.yaml'}), or, only if you trust where the run came from, convert it: "
        f"newsclf runs convert {run_dir} --trust-pickle"
    )
