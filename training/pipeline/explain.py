"""Per-decision explanations for linear models: which features weighed most for each prediction.

For a fitted ``Pipeline([("features", ...), ("model", linear)])`` the contribution of feature j to
row i's decision for class c is ``coef[c, j] * x[i, j]``; :func:`top_features` returns the ``k``
largest contributions toward the predicted class of each row. Linear models are recognised by
``coef_`` (logistic regression, SGD, linear SVM), by a wrapped ``svc_``/``estimator_``, or by
``feature_log_prob_`` (naive Bayes: log-probability relative to the mean over classes). For other
models the explanation is empty (one empty list per row), never an error.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["linear_weights", "top_features"]


def linear_weights(estimator: Any) -> tuple[np.ndarray, list[str]] | None:
    """``(weights of shape (n_classes, n_features), class names)`` of a linear classifier, or None.

    Binary models with a single coefficient row get two rows (``-w`` for the first class, ``w``
    for the second).
    """
    est = estimator
    for attr in ("svc_", "estimator_", "base_estimator_"):
        inner = getattr(est, attr, None)
        if inner is not None and getattr(est, "coef_", None) is None:
            classes = getattr(est, "classes_", getattr(inner, "classes_", None))
            found = linear_weights(inner)
            if found is not None and classes is not None:
                return found[0], [str(c) for c in classes]
    classes = getattr(est, "classes_", None)
    if classes is None:
        return None
    classes = [str(c) for c in classes]
    coef = getattr(est, "coef_", None)
    if coef is None:
        log_prob = getattr(est, "feature_log_prob_", None)
        if log_prob is None:
            return None
        log_prob = np.asarray(log_prob, dtype=float)
        coef = log_prob - log_prob.mean(axis=0, keepdims=True)
    coef = np.asarray(coef.toarray() if hasattr(coef, "toarray") else coef, dtype=float)
    if coef.ndim == 1:
        coef = coef[None, :]
    if coef.shape[0] == 1 and len(classes) == 2:
        coef = np.vstack([-coef[0], coef[0]])
    return coef, classes


def top_features(pipeline: Any, frame: Any, k: int = 5) -> list[list[tuple[str, float]]]:
    """The ``k`` features that weighed most toward each row's predicted class.

    Parameters
    ----------
    pipeline : fitted sklearn Pipeline
        Feature steps followed by a classifier (last step).
    frame : DataFrame
        Model input (the task's input columns), shape (n_rows, n_inputs).
    k : int, default 5

    Returns
    -------
    list of length n_rows; each a list of up to ``k`` ``(feature name, contribution)`` pairs with
    positive contribution, largest first. Empty lists when the model is not linear.
    """
    n = len(frame)
    if not hasattr(pipeline, "steps"):
        return [[] for _ in range(n)]
    est = pipeline.steps[-1][1]
    found = linear_weights(est)
    if found is None or n == 0:
        return [[] for _ in range(n)]
    coef, classes = found
    features = pipeline[:-1]
    X = features.transform(frame)
    try:
        names = np.asarray(features.get_feature_names_out(), dtype=object)
    except (AttributeError, ValueError, TypeError):
        names = np.asarray([f"f{j}" for j in range(X.shape[1])], dtype=object)
    if coef.shape[1] != X.shape[1]:
        return [[] for _ in range(n)]
    predicted = [str(c) for c in pipeline.predict(frame)]
    index = {c: i for i, c in enumerate(classes)}
    out: list[list[tuple[str, float]]] = []
    X = X.tocsr() if hasattr(X, "tocsr") else np.asarray(X)
    for i, label in enumerate(predicted):
        w = coef[index[label]]
        if hasattr(X, "indices"):
            row = X[i]
            cols, vals = row.indices, row.data
        else:
            cols = np.flatnonzero(X[i])
            vals = X[i, cols]
        contrib = w[cols] * vals
        order = np.argsort(-contrib)[:k]
        out.append([(str(names[cols[j]]), round(float(contrib[j]), 4)) for j in order if contrib[j] > 0])
    return out
