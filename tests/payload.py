"""Harmless payloads for the model-file safety tests: each writes a marker file when loaded.

:class:`Marker` runs code in ``__setstate__`` (what a crafted skops file would name);
:class:`PickleMarker` runs code when unpickled (what a crafted ``model.joblib`` would hold).
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path


class Marker:
    """Writes ``state["marker"]`` when its state is restored (skops ``ObjectNode``)."""

    def __init__(self, marker: str | Path = "") -> None:
        self.marker = str(marker)

    def __getstate__(self) -> dict:
        return {"marker": self.marker}

    def __setstate__(self, state: dict) -> None:
        Path(state["marker"]).write_text("payload ran", encoding="utf-8")
        self.marker = state["marker"]


class PickleMarker:
    """Unpickles into a call of ``exec`` that writes the marker file."""

    def __init__(self, marker: str | Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return exec, (f"open({self.marker!r}, 'w').write('payload ran')",)


def rehash_run(run: Path) -> None:
    """Rewrite a run's manifest so that its hashes match its files (what an attacker would do)."""
    from newsclf.pipeline.runs import MANIFEST, write_manifest

    manifest = json.loads((run / MANIFEST).read_text(encoding="utf-8"))
    manifest.pop("files")
    write_manifest(run, manifest)


def craft_run(run: Path, kind: str, marker: Path) -> Path:
    """Replace a run's model by a payload that writes ``marker`` when loaded (``kind``: a skops file
    naming :class:`Marker`, or a ``model.joblib`` pickle), with a manifest that matches."""
    import skops.io as sio

    if kind == "skops":
        (run / "model.skops").write_bytes(sio.dumps(Marker(marker)))
    else:
        (run / "model.skops").unlink()
        (run / "model.joblib").write_bytes(pickle.dumps(PickleMarker(marker)))
    rehash_run(run)
    return run
