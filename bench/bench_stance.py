"""Stance benchmark: scores per corpus and split with 95% bootstrap intervals, speed, seed check.

Usage::

    HF_DATASETS_OFFLINE=1 python bench/bench_stance.py [--config configs/stance/default.yaml]
        [--run models/<run-id>] [--boot 1000] [--speed-runs 5] [--no-speed]

Without ``--run`` the pipeline of ``--config`` is trained here on the train parts of the corpora
(NewsMTSC, DSE) **without the seed article**, so the seed check is honest; with ``--run`` a trained
run is loaded (hashes checked) and evaluated (its seed check is only honest if the run was trained
without the seed, e.g. ``configs/stance/corpora.yaml``).

Printed:

* per corpus and split (validation = carved from train, used for selection; NewsMTSC test =
  dev-rw, dev_mt; DSE test = official valid, test_dedup = valid rows not in train): macro-F1,
  accuracy and F_avg (mean F1 of favor and against) with 95% intervals from a group bootstrap;
* DSE 5-class (the corpus's own labels 0-4, rebuilt from the two directed predictions per row):
  macro-F1 and accuracy (= micro-F1) on official and de-duplicated valid;
* prediction speed on one core (threads pinned to 1): quotes/s predicting batches of 1,000 rows
  (a different batch each run: per CPU-second of this process and wall clock), median of ``--speed-runs`` runs, one at a
  time, and the same for a plain word TF-IDF + logistic regression baseline (ratio);
* the seed check: every non-fragment quote of the seed's gold, stance toward taliban and nrf;
* with ``--checklist``: the pass rate per behavioural test type of ``tests/stance/checklist_cases.py``
  (CheckList-style minimal pairs) on the same model.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("BENTOML_DO_NOT_TRACK", "true")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402

from newsclf import settings  # noqa: E402
from newsclf.data.importers import dse, newsmtsc  # noqa: E402
from newsclf.evaluation.bootstrap import bootstrap_intervals  # noqa: E402
from newsclf.tasks import get_task  # noqa: E402

TASK = get_task("stance")
INPUTS = list(TASK.inputs)
SPAN_COLUMNS = ("target_start", "target_end", "speaker_start", "speaker_end")


def seed_rows(path: Path | None = None) -> pd.DataFrame:
    """The seed's non-fragment gold quotes, one row per (quote, target)."""
    path = path or settings.shipped_annotations_dir() / "panjshir-nrf-2021-09.json"
    gold = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = []
    for q in gold["quotes"]:
        if q.get("fragment") or not q.get("stance"):
            continue
        for target, label in q["stance"].items():
            rows.append({"text": q["text"], "target": target, "speaker": q.get("speaker") or "",
                         "side": q.get("side") or "", "group": "seed", "label": label})
    return pd.DataFrame(rows)


def corpus_frame(seed: int, data_config: str | None = None) -> pd.DataFrame:
    """Rows of the corpus importers named in ``data_config`` (with their options), both corpora by default.

    Seed-article (``files``) sources are left out: the seed is the held-out check.
    """
    import yaml

    sources = [{"kind": "newsmtsc", "options": {}}, {"kind": "dse", "options": {"reverse_none": True}}]
    if data_config:
        from newsclf.data.build import resolve_path

        data = yaml.safe_load(resolve_path(data_config).read_text(encoding="utf-8"))
        sources = [s for s in data.get("sources", []) if s.get("kind") in ("newsmtsc", "dse")] or sources
    root = settings.corpora_dir()
    rows: list[dict] = []
    for s in sources:
        loader = newsmtsc.load if s["kind"] == "newsmtsc" else dse.load
        rows += loader(root / s["kind"], seed=seed, **dict(s.get("options") or {})).rows
    # both corpora are always evaluated; a per-corpus config trains on its own corpus only
    have = {s["kind"] for s in sources}
    for kind, loader, opts in (("newsmtsc", newsmtsc.load, {}), ("dse", dse.load, {"reverse_none": True})):
        if kind not in have:
            rows += [dict(r, split="eval-only:" + r["split"]) if r["split"] in ("train", "validation") else r
                     for r in loader(root / kind, seed=seed, **opts).rows]
    return pd.DataFrame(rows)


def scores(gold, pred, groups, n_boot: int, seed: int) -> dict:
    from newsclf.evaluation.metrics import classification_metrics

    m = classification_metrics(list(gold), list(pred), TASK.labels, TASK.positive)
    ci = bootstrap_intervals(list(gold), list(pred), TASK.labels, TASK.positive, groups=list(groups),
                             n_boot=n_boot, seed=seed)
    return {"n": len(gold), "macro_f1": m["macro_f1"], "accuracy": m["accuracy"], "f_avg": m["f_avg"],
            "ci": {k: ci.get(k) for k in ("macro_f1", "accuracy", "f_avg")}}


def dse_five_class(model, split: str) -> dict:
    """Rebuild DSE's 0-4 label per row of valid.txt (``test``) or its de-duplicated subset
    (``test_dedup``: rows whose (sentence, e1, e2) is not in train) from the two directed predictions.

    Both directions are predicted; when neither is favor/against the row is 0, otherwise the more
    confident non-none direction decides (favor -> 1/2, against -> 3/4).
    """
    from sklearn.metrics import accuracy_score, f1_score

    root = settings.corpora_dir() / "dse"
    valid = dse.read_rows(root / "valid.txt")
    if split == "test_dedup":
        train_keys = {r[:3] for r in dse.read_rows(root / "train.txt")}
        valid = [r for r in valid if r[:3] not in train_keys]
    recs, gold = [], []
    for sentence, _e1, _e2, label in valid:
        text, spans = dse.parse_row(sentence)
        if len(spans) < 2:
            continue
        p, q = text[spans[0][0]:spans[0][1]], text[spans[1][0]:spans[1][1]]
        recs += [{"text": text, "target": q, "speaker": p, "side": "", "group": ""},
                 {"text": text, "target": p, "speaker": q, "side": "", "group": ""}]
        gold.append(label)
    proba = model.predict_proba(pd.DataFrame(recs).reindex(columns=INPUTS))
    classes = [str(c) for c in model.classes_]
    fi, ai, ni = classes.index("favor"), classes.index("against"), classes.index("none")
    pred = []
    for i in range(0, len(recs), 2):
        cand = [(pr.max(), d, pr) for d, pr in (("pq", proba[i]), ("qp", proba[i + 1])) if pr.argmax() != ni]
        if not cand:
            pred.append(0)
            continue
        _, d, pr = max(cand, key=lambda c: c[0])
        pred.append({("pq", True): 1, ("qp", True): 2, ("pq", False): 3, ("qp", False): 4}[(d, bool(pr[fi] >= pr[ai]))])
    return {"n": len(gold), "macro_f1": f1_score(gold, pred, average="macro"), "accuracy": accuracy_score(gold, pred)}


def dse_reference(seed: int) -> dict:
    """DSE 5-class macro-F1 of TF-IDF (word 1-2 + char_wb 2-5) + logistic regression (C 4, balanced)
    trained on train.txt's 5 labels, entities marked in place (``E1S p E1E``, ``E2S q E2E``)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.pipeline import make_pipeline, make_union

    def marked(sentence: str) -> str:
        text, spans = dse.parse_row(sentence)
        (a, b), (c, d) = spans[0], spans[1]
        return f"{text[:a]} E1S {text[a:b]} E1E {text[b:c]} E2S {text[c:d]} E2E {text[d:]}"

    root = settings.corpora_dir() / "dse"
    train = [r for r in dse.read_rows(root / "train.txt") if len(dse.parse_row(r[0])[1]) >= 2]
    valid = [r for r in dse.read_rows(root / "valid.txt") if len(dse.parse_row(r[0])[1]) >= 2]
    keys = {r[:3] for r in train}
    ref = make_pipeline(
        make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                   TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
        LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000, random_state=seed),
    ).fit([marked(r[0]) for r in train], [r[3] for r in train])
    out = {}
    for name, rows in (("test", valid), ("test_dedup", [r for r in valid if r[:3] not in keys])):
        pred = ref.predict([marked(r[0]) for r in rows])
        out[name] = {"n": len(rows), "macro_f1": f1_score([r[3] for r in rows], pred, average="macro")}
        print(f"{'dse 5-class reference/' + name:30s} n={len(rows):5d}  macro-F1 {out[name]['macro_f1']:.3f}  "
              "(TF-IDF + logreg trained on the 5 classes)")
    return out


def speed(model, X: pd.DataFrame, runs: int) -> dict:
    """Quotes/s predicting batches of 1,000 rows: wall clock and CPU time of this process (the
    machine is shared: CPU time is the steadier figure), medians of ``runs``; one at a time too.

    Consecutive runs predict different batches (``X`` holds at least 2,000 rows), so no run is
    served from the featurizers' one-entry caches of the last marked frame."""
    n_batches = max(1, len(X) // 1000)
    wall, cpu = [], []
    model.predict_proba(X.iloc[:10])
    for k in range(runs):
        batch = X.iloc[(k % n_batches) * 1000 : (k % n_batches + 1) * 1000]
        t, c = time.perf_counter(), time.process_time()
        model.predict_proba(batch)
        wall.append(len(batch) / (time.perf_counter() - t))
        cpu.append(len(batch) / max(time.process_time() - c, 1e-9))
    single = X.iloc[:200]
    t = time.perf_counter()
    for i in range(len(single)):
        model.predict_proba(single.iloc[i : i + 1])
    one = len(single) / (time.perf_counter() - t)
    return {"batch_1000_qps_wall_median": statistics.median(wall), "batch_1000_qps_cpu_median": statistics.median(cpu),
            "wall_runs": [round(v) for v in wall], "cpu_runs": [round(v) for v in cpu], "one_at_a_time_qps": one}


def baseline_speed(df: pd.DataFrame, X: pd.DataFrame, runs: int) -> dict:
    """The same measurement for a plain word TF-IDF (1-2) + logistic regression on ``text``."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    train = df[df.split == "train"].iloc[:20000]
    base = make_pipeline(
        __import__("sklearn.compose", fromlist=["ColumnTransformer"]).ColumnTransformer(
            [("w", TfidfVectorizer(ngram_range=(1, 2), min_df=2), "text")]),
        LogisticRegression(max_iter=300),
    ).fit(train.reindex(columns=INPUTS), train.label)
    return speed(base, X, runs)


def checklist(model) -> dict:
    """Pass rate per behavioural test type (tests/stance/checklist_cases.py), printed and returned."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from stance.checklist_cases import run_checklist

    result = run_checklist(lambda rows: [str(p) for p in model.predict(pd.DataFrame(rows).reindex(columns=INPUTS))])
    passed = sum(r["passed"] for r in result.values())
    total = sum(r["total"] for r in result.values())
    print(f"behavioural checklist: {passed}/{total} cases pass ({passed / total:.0%})")
    for name, r in result.items():
        print(f"  {name:11s} {r['passed']:3d}/{r['total']:3d}  {r['rate']:.0%}")
        for text, side, target, expected, got in r["failures"][:4]:
            print(f"      fail: side={side or '-':8s} target={target:8s} expected {expected:9s} got {got:8s} | {text}")
    return {k: {"passed": r["passed"], "total": r["total"], "rate": r["rate"]} for k, r in result.items()}


ABLATIONS = {
    "full": ({}, {}),
    "no side relation": ({"side": False}, {}),
    "no target mention": ({"mention": False}, {}),
    "no conflict cues": ({"cues": False}, {}),
    "no learnt sentiment": ({}, {"sentiment": False}),
    "no decision table (learnt + gate)": ({}, {"rules": False}),
    "no third-party cue rule": ({}, {"third_party_cues": False}),
    "no entity-pair member (pair_weight 0)": ({}, {"pair_weight": 0.0}),
}


def ablate(model, df: pd.DataFrame, n_boot: int, seed: int) -> dict:
    """Each part of a ``stance_compose`` model switched off at prediction time (the same fitted
    model: ``stance_parts`` zeroes the part's columns, ``stance_compose`` skips the learnt part or
    the table), scored on NewsMTSC dev-rw, DSE valid (5-class), the seed check and the checklist."""
    from newsclf.pipeline.features.stance import StanceCompose, StanceParts

    parts = [t for _, t in model.steps[0][1].transformer_list if isinstance(t, StanceParts)]
    compose = model.steps[-1][1]
    if not parts or not isinstance(compose, StanceCompose):
        print("ablation: the model is not a stance_compose pipeline; skipped")
        return {}
    part = parts[0]
    keep_part = part.get_params()
    keep_compose = compose.get_params(deep=False)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from stance.checklist_cases import run_checklist

    seed_df = seed_rows()
    test = df[(df.source == "newsmtsc") & (df.split == "test")]
    out = {}
    print("ablation (parts switched off at prediction, same fitted model):")
    print(f"  {'variant':38s} {'NewsMTSC dev-rw':>15s} {'DSE5 all':>8s} {'DSE5 dedup':>10s} {'seed':>6s} {'checklist':>10s}")
    for name, (part_params, compose_params) in ABLATIONS.items():
        part.set_params(**part_params)
        compose.set_params(**compose_params)
        try:
            from sklearn.metrics import f1_score

            nm = f1_score(test.label, [str(p) for p in model.predict(test.reindex(columns=INPUTS))], average="macro")
            d_all, d_dedup = dse_five_class(model, "test")["macro_f1"], dse_five_class(model, "test_dedup")["macro_f1"]
            sp = [str(p) for p in model.predict(seed_df.reindex(columns=INPUTS))]
            ok = sum(p == g for p, g in zip(sp, seed_df.label, strict=True))
            ck = run_checklist(lambda rows: [str(p) for p in model.predict(pd.DataFrame(rows).reindex(columns=INPUTS))])
            passed, total = sum(r["passed"] for r in ck.values()), sum(r["total"] for r in ck.values())
        finally:
            part.set_params(**keep_part)
            compose.set_params(**keep_compose)
        out[name] = {"newsmtsc_dev_rw": nm, "dse5_all": d_all, "dse5_dedup": d_dedup, "seed": f"{ok}/{len(seed_df)}",
                     "checklist": f"{passed}/{total}", "checklist_per_type": {k: r["rate"] for k, r in ck.items()}}
        print(f"  {name:38s} {nm:15.3f} {d_all:8.3f} {d_dedup:10.3f} {ok:3d}/{len(seed_df):<2d} {passed:4d}/{total:<4d} "
              + " ".join(f"{k}={r['rate']:.0%}" for k, r in ck.items()))
    return out


def side_only(side: str, target: str) -> str:
    """The side-only reference rule: favor the speaker's own side, against the other actor, else none."""
    if not side or side == "other":
        return "none"
    return "favor" if side == target else "against"


def devset(model, path: Path | None = None) -> dict:
    """Macro-F1 per target on the developer's hand-written sanity quotes, model vs the side-only rule."""
    from sklearn.metrics import f1_score

    path = path or Path(__file__).resolve().parent / "data" / "stance_devset.jsonl"
    quotes = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [{"text": q["text"], "target": t, "speaker": q["speaker"], "side": q["side"], "group": "dev", "label": lab}
            for q in quotes for t, lab in q["stance"].items()]
    frame = pd.DataFrame(rows)
    pred = [str(p) for p in model.predict(frame.reindex(columns=INPUTS))]
    out = {}
    print(f"hand-written sanity set ({len(quotes)} quotes; developer-written, not a corpus figure): macro-F1 per target")
    for target in sorted(set(frame.target)):
        idx = [i for i, t in enumerate(frame.target) if t == target]
        gold = [rows[i]["label"] for i in idx]
        m = f1_score(gold, [pred[i] for i in idx], average="macro", labels=list(TASK.labels), zero_division=0)
        r = f1_score(gold, [side_only(rows[i]["side"], target) for i in idx], average="macro", labels=list(TASK.labels),
                     zero_division=0)
        out[target] = {"model": m, "side_only_rule": r}
        print(f"  {target:8s} model {m:.3f}   side-only rule {r:.3f}")
    for r, p in zip(rows, pred, strict=True):
        if r["label"] != p:
            print(f"      wrong: side={r['side'] or '-':8s} target={r['target']:8s} gold {r['label']:8s} pred {p:8s} | {r['text'][:80]}")
    return out


def fmt(s: dict) -> str:
    def iv(k):
        c = s["ci"].get(k)
        return f"{s[k]:.3f} [{c[0]:.3f}, {c[1]:.3f}]" if c else f"{s[k]:.3f}"

    return f"n={s['n']:5d}  macro-F1 {iv('macro_f1')}  acc {iv('accuracy')}  F_avg {iv('f_avg')}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", default="configs/stance/default.yaml")
    ap.add_argument("--run", default=None, help="evaluate a trained run instead of training here")
    ap.add_argument("--boot", type=int, default=1000)
    ap.add_argument("--speed-runs", type=int, default=5)
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--json", default=None, help="also write the figures to this JSON file")
    ap.add_argument("--devset", action="store_true",
                    help="also score bench/data/stance_devset.jsonl (30 quotes written by the developer as a sanity "
                         "check of generalisation; not a corpus figure, not used for selection)")
    ap.add_argument("--dse-reference", action="store_true",
                    help="also train the issue's reference, TF-IDF (word 1-2 + char_wb 2-5) + logistic regression on "
                         "DSE's 5 classes (entities marked in place), and score it on valid / de-duplicated valid")
    ap.add_argument("--ablate", action="store_true",
                    help="also switch each part of a stance_compose model off at prediction time (same fitted "
                         "model) and print what each part is worth on the corpora, the seed, the checklist")
    ap.add_argument("--checklist", action="store_true",
                    help="also run the behavioural cases of tests/stance/checklist_cases.py on the model")
    ap.add_argument("--spans", action="store_true",
                    help="also pass the importers' target/speaker span columns to the model (not yet in "
                         "the task's inputs, so `newsclf train` does not use them)")
    args = ap.parse_args(argv)
    if args.spans:
        INPUTS.extend(c for c in SPAN_COLUMNS if c not in INPUTS)

    import newsclf.pipeline.components  # noqa: F401  (registers featurizers/estimators)
    from newsclf.pipeline.config import load_config

    seed = settings.DEFAULT_SEED
    cfg = load_config(args.config) if not args.run else None
    df = corpus_frame(cfg.seed if cfg else seed, cfg.data_config if cfg else None)
    t0 = time.perf_counter()
    if args.run:
        from newsclf.pipeline.runs import load_run

        model = load_run(args.run).model
        how = f"run {args.run}"
    else:
        from newsclf.pipeline.assemble import build_pipeline

        seed = cfg.seed
        model = build_pipeline(cfg)
        train = df[df.split == "train"]
        model.fit(train.reindex(columns=INPUTS), train.label.tolist())
        how = f"config {args.config} trained here on corpora train parts without the seed ({len(train)} rows)"
    fit_s = time.perf_counter() - t0
    out: dict = {"model": how, "fit_seconds": round(fit_s, 1), "splits": {}}
    print(f"# stance benchmark — {how}; {fit_s:.0f} s")
    for src, splits in (("newsmtsc", ("validation", "test", "dev_mt")), ("dse", ("validation", "test", "test_dedup"))):
        for split in splits:
            part = df[(df.source == src) & (df.split == split)]
            if not len(part):
                continue
            pred = model.predict(part.reindex(columns=INPUTS))
            s = scores(part.label.tolist(), [str(p) for p in pred], part.group.tolist(), args.boot, seed)
            out["splits"][f"{src}/{split}"] = s
            print(f"{src + '/' + split:22s} {fmt(s)}")
    for split in ("test", "test_dedup"):
        s = dse_five_class(model, split)
        out["splits"][f"dse5/{split}"] = s
        print(f"{'dse 5-class/' + split:22s} n={s['n']:5d}  macro-F1 {s['macro_f1']:.3f}  acc (micro-F1) {s['accuracy']:.3f}")

    if not args.no_speed:
        pool = df[df.split.isin(["test", "dev_mt", "test_dedup"])]
        sample = pool.sample(n=min(len(pool), 1000 * max(2, args.speed_runs)), random_state=seed)
        Xs = sample.reindex(columns=INPUTS).reset_index(drop=True)
        sp_ = speed(model, Xs, args.speed_runs)
        base = baseline_speed(df, Xs, args.speed_runs)
        out["speed"] = {"model": sp_, "baseline_word_tfidf_logreg": base}
        print(f"speed (1 thread, batches of 1000, median of {args.speed_runs}): {sp_['batch_1000_qps_cpu_median']:.0f} quotes/s "
              f"per CPU-second {sp_['cpu_runs']}, {sp_['batch_1000_qps_wall_median']:.0f} wall {sp_['wall_runs']}; "
              f"{sp_['one_at_a_time_qps']:.0f}/s one at a time")
        print(f"  baseline word TF-IDF+LR same rows: {base['batch_1000_qps_cpu_median']:.0f} per CPU-second, "
              f"{base['batch_1000_qps_wall_median']:.0f} wall; ratio model/baseline (CPU) "
              f"{sp_['batch_1000_qps_cpu_median'] / base['batch_1000_qps_cpu_median']:.2f}")

    seed_df = seed_rows()
    pred = [str(p) for p in model.predict(seed_df.reindex(columns=INPUTS))]
    ok = sum(p == g for p, g in zip(pred, seed_df.label, strict=True))
    out["seed_check"] = {"correct": ok, "total": len(seed_df),
                         "rows": [{"text": t[:60], "target": g, "gold": lab, "pred": p}
                                  for t, g, lab, p in zip(seed_df.text, seed_df.target, seed_df.label, pred, strict=True)]}
    print(f"seed check (non-fragment quotes x {{taliban, nrf}}): {ok}/{len(seed_df)} match the gold")
    for r in out["seed_check"]["rows"]:
        mark = "ok " if r["gold"] == r["pred"] else "BAD"
        print(f"  {mark} {r['target']:8s} gold {r['gold']:8s} pred {r['pred']:8s} | {r['text']}")
    if args.dse_reference:
        out["dse5_reference"] = dse_reference(seed)
    if args.checklist:
        out["checklist"] = checklist(model)
    if args.devset:
        out["devset"] = devset(model)
    if args.ablate:
        out["ablation"] = ablate(model, df, args.boot, seed)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2, default=float) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
