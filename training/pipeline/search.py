"""Hyper-parameter search over group-aware CV folds: grid, random or successive halving, in
parallel with joblib (loky, all cores by default) or on a Dask cluster.

The search runs every (candidate, fold) fit itself, as one flat list of joblib tasks whose results
come back as they finish, so that a progress bar can count fits and estimate the time left while
the work runs on every core (scikit-learn's ``GridSearchCV`` only reports through ``verbose``
prints from inside the workers). Candidates come from scikit-learn's ``ParameterGrid`` /
``ParameterSampler`` (same candidates, same seeds as ``GridSearchCV`` / ``RandomizedSearchCV``);
the best candidate (highest mean fold score, the first one on ties) is refitted on the whole
training split.

Folds keep each ``group`` (article/page) on one side; with fewer groups than folds the number of
folds drops to the number of groups, and with a single group the folds fall back to (stratified)
rows, with a warning.
"""

from __future__ import annotations

import contextlib
import math
import time
import warnings
from typing import Any

import joblib
import numpy as np
from sklearn.base import clone
from sklearn.metrics import get_scorer
from sklearn.model_selection import (
    KFold,
    ParameterGrid,
    ParameterSampler,
    StratifiedGroupKFold,
    StratifiedKFold,
)

from newsclf import progress
from newsclf.errors import ConfigError, NewsclfError
from newsclf.pipeline.config import SearchConfig
from newsclf.pipeline.context import fit_with_context, has_context

__all__ = ["SearchResult", "make_cv", "run_search"]


def make_cv(y, groups, n_splits: int, seed: int) -> tuple[Any, str]:
    """Return ``(splitter, note)`` for ``n_splits`` folds respecting ``groups`` where possible.

    The splitter takes ``groups`` in ``split`` (ignored by non-group splitters).
    """
    y = np.asarray(y)
    _, counts = np.unique(y, return_counts=True)
    n_groups = len(set(groups)) if groups is not None else 0
    if n_groups >= 2:
        k = min(n_splits, n_groups)
        note = f"StratifiedGroupKFold({k}) over {n_groups} groups"
        if k < n_splits:
            note += f" (asked {n_splits} folds, only {n_groups} groups)"
            warnings.warn(f"search: {n_groups} groups < {n_splits} folds; using {k} group folds", stacklevel=2)
        return StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed), note
    k = max(2, min(n_splits, len(y)))
    msg = "one group only" if n_groups == 1 else "no groups"
    warnings.warn(f"search: {msg}; folds split rows, not documents", stacklevel=2)
    if counts.min() >= k:
        return StratifiedKFold(n_splits=k, shuffle=True, random_state=seed), f"StratifiedKFold({k}) ({msg})"
    return KFold(n_splits=k, shuffle=True, random_state=seed), f"KFold({k}) ({msg}, classes too small to stratify)"


def _distributions(params: dict[str, Any]) -> dict[str, Any]:
    from scipy import stats

    out = {}
    for key, spec in params.items():
        if isinstance(spec, dict):
            lo, hi = spec["low"], spec["high"]
            kind = spec["distribution"]
            if kind == "loguniform":
                out[key] = stats.loguniform(lo, hi)
            elif kind == "uniform":
                out[key] = stats.uniform(lo, hi - lo)
            else:
                out[key] = stats.randint(lo, hi + 1)
        else:
            out[key] = [tuple(v) if isinstance(v, list) else v for v in spec]
    return out


class SearchResult(dict):
    """Summary of a search: method, cv note, best params and score, and per-candidate means."""


@contextlib.contextmanager
def _backend(search: SearchConfig):
    if search.backend != "dask":
        yield
        return
    from distributed import Client, LocalCluster

    cluster = None
    if search.scheduler:
        try:
            client = Client(search.scheduler, timeout="5s")
        except OSError as exc:
            raise NewsclfError(f"search.scheduler {search.scheduler!r}: cannot connect to the Dask "
                               f"scheduler ({exc}); start one or remove search.scheduler") from None
    else:
        # one thread per worker: joblib 1.6 auto-scatter races on multi-threaded workers of
        # distributed 2026.x ("already forgotten"); start real workers with --nthreads 1 too
        cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None)
        client = Client(cluster)
    try:
        with joblib.parallel_backend("dask", client=client):
            yield
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _take(X, idx):
    return X.iloc[idx] if hasattr(X, "iloc") else X[idx]


def _fit_and_score(pipeline, params: dict[str, Any], X, y: np.ndarray, train: np.ndarray,
                   test: np.ndarray, scoring: str) -> tuple[float, str | None, float]:
    """Fit a clone of ``pipeline`` with ``params`` on ``train`` rows and score it on ``test`` rows.

    Returns ``(score, error or None, seconds)``; a failing fit scores NaN (the search goes on).
    Runs in a joblib worker: warnings are silenced there (the parent filters them too).
    """
    from sklearn.exceptions import ConvergenceWarning

    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("ignore", message=".*least populated class.*")
        warnings.filterwarnings("ignore", category=UserWarning, module="sklearn")
        try:
            est = clone(pipeline).set_params(**params)
            est.fit(_take(X, train), y[train])
            score = float(get_scorer(scoring)(est, _take(X, test), y[test]))
        except (ValueError, TypeError, ArithmeticError, IndexError, KeyError) as exc:
            return math.nan, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", 0.0
    return score, None, time.perf_counter() - t0


def _fmt_params(params: dict[str, Any]) -> str:
    return ", ".join(f"{k.removeprefix('model__')}={_plain(v)}" for k, v in params.items()) or "defaults"


def _score_candidates(pipeline, candidates: list[dict[str, Any]], X, y: np.ndarray, folds: list,
                      scoring: str, n_jobs: int, label: str) -> list[dict[str, Any]]:
    """Score every candidate on every fold, in parallel, with one progress bar over all fits.

    Returns one dict per candidate: ``params``, ``mean``, ``std`` (over folds; None when a fold
    failed), ``scores`` and ``error`` (the first failure message, if any).
    """
    n_fits = len(candidates) * len(folds)
    scores = np.full((len(candidates), len(folds)), np.nan)
    errors: dict[int, str] = {}
    left = [len(folds)] * len(candidates)
    best: tuple[float, int] | None = None
    keyed = [(c, f) for c in range(len(candidates)) for f in range(len(folds))]
    # results come back in completion order, each with its index into ``keyed``
    jobs = (joblib.delayed(_indexed_fit)(i, pipeline, candidates[c], X, y, *folds[f], scoring)
            for i, (c, f) in enumerate(keyed))
    desc = f"{label}: {len(candidates)} candidates x {len(folds)} folds"
    with progress.step(desc, total=n_fits) as bar:
        parallel = joblib.Parallel(n_jobs=n_jobs, return_as="generator_unordered")
        for i, (score, error, _secs) in parallel(jobs):
            c, f = keyed[i]
            scores[c, f] = score
            if error and c not in errors:
                errors[c] = error
            left[c] -= 1
            bar.advance()
            if left[c] == 0:
                row = scores[c]
                mean = float(row.mean()) if np.isfinite(row).all() else math.nan
                if np.isfinite(mean) and (best is None or mean > best[0]):
                    best = (mean, c)
                shown = f"{mean:.3f} ± {float(row.std()):.3f}" if np.isfinite(mean) else "failed"
                progress.say(f"  candidate {c + 1}/{len(candidates)} {_fmt_params(candidates[c])}: "
                             f"{scoring} {shown}")
                if best is not None:
                    bar.update(description=f"{desc} (best so far {best[0]:.3f}: "
                                           f"{_fmt_params(candidates[best[1]])})")
    out = []
    for c, params in enumerate(candidates):
        row = scores[c]
        finite = bool(np.isfinite(row).all())
        out.append({"params": params, "mean": float(row.mean()) if finite else None,
                    "std": float(row.std()) if finite else None, "scores": row.tolist(),
                    "error": errors.get(c)})
    return out


def _indexed_fit(i: int, *args: Any) -> tuple[int, tuple[float, str | None, float]]:
    return i, _fit_and_score(*args)


def _pick(scored: list[dict[str, Any]]) -> int | None:
    """Index of the best candidate: highest mean, the first one on ties; None when all failed."""
    means = [s["mean"] for s in scored]
    finite = [i for i, m in enumerate(means) if m is not None]
    return max(finite, key=lambda i: (means[i], -i)) if finite else None


def _halving(pipeline, grid: dict[str, list], X, y: np.ndarray, groups, search: SearchConfig, seed: int,
             n_jobs: int) -> tuple[list[dict[str, Any]], int, str]:
    """Successive halving over seeded row subsets: all candidates on ``min_resources`` rows, the
    best ``1/factor`` of them on ``factor`` times more rows, and so on up to the whole split."""
    candidates = list(ParameterGrid(grid))
    n = len(y)
    n_classes = len(np.unique(y))
    min_resources = max(2 * n_classes * search.cv, 20)
    order = np.random.default_rng(seed).permutation(n)
    resources, it, history = min_resources, 0, []
    alive = list(range(len(candidates)))
    notes = []
    while True:
        rows = np.sort(order[: min(resources, n)])
        sub_groups = [groups[i] for i in rows] if groups is not None else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cv, note = make_cv(y[rows], sub_groups, search.cv, seed)
        folds = list(cv.split(np.zeros(len(rows)), y[rows], sub_groups if isinstance(cv, StratifiedGroupKFold) else None))
        notes.append(f"round {it + 1}: {len(alive)} candidates on {len(rows)} rows")
        scored = _score_candidates(pipeline, [candidates[i] for i in alive], _take(X, rows), y[rows], folds,
                                   search.scoring, n_jobs, f"halving round {it + 1} ({len(rows)} rows)")
        for i, s in zip(alive, scored, strict=True):
            history.append({**s, "iteration": it, "n_resources": len(rows), "index": i})
        ranked = sorted(range(len(alive)), key=lambda k: (-(scored[k]["mean"] if scored[k]["mean"] is not None
                                                             else -math.inf), k))
        keep = max(1, math.ceil(len(alive) / search.factor))
        if len(alive) == 1 or len(rows) >= n:
            best_local = _pick(scored)
            best = alive[best_local] if best_local is not None else None
            break
        alive = [alive[k] for k in ranked[:keep]]
        resources *= search.factor
        it += 1
    best_hist = next((i for i, h in enumerate(history) if h["iteration"] == it and h["index"] == best), None)
    return history, best_hist, "; ".join(notes)


def run_search(pipeline, search: SearchConfig, X, y, groups, seed: int):
    """Fit ``pipeline`` with the search ``search`` describes; return ``(best_estimator, SearchResult)``.

    With ``method: none`` the pipeline is simply fitted and the result is ``None``; context rows
    (label None) are featurized with their page but not learnt from (:mod:`newsclf.pipeline.context`);
    a search cannot score folds holding them.
    """
    if has_context(y):
        if search.method != "none":
            raise ConfigError(
                f"search.method {search.method!r}: the train split has context rows (data config "
                "'unlabelled: context') that CV cannot score; use search.method: none or 'unlabelled: drop'"
            )
        with progress.step(f"fit on {len(y)} rows (with context rows)"):
            return fit_with_context(pipeline, X, y), None
    if search.method == "none":
        with progress.step(f"fit on {len(y)} rows"):
            return pipeline.fit(X, y), None
    y_arr = np.asarray(y)
    cv, note = make_cv(y_arr, groups, search.cv, seed)
    fit_groups = groups if isinstance(cv, StratifiedGroupKFold) else None
    grid = {k: [tuple(v) if isinstance(v, list) else v for v in vs] for k, vs in search.params.items()}
    method = search.method
    n_jobs = search.n_jobs
    with _backend(search):
        if method == "halving":
            n_classes = len(np.unique(y_arr))
            min_resources = max(2 * n_classes * search.cv, 20)
            if min_resources * search.factor > len(y_arr):
                note += f"; halving needs >= {min_resources * search.factor} rows, had {len(y_arr)}: plain grid instead"
                method = "grid"
            else:
                scored, best, rounds = _halving(pipeline, grid, X, y_arr, groups, search, seed, n_jobs)
                note += f"; successive halving (factor {search.factor}): {rounds}"
        if method in ("grid", "random"):
            if method == "grid":
                candidates = list(ParameterGrid(grid))
            else:
                candidates = list(ParameterSampler(_distributions(search.params), n_iter=search.n_iter,
                                                   random_state=seed))
            folds = list(cv.split(np.zeros(len(y_arr)), y_arr, fit_groups))
            scored = _score_candidates(pipeline, candidates, X, y_arr, folds, search.scoring, n_jobs,
                                       f"search {method}")
            best = _pick(scored)
    if best is None:
        first = next((s["error"] for s in scored if s["error"]), "no score")
        raise NewsclfError(f"search ({search.method}, {note}) could not fit any candidate: {first} - the "
                           "training split may be too small for CV; use search.method: none or fewer folds")
    best_params = scored[best]["params"]
    with progress.step(f"refit the best candidate ({_fmt_params(best_params)}) on {len(y_arr)} rows"):
        model = clone(pipeline).set_params(**best_params).fit(X, y_arr)
    result = SearchResult(
        method=search.method,
        cv=note,
        scoring=search.scoring,
        n_jobs=n_jobs,
        best_params={k: _plain(v) for k, v in best_params.items()},
        best_score=_plain(scored[best]["mean"]),
        candidates=[
            {"params": {k: _plain(v) for k, v in s["params"].items()}, "mean": _plain(s["mean"]),
             "std": _plain(s["std"]),
             **({"iteration": s["iteration"], "n_resources": s["n_resources"]} if "iteration" in s else {}),
             **({"error": s["error"]} if s.get("error") else {})}
            for s in scored
        ],
    )
    return model, result


def _plain(value):
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, tuple):
        return list(value)
    return value
