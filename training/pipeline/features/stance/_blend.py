"""A weighted average of the class probabilities of several registered estimators (:class:`ProbaBlend`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from newsclf.pipeline.estimators import column_major_weights

__all__ = ["ProbaBlend"]


class ProbaBlend(ClassifierMixin, BaseEstimator):
    """Average the ``predict_proba`` of several models, weighted (e.g. logistic regression +
    complement naive Bayes, whose errors differ on short texts).

    Parameters
    ----------
    members : sequence of mapping
        ``{name: <registered estimator>, params: {...}, weight: float}`` each (weight default 1).
    random_state : int or None
        Passed to the members that take one and do not set it.

    Attributes
    ----------
    estimators_ : list of fitted members
    weights_ : ndarray of shape (n_members,), summing to 1
    classes_ : ndarray of str
    """

    def __init__(self, members: Sequence[Mapping[str, Any]] = (), random_state=None):
        self.members = members
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None):
        import newsclf.pipeline.components  # noqa: F401  (registers the estimators)
        from newsclf.pipeline.registry import estimators

        if not self.members:
            raise ValueError("blend: members is empty; list {name, params, weight} entries")
        self.estimators_, weights = [], []
        for m in self.members:
            params = dict(m.get("params") or {})
            est = estimators.create(m["name"], **params)
            if self.random_state is not None and "random_state" in est.get_params() and "random_state" not in params:
                est.set_params(random_state=self.random_state)
            est.fit(X, y) if sample_weight is None else est.fit(X, y, sample_weight=sample_weight)
            self.estimators_.append(column_major_weights(est))
            weights.append(float(m.get("weight", 1.0)))
        w = np.asarray(weights, dtype=np.float64)
        if (w < 0).any() or w.sum() <= 0:
            raise ValueError(f"blend: weights must be >= 0 with a positive sum, got {weights}")
        self.weights_ = w / w.sum()
        classes = [[str(c) for c in e.classes_] for e in self.estimators_]
        if any(c != classes[0] for c in classes):
            raise ValueError(f"blend: members disagree on the classes: {classes}")
        self.classes_ = np.asarray(classes[0], dtype=object)
        return self

    def predict_proba(self, X) -> np.ndarray:
        """(n_rows, n_classes) weighted mean of the members' probabilities."""
        check_is_fitted(self, "estimators_")
        return sum(w * np.asarray(e.predict_proba(X), dtype=np.float64) for w, e in zip(self.weights_, self.estimators_, strict=True))

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    @property
    def coef_(self) -> np.ndarray:
        """(n_classes, n_features) weighted sum of the linear members' weights, for explanations
        (:func:`newsclf.pipeline.explain.linear_weights`; naive Bayes counts with its centred
        log-probabilities). AttributeError when no member is linear."""
        from newsclf.pipeline.explain import linear_weights

        check_is_fitted(self, "estimators_")
        classes = [str(c) for c in self.classes_]
        total = None
        for w, est in zip(self.weights_, self.estimators_, strict=True):
            found = linear_weights(est)
            if found is None:
                continue
            coef = found[0][[found[1].index(c) for c in classes]]
            total = w * coef if total is None else total + w * coef
        if total is None:
            raise AttributeError("blend: no member is linear (no coef_ to explain with)")
        return total
