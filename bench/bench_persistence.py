"""Cost of the safe model format: load time and file size of model.skops against joblib.

For each run given, the fitted pipeline is written both ways from the same object (joblib with
``compress=3``, what newsclf 0.1 wrote, and skops zip-deflated, what ``newsclf train`` writes now)
and each file is loaded ``--repeats`` times in turn, in this process (the trusted-type check of the
skops file is part of its load). Prints medians and the skops/joblib ratios of the same run.

    python bench/bench_persistence.py --boilerplate models/<boilerplate-run> --stance models/<stance-run>

Train the runs first (a few minutes each, on the corpora):
``newsclf train newsclf:configs/boilerplate/default.yaml`` and ``newsclf train newsclf:configs/stance/default.yaml``.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from pathlib import Path

import joblib

from newsclf.pipeline.persistence import dumps_model, loads_model, model_types
from newsclf.pipeline.runs import load_run


def _median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        gc.collect()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_run(path: Path, repeats: int) -> dict[str, float]:
    """Sizes (bytes) and median load seconds of one run's model in both formats."""
    model = load_run(path).model
    with tempfile.TemporaryDirectory() as tmp:
        jpath = Path(tmp) / "model.joblib"
        joblib.dump(model, jpath, compress=3)
        data = dumps_model(model)
        spath = Path(tmp) / "model.skops"
        spath.write_bytes(data)
        out = {"joblib_bytes": jpath.stat().st_size, "skops_bytes": spath.stat().st_size,
               "types": len(model_types(data))}
        # alternate the formats so that machine noise hits both alike
        jt, st, audit = [], [], []
        for _ in range(repeats):
            jt.append(_median_seconds(lambda: joblib.load(jpath), 1))
            st.append(_median_seconds(lambda: loads_model(spath.read_bytes(), str(spath)), 1))
            audit.append(_median_seconds(lambda: model_types(spath.read_bytes()), 1))
        out.update(joblib_s=statistics.median(jt), skops_s=statistics.median(st), audit_s=statistics.median(audit))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boilerplate", type=Path, help="boilerplate run directory")
    parser.add_argument("--stance", type=Path, help="stance run directory")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    runs = {k: v for k, v in (("boilerplate", args.boilerplate), ("stance", args.stance)) if v}
    if not runs:
        parser.error("give --boilerplate RUN and/or --stance RUN")
    print(f"load time: median of {args.repeats} loads per format, taken in turn (machine shared: "
          "compare the ratios)")
    header = ("model", "joblib MB", "skops MB", "size ratio", "joblib load s", "skops load s",
              "of which type check s", "load ratio", "types")
    print(" | ".join(header))
    for task, path in runs.items():
        r = bench_run(path, args.repeats)
        print(" | ".join([
            f"{task} ({path.name})",
            f"{r['joblib_bytes'] / 1e6:.2f}", f"{r['skops_bytes'] / 1e6:.2f}",
            f"{r['skops_bytes'] / r['joblib_bytes']:.2f}x",
            f"{r['joblib_s']:.3f}", f"{r['skops_s']:.3f}", f"{r['audit_s']:.3f}",
            f"{r['skops_s'] / r['joblib_s']:.2f}x", str(r["types"]),
        ]))


if __name__ == "__main__":
    main()
