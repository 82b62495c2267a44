"""Compare runs: one table with only the config values that differ, sorted by a metric, with 95%
intervals, n, the difference to the top run and paired significance tests on the same test
examples; a run is called best only when it beats every other run significantly on a split that
can rank runs (:mod:`newsclf.evaluation.adequacy`), never among ties.

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
from newsclf.evaluation.adequacy import ALPHA, split_adequacy
from newsclf.evaluation.bootstrap import paired_bootstrap

__all__ = [
    "ComparisonError",
    "compare_entries",
    "compare_runs",
    "flatten_config",
    "holm",
    "load_entry",
    "mcnemar",
    "render",
    "render_html",
    "render_text",
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


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-adjusted p-values (step-down, family-wise error): same order as ``p_values``."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [1.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def _adequacy(entry: dict) -> dict[str, Any]:
    """The evaluation split's adequacy (stored at evaluation; recomputed for older runs)."""
    m = entry["metrics"]
    split = m.get("eval_split", "test")
    stored = m["splits"][split].get("adequacy")
    if stored:
        return stored
    pred = m.get("predictions", {}).get(split) or {}
    return split_adequacy(pred.get("gold", []), m["labels"], pred.get("groups"), split)


def compare_entries(entries: Sequence[dict[str, Any]], metric: str = "macro_f1", force: bool = False,
                    n_boot: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Rank runs by ``metric`` on their evaluation split; see the module docstring.

    A run is declared **best** only when the evaluation split can rank runs
    (:func:`~newsclf.evaluation.adequacy.split_adequacy`) and the top run beats every other run
    in the paired bootstrap on the same examples, Holm-adjusted over the comparisons, at p <
    :data:`~newsclf.evaluation.adequacy.ALPHA`. Otherwise ``best`` is None and ``verdict`` says
    why (tied runs, a single-class or too small split, different test data, a single run).

    Parameters
    ----------
    entries : dicts with ``run_id``, ``config`` (resolved), ``metrics`` (metrics.json) and
        optionally ``manifest`` and ``path``.

    Returns
    -------
    dict with ``task``, ``metric``, ``split``, ``top`` (the first row), ``best`` (run id or None),
    ``verdict`` (one sentence), ``tied`` (run ids tied with the top), ``adequacy``,
    ``differing_keys``, ``rows`` (sorted; ``value``, ``interval``, ``n``, ``delta``, ``p_value``
    (Holm-adjusted paired bootstrap), ``p_raw``, ``mcnemar_p``, ``tie``, ``config``),
    ``warnings`` and ``significance``.

    Raises
    ------
    ComparisonError
        No run, mixed tasks, an unknown metric, or different test fingerprints (unless ``force``).
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
    warnings_: list[str] = []
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
        if metric.startswith("f1:") and metric[3:] not in s["per_class"]:
            raise ComparisonError(f"run {e['run_id']} has no label {metric[3:]!r}; labels: "
                                  f"{', '.join(s['per_class'])}")
        value = s["per_class"][metric[3:]]["f1"] if metric.startswith("f1:") else s[metric]
        rows.append({"run_id": e["run_id"], "path": e.get("path"), "value": value,
                     "interval": s.get("intervals", {}).get(metric), "n": s.get("n"), "split": split,
                     "fingerprint": _fingerprint(e), "_e": e, "_split": split})
    rows.sort(key=lambda r: (-r["value"], r["run_id"]))
    top = rows[0]
    tpred = top["_e"]["metrics"].get("predictions", {}).get(top["_split"])
    task = next(iter(tasks))
    labels = top["_e"]["metrics"]["labels"]
    positive = top["_e"]["metrics"].get("positive", []) if metric == "f_avg" else []
    adequacy = _adequacy(top["_e"])
    for w in adequacy["warnings"]:
        warnings_.append(w)
    paired = []
    for r in rows:
        r["delta"] = r["value"] - top["value"]
        r["p_value"] = r["p_raw"] = r["mcnemar_p"] = None
        if r is top:
            continue
        pred = r["_e"]["metrics"].get("predictions", {}).get(r["_split"])
        if not tpred or not pred or r["fingerprint"] != top["fingerprint"]:
            continue
        index = {i: k for k, i in enumerate(pred["ids"])}
        if set(index) != set(tpred["ids"]):
            continue
        order = [index[i] for i in tpred["ids"]]
        other = [pred["pred"][k] for k in order]
        pb = paired_bootstrap(tpred["gold"], tpred["pred"], other, labels, metric, positive,
                              groups=tpred.get("groups"), n_boot=n_boot, seed=seed)
        r["p_raw"] = pb["p_value"]
        r["delta_interval"] = [-pb["interval"][1], -pb["interval"][0]]
        r["mcnemar_p"] = mcnemar(tpred["gold"], tpred["pred"], other)["p_value"]
        paired.append(r)
    for r, p in zip(paired, holm([r["p_raw"] for r in paired]), strict=True):
        r["p_value"] = p
    unpaired = [r["run_id"] for r in rows[1:] if r["p_raw"] is None]
    best, tied = None, []
    if len(rows) == 1:
        verdict = "one run: nothing to rank"
    elif len(fps) > 1:
        verdict = "not ranked: the runs were evaluated on different test data"
    elif not adequacy["rankable"]:
        verdict = "no winner: " + "; ".join(w for w in adequacy["warnings"] if "cannot rank" in w)
    elif unpaired:
        verdict = (f"no winner: no paired predictions for {', '.join(unpaired)} (stored predictions "
                   "missing or on other rows)")
    else:
        tied = [r["run_id"] for r in paired if r["p_value"] >= ALPHA]
        if tied:
            verdict = (f"no winner: {top['run_id']} is tied with {', '.join(tied)} (paired bootstrap, "
                       f"Holm-adjusted p >= {ALPHA})")
        else:
            best = top["run_id"]
            verdict = (f"best: {best}, better than every other run (paired bootstrap, Holm-adjusted "
                       f"p < {ALPHA})")
    rankable = adequacy["rankable"] and len(fps) == 1 and not unpaired
    for i, r in enumerate(rows):
        r["tie"] = bool(tied) and (r is top or r["run_id"] in tied)
        if len(rows) == 1:
            r["rank"] = "1"
        elif not rankable:
            r["rank"] = "-"  # unranked: the split or the pairing cannot order these runs
        elif r["tie"]:
            r["rank"] = "=1"
        else:
            r["rank"] = str(i + 1)
    flat = [flatten_config(r["_e"]["config"]) for r in rows]
    keys = sorted({k for f in flat for k in f})
    differing = [k for k in keys if len({json.dumps(f.get(k), sort_keys=True, default=str) for f in flat}) > 1
                 and k not in ("description",)]
    for r, f in zip(rows, flat, strict=True):
        r["config"] = {k: f.get(k) for k in differing}
        del r["_e"], r["_split"]
    return {"task": task, "metric": metric, "split": top["split"], "top": top["run_id"], "best": best,
            "verdict": verdict, "tied": tied, "adequacy": adequacy, "differing_keys": differing,
            "rows": rows, "warnings": warnings_,
            "significance": "p vs the top run - p boot: paired bootstrap over the same examples (resampling "
                            "groups where present), Holm-adjusted over the comparisons; p McN: exact McNemar "
                            f"on accuracy, for reference; a run is best only when every p boot < {ALPHA}"}


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


def _main_table(result: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    head = ["#", "run", result["metric"], "95% CI", "n", "Δ top", "p boot", "p McN"]
    body = []
    for r in result["rows"]:
        iv = r.get("interval")
        first = r["run_id"] == result["top"]
        body.append([r["rank"], r["run_id"], _f(r["value"]), f"[{_f(iv[0])}, {_f(iv[1])}]" if iv else "-",
                     _f(r.get("n")), "top" if first else f"{r['delta']:+.3f}", _f(r["p_value"]),
                     _f(r["mcnemar_p"])])
    return head, body


def _config_table(result: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """One row per run: the config values that differ (keys as columns)."""
    head = ["#", "run", *[_short(k) for k in result["differing_keys"]]]
    body = [[r["rank"], r["run_id"], *[_cfg(r["config"].get(k)) for k in result["differing_keys"]]]
            for r in result["rows"]]
    return head, body


def _table(result: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Main columns followed by the differing config values (one wide table)."""
    head, body = _main_table(result)
    chead, cbody = _config_table(result)
    return head + chead[2:], [a + b[2:] for a, b in zip(body, cbody, strict=True)]


def _notes(result: dict[str, Any]) -> list[str]:
    return [*result["warnings"], f"significance: {result['significance']}"]


def _title(result: dict[str, Any]) -> str:
    return f"{result['task']} runs by {result['metric']} on {result['split']}"


def chart_png(result: dict[str, Any]) -> bytes:
    """Horizontal bars of the metric with 95% intervals (PNG bytes, 150 dpi)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    rows = result["rows"][::-1]
    vals = [r["value"] for r in rows]
    err = np.array([[r["value"] - (r["interval"] or [r["value"]] * 2)[0] for r in rows],
                    [(r["interval"] or [r["value"]] * 2)[1] - r["value"] for r in rows]])
    width = 8.0
    left = min(0.6, (0.075 * max(len(r["run_id"]) for r in rows) + 0.3) / width)
    height = 0.45 * len(rows) + 1.3
    fig, ax = plt.subplots(figsize=(width, height))
    ax.barh([f"{r['run_id']} (n={r.get('n')})" for r in rows], vals, xerr=np.clip(err, 0, None),
            color=["tab:blue" if r["run_id"] == result["best"] else "tab:gray" for r in rows], capsize=3)
    ax.set_xlabel(f"{result['metric']} on {result['split']} (95% interval)")
    ax.set_xlim(0, 1)
    ax.tick_params(axis="y", labelsize=8)
    fig.subplots_adjust(left=left, right=0.97, bottom=0.75 / height, top=1 - 0.2 / height)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150)
    plt.close(fig)
    return buf.getvalue()


def table_width(result: dict[str, Any]) -> int:
    """Characters a Rich table of ``result`` needs to show without folding."""
    head, body = _table(result)
    return sum(max(len(c) for c in col) + 3 for col in zip(head, *body, strict=True)) + 1


def _rich_tables(result: dict[str, Any], width: int) -> list[Any]:
    """The comparison as Rich renderables that fit ``width`` columns.

    One table when everything fits; otherwise the scores table and, below it, the differing
    config values turned sideways (one row per key, one column per run), as ``dvc exp show``
    users ask for instead of a table that runs off the screen.
    """
    from rich import box
    from rich.table import Table
    from rich.text import Text

    def merged(head, body):
        """Metric and interval in one column: ``0.474 [0.414, 0.500]``."""
        return ([*head[:2], f"{head[2]} [95% CI]", *head[4:]],
                [[*row[:2], f"{row[2]} {row[3]}" if row[3] != "-" else row[2], *row[4:]] for row in body])

    def table(head, body, title=None, caption=None, plain=False):
        if not plain:
            head, body = merged(head, body)
        t = Table(title=title, caption=caption, title_justify="left", caption_justify="left",
                  box=box.SIMPLE_HEAD, padding=(0, 1))
        for i, h in enumerate(head):
            t.add_column(h, overflow="fold", min_width={1: 14, 2: 14}.get(i),
                         justify="right" if h in ("n", "Δ top") or h.startswith("p ") else "left")
        for row in body:
            t.add_row(*row)
        return t

    verdict = Text(result["verdict"], style="bold green" if result["best"] else "bold yellow")
    warnings_ = [Text(f"warning: {w}", style="yellow") for w in result["warnings"] if w not in result["verdict"]]
    sig = Text(f"significance: {result['significance']}", style="dim")
    if table_width(result) <= width or not result["differing_keys"]:
        head, body = _table(result)
        return [table(head, body, title=_title(result)), verdict, *warnings_, sig]
    head, body = _main_table(result)
    chead, cbody = _config_table(result)
    side = [["setting", *[row[0] + " " + row[1][-8:] for row in cbody]]]
    for j, key in enumerate(chead[2:], start=2):
        side.append([key, *[row[j] for row in cbody]])
    cfg = table(side[0], side[1:], title="config values that differ (columns: # and run id suffix)", plain=True)
    return [table(head, body, title=_title(result)), cfg, verdict, *warnings_, sig]


def render_text(result: dict[str, Any], width: int) -> str:
    """The table format as plain text ``width`` characters wide (for ``-o`` files and pipes)."""
    from rich.console import Console

    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    for part in _rich_tables(result, width):
        console.print(part)
    return console.export_text()


def render(result: dict[str, Any], fmt: str = "md", width: int = 100) -> Any:
    """``fmt``: ``md`` / ``json`` / ``html`` / ``text`` -> str; ``table`` -> a Rich renderable
    (a ``rich.console.Group``) that fits ``width`` columns."""
    notes = _notes(result)
    if fmt == "json":
        return json.dumps(result, indent=2, default=str)
    if fmt == "md":
        head, body = _table(result)
        lines = [f"## {_title(result)}", "", f"**{result['verdict']}**", "",
                 "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in body]
        return "\n".join(lines + [""] + [f"- {n}" for n in notes]) + "\n"
    if fmt == "html":
        return render_html(result)
    if fmt == "text":
        return render_text(result, width)
    if fmt == "table":
        from rich.console import Group

        return Group(*_rich_tables(result, width))
    raise ValueError(f"unknown format {fmt!r}; use table, md, json or html")


_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:1200px;margin:1.5em auto;
padding:0 1em;color:#222;line-height:1.4}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.5em}
.scroll{max-width:100%;overflow-x:auto}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em;max-width:100%}
td,th{border:1px solid #ccc;padding:3px 7px;vertical-align:top}
th{background:#f3f3f3;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.id{overflow-wrap:anywhere;word-break:break-word;min-width:12em}
td.cfg{overflow-wrap:anywhere;word-break:break-word;max-width:22em}
.verdict{font-weight:bold;padding:.5em .8em;border-radius:4px;background:#eef7ee;border:1px solid #9c9}
.verdict.none{background:#fff6e0;border-color:#e0b040}
.warn{color:#8a5a00}
img{max-width:100%;height:auto}
"""


def render_html(result: dict[str, Any]) -> str:
    """A self-contained HTML page (scores table, config differences, chart as a data URI) that
    reads at 1280 px without clipping: long run ids and values wrap inside their cells."""
    import html

    esc = html.escape
    png = base64.b64encode(chart_png(result)).decode()
    head, body = _main_table(result)
    numeric = {2, 3, 4, 5, 6, 7}
    out = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
           "<meta name='viewport' content='width=device-width, initial-scale=1'>",
           f"<title>{esc(_title(result))}</title><style>{_CSS}</style></head><body>",
           f"<h1>{esc(_title(result))}</h1>",
           f"<p class='verdict{'' if result['best'] else ' none'}'>{esc(result['verdict'])}</p>"]
    if result["warnings"]:
        out.append("<ul>" + "".join(f"<li class='warn'>{esc(w)}</li>" for w in result["warnings"]) + "</ul>")
    out.append("<h2>Scores</h2><div class='scroll'><table id='scores'><tr>"
               + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>")
    for row in body:
        out.append("<tr>" + "".join(
            f"<td class='{'num' if i in numeric else 'id' if i == 1 else ''}'>{esc(c)}</td>"
            for i, c in enumerate(row)) + "</tr>")
    out.append("</table></div>")
    if result["differing_keys"]:
        chead, cbody = _config_table(result)
        out.append("<h2>Config values that differ</h2><div class='scroll'><table id='config'><tr>"
                   + "".join(f"<th>{esc(h)}</th>" for h in chead) + "</tr>")
        for row in cbody:
            out.append("<tr>" + "".join(
                f"<td class='{'id' if i == 1 else 'cfg'}'>{esc(c)}</td>" for i, c in enumerate(row)) + "</tr>")
        out.append("</table></div>")
    out.append(f"<h2>Chart</h2><img alt='{esc(result['metric'])} per run with 95% intervals' "
               f"src='data:image/png;base64,{png}'>")
    out.append(f"<p><small>{esc(result['significance'])}</small></p></body></html>")
    return "\n".join(out)
