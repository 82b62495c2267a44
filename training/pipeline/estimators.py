"""Estimators by registry name: logistic regression, calibrated linear SVM, SGD, complement naive
Bayes, random forest, histogram gradient boosting.

Every factory takes keyword parameters as written in the config's ``model.params``; the trainer adds
``random_state`` (the experiment seed) where the estimator accepts it. All estimators expose
``predict_proba`` so reports can draw precision-recall and calibration curves.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from newsclf.pipeline.registry import estimators

__all__ = ["CalibratedLinearSVC", "DenseHistGradientBoosting", "MAX_DENSE_CELLS", "column_major_weights"]

MAX_DENSE_CELLS = 200_000_000
"""Largest n_samples * n_features that :class:`DenseHistGradientBoosting` densifies (~1.6 GB)."""

_WEIGHT_ATTRS = ("coef_", "feature_log_prob_")


def column_major_weights(est):
    """Store a fitted linear model's (n_classes, n_features) weights column-major; returns ``est``.

    Linear models score sparse rows as ``X @ W.T``; scipy copies a dense operand that is not
    C-contiguous on every call, and ``W.T`` of a row-major ``W`` is not. With 190k features that
    copy is ~15% of a one-row stance prediction. Estimators without such weights are left as is.
    """
    attrs = vars(est)
    for name in _WEIGHT_ATTRS:
        w = attrs.get(name)
        if isinstance(w, np.ndarray) and w.ndim == 2:
            setattr(est, name, np.asfortranarray(w))
    return est


class CalibratedLinearSVC(ClassifierMixin, BaseEstimator):
    """A :class:`~sklearn.svm.LinearSVC` with probabilities from cross-validated sigmoid calibration.

    Parameters live at the top level so that searches address them as ``model__C``.
    When the smallest class has fewer than 2 training examples, calibration is impossible and
    probabilities fall back to a softmax of the decision function (noted in ``calibrated_``).

    Parameters
    ----------
    C : float, default 1.0
    class_weight : dict, "balanced" or None
    loss : {"squared_hinge", "hinge"}
    max_iter : int, default 2000
    cv : int, default 3
        Calibration folds (reduced to the smallest class count when needed).
    method : {"sigmoid", "isotonic"}
    random_state : int or None
    """

    def __init__(self, C=1.0, class_weight=None, loss="squared_hinge", max_iter=2000, cv=3,
                 method="sigmoid", random_state=None):
        self.C = C
        self.class_weight = class_weight
        self.loss = loss
        self.max_iter = max_iter
        self.cv = cv
        self.method = method
        self.random_state = random_state

    def _svc(self) -> LinearSVC:
        return LinearSVC(C=self.C, class_weight=self.class_weight, loss=self.loss,
                         max_iter=self.max_iter, random_state=self.random_state)

    def fit(self, X, y):
        y = np.asarray(y)
        self.classes_, counts = np.unique(y, return_counts=True)
        folds = int(min(self.cv, counts.min()))
        self.svc_ = self._svc().fit(X, y)
        if folds >= 2:
            self.calibrator_ = CalibratedClassifierCV(self._svc(), method=self.method, cv=folds).fit(X, y)
            self.calibrated_ = True
        else:
            self.calibrator_ = None
            self.calibrated_ = False
        return self

    def decision_function(self, X):
        check_is_fitted(self, "svc_")
        return self.svc_.decision_function(X)

    def predict_proba(self, X):
        check_is_fitted(self, "svc_")
        if self.calibrator_ is not None:
            return self.calibrator_.predict_proba(X)
        d = self.svc_.decision_function(X)
        if d.ndim == 1:
            d = np.column_stack([-d, d])
        e = np.exp(d - d.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    @property
    def coef_(self):
        """Coefficients of the underlying (uncalibrated) SVM, for top-feature reports."""
        check_is_fitted(self, "svc_")
        return self.svc_.coef_


class DenseHistGradientBoosting(HistGradientBoostingClassifier):
    """:class:`~sklearn.ensemble.HistGradientBoostingClassifier` that accepts sparse features by
    densifying them; refuses (with what to do) above :data:`MAX_DENSE_CELLS` cells. Keep the feature
    count small (``max_features`` on TF-IDF) when using it."""

    @staticmethod
    def _dense(X):
        if sp.issparse(X):
            cells = X.shape[0] * X.shape[1]
            if cells > MAX_DENSE_CELLS:
                raise ValueError(
                    f"hist_gradient_boosting needs dense input: {X.shape[0]} x {X.shape[1]} features "
                    f"is too large to densify; set max_features (e.g. 2000) on the TF-IDF featurizers"
                )
            return X.toarray().astype(np.float32)
        return X

    def fit(self, X, y, sample_weight=None):
        return super().fit(self._dense(X), y, sample_weight=sample_weight)

    def predict(self, X):
        return super().predict(self._dense(X))

    def predict_proba(self, X):
        return super().predict_proba(self._dense(X))

    def decision_function(self, X):
        return super().decision_function(self._dense(X))

    def staged_predict_proba(self, X):
        return super().staged_predict_proba(self._dense(X))


@estimators.register("logreg")
def logreg(**params) -> LogisticRegression:
    """Logistic regression (lbfgs, ``max_iter=1000``)."""
    params.setdefault("max_iter", 1000)
    return LogisticRegression(**params)


@estimators.register("linear_svm")
def linear_svm(**params) -> CalibratedLinearSVC:
    """Linear SVM with sigmoid-calibrated probabilities."""
    return CalibratedLinearSVC(**params)


@estimators.register("sgd")
def sgd(**params) -> SGDClassifier:
    """Linear model trained by SGD with log loss (so it has probabilities)."""
    params.setdefault("loss", "log_loss")
    params.setdefault("max_iter", 1000)
    params.setdefault("tol", 1e-3)
    return SGDClassifier(**params)


@estimators.register("complement_nb")
def complement_nb(**params) -> ComplementNB:
    """Complement naive Bayes (non-negative features only; takes no random_state)."""
    params.pop("random_state", None)
    return ComplementNB(**params)


@estimators.register("random_forest")
def random_forest(**params) -> RandomForestClassifier:
    """Random forest (``n_estimators=200``, ``n_jobs=1``: the search parallelises)."""
    params.setdefault("n_estimators", 200)
    params.setdefault("n_jobs", 1)
    return RandomForestClassifier(**params)


@estimators.register("hist_gradient_boosting")
def hist_gradient_boosting(**params) -> DenseHistGradientBoosting:
    """Histogram gradient boosting on densified features (see :class:`DenseHistGradientBoosting`)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return DenseHistGradientBoosting(**params)
