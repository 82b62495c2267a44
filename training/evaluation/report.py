"""Render a run's ``metrics.json`` into ``report.md``, ``report.html``, ``MODEL_CARD.md`` and
``plots/*.png``.

The JSON is the source of truth: every table and plot here is drawn from it (confusion matrix with
counts, per-class precision-recall curves and calibration from the stored predictions, top
features per class for linear models), so a report can be re-rendered without the model. The
Markdown and the HTML are rendered from one list of sections (:func:`report_sections`), so the
HTML holds everything the Markdown holds; the HTML embeds its plots as data URIs and is a single
file to keep or mail.
"""

from __future__ import annotations

import base64
import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

__all__ = [
    "MIN_CALIBRATION_ROWS",
    "Section",
    "make_plots",
    "render_html",
    "render_markdown",
    "report_sections",
    "write_report",
]

DPI = 150
MIN_CALIBRATION_ROWS = 50
"""A calibration plot needs at least this many scored rows (10 bins of about 5); fewer draw noise."""
MAX_FEATURE_LABEL = 48


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path, left: float = 0.15, bottom: float = 0.14, wspace: float = 0.3,
          top: float = 0.9) -> None:
    """Save with fixed margins (``tight_layout`` costs more than drawing on a busy 2-core box)."""
    fig.subplots_adjust(left=left, bottom=bottom, right=0.97, top=top, wspace=wspace)
    fig.savefig(path, dpi=DPI)
    _plt().close(fig)


def _fmt(x: Any) -> str:
    return "-" if x is None else f"{x:.3f}" if isinstance(x, float) else str(x)


def _ci(split: dict, name: str) -> str:
    iv = split.get("intervals", {}).get(name)
    return f"{_fmt(split.get(name))} [{_fmt(iv[0])}, {_fmt(iv[1])}]" if iv else _fmt(split.get(name))


# ----------------------------------------------------------------------------------------------
# plots


def plot_confusion(split: dict, path: Path, title: str) -> Path:
    plt = _plt()
    labels, cm = split["confusion"]["labels"], np.asarray(split["confusion"]["matrix"])
    fig, ax = plt.subplots(figsize=(1.1 * len(labels) + 2.6, 1.0 * len(labels) + 2.0))
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
    ax.set_title(title, fontsize=10)
    _save(fig, path, left=0.3, bottom=0.28)
    return path


def plot_pr(pred: dict, labels: list[str], path: Path, split: str) -> Path | None:
    from sklearn.metrics import average_precision_score, precision_recall_curve

    scores = np.asarray(pred.get("scores") or [])
    if scores.size == 0:
        return None
    gold = np.asarray(pred["gold"])
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 4.2))
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
    ax.set_title(f"precision-recall per class ({split})", fontsize=10)
    _save(fig, path)
    return path


def plot_calibration(pred: dict, labels: list[str], path: Path, split: str) -> Path | None:
    scores = np.asarray(pred.get("scores") or [])
    gold = np.asarray(pred.get("gold") or [])
    if scores.size == 0 or len(gold) < MIN_CALIBRATION_ROWS or len(set(gold.tolist())) < 2:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 4.2))
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
    ax.set_title(f"calibration ({split}, one-vs-rest, n={len(gold)})", fontsize=10)
    ax.legend(fontsize=8)
    _save(fig, path)
    return path


def feature_labels(names: list[str]) -> list[str]:
    """Readable, distinct labels for feature names ``featurizer__feature``.

    The feature comes first with its featurizer in brackets; a label over 48 characters is cut in
    the middle, and labels that would collide after cutting keep their full names.
    """
    def nice(name: str) -> str:
        prefix, sep, rest = name.partition("__")
        return f"{rest}  [{prefix}]" if sep else name

    def cut(text: str) -> str:
        if len(text) <= MAX_FEATURE_LABEL:
            return text
        half = (MAX_FEATURE_LABEL - 1) // 2
        return text[:half] + "…" + text[-half:]

    full = [nice(n) for n in names]
    short = [cut(t) for t in full]
    seen: dict[str, int] = {}
    for s in short:
        seen[s] = seen.get(s, 0) + 1
    return [s if seen[s] == 1 else f for s, f in zip(short, full, strict=True)]


def plot_top_features(top: dict[str, list], path: Path) -> Path | None:
    if not top or not any(top.values()):
        return None
    plt = _plt()
    panels = [(lab, feats[:15][::-1]) for lab, feats in top.items() if feats]
    heights = [0.26 * len(f) + 0.8 for _, f in panels]
    labels = {lab: feature_labels([f[0] for f in feats]) for lab, feats in panels}
    longest = max(len(t) for ls in labels.values() for t in ls)
    width = 8.5
    fig, axes = plt.subplots(len(panels), 1, figsize=(width, sum(heights) + 0.4), squeeze=False,
                             gridspec_kw={"height_ratios": heights})
    for ax, (lab, feats) in zip(axes[:, 0], panels, strict=True):
        ax.barh(range(len(feats)), [f[1] for f in feats], color="tab:blue")
        ax.set_yticks(range(len(feats)), labels[lab], fontsize=8)
        ax.set_title(f"top features: {lab} (weight)", fontsize=10)
        ax.tick_params(axis="x", labelsize=8)
    left = min(0.62, (0.058 * longest + 0.3) / width)
    fig.subplots_adjust(left=left, right=0.97, top=1 - 0.35 / (sum(heights) + 0.4), bottom=0.04,
                        hspace=0.35 + 0.25 / len(panels))
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def make_plots(metrics: dict, outdir: Path) -> dict[str, str]:
    """Draw the plots into ``outdir/plots``; return {name: path relative to ``outdir``}."""
    plots = Path(outdir) / "plots"
    plots.mkdir(parents=True, exist_ok=True)
    labels = metrics["labels"]
    out: dict[str, str] = {}
    for name, split in metrics.get("splits", {}).items():
        if split.get("n"):
            plot_confusion(split, plots / f"confusion_{name}.png", f"{name}: counts (n={split['n']})")
            out[f"confusion_{name}"] = f"plots/confusion_{name}.png"
    split = metrics.get("eval_split", "test")
    main = metrics.get("predictions", {}).get(split)
    if main:
        if plot_pr(main, labels, plots / "pr_curves.png", split):
            out["pr_curves"] = "plots/pr_curves.png"
        if plot_calibration(main, labels, plots / "calibration.png", split):
            out["calibration"] = "plots/calibration.png"
    if plot_top_features(metrics.get("top_features") or {}, plots / "top_features.png"):
        out["top_features"] = "plots/top_features.png"
    return out


# ----------------------------------------------------------------------------------------------
# sections: one structure, two renderings


@dataclass
class Section:
    """A report section: a title and blocks, each ``("p" | "warn" | "list" | "table" | "code" |
    "image", payload)``."""

    title: str
    blocks: list[tuple[str, Any]] = field(default_factory=list)


def _summary_rows(metrics: dict) -> list[list[str]]:
    splits = metrics.get("splits", {})
    names = ["accuracy", "macro_f1"] + (["f_avg"] if any("f_avg" in s for s in splits.values()) else [])
    rows = []
    for split_name, split in splits.items():
        ad = split.get("adequacy") or {}
        units = f"{ad.get('units')} {ad.get('unit')}" if ad else "-"
        flag = "no" if ad and not ad.get("rankable") else "yes" if ad else "-"
        rows.append([split_name, str(split.get("n", 0)), units, *[_ci(split, n) for n in names], flag])
    return [["split", "n", "independent units", *names, "can rank runs"], *rows]


def _warnings(metrics: dict) -> list[str]:
    out = []
    for split in metrics.get("splits", {}).values():
        out += (split.get("adequacy") or {}).get("warnings", [])
    return out


def _facts(metrics: dict) -> list[list[str]]:
    rows = [["task", str(metrics.get("task"))],
            ["dataset", f"{metrics.get('dataset')} (fingerprint {metrics.get('data_fingerprint') or '-'})"]]
    if metrics.get("data_config_file"):
        rows.append(["data config", str(metrics["data_config_file"])])
    if metrics.get("config_path"):
        rows.append(["experiment config", str(metrics["config_path"])])
    if metrics.get("overrides") is not None:
        rows.append(["overrides", " ".join(metrics.get("overrides") or []) or "none"])
    rows.append(["model", str(metrics.get("model"))])
    rows.append(["features", ", ".join(metrics.get("features", []))])
    rows.append(["seed", str(metrics.get("seed"))])
    if metrics.get("train_counts"):
        counts = ", ".join(f"{k} {v}" for k, v in metrics["train_counts"].items())
        rows.append(["training rows", f"{metrics.get('train_size', sum(metrics['train_counts'].values()))} ({counts})"])
    if metrics.get("split_sizes"):
        rows.append(["rows per split", ", ".join(f"{k} {v}" for k, v in metrics["split_sizes"].items())])
    rows.append(["ranked on", f"{metrics.get('eval_split')} ({metrics.get('headline', 'macro_f1')}); "
                              f"bootstrap over {'groups' if metrics.get('bootstrap_unit') == 'group' else 'rows'}"])
    if metrics.get("timings"):
        rows.append(["timings (s)", ", ".join(f"{k} {v:.1f}" for k, v in metrics["timings"].items())])
    if metrics.get("created") or metrics.get("evaluated"):
        rows.append(["date", str(metrics.get("created") or metrics.get("evaluated"))])
    return rows


def report_sections(metrics: dict, plots: dict[str, str] | None = None) -> list[Section]:
    """The report as sections (rendered by :func:`render_markdown` and :func:`render_html`)."""
    plots = plots or {}
    out: list[Section] = []
    warns = _warnings(metrics)
    if warns:
        out.append(Section("Read this first", [("warn", w) for w in warns]))
    out.append(Section("Run", [("table", [["what", "value"], *_facts(metrics)])]))
    unit = ", resampling groups" if metrics.get("bootstrap_unit") == "group" else ""
    out.append(Section(f"Summary (95% bootstrap intervals{unit})", [
        ("table", _summary_rows(metrics)),
        ("p", "macro-F1 averages every label of the task; a label without support in a split has F1 0 "
              "there and is marked below."),
    ]))
    for split_name, split in metrics.get("splits", {}).items():
        rows = [["label", "precision", "recall", "F1 [95% CI]", "support"]]
        for lab, pc in split.get("per_class", {}).items():
            iv = split.get("intervals", {}).get("f1:" + lab)
            f1 = _fmt(pc["f1"]) + (f" [{_fmt(iv[0])}, {_fmt(iv[1])}]" if iv else "")
            support = str(pc["support"]) + (" (no support)" if not pc["support"] else "")
            rows.append([lab, _fmt(pc["precision"]), _fmt(pc["recall"]), f1, support])
        blocks: list[tuple[str, Any]] = [("table", rows)]
        if split.get("folds"):
            blocks.insert(0, ("p", f"Out-of-fold predictions: {split['folds']}."))
        cm = split.get("confusion")
        if cm:
            blocks.append(("p", f"Confusion matrix ({split_name}, rows gold, columns predicted):"))
            blocks.append(("table", [["gold \\ pred", *cm["labels"]],
                                     *[[lab, *map(str, row)] for lab, row in zip(cm["labels"], cm["matrix"], strict=True)]]))
        if f"confusion_{split_name}" in plots:
            blocks.append(("image", (f"confusion_{split_name}", plots[f"confusion_{split_name}"])))
        out.append(Section(f"Per class ({split_name})", blocks))
    ev = metrics.get("eval_split", "test")
    errors = (metrics.get("splits", {}).get(ev) or {}).get("errors")
    if errors is not None:
        if errors:
            extra = sorted({k for e in errors for k in e if k not in ("id", "text", "gold", "pred", "confidence")})
            rows = [["confidence", "gold", "predicted", *extra, "text", "id"]]
            rows += [[_fmt(e["confidence"]), e["gold"], e["pred"], *[e.get(k, "") for k in extra], e["text"], e["id"]]
                     for e in errors]
            out.append(Section(f"Most confident errors ({ev})", [("table", rows)]))
        else:
            out.append(Section(f"Most confident errors ({ev})", [("p", "No errors on this split.")]))
    for name, title in (("pr_curves", "Precision-recall"), ("calibration", "Calibration")):
        if name in plots:
            out.append(Section(title, [("image", (name, plots[name]))]))
    main = metrics.get("predictions", {}).get(ev)
    if main and "calibration" not in plots:
        out.append(Section("Calibration", [("p", f"Not drawn: {len(main.get('gold', []))} scored rows on "
                                                 f"{ev}; a calibration curve needs at least "
                                                 f"{MIN_CALIBRATION_ROWS} rows and two classes.")]))
    top = metrics.get("top_features") or {}
    if any(top.values()):
        blocks = []
        for lab, feats in top.items():
            if feats:
                names = feature_labels([f[0] for f in feats])
                blocks.append(("p", f"{lab}:"))
                blocks.append(("table", [["feature [featurizer]", "weight"],
                                         *[[n, f"{f[1]:.3f}"] for n, f in zip(names, feats, strict=True)]]))
        if "top_features" in plots:
            blocks.append(("image", ("top_features", plots["top_features"])))
        out.append(Section("Top features (largest positive weights per class)", blocks))
    search = metrics.get("search")
    if search:
        blocks = [("p", f"{search['method']} over {search['cv']}, scoring {search['scoring']}: best "
                        f"{search['best_params']} (CV {_fmt(search['best_score'])}).")]
        cands = search.get("candidates") or []
        if cands:
            rows = [["params", "mean", "std"]]
            rows += [[json.dumps(c["params"]), _fmt(c["mean"]), _fmt(c["std"])]
                     for c in sorted(cands, key=lambda c: -(c["mean"] if c["mean"] is not None else -1))]
            blocks.append(("table", rows))
        out.append(Section("Search", blocks))
    if metrics.get("notes"):
        out.append(Section("Notes", [("list", list(metrics["notes"]))]))
    if metrics.get("config"):
        out.append(Section("Resolved config", [("code", yaml.safe_dump(metrics["config"], sort_keys=False))]))
    return out


def _md_cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(metrics: dict, plots: dict[str, str] | None = None) -> str:
    """Markdown report from ``metrics`` (and plot paths relative to the report)."""
    lines = [f"# {metrics.get('run_id', 'run')}", ""]
    for sec in report_sections(metrics, plots):
        lines += [f"## {sec.title}", ""]
        for kind, payload in sec.blocks:
            if kind == "p":
                lines += [payload, ""]
            elif kind == "warn":
                lines += [f"> **Warning:** {payload}", ""]
            elif kind == "list":
                lines += [f"- {x}" for x in payload] + [""]
            elif kind == "table":
                head, *body = payload
                lines.append("| " + " | ".join(_md_cell(c) for c in head) + " |")
                lines.append("|" + "---|" * len(head))
                lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in body]
                lines.append("")
            elif kind == "code":
                lines += ["```yaml", payload.rstrip(), "```", ""]
            elif kind == "image":
                name, path = payload
                lines += [f"![{name}]({path})", ""]
    return "\n".join(lines).rstrip() + "\n"


_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:1100px;margin:1.5em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.5em;overflow-wrap:anywhere}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}
.scroll{max-width:100%;overflow-x:auto}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em;max-width:100%}
td,th{border:1px solid #ccc;padding:3px 7px;vertical-align:top;overflow-wrap:anywhere}
th{background:#f3f3f3;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.warn{background:#fff6e0;border:1px solid #e0b040;padding:.4em .8em;border-radius:4px}
pre{background:#f6f6f6;padding:.8em;overflow-x:auto;font-size:.85em}
img{max-width:min(100%,760px);height:auto;display:block;margin:.5em 0}
"""


def _is_num(text: str) -> bool:
    head = text.split(" ", 1)[0]
    try:
        float(head)
    except ValueError:
        return False
    return True


def render_html(metrics: dict, plots: dict[str, str] | None = None, base: Path | None = None) -> str:
    """A self-contained HTML page: the same sections as the Markdown, plots embedded as
    ``data:image/png;base64`` URIs read from ``base / path`` (no file beside it needed)."""
    esc = html.escape
    title = esc(str(metrics.get("run_id", "run")))
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             f"<title>{title}</title><style>{_CSS}</style></head><body>", f"<h1>{title}</h1>"]
    for sec in report_sections(metrics, plots):
        parts.append(f"<h2>{esc(sec.title)}</h2>")
        for kind, payload in sec.blocks:
            if kind == "p":
                parts.append(f"<p>{esc(payload)}</p>")
            elif kind == "warn":
                parts.append(f"<p class='warn'><b>Warning:</b> {esc(payload)}</p>")
            elif kind == "list":
                parts.append("<ul>" + "".join(f"<li>{esc(str(x))}</li>" for x in payload) + "</ul>")
            elif kind == "table":
                head, *body = payload
                parts.append("<div class='scroll'><table><tr>" + "".join(f"<th>{esc(str(c))}</th>" for c in head)
                             + "</tr>")
                for row in body:
                    parts.append("<tr>" + "".join(
                        f"<td class='{'num' if j and _is_num(str(c)) else ''}'>{esc(str(c))}</td>"
                        for j, c in enumerate(row)) + "</tr>")
                parts.append("</table></div>")
            elif kind == "code":
                parts.append(f"<pre>{esc(payload)}</pre>")
            elif kind == "image":
                name, path = payload
                src = path
                if base is not None and (Path(base) / path).is_file():
                    data = base64.b64encode((Path(base) / path).read_bytes()).decode()
                    src = f"data:image/png;base64,{data}"
                parts.append(f"<img alt='{esc(name)}' src='{esc(src)}'>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(metrics: dict, outdir: Path) -> list[Path]:
    """Write plots, ``report.md``, ``report.html`` (self-contained) and ``MODEL_CARD.md`` into
    ``outdir``; return the files written."""
    from newsclf.evaluation.model_card import render_model_card

    outdir = Path(outdir)
    plots = make_plots(metrics, outdir)
    (outdir / "report.md").write_text(render_markdown(metrics, plots), encoding="utf-8")
    (outdir / "report.html").write_text(render_html(metrics, plots, base=outdir), encoding="utf-8")
    written = [outdir / "report.md", outdir / "report.html"]
    if metrics.get("config"):  # a training run (a re-evaluation has no card of its own)
        (outdir / "MODEL_CARD.md").write_text(render_model_card(metrics), encoding="utf-8")
        written.append(outdir / "MODEL_CARD.md")
    return [*written, *(outdir / p for p in plots.values())]
