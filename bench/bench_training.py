"""Training time against data size for default-like configs (synthetic sentences, no corpus).

Usage: nice python bench/bench_training.py [--sizes 1000 10000 100000] [--repeats 3] [--task boilerplate]

Prints, per config and size: median wall and CPU seconds of the fit over the repeats, rows per
CPU second, the CPU-time ratio to the smallest size of the same config, and prediction throughput.
Machines here are shared: CPU time (``time.process_time``) is the figure that survives contention.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from newsclf.pipeline.assemble import build_pipeline
from newsclf.pipeline.config import validate_config
from newsclf.pipeline.predict import predict_frame
from newsclf.pipeline.synthetic import _rows
from newsclf.tasks import get_task

CONFIGS = {
    "word+char tfidf / logreg": {
        "features": [{"name": "word_tfidf", "params": {"ngram_range": [1, 2], "min_df": 2}},
                     {"name": "char_tfidf", "params": {"ngram_range": [2, 4], "min_df": 2}}],
        "model": {"name": "logreg", "params": {"C": 1.0, "class_weight": "balanced"}},
    },
    "word tfidf / complement_nb": {
        "features": [{"name": "word_tfidf", "params": {"ngram_range": [1, 2], "min_df": 2}}],
        "model": {"name": "complement_nb", "params": {"alpha": 0.5}},
    },
    "word tfidf / linear_svm (calibrated)": {
        "features": [{"name": "word_tfidf", "params": {"ngram_range": [1, 2], "min_df": 2}}],
        "model": {"name": "linear_svm", "params": {"C": 1.0}},
    },
    "hashing / sgd": {
        "features": [{"name": "hashing", "params": {"n_features": 262144}}],
        "model": {"name": "sgd", "params": {"alpha": 1e-5}},
    },
}


def frame(task: str, n: int, seed: int = 0) -> tuple[pd.DataFrame, list[str]]:
    rows = _rows(task, n, np.random.default_rng(seed), max(2, n // 20), 0.05)
    spec = get_task(task)
    return pd.DataFrame(rows, columns=list(spec.inputs)), [r["label"] for r in rows]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--task", default="boilerplate")
    ap.add_argument("--configs", nargs="*", help="substrings selecting configs")
    args = ap.parse_args()
    spec = get_task(args.task)
    print(f"task {args.task}; fit time of the whole pipeline (featurize + model), median of {args.repeats}")
    print(f"{'config':38} {'rows':>7} {'wall s':>8} {'cpu s':>8} {'rows/cpu s':>11} {'x first':>8} {'predict rows/cpu s':>19}")
    for name, body in CONFIGS.items():
        if args.configs and not any(s in name for s in args.configs):
            continue
        cfg = validate_config({"task": args.task, "dataset": "bench", **body})
        base = None
        for n in args.sizes:
            X, y = frame(args.task, n)
            walls, cpus = [], []
            for _ in range(args.repeats):
                pipe = build_pipeline(cfg)
                t, c = time.perf_counter(), time.process_time()
                pipe.fit(X, y)
                walls.append(time.perf_counter() - t)
                cpus.append(time.process_time() - c)
            wall, cpu = statistics.median(walls), statistics.median(cpus)
            base = base or cpu
            Xp = X.head(min(n, 10000))
            c = time.process_time()
            predict_frame(pipe, Xp, spec.labels)
            pps = len(Xp) / max(time.process_time() - c, 1e-9)
            print(f"{name:38} {n:>7} {wall:>8.2f} {cpu:>8.2f} {n / cpu:>11.0f} {cpu / base:>8.1f} {pps:>19.0f}",
                  flush=True)


if __name__ == "__main__":
    main()
