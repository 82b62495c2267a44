"""Serving benchmark: HTTP throughput and latency of the newsclf service against its baselines.

Measures, on 127.0.0.1 with bounded request counts, in one run:

- one sentence per ``POST /boilerplate`` at concurrency 1, 8 and 32: requests/s, p50, p99, errors,
  for the newsclf service (``newsclf.serving.service:Newsclf``) and for the minimal BentoML service
  (``bench/minimal_service.py``, BentoML defaults) serving the same model;
- 1,000 sentences per request: sentences/s over HTTP;
- in-process ``predict_records`` throughput of the same model (batches of 1,000, and one at a time);
- ``POST /analyze`` of seed-sized articles (each a slightly changed copy of the seed), one at a
  time, interleaved with :meth:`newsclf.analysis.Analyzer.article` of the same text in this
  process: articles/s both ways;
- ratios and the targets: bulk HTTP >= 95% of in-process; ``/analyze`` over HTTP >= 90% of the
  in-process analyzer; one sentence per request at concurrency 32 >= 1.2x the minimal service
  with p99 <= 100 ms and no errors.

Each figure is the median of ``--repeats`` runs (the machines are shared and noisy).

Load generator: ``hey`` (Debian package; ``apt-get update && apt-get install -y hey``). Without
it a small asyncio/httpx generator is used, which costs the server CPU on a 2-core machine, so
the absolute figures are lower.

Models: ``--boilerplate RUN --stance RUN`` (run directories), else the promoted models in the
BentoML store (``newsclf promote``); ``--tiny`` trains two tiny models in a temporary folder.

Usage::

    python bench/bench_serving.py [--boilerplate models/<run>] [--stance models/<run>]
        [--requests 2000] [--repeats 3] [--workers 1] [--json out.json] [--ratios-only]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("BENTOML_DO_NOT_TRACK", "true")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

SENTENCES = [
    "Taliban forces entered the Panjshir valley on Monday after days of heavy fighting.",
    "Skip to content",
    "The resistance front said its fighters still held strategic positions in the mountains.",
    "Subscribe to our newsletter for daily updates",
    "Residents described heavy shelling overnight in several districts of the province.",
    "ALSO READ: Taliban name new cabinet",
    "Ahmad Massoud called on Afghans to rise up against the new rulers in Kabul.",
    "Published on 6 September 2021",
]
ONE = SENTENCES[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``bentoml serve TARGET`` in a subprocess on a free port (stopped by pid on exit)."""

    def __init__(self, target: str, env: dict[str, str], cwd: Path, log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bentoml",
                "serve",
                target,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            cwd=cwd,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 120) -> float:
        import httpx

        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc.returncode}); log: {self.log}")
            try:
                if httpx.get(self.url + "/readyz", timeout=1).status_code == 200:
                    return time.perf_counter() - t0
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"server not ready after {timeout}s; log: {self.log}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


# --- load generators ---------------------------------------------------------------------


def _secs(pattern: str, text: str) -> float | None:
    m = re.search(pattern, text)
    return float(m.group(1)) if m else None


def run_hey(url: str, body: bytes, n: int, c: int) -> dict[str, Any]:
    """One ``hey`` run: requests/s, p50/p99 (ms), count of non-200 answers and errors."""
    with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as fh:
        fh.write(body)
        path = fh.name
    try:
        out = subprocess.run(
            [
                "hey",
                "-n",
                str(n),
                "-c",
                str(c),
                "-m",
                "POST",
                "-T",
                "application/json",
                "-D",
                path,
                "-t",
                "30",
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(path)
    ok = sum(int(x) for x in re.findall(r"\[200\]\s+(\d+) responses", out))
    total = sum(int(x) for x in re.findall(r"\[\d{3}\]\s+(\d+) responses", out))
    errors = 0
    err_block = out.split("Error distribution:", 1)
    if len(err_block) > 1:
        errors = sum(int(x) for x in re.findall(r"\[(\d+)\]", err_block[1]))
    return {
        "rps": _secs(r"Requests/sec:\s+([\d.]+)", out) or 0.0,
        "p50_ms": (_secs(r"50%+ in ([\d.]+) secs", out) or 0.0) * 1000,
        "p99_ms": (_secs(r"99%+ in ([\d.]+) secs", out) or 0.0) * 1000,
        "failed": (total - ok) + errors + max(0, (n // c) * c - total - errors),
    }


def run_python(url: str, body: bytes, n: int, c: int) -> dict[str, Any]:
    """Fallback generator (asyncio + httpx): same figures as :func:`run_hey`."""
    import httpx

    latencies: list[float] = []
    failed = 0

    async def main() -> float:
        nonlocal failed
        queue = iter(range(n))
        limits = httpx.Limits(max_connections=c, max_keepalive_connections=c)
        async with httpx.AsyncClient(limits=limits, timeout=30) as client:

            async def worker() -> None:
                nonlocal failed
                for _ in queue:
                    t = time.perf_counter()
                    try:
                        r = await client.post(
                            url, content=body, headers={"content-type": "application/json"}
                        )
                        if r.status_code != 200:
                            failed += 1
                    except httpx.HTTPError:
                        failed += 1
                    latencies.append(time.perf_counter() - t)

            t0 = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(c)))
            return time.perf_counter() - t0

    elapsed = asyncio.run(main())
    latencies.sort()
    q = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000  # noqa: E731
    return {"rps": n / elapsed, "p50_ms": q(0.50), "p99_ms": q(0.99), "failed": failed}


# --- in-process ---------------------------------------------------------------------------


class InProcess:
    """``predict_records`` of the run's model in this process (one BLAS thread, as the server),
    and the analyzer over both runs."""

    def __init__(self, run: Path, stance: Path | None = None) -> None:
        from newsclf.analysis import Analyzer
        from newsclf.pipeline.predict import predict_records
        from newsclf.pipeline.runs import load_run

        boilerplate = load_run(run)
        self.model = boilerplate.model
        self.analyzer = Analyzer.from_runs(boilerplate, load_run(stance)) if stance else None
        self.predict = predict_records
        # the records the service builds for one request: one document, positions in it
        self.bulk = [{"text": SENTENCES[i % len(SENTENCES)], "group": "request-0", "position": i / 999}
                     for i in range(1000)]
        self.predict(self.model, "boilerplate", self.bulk)  # warm-up

    def bulk_sps(self, times: int = 3) -> float:
        """Sentences/s in batches of 1,000 (median of ``times``)."""
        from threadpoolctl import threadpool_limits

        rates = []
        with threadpool_limits(1):
            for _ in range(times):
                t = time.perf_counter()
                self.predict(self.model, "boilerplate", self.bulk)
                rates.append(1000 / (time.perf_counter() - t))
        return statistics.median(rates)

    def single_sps(self, n: int = 200) -> float:
        """Sentences/s one at a time."""
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):
            t = time.perf_counter()
            for i in range(n):
                self.predict(self.model, "boilerplate", [self.bulk[i]])
        return n / (time.perf_counter() - t)


def tree_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` and its live descendants."""
    if pid is None:
        return 0.0
    import psutil

    total = 0.0
    root = psutil.Process(pid)
    for p in [root, *root.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def bulk_pairs(local: InProcess, url: str, body: bytes, n: int, server_pid: int | None = None) -> dict[str, Any]:
    """``n`` pairs of (one in-process prediction of 1,000 sentences, one HTTP request of the same
    1,000 sentences), interleaved so that both see the same machine load; medians."""
    import httpx
    from threadpoolctl import threadpool_limits

    http_s, local_s, failed = [], [], 0
    local_cpu = server_cpu = 0.0
    with httpx.Client(timeout=60) as client, threadpool_limits(1):
        client.post(url, content=body, headers={"content-type": "application/json"})  # warm-up
        for _ in range(n):
            t, c = time.perf_counter(), time.process_time()
            local.predict(local.model, "boilerplate", local.bulk)
            local_s.append(time.perf_counter() - t)
            local_cpu += time.process_time() - c
            c = tree_cpu(server_pid)
            t = time.perf_counter()
            r = client.post(url, content=body, headers={"content-type": "application/json"})
            http_s.append(time.perf_counter() - t)
            server_cpu += tree_cpu(server_pid) - c
            failed += r.status_code != 200
    h, i = statistics.median(http_s), statistics.median(local_s)
    return {
        "sps": 1000 / h,
        "in_process_sps": 1000 / i,
        "ratio": i / h,
        "cpu_ratio": local_cpu / server_cpu if server_cpu else None,
        "p50_ms": h * 1000,
        "failed": failed,
    }


def _seed_variants(n: int) -> list[str]:
    from newsclf import settings

    seed = settings.seed_article_path().read_text(encoding="utf-8")
    return [seed.replace("134", str(100 + i)).replace("Sept. 6", f"Sept. {i % 28 + 1}") for i in range(n)]


def analyze_pairs(local: InProcess, url: str, n: int, server_pid: int | None = None) -> dict[str, Any]:
    """``n`` pairs of (``Analyzer.article`` of a seed variant in this process, ``POST /analyze``
    of the same text), interleaved; medians. The HTTP time includes JSON both ways."""
    import httpx
    from threadpoolctl import threadpool_limits

    from newsclf.data.readers import article_from_text

    texts = _seed_variants(n + 1)
    http_s, local_s, failed = [], [], 0
    local_cpu = server_cpu = 0.0
    with httpx.Client(timeout=60) as client, threadpool_limits(1):
        client.post(url, json={"text": texts[-1]})  # warm-up
        local.analyzer.article(article_from_text(texts[-1], id="article"))
        for text in texts[:n]:
            body = json.dumps({"text": text}).encode()
            t, c = time.perf_counter(), time.process_time()
            local.analyzer.article(article_from_text(text, id="article"))
            local_s.append(time.perf_counter() - t)
            local_cpu += time.process_time() - c
            c = tree_cpu(server_pid)
            t = time.perf_counter()
            r = client.post(url, content=body, headers={"content-type": "application/json"})
            http_s.append(time.perf_counter() - t)
            server_cpu += tree_cpu(server_pid) - c
            failed += r.status_code != 200
    h, i = statistics.median(http_s), statistics.median(local_s)
    return {"aps": 1 / h, "in_process_aps": 1 / i, "ratio": i / h, "p50_ms": h * 1000, "failed": failed,
            "cpu_ratio": local_cpu / server_cpu if server_cpu else None}


def fast_while_analyzing(url: str, gen, n: int = 400, c: int = 4, slow: int = 2) -> dict[str, Any]:
    """Latency of one-sentence ``/boilerplate`` and one-quote ``/stance`` requests, idle and while
    ``slow`` long ``/analyze`` requests (a 1 MB quote flood each) keep the analysis processes busy."""
    import threading

    import httpx

    bodies = {
        "/boilerplate": json.dumps({"sentences": [ONE]}).encode(),
        "/stance": json.dumps({"quotes": [{"text": "We will fight the Taliban", "target": "taliban"}]}).encode(),
    }
    out: dict[str, Any] = {"idle": {}, "busy": {}}
    for path, body in bodies.items():
        out["idle"][path] = gen(url + path, body, n, c)
    big = json.dumps({"text": '"a" ' * 250_000}).encode()
    stop = threading.Event()
    slow_codes: list[int] = []

    def hammer() -> None:
        with httpx.Client(timeout=120) as client:
            while not stop.is_set():
                r = client.post(url + "/analyze", content=big, headers={"content-type": "application/json"})
                slow_codes.append(r.status_code)

    threads = [threading.Thread(target=hammer, daemon=True) for _ in range(slow)]
    for t in threads:
        t.start()
    time.sleep(2.0)
    for path, body in bodies.items():
        out["busy"][path] = gen(url + path, body, n, c)
    stop.set()
    for t in threads:
        t.join(150)
    out["slow_codes"] = sorted(set(slow_codes))
    return out


# --- models ---------------------------------------------------------------------------------


def resolve_runs(args: argparse.Namespace, tmp: Path) -> dict[str, Path]:
    if args.tiny:
        sys.path.insert(0, str(REPO / "tests" / "serving"))
        from conftest import train_tiny_runs  # the test suite's tiny models

        return train_tiny_runs(tmp / "tiny")
    runs: dict[str, Path] = {}
    for task, given in (("boilerplate", args.boilerplate), ("stance", args.stance)):
        if given is not None:
            runs[task] = Path(given).resolve()
            continue
        import bentoml

        from newsclf.serving.models import model_ref

        try:
            runs[task] = Path(bentoml.models.get(model_ref(task)).path)
        except Exception as exc:
            raise SystemExit(
                f"no {task} model: pass --{task} models/<run-id>, promote one (newsclf promote), or use --tiny ({exc})"
            ) from None
    return runs


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--boilerplate", type=Path, help="boilerplate run directory")
    parser.add_argument("--stance", type=Path, help="stance run directory")
    parser.add_argument(
        "--tiny", action="store_true", help="train two tiny models for the benchmark"
    )
    parser.add_argument(
        "--requests", type=int, default=2000, help="requests per single-sentence run"
    )
    parser.add_argument(
        "--bulk-requests", type=int, default=15, help="1,000-sentence requests per run"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--workers", type=int, default=1, help="newsclf service workers")
    parser.add_argument("--skip-minimal", action="store_true")
    parser.add_argument("--analyze-requests", type=int, default=30, help="/analyze requests per run")
    parser.add_argument("--ratios-only", action="store_true",
                        help="only the bulk and /analyze ratios (no single-sentence load runs)")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bench-serving-"))
    runs = resolve_runs(args, tmp)
    env = dict(os.environ)
    env.update(
        NEWSCLF_BOILERPLATE_RUN=str(runs["boilerplate"]),
        NEWSCLF_STANCE_RUN=str(runs["stance"]),
        NEWSCLF_WORKERS=str(args.workers),
        BENTOML_DO_NOT_TRACK="true",
    )
    env.pop("NEWSCLF_ACCESS_LOG", None)
    one = json.dumps({"sentences": [ONE]}).encode()
    bulk = json.dumps({"sentences": [SENTENCES[i % len(SENTENCES)] for i in range(1000)]}).encode()
    gen = run_hey if shutil.which("hey") else run_python
    loader = "hey" if gen is run_hey else "python (httpx)"
    print(f"load generator: {loader}; models: {runs['boilerplate']}", file=sys.stderr)

    results: dict[str, Any] = {
        "loader": loader,
        "run": str(runs["boilerplate"]),
        "workers": args.workers,
        "load_average_before": os.getloadavg()[0],
    }
    local = InProcess(runs["boilerplate"], runs["stance"])
    if args.ratios_only:
        args.skip_minimal = True
        args.concurrency = []
    names = ["newsclf"] + ([] if args.skip_minimal else ["minimal"])
    targets_ = {
        "newsclf": ("newsclf.serving.service:Newsclf", REPO),
        "minimal": ("minimal_service:Minimal", HERE),
    }
    servers = {}
    try:
        for name in names:  # both up at once; measurements alternate between them
            target, cwd = targets_[name]
            servers[name] = Server(target, env, cwd, tmp / f"{name}.log")
        for name, server in servers.items():
            results[name] = {"ready_s": server.wait_ready(), "single": {}, "bulk_runs": [],
                             "analyze_runs": []}
            print(f"{name}: ready on {server.url}", file=sys.stderr)
        for server in servers.values():  # warm-up
            gen(server.url + "/boilerplate", one, 200, 8)
            gen(server.url + "/boilerplate", bulk, 3, 1)
        single_runs: dict[str, dict[int, list]] = {
            n: {c: [] for c in args.concurrency} for n in names
        }
        in_single = []
        for rep in range(args.repeats):
            in_single.append(local.single_sps())
            for name, server in servers.items():
                b = bulk_pairs(local, server.url + "/boilerplate", bulk, args.bulk_requests, server.proc.pid)
                results[name]["bulk_runs"].append(b)
                print(
                    f"[{rep + 1}/{args.repeats}] {name} bulk: {b['sps']:.0f} sentences/s over HTTP, "
                    f"{b['in_process_sps']:.0f} in-process (interleaved), ratio {b['ratio']:.3f}, "
                    f"per CPU-second {b['cpu_ratio'] or 0:.3f}",
                    file=sys.stderr,
                )
                if name == "newsclf":
                    a = analyze_pairs(local, server.url + "/analyze", args.analyze_requests, server.proc.pid)
                    results[name]["analyze_runs"].append(a)
                    print(
                        f"[{rep + 1}/{args.repeats}] {name} /analyze: {a['aps']:.1f} articles/s over HTTP, "
                        f"{a['in_process_aps']:.1f} in-process (interleaved), ratio {a['ratio']:.3f}, "
                        f"per CPU-second {a['cpu_ratio'] or 0:.3f}",
                        file=sys.stderr,
                    )
                for c in args.concurrency:
                    r = gen(server.url + "/boilerplate", one, args.requests, c)
                    single_runs[name][c].append(r)
                    print(
                        f"[{rep + 1}/{args.repeats}] {name} c={c}: {r['rps']:.0f} req/s, p50 {r['p50_ms']:.1f} ms, "
                        f"p99 {r['p99_ms']:.1f} ms, failed {r['failed']}",
                        file=sys.stderr,
                    )
        fw = fast_while_analyzing(servers["newsclf"].url, gen)
        results["newsclf"]["fast_while_analyzing"] = fw
    finally:
        for server in servers.values():
            server.stop()
    results["load_average_after"] = os.getloadavg()[0]
    in_bulk = [b["in_process_sps"] for b in results["newsclf"]["bulk_runs"]]
    results["in_process"] = {
        "bulk_sps": statistics.median(in_bulk),
        "single_sps": statistics.median(in_single),
    }
    for name in names:
        for c in args.concurrency:
            rs = single_runs[name][c]
            results[name]["single"][c] = {
                "rps": statistics.median(r["rps"] for r in rs),
                "p50_ms": statistics.median(r["p50_ms"] for r in rs),
                "p99_ms": statistics.median(r["p99_ms"] for r in rs),
                "failed": sum(r["failed"] for r in rs),
                "runs": rs,
            }
        bs = results[name]["bulk_runs"]
        results[name]["bulk"] = {
            "sps": statistics.median(b["sps"] for b in bs),
            "p50_ms": statistics.median(b["p50_ms"] for b in bs),
            "failed": sum(b["failed"] for b in bs),
        }

    c_hi = max(args.concurrency) if args.concurrency else None
    ours = results["newsclf"]
    ratios = {
        "bulk_http_vs_in_process": statistics.median(b["ratio"] for b in ours["bulk_runs"]),
        "analyze_http_vs_in_process": statistics.median(a["ratio"] for a in ours["analyze_runs"]),
        "bulk_per_cpu_second": statistics.median(b["cpu_ratio"] or 0 for b in ours["bulk_runs"]),
        "analyze_per_cpu_second": statistics.median(a["cpu_ratio"] or 0 for a in ours["analyze_runs"]),
    }
    ours["analyze"] = {
        "aps": statistics.median(a["aps"] for a in ours["analyze_runs"]),
        "in_process_aps": statistics.median(a["in_process_aps"] for a in ours["analyze_runs"]),
        "failed": sum(a["failed"] for a in ours["analyze_runs"]),
    }
    if "minimal" in results:
        ratios["single_vs_minimal"] = {
            c: ours["single"][c]["rps"] / results["minimal"]["single"][c]["rps"]
            for c in args.concurrency
        }
        ratios["bulk_vs_minimal"] = ours["bulk"]["sps"] / results["minimal"]["bulk"]["sps"]
    results["ratios"] = ratios
    targets = {
        "bulk >= 95% of in-process": ratios["bulk_http_vs_in_process"] >= 0.95,
        "/analyze >= 90% of in-process": ratios["analyze_http_vs_in_process"] >= 0.9,
        "no errors": all(s["failed"] == 0 for s in ours["single"].values())
        and ours["bulk"]["failed"] == 0 and ours["analyze"]["failed"] == 0,
    }
    if c_hi is not None:
        targets[f"p99 <= 100 ms at c={c_hi}"] = ours["single"][c_hi]["p99_ms"] <= 100
    if "minimal" in results and c_hi is not None:
        targets[f"single >= 1.2x minimal at c={c_hi}"] = ratios["single_vs_minimal"][c_hi] >= 1.2
    results["targets"] = targets

    print()
    print(
        f"load average {results['load_average_before']:.1f} -> {results['load_average_after']:.1f} "
        f"({os.cpu_count()} CPUs); load generator {loader}; newsclf workers {args.workers}"
    )
    print(
        f"in-process predict: {results['in_process']['bulk_sps']:.0f} sentences/s in batches of 1,000; "
        f"{results['in_process']['single_sps']:.0f}/s one at a time"
    )
    header = f"{'service':<9} {'c':>3} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'failed':>6}"
    print(header)
    for name in ("newsclf", "minimal"):
        if name not in results:
            continue
        for c, s in results[name]["single"].items():
            print(
                f"{name:<9} {c:>3} {s['rps']:>8.0f} {s['p50_ms']:>8.1f} {s['p99_ms']:>8.1f} {s['failed']:>6}"
            )
        b = results[name]["bulk"]
        print(
            f"{name:<9} bulk: {b['sps']:.0f} sentences/s (1,000 per request, p50 {b['p50_ms']:.1f} ms)"
        )
    an = ours["analyze"]
    print(f"/analyze (seed-sized articles, one at a time): {an['aps']:.1f} articles/s over HTTP, "
          f"{an['in_process_aps']:.1f} in-process (Analyzer.article)")
    print(f"bulk HTTP / in-process: {ratios['bulk_http_vs_in_process']:.3f} (target 0.95); "
          f"/analyze HTTP / in-process: {ratios['analyze_http_vs_in_process']:.3f} (target 0.90); "
          f"medians of {args.repeats} interleaved runs (wall clock, one request at a time)")
    print(f"per CPU-second (server processes vs this process): bulk {ratios['bulk_per_cpu_second']:.3f}, "
          f"/analyze {ratios['analyze_per_cpu_second']:.3f}")
    if "single_vs_minimal" in ratios:
        print(
            "newsclf / minimal (one sentence): "
            + ", ".join(f"c={c} {r:.2f}x" for c, r in ratios["single_vs_minimal"].items())
        )
    for path in fw["idle"]:
        i, b = fw["idle"][path], fw["busy"][path]
        print(f"{path} (one item, c=4): idle p50 {i['p50_ms']:.1f} ms p99 {i['p99_ms']:.1f} ms; while two 1 MB "
              f"/analyze run: p50 {b['p50_ms']:.1f} ms p99 {b['p99_ms']:.1f} ms, failed {b['failed']}")
    print(f"(the long /analyze requests answered {fw['slow_codes']})")
    for name, ok in targets.items():
        print(f"target {name}: {'met' if ok else 'MISSED'}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    shutil.rmtree(tmp, ignore_errors=True)
    return results


if __name__ == "__main__":
    main()
