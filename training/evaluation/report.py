"""Render a run's ``metrics.json`` into ``report.md``, ``report.html`` and ``plots/*.png``.

The JSON is the source of truth: every table and plot here is drawn from it (confusion matrix with
counts, per-class precision-recall curves and calibration from the stored test predictions, top
features per class for linear models), so a report can be re-rendered without the model.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["make_plots", "render_html", "render_markdown", "write_report"]


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path, left: float = 0.15, bottom: float = 0.14, wspace: float = 0.3) -> None:
    """Save with fixed margins (``tight_layout`` costs more than drawing on a busy 2-core box)."""
    fig.subplots_adjust(left=left, bottom=bottom, right=0.97, top=0.9, wspace=wspace)
    fig.savefig(path, dpi=72)
    _plt().close(fig)


def _fmt(x: Any) -> str:
    return "-" if x is None else f"{x:.3f}" if isinstance(x, float) else str(x)


def _ci(split: dict, name: str) -> str:
    iv = split.get("intervals", {}).get(name)
    return f"{_fmt(split.get(name))} [{_fmt(iv[0])}, {_fmt(iv[1])}]" if iv else _fmt(split.get(name))


def plot_confusion(split: dict, path: Path, title: str) -> Path:
    plt = _plt()
    labels, cm = split["confusion"]["labels"], np.asarray(split["confusion"]["matrix"])
    fig, ax = plt.subplots(figsize=(1.2 * len(labels) + 2.5, 1.1 * len(labels) + 2))
    ax.imshow(cm, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    top = cm.max() if cm.size else 0
    for i in range(cm.shape[0]):
        for j in range(cm.shape[1]):
            ax.text(j, i, str(cm[i, j]), ha="center", va="center",
                    color="white" if top and cm[i, j] > top / 2 else "black")
    ax.set_title(title)
    _save(fig, path, left=0.28, bottom=0.28)
    return path


def plot_pr(pred: dict, labels: list[str], path: Path) -> Path | None:
    from sklearn.metrics import average_precision_score, precision_recall_curve

    scores = np.asarray(pred.get("scores") or [])
    if scores.size == 0:
        return None
    gold = np.asarray(pred["gold"])
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5, 4))
    drawn = 0
    for i, lab in enumerate(labels):
        y = gold == lab
        if y.sum() == 0 or y.sum() == len(y):
            continue
        prec, rec, _ = precision_recall_curve(y, scores[:, i])
        ap = average_precision_score(y, scores[:, i])
        ax.step(rec, prec, where="post", label=f"{lab} (AP {ap:.2f}, n={int(y.sum())})")
        drawn += 1
    if not drawn:
        plt.close(fig)
        return None
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=8)
    ax.set_title("precision-recall per class (test)")
    _save(fig, path)
    return path


def plot_calibration(pred: dict, labels: list[str], path: Path) -> Path | None:
    scores = np.asarray(pred.get("scores") or [])
    if scores.size == 0:
        return None
    gold = np.asarray(pred["gold"])
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1)
    bins = np.linspace(0, 1, 11)
    for i, lab in enumerate(labels):
        y = (gold == lab).astype(float)
        p = scores[:, i]
        idx = np.clip(np.digitize(p, bins) - 1, 0, 9)
        xs, ys = [], []
        for b in range(10):
            m = idx == b
            if m.any():
                xs.append(p[m].mean())
                ys.append(y[m].mean())
        ax.plot(xs, ys, marker="o", label=lab)
    ax.set_xlabel("predicted probability")
    ax.set_ylabel("observed frequency")
    ax.set_title("calibration (test, one-vs-rest)")
    ax.legend(fontsize=8)
    _save(fig, path)
    return path


def plot_top_features(top: dict[str, list], path: Path) -> Path | None:
    if not top:
        return None
    plt = _plt()
    n = len(top)
    fig, axes = plt.subplots(1, n, figsize=(4.2 * n, 4), squeeze=False)
    for ax, (lab, feats) in zip(axes[0], top.items(), strict=True):
        feats = feats[:15][::-1]
        ax.barh([f[0][:30] for f in feats], [f[1] for f in feats], color="tab:blue")
        ax.set_title(f"top features: {lab}")
        ax.tick_params(axis="y", labelsize=7)
    _save(fig, path, left=0.2, bottom=0.08, wspace=0.9)
    return path


def make_plots(metrics: dict, outdir: Path) -> dict[str, str]:
    """Draw the plots into ``outdir/plots``; return {name: path relative to ``outdir``}."""
    plots = Path(outdir) / "plots"
    plots.mkdir(parents=True, exist_ok=True)
    labels = metrics["labels"]
    out: dict[str, str] = {}
    for name, split in metrics.get("splits", {}).items():
        if split.get("n"):
            plot_confusion(split, plots / f"confusion_{name}.png", f"{name} (counts)")
            out[f"confusion_{name}"] = f"plots/confusion_{name}.png"
    main = metrics.get("predictions", {}).get(metrics.get("eval_split", "test"))
    if main:
        if plot_pr(main, labels, plots / "pr_curves.png"):
            out["pr_curves"] = "plots/pr_curves.png"
        if plot_calibration(main, labels, plots / "calibration.png"):
            out["calibration"] = "plots/calibration.png"
    if plot_top_features(metrics.get("top_features") or {}, plots / "top_features.png"):
        out["top_features"] = "plots/top_features.png"
    return out


def _summary_rows(metrics: dict) -> list[list[str]]:
    names = ["accuracy", "macro_f1"] + (["f_avg"] if metrics.get("positive") and metrics["task"] == "stance" else [])
    rows = []
    for split_name, split in metrics.get("splits", {}).items():
        rows.append([split_name, str(split.get("n", 0))] + [_ci(split, n) for n in names])
    return [["split", "n", *names], *rows]


def render_markdown(metrics: dict, plots: dict[str, str] | None = None) -> str:
    """Markdown report from ``metrics`` (and plot paths relative to the report)."""
    plots = plots or {}
    lines = [f"# {metrics.get('run_id', 'run')}", ""]
    lines.append(f"Task **{metrics['task']}**, dataset `{metrics.get('dataset')}`, "
                 f"model `{metrics.get('model')}`, features `{', '.join(metrics.get('features', []))}`, "
                 f"seed {metrics.get('seed')}.")
    lines += ["", "## Summary (95% bootstrap intervals"
              + (", resampling groups)" if metrics.get("bootstrap_unit") == "group" else ")"), ""]
    rows = _summary_rows(metrics)
    lines.append("| " + " | ".join(rows[0]) + " |")
    lines.append("|" + "---|" * len(rows[0]))
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    for split_name, split in metrics.get("splits", {}).items():
        lines += ["", f"## Per class ({split_name})", "", "| label | precision | recall | F1 | support |",
                  "|---|---|---|---|---|"]
        for lab, pc in split.get("per_class", {}).items():
            iv = split.get("intervals", {}).get("f1:" + lab)
            f1 = _fmt(pc["f1"]) + (f" [{_fmt(iv[0])}, {_fmt(iv[1])}]" if iv else "")
            lines.append(f"| {lab} | {_fmt(pc['precision'])} | {_fmt(pc['recall'])} | {f1} | {pc['support']} |")
        cm = split.get("confusion")
        if cm:
            lines += ["", f"Confusion matrix ({split_name}, rows gold, columns predicted):", "",
                      "| gold \\ pred | " + " | ".join(cm["labels"]) + " |", "|---|" + "---|" * len(cm["labels"])]
            for lab, row in zip(cm["labels"], cm["matrix"], strict=True):
                lines.append(f"| {lab} | " + " | ".join(str(v) for v in row) + " |")
    search = metrics.get("search")
    if search:
        lines += ["", "## Search", "", f"{search['method']} over {search['cv']}, scoring {search['scoring']}: "
                  f"best {search['best_params']} (CV {_fmt(search['best_score'])})."]
    if metrics.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {n}" for n in metrics["notes"]]
    if plots:
        lines += ["", "## Plots", ""] + [f"![{name}]({path})" for name, path in plots.items()]
    return "\n".join(lines) + "\n"


def render_html(metrics: dict, plots: dict[str, str] | None = None) -> str:
    """A self-describing HTML page (tables + the PNG plots by relative path)."""
    plots = plots or {}
    esc = html.escape
    rows = _summary_rows(metrics)
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{esc(str(metrics.get('run_id', 'run')))}</title>",
        "<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
        "th:first-child,td:first-child{text-align:left}img{max-width:100%}</style></head><body>",
        f"<h1>{esc(str(metrics.get('run_id', 'run')))}</h1>",
        f"<p>Task <b>{esc(metrics['task'])}</b>, dataset <code>{esc(str(metrics.get('dataset')))}</code>, "
        f"model <code>{esc(str(metrics.get('model')))}</code>, seed {esc(str(metrics.get('seed')))}.</p>",
        "<h2>Summary (95% bootstrap intervals)</h2><table>",
        "<tr>" + "".join(f"<th>{esc(c)}</th>" for c in rows[0]) + "</tr>",
    ]
    parts += ["<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows[1:]]
    parts.append("</table>")
    for split_name, split in metrics.get("splits", {}).items():
        parts.append(f"<h2>Per class ({esc(split_name)})</h2><table><tr><th>label</th><th>precision</th>"
                     "<th>recall</th><th>F1</th><th>support</th></tr>")
        for lab, pc in split.get("per_class", {}).items():
            parts.append(f"<tr><td>{esc(lab)}</td><td>{_fmt(pc['precision'])}</td><td>{_fmt(pc['recall'])}</td>"
                         f"<td>{_fmt(pc['f1'])}</td><td>{pc['support']}</td></tr>")
        parts.append("</table>")
    search = metrics.get("search")
    if search:
        parts.append(f"<h2>Search</h2><p>{esc(search['method'])} over {esc(search['cv'])}: best "
                     f"<code>{esc(str(search['best_params']))}</code> (CV {_fmt(search['best_score'])})</p>")
    if metrics.get("notes"):
        parts.append("<h2>Notes</h2><ul>" + "".join(f"<li>{esc(n)}</li>" for n in metrics["notes"]) + "</ul>")
    for name, path in plots.items():
        parts.append(f"<h3>{esc(name)}</h3><img src='{esc(path)}' alt='{esc(name)}'>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(metrics: dict, outdir: Path) -> list[Path]:
    """Write plots, ``report.md`` and ``report.html`` into ``outdir``; return the files written."""
    outdir = Path(outdir)
    plots = make_plots(metrics, outdir)
    (outdir / "report.md").write_text(render_markdown(metrics, plots), encoding="utf-8")
    (outdir / "report.html").write_text(render_html(metrics, plots), encoding="utf-8")
    return [outdir / "report.md", outdir / "report.html", *(outdir / p for p in plots.values())]
