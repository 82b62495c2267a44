"""The :class:`RelationGate` estimator: a stance that never contradicts the speaker's side."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from newsclf.pipeline.estimators import column_major_weights


class RelationGate(ClassifierMixin, BaseEstimator):
    """A classifier whose stance can not contradict the speaker's side.

    In a two-sided conflict a speaker does not take a stance against its own side, nor in favour
    of the other side: for rows whose last two feature columns (from ``stance_relation``) say
    ``same``, the probability of ``against`` moves to ``none``; for ``other``, ``favor`` moves to
    ``none``. Rows with an unknown relation (every corpus row) are left as the base model says.

    Parameters
    ----------
    base : str, default "logreg"
        Registered estimator name of the base model.
    base_params : dict, optional
        Its parameters.
    random_state : int or None
        Passed to the base model when it takes one.
    nospeaker_weight : float, default 1.0
        Sample weight of rows without a speaker (NewsMTSC-like sentences) relative to rows with
        one (DSE, quotes) when fitting; needs ``rules=True`` (reads ``rule:speaker``).
    rules : bool, default False
        Read three more columns before the relation columns (``stance_relation`` with
        ``cues: true``): on a known-relation row, a first-person vow to keep fighting is
        ``favor`` toward the speaker's own side and ``against`` the other side; a positive
        attribute denied ("they have no belief in", "not legitimate") is ``against`` the other
        side. The base model does not see these columns.
    route : {None, "split", "shared"}, default None
        Route rows by input kind (needs ``rules=True``, reads ``rule:speaker``): rows without a
        speaker (NewsMTSC-like sentence + target) get their own model ``nospeaker_estimator_``
        (``nospeaker_base``/``nospeaker_params``), fitted on those rows only. ``"split"``: the
        base model is fitted on rows with a speaker only (DSE-like rows, quotes); ``"shared"``:
        on every row (``nospeaker_weight`` applies). ``None``: one model for all rows.
    nospeaker_base : str or None
        Registered estimator for the no-speaker model (default: ``base``).
    nospeaker_params : dict or None
        Its parameters (default: ``base_params``).

    Attributes
    ----------
    estimator_ : the fitted base model
    nospeaker_estimator_ : the fitted no-speaker model, or None when ``route`` is None
    classes_ : ndarray of str
    """

    # defaults for models pickled before these parameters existed (get_params/repr read them)
    rules = False
    nospeaker_weight = 1.0
    route = None
    nospeaker_base = None
    nospeaker_params = None

    def __init__(self, base="logreg", base_params=None, random_state=None, rules=False, nospeaker_weight=1.0,
                 route=None, nospeaker_base=None, nospeaker_params=None):
        self.route = route
        self.nospeaker_base = nospeaker_base
        self.nospeaker_params = nospeaker_params
        self.nospeaker_weight = nospeaker_weight
        self.base = base
        self.base_params = base_params
        self.random_state = random_state
        self.rules = rules

    def _split(self, X):
        """(base-model input, cue columns or None)."""
        if not getattr(self, "rules", False):
            return X, None
        if X.shape[1] < 6:
            raise ValueError("relation_gate(rules=True) needs stance_relation(cues=True) as the last feature")
        X = sp.csr_matrix(X) if not sp.issparse(X) else X.tocsr()
        n = X.shape[1]
        cues = X[:, n - 5 : n - 2].toarray()
        return sp.hstack([X[:, : n - 5], X[:, n - 2 :]], format="csr"), cues

    @staticmethod
    def _relations(X) -> np.ndarray:
        if X.shape[1] < 3:
            raise ValueError("relation_gate needs the stance_relation featurizer as the last feature")
        rel = X[:, -2:]
        rel = rel.toarray() if hasattr(rel, "toarray") else np.asarray(rel)
        if not np.isin(rel, (0.0, 1.0)).all() or (rel.sum(axis=1) > 1).any():
            from newsclf.errors import ConfigError

            raise ConfigError(
                "relation_gate: the last two feature columns are not stance_relation's (0/1, at most one "
                "set); list {name: stance_relation} last under features"
            )
        return rel

    def _create(self, name: str, params: dict | None):
        import newsclf.pipeline.components  # noqa: F401  (registers the base estimators)
        from newsclf.pipeline.registry import estimators

        params = dict(params or {})
        est = estimators.create(name, **params)
        if self.random_state is not None and "random_state" in est.get_params() and "random_state" not in params:
            est.set_params(random_state=self.random_state)
        return est

    @staticmethod
    def _fit_rows(est, X, y, rows, sample_weight):
        if sample_weight is None:
            return column_major_weights(est.fit(X[rows], y[rows]))
        return column_major_weights(est.fit(X[rows], y[rows], sample_weight=sample_weight[rows]))

    def fit(self, X, y, sample_weight=None):
        self._relations(X)
        X, cues = self._split(X)
        y = np.asarray([str(v) for v in y], dtype=object)
        route = getattr(self, "route", None)
        if route not in (None, "split", "shared"):
            raise ValueError(f"relation_gate: route must be null, 'split' or 'shared', got {route!r}")
        if route is not None and cues is None:
            raise ValueError("relation_gate: route needs rules: true (and stance_relation cues: true)")
        weight = float(getattr(self, "nospeaker_weight", 1.0) or 1.0)
        if weight != 1.0:
            if cues is None:
                raise ValueError("relation_gate: nospeaker_weight needs rules: true (and stance_relation cues: true)")
            w = np.where(cues[:, 2] == 1, 1.0, weight)
            sample_weight = w if sample_weight is None else np.asarray(sample_weight, dtype=float) * w
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=float)
        every = np.ones(X.shape[0], dtype=bool)
        self.nospeaker_estimator_ = None
        if route is None:
            self.estimator_ = self._fit_rows(self._create(self.base, self.base_params), X, y, every, sample_weight)
        else:
            speaker = cues[:, 2] == 1
            if not speaker.any() or speaker.all():
                raise ValueError("relation_gate: route needs training rows both with and without a speaker")
            base_rows = speaker if route == "split" else every
            self.estimator_ = self._fit_rows(self._create(self.base, self.base_params), X, y, base_rows,
                                             sample_weight if route == "shared" else None)
            self.nospeaker_estimator_ = self._fit_rows(
                self._create(self.nospeaker_base or self.base,
                             self.nospeaker_params if self.nospeaker_params is not None else self.base_params),
                X, y, ~speaker, None)
            if [str(c) for c in self.nospeaker_estimator_.classes_] != [str(c) for c in self.estimator_.classes_]:
                raise ValueError("relation_gate: the routed models saw different labels; every kind of row needs "
                                 "all labels")
        self.classes_ = np.asarray([str(c) for c in self.estimator_.classes_], dtype=object)
        return self

    def _base_proba(self, X, cues) -> np.ndarray:
        """Probabilities of the base model, or of the no-speaker model for rows without a speaker."""
        proba = np.array(self.estimator_.predict_proba(X), dtype=np.float64)
        other = getattr(self, "nospeaker_estimator_", None)
        if other is not None and cues is not None:
            rows = cues[:, 2] != 1
            if rows.any():
                proba[rows] = other.predict_proba(X[rows])
        return proba

    def predict_proba(self, X):
        check_is_fitted(self, "estimator_")
        rel = self._relations(X)
        X, cues = self._split(X)
        proba = self._base_proba(X, cues)
        classes = list(self.classes_)
        if "none" in classes:
            none = classes.index("none")
            for col, label in ((0, "against"), (1, "favor")):
                if label in classes:
                    j = classes.index(label)
                    rows = rel[:, col] == 1
                    proba[rows, none] += proba[rows, j]
                    proba[rows, j] = 0.0
        if cues is not None:
            same, other = rel[:, 0] == 1, rel[:, 1] == 1
            vow, denied = cues[:, 0] == 1, cues[:, 1] == 1
            for rows, label in ((same & vow, "favor"), (other & (vow | denied), "against")):
                if label in classes and rows.any():
                    j = classes.index(label)
                    proba[rows, j] += proba[rows].sum(axis=1) - proba[rows, j]
                    proba[np.ix_(rows, [k for k in range(len(classes)) if k != j])] = 0.0
        return proba

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    @property
    def coef_(self):
        """The base model's linear weights (for reports and explanations); AttributeError otherwise."""
        from newsclf.pipeline.explain import linear_weights

        found = linear_weights(self.estimator_)
        if found is None:
            raise AttributeError("the base model of relation_gate is not linear")
        coef = found[0]
        if getattr(self, "rules", False):  # the rule columns (vow, neg_attr, speaker) sit before the last two
            rule = np.zeros((coef.shape[0], 3))
            for j, c in enumerate(found[1]):
                rule[j, :2] = (1.0, 1.0 if c == "against" else 0.0) if c in ("favor", "against") else (0.0, 0.0)
            coef = np.hstack([coef[:, :-2], rule, coef[:, -2:]])
        return coef
