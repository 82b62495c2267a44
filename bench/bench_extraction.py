"""Main-text extraction benchmark: newsclf vs the AEB tools, trafilatura and jusText; plain text.

Site-grouped K-fold cross-validation (no site in two folds) on the development parts of
``corpora/aeb`` and ``corpora/trafilatura-eval``:

- AEB: per fold, a pipeline built from the experiment config is trained on the labelled blocks of
  the other folds' AEB pages (plus, with ``--extra``, the labelled trafilatura-eval blocks of sites
  not in the test fold) and extracts the test pages with :func:`newsclf.extraction.extract_main_text`;
  scored with the AEB shingle metric. The ten stored tool outputs are scored on exactly the same pages.
- trafilatura-eval: per fold, trained on all AEB pages of sites not in the fold plus the other folds'
  labelled trafilatura-eval blocks; scored with the snippet metric; trafilatura and jusText (optional
  ``bench`` extra; skipped with a message when missing) run on the same pages.
- Both HTML tables end with a paired bootstrap over pages (``--boot`` resamples): the difference
  newsclf minus trafilatura of the corpus metric on the same resampled pages, with its 95% interval.
- Plain text: every page of both corpora rendered as the plain text users get from it
  (:mod:`newsclf.data.renderings`: whole-page dumps, story-area copies, reader views, hard-wrapped
  text; ``--noise`` lines joined or broken), every sentence labelled from the page's gold;
  site-grouped CV of the config on these rows (trafilatura-eval's unlabelled sentences as context
  rows); boilerplate F1 of the sentences per rendering and corpus. Plus the seed article's gold
  sentences with a model trained on all rendered rows.
- Speed, as a user runs it: ``newsclf extract --model RUN`` as one process over N page files,
  against one Python process calling ``trafilatura.extract`` on the same files' bytes; the two take
  turns, each process's CPU time (user + system, imports and model loading included) is read from
  ``getrusage``; pages per CPU-second, medians of ``--repeats`` runs. ``RUN`` is ``--speed-run`` or,
  when absent, a run trained with ``newsclf train --config`` into a temporary folder. The in-process
  figure (model in memory, page bytes in, no imports) is printed beside it for reference.

Unlabelled blocks (trafilatura-eval labels only the blocks holding a snippet): ``--fill context``
(the default) keeps them as context rows, as ``newsclf train`` does with ``unlabelled: context``;
``--fill none`` drops them; ``--fill span`` fills them from the page's own snippet layout
(:func:`fill_labels`). ``--tool-cache FILE`` stores trafilatura/jusText outputs between runs;
``--limit N`` keeps the first N pages of each corpus for quick iterations.

Usage::

    python bench/bench_extraction.py --config configs/boilerplate/default.yaml [--folds 5] [--json out.json]
        [--extra] [--tool-cache /tmp/tools.json] [--skip aeb,trafilatura,text,speed] [--speed-run RUN]

The model is never tuned on a test fold: the config and threshold are fixed before the run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold

from newsclf import settings
from newsclf.data.html import read_html
from newsclf.data.importers import aeb as aeb_importer
from newsclf.data.importers import trafilatura as trf_importer
from newsclf.data.pages import page_rows, page_units, rendered_rows
from newsclf.data.renderings import RENDERINGS, story_span
from newsclf.evaluation.extraction import (
    aeb_document_counts,
    aeb_scores,
    snippet_counts,
    snippet_scores,
)
from newsclf.extraction import extract_main_text, extract_many
from newsclf.pipeline.assemble import build_pipeline
from newsclf.pipeline.config import load_config
from newsclf.pipeline.context import fit_with_context
from newsclf.tasks import TASKS

INPUTS = list(TASKS["boilerplate"].inputs)
JUSTEXT_LANGS = {"en": "English", "de": "German", "es": "Spanish", "fr": "French", "pl": "Polish",
                 "it": "Italian", "pt": "Portuguese", "ru": "Russian", "nl": "Dutch", "id": "Indonesian"}  # fmt: skip


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def rows_of(pages, labeller, mode="dom", unit="block"):
    """All rows (label None when unlabelled) of ``pages`` = [(page_id, article, extra, site)]."""
    out = []
    for _page_id, article, extra, site in pages:
        units = page_units(article, unit)
        labels = labeller(units, extra, article)
        for row, label in zip(page_rows(article, site, mode, unit, units), labels, strict=True):
            row["label"] = label
            out.append(row)
    return pd.DataFrame(out)


def aeb_labeller(units, body, article):
    return aeb_importer.label_units(units, body, article.meta)[0]


FILL = "none"  # how unlabelled trafilatura-eval blocks are treated, set by --fill


def trf_labeller(units, entry, article):
    labels = trf_importer.label_units(units, entry.get("with", []), entry.get("without", []))[0]
    return trf_importer.fill_labels(units, labels) if FILL == "span" else labels


def fit(config, frames):
    """Fit on the labelled rows; with ``--fill context`` unlabelled rows are context rows, as
    ``newsclf train`` does with ``unlabelled: context``: features are computed on whole pages (as
    at prediction time) and the estimator learns from the labelled rows only."""
    pipe = build_pipeline(config)
    if FILL == "context":
        data = pd.concat(frames, ignore_index=True)
        return fit_with_context(pipe, data[INPUTS], [None if pd.isna(v) else v for v in data.label])
    data = pd.concat([f[f.label.notna()] for f in frames], ignore_index=True)
    pipe.fit(data[INPUTS], data.label.tolist())
    return pipe


def site_folds(sites: list[str], k: int):
    idx = np.arange(len(sites))
    return list(GroupKFold(n_splits=k).split(idx, groups=sites))


def load_tool_outputs(root: Path) -> dict[str, dict[str, str]]:
    tools = {}
    for path in sorted((root / "tool-outputs").glob("*.json.gz")):
        data = json.loads(gzip.decompress(path.read_bytes()))
        version = data.get("version") if "output" in data else None
        out = data["output"] if "output" in data else data
        name = path.name.split(".json")[0] + (f" {version}" if version else "")
        tools[name] = {k: (v or {}).get("articleBody", "") or "" for k, v in out.items()}
    return tools


def cross_extract(config, pages, k, name, training_frames):
    """Extract every page of ``pages`` with a model trained on the other folds' sites.

    ``training_frames(train_indices, test_sites)`` gives the frames of one fold's training rows.
    Returns {page id: extracted text}.
    """
    sites = [s for *_, s in pages]
    pred = {}
    for f, (tr, te) in enumerate(site_folds(sites, k)):
        frames = training_frames(tr, {sites[i] for i in te})
        t = time.perf_counter()
        model = fit(config, frames)
        for i in te:
            pid, article, *_ = pages[i]
            pred[pid] = extract_main_text(model, article)
        log(f"{name} fold {f + 1}/{k}: trained on {sum(len(x) for x in frames)} rows in {time.perf_counter() - t:.0f}s")
    return pred


def bench_aeb(config, aeb_pages, trf_rows, k, extra):
    def frames(tr, test_sites):
        own = [rows_of([aeb_pages[i] for i in tr], aeb_labeller)]
        return own + [trf_rows[~trf_rows.group.isin(test_sites)]] if extra else own

    truth = {pid: body for pid, _, body, _ in aeb_pages}
    return truth, cross_extract(config, aeb_pages, k, "aeb", frames)


def bench_trafilatura(config, trf_pages, aeb_rows, k):
    def frames(tr, test_sites):
        return [aeb_rows[~aeb_rows.group.isin(test_sites)], rows_of([trf_pages[i] for i in tr], trf_labeller)]

    return cross_extract(config, trf_pages, k, "trafilatura", frames)


# --------------------------------------------------------------------------- paired intervals


def aeb_f1_of(counts: dict[str, tuple[float, float, float]], ids) -> float:
    """AEB F1 (harmonic mean of the averaged precision and recall) of the pages ``ids``."""
    from newsclf.evaluation.extraction import _precision, _recall

    p = float(np.mean([_precision(*counts[i]) for i in ids]))
    r = float(np.mean([_recall(*counts[i]) for i in ids]))
    return 2 * p * r / (p + r) if p + r else 0.0


def snippet_f1_of(counts: dict[str, tuple[int, int, int, int]], ids) -> float:
    """Snippet F-score pooled over the pages ``ids``."""
    tp, fn, fp, _tn = np.sum([counts[i] for i in ids], axis=0)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def paired_bootstrap(metric, ours: dict, theirs: dict, n: int = 2000, seed: int = 13) -> dict[str, float]:
    """Difference ``metric(ours) - metric(theirs)`` on the same pages and its 95% interval over
    ``n`` resamples of the pages (with replacement; the same resample for both)."""
    ids = sorted(ours)
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(n):
        sample = [ids[j] for j in rng.integers(0, len(ids), len(ids))]
        diffs.append(metric(ours, sample) - metric(theirs, sample))
    lo, hi = np.percentile(diffs, [2.5, 97.5])
    return {"diff": metric(ours, ids) - metric(theirs, ids), "low": float(lo), "high": float(hi), "resamples": n}


def print_interval(name: str, other: str, res: dict[str, float]) -> None:
    excl = "excludes 0" if res["low"] > 0 or res["high"] < 0 else "includes 0"
    print(f"paired bootstrap over pages ({res['resamples']} resamples), {name} - {other}: "
          f"{res['diff']:+.4f} [{res['low']:+.4f}, {res['high']:+.4f}] ({excl})")  # fmt: skip


# --------------------------------------------------------------------------- tools


class ToolCache:
    """Outputs of the external tools per page, optionally stored in a JSON file (``--tool-cache``)
    so repeated runs do not re-run trafilatura/jusText on the same pages."""

    def __init__(self, path: str | None):
        self.path = Path(path) if path else None
        self.data = json.loads(self.path.read_text(encoding="utf-8")) if self.path and self.path.is_file() else {}

    def get(self, tool: str, pid: str, fn) -> str:
        key = f"{tool}::{pid}"
        if key not in self.data:
            self.data[key] = fn()
        return self.data[key]

    def save(self) -> None:
        if self.path:
            self.path.write_text(json.dumps(self.data), encoding="utf-8")


def run_trafilatura(raw: bytes) -> str:
    import trafilatura

    return trafilatura.extract(raw, include_comments=False) or ""


def run_justext(raw: bytes, lang: str) -> str:
    import justext

    stoplist = justext.get_stoplist(JUSTEXT_LANGS.get((lang or "en")[:2], "English"))
    paragraphs = justext.justext(raw, stoplist)
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def have(module: str) -> bool:
    try:
        __import__(module)
        return True
    except ImportError:
        log(f"{module} not installed: skipped (pip install 'newsclf[bench]')")
        return False


# --------------------------------------------------------------------------- plain text


def rendered_frame(aeb_pages, trf_pages, renderings, noise, seed) -> pd.DataFrame:
    """Sentence rows of every page rendered every way of ``renderings``, labelled from the gold
    (AEB: shingle alignment, the headline's first occurrence content; trafilatura-eval: snippets,
    unlabelled sentences kept with label None), with ``corpus``, ``rendering`` and ``page``."""
    from collections import Counter

    rows: list[dict] = []
    stats: Counter = Counter()
    for corpus, pages in (("aeb", aeb_pages), ("trafilatura-eval", trf_pages)):
        for pid, article, gold, site in pages:
            if not article.blocks:
                continue
            units = page_units(article, "block")
            if corpus == "aeb":
                labels = aeb_importer.label_units(units, gold, article.meta, headline="content")[0]

                def labeller(u, _a, gold=gold, meta=article.meta):
                    return aeb_importer.label_units(u, gold, meta, headline="content")[0]
            else:
                labels = trf_importer.label_units(units, gold.get("with", []), gold.get("without", []))[0]

                def labeller(u, _a, gold=gold):
                    return trf_importer.label_units(u, gold.get("with", []), gold.get("without", []))[0]

            titles = aeb_importer.headline_candidates(article.meta)
            story = story_span(labels, article.blocks, [u.text for u in units], titles)
            rng = random.Random(f"{seed}:{pid}")
            page_rows_ = rendered_rows(article, site, renderings, story, labeller, rng, noise, True, stats)
            for r in page_rows_:
                r["corpus"], r["page"] = corpus, pid
            rows += page_rows_
    return pd.DataFrame(rows)


def text_mode_cv(config, frame: pd.DataFrame, k: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Site-grouped CV on the rendered rows: (table of boilerplate F1 per rendering, P(boilerplate))."""
    from sklearn.metrics import f1_score

    sites = frame.group.to_numpy()
    proba = np.full(len(frame), np.nan)
    labels = [None if pd.isna(v) else v for v in frame.label]
    for f, (tr, te) in enumerate(GroupKFold(n_splits=k).split(frame, groups=sites)):
        t = time.perf_counter()
        model = fit_with_context(build_pipeline(config), frame.iloc[tr][INPUTS].reset_index(drop=True),
                                 [labels[i] for i in tr])  # fmt: skip
        classes = [str(c) for c in model.classes_]
        proba[te] = model.predict_proba(frame.iloc[te][INPUTS])[:, classes.index("boilerplate")]
        log(f"text fold {f + 1}/{k}: {len(tr)} rows in {time.perf_counter() - t:.0f}s")
    pred = np.where(proba >= 0.5, "boilerplate", "content")
    y = frame.label.to_numpy(dtype=object)
    lab = frame.label.notna().to_numpy()
    table = []
    for name in list(dict.fromkeys(frame.rendering)):
        row = {"rendering": name}
        for corpus, sel in (("aeb", frame.corpus == "aeb"), ("trafilatura-eval", frame.corpus == "trafilatura-eval"),
                            ("both", np.ones(len(frame), dtype=bool))):  # fmt: skip
            m = lab & (frame.rendering == name).to_numpy() & np.asarray(sel)
            row[corpus] = f1_score(y[m], pred[m], pos_label="boilerplate") if m.any() else float("nan")
        m = lab & (frame.rendering == name).to_numpy()
        row["rows"], row["boilerplate_rows"] = int(m.sum()), int((y[m] == "boilerplate").sum())
        table.append(row)
    return pd.DataFrame(table), proba


def seed_scores(config, frame: pd.DataFrame):
    """Boilerplate F1 on the seed article's gold sentences, model trained on all rendered rows."""
    from sklearn.metrics import f1_score

    from newsclf.data.annotations import load_gold
    from newsclf.data.document import boilerplate_records, process_article
    from newsclf.data.readers import read_file

    article = next(read_file(settings.seed_article_path()))
    gold = load_gold(article)
    if gold is None or not gold.sentences:
        return None
    model = fit_with_context(build_pipeline(config), frame[INPUTS], [None if pd.isna(v) else v for v in frame.label])
    processed = process_article(article)
    records = pd.DataFrame(boilerplate_records(processed), columns=INPUTS)
    pred = list(model.predict(records))
    by_span = {(s.start, s.end): p for s, p in zip(processed.sentences, pred, strict=True)}
    truth = [s.label for s in gold.sentences]
    got = [by_span.get((s.start, s.end), "content") for s in gold.sentences]
    return {"boilerplate_f1": f1_score(truth, got, pos_label="boilerplate"),
            "macro_f1": f1_score(truth, got, average="macro"), "sentences": len(truth),
            "errors": [(s.text[:60], t, p) for s, t, p in zip(gold.sentences, truth, got, strict=True) if t != p]}


# --------------------------------------------------------------------------- speed

_TRAFILATURA_LOOP = (
    "import sys, gzip, trafilatura\n"
    "for path in sys.argv[1:]:\n"
    "    data = open(path, 'rb').read()\n"
    "    data = gzip.decompress(data) if data[:2] == b'\\x1f\\x8b' else data\n"
    "    trafilatura.extract(data, include_comments=False)\n"
)


def _child_cpu(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of running ``cmd`` to completion (user + system of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), time.perf_counter() - t


def newsclf_command() -> list[str]:
    """The ``newsclf`` console script a user runs (the one beside this Python, else on PATH)."""
    import shutil

    script = Path(sys.executable).with_name("newsclf")
    found = str(script) if script.is_file() else shutil.which("newsclf")
    if not found:
        raise SystemExit("speed: the newsclf command is not installed (pip install -e .)")
    return [found]


def train_speed_run(config_path: str, folder: Path) -> Path:
    """A run of ``config_path`` trained as a user trains it (``newsclf train``) into ``folder``."""
    out = folder / "run"
    log(f"speed: training {config_path} with `newsclf train` (no --speed-run given)")
    subprocess.run([*newsclf_command(), "train", config_path, "--output", str(out)], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return out


def speed_as_user(run: Path, files: list[Path], repeats: int) -> dict[str, dict]:
    """Pages per CPU-second of whole processes: ``newsclf extract --model run files`` against a
    Python process running ``trafilatura.extract`` over the same files' bytes, taking turns."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}  # as a user runs it
    env.update(HF_DATASETS_OFFLINE="1", BENTOML_DO_NOT_TRACK="true")
    cmds = {"newsclf": [*newsclf_command(), "extract", "--skip-bad", "--model", str(run), *map(str, files)]}
    if have("trafilatura"):
        cmds["trafilatura"] = [sys.executable, "-c", _TRAFILATURA_LOOP, *map(str, files)]
    cpu: dict[str, list[float]] = {k: [] for k in cmds}
    wall: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(repeats):
        for name, cmd in cmds.items():
            c, w = _child_cpu(cmd, env)
            cpu[name].append(len(files) / c)
            wall[name].append(len(files) / w)
    return {name: {"pages_per_cpu_s": statistics.median(cpu[name]), "pages_per_s_wall": statistics.median(wall[name]),
                   "runs": [round(r, 1) for r in cpu[name]]} for name in cmds}  # fmt: skip


def speed_in_process(model, raws: list[bytes], repeats: int) -> dict[str, float]:
    """Pages per CPU-second in this process (model loaded, imports done, page bytes in)."""
    runners = {"newsclf": lambda: [t for _, t in extract_many(model, (read_html(r, "p") for r in raws))]}
    if have("trafilatura"):
        runners["trafilatura"] = lambda: [run_trafilatura(r) for r in raws]
    out: dict[str, list[float]] = {k: [] for k in runners}
    for _ in range(repeats):
        for name, fn in runners.items():
            c = time.process_time()
            fn()
            out[name].append(len(raws) / max(time.process_time() - c, 1e-9))
    return {name: statistics.median(v) for name, v in out.items()}


def print_scores(title: str, table: dict[str, dict]) -> None:
    """One line per extractor, best F1 first."""
    print(f"\n{title}")
    print(f"{'extractor':28} {'F1':>6} {'P':>6} {'R':>6} {'acc':>6}")
    for name, s in sorted(table.items(), key=lambda kv: -kv[1]["f1"]):
        print(f"{name:28} {s['f1']:6.3f} {s['precision']:6.3f} {s['recall']:6.3f} {s['accuracy']:6.3f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", default="configs/boilerplate/default.yaml")
    ap.add_argument("--text-config", default=None, help="config for plain-text mode (default: --config)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--extra", action="store_true", help="AEB folds also train on trafilatura-eval rows")
    ap.add_argument("--skip", default="", help="comma list of parts to skip: aeb,trafilatura,text,speed")
    ap.add_argument("--boot", type=int, default=2000, help="paired bootstrap resamples")
    ap.add_argument("--renderings", default=",".join(RENDERINGS), help="plain-text renderings (comma list)")
    ap.add_argument("--noise", type=float, default=0.1, help="noise of the renderings (lines joined or broken)")
    ap.add_argument("--speed-pages", type=int, default=300, help="page files for the speed runs")
    ap.add_argument("--speed-run", default=None, help="run directory for the speed runs (default: train --config)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", default=None, help="write all figures to this JSON file")
    ap.add_argument("--tool-cache", default=None, help="JSON file caching trafilatura/jusText outputs")
    ap.add_argument("--fill", default="context", choices=["none", "span", "context"],
                    help="unlabelled trafilatura-eval blocks: dropped, filled from the snippet layout, "
                         "or kept as context rows (not learnt from)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N pages of each corpus (quick runs)")
    args = ap.parse_args(argv)
    global FILL
    FILL = args.fill
    skip = set(filter(None, args.skip.split(",")))
    config = load_config(args.config)
    config_text = load_config(args.text_config) if args.text_config else config
    corpora = settings.corpora_dir()
    results: dict = {"config": args.config, "folds": args.folds, "fill": args.fill, "limit": args.limit}
    t0 = time.perf_counter()
    aeb_pages = aeb_importer.read_pages(corpora / "aeb")
    trf_pages = trf_importer.read_pages(corpora / "trafilatura-eval", args.limit)
    if args.limit:
        aeb_pages = aeb_pages[: args.limit]
    cache = ToolCache(args.tool_cache)
    log(f"read {len(aeb_pages)} AEB + {len(trf_pages)} trafilatura-eval pages in {time.perf_counter() - t0:.0f}s")
    aeb_rows = rows_of(aeb_pages, aeb_labeller)
    trf_rows = rows_of(trf_pages, trf_labeller)

    if "aeb" not in skip:
        truth, pred = bench_aeb(config, aeb_pages, trf_rows, args.folds, args.extra)
        table = {"newsclf": aeb_scores(truth, pred)}
        tools = load_tool_outputs(corpora / "aeb")
        for tool, outputs in tools.items():
            table[tool] = aeb_scores(truth, {k: outputs.get(k, "") for k in truth})
        results["aeb"] = table
        print_scores(f"AEB dev part, {len(truth)} pages, site-grouped {args.folds}-fold CV (AEB shingle metric)", table)
        traf = next((t for t in tools if t.startswith("trafilatura")), None)
        if traf:
            ours = {k: aeb_document_counts(truth[k], pred.get(k, "")) for k in truth}
            theirs = {k: aeb_document_counts(truth[k], tools[traf].get(k, "")) for k in truth}
            results["aeb_vs_trafilatura"] = paired_bootstrap(aeb_f1_of, ours, theirs, args.boot)
            print_interval("newsclf", traf, results["aeb_vs_trafilatura"])

    if "trafilatura" not in skip:
        pred = bench_trafilatura(config, trf_pages, aeb_rows, args.folds)
        entries = [(pid, e) for pid, _, e, _ in trf_pages]
        table = {"newsclf": snippet_scores((pred[pid], e["with"], e["without"]) for pid, e in entries)}
        raw_by_id = {pid: (gzip.decompress((corpora / "trafilatura-eval" / "html" / e["file"]).read_bytes()),
                           a.meta.get("lang", "")) for pid, a, e, _ in trf_pages}  # fmt: skip
        if have("trafilatura"):
            traf_out = {pid: cache.get("trafilatura", pid, lambda pid=pid: run_trafilatura(raw_by_id[pid][0]))
                        for pid, _ in entries}  # fmt: skip
            table["trafilatura (run here)"] = snippet_scores((traf_out[pid], e["with"], e["without"]) for pid, e in entries)
        if have("justext"):
            table["justext (run here)"] = snippet_scores(
                (cache.get("justext", pid, lambda pid=pid: run_justext(*raw_by_id[pid])), e["with"], e["without"])
                for pid, e in entries)  # fmt: skip
        cache.save()
        results["trafilatura_eval"] = table
        print_scores(f"trafilatura-eval dev part, {len(entries)} pages, site-grouped {args.folds}-fold CV "
                     "(snippet metric)", table)
        if have("trafilatura"):
            def counts(texts):
                out = {}
                for pid, e in entries:
                    c = snippet_counts(texts[pid], e["with"], e["without"])
                    out[pid] = (c.tp, c.fn, c.fp, c.tn)
                return out

            results["trafilatura_eval_vs_trafilatura"] = paired_bootstrap(snippet_f1_of, counts(pred), counts(traf_out),
                                                                          args.boot)  # fmt: skip
            print_interval("newsclf", "trafilatura (run here)", results["trafilatura_eval_vs_trafilatura"])

    if "text" not in skip:
        renderings = [r for r in args.renderings.split(",") if r]
        t = time.perf_counter()
        frame = rendered_frame(aeb_pages, [(p, a, e, s) for p, a, e, s in trf_pages], renderings, args.noise, config.seed)
        log(f"rendered {len(frame)} sentence rows ({frame.label.notna().sum()} labelled) in {time.perf_counter() - t:.0f}s")
        table, _ = text_mode_cv(config_text, frame, args.folds)
        results["plain_text_cv"] = table.to_dict(orient="records")
        print(f"\nplain text: both corpora rendered as users get them (noise {args.noise}), sentence rows, "
              f"site-grouped {args.folds}-fold CV; boilerplate F1 per rendering")
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        seed = seed_scores(config_text, frame)
        if seed:
            results["seed"] = seed
            print(f"seed article gold ({seed['sentences']} sentences): boilerplate F1 {seed['boilerplate_f1']:.3f}, "
                  f"macro F1 {seed['macro_f1']:.3f}; errors: {seed['errors']}")

    if "speed" not in skip:
        pages = aeb_pages + trf_pages
        step = max(1, len(pages) // args.speed_pages)
        files = [Path(a.source) for _pid, a, *_ in pages[::step][: args.speed_pages]]
        with tempfile.TemporaryDirectory() as tmp:
            run = Path(args.speed_run) if args.speed_run else train_speed_run(args.config, Path(tmp))
            user = speed_as_user(run, files, args.repeats)
            from newsclf.pipeline.runs import load_run

            raws = [gzip.decompress(f.read_bytes()) for f in files]
            inproc = speed_in_process(load_run(run), raws, args.repeats)
        results["speed"] = {"as_user": user, "in_process": inproc, "pages": len(files), "run": str(run)}
        base = user.get("trafilatura", {}).get("pages_per_cpu_s")
        print(f"\nspeed as a user runs it: {len(files)} page files, whole processes taking turns, CPU time "
              f"(user+system, imports and model loading included), median of {args.repeats}:")
        for name, s in user.items():
            ratio = f"  ({s['pages_per_cpu_s'] / base:.2f}x trafilatura)" if base else ""
            print(f"  {name:12} {s['pages_per_cpu_s']:7.1f} pages per CPU-second{ratio}  runs {s['runs']}; "
                  f"wall clock {s['pages_per_s_wall']:.1f} pages/s")
        if "trafilatura" in inproc:
            print(f"  in-process (model in memory, no imports): newsclf {inproc['newsclf']:.1f}, trafilatura "
                  f"{inproc['trafilatura']:.1f} pages per CPU-second ({inproc['newsclf'] / inproc['trafilatura']:.2f}x)")

    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    log(f"total {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
