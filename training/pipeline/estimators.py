"""Estimators by registry name: logistic regression, calibrated linear SVM, SGD, complement naive
Bayes, random forest, histogram gradient boosting.

Every factory takes keyword parameters as written in the config's ``model.params``; the trainer adds
``random_state`` (the experiment seed) where the estimator accepts it. All estimators expose
``predict_proba`` so reports can draw precision-recall and calibration curves.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
import scipy.sparse as sp
from pydantic import Field
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from newsclf.pipeline.params import ClassWeight, Fraction, Positive, PositiveInt, RandomState
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


Solver = Literal["lbfgs", "liblinear", "newton-cg", "newton-cholesky", "sag", "saga"]


@estimators.register("logreg")
def logreg(C: Positive = 1.0, class_weight: ClassWeight = None, solver: Solver = "lbfgs",
           l1_ratio: Fraction = 0.0, max_iter: PositiveInt = 1000, tol: Positive = 1e-4,
           fit_intercept: bool = True, random_state: RandomState = None) -> LogisticRegression:
    """Logistic regression (lbfgs, ``max_iter=1000``; ``l1_ratio`` > 0 needs ``solver: saga``)."""
    return LogisticRegression(C=C, class_weight=class_weight, solver=solver, l1_ratio=l1_ratio, max_iter=max_iter,
                              tol=tol, fit_intercept=fit_intercept, random_state=random_state)


@estimators.register("linear_svm")
def linear_svm(C: Positive = 1.0, class_weight: ClassWeight = None,
               loss: Literal["squared_hinge", "hinge"] = "squared_hinge", max_iter: PositiveInt = 2000,
               cv: Annotated[int, Field(ge=2, le=20)] = 3, method: Literal["sigmoid", "isotonic"] = "sigmoid",
               random_state: RandomState = None) -> CalibratedLinearSVC:
    """Linear SVM with sigmoid-calibrated probabilities."""
    return CalibratedLinearSVC(C=C, class_weight=class_weight, loss=loss, max_iter=max_iter, cv=cv, method=method,
                               random_state=random_state)


@estimators.register("sgd")
def sgd(loss: Literal["log_loss", "modified_huber"] = "log_loss", alpha: Positive = 1e-4,
        penalty: Literal["l2", "l1", "elasticnet"] | None = "l2", l1_ratio: Fraction = 0.15,
        max_iter: PositiveInt = 1000, tol: Positive | None = 1e-3, class_weight: ClassWeight = None,
        average: bool = False, random_state: RandomState = None) -> SGDClassifier:
    """Linear model trained by SGD with a loss that gives probabilities (log loss, modified Huber)."""
    return SGDClassifier(loss=loss, alpha=alpha, penalty=penalty, l1_ratio=l1_ratio, max_iter=max_iter, tol=tol,
                         class_weight=class_weight, average=average, random_state=random_state)


@estimators.register("complement_nb")
def complement_nb(alpha: Positive = 1.0, norm: bool = False, fit_prior: bool = True) -> ComplementNB:
    """Complement naive Bayes (non-negative features only; not random)."""
    return ComplementNB(alpha=alpha, norm=norm, fit_prior=fit_prior)


@estimators.register("random_forest")
def random_forest(n_estimators: PositiveInt = 200, max_depth: PositiveInt | None = None,
                  min_samples_split: Annotated[int, Field(ge=2)] = 2, min_samples_leaf: PositiveInt = 1,
                  max_features: Literal["sqrt", "log2"] | Fraction | None = "sqrt",
                  class_weight: Literal["balanced", "balanced_subsample"] | dict[str, Positive] | None = None,
                  n_jobs: int = 1, random_state: RandomState = None) -> RandomForestClassifier:
    """Random forest (``n_estimators=200``, ``n_jobs=1``: the search parallelises)."""
    return RandomForestClassifier(n_estimators=n_estimators, max_depth=max_depth, min_samples_split=min_samples_split,
                                  min_samples_leaf=min_samples_leaf, max_features=max_features,
                                  class_weight=class_weight, n_jobs=n_jobs, random_state=random_state)


@estimators.register("hist_gradient_boosting")
def hist_gradient_boosting(learning_rate: Positive = 0.1, max_iter: PositiveInt = 100,
                           max_leaf_nodes: Annotated[int, Field(ge=2)] | None = 31,
                           max_depth: PositiveInt | None = None, min_samples_leaf: PositiveInt = 20,
                           l2_regularization: Annotated[float, Field(ge=0)] = 0.0,
                           max_features: Annotated[float, Field(gt=0, le=1)] = 1.0,
                           early_stopping: Literal["auto"] | bool = "auto", class_weight: ClassWeight = None,
                           random_state: RandomState = None) -> DenseHistGradientBoosting:
    """Histogram gradient boosting on densified features (see :class:`DenseHistGradientBoosting`)."""
    return DenseHistGradientBoosting(learning_rate=learning_rate, max_iter=max_iter, max_leaf_nodes=max_leaf_nodes,
                                     max_depth=max_depth, min_samples_leaf=min_samples_leaf,
                                     l2_regularization=l2_regularization, max_features=max_features,
                                     early_stopping=early_stopping, class_weight=class_weight,
                                     random_state=random_state)
