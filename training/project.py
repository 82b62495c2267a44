"""``newsclf init DIR``: a new project skeleton that the user edits (as ``spacy init config`` or
``dvc init`` do).

The skeleton holds a copy of the shipped configs (``configs/``: actors, data configs, experiment
configs) whose ``newsclf:configs/...`` references are rewritten to the local ``configs/...``, and
whose data configs name the local ``configs/actors.yaml`` (so editing it changes what is built);
``data/`` (with ``data/annotations/`` for gold labels), ``models/``, a ``.gitignore`` and a README
saying what goes where. Existing files are never overwritten.
"""

from __future__ import annotations

import re
from pathlib import Path

from newsclf import settings
from newsclf.errors import NewsclfError

__all__ = ["init_project", "localize_config"]

_README = """# {name}

A newsclf project (created by `newsclf init`). Run the commands from this folder: paths in
configs and on the command line start here; `newsclf:...` paths name files shipped with newsclf.

- `configs/actors.yaml`: stance targets and speaker sides (every data config here reads it).
- `configs/data/*.yaml`: data configs: sources, splits, labelling -> `newsclf data build configs/data/seed.yaml`.
- `configs/<task>/*.yaml`: experiment configs -> `newsclf train configs/quickstart/stance-logreg.yaml`.
- `data/`: built datasets (`data/<name>/`) and your gold labels (`data/annotations/`).
- `models/`: run directories (`models/<run-id>/`), from `newsclf train`.

Start with `newsclf quickstart`, then copy and edit a config.
"""

_GITIGNORE = """# built by newsclf: rebuild with `newsclf data build` / `newsclf train`
/data/*
!/data/annotations/
/models/*
"""

_ACTORS_KEY = re.compile(r"^actors\s*:", re.MULTILINE)


def localize_config(text: str, is_data_config: bool) -> str:
    """A shipped config's text for a project: ``newsclf:configs/`` -> ``configs/``; a data config
    without an ``actors`` key gets ``actors: configs/actors.yaml``."""
    text = text.replace("newsclf:configs/", "configs/")
    if is_data_config and not _ACTORS_KEY.search(text):
        text = text.rstrip("\n") + "\nactors: configs/actors.yaml   # the project's actors (edit it)\n"
    return text


def init_project(directory: str | Path) -> list[Path]:
    """Write a project skeleton into ``directory`` (created if needed); returns the files written.

    Raises
    ------
    NewsclfError
        When a file of the skeleton already exists there (nothing is written then).
    """
    root = Path(directory)
    shipped = settings.shipped_configs_dir()
    plan: dict[Path, str] = {}
    for src in sorted(shipped.rglob("*.yaml")):
        rel = src.relative_to(shipped)
        plan[root / "configs" / rel] = localize_config(src.read_text(encoding="utf-8"), rel.parts[0] == "data")
    plan[root / "README.md"] = _README.format(name=root.resolve().name)
    plan[root / ".gitignore"] = _GITIGNORE
    plan[root / "data" / "annotations" / ".gitkeep"] = ""
    plan[root / "models" / ".gitkeep"] = ""
    existing = [p for p in plan if p.exists()]
    if existing:
        shown = ", ".join(str(p) for p in existing[:5]) + (" ..." if len(existing) > 5 else "")
        raise NewsclfError(f"{root}: {len(existing)} file(s) of the skeleton already exist ({shown}); "
                           "nothing was written - choose an empty folder")
    for path, text in plan.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(plan)
