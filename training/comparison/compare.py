"""Compare runs: one table with only the config values that differ, sorted by a metric, with 95%
intervals, the difference to the best run and paired significance tests on the same test examples.

:func:`compare_entries` is a pure function over plain data (metrics.json + resolved config +
manifest of each run); :func:`compare_runs` reads run directories. Runs whose test data differ
(different fingerprints) are not ranked unless ``force``: their scores are not comparable.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import binomtest

from newsclf.errors import NewsclfError
from newsclf.evaluation.bootstrap import paired_bootstrap

__all__ = [
    "ComparisonError",
    "compare_entries",
    "compare_runs",
    "flatten_config",
    "load_entry",
    "mcnemar",
    "render",
]


class ComparisonError(NewsclfError):
    """Runs cannot be ranked together (different tasks or test data)."""


def mcnemar(gold: Sequence[str], pred_a: Sequence[str], pred_b: Sequence[str]) -> dict[str, Any]:
    """Exact McNemar test on paired correctness: ``b`` = only A right, ``c`` = only B right.

    Returns ``{"b", "c", "p_value"}`` (two-sided binomial test of b vs c at 0.5; 1.0 when b+c=0).
    """
    g, a, b_ = np.asarray(gold), np.asarray(pred_a), np.asarray(pred_b)
    ra, rb = a == g, b_ == g
    b = int(np.sum(ra & ~rb))
    c = int(np.sum(~ra & rb))
    p = 1.0 if b + c == 0 else float(binomtest(b, b + c, 0.5).pvalue)
    return {"b": b, "c": c, "p_value": p}


def flatten_config(config: dict[str, Any]) -> dict[str, Any]:
    """Dotted keys -> scalar values (``model.params.C``, ``features.word_tfidf.ngram_range``)."""
    out: dict[str, Any] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            if not value:
                out[prefix] = "{}"
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif isinstance(value, list) and value and all(isinstance(v, dict) and "name" in v for v in value):
            out[prefix] = ", ".join(v["name"] for v in value)
            for v in value:
                for pk, pv in (v.get("params") or {}).items():
                    walk(f"{prefix}.{v['name']}.{pk}", pv)
        else:
            out[prefix] = json.dumps(value) if isinstance(value, list) else value

    walk("", config)
    return out


def load_entry(path: str | Path) -> dict[str, Any]:
    """Read a run directory (hashes verified, model not loaded) into a comparison entry."""
    from newsclf.pipeline.runs import load_run

    run = load_run(path, load_model=False)
    return {"run_id": run.run_id, "path": str(run.path), "config": run.config, "metrics": run.metrics,
            "manifest": {k: v for k, v in run.manifest.items() if k != "files"}}


def _fingerprint(entry: dict) -> str:
    m = entry.get("manifest") or {}
    split = entry["metrics"].get("eval_split", "test")
    return m.get("test_fingerprint") or entry["metrics"]["splits"][split].get("fingerprint", "?")


def compare_entries(entries: Sequence[dict[str, Any]], metric: str = "macro_f1", force: bool = False,
                    n_boot: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Rank runs by ``metric`` on their evaluation split; see the module docstring.

    Parameters
    ----------
    entries : dicts with ``run_id``, ``config`` (resolved), ``metrics`` (metrics.json) and
        optionally ``manifest`` and ``path``.

    Raises
    ------
    ComparisonError
        Fewer than one run, mixed tasks, an unknown metric, or different test fingerprints
        (unless ``force``).
    """
    if not entries:
        raise ComparisonError("no runs to compare; give run directories or --task with trained runs")
    tasks = {e["metrics"]["task"] for e in entries}
    if len(tasks) > 1:
        by = ", ".join(f"{e['run_id']} ({e['metrics']['task']})" for e in entries)
        raise ComparisonError(f"runs of different tasks cannot be compared: {by}")
    fps: dict[str, list[str]] = {}
    for e in entries:
        fps.setdefault(_fingerprint(e), []).append(e["run_id"])
    warnings_ = []
    if len(fps) > 1:
        detail = "; ".join(f"test data {fp[:12]}: {', '.join(ids)}" for fp, ids in fps.items())
        if not force:
            raise ComparisonError(f"runs were evaluated on different test data, their scores are not "
                                  f"comparable ({detail}). Retrain on the same dataset, or pass --force "
                                  "to list them anyway (no ranking significance across datasets)")
        warnings_.append(f"different test data: {detail}")
    rows = []
    for e in entries:
        m = e["metrics"]
        split = m.get("eval_split", "test")
        s = m["splits"][split]
        if metric not in s and not metric.startswith("f1:"):
            avail = [k for k, v in s.items() if isinstance(v, float)]
            raise ComparisonError(f"run {e['run_id']} has no metric {metric!r}; available: {', '.join(avail)} "
                                  "or f1:<label>")
        value = s["per_class"][metric[3:]]["f1"] if metric.startswith("f1:") else s[metric]
        rows.append({"run_id": e["run_id"], "path": e.get("path"), "value": value,
                     "interval": s.get("intervals", {}).get(metric), "n": s.get("n"),
                     "fingerprint": _fingerprint(e), "_e": e, "_split": split})
    rows.sort(key=lambda r: (-r["value"], r["run_id"]))
    best = rows[0]
    bpred = best["_e"]["metrics"].get("predictions", {}).get(best["_split"])
    task = next(iter(tasks))
    labels = best["_e"]["metrics"]["labels"]
    positive = best["_e"]["metrics"].get("positive", []) if task == "stance" else []
    for r in rows:
        r["delta"] = r["value"] - best["value"]
        r["p_value"] = r["mcnemar_p"] = None
        if r is best:
            continue
        pred = r["_e"]["metrics"].get("predictions", {}).get(r["_split"])
        if not bpred or not pred or r["fingerprint"] != best["fingerprint"]:
            continue
        index = {i: k for k, i in enumerate(pred["ids"])}
        if set(index) != set(bpred["ids"]):
            continue
        order = [index[i] for i in bpred["ids"]]
        other = [pred["pred"][k] for k in order]
        pb = paired_bootstrap(bpred["gold"], bpred["pred"], other, labels, metric, positive,
                              groups=bpred.get("groups"), n_boot=n_boot, seed=seed)
        r["p_value"] = pb["p_value"]
        r["delta_interval"] = [-pb["interval"][1], -pb["interval"][0]]
        r["mcnemar_p"] = mcnemar(bpred["gold"], bpred["pred"], other)["p_value"]
    flat = [flatten_config(r["_e"]["config"]) for r in rows]
    keys = sorted({k for f in flat for k in f})
    differing = [k for k in keys if len({json.dumps(f.get(k), sort_keys=True, default=str) for f in flat}) > 1
                 and k not in ("description",)]
    for r, f in zip(rows, flat, strict=True):
        r["config"] = {k: f.get(k) for k in differing}
        del r["_e"], r["_split"]
    return {"task": task, "metric": metric, "best": best["run_id"], "differing_keys": differing,
            "rows": rows, "warnings": warnings_,
            "significance": "paired bootstrap over the same test examples (resampling groups where "
                            "present) and exact McNemar; p vs the best run"}


def compare_runs(paths: Sequence[str | Path], metric: str = "macro_f1", force: bool = False,
                 n_boot: int = 1000) -> dict[str, Any]:
    """:func:`compare_entries` over run directories."""
    return compare_entries([load_entry(p) for p in paths], metric=metric, force=force, n_boot=n_boot)


# ----------------------------------------------------------------------------------------------
# rendering


def _f(x: Any, digits: int = 3) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


def _short(key: str) -> str:
    """Column header for a config key: ``model.params.C`` -> ``model.C``."""
    key = key.replace("model.params.", "model.").replace("search.params.", "search.")
    return key.removeprefix("features.") if key != "features" else key


def _cfg(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _table(result: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    head = ["#", "run", result["metric"], "95% CI", "Δ best", "p (boot)", "p (McNemar)",
            *[_short(k) for k in result["differing_keys"]]]
    body = []
    for i, r in enumerate(result["rows"], 1):
        iv = r.get("interval")
        body.append([str(i), r["run_id"], _f(r["value"]), f"[{_f(iv[0])}, {_f(iv[1])}]" if iv else "-",
                     "best" if i == 1 else f"{r['delta']:+.3f}", _f(r["p_value"]), _f(r["mcnemar_p"]),
                     *[_cfg(r["config"].get(k)) for k in result["differing_keys"]]])
    return head, body


def chart_png(result: dict[str, Any]) -> bytes:
    """Horizontal bars of the metric with 95% intervals (PNG bytes)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    rows = result["rows"][::-1]
    vals = [r["value"] for r in rows]
    err = np.array([[r["value"] - (r["interval"] or [r["value"]] * 2)[0] for r in rows],
                    [(r["interval"] or [r["value"]] * 2)[1] - r["value"] for r in rows]])
    width = 9.0
    left = min(0.6, (0.065 * max(len(r["run_id"]) for r in rows) + 0.2) / width)
    fig, ax = plt.subplots(figsize=(width, 0.5 * len(rows) + 1.2))
    ax.barh([r["run_id"] for r in rows], vals, xerr=np.clip(err, 0, None), color="tab:blue", capsize=3)
    ax.set_xlabel(result["metric"])
    ax.set_xlim(0, 1)
    ax.tick_params(axis="y", labelsize=7)
    fig.subplots_adjust(left=left, right=0.97, bottom=0.8 / (0.5 * len(rows) + 1.2), top=0.95)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return buf.getvalue()


def table_width(result: dict[str, Any]) -> int:
    """Characters a Rich table of ``result`` needs to show without folding."""
    head, body = _table(result)
    return sum(max(len(c) for c in col) + 3 for col in zip(head, *body, strict=True)) + 1


def render(result: dict[str, Any], fmt: str = "md") -> Any:
    """``fmt``: ``md`` / ``json`` / ``html`` -> str; ``table`` -> a ``rich.table.Table``."""
    head, body = _table(result)
    notes = [*result["warnings"], f"significance: {result['significance']}"]
    if fmt == "json":
        return json.dumps(result, indent=2, default=str)
    if fmt == "md":
        lines = [f"Runs of **{result['task']}** by {result['metric']} (best: `{result['best']}`)", "",
                 "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        return "\n".join(lines + [""] + [f"- {n}" for n in notes]) + "\n"
    if fmt == "html":
        import html

        png = base64.b64encode(chart_png(result)).decode()
        out = ["<!doctype html><html><head><meta charset='utf-8'><title>compare</title><style>"
               "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
               "td,th{border:1px solid #ccc;padding:4px 8px}</style></head><body>",
               f"<h1>{html.escape(result['task'])}: runs by {html.escape(result['metric'])}</h1><table>",
               "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"]
        out += ["<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in body]
        out.append("</table><ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>")
        out.append(f"<img alt='chart' src='data:image/png;base64,{png}'></body></html>")
        return "\n".join(out)
    if fmt == "table":
        from rich.table import Table

        table = Table(title=f"{result['task']} runs by {result['metric']}", caption="; ".join(notes))
        for i, h in enumerate(head):
            table.add_column(h, overflow="fold", no_wrap=i < 7)
        for row in body:
            table.add_row(*row)
        return table
    raise ValueError(f"unknown format {fmt!r}; use table, md, json or html")
