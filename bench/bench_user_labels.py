"""What labelling your own articles is worth: k-fold by article, the stance model alone vs the
same model trained with the gold of the other folds, through the documented route.

Usage::

    nice -n 10 python bench/bench_user_labels.py [--articles bench/user_labels/articles]
        [--annotations bench/user_labels/annotations] [--folds 5] [--repeat 1 10 30]
        [--config newsclf:configs/stance/default.yaml] [--data newsclf:configs/data/stance.yaml]

For every fold the held-out articles' gold quotes are classified toward every target they are
labelled for, with their gold speaker and side as inputs (the quote text, as ``newsclf predict
--file`` takes it). Two models:

* **alone**: ``--config`` trained on ``--data`` (NewsMTSC + DSE + the seed), once;
* **with gold, repeat R**: the same config trained on ``--data`` plus one more source, the
  other folds' articles with their gold folder (``{kind: files, paths, annotations, repeat: R}``),
  built and trained with :func:`newsclf.data.build.build_dataset` and
  :func:`newsclf.pipeline.train.train`, exactly what ``newsclf data build`` and ``newsclf train``
  run.

Printed per target and model: macro-F1 over the pooled held-out predictions, the difference to the
model alone with a 95% paired bootstrap interval over articles, and what the builds did with the
gold (applied, fuzzy, added, unplaced: nothing is dropped silently).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("BENTOML_DO_NOT_TRACK", "true")

import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import yaml  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402

from newsclf.data.annotations import load_annotations  # noqa: E402
from newsclf.data.build import build_dataset, load_data_config  # noqa: E402
from newsclf.pipeline.predict import predict_records  # noqa: E402
from newsclf.pipeline.runs import load_run  # noqa: E402
from newsclf.pipeline.train import train  # noqa: E402

LABELS = ["favor", "against", "none"]
HERE = Path(__file__).resolve().parent


def gold_rows(annotations: Path) -> dict[str, list[dict]]:
    """Per article: one record per (non-fragment gold quote, target), with the gold label."""
    out: dict[str, list[dict]] = {}
    for aid, gold in sorted(load_annotations(annotations).items()):
        out[aid] = [
            {"text": q.text, "target": t, "speaker": q.speaker or "", "side": q.side or "",
             "group": aid, "label": lab}
            for q in gold.quotes if not q.fragment
            for t, lab in (q.stance or {}).items()
        ]
    return out


def folds_of(ids: list[str], k: int, seed: int) -> list[list[str]]:
    order = [ids[i] for i in np.random.default_rng(seed).permutation(len(ids))]
    return [sorted(order[i::k]) for i in range(k)]


def predict(run: Path, rows: list[dict]) -> list[str]:
    loaded = load_run(run)
    records = [{k: v for k, v in r.items() if k != "label"} for r in rows]
    return [p["label"] for p in predict_records(loaded.model, "stance", records)]


def macro_f1(y: list[str], p: list[str]) -> float:
    return float(f1_score(y, p, labels=LABELS, average="macro", zero_division=0))


def paired_interval(rows: list[dict], a: list[str], b: list[str], target: str, n_boot: int,
                    seed: int) -> tuple[float, float]:
    """95% interval of macro-F1(b) - macro-F1(a) toward ``target``, resampling articles."""
    idx = [i for i, r in enumerate(rows) if r["target"] == target]
    groups: dict[str, list[int]] = {}
    for i in idx:
        groups.setdefault(rows[i]["group"], []).append(i)
    keys = sorted(groups)
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(n_boot):
        take = [j for g in rng.choice(len(keys), len(keys)) for j in groups[keys[g]]]
        y = [rows[j]["label"] for j in take]
        diffs.append(macro_f1(y, [b[j] for j in take]) - macro_f1(y, [a[j] for j in take]))
    return float(np.percentile(diffs, 2.5)), float(np.percentile(diffs, 97.5))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=Path, default=HERE / "user_labels" / "articles")
    ap.add_argument("--annotations", type=Path, default=HERE / "user_labels" / "annotations")
    ap.add_argument("--config", default="newsclf:configs/stance/default.yaml")
    ap.add_argument("--data", default="newsclf:configs/data/stance.yaml")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--repeat", type=int, nargs="+", default=[1, 10, 30])
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--boot", type=int, default=1000)
    ap.add_argument("--keep", type=Path, help="keep data and runs here (default: a temporary folder)")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = ap.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-user-labels-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["NEWSCLF_DATA"] = str(work / "data")
    os.environ["NEWSCLF_MODELS"] = str(work / "models")
    gold = gold_rows(args.annotations)
    ids = [aid for aid in sorted(gold) if gold[aid]]
    folds = folds_of(ids, args.folds, args.seed)
    base_cfg, _ = load_data_config(args.data)
    base = base_cfg.model_dump(mode="json")
    t0 = time.perf_counter()

    def run_with(data_cfg: dict, name: str) -> Path:
        cfg_path = work / f"{name}.data.yaml"
        cfg_path.write_text(yaml.safe_dump(data_cfg, sort_keys=False), encoding="utf-8")
        build_dataset(cfg_path)
        return train(args.config, [f"data_config={cfg_path}"], output=work / "models" / name, n_boot=50)

    held = [r for f in folds for aid in f for r in gold[aid]]
    print(f"{len(ids)} articles, {len(held)} (quote, target) rows, {args.folds} folds by article; "
          f"config {args.config}; data {args.data}", flush=True)
    alone_run = run_with({**base, "name": "bench-alone"}, "alone")
    alone = predict(alone_run, held)
    print(f"model alone trained ({time.perf_counter() - t0:.0f} s)", flush=True)
    results = {"alone": alone}
    builds: dict[int, Counter] = {}
    for repeat in args.repeat:
        preds: list[str] = []
        counts: Counter = Counter()
        for k, fold in enumerate(folds):
            train_ids = [aid for aid in ids if aid not in fold]
            src = work / f"r{repeat}-f{k}"
            shutil.rmtree(src, ignore_errors=True)
            (src / "articles").mkdir(parents=True)
            (src / "annotations").mkdir()
            for aid in train_ids:
                shutil.copy(args.articles / f"{aid}.txt", src / "articles")
                shutil.copy(args.annotations / f"{aid}.json", src / "annotations")
            cfg = {**base, "name": f"bench-r{repeat}-f{k}",
                   "sources": [*base["sources"], {"kind": "files", "paths": [str(src / "articles")],
                                                   "annotations": str(src / "annotations"),
                                                   "repeat": repeat}]}
            run = run_with(cfg, f"r{repeat}-f{k}")
            manifest = json.loads((work / "data" / cfg["name"] / "manifest.json").read_text())
            counts.update(manifest["gold"]["labels"])
            counts["articles"] += manifest["gold"]["articles"]
            preds += predict(run, [r for aid in fold for r in gold[aid]])
            print(f"repeat {repeat} fold {k + 1}/{args.folds} ({time.perf_counter() - t0:.0f} s)", flush=True)
        results[f"repeat {repeat}"] = preds
        builds[repeat] = counts

    table = {}
    print(f"\nmacro-F1 on the held-out articles ({len(ids)} articles, {args.folds}-fold by article), "
          "95% paired bootstrap over articles for the difference to the model alone:")
    for target in sorted({r["target"] for r in held}):
        idx = [i for i, r in enumerate(held) if r["target"] == target]
        y = [held[i]["label"] for i in idx]
        for name, pred in results.items():
            f1 = macro_f1(y, [pred[i] for i in idx])
            line = f"  {target:8s} {name:10s} {f1:.3f}"
            entry = {"macro_f1": round(f1, 4), "n": len(idx)}
            if name != "alone":
                lo, hi = paired_interval(held, results["alone"], pred, target, args.boot, args.seed)
                diff = f1 - macro_f1(y, [results["alone"][i] for i in idx])
                line += f"  {diff:+.3f} [{lo:+.3f}, {hi:+.3f}]"
                entry.update(diff=round(diff, 4), interval=[round(lo, 4), round(hi, 4)])
            print(line)
            table.setdefault(target, {})[name] = entry
    for repeat, c in builds.items():
        print(f"  repeat {repeat}: gold labels over the {args.folds} training builds: applied {c['applied']}, "
              f"fuzzy {c['fuzzy']}, added {c['added']}, unplaced {c['unplaced']}")
    print(f"({time.perf_counter() - t0:.0f} s; shared machine)")
    if args.json:
        args.json.write_text(json.dumps({"scores": table, "gold": {str(k): dict(v) for k, v in builds.items()},
                                         "folds": folds}, indent=1), encoding="utf-8")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
