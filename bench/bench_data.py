"""Data-path throughput: seed-sized articles per second on one core.

Measures, in one process (so: per core), reading a text file, sentence segmentation, quote finding
and attribution and, when available, the weak sentence labels, over N copies of the seed article
(each copy slightly changed so nothing is cached). Prints the median of several runs and each stage's
share. The issue's target is >= 200 articles/s per core. Then the same path on the AEB pages
(HTML, gzip) when the corpora are present (``NEWSCLF_CORPORA``): pages per second per core.

    python bench/bench_data.py [--articles 300] [--runs 5] [--no-pages] [--attribution RUN]

Adversarial rows (issue 15): quote-path CPU time of hostile shapes at n and 4n repetitions, and
their ratio (about 4 for linear work; 16 would be quadratic). ``--attribution RUN`` also times the
quote path with that attribution model ranking the speakers.
"""

from __future__ import annotations

import argparse
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
    args = ap.parse_args()
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


if __name__ == "__main__":
    main()
