"""Quotes and speakers on PolNeAR: the figures of issue 12, per publisher and overall.

Scores the function ``newsclf quotes`` uses (``newsclf.data.document.process_article`` on the
article read as a ``.txt`` file would be) on a PolNeAR part with the rules of
:mod:`newsclf.evaluation.quotes`: direct-quote P/R/F1, named-speaker accuracy on matched quotes,
and named quotes found with the right speaker. A quotation-mark regex anchor is scored in the same
run. ``--attribution RUN`` ranks speakers with a trained attribution run instead of the rules.

    python bench/bench_quotes.py [--part dev] [--attribution RUN] [--errors errors.jsonl]

Reads ``$NEWSCLF_CORPORA/polnear`` (default ``../shared/corpora``). Report dev figures; iterate
on the validation articles (``--part validation``: the train articles the importer holds out),
never select on dev.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict

from newsclf import settings
from newsclf.data.actors import load_actors
from newsclf.data.document import process_article
from newsclf.data.importers.polnear import gold_quotes, read_part, validation_articles
from newsclf.data.readers import article_from_text
from newsclf.evaluation.quotes import (
    PredictedQuote,
    quote_mark_baseline,
    score_article,
    summarise,
)


def _fmt(x) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def score_part(part: str, model=None, seed: int = settings.DEFAULT_SEED, root=None):
    """Score ``part`` (train, validation or dev); returns (per-publisher scores, anchor scores,
    errors, CPU seconds of process_article)."""
    root = root or settings.corpora_dir() / "polnear"
    actors = load_actors()
    ours: dict[str, list] = defaultdict(list)
    anchor: dict[str, list] = defaultdict(list)
    errors = []
    seconds = 0.0
    held = validation_articles(root, 0.1, seed) if part == "validation" else None
    for art in read_part(root, "train" if part == "validation" else part):
        if held is not None and art.id not in held:
            continue
        gold = gold_quotes(art)
        t = time.process_time()
        processed = process_article(article_from_text(art.text, art.id), actors, attribution=model)
        seconds += time.process_time() - t
        pred = [PredictedQuote(q.start, q.end, q.speaker) for q in processed.quotes]
        s = score_article(art.text, pred, gold, art.id)
        ours[art.publisher].append(s)
        errors.extend(s.errors)
        anchor[art.publisher].append(score_article(art.text, quote_mark_baseline(art.text), gold))
    return ours, anchor, errors, seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", default="dev", choices=["train", "validation", "dev"],
                    help="validation = the train articles the importer holds out (--seed, 10%%)")
    ap.add_argument("--seed", type=int, default=settings.DEFAULT_SEED)
    ap.add_argument("--attribution", default=None, help="attribution run (folder or run id)")
    ap.add_argument("--errors", default=None, help="write every error as a JSON line here")
    args = ap.parse_args(argv)
    root = settings.corpora_dir() / "polnear"
    if not root.is_dir():
        print(f"PolNeAR not found at {root}; set NEWSCLF_CORPORA", file=sys.stderr)
        return 2
    model = None
    if args.attribution:
        from newsclf.data.attribution import load_attribution

        model = load_attribution(args.attribution)
    ours, anchor, errors, seconds = score_part(args.part, model, args.seed, root)
    rows = []
    for pub in [*sorted(ours), "overall"]:
        mine = [s for p in ours for s in ours[p]] if pub == "overall" else ours[pub]
        base = [s for p in anchor for s in anchor[p]] if pub == "overall" else anchor[pub]
        rows.append((pub, summarise(mine), summarise(base)))
    n_articles = rows[-1][1]["articles"]
    print(f"PolNeAR {args.part} ({n_articles} articles), speakers by "
          f"{'attribution run ' + args.attribution if model is not None else 'rules'}")
    head = ("publisher", "gold", "P", "R", "quote F1", "spk acc (n)", "named found", "regex F1")
    print("{:<13} {:>5} {:>6} {:>6} {:>8} {:>14} {:>11} {:>8}".format(*head))
    for pub, m, b in rows:
        print(f"{pub:<13} {m['gold']:>5} {_fmt(m['precision']):>6} {_fmt(m['recall']):>6} "
              f"{_fmt(m['quote_f1']):>8} {_fmt(m['speaker_accuracy']):>7} ({m['named_matched']:>4}) "
              f"{_fmt(m['named_found']):>11} {_fmt(b['quote_f1']):>8}")
    b = rows[-1][2]
    print(f"regex anchor overall: P {_fmt(b['precision'])} R {_fmt(b['recall'])} F1 {_fmt(b['quote_f1'])}")
    print(f"speed: {n_articles / seconds:.0f} articles per CPU-second (process_article only)")
    if args.errors:
        with open(args.errors, "w", encoding="utf-8") as fh:
            for e in errors:
                fh.write(json.dumps(e, ensure_ascii=False) + "\n")
        print(f"{len(errors)} errors written to {args.errors}")
    print(json.dumps({"part": args.part, "overall": rows[-1][1], "anchor": rows[-1][2]}, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
