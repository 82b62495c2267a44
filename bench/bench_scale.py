"""Scaling of ``newsclf analyze`` (sharded output): one process vs a Dask LocalCluster of 1 and 2
workers on the same generated articles.

Generates N seed-sized articles (variations of the seed article: other places, dates, numbers, a
paragraph left out or repeated; seeded) into one JSONL file, then runs
:func:`newsclf.batch.analyze_batch` on them with the same models and the same partitions:

- in this process (:class:`newsclf.batch.InProcess`),
- on a ``LocalCluster(n_workers=1, threads_per_worker=1)``,
- on a ``LocalCluster(n_workers=2, threads_per_worker=1)``,

each into a fresh output folder, and prints articles per second (wall time of the job, from the
call to the manifest written: planning, model loading on the workers and writing included; the
cluster's start is timed apart), the median over ``--repeats`` runs, the ratio to one process
measured in the same run, the CPU time spent (this process and the workers: the cluster's cost
per article, which other load on a shared machine does not change much), and whether the shards of
every run are byte-identical.

    nice -n 10 python bench/bench_scale.py [--articles 20000] [--repeats 1] [--partition-size 500]
        [--boilerplate RUN --stance RUN]   # default: the quickstart configs trained on the seed
        [--build]                          # also: newsclf data build, 1 process vs 2 workers

Models: without ``--boilerplate``/``--stance`` the quickstart configs
(``newsclf:configs/quickstart/boilerplate-logreg.yaml``, ``stance-logreg.yaml``) are trained on
the seed article in a temporary folder (real fitted pipelines, seconds to train). The machine's
other load counts: run it with ``nice`` on a quiet machine for figures to quote.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("BENTOML_DO_NOT_TRACK", "true")

PLACES = ["Panjshir", "Parwan", "Baghlan", "Takhar", "Badakhshan", "Kapisa", "Andarab", "Salang"]


def generate(path: Path, n: int, seed: int = 13) -> int:
    """Write ``n`` variations of the seed article to the JSONL file ``path``; returns its bytes."""
    from newsclf import settings

    base = settings.seed_article_path().read_text(encoding="utf-8")
    paragraphs = base.split("\n\n")
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            paras = list(paragraphs)
            k = rng.randrange(1, len(paras))
            if rng.random() < 0.5:
                del paras[k]
            else:
                paras.insert(k, paras[k])
            text = "\n\n".join(paras)
            text = text.replace("Panjshir", rng.choice(PLACES)).replace("Sept. 6", f"Sept. {rng.randint(1, 28)}")
            text = text.replace("134", str(rng.randint(100, 999)))
            fh.write(json.dumps({"id": f"gen-{i:06d}", "text": text}, ensure_ascii=False) + "\n")
    return path.stat().st_size


def train_models(root: Path) -> tuple[Path, Path]:
    """The quickstart boilerplate and stance runs, trained on the seed under ``root``."""
    from newsclf.pipeline.train import train

    os.environ["NEWSCLF_DATA"] = str(root / "data")
    os.environ["NEWSCLF_MODELS"] = str(root / "models")
    runs = [train(f"newsclf:configs/quickstart/{name}.yaml", output=root / "models" / name, n_boot=20)
            for name in ("boilerplate-logreg", "stance-logreg")]
    return runs[0], runs[1]


def cpu_seconds() -> float:
    """CPU time (user + system) of this process so far."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def shard_hashes(folder: Path) -> list[str]:
    manifest = json.loads((folder / "_SUCCESS").read_text(encoding="utf-8"))
    return [s["sha256"] for s in manifest["shards"]]


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--partition-size", type=int, default=500)
    ap.add_argument("--boilerplate")
    ap.add_argument("--stance")
    ap.add_argument("--build", action="store_true", help="also time newsclf data build (1 process vs 2 workers)")
    args = ap.parse_args()

    from distributed import LocalCluster

    from newsclf.batch import DaskCluster, InProcess, analyze_batch, model_payload

    tmp = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    corpus = tmp / "articles.jsonl"
    size = generate(corpus, args.articles)
    print(f"{args.articles:,} generated seed-sized articles, {size / 1e6:.1f} MB of JSONL; "
          f"partitions of {args.partition_size} articles; {os.cpu_count()} cores")
    if args.boilerplate and args.stance:
        boilerplate, stance = Path(args.boilerplate), Path(args.stance)
    else:
        boilerplate, stance = train_models(tmp / "train")
        print(f"models: quickstart configs trained on the seed ({boilerplate.name}, {stance.name})")
    models = model_payload(boilerplate, stance, attribution="rules")

    results: dict[str, list[float]] = {}
    cpu_rates: dict[str, list[float]] = {}
    hashes: dict[str, list[str]] = {}
    starts: dict[str, float] = {}
    for rep in range(args.repeats):
        for name, n_workers in (("1 process", 0), ("LocalCluster, 1 worker", 1), ("LocalCluster, 2 workers", 2)):
            out = tmp / f"out-{n_workers}-{rep}"
            cluster = None
            if n_workers:
                t = time.perf_counter()
                cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
                starts[name] = time.perf_counter() - t
                executor = DaskCluster(scheduler=cluster.scheduler_address)
                executor.connect()  # start, and check the workers' versions, before timing
            else:
                executor = InProcess()
            try:
                workers_cpu = sum(executor.connect().run(cpu_seconds).values()) if n_workers else 0.0
                own_cpu = cpu_seconds()
                seconds = timed(lambda: analyze_batch([corpus], out, models=models, executor=executor,  # noqa: B023
                                                      partition_articles=args.partition_size))
                cpu = cpu_seconds() - own_cpu
                if n_workers:
                    cpu += sum(executor.connect().run(cpu_seconds).values()) - workers_cpu
            finally:
                executor.close()
                if cluster is not None:
                    cluster.close()
            results.setdefault(name, []).append(args.articles / seconds)
            cpu_rates.setdefault(name, []).append(args.articles / cpu)
            hashes[name] = shard_hashes(out)
            print(f"  run {rep + 1}: {name}: {seconds:.1f} s, {args.articles / seconds:,.1f} articles/s; "
                  f"{cpu:.1f} CPU-s (client + workers), {args.articles / cpu:,.1f} articles per CPU-s",
                  flush=True)

    base = statistics.median(results["1 process"])
    cpu_base = statistics.median(cpu_rates["1 process"])
    print()
    print("| where | articles/s (median) | ratio to 1 process | articles per CPU-s | CPU efficiency | cluster start |")
    print("|---|---|---|---|---|---|")
    for name, rates in results.items():
        med = statistics.median(rates)
        per_cpu = statistics.median(cpu_rates[name])
        start = f"{starts[name]:.1f} s" if name in starts else "-"
        print(f"| {name} | {med:,.1f} (runs: {', '.join(f'{r:,.1f}' for r in rates)}) | {med / base:.2f}x "
              f"| {per_cpu:,.1f} | {per_cpu / cpu_base:.2f} | {start} |")
    print("(CPU efficiency: articles per CPU-second of the client and its workers, relative to one "
          "process; on otherwise idle cores, N workers reach at most N times it)")
    same = len({tuple(h) for h in hashes.values()}) == 1
    print(f"\nshards byte-identical across the three: {'yes' if same else 'NO'} "
          f"({len(next(iter(hashes.values())))} shards each)")

    if args.build:
        bench_build(tmp, corpus, args)


def bench_build(tmp: Path, corpus: Path, args: argparse.Namespace) -> None:
    """``newsclf data build`` of the same articles: one process vs a LocalCluster of 2 workers."""
    from newsclf.batch import BatchBuild, DaskCluster
    from newsclf.data.build import build_dataset

    config = {"name": "scale", "tasks": ["boilerplate", "stance"],
              "sources": [{"kind": "files", "paths": [str(corpus)]}],
              "split": {"train": 0.7, "validation": 0.15, "test": 0.15, "group_by": "article"}}
    one = timed(lambda: build_dataset(config, output_root=tmp / "build-1", force=True))
    with DaskCluster(workers=2) as executor:
        executor.connect()
        batch = BatchBuild(executor, partition_articles=args.partition_size)
        two = timed(lambda: build_dataset(config, output_root=tmp / "build-2", force=True, batch=batch))
    a = json.loads((tmp / "build-1" / "scale" / "manifest.json").read_text())
    b = json.loads((tmp / "build-2" / "scale" / "manifest.json").read_text())
    same = {k: v for k, v in a.items() if k not in ("built_at", "seconds")} == \
        {k: v for k, v in b.items() if k not in ("built_at", "seconds")}
    print(f"\ndata build of the same articles: 1 process {args.articles / one:,.1f} articles/s, "
          f"LocalCluster of 2 workers {args.articles / two:,.1f} articles/s ({one / two:.2f}x); "
          f"same manifest (but its times): {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
