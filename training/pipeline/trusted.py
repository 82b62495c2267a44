"""The one list of types a newsclf model file may hold (``model.skops``, read with :mod:`skops.io`).

A model file names the type of every object it stores. :func:`newsclf.pipeline.persistence.load_model`
refuses a file that names any type outside :data:`TRUSTED_TYPES` *before* anything is imported or
built, and :func:`~newsclf.pipeline.persistence.save_model` refuses to write one, so a model that
would not load is caught when it is trained.

What belongs here: newsclf's own featurizers and estimators (whose state is plain data: Python
scalars, str, list, dict, tuple, numpy arrays, scipy sparse matrices and scikit-learn objects),
and the scikit-learn, numpy and scipy types they hold once fitted. A new custom transformer is
added here in the same commit that registers it; a test fits every registered component and
checks that its file loads with this list.
"""

from __future__ import annotations

__all__ = ["NEWSCLF_TYPES", "TRUSTED_TYPES"]

NEWSCLF_TYPES = frozenset({
    "newsclf.pipeline.estimators.CalibratedLinearSVC",
    "newsclf.pipeline.estimators.DenseHistGradientBoosting",
    "newsclf.pipeline.features.text.TextTfidf",
    "newsclf.pipeline.features.text.TextHashing",
    "newsclf.pipeline.features.blocks.BlockStats",
    "newsclf.pipeline.features.blocks.BlockProba",
    "newsclf.pipeline.features.blocks.DomTokens",
    "newsclf.pipeline.features.blocks.TextProba",
    "newsclf.pipeline.features.lines.LineStats",
    "newsclf.pipeline.router.ModeRouter",
    "newsclf.pipeline.features.attribution.LinkNgrams",
    "newsclf.pipeline.features.attribution.SignalVectorizer",
    "newsclf.pipeline.features.stance._blend.ProbaBlend",
    "newsclf.pipeline.features.stance._compose.StanceCompose",
    "newsclf.pipeline.features.stance._pair.StancePair",
    "newsclf.pipeline.features.stance._parts.StanceConflictCues",
    "newsclf.pipeline.features.stance._parts.StanceParts",
    "newsclf.pipeline.features.stance._parts.StanceSideRelation",
    "newsclf.pipeline.features.stance._parts.StanceTargetMention",
    "newsclf.pipeline.features.stance._cues.StanceCues",
    "newsclf.pipeline.features.stance._cues.StanceRelation",
    "newsclf.pipeline.features.stance._dense.StanceDense",
    "newsclf.pipeline.features.stance._gate.RelationGate",
    "newsclf.pipeline.features.stance._polarity.StancePolarity",
    "newsclf.pipeline.features.stance._text.StanceTfidf",
    "newsclf.pipeline.features.stance._text.StanceWindows",
    "newsclf.pipeline.features.stance._vocab.TokenTfidf",
})
"""newsclf's own estimator and transformer classes (fully qualified: module + class)."""

_SKLEARN = frozenset({
    # composition
    "sklearn.pipeline.Pipeline",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.preprocessing._label.LabelEncoder",
    # text
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.HashingVectorizer",
    # linear models and their losses
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.linear_model._stochastic_gradient.SGDClassifier",
    "sklearn.linear_model._sgd_fast.Hinge",
    "sklearn.linear_model._sgd_fast.ModifiedHuber",
    "sklearn.linear_model._sgd_fast.SquaredHinge",
    "sklearn.svm._classes.LinearSVC",
    "sklearn.naive_bayes.ComplementNB",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.isotonic.IsotonicRegression",
    "sklearn.utils._bunch.Bunch",
    # trees
    "sklearn.ensemble._forest.RandomForestClassifier",
    "sklearn.tree._classes.DecisionTreeClassifier",
    "sklearn.tree._tree.Tree",
    "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn._loss.loss.HalfBinomialLoss",
    "sklearn._loss.loss.HalfMultinomialLoss",
    "sklearn._loss._loss.CyHalfBinomialLoss",
    "sklearn._loss._loss.CyHalfMultinomialLoss",
    "sklearn._loss.link.Interval",
    "sklearn._loss.link.LogitLink",
    "sklearn._loss.link.MultinomialLogit",
})

_NUMPY_SCIPY = frozenset({
    "numpy.ndarray",
    "numpy.dtype",
    "numpy.bool_",
    "numpy.int8",
    "numpy.int32",
    "numpy.int64",
    "numpy.uint8",
    "numpy.uint32",
    "numpy.uint64",
    "numpy.float32",
    "numpy.float64",
    "numpy.str_",
    "numpy.object_",
    "numpy.random._generator.Generator",
    "numpy.random.mtrand.RandomState",
    "scipy.sparse._csr.csr_matrix",
    "scipy.sparse._csc.csc_matrix",
    "scipy.sparse._csr.csr_array",
    "scipy.sparse._csc.csc_array",
})

_BUILTINS = frozenset({
    "builtins.bool",
    "builtins.int",
    "builtins.float",
    "builtins.str",
    "builtins.NoneType",
    "builtins.list",
    "builtins.tuple",
    "builtins.dict",
    "builtins.set",
    "builtins.frozenset",
    "builtins.slice",
})

TRUSTED_TYPES: frozenset[str] = NEWSCLF_TYPES | _SKLEARN | _NUMPY_SCIPY | _BUILTINS
"""Every type a model file may name; anything else is refused before loading."""
