"""The runs under ``models/`` as a table people can tell apart (like ``dvc exp show``): one row per
run with its headline metric, interval and n, the config file, the ``--set`` overrides, the data
fingerprint (the one ``newsclf data show`` prints) and only the parameters that differ between
the listed runs; filters by task, dataset and config; removal of runs and garbage collection that
keeps the promoted runs and the best N per task.

Pure functions over run folders; :mod:`newsclf.commands.experiments` prints them.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from newsclf import settings
from newsclf.errors import NewsclfError
from newsclf.pipeline.runs import MANIFEST, resolve_run

__all__ = ["catalog", "differing_params", "plan_gc", "promoted_run_ids", "remove_runs", "runs_table"]

_IGNORED_PARAMS = ("description",)


def _headline(path: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """The headline metric with interval, n and adequacy; older runs: read from metrics.json."""
    head = dict(manifest.get("headline") or {})
    if "interval" in head and "n" in head:
        return head
    try:
        metrics = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return head
    split = metrics.get("splits", {}).get(head.get("split") or metrics.get("eval_split", "test"), {})
    head.setdefault("interval", (split.get("intervals") or {}).get(head.get("metric", "macro_f1")))
    head.setdefault("n", split.get("n"))
    ad = split.get("adequacy")
    if ad is None:
        from newsclf.evaluation.adequacy import split_adequacy

        pred = metrics.get("predictions", {}).get(metrics.get("eval_split", "test")) or {}
        ad = split_adequacy(pred.get("gold", []), metrics.get("labels", []), pred.get("groups"),
                            metrics.get("eval_split", "test"))
    head.setdefault("rankable", ad.get("rankable"))
    head.setdefault("warnings", ad.get("warnings", []))
    return head


def _entry(path: Path) -> dict[str, Any] | None:
    try:
        m = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    from newsclf.errors import ConfigError
    from newsclf.safeyaml import load_yaml

    try:  # a listing: a run whose config cannot be read shows without its config values
        config = load_yaml(path / "config.yaml", "run config") or {}
    except ConfigError:
        config = {}
    head = _headline(path, m)
    from newsclf.comparison.compare import flatten_config

    return {
        "run_id": m.get("run_id", path.name),
        "path": str(path),
        "task": m.get("task"),
        "config": m.get("config_path") or m.get("config_name"),
        "overrides": list(m.get("overrides") or []),
        "dataset": m.get("dataset"),
        "data_fingerprint": m.get("data_fingerprint") or "",
        "test_fingerprint": m.get("test_fingerprint"),
        "metric": head.get("metric"),
        "split": head.get("split"),
        "value": head.get("value"),
        "interval": head.get("interval"),
        "n": head.get("n"),
        "rankable": head.get("rankable"),
        "warnings": list(head.get("warnings") or []),
        "created": m.get("created"),
        "params": flatten_config(config) if isinstance(config, dict) else {},
    }


def catalog(models_dir: str | Path | None = None, task: str | None = None, dataset: str | None = None,
            config: str | None = None) -> list[dict[str, Any]]:
    """Runs under ``models_dir`` (default ``settings.models_dir()``), oldest first, filtered.

    ``config`` matches the config file as recorded (``configs/stance/default.yaml``,
    ``newsclf:configs/quickstart/stance-svm.yaml``), its end (``stance/default.yaml``) or its stem
    (``default``). Each row: ``run_id``, ``path``, ``task``, ``config``, ``overrides``,
    ``dataset``, ``data_fingerprint``, ``metric``, ``split``, ``value``, ``interval``, ``n``,
    ``rankable``, ``warnings``, ``created`` and ``params`` (the flattened resolved config).
    """
    root = Path(models_dir) if models_dir else settings.models_dir()
    rows = []
    if root.is_dir():
        for path in sorted(root.iterdir()):
            if path.name.startswith(".") or not (path / MANIFEST).is_file():
                continue
            entry = _entry(path)
            if entry is not None:
                rows.append(entry)
    if task:
        rows = [r for r in rows if r["task"] == task]
    if dataset:
        rows = [r for r in rows if r["dataset"] == dataset]
    if config:
        want = config.removeprefix("./")

        def matches(recorded: str | None) -> bool:
            rec = str(recorded or "")
            if rec == want or rec.endswith(("/" + want, ":" + want)):
                return True
            return "/" not in want and not want.endswith(".yaml") and Path(rec).stem == want

        rows = [r for r in rows if matches(r["config"])]
    rows.sort(key=lambda r: (r["created"] or "", r["run_id"]))
    return rows


def differing_params(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Flattened config keys whose values differ between ``rows`` (all keys of a single run are
    the same as themselves: none differ), sorted; ``task``, the dataset and the description
    are left out (columns of their own)."""
    if len(rows) < 2:
        return []
    keys = sorted({k for r in rows for k in r["params"]})

    def canon(v: Any) -> str:
        return json.dumps(v, sort_keys=True, default=str)

    return [k for k in keys if k not in _IGNORED_PARAMS and k not in ("task", "dataset", "data_config")
            and len({canon(r["params"].get(k)) for r in rows}) > 1]


def promoted_run_ids(store: Any = None) -> set[str]:
    """Run ids of the models in the BentoML model store (label ``run_id``), or of ``store``."""
    import bentoml

    from newsclf.serving.bento_internals import store_kwargs

    models = bentoml.models.list(**store_kwargs(store))
    return {str(m.info.labels.get("run_id")) for m in models if m.info.labels.get("run_id")}


def plan_gc(rows: Sequence[dict[str, Any]], keep_best: int, promoted: Iterable[str] = ()) -> tuple[list[dict], list[dict]]:
    """``(kept, removed)``: keep every promoted run and the ``keep_best`` best runs of each task
    (by headline value, newest first on equal values); the rest go."""
    if keep_best < 0:
        raise NewsclfError(f"--keep {keep_best}: give 0 or more runs to keep per task")
    promoted = set(promoted)
    keep_ids = set(promoted)
    by_task: dict[str, list[dict]] = {}
    for r in rows:
        by_task.setdefault(r["task"] or "?", []).append(r)
    for runs in by_task.values():
        # best value first; among equal values the newest first
        ranked = sorted(runs, key=lambda r: (r["value"] if isinstance(r["value"], int | float) else -1.0,
                                             r["created"] or ""), reverse=True)
        keep_ids |= {r["run_id"] for r in ranked[:keep_best]}
    kept = [r for r in rows if r["run_id"] in keep_ids]
    removed = [r for r in rows if r["run_id"] not in keep_ids]
    return kept, removed


def remove_runs(refs: Iterable[str | Path]) -> list[Path]:
    """Delete the run directories named by ``refs`` (paths or run ids); return what was removed.

    Every reference is resolved and checked (a folder with a ``manifest.json``) before anything is
    deleted, so a typo removes nothing.
    """
    paths = []
    for ref in refs:
        path = resolve_run(ref)
        if not (path / MANIFEST).is_file():
            raise NewsclfError(f"{path} is not a run directory (no {MANIFEST}); nothing was removed")
        paths.append(path)
    for path in paths:
        shutil.rmtree(path)
    return paths


def _value(r: dict[str, Any]) -> str:
    if not isinstance(r["value"], int | float):
        return "-"
    iv = r.get("interval")
    return f"{r['value']:.3f}" + (f" [{iv[0]:.3f}, {iv[1]:.3f}]" if iv else "")


def _cfg_value(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _common_dir(paths: list[str]) -> str:
    """Longest common ``.../`` prefix of ``paths`` (``""`` when there is none or one path)."""
    if len(paths) < 2:
        return ""
    prefix = paths[0]
    for p in paths[1:]:
        while not p.startswith(prefix):
            prefix = prefix[:-1]
    return prefix[: prefix.rfind("/") + 1] if "/" in prefix else ""


def runs_table(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Lay out :func:`catalog` rows as ``dvc exp show`` does, showing only what tells runs apart.

    Returns
    -------
    dict with ``title`` (the values every row shares: task, dataset, data fingerprint, metric...),
    ``head`` and ``body`` (one row per run: ``#``, run id, config (common folder left out and named
    in the header), overrides, metric with 95% interval, n, note, and the columns that vary),
    ``params`` (``(key, [value per run])`` for the parameters that differ) and ``warnings``
    (``(code, run numbers, sentence)``, each distinct warning once; the note column holds the
    codes, ``w1 w2``).
    """
    from newsclf.comparison.compare import _short

    rows = list(rows)
    configs = [str(r["config"] or "") for r in rows]
    common = _common_dir(configs)
    metrics = sorted({f"{r['metric']} on {r['split']}" for r in rows if r["metric"]})
    columns: list[tuple[str, list[str]]] = [
        ("task", [r["task"] or "" for r in rows]),
        ("dataset", [r["dataset"] or "" for r in rows]),
        ("data", [(r["data_fingerprint"] or "")[:12] for r in rows]),
        ("config", [c[len(common):] for c in configs]),
        ("overrides", [" ".join(r["overrides"]) or "-" for r in rows]),
        ("metric", [f"{r['metric']} on {r['split']}" for r in rows]),
        ("n", [str(r["n"] if r["n"] is not None else "-") for r in rows]),
    ]
    shared, varying = [], []
    for name, values in columns:
        keep_anyway = name in ("config", "n")
        if len(rows) > 1 and len(set(values)) == 1 and not keep_anyway:
            if values[0] not in ("", "-"):
                shared.append(f"{name} {values[0]}")
        else:
            varying.append((name, values))
    value_head = metrics[0] if len(metrics) == 1 else "value"
    head = ["#", "run", *[n for n, _ in varying if n not in ("metric", "n")],
            *(["metric"] if any(n == "metric" for n, _ in varying) else []), f"{value_head} [95% CI]", "n", "note"]
    seen: dict[str, list[int]] = {}
    for i, r in enumerate(rows, 1):
        for w in r["warnings"]:
            seen.setdefault(w, []).append(i)
    code = {w: f"w{k}" for k, w in enumerate(seen, 1)}
    body = []
    for i, r in enumerate(rows):
        cells = {n: v[i] for n, v in varying}
        note = " ".join(code[w] for w in r["warnings"])
        body.append([str(i + 1), r["run_id"], *[cells[n] for n, _ in varying if n not in ("metric", "n")],
                     *([cells["metric"]] if "metric" in cells else []), _value(r), cells.get("n", "-"), note])
    keys = differing_params(rows)
    params = [(_short(k), [_cfg_value(r["params"].get(k)) for r in rows]) for k in keys]
    if common:
        shared.append(f"configs in {common}")
    return {"title": "runs" + (": " + ", ".join(shared) if shared else ""), "head": head, "body": body,
            "params": params, "warnings": [(code[w], ids, w) for w, ids in seen.items()]}
