"""The embedded defaults shipped inside the package, and how paths name them.

newsclf ships its seed article (``seeds/``), the seed's gold labels (``data/annotations/``) and
its configs (``configs/``: actors, data configs, experiment configs) as package resources, read
with :mod:`importlib.resources`, so an installed wheel works from any directory.

Paths in configs and on the command line are of two kinds:

``newsclf:<folder>/<file>``
    a shipped resource, e.g. ``newsclf:configs/data/seed.yaml``, ``newsclf:seeds/``,
    ``newsclf:annotations/``; ``<folder>`` is one of :data:`RESOURCE_FOLDERS`.
anything else
    a file of the user's project, relative to the current directory (or absolute).

Nothing is ever looked up next to the installed package: a relative path that does not exist in
the project is an error that names the shipped alternative when there is one.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from newsclf.errors import ConfigError

__all__ = [
    "PREFIX",
    "RESOURCE_FOLDERS",
    "is_resource",
    "resolve_path",
    "resource_path",
    "shipped_alternative",
]

PREFIX = "newsclf:"
"""Marks a path that names a shipped resource instead of a file of the user's project."""

RESOURCE_FOLDERS = {
    "configs": "newsclf._configs",
    "seeds": "newsclf._seeds",
    "annotations": "newsclf._annotations",
}
"""Resource folder name -> the (data-only) package that holds it."""


def is_resource(ref: str | Path) -> bool:
    """Whether ``ref`` names a shipped resource (``newsclf:...``)."""
    return str(ref).startswith(PREFIX)


def resource_path(ref: str) -> Path:
    """The file or folder a ``newsclf:<folder>/<rest>`` reference names.

    Parameters
    ----------
    ref : str
        ``newsclf:configs/data/seed.yaml``, ``newsclf:seeds/`` ...; the prefix may be left out.

    Raises
    ------
    ConfigError
        When the folder is not a resource folder or the resource does not exist, listing what is
        shipped.
    """
    rel = ref.removeprefix(PREFIX).strip("/")
    folder, _, rest = rel.partition("/")
    if folder not in RESOURCE_FOLDERS:
        raise ConfigError(
            f"{ref}: unknown resource folder {folder!r}; shipped folders: "
            + ", ".join(f"{PREFIX}{f}/" for f in RESOURCE_FOLDERS)
        )
    root = Path(str(files(RESOURCE_FOLDERS[folder])))
    path = root / rest if rest else root
    if not path.exists():
        shipped = sorted(
            f"{PREFIX}{folder}/{p.relative_to(root).as_posix()}"
            for p in root.rglob("*")
            if p.is_file() and p.suffix in (".yaml", ".txt", ".json")
        )
        raise ConfigError(f"{ref}: not a shipped resource; shipped here: {', '.join(shipped)}")
    return path


def shipped_alternative(ref: str | Path) -> str | None:
    """``newsclf:<ref>`` when a relative project path also names a shipped resource, else None.

    ``configs/stance/default.yaml`` -> ``newsclf:configs/stance/default.yaml``;
    ``data/annotations/x.json`` -> ``newsclf:annotations/x.json``.
    """
    rel = Path(ref).as_posix().removeprefix("./")
    if Path(ref).is_absolute():
        return None
    if rel.startswith("data/annotations"):
        rel = rel.removeprefix("data/")
    candidate = PREFIX + rel
    try:
        resource_path(candidate)
    except ConfigError:
        return None
    return candidate


def resolve_path(ref: str | Path, what: str = "file", must_exist: bool = True) -> Path:
    """The path a config or command-line reference names.

    Parameters
    ----------
    ref : str or Path
        ``newsclf:...`` for a shipped resource; otherwise a project path (relative to the current
        directory, or absolute).
    what : str
        What the path is, for the error message ("data config", "actors file"...).
    must_exist : bool
        Raise when the path does not exist.

    Raises
    ------
    ConfigError
        When the path does not exist; names the shipped resource of the same name if there is one.
    """
    if is_resource(ref):
        return resource_path(str(ref))
    path = Path(ref).expanduser()
    if must_exist and not path.exists():
        alt = shipped_alternative(ref)
        hint = (
            f"; the shipped one is {alt} (use that, or copy the shipped configs into this "
            "project with `newsclf init .`)"
            if alt
            else ""
        )
        raise ConfigError(f"{ref}: {what} not found (relative paths start at {Path.cwd()}){hint}")
    return path
