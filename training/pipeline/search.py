"""Hyper-parameter search over group-aware CV folds: grid, random or successive halving, in
parallel with joblib (loky) or on a Dask cluster.

Folds keep each ``group`` (article/page) on one side; with fewer groups than folds the number of
folds drops to the number of groups, and with a single group the folds fall back to (stratified)
rows, with a warning.
"""

from __future__ import annotations

import contextlib
import warnings
from typing import Any

import joblib
import numpy as np
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    RandomizedSearchCV,
    StratifiedGroupKFold,
    StratifiedKFold,
)

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
        return fit_with_context(pipeline, X, y), None
    if search.method == "none":
        return pipeline.fit(X, y), None
    cv, note = make_cv(y, groups, search.cv, seed)
    common = dict(scoring=search.scoring, cv=cv, n_jobs=search.n_jobs, refit=True, error_score=np.nan)
    grid = {k: [tuple(v) if isinstance(v, list) else v for v in vs] for k, vs in search.params.items()}
    method = search.method
    if method == "halving":
        from sklearn.experimental import enable_halving_search_cv  # noqa: F401
        from sklearn.model_selection import HalvingGridSearchCV

        n_classes = len(np.unique(y))
        min_resources = max(2 * n_classes * cv.get_n_splits(), 20)
        if min_resources * search.factor > len(y):
            note += f"; halving needs >= {min_resources * search.factor} rows, had {len(y)}: plain grid instead"
            method = "grid"
        else:
            est = HalvingGridSearchCV(pipeline, grid, factor=search.factor, random_state=seed,
                                      min_resources=min_resources, **common)
    if method == "grid":
        est = GridSearchCV(pipeline, grid, **common)
    elif method == "random":
        est = RandomizedSearchCV(pipeline, _distributions(search.params), n_iter=search.n_iter,
                                 random_state=seed, **common)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*least populated class.*")
        warnings.filterwarnings("ignore", message=".*scores are non-finite.*")
        warnings.filterwarnings("ignore", category=UserWarning, message=".*fits failed.*")
        try:
            fit_groups = groups if isinstance(cv, StratifiedGroupKFold) else None
            with _backend(search):
                est.fit(X, y, groups=fit_groups)
        except ValueError as exc:
            if "fits failed" in str(exc) or "min_resources" in str(exc):
                raise NewsclfError(f"search ({search.method}, {note}) could not fit any candidate: "
                                   f"{str(exc).splitlines()[0]} - the training split may be too small "
                                   "for CV; use search.method: none or fewer folds") from None
            raise
    res = est.cv_results_
    means = res["mean_test_score"]
    result = SearchResult(
        method=search.method,
        cv=note,
        scoring=search.scoring,
        best_params={k: _plain(v) for k, v in est.best_params_.items()},
        best_score=_plain(est.best_score_),
        candidates=[
            {"params": {k: _plain(v) for k, v in p.items()}, "mean": _plain(m), "std": _plain(s)}
            for p, m, s in zip(res["params"], means, res["std_test_score"], strict=True)
        ],
    )
    return est.best_estimator_, result


def _plain(value):
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, tuple):
        return list(value)
    return value
