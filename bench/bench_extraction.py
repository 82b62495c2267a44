"""Main-text extraction benchmark: newsclf vs the AEB tools, trafilatura and jusText.

Site-grouped K-fold cross-validation (no site in two folds) on the development parts of
``corpora/aeb`` and ``corpora/trafilatura-eval``:

- AEB: per fold, a pipeline built from the experiment config is trained on the labelled blocks of
  the other folds' AEB pages (plus, with ``--extra``, the labelled trafilatura-eval blocks of sites
  not in the test fold) and extracts the test pages with :func:`newsclf.extraction.extract_main_text`;
  scored with the AEB shingle metric. The ten stored tool outputs are scored on exactly the same pages.
- trafilatura-eval: per fold, trained on all AEB pages of sites not in the fold plus the other folds'
  labelled trafilatura-eval blocks; scored with the snippet metric; trafilatura and jusText (optional
  ``bench`` extra; skipped with a message when missing) run on the same pages.
- Plain text: site-grouped CV on AEB pages rendered as plain text (sentences, no DOM), boilerplate F1;
  plus the seed article's gold sentences with a model trained on all plain-text AEB rows.
- Speed: pages per CPU-second (and wall clock) of newsclf (read + classify), trafilatura and jusText
  on the same pages, same run, taking turns; medians of ``--repeats`` runs.

Unlabelled blocks (trafilatura-eval labels only the blocks holding a snippet): ``--fill context``
(the default) keeps them as context rows, as ``newsclf train`` does with ``unlabelled: context``
(features on whole pages, estimator on labelled rows: trafilatura-eval snippet F1 0.887 -> 0.920);
``--fill none`` drops them before featurizing (context features then see gappy pages, unlike at
prediction time); ``--fill span`` fills them from the page's own snippet layout
(:func:`fill_labels`). ``--tool-cache FILE`` stores trafilatura/jusText outputs between runs;
``--limit N`` keeps the first N pages of each corpus for quick iterations.

Usage::

    python bench/bench_extraction.py --config configs/boilerplate/default.yaml [--folds 5] [--json out.json]
        [--fill context|none|span] [--tool-cache /tmp/tools.json]

The model is never tuned on a test fold: the config and threshold are fixed before the run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold

from newsclf import settings
from newsclf.data.html import read_html
from newsclf.data.importers import aeb as aeb_importer
from newsclf.data.importers import trafilatura as trf_importer
from newsclf.data.pages import page_rows, page_units
from newsclf.evaluation.extraction import aeb_scores, snippet_scores
from newsclf.extraction import extract_main_text
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


def text_mode_cv(config_text, aeb_pages, k):
    """Boilerplate F1 on AEB pages rendered as plain text (sentences), site-grouped CV."""
    from sklearn.metrics import f1_score

    frame = rows_of(aeb_pages, aeb_labeller, mode="text", unit="sentence")
    sites = [s for *_, s in aeb_pages]
    y_true, y_pred = [], []
    for tr, _te in site_folds(sites, k):
        train_sites = {sites[i] for i in tr}
        train = frame[frame.group.isin(train_sites)]
        test = frame[~frame.group.isin(train_sites) & frame.label.notna()]
        model = fit(config_text, [train])
        y_true += test.label.tolist()
        y_pred += list(model.predict(test[INPUTS]))
    return {
        "boilerplate_f1": f1_score(y_true, y_pred, pos_label="boilerplate"),
        "content_f1": f1_score(y_true, y_pred, pos_label="content"),
        "macro_f1": f1_score(y_true, y_pred, average="macro"),
        "rows": len(y_true),
    }, frame


def seed_scores(config_text, text_frame):
    """Boilerplate F1 on the seed article's gold sentences, model trained on plain-text pages."""
    from sklearn.metrics import f1_score

    from newsclf.data.annotations import load_gold
    from newsclf.data.readers import read_file

    article = next(read_file(settings.seed_article_path()))
    gold = load_gold(article)
    if gold is None or not gold.sentences:
        return None
    model = fit(config_text, [text_frame])
    n = len(gold.sentences)
    rows = [{"text": s.text, "group": article.id, "position": i / max(1, n - 1), "tag_path": "", "attrs": "",
             "link_density": 0.0, "tag": "p"} for i, s in enumerate(gold.sentences)]  # fmt: skip
    pred = list(model.predict(pd.DataFrame(rows, columns=INPUTS)))
    truth = [s.label for s in gold.sentences]
    return {"boilerplate_f1": f1_score(truth, pred, pos_label="boilerplate"),
            "macro_f1": f1_score(truth, pred, average="macro"), "sentences": n,
            "errors": [(s.text[:60], t, p) for s, t, p in zip(gold.sentences, truth, pred, strict=True) if t != p]}


def speed(model, raws, repeats):
    """Median pages/s of each extractor over the same raw pages, per CPU-second of this process
    (the machine is shared: CPU time is the steadier figure) and wall clock. The extractors take
    turns within each repeat, so a change in machine load hits all of them alike."""
    runners = {"newsclf": lambda raw, lang: extract_main_text(model, read_html(raw, "p"))}
    if have("trafilatura"):
        runners["trafilatura"] = lambda raw, lang: run_trafilatura(raw)
    if have("justext"):
        runners["justext"] = run_justext
    cpu: dict[str, list[float]] = {name: [] for name in runners}
    wall: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(repeats):
        for name, fn in runners.items():
            t, c = time.perf_counter(), time.process_time()
            for raw, lang in raws:
                fn(raw, lang)
            wall[name].append(len(raws) / (time.perf_counter() - t))
            cpu[name].append(len(raws) / max(time.process_time() - c, 1e-9))
    return {name: {"pages_per_s": statistics.median(cpu[name]), "pages_per_s_wall": statistics.median(wall[name]),
                   "runs": [round(r, 1) for r in cpu[name]]} for name in runners}


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
    ap.add_argument("--speed-pages", type=int, default=60)
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
        for tool, outputs in load_tool_outputs(corpora / "aeb").items():
            table[tool] = aeb_scores(truth, {k: outputs.get(k, "") for k in truth})
        results["aeb"] = table
        print_scores(f"AEB dev part, {len(truth)} pages, site-grouped {args.folds}-fold CV (AEB shingle metric)", table)

    if "trafilatura" not in skip:
        pred = bench_trafilatura(config, trf_pages, aeb_rows, args.folds)
        entries = [(pid, e) for pid, _, e, _ in trf_pages]
        table = {"newsclf": snippet_scores((pred[pid], e["with"], e["without"]) for pid, e in entries)}
        raw_by_id = {pid: (gzip.decompress((corpora / "trafilatura-eval" / "html" / e["file"]).read_bytes()),
                           a.meta.get("lang", "")) for pid, a, e, _ in trf_pages}  # fmt: skip
        if have("trafilatura"):
            table["trafilatura (run here)"] = snippet_scores(
                (cache.get("trafilatura", pid, lambda pid=pid: run_trafilatura(raw_by_id[pid][0])), e["with"], e["without"])
                for pid, e in entries)  # fmt: skip
        if have("justext"):
            table["justext (run here)"] = snippet_scores(
                (cache.get("justext", pid, lambda pid=pid: run_justext(*raw_by_id[pid])), e["with"], e["without"])
                for pid, e in entries)  # fmt: skip
        cache.save()
        results["trafilatura_eval"] = table
        print_scores(f"trafilatura-eval dev part, {len(entries)} pages, site-grouped {args.folds}-fold CV "
                     "(snippet metric)", table)

    if "text" not in skip:
        scores, text_frame = text_mode_cv(config_text, aeb_pages, args.folds)
        results["plain_text_cv"] = scores
        print(f"\nplain text (AEB pages as visible text, sentences), site-grouped CV: "
              f"boilerplate F1 {scores['boilerplate_f1']:.3f}, macro F1 {scores['macro_f1']:.3f} ({scores['rows']} rows)")
        seed = seed_scores(config_text, text_frame)
        if seed:
            results["seed"] = seed
            print(f"seed article gold ({seed['sentences']} sentences): boilerplate F1 {seed['boilerplate_f1']:.3f}, "
                  f"macro F1 {seed['macro_f1']:.3f}; errors: {seed['errors']}")

    if "speed" not in skip:
        model = fit(config, [aeb_rows])
        step = max(1, (len(aeb_pages) + len(trf_pages)) // args.speed_pages)
        raws = []
        for _pid, a, *_ in (aeb_pages + trf_pages)[::step][: args.speed_pages]:
            path = Path(a.source)
            raws.append((gzip.decompress(path.read_bytes()), a.meta.get("lang", "")))
        results["speed"] = speed(model, raws, args.repeats)
        print(f"\nspeed on {len(raws)} pages (AEB + trafilatura-eval sample), median of {args.repeats} runs:")
        base = results["speed"].get("trafilatura", {}).get("pages_per_s")
        for name, s in results["speed"].items():
            ratio = f"  ({s['pages_per_s'] / base:.2f}x trafilatura)" if base else ""
            print(f"  {name:12} {s['pages_per_s']:7.1f} pages/s per CPU-second{ratio}  runs {s['runs']}; "
                  f"wall clock {s['pages_per_s_wall']:.1f} pages/s")

    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    log(f"total {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
