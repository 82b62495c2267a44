"""Data-path throughput: seed-sized articles per second on one core.

Measures, in one process (so: per core), reading a text file, sentence segmentation, quote finding
and attribution and, when available, the weak sentence labels, over N copies of the seed article
(each copy slightly changed so nothing is cached). Prints the median of several runs and each stage's
share. The issue's target is >= 200 articles/s per core. Then the same path on the AEB pages
(HTML, gzip) when the corpora are present (``NEWSCLF_CORPORA``): pages per second per core.

    python bench/bench_data.py [--articles 300] [--runs 5] [--no-pages] [--attribution RUN]
    python bench/bench_data.py --scaling-only [--max-kb 2048] [--cap 60]

Scaling table (issue 15): CPU time and peak memory of the whole reading path (HTML reading,
segmentation, quotes, speakers, weak labels) on texts and HTML pages from 16 KB to 2 MB, plain
and adversarial, each size measured in a forked process (peak memory: its maximum resident set
size minus its size at fork); the ratio per doubling of the input is about 2 for linear work,
2.2 for n log n, 4 for quadratic.

Adversarial rows (issue 15): quote-path CPU time of hostile shapes at n and 4n repetitions, and
their ratio (about 4 for linear work; 16 would be quadratic). ``--attribution RUN`` also times the
quote path with that attribution model ranking the speakers.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import tempfile
import time
from pathlib import Path

from newsclf import settings
from newsclf.data.actors import load_actors
from newsclf.data.quotes import find_quotes
from newsclf.data.readers import read_articles
from newsclf.data.segment import split_sentences


def _make_corpus(folder: Path, n: int) -> list[Path]:
    seed = settings.seed_article_path().read_text(encoding="utf-8")
    paths = []
    for i in range(n):
        p = folder / f"article-{i:05d}.txt"
        p.write_text(
            seed.replace("Sept. 6", f"Sept. {i % 28 + 1}").replace("134", str(100 + i)),
            encoding="utf-8",
        )
        paths.append(p)
    return paths


def _run(folder: Path, actors, weak) -> dict[str, float]:
    # CPU time of this process: the per-core cost, robust to other jobs sharing the cores
    clock = time.process_time
    t = {"read": 0.0, "sentences": 0.0, "quotes": 0.0, "weak_labels": 0.0}
    n = 0
    w0 = time.perf_counter()
    t0 = clock()
    it = read_articles(folder)
    while True:
        a = clock()
        try:
            article = next(it)
        except StopIteration:
            break
        b = clock()
        sents = split_sentences(article.text, article.blocks)
        c = clock()
        warnings: list[str] = []
        quotes = find_quotes(article, sents, actors, warnings=warnings)
        d = clock()
        if weak is not None:
            from newsclf.data.document import ProcessedArticle

            weak(ProcessedArticle(article, sents, quotes, warnings))
        e = clock()
        t["read"] += b - a
        t["sentences"] += c - b
        t["quotes"] += d - c
        t["weak_labels"] += e - d
        n += 1
    t["total"] = clock() - t0
    t["wall"] = time.perf_counter() - w0
    t["n"] = n
    return t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-pages", action="store_true", help="skip the AEB HTML pages")
    ap.add_argument("--attribution", default=None, help="attribution run: also time the model path")
    ap.add_argument("--scaling-only", action="store_true", help="only the scaling table")
    ap.add_argument("--no-scaling", action="store_true", help="skip the scaling table")
    ap.add_argument("--max-kb", type=int, default=2048, help="largest input of the scaling table (KB)")
    ap.add_argument("--cap", type=float, default=60.0,
                    help="CPU seconds after which a measurement is stopped and the shape's larger sizes skipped")
    args = ap.parse_args()
    if args.scaling_only:
        scaling_table(args.max_kb, args.cap)
        return
    actors = load_actors()
    try:
        from newsclf.data.labelling import weak_sentence_labels as weak
    except ImportError:
        weak = None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _make_corpus(folder, args.articles)
        _run(folder, actors, weak)  # warm-up (imports, regex compilation, page cache)
        runs = [_run(folder, actors, weak) for _ in range(args.runs)]
    rates = [r["n"] / r["total"] for r in runs]
    med = statistics.median(rates)
    wall = statistics.median(r["n"] / r["wall"] for r in runs)
    print(
        f"articles per run: {args.articles} (seed-sized, {len(settings.seed_article_path().read_bytes())} bytes each)"
    )
    print(
        f"runs: {args.runs}; rates: {', '.join(f'{r:.0f}' for r in rates)} articles per CPU-second"
    )
    label = "read+sentences+quotes" + ("+weak labels" if weak else " (weak labels unavailable)")
    print(
        f"median {label}: {med:.0f} articles/s per core (CPU time; target >= 200: {'OK' if med >= 200 else 'BELOW'})"
    )
    print(
        f"median wall-clock rate: {wall:.0f} articles/s (lower when other jobs share the cores; load avg {os.getloadavg()[0]:.1f})"
    )
    stages = ["read", "sentences", "quotes"] + (["weak_labels"] if weak else [])
    for s in stages:
        ms = statistics.median(r[s] / r["n"] * 1000 for r in runs)
        print(f"  {s:<12} {ms:6.2f} ms/article")
    if args.attribution:
        _attribution(actors, args.attribution, args.runs)
    _adversarial(actors)
    if not args.no_pages:
        _pages(actors, weak, args.runs)
    if not args.no_scaling:
        scaling_table(args.max_kb, args.cap)


ADVERSARIAL = {
    "scare quotes": '"a" ',
    "attributed quotes": '“We will,” Ahmad Massoud said. ',
    "one sentence of quotes": "Mr. Ahmad Massoud said “we will fight” ",
    "unclosed marks": "He said “",
    "NYT marks": "''a said'' ",
}
"""Hostile shapes, repeated n times into one text (``'"a" ' * 24000`` took 47 s before)."""


def _quote_path_seconds(text: str, actors, model=None) -> float:
    from newsclf.data.document import process_article
    from newsclf.data.readers import article_from_text

    article = article_from_text(text, "adversarial")
    t = time.process_time()
    process_article(article, actors, attribution=model)
    return time.process_time() - t


def _adversarial(actors, n: int = 6000) -> None:
    """CPU seconds of segmentation + quotes + speakers for each shape at n and 4n repetitions."""
    print(f"adversarial shapes (segmentation, quotes, speakers; n = {n} repetitions, min of 2):")
    for name, shape in ADVERSARIAL.items():
        small = min(_quote_path_seconds(shape * n, actors) for _ in range(2))
        large = min(_quote_path_seconds(shape * 4 * n, actors) for _ in range(2))
        print(f"  {name:<24} {len(shape) * n / 1000:6.0f} KB {small:6.2f} s   "
              f"{len(shape) * 4 * n / 1000:6.0f} KB {large:6.2f} s   ratio {large / max(small, 1e-9):4.1f}")


def _attribution(actors, run: str, n_runs: int) -> None:
    """Seed-sized articles per CPU-second through the quote path with an attribution model."""
    from newsclf.data.attribution import load_attribution

    model = load_attribution(run)
    seed = settings.seed_article_path().read_text(encoding="utf-8")
    texts = [seed.replace("134", str(100 + i)) for i in range(100)]
    rates = []
    for _ in range(n_runs):
        t = sum(_quote_path_seconds(x, actors, model) for x in texts)
        rates.append(len(texts) / t)
    rules = [len(texts) / sum(_quote_path_seconds(x, actors) for x in texts) for _ in range(n_runs)]
    print(f"quote path with attribution run {run}: median {statistics.median(rates):.0f} seed-sized "
          f"articles/s per core (rules, same run: {statistics.median(rules):.0f}; "
          f"ratio {statistics.median(rates) / statistics.median(rules):.2f})")



def _pages(actors, weak, n_runs: int) -> None:
    """The same stages on the AEB pages (HTML -> blocks -> sentences -> quotes -> weak labels)."""
    folder = settings.corpora_dir() / "aeb" / "html"
    if not folder.is_dir():
        print(f"AEB pages: skipped ({folder} not found; set NEWSCLF_CORPORA)")
        return
    _run(folder, actors, weak)  # warm-up
    runs = [_run(folder, actors, weak) for _ in range(n_runs)]
    rates = [r["n"] / r["total"] for r in runs]
    print(
        f"AEB pages ({runs[0]['n']} .html.gz): median {statistics.median(rates):.1f} pages/s per core "
        f"(CPU time; runs: {', '.join(f'{r:.1f}' for r in rates)})"
    )
    for s in ("read", "sentences", "quotes", "weak_labels"):
        ms = statistics.median(r[s] / r["n"] * 1000 for r in runs)
        print(f"  {s:<12} {ms:6.2f} ms/page")


# --- scaling table --------------------------------------------------------------------------


def _fill(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit))


def _seed_text(size: int) -> str:
    seed = settings.seed_article_path().read_text(encoding="utf-8")
    parts, n, i = [], 0, 0
    while n < size:
        part = seed.replace("134", str(100 + i)) + "\n\n"
        parts.append(part)
        n += len(part)
        i += 1
    return "".join(parts)[:size]


def _page(body: str) -> str:
    return f"<html><head><title>t</title></head><body><nav><a href='/'>Home</a></nav>{body}</body></html>"


def _seed_page(size: int) -> str:
    paras = [f"<p>{p}</p>" for p in _seed_text(size).split("\n\n") if p.strip()]
    return _page("<article>" + "".join(paras) + "</article>")


def _nested(size: int) -> str:  # the page: 2,000 nested unknown tags around paragraphs
    para = "<p>Fighters held the valley, officials said.</p>"
    depth = min(2000, max(1, size // 200))
    return _page("<x-a>" * depth + _fill(para, size - 11 * depth) + "</x-a>" * depth)


def _deep(size: int) -> str:
    k = size // 7
    return _page("<b>" * k + "deep" + "</b>" * k)


def _attributes(size: int) -> str:
    n = size // 9
    return _page("<p " + " ".join(f"a{i:06d}=1" for i in range(n)) + ">x</p>")


SCALING_SHAPES = {
    # name: (kind, generator of about `size` characters)
    "text: seed articles": ("text", _seed_text),
    "text: quote flood '\"a\" '": ("text", lambda n: _fill('"a" ', n)),
    "text: attributed quotes": ("text", lambda n: _fill("“We will,” Ahmad Massoud said. ", n)),
    "text: one sentence of quotes": ("text", lambda n: _fill("Mr. Ahmad Massoud said “we will fight” ", n)),
    "text: unclosed marks": ("text", lambda n: _fill("He said “", n)),
    "text: tiny sentences 'A. '": ("text", lambda n: _fill("A. ", n)),
    "text: one token": ("text", lambda n: "a" * n),
    "html: seed page": ("html", _seed_page),
    "html: 2,000 nested tags": ("html", _nested),
    "html: deep nesting <b>": ("html", _deep),
    "html: attributes on one tag": ("html", _attributes),
}


def _reading_path(kind: str, data: str, actors, weak) -> None:
    from newsclf.data.document import process_article
    from newsclf.data.readers import article_from_text

    if kind == "html":
        from newsclf.data.html import read_html

        article = read_html(data, id="page")
    else:
        article = article_from_text(data, id="text")
    processed = process_article(article, actors)
    if weak is not None:
        weak(processed)


def _measure(kind: str, data: str, actors, weak, cap: float) -> tuple[float, float] | None:
    """(CPU seconds, peak resident MB above the child's size before the work) of the reading path in a forked child;
    None when it ran past ``cap`` seconds (killed)."""
    import json as _json
    import resource
    import signal

    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        try:
            base = _rss_mb()
            t = time.process_time()
            _reading_path(kind, data, actors, weak)
            cpu = time.process_time() - t
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            os.write(write_fd, _json.dumps([cpu, peak - base]).encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    deadline = time.monotonic() + 5 * cap  # the cap is CPU time; wall time only bounds a stall
    while time.monotonic() < deadline and _cpu_seconds(pid) < cap:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read_fd)
        return None
    out = os.read(read_fd, 1000)
    os.close(read_fd)
    return tuple(_json.loads(out)) if out else None


def _cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def scaling_table(max_kb: int = 2048, cap: float = 60.0) -> dict[str, list]:
    """Print (and return) CPU time and peak memory per input size for every shape."""
    actors = load_actors()
    try:
        from newsclf.data.labelling import weak_sentence_labels as weak
    except ImportError:
        weak = None
    sizes = []
    kb = 16
    while kb <= max_kb:
        sizes.append(kb)
        kb *= 2
    _reading_path("text", _seed_text(20_000), actors, weak)  # warm-up: imports, regexes
    _reading_path("html", _seed_page(20_000), actors, weak)
    print(f"\nscaling of the reading path (read, sentences, quotes, speakers, weak labels), one forked "
          f"process per measurement, CPU time (min of 3 below 0.5 s), peak memory above the fork; "
          f"ratio = time(2n) / time(n): ~2 linear, ~2.2 n log n, 4 quadratic; load avg "
          f"{os.getloadavg()[0]:.1f}")
    print(f"{'shape':<32}" + "".join(f"{f'{k} KB':>16}" for k in sizes))
    table: dict[str, list] = {}
    for name, (kind, make) in SCALING_SHAPES.items():
        row, ratios = [], []
        for kb in sizes:
            data = make(kb * 1024)
            first = _measure(kind, data, actors, weak, cap)
            if first is None:
                row.append(None)
                break
            cpu, mem = first
            if cpu < 0.5:
                more = [m for m in (_measure(kind, data, actors, weak, cap) for _ in range(2)) if m]
                cpu = min([cpu] + [m[0] for m in more])
                mem = min([mem] + [m[1] for m in more])
            if row and row[-1] is not None:
                ratios.append(cpu / max(row[-1][0], 1e-6))
            row.append((cpu, mem))
        table[name] = row
        cells = "".join(f"{f'{c[0]:.2f}s {c[1]:.0f}MB':>16}" if c else f"{f'> {cap:.0f}s CPU':>16}" for c in row)
        print(f"{name:<32}{cells}")
        big = [r for r, c in zip(ratios, row[1:], strict=False) if c and c[0] >= 0.2]
        timed = [(kb, c[0]) for kb, c in zip(sizes, row, strict=False) if c and c[0] >= 0.1]
        verdict = "" if not big else f"  (max {max(big):.1f} where time >= 0.2 s)"
        if len(timed) >= 2:  # the slope of log time over log size: 1 linear, ~1.1 n log n, 2 quadratic
            (k0, t0), (k1, t1) = timed[0], timed[-1]
            verdict += f"; exponent {math.log(t1 / t0) / math.log(k1 / k0):.2f} over {k0}-{k1} KB"
        print(f"{'  ratio per doubling':<32}{'':>16}" + "".join(f"{r:>16.2f}" for r in ratios) + verdict)
    return table


if __name__ == "__main__":
    main()
