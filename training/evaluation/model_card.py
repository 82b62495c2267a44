"""``MODEL_CARD.md`` of a run, in the spirit of Hugging Face model cards: YAML metadata (with a
``model-index`` of the evaluation results) followed by model details, intended use, training
data, evaluation with 95% intervals, limitations and how to use it. Rendered from ``metrics.json``
alone, like the reports."""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["render_model_card"]

INTENDED_USE = {
    "boilerplate": (
        "Tell the story's text (headline, standfirst, body, sub-headings) from page chrome "
        "(navigation, bylines, captions, share/subscribe prompts, related links) in English news "
        "pages or their sentences; used by `newsclf extract` and the `/extract` and `/analyze` "
        "endpoints to keep an article's main text."),
    "stance": (
        "Say whether a quote or sentence in English news takes a stance for (`favor`) or against "
        "(`against`) a named target actor, or none; meant for aggregate analysis of how sources "
        "talk about actors (e.g. the Taliban and the NRF), with a person checking individual cases."),
}

NOT_FOR = ("Decisions about individual people, content moderation or any use without a person "
           "reviewing the outputs; text that is not English news; targets far from those in the "
           "training data.")


def _fmt(x: Any) -> str:
    return "-" if x is None else f"{x:.3f}" if isinstance(x, float) else str(x)


def _with_ci(split: dict, name: str) -> str:
    iv = (split.get("intervals") or {}).get(name)
    return f"{_fmt(split.get(name))} [{_fmt(iv[0])}, {_fmt(iv[1])}]" if iv else _fmt(split.get(name))


def _metadata(metrics: dict) -> str:
    ev = metrics.get("eval_split", "test")
    split = metrics["splits"].get(ev, {})
    names = [n for n in ("macro_f1", "accuracy", "f_avg") if n in split]
    results = [{"type": n, "value": round(float(split[n]), 4),
                "name": f"{n} [{', '.join(f'{v:.3f}' for v in split['intervals'][n])}] (95% bootstrap)"
                if n in (split.get("intervals") or {}) else n} for n in names]
    meta = {
        "language": ["en"],
        "library_name": "sklearn",
        "pipeline_tag": "text-classification",
        "tags": ["newsclf", metrics["task"], "text-classification"],
        "datasets": [str(metrics.get("dataset"))],
        "metrics": names,
        "model-index": [{"name": str(metrics.get("run_id")), "results": [{
            "task": {"type": "text-classification", "name": metrics["task"]},
            "dataset": {"name": str(metrics.get("dataset")), "type": "newsclf", "split": ev,
                        "revision": str(metrics.get("data_fingerprint") or "")[:12]},
            "metrics": results}]}],
    }
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n"


def render_model_card(metrics: dict) -> str:
    """The model card of a training run from its ``metrics.json`` (see module docstring)."""
    task = metrics["task"]
    ev = metrics.get("eval_split", "test")
    labels = metrics.get("labels", [])
    lines = [_metadata(metrics), f"# Model card: {metrics.get('run_id')}", ""]
    lines += ["## Model details", "",
              f"- **Task:** {task} — labels {', '.join(f'`{lab}`' for lab in labels)}",
              f"- **Model:** `{metrics.get('model')}` over features {', '.join(f'`{f}`' for f in metrics.get('features', []))} "
              "(scikit-learn pipeline)",
              f"- **Experiment config:** `{metrics.get('config_path') or '-'}`"
              + (f" with `--set {' '.join(metrics['overrides'])}`" if metrics.get("overrides") else ""),
              f"- **Seed:** {metrics.get('seed')}; trained {metrics.get('created', '-')}", ""]
    lines += ["## Intended use", "", INTENDED_USE.get(task, f"Classify {task} inputs into {', '.join(labels)}."),
              "", f"**Not for:** {NOT_FOR}", ""]
    counts = metrics.get("train_counts") or {}
    lines += ["## Training data", "",
              f"- **Dataset:** `{metrics.get('dataset')}`, fingerprint `{metrics.get('data_fingerprint') or '-'}`"
              + (f" (built from `{metrics['data_config_file']}`)" if metrics.get("data_config_file") else ""),
              f"- **Training rows:** {metrics.get('train_size', sum(counts.values()))} "
              f"({', '.join(f'{k} {v}' for k, v in counts.items())})"]
    if metrics.get("split_sizes"):
        lines.append("- **Rows per split:** " + ", ".join(f"{k} {v}" for k, v in metrics["split_sizes"].items()))
    lines.append("")
    lines += ["## Evaluation", "",
              f"Ranked on **{ev}**; 95% bootstrap intervals"
              + (" resampling groups (articles, pages or paragraphs)" if metrics.get("bootstrap_unit") == "group" else "")
              + ". Macro-F1 averages every label.", "",
              "| split | n | accuracy | macro-F1 |" + (" F_avg |" if any("f_avg" in s for s in metrics["splits"].values()) else ""),
              "|---|---|---|---|" + ("---|" if any("f_avg" in s for s in metrics["splits"].values()) else "")]
    for name, split in metrics["splits"].items():
        row = f"| {name} | {split.get('n')} | {_with_ci(split, 'accuracy')} | {_with_ci(split, 'macro_f1')} |"
        if any("f_avg" in s for s in metrics["splits"].values()):
            row += f" {_with_ci(split, 'f_avg')} |"
        lines.append(row)
    main = metrics["splits"].get(ev, {})
    lines += ["", f"Per class on {ev}:", "", "| label | F1 [95% CI] | support |", "|---|---|---|"]
    for lab, pc in (main.get("per_class") or {}).items():
        iv = (main.get("intervals") or {}).get(f"f1:{lab}")
        f1 = _fmt(pc["f1"]) + (f" [{_fmt(iv[0])}, {_fmt(iv[1])}]" if iv else "")
        lines.append(f"| {lab} | {f1} | {pc['support']}{' (no support)' if not pc['support'] else ''} |")
    lines += ["", "## Limitations", ""]
    limits = []
    for split in metrics["splits"].values():
        limits += (split.get("adequacy") or {}).get("warnings", [])
    absent = [k for k, v in counts.items() if not v]
    if absent:
        limits.append(f"The training data has no rows of {', '.join(absent)}: the model never predicts them.")
    n_train = metrics.get("train_size", sum(counts.values()))
    if n_train < 1000:
        limits.append(f"Trained on {n_train} rows only: expect wide error bars and poor transfer to other "
                      "articles; train on the public corpora for a usable model (configs/boilerplate/default.yaml, "
                      "configs/stance/default.yaml).")
    limits.append("Labels partly come from weak labelling functions and corpus conventions, not only "
                  "from hand annotation; the figures above are on the splits named, not on new sources.")
    limits.append("English news only; figures on other domains or languages are unknown.")
    lines += [f"- {x}" for x in limits]
    lines += ["", "## How to use", "", "```bash",
              f"newsclf predict models/{metrics.get('run_id')} \"some text\""
              + (" --target taliban" if task == "stance" else ""),
              f"newsclf promote models/{metrics.get('run_id')}   # then: newsclf serve", "```", "",
              "Files: `report.html` (full evaluation), `metrics.json` (all figures), `config.yaml` "
              "(resolved config), `manifest.json` (hashes, versions, data fingerprint).", ""]
    return "\n".join(lines)
