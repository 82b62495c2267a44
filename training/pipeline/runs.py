"""Run directories: written whole or not at all, verified before the model is read.

A run directory (``models/<run-id>/``) holds ``model.skops``, ``config.yaml`` (resolved, every
effective parameter), ``actors.yaml`` (the actors the model was trained with), ``metrics.json``,
``report.md``, ``report.html``, ``plots/*.png`` and ``manifest.json``; the manifest lists the
sha256 of every other file. Runs are staged in a hidden temporary directory beside the target and
renamed into place at the end, so an error or Ctrl-C leaves nothing behind.

:func:`load_run` checks every hash, then loads the model with :func:`newsclf.pipeline.persistence.load_model`,
which refuses any type outside the trusted list. Hashes catch corruption; the trusted types make a
crafted file (with a matching manifest) harmless. Runs of older versions hold ``model.joblib`` (a
pickle): refused unopened; :func:`convert_run` rewrites one the user trusts.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsclf import settings
from newsclf.errors import IntegrityError, LegacyModelError, NewsclfError
from newsclf.hashing import sha256_file
from newsclf.pipeline.persistence import (
    LEGACY_MODEL_FILE,
    MODEL_FILE,
    dumps_model,
    legacy_message,
)
from newsclf.pipeline.persistence import load_model as read_model

if TYPE_CHECKING:
    from newsclf.data.actors import Actors

__all__ = [
    "ACTORS_FILE",
    "MANIFEST",
    "Run",
    "convert_run",
    "resolve_run",
    "git_commit",
    "list_runs",
    "load_run",
    "make_run_id",
    "package_versions",
    "sha256_file",
    "STAGED_RUNS",
    "check_output_free",
    "claim_output",
    "output_lock",
    "staged_dir",
    "sweep_partial_runs",
    "write_manifest",
]

MANIFEST = "manifest.json"
ACTORS_FILE = "actors.yaml"
"""The actors a run's model was trained with (the data config's ``actors``), as plain YAML."""
_PACKAGES = ("newsclf", "scikit-learn", "skops", "datasets", "numpy", "scipy", "pandas", "pyarrow")


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[name] = metadata.version(name)
    return out


def git_commit(root: Path = settings.PACKAGE_DIR) -> str | None:
    """HEAD commit of the checkout the code runs from (``+dirty`` when files changed), or None
    outside git (an installed wheel)."""
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                             timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return sha + ("+dirty" if dirty else "") if sha else None


def make_run_id(task: str, config_stem: str, digest: str, when: datetime | None = None) -> str:
    """``<task>-<config stem>-<YYYYmmdd-HHMMSS>-<short hash>`` (a stem starting with the task
    name is not repeated: ``stance-logreg`` -> ``stance-logreg-...``)."""
    when = when or datetime.now(UTC)
    stem = config_stem.removeprefix(f"{task}-") if config_stem != task else config_stem
    return f"{task}-{stem}-{when:%Y%m%d-%H%M%S}-{digest[:8]}"


STAGED_RUNS = r"\..+\.partial"
"""Names of staged run directories (``.<run>.<pid>-<random>.partial``; older: ``.<run>.<random>.partial``)."""


def output_lock(final: Path) -> contextlib.AbstractContextManager[None]:
    """The lock of run directory ``final`` (``.<name>.lock`` beside it): held by the process
    training into it; a second one fails at once (:class:`~newsclf.staging.BusyError`)."""
    from newsclf.staging import exclusive

    final = Path(final)
    return exclusive(final.parent / f".{final.name}.lock", f"run directory {final}")


def check_output_free(final: Path) -> None:
    """Raise when ``final`` exists and is not an empty directory (before any work starts)."""
    final = Path(final)
    if final.is_symlink() or (final.exists() and (not final.is_dir() or any(final.iterdir()))):
        raise NewsclfError(f"output {final} already exists; choose another --output or remove it")


def sweep_partial_runs(parent: Path) -> list[Path]:
    """Remove staged runs under ``parent`` left by a train that died (no live process holds them)."""
    from newsclf.staging import sweep_stale

    return sweep_stale(parent, STAGED_RUNS)


@contextlib.contextmanager
def staged_dir(final: Path) -> Iterator[Path]:
    """Yield a hidden temporary directory beside ``final``; rename it to ``final`` on success,
    delete it on any exception (KeyboardInterrupt included). The staged directory is locked while
    it is written (:func:`newsclf.staging.staging_dir`), so :func:`sweep_partial_runs` of another
    process leaves it alone; the output itself is locked too (:func:`output_lock`; a lock this
    process already holds through an outer ``output_lock`` is not taken again)."""
    from newsclf.staging import staging_dir

    final = Path(final)
    check_output_free(final)
    lock = final.parent / f".{final.name}.lock"
    held = _held_locks.get(str(lock.absolute()), 0) > 0
    with contextlib.ExitStack() as stack:
        if not held:
            stack.enter_context(output_lock(final))
        tmp = stack.enter_context(staging_dir(final.parent, final.name, "partial"))
        yield tmp
        check_output_free(final)
        if final.exists():
            final.rmdir()  # empty placeholder only (checked above)
        os.rename(tmp, final)


_held_locks: dict[str, int] = {}


@contextlib.contextmanager
def claim_output(final: Path) -> Iterator[None]:
    """Claim run directory ``final`` for this process for the ``with`` block: refuse at once when
    it exists or another process holds it, so a busy ``--output`` fails before any training."""
    final = Path(final)
    check_output_free(final)
    key = str((final.parent / f".{final.name}.lock").absolute())
    with output_lock(final):
        check_output_free(final)
        _held_locks[key] = _held_locks.get(key, 0) + 1
        try:
            yield
        finally:
            _held_locks[key] -= 1


def write_manifest(directory: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Hash every file under ``directory`` (except the manifest) into ``manifest["files"]`` and
    write ``manifest.json``."""
    directory = Path(directory)
    files = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            files[path.relative_to(directory).as_posix()] = sha256_file(path)
    manifest = {**manifest, "files": files}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    return manifest


@dataclass
class Run:
    """A verified run directory."""

    path: Path
    manifest: dict[str, Any]
    metrics: dict[str, Any]
    config: dict[str, Any]
    model: Any = field(default=None, repr=False)

    @property
    def run_id(self) -> str:
        return self.manifest.get("run_id", self.path.name)

    @property
    def task(self) -> str:
        return self.manifest["task"]

    @property
    def labels(self) -> list[str]:
        return list(self.manifest["labels"])

    def actors(self) -> Actors:
        """The actors the model was trained with (``actors.yaml``, verified with the run).

        Raises
        ------
        NewsclfError
            For a run without ``actors.yaml`` (converted from an older version): name the actors
            file explicitly (``--actors``).
        """
        from newsclf.data.actors import Actors

        path = self.path / ACTORS_FILE
        if ACTORS_FILE not in self.manifest.get("files", {}):
            raise NewsclfError(
                f"{self.path}: the run records no actors (it predates {ACTORS_FILE}); name the "
                "actors file explicitly (--actors FILE, e.g. newsclf:configs/actors.yaml)"
            )
        from newsclf.safeyaml import load_mapping

        return Actors.from_dict(load_mapping(path, "actors file")[0], path=path)


def _read_manifest(path: Path) -> dict[str, Any]:
    mpath = path / MANIFEST
    if not path.is_dir():
        raise NewsclfError(f"run {path} not found (runs live in {settings.models_dir()}; see `newsclf runs`)")
    if not mpath.is_file():
        raise IntegrityError(f"{mpath} is missing: {path} is not a complete run directory; it will not be loaded")
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise IntegrityError(f"{mpath} is not valid JSON ({exc}); the run will not be loaded") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise IntegrityError(f"{mpath} has no 'files' table; the run will not be loaded")
    return manifest


def verify_run(path: str | Path) -> dict[str, Any]:
    """Check every file hash listed in the manifest; return the manifest.

    Raises
    ------
    IntegrityError
        Naming the first missing or modified file.
    """
    path = Path(path)
    manifest = _read_manifest(path)
    files = manifest["files"]
    if MODEL_FILE not in files and (LEGACY_MODEL_FILE in files or (path / LEGACY_MODEL_FILE).exists()):
        raise LegacyModelError(legacy_message(path))
    for required in (MODEL_FILE, "metrics.json", "config.yaml"):
        if required not in files:
            raise IntegrityError(f"{path / MANIFEST} does not list {required}; the run will not be loaded")
    root = path.resolve()
    for rel, digest in files.items():
        target = (path / rel).resolve()
        if root not in target.parents:
            raise IntegrityError(f"{path / MANIFEST} lists {rel!r} outside the run directory; refused")
        if not target.is_file():
            raise IntegrityError(f"{path / rel} is missing (listed in the manifest); the run will not be loaded")
        if sha256_file(target) != digest:
            raise IntegrityError(
                f"{path / rel} does not match its sha256 in {path / MANIFEST}: the file was modified "
                "after training; refusing to load it (retrain or restore the original file)"
            )
    return manifest


def resolve_run(ref: str | Path) -> Path:
    """The run directory named by ``ref``: a path, or a run id under :func:`settings.models_dir`.

    Raises
    ------
    NewsclfError
        When neither exists; the message says how to list runs.
    """
    path = Path(ref)
    if path.is_dir():
        return path
    candidate = settings.models_dir() / str(ref)
    if candidate.is_dir():
        return candidate
    raise NewsclfError(
        f"run {str(ref)!r} not found (neither a folder nor {candidate}); list runs with `newsclf runs`"
    )


def load_run(path: str | Path, load_model: bool = True) -> Run:
    """Verify and load a run directory or run id (hashes first, then the model's trusted types).

    Raises
    ------
    IntegrityError
        A file does not match the manifest; :class:`~newsclf.errors.UnsafeModelError` when the
        model names an untrusted type; :class:`~newsclf.errors.LegacyModelError` for a pickle run.
    """
    path = resolve_run(path)
    manifest = verify_run(path)
    metrics = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
    from newsclf.safeyaml import load_yaml

    config = load_yaml(path / "config.yaml", "run config")
    model = read_model(path / MODEL_FILE) if load_model else None
    return Run(path=path, manifest=manifest, metrics=metrics, config=config, model=model)



def convert_run(path: str | Path, trust_pickle: bool = False) -> Path:
    """Rewrite an old run's ``model.joblib`` as ``model.skops`` (only for runs the user trusts).

    The run's hashes are checked first (a file changed since training is refused), then the
    pickle is loaded - which runs any code it names: hence ``trust_pickle`` - and saved with
    :func:`~newsclf.pipeline.persistence.dumps_model` (checked against the trusted types). The run
    is rewritten in a staged copy and swapped into place; its manifest records the conversion.

    Raises
    ------
    NewsclfError
        Without ``trust_pickle``, or when the run holds no pickle model.
    """
    path = resolve_run(path)
    manifest = _read_manifest(path)
    if MODEL_FILE in manifest["files"]:
        raise NewsclfError(f"{path}: already holds {MODEL_FILE}; nothing to convert")
    if LEGACY_MODEL_FILE not in manifest["files"]:
        raise NewsclfError(f"{path}: its manifest lists no {LEGACY_MODEL_FILE}; nothing to convert")
    if not trust_pickle:
        raise NewsclfError(
            f"converting {path / LEGACY_MODEL_FILE} unpickles it, which runs any code the file names; "
            "pass --trust-pickle only for a run you trained yourself or got from someone you trust"
        )
    root = path.resolve()
    for rel, digest in manifest["files"].items():
        target = (path / rel).resolve()
        if root not in target.parents or not target.is_file() or sha256_file(target) != digest:
            raise IntegrityError(f"{path / rel} does not match {path / MANIFEST}; refusing to convert it")
    import joblib

    model = joblib.load(path / LEGACY_MODEL_FILE)
    data = dumps_model(model, str(path / MODEL_FILE))
    staged = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".convert", dir=path.parent))
    old = path.with_name(f".{path.name}.joblib-{os.getpid()}")
    try:
        shutil.copytree(path, staged, dirs_exist_ok=True)
        (staged / LEGACY_MODEL_FILE).unlink()
        (staged / MODEL_FILE).write_bytes(data)
        info = {k: v for k, v in manifest.items() if k != "files"}
        info["converted"] = {
            "from": LEGACY_MODEL_FILE,
            "sha256": manifest["files"][LEGACY_MODEL_FILE],
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        write_manifest(staged, info)
        os.rename(path, old)
        os.rename(staged, path)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        if old.exists() and not path.exists():
            os.rename(old, path)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return path


def list_runs(models_dir: str | Path | None = None) -> list[dict[str, Any]]:
    """Summaries of the runs under ``models_dir`` (manifests only, not verified), oldest first."""
    root = Path(models_dir) if models_dir else settings.models_dir()
    out = []
    if not root.is_dir():
        return out
    for path in sorted(root.iterdir()):
        if path.name.startswith(".") or not (path / MANIFEST).is_file():
            continue
        try:
            m = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        except ValueError:
            continue
        head = m.get("headline") or {}
        out.append({
            "run_id": m.get("run_id", path.name),
            "path": str(path),
            "task": m.get("task"),
            "config": m.get("config_name"),
            "dataset": m.get("dataset"),
            "data_fingerprint": (m.get("data_fingerprint") or "")[:12],
            "test_fingerprint": m.get("test_fingerprint"),
            "metric": head.get("metric"),
            "value": head.get("value"),
            "created": m.get("created"),
        })
    out.sort(key=lambda r: (r["created"] or "", r["run_id"]))
    return out
